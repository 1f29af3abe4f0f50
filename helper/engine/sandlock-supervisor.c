/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supervisor core: one thread per sandbox serves the seccomp listener
 * with poll(). Request and response buffers are allocated once; handlers
 * decide from registers or from memory they read and then verify with
 * SECCOMP_IOCTL_NOTIF_ID_VALID. Anything unexpected denies.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-proctree.h"
#include "sandlock-spawn-private.h"
#include "sandlock-supervisor-private.h"

/* Newer than Debian 12's headers (Linux 6.6). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

void
sandlock_supervisor_trap (SandlockSupervisor     *sv,
                          int                     nr,
                          SandlockSyscallHandler  handler,
                          guint32                 skip_arg0_mask,
                          int                     trap_if_arg_nonzero)
{
  SandlockTrap trap = { nr, skip_arg0_mask, trap_if_arg_nonzero };

  g_assert (nr >= 0 && nr < SANDLOCK_MAX_SYSCALL);
  g_assert (sv->handlers[nr] == NULL);

  sv->handlers[nr] = handler;
  sv->names[nr] = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
  g_array_append_val (sv->traps, trap);
}

void
sandlock_supervisor_trap_arg0 (SandlockSupervisor     *sv,
                               int                     nr,
                               SandlockSyscallHandler  handler,
                               guint32                 arg0)
{
  SandlockTrap *trap;

  sandlock_supervisor_trap (sv, nr, handler, 0, -1);
  trap = &g_array_index (sv->traps, SandlockTrap, sv->traps->len - 1);
  trap->match_arg0 = TRUE;
  trap->arg0 = arg0;
}

void
sandlock_supervisor_trap_arg1_in (SandlockSupervisor     *sv,
                                  int                     nr,
                                  SandlockSyscallHandler  handler,
                                  const SandlockArgRange *ranges,
                                  guint                   n_ranges)
{
  SandlockTrap *trap;

  g_assert (n_ranges > 0);
  sandlock_supervisor_trap (sv, nr, handler, 0, -1);
  trap = &g_array_index (sv->traps, SandlockTrap, sv->traps->len - 1);
  trap->arg1_ranges = ranges;
  trap->n_arg1_ranges = n_ranges;
}

SandlockSupervisor *
sandlock_supervisor_new (SandlockPolicy     *policy,
                         SandlockSpawnFlags  flags,
                         SandlockEventFunc   event_func,
                         gpointer            event_data,
                         SandlockPolicyFunc  policy_func,
                         gpointer            policy_data,
                         double              policy_timeout,
                         GError            **error)
{
  g_autoptr(SandlockSupervisor) sv = g_new0 (SandlockSupervisor, 1);
  g_autoptr(SandlockHttpRules) http_rules = NULL;
  const char *required_by;

  sv->policy = sandlock_policy_ref (policy);
  sv->flags = flags;
  sv->event_func = event_func;
  sv->event_data = event_data;
  sv->listener = -1;
  sv->stop_fd = -1;
  sv->init_control_fd = -1;
  sv->traps = g_array_new (FALSE, FALSE, sizeof (SandlockTrap));
  sv->in_flight = g_array_new (FALSE, FALSE, sizeof (SandlockInFlight));
  sv->procs = g_array_sized_new (FALSE, FALSE, sizeof (SandlockProc), 64);
  sv->pending_connects = g_array_new (FALSE, FALSE, sizeof (SandlockPendingConnect));
  sv->max_processes = policy->max_processes;
  sv->max_memory = policy->max_memory;
  g_mutex_init (&sv->ports_lock);

  if (policy->http_allow->len > 0 || policy->http_deny->len > 0)
    {
      http_rules = sandlock_http_rules_new (policy->http_allow, policy->http_deny, error);
      if (http_rules == NULL)
        return NULL;
    }
  sv->net_allow = sandlock_net_allow_resolve (policy, http_rules, error);
  if (sv->net_allow == NULL)
    return NULL;
  if (http_rules != NULL)
    {
      sv->http_proxy = sandlock_http_proxy_new (policy, g_steal_pointer (&http_rules),
                                                sv->net_allow, error);
      if (sv->http_proxy == NULL)
        return NULL;
    }

  /* Features that cannot do without a supervisor. */
  required_by = sv->http_proxy != NULL ? "http_allow and http_deny"
              : sv->net_allow->has_hosts ? "net_allow with hosts" : policy->max_processes >= 0 ? "max_processes"
              : policy->max_memory > 0 ? "max_memory"
              : policy->max_cpu > 0 ? "max_cpu"
              : policy->has_random_seed ? "random_seed"
              : policy->deterministic_dirs ? "deterministic_dirs"
              : policy->port_remap ? "port_remap"
              : policy->allow_udp ? "allow_udp"
              : policy->time_start != NULL ? "time_start"
              : policy->num_cpus >= 1 ? "num_cpus"
              : (flags & SANDLOCK_SPAWN_OBSERVE) ? "watching events"
              : policy_func != NULL ? "a policy function"
              : NULL;

  if (!sandlock_notify_available ())
    {
      /* Nested in a supervised sandbox, whose supervisor gates unix
       * sockets by its own grants (sandlock_sandbox_spawn warns). */
      if (required_by != NULL)
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_KERNEL,
                     "%s needs a seccomp supervisor, and there can be none inside "
                     "another supervised sandbox (the kernel allows one per "
                     "process tree)", required_by);
      return NULL;
    }

  if (policy_func != NULL)
    sv->policy_hook = sandlock_policy_hook_new (policy_func, policy_data, policy_timeout);
  if (policy->max_cpu > 0)
    sv->cpu = sandlock_cpu_throttle_new (policy->max_cpu);

  /* The connect module owns connect; observe reports through it. */
  sandlock_sv_limits_install (sv);
  sandlock_sv_connect_install (sv);
  sandlock_sv_random_install (sv);
  sandlock_sv_dirs_install (sv);
  sandlock_sv_ports_install (sv);
  sandlock_sv_send_install (sv);
  sandlock_sv_cpus_install (sv);
  sandlock_sv_netlink_install (sv);
  sandlock_sv_ifioctl_install (sv);
  if (!sandlock_sv_time_install (sv, error))
    return NULL;
  sandlock_sv_observe_install (sv);

  sv->filter = sandlock_notify_filter_build ((const SandlockTrap *) sv->traps->data,
                                             sv->traps->len);
  return g_steal_pointer (&sv);
}

const SandlockFilter *
sandlock_supervisor_get_filter (SandlockSupervisor *sv)
{
  return sv->filter;
}

gboolean
sandlock_supervisor_id_valid (SandlockSupervisor         *sv,
                              const struct seccomp_notif *req)
{
  guint64 id = req->id;

  return ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

gboolean
sandlock_supervisor_read (SandlockSupervisor         *sv,
                          const struct seccomp_notif *req,
                          guint64                     address,
                          void                       *buffer,
                          gsize                       length)
{
  struct iovec local = { buffer, length };
  struct iovec remote = { (void *) (guintptr) address, length };

  if (process_vm_readv (req->pid, &local, 1, &remote, 1, 0) != (ssize_t) length)
    return FALSE;
  /* The pid might be another process by now: only a live notification
   * proves that we read the memory of the caller. */
  return sandlock_supervisor_id_valid (sv, req);
}

gboolean
sandlock_supervisor_write (SandlockSupervisor         *sv,
                           const struct seccomp_notif *req,
                           guint64                     address,
                           const void                 *buffer,
                           gsize                       length)
{
  struct iovec local = { (void *) buffer, length };
  struct iovec remote = { (void *) (guintptr) address, length };

  /* Checked first: a dead caller's pid may be another process's now. */
  return sandlock_supervisor_id_valid (sv, req) &&
         process_vm_writev (req->pid, &local, 1, &remote, 1, 0) == (ssize_t) length;
}

gboolean
sandlock_supervisor_read_string (SandlockSupervisor         *sv,
                                 const struct seccomp_notif *req,
                                 guint64                     address,
                                 char                       *buffer,
                                 gsize                       size)
{
  gsize done = 0;

  /* Page by page: the string may end just before an unmapped page. */
  while (done < size - 1)
    {
      gsize page_left = 4096 - ((address + done) & 4095);
      gsize chunk = MIN (page_left, size - 1 - done);
      struct iovec local = { buffer + done, chunk };
      struct iovec remote = { (void *) (guintptr) (address + done), chunk };

      if (process_vm_readv (req->pid, &local, 1, &remote, 1, 0) != (ssize_t) chunk)
        return FALSE;
      if (memchr (buffer + done, '\0', chunk) != NULL)
        return sandlock_supervisor_id_valid (sv, req);
      done += chunk;
    }
  buffer[size - 1] = '\0';
  return sandlock_supervisor_id_valid (sv, req);
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

int
sandlock_supervisor_steal_fd (const struct seccomp_notif *req,
                              int                         fd)
{
  sandlock_autofd int pidfd = syscall (SYS_pidfd_open, req->pid, PIDFD_THREAD);

  if (pidfd < 0)
    pidfd = syscall (SYS_pidfd_open, req->pid, 0);   /* before Linux 6.9 */
  if (pidfd < 0)
    return -1;
  return syscall (SYS_pidfd_getfd, pidfd, fd, 0);
}

void
sandlock_supervisor_answer_file (SandlockSupervisor         *sv,
                                 const struct seccomp_notif *req,
                                 struct seccomp_notif_resp  *resp,
                                 const void                 *data,
                                 gsize                       length,
                                 int                         open_flags)
{
  sandlock_autofd int fd = memfd_create ("sandlock", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  struct seccomp_notif_addfd addfd = { 0 };

  if (fd < 0 ||
      write (fd, data, length) != (ssize_t) length ||
      lseek (fd, 0, SEEK_SET) < 0 ||
      fcntl (fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
    {
      sandlock_resp_deny (resp, EIO);
      return;
    }

  addfd.id = req->id;
  addfd.srcfd = fd;
  addfd.newfd_flags = (open_flags & O_CLOEXEC) ? O_CLOEXEC : 0;
  /* Answers the notification too: the new fd is openat's result. */
  addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
  if (ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0 || errno == ENOENT)
    resp->flags = SANDLOCK_RESP_SENT;
  else
    sandlock_resp_deny (resp, errno);
}

static int
read_ppid (pid_t pid)
{
  char path[64];
  char buf[512];
  const char *line;
  ssize_t n;
  int fd;

  g_snprintf (path, sizeof path, "/proc/%d/status", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  line = strstr (buf, "\nPPid:");
  return line ? atoi (line + strlen ("\nPPid:")) : 0;
}

/* Counts denials and audits even without a handler. */
static void
emit (SandlockSupervisor *sv,
      pid_t               pid,
      const char         *syscall_name,
      const char         *category,
      const char         *detail,
      SandlockVerdict     verdict,
      int                 error,
      const char         *rule)
{
  struct timespec now;
  SandlockEvent event;

  if (verdict == SANDLOCK_VERDICT_DENY)
    sv->n_denied++;
  else if (verdict == SANDLOCK_VERDICT_AUDIT)
    sv->n_audited++;
  if (sv->event_func == NULL)
    return;

  clock_gettime (CLOCK_REALTIME, &now);
  event = (SandlockEvent) {
    .time_ns = (guint64) now.tv_sec * G_GUINT64_CONSTANT (1000000000) + now.tv_nsec,
    .pid = pid,
    .ppid = read_ppid (pid),
    .syscall = syscall_name,
    .category = category,
    .detail = detail ? detail : "",
    .verdict = verdict,
    .error = error,
    .rule = rule ? rule : "",
  };
  sv->event_func (&event, sv->event_data);
}

void
sandlock_supervisor_emit (SandlockSupervisor         *sv,
                          const struct seccomp_notif *req,
                          const char                 *category,
                          const char                 *detail,
                          SandlockVerdict             verdict,
                          int                         error,
                          const char                 *rule)
{
  const char *name = req->data.nr < SANDLOCK_MAX_SYSCALL && sv->names[req->data.nr]
                     ? sv->names[req->data.nr] : "unknown";

  emit (sv, req->pid, name, category, detail, verdict, error, rule);
}

/* The HTTP proxy's requests, reported like trapped calls ("http"). */
static void
emit_http_events (SandlockSupervisor *sv)
{
  SandlockHttpEvent *event;

  while ((event = sandlock_http_proxy_pop_event (sv->http_proxy)) != NULL)
    {
      emit (sv, event->pid, "http", "network", event->detail, event->verdict, event->error,
            event->rule);
      sandlock_http_event_free (event);
    }
}

static void
serve_one (SandlockSupervisor *sv)
{
  struct seccomp_notif *req = sv->req;
  struct seccomp_notif_resp *resp = sv->resp;
  SandlockSyscallHandler handler = NULL;

  memset (req, 0, sv->req_size);
  if (ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
    return;   /* EINTR, or the caller died before we looked (ENOENT) */

  memset (resp, 0, sv->resp_size);
  resp->id = req->id;
  sandlock_resp_deny (resp, EPERM);

  if (req->data.nr >= 0 && req->data.nr < SANDLOCK_MAX_SYSCALL)
    handler = sv->handlers[req->data.nr];
  if (handler != NULL)
    handler (sv, req, resp);
  else
    sandlock_supervisor_emit (sv, req, "process", "no handler for a trapped call",
                              SANDLOCK_VERDICT_DENY, EPERM, "supervisor");

  /* ENOENT: the caller is gone (killed while waiting), nothing to do. */
  if (resp->flags != SANDLOCK_RESP_SENT)
    ioctl (sv->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

void
sandlock_supervisor_set_init_control (SandlockSupervisor *sv,
                                      int                 control_fd,
                                      int                 init_pidfd)
{
  g_assert (sv->thread == NULL);
  sv->init_control_fd = control_fd;
  sv->init_pidfd = init_pidfd;
}

int
sandlock_supervisor_deny_path (SandlockSupervisor *sv,
                               const char         *path)
{
  struct pollfd pfd = { .fd = sv->init_control_fd, .events = POLLIN };
  gint32 error = 0;

  if (sv->init_control_fd < 0)
    return ENOTSUP;
  if (send (sv->init_control_fd, path, strlen (path), 0) < 0 ||
      syscall (SYS_pidfd_send_signal, sv->init_pidfd, SANDLOCK_SIGNAL_CONTROL, NULL, 0) < 0)
    return errno;
  /* Init answers at once: it only mounts. */
  if (poll (&pfd, 1, 2000) <= 0 || recv (sv->init_control_fd, &error, sizeof error, 0) != sizeof error)
    return ETIMEDOUT;
  return error;
}

void
sandlock_supervisor_set_control (SandlockSupervisor   *sv,
                                 SandlockRegistration *registration,
                                 int                   pidfd,
                                 int                   kill_signal)
{
  g_assert (sv->thread == NULL);
  sv->registration = registration;
  sv->kill_pidfd = pidfd;
  sv->kill_signal = kill_signal;
}

/* One request on the control socket: a short command line from a process
 * of our own user; anything slow or foreign is dropped. */
static void
serve_control (SandlockSupervisor *sv)
{
  sandlock_autofd int client =
    accept4 (sandlock_registration_get_control_fd (sv->registration), NULL, NULL, SOCK_CLOEXEC);
  struct pollfd pfd = { .events = POLLIN };
  struct ucred peer;
  socklen_t len = sizeof peer;
  char command[64] = "";
  const char *answer = "unknown command\n";
  ssize_t n;

  if (client < 0 ||
      getsockopt (client, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0 ||
      peer.uid != getuid ())
    return;
  pfd.fd = client;
  if (poll (&pfd, 1, 200) <= 0 || (n = read (client, command, sizeof command - 1)) <= 0)
    return;
  command[n] = '\0';

  if (g_str_has_prefix (command, "inspect"))
    answer = sandlock_registration_get_info (sv->registration);
  else if (g_str_has_prefix (command, "kill"))
    answer = syscall (SYS_pidfd_send_signal, sv->kill_pidfd, sv->kill_signal, NULL, 0) == 0 ||
             errno == ESRCH ? "killed\n" : "failed\n";
  if (write (client, answer, strlen (answer)) < 0)
    return;   /* the client went away */
}

/* poll(), not epoll: the kernel wakes a poll()ing supervisor on the
 * caller's CPU (SYNC_WAKE_UP), which epoll's callback path does not; that
 * is the difference between ~8 and ~55 microseconds per trapped call. */
static gpointer
supervise (gpointer data)
{
  SandlockSupervisor *sv = data;
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (struct pollfd));

  for (;;)
    {
      struct pollfd fixed[4] = {
        { .fd = sv->listener, .events = POLLIN },
        { .fd = sv->stop_fd, .events = POLLIN },
        { .fd = sv->registration ? sandlock_registration_get_control_fd (sv->registration)
                                 : -1, .events = POLLIN },   /* -1 is skipped */
        { .fd = sv->http_proxy ? sandlock_http_proxy_get_event_fd (sv->http_proxy) : -1,
          .events = POLLIN },
      };
      struct pollfd *all;
      int ready;

      /* Then one entry per connect in progress. */
      g_array_set_size (fds, 0);
      g_array_append_vals (fds, fixed, G_N_ELEMENTS (fixed));
      for (guint i = 0; i < sv->pending_connects->len; i++)
        {
          struct pollfd pfd = {
            .fd = g_array_index (sv->pending_connects, SandlockPendingConnect, i).fd,
            .events = POLLOUT,
          };
          g_array_append_val (fds, pfd);
        }
      all = (struct pollfd *) fds->data;

      ready = poll (all, fds->len, sandlock_cpu_throttle_timeout_ms (sv->cpu));
      if (ready < 0 && errno != EINTR)
        break;
      sandlock_cpu_throttle_tick (sv->cpu, sv->init_pid);
      if (ready <= 0)
        continue;
      if (all[1].revents != 0)
        break;
      if (all[2].revents & POLLIN)
        serve_control (sv);
      if (all[3].revents & POLLIN)
        emit_http_events (sv);
      /* Backwards, as finishing one moves the last into its place. */
      for (guint i = fds->len; i-- > G_N_ELEMENTS (fixed);)
        if (all[i].revents != 0)
          sandlock_sv_connect_finish (sv, i - G_N_ELEMENTS (fixed));
      if (all[0].revents & POLLIN)
        serve_one (sv);
      else if (all[0].revents != 0)
        break;   /* POLLHUP: every process of the sandbox is gone */
    }
  return NULL;
}

gboolean
sandlock_supervisor_start (SandlockSupervisor  *sv,
                           int                  listener,
                           pid_t                init_pid,
                           GError             **error)
{
  struct seccomp_notif_sizes sizes;
  g_autoptr(GError) local_error = NULL;

  sv->listener = listener;
  sv->init_pid = init_pid;

  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the supervisor: %s", g_strerror (saved));
      return FALSE;
    }
  sv->req_size = MAX (sizes.seccomp_notif, sizeof (struct seccomp_notif));
  sv->resp_size = MAX (sizes.seccomp_notif_resp, sizeof (struct seccomp_notif_resp));
  sv->req = g_malloc0 (sv->req_size);
  sv->resp = g_malloc0 (sv->resp_size);

  /* Linux 6.6+: wake the supervisor on the caller's CPU, which roughly
   * halves the round trip. Older kernels simply lack it. */
  ioctl (listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);

  sv->stop_fd = eventfd (0, EFD_CLOEXEC);
  if (sv->stop_fd < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the supervisor: %s", g_strerror (saved));
      return FALSE;
    }

  if (sv->http_proxy != NULL && !sandlock_http_proxy_start (sv->http_proxy, error))
    return FALSE;

  sv->thread = g_thread_try_new ("sandlock-supervisor", supervise, sv, &local_error);
  if (sv->thread == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the supervisor: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

void
sandlock_supervisor_set_paused (SandlockSupervisor *sv,
                                gboolean            paused)
{
  sandlock_cpu_throttle_set_paused (sv->cpu, paused);
}

void
sandlock_supervisor_free (SandlockSupervisor *sv)
{
  if (sv == NULL)
    return;

  if (sv->thread != NULL)
    {
      guint64 one = 1;

      if (write (sv->stop_fd, &one, sizeof one) != sizeof one)
        g_warning ("cannot stop the supervisor thread: %s", g_strerror (errno));
      g_thread_join (sv->thread);
    }
  /* Before net_allow, which it reads. */
  g_clear_pointer (&sv->http_proxy, sandlock_http_proxy_free);
  /* Closing the listener makes any call still waiting fail (ENOSYS). */
  sandlock_close_fd (&sv->listener);
  sandlock_close_fd (&sv->stop_fd);
  sandlock_close_fd (&sv->init_control_fd);
  for (guint i = 0; i < SANDLOCK_MAX_SYSCALL; i++)
    free (sv->names[i]);
  g_clear_pointer (&sv->filter, sandlock_seccomp_filter_free);
  g_clear_pointer (&sv->traps, g_array_unref);
  g_clear_pointer (&sv->in_flight, g_array_unref);
  g_clear_pointer (&sv->procs, g_array_unref);
  for (guint i = 0; sv->pending_connects != NULL && i < sv->pending_connects->len; i++)
    close (g_array_index (sv->pending_connects, SandlockPendingConnect, i).fd);
  g_clear_pointer (&sv->pending_connects, g_array_unref);
  g_clear_pointer (&sv->net_ports, g_array_unref);
  g_clear_pointer (&sv->net_allow, sandlock_net_allow_free);
  g_clear_pointer (&sv->port_map, g_hash_table_unref);
  g_clear_pointer (&sv->socket_ports, g_hash_table_unref);
  g_clear_pointer (&sv->bus_sockets, g_array_unref);
  g_clear_pointer (&sv->netlink, sandlock_sv_netlink_free);
  g_mutex_clear (&sv->ports_lock);
  g_clear_pointer (&sv->policy_hook, sandlock_policy_hook_free);
  g_clear_pointer (&sv->cpu, sandlock_cpu_throttle_free);
  g_clear_pointer (&sv->random, sandlock_random_free);
  g_clear_pointer (&sv->clock, sandlock_clock_free);
  g_clear_pointer (&sv->policy, sandlock_policy_unref);
  g_free (sv->req);
  g_free (sv->resp);
  g_free (sv);
}
