/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-dbus.h"

G_BEGIN_DECLS

#define SANDLOCK_TYPE_HELPER_MANAGER (sandlock_helper_manager_get_type ())
G_DECLARE_FINAL_TYPE (SandlockHelperManager, sandlock_helper_manager,
                      SANDLOCK, HELPER_MANAGER, SandlockDbusManagerSkeleton)

/* Exports /org/sandlock/Helper1 and its sandboxes on @connection. Emits
 * "idle" once no sandbox runs and no client is left, for @idle_seconds. */
SandlockHelperManager *sandlock_helper_manager_new       (GDBusConnection       *connection,
                                                          guint                  idle_seconds,
                                                          GError               **error);
/* Kills every sandbox (the helper is going away). */
void                   sandlock_helper_manager_shutdown  (SandlockHelperManager *self);

G_END_DECLS
