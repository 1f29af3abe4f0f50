/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "sandlock-event.h"
#include "sandlock-event-columns.h"

G_BEGIN_DECLS

/*
 * One event as one row of the Events table, its columns drawn with Pango
 * where @columns places them. Denied events carry the "denied" style
 * class. Taking a new event costs next to nothing: a list view rebinds
 * every row it keeps whenever the rows move (while following the newest
 * events, every flush), and only the rows on screen are drawn.
 */
#define SANDLOCK_TYPE_EVENT_ROW (sandlock_event_row_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEventRow, sandlock_event_row, SANDLOCK, EVENT_ROW, GtkWidget)

GtkWidget     *sandlock_event_row_new       (SandlockEventColumns *columns);
void           sandlock_event_row_set_event (SandlockEventRow     *self,
                                             SandlockEvent        *event);

/* Draws the columns' fonts once, off screen, so that the first rows drawn
 * do not load them (see the function). */
void           sandlock_event_row_warm_up   (GtkWidget            *widget);

/* A column's text as the row shows it (translated), into @buffer when it
 * must be printed (SANDLOCK_EVENT_TIME_SIZE bytes do). */
const char    *sandlock_event_row_column_text (SandlockEvent       *event,
                                               SandlockEventColumn  column,
                                               char                *buffer,
                                               gsize                size);
/* Its tooltip: the detail in full, or why a call was denied; NULL for
 * none. */
char          *sandlock_event_row_tooltip_text (SandlockEvent       *event,
                                                SandlockEventColumn  column);

G_END_DECLS
