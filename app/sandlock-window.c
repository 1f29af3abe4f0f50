/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-audit-window.h"
#include "sandlock-changes-page.h"
#include "sandlock-events-page.h"
#include "sandlock-launch-dialog.h"
#include "sandlock-output-page.h"
#include "sandlock-overview-page.h"
#include "sandlock-policy-editor.h"
#include "sandlock-ports-page.h"
#include "sandlock-sandbox-row.h"
#include "sandlock-settings.h"
#include "sandlock-window.h"

struct _SandlockWindow {
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toasts;
  GtkStack             *sidebar_stack;
  AdwStatusPage        *sidebar_status;
  GtkListView          *sidebar;
  GtkStack             *content_stack;
  AdwStatusPage        *content_status;
  AdwViewStack         *pages;
  AdwViewSwitcherTitle *switcher_title;

  GtkSingleSelection   *selection;
  char                 *pending_selection;   /* object path not listed yet */
  GSettings            *settings;            /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (SandlockWindow, sandlock_window, ADW_TYPE_APPLICATION_WINDOW)

SandlockApplication *
sandlock_window_get_application (SandlockWindow *self)
{
  return SANDLOCK_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

SandlockDbusSandbox *
sandlock_window_get_selected (SandlockWindow *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

GtkWidget *
sandlock_window_get_page (SandlockWindow *self,
                          const char     *name)
{
  return adw_view_stack_get_child_by_name (self->pages, name);
}

void
sandlock_window_show_page (SandlockWindow *self,
                           const char     *name)
{
  adw_view_stack_set_visible_child_name (self->pages, name);
}

/* Every page with a "sandbox" property shows the selected one. */
static void
show_sandbox (SandlockWindow      *self,
              SandlockDbusSandbox *sandbox)
{
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->pages);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (child), "sandbox") != NULL)
        g_object_set (child, "sandbox", sandbox, NULL);
    }
  gtk_stack_set_visible_child_name (self->content_stack, sandbox ? "sandbox" : "none");
  /* No pages to switch between without a sandbox. */
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, sandbox != NULL);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      SandlockWindow     *self)
{
  show_sandbox (self, gtk_single_selection_get_selected_item (selection));
}

static void
try_pending_selection (SandlockWindow *self)
{
  GListModel *model = gtk_single_selection_get_model (self->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; self->pending_selection != NULL && i < n; i++)
    {
      g_autoptr(GDBusProxy) sandbox = g_list_model_get_item (model, i);

      if (g_strcmp0 (g_dbus_proxy_get_object_path (sandbox), self->pending_selection) == 0)
        {
          g_clear_pointer (&self->pending_selection, g_free);
          gtk_single_selection_set_selected (self->selection, i);
        }
    }
}

static void
on_items_changed (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  SandlockWindow *self)
{
  gtk_stack_set_visible_child_name (self->sidebar_stack,
                                    g_list_model_get_n_items (model) ? "list" : "empty");
  try_pending_selection (self);
}

void
sandlock_window_select (SandlockWindow *self,
                        const char     *object_path)
{
  g_free (self->pending_selection);
  self->pending_selection = g_strdup (object_path);
  try_pending_selection (self);
}

void
sandlock_window_toast (SandlockWindow *self,
                       const char     *message)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

void
sandlock_window_show_error (SandlockWindow *self,
                            const char     *title,
                            const char     *detail)
{
  adw_status_page_set_icon_name (self->content_status, "dialog-error-symbolic");
  adw_status_page_set_title (self->content_status, title);
  adw_status_page_set_description (self->content_status, detail);
  gtk_stack_set_visible_child_name (self->content_stack, "none");
}

void
sandlock_window_open_launch (SandlockWindow     *self,
                             const char * const *argv)
{
  GtkWidget *dialog = sandlock_launch_dialog_new (self, argv);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Sidebar ------------------------------------------------------------ */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (item, sandlock_sandbox_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  sandlock_sandbox_row_set_sandbox (SANDLOCK_SANDBOX_ROW (gtk_list_item_get_child (item)),
                                    gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  sandlock_sandbox_row_set_sandbox (SANDLOCK_SANDBOX_ROW (gtk_list_item_get_child (item)), NULL);
}

/* ---- Actions ------------------------------------------------------------ */

static void
on_launch (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  sandlock_window_open_launch (SANDLOCK_WINDOW (widget), NULL);
}

static void
on_about (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  const char *developers[] = { "The Sandlock developers", NULL };

  adw_show_about_window (GTK_WINDOW (widget),
                         "application-name", _("Sandlock"),
                         "application-icon", "org.sandlock.Sandlock",
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_APACHE_2_0,
                         "comments", _("Run untrusted programs confined by Landlock and seccomp, "
                                       "without root"),
                         NULL);
}

static void
on_audit (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  sandlock_audit_window_show (GTK_WINDOW (widget));
}

/* The policy editor on its own: presets and profiles, starting from the
 * untrusted-program preset; not modal, so sandboxes stay in view. */
static void
on_policies (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  GtkWidget *editor = sandlock_policy_editor_new (GTK_WINDOW (widget));

  gtk_window_set_modal (GTK_WINDOW (editor), FALSE);
  gtk_widget_activate_action (editor, "editor.preset", "s", "untrusted");
  gtk_window_present (GTK_WINDOW (editor));
}

/* ---- Saved state -------------------------------------------------------- */

static void
on_page_changed (AdwViewStack   *pages,
                 GParamSpec     *pspec,
                 SandlockWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (pages);

  /* Only what people choose: not the pages' coming and going while the
   * window is built or destroyed. */
  if (name != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    g_settings_set_string (self->settings, "selected-page", name);
}

/* Size, maximized and the page come back from the last run. Without the
 * schema (running from the build tree without GSETTINGS_SCHEMA_DIR) the
 * window simply starts at its default size. */
static void
restore_state (SandlockWindow *self)
{
  g_autofree char *page = NULL;

  self->settings = sandlock_settings_new ();
  if (self->settings == NULL)
    return;
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  page = g_settings_get_string (self->settings, "selected-page");
  if (adw_view_stack_get_child_by_name (self->pages, page) != NULL)
    adw_view_stack_set_visible_child_name (self->pages, page);
  g_signal_connect_object (self->pages, "notify::visible-child-name",
                           G_CALLBACK (on_page_changed), self, 0);
}

static void
sandlock_window_finalize (GObject *object)
{
  SandlockWindow *self = SANDLOCK_WINDOW (object);

  g_free (self->pending_selection);
  g_clear_object (&self->settings);
  g_clear_object (&self->selection);
  G_OBJECT_CLASS (sandlock_window_parent_class)->finalize (object);
}

static void
sandlock_window_class_init (SandlockWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sandlock_window_finalize;

  g_type_ensure (SANDLOCK_TYPE_OVERVIEW_PAGE);
  g_type_ensure (SANDLOCK_TYPE_OUTPUT_PAGE);
  g_type_ensure (SANDLOCK_TYPE_PORTS_PAGE);
  g_type_ensure (SANDLOCK_TYPE_CHANGES_PAGE);
  g_type_ensure (SANDLOCK_TYPE_EVENTS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/sandlock/Sandlock/sandlock-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, sidebar_status);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, content_status);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, SandlockWindow, switcher_title);

  gtk_widget_class_install_action (widget_class, "win.launch", NULL, on_launch);
  gtk_widget_class_install_action (widget_class, "win.about", NULL, on_about);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.launch", NULL);
  gtk_widget_class_install_action (widget_class, "win.audit", NULL, on_audit);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.audit", NULL);
  gtk_widget_class_install_action (widget_class, "win.policies", NULL, on_policies);
}

static void
sandlock_window_init (SandlockWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  restore_state (self);
}

SandlockWindow *
sandlock_window_new (SandlockApplication *app)
{
  SandlockWindow *self = g_object_new (SANDLOCK_TYPE_WINDOW, "application", app, NULL);
  GListModel *sandboxes = sandlock_application_get_sandboxes (app);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  self->selection = gtk_single_selection_new (g_object_ref (sandboxes));
  gtk_list_view_set_model (self->sidebar, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_factory (self->sidebar, factory);
  g_object_unref (factory);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, 0);
  g_signal_connect_object (sandboxes, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  on_items_changed (sandboxes, 0, 0, 0, self);
  show_sandbox (self, gtk_single_selection_get_selected_item (self->selection));
  return self;
}
