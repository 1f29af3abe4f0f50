/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sandlock-application.h"
#include "sandlock-audit-record.h"
#include "sandlock-audit-window-private.h"

#define MAX_RUNS 1000

struct _SandlockAuditWindow {
  AdwWindow           parent_instance;

  AdwToastOverlay    *toasts;
  AdwWindowTitle     *title;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkListView        *runs;
  GtkLabel           *run_title;
  GtkLabel           *run_command;
  GtkLabel           *run_facts;
  GtkLabel           *run_result;
  GtkLabel           *run_counts;
  GtkStack           *events_stack;
  GtkSpinner         *events_spinner;
  GtkColumnView      *events;

  GListStore         *run_store;      /* SandlockAuditRecord, newest first */
  GtkSingleSelection *run_selection;
  GListStore         *event_store;    /* SandlockAuditRecord, oldest first */
  GCancellable       *cancellable;    /* the run list and exports */
  GCancellable       *events_cancellable;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (SandlockAuditWindow, sandlock_audit_window, ADW_TYPE_WINDOW)

static SandlockDbusManager *
get_manager (void)
{
  GApplication *app = g_application_get_default ();

  if (!SANDLOCK_IS_APPLICATION (app))
    return NULL;
  return sandlock_application_get_manager (SANDLOCK_APPLICATION (app));
}

/* ---- Formatting --------------------------------------------------------- */

static char *
format_start (gint64 start_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (start_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (time) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* Translators: a time today, in g_date_time_format() syntax */
    return g_date_time_format (time, _("Today %H:%M:%S"));
  /* Translators: a date and time, in g_date_time_format() syntax */
  return g_date_time_format (time, _("%e %b %Y %H:%M:%S"));
}

static char *
format_duration (gint64 start_us,
                 gint64 end_us)
{
  gint64 us = end_us - start_us;
  gint64 seconds = us / G_USEC_PER_SEC;

  if (end_us <= 0 || us < 0)
    return g_strdup (_("still running"));
  if (us < G_USEC_PER_SEC)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%d ms"), (int) (us / 1000));
  if (seconds < 60)
    /* Translators: a duration in seconds, with one decimal */
    return g_strdup_printf (_("%.1f s"), (double) us / G_USEC_PER_SEC);
  if (seconds < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_("%d min %02d s"), (int) (seconds / 60), (int) (seconds % 60));
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds / 60 % 60));
}

/* The run's outcome, and a style class for it. */
static char *
format_result (SandlockAuditRecord  *run,
               const char          **style)
{
  const char *state = sandlock_audit_record_get_string (run, "state");
  gint64 exit_code = sandlock_audit_record_get_int (run, "exit_code");
  gint64 sig = sandlock_audit_record_get_int (run, "signal");

  if (g_strcmp0 (state, "failed") == 0)
    {
      *style = "error";
      return g_strdup (_("Could not start"));
    }
  if (sig > 0)
    {
      const char *abbrev = sigabbrev_np ((int) sig);

      *style = "warning";
      if (abbrev != NULL)
        /* Translators: %s is a signal's name without SIG, like KILL */
        return g_strdup_printf (_("Killed by SIG%s"), abbrev);
      /* Translators: %d is a signal number */
      return g_strdup_printf (_("Killed by signal %d"), (int) sig);
    }
  if (exit_code == 0)
    {
      *style = "success";
      return g_strdup (_("Exited normally"));
    }
  *style = "warning";
  /* Translators: %d is a program's exit code */
  return g_strdup_printf (_("Exit code %d"), (int) exit_code);
}

static char *
run_name (SandlockAuditRecord *run)
{
  const char *name = sandlock_audit_record_get_string (run, "name");
  g_autofree const char **argv = NULL;

  if (*name != '\0')
    return g_strdup (name);
  if (g_variant_lookup (sandlock_audit_record_get_variant (run), "argv", "^a&s", &argv)
      && argv[0] != NULL)
    return g_path_get_basename (argv[0]);
  return g_strdup (sandlock_audit_record_get_string (run, "run"));
}

/* ---- Run list ----------------------------------------------------------- */

typedef struct {
  GtkLabel *name;
  GtkLabel *command;
  GtkLabel *when;
  GtkLabel *badge;
} RunRow;

static void
setup_run (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  RunRow *row = g_new0 (RunRow, 1);

  row->name = GTK_LABEL (gtk_label_new (NULL));
  row->command = GTK_LABEL (gtk_label_new (NULL));
  row->when = GTK_LABEL (gtk_label_new (NULL));
  row->badge = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->name, 0);
  gtk_label_set_ellipsize (row->name, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->name), "heading");
  gtk_label_set_xalign (row->command, 0);
  gtk_label_set_ellipsize (row->command, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (GTK_WIDGET (row->command), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (row->command), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (row->command), "dim-label");
  gtk_label_set_xalign (row->when, 0);
  gtk_label_set_ellipsize (row->when, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->when), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (row->when), "dim-label");
  gtk_widget_set_valign (GTK_WIDGET (row->badge), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (row->badge), "audit-badge");

  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->name));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->command));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->when));
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->badge));
  g_object_set_data_full (G_OBJECT (item), "row", row, g_free);
  gtk_list_item_set_child (item, box);
}

static void
bind_run (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  SandlockAuditRecord *run = gtk_list_item_get_item (item);
  RunRow *row = g_object_get_data (G_OBJECT (item), "row");
  gint64 start = sandlock_audit_record_get_int (run, "start");
  gint64 denied = sandlock_audit_record_get_int (run, "denied");
  g_autofree char *name = run_name (run);
  g_autofree char *command = sandlock_audit_record_dup_command (run);
  g_autofree char *when = format_start (start);
  g_autofree char *duration = format_duration (start, sandlock_audit_record_get_int (run, "end"));
  g_autofree char *line = g_strdup_printf ("%s · %s", when, duration);
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, denied);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (row->name, name);
  gtk_label_set_text (row->command, command);
  gtk_label_set_text (row->when, line);
  gtk_label_set_text (row->badge, count);
  gtk_widget_set_visible (GTK_WIDGET (row->badge), denied > 0);
  tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d action denied", "%d actions denied",
                                          (gulong) denied), (int) denied);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->badge), tooltip);
}

/* ---- Events ------------------------------------------------------------- */

typedef enum {
  COLUMN_TIME,
  COLUMN_PID,
  COLUMN_SYSCALL,
  COLUMN_DETAIL,
  COLUMN_VERDICT,
  COLUMN_RULE,
} Column;

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_PID ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label),
                           column == COLUMN_DETAIL ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
  if (column == COLUMN_TIME || column == COLUMN_PID)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_DETAIL || column == COLUMN_SYSCALL)
    gtk_widget_add_css_class (label, "monospace");
  if (column == COLUMN_TIME || column == COLUMN_RULE)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  SandlockAuditRecord *event = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;
  g_autofree char *tooltip_text = NULL;
  const char *tooltip = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  switch (column)
    {
    case COLUMN_TIME:
      {
        gint64 ns = sandlock_audit_record_get_int (event, "time_ns");
        g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (ns / 1000000000);
        g_autofree char *clock = time ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");

        text = g_strdup_printf ("%s.%03d", clock, (int) (ns / 1000000 % 1000));
      }
      break;
    case COLUMN_PID:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, sandlock_audit_record_get_int (event, "pid"));
      break;
    case COLUMN_SYSCALL:
      text = g_strdup (sandlock_audit_record_get_string (event, "syscall"));
      tooltip = sandlock_audit_record_get_string (event, "category");
      break;
    case COLUMN_DETAIL:
      text = g_strdup (sandlock_audit_record_get_string (event, "detail"));
      tooltip = text;
      break;
    case COLUMN_VERDICT:
      {
        const char *verdict = sandlock_audit_record_get_string (event, "verdict");
        int error = (int) sandlock_audit_record_get_int (event, "errno");
        const char *name = error > 0 ? strerrorname_np (error) : NULL;

        if (g_strcmp0 (verdict, "deny") == 0)
          {
            gtk_widget_add_css_class (GTK_WIDGET (label), "error");
            text = g_strdup (_("Denied"));
          }
        else if (g_strcmp0 (verdict, "audit") == 0)
          {
            gtk_widget_add_css_class (GTK_WIDGET (label), "warning");
            text = g_strdup (_("Audited"));
          }
        else
          text = g_strdup (verdict);
        if (name != NULL)
          tooltip_text = g_strdup_printf ("%s: %s", name, g_strerror (error));
        tooltip = tooltip_text;
      }
      break;
    case COLUMN_RULE:
      text = g_strdup (sandlock_audit_record_get_string (event, "rule"));
      tooltip = text;
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip && *tooltip ? tooltip : NULL);
}

static void
add_column (SandlockAuditWindow *self,
            const char          *title,
            Column               column,
            gboolean             expand,
            int                  width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_append_column (self->events, view_column);
}

static void
show_events_error (SandlockAuditWindow *self,
                   GError              *error)
{
  AdwStatusPage *status = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->events_stack, "none"));

  g_dbus_error_strip_remote_error (error);
  adw_status_page_set_icon_name (status, "dialog-error-symbolic");
  adw_status_page_set_title (status, _("Cannot Read the Events"));
  adw_status_page_set_description (status, error->message);
  gtk_spinner_stop (self->events_spinner);
  gtk_stack_set_visible_child_name (self->events_stack, "none");
}

static void
on_events_queried (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SandlockAuditWindow *self = user_data;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  GVariant *record;
  AdwStatusPage *status;

  if (!sandlock_dbus_manager_call_query_audit_finish (SANDLOCK_DBUS_MANAGER (source), &records,
                                                      result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_events_error (self, error);
      return;
    }

  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(SandlockAuditRecord) event = sandlock_audit_record_new (record);

      g_variant_unref (record);
      /* The log keeps what was denied or audited; allowed events, should
       * a future helper log them, are not what this view is for. */
      if (g_strcmp0 (sandlock_audit_record_get_string (event, "verdict"), "allow") != 0)
        g_ptr_array_add (events, g_steal_pointer (&event));
    }
  g_list_store_splice (self->event_store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->event_store)),
                       events->pdata, events->len);

  status = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->events_stack, "none"));
  adw_status_page_set_icon_name (status, "security-high-symbolic");
  adw_status_page_set_title (status, _("Nothing Denied or Audited"));
  adw_status_page_set_description (status, _("The program kept to its policy"));
  gtk_spinner_stop (self->events_spinner);
  gtk_stack_set_visible_child_name (self->events_stack, events->len > 0 ? "events" : "none");
}

static void
show_run (SandlockAuditWindow *self,
          SandlockAuditRecord *run)
{
  SandlockDbusManager *manager = get_manager ();
  g_autofree char *name = NULL;
  g_autofree char *command = NULL;
  g_autofree char *when = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *result = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *facts = NULL;
  const char *style = NULL;
  gint64 start, denied, audited;
  GVariantDict filter;

  g_cancellable_cancel (self->events_cancellable);
  g_clear_object (&self->events_cancellable);
  g_list_store_remove_all (self->event_store);
  if (run == NULL)
    return;

  start = sandlock_audit_record_get_int (run, "start");
  denied = sandlock_audit_record_get_int (run, "denied");
  audited = sandlock_audit_record_get_int (run, "audited");
  name = run_name (run);
  command = sandlock_audit_record_dup_command (run);
  when = format_start (start);
  duration = format_duration (start, sandlock_audit_record_get_int (run, "end"));
  result = format_result (run, &style);
  /* Translators: counts of a run's events, like “3 denied, 1 audited” */
  counts = g_strdup_printf (_("%d denied, %d audited"), (int) denied, (int) audited);
  facts = g_strdup_printf ("%s · %s ·", when, duration);
  gtk_label_set_text (self->run_title, name);
  gtk_label_set_text (self->run_command, command);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_command), command);
  gtk_label_set_text (self->run_facts, facts);
  gtk_label_set_text (self->run_result, result);
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_result), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_result), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->run_result), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->run_result), style);
  g_free (facts);
  facts = g_strdup_printf ("· %s", counts);
  gtk_label_set_text (self->run_counts, facts);

  if (manager == NULL)
    return;
  self->events_cancellable = g_cancellable_new ();
  g_variant_dict_init (&filter, NULL);
  g_variant_dict_insert (&filter, "run", "s", sandlock_audit_record_get_string (run, "run"));
  g_variant_dict_insert (&filter, "kind", "s", "event");
  gtk_spinner_start (self->events_spinner);
  gtk_stack_set_visible_child_name (self->events_stack, "loading");
  sandlock_dbus_manager_call_query_audit (manager, g_variant_dict_end (&filter),
                                          self->events_cancellable, on_events_queried, self);
}

static void
on_run_selected (GtkSingleSelection  *selection,
                 GParamSpec          *pspec,
                 SandlockAuditWindow *self)
{
  show_run (self, gtk_single_selection_get_selected_item (selection));
}

/* ---- Loading ------------------------------------------------------------ */

static void
show_error (SandlockAuditWindow *self,
            const char          *message)
{
  adw_status_page_set_description (self->error_page, message);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
on_runs_queried (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SandlockAuditWindow *self = user_data;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *subtitle = NULL;
  g_autofree char *keep = NULL;
  SandlockAuditRecord *selected;
  GVariantIter iter;
  GVariant *record;

  if (!sandlock_dbus_manager_call_query_audit_finish (SANDLOCK_DBUS_MANAGER (source), &records,
                                                      result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          show_error (self, error->message);
        }
      return;
    }

  /* Oldest first from the helper, newest first on screen. */
  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_ptr_array_insert (runs, 0, sandlock_audit_record_new (record));
      g_variant_unref (record);
    }
  /* A reload keeps the run shown, when it is still listed. */
  selected = gtk_single_selection_get_selected_item (self->run_selection);
  if (selected != NULL)
    keep = g_strdup (sandlock_audit_record_get_string (selected, "run"));
  g_list_store_splice (self->run_store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->run_store)),
                       runs->pdata, runs->len);
  for (guint i = 0; keep != NULL && i < runs->len; i++)
    if (g_strcmp0 (sandlock_audit_record_get_string (runs->pdata[i], "run"), keep) == 0)
      gtk_single_selection_set_selected (self->run_selection, i);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", runs->len), runs->len);
  adw_window_title_set_subtitle (self->title, runs->len > 0 ? subtitle : NULL);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, runs->len > 0 ? "log" : "empty");
}

static void
refresh (SandlockAuditWindow *self)
{
  SandlockDbusManager *manager = get_manager ();
  GVariantDict filter;

  if (manager == NULL)
    {
      show_error (self, _("The Sandlock helper is not running: restart Sandlock to start it"));
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_variant_dict_init (&filter, NULL);
  g_variant_dict_insert (&filter, "kind", "s", "run");
  g_variant_dict_insert (&filter, "limit", "u", (guint32) MAX_RUNS);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->run_store)) == 0)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  sandlock_dbus_manager_call_query_audit (manager, g_variant_dict_end (&filter),
                                          self->cancellable, on_runs_queried, self);
}

static void
on_refresh (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  refresh (SANDLOCK_AUDIT_WINDOW (widget));
}

/* ---- Export ------------------------------------------------------------- */

typedef struct {
  SandlockAuditWindow *self;
  GFile               *file;
  guint                count;
} Export;

static void
export_free (Export *export)
{
  g_clear_object (&export->file);
  g_free (export);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Export, export_free)

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Export) export = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why a file could not be written */
      message = g_strdup_printf (_("Could not export the audit log: %s"), error->message);
    }
  else
    {
      basename = g_file_get_basename (G_FILE (source));
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u record to %s",
                                              "Exported %u records to %s", export->count),
                                 export->count, basename);
    }
  adw_toast_overlay_add_toast (export->self->toasts, adw_toast_new (message));
}

static void
on_export_queried (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Export) export = user_data;
  SandlockAuditWindow *self = export->self;
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonArray *array;
  GVariantIter iter;
  GVariant *record;
  GFile *file;
  char *text;
  gsize length;

  if (!sandlock_dbus_manager_call_query_audit_finish (SANDLOCK_DBUS_MANAGER (source), &records,
                                                      result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("Could not export the audit log: %s"), error->message);
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
      return;
    }

  /* One JSON array of the records as the log keeps them. */
  array = json_array_new ();
  g_variant_iter_init (&iter, records);
  while ((record = g_variant_iter_next_value (&iter)) != NULL)
    {
      json_array_add_element (array, json_gvariant_serialize (record));
      g_variant_unref (record);
    }
  export->count = json_array_get_length (array);
  root = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (text, length);
  file = export->file;
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_export_written,
                                       g_steal_pointer (&export));
}

void
sandlock_audit_window_export_to (SandlockAuditWindow *self,
                                 GFile               *file)
{
  SandlockDbusManager *manager = get_manager ();
  Export *export;

  g_return_if_fail (SANDLOCK_IS_AUDIT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (manager == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts,
                                   adw_toast_new (_("The Sandlock helper is not running: restart Sandlock to start it")));
      return;
    }
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  export = g_new0 (Export, 1);
  export->self = self;
  export->file = g_object_ref (file);
  /* The whole log: every run, event and commit. */
  sandlock_dbus_manager_call_query_audit (manager, g_variant_new ("a{sv}", NULL),
                                          self->cancellable, on_export_queried, export);
}

static void
on_export_chosen (GtkNativeDialog     *chooser,
                  int                  response,
                  SandlockAuditWindow *self)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);
  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    sandlock_audit_window_export_to (self, file);
}

static void
on_export (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockAuditWindow *self = SANDLOCK_AUDIT_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "sandlock-audit-%Y-%m-%d.json");

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Audit Log"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- Life cycle --------------------------------------------------------- */

static void
sandlock_audit_window_dispose (GObject *object)
{
  SandlockAuditWindow *self = SANDLOCK_AUDIT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->events_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  G_OBJECT_CLASS (sandlock_audit_window_parent_class)->dispose (object);
}

static void
sandlock_audit_window_finalize (GObject *object)
{
  SandlockAuditWindow *self = SANDLOCK_AUDIT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->events_cancellable);
  g_clear_object (&self->run_selection);
  g_clear_object (&self->run_store);
  g_clear_object (&self->event_store);
  G_OBJECT_CLASS (sandlock_audit_window_parent_class)->finalize (object);
}

static void
sandlock_audit_window_class_init (SandlockAuditWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_audit_window_dispose;
  object_class->finalize = sandlock_audit_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-audit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, title);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, runs);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, run_title);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, run_command);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, run_facts);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, run_result);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, run_counts);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, events_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, events_spinner);
  gtk_widget_class_bind_template_child (widget_class, SandlockAuditWindow, events);

  gtk_widget_class_install_action (widget_class, "audit.refresh", NULL, on_refresh);
  gtk_widget_class_install_action (widget_class, "audit.export", NULL, on_export);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "audit.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "audit.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "audit.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
sandlock_audit_window_init (SandlockAuditWindow *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->run_store = g_list_store_new (SANDLOCK_TYPE_AUDIT_RECORD);
  self->run_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->run_store)));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_run), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_run), NULL);
  gtk_list_view_set_factory (self->runs, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->runs, GTK_SELECTION_MODEL (self->run_selection));
  g_signal_connect_object (self->run_selection, "notify::selected-item",
                           G_CALLBACK (on_run_selected), self, 0);

  self->event_store = g_list_store_new (SANDLOCK_TYPE_AUDIT_RECORD);
  gtk_column_view_set_model (self->events,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->event_store)))));
  add_column (self, _("Time"), COLUMN_TIME, FALSE, 100);
  add_column (self, _("PID"), COLUMN_PID, FALSE, 64);
  add_column (self, _("System Call"), COLUMN_SYSCALL, FALSE, 100);
  add_column (self, _("Detail"), COLUMN_DETAIL, TRUE, -1);
  add_column (self, _("Verdict"), COLUMN_VERDICT, FALSE, 84);
  add_column (self, _("Rule"), COLUMN_RULE, FALSE, 110);

  refresh (self);
}

void
sandlock_audit_window_show (GtkWindow *parent)
{
  GtkApplication *app = parent ? gtk_window_get_application (parent) : NULL;
  GtkWidget *audit = NULL;

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (SANDLOCK_IS_AUDIT_WINDOW (l->data) && gtk_window_get_transient_for (l->data) == parent)
      audit = l->data;
  if (audit != NULL)
    refresh (SANDLOCK_AUDIT_WINDOW (audit));
  else
    audit = sandlock_audit_window_new (parent);
  gtk_window_present (GTK_WINDOW (audit));
}

GtkWidget *
sandlock_audit_window_new (GtkWindow *parent)
{
  return g_object_new (SANDLOCK_TYPE_AUDIT_WINDOW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
}
