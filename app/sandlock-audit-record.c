/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include "sandlock-audit-record.h"

struct _SandlockAuditRecord {
  GObject   parent_instance;

  GVariant *record;   /* a{sv} */
};

G_DEFINE_FINAL_TYPE (SandlockAuditRecord, sandlock_audit_record, G_TYPE_OBJECT)

static void
sandlock_audit_record_finalize (GObject *object)
{
  SandlockAuditRecord *self = SANDLOCK_AUDIT_RECORD (object);

  g_clear_pointer (&self->record, g_variant_unref);
  G_OBJECT_CLASS (sandlock_audit_record_parent_class)->finalize (object);
}

static void
sandlock_audit_record_class_init (SandlockAuditRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sandlock_audit_record_finalize;
}

static void
sandlock_audit_record_init (SandlockAuditRecord *self)
{
}

SandlockAuditRecord *
sandlock_audit_record_new (GVariant *record)
{
  SandlockAuditRecord *self;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_object_new (SANDLOCK_TYPE_AUDIT_RECORD, NULL);
  self->record = g_variant_ref_sink (record);
  return self;
}

GVariant *
sandlock_audit_record_get_variant (SandlockAuditRecord *self)
{
  g_return_val_if_fail (SANDLOCK_IS_AUDIT_RECORD (self), NULL);

  return self->record;
}

const char *
sandlock_audit_record_get_string (SandlockAuditRecord *self,
                                  const char          *key)
{
  const char *value = NULL;

  g_return_val_if_fail (SANDLOCK_IS_AUDIT_RECORD (self), "");

  if (!g_variant_lookup (self->record, key, "&s", &value))
    return "";
  return value;
}

gint64
sandlock_audit_record_get_int (SandlockAuditRecord *self,
                               const char          *key)
{
  g_autoptr(GVariant) value = NULL;

  g_return_val_if_fail (SANDLOCK_IS_AUDIT_RECORD (self), 0);

  value = g_variant_lookup_value (self->record, key, NULL);
  if (value == NULL)
    return 0;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_variant_get_int64 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_variant_get_int32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return (gint64) g_variant_get_uint64 (value);
  return 0;
}

char *
sandlock_audit_record_dup_command (SandlockAuditRecord *self)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree const char **argv = NULL;

  g_return_val_if_fail (SANDLOCK_IS_AUDIT_RECORD (self), NULL);

  if (!g_variant_lookup (self->record, "argv", "^a&s", &argv))
    return g_strdup ("");
  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;

      if (i > 0)
        g_string_append_c (line, ' ');
      /* Plain words stay readable; only what needs it gets quoted. */
      if (argv[i][0] != '\0' && strpbrk (argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") == NULL)
        g_string_append (line, argv[i]);
      else
        {
          quoted = g_shell_quote (argv[i]);
          g_string_append (line, quoted);
        }
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}
