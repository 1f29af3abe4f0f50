/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-page.h"

G_BEGIN_DECLS

/* A sandbox's remapped ports (virtual → real), live, each with Copy and
 * Open in Browser. */
#define SANDLOCK_TYPE_PORTS_PAGE (sandlock_ports_page_get_type ())
G_DECLARE_FINAL_TYPE (SandlockPortsPage, sandlock_ports_page, SANDLOCK, PORTS_PAGE, SandlockPage)

G_END_DECLS
