/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-test"
#include "config.h"

/*
 * Unit tests of the seccomp filter alone, without the rest of the sandbox.
 *
 * Each call runs in a forked child that enters a new user namespace (the
 * kernel's capability checks then pass inside, so it answers with argument
 * errors rather than EPERM, and nothing reaches the host even if the filter
 * were broken), sets no_new_privs, loads a filter compiled here in the
 * parent and makes one call: by exec'ing try-syscall, or, for allowlists
 * that would not let a dynamically linked program start, in the child
 * itself with the same code (try-syscall.c is included below). The child's
 * exit status is the errno it got.
 *
 * Most filters are compiled with marker errnos instead of EPERM, ENOSYS and
 * EAFNOSUPPORT, so that the filter's answer cannot be mistaken for the
 * kernel's.
 *
 * try-syscall is found through $SANDLOCK_TRY_SYSCALL, else as "try-syscall"
 * in $G_TEST_BUILDDIR or next to this program; without it every call is
 * made in the child.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include <glib.h>

#define TRY_SYSCALL_NO_MAIN
#include "try-syscall.c"

#include "sandlock-seccomp.h"
#include "sandlock-seccomp-builtin.h"

/* Above every real errno (the largest is about 133), below 255. */
#define MARK_EPERM        201
#define MARK_ENOSYS       202
#define MARK_EAFNOSUPPORT 203
#define MARK_EOPNOTSUPP   204

static const SandlockSeccompErrnos markers = {
  .eperm = MARK_EPERM,
  .enosys = MARK_ENOSYS,
  .eafnosupport = MARK_EAFNOSUPPORT,
  .eopnotsupp = MARK_EOPNOTSUPP,
};

/* How a child that never got to the call exits. */
enum {
  CHILD_NO_USERNS = 240,
  CHILD_NO_ID_MAP,
  CHILD_NO_NNP,
  CHILD_NO_FILTER,
  CHILD_NO_EXEC,
};

typedef enum {
  VIA_EXEC,               /* try-syscall when found, else in the child */
  IN_CHILD,               /* always in the child (tight allowlists) */
} Via;

static char *try_syscall_path;
static gboolean have_userns;
static char uid_map_line[64];
static char gid_map_line[64];

/* Async-signal-safe: used in the child. */
static gboolean
write_file (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

static G_GNUC_NORETURN void
child_main (const SandlockFilter *filter,
            const TryEntry       *entry,
            char                **argv)
{
  struct rlimit no_core = { 0, 0 };

  /* A bad-architecture kill would dump core. */
  setrlimit (RLIMIT_CORE, &no_core);

  if (unshare (CLONE_NEWUSER) != 0)
    _exit (CHILD_NO_USERNS);
  /* Root inside, so that capabilities survive the exec of try-syscall. */
  if (!write_file ("/proc/self/setgroups", "deny") ||
      !write_file ("/proc/self/uid_map", uid_map_line) ||
      !write_file ("/proc/self/gid_map", gid_map_line))
    _exit (CHILD_NO_ID_MAP);
  /* Also for core_patterns that pipe; only now, since a process that is
   * not dumpable cannot write its own /proc/self files. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    _exit (CHILD_NO_NNP);
  if (filter != NULL && sandlock_seccomp_load (filter) != 0)
    _exit (CHILD_NO_FILTER);

  if (argv != NULL)
    {
      execv (argv[0], argv);
      _exit (CHILD_NO_EXEC);
    }
  _exit (entry->func ());
}

/* "name: exit N" or "name: signal N", to compare in assertions. */
static char *
run (const SandlockFilter *filter,
     const char           *name,
     Via                   via,
     int                  *code_out)
{
  const TryEntry *entry = try_syscall_find (name);
  char *argv[] = { try_syscall_path, (char *) name, NULL };
  gboolean use_exec = via == VIA_EXEC && try_syscall_path != NULL;
  int status;
  pid_t pid;

  g_assert_nonnull (entry);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    child_main (filter, entry, use_exec ? argv : NULL);

  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);

  if (WIFSIGNALED (status))
    {
      if (code_out != NULL)
        *code_out = -1;
      return g_strdup_printf ("%s: signal %d", name, WTERMSIG (status));
    }

  g_assert_true (WIFEXITED (status));
  switch (WEXITSTATUS (status))
    {
    case CHILD_NO_USERNS:
      g_error ("%s: the child could not enter a user namespace", name);
      break;
    case CHILD_NO_ID_MAP:
      g_error ("%s: the child could not write its uid/gid maps", name);
      break;
    case CHILD_NO_NNP:
      g_error ("%s: the child could not set no_new_privs", name);
      break;
    case CHILD_NO_FILTER:
      g_error ("%s: the child could not load the filter", name);
      break;
    case CHILD_NO_EXEC:
      g_error ("%s: the child could not exec %s", name, try_syscall_path);
      break;
    default:
      break;
    }

  if (code_out != NULL)
    *code_out = WEXITSTATUS (status);
  return g_strdup_printf ("%s: exit %d", name, WEXITSTATUS (status));
}

static void
expect_via (const SandlockFilter *filter,
            const char           *name,
            Via                   via,
            int                   code)
{
  g_autofree char *got = run (filter, name, via, NULL);
  g_autofree char *want = g_strdup_printf ("%s: exit %d", name, code);

  g_assert_cmpstr (got, ==, want);
}

static void
expect (const SandlockFilter *filter,
        const char           *name,
        int                   code)
{
  expect_via (filter, name, VIA_EXEC, code);
}

/* The call went through to the kernel: a real errno or success, and not
 * @marker. */
static int
expect_not_via (const SandlockFilter *filter,
                const char           *name,
                Via                   via,
                int                   marker)
{
  int code;
  g_autofree char *got = run (filter, name, via, &code);
  g_autofree char *unwanted = g_strdup_printf ("%s: exit %d", name, marker);

  g_test_message ("%s (%s)", got, code > 0 && code < 200 ? g_strerror (code) : "");
  g_assert_cmpstr (got, !=, unwanted);
  g_assert_cmpint (code, >=, 0);
  g_assert_cmpint (code, <, 200);
  return code;
}

static int
expect_not (const SandlockFilter *filter,
            const char           *name,
            int                   marker)
{
  return expect_not_via (filter, name, VIA_EXEC, marker);
}

#ifdef __x86_64__
static void
expect_signal (const SandlockFilter *filter,
               const char           *name,
               int                   signal)
{
  g_autofree char *got = run (filter, name, VIA_EXEC, NULL);
  g_autofree char *want = g_strdup_printf ("%s: signal %d", name, signal);

  g_assert_cmpstr (got, ==, want);
}
#endif

static gboolean
need_userns (void)
{
  if (!have_userns)
    {
      g_test_skip ("user namespaces are not available");
      return FALSE;
    }
  return TRUE;
}

static SandlockFilter *
compile (SandlockPolicy              *policy,
         const SandlockSeccompErrnos *errnos)
{
  g_autoptr(GError) error = NULL;
  SandlockFilter *filter = sandlock_seccomp_compile_full (policy, errnos, &error);

  g_assert_no_error (error);
  g_assert_nonnull (filter);
  return filter;
}

static void
add_names (GPtrArray   *list,
           const char **names)
{
  for (gsize i = 0; names[i] != NULL; i++)
    g_ptr_array_add (list, g_strdup (names[i]));
}

/* ------------------------------------------------------------------------ */

static const struct {
  const char *name;
  int         marker;
} blocklist[] = {
  { "clone3",            MARK_ENOSYS },
  { "fsopen",            MARK_ENOSYS },
  { "fsconfig",          MARK_ENOSYS },
  { "fsmount",           MARK_ENOSYS },
  { "fspick",            MARK_ENOSYS },
  { "move_mount",        MARK_ENOSYS },
  { "open_tree",         MARK_ENOSYS },
  { "mount_setattr",     MARK_ENOSYS },
  { "open_tree_attr",    MARK_ENOSYS },
  { "mount",             MARK_EPERM },
  { "umount2",           MARK_EPERM },
  { "pivot_root",        MARK_EPERM },
  { "swapon",            MARK_EPERM },
  { "swapoff",           MARK_EPERM },
  { "reboot",            MARK_EPERM },
  { "sethostname",       MARK_EPERM },
  { "setdomainname",     MARK_EPERM },
  { "kexec_load",        MARK_EPERM },
  { "kexec_file_load",   MARK_EPERM },
  { "init_module",       MARK_EPERM },
  { "finit_module",      MARK_EPERM },
  { "delete_module",     MARK_EPERM },
  { "unshare",           MARK_EPERM },
  { "setns",             MARK_EPERM },
  { "perf_event_open",   MARK_EPERM },
  { "bpf",               MARK_EPERM },
  { "userfaultfd",       MARK_EPERM },
  { "keyctl",            MARK_EPERM },
  { "add_key",           MARK_EPERM },
  { "request_key",       MARK_EPERM },
  { "ptrace",            MARK_EPERM },
  { "process_vm_readv",  MARK_EPERM },
  { "process_vm_writev", MARK_EPERM },
  { "open_by_handle_at", MARK_EPERM },
  { "name_to_handle_at", MARK_EPERM },
  { "ioperm",            MARK_EPERM },
  { "iopl",              MARK_EPERM },
  { "quotactl",          MARK_EPERM },
  { "quotactl_fd",       MARK_EPERM },
  { "acct",              MARK_EPERM },
  { "io_uring_setup",    MARK_EPERM },
  { "io_uring_enter",    MARK_EPERM },
  { "io_uring_register", MARK_EPERM },
  { "lookup_dcookie",    MARK_EPERM },
  { "vhangup",           MARK_EPERM },
  { "uselib",            MARK_EPERM },
  { "nfsservctl",        MARK_EPERM },
};

static void
test_blocklist (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);

  for (gsize i = 0; i < G_N_ELEMENTS (blocklist); i++)
    {
      const char *name = blocklist[i].name;

      /* Not a syscall of this architecture. */
      if (try_syscall_find (name) == NULL)
        {
          g_test_message ("%s: not on this architecture", name);
          continue;
        }

      expect (filter, name, blocklist[i].marker);
      expect_not (NULL, name, blocklist[i].marker);
    }
}

/* The usual errnos, where the kernel's own answer differs. */
static void
test_blocklist_errnos (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, NULL);

  /* glibc falls back from clone3 to clone only on ENOSYS. */
  expect (filter, "clone3", ENOSYS);
  if (expect_not (NULL, "clone3", ENOSYS) == ENOSYS)
    g_test_message ("this kernel lacks clone3");
  expect (filter, "fsopen", ENOSYS);
  expect (filter, "mount", EPERM);
  expect (filter, "unshare", EPERM);
  expect_not (NULL, "unshare", EPERM);
  expect (filter, "socket_packet", EAFNOSUPPORT);
  expect_not (NULL, "socket_packet", EAFNOSUPPORT);
  expect (filter, "socket_udp", EPERM);
  expect (NULL, "socket_udp", 0);
  expect (filter, "getpid", 0);
}

static void
test_clone (void)
{
  static const char *namespaces[] = {
    "clone_newns", "clone_newcgroup", "clone_newuts", "clone_newipc",
    "clone_newuser", "clone_newpid", "clone_newnet",
  };
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);

  for (gsize i = 0; i < G_N_ELEMENTS (namespaces); i++)
    {
      expect (filter, namespaces[i], MARK_EPERM);
      expect_not (NULL, namespaces[i], MARK_EPERM);
    }

  /* A new user namespace needs no privilege: only the filter refuses. */
  expect (NULL, "clone_newuser", 0);
  expect (filter, "fork", 0);
}

static void
test_personality (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) norandom = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);
  expect (filter, "personality_bad", MARK_EPERM);
  /* The kernel reads 32 bits: high bits do not make PER_BSD allowed. */
  expect (filter, "personality_high", MARK_EPERM);
  expect (filter, "personality_norandom", MARK_EPERM);
  expect (filter, "personality_query", 0);
  expect (filter, "personality_linux", 0);
  /* The kernel takes any personality. */
  expect (NULL, "personality_bad", 0);
  expect (NULL, "personality_norandom", 0);

  policy->no_randomize_memory = TRUE;
  norandom = compile (policy, &markers);
  expect (norandom, "personality_norandom", 0);
  expect (norandom, "personality_query", 0);
  expect (norandom, "personality_linux", 0);
  expect (norandom, "personality_bad", MARK_EPERM);
  expect (norandom, "personality_high", MARK_EPERM);
}

static void
test_ioctl (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);
  expect (filter, "tiocsti", MARK_EPERM);
  expect (filter, "tioclinux", MARK_EPERM);
  expect (filter, "tiocsti_high", MARK_EPERM);
  /* Other requests reach the kernel, which rejects fd -1. */
  expect (filter, "ioctl_fionread", EBADF);
  expect (NULL, "tiocsti", EBADF);
  expect (NULL, "tiocsti_high", EBADF);
  expect (NULL, "tioclinux", EBADF);
}

static void
test_socket_default (void)
{
  static const char *no_family[] = {
    "socket_alg", "socket_packet", "socket_family_high", "socket_family_big",
    "socket_family_negative", "socketpair_inet",
  };
  static const char *denied[] = {
    "socket_raw", "socket_raw6", "socket_raw_flags", "socket_udp", "socket_udp6",
    "socket_udp_flags", "socket_udp_proto", "socket_ping", "socket_ping6",
  };
  static const char *allowed[] = {
    "socket_tcp", "socket_tcp6", "socket_unix", "socket_netlink", "socketpair_unix",
  };
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);

  for (gsize i = 0; i < G_N_ELEMENTS (no_family); i++)
    {
      expect (filter, no_family[i], MARK_EAFNOSUPPORT);
      expect_not (NULL, no_family[i], MARK_EAFNOSUPPORT);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (denied); i++)
    {
      expect (filter, denied[i], MARK_EPERM);
      expect_not (NULL, denied[i], MARK_EPERM);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    expect (filter, allowed[i], 0);

  /* Proof that UDP is the filter's doing. */
  expect (NULL, "socket_udp", 0);
  expect (NULL, "socket_udp6", 0);
}

static void
test_socket_allow_udp (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  policy->allow_udp = TRUE;
  filter = compile (policy, &markers);

  expect (filter, "socket_udp", 0);
  expect (filter, "socket_udp6", 0);
  expect (filter, "socket_udp_flags", 0);
  expect (filter, "socket_udp_proto", 0);
  /* Ping sockets are datagram sockets too; the kernel decides (EACCES
   * outside net.ipv4.ping_group_range). */
  expect_not (filter, "socket_ping", MARK_EPERM);
  expect_not (filter, "socket_ping6", MARK_EPERM);
  expect (filter, "socket_raw", MARK_EPERM);
  expect (filter, "socket_raw6", MARK_EPERM);
  expect (filter, "socket_alg", MARK_EAFNOSUPPORT);
  expect (filter, "socket_tcp", 0);
}

/* TCP Fast Open would connect without connect(): refused, whatever the
 * network policy. */
static void
test_fastopen (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) udp_filter = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, &markers);
  expect (filter, "sendto_fastopen", MARK_EOPNOTSUPP);
  expect (filter, "sendmsg_fastopen", MARK_EOPNOTSUPP);
  expect (filter, "sendmmsg_fastopen", MARK_EOPNOTSUPP);
  expect_not (NULL, "sendto_fastopen", MARK_EOPNOTSUPP);

  policy->allow_udp = TRUE;
  udp_filter = compile (policy, &markers);
  expect (udp_filter, "sendto_fastopen", MARK_EOPNOTSUPP);
  expect (udp_filter, "sendmmsg_fastopen", MARK_EOPNOTSUPP);
}

static void
test_socket_allow_icmp (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  policy->allow_icmp = TRUE;
  filter = compile (policy, &markers);

  expect_not (filter, "socket_ping", MARK_EPERM);
  expect_not (filter, "socket_ping6", MARK_EPERM);
  expect (filter, "socket_udp", MARK_EPERM);
  expect (filter, "socket_udp6", MARK_EPERM);
  expect (filter, "socket_udp_flags", MARK_EPERM);
  expect (filter, "socket_udp_proto", MARK_EPERM);
  /* Raw ICMP stays denied: ping needs only the datagram kind. */
  expect (filter, "socket_raw", MARK_EPERM);
  expect (filter, "socket_raw6", MARK_EPERM);
  expect (filter, "socket_raw_flags", MARK_EPERM);
  expect (filter, "socket_tcp", 0);
}

static void
test_deny_syscalls (void)
{
  static const char *deny[] = { "getcwd", "socket", "clone3", NULL };
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;

  add_names (policy->deny_syscalls, deny);
  filter = compile (policy, &markers);

  expect (filter, "getcwd", MARK_EPERM);
  expect (NULL, "getcwd", 0);
  expect (filter, "getpid", 0);
  expect (filter, "getppid", 0);
  /* A plain deny overrides the argument rules... */
  expect (filter, "socket_unix", MARK_EPERM);
  expect (filter, "socketpair_unix", 0);
  /* ...but not the table's ENOSYS, which lets userspace fall back. */
  expect (filter, "clone3", MARK_ENOSYS);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

/* A sanitizer's runtime makes calls of its own (sigaltstack, mmap...) in
 * the child, which a tight allowlist denies. */
static gboolean
need_plain_child (void)
{
#ifdef UNDER_SANITIZER
  g_test_skip ("the sanitizer runtime needs syscalls a tight allowlist denies");
  return FALSE;
#else
  return need_userns ();
#endif
}

/* Enough for the child of these tests (it only makes the one call); the
 * rest of what try-syscall's calls use comes from each test. */
static const char *allowlist_base[] = {
  "getpid", "close", "wait4", NULL,
};

static void
test_allowlist (void)
{
  static const char *allow[] = { "ioctl", "socket", "clone", "personality", NULL };
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  char *newer;

  if (!need_plain_child ())
    return;

  add_names (policy->allow_syscalls, allowlist_base);
  add_names (policy->allow_syscalls, allow);
  filter = compile (policy, &markers);

  expect_via (filter, "getpid", IN_CHILD, 0);
  /* Known to libseccomp but not allowed. */
  expect_via (filter, "getppid", IN_CHILD, MARK_EPERM);
  expect_via (filter, "getcwd", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socketpair_unix", IN_CHILD, MARK_EPERM);
  expect_via (NULL, "getcwd", IN_CHILD, 0);
  /* Unknown: as on a kernel without it. */
  expect_via (filter, "nosys1000", IN_CHILD, MARK_ENOSYS);

  /* A syscall of the running kernel newer than libseccomp's tables. */
  newer = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, 457);
  if (newer == NULL && try_syscall_find ("statmount") != NULL)
    {
      expect_via (filter, "statmount", IN_CHILD, MARK_ENOSYS);
      if (expect_not_via (NULL, "statmount", IN_CHILD, MARK_ENOSYS) == ENOSYS)
        g_test_message ("this kernel lacks statmount");
    }
  free (newer);

  /* Always allowed, to start the program. */
  expect_via (filter, "execve_missing", IN_CHILD, ENOENT);

  /* The table's verdicts stay. */
  expect_via (filter, "clone3", IN_CHILD, MARK_ENOSYS);
  expect_via (filter, "mount", IN_CHILD, MARK_EPERM);
  expect_via (filter, "unshare", IN_CHILD, MARK_EPERM);

  /* Allowed syscalls keep their argument rules. */
  expect_via (filter, "ioctl_fionread", IN_CHILD, EBADF);
  expect_via (filter, "tiocsti", IN_CHILD, MARK_EPERM);
  expect_via (filter, "tiocsti_high", IN_CHILD, MARK_EPERM);
  expect_via (filter, "tioclinux", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_tcp", IN_CHILD, 0);
  expect_via (filter, "socket_unix", IN_CHILD, 0);
  expect_via (filter, "socket_netlink", IN_CHILD, 0);
  expect_via (filter, "socket_udp", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_ping", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_raw", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_alg", IN_CHILD, MARK_EAFNOSUPPORT);
  expect_via (filter, "socket_family_high", IN_CHILD, MARK_EAFNOSUPPORT);
  expect_via (filter, "fork", IN_CHILD, 0);
  expect_via (filter, "clone_newuser", IN_CHILD, MARK_EPERM);
  expect_via (filter, "clone_newns", IN_CHILD, MARK_EPERM);
  expect_via (filter, "personality_query", IN_CHILD, 0);
  expect_via (filter, "personality_linux", IN_CHILD, 0);
  expect_via (filter, "personality_bad", IN_CHILD, MARK_EPERM);
  expect_via (filter, "personality_high", IN_CHILD, MARK_EPERM);
}

/* A rule that fails on its last argument (the protocol) must fall through
 * to the catch-all allow, not to the default. */
static void
test_allowlist_icmp (void)
{
  static const char *allow[] = { "socket", NULL };
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) udp = NULL;

  if (!need_plain_child ())
    return;

  add_names (policy->allow_syscalls, allowlist_base);
  add_names (policy->allow_syscalls, allow);
  policy->allow_icmp = TRUE;
  filter = compile (policy, &markers);

  expect_not_via (filter, "socket_ping", IN_CHILD, MARK_ENOSYS);
  expect_not_via (filter, "socket_ping", IN_CHILD, MARK_EPERM);
  expect_not_via (filter, "socket_ping6", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_udp", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_udp6", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_raw", IN_CHILD, MARK_EPERM);
  expect_via (filter, "socket_tcp", IN_CHILD, 0);

  policy->allow_icmp = FALSE;
  policy->allow_udp = TRUE;
  udp = compile (policy, &markers);
  expect_via (udp, "socket_udp", IN_CHILD, 0);
  expect_via (udp, "socket_udp6", IN_CHILD, 0);
  expect_via (udp, "socket_raw", IN_CHILD, MARK_EPERM);
}

static void
test_allowlist_errnos (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_plain_child ())
    return;

  add_names (policy->allow_syscalls, allowlist_base);
  filter = compile (policy, NULL);

  expect_via (filter, "getpid", IN_CHILD, 0);
  expect_via (filter, "getcwd", IN_CHILD, EPERM);
  expect_via (filter, "nosys1000", IN_CHILD, ENOSYS);
  expect_via (filter, "clone3", IN_CHILD, ENOSYS);
  expect_via (filter, "socket_tcp", IN_CHILD, EPERM);
}

static void
test_bad_arch (void)
{
#ifdef __x86_64__
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) allowlist = NULL;
  g_autofree char *unfiltered = NULL;
  g_autofree char *killed = NULL;

  if (!need_userns ())
    return;

  filter = compile (policy, NULL);
  expect_signal (filter, "int80", SIGSYS);
  expect_signal (filter, "x32", SIGSYS);

  /* Without the filter the kernel does not send SIGSYS (int80 works when
   * the kernel runs i386 programs, x32 fails with ENOSYS unless enabled). */
  killed = g_strdup_printf ("int80: signal %d", SIGSYS);
  unfiltered = run (NULL, "int80", VIA_EXEC, NULL);
  g_test_message ("%s", unfiltered);
  g_assert_cmpstr (unfiltered, !=, killed);
  g_clear_pointer (&unfiltered, g_free);
  g_clear_pointer (&killed, g_free);
  killed = g_strdup_printf ("x32: signal %d", SIGSYS);
  unfiltered = run (NULL, "x32", VIA_EXEC, NULL);
  g_test_message ("%s", unfiltered);
  g_assert_cmpstr (unfiltered, !=, killed);

  add_names (policy->allow_syscalls, allowlist_base);
  allowlist = compile (policy, NULL);
  {
    g_autofree char *got = run (allowlist, "int80", IN_CHILD, NULL);
    g_autofree char *want = g_strdup_printf ("int80: signal %d", SIGSYS);

    g_assert_cmpstr (got, ==, want);
  }
#else
  g_test_skip ("only x86_64 runs other ABIs' syscalls");
#endif
}

static void
test_exec (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;

  if (!need_userns ())
    return;
  if (try_syscall_path == NULL)
    {
      g_test_skip ("try-syscall not found (set SANDLOCK_TRY_SYSCALL)");
      return;
    }

  /* A dynamically linked program starts under the default filter. */
  filter = compile (policy, NULL);
  expect (filter, "getpid", 0);
  expect (filter, "socket_tcp", 0);
}

static void
assert_problems (SandlockPolicy *policy,
                 const char    **expected)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  sandlock_seccomp_check_policy (policy, problems);
  g_ptr_array_add (problems, NULL);
  got = g_strjoinv ("\n", (char **) problems->pdata);
  want = g_strjoinv ("\n", (char **) expected);
  g_assert_cmpstr (got, ==, want);
}

static void
test_check_policy (void)
{
  static const char *valid_deny[] = { "getcwd", "ptrace", NULL };
  static const char *valid_allow[] = { "read", "socket", "execve", NULL };
  /* A syscall of other architectures only: accepted, nothing to do. */
  static const char *foreign[] = { "socketcall", NULL };
  static const char *bad_deny[] = { "foo", "execve", NULL };
  static const char *bad_allow[] = { "mount", "bar", "clone3", NULL };
  static const char *none[] = { NULL };
  static const char *expected[] = {
    "deny_syscalls: \"foo\" is not a system call this machine knows",
    "deny_syscalls: execve cannot be denied: the sandbox needs it to start the program",
    "allow_syscalls: mount is always denied by the sandbox and cannot be allowed",
    "allow_syscalls: \"bar\" is not a system call this machine knows",
    "allow_syscalls: clone3 is always denied by the sandbox and cannot be allowed",
    NULL,
  };
  g_autoptr(SandlockPolicy) valid = sandlock_policy_new ();
  g_autoptr(SandlockPolicy) invalid = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(GError) error = NULL;

  add_names (valid->deny_syscalls, valid_deny);
  add_names (valid->deny_syscalls, foreign);
  add_names (valid->allow_syscalls, valid_allow);
  add_names (valid->allow_syscalls, foreign);
  assert_problems (valid, none);
  filter = sandlock_seccomp_compile (valid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (filter);
  g_clear_pointer (&filter, sandlock_seccomp_filter_free);

  add_names (invalid->deny_syscalls, bad_deny);
  add_names (invalid->allow_syscalls, bad_allow);
  assert_problems (invalid, expected);

  /* Compiling refuses it too, with the first problem. */
  filter = sandlock_seccomp_compile (invalid, &error);
  g_assert_null (filter);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, expected[0]);
}

/* Every known syscall allowed: the largest program the policy can ask for
 * still fits the kernel's limit, and every program checks the architecture
 * first. */
static void
test_program (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockPolicy) everything = sandlock_policy_new ();
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) again = NULL;
  g_autoptr(SandlockFilter) big = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  const struct sock_filter *first;

  filter = compile (policy, NULL);
  again = compile (policy, NULL);
  g_assert_cmpuint (filter->prog.len, >, 0);
  g_assert_cmpuint (filter->prog.len, <=, BPF_MAXINSNS);
  /* The same policy gives the same program. */
  g_assert_cmpuint (filter->prog.len, ==, again->prog.len);
  g_assert_cmpmem (filter->prog.filter, filter->prog.len * sizeof (struct sock_filter),
                   again->prog.filter, again->prog.len * sizeof (struct sock_filter));

  first = &filter->prog.filter[0];
  g_assert_cmpuint (first->code, ==, BPF_LD | BPF_W | BPF_ABS);
  g_assert_cmpuint (first->k, ==, offsetof (struct seccomp_data, arch));

  for (int nr = 0; nr < 1024; nr++)
    {
      char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);

      if (name != NULL)
        g_ptr_array_add (everything->allow_syscalls, g_strdup (name));
      free (name);
    }
  /* Leave out what the sandbox always denies. */
  sandlock_seccomp_check_policy (everything, problems);
  for (guint i = 0; i < problems->len; i++)
    {
      const char *problem = g_ptr_array_index (problems, i);
      g_auto(GStrv) words = g_strsplit (problem, " ", 3);
      guint index;

      g_assert_true (g_str_has_suffix (problem, "cannot be allowed"));
      g_assert_true (g_ptr_array_find_with_equal_func (everything->allow_syscalls, words[1],
                                                       g_str_equal, &index));
      g_ptr_array_remove_index (everything->allow_syscalls, index);
    }
  big = compile (everything, NULL);
  g_test_message ("default filter: %u instructions; allowing every syscall: %u",
                  filter->prog.len, big->prog.len);
  g_assert_cmpuint (big->prog.len, <=, BPF_MAXINSNS);

  g_assert_cmpint (sandlock_seccomp_load (NULL), ==, -EINVAL);
}

static char *
find_try_syscall (void)
{
  const char *env = g_getenv ("SANDLOCK_TRY_SYSCALL");
  g_autofree char *built = NULL;

  if (env != NULL && *env != '\0')
    {
      if (!g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        g_error ("SANDLOCK_TRY_SYSCALL=%s is not an executable", env);
      return g_strdup (env);
    }

  built = g_test_build_filename (G_TEST_BUILT, "try-syscall", NULL);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);

  return NULL;
}

static gboolean
probe_userns (void)
{
  int status;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (unshare (CLONE_NEWUSER) != 0 ||
          !write_file ("/proc/self/setgroups", "deny") ||
          !write_file ("/proc/self/uid_map", uid_map_line) ||
          !write_file ("/proc/self/gid_map", gid_map_line))
        _exit (1);
      _exit (0);
    }
  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* The filters compiled at build time are exactly what libseccomp builds
 * now for the same policies, and policies with syscall lists still get a
 * fresh compile. */
static void
test_builtin_filters (void)
{
  for (guint variant = 0; variant < SANDLOCK_SECCOMP_N_BUILTIN; variant++)
    {
      g_autoptr(SandlockPolicy) policy = sandlock_seccomp_builtin_policy (variant);
      g_autoptr(SandlockFilter) builtin = sandlock_seccomp_filter_for_policy (policy, NULL);
      g_autoptr(SandlockFilter) fresh = sandlock_seccomp_compile (policy, NULL);

      g_assert_nonnull (builtin);
      g_assert_nonnull (fresh);
      g_assert_cmpmem (builtin->prog.filter, builtin->prog.len * sizeof (struct sock_filter),
                       fresh->prog.filter, fresh->prog.len * sizeof (struct sock_filter));
    }

  {
    g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
    g_autoptr(SandlockFilter) plain = NULL;
    g_autoptr(SandlockFilter) with_list = NULL;

    plain = sandlock_seccomp_filter_for_policy (policy, NULL);
    g_assert_true (sandlock_policy_set (policy, "deny_syscalls", "getcwd", NULL));
    with_list = sandlock_seccomp_filter_for_policy (policy, NULL);
    g_assert_nonnull (with_list);
    g_assert_false (plain->prog.len == with_list->prog.len &&
                    memcmp (plain->prog.filter, with_list->prog.filter,
                            plain->prog.len * sizeof (struct sock_filter)) == 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_snprintf (uid_map_line, sizeof uid_map_line, "0 %u 1", (guint) geteuid ());
  g_snprintf (gid_map_line, sizeof gid_map_line, "0 %u 1", (guint) getegid ());
  have_userns = probe_userns ();
  try_syscall_path = find_try_syscall ();
  if (try_syscall_path == NULL)
    g_test_message ("try-syscall not found: making the calls in the forked child");

  g_test_add_func ("/seccomp/blocklist", test_blocklist);
  g_test_add_func ("/seccomp/blocklist-errnos", test_blocklist_errnos);
  g_test_add_func ("/seccomp/clone", test_clone);
  g_test_add_func ("/seccomp/personality", test_personality);
  g_test_add_func ("/seccomp/ioctl", test_ioctl);
  g_test_add_func ("/seccomp/socket/default", test_socket_default);
  g_test_add_func ("/seccomp/socket/allow-udp", test_socket_allow_udp);
  g_test_add_func ("/seccomp/socket/allow-icmp", test_socket_allow_icmp);
  g_test_add_func ("/seccomp/socket/fastopen", test_fastopen);
  g_test_add_func ("/seccomp/deny-syscalls", test_deny_syscalls);
  g_test_add_func ("/seccomp/allowlist", test_allowlist);
  g_test_add_func ("/seccomp/allowlist-icmp-udp", test_allowlist_icmp);
  g_test_add_func ("/seccomp/allowlist-errnos", test_allowlist_errnos);
  g_test_add_func ("/seccomp/bad-arch", test_bad_arch);
  g_test_add_func ("/seccomp/exec", test_exec);
  g_test_add_func ("/seccomp/check-policy", test_check_policy);
  g_test_add_func ("/seccomp/program", test_program);
  g_test_add_func ("/seccomp/builtin-filters", test_builtin_filters);

  return g_test_run ();
}
