/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helper round trip: the time from sending Launch for /bin/true to hearing
 * the sandbox's Exited signal, against bare /bin/true (posix_spawn and
 * waitpid) measured in the same rounds, interleaved, so that both see the
 * same machine load. Then the wall time of 100 Launches sent at once until
 * all 100 have exited. Prints figures; asserts nothing.
 *
 * Runs its own private bus (GTestDBus) and starts the helper on it, with
 * XDG_STATE_HOME and XDG_CONFIG_HOME in a scratch directory: the audit log
 * of these runs never lands in the user's.
 *
 *   bench-dbus HELPER [ROUNDS]
 */
#define G_LOG_DOMAIN "bench-dbus"

#include "config.h"

#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>

#include "sandlock-dbus.h"

#define BUS_NAME       "org.sandlock.Helper1"
#define MANAGER_PATH   "/org/sandlock/Helper1"
#define SANDBOX_IFACE  "org.sandlock.Helper1.Sandbox"
#define WARM_UP        10
#define CONCURRENT     100
#define REPETITIONS    5
#define TARGET_MS      5.0
/* Longest wait for one batch of Launches to end, in seconds. */
#define BATCH_DEADLINE 120

extern char **environ;

typedef struct {
  double at;         /* arrival, ms on the monotonic clock */
  int    exit_code;
  int    sig;
} Exit;

typedef struct {
  SandlockDbusManager *manager;
  GDBusConnection     *connection;
  GVariant            *policy;
  /* Exited signals not claimed yet, by object path. A signal may come in
   * before the reply to its Launch: it waits here for the path. */
  GHashTable          *exits;
  /* The batch in flight. */
  GPtrArray           *launched;  /* object paths from Launch replies */
  guint                pending;   /* Launch replies still to come */
  GError              *error;     /* first failure */
} Bench;

typedef struct {
  const char *label;
  gboolean    observe;   /* helper runs only */
  gboolean    bare;
  double     *samples;
} Subject;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1e3;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (double *samples,
            int     n,
            double  p)
{
  qsort (samples, n, sizeof *samples, compare);
  return samples[(int) (p * (n - 1) + 0.5)];
}

/* Wall time of bare /bin/true in ms, or -1 when it failed. */
static double
run_bare (void)
{
  char *argv[] = { (char *) "/bin/true", NULL };
  double start = now_ms ();
  pid_t pid;
  int status;

  if (posix_spawn (&pid, argv[0], NULL, NULL, argv, environ) != 0)
    return -1;
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return -1;
  return now_ms () - start;
}

static void
on_exited (GDBusConnection *connection,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *signal_name,
           GVariant        *parameters,
           gpointer         user_data)
{
  Bench *bench = user_data;
  Exit *ended = g_new (Exit, 1);

  ended->at = now_ms ();
  g_variant_get (parameters, "(ii)", &ended->exit_code, &ended->sig);
  g_hash_table_insert (bench->exits, g_strdup (path), ended);
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  bench->pending--;
  if (sandlock_dbus_manager_call_launch_finish (SANDLOCK_DBUS_MANAGER (source), &path, NULL,
                                                result, &error))
    g_ptr_array_add (bench->launched, path);
  else if (bench->error == NULL)
    bench->error = g_steal_pointer (&error);
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Whether every Launch of the batch has replied and every sandbox it
 * started has sent Exited. */
static gboolean
batch_done (Bench *bench)
{
  if (bench->pending > 0)
    return FALSE;
  for (guint i = 0; i < bench->launched->len; i++)
    if (!g_hash_table_contains (bench->exits, bench->launched->pdata[i]))
      return FALSE;
  return TRUE;
}

/* Forgets the batch's sandboxes in the helper, so that its objects do not
 * pile up over the run. Keeps the first failure in bench->error. */
static void
remove_batch (Bench *bench)
{
  for (guint i = 0; i < bench->launched->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bench->connection, BUS_NAME, bench->launched->pdata[i],
                                     SANDBOX_IFACE, "Remove", NULL, NULL,
                                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);

      if (reply == NULL && bench->error == NULL)
        bench->error = g_steal_pointer (&error);
    }
  g_ptr_array_set_size (bench->launched, 0);
}

/* Sends @count Launches of /bin/true at once and returns the ms from the
 * first send to the last Exited, or -1 with @error. */
static double
launch_batch (Bench    *bench,
              guint     count,
              gboolean  observe,
              GError  **error)
{
  const char * const argv[] = { "/bin/true", NULL };
  g_autoptr(GVariant) options = NULL;
  gboolean expired = FALSE;
  double start, end = 0;
  GVariantBuilder builder;
  guint deadline;

  g_assert (bench->pending == 0 && bench->launched->len == 0);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "observe", g_variant_new_boolean (observe));
  options = g_variant_ref_sink (g_variant_builder_end (&builder));

  start = now_ms ();
  for (guint i = 0; i < count; i++)
    sandlock_dbus_manager_call_launch (bench->manager, bench->policy, argv, options, NULL,
                                       NULL, on_launched, bench);
  bench->pending = count;

  deadline = g_timeout_add_seconds (BATCH_DEADLINE, on_deadline, &expired);
  while (!batch_done (bench) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);

  for (guint i = 0; i < bench->launched->len; i++)
    {
      Exit *ended = g_hash_table_lookup (bench->exits, bench->launched->pdata[i]);

      if (ended == NULL)
        continue;
      if ((ended->exit_code != 0 || ended->sig != 0) && bench->error == NULL)
        bench->error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                    "%s ended with exit code %d, signal %d (expected 0, 0)",
                                    (char *) bench->launched->pdata[i], ended->exit_code,
                                    ended->sig);
      end = MAX (end, ended->at);
      g_hash_table_remove (bench->exits, bench->launched->pdata[i]);
    }
  if (expired && bench->error == NULL)
    bench->error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                "%u Launches: not all replied and exited within %d s",
                                count, BATCH_DEADLINE);
  /* The helper is told to forget them even after a failure. */
  remove_batch (bench);
  if (bench->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&bench->error));
      return -1;
    }
  return end - start;
}

static void
on_helper_exited (GPid     pid,
                  int      status,
                  gpointer user_data)
{
  gboolean *gone = user_data;

  *gone = TRUE;
}

static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  gboolean *appeared = user_data;

  *appeared = TRUE;
}

/* Starts the helper on the private bus and waits until it owns its name. */
static gboolean
start_helper (GDBusConnection *connection,
              const char      *helper,
              GPid            *pid,
              gboolean        *gone,
              GError         **error)
{
  const char *argv[] = { helper, "--idle-timeout", "3600", NULL };
  gboolean appeared = FALSE, expired = FALSE;
  guint watch, deadline;

  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                      pid, error))
    return FALSE;
  g_child_watch_add (*pid, on_helper_exited, gone);
  watch = g_bus_watch_name_on_connection (connection, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          on_name_appeared, NULL, &appeared, NULL);
  deadline = g_timeout_add_seconds (30, on_deadline, &expired);
  while (!appeared && !*gone && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_bus_unwatch_name (watch);
  if (!expired)
    g_source_remove (deadline);
  if (!appeared)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s", helper,
                   *gone ? "exited before it owned " BUS_NAME
                         : "did not own " BUS_NAME " within 30 s");
      return FALSE;
    }
  return TRUE;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                flag,
              struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static int
run (Bench  *bench,
     int     rounds)
{
  Subject subjects[] = {
    { "bare /bin/true", FALSE, TRUE, NULL },
    { "Launch -> Exited", FALSE, FALSE, NULL },
    { "  observe on", TRUE, FALSE, NULL },
  };
  int n = G_N_ELEMENTS (subjects);
  double walls[REPETITIONS];
  double base, median;
  g_autoptr(GError) error = NULL;

  for (int s = 0; s < n; s++)
    subjects[s].samples = g_new0 (double, rounds);

  /* Warm up: the helper's first sandboxes, the caches, the allocators. */
  for (int r = 0; r < WARM_UP; r++)
    for (int s = 0; s < n; s++)
      if ((subjects[s].bare ? run_bare () : launch_batch (bench, 1, subjects[s].observe, &error)) < 0)
        goto failed;

  for (int r = 0; r < rounds; r++)
    for (int s = 0; s < n; s++)
      {
        double ms = subjects[s].bare ? run_bare () : launch_batch (bench, 1, subjects[s].observe,
                                                                   &error);
        if (ms < 0)
          goto failed;
        subjects[s].samples[r] = ms;
      }

  printf ("D-Bus helper benchmark: %d interleaved rounds after %d warm-up rounds\n",
          rounds, WARM_UP);
  printf ("%-20s %10s %10s %10s\n", "", "median ms", "p90 ms", "p99 ms");
  for (int s = 0; s < n; s++)
    printf ("%-20s %10.3f %10.3f %10.3f\n", subjects[s].label,
            percentile (subjects[s].samples, rounds, 0.5),
            percentile (subjects[s].samples, rounds, 0.9),
            percentile (subjects[s].samples, rounds, 0.99));
  base = percentile (subjects[0].samples, rounds, 0.5);
  median = percentile (subjects[1].samples, rounds, 0.5);
  printf ("Launch -> Exited over bare (medians): %+.3f ms, %.1fx\n", median - base,
          median / base);
  printf ("target: median Launch->Exited <= %g ms (measured %.3f ms: %s)\n", TARGET_MS,
          median, median <= TARGET_MS ? "met" : "NOT met");

  /* One batch to warm up the helper's threads, then the timed ones. */
  if (launch_batch (bench, CONCURRENT, FALSE, &error) < 0)
    goto failed;
  for (int i = 0; i < REPETITIONS; i++)
    if ((walls[i] = launch_batch (bench, CONCURRENT, FALSE, &error)) < 0)
      goto failed;
  printf ("%d concurrent Launches until all Exited, %d repetitions:", CONCURRENT, REPETITIONS);
  for (int i = 0; i < REPETITIONS; i++)
    printf (" %.1f", walls[i]);
  median = percentile (walls, REPETITIONS, 0.5);
  printf (" ms\n  median %.1f ms (%.2f ms per sandbox)\n", median, median / CONCURRENT);

  for (int s = 0; s < n; s++)
    g_free (subjects[s].samples);
  return 0;

failed:
  fprintf (stderr, "bench-dbus: %s\n", error != NULL ? error->message : "bare /bin/true failed");
  for (int s = 0; s < n; s++)
    g_free (subjects[s].samples);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  const char *helper = argc > 1 ? argv[1] : g_getenv ("SANDLOCK_HELPER");
  int rounds = argc > 2 ? atoi (argv[2]) : 200;
  const char *readable[] = { "/usr", "/lib", "/lib64", "/bin", NULL };
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *state = NULL;
  g_autofree char *config = NULL;
  GVariantBuilder policy;
  Bench bench = { 0 };
  gboolean helper_gone = FALSE;
  GPid helper_pid = 0;
  int status = 1;

  if (helper == NULL || rounds < 1)
    {
      fprintf (stderr, "usage: bench-dbus HELPER [ROUNDS]  (or SANDLOCK_HELPER=HELPER bench-dbus)\n");
      return 2;
    }

  /* Inherited by the helper. */
  home = g_dir_make_tmp ("bench-dbus-XXXXXX", &error);
  if (home == NULL)
    {
      fprintf (stderr, "bench-dbus: %s\n", error->message);
      return 1;
    }
  state = g_build_filename (home, "state", NULL);
  config = g_build_filename (home, "config", NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  bench.connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  if (bench.connection == NULL || !start_helper (bench.connection, helper, &helper_pid,
                                                 &helper_gone, &error))
    goto out;
  bench.manager = sandlock_dbus_manager_proxy_new_sync (bench.connection,
                                                        G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                        BUS_NAME, MANAGER_PATH, NULL, &error);
  if (bench.manager == NULL)
    goto out;
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (bench.manager), BATCH_DEADLINE * 1000);

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&policy, "{sv}", "fs_readable", g_variant_new_strv (readable, -1));
  bench.policy = g_variant_ref_sink (g_variant_builder_end (&policy));
  bench.exits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.launched = g_ptr_array_new_with_free_func (g_free);
  /* Any sandbox's Exited, before its path is known. */
  g_dbus_connection_signal_subscribe (bench.connection, BUS_NAME, SANDBOX_IFACE, "Exited",
                                      NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_exited,
                                      &bench, NULL);

  status = run (&bench, rounds);

out:
  if (error != NULL)
    fprintf (stderr, "bench-dbus: %s\n", error->message);
  if (helper_pid > 0 && !helper_gone)
    {
      gboolean expired = FALSE;
      guint deadline = g_timeout_add_seconds (10, on_deadline, &expired);

      kill (helper_pid, SIGTERM);
      while (!helper_gone && !expired)
        g_main_context_iteration (NULL, TRUE);
      if (expired)
        kill (helper_pid, SIGKILL);
      else
        g_source_remove (deadline);
    }
  g_clear_object (&bench.manager);
  g_clear_pointer (&bench.policy, g_variant_unref);
  g_clear_pointer (&bench.exits, g_hash_table_unref);
  g_clear_pointer (&bench.launched, g_ptr_array_unref);
  if (bench.connection != NULL)
    g_dbus_connection_close_sync (bench.connection, NULL, NULL);
  g_clear_object (&bench.connection);
  g_test_dbus_down (bus);
  nftw (home, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  return status;
}
