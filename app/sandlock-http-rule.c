/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include "sandlock-http-rule.h"

static gboolean
has_space (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (g_ascii_isspace (*c))
      return TRUE;
  return FALSE;
}

gboolean
sandlock_http_rule_split (const char  *rule,
                          char       **method,
                          char       **host,
                          char       **path)
{
  g_autofree char *copy = NULL;
  const char *space, *target, *slash;

  if (rule == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (rule));
  space = strpbrk (copy, " \t\n\r\f\v");
  if (space == NULL || space == copy)
    return FALSE;
  target = space;
  while (g_ascii_isspace (*target))
    target++;
  slash = strchr (target, '/');
  if (slash == NULL || slash == target || has_space (target))
    return FALSE;

  if (method != NULL)
    *method = g_strndup (copy, space - copy);
  if (host != NULL)
    *host = g_strndup (target, slash - target);
  if (path != NULL)
    *path = g_strdup (slash);
  return TRUE;
}

char *
sandlock_http_rule_join (const char *method,
                         const char *host,
                         const char *path)
{
  g_autofree char *m = g_strstrip (g_strdup (method ? method : ""));
  g_autofree char *h = g_strstrip (g_strdup (host ? host : ""));
  g_autofree char *p = g_strstrip (g_strdup (path ? path : ""));

  if (*h == '\0' || strchr (h, '/') != NULL || has_space (m) || has_space (h) || has_space (p))
    return NULL;
  return g_strdup_printf ("%s %s%s%s",
                          *m != '\0' ? m : "*",
                          h,
                          p[0] == '/' ? "" : "/",
                          *p != '\0' ? p : "*");
}
