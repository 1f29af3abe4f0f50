/* SPDX-License-Identifier: Apache-2.0 */
/*
 * random_seed: getrandom() and opens of /dev/urandom and /dev/random get
 * bytes from one stream seeded by the policy (xoshiro256**, seeded through
 * splitmix64), so a program that draws its randomness in the same order
 * sees the same bytes on every run.
 *
 * The opens are matched on the path as written; a match is answered with
 * a file of ours, never passed on, so a racing write to the path can only
 * change which bytes the program reads, never what it may open. Reads past
 * STREAM_FILE_SIZE of such a file see end of file.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

#define STREAM_FILE_SIZE (256 * 1024)
#define CHUNK 4096

struct _SandlockRandom {
  guint64 s[4];
};

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
next (SandlockRandom *r)
{
  guint64 result = rotl (r->s[1] * 5, 7) * 9;
  guint64 t = r->s[1] << 17;

  r->s[2] ^= r->s[0];
  r->s[3] ^= r->s[1];
  r->s[1] ^= r->s[2];
  r->s[0] ^= r->s[3];
  r->s[2] ^= t;
  r->s[3] = rotl (r->s[3], 45);
  return result;
}

SandlockRandom *
sandlock_random_new (guint64 seed)
{
  SandlockRandom *r = g_new0 (SandlockRandom, 1);

  for (guint i = 0; i < G_N_ELEMENTS (r->s); i++)
    r->s[i] = splitmix64 (&seed);
  return r;
}

void
sandlock_random_free (SandlockRandom *r)
{
  g_free (r);
}

static void
fill (SandlockRandom *r,
      guint8         *buffer,
      gsize           length)
{
  for (gsize i = 0; i < length; i += sizeof (guint64))
    {
      guint64 value = next (r);
      memcpy (buffer + i, &value, MIN (sizeof value, length - i));
    }
}

static void
on_getrandom (SandlockSupervisor         *sv,
              const struct seccomp_notif *req,
              struct seccomp_notif_resp  *resp)
{
  guint64 address = req->data.args[0];
  gsize length = MIN (req->data.args[1], (guint64) G_MAXINT32);
  guint8 chunk[CHUNK];
  gsize done = 0;

  /* Checked first: a dead caller's pid may be another process's now. */
  while (done < length && sandlock_supervisor_id_valid (sv, req))
    {
      gsize n = MIN (length - done, sizeof chunk);
      struct iovec local = { chunk, n };
      struct iovec remote = { (void *) (guintptr) (address + done), n };
      ssize_t written;

      fill (sv->random, chunk, n);
      written = process_vm_writev (req->pid, &local, 1, &remote, 1, 0);
      if (written <= 0)
        break;
      done += written;
    }

  if (done == 0 && length > 0)
    sandlock_resp_deny (resp, EFAULT);
  else
    sandlock_resp_return (resp, done);
}

/* Only where the policy lets the program read the device itself. */
static gboolean
is_random_device (SandlockSupervisor *sv,
                  const char         *path)
{
  g_autofree char *clean = NULL;

  if (path[0] != '/')
    return FALSE;   /* relative spellings reach the real device */
  clean = g_canonicalize_filename (path, "/");
  return (g_str_equal (clean, "/dev/urandom") || g_str_equal (clean, "/dev/random")) &&
         sandlock_sv_path_granted (sv, clean, FALSE);
}

/* Returns TRUE when it answered the call (the caller must not). */
gboolean
sandlock_sv_random_open (SandlockSupervisor         *sv,
                         const struct seccomp_notif *req,
                         struct seccomp_notif_resp  *resp,
                         const char                 *path,
                         int                         flags)
{
  g_autofree guint8 *bytes = NULL;

  if (sv->random == NULL || !is_random_device (sv, path))
    return FALSE;
  if ((flags & O_ACCMODE) != O_RDONLY)
    return FALSE;   /* writing to the device: the kernel decides */

  bytes = g_malloc (STREAM_FILE_SIZE);
  fill (sv->random, bytes, STREAM_FILE_SIZE);
  sandlock_supervisor_answer_file (sv, req, resp, bytes, STREAM_FILE_SIZE, flags);
  return TRUE;
}

void
sandlock_sv_random_install (SandlockSupervisor *sv)
{
  if (!sv->policy->has_random_seed)
    return;
  sv->random = sandlock_random_new (sv->policy->random_seed);
  sandlock_supervisor_trap (sv, __NR_getrandom, on_getrandom, 0, -1);
}
