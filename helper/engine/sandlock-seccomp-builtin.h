/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-seccomp.h"

G_BEGIN_DECLS

/*
 * Filters compiled at build time for policies without syscall lists: a
 * variant is the bitmask of the three booleans the filter depends on.
 */
#define SANDLOCK_SECCOMP_BUILTIN_UDP       (1u << 0)
#define SANDLOCK_SECCOMP_BUILTIN_ICMP      (1u << 1)
#define SANDLOCK_SECCOMP_BUILTIN_NORANDOM  (1u << 2)
#define SANDLOCK_SECCOMP_N_BUILTIN         8u

/* A policy that yields @variant's filter (for the generator and tests). */
SandlockPolicy *sandlock_seccomp_builtin_policy (guint variant);

/* The filter for @policy: the build-time copy when there is one, otherwise
 * compiled now with libseccomp. */
SandlockFilter *sandlock_seccomp_filter_for_policy (SandlockPolicy *policy,
                                                    GError        **error);

G_END_DECLS
