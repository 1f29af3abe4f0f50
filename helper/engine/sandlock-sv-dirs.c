/* SPDX-License-Identifier: Apache-2.0 */
/*
 * deterministic_dirs: getdents64() lists entries sorted by name. The
 * supervisor reads the whole directory through a duplicate of the
 * program's fd, sorts it, and hands out entries by index; the index is
 * the directory's file position (as the kernel's own cookies are), so
 * lseek, telldir and seekdir keep working. Nothing here decides access:
 * the program opened the directory itself, under Landlock.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

typedef struct {
  guint64 ino;
  guint8  type;
  char   *name;
} Entry;

static void
entry_clear (gpointer data)
{
  g_free (((Entry *) data)->name);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

/* Every entry of the directory open as @fd, sorted; NULL on failure. */
static GArray *
sorted_entries (int fd)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  struct dirent *d;
  int own = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir;

  g_array_set_clear_func (entries, entry_clear);
  if (own < 0 || (dir = fdopendir (own)) == NULL)
    {
      if (own >= 0)
        close (own);
      return NULL;
    }
  while ((d = readdir (dir)) != NULL)
    {
      Entry entry = { d->d_ino, d->d_type, g_strdup (d->d_name) };
      g_array_append_val (entries, entry);
    }
  closedir (dir);
  g_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

static void
on_getdents64 (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               struct seccomp_notif_resp  *resp)
{
  sandlock_autofd int fd = sandlock_supervisor_steal_fd (req, req->data.args[0]);
  gsize count = MIN (req->data.args[2], 1u << 20);
  g_autofree guint8 *out = NULL;
  g_autoptr(GArray) entries = NULL;
  gsize used = 0;
  off_t index;
  guint i;

  /* Not a directory we can read, or a bad fd: the kernel answers. */
  if (fd < 0 || (index = lseek (fd, 0, SEEK_CUR)) < 0 ||
      (entries = sorted_entries (fd)) == NULL)
    {
      sandlock_resp_continue (resp);
      return;
    }

  out = g_malloc (MAX (count, 1));
  for (i = index; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      gsize name_len = strlen (entry->name) + 1;
      gsize reclen = (offsetof (struct dirent64, d_name) + name_len + 7) & ~(gsize) 7;
      struct dirent64 *record = (struct dirent64 *) (out + used);

      if (used + reclen > count)
        break;
      memset (record, 0, reclen);
      record->d_ino = entry->ino;
      record->d_off = i + 1;
      record->d_reclen = reclen;
      record->d_type = entry->type;
      memcpy (record->d_name, entry->name, name_len);
      used += reclen;
    }

  if (used == 0 && i < entries->len)
    {
      sandlock_resp_deny (resp, EINVAL);   /* the buffer is too small */
      return;
    }
  if (used > 0)
    {
      if (!sandlock_supervisor_write (sv, req, req->data.args[1], out, used))
        {
          sandlock_resp_deny (resp, EFAULT);
          return;
        }
    }
  lseek (fd, i, SEEK_SET);
  sandlock_resp_return (resp, used);
}

void
sandlock_sv_dirs_install (SandlockSupervisor *sv)
{
  if (sv->policy->deterministic_dirs)
    sandlock_supervisor_trap (sv, __NR_getdents64, on_getdents64, 0, -1);
}
