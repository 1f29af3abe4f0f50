/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock-result-private.h"

void
sandlock_result_free (SandlockResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&result->stderr_bytes, g_bytes_unref);
  g_free (result);
}

int
sandlock_result_get_exit_code (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, -1);
  return result->exit_code;
}

int
sandlock_result_get_signal (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, 0);
  return result->signal;
}

gboolean
sandlock_result_get_timed_out (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->timed_out;
}

guint64
sandlock_result_get_elapsed_ns (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, 0);
  return result->elapsed_ns;
}

int
sandlock_result_get_status (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, SANDLOCK_EXIT_SETUP);
  if (result->timed_out)
    return SANDLOCK_EXIT_TIMEOUT;
  if (result->signal > 0)
    return 128 + result->signal;
  return result->exit_code;
}

GBytes *
sandlock_result_get_stdout (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->stdout_bytes;
}

GBytes *
sandlock_result_get_stderr (SandlockResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->stderr_bytes;
}
