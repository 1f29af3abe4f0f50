/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sandlock-proctree.h"

gssize
sandlock_proc_read (pid_t       pid,
                    const char *file,
                    char       *buffer,
                    gsize       size)
{
  char path[64];
  gssize n;
  int fd;

  g_snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, buffer, size - 1);
  close (fd);
  if (n < 0)
    return -1;
  buffer[n] = '\0';
  return n;
}

static void
add_children (pid_t       parent,
              const char *list,
              GArray     *procs)
{
  const char *p = list;

  while (*p != '\0')
    {
      char *end;
      long pid = strtol (p, &end, 10);

      if (end == p)
        break;
      if (pid > 0)
        {
          SandlockProc proc = { pid, parent };
          g_array_append_val (procs, proc);
        }
      p = end;
      while (*p == ' ' || *p == '\n')
        p++;
    }
}

gboolean
sandlock_proctree_collect (pid_t   root,
                           GArray *procs)
{
  g_array_set_size (procs, 0);

  /* procs doubles as the queue: entry i is expanded after all before it. */
  for (gint i = -1; i < (gint) procs->len; i++)
    {
      pid_t pid = i < 0 ? root : g_array_index (procs, SandlockProc, i).pid;
      char path[64];
      DIR *tasks;
      struct dirent *entry;

      g_snprintf (path, sizeof path, "/proc/%d/task", pid);
      tasks = opendir (path);
      if (tasks == NULL)
        {
          if (i < 0)
            return FALSE;
          continue;   /* it exited meanwhile */
        }
      while ((entry = readdir (tasks)) != NULL)
        {
          char file[64];
          char list[4096];

          if (entry->d_name[0] == '.')
            continue;
          g_snprintf (file, sizeof file, "task/%s/children", entry->d_name);
          if (sandlock_proc_read (pid, file, list, sizeof list) > 0)
            add_children (pid, list, procs);
        }
      closedir (tasks);
    }
  return TRUE;
}

guint
sandlock_proctree_children (GArray *procs,
                            pid_t   parent)
{
  guint n = 0;

  for (guint i = 0; i < procs->len; i++)
    if (g_array_index (procs, SandlockProc, i).parent == parent)
      n++;
  return n;
}

gboolean
sandlock_proctree_usable (void)
{
  char self[32];
  ssize_t n = readlink ("/proc/self", self, sizeof self - 1);

  if (n <= 0)
    return FALSE;
  self[n] = '\0';
  return atoi (self) == getpid ();
}
