/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Textual forms shared by the CLI, JSON profiles and D-Bus. Each error names
 * the value and says what would be right. */
gboolean sandlock_parse_port      (const char *text,
                                   guint16    *port,
                                   GError    **error);
gboolean sandlock_parse_uint      (const char *text,
                                   guint64     max,
                                   guint64    *value,
                                   GError    **error);
gboolean sandlock_parse_bool      (const char *text,
                                   gboolean   *value,
                                   GError    **error);
/* "host:port[,port...]", ":port", "*:port", "[v6]:port". */
gboolean sandlock_parse_net_rule  (const char *text,
                                   char      **host,
                                   GArray    **ports,
                                   GError    **error);
/* "a.b-c": letters, digits and "-" in non-empty labels, as DNS wants; an
 * all-digit last label is refused (a malformed IPv4 address, not a name). */
gboolean sandlock_hostname_is_valid (const char *host);
/* POSIX-portable environment names: [A-Za-z_][A-Za-z0-9_]*. */
gboolean sandlock_env_name_is_valid (const char *name);
/* TRUE when the absolute, clean @path is @dir or below it ("/" holds all). */
gboolean sandlock_path_is_within (const char *path,
                                  const char *dir);

G_END_DECLS
