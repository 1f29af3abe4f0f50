/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>

#include "sandlock-seccomp.h"

G_BEGIN_DECLS

/*
 * Everything the forked child needs, prepared by the parent: the child
 * only reads it and makes async-signal-safe system calls.
 *
 * Process layout: the parent clones the "init" process (PID 1 of a new PID
 * namespace where user namespaces are available, otherwise a child
 * subreaper). Init forks the program process, which confines itself and
 * execs. When the program exits, init reports its status and exits, and
 * every remaining process of the sandbox dies with it.
 */
typedef struct {
  const char    *exec_path;
  char * const  *argv;
  char * const  *envp;

  int            stdio[3];        /* -1 = inherit */
  const int     *keep_fds;        /* sorted, ascending */
  int            n_keep_fds;

  int            err_fd;          /* write end, CLOEXEC: setup failures */
  int            status_fd;       /* write end: init reports the status */

  gboolean       pid_namespace;   /* else init is a child subreaper */
  gboolean       interactive;
  const char    *uid_map;         /* "inner outer 1\n" */
  const char    *gid_map;
  const char    *hostname;        /* NULL = keep */
  gboolean       own_proc;        /* mount a procfs of our PID namespace */
  guint64        proc_access;     /* the Landlock rights /proc is granted */
  gboolean       mask_sys;        /* hide /sys/firmware, /sys/kernel/security */
  const char * const *denied_files;   /* fs_denied, covered by a mode-000 file */
  const char * const *denied_dirs;    /* fs_denied, covered by a mode-000 tmpfs */
  const char    *scratch;         /* a directory to mount a scratch tmpfs on */
  gboolean       own_mounts;      /* a mount namespace even with nothing to
                                     cover yet (paths denied at run time) */
  const char    *overlay_target;  /* workdir: a copy-on-write overlay on it */
  const char    *overlay_options; /* OverlayFS mount options */
  guint64        overlay_access;  /* the Landlock rights the overlay is granted */
  const char    *layer_tmpfs_options; /* max_disk: upper and work live on a tmpfs
                                         of this size over layer_dir (NULL = on disk) */
  const char    *layer_dir;
  const char    *layer_upper;
  const char    *layer_work;
  int            control_fd;      /* init's end: paths to deny at run time */

  const char    *cwd;             /* NULL = inherit */
  gboolean       set_nofile;
  struct rlimit  nofile;
  gboolean       no_coredump;
  gboolean       no_huge_pages;
  gboolean       set_personality;
  unsigned long  personality;
  const cpu_set_t *cpus;          /* NULL = inherit */
  size_t         cpus_size;
  int            cap_last_cap;

  char          *program_stack;   /* for the vfork-like program clone */
  size_t         program_stack_size;

  const SandlockFilter *notify_filter; /* NULL = no supervisor */
  int            go_fd;           /* read end: the supervisor has the listener */

  int            ruleset_fd;      /* -1 = no Landlock (best effort) */
  int            init_ruleset_fd; /* without a PID namespace: init's own
                                     signal scope, -1 when unavailable */
  const SandlockFilter *filter;
  const SandlockFilter *netlink_refusal; /* no supervisor: netlink sockets
                                            fail (EAFNOSUPPORT); else NULL */
} SandlockChildPlan;

/* A failed setup step, written by the child to err_fd. */
typedef enum {
  SANDLOCK_STAGE_USERNS = 1,
  SANDLOCK_STAGE_HOSTNAME,
  SANDLOCK_STAGE_MOUNTS,
  SANDLOCK_STAGE_WORKDIR,
  SANDLOCK_STAGE_SESSION,
  SANDLOCK_STAGE_FORK,
  SANDLOCK_STAGE_STDIO,
  SANDLOCK_STAGE_CWD,
  SANDLOCK_STAGE_RLIMIT,
  SANDLOCK_STAGE_HUGE_PAGES,
  SANDLOCK_STAGE_PERSONALITY,
  SANDLOCK_STAGE_AFFINITY,
  SANDLOCK_STAGE_CAPABILITIES,
  SANDLOCK_STAGE_NO_NEW_PRIVS,
  SANDLOCK_STAGE_LANDLOCK,
  SANDLOCK_STAGE_SECCOMP,
  SANDLOCK_STAGE_CLOSE_FDS,
  SANDLOCK_STAGE_EXEC,
  /* Not a failure: init reports the fd number of the seccomp listener,
   * for the parent to take with pidfd_getfd(). */
  SANDLOCK_STAGE_LISTENER = 100,
  /* Not a failure: the fd number of the layer's tmpfs (max_disk), for the
   * parent to take before init exits. Sent before the listener. */
  SANDLOCK_STAGE_LAYER = 101,
} SandlockStage;

typedef struct {
  int32_t stage;
  int32_t error;
} SandlockChildError;

typedef struct {
  int32_t exit_code;              /* -1 when killed by a signal */
  int32_t signal;
} SandlockChildStatus;

/* Init forwards catchable signals to the sandbox; this one, which no
 * program expects, makes it kill every process of the sandbox and exit. */
#define SANDLOCK_SIGNAL_KILL_ALL SIGRTMAX
/* Tells init a request waits on its control socket. */
#define SANDLOCK_SIGNAL_CONTROL (SIGRTMAX - 1)

/* A request to init: cover @path (NUL-terminated), answered with an
 * int32 errno (0 when covered). */
#define SANDLOCK_CONTROL_MAX 4096

/* Runs in the cloned child; never returns. */
G_GNUC_NORETURN void sandlock_child_run_init (const SandlockChildPlan *plan);

/* TRUE when init passes @sig on to the sandbox. */
gboolean sandlock_child_forwards_signal (int sig);

G_END_DECLS
