/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-change.h"

G_DEFINE_ENUM_TYPE (SandlockChangeKind, sandlock_change_kind,
  G_DEFINE_ENUM_VALUE (SANDLOCK_CHANGE_ADDED, "added"),
  G_DEFINE_ENUM_VALUE (SANDLOCK_CHANGE_MODIFIED, "modified"),
  G_DEFINE_ENUM_VALUE (SANDLOCK_CHANGE_DELETED, "deleted"))

struct _SandlockChange {
  GObject             parent_instance;

  SandlockChangeKind  kind;
  char               *path;
  guint64             size_before;
  guint64             size_after;
  gboolean            selected;
};

G_DEFINE_FINAL_TYPE (SandlockChange, sandlock_change, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_PATH,
  PROP_SIZE_BEFORE,
  PROP_SIZE_AFTER,
  PROP_SELECTED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

SandlockChange *
sandlock_change_new (SandlockChangeKind  kind,
                     const char         *path,
                     guint64             size_before,
                     guint64             size_after)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (SANDLOCK_TYPE_CHANGE,
                       "kind", kind,
                       "path", path,
                       "size-before", size_before,
                       "size-after", size_after,
                       NULL);
}

SandlockChangeKind
sandlock_change_get_kind (SandlockChange *self)
{
  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), SANDLOCK_CHANGE_MODIFIED);
  return self->kind;
}

const char *
sandlock_change_get_path (SandlockChange *self)
{
  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), NULL);
  return self->path;
}

guint64
sandlock_change_get_size_before (SandlockChange *self)
{
  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), SANDLOCK_CHANGE_NO_SIZE);
  return self->size_before;
}

guint64
sandlock_change_get_size_after (SandlockChange *self)
{
  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), SANDLOCK_CHANGE_NO_SIZE);
  return self->size_after;
}

gboolean
sandlock_change_get_selected (SandlockChange *self)
{
  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), FALSE);
  return self->selected;
}

void
sandlock_change_set_selected (SandlockChange *self,
                              gboolean        selected)
{
  g_return_if_fail (SANDLOCK_IS_CHANGE (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

char *
sandlock_change_format_sizes (SandlockChange *self)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (SANDLOCK_IS_CHANGE (self), NULL);

  if (self->size_before != SANDLOCK_CHANGE_NO_SIZE)
    before = g_format_size (self->size_before);
  if (self->size_after != SANDLOCK_CHANGE_NO_SIZE)
    after = g_format_size (self->size_after);

  if (before != NULL && after != NULL)
    /* Translators: a file's size before and after the sandboxed program ran */
    return g_strdup_printf (_("%s → %s"), before, after);
  if (after != NULL)
    return g_steal_pointer (&after);
  if (before != NULL)
    return g_steal_pointer (&before);
  return g_strdup ("");
}

const char *
sandlock_change_kind_letter (SandlockChangeKind kind)
{
  switch (kind)
    {
    case SANDLOCK_CHANGE_ADDED:
      return "A";
    case SANDLOCK_CHANGE_DELETED:
      return "D";
    case SANDLOCK_CHANGE_MODIFIED:
    default:
      return "M";
    }
}

const char *
sandlock_change_kind_text (SandlockChangeKind kind)
{
  switch (kind)
    {
    case SANDLOCK_CHANGE_ADDED:
      return _("Added");
    case SANDLOCK_CHANGE_DELETED:
      return _("Deleted");
    case SANDLOCK_CHANGE_MODIFIED:
    default:
      return _("Modified");
    }
}

const char *
sandlock_change_kind_style (SandlockChangeKind kind)
{
  switch (kind)
    {
    case SANDLOCK_CHANGE_ADDED:
      return "added";
    case SANDLOCK_CHANGE_DELETED:
      return "deleted";
    case SANDLOCK_CHANGE_MODIFIED:
    default:
      return "modified";
    }
}

GListStore *
sandlock_change_list_new_from_variant (GVariant  *changes,
                                       GError   **error)
{
  g_autoptr(GListStore) store = NULL;
  GVariantIter iter;
  const char *kind;
  const char *path;
  guint64 before;
  guint64 after;

  g_return_val_if_fail (changes != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (changes, G_VARIANT_TYPE ("a(sstt)")), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  store = g_list_store_new (SANDLOCK_TYPE_CHANGE);
  g_variant_iter_init (&iter, changes);
  while (g_variant_iter_next (&iter, "(&s&stt)", &kind, &path, &before, &after))
    {
      g_autoptr(SandlockChange) change = NULL;
      SandlockChangeKind k;

      if (g_str_equal (kind, "A"))
        k = SANDLOCK_CHANGE_ADDED;
      else if (g_str_equal (kind, "M"))
        k = SANDLOCK_CHANGE_MODIFIED;
      else if (g_str_equal (kind, "D"))
        k = SANDLOCK_CHANGE_DELETED;
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The helper listed a change of unknown kind “%s” for %s "
                         "(update the app to match the helper)"), kind, path);
          return NULL;
        }
      if (*path == '\0' || *path == '/')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The helper listed a change outside the workdir: “%s”"), path);
          return NULL;
        }
      change = sandlock_change_new (k, path, before, after);
      g_list_store_append (store, change);
    }
  return g_steal_pointer (&store);
}

GStrv
sandlock_change_list_get_selected_paths (GListModel *changes)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (changes), NULL);

  n = g_list_model_get_n_items (changes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SandlockChange) change = g_list_model_get_item (changes, i);

      if (change->selected)
        g_strv_builder_add (builder, change->path);
    }
  return g_strv_builder_end (builder);
}

guint
sandlock_change_list_count_selected (GListModel *changes)
{
  guint n;
  guint count = 0;

  g_return_val_if_fail (G_IS_LIST_MODEL (changes), 0);

  n = g_list_model_get_n_items (changes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SandlockChange) change = g_list_model_get_item (changes, i);

      count += change->selected;
    }
  return count;
}

void
sandlock_change_list_select_all (GListModel *changes,
                                 gboolean    selected)
{
  guint n;

  g_return_if_fail (G_IS_LIST_MODEL (changes));

  n = g_list_model_get_n_items (changes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SandlockChange) change = g_list_model_get_item (changes, i);

      sandlock_change_set_selected (change, selected);
    }
}

static void
sandlock_change_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SandlockChange *self = SANDLOCK_CHANGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SIZE_BEFORE:
      g_value_set_uint64 (value, self->size_before);
      break;
    case PROP_SIZE_AFTER:
      g_value_set_uint64 (value, self->size_after);
      break;
    case PROP_SELECTED:
      g_value_set_boolean (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_change_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SandlockChange *self = SANDLOCK_CHANGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_SIZE_BEFORE:
      self->size_before = g_value_get_uint64 (value);
      break;
    case PROP_SIZE_AFTER:
      self->size_after = g_value_get_uint64 (value);
      break;
    case PROP_SELECTED:
      sandlock_change_set_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_change_finalize (GObject *object)
{
  SandlockChange *self = SANDLOCK_CHANGE (object);

  g_free (self->path);
  G_OBJECT_CLASS (sandlock_change_parent_class)->finalize (object);
}

static void
sandlock_change_class_init (SandlockChangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sandlock_change_get_property;
  object_class->set_property = sandlock_change_set_property;
  object_class->finalize = sandlock_change_finalize;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, SANDLOCK_TYPE_CHANGE_KIND, SANDLOCK_CHANGE_MODIFIED,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE_BEFORE] =
    g_param_spec_uint64 ("size-before", NULL, NULL, 0, G_MAXUINT64, SANDLOCK_CHANGE_NO_SIZE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE_AFTER] =
    g_param_spec_uint64 ("size-after", NULL, NULL, 0, G_MAXUINT64, SANDLOCK_CHANGE_NO_SIZE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sandlock_change_init (SandlockChange *self)
{
  self->size_before = SANDLOCK_CHANGE_NO_SIZE;
  self->size_after = SANDLOCK_CHANGE_NO_SIZE;
}
