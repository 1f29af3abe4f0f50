/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <string.h>

#include "sandlock-helper-audit-log.h"
#include "sandlock-helper-error.h"
#include "sandlock-json-variant.h"

struct _SandlockHelperAuditLog {
  SandlockAudit *audit;
  GThreadPool   *pool;     /* one thread: appends and queries in order */
};

typedef struct {
  GPtrArray *records;      /* an append */
  GTask     *task;         /* or a query */
} Job;

typedef struct {
  char                *name;
  char                *run;
  char                *kind;
  char                *verdict;
  SandlockAuditFilter  filter;
} Query;

static void
query_free (Query *query)
{
  g_free (query->name);
  g_free (query->run);
  g_free (query->kind);
  g_free (query->verdict);
  g_free (query);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  SandlockHelperAuditLog *log = user_data;
  Job *job = data;
  g_autoptr(GError) error = NULL;

  if (job->records != NULL)
    {
      if (!sandlock_audit_append (log->audit, (JsonObject * const *) job->records->pdata,
                                  job->records->len, &error))
        g_warning ("audit log: %s", error->message);
      g_ptr_array_unref (job->records);
    }
  else
    {
      Query *query = g_task_get_task_data (job->task);
      GPtrArray *records = sandlock_audit_query (log->audit, &query->filter, &error);

      if (records == NULL)
        g_task_return_error (job->task, g_steal_pointer (&error));
      else
        g_task_return_pointer (job->task, records, (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (job->task);
    }
  g_free (job);
}

SandlockHelperAuditLog *
sandlock_helper_audit_log_new (SandlockAudit *audit)
{
  SandlockHelperAuditLog *log = g_new0 (SandlockHelperAuditLog, 1);

  log->audit = audit;
  log->pool = g_thread_pool_new (run_job, log, 1, FALSE, NULL);
  return log;
}

void
sandlock_helper_audit_log_free (SandlockHelperAuditLog *log)
{
  /* Every queued record is written before the helper goes. */
  g_thread_pool_free (log->pool, FALSE, TRUE);
  sandlock_audit_free (log->audit);
  g_free (log);
}

void
sandlock_helper_audit_log_append (SandlockHelperAuditLog *log,
                                  GPtrArray              *records)
{
  Job *job = g_new0 (Job, 1);

  job->records = records;
  g_thread_pool_push (log->pool, job, NULL);
}

static gboolean
parse_filter (GVariant  *filter,
              Query     *query,
              GError   **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, filter);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      gboolean is_string = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING);

      if (strcmp (key, "name") == 0 && is_string)
        query->name = g_variant_dup_string (value, NULL);
      else if (strcmp (key, "run") == 0 && is_string)
        query->run = g_variant_dup_string (value, NULL);
      else if (strcmp (key, "kind") == 0 && is_string)
        query->kind = g_variant_dup_string (value, NULL);
      else if (strcmp (key, "verdict") == 0 && is_string)
        query->verdict = g_variant_dup_string (value, NULL);
      else if (strcmp (key, "since") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        query->filter.since_us = g_variant_get_int64 (value);
      else if (strcmp (key, "until") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        query->filter.until_us = g_variant_get_int64 (value);
      else if (strcmp (key, "limit") == 0 && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
        query->filter.limit = g_variant_get_uint32 (value);
      else
        {
          g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                       "audit filter \"%s\" of type %s is not understood (name, run, kind, "
                       "verdict: s; since, until: x; limit: u)",
                       key, g_variant_get_type_string (value));
          return FALSE;
        }
    }
  if (query->kind != NULL && !g_strv_contains ((const char *[]) { "run", "event", "commit", NULL },
                                               query->kind))
    {
      g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                   "kind \"%s\" is not one of run, event, commit", query->kind);
      return FALSE;
    }
  if (query->verdict != NULL &&
      !g_strv_contains ((const char *[]) { "allow", "deny", "audit", NULL }, query->verdict))
    {
      g_set_error (error, SANDLOCK_HELPER_ERROR, SANDLOCK_HELPER_ERROR_INVALID_ARGUMENT,
                   "verdict \"%s\" is not one of allow, deny, audit", query->verdict);
      return FALSE;
    }
  query->filter.name = query->name;
  query->filter.run = query->run;
  query->filter.kind = query->kind;
  query->filter.verdict = query->verdict;
  return TRUE;
}

void
sandlock_helper_audit_log_query_async (SandlockHelperAuditLog *log,
                                       GVariant               *filter,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  Query *query = g_new0 (Query, 1);
  GError *error = NULL;
  Job *job;

  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  if (!parse_filter (filter, query, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  job = g_new0 (Job, 1);
  job->task = task;
  g_thread_pool_push (log->pool, job, NULL);
}

GVariant *
sandlock_helper_audit_log_query_finish (SandlockHelperAuditLog *log,
                                        GAsyncResult           *result,
                                        GError                **error)
{
  g_autoptr(GPtrArray) records = g_task_propagate_pointer (G_TASK (result), error);
  GVariantBuilder builder;

  if (records == NULL)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < records->len; i++)
    g_variant_builder_add_value (&builder,
                                 sandlock_json_object_to_variant (g_ptr_array_index (records, i)));
  return g_variant_builder_end (&builder);
}
