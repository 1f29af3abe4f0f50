/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sandlock-sandbox-list.h"
#include "sandlock-sandbox-row.h"

struct _SandlockSandboxRow {
  GtkWidget            parent_instance;
  GtkWidget           *box;
  GtkWidget           *title;
  GtkWidget           *state;
  GtkWidget           *command;
  SandlockDbusSandbox *sandbox;
  gulong               notify_id;
};

G_DEFINE_FINAL_TYPE (SandlockSandboxRow, sandlock_sandbox_row, GTK_TYPE_WIDGET)

char *
sandlock_sandbox_state_text (SandlockDbusSandbox *sandbox)
{
  const char *state = sandlock_dbus_sandbox_get_state (sandbox);
  int sig = sandlock_dbus_sandbox_get_signal (sandbox);

  if (g_strcmp0 (state, "running") == 0)
    return g_strdup (_("Running"));
  if (g_strcmp0 (state, "paused") == 0)
    return g_strdup (_("Paused"));
  if (g_strcmp0 (state, "failed") == 0)
    return g_strdup (_("Failed"));
  if (sig > 0)
    {
      const char *name = sigabbrev_np (sig);
      return name ? g_strdup_printf (_("Killed (SIG%s)"), name)
                  : g_strdup_printf (_("Killed (signal %d)"), sig);
    }
  return g_strdup_printf (_("Exited (%d)"), sandlock_dbus_sandbox_get_exit_code (sandbox));
}

const char *
sandlock_sandbox_state_style (SandlockDbusSandbox *sandbox)
{
  const char *state = sandlock_dbus_sandbox_get_state (sandbox);

  if (g_strcmp0 (state, "running") == 0)
    return "accent";
  if (g_strcmp0 (state, "paused") == 0)
    return "warning";
  if (g_strcmp0 (state, "exited") == 0 && sandlock_dbus_sandbox_get_exit_code (sandbox) == 0)
    return "success";
  return "error";
}

static void
update (SandlockSandboxRow *self)
{
  g_autofree char *title = sandlock_sandbox_describe (self->sandbox);
  g_autofree char *state = sandlock_sandbox_state_text (self->sandbox);
  g_autofree char *command = sandlock_sandbox_command (self->sandbox);
  const char *styles[] = { "accent", "warning", "success", "error" };

  gtk_label_set_label (GTK_LABEL (self->title), title);
  gtk_label_set_label (GTK_LABEL (self->state), state);
  gtk_label_set_label (GTK_LABEL (self->command), command);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (self->state, styles[i]);
  gtk_widget_add_css_class (self->state, sandlock_sandbox_state_style (self->sandbox));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
}

static void
on_notify (GObject            *object,
           GParamSpec         *pspec,
           SandlockSandboxRow *self)
{
  update (self);
}

void
sandlock_sandbox_row_set_sandbox (SandlockSandboxRow  *self,
                                  SandlockDbusSandbox *sandbox)
{
  if (self->sandbox != NULL)
    g_clear_signal_handler (&self->notify_id, self->sandbox);
  g_set_object (&self->sandbox, sandbox);
  if (sandbox == NULL)
    return;
  self->notify_id = g_signal_connect (sandbox, "notify", G_CALLBACK (on_notify), self);
  update (self);
}

static void
sandlock_sandbox_row_dispose (GObject *object)
{
  SandlockSandboxRow *self = SANDLOCK_SANDBOX_ROW (object);

  sandlock_sandbox_row_set_sandbox (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (sandlock_sandbox_row_parent_class)->dispose (object);
}

static void
sandlock_sandbox_row_class_init (SandlockSandboxRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sandlock_sandbox_row_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static GtkWidget *
label (const char *style)
{
  GtkWidget *widget = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (widget), 0);
  gtk_label_set_ellipsize (GTK_LABEL (widget), PANGO_ELLIPSIZE_END);
  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
  return widget;
}

static void
sandlock_sandbox_row_init (SandlockSandboxRow *self)
{
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 6);
  self->title = label ("heading");
  gtk_widget_set_hexpand (self->title, TRUE);
  self->state = label ("caption");
  self->command = label ("caption");
  gtk_widget_add_css_class (self->command, "dim-label");
  gtk_widget_add_css_class (self->command, "monospace");
  gtk_box_append (GTK_BOX (top), self->title);
  gtk_box_append (GTK_BOX (top), self->state);
  gtk_box_append (GTK_BOX (self->box), top);
  gtk_box_append (GTK_BOX (self->box), self->command);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

GtkWidget *
sandlock_sandbox_row_new (void)
{
  return g_object_new (SANDLOCK_TYPE_SANDBOX_ROW, NULL);
}
