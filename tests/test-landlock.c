/* SPDX-License-Identifier: Apache-2.0 */
/* What the engine says a kernel lacks, for every Landlock ABI level. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "sandlock-landlock.h"

static gboolean
mentions (GPtrArray  *missing,
          const char *needle)
{
  for (guint i = 0; i < missing->len; i++)
    if (strstr (missing->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_missing_by_abi (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();

  for (int abi = 0; abi <= 8; abi++)
    {
      g_autoptr(GPtrArray) missing = sandlock_landlock_missing (policy, abi);

      g_test_message ("ABI %d: %u missing", abi, missing->len);
      if (abi == 0)
        {
          g_assert_cmpuint (missing->len, ==, 1);
          g_assert_true (mentions (missing, "not available"));
          continue;
        }
      /* Everything up to ABI 6 is required; each level names its kernel. */
      g_assert_cmpuint (missing->len, ==, abi >= 6 ? 0 : 6 - abi);
      g_assert_cmpint (mentions (missing, "truncation"), ==, abi < 3);
      g_assert_cmpint (mentions (missing, "TCP"), ==, abi < 4);
      g_assert_cmpint (mentions (missing, "ioctl"), ==, abi < 5);
      g_assert_cmpint (mentions (missing, "signal scoping"), ==, abi < 6);
      g_assert_cmpint (mentions (missing, "Linux 6.12"), ==, abi < 6);
      g_assert_false (mentions (missing, "audit"));   /* ABI 7 is optional */
    }
}

static void
test_levels_json (void)
{
  g_autofree char *json = sandlock_landlock_describe_levels_json ();
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonArray *levels = json_node_get_array (node);
  int abi = sandlock_landlock_abi ();

  g_assert_cmpuint (json_array_get_length (levels), ==, 7);
  for (guint i = 0; i < json_array_get_length (levels); i++)
    {
      JsonObject *level = json_array_get_object_element (levels, i);
      gint64 n = json_object_get_int_member (level, "abi");

      g_assert_cmpint (n, ==, i + 1);
      g_assert_cmpint (json_object_get_boolean_member (level, "available"), ==, n <= abi);
      g_assert_cmpint (json_object_get_boolean_member (level, "required"), ==, n <= 6);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/landlock/missing-by-abi", test_missing_by_abi);
  g_test_add_func ("/landlock/levels-json", test_levels_json);
  return g_test_run ();
}
