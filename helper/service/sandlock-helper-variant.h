/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sandlock.h>

G_BEGIN_DECLS

/*
 * Policies travel as a{sv} on the bus and as JSON everywhere else; both
 * directions go through JSON so the engine's parser is the only judge.
 */

/* A policy from a{sv}. Every problem (per field, then the policy's own
 * checks) is appended to @problems; the policy is returned even then. */
SandlockPolicy *sandlock_helper_policy_from_variant (GVariant       *dict,
                                                     GPtrArray      *problems);
/* The policy's set fields as a{sv}. */
GVariant       *sandlock_helper_policy_to_variant   (SandlockPolicy *policy);

G_END_DECLS
