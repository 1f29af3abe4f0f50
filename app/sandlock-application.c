/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>
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

SandlockWindow *
sandlock_application_get_main_window (SandlockApplication *self)
{
  SandlockWindow *window;

  g_return_val_if_fail (SANDLOCK_IS_APPLICATION (self), NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SANDLOCK_IS_WINDOW (l->data))
      return l->data;
  window = sandlock_window_new (self);
  if (self->connect_error != NULL)
    sandlock_window_show_error (window, _("Cannot reach the Sandlock helper"),
                                self->connect_error->message);
  return window;
}

static void
sandlock_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (sandlock_application_get_main_window (SANDLOCK_APPLICATION (app))));
}

static void
open_launch (SandlockApplication *self,
             const char * const  *argv)
{
  SandlockWindow *window = sandlock_application_get_main_window (self);

  gtk_window_present (GTK_WINDOW (window));
  sandlock_window_open_launch (window, argv);
}

static char *
not_local_message (const char *name)
{
  return g_strdup_printf (_("Cannot run “%s”: it is not on this computer (copy it here first)"), name);
}

/* "Open With → Sandlock" through D-Bus activation (the desktop file is
 * DBusActivatable): each file is a program to run, in a dialog of its own. */
static void
sandlock_application_open (GApplication  *app,
                           GFile        **files,
                           int            n_files,
                           const char    *hint)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      const char *argv[] = { path, NULL };

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autofree char *message = not_local_message (uri);
          SandlockWindow *window = sandlock_application_get_main_window (self);

          gtk_window_present (GTK_WINDOW (window));
          sandlock_window_toast (window, message);
          continue;
        }
      open_launch (self, argv);
    }
}

/* In the primary instance, for its own command line or one a later start
 * sent (that one has already checked it in handle_local_options). */
static int
sandlock_application_command_line (GApplication            *app,
                                   GApplicationCommandLine *cmdline)
{
  SandlockApplication *self = SANDLOCK_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_auto(GStrv) argv = NULL;
  gboolean run = FALSE;

  g_variant_dict_lookup (options, "run", "b", &run);
  if (!run)
    {
      g_application_activate (app);
      return 0;
    }
  /* The desktop file's "--run %f" gives no program when started from the
   * menu (without D-Bus activation): then the launch dialog opens empty. */
  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &argv))
    argv = g_new0 (char *, 1);
  /* A program named by a path is found from the caller's working
   * directory, not this instance's; a bare name is looked up in PATH at
   * launch. The arguments are the program's business. */
  if (argv[0] != NULL && strchr (argv[0], '/') != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, argv[0]);
      char *path = g_file_get_path (file);

      if (path == NULL)
        {
          g_autofree char *message = not_local_message (argv[0]);

          g_application_command_line_printerr (cmdline, "%s\n", message);
          return 2;
        }
      g_free (argv[0]);
      argv[0] = path;
    }
  open_launch (self, (const char * const *) argv);
  return 0;
}

/* In every process, before it becomes or calls the primary instance: a
 * mistake is told to whoever made it. */
static int
sandlock_application_handle_local_options (GApplication *app,
                                           GVariantDict *options)
{
  g_auto(GStrv) remaining = NULL;
  gboolean run = FALSE;

  g_variant_dict_lookup (options, "run", "b", &run);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &remaining);
  if (!run && remaining != NULL && remaining[0] != NULL)
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
  G_OBJECT_CLASS (sandlock_application_parent_class)->finalize (object);
}

static void
sandlock_application_class_init (SandlockApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sandlock_application_finalize;
  app_class->startup = sandlock_application_startup;
  app_class->activate = sandlock_application_activate;
  app_class->open = sandlock_application_open;
  app_class->command_line = sandlock_application_command_line;
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
                       /* One instance: a later start (a file manager's "Open
                        * With", the menu) hands its command line over. */
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}
