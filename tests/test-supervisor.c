/* SPDX-License-Identifier: Apache-2.0 */
/* The supervisor fails closed: when it cannot decide, or is gone, the
 * trapped call does not go through. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-supervisor.h"

/* A child that loads @filter, hands its listener's number over @report,
 * waits for a byte on @go, then forks and exits with fork's errno. */
static pid_t
start_child (const SandlockFilter *filter,
             int                   report,
             int                   go,
             gboolean              drop_listener)
{
  pid_t pid = fork ();

  if (pid == 0)
    {
      int listener;
      char byte;
      pid_t child;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
          (listener = sandlock_notify_filter_load (filter)) < 0)
        _exit (100);
      if (drop_listener)
        close (listener);   /* no supervisor at all */
      if (write (report, &listener, sizeof listener) != sizeof listener ||
          read (go, &byte, 1) != 1)
        _exit (101);
      child = syscall (SYS_clone, SIGCHLD, 0, 0, 0, 0);
      if (child == 0)
        _exit (0);
      if (child < 0)
        _exit (errno);
      waitpid (child, NULL, 0);
      _exit (0);
    }
  return pid;
}

static int
child_status (pid_t pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static SandlockSupervisor *
new_supervisor (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;
  SandlockSupervisor *sv;

  g_assert_true (sandlock_policy_set (policy, "max_processes", "100", NULL));
  sv = sandlock_supervisor_new (policy, SANDLOCK_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sv);
  return sv;
}

/* The supervisor cannot count the sandbox (its root process does not
 * exist): a limit it cannot check is a limit reached. */
static void
test_cannot_count_denies (void)
{
  g_autoptr(SandlockSupervisor) sv = new_supervisor ();
  g_autoptr(GError) error = NULL;
  int report[2], go[2], number, pidfd, listener;
  pid_t gone = fork ();
  pid_t child;

  if (gone == 0)
    _exit (0);
  waitpid (gone, NULL, 0);   /* a pid with no process behind it */

  g_assert_cmpint (pipe (report), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);
  child = start_child (sandlock_supervisor_get_filter (sv), report[1], go[0], FALSE);
  g_assert_cmpint (read (report[0], &number, sizeof number), ==, sizeof number);
  pidfd = syscall (SYS_pidfd_open, child, 0);
  g_assert_cmpint (pidfd, >=, 0);
  listener = syscall (SYS_pidfd_getfd, pidfd, number, 0);
  g_assert_cmpint (listener, >=, 0);

  g_assert_true (sandlock_supervisor_start (sv, listener, gone, &error));
  g_assert_no_error (error);
  g_assert_cmpint (write (go[1], "", 1), ==, 1);
  g_assert_cmpint (child_status (child), ==, EAGAIN);
  close (pidfd);
}

/* With nobody serving the listener, trapped calls fail (ENOSYS) rather
 * than pass. */
static void
test_no_supervisor_denies (void)
{
  g_autoptr(SandlockSupervisor) sv = new_supervisor ();
  int report[2], go[2], number;
  pid_t child;

  g_assert_cmpint (pipe (report), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);
  child = start_child (sandlock_supervisor_get_filter (sv), report[1], go[0], TRUE);
  g_assert_cmpint (read (report[0], &number, sizeof number), ==, sizeof number);
  g_assert_cmpint (write (go[1], "", 1), ==, 1);
  g_assert_cmpint (child_status (child), ==, ENOSYS);
}

/* The hand-built filter stays a short program. */
static void
test_filter_size (void)
{
  g_autoptr(SandlockSupervisor) sv = new_supervisor ();
  const SandlockFilter *filter = sandlock_supervisor_get_filter (sv);

  g_assert_cmpuint (filter->prog.len, >, 4);
  g_assert_cmpuint (filter->prog.len, <, 64);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/supervisor/cannot-count-denies", test_cannot_count_denies);
  g_test_add_func ("/supervisor/no-supervisor-denies", test_no_supervisor_denies);
  g_test_add_func ("/supervisor/filter-size", test_filter_size);
  return g_test_run ();
}
