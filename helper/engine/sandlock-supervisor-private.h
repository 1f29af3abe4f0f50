/* SPDX-License-Identifier: Apache-2.0 */
/* What the syscall handlers (sandlock-sv-*.c) share with the core. */
#pragma once

#include <linux/seccomp.h>
#include <sys/types.h>

#include "sandlock-http-proxy.h"
#include "sandlock-net.h"
#include "sandlock-registry.h"
#include "sandlock-supervisor.h"

G_BEGIN_DECLS

/* Above every syscall number of x86_64 and aarch64. */
#define SANDLOCK_MAX_SYSCALL 512

typedef void (*SandlockSyscallHandler) (SandlockSupervisor         *sv,
                                        const struct seccomp_notif *req,
                                        struct seccomp_notif_resp  *resp);

/* max_cpu's duty cycle, driven from the supervisor loop. */
typedef struct _SandlockCpuThrottle SandlockCpuThrottle;

SandlockCpuThrottle *sandlock_cpu_throttle_new        (gint64               percent);
void                 sandlock_cpu_throttle_free       (SandlockCpuThrottle *throttle);
/* How long the loop may wait before the next tick (-1 without a throttle). */
int                  sandlock_cpu_throttle_timeout_ms (SandlockCpuThrottle *throttle);
void                 sandlock_cpu_throttle_tick       (SandlockCpuThrottle *throttle,
                                                       pid_t                init_pid);
/* While paused the throttle signals nothing (any thread; NULL is fine). */
void                 sandlock_cpu_throttle_set_paused (SandlockCpuThrottle *throttle,
                                                       gboolean             paused);

/* time_start's clock. */
typedef struct _SandlockClock SandlockClock;

SandlockClock *sandlock_clock_new  (const char     *time_start,
                                    GError        **error);
void           sandlock_clock_free (SandlockClock  *clock);

/* random_seed's stream. */
typedef struct _SandlockRandom SandlockRandom;

SandlockRandom *sandlock_random_new  (guint64         seed);
void            sandlock_random_free (SandlockRandom *random);
/* Answers an open of /dev/urandom or /dev/random with stream bytes;
 * TRUE when it answered (then the response is already sent). */
gboolean        sandlock_sv_random_open (SandlockSupervisor         *sv,
                                         const struct seccomp_notif *req,
                                         struct seccomp_notif_resp  *resp,
                                         const char                 *path,
                                         int                         flags);

/* The application's policy function and the thread it runs in. */
typedef struct _SandlockPolicyHook SandlockPolicyHook;

SandlockPolicyHook *sandlock_policy_hook_new  (SandlockPolicyFunc func,
                                               gpointer           data,
                                               double             timeout);
void                sandlock_policy_hook_free (SandlockPolicyHook *hook);

/* netlink's loopback-only view (sandlock-sv-netlink.c). */
typedef struct _SandlockNetlink SandlockNetlink;

/* A connect the supervisor started for a program that waits for it. */
typedef struct {
  int     fd;      /* our duplicate of its socket */
  guint64 id;      /* the notification to answer */
  int     flags;   /* the file status flags to restore */
} SandlockPendingConnect;

/* A call the supervisor let through that the kernel may not have finished:
 * a fork whose child may not exist yet, an allocation not yet mapped. */
typedef struct {
  pid_t   tid;
  pid_t   tgid;
  int     nr;
  guint64 amount;           /* bytes for allocations, 1 for forks */
  guint   children_before;  /* forks: children of tgid when allowed */
} SandlockInFlight;

struct _SandlockSupervisor {
  SandlockPolicy        *policy;
  SandlockSpawnFlags     flags;
  SandlockEventFunc      event_func;
  gpointer               event_data;

  SandlockFilter        *filter;
  GArray                *traps;          /* SandlockTrap */
  SandlockSyscallHandler handlers[SANDLOCK_MAX_SYSCALL];
  char                  *names[SANDLOCK_MAX_SYSCALL];

  int                    listener;
  int                    stop_fd;
  pid_t                  init_pid;
  GThread               *thread;
  struct seccomp_notif      *req;
  struct seccomp_notif_resp *resp;
  gsize                  req_size;
  gsize                  resp_size;

  /* Limits, which a dynamic policy may lower while the sandbox runs. */
  SandlockPolicyHook    *policy_hook;    /* NULL = no policy function */
  SandlockCpuThrottle   *cpu;            /* NULL = no max_cpu */
  SandlockRandom        *random;         /* NULL = no random_seed */
  SandlockClock         *clock;          /* NULL = no time_start */
  gint64                 max_processes;  /* -1 = none */
  guint64                max_memory;     /* 0 = none */
  SandlockNetAllow      *net_allow;      /* net_allow, resolved */
  SandlockHttpProxy     *http_proxy;     /* NULL = no HTTP rules */
  GArray                *net_ports;      /* outbound TCP ports left; NULL = all */
  GArray                *in_flight;      /* SandlockInFlight */
  GArray                *procs;          /* scratch: SandlockProc */

  /* A named sandbox's registry entry (not ours), whose control socket we
   * serve (see sandlock-registry.c). */
  SandlockRegistration  *registration;
  int                    kill_pidfd;
  int                    kill_signal;

  /* init's control socket: covers for paths denied at run time. */
  int                    init_control_fd;   /* -1 = none (ours) */
  int                    init_pidfd;        /* not ours */

  /* port_remap: virtual -> real port, and each remapped socket's inode ->
   * its virtual port (GINT_TO_POINTER both). The supervisor thread alone
   * writes port_map, under ports_lock; other threads read it only under
   * that lock. */
  GMutex                 ports_lock;
  GHashTable            *port_map;
  GHashTable            *socket_ports;

  GArray                *pending_connects;  /* SandlockPendingConnect */
  SandlockNetlink       *netlink;
  /* The D-Bus sockets (struct stat's dev and ino): never reachable, even
   * under a writable grant. */
  GArray                *bus_sockets;

  guint64                n_denied;
  guint64                n_audited;
};

/* Registers @handler for @nr and traps it. */
void     sandlock_supervisor_trap     (SandlockSupervisor     *sv,
                                       int                     nr,
                                       SandlockSyscallHandler  handler,
                                       guint32                 skip_arg0_mask,
                                       int                     trap_if_arg_nonzero);

/* The same, trapped only when the low 32 bits of the first argument are
 * @arg0 (socket's family). */
void     sandlock_supervisor_trap_arg0 (SandlockSupervisor     *sv,
                                        int                     nr,
                                        SandlockSyscallHandler  handler,
                                        guint32                 arg0);

/* The same, trapped only when the low 32 bits of the second argument lie
 * in one of @ranges, a static table (ioctl's request). */
void     sandlock_supervisor_trap_arg1_in (SandlockSupervisor     *sv,
                                           int                     nr,
                                           SandlockSyscallHandler  handler,
                                           const SandlockArgRange *ranges,
                                           guint                   n_ranges);

/* A handler that answered itself (SECCOMP_ADDFD_FLAG_SEND) marks the
 * response with this, so the core sends nothing more. */
#define SANDLOCK_RESP_SENT (1u << 31)

/* Responses. Every notification starts as a deny (EPERM): fail closed. */
static inline void
sandlock_resp_continue (struct seccomp_notif_resp *resp)
{
  resp->error = 0;
  resp->val = 0;
  resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
}

static inline void
sandlock_resp_deny (struct seccomp_notif_resp *resp,
                    int                        error)
{
  resp->error = -error;
  resp->val = 0;
  resp->flags = 0;
}

static inline void
sandlock_resp_return (struct seccomp_notif_resp *resp,
                      gint64                     value)
{
  resp->error = 0;
  resp->val = value;
  resp->flags = 0;
}

/* Reads the program's memory; FALSE when it cannot, or when the
 * notification died meanwhile (its pid may have been reused). */
gboolean sandlock_supervisor_read     (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req,
                                       guint64                     address,
                                       void                       *buffer,
                                       gsize                       length);
/* Writes the program's memory; FALSE when it cannot, or when the
 * notification is no longer pending (checked first, which narrows the
 * window in which the pid could be another process's to the write). */
gboolean sandlock_supervisor_write    (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req,
                                       guint64                     address,
                                       const void                 *buffer,
                                       gsize                       length);
/* A NUL-terminated string of at most @size - 1 bytes. */
gboolean sandlock_supervisor_read_string (SandlockSupervisor         *sv,
                                          const struct seccomp_notif *req,
                                          guint64                     address,
                                          char                       *buffer,
                                          gsize                       size);
/* A duplicate of the caller's file descriptor @fd (same open file, so
 * same offset and flags), or -1 with errno set. */
int      sandlock_supervisor_steal_fd (const struct seccomp_notif *req,
                                       int                         fd);
/* Answers the call with a new fd of the program: a sealed memfd holding
 * @data (openat's result). Marks @resp as sent. */
void     sandlock_supervisor_answer_file (SandlockSupervisor         *sv,
                                          const struct seccomp_notif *req,
                                          struct seccomp_notif_resp  *resp,
                                          const void                 *data,
                                          gsize                       length,
                                          int                         open_flags);
/* Is the notification still pending (its target alive and waiting)? */
gboolean sandlock_supervisor_id_valid (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req);

/* Reports one event (counts denials and audits even without a handler). */
void     sandlock_supervisor_emit     (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req,
                                       const char                 *category,
                                       const char                 *detail,
                                       SandlockVerdict             verdict,
                                       int                         error,
                                       const char                 *rule);

/* "1.2.3.4:80", "[::1]:443", "unix /run/x", "unix @name" for reports. */
void     sandlock_format_sockaddr     (const void *addr,
                                       gsize       length,
                                       char       *out,
                                       gsize       size);

/* Asks init to cover @path now; 0 or an errno. */
int      sandlock_supervisor_deny_path (SandlockSupervisor *sv,
                                        const char         *path);

/* Asks the policy function, if any, about a held call. Returns its
 * verdict, with the errno to deny with in @error. */
SandlockVerdict sandlock_supervisor_consult (SandlockSupervisor         *sv,
                                             const struct seccomp_notif *req,
                                             const char                 *category,
                                             const char                 *detail,
                                             int                        *error);

/* Lets a held call through unless the policy function denies it, and
 * reports it (with the verdict the static policy predicts) when observing. */
void     sandlock_supervisor_decide   (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req,
                                       struct seccomp_notif_resp  *resp,
                                       const char                 *category,
                                       const char                 *detail,
                                       SandlockVerdict             predicted,
                                       int                         predicted_error,
                                       const char                 *rule);
/* Is @path @root itself or inside it (both absolute and clean)? */
gboolean sandlock_path_is_beneath     (const char *path,
                                       const char *root);
/* Does the static policy grant @absolute (a clean path, as written)? */
gboolean sandlock_sv_path_granted     (SandlockSupervisor *sv,
                                       const char         *absolute,
                                       gboolean            write);
/* The same for a connect or bind, from the address it names. */
void     sandlock_sv_decide_address   (SandlockSupervisor         *sv,
                                       const struct seccomp_notif *req,
                                       struct seccomp_notif_resp  *resp);

/* Handler modules: each traps what the policy needs of it. */
void sandlock_sv_limits_install  (SandlockSupervisor *sv);
void sandlock_sv_observe_install (SandlockSupervisor *sv);
void sandlock_sv_connect_install (SandlockSupervisor *sv);
/* Answers the pending connect at @index, which has completed. */
void sandlock_sv_connect_finish  (SandlockSupervisor *sv,
                                  guint               index);
void sandlock_sv_random_install  (SandlockSupervisor *sv);
void sandlock_sv_dirs_install    (SandlockSupervisor *sv);
void sandlock_sv_ports_install   (SandlockSupervisor *sv);
void sandlock_sv_send_install    (SandlockSupervisor *sv);
void sandlock_sv_cpus_install    (SandlockSupervisor *sv);
void sandlock_sv_netlink_install (SandlockSupervisor *sv);
void sandlock_sv_netlink_free    (SandlockNetlink    *netlink);
/* The supervisor's own socket of @family (AF_INET, AF_INET6, AF_UNIX, or
 * AF_NETLINK for NETLINK_ROUTE) in the loopback-only view, made at the
 * first use and kept (not the caller's to close): for requests the
 * supervisor makes there for the program. -1 when there is no view (the
 * sandbox has no user namespace of its own, or the maker failed) or the
 * kernel cannot make that socket. */
int  sandlock_sv_netlink_view_socket (SandlockSupervisor *sv,
                                      int                 family);
/* Interface ioctls, answered from that view (sandlock-sv-ifioctl.c). */
void sandlock_sv_ifioctl_install (SandlockSupervisor *sv);
/* /proc views (meminfo, mount tables): answers the open; TRUE when it did. */
gboolean sandlock_sv_proc_open   (SandlockSupervisor         *sv,
                                  const struct seccomp_notif *req,
                                  struct seccomp_notif_resp  *resp,
                                  const char                 *clean_path,
                                  int                         flags);
gboolean sandlock_sv_proc_wanted (SandlockSupervisor         *sv);
/* num_cpus: answers an open of /proc/cpuinfo or .../cpu/online. */
gboolean sandlock_sv_cpus_open   (SandlockSupervisor         *sv,
                                  const struct seccomp_notif *req,
                                  struct seccomp_notif_resp  *resp,
                                  const char                 *clean_path,
                                  int                         flags);
gboolean sandlock_sv_time_install (SandlockSupervisor *sv,
                                   GError            **error);
/* port_remap: answers an open of /proc/net/tcp(6); TRUE when it did. */
gboolean sandlock_sv_ports_open  (SandlockSupervisor         *sv,
                                  const struct seccomp_notif *req,
                                  struct seccomp_notif_resp  *resp,
                                  const char                 *clean_path,
                                  int                         flags);
/* port_remap: the real port for a loopback connect to @port (or @port). */
guint16 sandlock_sv_ports_real   (SandlockSupervisor *sv,
                                  guint16             port);

G_END_DECLS
