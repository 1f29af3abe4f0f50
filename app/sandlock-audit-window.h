/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SANDLOCK_TYPE_AUDIT_WINDOW (sandlock_audit_window_get_type ())
G_DECLARE_FINAL_TYPE (SandlockAuditWindow, sandlock_audit_window, SANDLOCK, AUDIT_WINDOW, AdwWindow)

/* The helper's audit log: past runs, newest first, and the denied and
 * audited events of the one selected. */
GtkWidget *sandlock_audit_window_new  (GtkWindow *parent);
/* Presents @parent's audit window, reloaded, or a new one. */
void       sandlock_audit_window_show (GtkWindow *parent);

G_END_DECLS
