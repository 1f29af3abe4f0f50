/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock.h"

G_DEFINE_QUARK (sandlock-error-quark, sandlock_error)

int
sandlock_error_exit_status (const GError *error)
{
  if (error == NULL || error->domain != SANDLOCK_ERROR)
    return SANDLOCK_EXIT_SETUP;

  switch ((SandlockError) error->code)
    {
    case SANDLOCK_ERROR_INVALID_POLICY:
    case SANDLOCK_ERROR_UNSUPPORTED:
      return SANDLOCK_EXIT_USAGE;
    case SANDLOCK_ERROR_NOT_FOUND:
      return SANDLOCK_EXIT_NOT_FOUND;
    case SANDLOCK_ERROR_NOT_EXECUTABLE:
      return SANDLOCK_EXIT_NOT_EXECUTABLE;
    case SANDLOCK_ERROR_KERNEL:
    case SANDLOCK_ERROR_SETUP:
    case SANDLOCK_ERROR_FAILED:
    default:
      return SANDLOCK_EXIT_SETUP;
    }
}
