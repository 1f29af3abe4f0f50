/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-application.h"

G_BEGIN_DECLS

#define SANDLOCK_TYPE_NOTIFIER (sandlock_notifier_get_type ())
G_DECLARE_FINAL_TYPE (SandlockNotifier, sandlock_notifier, SANDLOCK, NOTIFIER, GObject)

/* Sends a notification when a sandbox of @app's list ends or is first
 * denied something while no window of @app has the focus. */
SandlockNotifier *sandlock_notifier_new (SandlockApplication *app);

G_END_DECLS
