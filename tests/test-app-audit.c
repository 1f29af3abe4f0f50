/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit log view's records without a display: members of the helper's
 * QueryAudit records, whatever integer type they travel as, and a run's
 * command line.
 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <gio/gio.h>

#include "sandlock-audit-record.h"

static SandlockAuditRecord *
parse_record (const char *text)
{
  g_autoptr(GError) error = NULL;
  GVariant *variant = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &error);

  g_assert_no_error (error);
  return sandlock_audit_record_new (variant);
}

static void
test_members (void)
{
  g_autoptr(SandlockAuditRecord) run =
    parse_record ("{'kind': <'run'>, 'run': <'6af2c5e2a819177d'>, 'name': <'build'>,"
                  " 'start': <int64 1795335501035382>, 'exit_code': <int64 -1>,"
                  " 'signal': <int64 9>, 'denied': <uint32 3>, 'audited': <2>}");

  g_assert_cmpstr (sandlock_audit_record_get_string (run, "kind"), ==, "run");
  g_assert_cmpstr (sandlock_audit_record_get_string (run, "name"), ==, "build");
  g_assert_cmpint (sandlock_audit_record_get_int (run, "start"), ==, G_GINT64_CONSTANT (1795335501035382));
  g_assert_cmpint (sandlock_audit_record_get_int (run, "exit_code"), ==, -1);
  g_assert_cmpint (sandlock_audit_record_get_int (run, "signal"), ==, 9);
  g_assert_cmpint (sandlock_audit_record_get_int (run, "denied"), ==, 3);
  g_assert_cmpint (sandlock_audit_record_get_int (run, "audited"), ==, 2);

  /* Missing members and members of another type read as empty. */
  g_assert_cmpstr (sandlock_audit_record_get_string (run, "state"), ==, "");
  g_assert_cmpstr (sandlock_audit_record_get_string (run, "start"), ==, "");
  g_assert_cmpint (sandlock_audit_record_get_int (run, "end"), ==, 0);
  g_assert_cmpint (sandlock_audit_record_get_int (run, "name"), ==, 0);
  g_assert_true (g_variant_is_of_type (sandlock_audit_record_get_variant (run), G_VARIANT_TYPE_VARDICT));
}

static void
test_command (void)
{
  g_autoptr(SandlockAuditRecord) run =
    parse_record ("{'argv': <['/bin/sh', '-c', 'echo hi; ls /', '', 'plain']>}");
  g_autoptr(SandlockAuditRecord) none = parse_record ("{'kind': <'run'>}");
  g_autofree char *command = sandlock_audit_record_dup_command (run);
  g_autofree char *empty = sandlock_audit_record_dup_command (none);

  g_assert_cmpstr (command, ==, "/bin/sh -c 'echo hi; ls /' '' plain");
  g_assert_cmpstr (empty, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit-record/members", test_members);
  g_test_add_func ("/audit-record/command", test_command);
  return g_test_run ();
}
