/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "sandlock-landlock.h"

static gboolean
has_seccomp_user_notification (void)
{
  guint32 action = SECCOMP_RET_USER_NOTIF;

  return syscall (SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

static gboolean
has_pidfd_getfd (void)
{
  /* An invalid pidfd gets EBADF from a kernel that has the call. */
  return syscall (SYS_pidfd_getfd, -1, 0, 0) < 0 && errno == EBADF;
}

static gboolean
has_user_namespaces (void)
{
  struct clone_args args = {
    .flags = CLONE_NEWUSER | CLONE_NEWPID,
    .exit_signal = SIGCHLD,
  };
  int status;
  pid_t pid = syscall (SYS_clone3, &args, sizeof args);

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return FALSE;
  return waitpid (pid, &status, 0) == pid && WIFEXITED (status) &&
         WEXITSTATUS (status) == 0;
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

char *
sandlock_kernel_report_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(JsonNode) levels = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *levels_json = NULL;
  struct utsname uts;
  int abi = sandlock_landlock_abi ();
  gboolean userns = has_user_namespaces ();

  uname (&uts);
  missing = sandlock_landlock_missing (policy, abi);
  levels_json = sandlock_landlock_describe_levels_json ();
  levels = json_from_string (levels_json, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kernel");
  json_builder_add_string_value (builder, uts.release);
  json_builder_set_member_name (builder, "arch");
  json_builder_add_string_value (builder, uts.machine);
  json_builder_set_member_name (builder, "landlock_abi");
  json_builder_add_int_value (builder, abi);
  json_builder_set_member_name (builder, "landlock_levels");
  json_builder_add_value (builder, g_steal_pointer (&levels));
  add_bool (builder, "seccomp_user_notification", has_seccomp_user_notification ());
  add_bool (builder, "user_namespaces", userns);
  add_bool (builder, "pidfd_getfd", has_pidfd_getfd ());
  json_builder_set_member_name (builder, "missing");
  json_builder_begin_array (builder);
  for (guint i = 0; i < missing->len; i++)
    json_builder_add_string_value (builder, missing->pdata[i]);
  json_builder_end_array (builder);
  add_bool (builder, "ready", missing->len == 0);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}
