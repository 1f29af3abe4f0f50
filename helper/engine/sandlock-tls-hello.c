/* SPDX-License-Identifier: Apache-2.0 */
/* A ClientHello's server_name extension (RFC 8446 4.1.2, RFC 6066 3). */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock-tls-hello.h"

#define RECORD_HANDSHAKE     0x16
#define HANDSHAKE_HELLO      0x01
#define EXTENSION_SNI        0x0000
#define SNI_HOST_NAME        0x00
/* A ClientHello is far smaller; past this we stop waiting for it. */
#define MAX_HELLO            (64 * 1024)

/* A cursor over bytes that cannot be read past their end. */
typedef struct {
  const guint8 *data;
  gsize         left;
} Reader;

static gboolean
skip (Reader *r,
      gsize   n)
{
  if (r->left < n)
    return FALSE;
  r->data += n;
  r->left -= n;
  return TRUE;
}

static gboolean
read_u8 (Reader *r,
         guint  *value)
{
  if (r->left < 1)
    return FALSE;
  *value = r->data[0];
  return skip (r, 1);
}

static gboolean
read_u16 (Reader *r,
          guint  *value)
{
  if (r->left < 2)
    return FALSE;
  *value = (r->data[0] << 8) | r->data[1];
  return skip (r, 2);
}

/* A sub-reader over the next @n bytes, which @r skips. */
static gboolean
read_block (Reader *r,
            gsize   n,
            Reader *block)
{
  block->data = r->data;
  block->left = n;
  return skip (r, n);
}

static char *
host_name (Reader *name)
{
  g_autofree char *text = NULL;

  if (name->left == 0 || name->left > 253)
    return NULL;
  for (gsize i = 0; i < name->left; i++)
    if (!g_ascii_isalnum (name->data[i]) && name->data[i] != '.' && name->data[i] != '-' &&
        name->data[i] != '_')
      return NULL;
  text = g_strndup ((const char *) name->data, name->left);
  return g_ascii_strdown (text, -1);
}

static char *
find_server_name (Reader *hello)
{
  Reader extensions;
  guint n;

  /* version, random, session id, cipher suites, compression methods */
  if (!skip (hello, 2 + 32) ||
      !read_u8 (hello, &n) || !skip (hello, n) ||
      !read_u16 (hello, &n) || !skip (hello, n) ||
      !read_u8 (hello, &n) || !skip (hello, n) ||
      !read_u16 (hello, &n) || !read_block (hello, n, &extensions))
    return NULL;

  while (extensions.left > 0)
    {
      Reader body, list;
      guint type, length;

      if (!read_u16 (&extensions, &type) || !read_u16 (&extensions, &length) ||
          !read_block (&extensions, length, &body))
        return NULL;
      if (type != EXTENSION_SNI)
        continue;
      if (!read_u16 (&body, &length) || !read_block (&body, length, &list))
        return NULL;
      while (list.left > 0)
        {
          Reader name;
          guint kind;

          if (!read_u8 (&list, &kind) || !read_u16 (&list, &length) ||
              !read_block (&list, length, &name))
            return NULL;
          if (kind == SNI_HOST_NAME)
            return host_name (&name);
        }
      return NULL;
    }
  return NULL;
}

char *
sandlock_tls_hello_server_name (const guint8 *data,
                                gsize         length,
                                gboolean     *complete)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();
  Reader stream = { data, length };
  gsize needed = 4;   /* the handshake header, then the whole message */

  *complete = TRUE;
  /* The handshake message, gathered from as many records as it spans. */
  while (message->len < needed)
    {
      Reader fragment;
      guint type, major, record_length;

      if (stream.left < 5)
        {
          *complete = length >= MAX_HELLO;
          return NULL;
        }
      read_u8 (&stream, &type);
      read_u8 (&stream, &major);
      skip (&stream, 1);
      read_u16 (&stream, &record_length);
      if (type != RECORD_HANDSHAKE || major != 3)
        return NULL;
      if (!read_block (&stream, record_length, &fragment))
        {
          *complete = length >= MAX_HELLO;
          return NULL;
        }
      g_byte_array_append (message, fragment.data, fragment.left);
      if (message->len >= 4 && needed == 4)
        {
          if (message->data[0] != HANDSHAKE_HELLO)
            return NULL;
          needed = 4 + ((gsize) message->data[1] << 16 | message->data[2] << 8 | message->data[3]);
        }
    }

  {
    Reader hello = { message->data + 4, needed - 4 };
    return find_server_name (&hello);
  }
}
