/* SPDX-License-Identifier: Apache-2.0 */
/* The ClientHello parser, on real ClientHellos that GIO's TLS client
 * writes, and on broken ones. */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "sandlock-tls-hello.h"

/* What a GIO TLS client sends first when it connects to @name. */
static GBytes *
client_hello_for (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) ours = NULL;
  g_autoptr(GSocket) theirs = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketConnectable) identity = name ? g_network_address_new (name, 443) : NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GByteArray) hello = g_byte_array_new ();
  struct timeval timeout = { .tv_sec = 10 };
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  ours = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (ours);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  /* The handshake runs in a thread of GIO's own: block on the other end
   * until the whole first record (5 bytes of header, then its length) is
   * in, or 10 s have passed. */
  g_assert_cmpint (setsockopt (fds[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), ==, 0);
  while (hello->len < 5 || hello->len < 5 + (gsize) ((hello->data[3] << 8) | hello->data[4]))
    {
      guint8 buffer[65536];
      ssize_t n = recv (fds[1], buffer, sizeof buffer, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("no whole ClientHello after %u bytes: %s", hello->len,
                 n == 0 ? "end of stream" : g_strerror (errno));
      g_byte_array_append (hello, buffer, n);
    }
  close (fds[1]);
  g_assert_cmpuint (hello->data[0], ==, 0x16);
  g_assert_cmpuint (hello->len, ==, 5 + ((hello->data[3] << 8) | hello->data[4]));
  return g_byte_array_free_to_bytes (g_steal_pointer (&hello));
}

static char *
parse (GBytes   *bytes,
       gsize     length,
       gboolean *complete)
{
  return sandlock_tls_hello_server_name (g_bytes_get_data (bytes, NULL), length, complete);
}

static gboolean
tls_available (void)
{
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return TRUE;
  g_test_skip ("no TLS backend (glib-networking)");
  return FALSE;
}

static void
test_real_hello (void)
{
  g_autoptr(GBytes) hello = NULL;
  g_autofree char *name = NULL;
  gboolean complete = FALSE;

  if (!tls_available ())
    return;
  hello = client_hello_for ("Example.ORG");
  name = parse (hello, g_bytes_get_size (hello), &complete);
  g_assert_true (complete);
  g_assert_cmpstr (name, ==, "example.org");
}

static void
test_no_server_name (void)
{
  g_autoptr(GBytes) hello = NULL;
  g_autofree char *name = NULL;
  gboolean complete = FALSE;

  if (!tls_available ())
    return;
  /* A client told no server identity sends no server name. */
  hello = client_hello_for (NULL);
  name = parse (hello, g_bytes_get_size (hello), &complete);
  g_assert_true (complete);
  g_assert_null (name);
}

/* Every cut short of the whole asks for more; none reads past the end. */
static void
test_truncated (void)
{
  g_autoptr(GBytes) hello = NULL;

  if (!tls_available ())
    return;
  hello = client_hello_for ("example.org");
  for (gsize length = 0; length < g_bytes_get_size (hello); length++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (hello, NULL), length);
      gboolean complete = TRUE;
      g_autofree char *name = sandlock_tls_hello_server_name (copy, length, &complete);

      g_assert_null (name);
      g_assert_false (complete);
    }
}

/* The same handshake message cut into two records still names the host. */
static void
test_split_records (void)
{
  g_autoptr(GBytes) hello = NULL;
  g_autoptr(GByteArray) split = g_byte_array_new ();
  const guint8 *data;
  gsize record, half;
  g_autofree char *name = NULL;
  gboolean complete = FALSE;

  if (!tls_available ())
    return;
  hello = client_hello_for ("split.example.org");
  data = g_bytes_get_data (hello, NULL);
  record = (data[3] << 8) | data[4];
  half = record / 2;
  for (int part = 0; part < 2; part++)
    {
      gsize length = part == 0 ? half : record - half;
      guint8 header[5] = { 0x16, data[1], data[2], length >> 8, length & 0xff };

      g_byte_array_append (split, header, sizeof header);
      g_byte_array_append (split, data + 5 + (part == 0 ? 0 : half), length);
    }
  name = sandlock_tls_hello_server_name (split->data, split->len, &complete);
  g_assert_true (complete);
  g_assert_cmpstr (name, ==, "split.example.org");
}

static void
test_not_tls (void)
{
  static const char http[] = "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n";
  /* A handshake record whose message is not a ClientHello (a ServerHello). */
  static const guint8 server_hello[] = { 0x16, 3, 3, 0, 4, 0x02, 0, 0, 0 };
  /* A ClientHello whose lengths point past its end. */
  static const guint8 lying[] = { 0x16, 3, 1, 0, 8, 0x01, 0, 0, 4, 3, 3, 0xff, 0xff };
  static const struct {
    const guint8 *data;
    gsize length;
  } cases[] = {
    { (const guint8 *) http, sizeof http - 1 },
    { server_hello, sizeof server_hello },
    { lying, sizeof lying },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* FALSE before every call: each call must say it needs no more. */
      gboolean complete = FALSE;

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_null (sandlock_tls_hello_server_name (cases[i].data, cases[i].length, &complete));
      g_assert_true (complete);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls-hello/real", test_real_hello);
  g_test_add_func ("/tls-hello/no-server-name", test_no_server_name);
  g_test_add_func ("/tls-hello/truncated", test_truncated);
  g_test_add_func ("/tls-hello/split-records", test_split_records);
  g_test_add_func ("/tls-hello/not-tls", test_not_tls);
  return g_test_run ();
}
