/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Netlink: what `ip addr`, if_nameindex() and getifaddrs() need, showing
 * loopback only. socket(AF_NETLINK, type, NETLINK_ROUTE) is answered with
 * a socket of a network namespace that holds nothing but lo (up, so
 * 127.0.0.1/8 and ::1/128): the kernel itself answers every request on it,
 * nothing is parsed or made up here, and no host interface or address can
 * show. The sandbox's other sockets stay in the host's network namespace,
 * where net_allow's endpoints are. Every other netlink protocol is the deny
 * filter's (EPERM), and its answer wins over this trap.
 *
 * Who makes the sockets: a socket belongs for good to the namespace of the
 * process that made it, and the supervisor cannot enter one it made (setns
 * needs CAP_SYS_ADMIN in its own user namespace). So at the first netlink
 * socket of the sandbox (it costs about a millisecond, which the spawn does
 * not pay) the supervisor clones a "maker" into a new user and network
 * namespace; the maker brings lo up, then makes one socket per request and
 * passes it back over a socketpair. It lives outside the sandbox (no
 * process of the sandbox can see, signal or trace it) and dies with the
 * supervisor. Init could not do it: its own syscalls go through the notify
 * filter, to a supervisor that would be waiting for it, and it could not
 * return to the host's network namespace after leaving it.
 *
 * The maker's user namespace is a sibling of the sandbox's: the program has
 * no capability in it, so it can read the view but not change it (rtnetlink
 * wants CAP_NET_ADMIN from the sender for all but the GET requests). A
 * sandbox without a user namespace of its own runs in the supervisor's,
 * whose user owns the maker's, and would hold every capability over the
 * view: there NETLINK_ROUTE is refused (EAFNOSUPPORT), as in a sandbox
 * without a supervisor (see sandlock-sandbox.c).
 *
 * The interface ioctls (SIOCGIFCONF...) on the program's other sockets are
 * answered from the same view (sandlock-sv-ifioctl.c): for them the
 * supervisor keeps sockets of its own there, one per family, which the
 * maker makes like the program's. The supervisor's user owns the view's
 * user namespace, so only GET requests are ever made on them.
 *
 * What programs make of it: glibc's getaddrinfo() with AI_ADDRCONFIG
 * counts only addresses other than 127.0.0.1 and ::1 (check_pf.c). With
 * AF_UNSPEC, seeing none filters nothing; with AF_INET or AF_INET6 it is
 * EAI_NONAME for every name (getent ahostsv4). A refused netlink socket
 * reads as "cannot tell" and filters nothing.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

/* The maker answers at once; this only bounds a wedged one. */
#define MAKER_TIMEOUT_MS 2000

/* The families the maker makes sockets of, and the supervisor keeps one
 * of each for its own requests (sandlock-sv-ifioctl.c). */
static const int view_families[] = { AF_NETLINK, AF_INET, AF_INET6, AF_UNIX };

struct _SandlockNetlink {
  gboolean enabled;   /* the sandbox has a user namespace of its own */
  gboolean failed;    /* no view: the maker could not start, or broke */
  int      sock;      /* our end of the maker's socketpair, -1 = none yet */
  int      pidfd;     /* the maker's */
  int      own[G_N_ELEMENTS (view_families)];   /* -1 = not made yet */
};

/* What the supervisor asks the maker for. */
typedef struct {
  gint32 family;
  gint32 type;
} MakerRequest;

/*
 * The maker, in a fresh copy of a possibly multi-threaded process: only
 * async-signal-safe calls. Tells the setup's errno (0 when lo is up), then
 * answers each request (a family of view_families and a socket type) with
 * an errno and, when 0, the socket: NETLINK_ROUTE for netlink, the
 * family's default protocol for the others.
 */
static G_GNUC_NORETURN void
run_maker (int sock)
{
  struct ifreq ifr;
  gint32 error = 0;
  int fd;

  /* Keep no copy of the listener or of anything else of the process
   * (other sandboxes' files, in the D-Bus helper). */
  if (sock > 0)
    syscall (SYS_close_range, 0, sock - 1, 0);
  syscall (SYS_close_range, sock + 1, ~0U, 0);
  /* Our parent is the supervisor thread. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

  memset (&ifr, 0, sizeof ifr);
  memcpy (ifr.ifr_name, "lo", sizeof "lo");
  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    error = errno;
  else
    {
      ifr.ifr_flags |= IFF_UP;
      if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
        error = errno;
    }
  if (fd >= 0)
    close (fd);
  if (send (sock, &error, sizeof error, MSG_NOSIGNAL) != sizeof error || error != 0)
    _exit (1);

  for (;;)
    {
      char control[CMSG_SPACE (sizeof (int))];
      struct iovec iov = { &error, sizeof error };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
      MakerRequest request;
      ssize_t n = recv (sock, &request, sizeof request, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n != sizeof request)
        _exit (0);   /* the supervisor is done */

      fd = -1;
      error = EAFNOSUPPORT;
      for (guint i = 0; i < G_N_ELEMENTS (view_families); i++)
        if (request.family == view_families[i])
          {
            fd = socket (request.family, request.type | SOCK_CLOEXEC,
                         request.family == AF_NETLINK ? NETLINK_ROUTE : 0);
            error = fd < 0 ? errno : 0;
          }
      if (fd >= 0)
        {
          struct cmsghdr *c;

          memset (control, 0, sizeof control);
          msg.msg_control = control;
          msg.msg_controllen = sizeof control;
          c = CMSG_FIRSTHDR (&msg);
          c->cmsg_level = SOL_SOCKET;
          c->cmsg_type = SCM_RIGHTS;
          c->cmsg_len = CMSG_LEN (sizeof (int));
          memcpy (CMSG_DATA (c), &fd, sizeof fd);
        }
      n = sendmsg (sock, &msg, MSG_NOSIGNAL);
      if (fd >= 0)
        close (fd);
      if (n != sizeof error)
        _exit (0);
    }
}

static void
stop_maker (SandlockNetlink *nl)
{
  sandlock_close_fd (&nl->sock);
  if (nl->pidfd >= 0)
    {
      siginfo_t info;

      syscall (SYS_pidfd_send_signal, nl->pidfd, SIGKILL, NULL, 0);
      while (waitid (P_PIDFD, nl->pidfd, &info, WEXITED | __WALL) < 0 && errno == EINTR)
        ;
      sandlock_close_fd (&nl->pidfd);
    }
}

/* Waits (bounded) for the maker's next message. */
static gboolean
maker_answers (SandlockNetlink *nl)
{
  struct pollfd pfd = { .fd = nl->sock, .events = POLLIN };

  return poll (&pfd, 1, MAKER_TIMEOUT_MS) == 1 && (pfd.revents & POLLIN);
}

/* Starts the maker; 0 or an errno. */
static int
start_maker (SandlockNetlink *nl)
{
  int pair[2];
  gint32 error = 0;
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return errno;
  /* No exit signal: nobody in our process gets a SIGCHLD it did not ask
   * for, and no waitpid(-1) reaps it; we do, by its pidfd. clone, not
   * clone3, which a sandbox around us may refuse. */
  nl->pidfd = -1;
  pid = syscall (SYS_clone, CLONE_NEWUSER | CLONE_NEWNET | CLONE_PIDFD, 0, &nl->pidfd, 0, 0);
  if (pid == 0)
    run_maker (pair[1]);
  error = errno;
  close (pair[1]);
  nl->sock = pair[0];
  if (pid < 0)
    {
      nl->pidfd = -1;
      return error;
    }

  if (!maker_answers (nl) || recv (nl->sock, &error, sizeof error, 0) != sizeof error)
    error = ETIMEDOUT;
  return error;
}

/* A socket of the view in @out (NETLINK_ROUTE for AF_NETLINK); 0, or the
 * errno socket() gave the maker. FALSE when there is no view. */
static gboolean
make_socket (SandlockNetlink *nl,
             int              family,
             int              type,
             int             *out,
             int             *error)
{
  MakerRequest request = { family, type };
  gint32 answer = 0;
  union {
    char           buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { &answer, sizeof answer };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control.buf, .msg_controllen = sizeof control.buf,
  };
  struct cmsghdr *c;

  *out = -1;
  if (nl->failed)
    return FALSE;
  if (nl->sock < 0 && (*error = start_maker (nl)) != 0)
    {
      g_debug ("netlink: no loopback-only view: %s", g_strerror (*error));
      goto broken;
    }

  if (send (nl->sock, &request, sizeof request, MSG_NOSIGNAL) != sizeof request ||
      !maker_answers (nl) ||
      recvmsg (nl->sock, &msg, MSG_CMSG_CLOEXEC) != sizeof answer)
    goto broken;
  c = CMSG_FIRSTHDR (&msg);
  if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
      c->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (out, CMSG_DATA (c), sizeof (int));
  if ((msg.msg_flags & MSG_CTRUNC) || (answer == 0) != (*out >= 0))
    goto broken;
  *error = answer;
  return TRUE;

broken:
  sandlock_close_fd (out);
  stop_maker (nl);
  nl->failed = TRUE;
  return FALSE;
}

static void
on_socket (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  static const char detail[] = "netlink route (loopback only)";
  int type = (int) req->data.args[1];
  sandlock_autofd int sock = -1;
  struct seccomp_notif_addfd addfd = { 0 };
  int error = 0;

  /* The deny filter refused the other protocols already (the whole
   * register: the kernel reads only an int, so high bits are refused). */
  if (req->data.args[2] != NETLINK_ROUTE)
    return;   /* EPERM */

  if (!sv->netlink->enabled ||
      !make_socket (sv->netlink, AF_NETLINK, type & ~SOCK_CLOEXEC, &sock, &error))
    {
      sandlock_resp_deny (resp, EAFNOSUPPORT);
      sandlock_supervisor_emit (sv, req, "network",
                                sv->netlink->enabled
                                ? "netlink route (the loopback-only view is unavailable)"
                                : "netlink route (no loopback-only view without a user namespace)",
                                SANDLOCK_VERDICT_DENY, EAFNOSUPPORT, "netlink");
      return;
    }
  if (error != 0)
    {
      sandlock_resp_deny (resp, error);   /* the type or its flags, as socket() says */
      return;
    }

  /* Reported first: once answered, the program may be gone before we
   * could read its parent. */
  if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_ALLOW, 0, "netlink");
  addfd.id = req->id;
  addfd.srcfd = sock;
  addfd.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
  /* Answers the notification too: the new fd is socket()'s result. */
  addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
  if (ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0 || errno == ENOENT)
    resp->flags = SANDLOCK_RESP_SENT;
  else
    sandlock_resp_deny (resp, errno);   /* EMFILE: the program's own limit */
}

void
sandlock_supervisor_set_netlink_view (SandlockSupervisor *sv,
                                      gboolean            own_user_namespace)
{
  g_assert (sv->thread == NULL);
  sv->netlink->enabled = own_user_namespace;
}

int
sandlock_sv_netlink_view_socket (SandlockSupervisor *sv,
                                 int                 family)
{
  SandlockNetlink *nl = sv->netlink;
  int error = 0;

  if (!nl->enabled)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (view_families); i++)
    if (family == view_families[i])
      {
        /* Made once: a socket the kernel refused (IPv6 disabled) is asked
         * for again, which costs a round trip to the maker, no more.
         * Stream sockets: an outer sandbox may refuse datagram ones, and
         * the type makes no difference to the interface ioctls. */
        if (nl->own[i] < 0 &&
            make_socket (nl, family, family == AF_NETLINK ? SOCK_RAW : SOCK_STREAM,
                         &nl->own[i], &error) && error != 0)
          g_debug ("netlink: no %d socket in the loopback-only view: %s",
                   family, g_strerror (error));
        return nl->own[i];
      }
  return -1;
}

void
sandlock_sv_netlink_install (SandlockSupervisor *sv)
{
  sv->netlink = g_new0 (SandlockNetlink, 1);
  sv->netlink->sock = -1;
  sv->netlink->pidfd = -1;
  for (guint i = 0; i < G_N_ELEMENTS (sv->netlink->own); i++)
    sv->netlink->own[i] = -1;
  sandlock_supervisor_trap_arg0 (sv, __NR_socket, on_socket, AF_NETLINK);
}

void
sandlock_sv_netlink_free (SandlockNetlink *nl)
{
  if (nl == NULL)
    return;
  stop_maker (nl);
  for (guint i = 0; i < G_N_ELEMENTS (nl->own); i++)
    sandlock_close_fd (&nl->own[i]);
  g_free (nl);
}
