/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit log window under Xvfb against the real helper on a private
 * bus: a run with a denied connect is listed newest first with its denied
 * event, and the log exports as a JSON array. A screenshot goes to
 * $SANDLOCK_SCREENSHOTS.
 */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "sandlock-application.h"
#include "sandlock-audit-record.h"
#include "sandlock-audit-window-private.h"
#include "sandlock-window.h"
#include "test-common.h"
#include "test-ui-common.h"

static SandlockApplication *app;
static SandlockWindow *window;



/* Runs the probe, confined, until it ends: its connect is denied. */
static void
run_denied_connect (const char *name)
{
  SandlockDbusManager *manager = sandlock_application_get_manager (app);
  const char *argv[] = { tc_probe (), "connect-to", "192.0.2.1", "80", NULL };
  const char *readable[] = { tc_probe (), NULL };
  g_autoptr(GVariantDict) policy = g_variant_dict_new (NULL);
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int exit_code = -1, sig = -1;

  g_assert_nonnull (manager);
  g_variant_dict_insert (policy, "fs_readable", "^as", readable);
  g_variant_dict_insert (policy, "net_allow", "^as", (const char *[]) { "127.0.0.1:9", NULL });
  g_variant_dict_insert (options, "name", "s", name);
  sandlock_dbus_manager_call_launch_sync (manager, g_variant_dict_end (policy), argv,
                                          g_variant_dict_end (options), NULL, &path, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  sandbox = sandlock_dbus_sandbox_proxy_new_sync (g_dbus_proxy_get_connection (G_DBUS_PROXY (manager)),
                                                  G_DBUS_PROXY_FLAGS_NONE, "org.sandlock.Helper1",
                                                  path, NULL, &error);
  g_assert_no_error (error);
  sandlock_dbus_sandbox_call_wait_sync (sandbox, &exit_code, &sig, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sig, ==, 0);
  g_assert_cmpint (exit_code, !=, 0);
}

typedef struct {
  GListModel *model;
  guint       n_items;
} Listed;

static gboolean
listed (gpointer data)
{
  Listed *listed = data;

  return g_list_model_get_n_items (listed->model) >= listed->n_items;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static SandlockAuditWindow *
find_audit_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (SANDLOCK_IS_AUDIT_WINDOW (toplevel))
        return SANDLOCK_AUDIT_WINDOW (toplevel);
    }
  return NULL;
}

static void
test_runs_and_events (void)
{
  SandlockAuditWindow *audit;
  GtkListView *runs;
  GtkColumnView *events;
  Listed wait;
  g_autoptr(SandlockAuditRecord) newest = NULL;
  g_autoptr(SandlockAuditRecord) event = NULL;

  run_denied_connect ("older");
  run_denied_connect ("audit-test");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit", NULL));
  audit = find_audit_window ();
  g_assert_nonnull (audit);
  runs = GTK_LIST_VIEW (tu_find (GTK_WIDGET (audit), GTK_TYPE_LIST_VIEW));
  events = GTK_COLUMN_VIEW (tu_find (GTK_WIDGET (audit), GTK_TYPE_COLUMN_VIEW));
  g_assert_nonnull (runs);
  g_assert_nonnull (events);

  /* Newest first, and the newest selected. */
  wait.model = G_LIST_MODEL (gtk_list_view_get_model (runs));
  wait.n_items = 2;
  tu_iterate_until (listed, &wait);
  newest = g_list_model_get_item (wait.model, 0);
  g_assert_cmpstr (sandlock_audit_record_get_string (newest, "name"), ==, "audit-test");
  g_assert_cmpint (sandlock_audit_record_get_int (newest, "denied"), ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (wait.model)), ==, 0);

  /* Its denied connect. */
  wait.model = G_LIST_MODEL (gtk_column_view_get_model (events));
  wait.n_items = 1;
  tu_iterate_until (listed, &wait);
  g_assert_cmpuint (g_list_model_get_n_items (wait.model), ==, 1);
  event = g_list_model_get_item (wait.model, 0);
  g_assert_cmpstr (sandlock_audit_record_get_string (event, "syscall"), ==, "connect");
  g_assert_cmpstr (sandlock_audit_record_get_string (event, "verdict"), ==, "deny");
  g_assert_cmpstr (sandlock_audit_record_get_string (event, "rule"), ==, "net_allow");
  g_assert_cmpstr (sandlock_audit_record_get_string (event, "run"), ==,
                   sandlock_audit_record_get_string (newest, "run"));

  gtk_window_set_default_size (GTK_WINDOW (audit), 1100, 680);
  tu_screenshot (GTK_WIDGET (audit), "audit-log");
  gtk_window_destroy (GTK_WINDOW (audit));
}

/* The export writes every record of the log as one JSON array. */
static void
test_export (void)
{
  SandlockDbusManager *manager = sandlock_application_get_manager (app);
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "audit.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GVariant) records = NULL;
  g_autoptr(GError) error = NULL;
  SandlockAuditWindow *audit;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  JsonArray *array;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.audit", NULL));
  audit = find_audit_window ();
  g_assert_nonnull (audit);
  sandlock_audit_window_export_to (audit, file);
  tu_iterate_until (file_exists, path);
  tu_iterate_for (200);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  sandlock_dbus_manager_call_query_audit_sync (manager, g_variant_new ("a{sv}", NULL), &records,
                                               NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (array), ==, g_variant_n_children (records));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "kind"),
                   ==, "run");
  gtk_window_destroy (GTK_WINDOW (audit));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSettings) settings = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return g_test_run ();
    }
  adw_init ();

  tu_start_bus ();

  /* No notification server on this bus: the app must not try one (the
   * window is never focused under Xvfb without a window manager). */
  settings = g_settings_new ("org.sandlock.Sandlock");
  g_settings_set_boolean (settings, "notify", FALSE);

  window = tu_start_app (&app);

  g_test_add_func ("/ui-audit/runs-and-events", test_runs_and_events);
  g_test_add_func ("/ui-audit/export", test_export);
  /* The app's proxies hold the bus; GTestDBus's watcher stops it (and the
   * helper) when this process exits. */
  return g_test_run ();
}
