/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-page.h"

G_BEGIN_DECLS

/* An ended sandbox's kept workdir changes (dry run or on_exit "keep"):
 * which paths were added, modified or deleted, the diff of each, and
 * Commit Selected, Commit All and Discard. */
#define SANDLOCK_TYPE_CHANGES_PAGE (sandlock_changes_page_get_type ())
G_DECLARE_FINAL_TYPE (SandlockChangesPage, sandlock_changes_page, SANDLOCK, CHANGES_PAGE, SandlockPage)

G_END_DECLS
