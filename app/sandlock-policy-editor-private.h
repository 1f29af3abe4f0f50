/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock-policy-editor.h"

G_BEGIN_DECLS

/* The fields the editor shows; NULL shows every one. Normally the
 * helper's GetCapabilities says ("supported_fields"); once set here, its
 * answer is ignored. For tests. */
void                sandlock_policy_editor_set_supported_fields (SandlockPolicyEditor *self,
                                                                 const char * const   *fields);
/* The fields shown, once known (from the helper or the call above); NULL
 * before. */
const char * const *sandlock_policy_editor_get_supported_fields (SandlockPolicyEditor *self);

G_END_DECLS
