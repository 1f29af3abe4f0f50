/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named sandboxes register under $XDG_RUNTIME_DIR/sandlock/NAME/:
 *
 *   lock      held (flock) by the process that owns the sandbox; free means
 *             the owner is gone and the entry is stale
 *   info.json name, pid, argv, policy, ports, start time
 *   control   a unix socket the supervisor answers: "inspect", "kill"
 *
 * The runtime directory is the user's own (0700), and the control socket,
 * a pathname socket outside any writable grant, is out of the sandbox's
 * reach like every other local service.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "sandlock-fd.h"
#include "sandlock-registry.h"

struct _SandlockRegistration {
  char           *dir;
  int             lock_fd;
  int             control_fd;
  char           *info;
  /* What the record is made of. */
  char           *name;
  pid_t           pid;
  GStrv           argv;
  SandlockPolicy *policy;
  gint64          started;
};

char *
sandlock_registry_dir (void)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");

  if (runtime == NULL || *runtime == '\0')
    return g_strdup_printf ("%s/sandlock-%u", g_get_tmp_dir (), getuid ());
  return g_build_filename (runtime, "sandlock", NULL);
}

static char *
entry_dir (const char *name)
{
  g_autofree char *base = sandlock_registry_dir ();
  return g_build_filename (base, name, NULL);
}

/* TRUE when the entry's owner still holds its lock. */
static gboolean
entry_alive (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "lock", NULL);
  sandlock_autofd int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return FALSE;   /* we got it: nobody holds it */
  return errno == EWOULDBLOCK;
}

/* Empties the entry open as @fd, so a new entry renamed onto the same
 * name meanwhile is not touched; then the rmdir, which fails on that one:
 * it is never empty. */
static void
empty_and_remove (int         fd,
                  const char *dir)
{
  const char *files[] = { "control", "info.json", "lock" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    unlinkat (fd, files[i], 0);
  g_rmdir (dir);
}

/* The owner's own removal (it holds the lock). */
static void
remove_entry (const char *dir)
{
  sandlock_autofd int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0)
    empty_and_remove (fd, dir);
}

/* Removes the entry unless its owner still holds its lock, and says
 * whether it was stale. The lock taken and the files removed are those of
 * one directory, opened once: a live entry renamed onto the name between
 * a check and a removal by path would have lost its files. */
static gboolean
remove_if_stale (const char *dir)
{
  sandlock_autofd int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  sandlock_autofd int lock = -1;

  if (fd < 0)
    return TRUE;   /* gone already */
  lock = openat (fd, "lock", O_RDONLY | O_CLOEXEC);
  if (lock >= 0 && flock (lock, LOCK_EX | LOCK_NB) < 0)
    return FALSE;
  empty_and_remove (fd, dir);
  return TRUE;
}

static int
compare_ports (gconstpointer a,
               gconstpointer b)
{
  return GPOINTER_TO_INT (a) - GPOINTER_TO_INT (b);
}

/* The record: @ports maps virtual to real ports (NULL: none yet). */
static char *
build_info (SandlockRegistration *reg,
            GHashTable           *ports)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *policy_json = sandlock_policy_to_json (reg->policy);
  g_autoptr(JsonNode) policy_node = json_from_string (policy_json, NULL);
  g_autoptr(GList) virtual_ports = ports ? g_hash_table_get_keys (ports) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, reg->name);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, reg->pid);
  json_builder_set_member_name (builder, "argv");
  json_builder_begin_array (builder);
  for (guint i = 0; reg->argv[i] != NULL; i++)
    json_builder_add_string_value (builder, reg->argv[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "policy");
  json_builder_add_value (builder, g_steal_pointer (&policy_node));
  json_builder_set_member_name (builder, "ports");
  json_builder_begin_object (builder);
  virtual_ports = g_list_sort (virtual_ports, compare_ports);
  for (GList *l = virtual_ports; l != NULL; l = l->next)
    {
      g_autofree char *key = g_strdup_printf ("%d", GPOINTER_TO_INT (l->data));

      json_builder_set_member_name (builder, key);
      json_builder_add_int_value (builder, GPOINTER_TO_INT (g_hash_table_lookup (ports, l->data)));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "started");
  json_builder_add_int_value (builder, reg->started);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
write_info (SandlockRegistration  *reg,
            GError               **error)
{
  g_autofree char *path = g_build_filename (reg->dir, "info.json", NULL);

  return g_file_set_contents_full (path, reg->info, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error);
}

void
sandlock_registration_set_ports (SandlockRegistration *reg,
                                 GHashTable           *ports)
{
  g_autoptr(GError) error = NULL;

  g_free (reg->info);
  reg->info = build_info (reg, ports);
  if (!write_info (reg, &error))
    g_warning ("cannot update %s: %s", reg->dir, error->message);
}

/* Moves the finished entry @tmp to its name. Another one there that is
 * alive wins; a stale one goes. */
static gboolean
publish (const char  *tmp,
         const char  *dir,
         const char  *name,
         GError     **error)
{
  int saved = 0;

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      if (rename (tmp, dir) == 0)
        return TRUE;
      saved = errno;
      if (saved != EEXIST && saved != ENOTEMPTY)
        break;
      if (!remove_if_stale (dir))   /* stale: its owner died */
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                       "a sandbox named \"%s\" is already running (see sandlock ps)", name);
          return FALSE;
        }
    }
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
               "cannot register the sandbox \"%s\" as %s: %s", name, dir, g_strerror (saved));
  return FALSE;
}

/* An entry being made: not a valid sandbox name. */
#define NEW_ENTRY_PREFIX "_new-"

/*
 * The entry is made whole under a name no sandbox can have ('_' is not
 * allowed in names; one starting with '.' is) (lock held, record written,
 * control socket bound) and then renamed into place: nobody ever sees a
 * named entry without its lock held, so `sandlock ps` cannot take a
 * starting sandbox for a dead one and remove it.
 */
SandlockRegistration *
sandlock_registry_register (const char          *name,
                            pid_t                pid,
                            const char * const  *argv,
                            SandlockPolicy      *policy,
                            GError             **error)
{
  g_autoptr(SandlockRegistration) reg = g_new0 (SandlockRegistration, 1);
  g_autofree char *base = sandlock_registry_dir ();
  g_autofree char *final_dir = entry_dir (name);
  g_autofree char *final_control = g_build_filename (final_dir, "control", NULL);
  g_autofree char *lock = NULL;
  g_autofree char *control = NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  reg->lock_fd = -1;
  reg->control_fd = -1;
  reg->name = g_strdup (name);
  reg->pid = pid;
  reg->argv = g_strdupv ((char **) argv);
  reg->policy = sandlock_policy_ref (policy);
  reg->started = g_get_real_time () / G_USEC_PER_SEC;

  if (g_mkdir_with_parents (base, 0700) < 0)
    goto failed;
  reg->dir = g_build_filename (base, NEW_ENTRY_PREFIX "XXXXXX", NULL);
  if (g_mkdtemp_full (reg->dir, 0700) == NULL)
    {
      g_clear_pointer (&reg->dir, g_free);
      goto failed;
    }

  lock = g_build_filename (reg->dir, "lock", NULL);
  reg->lock_fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (reg->lock_fd < 0 || flock (reg->lock_fd, LOCK_EX | LOCK_NB) < 0)
    goto failed;

  reg->info = build_info (reg, NULL);
  if (!write_info (reg, error))
    return NULL;

  control = g_build_filename (reg->dir, "control", NULL);
  if (MAX (strlen (control), strlen (final_control)) >= sizeof addr.sun_path)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot register \"%s\": %s is too long a socket path", name, final_control);
      return NULL;
    }
  strcpy (addr.sun_path, control);
  reg->control_fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (reg->control_fd < 0 ||
      bind (reg->control_fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      listen (reg->control_fd, 8) < 0)
    goto failed;

  if (!publish (reg->dir, final_dir, name, error))
    return NULL;
  g_free (reg->dir);
  reg->dir = g_steal_pointer (&final_dir);
  return g_steal_pointer (&reg);

failed:
  {
    int saved = errno;
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                 "cannot register the sandbox \"%s\" in %s: %s", name, base,
                 g_strerror (saved));
    return NULL;
  }
}

int
sandlock_registration_get_control_fd (SandlockRegistration *reg)
{
  return reg->control_fd;
}

const char *
sandlock_registration_get_info (SandlockRegistration *reg)
{
  return reg->info;
}

void
sandlock_registration_free (SandlockRegistration *reg)
{
  if (reg == NULL)
    return;
  /* Remove while still holding the lock, so nobody takes a half entry. */
  if (reg->dir != NULL && reg->lock_fd >= 0)
    remove_entry (reg->dir);
  sandlock_close_fd (&reg->control_fd);
  sandlock_close_fd (&reg->lock_fd);
  g_free (reg->dir);
  g_free (reg->info);
  g_free (reg->name);
  g_strfreev (reg->argv);
  g_clear_pointer (&reg->policy, sandlock_policy_unref);
  g_free (reg);
}

GPtrArray *
sandlock_registry_list (GError **error)
{
  g_autofree char *base = sandlock_registry_dir ();
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (base, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&infos);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (base, name, NULL);
      g_autofree char *info_path = g_build_filename (path, "info.json", NULL);
      char *info = NULL;

      /* Entries being made; one left by a crash goes once it is old. */
      if (g_str_has_prefix (name, NEW_ENTRY_PREFIX))
        {
          struct stat st;

          if (stat (path, &st) == 0 && st.st_mtime < g_get_real_time () / G_USEC_PER_SEC - 60)
            remove_if_stale (path);
          continue;
        }
      if (remove_if_stale (path))
        continue;   /* stale entries of dead sandboxes go */
      if (g_file_get_contents (info_path, &info, NULL, NULL))
        g_ptr_array_add (infos, info);
    }
  return g_steal_pointer (&infos);
}

/* Sends @command to the sandbox's supervisor and returns its answer. */
static char *
ask (const char  *name,
     const char  *command,
     GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *control = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  sandlock_autofd int fd = -1;
  char buf[4096];
  ssize_t n;

  if (!sandlock_sandbox_name_is_valid (name))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "\"%s\" is not a sandbox name", name);
      return NULL;
    }
  dir = entry_dir (name);
  if (!entry_alive (dir))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_NOT_FOUND,
                   "no sandbox named \"%s\" is running", name);
      return NULL;
    }
  control = g_build_filename (dir, "control", NULL);
  g_strlcpy (addr.sun_path, control, sizeof addr.sun_path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      write (fd, command, strlen (command)) != (ssize_t) strlen (command))
    {
      int saved = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot reach the sandbox \"%s\": %s", name, g_strerror (saved));
      return NULL;
    }
  shutdown (fd, SHUT_WR);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (answer, buf, n);
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

char *
sandlock_registry_inspect (const char  *name,
                           GError     **error)
{
  return ask (name, "inspect\n", error);
}

gboolean
sandlock_registry_kill (const char  *name,
                        GError     **error)
{
  g_autofree char *answer = ask (name, "kill\n", error);

  if (answer == NULL)
    return FALSE;
  if (!g_str_has_prefix (answer, "killed"))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "the sandbox \"%s\" did not stop: %s", name, answer);
      return FALSE;
    }
  return TRUE;
}
