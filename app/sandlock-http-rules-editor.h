/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

#include "sandlock-policy-model.h"

G_BEGIN_DECLS

/*
 * The policy editor's "HTTP Requests" group: the rules of http_deny and
 * http_allow of a SandlockPolicyModel, one row each in the order they are
 * checked (deny first) with the columns Action, Method, Host and Path;
 * + opens a popover that adds a rule, each row has a remove button. The
 * model is read and written directly; ValidatePolicy's messages come in
 * through sandlock_http_rules_editor_set_problem().
 */
#define SANDLOCK_TYPE_HTTP_RULES_EDITOR (sandlock_http_rules_editor_get_type ())
G_DECLARE_FINAL_TYPE (SandlockHttpRulesEditor, sandlock_http_rules_editor, SANDLOCK, HTTP_RULES_EDITOR,
                      AdwPreferencesGroup)

GtkWidget *sandlock_http_rules_editor_new         (void);
void       sandlock_http_rules_editor_set_model   (SandlockHttpRulesEditor *self,
                                                   SandlockPolicyModel     *model);
/* @field: "http_allow" or "http_deny"; @problem: what ValidatePolicy
 * says about it (without the "field: " prefix), or NULL. Shown above the
 * rules; the rules it names stand out. */
void       sandlock_http_rules_editor_set_problem (SandlockHttpRulesEditor *self,
                                                   const char              *field,
                                                   const char              *problem);

G_END_DECLS
