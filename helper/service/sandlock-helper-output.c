/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "sandlock-fd.h"
#include "sandlock-helper-output.h"
#include "sandlock-helper-stream.h"

/* Output kept for late readers, and what one reader may leave unread. */
#define OUTPUT_KEPT     (1024 * 1024)
#define READER_PENDING  (4 * 1024 * 1024)

typedef struct {
  int     stream;     /* 1 stdout, 2 stderr */
  gint64  time_us;
  GBytes *data;
} Chunk;

typedef struct {
  SandlockHelperStream *stream;
  gboolean              json;
} Reader;

typedef struct {
  SandlockHelperOutput *output;
  int                   number;   /* 1 or 2 */
  int                   fd;
  guint                 watch;
} Source;

struct _SandlockHelperOutput {
  Source     sources[2];
  GQueue     kept;          /* Chunk */
  gsize      kept_bytes;
  GPtrArray *readers;
};

static void
chunk_free (Chunk *chunk)
{
  g_bytes_unref (chunk->data);
  g_free (chunk);
}

static void
reader_free (Reader *reader)
{
  sandlock_helper_stream_free (reader->stream);
  g_free (reader);
}

static gboolean
all_closed (SandlockHelperOutput *output)
{
  return output->sources[0].fd < 0 && output->sources[1].fd < 0;
}

static char *
chunk_to_json (Chunk *chunk)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length;
  const char *data = g_bytes_get_data (chunk->data, &length);
  g_autofree char *text = g_utf8_make_valid (data, length);
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_string_value (builder, chunk->stream == 2 ? "stderr" : "stdout");
  json_builder_set_member_name (builder, "time");
  json_builder_add_int_value (builder, chunk->time_us);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  return g_strconcat (json, "\n", NULL);
}

static gboolean
write_chunk (Reader *reader,
             Chunk  *chunk)
{
  gsize length;
  const void *data;

  if (reader->json)
    {
      g_autofree char *line = chunk_to_json (chunk);
      return sandlock_helper_stream_write (reader->stream, line, strlen (line));
    }
  data = g_bytes_get_data (chunk->data, &length);
  return sandlock_helper_stream_write (reader->stream, data, length);
}

static void
keep (SandlockHelperOutput *output,
      Chunk                *chunk)
{
  g_queue_push_tail (&output->kept, chunk);
  output->kept_bytes += g_bytes_get_size (chunk->data);
  while (output->kept_bytes > OUTPUT_KEPT && output->kept.length > 1)
    {
      Chunk *old = g_queue_pop_head (&output->kept);

      output->kept_bytes -= g_bytes_get_size (old->data);
      chunk_free (old);
    }
}

static gboolean
on_readable (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  Source *source = user_data;
  SandlockHelperOutput *output = source->output;
  guint8 buffer[65536];
  ssize_t n = read (fd, buffer, sizeof buffer);
  Chunk *chunk;

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      source->watch = 0;
      sandlock_close_fd (&source->fd);
      if (all_closed (output))
        for (guint i = 0; i < output->readers->len; i++)
          sandlock_helper_stream_close (((Reader *) g_ptr_array_index (output->readers, i))->stream);
      return G_SOURCE_REMOVE;
    }

  chunk = g_new (Chunk, 1);
  chunk->stream = source->number;
  chunk->time_us = g_get_real_time ();
  chunk->data = g_bytes_new (buffer, n);
  for (guint i = 0; i < output->readers->len; )
    {
      if (!write_chunk (g_ptr_array_index (output->readers, i), chunk))
        g_ptr_array_remove_index_fast (output->readers, i);
      else
        i++;
    }
  keep (output, chunk);
  return G_SOURCE_CONTINUE;
}

SandlockHelperOutput *
sandlock_helper_output_new (int stdout_fd,
                            int stderr_fd)
{
  SandlockHelperOutput *output = g_new0 (SandlockHelperOutput, 1);
  int fds[2] = { stdout_fd, stderr_fd };

  g_queue_init (&output->kept);
  output->readers = g_ptr_array_new_with_free_func ((GDestroyNotify) reader_free);
  for (int i = 0; i < 2; i++)
    {
      Source *source = &output->sources[i];

      source->output = output;
      source->number = i + 1;
      source->fd = fds[i];
      if (source->fd < 0)
        continue;
      g_unix_set_fd_nonblocking (source->fd, TRUE, NULL);
      source->watch = g_unix_fd_add (source->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     on_readable, source);
    }
  return output;
}

void
sandlock_helper_output_free (SandlockHelperOutput *output)
{
  for (int i = 0; i < 2; i++)
    {
      g_clear_handle_id (&output->sources[i].watch, g_source_remove);
      sandlock_close_fd (&output->sources[i].fd);
    }
  g_queue_clear_full (&output->kept, (GDestroyNotify) chunk_free);
  g_ptr_array_unref (output->readers);
  g_free (output);
}

int
sandlock_helper_output_open (SandlockHelperOutput  *output,
                             gboolean               json,
                             GError               **error)
{
  Reader *reader;
  int fds[2];

  if (!sandlock_helper_pipe (fds, error))
    return -1;
  reader = g_new0 (Reader, 1);
  reader->stream = sandlock_helper_stream_new (fds[1], READER_PENDING, json);
  reader->json = json;
  for (GList *l = output->kept.head; l != NULL; l = l->next)
    write_chunk (reader, l->data);
  if (all_closed (output))
    sandlock_helper_stream_close (reader->stream);
  g_ptr_array_add (output->readers, reader);
  return fds[0];
}
