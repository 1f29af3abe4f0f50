/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_remap: every sandbox has a port space of its own. The supervisor
 * binds TCP sockets itself (on a duplicate of the program's socket, with
 * its own copy of the address); when the port is taken it takes another,
 * remembers virtual -> real, answers getsockname() with the virtual port,
 * sends loopback connects to a virtual port to the real one, and shows
 * /proc/net/tcp(6) with the sandbox's own sockets only, ports virtual.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-landlock.h"
#include "sandlock-proctree.h"
#include "sandlock-supervisor-private.h"

static guint16 *
port_of (struct sockaddr_storage *addr)
{
  return addr->ss_family == AF_INET ? &((struct sockaddr_in *) addr)->sin_port
                                    : &((struct sockaddr_in6 *) addr)->sin6_port;
}

/* What Landlock would say to the program binding @port itself. */
static gboolean
bind_allowed (SandlockSupervisor *sv,
              guint16             port)
{
  if (sandlock_landlock_abi () < 4)
    return TRUE;
  for (guint i = 0; i < sv->policy->net_bind->len; i++)
    if (g_array_index (sv->policy->net_bind, guint16, i) == port)
      return TRUE;
  return FALSE;
}

static void
on_bind (SandlockSupervisor         *sv,
         const struct seccomp_notif *req,
         struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  socklen_t length = req->data.args[2];
  struct sockaddr_storage addr = { 0 };
  struct sockaddr_storage bound = { 0 };
  socklen_t bound_length = sizeof bound;
  char detail[256];
  guint16 virtual_port, real_port;
  struct stat st;

  if (sock < 0)
    {
      sandlock_resp_deny (resp, EBADF);
      return;
    }
  if (length > sizeof addr ||
      !sandlock_supervisor_read (sv, req, req->data.args[1], &addr, length))
    {
      sandlock_resp_deny (resp, length > sizeof addr ? EINVAL : EFAULT);
      return;
    }
  /* Not an IP address: binding it is for the kernel (and Landlock) to
   * judge, whatever the fd turns out to be by then. */
  if (!((addr.ss_family == AF_INET && length >= sizeof (struct sockaddr_in)) ||
        (addr.ss_family == AF_INET6 && length >= sizeof (struct sockaddr_in6))))
    {
      sandlock_resp_continue (resp);
      return;
    }

  sandlock_format_sockaddr (&addr, length, detail, sizeof detail);
  virtual_port = g_ntohs (*port_of (&addr));
  if (!bind_allowed (sv, virtual_port))
    {
      sandlock_resp_deny (resp, EACCES);
      sandlock_supervisor_emit (sv, req, "network", detail, SANDLOCK_VERDICT_DENY, EACCES,
                                "net_bind");
      return;
    }

  if (bind (sock, (struct sockaddr *) &addr, length) < 0)
    {
      int error = errno;

      /* Taken, by another sandbox or the host: take another real port. */
      if (error != EADDRINUSE || virtual_port == 0)
        {
          sandlock_resp_deny (resp, error);
          return;
        }
      *port_of (&addr) = 0;
      if (bind (sock, (struct sockaddr *) &addr, length) < 0)
        {
          sandlock_resp_deny (resp, errno);
          return;
        }
    }
  if (getsockname (sock, (struct sockaddr *) &bound, &bound_length) < 0 ||
      fstat (sock, &st) < 0)
    {
      sandlock_resp_deny (resp, errno);
      return;
    }
  real_port = g_ntohs (*port_of (&bound));
  if (virtual_port == 0)
    virtual_port = real_port;

  g_mutex_lock (&sv->ports_lock);
  g_hash_table_insert (sv->port_map, GINT_TO_POINTER (virtual_port), GINT_TO_POINTER (real_port));
  g_mutex_unlock (&sv->ports_lock);
  g_hash_table_insert (sv->socket_ports, GINT_TO_POINTER (st.st_ino), GINT_TO_POINTER (virtual_port));
  if (sv->registration != NULL)
    sandlock_registration_set_ports (sv->registration, sv->port_map);

  sandlock_resp_return (resp, 0);
  if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    {
      g_autofree char *mapped = g_strdup_printf ("%s (real port %u)", detail, real_port);
      sandlock_supervisor_emit (sv, req, "network", mapped, SANDLOCK_VERDICT_ALLOW, 0,
                                "port_remap");
    }
}

static void
on_getsockname (SandlockSupervisor         *sv,
                const struct seccomp_notif *req,
                struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int sock = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  struct sockaddr_storage addr = { 0 };
  socklen_t length = sizeof addr;
  socklen_t room = 0;
  gpointer virtual_port;
  struct stat st;

  /* Only our remapped sockets differ from what the kernel would answer. */
  if (sock < 0 || fstat (sock, &st) < 0 ||
      !g_hash_table_lookup_extended (sv->socket_ports, GINT_TO_POINTER (st.st_ino),
                                     NULL, &virtual_port) ||
      getsockname (sock, (struct sockaddr *) &addr, &length) < 0 ||
      !sandlock_supervisor_read (sv, req, req->data.args[2], &room, sizeof room))
    {
      sandlock_resp_continue (resp);
      return;
    }

  *port_of (&addr) = g_htons (GPOINTER_TO_INT (virtual_port));
  if (!sandlock_supervisor_write (sv, req, req->data.args[1], &addr, MIN (room, length)) ||
      !sandlock_supervisor_write (sv, req, req->data.args[2], &length, sizeof length))
    {
      sandlock_resp_deny (resp, EFAULT);
      return;
    }
  sandlock_resp_return (resp, 0);
}

guint16
sandlock_sv_ports_real (SandlockSupervisor *sv,
                        guint16             port)
{
  gpointer real;

  if (sv->port_map != NULL &&
      g_hash_table_lookup_extended (sv->port_map, GINT_TO_POINTER (port), NULL, &real))
    return GPOINTER_TO_INT (real);
  return port;
}

static int
compare_mappings (gconstpointer a,
                  gconstpointer b)
{
  return (int) ((const SandlockPortMapping *) a)->virtual_port -
         (int) ((const SandlockPortMapping *) b)->virtual_port;
}

GArray *
sandlock_supervisor_get_ports (SandlockSupervisor *sv)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (SandlockPortMapping));
  GHashTableIter iter;
  gpointer virt, real;

  if (sv->port_map == NULL)
    return ports;
  g_mutex_lock (&sv->ports_lock);
  g_hash_table_iter_init (&iter, sv->port_map);
  while (g_hash_table_iter_next (&iter, &virt, &real))
    {
      SandlockPortMapping mapping = { GPOINTER_TO_INT (virt), GPOINTER_TO_INT (real) };

      g_array_append_val (ports, mapping);
    }
  g_mutex_unlock (&sv->ports_lock);
  g_array_sort (ports, compare_mappings);
  return ports;
}

/* The socket inodes of every process of the sandbox. */
static GHashTable *
sandbox_sockets (SandlockSupervisor *sv)
{
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  GHashTable *inodes = g_hash_table_new (NULL, NULL);

  if (!sandlock_proctree_collect (sv->init_pid, procs))
    return inodes;
  for (guint i = 0; i < procs->len; i++)
    {
      g_autofree char *fds = g_strdup_printf ("/proc/%d/fd", g_array_index (procs, SandlockProc, i).pid);
      DIR *dir = opendir (fds);
      struct dirent *entry;

      if (dir == NULL)
        continue;
      while ((entry = readdir (dir)) != NULL)
        {
          char link[64];
          ssize_t n = readlinkat (dirfd (dir), entry->d_name, link, sizeof link - 1);

          if (n > 8 && strncmp (link, "socket:[", 8) == 0)
            {
              link[n] = '\0';
              g_hash_table_add (inodes, GSIZE_TO_POINTER (g_ascii_strtoull (link + 8, NULL, 10)));
            }
        }
      closedir (dir);
    }
  return inodes;
}

/* /proc/net/tcp(6) as the sandbox sees it: its own sockets, ports virtual. */
static char *
filtered_tcp_table (SandlockSupervisor *sv,
                    const char         *file)
{
  g_autoptr(GHashTable) inodes = sandbox_sockets (sv);
  g_autofree char *path = g_strdup_printf ("/proc/%d/net/%s", sv->init_pid, file);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_string_free (out, FALSE);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *line = NULL;
      char *colon;

      if (i == 0)
        {
          g_string_append_printf (out, "%s\n", lines[i]);   /* the header */
          continue;
        }
      line = g_strstrip (g_strdup (lines[i]));
      fields = g_strsplit_set (line, " ", -1);
      {
        g_autoptr(GPtrArray) words = g_ptr_array_new ();
        guint64 inode;

        for (guint w = 0; fields[w] != NULL; w++)
          if (*fields[w] != '\0')
            g_ptr_array_add (words, fields[w]);
        if (words->len < 10)
          continue;
        inode = g_ascii_strtoull (words->pdata[9], NULL, 10);
        if (!g_hash_table_contains (inodes, GSIZE_TO_POINTER (inode)))
          continue;
        /* local_address is ADDR:PORT in hex: show the virtual port. */
        colon = strchr (words->pdata[1], ':');
        if (colon != NULL)
          {
            guint real = g_ascii_strtoull (colon + 1, NULL, 16);
            GHashTableIter iter;
            gpointer virt, mapped;

            g_hash_table_iter_init (&iter, sv->port_map);
            while (g_hash_table_iter_next (&iter, &virt, &mapped))
              if ((guint) GPOINTER_TO_INT (mapped) == real)
                g_snprintf (colon + 1, 5, "%04X", GPOINTER_TO_INT (virt));
          }
        g_string_append_printf (out, "%4u:", i - 1);
        for (guint w = 1; w < words->len; w++)
          g_string_append_printf (out, " %s", (const char *) words->pdata[w]);
        g_string_append_c (out, '\n');
      }
    }
  return g_string_free (out, FALSE);
}

gboolean
sandlock_sv_ports_open (SandlockSupervisor         *sv,
                        const struct seccomp_notif *req,
                        struct seccomp_notif_resp  *resp,
                        const char                 *clean_path,
                        int                         flags)
{
  const char *file = NULL;
  g_autofree char *table = NULL;

  if (sv->port_map == NULL)
    return FALSE;
  if (g_str_equal (clean_path, "/proc/net/tcp") || g_str_equal (clean_path, "/proc/self/net/tcp"))
    file = "tcp";
  else if (g_str_equal (clean_path, "/proc/net/tcp6") ||
           g_str_equal (clean_path, "/proc/self/net/tcp6"))
    file = "tcp6";
  if (file == NULL || !sandlock_sv_path_granted (sv, clean_path, FALSE))
    return FALSE;

  table = filtered_tcp_table (sv, file);
  sandlock_supervisor_answer_file (sv, req, resp, table, strlen (table), flags);
  return TRUE;
}

void
sandlock_sv_ports_install (SandlockSupervisor *sv)
{
  if (!sv->policy->port_remap)
    return;
  sv->port_map = g_hash_table_new (NULL, NULL);
  sv->socket_ports = g_hash_table_new (NULL, NULL);
  sandlock_supervisor_trap (sv, __NR_bind, on_bind, 0, -1);
  sandlock_supervisor_trap (sv, __NR_getsockname, on_getsockname, 0, -1);
}
