/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include "sandlock-event-model.h"

/* At the bound, the oldest tenth goes at once: a view pays for each
 * removal (a relayout, ~5 ms for a ColumnView) more than for the number
 * removed, so removals stay rare: every 0.4 s at 50,000 events/s. */
#define EVICT_FRACTION 10

/* About one frame; but when a flush brings more than a view shows (GTK
 * 4.8 list views keep 200 rows), every row is new and its widgets are
 * remade: nobody can read that many anyway, so the flood is shown ten
 * times a second rather than sixty. */
#define FLUSH_INTERVAL_MS      16
#define FLOOD_INTERVAL_MS      100
#define FLOOD_EVENTS_PER_FLUSH 200

/* A view makes a row for each of the first 200 events, in the signal that
 * brings them (outside any frame), ~30 µs a row: brought in one burst, they
 * made a frame late. Until there are that many, a flush brings a few. */
#define RAMP_EVENTS            256
#define RAMP_EVENTS_PER_FLUSH  32

/* One event, ~56 bytes plus its detail: the few distinct system calls,
 * categories, verdicts and rules are shared from the model's pool. */
typedef struct {
  guint64     time_ns;
  const char *syscall;
  const char *category;
  const char *verdict;
  const char *rule;
  char       *detail;
  gint32      pid;
  gint32      ppid;
  gint32      error;
  gboolean    denied;
} Record;

struct _SandlockEventModel {
  GObject     parent_instance;

  /* Kept events: a ring of @capacity slots (grown up to @max_events),
   * @length of them used starting at @head. */
  Record     *ring;
  guint       capacity;
  guint       head;
  guint       length;
  guint       max_events;

  GArray     *pending;      /* of Record, not yet announced */
  GHashTable *strings;      /* pool of shared strings */
  GString    *scratch;      /* the line being parsed */
  guint       flush_source;
  guint       flush_interval;
  gboolean    auto_flush;

  guint       n_denied;
  guint64     n_dropped;
  guint64     n_evicted;

  /* The filter, strings from the pool (compared as pointers); when on,
   * @shown lists the sequence numbers of the matching events from
   * @shown_head on. An event's sequence number is @first_seq plus its
   * position among those kept. */
  gboolean    filtering;
  const char *filter_category;
  const char *filter_verdict;
  char       *filter_search;
  gsize       filter_search_length;
  char        filter_firsts[3];   /* the search's first letter in both cases */
  GArray     *shown;        /* of guint64 */
  guint       shown_head;
  guint64     first_seq;
  gboolean    blank;        /* lists nothing: between the two halves of a new filter */

  /* Row objects alive (held by a view), by sequence number: asked again,
   * the same event gives the same object, one per event as a view
   * expects (GTK list views find the widget of an item that moved by its
   * pointer). */
  GHashTable *rows;         /* guint64 * -> Row */
};

typedef struct {
  SandlockEventModel *model;
  guint64             seq;
  SandlockEvent      *event;   /* not owned */
} Row;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SandlockEventModel, sandlock_event_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static const char *
intern (SandlockEventModel *self,
        const char         *string)
{
  char *pooled = g_hash_table_lookup (self->strings, string);

  if (pooled == NULL)
    {
      /* What is pooled is valid UTF-8: an invalid string never matches. */
      if (!g_utf8_validate (string, -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (string, -1);

          return intern (self, valid);
        }
      pooled = g_strdup (string);
      g_hash_table_add (self->strings, pooled);
    }
  return pooled;
}

static inline Record *
record_at (SandlockEventModel *self,
           guint               position)
{
  g_assert (position < self->length);
  return &self->ring[(self->head + position) % self->capacity];
}

static void
record_clear (Record *record)
{
  g_clear_pointer (&record->detail, g_free);
}

/* ---- GListModel --------------------------------------------------------- */

static GType
sandlock_event_model_get_item_type (GListModel *model)
{
  return SANDLOCK_TYPE_EVENT;
}

static guint
n_shown (SandlockEventModel *self)
{
  if (self->blank)
    return 0;
  return self->filtering ? self->shown->len - self->shown_head : self->length;
}

static guint
sandlock_event_model_get_n_items (GListModel *model)
{
  return n_shown (SANDLOCK_EVENT_MODEL (model));
}

static void
on_row_finalized (gpointer  data,
                  GObject  *where_the_object_was)
{
  Row *row = data;

  g_hash_table_remove (row->model->rows, &row->seq);   /* frees row */
}

static gpointer
sandlock_event_model_get_item (GListModel *model,
                               guint       position)
{
  SandlockEventModel *self = SANDLOCK_EVENT_MODEL (model);
  const Record *record;
  guint64 seq;
  Row *row;

  if (position >= n_shown (self))
    return NULL;
  if (self->filtering)
    position = g_array_index (self->shown, guint64, self->shown_head + position) - self->first_seq;
  seq = self->first_seq + position;
  row = g_hash_table_lookup (self->rows, &seq);
  if (row != NULL)
    return g_object_ref (row->event);

  record = record_at (self, position);
  row = g_new (Row, 1);
  row->model = self;
  row->seq = seq;
  row->event = sandlock_event_new (record->time_ns, record->pid, record->ppid, record->syscall,
                                   record->category, record->detail, record->verdict,
                                   record->error, record->rule);
  g_object_weak_ref (G_OBJECT (row->event), on_row_finalized, row);
  g_hash_table_insert (self->rows, &row->seq, row);
  return row->event;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sandlock_event_model_get_item_type;
  iface->get_n_items = sandlock_event_model_get_n_items;
  iface->get_item = sandlock_event_model_get_item;
}

/* ---- Filter ------------------------------------------------------------- */

/* Whether @haystack holds the search, ignoring ASCII case: candidates are
 * found by their first letter with strpbrk (vectorised in glibc), which
 * makes it several times faster than strcasestr over 200k events. */
static gboolean
contains (SandlockEventModel *self,
          const char         *haystack)
{
  for (const char *p = strpbrk (haystack, self->filter_firsts); p != NULL;
       p = strpbrk (p + 1, self->filter_firsts))
    if (g_ascii_strncasecmp (p, self->filter_search, self->filter_search_length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
record_matches (SandlockEventModel *self,
                const Record       *record)
{
  if (self->filter_category != NULL && record->category != self->filter_category)
    return FALSE;
  if (self->filter_verdict != NULL && record->verdict != self->filter_verdict)
    return FALSE;
  return self->filter_search == NULL ||
         contains (self, record->syscall) ||
         contains (self, record->detail) ||
         contains (self, record->rule);
}

/* Forgets shown events that are no longer kept; returns how many. */
static guint
unshow_evicted (SandlockEventModel *self)
{
  guint n = 0;

  while (self->shown_head + n < self->shown->len &&
         g_array_index (self->shown, guint64, self->shown_head + n) < self->first_seq)
    n++;
  self->shown_head += n;
  /* Compact now and then, not on every flush. */
  if (self->shown_head > 4096 && self->shown_head > self->shown->len / 2)
    {
      g_array_remove_range (self->shown, 0, self->shown_head);
      self->shown_head = 0;
    }
  return n;
}

void
sandlock_event_model_set_filter (SandlockEventModel *self,
                                 const char         *category,
                                 const char         *verdict,
                                 const char         *search)
{
  guint before;

  g_return_if_fail (SANDLOCK_IS_EVENT_MODEL (self));

  if (search != NULL && *search == '\0')
    search = NULL;
  category = category ? intern (self, category) : NULL;
  verdict = verdict ? intern (self, verdict) : NULL;
  if (category == self->filter_category && verdict == self->filter_verdict &&
      g_strcmp0 (search, self->filter_search) == 0)
    return;

  /*
   * Told as everything gone, then the new list: in one items-changed, a
   * GTK 4.8 list view whose rows' items all went looks for them among the
   * new ones and asks for every one of them, an object made and dropped
   * for each. Showing all 200,000 kept events again took ~150 ms that
   * way; now it takes making the rows on screen.
   */
  before = n_shown (self);
  if (before > 0)
    {
      self->blank = TRUE;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, before, 0);
      self->blank = FALSE;
    }
  self->filter_category = category;
  self->filter_verdict = verdict;
  g_free (self->filter_search);
  self->filter_search = g_strdup (search);
  if (search != NULL)
    {
      self->filter_search_length = strlen (search);
      self->filter_firsts[0] = g_ascii_tolower (search[0]);
      self->filter_firsts[1] = g_ascii_toupper (search[0]);
      self->filter_firsts[2] = '\0';
    }
  self->filtering = category != NULL || verdict != NULL || search != NULL;

  g_array_set_size (self->shown, 0);
  self->shown_head = 0;
  if (self->filtering)
    for (guint i = 0; i < self->length; i++)
      if (record_matches (self, record_at (self, i)))
        {
          guint64 seq = self->first_seq + i;

          g_array_append_val (self->shown, seq);
        }
  if (n_shown (self) > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_shown (self));
}

gboolean
sandlock_event_model_get_filtering (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), FALSE);
  return self->filtering;
}

/* ---- Queue and flush ---------------------------------------------------- */

static guint flush_pending (SandlockEventModel *self,
                            guint               limit);

static gboolean
on_flush_timeout (gpointer user_data)
{
  SandlockEventModel *self = user_data;

  self->flush_source = 0;
  /* The oldest few now, the rest at the next flush (see RAMP_EVENTS). */
  if (self->length < RAMP_EVENTS && self->pending->len > RAMP_EVENTS_PER_FLUSH)
    {
      flush_pending (self, RAMP_EVENTS_PER_FLUSH);
      self->flush_source = g_timeout_add (FLUSH_INTERVAL_MS, on_flush_timeout, self);
    }
  else
    flush_pending (self, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
queue_record (SandlockEventModel *self,
              Record             *record)
{
  g_array_append_vals (self->pending, record, 1);

  /* Nobody flushes: keep the queue bounded too. */
  if (self->pending->len >= 2 * self->max_events)
    {
      guint excess = self->pending->len - self->max_events;

      for (guint i = 0; i < excess; i++)
        record_clear (&g_array_index (self->pending, Record, i));
      g_array_remove_range (self->pending, 0, excess);
      self->n_evicted += excess;
    }
  if (self->auto_flush && self->flush_source == 0)
    self->flush_source = g_timeout_add (self->flush_interval, on_flush_timeout, self);
}

static void
queue_fields (SandlockEventModel        *self,
              const SandlockEventFields *fields)
{
  Record record;

  record.time_ns = fields->time_ns;
  record.pid = fields->pid;
  record.ppid = fields->ppid;
  record.error = fields->error;
  record.syscall = intern (self, fields->syscall);
  record.category = intern (self, fields->category);
  record.verdict = intern (self, fields->verdict);
  record.rule = intern (self, fields->rule);
  record.detail = g_utf8_validate (fields->detail, -1, NULL) ?
                  g_strdup (fields->detail) : g_utf8_make_valid (fields->detail, -1);
  record.denied = strcmp (record.verdict, "deny") == 0;
  queue_record (self, &record);
}

void
sandlock_event_model_push (SandlockEventModel *self,
                           SandlockEvent      *event)
{
  SandlockEventFields fields = { 0 };

  g_return_if_fail (SANDLOCK_IS_EVENT_MODEL (self));
  g_return_if_fail (SANDLOCK_IS_EVENT (event));

  fields.time_ns = sandlock_event_get_time_ns (event);
  fields.pid = sandlock_event_get_pid (event);
  fields.ppid = sandlock_event_get_ppid (event);
  fields.error = sandlock_event_get_errno (event);
  fields.syscall = sandlock_event_get_syscall (event);
  fields.category = sandlock_event_get_category (event);
  fields.detail = sandlock_event_get_detail (event);
  fields.verdict = sandlock_event_get_verdict (event);
  fields.rule = sandlock_event_get_rule (event);
  queue_fields (self, &fields);
}

gboolean
sandlock_event_model_push_line (SandlockEventModel *self,
                                const char         *line,
                                gssize              length,
                                GError            **error)
{
  SandlockEventFields fields;

  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  if (!sandlock_event_parse_line (line, length, self->scratch, &fields, error))
    return FALSE;
  if (fields.syscall == NULL)
    self->n_dropped += fields.dropped;
  else
    queue_fields (self, &fields);
  return TRUE;
}

/* Makes room for @n more, keeping the order (the ring unwrapped). */
static void
reserve (SandlockEventModel *self,
         guint               n)
{
  guint wanted = self->length + n;
  guint capacity;
  Record *ring;

  g_assert (wanted <= self->max_events);
  if (wanted <= self->capacity)
    return;
  capacity = MAX (MAX (wanted, self->capacity * 2), 1024);
  capacity = MIN (capacity, self->max_events);
  ring = g_new (Record, capacity);
  for (guint i = 0; i < self->length; i++)
    ring[i] = *record_at (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->capacity = capacity;
  self->head = 0;
}

static void
remove_oldest (SandlockEventModel *self,
               guint               n)
{
  g_assert (n <= self->length);
  for (guint i = 0; i < n; i++)
    {
      Record *record = record_at (self, i);

      if (record->denied)
        self->n_denied--;
      record_clear (record);
    }
  self->head = self->capacity ? (self->head + n) % self->capacity : 0;
  self->length -= n;
  self->n_evicted += n;
  self->first_seq += n;
}

/* Appends the oldest @limit queued (at most), the rest stay queued. */
static guint
flush_pending (SandlockEventModel *self,
               guint               limit)
{
  guint n, skip = 0, excess, position, first;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  n = MIN (self->pending->len, limit);
  if (n == 0)
    return 0;

  /* More than fit: only the newest count. */
  if (n > self->max_events)
    {
      skip = n - self->max_events;
      for (guint i = 0; i < skip; i++)
        record_clear (&g_array_index (self->pending, Record, i));
      self->n_evicted += skip;
      n = self->max_events;
    }

  /* The oldest go, in one signal. */
  excess = self->length + n > self->max_events ? self->length + n - self->max_events : 0;
  /* Over the bound, make room for a while (see EVICT_FRACTION). */
  if (excess > 0)
    excess = MIN (self->length, MAX (excess, self->max_events / EVICT_FRACTION));
  if (excess > 0)
    {
      guint gone;

      remove_oldest (self, excess);
      gone = self->filtering ? unshow_evicted (self) : excess;
      if (gone > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, gone, 0);
    }

  /* The new ones come at the end, in one signal. */
  reserve (self, n);
  position = n_shown (self);
  first = self->length;
  for (guint i = 0; i < n; i++)
    {
      Record *record = &g_array_index (self->pending, Record, skip + i);

      self->ring[(self->head + self->length) % self->capacity] = *record;
      self->length++;
      if (record->denied)
        self->n_denied++;
    }
  g_array_remove_range (self->pending, 0, skip + n);
  self->flush_interval = n >= FLOOD_EVENTS_PER_FLUSH ? FLOOD_INTERVAL_MS : FLUSH_INTERVAL_MS;
  if (self->filtering)
    for (guint i = first; i < self->length; i++)
      if (record_matches (self, record_at (self, i)))
        {
          guint64 seq = self->first_seq + i;

          g_array_append_val (self->shown, seq);
        }
  if (n_shown (self) > position)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n_shown (self) - position);
  return n;
}

guint
sandlock_event_model_flush (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return flush_pending (self, G_MAXUINT);
}

void
sandlock_event_model_clear (SandlockEventModel *self)
{
  guint removed;

  g_return_if_fail (SANDLOCK_IS_EVENT_MODEL (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);
  for (guint i = 0; i < self->pending->len; i++)
    record_clear (&g_array_index (self->pending, Record, i));
  g_array_set_size (self->pending, 0);

  removed = n_shown (self);
  for (guint i = 0; i < self->length; i++)
    record_clear (record_at (self, i));
  g_array_set_size (self->shown, 0);
  self->shown_head = 0;
  self->first_seq += self->length;   /* numbers are never reused: rows may live on */
  g_clear_pointer (&self->ring, g_free);
  self->capacity = self->head = self->length = 0;
  self->n_denied = 0;
  self->n_dropped = 0;
  self->n_evicted = 0;
  /* The pool stays: the filter points into it. */
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

void
sandlock_event_model_set_auto_flush (SandlockEventModel *self,
                                     gboolean            auto_flush)
{
  g_return_if_fail (SANDLOCK_IS_EVENT_MODEL (self));

  self->auto_flush = !!auto_flush;
  if (!self->auto_flush)
    g_clear_handle_id (&self->flush_source, g_source_remove);
  else if (self->pending->len > 0 && self->flush_source == 0)
    self->flush_source = g_timeout_add (self->flush_interval, on_flush_timeout, self);
}

guint
sandlock_event_model_get_max_events (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->max_events;
}

guint
sandlock_event_model_get_n_pending (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->pending->len;
}

guint
sandlock_event_model_get_n_events (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->length;
}

guint
sandlock_event_model_get_n_denied (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->n_denied;
}

guint64
sandlock_event_model_get_n_dropped (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->n_dropped;
}

guint64
sandlock_event_model_get_n_evicted (SandlockEventModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_MODEL (self), 0);
  return self->n_evicted;
}

/* ---- GObject ------------------------------------------------------------ */

static void
sandlock_event_model_finalize (GObject *object)
{
  SandlockEventModel *self = SANDLOCK_EVENT_MODEL (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  for (guint i = 0; i < self->pending->len; i++)
    record_clear (&g_array_index (self->pending, Record, i));
  g_array_unref (self->pending);
  for (guint i = 0; i < self->length; i++)
    record_clear (record_at (self, i));
  g_free (self->ring);
  g_hash_table_unref (self->strings);
  g_string_free (self->scratch, TRUE);
  g_array_unref (self->shown);
  g_free (self->filter_search);
  {
    GHashTableIter iter;
    Row *row;

    /* Rows may outlive the model: they stop reporting back. */
    g_hash_table_iter_init (&iter, self->rows);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
      g_object_weak_unref (G_OBJECT (row->event), on_row_finalized, row);
    g_hash_table_unref (self->rows);
  }
  G_OBJECT_CLASS (sandlock_event_model_parent_class)->finalize (object);
}

static void
sandlock_event_model_class_init (SandlockEventModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sandlock_event_model_finalize;
}

static void
sandlock_event_model_init (SandlockEventModel *self)
{
  self->pending = g_array_new (FALSE, FALSE, sizeof (Record));
  self->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scratch = g_string_sized_new (512);
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->max_events = SANDLOCK_EVENT_MODEL_DEFAULT_MAX;
  self->auto_flush = TRUE;
  self->flush_interval = FLUSH_INTERVAL_MS;
}

SandlockEventModel *
sandlock_event_model_new (guint max_events)
{
  SandlockEventModel *self = g_object_new (SANDLOCK_TYPE_EVENT_MODEL, NULL);

  if (max_events > 0)
    self->max_events = max_events;
  return self;
}
