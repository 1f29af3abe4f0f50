/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options of `sandlock run` (and `sandlock profile save`): one table
 * maps every flag to the policy field it sets, so the CLI and JSON
 * profiles go through the same parser and validator.
 */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "sandlock-cli.h"

typedef enum {
  FLAG_FIELD,         /* sets a policy field */
  FLAG_LIST_FIELD,    /* comma-separated values, each appended */
  FLAG_TIMEOUT,
  FLAG_JSON,
  FLAG_STATUS_FD,
  FLAG_INTERACTIVE,
  FLAG_BEST_EFFORT,
  FLAG_PROFILE,
  FLAG_PROFILE_FILE,
  FLAG_TRACE,
  FLAG_EVENTS,
  FLAG_DRY_RUN,
} FlagKind;

typedef struct {
  const char *long_name;
  char        short_name;
  FlagKind    kind;
  const char *field;          /* policy field for FLAG_FIELD kinds */
  const char *arg;            /* NULL = boolean switch */
  const char *help;
} CliFlag;

static const CliFlag flags[] = {
  /* Filesystem */
  { "fs-read", 'r', FLAG_FIELD, "fs_readable", "PATH", "Allow reading and executing PATH (repeatable)" },
  { "fs-write", 'w', FLAG_FIELD, "fs_writable", "PATH", "Allow reading and writing PATH (repeatable)" },
  { "fs-deny", 0, FLAG_FIELD, "fs_denied", "PATH", "Deny PATH inside a granted tree (repeatable)" },
  { "workdir", 0, FLAG_FIELD, "workdir", "DIR", "Copy-on-write working directory" },
  { "cwd", 0, FLAG_FIELD, "cwd", "DIR", "Working directory of the program" },
  { "on-exit", 0, FLAG_FIELD, "on_exit", "ACTION", "commit|abort|keep the workdir changes on success" },
  { "on-error", 0, FLAG_FIELD, "on_error", "ACTION", "commit|abort|keep the workdir changes on failure" },
  { "dry-run", 0, FLAG_DRY_RUN, NULL, NULL, "Run, print the workdir changes, discard them" },
  { "max-disk", 0, FLAG_FIELD, "max_disk", "SIZE", "Quota for workdir changes (e.g. 1G)" },
  { "fs-storage", 0, FLAG_FIELD, "fs_storage", "DIR", "Where copy-on-write layers live" },
  { "chroot", 0, FLAG_FIELD, "chroot", "DIR", "Root directory of the sandbox" },
  { "fs-mount", 0, FLAG_FIELD, "fs_mount", "V:H", "Map host directory H to V inside the chroot" },
  /* Network */
  { "net-allow", 0, FLAG_FIELD, "net_allow", "SPEC", "Allow outbound TCP to :PORT, *:PORT or HOST:PORT[,PORT] (repeatable)" },
  { "net-bind", 0, FLAG_LIST_FIELD, "net_bind", "PORT", "Allow binding TCP PORT (repeatable)" },
  { "port-remap", 0, FLAG_FIELD, "port_remap", NULL, "Give the sandbox its own port space" },
  { "allow-udp", 0, FLAG_FIELD, "allow_udp", NULL, "Allow UDP sockets (destinations gated by --net-allow)" },
  { "allow-icmp", 0, FLAG_FIELD, "allow_icmp", NULL, "Allow ping sockets" },
  { "http-allow", 0, FLAG_FIELD, "http_allow", "RULE", "Allow HTTP requests matching \"METHOD host/path\"" },
  { "http-deny", 0, FLAG_FIELD, "http_deny", "RULE", "Deny HTTP requests matching \"METHOD host/path\"" },
  { "http-port", 0, FLAG_LIST_FIELD, "http_ports", "PORT", "Intercept HTTP on PORT (default 80)" },
  { "https-ca", 0, FLAG_FIELD, "https_ca", "CERT", "CA certificate for HTTPS interception" },
  { "https-key", 0, FLAG_FIELD, "https_key", "KEY", "CA key for HTTPS interception" },
  /* Limits */
  { "max-memory", 'm', FLAG_FIELD, "max_memory", "SIZE", "Memory limit (e.g. 512M)" },
  { "max-processes", 'P', FLAG_FIELD, "max_processes", "N", "Concurrent process limit" },
  { "max-cpu", 'c', FLAG_FIELD, "max_cpu", "PCT", "CPU limit in percent of one core" },
  { "max-open-files", 0, FLAG_FIELD, "max_open_files", "N", "Open file limit (RLIMIT_NOFILE)" },
  { "num-cpus", 0, FLAG_FIELD, "num_cpus", "N", "CPU count the program sees" },
  { "cpu-cores", 0, FLAG_LIST_FIELD, "cpu_cores", "LIST", "Pin to CPU cores, e.g. 0,1" },
  /* System calls */
  { "deny-syscall", 0, FLAG_FIELD, "deny_syscalls", "NAME", "Deny a system call too (repeatable)" },
  { "allow-syscall", 0, FLAG_FIELD, "allow_syscalls", "NAME", "Allowlist mode: allow only these (repeatable)" },
  /* Determinism */
  { "random-seed", 0, FLAG_FIELD, "random_seed", "N", "Deterministic randomness" },
  { "time-start", 0, FLAG_FIELD, "time_start", "ISO8601", "Start the clock at this instant" },
  { "no-randomize-memory", 0, FLAG_FIELD, "no_randomize_memory", NULL, "Disable address space randomization" },
  { "no-huge-pages", 0, FLAG_FIELD, "no_huge_pages", NULL, "Disable transparent huge pages" },
  { "no-coredump", 0, FLAG_FIELD, "no_coredump", NULL, "Disable core dumps" },
  { "deterministic-dirs", 0, FLAG_FIELD, "deterministic_dirs", NULL, "List directories in sorted order" },
  /* Environment and identity */
  { "clean-env", 0, FLAG_FIELD, "clean_env", NULL, "Keep only PATH, HOME, TERM, LANG, USER, SHELL" },
  { "env", 0, FLAG_FIELD, "env", "K=V", "Set an environment variable (repeatable)" },
  { "name", 0, FLAG_FIELD, "name", "NAME", "Sandbox name, also its hostname" },
  { "uid", 0, FLAG_FIELD, "uid", "UID", "User id inside the sandbox (0 = fake root, no capabilities)" },
  /* Running */
  { "timeout", 't', FLAG_TIMEOUT, NULL, "SECS", "SIGTERM the sandbox after SECS, SIGKILL 1 s later" },
  { "profile", 'p', FLAG_PROFILE, NULL, "NAME", "Start from a saved profile (flags add to it)" },
  { "profile-file", 0, FLAG_PROFILE_FILE, NULL, "PATH", "Start from a JSON policy file" },
  { "status-fd", 0, FLAG_STATUS_FD, NULL, "FD", "Write {\"exit_code\":N,\"signal\":N} to FD at the end" },
  { "json", 0, FLAG_JSON, NULL, NULL, "Capture output; print one JSON object with the result" },
  { "interactive", 'i', FLAG_INTERACTIVE, NULL, NULL, "Keep the terminal session (for shells)" },
  { "best-effort", 0, FLAG_BEST_EFFORT, NULL, NULL, "Run even if the kernel lacks Landlock features (warns)" },
  { "trace", 0, FLAG_TRACE, NULL, NULL, "Print what the sandbox does (execs, opens, connects, denials) on stderr" },
  { "events", 0, FLAG_EVENTS, NULL, "FILE", "Write the same events as JSON lines to FILE" },
};

static const char run_description[] =
  "Nothing is granted unless a flag grants it: a program usually needs\n"
  "  -r /usr -r /lib -r /lib64 -r /bin -r /etc\n"
  "and write access only where it should write. List flags add to a profile;\n"
  "other flags override it.\n"
  "\n"
  "Examples:\n"
  "  sandlock run -r /usr -r /lib -r /lib64 -r /bin -w /tmp -- ls /tmp\n"
  "  sandlock run -r /usr -r /lib -r /lib64 -r /etc --net-allow :443 -- curl https://example.org\n"
  "  sandlock run -p build --env CC=gcc -t 600 -- make -j4\n"
  "\n"
  "Exit status: the program's own; 128+N if it died of signal N; 124 timeout;\n"
  "125 the sandbox could not be set up; 126 not executable; 127 not found;\n"
  "2 bad usage or an invalid policy (nothing was run).";

typedef struct {
  const CliFlag *flag;
  char          *value;
} Setting;

static void
setting_free (gpointer data)
{
  Setting *setting = data;
  g_free (setting->value);
  g_free (setting);
}

typedef struct {
  GPtrArray *settings;
  char      *profile;
  char      *profile_file;
  double     timeout;
  gboolean   json;
  gboolean   interactive;
  gboolean   best_effort;
  gboolean   trace;
  gboolean   dry_run;
  char      *events_file;
  int        status_fd;
} ParseState;

static const CliFlag *
find_flag (const char *option_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      if (option_name[1] == '-' && g_str_equal (option_name + 2, flags[i].long_name))
        return &flags[i];
      if (option_name[1] != '-' && option_name[1] == flags[i].short_name)
        return &flags[i];
    }
  return NULL;
}

static gboolean
flag_supported (const CliFlag *flag)
{
  return flag->field == NULL || sandlock_policy_field_supported (flag->field);
}

/* Sets the flag's field from its value (a list flag's values are split at
 * commas). */
static gboolean
apply_flag (SandlockPolicy *policy,
            const CliFlag  *flag,
            const char     *value,
            GError        **error)
{
  g_auto(GStrv) values = flag->kind == FLAG_LIST_FIELD
    ? g_strsplit (value, ",", -1)
    : g_strdupv ((char *[]) { (char *) value, NULL });

  for (guint v = 0; values[v] != NULL; v++)
    if (!sandlock_policy_set (policy, flag->field, values[v], error))
      return FALSE;
  return TRUE;
}

static gboolean
on_option (const char  *option_name,
           const char  *value,
           gpointer     user_data,
           GError     **error)
{
  ParseState *state = user_data;
  const CliFlag *flag = find_flag (option_name);
  Setting *setting;
  char *end;

  g_assert (flag != NULL);

  switch (flag->kind)
    {
    case FLAG_TIMEOUT:
      state->timeout = g_ascii_strtod (value, &end);
      if (*value == '\0' || *end != '\0' || !(state->timeout > 0) ||
          state->timeout > 365.0 * 24 * 3600)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--timeout: \"%s\" is not a number of seconds (use e.g. 30 or 0.5)",
                       value);
          return FALSE;
        }
      return TRUE;
    case FLAG_STATUS_FD:
      {
        guint64 fd;

        if (!g_ascii_string_to_unsigned (value, 10, 3, G_MAXINT, &fd, NULL) ||
            fcntl ((int) fd, F_GETFD) < 0)
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--status-fd: \"%s\" is not an open file descriptor above 2",
                         value);
            return FALSE;
          }
        state->status_fd = fd;
        return TRUE;
      }
    case FLAG_JSON:
      state->json = TRUE;
      return TRUE;
    case FLAG_INTERACTIVE:
      state->interactive = TRUE;
      return TRUE;
    case FLAG_BEST_EFFORT:
      state->best_effort = TRUE;
      return TRUE;
    case FLAG_PROFILE:
      g_free (state->profile);
      state->profile = g_strdup (value);
      return TRUE;
    case FLAG_PROFILE_FILE:
      g_free (state->profile_file);
      state->profile_file = g_strdup (value);
      return TRUE;
    case FLAG_TRACE:
      state->trace = TRUE;
      return TRUE;
    case FLAG_EVENTS:
      g_free (state->events_file);
      state->events_file = g_strdup (value);
      return TRUE;
    case FLAG_DRY_RUN:
      state->dry_run = TRUE;
      return TRUE;
    case FLAG_FIELD:
    case FLAG_LIST_FIELD:
    default:
      if (!flag_supported (flag))
        {
          g_autoptr(SandlockPolicy) scratch = sandlock_policy_new ();

          /* A malformed value is the more useful news: fixed now, it need
           * not be fixed again once the feature lands. */
          if (!apply_flag (scratch, flag, value ? value : "true", error))
            return FALSE;
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       "--%s (%s) is not supported yet by this version of sandlock",
                       flag->long_name, flag->field);
          return FALSE;
        }
      setting = g_new0 (Setting, 1);
      setting->flag = flag;
      setting->value = g_strdup (value ? value : "true");
      g_ptr_array_add (state->settings, setting);
      return TRUE;
    }
}

/* The help a person reads: flags of features that have not landed say so. */
static const char *
describe_flag (const CliFlag *flag)
{
  static char *descriptions[G_N_ELEMENTS (flags)];
  guint i = flag - flags;

  if (flag_supported (flag))
    return flag->help;
  if (descriptions[i] == NULL)
    descriptions[i] = g_strconcat (flag->help, " [not supported yet]", NULL);
  return descriptions[i];
}

static GOptionEntry *
build_entries (char ***remaining)
{
  GOptionEntry *entries = g_new0 (GOptionEntry, G_N_ELEMENTS (flags) + 2);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    entries[i] = (GOptionEntry) {
      .long_name = flags[i].long_name,
      .short_name = flags[i].short_name,
      .flags = flags[i].arg ? 0 : G_OPTION_FLAG_NO_ARG,
      .arg = G_OPTION_ARG_CALLBACK,
      .arg_data = (gpointer) on_option,
      .description = describe_flag (&flags[i]),
      .arg_description = flags[i].arg,
    };
  entries[G_N_ELEMENTS (flags)] = (GOptionEntry) {
    .long_name = G_OPTION_REMAINING,
    .arg = G_OPTION_ARG_STRING_ARRAY,
    .arg_data = remaining,
  };
  return entries;
}

static SandlockPolicy *
build_policy (ParseState  *state,
              GError     **error)
{
  g_autoptr(SandlockPolicy) policy = NULL;

  if (state->profile != NULL && state->profile_file != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "use either --profile or --profile-file, not both");
      return NULL;
    }

  if (state->profile != NULL)
    policy = sandlock_profile_load (state->profile, error);
  else if (state->profile_file != NULL)
    policy = sandlock_policy_new_from_file (state->profile_file, error);
  else
    policy = sandlock_policy_new ();
  if (policy == NULL)
    return NULL;

  for (guint i = 0; i < state->settings->len; i++)
    {
      Setting *setting = state->settings->pdata[i];

      if (!apply_flag (policy, setting->flag, setting->value, error))
        return NULL;
    }
  return g_steal_pointer (&policy);
}

void
sandlock_cli_error (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "sandlock: %s\n", message);
}

int
sandlock_cli_fail (GError *error)
{
  sandlock_cli_error ("%s", error->message);
  return sandlock_error_exit_status (error) == SANDLOCK_EXIT_USAGE ? SANDLOCK_EXIT_USAGE : 1;
}

gboolean
sandlock_cli_parse_run_options (int                    argc,
                                char                 **argv,
                                const char            *usage,
                                SandlockCliRunOptions *options)
{
  ParseState state = { .status_fd = -1 };
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GOptionGroup) group = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GOptionEntry *entries = NULL;
  g_auto(GStrv) remaining = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  state.settings = g_ptr_array_new_with_free_func (setting_free);
  entries = build_entries (&remaining);
  group = g_option_group_new (NULL, NULL, NULL, &state, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, g_steal_pointer (&group));
  g_option_context_set_description (context, run_description);
  /* Options end at the command: its own flags are not ours. */
  g_option_context_set_strict_posix (context, TRUE);

  memset (options, 0, sizeof *options);
  options->status_fd = -1;

  if (!g_option_context_parse_strv (context, &args, &error))
    goto usage_error;

  options->policy = build_policy (&state, &error);
  if (options->policy == NULL)
    goto usage_error;
  /* A dry run keeps the changes to print them, then drops them. */
  if (state.dry_run &&
      (!sandlock_policy_is_set (options->policy, "workdir") ||
       !sandlock_policy_set (options->policy, "on_exit", "keep", &error) ||
       !sandlock_policy_set (options->policy, "on_error", "keep", &error)))
    {
      if (error == NULL)
        g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                             "--dry-run needs --workdir: it reports what the program "
                             "would change there");
      g_clear_pointer (&options->policy, sandlock_policy_unref);
      goto usage_error;
    }

  options->command = g_steal_pointer (&remaining);
  options->timeout = state.timeout;
  options->json = state.json;
  options->interactive = state.interactive;
  options->best_effort = state.best_effort;
  options->status_fd = state.status_fd;
  options->trace = state.trace;
  options->dry_run = state.dry_run;
  options->events_file = g_steal_pointer (&state.events_file);

  g_ptr_array_unref (state.settings);
  g_free (state.profile);
  g_free (state.profile_file);
  return TRUE;

usage_error:
  sandlock_cli_error ("%s", error->message);
  g_ptr_array_unref (state.settings);
  g_free (state.profile);
  g_free (state.profile_file);
  g_free (state.events_file);
  return FALSE;
}

void
sandlock_cli_run_options_clear (SandlockCliRunOptions *options)
{
  g_clear_pointer (&options->policy, sandlock_policy_unref);
  g_clear_pointer (&options->command, g_strfreev);
  g_clear_pointer (&options->events_file, g_free);
}
