/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock ps`, `sandlock kill NAME`, `sandlock inspect NAME`: the running
 * named sandboxes. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "sandlock-cli.h"

static char *
format_ports (JsonObject *record)
{
  JsonObject *ports = json_object_get_object_member (record, "ports");
  g_autoptr(GList) members = ports ? json_object_get_members (ports) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    {
      gint64 real = json_object_get_int_member (ports, l->data);

      if (text->len > 0)
        g_string_append (text, ", ");
      if (g_ascii_strtoll (l->data, NULL, 10) == real)
        g_string_append (text, l->data);
      else
        g_string_append_printf (text, "%s -> %" G_GINT64_FORMAT, (const char *) l->data, real);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
sandlock_cli_ps (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (argc > 1)
    {
      sandlock_cli_error ("ps takes no arguments");
      return SANDLOCK_EXIT_USAGE;
    }
  records = sandlock_registry_list (&error);
  if (records == NULL)
    return sandlock_cli_fail (error);

  printf ("%-24s %8s  %s\n", "NAME", "PID", "PORTS");
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (records->pdata[i], NULL);
      JsonObject *record;
      g_autofree char *ports = NULL;

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      record = json_node_get_object (node);
      ports = format_ports (record);
      printf ("%-24s %8" G_GINT64_FORMAT "  %s\n",
              json_object_get_string_member (record, "name"),
              json_object_get_int_member (record, "pid"), ports);
    }
  return 0;
}

int
sandlock_cli_kill (int    argc,
                   char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      sandlock_cli_error ("usage: sandlock kill NAME");
      return SANDLOCK_EXIT_USAGE;
    }
  if (!sandlock_registry_kill (argv[1], &error))
    return sandlock_cli_fail (error);
  printf ("Killed sandbox '%s'\n", argv[1]);
  return 0;
}

int
sandlock_cli_inspect (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *pretty = NULL;

  if (argc != 2)
    {
      sandlock_cli_error ("usage: sandlock inspect NAME");
      return SANDLOCK_EXIT_USAGE;
    }
  record = sandlock_registry_inspect (argv[1], &error);
  if (record == NULL)
    return sandlock_cli_fail (error);
  node = json_from_string (record, NULL);
  pretty = node ? json_to_string (node, TRUE) : g_strdup (record);
  printf ("%s\n", pretty);
  return 0;
}
