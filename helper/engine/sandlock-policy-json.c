/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sandlock-policy-private.h"

/*
 * Reading and writing policies as JSON. Values go through the textual
 * parser of sandlock-policy.c, so JSON and set() agree on every field.
 */

typedef enum {
  SHAPE_SCALAR,
  SHAPE_LIST,
  SHAPE_MAP,
} Shape;

/* The JSON scalar types that may spell one value (or list element). */
enum {
  JSON_STRING = 1 << 0,
  JSON_INT    = 1 << 1,
  JSON_BOOL   = 1 << 2,
};

/* How a kind is spelled in JSON; its storage is sandlock-policy.c's. */
typedef struct {
  Shape            shape;
  guint            json;          /* JSON_* accepted */
  const char      *expected;      /* shown when the JSON type is wrong */
} JsonKind;

#define KIND(shape_, json_, expected_)                                  \
  { .shape = SHAPE_##shape_, .json = (json_), .expected = (expected_) }

static const JsonKind json_kinds[] = {
  [SANDLOCK_FIELD_PATH_LIST] =
    KIND (LIST, JSON_STRING, "an array of paths"),
  [SANDLOCK_FIELD_STRING_LIST] =
    KIND (LIST, JSON_STRING, "an array of strings"),
  [SANDLOCK_FIELD_NET_RULES] =
    KIND (LIST, JSON_STRING,
          "an array of rules such as \":443\" or \"example.com:22,443\""),
  [SANDLOCK_FIELD_HTTP_RULES] =
    KIND (LIST, JSON_STRING,
          "an array of rules such as \"GET example.com/*\""),
  [SANDLOCK_FIELD_PORT_LIST] =
    KIND (LIST, JSON_INT | JSON_STRING, "an array of port numbers"),
  [SANDLOCK_FIELD_UINT_LIST] =
    KIND (LIST, JSON_INT | JSON_STRING, "an array of numbers"),
  [SANDLOCK_FIELD_DEVICE_LIST] =
    KIND (LIST, JSON_INT | JSON_STRING,
          "an array of device numbers ([] for all devices)"),
  [SANDLOCK_FIELD_PATH] =
    KIND (SCALAR, JSON_STRING, "a path (a string)"),
  [SANDLOCK_FIELD_STRING] =
    KIND (SCALAR, JSON_STRING, "a string"),
  [SANDLOCK_FIELD_TIME] =
    KIND (SCALAR, JSON_STRING,
          "an ISO 8601 time such as \"2000-01-01T00:00:00Z\""),
  [SANDLOCK_FIELD_SIZE] =
    KIND (SCALAR, JSON_STRING | JSON_INT,
          "a size such as \"512M\" or a number of bytes"),
  [SANDLOCK_FIELD_INT] =
    KIND (SCALAR, JSON_INT, "a number"),
  [SANDLOCK_FIELD_BOOL] =
    KIND (SCALAR, JSON_BOOL, "true or false"),
  [SANDLOCK_FIELD_ACTION] =
    KIND (SCALAR, JSON_STRING, "\"commit\", \"abort\" or \"keep\""),
  [SANDLOCK_FIELD_ENV] =
    KIND (MAP, JSON_STRING,
          "an object of strings such as {\"LANG\": \"C.UTF-8\"}"),
  [SANDLOCK_FIELD_MOUNT] =
    KIND (MAP, JSON_STRING,
          "an object mapping sandbox paths to host paths such as "
          "{\"/work\": \"/home/me/work\"}"),
  /* Seeds above G_MAXINT64 do not fit a JSON integer: they travel as
   * digit strings. */
  [SANDLOCK_FIELD_SEED] =
    KIND (SCALAR, JSON_INT | JSON_STRING, "a number"),
};

#undef KIND

/* ------------------------------------------------------------------------ */
/* JSON in                                                                  */
/* ------------------------------------------------------------------------ */

/* The text of a JSON scalar, when its type is one the kind accepts. */
static char *
json_scalar_text (JsonNode *node,
                  guint     accepted)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return (accepted & JSON_STRING) ? json_node_dup_string (node) : NULL;
    case G_TYPE_INT64:
      return (accepted & JSON_INT)
        ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node))
        : NULL;
    case G_TYPE_BOOLEAN:
      return (accepted & JSON_BOOL)
        ? g_strdup (json_node_get_boolean (node) ? "true" : "false")
        : NULL;
    default:
      return NULL;
    }
}

/* Replaces the field with the JSON value; null resets it. */
static gboolean
field_set_json (SandlockPolicy      *policy,
                const SandlockField *field,
                JsonNode            *node,
                GError             **error)
{
  const JsonKind *kind = &json_kinds[field->kind];
  g_autofree char *text = NULL;

  sandlock_policy_field_reset (policy, field);
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  switch (kind->shape)
    {
    case SHAPE_SCALAR:
      text = json_scalar_text (node, kind->json);
      if (text != NULL)
        return sandlock_policy_field_add_text (policy, field, text, error);
      break;

    case SHAPE_LIST:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          break;
        array = json_node_get_array (node);
        if (field->kind == SANDLOCK_FIELD_DEVICE_LIST)
          sandlock_policy_field_materialize (policy, field);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *item =
              json_scalar_text (json_array_get_element (array, i), kind->json);

            if (item == NULL)
              goto wrong_type;
            if (!sandlock_policy_field_add_text (policy, field, item, error))
              return FALSE;
          }
        return TRUE;
      }

    case SHAPE_MAP:
      {
        JsonObject *object;
        g_autoptr(GList) members = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          break;
        object = json_node_get_object (node);
        members = json_object_get_members (object);
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *value =
              json_scalar_text (json_object_get_member (object, l->data),
                                kind->json);

            if (value == NULL)
              goto wrong_type;
            if (!sandlock_policy_field_put (policy, field, l->data, value,
                                            error))
              return FALSE;
          }
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }

wrong_type:
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
               "expected %s", kind->expected);
  return FALSE;
}

/*
 * json-glib 1.6 silently cuts a string at an escaped NUL and wraps integers
 * beyond 64 bits (18446744073709551617 reads as 1): refuse both up front
 * rather than run with a value nobody wrote.
 */
static gboolean
json_precheck (const char *json,
               gsize       length,
               GError    **error)
{
  gboolean in_string = FALSE;

  if (memchr (json, '\0', length) != NULL)
    goto nul;

  for (gsize i = 0; i < length; i++)
    {
      if (in_string)
        {
          if (json[i] == '"')
            in_string = FALSE;
          else if (json[i] == '\\' && i + 1 < length)
            {
              if (json[i + 1] == 'u' && i + 5 < length
                  && strncmp (json + i + 2, "0000", 4) == 0)
                goto nul;
              i++;
            }
        }
      else if (json[i] == '"')
        in_string = TRUE;
      else if (json[i] == '-' || g_ascii_isdigit (json[i]))
        {
          gsize digits = i + (json[i] == '-');
          gsize end = digits;
          gboolean integer = TRUE;

          for (; end < length && strchr ("0123456789.eE+-", json[end]) != NULL;
               end++)
            integer = integer && g_ascii_isdigit (json[end]);
          /* Fractions and exponents are doubles, refused by type later. */
          if (integer
              && (end - digits > 19
                  || (end - digits == 19
                      && strncmp (json + digits, "9223372036854775807", 19) > 0)))
            {
              g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                           "the number %.*s is too large "
                           "(at most 9223372036854775807)",
                           (int) (end - i), json + i);
              return FALSE;
            }
          i = end - 1;
        }
    }
  return TRUE;

nul:
  g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "the policy contains a NUL character, which no value "
                       "may hold");
  return FALSE;
}

static gboolean
policy_apply_json (SandlockPolicy *policy,
                   const char     *json,
                   gssize          length,
                   GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  gsize size = length < 0 ? strlen (json) : (gsize) length;
  JsonNode *root;
  JsonObject *object;

  if (!json_precheck (json, size, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, json, size, &local_error))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                   "the policy is not valid JSON: %s", local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                           "the policy must be a JSON object such as "
                           "{\"fs_readable\": [\"/usr\"]}");
      return FALSE;
    }

  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const SandlockField *field =
        sandlock_policy_lookup_field_or_error (l->data, error);

      if (field == NULL)
        return FALSE;
      if (!field_set_json (policy, field,
                           json_object_get_member (object, l->data), error))
        {
          g_prefix_error (error, "%s: ", field->name);
          return FALSE;
        }
    }
  return TRUE;
}

SandlockPolicy *
sandlock_policy_new_from_json (const char *json,
                               gssize      length,
                               GError    **error)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!policy_apply_json (policy, json, length, error))
    return NULL;
  return g_steal_pointer (&policy);
}

SandlockPolicy *
sandlock_policy_new_from_file (const char *path,
                               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  SandlockPolicy *policy;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A missing profile is bad input like a malformed one, not a setup
   * failure: keep it in our domain so front ends exit with usage. */
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                           local_error->message);
      return NULL;
    }

  policy = sandlock_policy_new_from_json (contents, length, error);
  if (policy == NULL)
    g_prefix_error (error, "%s: ", path);
  return policy;
}

gboolean
sandlock_policy_merge_json (SandlockPolicy *policy,
                            const char     *json,
                            gssize          length,
                            GError        **error)
{
  g_autoptr(SandlockPolicy) merged = NULL;
  SandlockPolicy swap;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Work on a copy so that a bad value leaves the policy untouched. */
  merged = sandlock_policy_copy (policy);
  if (!policy_apply_json (merged, json, length, error))
    return FALSE;

  swap = *policy;
  *policy = *merged;
  *merged = swap;
  policy->ref_count = merged->ref_count;
  merged->ref_count = 1;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* JSON out                                                                 */
/* ------------------------------------------------------------------------ */

/* The largest exact unit, so that 536870912 reads "512M". */
static char *
format_size (guint64 bytes)
{
  static const char units[] = "TGMK";

  for (guint i = 0; units[i] != '\0'; i++)
    {
      guint shift = 10 * (guint) (4 - i);

      if (bytes != 0 && bytes % (G_GUINT64_CONSTANT (1) << shift) == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT "%c",
                                bytes >> shift, units[i]);
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
}

static void
field_to_json (SandlockPolicy      *policy,
               const SandlockField *field,
               JsonBuilder         *builder)
{
  gpointer member = G_STRUCT_MEMBER_P (policy, field->offset);

  switch (field->kind)
    {
    case SANDLOCK_FIELD_PATH_LIST:
    case SANDLOCK_FIELD_STRING_LIST:
    case SANDLOCK_FIELD_NET_RULES:
    case SANDLOCK_FIELD_HTTP_RULES:
      {
        GPtrArray *array = *(GPtrArray **) member;

        json_builder_begin_array (builder);
        for (guint i = 0; i < array->len; i++)
          {
            g_autofree char *text =
              field->kind == SANDLOCK_FIELD_NET_RULES
              ? sandlock_net_rule_to_string (g_ptr_array_index (array, i))
              : g_strdup (g_ptr_array_index (array, i));

            json_builder_add_string_value (builder, text);
          }
        json_builder_end_array (builder);
        break;
      }

    case SANDLOCK_FIELD_PORT_LIST:
    case SANDLOCK_FIELD_UINT_LIST:
    case SANDLOCK_FIELD_DEVICE_LIST:
      {
        GArray *array = *(GArray **) member;

        json_builder_begin_array (builder);
        for (guint i = 0; i < array->len; i++)
          json_builder_add_int_value (builder,
                                      field->kind == SANDLOCK_FIELD_PORT_LIST
                                      ? g_array_index (array, guint16, i)
                                      : g_array_index (array, guint, i));
        json_builder_end_array (builder);
        break;
      }

    case SANDLOCK_FIELD_PATH:
    case SANDLOCK_FIELD_STRING:
    case SANDLOCK_FIELD_TIME:
      json_builder_add_string_value (builder, *(char **) member);
      break;

    case SANDLOCK_FIELD_SIZE:
      {
        g_autofree char *text = format_size (*(guint64 *) member);

        json_builder_add_string_value (builder, text);
        break;
      }

    case SANDLOCK_FIELD_INT:
      json_builder_add_int_value (builder, *(gint64 *) member);
      break;

    case SANDLOCK_FIELD_BOOL:
      json_builder_add_boolean_value (builder, *(gboolean *) member);
      break;

    case SANDLOCK_FIELD_ACTION:
      json_builder_add_string_value (
        builder, sandlock_policy_action_names[*(SandlockAction *) member]);
      break;

    case SANDLOCK_FIELD_ENV:
    case SANDLOCK_FIELD_MOUNT:
      {
        GHashTable *map = *(GHashTable **) member;
        /* Sorted, so equal policies give equal JSON. */
        g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (map),
                                             (GCompareFunc) g_strcmp0);

        json_builder_begin_object (builder);
        for (GList *l = keys; l != NULL; l = l->next)
          {
            json_builder_set_member_name (builder, l->data);
            json_builder_add_string_value (builder,
                                           g_hash_table_lookup (map, l->data));
          }
        json_builder_end_object (builder);
        break;
      }

    case SANDLOCK_FIELD_SEED:
      {
        guint64 seed = *(guint64 *) member;

        if (seed <= G_MAXINT64)
          json_builder_add_int_value (builder, (gint64) seed);
        else
          {
            g_autofree char *text =
              g_strdup_printf ("%" G_GUINT64_FORMAT, seed);

            json_builder_add_string_value (builder, text);
          }
        break;
      }

    default:
      g_assert_not_reached ();
    }
}

char *
sandlock_policy_to_json (SandlockPolicy *policy)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const SandlockField *fields;
  gsize n_fields;

  g_return_val_if_fail (policy != NULL, NULL);

  fields = sandlock_policy_get_fields (&n_fields);
  json_builder_begin_object (builder);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (!sandlock_policy_field_is_set (policy, &fields[i]))
        continue;
      json_builder_set_member_name (builder, fields[i].name);
      field_to_json (policy, &fields[i], builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}
