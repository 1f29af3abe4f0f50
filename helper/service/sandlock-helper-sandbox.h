/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sandlock.h>

#include "sandlock-helper-audit-log.h"
#include "sandlock-dbus.h"

G_BEGIN_DECLS

/* What Launch was asked for, besides the policy and argv. */
typedef struct {
  char     *name;
  char     *cwd;
  double    timeout;
  gboolean  dry_run;
  gboolean  detach;
  gboolean  observe;
  int       stdio[3];    /* -1: none passed (stdin from /dev/null, output kept) */
  char     *owner;       /* the client's unique bus name */
} SandlockHelperLaunch;

void sandlock_helper_launch_clear (SandlockHelperLaunch *launch);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SandlockHelperLaunch, sandlock_helper_launch_clear)

#define SANDLOCK_TYPE_HELPER_SANDBOX (sandlock_helper_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (SandlockHelperSandbox, sandlock_helper_sandbox,
                      SANDLOCK, HELPER_SANDBOX, SandlockDbusSandboxSkeleton)

/* Starts the program; on failure nothing runs. Emits "finished" when it
 * has ended and "removed" when a client called Remove. @audit receives the
 * run's records. */
SandlockHelperSandbox *sandlock_helper_sandbox_launch    (SandlockPolicy              *policy,
                                                          const char * const          *argv,
                                                          SandlockHelperLaunch        *launch,
                                                          SandlockHelperAuditLog      *audit_log,
                                                          GError                     **error);
const char            *sandlock_helper_sandbox_get_id    (SandlockHelperSandbox       *self);
const char            *sandlock_helper_sandbox_get_owner (SandlockHelperSandbox       *self);
gboolean               sandlock_helper_sandbox_is_detached (SandlockHelperSandbox     *self);
gboolean               sandlock_helper_sandbox_is_running (SandlockHelperSandbox      *self);
/* SIGKILL to the whole sandbox, if it still runs. */
void                   sandlock_helper_sandbox_terminate (SandlockHelperSandbox       *self);

G_END_DECLS
