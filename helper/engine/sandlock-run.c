/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock.h"

SandlockResult *
sandlock_run (SandlockPolicy      *policy,
              const char * const  *argv,
              double               timeout,
              gboolean             capture,
              GError             **error)
{
  g_autoptr(SandlockSandbox) sandbox = NULL;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  sandbox = sandlock_sandbox_new (policy);
  sandlock_sandbox_set_timeout (sandbox, timeout);
  sandlock_sandbox_set_capture (sandbox, capture);
  if (!sandlock_sandbox_spawn (sandbox, argv, error))
    return NULL;
  return sandlock_sandbox_wait (sandbox, error);
}
