/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-event.h"

G_BEGIN_DECLS

/* Events kept by default; older ones go. */
#define SANDLOCK_EVENT_MODEL_DEFAULT_MAX 200000

/*
 * A live list of SandlockEvent, oldest first, for a stream that may carry
 * tens of thousands of events a second. Events are stored compactly and
 * become objects only when a view asks for them. What is pushed is queued
 * and appended by sandlock_event_model_flush() with one items-changed per
 * flush (the model flushes itself every frame, ~16 ms, or ten times a
 * second while more than a screenful comes per frame, unless auto-flush is
 * off). At most max-events are kept: past that, the oldest tenth goes, in
 * one items-changed. A filter narrows the list to the events that match,
 * new ones included.
 */
#define SANDLOCK_TYPE_EVENT_MODEL (sandlock_event_model_get_type ())
G_DECLARE_FINAL_TYPE (SandlockEventModel, sandlock_event_model, SANDLOCK, EVENT_MODEL, GObject)

SandlockEventModel *sandlock_event_model_new            (guint               max_events);

/* Queues the event of one stream line, or counts a {"dropped":N} line. */
gboolean            sandlock_event_model_push_line      (SandlockEventModel *self,
                                                         const char         *line,
                                                         gssize              length,
                                                         GError            **error);
void                sandlock_event_model_push           (SandlockEventModel *self,
                                                         SandlockEvent      *event);
/* Appends what is queued; returns how many were appended. */
guint               sandlock_event_model_flush          (SandlockEventModel *self);
void                sandlock_event_model_clear          (SandlockEventModel *self);

/*
 * Lists only the events of @category, with @verdict, and with @search in
 * their system call, detail or rule (ignoring ASCII case); NULL (or "")
 * for any. Filtering 200k events takes some milliseconds. A new filter is
 * told in two items-changed: all that was listed goes, then what matches
 * comes.
 */
void                sandlock_event_model_set_filter     (SandlockEventModel *self,
                                                         const char         *category,
                                                         const char         *verdict,
                                                         const char         *search);
gboolean            sandlock_event_model_get_filtering  (SandlockEventModel *self);

void                sandlock_event_model_set_auto_flush (SandlockEventModel *self,
                                                         gboolean            auto_flush);
guint               sandlock_event_model_get_max_events (SandlockEventModel *self);
guint               sandlock_event_model_get_n_pending  (SandlockEventModel *self);
/* Events kept, shown or not. */
guint               sandlock_event_model_get_n_events   (SandlockEventModel *self);
/* Denied events among those kept. */
guint               sandlock_event_model_get_n_denied   (SandlockEventModel *self);
/* Events the helper dropped because we read too slowly. */
guint64             sandlock_event_model_get_n_dropped  (SandlockEventModel *self);
/* Events that went because more than max-events arrived. */
guint64             sandlock_event_model_get_n_evicted  (SandlockEventModel *self);

G_END_DECLS
