/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-notify-filter.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "sandlock supports x86_64 and aarch64"
#endif

/* The low 32 bits of argument @n (little endian on both architectures). */
#define ARG_LO(n) (offsetof (struct seccomp_data, args) + (n) * sizeof (guint64))
#define ARG_HI(n) (ARG_LO (n) + sizeof (guint32))

static void
emit (GArray *prog, guint16 code, guint8 jt, guint8 jf, guint32 k)
{
  struct sock_filter insn = { code, jt, jf, k };
  g_array_append_val (prog, insn);
}

static SandlockFilter *
build (const SandlockTrap *traps,
       guint               n_traps,
       guint32             action)
{
  g_autoptr(GArray) prog = g_array_new (FALSE, FALSE, sizeof (struct sock_filter));
  SandlockFilter *filter;

  /* A foreign architecture is the deny filter's business (it kills). */
  emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, arch));
  emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NATIVE_ARCH);
  emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
  emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof (struct seccomp_data, nr));

  for (guint i = 0; i < n_traps; i++)
    {
      const SandlockTrap *trap = &traps[i];

      if (trap->n_arg1_ranges > 0)
        {
          /* nr? -> load arg1, outside all ranges' span -> allow, in any
           * range -> notify, else allow. A value takes one comparison, a
           * range two; every jump goes forward, to the end of this block.
           * The span first, so that most values (terminal and file
           * ioctls, for ioctl) leave after two. */
          guint32 lowest = G_MAXUINT32, highest = 0;
          guint checks = 2;
          guint notify;

          for (guint r = 0; r < trap->n_arg1_ranges; r++)
            {
              checks += trap->arg1_ranges[r].first == trap->arg1_ranges[r].last ? 1 : 2;
              lowest = MIN (lowest, trap->arg1_ranges[r].first);
              highest = MAX (highest, trap->arg1_ranges[r].last);
            }
          /* Offsets are 8 bits. */
          g_assert (checks + 3 <= 255);
          notify = prog->len + 3 + checks;
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, checks + 3, trap->nr);
          emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO (1));
          emit (prog, BPF_JMP | BPF_JGE | BPF_K, 0, notify - prog->len - 2, lowest);
          emit (prog, BPF_JMP | BPF_JGT | BPF_K, notify - prog->len - 2, 0, highest);
          for (guint r = 0; r < trap->n_arg1_ranges; r++)
            {
              const SandlockArgRange *range = &trap->arg1_ranges[r];

              g_assert (range->first <= range->last);
              if (range->first == range->last)
                emit (prog, BPF_JMP | BPF_JEQ | BPF_K, notify - prog->len - 1, 0, range->first);
              else
                {
                  /* Below: on to the next range. Above: likewise. */
                  emit (prog, BPF_JMP | BPF_JGE | BPF_K, 0, 1, range->first);
                  emit (prog, BPF_JMP | BPF_JGT | BPF_K, 0, notify - prog->len - 1, range->last);
                }
            }
          g_assert (prog->len == notify - 1);
          emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
          emit (prog, BPF_RET | BPF_K, 0, 0, action);
        }
      else if (trap->skip_arg0_mask != 0)
        {
          /* nr? -> load arg0, any skip bit -> allow, else notify */
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, trap->nr);
          emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO (0));
          emit (prog, BPF_JMP | BPF_JSET | BPF_K, 1, 0, trap->skip_arg0_mask);
          emit (prog, BPF_RET | BPF_K, 0, 0, action);
          emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
        }
      else if (trap->match_arg0)
        {
          /* nr? -> load arg0, not the value -> allow, else trap */
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, trap->nr);
          emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO (0));
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, trap->arg0);
          emit (prog, BPF_RET | BPF_K, 0, 0, action);
          emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
        }
      else if (trap->trap_if_arg_nonzero >= 0)
        {
          /* nr? -> both halves of the argument zero -> allow */
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 6, trap->nr);
          emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO (trap->trap_if_arg_nonzero));
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0);
          emit (prog, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_HI (trap->trap_if_arg_nonzero));
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
          emit (prog, BPF_RET | BPF_K, 0, 0, action);
          emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
        }
      else
        {
          emit (prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, trap->nr);
          emit (prog, BPF_RET | BPF_K, 0, 0, action);
        }
    }
  emit (prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);

  filter = g_new0 (SandlockFilter, 1);
  filter->prog.len = prog->len;
  filter->prog.filter = (struct sock_filter *) g_array_free (g_steal_pointer (&prog), FALSE);
  return filter;
}

SandlockFilter *
sandlock_notify_filter_build (const SandlockTrap *traps,
                              guint               n_traps)
{
  return build (traps, n_traps, SECCOMP_RET_USER_NOTIF);
}

SandlockFilter *
sandlock_notify_filter_build_errno (const SandlockTrap *traps,
                                    guint               n_traps,
                                    int                 error)
{
  g_return_val_if_fail (error > 0 && (guint32) error <= SECCOMP_RET_DATA, NULL);

  return build (traps, n_traps, SECCOMP_RET_ERRNO | (guint32) error);
}

int
sandlock_notify_filter_load (const SandlockFilter *filter)
{
  /* Async-signal-safe: the listener fd, or -errno. */
  long fd = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                     SECCOMP_FILTER_FLAG_NEW_LISTENER, &filter->prog);

  return fd < 0 ? -errno : (int) fd;
}

/* Inside another supervised sandbox (ours included) the kernel refuses a
 * second listener in the same filter chain (EBUSY). Find out once, in a
 * throwaway child, and only when some filter is on us at all. */
gboolean
sandlock_notify_available (void)
{
  static int available = -1;
  g_autofree char *status = NULL;
  const char *line;

  if (available >= 0)
    return available;

  available = TRUE;
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "\nSeccomp_filters:")) != NULL &&
      atoi (line + strlen ("\nSeccomp_filters:")) > 0)
    {
      static const SandlockTrap none[] = { { -1, 0, -1 } };
      g_autoptr(SandlockFilter) probe = sandlock_notify_filter_build (none, 0);
      pid_t pid = syscall (SYS_clone, SIGCHLD, 0, 0, 0, 0);
      int wstatus;

      if (pid == 0)
        {
          int fd;

          if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit (1);
          fd = sandlock_notify_filter_load (probe);
          _exit (fd >= 0 ? 0 : 1);
        }
      available = pid > 0 && waitpid (pid, &wstatus, 0) == pid &&
                  WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0;
    }
  return available;
}
