/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-policy-model.h"

G_BEGIN_DECLS

/*
 * Edits a policy field by field (only the fields the helper enforces),
 * checked live by the helper's ValidatePolicy; loads presets and profiles,
 * saves and deletes profiles, imports and exports JSON.
 *
 * With a "Use Policy" button (sandlock_policy_editor_set_use_mode()) it
 * emits ::use-policy with the edited a{sv} and closes.
 */
#define SANDLOCK_TYPE_POLICY_EDITOR (sandlock_policy_editor_get_type ())
G_DECLARE_FINAL_TYPE (SandlockPolicyEditor, sandlock_policy_editor, SANDLOCK, POLICY_EDITOR, AdwWindow)

GtkWidget           *sandlock_policy_editor_new          (GtkWindow            *parent);
/* Replaces the policy; @profile_name (may be NULL) is what Save writes. */
void                 sandlock_policy_editor_set_policy   (SandlockPolicyEditor *self,
                                                          GVariant             *policy,
                                                          const char           *profile_name);
/* The preset, named as such (not a profile). */
void                 sandlock_policy_editor_load_preset  (SandlockPolicyEditor *self,
                                                          SandlockPolicyPreset  preset);
/* What the policy is called while it is no profile ("Custom Policy"). */
void                 sandlock_policy_editor_set_origin   (SandlockPolicyEditor *self,
                                                          const char           *origin);
void                 sandlock_policy_editor_set_use_mode (SandlockPolicyEditor *self,
                                                          gboolean              use_mode);
SandlockPolicyModel *sandlock_policy_editor_get_model    (SandlockPolicyEditor *self);

G_END_DECLS
