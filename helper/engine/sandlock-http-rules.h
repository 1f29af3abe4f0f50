/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The HTTP ACL's rules (http_allow, http_deny): what the transparent proxy
 * asks about each request. Pure functions, no networking.
 *
 * A rule is "METHOD host/path":
 * - METHOD: an HTTP token such as GET (any case, compared case-insensitively)
 *   or "*" for any method;
 * - host: "*" for any host, a name (any case, a trailing dot ignored),
 *   "*.example.com" for the names below example.com (not example.com
 *   itself), an IPv4 address or a bracketed IPv6 address "[::1]". No port:
 *   http_ports chooses the ports;
 * - path: from the first "/" on, normalized like a request's path (see
 *   sandlock_http_normalize_path()). It matches exactly, or, with a
 *   trailing "*", as a prefix: "/v1/" + "*" matches "/v1/", everything
 *   below it, and "/v1" itself (people mean "v1 and below"); "/v1" + "*"
 *   also matches "/v10". "*" anywhere else and "?" (queries are ignored
 *   when matching) are refused.
 *
 * Deny rules are checked first. When any allow rule exists, a request that
 * no allow rule matches is denied; with deny rules only, the rest is
 * allowed; with no rules at all, everything is.
 */

typedef enum {
  SANDLOCK_HTTP_ALLOW,
  SANDLOCK_HTTP_DENY,
  SANDLOCK_HTTP_INVALID,        /* the request cannot be judged: answer 400 */
} SandlockHttpVerdict;

typedef struct _SandlockHttpRules SandlockHttpRules;

/* Checks one rule's syntax (SANDLOCK_ERROR_INVALID_POLICY); the message
 * quotes the rule and says what to write instead. The policy parser calls
 * this for every http_allow and http_deny entry. */
gboolean             sandlock_http_rule_validate     (const char          *rule,
                                                      GError             **error);

/* Compiles the two lists of rule texts (char*; NULL or empty for none).
 * A bad rule fails the whole set, its message prefixed with its field. */
SandlockHttpRules   *sandlock_http_rules_new         (GPtrArray           *allow,
                                                      GPtrArray           *deny,
                                                      GError             **error);
void                 sandlock_http_rules_free        (SandlockHttpRules   *rules);

/*
 * The path rules compare against, so that no spelling of a path dodges a
 * rule: decoded once ("%2F" is "/", "%2e%2e" is ".."), "\" read as "/",
 * "//" collapsed, "." and ".." resolved ("/a/b/.." is "/a/", as RFC 3986
 * says). Anything after a "?" is the query and is dropped.
 *
 * Refused (SANDLOCK_ERROR_FAILED: the request is bad, not the policy):
 * a path not starting with "/", a malformed escape, a control character
 * or NUL once decoded, bytes that are not UTF-8 once decoded (overlong
 * forms of "." and "/"), an escape left after decoding ("%252e": we
 * cannot know whether the server decodes twice), ".." above the root, a
 * "#", and "." or ".." with ";parameters" (servers that strip path
 * parameters read "..;" as ".."). Returns a newly allocated path.
 */
char                *sandlock_http_normalize_path    (const char          *raw_path,
                                                      GError             **error);

/*
 * The verdict for one request. @method as sent; @host is the Host header's
 * name without its port, in any case, an IPv6 address with or without
 * brackets; @raw_path the request target's path (a query is ignored).
 *
 * SANDLOCK_HTTP_INVALID when the path cannot be normalized, or the host is
 * no host: empty, characters no name has, or a number resolvers read as
 * an IPv4 address in another spelling ("127.1", "0x7f000001"), which a
 * rule for 127.0.0.1 would not see. This holds with no rules at all too:
 * such a request is malformed whatever the policy.
 *
 * *@rule (always set) is the text of the rule that decided, as written,
 * or one of "invalid path", "invalid host", "no http_allow rule matches",
 * "no http_deny rule matches", "no http rules". It lives as long as
 * @rules. Safe to call from several threads at once.
 */
SandlockHttpVerdict  sandlock_http_rules_check       (SandlockHttpRules   *rules,
                                                      const char          *method,
                                                      const char          *host,
                                                      const char          *raw_path,
                                                      const char         **rule);

/* The concrete hosts of the allow rules, for the network allowlist: names
 * lower-case without a trailing dot, IPv4 addresses, IPv6 addresses
 * without brackets (as SandlockNetRule holds them); no "*" or "*.x"
 * wildcards; each once, in rule order. */
GPtrArray           *sandlock_http_rules_get_hosts   (SandlockHttpRules   *rules);
/* TRUE when some allow rule exists, so everything else is denied. */
gboolean             sandlock_http_rules_has_allow   (SandlockHttpRules   *rules);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockHttpRules, sandlock_http_rules_free)

G_END_DECLS
