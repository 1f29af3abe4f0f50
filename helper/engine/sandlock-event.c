/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <time.h>

#include <json-glib/json-glib.h>

#include "sandlock.h"

const char *
sandlock_verdict_to_string (SandlockVerdict verdict)
{
  switch (verdict)
    {
    case SANDLOCK_VERDICT_DENY:  return "deny";
    case SANDLOCK_VERDICT_AUDIT: return "audit";
    case SANDLOCK_VERDICT_ALLOW:
    default:                     return "allow";
    }
}

char *
sandlock_event_to_json (const SandlockEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (event != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time_ns");
  json_builder_add_int_value (builder, event->time_ns);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, event->pid);
  json_builder_set_member_name (builder, "ppid");
  json_builder_add_int_value (builder, event->ppid);
  json_builder_set_member_name (builder, "syscall");
  json_builder_add_string_value (builder, event->syscall);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, event->category);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, event->detail);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, sandlock_verdict_to_string (event->verdict));
  json_builder_set_member_name (builder, "errno");
  json_builder_add_int_value (builder, event->error);
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, event->rule);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char *
sandlock_event_to_string (const SandlockEvent *event)
{
  time_t seconds = event->time_ns / 1000000000;
  struct tm tm;
  char clock[16];

  localtime_r (&seconds, &tm);
  strftime (clock, sizeof clock, "%H:%M:%S", &tm);
  return g_strdup_printf ("%s.%03u pid %d %s %s %s %s%s%s%s%s%s",
                          clock, (guint) (event->time_ns / 1000000 % 1000),
                          event->pid, event->syscall, event->category, event->detail,
                          sandlock_verdict_to_string (event->verdict),
                          event->error ? " " : "",
                          event->error ? g_strerror (event->error) : "",
                          *event->rule ? " (" : "", event->rule, *event->rule ? ")" : "");
}
