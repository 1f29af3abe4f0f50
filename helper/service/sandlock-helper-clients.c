/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandlock-helper-clients.h"
#include "sandlock-helper-error.h"

struct _SandlockHelperClients {
  GDBusConnection          *connection;
  GHashTable               *admitted;   /* unique name -> GINT_TO_POINTER (allowed) */
  guint                     subscription;
  SandlockHelperClientGone  gone;
  gpointer                  user_data;
};

/* Reads "Key:\tvalue" from /proc/PID/status as a number; -1 if absent. */
static long
status_field (pid_t       pid,
              const char *key)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *contents = NULL;
  gsize key_length = strlen (key);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  for (char *line = contents; line != NULL && *line; )
    {
      char *next = strchr (line, '\n');

      if (strncmp (line, key, key_length) == 0 && line[key_length] == ':')
        return strtol (line + key_length + 1, NULL, 10);
      line = next ? next + 1 : NULL;
    }
  return -1;
}

/* Is @pid running the sandlock command or this helper? Those are the
 * programs whose forks become a sandbox's init. */
static gboolean
runs_sandlock (pid_t pid)
{
  g_autofree char *link = g_strdup_printf ("/proc/%d/exe", pid);
  g_autofree char *exe = g_file_read_link (link, NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *base = NULL;

  if (exe == NULL)
    return FALSE;
  if (g_strcmp0 (exe, self) == 0)
    return TRUE;
  base = g_path_get_basename (exe);
  return strcmp (base, "sandlock") == 0 || strcmp (base, "sandlock-helper") == 0;
}

gboolean
sandlock_helper_pid_is_sandboxed (pid_t pid)
{
  long no_new_privs;

  if (pid <= 0)
    return TRUE;
  /* Every sandbox sets no_new_privs, and nothing can clear it: a process
   * without it is in none of ours. */
  no_new_privs = status_field (pid, "NoNewPrivs");
  if (no_new_privs < 0)
    return TRUE;
  if (no_new_privs == 0)
    return FALSE;

  /* Sandboxed processes descend from an init forked by the helper or the
   * command (orphans are reparented to it). */
  for (pid_t ancestor = status_field (pid, "PPid"); ancestor > 1;
       ancestor = status_field (ancestor, "PPid"))
    if (runs_sandlock (ancestor))
      return TRUE;
  return FALSE;
}

static void
on_name_owner_changed (GDBusConnection *connection,
                       const char      *sender,
                       const char      *object_path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  SandlockHelperClients *clients = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner != '\0' || !g_hash_table_remove (clients->admitted, name))
    return;
  g_debug ("client %s left the bus", name);
  clients->gone (name, clients->user_data);
}

SandlockHelperClients *
sandlock_helper_clients_new (GDBusConnection          *connection,
                             SandlockHelperClientGone  gone,
                             gpointer                  user_data)
{
  SandlockHelperClients *clients = g_new0 (SandlockHelperClients, 1);

  clients->connection = g_object_ref (connection);
  clients->admitted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  clients->gone = gone;
  clients->user_data = user_data;
  clients->subscription =
    g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus",
                                        "org.freedesktop.DBus", "NameOwnerChanged",
                                        "/org/freedesktop/DBus", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_name_owner_changed, clients, NULL);
  return clients;
}

void
sandlock_helper_clients_free (SandlockHelperClients *clients)
{
  g_dbus_connection_signal_unsubscribe (clients->connection, clients->subscription);
  g_hash_table_unref (clients->admitted);
  g_object_unref (clients->connection);
  g_free (clients);
}

static pid_t
sender_pid (GDBusConnection *connection,
            const char      *sender)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 pid;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return -1;
  g_variant_get (reply, "(u)", &pid);
  return pid;
}

gboolean
sandlock_helper_clients_authorize (SandlockHelperClients *clients,
                                   GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  gpointer verdict;

  /* A peer-to-peer connection has no sender and no bus to check with. */
  if (sender == NULL)
    return TRUE;

  if (!g_hash_table_lookup_extended (clients->admitted, sender, NULL, &verdict))
    {
      pid_t pid = sender_pid (clients->connection, sender);
      gboolean allowed = !sandlock_helper_pid_is_sandboxed (pid);

      g_debug ("client %s (pid %d): %s", sender, pid, allowed ? "admitted" : "refused");
      verdict = GINT_TO_POINTER (allowed);
      /* Unique names are never reused, so the verdict holds for the
       * connection's life. */
      g_hash_table_insert (clients->admitted, g_strdup (sender), verdict);
    }

  if (!GPOINTER_TO_INT (verdict))
    {
      g_dbus_method_invocation_return_error_literal (invocation, SANDLOCK_HELPER_ERROR,
                                                     SANDLOCK_HELPER_ERROR_NOT_ALLOWED,
                                                     "calls from inside a sandbox are refused");
      return FALSE;
    }
  return TRUE;
}

guint
sandlock_helper_clients_count (SandlockHelperClients *clients)
{
  GHashTableIter iter;
  gpointer verdict;
  guint count = 0;

  g_hash_table_iter_init (&iter, clients->admitted);
  while (g_hash_table_iter_next (&iter, NULL, &verdict))
    count += GPOINTER_TO_INT (verdict);
  return count;
}
