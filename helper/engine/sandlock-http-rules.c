/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "sandlock.h"
#include "sandlock-http-rules.h"
#include "sandlock-parse.h"

#define RULE_FORM "use METHOD host/path, e.g. GET example.com/*"
#define HOST_FORMS "use e.g. example.com, *.example.com, 10.0.0.1 or [::1]"

/* RFC 9110 token characters but "*", which stands alone for any method. */
#define METHOD_CHARS "!#$%&'+-.^_`|~0123456789" \
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

typedef enum {
  HOST_ANY,             /* "*" */
  HOST_EXACT,           /* a name or an address */
  HOST_SUBDOMAINS,      /* "*.example.com": the names below, not itself */
} HostKind;

typedef struct {
  char     *text;       /* as written: what a verdict names */
  char     *method;     /* upper-case; NULL for any */
  HostKind  host_kind;
  char     *host;       /* canonical_host()'s; ".example.com" for subdomains */
  char     *path;       /* normalized; the prefix when @prefix */
  gboolean  prefix;
} Rule;

struct _SandlockHttpRules {
  GPtrArray *allow;     /* Rule* */
  GPtrArray *deny;
};

static void
rule_clear (Rule *rule)
{
  g_clear_pointer (&rule->text, g_free);
  g_clear_pointer (&rule->method, g_free);
  g_clear_pointer (&rule->host, g_free);
  g_clear_pointer (&rule->path, g_free);
}

static void
rule_free (gpointer data)
{
  rule_clear (data);
  g_free (data);
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */
/* ------------------------------------------------------------------------ */

static gboolean
is_escape (const char *p)
{
  return p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]);
}

/* "." or ".." with ";parameters": Tomcat and others strip the parameters
 * and then resolve the dots. */
static gboolean
is_dot_with_parameters (const char *segment)
{
  return g_str_has_prefix (segment, ".;") || g_str_has_prefix (segment, "..;");
}

/* The raw path comes from the sandboxed program: quoted escaped, it cannot
 * forge lines in a log. @format says what is wrong after the quote. */
static void path_error (GError       **error,
                        SandlockError  code,
                        const char    *raw,
                        const char    *format,
                        ...) G_GNUC_PRINTF (4, 5);

static void
path_error (GError       **error,
            SandlockError  code,
            const char    *raw,
            const char    *format,
            ...)
{
  g_autofree char *shown = g_strescape (raw, NULL);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SANDLOCK_ERROR, code, "\"%s\" %s", shown, what);
}

/*
 * sandlock_http_normalize_path(), and the same for a rule's path with
 * @prefix: then the last segment, unfinished, is kept as written, since
 * the rule "/a/." + "*" means the names under /a that start with ".".
 */
static char *
normalize (const char    *raw,
           gboolean       prefix,
           SandlockError  code,
           GError       **error)
{
  gsize end = strcspn (raw, "?");       /* the query is not the path's */
  g_autoptr(GString) decoded = g_string_sized_new (end);
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *result;
  gboolean trailing_slash = FALSE;
  guint n_segments;

  if (raw[0] != '/')
    {
      path_error (error, code, raw, "does not start with \"/\"");
      return NULL;
    }

  for (gsize i = 0; i < end; i++)
    {
      if (raw[i] == '#')
        {
          path_error (error, code, raw,
                      "holds a \"#\", which no request path may");
          return NULL;
        }
      if (raw[i] != '%')
        {
          g_string_append_c (decoded, raw[i]);
          continue;
        }
      /* Within @end: a "?" is no hex digit. */
      if (!is_escape (raw + i))
        {
          path_error (error, code, raw,
                      "has a \"%%\" that starts no escape "
                      "(write %%25 for a \"%%\")");
          return NULL;
        }
      g_string_append_c (decoded, (char) (g_ascii_xdigit_value (raw[i + 1]) << 4
                                          | g_ascii_xdigit_value (raw[i + 2])));
      i += 2;
    }

  for (gsize i = 0; i < decoded->len; i++)
    {
      guchar c = decoded->str[i];

      if (c < 0x20 || c == 0x7f)
        {
          path_error (error, code, raw,
                      "holds a control character once decoded");
          return NULL;
        }
      if (is_escape (decoded->str + i))
        {
          path_error (error, code, raw,
                      "is encoded twice (an escape is left after "
                      "decoding), which servers read differently");
          return NULL;
        }
      if (c == '\\')
        decoded->str[i] = '/';
    }
  if (!g_utf8_validate (decoded->str, decoded->len, NULL))
    {
      path_error (error, code, raw, "is not UTF-8 once decoded");
      return NULL;
    }

  /* decoded starts with "/": segments[0] is the empty string before it. */
  segments = g_strsplit (decoded->str, "/", -1);
  n_segments = g_strv_length (segments);
  for (guint i = 1; i < n_segments; i++)
    {
      const char *segment = segments[i];
      gboolean last = i == n_segments - 1;

      if (last && prefix && *segment != '\0')
        g_ptr_array_add (kept, (gpointer) segment);
      else if (*segment == '\0' || g_str_equal (segment, "."))
        trailing_slash = last;
      else if (g_str_equal (segment, ".."))
        {
          if (kept->len == 0)
            {
              path_error (error, code, raw,
                          "goes above the root with \"..\"");
              return NULL;
            }
          g_ptr_array_remove_index (kept, kept->len - 1);
          trailing_slash = last;
        }
      else if (is_dot_with_parameters (segment))
        {
          path_error (error, code, raw,
                      "has \"%s\", which some servers read as \"%.*s\"",
                      segment, (int) strcspn (segment, ";"), segment);
          return NULL;
        }
      else
        g_ptr_array_add (kept, (gpointer) segment);
    }

  result = g_string_new ("/");
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (result, '/');
      g_string_append (result, g_ptr_array_index (kept, i));
    }
  if (trailing_slash && kept->len > 0)
    g_string_append_c (result, '/');
  return g_string_free (result, FALSE);
}

char *
sandlock_http_normalize_path (const char *raw_path,
                              GError    **error)
{
  g_return_val_if_fail (raw_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return normalize (raw_path, FALSE, SANDLOCK_ERROR_FAILED, error);
}

/* ------------------------------------------------------------------------ */
/* Hosts                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * One spelling per host, so that a rule cannot be dodged by another:
 * lower-case without a trailing dot, IPv6 without brackets as inet_ntop()
 * writes it, IPv4-mapped IPv6 as IPv4. NULL when @host is no host.
 */
static char *
canonical_host (const char *host)
{
  gsize length = strlen (host);
  g_autofree char *name = NULL;
  struct in6_addr v6;
  struct in_addr v4;

  if (length >= 2 && host[0] == '[' && host[length - 1] == ']')
    name = g_strndup (host + 1, length - 2);
  else
    name = g_strdup (host);

  if (strchr (name, ':') != NULL)
    {
      char text[INET6_ADDRSTRLEN];

      if (inet_pton (AF_INET6, name, &v6) != 1)
        return NULL;
      if (IN6_IS_ADDR_V4MAPPED (&v6))
        inet_ntop (AF_INET, &v6.s6_addr[12], text, sizeof text);
      else
        inet_ntop (AF_INET6, &v6, text, sizeof text);
      return g_strdup (text);
    }
  if (host[0] == '[')
    return NULL;

  length = strlen (name);
  if (length > 0 && name[length - 1] == '.')
    name[--length] = '\0';
  /* No empty label: "a..b", ".a", "a.." */
  if (length == 0 || name[0] == '.' || name[length - 1] == '.'
      || strstr (name, "..") != NULL)
    return NULL;
  for (char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        return NULL;
      *p = g_ascii_tolower (*p);
    }
  /* "127.1", "0x7f000001", "2130706433": no names, addresses in spellings
   * resolvers accept (inet_aton) and a rule for 127.0.0.1 would miss. */
  if (inet_aton (name, &v4) != 0 && inet_pton (AF_INET, name, &v4) != 1)
    return NULL;
  return g_steal_pointer (&name);
}

static gboolean
host_matches (const Rule *rule,
              const char *host)
{
  switch (rule->host_kind)
    {
    case HOST_ANY:
      return TRUE;
    case HOST_EXACT:
      return g_str_equal (host, rule->host);
    case HOST_SUBDOMAINS:
      /* rule->host is ".example.com"; canonical hosts never start with
       * ".", so example.com itself does not match. */
      return g_str_has_suffix (host, rule->host);
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                    */
/* ------------------------------------------------------------------------ */

static gboolean
parse_method (const char *text,
              const char *method,
              Rule       *rule,
              GError    **error)
{
  if (g_str_equal (method, "*"))
    return TRUE;
  if (method[strspn (method, METHOD_CHARS)] != '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"%s\" is not an HTTP method "
                   "(use e.g. GET or POST, or * for any method)", text, method);
      return FALSE;
    }
  rule->method = g_ascii_strup (method, -1);
  return TRUE;
}

/* A port in a rule: say where ports go and what to write instead. */
static void
set_port_error (const char *text,
                const char *method,
                const char *host,
                const char *path,
                GError    **error)
{
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
               "\"%s\": a rule names no port, http_ports chooses them "
               "(write %s %s%s)", text, method, host, path);
}

static gboolean
parse_host (const char *text,
            const char *method,
            const char *host,
            const char *path,
            Rule       *rule,
            GError    **error)
{
  g_autofree char *name = NULL;
  struct in_addr v4;
  gsize length;

  if (*host == '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" has no host (use * for any host, e.g. %s *%s)",
                   text, method, path);
      return FALSE;
    }
  if (g_str_equal (host, "*"))
    {
      rule->host_kind = HOST_ANY;
      return TRUE;
    }

  if (host[0] == '[')
    {
      const char *close = strchr (host, ']');
      g_autofree char *address = NULL;

      if (close != NULL && close[1] == ':')
        {
          g_autofree char *bare = g_strndup (host, close + 1 - host);

          set_port_error (text, method, bare, path, error);
          return FALSE;
        }
      if (close != NULL && close[1] == '\0')
        address = g_strndup (host + 1, close - host - 1);
      if (address == NULL || strchr (address, ':') == NULL
          || (rule->host = canonical_host (address)) == NULL)
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "\"%s\": \"%s\" is not a bracketed IPv6 address "
                       "(use e.g. [::1])", text, host);
          return FALSE;
        }
      rule->host_kind = HOST_EXACT;
      return TRUE;
    }

  if (strchr (host, ':') != NULL)
    {
      struct in6_addr v6;
      const char *colon = strrchr (host, ':');

      if (inet_pton (AF_INET6, host, &v6) == 1)
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                     "\"%s\": put an IPv6 address in brackets "
                     "(write %s [%s]%s)", text, method, host, path);
      else if (colon[1] != '\0' && colon[1 + strspn (colon + 1, "0123456789")] == '\0')
        {
          g_autofree char *bare = g_strndup (host, colon - host);

          set_port_error (text, method, bare, path, error);
        }
      else
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                     "\"%s\": \"%s\" is not a host name or IP address (%s)",
                     text, host, HOST_FORMS);
      return FALSE;
    }

  if (g_str_has_prefix (host, "*."))
    {
      rule->host_kind = HOST_SUBDOMAINS;
      name = g_strdup (host + 2);
    }
  else
    {
      rule->host_kind = HOST_EXACT;
      name = g_strdup (host);
    }

  length = strlen (name);
  if (length > 0 && name[length - 1] == '.')
    name[length - 1] = '\0';

  if (strchr (name, '*') != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"*\" in a host is the whole host or its first "
                   "label (use * or e.g. *.example.com)", text);
      return FALSE;
    }
  /* canonical_host() also refuses names that read as an address in
   * another spelling, such as 0x7f.0x1. */
  if (sandlock_hostname_is_valid (name)
      || (rule->host_kind == HOST_EXACT && inet_pton (AF_INET, name, &v4) == 1))
    rule->host = canonical_host (name);
  if (rule->host == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"%s\" is not a host name or IP address (%s)",
                   text, host, HOST_FORMS);
      return FALSE;
    }
  if (rule->host_kind == HOST_SUBDOMAINS)
    {
      char *suffix = g_strconcat (".", rule->host, NULL);

      g_free (rule->host);
      rule->host = suffix;
    }
  return TRUE;
}

static gboolean
parse_path (const char *text,
            const char *path,
            Rule       *rule,
            GError    **error)
{
  const char *star = strchr (path, '*');
  g_autofree char *written = NULL;
  g_autoptr(GError) local_error = NULL;

  if (strchr (path, '?') != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": a rule's path has no query, queries are ignored "
                   "when matching (write the path alone, e.g. %.*s)",
                   text, (int) strcspn (path, "?"), path);
      return FALSE;
    }
  if (star != NULL && star[1] != '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"*\" is only allowed at the end of the path "
                   "(use e.g. /v1/* for everything under /v1)", text);
      return FALSE;
    }

  rule->prefix = star != NULL;
  written = g_strndup (path, star != NULL ? (gsize) (star - path) : strlen (path));
  rule->path = normalize (written, rule->prefix, SANDLOCK_ERROR_INVALID_POLICY,
                          &local_error);
  if (rule->path == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": the path %s", text, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_rule (const char *text,
            Rule       *rule,
            GError    **error)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;
  g_autofree char *host = NULL;
  const char *slash;
  guint n_words;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  words = g_strv_builder_end (builder);
  n_words = g_strv_length (words);

  if (n_words == 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is an empty rule (" RULE_FORM ")", text);
      return FALSE;
    }
  if (n_words == 1)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" has no host and path (" RULE_FORM ")", text);
      return FALSE;
    }
  if (n_words > 2)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" has %u words, a rule has two (" RULE_FORM ")",
                   text, n_words);
      return FALSE;
    }

  if (!parse_method (text, words[0], rule, error))
    return FALSE;

  slash = strchr (words[1], '/');
  if (slash == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" has no path (add one, e.g. %s %s/* for every path)",
                   text, words[0], words[1]);
      return FALSE;
    }
  host = g_strndup (words[1], slash - words[1]);
  if (!parse_host (text, words[0], host, slash, rule, error) ||
      !parse_path (text, slash, rule, error))
    return FALSE;

  rule->text = g_strdup (text);
  return TRUE;
}

gboolean
sandlock_http_rule_validate (const char *rule,
                             GError    **error)
{
  Rule parsed = { 0 };
  gboolean valid;

  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  valid = parse_rule (rule, &parsed, error);
  rule_clear (&parsed);
  return valid;
}

static gboolean
compile (GPtrArray  *compiled,
         GPtrArray  *texts,
         const char *field,
         GError    **error)
{
  for (guint i = 0; texts != NULL && i < texts->len; i++)
    {
      Rule *rule = g_new0 (Rule, 1);

      if (!parse_rule (g_ptr_array_index (texts, i), rule, error))
        {
          rule_free (rule);
          g_prefix_error (error, "%s: ", field);
          return FALSE;
        }
      g_ptr_array_add (compiled, rule);
    }
  return TRUE;
}

SandlockHttpRules *
sandlock_http_rules_new (GPtrArray *allow,
                         GPtrArray *deny,
                         GError   **error)
{
  g_autoptr(SandlockHttpRules) rules = g_new0 (SandlockHttpRules, 1);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rules->allow = g_ptr_array_new_with_free_func (rule_free);
  rules->deny = g_ptr_array_new_with_free_func (rule_free);
  if (!compile (rules->allow, allow, "http_allow", error) ||
      !compile (rules->deny, deny, "http_deny", error))
    return NULL;
  return g_steal_pointer (&rules);
}

void
sandlock_http_rules_free (SandlockHttpRules *rules)
{
  if (rules == NULL)
    return;
  g_clear_pointer (&rules->allow, g_ptr_array_unref);
  g_clear_pointer (&rules->deny, g_ptr_array_unref);
  g_free (rules);
}

/* ------------------------------------------------------------------------ */
/* Matching                                                                 */
/* ------------------------------------------------------------------------ */

static gboolean
path_matches (const Rule *rule,
              const char *path)
{
  gsize length;

  if (!rule->prefix)
    return g_str_equal (path, rule->path);
  if (g_str_has_prefix (path, rule->path))
    return TRUE;

  /* "/v1/" + "*" covers "/v1" itself: people mean "v1 and below". */
  length = strlen (rule->path);
  return length > 1 && rule->path[length - 1] == '/'
         && strlen (path) == length - 1
         && strncmp (path, rule->path, length - 1) == 0;
}

static const Rule *
find_match (GPtrArray  *list,
            const char *method,
            const char *host,
            const char *path)
{
  for (guint i = 0; i < list->len; i++)
    {
      const Rule *rule = g_ptr_array_index (list, i);

      /* Servers differ on the case of methods: take the wider reading, so
       * a deny rule for DELETE also stops "delete". */
      if ((rule->method == NULL || g_ascii_strcasecmp (method, rule->method) == 0)
          && host_matches (rule, host)
          && path_matches (rule, path))
        return rule;
    }
  return NULL;
}

SandlockHttpVerdict
sandlock_http_rules_check (SandlockHttpRules  *rules,
                           const char         *method,
                           const char         *host,
                           const char         *raw_path,
                           const char        **rule)
{
  g_autofree char *path = NULL;
  g_autofree char *canonical = NULL;
  const Rule *match;

  g_return_val_if_fail (rule != NULL, SANDLOCK_HTTP_INVALID);
  *rule = "invalid request";
  g_return_val_if_fail (rules != NULL, SANDLOCK_HTTP_INVALID);
  g_return_val_if_fail (method != NULL, SANDLOCK_HTTP_INVALID);
  g_return_val_if_fail (host != NULL, SANDLOCK_HTTP_INVALID);
  g_return_val_if_fail (raw_path != NULL, SANDLOCK_HTTP_INVALID);

  path = normalize (raw_path, FALSE, SANDLOCK_ERROR_FAILED, NULL);
  if (path == NULL)
    {
      *rule = "invalid path";
      return SANDLOCK_HTTP_INVALID;
    }
  canonical = canonical_host (host);
  if (canonical == NULL)
    {
      *rule = "invalid host";
      return SANDLOCK_HTTP_INVALID;
    }

  match = find_match (rules->deny, method, canonical, path);
  if (match != NULL)
    {
      *rule = match->text;
      return SANDLOCK_HTTP_DENY;
    }
  if (rules->allow->len == 0)
    {
      *rule = rules->deny->len > 0 ? "no http_deny rule matches" : "no http rules";
      return SANDLOCK_HTTP_ALLOW;
    }
  match = find_match (rules->allow, method, canonical, path);
  if (match != NULL)
    {
      *rule = match->text;
      return SANDLOCK_HTTP_ALLOW;
    }
  *rule = "no http_allow rule matches";
  return SANDLOCK_HTTP_DENY;
}

GPtrArray *
sandlock_http_rules_get_hosts (SandlockHttpRules *rules)
{
  GPtrArray *hosts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (rules != NULL, hosts);

  for (guint i = 0; i < rules->allow->len; i++)
    {
      const Rule *rule = g_ptr_array_index (rules->allow, i);

      if (rule->host_kind == HOST_EXACT
          && !g_ptr_array_find_with_equal_func (hosts, rule->host,
                                                g_str_equal, NULL))
        g_ptr_array_add (hosts, g_strdup (rule->host));
    }
  return hosts;
}

gboolean
sandlock_http_rules_has_allow (SandlockHttpRules *rules)
{
  g_return_val_if_fail (rules != NULL, FALSE);

  return rules->allow->len > 0;
}
