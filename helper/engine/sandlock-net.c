/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "sandlock-http-rules.h"
#include "sandlock-net.h"

static void
endpoint_clear (gpointer data)
{
  g_clear_pointer (&((SandlockEndpoint *) data)->ports, g_array_unref);
}

static void
add_endpoint (SandlockNetAllow *allow,
              int               family,
              const void       *addr,
              guint             prefix,
              GArray           *ports)
{
  SandlockEndpoint endpoint = { .family = family, .prefix = prefix,
                                .ports = g_array_ref (ports) };

  if (addr != NULL)
    memcpy (endpoint.addr, addr, family == AF_INET ? 4 : 16);
  g_array_append_val (allow->endpoints, endpoint);
}

/* "1.2.3.4", "::1", "10.0.0.0/8", "fd00::/8": TRUE when @host is one. */
static gboolean
add_literal (SandlockNetAllow *allow,
             const char       *host,
             GArray           *ports)
{
  g_autofree char *address = g_strdup (host);
  char *slash = strchr (address, '/');
  guint8 bytes[16];
  int family;
  guint prefix;

  if (slash != NULL)
    *slash = '\0';
  if (inet_pton (AF_INET, address, bytes) == 1)
    family = AF_INET;
  else if (inet_pton (AF_INET6, address, bytes) == 1)
    family = AF_INET6;
  else
    return FALSE;

  prefix = family == AF_INET ? 32 : 128;
  if (slash != NULL)
    prefix = MIN ((guint) atoi (slash + 1), prefix);   /* validated when parsed */
  add_endpoint (allow, family, bytes, prefix, ports);
  return TRUE;
}

static gboolean
add_name (SandlockNetAllow  *allow,
          const char        *name,
          GArray            *ports,
          GString           *hosts,
          const char        *field,
          GError           **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
  struct addrinfo *result = NULL;
  int ret = getaddrinfo (name, NULL, &hints, &result);
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (ret != 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "%s: cannot resolve %s: %s", field, name, gai_strerror (ret));
      return FALSE;
    }
  for (struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next)
    {
      char text[INET6_ADDRSTRLEN];
      const void *bytes = ai->ai_family == AF_INET
        ? (const void *) &((struct sockaddr_in *) ai->ai_addr)->sin_addr
        : (const void *) &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr;

      if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
        continue;
      add_endpoint (allow, ai->ai_family, bytes, ai->ai_family == AF_INET ? 32 : 128, ports);
      inet_ntop (ai->ai_family, bytes, text, sizeof text);
      /* The file names localhost already. */
      if (g_ascii_strcasecmp (name, "localhost") != 0)
        g_string_append_printf (hosts, "%s\t%s\n", text, name);
      /* Names compare without case (the proxy's Host check). */
      g_hash_table_add (allow->pinned, g_strdup_printf ("%s\t%s", text, lower));
    }
  freeaddrinfo (result);
  return TRUE;
}

/* The hosts http_allow names can be reached on the HTTP ports, and on 443
 * when HTTPS is intercepted: the proxy decides what goes there. */
static gboolean
add_http_hosts (SandlockNetAllow  *allow,
                SandlockPolicy    *policy,
                SandlockHttpRules *rules,
                GString           *hosts,
                gboolean          *names,
                GError           **error)
{
  g_autoptr(GPtrArray) rule_hosts = NULL;
  g_autoptr(GArray) http_ports = sandlock_policy_http_ports (policy);
  g_autoptr(GArray) ports = g_array_copy (http_ports);
  static const guint16 https = 443;

  if (rules == NULL)
    return TRUE;
  rule_hosts = sandlock_http_rules_get_hosts (rules);
  if (policy->https_ca != NULL)
    g_array_append_val (ports, https);

  for (guint i = 0; i < rule_hosts->len; i++)
    {
      const char *host = rule_hosts->pdata[i];

      if (!add_literal (allow, host, ports))
        {
          if (!add_name (allow, host, ports, hosts, "http_allow", error))
            return FALSE;
          *names = TRUE;
        }
      allow->has_hosts = TRUE;
    }
  return TRUE;
}

SandlockNetAllow *
sandlock_net_allow_resolve (SandlockPolicy     *policy,
                            SandlockHttpRules  *http_rules,
                            GError            **error)
{
  g_autoptr(SandlockNetAllow) allow = g_new0 (SandlockNetAllow, 1);
  g_autoptr(GString) hosts = g_string_new (
    "# Written by sandlock: only the hosts of net_allow resolve here.\n"
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n");
  gboolean names = FALSE;

  allow->endpoints = g_array_new (FALSE, FALSE, sizeof (SandlockEndpoint));
  g_array_set_clear_func (allow->endpoints, endpoint_clear);
  allow->pinned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < policy->net_allow->len; i++)
    {
      SandlockNetRule *rule = policy->net_allow->pdata[i];

      if (rule->host == NULL)
        add_endpoint (allow, 0, NULL, 0, rule->ports);
      else if (!add_literal (allow, rule->host, rule->ports))
        {
          if (!add_name (allow, rule->host, rule->ports, hosts, "net_allow", error))
            return NULL;
          names = TRUE;
        }
      allow->has_hosts |= rule->host != NULL;
    }

  if (!add_http_hosts (allow, policy, http_rules, hosts, &names, error))
    return NULL;

  if (names)
    allow->hosts_file = g_string_free_to_bytes (g_steal_pointer (&hosts));
  return g_steal_pointer (&allow);
}

void
sandlock_net_allow_free (SandlockNetAllow *allow)
{
  if (allow == NULL)
    return;
  g_clear_pointer (&allow->endpoints, g_array_unref);
  g_clear_pointer (&allow->hosts_file, g_bytes_unref);
  g_clear_pointer (&allow->pinned, g_hash_table_unref);
  g_free (allow);
}

gboolean
sandlock_net_allow_is_pinned (SandlockNetAllow *allow,
                              const char       *address,
                              const char       *name)
{
  g_autofree char *key = g_strdup_printf ("%s\t%s", address, name);

  return g_hash_table_contains (allow->pinned, key);
}

GPtrArray *
sandlock_net_allow_pinned_names (SandlockNetAllow *allow,
                                 const char       *address)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = g_strdup_printf ("%s\t", address);
  GHashTableIter iter;
  const char *key;

  g_hash_table_iter_init (&iter, allow->pinned);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_ptr_array_add (names, g_strdup (key + strlen (prefix)));
  return names;
}

static gboolean
prefix_matches (const guint8 *a,
                const guint8 *b,
                guint         bits)
{
  guint bytes = bits / 8;
  guint8 mask = 0xff << (8 - bits % 8);

  if (memcmp (a, b, bytes) != 0)
    return FALSE;
  return bits % 8 == 0 || ((a[bytes] ^ b[bytes]) & mask) == 0;
}

int
sandlock_net_allow_check (SandlockNetAllow      *allow,
                          const struct sockaddr *addr,
                          socklen_t              length)
{
  static const guint8 v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;
  int family = addr->sa_family;
  guint16 port;

  if (family == AF_INET && length >= sizeof (struct sockaddr_in))
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) addr;
      bytes = (const guint8 *) &in->sin_addr;
      port = ntohs (in->sin_port);
    }
  else if (family == AF_INET6 && length >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) addr;
      bytes = (const guint8 *) &in6->sin6_addr;
      port = ntohs (in6->sin6_port);
      /* ::ffff:1.2.3.4 is 1.2.3.4. */
      if (memcmp (bytes, v4_mapped, sizeof v4_mapped) == 0)
        {
          family = AF_INET;
          bytes += sizeof v4_mapped;
        }
    }
  else
    return EINVAL;

  for (guint i = 0; i < allow->endpoints->len; i++)
    {
      SandlockEndpoint *e = &g_array_index (allow->endpoints, SandlockEndpoint, i);
      gboolean port_ok = FALSE;

      for (guint k = 0; k < e->ports->len && !port_ok; k++)
        port_ok = g_array_index (e->ports, guint16, k) == port;
      if (port_ok && (e->family == 0 ||
                      (e->family == family && prefix_matches (e->addr, bytes, e->prefix))))
        return 0;
    }
  return allow->has_hosts ? ECONNREFUSED : EACCES;
}
