/* SPDX-License-Identifier: Apache-2.0 */
/*
 * max_cpu: a duty-cycle throttle. Every period the supervisor adds up the
 * CPU time the sandbox's processes used; what goes over the budget
 * (max_cpu percent of one core) is a debt, paid off by stopping every
 * process of the sandbox (SIGSTOP) until the budget of the periods spent
 * stopped has covered it, then SIGCONT.
 *
 * sandlock_sandbox_pause() stops the sandbox too: while it is paused the
 * throttle only keeps count, and sends no signal that could resume it.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-proctree.h"
#include "sandlock-supervisor-private.h"

#define PERIOD_US (100 * 1000)

struct _SandlockCpuThrottle {
  /* Held while the supervisor thread decides and signals, so that once
   * set_paused (TRUE) returns, no SIGCONT of ours is still on its way. */
  GMutex      lock;
  gboolean    paused;
  gint64      next_tick;      /* monotonic us */
  gint64      budget_us;      /* CPU per period */
  gint64      debt_us;
  gboolean    stopped;
  GHashTable *seen;           /* pid -> CPU us at the last tick */
  GArray     *procs;          /* scratch */
};

/* utime + stime of @pid in microseconds, or -1. */
static gint64
cpu_time_us (pid_t pid)
{
  static long ticks;
  char stat[1024];
  const char *p;
  guint64 utime, stime;

  if (ticks == 0)
    ticks = sysconf (_SC_CLK_TCK);
  if (sandlock_proc_read (pid, "stat", stat, sizeof stat) < 0 ||
      (p = strrchr (stat, ')')) == NULL)
    return -1;
  /* Fields 14 and 15; field 3 follows ") ". */
  for (int field = 2; field < 14 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL)
    return -1;
  utime = g_ascii_strtoull (p + 1, (char **) &p, 10);
  stime = g_ascii_strtoull (p + 1, NULL, 10);
  return (gint64) ((utime + stime) * G_USEC_PER_SEC / ticks);
}

static void
signal_all (GArray *procs,
            int     sig)
{
  for (guint i = 0; i < procs->len; i++)
    {
      sandlock_autofd int pidfd =
        syscall (SYS_pidfd_open, g_array_index (procs, SandlockProc, i).pid, 0);

      if (pidfd >= 0)
        syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
    }
}

SandlockCpuThrottle *
sandlock_cpu_throttle_new (gint64 percent)
{
  SandlockCpuThrottle *throttle = g_new0 (SandlockCpuThrottle, 1);

  throttle->budget_us = PERIOD_US * percent / 100;
  throttle->next_tick = g_get_monotonic_time () + PERIOD_US;
  throttle->seen = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  throttle->procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  g_mutex_init (&throttle->lock);
  return throttle;
}

void
sandlock_cpu_throttle_free (SandlockCpuThrottle *throttle)
{
  if (throttle == NULL)
    return;
  g_hash_table_unref (throttle->seen);
  g_array_unref (throttle->procs);
  g_mutex_clear (&throttle->lock);
  g_free (throttle);
}

int
sandlock_cpu_throttle_timeout_ms (SandlockCpuThrottle *throttle)
{
  if (throttle == NULL)
    return -1;
  return MAX (0, (throttle->next_tick - g_get_monotonic_time () + 999) / 1000);
}

void
sandlock_cpu_throttle_tick (SandlockCpuThrottle *throttle,
                            pid_t                init_pid)
{
  g_autoptr(GHashTable) now = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  gint64 used = 0;

  if (throttle == NULL || g_get_monotonic_time () < throttle->next_tick)
    return;
  throttle->next_tick += PERIOD_US;
  if (throttle->next_tick < g_get_monotonic_time ())
    throttle->next_tick = g_get_monotonic_time () + PERIOD_US;   /* we fell behind */

  if (!sandlock_proctree_collect (init_pid, throttle->procs))
    return;
  for (guint i = 0; i < throttle->procs->len; i++)
    {
      pid_t pid = g_array_index (throttle->procs, SandlockProc, i).pid;
      gint64 cpu = cpu_time_us (pid);
      gint64 *last;

      if (cpu < 0)
        continue;
      /* A process new since the last tick counts from its start. */
      last = g_hash_table_lookup (throttle->seen, GINT_TO_POINTER (pid));
      used += cpu - (last ? MIN (*last, cpu) : 0);
      g_hash_table_insert (now, GINT_TO_POINTER (pid), g_memdup2 (&cpu, sizeof cpu));
    }
  g_hash_table_unref (throttle->seen);
  throttle->seen = g_steal_pointer (&now);

  /* Unused budget does not pile up beyond one period. */
  throttle->debt_us = MAX (throttle->debt_us + used - throttle->budget_us,
                           -throttle->budget_us);

  /* Paused: whoever resumes sends the SIGCONT; a debt left then stops
   * the sandbox again at the next tick. */
  g_mutex_lock (&throttle->lock);
  if (throttle->paused)
    {
      g_mutex_unlock (&throttle->lock);
      return;
    }
  /* Again every tick while in debt: processes forked meanwhile too. */
  if (throttle->debt_us > 0)
    {
      signal_all (throttle->procs, SIGSTOP);
      throttle->stopped = TRUE;
    }
  else if (throttle->stopped)
    {
      signal_all (throttle->procs, SIGCONT);
      throttle->stopped = FALSE;
    }
  g_mutex_unlock (&throttle->lock);
}

void
sandlock_cpu_throttle_set_paused (SandlockCpuThrottle *throttle,
                                  gboolean             paused)
{
  if (throttle == NULL)
    return;
  g_mutex_lock (&throttle->lock);
  throttle->paused = paused;
  g_mutex_unlock (&throttle->lock);
}
