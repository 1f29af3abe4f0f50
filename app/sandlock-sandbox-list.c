/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include "sandlock-sandbox-list.h"

struct _SandlockSandboxList {
  GObject             parent_instance;
  GDBusObjectManager *manager;
  GPtrArray          *items;     /* SandlockDbusSandbox, newest first */
};

static void list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SandlockSandboxList, sandlock_sandbox_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_init))

static GType
get_item_type (GListModel *model)
{
  return SANDLOCK_DBUS_TYPE_SANDBOX;
}

static guint
get_n_items (GListModel *model)
{
  return SANDLOCK_SANDBOX_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SandlockSandboxList *self = SANDLOCK_SANDBOX_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gint64
start_time (SandlockDbusSandbox *sandbox)
{
  return sandlock_dbus_sandbox_get_start_time (sandbox);
}

static void
add_object (SandlockSandboxList *self,
            GDBusObject         *object)
{
  SandlockDbusSandbox *sandbox = sandlock_dbus_object_get_sandbox (SANDLOCK_DBUS_OBJECT (object));
  guint position = 0;

  if (sandbox == NULL)
    return;
  /* Newest first. */
  while (position < self->items->len &&
         start_time (g_ptr_array_index (self->items, position)) > start_time (sandbox))
    position++;
  g_ptr_array_insert (self->items, position, sandbox);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
on_object_added (GDBusObjectManager  *manager,
                 GDBusObject         *object,
                 SandlockSandboxList *self)
{
  add_object (self, object);
}

static void
on_object_removed (GDBusObjectManager  *manager,
                   GDBusObject         *object,
                   SandlockSandboxList *self)
{
  const char *path = g_dbus_object_get_object_path (object);

  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (g_dbus_proxy_get_object_path (g_ptr_array_index (self->items, i)), path) == 0)
      {
        g_ptr_array_remove_index (self->items, i);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        return;
      }
}

static void
sandlock_sandbox_list_finalize (GObject *object)
{
  SandlockSandboxList *self = SANDLOCK_SANDBOX_LIST (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_ptr_array_unref (self->items);
  G_OBJECT_CLASS (sandlock_sandbox_list_parent_class)->finalize (object);
}

static void
sandlock_sandbox_list_class_init (SandlockSandboxListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sandlock_sandbox_list_finalize;
}

static void
sandlock_sandbox_list_init (SandlockSandboxList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

SandlockSandboxList *
sandlock_sandbox_list_new (GDBusObjectManager *manager)
{
  SandlockSandboxList *self = g_object_new (SANDLOCK_TYPE_SANDBOX_LIST, NULL);
  GList *objects = g_dbus_object_manager_get_objects (manager);

  self->manager = g_object_ref (manager);
  for (GList *l = objects; l != NULL; l = l->next)
    add_object (self, l->data);
  g_list_free_full (objects, g_object_unref);
  g_signal_connect (manager, "object-added", G_CALLBACK (on_object_added), self);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_object_removed), self);
  return self;
}

SandlockDbusSandbox *
sandlock_sandbox_list_find (SandlockSandboxList *self,
                            const char          *object_path)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (g_dbus_proxy_get_object_path (g_ptr_array_index (self->items, i)),
                   object_path) == 0)
      return g_ptr_array_index (self->items, i);
  return NULL;
}

char *
sandlock_sandbox_describe (SandlockDbusSandbox *sandbox)
{
  const char *name = sandlock_dbus_sandbox_get_name (sandbox);
  const char * const *argv = sandlock_dbus_sandbox_get_argv (sandbox);

  if (name != NULL && *name)
    return g_strdup (name);
  if (argv != NULL && argv[0] != NULL)
    return g_path_get_basename (argv[0]);
  return g_strdup ("?");
}

char *
sandlock_sandbox_command (SandlockDbusSandbox *sandbox)
{
  const char * const *argv = sandlock_dbus_sandbox_get_argv (sandbox);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;
      gboolean plain = argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") == NULL;

      if (i > 0)
        g_string_append_c (line, ' ');
      quoted = plain ? g_strdup (argv[i]) : g_shell_quote (argv[i]);
      g_string_append (line, quoted);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}
