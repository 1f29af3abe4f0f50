/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsandlock: confine a program with Landlock and seccomp, no root needed.
 *
 * The usual flow:
 *
 *   g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
 *   sandlock_policy_set (policy, "fs_readable", "/usr", &error);
 *   sandlock_policy_set (policy, "fs_writable", "/tmp", &error);
 *   g_autoptr(SandlockResult) result =
 *     sandlock_run (policy, argv, NULL, &error);
 *
 * Every policy is validated completely before anything is forked: a value
 * the engine cannot enforce is refused, never accepted and ignored.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define SANDLOCK_API __attribute__ ((visibility ("default")))

#define SANDLOCK_ERROR (sandlock_error_quark ())
SANDLOCK_API GQuark sandlock_error_quark (void);

/**
 * SandlockError:
 * @SANDLOCK_ERROR_INVALID_POLICY: a policy value is malformed or contradictory
 * @SANDLOCK_ERROR_UNSUPPORTED: the policy asks for something this build of
 *   the engine does not enforce yet
 * @SANDLOCK_ERROR_KERNEL: the running kernel lacks a feature the policy needs
 * @SANDLOCK_ERROR_SETUP: the sandbox could not be set up
 * @SANDLOCK_ERROR_NOT_FOUND: the program was not found
 * @SANDLOCK_ERROR_NOT_EXECUTABLE: the program exists but cannot be executed
 * @SANDLOCK_ERROR_CONFLICT: a commit would overwrite changes made in the
 *   workdir after the sandbox started
 * @SANDLOCK_ERROR_FAILED: any other failure
 */
typedef enum {
  SANDLOCK_ERROR_INVALID_POLICY,
  SANDLOCK_ERROR_UNSUPPORTED,
  SANDLOCK_ERROR_KERNEL,
  SANDLOCK_ERROR_SETUP,
  SANDLOCK_ERROR_NOT_FOUND,
  SANDLOCK_ERROR_NOT_EXECUTABLE,
  SANDLOCK_ERROR_FAILED,
  SANDLOCK_ERROR_CONFLICT,
} SandlockError;

/* Exit statuses shared by the CLI and the helper. */
#define SANDLOCK_EXIT_USAGE          2
#define SANDLOCK_EXIT_TIMEOUT        124
#define SANDLOCK_EXIT_SETUP          125
#define SANDLOCK_EXIT_NOT_EXECUTABLE 126
#define SANDLOCK_EXIT_NOT_FOUND      127

/* The exit status a front end should use for an error from this library. */
SANDLOCK_API int sandlock_error_exit_status (const GError *error);

/* ------------------------------------------------------------------------ */
/* Policy                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct _SandlockPolicy SandlockPolicy;

SANDLOCK_API SandlockPolicy *sandlock_policy_new            (void);
SANDLOCK_API SandlockPolicy *sandlock_policy_new_from_json  (const char      *json,
                                                gssize           length,
                                                GError         **error);
SANDLOCK_API SandlockPolicy *sandlock_policy_new_from_file  (const char      *path,
                                                GError         **error);
SANDLOCK_API SandlockPolicy *sandlock_policy_copy           (SandlockPolicy  *policy);
SANDLOCK_API SandlockPolicy *sandlock_policy_ref            (SandlockPolicy  *policy);
SANDLOCK_API void            sandlock_policy_unref          (SandlockPolicy  *policy);

/*
 * Sets one field from its textual form, as a CLI flag gives it: list fields
 * ("fs_readable", "net_allow", ...) append, "env" takes "KEY=VALUE",
 * booleans take "true"/"false", sizes take "512M". Unknown field names and
 * malformed values fail with SANDLOCK_ERROR_INVALID_POLICY.
 */
SANDLOCK_API gboolean        sandlock_policy_set            (SandlockPolicy  *policy,
                                                const char      *field,
                                                const char      *value,
                                                GError         **error);
/* Resets one field to its default (empty list, unset, false). */
SANDLOCK_API gboolean        sandlock_policy_unset          (SandlockPolicy  *policy,
                                                const char      *field,
                                                GError         **error);
/* TRUE when @field has a value other than its default. */
SANDLOCK_API gboolean        sandlock_policy_is_set         (SandlockPolicy  *policy,
                                                const char      *field);
/* Merges every field present in a JSON object, overriding scalars and
 * replacing lists. */
SANDLOCK_API gboolean        sandlock_policy_merge_json     (SandlockPolicy  *policy,
                                                const char      *json,
                                                gssize           length,
                                                GError         **error);
/* Fields that hold a value, as JSON (only those, so it round-trips). */
SANDLOCK_API char           *sandlock_policy_to_json        (SandlockPolicy  *policy);

/*
 * Every problem with the policy, each a sentence naming the field:
 * malformed values, missing paths, contradictions and fields not supported
 * yet. Empty when the policy is valid. (What the running kernel lacks is
 * checked at spawn time, see SANDLOCK_SPAWN_BEST_EFFORT.)
 */
SANDLOCK_API GPtrArray      *sandlock_policy_check          (SandlockPolicy  *policy);
/* The same as one GError (the first problem, with a count of the rest). */
SANDLOCK_API gboolean        sandlock_policy_validate       (SandlockPolicy  *policy,
                                                GError         **error);

/* The names of all policy fields, in schema order (NULL-terminated, static). */
SANDLOCK_API const char * const *sandlock_policy_field_names (void);
/* TRUE when this build enforces the field. */
SANDLOCK_API gboolean        sandlock_policy_field_supported (const char     *field);

/* Parses "512M", "2G", "4096" into bytes. */
SANDLOCK_API gboolean        sandlock_parse_size            (const char      *text,
                                                guint64         *bytes,
                                                GError         **error);

/* ------------------------------------------------------------------------ */
/* Profiles: $XDG_CONFIG_HOME/sandlock/profiles/NAME.json                   */
/* ------------------------------------------------------------------------ */

/* The directory profiles live in (not created). */
SANDLOCK_API char           *sandlock_profile_dir          (void);
/* Names of the saved profiles, sorted (NULL-terminated). */
SANDLOCK_API GStrv           sandlock_profile_list         (GError         **error);
SANDLOCK_API SandlockPolicy *sandlock_profile_load         (const char      *name,
                                                            GError         **error);
/* Saves atomically (write to a temporary file, then rename). */
SANDLOCK_API gboolean        sandlock_profile_save         (const char      *name,
                                                            SandlockPolicy  *policy,
                                                            GError         **error);
SANDLOCK_API gboolean        sandlock_profile_delete       (const char      *name,
                                                            GError         **error);
/* Profile names: 1-64 bytes of [A-Za-z0-9._-], not starting with a dot. */
SANDLOCK_API gboolean        sandlock_profile_name_is_valid (const char     *name);

/* ------------------------------------------------------------------------ */
/* Running a sandbox                                                        */
/* ------------------------------------------------------------------------ */

typedef struct _SandlockSandbox SandlockSandbox;
typedef struct _SandlockResult  SandlockResult;

/*
 * SandlockSpawnFlags:
 * @SANDLOCK_SPAWN_INTERACTIVE: keep the caller's terminal session so job
 *   control and /dev/tty work (shells); otherwise the sandbox gets a session
 *   of its own with no controlling terminal.
 * @SANDLOCK_SPAWN_BEST_EFFORT: run even when the kernel lacks Landlock
 *   features the policy needs; what was dropped is reported through
 *   sandlock_sandbox_get_warnings().
 */
typedef enum {
  SANDLOCK_SPAWN_DEFAULT     = 0,
  SANDLOCK_SPAWN_INTERACTIVE = 1 << 0,
  SANDLOCK_SPAWN_BEST_EFFORT = 1 << 1,
  SANDLOCK_SPAWN_OBSERVE     = 1 << 2,
} SandlockSpawnFlags;

/*
 * SANDLOCK_SPAWN_OBSERVE: also trap execve, openat, connect and bind purely
 * to report them as events (the policy still decides them). Costs a
 * round trip to the supervisor per call, so it is opt-in.
 */

/* ------------------------------------------------------------------------ */
/* Events: what the supervisor sees                                         */
/* ------------------------------------------------------------------------ */

typedef enum {
  SANDLOCK_VERDICT_ALLOW,
  SANDLOCK_VERDICT_DENY,
  SANDLOCK_VERDICT_AUDIT,
} SandlockVerdict;

/*
 * One trapped system call. Strings are valid only during the callback.
 * @detail is informational: a path or address read from the program's
 * memory, which another of its threads may change at any time; decisions
 * never rest on such a read (the supervisor performs those calls itself).
 */
typedef struct {
  guint64          time_ns;     /* CLOCK_REALTIME */
  int              pid;         /* in the caller's PID namespace */
  int              ppid;
  const char      *syscall;
  const char      *category;    /* "file", "network", "process", "memory" */
  const char      *detail;
  SandlockVerdict  verdict;
  int              error;       /* errno returned when denied, else 0 */
  const char      *rule;        /* what decided: "max_processes", ... */
} SandlockEvent;

/* Called from the supervisor thread: keep it short, copy what you keep. */
typedef void (*SandlockEventFunc) (const SandlockEvent *event,
                                   gpointer             user_data);

/* ------------------------------------------------------------------------ */
/* Dynamic policy                                                           */
/* ------------------------------------------------------------------------ */

typedef struct _SandlockPolicyContext SandlockPolicyContext;

/* What a SandlockPolicyFunc returns: allow, deny with EPERM, allow and flag
 * the event as audited, or any positive errno to deny with. */
#define SANDLOCK_DECISION_ALLOW 0
#define SANDLOCK_DECISION_DENY  (-1)
#define SANDLOCK_DECISION_AUDIT (-2)

/*
 * Called, in a thread of its own, for every execve, openat, connect, bind
 * and sendto-with-address of the sandbox, which waits for the answer (up
 * to the timeout of sandlock_sandbox_set_policy_func, then it is denied).
 * The static policy still applies to what this allows: a policy function
 * can only take away. @context tightens the policy from then on.
 *
 * A connect is performed by the supervisor with the address the function
 * saw, so denying by address holds. Paths and argument vectors are read
 * from the program's memory, which another of its threads may rewrite
 * after the function looked: deny by path as a convenience, and keep
 * access control in the static policy (fs_readable, fs_writable).
 */
typedef int (*SandlockPolicyFunc) (const SandlockEvent   *event,
                                   SandlockPolicyContext *context,
                                   gpointer               user_data);

/* From now on, outbound TCP only to these ports (none: no outbound TCP);
 * each call narrows further. */
SANDLOCK_API void sandlock_policy_context_restrict_network       (SandlockPolicyContext *context,
                                                                  const guint16         *ports,
                                                                  gsize                  n_ports);
/* Denies @path (and what is under it) from now on, as fs_denied does:
 * the calls held for this very decision included. FALSE when it cannot:
 * not an existing absolute path, a file with other hard links, or a
 * sandbox without user namespaces. */
SANDLOCK_API gboolean sandlock_policy_context_deny_path (SandlockPolicyContext *context,
                                                        const char            *path);
/* Lower (never raise) the process limit; sets one when there was none. */
SANDLOCK_API void     sandlock_policy_context_restrict_max_processes (SandlockPolicyContext *context,
                                                                      gint64                 max);
/* Lower (never raise) max_memory. Memory is watched only when the policy
 * has a max_memory: without one this returns FALSE and changes nothing. */
SANDLOCK_API gboolean sandlock_policy_context_restrict_max_memory    (SandlockPolicyContext *context,
                                                                      guint64                bytes);

SANDLOCK_API const char *sandlock_verdict_to_string (SandlockVerdict verdict);
/* One line of JSON (no newline): the fields above, verdict as a string. */
SANDLOCK_API char       *sandlock_event_to_json     (const SandlockEvent *event);
/* "12:00:01.123 pid 42 connect network /run/bus deny EACCES (fs_writable)" */
SANDLOCK_API char       *sandlock_event_to_string   (const SandlockEvent *event);

SANDLOCK_API SandlockSandbox *sandlock_sandbox_new          (SandlockPolicy  *policy);
SANDLOCK_API void             sandlock_sandbox_free         (SandlockSandbox *sandbox);

SANDLOCK_API void             sandlock_sandbox_set_flags    (SandlockSandbox *sandbox,
                                                SandlockSpawnFlags flags);
/* fds that become the child's 0, 1 and 2; -1 inherits the caller's. The
 * sandbox does not take ownership. */
SANDLOCK_API void             sandlock_sandbox_set_stdio    (SandlockSandbox *sandbox,
                                                int              stdin_fd,
                                                int              stdout_fd,
                                                int              stderr_fd);
/* Collect stdout and stderr into the result (see sandlock_result_get_stdout)
 * instead of passing them through; overrides set_stdio for 1 and 2. */
SANDLOCK_API void             sandlock_sandbox_set_capture  (SandlockSandbox *sandbox,
                                                            gboolean         capture);
/* An extra fd the program keeps, at the same number (all others above 2
 * are closed). */
SANDLOCK_API void             sandlock_sandbox_keep_fd      (SandlockSandbox *sandbox,
                                                int              fd);
/* Every event of the sandbox goes to @func (see SandlockEvent). */
SANDLOCK_API void             sandlock_sandbox_set_event_handler (SandlockSandbox  *sandbox,
                                                                  SandlockEventFunc func,
                                                                  gpointer          user_data);
/* Decide held syscalls at run time (see SandlockPolicyFunc). A call
 * waits at most @timeout seconds for @func, then is denied. */
SANDLOCK_API void             sandlock_sandbox_set_policy_func (SandlockSandbox   *sandbox,
                                                                SandlockPolicyFunc func,
                                                                gpointer           user_data,
                                                                double             timeout);
/* Seconds before the whole sandbox gets SIGTERM, then SIGKILL after a short
 * grace; 0 means no timeout. */
SANDLOCK_API void             sandlock_sandbox_set_timeout  (SandlockSandbox *sandbox,
                                                double           seconds);

/* Validates, prepares and starts the program. On failure nothing runs. */
SANDLOCK_API gboolean         sandlock_sandbox_spawn        (SandlockSandbox *sandbox,
                                                const char * const *argv,
                                                GError         **error);
/* The pid (in the caller's namespace) of the sandbox's top process. */
SANDLOCK_API pid_t            sandlock_sandbox_get_pid      (SandlockSandbox *sandbox);
/* A pidfd that becomes readable when the sandbox has ended. */
SANDLOCK_API int              sandlock_sandbox_get_pidfd    (SandlockSandbox *sandbox);
/* Notes about confinement dropped in best-effort mode (NULL-terminated). */
SANDLOCK_API const char * const *sandlock_sandbox_get_warnings (SandlockSandbox *sandbox);
/* Sends @signal to every process of the sandbox. */
SANDLOCK_API gboolean         sandlock_sandbox_kill         (SandlockSandbox *sandbox,
                                                int              signal,
                                                GError         **error);
/*
 * Blocks until the sandbox has ended (enforcing the timeout) and returns
 * its result. Every process of the sandbox is gone when this returns.
 */
SANDLOCK_API SandlockResult  *sandlock_sandbox_wait         (SandlockSandbox *sandbox,
                                                GError         **error);

/*
 * Controls and queries for a running sandbox. Once sandlock_sandbox_spawn
 * has returned, these and sandlock_sandbox_kill may be called from any
 * thread, also while another thread blocks in sandlock_sandbox_wait
 * (only sandlock_sandbox_free must wait until no other call runs).
 * "Not running" means not spawned, or ended and waited for.
 */

/*
 * Stops every process of the program (SIGSTOP to each descendant of the
 * sandbox's init, again until a pass finds none that is not stopped, so
 * forks racing the pause are caught too; a vfork() parent waiting for
 * its stopped child counts as stopped). The sandbox's init keeps running:
 * it still forwards signals and reaps, and sandlock_sandbox_kill with
 * SIGKILL ends a paused sandbox (other signals wait, as for any stopped
 * process, until it is resumed). max_cpu's throttle does not resume a
 * paused sandbox. Pausing a paused sandbox is fine. FALSE when the
 * sandbox is not running, or when some process did not stop within 2
 * seconds: then every process is continued again.
 */
SANDLOCK_API gboolean         sandlock_sandbox_pause        (SandlockSandbox *sandbox,
                                                GError         **error);
/* Continues what sandlock_sandbox_pause stopped (TRUE and nothing else
 * when not paused); FALSE when the sandbox is not running. */
SANDLOCK_API gboolean         sandlock_sandbox_resume       (SandlockSandbox *sandbox,
                                                GError         **error);

typedef struct {
  guint   processes;     /* processes of the program (descendants of the sandbox's init) */
  guint64 memory_bytes;  /* their resident memory (statm resident * page size), summed */
} SandlockSandboxStats;

/* A snapshot from /proc. FALSE with an error when the sandbox is not
 * running. Shared pages count once per process that maps them. */
SANDLOCK_API gboolean         sandlock_sandbox_get_stats    (SandlockSandbox      *sandbox,
                                                            SandlockSandboxStats *stats,
                                                            GError              **error);

typedef struct {
  guint16 virtual_port;  /* the port the program asked for and sees */
  guint16 real_port;     /* the host's port it got */
} SandlockPortMapping;

/* port_remap's map so far, SandlockPortMapping sorted by virtual port;
 * empty without port_remap or before the program binds. After the
 * sandbox ended (and was waited for), the last map. Free with
 * g_array_unref. */
SANDLOCK_API GArray          *sandlock_sandbox_get_ports    (SandlockSandbox *sandbox);

/*
 * Runs @argv confined by @policy and waits for it. With @capture, stdout and
 * stderr are collected into the result instead of passed through.
 */
SANDLOCK_API SandlockResult  *sandlock_run                  (SandlockPolicy  *policy,
                                                const char * const *argv,
                                                double           timeout,
                                                gboolean         capture,
                                                GError         **error);

/* Result of a finished sandbox. */
SANDLOCK_API void             sandlock_result_free          (SandlockResult  *result);
/* The program's exit code, or -1 when it died of a signal. */
SANDLOCK_API int              sandlock_result_get_exit_code (SandlockResult  *result);
/* The signal that killed the program, or 0. */
SANDLOCK_API int              sandlock_result_get_signal    (SandlockResult  *result);
SANDLOCK_API gboolean         sandlock_result_get_timed_out (SandlockResult  *result);
/* Wall time from spawn to exit, in nanoseconds. */
SANDLOCK_API guint64          sandlock_result_get_elapsed_ns (SandlockResult *result);
/* Shell-style status: the exit code, 128+N for signal N, 124 on timeout. */
SANDLOCK_API int              sandlock_result_get_status    (SandlockResult  *result);
/* Captured output (NULL unless captured). */
SANDLOCK_API GBytes          *sandlock_result_get_stdout    (SandlockResult  *result);
SANDLOCK_API GBytes          *sandlock_result_get_stderr    (SandlockResult  *result);

/*
 * Confines the calling process with the policy's Landlock rules
 * (filesystem, TCP ports and IPC scopes). Irreversible. Only Landlock
 * fields are allowed; others are refused.
 */
SANDLOCK_API gboolean         sandlock_confine_self         (SandlockPolicy  *policy,
                                                GError         **error);

/* ------------------------------------------------------------------------ */
/* Named sandboxes: $XDG_RUNTIME_DIR/sandlock/NAME/                         */
/* ------------------------------------------------------------------------ */

/* Sandbox names: 1-64 bytes of [A-Za-z0-9.-], not "." or "..". */
SANDLOCK_API gboolean   sandlock_sandbox_name_is_valid (const char  *name);
/* Where named sandboxes register. */
SANDLOCK_API char      *sandlock_registry_dir          (void);
/* The running named sandboxes, each as its JSON record (name, pid, argv,
 * policy, ports, started); stale entries of dead ones are removed. */
SANDLOCK_API GPtrArray *sandlock_registry_list         (GError     **error);
/* The live record of a running named sandbox, from its supervisor. */
SANDLOCK_API char      *sandlock_registry_inspect      (const char  *name,
                                                        GError     **error);
/* Kills every process of a running named sandbox. */
SANDLOCK_API gboolean   sandlock_registry_kill         (const char  *name,
                                                        GError     **error);

/* ------------------------------------------------------------------------ */
/* Copy-on-write workdir changes: $XDG_STATE_HOME/sandlock/cow/ID/          */
/* ------------------------------------------------------------------------ */

/* What a sandbox did to its workdir, relative to it. */
typedef enum {
  SANDLOCK_CHANGE_ADDED    = 'A',
  SANDLOCK_CHANGE_MODIFIED = 'M',
  SANDLOCK_CHANGE_DELETED  = 'D',
} SandlockChangeKind;

typedef struct {
  SandlockChangeKind kind;
  char   *path;          /* relative to the workdir */
  gint64  size_before;   /* -1 when added, or not a regular file */
  gint64  size_after;    /* -1 when deleted, or not a regular file */
} SandlockChange;

/* Default storage: $XDG_STATE_HOME/sandlock/cow. */
SANDLOCK_API char      *sandlock_changes_default_storage (void);
/* The layer id a sandbox's changes are kept under (NULL without a
 * workdir, or once they were committed or discarded). */
SANDLOCK_API const char *sandlock_sandbox_get_changes_id (SandlockSandbox *sandbox);
/* Where those changes are kept (the policy's fs_storage or the default). */
SANDLOCK_API const char *sandlock_sandbox_get_changes_storage (SandlockSandbox *sandbox);
/* The workdir a kept layer belongs to. @storage NULL = the default. */
SANDLOCK_API char      *sandlock_changes_workdir (const char  *storage,
                                                  const char  *id,
                                                  GError     **error);
/* The changes of a kept layer, sorted by path (SandlockChange, freed
 * with the array). */
SANDLOCK_API GPtrArray *sandlock_changes_list    (const char  *storage,
                                                  const char  *id,
                                                  GError     **error);
typedef enum {
  SANDLOCK_COMMIT_DEFAULT   = 0,
  /* Apply even over paths changed in the workdir since the sandbox
   * started (otherwise SANDLOCK_ERROR_CONFLICT, and nothing is applied). */
  SANDLOCK_COMMIT_OVERWRITE = 1 << 0,
} SandlockCommitFlags;

/* Applies the changes to the workdir: all when @paths is NULL, else only
 * those at or below the named paths (the rest stay in the layer). Each
 * file is replaced by a rename, so an interrupted commit leaves every
 * file as before or as after; the next call on the layer finishes it.
 * The layer is removed once nothing is left in it. */
SANDLOCK_API gboolean   sandlock_changes_commit  (const char  *storage,
                                                  const char  *id,
                                                  const char * const *paths,
                                                  SandlockCommitFlags flags,
                                                  GError     **error);
/* A unified diff of one change (diff(1) says "Binary files ... differ"
 * for binary ones); SANDLOCK_ERROR_NOT_FOUND when @path is not a change. */
SANDLOCK_API char      *sandlock_changes_diff    (const char  *storage,
                                                  const char  *id,
                                                  const char  *path,
                                                  GError     **error);
/* Drops a kept layer. */
SANDLOCK_API gboolean   sandlock_changes_discard (const char  *storage,
                                                  const char  *id,
                                                  GError     **error);

/* ------------------------------------------------------------------------ */
/* Kernel support                                                           */
/* ------------------------------------------------------------------------ */

/* Landlock ABI of the running kernel (0 when Landlock is unavailable). */
SANDLOCK_API int              sandlock_landlock_abi         (void);
/* A JSON object describing what the kernel supports (see `sandlock check`). */
SANDLOCK_API char            *sandlock_kernel_report_json   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockPolicy, sandlock_policy_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockSandbox, sandlock_sandbox_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockResult, sandlock_result_free)

G_END_DECLS
