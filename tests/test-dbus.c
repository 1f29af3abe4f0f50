/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandlock-helper over D-Bus: a private bus (GTestDBus) whose service dir
 * activates the helper from the build tree, real sandboxes, as the
 * unprivileged user the suite runs as.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixsocketaddress.h>
#include <json-glib/json-glib.h>

#include "sandlock-dbus.h"
#include "sandlock-helper-clients.h"
#include "test-common.h"

#define BUS_NAME     "org.sandlock.Helper1"
#define MANAGER_PATH "/org/sandlock/Helper1"

static GTestDBus *test_bus;
static char *state_home;
static char *config_home;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static SandlockDbusManager *
manager_on (GDBusConnection *connection)
{
  g_autoptr(GError) error = NULL;
  SandlockDbusManager *manager =
    sandlock_dbus_manager_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_NONE, BUS_NAME,
                                          MANAGER_PATH, NULL, &error);

  g_assert_no_error (error);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), 60000);
  return manager;
}

static SandlockDbusManager *
manager (void)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  return manager_on (connection);
}

static SandlockDbusSandbox *
sandbox_proxy (GDBusConnection *connection,
               const char      *path)
{
  g_autoptr(GError) error = NULL;
  SandlockDbusSandbox *sandbox =
    sandlock_dbus_sandbox_proxy_new_sync (connection, G_DBUS_PROXY_FLAGS_GET_INVALIDATED_PROPERTIES,
                                          BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (sandbox), 60000);
  return sandbox;
}

/* A policy that lets the usual system tools run. */
static void
add_system (GVariantBuilder *policy)
{
  const char *readable[] = { "/usr", "/etc", "/lib", "/lib64", "/bin", "/sbin", "/dev/null",
                             tc_probe (), NULL };

  g_variant_builder_add (policy, "{sv}", "fs_readable", g_variant_new_strv (readable, -1));
}

static GVariant *
system_policy (void)
{
  GVariantBuilder policy;

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  return g_variant_builder_end (&policy);
}

static GVariant *
no_options (void)
{
  return g_variant_new ("a{sv}", NULL);
}

/* Launches and returns a proxy of the new sandbox (NULL with @error). */
static SandlockDbusSandbox *
launch_full (SandlockDbusManager *mgr,
             GVariant            *policy,
             const char * const  *argv,
             GVariant            *options,
             GUnixFDList         *fds,
             GError             **error)
{
  g_autofree char *path = NULL;

  if (!sandlock_dbus_manager_call_launch_sync (mgr, policy, argv, options, fds,
                                               &path, NULL, NULL, error))
    return NULL;
  return sandbox_proxy (g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr)), path);
}

static SandlockDbusSandbox *
launch (SandlockDbusManager *mgr,
        const char * const  *argv)
{
  g_autoptr(GError) error = NULL;
  SandlockDbusSandbox *sandbox = launch_full (mgr, system_policy (), argv, no_options (),
                                              NULL, &error);

  g_assert_no_error (error);
  return sandbox;
}

static void
wait_for (SandlockDbusSandbox *sandbox,
          int                 *exit_code,
          int                 *sig)
{
  g_autoptr(GError) error = NULL;

  sandlock_dbus_sandbox_call_wait_sync (sandbox, exit_code, sig, NULL, &error);
  g_assert_no_error (error);
  /* The final properties were sent before the reply: take them in. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
remove_sandbox (SandlockDbusSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;

  sandlock_dbus_sandbox_call_remove_sync (sandbox, NULL, &error);
  g_assert_no_error (error);
}

/* Reads an fd handed back in @fds until end of file (at most 30 s). */
static char *
read_all (GUnixFDList *fds,
          GVariant    *handle)
{
  g_autoptr(GError) error = NULL;
  int fd = g_unix_fd_list_get (fds, g_variant_get_handle (handle), &error);
  g_autoptr(GString) data = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  for (;;)
    {
      char buffer[4096];
      ssize_t n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (data, buffer, n);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  close (fd);
  return g_string_free (g_steal_pointer (&data), FALSE);
}

static int
open_stream (SandlockDbusSandbox *sandbox,
             gboolean             events,
             GVariant            *options)
{
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  if (events)
    sandlock_dbus_sandbox_call_open_event_stream_sync (sandbox, options, NULL, &handle, &fds,
                                                       NULL, &error);
  else
    sandlock_dbus_sandbox_call_open_output_sync (sandbox, options, NULL, &handle, &fds,
                                                 NULL, &error);
  g_assert_no_error (error);
  fd = g_unix_fd_list_get (fds, g_variant_get_handle (handle), &error);
  g_assert_no_error (error);
  return fd;
}

static char *
read_stream (SandlockDbusSandbox *sandbox,
             gboolean             events,
             GVariant            *options)
{
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  int fd = open_stream (sandbox, events, options);
  int index = g_unix_fd_list_append (fds, fd, NULL);

  close (fd);
  return read_all (fds, g_variant_new_handle (index));
}

static void
assert_dbus_error (GError     *error,
                   const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  if (g_strcmp0 (remote, name) != 0)
    g_error ("expected %s, got %s: %s", name, remote, error->message);
}

static pid_t
helper_pid (GDBusConnection *connection)
{
  return tc_bus_name_pid (connection, BUS_NAME);
}

static guint
count_fds (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static long
rss_kib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return strtol (line + 6, NULL, 10);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void
test_output_and_exit (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = launch (mgr, argv);
  g_autoptr(GVariantBuilder) json = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autofree char *framed = NULL;
  g_autofree char *raw = NULL;
  int exit_code, sig;

  g_variant_builder_add (json, "{sv}", "format", g_variant_new_string ("json"));
  framed = read_stream (sandbox, FALSE, g_variant_builder_end (json));
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, 3);
  g_assert_cmpint (sig, ==, 0);
  g_assert_nonnull (strstr (framed, "{\"stream\":\"stdout\""));
  g_assert_nonnull (strstr (framed, "\"text\":\"out\\n\"}"));
  g_assert_nonnull (strstr (framed, "{\"stream\":\"stderr\""));
  g_assert_nonnull (strstr (framed, "\"text\":\"err\\n\"}"));

  /* A reader that attaches after the end still gets all of it. */
  raw = read_stream (sandbox, FALSE, no_options ());
  g_assert_true (strstr (raw, "out\n") != NULL && strstr (raw, "err\n") != NULL);

  g_assert_cmpstr (sandlock_dbus_sandbox_get_state (sandbox), ==, "exited");
  g_assert_cmpint (sandlock_dbus_sandbox_get_exit_code (sandbox), ==, 3);
  g_assert_cmpint (sandlock_dbus_sandbox_get_end_time (sandbox), >=,
                   sandlock_dbus_sandbox_get_start_time (sandbox));
  remove_sandbox (sandbox);
}

static void
test_signals_and_kill (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *self_kill[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
  const char *sleeper[] = { "/bin/sleep", "60", NULL };
  g_autoptr(SandlockDbusSandbox) killed = launch (mgr, self_kill);
  g_autoptr(SandlockDbusSandbox) slept = launch (mgr, sleeper);
  g_autoptr(GError) error = NULL;
  int exit_code, sig;

  wait_for (killed, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, -1);
  g_assert_cmpint (sig, ==, SIGTERM);

  g_assert_cmpstr (sandlock_dbus_sandbox_get_state (slept), ==, "running");
  g_assert_cmpint (sandlock_dbus_sandbox_get_pid (slept), >, 0);
  sandlock_dbus_sandbox_call_kill_sync (slept, SIGKILL, NULL, &error);
  g_assert_no_error (error);
  wait_for (slept, &exit_code, &sig);
  g_assert_cmpint (sig, ==, SIGKILL);

  /* Ended sandboxes take no more signals. */
  sandlock_dbus_sandbox_call_kill_sync (slept, SIGTERM, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotAllowed");
  remove_sandbox (killed);
  remove_sandbox (slept);
}

static void
test_stdio_fds (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c", "cat; echo done", NULL };
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GUnixFDList) readable = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) unused = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autofree char *out = NULL;
  int in[2], outp[2];
  int exit_code, sig;

  g_assert_no_errno (pipe (in));
  g_assert_no_errno (pipe (outp));
  g_assert_cmpint (write (in[1], "input\n", 6), ==, 6);
  close (in[1]);
  g_variant_builder_add (options, "{sv}", "stdin",
                         g_variant_new_handle (g_unix_fd_list_append (fds, in[0], NULL)));
  g_variant_builder_add (options, "{sv}", "stdout",
                         g_variant_new_handle (g_unix_fd_list_append (fds, outp[1], NULL)));
  close (in[0]);
  close (outp[1]);
  sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (options), fds, &error);
  g_assert_no_error (error);
  /* The list holds copies of the pipe ends: ours must go for end of file. */
  g_clear_object (&fds);

  out = read_all (readable, g_variant_new_handle (g_unix_fd_list_append (readable, outp[0], NULL)));
  close (outp[0]);
  g_assert_cmpstr (out, ==, "input\ndone\n");
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, 0);

  /* The output went to the client's fd: the helper kept none. */
  sandlock_dbus_sandbox_call_open_output_sync (sandbox, no_options (), NULL, &handle, &unused,
                                               NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
  remove_sandbox (sandbox);
}

static void
test_invalid_policy (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/true", NULL };
  GVariantBuilder policy;
  g_autoptr(GVariant) bad = NULL;
  g_auto(GStrv) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&policy, "{sv}", "max_memory", g_variant_new_string ("banana"));
  g_variant_builder_add (&policy, "{sv}", "fs_readable", g_variant_new_int32 (5));
  g_variant_builder_add (&policy, "{sv}", "no_such_field", g_variant_new_boolean (TRUE));
  bad = g_variant_ref_sink (g_variant_builder_end (&policy));

  sandlock_dbus_manager_call_validate_policy_sync (mgr, bad, &problems, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (problems), ==, 3);
  {
    g_autofree char *joined = g_strjoinv ("\n", problems);

    g_test_message ("problems:\n%s", joined);
    g_assert_nonnull (strstr (joined, "max_memory"));
    g_assert_nonnull (strstr (joined, "fs_readable"));
    g_assert_nonnull (strstr (joined, "no_such_field"));
  }
  g_clear_pointer (&problems, g_strfreev);

  sandlock_dbus_manager_call_validate_policy_sync (mgr, system_policy (), &problems, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);

  /* Nothing runs: the object list does not change. */
  sandbox = launch_full (mgr, bad, argv, no_options (), NULL, &error);
  g_assert_null (sandbox);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidPolicy");
  g_assert_nonnull (strstr (error->message, "banana"));
  g_assert_nonnull (strstr (error->message, "no_such_field"));
}

static void
test_pause_resume (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c", "while :; do echo x; sleep 0.02; done", NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = launch (mgr, argv);
  g_autoptr(GError) error = NULL;
  int fd = open_stream (sandbox, FALSE, no_options ());
  gsize before, during;
  char buffer[65536];
  ssize_t n;
  int exit_code, sig;

  g_assert_no_errno (fcntl (fd, F_SETFL, O_NONBLOCK));
  g_usleep (200000);
  sandlock_dbus_sandbox_call_pause_sync (sandbox, NULL, &error);
  g_assert_no_error (error);
  g_usleep (100000);   /* what was written before the pause arrives */
  while (read (fd, buffer, sizeof buffer) > 0)
    ;
  g_usleep (400000);
  n = read (fd, buffer, sizeof buffer);
  during = n > 0 ? n : 0;
  g_assert_cmpuint (during, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (sandlock_dbus_sandbox_get_state (sandbox), ==, "paused");

  sandlock_dbus_sandbox_call_resume_sync (sandbox, NULL, &error);
  g_assert_no_error (error);
  g_usleep (300000);
  n = read (fd, buffer, sizeof buffer);
  before = n > 0 ? n : 0;
  g_assert_cmpuint (before, >, 0);

  sandlock_dbus_sandbox_call_kill_sync (sandbox, SIGKILL, NULL, &error);
  g_assert_no_error (error);
  wait_for (sandbox, &exit_code, &sig);
  close (fd);
  remove_sandbox (sandbox);
}

static gboolean
has_three_processes (gpointer data)
{
  return sandlock_dbus_sandbox_get_processes (data) >= 3;
}

static void
test_live_properties (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c", "sleep 30 & sleep 30 & wait", NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = launch (mgr, argv);
  g_autoptr(GError) error = NULL;
  int exit_code, sig;

  /* Refreshed about once a second. */
  g_assert_true (tc_wait_until (has_three_processes, sandbox, 10));
  g_assert_cmpuint (sandlock_dbus_sandbox_get_memory_bytes (sandbox), >, 0);

  sandlock_dbus_sandbox_call_kill_sync (sandbox, SIGTERM, NULL, &error);
  g_assert_no_error (error);
  wait_for (sandbox, &exit_code, &sig);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (sandlock_dbus_sandbox_get_processes (sandbox), ==, 0);
  remove_sandbox (sandbox);
}

/* A listening socket of ours at @path (left open: the test exits soon). */
static void
listen_unix (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_DEFAULT, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
}

/* A unix socket outside the grants: refused by the supervisor, which
 * reports it. */
static SandlockDbusSandbox *
launch_denied_connect (SandlockDbusManager *mgr,
                       const char          *name,
                       gboolean             observe,
                       char               **socket_path)
{
  g_autofree char *dir = tc_make_tmpdir ();
  const char *argv[] = { tc_probe (), "unix", NULL, NULL };
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GError) error = NULL;
  SandlockDbusSandbox *sandbox;

  *socket_path = g_build_filename (dir, "socket", NULL);
  argv[2] = *socket_path;
  listen_unix (*socket_path);
  g_variant_builder_add (options, "{sv}", "name", g_variant_new_string (name));
  g_variant_builder_add (options, "{sv}", "observe", g_variant_new_boolean (observe));
  sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (options), NULL, &error);
  g_assert_no_error (error);
  return sandbox;
}

static void
test_event_stream (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autofree char *socket_path = NULL;
  g_autoptr(SandlockDbusSandbox) sandbox = launch_denied_connect (mgr, "events-test", TRUE, &socket_path);
  g_autoptr(GVariantBuilder) deny_only = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariantBuilder) bad = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autofree char *all = NULL;
  g_autofree char *denied = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  gboolean saw_exec = FALSE;
  int exit_code, sig;

  all = read_stream (sandbox, TRUE, no_options ());
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, !=, 0);

  lines = g_strsplit (all, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0]; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
      JsonObject *event;

      g_assert_no_error (error);
      event = json_node_get_object (node);
      g_assert_true (json_object_has_member (event, "time_ns"));
      g_assert_true (json_object_has_member (event, "pid"));
      g_assert_true (json_object_has_member (event, "category"));
      if (g_strcmp0 (json_object_get_string_member (event, "syscall"), "execve") == 0)
        saw_exec = TRUE;
    }
  g_assert_true (saw_exec);
  g_assert_nonnull (strstr (all, socket_path));
  g_assert_nonnull (strstr (all, "\"verdict\":\"deny\""));

  /* A late reader with a filter gets the history, filtered. */
  g_variant_builder_add (deny_only, "{sv}", "verdict", g_variant_new_string ("deny"));
  denied = read_stream (sandbox, TRUE, g_variant_builder_end (deny_only));
  g_assert_nonnull (strstr (denied, socket_path));
  g_assert_null (strstr (denied, "\"verdict\":\"allow\""));
  g_assert_cmpuint (sandlock_dbus_sandbox_get_denied (sandbox), >=, 1);

  g_variant_builder_add (bad, "{sv}", "verdict", g_variant_new_string ("maybe"));
  sandlock_dbus_sandbox_call_open_event_stream_sync (sandbox, g_variant_builder_end (bad), NULL,
                                                     &handle, &fds, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  remove_sandbox (sandbox);
}

static GVariant *
query (SandlockDbusManager *mgr,
       const char          *key,
       GVariant            *value,
       const char          *key2,
       GVariant            *value2)
{
  GVariantBuilder filter;
  GVariant *records = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
  if (key != NULL)
    g_variant_builder_add (&filter, "{sv}", key, value);
  if (key2 != NULL)
    g_variant_builder_add (&filter, "{sv}", key2, value2);
  sandlock_dbus_manager_call_query_audit_sync (mgr, g_variant_builder_end (&filter), &records,
                                               NULL, &error);
  g_assert_no_error (error);
  return records;
}

typedef struct {
  SandlockDbusManager *mgr;
  const char          *id;
  const char          *key;
  const char          *value;
  const char          *needle;
  GVariant            *records;
} AuditWait;

static gboolean
audit_has (gpointer data)
{
  AuditWait *wait = data;
  g_autofree char *printed = NULL;

  g_clear_pointer (&wait->records, g_variant_unref);
  wait->records = query (wait->mgr, "run", g_variant_new_string (wait->id),
                         wait->key, g_variant_new_string (wait->value));
  if (wait->needle == NULL)
    return g_variant_n_children (wait->records) > 0;
  printed = g_variant_print (wait->records, FALSE);
  return strstr (printed, wait->needle) != NULL;
}

/* The audit records of run @id with @key = @value, once there are any
 * (with @needle in their printed form, if given); the helper writes them
 * on its audit thread, just after the fact. Fails after 10 s. */
static GVariant *
wait_for_audit (SandlockDbusManager *mgr,
                const char          *id,
                const char          *key,
                const char          *value,
                const char          *needle)
{
  AuditWait wait = { mgr, id, key, value, needle, NULL };

  if (!tc_wait_until (audit_has, &wait, 10))
    {
      g_autofree char *printed = g_variant_print (wait.records, FALSE);

      g_error ("no audit record of run %s with %s=%s%s%s: %s", id, key, value,
               needle ? " and " : "", needle ? needle : "", printed);
    }
  return wait.records;
}

/* The HTTP ACL through the helper: a rule in an a{sv} policy, and each
 * request an event in the stream (denied ones in the audit count too). */
static void
test_http_rules (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *allowed = NULL, *other = NULL, *events = NULL;
  GVariantBuilder policy;
  const char *rules[] = { "GET 127.0.0.1/ok/*", NULL };
  int number, exit_code, sig;
  int listener;

  if (curl == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }
  listener = tc_listen_loopback (&number);
  tc_serve_http (listener);
  allowed = g_strdup_printf ("http://127.0.0.1:%d/ok/x", number);
  other = g_strdup_printf ("http://127.0.0.1:%d/other", number);

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  g_variant_builder_add (&policy, "{sv}", "http_allow", g_variant_new_strv (rules, -1));
  g_variant_builder_add (&policy, "{sv}", "http_ports",
                         g_variant_new_array (G_VARIANT_TYPE_UINT16,
                                              (GVariant *[]) { g_variant_new_uint16 (number) }, 1));
  {
    const char *argv[] = { curl, "-s", allowed, other, NULL };
    sandbox = launch_full (mgr, g_variant_builder_end (&policy), argv, no_options (), NULL, &error);
  }
  g_assert_no_error (error);
  events = read_stream (sandbox, TRUE, no_options ());
  wait_for (sandbox, &exit_code, &sig);
  g_test_message ("%s", events);
  g_assert_cmpint (exit_code, ==, 0);
  g_assert_nonnull (strstr (events, "\"syscall\":\"http\""));
  g_assert_nonnull (strstr (events, "/ok/x\",\"verdict\":\"allow\""));
  g_assert_nonnull (strstr (events, "/other\",\"verdict\":\"deny\""));
  g_assert_cmpuint (sandlock_dbus_sandbox_get_denied (sandbox), >=, 1);

  /* The denied request is in the audit log (written just after the end). */
  {
    g_autoptr(GVariant) denied = wait_for_audit (mgr, sandlock_dbus_sandbox_get_id (sandbox),
                                                 "verdict", "deny", "/other");
    g_autofree char *printed = g_variant_print (denied, FALSE);

    g_assert_nonnull (strstr (printed, "'syscall': <'http'>"));
    g_assert_nonnull (strstr (printed, "/other"));
  }
  remove_sandbox (sandbox);
}

/* A reader that does not keep up loses events, told so, and never slows
 * the sandbox down. */
static void
test_slow_event_reader (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c",
                         "i=0; while [ $i -lt 40000 ]; do : < /etc/hostname; i=$((i+1)); done", NULL };
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = NULL;
  int fd, exit_code, sig;

  g_variant_builder_add (options, "{sv}", "observe", g_variant_new_boolean (TRUE));
  sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (options), NULL, &error);
  g_assert_no_error (error);
  /* Opened at once, then not read until the program has ended. */
  fd = open_stream (sandbox, TRUE, no_options ());
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, 0);

  stream = read_all (fds, g_variant_new_handle (g_unix_fd_list_append (fds, fd, NULL)));
  close (fd);
  g_test_message ("%zu bytes of events read after the end", strlen (stream));
  g_assert_nonnull (strstr (stream, "{\"dropped\":"));
  g_assert_nonnull (strstr (stream, "/etc/hostname"));
  remove_sandbox (sandbox);
}

/* Output nobody reads is kept, but only the last MiB of it. */
static void
test_output_bounded (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/sh", "-c", "yes 0123456789 | head -c 3000000; echo THE-END", NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = launch (mgr, argv);
  g_autofree char *output = NULL;
  gsize length;
  int exit_code, sig;

  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, 0);
  output = read_stream (sandbox, FALSE, no_options ());
  length = strlen (output);
  g_test_message ("%zu bytes kept of 3000008", length);
  g_assert_cmpuint (length, <=, 1024 * 1024 + 65536);
  g_assert_cmpuint (length, >=, 512 * 1024);
  g_assert_true (g_str_has_suffix (output, "THE-END\n"));
  remove_sandbox (sandbox);
}

static void
test_profiles (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  GVariantBuilder policy;
  g_auto(GStrv) names = NULL;
  g_autoptr(GVariant) loaded = NULL;
  g_autoptr(GVariant) memory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *file = g_build_filename (config_home, "sandlock", "profiles", "dbus-test.json", NULL);

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  g_variant_builder_add (&policy, "{sv}", "max_memory", g_variant_new_string ("64M"));
  sandlock_dbus_manager_call_save_profile_sync (mgr, "dbus-test", g_variant_builder_end (&policy),
                                                NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  sandlock_dbus_manager_call_list_profiles_sync (mgr, &names, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) names, "dbus-test"));

  sandlock_dbus_manager_call_get_profile_sync (mgr, "dbus-test", &loaded, NULL, &error);
  g_assert_no_error (error);
  memory = g_variant_lookup_value (loaded, "max_memory", NULL);
  g_assert_nonnull (memory);

  /* The CLI sees the same profiles. */
  g_assert_cmpint (tc_sandlock (&out, NULL, "profile", "show", "dbus-test", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "max_memory"));

  sandlock_dbus_manager_call_save_profile_sync (mgr, "../escape", g_variant_new ("a{sv}", NULL),
                                                NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  g_clear_error (&error);

  sandlock_dbus_manager_call_delete_profile_sync (mgr, "dbus-test", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_pointer (&loaded, g_variant_unref);
  sandlock_dbus_manager_call_get_profile_sync (mgr, "dbus-test", &loaded, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
}

static void
test_audit (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autofree char *socket_path = NULL;
  g_autoptr(SandlockDbusSandbox) sandbox = launch_denied_connect (mgr, "audit-test", FALSE, &socket_path);
  g_autofree char *id = NULL;
  g_autoptr(GVariant) runs = NULL;
  g_autoptr(GVariant) events = NULL;
  g_autoptr(GVariant) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) bad = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  GVariant *records = NULL;
  const char *name, *state;
  gint64 denied = 0, exit_code_audit = 0;
  int exit_code, sig;

  wait_for (sandbox, &exit_code, &sig);
  id = g_strdup (sandlock_dbus_sandbox_get_id (sandbox));

  /* Without "observe" only decisions are events: the denial, no execve. */
  {
    g_autofree char *stream = read_stream (sandbox, TRUE, no_options ());

    g_assert_nonnull (strstr (stream, socket_path));
    g_assert_null (strstr (stream, "\"syscall\":\"execve\""));
  }

  /* Written on the helper's audit thread, just after the end. */
  runs = wait_for_audit (mgr, id, "kind", "run", NULL);
  g_assert_cmpuint (g_variant_n_children (runs), ==, 1);
  record = g_variant_get_child_value (runs, 0);
  g_assert_true (g_variant_lookup (record, "name", "&s", &name));
  g_assert_cmpstr (name, ==, "audit-test");
  g_assert_true (g_variant_lookup (record, "state", "&s", &state));
  g_assert_cmpstr (state, ==, "exited");
  g_assert_true (g_variant_lookup (record, "denied", "x", &denied));
  g_assert_cmpint (denied, >=, 1);
  g_assert_true (g_variant_lookup (record, "exit_code", "x", &exit_code_audit));
  g_assert_cmpint (exit_code_audit, ==, exit_code);
  g_assert_true (g_variant_lookup_value (record, "policy", G_VARIANT_TYPE_VARDICT) != NULL);

  events = query (mgr, "run", g_variant_new_string (id), "verdict", g_variant_new_string ("deny"));
  g_assert_cmpuint (g_variant_n_children (events), >=, 2);   /* the run and its denial */
  {
    g_autofree char *printed = g_variant_print (events, FALSE);
    g_assert_nonnull (strstr (printed, socket_path));
    g_assert_nonnull (strstr (printed, "'kind': <'event'>"));
  }

  /* By name and time: nothing before the epoch's first second. */
  g_clear_pointer (&runs, g_variant_unref);
  runs = query (mgr, "name", g_variant_new_string ("audit-test"), "until", g_variant_new_int64 (1));
  g_assert_cmpuint (g_variant_n_children (runs), ==, 0);

  g_variant_builder_add (bad, "{sv}", "limit", g_variant_new_string ("ten"));
  sandlock_dbus_manager_call_query_audit_sync (mgr, g_variant_builder_end (bad), &records, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  remove_sandbox (sandbox);
}

static void
test_dry_run_review (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *a = tc_make_file (dir, "a", "orig\n");
  g_autofree char *gone = tc_make_file (dir, "gone", "bye\n");
  g_autofree char *b = g_build_filename (dir, "b", NULL);
  g_autofree char *c = g_build_filename (dir, "c", NULL);
  g_autofree char *script = g_strdup_printf ("cd %s && echo new > a && echo bee > b && "
                                             "echo sea > c && rm gone", dir);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  const char *only_b[] = { "b", NULL };
  const char *none[] = { NULL };
  const char *absolute[] = { "/etc/passwd", NULL };
  GVariantBuilder policy;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GVariant) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(GVariant) commits = NULL;
  int exit_code, sig;

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  g_variant_builder_add (&policy, "{sv}", "workdir", g_variant_new_string (dir));
  g_variant_builder_add (options, "{sv}", "dry_run", g_variant_new_boolean (TRUE));
  sandbox = launch_full (mgr, g_variant_builder_end (&policy), argv,
                         g_variant_builder_end (options), NULL, &error);
  g_assert_no_error (error);
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, ==, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (sandlock_dbus_sandbox_get_has_changes (sandbox));

  /* Nothing reached the workdir. */
  g_assert_true (g_file_get_contents (a, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "orig\n");
  g_assert_false (g_file_test (b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));

  sandlock_dbus_sandbox_call_get_changes_sync (sandbox, &changes, NULL, &error);
  g_assert_no_error (error);
  printed = g_variant_print (changes, FALSE);
  g_assert_cmpstr (printed, ==, "[('M', 'a', 5, 4), ('A', 'b', 18446744073709551615, 4), "
                                "('A', 'c', 18446744073709551615, 4), "
                                "('D', 'gone', 4, 18446744073709551615)]");

  sandlock_dbus_sandbox_call_get_file_diff_sync (sandbox, "a", &diff, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (diff, "-orig"));
  g_assert_nonnull (strstr (diff, "+new"));
  g_clear_pointer (&diff, g_free);
  sandlock_dbus_sandbox_call_get_file_diff_sync (sandbox, "nothing", &diff, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
  g_clear_error (&error);

  sandlock_dbus_sandbox_call_commit_sync (sandbox, absolute, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  g_clear_error (&error);

  /* Partial commit: only b lands. */
  sandlock_dbus_sandbox_call_commit_sync (sandbox, only_b, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (b, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "bee\n");
  g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (a, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "orig\n");

  g_clear_pointer (&changes, g_variant_unref);
  sandlock_dbus_sandbox_call_get_changes_sync (sandbox, &changes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (changes), ==, 3);

  /* The commit is in the audit log. */
  {
    commits = wait_for_audit (mgr, sandlock_dbus_sandbox_get_id (sandbox), "kind", "commit", NULL);
    g_clear_pointer (&printed, g_free);
    printed = g_variant_print (commits, FALSE);
    g_assert_nonnull (strstr (printed, "'path': <'b'>"));
    g_assert_null (strstr (printed, "'path': <'c'>"));
  }

  sandlock_dbus_sandbox_call_discard_sync (sandbox, NULL, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (sandlock_dbus_sandbox_get_has_changes (sandbox));
  g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
  g_clear_pointer (&changes, g_variant_unref);
  sandlock_dbus_sandbox_call_get_changes_sync (sandbox, &changes, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
  g_clear_error (&error);
  sandlock_dbus_sandbox_call_commit_sync (sandbox, none, NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
  remove_sandbox (sandbox);
}

static void
test_dry_run_needs_workdir (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/true", NULL };
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;

  g_variant_builder_add (options, "{sv}", "dry_run", g_variant_new_boolean (TRUE));
  sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (options), NULL, &error);
  g_assert_null (sandbox);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidPolicy");
}

/* The bus's socket, as a probe argument: "abstract NAME" or "unix PATH". */
static gboolean
bus_socket (const char **how,
            char       **where)
{
  const char *address = g_test_dbus_get_bus_address (test_bus);
  const char *abstract = strstr (address, "abstract=");
  const char *path = strstr (address, "path=");
  const char *start = abstract ? abstract + 9 : path ? path + 5 : NULL;

  if (start == NULL)
    return FALSE;
  *how = abstract ? "abstract" : "unix";
  *where = g_strndup (start, strcspn (start, ",;"));
  return TRUE;
}

static void
test_bus_unreachable (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *how = NULL;
  g_autofree char *where = NULL;
  g_autofree char *parent = NULL;
  const char *argv[] = { tc_probe (), NULL, NULL, NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder policy;
  int exit_code, sig;

  g_assert_true (bus_socket (&how, &where));
  argv[1] = how;
  argv[2] = where;
  g_test_message ("bus socket: %s %s", how, where);

  /* Even with the socket's directory readable and writable. */
  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  if (strcmp (how, "unix") == 0)
    {
      const char *dirs[] = { NULL, NULL };

      parent = g_path_get_dirname (where);
      dirs[0] = parent;
      g_variant_builder_add (&policy, "{sv}", "fs_writable", g_variant_new_strv (dirs, -1));
    }
  sandbox = launch_full (mgr, g_variant_builder_end (&policy), argv, no_options (), NULL, &error);
  g_assert_no_error (error);
  wait_for (sandbox, &exit_code, &sig);
  g_assert_cmpint (exit_code, !=, 0);   /* the probe exits with the errno */
  g_test_message ("probe %s: errno %d", how, exit_code);

  /* Control: the probe does reach the bus unconfined. */
  {
    g_autofree char *out = NULL;
    const char *direct[] = { tc_probe (), how, where, NULL };
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) direct, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, NULL, &status, NULL));
    g_assert_cmpint (status, ==, 0);
  }
  remove_sandbox (sandbox);
}

/* The first child of @pid's main thread, 0 while there is none. */
static pid_t
first_child (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/children", pid, pid);
  g_autofree char *children = NULL;

  if (!g_file_get_contents (path, &children, NULL, NULL))
    return 0;
  return atoi (children);
}

typedef struct {
  pid_t parent;
  int   depth;   /* 1: a child, 2: a grandchild */
  pid_t found;
} DescendantWait;

static gboolean
has_descendant (gpointer data)
{
  DescendantWait *wait = data;
  pid_t pid = wait->parent;

  for (int i = 0; i < wait->depth && pid > 0; i++)
    pid = first_child (pid);
  wait->found = MAX (pid, 0);
  return pid > 0;
}

static void
test_sandboxed_callers_refused (void)
{
  const char *argv[] = { "/bin/sleep", "30", NULL };
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autoptr(SandlockDbusSandbox) sandbox = launch (mgr, argv);
  g_autoptr(GError) error = NULL;
  DescendantWait program = { sandlock_dbus_sandbox_get_pid (sandbox), 1, 0 };
  int exit_code, sig;

  /* The sleep under the sandbox's init. */
  g_assert_true (tc_wait_until (has_descendant, &program, 10));
  g_assert_true (sandlock_helper_pid_is_sandboxed (program.found));
  g_assert_false (sandlock_helper_pid_is_sandboxed (getpid ()));
  g_assert_true (sandlock_helper_pid_is_sandboxed (-1));

  sandlock_dbus_sandbox_call_kill_sync (sandbox, SIGKILL, NULL, &error);
  g_assert_no_error (error);
  wait_for (sandbox, &exit_code, &sig);
  remove_sandbox (sandbox);

  /* And one of the command's. */
  {
    g_autofree char *script = g_strdup_printf ("exec %s run -r /usr -r /lib -r /lib64 -r /bin -- /bin/sleep 30",
                                               tc_cli ());
    const char *sh[] = { "/bin/sh", "-c", script, NULL };
    GPid cli;
    DescendantWait inner = { 0, 2, 0 };

    g_assert_true (g_spawn_async (NULL, (char **) sh, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  &cli, NULL));
    /* The CLI's child is init; init's child is the program. */
    inner.parent = cli;
    g_assert_true (tc_wait_until (has_descendant, &inner, 10));
    g_assert_true (sandlock_helper_pid_is_sandboxed (inner.found));
    kill (cli, SIGTERM);
    waitpid (cli, NULL, 0);
  }
}

static void
test_client_leaves (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sleep", "60", NULL };
  g_autoptr(GDBusConnection) own = NULL;
  g_autoptr(SandlockDbusManager) mgr = manager ();
  g_autoptr(SandlockDbusSandbox) attached = NULL;
  g_autoptr(SandlockDbusSandbox) detached = NULL;
  g_autofree char *attached_path = NULL;
  g_autofree char *detached_path = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  int exit_code, sig;

  own = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SandlockDbusManager) theirs = manager_on (own);
    g_autoptr(SandlockDbusSandbox) a = launch (theirs, argv);
    g_autoptr(SandlockDbusSandbox) d = NULL;

    g_variant_builder_add (options, "{sv}", "detach", g_variant_new_boolean (TRUE));
    d = launch_full (theirs, system_policy (), argv, g_variant_builder_end (options), NULL, &error);
    g_assert_no_error (error);
    attached_path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (a)));
    detached_path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (d)));
  }
  g_dbus_connection_close_sync (own, NULL, &error);
  g_assert_no_error (error);

  attached = sandbox_proxy (g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr)), attached_path);
  detached = sandbox_proxy (g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr)), detached_path);
  wait_for (attached, &exit_code, &sig);
  g_assert_cmpint (sig, ==, SIGKILL);
  g_usleep (200000);
  g_assert_cmpstr (sandlock_dbus_sandbox_get_state (detached), ==, "running");

  sandlock_dbus_sandbox_call_kill_sync (detached, SIGKILL, NULL, &error);
  g_assert_no_error (error);
  wait_for (detached, &exit_code, &sig);
  remove_sandbox (attached);
  remove_sandbox (detached);
}

static void
test_garbage_refused (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *argv[] = { "/bin/true", NULL };
  const char *empty_argv[] = { NULL };
  const char *empty_program[] = { "", NULL };
  struct {
    const char *key;
    GVariant   *value;
  } options[] = {
    { "timeout", g_variant_new_string ("soon") },
    { "timeout", g_variant_new_double (-1) },
    { "stdin", g_variant_new_handle (7) },
    { "name", g_variant_new_string ("../etc") },
    { "cwd", g_variant_new_string ("/") },
    { "colour", g_variant_new_boolean (TRUE) },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  GVariantBuilder policy;

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", options[i].key, options[i].value);
      sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (&builder), NULL,
                             &error);
      g_assert_null (sandbox);
      assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
      g_test_message ("%s: %s", options[i].key, error->message);
      g_clear_error (&error);
    }

  /* An fd index beyond those passed. */
  {
    g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
    GVariantBuilder builder;
    int fd = open ("/dev/null", O_RDONLY);

    g_unix_fd_list_append (fds, fd, NULL);
    close (fd);
    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "stdout", g_variant_new_handle (1));
    sandbox = launch_full (mgr, system_policy (), argv, g_variant_builder_end (&builder), fds, &error);
    g_assert_null (sandbox);
    assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
    g_clear_error (&error);
  }

  sandbox = launch_full (mgr, system_policy (), empty_argv, no_options (), NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  g_clear_error (&error);
  sandbox = launch_full (mgr, system_policy (), empty_program, no_options (), NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidArgument");
  g_clear_error (&error);

  /* Nested garbage inside the policy. */
  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&policy, "{sv}", "env",
                         g_variant_new_variant (g_variant_new_variant (g_variant_new_int32 (1))));
  g_variant_builder_add (&policy, "{sv}", "max_processes", g_variant_new_string ("lots"));
  g_variant_builder_add (&policy, "{sv}", "fs_readable", g_variant_new_bytestring ("/usr"));
  sandbox = launch_full (mgr, g_variant_builder_end (&policy), argv, no_options (), NULL, &error);
  assert_dbus_error (error, "org.sandlock.Helper1.Error.InvalidPolicy");
  g_clear_error (&error);

  /* A program that does not exist. */
  {
    const char *missing[] = { "/no/such/program", NULL };

    sandbox = launch_full (mgr, system_policy (), missing, no_options (), NULL, &error);
    assert_dbus_error (error, "org.sandlock.Helper1.Error.NotFound");
    g_clear_error (&error);
  }

  /* The helper is still there. */
  g_assert_cmpuint (sandlock_dbus_manager_get_version (mgr), ==, 1);
  {
    g_autoptr(GVariant) caps = NULL;
    gint32 abi = 0;

    sandlock_dbus_manager_call_get_capabilities_sync (mgr, &caps, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_variant_lookup (caps, "landlock_abi", "i", &abi));
    g_assert_cmpint (abi, >=, 1);
  }
}

static void
test_concurrent_launches_no_growth (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr));
  const char *argv[] = { "/bin/true", NULL };
  pid_t helper = helper_pid (connection);
  guint fds_before = 0;
  long rss_before = 0;

  for (int round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      /* 100 calls in flight at once. */
      for (int i = 0; i < 100; i++)
        sandlock_dbus_manager_call_launch (mgr, system_policy (), argv, no_options (),
                                           NULL, NULL, NULL, NULL);
      /* Their objects, from the object manager. */
      {
        gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
        g_autoptr(GVariant) objects = NULL;

        for (;;)
          {
            GVariantIter iter;
            const char *path;
            GVariant *interfaces;
            guint running = 0, all = 0;

            g_clear_pointer (&objects, g_variant_unref);
            objects = g_dbus_connection_call_sync (connection, BUS_NAME, MANAGER_PATH,
                                                   "org.freedesktop.DBus.ObjectManager",
                                                   "GetManagedObjects", NULL, NULL,
                                                   G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
            g_assert_nonnull (objects);
            g_variant_iter_init (&iter, g_variant_get_child_value (objects, 0));
            while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces))
              {
                g_autofree char *printed = g_variant_print (interfaces, FALSE);

                all++;
                if (strstr (printed, "'State': <'running'>") || strstr (printed, "'State': <'paused'>"))
                  running++;
                g_variant_unref (interfaces);
              }
            if (all >= 100 && running == 0)
              {
                g_variant_iter_init (&iter, g_variant_get_child_value (objects, 0));
                while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces))
                  {
                    g_ptr_array_add (paths, g_strdup (path));
                    g_variant_unref (interfaces);
                  }
                break;
              }
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            g_usleep (50000);
          }
      }
      g_assert_cmpuint (paths->len, ==, 100);
      for (guint i = 0; i < paths->len; i++)
        {
          g_autoptr(SandlockDbusSandbox) sandbox = sandbox_proxy (connection, paths->pdata[i]);
          int exit_code, sig;

          wait_for (sandbox, &exit_code, &sig);
          g_assert_cmpint (exit_code, ==, 0);
          remove_sandbox (sandbox);
        }
      /* Let the audit thread and the main loop settle. */
      g_usleep (500000);
      if (round == 0)
        {
          fds_before = count_fds (helper);
          rss_before = rss_kib (helper);
        }
      else
        {
          guint fds_after = count_fds (helper);
          long rss_after = rss_kib (helper);

          g_test_message ("helper: %u -> %u fds, %ld -> %ld KiB resident",
                          fds_before, fds_after, rss_before, rss_after);
          g_assert_cmpuint (fds_after, ==, fds_before);
          /* Allocator slack, not a per-sandbox leak (100 leaked objects with
           * their buffers would be far more). */
          g_assert_cmpint (rss_after - rss_before, <, 1024);
        }
    }
}

typedef struct {
  const char *marker;
  guint       at_least;
} ProcessCount;

static gboolean
at_least_processes (gpointer data)
{
  ProcessCount *count = data;

  return tc_count_processes_with (count->marker) >= count->at_least;
}

static gboolean
no_processes (gpointer marker)
{
  return tc_count_processes_with (marker) == 0;
}

static gboolean
name_has_no_owner (gpointer connection)
{
  return !tc_bus_name_has_owner (connection, BUS_NAME);
}

static void
test_helper_death_kills_sandboxes (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr));
  const char *argv[] = { "/bin/bash", "-c", NULL, NULL };
  g_autoptr(SandlockDbusSandbox) sandbox = NULL;
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = g_strdup_printf ("dbus-helper-death-%d", getpid ());
  pid_t helper = helper_pid (connection);
  ProcessCount count = { NULL, 4 };
  GVariantBuilder policy;

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  add_system (&policy);
  g_variant_builder_add (options, "{sv}", "name", g_variant_new_string (marker));
  g_variant_builder_add (options, "{sv}", "detach", g_variant_new_boolean (TRUE));
  /* Children, a double-forked daemon in a session of its own, all named
   * so they can be counted from outside. */
  argv[2] = g_strdup_printf ("for i in 1 2 3; do (exec -a %s /bin/sleep 300) & done; "
                             "(setsid bash -c 'exec -a %s /bin/sleep 300' &); wait",
                             marker, marker);
  sandbox = launch_full (mgr, g_variant_builder_end (&policy), argv, g_variant_builder_end (options),
                         NULL, &error);
  g_assert_no_error (error);

  count.marker = marker;
  g_assert_true (tc_wait_until (at_least_processes, &count, 10));

  g_assert_no_errno (kill (helper, SIGKILL));
  g_assert_true (tc_wait_until (no_processes, marker, 10));
  g_free ((char *) argv[2]);

  /* The next call activates a new helper, once the bus has seen the old
   * one go (a proxy made before that would call the dead one's name). */
  g_assert_true (tc_wait_until (name_has_no_owner, connection, 10));
  {
    g_autoptr(SandlockDbusManager) again = manager ();
    g_autoptr(GVariant) caps = NULL;

    sandlock_dbus_manager_call_get_capabilities_sync (again, &caps, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (helper_pid (connection), !=, helper);
  }
}

/* Many long runs do not hold up noticing the end of a short one. */
static void
test_many_running (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  const char *sleeper[] = { "/bin/sleep", "60", NULL };
  const char *quick[] = { "/bin/true", NULL };
  g_autoptr(GPtrArray) sleepers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SandlockDbusSandbox) short_run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  int exit_code, sig;

  for (int i = 0; i < 24; i++)
    g_ptr_array_add (sleepers, launch (mgr, sleeper));
  short_run = launch (mgr, quick);
  start = g_get_monotonic_time ();
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (short_run), 5000);
  wait_for (short_run, &exit_code, &sig);
  g_test_message ("short run noticed after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (exit_code, ==, 0);

  for (guint i = 0; i < sleepers->len; i++)
    {
      sandlock_dbus_sandbox_call_kill_sync (sleepers->pdata[i], SIGKILL, NULL, &error);
      g_assert_no_error (error);
      wait_for (sleepers->pdata[i], &exit_code, &sig);
      remove_sandbox (sleepers->pdata[i]);
    }
  remove_sandbox (short_run);
}

typedef struct {
  GDBusConnection *connection;
  GPid             pid;
  int              status;
} HelperWait;

static gboolean
helper_is (gpointer data)
{
  HelperWait *wait = data;

  return helper_pid (wait->connection) == wait->pid;
}

static gboolean
reaped (gpointer data)
{
  HelperWait *wait = data;

  return waitpid (wait->pid, &wait->status, WNOHANG) == wait->pid;
}

static gboolean
pid_dead (gpointer pid)
{
  return !tc_pid_alive (GPOINTER_TO_INT (pid));
}

/* A second helper takes the name over (--replace); the first stops, and
 * the new one, with no client and no sandbox, exits once idle. */
static void
test_replace_and_idle_exit (void)
{
  g_autoptr(SandlockDbusManager) mgr = manager ();
  GDBusConnection *connection = g_dbus_proxy_get_connection (G_DBUS_PROXY (mgr));
  g_autoptr(GVariant) caps = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("SANDLOCK_HELPER"), "--replace", "--idle-timeout", "1", NULL };
  HelperWait wait = { connection, 0, -1 };
  pid_t old = 0;

  sandlock_dbus_manager_call_get_capabilities_sync (mgr, &caps, NULL, &error);
  g_assert_no_error (error);
  old = helper_pid (connection);

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &wait.pid, &error));
  g_assert_no_error (error);
  g_assert_true (tc_wait_until (helper_is, &wait, 10));
  g_assert_true (tc_wait_until (pid_dead, GINT_TO_POINTER (old), 10));

  /* Nobody calls it: it goes after about a second. */
  g_assert_true (tc_wait_until (reaped, &wait, 10));
  g_assert_true (WIFEXITED (wait.status));
  g_assert_cmpint (WEXITSTATUS (wait.status), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* The helper inherits these through the bus's activation environment. */
  home = tc_make_tmpdir ();
  state_home = g_build_filename (home, "state", NULL);
  config_home = g_build_filename (home, "config", NULL);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", home, TRUE);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (test_bus, g_getenv ("SANDLOCK_TEST_SERVICES"));
  g_test_dbus_up (test_bus);

  g_test_add_func ("/dbus/output-and-exit", test_output_and_exit);
  g_test_add_func ("/dbus/signals-and-kill", test_signals_and_kill);
  g_test_add_func ("/dbus/stdio-fds", test_stdio_fds);
  g_test_add_func ("/dbus/invalid-policy", test_invalid_policy);
  g_test_add_func ("/dbus/pause-resume", test_pause_resume);
  g_test_add_func ("/dbus/live-properties", test_live_properties);
  g_test_add_func ("/dbus/event-stream", test_event_stream);
  g_test_add_func ("/dbus/http-rules", test_http_rules);
  g_test_add_func ("/dbus/slow-event-reader", test_slow_event_reader);
  g_test_add_func ("/dbus/output-bounded", test_output_bounded);
  g_test_add_func ("/dbus/profiles", test_profiles);
  g_test_add_func ("/dbus/audit", test_audit);
  g_test_add_func ("/dbus/dry-run-review", test_dry_run_review);
  g_test_add_func ("/dbus/dry-run-needs-workdir", test_dry_run_needs_workdir);
  g_test_add_func ("/dbus/bus-unreachable", test_bus_unreachable);
  g_test_add_func ("/dbus/sandboxed-callers-refused", test_sandboxed_callers_refused);
  g_test_add_func ("/dbus/client-leaves", test_client_leaves);
  g_test_add_func ("/dbus/garbage-refused", test_garbage_refused);
  g_test_add_func ("/dbus/concurrent-launches", test_concurrent_launches_no_growth);
  g_test_add_func ("/dbus/many-running", test_many_running);
  g_test_add_func ("/dbus/helper-death-kills-sandboxes", test_helper_death_kills_sandboxes);
  g_test_add_func ("/dbus/replace-and-idle-exit", test_replace_and_idle_exit);

  status = g_test_run ();
  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return status;
}
