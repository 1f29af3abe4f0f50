/* SPDX-License-Identifier: Apache-2.0 */
/*
 * connect(), performed by the supervisor for every socket of the sandbox.
 *
 * Pathname unix sockets, which Landlock does not govern, may be reached
 * only when they lie under a writable grant: that keeps a sandbox off
 * every local service it was not given. The D-Bus sockets are refused even
 * there: a grant of /tmp or $XDG_RUNTIME_DIR must not hand out the session
 * bus, and through it the helper and the whole desktop (abstract
 * sockets are the Landlock scope's, always on; unix datagram sockets,
 * which could name a destination in every send, are refused by the
 * seccomp filter).
 *
 * No decision rests on anything the program could change after we looked:
 * we connect a duplicate of its socket (pidfd_getfd), which is the same
 * socket even if it swaps its fd table meanwhile, with our copy of the
 * address, and a unix path pinned as an O_PATH fd. Since our own thread is
 * not confined by the sandbox's Landlock domain, the TCP port rules
 * Landlock would apply are applied here too.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

typedef struct {
  dev_t dev;
  ino_t ino;
} SocketId;

static void
add_bus_socket (GArray     *sockets,
                const char *path)
{
  struct stat st;

  if (stat (path, &st) == 0 && S_ISSOCK (st.st_mode))
    g_array_append_val (sockets, ((SocketId) { st.st_dev, st.st_ino }));
}

/* The "path=" of each unix: entry of a D-Bus address ("unix:path=/run/
 * user/1000/bus;..."), with D-Bus's %XX escapes undone. */
static void
add_bus_address (GArray     *sockets,
                 const char *address)
{
  g_auto(GStrv) entries = NULL;

  if (address == NULL)
    return;
  entries = g_strsplit (address, ";", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto(GStrv) keys = NULL;

      if (!g_str_has_prefix (entries[i], "unix:"))
        continue;
      keys = g_strsplit (entries[i] + 5, ",", -1);
      for (guint k = 0; keys[k] != NULL; k++)
        if (g_str_has_prefix (keys[k], "path="))
          {
            g_autofree char *path = g_uri_unescape_string (keys[k] + 5, NULL);

            if (path != NULL)
              add_bus_socket (sockets, path);
          }
    }
}

static GArray *
find_bus_sockets (void)
{
  GArray *sockets = g_array_new (FALSE, FALSE, sizeof (SocketId));
  g_autofree char *runtime_bus = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);

  add_bus_address (sockets, g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  add_bus_address (sockets, g_getenv ("DBUS_STARTER_ADDRESS"));
  add_bus_address (sockets, g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));
  add_bus_socket (sockets, runtime_bus);
  add_bus_socket (sockets, "/run/dbus/system_bus_socket");
  add_bus_socket (sockets, "/var/run/dbus/system_bus_socket");
  return sockets;
}

static gboolean
is_bus_socket (SandlockSupervisor *sv,
               const struct stat  *st)
{
  for (guint i = 0; i < sv->bus_sockets->len; i++)
    {
      SocketId *id = &g_array_index (sv->bus_sockets, SocketId, i);

      if (id->dev == st->st_dev && id->ino == st->st_ino)
        return TRUE;
    }
  return FALSE;
}

static gboolean
beneath_writable (SandlockSupervisor *sv,
                  const char         *path)
{
  for (guint i = 0; i < sv->policy->fs_writable->len; i++)
    {
      /* Grants name paths; the socket was found by its real location. */
      g_autofree char *root = realpath (sv->policy->fs_writable->pdata[i], NULL);

      if (root != NULL && sandlock_path_is_beneath (path, root))
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
                    gsize                       detail_size,
                    const char                **rule)
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
  if (is_bus_socket (sv, &st))
    {
      *rule = "dbus";
      g_snprintf (detail, detail_size, "unix %s (a D-Bus bus)", path);
      return EACCES;
    }

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

/* net_allow (what Landlock would apply to ports, and hosts besides) and
 * what a policy function narrowed the ports to. Returns 0 or an errno. */
static int
check_destination (SandlockSupervisor    *sv,
                   const struct sockaddr *addr,
                   socklen_t              length)
{
  int error = sandlock_net_allow_check (sv->net_allow, addr, length);
  guint16 port = g_ntohs (((const struct sockaddr_in *) addr)->sin_port);
  gboolean listed = FALSE;

  if (error != 0 || sv->net_ports == NULL)
    return error;
  for (guint i = 0; i < sv->net_ports->len; i++)
    listed |= g_array_index (sv->net_ports, guint16, i) == port;
  return listed ? 0 : EACCES;
}

/* port_remap: a loopback connect to a virtual port of this sandbox goes
 * to the real port behind it. */
static void
redirect_loopback (SandlockSupervisor      *sv,
                   struct sockaddr_storage *addr)
{
  static const struct in6_addr loopback6 = IN6ADDR_LOOPBACK_INIT;
  guint16 *port;

  if (addr->ss_family == AF_INET &&
      (g_ntohl (((struct sockaddr_in *) addr)->sin_addr.s_addr) >> 24) == 127)
    port = &((struct sockaddr_in *) addr)->sin_port;
  else if (addr->ss_family == AF_INET6 &&
           memcmp (&((struct sockaddr_in6 *) addr)->sin6_addr, &loopback6, sizeof loopback6) == 0)
    port = &((struct sockaddr_in6 *) addr)->sin6_port;
  else
    return;
  *port = g_htons (sandlock_sv_ports_real (sv, g_ntohs (*port)));
}

/* Connects @sock without blocking this thread. Returns TRUE when the
 * connect goes on in the background for a program that waits for it (the
 * answer will come from the loop); else @error holds the outcome. */
static gboolean
start_connect (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               struct seccomp_notif_resp  *resp,
               int                         sock,
               const struct sockaddr      *target,
               socklen_t                   length,
               int                        *error)
{
  int flags = fcntl (sock, F_GETFL);
  gboolean blocking = flags >= 0 && !(flags & O_NONBLOCK);
  SandlockPendingConnect pending;

  if (blocking)
    fcntl (sock, F_SETFL, flags | O_NONBLOCK);
  *error = connect (sock, target, length) < 0 ? errno : 0;
  if (!blocking || *error != EINPROGRESS)
    {
      if (blocking)
        fcntl (sock, F_SETFL, flags);
      return FALSE;
    }

  pending = (SandlockPendingConnect) { .fd = sock, .id = req->id, .flags = flags };
  g_array_append_val (sv->pending_connects, pending);
  resp->flags = SANDLOCK_RESP_SENT;
  return TRUE;
}

void
sandlock_sv_connect_finish (SandlockSupervisor *sv,
                            guint               index)
{
  SandlockPendingConnect *pending =
    &g_array_index (sv->pending_connects, SandlockPendingConnect, index);
  struct seccomp_notif_resp *resp = sv->resp;
  int error = 0;
  socklen_t len = sizeof error;

  if (getsockopt (pending->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
    error = errno;
  /* The program's socket was blocking: give it back that way. */
  fcntl (pending->fd, F_SETFL, pending->flags);

  memset (resp, 0, sv->resp_size);
  resp->id = pending->id;
  if (error == 0)
    sandlock_resp_return (resp, 0);
  else
    sandlock_resp_deny (resp, error);
  /* ENOENT: the program gave up (killed) meanwhile. */
  ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
  close (pending->fd);
  g_array_remove_index_fast (sv->pending_connects, index);
}

static void
on_connect (SandlockSupervisor         *sv,
            const struct seccomp_notif *req,
            struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  sandlock_autofd int pinned_fd = -1;
  socklen_t length = req->data.args[2];
  struct sockaddr_storage addr = { 0 };
  struct sockaddr_un pinned = { 0 };
  struct sockaddr_storage proxied;
  const struct sockaddr *target = (struct sockaddr *) &addr;
  socklen_t target_length = length;
  const char *rule = "observe";
  gboolean inet = FALSE, proxied_port = FALSE;
  char detail[256];
  int error = 0;

  if (sock < 0)
    {
      /* Never let the kernel look the fd up again: it may be another by
       * then. */
      sandlock_resp_deny (resp, errno == EBADF ? EBADF : ENOTSOCK);
      return;
    }
  if (length > sizeof addr)
    {
      sandlock_resp_deny (resp, EINVAL);
      return;
    }
  if (length > 0 && !sandlock_supervisor_read (sv, req, req->data.args[1], &addr, length))
    {
      sandlock_resp_deny (resp, EFAULT);
      return;
    }
  sandlock_format_sockaddr (&addr, length, detail, sizeof detail);

  if (sandlock_socket_option (sock, SO_DOMAIN) == AF_UNIX && length > sizeof (sa_family_t) &&
      addr.ss_family == AF_UNIX)
    {
      rule = "fs_writable";
      error = check_unix_address (sv, req, (struct sockaddr_un *) &addr, length, &pinned,
                                  &target_length, &pinned_fd, detail, sizeof detail, &rule);
      target = (struct sockaddr *) &pinned;
    }
  else if ((addr.ss_family == AF_INET && length >= sizeof (struct sockaddr_in)) ||
           (addr.ss_family == AF_INET6 && length >= sizeof (struct sockaddr_in6)))
    {
      inet = TRUE;
      rule = "net_allow";
      error = check_destination (sv, (struct sockaddr *) &addr, length);
      /* The cheap test first: most sandboxes have no proxy. */
      proxied_port = error == 0 &&
                     sandlock_http_proxy_intercepts (sv->http_proxy, (struct sockaddr *) &addr);
      /* Only TCP goes through the proxy: anything else (QUIC, or a socket
       * whose type cannot be read) would pass its rules by. */
      if (proxied_port && sandlock_socket_option (sock, SO_TYPE) != SOCK_STREAM)
        {
          error = EACCES;
          rule = "http_ports";
        }
      else if (proxied_port)
        g_strlcat (detail, " (HTTP proxy)", sizeof detail);
    }

  if (error == 0 &&
      sandlock_supervisor_consult (sv, req, "network", detail, &error) == SANDLOCK_VERDICT_DENY)
    rule = "policy_fn";
  if (error == EACCES || error == EPERM || (error == ECONNREFUSED && g_str_equal (rule, "net_allow")))
    {
      sandlock_resp_deny (resp, error);
      sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, error, rule);
      return;
    }
  /* Allowed: only now is the socket bound for the proxy (a denied one is
   * left as it was). */
  if (error == 0 && proxied_port)
    {
      /* Through the HTTP proxy, which goes on where it was headed. */
      error = sandlock_http_proxy_redirect (sv->http_proxy, sock, (struct sockaddr *) &addr,
                                            req->pid, &proxied, &target_length);
      target = (struct sockaddr *) &proxied;
    }
  else if (error == 0 && inet)
    redirect_loopback (sv, &addr);

  if (error == 0 && g_str_equal (rule, "net_allow"))
    {
      /* TCP may take long: start it without blocking; the supervisor loop
       * answers when it completes (sandlock_sv_connect_finish). */
      if (start_connect (sv, req, resp, sock, target, target_length, &error))
        {
          sandlock_steal_fd (&sock);   /* the pending connect holds it now */
          return;
        }
    }
  else if (error == 0 && connect (sock, target, target_length) < 0)
    error = errno;   /* unix and others: immediate */

  if (error == 0)
    sandlock_resp_return (resp, 0);
  else
    sandlock_resp_deny (resp, error);
  if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_ALLOW, error, rule);
}

void
sandlock_sv_connect_install (SandlockSupervisor *sv)
{
  /* Found in the parent, whose environment still names the buses. */
  sv->bus_sockets = find_bus_sockets ();
  sandlock_supervisor_trap (sv, __NR_connect, on_connect, 0, -1);
}
