/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/*
 * A Landlock ruleset prepared in the parent: every rule path opened
 * O_PATH and added, so the child only calls landlock_restrict_self().
 */
typedef struct {
  int        ruleset_fd;      /* -1 when Landlock is unavailable (best effort) */
  int        abi;
  GPtrArray *warnings;        /* what best-effort mode dropped */
} SandlockLandlock;

/* What the policy needs that this kernel's Landlock ABI lacks, each a
 * sentence ("TCP port rules need Landlock ABI 4; this kernel has 3"). */
GPtrArray        *sandlock_landlock_missing       (SandlockPolicy *policy,
                                                   int             abi);
SandlockLandlock *sandlock_landlock_prepare       (SandlockPolicy *policy,
                                                   gboolean        best_effort,
                                                   GError        **error);
void              sandlock_landlock_free          (SandlockLandlock *landlock);
/* Every ABI level as a JSON array: what it gives, whether this kernel has
 * it and whether a sandbox needs it. */
char             *sandlock_landlock_describe_levels_json (void);
/* The rights a path's own rule grants it under @policy (read for
 * fs_readable, everything for fs_writable), or 0 when it has none. */
guint64           sandlock_landlock_rights_of     (SandlockPolicy *policy,
                                                   const char     *path,
                                                   int             abi);
/* Every filesystem right the ABI knows: what a writable path is granted. */
guint64           sandlock_landlock_write_rights  (int             abi);
/* A ruleset that only scopes signals (ABI 6), or -1 when the kernel lacks
 * scopes. */
int               sandlock_landlock_signal_scope_ruleset (void);
/* Async-signal-safe: enforce the prepared ruleset on the calling thread. */
int               sandlock_landlock_restrict_self (int ruleset_fd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockLandlock, sandlock_landlock_free)

G_END_DECLS
