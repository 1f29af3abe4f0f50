/* SPDX-License-Identifier: Apache-2.0 */
/* `sandlock`: run programs confined by Landlock and seccomp, no root needed. */
#define G_LOG_DOMAIN "sandlock-cli"
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "sandlock-cli.h"

static const char main_usage[] =
  "usage: sandlock COMMAND [ARG…]\n"
  "\n"
  "Confine a program with Landlock and seccomp, without root.\n"
  "\n"
  "Commands:\n"
  "  run [OPTION…] -- CMD [ARG…]   run CMD confined (sandlock run --help)\n"
  "  check [--json]                what this kernel supports\n"
  "  profile list|show|save|delete saved policies\n"
  "  ps                            list running named sandboxes (run --name)\n"
  "  kill NAME                     stop every process of a named sandbox\n"
  "  inspect NAME                  a named sandbox's record, as JSON\n"
  "  changes [--json] ID           workdir changes kept by --on-exit keep\n"
  "  diff ID PATH                  a unified diff of one kept change\n"
  "  commit ID [PATH…]             apply kept changes (all, or the named paths)\n"
  "  discard ID                    drop kept changes\n"
  "  version                       print the version\n"
  "\n"
  "Example:\n"
  "  sandlock run -r /usr -r /lib -r /lib64 -r /bin -w /tmp -- ls /tmp\n";

int
main (int    argc,
      char **argv)
{
  const char *command = argc > 1 ? argv[1] : NULL;

  setlocale (LC_ALL, "");

  if (command == NULL)
    {
      fputs (main_usage, stderr);
      return SANDLOCK_EXIT_USAGE;
    }
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      fputs (main_usage, stdout);
      return 0;
    }
  if (g_str_equal (command, "--version") || g_str_equal (command, "version"))
    {
      printf ("sandlock %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_set_prgname ("sandlock");
  if (g_str_equal (command, "run"))
    return sandlock_cli_run (argc - 1, argv + 1);
  if (g_str_equal (command, "check"))
    return sandlock_cli_check (argc - 1, argv + 1);
  if (g_str_equal (command, "profile"))
    return sandlock_cli_profile (argc - 1, argv + 1);
  if (g_str_equal (command, "ps"))
    return sandlock_cli_ps (argc - 1, argv + 1);
  if (g_str_equal (command, "kill"))
    return sandlock_cli_kill (argc - 1, argv + 1);
  if (g_str_equal (command, "inspect"))
    return sandlock_cli_inspect (argc - 1, argv + 1);
  if (g_str_equal (command, "changes"))
    return sandlock_cli_changes (argc - 1, argv + 1);
  if (g_str_equal (command, "diff"))
    return sandlock_cli_diff (argc - 1, argv + 1);
  if (g_str_equal (command, "commit"))
    return sandlock_cli_commit (argc - 1, argv + 1);
  if (g_str_equal (command, "discard"))
    return sandlock_cli_discard (argc - 1, argv + 1);

  sandlock_cli_error ("unknown command \"%s\"", command);
  fputs (main_usage, stderr);
  return SANDLOCK_EXIT_USAGE;
}
