/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock profile list|show|save|delete`: saved policies, shared with the
 * helper and the desktop app. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "sandlock-cli.h"

static const char profile_usage[] =
  "usage: sandlock profile list\n"
  "       sandlock profile show NAME\n"
  "       sandlock profile save NAME [RUN OPTION…]\n"
  "       sandlock profile delete NAME\n"
  "Profiles are JSON policies in %s.\n";

static int
usage_error (const char *message)
{
  g_autofree char *dir = sandlock_profile_dir ();

  if (message != NULL)
    sandlock_cli_error ("%s", message);
  fprintf (stderr, profile_usage, dir);
  return SANDLOCK_EXIT_USAGE;
}

static int
profile_list (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = sandlock_profile_list (&error);

  if (names == NULL)
    return sandlock_cli_fail (error);
  for (guint i = 0; names[i] != NULL; i++)
    printf ("%s\n", names[i]);
  return 0;
}

static int
profile_show (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockPolicy) policy = sandlock_profile_load (name, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;

  if (policy == NULL)
    return sandlock_cli_fail (error);
  json = sandlock_policy_to_json (policy);
  node = json_from_string (json, NULL);
  pretty = json_to_string (node, TRUE);
  printf ("%s\n", pretty);
  return 0;
}

static int
profile_save (int    argc,
              char **argv)
{
  g_auto(SandlockCliRunOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  const char *name = argv[0];

  g_set_prgname ("sandlock profile save");
  if (!sandlock_cli_parse_run_options (argc, argv, "NAME", &options))
    return SANDLOCK_EXIT_USAGE;
  if (options.command != NULL && options.command[0] != NULL)
    return usage_error ("profile save takes run options, not a command");
  if (!sandlock_policy_validate (options.policy, &error) ||
      !sandlock_profile_save (name, options.policy, &error))
    return sandlock_cli_fail (error);
  return 0;
}

int
sandlock_cli_profile (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *verb = argc > 1 ? argv[1] : NULL;

  if (verb == NULL)
    return usage_error ("which profile command?");
  if (g_str_equal (verb, "list") && argc == 2)
    return profile_list ();
  if (g_str_equal (verb, "show") && argc == 3)
    return profile_show (argv[2]);
  if (g_str_equal (verb, "save") && argc >= 3)
    return profile_save (argc - 2, argv + 2);
  if (g_str_equal (verb, "delete") && argc == 3)
    return sandlock_profile_delete (argv[2], &error) ? 0 : sandlock_cli_fail (error);
  return usage_error (NULL);
}
