/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dynamic policy: held syscalls wait for the application's policy function,
 * which runs in a thread of its own so that a slow or stuck one cannot stop
 * the supervisor for longer than the timeout; past it the call is denied.
 * The function can only take away: what it allows still meets the static
 * policy in the kernel, and its context only narrows.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <time.h>

#include "sandlock-supervisor-private.h"

struct _SandlockPolicyContext {
  gboolean memory_watched;  /* the policy has a max_memory to lower */
  gboolean can_deny_paths;  /* the sandbox has a mount namespace of its own */
  GPtrArray *deny_paths;    /* char* */
  gint64   max_processes;   /* -1 = unchanged */
  guint64  max_memory;      /* 0 = unchanged */
  gboolean restrict_network;
  GArray  *ports;           /* guint16 */
};

typedef struct {
  gint                  ref_count;
  SandlockEvent         event;
  char                 *strings[4];   /* the event's own copies */
  SandlockPolicyContext context;
  int                   decision;
  gboolean              done;
} Request;

struct _SandlockPolicyHook {
  SandlockPolicyFunc func;
  gpointer           data;
  gint64             timeout_us;
  GThread           *thread;
  GAsyncQueue       *queue;
  GMutex             mutex;
  GCond              cond;
};

static void
request_unref (Request *request)
{
  if (!g_atomic_int_dec_and_test (&request->ref_count))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (request->strings); i++)
    g_free (request->strings[i]);
  g_clear_pointer (&request->context.ports, g_array_unref);
  g_clear_pointer (&request->context.deny_paths, g_ptr_array_unref);
  g_free (request);
}

/* A request with no event ends the thread. */
static gpointer
run_policy (gpointer data)
{
  SandlockPolicyHook *hook = data;

  for (;;)
    {
      Request *request = g_async_queue_pop (hook->queue);
      int decision;

      if (request->event.syscall == NULL)
        {
          request_unref (request);
          return NULL;
        }
      decision = hook->func (&request->event, &request->context, hook->data);

      g_mutex_lock (&hook->mutex);
      request->decision = decision;
      request->done = TRUE;
      g_cond_broadcast (&hook->cond);
      g_mutex_unlock (&hook->mutex);
      request_unref (request);
    }
}

SandlockPolicyHook *
sandlock_policy_hook_new (SandlockPolicyFunc func,
                          gpointer           data,
                          double             timeout)
{
  SandlockPolicyHook *hook = g_new0 (SandlockPolicyHook, 1);

  hook->func = func;
  hook->data = data;
  hook->timeout_us = timeout > 0 ? (gint64) (timeout * G_USEC_PER_SEC) : 5 * G_USEC_PER_SEC;
  hook->queue = g_async_queue_new ();
  g_mutex_init (&hook->mutex);
  g_cond_init (&hook->cond);
  hook->thread = g_thread_new ("sandlock-policy", run_policy, hook);
  return hook;
}

void
sandlock_policy_hook_free (SandlockPolicyHook *hook)
{
  if (hook == NULL)
    return;
  /* A stuck policy function keeps its thread: wait for it, the sandbox
   * is over and nothing waits on it any more. */
  g_async_queue_push (hook->queue, g_new0 (Request, 1));
  g_thread_join (hook->thread);
  g_async_queue_unref (hook->queue);
  g_mutex_clear (&hook->mutex);
  g_cond_clear (&hook->cond);
  g_free (hook);
}

static void
apply_context (SandlockSupervisor          *sv,
               const SandlockPolicyContext *context)
{
  for (guint i = 0; context->deny_paths != NULL && i < context->deny_paths->len; i++)
    {
      const char *path = context->deny_paths->pdata[i];
      int error = sandlock_supervisor_deny_path (sv, path);

      if (error != 0)
        g_warning ("cannot deny %s in the sandbox: %s", path, g_strerror (error));
    }
  if (context->max_processes >= 0 &&
      (sv->max_processes < 0 || context->max_processes < sv->max_processes))
    sv->max_processes = context->max_processes;
  if (context->max_memory > 0 && context->max_memory < sv->max_memory)
    sv->max_memory = context->max_memory;
  if (context->restrict_network)
    {
      g_autoptr(GArray) narrowed = g_array_new (FALSE, FALSE, sizeof (guint16));

      /* The intersection with what was allowed before. */
      for (guint i = 0; i < context->ports->len; i++)
        {
          guint16 port = g_array_index (context->ports, guint16, i);
          gboolean before = sv->net_ports == NULL;

          for (guint k = 0; sv->net_ports != NULL && k < sv->net_ports->len; k++)
            before |= g_array_index (sv->net_ports, guint16, k) == port;
          if (before)
            g_array_append_val (narrowed, port);
        }
      g_clear_pointer (&sv->net_ports, g_array_unref);
      sv->net_ports = g_steal_pointer (&narrowed);
    }
}

SandlockVerdict
sandlock_supervisor_consult (SandlockSupervisor         *sv,
                             const struct seccomp_notif *req,
                             const char                 *category,
                             const char                 *detail,
                             int                        *error)
{
  SandlockPolicyHook *hook = sv->policy_hook;
  Request *request;
  struct timespec now;
  gint64 deadline;
  int decision;
  gboolean done;

  *error = 0;
  if (hook == NULL)
    return SANDLOCK_VERDICT_ALLOW;

  request = g_new0 (Request, 1);
  request->ref_count = 2;   /* ours and the policy thread's */
  request->context.max_processes = -1;
  request->context.memory_watched = sv->max_memory > 0;
  request->context.can_deny_paths = sv->init_control_fd >= 0;
  clock_gettime (CLOCK_REALTIME, &now);
  request->strings[0] = g_strdup (req->data.nr < SANDLOCK_MAX_SYSCALL && sv->names[req->data.nr]
                                  ? sv->names[req->data.nr] : "unknown");
  request->strings[1] = g_strdup (category);
  request->strings[2] = g_strdup (detail ? detail : "");
  request->strings[3] = g_strdup ("");
  request->event = (SandlockEvent) {
    .time_ns = (guint64) now.tv_sec * G_GUINT64_CONSTANT (1000000000) + now.tv_nsec,
    .pid = req->pid,
    .syscall = request->strings[0],
    .category = request->strings[1],
    .detail = request->strings[2],
    .verdict = SANDLOCK_VERDICT_ALLOW,
    .rule = request->strings[3],
  };

  g_async_queue_push (hook->queue, request);

  deadline = g_get_monotonic_time () + hook->timeout_us;
  g_mutex_lock (&hook->mutex);
  while (!request->done)
    if (!g_cond_wait_until (&hook->cond, &hook->mutex, deadline))
      break;
  done = request->done;
  decision = request->decision;
  g_mutex_unlock (&hook->mutex);

  if (!done)
    {
      /* Too slow: deny, and drop whatever it decides later. */
      request_unref (request);
      *error = EPERM;
      return SANDLOCK_VERDICT_DENY;
    }

  apply_context (sv, &request->context);
  request_unref (request);

  if (decision == SANDLOCK_DECISION_ALLOW)
    return SANDLOCK_VERDICT_ALLOW;
  if (decision == SANDLOCK_DECISION_AUDIT)
    return SANDLOCK_VERDICT_AUDIT;
  *error = decision > 0 ? decision : EPERM;
  return SANDLOCK_VERDICT_DENY;
}

void
sandlock_policy_context_restrict_network (SandlockPolicyContext *context,
                                          const guint16         *ports,
                                          gsize                  n_ports)
{
  g_return_if_fail (context != NULL);
  g_return_if_fail (ports != NULL || n_ports == 0);

  if (context->ports == NULL)
    context->ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  else
    {
      /* Narrow what an earlier call of this context allowed. */
      g_autoptr(GArray) earlier = g_steal_pointer (&context->ports);

      context->ports = g_array_new (FALSE, FALSE, sizeof (guint16));
      for (gsize i = 0; i < n_ports; i++)
        for (guint k = 0; k < earlier->len; k++)
          if (g_array_index (earlier, guint16, k) == ports[i])
            g_array_append_val (context->ports, ports[i]);
      return;
    }
  context->restrict_network = TRUE;
  g_array_append_vals (context->ports, ports, n_ports);
}

void
sandlock_policy_context_restrict_max_processes (SandlockPolicyContext *context,
                                                gint64                 max)
{
  g_return_if_fail (context != NULL);
  if (max >= 1 && (context->max_processes < 0 || max < context->max_processes))
    context->max_processes = max;
}

gboolean
sandlock_policy_context_restrict_max_memory (SandlockPolicyContext *context,
                                             guint64                bytes)
{
  g_return_val_if_fail (context != NULL, FALSE);
  if (!context->memory_watched || bytes == 0)
    return FALSE;
  if (context->max_memory == 0 || bytes < context->max_memory)
    context->max_memory = bytes;
  return TRUE;
}

gboolean
sandlock_policy_context_deny_path (SandlockPolicyContext *context,
                                   const char            *path)
{
  struct stat st;

  g_return_val_if_fail (context != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Like fs_denied: an existing absolute path, and a file only by its one
   * name (other hard links would stay readable). */
  if (!context->can_deny_paths || !g_path_is_absolute (path) || stat (path, &st) < 0 ||
      (!S_ISDIR (st.st_mode) && st.st_nlink > 1))
    return FALSE;
  if (context->deny_paths == NULL)
    context->deny_paths = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (context->deny_paths, g_strdup (path));
  return TRUE;
}
