/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <errno.h>
#include <unistd.h>
#include <glib.h>

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
