/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-releaser.h"

/* SCM_RIGHTS carries at most 253 descriptors a message. */
#define RELEASE_BATCH 250
#define MAX_TREES     64    /* trees one releaser takes; more are removed in place */
#define MAX_DEPTH     128   /* deeper, the releasing process leaves it to a sweep */

/* What a message hands over: its first byte. */
enum {
  HAND_REFERENCES = 'R',    /* descriptors of files to drop */
  HAND_TREE       = 'T',    /* its parent directory and itself (locked); its name follows */
};

enum {
  NO_PROCESS_YET = -1,
  NO_PROCESS     = -2,   /* it could not be made: files are freed in place */
};

struct _SandlockReleaser {
  GMutex lock;                  /* a commit's threads share one */
  int    sock;                  /* to the releasing process, or one of the above */
  int    batch[RELEASE_BATCH];  /* references not handed over yet */
  guint  n;
  guint  n_trees;
};

/* Removes @name under @dir_fd with all it holds, with system calls only
 * (this runs in the releasing process). Directories are opened up to be
 * emptied: the layer's work directory has mode-000 ones. What cannot be
 * removed stays, for a sweep. */
static void
remove_tree_raw (int         dir_fd,
                 const char *name)
{
  static struct {
    int   fd;
    off_t resume;            /* where to read on from, back from a subdirectory */
    char  name[NAME_MAX + 1];
  } levels[MAX_DEPTH];
  static char entries[16384];
  int depth = 0;

  if (unlinkat (dir_fd, name, 0) == 0 || errno != EISDIR || strlen (name) > NAME_MAX)
    return;
  levels[0].fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (levels[0].fd < 0)
    return;
  levels[0].resume = -1;
  strcpy (levels[0].name, name);
  fchmod (levels[0].fd, 0700);
  for (;;)
    {
      int here = levels[depth].fd;
      gboolean descended = FALSE;
      long n;

      if (levels[depth].resume >= 0)
        lseek (here, levels[depth].resume, SEEK_SET);
      levels[depth].resume = -1;
      n = syscall (SYS_getdents64, here, entries, sizeof entries);
      for (long at = 0; at < n && !descended; )
        {
          struct dirent64 *entry = (struct dirent64 *) (entries + at);
          const char *child_name = entry->d_name;
          int child;

          at += entry->d_reclen;
          if (strcmp (child_name, ".") == 0 || strcmp (child_name, "..") == 0 ||
              unlinkat (here, child_name, 0) == 0 || errno != EISDIR || depth + 1 == MAX_DEPTH)
            continue;
          child = openat (here, child_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (child < 0 && errno == EACCES && sandlock_chmod_at (here, child_name, 0700) == 0)
            child = openat (here, child_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (child < 0)
            continue;
          fchmod (child, 0700);
          levels[depth].resume = entry->d_off;
          depth++;
          levels[depth].fd = child;
          levels[depth].resume = -1;
          strcpy (levels[depth].name, child_name);
          descended = TRUE;
        }
      if (descended || n > 0)
        continue;
      /* Read to its end: it is empty, or holds what cannot go. */
      close (here);
      if (depth == 0)
        break;
      depth--;
      unlinkat (levels[depth].fd, levels[depth + 1].name, AT_REMOVEDIR);
    }
  unlinkat (dir_fd, levels[0].name, AT_REMOVEDIR);
}

/* The releasing process: takes references and trees until the commit
 * closes its end, then removes the trees and ends, and its end drops the
 * references. It runs in a copy of a process that may have had other
 * threads: only system calls here. */
static void G_GNUC_NORETURN
hold_until_closed (int sock)
{
  static struct {
    int  parent;
    char name[NAME_MAX + 1];
  } trees[MAX_TREES];
  guint n_trees = 0;
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
      char data[1 + NAME_MAX + 1], control[CMSG_SPACE (sizeof (int) * RELEASE_BATCH)];
      struct iovec iov = { .iov_base = data, .iov_len = sizeof data - 1 };
      struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof control,
      };
      /* Past the descriptor limit, the kernel drops what it cannot
       * install: those files are freed here and now, which is fine. */
      ssize_t n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
      struct cmsghdr *cmsg = n > 0 ? CMSG_FIRSTHDR (&msg) : NULL;

      if (n == 0 || (n < 0 && errno != EINTR))
        break;
      if (n > 1 && data[0] == HAND_TREE && n_trees < MAX_TREES && cmsg != NULL &&
          cmsg->cmsg_type == SCM_RIGHTS && cmsg->cmsg_len == CMSG_LEN (2 * sizeof (int)))
        {
          data[n] = '\0';
          memcpy (&trees[n_trees].parent, CMSG_DATA (cmsg), sizeof (int));
          memcpy (trees[n_trees].name, data + 1, n);
          n_trees++;
        }
    }
  /* The commit is done: the trees go now. Each stays locked (its own
   * descriptor, received too) until this process ends. */
  for (guint i = 0; i < n_trees; i++)
    remove_tree_raw (trees[i].parent, trees[i].name);
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

/* Made at the first thing worth it: most commits replace nothing. Called
 * with the lock held. */
static gboolean
ensure_process (SandlockReleaser *releaser)
{
  if (releaser->sock == NO_PROCESS_YET)
    {
      int sock = start_process ();
      releaser->sock = sock >= 0 ? sock : NO_PROCESS;
    }
  return releaser->sock >= 0;
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
  running = ensure_process (releaser);
  g_mutex_unlock (&releaser->lock);
  return running ? openat (dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
}

static void
hand_over (SandlockReleaser *releaser)
{
  char data = HAND_REFERENCES, control[CMSG_SPACE (sizeof (int) * RELEASE_BATCH)] = { 0 };
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

static gboolean
send_tree (int         sock,
           int         dir_fd,
           int         tree_fd,
           const char *trash)
{
  char data[1 + NAME_MAX], control[CMSG_SPACE (2 * sizeof (int))] = { 0 };
  size_t len = strlen (trash);
  struct iovec iov = { .iov_base = data, .iov_len = 1 + len };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control, .msg_controllen = sizeof control,
  };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  int fds[2] = { dir_fd, tree_fd };
  ssize_t sent;

  if (len >= NAME_MAX)
    return FALSE;
  data[0] = HAND_TREE;
  memcpy (data + 1, trash, len);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof fds);
  memcpy (CMSG_DATA (cmsg), fds, sizeof fds);
  do
    sent = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  return sent >= 0;
}

gboolean
sandlock_releaser_remove_tree (SandlockReleaser *releaser,
                               int               dir_fd,
                               const char       *name)
{
  g_autofree char *trash = g_strconcat (SANDLOCK_RELEASER_TRASH, name, NULL);
  int tree_fd = -1;
  gboolean handed = FALSE;

  if (releaser == NULL)
    return FALSE;
  g_mutex_lock (&releaser->lock);
  if (releaser->n_trees < MAX_TREES && ensure_process (releaser) &&
      renameat2 (dir_fd, name, dir_fd, trash, RENAME_NOREPLACE) == 0)
    {
      /* Out of sight already: the rest is the releasing process's. Its
       * lock tells a sweep the tree is being removed. */
      tree_fd = openat (dir_fd, trash, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      handed = tree_fd >= 0 && flock (tree_fd, LOCK_EX | LOCK_NB) == 0 &&
               send_tree (releaser->sock, dir_fd, tree_fd, trash);
      if (handed)
        releaser->n_trees++;
      else
        /* Back where it was, for the caller (or, failing that, a sweep). */
        renameat (dir_fd, trash, dir_fd, name);
    }
  g_mutex_unlock (&releaser->lock);
  if (tree_fd >= 0)
    close (tree_fd);
  return handed;
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
