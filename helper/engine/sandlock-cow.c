/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <limits.h>

#include <glib/gstdio.h>

#include "sandlock-cow.h"
#include "sandlock-fd.h"
#include "sandlock-parse.h"
#include "sandlock-releaser.h"

/*
 * Copy-on-write layers. The sandbox writes into an OverlayFS upper
 * directory (mounted in its own user + mount namespace, so the kernel
 * resolves every path; nothing here races with the program). Afterwards
 * the upper directory is read back as a list of changes and, on commit,
 * applied to the workdir: each file renamed over its target, so each file
 * is either as before or as after. What is renamed is the layer's file
 * itself when both are on one mount, else a copy staged beside the target
 * (see apply_change()).
 */

#define OPAQUE_XATTR "user.overlay.opaque"
#define JOURNAL      "journal"

char *
sandlock_changes_default_storage (void)
{
  return g_build_filename (g_get_user_state_dir (), "sandlock", "cow", NULL);
}

void
sandlock_layer_free (SandlockLayer *layer)
{
  if (layer == NULL)
    return;
  /* Dropped before the sandbox ended (its spawn failed): nothing to keep. */
  if (!layer->finished && layer->id != NULL)
    {
      sandlock_close_fd (&layer->lock_fd);
      sandlock_changes_discard (layer->storage, layer->id, NULL);
    }
  g_free (layer->id);
  g_free (layer->dir);
  g_free (layer->upper);
  g_free (layer->work);
  g_free (layer->workdir);
  g_free (layer->mount_options);
  g_free (layer->storage);
  sandlock_close_fd (&layer->lock_fd);
  sandlock_close_fd (&layer->live_fd);
  g_free (layer);
}

static char *
storage_or_default (const char *storage)
{
  return storage != NULL ? g_strdup (storage) : sandlock_changes_default_storage ();
}

/* A mount point below @dir (as /proc/self/mountinfo writes it: octal
 * escapes for blanks and backslashes), or NULL. */
static char *
mount_below (const char *dir)
{
  g_autofree char *mountinfo = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    return NULL;
  lines = g_strsplit (mountinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 6);
      g_autofree char *point = NULL;

      if (g_strv_length (fields) < 5)
        continue;
      point = g_strcompress (fields[4]);
      if (!g_str_equal (point, dir) && sandlock_path_is_within (point, dir))
        return g_steal_pointer (&point);
    }
  return NULL;
}

/* OverlayFS splits its options at ',' and lower layers at ':'. */
static gboolean
fits_mount_options (const char *path)
{
  return strpbrk (path, ",:\\") == NULL;
}

static gboolean
later_than (const struct timespec *a,
            const struct timespec *b)
{
  return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* Filesystems stamp changes with the coarse clock (one tick is a few ms):
 * a change made before the mark could share its tick with one made after.
 * Waiting out the tick (here, before the sandbox starts) keeps them apart. */
static gboolean
wait_past_stamp (const char  *stamp_file,
                 GError     **error)
{
  struct stat stamp;
  struct timespec now;

  if (stat (stamp_file, &stamp) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP, "cannot read %s: %s",
                   stamp_file, g_strerror (saved));
      return FALSE;
    }
  for (int i = 0; i < 1000; i++)
    {
      clock_gettime (CLOCK_REALTIME_COARSE, &now);
      if (later_than (&now, &stamp.st_ctim))
        return TRUE;
      g_usleep (100);
    }
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
               "the clock does not move past %s's change time", stamp_file);
  return FALSE;
}

/* The layer's lock: held by its running sandbox and by a commit. */
static int
lock_layer (const char  *dir,
            const char  *id,
            GError     **error)
{
  g_autofree char *lock = g_build_filename (dir, "lock", NULL);
  sandlock_autofd int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "the changes %s are in use (being committed, or their sandbox "
                   "still runs)", id);
      return -1;
    }
  return sandlock_steal_fd (&fd);
}

/*
 * Layers are unrelated trees, each written and removed whole: ext4's
 * allocator is told so by the "top directory" mark (chattr +T) on the
 * directory holding them, and spreads new layers over block groups of
 * their own instead of piling them into the storage's. This matters on
 * ext4 without a journal, where making an inode skips, one by one, every
 * inode of its group freed in the last minutes (recently_deleted()): a
 * layer made where earlier layers, or any other churn, freed thousands of
 * files paid for them on each copy-up (the benchmark's job took twice as
 * long). With a journal the mark changes only where the layer's files, and
 * so the files a commit moves into the workdir, are placed. Filesystems
 * without the mark refuse it, which changes nothing.
 */
static void
mark_top_directory (const char *dir)
{
  sandlock_autofd int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int flags = 0;

  if (fd >= 0 && ioctl (fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_TOPDIR_FL) == 0)
    {
      flags |= FS_TOPDIR_FL;
      (void) ioctl (fd, FS_IOC_SETFLAGS, &flags);
    }
}

/* Creates the storage if needed. The mark goes on a storage this makes,
 * and on the default one: never on a directory of the user's, whose other
 * subdirectories it would move too. */
static gboolean
make_storage (const char  *root,
              gboolean     is_default,
              GError     **error)
{
  gboolean made = mkdir (root, 0700) == 0 ||
                  (errno == ENOENT && g_mkdir_with_parents (root, 0700) == 0);

  if (!made && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "fs_storage: cannot create %s: %s", root, g_strerror (saved));
      return FALSE;
    }
  if (made || is_default)
    mark_top_directory (root);
  return TRUE;
}

static GPtrArray *sorted_names (int dir_fd);
static int        remove_tree  (int               dir_fd,
                                const char       *name,
                                SandlockReleaser *releaser);

/* Layers a releasing process was to remove and did not (it was killed):
 * nothing holds their lock any more. */
static void
sweep_trash (const char *root)
{
  sandlock_autofd int root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_autoptr(GPtrArray) names = NULL;

  if (root_fd < 0)
    return;
  names = sorted_names (root_fd);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      sandlock_autofd int fd = -1;

      if (!g_str_has_prefix (name, SANDLOCK_RELEASER_TRASH))
        continue;
      fd = openat (root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
        remove_tree (root_fd, name, NULL);
    }
}

SandlockLayer *
sandlock_layer_create (const char  *storage,
                       const char  *workdir,
                       GError     **error)
{
  g_autoptr(SandlockLayer) layer = g_new0 (SandlockLayer, 1);
  g_autofree char *root = storage_or_default (storage);
  g_autofree char *real_root = NULL;
  g_autofree char *template = NULL;
  g_autofree char *workdir_file = NULL;
  g_autoptr(GError) local_error = NULL;

  layer->lock_fd = layer->live_fd = -1;
  layer->workdir = realpath (workdir, NULL);
  if (layer->workdir == NULL || !g_file_test (layer->workdir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "workdir: %s is not a directory", workdir);
      return NULL;
    }
  /* The sandbox's mount namespace, in a user namespace of its own, locks
   * the mounts it copies: OverlayFS will not take a lower layer with a
   * locked mount inside (it would show what the mount hides). */
  {
    g_autofree char *below = mount_below (layer->workdir);

    if (below != NULL)
      {
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                     "workdir: %s has a mount point inside it (%s); a copy-on-write "
                     "workdir cannot contain mounts: choose a directory without any",
                     layer->workdir, below);
        return NULL;
      }
  }
  if (!make_storage (root, storage == NULL, error))
    return NULL;
  real_root = realpath (root, NULL);
  if (real_root == NULL)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "fs_storage: %s: %s", root, g_strerror (saved));
      return NULL;
    }
  sweep_trash (real_root);
  if (!fits_mount_options (layer->workdir) || !fits_mount_options (real_root))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "workdir and fs_storage paths cannot contain ',', ':' or '\\' "
                   "(OverlayFS option separators): %s, %s", layer->workdir, real_root);
      return NULL;
    }
  if (sandlock_path_is_within (real_root, layer->workdir))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "fs_storage %s is inside the workdir %s: the changes would "
                   "land in what they change", real_root, layer->workdir);
      return NULL;
    }

  template = g_build_filename (real_root, "XXXXXX", NULL);
  layer->dir = g_mkdtemp_full (template, 0700);
  if (layer->dir == NULL)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "fs_storage: cannot create a layer in %s: %s", real_root,
                   g_strerror (saved));
      return NULL;
    }
  g_steal_pointer (&template);
  /* From here on, freeing the layer removes it. */
  layer->id = g_path_get_basename (layer->dir);
  layer->storage = g_steal_pointer (&real_root);
  layer->upper = g_build_filename (layer->dir, "upper", NULL);
  layer->work = g_build_filename (layer->dir, "work", NULL);
  workdir_file = g_build_filename (layer->dir, "workdir", NULL);
  if (g_mkdir (layer->upper, 0700) < 0 || g_mkdir (layer->work, 0700) < 0 ||
      !g_file_set_contents (workdir_file, layer->workdir, -1, &local_error))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "fs_storage: cannot prepare %s: %s", layer->dir,
                   local_error ? local_error->message : g_strerror (errno));
      return NULL;
    }
  layer->lock_fd = lock_layer (layer->dir, layer->id, error);
  if (layer->lock_fd < 0 || !wait_past_stamp (workdir_file, error))
    return NULL;
  /* userxattr: whiteouts and opaque marks an unprivileged user can make.
   * volatile: no fsync per copy-up; the layer is synced once when the
   * sandbox ends, and a commit syncs what it installs. */
  layer->mount_options = g_strdup_printf ("lowerdir=%s,upperdir=%s,workdir=%s,userxattr,volatile",
                                          layer->workdir, layer->upper, layer->work);
  return g_steal_pointer (&layer);
}

/* ------------------------------------------------------------------------ */
/* Reading a layer                                                          */
/* ------------------------------------------------------------------------ */

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

static char *
layer_dir (const char  *storage,
           const char  *id,
           GError     **error)
{
  g_autofree char *root = storage_or_default (storage);
  g_autofree char *dir = NULL;

  if (!id_is_valid (id))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "'%s' is not a change set id", id ? id : "");
      return NULL;
    }
  dir = g_build_filename (root, id, NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                   "no kept changes with id %s in %s", id, root);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

char *
sandlock_changes_workdir (const char  *storage,
                          const char  *id,
                          GError     **error)
{
  g_autofree char *dir = layer_dir (storage, id, error);
  g_autofree char *file = NULL;
  char *workdir = NULL;

  if (dir == NULL)
    return NULL;
  file = g_build_filename (dir, "workdir", NULL);
  if (!g_file_get_contents (file, &workdir, NULL, error))
    return NULL;
  return workdir;
}

/* A change as read from the layer: what the list hands out, and the two
 * sides' status at that moment (a commit acts on them without asking the
 * filesystem again). */
typedef struct {
  SandlockChange public;        /* first: callers see a SandlockChange */
  struct stat    lower;         /* the workdir's entry (unset when added) */
  struct stat    upper;         /* the layer's entry (unset when deleted) */
  gboolean       below_opaque;  /* a directory above it is opaque */
  gboolean       moving;        /* a commit moves the layer's file itself */
} ChangeRecord;

static void
change_free (gpointer data)
{
  ChangeRecord *record = data;

  g_free (record->public.path);
  g_free (record);
}

static ChangeRecord *
add_change (GPtrArray         *changes,
            SandlockChangeKind kind,
            const char        *path,
            const struct stat *before,
            const struct stat *after)
{
  ChangeRecord *record = g_new0 (ChangeRecord, 1);
  SandlockChange *change = &record->public;

  if (before != NULL)
    record->lower = *before;
  if (after != NULL)
    record->upper = *after;
  change->kind = kind;
  change->path = g_strdup (path);
  change->size_before = before && S_ISREG (before->st_mode) ? before->st_size : -1;
  change->size_after = after && S_ISREG (after->st_mode) ? after->st_size : -1;
  g_ptr_array_add (changes, record);
  return record;
}

static gboolean
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && st->st_rdev == makedev (0, 0);
}

/* @dir_fd: an upper directory, opened for reading. */
static gboolean
is_opaque (int dir_fd)
{
  char value[2];

  return fgetxattr (dir_fd, OPAQUE_XATTR, value, sizeof value) == 1 && value[0] == 'y';
}

static gboolean
same_content (int         a_dir,
              int         b_dir,
              const char *name,
              const struct stat *a,
              const struct stat *b)
{
  char buf_a[65536], buf_b[65536];
  gboolean same = TRUE;
  int fa, fb;

  if ((a->st_mode & 07777) != (b->st_mode & 07777) || a->st_size != b->st_size)
    return FALSE;
  if (a->st_dev == b->st_dev && a->st_ino == b->st_ino)
    return TRUE;   /* committed by link: one file */
  if (S_ISLNK (a->st_mode))
    {
      ssize_t la = readlinkat (a_dir, name, buf_a, sizeof buf_a);
      ssize_t lb = readlinkat (b_dir, name, buf_b, sizeof buf_b);
      return la >= 0 && la == lb && memcmp (buf_a, buf_b, la) == 0;
    }
  fa = openat (a_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  fb = openat (b_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  while (fa >= 0 && fb >= 0)
    {
      ssize_t na = read (fa, buf_a, sizeof buf_a);
      ssize_t nb = na > 0 ? read (fb, buf_b, na) : 0;

      if (na < 0 || na != nb || memcmp (buf_a, buf_b, na) != 0)
        {
          same = FALSE;
          break;
        }
      if (na == 0)
        break;
    }
  same = same && fa >= 0 && fb >= 0;
  if (fa >= 0)
    close (fa);
  if (fb >= 0)
    close (fb);
  return same;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
sorted_names (int dir_fd)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  int fd = openat (dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *entry;

  if (dir == NULL)
    {
      if (fd >= 0)
        close (fd);
      return names;
    }
  while ((entry = readdir (dir)) != NULL)
    if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
      g_ptr_array_add (names, g_strdup (entry->d_name));
  closedir (dir);
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* An opaque directory: everything its lower side held was removed, then
 * some of it made anew (those names are in the upper side). */
static void
list_hidden_as_deleted (int         upper_fd,
                        int         lower_fd,
                        const char *prefix,
                        GPtrArray  *changes)
{
  g_autoptr(GPtrArray) names = sorted_names (lower_fd);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strconcat (prefix, "/", names->pdata[i], NULL);
      struct stat st;

      if (fstatat (upper_fd, names->pdata[i], &st, AT_SYMLINK_NOFOLLOW) < 0 &&
          fstatat (lower_fd, names->pdata[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
        add_change (changes, SANDLOCK_CHANGE_DELETED, path, &st, NULL);
    }
}

/* Compares the upper directory @upper_fd with the lower @lower_fd (-1 when
 * the lower has no such directory), below @prefix. @hidden: an opaque
 * directory above hides the whole lower side here, so a directory made
 * anew below it hides its lower namesake's contents too. */
static void
walk_layer (int         upper_fd,
            int         lower_fd,
            const char *prefix,
            gboolean    hidden,
            GPtrArray  *changes)
{
  g_autoptr(GPtrArray) names = sorted_names (upper_fd);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *path = *prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
      ChangeRecord *record = NULL;
      struct stat up, low;
      gboolean in_lower = lower_fd >= 0 &&
                          fstatat (lower_fd, name, &low, AT_SYMLINK_NOFOLLOW) == 0;

      if (fstatat (upper_fd, name, &up, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (is_whiteout (&up))
        {
          if (in_lower)
            add_change (changes, SANDLOCK_CHANGE_DELETED, path, &low, NULL);
          continue;
        }
      if (S_ISDIR (up.st_mode))
        {
          gboolean lower_dir = in_lower && S_ISDIR (low.st_mode);
          int sub_upper = openat (upper_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          int sub_lower = lower_dir ? openat (lower_fd, name, O_RDONLY | O_DIRECTORY |
                                              O_NOFOLLOW | O_CLOEXEC) : -1;

          if (!in_lower)
            add_change (changes, SANDLOCK_CHANGE_ADDED, path, NULL, &up);
          else if (!lower_dir || (up.st_mode & 07777) != (low.st_mode & 07777))
            add_change (changes, SANDLOCK_CHANGE_MODIFIED, path, &low, &up);
          if (sub_upper >= 0)
            {
              gboolean opaque = hidden || is_opaque (sub_upper);

              if (sub_lower >= 0 && opaque)
                list_hidden_as_deleted (sub_upper, sub_lower, path, changes);
              walk_layer (sub_upper, sub_lower, path, opaque, changes);
              close (sub_upper);
            }
          if (sub_lower >= 0)
            close (sub_lower);
          continue;
        }
      if (!in_lower)
        record = add_change (changes, SANDLOCK_CHANGE_ADDED, path, NULL, &up);
      else if ((up.st_mode & S_IFMT) != (low.st_mode & S_IFMT) ||
               !same_content (upper_fd, lower_fd, name, &up, &low))
        record = add_change (changes, SANDLOCK_CHANGE_MODIFIED, path, &low, &up);
      if (record != NULL)
        record->below_opaque = hidden;
    }
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const SandlockChange *x = *(SandlockChange * const *) a;
  const SandlockChange *y = *(SandlockChange * const *) b;

  return strcmp (x->path, y->path);
}

static GPtrArray *
read_layer (const char  *dir,
            const char  *workdir,
            GError     **error)
{
  g_autofree char *upper = g_build_filename (dir, "upper", NULL);
  GPtrArray *changes = g_ptr_array_new_with_free_func (change_free);
  int upper_fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int lower_fd = open (workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (upper_fd < 0 || lower_fd < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "cannot read %s: %s",
                   upper_fd < 0 ? upper : workdir, g_strerror (saved));
      sandlock_close_fd (&upper_fd);
      sandlock_close_fd (&lower_fd);
      g_ptr_array_unref (changes);
      return NULL;
    }
  walk_layer (upper_fd, lower_fd, "", FALSE, changes);
  close (upper_fd);
  close (lower_fd);
  g_ptr_array_sort (changes, compare_changes);
  return changes;
}

/* ------------------------------------------------------------------------ */
/* Applying a layer                                                         */
/* ------------------------------------------------------------------------ */

/* Opens @path's directory inside @root without following any symlink and
 * without leaving @root: the sandbox may have planted symlinks. */
static int
open_beneath (int         root_fd,
              const char *path,
              int         flags)
{
  struct open_how how = {
    .flags = flags | O_CLOEXEC | O_NOFOLLOW,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };

  return syscall (SYS_openat2, root_fd, path, &how, sizeof how);
}

/* Removes @name under @dir_fd, a directory with all it holds. */
static int
remove_tree (int               dir_fd,
             const char       *name,
             SandlockReleaser *releaser)
{
  struct stat st;
  int fd;

  /* With nothing to hold, a name that is no directory just goes. */
  if (releaser == NULL)
    {
      if (unlinkat (dir_fd, name, 0) == 0 || errno == ENOENT)
        return 0;
      if (errno != EISDIR)
        return -1;
    }
  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR (st.st_mode))
    {
      int held = sandlock_releaser_hold (releaser, dir_fd, name, &st);
      int ret = unlinkat (dir_fd, name, 0);

      sandlock_releaser_release (releaser, held);
      return ret;
    }
  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  /* OverlayFS leaves mode-000 directories in its work directory, and the
   * sandbox may have made some too. */
  if (fd < 0 && errno == EACCES && sandlock_chmod_at (dir_fd, name, 0700) == 0)
    fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  {
    g_autoptr(GPtrArray) names = sorted_names (fd);
    for (guint i = 0; i < names->len; i++)
      if (remove_tree (fd, names->pdata[i], releaser) < 0)
        {
          close (fd);
          return -1;
        }
  }
  close (fd);
  return unlinkat (dir_fd, name, AT_REMOVEDIR);
}

/* Removes @name, which was @old when the layer was read. */
static int
remove_entry (int                dir_fd,
              const char        *name,
              const struct stat *old,
              SandlockReleaser  *releaser)
{
  int held, ret;

  if (S_ISDIR (old->st_mode))
    return remove_tree (dir_fd, name, releaser);
  held = sandlock_releaser_hold (releaser, dir_fd, name, old);
  ret = unlinkat (dir_fd, name, 0);
  sandlock_releaser_release (releaser, held);
  if (ret == 0 || errno == ENOENT)
    return 0;
  return errno == EISDIR ? remove_tree (dir_fd, name, releaser) : -1;
}

static int
copy_contents (int from,
               int to)
{
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (from, buf, sizeof buf);
      if (n == 0)
        return 0;
      if (n < 0)
        return -1;
      for (ssize_t done = 0; done < n; )
        {
          ssize_t w = write (to, buf + done, n - done);
          if (w < 0)
            return -1;
          done += w;
        }
    }
}

/* Where a file is staged beside its target: one name per layer and
 * target, so a commit finished after a crash replaces what the crash left,
 * and two layers committing at once never share a staged file. */
#define TEMP_NAME_MAX 128

static void
temp_name (const char *layer_id,
           const char *name,
           char        out[TEMP_NAME_MAX])
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, name, -1);

  g_snprintf (out, TEMP_NAME_MAX, ".#sandlock-%s-%.16s", layer_id, sum);
}

enum {
  LINK_COPY = 1,
  LINK_OTHER_FS,
};

/* Stages the upper file itself: a hard link to it beside the target,
 * when the layer is on the workdir's filesystem. Its contents were written
 * once, by the copy-up or the program; copying them again would cost a new
 * file per change, and a second write of every byte.
 *
 * Only a regular file with no other name (as the layer was read, @up) is
 * linked: the committed file then shares its inode with nothing but the
 * layer's name, which goes with the layer (an inode linked from elsewhere,
 * say by a process that could write the storage, is copied as before).
 * The check is made again on the staged name, after the link: an inode
 * that gained a name, or took the place of the one read, is not staged. OverlayFS's own marks (user.overlay.origin on copied-up
 * files) are taken off; the other extended attributes are the file's, as
 * the program saw it (the copy-up took them from the old file).
 *
 * Returns 0 when staged, LINK_COPY when this file has to be copied
 * instead, LINK_OTHER_FS when no file of the layer can be linked there,
 * -1 on an error (errno set). */

/* Takes OverlayFS's own marks off a regular upper file. FALSE when they
 * cannot be (e.g. a read-only file: removing needs write access). */
static gboolean
strip_overlay_marks (int         upper_dir,
                     const char *name)
{
  sandlock_autofd int fd = openat (upper_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
                                                    O_NOCTTY | O_CLOEXEC);
  char attrs[4096];
  ssize_t len;

  if (fd < 0)
    return FALSE;
  len = flistxattr (fd, attrs, sizeof attrs);
  if (len < 0)
    {
      if (errno != ENOTSUP)
        return FALSE;
      len = 0;
    }
  for (ssize_t i = 0; i < len; i += strlen (attrs + i) + 1)
    if (g_str_has_prefix (attrs + i, "user.overlay.") &&
        fremovexattr (fd, attrs + i) < 0 && errno != ENODATA)
      return FALSE;
  return TRUE;
}

static int
link_upper (int                upper_dir,
            int                target_dir,
            const char        *name,
            const char        *temp,
            const struct stat *up)
{
  struct stat after;

  if (!S_ISREG (up->st_mode) || up->st_nlink != 1 || !strip_overlay_marks (upper_dir, name))
    return LINK_COPY;
  if (linkat (upper_dir, name, target_dir, temp, 0) < 0)
    {
      if (errno == EXDEV)
        return LINK_OTHER_FS;
      return errno == EPERM || errno == EMLINK ? LINK_COPY : -1;
    }
  if (fstatat (target_dir, temp, &after, AT_SYMLINK_NOFOLLOW) < 0 ||
      after.st_dev != up->st_dev || after.st_ino != up->st_ino || after.st_nlink != 2)
    return unlinkat (target_dir, temp, 0) < 0 ? -1 : LINK_COPY;
  return 0;
}

static int
stage_under (int                upper_dir,
             int                target_dir,
             const char        *name,
             const char        *temp,
             const struct stat *up,
             gboolean          *can_link)
{
  struct timespec times[2] = { up->st_atim, up->st_mtim };
  int from, to, saved;

  if (S_ISLNK (up->st_mode))
    {
      char target[PATH_MAX];
      ssize_t len = readlinkat (upper_dir, name, target, sizeof target - 1);
      if (len < 0)
        return -1;
      target[len] = '\0';
      return symlinkat (target, target_dir, temp);
    }
  if (can_link != NULL && *can_link)
    {
      int linked = link_upper (upper_dir, target_dir, name, temp, up);

      if (linked <= 0)
        return linked;
      if (linked == LINK_OTHER_FS)
        *can_link = FALSE;
    }
  from = openat (upper_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (from < 0)
    return -1;
  to = openat (target_dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (to < 0 || copy_contents (from, to) < 0 ||
      fchmod (to, up->st_mode & 07777) < 0 || futimens (to, times) < 0)
    {
      saved = errno;
      close (from);
      if (to >= 0)
        {
          close (to);
          unlinkat (target_dir, temp, 0);
        }
      errno = saved;
      return -1;
    }
  close (from);
  close (to);
  return 0;
}

/* Writes the upper file beside the target (renamed over it later) under
 * its staged name: the target never holds half a file, and a hard link of
 * the old file (maybe pointing outside the workdir) keeps the old
 * contents. With @can_link, the upper file is linked there rather than
 * copied when it can be; *@can_link is cleared when the two are on
 * different filesystems. A staged name taken already is what an
 * interrupted commit left: it goes, and the file is staged anew. */
static int
stage_file (const char        *layer_id,
            int                upper_dir,
            int                target_dir,
            const char        *name,
            const struct stat *up,
            gboolean          *can_link)
{
  char temp[TEMP_NAME_MAX];
  int ret;

  temp_name (layer_id, name, temp);
  ret = stage_under (upper_dir, target_dir, name, temp, up, can_link);
  if (ret < 0 && errno == EEXIST)
    {
      if (unlinkat (target_dir, temp, 0) < 0)
        return -1;
      ret = stage_under (upper_dir, target_dir, name, temp, up, can_link);
    }
  return ret;
}

/* Renames @from over @name. @old: what @name was when the layer was read
 * (NULL when it was not there). */
static int
replace_name (int                from_dir,
              const char        *from,
              int                target_dir,
              const char        *name,
              const struct stat *old,
              SandlockReleaser  *releaser)
{
  int held = old != NULL ? sandlock_releaser_hold (releaser, target_dir, name, old) : -1;
  int ret = renameat (from_dir, from, target_dir, name);

  sandlock_releaser_release (releaser, held);
  if (ret == 0)
    return 0;
  /* A directory in the way: the sandbox replaced it with a file. */
  if ((errno != EISDIR && errno != ENOTEMPTY && errno != EEXIST) ||
      remove_tree (target_dir, name, releaser) < 0)
    return -1;
  return renameat (from_dir, from, target_dir, name);
}

static int
install_file (const char        *layer_id,
              int                target_dir,
              const char        *name,
              const struct stat *old,
              SandlockReleaser  *releaser)
{
  char temp[TEMP_NAME_MAX];

  temp_name (layer_id, name, temp);
  return replace_name (target_dir, temp, target_dir, name, old, releaser);
}

/* Moves the layer's file itself into the workdir (see apply_change()).
 * An inode that gained a name since the layer was read (only a process
 * that can write the storage could do that) is not left shared: the
 * workdir gets a copy of its own in its place. */
static int
move_file (const char        *layer_id,
           int                upper_dir,
           int                target_dir,
           const char        *name,
           const struct stat *old,
           SandlockReleaser  *releaser)
{
  struct stat now;

  if (replace_name (upper_dir, name, target_dir, name, old, releaser) < 0 ||
      fstatat (target_dir, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (!S_ISREG (now.st_mode) || now.st_nlink == 1)
    return 0;
  return stage_file (layer_id, target_dir, target_dir, name, &now, NULL) < 0
         ? -1 : install_file (layer_id, target_dir, name, NULL, NULL);
}

static int
install_dir (int                target_dir,
             const char        *name,
             const struct stat *up)
{
  struct stat st;

  if (fstatat (target_dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR (st.st_mode) &&
      unlinkat (target_dir, name, 0) < 0)
    return -1;
  if (mkdirat (target_dir, name, 0700) < 0 && errno != EEXIST)
    return -1;
  return sandlock_chmod_at (target_dir, name, up->st_mode & 07777);
}

/*
 * A commit goes in two passes with one sync between: first directories
 * are made and files staged beside their targets, then staged files are
 * renamed over their targets and deletions done.
 *
 * Why a crash or a kill leaves every file whole, old or new: the journal
 * is written first. The stage pass changes no name the workdir had (it
 * adds directories and staged names). The sync after it puts on disk the
 * journal, the staged names and every staged file's contents: a copy's,
 * or, for a hard link, the layer file's, written without syncs by the
 * volatile overlay; both are on the workdir's filesystem, which the sync
 * covers. Only then does a rename make a file visible under its name, and
 * a rename replaces the name whole. A second sync puts the renames on disk
 * before the journal goes; until then the next use of the layer finishes
 * the commit (reading the layer again, staging again, renaming the rest).
 */
typedef enum {
  PASS_STAGE,
  PASS_INSTALL,
  PASS_UNSTAGE,   /* after a failure: staged files go */
} CommitPass;

typedef struct {
  const char       *layer_id;
  int               upper_fd;
  int               workdir_fd;
  gboolean          can_link;   /* cleared when the layer is on another filesystem */
  gboolean          can_move;   /* the parent is on the layer's mount, both sides */
  SandlockReleaser *releaser;   /* drops replaced and deleted files */
  /* The directory of the change at hand, in the workdir and in the layer
   * (-1 where it cannot be opened), kept for the next changes: sorted by
   * path, those in one directory come together. A change never replaces
   * the directory it is in (that is a change of its own, in the directory
   * above, applied before any below it, which open it anew). */
  char             *parent;
  int               target_dir;
  int               upper_dir;
} Commit;

/* Can a file be renamed from one directory to the other? */
static gboolean
on_one_mount (int a,
              int b)
{
  struct statx sa, sb;

  return statx (a, "", AT_EMPTY_PATH, STATX_MNT_ID, &sa) == 0 &&
         statx (b, "", AT_EMPTY_PATH, STATX_MNT_ID, &sb) == 0 &&
         (sa.stx_mask & sb.stx_mask & STATX_MNT_ID) &&
         sa.stx_mnt_id == sb.stx_mnt_id;
}

static void
commit_leave_parent (Commit *commit)
{
  g_clear_pointer (&commit->parent, g_free);
  sandlock_close_fd (&commit->target_dir);
  sandlock_close_fd (&commit->upper_dir);
}

/* Opens @parent's directories (without following symlinks, without
 * leaving either root) unless they are open already. */
static gboolean
commit_enter_parent (Commit     *commit,
                     const char *parent)
{
  gboolean top = g_str_equal (parent, ".");

  if (commit->parent == NULL || !g_str_equal (commit->parent, parent))
    {
      commit_leave_parent (commit);
      commit->parent = g_strdup (parent);
      commit->target_dir = top ? dup (commit->workdir_fd)
                               : open_beneath (commit->workdir_fd, parent,
                                               O_PATH | O_DIRECTORY);
      if (commit->target_dir < 0)
        {
          int saved = errno;

          commit_leave_parent (commit);
          errno = saved;
          return FALSE;
        }
      commit->upper_dir = top ? dup (commit->upper_fd)
                              : open_beneath (commit->upper_fd, parent, O_PATH | O_DIRECTORY);
      /* Per directory: one below the workdir may be a mount of its own. */
      commit->can_move = commit->upper_dir >= 0 &&
                         on_one_mount (commit->upper_dir, commit->target_dir);
    }
  return TRUE;
}

/*
 * A file is staged (linked or copied beside its target, renamed over it
 * in the install pass) or, where it can be, moved: the layer's file itself
 * is renamed over its target in the install pass, one rename instead of a
 * link, a rename and an unlink. The sync between the passes puts its
 * contents on disk first, as for a staged file (the layer is on the
 * workdir's filesystem). A crash between two moves leaves the moved files
 * out of the layer and in the workdir: read again, the layer no longer
 * lists them, and the journal finishes the rest. That holds only where
 * nothing in the layer hides the workdir's file once moved: a file below
 * an opaque directory is staged (gone from the layer, the opaque directory
 * would list the committed file as deleted). A file with other names in
 * the layer is copied.
 */
static gboolean
can_move (const Commit       *commit,
          const ChangeRecord *record,
          int                 upper_dir,
          const char         *name)
{
  const struct stat *up = &record->upper;

  if (!commit->can_move || record->below_opaque)
    return FALSE;
  if (S_ISLNK (up->st_mode))
    return TRUE;
  return S_ISREG (up->st_mode) && up->st_nlink == 1 && strip_overlay_marks (upper_dir, name);
}

static int
apply_change (Commit       *commit,
              ChangeRecord *record,
              CommitPass    pass)
{
  const SandlockChange *change = &record->public;
  const struct stat *up = &record->upper;
  const char *layer_id = commit->layer_id;
  g_autofree char *parent = g_path_get_dirname (change->path);
  g_autofree char *name = g_path_get_basename (change->path);
  int target_dir, upper_dir, ret = -1;

  if (!commit_enter_parent (commit, parent))
    return -1;
  target_dir = commit->target_dir;
  upper_dir = commit->upper_dir;
  if (pass == PASS_UNSTAGE)
    {
      char temp[TEMP_NAME_MAX];

      temp_name (layer_id, name, temp);
      ret = unlinkat (target_dir, temp, 0);
    }
  else if (change->kind == SANDLOCK_CHANGE_DELETED)
    ret = pass == PASS_INSTALL ? remove_entry (target_dir, name, &record->lower,
                                               commit->releaser) : 0;
  else if (upper_dir < 0)
    errno = ENOENT;
  else if (S_ISDIR (up->st_mode))
    ret = pass == PASS_STAGE ? install_dir (target_dir, name, up) : 0;
  else if (pass == PASS_STAGE)
    {
      record->moving = can_move (commit, record, upper_dir, name);
      ret = record->moving ? 0 : stage_file (layer_id, upper_dir, target_dir, name, up,
                                              &commit->can_link);
    }
  else
    {
      const struct stat *old = change->kind == SANDLOCK_CHANGE_ADDED ? NULL : &record->lower;

      ret = record->moving
            ? move_file (layer_id, upper_dir, target_dir, name, old, commit->releaser)
            : install_file (layer_id, target_dir, name, old, commit->releaser);
    }
  return ret;
}

/* Once applied, a change leaves the layer: what the sandbox sees through
 * it is now the workdir itself. Below an opaque directory the layer's
 * copy stays instead (the same as the workdir's now, so no change): gone
 * from the layer, the opaque directory would hide the committed file and
 * list it as deleted. */
static void
forget_change (int                 upper_fd,
               const ChangeRecord *record)
{
  const SandlockChange *change = &record->public;
  g_autofree char *parent = g_path_get_dirname (change->path);
  g_autofree char *name = g_path_get_basename (change->path);
  int dir = g_str_equal (parent, ".") ? dup (upper_fd)
                                      : open_beneath (upper_fd, parent, O_PATH | O_DIRECTORY);
  struct stat st;

  if (dir < 0)
    return;
  /* A directory stays while changes below it may still be kept. */
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR (st.st_mode) &&
      (change->kind == SANDLOCK_CHANGE_DELETED || !record->below_opaque))
    unlinkat (dir, name, 0);
  close (dir);
}

/* "a/b", not "/a", "", "..", "a/../b". */
static gboolean
is_relative_inside (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (*path == '\0' || g_path_is_absolute (path))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

static gboolean
selected (const SandlockChange *change,
          const char * const   *paths)
{
  if (paths == NULL)
    return TRUE;
  for (size_t i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *clean = g_strdup (paths[i]);
      size_t len;

      while ((len = strlen (clean)) > 1 && clean[len - 1] == '/')
        clean[len - 1] = '\0';
      if (sandlock_path_is_within (change->path, clean))
        return TRUE;
    }
  return FALSE;
}

static gboolean
write_journal (const char          *dir,
               const char * const  *paths,
               GError             **error)
{
  g_autofree char *file = g_build_filename (dir, JOURNAL, NULL);
  g_autoptr(GString) text = g_string_new (paths == NULL ? "all\n" : "paths\n");

  for (size_t i = 0; paths != NULL && paths[i] != NULL; i++)
    g_string_append_printf (text, "%s\n", paths[i]);
  /* g_file_set_contents() writes a temporary file, fsyncs and renames. */
  return g_file_set_contents_full (file, text->str, text->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

/* The layer goes out of sight at once and is removed by @releaser's
 * process once the caller is done (else here, now). */
static gboolean
remove_layer (const char        *dir,
              SandlockReleaser  *releaser,
              GError           **error)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autofree char *name = g_path_get_basename (dir);
  int parent_fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int ret = parent_fd < 0 ? -1 :
            sandlock_releaser_remove_tree (releaser, parent_fd, name) ? 0 :
            remove_tree (parent_fd, name, NULL);
  int saved = errno;

  if (parent_fd >= 0)
    close (parent_fd);
  if (ret < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "cannot remove %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/*
 * Another writer (a second sandbox on the same workdir, the user) changed
 * a path this layer changes after the layer was made: committing would
 * silently undo that. The layer's "workdir" file is the mark: its ctime
 * comes from the clock the filesystem stamps every change with, and the
 * sandbox starts only once that clock has moved past it.
 */
static gboolean
check_conflicts (const char         *dir,
                 const char         *workdir,
                 GPtrArray          *changes,
                 const char * const *paths,
                 GError            **error)
{
  g_autofree char *stamp_file = g_build_filename (dir, "workdir", NULL);
  g_autoptr(GString) conflicts = g_string_new (NULL);
  struct stat stamp;
  guint n = 0;

  if (stat (stamp_file, &stamp) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "cannot read %s: %s",
                   stamp_file, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < changes->len; i++)
    {
      ChangeRecord *record = changes->pdata[i];
      SandlockChange *change = &record->public;

      /* An addition had no workdir entry when the layer was read (one
       * made since the sandbox started reads as a modification). */
      if (change->kind == SANDLOCK_CHANGE_ADDED || !selected (change, paths) ||
          !later_than (&record->lower.st_ctim, &stamp.st_ctim))
        continue;
      if (n++ < 5)
        g_string_append_printf (conflicts, "%s%s", conflicts->len ? ", " : "", change->path);
    }
  if (n == 0)
    return TRUE;
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_CONFLICT,
               "%s changed in the workdir %s after the sandbox started (%s%s); nothing "
               "was committed: commit other paths, or overwrite on purpose",
               n == 1 ? "a path this sandbox changes was" : "paths this sandbox changes were",
               workdir, conflicts->str, n > 5 ? ", ..." : "");
  return FALSE;
}

/*
 * A pass's work is mostly system calls on independent names, so it is
 * shared between threads, each with a contiguous part of the changes (and
 * its own open directories). What must come first does: the directories a
 * stage pass makes are made before any file is staged, and a change never
 * touches a name below another's (a deleted or replaced directory has no
 * changes below it in the layer).
 */
#define SHARE_MIN  256   /* changes a thread is worth */
#define SHARES_MAX 4

typedef struct {
  Commit        commit;
  GPtrArray    *records;
  guint         start, end;
  CommitPass    pass;
  gint         *stop;      /* set by the first share that fails */
  ChangeRecord *failed;
  int           error;
} Share;

static gpointer
run_share (gpointer data)
{
  Share *share = data;

  for (guint i = share->start; i < share->end && !g_atomic_int_get (share->stop); i++)
    if (apply_change (&share->commit, share->records->pdata[i], share->pass) < 0)
      {
        share->error = errno;
        share->failed = share->records->pdata[i];
        g_atomic_int_set (share->stop, TRUE);
        break;
      }
  commit_leave_parent (&share->commit);
  return NULL;
}

/* Applies @records, one after the other with @in_order, else shared
 * between threads when there are enough. Returns the first failed record
 * (errno set), or NULL. */
static ChangeRecord *
apply_shared (const Commit *commit,
              GPtrArray    *records,
              CommitPass    pass,
              gboolean      in_order)
{
  guint n = in_order ? 1 : CLAMP (MIN (records->len / SHARE_MIN, g_get_num_processors ()),
                                  1, SHARES_MAX);
  Share shares[SHARES_MAX];
  GThread *threads[SHARES_MAX] = { NULL };
  gint stop = FALSE;

  for (guint k = 0; k < n; k++)
    {
      shares[k] = (Share) {
        .commit = *commit, .records = records, .pass = pass, .stop = &stop,
        .start = records->len * k / n, .end = records->len * (k + 1) / n,
      };
      shares[k].commit.parent = NULL;
      shares[k].commit.target_dir = shares[k].commit.upper_dir = -1;
    }
  /* The first share runs here, the others on threads when they can. */
  for (guint k = 1; k < n; k++)
    threads[k] = g_thread_try_new ("sandlock-commit", run_share, &shares[k], NULL);
  run_share (&shares[0]);
  for (guint k = 1; k < n; k++)
    {
      if (threads[k] != NULL)
        g_thread_join (threads[k]);
      else
        run_share (&shares[k]);
    }
  for (guint k = 0; k < n; k++)
    if (shares[k].failed != NULL)
      {
        errno = shares[k].error;
        return shares[k].failed;
      }
  return NULL;
}

/* The selected changes, in path order: directories the stage pass makes,
 * and the rest (files, symlinks, deletions). */
typedef struct {
  GPtrArray *dirs;
  GPtrArray *others;
} Selection;

static void
selection_clear (Selection *selection)
{
  g_clear_pointer (&selection->dirs, g_ptr_array_unref);
  g_clear_pointer (&selection->others, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Selection, selection_clear)

static void
select_changes (Selection          *selection,
                GPtrArray          *changes,
                const char * const *paths)
{
  selection->dirs = g_ptr_array_new ();
  selection->others = g_ptr_array_new ();
  for (guint i = 0; i < changes->len; i++)
    {
      ChangeRecord *record = changes->pdata[i];

      if (!selected (&record->public, paths))
        continue;
      if (record->public.kind != SANDLOCK_CHANGE_DELETED && S_ISDIR (record->upper.st_mode))
        g_ptr_array_add (selection->dirs, record);
      else
        g_ptr_array_add (selection->others, record);
    }
}

/* Runs one pass over the selected changes; the first failure stops it. */
static gboolean
run_pass (Commit          *commit,
          const Selection *selection,
          CommitPass       pass,
          const char      *workdir,
          const char      *dir,
          GError         **error)
{
  ChangeRecord *failed;

  /* Directories are made in the stage pass, in order, before any file
   * (the install pass has nothing to do for them). */
  failed = pass == PASS_STAGE ? apply_shared (commit, selection->dirs, pass, TRUE) : NULL;
  if (failed == NULL)
    failed = apply_shared (commit, selection->others, pass, pass == PASS_INSTALL);
  if (failed != NULL)
    {
      int saved = errno;

      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot commit %s to %s: %s (the journal in %s finishes the "
                   "commit next time)", failed->public.path, workdir, g_strerror (saved), dir);
      return FALSE;
    }
  /* Staged contents (copies, or the layer's files linked) are on disk
   * before any rename makes them visible; the renames are on disk before
   * the journal goes. */
  if (syncfs (commit->workdir_fd) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot sync %s: %s", workdir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gpointer
write_back (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);

  syncfs (fd);
  close (fd);
  return NULL;
}

/* The layer's files were written without syncs (the overlay is volatile),
 * so the sync before the first rename would wait for all of them: their
 * writing starts now, on a thread of its own, while the layer is read and
 * files are staged. Nothing waits for this thread; the sync that matters
 * is still the one in run_pass(). */
static void
start_writing_back (const char *upper)
{
  int fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  GThread *thread = fd >= 0 ? g_thread_try_new ("sandlock-sync", write_back,
                                                GINT_TO_POINTER (fd), NULL) : NULL;

  if (thread != NULL)
    g_thread_unref (thread);
  else if (fd >= 0)
    close (fd);
}


static gboolean
commit_layer (const char         *dir,
              const char         *workdir,
              const char * const *paths,
              gboolean            check,
              GError            **error)
{
  g_autofree char *upper = g_build_filename (dir, "upper", NULL);
  g_autofree char *journal = g_build_filename (dir, JOURNAL, NULL);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) remaining = NULL;
  g_autofree char *layer_id = g_path_get_basename (dir);
  sandlock_autofd int upper_fd = -1;
  sandlock_autofd int workdir_fd = -1;
  g_autoptr(SandlockReleaser) releaser = NULL;
  g_auto(Selection) selection = { NULL };
  Commit commit = { .layer_id = layer_id, .can_link = TRUE, .target_dir = -1, .upper_dir = -1 };

  start_writing_back (upper);
  changes = read_layer (dir, workdir, error);
  if (changes == NULL ||
      (check && !check_conflicts (dir, workdir, changes, paths, error)))
    return FALSE;
  upper_fd = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  workdir_fd = open (workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (upper_fd < 0 || workdir_fd < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "cannot open %s: %s",
                   upper_fd < 0 ? upper : workdir, g_strerror (saved));
      return FALSE;
    }
  if (!write_journal (dir, paths, error))
    return FALSE;
  releaser = sandlock_releaser_new ();
  commit.upper_fd = upper_fd;
  commit.workdir_fd = workdir_fd;
  commit.releaser = releaser;
  select_changes (&selection, changes, paths);
  if (!run_pass (&commit, &selection, PASS_STAGE, workdir, dir, error) ||
      !run_pass (&commit, &selection, PASS_INSTALL, workdir, dir, error))
    {
      /* Staged files of a commit that did not finish would litter the
       * workdir (a journal replay stages them again). */
      for (guint i = 0; i < selection.others->len; i++)
        if (((SandlockChange *) selection.others->pdata[i])->kind != SANDLOCK_CHANGE_DELETED)
          apply_change (&commit, selection.others->pdata[i], PASS_UNSTAGE);
      commit_leave_parent (&commit);
      return FALSE;
    }
  g_unlink (journal);
  if (paths == NULL)
    return remove_layer (dir, releaser, error);
  /* Directories stay in the layer (changes below them may be kept). */
  for (guint i = 0; i < selection.others->len; i++)
    forget_change (upper_fd, selection.others->pdata[i]);
  remaining = read_layer (dir, workdir, NULL);
  if (remaining == NULL || remaining->len == 0)
    return remove_layer (dir, releaser, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Kept layers                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Opens a kept layer for a change: takes its lock (one commit at a time)
 * and finishes a commit a crash interrupted, as its journal says.
 */
typedef struct {
  char *dir;
  char *workdir;
  int   lock_fd;
} OpenLayer;

static void
open_layer_clear (OpenLayer *layer)
{
  g_clear_pointer (&layer->dir, g_free);
  g_clear_pointer (&layer->workdir, g_free);
  sandlock_close_fd (&layer->lock_fd);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OpenLayer, open_layer_clear)

static gboolean
finish_interrupted (OpenLayer  *layer,
                    GError    **error)
{
  g_autofree char *journal = g_build_filename (layer->dir, JOURNAL, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (journal, &text, NULL, NULL))
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  if (g_str_equal (lines[0], "all"))
    return commit_layer (layer->dir, layer->workdir, NULL, FALSE, error);
  {
    g_autoptr(GPtrArray) paths = g_ptr_array_new ();
    for (guint i = 1; lines[i] != NULL; i++)
      if (*lines[i])
        g_ptr_array_add (paths, lines[i]);
    g_ptr_array_add (paths, NULL);
    return commit_layer (layer->dir, layer->workdir, (const char * const *) paths->pdata,
                         FALSE, error);
  }
}

static gboolean
open_layer (const char  *storage,
            const char  *id,
            OpenLayer   *layer,
            GError     **error)
{
  layer->lock_fd = -1;
  layer->dir = layer_dir (storage, id, error);
  if (layer->dir == NULL)
    return FALSE;
  layer->workdir = sandlock_changes_workdir (storage, id, error);
  if (layer->workdir == NULL)
    return FALSE;
  layer->lock_fd = lock_layer (layer->dir, id, error);
  if (layer->lock_fd < 0)
    return FALSE;
  return finish_interrupted (layer, error);
}

GPtrArray *
sandlock_changes_list (const char  *storage,
                       const char  *id,
                       GError     **error)
{
  g_auto(OpenLayer) layer = { 0 };

  if (!open_layer (storage, id, &layer, error))
    return NULL;
  if (!g_file_test (layer.dir, G_FILE_TEST_IS_DIR))
    return g_ptr_array_new_with_free_func (change_free);   /* the journal finished it */
  return read_layer (layer.dir, layer.workdir, error);
}

gboolean
sandlock_changes_commit (const char          *storage,
                         const char          *id,
                         const char * const  *paths,
                         SandlockCommitFlags  flags,
                         GError             **error)
{
  g_auto(OpenLayer) layer = { 0 };

  if (!open_layer (storage, id, &layer, error))
    return FALSE;
  if (!g_file_test (layer.dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  for (size_t i = 0; paths != NULL && paths[i] != NULL; i++)
    if (!is_relative_inside (paths[i]))
      {
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                     "'%s': name paths relative to the workdir, without '..'", paths[i]);
        return FALSE;
      }
  return commit_layer (layer.dir, layer.workdir, paths,
                       (flags & SANDLOCK_COMMIT_OVERWRITE) == 0, error);
}

gboolean
sandlock_changes_discard (const char  *storage,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(SandlockReleaser) releaser = sandlock_releaser_new ();
  g_autofree char *dir = layer_dir (storage, id, error);
  sandlock_autofd int lock_fd = dir != NULL ? lock_layer (dir, id, error) : -1;

  return lock_fd >= 0 && remove_layer (dir, releaser, error);
}

/* Copies an upper directory as OverlayFS reads it: directories with their
 * opaque mark, files, symlinks and whiteouts (which an unprivileged user
 * may make). */
static int
copy_upper (const char *layer_id,
            int         from_dir,
            int         to_dir)
{
  g_autoptr(GPtrArray) names = sorted_names (from_dir);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      struct stat st;
      int ret = 0;

      if (fstatat (from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
      if (S_ISDIR (st.st_mode))
        {
          int from = openat (from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          int to = -1;

          if (from >= 0 && mkdirat (to_dir, name, 0700) == 0)
            to = openat (to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (to < 0 ||
              (is_opaque (from) && fsetxattr (to, OPAQUE_XATTR, "y", 1, 0) < 0) ||
              copy_upper (layer_id, from, to) < 0 || fchmod (to, st.st_mode & 07777) < 0)
            ret = -1;
          if (from >= 0)
            close (from);
          if (to >= 0)
            close (to);
        }
      else if (is_whiteout (&st))
        ret = mknodat (to_dir, name, S_IFCHR | 0600, makedev (0, 0));
      else if (S_ISLNK (st.st_mode) || S_ISREG (st.st_mode))
        ret = stage_file (layer_id, from_dir, to_dir, name, &st, NULL) < 0
              ? -1 : install_file (layer_id, to_dir, name, NULL, NULL);
      if (ret < 0)
        return -1;
    }
  return 0;
}

static gboolean
copy_out (SandlockLayer  *layer,
          GError        **error)
{
  int from = openat (layer->live_fd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int to = open (layer->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int ret = from >= 0 && to >= 0 ? copy_upper (layer->id, from, to) : -1;
  int saved = errno;

  if (from >= 0)
    close (from);
  if (to >= 0)
    {
      if (ret == 0)
        ret = syncfs (to);
      close (to);
    }
  if (ret < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot copy the workdir changes to %s: %s", layer->upper,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The overlay is volatile (no sync per copy-up): what is kept must reach
 * the disk once, when the sandbox has ended. */
static gboolean
sync_upper (SandlockLayer  *layer,
            GError        **error)
{
  sandlock_autofd int fd = open (layer->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || syncfs (fd) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "cannot sync %s: %s",
                   layer->upper, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
sandlock_layer_finish (SandlockLayer  *layer,
                       SandlockAction  action,
                       GError        **error)
{
  gboolean was_live = layer->live_fd >= 0;

  layer->finished = TRUE;
  /* copy_out() syncs what it copies. */
  if (was_live && action != SANDLOCK_ACTION_ABORT && !copy_out (layer, error))
    return FALSE;
  sandlock_close_fd (&layer->live_fd);
  sandlock_close_fd (&layer->lock_fd);
  switch (action)
    {
    case SANDLOCK_ACTION_KEEP:
      return was_live || sync_upper (layer, error);
    case SANDLOCK_ACTION_COMMIT:
      return sandlock_changes_commit (layer->storage, layer->id, NULL,
                                      SANDLOCK_COMMIT_DEFAULT, error);
    case SANDLOCK_ACTION_ABORT:
    case SANDLOCK_ACTION_UNSET:
    default:
      return sandlock_changes_discard (layer->storage, layer->id, error);
    }
}

char *
sandlock_changes_diff (const char  *storage,
                       const char  *id,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GPtrArray) changes = sandlock_changes_list (storage, id, error);
  g_autofree char *dir = NULL, *workdir = NULL, *before = NULL, *after = NULL;
  g_autofree char *label_before = NULL, *label_after = NULL, *err = NULL;
  SandlockChange *found = NULL;
  char *out = NULL;
  int status;

  if (changes == NULL ||
      (dir = layer_dir (storage, id, error)) == NULL ||
      (workdir = sandlock_changes_workdir (storage, id, error)) == NULL)
    return NULL;
  for (guint i = 0; i < changes->len && found == NULL; i++)
    if (g_str_equal (((SandlockChange *) changes->pdata[i])->path, path))
      found = changes->pdata[i];
  if (found == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                   "%s is not among the changes of %s", path, id);
      return NULL;
    }

  before = found->kind == SANDLOCK_CHANGE_ADDED ? g_strdup ("/dev/null")
                                                : g_build_filename (workdir, path, NULL);
  after = found->kind == SANDLOCK_CHANGE_DELETED ? g_strdup ("/dev/null")
                                                 : g_build_filename (dir, "upper", path, NULL);
  label_before = g_strconcat ("a/", path, NULL);
  label_after = g_strconcat ("b/", path, NULL);
  {
    const char *argv[] = { "diff", "-u", "-r", "-N", "--no-dereference",
                           "--label", label_before, "--label", label_after,
                           before, after, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       &out, &err, &status, error))
      return NULL;
  }
  /* diff exits 1 when the files differ, which is the point here. */
  if (!WIFEXITED (status) || WEXITSTATUS (status) > 1)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED, "diff failed: %s",
                   err != NULL ? g_strstrip (err) : "");
      g_free (out);
      return NULL;
    }
  return out;
}
