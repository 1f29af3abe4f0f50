/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SANDLOCK_TYPE_AUDIT_RECORD (sandlock_audit_record_get_type ())
G_DECLARE_FINAL_TYPE (SandlockAuditRecord, sandlock_audit_record, SANDLOCK, AUDIT_RECORD, GObject)

/* One record of the helper's audit log (a{sv} from QueryAudit), as a list
 * model item. */
SandlockAuditRecord *sandlock_audit_record_new         (GVariant            *record);
GVariant            *sandlock_audit_record_get_variant (SandlockAuditRecord *self);
/* A member's value, or "" / 0 when it is missing or of another type. */
const char          *sandlock_audit_record_get_string  (SandlockAuditRecord *self,
                                                        const char          *key);
gint64               sandlock_audit_record_get_int     (SandlockAuditRecord *self,
                                                        const char          *key);
/* A run's argv as one shell-quoted line. */
char                *sandlock_audit_record_dup_command (SandlockAuditRecord *self);

G_END_DECLS
