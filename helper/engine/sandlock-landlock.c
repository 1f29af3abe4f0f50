/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "sandlock-fd.h"
#include "sandlock-landlock-abi.h"
#include "sandlock-landlock.h"

#define ACCESS_FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)

/* read = execute + read file + read dir */
#define ACCESS_READ (LANDLOCK_ACCESS_FS_EXECUTE | \
                     LANDLOCK_ACCESS_FS_READ_FILE | \
                     LANDLOCK_ACCESS_FS_READ_DIR)

/* Rights that make sense on a non-directory; the kernel refuses others. */
#define ACCESS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | \
                     LANDLOCK_ACCESS_FS_WRITE_FILE | \
                     LANDLOCK_ACCESS_FS_READ_FILE | \
                     LANDLOCK_ACCESS_FS_TRUNCATE | \
                     LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* What each ABI level adds, for error messages and `sandlock check`. */
static const struct {
  int abi;
  const char *kernel;
  const char *feature;
} abi_levels[] = {
  { 1, "5.13", "filesystem access control" },
  { 2, "5.19", "renaming and linking across directories (refer)" },
  { 3, "6.2",  "truncation control" },
  { 4, "6.7",  "TCP bind and connect control" },
  { 5, "6.10", "device ioctl control" },
  { 6, "6.12", "abstract unix socket and signal scoping" },
  { 7, "6.15", "audit logging of denials" },
};

/* The lowest ABI that gives everything a sandbox needs: every filesystem
 * right including truncate and ioctl_dev, TCP control (outbound TCP is
 * denied by default) and the IPC scopes, which are always on. */
#define REQUIRED_ABI 6

int
sandlock_landlock_abi (void)
{
  static int abi = -1;

  if (g_atomic_int_get (&abi) < 0)
    {
      int v = syscall (__NR_landlock_create_ruleset, NULL, 0,
                       LANDLOCK_CREATE_RULESET_VERSION);
      g_atomic_int_set (&abi, v < 0 ? 0 : v);
    }
  return g_atomic_int_get (&abi);
}

static guint64
fs_rights_for_abi (int abi)
{
  guint64 rights = 0;

  if (abi >= 1)
    rights |= ACCESS_FS_ABI1;
  if (abi >= 2)
    rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return rights;
}

GPtrArray *
sandlock_landlock_missing (SandlockPolicy *policy,
                           int             abi)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  if (abi < 1)
    {
      g_ptr_array_add (missing, g_strdup (
        "Landlock is not available: it needs Linux 5.13 or newer with "
        "\"landlock\" in the kernel's lsm= list, so no filesystem, TCP or "
        "IPC restriction can be enforced"));
      return missing;
    }

  for (guint i = 0; i < G_N_ELEMENTS (abi_levels); i++)
    {
      if (abi_levels[i].abi > REQUIRED_ABI || abi_levels[i].abi <= abi)
        continue;
      g_ptr_array_add (missing, g_strdup_printf (
        "%s needs Landlock ABI %d (Linux %s); this kernel has ABI %d",
        abi_levels[i].feature, abi_levels[i].abi, abi_levels[i].kernel, abi));
    }
  return missing;
}

/* Every ABI level, what it gives and whether this kernel has it. */
char *
sandlock_landlock_describe_levels_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  int abi = sandlock_landlock_abi ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (abi_levels); i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "abi");
      json_builder_add_int_value (builder, abi_levels[i].abi);
      json_builder_set_member_name (builder, "linux");
      json_builder_add_string_value (builder, abi_levels[i].kernel);
      json_builder_set_member_name (builder, "feature");
      json_builder_add_string_value (builder, abi_levels[i].feature);
      json_builder_set_member_name (builder, "available");
      json_builder_add_boolean_value (builder, abi_levels[i].abi <= abi);
      json_builder_set_member_name (builder, "required");
      json_builder_add_boolean_value (builder, abi_levels[i].abi <= REQUIRED_ABI);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
add_path_rule (int          ruleset_fd,
               const char  *field,
               const char  *path,
               guint64      access,
               guint64      handled,
               GError     **error)
{
  sandlock_autofd int fd = open (path, O_PATH | O_CLOEXEC);
  struct sandlock_path_beneath_attr attr;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "%s: cannot open %s: %s", field, path, g_strerror (saved));
      return FALSE;
    }

  if (!S_ISDIR (st.st_mode))
    access &= ACCESS_FILE;

  attr.allowed_access = access & handled;
  attr.parent_fd = fd;
  if (syscall (__NR_landlock_add_rule, ruleset_fd, SANDLOCK_RULE_PATH_BENEATH,
               &attr, 0) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "%s: cannot add a Landlock rule for %s: %s",
                   field, path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_port_rules (int          ruleset_fd,
                GArray      *ports,
                guint64      access,
                GError     **error)
{
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      struct sandlock_net_port_attr attr = {
        .allowed_access = access,
        .port = g_array_index (ports, guint16, i),
      };

      if (syscall (__NR_landlock_add_rule, ruleset_fd, SANDLOCK_RULE_NET_PORT,
                   &attr, 0) < 0)
        {
          int saved = errno;
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                       "cannot add a Landlock rule for TCP port %u: %s",
                       (guint) attr.port, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static int
build_ruleset (SandlockPolicy  *policy,
               int              abi,
               GError         **error)
{
  guint64 handled_fs = fs_rights_for_abi (abi);
  struct sandlock_ruleset_attr attr = {
    .handled_access_fs = handled_fs,
    .handled_access_net = abi >= 4 ? (LANDLOCK_ACCESS_NET_BIND_TCP |
                                      LANDLOCK_ACCESS_NET_CONNECT_TCP) : 0,
    .scoped = abi >= 6 ? (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
                          LANDLOCK_SCOPE_SIGNAL) : 0,
  };
  sandlock_autofd int fd = -1;

  fd = syscall (__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot create a Landlock ruleset: %s", g_strerror (saved));
      return -1;
    }

  for (guint i = 0; i < policy->fs_readable->len; i++)
    if (!add_path_rule (fd, "fs_readable", policy->fs_readable->pdata[i],
                        ACCESS_READ, handled_fs, error))
      return -1;

  for (guint i = 0; i < policy->fs_writable->len; i++)
    if (!add_path_rule (fd, "fs_writable", policy->fs_writable->pdata[i],
                        handled_fs, handled_fs, error))
      return -1;

  if (abi >= 4)
    {
      g_autoptr(GArray) connect_ports = sandlock_policy_connect_ports (policy);

      if (!add_port_rules (fd, connect_ports, LANDLOCK_ACCESS_NET_CONNECT_TCP, error) ||
          !add_port_rules (fd, policy->net_bind, LANDLOCK_ACCESS_NET_BIND_TCP, error))
        return -1;
    }

  return sandlock_steal_fd (&fd);
}

SandlockLandlock *
sandlock_landlock_prepare (SandlockPolicy  *policy,
                           gboolean         best_effort,
                           GError         **error)
{
  g_autoptr(SandlockLandlock) landlock = g_new0 (SandlockLandlock, 1);
  g_autoptr(GPtrArray) missing = NULL;

  landlock->ruleset_fd = -1;
  landlock->abi = sandlock_landlock_abi ();
  missing = sandlock_landlock_missing (policy, landlock->abi);

  if (missing->len > 0 && !best_effort)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv ("; ", (char **) missing->pdata);
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_KERNEL,
                   "this kernel cannot enforce the sandbox: %s. Run "
                   "\"sandlock check\" for details, or pass --best-effort to "
                   "run with the confinement this kernel has", list);
      return NULL;
    }
  landlock->warnings = g_steal_pointer (&missing);

  if (landlock->abi >= 1)
    {
      landlock->ruleset_fd = build_ruleset (policy, landlock->abi, error);
      if (landlock->ruleset_fd < 0)
        return NULL;
    }

  return g_steal_pointer (&landlock);
}

void
sandlock_landlock_free (SandlockLandlock *landlock)
{
  if (landlock == NULL)
    return;
  sandlock_close_fd (&landlock->ruleset_fd);
  g_clear_pointer (&landlock->warnings, g_ptr_array_unref);
  g_free (landlock);
}

guint64
sandlock_landlock_rights_of (SandlockPolicy *policy,
                             const char     *path,
                             int             abi)
{
  guint64 rights = 0;

  for (guint i = 0; i < policy->fs_readable->len; i++)
    if (g_str_equal (policy->fs_readable->pdata[i], path))
      rights |= ACCESS_READ;
  for (guint i = 0; i < policy->fs_writable->len; i++)
    if (g_str_equal (policy->fs_writable->pdata[i], path))
      rights |= fs_rights_for_abi (abi);
  return rights & fs_rights_for_abi (abi);
}

guint64
sandlock_landlock_write_rights (int abi)
{
  return fs_rights_for_abi (abi);
}

int
sandlock_landlock_signal_scope_ruleset (void)
{
  struct sandlock_ruleset_attr attr = { .scoped = LANDLOCK_SCOPE_SIGNAL };

  if (sandlock_landlock_abi () < 6)
    return -1;
  return syscall (__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
}

int
sandlock_landlock_restrict_self (int ruleset_fd)
{
  if (syscall (__NR_landlock_restrict_self, ruleset_fd, 0) < 0)
    return -errno;
  return 0;
}

/* Fields that Landlock alone enforces, the only ones confine_self takes. */
static const char * const confine_self_fields[] = {
  "fs_readable", "fs_writable", "net_allow", "net_bind", NULL,
};

gboolean
sandlock_confine_self (SandlockPolicy  *policy,
                       GError         **error)
{
  g_autoptr(SandlockLandlock) landlock = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GList) members = NULL;
  int ret;

  g_return_val_if_fail (policy != NULL, FALSE);

  if (!sandlock_policy_validate (policy, error))
    return FALSE;

  json = sandlock_policy_to_json (policy);
  node = json_from_string (json, NULL);
  members = json_object_get_members (json_node_get_object (node));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (confine_self_fields, l->data))
      {
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_UNSUPPORTED,
                     "%s cannot be applied to the calling process; confining "
                     "oneself takes only fs_readable, fs_writable, net_allow "
                     "ports and net_bind", (const char *) l->data);
        return FALSE;
      }

  landlock = sandlock_landlock_prepare (policy, FALSE, error);
  if (landlock == NULL)
    return FALSE;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      (ret = sandlock_landlock_restrict_self (landlock->ruleset_fd)) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot confine this process: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
