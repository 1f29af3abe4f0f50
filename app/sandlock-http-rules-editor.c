/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-http-rule.h"
#include "sandlock-http-rules-editor.h"
#include "sandlock-policy-editor-private.h"

/* The methods of the popover's drop-down, in its order; "*" is "Any". */
static const char *methods[] = { "*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

/* The fields in the order their rules are checked, and listed. */
static const char *fields[] = { "http_deny", "http_allow" };

struct _SandlockHttpRulesEditor {
  AdwPreferencesGroup  parent_instance;

  GtkListBox          *list;
  GtkMenuButton       *add_button;
  GtkPopover          *add_popover;
  GtkToggleButton     *allow_toggle;
  GtkToggleButton     *deny_toggle;
  GtkDropDown         *method_dropdown;
  GtkEditable         *host_entry;
  GtkEditable         *path_entry;
  GtkLabel            *hint_label;
  GtkWidget           *add_rule_button;

  GtkWidget           *header_row;    /* the columns' names, shown with rules */
  GtkWidget           *problem_row;
  GtkWidget           *empty_row;
  GPtrArray           *rule_rows;     /* GtkWidget, between the problem and the empty row */
  GtkSizeGroup        *columns[3];    /* action, method, host */

  SandlockPolicyModel *model;
  char                *problems[G_N_ELEMENTS (fields)];
};

G_DEFINE_FINAL_TYPE (SandlockHttpRulesEditor, sandlock_http_rules_editor, ADW_TYPE_PREFERENCES_GROUP)

static const char *
action_label (const char *field)
{
  return g_str_equal (field, "http_allow") ? C_("HTTP rule", "Allow") : C_("HTTP rule", "Deny");
}

/* ---- Rows --------------------------------------------------------------- */

static GtkWidget *
cell_new (const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A box of the row's columns: action, method and host keep the widths of
 * their size groups; the path takes the rest. */
static GtkWidget *
columns_new (SandlockHttpRulesEditor *self,
             GtkWidget               *action,
             GtkWidget               *method,
             GtkWidget               *host,
             GtkWidget               *path)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *cells[] = { action, method, host };

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      gtk_size_group_add_widget (self->columns[i], cells[i]);
      gtk_box_append (GTK_BOX (box), cells[i]);
    }
  gtk_widget_set_hexpand (path, TRUE);
  gtk_box_append (GTK_BOX (box), path);
  return box;
}

static GtkWidget *
header_row_new (SandlockHttpRulesEditor *self)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *names[4];
  GtkWidget *box;

  names[0] = cell_new (_("Action"), "caption-heading");
  names[1] = cell_new (_("Method"), "caption-heading");
  names[2] = cell_new (_("Host"), "caption-heading");
  names[3] = cell_new (_("Path"), "caption-heading");
  box = columns_new (self, names[0], names[1], names[2], names[3]);
  gtk_widget_add_css_class (box, "dim-label");
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "http-rules-header");
  /* The rows say it all to a screen reader. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  return row;
}

static void on_remove_clicked (GtkButton               *button,
                               SandlockHttpRulesEditor *self);

static GtkWidget *
rule_row_new (SandlockHttpRulesEditor *self,
              const char              *field,
              const char              *rule)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *action_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *action = gtk_label_new (action_label (field));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *method = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *described = NULL;
  g_autofree char *remove_label = NULL;
  GtkWidget *box;

  /* A rule of another shape (from a file) shows whole; ValidatePolicy
   * says what is wrong with it. */
  if (!sandlock_http_rule_split (rule, &method, &host, &path))
    {
      method = g_strdup ("");
      host = g_strdup (rule);
      path = g_strdup ("");
    }

  gtk_widget_add_css_class (action, "http-rule-action");
  gtk_widget_add_css_class (action, g_str_equal (field, "http_allow") ? "allow" : "deny");
  gtk_box_append (GTK_BOX (action_box), action);
  box = columns_new (self, action_box, cell_new (method, "monospace"), cell_new (host, NULL),
                     cell_new (path, "monospace"));
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  /* Translators: e.g. "Allow POST api.example.com/v1/chat" */
  described = g_strdup_printf (g_str_equal (field, "http_allow") ? C_("HTTP rule", "Allow %s")
                                                                 : C_("HTTP rule", "Deny %s"),
                               rule);
  remove_label = g_strdup_printf (_("Remove the rule “%s”"), described);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  gtk_box_append (GTK_BOX (box), remove);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_tooltip_text (row, rule);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, described, -1);
  g_object_set_data_full (G_OBJECT (row), "field", g_strdup (field), g_free);
  g_object_set_data_full (G_OBJECT (row), "rule", g_strdup (rule), g_free);
  g_object_set_data (G_OBJECT (remove), "row", row);
  return row;
}

/* Rules named by their field's problem stand out. */
static void
mark_rows (SandlockHttpRulesEditor *self)
{
  for (guint i = 0; i < self->rule_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rule_rows, i);
      const char *field = g_object_get_data (G_OBJECT (row), "field");
      const char *rule = g_object_get_data (G_OBJECT (row), "rule");
      const char *problem = NULL;

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        if (g_str_equal (field, fields[f]))
          problem = self->problems[f];
      if (problem != NULL && sandlock_policy_problem_names_item (problem, rule))
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }
}

static void
sync_rows (SandlockHttpRulesEditor *self)
{
  for (guint i = 0; i < self->rule_rows->len; i++)
    gtk_list_box_remove (self->list, g_ptr_array_index (self->rule_rows, i));
  g_ptr_array_set_size (self->rule_rows, 0);

  for (guint f = 0; self->model != NULL && f < G_N_ELEMENTS (fields); f++)
    {
      g_auto(GStrv) rules = sandlock_policy_model_get_list (self->model, fields[f]);

      for (guint i = 0; rules[i] != NULL; i++)
        {
          GtkWidget *row = rule_row_new (self, fields[f], rules[i]);

          /* After the problem row and the header. */
          gtk_list_box_insert (self->list, row, 2 + self->rule_rows->len);
          g_ptr_array_add (self->rule_rows, row);
        }
    }
  gtk_widget_set_visible (self->header_row, self->rule_rows->len > 0);
  gtk_widget_set_visible (self->empty_row, self->rule_rows->len == 0);
  mark_rows (self);
}

static void
on_model_changed (SandlockPolicyModel     *model,
                  const char              *field,
                  SandlockHttpRulesEditor *self)
{
  if (field == NULL || g_str_equal (field, "http_allow") || g_str_equal (field, "http_deny"))
    sync_rows (self);
}

static void
on_remove_clicked (GtkButton               *button,
                   SandlockHttpRulesEditor *self)
{
  GObject *row = g_object_get_data (G_OBJECT (button), "row");

  /* The model's "changed" rebuilds the rows, this one included. */
  if (self->model != NULL)
    sandlock_policy_model_remove_item (self->model, g_object_get_data (row, "field"),
                                       g_object_get_data (row, "rule"));
}

/* ---- The add popover ---------------------------------------------------- */

static const char *const default_hint =
  N_("Host: a name, *.example.com, an address or * for any. "
     "A path ending in * matches every path that starts with it.");

static void
set_hint (SandlockHttpRulesEditor *self,
          const char              *hint,
          gboolean                 is_error)
{
  gtk_label_set_label (self->hint_label, hint);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
    }
}

/* The rule the popover describes, or NULL (and why, in the hint). */
static char *
popover_rule (SandlockHttpRulesEditor *self)
{
  guint selected = gtk_drop_down_get_selected (self->method_dropdown);
  const char *host = gtk_editable_get_text (self->host_entry);
  const char *path = gtk_editable_get_text (self->path_entry);
  const char *method = selected < G_N_ELEMENTS (methods) ? methods[selected] : "*";
  g_autofree char *stripped_host = g_strstrip (g_strdup (host));
  g_autofree char *host_alone = sandlock_http_rule_join (method, host, NULL);
  char *rule = sandlock_http_rule_join (method, host, path);
  gboolean bad_host = *stripped_host != '\0' && host_alone == NULL;

  if (bad_host)
    gtk_widget_add_css_class (GTK_WIDGET (self->host_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->host_entry), "error");
  if (rule == NULL && !bad_host && *stripped_host != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->path_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->path_entry), "error");

  if (bad_host)
    set_hint (self, _("A host is one name or address, without spaces; the path goes under Path."), TRUE);
  else if (rule == NULL && *stripped_host != '\0')
    set_hint (self, _("A path has no spaces."), TRUE);
  else
    set_hint (self, _(default_hint), FALSE);
  return rule;
}

static void
on_entry_changed (SandlockHttpRulesEditor *self)
{
  g_autofree char *rule = popover_rule (self);

  gtk_widget_set_sensitive (self->add_rule_button, rule != NULL);
}

static void
on_popover_show (SandlockHttpRulesEditor *self)
{
  on_entry_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->host_entry));
}

static void
on_add_rule (SandlockHttpRulesEditor *self)
{
  g_autofree char *rule = popover_rule (self);
  const char *field = gtk_toggle_button_get_active (self->allow_toggle) ? "http_allow" : "http_deny";

  if (rule == NULL || self->model == NULL)
    return;
  if (!sandlock_policy_model_add_item (self->model, field, rule))
    {
      set_hint (self, _("This rule is already in the list."), TRUE);
      return;
    }
  /* The action and the method stay: rules often come in families. */
  gtk_editable_set_text (self->host_entry, "");
  gtk_editable_set_text (self->path_entry, "");
  gtk_popover_popdown (self->add_popover);
}

/* ---- Public ------------------------------------------------------------- */

void
sandlock_http_rules_editor_set_model (SandlockHttpRulesEditor *self,
                                      SandlockPolicyModel     *model)
{
  g_return_if_fail (SANDLOCK_IS_HTTP_RULES_EDITOR (self));
  g_return_if_fail (model == NULL || SANDLOCK_IS_POLICY_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_model_changed, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "changed", G_CALLBACK (on_model_changed), self, 0);
  sync_rows (self);
}

void
sandlock_http_rules_editor_set_problem (SandlockHttpRulesEditor *self,
                                        const char              *field,
                                        const char              *problem)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  g_return_if_fail (SANDLOCK_IS_HTTP_RULES_EDITOR (self));

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    if (g_strcmp0 (field, fields[f]) == 0)
      {
        g_free (self->problems[f]);
        self->problems[f] = g_strdup (problem);
      }
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    if (self->problems[f] != NULL)
      g_string_append_printf (shown, "%s%s", shown->len > 0 ? "\n" : "", self->problems[f]);

  if (shown->len > 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->problem_row), shown->str);
  gtk_widget_set_visible (self->problem_row, shown->len > 0);
  if (shown->len > 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    shown->str, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  mark_rows (self);
}

GtkWidget *
sandlock_http_rules_editor_new (void)
{
  return g_object_new (SANDLOCK_TYPE_HTTP_RULES_EDITOR, NULL);
}

/* ---- GObject ------------------------------------------------------------ */

static void
sandlock_http_rules_editor_dispose (GObject *object)
{
  SandlockHttpRulesEditor *self = SANDLOCK_HTTP_RULES_EDITOR (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_model_changed, self);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), SANDLOCK_TYPE_HTTP_RULES_EDITOR);
  G_OBJECT_CLASS (sandlock_http_rules_editor_parent_class)->dispose (object);
}

static void
sandlock_http_rules_editor_finalize (GObject *object)
{
  SandlockHttpRulesEditor *self = SANDLOCK_HTTP_RULES_EDITOR (object);

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    g_free (self->problems[f]);
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_clear_object (&self->columns[i]);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (sandlock_http_rules_editor_parent_class)->finalize (object);
}

static void
sandlock_http_rules_editor_class_init (SandlockHttpRulesEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_http_rules_editor_dispose;
  object_class->finalize = sandlock_http_rules_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-http-rules-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SandlockHttpRulesEditor, name)
  BIND (list);
  BIND (add_button);
  BIND (add_popover);
  BIND (allow_toggle);
  BIND (deny_toggle);
  BIND (method_dropdown);
  BIND (host_entry);
  BIND (path_entry);
  BIND (hint_label);
  BIND (add_rule_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_add_rule);
}

static void
sandlock_http_rules_editor_init (SandlockHttpRulesEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rule_rows = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    self->columns[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  /* As in the editor's other lists, a problem comes first. */
  self->problem_row = sandlock_policy_problem_row_new ();
  gtk_list_box_append (self->list, self->problem_row);

  self->header_row = header_row_new (self);
  gtk_list_box_append (self->list, self->header_row);

  self->empty_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row),
                                 _("No rules: HTTP requests are not checked"));
  gtk_widget_add_css_class (self->empty_row, "dim-label");
  gtk_list_box_append (self->list, self->empty_row);

  set_hint (self, _(default_hint), FALSE);
  sync_rows (self);
}
