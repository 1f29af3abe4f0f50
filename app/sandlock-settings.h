/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The app's settings (org.sandlock.Sandlock), or NULL when the schema is
 * not installed (running from the build tree without
 * GSETTINGS_SCHEMA_DIR). */
GSettings *sandlock_settings_new (void);

G_END_DECLS
