/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "sandlock.h"

#define MAX_NAME 64

char *
sandlock_profile_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "sandlock", "profiles", NULL);
}

gboolean
sandlock_profile_name_is_valid (const char *name)
{
  size_t len;

  if (name == NULL || name[0] == '\0' || name[0] == '.')
    return FALSE;
  len = strlen (name);
  if (len > MAX_NAME)
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '.' && name[i] != '_' &&
        name[i] != '-')
      return FALSE;
  return TRUE;
}

static char *
profile_path (const char  *name,
              GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;

  if (!sandlock_profile_name_is_valid (name))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is not a valid profile name (use 1-%d letters, "
                   "digits, '.', '_' or '-', not starting with '.')",
                   name, MAX_NAME);
      return NULL;
    }
  dir = sandlock_profile_dir ();
  file = g_strconcat (name, ".json", NULL);
  return g_build_filename (dir, file, NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GStrv
sandlock_profile_list (GError **error)
{
  g_autofree char *path = sandlock_profile_dir ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *entry;

  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_new0 (char *, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;

      if (!g_str_has_suffix (entry, ".json"))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (".json"));
      if (sandlock_profile_name_is_valid (name))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

SandlockPolicy *
sandlock_profile_load (const char  *name,
                       GError     **error)
{
  g_autofree char *path = profile_path (name, error);
  g_autoptr(GError) local_error = NULL;
  SandlockPolicy *policy;

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "no profile named \"%s\" (looked for %s; \"sandlock profile "
                   "list\" shows the saved ones)", name, path);
      return NULL;
    }
  policy = sandlock_policy_new_from_file (path, &local_error);
  if (policy == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                "profile \"%s\": ", name);
  return policy;
}

gboolean
sandlock_profile_save (const char      *name,
                       SandlockPolicy  *policy,
                       GError         **error)
{
  g_autofree char *path = profile_path (name, error);
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (policy != NULL, FALSE);

  if (path == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  json = sandlock_policy_to_json (policy);
  return g_file_set_contents_full (path, json, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

gboolean
sandlock_profile_delete (const char  *name,
                         GError     **error)
{
  g_autofree char *path = profile_path (name, error);

  if (path == NULL)
    return FALSE;
  if (g_unlink (path) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR,
                   saved == ENOENT ? SANDLOCK_ERROR_INVALID_POLICY
                                   : SANDLOCK_ERROR_FAILED,
                   "cannot delete profile \"%s\": %s", name,
                   saved == ENOENT ? "no such profile" : g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
