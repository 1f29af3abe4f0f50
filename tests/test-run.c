/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sandlock run` on the real kernel: every guarantee of the foundation,
 * checked with the probe (exit code = errno) so a failure is exact.
 * Nothing here writes, kills or binds anything it did not create.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "test-common.h"

/* ---- filesystem ---------------------------------------------------------- */

static void
test_fs_write_only_where_granted (void)
{
  g_autofree char *rw = tc_make_tmpdir ();
  g_autofree char *ro = tc_make_tmpdir ();
  g_autofree char *in_rw = g_build_filename (rw, "new", NULL);
  g_autofree char *in_ro = g_build_filename (ro, "new", NULL);

  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, "-r", ro, NULL, "create", in_rw, NULL), ==, 0);
  g_assert_true (g_file_test (in_rw, G_FILE_TEST_EXISTS));

  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, "-r", ro, NULL, "create", in_ro, NULL), ==, EACCES);
  g_assert_false (g_file_test (in_ro, G_FILE_TEST_EXISTS));
}

static void
test_fs_readonly_tree (void)
{
  g_autofree char *ro = tc_make_tmpdir ();
  g_autofree char *file = tc_make_file (ro, "f", "data");
  g_autofree char *sub = g_build_filename (ro, "sub", NULL);
  g_autofree char *moved = g_build_filename (ro, "moved", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "read", file, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "list", ro, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "write", file, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "truncate", file, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "unlink", file, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "mkdir", sub, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", ro, NULL, "rename", file, moved, NULL), ==, EACCES);

  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "data");
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
}

static void
test_fs_unlisted_unreadable (void)
{
  g_autofree char *granted = tc_make_tmpdir ();
  g_autofree char *secret_dir = tc_make_tmpdir ();
  g_autofree char *secret = tc_make_file (secret_dir, "secret", "s");

  /* Control: unconfined the probe reads it. */
  g_assert_cmpint (tc_probe_in (NULL, "-r", secret_dir, NULL, "read", secret, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-r", granted, NULL, "read", secret, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", granted, NULL, "list", secret_dir, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "read", "/etc/passwd", NULL), ==, EACCES);
}

static void
test_fs_file_rules (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *granted = tc_make_file (dir, "granted", "g");
  g_autofree char *sibling = tc_make_file (dir, "sibling", "s");
  g_autofree char *created = g_build_filename (dir, "created", NULL);

  g_assert_cmpint (tc_probe_in (NULL, "-w", granted, NULL, "write", granted, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", granted, NULL, "read", sibling, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", granted, NULL, "create", created, NULL), ==, EACCES);
  g_assert_false (g_file_test (created, G_FILE_TEST_EXISTS));
}

static void
test_fs_symlink_escape (void)
{
  g_autofree char *rw = tc_make_tmpdir ();
  g_autofree char *outside = tc_make_tmpdir ();
  g_autofree char *target = tc_make_file (outside, "target", "keep");
  g_autofree char *link = g_build_filename (rw, "link", NULL);
  g_autofree char *dirlink = g_build_filename (rw, "dirlink", NULL);
  g_autofree char *via_dirlink = g_build_filename (rw, "dirlink", "new", NULL);
  g_autofree char *escaped = g_build_filename (outside, "new", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (symlink (outside, dirlink), ==, 0);

  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, NULL, "write", link, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, NULL, "truncate", link, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, NULL, "create", via_dirlink, NULL), ==, EACCES);

  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep");
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
}

static void
test_fs_hardlink_and_rename_escape (void)
{
  g_autofree char *rw = tc_make_tmpdir ();
  g_autofree char *ro = tc_make_tmpdir ();
  g_autofree char *outside = tc_make_tmpdir ();
  g_autofree char *secret = tc_make_file (outside, "secret", "s");
  g_autofree char *mine = tc_make_file (rw, "mine", "m");
  g_autofree char *hard = g_build_filename (rw, "hard", NULL);
  g_autofree char *moved = g_build_filename (ro, "moved", NULL);

  /* Linking an unreadable file into a writable tree must not expose it. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, NULL, "link", secret, hard, NULL), !=, 0);
  g_assert_false (g_file_test (hard, G_FILE_TEST_EXISTS));
  /* Moving a file out of the writable tree into a read-only one. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", rw, "-r", ro, NULL, "rename", mine, moved, NULL), !=, 0);
  g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (moved, G_FILE_TEST_EXISTS));
}

static void
test_fs_exec_needs_grant (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *copy = g_build_filename (dir, "probe-copy", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (tc_probe (), &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  g_assert_cmpint (chmod (copy, 0755), ==, 0);

  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, NULL, "exec", copy, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "exec", copy, NULL), ==, EACCES);
}

/* ---- network ------------------------------------------------------------- */

static void
test_net_connect (void)
{
  int port;
  int fd = tc_listen_loopback (&port);
  g_autofree char *p = g_strdup_printf ("%d", port);
  g_autofree char *allow = g_strdup_printf (":%d", port);
  g_autofree char *star = g_strdup_printf ("*:%d", port);
  g_autofree char *other = g_strdup_printf (":%d", port == 65535 ? 1 : port + 1);

  g_assert_cmpint (tc_probe_in (NULL, NULL, "connect", p, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", allow, NULL, "connect", p, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", star, NULL, "connect", p, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", other, NULL, "connect", p, NULL), ==, EACCES);
  close (fd);
}

static void
test_net_bind (void)
{
  int port;
  int fd = tc_listen_loopback (&port);
  g_autofree char *p = NULL;

  /* A port that was free a moment ago; ours to use. */
  close (fd);
  p = g_strdup_printf ("%d", port);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "bind", p, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "--net-bind", p, NULL, "bind", p, NULL), ==, 0);
}

/* ---- IPC: signals and abstract unix sockets ------------------------------ */

static void
test_signal_scope (void)
{
  pid_t child = fork ();
  g_autofree char *pid = NULL;
  int status;

  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  pid = g_strdup_printf ("%d", child);

  /* In a PID namespace the outside process is not even visible (ESRCH);
   * without one, the Landlock signal scope refuses (EPERM). */
  status = tc_probe_in (NULL, NULL, "kill", pid, "15", NULL);
  g_assert_true (status == ESRCH || status == EPERM);
  g_assert_true (tc_pid_alive (child));
  /* The sandbox's own init is visible but outside the Landlock domain: it
   * has a SIGTERM handler, so only the scope stops this signal. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "kill", "1", "15", NULL), ==, EPERM);

  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
}

static void
test_abstract_socket_scope (void)
{
  g_autofree char *name = g_strdup_printf ("sandlock-test-%d", getpid ());
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  socklen_t len = offsetof (struct sockaddr_un, sun_path) + 1 + strlen (name);

  memcpy (addr.sun_path + 1, name, strlen (name));
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, len), ==, 0);
  g_assert_cmpint (listen (fd, 4), ==, 0);

  /* Control: the same probe, unconfined, reaches it. */
  {
    g_autofree char *cmd = g_strdup_printf ("%s abstract %s", tc_probe (), name);
    int status;
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  }
  g_assert_cmpint (tc_probe_in (NULL, NULL, "abstract", name, NULL), ==, EPERM);
  close (fd);
}

/* ---- syscalls ------------------------------------------------------------ */

static const struct {
  const char *name;
  int         expected;
} blocked[] = {
  { "mount", EPERM }, { "umount2", EPERM }, { "pivot_root", EPERM },
  { "swapon", EPERM }, { "swapoff", EPERM }, { "reboot", EPERM },
  { "sethostname", EPERM }, { "setdomainname", EPERM },
  { "kexec_load", EPERM }, { "init_module", EPERM }, { "finit_module", EPERM },
  { "delete_module", EPERM }, { "unshare", EPERM }, { "setns", EPERM },
  { "clone_newuser", EPERM }, { "clone3", ENOSYS },
  { "perf_event_open", EPERM }, { "bpf", EPERM }, { "userfaultfd", EPERM },
  { "keyctl", EPERM }, { "add_key", EPERM }, { "request_key", EPERM },
  { "ptrace", EPERM }, { "process_vm_readv", EPERM }, { "process_vm_writev", EPERM },
  { "open_by_handle_at", EPERM }, { "name_to_handle_at", EPERM },
  { "quotactl", EPERM }, { "acct", EPERM },
  { "io_uring_setup", EPERM }, { "io_uring_enter", EPERM }, { "io_uring_register", EPERM },
  { "fsopen", ENOSYS }, { "fsmount", ENOSYS }, { "move_mount", ENOSYS },
  { "open_tree", ENOSYS }, { "fspick", ENOSYS }, { "mount_setattr", ENOSYS },
  { "personality_bad", EPERM }, { "personality_query", 0 },
  { "tiocsti", EPERM }, { "tiocsti_high", EPERM }, { "tioclinux", EPERM },
  { "socket_raw", EPERM }, { "socket_raw6", EPERM }, { "socket_packet", EAFNOSUPPORT },
  { "socket_alg", EAFNOSUPPORT }, { "socket_udp", EPERM }, { "socket_udp6", EPERM },
  { "socket_ping", EPERM },
  { "socket_tcp", 0 }, { "socket_unix", 0 }, { "socket_netlink", 0 }, { "getpid", 0 },
  { "socket_netlink_audit", EPERM }, { "socket_netlink_uevent", EPERM },
  { "socket_netlink_diag", EPERM }, { "socket_netlink_generic", EPERM },
  { "socket_netlink_netfilter", EPERM }, { "socket_netlink_proto_high", EPERM },
  { "socket_unix_dgram", EPERM },
  { "sendto_fastopen", EOPNOTSUPP }, { "sendmsg_fastopen", EOPNOTSUPP },
#ifdef __x86_64__
  { "ioperm", EPERM }, { "iopl", EPERM },
#endif
};

static void
test_blocked_syscalls (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (blocked); i++)
    {
      const char *args[] = { "run", "-r", tc_try_syscall (), "--",
                             tc_try_syscall (), blocked[i].name, NULL };
      int status = tc_sandlockv (NULL, NULL, args);

      if (status != blocked[i].expected)
        g_error ("%s: expected %d (%s), got %d", blocked[i].name,
                 blocked[i].expected, g_strerror (blocked[i].expected), status);
    }
}

static void
test_allow_icmp (void)
{
  const char *ping[] = { "run", "--allow-icmp", "-r", tc_try_syscall (), "--",
                         tc_try_syscall (), "socket_ping", NULL };
  const char *raw[] = { "run", "--allow-icmp", "-r", tc_try_syscall (), "--",
                        tc_try_syscall (), "socket_raw", NULL };
  const char *udp[] = { "run", "--allow-icmp", "-r", tc_try_syscall (), "--",
                        tc_try_syscall (), "socket_udp", NULL };
  int status = tc_sandlockv (NULL, NULL, ping);

  /* The filter lets ping sockets through; the kernel's own rule
   * (net.ipv4.ping_group_range) may still refuse them, with EACCES. */
  g_assert_true (status == 0 || status == EACCES);
  g_assert_cmpint (tc_sandlockv (NULL, NULL, raw), ==, EPERM);
  g_assert_cmpint (tc_sandlockv (NULL, NULL, udp), ==, EPERM);
}

static void
test_foreign_arch_killed (void)
{
#ifdef __x86_64__
  const char *args[] = { "run", "-r", tc_try_syscall (), "--",
                         tc_try_syscall (), "int80", NULL };

  g_assert_cmpint (tc_sandlockv (NULL, NULL, args), ==, 128 + SIGSYS);
#else
  g_test_skip ("x86_64 only");
#endif
}

static void
test_deny_and_allow_syscall_flags (void)
{
  g_autofree char *out = NULL;

  /* --deny-syscall adds to the blocklist; siblings still work. */
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-r", tc_try_syscall (),
                                "--deny-syscall", "getpid", "--",
                                tc_try_syscall (), "getpid", NULL), ==, EPERM);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-r", tc_try_syscall (),
                                "--deny-syscall", "getpid", "--",
                                tc_try_syscall (), "socket_tcp", NULL), ==, 0);
  /* Unknown names are usage errors. */
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--deny-syscall", "nosuchcall",
                                "--", "true", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--allow-syscall", "mount",
                                "--", "true", NULL), ==, 2);
}

/* ---- processes ----------------------------------------------------------- */

/* Waits until the daemon has written its pidfile: it exists then. (The
 * pid it writes is its own namespace's; processes are found on this
 * side by their arguments, which hold the pidfile's unique path.) */
static void
wait_ready (const char *path)
{
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && strchr (text, '\n'))
        return;
      g_usleep (10000);
    }
  g_error ("%s was never written", path);
}

static void
assert_gone_soon (const char *needle)
{
  for (int i = 0; i < 200 && tc_count_processes_with (needle) > 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (tc_count_processes_with (needle), ==, 0);
}

static void
test_daemon_dies_with_sandbox (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *pidfile = g_build_filename (dir, "pid", NULL);

  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "-r", "/proc", NULL,
                                "daemon", pidfile, NULL), ==, 0);
  wait_ready (pidfile);
  assert_gone_soon (pidfile);
}

static void
test_timeout_kills_tree (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *pidfile = g_build_filename (dir, "pid", NULL);
  g_autofree char *script = g_strdup_printf ("%s daemon %s; exec %s ignore-term 60",
                                             tc_probe (), pidfile, tc_probe ());
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-r", "/usr", "-r", "/lib",
                                "-r", "/lib64", "-r", "/bin", "-r", "/proc",
                                "-r", tc_probe (), "-w", dir, "-t", "0.5", "--",
                                "/bin/sh", "-c", script, NULL), ==, 124);
  /* SIGTERM is ignored: the SIGKILL after the grace period ends it. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  wait_ready (pidfile);
  assert_gone_soon (pidfile);
}

/* The supervisor dies (SIGKILL, no chance to clean up): its sandbox,
 * daemons included, dies with it. */
static void
test_sandbox_dies_with_supervisor (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *pidfile = g_build_filename (dir, "pid", NULL);
  const char *argv[] = { tc_cli (), "run", "-r", tc_probe (), "-r", "/proc", "-w", dir,
                         "--", tc_probe (), "daemon-then-sleep", pidfile, NULL };
  g_autoptr(GError) error = NULL;
  GPid cli;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &cli, &error));
  wait_ready (pidfile);
  /* The CLI, the program and its daemon. */
  g_assert_cmpuint (tc_count_processes_with (pidfile), >=, 3);
  kill (cli, SIGKILL);
  waitpid (cli, NULL, 0);
  assert_gone_soon (pidfile);
}

static void
test_exit_statuses (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *plain = tc_make_file (dir, "plain", "not a program");
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_cmpint (tc_probe_in (NULL, NULL, "exit", "3", NULL), ==, 3);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "exit", "0", NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "signal", "9", NULL), ==, 128 + 9);
  g_assert_cmpint (tc_probe_in (NULL, NULL, "signal", "15", NULL), ==, 128 + 15);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--", "no-such-command-xyz", NULL), ==, 127);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--", missing, NULL), ==, 127);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-r", dir, "--", plain, NULL), ==, 126);
  /* The program exists but the sandbox cannot read it. */
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--", tc_probe (), "exit", "0", NULL), ==, 126);
}

static void
test_inherited_fds_closed (void)
{
  g_autofree char *out = NULL;
  int fd = open ("/dev/null", O_RDONLY);   /* no O_CLOEXEC: inherited */
  int high = dup2 (fd, 42);
  g_autofree char *needle = g_strdup_printf ("%d\n", fd);

  g_assert_cmpint (high, ==, 42);
  g_assert_cmpint (tc_probe_in (&out, "-r", "/proc", NULL, "fds", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  close (fd);
  close (high);
}

static void
test_process_settings (void)
{
  g_autofree char *out = NULL;
  g_autofree char *dir = tc_make_tmpdir ();

  g_assert_cmpint (tc_probe_in (&out, "--max-open-files", "37", NULL, "nofile", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "37\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--no-coredump", NULL, "core", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--no-huge-pages", "-r", "/proc", NULL,
                                "status", "THP_enabled", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--no-randomize-memory", NULL, "personality", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0x40000\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--cpu-cores", "0", NULL, "affinity", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "-r", dir, "--cwd", dir, NULL, "cwd", NULL), ==, 0);
  g_assert_cmpstr (g_strchomp (out), ==, dir);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--name", "box-1", NULL, "hostname", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "box-1\n");
  g_clear_pointer (&out, g_free);

  /* Fake root has no capabilities. */
  g_assert_cmpint (tc_probe_in (&out, "--uid", "0", NULL, "uid", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0 0\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tc_probe_in (&out, "--uid", "0", "-r", "/proc", NULL,
                                "status", "CapEff", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0000000000000000\n");
}

static void
test_environment (void)
{
  g_autofree char *out = NULL;

  g_setenv ("SANDLOCK_TEST_VAR", "outside", TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);

  g_assert_cmpint (tc_probe_in (&out, NULL, "env", "SANDLOCK_TEST_VAR", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "outside\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (NULL, "--clean-env", NULL, "env", "SANDLOCK_TEST_VAR", NULL), ==, 1);
  g_assert_cmpint (tc_probe_in (&out, "--clean-env", NULL, "env", "PATH", NULL), ==, 0);
  g_assert_cmpstr (out, !=, "");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "--clean-env", "--env", "K=v=w", NULL, "env", "K", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "v=w\n");
  g_clear_pointer (&out, g_free);

  /* The session bus address never reaches a sandbox it was not given to. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "env", "DBUS_SESSION_BUS_ADDRESS", NULL), ==, 1);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
}

static void
test_sessions (void)
{
  g_autofree char *out = NULL;

  /* Own session: init (PID 1 of the sandbox) leads it, no terminal. */
  g_assert_cmpint (tc_probe_in (&out, NULL, "sid", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "1\n");
  g_clear_pointer (&out, g_free);
  /* -i keeps the caller's session, which lies outside the namespace. */
  g_assert_cmpint (tc_probe_in (&out, "-i", NULL, "sid", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "0\n");
}

/* A sandbox inside a sandbox: the inner one gets no user namespace (the
 * outer filter denies it) and falls back to a subreaper init confined to
 * its own signal scope. Every guarantee must hold there too. */
static void
nested_prefix (GPtrArray  *args,
               const char *dir)
{
  const char *outer[] = { "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin",
                          "-r", "/etc", "-r", "/proc", "-r", tc_probe (), "-r", tc_cli (),
                          "-r", g_getenv ("SANDLOCK_ENGINE_DIR"), "-w", dir, "--",
                          tc_cli (), "run", "-r", tc_probe (), "-w", dir, NULL };

  g_assert_nonnull (g_getenv ("SANDLOCK_ENGINE_DIR"));
  for (guint i = 0; outer[i] != NULL; i++)
    g_ptr_array_add (args, (char *) outer[i]);
}

static int
run_nested (char **err, const char *dir, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  nested_prefix (args, dir);
  va_start (ap, dir);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return tc_sandlockv (NULL, err, (const char * const *) args->pdata);
}

static void
test_nested_fallback (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *pidfile = g_build_filename (dir, "pid", NULL);
  g_autofree char *pidfile2 = g_build_filename (dir, "pid2", NULL);
  g_autofree char *outside = tc_make_tmpdir ();
  g_autofree char *secret = tc_make_file (outside, "secret", "s");
  g_autofree char *err = NULL;

  g_assert_cmpint (run_nested (&err, dir, "-r", "/proc", "--", tc_probe (), "daemon", pidfile, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "user namespaces are unavailable"));
  wait_ready (pidfile);
  assert_gone_soon (pidfile);

  g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "exit", "7", NULL), ==, 7);
  g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "signal", "15", NULL), ==, 143);
  g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "read", secret, NULL), ==, EACCES);
  /* No supervisor of its own to give netlink a loopback-only view: refused
   * (the outer one might show the host's). */
  g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "interfaces", NULL), ==, EAFNOSUPPORT);
  /* Its interface ioctls reach the outer supervisor, which answers them
   * from its own loopback-only view. */
  g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "ifreq", "flags", "lo", NULL), ==, 0);
  {
    struct if_nameindex *names = if_nameindex ();

    g_assert_nonnull (names);
    for (struct if_nameindex *n = names; n->if_index != 0; n++)
      if (!g_str_equal (n->if_name, "lo"))
        {
          g_assert_cmpint (run_nested (NULL, dir, "--", tc_probe (), "ifreq", "index",
                                       n->if_name, NULL), ==, ENODEV);
          break;
        }
    if_freenameindex (names);
  }
  /* The inner program cannot signal its init either. */
  g_assert_cmpint (run_nested (NULL, dir, "-r", "/proc", "--", tc_probe (), "kill", "1", "0", NULL), !=, 0);

  g_assert_cmpint (run_nested (NULL, dir, "-r", "/proc", "-t", "0.5", "--", tc_probe (),
                               "daemon-then-sleep", pidfile2, NULL), ==, 124);
  wait_ready (pidfile2);
  assert_gone_soon (pidfile2);
}

/* ---- CLI ----------------------------------------------------------------- */

static void
test_bad_usage (void)
{
  g_autofree char *err = NULL;
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_cmpint (tc_sandlock (NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "frobnicate", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--no-such-flag", "--", "true", NULL), ==, 2);

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-r", missing, "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, missing));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--net-bind", "99999", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "99999"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--max-open-files", "lots", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "lots"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--env", "1BAD=x", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "1BAD"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-t", "soon", "--", "true", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  /* Features of later releases are refused, never ignored. */
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--chroot", "/", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "not supported yet"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--fs-mount", "/a:/b", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "not supported yet"));
  g_clear_pointer (&err, g_free);
  /* A malformed rule says what is wrong with it, not just "unsupported". */
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--http-deny", "GET example.org", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "http_deny: \"GET example.org\" has no path"));
  g_assert_null (strstr (err, "not supported yet"));
  g_clear_pointer (&err, g_free);

  /* Malformed endpoints are usage errors that name the spec. */
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--net-allow", "host:", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "host:"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--net-allow", ":99999", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "99999"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--net-allow", "a b:1", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "a b"));
}

static void
test_json_output (void)
{
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%u %u\n", getuid (), getgid ());
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_cmpint (tc_probe_in (&out, "--json", NULL, "uid", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "exit_code"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "signal"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "stdout"), ==, expected);
  g_assert_false (json_object_get_boolean_member (object, "timed_out"));
  g_assert_true (json_object_has_member (object, "elapsed_ms"));
  g_assert_true (json_object_has_member (object, "stderr"));
}

static void
test_status_fd (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "status", NULL);
  g_autofree char *contents = NULL;
  int fd = open (path, O_WRONLY | O_CREAT, 0600);   /* inherited on purpose */
  g_autofree char *fd_text = g_strdup_printf ("%d", fd);

  g_assert_cmpint (tc_probe_in (NULL, "--status-fd", fd_text, NULL, "signal", "15", NULL), ==, 143);
  close (fd);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "{\"exit_code\":-1,\"signal\":15}\n");
}

static void
test_profiles (void)
{
  g_autofree char *config = tc_make_tmpdir ();
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *file = tc_make_file (dir, "f", "x");
  g_autofree char *out = NULL;
  g_autofree char *profile_file = NULL;
  g_autofree char *json = NULL;

  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  g_assert_cmpint (tc_sandlock (NULL, NULL, "profile", "save", "readable", "-r", dir,
                                "-r", tc_probe (), NULL), ==, 0);
  g_assert_cmpint (tc_sandlock (&out, NULL, "profile", "list", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "readable\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tc_sandlock (&out, NULL, "profile", "show", "readable", NULL), ==, 0);
  g_assert_nonnull (strstr (out, dir));

  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-p", "readable", "--", tc_probe (),
                                "read", file, NULL), ==, 0);
  /* Without the profile the same read is denied. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "read", file, NULL), ==, EACCES);

  /* --profile-file takes the same JSON. */
  json = g_strdup_printf ("{\"fs_readable\": [\"%s\", \"%s\"]}", dir, tc_probe ());
  profile_file = tc_make_file (dir, "p.json", json);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--profile-file", profile_file, "--",
                                tc_probe (), "read", file, NULL), ==, 0);

  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "-p", "nope", "--", "true", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "profile", "show", "../x", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "profile", "delete", "readable", NULL), ==, 0);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "profile", "delete", "readable", NULL), ==, 2);
  g_unsetenv ("XDG_CONFIG_HOME");
}

static void
test_check (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  int status = tc_sandlock (&out, NULL, "check", "--json", NULL);

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (object, "landlock_abi"));
  g_assert_true (json_object_has_member (object, "missing"));
  g_assert_cmpint (status, ==, json_object_get_boolean_member (object, "ready") ? 0 : 1);
}

static void
test_dynamic_program (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "--", "/bin/sh", "-c", "echo hello", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hello\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run/fs/write-only-where-granted", test_fs_write_only_where_granted);
  g_test_add_func ("/run/fs/readonly-tree", test_fs_readonly_tree);
  g_test_add_func ("/run/fs/unlisted-unreadable", test_fs_unlisted_unreadable);
  g_test_add_func ("/run/fs/file-rules", test_fs_file_rules);
  g_test_add_func ("/run/fs/symlink-escape", test_fs_symlink_escape);
  g_test_add_func ("/run/fs/hardlink-rename-escape", test_fs_hardlink_and_rename_escape);
  g_test_add_func ("/run/fs/exec-needs-grant", test_fs_exec_needs_grant);
  g_test_add_func ("/run/net/connect", test_net_connect);
  g_test_add_func ("/run/net/bind", test_net_bind);
  g_test_add_func ("/run/ipc/signal-scope", test_signal_scope);
  g_test_add_func ("/run/ipc/abstract-socket-scope", test_abstract_socket_scope);
  g_test_add_func ("/run/syscalls/blocked", test_blocked_syscalls);
  g_test_add_func ("/run/syscalls/foreign-arch-killed", test_foreign_arch_killed);
  g_test_add_func ("/run/syscalls/allow-icmp", test_allow_icmp);
  g_test_add_func ("/run/syscalls/deny-allow-flags", test_deny_and_allow_syscall_flags);
  g_test_add_func ("/run/process/daemon-dies-with-sandbox", test_daemon_dies_with_sandbox);
  g_test_add_func ("/run/process/timeout-kills-tree", test_timeout_kills_tree);
  g_test_add_func ("/run/process/exit-statuses", test_exit_statuses);
  g_test_add_func ("/run/process/sandbox-dies-with-supervisor", test_sandbox_dies_with_supervisor);
  g_test_add_func ("/run/process/inherited-fds-closed", test_inherited_fds_closed);
  g_test_add_func ("/run/process/settings", test_process_settings);
  g_test_add_func ("/run/process/environment", test_environment);
  g_test_add_func ("/run/process/sessions", test_sessions);
  g_test_add_func ("/run/process/nested-fallback", test_nested_fallback);
  g_test_add_func ("/run/cli/bad-usage", test_bad_usage);
  g_test_add_func ("/run/cli/json", test_json_output);
  g_test_add_func ("/run/cli/status-fd", test_status_fd);
  g_test_add_func ("/run/cli/profiles", test_profiles);
  g_test_add_func ("/run/cli/check", test_check);
  g_test_add_func ("/run/cli/dynamic-program", test_dynamic_program);

  return g_test_run ();
}
