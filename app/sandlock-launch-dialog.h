/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-window.h"

G_BEGIN_DECLS

/* Choose a program, its arguments, a policy and a name, then run it. */
#define SANDLOCK_TYPE_LAUNCH_DIALOG (sandlock_launch_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SandlockLaunchDialog, sandlock_launch_dialog, SANDLOCK, LAUNCH_DIALOG, AdwWindow)

/* Prefilled with @argv (the program and its arguments) when not NULL. */
GtkWidget *sandlock_launch_dialog_new    (SandlockWindow       *parent,
                                          const char * const   *argv);
/* Presses Run (for tests and the --run shortcut). */
void       sandlock_launch_dialog_run    (SandlockLaunchDialog *self);
/* Sets the workdir and turns dry run on (for tests). */
void       sandlock_launch_dialog_set_dry_run (SandlockLaunchDialog *self,
                                               const char           *workdir);

G_END_DECLS
