/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One trapped system call from a sandbox's event stream, as a row of the
 * Events page. Immutable. Strings are never NULL (missing ones are "").
 */
/*
 * The fields of one line of OpenEventStream, strings pointing into the
 * parser's copy of the line (valid until its next use). @dropped is 0 for
 * an event, N for a {"dropped":N} line. Strings are not checked for UTF-8.
 */
typedef struct {
  guint64     time_ns;
  guint64     dropped;
  int         pid;
  int         ppid;
  int         error;
  const char *syscall;
  const char *category;
  const char *detail;
  const char *verdict;
  const char *rule;
} SandlockEventFields;

/*
 * Parses one stream line (trailing newline allowed) into @fields, using
 * @scratch for the strings. Fast for the flat objects the helper writes,
 * any other JSON object still works. Fails for what is not an event or a
 * dropped line.
 */
gboolean sandlock_event_parse_line (const char           *line,
                                    gssize                length,
                                    GString              *scratch,
                                    SandlockEventFields  *fields,
                                    GError              **error);

#define SANDLOCK_TYPE_EVENT (sandlock_event_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEvent, sandlock_event, SANDLOCK, EVENT, GObject)

SandlockEvent *sandlock_event_new           (guint64      time_ns,
                                             int          pid,
                                             int          ppid,
                                             const char  *syscall,
                                             const char  *category,
                                             const char  *detail,
                                             const char  *verdict,
                                             int          error,
                                             const char  *rule);
/*
 * Parses one line of OpenEventStream (trailing newline allowed). A line
 * {"dropped":N} gives NULL without error and sets *dropped to N; any other
 * line that is not an event gives NULL and an error. *dropped is 0 for an
 * event.
 */
SandlockEvent *sandlock_event_new_from_json (const char  *line,
                                             gssize       length,
                                             guint64     *dropped,
                                             GError     **error);

guint64     sandlock_event_get_time_ns  (SandlockEvent *self);
int         sandlock_event_get_pid      (SandlockEvent *self);
int         sandlock_event_get_ppid     (SandlockEvent *self);
const char *sandlock_event_get_syscall  (SandlockEvent *self);
const char *sandlock_event_get_category (SandlockEvent *self);
const char *sandlock_event_get_detail   (SandlockEvent *self);
const char *sandlock_event_get_verdict  (SandlockEvent *self);
int         sandlock_event_get_errno    (SandlockEvent *self);
const char *sandlock_event_get_rule     (SandlockEvent *self);
gboolean    sandlock_event_is_denied    (SandlockEvent *self);

/* Local wall-clock time with milliseconds, "14:03:27.118", into @buffer
 * (SANDLOCK_EVENT_TIME_SIZE bytes do), allocating nothing: rows print it
 * on every draw. Returns @buffer. */
#define SANDLOCK_EVENT_TIME_SIZE 16
const char *sandlock_event_print_time   (SandlockEvent *self,
                                         char          *buffer,
                                         gsize          size);

G_END_DECLS
