/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <glib.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452   /* Linux 6.6, older than what sandlock needs */
#endif

/* GLib 2.74 has no g_autofd: this is ours. */
static inline void
sandlock_close_fd (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
      *fd = -1;
    }
}

#define sandlock_autofd __attribute__ ((cleanup (sandlock_close_fd)))

static inline int
sandlock_steal_fd (int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}

/* chmod of @name under @dir_fd that never goes through a symlink (fchmodat
 * with flags 0 follows one swapped in after a check): fails on one. */
static inline int
sandlock_chmod_at (int         dir_fd,
                   const char *name,
                   mode_t      mode)
{
  return syscall (SYS_fchmodat2, dir_fd, name, mode, AT_SYMLINK_NOFOLLOW);
}

/* SO_DOMAIN, SO_TYPE of a socket: -1 when it cannot be read. */
static inline int
sandlock_socket_option (int fd,
                        int name)
{
  int value = -1;
  socklen_t len = sizeof value;

  if (getsockopt (fd, SOL_SOCKET, name, &value, &len) < 0)
    return -1;
  return value;
}
