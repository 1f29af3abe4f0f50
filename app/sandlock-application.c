/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-application.h"
#include "sandlock-notifier.h"
#include "sandlock-sandbox-list.h"
#include "sandlock-window.h"

#define BUS_NAME     "org.sandlock.Helper1"
#define MANAGER_PATH "/org/sandlock/Helper1"

struct _SandlockApplication {
  AdwApplication       parent_instance;

  SandlockDbusManager *manager;
  GDBusObjectManager  *objects;
  SandlockSandboxList *sandboxes;
  GListStore          *empty;
  GError              *connect_error;
  GStrv                run_argv;    /* --run PROGRAM ARGS */
  SandlockNotifier    *notifier;
};

G_DEFINE_FINAL_TYPE (SandlockApplication, sandlock_application, ADW_TYPE_APPLICATION)

SandlockDbusManager *
sandlock_application_get_manager (SandlockApplication *self)
{
  return self->manager;
}

GListModel *
sandlock_application_get_sandboxes (SandlockApplication *self)
{
  return self->sandboxes ? G_LIST_MODEL (self->sandboxes) : G_LIST_MODEL (self->empty);
}

/* Connecting starts the helper (D-Bus activation) if it is not running. */
static gboolean
connect_helper (SandlockApplication  *self,
                GError              **error)
{
  g_autoptr(GVariant) capabilities = NULL;

  self->manager = sandlock_dbus_manager_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION,
                                                                G_DBUS_PROXY_FLAGS_NONE,
                                                                BUS_NAME, MANAGER_PATH,
                                                                NULL, error);
  if (self->manager == NULL)
    return FALSE;
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (self->manager), 60000);
  if (!sandlock_dbus_manager_call_get_capabilities_sync (self->manager, &capabilities, NULL, error))
    return FALSE;
  self->objects = sandlock_dbus_object_manager_client_new_for_bus_sync (G_BUS_TYPE_SESSION,
                                                                        G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                                        BUS_NAME, MANAGER_PATH,
                                                                        NULL, error);
  if (self->objects == NULL)
    return FALSE;
  self->sandboxes = sandlock_sandbox_list_new (self->objects);
  return TRUE;
}

static void
sandlock_application_startup (GApplication *app)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (app);
  const char *quit[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (sandlock_application_parent_class)->startup (app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit);
  if (!connect_helper (self, &self->connect_error))
    g_warning ("cannot reach sandlock-helper: %s", self->connect_error->message);
  self->notifier = sandlock_notifier_new (self);
}

static void
sandlock_application_activate (GApplication *app)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (sandlock_window_new (self));
      if (self->connect_error != NULL)
        sandlock_window_show_error (SANDLOCK_WINDOW (window),
                                    _("Cannot reach the Sandlock helper"),
                                    self->connect_error->message);
    }
  gtk_window_present (window);
  if (self->run_argv != NULL)
    {
      sandlock_window_open_launch (SANDLOCK_WINDOW (window), (const char * const *) self->run_argv);
      g_clear_pointer (&self->run_argv, g_strfreev);
    }
}

static int
sandlock_application_handle_local_options (GApplication *app,
                                           GVariantDict *options)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (app);
  g_auto(GStrv) remaining = NULL;
  gboolean run = FALSE;

  g_variant_dict_lookup (options, "run", "b", &run);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &remaining);
  if (run)
    {
      /* The desktop file's "--run %f" gives no program when started from
       * the menu: then the launch dialog opens empty. */
      self->run_argv = remaining != NULL ? g_strdupv (remaining) : g_new0 (char *, 1);
    }
  else if (remaining != NULL && remaining[0] != NULL)
    {
      g_printerr (_("Unexpected argument “%s” (did you mean --run?)\n"), remaining[0]);
      return 2;
    }
  return -1;
}

static void
sandlock_application_finalize (GObject *object)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->sandboxes);
  g_clear_object (&self->objects);
  g_clear_object (&self->manager);
  g_clear_object (&self->empty);
  g_clear_error (&self->connect_error);
  g_strfreev (self->run_argv);
  G_OBJECT_CLASS (sandlock_application_parent_class)->finalize (object);
}

static void
sandlock_application_class_init (SandlockApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sandlock_application_finalize;
  app_class->startup = sandlock_application_startup;
  app_class->activate = sandlock_application_activate;
  app_class->handle_local_options = sandlock_application_handle_local_options;
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
sandlock_application_init (SandlockApplication *self)
{
  static const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the launch dialog for PROGRAM"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[PROGRAM [ARGS…]]") },
    { NULL }
  };
  static const GActionEntry actions[] = {
    { "quit", on_quit },
  };

  self->empty = g_list_store_new (SANDLOCK_DBUS_TYPE_SANDBOX);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}

SandlockApplication *
sandlock_application_new (void)
{
  return g_object_new (SANDLOCK_TYPE_APPLICATION,
                       "application-id", "org.sandlock.Sandlock",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}
