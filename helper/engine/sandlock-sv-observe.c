/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The observe option: execve, openat, connect and bind trapped purely to
 * report them for the live view. The kernel still decides them (Landlock,
 * the deny filter): the supervisor lets each through unchanged, so what it
 * read from memory for the report never decides anything. The verdict a
 * report carries is the policy's, worked out from the path or port as
 * written: what Landlock will answer unless a symlink leads elsewhere.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "sandlock-supervisor-private.h"

#define MAX_ARGS_SHOWN 16

void
sandlock_format_sockaddr (const void *addr,
                          gsize       length,
                          char       *out,
                          gsize       size)
{
  const struct sockaddr *sa = addr;
  char ip[INET6_ADDRSTRLEN];

  if (length < sizeof (sa_family_t))
    g_strlcpy (out, "(no address)", size);
  else if (sa->sa_family == AF_INET && length >= sizeof (struct sockaddr_in))
    {
      const struct sockaddr_in *in = addr;
      inet_ntop (AF_INET, &in->sin_addr, ip, sizeof ip);
      g_snprintf (out, size, "%s:%u", ip, ntohs (in->sin_port));
    }
  else if (sa->sa_family == AF_INET6 && length >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *in6 = addr;
      inet_ntop (AF_INET6, &in6->sin6_addr, ip, sizeof ip);
      g_snprintf (out, size, "[%s]:%u", ip, ntohs (in6->sin6_port));
    }
  else if (sa->sa_family == AF_UNIX)
    {
      const struct sockaddr_un *un = addr;
      gsize path_len = length - offsetof (struct sockaddr_un, sun_path);

      if (path_len == 0)
        g_strlcpy (out, "unix (unnamed)", size);
      else if (un->sun_path[0] == '\0')
        g_snprintf (out, size, "unix @%.*s", (int) path_len - 1, un->sun_path + 1);
      else
        g_snprintf (out, size, "unix %.*s", (int) strnlen (un->sun_path, path_len),
                    un->sun_path);
    }
  else
    g_snprintf (out, size, "family %u", sa->sa_family);
}

void
sandlock_supervisor_decide (SandlockSupervisor         *sv,
                            const struct seccomp_notif *req,
                            struct seccomp_notif_resp  *resp,
                            const char                 *category,
                            const char                 *detail,
                            SandlockVerdict             predicted,
                            int                         predicted_error,
                            const char                 *rule)
{
  int error;
  SandlockVerdict verdict = sandlock_supervisor_consult (sv, req, category, detail, &error);

  if (verdict == SANDLOCK_VERDICT_DENY)
    {
      sandlock_resp_deny (resp, error);
      sandlock_supervisor_emit (sv, req, category, detail, verdict, error, "policy_fn");
      return;
    }
  sandlock_resp_continue (resp);
  if (verdict == SANDLOCK_VERDICT_AUDIT)
    sandlock_supervisor_emit (sv, req, category, detail, verdict, 0, "policy_fn");
  else if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, category, detail, predicted, predicted_error, rule);
}

gboolean
sandlock_path_is_beneath (const char *path,
                          const char *root)
{
  gsize len = strlen (root);

  return strncmp (path, root, len) == 0 &&
         (path[len] == '\0' || path[len] == '/' || g_str_equal (root, "/"));
}

static gboolean
beneath_any (GPtrArray  *roots,
             const char *path)
{
  for (guint i = 0; i < roots->len; i++)
    if (sandlock_path_is_beneath (path, roots->pdata[i]))
      return TRUE;
  return FALSE;
}

gboolean
sandlock_sv_path_granted (SandlockSupervisor *sv,
                          const char         *absolute,
                          gboolean            write)
{
  return beneath_any (sv->policy->fs_writable, absolute) ||
         (!write && beneath_any (sv->policy->fs_readable, absolute));
}

/* The absolute, lexically clean form of a path the program named relative
 * to @dirfd (AT_FDCWD for its working directory). */
static char *
absolute_path (const struct seccomp_notif *req,
               int                         dirfd,
               const char                 *path)
{
  g_autofree char *link = NULL;
  g_autofree char *base = NULL;

  if (path[0] == '/')
    return g_canonicalize_filename (path, "/");
  link = dirfd == AT_FDCWD ? g_strdup_printf ("/proc/%u/cwd", req->pid)
                           : g_strdup_printf ("/proc/%u/fd/%d", req->pid, dirfd);
  base = g_file_read_link (link, NULL);
  return g_canonicalize_filename (path, base ? base : "/");
}

static void
decide_file (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             struct seccomp_notif_resp  *resp,
             int                         dirfd,
             const char                 *path,
             gboolean                    write)
{
  SandlockPolicy *policy = sv->policy;
  g_autofree char *absolute = absolute_path (req, dirfd, path);

  if (beneath_any (policy->fs_writable, absolute))
    sandlock_supervisor_decide (sv, req, resp, "file", absolute, SANDLOCK_VERDICT_ALLOW, 0,
                                "fs_writable");
  else if (!write && beneath_any (policy->fs_readable, absolute))
    sandlock_supervisor_decide (sv, req, resp, "file", absolute, SANDLOCK_VERDICT_ALLOW, 0,
                                "fs_readable");
  else
    sandlock_supervisor_decide (sv, req, resp, "file", absolute, SANDLOCK_VERDICT_DENY,
                                EACCES, write ? "fs_writable" : "fs_readable");
}

static void
on_execve (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  gboolean verdict_ok;
  char arg[1024];

  if (!sandlock_supervisor_read_string (sv, req, req->data.args[0], arg, sizeof arg))
    g_strlcpy (arg, "(unreadable)", sizeof arg);
  g_string_append (detail, arg);
  verdict_ok = arg[0] == '/' && (beneath_any (sv->policy->fs_readable, arg) ||
                                 beneath_any (sv->policy->fs_writable, arg));

  /* The argument vector, for the report only. */
  for (guint i = 1; i < MAX_ARGS_SHOWN; i++)
    {
      guint64 pointer = 0;

      if (req->data.args[1] == 0 ||
          !sandlock_supervisor_read (sv, req, req->data.args[1] + i * sizeof pointer,
                                     &pointer, sizeof pointer) ||
          pointer == 0 ||
          !sandlock_supervisor_read_string (sv, req, pointer, arg, sizeof arg))
        break;
      g_string_append_printf (detail, " %s", arg);
    }
  sandlock_supervisor_decide (sv, req, resp, "process", detail->str,
                              verdict_ok ? SANDLOCK_VERDICT_ALLOW : SANDLOCK_VERDICT_DENY,
                              verdict_ok ? 0 : EACCES, "fs_readable");
}

static gboolean
watching (SandlockSupervisor *sv)
{
  return (sv->flags & SANDLOCK_SPAWN_OBSERVE) || sv->policy_hook != NULL;
}

static void
on_open (SandlockSupervisor         *sv,
         const struct seccomp_notif *req,
         struct seccomp_notif_resp  *resp,
         int                         dirfd,
         guint64                     address,
         int                         flags)
{
  char path[4096];

  if (!sandlock_supervisor_read_string (sv, req, address, path, sizeof path))
    {
      /* Nothing to show or ask about; the kernel decides as always. */
      if (watching (sv))
        sandlock_supervisor_decide (sv, req, resp, "file", "(unreadable)",
                                    SANDLOCK_VERDICT_ALLOW, 0, "observe");
      else
        sandlock_resp_continue (resp);
      return;
    }
  if (sandlock_sv_random_open (sv, req, resp, path, flags))
    return;
  if (path[0] == '/' && (flags & O_ACCMODE) == O_RDONLY)
    {
      g_autofree char *clean = g_canonicalize_filename (path, "/");

      /* The pinned names, and nothing else, resolve. */
      if (sv->net_allow->hosts_file != NULL && g_str_equal (clean, "/etc/hosts"))
        {
          gsize length;
          const void *data = g_bytes_get_data (sv->net_allow->hosts_file, &length);

          sandlock_supervisor_answer_file (sv, req, resp, data, length, flags);
          return;
        }
      if (sandlock_sv_ports_open (sv, req, resp, clean, flags) ||
          sandlock_sv_cpus_open (sv, req, resp, clean, flags) ||
          sandlock_sv_proc_open (sv, req, resp, clean, flags))
        return;
    }
  if (watching (sv))
    decide_file (sv, req, resp, dirfd, path,
                 (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)));
  else
    sandlock_resp_continue (resp);
}

static void
on_openat (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  on_open (sv, req, resp, (int) req->data.args[0], req->data.args[1], req->data.args[2]);
}

#ifdef __NR_open
static void
on_open_legacy (SandlockSupervisor         *sv,
                const struct seccomp_notif *req,
                struct seccomp_notif_resp  *resp)
{
  on_open (sv, req, resp, AT_FDCWD, req->data.args[0], req->data.args[1]);
}
#endif

void
sandlock_sv_decide_address (SandlockSupervisor         *sv,
                            const struct seccomp_notif *req,
                            struct seccomp_notif_resp  *resp)
{
  struct sockaddr_storage addr;
  gsize length = MIN (req->data.args[2], sizeof addr);
  gboolean bind = req->data.nr == __NR_bind;
  gboolean allowed = TRUE;
  const char *rule = "observe";
  char detail[256];

  if (!sandlock_supervisor_read (sv, req, req->data.args[1], &addr, length))
    g_strlcpy (detail, "(unreadable)", sizeof detail);
  else
    {
      sandlock_format_sockaddr (&addr, length, detail, sizeof detail);
      /* TCP ports are Landlock's (the socket type is not known here, and
       * UDP sockets are refused anyway). */
      if ((addr.ss_family == AF_INET || addr.ss_family == AF_INET6) &&
          length >= sizeof (struct sockaddr_in))
        {
          guint16 port = ntohs (((struct sockaddr_in *) &addr)->sin_port);
          g_autoptr(GArray) ports = bind ? g_array_ref (sv->policy->net_bind)
                                         : sandlock_policy_connect_ports (sv->policy);

          allowed = FALSE;
          for (guint i = 0; i < ports->len; i++)
            allowed |= g_array_index (ports, guint16, i) == port;
          rule = bind ? "net_bind" : "net_allow";
        }
    }
  sandlock_supervisor_decide (sv, req, resp, "network", detail,
                              allowed ? SANDLOCK_VERDICT_ALLOW : SANDLOCK_VERDICT_DENY,
                              allowed ? 0 : EACCES, rule);
}

void
sandlock_sv_observe_install (SandlockSupervisor *sv)
{
  /* Opens serve random_seed and pinned host names as well as watching. */
  if (watching (sv) || sv->random != NULL || sv->net_allow->hosts_file != NULL ||
      sv->port_map != NULL || sv->policy->num_cpus >= 1 || sandlock_sv_proc_wanted (sv))
    {
      sandlock_supervisor_trap (sv, __NR_openat, on_openat, 0, -1);
#ifdef __NR_open
      sandlock_supervisor_trap (sv, __NR_open, on_open_legacy, 0, -1);
#endif
    }
  if (!watching (sv))
    return;

  sandlock_supervisor_trap (sv, __NR_execve, on_execve, 0, -1);
  /* Another module may own these to gate them; it reports them itself. */
  if (sv->handlers[__NR_connect] == NULL)
    sandlock_supervisor_trap (sv, __NR_connect, sandlock_sv_decide_address, 0, -1);
  if (sv->handlers[__NR_bind] == NULL)
    sandlock_supervisor_trap (sv, __NR_bind, sandlock_sv_decide_address, 0, -1);
}
