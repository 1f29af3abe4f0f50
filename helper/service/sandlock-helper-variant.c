/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-helper"
#include "config.h"

#include "sandlock-helper-variant.h"
#include "sandlock-json-variant.h"

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
  return sandlock_json_to_variant (node);
}
