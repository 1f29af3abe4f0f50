/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The bus peers that call the helper: each is checked once (a process
 * inside a sandbox is refused) and followed until it leaves the bus, so
 * its sandboxes can be killed and the helper can tell when it is idle.
 */
typedef struct _SandlockHelperClients SandlockHelperClients;

/* Called when a peer that called us has left the bus. */
typedef void (*SandlockHelperClientGone) (const char *unique_name,
                                          gpointer    user_data);

SandlockHelperClients *sandlock_helper_clients_new  (GDBusConnection          *connection,
                                                     SandlockHelperClientGone  gone,
                                                     gpointer                  user_data);
void                   sandlock_helper_clients_free (SandlockHelperClients    *clients);

/* For "g-authorize-method": admits the caller or answers NotAllowed. */
gboolean               sandlock_helper_clients_authorize (SandlockHelperClients *clients,
                                                          GDBusMethodInvocation *invocation);
/* Peers that called us and are still on the bus. */
guint                  sandlock_helper_clients_count (SandlockHelperClients *clients);

/* Is @pid a process inside a sandbox (of a sandlock helper or command)?
 * TRUE when that cannot be told: a caller we cannot place is refused. */
gboolean               sandlock_helper_pid_is_sandboxed (pid_t pid);

G_END_DECLS
