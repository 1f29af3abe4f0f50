/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sandlock.h"
#include "sandlock-parse.h"

#define NET_RULE_FORMS "use host:port, :port or *:port"

static gboolean
is_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* Digits only, no sign, no spaces: strtoull alone would take " -1". */
static gboolean
digits_to_u64 (const char *text,
               guint64    *value)
{
  if (!is_digits (text))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (text, NULL, 10);
  return errno == 0;
}

gboolean
sandlock_parse_uint (const char *text,
                     guint64     max,
                     guint64    *value,
                     GError    **error)
{
  guint64 v;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!is_digits (text))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is not a number (use a whole number such as 4)",
                   text);
      return FALSE;
    }
  if (!digits_to_u64 (text, &v) || v > max)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is too large (use at most %" G_GUINT64_FORMAT ")",
                   text, max);
      return FALSE;
    }
  *value = v;
  return TRUE;
}

gboolean
sandlock_parse_port (const char *text,
                     guint16    *port,
                     GError    **error)
{
  guint64 v;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  if (!digits_to_u64 (text, &v) || v < 1 || v > G_MAXUINT16)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is not a port (use 1-65535)", text);
      return FALSE;
    }
  *port = (guint16) v;
  return TRUE;
}

gboolean
sandlock_parse_bool (const char *text,
                     gboolean   *value,
                     GError    **error)
{
  static const struct { const char *word; gboolean value; } words[] = {
    { "true", TRUE }, { "yes", TRUE }, { "1", TRUE },
    { "false", FALSE }, { "no", FALSE }, { "0", FALSE },
  };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_ascii_strcasecmp (text, words[i].word) == 0)
      {
        *value = words[i].value;
        return TRUE;
      }

  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
               "\"%s\" is not a boolean (use true or false)", text);
  return FALSE;
}

gboolean
sandlock_parse_size (const char *text,
                     guint64    *bytes,
                     GError    **error)
{
  static const char suffixes[] = "KMGT";
  const char *p;
  const char *unit;
  g_autofree char *digits = NULL;
  guint64 number;
  guint shift = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  for (p = text; g_ascii_isdigit (*p); p++)
    ;
  digits = g_strndup (text, p - text);

  /* Optional K/M/G/T, then optional "B", or "iB" after a multiplier. */
  if (*p != '\0' && (unit = strchr (suffixes, g_ascii_toupper (*p))) != NULL)
    {
      shift = 10 * (guint) (unit - suffixes + 1);
      p++;
      if (g_ascii_tolower (*p) == 'i' && g_ascii_toupper (p[1]) == 'B')
        p++;
    }
  if (g_ascii_toupper (*p) == 'B')
    p++;

  if (*p != '\0' || *digits == '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is not a size (use e.g. 512M or 2G)", text);
      return FALSE;
    }
  if (!digits_to_u64 (digits, &number) || number > (G_MAXUINT64 >> shift))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is too large for a size (use e.g. 512M or 2G)",
                   text);
      return FALSE;
    }

  *bytes = number << shift;
  return TRUE;
}

gboolean
sandlock_hostname_is_valid (const char *host)
{
  const char *label = host;
  gboolean numeric_label = TRUE;

  if (strlen (host) > 253)
    return FALSE;

  for (const char *p = host; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          gsize len = p - label;

          if (len == 0 || len > 63 || label[0] == '-' || p[-1] == '-')
            return FALSE;
          if (*p == '\0')
            break;
          label = p + 1;
          numeric_label = TRUE;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-')
        return FALSE;
      if (!g_ascii_isdigit (*p))
        numeric_label = FALSE;
    }

  /* An all-digit top label is a malformed IPv4 address, not a name. */
  return !numeric_label;
}

/* An IP address, optionally with a /prefix (a CIDR block). */
static gboolean
address_is_valid (const char *text,
                  gboolean    ipv6)
{
  g_autofree char *address = g_strdup (text);
  char *slash = strchr (address, '/');
  guchar buffer[sizeof (struct in6_addr)];

  if (slash != NULL)
    {
      guint64 prefix;

      *slash = '\0';
      if (!digits_to_u64 (slash + 1, &prefix) || prefix > (ipv6 ? 128 : 32))
        return FALSE;
    }
  return inet_pton (ipv6 ? AF_INET6 : AF_INET, address, buffer) == 1;
}

static gboolean
parse_host (const char *rule,
            const char *host,
            gboolean    bracketed,
            GError    **error)
{
  if (bracketed)
    {
      if (address_is_valid (host, TRUE))
        return TRUE;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"%s\" is not an IPv6 address (use e.g. [::1]:443)",
                   rule, host);
      return FALSE;
    }

  if (strchr (host, ':') != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": put an IPv6 address in brackets (use e.g. [::1]:443)",
                   rule);
      return FALSE;
    }
  if (strchr (host, '*') != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": wildcards are not supported in host names; "
                   "list each host, or use *:port for any host", rule);
      return FALSE;
    }
  if (strchr (host, '/') != NULL)
    {
      if (address_is_valid (host, FALSE))
        return TRUE;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\": \"%s\" is not a CIDR block (use e.g. 10.0.0.0/8)",
                   rule, host);
      return FALSE;
    }
  if (address_is_valid (host, FALSE) || sandlock_hostname_is_valid (host))
    return TRUE;

  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
               "\"%s\": \"%s\" is not a host name or IP address "
               "(host names use letters, digits, \"-\" and \".\")",
               rule, host);
  return FALSE;
}

static GArray *
parse_port_list (const char *rule,
                 const char *text,
                 GError    **error)
{
  g_autoptr(GArray) ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_auto(GStrv) items = NULL;

  if (*text == '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" has no port (%s)", rule, NET_RULE_FORMS);
      return NULL;
    }

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      guint16 port;

      if (!sandlock_parse_port (items[i], &port, error))
        {
          g_prefix_error (error, "\"%s\": ", rule);
          return NULL;
        }
      g_array_append_val (ports, port);
    }
  return g_steal_pointer (&ports);
}

gboolean
sandlock_parse_net_rule (const char *text,
                         char      **host,
                         GArray    **ports,
                         GError    **error)
{
  g_autofree char *host_part = NULL;
  const char *port_part;
  gboolean bracketed = text != NULL && text[0] == '[';
  GArray *port_list;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (ports != NULL, FALSE);

  if (bracketed)
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "\"%s\" is not a network rule (use e.g. [::1]:443)",
                       text);
          return FALSE;
        }
      host_part = g_strndup (text + 1, close - text - 1);
      port_part = close + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon == NULL)
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "\"%s\" is not a network rule (%s)",
                       text, NET_RULE_FORMS);
          return FALSE;
        }
      host_part = g_strndup (text, colon - text);
      port_part = colon + 1;
    }

  /* "" and "*" both mean any host; "*" stays valid only on its own. */
  if (!bracketed && (host_part[0] == '\0' || g_str_equal (host_part, "*")))
    g_clear_pointer (&host_part, g_free);
  else if (!parse_host (text, host_part, bracketed, error))
    return FALSE;

  port_list = parse_port_list (text, port_part, error);
  if (port_list == NULL)
    return FALSE;

  *host = g_steal_pointer (&host_part);
  *ports = port_list;
  return TRUE;
}

gboolean
sandlock_env_name_is_valid (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

gboolean
sandlock_path_is_within (const char *path,
                         const char *dir)
{
  size_t len = strlen (dir);

  if (g_str_equal (dir, "/"))
    return TRUE;
  return strncmp (path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}
