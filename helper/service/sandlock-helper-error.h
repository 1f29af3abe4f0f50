/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* org.sandlock.Helper1.Error.*: what D-Bus clients see. */
#define SANDLOCK_HELPER_ERROR (sandlock_helper_error_quark ())

typedef enum {
  SANDLOCK_HELPER_ERROR_INVALID_POLICY,
  SANDLOCK_HELPER_ERROR_NOT_FOUND,
  SANDLOCK_HELPER_ERROR_NOT_ALLOWED,
  SANDLOCK_HELPER_ERROR_FAILED,
  SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
} SandlockHelperError;

GQuark sandlock_helper_error_quark (void);

/* Maps an engine error (SANDLOCK_ERROR) or any other onto ours. */
void   sandlock_helper_return_error (GDBusMethodInvocation *invocation,
                                     const GError          *error);

G_END_DECLS
