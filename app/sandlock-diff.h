/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one line of a unified diff (diff -u -r -N) is, for colouring. */
typedef enum {
  SANDLOCK_DIFF_LINE_CONTEXT,   /* " text", or anything unrecognised */
  SANDLOCK_DIFF_LINE_ADDED,     /* "+text" */
  SANDLOCK_DIFF_LINE_REMOVED,   /* "-text" */
  SANDLOCK_DIFF_LINE_HUNK,      /* "@@ -1,3 +1,4 @@" */
  SANDLOCK_DIFF_LINE_HEADER,    /* "--- a", "+++ b", "diff ...", "\ No newline at end of file" */
  SANDLOCK_DIFF_LINE_BINARY,    /* "Binary files a and b differ" */
} SandlockDiffLineKind;

/* Classifies @line (without its newline) on its own. A removed line
 * "-- x" reads as the header "--- x" here; sandlock_diff_next_line_kind()
 * tells them apart. */
SandlockDiffLineKind sandlock_diff_line_kind      (const char *line);

/* Where a reader is in a diff: lines left in the current hunk. */
typedef struct {
  guint64 old_left;
  guint64 new_left;
} SandlockDiffState;

#define SANDLOCK_DIFF_STATE_INIT { 0, 0 }

/* Classifies the next @line of a diff read from the start with @state,
 * counting hunk lines as diff(1) does, so that "--- x" inside a hunk is a
 * removed line. */
SandlockDiffLineKind sandlock_diff_next_line_kind (SandlockDiffState *state,
                                                   const char        *line);

/* Whether @diff is diff(1)'s note that binary files differ, with no text diff. */
gboolean             sandlock_diff_is_binary      (const char *diff);

G_END_DECLS
