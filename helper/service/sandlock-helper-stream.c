/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gio/gio.h>

#include "sandlock-fd.h"
#include "sandlock-helper-stream.h"

struct _SandlockHelperStream {
  int         fd;
  GByteArray *pending;
  gsize       max_pending;
  gboolean    json;
  guint64     dropped;
  guint       watch;
  gboolean    closing;
};

static void
shut (SandlockHelperStream *stream)
{
  g_clear_handle_id (&stream->watch, g_source_remove);
  sandlock_close_fd (&stream->fd);
  g_byte_array_set_size (stream->pending, 0);
}

/* Writes what the pipe takes now; FALSE once the reader is gone. */
static gboolean
flush (SandlockHelperStream *stream)
{
  while (stream->pending->len > 0)
    {
      ssize_t n = write (stream->fd, stream->pending->data, stream->pending->len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          shut (stream);
          return FALSE;
        }
      g_byte_array_remove_range (stream->pending, 0, n);
    }
  if (stream->pending->len == 0 && stream->closing)
    shut (stream);
  return TRUE;
}

static gboolean
on_writable (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  SandlockHelperStream *stream = user_data;

  if (!flush (stream) || stream->pending->len == 0)
    {
      stream->watch = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_if_pending (SandlockHelperStream *stream)
{
  if (stream->fd >= 0 && stream->pending->len > 0 && stream->watch == 0)
    stream->watch = g_unix_fd_add (stream->fd, G_IO_OUT, on_writable, stream);
}

SandlockHelperStream *
sandlock_helper_stream_new (int      fd,
                            gsize    max_pending,
                            gboolean json)
{
  SandlockHelperStream *stream = g_new0 (SandlockHelperStream, 1);

  stream->fd = fd;
  stream->pending = g_byte_array_new ();
  stream->max_pending = max_pending;
  stream->json = json;
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  return stream;
}

/* Tells a JSON reader how many records it lost since the last it got. */
static void
note_dropped (SandlockHelperStream *stream)
{
  g_autofree char *note = NULL;

  if (stream->dropped == 0 || !stream->json)
    return;
  note = g_strdup_printf ("{\"dropped\":%" G_GUINT64_FORMAT "}\n", stream->dropped);
  g_byte_array_append (stream->pending, (const guint8 *) note, strlen (note));
  stream->dropped = 0;
}

gboolean
sandlock_helper_stream_write (SandlockHelperStream *stream,
                              const void           *data,
                              gsize                 length)
{
  if (stream->fd < 0 || stream->closing)
    return stream->fd >= 0;

  if (stream->pending->len + length > stream->max_pending)
    {
      stream->dropped++;
      return TRUE;
    }
  note_dropped (stream);
  g_byte_array_append (stream->pending, data, length);
  if (!flush (stream))
    return FALSE;
  watch_if_pending (stream);
  return TRUE;
}

void
sandlock_helper_stream_close (SandlockHelperStream *stream)
{
  if (stream->fd < 0)
    return;
  /* Losses at the very end are told too (past the bound: it is small). */
  note_dropped (stream);
  stream->closing = TRUE;
  if (stream->pending->len == 0)
    shut (stream);
  else
    watch_if_pending (stream);
}

gboolean
sandlock_helper_stream_is_closed (SandlockHelperStream *stream)
{
  return stream->fd < 0;
}

void
sandlock_helper_stream_free (SandlockHelperStream *stream)
{
  shut (stream);
  g_byte_array_unref (stream->pending);
  g_free (stream);
}

gboolean
sandlock_helper_pipe (int      fds[2],
                      GError **error)
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create a pipe: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
