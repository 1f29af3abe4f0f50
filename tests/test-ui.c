/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The real app under Xvfb against the real helper on a private bus: launch
 * sandboxes through the launch dialog and check what each page shows.
 * Screenshots of every page go to $SANDLOCK_SCREENSHOTS (the test log
 * names them).
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "sandlock-application.h"
#include "sandlock-changes-page.h"
#include "sandlock-event-row.h"
#include "sandlock-events-page.h"
#include "sandlock-ports-page.h"
#include "sandlock-launch-dialog.h"
#include "sandlock-output-page.h"
#include "sandlock-window.h"
#include "test-common.h"
#include "test-ui-common.h"

static SandlockApplication *app;
static SandlockWindow *window;

/* A notification server on the private bus, counting what the app sends
 * (it notifies when a sandbox ends while the window is not focused, as
 * under Xvfb without a window manager). */
static guint notifications;
static char *last_notification;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
on_notification_call (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  if (g_strcmp0 (method, "Notify") == 0)
    {
      const char *summary;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_free (last_notification);
      last_notification = g_strdup (summary);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", ++notifications));
    }
  else if (g_strcmp0 (method, "GetCapabilities") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as ['body'],)"));
  else if (g_strcmp0 (method, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "sandlock",
                                                                      "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
serve_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { on_notification_call };
  /* Kept for the whole run: the name goes with the connection. */
  static GDBusConnection *connection;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GVariant) reply = NULL;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_assert_nonnull (info);
  g_assert_cmpuint (g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications",
                                                       info->interfaces[0], &vtable, NULL, NULL,
                                                       NULL), >, 0);
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 0),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (reply);
}

static gboolean
selected_is (gpointer data)
{
  SandlockDbusSandbox *sandbox = sandlock_window_get_selected (window);

  return sandbox != NULL && g_strcmp0 (sandlock_dbus_sandbox_get_name (sandbox), data) == 0;
}

static gboolean
ended (gpointer data)
{
  SandlockDbusSandbox *sandbox = sandlock_window_get_selected (window);
  const char *state = sandbox ? sandlock_dbus_sandbox_get_state (sandbox) : NULL;

  return g_strcmp0 (state, "exited") == 0 || g_strcmp0 (state, "failed") == 0;
}

/* Through the launch dialog, as a person would. */
static gboolean
profile_listed (gpointer data)
{
  GtkWidget *dialog = data;
  AdwComboRow *row = ADW_COMBO_ROW (gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG,
                                                                   "profile_row"));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const char *item = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      if (g_strcmp0 (item, g_object_get_data (G_OBJECT (dialog), "profile")) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return TRUE;
        }
    }
  return FALSE;
}

static void
launch_with (const char * const *argv,
             const char         *name,
             const char         *workdir,
             const char         *profile)
{
  GtkWidget *dialog = sandlock_launch_dialog_new (window, argv);
  GtkWidget *name_row;

  gtk_window_present (GTK_WINDOW (dialog));
  name_row = GTK_WIDGET (gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG, "name_row"));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  if (profile != NULL)
    {
      /* The saved profiles come in from the helper. */
      g_object_set_data (G_OBJECT (dialog), "profile", (gpointer) profile);
      tu_iterate_until (profile_listed, dialog);
    }
  if (workdir != NULL)
    sandlock_launch_dialog_set_dry_run (SANDLOCK_LAUNCH_DIALOG (dialog), workdir);
  tu_iterate_for (200);
  sandlock_launch_dialog_run (SANDLOCK_LAUNCH_DIALOG (dialog));
  tu_iterate_until (selected_is, (gpointer) name);
}

static void
launch (const char * const *argv,
        const char         *name,
        const char         *workdir)
{
  launch_with (argv, name, workdir, NULL);
}

static gboolean
output_has (gpointer data)
{
  GtkWidget *page = sandlock_window_get_page (window, "output");
  g_autofree char *text = sandlock_output_page_get_text (SANDLOCK_OUTPUT_PAGE (page));

  return strstr (text, data) != NULL;
}

static void
test_overview_and_output (void)
{
  const char *argv[] = { "/bin/sh", "-c", "echo hello from the sandbox; echo oops >&2; exit 3", NULL };

  launch (argv, "ui-output", NULL);
  tu_iterate_until (ended, NULL);
  sandlock_window_show_page (window, "overview");
  tu_screenshot (GTK_WIDGET (window), "overview");

  sandlock_window_show_page (window, "output");
  tu_iterate_until (output_has, "hello from the sandbox\n");
  tu_iterate_until (output_has, "oops\n");
  tu_screenshot (GTK_WIDGET (window), "output");
  g_assert_cmpint (sandlock_dbus_sandbox_get_exit_code (sandlock_window_get_selected (window)), ==, 3);

  /* The window is not focused here (no window manager): the end was told. */
  if (!gtk_window_is_active (GTK_WINDOW (window)))
    {
      g_assert_cmpuint (notifications, >=, 1);
      g_test_message ("notification: %s", last_notification);
      g_assert_nonnull (strstr (last_notification, "ui-output"));
    }
}

static GtkListBox *
change_list (void)
{
  GtkWidget *page = sandlock_window_get_page (window, "changes");

  return GTK_LIST_BOX (gtk_widget_get_template_child (page, SANDLOCK_TYPE_CHANGES_PAGE, "list"));
}

static gboolean
changes_listed (gpointer data)
{
  return gtk_list_box_get_row_at_index (change_list (), GPOINTER_TO_INT (data) - 1) != NULL;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
diff_shows (gpointer data)
{
  GtkWidget *page = sandlock_window_get_page (window, "changes");
  GtkTextView *view = GTK_TEXT_VIEW (gtk_widget_get_template_child (page, SANDLOCK_TYPE_CHANGES_PAGE,
                                                                    "diff_view"));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return strstr (text, data) != NULL;
}

/* Review a dry run's changes and commit only some: only those land. */
static void
test_changes_commit_selected (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *a = tc_make_file (dir, "a.txt", "orig\n");
  g_autofree char *gone = tc_make_file (dir, "gone.txt", "bye\n");
  g_autofree char *b = g_build_filename (dir, "b.txt", NULL);
  g_autofree char *c = g_build_filename (dir, "c.txt", NULL);
  g_autofree char *script = g_strdup_printf ("cd %s && echo new > a.txt && echo bee > b.txt && "
                                             "echo sea > c.txt && rm gone.txt", dir);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autofree char *contents = NULL;
  GtkListBox *list;
  guint rows = 0;

  launch (argv, "ui-review", dir);
  tu_iterate_until (ended, NULL);
  sandlock_window_show_page (window, "changes");
  tu_iterate_until (changes_listed, GINT_TO_POINTER (4));
  list = change_list ();

  /* Nothing landed yet. */
  g_assert_false (g_file_test (b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));

  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (list, rows)) != NULL; rows++)
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
      GtkWidget *check = tu_find (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON);

      g_assert_nonnull (check);
      if (g_strcmp0 (title, "a.txt") == 0)
        gtk_list_box_select_row (list, row);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strcmp0 (title, "b.txt") == 0);
    }
  g_assert_cmpuint (rows, ==, 4);
  tu_iterate_until (diff_shows, "+new");
  g_assert_true (diff_shows ("-orig"));
  tu_screenshot (GTK_WIDGET (window), "changes");

  g_assert_true (gtk_widget_activate_action (sandlock_window_get_page (window, "changes"),
                                             "changes.commit-selected", NULL));
  tu_iterate_until (file_exists, b);
  tu_iterate_for (300);
  g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (a, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "orig\n");
  /* What is left is listed again. */
  tu_iterate_until (changes_listed, GINT_TO_POINTER (3));
  tu_screenshot (GTK_WIDGET (window), "changes-after-commit");
}

static gboolean
events_seen (gpointer data)
{
  GtkWidget *page = sandlock_window_get_page (window, "events");
  SandlockEventModel *model = sandlock_events_page_get_model (SANDLOCK_EVENTS_PAGE (page));

  return sandlock_event_model_get_n_events (model) >= GPOINTER_TO_UINT (data);
}

/* Launched from the app, every exec and open shows up live. */
static void
test_events (void)
{
  const char *argv[] = { "/bin/sh", "-c", "cat /etc/hostname; cat /etc/os-release >/dev/null", NULL };
  GtkWidget *page;
  SandlockEventModel *model;
  gboolean saw_cat = FALSE;

  launch (argv, "ui-events", NULL);
  tu_iterate_until (ended, NULL);
  sandlock_window_show_page (window, "events");
  tu_iterate_until (events_seen, GUINT_TO_POINTER (3));
  page = sandlock_window_get_page (window, "events");
  model = sandlock_events_page_get_model (SANDLOCK_EVENTS_PAGE (page));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(SandlockEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);
      const char *detail = sandlock_event_get_detail (event);

      if (g_strcmp0 (sandlock_event_get_syscall (event), "execve") == 0 &&
          detail != NULL && strstr (detail, "/bin/cat") != NULL)
        saw_cat = TRUE;
    }
  g_assert_true (saw_cat);
  tu_screenshot (GTK_WIDGET (window), "events");
}

static void
push_events (SandlockEventModel *model,
             guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      /* Every seventh denied: the screenshot shows how those stand out. */
      g_autofree char *line =
        g_strdup_printf ("{\"time_ns\":%u,\"pid\":1,\"ppid\":0,\"syscall\":\"openat\","
                         "\"category\":\"file\",\"detail\":\"/tmp/%u\",\"verdict\":\"%s\","
                         "\"errno\":%d,\"rule\":\"%s\"}", i, i, i % 7 ? "allow" : "deny",
                         i % 7 ? 0 : 13, i % 7 ? "" : "fs_readable");

      g_assert_true (sandlock_event_model_push_line (model, line, -1, NULL));
    }
  sandlock_event_model_flush (model);
}

static GtkAdjustment *events_adjustment (GtkWidget *page);

static gboolean
list_at_end (gpointer data)
{
  GtkAdjustment *adjustment = events_adjustment (data);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

/* The events page's list, once laid out taller than its view. */
static GtkAdjustment *
events_adjustment (GtkWidget *page)
{
  GtkWidget *view = GTK_WIDGET (gtk_widget_get_template_child (page, SANDLOCK_TYPE_EVENTS_PAGE, "view"));

  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
}

typedef struct {
  GtkWidget *page;
  double     old_upper;
} GrownList;

/* At the end of a list that grew past @old_upper: what follows is there
 * and shown, not the end it was at before. */
static gboolean
list_grown_and_at_end (gpointer data)
{
  GrownList *grown = data;

  return gtk_adjustment_get_upper (events_adjustment (grown->page)) > grown->old_upper &&
         list_at_end (grown->page);
}

static gboolean
waiting_over_view (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *waiting = GTK_WIDGET (gtk_widget_get_template_child (page, SANDLOCK_TYPE_EVENTS_PAGE,
                                                                  "waiting"));
  GtkWidget *view = GTK_WIDGET (gtk_widget_get_template_child (page, SANDLOCK_TYPE_EVENTS_PAGE, "view"));

  return gtk_widget_get_mapped (waiting) && gtk_widget_get_mapped (view);
}

/* The waiting message gone, the rows laid out taller than the view. */
static gboolean
rows_shown (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *waiting = GTK_WIDGET (gtk_widget_get_template_child (page, SANDLOCK_TYPE_EVENTS_PAGE,
                                                                  "waiting"));
  GtkAdjustment *adjustment = events_adjustment (page);

  return !gtk_widget_get_visible (waiting) &&
         gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment);
}

/*
 * "follow-events" is where following starts (a page made while it is off
 * stays at the top as events come), follows the setting as it changes, and
 * remembers what the reader chose with the follow button.
 */
static void
test_events_follow_setting (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.sandlock.Sandlock");
  SandlockEventsPage *page = SANDLOCK_EVENTS_PAGE (sandlock_window_get_page (window, "events"));
  GtkWidget *other_window = gtk_window_new ();
  SandlockEventsPage *other;
  GtkAdjustment *adjustment;
  GrownList grown;

  g_assert_true (g_settings_get_boolean (settings, "follow-events"));
  g_assert_true (sandlock_events_page_get_follow (page));
  g_settings_set_boolean (settings, "follow-events", FALSE);
  g_assert_false (sandlock_events_page_get_follow (page));

  /* A page made now does not follow: the list stays at the top. */
  other = g_object_new (SANDLOCK_TYPE_EVENTS_PAGE, NULL);
  g_assert_false (sandlock_events_page_get_follow (other));
  gtk_window_set_default_size (GTK_WINDOW (other_window), 900, 500);
  gtk_window_set_child (GTK_WINDOW (other_window), GTK_WIDGET (other));
  gtk_window_present (GTK_WINDOW (other_window));
  /* Before the first event: the table (toolbar and header shown, list
   * mapped) with the waiting message over it. */
  adjustment = events_adjustment (GTK_WIDGET (other));
  tu_iterate_until (waiting_over_view, other);
  tu_screenshot (other_window, "events-waiting");
  g_assert_true (waiting_over_view (other));
  push_events (sandlock_events_page_get_model (other), 2000);
  /* Once the rows are there (more than fit), still at the top; and still
   * after the screenshot has let the page run on for a while. */
  tu_iterate_until (rows_shown, other);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_false (sandlock_events_page_get_follow (other));
  tu_screenshot (other_window, "events-not-following");
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  /* The follow button: the list goes to the newest, and that is kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other), "events.follow", NULL));
  g_assert_true (sandlock_events_page_get_follow (other));
  g_assert_true (g_settings_get_boolean (settings, "follow-events"));
  g_assert_true (sandlock_events_page_get_follow (page));
  tu_iterate_until (list_at_end, other);
  /* More events: the list follows them to the new end. */
  grown = (GrownList) { GTK_WIDGET (other), gtk_adjustment_get_upper (adjustment) };
  push_events (sandlock_events_page_get_model (other), 2000);
  tu_iterate_until (list_grown_and_at_end, &grown);

  /* And off again, from the button. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other), "events.follow", NULL));
  g_assert_false (sandlock_events_page_get_follow (other));
  g_assert_false (g_settings_get_boolean (settings, "follow-events"));

  gtk_window_destroy (GTK_WINDOW (other_window));
  g_settings_set_boolean (settings, "follow-events", TRUE);
  g_assert_true (sandlock_events_page_get_follow (page));
}

static gboolean
ports_listed (gpointer data)
{
  GtkWidget *page = sandlock_window_get_page (window, "ports");
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_template_child (page, SANDLOCK_TYPE_PORTS_PAGE, "list"));

  return gtk_list_box_get_row_at_index (list, 0) != NULL;
}

/* A remapped port appears with its real port. */
static void
test_ports (void)
{
  g_autoptr(SandlockDbusManager) manager = NULL;
  const char *readable[] = { "/usr", "/lib", "/lib64", "/bin", "/etc", NULL };
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import socket, time\n"
                         "s = socket.socket()\n"
                         "s.bind(('127.0.0.1', 8080))\n"
                         "s.listen()\n"
                         "print('listening', flush=True)\n"
                         "time.sleep(60)\n", NULL };
  g_autoptr(GError) error = NULL;
  GVariantBuilder policy;
  GtkWidget *page;
  GtkListBox *list;
  GtkListBoxRow *row;
  g_autofree char *text = NULL;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no python3");
      return;
    }
  manager = g_object_ref (sandlock_application_get_manager (app));
  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&policy, "{sv}", "fs_readable", g_variant_new_strv (readable, -1));
  g_variant_builder_add (&policy, "{sv}", "port_remap", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&policy, "{sv}", "net_bind", g_variant_new_parsed ("[int64 8080]"));
  sandlock_dbus_manager_call_save_profile_sync (manager, "ui-ports", g_variant_builder_end (&policy),
                                                NULL, &error);
  g_assert_no_error (error);

  launch_with (argv, "ui-ports", NULL, "ui-ports");
  sandlock_window_show_page (window, "ports");
  tu_iterate_until (ports_listed, NULL);
  page = sandlock_window_get_page (window, "ports");
  list = GTK_LIST_BOX (gtk_widget_get_template_child (page, SANDLOCK_TYPE_PORTS_PAGE, "list"));
  row = gtk_list_box_get_row_at_index (list, 0);
  text = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  g_test_message ("port row: %s", text);
  g_assert_nonnull (strstr (text, "8080"));
  tu_screenshot (GTK_WIDGET (window), "ports");

  sandlock_dbus_sandbox_call_kill_sync (sandlock_window_get_selected (window), 9, NULL, &error);
  g_assert_no_error (error);
  tu_iterate_until (ended, NULL);
}

static void
test_launch_error_inline (void)
{
  const char *argv[] = { "/no/such/program", NULL };
  GtkWidget *dialog = sandlock_launch_dialog_new (window, argv);
  GtkWidget *error_label =
    GTK_WIDGET (gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG, "error_label"));
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_window_present (GTK_WINDOW (dialog));
  sandlock_launch_dialog_run (SANDLOCK_LAUNCH_DIALOG (dialog));
  while (!gtk_widget_get_visible (error_label) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_test_message ("launch error: %s", gtk_label_get_label (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "/no/such/program"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A row carries the "denied" style class exactly while its event was
 * denied, rebound as a list view does. */
static void
test_event_row_denied (void)
{
  g_autoptr(SandlockEventColumns) columns = sandlock_event_columns_new ();
  g_autoptr(SandlockEvent) denied = sandlock_event_new (0, 1, 0, "openat", "file", "/etc/shadow", "deny",
                                                        13, "fs_readable");
  g_autoptr(SandlockEvent) allowed = sandlock_event_new (0, 1, 0, "openat", "file", "/etc/hosts", "allow",
                                                         0, "");
  GtkWidget *row = g_object_ref_sink (sandlock_event_row_new (columns));

  g_assert_false (gtk_widget_has_css_class (row, "denied"));
  sandlock_event_row_set_event (SANDLOCK_EVENT_ROW (row), denied);
  g_assert_true (gtk_widget_has_css_class (row, "denied"));
  sandlock_event_row_set_event (SANDLOCK_EVENT_ROW (row), allowed);
  g_assert_false (gtk_widget_has_css_class (row, "denied"));
  sandlock_event_row_set_event (SANDLOCK_EVENT_ROW (row), denied);
  g_assert_true (gtk_widget_has_css_class (row, "denied"));
  sandlock_event_row_set_event (SANDLOCK_EVENT_ROW (row), NULL);
  g_assert_false (gtk_widget_has_css_class (row, "denied"));
  g_object_unref (row);
}

/* Clicking a notification shows its sandbox in the main window, also
 * when the audit log window is the application's active one. */
static void
test_notification_shows_sandbox (void)
{
  GListModel *sandboxes = sandlock_application_get_sandboxes (app);
  const char *path = NULL;
  GtkWindow *audit;

  for (guint i = 0; path == NULL && i < g_list_model_get_n_items (sandboxes); i++)
    {
      g_autoptr(SandlockDbusSandbox) sandbox = g_list_model_get_item (sandboxes, i);

      if (g_strcmp0 (sandlock_dbus_sandbox_get_name (sandbox), "ui-output") == 0)
        path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sandbox));
    }
  g_assert_nonnull (path);
  g_assert_false (selected_is ("ui-output"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit", NULL));
  audit = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_false (SANDLOCK_IS_WINDOW (audit));

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-sandbox", g_variant_new_string (path));
  tu_iterate_until (selected_is, (gpointer) "ui-output");
  gtk_window_destroy (audit);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return g_test_run ();
    }
  adw_init ();

  tu_start_bus ();
  serve_notifications ();
  window = tu_start_app (&app);

  g_test_add_func ("/ui/overview-and-output", test_overview_and_output);
  g_test_add_func ("/ui/events", test_events);
  g_test_add_func ("/ui/events-follow-setting", test_events_follow_setting);
  g_test_add_func ("/ui/event-row-denied", test_event_row_denied);
  g_test_add_func ("/ui/ports", test_ports);
  g_test_add_func ("/ui/changes-commit-selected", test_changes_commit_selected);
  g_test_add_func ("/ui/launch-error-inline", test_launch_error_inline);
  g_test_add_func ("/ui/notification-shows-sandbox", test_notification_shows_sandbox);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  return status;
}
