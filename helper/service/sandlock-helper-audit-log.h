/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "sandlock-audit.h"

G_BEGIN_DECLS

/*
 * The helper's audit log, written and read on one thread of its own: an
 * fsync never stalls the bus, and a query never sees a rotation halfway.
 */
typedef struct _SandlockHelperAuditLog SandlockHelperAuditLog;

/* Takes @audit. */
SandlockHelperAuditLog *sandlock_helper_audit_log_new          (SandlockAudit          *audit);
/* Waits for queued appends, then frees. */
void                    sandlock_helper_audit_log_free         (SandlockHelperAuditLog *log);
/* Queues the records (JsonObject) for appending; takes @records. */
void                    sandlock_helper_audit_log_append       (SandlockHelperAuditLog *log,
                                                                GPtrArray              *records);
/* QueryAudit's filter (a{sv}) checked and run on the audit thread. */
void                    sandlock_helper_audit_log_query_async  (SandlockHelperAuditLog *log,
                                                                GVariant               *filter,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
/* The records as aa{sv}. */
GVariant               *sandlock_helper_audit_log_query_finish (SandlockHelperAuditLog *log,
                                                                GAsyncResult           *result,
                                                                GError                **error);

G_END_DECLS
