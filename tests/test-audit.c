/* SPDX-License-Identifier: Apache-2.0 */
/* The helper's audit log: appends, rotation by size, queries and their
 * filters, and resilience to torn or odd records. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sandlock-audit.h"

static char *tmpdir;

/* A fresh directory for one test, under the test's temporary directory. */
static char *
test_dir (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static SandlockAudit *
open_audit (const char *dir,
            guint64     max_file_bytes,
            guint       max_files)
{
  g_autoptr(GError) error = NULL;
  SandlockAudit *audit = sandlock_audit_new (dir, max_file_bytes, max_files, &error);

  g_assert_no_error (error);
  g_assert_nonnull (audit);
  return audit;
}

static JsonObject *
record_new (const char *kind,
            const char *run,
            const char *name,
            gint64      time,
            gint64      id)
{
  JsonObject *record = json_object_new ();

  json_object_set_string_member (record, "kind", kind);
  json_object_set_string_member (record, "run", run);
  json_object_set_string_member (record, "name", name);
  json_object_set_int_member (record, "time", time);
  json_object_set_int_member (record, "id", id);
  return record;
}

static JsonObject *
record_from_json (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_node_dup_object (node);
}

static void
append (SandlockAudit *audit,
        JsonObject   **records,
        guint          n_records)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sandlock_audit_append (audit, records, n_records, &error));
  g_assert_no_error (error);
}

static void
append_one (SandlockAudit *audit,
            JsonObject    *record)
{
  append (audit, &record, 1);
  json_object_unref (record);
}

static GPtrArray *
query (SandlockAudit             *audit,
       const SandlockAuditFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = sandlock_audit_query (audit, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (records);
  return records;
}

/* The "id" members of the matching records, "1 2 3", "-" where a record
 * has none: failures then show what came back. */
static char *
query_ids (SandlockAudit             *audit,
           const SandlockAuditFilter *filter)
{
  g_autoptr(GPtrArray) records = query (audit, filter);
  g_autoptr(GString) ids = g_string_new ("");

  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *id = json_object_get_member (records->pdata[i], "id");

      if (i > 0)
        g_string_append_c (ids, ' ');
      if (id != NULL && json_node_get_value_type (id) == G_TYPE_INT64)
        g_string_append_printf (ids, "%" G_GINT64_FORMAT, json_node_get_int (id));
      else
        g_string_append_c (ids, '-');
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
assert_ids (SandlockAudit             *audit,
            const SandlockAuditFilter *filter,
            const char                *expected)
{
  g_autofree char *ids = query_ids (audit, filter);

  g_assert_cmpstr (ids, ==, expected);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
append_raw (const char *dir,
            const char *name,
            const char *data,
            gsize       len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FILE *file = fopen (path, "ab");

  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (data, 1, len, file), ==, len);
  g_assert_cmpint (fclose (file), ==, 0);
}

static gboolean
file_exists (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else if (g_unlink (child) != 0)
        g_warning ("cannot remove %s: %s", child, g_strerror (errno));
    }
  if (g_rmdir (path) != 0)
    g_warning ("cannot remove %s: %s", path, g_strerror (errno));
}

/* ------------------------------------------------------------------------ */

static void
test_default_dir (void)
{
  g_autofree char *dir = sandlock_audit_default_dir ();
  g_autofree char *expected = g_build_filename (g_get_user_state_dir (),
                                                "sandlock", "audit", NULL);

  g_assert_cmpstr (dir, ==, expected);
  /* main () points XDG_STATE_HOME here, so this checks it is honoured. */
  g_assert_true (g_str_has_prefix (dir, tmpdir));
}

static void
test_round_trip (void)
{
  g_autofree char *dir = test_dir ("round-trip");
  g_autoptr(SandlockAudit) audit = open_audit (dir, 1 << 20, 4);
  g_autoptr(SandlockAudit) reopened = NULL;
  g_autoptr(GPtrArray) empty = query (audit, NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *batch[3];

  g_assert_cmpuint (empty->len, ==, 0);
  /* An empty batch writes nothing, not even an empty file. */
  g_assert_true (sandlock_audit_append (audit, NULL, 0, NULL));
  g_assert_false (file_exists (dir, "audit.jsonl"));

  batch[0] = record_from_json ("{\"kind\":\"run\",\"run\":\"r1\",\"name\":\"web\",\"time\":10,"
                               "\"argv\":[\"ls\",\"-l\"],\"policy\":{\"max_processes\":4},"
                               "\"start\":5,\"end\":9,\"exit_code\":0,\"signal\":0,"
                               "\"state\":\"exited\",\"denied\":1,\"audited\":0,"
                               "\"changes\":[{\"kind\":\"M\",\"path\":\"/w/a\","
                               "\"size_before\":1,\"size_after\":2}]}");
  /* A detail with a newline and non-ASCII text must stay one line. */
  batch[1] = record_from_json ("{\"kind\":\"event\",\"run\":\"r1\",\"name\":\"web\",\"time\":7,"
                               "\"pid\":42,\"ppid\":1,\"syscall\":\"openat\",\"category\":\"file\","
                               "\"detail\":\"/tmp/a\\nb \\u00e9\\u2603\",\"verdict\":\"deny\","
                               "\"errno\":13,\"rule\":\"fs_readable\"}");
  batch[2] = record_from_json ("{\"kind\":\"commit\",\"run\":\"r1\",\"name\":\"\",\"time\":11,"
                               "\"changes\":[]}");
  append (audit, batch, G_N_ELEMENTS (batch));

  contents = read_file (dir, "audit.jsonl");
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* 3 lines and "" */

  /* Another instance on the same directory sees the same log, in the
   * order written (not sorted by "time"). */
  reopened = open_audit (dir, 1 << 20, 4);
  records = query (reopened, NULL);
  g_assert_cmpuint (records->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) want = json_node_init_object (json_node_alloc (), batch[i]);
      g_autoptr(JsonNode) got = json_node_init_object (json_node_alloc (), records->pdata[i]);

      g_assert_true (json_node_equal (want, got));
    }
  g_assert_cmpstr (json_object_get_string_member (records->pdata[1], "detail"), ==,
                   "/tmp/a\nb \u00e9\u2603");

  g_assert_true (sandlock_audit_append (audit, NULL, 0, NULL));
  g_clear_pointer (&records, g_ptr_array_unref);
  records = query (audit, NULL);
  g_assert_cmpuint (records->len, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    json_object_unref (batch[i]);
}

/* ------------------------------------------------------------------------ */
/* Filters, on one log of three runs:
 *
 *   id kind    run name  time  what
 *   1  run     r1  web   1000  denied 2, audited 0
 *   2  event   r1  web   1100  deny
 *   3  event   r1  web   1200  allow
 *   4  commit  r1  web   1300
 *   5  run     r2  ""    2000  denied 1, audited 1
 *   6  event   r2  ""    2100  audit
 *   7  event   r2  ""    2200  deny
 *   8  run     r3  api   3000  denied 0, audited 0
 *   9  event   r3  api   3100  allow
 */

static JsonObject *
run_record (const char *run,
            const char *name,
            gint64      time,
            gint64      id,
            gint64      denied,
            gint64      audited)
{
  JsonObject *record = record_new ("run", run, name, time, id);

  json_object_set_int_member (record, "denied", denied);
  json_object_set_int_member (record, "audited", audited);
  return record;
}

static JsonObject *
event_record (const char *run,
              const char *name,
              gint64      time,
              gint64      id,
              const char *verdict)
{
  JsonObject *record = record_new ("event", run, name, time, id);

  json_object_set_string_member (record, "verdict", verdict);
  return record;
}

static SandlockAudit *
filter_log (const char *name)
{
  g_autofree char *dir = test_dir (name);
  SandlockAudit *audit = open_audit (dir, 1 << 20, 4);

  append_one (audit, run_record ("r1", "web", 1000, 1, 2, 0));
  append_one (audit, event_record ("r1", "web", 1100, 2, "deny"));
  append_one (audit, event_record ("r1", "web", 1200, 3, "allow"));
  append_one (audit, record_new ("commit", "r1", "web", 1300, 4));
  append_one (audit, run_record ("r2", "", 2000, 5, 1, 1));
  append_one (audit, event_record ("r2", "", 2100, 6, "audit"));
  append_one (audit, event_record ("r2", "", 2200, 7, "deny"));
  append_one (audit, run_record ("r3", "api", 3000, 8, 0, 0));
  append_one (audit, event_record ("r3", "api", 3100, 9, "allow"));
  assert_ids (audit, NULL, "1 2 3 4 5 6 7 8 9");
  return audit;
}

static void
test_filter_name (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-name");

  assert_ids (audit, &(SandlockAuditFilter) { .name = "web" }, "1 2 3 4");
  assert_ids (audit, &(SandlockAuditFilter) { .name = "api" }, "8 9");
  /* "" is a name like any other, not "any". */
  assert_ids (audit, &(SandlockAuditFilter) { .name = "" }, "5 6 7");
  assert_ids (audit, &(SandlockAuditFilter) { .name = "we" }, "");
  assert_ids (audit, &(SandlockAuditFilter) { 0 }, "1 2 3 4 5 6 7 8 9");
}

static void
test_filter_run (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-run");

  assert_ids (audit, &(SandlockAuditFilter) { .run = "r2" }, "5 6 7");
  assert_ids (audit, &(SandlockAuditFilter) { .run = "r1" }, "1 2 3 4");
  assert_ids (audit, &(SandlockAuditFilter) { .run = "r4" }, "");
}

static void
test_filter_kind (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-kind");

  assert_ids (audit, &(SandlockAuditFilter) { .kind = "run" }, "1 5 8");
  assert_ids (audit, &(SandlockAuditFilter) { .kind = "event" }, "2 3 6 7 9");
  assert_ids (audit, &(SandlockAuditFilter) { .kind = "commit" }, "4");
  assert_ids (audit, &(SandlockAuditFilter) { .kind = "other" }, "");
}

static void
test_filter_verdict (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-verdict");

  /* Events with the verdict, runs by their counts, commits never. */
  assert_ids (audit, &(SandlockAuditFilter) { .verdict = "deny" }, "1 2 5 7");
  assert_ids (audit, &(SandlockAuditFilter) { .verdict = "audit" }, "5 6");
  /* Runs count no allowed events. */
  assert_ids (audit, &(SandlockAuditFilter) { .verdict = "allow" }, "3 9");
  assert_ids (audit, &(SandlockAuditFilter) { .verdict = "maybe" }, "");
}

static void
test_filter_time (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-time");

  /* since is inclusive, until exclusive. */
  assert_ids (audit, &(SandlockAuditFilter) { .since_us = 1200 }, "3 4 5 6 7 8 9");
  assert_ids (audit, &(SandlockAuditFilter) { .since_us = 1201 }, "4 5 6 7 8 9");
  assert_ids (audit, &(SandlockAuditFilter) { .until_us = 2100 }, "1 2 3 4 5");
  assert_ids (audit, &(SandlockAuditFilter) { .until_us = 2101 }, "1 2 3 4 5 6");
  assert_ids (audit, &(SandlockAuditFilter) { .since_us = 1200, .until_us = 2200 }, "3 4 5 6");
  assert_ids (audit, &(SandlockAuditFilter) { .since_us = 2000, .until_us = 2000 }, "");
  assert_ids (audit, &(SandlockAuditFilter) { .since_us = 9999 }, "");
}

static void
test_filter_limit (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-limit");

  /* The newest ones, still oldest first. */
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 3 }, "7 8 9");
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 1 }, "9");
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 9 }, "1 2 3 4 5 6 7 8 9");
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 100 }, "1 2 3 4 5 6 7 8 9");
}

static void
test_filter_combined (void)
{
  g_autoptr(SandlockAudit) audit = filter_log ("filter-combined");

  assert_ids (audit, &(SandlockAuditFilter) { .name = "web", .kind = "event", .verdict = "deny" }, "2");
  assert_ids (audit, &(SandlockAuditFilter) { .name = "web", .verdict = "deny" }, "1 2");
  assert_ids (audit, &(SandlockAuditFilter) { .name = "api", .verdict = "deny" }, "");
  /* The limit applies after the other keys. */
  assert_ids (audit, &(SandlockAuditFilter) { .run = "r2", .verdict = "deny", .limit = 1 }, "7");
  assert_ids (audit, &(SandlockAuditFilter) { .kind = "run", .verdict = "deny", .since_us = 1500 }, "5");
  assert_ids (audit, &(SandlockAuditFilter) { .kind = "event", .since_us = 1100, .until_us = 3100, .limit = 2 }, "6 7");
  assert_ids (audit, &(SandlockAuditFilter) { .run = "r1", .kind = "commit", .name = "web" }, "4");
  assert_ids (audit, &(SandlockAuditFilter) { .run = "r1", .name = "api" }, "");
}

/* ------------------------------------------------------------------------ */
/* Rotation                                                                 */

#define ROTATE_MAX 1024

static JsonObject *
sequence_record (gint64 id)
{
  JsonObject *record = record_new ("event", "run", "rot", id, id);
  g_autofree char *pad = g_strnfill (40 + id % 17, 'x');

  json_object_set_string_member (record, "detail", pad);
  json_object_set_string_member (record, "verdict", id % 2 ? "deny" : "allow");
  return record;
}

/* Appends ids first..last in batches of 1, 2 and 3 records. */
static void
append_sequence (SandlockAudit *audit,
                 gint64         first,
                 gint64         last)
{
  gint64 id = first;

  for (guint round = 0; id <= last; round++)
    {
      JsonObject *batch[3];
      guint n = 0;

      while (n < round % 3 + 1 && id <= last)
        batch[n++] = sequence_record (id++);
      append (audit, batch, n);
      for (guint i = 0; i < n; i++)
        json_object_unref (batch[i]);
    }
}

/* The ids in one file, checking each line is whole and the file ends with
 * a newline. */
static GArray *
file_ids (const char *dir,
          const char *name)
{
  g_autofree char *contents = read_file (dir, name);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = g_strv_length (lines);

  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
      gint64 id;

      g_assert_nonnull (node);
      id = json_object_get_int_member (json_node_get_object (node), "id");
      g_array_append_val (ids, id);
    }
  return ids;
}

static gsize
file_size (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
test_rotation (void)
{
  g_autofree char *dir = test_dir ("rotation");
  g_autoptr(SandlockAudit) audit = open_audit (dir, ROTATE_MAX, 4);
  const char *files[] = { "audit.3.jsonl", "audit.2.jsonl", "audit.1.jsonl", "audit.jsonl" };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GArray) current = NULL;
  gint64 expected = -1;

  append_sequence (audit, 0, 199);

  g_assert_false (file_exists (dir, "audit.4.jsonl"));
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(GArray) ids = file_ids (dir, files[f]);
      gsize size = file_size (dir, files[f]);

      g_assert_cmpuint (size, <=, ROTATE_MAX);
      /* A rotated file was full: the batch that did not fit (at most
       * three records of under 200 bytes) would have taken it over. */
      if (f < 3)
        g_assert_cmpuint (size, >, ROTATE_MAX - 3 * 200);

      /* Files hold consecutive ids, oldest file first. */
      for (guint i = 0; i < ids->len; i++)
        {
          gint64 id = g_array_index (ids, gint64, i);

          if (expected >= 0)
            g_assert_cmpint (id, ==, expected + 1);
          expected = id;
        }
    }
  g_assert_cmpint (expected, ==, 199);

  /* The query reads the same, across the files; the oldest were dropped. */
  records = query (audit, NULL);
  g_assert_cmpuint (records->len, <, 200);
  g_assert_cmpuint (records->len, >, 3 * (ROTATE_MAX / 200));
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpint (json_object_get_int_member (records->pdata[i], "id"), ==,
                     200 - records->len + i);

  /* Filters and the limit span file boundaries too. */
  {
    g_autofree char *newest = g_strdup_printf ("%d %d %d %d %d %d %d %d %d %d",
                                               181, 183, 185, 187, 189, 191, 193, 195, 197, 199);
    g_autofree char *ids = query_ids (audit, &(SandlockAuditFilter) { .verdict = "deny", .limit = 10 });

    g_assert_cmpstr (ids, ==, newest);
  }

  /* A batch larger than the limit gets a file of its own, whole. */
  append_sequence (audit, 200, 200);
  {
    JsonObject *big[20];

    for (guint i = 0; i < G_N_ELEMENTS (big); i++)
      big[i] = sequence_record (201 + i);
    append (audit, big, G_N_ELEMENTS (big));
    for (guint i = 0; i < G_N_ELEMENTS (big); i++)
      json_object_unref (big[i]);
  }
  current = file_ids (dir, "audit.jsonl");
  g_assert_cmpuint (current->len, ==, 20);
  g_assert_cmpint (g_array_index (current, gint64, 0), ==, 201);
  g_assert_cmpuint (file_size (dir, "audit.jsonl"), >, ROTATE_MAX);
  g_clear_pointer (&current, g_array_unref);
  current = file_ids (dir, "audit.1.jsonl");
  g_assert_cmpint (g_array_index (current, gint64, current->len - 1), ==, 200);

  /* ... and the next append starts a new one. */
  append_sequence (audit, 221, 221);
  g_clear_pointer (&current, g_array_unref);
  current = file_ids (dir, "audit.jsonl");
  g_assert_cmpuint (current->len, ==, 1);
  g_assert_cmpint (g_array_index (current, gint64, 0), ==, 221);
  g_assert_false (file_exists (dir, "audit.4.jsonl"));

  g_clear_pointer (&records, g_ptr_array_unref);
  records = query (audit, NULL);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpint (json_object_get_int_member (records->pdata[i], "id"), ==,
                     222 - records->len + i);
}

static void
test_rotation_single_file (void)
{
  g_autofree char *dir = test_dir ("rotation-single");
  g_autoptr(SandlockAudit) audit = open_audit (dir, ROTATE_MAX, 1);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) records = NULL;

  append_sequence (audit, 0, 49);

  g_assert_false (file_exists (dir, "audit.1.jsonl"));
  g_assert_cmpuint (file_size (dir, "audit.jsonl"), <=, ROTATE_MAX);
  ids = file_ids (dir, "audit.jsonl");
  g_assert_cmpint (g_array_index (ids, gint64, ids->len - 1), ==, 49);
  g_assert_cmpint (g_array_index (ids, gint64, 0), >, 0);
  records = query (audit, NULL);
  g_assert_cmpuint (records->len, ==, ids->len);
}

static void
append_big (SandlockAudit *audit,
            gint64         first)
{
  JsonObject *big[10];

  for (guint i = 0; i < G_N_ELEMENTS (big); i++)
    big[i] = sequence_record (first + i);
  append (audit, big, G_N_ELEMENTS (big));
  for (guint i = 0; i < G_N_ELEMENTS (big); i++)
    json_object_unref (big[i]);
}

/* Batches larger than the limit: each gets a file of its own, whole, and
 * none leaves an empty file behind. */
static void
test_rotation_big_batches (void)
{
  g_autofree char *dir = test_dir ("rotation-big");
  g_autoptr(SandlockAudit) audit = open_audit (dir, ROTATE_MAX, 3);
  g_autoptr(GArray) ids = NULL;

  append_big (audit, 0);
  g_assert_false (file_exists (dir, "audit.1.jsonl"));
  g_assert_cmpuint (file_size (dir, "audit.jsonl"), >, ROTATE_MAX);

  append_big (audit, 10);
  append_big (audit, 20);
  append_big (audit, 30);
  g_assert_false (file_exists (dir, "audit.3.jsonl"));
  ids = file_ids (dir, "audit.2.jsonl");
  g_assert_cmpuint (ids->len, ==, 10);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 10);
  g_clear_pointer (&ids, g_array_unref);
  ids = file_ids (dir, "audit.jsonl");
  g_assert_cmpuint (ids->len, ==, 10);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 30);
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 12 },
              "28 29 30 31 32 33 34 35 36 37 38 39");
}

/* Files a larger max_files left behind are read, oldest first, and
 * dropped at the next rotation. */
static void
test_rotation_stale_files (void)
{
  g_autofree char *dir = test_dir ("rotation-stale");
  g_autoptr(SandlockAudit) audit = open_audit (dir, ROTATE_MAX, 2);
  const char stale[] = "{\"kind\":\"run\",\"id\":-9}\n";
  const char older[] = "{\"kind\":\"run\",\"id\":-7}\n";
  const char aliased[] = "{\"kind\":\"run\",\"id\":-1}\n";
  g_autoptr(GPtrArray) records = NULL;

  append_raw (dir, "audit.9.jsonl", stale, strlen (stale));
  append_raw (dir, "audit.7.jsonl", older, strlen (older));
  /* Not a name the log writes: ignored. */
  append_raw (dir, "audit.01.jsonl", aliased, strlen (aliased));
  append_raw (dir, "audit.x.jsonl", aliased, strlen (aliased));
  append_sequence (audit, 0, 0);
  assert_ids (audit, NULL, "-9 -7 0");

  append_sequence (audit, 1, 39);
  g_assert_false (file_exists (dir, "audit.9.jsonl"));
  g_assert_false (file_exists (dir, "audit.7.jsonl"));
  g_assert_false (file_exists (dir, "audit.10.jsonl"));
  g_assert_false (file_exists (dir, "audit.8.jsonl"));
  g_assert_false (file_exists (dir, "audit.2.jsonl"));
  g_assert_true (file_exists (dir, "audit.1.jsonl"));
  g_assert_true (file_exists (dir, "audit.01.jsonl"));
  /* audit.1.jsonl read once, though audit.01.jsonl is there too. */
  records = query (audit, NULL);
  g_assert_cmpuint (records->len, >, 1);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpint (json_object_get_int_member (records->pdata[i], "id"), ==,
                     40 - records->len + i);
}

/* ------------------------------------------------------------------------ */

static void
test_torn_line (void)
{
  g_autofree char *dir = test_dir ("torn");
  g_autoptr(SandlockAudit) audit = open_audit (dir, 1 << 20, 4);
  const char garbage[] = "not json\n[1,2]\n\"text\"\n\n{\"kind\":\n";
  const char torn[] = "{\"kind\":\"event\",\"run\":\"r\",\"id\":99,\"deta";
  const char zeros[] = { 0, 0, 0, 0 };
  g_autofree char *contents = NULL;

  append_one (audit, record_new ("run", "r", "", 1, 1));
  append_raw (dir, "audit.jsonl", garbage, strlen (garbage));
  append_one (audit, record_new ("event", "r", "", 2, 2));
  append_raw (dir, "audit.jsonl", torn, strlen (torn));
  assert_ids (audit, NULL, "1 2");
  assert_ids (audit, &(SandlockAuditFilter) { .limit = 1 }, "2");

  /* The next record starts on a line of its own, not glued to the torn
   * one (which would lose it). */
  append_one (audit, record_new ("event", "r", "", 3, 3));
  assert_ids (audit, NULL, "1 2 3");
  contents = read_file (dir, "audit.jsonl");
  g_assert_true (g_str_has_suffix (contents, "\"deta\n{\"kind\":\"event\",\"run\":\"r\",\"name\":\"\",\"time\":3,\"id\":3}\n"));

  /* Zeros, as a crash can leave at the end of a file that grew. */
  append_raw (dir, "audit.jsonl", zeros, sizeof zeros);
  append_one (audit, record_new ("event", "r", "", 4, 4));
  assert_ids (audit, NULL, "1 2 3 4");

  /* A whole record whose newline never made it still counts. */
  append_raw (dir, "audit.jsonl", "{\"id\":5}", strlen ("{\"id\":5}"));
  assert_ids (audit, NULL, "1 2 3 4 5");
}

static void
test_modes (void)
{
  g_autofree char *parent = test_dir ("modes");
  g_autofree char *dir = g_build_filename (parent, "state", "audit", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autofree char *rotated = g_build_filename (dir, "audit.1.jsonl", NULL);
  g_autoptr(SandlockAudit) audit = NULL;
  struct stat st;
  /* With no umask, the modes are the code's own. */
  mode_t old_umask = umask (0);

  audit = open_audit (dir, ROTATE_MAX, 3);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  append_sequence (audit, 0, 29);
  umask (old_umask);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (rotated, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

/* Removing the directory clears the log; the next append starts over. */
static void
test_dir_removed (void)
{
  g_autofree char *dir = test_dir ("removed");
  g_autoptr(SandlockAudit) audit = open_audit (dir, 1 << 20, 4);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  append_one (audit, record_new ("run", "r", "", 1, 1));
  remove_tree (dir);

  records = sandlock_audit_query (audit, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);

  append_one (audit, record_new ("run", "r", "", 2, 2));
  assert_ids (audit, NULL, "2");
}

static void
test_new_fails (void)
{
  g_autofree char *file = test_dir ("a-file");
  g_autofree char *dir = g_build_filename (file, "audit", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockAudit) audit = NULL;

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  audit = sandlock_audit_new (dir, 1024, 2, &error);
  g_assert_null (audit);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, dir));
}

/* Records from disk may hold anything: wrong types and missing fields
 * match no filter that needs them, and nothing crashes. */
static void
test_wrong_types (void)
{
  g_autofree char *dir = test_dir ("wrong-types");
  g_autoptr(SandlockAudit) audit = open_audit (dir, 1 << 20, 4);
  const char *odd[] = {
    "{\"id\":1,\"kind\":\"run\",\"run\":[\"r\"],\"name\":5,\"time\":\"yesterday\","
      "\"denied\":\"many\",\"audited\":null}",
    "{\"id\":2,\"kind\":{},\"run\":\"r\",\"name\":null,\"time\":1.5,\"verdict\":\"deny\"}",
    "{\"id\":3,\"kind\":\"event\",\"verdict\":7,\"time\":true}",
    "{\"id\":4,\"kind\":\"run\",\"denied\":1.0,\"audited\":[1]}",
    "{\"id\":5}",
    "{\"id\":6,\"kind\":\"run\",\"run\":\"r\",\"name\":\"n\",\"time\":100,\"denied\":3,\"audited\":2}",
  };
  const SandlockAuditFilter filters[] = {
    { .name = "n" }, { .run = "r" }, { .kind = "run" }, { .verdict = "deny" },
    { .verdict = "audit" }, { .verdict = "allow" }, { .since_us = 1 }, { .until_us = 1000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    append_one (audit, record_from_json (odd[i]));

  assert_ids (audit, NULL, "1 2 3 4 5 6");
  assert_ids (audit, &filters[0], "6");
  assert_ids (audit, &filters[1], "2 6");
  assert_ids (audit, &filters[2], "1 4 6");
  assert_ids (audit, &filters[3], "6");
  assert_ids (audit, &filters[4], "6");
  assert_ids (audit, &filters[5], "");
  assert_ids (audit, &filters[6], "6");
  assert_ids (audit, &filters[7], "6");
}

/* Appends (with rotations) in one thread, queries in another: every query
 * sees a run of consecutive records, never a file twice or a gap. */
typedef struct {
  SandlockAudit *audit;
  gint           finished;
} Writer;

static gpointer
append_thread (gpointer data)
{
  Writer *writer = data;

  append_sequence (writer->audit, 0, 299);
  g_atomic_int_set (&writer->finished, TRUE);
  return NULL;
}

static void
test_concurrent_query (void)
{
  g_autofree char *dir = test_dir ("concurrent");
  /* Small files: a rotation at nearly every append. */
  g_autoptr(SandlockAudit) audit = open_audit (dir, 400, 4);
  Writer writer = { audit, FALSE };
  GThread *thread = g_thread_new ("append", append_thread, &writer);
  gint64 last = -1;
  guint queries = 0;
  gboolean finished;

  do
    {
      g_autoptr(GPtrArray) records = NULL;

      /* Read before querying: the query after the last append still runs. */
      finished = g_atomic_int_get (&writer.finished);
      records = query (audit, NULL);
      for (guint i = 1; i < records->len; i++)
        g_assert_cmpint (json_object_get_int_member (records->pdata[i], "id"), ==,
                         json_object_get_int_member (records->pdata[i - 1], "id") + 1);
      if (records->len > 0)
        last = json_object_get_int_member (records->pdata[records->len - 1], "id");
      queries++;
    }
  while (!finished);
  g_thread_join (thread);

  g_assert_cmpint (last, ==, 299);
  g_assert_cmpuint (queries, >, 1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  int status;

  tmpdir = g_dir_make_tmp ("test-audit-XXXXXX", &error);
  g_assert_no_error (error);
  /* Before anything asks GLib for it: the value is cached. */
  state = g_build_filename (tmpdir, "xdg-state", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audit/default-dir", test_default_dir);
  g_test_add_func ("/audit/round-trip", test_round_trip);
  g_test_add_func ("/audit/filter/name", test_filter_name);
  g_test_add_func ("/audit/filter/run", test_filter_run);
  g_test_add_func ("/audit/filter/kind", test_filter_kind);
  g_test_add_func ("/audit/filter/verdict", test_filter_verdict);
  g_test_add_func ("/audit/filter/time", test_filter_time);
  g_test_add_func ("/audit/filter/limit", test_filter_limit);
  g_test_add_func ("/audit/filter/combined", test_filter_combined);
  g_test_add_func ("/audit/rotation", test_rotation);
  g_test_add_func ("/audit/rotation/single-file", test_rotation_single_file);
  g_test_add_func ("/audit/rotation/big-batches", test_rotation_big_batches);
  g_test_add_func ("/audit/rotation/stale-files", test_rotation_stale_files);
  g_test_add_func ("/audit/torn-line", test_torn_line);
  g_test_add_func ("/audit/modes", test_modes);
  g_test_add_func ("/audit/dir-removed", test_dir_removed);
  g_test_add_func ("/audit/new-fails", test_new_fails);
  g_test_add_func ("/audit/wrong-types", test_wrong_types);
  g_test_add_func ("/audit/concurrent-query", test_concurrent_query);

  status = g_test_run ();
  remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
