/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP ACL's transparent proxy (see sandlock-http-proxy.h).
 *
 * Who is who: the supervisor binds the program's socket before it
 * connects it here, and records its source address with the destination
 * the program asked for. The proxy serves only connections it was told
 * about, so neither another process nor the sandbox itself (connecting to
 * the proxy's port directly) gets a request through on somebody else's
 * destination.
 *
 * What is checked, per request: the Host header names the destination the
 * program connected to (an IP literal equal to it, a name pinned to it at
 * start, or else a name that resolves to it now), so no Host spelling
 * reaches a rule meant for another server; then the rules, on the
 * normalized path. Allowed requests go to that destination and nowhere
 * else (the upstream session connects to the address, not to the name).
 *
 * With a CA, port 443 is intercepted too: TLS is terminated with a leaf
 * certificate for the name the client asks for (SNI, read from its
 * ClientHello before the handshake), or else for the names pinned to the
 * destination; the upstream connection is TLS again, verified against the
 * system's trust store or the user's CA. Which name the certificate holds
 * decides nothing: the Host check and the rules do.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <libsoup/soup.h>

#include "sandlock-cert-mint.h"
#include "sandlock-fd.h"
#include "sandlock-http-proxy.h"
#include "sandlock-http-rules.h"
#include "sandlock-tls-hello.h"

#define HTTPS_PORT        443
/* A response body is read from upstream only while less than this waits
 * for a slow client: the proxy's memory stays bounded. */
#define BODY_HIGH_WATER   (1024 * 1024)
#define BODY_CHUNK        (64 * 1024)
/* The server reads a request body whole before the rules see it: a bound,
 * or a program could fill the supervisor's (the helper's) memory. */
#define MAX_REQUEST_BODY  (64 * 1024 * 1024)
/* A connect the proxy never saw (the program gave up) is forgotten. */
#define EXPECTED_TTL_US   (60 * G_USEC_PER_SEC)

/* A connection the supervisor sent here, by the program's source address. */
typedef struct {
  GInetSocketAddress *destination;
  pid_t               pid;
  gboolean            tls;
  gint64              since;
} Expected;

/* One accepted connection, while the server holds it. */
typedef struct {
  SandlockHttpProxy  *proxy;
  char               *key;          /* source "address port" */
  GInetSocketAddress *destination;
  char               *address;      /* destination's address as text */
  guint16             port;
  pid_t               pid;
  gboolean            tls;
  GObject            *stream;       /* the server's, watched */
} Connection;

struct _SandlockHttpProxy {
  SandlockHttpRules  *rules;
  SandlockCertMint   *mint;         /* NULL: 443 is not intercepted */
  SandlockNetAllow   *net_allow;    /* not ours */
  GArray             *ports;        /* guint16, http_ports */

  GMainContext       *context;
  GMainLoop          *loop;
  GThread            *thread;
  SoupServer         *server;
  GSocketListener    *listener;
  GCancellable       *cancellable;
  guint16             port4;        /* 0: not listening on 127.0.0.1 */
  guint16             port6;        /* 0: not listening on ::1 */

  GMutex              lock;         /* expected */
  GHashTable         *expected;     /* key -> Expected */

  /* The proxy thread's alone. */
  GHashTable         *connections;  /* key -> Connection */
  GHashTable         *sessions;     /* "address port tls" -> SoupSession */
  GResolver          *resolver;

  GAsyncQueue        *events;       /* SandlockHttpEvent */
  int                 event_fd;
};

void
sandlock_http_event_free (SandlockHttpEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->detail);
  g_free (event->rule);
  g_free (event);
}

static void
expected_free (gpointer data)
{
  Expected *expected = data;

  g_clear_object (&expected->destination);
  g_free (expected);
}

static void
connection_free (gpointer data)
{
  Connection *connection = data;

  g_free (connection->key);
  g_free (connection->address);
  g_clear_object (&connection->destination);
  g_free (connection);
}

/* "127.0.0.1 41234": how both sides name a source address. IPv4-mapped
 * IPv6 addresses are written as IPv4, as the proxy's sockets see them. */
static char *
address_key (const struct sockaddr *addr)
{
  char text[INET6_ADDRSTRLEN] = "";
  guint16 port = 0;

  if (addr->sa_family == AF_INET)
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) addr;
      inet_ntop (AF_INET, &in->sin_addr, text, sizeof text);
      port = g_ntohs (in->sin_port);
    }
  else if (addr->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) addr;
      if (IN6_IS_ADDR_V4MAPPED (&in6->sin6_addr))
        inet_ntop (AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
      else
        inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = g_ntohs (in6->sin6_port);
    }
  return g_strdup_printf ("%s %u", text, port);
}

static char *
socket_address_key (GSocketAddress *address)
{
  struct sockaddr_storage storage;

  if (!g_socket_address_to_native (address, &storage, sizeof storage, NULL))
    return NULL;
  return address_key ((struct sockaddr *) &storage);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                   */
/* ------------------------------------------------------------------------ */

static void
report (SandlockHttpProxy *proxy,
        Connection        *connection,
        const char        *method,
        const char        *host,
        const char        *path,
        gboolean           allowed,
        const char        *rule)
{
  SandlockHttpEvent *event = g_new0 (SandlockHttpEvent, 1);
  gboolean v6 = strchr (host, ':') != NULL;
  guint16 usual = connection->tls ? 443 : 80;
  g_autofree char *port = connection->port != usual ? g_strdup_printf (":%u", connection->port)
                                                    : g_strdup ("");
  guint64 one = 1;

  event->pid = connection->pid;
  event->detail = g_strdup_printf ("%s %s://%s%s%s%s%s", method,
                                   connection->tls ? "https" : "http",
                                   v6 ? "[" : "", host, v6 ? "]" : "", port, path);
  event->verdict = allowed ? SANDLOCK_VERDICT_ALLOW : SANDLOCK_VERDICT_DENY;
  event->error = allowed ? 0 : EACCES;
  event->rule = g_strdup (rule);
  g_async_queue_push (proxy->events, event);
  if (write (proxy->event_fd, &one, sizeof one) != sizeof one)
    g_debug ("http proxy: cannot wake the supervisor: %s", g_strerror (errno));
}

int
sandlock_http_proxy_get_event_fd (SandlockHttpProxy *proxy)
{
  return proxy->event_fd;
}

SandlockHttpEvent *
sandlock_http_proxy_pop_event (SandlockHttpProxy *proxy)
{
  guint64 count;

  /* Drain the counter first: an event pushed after this is told again. */
  if (read (proxy->event_fd, &count, sizeof count) < 0 && errno != EAGAIN)
    g_debug ("http proxy: %s", g_strerror (errno));
  return g_async_queue_try_pop (proxy->events);
}

/* ------------------------------------------------------------------------ */
/* Answers of our own                                                       */
/* ------------------------------------------------------------------------ */

static void
answer (SoupServerMessage *msg,
        guint              status,
        const char        *format,
        ...) G_GNUC_PRINTF (3, 4);

static void
answer (SoupServerMessage *msg,
        guint              status,
        const char        *format,
        ...)
{
  g_autofree char *body = NULL;
  va_list args;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

/* ------------------------------------------------------------------------ */
/* Forwarding                                                               */
/* ------------------------------------------------------------------------ */

/* Headers that belong to one hop, not to the request or response. */
static gboolean
is_hop_header (const char *name)
{
  static const char * const hop[] = {
    "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
    "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    "Host", "Content-Length",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (hop); i++)
    if (g_ascii_strcasecmp (name, hop[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_headers (SoupMessageHeaders *from,
              SoupMessageHeaders *to)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  const char *listed = soup_message_headers_get_list (from, "Connection");

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      /* And the ones Connection names as such. */
      if (is_hop_header (name) ||
          (listed != NULL && soup_header_contains (listed, name)))
        continue;
      soup_message_headers_append (to, name, value);
    }
}

static SoupSession *
upstream_session (SandlockHttpProxy *proxy,
                  Connection        *connection)
{
  g_autofree char *key = g_strdup_printf ("%s %u %d", connection->address, connection->port,
                                          connection->tls);
  SoupSession *session = g_hash_table_lookup (proxy->sessions, key);

  if (session != NULL)
    return session;

  /* To the destination's address whatever the URI's host says; no
   * environment proxy; nothing added to or taken from the messages. */
  session = soup_session_new_with_options ("remote-connectable", connection->destination,
                                           "proxy-resolver", NULL,
                                           "timeout", 120,
                                           "idle-timeout", 60,
                                           NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);
  g_hash_table_insert (proxy->sessions, g_steal_pointer (&key), session);
  return session;
}

/* One request on its way: the program's message and ours upstream. */
typedef struct {
  SandlockHttpProxy *proxy;
  SoupServerMessage *msg;            /* NULL once the client is gone */
  SoupMessage       *upstream;
  GInputStream      *body;
  GCancellable      *cancellable;
  char              *host;
  guint16            port;
  guint64            appended;
  guint64            written;
  gboolean           reading;
  gboolean           done;
  gulong             finished_id;
  gulong             wrote_id;
} Forward;

static void
forward_free (Forward *forward)
{
  if (forward->msg != NULL)
    {
      g_clear_signal_handler (&forward->finished_id, forward->msg);
      g_clear_signal_handler (&forward->wrote_id, forward->msg);
      g_object_unref (forward->msg);
    }
  g_clear_object (&forward->upstream);
  g_clear_object (&forward->body);
  g_clear_object (&forward->cancellable);
  g_free (forward->host);
  g_free (forward);
}

static void read_more (Forward *forward);

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Forward *forward = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  SoupMessageBody *body;

  forward->reading = FALSE;
  if (forward->msg == NULL)
    {
      forward_free (forward);   /* the client left */
      return;
    }

  body = soup_server_message_get_response_body (forward->msg);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      /* The end, or upstream broke off: what came is what the client gets. */
      if (error != NULL)
        g_debug ("http proxy: upstream body: %s", error->message);
      soup_message_body_complete (body);
      forward->done = TRUE;
      soup_server_message_unpause (forward->msg);
      return;   /* freed when the message finishes */
    }

  forward->appended += g_bytes_get_size (bytes);
  soup_message_body_append_bytes (body, bytes);
  soup_server_message_unpause (forward->msg);
  read_more (forward);
}

static void
read_more (Forward *forward)
{
  if (forward->reading || forward->done ||
      forward->appended - forward->written >= BODY_HIGH_WATER)
    return;
  forward->reading = TRUE;
  g_input_stream_read_bytes_async (forward->body, BODY_CHUNK, G_PRIORITY_DEFAULT,
                                   forward->cancellable, on_body_read, forward);
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              size,
                    gpointer           data)
{
  Forward *forward = data;

  forward->written += size;
  read_more (forward);
}

static void
on_finished (SoupServerMessage *msg,
             gpointer           data)
{
  Forward *forward = data;

  g_cancellable_cancel (forward->cancellable);
  g_clear_signal_handler (&forward->finished_id, forward->msg);
  g_clear_signal_handler (&forward->wrote_id, forward->msg);
  g_clear_object (&forward->msg);
  if (!forward->reading)
    forward_free (forward);   /* else the read callback frees it */
}

static void
on_upstream_sent (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Forward *forward = data;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  SoupMessageHeaders *upstream_headers;

  forward->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  forward->reading = FALSE;
  if (forward->msg == NULL)
    {
      forward_free (forward);
      return;
    }
  if (forward->body == NULL)
    {
      answer (forward->msg, SOUP_STATUS_BAD_GATEWAY,
              "sandlock: cannot reach %s: %s\n", forward->host, error->message);
      forward->done = TRUE;
      soup_server_message_unpause (forward->msg);
      return;
    }

  headers = soup_server_message_get_response_headers (forward->msg);
  upstream_headers = soup_message_get_response_headers (forward->upstream);
  soup_server_message_set_status (forward->msg, soup_message_get_status (forward->upstream),
                                  soup_message_get_reason_phrase (forward->upstream));
  copy_headers (upstream_headers, headers);
  /* The server adds a Date of its own: one is enough, the origin's. */
  if (soup_message_headers_get_one (upstream_headers, "Date") != NULL)
    soup_message_headers_replace (headers, "Date",
                                  soup_message_headers_get_one (upstream_headers, "Date"));
  if (soup_message_headers_get_encoding (upstream_headers) == SOUP_ENCODING_CONTENT_LENGTH)
    soup_message_headers_set_content_length (headers,
                                             soup_message_headers_get_content_length (upstream_headers));
  else if (soup_server_message_get_http_version (forward->msg) == SOUP_HTTP_1_0)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_EOF);
  else
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);

  forward->wrote_id = g_signal_connect (forward->msg, "wrote-body-data",
                                        G_CALLBACK (on_wrote_body_data), forward);
  soup_server_message_unpause (forward->msg);
  read_more (forward);
}

/* Upstream certificates: the system's trust store decided already; a
 * server certified by the user's own CA is accepted too. */
static gboolean
on_accept_certificate (SoupMessage          *upstream,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              data)
{
  Forward *forward = data;
  g_autoptr(GSocketConnectable) identity = g_network_address_new (forward->host, forward->port);
  g_autoptr(GTlsCertificate) ca = NULL;

  if (forward->proxy->mint == NULL)
    return FALSE;
  ca = sandlock_cert_mint_get_ca (forward->proxy->mint);
  return g_tls_certificate_verify (certificate, identity, ca) == 0;
}

static void
forward_request (SandlockHttpProxy *proxy,
                 Connection        *connection,
                 SoupServerMessage *msg,
                 const char        *host)
{
  GUri *request_uri = soup_server_message_get_uri (msg);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  Forward *forward;

  uri = g_uri_build (G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY,
                     connection->tls ? "https" : "http", NULL, host, connection->port,
                     g_uri_get_path (request_uri), g_uri_get_query (request_uri), NULL);

  forward = g_new0 (Forward, 1);
  forward->proxy = proxy;
  forward->msg = g_object_ref (msg);
  forward->host = g_strdup (host);
  forward->port = connection->port;
  forward->cancellable = g_cancellable_new ();
  forward->upstream = soup_message_new_from_uri (soup_server_message_get_method (msg), uri);
  soup_message_add_flags (forward->upstream, SOUP_MESSAGE_NO_REDIRECT);
  copy_headers (soup_server_message_get_request_headers (msg),
                soup_message_get_request_headers (forward->upstream));
  body = soup_message_body_flatten (request_body);
  if (g_bytes_get_size (body) > 0)
    soup_message_set_request_body_from_bytes (
      forward->upstream,
      soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL),
      body);
  if (connection->tls)
    g_signal_connect (forward->upstream, "accept-certificate",
                      G_CALLBACK (on_accept_certificate), forward);

  forward->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_finished), forward);
  soup_server_message_pause (msg);
  forward->reading = TRUE;   /* until sent: on_finished leaves it to us */
  soup_session_send_async (upstream_session (proxy, connection), forward->upstream,
                           G_PRIORITY_DEFAULT, forward->cancellable, on_upstream_sent, forward);
}

/* ------------------------------------------------------------------------ */
/* Checking a request                                                       */
/* ------------------------------------------------------------------------ */

/* The name in a Host header: no port, no brackets, lower case; NULL when
 * it is not one. */
static char *
host_name (const char *header)
{
  g_autofree char *host = NULL;
  const char *end;

  if (header[0] == '[')
    {
      end = strchr (header, ']');
      if (end == NULL || (end[1] != '\0' && end[1] != ':'))
        return NULL;
      host = g_strndup (header + 1, end - header - 1);
    }
  else
    {
      end = strchr (header, ':');
      host = end != NULL ? g_strndup (header, end - header) : g_strdup (header);
    }
  if (host[0] == '\0')
    return NULL;
  for (char *c = host; *c != '\0'; c++)
    if (g_ascii_iscntrl (*c) || *c == ' ' || *c == '/' || *c == '@')
      return NULL;
  /* "example.org." is example.org. */
  if (g_str_has_suffix (host, ".") && strlen (host) > 1)
    host[strlen (host) - 1] = '\0';
  return g_ascii_strdown (host, -1);
}

/* A request waiting for the Host name to be resolved. */
typedef struct {
  SandlockHttpProxy *proxy;
  SoupServerMessage *msg;
  char              *key;
  char              *host;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->msg);
  g_free (pending->key);
  g_free (pending->host);
  g_free (pending);
}

static void decide (SandlockHttpProxy *proxy,
                    Connection        *connection,
                    SoupServerMessage *msg,
                    const char        *host);

static void
deny_host (SandlockHttpProxy *proxy,
           Connection        *connection,
           SoupServerMessage *msg,
           const char        *host)
{
  const char *rule = "Host header does not name the destination";
  const char *method = soup_server_message_get_method (msg);

  report (proxy, connection, method, host, g_uri_get_path (soup_server_message_get_uri (msg)),
          FALSE, rule);
  answer (msg, SOUP_STATUS_FORBIDDEN,
          "Forbidden by sandlock: %s is not %s, where this connection goes (%s).\n",
          host, connection->address, rule);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Pending *pending = data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  Connection *connection = g_hash_table_lookup (pending->proxy->connections, pending->key);
  gboolean matches = FALSE;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);
      matches |= connection != NULL && g_str_equal (text, connection->address);
    }
  g_resolver_free_addresses (addresses);

  /* First: deciding may pause it again, to forward it. */
  soup_server_message_unpause (pending->msg);
  if (connection == NULL)
    ;   /* the client left meanwhile */
  else if (matches)
    decide (pending->proxy, connection, pending->msg, pending->host);
  else
    deny_host (pending->proxy, connection, pending->msg, pending->host);
  pending_free (pending);
}

/* The rules, once the host is known to be the destination. */
static void
decide (SandlockHttpProxy *proxy,
        Connection        *connection,
        SoupServerMessage *msg,
        const char        *host)
{
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *rule = NULL;
  SandlockHttpVerdict verdict;

  if (path == NULL || path[0] != '/')
    path = "/";
  verdict = sandlock_http_rules_check (proxy->rules, method, host, path, &rule);
  report (proxy, connection, method, host, path, verdict == SANDLOCK_HTTP_ALLOW, rule);
  if (verdict == SANDLOCK_HTTP_INVALID)
    answer (msg, SOUP_STATUS_BAD_REQUEST, "Refused by sandlock: %s\n", rule);
  else if (verdict == SANDLOCK_HTTP_DENY)
    answer (msg, SOUP_STATUS_FORBIDDEN, "Forbidden by sandlock: %s\n", rule);
  else
    forward_request (proxy, connection, msg, host);
}

static gboolean
is_literal (const char *host,
            const char *address)
{
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (host);
  g_autoptr(GInetAddress) destination = g_inet_address_new_from_string (address);

  return literal != NULL && destination != NULL && g_inet_address_equal (literal, destination);
}

/* Answers 413 on a connection taken from the server, and closes it: the
 * server would read (and drop) the whole body first. */
static void
refuse_body (SoupServerMessage *msg)
{
  g_autofree char *body = g_strdup_printf ("Refused by sandlock: request bodies are limited "
                                           "to %d MiB\n", MAX_REQUEST_BODY / (1024 * 1024));
  g_autofree char *reply = g_strdup_printf ("HTTP/1.1 413 Request Entity Too Large\r\n"
                                            "Connection: close\r\nContent-Type: text/plain\r\n"
                                            "Content-Length: %zu\r\n\r\n%s",
                                            strlen (body), body);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  GOutputStream *out = stream ? g_io_stream_get_output_stream (stream) : NULL;

  if (out != NULL && G_IS_POLLABLE_OUTPUT_STREAM (out))
    g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out), reply,
                                                strlen (reply), NULL, NULL);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

/* A chunked body is counted as it comes. */
static void
on_request_chunk (SoupServerMessage *msg,
                  GBytes            *chunk,
                  gpointer           data)
{
  gsize *received = g_object_get_data (G_OBJECT (msg), "sandlock-received");

  *received += g_bytes_get_size (chunk);
  if (*received > MAX_REQUEST_BODY)
    {
      g_signal_handlers_disconnect_by_func (msg, on_request_chunk, data);
      refuse_body (msg);
    }
}

/* After the headers, before the body. */
static void
on_request_headers (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if (soup_message_headers_get_content_length (headers) > MAX_REQUEST_BODY)
        refuse_body (msg);
      break;
    case SOUP_ENCODING_CHUNKED:
      g_object_set_data_full (G_OBJECT (msg), "sandlock-received", g_new0 (gsize, 1), g_free);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_request_chunk), data);
      break;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_NONE:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_BYTERANGES:
    default:
      break;
    }
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  SandlockHttpProxy *proxy = data;
  g_autofree char *key = socket_address_key (soup_server_message_get_remote_address (msg));
  Connection *connection = key ? g_hash_table_lookup (proxy->connections, key) : NULL;
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Host");
  const char *uri_host = g_uri_get_host (soup_server_message_get_uri (msg));
  g_autofree char *host = NULL;
  g_autofree char *uri_name = NULL;

  if (connection == NULL)
    {
      answer (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "sandlock: unknown connection\n");
      return;
    }
  if (g_ascii_strcasecmp (soup_server_message_get_method (msg), "CONNECT") == 0)
    {
      report (proxy, connection, "CONNECT", connection->address, "", FALSE,
              "CONNECT is not proxied");
      answer (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "sandlock: CONNECT is not proxied\n");
      return;
    }

  /* HTTP/1.0 may say no Host: then it is the address it connected to. */
  if (header == NULL && soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    host = g_strdup (connection->address);
  else if (header != NULL)
    host = host_name (header);
  /* An absolute request target must name the same host. */
  if (header != NULL && uri_host != NULL)
    uri_name = host_name (uri_host);
  if (host == NULL ||
      (uri_name != NULL && !g_str_equal (uri_name, host) && !is_literal (uri_name, host)))
    {
      report (proxy, connection, soup_server_message_get_method (msg),
              header ? header : "(no host)", path ? path : "", FALSE, "bad Host header");
      answer (msg, SOUP_STATUS_BAD_REQUEST, "Refused by sandlock: a bad Host header\n");
      return;
    }

  if (is_literal (host, connection->address) ||
      sandlock_net_allow_is_pinned (proxy->net_allow, connection->address, host))
    {
      decide (proxy, connection, msg, host);
      return;
    }
  if (g_hostname_is_ip_address (host))
    {
      deny_host (proxy, connection, msg, host);
      return;
    }

  /* A name nobody pinned (rules with wildcard hosts): it must resolve to
   * where the connection goes. */
  {
    Pending *pending = g_new0 (Pending, 1);

    pending->proxy = proxy;
    pending->msg = g_object_ref (msg);
    pending->key = g_strdup (key);
    pending->host = g_steal_pointer (&host);
    soup_server_message_pause (msg);
    g_resolver_lookup_by_name_async (proxy->resolver, pending->host, proxy->cancellable,
                                     on_resolved, pending);
  }
}

/* ------------------------------------------------------------------------ */
/* Accepting connections                                                    */
/* ------------------------------------------------------------------------ */

static void
forget_connection (gpointer  data,
                   GObject  *stream)
{
  Connection *connection = data;
  GHashTable *connections = connection->proxy->connections;

  /* A newer connection from the same source may have taken the key. */
  if (g_hash_table_lookup (connections, connection->key) == connection)
    g_hash_table_remove (connections, connection->key);
  else
    connection_free (connection);
}

static void
forget_connections (SandlockHttpProxy *proxy)
{
  GHashTableIter iter;
  Connection *connection;

  g_hash_table_iter_init (&iter, proxy->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &connection))
    g_object_weak_unref (connection->stream, forget_connection, connection);
  g_hash_table_remove_all (proxy->connections);
}

static void
serve (SandlockHttpProxy *proxy,
       Connection        *connection,
       GIOStream         *stream,
       GSocketConnection *socket_connection)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (socket_connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (socket_connection, NULL);
  g_autoptr(GError) error = NULL;

  /* An older one of the same source is freed when its stream goes. */
  g_hash_table_steal (proxy->connections, connection->key);
  g_hash_table_insert (proxy->connections, connection->key, connection);
  connection->stream = G_OBJECT (stream);
  g_object_weak_ref (connection->stream, forget_connection, connection);
  if (!soup_server_accept_iostream (proxy->server, stream, local, remote, &error))
    g_debug ("http proxy: %s", error->message);
}

typedef struct {
  SandlockHttpProxy *proxy;
  Connection        *connection;
  GSocketConnection *socket_connection;
} Handshake;

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Handshake *handshake = data;
  g_autoptr(GError) error = NULL;

  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    serve (handshake->proxy, handshake->connection, G_IO_STREAM (source),
           handshake->socket_connection);
  else
    {
      g_debug ("http proxy: TLS handshake: %s", error->message);
      connection_free (handshake->connection);
    }
  g_object_unref (source);
  g_object_unref (handshake->socket_connection);
  g_free (handshake);
}

/* The names a leaf certificate for @connection's destination carries: the
 * one the client asked for, or every name pinned to its address and the
 * address itself. */
static GPtrArray *
certificate_names (SandlockHttpProxy *proxy,
                   Connection        *connection,
                   const char        *server_name)
{
  GPtrArray *names;

  if (server_name != NULL)
    {
      names = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (names, g_strdup (server_name));
    }
  else
    {
      names = sandlock_net_allow_pinned_names (proxy->net_allow, connection->address);
      g_ptr_array_add (names, g_strdup (connection->address));
    }
  g_ptr_array_add (names, NULL);
  return names;
}

static void
start_tls (SandlockHttpProxy *proxy,
           Connection        *connection,
           GSocketConnection *socket_connection,
           const char        *server_name)
{
  g_autoptr(GPtrArray) names = certificate_names (proxy, connection, server_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate =
    sandlock_cert_mint_get (proxy->mint, (const char * const *) names->pdata, &error);
  GIOStream *tls = NULL;
  Handshake *handshake;

  if (certificate != NULL)
    tls = g_tls_server_connection_new (G_IO_STREAM (socket_connection), certificate, &error);
  if (tls == NULL)
    {
      g_warning ("http proxy: cannot intercept TLS to %s: %s", connection->address,
                 error->message);
      connection_free (connection);
      return;
    }
  handshake = g_new0 (Handshake, 1);
  handshake->proxy = proxy;
  handshake->connection = connection;
  handshake->socket_connection = g_object_ref (socket_connection);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    proxy->cancellable, on_handshake, handshake);
}

/* Waiting for a TLS client's ClientHello, to learn the name it wants. */
typedef struct {
  SandlockHttpProxy *proxy;
  Connection        *connection;
  GSocketConnection *socket_connection;
  gint64             deadline;
} Hello;

#define HELLO_WAIT_US   (10 * G_USEC_PER_SEC)
#define HELLO_MAX       (64 * 1024)

static gboolean peek_hello (gpointer data);

static gboolean
on_hello_readable (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      data)
{
  return peek_hello (data);
}

/* Peeks (the handshake reads it all again), and waits for more when the
 * ClientHello is not all there yet. */
static gboolean
peek_hello (gpointer data)
{
  Hello *hello = data;
  GSocket *socket = g_socket_connection_get_socket (hello->socket_connection);
  g_autofree guint8 *buffer = g_malloc (HELLO_MAX);
  g_autofree char *server_name = NULL;
  gboolean complete = TRUE;
  ssize_t n = recv (g_socket_get_fd (socket), buffer, HELLO_MAX, MSG_PEEK | MSG_DONTWAIT);
  GSource *source;

  if (g_cancellable_is_cancelled (hello->proxy->cancellable))
    n = 0;   /* the proxy is stopping */
  else if (n < 0 && (errno == EAGAIN || errno == EINTR) && g_get_monotonic_time () < hello->deadline)
    {
      source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                       hello->proxy->cancellable);
      g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_hello_readable, hello, NULL);
      g_source_attach (source, hello->proxy->context);
      g_source_unref (source);
      return G_SOURCE_REMOVE;
    }
  if (n > 0)
    server_name = sandlock_tls_hello_server_name (buffer, n, &complete);
  if (n > 0 && !complete && g_get_monotonic_time () < hello->deadline)
    {
      /* Still readable: polling would spin; look again a little later. */
      source = g_timeout_source_new (20);
      g_source_set_callback (source, peek_hello, hello, NULL);
      g_source_attach (source, hello->proxy->context);
      g_source_unref (source);
      return G_SOURCE_REMOVE;
    }

  if (n > 0)
    start_tls (hello->proxy, hello->connection, hello->socket_connection, server_name);
  else
    connection_free (hello->connection);   /* gone, or silent too long */
  g_object_unref (hello->socket_connection);
  g_free (hello);
  return G_SOURCE_REMOVE;
}

static void
await_hello (SandlockHttpProxy *proxy,
             Connection        *connection,
             GSocketConnection *socket_connection)
{
  Hello *hello = g_new0 (Hello, 1);

  hello->proxy = proxy;
  hello->connection = connection;
  hello->socket_connection = g_object_ref (socket_connection);
  hello->deadline = g_get_monotonic_time () + HELLO_WAIT_US;
  peek_hello (hello);
}

static void accept_next (SandlockHttpProxy *proxy);

static void
on_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SandlockHttpProxy *proxy = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) socket_connection =
    g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  g_autoptr(GSocketAddress) remote = NULL;
  g_autofree char *key = NULL;
  Expected *expected = NULL;
  Connection *connection;

  if (socket_connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("http proxy: accept: %s", error->message);
          accept_next (proxy);
        }
      return;
    }
  accept_next (proxy);
  /* Responses go out as headers, then body pieces: no waiting for ACKs. */
  g_socket_set_option (g_socket_connection_get_socket (socket_connection), IPPROTO_TCP,
                       TCP_NODELAY, 1, NULL);

  remote = g_socket_connection_get_remote_address (socket_connection, NULL);
  key = remote ? socket_address_key (remote) : NULL;
  g_mutex_lock (&proxy->lock);
  if (key != NULL)
    {
      /* A steal frees neither: the table's own key goes here. */
      g_autofree char *stolen_key = NULL;

      g_hash_table_steal_extended (proxy->expected, key, (gpointer *) &stolen_key,
                                   (gpointer *) &expected);
    }
  g_mutex_unlock (&proxy->lock);
  if (expected == NULL)
    return;   /* not a connection the supervisor sent: closed unanswered */

  connection = g_new0 (Connection, 1);
  connection->proxy = proxy;
  connection->key = g_steal_pointer (&key);
  connection->destination = g_steal_pointer (&expected->destination);
  connection->address = g_inet_address_to_string (
    g_inet_socket_address_get_address (connection->destination));
  connection->port = g_inet_socket_address_get_port (connection->destination);
  connection->pid = expected->pid;
  connection->tls = expected->tls;
  expected_free (expected);

  if (connection->tls)
    await_hello (proxy, connection, socket_connection);
  else
    serve (proxy, connection, G_IO_STREAM (socket_connection), socket_connection);
}

static void
accept_next (SandlockHttpProxy *proxy)
{
  g_socket_listener_accept_async (proxy->listener, proxy->cancellable, on_accepted, proxy);
}

/* ------------------------------------------------------------------------ */
/* The supervisor's side                                                    */
/* ------------------------------------------------------------------------ */

static guint16
address_port (const struct sockaddr *addr)
{
  if (addr->sa_family == AF_INET)
    return g_ntohs (((const struct sockaddr_in *) addr)->sin_port);
  if (addr->sa_family == AF_INET6)
    return g_ntohs (((const struct sockaddr_in6 *) addr)->sin6_port);
  return 0;
}

gboolean
sandlock_http_proxy_intercepts (SandlockHttpProxy     *proxy,
                                const struct sockaddr *addr)
{
  guint16 port = address_port (addr);

  if (proxy == NULL || port == 0)
    return FALSE;
  if (port == HTTPS_PORT && proxy->mint != NULL)
    return TRUE;
  for (guint i = 0; i < proxy->ports->len; i++)
    if (g_array_index (proxy->ports, guint16, i) == port)
      return TRUE;
  return FALSE;
}

/* Where the program's socket of @family reaches the proxy. */
static gboolean
proxy_address (SandlockHttpProxy       *proxy,
               int                      family,
               struct sockaddr_storage *target,
               socklen_t               *length)
{
  memset (target, 0, sizeof *target);
  if (family == AF_INET && proxy->port4 != 0)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) target;
      in->sin_family = AF_INET;
      in->sin_port = g_htons (proxy->port4);
      in->sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
      *length = sizeof *in;
      return TRUE;
    }
  if (family == AF_INET6 && (proxy->port6 != 0 || proxy->port4 != 0))
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) target;
      in6->sin6_family = AF_INET6;
      if (proxy->port6 != 0)
        {
          in6->sin6_port = g_htons (proxy->port6);
          in6->sin6_addr = in6addr_loopback;
        }
      else
        {
          /* ::ffff:127.0.0.1, for a dual-stack socket. */
          in6->sin6_port = g_htons (proxy->port4);
          in6->sin6_addr.s6_addr[10] = in6->sin6_addr.s6_addr[11] = 0xff;
          in6->sin6_addr.s6_addr[12] = 127;
          in6->sin6_addr.s6_addr[15] = 1;
        }
      *length = sizeof *in6;
      return TRUE;
    }
  return FALSE;
}

static void
forget_stale (SandlockHttpProxy *proxy)
{
  GHashTableIter iter;
  Expected *expected;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, proxy->expected);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &expected))
    if (now - expected->since > EXPECTED_TTL_US)
      g_hash_table_iter_remove (&iter);
}

int
sandlock_http_proxy_redirect (SandlockHttpProxy       *proxy,
                              int                      sock,
                              const struct sockaddr   *addr,
                              pid_t                    pid,
                              struct sockaddr_storage *target,
                              socklen_t               *target_length)
{
  struct sockaddr_storage local = { 0 };
  socklen_t local_length = sizeof local;
  Expected *expected;
  GSocketAddress *destination;

  if (getsockname (sock, (struct sockaddr *) &local, &local_length) < 0)
    return errno;
  if (!proxy_address (proxy, local.ss_family, target, target_length))
    return ENETUNREACH;

  /* Bound before connecting, to know the source the proxy will see:
   * loopback, since that is where it goes. */
  if (address_port ((struct sockaddr *) &local) == 0)
    {
      struct sockaddr_storage source = *target;

      if (source.ss_family == AF_INET)
        ((struct sockaddr_in *) &source)->sin_port = 0;
      else
        ((struct sockaddr_in6 *) &source)->sin6_port = 0;
      if (bind (sock, (struct sockaddr *) &source, *target_length) < 0)
        return errno;
      local_length = sizeof local;
      if (getsockname (sock, (struct sockaddr *) &local, &local_length) < 0)
        return errno;
    }
  else
    {
      /* Bound to the any address by the program: loopback is the source. */
      struct sockaddr_storage source = *target;

      if (source.ss_family == AF_INET)
        ((struct sockaddr_in *) &source)->sin_port = ((struct sockaddr_in *) &local)->sin_port;
      else
        ((struct sockaddr_in6 *) &source)->sin6_port = ((struct sockaddr_in6 *) &local)->sin6_port;
      if ((local.ss_family == AF_INET &&
           ((struct sockaddr_in *) &local)->sin_addr.s_addr == g_htonl (INADDR_ANY)) ||
          (local.ss_family == AF_INET6 &&
           IN6_IS_ADDR_UNSPECIFIED (&((struct sockaddr_in6 *) &local)->sin6_addr)))
        local = source;
    }

  destination = g_socket_address_new_from_native ((gpointer) addr,
                                                  addr->sa_family == AF_INET
                                                  ? sizeof (struct sockaddr_in)
                                                  : sizeof (struct sockaddr_in6));
  if (destination == NULL)
    return EINVAL;
  /* ::ffff:1.2.3.4 is 1.2.3.4 upstream too. */
  if (addr->sa_family == AF_INET6 &&
      IN6_IS_ADDR_V4MAPPED (&((const struct sockaddr_in6 *) addr)->sin6_addr))
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) addr;
      struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = in6->sin6_port };

      memcpy (&in.sin_addr, &in6->sin6_addr.s6_addr[12], 4);
      g_object_unref (destination);
      destination = g_socket_address_new_from_native (&in, sizeof in);
    }

  expected = g_new0 (Expected, 1);
  expected->destination = G_INET_SOCKET_ADDRESS (destination);
  expected->pid = pid;
  expected->tls = address_port (addr) == HTTPS_PORT && proxy->mint != NULL;
  expected->since = g_get_monotonic_time ();
  g_mutex_lock (&proxy->lock);
  forget_stale (proxy);
  g_hash_table_replace (proxy->expected, address_key ((struct sockaddr *) &local), expected);
  g_mutex_unlock (&proxy->lock);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

/* libsoup keeps a connection open after a response only when the server
 * has a listener of its own; ours hand it connections instead. So it
 * gets one nobody can reach: a unix socket whose name is gone. */
static gboolean
add_unreachable_listener (SoupServer  *server,
                          GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("sandlock-proxy-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "s", NULL);
  address = g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         error);
  ok = socket != NULL &&
       g_socket_bind (socket, address, FALSE, error) &&
       g_socket_listen (socket, error) &&
       soup_server_listen_socket (server, socket, 0, error);
  unlink (path);
  rmdir (dir);
  return ok;
}

static guint16
listen_on (SandlockHttpProxy  *proxy,
           GInetAddress       *loopback,
           GError            **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  if (!g_socket_listener_add_address (proxy->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

SandlockHttpProxy *
sandlock_http_proxy_new (SandlockPolicy    *policy,
                         SandlockHttpRules *rules,
                         SandlockNetAllow  *net_allow,
                         GError           **error)
{
  g_autoptr(SandlockHttpProxy) proxy = NULL;
  g_autoptr(GInetAddress) loopback4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GError) v6_error = NULL;

  proxy = g_new0 (SandlockHttpProxy, 1);
  proxy->rules = rules;
  proxy->event_fd = -1;
  g_mutex_init (&proxy->lock);
  proxy->net_allow = net_allow;
  proxy->expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, expected_free);
  proxy->connections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, connection_free);
  proxy->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  proxy->events = g_async_queue_new_full ((GDestroyNotify) sandlock_http_event_free);
  proxy->ports = sandlock_policy_http_ports (policy);

  if (policy->https_ca != NULL)
    {
      proxy->mint = sandlock_cert_mint_new (policy->https_ca, policy->https_key, error);
      if (proxy->mint == NULL)
        return NULL;
    }

  proxy->event_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (proxy->event_fd < 0)
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the HTTP proxy: %s", g_strerror (saved));
      return NULL;
    }

  proxy->context = g_main_context_new ();
  g_main_context_push_thread_default (proxy->context);
  proxy->listener = g_socket_listener_new ();
  proxy->cancellable = g_cancellable_new ();
  proxy->resolver = g_resolver_get_default ();
  /* The server only parses and answers: we hand it each connection. */
  proxy->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_early_handler (proxy->server, NULL, on_request_headers, proxy, NULL);
  soup_server_add_handler (proxy->server, NULL, on_request, proxy, NULL);
  if (add_unreachable_listener (proxy->server, error))
    proxy->port4 = listen_on (proxy, loopback4, error);
  if (proxy->port4 != 0)
    proxy->port6 = listen_on (proxy, loopback6, &v6_error);   /* a host without IPv6 is fine */
  g_main_context_pop_thread_default (proxy->context);
  if (proxy->port4 == 0)
    {
      g_prefix_error (error, "cannot start the HTTP proxy: ");
      return NULL;
    }
  return g_steal_pointer (&proxy);
}

static gpointer
run (gpointer data)
{
  SandlockHttpProxy *proxy = data;

  g_main_context_push_thread_default (proxy->context);
  accept_next (proxy);
  g_main_loop_run (proxy->loop);
  /* Before the context goes: whatever still runs ends here. */
  g_cancellable_cancel (proxy->cancellable);
  g_socket_listener_close (proxy->listener);
  soup_server_disconnect (proxy->server);
  g_hash_table_remove_all (proxy->sessions);
  while (g_main_context_iteration (proxy->context, FALSE))
    ;
  forget_connections (proxy);
  g_main_context_pop_thread_default (proxy->context);
  return NULL;
}

gboolean
sandlock_http_proxy_start (SandlockHttpProxy  *proxy,
                           GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  proxy->loop = g_main_loop_new (proxy->context, FALSE);
  proxy->thread = g_thread_try_new ("sandlock-http", run, proxy, &local_error);
  if (proxy->thread == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot start the HTTP proxy: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
sandlock_http_proxy_free (SandlockHttpProxy *proxy)
{
  if (proxy == NULL)
    return;
  if (proxy->thread != NULL)
    {
      g_main_context_invoke (proxy->context, quit, proxy->loop);
      g_thread_join (proxy->thread);
    }
  g_clear_object (&proxy->server);
  g_clear_object (&proxy->listener);
  g_clear_object (&proxy->cancellable);
  g_clear_object (&proxy->resolver);
  g_clear_pointer (&proxy->sessions, g_hash_table_unref);
  g_clear_pointer (&proxy->connections, g_hash_table_unref);
  g_clear_pointer (&proxy->expected, g_hash_table_unref);
  g_clear_pointer (&proxy->loop, g_main_loop_unref);
  g_clear_pointer (&proxy->context, g_main_context_unref);
  g_clear_pointer (&proxy->events, g_async_queue_unref);
  g_clear_pointer (&proxy->ports, g_array_unref);
  g_clear_pointer (&proxy->rules, sandlock_http_rules_free);
  g_clear_pointer (&proxy->mint, sandlock_cert_mint_free);
  sandlock_close_fd (&proxy->event_fd);
  g_mutex_clear (&proxy->lock);
  g_free (proxy);
}
