/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock check`: what this kernel supports, and what a sandbox lacks. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "sandlock-cli.h"

static const char *
yes_no (gboolean value)
{
  return value ? "yes" : "no";
}

static void
print_text (JsonObject *report)
{
  JsonArray *levels = json_object_get_array_member (report, "landlock_levels");
  JsonArray *missing = json_object_get_array_member (report, "missing");

  printf ("Kernel:                     Linux %s (%s)\n",
          json_object_get_string_member (report, "kernel"),
          json_object_get_string_member (report, "arch"));
  printf ("Landlock ABI:               %" G_GINT64_FORMAT "\n",
          json_object_get_int_member (report, "landlock_abi"));
  for (guint i = 0; i < json_array_get_length (levels); i++)
    {
      JsonObject *level = json_array_get_object_element (levels, i);

      g_autofree char *kernel = g_strdup_printf ("(Linux %s)",
                                                 json_object_get_string_member (level, "linux"));

      printf ("  ABI %" G_GINT64_FORMAT " %-13s %-48s %s%s\n",
              json_object_get_int_member (level, "abi"),
              kernel,
              json_object_get_string_member (level, "feature"),
              yes_no (json_object_get_boolean_member (level, "available")),
              json_object_get_boolean_member (level, "required") ? "" : " (optional)");
    }
  printf ("seccomp user notification:  %s\n",
          yes_no (json_object_get_boolean_member (report, "seccomp_user_notification")));
  printf ("user namespaces:            %s\n",
          yes_no (json_object_get_boolean_member (report, "user_namespaces")));
  printf ("pidfd_getfd:                %s\n",
          yes_no (json_object_get_boolean_member (report, "pidfd_getfd")));

  if (json_array_get_length (missing) == 0)
    {
      printf ("\nReady: this kernel gives sandboxes all the confinement sandlock uses.\n");
      return;
    }
  printf ("\nMissing (sandlock refuses to run unless given --best-effort):\n");
  for (guint i = 0; i < json_array_get_length (missing); i++)
    printf ("  - %s\n", json_array_get_string_element (missing, i));
}

int
sandlock_cli_check (int    argc,
                    char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the report as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- report what this kernel supports");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *report = NULL;
  JsonObject *object;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Exit status: 0 when sandboxes get full confinement, 1 when something is missing.");
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      sandlock_cli_error ("%s", error ? error->message : "check takes no arguments");
      return SANDLOCK_EXIT_USAGE;
    }

  report = sandlock_kernel_report_json ();
  node = json_from_string (report, NULL);
  object = json_node_get_object (node);
  if (json)
    printf ("%s\n", report);
  else
    print_text (object);
  return json_object_get_boolean_member (object, "ready") ? 0 : 1;
}
