/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <glib-unix.h>
#include <gio/gio.h>

#include "sandlock-helper-manager.h"

/*
 * sandlock-helper: owns org.sandlock.Helper1 on the session bus and runs
 * the sandboxes clients launch. Its sandboxes die with it.
 */

#define BUS_NAME "org.sandlock.Helper1"

typedef struct {
  GMainLoop             *loop;
  gboolean               owned;
  SandlockHelperManager *manager;
  guint                  idle_seconds;
  int                    status;
} Helper;

static void
on_idle (SandlockHelperManager *manager,
         Helper                *helper)
{
  g_main_loop_quit (helper->loop);
}

static void
on_bus_acquired (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  Helper *helper = user_data;
  g_autoptr(GError) error = NULL;

  helper->manager = sandlock_helper_manager_new (connection, helper->idle_seconds, &error);
  if (helper->manager == NULL)
    {
      g_printerr ("sandlock-helper: %s\n", error->message);
      helper->status = 1;
      g_main_loop_quit (helper->loop);
      return;
    }
  g_signal_connect (helper->manager, "idle", G_CALLBACK (on_idle), helper);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Helper *helper = user_data;

  helper->owned = TRUE;
  g_debug ("owning %s", name);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Helper *helper = user_data;

  if (connection == NULL)
    {
      g_printerr ("sandlock-helper: no connection to the session bus (cannot connect, or it closed)\n");
      helper->status = 1;
    }
  else if (helper->owned)
    g_message ("replaced by another helper: stopping, and my sandboxes with me");
  else
    {
      g_printerr ("sandlock-helper: %s is owned by another helper (use --replace)\n", name);
      helper->status = 1;
    }
  g_main_loop_quit (helper->loop);
}

static gboolean
on_terminate (gpointer user_data)
{
  Helper *helper = user_data;

  g_main_loop_quit (helper->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  gboolean replace = FALSE, verbose = FALSE, version = FALSE;
  int idle_seconds = 60;
  const GOptionEntry entries[] = {
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace, "Replace a running helper", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log what happens", NULL },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_seconds,
      "Exit after this many seconds with no sandbox and no client (default 60)", "SECONDS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- run sandboxes for D-Bus clients");
  g_autoptr(GError) error = NULL;
  Helper helper = { 0 };
  guint owner;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sandlock-helper: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("sandlock-helper %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (idle_seconds < 1)
    {
      g_printerr ("sandlock-helper: --idle-timeout must be 1 or more\n");
      return 2;
    }
  /* stdout may be a client's (D-Bus activation passes the bus's on):
   * logs go to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  /* A client that closes its end of a stream must not kill the helper. */
  signal (SIGPIPE, SIG_IGN);

  helper.loop = g_main_loop_new (NULL, FALSE);
  helper.idle_seconds = idle_seconds;
  g_unix_signal_add (SIGTERM, on_terminate, &helper);
  g_unix_signal_add (SIGINT, on_terminate, &helper);
  g_unix_signal_add (SIGHUP, on_terminate, &helper);

  owner = g_bus_own_name (G_BUS_TYPE_SESSION, BUS_NAME,
                          G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
                          (replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                          on_bus_acquired, on_name_acquired, on_name_lost,
                          &helper, NULL);
  g_main_loop_run (helper.loop);

  g_bus_unown_name (owner);
  if (helper.manager != NULL)
    sandlock_helper_manager_shutdown (helper.manager);
  g_clear_object (&helper.manager);
  g_main_loop_unref (helper.loop);
  return helper.status;
}
