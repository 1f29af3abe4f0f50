/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-page.h"

G_BEGIN_DECLS

/* A sandbox's stdout and stderr as they arrive (stderr marked), bounded. */
#define SANDLOCK_TYPE_OUTPUT_PAGE (sandlock_output_page_get_type ())
G_DECLARE_FINAL_TYPE (SandlockOutputPage, sandlock_output_page, SANDLOCK, OUTPUT_PAGE, SandlockPage)

/* The text shown (for tests). */
char *sandlock_output_page_get_text (SandlockOutputPage *self);

G_END_DECLS
