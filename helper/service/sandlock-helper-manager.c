/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <math.h>
#include <string.h>
#include <gio/gunixfdlist.h>

#include "sandlock-helper-audit-log.h"
#include "sandlock-helper-clients.h"
#include "sandlock-helper-error.h"
#include "sandlock-helper-manager.h"
#include "sandlock-helper-sandbox.h"
#include "sandlock-helper-variant.h"

#define MANAGER_PATH     "/org/sandlock/Helper1"
#define SANDBOX_PATH     MANAGER_PATH "/sandbox/"
#define INTERFACE_VERSION 1

/* Audit files rotate at this size; this many are kept. */
#define AUDIT_FILE_BYTES (8 * 1024 * 1024)
#define AUDIT_FILES      8

struct _SandlockHelperManager {
  SandlockDbusManagerSkeleton  parent_instance;

  GDBusConnection             *connection;
  GDBusObjectManagerServer    *objects;
  SandlockHelperClients       *clients;
  SandlockHelperAuditLog      *audit_log;
  GHashTable                  *sandboxes;    /* id -> SandlockHelperSandbox */
  guint                        idle_seconds;
  guint                        idle_timer;
};

static void sandlock_helper_manager_iface_init (SandlockDbusManagerIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SandlockHelperManager, sandlock_helper_manager,
                               SANDLOCK_DBUS_TYPE_MANAGER_SKELETON,
                               G_IMPLEMENT_INTERFACE (SANDLOCK_DBUS_TYPE_MANAGER,
                                                      sandlock_helper_manager_iface_init))

enum {
  SIGNAL_IDLE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* Idleness                                                                 */
/* ------------------------------------------------------------------------ */

static gboolean
on_idle_timeout (gpointer user_data)
{
  SandlockHelperManager *self = user_data;

  self->idle_timer = 0;
  g_debug ("idle for %u s: exiting", self->idle_seconds);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  return G_SOURCE_REMOVE;
}

static void
update_idle (SandlockHelperManager *self)
{
  GHashTableIter iter;
  gpointer sandbox;
  gboolean busy = sandlock_helper_clients_count (self->clients) > 0;

  g_hash_table_iter_init (&iter, self->sandboxes);
  while (!busy && g_hash_table_iter_next (&iter, NULL, &sandbox))
    busy = sandlock_helper_sandbox_is_running (sandbox);

  if (busy)
    g_clear_handle_id (&self->idle_timer, g_source_remove);
  else if (self->idle_timer == 0)
    self->idle_timer = g_timeout_add_seconds (self->idle_seconds, on_idle_timeout, self);
}

static gboolean
on_authorize (GDBusInterfaceSkeleton *skeleton,
              GDBusMethodInvocation  *invocation,
              gpointer                user_data)
{
  SandlockHelperManager *self = user_data;
  gboolean allowed = sandlock_helper_clients_authorize (self->clients, invocation);

  update_idle (self);
  return allowed;
}

static void
on_client_gone (const char *unique_name,
                gpointer    user_data)
{
  SandlockHelperManager *self = user_data;
  GHashTableIter iter;
  gpointer sandbox;

  /* Sandboxes die with the client that launched them, unless detached. */
  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, &sandbox))
    if (!sandlock_helper_sandbox_is_detached (sandbox) &&
        g_strcmp0 (sandlock_helper_sandbox_get_owner (sandbox), unique_name) == 0)
      {
        g_debug ("killing sandbox %s: its client left", sandlock_helper_sandbox_get_id (sandbox));
        sandlock_helper_sandbox_terminate (sandbox);
      }
  update_idle (self);
}

/* ------------------------------------------------------------------------ */
/* Launch                                                                   */
/* ------------------------------------------------------------------------ */

static gboolean
set_error (GError     **error,
           int          code,
           const char  *format,
           ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_error (GError     **error,
           int          code,
           const char  *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SANDLOCK_HELPER_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
take_fd (GUnixFDList  *fd_list,
         const char   *key,
         GVariant     *value,
         int          *fd,
         GError      **error)
{
  int index = g_variant_get_handle (value);

  if (fd_list == NULL || index < 0 || index >= g_unix_fd_list_get_length (fd_list))
    return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                      "option %s: fd index %d was not passed with the call", key, index);
  *fd = g_unix_fd_list_get (fd_list, index, error);
  return *fd >= 0;
}

static const char * const stdio_names[] = { "stdin", "stdout", "stderr" };

static const char *
option_type (const char *key,
             int        *stdio)
{
  for (int i = 0; i < 3; i++)
    if (strcmp (key, stdio_names[i]) == 0)
      {
        *stdio = i;
        return "h";
      }
  if (strcmp (key, "name") == 0)
    return "s";
  if (strcmp (key, "cwd") == 0)
    return "ay";
  if (strcmp (key, "timeout") == 0)
    return "d";
  if (strcmp (key, "dry_run") == 0 || strcmp (key, "detach") == 0 ||
      strcmp (key, "observe") == 0)
    return "b";
  return NULL;
}

static gboolean
parse_option (const char            *key,
              GVariant              *value,
              GUnixFDList           *fd_list,
              SandlockHelperLaunch  *launch,
              GError               **error)
{
  int stdio = -1;
  const char *wanted = option_type (key, &stdio);
  const char *type = g_variant_get_type_string (value);

  if (wanted == NULL)
    return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                      "unknown launch option \"%s\" (name, cwd, timeout, dry_run, "
                      "detach, observe, stdin, stdout, stderr)", key);
  if (strcmp (type, wanted) != 0)
    return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                      "launch option \"%s\" must be of type %s, not %s", key, wanted, type);

  if (stdio >= 0)
    {
      if (launch->stdio[stdio] >= 0)
        return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT, "%s given twice", key);
      return take_fd (fd_list, key, value, &launch->stdio[stdio], error);
    }
  if (strcmp (key, "name") == 0)
    {
      const char *name = g_variant_get_string (value, NULL);

      if (!sandlock_sandbox_name_is_valid (name))
        return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                          "name \"%s\" is not valid (1-64 of A-Z a-z 0-9 . -)", name);
      g_free (launch->name);
      launch->name = g_strdup (name);
    }
  else if (strcmp (key, "cwd") == 0)
    {
      g_free (launch->cwd);
      launch->cwd = g_variant_dup_bytestring (value, NULL);
    }
  else if (strcmp (key, "timeout") == 0)
    {
      launch->timeout = g_variant_get_double (value);
      if (!isfinite (launch->timeout) || launch->timeout < 0)
        return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                          "timeout must be a number of seconds, 0 or more");
    }
  else if (strcmp (key, "dry_run") == 0)
    launch->dry_run = g_variant_get_boolean (value);
  else if (strcmp (key, "detach") == 0)
    launch->detach = g_variant_get_boolean (value);
  else
    launch->observe = g_variant_get_boolean (value);
  return TRUE;
}

static gboolean
parse_options (GVariant              *options,
               GUnixFDList           *fd_list,
               SandlockHelperLaunch  *launch,
               GError               **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;

      if (!parse_option (key, owned, fd_list, launch, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_argv (const char * const  *argv,
            GError             **error)
{
  if (argv == NULL || argv[0] == NULL)
    return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                      "argv is empty: give the program and its arguments");
  if (argv[0][0] == '\0')
    return set_error (error, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                      "argv[0] is empty: give the program to run");
  return TRUE;
}

/* Problems as one InvalidPolicy error. */
static GError *
problems_error (GPtrArray *problems)
{
  g_autoptr(GString) message = g_string_new ("invalid policy: ");

  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (message, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (problems, i));
  return g_error_new_literal (SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_POLICY,
                              message->str);
}

static void
on_sandbox_finished (SandlockHelperSandbox *sandbox,
                     SandlockHelperManager *self)
{
  update_idle (self);
}

static void
on_sandbox_removed (SandlockHelperSandbox *sandbox,
                    SandlockHelperManager *self)
{
  const char *id = sandlock_helper_sandbox_get_id (sandbox);
  g_autofree char *path = g_strconcat (SANDBOX_PATH, id, NULL);

  g_dbus_object_manager_server_unexport (self->objects, path);
  g_hash_table_remove (self->sandboxes, id);
  update_idle (self);
}

static void
publish (SandlockHelperManager *self,
         SandlockHelperSandbox *sandbox)
{
  const char *id = sandlock_helper_sandbox_get_id (sandbox);
  g_autofree char *path = g_strconcat (SANDBOX_PATH, id, NULL);
  g_autoptr(SandlockDbusObjectSkeleton) object = sandlock_dbus_object_skeleton_new (path);

  g_signal_connect (sandbox, "g-authorize-method", G_CALLBACK (on_authorize), self);
  g_signal_connect (sandbox, "finished", G_CALLBACK (on_sandbox_finished), self);
  g_signal_connect (sandbox, "removed", G_CALLBACK (on_sandbox_removed), self);
  sandlock_dbus_object_skeleton_set_sandbox (object, SANDLOCK_DBUS_SANDBOX (sandbox));
  g_dbus_object_manager_server_export (self->objects, G_DBUS_OBJECT_SKELETON (object));
  g_hash_table_insert (self->sandboxes, g_strdup (id), g_object_ref (sandbox));
}

static gboolean
handle_launch (SandlockDbusManager   *iface,
               GDBusMethodInvocation *invocation,
               GUnixFDList           *fd_list,
               GVariant              *policy_dict,
               const char * const    *argv,
               GVariant              *options)
{
  SandlockHelperManager *self = SANDLOCK_HELPER_MANAGER (iface);
  g_auto(SandlockHelperLaunch) launch = { .stdio = { -1, -1, -1 } };
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SandlockPolicy) policy = NULL;
  g_autoptr(SandlockHelperSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!check_argv (argv, &error) || !parse_options (options, fd_list, &launch, &error))
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  policy = sandlock_helper_policy_from_variant (policy_dict, problems);
  if (problems->len > 0)
    {
      g_autoptr(GError) invalid = problems_error (problems);
      sandlock_helper_return_error (invocation, invalid);
      return TRUE;
    }

  launch.owner = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  sandbox = sandlock_helper_sandbox_launch (policy, argv, &launch, self->audit_log, &error);
  if (sandbox == NULL)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  publish (self, sandbox);
  path = g_strconcat (SANDBOX_PATH, sandlock_helper_sandbox_get_id (sandbox), NULL);
  sandlock_dbus_manager_complete_launch (iface, invocation, NULL, path);
  update_idle (self);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Policies and profiles                                                    */
/* ------------------------------------------------------------------------ */

static gboolean
handle_validate_policy (SandlockDbusManager   *iface,
                        GDBusMethodInvocation *invocation,
                        GVariant              *policy_dict)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SandlockPolicy) policy = sandlock_helper_policy_from_variant (policy_dict, problems);

  g_ptr_array_add (problems, NULL);
  sandlock_dbus_manager_complete_validate_policy (iface, invocation,
                                                  (const char * const *) problems->pdata);
  return TRUE;
}

static gboolean
handle_get_capabilities (SandlockDbusManager   *iface,
                         GDBusMethodInvocation *invocation)
{
  const char * const *fields = sandlock_policy_field_names ();
  g_autoptr(GPtrArray) supported = g_ptr_array_new ();
  g_autofree char *kernel = sandlock_kernel_report_json ();
  GVariantBuilder builder;

  for (guint i = 0; fields[i] != NULL; i++)
    if (sandlock_policy_field_supported (fields[i]))
      g_ptr_array_add (supported, (gpointer) fields[i]);
  g_ptr_array_add (supported, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "landlock_abi",
                         g_variant_new_int32 (sandlock_landlock_abi ()));
  g_variant_builder_add (&builder, "{sv}", "fields", g_variant_new_strv (fields, -1));
  g_variant_builder_add (&builder, "{sv}", "supported_fields",
                         g_variant_new_strv ((const char * const *) supported->pdata, -1));
  g_variant_builder_add (&builder, "{sv}", "kernel", g_variant_new_string (kernel));
  g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_string (PACKAGE_VERSION));
  sandlock_dbus_manager_complete_get_capabilities (iface, invocation,
                                                   g_variant_builder_end (&builder));
  return TRUE;
}

static gboolean
check_profile_name (GDBusMethodInvocation *invocation,
                    const char            *name)
{
  if (sandlock_profile_name_is_valid (name))
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, SANDLOCK_HELPER_ERROR,
                                         SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                                         "profile name \"%s\" is not valid (1-64 of A-Z a-z "
                                         "0-9 . _ -, not starting with a dot)", name);
  return FALSE;
}

/* The engine reports a missing profile as a policy error (the CLI's
 * usage error); over the bus it is NotFound. */
static gboolean
profile_exists (GDBusMethodInvocation *invocation,
                const char            *name)
{
  g_auto(GStrv) names = sandlock_profile_list (NULL);

  if (names != NULL && g_strv_contains ((const char * const *) names, name))
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, SANDLOCK_HELPER_ERROR,
                                         SANDLOCK_HELPER_ERROR_NOT_FOUND,
                                         "no profile named \"%s\"", name);
  return FALSE;
}

static gboolean
handle_list_profiles (SandlockDbusManager   *iface,
                      GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = sandlock_profile_list (&error);

  if (names == NULL)
    sandlock_helper_return_error (invocation, error);
  else
    sandlock_dbus_manager_complete_list_profiles (iface, invocation,
                                                  (const char * const *) names);
  return TRUE;
}

static gboolean
handle_get_profile (SandlockDbusManager   *iface,
                    GDBusMethodInvocation *invocation,
                    const char            *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockPolicy) policy = NULL;

  if (!check_profile_name (invocation, name) || !profile_exists (invocation, name))
    return TRUE;
  policy = sandlock_profile_load (name, &error);
  if (policy == NULL)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  sandlock_dbus_manager_complete_get_profile (iface, invocation,
                                              sandlock_helper_policy_to_variant (policy));
  return TRUE;
}

static gboolean
handle_save_profile (SandlockDbusManager   *iface,
                     GDBusMethodInvocation *invocation,
                     const char            *name,
                     GVariant              *policy_dict)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SandlockPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  if (!check_profile_name (invocation, name))
    return TRUE;
  policy = sandlock_helper_policy_from_variant (policy_dict, problems);
  if (problems->len > 0)
    error = problems_error (problems);
  else if (sandlock_profile_save (name, policy, &error))
    {
      sandlock_dbus_manager_complete_save_profile (iface, invocation);
      return TRUE;
    }
  sandlock_helper_return_error (invocation, error);
  return TRUE;
}

static gboolean
handle_delete_profile (SandlockDbusManager   *iface,
                       GDBusMethodInvocation *invocation,
                       const char            *name)
{
  g_autoptr(GError) error = NULL;

  if (!check_profile_name (invocation, name) || !profile_exists (invocation, name))
    return TRUE;
  if (!sandlock_profile_delete (name, &error))
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  sandlock_dbus_manager_complete_delete_profile (iface, invocation);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Audit                                                                    */
/* ------------------------------------------------------------------------ */

static void
on_audit_queried (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  SandlockHelperManager *self =
    SANDLOCK_HELPER_MANAGER (g_dbus_method_invocation_get_user_data (invocation));
  g_autoptr(GError) error = NULL;
  GVariant *records = sandlock_helper_audit_log_query_finish (self->audit_log, result, &error);

  if (records == NULL)
    sandlock_helper_return_error (invocation, error);
  else
    sandlock_dbus_manager_complete_query_audit (SANDLOCK_DBUS_MANAGER (self), invocation, records);
}

static gboolean
handle_query_audit (SandlockDbusManager   *iface,
                    GDBusMethodInvocation *invocation,
                    GVariant              *filter)
{
  SandlockHelperManager *self = SANDLOCK_HELPER_MANAGER (iface);

  sandlock_helper_audit_log_query_async (self->audit_log, filter, on_audit_queried,
                                         g_object_ref (invocation));
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */
/* ------------------------------------------------------------------------ */

static void
sandlock_helper_manager_iface_init (SandlockDbusManagerIface *iface)
{
  iface->handle_launch = handle_launch;
  iface->handle_validate_policy = handle_validate_policy;
  iface->handle_get_capabilities = handle_get_capabilities;
  iface->handle_list_profiles = handle_list_profiles;
  iface->handle_get_profile = handle_get_profile;
  iface->handle_save_profile = handle_save_profile;
  iface->handle_delete_profile = handle_delete_profile;
  iface->handle_query_audit = handle_query_audit;
}

static void
sandlock_helper_manager_finalize (GObject *object)
{
  SandlockHelperManager *self = SANDLOCK_HELPER_MANAGER (object);

  g_clear_handle_id (&self->idle_timer, g_source_remove);
  g_hash_table_unref (self->sandboxes);
  g_clear_object (&self->objects);
  g_clear_pointer (&self->clients, sandlock_helper_clients_free);
  g_clear_pointer (&self->audit_log, sandlock_helper_audit_log_free);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (sandlock_helper_manager_parent_class)->finalize (object);
}

static void
sandlock_helper_manager_class_init (SandlockHelperManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sandlock_helper_manager_finalize;
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sandlock_helper_manager_init (SandlockHelperManager *self)
{
  self->sandboxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

SandlockHelperManager *
sandlock_helper_manager_new (GDBusConnection  *connection,
                             guint             idle_seconds,
                             GError          **error)
{
  g_autoptr(SandlockHelperManager) self = g_object_new (SANDLOCK_TYPE_HELPER_MANAGER, NULL);
  g_autofree char *audit_dir = sandlock_audit_default_dir ();
  SandlockAudit *audit = sandlock_audit_new (audit_dir, AUDIT_FILE_BYTES, AUDIT_FILES, error);

  if (audit == NULL)
    return NULL;
  self->audit_log = sandlock_helper_audit_log_new (audit);
  self->connection = g_object_ref (connection);
  self->idle_seconds = idle_seconds;
  self->clients = sandlock_helper_clients_new (connection, on_client_gone, self);

  sandlock_dbus_manager_set_version (SANDLOCK_DBUS_MANAGER (self), INTERFACE_VERSION);
  g_signal_connect (self, "g-authorize-method", G_CALLBACK (on_authorize), self);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self), connection,
                                         MANAGER_PATH, error))
    return NULL;

  self->objects = g_dbus_object_manager_server_new (MANAGER_PATH);
  g_dbus_object_manager_server_set_connection (self->objects, connection);
  update_idle (self);
  return g_steal_pointer (&self);
}

void
sandlock_helper_manager_shutdown (SandlockHelperManager *self)
{
  GHashTableIter iter;
  gpointer sandbox;

  g_hash_table_iter_init (&iter, self->sandboxes);
  while (g_hash_table_iter_next (&iter, NULL, &sandbox))
    sandlock_helper_sandbox_terminate (sandbox);
}
