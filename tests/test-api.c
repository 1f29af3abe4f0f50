/* SPDX-License-Identifier: Apache-2.0 */
/* The public C API of libsandlock, as an application uses it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* ---- controls while another thread waits --------------------------------- */

/* A policy for shell scripts that write in @dir. */
static SandlockPolicy *
shell_policy (const char *dir)
{
  SandlockPolicy *policy = sandlock_policy_new ();
  const char * const readable[] = { "/usr", "/bin", "/lib", "/lib64", NULL };

  for (guint i = 0; readable[i] != NULL; i++)
    if (g_file_test (readable[i], G_FILE_TEST_EXISTS))
      g_assert_true (sandlock_policy_set (policy, "fs_readable", readable[i], NULL));
  g_assert_true (sandlock_policy_set (policy, "fs_writable", dir, NULL));
  /* Where the shell points a background job's stdin. */
  g_assert_true (sandlock_policy_set (policy, "fs_readable", "/dev/null", NULL));
  return policy;
}

/* A failure shows the error, not only "should be TRUE". */
static void
assert_ok (gboolean   ok,
           GError   **error)
{
  g_assert_no_error (*error);
  g_assert_true (ok);
}

static gpointer
wait_in_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  SandlockResult *result = sandlock_sandbox_wait (data, &error);

  g_assert_no_error (error);
  return result;
}

/* Every descendant of @root, from /proc, as the engine's own walk does
 * not (so the test checks the engine against an independent one). */
static void
add_descendants (pid_t   root,
                 GArray *pids)
{
  g_autofree char *tasks_path = g_strdup_printf ("/proc/%d/task", root);
  g_autoptr(GDir) tasks = g_dir_open (tasks_path, 0, NULL);
  const char *tid;

  while (tasks != NULL && (tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/children", tasks_path, tid);
      g_autofree char *children = NULL;
      g_auto(GStrv) words = NULL;

      if (!g_file_get_contents (path, &children, NULL, NULL))
        continue;
      words = g_strsplit_set (children, " \n", -1);
      for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0')
          {
            pid_t pid = atoi (words[i]);

            g_array_append_val (pids, pid);
            add_descendants (pid, pids);
          }
    }
}

/* The state letter of @pid, or 0 when it is gone. */
static char
proc_state (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return 0;
  return end[2];
}

/* Is SIGSTOP pending for @pid? */
static gboolean
stop_pending (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char * const fields[] = { "\nSigPnd:", "\nShdPnd:" };

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *mask = strstr (status, fields[i]);

      if (mask != NULL &&
          (g_ascii_strtoull (mask + strlen (fields[i]), NULL, 16) & (1 << (SIGSTOP - 1))))
        return TRUE;
    }
  return FALSE;
}

/* How many processes of the sandbox are (not) held: stopped, or in an
 * uninterruptible wait with SIGSTOP pending, so that they stop before
 * they run again (a vfork() parent cannot stop while its child is
 * stopped, and the shell vforks every command). */
static guint
count_in_state (SandlockSandbox *sandbox,
                gboolean         held,
                guint           *total)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  guint n = 0;

  add_descendants (sandlock_sandbox_get_pid (sandbox), pids);
  *total = 0;
  for (guint i = 0; i < pids->len; i++)
    {
      pid_t pid = g_array_index (pids, pid_t, i);
      char state = proc_state (pid);

      if (state == 0 || state == 'Z')
        continue;
      (*total)++;
      if ((state == 'T' || (state == 'D' && stop_pending (pid))) == held)
        n++;
    }
  return n;
}

static goffset
file_size (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 ? st.st_size : -1;
}

/* Waits up to 5 seconds for @path to grow beyond @size. */
static gboolean
grows_beyond (const char *path,
              goffset     size)
{
  for (guint i = 0; i < 500; i++)
    {
      if (file_size (path) > size)
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

static void
test_pause_resume (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *log = g_build_filename (dir, "log", NULL);
  g_autofree char *script = g_strdup_printf (
    "sleep 60 & while :; do echo x >> %s; /bin/true; done", log);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(SandlockPolicy) policy = shell_policy (dir);
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GThread *waiter;
  guint total = 0;
  goffset size;

  /* Not running yet. */
  g_assert_false (sandlock_sandbox_pause (sandbox, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_no_error (error);
  waiter = g_thread_new ("wait", wait_in_thread, sandbox);
  g_assert_true (grows_beyond (log, 0));

  /* The loop forks all the time: every process, new ones too, stops. */
  for (guint round = 0; round < 3; round++)
    {
      assert_ok (sandlock_sandbox_pause (sandbox, &error), &error);
      g_assert_cmpuint (count_in_state (sandbox, FALSE, &total), ==, 0);
      g_assert_cmpuint (total, >=, 2);   /* the shell and the sleep, at least */
      size = file_size (log);
      g_usleep (300 * 1000);
      g_assert_cmpint (file_size (log), ==, size);
      g_assert_cmpuint (count_in_state (sandbox, FALSE, &total), ==, 0);
      /* Twice is fine. */
      assert_ok (sandlock_sandbox_pause (sandbox, &error), &error);

      assert_ok (sandlock_sandbox_resume (sandbox, &error), &error);
      g_assert_true (grows_beyond (log, size));
      g_assert_cmpuint (count_in_state (sandbox, TRUE, &total), ==, 0);
    }
  g_assert_true (sandlock_sandbox_resume (sandbox, &error));   /* not paused: nothing */
  g_assert_no_error (error);

  /* A paused sandbox still ends when killed. */
  g_assert_true (sandlock_sandbox_pause (sandbox, &error));
  g_assert_true (sandlock_sandbox_kill (sandbox, SIGKILL, &error));
  g_assert_no_error (error);
  result = g_thread_join (waiter);
  g_assert_nonnull (result);
  g_assert_cmpint (sandlock_result_get_exit_code (result), !=, 0);

  g_assert_false (sandlock_sandbox_pause (sandbox, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (sandlock_sandbox_resume (sandbox, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
}

static void
test_pause_outlasts_max_cpu (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *log = g_build_filename (dir, "log", NULL);
  g_autofree char *script = g_strdup_printf ("while :; do echo x >> %s; done", log);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(SandlockPolicy) policy = shell_policy (dir);
  g_autoptr(SandlockSandbox) sandbox = NULL;
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GThread *waiter;
  guint total = 0;
  goffset size;
  guint i;

  /* A busy loop held to a tenth of a core: the throttle stops it for
   * about 0.9 s, then continues it for 0.1 s. */
  g_assert_true (sandlock_policy_set (policy, "max_cpu", "10", NULL));
  sandbox = sandlock_sandbox_new (policy);
  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_no_error (error);
  waiter = g_thread_new ("wait", wait_in_thread, sandbox);

  /* Pause while the throttle holds it stopped: the throttle's SIGCONT,
   * due when the debt is paid, must not come. */
  for (i = 0; i < 500; i++)
    {
      if (count_in_state (sandbox, TRUE, &total) == total && total > 0)
        break;
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (i, <, 500);
  assert_ok (sandlock_sandbox_pause (sandbox, &error), &error);
  size = file_size (log);
  for (i = 0; i < 30; i++)   /* 1.5 s: fifteen ticks */
    {
      g_usleep (50 * 1000);
      g_assert_cmpuint (count_in_state (sandbox, FALSE, &total), ==, 0);
      g_assert_cmpuint (total, >=, 1);
    }
  g_assert_cmpint (file_size (log), ==, size);

  /* Resumed, the throttle runs it again at its pace. */
  assert_ok (sandlock_sandbox_resume (sandbox, &error), &error);
  g_assert_true (grows_beyond (log, size));

  g_assert_true (sandlock_sandbox_kill (sandbox, SIGKILL, &error));
  result = g_thread_join (waiter);
  g_assert_nonnull (result);
}

static void
test_stats (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  const char *argv[] = { "/bin/sh", "-c", "sleep 60 & sleep 60", NULL };
  g_autoptr(SandlockPolicy) policy = shell_policy (dir);
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SandlockSandboxStats stats = { 0 };
  GThread *waiter;
  guint total = 0;
  guint i;

  g_assert_false (sandlock_sandbox_get_stats (sandbox, &stats, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_no_error (error);
  waiter = g_thread_new ("wait", wait_in_thread, sandbox);

  /* The shell (unless it became the last sleep) and the sleeps. */
  for (i = 0; i < 500; i++)
    {
      g_assert_true (sandlock_sandbox_get_stats (sandbox, &stats, &error));
      g_assert_no_error (error);
      if (stats.processes >= 2)
        break;
      g_usleep (10 * 1000);
    }
  g_usleep (200 * 1000);   /* the last one started too */
  g_assert_true (sandlock_sandbox_get_stats (sandbox, &stats, &error));
  g_assert_no_error (error);
  g_test_message ("%u processes, %" G_GUINT64_FORMAT " bytes", stats.processes,
                  stats.memory_bytes);
  g_assert_cmpuint (stats.processes, >=, 2);
  count_in_state (sandbox, FALSE, &total);
  g_assert_cmpuint (stats.processes, ==, total);
  /* Each maps at least a few pages of its own binary. */
  g_assert_cmpuint (stats.memory_bytes, >=, 3 * 4096);
  g_assert_cmpuint (stats.memory_bytes, <, G_GUINT64_CONSTANT (1) << 30);

  /* Queries race the end: each either answers or says it ended. */
  g_assert_true (sandlock_sandbox_kill (sandbox, SIGKILL, &error));
  while (sandlock_sandbox_get_stats (sandbox, &stats, &error))
    g_usleep (1000);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
  g_clear_error (&error);
  result = g_thread_join (waiter);
  g_assert_nonnull (result);
  g_assert_false (sandlock_sandbox_get_stats (sandbox, &stats, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
}

static char *
read_line_from (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  while (read (fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (line, c);
  return g_string_free (line, FALSE);
}

static gboolean
connects_to (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  close (fd);
  return ok;
}

static void
test_ports (void)
{
  g_autoptr(SandlockPolicy) policy = probe_policy ();
  g_autoptr(SandlockSandbox) sandbox = NULL;
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ports = NULL;
  int number;
  int taken = tc_listen_loopback (&number);   /* the host holds it too */
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *seen = NULL;
  const char *argv[] = { tc_probe (), "listen", port, "30", NULL };
  SandlockPortMapping *mapping;
  GThread *waiter;
  int out[2];

  /* Without port_remap, never a map. */
  sandbox = sandlock_sandbox_new (policy);
  ports = sandlock_sandbox_get_ports (sandbox);
  g_assert_cmpuint (ports->len, ==, 0);
  g_clear_pointer (&ports, g_array_unref);
  g_clear_pointer (&sandbox, sandlock_sandbox_free);

  g_assert_true (sandlock_policy_set (policy, "port_remap", "true", NULL));
  g_assert_true (sandlock_policy_set (policy, "net_bind", port, NULL));
  sandbox = sandlock_sandbox_new (policy);
  g_assert_cmpint (pipe2 (out, O_CLOEXEC), ==, 0);
  sandlock_sandbox_set_stdio (sandbox, -1, out[1], -1);
  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  g_assert_no_error (error);
  close (out[1]);
  waiter = g_thread_new ("wait", wait_in_thread, sandbox);

  ports = sandlock_sandbox_get_ports (sandbox);
  g_assert_cmpuint (ports->len, <=, 1);
  g_clear_pointer (&ports, g_array_unref);

  /* It has bound the port when it says which it got. */
  seen = read_line_from (out[0]);
  g_assert_cmpstr (seen, ==, port);
  ports = sandlock_sandbox_get_ports (sandbox);
  g_assert_cmpuint (ports->len, ==, 1);
  mapping = &g_array_index (ports, SandlockPortMapping, 0);
  g_assert_cmpuint (mapping->virtual_port, ==, number);
  g_assert_cmpuint (mapping->real_port, !=, number);
  g_assert_cmpuint (mapping->real_port, >, 0);
  /* That is where it really listens. */
  g_assert_true (connects_to (mapping->real_port));

  g_assert_true (sandlock_sandbox_kill (sandbox, SIGKILL, &error));
  result = g_thread_join (waiter);
  g_assert_nonnull (result);

  /* The last map outlives the sandbox. */
  {
    g_autoptr(GArray) after = sandlock_sandbox_get_ports (sandbox);

    g_assert_cmpuint (after->len, ==, 1);
    g_assert_cmpuint (g_array_index (after, SandlockPortMapping, 0).virtual_port, ==, number);
    g_assert_cmpuint (g_array_index (after, SandlockPortMapping, 0).real_port, ==,
                      mapping->real_port);
  }
  close (out[0]);
  close (taken);
}

static void
count_http (const SandlockEvent *event,
            gpointer             user_data)
{
  guint *counts = user_data;

  if (g_str_equal (event->syscall, "http"))
    counts[event->verdict == SANDLOCK_VERDICT_ALLOW ? 0 : 1]++;
}

static int
run_curl (SandlockPolicy *policy,
          const char     *url,
          guint          *counts,
          char          **out)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  const char *argv[] = { curl, "-sf", url, NULL };
  g_autoptr(SandlockSandbox) sandbox = sandlock_sandbox_new (policy);
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sandlock_sandbox_set_event_handler (sandbox, count_http, counts);
  sandlock_sandbox_set_capture (sandbox, TRUE);
  g_assert_true (sandlock_sandbox_spawn (sandbox, argv, &error));
  result = sandlock_sandbox_wait (sandbox, &error);
  g_assert_no_error (error);
  {
    GBytes *bytes = sandlock_result_get_stdout (result);
    *out = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  return sandlock_result_get_status (result);
}

/* The HTTP ACL through the C API, on a port of our own (http_ports). */
static void
test_http_rules (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *port = NULL, *allowed = NULL, *other = NULL;
  g_autofree char *out = NULL;
  guint counts[2] = { 0, 0 };
  int number;
  int listener;

  if (curl == NULL)
    {
      g_test_skip ("curl is not installed");
      return;
    }
  listener = tc_listen_loopback (&number);
  tc_serve_http (listener);
  port = g_strdup_printf ("%d", number);
  allowed = g_strdup_printf ("http://127.0.0.1:%d/ok/x", number);
  other = g_strdup_printf ("http://127.0.0.1:%d/other", number);

  for (const char * const *dir = (const char * const[]) { "/usr", "/lib", "/lib64", "/etc", NULL };
       *dir != NULL; dir++)
    if (g_file_test (*dir, G_FILE_TEST_EXISTS))
      g_assert_true (sandlock_policy_set (policy, "fs_readable", *dir, NULL));
  g_assert_true (sandlock_policy_set (policy, "http_allow", "GET 127.0.0.1/ok/*", NULL));
  g_assert_true (sandlock_policy_set (policy, "http_ports", port, NULL));

  g_assert_cmpint (run_curl (policy, allowed, counts, &out), ==, 0);
  g_assert_cmpstr (out, ==, "upstream\n");
  g_clear_pointer (&out, g_free);
  /* curl -f: 22 for an HTTP error (the proxy's 403). */
  g_assert_cmpint (run_curl (policy, other, counts, &out), ==, 22);
  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[1], ==, 1);
  /* The listener stays open: the server thread lives as long as the test. */
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
  g_test_add_func ("/api/pause-resume", test_pause_resume);
  g_test_add_func ("/api/pause-outlasts-max-cpu", test_pause_outlasts_max_cpu);
  g_test_add_func ("/api/stats", test_stats);
  g_test_add_func ("/api/ports", test_ports);
  g_test_add_func ("/api/http-rules", test_http_rules);

  return g_test_run ();
}
