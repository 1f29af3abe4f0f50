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

/* The hidden first row of a list in the editor, where its problem is told
 * (the title, as plain text); the HTTP rules have one too. */
GtkWidget          *sandlock_policy_problem_row_new             (void);

G_END_DECLS
