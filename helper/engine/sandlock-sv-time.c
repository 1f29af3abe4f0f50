/* SPDX-License-Identifier: Apache-2.0 */
/*
 * time_start: the sandbox's realtime clock starts at the policy's instant
 * and runs on from there.
 *
 * Programs read the time through the vDSO, without entering the kernel, so
 * there is nothing to trap: the supervisor rewrites, in each new program
 * image, the vDSO's clock entry points into stubs that make the real
 * system call, which it then answers. The image is patched at the first
 * of the calls every program makes early (arch_prctl, set_tid_address,
 * set_robust_list, rseq), before its own code runs; forks inherit the
 * patched page. Monotonic clocks are left alone.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-proctree.h"
#include "sandlock-supervisor-private.h"

/* The vDSO's clock functions, and the stub that replaces each. */
typedef struct {
  const char *symbol;
  guint8      stub[16];
  gsize       stub_length;
} Patch;

#if defined(__x86_64__)
static const Patch patches[] = {
  /* mov eax, NR; syscall; ret */
  { "__vdso_clock_gettime", { 0xb8, 0xe4, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3 }, 8 },
  { "__vdso_gettimeofday",  { 0xb8, 0x60, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3 }, 8 },
  { "__vdso_time",          { 0xb8, 0xc9, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3 }, 8 },
};
#elif defined(__aarch64__)
static const Patch patches[] = {
  /* mov x8, #NR; svc #0; ret */
  { "__kernel_clock_gettime", { 0x28, 0x0e, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4,
                                0xc0, 0x03, 0x5f, 0xd6 }, 12 },
  { "__kernel_gettimeofday",  { 0x28, 0x15, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4,
                                0xc0, 0x03, 0x5f, 0xd6 }, 12 },
};
#endif

struct _SandlockClock {
  gint64 offset_ns;                          /* added to CLOCK_REALTIME */
  gsize  offsets[G_N_ELEMENTS (patches)];    /* in the vDSO; 0 = absent */
};

/* Where each function lies in the vDSO: ours is the same image the kernel
 * maps into every process, only elsewhere. */
static void
find_vdso_functions (SandlockClock *clock)
{
  const guint8 *base = (const guint8 *) getauxval (AT_SYSINFO_EHDR);
  const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *) base;
  const Elf64_Shdr *sections;
  guint64 load_vaddr = G_MAXUINT64;

  if (base == NULL)
    return;
  for (int i = 0; i < ehdr->e_phnum; i++)
    {
      const Elf64_Phdr *ph = (const Elf64_Phdr *) (base + ehdr->e_phoff) + i;
      if (ph->p_type == PT_LOAD)
        load_vaddr = MIN (load_vaddr, ph->p_vaddr);
    }
  sections = (const Elf64_Shdr *) (base + ehdr->e_shoff);
  for (int i = 0; i < ehdr->e_shnum; i++)
    {
      const Elf64_Shdr *sh = &sections[i];
      const Elf64_Sym *symbols;
      const char *names;

      if (sh->sh_type != SHT_DYNSYM)
        continue;
      symbols = (const Elf64_Sym *) (base + sh->sh_offset);
      names = (const char *) base + sections[sh->sh_link].sh_offset;
      for (gsize s = 0; s < sh->sh_size / sizeof (Elf64_Sym); s++)
        for (guint p = 0; p < G_N_ELEMENTS (patches); p++)
          if (g_str_equal (names + symbols[s].st_name, patches[p].symbol))
            clock->offsets[p] = symbols[s].st_value - load_vaddr;
    }
}

SandlockClock *
sandlock_clock_new (const char  *time_start,
                    GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (time_start, utc);
  SandlockClock *clock;
  struct timespec now;

  if (start == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "time_start: \"%s\" is not an ISO 8601 time", time_start);
      return NULL;
    }
  clock = g_new0 (SandlockClock, 1);
  clock_gettime (CLOCK_REALTIME, &now);
  clock->offset_ns = g_date_time_to_unix (start) * G_GINT64_CONSTANT (1000000000) +
                     g_date_time_get_microsecond (start) * 1000 -
                     ((gint64) now.tv_sec * G_GINT64_CONSTANT (1000000000) + now.tv_nsec);
  find_vdso_functions (clock);
  return clock;
}

void
sandlock_clock_free (SandlockClock *clock)
{
  g_free (clock);
}

/* The start of the caller's vDSO, from its auxiliary vector. */
static guint64
vdso_base (pid_t pid)
{
  guint64 auxv[128];
  char file[32];
  sandlock_autofd int fd = -1;
  ssize_t n;

  g_snprintf (file, sizeof file, "/proc/%d/auxv", pid);
  fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || (n = read (fd, auxv, sizeof auxv)) <= 0)
    return 0;
  for (gsize i = 0; i + 1 < (gsize) n / sizeof (guint64); i += 2)
    if (auxv[i] == AT_SYSINFO_EHDR)
      return auxv[i + 1];
  return 0;
}

/* Rewrites the caller's vDSO clock functions, unless done already. Writes
 * through /proc/PID/mem, which may write read-only pages (the page becomes
 * the process's own copy). Returns FALSE when it could not. */
static gboolean
patch_vdso (SandlockSupervisor         *sv,
            const struct seccomp_notif *req)
{
  g_autofree char *mem_path = g_strdup_printf ("/proc/%d/mem", req->pid);
  sandlock_autofd int mem = -1;
  guint64 base = vdso_base (req->pid);

  if (base == 0)
    return TRUE;   /* no vDSO: every clock read is a system call already */
  for (guint p = 0; p < G_N_ELEMENTS (patches); p++)
    {
      guint8 current[16];

      if (sv->clock->offsets[p] == 0)
        continue;
      if (mem < 0 && (mem = open (mem_path, O_RDWR | O_CLOEXEC)) < 0)
        return FALSE;
      if (pread (mem, current, patches[p].stub_length, base + sv->clock->offsets[p]) !=
          (ssize_t) patches[p].stub_length)
        return FALSE;
      if (memcmp (current, patches[p].stub, patches[p].stub_length) == 0)
        continue;
      if (pwrite (mem, patches[p].stub, patches[p].stub_length, base + sv->clock->offsets[p]) !=
          (ssize_t) patches[p].stub_length)
        return FALSE;
    }
  return TRUE;
}

/* An early call of a new program image: patch it, let the call go. */
static void
on_early_call (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               struct seccomp_notif_resp  *resp)
{
  if (patch_vdso (sv, req))
    sandlock_resp_continue (resp);
  else
    {
      /* An unpatched clock would show the real time: stop the program
       * rather than let it run with it. */
      sandlock_resp_deny (resp, EPERM);
      sandlock_supervisor_emit (sv, req, "process", "cannot patch the vDSO clock",
                                SANDLOCK_VERDICT_DENY, EPERM, "time_start");
    }
}

static gboolean
is_realtime (clockid_t id)
{
  return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI ||
         id == CLOCK_REALTIME_ALARM;
}

static void
shifted_now (SandlockSupervisor *sv,
             clockid_t           id,
             struct timespec    *ts)
{
  gint64 ns;

  clock_gettime (id, ts);
  ns = (gint64) ts->tv_sec * G_GINT64_CONSTANT (1000000000) + ts->tv_nsec + sv->clock->offset_ns;
  ts->tv_sec = ns / G_GINT64_CONSTANT (1000000000);
  ts->tv_nsec = ns % G_GINT64_CONSTANT (1000000000);
  if (ts->tv_nsec < 0)
    {
      ts->tv_sec--;
      ts->tv_nsec += 1000000000;
    }
}

static gboolean
write_out (SandlockSupervisor         *sv,
           const struct seccomp_notif *req,
           guint64                     address,
           const void                 *data,
           gsize                       length)
{
  return sandlock_supervisor_write (sv, req, address, data, length);
}

static void
on_clock_gettime (SandlockSupervisor         *sv,
                  const struct seccomp_notif *req,
                  struct seccomp_notif_resp  *resp)
{
  clockid_t id = (clockid_t) req->data.args[0];
  struct timespec ts;

  if (!is_realtime (id))
    {
      sandlock_resp_continue (resp);
      return;
    }
  shifted_now (sv, id == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : id, &ts);
  if (write_out (sv, req, req->data.args[1], &ts, sizeof ts))
    sandlock_resp_return (resp, 0);
  else
    sandlock_resp_deny (resp, EFAULT);
}

static void
on_gettimeofday (SandlockSupervisor         *sv,
                 const struct seccomp_notif *req,
                 struct seccomp_notif_resp  *resp)
{
  struct timespec ts;
  struct timeval tv;
  struct timezone tz = { 0, 0 };

  shifted_now (sv, CLOCK_REALTIME, &ts);
  tv.tv_sec = ts.tv_sec;
  tv.tv_usec = ts.tv_nsec / 1000;
  if ((req->data.args[0] != 0 && !write_out (sv, req, req->data.args[0], &tv, sizeof tv)) ||
      (req->data.args[1] != 0 && !write_out (sv, req, req->data.args[1], &tz, sizeof tz)))
    sandlock_resp_deny (resp, EFAULT);
  else
    sandlock_resp_return (resp, 0);
}

#ifdef __NR_time
static void
on_time (SandlockSupervisor         *sv,
         const struct seccomp_notif *req,
         struct seccomp_notif_resp  *resp)
{
  struct timespec ts;
  gint64 seconds;

  shifted_now (sv, CLOCK_REALTIME, &ts);
  seconds = ts.tv_sec;
  if (req->data.args[0] != 0 &&
      !write_out (sv, req, req->data.args[0], &seconds, sizeof seconds))
    sandlock_resp_deny (resp, EFAULT);
  else
    sandlock_resp_return (resp, seconds);
}
#endif

gboolean
sandlock_sv_time_install (SandlockSupervisor  *sv,
                          GError             **error)
{
  static const int early[] = {
#ifdef __NR_arch_prctl
    __NR_arch_prctl,
#endif
    __NR_set_tid_address, __NR_set_robust_list, __NR_rseq,
  };

  if (sv->policy->time_start == NULL)
    return TRUE;
  sv->clock = sandlock_clock_new (sv->policy->time_start, error);
  if (sv->clock == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (early); i++)
    sandlock_supervisor_trap (sv, early[i], on_early_call, 0, -1);
  sandlock_supervisor_trap (sv, __NR_clock_gettime, on_clock_gettime, 0, -1);
  sandlock_supervisor_trap (sv, __NR_gettimeofday, on_gettimeofday, 0, -1);
#ifdef __NR_time
  sandlock_supervisor_trap (sv, __NR_time, on_time, 0, -1);
#endif
  return TRUE;
}
