/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The Events table's columns, in reading order. */
typedef enum {
  SANDLOCK_EVENT_COLUMN_TIME,
  SANDLOCK_EVENT_COLUMN_PID,
  SANDLOCK_EVENT_COLUMN_SYSCALL,
  SANDLOCK_EVENT_COLUMN_CATEGORY,
  SANDLOCK_EVENT_COLUMN_DETAIL,
  SANDLOCK_EVENT_COLUMN_VERDICT,
  SANDLOCK_EVENT_N_COLUMNS
} SandlockEventColumn;

/* Space between a column's edge and its text, as in a GtkColumnView cell. */
#define SANDLOCK_EVENT_COLUMN_PADDING 6

/*
 * Where the Events table's columns go, shared by its header and every row
 * so that they line up. Detail takes the room the others leave (at least
 * a minimum); the others have widths the reader can drag. "changed" is
 * emitted when a width changed.
 */
#define SANDLOCK_TYPE_EVENT_COLUMNS (sandlock_event_columns_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEventColumns, sandlock_event_columns, SANDLOCK, EVENT_COLUMNS, GObject)

SandlockEventColumns *sandlock_event_columns_new           (void);

/* Translated. */
const char           *sandlock_event_column_get_title      (SandlockEventColumn   column);

/* The width of a column of its own; for Detail, its minimum. */
int                   sandlock_event_columns_get_width     (SandlockEventColumns *self,
                                                            SandlockEventColumn   column);
/* Clamped to a minimum; Detail has no width of its own. */
void                  sandlock_event_columns_set_width     (SandlockEventColumns *self,
                                                            SandlockEventColumn   column,
                                                            int                   width);
void                  sandlock_event_columns_reset_width   (SandlockEventColumns *self,
                                                            SandlockEventColumn   column);
/* The narrowest a row can be. */
int                   sandlock_event_columns_get_min_width (SandlockEventColumns *self);

/* Places the columns in a row @width wide (mirrored right to left):
 * column i spans x[i] to x[i] + widths[i]. */
void                  sandlock_event_columns_place         (SandlockEventColumns *self,
                                                            int                   width,
                                                            GtkTextDirection      direction,
                                                            int                   x[SANDLOCK_EVENT_N_COLUMNS],
                                                            int                   widths[SANDLOCK_EVENT_N_COLUMNS]);
/* The column at @x in a row @width wide, or -1. */
int                   sandlock_event_columns_at            (SandlockEventColumns *self,
                                                            int                   width,
                                                            GtkTextDirection      direction,
                                                            double                x);

G_END_DECLS
