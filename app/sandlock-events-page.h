/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-page.h"
#include "sandlock-event-model.h"

G_BEGIN_DECLS

/*
 * A sandbox's system calls as they happen: a live, filterable table that
 * follows the newest event unless the reader scrolled up.
 */
#define SANDLOCK_TYPE_EVENTS_PAGE (sandlock_events_page_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEventsPage, sandlock_events_page, SANDLOCK, EVENTS_PAGE, SandlockPage)

/* The events shown, before filtering (for tests and benchmarks). */
SandlockEventModel *sandlock_events_page_get_model  (SandlockEventsPage *self);

/* Whether the list follows the newest events (it pauses when the reader
 * scrolls up). Setting it is the reader's choice, kept in the
 * "follow-events" setting: when off, reaching the end does not resume. */
gboolean            sandlock_events_page_get_follow (SandlockEventsPage *self);
void                sandlock_events_page_set_follow (SandlockEventsPage *self,
                                                     gboolean            follow);

G_END_DECLS
