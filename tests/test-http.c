/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP ACL end to end: curl (and a raw client in Python) inside real
 * sandboxes, through the proxy, to HTTP and HTTPS servers of this test.
 *
 * The test moves itself into a network namespace of its own first (a user
 * namespace gives it the right to), so that its servers can listen on the
 * real ports 80 and 443, which is what the proxy intercepts, and nothing
 * it does can reach or disturb the machine's network.
 */
#define G_LOG_DOMAIN "test-http"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "test-common.h"

static const char *private_network_problem;
static char *tmpdir;
static char *ca_cert, *ca_key;      /* the user's CA, for interception */
static char *curl_path;
static char *python_path;

/* What the servers saw. */
static GMutex seen_lock;
static guint seen_requests;

/* ------------------------------------------------------------------------ */
/* A network of our own                                                     */
/* ------------------------------------------------------------------------ */

/* Before any thread: capabilities are per thread, and later threads
 * inherit the first one's. */
static const char *
enter_private_network (void)
{
  const char *why_not = tc_enter_user_namespace (CLONE_NEWNET);
  struct ifreq ifr = { .ifr_name = "lo" };
  int fd;

  if (why_not != NULL)
    return why_not;
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return "cannot see the loopback interface";
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return "cannot bring the loopback interface up";
  close (fd);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Servers                                                                  */
/* ------------------------------------------------------------------------ */

#define BIG_SIZE (4 * 1024 * 1024)

static void
on_upstream_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           data)
{
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Host");
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *body = NULL;

  g_mutex_lock (&seen_lock);
  seen_requests++;
  g_mutex_unlock (&seen_lock);

  soup_message_headers_append (soup_server_message_get_response_headers (msg),
                               "X-Upstream", "yes");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (g_str_equal (g_uri_get_path (uri), "/ok/big"))
    {
      char *big = g_malloc (BIG_SIZE);

      memset (big, 'b', BIG_SIZE);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_TAKE,
                                        big, BIG_SIZE);
      return;
    }
  body = g_strdup_printf ("upstream %s %s host=%s body=%zu\n",
                          soup_server_message_get_method (msg), g_uri_get_path (uri),
                          host ? host : "-",
                          (gsize) soup_server_message_get_request_body (msg)->length);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
}

static guint
requests_seen (void)
{
  guint n;

  g_mutex_lock (&seen_lock);
  n = seen_requests;
  g_mutex_unlock (&seen_lock);
  return n;
}

static gboolean
run_command (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* A CA of the user's and a server certificate for localhost it signed
 * (the upstream's: the proxy trusts servers the user's CA certifies). */
static gboolean
make_certificates (char **server_cert,
                   char **server_key)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *csr = g_build_filename (tmpdir, "server.csr", NULL);
  g_autofree char *ext = tc_make_file (tmpdir, "server.ext",
                                       "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                                       "basicConstraints=CA:FALSE\n"
                                       "extendedKeyUsage=serverAuth\n");

  ca_cert = g_build_filename (tmpdir, "ca.pem", NULL);
  ca_key = g_build_filename (tmpdir, "ca.key", NULL);
  *server_cert = g_build_filename (tmpdir, "server.pem", NULL);
  *server_key = g_build_filename (tmpdir, "server.key", NULL);
  if (openssl == NULL)
    return FALSE;
  {
    const char *ca[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
      "-nodes", "-keyout", ca_key, "-out", ca_cert, "-days", "2",
      "-subj", "/CN=Sandlock Test CA",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL,
    };
    const char *request[] = {
      openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", *server_key, "-out", csr, "-subj", "/CN=localhost", NULL,
    };
    const char *sign[] = {
      openssl, "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
      "-CAcreateserial", "-out", *server_cert, "-days", "2", "-extfile", ext, NULL,
    };

    return run_command (ca) && run_command (request) && run_command (sign);
  }
}

typedef struct {
  GMainContext *context;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  char         *error;
} Servers;

static gboolean
listen_both (SoupServer              *server,
             guint                    port,
             SoupServerListenOptions  options,
             GError                 **error)
{
  g_autoptr(GInetAddress) v4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) v6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) a4 = g_inet_socket_address_new (v4, port);
  g_autoptr(GSocketAddress) a6 = g_inet_socket_address_new (v6, port);

  return soup_server_listen (server, a4, options, error) &&
         soup_server_listen (server, a6, options, error);
}

static gpointer
serve (gpointer data)
{
  Servers *servers = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL, *key_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) http = NULL;
  g_autoptr(SoupServer) https = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_main_context_push_thread_default (servers->context);
  http = soup_server_new (NULL, NULL);
  soup_server_add_handler (http, NULL, on_upstream_request, NULL, NULL);
  if (!listen_both (http, 80, 0, &error))
    servers->error = g_strdup_printf ("HTTP server: %s", error->message);
  else if (!make_certificates (&cert_path, &key_path))
    servers->error = g_strdup ("cannot make test certificates (is openssl installed?)");
  else if ((certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error)) == NULL)
    servers->error = g_strdup_printf ("server certificate: %s", error->message);
  else
    {
      https = soup_server_new ("tls-certificate", certificate, NULL);
      soup_server_add_handler (https, NULL, on_upstream_request, NULL, NULL);
      if (!listen_both (https, 443, SOUP_SERVER_LISTEN_HTTPS, &error))
        servers->error = g_strdup_printf ("HTTPS server: %s", error->message);
    }

  loop = g_main_loop_new (servers->context, FALSE);
  g_mutex_lock (&servers->lock);
  servers->ready = TRUE;
  g_cond_signal (&servers->cond);
  g_mutex_unlock (&servers->lock);
  g_main_loop_run (loop);   /* until the test exits */
  return NULL;
}

static const char *
start_servers (void)
{
  static Servers servers;

  servers.context = g_main_context_new ();
  g_mutex_init (&servers.lock);
  g_cond_init (&servers.cond);
  g_thread_new ("servers", serve, &servers);
  g_mutex_lock (&servers.lock);
  while (!servers.ready)
    g_cond_wait (&servers.cond, &servers.lock);
  g_mutex_unlock (&servers.lock);
  return servers.error;
}

/* ------------------------------------------------------------------------ */
/* Clients in sandboxes                                                     */
/* ------------------------------------------------------------------------ */

static gboolean
ready (void)
{
  if (private_network_problem != NULL)
    {
      g_test_skip (private_network_problem);
      return FALSE;
    }
  if (curl_path == NULL)
    {
      g_test_skip ("curl is not installed");
      return FALSE;
    }
  return TRUE;
}

/* Runs `sandlock run` with the system and our directory readable, then
 * POLICY..., then -- COMMAND...; its exit status, stdout in @out. */
static int
run_sandboxed (char               **out,
               const char * const  *policy,
               const char * const  *command)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char * const system[] = { "run", "-r", "/usr", "-r", "/lib", "-r", "/etc",
                                  "-r", tmpdir, "-w", "/dev/null" };
  int status;

  for (gsize i = 0; i < G_N_ELEMENTS (system); i++)
    g_ptr_array_add (args, (gpointer) system[i]);
  if (g_file_test ("/lib64", G_FILE_TEST_EXISTS))
    {
      g_ptr_array_add (args, "-r");
      g_ptr_array_add (args, "/lib64");
    }
  for (guint i = 0; policy[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) policy[i]);
  g_ptr_array_add (args, "--");
  for (guint i = 0; command[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) command[i]);
  g_ptr_array_add (args, NULL);

  status = tc_sandlockv (out, &err, (const char * const *) args->pdata);
  if (err != NULL && err[0] != '\0')
    g_test_message ("stderr: %s", err);
  return status;
}

/* Runs curl CURL_ARGS... in a sandbox of POLICY. Returns the HTTP status
 * curl saw (0 when it got none: its exit code in @curl_exit). */
static int
curl_in_sandbox (char               **body,
                 int                 *curl_exit,
                 const char * const  *policy,
                 const char * const  *curl_args)
{
  g_autoptr(GPtrArray) command = g_ptr_array_new ();
  const char * const fixed[] = { curl_path, "-sS", "--path-as-is", "--max-time", "20",
                                 "-w", "\n%{http_code}" };
  g_autofree char *out = NULL;
  char *status_line;

  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (command, (gpointer) fixed[i]);
  for (guint i = 0; curl_args[i] != NULL; i++)
    g_ptr_array_add (command, (gpointer) curl_args[i]);
  g_ptr_array_add (command, NULL);

  *curl_exit = run_sandboxed (&out, policy, (const char * const *) command->pdata);
  status_line = strrchr (out, '\n');
  if (status_line == NULL)
    {
      *body = g_steal_pointer (&out);
      return 0;
    }
  *status_line = '\0';
  *body = g_steal_pointer (&out);
  return atoi (status_line + 1);
}

#define POLICY(...) ((const char * const []) { __VA_ARGS__, NULL })
#define CURL(...) ((const char * const []) { __VA_ARGS__, NULL })
#define COMMAND(...) ((const char * const []) { __VA_ARGS__, NULL })

static void
expect_status (int                 expected,
               const char         *needle,
               const char * const *policy,
               const char * const *curl_args)
{
  g_autofree char *body = NULL;
  int curl_exit = 0;
  int status = curl_in_sandbox (&body, &curl_exit, policy, curl_args);

  g_test_message ("%s -> %d (curl exit %d): %s", curl_args[0], status, curl_exit, body);
  g_assert_cmpint (status, ==, expected);
  if (needle != NULL)
    g_assert_nonnull (strstr (body, needle));
}

static void
test_allowed_path (void)
{
  if (!ready ())
    return;
  expect_status (200, "upstream GET /ok/x host=localhost",
                 POLICY ("--http-allow", "GET localhost/ok/*"), CURL ("http://localhost/ok/x"));
  /* Addresses of both families. */
  expect_status (200, "upstream GET /ok/y host=[::1]", POLICY ("--http-allow", "GET [::1]/ok/*"),
                 CURL ("http://[::1]/ok/y"));
  expect_status (200, "upstream GET /ok/z host=127.0.0.1",
                 POLICY ("--http-allow", "GET 127.0.0.1/ok/*"), CURL ("http://127.0.0.1/ok/z"));
}

static void
test_other_path_method_port (void)
{
  guint before;
  g_autofree char *body = NULL;
  int curl_exit = 0;

  if (!ready ())
    return;
  before = requests_seen ();
  expect_status (403, "sandlock", POLICY ("--http-allow", "GET localhost/ok/*"),
                 CURL ("http://localhost/other"));
  expect_status (403, "sandlock", POLICY ("--http-allow", "GET localhost/ok/*"),
                 CURL ("-X", "POST", "-d", "x=1", "http://localhost/ok/x"));
  g_assert_cmpuint (requests_seen (), ==, before);

  /* The rules open port 80 of their hosts, nothing else. */
  g_assert_cmpint (curl_in_sandbox (&body, &curl_exit, POLICY ("--http-allow", "GET localhost/ok/*"),
                                    CURL ("http://localhost:443/ok/x")), ==, 0);
  g_assert_cmpint (curl_exit, ==, 7);   /* CURLE_COULDNT_CONNECT: the connect was refused */
}

static void
test_post_body (void)
{
  if (!ready ())
    return;
  expect_status (200, "upstream POST /api/v1 host=localhost body=11",
                 POLICY ("--http-allow", "POST localhost/api/v1"),
                 CURL ("-d", "hello=world", "http://localhost/api/v1"));
}

static void
test_deny_beats_allow (void)
{
  const char * const *policy = POLICY ("--http-allow", "* localhost/*",
                                       "--http-deny", "* localhost/ok/secret*");

  if (!ready ())
    return;
  expect_status (403, "localhost/ok/secret", policy, CURL ("http://localhost/ok/secret/1"));
  expect_status (200, "upstream GET /ok/public", policy, CURL ("http://localhost/ok/public"));
}

static void
test_spellings (void)
{
  static const char * const paths[] = {
    "/ok/x/../secret", "/ok/%73ecret", "/ok//secret", "/ok/./secret", "/ok/x/%2e%2e/secret",
    "/ok/x%2f..%2fsecret", "/ok/%252e%252e/secret", "/OK/../ok/secret", "/ok/x/..%5csecret",
  };
  const char * const *policy = POLICY ("--http-allow", "GET localhost/ok/*",
                                       "--http-deny", "GET localhost/ok/secret");
  guint before;

  if (!ready ())
    return;
  before = requests_seen ();
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat ("http://localhost", paths[i], NULL);
      g_autofree char *body = NULL;
      int curl_exit = 0;
      int status = curl_in_sandbox (&body, &curl_exit, policy, CURL (url));

      g_test_message ("%s -> %d", paths[i], status);
      g_assert_true (status == 403 || status == 400);
    }
  /* None reached the server. */
  g_assert_cmpuint (requests_seen (), ==, before);
}

static void
test_host_header (void)
{
  const char * const *wildcard = POLICY ("--http-allow", "GET */ok/*", "--net-allow", "127.0.0.1:80");
  const char * const *pinned = POLICY ("--http-allow", "GET localhost/ok/*");
  guint before;

  if (!ready ())
    return;
  before = requests_seen ();
  /* A name that is not where the connection goes. */
  expect_status (403, "does not name the destination", wildcard,
                 CURL ("-H", "Host: example.com", "http://127.0.0.1/ok/x"));
  expect_status (403, "does not name the destination", pinned,
                 CURL ("-H", "Host: 127.0.0.2", "http://localhost/ok/x"));
  expect_status (400, NULL, pinned, CURL ("-H", "Host: local host", "http://localhost/ok/x"));
  g_assert_cmpuint (requests_seen (), ==, before);
  /* A name that is: resolved now, or pinned at start. */
  expect_status (200, "host=localhost", wildcard,
                 CURL ("-H", "Host: localhost", "http://127.0.0.1/ok/x"));
  expect_status (200, "host=localhost", pinned, CURL ("-H", "Host: LOCALHOST.", "http://localhost/ok/x"));
}

static void
test_https_intercepted (void)
{
  g_autofree char *body = NULL;
  int curl_exit = 0;
  const char * const *policy = POLICY ("--http-allow", "GET localhost/ok/*",
                                       "--https-ca", ca_cert, "--https-key", ca_key);

  if (!ready ())
    return;
  expect_status (200, "upstream GET /ok/x host=localhost", policy,
                 CURL ("--cacert", ca_cert, "https://localhost/ok/x"));
  expect_status (403, "sandlock", policy, CURL ("--cacert", ca_cert, "https://localhost/other"));
  /* The leaf is the proxy's, made for the name, signed by the CA: a
   * client that does not trust the CA refuses it. */
  g_assert_cmpint (curl_in_sandbox (&body, &curl_exit, policy,
                                    CURL ("https://localhost/ok/x")), ==, 0);
  g_assert_cmpint (curl_exit, ==, 60);   /* CURLE_PEER_FAILED_VERIFICATION */
}

/* A wildcard rule: no name is pinned, so the leaf is made for the name
 * the client sends (SNI), and the Host is checked by resolving it. */
static void
test_https_server_name (void)
{
  const char * const *policy = POLICY ("--http-allow", "GET */ok/*", "--net-allow", ":443",
                                       "--https-ca", ca_cert, "--https-key", ca_key);

  if (!ready ())
    return;
  expect_status (200, "upstream GET /ok/x host=localhost", policy,
                 CURL ("--cacert", ca_cert, "https://localhost/ok/x"));
  expect_status (403, "sandlock", policy, CURL ("--cacert", ca_cert, "https://localhost/no"));
}

static void
test_https_not_intercepted (void)
{
  if (!ready ())
    return;
  /* No CA: 443 goes straight to the server, rules or not. */
  expect_status (200, "upstream GET /other",
                 POLICY ("--http-allow", "GET localhost/ok/*", "--net-allow", "localhost:443"),
                 CURL ("--cacert", ca_cert, "https://localhost/other"));
}

/* Requests on one connection stay on it (and on one upstream connection):
 * curl makes one connect for three transfers. */
static void
test_keep_alive (void)
{
  g_autofree char *out = NULL;

  if (!ready ())
    return;
  g_assert_cmpint (run_sandboxed (&out, POLICY ("--http-allow", "GET localhost/ok/*"),
                                  COMMAND (curl_path, "-sS", "-o", "/dev/null", "-o", "/dev/null",
                                        "-o", "/dev/null", "-w", "%{num_connects} ",
                                        "http://localhost/ok/1", "http://localhost/ok/2",
                                        "http://localhost/ok/3")), ==, 0);
  g_assert_cmpstr (out, ==, "1 0 0 ");
}

/* A body larger than the proxy buffers (it reads on as the client does):
 * all of it arrives. */
static void
test_big_response (void)
{
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%d", BIG_SIZE);

  if (!ready ())
    return;
  g_assert_cmpint (run_sandboxed (&out, POLICY ("--http-allow", "GET localhost/ok/*"),
                                  COMMAND (curl_path, "-sS", "-o", "/dev/null", "-w", "%{size_download}",
                                        "http://localhost/ok/big")), ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_events (void)
{
  g_autofree char *events = g_build_filename (tmpdir, "events.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  int curl_exit = 0;

  if (!ready ())
    return;
  curl_in_sandbox (&body, &curl_exit,
                   POLICY ("--http-allow", "GET localhost/ok/*", "--events", events),
                   CURL ("http://localhost/ok/a", "http://localhost/no"));
  g_assert_true (g_file_get_contents (events, &text, NULL, NULL));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "\"syscall\":\"http\""));
  g_assert_nonnull (strstr (text, "GET http://localhost/ok/a\",\"verdict\":\"allow\""));
  g_assert_nonnull (strstr (text, "GET http://localhost/no\",\"verdict\":\"deny\""));
}

/* A raw client: garbage, a half request left hanging, then good ones.
 * Every request says Connection: close (garbage gets its 400 and the
 * connection closed), so each answer is all that comes until the end of
 * the stream. Prints [status line, body] per request, as JSON. */
static const char raw_client[] =
  "import json, socket, time\n"
  "def connect():\n"
  "    return socket.create_connection(('127.0.0.1', 80), timeout=10)\n"
  "def ask(s, data):\n"
  "    s.sendall(data)\n"
  "    out = b''\n"
  "    while True:\n"
  "        chunk = s.recv(65536)\n"
  "        if not chunk: break\n"
  "        out += chunk\n"
  "    s.close()\n"
  "    head, _, body = out.partition(b'\\r\\n\\r\\n')\n"
  "    return [head.split(b'\\r\\n')[0].decode(), body.decode(errors='replace')]\n"
  "results = []\n"
  "results.append(ask(connect(), b'\\x00\\x01garbage\\r\\n\\r\\n'))\n"
  "results.append(ask(connect(), b'GET /ok/x HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: -5\\r\\n'\n"
  "                              b'Connection: close\\r\\n\\r\\n'))\n"
  "slow = connect()\n"
  "slow.sendall(b'GET /ok/slow HTTP/1.1\\r\\nHo')\n"
  "results.append(ask(connect(), b'GET /ok/fast HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n'))\n"
  "time.sleep(0.5)\n"
  "results.append(ask(slow, b'st: localhost\\r\\nConnection: close\\r\\n\\r\\n'))\n"
  "print(json.dumps(results))\n";

/* Result @i of the raw client: its status line and body. */
static void
raw_result (JsonArray   *results,
            guint        i,
            const char **status,
            const char **body)
{
  JsonArray *result = json_array_get_array_element (results, i);

  g_assert_nonnull (result);
  g_assert_cmpuint (json_array_get_length (result), ==, 2);
  *status = json_array_get_string_element (result, 0);
  *body = json_array_get_string_element (result, 1);
  g_assert_nonnull (*status);
  g_assert_nonnull (*body);
}

static void
test_malformed_and_slow (void)
{
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *results;
  const char *status, *body;

  if (!ready ())
    return;
  if (python_path == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  script = tc_make_file (tmpdir, "raw-client.py", raw_client);
  g_assert_cmpint (run_sandboxed (&out, POLICY ("--http-allow", "GET */ok/*",
                                                 "--net-allow", "127.0.0.1:80"),
                                  COMMAND (python_path, script)), ==, 0);
  g_test_message ("%s", out);
  json = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json));
  results = json_node_get_array (json);
  g_assert_cmpuint (json_array_get_length (results), ==, 4);

  /* Garbage: 400. */
  raw_result (results, 0, &status, &body);
  g_assert_nonnull (strstr (status, " 400 "));
  /* A negative length: the proxy frames what it forwards itself, so
   * nothing odd reaches the server (a request without a body); or the
   * proxy refuses it. */
  raw_result (results, 1, &status, &body);
  if (g_str_equal (status, "HTTP/1.1 200 OK"))
    g_assert_cmpstr (body, ==, "upstream GET /ok/x host=localhost body=0\n");
  else
    g_assert_true (g_str_has_prefix (status, "HTTP/1.1 4") || g_str_has_prefix (status, "HTTP/1.0 4"));
  /* Both the quick client and the one that hung half-way get their
   * answers from the server. */
  raw_result (results, 2, &status, &body);
  g_assert_cmpstr (status, ==, "HTTP/1.1 200 OK");
  g_assert_cmpstr (body, ==, "upstream GET /ok/fast host=localhost body=0\n");
  raw_result (results, 3, &status, &body);
  g_assert_cmpstr (status, ==, "HTTP/1.1 200 OK");
  g_assert_cmpstr (body, ==, "upstream GET /ok/slow host=localhost body=0\n");
}

/* Request bodies are bounded (the proxy reads them whole): a declared
 * length over the bound gets 413 at once; a chunked body that grows past
 * it loses its connection. */
static const char big_body_client[] =
  "import socket\n"
  "s = socket.create_connection(('127.0.0.1', 80), timeout=20)\n"
  "s.sendall(b'POST /ok/x HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: 100000000\\r\\n\\r\\n')\n"
  "print(s.recv(200).split(b'\\r\\n')[0].decode())\n"
  "s = socket.create_connection(('127.0.0.1', 80), timeout=20)\n"
  "s.sendall(b'POST /ok/x HTTP/1.1\\r\\nHost: localhost\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n')\n"
  "chunk = b'100000\\r\\n' + b'x' * 0x100000 + b'\\r\\n'\n"
  "try:\n"
  "    for i in range(100):\n"
  "        s.sendall(chunk)\n"
  "    s.sendall(b'0\\r\\n\\r\\n')\n"
  "    print('answered' if s.recv(200) else 'closed')\n"
  "except (BrokenPipeError, ConnectionResetError):\n"
  "    print('closed')\n";

static void
test_request_body_bound (void)
{
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;

  if (!ready ())
    return;
  if (python_path == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  script = tc_make_file (tmpdir, "big-body.py", big_body_client);
  g_assert_cmpint (run_sandboxed (&out, POLICY ("--http-allow", "* */ok/*",
                                                 "--net-allow", "127.0.0.1:80"),
                                  COMMAND (python_path, script)), ==, 0);
  g_assert_cmpstr (out, ==, "HTTP/1.1 413 Request Entity Too Large\nclosed\n");
}

/* Ports listening in our network namespace (/proc/net/tcp and tcp6); an
 * IPv6 one has 0x10000 added. */
static GHashTable *
listening_ports (void)
{
  GHashTable *ports = g_hash_table_new (NULL, NULL);
  const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (files[f], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();
          const char *colon;

          for (guint k = 0; fields[k] != NULL; k++)
            if (fields[k][0] != '\0')
              g_ptr_array_add (words, fields[k]);
          if (words->len < 4 || !g_str_equal (words->pdata[3], "0A") ||
              (colon = strrchr (words->pdata[1], ':')) == NULL)
            continue;
          g_hash_table_add (ports, GUINT_TO_POINTER (strtoul (colon + 1, NULL, 16) | (f << 16)));
        }
    }
  return ports;
}

typedef struct {
  GHashTable *before;
  GHashTable *added;   /* listening on 127.0.0.1 since @before */
} NewListeners;

static gboolean
has_new_listener (gpointer data)
{
  NewListeners *listeners = data;
  g_autoptr(GHashTable) now = listening_ports ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_remove_all (listeners->added);
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (listeners->before, key) && GPOINTER_TO_UINT (key) < 0x10000)
      g_hash_table_add (listeners->added, key);
  return g_hash_table_size (listeners->added) > 0;
}

/* In the child, before exec: it goes when the test does, however the
 * test ends (a failed assertion aborts, past any clean-up of ours). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The proxy answers only connections the supervisor sent it: anyone else
 * reaching its port (another process, another sandbox) gets nothing, not
 * the sandbox's rules applied to a destination of their choosing. */
static void
test_proxy_refuses_strangers (void)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) added = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { tc_cli (), "run", "-r", "/usr", "-r", "/lib", "-r", "/bin",
                         "--http-allow", "GET localhost/ok/*", "--", "/bin/sleep", "30", NULL };
  NewListeners listeners;
  GHashTableIter iter;
  gpointer key;
  guint port;
  guint seen;
  GPid pid;
  int status;

  if (!ready ())
    return;
  before = listening_ports ();
  listeners = (NewListeners) { before, added };
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                die_with_parent, NULL, &pid, &error));
  g_assert_no_error (error);
  /* The proxy's port: the one new listener on 127.0.0.1 (nothing else of
   * this test's runs now). */
  g_assert_true (tc_wait_until (has_new_listener, &listeners, 10));
  g_assert_cmpuint (g_hash_table_size (added), ==, 1);
  g_hash_table_iter_init (&iter, added);
  g_assert_true (g_hash_table_iter_next (&iter, &key, NULL));
  port = GPOINTER_TO_UINT (key);

  seen = requests_seen ();
  {
    static const char request[] = "GET /ok/x HTTP/1.1\r\nHost: localhost\r\n\r\n";
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                                .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    struct timeval timeout = { .tv_sec = 5 };
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    char answer[256];
    ssize_t n;

    g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
    g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), ==, 0);
    g_assert_cmpint (write (fd, request, strlen (request)), ==, (ssize_t) strlen (request));
    /* Closed unanswered (0), or reset: never an HTTP answer, and not
     * left hanging either (a timeout is EAGAIN). */
    n = read (fd, answer, sizeof answer);
    if (n < 0)
      g_assert_cmpint (errno, ==, ECONNRESET);
    else
      g_assert_cmpint (n, ==, 0);
    close (fd);
  }
  g_assert_cmpuint (requests_seen (), ==, seen);

  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
}

/* The HTTP ports a rule host is opened on are for TCP through the proxy
 * alone: with UDP allowed, datagrams there (HTTP/3 over QUIC) would pass
 * the rules by. A connect() or a sendto() of a UDP socket to them is
 * refused; to another allowed port it goes. */
static const char datagram_client[] =
  "import socket, sys\n"
  "def try_(f):\n"
  "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "    try:\n"
  "        f(s); return 'ok'\n"
  "    except OSError as e:\n"
  "        return str(e.errno)\n"
  "    finally:\n"
  "        s.close()\n"
  "print(try_(lambda s: s.connect(('127.0.0.1', 80))),\n"
  "      try_(lambda s: s.sendto(b'x', ('127.0.0.1', 80))),\n"
  "      try_(lambda s: s.sendmsg([b'x'], [], 0, ('127.0.0.1', 80))),\n"
  "      try_(lambda s: s.sendto(b'x', ('127.0.0.1', 5353))))\n";

static void
test_datagrams_refused (void)
{
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%d %d %d ok", EACCES, EACCES, EACCES);

  if (!ready ())
    return;
  if (python_path == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  script = tc_make_file (tmpdir, "datagram-client.py", datagram_client);
  g_assert_cmpint (run_sandboxed (&out, POLICY ("--http-allow", "GET 127.0.0.1/ok/*",
                                                 "--allow-udp", "--net-allow", "127.0.0.1:5353"),
                                  COMMAND (python_path, script)), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, expected);
}

static void
test_bad_rules (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--http-allow", "GET", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "GET"));
  g_clear_pointer (&err, g_free);
  /* Half a CA. */
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "--http-allow", "GET localhost/*",
                                "--https-ca", "/etc/hostname", "--", "true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "https_key"));
}

int
main (int    argc,
      char **argv)
{
  private_network_problem = enter_private_network ();
  g_test_init (&argc, &argv, NULL);

  tmpdir = tc_make_tmpdir ();
  curl_path = g_find_program_in_path ("curl");
  python_path = g_find_program_in_path ("python3");
  if (private_network_problem == NULL)
    private_network_problem = start_servers ();

  g_test_add_func ("/http/allowed-path", test_allowed_path);
  g_test_add_func ("/http/other-path-method-port", test_other_path_method_port);
  g_test_add_func ("/http/post-body", test_post_body);
  g_test_add_func ("/http/deny-beats-allow", test_deny_beats_allow);
  g_test_add_func ("/http/spellings", test_spellings);
  g_test_add_func ("/http/host-header", test_host_header);
  g_test_add_func ("/http/https-intercepted", test_https_intercepted);
  g_test_add_func ("/http/https-server-name", test_https_server_name);
  g_test_add_func ("/http/https-not-intercepted", test_https_not_intercepted);
  g_test_add_func ("/http/keep-alive", test_keep_alive);
  g_test_add_func ("/http/big-response", test_big_response);
  g_test_add_func ("/http/events", test_events);
  g_test_add_func ("/http/malformed-and-slow", test_malformed_and_slow);
  g_test_add_func ("/http/request-body-bound", test_request_body_bound);
  g_test_add_func ("/http/proxy-refuses-strangers", test_proxy_refuses_strangers);
  g_test_add_func ("/http/datagrams-refused", test_datagrams_refused);
  g_test_add_func ("/http/bad-rules", test_bad_rules);
  return g_test_run ();
}
