/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * An HTTP rule of http_allow or http_deny as the policy spells it,
 * "METHOD host/path" (e.g. "POST api.example.com/v1/chat/completions"; a
 * method or host "*" matches any, a path ending in '*' is a prefix), and
 * its three parts, the columns of the policy editor's rules list.
 */

/* TRUE when @rule has the shape "METHOD host/path": a method (a token or
 * "*"), white space, then a host up to the first '/' and a path from it,
 * with no white space in either. Each part (each optional) gets a copy;
 * nothing is set when the shape is wrong. Whether the method, host and
 * path are valid is the engine's to say (ValidatePolicy). */
gboolean  sandlock_http_rule_split (const char  *rule,
                                    char       **method,
                                    char       **host,
                                    char       **path);

/* The rule for these parts, trimmed: an empty method is "*" (any), an
 * empty path is '/' and '*' (every path), and a path gets its leading '/'
 * when it lacks one. NULL when @host is empty or a part holds white space, or the host
 * a '/'. */
char     *sandlock_http_rule_join  (const char  *method,
                                    const char  *host,
                                    const char  *path);

G_END_DECLS
