/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <linux/filter.h>

#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/* A BPF program compiled in the parent; the child only loads it. */
typedef struct {
  struct sock_fprog prog;     /* prog.filter owned by this struct */
} SandlockFilter;

/* Problems with deny_syscalls/allow_syscalls (unknown names, allowing a
 * syscall that is always denied), appended to @problems as sentences. */
void            sandlock_seccomp_check_policy (SandlockPolicy *policy,
                                               GPtrArray      *problems);
SandlockFilter *sandlock_seccomp_compile      (SandlockPolicy *policy,
                                               GError        **error);
void            sandlock_seccomp_filter_free  (SandlockFilter *filter);
/* Async-signal-safe: load the filter on the calling thread (needs
 * no_new_privs). Returns 0 or -errno. */
int             sandlock_seccomp_load         (const SandlockFilter *filter);

/*
 * For tests: the errnos the filter answers with, so that a test can tell
 * the filter's answer from the kernel's own (many blocked syscalls fail
 * with EPERM for an unprivileged caller anyway). A field left 0 keeps the
 * usual errno. @enosys also replaces the default action of allowlist mode.
 */
typedef struct {
  int eperm;
  int enosys;
  int eafnosupport;
  int eopnotsupp;
} SandlockSeccompErrnos;

SandlockFilter *sandlock_seccomp_compile_full (SandlockPolicy             *policy,
                                               const SandlockSeccompErrnos *errnos,
                                               GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockFilter, sandlock_seccomp_filter_free)

G_END_DECLS
