/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct {
  pid_t pid;      /* thread group id */
  pid_t parent;
} SandlockProc;

/*
 * Every descendant process of @root (not @root itself), from /proc: the
 * children of each of its threads, recursively. Pids are those of /proc,
 * which must belong to the caller's PID namespace (see
 * sandlock_proctree_usable). Returns FALSE when /proc cannot be read.
 */
gboolean sandlock_proctree_collect   (pid_t   root,
                                      GArray *procs);
/* How many of @procs have @parent as parent. */
guint    sandlock_proctree_children  (GArray *procs,
                                      pid_t   parent);
/* Is /proc the one of our PID namespace (so its pids are ours)? */
gboolean sandlock_proctree_usable    (void);
/* Reads a small /proc file of @pid into @buffer; its length or -1. */
gssize   sandlock_proc_read          (pid_t       pid,
                                      const char *file,
                                      char       *buffer,
                                      gsize       size);

G_END_DECLS
