/* SPDX-License-Identifier: Apache-2.0 */
/*
 * try-syscall NAME: makes one system call and exits with the errno it got
 * (0 on success), so that filter tests are exact. `try-syscall --list`
 * prints the names. An unknown name exits with 255.
 *
 * The arguments are harmless even for root outside any sandbox: invalid
 * magic numbers, flags or lengths, fd -1, NULL pointers and paths that do
 * not exist, so that a filter that fails to deny changes nothing. Any fd or
 * child it creates is closed or reaped at once.
 *
 * No GLib here. test-seccomp.c includes this file with TRY_SYSCALL_NO_MAIN
 * defined to make the same calls in a forked child without an exec; the
 * calls therefore stick to async-signal-safe functions.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

/* Newer than Debian 12's headers; same numbers on x86_64 and aarch64. */
#if defined(__x86_64__) || defined(__aarch64__)
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#endif

#define TRY_PATH_MISSING "/nonexistent/sandlock-try-syscall"
/* Not a flag of any of the calls using it. */
#define TRY_BAD_FLAGS 0xffffffffUL
/* The result when a call could not even be attempted (setsid failed). */
#define TRY_NOT_ATTEMPTED 254

typedef int (*TryFunc) (void);

typedef struct {
  const char *name;
  TryFunc     func;
} TryEntry;

static __attribute__ ((unused)) void
try_note (const char *text)
{
  ssize_t ignored = write (STDERR_FILENO, text, strlen (text));
  (void) ignored;
}

static int
try_result (long ret)
{
  return ret < 0 ? errno : 0;
}

/* For calls that return an fd: close it, report success. */
static int
try_result_fd (long ret)
{
  if (ret < 0)
    return errno;
  close ((int) ret);
  return 0;
}

#ifdef __x86_64__
/* A process killed on purpose (bad architecture) must not leave a core. */
static void
try_no_core (void)
{
  struct rlimit none = { 0, 0 };

  setrlimit (RLIMIT_CORE, &none);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}
#endif

/* Raw clone(2) like fork(); the child leaves at once. */
static int
try_clone_flags (unsigned long flags)
{
  long pid = syscall (SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  int status;

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  while (waitpid ((pid_t) pid, &status, 0) < 0 && errno == EINTR)
    ;
  return 0;
}

static int
try_socket (long family, long type, long protocol)
{
  return try_result_fd (syscall (SYS_socket, family, type, protocol));
}

static int
try_personality (unsigned long persona)
{
  return try_result (syscall (SYS_personality, persona));
}

static int
try_ioctl (unsigned long request)
{
  int value = 0;

  return try_result (syscall (SYS_ioctl, -1, request, &value));
}

/* Mounts and system state. */
static int try_mount (void) { return try_result (syscall (SYS_mount, "none", TRY_PATH_MISSING, "sandlock-no-such-fs", 0UL, NULL)); }
static int try_umount2 (void) { return try_result (syscall (SYS_umount2, TRY_PATH_MISSING, TRY_BAD_FLAGS)); }
static int try_pivot_root (void) { return try_result (syscall (SYS_pivot_root, TRY_PATH_MISSING "/new", TRY_PATH_MISSING "/old")); }
static int try_swapon (void) { return try_result (syscall (SYS_swapon, TRY_PATH_MISSING, 0)); }
static int try_swapoff (void) { return try_result (syscall (SYS_swapoff, TRY_PATH_MISSING)); }
static int try_reboot (void) { return try_result (syscall (SYS_reboot, 0, 0, 0, NULL)); }
/* Longer than any host name the kernel takes: never changes it. */
static int try_sethostname (void) { static char name[8] = "x"; return try_result (syscall (SYS_sethostname, name, 1UL << 20)); }
static int try_setdomainname (void) { static char name[8] = "x"; return try_result (syscall (SYS_setdomainname, name, 1UL << 20)); }
/* Too many segments and an unknown flag: refused before anything loads. */
static int try_kexec_load (void) { return try_result (syscall (SYS_kexec_load, 0UL, 1000UL, NULL, 0x8000UL)); }
#ifdef __NR_kexec_file_load
static int try_kexec_file_load (void) { return try_result (syscall (__NR_kexec_file_load, -1, -1, 0UL, NULL, 0x8000UL)); }
#endif
/* Shorter than an ELF header. */
static int try_init_module (void) { return try_result (syscall (SYS_init_module, NULL, 0UL, "")); }
static int try_finit_module (void) { return try_result (syscall (SYS_finit_module, -1, "", 0)); }
static int try_delete_module (void) { return try_result (syscall (SYS_delete_module, "sandlock_no_such_module", (long) O_NONBLOCK)); }
static int try_acct (void) { return try_result (syscall (SYS_acct, TRY_PATH_MISSING)); }
/* Unknown quota type. */
static int try_quotactl (void) { return try_result (syscall (SYS_quotactl, 0xffL, NULL, 0, NULL)); }
#ifdef __NR_quotactl_fd
static int try_quotactl_fd (void) { return try_result (syscall (__NR_quotactl_fd, -1, 0xffL, 0, NULL)); }
#endif

/* Namespaces. */
static int try_unshare (void) { return try_result (syscall (SYS_unshare, (long) CLONE_NEWUSER)); }
static int try_setns (void) { return try_result (syscall (SYS_setns, -1, 0)); }
static int try_clone_newns (void) { return try_clone_flags (CLONE_NEWNS); }
static int try_clone_newcgroup (void) { return try_clone_flags (CLONE_NEWCGROUP); }
static int try_clone_newuts (void) { return try_clone_flags (CLONE_NEWUTS); }
static int try_clone_newipc (void) { return try_clone_flags (CLONE_NEWIPC); }
static int try_clone_newuser (void) { return try_clone_flags (CLONE_NEWUSER); }
static int try_clone_newpid (void) { return try_clone_flags (CLONE_NEWPID); }
static int try_clone_newnet (void) { return try_clone_flags (CLONE_NEWNET); }
/* A size below the first version of struct clone_args: EINVAL. */
static int try_clone3 (void) { static uint64_t args[11]; return try_result (syscall (SYS_clone3, args, 0UL)); }

static int
try_fork (void)
{
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return 0;
}

/* Kernel interfaces. */
static int try_perf_event_open (void) { return try_result_fd (syscall (SYS_perf_event_open, NULL, 0, -1, -1, 0UL)); }
static int try_bpf (void) { return try_result_fd (syscall (SYS_bpf, 0xffffL, NULL, 0)); }
static int try_userfaultfd (void) { return try_result_fd (syscall (SYS_userfaultfd, (long) TRY_BAD_FLAGS)); }
static int try_keyctl (void) { return try_result (syscall (SYS_keyctl, 0xffffL, 0, 0, 0, 0)); }
static int try_add_key (void) { return try_result (syscall (SYS_add_key, NULL, NULL, NULL, 0UL, 0)); }
static int try_request_key (void) { return try_result (syscall (SYS_request_key, NULL, NULL, NULL, 0)); }
static int try_io_uring_setup (void) { return try_result_fd (syscall (SYS_io_uring_setup, 0, NULL)); }
static int try_io_uring_enter (void) { return try_result (syscall (SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0UL)); }
static int try_io_uring_register (void) { return try_result (syscall (SYS_io_uring_register, -1, 0, NULL, 0)); }
#ifdef __NR_lookup_dcookie
static int try_lookup_dcookie (void) { return try_result (syscall (__NR_lookup_dcookie, 0UL, NULL, 0UL)); }
#endif
#ifdef __NR_uselib
static int try_uselib (void) { return try_result (syscall (__NR_uselib, TRY_PATH_MISSING)); }
#endif
#ifdef __NR_nfsservctl
static int try_nfsservctl (void) { return try_result (syscall (__NR_nfsservctl, 0, NULL, NULL)); }
#endif

/* Other processes and file handles. */
static int try_ptrace (void) { return try_result (syscall (SYS_ptrace, (long) PTRACE_PEEKDATA, 0, NULL, NULL)); }
static int try_process_vm_readv (void) { return try_result (syscall (SYS_process_vm_readv, (long) getpid (), NULL, 0UL, NULL, 0UL, 1UL)); }
static int try_process_vm_writev (void) { return try_result (syscall (SYS_process_vm_writev, (long) getpid (), NULL, 0UL, NULL, 0UL, 1UL)); }
static int try_open_by_handle_at (void) { return try_result_fd (syscall (SYS_open_by_handle_at, -1, NULL, 0)); }
static int try_name_to_handle_at (void) { return try_result (syscall (SYS_name_to_handle_at, AT_FDCWD, "", NULL, NULL, (long) TRY_BAD_FLAGS)); }

/* Hardware and terminals. */
#ifdef __NR_ioperm
/* Beyond the 65536 ports: EINVAL, and turn_on 0 only ever drops access. */
static int try_ioperm (void) { return try_result (syscall (__NR_ioperm, 0x10000UL, 1UL, 0)); }
#endif
#ifdef __NR_iopl
static int try_iopl (void) { return try_result (syscall (__NR_iopl, 4)); }
#endif

static int
try_vhangup (void)
{
  /* In a new session without a controlling terminal, even root hangs up
   * nothing. */
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      if (setsid () < 0)
        _exit (TRY_NOT_ATTEMPTED);
      _exit (try_result (syscall (SYS_vhangup)));
    }
  if (pid < 0)
    return errno;
  while (waitpid (pid, &status, 0) < 0)
    {
      if (errno != EINTR)
        return errno;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : TRY_NOT_ATTEMPTED;
}

/* fd -1: the filter looks at the request only; the kernel says EBADF. */
static int try_tiocsti (void) { return try_ioctl (TIOCSTI); }
static int try_tioclinux (void) { return try_ioctl (TIOCLINUX); }
static int try_tiocsti_high (void) { return try_ioctl (0x100000000UL | TIOCSTI); }
static int try_ioctl_fionread (void) { return try_ioctl (FIONREAD); }

/* The new mount API, with flags no kernel knows. */
static int try_fsopen (void) { return try_result_fd (syscall (SYS_fsopen, "sandlock-no-such-fs", TRY_BAD_FLAGS)); }
static int try_fsconfig (void) { return try_result (syscall (SYS_fsconfig, -1, 0xffffL, NULL, NULL, 0)); }
static int try_fsmount (void) { return try_result_fd (syscall (SYS_fsmount, -1, TRY_BAD_FLAGS, 0)); }
static int try_fspick (void) { return try_result_fd (syscall (SYS_fspick, -1, "", TRY_BAD_FLAGS)); }
static int try_move_mount (void) { return try_result (syscall (SYS_move_mount, -1, "", -1, "", TRY_BAD_FLAGS)); }
static int try_open_tree (void) { return try_result_fd (syscall (SYS_open_tree, -1, "", TRY_BAD_FLAGS)); }
static int try_mount_setattr (void) { return try_result (syscall (SYS_mount_setattr, -1, "", TRY_BAD_FLAGS, NULL, 0UL)); }
#ifdef __NR_open_tree_attr
static int try_open_tree_attr (void) { return try_result_fd (syscall (__NR_open_tree_attr, -1, "", TRY_BAD_FLAGS, NULL, 0UL)); }
#endif

/* Personalities. */
static int try_personality_bad (void) { return try_personality (PER_BSD); }
static int try_personality_high (void) { return try_personality (0x100000000UL | PER_BSD); }
static int try_personality_query (void) { return try_personality (0xffffffffUL); }
static int try_personality_linux (void) { return try_personality (PER_LINUX); }
static int try_personality_norandom (void) { return try_personality (PER_LINUX | ADDR_NO_RANDOMIZE); }

/* Sockets. */
static int try_socket_raw (void) { return try_socket (AF_INET, SOCK_RAW, IPPROTO_ICMP); }
static int try_socket_raw6 (void) { return try_socket (AF_INET6, SOCK_RAW, IPPROTO_ICMPV6); }
static int try_socket_raw_flags (void) { return try_socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP); }
static int try_socket_alg (void) { return try_socket (AF_ALG, SOCK_SEQPACKET, 0); }
/* Protocol 0: bound to no packet type, receives nothing. */
static int try_socket_packet (void) { return try_socket (AF_PACKET, SOCK_DGRAM, 0); }
/* The kernel reads the family as an int: this is AF_PACKET. */
static int try_socket_family_high (void) { return try_socket (0x100000000L | AF_PACKET, SOCK_DGRAM, 0); }
static int try_socket_family_big (void) { return try_socket (1000, SOCK_STREAM, 0); }
static int try_socket_family_negative (void) { return try_socket (-1, SOCK_STREAM, 0); }
static int try_socket_udp (void) { return try_socket (AF_INET, SOCK_DGRAM, 0); }
static int try_socket_udp6 (void) { return try_socket (AF_INET6, SOCK_DGRAM, 0); }
static int try_socket_udp_flags (void) { return try_socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0); }
static int try_socket_udp_proto (void) { return try_socket (AF_INET, SOCK_DGRAM, IPPROTO_UDP); }
static int try_socket_ping (void) { return try_socket (AF_INET, SOCK_DGRAM, IPPROTO_ICMP); }
static int try_socket_ping6 (void) { return try_socket (AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6); }
static int try_socket_tcp (void) { return try_socket (AF_INET, SOCK_STREAM, 0); }
static int try_socket_tcp6 (void) { return try_socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0); }
static int try_socket_unix (void) { return try_socket (AF_UNIX, SOCK_STREAM, 0); }
static int try_socket_netlink (void) { return try_socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE); }
static int try_socket_netlink_audit (void) { return try_socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT); }
static int try_socket_netlink_uevent (void) { return try_socket (AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT); }
static int try_socket_netlink_diag (void) { return try_socket (AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG); }
static int try_socket_netlink_generic (void) { return try_socket (AF_NETLINK, SOCK_RAW, NETLINK_GENERIC); }
static int try_socket_netlink_netfilter (void) { return try_socket (AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER); }
/* The kernel reads the protocol as an int: this is NETLINK_ROUTE, and
 * must be refused rather than let past a check of the low half. */
static int try_socket_netlink_proto_high (void) { return try_socket (AF_NETLINK, SOCK_RAW, 0x100000000L | NETLINK_ROUTE); }
static int try_socket_unix_dgram (void) { return try_socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

/* TCP Fast Open: a connect inside sendto() (or sendmsg(), sendmmsg())
 * to the discard port of loopback, which nothing should answer. */
static int
try_fastopen (int how)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (9),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  struct iovec iov = { (void *) "x", 1 };
  struct msghdr msg = { .msg_name = &addr, .msg_namelen = sizeof addr,
                        .msg_iov = &iov, .msg_iovlen = 1 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ssize_t n;

  if (fd < 0)
    return errno;
  if (how == 2)
    {
      struct mmsghdr one = { .msg_hdr = msg };

      n = sendmmsg (fd, &one, 1, MSG_FASTOPEN | MSG_NOSIGNAL);
    }
  else
    n = how == 1 ? sendmsg (fd, &msg, MSG_FASTOPEN | MSG_NOSIGNAL)
                 : sendto (fd, "x", 1, MSG_FASTOPEN | MSG_NOSIGNAL,
                           (struct sockaddr *) &addr, sizeof addr);
  return n < 0 ? errno : 0;
}
static int try_sendto_fastopen (void) { return try_fastopen (0); }
static int try_sendmsg_fastopen (void) { return try_fastopen (1); }
static int try_sendmmsg_fastopen (void) { return try_fastopen (2); }

static int
try_socketpair (long family)
{
  int fds[2];

  if (syscall (SYS_socketpair, family, (long) SOCK_STREAM, 0L, fds) < 0)
    return errno;
  close (fds[0]);
  close (fds[1]);
  return 0;
}

static int try_socketpair_unix (void) { return try_socketpair (AF_UNIX); }
static int try_socketpair_inet (void) { return try_socketpair (AF_INET); }

/* Ordinary calls. */
static int try_getpid (void) { return try_result (syscall (SYS_getpid)); }
static int try_getppid (void) { return try_result (syscall (SYS_getppid)); }
static int try_getcwd (void) { static char buf[4096]; return try_result (syscall (SYS_getcwd, buf, sizeof buf)); }

static int
try_execve_missing (void)
{
  static char *const argv[] = { (char *) "try-syscall", NULL };
  static char *const envp[] = { NULL };

  return try_result (syscall (SYS_execve, TRY_PATH_MISSING, argv, envp));
}

/* A number no kernel uses. */
static int try_nosys1000 (void) { return try_result (syscall (1000)); }
#ifdef __NR_statmount
static int try_statmount (void) { return try_result (syscall (__NR_statmount, NULL, NULL, 0UL, 0UL)); }
#endif

/* Other ABIs: the filter must kill the process (SIGSYS). */
static int
try_int80 (void)
{
#ifdef __x86_64__
  long ret;

  try_no_core ();
  /* i386 getpid (20) through the 32-bit entry. */
  __asm__ volatile ("int $0x80"
                    : "=a" (ret)
                    : "a" (20L)
                    : "memory", "r8", "r9", "r10", "r11");
  return ret < 0 ? (int) -ret : 0;
#else
  try_note ("try-syscall: int80 only means something on x86_64\n");
  return 0;
#endif
}

static int
try_x32 (void)
{
#ifdef __x86_64__
  try_no_core ();
  /* The x32 ABI bit on getpid. */
  return try_result (syscall (0x40000000L | SYS_getpid));
#else
  try_note ("try-syscall: x32 only means something on x86_64\n");
  return 0;
#endif
}

#define TRY(name) { #name, try_##name }

static const TryEntry try_entries[] = {
  TRY (mount),
  TRY (umount2),
  TRY (pivot_root),
  TRY (swapon),
  TRY (swapoff),
  TRY (reboot),
  TRY (sethostname),
  TRY (setdomainname),
  TRY (kexec_load),
#ifdef __NR_kexec_file_load
  TRY (kexec_file_load),
#endif
  TRY (init_module),
  TRY (finit_module),
  TRY (delete_module),
  TRY (unshare),
  TRY (setns),
  TRY (clone_newns),
  TRY (clone_newcgroup),
  TRY (clone_newuts),
  TRY (clone_newipc),
  TRY (clone_newuser),
  TRY (clone_newpid),
  TRY (clone_newnet),
  TRY (clone3),
  TRY (fork),
  TRY (perf_event_open),
  TRY (bpf),
  TRY (userfaultfd),
  TRY (keyctl),
  TRY (add_key),
  TRY (request_key),
  TRY (ptrace),
  TRY (process_vm_readv),
  TRY (process_vm_writev),
  TRY (open_by_handle_at),
  TRY (name_to_handle_at),
#ifdef __NR_ioperm
  TRY (ioperm),
#endif
#ifdef __NR_iopl
  TRY (iopl),
#endif
  TRY (quotactl),
#ifdef __NR_quotactl_fd
  TRY (quotactl_fd),
#endif
  TRY (acct),
  TRY (io_uring_setup),
  TRY (io_uring_enter),
  TRY (io_uring_register),
#ifdef __NR_lookup_dcookie
  TRY (lookup_dcookie),
#endif
  TRY (vhangup),
#ifdef __NR_uselib
  TRY (uselib),
#endif
#ifdef __NR_nfsservctl
  TRY (nfsservctl),
#endif
  TRY (fsopen),
  TRY (fsconfig),
  TRY (fsmount),
  TRY (fspick),
  TRY (move_mount),
  TRY (open_tree),
  TRY (mount_setattr),
#ifdef __NR_open_tree_attr
  TRY (open_tree_attr),
#endif
  TRY (personality_bad),
  TRY (personality_high),
  TRY (personality_query),
  TRY (personality_linux),
  TRY (personality_norandom),
  TRY (tiocsti),
  TRY (tioclinux),
  TRY (tiocsti_high),
  TRY (ioctl_fionread),
  TRY (socket_raw),
  TRY (socket_raw6),
  TRY (socket_raw_flags),
  TRY (socket_alg),
  TRY (socket_packet),
  TRY (socket_family_high),
  TRY (socket_family_big),
  TRY (socket_family_negative),
  TRY (socket_udp),
  TRY (socket_udp6),
  TRY (socket_udp_flags),
  TRY (socket_udp_proto),
  TRY (socket_ping),
  TRY (socket_ping6),
  TRY (socket_tcp),
  TRY (socket_tcp6),
  TRY (socket_unix),
  TRY (socket_netlink),
  TRY (socket_netlink_audit),
  TRY (socket_netlink_uevent),
  TRY (socket_netlink_diag),
  TRY (socket_netlink_generic),
  TRY (socket_netlink_netfilter),
  TRY (socket_netlink_proto_high),
  TRY (socket_unix_dgram),
  TRY (sendto_fastopen),
  TRY (sendmsg_fastopen),
  TRY (sendmmsg_fastopen),
  TRY (socketpair_unix),
  TRY (socketpair_inet),
  TRY (getpid),
  TRY (getppid),
  TRY (getcwd),
  TRY (execve_missing),
  TRY (nosys1000),
#ifdef __NR_statmount
  TRY (statmount),
#endif
  TRY (int80),
  TRY (x32),
};

#undef TRY

static __attribute__ ((unused)) const TryEntry *
try_syscall_find (const char *name)
{
  for (size_t i = 0; i < sizeof try_entries / sizeof try_entries[0]; i++)
    {
      if (strcmp (try_entries[i].name, name) == 0)
        return &try_entries[i];
    }
  return NULL;
}

#ifndef TRY_SYSCALL_NO_MAIN
int
main (int argc, char **argv)
{
  const TryEntry *entry;

  if (argc == 2 && strcmp (argv[1], "--list") == 0)
    {
      for (size_t i = 0; i < sizeof try_entries / sizeof try_entries[0]; i++)
        printf ("%s\n", try_entries[i].name);
      return 0;
    }

  if (argc != 2)
    {
      fprintf (stderr, "usage: try-syscall NAME | --list\n");
      return 255;
    }

  entry = try_syscall_find (argv[1]);
  if (entry == NULL)
    {
      fprintf (stderr, "try-syscall: unknown name \"%s\" (see --list)\n", argv[1]);
      return 255;
    }

  return entry->func ();
}
#endif
