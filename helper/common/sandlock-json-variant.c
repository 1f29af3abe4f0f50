/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "sandlock-json-variant.h"

/*
 * JSON to GVariant with the types a D-Bus client expects: json-glib's own
 * conversion guesses "av" for every array, which would hand clients a
 * path list as variants of strings.
 */

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
          sandlock_json_object_to_variant (json_array_get_object_element (array, i)));
    }
  else
    {
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
      for (guint i = 0; i < n; i++)
        {
          GVariant *element = sandlock_json_to_variant (json_array_get_element (array, i));

          if (element != NULL)
            g_variant_builder_add (&builder, "v", element);
        }
    }
  return g_variant_builder_end (&builder);
}

GVariant *
sandlock_json_object_to_variant (JsonObject *object)
{
  GVariantBuilder builder;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &node))
    {
      GVariant *value = sandlock_json_to_variant (node);

      if (value != NULL)
        g_variant_builder_add (&builder, "{sv}", member, value);
    }
  return g_variant_builder_end (&builder);
}

GVariant *
sandlock_json_to_variant (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return sandlock_json_object_to_variant (json_node_get_object (node));
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
