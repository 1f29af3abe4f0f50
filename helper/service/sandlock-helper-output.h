/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A sandbox's stdout and stderr when the client passed no fds for them:
 * read on the main loop, the last OUTPUT_KEPT bytes kept so a client that
 * attaches late sees them, and streamed to every reader.
 */
typedef struct _SandlockHelperOutput SandlockHelperOutput;

/* Takes the read ends of the program's stdout and stderr pipes (-1 for
 * one the client took). */
SandlockHelperOutput *sandlock_helper_output_new  (int                    stdout_fd,
                                                   int                    stderr_fd);
void                  sandlock_helper_output_free (SandlockHelperOutput  *output);
/* A pipe's read end: the kept output, then live output until the program's
 * last writer is gone. @json frames each chunk as a JSON line. */
int                   sandlock_helper_output_open (SandlockHelperOutput  *output,
                                                   gboolean               json,
                                                   GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockHelperOutput, sandlock_helper_output_free)

G_END_DECLS
