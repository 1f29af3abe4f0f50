/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <json-glib/json-glib.h>

#include "sandlock-http-rule.h"
#include "sandlock-policy-model.h"

/* The policy the tests start from: every kind of field, in the types a
 * caller (or GetProfile) might send. */
static GVariant *
sample_policy (void)
{
  GVariantBuilder env;
  GVariantBuilder policy;
  const char *readable[] = { "/usr", "/etc", NULL };
  const char *net[] = { ":443", "example.com:22,80", NULL };

  g_variant_builder_init (&env, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&env, "{ss}", "LANG", "C.UTF-8");
  g_variant_builder_add (&env, "{ss}", "EDITOR", "vi");

  g_variant_builder_init (&policy, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&policy, "{sv}", "fs_readable", g_variant_new_strv (readable, -1));
  g_variant_builder_add (&policy, "{sv}", "net_allow", g_variant_new_strv (net, -1));
  g_variant_builder_add (&policy, "{sv}", "net_bind", g_variant_new_parsed ("@aq [8080, 8443]"));
  g_variant_builder_add (&policy, "{sv}", "max_memory", g_variant_new_string ("512M"));
  g_variant_builder_add (&policy, "{sv}", "max_disk", g_variant_new_uint64 (G_GUINT64_CONSTANT (2) << 30));
  g_variant_builder_add (&policy, "{sv}", "max_processes", g_variant_new_uint32 (20));
  g_variant_builder_add (&policy, "{sv}", "max_cpu", g_variant_new_int64 (50));
  g_variant_builder_add (&policy, "{sv}", "allow_udp", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&policy, "{sv}", "on_exit", g_variant_new_string ("keep"));
  g_variant_builder_add (&policy, "{sv}", "cpu_cores", g_variant_new_parsed ("@ax [0, 1]"));
  g_variant_builder_add (&policy, "{sv}", "time_start", g_variant_new_string ("2000-01-01T00:00:00Z"));
  g_variant_builder_add (&policy, "{sv}", "env", g_variant_builder_end (&env));
  return g_variant_builder_end (&policy);
}

static void
check_sample (SandlockPolicyModel *model)
{
  g_auto(GStrv) readable = sandlock_policy_model_get_list (model, "fs_readable");
  g_auto(GStrv) net = sandlock_policy_model_get_list (model, "net_allow");
  g_auto(GStrv) ports = sandlock_policy_model_get_list (model, "net_bind");
  g_auto(GStrv) env = sandlock_policy_model_get_env (model);
  g_autofree char *cores = sandlock_policy_model_get_text (model, "cpu_cores");
  g_autofree char *time_start = sandlock_policy_model_get_text (model, "time_start");
  g_autofree char *on_exit = sandlock_policy_model_get_text (model, "on_exit");
  const char *expected_readable[] = { "/usr", "/etc", NULL };
  const char *expected_net[] = { ":443", "example.com:22,80", NULL };
  const char *expected_ports[] = { "8080", "8443", NULL };
  const char *expected_env[] = { "EDITOR=vi", "LANG=C.UTF-8", NULL };

  g_assert_cmpstrv (readable, expected_readable);
  g_assert_cmpstrv (net, expected_net);
  g_assert_cmpstrv (ports, expected_ports);
  g_assert_cmpstrv (env, expected_env);
  g_assert_cmpuint (sandlock_policy_model_get_size (model, "max_memory"), ==, 512 << 20);
  g_assert_cmpuint (sandlock_policy_model_get_size (model, "max_disk"), ==, G_GUINT64_CONSTANT (2) << 30);
  g_assert_cmpint (sandlock_policy_model_get_int (model, "max_processes"), ==, 20);
  g_assert_cmpint (sandlock_policy_model_get_int (model, "max_cpu"), ==, 50);
  g_assert_cmpint (sandlock_policy_model_get_int (model, "max_open_files"), ==, -1);
  g_assert_true (sandlock_policy_model_get_boolean (model, "allow_udp"));
  g_assert_false (sandlock_policy_model_get_boolean (model, "allow_icmp"));
  g_assert_cmpstr (cores, ==, "0,1");
  g_assert_cmpstr (time_start, ==, "2000-01-01T00:00:00Z");
  g_assert_cmpstr (on_exit, ==, "keep");
}

static void
test_variant_round_trip (void)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_from_variant (sample_policy ());
  g_autoptr(SandlockPolicyModel) again = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariant) variant_again = NULL;
  g_autoptr(GVariant) ports = NULL;
  g_autoptr(GVariant) processes = NULL;

  check_sample (model);

  /* Normalized types: what the helper reads, whatever came in. */
  variant = sandlock_policy_model_to_variant (model);
  g_assert_true (g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT));
  ports = g_variant_lookup_value (variant, "net_bind", NULL);
  g_assert_cmpstr (g_variant_get_type_string (ports), ==, "au");
  processes = g_variant_lookup_value (variant, "max_processes", NULL);
  g_assert_cmpstr (g_variant_get_type_string (processes), ==, "x");

  again = sandlock_policy_model_new_from_variant (variant);
  check_sample (again);
  variant_again = sandlock_policy_model_to_variant (again);
  g_assert_true (g_variant_equal (variant, variant_again));
}

static void
test_json_round_trip (void)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_from_variant (sample_policy ());
  g_autoptr(SandlockPolicyModel) imported = sandlock_policy_model_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) a = NULL;
  g_autoptr(GVariant) b = NULL;
  g_autofree char *json = sandlock_policy_model_to_json (model);
  JsonObject *object;

  /* The file is the schema's JSON, as profiles and `sandlock --profile-file` read it. */
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "fs_readable"), 0),
                   ==, "/usr");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (object, "net_bind"), 1),
                   ==, 8443);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "env"), "LANG"),
                   ==, "C.UTF-8");
  g_assert_cmpstr (json_object_get_string_member (object, "max_memory"), ==, "512M");
  g_assert_cmpint (json_object_get_int_member (object, "max_processes"), ==, 20);
  g_assert_true (json_object_get_boolean_member (object, "allow_udp"));

  g_assert_true (sandlock_policy_model_load_json (imported, json, &error));
  g_assert_no_error (error);
  check_sample (imported);
  a = sandlock_policy_model_to_variant (model);
  b = sandlock_policy_model_to_variant (imported);
  g_assert_true (g_variant_equal (a, b));

  /* Bad JSON leaves the policy as it was. */
  g_assert_false (sandlock_policy_model_load_json (imported, "[1, 2]", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (sandlock_policy_model_load_json (imported, "{\"fs_readable\": ", &error));
  g_assert_nonnull (error);
  check_sample (imported);
}

static void
test_unknown_values_kept (void)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) size = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autofree char *text = NULL;

  /* A size that is no size, and a field this editor does not show, pass
   * through untouched so that ValidatePolicy can name them. */
  g_assert_true (sandlock_policy_model_load_json (model,
                                                  "{\"max_memory\": \"lots\", \"name\": \"web\", "
                                                  "\"uid\": 0, \"gpu_devices\": []}", &error));
  g_assert_no_error (error);
  size = sandlock_policy_model_get (model, "max_memory");
  g_assert_cmpstr (g_variant_get_string (size, NULL), ==, "lots");
  g_assert_cmpuint (sandlock_policy_model_get_size (model, "max_memory"), ==, 0);
  name = sandlock_policy_model_get (model, "name");
  g_assert_cmpstr (g_variant_get_string (name, NULL), ==, "web");
  g_assert_cmpint (sandlock_policy_model_get_int (model, "uid"), ==, 0);
  g_assert_true (sandlock_policy_model_has (model, "gpu_devices"));

  /* Text for numbers stays text when it is not one. */
  sandlock_policy_model_set_text (model, "max_processes", "many");
  text = sandlock_policy_model_get_text (model, "max_processes");
  g_assert_cmpstr (text, ==, "many");
  g_assert_cmpint (sandlock_policy_model_get_int (model, "max_processes"), ==, -1);
  sandlock_policy_model_set_text (model, "max_processes", " 64 ");
  g_assert_cmpint (sandlock_policy_model_get_int (model, "max_processes"), ==, 64);
  sandlock_policy_model_set_text (model, "max_processes", "");
  g_assert_false (sandlock_policy_model_has (model, "max_processes"));
}

static void
test_presets (void)
{
  const char *system[] = { "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", NULL };
  SandlockPolicyPreset preset;

  {
    g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_preset (SANDLOCK_POLICY_PRESET_UNTRUSTED, NULL);
    g_autoptr(GVariant) variant = sandlock_policy_model_to_variant (model);
    g_auto(GStrv) readable = sandlock_policy_model_get_list (model, "fs_readable");
    g_auto(GStrv) writable = sandlock_policy_model_get_list (model, "fs_writable");
    const char *expected_writable[] = { "/tmp", "/dev/null", NULL };

    g_assert_cmpstrv (readable, system);
    g_assert_cmpstrv (writable, expected_writable);
    /* No network: no rules, no UDP, no ICMP; nothing else at all. */
    g_assert_false (sandlock_policy_model_has (model, "net_allow"));
    g_assert_false (sandlock_policy_model_has (model, "allow_udp"));
    g_assert_cmpuint (g_variant_n_children (variant), ==, 2);
  }
  {
    g_autoptr(SandlockPolicyModel) model =
      sandlock_policy_model_new_preset (SANDLOCK_POLICY_PRESET_BUILD_TOOL, "/home/me/project");
    g_auto(GStrv) readable = sandlock_policy_model_get_list (model, "fs_readable");
    g_auto(GStrv) writable = sandlock_policy_model_get_list (model, "fs_writable");
    g_autofree char *cwd = sandlock_policy_model_get_text (model, "cwd");

    g_assert_cmpstrv (readable, system);
    g_assert_true (g_strv_contains ((const char * const *) writable, "/home/me/project"));
    g_assert_cmpstr (cwd, ==, "/home/me/project");
    g_assert_cmpint (sandlock_policy_model_get_int (model, "max_processes"), >=, 256);
    g_assert_false (sandlock_policy_model_has (model, "net_allow"));
  }
  {
    g_autoptr(SandlockPolicyModel) model =
      sandlock_policy_model_new_preset (SANDLOCK_POLICY_PRESET_NETWORK_CLIENT, NULL);
    g_auto(GStrv) readable = sandlock_policy_model_get_list (model, "fs_readable");
    g_auto(GStrv) net = sandlock_policy_model_get_list (model, "net_allow");
    g_auto(GStrv) writable = sandlock_policy_model_get_list (model, "fs_writable");
    const char *expected_net[] = { ":443", ":80", NULL };
    const char *only_null[] = { "/dev/null", NULL };

    g_assert_cmpstrv (readable, system);
    g_assert_cmpstrv (net, expected_net);
    g_assert_false (sandlock_policy_model_get_boolean (model, "allow_udp"));
    g_assert_cmpstrv (writable, only_null);
  }

  g_assert_true (sandlock_policy_preset_from_string ("network-client", &preset));
  g_assert_cmpint (preset, ==, SANDLOCK_POLICY_PRESET_NETWORK_CLIENT);
  g_assert_false (sandlock_policy_preset_from_string ("everything", &preset));
}

static void
test_problem_field (void)
{
  static const struct {
    const char *problem;
    const char *field;
    const char *message;
  } cases[] = {
    { "max_memory: \"lots\" is not a size (use e.g. 512M or 2G)", "max_memory",
      "\"lots\" is not a size (use e.g. 512M or 2G)" },
    { "fs_readable: /nope does not exist", "fs_readable", "/nope does not exist" },
    { "net_allow:bad", "net_allow", "bad" },
    { "chroot: not supported yet", "chroot", "not supported yet" },
    /* Not a field: the whole policy. */
    { "workdir and fs_storage overlap: /a", NULL, "workdir and fs_storage overlap: /a" },
    { "bananas: 3", NULL, "bananas: 3" },
    { "no colon at all", NULL, "no colon at all" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;
      g_autofree char *field = sandlock_policy_problem_get_field (cases[i].problem, &message);

      g_assert_cmpstr (field, ==, cases[i].field);
      g_assert_cmpstr (message, ==, cases[i].message);
    }
}

static void
test_problem_names_item (void)
{
  g_assert_true (sandlock_policy_problem_names_item ("/nope does not exist", "/nope"));
  g_assert_true (sandlock_policy_problem_names_item ("/a is fine\n/nope: cannot be reached", "/nope"));
  g_assert_true (sandlock_policy_problem_names_item ("\"GET\" is not a rule", "GET"));
  g_assert_true (sandlock_policy_problem_names_item ("rule \"* */admin\" has no path", "* */admin"));
  /* A longer item that starts the same is another one. */
  g_assert_false (sandlock_policy_problem_names_item ("/nope2 does not exist", "/nope"));
  g_assert_false (sandlock_policy_problem_names_item ("\"GET x\" is not a rule", "GET"));
  g_assert_false (sandlock_policy_problem_names_item ("something else", "/nope"));
}

/* The policy editor's HTTP rules: "METHOD host/path" <-> its columns. */
static void
test_http_rule_split (void)
{
  static const struct {
    const char *rule;
    const char *method;   /* NULL: not of that shape */
    const char *host;
    const char *path;
  } cases[] = {
    { "POST api.example.com/v1/chat/completions", "POST", "api.example.com", "/v1/chat/completions" },
    { "* */admin/*", "*", "*", "/admin/*" },
    { "GET *.example.com/", "GET", "*.example.com", "/" },
    { "  DELETE\t 10.0.0.1/items/7  ", "DELETE", "10.0.0.1", "/items/7" },
    { "GET [2001:db8::1]/health", "GET", "[2001:db8::1]", "/health" },
    { "get example.com/a/b", "get", "example.com", "/a/b" },
    /* Shapes the editor shows whole (the engine says what is wrong). */
    { "GET example.com", NULL },
    { "GET /path", NULL },
    { "example.com/path", NULL },
    { "GET example.com/a b", NULL },
    { "", NULL },
    { "   ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *method = NULL;
      g_autofree char *host = NULL;
      g_autofree char *path = NULL;
      gboolean split = sandlock_http_rule_split (cases[i].rule, &method, &host, &path);

      g_test_message ("%s", cases[i].rule);
      g_assert_cmpint (split, ==, cases[i].method != NULL);
      g_assert_cmpstr (method, ==, cases[i].method);
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpstr (path, ==, cases[i].path);
    }
  g_assert_false (sandlock_http_rule_split (NULL, NULL, NULL, NULL));
  g_assert_true (sandlock_http_rule_split ("GET a/b", NULL, NULL, NULL));
}

static void
test_http_rule_join (void)
{
  static const struct {
    const char *method;
    const char *host;
    const char *path;
    const char *rule;     /* NULL: refused */
  } cases[] = {
    { "POST", "api.example.com", "/v1/chat/completions", "POST api.example.com/v1/chat/completions" },
    { "*", "*", "/admin/*", "* */admin/*" },
    { "GET", " docs.python.org ", "", "GET docs.python.org/*" },    /* every path */
    { NULL, "example.com", NULL, "* example.com/*" },
    { "", "example.com", "v1/*", "* example.com/v1/*" },             /* the '/' added */
    { "GET", "[::1]", "/x", "GET [::1]/x" },
    { "GET", "", "/x", NULL },
    { "GET", NULL, "/x", NULL },
    { "GET", "api example.com", "/x", NULL },
    { "GET", "example.com/v1", "/x", NULL },
    { "GET", "example.com", "/a b", NULL },
    { "GE T", "example.com", "/x", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rule = sandlock_http_rule_join (cases[i].method, cases[i].host, cases[i].path);
      g_autofree char *method = NULL;
      g_autofree char *host = NULL;
      g_autofree char *path = NULL;
      g_autofree char *again = NULL;

      g_assert_cmpstr (rule, ==, cases[i].rule);
      if (rule == NULL)
        continue;
      /* And back into the same columns. */
      g_assert_true (sandlock_http_rule_split (rule, &method, &host, &path));
      again = sandlock_http_rule_join (method, host, path);
      g_assert_cmpstr (again, ==, rule);
    }
}

static void
on_changed (SandlockPolicyModel *model,
            const char          *field,
            GPtrArray           *seen)
{
  g_ptr_array_add (seen, g_strdup (field ? field : "*"));
}

static void
test_lists (void)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) ports = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(GVariant) bind = NULL;
  const char *expected_paths[] = { "/usr", "/srv/data", NULL };
  const char *expected_ports[] = { "8080", NULL };
  const char *expected_env[] = { "A=1", "B=two=2", NULL };

  g_signal_connect (model, "changed::fs_readable", G_CALLBACK (on_changed), seen);

  g_assert_true (sandlock_policy_model_add_item (model, "fs_readable", "/usr"));
  g_assert_true (sandlock_policy_model_add_item (model, "fs_readable", "/srv/data "));
  g_assert_false (sandlock_policy_model_add_item (model, "fs_readable", "/usr"));
  g_assert_false (sandlock_policy_model_add_item (model, "fs_readable", "  "));
  paths = sandlock_policy_model_get_list (model, "fs_readable");
  g_assert_cmpstrv (paths, expected_paths);
  g_assert_cmpuint (seen->len, ==, 2);

  g_assert_false (sandlock_policy_model_remove_item (model, "fs_readable", "/nope"));
  g_assert_true (sandlock_policy_model_remove_item (model, "fs_readable", "/usr"));
  g_assert_true (sandlock_policy_model_remove_item (model, "fs_readable", "/srv/data"));
  /* An empty list is no list: the field goes. */
  g_assert_false (sandlock_policy_model_has (model, "fs_readable"));
  g_assert_cmpuint (seen->len, ==, 4);

  /* Ports are numbers; a word stays a word for the helper to refuse. */
  g_assert_true (sandlock_policy_model_add_item (model, "net_bind", "8080"));
  bind = sandlock_policy_model_get (model, "net_bind");
  g_assert_cmpstr (g_variant_get_type_string (bind), ==, "au");
  ports = sandlock_policy_model_get_list (model, "net_bind");
  g_assert_cmpstrv (ports, expected_ports);
  g_clear_pointer (&bind, g_variant_unref);
  g_assert_true (sandlock_policy_model_add_item (model, "net_bind", "http"));
  bind = sandlock_policy_model_get (model, "net_bind");
  g_assert_cmpstr (g_variant_get_type_string (bind), ==, "as");

  sandlock_policy_model_set_env_var (model, "B", "two=2");
  sandlock_policy_model_set_env_var (model, "A", "0");
  sandlock_policy_model_set_env_var (model, "A", "1");
  sandlock_policy_model_set_env_var (model, "C", "3");
  sandlock_policy_model_set_env_var (model, "C", NULL);
  env = sandlock_policy_model_get_env (model);
  g_assert_cmpstrv (env, expected_env);
  sandlock_policy_model_set_env_var (model, "A", NULL);
  sandlock_policy_model_set_env_var (model, "B", NULL);
  g_assert_false (sandlock_policy_model_has (model, "env"));

  /* Switches off are absent, as the engine's defaults. */
  sandlock_policy_model_set_boolean (model, "clean_env", TRUE);
  g_assert_true (sandlock_policy_model_has (model, "clean_env"));
  sandlock_policy_model_set_boolean (model, "clean_env", FALSE);
  g_assert_false (sandlock_policy_model_has (model, "clean_env"));
}

static void
test_sizes (void)
{
  static const struct {
    const char *text;
    guint64     bytes;
  } good[] = {
    { "512M", G_GUINT64_CONSTANT (512) << 20 },
    { "2G", G_GUINT64_CONSTANT (2) << 30 },
    { "2g", G_GUINT64_CONSTANT (2) << 30 },
    { "1.5G", G_GUINT64_CONSTANT (3) << 29 },
    { "64K", 65536 },
    { "1T", G_GUINT64_CONSTANT (1) << 40 },
    { "4096", 4096 },
    { " 100MiB ", G_GUINT64_CONSTANT (100) << 20 },
  };
  const char *bad[] = { "", "lots", "-1M", "12Q", "1.5", "M", "2 GG" };
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new ();
  g_autofree char *text = NULL;
  SandlockSizeUnit unit;
  guint64 bytes;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (sandlock_policy_parse_size (good[i].text, &bytes));
      g_assert_cmpuint (bytes, ==, good[i].bytes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (sandlock_policy_parse_size (bad[i], &bytes));

  {
    g_autofree char *a = sandlock_policy_format_size (G_GUINT64_CONSTANT (512) << 20);
    g_autofree char *b = sandlock_policy_format_size (G_GUINT64_CONSTANT (3) << 29);
    g_autofree char *c = sandlock_policy_format_size (1000);

    g_assert_cmpstr (a, ==, "512M");
    g_assert_cmpstr (b, ==, "1536M");
    g_assert_cmpstr (c, ==, "1000");
  }

  /* The unit dropdown: whole GiB show as GiB, the rest as MiB. */
  g_assert_cmpfloat (sandlock_policy_size_to_unit (G_GUINT64_CONSTANT (2) << 30, &unit), ==, 2);
  g_assert_cmpint (unit, ==, SANDLOCK_SIZE_UNIT_GIB);
  g_assert_cmpfloat (sandlock_policy_size_to_unit (G_GUINT64_CONSTANT (1536) << 20, &unit), ==, 1536);
  g_assert_cmpint (unit, ==, SANDLOCK_SIZE_UNIT_MIB);
  g_assert_cmpfloat (sandlock_policy_size_to_unit (0, &unit), ==, 0);
  g_assert_cmpuint (sandlock_policy_size_from_unit (512, SANDLOCK_SIZE_UNIT_MIB), ==, G_GUINT64_CONSTANT (512) << 20);
  g_assert_cmpuint (sandlock_policy_size_from_unit (4, SANDLOCK_SIZE_UNIT_GIB), ==, G_GUINT64_CONSTANT (4) << 30);
  g_assert_cmpuint (sandlock_policy_size_from_unit (0, SANDLOCK_SIZE_UNIT_GIB), ==, 0);

  /* Stored as the schema spells sizes; 0 unsets. */
  sandlock_policy_model_set_size (model, "max_memory", sandlock_policy_size_from_unit (4, SANDLOCK_SIZE_UNIT_GIB));
  text = sandlock_policy_model_get_text (model, "max_memory");
  g_assert_cmpstr (text, ==, "4G");
  g_assert_cmpuint (sandlock_policy_model_get_size (model, "max_memory"), ==, G_GUINT64_CONSTANT (4) << 30);
  sandlock_policy_model_set_size (model, "max_memory", 0);
  g_assert_false (sandlock_policy_model_has (model, "max_memory"));
}

static void
test_profile_names (void)
{
  g_assert_true (sandlock_policy_profile_name_is_valid ("web"));
  g_assert_true (sandlock_policy_profile_name_is_valid ("build-tool_2.0"));
  g_assert_false (sandlock_policy_profile_name_is_valid (""));
  g_assert_false (sandlock_policy_profile_name_is_valid (".hidden"));
  g_assert_false (sandlock_policy_profile_name_is_valid ("a/b"));
  g_assert_false (sandlock_policy_profile_name_is_valid ("with space"));
  g_assert_false (sandlock_policy_profile_name_is_valid ("x23456789012345678901234567890123456789012345678901234567890123456"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-policy/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/app-policy/json-round-trip", test_json_round_trip);
  g_test_add_func ("/app-policy/unknown-values-kept", test_unknown_values_kept);
  g_test_add_func ("/app-policy/presets", test_presets);
  g_test_add_func ("/app-policy/problem-field", test_problem_field);
  g_test_add_func ("/app-policy/problem-names-item", test_problem_names_item);
  g_test_add_func ("/app-policy/http-rule-split", test_http_rule_split);
  g_test_add_func ("/app-policy/http-rule-join", test_http_rule_join);
  g_test_add_func ("/app-policy/lists", test_lists);
  g_test_add_func ("/app-policy/sizes", test_sizes);
  g_test_add_func ("/app-policy/profile-names", test_profile_names);
  return g_test_run ();
}
