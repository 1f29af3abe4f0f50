/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>
#include <json-glib/json-glib.h>

#include "sandlock-fd.h"
#include "sandlock-helper-error.h"
#include "sandlock-helper-events.h"
#include "sandlock-helper-output.h"
#include "sandlock-helper-sandbox.h"
#include "sandlock-helper-stream.h"
#include "sandlock-helper-variant.h"
#include "sandlock-json-variant.h"

/*
 * One sandbox launched over D-Bus. The engine's sandbox is spawned on the
 * main thread (its parent-death signal is tied to the spawning thread,
 * which must outlive it) and waited for on a worker thread; everything
 * else happens on the main loop.
 */

/* How often live properties (memory, processes, ports) are refreshed. */
#define STATS_INTERVAL_MS 1000

struct _SandlockHelperSandbox {
  SandlockDbusSandboxSkeleton parent_instance;

  SandlockSandbox      *sandbox;
  SandlockHelperLaunch  launch;
  SandlockHelperEvents *events;
  SandlockHelperOutput *output;       /* NULL when the client took stdout */
  SandlockHelperAuditLog *audit_log;
  JsonObject           *policy_json;  /* as the client gave it */
  char                 *policy_text;  /* the same, as JSON */
  char                 *workdir_on_exit;    /* the policy's, as the helper applies them */
  char                 *workdir_on_error;
  gboolean              has_workdir;
  char                 *changes_id;   /* kept changes under review */
  char                 *changes_storage;
  GPtrArray            *waiters;      /* GDBusMethodInvocation for Wait() */
  guint                 stats_timer;
  gboolean              running;
  gboolean              busy;         /* a commit or discard is under way */
  GThread              *waiter;
  struct _Ending       *ending;       /* from the waiter to the main loop */
};

static void sandlock_helper_sandbox_iface_init (SandlockDbusSandboxIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SandlockHelperSandbox, sandlock_helper_sandbox,
                               SANDLOCK_DBUS_TYPE_SANDBOX_SKELETON,
                               G_IMPLEMENT_INTERFACE (SANDLOCK_DBUS_TYPE_SANDBOX,
                                                      sandlock_helper_sandbox_iface_init))

enum {
  SIGNAL_FINISHED,
  SIGNAL_REMOVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

void
sandlock_helper_launch_clear (SandlockHelperLaunch *launch)
{
  g_clear_pointer (&launch->name, g_free);
  g_clear_pointer (&launch->cwd, g_free);
  g_clear_pointer (&launch->owner, g_free);
  for (int i = 0; i < 3; i++)
    sandlock_close_fd (&launch->stdio[i]);
}

static void
sandlock_helper_sandbox_finalize (GObject *object)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (object);

  g_clear_handle_id (&self->stats_timer, g_source_remove);
  g_clear_pointer (&self->sandbox, sandlock_sandbox_free);
  sandlock_helper_launch_clear (&self->launch);
  g_clear_pointer (&self->events, sandlock_helper_events_free);
  g_clear_pointer (&self->output, sandlock_helper_output_free);
  g_clear_pointer (&self->policy_json, json_object_unref);
  g_free (self->policy_text);
  g_free (self->workdir_on_exit);
  g_free (self->workdir_on_error);
  g_free (self->changes_id);
  g_free (self->changes_storage);
  g_ptr_array_unref (self->waiters);
  G_OBJECT_CLASS (sandlock_helper_sandbox_parent_class)->finalize (object);
}

/* ------------------------------------------------------------------------ */
/* Live properties                                                          */
/* ------------------------------------------------------------------------ */

static GVariant *
ports_variant (SandlockSandbox *sandbox)
{
  g_autoptr(GArray) ports = sandlock_sandbox_get_ports (sandbox);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{qq}"));
  for (guint i = 0; i < ports->len; i++)
    {
      SandlockPortMapping *mapping = &g_array_index (ports, SandlockPortMapping, i);
      g_variant_builder_add (&builder, "{qq}", mapping->virtual_port, mapping->real_port);
    }
  return g_variant_builder_end (&builder);
}

static void
refresh_ports (SandlockHelperSandbox *self)
{
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  g_autoptr(GVariant) ports = g_variant_ref_sink (ports_variant (self->sandbox));
  GVariant *old = sandlock_dbus_sandbox_get_ports (iface);

  if (old == NULL || !g_variant_equal (old, ports))
    sandlock_dbus_sandbox_set_ports (iface, ports);
}

static gboolean
on_stats_tick (gpointer user_data)
{
  SandlockHelperSandbox *self = user_data;
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  g_autoptr(GError) error = NULL;
  SandlockSandboxStats stats;

  if (!sandlock_sandbox_get_stats (self->sandbox, &stats, &error))
    g_debug ("sandbox %s: %s", sandlock_dbus_sandbox_get_id (iface), error->message);
  else
    {
      if (sandlock_dbus_sandbox_get_memory_bytes (iface) != stats.memory_bytes)
        sandlock_dbus_sandbox_set_memory_bytes (iface, stats.memory_bytes);
      if (sandlock_dbus_sandbox_get_processes (iface) != stats.processes)
        sandlock_dbus_sandbox_set_processes (iface, stats.processes);
    }
  refresh_ports (self);
  return G_SOURCE_CONTINUE;
}

static void
on_events_changed (gpointer user_data)
{
  SandlockHelperSandbox *self = user_data;

  sandlock_dbus_sandbox_set_denied (SANDLOCK_DBUS_SANDBOX (self),
                                    sandlock_helper_events_get_denied (self->events));
  sandlock_dbus_sandbox_set_audited (SANDLOCK_DBUS_SANDBOX (self),
                                     sandlock_helper_events_get_audited (self->events));
}

/* ------------------------------------------------------------------------ */
/* The end of a run                                                         */
/* ------------------------------------------------------------------------ */

/* What the worker thread found once the sandbox had ended. */
typedef struct _Ending {
  SandlockResult *result;
  GError         *error;        /* the wait or the workdir outcome failed */
  GPtrArray      *committed;    /* SandlockChange applied by on_exit commit */
  char           *kept_id;      /* changes left for review */
  char           *kept_storage;
} Ending;

static void
ending_free (Ending *ending)
{
  g_clear_pointer (&ending->result, sandlock_result_free);
  g_clear_error (&ending->error);
  g_clear_pointer (&ending->committed, g_ptr_array_unref);
  g_free (ending->kept_id);
  g_free (ending->kept_storage);
  g_free (ending);
}

/* The engine keeps every run's changes (the helper asked it to); here the
 * policy's on_exit/on_error is applied, so the helper knows, and can
 * record, what was committed. */
static void
apply_outcome (SandlockHelperSandbox *self,
               Ending                *ending)
{
  const char *id = sandlock_sandbox_get_changes_id (self->sandbox);
  const char *storage = sandlock_sandbox_get_changes_storage (self->sandbox);
  gboolean success;
  const char *action;

  if (id == NULL)
    return;
  success = ending->result != NULL && sandlock_result_get_exit_code (ending->result) == 0 &&
            !sandlock_result_get_timed_out (ending->result);
  action = success ? self->workdir_on_exit : self->workdir_on_error;
  if (action == NULL)
    action = success ? "commit" : "abort";
  if (self->launch.dry_run)
    action = "keep";

  if (strcmp (action, "commit") == 0)
    {
      g_autoptr(GError) error = NULL;

      ending->committed = sandlock_changes_list (storage, id, &error);
      if (ending->committed != NULL &&
          sandlock_changes_commit (storage, id, NULL, SANDLOCK_COMMIT_DEFAULT, &error))
        return;
      g_clear_pointer (&ending->committed, g_ptr_array_unref);
      ending->error = g_error_new (SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                                   "committing the workdir changes failed (%s); "
                                   "they are kept for review", error->message);
    }
  else if (strcmp (action, "abort") == 0)
    {
      sandlock_changes_discard (storage, id, NULL);
      return;
    }
  ending->kept_id = g_strdup (id);
  ending->kept_storage = g_strdup (storage);
}

static gboolean on_waited (gpointer user_data);

/* A thread of its own per sandbox: a shared pool would delay noticing the
 * end of one sandbox while others, still running, held its threads. */
static gpointer
wait_thread (gpointer user_data)
{
  SandlockHelperSandbox *self = user_data;

  self->ending = g_new0 (Ending, 1);
  self->ending->result = sandlock_sandbox_wait (self->sandbox, &self->ending->error);
  if (self->ending->error == NULL)
    apply_outcome (self, self->ending);
  /* The main loop takes over (and our reference). */
  g_idle_add (on_waited, self);
  return NULL;
}

static JsonArray *
changes_to_json (GPtrArray *changes)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      SandlockChange *change = g_ptr_array_index (changes, i);
      JsonObject *object = json_object_new ();
      char kind[2] = { (char) change->kind, 0 };

      json_object_set_string_member (object, "kind", kind);
      json_object_set_string_member (object, "path", change->path);
      json_object_set_int_member (object, "size_before", change->size_before);
      json_object_set_int_member (object, "size_after", change->size_after);
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonObject *
audit_record (SandlockHelperSandbox *self,
              const char            *kind)
{
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  JsonObject *record = json_object_new ();

  json_object_set_string_member (record, "kind", kind);
  json_object_set_string_member (record, "run", sandlock_dbus_sandbox_get_id (iface));
  json_object_set_string_member (record, "name", sandlock_dbus_sandbox_get_name (iface));
  json_object_set_int_member (record, "time", g_get_real_time ());
  return record;
}

static JsonObject *
run_record (SandlockHelperSandbox *self,
            Ending                *ending)
{
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  JsonObject *record = audit_record (self, "run");
  const char * const *args = sandlock_dbus_sandbox_get_argv (iface);
  JsonArray *argv = json_array_new ();

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    json_array_add_string_element (argv, args[i]);

  json_object_set_int_member (record, "time", sandlock_dbus_sandbox_get_start_time (iface));
  json_object_set_array_member (record, "argv", argv);
  /* A copy of its own: the record goes to the audit thread, and json-glib's
   * reference counts are not atomic. */
  json_object_set_member (record, "policy", json_from_string (self->policy_text, NULL));
  json_object_set_int_member (record, "start", sandlock_dbus_sandbox_get_start_time (iface));
  json_object_set_int_member (record, "end", sandlock_dbus_sandbox_get_end_time (iface));
  json_object_set_string_member (record, "state", sandlock_dbus_sandbox_get_state (iface));
  json_object_set_int_member (record, "exit_code", sandlock_dbus_sandbox_get_exit_code (iface));
  json_object_set_int_member (record, "signal", sandlock_dbus_sandbox_get_signal (iface));
  json_object_set_int_member (record, "denied", sandlock_dbus_sandbox_get_denied (iface));
  json_object_set_int_member (record, "audited", sandlock_dbus_sandbox_get_audited (iface));
  json_object_set_array_member (record, "changes", changes_to_json (ending->committed));
  if (ending->kept_id != NULL)
    json_object_set_string_member (record, "changes_id", ending->kept_id);
  if (ending->error != NULL)
    json_object_set_string_member (record, "error", ending->error->message);
  if (ending->result != NULL && sandlock_result_get_timed_out (ending->result))
    json_object_set_boolean_member (record, "timed_out", TRUE);
  return record;
}

static gboolean
on_waited (gpointer user_data)
{
  g_autoptr(SandlockHelperSandbox) self = user_data;
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  Ending *ending = g_steal_pointer (&self->ending);
  int exit_code = -1, sig = 0;
  GPtrArray *records;

  g_thread_join (g_steal_pointer (&self->waiter));
  g_clear_handle_id (&self->stats_timer, g_source_remove);
  self->running = FALSE;
  if (ending->result != NULL)
    {
      exit_code = sandlock_result_get_exit_code (ending->result);
      sig = sandlock_result_get_signal (ending->result);
    }
  sandlock_helper_events_finish (self->events);

  refresh_ports (self);
  sandlock_dbus_sandbox_set_memory_bytes (iface, 0);
  sandlock_dbus_sandbox_set_processes (iface, 0);
  sandlock_dbus_sandbox_set_exit_code (iface, exit_code);
  sandlock_dbus_sandbox_set_signal (iface, sig);
  sandlock_dbus_sandbox_set_end_time (iface, g_get_real_time ());
  if (ending->error != NULL)
    sandlock_dbus_sandbox_set_error (iface, ending->error->message);
  if (ending->kept_id != NULL)
    {
      self->changes_id = g_strdup (ending->kept_id);
      self->changes_storage = g_strdup (ending->kept_storage);
      sandlock_dbus_sandbox_set_has_changes (iface, TRUE);
    }
  sandlock_dbus_sandbox_set_state (iface, ending->result != NULL ? "exited" : "failed");
  /* Clients that hear of the end must already see the final state. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));

  sandlock_dbus_sandbox_emit_exited (iface, exit_code, sig);
  for (guint i = 0; i < self->waiters->len; i++)
    sandlock_dbus_sandbox_complete_wait (iface, g_ptr_array_index (self->waiters, i),
                                         exit_code, sig);
  g_ptr_array_set_size (self->waiters, 0);

  records = sandlock_helper_events_take_audit (self->events);
  g_ptr_array_insert (records, 0, run_record (self, ending));
  sandlock_helper_audit_log_append (self->audit_log, records);

  g_debug ("sandbox %s ended: exit code %d, signal %d",
           sandlock_dbus_sandbox_get_id (iface), exit_code, sig);
  ending_free (ending);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* Methods                                                                  */
/* ------------------------------------------------------------------------ */

static gboolean
fail_invocation (GDBusMethodInvocation *invocation,
                 SandlockHelperError    code,
                 const char            *message)
{
  g_dbus_method_invocation_return_error_literal (invocation, SANDLOCK_HELPER_ERROR, code, message);
  return TRUE;
}

static gboolean
require_running (SandlockHelperSandbox *self,
                 GDBusMethodInvocation *invocation)
{
  if (self->running)
    return TRUE;
  fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_ALLOWED, "the sandbox has ended");
  return FALSE;
}

/* Pause and Resume: stop or continue every process, and say so. Both
 * complete with an empty reply. */
static gboolean
set_paused (SandlockHelperSandbox *self,
            GDBusMethodInvocation *invocation,
            gboolean               paused)
{
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (!require_running (self, invocation))
    return TRUE;
  done = paused ? sandlock_sandbox_pause (self->sandbox, &error)
                : sandlock_sandbox_resume (self->sandbox, &error);
  if (!done)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  sandlock_dbus_sandbox_set_state (SANDLOCK_DBUS_SANDBOX (self), paused ? "paused" : "running");
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
  g_dbus_method_invocation_return_value (invocation, NULL);
  return TRUE;
}

static gboolean
handle_pause (SandlockDbusSandbox   *iface,
              GDBusMethodInvocation *invocation)
{
  return set_paused (SANDLOCK_HELPER_SANDBOX (iface), invocation, TRUE);
}

static gboolean
handle_resume (SandlockDbusSandbox   *iface,
               GDBusMethodInvocation *invocation)
{
  return set_paused (SANDLOCK_HELPER_SANDBOX (iface), invocation, FALSE);
}

static gboolean
handle_kill (SandlockDbusSandbox   *iface,
             GDBusMethodInvocation *invocation,
             int                    sig)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (iface);
  g_autoptr(GError) error = NULL;

  if (sig <= 0 || sig > SIGRTMAX)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                            "not a signal number");
  if (!require_running (self, invocation))
    return TRUE;
  if (!sandlock_sandbox_kill (self->sandbox, sig, &error))
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  /* A stopped sandbox would never act on the signal. */
  if (strcmp (sandlock_dbus_sandbox_get_state (iface), "paused") == 0 && sig != SIGSTOP &&
      sandlock_sandbox_resume (self->sandbox, NULL))
    sandlock_dbus_sandbox_set_state (iface, "running");
  sandlock_dbus_sandbox_complete_kill (iface, invocation);
  return TRUE;
}

static gboolean
handle_wait (SandlockDbusSandbox   *iface,
             GDBusMethodInvocation *invocation)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (iface);

  if (self->running)
    g_ptr_array_add (self->waiters, g_object_ref (invocation));
  else
    sandlock_dbus_sandbox_complete_wait (iface, invocation,
                                         sandlock_dbus_sandbox_get_exit_code (iface),
                                         sandlock_dbus_sandbox_get_signal (iface));
  return TRUE;
}

static gboolean
return_fd (GDBusMethodInvocation *invocation,
           int                    fd,
           void                 (*complete) (SandlockDbusSandbox *, GDBusMethodInvocation *,
                                             GUnixFDList *, GVariant *),
           SandlockDbusSandbox   *iface)
{
  g_autoptr(GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  int index = g_unix_fd_list_append (fd_list, fd, &error);

  close (fd);
  if (index < 0)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  complete (iface, invocation, fd_list, g_variant_new_handle (index));
  return TRUE;
}

static gboolean
handle_open_event_stream (SandlockDbusSandbox   *iface,
                          GDBusMethodInvocation *invocation,
                          GUnixFDList           *unused,
                          GVariant              *filter)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (iface);
  g_autoptr(GError) error = NULL;
  int fd = sandlock_helper_events_open_stream (self->events, filter, &error);

  if (fd < 0)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  return return_fd (invocation, fd, sandlock_dbus_sandbox_complete_open_event_stream, iface);
}

static gboolean
handle_open_output (SandlockDbusSandbox   *iface,
                    GDBusMethodInvocation *invocation,
                    GUnixFDList           *unused,
                    GVariant              *options)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (iface);
  g_autoptr(GError) error = NULL;
  const char *format = "raw";
  GVariantIter iter;
  const char *key;
  GVariant *value;
  int fd;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (strcmp (key, "format") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        format = g_variant_get_string (value, NULL);
      else
        return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                                "OpenOutput takes one option, \"format\" (s)");
    }
  if (strcmp (format, "raw") != 0 && strcmp (format, "json") != 0)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                            "format must be \"raw\" or \"json\"");
  if (self->output == NULL)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_FOUND,
                            "the output goes to the fds passed to Launch");

  fd = sandlock_helper_output_open (self->output, strcmp (format, "json") == 0, &error);
  if (fd < 0)
    {
      sandlock_helper_return_error (invocation, error);
      return TRUE;
    }
  return return_fd (invocation, fd, sandlock_dbus_sandbox_complete_open_output, iface);
}

/* ---- Review of kept changes (on a worker thread: they touch the disk) --- */

typedef enum {
  REVIEW_LIST,
  REVIEW_DIFF,
  REVIEW_COMMIT,
  REVIEW_DISCARD,
} ReviewOp;

typedef struct {
  ReviewOp               op;
  char                  *id;
  char                  *storage;
  char                  *path;
  GStrv                  paths;
  GDBusMethodInvocation *invocation;
  /* Results */
  GPtrArray             *changes;     /* LIST, and what COMMIT applied */
  char                  *diff;
  gboolean               layer_left;  /* COMMIT: some changes remain */
  GError                *error;
} Review;

static void
review_free (Review *review)
{
  g_free (review->id);
  g_free (review->storage);
  g_free (review->path);
  g_strfreev (review->paths);
  g_clear_object (&review->invocation);
  g_clear_pointer (&review->changes, g_ptr_array_unref);
  g_free (review->diff);
  g_clear_error (&review->error);
  g_free (review);
}

static gboolean
change_is_selected (SandlockChange *change,
                    GStrv           paths)
{
  if (paths == NULL || paths[0] == NULL)
    return TRUE;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      gsize n = strlen (paths[i]);

      if (strncmp (change->path, paths[i], n) == 0 &&
          (change->path[n] == '\0' || change->path[n] == '/'))
        return TRUE;
    }
  return FALSE;
}

static void
review_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Review *review = task_data;
  const char * const *paths = review->paths && review->paths[0] ? (const char * const *) review->paths : NULL;

  switch (review->op)
    {
    case REVIEW_LIST:
      review->changes = sandlock_changes_list (review->storage, review->id, &review->error);
      break;
    case REVIEW_DIFF:
      review->diff = sandlock_changes_diff (review->storage, review->id, review->path,
                                            &review->error);
      break;
    case REVIEW_COMMIT:
      review->changes = sandlock_changes_list (review->storage, review->id, &review->error);
      if (review->changes == NULL)
        break;
      for (guint i = review->changes->len; i-- > 0; )
        if (!change_is_selected (g_ptr_array_index (review->changes, i), review->paths))
          {
            g_ptr_array_remove_index (review->changes, i);
            review->layer_left = TRUE;
          }
      if (paths != NULL && review->changes->len == 0)
        g_set_error (&review->error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_NOT_FOUND,
                     "none of the paths is a change of this sandbox");
      else
        sandlock_changes_commit (review->storage, review->id, paths,
                                 SANDLOCK_COMMIT_DEFAULT, &review->error);
      break;
    case REVIEW_DISCARD:
    default:
      sandlock_changes_discard (review->storage, review->id, &review->error);
      break;
    }
  g_task_return_boolean (task, TRUE);
}

static GVariant *
changes_variant (GPtrArray *changes)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sstt)"));
  for (guint i = 0; i < changes->len; i++)
    {
      SandlockChange *change = g_ptr_array_index (changes, i);
      char kind[2] = { (char) change->kind, 0 };

      g_variant_builder_add (&builder, "(sstt)", kind, change->path,
                             change->size_before < 0 ? G_MAXUINT64 : (guint64) change->size_before,
                             change->size_after < 0 ? G_MAXUINT64 : (guint64) change->size_after);
    }
  return g_variant_builder_end (&builder);
}

static void
forget_changes (SandlockHelperSandbox *self)
{
  g_clear_pointer (&self->changes_id, g_free);
  g_clear_pointer (&self->changes_storage, g_free);
  sandlock_dbus_sandbox_set_has_changes (SANDLOCK_DBUS_SANDBOX (self), FALSE);
  /* Before the method's reply, so the caller sees it with the reply. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
}

static void
on_reviewed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (source);
  SandlockDbusSandbox *iface = SANDLOCK_DBUS_SANDBOX (self);
  Review *review = g_task_get_task_data (G_TASK (result));
  GDBusMethodInvocation *invocation = review->invocation;

  self->busy = FALSE;
  if (review->error != NULL)
    {
      sandlock_helper_return_error (invocation, review->error);
      return;
    }
  switch (review->op)
    {
    case REVIEW_LIST:
      sandlock_dbus_sandbox_complete_get_changes (iface, invocation,
                                                  changes_variant (review->changes));
      break;
    case REVIEW_DIFF:
      sandlock_dbus_sandbox_complete_get_file_diff (iface, invocation, review->diff);
      break;
    case REVIEW_COMMIT:
      {
        g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
        JsonObject *record = audit_record (self, "commit");

        json_object_set_array_member (record, "changes", changes_to_json (review->changes));
        g_ptr_array_add (records, record);
        sandlock_helper_audit_log_append (self->audit_log, g_steal_pointer (&records));
        if (!review->layer_left)
          forget_changes (self);
        sandlock_dbus_sandbox_complete_commit (iface, invocation);
      }
      break;
    case REVIEW_DISCARD:
    default:
      forget_changes (self);
      sandlock_dbus_sandbox_complete_discard (iface, invocation);
      break;
    }
}

static gboolean
start_review (SandlockHelperSandbox *self,
              GDBusMethodInvocation *invocation,
              ReviewOp               op,
              const char            *path,
              const char * const    *paths)
{
  g_autoptr(GTask) task = NULL;
  Review *review;

  if (self->changes_id == NULL)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_FOUND,
                            self->running ? "the sandbox is still running; its changes can be "
                                            "reviewed once it has ended"
                                          : "this sandbox kept no changes to review (launch it "
                                            "with a workdir and dry_run, or on_exit \"keep\")");
  /* One commit or discard at a time; the engine would refuse the second. */
  if (self->busy && (op == REVIEW_COMMIT || op == REVIEW_DISCARD))
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_ALLOWED,
                            "a commit or discard of these changes is under way");

  review = g_new0 (Review, 1);
  review->op = op;
  review->id = g_strdup (self->changes_id);
  review->storage = g_strdup (self->changes_storage);
  review->path = g_strdup (path);
  review->paths = g_strdupv ((GStrv) paths);
  review->invocation = g_object_ref (invocation);
  if (op == REVIEW_COMMIT || op == REVIEW_DISCARD)
    self->busy = TRUE;

  task = g_task_new (self, NULL, on_reviewed, NULL);
  g_task_set_task_data (task, review, (GDestroyNotify) review_free);
  g_task_run_in_thread (task, review_in_thread);
  return TRUE;
}

static gboolean
handle_get_changes (SandlockDbusSandbox   *iface,
                    GDBusMethodInvocation *invocation)
{
  return start_review (SANDLOCK_HELPER_SANDBOX (iface), invocation, REVIEW_LIST, NULL, NULL);
}

static gboolean
handle_get_file_diff (SandlockDbusSandbox   *iface,
                      GDBusMethodInvocation *invocation,
                      const char            *path)
{
  return start_review (SANDLOCK_HELPER_SANDBOX (iface), invocation, REVIEW_DIFF, path, NULL);
}

static gboolean
handle_commit (SandlockDbusSandbox   *iface,
               GDBusMethodInvocation *invocation,
               const char * const    *paths)
{
  for (guint i = 0; paths[i] != NULL; i++)
    if (paths[i][0] == '\0' || paths[i][0] == '/')
      return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                              "paths to commit are relative to the workdir, as GetChanges "
                              "lists them");
  return start_review (SANDLOCK_HELPER_SANDBOX (iface), invocation, REVIEW_COMMIT, NULL, paths);
}

static gboolean
handle_discard (SandlockDbusSandbox   *iface,
                GDBusMethodInvocation *invocation)
{
  return start_review (SANDLOCK_HELPER_SANDBOX (iface), invocation, REVIEW_DISCARD, NULL, NULL);
}

static gboolean
handle_remove (SandlockDbusSandbox   *iface,
               GDBusMethodInvocation *invocation)
{
  SandlockHelperSandbox *self = SANDLOCK_HELPER_SANDBOX (iface);

  if (self->running)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_ALLOWED,
                            "the sandbox is still running (Kill it first)");
  if (self->busy)
    return fail_invocation (invocation, SANDLOCK_HELPER_ERROR_NOT_ALLOWED,
                            "a commit or discard of its changes is under way");
  if (self->changes_id != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!sandlock_changes_discard (self->changes_storage, self->changes_id, &error))
        {
          sandlock_helper_return_error (invocation, error);
          return TRUE;
        }
      forget_changes (self);
    }
  sandlock_dbus_sandbox_complete_remove (iface, invocation);
  g_signal_emit (self, signals[SIGNAL_REMOVED], 0);
  return TRUE;
}

static void
sandlock_helper_sandbox_iface_init (SandlockDbusSandboxIface *iface)
{
  iface->handle_pause = handle_pause;
  iface->handle_resume = handle_resume;
  iface->handle_kill = handle_kill;
  iface->handle_wait = handle_wait;
  iface->handle_open_event_stream = handle_open_event_stream;
  iface->handle_open_output = handle_open_output;
  iface->handle_get_changes = handle_get_changes;
  iface->handle_get_file_diff = handle_get_file_diff;
  iface->handle_commit = handle_commit;
  iface->handle_discard = handle_discard;
  iface->handle_remove = handle_remove;
}

static void
sandlock_helper_sandbox_class_init (SandlockHelperSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sandlock_helper_sandbox_finalize;

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
sandlock_helper_sandbox_init (SandlockHelperSandbox *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < 3; i++)
    self->launch.stdio[i] = -1;
}

/* ------------------------------------------------------------------------ */
/* Launch                                                                   */
/* ------------------------------------------------------------------------ */

static char *
random_id (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

/* The helper applies on_exit/on_error itself (see apply_outcome): the
 * engine is told to keep every run's changes. */
static gboolean
take_workdir_outcome (SandlockHelperSandbox *self,
                      SandlockPolicy        *policy,
                      GError               **error)
{
  self->has_workdir = sandlock_policy_is_set (policy, "workdir");
  if (!self->has_workdir)
    {
      if (self->launch.dry_run)
        {
          g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_POLICY,
                       "dry_run needs a workdir: the changes it shows are those made there");
          return FALSE;
        }
      return TRUE;
    }
  if (json_object_has_member (self->policy_json, "on_exit"))
    self->workdir_on_exit = g_strdup (json_object_get_string_member (self->policy_json, "on_exit"));
  if (json_object_has_member (self->policy_json, "on_error"))
    self->workdir_on_error = g_strdup (json_object_get_string_member (self->policy_json, "on_error"));
  return sandlock_policy_set (policy, "on_exit", "keep", error) &&
         sandlock_policy_set (policy, "on_error", "keep", error);
}

/* The program's stdin, stdout and stderr: the client's fds where it
 * passed them, /dev/null for stdin, and pipes the helper reads for output
 * it did not take (stderr follows a passed stdout). @ours: the child's
 * ends of those pipes, closed once it has its copies. */
static gboolean
open_stdio (SandlockHelperSandbox *self,
            int                    child_fds[3],
            int                    ours[2],
            int                    read_ends[2],
            GError               **error)
{
  for (int i = 0; i < 3; i++)
    child_fds[i] = self->launch.stdio[i];

  if (child_fds[0] < 0)
    {
      self->launch.stdio[0] = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      child_fds[0] = self->launch.stdio[0];
    }
  if (self->launch.stdio[1] >= 0 && child_fds[2] < 0)
    child_fds[2] = child_fds[1];

  for (int i = 0; i < 2; i++)
    {
      int fds[2];

      if (child_fds[i + 1] >= 0)
        continue;
      if (!sandlock_helper_pipe (fds, error))
        return FALSE;
      read_ends[i] = fds[0];
      ours[i] = child_fds[i + 1] = fds[1];
    }
  return TRUE;
}

SandlockHelperSandbox *
sandlock_helper_sandbox_launch (SandlockPolicy          *policy,
                                const char * const      *argv,
                                SandlockHelperLaunch    *launch,
                                SandlockHelperAuditLog  *audit_log,
                                GError                 **error)
{
  g_autoptr(SandlockHelperSandbox) self = g_object_new (SANDLOCK_TYPE_HELPER_SANDBOX, NULL);
  g_autofree char *id = random_id ();
  g_autofree char *policy_text = sandlock_policy_to_json (policy);
  g_autoptr(JsonNode) policy_node = json_from_string (policy_text, NULL);
  /* One serialization for the audit record and the Policy property. */
  g_autoptr(GVariant) policy_variant = g_variant_ref_sink (sandlock_json_to_variant (policy_node));
  SandlockSpawnFlags flags = SANDLOCK_SPAWN_DEFAULT;
  int child_fds[3];
  sandlock_autofd int read_end_out = -1;
  sandlock_autofd int read_end_err = -1;
  sandlock_autofd int our_out = -1;
  sandlock_autofd int our_err = -1;
  int read_ends[2] = { -1, -1 };
  int ours[2] = { -1, -1 };

  self->launch = *launch;
  memset (launch, 0, sizeof *launch);
  for (int i = 0; i < 3; i++)
    launch->stdio[i] = -1;
  self->audit_log = audit_log;
  self->policy_json = json_node_dup_object (policy_node);
  self->policy_text = g_strdup (policy_text);

  if (!take_workdir_outcome (self, policy, error))
    return NULL;
  if (self->launch.name != NULL && !sandlock_policy_set (policy, "name", self->launch.name, error))
    return NULL;
  if (self->launch.cwd != NULL && !sandlock_policy_set (policy, "cwd", self->launch.cwd, error))
    return NULL;
  if (!sandlock_policy_validate (policy, error))
    return NULL;
  if (!open_stdio (self, child_fds, ours, read_ends, error))
    return NULL;
  read_end_out = read_ends[0];
  read_end_err = read_ends[1];
  our_out = ours[0];
  our_err = ours[1];

  self->events = sandlock_helper_events_new (id, self->launch.name, on_events_changed, self);
  self->sandbox = sandlock_sandbox_new (policy);
  if (self->launch.observe)
    flags |= SANDLOCK_SPAWN_OBSERVE;
  sandlock_sandbox_set_flags (self->sandbox, flags);
  sandlock_sandbox_set_stdio (self->sandbox, child_fds[0], child_fds[1], child_fds[2]);
  sandlock_sandbox_set_event_handler (self->sandbox, sandlock_helper_events_push, self->events);
  sandlock_sandbox_set_timeout (self->sandbox, self->launch.timeout);

  if (!sandlock_sandbox_spawn (self->sandbox, argv, error))
    return NULL;

  /* The program has its copies: ours would keep the pipes from ever
   * reaching end-of-file. */
  sandlock_close_fd (&our_out);
  sandlock_close_fd (&our_err);
  for (int i = 0; i < 3; i++)
    sandlock_close_fd (&self->launch.stdio[i]);
  if (read_end_out >= 0 || read_end_err >= 0)
    self->output = sandlock_helper_output_new (sandlock_steal_fd (&read_end_out),
                                               sandlock_steal_fd (&read_end_err));

  self->running = TRUE;
  g_object_set (self,
                "id", id,
                "name", self->launch.name ? self->launch.name : "",
                "argv", argv,
                "pid", (int) sandlock_sandbox_get_pid (self->sandbox),
                "state", "running",
                "exit-code", -1,
                "start-time", g_get_real_time (),
                "policy", policy_variant,
                "error", "",
                NULL);
  refresh_ports (self);
  on_stats_tick (self);
  self->stats_timer = g_timeout_add (STATS_INTERVAL_MS, on_stats_tick, self);

  self->waiter = g_thread_new ("sandbox-wait", wait_thread, g_object_ref (self));
  g_debug ("sandbox %s started: pid %d, %s", id, sandlock_sandbox_get_pid (self->sandbox), argv[0]);
  return g_steal_pointer (&self);
}

const char *
sandlock_helper_sandbox_get_id (SandlockHelperSandbox *self)
{
  return sandlock_dbus_sandbox_get_id (SANDLOCK_DBUS_SANDBOX (self));
}

const char *
sandlock_helper_sandbox_get_owner (SandlockHelperSandbox *self)
{
  return self->launch.owner;
}

gboolean
sandlock_helper_sandbox_is_detached (SandlockHelperSandbox *self)
{
  return self->launch.detach;
}

gboolean
sandlock_helper_sandbox_is_running (SandlockHelperSandbox *self)
{
  return self->running;
}

void
sandlock_helper_sandbox_terminate (SandlockHelperSandbox *self)
{
  if (self->running)
    sandlock_sandbox_kill (self->sandbox, SIGKILL, NULL);
}
