/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-ports-page.h"

struct _SandlockPortsPage {
  SandlockPage         parent_instance;

  GtkStack            *stack;
  GtkListBox          *list;

  SandlockDbusSandbox *sandbox;
};

G_DEFINE_FINAL_TYPE (SandlockPortsPage, sandlock_ports_page, SANDLOCK_TYPE_PAGE)

typedef struct {
  guint16 virtual_port;
  guint16 real_port;
} PortPair;

static int
compare_ports (gconstpointer a,
               gconstpointer b)
{
  const PortPair *pa = a;
  const PortPair *pb = b;

  return (int) pa->virtual_port - (int) pb->virtual_port;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *accessible_label,
             const char *action,
             guint16     real_port)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint16 (real_port));
  return button;
}

static GtkWidget *
create_row (const PortPair *pair)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_strdup_printf ("%u → %u", pair->virtual_port, pair->real_port);
  /* Translators: the sandboxed program's port is reachable at this address */
  g_autofree char *subtitle = g_strdup_printf (_("Reachable at 127.0.0.1:%u"), pair->real_port);
  g_autofree char *copy_label = g_strdup_printf (_("Copy 127.0.0.1:%u"), pair->real_port);
  g_autofree char *open_label = g_strdup_printf (_("Open http://127.0.0.1:%u/ in a browser"),
                                                 pair->real_port);
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-server-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("edit-copy-symbolic", _("Copy Address"), copy_label,
                                          "ports.copy", pair->real_port));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("web-browser-symbolic", _("Open in Browser"), open_label,
                                          "ports.open", pair->real_port));
  return row;
}

static void
update (SandlockPortsPage *self)
{
  GVariant *ports = self->sandbox ? sandlock_dbus_sandbox_get_ports (self->sandbox) : NULL;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (PortPair));
  GtkWidget *child;

  if (ports != NULL && g_variant_is_of_type (ports, G_VARIANT_TYPE ("a{qq}")))
    {
      GVariantIter iter;
      PortPair pair;

      g_variant_iter_init (&iter, ports);
      while (g_variant_iter_next (&iter, "{qq}", &pair.virtual_port, &pair.real_port))
        g_array_append_val (pairs, pair);
      g_array_sort (pairs, compare_ports);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < pairs->len; i++)
    gtk_list_box_append (self->list, create_row (&g_array_index (pairs, PortPair, i)));

  gtk_stack_set_visible_child_name (self->stack, pairs->len > 0 ? "ports" : "empty");
}

static void
on_ports (GObject           *object,
          GParamSpec        *pspec,
          SandlockPortsPage *self)
{
  update (self);
}

static void
on_copy (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", g_variant_get_uint16 (parameter));
  g_autofree char *message = g_strdup_printf (_("Copied %s"), address);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), address);
  sandlock_page_toast (SANDLOCK_PAGE (widget), message);
}

static void
on_shown (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SandlockPortsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* gtk_show_uri() would only log a failure: say it where it is seen. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open a browser: %s"), error->message);

      sandlock_page_toast (SANDLOCK_PAGE (self), message);
    }
}

static void
on_open (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/", g_variant_get_uint16 (parameter));
  GtkRoot *root = gtk_widget_get_root (widget);

  if (!GTK_IS_WINDOW (root))
    return;
  gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, on_shown, g_object_ref (widget));
}

static void
set_sandbox (SandlockPortsPage   *self,
             SandlockDbusSandbox *sandbox)
{
  if (self->sandbox == sandbox)
    return;
  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);
  g_set_object (&self->sandbox, sandbox);
  if (sandbox != NULL)
    g_signal_connect (sandbox, "notify::ports", G_CALLBACK (on_ports), self);
  update (self);
}

static void
page_set_sandbox (SandlockPage        *page,
                  SandlockDbusSandbox *sandbox)
{
  set_sandbox (SANDLOCK_PORTS_PAGE (page), sandbox);
}

static void
sandlock_ports_page_dispose (GObject *object)
{
  set_sandbox (SANDLOCK_PORTS_PAGE (object), NULL);
  G_OBJECT_CLASS (sandlock_ports_page_parent_class)->dispose (object);
}

static void
sandlock_ports_page_class_init (SandlockPortsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_ports_page_dispose;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-ports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockPortsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockPortsPage, list);

  gtk_widget_class_install_action (widget_class, "ports.copy", "q", on_copy);
  gtk_widget_class_install_action (widget_class, "ports.open", "q", on_open);
}

static void
sandlock_ports_page_init (SandlockPortsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
