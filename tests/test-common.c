/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-common.h"

static GPtrArray *tmpdirs;

static const char *
env_path (const char *name)
{
  const char *path = g_getenv (name);

  if (path == NULL)
    g_error ("%s is not set: run the tests through meson test", name);
  return path;
}

const char *tc_cli (void) { return env_path ("SANDLOCK_CLI"); }
const char *tc_probe (void) { return env_path ("SANDLOCK_PROBE"); }
const char *tc_try_syscall (void) { return env_path ("SANDLOCK_TRY_SYSCALL"); }

static void
remove_tmpdirs (void)
{
  for (guint i = 0; i < tmpdirs->len; i++)
    {
      const char *argv[] = { "rm", "-rf", tmpdirs->pdata[i], NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                    NULL, NULL, NULL, NULL);
    }
}

static void
remove_at_exit (const char *dir)
{
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));
}

char *
tc_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sandlock-test-XXXXXX", &error);

  g_assert_no_error (error);
  remove_at_exit (dir);
  return dir;
}

char *
tc_make_tmpdir_in (const char *parent)
{
  char *dir = g_build_filename (parent, "sandlock-test-XXXXXX", NULL);

  if (g_mkdtemp (dir) == NULL)
    g_error ("cannot make a directory in %s: %s", parent, g_strerror (errno));
  remove_at_exit (dir);
  return dir;
}

char *
tc_make_file (const char *dir,
              const char *name,
              const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

int
tc_sandlockv (char               **out,
              char               **err,
              const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *local_err = NULL;
  g_autofree char *local_out = NULL;
  int status;

  g_ptr_array_add (argv, (char *) tc_cli ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  joined = g_strjoinv (" ", (char **) argv->pdata);
  g_test_message ("$ %s", joined);

  /* Output is always captured: on the test's own stdout it would break
   * the TAP stream. */
  g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                G_SPAWN_LEAVE_DESCRIPTORS_OPEN, NULL, NULL,
                &local_out, &local_err, &status, &error);
  g_assert_no_error (error);
  if (local_err != NULL && *local_err != '\0')
    g_test_message ("stderr: %s", local_err);
  if (local_out != NULL && *local_out != '\0')
    g_test_message ("stdout: %s", local_out);
  if (err != NULL)
    *err = g_steal_pointer (&local_err);
  if (out != NULL)
    *out = g_steal_pointer (&local_out);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

static GPtrArray *
collect (va_list ap)
{
  GPtrArray *args = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  return args;
}

int
tc_sandlock (char **out,
             char **err,
             ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, err);
  args = collect (ap);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return tc_sandlockv (out, err, (const char * const *) args->pdata);
}

int
tc_probe_in (char **out,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, "run");
  g_ptr_array_add (args, "-r");
  g_ptr_array_add (args, (char *) tc_probe ());

  va_start (ap, out);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  g_ptr_array_add (args, "--");
  g_ptr_array_add (args, (char *) tc_probe ());
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return tc_sandlockv (out, NULL, (const char * const *) args->pdata);
}

gboolean
tc_pid_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] != 'Z';
}

int
tc_listen_loopback (int *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 16), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

static gpointer
serve_http (gpointer data)
{
  int listener = GPOINTER_TO_INT (data);
  static const char reply[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nupstream\n";

  for (;;)
    {
      char request[4096];
      int fd = accept (listener, NULL, NULL);

      if (fd < 0)
        return NULL;
      if (read (fd, request, sizeof request) > 0 && write (fd, reply, strlen (reply)) < 0)
        g_debug ("the client left");
      close (fd);
    }
}

void
tc_serve_http (int listener)
{
  g_thread_unref (g_thread_new ("http", serve_http, GINT_TO_POINTER (listener)));
}

guint
tc_count_processes_with (const char *needle)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length;

      if (!g_ascii_isdigit (*name) || atoi (name) == getpid () || !tc_pid_alive (atoi (name)))
        continue;
      path = g_strdup_printf ("/proc/%s/cmdline", name);
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      for (gsize i = 0; i < length; i += strlen (cmdline + i) + 1)
        if (strstr (cmdline + i, needle) != NULL)
          {
            count++;
            break;
          }
    }
  return count;
}

/* One call to the bus itself, whose reply is of @type. */
static GVariant *
call_bus (GDBusConnection *bus,
          const char      *method,
          const char      *name,
          const char      *type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method, g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE (type), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  return reply;
}

guint32
tc_bus_name_pid (GDBusConnection *bus,
                 const char      *name)
{
  g_autoptr(GVariant) reply = call_bus (bus, "GetConnectionUnixProcessID", name, "(u)");
  guint32 pid;

  g_variant_get (reply, "(u)", &pid);
  return pid;
}

gboolean
tc_bus_name_has_owner (GDBusConnection *bus,
                       const char      *name)
{
  g_autoptr(GVariant) reply = call_bus (bus, "NameHasOwner", name, "(b)");
  gboolean has_owner;

  g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

gboolean
tc_wait_until (gboolean (*done) (gpointer data),
               gpointer   data,
               guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  for (;;)
    {
      if (g_main_context_acquire (NULL))
        {
          while (g_main_context_iteration (NULL, FALSE))
            ;
          g_main_context_release (NULL);
        }
      if (done (data))
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (20000);
    }
}

static gboolean
write_proc (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok = fd >= 0 && write (fd, text, strlen (text)) == (ssize_t) strlen (text);

  if (fd >= 0)
    close (fd);
  return ok;
}

const char *
tc_enter_user_namespace (int more_flags)
{
  g_autofree char *uid_map = g_strdup_printf ("%d %d 1\n", getuid (), getuid ());
  g_autofree char *gid_map = g_strdup_printf ("%d %d 1\n", getgid (), getgid ());

  if (unshare (CLONE_NEWUSER | more_flags) < 0)
    return errno == EINVAL ? "unshare (CLONE_NEWUSER) failed with EINVAL: is the process multithreaded?"
                           : "no unprivileged user namespaces here";
  if (!write_proc ("/proc/self/setgroups", "deny") ||
      !write_proc ("/proc/self/uid_map", uid_map) ||
      !write_proc ("/proc/self/gid_map", gid_map))
    return "cannot map our ids in a new user namespace";
  return NULL;
}
