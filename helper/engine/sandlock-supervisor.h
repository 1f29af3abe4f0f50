/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-notify-filter.h"
#include "sandlock-registry.h"

G_BEGIN_DECLS

/*
 * The seccomp user-notification supervisor of one sandbox: a thread that
 * receives the syscalls the notify filter traps and decides them, or
 * performs them on the program's behalf. Any internal failure denies.
 */
typedef struct _SandlockSupervisor SandlockSupervisor;

/* NULL when the policy and flags need no supervisor. */
SandlockSupervisor *sandlock_supervisor_new     (SandlockPolicy     *policy,
                                                 SandlockSpawnFlags  flags,
                                                 SandlockEventFunc   event_func,
                                                 gpointer            event_data,
                                                 SandlockPolicyFunc  policy_func,
                                                 gpointer            policy_data,
                                                 double              policy_timeout,
                                                 GError            **error);
/* The filter that traps what this supervisor handles (owned by it). */
const SandlockFilter *sandlock_supervisor_get_filter (SandlockSupervisor *supervisor);
/* Serve a named sandbox's control socket too (before start): "inspect"
 * answers its record, "kill" sends @kill_signal to @pidfd. */
void                sandlock_supervisor_set_control (SandlockSupervisor   *supervisor,
                                                     SandlockRegistration *registration,
                                                     int                   pidfd,
                                                     int                   kill_signal);
/* Where to ask init for paths a policy function denies (takes @control_fd;
 * @init_pidfd to wake it). Before start. */
void                sandlock_supervisor_set_init_control (SandlockSupervisor *supervisor,
                                                          int                 control_fd,
                                                          int                 init_pidfd);
/* Does the sandbox have a user namespace of its own? Only then do its
 * netlink sockets get a loopback-only view; otherwise they are refused
 * (the default). Before start. */
void                sandlock_supervisor_set_netlink_view (SandlockSupervisor *supervisor,
                                                          gboolean            own_user_namespace);
/* Takes @listener and starts serving it; @init_pid roots the sandbox's
 * process tree. */
gboolean            sandlock_supervisor_start   (SandlockSupervisor *supervisor,
                                                 int                 listener,
                                                 pid_t               init_pid,
                                                 GError            **error);
/* sandlock_sandbox_pause(): while paused, max_cpu's throttle sends no
 * signal, so it cannot resume the sandbox. Any thread. */
void                sandlock_supervisor_set_paused (SandlockSupervisor *supervisor,
                                                    gboolean            paused);
/* port_remap's map so far, SandlockPortMapping sorted by virtual port
 * (empty without port_remap). Any thread. */
GArray             *sandlock_supervisor_get_ports  (SandlockSupervisor *supervisor);
/* Stops the thread (if running) and frees everything. */
void                sandlock_supervisor_free    (SandlockSupervisor *supervisor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockSupervisor, sandlock_supervisor_free)

G_END_DECLS
