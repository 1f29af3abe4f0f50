/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sandlock.h>

G_BEGIN_DECLS

/*
 * A sandbox's events on their way from the supervisor thread to clients:
 * queued under a lock, handed to the main loop in batches, kept as a
 * bounded history for late readers, written to event-stream fds, counted,
 * and the denied and audited ones kept for the audit log.
 */
typedef struct _SandlockHelperEvents SandlockHelperEvents;

/* Called on the main loop after a batch changed the counts. */
typedef void (*SandlockHelperEventsChanged) (gpointer user_data);

SandlockHelperEvents *sandlock_helper_events_new   (const char                  *run_id,
                                                    const char                  *name,
                                                    SandlockHelperEventsChanged  changed,
                                                    gpointer                     user_data);
/* Stops the callback and releases the caller's reference. */
void                  sandlock_helper_events_free  (SandlockHelperEvents        *events);

/* A SandlockEventFunc: from any thread. */
void                  sandlock_helper_events_push  (const SandlockEvent         *event,
                                                    gpointer                     events);
/* Delivers what is queued now (the sandbox has ended), and closes every
 * stream once it has read what is queued for it. */
void                  sandlock_helper_events_finish (SandlockHelperEvents       *events);

/* A pipe's read end carrying JSON lines. @filter: "verdict", "category"
 * (s or as), "history" (b). */
int                   sandlock_helper_events_open_stream (SandlockHelperEvents *events,
                                                          GVariant             *filter,
                                                          GError              **error);

guint                 sandlock_helper_events_get_denied  (SandlockHelperEvents *events);
guint                 sandlock_helper_events_get_audited (SandlockHelperEvents *events);
/* The denied and audited events as audit records (JsonObject), taken. */
GPtrArray            *sandlock_helper_events_take_audit  (SandlockHelperEvents *events);

G_END_DECLS
