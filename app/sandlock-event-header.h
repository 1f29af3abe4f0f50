/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "sandlock-event-columns.h"

G_BEGIN_DECLS

/*
 * The Events table's column titles, where @columns places them. A
 * column's trailing edge can be dragged to resize it (Detail's resizes
 * Verdict) and double-clicked to give it back its default width, as in a
 * GtkColumnView. Styled as one: put it in a "columnview" node.
 */
#define SANDLOCK_TYPE_EVENT_HEADER (sandlock_event_header_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEventHeader, sandlock_event_header, SANDLOCK, EVENT_HEADER, GtkWidget)

void sandlock_event_header_set_columns (SandlockEventHeader  *self,
                                        SandlockEventColumns *columns);

G_END_DECLS
