/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The helper's audit log: JSON records, one per line, appended to
 * DIR/audit.jsonl. When an append would take the file past its size limit
 * the file becomes audit.1.jsonl (older ones shift to .2, .3, ..., the
 * oldest beyond max_files is dropped) and a new one is started. A batch is
 * never split across files, so a file is larger than the limit only when
 * a single batch is. One process writes a log at a time; within it, appends
 * and queries may come from different threads.
 *
 * Record schema. Every record has:
 *
 *   "kind"   s    "run", "event" or "commit"
 *   "run"    s    the run id
 *   "name"   s    the sandbox's name, may be empty
 *   "time"   i    µs since the epoch, what since/until compare; queries
 *                 return records in the order written, not by "time"
 *
 * kind "run", one summary per run:
 *   "argv" [s], "policy" {}, "start" i, "end" i (µs since the epoch),
 *   "exit_code" i, "signal" i, "state" s, "denied" i, "audited" i
 *   (how many events of the run had that verdict),
 *   "changes" [{"kind" s, "path" s, "size_before" i, "size_after" i}]
 *
 * kind "event", one trapped syscall (see SandlockEvent):
 *   "pid" i, "ppid" i, "syscall" s, "category" s, "detail" s,
 *   "verdict" s ("allow", "deny", "audit"), "errno" i, "rule" s
 *
 * kind "commit", changes committed after the run:
 *   "changes" [...] as in "run"
 *
 * This module reads only "kind", "run", "name", "time", "verdict",
 * "denied" and "audited", for filtering; a record that lacks one, or has
 * it with another type, does not match a filter that needs it.
 */
typedef struct _SandlockAudit SandlockAudit;

/* $XDG_STATE_HOME/sandlock/audit (g_get_user_state_dir ()). */
char          *sandlock_audit_default_dir (void);

/* Creates @dir (0700) if needed. @max_file_bytes > 0, @max_files >= 1
 * (counting audit.jsonl itself). */
SandlockAudit *sandlock_audit_new    (const char          *dir,
                                      guint64              max_file_bytes,
                                      guint                max_files,
                                      GError             **error);
void           sandlock_audit_free   (SandlockAudit       *audit);

/* Appends the records (JSON objects) as one batch: one write, then
 * fdatasync. */
gboolean       sandlock_audit_append (SandlockAudit       *audit,
                                      JsonObject * const  *records,
                                      guint                n_records,
                                      GError             **error);

typedef struct {
  const char *name;      /* records whose "name" equals it; NULL = any */
  const char *run;       /* records whose "run" equals it; NULL = any */
  const char *kind;      /* "run", "event" or "commit"; NULL = any */
  /* "allow"/"deny"/"audit": event records with that verdict, plus run
   * records that counted at least one such event ("denied" > 0 for deny,
   * "audited" > 0 for audit; runs count no allowed events); commit
   * records are dropped; NULL = any */
  const char *verdict;
  gint64      since_us;  /* records whose "time" (µs since the epoch) >= since; 0 = no bound */
  gint64      until_us;  /* ... < until; 0 = no bound */
  guint       limit;     /* at most this many, the newest ones; 0 = no limit */
} SandlockAuditFilter;

/* Matching records (JsonObject *, owned by the array), oldest first,
 * across the rotated files (oldest file first). @filter NULL matches
 * everything. Malformed lines are skipped: a torn last line after a crash
 * must not break queries. */
GPtrArray     *sandlock_audit_query  (SandlockAudit             *audit,
                                      const SandlockAuditFilter *filter,
                                      GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockAudit, sandlock_audit_free)

G_END_DECLS
