/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Round trip of one trapped system call: brk(0) under max_memory goes to
 * the supervisor, which lets it through at once; the same call untrapped
 * (no limit) is the baseline. Medians of batches, interleaved.
 *
 *   bench-notify SANDLOCK            driver: runs itself both ways
 *   bench-notify --loop CALLS        inside: prints ns per call
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Per-call ns of @calls brk(0), median of 9 batches. */
static int
loop (int calls)
{
  double batches[9];

  for (int b = 0; b < 9; b++)
    {
      double start = now_ns ();
      for (int i = 0; i < calls; i++)
        syscall (SYS_brk, 0);
      batches[b] = (now_ns () - start) / calls;
    }
  qsort (batches, 9, sizeof (double), compare);
  printf ("%.1f\n", batches[4]);
  return 0;
}

static double
run (char **argv)
{
  int fds[2];
  char buf[64] = "";
  pid_t pid;

  if (pipe (fds) < 0 || (pid = fork ()) < 0)
    return -1;
  if (pid == 0)
    {
      dup2 (fds[1], 1);
      execv (argv[0], argv);
      _exit (127);
    }
  close (fds[1]);
  if (read (fds[0], buf, sizeof buf - 1) <= 0)
    buf[0] = '\0';
  close (fds[0]);
  waitpid (pid, NULL, 0);
  return buf[0] ? atof (buf) : -1;
}

int
main (int argc, char **argv)
{
  char self[4096];
  ssize_t n;

  if (argc == 3 && strcmp (argv[1], "--loop") == 0)
    return loop (atoi (argv[2]));
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-notify SANDLOCK\n");
      return 2;
    }
  n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0)
    return 1;
  self[n] = '\0';

  {
    char *trapped[] = { argv[1], "run", "-r", self, "-m", "1G", "--", self, "--loop", "20000", NULL };
    char *untrapped[] = { argv[1], "run", "-r", self, "--", self, "--loop", "20000", NULL };
    double t[5], u[5];

    for (int i = 0; i < 5; i++)
      {
        t[i] = run (trapped);
        u[i] = run (untrapped);
        if (t[i] < 0 || u[i] < 0)
          {
            fprintf (stderr, "bench-notify: a run failed\n");
            return 1;
          }
      }
    qsort (t, 5, sizeof (double), compare);
    qsort (u, 5, sizeof (double), compare);
    printf ("trapped syscall round trip: %.2f us (untrapped %.3f us, +%.2f us)"
            " (target: at most 5 us)\n", t[2] / 1000, u[2] / 1000, (t[2] - u[2]) / 1000);
  }
  return 0;
}
