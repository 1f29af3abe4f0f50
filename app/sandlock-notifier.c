/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-notifier.h"
#include "sandlock-settings.h"
#include "sandlock-window.h"

/* Marks on each sandbox proxy: watched at all, and what was told already. */
#define WATCHED_KEY  "sandlock-notifier-watched"
#define ENDED_KEY    "sandlock-notifier-ended"
#define DENIED_KEY   "sandlock-notifier-denied"

struct _SandlockNotifier {
  GObject              parent_instance;

  SandlockApplication *app;        /* weak: the application owns us */
  GListModel          *sandboxes;
  GSettings           *settings;   /* NULL without the installed schema */
};

G_DEFINE_FINAL_TYPE (SandlockNotifier, sandlock_notifier, G_TYPE_OBJECT)

static gboolean
sandbox_ended (SandlockDbusSandbox *sandbox)
{
  const char *state = sandlock_dbus_sandbox_get_state (sandbox);

  return g_strcmp0 (state, "exited") == 0 || g_strcmp0 (state, "failed") == 0;
}

static char *
sandbox_name (SandlockDbusSandbox *sandbox)
{
  const char *name = sandlock_dbus_sandbox_get_name (sandbox);
  const char * const *argv = sandlock_dbus_sandbox_get_argv (sandbox);

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  if (argv != NULL && argv[0] != NULL)
    return g_path_get_basename (argv[0]);
  return g_strdup (sandlock_dbus_sandbox_get_id (sandbox));
}

/* Nobody needs telling what happens in a window they are looking at. */
static gboolean
should_notify (SandlockNotifier *self)
{
  GtkWindow *window;

  if (self->app == NULL)
    return FALSE;
  if (self->settings != NULL && !g_settings_get_boolean (self->settings, "notify"))
    return FALSE;
  window = gtk_application_get_active_window (GTK_APPLICATION (self->app));
  return window == NULL || !gtk_window_is_active (window);
}

static void
send (SandlockNotifier    *self,
      SandlockDbusSandbox *sandbox,
      const char          *what,
      const char          *title,
      const char          *body,
      GNotificationPriority priority)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autofree char *id = g_strdup_printf ("sandbox-%s-%s", sandlock_dbus_sandbox_get_id (sandbox), what);
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sandbox));

  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, priority);
  g_notification_set_default_action_and_target (notification, "app.show-sandbox", "s", path);
  g_application_send_notification (G_APPLICATION (self->app), id, notification);
}

static void
check_ended (SandlockNotifier    *self,
             SandlockDbusSandbox *sandbox)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  int exit_code, sig;

  if (!sandbox_ended (sandbox) || g_object_get_data (G_OBJECT (sandbox), ENDED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (sandbox), ENDED_KEY, GINT_TO_POINTER (TRUE));
  if (!should_notify (self))
    return;

  name = sandbox_name (sandbox);
  exit_code = sandlock_dbus_sandbox_get_exit_code (sandbox);
  sig = sandlock_dbus_sandbox_get_signal (sandbox);
  if (g_strcmp0 (sandlock_dbus_sandbox_get_state (sandbox), "failed") == 0)
    {
      /* Translators: %s is the name of a sandbox */
      title = g_strdup_printf (_("%s could not start"), name);
      body = g_strdup (sandlock_dbus_sandbox_get_error (sandbox));
    }
  else if (sig > 0)
    {
      /* Translators: %s is the name of a sandbox */
      title = g_strdup_printf (_("%s was stopped"), name);
      /* Translators: %s is a signal's description, like “Killed” */
      body = g_strdup_printf (_("It ended by a signal: %s"), g_strsignal (sig));
    }
  else
    {
      /* Translators: %s is the name of a sandbox, %d its exit code */
      title = g_strdup_printf (_("%s finished (exit code %d)"), name, exit_code);
      body = g_strdup (exit_code == 0 ? _("It ran to the end and reported success")
                                      : _("It reported a failure"));
    }
  send (self, sandbox, "ended", title, body ? body : "", G_NOTIFICATION_PRIORITY_NORMAL);
}

static void
check_denied (SandlockNotifier    *self,
              SandlockDbusSandbox *sandbox)
{
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (sandlock_dbus_sandbox_get_denied (sandbox) == 0
      || g_object_get_data (G_OBJECT (sandbox), DENIED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (sandbox), DENIED_KEY, GINT_TO_POINTER (TRUE));
  if (!should_notify (self))
    return;

  name = sandbox_name (sandbox);
  /* Translators: %s is the name of a sandbox */
  title = g_strdup_printf (_("%s was denied something"), name);
  send (self, sandbox, "denied", title,
        _("The sandbox refused something the program tried; its events show what and why"),
        G_NOTIFICATION_PRIORITY_HIGH);
}

static void
on_state_changed (SandlockDbusSandbox *sandbox,
                  GParamSpec          *pspec,
                  SandlockNotifier    *self)
{
  check_ended (self, sandbox);
}

static void
on_denied_changed (SandlockDbusSandbox *sandbox,
                   GParamSpec          *pspec,
                   SandlockNotifier    *self)
{
  check_denied (self, sandbox);
}

/* A sandbox that had already ended or been denied when it was first
 * listed (the app started after it) is not news. */
static void
watch (SandlockNotifier    *self,
       SandlockDbusSandbox *sandbox)
{
  if (g_object_get_data (G_OBJECT (sandbox), WATCHED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (sandbox), WATCHED_KEY, GINT_TO_POINTER (TRUE));
  if (sandbox_ended (sandbox))
    g_object_set_data (G_OBJECT (sandbox), ENDED_KEY, GINT_TO_POINTER (TRUE));
  if (sandlock_dbus_sandbox_get_denied (sandbox) > 0)
    g_object_set_data (G_OBJECT (sandbox), DENIED_KEY, GINT_TO_POINTER (TRUE));
  g_signal_connect_object (sandbox, "notify::state", G_CALLBACK (on_state_changed), self, 0);
  g_signal_connect_object (sandbox, "notify::denied", G_CALLBACK (on_denied_changed), self, 0);
}

static void
on_items_changed (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  SandlockNotifier *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(SandlockDbusSandbox) sandbox = g_list_model_get_item (model, i);

      watch (self, sandbox);
    }
}

/* app.show-sandbox(object path): what clicking a notification does. */
static void
on_show_sandbox (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SandlockNotifier *self = user_data;
  SandlockWindow *window;

  if (self->app == NULL)
    return;
  /* The main window, even when the audit log is the active one. */
  window = sandlock_application_get_main_window (self->app);
  gtk_window_present (GTK_WINDOW (window));
  sandlock_window_select (window, g_variant_get_string (parameter, NULL));
}

static void
sandlock_notifier_dispose (GObject *object)
{
  SandlockNotifier *self = SANDLOCK_NOTIFIER (object);

  g_clear_weak_pointer (&self->app);
  g_clear_object (&self->sandboxes);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sandlock_notifier_parent_class)->dispose (object);
}

static void
sandlock_notifier_class_init (SandlockNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sandlock_notifier_dispose;
}

static void
sandlock_notifier_init (SandlockNotifier *self)
{
  self->settings = sandlock_settings_new ();
}

SandlockNotifier *
sandlock_notifier_new (SandlockApplication *app)
{
  SandlockNotifier *self;
  g_autoptr(GSimpleAction) show = NULL;

  g_return_val_if_fail (SANDLOCK_IS_APPLICATION (app), NULL);

  self = g_object_new (SANDLOCK_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->sandboxes = g_object_ref (sandlock_application_get_sandboxes (app));
  g_signal_connect_object (self->sandboxes, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  on_items_changed (self->sandboxes, 0, 0, g_list_model_get_n_items (self->sandboxes), self);

  show = g_simple_action_new ("show-sandbox", G_VARIANT_TYPE_STRING);
  g_signal_connect_object (show, "activate", G_CALLBACK (on_show_sandbox), self, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (show));
  return self;
}
