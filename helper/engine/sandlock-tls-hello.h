/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The server name (SNI) a TLS client asks for, read from the start of its
 * stream (its ClientHello) before any handshake: the HTTPS interception
 * makes a leaf certificate for that name. Pure parsing, no I/O.
 *
 * Returns the name in lower case, or NULL when there is none: no SNI, not
 * a TLS ClientHello, or a name with characters no host name has. *@complete
 * is FALSE when @data ends before the ClientHello does (read more, then
 * ask again).
 */
char *sandlock_tls_hello_server_name (const guint8 *data,
                                      gsize         length,
                                      gboolean     *complete);

G_END_DECLS
