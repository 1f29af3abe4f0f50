/* SPDX-License-Identifier: Apache-2.0 */
/* The supervisor fails closed: when it cannot decide, or is gone, the
 * trapped call does not go through. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <linux/wireless.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
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

/* socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) with @family_high on the
 * family (the kernel reads an int): its errno, or 0 when the socket's
 * namespace has lo alone, 100 when more. */
static int
netlink_result (gboolean family_high)
{
  long family = AF_NETLINK | (family_high ? 0x100000000L : 0);
  int fd = syscall (SYS_socket, family, (long) SOCK_RAW, (long) NETLINK_ROUTE);
  int names = 0;

  if (fd < 0)
    return errno;
  for (int index = 1; index <= 64; index++)
    {
      struct ifreq ifr = { .ifr_ifindex = index };

      if (ioctl (fd, SIOCGIFNAME, &ifr) == 0)
        names += g_str_equal (ifr.ifr_name, "lo") ? 1 : 100;
    }
  return names == 1 ? 0 : 100;
}

typedef int (*ChildBody) (gconstpointer data);

/* A child that loads @filter, hands its listener's number over @report,
 * waits for a byte on @go, then exits with what @body returns. */
static pid_t
start_served_child (const SandlockFilter *filter,
                    int                   report,
                    int                   go,
                    ChildBody             body,
                    gconstpointer         data)
{
  pid_t pid = fork ();

  if (pid == 0)
    {
      int listener;
      char byte;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
          (listener = sandlock_notify_filter_load (filter)) < 0)
        _exit (101);
      if (write (report, &listener, sizeof listener) != sizeof listener ||
          read (go, &byte, 1) != 1)
        _exit (102);
      _exit (body (data));
    }
  return pid;
}

static int
netlink_body (gconstpointer data)
{
  return netlink_result (GPOINTER_TO_INT (data));
}

/* Serves a child running @body; the supervisor has the loopback-only view
 * (for netlink and the interface ioctls) only when told the sandbox has a
 * user namespace of its own. */
static int
under_supervisor (gboolean      view,
                  ChildBody     body,
                  gconstpointer data)
{
  SandlockSupervisor *sv = new_supervisor ();
  g_autoptr(GError) error = NULL;
  int report[2], go[2], number, pidfd, listener, status;
  siginfo_t info;
  pid_t child;

  if (view)
    sandlock_supervisor_set_netlink_view (sv, TRUE);
  g_assert_cmpint (pipe (report), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);
  child = start_served_child (sandlock_supervisor_get_filter (sv), report[1], go[0],
                              body, data);
  g_assert_cmpint (read (report[0], &number, sizeof number), ==, sizeof number);
  pidfd = syscall (SYS_pidfd_open, child, 0);
  g_assert_cmpint (pidfd, >=, 0);
  listener = syscall (SYS_pidfd_getfd, pidfd, number, 0);
  g_assert_cmpint (listener, >=, 0);

  g_assert_true (sandlock_supervisor_start (sv, listener, child, &error));
  g_assert_no_error (error);
  g_assert_cmpint (write (go[1], "", 1), ==, 1);
  status = child_status (child);
  close (pidfd);
  for (int i = 0; i < 2; i++)
    close (report[i]), close (go[i]);

  /* The process that made the sockets goes with the supervisor, reaped. */
  sandlock_supervisor_free (sv);
  g_assert_cmpint (waitid (P_ALL, 0, &info, WEXITED | WNOHANG | __WALL), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
  return status;
}

static int
netlink_under_supervisor (gboolean view,
                          gboolean family_high)
{
  return under_supervisor (view, netlink_body, GINT_TO_POINTER (family_high));
}

static void
test_netlink_view (void)
{
  g_assert_cmpint (netlink_under_supervisor (TRUE, FALSE), ==, 0);
  /* High bits on the family: still AF_NETLINK to the kernel, still
   * trapped. */
  g_assert_cmpint (netlink_under_supervisor (TRUE, TRUE), ==, 0);
}

/* Unless told the sandbox has a user namespace, which the view's own
 * must not be under, the supervisor refuses. */
static void
test_netlink_refused_by_default (void)
{
  g_assert_cmpint (netlink_under_supervisor (FALSE, FALSE), ==, EAFNOSUPPORT);
}

/* Without a supervisor, a filter answers the same trap with an errno. */
static void
test_errno_filter (void)
{
  static const SandlockTrap netlink[] = {
    { .nr = __NR_socket, .trap_if_arg_nonzero = -1, .match_arg0 = TRUE, .arg0 = AF_NETLINK },
  };
  g_autoptr(SandlockFilter) filter =
    sandlock_notify_filter_build_errno (netlink, G_N_ELEMENTS (netlink), EAFNOSUPPORT);
  pid_t pid = fork ();

  if (pid == 0)
    {
      int fd;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
          sandlock_seccomp_load (filter) < 0)
        _exit (101);
      if (netlink_result (FALSE) != EAFNOSUPPORT || netlink_result (TRUE) != EAFNOSUPPORT)
        _exit (102);
      fd = socket (AF_UNIX, SOCK_STREAM, 0);
      _exit (fd >= 0 ? 0 : errno);
    }
  g_assert_cmpint (child_status (pid), ==, 0);
}

/* A trap on values and ranges of the second argument: the low 32 bits
 * only, the ends included, nothing around them. */
static void
test_arg1_ranges (void)
{
  static const SandlockArgRange ranges[] = {
    { 0x8913, 0x8913 }, { 0x89f0, 0x89ff }, { 0x8b00, 0x8bff },
  };
  static const SandlockTrap trap[] = {
    { .nr = __NR_ioctl, .trap_if_arg_nonzero = -1,
      .arg1_ranges = ranges, .n_arg1_ranges = G_N_ELEMENTS (ranges) },
  };
  static const struct {
    unsigned long value;
    gboolean      trapped;
  } cases[] = {
    { 0x8912, FALSE }, { 0x8913, TRUE }, { 0x8914, FALSE },
    { 0x89ef, FALSE }, { 0x89f0, TRUE }, { 0x89f7, TRUE }, { 0x89ff, TRUE }, { 0x8a00, FALSE },
    { 0x8aff, FALSE }, { 0x8b00, TRUE }, { 0x8bff, TRUE }, { 0x8c00, FALSE },
    { 0x8913 | 0x100000000UL, TRUE }, { 0x8c00 | 0x100000000UL, FALSE },
    { 0, FALSE }, { 0xffffffff, FALSE },
  };
  g_autoptr(SandlockFilter) filter =
    sandlock_notify_filter_build_errno (trap, G_N_ELEMENTS (trap), EHWPOISON);
  pid_t pid = fork ();

  if (pid == 0)
    {
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sandlock_seccomp_load (filter) < 0)
        _exit (255);
      /* fd -1: untrapped, the kernel says EBADF. */
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        if (syscall (SYS_ioctl, -1, cases[i].value, NULL) != -1 ||
            errno != (cases[i].trapped ? EHWPOISON : EBADF))
          _exit (i + 1);
      _exit (0);
    }
  g_assert_cmpint (child_status (pid), ==, 0);
}

/* ---- interface ioctls ---------------------------------------------------- */

typedef struct {
  const char    *what;
  unsigned long  request;
  gboolean       on_pipe;
  gboolean       trapped;
  int            untrapped_errno;   /* 0: any answer but ENOSYS */
} IoctlCase;

/* The notify filter traps ioctl for the interface requests alone: with
 * nobody serving the listener those fail (ENOSYS), and every other ioctl
 * gets the kernel's own answer, without a round trip. */
static const IoctlCase ioctl_cases[] = {
  { "TCGETS on a pipe",        TCGETS,                       TRUE,  FALSE, ENOTTY },
  { "FIONREAD",                FIONREAD,                     FALSE, FALSE, 0 },
  { "SIOCSIFFLAGS",            SIOCSIFFLAGS,                 FALSE, FALSE, 0 },
  { "SIOCGIFCOUNT",            SIOCGIFCOUNT,                 FALSE, FALSE, ENOTTY },
  { "SIOCGIFFLAGS",            SIOCGIFFLAGS,                 FALSE, TRUE,  0 },
  /* The kernel reads the request as 32 bits. */
  { "SIOCGIFFLAGS, high bits", SIOCGIFFLAGS | 0x100000000UL, FALSE, TRUE,  0 },
  { "SIOCGIFCONF",             SIOCGIFCONF,                  FALSE, TRUE,  0 },
  { "SIOCGIFINDEX on a pipe",  SIOCGIFINDEX,                 TRUE,  TRUE,  0 },
  { "SIOCETHTOOL",             SIOCETHTOOL,                  FALSE, TRUE,  0 },
  { "SIOCGHWTSTAMP",           SIOCGHWTSTAMP,                FALSE, TRUE,  0 },
  { "SIOCDEVPRIVATE",          SIOCDEVPRIVATE,               FALSE, TRUE,  0 },
  { "SIOCDEVPRIVATE+15",       SIOCDEVPRIVATE + 15,          FALSE, TRUE,  0 },
  { "SIOCPROTOPRIVATE+15",     SIOCDEVPRIVATE - 1,           FALSE, FALSE, 0 },
  { "SIOCIWFIRST",             SIOCIWFIRST,                  FALSE, TRUE,  0 },
  { "SIOCIWLAST",              SIOCIWLAST,                   FALSE, TRUE,  0 },
  { "below the wireless ones", SIOCIWFIRST - 1,              FALSE, FALSE, 0 },
  { "above the wireless ones", SIOCIWLAST + 1,               FALSE, FALSE, 0 },
};

static void
test_ioctl_filter (void)
{
  g_autoptr(SandlockSupervisor) sv = new_supervisor ();
  pid_t pid = fork ();
  int status;

  if (pid == 0)
    {
      int sock = socket (AF_INET, SOCK_STREAM, 0);
      int pipe_fds[2];
      int listener;

      if (sock < 0 || pipe (pipe_fds) < 0 ||
          prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
          (listener = sandlock_notify_filter_load (sandlock_supervisor_get_filter (sv))) < 0)
        _exit (255);
      close (listener);
      for (guint i = 0; i < G_N_ELEMENTS (ioctl_cases); i++)
        {
          const IoctlCase *c = &ioctl_cases[i];
          /* A name no machine has: a SET that went through changes
           * nothing. */
          struct ifreq ifr = { .ifr_name = "sandlocknone0" };
          int ret = syscall (SYS_ioctl, c->on_pipe ? pipe_fds[0] : sock, c->request, &ifr);
          int error = ret < 0 ? errno : 0;

          if (c->trapped ? error != ENOSYS
                         : error == ENOSYS || (c->untrapped_errno != 0 && error != c->untrapped_errno))
            _exit (i + 1);
        }
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != 0 && WEXITSTATUS (status) <= G_N_ELEMENTS (ioctl_cases))
    g_error ("%s: %s", ioctl_cases[WEXITSTATUS (status) - 1].what,
             ioctl_cases[WEXITSTATUS (status) - 1].trapped ? "not trapped" : "trapped");
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* The machine's interface names, but lo. */
typedef struct {
  char  names[32][IF_NAMESIZE];
  guint n;
} HostNames;

static void
get_host_names (HostNames *host)
{
  struct if_nameindex *all = if_nameindex ();

  g_assert_nonnull (all);
  host->n = 0;
  for (struct if_nameindex *i = all; i->if_index != 0 && host->n < G_N_ELEMENTS (host->names); i++)
    if (!g_str_equal (i->if_name, "lo"))
      g_strlcpy (host->names[host->n++], i->if_name, IF_NAMESIZE);
  if_freenameindex (all);
}

/* In the child: SIOCGIFCONF lists lo alone, lo's flags say so, and no
 * name of the machine's is known. 0, an errno, or 110+ for a wrong
 * answer. */
static int
ifioctl_body (gconstpointer data)
{
  const HostNames *host = data;
  struct ifreq entries[8];
  struct ifconf ifc = { .ifc_len = sizeof entries, .ifc_req = entries };
  struct ifreq ifr = { .ifr_name = "lo" };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  if (fd < 0)
    return 103;
  if (ioctl (fd, SIOCGIFCONF, &ifc) < 0)
    return errno;
  if (ifc.ifc_len != sizeof (struct ifreq) || strcmp (entries[0].ifr_name, "lo") != 0)
    return 110;
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return errno;
  if (!(ifr.ifr_flags & IFF_UP) || !(ifr.ifr_flags & IFF_LOOPBACK))
    return 111;
  for (guint i = 0; i < host->n; i++)
    {
      memset (&ifr, 0, sizeof ifr);
      memcpy (ifr.ifr_name, host->names[i], IF_NAMESIZE);
      if (ioctl (fd, SIOCGIFINDEX, &ifr) == 0 || errno != ENODEV)
        return 112;
    }
  return 0;
}

static void
test_ifioctl_view (void)
{
  HostNames host;

  get_host_names (&host);
  if (host.n == 0)
    g_test_message ("this machine has no interface but lo: only lo's answers are checked");
  g_assert_cmpint (under_supervisor (TRUE, ifioctl_body, &host), ==, 0);
}

/* Without the view (no user namespace of the sandbox's own), refused. */
static void
test_ifioctl_refused_without_view (void)
{
  HostNames host;

  get_host_names (&host);
  g_assert_cmpint (under_supervisor (FALSE, ifioctl_body, &host), ==, EPERM);
}

/* The hand-built filter stays a short program. */
static void
test_filter_size (void)
{
  g_autoptr(SandlockSupervisor) sv = new_supervisor ();
  const SandlockFilter *filter = sandlock_supervisor_get_filter (sv);

  g_assert_cmpuint (filter->prog.len, >, 4);
  g_test_message ("%u instructions", filter->prog.len);
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
  g_test_add_func ("/supervisor/netlink/view", test_netlink_view);
  g_test_add_func ("/supervisor/netlink/refused-by-default", test_netlink_refused_by_default);
  g_test_add_func ("/supervisor/netlink/errno-filter", test_errno_filter);
  g_test_add_func ("/supervisor/filter/arg1-ranges", test_arg1_ranges);
  g_test_add_func ("/supervisor/ifioctl/filter", test_ioctl_filter);
  g_test_add_func ("/supervisor/ifioctl/view", test_ifioctl_view);
  g_test_add_func ("/supervisor/ifioctl/refused-without-view", test_ifioctl_refused_without_view);
  return g_test_run ();
}
