/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-releaser.h"

/* SCM_RIGHTS carries at most 253 descriptors a message. */
#define RELEASE_BATCH 250

enum {
  NO_PROCESS_YET = -1,
  NO_PROCESS     = -2,   /* it could not be made: files are freed in place */
};

struct _SandlockReleaser {
  GMutex lock;                  /* a commit's threads share one */
  int    sock;                  /* to the releasing process, or one of the above */
  int    batch[RELEASE_BATCH];  /* references not handed over yet */
  guint  n;
};

/* The releasing process: takes references until the commit closes its
 * end, then ends, and its end drops them all. It runs in a copy of a
 * process that may have had other threads: only system calls here. */
static void G_GNUC_NORETURN
hold_until_closed (int sock)
{
  struct rlimit limit;

  /* None of the caller's files stay open here: not its layer's lock, not
   * a pipe its own caller waits to see closed. */
  if (sock > 0)
    close_range (0, sock - 1, 0);
  close_range (sock + 1, ~0U, 0);
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  for (;;)
    {
      char data, control[CMSG_SPACE (sizeof (int) * RELEASE_BATCH)];
      struct iovec iov = { .iov_base = &data, .iov_len = 1 };
      struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof control,
      };
      /* Past the descriptor limit, the kernel drops what it cannot
       * install: those files are freed here and now, which is fine. */
      ssize_t n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);

      if (n == 0 || (n < 0 && errno != EINTR))
        break;
    }
  _exit (0);
}

/* Starts the releasing process, detached (a grandchild: nobody has to
 * wait for it). Returns the socket to it, or -1. */
static int
start_process (void)
{
  int pair[2], status;
  pid_t child;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return -1;
  child = _Fork ();
  if (child == 0)
    {
      pid_t grandchild = _Fork ();

      if (grandchild == 0)
        hold_until_closed (pair[1]);
      _exit (grandchild < 0);
    }
  close (pair[1]);
  while (child > 0 && waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (child < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      close (pair[0]);
      return -1;
    }
  return pair[0];
}

SandlockReleaser *
sandlock_releaser_new (void)
{
  SandlockReleaser *releaser = g_new0 (SandlockReleaser, 1);

  g_mutex_init (&releaser->lock);
  releaser->sock = NO_PROCESS_YET;
  return releaser;
}

int
sandlock_releaser_hold (SandlockReleaser  *releaser,
                        int                dir_fd,
                        const char        *name,
                        const struct stat *st)
{
  gboolean running;

  if (releaser == NULL || !S_ISREG (st->st_mode) || st->st_nlink != 1 || st->st_blocks == 0)
    return -1;
  g_mutex_lock (&releaser->lock);
  /* Made at the first file worth it: most commits replace none. */
  if (releaser->sock == NO_PROCESS_YET)
    {
      int sock = start_process ();
      releaser->sock = sock >= 0 ? sock : NO_PROCESS;
    }
  running = releaser->sock >= 0;
  g_mutex_unlock (&releaser->lock);
  return running ? openat (dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
}

static void
hand_over (SandlockReleaser *releaser)
{
  char data = 0, control[CMSG_SPACE (sizeof (int) * RELEASE_BATCH)] = { 0 };
  struct iovec iov = { .iov_base = &data, .iov_len = 1 };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control, .msg_controllen = CMSG_SPACE (sizeof (int) * releaser->n),
  };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  ssize_t sent;

  if (releaser->n == 0)
    return;
  if (releaser->sock < 0)
    goto drop;
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int) * releaser->n);
  memcpy (CMSG_DATA (cmsg), releaser->batch, sizeof (int) * releaser->n);
  do
    sent = sendmsg (releaser->sock, &msg, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  if (sent < 0)
    {
      /* Gone, or too many references in flight: freed here from now on. */
      close (releaser->sock);
      releaser->sock = NO_PROCESS;
    }
drop:
  /* Ours go; the process holds its own (or, if it could not, these were
   * the last and the files are freed now). */
  for (guint i = 0; i < releaser->n; i++)
    close (releaser->batch[i]);
  releaser->n = 0;
}

void
sandlock_releaser_release (SandlockReleaser *releaser,
                           int               fd)
{
  int saved = errno;

  if (fd < 0)
    return;
  g_mutex_lock (&releaser->lock);
  releaser->batch[releaser->n++] = fd;
  if (releaser->n == RELEASE_BATCH)
    hand_over (releaser);
  g_mutex_unlock (&releaser->lock);
  errno = saved;
}

void
sandlock_releaser_free (SandlockReleaser *releaser)
{
  if (releaser == NULL)
    return;
  if (releaser->sock >= 0)
    {
      hand_over (releaser);
      if (releaser->sock >= 0)
        close (releaser->sock);
    }
  g_mutex_clear (&releaser->lock);
  g_free (releaser);
}
