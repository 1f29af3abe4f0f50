/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a path differs from the workdir, as Sandbox.GetChanges says. */
typedef enum {
  SANDLOCK_CHANGE_ADDED,
  SANDLOCK_CHANGE_MODIFIED,
  SANDLOCK_CHANGE_DELETED,
} SandlockChangeKind;

#define SANDLOCK_TYPE_CHANGE_KIND (sandlock_change_kind_get_type ())
GType sandlock_change_kind_get_type (void);

/* No size: the path did not exist before (added) or after (deleted). */
#define SANDLOCK_CHANGE_NO_SIZE G_MAXUINT64

/* One changed path of a sandbox's workdir, and whether the person picked
 * it for a commit. */
#define SANDLOCK_TYPE_CHANGE (sandlock_change_get_type ())
G_DECLARE_FINAL_TYPE (SandlockChange, sandlock_change, SANDLOCK, CHANGE, GObject)

SandlockChange     *sandlock_change_new             (SandlockChangeKind  kind,
                                                     const char         *path,
                                                     guint64             size_before,
                                                     guint64             size_after);
SandlockChangeKind  sandlock_change_get_kind        (SandlockChange     *self);
const char         *sandlock_change_get_path        (SandlockChange     *self);
guint64             sandlock_change_get_size_before (SandlockChange     *self);
guint64             sandlock_change_get_size_after  (SandlockChange     *self);
gboolean            sandlock_change_get_selected    (SandlockChange     *self);
void                sandlock_change_set_selected    (SandlockChange     *self,
                                                     gboolean            selected);

/* "1.2 kB → 3.4 kB"; one size for added and deleted paths. */
char               *sandlock_change_format_sizes    (SandlockChange     *self);

/* "A", "M" or "D". */
const char         *sandlock_change_kind_letter     (SandlockChangeKind  kind);
/* "Added", "Modified" or "Deleted", translated. */
const char         *sandlock_change_kind_text       (SandlockChangeKind  kind);
/* The style class that colours the kind: "added", "modified", "deleted". */
const char         *sandlock_change_kind_style      (SandlockChangeKind  kind);

/* A GListStore of SandlockChange from GetChanges' a(sstt), in its order.
 * Fails on a kind other than "A", "M" or "D", or an empty or absolute path. */
GListStore         *sandlock_change_list_new_from_variant (GVariant    *changes,
                                                           GError     **error);
/* The paths of the selected changes of @changes, in order, for Commit. */
GStrv               sandlock_change_list_get_selected_paths (GListModel *changes);
/* How many changes of @changes are selected. */
guint               sandlock_change_list_count_selected     (GListModel *changes);
/* Selects or unselects every change of @changes. */
void                sandlock_change_list_select_all         (GListModel *changes,
                                                             gboolean    selected);

G_END_DECLS
