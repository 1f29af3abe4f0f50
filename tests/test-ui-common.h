/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-application.h"
#include "sandlock-window.h"

G_BEGIN_DECLS

/* What the UI tests share: the app on a private bus under Xvfb. */

/* A private bus whose service dir activates the helper from the build
 * tree, with the XDG directories in a fresh temporary directory. */
void            tu_start_bus     (void);
/* The app, registered and activated; its main window. */
SandlockWindow *tu_start_app     (SandlockApplication **app);

/* Runs the main loop until @done says so (at most 30 s, else fails). */
void            tu_iterate_until (gboolean  (*done) (gpointer),
                                  gpointer    data);
void            tu_iterate_for   (int         milliseconds);
/* @widget's window as drawn, to $SANDLOCK_SCREENSHOTS/@name.png. */
void            tu_screenshot    (GtkWidget  *widget,
                                  const char *name);
/* The first widget of @type at or below @widget. */
GtkWidget      *tu_find          (GtkWidget  *widget,
                                  GType       type);

G_END_DECLS
