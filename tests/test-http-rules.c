/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <string.h>

#include "sandlock.h"
#include "sandlock-http-rules.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define ALLOW   SANDLOCK_HTTP_ALLOW
#define DENY    SANDLOCK_HTTP_DENY
#define INVALID SANDLOCK_HTTP_INVALID

static const char * const none[] = { NULL };

/* One request and what must come of it. */
typedef struct {
  const char          *method;
  const char          *host;
  const char          *path;
  SandlockHttpVerdict  verdict;
  const char          *rule;      /* what *rule must read */
} Case;

static GPtrArray *
list_of (const char * const *texts)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; texts[i] != NULL; i++)
    g_ptr_array_add (list, g_strdup (texts[i]));
  return list;
}

static SandlockHttpRules *
rules_new (const char * const *allow,
           const char * const *deny)
{
  g_autoptr(GPtrArray) allow_list = list_of (allow);
  g_autoptr(GPtrArray) deny_list = list_of (deny);
  g_autoptr(GError) error = NULL;
  SandlockHttpRules *rules = sandlock_http_rules_new (allow_list, deny_list, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rules);
  return rules;
}

static const char *
verdict_name (SandlockHttpVerdict verdict)
{
  switch (verdict)
    {
    case SANDLOCK_HTTP_ALLOW:
      return "allow";
    case SANDLOCK_HTTP_DENY:
      return "deny";
    case SANDLOCK_HTTP_INVALID:
      return "invalid";
    default:
      return "?";
    }
}

static void
check_cases (SandlockHttpRules *rules,
             const Case        *cases,
             gsize              n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      const Case *c = &cases[i];
      const char *rule = NULL;
      SandlockHttpVerdict verdict;

      g_test_message ("%s %s %s", c->method, c->host, c->path);
      verdict = sandlock_http_rules_check (rules, c->method, c->host, c->path, &rule);
      g_assert_cmpstr (verdict_name (verdict), ==, verdict_name (c->verdict));
      g_assert_cmpstr (rule, ==, c->rule);
    }
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */
/* ------------------------------------------------------------------------ */

static void
test_normalize (void)
{
  static const struct { const char *raw, *normalized; } good[] = {
    { "/", "/" },
    { "/v1/chat", "/v1/chat" },
    { "/v1/", "/v1/" },                     /* a trailing slash is kept */
    { "//a///b", "/a/b" },
    { "/a/./b", "/a/b" },
    { "/a/b/.", "/a/b/" },
    { "/a/b/..", "/a/" },                   /* RFC 3986: "/a/b/.." is "/a/" */
    { "/a/b/../", "/a/" },
    { "/a/..", "/" },
    { "/a/%2e%2e/b", "/b" },
    { "/a/%2E%2e/%2e/b", "/b" },
    { "/a%2Fb", "/a/b" },
    { "/a%2fb", "/a/b" },
    { "/a\\b", "/a/b" },
    { "/a%5C..%5Cb", "/b" },
    { "/a%20b", "/a b" },
    { "/100%25", "/100%" },                 /* "%" alone is no escape */
    { "/caf%C3%A9", "/caf\xc3\xa9" },
    { "/a?x=%2e%2e&y=..", "/a" },           /* the query is not the path */
    { "/.hidden/..x/x..", "/.hidden/..x/x.." },
    { "/a;b=1/c", "/a;b=1/c" },
    { "/%2A", "/*" },                       /* a literal star, no wildcard */
  };
  static const struct { const char *raw, *message; } bad[] = {
    { "", "\"\" does not start with \"/\"" },
    { "v1/chat", "\"v1/chat\" does not start with \"/\"" },
    { "*", "\"*\" does not start with \"/\"" },
    { "/..", "\"/..\" goes above the root with \"..\"" },
    { "/a/../..", "\"/a/../..\" goes above the root with \"..\"" },
    { "/%2e%2e/etc", "\"/%2e%2e/etc\" goes above the root with \"..\"" },
    { "/a/../../a/..", "\"/a/../../a/..\" goes above the root with \"..\"" },
    { "/%252e%252e/x", "\"/%252e%252e/x\" is encoded twice (an escape is left after decoding), which servers read differently" },
    { "/a%252Fb", "\"/a%252Fb\" is encoded twice (an escape is left after decoding), which servers read differently" },
    { "/a%00b", "\"/a%00b\" holds a control character once decoded" },
    { "/a%0d%0aX: y", "\"/a%0d%0aX: y\" holds a control character once decoded" },
    { "/a\tb", "\"/a\\tb\" holds a control character once decoded" },
    { "/a\r\nX-Forged: 1", "\"/a\\r\\nX-Forged: 1\" holds a control character once decoded" },
    { "/a%7f", "\"/a%7f\" holds a control character once decoded" },
    { "/a%", "\"/a%\" has a \"%\" that starts no escape (write %25 for a \"%\")" },
    { "/a%2", "\"/a%2\" has a \"%\" that starts no escape (write %25 for a \"%\")" },
    { "/a%zz", "\"/a%zz\" has a \"%\" that starts no escape (write %25 for a \"%\")" },
    { "/a%2?x", "\"/a%2?x\" has a \"%\" that starts no escape (write %25 for a \"%\")" },
    { "/%c0%ae%c0%ae/x", "\"/%c0%ae%c0%ae/x\" is not UTF-8 once decoded" },
    { "/admin#/../public", "\"/admin#/../public\" holds a \"#\", which no request path may" },
    { "/public/..;/admin", "\"/public/..;/admin\" has \"..;\", which some servers read as \"..\"" },
    { "/a/.;x=1/b", "\"/a/.;x=1/b\" has \".;x=1\", which some servers read as \".\"" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = sandlock_http_normalize_path (good[i].raw, &error);

      g_test_message ("%s", good[i].raw);
      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, good[i].normalized);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = sandlock_http_normalize_path (bad[i].raw, &error);

      g_test_message ("%s", bad[i].raw);
      g_assert_null (path);
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

static void
test_exact_and_prefix (void)
{
  static const char * const allow[] = {
    "POST api.example.com/v1/chat/completions",
    "GET docs.example.com/v1/*",
    "GET files.example.com/dl*",
    "GET root.example.com/*",
    NULL,
  };
  static const Case cases[] = {
    /* Exact: that path only. */
    { "POST", "api.example.com", "/v1/chat/completions", ALLOW, "POST api.example.com/v1/chat/completions" },
    { "POST", "api.example.com", "/v1/chat/completions/", DENY, "no http_allow rule matches" },
    { "POST", "api.example.com", "/v1/chat/completions/x", DENY, "no http_allow rule matches" },
    { "POST", "api.example.com", "/v1/chat", DENY, "no http_allow rule matches" },
    { "POST", "api.example.com", "/v1/chat/./completions", ALLOW, "POST api.example.com/v1/chat/completions" },
    { "POST", "api.example.com", "/v1/models/../chat/completions", ALLOW, "POST api.example.com/v1/chat/completions" },
    { "POST", "api.example.com", "/v1//chat/completions", ALLOW, "POST api.example.com/v1/chat/completions" },
    { "POST", "api.example.com", "/v1/chat/completions?stream=true", ALLOW, "POST api.example.com/v1/chat/completions" },
    { "GET", "api.example.com", "/v1/chat/completions", DENY, "no http_allow rule matches" },
    /* "/v1/" + "*": v1 and below, v1 itself included, not v10. */
    { "GET", "docs.example.com", "/v1/", ALLOW, "GET docs.example.com/v1/*" },
    { "GET", "docs.example.com", "/v1", ALLOW, "GET docs.example.com/v1/*" },
    { "GET", "docs.example.com", "/v1/x/y", ALLOW, "GET docs.example.com/v1/*" },
    { "GET", "docs.example.com", "/v10", DENY, "no http_allow rule matches" },
    { "GET", "docs.example.com", "/v", DENY, "no http_allow rule matches" },
    { "GET", "docs.example.com", "/", DENY, "no http_allow rule matches" },
    { "GET", "docs.example.com", "/v1/../v2/x", DENY, "no http_allow rule matches" },
    { "GET", "docs.example.com", "/v1/%2e%2e/v2/x", DENY, "no http_allow rule matches" },
    /* "/dl" + "*": a plain string prefix. */
    { "GET", "files.example.com", "/dl", ALLOW, "GET files.example.com/dl*" },
    { "GET", "files.example.com", "/dl2/x", ALLOW, "GET files.example.com/dl*" },
    { "GET", "files.example.com", "/d", DENY, "no http_allow rule matches" },
    /* "/" + "*": everything. */
    { "GET", "root.example.com", "/", ALLOW, "GET root.example.com/*" },
    { "GET", "root.example.com", "/a/b/c", ALLOW, "GET root.example.com/*" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, none);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

/* A rule's own path is normalized like a request's. */
static void
test_rule_path_normalized (void)
{
  static const char * const allow[] = {
    "GET a.example/x//y/./z",
    "GET b.example/v1/../v2/*",
    "GET c.example/%7Euser/*",
    "GET d.example/dir/.*",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "a.example", "/x/y/z", ALLOW, "GET a.example/x//y/./z" },
    { "GET", "b.example", "/v2/x", ALLOW, "GET b.example/v1/../v2/*" },
    { "GET", "b.example", "/v1/x", DENY, "no http_allow rule matches" },
    { "GET", "c.example", "/~user/x", ALLOW, "GET c.example/%7Euser/*" },
    { "GET", "c.example", "/%7euser/x", ALLOW, "GET c.example/%7Euser/*" },
    /* "/dir/." + "*": the names under /dir starting with ".". */
    { "GET", "d.example", "/dir/.git/config", ALLOW, "GET d.example/dir/.*" },
    { "GET", "d.example", "/dir/x", DENY, "no http_allow rule matches" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, none);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

/* ------------------------------------------------------------------------ */
/* Methods and hosts                                                        */
/* ------------------------------------------------------------------------ */

static void
test_any_method_and_host (void)
{
  static const char * const allow[] = {
    "* api.example.com/v1/*",
    "GET */health",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "api.example.com", "/v1/x", ALLOW, "* api.example.com/v1/*" },
    { "DELETE", "api.example.com", "/v1/x", ALLOW, "* api.example.com/v1/*" },
    { "PROPFIND", "api.example.com", "/v1/x", ALLOW, "* api.example.com/v1/*" },
    { "GET", "other.example.com", "/v1/x", DENY, "no http_allow rule matches" },
    { "GET", "anything.test", "/health", ALLOW, "GET */health" },
    { "GET", "10.1.2.3", "/health", ALLOW, "GET */health" },
    { "GET", "::1", "/health", ALLOW, "GET */health" },
    { "POST", "anything.test", "/health", DENY, "no http_allow rule matches" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, none);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

static void
test_case_insensitive (void)
{
  static const char * const allow[] = {
    "get Api.Example.COM/v1/*",
    NULL,
  };
  static const char * const deny[] = {
    "DeLeTe API.EXAMPLE.COM/v1/keep/*",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "api.example.com", "/v1/x", ALLOW, "get Api.Example.COM/v1/*" },
    { "get", "API.EXAMPLE.COM", "/v1/x", ALLOW, "get Api.Example.COM/v1/*" },
    { "Get", "aPi.ExAmPlE.cOm", "/v1/x", ALLOW, "get Api.Example.COM/v1/*" },
    /* Paths keep their case: servers decide what case means there. */
    { "GET", "api.example.com", "/V1/x", DENY, "no http_allow rule matches" },
    { "delete", "api.example.com", "/v1/keep/x", DENY, "DeLeTe API.EXAMPLE.COM/v1/keep/*" },
    { "POST", "api.example.com", "/v1/x", DENY, "no http_allow rule matches" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, deny);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

static void
test_wildcard_subdomains (void)
{
  static const char * const allow[] = {
    "GET *.example.com/*",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "a.example.com", "/x", ALLOW, "GET *.example.com/*" },
    { "GET", "a.b.example.com", "/x", ALLOW, "GET *.example.com/*" },
    { "GET", "A.EXAMPLE.COM.", "/x", ALLOW, "GET *.example.com/*" },
    /* Not the domain itself, nor names that merely end alike. */
    { "GET", "example.com", "/x", DENY, "no http_allow rule matches" },
    { "GET", "badexample.com", "/x", DENY, "no http_allow rule matches" },
    { "GET", "example.com.evil.test", "/x", DENY, "no http_allow rule matches" },
    { "GET", ".example.com", "/x", INVALID, "invalid host" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, none);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

static void
test_hosts (void)
{
  static const char * const allow[] = {
    "GET example.com./a",           /* a trailing dot in the rule */
    "GET 10.0.0.1/b",
    "GET [::1]/c",
    "GET [0:0:0:0:0:0:0:2]/d",
    "GET [::ffff:10.0.0.5]/e",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "example.com", "/a", ALLOW, "GET example.com./a" },
    { "GET", "example.com.", "/a", ALLOW, "GET example.com./a" },
    { "GET", "Example.Com.", "/a", ALLOW, "GET example.com./a" },
    { "GET", "example.com..", "/a", INVALID, "invalid host" },
    { "GET", "10.0.0.1", "/b", ALLOW, "GET 10.0.0.1/b" },
    /* IPv6 with or without brackets, in any spelling. */
    { "GET", "[::1]", "/c", ALLOW, "GET [::1]/c" },
    { "GET", "::1", "/c", ALLOW, "GET [::1]/c" },
    { "GET", "[0000:0::0001]", "/c", ALLOW, "GET [::1]/c" },
    { "GET", "::2", "/d", ALLOW, "GET [0:0:0:0:0:0:0:2]/d" },
    { "GET", "[::3]", "/c", DENY, "no http_allow rule matches" },
    /* IPv4-mapped IPv6 is the IPv4 address. */
    { "GET", "10.0.0.5", "/e", ALLOW, "GET [::ffff:10.0.0.5]/e" },
    { "GET", "[::ffff:10.0.0.1]", "/b", ALLOW, "GET 10.0.0.1/b" },
    /* Numbers resolvers read as 10.0.0.1 are no hosts. */
    { "GET", "10.1", "/b", INVALID, "invalid host" },
    { "GET", "167772161", "/b", INVALID, "invalid host" },
    { "GET", "0xa.0.0.1", "/b", INVALID, "invalid host" },
    { "GET", "010.0.0.1", "/b", INVALID, "invalid host" },
    /* Not hosts at all. */
    { "GET", "", "/a", INVALID, "invalid host" },
    { "GET", ".", "/a", INVALID, "invalid host" },
    { "GET", "exa mple.com", "/a", INVALID, "invalid host" },
    { "GET", "example.com:80", "/a", INVALID, "invalid host" },
    { "GET", "[example.com]", "/a", INVALID, "invalid host" },
    { "GET", "[::1", "/c", INVALID, "invalid host" },
    { "GET", "user@example.com", "/a", INVALID, "invalid host" },
    /* Names with "_" are hosts, they just match no rule. */
    { "GET", "my_host.example", "/a", DENY, "no http_allow rule matches" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, none);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
}

/* ------------------------------------------------------------------------ */
/* Allow and deny                                                           */
/* ------------------------------------------------------------------------ */

static void
test_deny_beats_allow (void)
{
  static const char * const allow[] = {
    "* api.example.com/*",
    NULL,
  };
  static const char * const deny[] = {
    "* */admin/*",
    "DELETE api.example.com/v1/*",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "api.example.com", "/v1/x", ALLOW, "* api.example.com/*" },
    { "DELETE", "api.example.com", "/v1/x", DENY, "DELETE api.example.com/v1/*" },
    { "DELETE", "api.example.com", "/v2/x", ALLOW, "* api.example.com/*" },
    { "GET", "api.example.com", "/admin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/admin", DENY, "* */admin/*" },
    /* Every spelling of /admin meets the deny rule. */
    { "GET", "api.example.com", "/x/../admin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/x/%2e%2e/admin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/x/%2E%2E%2Fadmin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/%61dmin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "//admin//users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/./admin/./users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/x\\..\\admin\\users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/x/..%5Cadmin/users", DENY, "* */admin/*" },
    { "GET", "api.example.com", "/admin/users/..", DENY, "* */admin/*" },
    /* Spellings that cannot be judged are not guessed at. */
    { "GET", "api.example.com", "/%252e%252e/admin", INVALID, "invalid path" },
    { "GET", "api.example.com", "/x/%2561dmin", INVALID, "invalid path" },
    { "GET", "api.example.com", "/../admin/users", INVALID, "invalid path" },
    { "GET", "api.example.com", "/admin%00/users", INVALID, "invalid path" },
    { "GET", "api.example.com", "/x/..;/admin/users", INVALID, "invalid path" },
    { "GET", "api.example.com", "/administrator", ALLOW, "* api.example.com/*" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, deny);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
  g_assert_true (sandlock_http_rules_has_allow (rules));
}

static void
test_only_deny (void)
{
  static const char * const deny[] = {
    "* */admin/*",
    "POST upload.example.com/*",
    NULL,
  };
  static const Case cases[] = {
    { "GET", "example.com", "/", ALLOW, "no http_deny rule matches" },
    { "POST", "example.com", "/form", ALLOW, "no http_deny rule matches" },
    { "GET", "upload.example.com", "/x", ALLOW, "no http_deny rule matches" },
    { "POST", "upload.example.com", "/x", DENY, "POST upload.example.com/*" },
    { "GET", "example.com", "/admin/", DENY, "* */admin/*" },
    { "GET", "example.com", "/a/../admin/", DENY, "* */admin/*" },
    { "GET", "example.com", "/../admin/", INVALID, "invalid path" },
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (none, deny);

  check_cases (rules, cases, G_N_ELEMENTS (cases));
  g_assert_false (sandlock_http_rules_has_allow (rules));
}

static void
test_no_rules (void)
{
  static const Case cases[] = {
    { "GET", "example.com", "/", ALLOW, "no http rules" },
    { "DELETE", "10.0.0.1", "/admin/x", ALLOW, "no http rules" },
    /* A malformed request stays malformed without rules. */
    { "GET", "example.com", "/..", INVALID, "invalid path" },
    { "GET", "127.1", "/", INVALID, "invalid host" },
  };
  g_autoptr(SandlockHttpRules) rules = NULL;
  g_autoptr(SandlockHttpRules) from_null = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;

  rules = rules_new (none, none);
  check_cases (rules, cases, G_N_ELEMENTS (cases));
  g_assert_false (sandlock_http_rules_has_allow (rules));
  hosts = sandlock_http_rules_get_hosts (rules);
  g_assert_cmpuint (hosts->len, ==, 0);

  /* NULL lists are empty lists. */
  from_null = sandlock_http_rules_new (NULL, NULL, &error);
  g_assert_no_error (error);
  check_cases (from_null, cases, G_N_ELEMENTS (cases));
}

/* ------------------------------------------------------------------------ */
/* Syntax                                                                   */
/* ------------------------------------------------------------------------ */

static void
test_good_rules (void)
{
  static const char * const good[] = {
    "GET example.com/*",
    "POST api.example.com/v1/chat/completions",
    "* */admin/*",
    "get Example.COM./x",
    "PROPFIND dav.example/",
    "M-SEARCH *.local.example/*",
    "GET 192.168.1.1/",
    "GET [fe80::1]/x",
    "GET [::ffff:1.2.3.4]/x",
    "  GET\texample.com/x  ",
    "GET example.com/a%20b",
    "GET example.com/100%25",
    NULL,
  };

  for (gsize i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", good[i]);
      g_assert_true (sandlock_http_rule_validate (good[i], &error));
      g_assert_no_error (error);
    }
}

static void
test_bad_rules (void)
{
  static const struct { const char *rule, *message; } bad[] = {
    { "", "\"\" is an empty rule (use METHOD host/path, e.g. GET example.com/*)" },
    { "   ", "\"   \" is an empty rule (use METHOD host/path, e.g. GET example.com/*)" },
    { "GET", "\"GET\" has no host and path (use METHOD host/path, e.g. GET example.com/*)" },
    { "GET host", "\"GET host\" has no path (add one, e.g. GET host/* for every path)" },
    { "GET host/x extra", "\"GET host/x extra\" has 3 words, a rule has two (use METHOD host/path, e.g. GET example.com/*)" },
    { "GET /x", "\"GET /x\" has no host (use * for any host, e.g. GET */x)" },
    { "G@T host/", "\"G@T host/\": \"G@T\" is not an HTTP method (use e.g. GET or POST, or * for any method)" },
    { "G* host/", "\"G* host/\": \"G*\" is not an HTTP method (use e.g. GET or POST, or * for any method)" },
    { "GET host:80/x", "\"GET host:80/x\": a rule names no port, http_ports chooses them (write GET host/x)" },
    { "GET *:8080/x", "\"GET *:8080/x\": a rule names no port, http_ports chooses them (write GET */x)" },
    { "GET [::1]:443/x", "\"GET [::1]:443/x\": a rule names no port, http_ports chooses them (write GET [::1]/x)" },
    { "GET ::1/x", "\"GET ::1/x\": put an IPv6 address in brackets (write GET [::1]/x)" },
    { "GET [::g]/x", "\"GET [::g]/x\": \"[::g]\" is not a bracketed IPv6 address (use e.g. [::1])" },
    { "GET [1.2.3.4]/x", "\"GET [1.2.3.4]/x\": \"[1.2.3.4]\" is not a bracketed IPv6 address (use e.g. [::1])" },
    { "GET [::1/x", "\"GET [::1/x\": \"[::1\" is not a bracketed IPv6 address (use e.g. [::1])" },
    { "GET host:x/y", "\"GET host:x/y\": \"host:x\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET a_b/x", "\"GET a_b/x\": \"a_b\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET 1.2.3.256/x", "\"GET 1.2.3.256/x\": \"1.2.3.256\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET 0x7f.0x1/x", "\"GET 0x7f.0x1/x\": \"0x7f.0x1\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET *./x", "\"GET *./x\": \"*.\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET *.10.0.0.1/x", "\"GET *.10.0.0.1/x\": \"*.10.0.0.1\" is not a host name or IP address (use e.g. example.com, *.example.com, 10.0.0.1 or [::1])" },
    { "GET a.*.com/x", "\"GET a.*.com/x\": \"*\" in a host is the whole host or its first label (use * or e.g. *.example.com)" },
    { "GET *example.com/x", "\"GET *example.com/x\": \"*\" in a host is the whole host or its first label (use * or e.g. *.example.com)" },
    { "GET host/a*b", "\"GET host/a*b\": \"*\" is only allowed at the end of the path (use e.g. /v1/* for everything under /v1)" },
    { "GET host/**", "\"GET host/**\": \"*\" is only allowed at the end of the path (use e.g. /v1/* for everything under /v1)" },
    { "GET host/x?y", "\"GET host/x?y\": a rule's path has no query, queries are ignored when matching (write the path alone, e.g. /x)" },
    { "GET host/x#y", "\"GET host/x#y\": the path \"/x#y\" holds a \"#\", which no request path may" },
    { "GET host/../x", "\"GET host/../x\": the path \"/../x\" goes above the root with \"..\"" },
    { "GET host/%252e/*", "\"GET host/%252e/*\": the path \"/%252e/\" is encoded twice (an escape is left after decoding), which servers read differently" },
    { "GET host/a%2", "\"GET host/a%2\": the path \"/a%2\" has a \"%\" that starts no escape (write %25 for a \"%\")" },
    { "GET host/a%00", "\"GET host/a%00\": the path \"/a%00\" holds a control character once decoded" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i].rule);
      g_assert_false (sandlock_http_rule_validate (bad[i].rule, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

/* One bad rule fails the set, and the message says which list holds it. */
static void
test_new_refuses_bad_rule (void)
{
  static const char * const good[] = { "GET example.com/*", NULL };
  static const char * const bad[] = { "GET example.com/*", "GET host", NULL };
  g_autoptr(GPtrArray) good_list = list_of (good);
  g_autoptr(GPtrArray) bad_list = list_of (bad);
  g_autoptr(GError) error = NULL;
  SandlockHttpRules *rules;

  rules = sandlock_http_rules_new (bad_list, good_list, &error);
  g_assert_null (rules);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "http_allow: \"GET host\" has no path "
                   "(add one, e.g. GET host/* for every path)");
  g_clear_error (&error);

  rules = sandlock_http_rules_new (good_list, bad_list, &error);
  g_assert_null (rules);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, "http_deny: \"GET host\""));
}

static void
test_get_hosts (void)
{
  static const char * const allow[] = {
    "GET Example.COM./x",
    "POST api.example.com/v1/*",
    "* */health",
    "GET *.cdn.example/*",
    "GET 10.0.0.1/x",
    "GET [0:0::1]/x",
    "PUT example.com/y",
    "GET [::1]/z",
    "GET [::ffff:10.0.0.1]/z",
    NULL,
  };
  static const char * const deny[] = {
    "* secret.example.com/*",
    NULL,
  };
  static const char * const expected[] = {
    "example.com", "api.example.com", "10.0.0.1", "::1",
  };
  g_autoptr(SandlockHttpRules) rules = rules_new (allow, deny);
  g_autoptr(GPtrArray) hosts = sandlock_http_rules_get_hosts (rules);

  for (guint i = 0; i < hosts->len; i++)
    g_test_message ("host %s", (char *) g_ptr_array_index (hosts, i));
  g_assert_cmpuint (hosts->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < hosts->len; i++)
    g_assert_cmpstr (g_ptr_array_index (hosts, i), ==, expected[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-rules/normalize", test_normalize);
  g_test_add_func ("/http-rules/exact-and-prefix", test_exact_and_prefix);
  g_test_add_func ("/http-rules/rule-path-normalized", test_rule_path_normalized);
  g_test_add_func ("/http-rules/any-method-and-host", test_any_method_and_host);
  g_test_add_func ("/http-rules/case-insensitive", test_case_insensitive);
  g_test_add_func ("/http-rules/wildcard-subdomains", test_wildcard_subdomains);
  g_test_add_func ("/http-rules/hosts", test_hosts);
  g_test_add_func ("/http-rules/deny-beats-allow", test_deny_beats_allow);
  g_test_add_func ("/http-rules/only-deny", test_only_deny);
  g_test_add_func ("/http-rules/no-rules", test_no_rules);
  g_test_add_func ("/http-rules/good-rules", test_good_rules);
  g_test_add_func ("/http-rules/bad-rules", test_bad_rules);
  g_test_add_func ("/http-rules/new-refuses-bad-rule", test_new_refuses_bad_rule);
  g_test_add_func ("/http-rules/get-hosts", test_get_hosts);

  return g_test_run ();
}
