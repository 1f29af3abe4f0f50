/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The copy-on-write workdir on the real kernel: what a sandbox writes
 * under --workdir reaches the directory only by a commit, and a dry run,
 * an abort or a failure leaves it untouched. Every test works in
 * directories it created.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <sandlock.h>

#include "test-common.h"

typedef struct {
  char *workdir;
  char *storage;
} Layer;

static void
layer_init (Layer *layer)
{
  g_autofree char *top = tc_make_tmpdir ();

  layer->workdir = g_build_filename (top, "work", NULL);
  layer->storage = g_build_filename (top, "storage", NULL);
  g_assert_cmpint (g_mkdir (layer->workdir, 0755), ==, 0);
}

static void
layer_clear (Layer *layer)
{
  g_free (layer->workdir);
  g_free (layer->storage);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Layer, layer_clear)

/* `sandlock run` with the system readable, the workdir as the working
 * directory, then @extra options (NULL-terminated), then sh -c @script. */
static int
run_in (Layer      *layer,
        char      **out,
        const char *script,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char * const fixed[] = {
    "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin",
    "--workdir", layer->workdir, "--fs-storage", layer->storage,
    "--cwd", layer->workdir,
  };
  const char *arg;
  va_list ap;

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (args, (gpointer) fixed[i]);
  va_start (ap, script);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, "--");
  g_ptr_array_add (args, "/bin/sh");
  g_ptr_array_add (args, "-c");
  g_ptr_array_add (args, (gpointer) script);
  g_ptr_array_add (args, NULL);
  return tc_sandlockv (out, NULL, (const char * const *) args->pdata);
}

/* `sandlock VERB --fs-storage STORAGE ARGS...` (NULL-terminated) on
 * @layer's storage; see tc_sandlock. */
static int layer_cli (Layer *layer, char **out, char **err, const char *verb, ...)
  G_GNUC_NULL_TERMINATED;

static int
layer_cli (Layer      *layer,
           char      **out,
           char      **err,
           const char *verb,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) verb);
  g_ptr_array_add (args, "--fs-storage");
  g_ptr_array_add (args, layer->storage);
  va_start (ap, verb);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return tc_sandlockv (out, err, (const char * const *) args->pdata);
}

/* Files f1 ... f@n in @dir, each holding @contents. */
static void
make_numbered_files (const char *dir,
                     guint       n,
                     const char *contents)
{
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);

      g_free (tc_make_file (dir, name, contents));
    }
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gboolean
exists (const char *dir,
        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  return lstat (path, &st) == 0;
}

/* The ids of the layers in the storage. Hidden names are layers on their
 * way out (removed after the fact, see /cow/removal-after-the-fact). */
static GPtrArray *
layer_ids (Layer *layer)
{
  g_autoptr(GDir) dir = g_dir_open (layer->storage, 0, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (ids, g_strdup (name));
  return ids;
}

/* The single kept layer's id. */
static char *
only_layer (Layer *layer)
{
  g_autoptr(GPtrArray) ids = layer_ids (layer);

  g_assert_cmpuint (ids->len, ==, 1);
  return g_strdup (ids->pdata[0]);
}

static guint
count_layers (Layer *layer)
{
  g_autoptr(GPtrArray) ids = layer_ids (layer);

  return ids->len;
}

static gboolean
storage_is_empty (gpointer data)
{
  Layer *layer = data;
  g_autoptr(GDir) dir = g_dir_open (layer->storage, 0, NULL);

  return dir == NULL || g_dir_read_name (dir) == NULL;
}

/* Layers on their way out (renamed, hidden) go soon after: within 10 s. */
static gboolean
storage_empties (Layer *layer)
{
  return tc_wait_until (storage_is_empty, layer, 10);
}

static struct stat
status_of (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  return st;
}

static ino_t
inode_of (const char *dir,
          const char *name)
{
  return status_of (dir, name).st_ino;
}

static nlink_t
links_of (const char *dir,
          const char *name)
{
  return status_of (dir, name).st_nlink;
}

/* Makes the same tree each time: a file, a script, a directory. */
static void
populate (Layer *layer)
{
  g_autofree char *sub = g_build_filename (layer->workdir, "sub", NULL);
  g_autofree char *a = tc_make_file (layer->workdir, "a", "old\n");
  g_autofree char *tool = tc_make_file (layer->workdir, "tool", "#!/bin/sh\necho tool\n");
  g_autofree char *b = NULL;

  g_assert_cmpint (chmod (tool, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  b = tc_make_file (sub, "b", "b\n");
}

static const char edit_script[] =
  "echo new >> a && echo added > c && rm -r sub && mkdir d && echo x > d/x && "
  "ln -s a d/link && chmod 700 tool";

static void
test_commit_on_success (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *a = NULL, *c = NULL, *x = NULL, *tool = NULL;
  g_autofree char *link = NULL, *link_target = NULL;
  struct stat st;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, NULL, edit_script, NULL), ==, 0);

  a = read_file (layer.workdir, "a");
  c = read_file (layer.workdir, "c");
  x = read_file (layer.workdir, "d/x");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_cmpstr (c, ==, "added\n");
  g_assert_cmpstr (x, ==, "x\n");
  g_assert_false (exists (layer.workdir, "sub"));
  /* Modes and symlinks carry over. */
  tool = g_build_filename (layer.workdir, "tool", NULL);
  g_assert_cmpint (stat (tool, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  link = g_build_filename (layer.workdir, "d", "link", NULL);
  link_target = g_file_read_link (link, NULL);
  g_assert_cmpstr (link_target, ==, "a");
  /* Nothing is left behind in the storage. */
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

static void
test_abort_and_error_abort (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *a = NULL;

  layer_init (&layer);
  populate (&layer);
  /* A failing program: on_error defaults to abort. */
  g_assert_cmpint (run_in (&layer, NULL, "echo new >> a; rm -r sub; exit 3", NULL), ==, 3);
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\n");
  g_assert_true (exists (layer.workdir, "sub/b"));
  g_assert_cmpuint (count_layers (&layer), ==, 0);

  /* An explicit abort on success. */
  g_assert_cmpint (run_in (&layer, NULL, "echo added > c", "--on-exit", "abort", NULL), ==, 0);
  g_assert_false (exists (layer.workdir, "c"));

  /* A killed program is an error too. */
  g_assert_cmpint (run_in (&layer, NULL, "echo added > c; kill -9 $$", NULL), ==, 128 + 9);
  g_assert_false (exists (layer.workdir, "c"));
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

static void
test_dry_run (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *a = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, &out, edit_script, "--dry-run", NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "M a\n"
                   "A c\n"
                   "A d\n"
                   "A d/link\n"
                   "A d/x\n"
                   "D sub\n"
                   "M tool\n");
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\n");
  g_assert_false (exists (layer.workdir, "c"));
  g_assert_true (exists (layer.workdir, "sub/b"));
  g_assert_cmpuint (count_layers (&layer), ==, 0);

  /* The program's exit code is the dry run's. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_in (&layer, &out, "echo y > c; exit 7", "--dry-run", NULL), ==, 7);
  g_assert_cmpstr (out, ==, "A c\n");
  g_assert_false (exists (layer.workdir, "c"));
}

static void
test_dry_run_needs_workdir (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-r", "/usr", "--dry-run", "--",
                                "/usr/bin/true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--dry-run needs --workdir"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-r", "/usr", "--on-exit", "keep", "--",
                                "/usr/bin/true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "set workdir too"));
}

static void
test_keep_and_partial_commit (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *a = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonArray *changes;
  JsonObject *first;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, NULL, edit_script, "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);
  g_assert_false (exists (layer.workdir, "c"));

  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", "--json", id, NULL), ==, 0);
  json = json_from_string (out, NULL);
  g_assert_nonnull (json);
  changes = json_node_get_array (json);
  g_assert_cmpuint (json_array_get_length (changes), ==, 7);
  first = json_array_get_object_element (changes, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "M");
  g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, "a");
  g_assert_cmpint (json_object_get_int_member (first, "size_before"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (first, "size_after"), ==, 8);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "diff", id, "a", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--- a/a\n+++ b/a\n"));
  g_assert_nonnull (strstr (out, "\n+new\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "diff", id, "c", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "+++ b/c\n"));
  g_assert_nonnull (strstr (out, "\n+added\n"));
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "diff", id, "unchanged", NULL), ==, 1);

  /* Only a and the new directory d. */
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, "a", "d", NULL), ==, 0);
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_true (exists (layer.workdir, "d/x"));
  g_assert_true (exists (layer.workdir, "d/link"));
  g_assert_false (exists (layer.workdir, "c"));
  g_assert_true (exists (layer.workdir, "sub/b"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "A c\nD sub\nM tool\n");

  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "discard", id, NULL), ==, 0);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
  g_assert_false (exists (layer.workdir, "c"));
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "changes", id, NULL), ==, 1);
}

/* A directory removed and made anew is opaque in the layer: a partial
 * commit of a file in it must not leave that file listed (and then
 * deleted) as hidden by the opaque directory. */
static void
test_opaque_partial_commit (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *sub = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *n = NULL;

  layer_init (&layer);
  sub = g_build_filename (layer.workdir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_free (tc_make_file (sub, "old", "old\n"));
  g_assert_cmpint (run_in (&layer, NULL, "rm -r sub && mkdir sub && echo n > sub/n",
                           "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);

  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "A sub/n\nD sub/old\n");
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, "sub/n", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "D sub/old\n");

  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, NULL), ==, 0);
  n = read_file (sub, "n");
  g_assert_cmpstr (n, ==, "n\n");
  g_assert_false (exists (sub, "old"));
}

/* Below an opaque directory, a directory made anew hides its namesake's
 * old contents too: they are deletions, listed and committed. */
static void
test_opaque_nested_directories (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *deep = NULL;
  g_autofree char *out = NULL;

  layer_init (&layer);
  deep = g_build_filename (layer.workdir, "sub", "deep", NULL);
  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_free (tc_make_file (deep, "y", "y\n"));
  g_assert_cmpint (run_in (&layer, &out, "rm -r sub && mkdir -p sub/deep && echo z > sub/deep/z",
                           "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "A sub/deep/z\n"));
  g_assert_nonnull (strstr (out, "D sub/deep/y\n"));
  g_assert_true (exists (deep, "y"));   /* a dry run */

  g_assert_cmpint (run_in (&layer, NULL, "rm -r sub && mkdir -p sub/deep && echo z > sub/deep/z",
                           NULL), ==, 0);
  g_assert_true (exists (deep, "z"));
  g_assert_false (exists (deep, "y"));
}

/* A symlink or hard link in the workdir pointing outside never carries a
 * write outside it: not while the sandbox runs, not at commit. */
static void
test_link_escapes (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *outside_dir = tc_make_tmpdir ();
  g_autofree char *outside = tc_make_file (outside_dir, "secret", "untouched\n");
  g_autofree char *sym = NULL, *hard = NULL, *contents = NULL, *hard_in = NULL;

  layer_init (&layer);
  sym = g_build_filename (layer.workdir, "sym", NULL);
  hard = g_build_filename (layer.workdir, "hard", NULL);
  g_assert_cmpint (symlink (outside, sym), ==, 0);
  g_assert_cmpint (link (outside, hard), ==, 0);

  /* Through the symlink: the target is outside every grant. */
  g_assert_cmpint (run_in (&layer, NULL, "echo pwned > sym", NULL), !=, 0);
  /* Through the hard link: the write goes to the layer's copy, and the
   * commit replaces the name, not the shared inode. */
  g_assert_cmpint (run_in (&layer, NULL, "echo pwned > hard", NULL), ==, 0);

  contents = read_file (outside_dir, "secret");
  g_assert_cmpstr (contents, ==, "untouched\n");
  hard_in = read_file (layer.workdir, "hard");
  g_assert_cmpstr (hard_in, ==, "pwned\n");
}

/* Between the run and the commit, a directory of the workdir becomes a
 * symlink to elsewhere: a conflict, and even forced the commit never
 * writes through it (the sandbox saw a directory there, and a directory
 * is what the commit makes). */
static void
test_commit_does_not_follow_symlinks (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *outside_dir = tc_make_tmpdir ();
  g_autofree char *dir = NULL, *moved = NULL, *id = NULL, *err = NULL;
  struct stat st;

  layer_init (&layer);
  dir = g_build_filename (layer.workdir, "dir", NULL);
  moved = g_build_filename (layer.workdir, "moved", NULL);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (run_in (&layer, NULL, "echo x > dir/x", "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);

  g_assert_cmpint (rename (dir, moved), ==, 0);
  g_assert_cmpint (symlink (outside_dir, dir), ==, 0);
  g_assert_cmpint (layer_cli (&layer, NULL, &err, "commit", id, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "changed in the workdir"));
  g_assert_false (exists (outside_dir, "x"));
  /* Forced, the commit still writes nothing through the link. */
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", "--overwrite", id, NULL), ==, 0);
  g_assert_false (exists (outside_dir, "x"));
  g_assert_cmpint (lstat (dir, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_true (exists (layer.workdir, "dir/x"));
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* Two sandboxes on one workdir: the second commit refuses to undo the
 * first's change, applies nothing, and goes through only when asked to. */
static void
test_two_sandboxes_conflict (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *first = NULL, *second = NULL, *err = NULL, *a = NULL, *c = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, NULL, "echo first > a", "--on-exit", "keep", NULL), ==, 0);
  g_assert_cmpint (run_in (&layer, NULL, "echo second > a; echo c > c", "--on-exit", "keep",
                           NULL), ==, 0);
  ids = layer_ids (&layer);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *name = ids->pdata[i];
      g_autofree char *out = NULL;

      g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", name, NULL), ==, 0);
      if (g_str_equal (out, "M a\n"))
        first = g_strdup (name);
      else
        second = g_strdup (name);
    }
  g_assert_nonnull (first);
  g_assert_nonnull (second);

  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", first, NULL), ==, 0);
  g_assert_cmpint (layer_cli (&layer, NULL, &err, "commit", second, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "changed in the workdir"));
  g_assert_nonnull (strstr (err, "(a)"));
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "first\n");
  g_assert_false (exists (layer.workdir, "c"));

  /* What does not conflict can go alone; the rest only on purpose. */
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", second, "c", NULL), ==, 0);
  c = read_file (layer.workdir, "c");
  g_assert_cmpstr (c, ==, "c\n");
  g_clear_pointer (&a, g_free);
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "first\n");
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", "--overwrite", second, NULL), ==, 0);
  g_clear_pointer (&a, g_free);
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "second\n");
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* A commit that stops midway leaves a journal; the next use of the layer
 * finishes it. */
static void
test_interrupted_commit_finishes (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *id = NULL, *err = NULL, *out = NULL, *a = NULL, *x = NULL;
  g_autofree char *upper_x = NULL, *journal = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, NULL, "echo new > a; echo x > x", "--on-exit", "keep",
                           NULL), ==, 0);
  id = only_layer (&layer);
  upper_x = g_build_filename (layer.storage, id, "upper", "x", NULL);

  /* The layer's x cannot be read: the commit stops while staging, before
   * anything in the workdir changed, and leaves its journal. */
  g_assert_cmpint (chmod (upper_x, 0), ==, 0);
  g_assert_cmpint (layer_cli (&layer, NULL, &err, "commit", id, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot commit x"));
  {
    g_autoptr(GDir) dir = g_dir_open (layer.workdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".#sandlock-"));
  }
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\n");
  g_assert_false (exists (layer.workdir, "x"));
  journal = g_build_filename (layer.storage, id, "journal", NULL);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (chmod (upper_x, 0644), ==, 0);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  x = read_file (layer.workdir, "x");
  g_assert_cmpstr (x, ==, "x\n");
  g_clear_pointer (&a, g_free);
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "new\n");
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* SIGKILL in the middle of a commit: every file is whole, old or new, and
 * the next use finishes the commit. */
static void
test_killed_commit_recovers (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *id = NULL, *journal = NULL, *out = NULL, *upper = NULL;
  g_autoptr(GHashTable) upper_inodes = g_hash_table_new (NULL, NULL);
  g_autofree char *old_contents = g_strnfill (4096, 'o');
  g_autofree char *new_contents = g_strnfill (4096, 'n');
  g_autofree char *script = g_strdup_printf (
    "for i in $(seq 1 800); do printf '%%s' '%s' > f$i; done", new_contents);
  const char *argv[] = { tc_cli (), "commit", "--fs-storage", NULL, NULL, NULL };
  GPid pid;
  guint whole = 0;

  layer_init (&layer);
  make_numbered_files (layer.workdir, 800, old_contents);
  g_assert_cmpint (run_in (&layer, NULL, script, "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);
  journal = g_build_filename (layer.storage, id, "journal", NULL);
  upper = g_build_filename (layer.storage, id, "upper", NULL);
  for (guint i = 1; i <= 800; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_hash_table_add (upper_inodes, GSIZE_TO_POINTER (inode_of (upper, name)));
    }

  argv[3] = layer.storage;
  argv[4] = id;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL));
  for (guint i = 0; i < 100000 && !g_file_test (journal, G_FILE_TEST_EXISTS); i++)
    g_usleep (50);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);

  for (guint i = 1; i <= 800; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *contents = read_file (layer.workdir, name);
      g_assert_nonnull (contents);
      g_assert_true (g_str_equal (contents, old_contents) ||
                     g_str_equal (contents, new_contents));
      whole++;
    }
  g_assert_cmpuint (whole, ==, 800);

  /* Whatever was left, the next use of the layer finishes. */
  if (count_layers (&layer) > 0)
    g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  /* The layer's own files, moved in (the layer is on the workdir's
   * filesystem), each now with the one name. */
  for (guint i = 1; i <= 800; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *contents = read_file (layer.workdir, name);
      g_assert_cmpstr (contents, ==, new_contents);
      g_assert_true (g_hash_table_contains (upper_inodes,
                                            GSIZE_TO_POINTER (inode_of (layer.workdir, name))));
      g_assert_cmpuint (links_of (layer.workdir, name), ==, 1);
    }
  {
    g_autoptr(GDir) dir = g_dir_open (layer.workdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".#sandlock-"));
  }
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* With the layer on the workdir's filesystem, a commit moves the layer's
 * files in (renamed over the target) instead of copying them:
 * the committed file is the layer's inode, alone, without OverlayFS's
 * marks, with the attributes the program saw; the old file's inode, still
 * linked from outside the workdir, keeps the old contents. */
static void
test_commit_moves_layer_files (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *outside_dir = tc_make_tmpdir ();
  g_autofree char *id = NULL, *upper = NULL, *a_path = NULL, *tool_path = NULL;
  g_autofree char *outside = NULL, *a = NULL, *c = NULL, *old = NULL;
  ino_t upper_a, upper_c, upper_tool;
  char value[16];

  layer_init (&layer);
  populate (&layer);
  a_path = g_build_filename (layer.workdir, "a", NULL);
  tool_path = g_build_filename (layer.workdir, "tool", NULL);
  outside = g_build_filename (outside_dir, "a-link", NULL);
  g_assert_cmpint (link (a_path, outside), ==, 0);
  g_assert_cmpint (setxattr (tool_path, "user.sandlock-test", "kept", 4, 0), ==, 0);

  g_assert_cmpint (run_in (&layer, NULL, "echo new >> a; echo added > c; echo >> tool",
                           "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);
  upper = g_build_filename (layer.storage, id, "upper", NULL);
  upper_a = inode_of (upper, "a");
  upper_c = inode_of (upper, "c");
  upper_tool = inode_of (upper, "tool");
  /* What the copy-up marks (a file with one name). */
  g_assert_cmpint (lgetxattr (tool_path, "user.overlay.origin", value, sizeof value), ==, -1);
  {
    g_autofree char *upper_tool_path = g_build_filename (upper, "tool", NULL);
    g_assert_cmpint (lgetxattr (upper_tool_path, "user.overlay.origin", value, sizeof value),
                     >=, 0);
  }
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, NULL), ==, 0);

  a = read_file (layer.workdir, "a");
  c = read_file (layer.workdir, "c");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_cmpstr (c, ==, "added\n");
  g_assert_cmpuint (inode_of (layer.workdir, "a"), ==, upper_a);
  g_assert_cmpuint (inode_of (layer.workdir, "c"), ==, upper_c);
  g_assert_cmpuint (inode_of (layer.workdir, "tool"), ==, upper_tool);
  g_assert_cmpuint (links_of (layer.workdir, "a"), ==, 1);
  g_assert_cmpuint (links_of (layer.workdir, "c"), ==, 1);
  g_assert_cmpuint (links_of (layer.workdir, "tool"), ==, 1);
  g_assert_cmpint (lgetxattr (tool_path, "user.overlay.origin", value, sizeof value), ==, -1);
  g_assert_cmpint (errno, ==, ENODATA);
  g_assert_cmpint (lgetxattr (tool_path, "user.sandlock-test", value, sizeof value), ==, 4);
  g_assert_cmpmem (value, 4, "kept", 4);

  old = read_file (outside_dir, "a-link");
  g_assert_cmpstr (old, ==, "old\n");
  g_assert_cmpuint (inode_of (outside_dir, "a-link"), !=, upper_a);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* A layer file with more than one name (the program linked it, or
 * something that could write the storage did) is copied, never linked:
 * no committed file shares its inode with anything. A read-only file,
 * whose OverlayFS mark cannot be taken off, is copied too. */
static void
test_commit_copies_shared_files (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *outside_dir = tc_make_tmpdir ();
  g_autofree char *id = NULL, *upper_c = NULL, *outside = NULL, *c = NULL, *seen = NULL;
  g_autofree char *a = NULL, *a_path = NULL;
  struct stat st;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, NULL, "echo c > c; echo p > p; ln p q; "
                           "echo new >> a; chmod 444 a", "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);
  upper_c = g_build_filename (layer.storage, id, "upper", "c", NULL);
  outside = g_build_filename (outside_dir, "c", NULL);
  g_assert_cmpint (link (upper_c, outside), ==, 0);
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, NULL), ==, 0);

  g_assert_cmpuint (inode_of (layer.workdir, "c"), !=, inode_of (outside_dir, "c"));
  g_assert_cmpuint (links_of (layer.workdir, "c"), ==, 1);
  g_assert_true (g_file_set_contents (outside, "changed outside\n", -1, NULL));
  c = read_file (layer.workdir, "c");
  g_assert_cmpstr (c, ==, "c\n");

  g_assert_cmpuint (inode_of (layer.workdir, "p"), !=, inode_of (layer.workdir, "q"));
  g_assert_cmpuint (links_of (layer.workdir, "p"), ==, 1);
  g_assert_cmpuint (links_of (layer.workdir, "q"), ==, 1);
  seen = read_file (layer.workdir, "q");
  g_assert_cmpstr (seen, ==, "p\n");

  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  a_path = g_build_filename (layer.workdir, "a", NULL);
  g_assert_cmpint (stat (a_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0444);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* The layer on another filesystem than the workdir (tmpfs): the commit
 * copies. */
static void
test_commit_from_other_filesystem (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *id = NULL, *a = NULL, *c = NULL, *shm = NULL;
  struct stat shm_st, work_st;

  layer_init (&layer);
  /* Decided before anything is made in /dev/shm. */
  if (stat ("/dev/shm", &shm_st) < 0 || !S_ISDIR (shm_st.st_mode) ||
      access ("/dev/shm", W_OK | X_OK) < 0 ||
      stat (layer.workdir, &work_st) < 0 || shm_st.st_dev == work_st.st_dev)
    {
      g_test_skip ("no writable /dev/shm on another filesystem than the test's directory");
      return;
    }
  populate (&layer);
  shm = tc_make_tmpdir_in ("/dev/shm");
  g_free (layer.storage);
  layer.storage = g_build_filename (shm, "storage", NULL);
  g_assert_cmpint (run_in (&layer, NULL, "echo new >> a; echo added > c", "--on-exit", "keep",
                           NULL), ==, 0);
  id = only_layer (&layer);
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, NULL), ==, 0);
  a = read_file (layer.workdir, "a");
  c = read_file (layer.workdir, "c");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_cmpstr (c, ==, "added\n");
  g_assert_cmpuint (links_of (layer.workdir, "c"), ==, 1);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
  g_assert_true (storage_empties (&layer));
  g_assert_cmpint (g_rmdir (layer.storage), ==, 0);
  g_assert_cmpint (g_rmdir (shm), ==, 0);
}

/* A directory below the workdir that became a mount of its own after the
 * sandbox ran (here a tmpfs, in a user + mount namespace of the test's):
 * files there cannot be renamed in from the layer, so they are copied; the
 * commit succeeds and the rest is moved as usual. A sandbox cannot start
 * on such a workdir (OverlayFS refuses a lower layer with mounts inside
 * from a user namespace): that is said plainly, exit 2. */
static void
test_commit_into_submount (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *mnt = NULL, *script = NULL, *a = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int pipe_fds[2], status;
  pid_t pid;
  char buffer[256];
  ssize_t n;

  layer_init (&layer);
  populate (&layer);
  mnt = g_build_filename (layer.workdir, "mnt", NULL);
  g_assert_cmpint (g_mkdir (mnt, 0755), ==, 0);
  g_assert_cmpint (run_in (&layer, NULL, "echo new >> a; echo inside > mnt/new",
                           "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);
  /* The mount is a change to mnt the conflict check sees: overwrite. */
  script = g_strdup_printf ("'%s' run -r /usr --workdir '%s' --fs-storage '%s' -- /bin/true "
                            "2>&1; echo \"run $?\"; "
                            "'%s' commit --overwrite --fs-storage '%s' %s && cat '%s/new'",
                            tc_cli (), layer.workdir, layer.storage,
                            tc_cli (), layer.storage, id, mnt);
  g_assert_cmpint (pipe2 (pipe_fds, O_CLOEXEC), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      dup2 (pipe_fds[1], STDOUT_FILENO);
      if (tc_enter_user_namespace (CLONE_NEWNS) != NULL)
        _exit (77);
      if (mount ("none", mnt, "tmpfs", 0, NULL) < 0)
        _exit (78);
      execl ("/bin/sh", "sh", "-c", script, (char *) NULL);
      _exit (79);
    }
  close (pipe_fds[1]);
  while ((n = read (pipe_fds[0], buffer, sizeof buffer)) > 0)
    g_string_append_len (out, buffer, n);
  close (pipe_fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    {
      g_test_skip ("no user namespaces");
      return;
    }
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_nonnull (strstr (out->str, "has a mount point inside it"));
  g_assert_nonnull (strstr (out->str, mnt));
  g_assert_true (g_str_has_suffix (out->str, "run 2\ninside\n"));
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_false (exists (layer.workdir, "mnt/new"));   /* the tmpfs went with its namespace */
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* A commit in this process (the C API, as the helper uses it): the old
 * versions of the files it replaces or deletes are released from threads
 * of its own, all of them by the time it returns, and no descriptor is
 * left open. */
static void
test_commit_releases_old_files (void)
{
  g_auto(Layer) layer = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *old_contents = g_strnfill (8192, 'o');
  guint before;

  layer_init (&layer);
  make_numbered_files (layer.workdir, 600, old_contents);
  g_assert_cmpint (run_in (&layer, NULL,
                           "for i in $(seq 1 500); do echo new > f$i; done; rm f5*",
                           "--on-exit", "keep", NULL), ==, 0);
  id = only_layer (&layer);

  before = count_open_fds ();
  g_assert_true (sandlock_changes_commit (layer.storage, id, NULL, SANDLOCK_COMMIT_DEFAULT,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_open_fds (), ==, before);
  for (guint i = 1; i <= 600; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *contents = read_file (layer.workdir, name);

      if (g_str_has_prefix (name, "f5"))
        g_assert_null (contents);
      else
        g_assert_cmpstr (contents, ==, i <= 500 ? "new\n" : old_contents);
    }
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* The directory's FS_IOC_GETFLAGS flags, or -1. */
static int
inode_flags (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int flags = -1;

  if (fd >= 0 && ioctl (fd, FS_IOC_GETFLAGS, &flags) < 0)
    flags = -1;
  if (fd >= 0)
    close (fd);
  return flags;
}

/* On ext4, a storage sandlock makes is marked as holding unrelated trees
 * (chattr +T: each layer gets block groups of its own); a directory that
 * was there before, the user's, is left as it was. */
static void
test_storage_spreads_layers (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *theirs = NULL;
  struct statfs fs;

  layer_init (&layer);
  if (statfs (layer.workdir, &fs) < 0 || fs.f_type != EXT4_SUPER_MAGIC)
    {
      g_test_skip ("the test's directory is not on ext4");
      return;
    }
  g_assert_false (g_file_test (layer.storage, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run_in (&layer, NULL, "echo x > x", "--on-exit", "abort", NULL), ==, 0);
  g_assert_cmpint (inode_flags (layer.storage), !=, -1);
  g_assert_true (inode_flags (layer.storage) & FS_TOPDIR_FL);

  theirs = tc_make_tmpdir ();
  g_free (layer.storage);
  layer.storage = g_strdup (theirs);
  g_assert_cmpint (run_in (&layer, NULL, "echo x > x", "--on-exit", "abort", NULL), ==, 0);
  g_assert_cmpint (inode_flags (theirs), !=, -1);
  g_assert_false (inode_flags (theirs) & FS_TOPDIR_FL);
}

/* A path denied inside the workdir stays denied through the overlay. */
/* A discarded or committed layer is out of sight when the command returns
 * and removed after the fact by a process of its own, the directories the
 * program closed to itself too: soon nothing is left in the storage. */
static void
test_removal_after_the_fact (void)
{
  g_auto(Layer) layer = { 0 };
  const char *script = "for i in $(seq 1 300); do echo x >> f$i; echo n > new$i; done; "
                       "mkdir -p deep/a/b/c; echo y > deep/a/b/c/y; chmod 0 deep/a; "
                       "mkdir closed; echo z > closed/z; chmod 0 closed";
  g_autofree char *f1 = NULL;

  layer_init (&layer);
  make_numbered_files (layer.workdir, 300, "old\n");
  g_assert_cmpint (run_in (&layer, NULL, script, "--on-exit", "abort", NULL), ==, 0);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
  g_assert_false (exists (layer.workdir, "new1"));
  g_assert_true (storage_empties (&layer));

  g_assert_cmpint (run_in (&layer, NULL, script, NULL), ==, 0);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
  f1 = read_file (layer.workdir, "f1");
  g_assert_cmpstr (f1, ==, "old\nx\n");
  g_assert_true (storage_empties (&layer));
  /* For the test's own clean-up. */
  {
    g_autofree char *deep_a = g_build_filename (layer.workdir, "deep", "a", NULL);
    g_autofree char *closed = g_build_filename (layer.workdir, "closed", NULL);

    g_assert_cmpint (chmod (deep_a, 0755), ==, 0);
    g_assert_cmpint (chmod (closed, 0755), ==, 0);
  }
}

/* A hidden tree whose lock nobody holds (its process was killed before it
 * removed it) goes when the next layer is made; one being removed (its
 * lock held) stays. */
static void
test_stale_trash_swept (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *stale = NULL, *closed = NULL, *busy = NULL;
  int busy_fd;

  layer_init (&layer);
  stale = g_build_filename (layer.storage, ".trash-stale", NULL);
  closed = g_build_filename (stale, "upper", "closed", NULL);
  busy = g_build_filename (layer.storage, ".trash-busy", NULL);
  g_assert_cmpint (g_mkdir_with_parents (closed, 0700), ==, 0);
  g_free (tc_make_file (closed, "x", "x"));
  g_assert_cmpint (chmod (closed, 0), ==, 0);
  g_assert_cmpint (g_mkdir (busy, 0700), ==, 0);
  busy_fd = open (busy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_assert_cmpint (flock (busy_fd, LOCK_EX | LOCK_NB), ==, 0);

  g_assert_cmpint (run_in (&layer, NULL, "true", "--on-exit", "abort", NULL), ==, 0);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (busy, G_FILE_TEST_IS_DIR));
  close (busy_fd);
}

static void
test_denied_inside_workdir (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *secret = NULL, *out = NULL, *contents = NULL;

  layer_init (&layer);
  secret = tc_make_file (layer.workdir, "secret", "hidden\n");
  g_assert_cmpint (run_in (&layer, &out, "cat secret; echo x > secret; echo rc=$?",
                           "--fs-deny", secret, NULL), ==, 0);
  g_assert_null (strstr (out, "hidden"));
  g_assert_nonnull (strstr (out, "rc="));
  g_assert_null (strstr (out, "rc=0"));
  contents = read_file (layer.workdir, "secret");
  g_assert_cmpstr (contents, ==, "hidden\n");
}

/* A directory removed and made again hides what it held (an opaque
 * directory in the layer): its old entries are deletions. */
static void
test_directory_replaced (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *out = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, &out, "rm -r sub && mkdir sub && echo n > sub/n",
                           "--dry-run", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "D sub/b\nA sub/n\n");
  g_assert_cmpint (run_in (&layer, NULL, "rm -r sub && mkdir sub && echo n > sub/n", NULL), ==, 0);
  g_assert_false (exists (layer.workdir, "sub/b"));
  g_assert_true (exists (layer.workdir, "sub/n"));
}

/* Renames of files and directories the workdir had: old names go, new
 * names come with the same contents. */
static void
test_renames (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *out = NULL, *moved = NULL, *b = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, &out, "mv a a.moved && mv sub sub.moved",
                           "--dry-run", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "D a\nA a.moved\nD sub\nA sub.moved\nA sub.moved/b\n");
  g_assert_cmpint (run_in (&layer, NULL, "mv a a.moved && mv sub sub.moved", NULL), ==, 0);
  g_assert_false (exists (layer.workdir, "a"));
  g_assert_false (exists (layer.workdir, "sub"));
  moved = read_file (layer.workdir, "a.moved");
  g_assert_cmpstr (moved, ==, "old\n");
  b = read_file (layer.workdir, "sub.moved/b");
  g_assert_cmpstr (b, ==, "b\n");
}

/* max_disk: the layer cannot grow past it (ENOSPC); what fits is kept,
 * whiteouts and opaque directories included, and commits as usual. */
static void
test_max_disk (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *out = NULL, *a = NULL;

  layer_init (&layer);
  populate (&layer);
  g_assert_cmpint (run_in (&layer, &out,
                           "yes | head -c 3000000 > big; echo big=$?; rm -f big; "
                           "echo new >> a; rm -r sub && mkdir sub && echo n > sub/n; rm tool",
                           "--max-disk", "1M", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "big=1\n");
  g_assert_false (exists (layer.workdir, "big"));
  a = read_file (layer.workdir, "a");
  g_assert_cmpstr (a, ==, "old\nnew\n");
  g_assert_false (exists (layer.workdir, "sub/b"));
  g_assert_true (exists (layer.workdir, "sub/n"));
  g_assert_false (exists (layer.workdir, "tool"));
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

/* A sandbox that never starts leaves no layer behind. */
static void
test_failed_spawn_leaves_nothing (void)
{
  g_auto(Layer) layer = { 0 };
  /* The program exists but is not readable in the sandbox: its exec fails
   * after the layer was made. */
  const char *args[] = {
    "run", "--workdir", NULL, "--fs-storage", NULL, "--on-exit", "keep",
    "--", "/usr/bin/true", NULL,
  };

  layer_init (&layer);
  args[2] = layer.workdir;
  args[4] = layer.storage;
  g_assert_cmpint (tc_sandlockv (NULL, NULL, args), ==, 126);
  g_assert_cmpuint (count_layers (&layer), ==, 0);
}

static gboolean
has_a_layer (gpointer layer)
{
  return count_layers (layer) > 0;
}

/* While its sandbox runs, a layer is neither listed, committed nor
 * discarded from outside. */
static void
test_running_layer_is_locked (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *err = NULL, *out = NULL, *id = NULL;
  g_autofree char *signal_dir = tc_make_tmpdir ();
  g_autofree char *flag = g_build_filename (signal_dir, "go", NULL);
  g_autofree char *script = g_strdup_printf (
    "echo x > f; while [ ! -e %s ]; do sleep 0.05; done", flag);
  const char *argv[] = {
    tc_cli (), "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin",
    "-r", signal_dir, "-t", "60",
    "--workdir", NULL, "--fs-storage", NULL, "--cwd", NULL, "--on-exit", "keep", "--",
    "/bin/sh", "-c", script, NULL,
  };
  GPid pid;
  int status;

  layer_init (&layer);
  argv[15] = layer.workdir;
  argv[17] = layer.storage;
  argv[19] = layer.workdir;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL));
  g_assert_true (tc_wait_until (has_a_layer, &layer, 10));
  id = only_layer (&layer);

  g_assert_cmpint (layer_cli (&layer, NULL, &err, "discard", id, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "in use"));
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "commit", id, NULL), ==, 1);
  g_assert_cmpint (layer_cli (&layer, NULL, NULL, "changes", id, NULL), ==, 1);
  g_assert_false (exists (layer.workdir, "f"));

  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (layer_cli (&layer, &out, NULL, "changes", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "A f\n");
}

/* The working directory the program inherits inside the workdir is the
 * overlay's, so relative writes land in the layer too. */
static void
test_inherited_cwd (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *saved = g_get_current_dir ();
  g_autofree char *out = NULL;
  const char *args[] = {
    "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin",
    "--workdir", NULL, "--fs-storage", NULL, "--dry-run", "--",
    "/bin/sh", "-c", "echo rel > rel", NULL,
  };

  layer_init (&layer);
  args[10] = layer.workdir;
  args[12] = layer.storage;
  g_assert_cmpint (chdir (layer.workdir), ==, 0);
  g_assert_cmpint (tc_sandlockv (&out, NULL, args), ==, 0);
  g_assert_cmpint (chdir (saved), ==, 0);
  g_assert_cmpstr (out, ==, "A rel\n");
  g_assert_false (exists (layer.workdir, "rel"));
}

static void
test_bad_storage (void)
{
  g_auto(Layer) layer = { 0 };
  g_autofree char *err = NULL;
  g_autofree char *inside = NULL;

  layer_init (&layer);
  inside = g_build_filename (layer.workdir, "store", NULL);
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-r", "/usr", "--workdir", layer.workdir,
                                "--fs-storage", inside, "--", "/usr/bin/true", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "inside the workdir"));
  g_assert_cmpint (tc_sandlock (NULL, NULL, "changes", "../etc", NULL), ==, 2);
}

/* The layer's storage under a writable grant: the sandbox still cannot
 * reach it, so it cannot rewrite its layer's record of where a commit goes
 * (nor read other layers). Found by review: before, a sandbox could send
 * its commit to any directory the user can write. */
static void
test_storage_out_of_reach (void)
{
  g_autofree char *top = tc_make_tmpdir ();
  g_autofree char *pub = g_build_filename (top, "pub", NULL);
  g_autofree char *other = g_build_filename (top, "other", NULL);
  Layer layer;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;

  layer.workdir = g_build_filename (top, "work", NULL);
  layer.storage = g_build_filename (pub, "storage", NULL);
  g_assert_cmpint (g_mkdir (layer.workdir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (pub, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  /* Try every layer record there is, then write a file to commit. */
  script = g_strdup_printf ("for f in %s/*/*/workdir %s/*/workdir; do "
                            "  [ -e \"$f\" ] && echo %s > \"$f\" && echo rewrote; done; "
                            "ls %s >/dev/null 2>&1 && echo listed; "
                            "echo payload > planted; true",
                            layer.storage, layer.storage, other, layer.storage);
  g_assert_cmpint (run_in (&layer, &out, script, "-w", pub, NULL), ==, 0);
  g_assert_null (strstr (out, "rewrote"));
  g_assert_null (strstr (out, "listed"));
  /* The commit went where it belongs, and only there. */
  g_assert_true (exists (layer.workdir, "planted"));
  g_assert_false (exists (other, "planted"));
  layer_clear (&layer);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cow/commit-on-success", test_commit_on_success);
  g_test_add_func ("/cow/abort-and-error-abort", test_abort_and_error_abort);
  g_test_add_func ("/cow/dry-run", test_dry_run);
  g_test_add_func ("/cow/dry-run-needs-workdir", test_dry_run_needs_workdir);
  g_test_add_func ("/cow/keep-and-partial-commit", test_keep_and_partial_commit);
  g_test_add_func ("/cow/link-escapes", test_link_escapes);
  g_test_add_func ("/cow/commit-does-not-follow-symlinks", test_commit_does_not_follow_symlinks);
  g_test_add_func ("/cow/two-sandboxes-conflict", test_two_sandboxes_conflict);
  g_test_add_func ("/cow/interrupted-commit-finishes", test_interrupted_commit_finishes);
  g_test_add_func ("/cow/killed-commit-recovers", test_killed_commit_recovers);
  g_test_add_func ("/cow/commit-moves-layer-files", test_commit_moves_layer_files);
  g_test_add_func ("/cow/commit-copies-shared-files", test_commit_copies_shared_files);
  g_test_add_func ("/cow/commit-from-other-filesystem", test_commit_from_other_filesystem);
  g_test_add_func ("/cow/commit-into-submount", test_commit_into_submount);
  g_test_add_func ("/cow/storage-spreads-layers", test_storage_spreads_layers);
  g_test_add_func ("/cow/commit-releases-old-files", test_commit_releases_old_files);
  g_test_add_func ("/cow/removal-after-the-fact", test_removal_after_the_fact);
  g_test_add_func ("/cow/stale-trash-swept", test_stale_trash_swept);
  g_test_add_func ("/cow/denied-inside-workdir", test_denied_inside_workdir);
  g_test_add_func ("/cow/directory-replaced", test_directory_replaced);
  g_test_add_func ("/cow/renames", test_renames);
  g_test_add_func ("/cow/max-disk", test_max_disk);
  g_test_add_func ("/cow/failed-spawn-leaves-nothing", test_failed_spawn_leaves_nothing);
  g_test_add_func ("/cow/running-layer-is-locked", test_running_layer_is_locked);
  g_test_add_func ("/cow/inherited-cwd", test_inherited_cwd);
  g_test_add_func ("/cow/bad-storage", test_bad_storage);
  g_test_add_func ("/cow/storage-out-of-reach", test_storage_out_of_reach);
  g_test_add_func ("/cow/opaque-partial-commit", test_opaque_partial_commit);
  g_test_add_func ("/cow/opaque-nested-directories", test_opaque_nested_directories);
  return g_test_run ();
}
