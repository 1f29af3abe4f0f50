/* SPDX-License-Identifier: Apache-2.0 */
/*
 * max_processes and max_memory. Both decide from registers only (flags,
 * lengths, addresses), so no TOCTOU, and count what the kernel itself
 * accounts: the sandbox's processes from /proc, and their private
 * writable memory from /proc/PID/statm. Calls let through but not yet
 * finished by the kernel are counted too ("in flight"), so two calls in a
 * row cannot both slip under the limit.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-proctree.h"
#include "sandlock-supervisor-private.h"

/* ---- in-flight calls ----------------------------------------------------- */

static pid_t
tgid_of (pid_t tid)
{
  char status[1024];
  const char *line;

  if (sandlock_proc_read (tid, "status", status, sizeof status) < 0)
    return -1;
  line = strstr (status, "\nTgid:");
  return line ? atoi (line + strlen ("\nTgid:")) : -1;
}

/* Is @tid still inside syscall @nr? */
static gboolean
still_in_syscall (pid_t tid,
                  int   nr)
{
  char text[256];

  if (sandlock_proc_read (tid, "syscall", text, sizeof text) <= 0)
    return FALSE;   /* gone */
  return g_ascii_isdigit (text[0]) && atoi (text) == nr;
}

/* Drops the in-flight calls the kernel has finished; returns the sum of
 * the amounts of those left whose nr is in @nrs. */
static guint64
settle_in_flight (SandlockSupervisor *sv,
                  GArray             *procs,
                  const int          *nrs,
                  guint               n_nrs)
{
  guint64 total = 0;

  for (guint i = 0; i < sv->in_flight->len;)
    {
      SandlockInFlight *call = &g_array_index (sv->in_flight, SandlockInFlight, i);
      gboolean counted = FALSE;
      gboolean done;

      for (guint k = 0; k < n_nrs; k++)
        counted |= call->nr == nrs[k];
      if (!counted)
        {
          i++;
          continue;
        }

      done = !still_in_syscall (call->tid, call->nr);
      /* A vfork parent stays in the call while its child already runs. */
      if (!done && call->children_before != G_MAXUINT)
        done = sandlock_proctree_children (procs, call->tgid) > call->children_before;

      if (done)
        g_array_remove_index_fast (sv->in_flight, i);
      else
        {
          total += call->amount;
          i++;
        }
    }
  return total;
}

static void
add_in_flight (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               pid_t                       tgid,
               guint64                     amount,
               guint                       children_before)
{
  SandlockInFlight call = {
    .tid = req->pid,
    .tgid = tgid,
    .nr = req->data.nr,
    .amount = amount,
    .children_before = children_before,
  };

  /* One thread is in one syscall at a time: an older entry of this
   * thread is finished. */
  for (guint i = 0; i < sv->in_flight->len; i++)
    if ((guint32) g_array_index (sv->in_flight, SandlockInFlight, i).tid == req->pid)
      {
        g_array_remove_index_fast (sv->in_flight, i);
        break;
      }
  g_array_append_val (sv->in_flight, call);
}

/* ---- max_processes ------------------------------------------------------- */

static const int fork_nrs[] = {
  __NR_clone,
#ifdef __NR_fork
  __NR_fork,
#endif
#ifdef __NR_vfork
  __NR_vfork,
#endif
};

static void
on_fork (SandlockSupervisor         *sv,
         const struct seccomp_notif *req,
         struct seccomp_notif_resp  *resp)
{
  GArray *procs = sv->procs;   /* reused: no allocation per call */
  char detail[128];
  guint64 pending;
  guint64 count;
  pid_t tgid;

  if (sv->max_processes < 0)
    {
      sandlock_resp_continue (resp);
      return;
    }

  /* Can't count: deny (fail closed). */
  if (!sandlock_proctree_collect (sv->init_pid, procs) ||
      (tgid = tgid_of (req->pid)) < 0)
    {
      sandlock_resp_deny (resp, EAGAIN);
      sandlock_supervisor_emit (sv, req, "process", "cannot count the sandbox's processes",
                                SANDLOCK_VERDICT_DENY, EAGAIN, "max_processes");
      return;
    }

  pending = settle_in_flight (sv, procs, fork_nrs, G_N_ELEMENTS (fork_nrs));
  count = procs->len + pending;
  g_snprintf (detail, sizeof detail, "%" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT " processes",
              count, sv->max_processes);

  if (count >= (guint64) sv->max_processes)
    {
      sandlock_resp_deny (resp, EAGAIN);
      sandlock_supervisor_emit (sv, req, "process", detail,
                                SANDLOCK_VERDICT_DENY, EAGAIN, "max_processes");
      return;
    }

  add_in_flight (sv, req, tgid, 1, sandlock_proctree_children (procs, tgid));
  sandlock_resp_continue (resp);
  if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, "process", detail, SANDLOCK_VERDICT_ALLOW, 0,
                              "max_processes");
}

/* ---- max_memory ---------------------------------------------------------- */

static const int memory_nrs[] = {
  __NR_mmap, __NR_mprotect, __NR_brk, __NR_mremap,
};

/* Private writable memory (data + stack) of every process, in bytes. */
static gboolean
memory_in_use (SandlockSupervisor *sv,
               GArray             *procs,
               guint64            *bytes)
{
  static long page_size;
  guint64 pages = 0;

  if (page_size == 0)
    page_size = sysconf (_SC_PAGESIZE);

  for (guint i = 0; i < procs->len; i++)
    {
      char statm[256];
      unsigned long fields[6];

      if (sandlock_proc_read (g_array_index (procs, SandlockProc, i).pid, "statm",
                              statm, sizeof statm) < 0)
        continue;   /* exited meanwhile: its memory is free */
      if (sscanf (statm, "%lu %lu %lu %lu %lu %lu", &fields[0], &fields[1], &fields[2],
                  &fields[3], &fields[4], &fields[5]) == 6)
        pages += fields[5];
    }
  *bytes = pages * page_size;
  return TRUE;
}

/* Over the limit the call fails with ENOMEM, except brk(), which fails the
 * kernel's way: by returning the current break (@current_brk), which
 * callers compare with what they asked for. An errno would be taken for
 * the new break. */
static void
charge (SandlockSupervisor         *sv,
        const struct seccomp_notif *req,
        guint64                     amount,
        guint64                     current_brk)
{
  GArray *procs = sv->procs;   /* reused: no allocation per call */
  char detail[128];
  guint64 used = 0;
  guint64 pending;

  if (!sandlock_proctree_collect (sv->init_pid, procs) ||
      !memory_in_use (sv, procs, &used))
    {
      sandlock_resp_deny (sv->resp, ENOMEM);
      return;
    }
  pending = settle_in_flight (sv, procs, memory_nrs, G_N_ELEMENTS (memory_nrs));
  g_snprintf (detail, sizeof detail, "%" G_GUINT64_FORMAT " bytes requested, %" G_GUINT64_FORMAT
              " of %" G_GUINT64_FORMAT " in use", amount, used + pending, sv->max_memory);

  if (amount > sv->max_memory || used + pending > sv->max_memory - amount)
    {
      if (req->data.nr == __NR_brk)
        sandlock_resp_return (sv->resp, current_brk);
      else
        sandlock_resp_deny (sv->resp, ENOMEM);
      sandlock_supervisor_emit (sv, req, "memory", detail, SANDLOCK_VERDICT_DENY, ENOMEM,
                                "max_memory");
      return;
    }

  add_in_flight (sv, req, -1, amount, G_MAXUINT);
  sandlock_resp_continue (sv->resp);
  if (sv->flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_supervisor_emit (sv, req, "memory", detail, SANDLOCK_VERDICT_ALLOW, 0,
                              "max_memory");
}

static void
on_mmap (SandlockSupervisor         *sv,
         const struct seccomp_notif *req,
         struct seccomp_notif_resp  *resp)
{
  guint64 length = req->data.args[1];
  int prot = req->data.args[2];
  int flags = req->data.args[3];

  /* Shared file mappings write back to files; what the kernel counts as
   * this process's data is private and writable. */
  if (!(prot & PROT_WRITE) || (flags & MAP_SHARED && !(flags & MAP_ANONYMOUS)))
    sandlock_resp_continue (resp);
  else
    charge (sv, req, length, 0);
}

static void
on_mprotect (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             struct seccomp_notif_resp  *resp)
{
  /* Reserved (PROT_NONE) memory becomes usable here; charging the whole
   * range only makes this one check stricter if part was writable. */
  if (req->data.args[2] & PROT_WRITE)
    charge (sv, req, req->data.args[1], 0);
  else
    sandlock_resp_continue (resp);
}

static void
on_mremap (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           struct seccomp_notif_resp  *resp)
{
  guint64 old_length = req->data.args[1];
  guint64 new_length = req->data.args[2];

  if (new_length > old_length)
    charge (sv, req, new_length - old_length, 0);
  else
    sandlock_resp_continue (resp);
}

/* Where the heap ends now: the [heap] line of maps, else the brk start. */
static guint64
heap_end (pid_t pid)
{
  g_autofree char *maps = NULL;
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", pid);
  const char *line;
  char stat[1024];
  const char *p;

  if (g_file_get_contents (path, &maps, NULL, NULL) &&
      (line = strstr (maps, "[heap]")) != NULL)
    {
      while (line > maps && line[-1] != '\n')
        line--;
      p = strchr (line, '-');
      return p ? g_ascii_strtoull (p + 1, NULL, 16) : 0;
    }

  /* Field 47 of stat is start_brk; fields after the command name. */
  if (sandlock_proc_read (pid, "stat", stat, sizeof stat) < 0 ||
      (p = strrchr (stat, ')')) == NULL)
    return 0;
  for (int field = 2; field < 47 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  return p ? g_ascii_strtoull (p + 1, NULL, 10) : 0;
}

static void
on_brk (SandlockSupervisor         *sv,
        const struct seccomp_notif *req,
        struct seccomp_notif_resp  *resp)
{
  guint64 wanted = req->data.args[0];
  guint64 end;

  if (wanted == 0 || (end = heap_end (req->pid)) == 0 || wanted <= end)
    sandlock_resp_continue (resp);   /* a query, or shrinking */
  else
    charge (sv, req, wanted - end, end);
}

void
sandlock_sv_limits_install (SandlockSupervisor *sv)
{
  SandlockPolicy *policy = sv->policy;

  /* A policy function may set a process limit later. */
  if (policy->max_processes >= 0 || sv->policy_hook != NULL)
    {
      /* Threads are not processes: clone with CLONE_THREAD passes. */
      sandlock_supervisor_trap (sv, __NR_clone, on_fork, CLONE_THREAD, -1);
#ifdef __NR_fork
      sandlock_supervisor_trap (sv, __NR_fork, on_fork, 0, -1);
#endif
#ifdef __NR_vfork
      sandlock_supervisor_trap (sv, __NR_vfork, on_fork, 0, -1);
#endif
    }

  if (policy->max_memory > 0)
    {
      sandlock_supervisor_trap (sv, __NR_mmap, on_mmap, 0, -1);
      sandlock_supervisor_trap (sv, __NR_mprotect, on_mprotect, 0, -1);
      sandlock_supervisor_trap (sv, __NR_mremap, on_mremap, 0, -1);
      sandlock_supervisor_trap (sv, __NR_brk, on_brk, 0, -1);
    }
}
