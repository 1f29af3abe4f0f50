/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-cow.h"
#include "sandlock-landlock.h"
#include "sandlock-parse.h"
#include "sandlock-result-private.h"
#include "sandlock-proctree.h"
#include "sandlock-registry.h"
#include "sandlock-seccomp-builtin.h"
#include "sandlock-supervisor.h"
#include "sandlock-spawn-private.h"

/* Enough for the program's setup steps before execve (no allocation). */
#define PROGRAM_STACK_SIZE (64 * 1024)

/* How long the sandbox has between SIGTERM and SIGKILL on timeout. */
#define KILL_GRACE_MS 1000

/* How long pausing waits for every process to stop (one in uninterruptible
 * sleep stops only when it wakes). */
#define PAUSE_TIMEOUT_MS 2000

/* Variables that hand a sandbox a way out (session bus, agents) unless the
 * policy sets them itself. */
static const char * const scrubbed_env[] = {
  "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS",
  "DBUS_STARTER_ADDRESS", "DBUS_STARTER_BUS_TYPE",
  "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "GNOME_KEYRING_CONTROL",
  "SESSION_MANAGER", NULL,
};

/* What clean_env keeps. */
static const char * const clean_env_kept[] = {
  "PATH", "HOME", "TERM", "LANG", "USER", "SHELL", NULL,
};

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

struct _SandlockSandbox {
  SandlockPolicy     *policy;
  SandlockSpawnFlags  flags;
  int                 stdio[3];
  GArray             *keep_fds;
  double              timeout;
  gboolean            capture;
  int                 capture_fds[2];   /* read ends of stdout, stderr */

  pid_t               pid;
  int                 pidfd;
  int                 status_fd;
  gboolean            pid_namespace;
  GPtrArray          *warnings;
  gint64              start_ns;
  gboolean            timed_out;
  SandlockResult     *result;

  /* Other threads control and query the sandbox while one waits for it:
   * this lock covers reaping (so, result == NULL under it, the pid is
   * still ours and /proc of it is this sandbox's), supervisor, ports and
   * paused. */
  GMutex              lock;
  gboolean            paused;
  GArray             *ports;            /* port_remap's last map, once ended */

  SandlockEventFunc   event_func;
  gpointer            event_data;
  SandlockPolicyFunc  policy_func;
  gpointer            policy_data;
  double              policy_timeout;
  SandlockSupervisor *supervisor;
  SandlockRegistration *registration;
  SandlockLayer      *layer;            /* workdir changes, while running */
  char               *changes_id;       /* kept changes, once finished */
  char               *changes_storage;
};

SandlockSandbox *
sandlock_sandbox_new (SandlockPolicy *policy)
{
  SandlockSandbox *sandbox = g_new0 (SandlockSandbox, 1);

  g_return_val_if_fail (policy != NULL, NULL);

  sandbox->policy = sandlock_policy_ref (policy);
  sandbox->stdio[0] = sandbox->stdio[1] = sandbox->stdio[2] = -1;
  sandbox->keep_fds = g_array_new (FALSE, FALSE, sizeof (int));
  sandbox->pid = -1;
  sandbox->pidfd = -1;
  sandbox->status_fd = -1;
  sandbox->capture_fds[0] = sandbox->capture_fds[1] = -1;
  sandbox->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  g_mutex_init (&sandbox->lock);
  return sandbox;
}

void
sandlock_sandbox_free (SandlockSandbox *sandbox)
{
  if (sandbox == NULL)
    return;

  /* Nothing of a sandbox outlives its owner. */
  if (sandbox->pidfd >= 0 && sandbox->result == NULL)
    {
      g_autoptr(SandlockResult) result = NULL;

      sandlock_sandbox_kill (sandbox, SIGKILL, NULL);
      result = sandlock_sandbox_wait (sandbox, NULL);
    }

  g_clear_pointer (&sandbox->supervisor, sandlock_supervisor_free);
  g_clear_pointer (&sandbox->registration, sandlock_registration_free);
  sandlock_close_fd (&sandbox->pidfd);
  sandlock_close_fd (&sandbox->status_fd);
  sandlock_close_fd (&sandbox->capture_fds[0]);
  sandlock_close_fd (&sandbox->capture_fds[1]);
  g_clear_pointer (&sandbox->policy, sandlock_policy_unref);
  g_clear_pointer (&sandbox->keep_fds, g_array_unref);
  g_clear_pointer (&sandbox->warnings, g_ptr_array_unref);
  g_clear_pointer (&sandbox->result, sandlock_result_free);
  g_clear_pointer (&sandbox->layer, sandlock_layer_free);
  g_clear_pointer (&sandbox->ports, g_array_unref);
  g_free (sandbox->changes_id);
  g_free (sandbox->changes_storage);
  g_mutex_clear (&sandbox->lock);
  g_free (sandbox);
}

void
sandlock_sandbox_set_flags (SandlockSandbox    *sandbox,
                            SandlockSpawnFlags  flags)
{
  g_return_if_fail (sandbox != NULL);
  sandbox->flags = flags;
}

void
sandlock_sandbox_set_stdio (SandlockSandbox *sandbox,
                            int              stdin_fd,
                            int              stdout_fd,
                            int              stderr_fd)
{
  g_return_if_fail (sandbox != NULL);
  sandbox->stdio[0] = stdin_fd;
  sandbox->stdio[1] = stdout_fd;
  sandbox->stdio[2] = stderr_fd;
}

void
sandlock_sandbox_set_event_handler (SandlockSandbox   *sandbox,
                                    SandlockEventFunc  func,
                                    gpointer           user_data)
{
  g_return_if_fail (sandbox != NULL);
  sandbox->event_func = func;
  sandbox->event_data = user_data;
}

void
sandlock_sandbox_set_policy_func (SandlockSandbox    *sandbox,
                                  SandlockPolicyFunc  func,
                                  gpointer            user_data,
                                  double              timeout)
{
  g_return_if_fail (sandbox != NULL);
  sandbox->policy_func = func;
  sandbox->policy_data = user_data;
  sandbox->policy_timeout = timeout;
}

void
sandlock_sandbox_set_capture (SandlockSandbox *sandbox,
                              gboolean         capture)
{
  g_return_if_fail (sandbox != NULL);
  sandbox->capture = capture;
}

void
sandlock_sandbox_keep_fd (SandlockSandbox *sandbox,
                          int              fd)
{
  g_return_if_fail (sandbox != NULL);
  g_return_if_fail (fd > 2);
  g_array_append_val (sandbox->keep_fds, fd);
}

void
sandlock_sandbox_set_timeout (SandlockSandbox *sandbox,
                              double           seconds)
{
  g_return_if_fail (sandbox != NULL);
  g_return_if_fail (seconds >= 0);
  sandbox->timeout = seconds;
}

pid_t
sandlock_sandbox_get_pid (SandlockSandbox *sandbox)
{
  g_return_val_if_fail (sandbox != NULL, -1);
  return sandbox->pid;
}

int
sandlock_sandbox_get_pidfd (SandlockSandbox *sandbox)
{
  g_return_val_if_fail (sandbox != NULL, -1);
  return sandbox->pidfd;
}

const char * const *
sandlock_sandbox_get_warnings (SandlockSandbox *sandbox)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (sandbox != NULL, NULL);
  /* An empty null-terminated GPtrArray may have no storage yet. */
  if (sandbox->warnings->len == 0)
    return none;
  return (const char * const *) sandbox->warnings->pdata;
}

/* ------------------------------------------------------------------------ */
/* Preparation (parent side, before anything is forked)                     */
/* ------------------------------------------------------------------------ */

static char **
build_environment (SandlockPolicy *policy)
{
  g_auto(GStrv) env = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (policy->clean_env)
    {
      env = g_new0 (char *, 1);
      for (guint i = 0; clean_env_kept[i] != NULL; i++)
        {
          const char *v = g_getenv (clean_env_kept[i]);

          if (v != NULL)
            env = g_environ_setenv (env, clean_env_kept[i], v, TRUE);
        }
    }
  else
    env = g_get_environ ();

  for (guint i = 0; scrubbed_env[i] != NULL; i++)
    env = g_environ_unsetenv (env, scrubbed_env[i]);

  g_hash_table_iter_init (&iter, policy->env);
  while (g_hash_table_iter_next (&iter, &key, &value))
    env = g_environ_setenv (env, key, value, TRUE);

  return g_steal_pointer (&env);
}

static gboolean
is_executable_file (const char *path,
                    gboolean   *exists)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return FALSE;
  *exists = TRUE;
  return S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

/* Resolves the program as execvp() would, but in the parent, so the child
 * needs no allocation and a missing program fails before anything runs. */
static char *
resolve_program (const char  *program,
                 const char  *cwd,
                 char       **envp,
                 GError     **error)
{
  gboolean exists = FALSE;

  if (*program == '\0')
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                   "the command is empty");
      return NULL;
    }

  if (strchr (program, '/') != NULL)
    {
      g_autofree char *abs = g_path_is_absolute (program) || cwd == NULL
        ? g_strdup (program) : g_build_filename (cwd, program, NULL);

      if (is_executable_file (abs, &exists))
        return g_strdup (program);
    }
  else
    {
      const char *path = g_environ_getenv (envp, "PATH");
      g_auto(GStrv) dirs = g_strsplit (path ? path : DEFAULT_PATH, ":", -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        {
          g_autofree char *candidate =
            g_build_filename (*dirs[i] ? dirs[i] : ".", program, NULL);

          if (is_executable_file (candidate, &exists))
            return g_steal_pointer (&candidate);
        }
    }

  if (exists)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_EXECUTABLE,
                 "%s: not an executable file", program);
  else
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                 "%s: command not found", program);
  return NULL;
}

static int
read_cap_last_cap (void)
{
  static int last = -1;

  if (last < 0)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents ("/proc/sys/kernel/cap_last_cap", &text, NULL, NULL))
        last = atoi (text);
      if (last <= 0)
        last = 63;
    }
  return last;
}

/* A pipe whose ends are never 0-2, which the child overwrites. */
static gboolean
make_pipe (int      fds[2],
           GError **error)
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot create a pipe: %s", g_strerror (saved));
      return FALSE;
    }
  for (int i = 0; i < 2; i++)
    if (fds[i] <= 2)
      {
        int moved = fcntl (fds[i], F_DUPFD_CLOEXEC, 3);
        close (fds[i]);
        fds[i] = moved;
      }
  return fds[0] >= 0 && fds[1] >= 0;
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

static pid_t
clone_init (guint64  flags,
            int     *pidfd)
{
  struct clone_args args = {
    .flags = flags | CLONE_PIDFD,
    .pidfd = (guint64) (guintptr) pidfd,
    .exit_signal = SIGCHLD,
  };
  pid_t pid = syscall (SYS_clone3, &args, sizeof args);

  /* Inside another sandbox (ours among them) clone3 is ENOSYS: clone()
   * takes the same flags, and puts the pidfd where parent_tid goes on
   * every architecture. */
  if (pid < 0 && errno == ENOSYS)
    pid = syscall (SYS_clone, flags | CLONE_PIDFD | SIGCHLD, 0, pidfd, 0, 0);
  return pid;
}

static const char *
describe_stage (SandlockStage stage)
{
  switch (stage)
    {
    case SANDLOCK_STAGE_USERNS:       return "user namespace";
    case SANDLOCK_STAGE_HOSTNAME:     return "hostname";
    case SANDLOCK_STAGE_MOUNTS:       return "its own mounts (/proc, /sys, fs_denied covers)";
    case SANDLOCK_STAGE_SESSION:      return "session";
    case SANDLOCK_STAGE_FORK:         return "fork";
    case SANDLOCK_STAGE_STDIO:        return "standard streams";
    case SANDLOCK_STAGE_CWD:          return "working directory";
    case SANDLOCK_STAGE_RLIMIT:       return "resource limits";
    case SANDLOCK_STAGE_HUGE_PAGES:   return "huge pages";
    case SANDLOCK_STAGE_PERSONALITY:  return "personality";
    case SANDLOCK_STAGE_AFFINITY:     return "CPU affinity";
    case SANDLOCK_STAGE_CAPABILITIES: return "capabilities";
    case SANDLOCK_STAGE_NO_NEW_PRIVS: return "no_new_privs";
    case SANDLOCK_STAGE_LANDLOCK:     return "Landlock";
    case SANDLOCK_STAGE_SECCOMP:      return "seccomp filter";
    case SANDLOCK_STAGE_CLOSE_FDS:    return "closing inherited files";
    case SANDLOCK_STAGE_EXEC:         return "exec";
    default:                          return "setup";
    }
}

static void
set_child_error (GError                   **error,
                 const SandlockChildError  *record,
                 const char                *program)
{
  const char *why = g_strerror (record->error);

  if (record->stage == SANDLOCK_STAGE_EXEC && record->error == ENOENT)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                 "cannot execute %s: %s (is its loader or interpreter under "
                 "a readable path?)", program, why);
  else if (record->stage == SANDLOCK_STAGE_EXEC && record->error == EACCES)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_EXECUTABLE,
                 "cannot execute %s: %s (the program and its libraries must "
                 "be under readable paths, e.g. -r /usr -r /lib)", program, why);
  else if (record->stage == SANDLOCK_STAGE_EXEC)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_EXECUTABLE,
                 "cannot execute %s: %s", program, why);
  else if (record->stage == SANDLOCK_STAGE_WORKDIR)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_KERNEL,
                 "cannot mount the copy-on-write workdir: %s (it needs OverlayFS "
                 "mountable in a user namespace, Linux 5.11 or newer, upper layers "
                 "on a filesystem with user extended attributes, and files under "
                 "the workdir that belong to you)", why);
  else if (record->stage == SANDLOCK_STAGE_CWD)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                 "cannot enter the working directory: %s (it must be under a "
                 "readable path)", why);
  else
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                 "cannot set up the sandbox (%s): %s",
                 describe_stage (record->stage), why);
}

/* What kills every process of the sandbox: init's death in a PID
 * namespace, else init's own kill-all. */
static int
kill_all_signal (SandlockSandbox *sandbox)
{
  return sandbox->pid_namespace ? SIGKILL : SANDLOCK_SIGNAL_KILL_ALL;
}

/* Does the policy grant @dir, or something in it? */
static gboolean
grants_under (SandlockPolicy *policy,
              const char     *dir)
{
  GPtrArray *lists[] = { policy->fs_readable, policy->fs_writable };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const char *path = lists[l]->pdata[i];

        if (g_str_equal (path, "/") || sandlock_path_is_within (path, dir))
          return TRUE;
      }
  return FALSE;
}

/*
 * fs_denied, sorted into files and directories for the child to cover with
 * mounts. A file with other names (hard links) would stay readable through
 * them: refused unless every name is denied.
 */
static gboolean
prepare_denied (SandlockPolicy  *policy,
                GPtrArray       *files,
                GPtrArray       *dirs,
                GError         **error)
{
  for (guint i = 0; i < policy->fs_denied->len; i++)
    {
      const char *path = policy->fs_denied->pdata[i];
      struct stat st;
      guint names = 0;

      if (stat (path, &st) < 0)
        {
          int saved = errno;
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "fs_denied: %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      if (S_ISDIR (st.st_mode))
        {
          g_ptr_array_add (dirs, (gpointer) path);
          continue;
        }
      for (guint k = 0; k < policy->fs_denied->len; k++)
        {
          struct stat other;

          if (stat (policy->fs_denied->pdata[k], &other) == 0 &&
              other.st_dev == st.st_dev && other.st_ino == st.st_ino)
            names++;
        }
      if (st.st_nlink > names)
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "fs_denied: %s has %lu names (hard links), and the others would "
                       "stay readable: deny every one of them, or remove them",
                       path, (unsigned long) st.st_nlink);
          return FALSE;
        }
      g_ptr_array_add (files, (gpointer) path);
    }
  g_ptr_array_add (files, NULL);
  g_ptr_array_add (dirs, NULL);
  return TRUE;
}

/* Somewhere to mount a scratch tmpfs on for a moment: not above any of
 * @files, which it would hide while they get their covers. */
static const char *
scratch_dir (GPtrArray *files)
{
  static const char * const candidates[] = { "/mnt", "/media", "/srv", "/opt", "/var/tmp",
                                             "/tmp", "/dev/shm" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gboolean above = FALSE;

      for (guint f = 0; f < files->len && files->pdata[f] != NULL; f++)
        above |= sandlock_path_is_within (files->pdata[f], candidates[i]);
      if (!above && g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
        return candidates[i];
    }
  return NULL;
}

static gboolean
needs_proctree (SandlockPolicy *policy)
{
  return policy->max_processes >= 0 || policy->max_memory > 0 || policy->max_cpu > 0;
}

/* Init loaded the notify filter and waits: take its listener, start the
 * supervisor, tell init to go on. */
static gboolean
take_listener (SandlockSandbox  *sandbox,
               int               init_fd,
               int               go_w,
               GError          **error)
{
  int listener = syscall (SYS_pidfd_getfd, sandbox->pidfd, init_fd, 0);

  if (listener < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot take the seccomp listener from the sandbox: %s",
                   g_strerror (saved));
      return FALSE;
    }
  if (sandbox->registration != NULL)
    sandlock_supervisor_set_control (sandbox->supervisor, sandbox->registration,
                                     sandbox->pidfd, kill_all_signal (sandbox));
  if (!sandlock_supervisor_start (sandbox->supervisor, listener, sandbox->pid, error))
    return FALSE;
  if (write (go_w, "", 1) != 1)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the sandbox: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
sandlock_sandbox_spawn (SandlockSandbox     *sandbox,
                        const char * const  *argv,
                        GError             **error)
{
  SandlockPolicy *policy;
  g_autoptr(SandlockLandlock) landlock = NULL;
  g_autoptr(SandlockFilter) filter = NULL;
  g_autoptr(SandlockFilter) netlink_refusal = NULL;
  g_autoptr(GArray) keep = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *exec_path = NULL;
  g_autofree char *uid_map = NULL;
  g_autofree char *gid_map = NULL;
  g_autofree cpu_set_t *cpus = NULL;
  g_autofree char *program_stack = NULL;
  g_autoptr(GPtrArray) denied_files = g_ptr_array_new ();
  g_autoptr(GPtrArray) denied_dirs = g_ptr_array_new ();
  gboolean needs_namespaces;
  sandlock_autofd int err_r = -1;
  sandlock_autofd int err_w = -1;
  sandlock_autofd int status_r = -1;
  sandlock_autofd int status_w = -1;
  sandlock_autofd int init_ruleset = -1;
  sandlock_autofd int go_r = -1;
  sandlock_autofd int control_init = -1;
  sandlock_autofd int control_parent = -1;
  sandlock_autofd int go_w = -1;
  sandlock_autofd int out_w = -1;
  sandlock_autofd int errout_w = -1;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SandlockLayer) layer = NULL;
  g_autofree char *cwd_in_workdir = NULL;
  g_autofree char *layer_tmpfs_options = NULL;
  SandlockChildPlan plan = { 0 };
  SandlockChildError record;
  int pipe_fds[2];
  guint64 ns_flags;
  gint64 uid;
  ssize_t n;
  pid_t pid;
  int pidfd = -1;

  g_return_val_if_fail (sandbox != NULL, FALSE);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);
  g_return_val_if_fail (sandbox->pidfd < 0, FALSE);

  policy = sandbox->policy;
  if (!sandlock_policy_validate (policy, error))
    return FALSE;

  envp = build_environment (policy);
  exec_path = resolve_program (argv[0], policy->cwd, envp, error);
  if (exec_path == NULL)
    return FALSE;

  landlock = sandlock_landlock_prepare (policy,
                                        sandbox->flags & SANDLOCK_SPAWN_BEST_EFFORT,
                                        error);
  if (landlock == NULL)
    return FALSE;
  for (guint i = 0; i < landlock->warnings->len; i++)
    g_ptr_array_add (sandbox->warnings, g_strdup (landlock->warnings->pdata[i]));

  filter = sandlock_seccomp_filter_for_policy (policy, error);
  if (filter == NULL)
    return FALSE;

  sandbox->supervisor = sandlock_supervisor_new (policy, sandbox->flags,
                                                 sandbox->event_func,
                                                 sandbox->event_data,
                                                 sandbox->policy_func,
                                                 sandbox->policy_data,
                                                 sandbox->policy_timeout, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (sandbox->supervisor == NULL)
    {
      /* Only a supervisor of ours gives netlink its loopback-only view
       * (sandlock-sv-netlink.c); the outer one may show the host's. */
      static const SandlockTrap netlink[] = {
        { .nr = __NR_socket, .trap_if_arg_nonzero = -1, .match_arg0 = TRUE, .arg0 = AF_NETLINK },
      };

      g_ptr_array_add (sandbox->warnings, g_strdup (
        "inside another supervised sandbox: pathname unix sockets are gated by "
        "that sandbox's supervisor and its writable grants, and netlink sockets "
        "are refused"));
      netlink_refusal = sandlock_notify_filter_build_errno (netlink, G_N_ELEMENTS (netlink),
                                                            EAFNOSUPPORT);
      plan.netlink_refusal = netlink_refusal;
    }
  if (sandbox->supervisor != NULL && needs_proctree (policy) &&
      !sandlock_proctree_usable ())
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "max_processes, max_memory and max_cpu watch the sandbox's "
                   "processes in /proc, but this /proc belongs to another PID "
                   "namespace");
      return FALSE;
    }
  if (sandbox->supervisor != NULL)
    {
      if (!make_pipe (pipe_fds, error))
        return FALSE;
      go_r = pipe_fds[0], go_w = pipe_fds[1];
      plan.notify_filter = sandlock_supervisor_get_filter (sandbox->supervisor);
    }
  plan.go_fd = go_r;
  /* The layer's tmpfs is handed over with the listener. */
  if (policy->max_disk > 0 && sandbox->supervisor == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "max_disk is unavailable inside another supervised sandbox");
      return FALSE;
    }

  if (!make_pipe (pipe_fds, error))
    return FALSE;
  err_r = pipe_fds[0], err_w = pipe_fds[1];
  if (!make_pipe (pipe_fds, error))
    return FALSE;
  status_r = pipe_fds[0], status_w = pipe_fds[1];

  if (sandbox->capture)
    {
      if (!make_pipe (pipe_fds, error))
        return FALSE;
      sandbox->capture_fds[0] = pipe_fds[0], out_w = pipe_fds[1];
      if (!make_pipe (pipe_fds, error))
        return FALSE;
      sandbox->capture_fds[1] = pipe_fds[0], errout_w = pipe_fds[1];
    }

  keep = g_array_copy (sandbox->keep_fds);
  g_array_append_val (keep, err_w);
  g_array_sort (keep, compare_ints);

  uid = policy->uid >= 0 ? policy->uid : (gint64) getuid ();
  uid_map = g_strdup_printf ("%" G_GINT64_FORMAT " %u 1\n", uid, getuid ());
  gid_map = g_strdup_printf ("%" G_GINT64_FORMAT " %u 1\n",
                             policy->uid >= 0 ? policy->uid : (gint64) getgid (),
                             getgid ());

  if (policy->cpu_cores->len > 0)
    {
      plan.cpus_size = CPU_ALLOC_SIZE (CPU_SETSIZE);
      cpus = g_malloc0 (plan.cpus_size);
      for (guint i = 0; i < policy->cpu_cores->len; i++)
        CPU_SET_S (g_array_index (policy->cpu_cores, guint, i), plan.cpus_size, cpus);
      plan.cpus = cpus;
    }

  plan.exec_path = exec_path;
  plan.argv = (char * const *) argv;
  plan.envp = envp;
  memcpy (plan.stdio, sandbox->stdio, sizeof plan.stdio);
  if (sandbox->capture)
    {
      plan.stdio[1] = out_w;
      plan.stdio[2] = errout_w;
    }
  plan.keep_fds = (const int *) keep->data;
  plan.n_keep_fds = keep->len;
  plan.err_fd = err_w;
  plan.status_fd = status_w;
  plan.interactive = (sandbox->flags & SANDLOCK_SPAWN_INTERACTIVE) != 0;
  plan.uid_map = uid_map;
  plan.gid_map = gid_map;
  plan.hostname = policy->name;
  plan.cwd = policy->cwd;
  plan.set_nofile = policy->max_open_files > 0;
  plan.nofile.rlim_cur = plan.nofile.rlim_max = policy->max_open_files;
  plan.no_coredump = policy->no_coredump;
  plan.no_huge_pages = policy->no_huge_pages;
  plan.set_personality = policy->no_randomize_memory;
  plan.personality = PER_LINUX | ADDR_NO_RANDOMIZE;
  plan.cap_last_cap = read_cap_last_cap ();
  plan.program_stack_size = PROGRAM_STACK_SIZE;
  plan.program_stack = program_stack = g_malloc (PROGRAM_STACK_SIZE);
  plan.ruleset_fd = landlock->ruleset_fd;
  plan.init_ruleset_fd = -1;
  /* Its own /proc when /proc itself is granted (a procfs of its own cannot
   * keep rules on single files of the host's). */
  plan.proc_access = sandlock_landlock_rights_of (policy, "/proc", landlock->abi) |
                     sandlock_landlock_rights_of (policy, "/", landlock->abi);
  plan.own_proc = plan.proc_access != 0;
  plan.mask_sys = grants_under (policy, "/sys");
  /* A policy function may deny paths later: init then covers them in the
   * sandbox's own mount namespace, on request. */
  plan.control_fd = -1;
  if (sandbox->policy_func != NULL)
    {
      int pair[2];

      if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        {
          int saved = errno;
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                       "cannot set up the sandbox: %s", g_strerror (saved));
          return FALSE;
        }
      control_parent = pair[0];
      plan.control_fd = control_init = pair[1];
      plan.own_mounts = TRUE;
      plan.scratch = scratch_dir (denied_files);
    }
  if (policy->fs_denied->len > 0)
    {
      if (!prepare_denied (policy, denied_files, denied_dirs, error))
        return FALSE;
      plan.denied_files = (const char * const *) denied_files->pdata;
      plan.denied_dirs = (const char * const *) denied_dirs->pdata;
      plan.scratch = scratch_dir (denied_files);
      if (plan.scratch == NULL && denied_files->len > 1)
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                       "fs_denied: no directory to prepare the covers in (/tmp)");
          return FALSE;
        }
    }

  if (policy->workdir != NULL)
    {
      layer = sandlock_layer_create (policy->fs_storage, policy->workdir, error);
      if (layer == NULL)
        return FALSE;
      plan.overlay_target = layer->workdir;
      plan.overlay_options = layer->mount_options;
      plan.overlay_access = sandlock_landlock_write_rights (landlock->abi);
      /* max_disk: the layer is a tmpfs of that size while the sandbox
       * runs, so writes beyond it fail with ENOSPC; it is copied to the
       * storage when the sandbox ends. */
      if (policy->max_disk > 0)
        {
          layer_tmpfs_options = g_strdup_printf ("size=%" G_GUINT64_FORMAT ",mode=0700",
                                                 policy->max_disk);
          plan.layer_tmpfs_options = layer_tmpfs_options;
          plan.layer_dir = layer->dir;
          plan.layer_upper = layer->upper;
          plan.layer_work = layer->work;
        }
      /* The layers are out of the sandbox's reach whatever it was granted:
       * its own layer's record says where a commit goes, and other layers
       * hold other sandboxes' kept changes. Their storage is covered like
       * an fs_denied directory (after the overlay is mounted). */
      if (sandlock_path_is_within (layer->workdir, layer->storage))
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "fs_storage: %s contains the workdir %s; choose a storage outside it",
                       layer->storage, layer->workdir);
          return FALSE;
        }
      if (denied_dirs->len > 0)
        g_ptr_array_remove_index (denied_dirs, denied_dirs->len - 1);   /* its NULL */
      else
        g_ptr_array_add (denied_files, NULL);
      g_ptr_array_add (denied_dirs, layer->storage);
      g_ptr_array_add (denied_dirs, NULL);
      plan.denied_files = (const char * const *) denied_files->pdata;
      plan.denied_dirs = (const char * const *) denied_dirs->pdata;

      /* An inherited working directory inside the workdir would be the
       * host's directory under the overlay: enter it again through it. */
      if (plan.cwd == NULL)
        {
          cwd_in_workdir = g_get_current_dir ();
          if (sandlock_path_is_within (cwd_in_workdir, layer->workdir))
            plan.cwd = cwd_in_workdir;
        }
    }

  plan.filter = filter;

  /* A PID namespace makes init's exit kill every process of the sandbox;
   * the user namespace is what lets us create it without privileges. */
  needs_namespaces = policy->name != NULL || policy->uid >= 0 || policy->fs_denied->len > 0 ||
                     policy->workdir != NULL;
  ns_flags = CLONE_NEWUSER | CLONE_NEWPID | (policy->name ? CLONE_NEWUTS : 0);

  sandbox->start_ns = g_get_monotonic_time () * 1000;
  plan.pid_namespace = TRUE;
  pid = clone_init (ns_flags, &pidfd);
  if (pid < 0 && !needs_namespaces &&
      (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS))
    {
      int saved = errno;

      g_ptr_array_add (sandbox->warnings, g_strdup_printf (
        "user namespaces are unavailable (%s): the sandbox runs without a "
        "PID namespace and its processes are tracked as children of a "
        "subreaper instead", g_strerror (saved)));
      plan.pid_namespace = FALSE;
      plan.own_proc = plan.mask_sys = plan.own_mounts = FALSE;
      if (grants_under (policy, "/proc") || grants_under (policy, "/sys"))
        g_ptr_array_add (sandbox->warnings, g_strdup (
          "without user namespaces the sandbox sees the host's /proc and /sys: "
          "other processes and kernel files stay as the kernel's own permissions "
          "leave them"));
      plan.init_ruleset_fd = init_ruleset = sandlock_landlock_signal_scope_ruleset ();
      pid = clone_init (0, &pidfd);
    }
  if (pid < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR,
                   needs_namespaces ? SANDLOCK_ERROR_KERNEL : SANDLOCK_ERROR_SETUP,
                   "cannot create the sandbox process: %s%s", g_strerror (saved),
                   needs_namespaces ? " (name, uid, fs_denied and workdir need "
                                      "unprivileged user namespaces)" : "");
      return FALSE;
    }
  if (pid == 0)
    sandlock_child_run_init (&plan);

  sandbox->pid = pid;
  sandbox->pidfd = pidfd;
  sandbox->layer = g_steal_pointer (&layer);
  sandbox->pid_namespace = plan.pid_namespace;
  sandlock_close_fd (&control_init);
  if (sandbox->supervisor != NULL)
    sandlock_supervisor_set_netlink_view (sandbox->supervisor, plan.pid_namespace);
  if (sandbox->supervisor != NULL && plan.pid_namespace && control_parent >= 0)
    sandlock_supervisor_set_init_control (sandbox->supervisor,
                                          sandlock_steal_fd (&control_parent), pidfd);
  if (policy->name != NULL)
    sandbox->registration = sandlock_registry_register (policy->name, pid, argv, policy,
                                                        &local_error);
  /* Only the sandbox may hold the write ends, or no EOF ever comes. */
  sandlock_close_fd (&err_w);
  sandlock_close_fd (&status_w);
  sandlock_close_fd (&out_w);
  sandlock_close_fd (&errout_w);
  sandlock_close_fd (&go_r);

  /* EOF means the program's execve closed the last copy: it runs. */
  for (;;)
    {
      do
        n = read (err_r, &record, sizeof record);
      while (n < 0 && errno == EINTR);

      if (n == sizeof record && record.stage == SANDLOCK_STAGE_LAYER &&
          sandbox->layer != NULL)
        {
          sandbox->layer->live_fd = syscall (SYS_pidfd_getfd, sandbox->pidfd, record.error, 0);
          if (sandbox->layer->live_fd < 0)
            {
              int saved = errno;
              g_set_error (&local_error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                           "cannot take the workdir layer from the sandbox: %s",
                           g_strerror (saved));
            }
          continue;
        }
      if (n != sizeof record || record.stage != SANDLOCK_STAGE_LISTENER)
        break;
      if (!take_listener (sandbox, record.error, go_w, error))
        {
          /* Init reads EOF on the go pipe and gives up. */
          SandlockResult *result;

          sandlock_close_fd (&go_w);
          sandbox->status_fd = sandlock_steal_fd (&status_r);
          result = sandlock_sandbox_wait (sandbox, NULL);
          sandlock_result_free (result);
          return FALSE;
        }
      sandlock_close_fd (&go_w);
    }

  sandbox->status_fd = sandlock_steal_fd (&status_r);
  if (local_error != NULL)
    {
      /* Could not register the name: nothing runs under it. */
      SandlockResult *result;

      sandlock_sandbox_kill (sandbox, SIGKILL, NULL);
      result = sandlock_sandbox_wait (sandbox, NULL);
      sandlock_result_free (result);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (n == sizeof record)
    {
      g_autoptr(SandlockResult) result = sandlock_sandbox_wait (sandbox, NULL);

      set_child_error (error, &record, argv[0]);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Signals and waiting                                                      */
/* ------------------------------------------------------------------------ */

static int
signal_init (SandlockSandbox *sandbox,
             int              sig)
{
  return syscall (SYS_pidfd_send_signal, sandbox->pidfd, sig, NULL, 0);
}

/* Called with the lock held. */
static gboolean
check_running (SandlockSandbox  *sandbox,
               GError          **error)
{
  if (sandbox->pidfd < 0 || sandbox->result != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "the sandbox is not running");
      return FALSE;
    }
  return TRUE;
}

gboolean
sandlock_sandbox_kill (SandlockSandbox  *sandbox,
                       int               sig,
                       GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  int ret;

  g_return_val_if_fail (sandbox != NULL, FALSE);

  locker = g_mutex_locker_new (&sandbox->lock);
  if (!check_running (sandbox, error))
    return FALSE;

  if (sig == SIGKILL)
    ret = signal_init (sandbox, kill_all_signal (sandbox));
  else if (sandlock_child_forwards_signal (sig))
    ret = signal_init (sandbox, sig);
  else
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "signal %d cannot be sent to a whole sandbox", sig);
      return FALSE;
    }

  if (ret < 0 && errno != ESRCH)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot signal the sandbox: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Pausing and statistics                                                   */
/* ------------------------------------------------------------------------ */

/* The state letter of /proc/PID/@file (a stat file), and the parent. */
static gboolean
read_stat (pid_t       pid,
           const char *file,
           char       *state,
           pid_t      *parent)
{
  char stat[1024];
  const char *p;

  /* The name may hold anything, ")" included: the last one ends it. */
  if (sandlock_proc_read (pid, file, stat, sizeof stat) < 0 ||
      (p = strrchr (stat, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
    return FALSE;
  *state = p[2];
  if (parent != NULL)
    *parent = atoi (p + 3);
  return TRUE;
}

typedef enum {
  PROC_GONE,       /* exited, or its pid is another process's now */
  PROC_MOVED,      /* reparented since it was listed: look again */
  PROC_STOPPED,
  PROC_BLOCKED,    /* no thread runs, but some wait uninterruptibly */
  PROC_RUNNING,
} ProcState;

/* How the threads of @pid are: a group stop reaches them one by one, so
 * the leader's state alone says too little. */
static ProcState
threads_state (pid_t pid)
{
  char path[64];
  DIR *tasks;
  struct dirent *entry;
  ProcState state = PROC_STOPPED;

  g_snprintf (path, sizeof path, "/proc/%d/task", pid);
  tasks = opendir (path);
  if (tasks == NULL)
    return PROC_GONE;
  while (state != PROC_RUNNING && (entry = readdir (tasks)) != NULL)
    {
      char file[96];
      char letter;

      if (entry->d_name[0] == '.')
        continue;
      g_snprintf (file, sizeof file, "task/%s/stat", entry->d_name);
      if (!read_stat (pid, file, &letter, NULL))
        continue;
      /* Stopped, stopped by a tracer or dead threads do not run. */
      if (letter == 'D')
        state = PROC_BLOCKED;
      else if (letter != 'T' && letter != 't' && letter != 'Z' && letter != 'X')
        state = PROC_RUNNING;
    }
  closedir (tasks);
  return state;
}

/* Is @pid, blocked, a vfork() parent whose child (the one sharing its
 * memory) is stopped? It cannot stop before the child execs or exits,
 * nor run either: it counts as stopped. (dash vforks every command.) */
static gboolean
waits_for_stopped_child (GArray *procs,
                         pid_t   pid,
                         guint   depth)
{
  if (depth >= 16)
    return FALSE;
  for (guint i = 0; i < procs->len; i++)
    {
      pid_t child = g_array_index (procs, SandlockProc, i).pid;
      ProcState state;

      if (g_array_index (procs, SandlockProc, i).parent != pid ||
          syscall (SYS_kcmp, pid, child, KCMP_VM, 0, 0) != 0)
        continue;
      state = threads_state (child);
      if (state == PROC_STOPPED ||
          (state == PROC_BLOCKED && waits_for_stopped_child (procs, child, depth + 1)))
        return TRUE;
    }
  return FALSE;
}

/* A pidfd of @procs[@index], checked to be the process that was listed
 * (pids of dead processes are reused), and its state; -1 unless that is
 * PROC_STOPPED or PROC_RUNNING. */
static int
open_listed (GArray    *procs,
             guint      index,
             ProcState *state)
{
  const SandlockProc *proc = &g_array_index (procs, SandlockProc, index);
  sandlock_autofd int pidfd = syscall (SYS_pidfd_open, proc->pid, 0);
  pid_t parent;
  char letter;

  /* Read after the open: if the parent matches, the pidfd holds the
   * process that was listed, and a signal through it reaches no other. */
  if (pidfd < 0 || !read_stat (proc->pid, "stat", &letter, &parent))
    {
      *state = PROC_GONE;
      return -1;
    }
  if (parent != proc->parent)
    {
      /* Its parent died: it is init's child now, listed in the next pass. */
      *state = PROC_MOVED;
      return -1;
    }
  *state = threads_state (proc->pid);
  if (*state == PROC_BLOCKED)
    *state = waits_for_stopped_child (procs, proc->pid, 0) ? PROC_STOPPED : PROC_RUNNING;
  if (*state == PROC_GONE)
    return -1;
  return sandlock_steal_fd (&pidfd);
}

/* Lists the processes of the program into @procs and sends @sig to them
 * (with @only_running, to those not stopped); how many were not stopped,
 * or -1 when /proc cannot be read. */
static gint
signal_program (SandlockSandbox *sandbox,
                GArray          *procs,
                int              sig,
                gboolean         only_running)
{
  gint running = 0;

  if (!sandlock_proctree_collect (sandbox->pid, procs))
    return -1;
  for (guint i = 0; i < procs->len; i++)
    {
      ProcState state;
      sandlock_autofd int pidfd = open_listed (procs, i, &state);

      if (state == PROC_MOVED || state == PROC_RUNNING)
        running++;
      if (pidfd >= 0 && (state == PROC_RUNNING || !only_running))
        syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
    }
  return running;
}

static gboolean
same_processes (GArray *a,
                GArray *b)
{
  g_autoptr(GHashTable) pids = g_hash_table_new (NULL, NULL);

  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    g_hash_table_add (pids, GINT_TO_POINTER (g_array_index (a, SandlockProc, i).pid));
  for (guint i = 0; i < b->len; i++)
    if (!g_hash_table_contains (pids, GINT_TO_POINTER (g_array_index (b, SandlockProc, i).pid)))
      return FALSE;
  return TRUE;
}

/* Called with the lock held: can /proc show us the sandbox's processes? */
static gboolean
check_proc (GError **error)
{
  if (!sandlock_proctree_usable ())
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot see the sandbox's processes: this /proc belongs to "
                   "another PID namespace");
      return FALSE;
    }
  return TRUE;
}

gboolean
sandlock_sandbox_pause (SandlockSandbox  *sandbox,
                        GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  gint64 deadline = g_get_monotonic_time () + PAUSE_TIMEOUT_MS * 1000;
  gboolean settled = FALSE;
  gint running;

  g_return_val_if_fail (sandbox != NULL, FALSE);

  locker = g_mutex_locker_new (&sandbox->lock);
  if (!check_running (sandbox, error) || !check_proc (error))
    return FALSE;

  /* First, so no SIGCONT of the throttle undoes what follows. */
  if (sandbox->supervisor != NULL)
    sandlock_supervisor_set_paused (sandbox->supervisor, TRUE);

  /* A process can fork until it stops, and a child that was not listed
   * yet gets no signal: again, until a pass finds everything stopped and
   * the same processes as the pass before (a child that a process made
   * just before it stopped shows up only in the next listing). Init is
   * left running (it forwards signals, reaps, and answers the
   * supervisor). */
  for (;;)
    {
      running = signal_program (sandbox, procs, SIGSTOP, TRUE);
      settled = running == 0 && same_processes (procs, before);
      if (settled || running < 0 || g_get_monotonic_time () >= deadline)
        break;
      if (running > 0)
        g_usleep (1000);
      g_array_set_size (before, 0);
      g_array_append_vals (before, procs->data, procs->len);
    }
  if (!settled)
    {
      signal_program (sandbox, procs, SIGCONT, FALSE);
      sandbox->paused = FALSE;
      if (sandbox->supervisor != NULL)
        sandlock_supervisor_set_paused (sandbox->supervisor, FALSE);
      if (running < 0)
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                     "cannot pause the sandbox: its processes cannot be read from /proc");
      else
        g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                     "cannot pause the sandbox: not all of its processes stopped within "
                     "%d seconds (one in uninterruptible sleep?); it runs on",
                     PAUSE_TIMEOUT_MS / 1000);
      return FALSE;
    }
  sandbox->paused = TRUE;
  return TRUE;
}

gboolean
sandlock_sandbox_resume (SandlockSandbox  *sandbox,
                         GError          **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));

  g_return_val_if_fail (sandbox != NULL, FALSE);

  locker = g_mutex_locker_new (&sandbox->lock);
  if (!check_running (sandbox, error))
    return FALSE;
  if (!sandbox->paused)
    return TRUE;

  /* Nothing forks while everything is stopped: one pass reaches all. */
  if (signal_program (sandbox, procs, SIGCONT, FALSE) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot resume the sandbox: its processes cannot be read from /proc");
      return FALSE;
    }
  sandbox->paused = FALSE;
  if (sandbox->supervisor != NULL)
    sandlock_supervisor_set_paused (sandbox->supervisor, FALSE);
  return TRUE;
}

gboolean
sandlock_sandbox_get_stats (SandlockSandbox       *sandbox,
                            SandlockSandboxStats  *stats,
                            GError               **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (SandlockProc));
  guint64 page_size = sysconf (_SC_PAGESIZE);

  g_return_val_if_fail (sandbox != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  locker = g_mutex_locker_new (&sandbox->lock);
  if (!check_running (sandbox, error) || !check_proc (error))
    return FALSE;
  if (!sandlock_proctree_collect (sandbox->pid, procs))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot read the sandbox's processes from /proc");
      return FALSE;
    }

  *stats = (SandlockSandboxStats) { 0 };
  for (guint i = 0; i < procs->len; i++)
    {
      char statm[256];
      const char *resident;

      /* "size resident shared ...", in pages; unreadable: it exited. */
      if (sandlock_proc_read (g_array_index (procs, SandlockProc, i).pid, "statm",
                              statm, sizeof statm) < 0 ||
          (resident = strchr (statm, ' ')) == NULL)
        continue;
      stats->processes++;
      stats->memory_bytes += g_ascii_strtoull (resident + 1, NULL, 10) * page_size;
    }
  return TRUE;
}

GArray *
sandlock_sandbox_get_ports (SandlockSandbox *sandbox)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (sandbox != NULL, NULL);

  locker = g_mutex_locker_new (&sandbox->lock);
  if (sandbox->supervisor != NULL)
    return sandlock_supervisor_get_ports (sandbox->supervisor);
  if (sandbox->ports != NULL)
    return g_array_copy (sandbox->ports);
  return g_array_new (FALSE, FALSE, sizeof (SandlockPortMapping));
}

static void
reap (SandlockSandbox *sandbox)
{
  SandlockResult *result = g_new0 (SandlockResult, 1);
  SandlockChildStatus status;
  siginfo_t info = { 0 };
  ssize_t n;

  /* Until result is set, the others may still read /proc of this pid. */
  g_mutex_lock (&sandbox->lock);
  while (waitid (P_PIDFD, sandbox->pidfd, &info, WEXITED) < 0 && errno == EINTR)
    ;
  result->elapsed_ns = g_get_monotonic_time () * 1000 - sandbox->start_ns;
  result->timed_out = sandbox->timed_out;

  do
    n = read (sandbox->status_fd, &status, sizeof status);
  while (n < 0 && errno == EINTR);

  if (n == sizeof status)
    {
      result->exit_code = status.exit_code;
      result->signal = status.signal;
    }
  else if (info.si_code == CLD_EXITED)
    {
      /* Init failed before the program ran; it exits with our codes. */
      result->exit_code = info.si_status;
    }
  else
    {
      result->exit_code = -1;
      result->signal = info.si_status;
    }
  sandbox->result = result;
  g_mutex_unlock (&sandbox->lock);
}

typedef struct {
  int          fd;
  GByteArray  *data;
} Drain;

static void
drain_fd (Drain *drain)
{
  guint8 buf[16384];
  ssize_t n = read (drain->fd, buf, sizeof buf);

  if (n > 0)
    g_byte_array_append (drain->data, buf, n);
  else if (n == 0 || (errno != EINTR && errno != EAGAIN))
    sandlock_close_fd (&drain->fd);
}

/* Waits for the sandbox to end, enforcing the timeout, while reading
 * captured output so that a full pipe never blocks the program. */
static void
wait_and_drain (SandlockSandbox *sandbox,
                Drain           *drains,
                guint            n_drains)
{
  gint64 deadline = -1;
  int phase = 0;  /* 0 running, 1 SIGTERM sent, 2 killed */

  if (sandbox->timeout > 0)
    deadline = sandbox->start_ns / 1000 + (gint64) (sandbox->timeout * G_USEC_PER_SEC);

  for (;;)
    {
      struct pollfd pfds[3];
      nfds_t nfds = 0;
      int timeout_ms = -1;
      int ret;

      if (sandbox->result == NULL)
        pfds[nfds++] = (struct pollfd) { .fd = sandbox->pidfd, .events = POLLIN };
      for (guint i = 0; i < n_drains; i++)
        if (drains[i].fd >= 0)
          pfds[nfds++] = (struct pollfd) { .fd = drains[i].fd, .events = POLLIN };
      if (nfds == 0)
        break;

      if (sandbox->result == NULL && deadline >= 0)
        timeout_ms = MAX (0, (deadline - g_get_monotonic_time () + 999) / 1000);

      ret = poll (pfds, nfds, timeout_ms);
      if (ret < 0)
        continue;   /* EINTR: a front end forwarding a signal */

      if (ret == 0)
        {
          /* Timeout: SIGTERM to the whole sandbox, then SIGKILL. */
          sandbox->timed_out = TRUE;
          sandlock_sandbox_kill (sandbox, phase == 0 ? SIGTERM : SIGKILL, NULL);
          phase++;
          deadline = phase == 1 ? g_get_monotonic_time () + KILL_GRACE_MS * 1000 : -1;
          continue;
        }

      for (nfds_t i = 0; i < nfds; i++)
        {
          if (pfds[i].revents == 0)
            continue;
          if (sandbox->result == NULL && pfds[i].fd == sandbox->pidfd)
            reap (sandbox);
          else
            for (guint d = 0; d < n_drains; d++)
              if (drains[d].fd == pfds[i].fd)
                drain_fd (&drains[d]);
        }
    }
}

/* on_exit when the program succeeded, on_error when it failed, was killed
 * or timed out. A commit that fails keeps the changes, and says where. */
static gboolean
finish_layer (SandlockSandbox  *sandbox,
              GError          **error)
{
  g_autoptr(SandlockLayer) layer = g_steal_pointer (&sandbox->layer);
  SandlockResult *result = sandbox->result;
  gboolean success = result != NULL && result->exit_code == 0 && !result->timed_out;
  SandlockAction action = success ? sandbox->policy->on_exit : sandbox->policy->on_error;
  g_autoptr(GError) local_error = NULL;

  if (action == SANDLOCK_ACTION_UNSET)
    action = success ? SANDLOCK_ACTION_COMMIT : SANDLOCK_ACTION_ABORT;
  if (!sandlock_layer_finish (layer, action, &local_error))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "%s; the changes are kept as %s", local_error->message, layer->id);
      return FALSE;
    }
  if (action == SANDLOCK_ACTION_KEEP)
    {
      sandbox->changes_id = g_strdup (layer->id);
      sandbox->changes_storage = g_strdup (layer->storage);
    }
  return TRUE;
}

const char *
sandlock_sandbox_get_changes_id (SandlockSandbox *sandbox)
{
  g_return_val_if_fail (sandbox != NULL, NULL);
  return sandbox->changes_id;
}

const char *
sandlock_sandbox_get_changes_storage (SandlockSandbox *sandbox)
{
  g_return_val_if_fail (sandbox != NULL, NULL);
  return sandbox->changes_storage;
}

static SandlockResult *
take_result (SandlockSandbox  *sandbox,
             GError          **error)
{
  SandlockResult *copy;

  if (sandbox->result == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "the sandbox was never started");
      return NULL;
    }
  copy = g_memdup2 (sandbox->result, sizeof *copy);
  if (copy->stdout_bytes)
    g_bytes_ref (copy->stdout_bytes);
  if (copy->stderr_bytes)
    g_bytes_ref (copy->stderr_bytes);
  return copy;
}

SandlockResult *
sandlock_sandbox_wait (SandlockSandbox  *sandbox,
                       GError          **error)
{
  g_autoptr(SandlockSupervisor) supervisor = NULL;
  Drain drains[2];
  guint n_drains = 0;

  g_return_val_if_fail (sandbox != NULL, NULL);

  if (sandbox->pidfd < 0 || sandbox->result != NULL)
    return take_result (sandbox, error);

  for (guint i = 0; sandbox->capture && i < 2; i++)
    drains[n_drains++] = (Drain) { sandlock_steal_fd (&sandbox->capture_fds[i]),
                                   g_byte_array_new () };

  wait_and_drain (sandbox, drains, n_drains);
  if (sandbox->layer != NULL && !finish_layer (sandbox, error))
    return NULL;
  /* Every process is gone: the supervisor thread has seen its listener
   * hang up. Its last port map stays for sandlock_sandbox_get_ports;
   * stopping it (a thread join) happens outside the lock. Then the name
   * is free again. */
  g_mutex_lock (&sandbox->lock);
  supervisor = g_steal_pointer (&sandbox->supervisor);
  if (supervisor != NULL)
    sandbox->ports = sandlock_supervisor_get_ports (supervisor);
  g_mutex_unlock (&sandbox->lock);
  g_clear_pointer (&supervisor, sandlock_supervisor_free);
  g_clear_pointer (&sandbox->registration, sandlock_registration_free);

  if (n_drains == 2)
    {
      sandbox->result->stdout_bytes = g_byte_array_free_to_bytes (drains[0].data);
      sandbox->result->stderr_bytes = g_byte_array_free_to_bytes (drains[1].data);
    }
  return take_result (sandbox, error);
}
