/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Round trip of one trapped system call: brk(0) under max_memory goes to
 * the supervisor, which lets it through at once; the same call untrapped
 * (no limit) is the baseline. Medians of batches, interleaved.
 *
 *   bench-notify SANDLOCK            driver: runs itself both ways
 *   bench-notify --loop CALLS        inside: prints ns per call
 *
 * Then ioctls: TCGETS on a pipe, which the notify filter lets through
 * (its only cost is the filter's comparisons), and SIOCGIFFLAGS of lo,
 * an interface ioctl the supervisor answers from the loopback-only view,
 * each in a sandbox and unconfined.
 *
 *   bench-notify --ioctl tcgets|ifflags CALLS   prints ns per call
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
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

/* Per-call ns of @calls ioctls of one kind, median of 9 batches. */
static int
ioctl_loop (const char *which,
            int         calls)
{
  int tcgets = strcmp (which, "tcgets") == 0;
  int fds[2] = { -1, -1 };
  struct ifreq ifr;
  struct termios t;
  double batches[9];
  int fd;

  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (tcgets)
    fd = pipe (fds) < 0 ? -1 : fds[0];
  else
    fd = socket (AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 1;
  for (int b = 0; b < 9; b++)
    {
      double start = now_ns ();
      for (int i = 0; i < calls; i++)
        if (tcgets ? ioctl (fd, TCGETS, &t) == 0 : ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
          return 1;   /* a pipe is no terminal; lo has flags */
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
  if (argc == 4 && strcmp (argv[1], "--ioctl") == 0)
    return ioctl_loop (argv[2], atoi (argv[3]));
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

  {
    static const struct {
      const char *which;
      const char *calls;
      const char *label;
    } kinds[] = {
      { "tcgets",  "200000", "TCGETS on a pipe (not trapped)" },
      { "ifflags", "5000",   "SIOCGIFFLAGS of lo (answered by the supervisor)" },
    };

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
      {
        char *inside[] = { argv[1], "run", "-r", self, "--net-allow", "127.0.0.1:1", "--",
                           self, "--ioctl", (char *) kinds[k].which, (char *) kinds[k].calls,
                           NULL };
        char *outside[] = { self, "--ioctl", (char *) kinds[k].which, (char *) kinds[k].calls,
                            NULL };
        double in[5], out[5];

        for (int i = 0; i < 5; i++)
          {
            in[i] = run (inside);
            out[i] = run (outside);
            if (in[i] < 0 || out[i] < 0)
              {
                fprintf (stderr, "bench-notify: an ioctl run failed\n");
                return 1;
              }
          }
        qsort (in, 5, sizeof (double), compare);
        qsort (out, 5, sizeof (double), compare);
        printf ("%s: %.1f ns in a sandbox, %.1f ns unconfined\n", kinds[k].label,
                in[2], out[2]);
      }
  }
  return 0;
}
