/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spawn cost: median wall time of `sandlock run ... -- /bin/true` against
 * bare /bin/true and bubblewrap, run interleaved so that all see the same
 * machine load. Also the engine alone (sandlock_run() from a process that
 * has the library loaded already, as the D-Bus helper does), which leaves
 * out the CLI's own start-up. Prints figures; asserts nothing.
 *
 *   bench-spawn SANDLOCK [ROUNDS]
 */

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sandlock.h>

extern char **environ;

static SandlockPolicy *engine_policy;

typedef struct {
  const char  *label;
  char       **argv;
  double      *samples;
  int          ok;
} Subject;

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
run_engine (char **argv)
{
  double start = now_ms ();
  SandlockResult *result = sandlock_run (engine_policy, (const char * const *) argv,
                                         0, FALSE, NULL);
  int status = result ? sandlock_result_get_status (result) : -1;

  sandlock_result_free (result);
  return status == 0 ? now_ms () - start : -1;
}

/* Wall time of one run in ms, or -1 when it failed. */
static double
run_once (char **argv)
{
  double start = now_ms ();
  pid_t pid;
  int status;

  if (argv[0] == NULL)
    return run_engine (argv + 1);

  if (posix_spawn (&pid, argv[0], NULL, NULL, argv, environ) != 0)
    return -1;
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return -1;
  return now_ms () - start;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
percentile (double *samples, int n, double p)
{
  qsort (samples, n, sizeof *samples, compare);
  return samples[(int) (p * (n - 1) + 0.5)];
}

int
main (int argc, char **argv)
{
  char *sandlock = argc > 1 ? argv[1] : "sandlock";
  int rounds = argc > 2 ? atoi (argv[2]) : 300;
  char *bare[] = { "/bin/true", NULL };
  char *confined[] = { sandlock, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                       "-r", "/bin", "-r", "/etc", "-w", "/tmp", "--", "/bin/true", NULL };
  char *bwrap[] = { "/usr/bin/bwrap", "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib",
                    "--ro-bind", "/lib64", "/lib64", "--ro-bind", "/bin", "/bin",
                    "--ro-bind", "/etc", "/etc", "--bind", "/tmp", "/tmp",
                    "--unshare-pid", "--die-with-parent", "/bin/true", NULL };
  char *engine[] = { NULL, "/bin/true", NULL };
  const char *grants[] = { "/usr", "/lib", "/lib64", "/bin", "/etc" };
  Subject subjects[] = {
    { "bare /bin/true", bare, NULL, 1 },
    { "sandlock run", confined, NULL, 1 },
    { "bubblewrap", bwrap, NULL, 1 },
    { "engine only", engine, NULL, 1 },
  };
  int n = sizeof subjects / sizeof subjects[0];
  double base;

  engine_policy = sandlock_policy_new ();
  for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++)
    sandlock_policy_set (engine_policy, "fs_readable", grants[i], NULL);
  sandlock_policy_set (engine_policy, "fs_writable", "/tmp", NULL);

  for (int s = 0; s < n; s++)
    {
      subjects[s].samples = calloc (rounds, sizeof (double));
      /* Warm up, and find out whether it runs here at all. */
      if ((subjects[s].argv[0] != NULL && access (subjects[s].argv[0], X_OK) != 0) ||
          run_once (subjects[s].argv) < 0)
        {
          subjects[s].ok = 0;
          printf ("%-16s unavailable on this machine, skipped\n", subjects[s].label);
        }
    }

  for (int r = 0; r < rounds; r++)
    for (int s = 0; s < n; s++)
      if (subjects[s].ok && (subjects[s].samples[r] = run_once (subjects[s].argv)) < 0)
        {
          fprintf (stderr, "%s failed in round %d\n", subjects[s].label, r);
          return 1;
        }

  printf ("spawn benchmark: %d interleaved rounds\n", rounds);
  printf ("%-16s %10s %10s %12s\n", "", "median ms", "p90 ms", "over bare");
  base = percentile (subjects[0].samples, rounds, 0.5);
  for (int s = 0; s < n; s++)
    {
      double median, p90;
      if (!subjects[s].ok)
        continue;
      median = percentile (subjects[s].samples, rounds, 0.5);
      p90 = percentile (subjects[s].samples, rounds, 0.9);
      printf ("%-16s %10.3f %10.3f %+11.3f\n", subjects[s].label, median, p90, median - base);
    }
  if (subjects[1].ok)
    printf ("sandlock overhead over bare: %.3f ms (target: at most 1 ms)\n",
            percentile (subjects[1].samples, rounds, 0.5) - base);
  if (subjects[3].ok)
    printf ("engine overhead over bare (no CLI start-up): %.3f ms\n",
            percentile (subjects[3].samples, rounds, 0.5) - base);
  return 0;
}
