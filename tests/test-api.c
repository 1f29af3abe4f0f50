/* SPDX-License-Identifier: Apache-2.0 */
/* The public C API of libsandlock, as an application uses it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sandlock.h>

#include "test-common.h"

static SandlockPolicy *
probe_policy (void)
{
  SandlockPolicy *policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;

  sandlock_policy_set (policy, "fs_readable", tc_probe (), &error);
  g_assert_no_error (error);
  return policy;
}

static void
test_run_capture (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_probe (), "env", "GREETING", NULL };
  gsize len;
  const char *out;

  sandlock_policy_set (policy, "env", "GREETING=hello", &error);
  g_assert_no_error (error);
  result = sandlock_run (policy, argv, 0, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sandlock_result_get_exit_code (result), ==, 0);
  g_assert_cmpint (sandlock_result_get_signal (result), ==, 0);
  g_assert_cmpint (sandlock_result_get_status (result), ==, 0);
  g_assert_false (sandlock_result_get_timed_out (result));
  g_assert_cmpuint (sandlock_result_get_elapsed_ns (result), >, 0);
  out = g_bytes_get_data (sandlock_result_get_stdout (result), &len);
  g_assert_cmpmem (out, len, "hello\n", 6);
}

static void
test_policy_from_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *json = g_strdup_printf ("{\"fs_readable\": [\"%s\"], \"fs_writable\": [\"%s\"]}",
                                           tc_probe (), dir);
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new_from_json (json, -1, &error);
  g_autofree char *target = g_build_filename (dir, "made", NULL);
  const char *argv[] = { tc_probe (), "create", target, NULL };
  g_autoptr(SandlockResult) result = NULL;

  g_assert_no_error (error);
  result = sandlock_run (policy, argv, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sandlock_result_get_exit_code (result), ==, 0);
  g_assert_true (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
test_invalid_policy_runs_nothing (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *marker = g_build_filename (dir, "ran", NULL);
  const char *argv[] = { "/bin/touch", marker, NULL };

  g_assert_true (sandlock_policy_set (policy, "fs_writable", "/nonexistent/sandlock", &error));
  sandbox = sandlock_sandbox_new (policy);
  g_assert_false (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpint (sandlock_error_exit_status (error), ==, 2);
  g_assert_cmpint (sandlock_sandbox_get_pid (sandbox), ==, -1);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
}

static void
test_not_found (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sandlock-no-such-program", NULL };
  g_autoptr(SandlockResult) result = sandlock_run (policy, argv, 0, FALSE, &error);

  g_assert_null (result);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND);
  g_assert_cmpint (sandlock_error_exit_status (error), ==, 127);
}

static void
test_kill_whole_sandbox (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_probe (), "sleep", "60", NULL };

  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sandlock_sandbox_get_pid (sandbox), >, 0);
  g_assert_cmpint (sandlock_sandbox_get_pidfd (sandbox), >=, 0);
  g_assert_true (sandlock_sandbox_kill (sandbox, SIGTERM, &error));
  result = sandlock_sandbox_wait (sandbox, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sandlock_result_get_signal (result), ==, SIGTERM);
  g_assert_cmpint (sandlock_result_get_status (result), ==, 128 + SIGTERM);
  /* Once ended, it cannot be signalled. */
  g_assert_false (sandlock_sandbox_kill (sandbox, SIGTERM, NULL));
}

static void
test_free_kills (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  SandlockSandbox *sandbox = sandlock_sandbox_new (policy);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_probe (), "sleep", "60", NULL };
  pid_t pid;

  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  pid = sandlock_sandbox_get_pid (sandbox);
  g_assert_true (tc_pid_alive (pid));
  sandlock_sandbox_free (sandbox);
  g_assert_false (tc_pid_alive (pid));
}

static void
test_timeout (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_probe (), "sleep", "60", NULL };
  g_autoptr(SandlockResult) result = sandlock_run (policy, argv, 0.2, FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (sandlock_result_get_timed_out (result));
  g_assert_cmpint (sandlock_result_get_status (result), ==, 124);
  g_assert_cmpuint (sandlock_result_get_elapsed_ns (result), <, 5 * G_GUINT64_CONSTANT (1000000000));
}

static void
test_keep_fd (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_probe (), "fds", NULL };
  int kept = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  int dropped = open ("/dev/null", O_RDONLY);
  g_autofree char *expected = g_strdup_printf ("%d\n", kept);
  const char *out;
  gsize len;

  sandlock_sandbox_keep_fd (sandbox, kept);
  sandlock_sandbox_set_capture (sandbox, TRUE);
  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  result = sandlock_sandbox_wait (sandbox, &error);
  g_assert_no_error (error);
  out = g_bytes_get_data (sandlock_result_get_stdout (result), &len);
  g_assert_cmpmem (out, len, expected, strlen (expected));
  close (kept);
  close (dropped);
}

static void
test_confine_self (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *inside = tc_make_file (dir, "inside", "i");
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
      int fd;

      if (!sandlock_policy_set (policy, "fs_readable", dir, NULL) ||
          !sandlock_confine_self (policy, NULL))
        _exit (10);
      if ((fd = open (inside, O_RDONLY)) < 0)
        _exit (11);
      close (fd);
      if (open ("/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
        _exit (12);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_confine_self_refuses_other_fields (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sandlock_policy_set (policy, "clean_env", "true", NULL));
  g_assert_false (sandlock_confine_self (policy, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "clean_env"));
  /* This process stays unconfined. */
  g_assert_true (g_file_test ("/etc/passwd", G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (access ("/etc/passwd", R_OK), ==, 0);
}

/* ---- dynamic policy ------------------------------------------------------ */

typedef struct {
  const char *syscall;       /* deny this syscall ... */
  const char *detail_part;   /* ... when its detail contains this */
  int         decision;
  gint64      max_processes; /* restrict on the first execve, when >= 1 */
  gboolean    block_network; /* restrict_network([]) on the first execve */
  const char *deny_path;     /* deny_path() on the first execve */
  gboolean    denied_ok;
  guint       sleep_ms;
  guint       calls;
  guint       audited;
} Rules;

static int
decide (const SandlockEvent   *event,
        SandlockPolicyContext *context,
        gpointer               user_data)
{
  Rules *rules = user_data;

  g_atomic_int_inc (&rules->calls);
  if (rules->sleep_ms > 0)
    g_usleep (rules->sleep_ms * 1000);
  if (g_str_equal (event->syscall, "execve"))
    {
      if (rules->max_processes >= 1)
        sandlock_policy_context_restrict_max_processes (context, rules->max_processes);
      if (rules->block_network)
        sandlock_policy_context_restrict_network (context, NULL, 0);
      if (rules->deny_path != NULL)
        rules->denied_ok = sandlock_policy_context_deny_path (context, rules->deny_path);
    }
  if (rules->syscall != NULL && g_str_equal (event->syscall, rules->syscall) &&
      strstr (event->detail, rules->detail_part) != NULL)
    return rules->decision;
  return SANDLOCK_DECISION_ALLOW;
}

static void
count_audits (const SandlockEvent *event,
              gpointer             user_data)
{
  Rules *rules = user_data;

  if (event->verdict == SANDLOCK_VERDICT_AUDIT)
    g_atomic_int_inc (&rules->audited);
}

static int
run_with_rules (SandlockPolicy     *policy,
                Rules              *rules,
                double              timeout,
                const char * const *argv)
{
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sandlock_sandbox_set_policy_func (sandbox, decide, rules, timeout);
  sandlock_sandbox_set_event_handler (sandbox, count_audits, rules);
  /* The probe's output would break the TAP stream. */
  sandlock_sandbox_set_capture (sandbox, TRUE);
  /* A denied execve of the program itself fails the spawn. */
  if (!sandlock_sandbox_spawn (sandbox, argv, &error))
    {
      g_test_message ("spawn: %s", error->message);
      return sandlock_error_exit_status (error);
    }
  result = sandlock_sandbox_wait (sandbox, &error);
  g_assert_no_error (error);
  return sandlock_result_get_status (result);
}

static void
test_policy_func_denies (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *file = tc_make_file (dir, "file", "x");
  const char *argv[] = { tc_probe (), "read", file, NULL };
  Rules plain = { 0 };
  Rules deny_read = { .syscall = "openat", .detail_part = "file", .decision = ENOENT };
  Rules deny_exec = { .syscall = "execve", .detail_part = "probe", .decision = SANDLOCK_DECISION_DENY };

  g_assert_true (sandlock_policy_set (policy, "fs_readable", dir, NULL));
  g_assert_cmpint (run_with_rules (policy, &plain, 5, argv), ==, 0);
  g_assert_cmpuint (plain.calls, >=, 2);   /* the execve and the open */
  g_assert_cmpint (run_with_rules (policy, &deny_read, 5, argv), ==, ENOENT);
  /* Even the program itself cannot start. */
  g_assert_cmpint (run_with_rules (policy, &deny_exec, 5, argv), ==, 126);
}

static void
test_policy_func_audits (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *file = tc_make_file (dir, "file", "x");
  const char *argv[] = { tc_probe (), "read", file, NULL };
  Rules audit = { .syscall = "openat", .detail_part = file, .decision = SANDLOCK_DECISION_AUDIT };

  g_assert_true (sandlock_policy_set (policy, "fs_readable", dir, NULL));
  g_assert_cmpint (run_with_rules (policy, &audit, 5, argv), ==, 0);
  g_assert_cmpuint (audit.audited, ==, 1);
}

static void
test_policy_func_timeout_denies (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  const char *argv[] = { tc_probe (), "exit", "0", NULL };
  Rules slow = { .sleep_ms = 1000 };

  /* Too slow to answer for the program's execve: denied. */
  g_assert_cmpint (run_with_rules (policy, &slow, 0.1, argv), ==, 126);
}

static void
test_policy_func_tightens (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  const char *forks[] = { tc_probe (), "forks", "3", NULL };
  Rules limit = { .max_processes = 1 };
  Rules none = { 0 };
  int number;
  int fd = tc_listen_loopback (&number);
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *rule = g_strdup_printf (":%s", port);
  Rules block = { .block_network = TRUE };

  g_assert_cmpint (run_with_rules (policy, &none, 5, forks), ==, 0);
  g_assert_cmpint (run_with_rules (policy, &limit, 5, forks), ==, EAGAIN);

  g_assert_true (sandlock_policy_set (policy, "net_allow", rule, NULL));
  {
    const char *connect_argv[] = { tc_probe (), "connect", port, NULL };

    g_assert_cmpint (run_with_rules (policy, &none, 5, connect_argv), ==, 0);
    g_assert_cmpint (run_with_rules (policy, &block, 5, connect_argv), ==, EACCES);
  }
  close (fd);
}

static void
test_policy_func_denies_paths (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *secret = tc_make_file (dir, "secret", "s");
  g_autofree char *sibling = tc_make_file (dir, "sibling", "x");
  const char *read_secret[] = { tc_probe (), "read", secret, NULL };
  const char *read_sibling[] = { tc_probe (), "read", sibling, NULL };
  Rules none = { 0 };
  Rules deny = { .deny_path = secret };
  Rules deny_again = { .deny_path = secret };

  g_assert_true (sandlock_policy_set (policy, "fs_readable", dir, NULL));
  g_assert_cmpint (run_with_rules (policy, &none, 5, read_secret), ==, 0);
  /* Denied when the program starts: its open meets the cover. */
  g_assert_cmpint (run_with_rules (policy, &deny, 5, read_secret), ==, EACCES);
  g_assert_true (deny.denied_ok);
  g_assert_cmpint (run_with_rules (policy, &deny_again, 5, read_sibling), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/run-capture", test_run_capture);
  g_test_add_func ("/api/policy-from-json", test_policy_from_json);
  g_test_add_func ("/api/invalid-policy-runs-nothing", test_invalid_policy_runs_nothing);
  g_test_add_func ("/api/not-found", test_not_found);
  g_test_add_func ("/api/kill-whole-sandbox", test_kill_whole_sandbox);
  g_test_add_func ("/api/free-kills", test_free_kills);
  g_test_add_func ("/api/timeout", test_timeout);
  g_test_add_func ("/api/keep-fd", test_keep_fd);
  g_test_add_func ("/api/confine-self", test_confine_self);
  g_test_add_func ("/api/confine-self-refuses-other-fields", test_confine_self_refuses_other_fields);
  g_test_add_func ("/api/policy-func/denies", test_policy_func_denies);
  g_test_add_func ("/api/policy-func/audits", test_policy_func_audits);
  g_test_add_func ("/api/policy-func/timeout-denies", test_policy_func_timeout_denies);
  g_test_add_func ("/api/policy-func/tightens", test_policy_func_tightens);
  g_test_add_func ("/api/policy-func/denies-paths", test_policy_func_denies_paths);

  return g_test_run ();
}
