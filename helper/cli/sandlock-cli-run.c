/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock run`: confine a command, pass its stdio through or capture it. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "sandlock-cli.h"

/* The running sandbox's init, for the signal handlers. */
static volatile int sandbox_pidfd = -1;

static void
forward_signal (int sig)
{
  int saved = errno;

  if (sandbox_pidfd >= 0)
    syscall (SYS_pidfd_send_signal, sandbox_pidfd, sig, NULL, 0);
  errno = saved;
}

/* Terminal and session signals reach the sandbox through us, so an
 * interrupted sandlock never leaves its sandbox behind. */
static void
install_forwarding (gboolean interactive)
{
  static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction forward = { .sa_handler = forward_signal };
  struct sigaction ignore = { .sa_handler = SIG_IGN };

  sigemptyset (&forward.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      int sig = forwarded[i];

      /* Interactive: the terminal signals the program directly. */
      if (interactive && (sig == SIGINT || sig == SIGQUIT))
        sigaction (sig, &ignore, NULL);
      else
        sigaction (sig, &forward, NULL);
    }
}

typedef struct {
  gboolean trace;
  FILE    *events;
} EventSinks;

/* Runs in the supervisor thread. */
static void
on_event (const SandlockEvent *event,
          gpointer             user_data)
{
  EventSinks *sinks = user_data;

  if (sinks->trace)
    {
      g_autofree char *line = sandlock_event_to_string (event);
      fprintf (stderr, "sandlock: %s\n", line);
    }
  if (sinks->events != NULL)
    {
      g_autofree char *json = sandlock_event_to_json (event);
      fprintf (sinks->events, "%s\n", json);
    }
}

static void
add_output (JsonBuilder *builder,
            const char  *name,
            GBytes      *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;
  /* Empty GBytes have no data pointer. */
  g_autofree char *text = g_utf8_make_valid (data ? data : "", data ? len : 0);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
print_json_result (SandlockResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "exit_code");
  json_builder_add_int_value (builder, sandlock_result_get_exit_code (result));
  json_builder_set_member_name (builder, "signal");
  json_builder_add_int_value (builder, sandlock_result_get_signal (result));
  add_output (builder, "stdout", sandlock_result_get_stdout (result));
  add_output (builder, "stderr", sandlock_result_get_stderr (result));
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_double_value (builder, sandlock_result_get_elapsed_ns (result) / 1e6);
  json_builder_set_member_name (builder, "timed_out");
  json_builder_add_boolean_value (builder, sandlock_result_get_timed_out (result));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  printf ("%s\n", json);
  fflush (stdout);
}

static void
write_status_fd (int             fd,
                 SandlockResult *result)
{
  g_autofree char *text = g_strdup_printf ("{\"exit_code\":%d,\"signal\":%d}\n",
                                           sandlock_result_get_exit_code (result),
                                           sandlock_result_get_signal (result));
  size_t len = strlen (text);

  if (write (fd, text, len) != (ssize_t) len)
    sandlock_cli_error ("cannot write to --status-fd %d: %s", fd, g_strerror (errno));
  close (fd);
}

int
sandlock_cli_run (int    argc,
                  char **argv)
{
  g_auto(SandlockCliRunOptions) options = { 0 };
  g_autoptr(SandlockSandbox) sandbox = NULL;
  g_autoptr(SandlockResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SandlockSpawnFlags spawn_flags = SANDLOCK_SPAWN_DEFAULT;
  EventSinks sinks = { 0 };
  const char * const *warnings;

  g_set_prgname ("sandlock run");
  if (!sandlock_cli_parse_run_options (argc, argv, "[--] COMMAND [ARG…]", &options))
    return SANDLOCK_EXIT_USAGE;

  if (options.command == NULL || options.command[0] == NULL)
    {
      sandlock_cli_error ("no command given (usage: sandlock run [OPTION…] -- COMMAND [ARG…]; see sandlock run --help)");
      return SANDLOCK_EXIT_USAGE;
    }

  if (options.interactive)
    spawn_flags |= SANDLOCK_SPAWN_INTERACTIVE;
  if (options.best_effort)
    spawn_flags |= SANDLOCK_SPAWN_BEST_EFFORT;
  if (options.events_file != NULL &&
      (sinks.events = fopen (options.events_file, "we")) == NULL)
    {
      sandlock_cli_error ("--events: cannot write %s: %s", options.events_file,
                          g_strerror (errno));
      return SANDLOCK_EXIT_USAGE;
    }
  /* Watching is what --trace and --events are for: report execs, opens,
   * connects and binds too. */
  sinks.trace = options.trace;
  if (sinks.trace || sinks.events != NULL)
    spawn_flags |= SANDLOCK_SPAWN_OBSERVE;

  sandbox = sandlock_sandbox_new (options.policy);
  sandlock_sandbox_set_flags (sandbox, spawn_flags);
  sandlock_sandbox_set_timeout (sandbox, options.timeout);
  sandlock_sandbox_set_capture (sandbox, options.json);
  if (spawn_flags & SANDLOCK_SPAWN_OBSERVE)
    sandlock_sandbox_set_event_handler (sandbox, on_event, &sinks);

  install_forwarding (options.interactive);
  if (!sandlock_sandbox_spawn (sandbox, (const char * const *) options.command, &error))
    {
      sandlock_cli_error ("%s", error->message);
      g_clear_pointer (&sinks.events, fclose);
      return sandlock_error_exit_status (error);
    }
  sandbox_pidfd = sandlock_sandbox_get_pidfd (sandbox);

  warnings = sandlock_sandbox_get_warnings (sandbox);
  for (guint i = 0; warnings[i] != NULL; i++)
    sandlock_cli_error ("warning: %s", warnings[i]);

  result = sandlock_sandbox_wait (sandbox, &error);
  sandbox_pidfd = -1;
  /* The supervisor thread has ended: no more events. */
  g_clear_pointer (&sinks.events, fclose);
  if (result == NULL)
    {
      sandlock_cli_error ("%s", error->message);
      return SANDLOCK_EXIT_SETUP;
    }

  if (options.dry_run)
    {
      const char *storage = sandlock_sandbox_get_changes_storage (sandbox);
      const char *id = sandlock_sandbox_get_changes_id (sandbox);

      if (sandlock_cli_print_changes (storage, id, FALSE) != 0 ||
          !sandlock_changes_discard (storage, id, &error))
        {
          if (error != NULL)
            sandlock_cli_error ("%s", error->message);
          return SANDLOCK_EXIT_SETUP;
        }
    }
  else if (sandlock_sandbox_get_changes_id (sandbox) != NULL)
    sandlock_cli_error ("the workdir changes are kept as %s: see sandlock changes %s",
                        sandlock_sandbox_get_changes_id (sandbox),
                        sandlock_sandbox_get_changes_id (sandbox));

  if (options.json)
    print_json_result (result);
  if (options.status_fd >= 0)
    write_status_fd (options.status_fd, result);
  if (sandlock_result_get_timed_out (result) && !options.json)
    sandlock_cli_error ("timed out after %g s; the sandbox was killed", options.timeout);

  return sandlock_result_get_status (result);
}
