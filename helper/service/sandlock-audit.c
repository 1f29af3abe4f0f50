/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit log: JSON lines in DIR/audit.jsonl, rotated by size into
 * audit.1.jsonl (the newest rotated file), audit.2.jsonl, ...
 *
 * Durability: a batch is one write() on an O_APPEND fd followed by
 * fdatasync(), so after a crash the file ends at a batch boundary or in a
 * torn line. Readers skip lines that do not parse, and the next append
 * starts on a fresh line so the torn one cannot swallow a good record.
 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sandlock-audit.h"

struct _SandlockAudit {
  char    *dir;
  guint64  max_file_bytes;
  guint    max_files;
  /* Appends and rotations against each other and against a query
   * opening its files. */
  GMutex   lock;
};

char *
sandlock_audit_default_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "sandlock", "audit", NULL);
}

/* audit.jsonl for 0, audit.N.jsonl for the rotated ones. */
static char *
file_path (SandlockAudit *audit,
           guint          index)
{
  g_autofree char *name = NULL;

  if (index == 0)
    return g_build_filename (audit->dir, "audit.jsonl", NULL);
  name = g_strdup_printf ("audit.%u.jsonl", index);
  return g_build_filename (audit->dir, name, NULL);
}

static gboolean
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "cannot %s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

SandlockAudit *
sandlock_audit_new (const char  *dir,
                    guint64      max_file_bytes,
                    guint        max_files,
                    GError     **error)
{
  SandlockAudit *audit;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (max_file_bytes > 0, NULL);
  g_return_val_if_fail (max_files >= 1, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Records carry argv, paths and hosts: the user's eyes only. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_errno_error (error, errno, "create the audit directory", dir);
      return NULL;
    }

  audit = g_new0 (SandlockAudit, 1);
  audit->dir = g_strdup (dir);
  audit->max_file_bytes = max_file_bytes;
  audit->max_files = max_files;
  g_mutex_init (&audit->lock);
  return audit;
}

void
sandlock_audit_free (SandlockAudit *audit)
{
  if (audit == NULL)
    return;
  g_mutex_clear (&audit->lock);
  g_free (audit->dir);
  g_free (audit);
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The N of every audit.N.jsonl in the directory, ascending. Listed rather
 * than counted up to max_files so that files left by a larger max_files,
 * or after a gap, are still read and eventually dropped. */
static GArray *
list_rotated (SandlockAudit  *audit,
              GError        **error)
{
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (audit->dir, 0, &local_error);
  const char *name;

  /* Removing the directory is how a user clears the log. */
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_steal_pointer (&indices);
  if (dir == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gsize len = strlen (name);
      g_autofree char *number = NULL;
      guint64 parsed;
      guint index;

      /* The length test first: "audit.jsonl" has both ends, overlapping. */
      if (len <= strlen ("audit..jsonl")
          || !g_str_has_prefix (name, "audit.") || !g_str_has_suffix (name, ".jsonl"))
        continue;
      number = g_strndup (name + strlen ("audit."), len - strlen ("audit..jsonl"));
      /* Only our own spelling: "audit.01.jsonl" would alias audit.1. */
      if (*number == '0'
          || !g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT - 1, &parsed, NULL))
        continue;
      index = parsed;
      g_array_append_val (indices, index);
    }
  g_array_sort (indices, compare_index);
  return g_steal_pointer (&indices);
}

/* audit.N -> audit.N+1 from the oldest down, then audit.jsonl -> audit.1;
 * what would land at max_files or beyond is removed instead. */
static gboolean
rotate (SandlockAudit  *audit,
        GError        **error)
{
  g_autoptr(GArray) indices = list_rotated (audit, error);

  if (indices == NULL)
    return FALSE;
  for (guint i = indices->len; i > 0; i--)
    {
      guint index = g_array_index (indices, guint, i - 1);
      g_autofree char *from = file_path (audit, index);

      if (index + 1 >= audit->max_files)
        {
          if (g_unlink (from) != 0 && errno != ENOENT)
            return set_errno_error (error, errno, "remove", from);
        }
      else
        {
          g_autofree char *to = file_path (audit, index + 1);

          if (g_rename (from, to) != 0 && errno != ENOENT)
            return set_errno_error (error, errno, "rename", from);
        }
    }

  {
    g_autofree char *current = file_path (audit, 0);
    g_autofree char *first = file_path (audit, 1);

    if (audit->max_files == 1)
      {
        if (g_unlink (current) != 0 && errno != ENOENT)
          return set_errno_error (error, errno, "remove", current);
      }
    else if (g_rename (current, first) != 0 && errno != ENOENT)
      return set_errno_error (error, errno, "rename", current);
  }
  return TRUE;
}

/* Makes a new file's (and a rotation's) directory entries durable too:
 * fdatasync on the file alone does not. */
static gboolean
sync_dir (SandlockAudit  *audit,
          GError        **error)
{
  int fd = open (audit->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int errsv;

  if (fd < 0)
    return set_errno_error (error, errno, "open", audit->dir);
  if (fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      return set_errno_error (error, errsv, "sync", audit->dir);
    }
  close (fd);
  return TRUE;
}

static int
open_current (SandlockAudit  *audit,
              GError        **error)
{
  g_autofree char *path = file_path (audit, 0);
  /* Read too: append looks at the last byte for a torn line. */
  int flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC;
  int fd = open (path, flags, 0600);

  /* Someone removed the directory to clear the log: start over. */
  if (fd < 0 && errno == ENOENT && g_mkdir_with_parents (audit->dir, 0700) == 0)
    fd = open (path, flags, 0600);
  if (fd < 0)
    set_errno_error (error, errno, "open", path);
  return fd;
}

/* The current file's size, and whether it ends inside a line (a write
 * torn by a crash or a full disk). */
static gboolean
measure (int             fd,
         const char     *path,
         guint64        *size,
         gboolean       *torn,
         GError        **error)
{
  struct stat st;
  char last;

  if (fstat (fd, &st) != 0)
    return set_errno_error (error, errno, "stat", path);
  *size = st.st_size;
  *torn = FALSE;
  if (st.st_size == 0)
    return TRUE;
  if (pread (fd, &last, 1, st.st_size - 1) != 1)
    return set_errno_error (error, errno, "read", path);
  *torn = last != '\n';
  return TRUE;
}

/* The current file, open for appending @len bytes: rotated first when
 * they would not fit. @torn: the caller must start with a newline. */
static int
open_for_append (SandlockAudit  *audit,
                 gsize           len,
                 gboolean       *torn,
                 GError        **error)
{
  g_autofree char *path = file_path (audit, 0);
  int fd = open_current (audit, error);
  guint64 size;

  if (fd < 0)
    return -1;
  if (!measure (fd, path, &size, torn, error))
    {
      close (fd);
      return -1;
    }
  /* An empty file takes any batch: a line is never split, so a batch
   * larger than the limit gets a file of its own. */
  if (size > 0 && size + (*torn ? 1 : 0) + len > audit->max_file_bytes)
    {
      close (fd);
      if (!rotate (audit, error))
        return -1;
      fd = open_current (audit, error);
      if (fd < 0)
        return -1;
      size = 0;
      *torn = FALSE;
    }
  if (size == 0 && !sync_dir (audit, error))
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
write_and_sync (SandlockAudit  *audit,
                int             fd,
                const char     *data,
                gsize           len,
                GError        **error)
{
  /* One write() normally; a regular file only writes short when the disk
   * fills up or a signal lands, and then the rest follows. */
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return set_errno_error (error, n < 0 ? errno : ENOSPC,
                                "write the audit log in", audit->dir);
      data += n;
      len -= n;
    }
  if (fdatasync (fd) != 0)
    return set_errno_error (error, errno, "sync the audit log in", audit->dir);
  return TRUE;
}

gboolean
sandlock_audit_append (SandlockAudit       *audit,
                       JsonObject * const  *records,
                       guint                n_records,
                       GError             **error)
{
  g_autoptr(GString) batch = g_string_new ("\n");
  g_autoptr(GMutexLocker) locker = NULL;
  gboolean torn = FALSE;
  gboolean ok;
  int fd;

  g_return_val_if_fail (audit != NULL, FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_records == 0)
    return TRUE;

  for (guint i = 0; i < n_records; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;

      g_return_val_if_fail (records[i] != NULL, FALSE);
      node = json_node_init_object (json_node_alloc (), records[i]);
      line = json_to_string (node, FALSE);
      /* json-glib escapes control characters in strings; a raw newline
       * would split the record in two. */
      g_assert (strchr (line, '\n') == NULL);
      g_string_append (batch, line);
      g_string_append_c (batch, '\n');
    }

  locker = g_mutex_locker_new (&audit->lock);
  /* batch starts with the newline a torn last line needs, skipped if not. */
  fd = open_for_append (audit, batch->len - 1, &torn, error);
  if (fd < 0)
    return FALSE;
  ok = write_and_sync (audit, fd, batch->str + (torn ? 0 : 1),
                       batch->len - (torn ? 0 : 1), error);
  close (fd);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

/* The member if it is a string, else NULL: records come from disk and may
 * be anything. */
static const char *
member_string (JsonObject *record,
               const char *name)
{
  JsonNode *node = json_object_get_member (record, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *record,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (record, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
string_matches (JsonObject *record,
                const char *name,
                const char *wanted)
{
  return wanted == NULL || g_strcmp0 (member_string (record, name), wanted) == 0;
}

static gboolean
verdict_matches (JsonObject *record,
                 const char *verdict)
{
  const char *kind = member_string (record, "kind");
  const char *counter = NULL;
  gint64 count;

  if (g_strcmp0 (kind, "event") == 0)
    return g_strcmp0 (member_string (record, "verdict"), verdict) == 0;
  if (g_strcmp0 (kind, "run") != 0)
    return FALSE;

  /* A run counts its denied and audited events, not the allowed ones. */
  if (strcmp (verdict, "deny") == 0)
    counter = "denied";
  else if (strcmp (verdict, "audit") == 0)
    counter = "audited";
  return counter != NULL && member_int (record, counter, &count) && count > 0;
}

static gboolean
record_matches (JsonObject                *record,
                const SandlockAuditFilter *filter)
{
  gint64 time;

  if (filter == NULL)
    return TRUE;
  if (!string_matches (record, "name", filter->name)
      || !string_matches (record, "run", filter->run)
      || !string_matches (record, "kind", filter->kind))
    return FALSE;
  if (filter->verdict != NULL && !verdict_matches (record, filter->verdict))
    return FALSE;
  if (filter->since_us == 0 && filter->until_us == 0)
    return TRUE;
  if (!member_int (record, "time", &time))
    return FALSE;
  return (filter->since_us == 0 || time >= filter->since_us)
      && (filter->until_us == 0 || time < filter->until_us);
}

/* The log's files, oldest first, opened together under the lock: a
 * rotation during the query then neither hides nor repeats a file (an
 * open fd follows its file through renames and removal). */
static GArray *
open_files (SandlockAudit  *audit,
            GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&audit->lock);
  g_autoptr(GArray) indices = list_rotated (audit, error);
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  guint current = 0;

  if (indices == NULL)
    return NULL;
  g_array_prepend_val (indices, current);   /* audit.jsonl: the newest */
  for (guint i = indices->len; i > 0; i--)
    {
      g_autofree char *path = file_path (audit, g_array_index (indices, guint, i - 1));
      int fd = open (path, O_RDONLY | O_CLOEXEC);

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        {
          set_errno_error (error, errno, "open", path);
          for (guint j = 0; j < fds->len; j++)
            close (g_array_index (fds, int, j));
          return NULL;
        }
      g_array_append_val (fds, fd);
    }
  return g_steal_pointer (&fds);
}

/* Adds @fd's matching records to @matches, keeping at most @limit. */
static gboolean
scan_file (int                        fd,
           const SandlockAuditFilter *filter,
           JsonParser                *parser,
           GQueue                    *matches,
           GError                   **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new_from_fd (fd, FALSE, error);
  const char *data;
  const char *end;
  guint limit = filter != NULL ? filter->limit : 0;

  if (mapped == NULL)
    return FALSE;
  data = g_mapped_file_get_contents (mapped);
  end = data + g_mapped_file_get_length (mapped);

  while (data != NULL && data < end)
    {
      const char *newline = memchr (data, '\n', end - data);
      const char *line_end = newline != NULL ? newline : end;
      JsonNode *root;
      JsonObject *record;

      /* A torn or garbled line is skipped, not fatal. */
      if (line_end > data
          && json_parser_load_from_data (parser, data, line_end - data, NULL)
          && (root = json_parser_get_root (parser)) != NULL
          && JSON_NODE_HOLDS_OBJECT (root)
          && record_matches ((record = json_node_get_object (root)), filter))
        {
          g_queue_push_tail (matches, json_object_ref (record));
          if (limit > 0 && matches->length > limit)
            json_object_unref (g_queue_pop_head (matches));
        }
      data = line_end + 1;
    }
  return TRUE;
}

GPtrArray *
sandlock_audit_query (SandlockAudit             *audit,
                      const SandlockAuditFilter *filter,
                      GError                   **error)
{
  g_autoptr(GArray) fds = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GQueue matches = G_QUEUE_INIT;
  GPtrArray *result;
  gboolean ok = TRUE;

  g_return_val_if_fail (audit != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fds = open_files (audit, error);
  if (fds == NULL)
    return NULL;
  /* Parsing happens outside the lock: appends need not wait for it. */
  for (guint i = 0; i < fds->len; i++)
    {
      int fd = g_array_index (fds, int, i);

      if (ok)
        ok = scan_file (fd, filter, parser, &matches, error);
      close (fd);
    }
  if (!ok)
    {
      g_queue_clear_full (&matches, (GDestroyNotify) json_object_unref);
      return NULL;
    }

  result = g_ptr_array_new_full (matches.length, (GDestroyNotify) json_object_unref);
  for (GList *l = matches.head; l != NULL; l = l->next)
    g_ptr_array_add (result, l->data);
  g_queue_clear (&matches);
  return result;
}
