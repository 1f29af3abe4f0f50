/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sandlock-parse.h"
#include "sandlock-policy-private.h"

/* One private directory for the whole run; tests only write in it. */
static char *tmpdir;

#define UNSUPPORTED_FMT \
  "%s is not supported yet by this version of sandlock; remove it from the policy"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static SandlockPolicy *
policy_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  SandlockPolicy *policy = sandlock_policy_new_from_json (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (policy);
  return policy;
}

static void
set_ok (SandlockPolicy *policy,
        const char     *field,
        const char     *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sandlock_policy_set (policy, field, value, &error));
  g_assert_no_error (error);
}

static gboolean
has_problem (GPtrArray  *problems,
             const char *message)
{
  for (guint i = 0; i < problems->len; i++)
    if (g_str_equal (g_ptr_array_index (problems, i), message))
      return TRUE;
  return FALSE;
}

static gboolean
has_problem_prefix (GPtrArray  *problems,
                    const char *prefix)
{
  for (guint i = 0; i < problems->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (problems, i), prefix))
      return TRUE;
  return FALSE;
}

static void
assert_problem (SandlockPolicy *policy,
                const char     *message)
{
  g_autoptr(GPtrArray) problems = sandlock_policy_check (policy);

  if (!has_problem (problems, message))
    {
      for (guint i = 0; i < problems->len; i++)
        g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
      g_error ("expected the problem \"%s\"", message);
    }
}

static void
assert_no_problems (SandlockPolicy *policy)
{
  g_autoptr(GPtrArray) problems = sandlock_policy_check (policy);

  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
}

static char *
ports_to_string (GArray *ports)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ports->len; i++)
    g_string_append_printf (text, "%s%u", i ? "," : "",
                            g_array_index (ports, guint16, i));
  return g_string_free (text, FALSE);
}

static guint
uint_at (GArray *array,
         guint   i)
{
  return g_array_index (array, guint, i);
}

/* ------------------------------------------------------------------------ */
/* Parsers                                                                  */
/* ------------------------------------------------------------------------ */

static void
test_parse_size (void)
{
  static const struct { const char *text; guint64 bytes; } good[] = {
    { "0", 0 },
    { "4096", 4096 },
    { "1k", 1024 },
    { "1K", 1024 },
    { "512M", G_GUINT64_CONSTANT (512) << 20 },
    { "512m", G_GUINT64_CONSTANT (512) << 20 },
    { "2G", G_GUINT64_CONSTANT (2) << 30 },
    { "3T", G_GUINT64_CONSTANT (3) << 40 },
    { "1KB", 1024 },
    { "1KiB", 1024 },
    { "1kib", 1024 },
    { "4096B", 4096 },
    { "16777215T", G_GUINT64_CONSTANT (16777215) << 40 },
    { "18446744073709551615", G_MAXUINT64 },
  };
  static const char * const bad[] = {
    "", "banana", "M", "1.5G", "-1", "+1", " 1", "1 ", "1 M", "1X", "1iB",
    "1KBB", "1MM", "0x10",
  };
  static const char * const too_large[] = {
    "99999999999T", "16777216T", "18446744073709551616",
    "99999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 bytes = 1;

      g_test_message ("size %s", good[i].text);
      g_assert_true (sandlock_parse_size (good[i].text, &bytes, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (bytes, ==, good[i].bytes);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected =
        g_strdup_printf ("\"%s\" is not a size (use e.g. 512M or 2G)", bad[i]);
      guint64 bytes = 7;

      g_assert_false (sandlock_parse_size (bad[i], &bytes, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpuint (bytes, ==, 7);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected =
        g_strdup_printf ("\"%s\" is too large", too_large[i]);
      guint64 bytes = 7;

      g_assert_false (sandlock_parse_size (too_large[i], &bytes, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_assert_cmpuint (bytes, ==, 7);
    }
}

static void
test_parse_port (void)
{
  static const char * const good[] = { "1", "22", "443", "65535" };
  static const guint16 good_values[] = { 1, 22, 443, 65535 };
  static const char * const bad[] = {
    "0", "65536", "99999", "", "-1", "+1", "1a", " 1", "80 ", "0x50",
    "99999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint16 port = 0;

      g_assert_true (sandlock_parse_port (good[i], &port, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (port, ==, good_values[i]);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected =
        g_strdup_printf ("\"%s\" is not a port (use 1-65535)", bad[i]);
      guint16 port = 7;

      g_assert_false (sandlock_parse_port (bad[i], &port, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpuint (port, ==, 7);
    }
}

static void
test_parse_uint_bool (void)
{
  static const struct { const char *text; gboolean value; } bools[] = {
    { "true", TRUE }, { "TRUE", TRUE }, { "yes", TRUE }, { "1", TRUE },
    { "false", FALSE }, { "No", FALSE }, { "no", FALSE }, { "0", FALSE },
  };
  g_autoptr(GError) error = NULL;
  guint64 value = 0;
  gboolean flag;

  g_assert_true (sandlock_parse_uint ("10", 10, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (value, ==, 10);

  g_assert_false (sandlock_parse_uint ("11", 10, &value, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "\"11\" is too large (use at most 10)");
  g_clear_error (&error);

  g_assert_false (sandlock_parse_uint ("-1", G_MAXUINT64, &value, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, "\"-1\" is not a number"));
  g_clear_error (&error);
  g_assert_cmpuint (value, ==, 10);

  for (gsize i = 0; i < G_N_ELEMENTS (bools); i++)
    {
      flag = !bools[i].value;
      g_assert_true (sandlock_parse_bool (bools[i].text, &flag, &error));
      g_assert_no_error (error);
      g_assert_cmpint (flag, ==, bools[i].value);
    }

  g_assert_false (sandlock_parse_bool ("maybe", &flag, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "\"maybe\" is not a boolean (use true or false)");
}

static void
test_parse_net_rule (void)
{
  static const struct { const char *text, *host, *ports; } good[] = {
    { "example.com:443", "example.com", "443" },
    { "github.com:22,443", "github.com", "22,443" },
    { ":8080", NULL, "8080" },
    { "*:80", NULL, "80" },
    { "[::1]:443", "::1", "443" },
    { "[fd00::/8]:22", "fd00::/8", "22" },
    { "10.0.0.0/8:443", "10.0.0.0/8", "443" },
    { "1.1.1.1:53", "1.1.1.1", "53" },
    { "localhost:1,2,3", "localhost", "1,2,3" },
    { "a-b.example:65535", "a-b.example", "65535" },
  };
  /* The offending part each message must name. */
  static const struct { const char *text, *message; } bad[] = {
    { "host:", "\"host:\" has no port" },
    { ":", "\":\" has no port" },
    { ":99999", "\"99999\" is not a port (use 1-65535)" },
    { "a b:1", "\"a b\" is not a host name" },
    { "", "\"\" is not a network rule" },
    { "*.example.com:443", "wildcards are not supported in host names" },
    { "example.com", "\"example.com\" is not a network rule" },
    { "::1:443", "put an IPv6 address in brackets" },
    { "[::1]", "\"[::1]\" is not a network rule" },
    { "[::1]:", "\"[::1]:\" has no port" },
    { "[example.com]:1", "\"example.com\" is not an IPv6 address" },
    { "10.0.0.0/33:1", "\"10.0.0.0/33\" is not a CIDR block" },
    { "10.0.0.0/:1", "\"10.0.0.0/\" is not a CIDR block" },
    { "[::1/129]:1", "\"::1/129\" is not an IPv6 address" },
    { "999.1.1.1:1", "\"999.1.1.1\" is not a host name" },
    { "-bad.com:1", "\"-bad.com\" is not a host name" },
    { "a..b:1", "\"a..b\" is not a host name" },
    { "a_b:1", "\"a_b\" is not a host name" },
    { "x:1,,2", "\"\" is not a port" },
    { "x:0", "\"0\" is not a port" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      g_autoptr(GArray) ports = NULL;
      g_autofree char *port_text = NULL;

      g_test_message ("rule %s", good[i].text);
      g_assert_true (sandlock_parse_net_rule (good[i].text, &host, &ports, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, good[i].host);
      port_text = ports_to_string (ports);
      g_assert_cmpstr (port_text, ==, good[i].ports);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *host = (char *) "untouched";
      GArray *ports = NULL;

      g_test_message ("rule %s", bad[i].text);
      g_assert_false (sandlock_parse_net_rule (bad[i].text, &host, &ports, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_test_message ("message: %s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].message));
      g_assert_cmpstr (host, ==, "untouched");
      g_assert_null (ports);
    }
}

/* HTTP rules are checked when parsed (sandlock-http-rules.c has the
 * details) and kept as written. */
static void
test_parse_http_rule (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(SandlockPolicy) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_assert_false (sandlock_policy_set (policy, "http_allow", "GET host:80/x", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "http_allow: \"GET host:80/x\": a rule names no port, "
                   "http_ports chooses them (write GET host/x)");
  g_clear_error (&error);
  g_assert_false (sandlock_policy_set (policy, "http_deny", "", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, "http_deny: \"\" is an empty rule"));
  g_clear_error (&error);
  g_assert_cmpuint (policy->http_allow->len, ==, 0);
  g_assert_cmpuint (policy->http_deny->len, ==, 0);

  set_ok (policy, "http_allow", "get Example.COM./v1/*");
  set_ok (policy, "http_deny", "* */admin/*");
  g_assert_cmpstr (g_ptr_array_index (policy->http_allow, 0), ==, "get Example.COM./v1/*");

  json = sandlock_policy_to_json (policy);
  reread = policy_from_json (json);
  g_assert_cmpuint (reread->http_allow->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reread->http_allow, 0), ==, "get Example.COM./v1/*");
  g_assert_cmpstr (g_ptr_array_index (reread->http_deny, 0), ==, "* */admin/*");
}

static void
test_env_names (void)
{
  static const char * const valid[] = { "A", "_x", "PATH", "a1", "LC_ALL" };
  static const char * const invalid[] = { "", "1BAD", "A-B", "A=B", "A B", "é" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (sandlock_env_name_is_valid (valid[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (sandlock_env_name_is_valid (invalid[i]));
}

/* ------------------------------------------------------------------------ */
/* Schema                                                                   */
/* ------------------------------------------------------------------------ */

/* DESIGN.md's list, in its order. */
static const char * const schema[] = {
  "fs_readable", "fs_writable", "fs_denied", "workdir", "cwd", "chroot",
  "fs_mount", "fs_storage", "max_disk", "on_exit", "on_error", "net_allow",
  "net_bind", "port_remap", "allow_udp", "allow_icmp", "http_allow",
  "http_deny", "http_ports", "https_ca", "https_key", "max_memory",
  "max_processes", "max_cpu", "max_open_files", "cpu_cores", "num_cpus",
  "deny_syscalls", "allow_syscalls", "random_seed", "time_start",
  "no_randomize_memory", "no_huge_pages", "no_coredump", "deterministic_dirs",
  "clean_env", "env", "name", "uid", "gpu_devices",
};

static const char * const supported[] = {
  "fs_readable", "fs_writable", "cwd", "net_allow", "net_bind",
  "max_open_files", "cpu_cores", "deny_syscalls", "allow_syscalls",
  "no_randomize_memory", "no_huge_pages", "no_coredump", "clean_env", "env",
  "name", "uid", "max_memory", "max_processes", "max_cpu", "random_seed", "deterministic_dirs", "port_remap", "allow_icmp", "allow_udp", "time_start", "num_cpus", "fs_denied",
  "workdir", "fs_storage", "on_exit", "on_error", "max_disk",
  "http_allow", "http_deny", "http_ports", "https_ca", "https_key", NULL,
};

static void
test_field_names (void)
{
  const char * const *names = sandlock_policy_field_names ();

  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (schema));
  for (gsize i = 0; i < G_N_ELEMENTS (schema); i++)
    {
      g_assert_cmpstr (names[i], ==, schema[i]);
      g_assert_cmpint (sandlock_policy_field_supported (schema[i]), ==,
                       g_strv_contains (supported, schema[i]));
    }
  g_assert_false (sandlock_policy_field_supported ("bogus"));
  /* The table is static: the same pointer every time. */
  g_assert_true (sandlock_policy_field_names () == names);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static const char full_json[] =
  "{"
  " \"fs_readable\": [\"/usr\", \"rel/dir\"],"
  " \"fs_writable\": [\"/tmp/./w/../x\"],"
  " \"fs_denied\": [\"/etc/shadow\"],"
  " \"workdir\": \"/work\","
  " \"cwd\": \"/\","
  " \"chroot\": \"/opt/rootfs\","
  " \"fs_mount\": {\"/work\": \"/tmp/host-work\"},"
  " \"fs_storage\": \"/tmp/cow\","
  " \"max_disk\": \"100M\","
  " \"on_exit\": \"commit\","
  " \"on_error\": \"abort\","
  " \"net_allow\": [\":443\", \"*:80\", \"github.com:22,443\", \"[::1]:8080\"],"
  " \"net_bind\": [8080, \"8081\"],"
  " \"port_remap\": true,"
  " \"allow_udp\": true,"
  " \"allow_icmp\": true,"
  " \"http_allow\": [\"GET docs.python.org/*\"],"
  " \"http_deny\": [\"* */admin/*\"],"
  " \"http_ports\": [80],"
  " \"https_ca\": \"/ca.pem\","
  " \"https_key\": \"/ca.key\","
  " \"max_memory\": 1048576,"
  " \"max_processes\": 64,"
  " \"max_cpu\": 50,"
  " \"max_open_files\": 256,"
  " \"cpu_cores\": [0, \"1\"],"
  " \"num_cpus\": 2,"
  " \"deny_syscalls\": [\"ptrace\"],"
  " \"allow_syscalls\": [\"read\"],"
  " \"random_seed\": 42,"
  " \"time_start\": \"2000-01-01T00:00:00Z\","
  " \"no_randomize_memory\": true,"
  " \"no_huge_pages\": true,"
  " \"no_coredump\": true,"
  " \"deterministic_dirs\": true,"
  " \"clean_env\": true,"
  " \"env\": {\"LANG\": \"C.UTF-8\", \"EMPTY\": \"\"},"
  " \"name\": \"build-1\","
  " \"uid\": 0,"
  " \"gpu_devices\": []"
  "}";

static void
test_json_kinds (void)
{
  g_autoptr(SandlockPolicy) policy = policy_from_json (full_json);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *rel = g_build_filename (cwd, "rel", "dir", NULL);
  const SandlockNetRule *rule;
  g_autofree char *rule_ports = NULL;

  g_assert_cmpuint (policy->fs_readable->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (policy->fs_readable, 0), ==, "/usr");
  g_assert_cmpstr (g_ptr_array_index (policy->fs_readable, 1), ==, rel);
  g_assert_cmpstr (g_ptr_array_index (policy->fs_writable, 0), ==, "/tmp/x");
  g_assert_cmpstr (g_ptr_array_index (policy->fs_denied, 0), ==, "/etc/shadow");
  g_assert_cmpstr (policy->workdir, ==, "/work");
  g_assert_cmpstr (policy->cwd, ==, "/");
  g_assert_cmpstr (policy->chroot, ==, "/opt/rootfs");
  g_assert_cmpstr (g_hash_table_lookup (policy->fs_mount, "/work"), ==,
                   "/tmp/host-work");
  g_assert_cmpstr (policy->fs_storage, ==, "/tmp/cow");
  g_assert_cmpuint (policy->max_disk, ==, 100 * 1024 * 1024);
  g_assert_cmpint (policy->on_exit, ==, SANDLOCK_ACTION_COMMIT);
  g_assert_cmpint (policy->on_error, ==, SANDLOCK_ACTION_ABORT);

  g_assert_cmpuint (policy->net_allow->len, ==, 4);
  rule = g_ptr_array_index (policy->net_allow, 1);
  g_assert_null (rule->host);
  rule = g_ptr_array_index (policy->net_allow, 2);
  g_assert_cmpstr (rule->host, ==, "github.com");
  rule_ports = ports_to_string (rule->ports);
  g_assert_cmpstr (rule_ports, ==, "22,443");
  rule = g_ptr_array_index (policy->net_allow, 3);
  g_assert_cmpstr (rule->host, ==, "::1");

  g_assert_cmpuint (policy->net_bind->len, ==, 2);
  g_assert_cmpuint (g_array_index (policy->net_bind, guint16, 0), ==, 8080);
  g_assert_cmpuint (g_array_index (policy->net_bind, guint16, 1), ==, 8081);
  g_assert_true (policy->port_remap);
  g_assert_true (policy->allow_udp);
  g_assert_true (policy->allow_icmp);
  g_assert_cmpstr (g_ptr_array_index (policy->http_allow, 0), ==,
                   "GET docs.python.org/*");
  g_assert_cmpstr (g_ptr_array_index (policy->http_deny, 0), ==, "* */admin/*");
  g_assert_cmpuint (g_array_index (policy->http_ports, guint16, 0), ==, 80);
  g_assert_cmpstr (policy->https_ca, ==, "/ca.pem");
  g_assert_cmpstr (policy->https_key, ==, "/ca.key");

  g_assert_cmpuint (policy->max_memory, ==, 1048576);
  g_assert_cmpint (policy->max_processes, ==, 64);
  g_assert_cmpint (policy->max_cpu, ==, 50);
  g_assert_cmpint (policy->max_open_files, ==, 256);
  g_assert_cmpuint (policy->cpu_cores->len, ==, 2);
  g_assert_cmpuint (uint_at (policy->cpu_cores, 1), ==, 1);
  g_assert_cmpint (policy->num_cpus, ==, 2);

  g_assert_cmpstr (g_ptr_array_index (policy->deny_syscalls, 0), ==, "ptrace");
  g_assert_cmpstr (g_ptr_array_index (policy->allow_syscalls, 0), ==, "read");

  g_assert_true (policy->has_random_seed);
  g_assert_cmpuint (policy->random_seed, ==, 42);
  g_assert_cmpstr (policy->time_start, ==, "2000-01-01T00:00:00Z");
  g_assert_true (policy->no_randomize_memory);
  g_assert_true (policy->no_huge_pages);
  g_assert_true (policy->no_coredump);
  g_assert_true (policy->deterministic_dirs);

  g_assert_true (policy->clean_env);
  g_assert_cmpuint (g_hash_table_size (policy->env), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (policy->env, "LANG"), ==, "C.UTF-8");
  g_assert_cmpstr (g_hash_table_lookup (policy->env, "EMPTY"), ==, "");

  g_assert_cmpstr (policy->name, ==, "build-1");
  g_assert_cmpint (policy->uid, ==, 0);
  g_assert_nonnull (policy->gpu_devices);
  g_assert_cmpuint (policy->gpu_devices->len, ==, 0);
}

static void
test_json_defaults (void)
{
  g_autoptr(SandlockPolicy) policy = policy_from_json ("{}");
  g_autoptr(SandlockPolicy) fresh = sandlock_policy_new ();
  g_autofree char *json = sandlock_policy_to_json (policy);
  g_autofree char *fresh_json = sandlock_policy_to_json (fresh);

  g_assert_cmpstr (json, ==, "{}");
  g_assert_cmpstr (fresh_json, ==, "{}");
  g_assert_cmpint (policy->max_open_files, ==, -1);
  g_assert_cmpint (policy->uid, ==, -1);
  g_assert_cmpuint (policy->max_memory, ==, 0);
  g_assert_false (policy->has_random_seed);
  g_assert_null (policy->gpu_devices);
  g_assert_null (policy->cwd);
  g_assert_cmpint (policy->on_exit, ==, SANDLOCK_ACTION_UNSET);
  g_assert_cmpuint (policy->fs_readable->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (policy->env), ==, 0);
}

static void
test_json_wrong_types (void)
{
  static const struct { const char *json, *message; } cases[] = {
    { "{\"net_bind\": \"80\"}", "net_bind: expected an array of port numbers" },
    { "{\"net_bind\": [true]}", "net_bind: expected an array of port numbers" },
    { "{\"net_bind\": [80.5]}", "net_bind: expected an array of port numbers" },
    { "{\"net_bind\": [99999]}", "net_bind: \"99999\" is not a port (use 1-65535)" },
    { "{\"net_bind\": [-1]}", "net_bind: \"-1\" is not a port (use 1-65535)" },
    { "{\"fs_readable\": \"/usr\"}", "fs_readable: expected an array of paths" },
    { "{\"fs_readable\": [1]}", "fs_readable: expected an array of paths" },
    { "{\"fs_readable\": [\"\"]}", "fs_readable: the path is empty (use e.g. /usr)" },
    { "{\"deny_syscalls\": [[\"x\"]]}", "deny_syscalls: expected an array of strings" },
    { "{\"clean_env\": \"yes\"}", "clean_env: expected true or false" },
    { "{\"clean_env\": 1}", "clean_env: expected true or false" },
    { "{\"max_open_files\": \"12\"}", "max_open_files: expected a number" },
    { "{\"max_open_files\": 1.5}", "max_open_files: expected a number" },
    { "{\"max_open_files\": -5}", "max_open_files: \"-5\" is not a number" },
    { "{\"max_memory\": true}", "max_memory: expected a size" },
    { "{\"max_memory\": \"banana\"}",
      "max_memory: \"banana\" is not a size (use e.g. 512M or 2G)" },
    { "{\"max_memory\": 0}", "max_memory: \"0\" is not a usable limit" },
    { "{\"name\": 5}", "name: expected a string" },
    { "{\"cwd\": [\"/\"]}", "cwd: expected a path" },
    { "{\"env\": {\"A\": 1}}", "env: expected an object of strings" },
    { "{\"env\": [\"A=B\"]}", "env: expected an object of strings" },
    { "{\"fs_mount\": {\"work\": \"/x\"}}",
      "fs_mount: \"work\" is not an absolute path inside the sandbox" },
    { "{\"fs_mount\": \"/a:/b\"}", "fs_mount: expected an object" },
    { "{\"on_exit\": \"save\"}",
      "on_exit: \"save\" is not an action (use commit, abort or keep)" },
    { "{\"time_start\": \"yesterday\"}",
      "time_start: \"yesterday\" is not an ISO 8601 time" },
    { "{\"random_seed\": \"x\"}", "random_seed: \"x\" is not a number" },
    { "{\"random_seed\": 1.0}", "random_seed: expected a number" },
    { "{\"cpu_cores\": {}}", "cpu_cores: expected an array of numbers" },
    { "{\"gpu_devices\": 1}", "gpu_devices: expected an array of device numbers" },
    { "{\"net_allow\": \":443\"}", "net_allow: expected an array of rules" },
    { "{\"net_allow\": [\"host:\"]}", "net_allow: \"host:\" has no port" },
    { "{\"http_allow\": \"GET a/*\"}",
      "http_allow: expected an array of rules such as \"GET example.com/*\"" },
    { "{\"http_deny\": [\"GET host\"]}",
      "http_deny: \"GET host\" has no path" },
    /* json-glib would wrap these to 1 and -1. */
    { "{\"net_bind\": [18446744073709551617]}",
      "the number 18446744073709551617 is too large" },
    { "{\"uid\": -18446744073709551615}",
      "the number -18446744073709551615 is too large" },
    { "{\"fs_readable\": [\"/tmp\\u0000/etc\"]}", "the policy contains a NUL" },
    { "[]", "the policy must be a JSON object" },
    { "", "the policy must be a JSON object" },
    { "\"x\"", "the policy must be a JSON object" },
    { "{", "the policy is not valid JSON" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SandlockPolicy) policy = NULL;

      g_test_message ("json %s", cases[i].json);
      policy = sandlock_policy_new_from_json (cases[i].json, -1, &error);
      g_assert_null (policy);
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
      g_test_message ("message: %s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
    }
}

static void
test_json_escapes_kept (void)
{
  /* The pre-scan must not mistake these for a NUL or a huge number. */
  g_autoptr(SandlockPolicy) policy = policy_from_json (
    "{\"env\": {\"A\": \"\\\\u0000 99999999999999999999\"},"
    " \"max_open_files\": 9223372036854775807,"
    " \"random_seed\": \"18446744073709551615\"}");

  g_assert_cmpstr (g_hash_table_lookup (policy->env, "A"), ==,
                   "\\u0000 99999999999999999999");
  g_assert_cmpint (policy->max_open_files, ==, G_MAXINT64);
  g_assert_cmpuint (policy->random_seed, ==, G_MAXUINT64);
}

static void
test_json_length (void)
{
  static const char json[] = "{\"clean_env\": true}{garbage";
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockPolicy) policy =
    sandlock_policy_new_from_json (json, strlen ("{\"clean_env\": true}"), &error);

  g_assert_no_error (error);
  g_assert_true (policy->clean_env);
}

static void
test_unknown_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockPolicy) policy = NULL;

  policy = sandlock_policy_new_from_json ("{\"max_memroy\": \"1G\"}", -1, &error);
  g_assert_null (policy);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "\"max_memroy\" is not a policy field (did you mean max_memory?)");
  g_clear_error (&error);

  policy = sandlock_policy_new_from_json ("{\"zzzzzzzz\": 1}", -1, &error);
  g_assert_null (policy);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "\"zzzzzzzz\" is not a policy field");
  g_clear_error (&error);

  policy = sandlock_policy_new ();
  g_assert_false (sandlock_policy_set (policy, "fs-readable", "/usr", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "\"fs-readable\" is not a policy field (did you mean fs_readable?)");
  g_clear_error (&error);

  g_assert_false (sandlock_policy_unset (policy, "bogus", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "\"bogus\" is not a policy field");
}

static void
test_json_round_trip (void)
{
  g_autoptr(SandlockPolicy) first = policy_from_json (full_json);
  g_autofree char *json = sandlock_policy_to_json (first);
  g_autoptr(SandlockPolicy) second = policy_from_json (json);
  g_autofree char *again = sandlock_policy_to_json (second);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  GList *l;

  g_test_message ("%s", json);
  g_assert_cmpstr (again, ==, json);

  /* Every field of the full policy is present, in schema order, and sizes
   * come out in their shortest exact unit. */
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  g_assert_cmpuint (g_list_length (members), ==, G_N_ELEMENTS (schema));
  l = members;
  for (gsize i = 0; i < G_N_ELEMENTS (schema); i++, l = l->next)
    g_assert_cmpstr (l->data, ==, schema[i]);
  g_assert_cmpstr (json_object_get_string_member (object, "max_memory"), ==, "1M");
  g_assert_cmpstr (json_object_get_string_member (object, "max_disk"), ==, "100M");
  g_assert_cmpint (json_object_get_int_member (object, "random_seed"), ==, 42);
  g_assert_cmpuint (json_array_get_length (
                      json_object_get_array_member (object, "gpu_devices")), ==, 0);
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (object, "net_allow"), 1), ==, ":80");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (object, "net_allow"), 3), ==,
                   "[::1]:8080");
}

static void
test_to_json_only_set (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *big_json = NULL;
  JsonObject *object;

  /* Set in reverse schema order: the output order must not follow. */
  set_ok (policy, "uid", "1000");
  set_ok (policy, "no_coredump", "true");
  set_ok (policy, "clean_env", "false");
  set_ok (policy, "max_memory", "1000");
  json = sandlock_policy_to_json (policy);
  g_test_message ("%s", json);

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "max_memory"), ==, "1000");
  g_assert_true (json_object_get_boolean_member (object, "no_coredump"));
  g_assert_cmpint (json_object_get_int_member (object, "uid"), ==, 1000);
  g_assert_false (json_object_has_member (object, "clean_env"));
  g_assert_true (strstr (json, "max_memory") < strstr (json, "no_coredump"));
  g_assert_true (strstr (json, "no_coredump") < strstr (json, "uid"));

  /* A seed beyond JSON integers survives as a string. */
  set_ok (policy, "random_seed", "18446744073709551615");
  big_json = sandlock_policy_to_json (policy);
  g_assert_nonnull (strstr (big_json, "\"18446744073709551615\""));
  g_clear_pointer (&policy, sandlock_policy_unref);
  policy = policy_from_json (big_json);
  g_assert_cmpuint (policy->random_seed, ==, G_MAXUINT64);
}

/* ------------------------------------------------------------------------ */
/* set, unset, merge, copy, files                                           */
/* ------------------------------------------------------------------------ */

static void
test_set (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;
  static const struct { const char *text; gboolean value; } bools[] = {
    { "true", TRUE }, { "false", FALSE }, { "yes", TRUE }, { "no", FALSE },
    { "1", TRUE }, { "0", FALSE },
  };

  /* Lists append. */
  set_ok (policy, "fs_readable", "/a");
  set_ok (policy, "fs_readable", "/b");
  g_assert_cmpuint (policy->fs_readable->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (policy->fs_readable, 1), ==, "/b");
  set_ok (policy, "net_allow", ":443");
  set_ok (policy, "net_allow", "github.com:22");
  g_assert_cmpuint (policy->net_allow->len, ==, 2);
  set_ok (policy, "net_bind", "80");
  set_ok (policy, "net_bind", "81");
  g_assert_cmpuint (policy->net_bind->len, ==, 2);
  set_ok (policy, "cpu_cores", "0");
  set_ok (policy, "cpu_cores", "3");
  g_assert_cmpuint (uint_at (policy->cpu_cores, 1), ==, 3);

  /* Scalars override. */
  set_ok (policy, "max_open_files", "10");
  set_ok (policy, "max_open_files", "20");
  g_assert_cmpint (policy->max_open_files, ==, 20);
  set_ok (policy, "name", "one");
  set_ok (policy, "name", "two");
  g_assert_cmpstr (policy->name, ==, "two");
  set_ok (policy, "max_memory", "512M");
  g_assert_cmpuint (policy->max_memory, ==, 512 * 1024 * 1024);
  set_ok (policy, "on_exit", "keep");
  g_assert_cmpint (policy->on_exit, ==, SANDLOCK_ACTION_KEEP);
  set_ok (policy, "random_seed", "7");
  g_assert_true (policy->has_random_seed);
  g_assert_cmpuint (policy->random_seed, ==, 7);
  set_ok (policy, "time_start", "2024-02-29T12:00:00+01:00");
  g_assert_cmpstr (policy->time_start, ==, "2024-02-29T12:00:00+01:00");

  for (gsize i = 0; i < G_N_ELEMENTS (bools); i++)
    {
      set_ok (policy, "clean_env", bools[i].text);
      g_assert_cmpint (policy->clean_env, ==, bools[i].value);
    }
  g_assert_false (sandlock_policy_set (policy, "clean_env", "maybe", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "clean_env: \"maybe\" is not a boolean (use true or false)");
  g_clear_error (&error);

  /* Maps take one entry at a time; the first separator splits. */
  set_ok (policy, "env", "A=1");
  set_ok (policy, "env", "B=x=y");
  set_ok (policy, "env", "A=2");
  g_assert_cmpuint (g_hash_table_size (policy->env), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (policy->env, "A"), ==, "2");
  g_assert_cmpstr (g_hash_table_lookup (policy->env, "B"), ==, "x=y");
  g_assert_false (sandlock_policy_set (policy, "env", "NOVALUE", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, "env: \"NOVALUE\" has no \"=\""));
  g_clear_error (&error);

  set_ok (policy, "fs_mount", "/work:/tmp/host");
  g_assert_cmpstr (g_hash_table_lookup (policy->fs_mount, "/work"), ==, "/tmp/host");
  g_assert_false (sandlock_policy_set (policy, "fs_mount", "/work", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_clear_error (&error);

  /* gpu_devices: "all" is the empty list, unlike unset. */
  g_assert_null (policy->gpu_devices);
  set_ok (policy, "gpu_devices", "all");
  g_assert_nonnull (policy->gpu_devices);
  g_assert_cmpuint (policy->gpu_devices->len, ==, 0);
  set_ok (policy, "gpu_devices", "1");
  g_assert_cmpuint (policy->gpu_devices->len, ==, 1);

  /* A bad value changes nothing, and the error names the field. */
  g_assert_false (sandlock_policy_set (policy, "net_allow", "a b:1", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, "net_allow: "));
  g_clear_error (&error);
  g_assert_cmpuint (policy->net_allow->len, ==, 2);
  g_assert_false (sandlock_policy_set (policy, "max_open_files", "ten", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_clear_error (&error);
  g_assert_cmpint (policy->max_open_files, ==, 20);
  g_assert_false (sandlock_policy_set (policy, "max_memory", "banana", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==,
                   "max_memory: \"banana\" is not a size (use e.g. 512M or 2G)");
  g_clear_error (&error);
  g_assert_cmpuint (policy->max_memory, ==, 512 * 1024 * 1024);

  /* Unset goes back to the default of each kind. */
  g_assert_true (sandlock_policy_unset (policy, "fs_readable", &error));
  g_assert_true (sandlock_policy_unset (policy, "max_open_files", &error));
  g_assert_true (sandlock_policy_unset (policy, "gpu_devices", &error));
  g_assert_true (sandlock_policy_unset (policy, "random_seed", &error));
  g_assert_true (sandlock_policy_unset (policy, "env", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (policy->fs_readable->len, ==, 0);
  g_assert_cmpint (policy->max_open_files, ==, -1);
  g_assert_null (policy->gpu_devices);
  g_assert_false (policy->has_random_seed);
  g_assert_cmpuint (g_hash_table_size (policy->env), ==, 0);
}

static void
test_set_paths (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "some", "file", NULL);
  g_autofree char *target = tmp_path ("target");
  g_autofree char *link = tmp_path ("link");

  set_ok (policy, "fs_readable", "some/./file");
  g_assert_cmpstr (g_ptr_array_index (policy->fs_readable, 0), ==, expected);
  set_ok (policy, "cwd", "/usr//lib/../share/");
  g_assert_cmpstr (policy->cwd, ==, "/usr/share");

  /* Symlinks stay as given: the kernel resolves them at open time. */
  g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
  set_ok (policy, "fs_writable", link);
  g_assert_cmpstr (g_ptr_array_index (policy->fs_writable, 0), ==, link);

  g_assert_false (sandlock_policy_set (policy, "fs_readable", "", &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "fs_readable: the path is empty (use e.g. /usr)");
  g_assert_cmpuint (policy->fs_readable->len, ==, 1);
}

static void
test_merge (void)
{
  g_autoptr(SandlockPolicy) policy = policy_from_json (
    "{\"fs_readable\": [\"/a\", \"/b\"], \"max_open_files\": 10,"
    " \"clean_env\": true, \"env\": {\"A\": \"1\"}, \"name\": \"base\"}");
  SandlockPolicy *alias = sandlock_policy_ref (policy);
  g_autoptr(GError) error = NULL;

  g_assert_true (sandlock_policy_merge_json (policy,
    "{\"fs_readable\": [\"/c\"], \"max_open_files\": 20, \"env\": {\"B\": \"2\"},"
    " \"name\": null}", -1, &error));
  g_assert_no_error (error);

  /* Lists and maps replace, scalars override, absent fields stay, null
   * resets. */
  g_assert_cmpuint (policy->fs_readable->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (policy->fs_readable, 0), ==, "/c");
  g_assert_cmpint (policy->max_open_files, ==, 20);
  g_assert_true (policy->clean_env);
  g_assert_cmpuint (g_hash_table_size (policy->env), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (policy->env, "B"), ==, "2");
  g_assert_null (policy->name);

  /* Same object, still shared. */
  g_assert_true (alias == policy);
  g_assert_cmpint (policy->ref_count, ==, 2);
  sandlock_policy_unref (alias);

  /* A failing merge leaves everything as it was. */
  g_assert_false (sandlock_policy_merge_json (policy,
    "{\"max_open_files\": 30, \"fs_readable\": [], \"net_bind\": \"x\"}",
    -1, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "net_bind: expected an array of port numbers");
  g_assert_cmpint (policy->max_open_files, ==, 20);
  g_assert_cmpuint (policy->fs_readable->len, ==, 1);
  g_assert_cmpint (policy->ref_count, ==, 1);
}

static void
test_copy (void)
{
  g_autoptr(SandlockPolicy) policy = policy_from_json (full_json);
  g_autoptr(SandlockPolicy) copy = sandlock_policy_copy (policy);
  g_autofree char *before = sandlock_policy_to_json (policy);
  g_autofree char *copied = sandlock_policy_to_json (copy);
  g_autofree char *after = NULL;

  g_assert_true (copy != policy);
  g_assert_cmpint (copy->ref_count, ==, 1);
  g_assert_cmpstr (copied, ==, before);

  /* Deep: changing the copy leaves the original alone. */
  set_ok (copy, "fs_readable", "/new");
  set_ok (copy, "env", "LANG=C");
  set_ok (copy, "gpu_devices", "3");
  set_ok (copy, "name", "other");
  g_assert_true (sandlock_policy_unset (copy, "net_allow", NULL));
  after = sandlock_policy_to_json (policy);
  g_assert_cmpstr (after, ==, before);
}

static void
test_connect_ports (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GArray) ports = NULL;
  g_autofree char *text = NULL;

  set_ok (policy, "net_allow", ":443");
  set_ok (policy, "net_allow", "*:80");
  set_ok (policy, "net_allow", "example.com:22");
  set_ok (policy, "net_allow", ":443,8080");
  ports = sandlock_policy_connect_ports (policy);
  text = ports_to_string (ports);
  g_assert_cmpstr (text, ==, "443,80,8080");
}

static void
test_from_file (void)
{
  g_autofree char *good = tmp_path ("profile.json");
  g_autofree char *bad = tmp_path ("bad.json");
  g_autofree char *missing = tmp_path ("missing.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockPolicy) policy = NULL;

  g_assert_true (g_file_set_contents (good, "{\"no_coredump\": true}", -1, &error));
  g_assert_true (g_file_set_contents (bad, "{\"no_coredump\": 1}", -1, &error));
  g_assert_no_error (error);

  policy = sandlock_policy_new_from_file (good, &error);
  g_assert_no_error (error);
  g_assert_true (policy->no_coredump);
  g_clear_pointer (&policy, sandlock_policy_unref);

  policy = sandlock_policy_new_from_file (bad, &error);
  g_assert_null (policy);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_true (g_str_has_prefix (error->message, bad));
  g_assert_nonnull (strstr (error->message, "no_coredump: expected true or false"));
  g_clear_error (&error);

  policy = sandlock_policy_new_from_file (missing, &error);
  g_assert_null (policy);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_nonnull (strstr (error->message, missing));
}

/* ------------------------------------------------------------------------ */
/* check() and validate()                                                   */
/* ------------------------------------------------------------------------ */

static void
test_check_valid (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;

  assert_no_problems (policy);
  set_ok (policy, "fs_readable", "/");
  set_ok (policy, "fs_writable", tmpdir);
  set_ok (policy, "cwd", tmpdir);
  set_ok (policy, "net_allow", ":443");
  set_ok (policy, "net_allow", "*:80");
  set_ok (policy, "net_bind", "8080");
  set_ok (policy, "max_open_files", "1048576");
  set_ok (policy, "cpu_cores", "0");
  set_ok (policy, "no_coredump", "true");
  set_ok (policy, "clean_env", "true");
  set_ok (policy, "env", "LANG=C.UTF-8");
  set_ok (policy, "name", "build-1.example");
  set_ok (policy, "uid", "4294967294");
  assert_no_problems (policy);
  g_assert_true (sandlock_policy_validate (policy, &error));
  g_assert_no_error (error);
}

static void
test_check_paths (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *nope = tmp_path ("nope");
  g_autofree char *deep = tmp_path ("nope/deeper");
  g_autofree char *file = tmp_path ("file");
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "x", -1, &error));
  g_assert_no_error (error);

  set_ok (policy, "fs_readable", tmpdir);
  set_ok (policy, "fs_readable", nope);
  set_ok (policy, "fs_writable", deep);
  set_ok (policy, "fs_writable", file);
  problems = sandlock_policy_check (policy);
  g_assert_cmpuint (problems->len, ==, 2);
  expected = g_strdup_printf ("fs_readable: %s does not exist", nope);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("fs_writable: %s does not exist", deep);
  g_assert_cmpstr (g_ptr_array_index (problems, 1), ==, expected);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&policy, sandlock_policy_unref);

  /* cwd must be a directory. */
  policy = sandlock_policy_new ();
  set_ok (policy, "cwd", file);
  expected = g_strdup_printf ("cwd: %s is not a directory", file);
  assert_problem (policy, expected);
  g_clear_pointer (&expected, g_free);
  set_ok (policy, "cwd", nope);
  expected = g_strdup_printf ("cwd: %s does not exist", nope);
  assert_problem (policy, expected);
}

/* A valid textual value for every field. */
static const struct { const char *field, *value; } samples[] = {
  { "fs_readable", "/" },
  { "fs_writable", "/" },
  { "fs_denied", "/" },
  { "workdir", "/" },
  { "cwd", "/" },
  { "chroot", "/" },
  { "fs_mount", "/work:/" },
  { "fs_storage", "/" },
  { "max_disk", "1G" },
  { "on_exit", "commit" },
  { "on_error", "abort" },
  { "net_allow", ":443" },
  { "net_bind", "8080" },
  { "port_remap", "true" },
  { "allow_udp", "true" },
  { "allow_icmp", "true" },
  { "http_allow", "GET example.com/*" },
  { "http_deny", "* */admin/*" },
  { "http_ports", "80" },
  { "https_ca", "/" },
  { "https_key", "/" },
  { "max_memory", "512M" },
  { "max_processes", "10" },
  { "max_cpu", "50" },
  { "max_open_files", "64" },
  { "cpu_cores", "0" },
  { "num_cpus", "1" },
  { "deny_syscalls", "ptrace" },
  { "allow_syscalls", "read" },
  { "random_seed", "42" },
  { "time_start", "2000-01-01T00:00:00Z" },
  { "no_randomize_memory", "true" },
  { "no_huge_pages", "true" },
  { "no_coredump", "true" },
  { "deterministic_dirs", "true" },
  { "clean_env", "true" },
  { "env", "A=1" },
  { "name", "box" },
  { "uid", "0" },
  { "gpu_devices", "all" },
};

static void
test_check_unsupported (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (samples), ==, G_N_ELEMENTS (schema));

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = g_strdup_printf (UNSUPPORTED_FMT, samples[i].field);
      gboolean is_supported = g_strv_contains (supported, samples[i].field);

      g_assert_cmpstr (samples[i].field, ==, schema[i]);
      g_test_message ("field %s", samples[i].field);
      set_ok (policy, samples[i].field, samples[i].value);
      problems = sandlock_policy_check (policy);
      g_assert_cmpint (has_problem (problems, message), ==, !is_supported);

      if (is_supported)
        continue;
      g_assert_false (sandlock_policy_validate (policy, &error));
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_UNSUPPORTED);
      g_assert_cmpstr (error->message, ==, message);
    }
}

static void
test_check_net_allow_host (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();

  /* Host rules are valid policy; whether the names resolve is found out
   * when the sandbox starts. */
  set_ok (policy, "net_allow", ":443");
  set_ok (policy, "net_allow", "example.com:443");
  set_ok (policy, "net_allow", "github.com:22,443");
  set_ok (policy, "net_allow", "10.0.0.0/8:80");
  set_ok (policy, "net_allow", "[::1]:8080");
  assert_no_problems (policy);
}

static void
test_check_contradiction (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GPtrArray) problems = NULL;

  set_ok (policy, "deny_syscalls", "ptrace");
  problems = sandlock_policy_check (policy);
  g_assert_false (has_problem_prefix (problems, "deny_syscalls and allow_syscalls"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  set_ok (policy, "allow_syscalls", "read");
  problems = sandlock_policy_check (policy);
  g_assert_true (has_problem_prefix (problems,
                                     "deny_syscalls and allow_syscalls are both set"));
}

static void
test_check_env (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GPtrArray) problems = NULL;

  set_ok (policy, "env", "1BAD=x");
  set_ok (policy, "env", "GOOD=y");
  set_ok (policy, "env", "A-B=z");
  set_ok (policy, "env", "=empty");
  problems = sandlock_policy_check (policy);
  g_assert_cmpuint (problems->len, ==, 3);
  /* Sorted by name. */
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==,
                   "env: \"\" is not a valid variable name");
  g_assert_cmpstr (g_ptr_array_index (problems, 1), ==,
                   "env: \"1BAD\" is not a valid variable name");
  g_assert_cmpstr (g_ptr_array_index (problems, 2), ==,
                   "env: \"A-B\" is not a valid variable name");
}

static void
test_check_name (void)
{
  static const struct { const char *name, *problem; } cases[] = {
    { "build-1", NULL },
    { "a.b", NULL },
    { "A9", NULL },
    { "", "name: the name is empty" },
    { "a/b", "name: \"a/b\" contains \"/\"" },
    { "/", "name: \"/\" contains \"/\"" },
    { ".", "name: \".\" cannot be a name" },
    { "..", "name: \"..\" cannot be a name" },
    { "a b", "name: \"a b\" cannot be a hostname" },
    { "a_b", "name: \"a_b\" cannot be a hostname" },
    { "caf\xc3\xa9", "name: \"caf\\303\\251\" cannot be a hostname" },
  };
  g_autofree char *longest = g_strnfill (64, 'x');
  g_autofree char *too_long = g_strnfill (65, 'x');
  g_autofree char *too_long_problem =
    g_strdup_printf ("name: \"%s\" is 65 bytes long (use at most 64)", too_long);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("name \"%s\"", cases[i].name);
      set_ok (policy, "name", cases[i].name);
      problems = sandlock_policy_check (policy);
      if (cases[i].problem == NULL)
        {
          g_assert_cmpuint (problems->len, ==, 0);
          continue;
        }
      g_assert_cmpuint (problems->len, ==, 1);
      g_test_message ("problem: %s", (char *) g_ptr_array_index (problems, 0));
      g_assert_true (has_problem_prefix (problems, cases[i].problem));
    }

  {
    g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();

    set_ok (policy, "name", longest);
    assert_no_problems (policy);
    set_ok (policy, "name", too_long);
    assert_problem (policy, too_long_problem);
  }
}

static void
test_check_cpu_cores (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  long n_cpus = sysconf (_SC_NPROCESSORS_CONF);
  g_autofree char *last = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_cmpint (n_cpus, >=, 1);
  last = g_strdup_printf ("%ld", n_cpus - 1);
  missing = g_strdup_printf ("%ld", n_cpus);
  set_ok (policy, "cpu_cores", "0");
  set_ok (policy, "cpu_cores", last);
  assert_no_problems (policy);

  set_ok (policy, "cpu_cores", missing);
  set_ok (policy, "cpu_cores", "4294967295");
  if (n_cpus == 1)
    expected = g_strdup_printf ("cpu_cores: CPU %ld does not exist "
                                "(this machine has CPU 0)", n_cpus);
  else
    expected = g_strdup_printf ("cpu_cores: CPU %ld does not exist "
                                "(this machine has CPUs 0-%ld)", n_cpus, n_cpus - 1);
  problems = sandlock_policy_check (policy);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, expected);
  g_assert_true (has_problem_prefix (problems, "cpu_cores: CPU 4294967295 does not exist"));
}

static void
test_check_ranges (void)
{
  static const struct { const char *field, *value, *problem; } cases[] = {
    { "max_open_files", "0", "max_open_files: 0 is out of range (use 1-1048576)" },
    { "max_open_files", "1048577",
      "max_open_files: 1048577 is out of range (use 1-1048576)" },
    { "max_open_files", "1", NULL },
    { "max_cpu", "0", "max_cpu: 0 is out of range (use 1-100)" },
    { "max_cpu", "101", "max_cpu: 101 is out of range (use 1-100)" },
    { "max_cpu", "100", NULL },
    { "max_processes", "0", "max_processes: 0 is out of range (use 1 or more)" },
    { "max_processes", "1", NULL },
    { "num_cpus", "0", "num_cpus: 0 is out of range (use 1 or more)" },
    { "uid", "4294967295", "uid: 4294967295 is out of range (use 0-4294967294)" },
    { "uid", "0", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("%s = %s", cases[i].field, cases[i].value);
      set_ok (policy, cases[i].field, cases[i].value);
      problems = sandlock_policy_check (policy);
      if (cases[i].problem != NULL)
        g_assert_true (has_problem (problems, cases[i].problem));
      else
        {
          /* Value problems start with "field: "; "field is not supported"
           * does not. */
          g_autofree char *prefix = g_strconcat (cases[i].field, ": ", NULL);

          g_assert_false (has_problem_prefix (problems, prefix));
        }
    }
}

static void
test_validate (void)
{
  g_autoptr(SandlockPolicy) policy = sandlock_policy_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *nope = tmp_path ("nope");
  g_autofree char *first = g_strdup_printf ("fs_readable: %s does not exist", nope);
  g_autofree char *expected = NULL;

  g_assert_true (sandlock_policy_validate (policy, &error));
  g_assert_no_error (error);

  /* One problem: the sentence alone. */
  set_ok (policy, "fs_readable", nope);
  g_assert_false (sandlock_policy_validate (policy, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, first);
  g_clear_error (&error);

  /* Two: singular. */
  set_ok (policy, "max_open_files", "0");
  g_assert_false (sandlock_policy_validate (policy, &error));
  expected = g_strdup_printf ("%s (and 1 more problem)", first);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Three: the first still leads (schema order), so the code is
   * INVALID_POLICY even though an unsupported field is among them. */
  set_ok (policy, "chroot", "/");
  g_assert_false (sandlock_policy_validate (policy, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY);
  expected = g_strdup_printf ("%s (and 2 more problems)", first);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* Once the path problem is gone, the unsupported field comes first. */
  g_assert_true (sandlock_policy_unset (policy, "fs_readable", NULL));
  g_assert_false (sandlock_policy_validate (policy, &error));
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==,
                   "chroot is not supported yet by this version of sandlock; "
                   "remove it from the policy (and 1 more problem)");
}

/* ------------------------------------------------------------------------ */

static void
remove_tmpdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);

      if (g_remove (path) != 0)
        g_warning ("cannot remove %s: %s", path, g_strerror (errno));
    }
  if (g_rmdir (tmpdir) != 0)
    g_warning ("cannot remove %s: %s", tmpdir, g_strerror (errno));
}

static void
test_path_is_within (void)
{
  g_assert_true (sandlock_path_is_within ("/a/b", "/a"));
  g_assert_true (sandlock_path_is_within ("/a", "/a"));
  g_assert_false (sandlock_path_is_within ("/ab", "/a"));
  g_assert_false (sandlock_path_is_within ("/", "/a"));
  g_assert_true (sandlock_path_is_within ("/anything", "/"));
  g_assert_true (sandlock_path_is_within ("a/b", "a"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-policy-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/policy/parse/size", test_parse_size);
  g_test_add_func ("/policy/parse/port", test_parse_port);
  g_test_add_func ("/policy/parse/uint-bool", test_parse_uint_bool);
  g_test_add_func ("/policy/parse/net-rule", test_parse_net_rule);
  g_test_add_func ("/policy/parse/http-rule", test_parse_http_rule);
  g_test_add_func ("/policy/parse/env-names", test_env_names);
  g_test_add_func ("/policy/field-names", test_field_names);
  g_test_add_func ("/policy/json/kinds", test_json_kinds);
  g_test_add_func ("/policy/json/defaults", test_json_defaults);
  g_test_add_func ("/policy/json/wrong-types", test_json_wrong_types);
  g_test_add_func ("/policy/json/escapes-kept", test_json_escapes_kept);
  g_test_add_func ("/policy/json/length", test_json_length);
  g_test_add_func ("/policy/json/unknown-field", test_unknown_field);
  g_test_add_func ("/policy/json/round-trip", test_json_round_trip);
  g_test_add_func ("/policy/json/only-set", test_to_json_only_set);
  g_test_add_func ("/policy/set", test_set);
  g_test_add_func ("/policy/set-paths", test_set_paths);
  g_test_add_func ("/policy/merge", test_merge);
  g_test_add_func ("/policy/copy", test_copy);
  g_test_add_func ("/policy/connect-ports", test_connect_ports);
  g_test_add_func ("/policy/from-file", test_from_file);
  g_test_add_func ("/policy/check/valid", test_check_valid);
  g_test_add_func ("/policy/check/paths", test_check_paths);
  g_test_add_func ("/policy/check/unsupported", test_check_unsupported);
  g_test_add_func ("/policy/check/net-allow-host", test_check_net_allow_host);
  g_test_add_func ("/policy/check/contradiction", test_check_contradiction);
  g_test_add_func ("/policy/check/env", test_check_env);
  g_test_add_func ("/policy/check/name", test_check_name);
  g_test_add_func ("/policy/check/cpu-cores", test_check_cpu_cores);
  g_test_add_func ("/policy/check/ranges", test_check_ranges);
  g_test_add_func ("/policy/validate", test_validate);
  g_test_add_func ("/policy/path-is-within", test_path_is_within);

  status = g_test_run ();
  remove_tmpdir ();
  g_free (tmpdir);
  return status;
}
