/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandlock-parse.h"
#include "sandlock-policy-private.h"
#include "sandlock-seccomp.h"

/* The name becomes the hostname and part of file names under
 * $XDG_RUNTIME_DIR/sandlock/. */
#define NAME_MAX_BYTES 64
#define NAME_ADVICE "use only letters, digits, \"-\" and \".\", e.g. build-1"

/* Sentences, plus the error code the first one deserves. */
typedef struct {
  GPtrArray     *messages;
  SandlockError  first_code;
} Problems;

static void add_problem (Problems     *problems,
                         SandlockError code,
                         const char   *format,
                         ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (Problems     *problems,
             SandlockError code,
             const char   *format,
             ...)
{
  va_list args;

  if (problems->messages->len == 0)
    problems->first_code = code;
  va_start (args, format);
  g_ptr_array_add (problems->messages, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
check_path (Problems            *problems,
            const SandlockField *field,
            const char          *path,
            gboolean             want_directory)
{
  struct stat st;

  /* Follow symlinks: that is what the kernel grants access to. */
  if (stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                     "%s: %s does not exist", field->name, path);
      else
        add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                     "%s: %s cannot be reached (%s)",
                     field->name, path, g_strerror (saved_errno));
    }
  else if (want_directory && !S_ISDIR (st.st_mode))
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: %s is not a directory", field->name, path);
}

static void
check_paths (Problems            *problems,
             SandlockPolicy      *policy,
             const SandlockField *field,
             gboolean             want_directory)
{
  if (field->kind == SANDLOCK_FIELD_PATH)
    {
      check_path (problems, field,
                  SANDLOCK_FIELD_MEMBER (policy, field, char *), want_directory);
      return;
    }

  g_assert (field->kind == SANDLOCK_FIELD_PATH_LIST);
  for (guint i = 0; i < SANDLOCK_FIELD_MEMBER (policy, field, GPtrArray *)->len; i++)
    check_path (problems, field,
                g_ptr_array_index (SANDLOCK_FIELD_MEMBER (policy, field, GPtrArray *), i),
                want_directory);
}

static void
check_exists (Problems            *problems,
              SandlockPolicy      *policy,
              const SandlockField *field)
{
  check_paths (problems, policy, field, FALSE);
}

static void
check_directory (Problems            *problems,
                 SandlockPolicy      *policy,
                 const SandlockField *field)
{
  check_paths (problems, policy, field, TRUE);
}

static void
check_range (Problems            *problems,
             SandlockPolicy      *policy,
             const SandlockField *field)
{
  gint64 value = SANDLOCK_FIELD_MEMBER (policy, field, gint64);

  g_assert (field->kind == SANDLOCK_FIELD_INT);
  if (value >= field->min && value <= field->max)
    return;

  if (field->max == G_MAXINT64)
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: %" G_GINT64_FORMAT " is out of range "
                 "(use %" G_GINT64_FORMAT " or more)",
                 field->name, value, field->min);
  else
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: %" G_GINT64_FORMAT " is out of range "
                 "(use %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT ")",
                 field->name, value, field->min, field->max);
}

static void
check_cpus (Problems            *problems,
            SandlockPolicy      *policy,
            const SandlockField *field)
{
  GArray *cores = SANDLOCK_FIELD_MEMBER (policy, field, GArray *);
  long n_cpus = sysconf (_SC_NPROCESSORS_CONF);
  g_autofree char *available = NULL;

  if (n_cpus < 1)
    n_cpus = 1;
  available = n_cpus == 1
    ? g_strdup ("CPU 0")
    : g_strdup_printf ("CPUs 0-%ld", n_cpus - 1);

  for (guint i = 0; i < cores->len; i++)
    {
      guint core = g_array_index (cores, guint, i);

      if (core >= (gulong) n_cpus)
        add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                     "%s: CPU %u does not exist (this machine has %s)",
                     field->name, core, available);
    }
}

static void
check_env_names (Problems            *problems,
                 SandlockPolicy      *policy,
                 const SandlockField *field)
{
  GHashTable *env = SANDLOCK_FIELD_MEMBER (policy, field, GHashTable *);
  /* Sorted, so the report does not depend on hashing. */
  g_autoptr(GList) names = g_list_sort (g_hash_table_get_keys (env),
                                        (GCompareFunc) g_strcmp0);

  for (GList *l = names; l != NULL; l = l->next)
    if (!sandlock_env_name_is_valid (l->data))
      add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                   "%s: \"%s\" is not a valid variable name",
                   field->name, (const char *) l->data);
}

static void
check_hostname (Problems            *problems,
                SandlockPolicy      *policy,
                const SandlockField *field)
{
  const char *name = SANDLOCK_FIELD_MEMBER (policy, field, char *);
  g_autofree char *shown = g_strescape (name, NULL);
  gsize length = strlen (name);

  if (length == 0)
    {
      add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                   "%s: the name is empty (" NAME_ADVICE ")", field->name);
      return;
    }
  if (length > NAME_MAX_BYTES)
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: \"%s\" is %" G_GSIZE_FORMAT " bytes long "
                 "(use at most %d)", field->name, shown, length, NAME_MAX_BYTES);
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: \"%s\" cannot be a name, it is a directory entry "
                 "(" NAME_ADVICE ")", field->name, shown);
  else if (strchr (name, '/') != NULL)
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: \"%s\" contains \"/\", which cannot be in a file name "
                 "(" NAME_ADVICE ")", field->name, shown);
  else if (strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789-.") != length)
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "%s: \"%s\" cannot be a hostname, which the name becomes "
                 "(" NAME_ADVICE ")", field->name, shown);
}

gboolean
sandlock_sandbox_name_is_valid (const char *name)
{
  gsize length = name ? strlen (name) : 0;

  return length > 0 && length <= NAME_MAX_BYTES &&
         !g_str_equal (name, ".") && !g_str_equal (name, "..") &&
         strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789-.") == length;
}

typedef void (*Checker) (Problems            *problems,
                         SandlockPolicy      *policy,
                         const SandlockField *field);

/* Indexed by SandlockFieldCheck; the table in sandlock-policy.c says which
 * field needs which. */
static const Checker checkers[] = {
  [SANDLOCK_CHECK_NONE]      = NULL,
  [SANDLOCK_CHECK_EXISTS]    = check_exists,
  [SANDLOCK_CHECK_DIRECTORY] = check_directory,
  [SANDLOCK_CHECK_RANGE]     = check_range,
  [SANDLOCK_CHECK_CPUS]      = check_cpus,
  [SANDLOCK_CHECK_ENV_NAMES] = check_env_names,
  [SANDLOCK_CHECK_HOSTNAME]  = check_hostname,
};

static void
collect_problems (SandlockPolicy *policy,
                  Problems       *problems)
{
  gsize n_fields;
  const SandlockField *fields = sandlock_policy_get_fields (&n_fields);

  problems->messages = g_ptr_array_new_with_free_func (g_free);
  problems->first_code = SANDLOCK_ERROR_INVALID_POLICY;

  for (gsize i = 0; i < n_fields; i++)
    {
      const SandlockField *field = &fields[i];

      if (!sandlock_policy_field_is_set (policy, field))
        continue;
      if (!field->supported)
        add_problem (problems, SANDLOCK_ERROR_UNSUPPORTED,
                     "%s is not supported yet by this version of sandlock; "
                     "remove it from the policy", field->name);
      /* Value checks run for unsupported fields too: the user fixes
       * everything in one pass. */
      g_assert ((gsize) field->check < G_N_ELEMENTS (checkers));
      if (checkers[field->check] != NULL)
        checkers[field->check] (problems, policy, field);
    }

  if (policy->deny_syscalls->len > 0 && policy->allow_syscalls->len > 0)
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "deny_syscalls and allow_syscalls are both set, which "
                 "contradicts itself; use either a deny list or an allow list");

  if (policy->workdir == NULL &&
      (policy->fs_storage != NULL || policy->max_disk > 0 ||
       policy->on_exit != SANDLOCK_ACTION_UNSET ||
       policy->on_error != SANDLOCK_ACTION_UNSET))
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "fs_storage, max_disk, on_exit and on_error apply to a workdir's changes; "
                 "set workdir too");

  if ((policy->https_ca == NULL) != (policy->https_key == NULL))
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "https_ca and https_key go together (a CA certificate and its "
                 "private key); set both, or neither");
  if (policy->http_allow->len == 0 && policy->http_deny->len == 0 &&
      (policy->https_ca != NULL || policy->http_ports->len > 0))
    add_problem (problems, SANDLOCK_ERROR_INVALID_POLICY,
                 "http_ports, https_ca and https_key apply to HTTP rules; "
                 "add http_allow or http_deny rules too");

  /* Syscall names are the seccomp module's: it knows the table. It adds
   * plain sentences, which are invalid values rather than unsupported. */
  sandlock_seccomp_check_policy (policy, problems->messages);
}

GPtrArray *
sandlock_policy_check (SandlockPolicy *policy)
{
  Problems problems;

  g_return_val_if_fail (policy != NULL, NULL);

  collect_problems (policy, &problems);
  return problems.messages;
}

gboolean
sandlock_policy_validate (SandlockPolicy *policy,
                          GError        **error)
{
  Problems problems;
  g_autoptr(GPtrArray) messages = NULL;
  guint more;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  collect_problems (policy, &problems);
  messages = problems.messages;
  if (messages->len == 0)
    return TRUE;

  more = messages->len - 1;
  if (more == 0)
    g_set_error_literal (error, SANDLOCK_ERROR, problems.first_code,
                         g_ptr_array_index (messages, 0));
  else
    g_set_error (error, SANDLOCK_ERROR, problems.first_code,
                 "%s (and %u more problem%s)",
                 (const char *) g_ptr_array_index (messages, 0),
                 more, more == 1 ? "" : "s");
  return FALSE;
}
