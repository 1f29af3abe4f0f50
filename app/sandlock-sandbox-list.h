/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

#include "sandlock-dbus.h"

G_BEGIN_DECLS

/*
 * The helper's sandboxes as a GListModel of SandlockDbusSandbox proxies,
 * newest first, kept current from its ObjectManager.
 */
#define SANDLOCK_TYPE_SANDBOX_LIST (sandlock_sandbox_list_get_type ())
G_DECLARE_FINAL_TYPE (SandlockSandboxList, sandlock_sandbox_list, SANDLOCK, SANDBOX_LIST, GObject)

/* Follows @manager (a SandlockDbusObjectManagerClient). */
SandlockSandboxList *sandlock_sandbox_list_new  (GDBusObjectManager  *manager);
/* The sandbox at @object_path, or NULL. */
SandlockDbusSandbox *sandlock_sandbox_list_find (SandlockSandboxList *self,
                                                 const char          *object_path);

/* "name" or else the program's base name, for people. */
char                *sandlock_sandbox_describe  (SandlockDbusSandbox *sandbox);
/* The command line, arguments quoted where needed. */
char                *sandlock_sandbox_command   (SandlockDbusSandbox *sandbox);

G_END_DECLS
