/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The forked side of the spawn sequence. Everything here runs between
 * clone() and execve() in a copy of a possibly multi-threaded parent, so
 * it makes only async-signal-safe calls on data the parent prepared: no
 * allocation, no locks, no stdio, no GLib beyond macros.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandlock-landlock-abi.h"
#include "sandlock-landlock.h"
#include "sandlock-notify-filter.h"
#include "sandlock-spawn-private.h"

#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE 41
#endif

/* Signals init passes on to the sandbox instead of dying of them. */
static const int forwarded_signals[] = {
  SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCONT, SIGWINCH,
  SIGALRM,
};

/* Set once before the handlers are installed; read by them. */
static const SandlockChildPlan *init_plan;
static volatile pid_t program_pid;
static volatile sig_atomic_t kill_all_requested;
/* The layer's tmpfs (max_disk), until the parent has taken it. */
static int layer_fd = -1;

static G_GNUC_NORETURN void
fail (const SandlockChildPlan *plan,
      SandlockStage            stage,
      int                      error)
{
  SandlockChildError record = { .stage = stage, .error = error };
  ssize_t ignored G_GNUC_UNUSED;

  ignored = write (plan->err_fd, &record, sizeof record);
  _exit (stage == SANDLOCK_STAGE_EXEC && error == ENOENT ? 127 :
         stage == SANDLOCK_STAGE_EXEC ? 126 : 125);
}

static int
write_file (const char *path,
            const char *text)
{
  size_t len = strlen (text);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, text, len);
  close (fd);
  return n == (ssize_t) len ? 0 : -1;
}

/* Sends @sig to every process init is responsible for. */
static void
signal_sandbox (int sig)
{
  /* In our PID namespace, or confined to a Landlock signal scope of its
   * own that the whole sandbox is nested in, kill(-1) reaches exactly the
   * sandbox (init itself excepted). */
  if (init_plan->pid_namespace || init_plan->init_ruleset_fd >= 0)
    {
      kill (-1, sig);
      return;
    }
  if (program_pid > 0)
    kill (init_plan->interactive ? program_pid : -program_pid, sig);
}

/* Last resort without a PID namespace or signal scope (best effort on an
 * old kernel): init is a child subreaper, so its children are the whole
 * sandbox. /proc may belong to another PID namespace than ours, so signal
 * through /proc/PID directory fds rather than pid numbers. Returns the
 * number signalled, or -1 when /proc cannot be read. */
static int
kill_children (void)
{
  char buf[4096];
  char path[32] = "/proc/";
  ssize_t n;
  int killed = 0;
  int fd = open ("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return -1;
  while ((n = read (fd, buf, sizeof buf - 1)) > 0)
    {
      size_t len = strlen ("/proc/");

      buf[n] = '\0';
      for (char *p = buf; *p != '\0'; p++)
        {
          if (*p >= '0' && *p <= '9' && len < sizeof path - 1)
            path[len++] = *p;
          else if (len > strlen ("/proc/"))
            {
              int pidfd;

              path[len] = '\0';
              len = strlen ("/proc/");
              pidfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
              if (pidfd >= 0 &&
                  syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
                killed++;
              if (pidfd >= 0)
                close (pidfd);
            }
        }
    }
  close (fd);
  return killed;
}

static void
kill_everything (void)
{
  if (init_plan->pid_namespace)
    {
      /* Exiting as PID 1 kills the namespace; do it now as well so that
       * nothing runs while init writes the status. */
      kill (-1, SIGKILL);
      return;
    }

  /* A subreaper: orphans of the sandbox come to init; kill and reap until
   * none is left. */
  for (;;)
    {
      int flags = 0;

      if (init_plan->init_ruleset_fd >= 0)
        kill (-1, SIGKILL);
      else if (kill_children () < 0)
        flags = WNOHANG;   /* cannot see them: reap what has ended, go */
      if (waitpid (-1, NULL, flags) <= 0 && (errno == ECHILD || flags == WNOHANG))
        break;
    }
}

static void serve_control (const SandlockChildPlan *plan);

static void
on_init_signal (int sig)
{
  int saved = errno;

  if (sig == SANDLOCK_SIGNAL_KILL_ALL)
    kill_all_requested = 1;
  else if (sig == SANDLOCK_SIGNAL_CONTROL)
    serve_control (init_plan);   /* only syscalls: safe here, and no race
                                    with a waitpid about to block */
  else
    signal_sandbox (sig);
  errno = saved;
}

static void
install_init_handlers (const SandlockChildPlan *plan)
{
  struct sigaction forward = { .sa_handler = on_init_signal,
                               .sa_flags = SA_RESTART };
  struct sigaction ignore = { .sa_handler = SIG_IGN };

  sigemptyset (&forward.sa_mask);
  for (size_t i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    {
      int sig = forwarded_signals[i];

      /* Interactive: the terminal signals the program's process group
       * directly, forwarding would deliver them twice. */
      if (plan->interactive && (sig == SIGINT || sig == SIGQUIT))
        sigaction (sig, &ignore, NULL);
      else
        sigaction (sig, &forward, NULL);
    }
  sigaction (SANDLOCK_SIGNAL_KILL_ALL, &(struct sigaction) {
               .sa_handler = on_init_signal }, NULL);
  sigaction (SANDLOCK_SIGNAL_CONTROL, &(struct sigaction) {
               .sa_handler = on_init_signal }, NULL);
}

static void
reset_signals (void)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  sigset_t none;

  for (size_t i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaction (forwarded_signals[i], &dfl, NULL);
  sigaction (SANDLOCK_SIGNAL_KILL_ALL, &dfl, NULL);
  sigaction (SANDLOCK_SIGNAL_CONTROL, &dfl, NULL);
  sigaction (SIGPIPE, &dfl, NULL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static int
setup_stdio (const SandlockChildPlan *plan)
{
  int moved[3];

  /* Move the sources above 2 first so no dup2() clobbers another source. */
  for (int i = 0; i < 3; i++)
    {
      moved[i] = -1;
      if (plan->stdio[i] >= 0 &&
          (moved[i] = fcntl (plan->stdio[i], F_DUPFD_CLOEXEC, 3)) < 0)
        return -1;
    }
  for (int i = 0; i < 3; i++)
    if (moved[i] >= 0 && dup2 (moved[i], i) < 0)
      return -1;
  return 0;
}

/* Closes every fd above 2 except the kept ones (sorted; err_fd among them,
 * it is CLOEXEC and reports a failed execve). */
static int
close_inherited_fds (const SandlockChildPlan *plan)
{
  unsigned int next = 3;

  for (int i = 0; i < plan->n_keep_fds; i++)
    {
      unsigned int keep = plan->keep_fds[i];

      if (keep > next && syscall (SYS_close_range, next, keep - 1, 0) < 0)
        return -1;
      if (keep >= next)
        next = keep + 1;
      if ((int) keep != plan->err_fd && fcntl (keep, F_SETFD, 0) < 0)
        return -1;
    }
  return syscall (SYS_close_range, next, ~0U, 0) < 0 ? -1 : 0;
}

static int
drop_capabilities (const SandlockChildPlan *plan)
{
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return -1;
  /* With an empty bounding set even uid 0 in our user namespace gets no
   * capabilities from execve. */
  for (int cap = 0; cap <= plan->cap_last_cap; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return -1;
  return 0;
}

static int
run_program (void *data)
{
  const SandlockChildPlan *plan = data;
  int ret;

  reset_signals ();
  close (plan->status_fd);

  if (!plan->interactive && setpgid (0, 0) < 0)
    fail (plan, SANDLOCK_STAGE_SESSION, errno);
  if (setup_stdio (plan) < 0)
    fail (plan, SANDLOCK_STAGE_STDIO, errno);
  if (plan->cwd != NULL && chdir (plan->cwd) < 0)
    fail (plan, SANDLOCK_STAGE_CWD, errno);
  if (plan->set_nofile && setrlimit (RLIMIT_NOFILE, &plan->nofile) < 0)
    fail (plan, SANDLOCK_STAGE_RLIMIT, errno);
  if (plan->no_coredump &&
      setrlimit (RLIMIT_CORE, &(struct rlimit) { 0, 0 }) < 0)
    fail (plan, SANDLOCK_STAGE_RLIMIT, errno);
  if (plan->no_huge_pages && prctl (PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
    fail (plan, SANDLOCK_STAGE_HUGE_PAGES, errno);
  if (plan->set_personality && personality (plan->personality) < 0)
    fail (plan, SANDLOCK_STAGE_PERSONALITY, errno);
  if (plan->cpus != NULL &&
      sched_setaffinity (0, plan->cpus_size, plan->cpus) < 0)
    fail (plan, SANDLOCK_STAGE_AFFINITY, errno);
  if (plan->pid_namespace && drop_capabilities (plan) < 0)
    fail (plan, SANDLOCK_STAGE_CAPABILITIES, errno);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    fail (plan, SANDLOCK_STAGE_NO_NEW_PRIVS, errno);
  if (plan->ruleset_fd >= 0 &&
      (ret = sandlock_landlock_restrict_self (plan->ruleset_fd)) < 0)
    fail (plan, SANDLOCK_STAGE_LANDLOCK, -ret);
  /* Also closes the ruleset fd, which the program must not inherit. */
  if (close_inherited_fds (plan) < 0)
    fail (plan, SANDLOCK_STAGE_CLOSE_FDS, errno);
  /* The filter comes last: in allowlist mode it may deny the calls the
   * steps above make, loading another filter among them. */
  if (plan->netlink_refusal != NULL && (ret = sandlock_seccomp_load (plan->netlink_refusal)) < 0)
    fail (plan, SANDLOCK_STAGE_SECCOMP, -ret);
  if (plan->filter != NULL && (ret = sandlock_seccomp_load (plan->filter)) < 0)
    fail (plan, SANDLOCK_STAGE_SECCOMP, -ret);

  execve (plan->exec_path, plan->argv, plan->envp);
  fail (plan, SANDLOCK_STAGE_EXEC, errno);
}

/* Kernel files a sandbox must not read even where /proc or /sys is
 * granted. */
static const char * const denied_proc_files[] = {
  "/proc/kcore", "/proc/kallsyms", "/proc/kmsg", "/proc/keys", "/proc/sysrq-trigger", NULL,
};
static const char * const denied_sys_dirs[] = {
  "/sys/firmware", "/sys/kernel/security", NULL,
};

/*
 * A mount namespace of the sandbox's own: a procfs of its PID namespace
 * on /proc (other processes are not there at all), the kernel files above
 * covered by a mode-000 file, the /sys directories by a mode-000 tmpfs.
 * The program cannot undo it: mounting is denied to it, and it has no
 * capabilities. Landlock rules on /proc and /sys still apply: they name
 * the mount points these sit on.
 */
/* Landlock rules name inodes: the rule the parent made names the host's
 * /proc, and this procfs is another; grant it the same. */
static int
add_rule (const SandlockChildPlan *plan,
          const char              *path,
          guint64                  access)
{
  struct sandlock_path_beneath_attr attr = { .allowed_access = access };
  int ret;

  if (plan->ruleset_fd < 0)
    return 0;
  attr.parent_fd = open (path, O_PATH | O_CLOEXEC);
  if (attr.parent_fd < 0)
    return -1;
  ret = syscall (__NR_landlock_add_rule, plan->ruleset_fd, SANDLOCK_RULE_PATH_BENEATH, &attr, 0);
  close (attr.parent_fd);
  return ret;
}

/* A mode-000 file made on a scratch tmpfs mounted over @scratch for a
 * moment: bind mounts of it outlive the tmpfs's own mount. */
static int
cover_files (const char         *scratch,
             const char * const *files,
             gboolean            optional)
{
  char path[256];
  size_t len = strlen (scratch);

  if (len + sizeof "/denied" > sizeof path)
    return -1;
  memcpy (path, scratch, len);
  memcpy (path + len, "/denied", sizeof "/denied");
  /* mknod, not open: init's opens go to the supervisor, which may be
   * waiting for this very cover. */
  if (mount ("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             "mode=0700,size=4k") < 0 ||
      mknod (path, S_IFREG, 0) < 0)
    return -1;
  for (size_t i = 0; files[i] != NULL; i++)
    if (mount (path, files[i], NULL, MS_BIND, NULL) < 0 && !(optional && errno == ENOENT))
      return -1;
  return umount2 (scratch, MNT_DETACH);
}

static int
cover_dirs (const char * const *dirs,
            gboolean            optional)
{
  for (size_t i = 0; dirs[i] != NULL; i++)
    if (mount ("tmpfs", dirs[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
               "mode=000") < 0 && !(optional && errno == ENOENT))
      return -1;
  return 0;
}

static const char * const no_paths[] = { NULL };

static int
set_up_mounts (const SandlockChildPlan *plan)
{
  if (unshare (CLONE_NEWNS) < 0 ||
      mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return -1;
  /* The workdir first, so covers of denied paths inside it land on the
   * overlay rather than under it. The sandbox writes into the layer's upper
   * directory; the overlay's root is a new inode, so the write grant is
   * made for it here. */
  if (plan->layer_tmpfs_options != NULL &&
      (mount ("tmpfs", plan->layer_dir, "tmpfs", MS_NOSUID | MS_NODEV,
              plan->layer_tmpfs_options) < 0 ||
       mkdir (plan->layer_upper, 0700) < 0 || mkdir (plan->layer_work, 0700) < 0 ||
       (layer_fd = open (plan->layer_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0))
    fail (plan, SANDLOCK_STAGE_WORKDIR, errno);
  if (plan->overlay_target != NULL &&
      (mount ("overlay", plan->overlay_target, "overlay", MS_NOSUID | MS_NODEV,
              plan->overlay_options) < 0 ||
       add_rule (plan, plan->overlay_target, plan->overlay_access) < 0))
    fail (plan, SANDLOCK_STAGE_WORKDIR, errno);
  if (plan->own_proc &&
      (mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
       add_rule (plan, "/proc", plan->proc_access) < 0 ||
       cover_files ("/proc/sys", denied_proc_files, TRUE) < 0))
    return -1;
  /* What this kernel lacks needs no cover; what the policy names must get
   * one. */
  if (plan->mask_sys && cover_dirs (denied_sys_dirs, TRUE) < 0)
    return -1;
  /* fs_denied: whatever spelling reaches these paths meets the cover; they
   * are mount points, so they cannot be unlinked, renamed or replaced. */
  if (plan->denied_files != NULL && plan->denied_files[0] != NULL &&
      cover_files (plan->scratch, plan->denied_files, FALSE) < 0)
    return -1;
  if (cover_dirs (plan->denied_dirs ? plan->denied_dirs : no_paths, FALSE) < 0)
    return -1;
  return 0;
}

/* Closes every fd but @a and @b (either may be -1). */
static void
close_all_but (int a,
               int b)
{
  int low = MIN (a, b), high = MAX (a, b);

  if (low < 0)
    low = high, high = -1;
  if (low > 0)
    syscall (SYS_close_range, 0, low - 1, 0);
  if (high < 0)
    {
      syscall (SYS_close_range, low + 1, ~0U, 0);
      return;
    }
  if (high > low + 1)
    syscall (SYS_close_range, low + 1, high - 1, 0);
  syscall (SYS_close_range, high + 1, ~0U, 0);
}

/* Requests from the supervisor: paths a policy function denied while the
 * sandbox runs, covered like fs_denied. */
static void
serve_control (const SandlockChildPlan *plan)
{
  char path[SANDLOCK_CONTROL_MAX];
  ssize_t n;

  while ((n = recv (plan->control_fd, path, sizeof path - 1, MSG_DONTWAIT)) > 0)
    {
      const char *one[2] = { path, NULL };
      struct stat st;
      int32_t error = 0;

      path[n] = '\0';
      if (stat (path, &st) < 0)
        error = errno;
      else if (S_ISDIR (st.st_mode) ? cover_dirs (one, FALSE) < 0
                                    : cover_files (plan->scratch, one, FALSE) < 0)
        error = errno;
      if (send (plan->control_fd, &error, sizeof error, MSG_DONTWAIT) < 0)
        break;
    }
}

/* The notify filter goes on init, so that init's own clone of the program
 * and everything after it is supervised; the parent takes the listener
 * from us with pidfd_getfd() before anything is trapped that it must
 * answer. We keep no copy: if the supervisor ever goes away, trapped calls
 * fail (ENOSYS) instead of waiting forever. */
static void
start_supervision (const SandlockChildPlan *plan)
{
  SandlockChildError record = { .stage = SANDLOCK_STAGE_LISTENER };
  SandlockChildError layer = { .stage = SANDLOCK_STAGE_LAYER, .error = layer_fd };
  int listener;
  char go;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    fail (plan, SANDLOCK_STAGE_NO_NEW_PRIVS, errno);
  listener = sandlock_notify_filter_load (plan->notify_filter);
  if (listener < 0)
    fail (plan, SANDLOCK_STAGE_SECCOMP, -listener);

  record.error = listener;
  if ((layer_fd >= 0 &&
       write (plan->err_fd, &layer, sizeof layer) != sizeof layer) ||
      write (plan->err_fd, &record, sizeof record) != sizeof record ||
      read (plan->go_fd, &go, 1) != 1)
    _exit (SANDLOCK_EXIT_SETUP);   /* the parent gave up */
  close (listener);
  close (plan->go_fd);
}

void
sandlock_child_run_init (const SandlockChildPlan *plan)
{
  SandlockChildStatus status = { .exit_code = -1, .signal = SIGKILL };
  ssize_t ignored G_GNUC_UNUSED;
  pid_t pid;
  int wstatus;

  init_plan = plan;

  if (plan->pid_namespace)
    {
      if (write_file ("/proc/self/setgroups", "deny") < 0 ||
          write_file ("/proc/self/uid_map", plan->uid_map) < 0 ||
          write_file ("/proc/self/gid_map", plan->gid_map) < 0)
        fail (plan, SANDLOCK_STAGE_USERNS, errno);
      if (plan->hostname != NULL &&
          sethostname (plan->hostname, strlen (plan->hostname)) < 0)
        fail (plan, SANDLOCK_STAGE_HOSTNAME, errno);
      if ((plan->own_proc || plan->mask_sys || plan->denied_files != NULL ||
           plan->own_mounts || plan->overlay_target != NULL) && set_up_mounts (plan) < 0)
        fail (plan, SANDLOCK_STAGE_MOUNTS, errno);
      /* The whole namespace dies with init, and init with its parent. */
      prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    }
  else
    {
      if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        fail (plan, SANDLOCK_STAGE_FORK, errno);
      prctl (PR_SET_PDEATHSIG, SANDLOCK_SIGNAL_KILL_ALL, 0, 0, 0);
      /* A signal scope of init's own, which the program's domain nests in:
       * init can then signal the sandbox and nothing else. */
      if (plan->init_ruleset_fd >= 0 &&
          (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
           sandlock_landlock_restrict_self (plan->init_ruleset_fd) < 0))
        fail (plan, SANDLOCK_STAGE_LANDLOCK, errno);
    }

  if (!plan->interactive && setsid () < 0)
    fail (plan, SANDLOCK_STAGE_SESSION, errno);

  if (plan->notify_filter != NULL)
    start_supervision (plan);

  install_init_handlers (plan);

  /* Like vfork(): the program shares init's memory, on its own stack,
   * until its execve, so no page tables are copied; init waits meanwhile.
   * Except when init must answer control requests during that execve (a
   * policy function holds it): then a plain copy. (glibc's fork() would
   * also run atfork handlers, which may take locks another thread of our
   * parent held when init was cloned.) */
  pid = clone (run_program, plan->program_stack + plan->program_stack_size,
               (plan->control_fd >= 0 ? 0 : CLONE_VM | CLONE_VFORK) | SIGCHLD,
               (void *) plan);
  if (pid < 0)
    fail (plan, SANDLOCK_STAGE_FORK, errno);

  program_pid = pid;
  /* The vfork-like clone returns once the program has exec'd (or died).
   * Init keeps nothing of its parent's but the status pipe: not the
   * parent's other files, and not err_fd, whose last copy the program's
   * execve closed to tell the parent it runs. */
  close_all_but (plan->status_fd, plan->control_fd);

  for (;;)
    {
      pid_t w = waitpid (-1, &wstatus, 0);
      int wait_error = errno;

      if (kill_all_requested)
        break;
      if (w < 0 && wait_error == EINTR)
        continue;
      if (w < 0)
        break;   /* ECHILD: nothing left */
      if (w == pid)
        {
          if (WIFEXITED (wstatus))
            status = (SandlockChildStatus) { WEXITSTATUS (wstatus), 0 };
          else if (WIFSIGNALED (wstatus))
            status = (SandlockChildStatus) { -1, WTERMSIG (wstatus) };
          break;
        }
    }

  kill_everything ();
  ignored = write (plan->status_fd, &status, sizeof status);
  _exit (0);
}

gboolean
sandlock_child_forwards_signal (int sig)
{
  for (size_t i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    if (forwarded_signals[i] == sig)
      return TRUE;
  return FALSE;
}
