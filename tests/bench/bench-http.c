/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP ACL cost: requests per second of one curl (keep-alive, REQUESTS
 * sequential GETs of a small page) inside a sandbox, through the proxy
 * (http_allow) against straight to the server (net_allow), interleaved so
 * that both see the same machine load; also 4 curls at once. The server is
 * this program's own on loopback. Prints figures; asserts nothing.
 *
 *   bench-http SANDLOCK [ROUNDS [REQUESTS]]
 */
#define G_LOG_DOMAIN "bench-http"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <libsoup/soup.h>

#define PARALLEL 4

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  static const char body[] = "hello from the bench server\n";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, body,
                                    sizeof body - 1);
}

static gpointer
serve (gpointer data)
{
  GMainContext *context = data;
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  return NULL;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  if (samples->len == 0)
    return 0;
  qsort (samples->data, samples->len, sizeof (double), compare);
  return g_array_index (samples, double, samples->len / 2);
}

/* Runs @parallel sandboxed curls at once; requests per second overall,
 * or 0 when one failed. */
static double
measure (const char         *sandlock,
         const char * const *policy,
         const char         *url,
         guint               requests,
         guint               parallel)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  GPid pids[PARALLEL];
  gint64 start = g_get_monotonic_time ();
  gboolean ok = TRUE;

  for (guint p = 0; p < parallel; p++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      const char *base[] = { sandlock, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                             "-r", "/etc", "-w", "/dev/null" };

      for (gsize i = 0; i < G_N_ELEMENTS (base); i++)
        g_ptr_array_add (argv, (gpointer) base[i]);
      for (guint i = 0; policy[i] != NULL; i++)
        g_ptr_array_add (argv, (gpointer) policy[i]);
      g_ptr_array_add (argv, "--");
      g_ptr_array_add (argv, curl);
      g_ptr_array_add (argv, "-sSf");
      g_ptr_array_add (argv, "-o");
      g_ptr_array_add (argv, "/dev/null");
      g_ptr_array_add (argv, (gpointer) url);
      g_ptr_array_add (argv, NULL);
      if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, &pids[p], &error))
        {
          g_printerr ("bench-http: %s\n", error->message);
          return 0;
        }
    }
  for (guint p = 0; p < parallel; p++)
    {
      int status = 0;

      waitpid (pids[p], &status, 0);
      ok &= WIFEXITED (status) && WEXITSTATUS (status) == 0;
    }
  if (!ok)
    return 0;
  return (double) requests * parallel * G_USEC_PER_SEC / (g_get_monotonic_time () - start);
}

int
main (int    argc,
      char **argv)
{
  const char *sandlock = argc > 1 ? argv[1] : NULL;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 7;
  guint requests = argc > 3 ? (guint) atoi (argv[3]) : 2000;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *url = NULL;
  g_autofree char *port = NULL, *allow = NULL, *direct = NULL;
  guint16 server_port;

  if (sandlock == NULL)
    {
      g_printerr ("usage: bench-http SANDLOCK [ROUNDS [REQUESTS]]\n");
      return 2;
    }
  if (curl == NULL)
    {
      g_print ("bench-http: curl is not installed; skipped\n");
      return 77;
    }

  g_main_context_push_thread_default (context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, on_request, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("bench-http: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  server_port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  g_main_context_pop_thread_default (context);
  g_thread_new ("server", serve, context);

  url = g_strdup_printf ("http://127.0.0.1:%u/ok/[1-%u]", server_port, requests);
  port = g_strdup_printf ("%u", server_port);
  allow = g_strdup ("GET 127.0.0.1/ok/*");
  direct = g_strdup_printf ("127.0.0.1:%u", server_port);

  {
    const char *through_proxy[] = { "--http-allow", allow, "--http-port", port, NULL };
    const char *straight[] = { "--net-allow", direct, NULL };
    g_autoptr(GArray) proxy1 = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) direct1 = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) proxyN = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) directN = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint r = 0; r < rounds; r++)
      {
        double d1 = measure (sandlock, straight, url, requests, 1);
        double p1 = measure (sandlock, through_proxy, url, requests, 1);
        double dn = measure (sandlock, straight, url, requests, PARALLEL);
        double pn = measure (sandlock, through_proxy, url, requests, PARALLEL);

        if (d1 == 0 || p1 == 0 || dn == 0 || pn == 0)
          {
            g_printerr ("bench-http: a run failed\n");
            return 1;
          }
        g_array_append_val (direct1, d1);
        g_array_append_val (proxy1, p1);
        g_array_append_val (directN, dn);
        g_array_append_val (proxyN, pn);
      }

    g_print ("HTTP through the proxy vs direct, %u rounds of %u keep-alive GETs per curl\n",
             rounds, requests);
    g_print ("  1 curl:  direct %8.0f req/s   proxy %8.0f req/s   ratio %.2f\n",
             median (direct1), median (proxy1), median (proxy1) / median (direct1));
    g_print ("  %u curls: direct %8.0f req/s   proxy %8.0f req/s   ratio %.2f\n", PARALLEL,
             median (directN), median (proxyN), median (proxyN) / median (directN));
  }
  return 0;
}
