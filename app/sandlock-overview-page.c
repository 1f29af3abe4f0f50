/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <signal.h>
#include <glib/gi18n.h>

#include "sandlock-overview-page.h"
#include "sandlock-sandbox-list.h"
#include "sandlock-sandbox-row.h"

struct _SandlockOverviewPage {
  SandlockPage          parent_instance;

  AdwPreferencesGroup  *header_group;
  AdwActionRow         *command_row;
  AdwActionRow         *state_row;
  AdwActionRow         *pid_row;
  AdwActionRow         *uptime_row;
  AdwActionRow         *memory_row;
  AdwActionRow         *processes_row;
  AdwActionRow         *denied_row;

  SandlockDbusSandbox  *sandbox;
  gulong                notify_id;
  guint                 clock;
};

G_DEFINE_FINAL_TYPE (SandlockOverviewPage, sandlock_overview_page, SANDLOCK_TYPE_PAGE)

static char *
format_duration (gint64 microseconds)
{
  /* Plain ints: a G_GINT64_FORMAT inside _() could not be translated. */
  int seconds = (int) MIN (MAX (microseconds, 0) / G_USEC_PER_SEC, G_MAXINT);

  if (seconds < 60)
    return g_strdup_printf (_("%d s"), seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %d s"), seconds / 60, seconds % 60);
  return g_strdup_printf (_("%d h %d min"), seconds / 3600, (seconds / 60) % 60);
}

static void
update_uptime (SandlockOverviewPage *self)
{
  gint64 start = sandlock_dbus_sandbox_get_start_time (self->sandbox);
  gint64 end = sandlock_dbus_sandbox_get_end_time (self->sandbox);
  g_autofree char *text = format_duration ((end > 0 ? end : g_get_real_time ()) - start);

  adw_action_row_set_subtitle (self->uptime_row, text);
}

static gboolean
on_clock (gpointer user_data)
{
  update_uptime (user_data);
  return G_SOURCE_CONTINUE;
}

static void
update (SandlockOverviewPage *self)
{
  SandlockDbusSandbox *sandbox = self->sandbox;
  const char *state = sandlock_dbus_sandbox_get_state (sandbox);
  gboolean running = g_strcmp0 (state, "running") == 0;
  gboolean paused = g_strcmp0 (state, "paused") == 0;
  g_autofree char *title = sandlock_sandbox_describe (sandbox);
  g_autofree char *command = sandlock_sandbox_command (sandbox);
  g_autofree char *command_markup = g_markup_escape_text (command, -1);
  g_autofree char *state_text = sandlock_sandbox_state_text (sandbox);
  g_autofree char *pid = g_strdup_printf ("%d", sandlock_dbus_sandbox_get_pid (sandbox));
  g_autofree char *memory = g_format_size_full (sandlock_dbus_sandbox_get_memory_bytes (sandbox),
                                                G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *processes = g_strdup_printf ("%u", sandlock_dbus_sandbox_get_processes (sandbox));
  g_autofree char *denied = g_strdup_printf ("%u", sandlock_dbus_sandbox_get_denied (sandbox));
  const char *error = sandlock_dbus_sandbox_get_error (sandbox);

  g_autofree char *title_markup = g_markup_escape_text (title, -1);
  g_autofree char *error_markup = g_markup_escape_text (error ? error : "", -1);

  adw_preferences_group_set_title (self->header_group, title_markup);
  adw_preferences_group_set_description (self->header_group, *error_markup ? error_markup : NULL);
  /* Row subtitles are markup; a command line is text. */
  adw_action_row_set_subtitle (self->command_row, command_markup);
  adw_action_row_set_subtitle (self->state_row, state_text);
  adw_action_row_set_subtitle (self->pid_row, pid);
  adw_action_row_set_subtitle (self->memory_row, running || paused ? memory : "—");
  adw_action_row_set_subtitle (self->processes_row, running || paused ? processes : "—");
  adw_action_row_set_subtitle (self->denied_row, denied);
  update_uptime (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.pause", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.resume", paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.stop", running || paused);

  if ((running || paused) && self->clock == 0)
    self->clock = g_timeout_add_seconds (1, on_clock, self);
  else if (!running && !paused)
    g_clear_handle_id (&self->clock, g_source_remove);
}

static void
on_notify (GObject              *object,
           GParamSpec           *pspec,
           SandlockOverviewPage *self)
{
  update (self);
}

static void
set_sandbox (SandlockOverviewPage *self,
             SandlockDbusSandbox  *sandbox)
{
  if (self->sandbox != NULL)
    g_clear_signal_handler (&self->notify_id, self->sandbox);
  g_clear_handle_id (&self->clock, g_source_remove);
  g_set_object (&self->sandbox, sandbox);
  if (sandbox != NULL)
    {
      self->notify_id = g_signal_connect (sandbox, "notify", G_CALLBACK (on_notify), self);
      update (self);
    }
}

/* Failures of the helper become a toast on the window. */
static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SandlockOverviewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

  sandlock_page_report (SANDLOCK_PAGE (self), _("The helper refused"), error);
}

static void
call (SandlockOverviewPage *self,
      const char           *method,
      GVariant             *parameters)
{
  if (self->sandbox == NULL)
    return;
  g_dbus_proxy_call (G_DBUS_PROXY (self->sandbox), method, parameters, G_DBUS_CALL_FLAGS_NONE,
                     -1, NULL, on_called, g_object_ref (self));
}

static void
on_pause (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  call (SANDLOCK_OVERVIEW_PAGE (widget), "Pause", NULL);
}

static void
on_resume (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  call (SANDLOCK_OVERVIEW_PAGE (widget), "Resume", NULL);
}

static void
on_stop (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  call (SANDLOCK_OVERVIEW_PAGE (widget), "Kill", g_variant_new ("(i)", SIGKILL));
}

static void
page_set_sandbox (SandlockPage        *page,
                  SandlockDbusSandbox *sandbox)
{
  set_sandbox (SANDLOCK_OVERVIEW_PAGE (page), sandbox);
}

static void
sandlock_overview_page_dispose (GObject *object)
{
  set_sandbox (SANDLOCK_OVERVIEW_PAGE (object), NULL);
  G_OBJECT_CLASS (sandlock_overview_page_parent_class)->dispose (object);
}

static void
sandlock_overview_page_class_init (SandlockOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_overview_page_dispose;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, header_group);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, command_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, pid_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, uptime_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, processes_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockOverviewPage, denied_row);

  gtk_widget_class_install_action (widget_class, "overview.pause", NULL, on_pause);
  gtk_widget_class_install_action (widget_class, "overview.resume", NULL, on_resume);
  gtk_widget_class_install_action (widget_class, "overview.stop", NULL, on_stop);
}

static void
sandlock_overview_page_init (SandlockOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
