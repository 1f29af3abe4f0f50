/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sandlock.h>

G_BEGIN_DECLS

/* Each subcommand gets argv starting at its own name and returns the
 * process exit status. */
int sandlock_cli_run     (int argc, char **argv);
int sandlock_cli_check   (int argc, char **argv);
int sandlock_cli_profile (int argc, char **argv);
int sandlock_cli_ps      (int argc, char **argv);
int sandlock_cli_kill    (int argc, char **argv);
int sandlock_cli_inspect (int argc, char **argv);

int sandlock_cli_changes (int argc, char **argv);
int sandlock_cli_diff    (int argc, char **argv);
int sandlock_cli_commit  (int argc, char **argv);
int sandlock_cli_discard (int argc, char **argv);

/* Prints a kept layer's changes ("A path" lines, or JSON) and returns
 * the exit status (after printing an error, 1, or 2 for a bad id). */
int      sandlock_cli_print_changes (const char *storage,
                                     const char *id,
                                     gboolean    json);

/* Builds a policy from run options (profile first, then flags in order).
 * Leaves the command (after "--" or the first non-option) in @command.
 * On a usage error prints it and returns NULL. */
typedef struct {
  SandlockPolicy *policy;
  char          **command;
  double          timeout;
  gboolean        json;
  gboolean        interactive;
  gboolean        best_effort;
  gboolean        trace;
  gboolean        dry_run;
  char           *events_file;
  int             status_fd;
} SandlockCliRunOptions;

gboolean sandlock_cli_parse_run_options (int                    argc,
                                         char                 **argv,
                                         const char            *usage,
                                         SandlockCliRunOptions *options);
void     sandlock_cli_run_options_clear (SandlockCliRunOptions *options);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SandlockCliRunOptions, sandlock_cli_run_options_clear)

/* Prints @error; returns 2 for bad usage or an invalid value, else 1. */
int  sandlock_cli_fail  (GError *error);

/* "sandlock: MESSAGE" on stderr. */
void sandlock_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
