/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-audit-window.h"

G_BEGIN_DECLS

/* What "Export as JSON…" does once a file is chosen: writes the whole log
 * to @file as one JSON array, then says so in a toast. For tests. */
void sandlock_audit_window_export_to (SandlockAuditWindow *self,
                                      GFile               *file);

G_END_DECLS
