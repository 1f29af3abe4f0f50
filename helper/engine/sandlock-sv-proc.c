/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Views of /proc the supervisor serves (opens of the file as written):
 * /proc/meminfo reflecting max_memory, and a mount table that does not
 * show the host's mounts. Other processes and the kernel's sensitive files
 * are the sandbox's own procfs's business (see sandlock-spawn-child.c).
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <stdio.h>

#include "sandlock-proctree.h"
#include "sandlock-supervisor-private.h"

static const char * const mount_tables[] = {
  "/proc/mounts", "/proc/self/mounts", "/etc/mtab",
};

static const char mounts_view[] =
  "sandbox / sandbox ro,nosuid,nodev 0 0\n"
  "proc /proc proc rw,nosuid,nodev,noexec 0 0\n";

static const char mountinfo_view[] =
  "1 0 0:1 / / ro,nosuid,nodev - sandbox sandbox ro\n"
  "2 1 0:2 / /proc rw,nosuid,nodev,noexec - proc proc rw\n";

/* The real meminfo with MemTotal, MemFree and MemAvailable of the limit. */
static char *
meminfo_view (SandlockSupervisor *sv)
{
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  g_autofree char *real = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  guint64 total_kb = sv->max_memory / 1024;
  guint64 used_kb = 0;

  if (sandlock_proctree_collect (sv->init_pid, procs))
    for (guint i = 0; i < procs->len; i++)
      {
        char statm[256];
        unsigned long size, resident;

        if (sandlock_proc_read (g_array_index (procs, SandlockProc, i).pid, "statm",
                                statm, sizeof statm) > 0 &&
            sscanf (statm, "%lu %lu", &size, &resident) == 2)
          used_kb += resident * (sysconf (_SC_PAGESIZE) / 1024);
      }
  used_kb = MIN (used_kb, total_kb);

  if (!g_file_get_contents ("/proc/meminfo", &real, NULL, NULL))
    return g_string_free (out, FALSE);
  lines = g_strsplit (real, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      if (g_str_has_prefix (lines[i], "MemTotal:"))
        g_string_append_printf (out, "MemTotal:       %8" G_GUINT64_FORMAT " kB\n", total_kb);
      else if (g_str_has_prefix (lines[i], "MemFree:"))
        g_string_append_printf (out, "MemFree:        %8" G_GUINT64_FORMAT " kB\n", total_kb - used_kb);
      else if (g_str_has_prefix (lines[i], "MemAvailable:"))
        g_string_append_printf (out, "MemAvailable:   %8" G_GUINT64_FORMAT " kB\n", total_kb - used_kb);
      else
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  return g_string_free (out, FALSE);
}

gboolean
sandlock_sv_proc_open (SandlockSupervisor         *sv,
                       const struct seccomp_notif *req,
                       struct seccomp_notif_resp  *resp,
                       const char                 *clean_path,
                       int                         flags)
{
  g_autofree char *meminfo = NULL;
  gboolean is_mounts = FALSE;

  if (!sandlock_sv_path_granted (sv, clean_path, FALSE))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (mount_tables); i++)
    is_mounts |= g_str_equal (clean_path, mount_tables[i]);

  if (is_mounts)
    sandlock_supervisor_answer_file (sv, req, resp, mounts_view, strlen (mounts_view), flags);
  else if (g_str_equal (clean_path, "/proc/self/mountinfo"))
    sandlock_supervisor_answer_file (sv, req, resp, mountinfo_view, strlen (mountinfo_view), flags);
  else if (sv->max_memory > 0 && g_str_equal (clean_path, "/proc/meminfo"))
    {
      meminfo = meminfo_view (sv);
      sandlock_supervisor_answer_file (sv, req, resp, meminfo, strlen (meminfo), flags);
    }
  else
    return FALSE;
  return TRUE;
}

/* Whether opens must be trapped for these views. */
gboolean
sandlock_sv_proc_wanted (SandlockSupervisor *sv)
{
  return sandlock_sv_path_granted (sv, "/proc/mounts", FALSE) ||
         sandlock_sv_path_granted (sv, "/etc/mtab", FALSE);
}
