/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pathname unix sockets, which Landlock does not govern: a sandbox may
 * connect or send to one only when the socket lies under a writable grant.
 * That keeps it off the session bus and every other local service it was
 * not given (abstract sockets are the Landlock scope's, always on).
 *
 * No decision rests on memory the program could change after we read it:
 * the socket's family comes from the socket itself (pidfd_getfd), and for
 * unix sockets the supervisor performs the call itself, on a duplicate of
 * the program's socket, with the address it checked, pinned as an O_PATH
 * fd. Other families pass untouched: the kernel refuses a unix address on
 * them, whatever the program writes there meanwhile.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

/* A datagram larger than this is refused (EMSGSIZE) rather than copied. */
#define MAX_DATAGRAM (256 * 1024)
#define MAX_IOV 64
#define MAX_CONTROL 4096

static int
socket_option (int fd,
               int option)
{
  int value = -1;
  socklen_t len = sizeof value;

  if (getsockopt (fd, SOL_SOCKET, option, &value, &len) < 0)
    return -1;
  return value;
}

static gboolean
beneath_writable (SandlockSupervisor *sv,
                  const char         *path)
{
  for (guint i = 0; i < sv->policy->fs_writable->len; i++)
    {
      g_autofree char *root = realpath (sv->policy->fs_writable->pdata[i], NULL);
      gsize len;

      if (root == NULL)
        continue;
      len = strlen (root);
      if (strncmp (path, root, len) == 0 &&
          (path[len] == '\0' || path[len] == '/' || g_str_equal (root, "/")))
        return TRUE;
    }
  return FALSE;
}

/*
 * Checks a unix address the program named and, when it may be used, fills
 * @pinned with an address that reaches the same socket through an O_PATH
 * fd we hold (@pinned_fd), so nothing can swap the socket after the check.
 * Returns 0 or the errno to answer with.
 */
static int
check_unix_address (SandlockSupervisor         *sv,
                    const struct seccomp_notif *req,
                    const struct sockaddr_un   *addr,
                    socklen_t                   length,
                    struct sockaddr_un         *pinned,
                    socklen_t                  *pinned_length,
                    int                        *pinned_fd,
                    char                       *detail,
                    gsize                       detail_size)
{
  g_autofree char *link = NULL;
  g_autofree char *where = NULL;
  char path[sizeof addr->sun_path + 1] = "";
  gsize path_len = length - offsetof (struct sockaddr_un, sun_path);
  sandlock_autofd int cwd = -1;
  sandlock_autofd int fd = -1;
  struct stat st;

  sandlock_format_sockaddr (addr, length, detail, detail_size);
  if (path_len == 0 || addr->sun_path[0] == '\0')
    return EPERM;   /* unnamed or abstract: not ours to reach */
  memcpy (path, addr->sun_path, MIN (path_len, sizeof addr->sun_path));

  /* Resolve where the program would: from its working directory. */
  link = g_strdup_printf ("/proc/%u/cwd", req->pid);
  cwd = open (link, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0)
    return EACCES;
  fd = openat (cwd, path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? ENOENT : ECONNREFUSED;
  if (fstat (fd, &st) < 0 || !S_ISSOCK (st.st_mode))
    return ECONNREFUSED;

  g_free (link);
  link = g_strdup_printf ("/proc/self/fd/%d", fd);
  where = g_file_read_link (link, NULL);
  if (where != NULL)
    g_snprintf (detail, detail_size, "unix %s", where);
  if (where == NULL || !beneath_writable (sv, where))
    return EACCES;

  pinned->sun_family = AF_UNIX;
  *pinned_length = offsetof (struct sockaddr_un, sun_path) +
                   g_snprintf (pinned->sun_path, sizeof pinned->sun_path,
                               "/proc/self/fd/%d", fd) + 1;
  *pinned_fd = sandlock_steal_fd (&fd);
  return 0;
}

/* Non-unix sockets: the kernel (Landlock) decides, unless a policy function
 * narrowed the TCP ports: then we connect ourselves, with the address we
 * checked, so that no later write to it can reach another port. */
static void
connect_other (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               struct seccomp_notif_resp  *resp,
               int                         sock)
{
  struct sockaddr_storage addr = { 0 };
  socklen_t length = MIN (req->data.args[2], sizeof addr);
  char detail[256];
  guint16 port;
  gboolean listed = FALSE;
  int error;

  if (sv->net_ports == NULL)
    {
      sandlock_sv_decide_address (sv, req, resp);
      return;
    }
  if (!sandlock_supervisor_read (sv, req, req->data.args[1], &addr, length))
    return;   /* stays denied */
  if ((addr.ss_family != AF_INET && addr.ss_family != AF_INET6) ||
      length < sizeof (struct sockaddr_in))
    {
      sandlock_sv_decide_address (sv, req, resp);
      return;
    }

  sandlock_format_sockaddr (&addr, length, detail, sizeof detail);
  port = g_ntohs (((struct sockaddr_in *) &addr)->sin_port);
  for (guint i = 0; i < sv->net_ports->len; i++)
    listed |= g_array_index (sv->net_ports, guint16, i) == port;
  if (!listed)
    {
      sandlock_resp_deny (resp, EACCES);
      sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, EACCES,
                                "policy_fn");
      return;
    }
  if (sandlock_supervisor_consult (sv, req, "network", detail, &error) == SANDLOCK_VERDICT_DENY)
    {
      sandlock_resp_deny (resp, error);
      sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, error,
                                "policy_fn");
      return;
    }
  /* Our own thread connects: Landlock does not confine it, so the static
   * port rules must hold here too. */
  {
    g_autoptr(GArray) allowed = sandlock_policy_connect_ports (sv->policy);
    gboolean static_ok = FALSE;

    for (guint i = 0; i < allowed->len; i++)
      static_ok |= g_array_index (allowed, guint16, i) == port;
    if (!static_ok)
      {
        sandlock_resp_deny (resp, EACCES);
        sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, EACCES,
                                  "net_allow");
        return;
      }
  }
  if (connect (sock, (struct sockaddr *) &addr, length) < 0)
    sandlock_resp_deny (resp, errno);
  else
    sandlock_resp_return (resp, 0);
}

static void
on_connect (SandlockSupervisor         *sv,
            const struct seccomp_notif *req,
            struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  sandlock_autofd int pinned_fd = -1;
  socklen_t length = req->data.args[2];
  struct sockaddr_un addr = { 0 };
  struct sockaddr_un pinned = { 0 };
  socklen_t pinned_length = 0;
  char detail[256];
  int error;

  if (sock < 0)
    {
      /* EBADF and friends: let the kernel say it, on the program's fd. */
      sandlock_resp_continue (resp);
      return;
    }
  if (socket_option (sock, SO_DOMAIN) != AF_UNIX)
    {
      connect_other (sv, req, resp, sock);
      return;
    }
  if (length > sizeof addr || length < sizeof (sa_family_t))
    {
      sandlock_resp_deny (resp, EINVAL);
      return;
    }
  if (!sandlock_supervisor_read (sv, req, req->data.args[1], &addr, length))
    return;   /* stays denied */
  if (addr.sun_family != AF_UNIX)
    {
      sandlock_resp_deny (resp, EINVAL);
      return;
    }

  error = check_unix_address (sv, req, &addr, length, &pinned, &pinned_length,
                              &pinned_fd, detail, sizeof detail);
  if (error == 0 &&
      sandlock_supervisor_consult (sv, req, "network", detail, &error) == SANDLOCK_VERDICT_DENY)
    {
      sandlock_resp_deny (resp, error);
      sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, error,
                                "policy_fn");
      return;
    }
  if (error == 0 && connect (sock, (struct sockaddr *) &pinned, pinned_length) < 0)
    error = errno;

  if (error == 0)
    sandlock_resp_return (resp, 0);
  else
    sandlock_resp_deny (resp, error);
  if (error == EACCES || error == EPERM)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, error,
                              "fs_writable");
  else if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_ALLOW, error,
                              "fs_writable");
}

/* Copies the program's message (iovecs, control) into @buffers. */
static gboolean
read_message (SandlockSupervisor         *sv,
              const struct seccomp_notif *req,
              const struct msghdr        *msg,
              struct iovec               *iov,
              guint8                     *data,
              guint8                     *control,
              int                        *error)
{
  struct iovec remote[MAX_IOV];
  gsize total = 0;

  if (msg->msg_iovlen > MAX_IOV || msg->msg_controllen > MAX_CONTROL)
    {
      *error = msg->msg_iovlen > MAX_IOV ? EMSGSIZE : ENOBUFS;
      return FALSE;
    }
  if (msg->msg_iovlen > 0 &&
      !sandlock_supervisor_read (sv, req, (guintptr) msg->msg_iov, remote,
                                 msg->msg_iovlen * sizeof *remote))
    return FALSE;
  for (gsize i = 0; i < msg->msg_iovlen; i++)
    {
      if (remote[i].iov_len > MAX_DATAGRAM - total)
        {
          *error = EMSGSIZE;
          return FALSE;
        }
      if (remote[i].iov_len > 0 &&
          !sandlock_supervisor_read (sv, req, (guintptr) remote[i].iov_base,
                                     data + total, remote[i].iov_len))
        return FALSE;
      total += remote[i].iov_len;
    }
  iov->iov_base = data;
  iov->iov_len = total;
  return msg->msg_controllen == 0 ||
         sandlock_supervisor_read (sv, req, (guintptr) msg->msg_control, control,
                                   msg->msg_controllen);
}

/* File descriptors passed with SCM_RIGHTS are the program's numbers: swap
 * in our duplicates. Returns 0 or an errno. */
static int
translate_rights (const struct seccomp_notif *req,
                  struct msghdr              *msg,
                  GArray                     *taken)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c))
    {
      int *fds;
      gsize n;

      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      fds = (int *) CMSG_DATA (c);
      n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (gsize i = 0; i < n; i++)
        {
          int mine = sandlock_supervisor_steal_fd (req, fds[i]);

          if (mine < 0)
            return EBADF;
          g_array_append_val (taken, mine);
          fds[i] = mine;
        }
    }
  return 0;
}

/* sendmsg() of one message on a unix datagram socket, performed by us. */
static gint64
send_unix_message (SandlockSupervisor         *sv,
                   const struct seccomp_notif *req,
                   int                         sock,
                   const struct msghdr        *remote_msg,
                   int                         flags,
                   char                       *detail,
                   gsize                       detail_size)
{
  g_autofree guint8 *data = g_malloc (MAX_DATAGRAM);
  guint8 control[MAX_CONTROL];
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (int));
  struct sockaddr_un addr = { 0 };
  struct sockaddr_un pinned = { 0 };
  socklen_t pinned_length = 0;
  sandlock_autofd int pinned_fd = -1;
  struct iovec iov = { 0 };
  struct msghdr msg = { 0 };
  int error = EPERM;
  gint64 sent;

  g_strlcpy (detail, "unix (connected)", detail_size);
  if (!read_message (sv, req, remote_msg, &iov, data, control, &error))
    return -error;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (remote_msg->msg_controllen > 0)
    {
      msg.msg_control = control;
      msg.msg_controllen = remote_msg->msg_controllen;
      if ((error = translate_rights (req, &msg, taken)) != 0)
        goto out;
    }

  if (remote_msg->msg_name != NULL && remote_msg->msg_namelen > 0)
    {
      socklen_t length = remote_msg->msg_namelen;

      if (length > sizeof addr ||
          !sandlock_supervisor_read (sv, req, (guintptr) remote_msg->msg_name, &addr, length))
        {
          error = EINVAL;
          goto out;
        }
      error = check_unix_address (sv, req, &addr, length, &pinned, &pinned_length,
                                  &pinned_fd, detail, detail_size);
      if (error != 0)
        goto out;
      msg.msg_name = &pinned;
      msg.msg_namelen = pinned_length;
    }

  sent = sendmsg (sock, &msg, flags | MSG_NOSIGNAL);
  error = sent < 0 ? errno : 0;

out:
  for (guint i = 0; i < taken->len; i++)
    close (g_array_index (taken, int, i));
  return error != 0 ? -error : sent;
}

static void
answer_send (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             struct seccomp_notif_resp  *resp,
             gint64                      result,
             const char                 *detail)
{
  if (result >= 0)
    sandlock_resp_return (resp, result);
  else
    sandlock_resp_deny (resp, -result);
  if (result == -EACCES || result == -EPERM)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY,
                              -result, "fs_writable");
}

/* Which unix sockets we must send for: datagram ones, whose sends may name
 * a destination. Stream and seqpacket sockets ignore or refuse one. */
static gboolean
is_unix_datagram (int sock)
{
  return socket_option (sock, SO_DOMAIN) == AF_UNIX &&
         socket_option (sock, SO_TYPE) == SOCK_DGRAM;
}

static void
on_sendto (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  sandlock_autofd int pinned_fd = -1;
  g_autofree guint8 *data = NULL;
  gsize length = req->data.args[2];
  socklen_t addr_length = req->data.args[5];
  struct sockaddr_un addr = { 0 };
  struct sockaddr_un pinned = { 0 };
  socklen_t pinned_length = 0;
  char detail[256];
  gint64 sent;
  int error;

  if (sock < 0 || !is_unix_datagram (sock) || addr_length == 0)
    {
      sandlock_resp_continue (resp);   /* no address, or not ours to check */
      return;
    }
  if (length > MAX_DATAGRAM)
    {
      answer_send (sv, req, resp, -EMSGSIZE, "unix");
      return;
    }
  data = g_malloc (MAX (length, 1));
  if (length > 0 && !sandlock_supervisor_read (sv, req, req->data.args[1], data, length))
    return;
  if (addr_length > sizeof addr ||
      !sandlock_supervisor_read (sv, req, req->data.args[4], &addr, addr_length))
    {
      sandlock_resp_deny (resp, EINVAL);
      return;
    }
  error = check_unix_address (sv, req, &addr, addr_length, &pinned, &pinned_length,
                              &pinned_fd, detail, sizeof detail);
  if (error != 0)
    {
      answer_send (sv, req, resp, -error, detail);
      return;
    }
  sent = sendto (sock, data, length, (int) req->data.args[3] | MSG_NOSIGNAL,
                 (struct sockaddr *) &pinned, pinned_length);
  answer_send (sv, req, resp, sent < 0 ? -errno : sent, detail);
}

static void
on_sendmsg (SandlockSupervisor         *sv,
            const struct seccomp_notif *req,
            struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  struct msghdr msg;
  char detail[256];

  if (sock < 0 || !is_unix_datagram (sock))
    {
      sandlock_resp_continue (resp);
      return;
    }
  if (!sandlock_supervisor_read (sv, req, req->data.args[1], &msg, sizeof msg))
    return;
  answer_send (sv, req, resp,
               send_unix_message (sv, req, sock, &msg, (int) req->data.args[2],
                                  detail, sizeof detail),
               detail);
}

static void
on_sendmmsg (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  guint vlen = MIN (req->data.args[2], 64);
  char detail[256] = "unix";
  guint sent = 0;

  if (sock < 0 || !is_unix_datagram (sock))
    {
      sandlock_resp_continue (resp);
      return;
    }

  for (; sent < vlen; sent++)
    {
      struct mmsghdr entry;
      guint64 address = req->data.args[1] + sent * sizeof entry;
      gint64 result;

      if (!sandlock_supervisor_read (sv, req, address, &entry, sizeof entry))
        break;
      result = send_unix_message (sv, req, sock, &entry.msg_hdr, (int) req->data.args[3],
                                  detail, sizeof detail);
      if (result < 0)
        {
          if (sent == 0)
            {
              answer_send (sv, req, resp, result, detail);
              return;
            }
          break;
        }
      /* Tell the program how much went, as the kernel would. */
      {
        unsigned int len = result;
        struct iovec local = { &len, sizeof len };
        struct iovec remote = {
          (void *) (guintptr) (address + G_STRUCT_OFFSET (struct mmsghdr, msg_len)),
          sizeof len,
        };

        process_vm_writev (req->pid, &local, 1, &remote, 1, 0);
      }
    }
  sandlock_resp_return (resp, sent);
}

void
sandlock_sv_unix_install (SandlockSupervisor *sv)
{
  sandlock_supervisor_trap (sv, __NR_connect, on_connect, 0, -1);
  /* sendto without a destination cannot reach anything new. */
  sandlock_supervisor_trap (sv, __NR_sendto, on_sendto, 0, 4);
  sandlock_supervisor_trap (sv, __NR_sendmsg, on_sendmsg, 0, -1);
  sandlock_supervisor_trap (sv, __NR_sendmmsg, on_sendmmsg, 0, -1);
}
