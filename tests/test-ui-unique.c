/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One app instance, under Xvfb against the real helper on a private bus.
 * This test process is the primary instance; later starts are the real
 * `sandlock-gtk` ($SANDLOCK_GTK) run from other working directories, as a
 * file manager's "Open With" or a terminal would run it: they hand their
 * command line over and exit, and the launch dialog opens here. First, with
 * no instance yet, the bus starts one through the D-Bus service file the
 * build installs (the desktop file is DBusActivatable). Screenshots go to
 * $SANDLOCK_SCREENSHOTS.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "sandlock-application.h"
#include "sandlock-launch-dialog.h"
#include "sandlock-window.h"
#include "test-common.h"
#include "test-ui-common.h"

#define APP_ID   "org.sandlock.Sandlock"
#define APP_PATH "/org/sandlock/Sandlock"

static SandlockApplication *app;
static SandlockWindow *window;

static const char *
app_binary (void)
{
  const char *path = g_getenv ("SANDLOCK_GTK");

  g_assert_nonnull (path);
  return path;
}

/* This process as the primary instance, started by the first test that
 * needs it (the first test needs there to be none). */
static void
need_app (void)
{
  if (window == NULL)
    window = tu_start_app (&app);
}

/* ---- Later starts ------------------------------------------------------- */

typedef struct {
  gboolean  done;
  int       status;   /* exit status, -1 if it did not exit */
  char     *out;
  char     *err;
  double    seconds;
} Start;

static void
start_clear (Start *start)
{
  g_free (start->out);
  g_free (start->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Start, start_clear)

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  Start *start = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (process, result, &start->out, &start->err, &error);
  g_assert_no_error (error);
  start->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  start->done = TRUE;
}

static gboolean
start_done (gpointer data)
{
  return ((Start *) data)->done;
}

/* Runs `sandlock-gtk ARGS...` in @cwd, this process's main loop running
 * meanwhile (it is the instance the start talks to). */
static void
start_second (Start              *start,
              const char         *cwd,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 began = g_get_monotonic_time ();

  g_ptr_array_add (argv, (gpointer) app_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  /* The messages as written. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  memset (start, 0, sizeof *start);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, start);
  tu_iterate_until (start_done, start);
  start->seconds = (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC;
  g_test_message ("sandlock-gtk %s: exit %d after %.2f s", args[0] ? args[0] : "", start->status,
                  start->seconds);
  if (start->err != NULL && *start->err != '\0')
    g_test_message ("its stderr: %s", start->err);
}

/* ---- What the instance shows -------------------------------------------- */

static GPtrArray *
shown (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        g_ptr_array_add (found, toplevel);
    }
  return found;
}

static guint
count_shown (GType type)
{
  g_autoptr(GPtrArray) found = shown (type);

  return found->len;
}

static gboolean
dialog_shown (gpointer data)
{
  return count_shown (SANDLOCK_TYPE_LAUNCH_DIALOG) > 0;
}

/* The launch dialog a start opened (there is exactly one). */
static GtkWidget *
wait_for_dialog (void)
{
  g_autoptr(GPtrArray) found = NULL;

  tu_iterate_until (dialog_shown, NULL);
  found = shown (SANDLOCK_TYPE_LAUNCH_DIALOG);
  g_assert_cmpuint (found->len, ==, 1);
  return found->pdata[0];
}

static const char *
dialog_text (GtkWidget  *dialog,
             const char *row)
{
  GObject *child = gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG, row);

  g_assert_nonnull (child);
  return gtk_editable_get_text (GTK_EDITABLE (child));
}

static void
close_dialogs (void)
{
  g_autoptr(GPtrArray) found = shown (SANDLOCK_TYPE_LAUNCH_DIALOG);

  for (guint i = 0; i < found->len; i++)
    gtk_window_destroy (found->pdata[i]);
  tu_iterate_for (100);
}

static guint
count_app_windows (void)
{
  guint count = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    count += SANDLOCK_IS_WINDOW (l->data);
  return count;
}

/* One app process: this one owns the name, the later start is gone and no
 * other sandlock-gtk runs. */
static void
assert_one_instance (void)
{
  g_assert_cmpuint (tc_bus_name_pid (g_application_get_dbus_connection (G_APPLICATION (app)), APP_ID),
                    ==, (guint32) getpid ());
  g_assert_cmpuint (tc_count_processes_with (app_binary ()), ==, 0);
  g_assert_cmpuint (count_app_windows (), ==, 1);
}

/* A directory with a program in a subdirectory: started from @dir, the
 * relative "sub/prog" names it. Returns @dir as the kernel spells it. */
static char *
make_program_dir (void)
{
  g_autofree char *tmp = tc_make_tmpdir ();
  g_autofree char *sub = g_build_filename (tmp, "sub", NULL);
  g_autofree char *prog = g_build_filename (sub, "prog", NULL);
  char *dir;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (symlink ("/bin/true", prog), ==, 0);
  dir = realpath (tmp, NULL);
  g_assert_nonnull (dir);
  return dir;
}

/* ---- Tests -------------------------------------------------------------- */

static GVariant *
call_app (GDBusConnection *bus,
          const char      *method,
          GVariant        *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  /* Long enough for the bus to start the app (and the app the helper). */
  reply = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH, "org.freedesktop.Application", method,
                                       parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 60000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static gboolean
name_gone (gpointer data)
{
  return !tc_bus_name_has_owner (data, APP_ID);
}

static gboolean
process_gone (gpointer data)
{
  return tc_count_processes_with (app_binary ()) == 0;
}

/* The name's owner is the app as the service file starts it. */
static void
assert_service (GDBusConnection *bus)
{
  g_autofree char *path = NULL;
  g_autofree char *cmdline = NULL;
  gsize length;

  path = g_strdup_printf ("/proc/%u/cmdline", tc_bus_name_pid (bus, APP_ID));
  g_assert_true (g_file_get_contents (path, &cmdline, &length, NULL));
  g_assert_cmpstr (cmdline, ==, app_binary ());
  g_assert_cmpuint (length, >, strlen (cmdline) + 1);
  g_assert_cmpstr (cmdline + strlen (cmdline) + 1, ==, "--gapplication-service");
}

/* With no instance running, the bus starts one (the service file's
 * --gapplication-service) for Activate and hands it Open and actions. */
static void
test_dbus_activation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) introspection = NULL;
  g_autofree char *dir = make_program_dir ();
  g_autofree char *uri = g_strdup_printf ("file://%s/sub/prog", dir);
  const char *uris[] = { uri, NULL };
  const char *xml;

  g_assert_no_error (error);
  g_assert_null (window);
  g_assert_false (tc_bus_name_has_owner (bus, APP_ID));

  g_variant_unref (call_app (bus, "Activate", g_variant_new_parsed ("(@a{sv} {},)")));
  g_assert_true (tc_bus_name_has_owner (bus, APP_ID));
  g_assert_cmpuint (tc_count_processes_with (app_binary ()), ==, 1);
  assert_service (bus);
  /* Activate made its main window (GtkApplication exports each window). */
  introspection = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH "/window/1",
                                               "org.freedesktop.DBus.Introspectable", "Introspect",
                                               NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                               -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (introspection, "(&s)", &xml);
  g_assert_nonnull (strstr (xml, "org.gtk.Actions"));

  /* A file manager's "Open With" on a running instance. */
  g_variant_unref (call_app (bus, "Open", g_variant_new ("(^asa{sv})", uris, NULL)));
  g_assert_cmpuint (tc_count_processes_with (app_binary ()), ==, 1);

  g_variant_unref (call_app (bus, "ActivateAction", g_variant_new_parsed ("('quit', @av [], @a{sv} {})")));
  tu_iterate_until (name_gone, bus);
  tu_iterate_until (process_gone, NULL);
}

/* The acceptance case: a later `--run` with a relative program from
 * another directory opens the prefilled launch dialog here and exits. */
static void
test_run_forwarded (void)
{
  g_autofree char *dir = make_program_dir ();
  g_autofree char *program = g_build_filename (dir, "sub", "prog", NULL);
  /* Options of the program's own come after "--". */
  const char *args[] = { "--run", "sub/prog", "arg", "--", "-x", "two words", NULL };
  g_auto(Start) start = { 0 };
  GtkWidget *dialog;

  need_app ();
  g_assert_cmpuint (count_shown (SANDLOCK_TYPE_LAUNCH_DIALOG), ==, 0);

  start_second (&start, dir, args);
  g_assert_cmpint (start.status, ==, 0);
  g_assert_cmpstr (start.err, ==, "");

  dialog = wait_for_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (dialog_text (dialog, "program_row"), ==, program);
  g_assert_cmpstr (dialog_text (dialog, "arguments_row"), ==, "'arg' '-x' 'two words'");
  assert_one_instance ();
  tu_screenshot (dialog, "unique-run-forwarded");
  tu_screenshot (GTK_WIDGET (window), "unique-run-forwarded-window");
  close_dialogs ();
}

/* A bare name stays a name: the launch looks it up in PATH, as before. */
static void
test_run_bare_name (void)
{
  g_autofree char *dir = make_program_dir ();
  const char *args[] = { "--run", "true", NULL };
  g_auto(Start) start = { 0 };
  GtkWidget *dialog;

  need_app ();
  start_second (&start, dir, args);
  g_assert_cmpint (start.status, ==, 0);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (dialog_text (dialog, "program_row"), ==, "true");
  g_assert_cmpstr (dialog_text (dialog, "arguments_row"), ==, "");
  assert_one_instance ();
  close_dialogs ();
}

/* A later plain start shows the window it already has (hidden here, as
 * if closed to the background), and nothing else. */
static void
test_plain_start (void)
{
  g_autofree char *dir = make_program_dir ();
  const char *args[] = { NULL };
  g_auto(Start) start = { 0 };

  need_app ();
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  tu_iterate_for (100);
  start_second (&start, dir, args);
  g_assert_cmpint (start.status, ==, 0);
  g_assert_cmpstr (start.err, ==, "");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  tu_iterate_for (300);
  g_assert_cmpuint (count_shown (SANDLOCK_TYPE_LAUNCH_DIALOG), ==, 0);
  assert_one_instance ();
}

/* Mistakes are told to the start that made them, with its exit status;
 * the instance shows nothing. */
static void
test_bad_arguments (void)
{
  g_autofree char *dir = make_program_dir ();
  const char *stray[] = { "stray", NULL };
  const char *remote[] = { "--run", "sftp://example.org/prog", NULL };
  const char *unknown[] = { "--frobnicate", NULL };
  g_auto(Start) first = { 0 };
  g_auto(Start) second = { 0 };
  g_auto(Start) third = { 0 };

  need_app ();
  /* Checked where it was typed, before any instance hears of it. */
  start_second (&first, dir, stray);
  g_assert_cmpint (first.status, ==, 2);
  g_assert_cmpstr (first.err, ==, "Unexpected argument “stray” (did you mean --run?)\n");

  /* Told by this instance, which knows what the caller's "file" is. */
  start_second (&second, dir, remote);
  g_assert_cmpint (second.status, ==, 2);
  g_assert_cmpstr (second.err, ==, "Cannot run “sftp://example.org/prog”: it is not on this computer (copy it here first)\n");

  start_second (&third, dir, unknown);
  g_assert_cmpint (third.status, ==, 1);
  g_assert_nonnull (strstr (third.err, "--frobnicate"));

  tu_iterate_for (300);
  g_assert_cmpuint (count_shown (SANDLOCK_TYPE_LAUNCH_DIALOG), ==, 0);
  assert_one_instance ();
}

/* --help is answered locally. */
static void
test_help (void)
{
  g_autofree char *dir = make_program_dir ();
  const char *args[] = { "--help", NULL };
  g_auto(Start) start = { 0 };

  need_app ();
  start_second (&start, dir, args);
  g_assert_cmpint (start.status, ==, 0);
  g_assert_nonnull (strstr (start.out, "--run"));
  g_assert_nonnull (strstr (start.out, "[PROGRAM [ARGS…]]"));
  tu_iterate_for (300);
  g_assert_cmpuint (count_shown (SANDLOCK_TYPE_LAUNCH_DIALOG), ==, 0);
  assert_one_instance ();
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* What a DBusActivatable "Open With" sends to a running instance: one
 * dialog per file, a file of another computer only explained. */
static void
test_open (void)
{
  GDBusConnection *bus;
  g_autofree char *dir = make_program_dir ();
  g_autofree char *program = g_build_filename (dir, "sub", "prog", NULL);
  g_autofree char *uri = g_filename_to_uri (program, NULL, NULL);
  const char *uris[] = { uri, "sftp://example.org/prog", NULL };
  gboolean replied = FALSE;
  GtkWidget *dialog;

  need_app ();
  bus = g_application_get_dbus_connection (G_APPLICATION (app));
  g_dbus_connection_call (bus, APP_ID, APP_PATH, "org.freedesktop.Application", "Open",
                          g_variant_new ("(^asa{sv})", uris, NULL), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_opened, &replied);
  tu_iterate_until (flag_set, &replied);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (dialog_text (dialog, "program_row"), ==, program);
  g_assert_cmpstr (dialog_text (dialog, "arguments_row"), ==, "");
  assert_one_instance ();
  close_dialogs ();
  tu_screenshot (GTK_WIDGET (window), "unique-open-remote-file");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSettings) settings = NULL;

  /* No GVfs: a URI of another computer is no local file whatever runs. */
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return g_test_run ();
    }
  adw_init ();

  tu_start_bus ();
  /* No notification server on this bus. */
  settings = g_settings_new ("org.sandlock.Sandlock");
  g_settings_set_boolean (settings, "notify", FALSE);

  /* In this order: the first needs no instance running. */
  g_test_add_func ("/ui-unique/dbus-activation", test_dbus_activation);
  g_test_add_func ("/ui-unique/run-forwarded", test_run_forwarded);
  g_test_add_func ("/ui-unique/run-bare-name", test_run_bare_name);
  g_test_add_func ("/ui-unique/plain-start", test_plain_start);
  g_test_add_func ("/ui-unique/bad-arguments", test_bad_arguments);
  g_test_add_func ("/ui-unique/help", test_help);
  g_test_add_func ("/ui-unique/open", test_open);
  return g_test_run ();
}
