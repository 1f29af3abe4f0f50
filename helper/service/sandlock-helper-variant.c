/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include "sandlock-helper-variant.h"

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

SandlockPolicy *
sandlock_helper_policy_from_variant (GVariant  *dict,
                                     GPtrArray *problems)
{
  SandlockPolicy *policy = sandlock_policy_new ();
  GVariantIter iter;
  const char *field;
  GVariant *value;
  guint problems_before = problems->len;

  g_return_val_if_fail (g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT), policy);

  /* One field at a time, so every malformed field is reported, not just
   * the first. */
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &field, &value))
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      json_object_set_member (object, field, json_gvariant_serialize (value));
      json_node_set_object (root, object);
      json = node_to_string (root);
      if (!sandlock_policy_merge_json (policy, json, -1, &error))
        g_ptr_array_add (problems, g_strdup (error->message));
    }

  /* Whole-policy checks only make sense once every field was read. */
  if (problems->len == problems_before)
    {
      g_autoptr(GPtrArray) checks = sandlock_policy_check (policy);

      for (guint i = 0; i < checks->len; i++)
        g_ptr_array_add (problems, g_strdup (g_ptr_array_index (checks, i)));
    }
  return policy;
}

GVariant *
sandlock_helper_policy_to_variant (SandlockPolicy *policy)
{
  g_autofree char *json = sandlock_policy_to_json (policy);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_variant_new ("a{sv}", NULL);
  return sandlock_helper_json_to_variant (node);
}

static gboolean
array_all_of (JsonArray *array,
              JsonNodeType type,
              GType        value_type)
{
  guint n = json_array_get_length (array);

  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_node_type (element) != type)
        return FALSE;
      if (value_type != G_TYPE_INVALID && json_node_get_value_type (element) != value_type)
        return FALSE;
    }
  return TRUE;
}

static GVariant *
array_to_variant (JsonArray *array)
{
  guint n = json_array_get_length (array);
  GVariantBuilder builder;

  if (n == 0 || array_all_of (array, JSON_NODE_VALUE, G_TYPE_STRING))
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE_STRING_ARRAY);
      for (guint i = 0; i < n; i++)
        g_variant_builder_add (&builder, "s", json_array_get_string_element (array, i));
    }
  else if (array_all_of (array, JSON_NODE_VALUE, G_TYPE_INT64))
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
      for (guint i = 0; i < n; i++)
        g_variant_builder_add (&builder, "x", json_array_get_int_element (array, i));
    }
  else if (array_all_of (array, JSON_NODE_OBJECT, G_TYPE_INVALID))
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
      for (guint i = 0; i < n; i++)
        g_variant_builder_add_value (&builder,
          sandlock_helper_json_object_to_variant (json_array_get_object_element (array, i)));
    }
  else
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
      for (guint i = 0; i < n; i++)
        {
          GVariant *element = sandlock_helper_json_to_variant (json_array_get_element (array, i));

          if (element != NULL)
            g_variant_builder_add (&builder, "v", element);
        }
    }
  return g_variant_builder_end (&builder);
}

GVariant *
sandlock_helper_json_object_to_variant (JsonObject *object)
{
  GVariantBuilder builder;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &node))
    {
      GVariant *value = sandlock_helper_json_to_variant (node);

      if (value != NULL)
        g_variant_builder_add (&builder, "{sv}", member, value);
    }
  return g_variant_builder_end (&builder);
}

GVariant *
sandlock_helper_json_to_variant (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return sandlock_helper_json_object_to_variant (json_node_get_object (node));
    case JSON_NODE_ARRAY:
      return array_to_variant (json_node_get_array (node));
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return g_variant_new_string (json_node_get_string (node));
        case G_TYPE_INT64:
          return g_variant_new_int64 (json_node_get_int (node));
        case G_TYPE_DOUBLE:
          return g_variant_new_double (json_node_get_double (node));
        case G_TYPE_BOOLEAN:
          return g_variant_new_boolean (json_node_get_boolean (node));
        default:
          return NULL;
        }
    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}
