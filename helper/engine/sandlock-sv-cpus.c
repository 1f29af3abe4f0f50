/* SPDX-License-Identifier: Apache-2.0 */
/*
 * num_cpus: the CPU count the program sees, in sched_getaffinity() (what
 * nproc asks), /proc/cpuinfo and /sys/devices/system/cpu/online. It is a
 * view, not a limit (cpu_cores pins, max_cpu throttles): the files are
 * matched as written, other spellings show the real ones.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-supervisor-private.h"

static guint
shown_cpus (SandlockSupervisor *sv)
{
  long real = sysconf (_SC_NPROCESSORS_ONLN);

  return (guint) MIN (sv->policy->num_cpus, MAX (real, 1));
}

static void
on_sched_getaffinity (SandlockSupervisor         *sv,
                      const struct seccomp_notif *req,
                      struct seccomp_notif_resp  *resp)
{
  gsize length = req->data.args[1];
  long configured = sysconf (_SC_NPROCESSORS_CONF);
  /* The kernel answers with whole longs covering every possible CPU. */
  gsize size = ((MAX (configured, 1) + 63) / 64) * sizeof (guint64);
  guint64 mask[16] = { 0 };
  guint n = shown_cpus (sv);

  if (length < size || size > sizeof mask)
    {
      sandlock_resp_deny (resp, length < size ? EINVAL : ENOMEM);
      return;
    }
  for (guint cpu = 0; cpu < n; cpu++)
    mask[cpu / 64] |= G_GUINT64_CONSTANT (1) << (cpu % 64);
  {
    if (!sandlock_supervisor_write (sv, req, req->data.args[2], mask, size))
      {
        sandlock_resp_deny (resp, EFAULT);
        return;
      }
  }
  sandlock_resp_return (resp, size);
}

/* /proc/cpuinfo with the first @n processor entries. */
static char *
cpuinfo (guint n)
{
  g_autofree char *real = NULL;
  GString *out = g_string_new (NULL);
  const char *p;
  guint seen = 0;

  if (!g_file_get_contents ("/proc/cpuinfo", &real, NULL, NULL))
    return g_string_free (out, FALSE);
  for (p = real; *p != '\0' && seen < n;)
    {
      const char *end = strstr (p, "\n\n");
      gsize length = end ? (gsize) (end - p) + 2 : strlen (p);

      g_string_append_len (out, p, length);
      seen++;
      p += length;
    }
  return g_string_free (out, FALSE);
}

gboolean
sandlock_sv_cpus_open (SandlockSupervisor         *sv,
                       const struct seccomp_notif *req,
                       struct seccomp_notif_resp  *resp,
                       const char                 *clean_path,
                       int                         flags)
{
  g_autofree char *text = NULL;
  guint n;

  if (sv->policy->num_cpus < 1 || !sandlock_sv_path_granted (sv, clean_path, FALSE))
    return FALSE;
  n = shown_cpus (sv);
  if (g_str_equal (clean_path, "/proc/cpuinfo"))
    text = cpuinfo (n);
  else if (g_str_equal (clean_path, "/sys/devices/system/cpu/online"))
    text = n == 1 ? g_strdup ("0\n") : g_strdup_printf ("0-%u\n", n - 1);
  else
    return FALSE;
  sandlock_supervisor_answer_file (sv, req, resp, text, strlen (text), flags);
  return TRUE;
}

void
sandlock_sv_cpus_install (SandlockSupervisor *sv)
{
  if (sv->policy->num_cpus >= 1)
    sandlock_supervisor_trap (sv, __NR_sched_getaffinity, on_sched_getaffinity, 0, -1);
}
