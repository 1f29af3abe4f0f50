/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/stat.h>
#include <glib.h>

/*
 * Frees replaced and deleted files, and removes whole trees, after the
 * fact.
 *
 * Freeing a file can cost far more than removing its name: ext4 mounted
 * with "discard" waits, in the task dropping the file's last reference,
 * for the disk to discard each extent it frees (0.1-0.2 ms a file on this
 * project's test machines). A commit frees the old version of every file
 * it replaces or deletes. A releaser keeps a reference (an O_PATH
 * descriptor) to such a file across the rename or unlink that frees it,
 * and hands it to a process of its own that drops them all once the
 * commit is done: names change as they would without it, and the space
 * comes back a moment after the commit returns instead of during it.
 * Where that process cannot be made, files are freed as they would be
 * without a releaser.
 */
typedef struct _SandlockReleaser SandlockReleaser;

SandlockReleaser *sandlock_releaser_new     (void);
/* A reference to @name (whose status is @st) when dropping its last one
 * frees data, else -1. */
int               sandlock_releaser_hold    (SandlockReleaser  *releaser,
                                             int                dir_fd,
                                             const char        *name,
                                             const struct stat *st);
/* After the rename or unlink: @fd (from _hold(), or -1) goes to the
 * releasing process. Keeps errno. */
void              sandlock_releaser_release (SandlockReleaser  *releaser,
                                             int                fd);
/* Trees handed over are renamed to this prefix and their name first. */
#define SANDLOCK_RELEASER_TRASH ".trash-"

/* Renames the directory @name under @dir_fd out of sight (see above) and
 * hands it over: it is removed, with all it holds, once the releaser is
 * freed. The renamed tree stays locked (flock) until it is gone: one left
 * unlocked was left behind (its process was killed) and is the caller's
 * to sweep. FALSE when it cannot be handed over: nothing was done. */
gboolean          sandlock_releaser_remove_tree (SandlockReleaser *releaser,
                                                 int               dir_fd,
                                                 const char       *name);
/* Hands over what is left and lets the releasing process go: it frees
 * the files, removes the trees and ends on its own. Does not wait. */
void              sandlock_releaser_free    (SandlockReleaser  *releaser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockReleaser, sandlock_releaser_free)
