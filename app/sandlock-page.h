/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-dbus.h"

G_BEGIN_DECLS

/*
 * A detail page of the main window: shows one sandbox, set through the
 * "sandbox" property (the window sets it on every page).
 */
#define SANDLOCK_TYPE_PAGE (sandlock_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (SandlockPage, sandlock_page, SANDLOCK, PAGE, AdwBin)

struct _SandlockPageClass {
  AdwBinClass parent_class;

  /* Show @sandbox instead (NULL: none); called only when it changes. */
  void (*set_sandbox) (SandlockPage        *self,
                       SandlockDbusSandbox *sandbox);
};

SandlockDbusSandbox *sandlock_page_get_sandbox (SandlockPage        *self);
void                 sandlock_page_set_sandbox (SandlockPage        *self,
                                                SandlockDbusSandbox *sandbox);
/* A toast in the window the page is in; FALSE when it is in none. */
gboolean             sandlock_page_toast       (SandlockPage        *self,
                                                const char          *message);
/* "WHAT: the error's message" as a toast (the log without a window);
 * nothing when @error is NULL. */
void                 sandlock_page_report      (SandlockPage        *self,
                                                const char          *what,
                                                GError              *error);

G_END_DECLS
