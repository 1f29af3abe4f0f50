/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The write end of a pipe handed to a client (events, output). Writes
 * never block the helper: what the pipe cannot take yet waits in memory,
 * up to a bound, beyond which whole records are dropped and counted (a
 * JSON stream then says {"dropped":N} before its next record).
 */
typedef struct _SandlockHelperStream SandlockHelperStream;

/* Takes @fd. @json: records are lines of JSON. */
SandlockHelperStream *sandlock_helper_stream_new   (int                   fd,
                                                    gsize                 max_pending,
                                                    gboolean              json);
/* Queues one record; FALSE when the reader has gone (free the stream). */
gboolean              sandlock_helper_stream_write (SandlockHelperStream *stream,
                                                    const void           *data,
                                                    gsize                 length);
/* No more records: the fd is closed once what is queued was read. */
void                  sandlock_helper_stream_close (SandlockHelperStream *stream);
gboolean              sandlock_helper_stream_is_closed (SandlockHelperStream *stream);
void                  sandlock_helper_stream_free  (SandlockHelperStream *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockHelperStream, sandlock_helper_stream_free)

/* Opens a pipe: the write end for a stream, the read end for the client. */
gboolean              sandlock_helper_pipe         (int                   fds[2],
                                                    GError              **error);

G_END_DECLS
