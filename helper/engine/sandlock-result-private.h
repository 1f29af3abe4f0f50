/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock.h"

G_BEGIN_DECLS

struct _SandlockResult {
  int      exit_code;       /* -1 when killed by a signal */
  int      signal;
  gboolean timed_out;
  guint64  elapsed_ns;
  GBytes  *stdout_bytes;
  GBytes  *stderr_bytes;
};

G_END_DECLS
