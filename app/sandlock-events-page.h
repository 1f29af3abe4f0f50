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
SandlockEventModel *sandlock_events_page_get_model (SandlockEventsPage *self);

G_END_DECLS
