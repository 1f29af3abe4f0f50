/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "sandlock-dbus.h"

G_BEGIN_DECLS

/* One sandbox in the sidebar: name, state, command; follows the sandbox. */
#define SANDLOCK_TYPE_SANDBOX_ROW (sandlock_sandbox_row_get_type ())
G_DECLARE_FINAL_TYPE (SandlockSandboxRow, sandlock_sandbox_row, SANDLOCK, SANDBOX_ROW, GtkWidget)

GtkWidget *sandlock_sandbox_row_new         (void);
void       sandlock_sandbox_row_set_sandbox (SandlockSandboxRow  *self,
                                             SandlockDbusSandbox *sandbox);

/* "Running", "Exited (3)", "Killed (SIGTERM)", ... for people. */
char      *sandlock_sandbox_state_text      (SandlockDbusSandbox *sandbox);
/* A style class for the state: "success", "warning", "error" or NULL. */
const char *sandlock_sandbox_state_style    (SandlockDbusSandbox *sandbox);

G_END_DECLS
