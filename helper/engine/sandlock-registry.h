/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/* A named sandbox's entry in the registry, removed when freed. */
typedef struct _SandlockRegistration SandlockRegistration;

SandlockRegistration *sandlock_registry_register (const char          *name,
                                                  pid_t                pid,
                                                  const char * const  *argv,
                                                  SandlockPolicy      *policy,
                                                  GError             **error);
/* The listening control socket, for the supervisor to serve. */
int                   sandlock_registration_get_control_fd (SandlockRegistration *reg);
/* The record, as JSON. */
const char           *sandlock_registration_get_info       (SandlockRegistration *reg);
/* Records the port map (virtual -> real, GINT_TO_POINTER) in the record. */
void                  sandlock_registration_set_ports      (SandlockRegistration *reg,
                                                            GHashTable           *ports);
void                  sandlock_registration_free           (SandlockRegistration *reg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockRegistration, sandlock_registration_free)

G_END_DECLS
