/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-application.h"

G_BEGIN_DECLS

#define SANDLOCK_TYPE_WINDOW (sandlock_window_get_type ())
G_DECLARE_FINAL_TYPE (SandlockWindow, sandlock_window, SANDLOCK, WINDOW, AdwApplicationWindow)

SandlockWindow      *sandlock_window_new         (SandlockApplication *app);
SandlockApplication *sandlock_window_get_application (SandlockWindow  *self);
/* A transient message at the bottom of the window. */
void                 sandlock_window_toast       (SandlockWindow      *self,
                                                  const char          *message);
/* A lasting problem, shown where the sandboxes would be. */
void                 sandlock_window_show_error  (SandlockWindow      *self,
                                                  const char          *title,
                                                  const char          *detail);
/* Opens the launch dialog, prefilled with @argv (may be NULL). */
void                 sandlock_window_open_launch (SandlockWindow      *self,
                                                  const char * const  *argv);
/* Shows the sandbox at @object_path (once the helper has published it). */
void                 sandlock_window_select      (SandlockWindow      *self,
                                                  const char          *object_path);
/* The sandbox shown now, or NULL. */
SandlockDbusSandbox *sandlock_window_get_selected (SandlockWindow     *self);
/* The detail page called @name ("overview", "output", ...), and showing it. */
GtkWidget           *sandlock_window_get_page     (SandlockWindow     *self,
                                                   const char         *name);
void                 sandlock_window_show_page    (SandlockWindow     *self,
                                                   const char         *name);

G_END_DECLS
