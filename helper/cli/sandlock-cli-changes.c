/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock changes|diff|commit|discard ID`: review and apply the workdir
 * changes a sandbox run with --on-exit keep left behind. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "sandlock-cli.h"

/* Every one of these takes ID, then its own arguments, and --fs-storage. */
typedef struct {
  char     *storage;
  gboolean  json;
  gboolean  overwrite;
  GStrv     args;   /* ID first */
} ChangesArgs;

/* Which options a command takes besides --fs-storage. */
typedef enum {
  WITH_JSON      = 1 << 0,
  WITH_OVERWRITE = 1 << 1,
} ExtraOptions;

static void
changes_args_clear (ChangesArgs *args)
{
  g_clear_pointer (&args->storage, g_free);
  g_clear_pointer (&args->args, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChangesArgs, changes_args_clear)

static gboolean
parse_args (int          argc,
            char       **argv,
            const char  *usage,
            ExtraOptions extra,
            guint        min_args,
            guint        max_args,
            ChangesArgs *out)
{
  GOptionEntry entries[5] = {
    { "fs-storage", 0, 0, G_OPTION_ARG_FILENAME, &out->storage,
      "Where the changes are kept (default $XDG_STATE_HOME/sandlock/cow)", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &out->args, NULL, NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;
  guint n = 2;

  if (extra & WITH_JSON)
    entries[n++] = (GOptionEntry) { "json", 0, 0, G_OPTION_ARG_NONE, &out->json,
                                    "Print JSON", NULL };
  if (extra & WITH_OVERWRITE)
    entries[n++] = (GOptionEntry) { "overwrite", 0, 0, G_OPTION_ARG_NONE, &out->overwrite,
                                    "Apply even over paths changed in the workdir since "
                                    "the sandbox started", NULL };
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      sandlock_cli_error ("%s", error->message);
      return FALSE;
    }
  n = out->args ? g_strv_length (out->args) : 0;
  if (n < min_args || n > max_args)
    {
      sandlock_cli_error ("usage: sandlock %s %s", argv[0], usage);
      return FALSE;
    }
  return TRUE;
}

static void
add_size (JsonBuilder *builder,
          const char  *name,
          gint64       size)
{
  json_builder_set_member_name (builder, name);
  if (size < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, size);
}

int
sandlock_cli_print_changes (const char *storage,
                            const char *id,
                            gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = sandlock_changes_list (storage, id, &error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (changes == NULL)
    return sandlock_cli_fail (error);
  if (!json)
    {
      for (guint i = 0; i < changes->len; i++)
        {
          SandlockChange *change = changes->pdata[i];
          printf ("%c %s\n", change->kind, change->path);
        }
      fflush (stdout);
      return 0;
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      SandlockChange *change = changes->pdata[i];
      char kind[2] = { change->kind, '\0' };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, change->path);
      add_size (builder, "size_before", change->size_before);
      add_size (builder, "size_after", change->size_after);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  {
    g_autoptr(JsonNode) root = json_builder_get_root (builder);
    g_autofree char *text = json_to_string (root, TRUE);
    printf ("%s\n", text);
  }
  return 0;
}

int
sandlock_cli_changes (int    argc,
                      char **argv)
{
  g_auto(ChangesArgs) args = { 0 };

  if (!parse_args (argc, argv, "ID", WITH_JSON, 1, 1, &args))
    return SANDLOCK_EXIT_USAGE;
  return sandlock_cli_print_changes (args.storage, args.args[0], args.json);
}

int
sandlock_cli_diff (int    argc,
                   char **argv)
{
  g_auto(ChangesArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;

  if (!parse_args (argc, argv, "ID PATH", 0, 2, 2, &args))
    return SANDLOCK_EXIT_USAGE;
  diff = sandlock_changes_diff (args.storage, args.args[0], args.args[1], &error);
  if (diff == NULL)
    return sandlock_cli_fail (error);
  fputs (diff, stdout);
  return 0;
}

int
sandlock_cli_commit (int    argc,
                     char **argv)
{
  g_auto(ChangesArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  const char * const *paths;

  if (!parse_args (argc, argv, "ID [PATH…]", WITH_OVERWRITE, 1, G_MAXUINT, &args))
    return SANDLOCK_EXIT_USAGE;
  paths = args.args[1] != NULL ? (const char * const *) args.args + 1 : NULL;
  if (!sandlock_changes_commit (args.storage, args.args[0], paths,
                                args.overwrite ? SANDLOCK_COMMIT_OVERWRITE
                                               : SANDLOCK_COMMIT_DEFAULT, &error))
    return sandlock_cli_fail (error);
  return 0;
}

int
sandlock_cli_discard (int    argc,
                      char **argv)
{
  g_auto(ChangesArgs) args = { 0 };
  g_autoptr(GError) error = NULL;

  if (!parse_args (argc, argv, "ID", 0, 1, 1, &args))
    return SANDLOCK_EXIT_USAGE;
  if (!sandlock_changes_discard (args.storage, args.args[0], &error))
    return sandlock_cli_fail (error);
  return 0;
}
