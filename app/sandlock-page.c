/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include "sandlock-page.h"

typedef struct {
  SandlockDbusSandbox *sandbox;
} SandlockPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SandlockPage, sandlock_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SANDBOX,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

SandlockDbusSandbox *
sandlock_page_get_sandbox (SandlockPage *self)
{
  SandlockPagePrivate *priv = sandlock_page_get_instance_private (self);

  g_return_val_if_fail (SANDLOCK_IS_PAGE (self), NULL);
  return priv->sandbox;
}

void
sandlock_page_set_sandbox (SandlockPage        *self,
                           SandlockDbusSandbox *sandbox)
{
  SandlockPagePrivate *priv = sandlock_page_get_instance_private (self);

  g_return_if_fail (SANDLOCK_IS_PAGE (self));
  if (priv->sandbox == sandbox)
    return;
  g_set_object (&priv->sandbox, sandbox);
  SANDLOCK_PAGE_GET_CLASS (self)->set_sandbox (self, sandbox);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOX]);
}

static void
sandlock_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SANDBOX:
      g_value_set_object (value, sandlock_page_get_sandbox (SANDLOCK_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SANDBOX:
      sandlock_page_set_sandbox (SANDLOCK_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_page_dispose (GObject *object)
{
  SandlockPagePrivate *priv = sandlock_page_get_instance_private (SANDLOCK_PAGE (object));

  /* Each page lets go of its own view of the sandbox in its dispose. */
  g_clear_object (&priv->sandbox);
  G_OBJECT_CLASS (sandlock_page_parent_class)->dispose (object);
}

static void
sandlock_page_class_init (SandlockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sandlock_page_get_property;
  object_class->set_property = sandlock_page_set_property;
  object_class->dispose = sandlock_page_dispose;

  properties[PROP_SANDBOX] =
    g_param_spec_object ("sandbox", NULL, NULL, SANDLOCK_DBUS_TYPE_SANDBOX,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sandlock_page_init (SandlockPage *self)
{
}

gboolean
sandlock_page_toast (SandlockPage *self,
                     const char   *message)
{
  GtkWidget *overlay;

  g_return_val_if_fail (SANDLOCK_IS_PAGE (self), FALSE);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return FALSE;
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  return TRUE;
}

void
sandlock_page_report (SandlockPage *self,
                      const char   *what,
                      GError       *error)
{
  g_autofree char *message = NULL;

  g_return_if_fail (SANDLOCK_IS_PAGE (self));
  if (error == NULL)
    return;
  g_dbus_error_strip_remote_error (error);
  message = g_strdup_printf ("%s: %s", what, error->message);
  if (!sandlock_page_toast (self, message))
    g_warning ("%s", message);
}
