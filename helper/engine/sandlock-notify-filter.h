/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-seccomp.h"

G_BEGIN_DECLS

/* The values @first to @last, both included. */
typedef struct {
  guint32 first;
  guint32 last;
} SandlockArgRange;

/*
 * One syscall the supervisor wants to see. With @skip_arg0_mask set, the
 * syscall passes untrapped when its first argument (a register, so no
 * TOCTOU) has any of those bits, e.g. clone with CLONE_THREAD; with
 * @trap_if_arg_nonzero >= 0 it is trapped only when that argument is
 * non-zero (sendto with a destination address); with @match_arg0 only when
 * the low 32 bits of the first argument are @arg0, which is all of it the
 * kernel reads for an int (socket's family); with @n_arg1_ranges > 0 only
 * when the low 32 bits of the second argument lie in one of @arg1_ranges
 * (ioctl's request, which the kernel reads as 32 bits). @arg1_ranges must
 * outlive the trap (a static table).
 */
typedef struct {
  int                     nr;
  guint32                 skip_arg0_mask;
  int                     trap_if_arg_nonzero;
  gboolean                match_arg0;
  guint32                 arg0;
  const SandlockArgRange *arg1_ranges;
  guint                   n_arg1_ranges;
} SandlockTrap;

/*
 * The user-notification filter: a short hand-built BPF program (no
 * libseccomp needed for a dozen comparisons) that returns USER_NOTIF for
 * the trapped syscalls and ALLOW for everything else. The deny filter,
 * loaded after it, still decides everything it denies: the kernel takes
 * the most restrictive answer of all filters.
 */
SandlockFilter *sandlock_notify_filter_build (const SandlockTrap *traps,
                                              guint               n_traps);
/* The same program answering the trapped calls with @error itself, for a
 * sandbox that has no supervisor to ask. */
SandlockFilter *sandlock_notify_filter_build_errno (const SandlockTrap *traps,
                                                    guint               n_traps,
                                                    int                 error);

/* Async-signal-safe: loads the filter with a listener (needs
 * no_new_privs) and returns the listener fd, or -errno. */
int             sandlock_notify_filter_load  (const SandlockFilter *filter);

/* Can this process give a sandbox a supervisor? Not inside another
 * supervised sandbox: seccomp allows one listener per filter chain. */
gboolean        sandlock_notify_available    (void);

G_END_DECLS
