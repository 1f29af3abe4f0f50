/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sandlock-json-variant.h"
#include "sandlock-policy-model.h"

struct _SandlockPolicyModel {
  GObject     parent_instance;

  GHashTable *values;   /* field name -> GVariant (normalized when known) */
};

G_DEFINE_FINAL_TYPE (SandlockPolicyModel, sandlock_policy_model, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The schema, in its order (DESIGN.md, "Policy"): to_variant() and JSON
 * follow it so exported files read like the reference. */
static const struct {
  const char         *name;
  SandlockPolicyKind  kind;
} fields[] = {
  { "fs_readable",         SANDLOCK_POLICY_KIND_PATH_LIST },
  { "fs_writable",         SANDLOCK_POLICY_KIND_PATH_LIST },
  { "fs_denied",           SANDLOCK_POLICY_KIND_PATH_LIST },
  { "workdir",             SANDLOCK_POLICY_KIND_PATH },
  { "cwd",                 SANDLOCK_POLICY_KIND_PATH },
  { "chroot",              SANDLOCK_POLICY_KIND_PATH },
  { "fs_mount",            SANDLOCK_POLICY_KIND_UNKNOWN },
  { "fs_storage",          SANDLOCK_POLICY_KIND_PATH },
  { "max_disk",            SANDLOCK_POLICY_KIND_SIZE },
  { "on_exit",             SANDLOCK_POLICY_KIND_ACTION },
  { "on_error",            SANDLOCK_POLICY_KIND_ACTION },
  { "net_allow",           SANDLOCK_POLICY_KIND_STRING_LIST },
  { "net_bind",            SANDLOCK_POLICY_KIND_NUMBER_LIST },
  { "port_remap",          SANDLOCK_POLICY_KIND_BOOL },
  { "allow_udp",           SANDLOCK_POLICY_KIND_BOOL },
  { "allow_icmp",          SANDLOCK_POLICY_KIND_BOOL },
  { "http_allow",          SANDLOCK_POLICY_KIND_STRING_LIST },
  { "http_deny",           SANDLOCK_POLICY_KIND_STRING_LIST },
  { "http_ports",          SANDLOCK_POLICY_KIND_NUMBER_LIST },
  { "https_ca",            SANDLOCK_POLICY_KIND_PATH },
  { "https_key",           SANDLOCK_POLICY_KIND_PATH },
  { "max_memory",          SANDLOCK_POLICY_KIND_SIZE },
  { "max_processes",       SANDLOCK_POLICY_KIND_INT },
  { "max_cpu",             SANDLOCK_POLICY_KIND_INT },
  { "max_open_files",      SANDLOCK_POLICY_KIND_INT },
  { "cpu_cores",           SANDLOCK_POLICY_KIND_NUMBER_LIST },
  { "num_cpus",            SANDLOCK_POLICY_KIND_INT },
  { "deny_syscalls",       SANDLOCK_POLICY_KIND_STRING_LIST },
  { "allow_syscalls",      SANDLOCK_POLICY_KIND_STRING_LIST },
  { "random_seed",         SANDLOCK_POLICY_KIND_SEED },
  { "time_start",          SANDLOCK_POLICY_KIND_STRING },
  { "no_randomize_memory", SANDLOCK_POLICY_KIND_BOOL },
  { "no_huge_pages",       SANDLOCK_POLICY_KIND_BOOL },
  { "no_coredump",         SANDLOCK_POLICY_KIND_BOOL },
  { "deterministic_dirs",  SANDLOCK_POLICY_KIND_BOOL },
  { "clean_env",           SANDLOCK_POLICY_KIND_BOOL },
  { "env",                 SANDLOCK_POLICY_KIND_ENV },
  { "name",                SANDLOCK_POLICY_KIND_STRING },
  { "uid",                 SANDLOCK_POLICY_KIND_INT },
  { "gpu_devices",         SANDLOCK_POLICY_KIND_UNKNOWN },
};

static int
field_index (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, field) == 0)
      return (int) i;
  return -1;
}

SandlockPolicyKind
sandlock_policy_field_get_kind (const char *field)
{
  int i = field_index (field);

  return i < 0 ? SANDLOCK_POLICY_KIND_UNKNOWN : fields[i].kind;
}

/* ---- Sizes -------------------------------------------------------------- */

gboolean
sandlock_policy_parse_size (const char *text,
                            guint64    *bytes)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double number;
  guint shift = 0;

  g_return_val_if_fail (bytes != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0' || !(g_ascii_isdigit (copy[0]) || copy[0] == '.'))
    return FALSE;
  number = g_ascii_strtod (copy, &end);
  if (end == copy)
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case '\0': break;
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: return FALSE;
    }
  /* "512MB" and "512MiB" read as people mean them. */
  if (shift != 0 && (g_ascii_strcasecmp (end, "iB") == 0 || g_ascii_strcasecmp (end, "B") == 0))
    end += strlen (end);
  if (*end != '\0' || number < 0 || number * (double) (G_GUINT64_CONSTANT (1) << shift) >= 18446744073709551615.0)
    return FALSE;
  if (shift == 0 && number != (double) (guint64) number)
    return FALSE;
  *bytes = (guint64) (number * (double) (G_GUINT64_CONSTANT (1) << shift));
  return TRUE;
}

/* The largest exact unit, as the engine writes it: 536870912 is "512M". */
char *
sandlock_policy_format_size (guint64 bytes)
{
  static const char units[] = "TGMK";

  for (guint i = 0; units[i] != '\0'; i++)
    {
      guint shift = 10 * (4 - i);

      if (bytes != 0 && bytes % (G_GUINT64_CONSTANT (1) << shift) == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT "%c", bytes >> shift, units[i]);
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
}

double
sandlock_policy_size_to_unit (guint64           bytes,
                              SandlockSizeUnit *unit)
{
  const guint64 gib = G_GUINT64_CONSTANT (1) << 30;

  g_return_val_if_fail (unit != NULL, 0);

  if (bytes != 0 && bytes % gib == 0)
    {
      *unit = SANDLOCK_SIZE_UNIT_GIB;
      return (double) (bytes / gib);
    }
  *unit = SANDLOCK_SIZE_UNIT_MIB;
  return (double) bytes / (double) (1 << 20);
}

guint64
sandlock_policy_size_from_unit (double           value,
                                SandlockSizeUnit unit)
{
  guint shift = unit == SANDLOCK_SIZE_UNIT_GIB ? 30 : 20;

  if (value <= 0)
    return 0;
  return (guint64) (value * (double) (G_GUINT64_CONSTANT (1) << shift) + 0.5);
}

/* ---- Normalizing values ------------------------------------------------- */

/* An integer variant as a signed number; FALSE beyond G_MAXINT64. */
static gboolean
variant_get_integer (GVariant *value,
                     gint64   *out)
{
  const GVariantType *type = g_variant_get_type (value);

  if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTE))
    *out = g_variant_get_byte (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT16))
    *out = g_variant_get_int16 (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT16))
    *out = g_variant_get_uint16 (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    *out = g_variant_get_int32 (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    *out = g_variant_get_uint32 (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    *out = g_variant_get_int64 (value);
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT64)
           && g_variant_get_uint64 (value) <= G_MAXINT64)
    *out = (gint64) g_variant_get_uint64 (value);
  else
    return FALSE;
  return TRUE;
}

static gboolean
text_get_integer (const char *text,
                  gint64     *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  guint64 number;

  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT64, &number, NULL))
    return FALSE;
  *out = (gint64) number;
  return TRUE;
}

/* Elements of a list as text; NULL when an element is neither a string nor
 * a number. */
static GStrv
list_to_strv (GVariant *value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GVariantIter iter;
  GVariant *element;

  if (!g_variant_is_container (value) || g_variant_is_of_type (value, G_VARIANT_TYPE_DICTIONARY)
      || !g_variant_type_is_array (g_variant_get_type (value)))
    return NULL;
  g_variant_iter_init (&iter, value);
  while ((element = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = element;
      g_autoptr(GVariant) inner = g_variant_is_of_type (element, G_VARIANT_TYPE_VARIANT)
                                  ? g_variant_get_variant (element) : g_variant_ref (element);
      gint64 number;

      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING))
        g_strv_builder_add (builder, g_variant_get_string (inner, NULL));
      else if (variant_get_integer (inner, &number))
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, number);

          g_strv_builder_add (builder, text);
        }
      else
        return NULL;
    }
  return g_strv_builder_end (builder);
}

/* Numbers when every item is one in 0..G_MAXUINT32, else NULL. */
static GVariant *
strv_to_numbers (const char * const *items)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("au"));
  for (guint i = 0; items[i] != NULL; i++)
    {
      gint64 number;

      if (!text_get_integer (items[i], &number) || number > G_MAXUINT32)
        {
          g_variant_builder_clear (&builder);
          return NULL;
        }
      g_variant_builder_add (&builder, "u", (guint32) number);
    }
  return g_variant_builder_end (&builder);
}

/* The value as the model stores it for @field: floating, or NULL to unset.
 * Values of an unexpected shape are kept as they are. */
static GVariant *
normalize (const char *field,
           GVariant   *value)
{
  g_autoptr(GVariant) inner = NULL;
  gint64 number;

  if (value == NULL)
    return NULL;
  inner = g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT)
          ? g_variant_get_variant (value) : g_variant_ref_sink (value);

  switch (sandlock_policy_field_get_kind (field))
    {
    case SANDLOCK_POLICY_KIND_PATH_LIST:
    case SANDLOCK_POLICY_KIND_STRING_LIST:
      if (!g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_auto(GStrv) items = list_to_strv (inner);

          if (items != NULL)
            return items[0] == NULL ? NULL : g_variant_new_strv ((const char * const *) items, -1);
        }
      else if (g_variant_n_children (inner) == 0)
        return NULL;
      break;

    case SANDLOCK_POLICY_KIND_NUMBER_LIST:
      {
        g_auto(GStrv) items = list_to_strv (inner);
        GVariant *numbers;

        if (items != NULL && items[0] == NULL)
          return NULL;
        numbers = items != NULL ? strv_to_numbers ((const char * const *) items) : NULL;
        if (numbers != NULL)
          return numbers;
      }
      break;

    case SANDLOCK_POLICY_KIND_PATH:
    case SANDLOCK_POLICY_KIND_STRING:
    case SANDLOCK_POLICY_KIND_ACTION:
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING) && *g_variant_get_string (inner, NULL) == '\0')
        return NULL;
      break;

    case SANDLOCK_POLICY_KIND_SIZE:
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_UINT64))
        return g_variant_get_uint64 (inner) == 0 ? NULL : g_variant_ref (inner);
      if (variant_get_integer (inner, &number) && number >= 0)
        return number == 0 ? NULL : g_variant_new_uint64 ((guint64) number);
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING) && *g_variant_get_string (inner, NULL) == '\0')
        return NULL;
      break;

    case SANDLOCK_POLICY_KIND_INT:
    case SANDLOCK_POLICY_KIND_SEED:
      if (variant_get_integer (inner, &number))
        return g_variant_new_int64 (number);
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_STRING))
        {
          if (*g_variant_get_string (inner, NULL) == '\0')
            return NULL;
          if (text_get_integer (g_variant_get_string (inner, NULL), &number))
            return g_variant_new_int64 (number);
        }
      break;

    case SANDLOCK_POLICY_KIND_BOOL:
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE_BOOLEAN) && !g_variant_get_boolean (inner))
        return NULL;
      break;

    case SANDLOCK_POLICY_KIND_ENV:
      if (g_variant_is_of_type (inner, G_VARIANT_TYPE ("a{sv}")))
        {
          GVariantBuilder builder;
          GVariantIter iter;
          const char *name;
          GVariant *element;
          gboolean strings = TRUE;

          g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
          g_variant_iter_init (&iter, inner);
          while (g_variant_iter_loop (&iter, "{&sv}", &name, &element))
            {
              if (!g_variant_is_of_type (element, G_VARIANT_TYPE_STRING))
                strings = FALSE;
              else
                g_variant_builder_add (&builder, "{ss}", name, g_variant_get_string (element, NULL));
            }
          if (strings)
            {
              g_autoptr(GVariant) env = g_variant_ref_sink (g_variant_builder_end (&builder));

              return g_variant_n_children (env) == 0 ? NULL : g_variant_ref (env);
            }
          g_variant_builder_clear (&builder);
        }
      else if (g_variant_is_of_type (inner, G_VARIANT_TYPE ("a{ss}")) && g_variant_n_children (inner) == 0)
        return NULL;
      break;

    case SANDLOCK_POLICY_KIND_UNKNOWN:
    default:
      break;
    }
  return g_variant_ref (inner);
}

/* ---- The model ---------------------------------------------------------- */

static void
emit_changed (SandlockPolicyModel *self,
              const char          *field)
{
  g_signal_emit (self, signals[CHANGED], field ? g_quark_from_string (field) : 0, field);
}

/* Stores without emitting; TRUE when something changed. */
static gboolean
store (SandlockPolicyModel *self,
       const char          *field,
       GVariant            *value)
{
  g_autoptr(GVariant) normalized = normalize (field, value);
  GVariant *old = g_hash_table_lookup (self->values, field);

  /* normalize() returns new floating values or references to old ones. */
  if (normalized != NULL)
    g_variant_take_ref (normalized);
  if (old == NULL && normalized == NULL)
    return FALSE;
  if (old != NULL && normalized != NULL && g_variant_equal (old, normalized))
    return FALSE;
  if (normalized == NULL)
    g_hash_table_remove (self->values, field);
  else
    g_hash_table_replace (self->values, g_strdup (field), g_steal_pointer (&normalized));
  return TRUE;
}

gboolean
sandlock_policy_model_has (SandlockPolicyModel *self,
                           const char          *field)
{
  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), FALSE);

  return g_hash_table_contains (self->values, field);
}

GVariant *
sandlock_policy_model_get (SandlockPolicyModel *self,
                           const char          *field)
{
  GVariant *value;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  value = g_hash_table_lookup (self->values, field);
  return value ? g_variant_ref (value) : NULL;
}

void
sandlock_policy_model_set (SandlockPolicyModel *self,
                           const char          *field,
                           GVariant            *value)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_MODEL (self));
  g_return_if_fail (field != NULL);

  if (store (self, field, value))
    emit_changed (self, field);
}

void
sandlock_policy_model_set_variant (SandlockPolicyModel *self,
                                   GVariant            *policy)
{
  GVariantIter iter;
  const char *field;
  GVariant *value;

  g_return_if_fail (SANDLOCK_IS_POLICY_MODEL (self));
  g_return_if_fail (policy == NULL || g_variant_is_of_type (policy, G_VARIANT_TYPE_VARDICT));

  g_hash_table_remove_all (self->values);
  if (policy != NULL)
    {
      g_variant_ref_sink (policy);
      g_variant_iter_init (&iter, policy);
      while (g_variant_iter_loop (&iter, "{&sv}", &field, &value))
        store (self, field, value);
      g_variant_unref (policy);
    }
  emit_changed (self, NULL);
}

static int
compare_fields (gconstpointer a,
                gconstpointer b)
{
  const char *field_a = *(const char **) a;
  const char *field_b = *(const char **) b;
  int index_a = field_index (field_a);
  int index_b = field_index (field_b);

  if (index_a >= 0 && index_b >= 0)
    return index_a - index_b;
  if (index_a >= 0 || index_b >= 0)
    return index_a >= 0 ? -1 : 1;
  return strcmp (field_a, field_b);
}

/* A new reference (not floating) to the a{sv}, fields in schema order. */
GVariant *
sandlock_policy_model_to_variant (SandlockPolicyModel *self)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  GVariantBuilder builder;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_fields);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < keys->len; i++)
    g_variant_builder_add (&builder, "{sv}", g_ptr_array_index (keys, i),
                           g_hash_table_lookup (self->values, g_ptr_array_index (keys, i)));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

gboolean
sandlock_policy_model_is_empty (SandlockPolicyModel *self)
{
  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), TRUE);

  return g_hash_table_size (self->values) == 0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* ---- JSON --------------------------------------------------------------- */

char *
sandlock_policy_model_to_json (SandlockPolicyModel *self)
{
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  policy = sandlock_policy_model_to_variant (self);
  root = json_gvariant_serialize (policy);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json = json_generator_to_data (generator, NULL);
  return g_strconcat (json, "\n", NULL);
}

gboolean
sandlock_policy_model_load_json (SandlockPolicyModel  *self,
                                 const char           *json,
                                 GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("a policy is a JSON object such as {\"fs_readable\": [\"/usr\"]}"));
      return FALSE;
    }
  sandlock_policy_model_set_variant (self, sandlock_json_object_to_variant (json_node_get_object (root)));
  return TRUE;
}

/* ---- Typed access ------------------------------------------------------- */

GStrv
sandlock_policy_model_get_list (SandlockPolicyModel *self,
                                const char          *field)
{
  GVariant *value;
  GStrv items = NULL;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  value = g_hash_table_lookup (self->values, field);
  if (value != NULL)
    items = list_to_strv (value);
  return items != NULL ? items : g_new0 (char *, 1);
}

void
sandlock_policy_model_set_list (SandlockPolicyModel *self,
                                const char          *field,
                                const char * const  *items)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_MODEL (self));

  if (items == NULL || items[0] == NULL)
    {
      sandlock_policy_model_set (self, field, NULL);
      return;
    }
  /* Numbers as numbers; anything else stays text for validation to report. */
  if (sandlock_policy_field_get_kind (field) == SANDLOCK_POLICY_KIND_NUMBER_LIST)
    {
      GVariant *numbers = strv_to_numbers (items);

      if (numbers != NULL)
        {
          sandlock_policy_model_set (self, field, numbers);
          return;
        }
    }
  sandlock_policy_model_set (self, field, g_variant_new_strv (items, -1));
}

gboolean
sandlock_policy_model_add_item (SandlockPolicyModel *self,
                                const char          *field,
                                const char          *item)
{
  g_auto(GStrv) items = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) added = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  stripped = g_strstrip (g_strdup (item));
  items = sandlock_policy_model_get_list (self, field);
  if (*stripped == '\0' || g_strv_contains ((const char * const *) items, stripped))
    return FALSE;
  g_strv_builder_addv (builder, (const char **) items);
  g_strv_builder_add (builder, stripped);
  added = g_strv_builder_end (builder);
  sandlock_policy_model_set_list (self, field, (const char * const *) added);
  return TRUE;
}

gboolean
sandlock_policy_model_remove_item (SandlockPolicyModel *self,
                                   const char          *field,
                                   const char          *item)
{
  g_auto(GStrv) items = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), FALSE);

  items = sandlock_policy_model_get_list (self, field);
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (!found && g_strcmp0 (items[i], item) == 0)
        found = TRUE;
      else
        g_strv_builder_add (builder, items[i]);
    }
  if (!found)
    return FALSE;
  kept = g_strv_builder_end (builder);
  sandlock_policy_model_set_list (self, field, (const char * const *) kept);
  return TRUE;
}

char *
sandlock_policy_model_get_text (SandlockPolicyModel *self,
                                const char          *field)
{
  GVariant *value;
  gint64 number;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  value = g_hash_table_lookup (self->values, field);
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return sandlock_policy_field_get_kind (field) == SANDLOCK_POLICY_KIND_SIZE
           ? sandlock_policy_format_size (g_variant_get_uint64 (value))
           : g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
  if (variant_get_integer (value, &number))
    return g_strdup_printf ("%" G_GINT64_FORMAT, number);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "true" : "false");
  if (g_variant_type_is_array (g_variant_get_type (value)))
    {
      g_auto(GStrv) items = list_to_strv (value);

      if (items != NULL)
        return g_strjoinv (",", items);
    }
  return g_variant_print (value, FALSE);
}

void
sandlock_policy_model_set_text (SandlockPolicyModel *self,
                                const char          *field,
                                const char          *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (SANDLOCK_IS_POLICY_MODEL (self));

  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (*stripped == '\0')
    {
      sandlock_policy_model_set (self, field, NULL);
      return;
    }
  switch (sandlock_policy_field_get_kind (field))
    {
    case SANDLOCK_POLICY_KIND_PATH_LIST:
    case SANDLOCK_POLICY_KIND_STRING_LIST:
    case SANDLOCK_POLICY_KIND_NUMBER_LIST:
      {
        /* "0, 1" -> ["0", "1"] */
        g_auto(GStrv) items = g_strsplit_set (stripped, ",", -1);
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) kept = NULL;

        for (guint i = 0; items[i] != NULL; i++)
          if (*g_strstrip (items[i]) != '\0')
            g_strv_builder_add (builder, items[i]);
        kept = g_strv_builder_end (builder);
        sandlock_policy_model_set_list (self, field, (const char * const *) kept);
      }
      break;

    case SANDLOCK_POLICY_KIND_PATH:
    case SANDLOCK_POLICY_KIND_STRING:
    case SANDLOCK_POLICY_KIND_SIZE:
    case SANDLOCK_POLICY_KIND_INT:
    case SANDLOCK_POLICY_KIND_SEED:
    case SANDLOCK_POLICY_KIND_ACTION:
    case SANDLOCK_POLICY_KIND_BOOL:
    case SANDLOCK_POLICY_KIND_ENV:
    case SANDLOCK_POLICY_KIND_UNKNOWN:
    default:
      /* normalize() turns digits into numbers where the field takes them. */
      sandlock_policy_model_set (self, field, g_variant_new_string (stripped));
      break;
    }
}

gboolean
sandlock_policy_model_get_boolean (SandlockPolicyModel *self,
                                   const char          *field)
{
  GVariant *value;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), FALSE);

  value = g_hash_table_lookup (self->values, field);
  return value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)
         && g_variant_get_boolean (value);
}

void
sandlock_policy_model_set_boolean (SandlockPolicyModel *self,
                                   const char          *field,
                                   gboolean             value)
{
  sandlock_policy_model_set (self, field, g_variant_new_boolean (value));
}

gint64
sandlock_policy_model_get_int (SandlockPolicyModel *self,
                               const char          *field)
{
  GVariant *value;
  gint64 number;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), -1);

  value = g_hash_table_lookup (self->values, field);
  if (value == NULL || !variant_get_integer (value, &number))
    return -1;
  return number;
}

void
sandlock_policy_model_set_int (SandlockPolicyModel *self,
                               const char          *field,
                               gint64               value)
{
  sandlock_policy_model_set (self, field, value < 0 ? NULL : g_variant_new_int64 (value));
}

guint64
sandlock_policy_model_get_size (SandlockPolicyModel *self,
                                const char          *field)
{
  GVariant *value;
  guint64 bytes = 0;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), 0);

  value = g_hash_table_lookup (self->values, field);
  if (value == NULL)
    return 0;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return g_variant_get_uint64 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      && sandlock_policy_parse_size (g_variant_get_string (value, NULL), &bytes))
    return bytes;
  return 0;
}

void
sandlock_policy_model_set_size (SandlockPolicyModel *self,
                                const char          *field,
                                guint64              bytes)
{
  g_autofree char *text = bytes ? sandlock_policy_format_size (bytes) : NULL;

  sandlock_policy_model_set (self, field, text ? g_variant_new_string (text) : NULL);
}

GStrv
sandlock_policy_model_get_env (SandlockPolicyModel *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GVariant *value;
  GVariantIter iter;
  const char *name, *text;

  g_return_val_if_fail (SANDLOCK_IS_POLICY_MODEL (self), NULL);

  value = g_hash_table_lookup (self->values, "env");
  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE ("a{ss}")))
    {
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "{&s&s}", &name, &text))
        g_ptr_array_add (entries, g_strconcat (name, "=", text, NULL));
    }
  g_ptr_array_sort (entries, compare_strings);
  g_ptr_array_add (entries, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&entries), FALSE);
}

void
sandlock_policy_model_set_env_var (SandlockPolicyModel *self,
                                   const char          *name,
                                   const char          *value)
{
  g_auto(GStrv) entries = NULL;
  g_autofree char *prefix = NULL;
  GVariantBuilder builder;
  gboolean placed = FALSE;

  g_return_if_fail (SANDLOCK_IS_POLICY_MODEL (self));
  g_return_if_fail (name != NULL && *name != '\0');

  entries = sandlock_policy_model_get_env (self);
  prefix = g_strconcat (name, "=", NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; entries[i] != NULL; i++)
    {
      char *equals = strchr (entries[i], '=');

      *equals = '\0';
      if (strcmp (entries[i], name) == 0)
        {
          placed = TRUE;
          if (value != NULL)
            g_variant_builder_add (&builder, "{ss}", name, value);
        }
      else
        g_variant_builder_add (&builder, "{ss}", entries[i], equals + 1);
    }
  if (!placed && value != NULL)
    g_variant_builder_add (&builder, "{ss}", name, value);
  sandlock_policy_model_set (self, "env", g_variant_builder_end (&builder));
}

/* ---- Problems, names, presets ------------------------------------------- */

char *
sandlock_policy_problem_get_field (const char  *problem,
                                   char       **message)
{
  const char *colon;
  g_autofree char *field = NULL;

  if (message != NULL)
    *message = g_strdup (problem);
  if (problem == NULL || (colon = strchr (problem, ':')) == NULL)
    return NULL;
  field = g_strndup (problem, colon - problem);
  if (field_index (field) < 0)
    return NULL;
  if (message != NULL)
    {
      g_free (*message);
      *message = g_strdup (colon[1] == ' ' ? colon + 2 : colon + 1);
    }
  return g_steal_pointer (&field);
}

gboolean
sandlock_policy_problem_names_item (const char *problem,
                                    const char *item)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *quoted = NULL;
  gsize length;

  g_return_val_if_fail (problem != NULL, FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  lines = g_strsplit (problem, "\n", -1);
  quoted = g_strdup_printf ("\"%s\"", item);
  length = strlen (item);
  for (guint i = 0; lines[i] != NULL; i++)
    if ((g_str_has_prefix (lines[i], item) && strchr (" :", lines[i][length]) != NULL)
        || strstr (lines[i], quoted) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
sandlock_policy_profile_name_is_valid (const char *name)
{
  gsize length;

  if (name == NULL || name[0] == '\0' || name[0] == '.')
    return FALSE;
  length = strlen (name);
  if (length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
      return FALSE;
  return TRUE;
}

gboolean
sandlock_policy_preset_from_string (const char           *name,
                                    SandlockPolicyPreset *preset)
{
  static const char *names[] = { "untrusted", "build-tool", "network-client" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        *preset = (SandlockPolicyPreset) i;
        return TRUE;
      }
  return FALSE;
}

SandlockPolicyModel *
sandlock_policy_model_new_preset (SandlockPolicyPreset  preset,
                                  const char           *project_dir)
{
  /* The system, read-only. /dev/null writable in every preset: programs
   * and shells send what they do not want there, and it keeps nothing. */
  static const char *system[] = { "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", NULL };
  static const char *web[] = { ":443", ":80", NULL };
  SandlockPolicyModel *self = sandlock_policy_model_new ();

  store (self, "fs_readable", g_variant_new_strv (system, -1));
  switch (preset)
    {
    case SANDLOCK_POLICY_PRESET_UNTRUSTED:
      store (self, "fs_writable", g_variant_new_strv ((const char *[]) { "/tmp", "/dev/null", NULL }, -1));
      break;

    case SANDLOCK_POLICY_PRESET_BUILD_TOOL:
      {
        const char *writable[] = { "/tmp", "/dev/null", project_dir, NULL };

        store (self, "fs_writable", g_variant_new_strv (writable, -1));
        if (project_dir != NULL)
          store (self, "cwd", g_variant_new_string (project_dir));
        /* Compilers, make -j and test runners fork a lot. */
        store (self, "max_processes", g_variant_new_int64 (1024));
        store (self, "max_open_files", g_variant_new_int64 (65536));
      }
      break;

    case SANDLOCK_POLICY_PRESET_NETWORK_CLIENT:
      store (self, "fs_writable", g_variant_new_strv ((const char *[]) { "/dev/null", NULL }, -1));
      store (self, "net_allow", g_variant_new_strv (web, -1));
      store (self, "allow_udp", g_variant_new_boolean (FALSE));
      break;

    default:
      g_assert_not_reached ();
    }
  return self;
}

/* ---- GObject ------------------------------------------------------------ */

static void
sandlock_policy_model_finalize (GObject *object)
{
  SandlockPolicyModel *self = SANDLOCK_POLICY_MODEL (object);

  g_hash_table_unref (self->values);
  G_OBJECT_CLASS (sandlock_policy_model_parent_class)->finalize (object);
}

static void
sandlock_policy_model_class_init (SandlockPolicyModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sandlock_policy_model_finalize;

  /**
   * SandlockPolicyModel::changed:
   * @field: (nullable): the field, or NULL when the whole policy was replaced
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sandlock_policy_model_init (SandlockPolicyModel *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_variant_unref);
}

SandlockPolicyModel *
sandlock_policy_model_new (void)
{
  return g_object_new (SANDLOCK_TYPE_POLICY_MODEL, NULL);
}

SandlockPolicyModel *
sandlock_policy_model_new_from_variant (GVariant *policy)
{
  SandlockPolicyModel *self = sandlock_policy_model_new ();

  if (policy != NULL)
    sandlock_policy_model_set_variant (self, policy);
  return self;
}
