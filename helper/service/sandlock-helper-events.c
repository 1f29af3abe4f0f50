/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <string.h>

#include "sandlock-helper-error.h"
#include "sandlock-helper-events.h"
#include "sandlock-helper-stream.h"

/* Events kept for readers that attach late, and for the audit log. */
#define HISTORY_MAX      10000
#define AUDIT_MAX        10000
/* What a stream may hold unread before it drops events. */
#define STREAM_PENDING   (4 * 1024 * 1024)

typedef struct {
  SandlockVerdict verdict;
  char           *category;
  char           *line;      /* JSON and "\n" */
} QueuedEvent;

typedef struct {
  SandlockHelperStream *stream;
  guint                 verdicts;     /* 1 << SandlockVerdict; 0 = all */
  GStrv                 categories;   /* NULL = all */
} Reader;

struct _SandlockHelperEvents {
  /* Shared with the supervisor thread. */
  GMutex                       lock;
  GPtrArray                   *incoming;
  gboolean                     scheduled;

  /* Main loop only. */
  char                        *run_id;
  char                        *name;
  SandlockHelperEventsChanged  changed;
  gpointer                     user_data;
  GQueue                       history;
  GPtrArray                   *readers;
  GPtrArray                   *audit;
  guint                        audit_dropped;
  guint                        denied;
  guint                        audited;
  gboolean                     finished;
};

static void
queued_event_free (QueuedEvent *event)
{
  g_free (event->category);
  g_free (event->line);
  g_free (event);
}

static void
reader_free (Reader *reader)
{
  sandlock_helper_stream_free (reader->stream);
  g_strfreev (reader->categories);
  g_free (reader);
}

static void
events_release (SandlockHelperEvents *events)
{
  g_mutex_clear (&events->lock);
  g_ptr_array_unref (events->incoming);
  g_free (events->run_id);
  g_free (events->name);
  g_queue_clear_full (&events->history, (GDestroyNotify) queued_event_free);
  g_ptr_array_unref (events->readers);
  g_ptr_array_unref (events->audit);
}

/* Atomic: the supervisor thread takes references for its batches. */
static void
events_unref (SandlockHelperEvents *events)
{
  g_atomic_rc_box_release_full (events, (GDestroyNotify) events_release);
}

SandlockHelperEvents *
sandlock_helper_events_new (const char                  *run_id,
                            const char                  *name,
                            SandlockHelperEventsChanged  changed,
                            gpointer                     user_data)
{
  SandlockHelperEvents *events = g_atomic_rc_box_new0 (SandlockHelperEvents);

  g_mutex_init (&events->lock);
  events->incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_event_free);
  events->run_id = g_strdup (run_id);
  events->name = g_strdup (name ? name : "");
  events->changed = changed;
  events->user_data = user_data;
  g_queue_init (&events->history);
  events->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) reader_free);
  events->audit = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  return events;
}

void
sandlock_helper_events_free (SandlockHelperEvents *events)
{
  /* A batch scheduled on the main loop may still hold a reference. */
  events->changed = NULL;
  events_unref (events);
}

static gboolean
reader_wants (Reader      *reader,
              QueuedEvent *event)
{
  if (reader->verdicts != 0 && !(reader->verdicts & (1u << event->verdict)))
    return FALSE;
  return reader->categories == NULL ||
         g_strv_contains ((const char * const *) reader->categories, event->category);
}

static void
keep_for_audit (SandlockHelperEvents *events,
                QueuedEvent          *event)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *record;

  if (events->audit->len >= AUDIT_MAX)
    {
      events->audit_dropped++;
      return;
    }
  node = json_from_string (event->line, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  record = json_node_dup_object (node);
  json_object_set_string_member (record, "kind", "event");
  json_object_set_string_member (record, "run", events->run_id);
  json_object_set_string_member (record, "name", events->name);
  json_object_set_int_member (record, "time",
                              json_object_get_int_member_with_default (record, "time_ns", 0) / 1000);
  g_ptr_array_add (events->audit, record);
}

/* One event on the main loop: count, keep, and write to the readers. */
static void
deliver (SandlockHelperEvents *events,
         QueuedEvent          *event)
{
  if (event->verdict == SANDLOCK_VERDICT_DENY)
    events->denied++;
  else if (event->verdict == SANDLOCK_VERDICT_AUDIT)
    events->audited++;
  if (event->verdict != SANDLOCK_VERDICT_ALLOW)
    keep_for_audit (events, event);

  for (guint i = 0; i < events->readers->len; )
    {
      Reader *reader = g_ptr_array_index (events->readers, i);

      if (reader_wants (reader, event) &&
          !sandlock_helper_stream_write (reader->stream, event->line, strlen (event->line)))
        g_ptr_array_remove_index_fast (events->readers, i);
      else
        i++;
    }

  g_queue_push_tail (&events->history, event);
  if (events->history.length > HISTORY_MAX)
    queued_event_free (g_queue_pop_head (&events->history));
}

static void
deliver_queued (SandlockHelperEvents *events)
{
  g_autoptr(GPtrArray) batch = NULL;
  guint denied = events->denied, audited = events->audited;

  g_mutex_lock (&events->lock);
  batch = g_steal_pointer (&events->incoming);
  events->incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_event_free);
  events->scheduled = FALSE;
  g_mutex_unlock (&events->lock);

  /* The history takes the events over. */
  g_ptr_array_set_free_func (batch, NULL);
  for (guint i = 0; i < batch->len; i++)
    deliver (events, g_ptr_array_index (batch, i));

  if (events->changed != NULL && (denied != events->denied || audited != events->audited))
    events->changed (events->user_data);
}

static gboolean
on_batch (gpointer user_data)
{
  SandlockHelperEvents *events = user_data;

  if (events->changed != NULL || events->finished)
    deliver_queued (events);
  return G_SOURCE_REMOVE;
}

void
sandlock_helper_events_push (const SandlockEvent *sandlock_event,
                             gpointer             user_data)
{
  SandlockHelperEvents *events = user_data;
  QueuedEvent *event = g_new (QueuedEvent, 1);
  g_autofree char *json = sandlock_event_to_json (sandlock_event);
  gboolean schedule;

  event->verdict = sandlock_event->verdict;
  event->category = g_strdup (sandlock_event->category);
  event->line = g_strconcat (json, "\n", NULL);

  g_mutex_lock (&events->lock);
  g_ptr_array_add (events->incoming, event);
  schedule = !events->scheduled;
  events->scheduled = TRUE;
  g_mutex_unlock (&events->lock);

  /* One main-loop wakeup per batch, not per event. */
  if (schedule)
    g_idle_add_full (G_PRIORITY_DEFAULT, on_batch, g_atomic_rc_box_acquire (events),
                     (GDestroyNotify) events_unref);
}

void
sandlock_helper_events_finish (SandlockHelperEvents *events)
{
  events->finished = TRUE;
  deliver_queued (events);
  for (guint i = 0; i < events->readers->len; i++)
    sandlock_helper_stream_close (((Reader *) g_ptr_array_index (events->readers, i))->stream);
}

/* "s" or "as" into a string vector; FALSE when it is neither. */
static gboolean
filter_strings (GVariant *value,
                GStrv    *strings)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *one[] = { g_variant_get_string (value, NULL), NULL };
      *strings = g_strdupv ((GStrv) one);
      return TRUE;
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      *strings = g_variant_dup_strv (value, NULL);
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_verdicts (GStrv    names,
                guint   *verdicts,
                GError **error)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      SandlockVerdict v;

      for (v = SANDLOCK_VERDICT_ALLOW; v <= SANDLOCK_VERDICT_AUDIT; v++)
        if (strcmp (names[i], sandlock_verdict_to_string (v)) == 0)
          break;
      if (v > SANDLOCK_VERDICT_AUDIT)
        {
          g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                       "verdict \"%s\" is not one of allow, deny, audit", names[i]);
          return FALSE;
        }
      *verdicts |= 1u << v;
    }
  return TRUE;
}

static Reader *
reader_from_filter (GVariant  *filter,
                    gboolean  *history,
                    GError   **error)
{
  g_autoptr(GVariantIter) iter = g_variant_iter_new (filter);
  Reader *reader = g_new0 (Reader, 1);
  const char *key;
  GVariant *value;

  *history = TRUE;
  while (g_variant_iter_loop (iter, "{&sv}", &key, &value))
    {
      g_auto(GStrv) strings = NULL;

      if (strcmp (key, "history") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        *history = g_variant_get_boolean (value);
      else if (strcmp (key, "category") == 0 && filter_strings (value, &reader->categories))
        ;
      else if (strcmp (key, "verdict") == 0 && filter_strings (value, &strings))
        {
          if (!parse_verdicts (strings, &reader->verdicts, error))
            goto fail;
        }
      else
        {
          g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                       "event filter \"%s\" of type %s is not understood (use verdict, category: "
                       "s or as; history: b)", key, g_variant_get_type_string (value));
          goto fail;
        }
    }
  return reader;

fail:
  g_strfreev (reader->categories);
  g_free (reader);
  return NULL;
}

int
sandlock_helper_events_open_stream (SandlockHelperEvents *events,
                                    GVariant             *filter,
                                    GError              **error)
{
  Reader *reader;
  gboolean history;
  int fds[2];

  reader = reader_from_filter (filter, &history, error);
  if (reader == NULL)
    return -1;
  if (!sandlock_helper_pipe (fds, error))
    {
      g_strfreev (reader->categories);
      g_free (reader);
      return -1;
    }
  /* Anything still queued belongs to the history the reader gets first. */
  deliver_queued (events);
  reader->stream = sandlock_helper_stream_new (fds[1], STREAM_PENDING, TRUE);
  for (GList *l = history ? events->history.head : NULL; l != NULL; l = l->next)
    if (reader_wants (reader, l->data))
      sandlock_helper_stream_write (reader->stream, ((QueuedEvent *) l->data)->line,
                                    strlen (((QueuedEvent *) l->data)->line));
  if (events->finished)
    sandlock_helper_stream_close (reader->stream);
  g_ptr_array_add (events->readers, reader);
  return fds[0];
}

guint
sandlock_helper_events_get_denied (SandlockHelperEvents *events)
{
  return events->denied;
}

guint
sandlock_helper_events_get_audited (SandlockHelperEvents *events)
{
  return events->audited;
}

GPtrArray *
sandlock_helper_events_take_audit (SandlockHelperEvents *events)
{
  GPtrArray *records = g_steal_pointer (&events->audit);

  events->audit = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  return records;
}
