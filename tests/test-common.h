/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Paths of the built programs, from the environment meson sets. */
const char *tc_cli (void);
const char *tc_probe (void);
const char *tc_try_syscall (void);

/* A fresh directory of the test's own, removed at exit (a normal exit or
 * a skip; not after a failed assertion, which aborts). */
char *tc_make_tmpdir (void);
/* The same in @parent (another filesystem than the temporary directory's,
 * say): a "sandlock-test-XXXXXX" there, removed at exit. */
char *tc_make_tmpdir_in (const char *parent);
/* Writes @contents to @dir/@name and returns the path. */
char *tc_make_file (const char *dir, const char *name, const char *contents);

/*
 * Runs `sandlock ARGS...` (NULL-terminated) and returns its exit status
 * (128+N for signal N). stdout/stderr are returned when asked for; stderr
 * goes to the test log otherwise.
 */
int tc_sandlock (char **out, char **err, ...) G_GNUC_NULL_TERMINATED;
int tc_sandlockv (char **out, char **err, const char * const *args);

/* Runs the probe confined with only itself readable plus EXTRA args before
 * "--": tc_probe_in (NULL, "-w", dir, NULL, "create", path, NULL). */
int tc_probe_in (char **out, ...) G_GNUC_NULL_TERMINATED;

/* A TCP socket of ours listening on 127.0.0.1; its port in @port. */
int tc_listen_loopback (int *port);

/* Answers every connection to @listener (tc_listen_loopback) with one
 * fixed HTTP response, body "upstream\n", from a thread of its own that
 * lives as long as the test. */
void tc_serve_http (int listener);

/* How many live processes (as this test's /proc sees them) have @needle
 * among their arguments. */
guint tc_count_processes_with (const char *needle);

/* Is @pid alive (and not a zombie)? */
gboolean tc_pid_alive (int pid);

/* The pid of @name's owner on @bus (failing the test when it has none). */
guint32 tc_bus_name_pid (GDBusConnection *bus,
                         const char      *name);
/* Whether @name has an owner on @bus. */
gboolean tc_bus_name_has_owner (GDBusConnection *bus,
                                const char      *name);

/* Polls @done (@data) about every 20 ms, for at most @seconds, and says
 * whether it became TRUE. Between polls it dispatches what is pending on
 * the default main context (when no other thread owns it), so property
 * updates and signals arrive while it waits. */
gboolean tc_wait_until (gboolean (*done) (gpointer data),
                        gpointer   data,
                        guint      seconds);

/* Moves the calling process into a user namespace of its own, and the
 * other new namespaces @more_flags (CLONE_NEW*) name, its ids mapped to
 * themselves. NULL, or why it could not.
 *
 * Only while the process has a single thread: unshare (CLONE_NEWUSER)
 * fails with EINVAL in a multithreaded process (GLib's worker threads,
 * a GDBus connection, tc_serve_http count), and the test is then skipped
 * for the wrong reason. Call it before anything starts a thread. */
const char *tc_enter_user_namespace (int more_flags);

G_END_DECLS
