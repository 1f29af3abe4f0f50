/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-dbus.h"

G_BEGIN_DECLS

#define SANDLOCK_TYPE_APPLICATION (sandlock_application_get_type ())
G_DECLARE_FINAL_TYPE (SandlockApplication, sandlock_application, SANDLOCK, APPLICATION, AdwApplication)

typedef struct _SandlockWindow SandlockWindow;

SandlockApplication *sandlock_application_new          (void);
/* The helper's manager and its sandboxes (NULL until connected). */
SandlockDbusManager *sandlock_application_get_manager  (SandlockApplication *self);
GListModel          *sandlock_application_get_sandboxes (SandlockApplication *self);
/* The main window, made if there is none (not simply the active window:
 * the audit log is a window of the application too). */
SandlockWindow      *sandlock_application_get_main_window (SandlockApplication *self);

G_END_DECLS
