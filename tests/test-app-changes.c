/* SPDX-License-Identifier: Apache-2.0 */
/* The Changes page's model and diff reading, without a display. */
#include "config.h"

#include <gio/gio.h>

#include "sandlock-change.h"
#include "sandlock-diff.h"

#define NONE G_MAXUINT64
#define NBSP "\302\240"

static GVariant *
sample_changes (void)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sstt)"));
  g_variant_builder_add (&builder, "(sstt)", "M", "notes.txt", (guint64) 1234, (guint64) 3400);
  g_variant_builder_add (&builder, "(sstt)", "A", "new/a.txt", NONE, (guint64) 12);
  g_variant_builder_add (&builder, "(sstt)", "A", "new/b.bin", NONE, (guint64) 2500000);
  g_variant_builder_add (&builder, "(sstt)", "D", "old.log", (guint64) 999, NONE);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
test_parse (void)
{
  g_autoptr(GVariant) variant = sample_changes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) store = sandlock_change_list_new_from_variant (variant, &error);
  g_autoptr(SandlockChange) first = NULL;
  g_autoptr(SandlockChange) added = NULL;
  g_autoptr(SandlockChange) deleted = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 4);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == SANDLOCK_TYPE_CHANGE);

  first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_cmpint (sandlock_change_get_kind (first), ==, SANDLOCK_CHANGE_MODIFIED);
  g_assert_cmpstr (sandlock_change_get_path (first), ==, "notes.txt");
  g_assert_cmpuint (sandlock_change_get_size_before (first), ==, 1234);
  g_assert_cmpuint (sandlock_change_get_size_after (first), ==, 3400);
  g_assert_false (sandlock_change_get_selected (first));

  added = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_assert_cmpint (sandlock_change_get_kind (added), ==, SANDLOCK_CHANGE_ADDED);
  g_assert_cmpuint (sandlock_change_get_size_before (added), ==, SANDLOCK_CHANGE_NO_SIZE);

  deleted = g_list_model_get_item (G_LIST_MODEL (store), 3);
  g_assert_cmpint (sandlock_change_get_kind (deleted), ==, SANDLOCK_CHANGE_DELETED);
  g_assert_cmpstr (sandlock_change_get_path (deleted), ==, "old.log");
  g_assert_cmpuint (sandlock_change_get_size_after (deleted), ==, SANDLOCK_CHANGE_NO_SIZE);

  g_assert_cmpstr (sandlock_change_kind_letter (SANDLOCK_CHANGE_ADDED), ==, "A");
  g_assert_cmpstr (sandlock_change_kind_letter (SANDLOCK_CHANGE_MODIFIED), ==, "M");
  g_assert_cmpstr (sandlock_change_kind_letter (SANDLOCK_CHANGE_DELETED), ==, "D");
  g_assert_cmpstr (sandlock_change_kind_style (SANDLOCK_CHANGE_ADDED), ==, "added");
  g_assert_cmpstr (sandlock_change_kind_style (SANDLOCK_CHANGE_DELETED), ==, "deleted");
}

static void
test_parse_empty (void)
{
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sstt)"),
                                                                         NULL, 0));
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) store = sandlock_change_list_new_from_variant (variant, &error);
  g_auto(GStrv) paths = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  paths = sandlock_change_list_get_selected_paths (G_LIST_MODEL (store));
  g_assert_nonnull (paths);
  g_assert_null (paths[0]);
}

static void
test_parse_invalid (void)
{
  const struct {
    const char *kind;
    const char *path;
  } cases[] = {
    { "X", "file" },
    { "", "file" },
    { "A", "" },
    { "M", "/etc/passwd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GVariant) variant = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GListStore) store = NULL;
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sstt)"));
      g_variant_builder_add (&builder, "(sstt)", "A", "fine", NONE, (guint64) 1);
      g_variant_builder_add (&builder, "(sstt)", cases[i].kind, cases[i].path,
                             (guint64) 1, (guint64) 2);
      variant = g_variant_ref_sink (g_variant_builder_end (&builder));
      store = sandlock_change_list_new_from_variant (variant, &error);
      g_assert_null (store);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
on_notify_selected (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_selection (void)
{
  g_autoptr(GVariant) variant = sample_changes ();
  g_autoptr(GListStore) store = sandlock_change_list_new_from_variant (variant, NULL);
  GListModel *model = G_LIST_MODEL (store);
  g_autoptr(SandlockChange) first = g_list_model_get_item (model, 0);
  g_autoptr(SandlockChange) third = g_list_model_get_item (model, 2);
  g_autoptr(SandlockChange) fourth = g_list_model_get_item (model, 3);
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) some = NULL;
  g_auto(GStrv) all = NULL;
  guint notified = 0;
  const char *expected_some[] = { "notes.txt", "old.log", NULL };
  const char *expected_all[] = { "notes.txt", "new/a.txt", "new/b.bin", "old.log", NULL };

  none = sandlock_change_list_get_selected_paths (model);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (sandlock_change_list_count_selected (model), ==, 0);

  g_signal_connect (first, "notify::selected", G_CALLBACK (on_notify_selected), &notified);
  sandlock_change_set_selected (first, TRUE);
  sandlock_change_set_selected (first, TRUE);   /* no change, no notify */
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (fourth, "selected", TRUE, NULL);
  sandlock_change_set_selected (third, TRUE);
  sandlock_change_set_selected (third, FALSE);

  some = sandlock_change_list_get_selected_paths (model);
  g_assert_cmpstrv (some, expected_some);
  g_assert_cmpuint (sandlock_change_list_count_selected (model), ==, 2);

  sandlock_change_list_select_all (model, TRUE);
  all = sandlock_change_list_get_selected_paths (model);
  g_assert_cmpstrv (all, expected_all);
  g_assert_cmpuint (sandlock_change_list_count_selected (model), ==, 4);

  sandlock_change_list_select_all (model, FALSE);
  g_assert_cmpuint (sandlock_change_list_count_selected (model), ==, 0);
  g_assert_cmpuint (notified, ==, 2);   /* selecting all left it as it was */
}

static void
assert_sizes (guint64     before,
              guint64     after,
              const char *expected)
{
  g_autoptr(SandlockChange) change = sandlock_change_new (SANDLOCK_CHANGE_MODIFIED, "f",
                                                          before, after);
  g_autofree char *text = sandlock_change_format_sizes (change);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_sizes (void)
{
  /* g_format_size() keeps number and unit together with a no-break space
   * (but not for bytes). */
  assert_sizes (1234, 3400, "1.2" NBSP "kB → 3.4" NBSP "kB");
  assert_sizes (0, 5, "0 bytes → 5 bytes");
  assert_sizes (1, 1, "1 byte → 1 byte");
  assert_sizes (NONE, 2500000, "2.5" NBSP "MB");     /* added */
  assert_sizes (999, NONE, "999 bytes");      /* deleted */
  assert_sizes (NONE, NONE, "");
}

static void
test_diff_line_kind (void)
{
  const struct {
    const char           *line;
    SandlockDiffLineKind  kind;
  } cases[] = {
    { "+added line", SANDLOCK_DIFF_LINE_ADDED },
    { "+", SANDLOCK_DIFF_LINE_ADDED },
    { "-removed line", SANDLOCK_DIFF_LINE_REMOVED },
    { "-", SANDLOCK_DIFF_LINE_REMOVED },
    { "@@ -1,3 +1,4 @@", SANDLOCK_DIFF_LINE_HUNK },
    { "@@ -0,0 +1 @@ int main (void)", SANDLOCK_DIFF_LINE_HUNK },
    { " context", SANDLOCK_DIFF_LINE_CONTEXT },
    { "", SANDLOCK_DIFF_LINE_CONTEXT },
    { "--- a/notes.txt\t2026-01-01 00:00:00", SANDLOCK_DIFF_LINE_HEADER },
    { "+++ b/notes.txt\t2026-01-01 00:00:00", SANDLOCK_DIFF_LINE_HEADER },
    { "diff -u -r -N a/notes.txt b/notes.txt", SANDLOCK_DIFF_LINE_HEADER },
    { "\\ No newline at end of file", SANDLOCK_DIFF_LINE_HEADER },
    { "Binary files a/x.bin and b/x.bin differ", SANDLOCK_DIFF_LINE_BINARY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("line %s", cases[i].line);
      g_assert_cmpint (sandlock_diff_line_kind (cases[i].line), ==, cases[i].kind);
    }
}

/* In a hunk, "--- x" is the removed line "-- x" and "+++ y" the added "++ y". */
static void
test_diff_hunk_counting (void)
{
  const char *diff =
    "diff -u -r -N a/f b/f\n"
    "--- a/f\t2026-01-01\n"
    "+++ b/f\t2026-01-02\n"
    "@@ -1,3 +1,3 @@\n"
    " keep\n"
    "--- a comment\n"
    "+++ a counter\n"
    " keep\n"
    "\\ No newline at end of file\n"
    "@@ -10 +10,2 @@\n"
    "-x\n"
    "+y\n"
    "+z\n"
    "--- c/g\n";
  const SandlockDiffLineKind expected[] = {
    SANDLOCK_DIFF_LINE_HEADER, SANDLOCK_DIFF_LINE_HEADER, SANDLOCK_DIFF_LINE_HEADER,
    SANDLOCK_DIFF_LINE_HUNK, SANDLOCK_DIFF_LINE_CONTEXT, SANDLOCK_DIFF_LINE_REMOVED,
    SANDLOCK_DIFF_LINE_ADDED, SANDLOCK_DIFF_LINE_CONTEXT, SANDLOCK_DIFF_LINE_HEADER,
    SANDLOCK_DIFF_LINE_HUNK, SANDLOCK_DIFF_LINE_REMOVED, SANDLOCK_DIFF_LINE_ADDED,
    SANDLOCK_DIFF_LINE_ADDED, SANDLOCK_DIFF_LINE_HEADER,
  };
  g_auto(GStrv) lines = g_strsplit (diff, "\n", -1);
  SandlockDiffState state = SANDLOCK_DIFF_STATE_INIT;

  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (expected) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_test_message ("line %u: %s", i, lines[i]);
      g_assert_cmpint (sandlock_diff_next_line_kind (&state, lines[i]), ==, expected[i]);
    }
}

static void
test_diff_binary (void)
{
  g_assert_true (sandlock_diff_is_binary ("Binary files /a/x.bin and /b/x.bin differ\n"));
  g_assert_true (sandlock_diff_is_binary ("diff -u -r -N /a/x /b/x\n"
                                          "Binary files /a/x and /b/x differ\n"));
  g_assert_false (sandlock_diff_is_binary ("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n"));
  /* A text line that merely says so is not diff's note. */
  g_assert_false (sandlock_diff_is_binary ("--- a\n+++ b\n@@ -1 +1 @@\n"
                                           "-Binary files a and b differ\n+y\n"));
  g_assert_false (sandlock_diff_is_binary (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/changes/parse", test_parse);
  g_test_add_func ("/app/changes/parse-empty", test_parse_empty);
  g_test_add_func ("/app/changes/parse-invalid", test_parse_invalid);
  g_test_add_func ("/app/changes/selection", test_selection);
  g_test_add_func ("/app/changes/sizes", test_sizes);
  g_test_add_func ("/app/diff/line-kind", test_diff_line_kind);
  g_test_add_func ("/app/diff/hunk-counting", test_diff_hunk_counting);
  g_test_add_func ("/app/diff/binary", test_diff_binary);
  return g_test_run ();
}
