/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/*
 * A copy-on-write layer over a workdir: STORAGE/ID holds "upper" and
 * "work" (the OverlayFS directories) and "workdir" (the path it covers).
 * The sandbox mounts an overlay of upper over the workdir in its own
 * mount namespace; what it writes stays in upper until a commit applies
 * it to the workdir.
 */
typedef struct {
  char *id;
  char *dir;           /* STORAGE/ID */
  char *upper;
  char *work;
  char *workdir;
  char *mount_options; /* for mount(2): lowerdir=...,upperdir=...,workdir=... */
  char *storage;
  int   lock_fd;       /* held while the sandbox runs */
  gboolean finished;  /* sandlock_layer_finish() ran; else freeing discards */
  int   live_fd;       /* max_disk: the tmpfs holding upper and work while
                          the sandbox runs, -1 when they are on disk */
} SandlockLayer;

/* Creates a new layer for @workdir under @storage (NULL = default). */
SandlockLayer *sandlock_layer_create (const char  *storage,
                                      const char  *workdir,
                                      GError     **error);
void           sandlock_layer_free   (SandlockLayer *layer);
/* Releases the layer and commits, discards or keeps its changes. */
gboolean       sandlock_layer_finish (SandlockLayer  *layer,
                                      SandlockAction  action,
                                      GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockLayer, sandlock_layer_free)

G_END_DECLS
