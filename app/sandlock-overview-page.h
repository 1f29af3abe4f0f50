/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-page.h"

G_BEGIN_DECLS

/* What a sandbox runs and how it is doing, with Pause, Resume and Stop. */
#define SANDLOCK_TYPE_OVERVIEW_PAGE (sandlock_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (SandlockOverviewPage, sandlock_overview_page, SANDLOCK, OVERVIEW_PAGE, SandlockPage)

G_END_DECLS
