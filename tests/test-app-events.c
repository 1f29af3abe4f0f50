/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Events page's model without a display: parsing the helper's event
 * stream, one items-changed per batch, the bound, filtering, lost events.
 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>

#include "sandlock-event.h"
#include "sandlock-event-columns.h"
#include "sandlock-event-model.h"
#include "sandlock-event-row.h"

static const char *categories[] = { "file", "network", "process", "memory" };

/* The i-th synthetic event: every 10th denied, every 7th audited. */
static char *
make_line (guint i)
{
  const char *verdict = i % 10 == 0 ? "deny" : i % 7 == 0 ? "audit" : "allow";

  return g_strdup_printf ("{\"time_ns\":%" G_GUINT64_FORMAT ",\"pid\":%u,\"ppid\":1,"
                          "\"syscall\":\"%s\",\"category\":\"%s\",\"detail\":\"/tmp/file-%u\","
                          "\"verdict\":\"%s\",\"errno\":%d,\"rule\":\"%s\"}\n",
                          G_GUINT64_CONSTANT (1700000000000000000) + i, 100 + i % 5,
                          i % 2 ? "openat" : "connect", categories[i % 4], i, verdict,
                          i % 10 == 0 ? EACCES : 0, i % 10 == 0 ? "fs_readable" : "");
}

static void
push_lines (SandlockEventModel *model,
            guint               first,
            guint               n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = make_line (i);

      g_assert_true (sandlock_event_model_push_line (model, line, -1, &error));
      g_assert_no_error (error);
    }
}

typedef struct {
  guint  n_items;   /* as the signals told it */
  guint  count;
  guint  position;
  guint  removed;
  guint  added;
  GArray *all;   /* of guint triples */
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  guint triple[3] = { position, removed, added };

  /* Every signal leaves the model as it says, even halfway through a
   * change told in two. */
  g_assert_cmpuint (position + removed, <=, changes->n_items);
  changes->n_items = changes->n_items - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, changes->n_items);
  changes->count++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  g_array_append_vals (changes->all, triple, 3);
}

static void
increment (guint *count)
{
  (*count)++;
}

static SandlockEventModel *
new_model (guint    max,
           Changes *changes)
{
  SandlockEventModel *model = sandlock_event_model_new (max);

  sandlock_event_model_set_auto_flush (model, FALSE);
  changes->all = g_array_new (FALSE, TRUE, sizeof (guint));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), changes);
  return model;
}

static guint
event_index (SandlockEvent *event)
{
  return (guint) (sandlock_event_get_time_ns (event) - G_GUINT64_CONSTANT (1700000000000000000));
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockEvent) event = NULL;
  char time[SANDLOCK_EVENT_TIME_SIZE];
  guint64 dropped = 99;

  event = sandlock_event_new_from_json ("{\"time_ns\":1700000000123456789,\"pid\":42,\"ppid\":7,"
                                        "\"syscall\":\"openat\",\"category\":\"file\","
                                        "\"detail\":\"/etc/shadow\",\"verdict\":\"deny\","
                                        "\"errno\":13,\"rule\":\"fs_readable\"}\n",
                                        -1, &dropped, &error);
  g_assert_no_error (error);
  g_assert_nonnull (event);
  g_assert_cmpuint (dropped, ==, 0);
  g_assert_cmpuint (sandlock_event_get_time_ns (event), ==, G_GUINT64_CONSTANT (1700000000123456789));
  g_assert_cmpint (sandlock_event_get_pid (event), ==, 42);
  g_assert_cmpint (sandlock_event_get_ppid (event), ==, 7);
  g_assert_cmpstr (sandlock_event_get_syscall (event), ==, "openat");
  g_assert_cmpstr (sandlock_event_get_category (event), ==, "file");
  g_assert_cmpstr (sandlock_event_get_detail (event), ==, "/etc/shadow");
  g_assert_cmpstr (sandlock_event_get_verdict (event), ==, "deny");
  g_assert_cmpint (sandlock_event_get_errno (event), ==, EACCES);
  g_assert_cmpstr (sandlock_event_get_rule (event), ==, "fs_readable");
  g_assert_true (sandlock_event_is_denied (event));
  sandlock_event_print_time (event, time, sizeof time);
  g_assert_true (g_str_has_suffix (time, ".123"));
  g_assert_cmpuint (strlen (time), ==, strlen ("00:00:00.123"));
  g_clear_object (&event);

  /* Missing strings are empty, missing numbers 0. */
  event = sandlock_event_new_from_json ("{\"syscall\":\"mmap\"}", -1, &dropped, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sandlock_event_get_detail (event), ==, "");
  g_assert_cmpstr (sandlock_event_get_rule (event), ==, "");
  g_assert_cmpint (sandlock_event_get_pid (event), ==, 0);
  g_assert_false (sandlock_event_is_denied (event));
  g_clear_object (&event);

  /* Lost events. */
  event = sandlock_event_new_from_json ("{\"dropped\":17}\n", -1, &dropped, &error);
  g_assert_no_error (error);
  g_assert_null (event);
  g_assert_cmpuint (dropped, ==, 17);

  /* Not events. */
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "not json", "[1,2]", "{\"pid\":1}", "" };

      g_clear_error (&error);
      event = sandlock_event_new_from_json (bad[i], -1, &dropped, &error);
      g_assert_null (event);
      g_assert_nonnull (error);
    }
}

/* What JSON allows beyond the helper's own lines still parses. */
static void
test_parse_json (void)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockEvent) event = NULL;
  SandlockEventFields fields;
  guint64 dropped;

  /* Escapes, \u sequences (a surrogate pair too), spaces, members we do
   * not know (nested ones included), in any order. */
  g_assert_true (sandlock_event_parse_line (" { \"rule\" : \"r\\\"1\\\\\" ,"
                                            "\"extra\": {\"a\": [1, 2.5e3, true, null, \"x]\"]},"
                                            "\"syscall\":\"open\\u0061t\", \"pid\": -1,"
                                            "\"detail\":\"/tmp/caf\\u00e9 \\ud83d\\ude00\\n\","
                                            "\"time_ns\": 12 }\r\n",
                                            -1, scratch, &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fields.syscall, ==, "openat");
  g_assert_cmpstr (fields.rule, ==, "r\"1\\");
  g_assert_cmpstr (fields.detail, ==, "/tmp/caf\xc3\xa9 \xf0\x9f\x98\x80\n");
  g_assert_cmpstr (fields.category, ==, "");
  g_assert_cmpint (fields.pid, ==, -1);
  g_assert_cmpuint (fields.time_ns, ==, 12);

  /* Malformed: the parser says so rather than guessing. */
  for (guint i = 0; i < 7; i++)
    {
      const char *bad[] = {
        "{\"syscall\":\"x\",}", "{\"syscall\":\"x\"} trailing", "{\"syscall\":\"x\\q\"}",
        "{\"syscall\":\"x\" \"pid\":1}", "{\"syscall\":tru}", "{\"syscall\":\"unterminated}",
        "{\"syscall\":\"x\",\"pid\":[1,}",
      };

      g_clear_error (&error);
      g_assert_false (sandlock_event_parse_line (bad[i], -1, scratch, &fields, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* A detail that is not UTF-8 (read from a program's memory) is mended,
   * so that labels can show it. */
  g_clear_error (&error);
  event = sandlock_event_new_from_json ("{\"syscall\":\"openat\",\"detail\":\"/tmp/\xff\xfe\"}",
                                        -1, &dropped, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (sandlock_event_get_detail (event), -1, NULL));
  g_assert_true (g_str_has_prefix (sandlock_event_get_detail (event), "/tmp/"));
}

/* Events pushed as objects are kept like parsed ones. */
static void
test_push (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (0, &changes);
  g_autoptr(SandlockEvent) event =
    sandlock_event_new (5, 42, 1, "connect", "network", "10.0.0.1:443", "deny", 111, "net_allow");
  g_autoptr(SandlockEvent) kept = NULL;

  sandlock_event_model_push (model, event);
  g_assert_cmpuint (sandlock_event_model_flush (model), ==, 1);
  kept = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (kept != event);
  g_assert_cmpstr (sandlock_event_get_detail (kept), ==, "10.0.0.1:443");
  g_assert_cmpstr (sandlock_event_get_rule (kept), ==, "net_allow");
  g_assert_cmpint (sandlock_event_get_errno (kept), ==, 111);
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, 1);
  g_array_unref (changes.all);
}

/* 10k events pushed, nothing announced; one flush, one items-changed. */
static void
test_batch (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (0, &changes);
  g_autoptr(SandlockEvent) event = NULL;

  g_assert_cmpuint (sandlock_event_model_get_max_events (model), ==,
                    SANDLOCK_EVENT_MODEL_DEFAULT_MAX);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == SANDLOCK_TYPE_EVENT);

  push_lines (model, 0, 10000);
  g_assert_cmpuint (changes.count, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (sandlock_event_model_get_n_pending (model), ==, 10000);

  g_assert_cmpuint (sandlock_event_model_flush (model), ==, 10000);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10000);
  g_assert_cmpuint (sandlock_event_model_get_n_pending (model), ==, 0);
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, 1000);

  /* Nothing queued: no signal. */
  g_assert_cmpuint (sandlock_event_model_flush (model), ==, 0);
  g_assert_cmpuint (changes.count, ==, 1);

  /* Rows come to life on demand, in order. */
  event = g_list_model_get_item (G_LIST_MODEL (model), 4321);
  g_assert_cmpuint (event_index (event), ==, 4321);
  g_assert_cmpstr (sandlock_event_get_syscall (event), ==, "openat");
  g_assert_cmpstr (sandlock_event_get_category (event), ==, "network");
  g_assert_cmpstr (sandlock_event_get_detail (event), ==, "/tmp/file-4321");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 10000));
  {
    /* While a view holds a row, asking again gives the same object. */
    g_autoptr(SandlockEvent) again = g_list_model_get_item (G_LIST_MODEL (model), 4321);
    g_autoptr(SandlockEvent) other = g_list_model_get_item (G_LIST_MODEL (model), 4322);

    g_assert_true (again == event);
    g_assert_true (other != event);
  }

  /* The next batch lands at the end, in one signal. */
  push_lines (model, 10000, 5000);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 2);
  g_assert_cmpuint (changes.position, ==, 10000);
  g_assert_cmpuint (changes.added, ==, 5000);

  sandlock_event_model_clear (model);
  g_assert_cmpuint (changes.count, ==, 3);
  g_assert_cmpuint (changes.removed, ==, 15000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, 0);
  g_array_unref (changes.all);
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Left to itself the model flushes within a frame, once per batch; but
 * its first 256 events come 32 a flush (a view makes a row for each of
 * its first 200, in the signal: a burst of them made a frame late). */
static void
test_auto_flush (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (0, &changes);
  gboolean timed_out = FALSE;
  guint timeout;

  sandlock_event_model_set_auto_flush (model, TRUE);
  push_lines (model, 0, 3000);
  g_assert_cmpuint (changes.count, ==, 0);
  timeout = g_timeout_add (5000, on_timeout, &timed_out);
  while (changes.n_items < 3000 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_assert_cmpuint (changes.count, ==, 9);
  for (guint i = 0; i < 8; i++)
    {
      guint *triple = &g_array_index (changes.all, guint, 3 * i);

      g_assert_cmpuint (triple[0], ==, 32 * i);
      g_assert_cmpuint (triple[1], ==, 0);
      g_assert_cmpuint (triple[2], ==, 32);
    }
  g_assert_cmpuint (changes.added, ==, 3000 - 256);

  /* Past that, a batch comes whole. */
  push_lines (model, 3000, 500);
  timeout = g_timeout_add (5000, on_timeout, &timed_out);
  while (changes.n_items < 3500 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_assert_cmpuint (changes.count, ==, 10);
  g_assert_cmpuint (changes.added, ==, 500);
  g_array_unref (changes.all);
}

/* Beyond the bound the oldest go, announced in one signal. */
static void
test_bound (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (1000, &changes);
  g_autoptr(SandlockEvent) first = NULL;
  g_autoptr(SandlockEvent) last = NULL;
  guint denied = 0;

  push_lines (model, 0, 800);
  sandlock_event_model_flush (model);
  push_lines (model, 800, 500);
  sandlock_event_model_flush (model);

  g_assert_cmpuint (changes.count, ==, 3);
  /* Oldest 300 out, then 500 in at the end. */
  g_assert_cmpuint (g_array_index (changes.all, guint, 3), ==, 0);
  g_assert_cmpuint (g_array_index (changes.all, guint, 4), ==, 300);
  g_assert_cmpuint (g_array_index (changes.all, guint, 5), ==, 0);
  g_assert_cmpuint (g_array_index (changes.all, guint, 6), ==, 500);
  g_assert_cmpuint (g_array_index (changes.all, guint, 7), ==, 0);
  g_assert_cmpuint (g_array_index (changes.all, guint, 8), ==, 500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_cmpuint (sandlock_event_model_get_n_evicted (model), ==, 300);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 999);
  g_assert_cmpuint (event_index (first), ==, 300);
  g_assert_cmpuint (event_index (last), ==, 1299);
  for (guint i = 300; i < 1300; i++)
    denied += i % 10 == 0;
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, denied);

  /* Round the ring many times: order and counts hold. */
  for (guint round = 0; round < 7; round++)
    {
      push_lines (model, 1300 + round * 700, 700);
      sandlock_event_model_flush (model);
    }
  g_clear_object (&first);
  g_clear_object (&last);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 999);
  g_assert_cmpuint (event_index (first), ==, 1300 + 7 * 700 - 1000);
  g_assert_cmpuint (event_index (last), ==, 1300 + 7 * 700 - 1);
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(SandlockEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpuint (event_index (event), ==, 1300 + 7 * 700 - 1000 + i);
    }
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, 100);

  /* At the bound, one more makes a tenth go: removals are rare. */
  sandlock_event_model_clear (model);
  push_lines (model, 0, 1000);
  sandlock_event_model_flush (model);
  changes.count = 0;
  push_lines (model, 1000, 1);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 2);
  g_assert_cmpuint (g_array_index (changes.all, guint, changes.all->len - 5), ==, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 901);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpuint (event_index (first), ==, 100);
  changes.count = 0;
  push_lines (model, 1001, 99);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);

  /* One batch larger than the bound: only its newest stay. */
  changes.count = 0;
  push_lines (model, 100000, 2500);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpuint (event_index (first), ==, 101500);
  g_array_unref (changes.all);
}

static guint
count_shown_where (SandlockEventModel *model,
                   gboolean          (*check) (SandlockEvent *event))
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model)), count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SandlockEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      count += check (event);
    }
  return count;
}

static gboolean
is_denied_file (SandlockEvent *event)
{
  return sandlock_event_is_denied (event) &&
         strcmp (sandlock_event_get_category (event), "file") == 0;
}

/* The filter narrows the list, follows batches and the bound; a new filter
 * is told as everything gone, then the new list (two items-changed, never
 * one replacing everything, see sandlock_event_model_set_filter()). */
static void
test_filter (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (5000, &changes);
  g_autoptr(SandlockEvent) event = NULL;

  push_lines (model, 0, 4000);
  sandlock_event_model_flush (model);
  g_assert_false (sandlock_event_model_get_filtering (model));

  sandlock_event_model_set_filter (model, NULL, "deny", NULL);
  g_assert_true (sandlock_event_model_get_filtering (model));
  g_assert_cmpuint (changes.count, ==, 3);
  g_assert_cmpuint (g_array_index (changes.all, guint, 3), ==, 0);
  g_assert_cmpuint (g_array_index (changes.all, guint, 4), ==, 4000);
  g_assert_cmpuint (g_array_index (changes.all, guint, 5), ==, 0);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 400);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 400);
  g_assert_cmpuint (sandlock_event_model_get_n_events (model), ==, 4000);

  /* The same filter again: nothing to say. */
  sandlock_event_model_set_filter (model, NULL, "deny", "");
  g_assert_cmpuint (changes.count, ==, 3);

  /* Denied file events: i % 10 == 0 and i % 4 == 0. */
  sandlock_event_model_set_filter (model, "file", "deny", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 200);
  g_assert_cmpuint (count_shown_where (model, is_denied_file), ==, 200);

  /* A category nothing has: only the first half is told. */
  changes.count = 0;
  sandlock_event_model_set_filter (model, "ipc", NULL, NULL);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 200);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));

  /* Search over details, ignoring case: file-12, file-120..129, file-1200..1299. */
  sandlock_event_model_set_filter (model, NULL, NULL, "FILE-12");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 111);
  /* Over system calls. */
  sandlock_event_model_set_filter (model, NULL, NULL, "Connect");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2000);
  /* Over rules. */
  sandlock_event_model_set_filter (model, NULL, NULL, "fs_readable");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 400);

  /* New events that match join at the end in one signal... */
  changes.count = 0;
  push_lines (model, 4000, 500);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (changes.position, ==, 400);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 50);

  /* ...and the bound takes the oldest: 3000 of 8000 go (300 shown). */
  changes.count = 0;
  push_lines (model, 4500, 3500);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (changes.count, ==, 2);
  g_assert_cmpuint (g_array_index (changes.all, guint, changes.all->len - 6), ==, 0);
  g_assert_cmpuint (g_array_index (changes.all, guint, changes.all->len - 5), ==, 300);
  g_assert_cmpuint (g_array_index (changes.all, guint, changes.all->len - 4), ==, 0);
  g_assert_cmpuint (changes.position, ==, 150);
  g_assert_cmpuint (changes.added, ==, 350);
  g_assert_cmpuint (sandlock_event_model_get_n_events (model), ==, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 500);
  g_assert_cmpuint (sandlock_event_model_get_n_denied (model), ==, 500);
  for (guint i = 0; i < 500; i++)
    {
      g_clear_object (&event);
      event = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_true (sandlock_event_is_denied (event));
      g_assert_cmpuint (event_index (event), ==, 3000 + 10 * i);
    }

  /* Round the ring with the filter on: shown stays in step. */
  for (guint round = 0; round < 20; round++)
    {
      push_lines (model, 8000 + round * 1000, 1000);
      sandlock_event_model_flush (model);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 500);
  g_clear_object (&event);
  event = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpuint (event_index (event), ==, 28000 - 5000);

  /* Off again: everything kept is listed. */
  sandlock_event_model_set_filter (model, NULL, NULL, NULL);
  g_assert_false (sandlock_event_model_get_filtering (model));
  g_assert_cmpuint (g_array_index (changes.all, guint, changes.all->len - 5), ==, 500);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5000);

  /* Clearing keeps the filter working. */
  sandlock_event_model_set_filter (model, "network", NULL, NULL);
  sandlock_event_model_clear (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  push_lines (model, 0, 100);
  sandlock_event_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 25);
  g_array_unref (changes.all);
}

/* Where the table's columns go: the header and every row place them alike. */
static void
test_columns (void)
{
  g_autoptr(SandlockEventColumns) columns = sandlock_event_columns_new ();
  int x[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];
  int min = sandlock_event_columns_get_min_width (columns);
  int others = min - sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_DETAIL);
  int pid = sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_PID);
  guint changed = 0;

  g_signal_connect_swapped (columns, "changed", G_CALLBACK (increment), &changed);

  /* Left to right, edge to edge; Detail takes what the others leave. */
  sandlock_event_columns_place (columns, 1000, GTK_TEXT_DIR_LTR, x, widths);
  g_assert_cmpint (x[SANDLOCK_EVENT_COLUMN_TIME], ==, 0);
  for (guint i = 1; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    g_assert_cmpint (x[i], ==, x[i - 1] + widths[i - 1]);
  g_assert_cmpint (x[SANDLOCK_EVENT_COLUMN_VERDICT] + widths[SANDLOCK_EVENT_COLUMN_VERDICT], ==, 1000);
  g_assert_cmpint (widths[SANDLOCK_EVENT_COLUMN_DETAIL], ==, 1000 - others);

  /* Right to left: mirrored. */
  {
    int rx[SANDLOCK_EVENT_N_COLUMNS], rwidths[SANDLOCK_EVENT_N_COLUMNS];

    sandlock_event_columns_place (columns, 1000, GTK_TEXT_DIR_RTL, rx, rwidths);
    for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
      {
        g_assert_cmpint (rwidths[i], ==, widths[i]);
        g_assert_cmpint (rx[i], ==, 1000 - x[i] - widths[i]);
      }
    g_assert_cmpint (sandlock_event_columns_at (columns, 1000, GTK_TEXT_DIR_RTL, 999), ==,
                     SANDLOCK_EVENT_COLUMN_TIME);
  }

  /* Too narrow: Detail keeps its minimum (the row is at least that wide). */
  sandlock_event_columns_place (columns, min - 50, GTK_TEXT_DIR_LTR, x, widths);
  g_assert_cmpint (widths[SANDLOCK_EVENT_COLUMN_DETAIL], ==,
                   sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_DETAIL));

  /* What is where. */
  g_assert_cmpint (sandlock_event_columns_at (columns, 1000, GTK_TEXT_DIR_LTR, 0), ==,
                   SANDLOCK_EVENT_COLUMN_TIME);
  g_assert_cmpint (sandlock_event_columns_at (columns, 1000, GTK_TEXT_DIR_LTR, others), ==,
                   SANDLOCK_EVENT_COLUMN_DETAIL);
  g_assert_cmpint (sandlock_event_columns_at (columns, 1000, GTK_TEXT_DIR_LTR, 999), ==,
                   SANDLOCK_EVENT_COLUMN_VERDICT);
  g_assert_cmpint (sandlock_event_columns_at (columns, 1000, GTK_TEXT_DIR_LTR, 1000), ==, -1);

  /* Resizing: told once, clamped to a minimum, the same width again is
   * nothing, and the default comes back. */
  sandlock_event_columns_set_width (columns, SANDLOCK_EVENT_COLUMN_PID, 150);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_PID), ==, 150);
  g_assert_cmpint (sandlock_event_columns_get_min_width (columns), ==, min - pid + 150);
  sandlock_event_columns_set_width (columns, SANDLOCK_EVENT_COLUMN_PID, 150);
  g_assert_cmpuint (changed, ==, 1);
  sandlock_event_columns_set_width (columns, SANDLOCK_EVENT_COLUMN_PID, -20);
  g_assert_cmpint (sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_PID), >, 0);
  sandlock_event_columns_reset_width (columns, SANDLOCK_EVENT_COLUMN_PID);
  g_assert_cmpint (sandlock_event_columns_get_width (columns, SANDLOCK_EVENT_COLUMN_PID), ==, pid);
  g_assert_cmpint (sandlock_event_columns_get_min_width (columns), ==, min);
  g_assert_cmpuint (changed, ==, 3);
}

/* {"dropped":N} lines are counted, not listed; junk is refused. */
static void
test_dropped (void)
{
  Changes changes = { 0 };
  g_autoptr(SandlockEventModel) model = new_model (0, &changes);
  g_autoptr(GError) error = NULL;

  push_lines (model, 0, 10);
  g_assert_true (sandlock_event_model_push_line (model, "{\"dropped\":250}\n", -1, &error));
  g_assert_no_error (error);
  push_lines (model, 10, 10);
  g_assert_true (sandlock_event_model_push_line (model, "{\"dropped\":5}", -1, &error));
  g_assert_false (sandlock_event_model_push_line (model, "{\"oops\"", -1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (sandlock_event_model_push_line (model, "{\"pid\":3}", -1, &error));
  g_assert_nonnull (error);

  g_assert_cmpuint (sandlock_event_model_flush (model), ==, 20);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 20);
  g_assert_cmpuint (sandlock_event_model_get_n_dropped (model), ==, 255);
  g_assert_cmpuint (sandlock_event_model_get_n_evicted (model), ==, 0);
  g_array_unref (changes.all);
}

/* What a row shows in each column, and its tooltips. */
static void
test_row_text (void)
{
  g_autoptr(SandlockEvent) denied = sandlock_event_new (G_GUINT64_CONSTANT (1700000000123456789), 42, 7,
                                                        "openat", "file", "/etc/shadow", "deny",
                                                        EACCES, "fs_readable");
  g_autoptr(SandlockEvent) allowed = sandlock_event_new (0, 1, 0, "mmap", "odd", "", "maybe", 0, "");
  g_autoptr(SandlockEvent) audited = sandlock_event_new (0, 1, 0, "connect", "network", "1.2.3.4:80",
                                                         "audit", 0, "net_allow");
  g_autofree char *expected = g_strdup_printf ("%s (rule: fs_readable)", g_strerror (EACCES));
  char buffer[SANDLOCK_EVENT_TIME_SIZE], time[SANDLOCK_EVENT_TIME_SIZE];
  char *text;

  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_TIME, buffer, sizeof buffer),
                   ==, sandlock_event_print_time (denied, time, sizeof time));
  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_PID, buffer, sizeof buffer),
                   ==, "42");
  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_SYSCALL, buffer, sizeof buffer),
                   ==, "openat");
  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_CATEGORY, buffer, sizeof buffer),
                   ==, "File");
  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_DETAIL, buffer, sizeof buffer),
                   ==, "/etc/shadow");
  g_assert_cmpstr (sandlock_event_row_column_text (denied, SANDLOCK_EVENT_COLUMN_VERDICT, buffer, sizeof buffer),
                   ==, "Denied");
  g_assert_cmpstr (sandlock_event_row_column_text (audited, SANDLOCK_EVENT_COLUMN_VERDICT, buffer, sizeof buffer),
                   ==, "Audited");
  /* What has no label shows as it came. */
  g_assert_cmpstr (sandlock_event_row_column_text (allowed, SANDLOCK_EVENT_COLUMN_CATEGORY, buffer, sizeof buffer),
                   ==, "odd");
  g_assert_cmpstr (sandlock_event_row_column_text (allowed, SANDLOCK_EVENT_COLUMN_VERDICT, buffer, sizeof buffer),
                   ==, "maybe");

  /* The detail in full; why it was denied, or which rule matched. */
  text = sandlock_event_row_tooltip_text (denied, SANDLOCK_EVENT_COLUMN_DETAIL);
  g_assert_cmpstr (text, ==, "/etc/shadow");
  g_free (text);
  text = sandlock_event_row_tooltip_text (denied, SANDLOCK_EVENT_COLUMN_VERDICT);
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
  text = sandlock_event_row_tooltip_text (audited, SANDLOCK_EVENT_COLUMN_VERDICT);
  g_assert_cmpstr (text, ==, "Rule: net_allow");
  g_free (text);
  /* Nothing to add: no tooltip. */
  g_assert_null (sandlock_event_row_tooltip_text (denied, SANDLOCK_EVENT_COLUMN_SYSCALL));
  g_assert_null (sandlock_event_row_tooltip_text (allowed, SANDLOCK_EVENT_COLUMN_DETAIL));
  g_assert_null (sandlock_event_row_tooltip_text (allowed, SANDLOCK_EVENT_COLUMN_VERDICT));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-events/parse", test_parse);
  g_test_add_func ("/app-events/parse-json", test_parse_json);
  g_test_add_func ("/app-events/push", test_push);
  g_test_add_func ("/app-events/batch", test_batch);
  g_test_add_func ("/app-events/auto-flush", test_auto_flush);
  g_test_add_func ("/app-events/bound", test_bound);
  g_test_add_func ("/app-events/filter", test_filter);
  g_test_add_func ("/app-events/dropped", test_dropped);
  g_test_add_func ("/app-events/columns", test_columns);
  g_test_add_func ("/app-events/row-text", test_row_text);
  return g_test_run ();
}
