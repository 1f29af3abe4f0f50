/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <sandlock.h>

#include "sandlock-helper-error.h"

static const GDBusErrorEntry error_entries[] = {
  { SANDLOCK_HELPER_ERROR_INVALID_POLICY,   "org.sandlock.Helper1.Error.InvalidPolicy" },
  { SANDLOCK_HELPER_ERROR_NOT_FOUND,        "org.sandlock.Helper1.Error.NotFound" },
  { SANDLOCK_HELPER_ERROR_NOT_ALLOWED,      "org.sandlock.Helper1.Error.NotAllowed" },
  { SANDLOCK_HELPER_ERROR_FAILED,           "org.sandlock.Helper1.Error.Failed" },
  { SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT, "org.sandlock.Helper1.Error.InvalidArgument" },
};

GQuark
sandlock_helper_error_quark (void)
{
  static gsize quark;

  g_dbus_error_register_error_domain ("sandlock-helper-error-quark", &quark,
                                      error_entries, G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

static SandlockHelperError
from_engine (int code)
{
  switch (code)
    {
    case SANDLOCK_ERROR_INVALID_POLICY:
    case SANDLOCK_ERROR_UNSUPPORTED:
      return SANDLOCK_HELPER_ERROR_INVALID_POLICY;
    case SANDLOCK_ERROR_NOT_FOUND:
      return SANDLOCK_HELPER_ERROR_NOT_FOUND;
    default:
      return SANDLOCK_HELPER_ERROR_FAILED;
    }
}

void
sandlock_helper_return_error (GDBusMethodInvocation *invocation,
                              const GError          *error)
{
  if (error->domain == SANDLOCK_HELPER_ERROR)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else if (error->domain == SANDLOCK_ERROR)
    g_dbus_method_invocation_return_error_literal (invocation, SANDLOCK_HELPER_ERROR,
                                                   from_engine (error->code),
                                                   error->message);
  else
    g_dbus_method_invocation_return_error_literal (invocation, SANDLOCK_HELPER_ERROR,
                                                   SANDLOCK_HELPER_ERROR_FAILED,
                                                   error->message);
}
