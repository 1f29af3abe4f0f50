/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy editor under Xvfb against the real helper on a private bus,
 * opened from the launch dialog as a person would: fields changed through
 * their widgets give exactly that policy, problems show next to their
 * fields, and the HTTP rules (the columns, the add popover, remove) edit
 * http_allow and http_deny. Screenshots go to $SANDLOCK_SCREENSHOTS.
 *
 * The HTTP part runs as /ui-editor/http-rules once the helper lists the
 * HTTP fields as supported, and is skipped until then; meanwhile
 * /ui-editor/http-rules-shown tells the editor to show them anyway and
 * checks the policy it produces (not what ValidatePolicy says of it).
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "sandlock-application.h"
#include "sandlock-http-rules-editor.h"
#include "sandlock-launch-dialog.h"
#include "sandlock-policy-editor-private.h"
#include "sandlock-window.h"
#include "test-common.h"
#include "test-ui-common.h"

static SandlockApplication *app;
static SandlockWindow *window;
static GStrv helper_supported;   /* the helper's supported_fields */

/* ---- Finding widgets ---------------------------------------------------- */

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_visible (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
editor_child (SandlockPolicyEditor *editor,
              const char           *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (editor), SANDLOCK_TYPE_POLICY_EDITOR, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The row titled @title in the editor's group @group. */
static GtkWidget *
group_row (SandlockPolicyEditor *editor,
           const char           *group,
           const char           *title)
{
  GtkWidget *row = find_row (editor_child (editor, group), title);

  if (row == NULL)
    g_error ("no row “%s” in %s", title, group);
  return row;
}

static GtkWidget *
rules_child (SandlockPolicyEditor *editor,
             const char           *name)
{
  GtkWidget *rules = editor_child (editor, "http_rules_group");

  return GTK_WIDGET (gtk_widget_get_template_child (rules, SANDLOCK_TYPE_HTTP_RULES_EDITOR, name));
}

/* The list of a list field's group (not the group's own list of rows,
 * empty there). */
static GtkListBox *
find_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX (widget) && gtk_list_box_get_row_at_index (GTK_LIST_BOX (widget), 0) != NULL)
    return GTK_LIST_BOX (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListBox *found = find_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A shown window of @type (the list of toplevels holds it). */
static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

static SandlockPolicyEditor *
find_editor (void)
{
  GtkWidget *editor = find_toplevel (SANDLOCK_TYPE_POLICY_EDITOR);

  return editor ? SANDLOCK_POLICY_EDITOR (editor) : NULL;
}

static gboolean
capabilities_known (gpointer data)
{
  return sandlock_policy_editor_get_supported_fields (data) != NULL;
}

static gboolean
helper_supports (const char *field)
{
  return g_strv_contains ((const char * const *) helper_supported, field);
}

/* Scrolls @editor's page so that @group is at the top. */
static void
scroll_to (SandlockPolicyEditor *editor,
           const char           *group)
{
  GtkWidget *target = editor_child (editor, group);
  GtkWidget *page = gtk_widget_get_ancestor (target, ADW_TYPE_PREFERENCES_PAGE);
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (tu_find (page, GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  graphene_point_t point;

  tu_iterate_for (300);
  /* Where it is in the scrolled window's view, scrolled as it is. */
  g_assert_true (gtk_widget_compute_point (target, GTK_WIDGET (scrolled), &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
}

/* ---- Opening the editor from the launch dialog -------------------------- */

static GtkWidget *
launch_dialog_new (void)
{
  const char *argv[] = { "/bin/true", NULL };
  GtkWidget *dialog = sandlock_launch_dialog_new (window, argv);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* Presses "Edit Policy…" and waits for the editor to know the helper's
 * supported fields. */
static SandlockPolicyEditor *
edit_policy (GtkWidget *dialog)
{
  GObject *edit_row = gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG, "edit_row");
  SandlockPolicyEditor *editor;

  g_assert_null (find_editor ());
  adw_action_row_activate (ADW_ACTION_ROW (edit_row));
  editor = find_editor ();
  g_assert_nonnull (editor);
  gtk_window_set_default_size (GTK_WINDOW (editor), 1040, 760);
  tu_iterate_until (capabilities_known, editor);
  return editor;
}

static void
show_page (SandlockPolicyEditor *editor,
           const char           *name)
{
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (editor_child (editor, "stack")), name);
}

static void
on_use_policy (SandlockPolicyEditor *editor,
               GVariant             *policy,
               GVariant            **out)
{
  g_assert_null (*out);
  *out = g_variant_ref (policy);
}

/* Presses "Use Policy": the editor closes and gives its policy. */
static GVariant *
use_policy (SandlockPolicyEditor *editor)
{
  GVariant *policy = NULL;
  GtkWidget *use_button = editor_child (editor, "use_button");

  g_assert_true (gtk_widget_get_visible (use_button));
  g_signal_connect (editor, "use-policy", G_CALLBACK (on_use_policy), &policy);
  g_signal_emit_by_name (use_button, "clicked");
  g_assert_nonnull (policy);
  g_assert_null (find_editor ());
  return policy;
}

static void
assert_policy_equal (GVariant *policy,
                     GVariant *expected)
{
  g_autofree char *shown = g_variant_print (policy, TRUE);
  g_autofree char *wanted = g_variant_print (expected, TRUE);

  g_test_message ("policy:   %s", shown);
  if (!g_variant_equal (policy, expected))
    g_error ("the editor's policy\n  %s\nis not the expected\n  %s", shown, wanted);
}

/* What the launch dialog's first preset is, changed by @change. */
static GVariant *
expected_policy (void (*change) (SandlockPolicyModel *model, gpointer data),
                 gpointer data)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_preset (SANDLOCK_POLICY_PRESET_UNTRUSTED,
                                                                          NULL);

  change (model, data);
  return sandlock_policy_model_to_variant (model);
}

/* ---- Ordinary fields ---------------------------------------------------- */

static gboolean
window_shown (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

/* Through "+" → "Add Folders…": the file chooser, answered with @dir. */
static void
add_writable_folder (SandlockPolicyEditor *editor,
                     const char           *dir)
{
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  GtkWidget *chooser;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-path", "(sb)",
                                             "fs_writable", TRUE));
  tu_iterate_until (window_shown, GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG));
  chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error));
  g_assert_no_error (error);
  tu_iterate_for (200);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
}

static gboolean
model_list_has (gpointer data)
{
  const char * const *what = data;   /* editor, field, item */
  g_auto(GStrv) items = sandlock_policy_model_get_list (sandlock_policy_editor_get_model ((gpointer) what[0]),
                                                        what[1]);

  return g_strv_contains ((const char * const *) items, what[2]);
}

static gboolean
switch_on (gpointer data)
{
  return gtk_switch_get_active (data);
}

typedef struct {
  const char *writable;
} FieldChanges;

static void
change_fields (SandlockPolicyModel *model,
               gpointer             data)
{
  FieldChanges *changes = data;

  sandlock_policy_model_set_list (model, "fs_writable",
                                  (const char * const []) { "/dev/null", changes->writable, NULL });
  sandlock_policy_model_set_boolean (model, "allow_udp", TRUE);
  sandlock_policy_model_set_int (model, "max_processes", 64);
  sandlock_policy_model_set_env_var (model, "GREETING", "hello");
}

/* A writable folder (removed and added), a switch, a spin button and a
 * variable: the policy holds exactly these changes, and comes back when
 * the launch dialog's "Custom policy" is edited again. */
static void
test_fields (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  GtkWidget *dialog = launch_dialog_new ();
  SandlockPolicyEditor *editor = edit_policy (dialog);
  FieldChanges changes = { dir };
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GVariant) expected = expected_policy (change_fields, &changes);
  g_autoptr(GVariant) again = NULL;
  const char *wait[] = { (const char *) editor, "fs_writable", dir };
  GtkWidget *row, *spin, *profile_row;
  GListModel *profiles;

  /* /tmp out by its remove button, the folder in through the chooser. */
  row = group_row (editor, "writable_group", "/tmp");
  g_signal_emit_by_name (tu_find (row, GTK_TYPE_BUTTON), "clicked");
  g_assert_null (find_row (editor_child (editor, "writable_group"), "/tmp"));
  add_writable_folder (editor, dir);
  tu_iterate_until (model_list_has, wait);
  g_assert_nonnull (group_row (editor, "writable_group", dir));

  /* UDP on, as a click on its row does (on its page: the switch moves
   * only while it is shown). */
  show_page (editor, "network");
  row = group_row (editor, "net_options_group", "UDP");
  adw_action_row_activate (ADW_ACTION_ROW (row));
  tu_iterate_until (switch_on, tu_find (row, GTK_TYPE_SWITCH));   /* after its animation */

  /* 64 typed into Processes. */
  show_page (editor, "limits");
  spin = tu_find (group_row (editor, "resources_group", "Processes"), GTK_TYPE_SPIN_BUTTON);
  gtk_editable_set_text (GTK_EDITABLE (spin), "64");
  gtk_spin_button_update (GTK_SPIN_BUTTON (spin));

  /* A variable, entered. */
  show_page (editor, "environment");
  row = group_row (editor, "env_group", "Add Variable (NAME=value)");
  gtk_editable_set_text (GTK_EDITABLE (row), "GREETING=hello");
  g_signal_emit_by_name (row, "entry-activated");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  g_assert_nonnull (group_row (editor, "env_group", "GREETING"));

  tu_iterate_for (100);
  policy = use_policy (editor);
  assert_policy_equal (policy, expected);

  /* The launch dialog now runs the custom policy, and edits it again. */
  profile_row = GTK_WIDGET (gtk_widget_get_template_child (dialog, SANDLOCK_TYPE_LAUNCH_DIALOG, "profile_row"));
  profiles = adw_combo_row_get_model (ADW_COMBO_ROW (profile_row));
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (profiles),
                                               adw_combo_row_get_selected (ADW_COMBO_ROW (profile_row))),
                   ==, "Custom policy");
  editor = edit_policy (dialog);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (editor)), ==, "Custom Policy");
  again = sandlock_policy_model_to_variant (sandlock_policy_editor_get_model (editor));
  assert_policy_equal (again, expected);
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- Problems next to their fields -------------------------------------- */

static gboolean
has_class (gpointer data)
{
  return gtk_widget_has_css_class (data, "error");
}

static gboolean
lacks_class (gpointer data)
{
  return !gtk_widget_has_css_class (data, "error");
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_reveal_child (data);
}

static gboolean
hidden_revealer (gpointer data)
{
  return !gtk_revealer_get_reveal_child (data);
}

static void
test_inline_problems (void)
{
  GtkWidget *dialog = launch_dialog_new ();
  SandlockPolicyEditor *editor = edit_policy (dialog);
  GtkWidget *banner = editor_child (editor, "problems_revealer");
  GtkWidget *cwd = group_row (editor, "places_group", "Start In");
  GtkListBox *readable;
  GtkWidget *problem_row, *bad_row;
  const char *paths[] = { "/usr", "/no/such/file", NULL };
  g_autoptr(GVariantDict) policy = g_variant_dict_new (NULL);
  const char *tooltip;

  /* A folder that does not exist, typed: the row says so. */
  tu_iterate_until (hidden_revealer, banner);
  gtk_editable_set_text (GTK_EDITABLE (cwd), "/no/such/folder");
  tu_iterate_until (has_class, cwd);
  tooltip = gtk_widget_get_tooltip_text (cwd);
  g_test_message ("cwd problem: %s", tooltip);
  g_assert_nonnull (strstr (tooltip, "/no/such/folder does not exist"));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  scroll_to (editor, "places_group");
  tu_screenshot (GTK_WIDGET (editor), "editor-problem");
  gtk_editable_set_text (GTK_EDITABLE (cwd), "");
  tu_iterate_until (lacks_class, cwd);
  tu_iterate_until (hidden_revealer, banner);

  /* A list's problem: its first row, and the item it names stands out. */
  g_variant_dict_insert (policy, "fs_readable", "^as", paths);
  sandlock_policy_editor_set_policy (editor, g_variant_dict_end (policy), NULL);
  readable = find_list (editor_child (editor, "readable_group"));
  problem_row = GTK_WIDGET (gtk_list_box_get_row_at_index (readable, 0));
  tu_iterate_until (widget_visible, problem_row);
  g_test_message ("fs_readable problem: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (problem_row)));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (problem_row)),
                            "/no/such/file does not exist"));
  bad_row = group_row (editor, "readable_group", "/no/such/file");
  g_assert_true (gtk_widget_has_css_class (bad_row, "error"));
  g_assert_false (gtk_widget_has_css_class (group_row (editor, "readable_group", "/usr"), "error"));
  tu_iterate_until (revealed, banner);

  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- Which fields show -------------------------------------------------- */

static gboolean
page_visible (SandlockPolicyEditor *editor,
              const char           *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (editor_child (editor, "stack"));
  GtkWidget *child = adw_view_stack_get_child_by_name (stack, name);

  return adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, child));
}

static gboolean
shown (SandlockPolicyEditor *editor,
       const char           *group)
{
  return gtk_widget_get_visible (editor_child (editor, group));
}

/* Groups and pages show when one of their fields does; a field hidden in
 * a group that stays shows nothing of its own. */
static void
test_supported_groups (void)
{
  GtkWidget *dialog = launch_dialog_new ();
  SandlockPolicyEditor *editor = edit_policy (dialog);
  const char *http_only[] = { "fs_readable", "http_ports", "https_ca", NULL };

  /* As the helper says. */
  g_assert_cmpint (shown (editor, "http_rules_group"), ==, helper_supports ("http_allow"));
  g_assert_cmpint (shown (editor, "http_ports_group"), ==, helper_supports ("http_ports"));
  g_assert_cmpint (shown (editor, "https_group"), ==, helper_supports ("https_ca"));
  g_assert_true (shown (editor, "net_allow_group"));
  g_assert_true (page_visible (editor, "network"));

  /* Of the network, only the HTTP ports and the CA certificate. */
  sandlock_policy_editor_set_supported_fields (editor, http_only);
  g_assert_true (page_visible (editor, "network"));
  g_assert_true (page_visible (editor, "filesystem"));
  g_assert_false (page_visible (editor, "limits"));
  g_assert_false (shown (editor, "net_allow_group"));
  g_assert_false (shown (editor, "net_options_group"));
  g_assert_false (shown (editor, "http_rules_group"));
  g_assert_true (shown (editor, "http_ports_group"));
  g_assert_true (shown (editor, "https_group"));
  g_assert_true (gtk_widget_get_visible (find_row (editor_child (editor, "https_group"), "CA Certificate (PEM)")));
  g_assert_null (find_row (editor_child (editor, "https_group"), "CA Private Key (PEM)"));
  g_assert_false (shown (editor, "writable_group"));
  g_assert_true (shown (editor, "readable_group"));

  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- HTTP rules --------------------------------------------------------- */

static guint
method_index (GtkDropDown *dropdown,
              const char  *method)
{
  GListModel *methods = gtk_drop_down_get_model (dropdown);

  if (g_str_equal (method, "*"))
    return 0;
  for (guint i = 0; i < g_list_model_get_n_items (methods); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (methods), i), method) == 0)
      return i;
  g_error ("no method %s in the drop-down", method);
}

/* Through "+", the popover's widgets and "Add Rule". */
static void
add_rule (SandlockPolicyEditor *editor,
          gboolean              allow,
          const char           *method,
          const char           *host,
          const char           *path,
          const char           *screenshot)
{
  GtkWidget *popover = rules_child (editor, "add_popover");
  GtkWidget *add = rules_child (editor, "add_rule_button");
  GtkDropDown *methods = GTK_DROP_DOWN (rules_child (editor, "method_dropdown"));

  /* Focus moves under Xvfb without a window manager would close it. */
  gtk_popover_set_autohide (GTK_POPOVER (popover), FALSE);
  gtk_menu_button_popup (GTK_MENU_BUTTON (rules_child (editor, "add_button")));
  tu_iterate_until (widget_visible, popover);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (rules_child (editor, allow ? "allow_toggle" : "deny_toggle")),
                                TRUE);
  gtk_drop_down_set_selected (methods, method_index (methods, method));
  gtk_editable_set_text (GTK_EDITABLE (rules_child (editor, "host_entry")), host);
  gtk_editable_set_text (GTK_EDITABLE (rules_child (editor, "path_entry")), path);
  g_assert_true (gtk_widget_get_sensitive (add));
  if (screenshot != NULL)
    tu_screenshot (popover, screenshot);
  g_signal_emit_by_name (add, "clicked");
  g_assert_false (gtk_widget_get_visible (popover));
}

/* The rule rows, in order. */
static GPtrArray *
rule_rows (SandlockPolicyEditor *editor)
{
  GtkListBox *list = GTK_LIST_BOX (rules_child (editor, "list"));
  GPtrArray *rows = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (g_object_get_data (G_OBJECT (row), "rule") != NULL)
      g_ptr_array_add (rows, row);
  return rows;
}

static void
collect_labels (GtkWidget *widget,
                GString   *texts)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (texts, "%s|", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

/* "Action|Method|Host|Path|" as the row shows them. */
static char *
row_columns (GtkWidget *row)
{
  GString *texts = g_string_new (NULL);

  collect_labels (row, texts);
  return g_string_free (texts, FALSE);
}

typedef struct {
  const char *ca;
  const char *key;
} HttpChanges;

static void
change_http (SandlockPolicyModel *model,
             gpointer             data)
{
  HttpChanges *changes = data;

  sandlock_policy_model_set_list (model, "http_allow",
                                  (const char * const []) { "POST api.example.com/v1/chat/completions", NULL });
  sandlock_policy_model_set_list (model, "http_deny", (const char * const []) { "* */admin/*", NULL });
  sandlock_policy_model_set_list (model, "http_ports", (const char * const []) { "80", "8080", NULL });
  sandlock_policy_model_set_text (model, "https_ca", changes->ca);
  sandlock_policy_model_set_text (model, "https_key", changes->key);
}

static void
edit_http_rules (SandlockPolicyEditor *editor)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *ca = tc_make_file (dir, "ca.pem", "-----BEGIN CERTIFICATE-----\n");
  g_autofree char *key = tc_make_file (dir, "ca.key", "-----BEGIN PRIVATE KEY-----\n");
  HttpChanges changes = { ca, key };
  g_autoptr(GVariant) expected = expected_policy (change_http, &changes);
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *host, *row;

  show_page (editor, "network");
  g_assert_true (shown (editor, "http_rules_group"));
  g_assert_true (shown (editor, "http_ports_group"));
  g_assert_true (shown (editor, "https_group"));
  g_assert_true (gtk_widget_get_visible (rules_child (editor, "list")));

  /* Nothing to add while the host is missing or holds a space. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (rules_child (editor, "add_button")));
  tu_iterate_until (widget_visible, rules_child (editor, "add_popover"));
  host = rules_child (editor, "host_entry");
  g_assert_false (gtk_widget_get_sensitive (rules_child (editor, "add_rule_button")));
  gtk_editable_set_text (GTK_EDITABLE (host), "api example.com");
  g_assert_false (gtk_widget_get_sensitive (rules_child (editor, "add_rule_button")));
  g_assert_true (gtk_widget_has_css_class (host, "error"));
  gtk_editable_set_text (GTK_EDITABLE (host), "");
  gtk_popover_popdown (GTK_POPOVER (rules_child (editor, "add_popover")));

  add_rule (editor, TRUE, "POST", "api.example.com", "/v1/chat/completions", "editor-http-add-rule");
  add_rule (editor, FALSE, "*", "*", "/admin/*", NULL);
  add_rule (editor, TRUE, "GET", "docs.python.org", "", NULL);   /* every path */

  /* Deny first, as they are checked, in columns. */
  rows = rule_rows (editor);
  g_assert_cmpuint (rows->len, ==, 3);
  {
    const char *columns[] = {
      "Deny|*|*|/admin/*|",
      "Allow|POST|api.example.com|/v1/chat/completions|",
      "Allow|GET|docs.python.org|/*|",
    };

    for (guint i = 0; i < rows->len; i++)
      {
        g_autofree char *texts = row_columns (g_ptr_array_index (rows, i));

        g_assert_cmpstr (texts, ==, columns[i]);
      }
  }

  /* The last one goes again. */
  row = g_ptr_array_index (rows, 2);
  g_signal_emit_by_name (tu_find (row, GTK_TYPE_BUTTON), "clicked");
  g_ptr_array_unref (rows);
  rows = rule_rows (editor);
  g_assert_cmpuint (rows->len, ==, 2);

  /* The port list, and the CA's files typed in. */
  row = group_row (editor, "http_ports_group", "Add Port");
  gtk_editable_set_text (GTK_EDITABLE (row), "80");
  g_signal_emit_by_name (row, "entry-activated");
  gtk_editable_set_text (GTK_EDITABLE (row), "8080");
  g_signal_emit_by_name (row, "entry-activated");
  gtk_editable_set_text (GTK_EDITABLE (group_row (editor, "https_group", "CA Certificate (PEM)")), ca);
  gtk_editable_set_text (GTK_EDITABLE (group_row (editor, "https_group", "CA Private Key (PEM)")), key);

  scroll_to (editor, "http_rules_group");
  tu_screenshot (GTK_WIDGET (editor), "editor-network-http");
  scroll_to (editor, "http_ports_group");
  tu_screenshot (GTK_WIDGET (editor), "editor-network-https");

  /* Not what ValidatePolicy says (the engine may refuse these fields):
   * what the editor gives. */
  policy = use_policy (editor);
  assert_policy_equal (policy, expected);
}

/* With the helper's own list of supported fields. */
static void
test_http_rules (void)
{
  GtkWidget *dialog;
  SandlockPolicyEditor *editor;

  if (!helper_supports ("http_allow"))
    {
      g_test_skip ("the helper does not list http_allow among its supported_fields yet: "
                   "/ui-editor/http-rules-shown covers the widgets meanwhile");
      return;
    }
  dialog = launch_dialog_new ();
  editor = edit_policy (dialog);
  edit_http_rules (editor);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Told to show the HTTP fields while the helper does not support them. */
static void
test_http_rules_shown (void)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) fields = NULL;
  GtkWidget *dialog;
  SandlockPolicyEditor *editor;

  if (helper_supports ("http_allow"))
    {
      g_test_skip ("the helper supports the HTTP fields: /ui-editor/http-rules covers them");
      return;
    }
  dialog = launch_dialog_new ();
  editor = edit_policy (dialog);
  g_assert_false (shown (editor, "http_rules_group"));
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) helper_supported);
  g_strv_builder_addv (builder, (const char *[]) { "http_allow", "http_deny", "http_ports", "https_ca",
                                                   "https_key", NULL });
  fields = g_strv_builder_end (builder);
  sandlock_policy_editor_set_supported_fields (editor, (const char * const *) fields);
  edit_http_rules (editor);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A problem with a rule shows above the rules; the rules it names stand out. */
static void
test_http_rule_problem (void)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new ();
  GtkWidget *holder = gtk_window_new ();
  GtkWidget *rules = sandlock_http_rules_editor_new ();
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_template_child (rules, SANDLOCK_TYPE_HTTP_RULES_EDITOR, "list"));
  GtkWidget *problem_row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  GtkListBoxRow *row;
  guint n_error = 0, n_rules = 0;

  gtk_window_set_child (GTK_WINDOW (holder), rules);
  sandlock_http_rules_editor_set_model (SANDLOCK_HTTP_RULES_EDITOR (rules), model);
  sandlock_policy_model_set_list (model, "http_allow", (const char * const []) { "GET", "GET a.example/", NULL });
  g_assert_false (gtk_widget_get_visible (problem_row));

  sandlock_http_rules_editor_set_problem (SANDLOCK_HTTP_RULES_EDITOR (rules), "http_allow",
                                          "\"GET\" is not a rule (write METHOD host/path)");
  g_assert_true (gtk_widget_get_visible (problem_row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (problem_row)), ==,
                   "\"GET\" is not a rule (write METHOD host/path)");
  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      const char *rule = g_object_get_data (G_OBJECT (row), "rule");

      if (rule == NULL)
        continue;
      n_rules++;
      if (gtk_widget_has_css_class (GTK_WIDGET (row), "error"))
        {
          n_error++;
          g_assert_cmpstr (rule, ==, "GET");
        }
    }
  g_assert_cmpuint (n_rules, ==, 2);
  g_assert_cmpuint (n_error, ==, 1);

  sandlock_http_rules_editor_set_problem (SANDLOCK_HTTP_RULES_EDITOR (rules), "http_allow", NULL);
  g_assert_false (gtk_widget_get_visible (problem_row));
  gtk_window_destroy (GTK_WINDOW (holder));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) capabilities = NULL;
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return g_test_run ();
    }
  adw_init ();

  tu_start_bus ();
  /* No notification server on this bus. */
  settings = g_settings_new ("org.sandlock.Sandlock");
  g_settings_set_boolean (settings, "notify", FALSE);
  window = tu_start_app (&app);

  sandlock_dbus_manager_call_get_capabilities_sync (sandlock_application_get_manager (app), &capabilities,
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (capabilities, "supported_fields", "^as", &helper_supported));

  g_test_add_func ("/ui-editor/fields", test_fields);
  g_test_add_func ("/ui-editor/inline-problems", test_inline_problems);
  g_test_add_func ("/ui-editor/supported-groups", test_supported_groups);
  g_test_add_func ("/ui-editor/http-rules", test_http_rules);
  g_test_add_func ("/ui-editor/http-rules-shown", test_http_rules_shown);
  g_test_add_func ("/ui-editor/http-rule-problem", test_http_rule_problem);
  return g_test_run ();
}
