/* SPDX-License-Identifier: Apache-2.0 */
/* Named sandboxes: `sandlock ps`, `kill`, `inspect`, and the registry's
 * hygiene (duplicates refused, stale entries cleaned, names validated). */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "test-common.h"

static GPid
start_named (const char *name)
{
  const char *argv[] = { tc_cli (), "run", "--name", name, "-r", tc_probe (), "--",
                         tc_probe (), "sleep", "30", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* Waits until `sandlock ps` shows @name (or stops showing it). */
static void
wait_listed (const char *name,
             gboolean    listed)
{
  /* Generous: a sandbox starts slowly on a machine busy with disk I/O. */
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (tc_sandlock (&out, NULL, "ps", NULL), ==, 0);
      if ((strstr (out, name) != NULL) == listed)
        return;
      g_usleep (20000);
    }
  g_error ("%s is %s listed", name, listed ? "not" : "still");
}

static int
exit_status (GPid pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
test_ps_kill_inspect (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPid web = start_named ("web.local");
  /* A valid name may start with '.': listed like any other. */
  GPid api = start_named (".api.local");
  JsonObject *record;

  wait_listed ("web.local", TRUE);
  wait_listed (".api.local", TRUE);

  g_assert_cmpint (tc_sandlock (&out, NULL, "inspect", "web.local", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  record = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "web.local");
  g_assert_cmpint (json_object_get_int_member (record, "pid"), >, 1);
  g_assert_true (json_object_has_member (record, "policy"));
  g_assert_true (json_object_has_member (record, "ports"));

  /* The name is taken while it runs. */
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--name", "web.local", "--", "true", NULL), ==, 125);

  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", "web.local", NULL), ==, 0);
  g_assert_cmpint (exit_status (web), ==, 128 + SIGKILL);
  wait_listed ("web.local", FALSE);
  wait_listed (".api.local", TRUE);

  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", ".api.local", NULL), ==, 0);
  g_assert_cmpint (exit_status (api), ==, 128 + SIGKILL);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", ".api.local", NULL), ==, 1);
}

/* `ps` running all along while sandboxes register: none is taken for a
 * dead one and removed (an entry appears whole, lock held, or not at all). */
static void
test_ps_during_registration (void)
{
  const char *names[] = { "race1.local", "race2.local", "race3.local", "race4.local" };
  GPid pids[G_N_ELEMENTS (names)];
  const char *ps_loop[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 200 ]; do \"$0\" ps >/dev/null; "
                            "i=$((i+1)); done", tc_cli (), NULL };
  g_autoptr(GError) error = NULL;
  GPid looper;

  g_assert_true (g_spawn_async (NULL, (char **) ps_loop, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &looper, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    pids[i] = start_named (names[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    wait_listed (names[i], TRUE);
  g_assert_cmpint (exit_status (looper), ==, 0);
  /* Still there once the ps storm is over. */
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      wait_listed (names[i], TRUE);
      g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", names[i], NULL), ==, 0);
      g_assert_cmpint (exit_status (pids[i]), ==, 128 + SIGKILL);
    }
}

static void
test_stale_entries_cleaned (void)
{
  g_autofree char *runtime = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_autofree char *stale = g_build_filename (runtime, "sandlock", "gone.local", NULL);
  g_autofree char *lock = g_build_filename (stale, "lock", NULL);

  /* An entry whose owner died without cleaning up: nobody holds its lock. */
  g_assert_cmpint (g_mkdir_with_parents (stale, 0700), ==, 0);
  g_assert_true (g_file_set_contents (lock, "", 0, NULL));
  wait_listed ("gone.local", FALSE);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
}

static void
test_names_validated (void)
{
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--name", "a/b", "--", "true", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--name", "..", "--", "true", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", "../x", NULL), ==, 2);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "inspect", "nope", NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *runtime = NULL;

  g_test_init (&argc, &argv, NULL);
  runtime = tc_make_tmpdir ();
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);

  g_test_add_func ("/registry/ps-kill-inspect", test_ps_kill_inspect);
  g_test_add_func ("/registry/ps-during-registration", test_ps_during_registration);
  g_test_add_func ("/registry/stale-entries-cleaned", test_stale_entries_cleaned);
  g_test_add_func ("/registry/names-validated", test_names_validated);
  return g_test_run ();
}
