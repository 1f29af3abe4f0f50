/* SPDX-License-Identifier: Apache-2.0 */
/*
 * allow_udp: each datagram's destination must pass net_allow, as a connect
 * would. sendto() with an address, sendmsg() and sendmmsg() are performed
 * by the supervisor, for every socket: a check on one socket followed by
 * the kernel looking the fd up again could meet a UDP socket swapped in
 * meanwhile. Sends without an address (send, write, sendto with none) go
 * to a peer that connect() checked, and pass untrapped.
 *
 * The cost: the data is copied through the supervisor (at most
 * MAX_SEND bytes per call; a stream socket sees a short send), and a send
 * that blocks holds the sandbox's other trapped calls meanwhile.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

#define MAX_SEND (256 * 1024)
#define MAX_IOV 64
#define MAX_CONTROL 4096

/* A destination the program named on @sock: IP ones must pass net_allow;
 * others (unix, on stream sockets that refuse them) are the kernel's. */
static int
check_name (SandlockSupervisor      *sv,
            int                      sock,
            struct sockaddr_storage *addr,
            socklen_t                length,
            char                    *detail,
            gsize                    detail_size)
{
  sandlock_format_sockaddr (addr, length, detail, detail_size);
  if (addr->ss_family == AF_INET || addr->ss_family == AF_INET6)
    {
      int error = sandlock_net_allow_check (sv->net_allow, (struct sockaddr *) addr, length);

      /* A port the HTTP proxy takes is open for it alone: datagrams there
       * (QUIC) would pass its rules by. */
      if (error == 0 && sandlock_http_proxy_intercepts (sv->http_proxy, (struct sockaddr *) addr) &&
          sandlock_socket_option (sock, SO_TYPE) != SOCK_STREAM)
        error = EACCES;
      return error;
    }
  if (addr->ss_family == AF_UNIX)
    return 0;
  return EAFNOSUPPORT;
}

/* The program's iovecs, gathered into @data (at most MAX_SEND bytes). */
static gssize
gather (SandlockSupervisor         *sv,
        const struct seccomp_notif *req,
        guint64                     iov_address,
        gsize                       iov_count,
        guint8                     *data)
{
  struct iovec remote[MAX_IOV];
  gsize total = 0;

  if (iov_count > MAX_IOV)
    return -EMSGSIZE;
  if (iov_count > 0 &&
      !sandlock_supervisor_read (sv, req, iov_address, remote, iov_count * sizeof *remote))
    return -EFAULT;
  for (gsize i = 0; i < iov_count && total < MAX_SEND; i++)
    {
      gsize n = MIN (remote[i].iov_len, MAX_SEND - total);

      if (n > 0 && !sandlock_supervisor_read (sv, req, (guintptr) remote[i].iov_base,
                                              data + total, n))
        return -EFAULT;
      total += n;
    }
  return total;
}

/* SCM_RIGHTS carries the program's fd numbers: swap in our duplicates. */
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

/* One message, as sendmsg(@sock, @remote_msg, @flags) in the program
 * would send it. Returns bytes sent or -errno. */
static gint64
send_message (SandlockSupervisor         *sv,
              const struct seccomp_notif *req,
              int                         sock,
              const struct msghdr        *remote_msg,
              int                         flags,
              char                       *detail,
              gsize                       detail_size)
{
  g_autofree guint8 *data = g_malloc (MAX_SEND);
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (int));
  struct sockaddr_storage addr = { 0 };
  guint8 control[MAX_CONTROL];
  struct iovec iov;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  gint64 result;
  gssize length;
  int error;

  g_strlcpy (detail, "(connected)", detail_size);
  length = gather (sv, req, (guintptr) remote_msg->msg_iov, remote_msg->msg_iovlen, data);
  if (length < 0)
    return length;
  iov = (struct iovec) { data, length };

  if (remote_msg->msg_name != NULL && remote_msg->msg_namelen > 0)
    {
      if (remote_msg->msg_namelen > sizeof addr)
        return -EINVAL;
      if (!sandlock_supervisor_read (sv, req, (guintptr) remote_msg->msg_name, &addr,
                                     remote_msg->msg_namelen))
        return -EFAULT;
      if ((error = check_name (sv, sock, &addr, remote_msg->msg_namelen, detail, detail_size)) != 0)
        return -error;
      msg.msg_name = &addr;
      msg.msg_namelen = remote_msg->msg_namelen;
    }

  result = 0;
  if (remote_msg->msg_controllen > 0)
    {
      if (remote_msg->msg_controllen > MAX_CONTROL)
        return -ENOBUFS;
      if (!sandlock_supervisor_read (sv, req, (guintptr) remote_msg->msg_control, control,
                                     remote_msg->msg_controllen))
        return -EFAULT;
      msg.msg_control = control;
      msg.msg_controllen = remote_msg->msg_controllen;
      if ((error = translate_rights (req, &msg, taken)) != 0)
        result = -error;
    }
  if (result == 0 && (result = sendmsg (sock, &msg, flags | MSG_NOSIGNAL)) < 0)
    result = -errno;

  for (guint i = 0; i < taken->len; i++)
    close (g_array_index (taken, int, i));
  return result;
}

static void
answer (SandlockSupervisor         *sv,
        const struct seccomp_notif *req,
        struct seccomp_notif_resp  *resp,
        gint64                      result,
        const char                 *detail)
{
  if (result >= 0)
    sandlock_resp_return (resp, result);
  else
    sandlock_resp_deny (resp, -result);
  if (result == -ECONNREFUSED || result == -EACCES)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, -result,
                              "net_allow");
}

static void
on_sendto (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  struct iovec iov = { (void *) (guintptr) req->data.args[1], req->data.args[2] };
  struct msghdr msg = {
    .msg_name = (void *) (guintptr) req->data.args[4],
    .msg_namelen = req->data.args[5],
  };
  g_autofree guint8 *data = NULL;
  struct sockaddr_storage addr = { 0 };
  char detail[256];
  gint64 sent;
  int error;

  if (sock < 0)
    {
      sandlock_resp_deny (resp, EBADF);
      return;
    }
  if (msg.msg_namelen == 0)
    {
      sandlock_resp_continue (resp);   /* no address: the connected peer */
      return;
    }
  if (msg.msg_namelen > sizeof addr)
    {
      sandlock_resp_deny (resp, EINVAL);
      return;
    }
  if (!sandlock_supervisor_read (sv, req, (guintptr) msg.msg_name, &addr, msg.msg_namelen))
    {
      sandlock_resp_deny (resp, EFAULT);
      return;
    }
  if ((error = check_name (sv, sock, &addr, msg.msg_namelen, detail, sizeof detail)) != 0)
    {
      answer (sv, req, resp, -error, detail);
      return;
    }
  data = g_malloc (MAX (MIN (iov.iov_len, MAX_SEND), 1));
  iov.iov_len = MIN (iov.iov_len, MAX_SEND);
  if (iov.iov_len > 0 &&
      !sandlock_supervisor_read (sv, req, (guintptr) iov.iov_base, data, iov.iov_len))
    {
      sandlock_resp_deny (resp, EFAULT);
      return;
    }
  sent = sendto (sock, data, iov.iov_len, (int) req->data.args[3] | MSG_NOSIGNAL,
                 (struct sockaddr *) &addr, msg.msg_namelen);
  answer (sv, req, resp, sent < 0 ? -errno : sent, detail);
}

static void
on_sendmsg (SandlockSupervisor         *sv,
            const struct seccomp_notif *req,
            struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  struct msghdr msg;
  char detail[256];

  if (sock < 0)
    {
      sandlock_resp_deny (resp, EBADF);
      return;
    }
  if (!sandlock_supervisor_read (sv, req, req->data.args[1], &msg, sizeof msg))
    {
      sandlock_resp_deny (resp, EFAULT);
      return;
    }
  answer (sv, req, resp,
          send_message (sv, req, sock, &msg, (int) req->data.args[2], detail, sizeof detail),
          detail);
}

static void
on_sendmmsg (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  guint vlen = MIN (req->data.args[2], 64);
  char detail[256] = "";
  guint sent = 0;

  if (sock < 0)
    {
      sandlock_resp_deny (resp, EBADF);
      return;
    }
  for (; sent < vlen; sent++)
    {
      struct mmsghdr entry;
      guint64 address = req->data.args[1] + sent * sizeof entry;
      unsigned int length;
      gint64 result;

      if (!sandlock_supervisor_read (sv, req, address, &entry, sizeof entry))
        break;
      result = send_message (sv, req, sock, &entry.msg_hdr, (int) req->data.args[3],
                             detail, sizeof detail);
      if (result < 0)
        {
          if (sent == 0)
            {
              answer (sv, req, resp, result, detail);
              return;
            }
          break;
        }
      /* How much went, as the kernel tells it. */
      length = result;
      sandlock_supervisor_write (sv, req, address + G_STRUCT_OFFSET (struct mmsghdr, msg_len),
                                 &length, sizeof length);
    }
  sandlock_resp_return (resp, sent);
}

void
sandlock_sv_send_install (SandlockSupervisor *sv)
{
  if (!sv->policy->allow_udp)
    return;
  sandlock_supervisor_trap (sv, __NR_sendto, on_sendto, 0, 4);
  sandlock_supervisor_trap (sv, __NR_sendmsg, on_sendmsg, 0, -1);
  sandlock_supervisor_trap (sv, __NR_sendmmsg, on_sendmmsg, 0, -1);
}
