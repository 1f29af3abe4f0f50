/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include "sandlock-diff.h"

SandlockDiffLineKind
sandlock_diff_line_kind (const char *line)
{
  g_return_val_if_fail (line != NULL, SANDLOCK_DIFF_LINE_CONTEXT);

  /* File headers first: "---" and "+++" would otherwise read as a
   * removed or added line. */
  if (g_str_has_prefix (line, "--- ") || g_str_has_prefix (line, "+++ ") ||
      g_str_has_prefix (line, "diff ") || g_str_has_prefix (line, "Only in ") ||
      line[0] == '\\')
    return SANDLOCK_DIFF_LINE_HEADER;
  if (g_str_has_prefix (line, "@@ "))
    return SANDLOCK_DIFF_LINE_HUNK;
  if (g_str_has_prefix (line, "Binary files ") || g_str_has_prefix (line, "Files "))
    return SANDLOCK_DIFF_LINE_BINARY;
  if (line[0] == '+')
    return SANDLOCK_DIFF_LINE_ADDED;
  if (line[0] == '-')
    return SANDLOCK_DIFF_LINE_REMOVED;
  return SANDLOCK_DIFF_LINE_CONTEXT;
}

/* "-12,3" or "+12" (a count of 1) after the sign. */
static guint64
parse_range_count (const char *range)
{
  const char *comma = strchr (range, ',');
  const char *space = strchr (range, ' ');

  if (comma == NULL || (space != NULL && space < comma))
    return 1;
  return g_ascii_strtoull (comma + 1, NULL, 10);
}

SandlockDiffLineKind
sandlock_diff_next_line_kind (SandlockDiffState *state,
                              const char        *line)
{
  SandlockDiffLineKind kind;

  g_return_val_if_fail (state != NULL, SANDLOCK_DIFF_LINE_CONTEXT);
  g_return_val_if_fail (line != NULL, SANDLOCK_DIFF_LINE_CONTEXT);

  if (state->old_left > 0 || state->new_left > 0)
    {
      switch (line[0])
        {
        case ' ':
        case '\0':   /* an empty context line whose space was lost */
          state->old_left -= state->old_left > 0;
          state->new_left -= state->new_left > 0;
          return SANDLOCK_DIFF_LINE_CONTEXT;
        case '-':
          if (state->old_left > 0)
            {
              state->old_left--;
              return SANDLOCK_DIFF_LINE_REMOVED;
            }
          break;
        case '+':
          if (state->new_left > 0)
            {
              state->new_left--;
              return SANDLOCK_DIFF_LINE_ADDED;
            }
          break;
        case '\\':
          return SANDLOCK_DIFF_LINE_HEADER;
        default:
          break;
        }
      /* Not what the hunk announced: read on without counting. */
      state->old_left = state->new_left = 0;
    }

  kind = sandlock_diff_line_kind (line);
  if (kind == SANDLOCK_DIFF_LINE_HUNK)
    {
      const char *old_range = strchr (line, '-');
      const char *new_range = strchr (line, '+');

      state->old_left = old_range ? parse_range_count (old_range) : 0;
      state->new_left = new_range ? parse_range_count (new_range) : 0;
    }
  return kind;
}

gboolean
sandlock_diff_is_binary (const char *diff)
{
  SandlockDiffState state = SANDLOCK_DIFF_STATE_INIT;
  g_auto(GStrv) lines = NULL;
  gboolean binary = FALSE;

  g_return_val_if_fail (diff != NULL, FALSE);

  lines = g_strsplit (diff, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    switch (sandlock_diff_next_line_kind (&state, lines[i]))
      {
      case SANDLOCK_DIFF_LINE_BINARY:
        binary = TRUE;
        break;
      case SANDLOCK_DIFF_LINE_ADDED:
      case SANDLOCK_DIFF_LINE_REMOVED:
      case SANDLOCK_DIFF_LINE_HUNK:
        return FALSE;
      case SANDLOCK_DIFF_LINE_CONTEXT:
      case SANDLOCK_DIFF_LINE_HEADER:
      default:
        break;
      }
  return binary;
}
