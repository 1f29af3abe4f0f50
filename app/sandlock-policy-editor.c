/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sandlock-application.h"
#include "sandlock-http-rules-editor.h"
#include "sandlock-policy-editor-private.h"

/* How long typing may pause before the helper checks the policy. */
#define VALIDATE_DELAY_MS 300

typedef enum {
  ROW_PATHS,     /* a list of paths: rows, Add Folder/File, Remove */
  ROW_TEXTS,     /* a list of text: rows, an entry to add, Remove */
  ROW_ENV,       /* NAME=value pairs */
  ROW_PATH,      /* an entry and a folder chooser */
  ROW_FILE,      /* an entry and a file chooser */
  ROW_TEXT,      /* an entry */
  ROW_SIZE,      /* a number and MiB/GiB */
  ROW_COUNT,     /* a number, 0 = unset */
  ROW_SWITCH,
  ROW_ACTION,    /* default, commit, abort, keep */
  ROW_HTTP_RULES,/* http_allow and http_deny: their group is a SandlockHttpRulesEditor */
} RowType;

typedef struct {
  const char *field;
  gsize       group;      /* offset of its AdwPreferencesGroup in the editor */
  RowType     type;
  const char *title;      /* lists: the add entry's title */
  const char *subtitle;   /* lists: shown while empty */
  double      max;        /* ROW_COUNT */
} FieldSpec;

typedef struct _FieldUi FieldUi;

struct _SandlockPolicyEditor {
  AdwWindow             parent_instance;

  AdwToastOverlay      *toasts;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *open_button;
  GtkWidget            *use_button;
  GtkWidget            *save_button;
  GtkRevealer          *problems_revealer;
  GtkLabel             *problems_label;
  AdwViewStack         *stack;
  AdwPreferencesGroup  *readable_group;
  AdwPreferencesGroup  *writable_group;
  AdwPreferencesGroup  *denied_group;
  AdwPreferencesGroup  *places_group;
  AdwPreferencesGroup  *cow_group;
  AdwPreferencesGroup  *net_allow_group;
  AdwPreferencesGroup  *net_bind_group;
  AdwPreferencesGroup  *net_options_group;
  AdwPreferencesGroup  *http_rules_group;
  AdwPreferencesGroup  *http_ports_group;
  AdwPreferencesGroup  *https_group;
  AdwPreferencesGroup  *resources_group;
  AdwPreferencesGroup  *cpus_group;
  AdwPreferencesGroup  *deny_syscalls_group;
  AdwPreferencesGroup  *allow_syscalls_group;
  AdwPreferencesGroup  *repeat_group;
  AdwPreferencesGroup  *process_group;
  AdwPreferencesGroup  *env_options_group;
  AdwPreferencesGroup  *env_group;

  SandlockPolicyModel  *model;
  GPtrArray            *fields;          /* FieldUi */
  GMenu                *profiles_menu;   /* the saved profiles' section */
  GStrv                 profiles;
  char                 *profile_name;    /* what Save writes, or NULL */
  char                 *origin;          /* shown when there is no profile name */
  GStrv                 supported;       /* the fields shown; NULL until known */
  gboolean              supported_given; /* by sandlock_policy_editor_set_supported_fields() */

  FieldUi              *editing;         /* the row whose change is being stored */
  gboolean              syncing;         /* widgets being set from the model */
  guint                 validate_id;
  GCancellable         *cancellable;     /* everything in flight; cancelled on dispose */
  GCancellable         *validating;      /* the ValidatePolicy call in flight */
};

struct _FieldUi {
  SandlockPolicyEditor *self;
  const FieldSpec      *spec;
  gboolean              supported;
  GtkWidget            *row;             /* scalars: the row */
  GtkWidget            *control;         /* spin button, switch */
  GtkDropDown          *unit;            /* ROW_SIZE */
  GtkWidget            *error_icon;      /* scalars */
  GtkListBox           *list;            /* lists */
  GtkWidget            *problem_row;     /* lists: the first row */
  GtkWidget            *empty_row;       /* lists */
  GtkWidget            *add_row;         /* ROW_TEXTS, ROW_ENV */
  guint                 n_items;         /* lists: rows between problem and empty */
};

G_DEFINE_FINAL_TYPE (SandlockPolicyEditor, sandlock_policy_editor, ADW_TYPE_WINDOW)

enum {
  USE_POLICY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define GROUP(name) G_STRUCT_OFFSET (SandlockPolicyEditor, name)

static const FieldSpec field_specs[] = {
  { "fs_readable", GROUP (readable_group), ROW_PATHS, NULL,
    N_("Nothing readable: add folders or files with +") },
  { "fs_writable", GROUP (writable_group), ROW_PATHS, NULL,
    N_("Nothing writable") },
  { "fs_denied", GROUP (denied_group), ROW_PATHS, NULL,
    N_("Nothing hidden") },
  { "cwd", GROUP (places_group), ROW_PATH, N_("Start In"), NULL },
  { "workdir", GROUP (cow_group), ROW_PATH, N_("Copy-on-Write Folder"), NULL },
  { "fs_storage", GROUP (cow_group), ROW_PATH, N_("Layer Storage (default ~/.local/state/sandlock/cow)"), NULL },
  { "max_disk", GROUP (cow_group), ROW_SIZE, N_("Layer Size"),
    N_("Writes beyond it fail with “no space left”") },
  { "on_exit", GROUP (cow_group), ROW_ACTION, N_("When the Program Succeeds"),
    N_("Default: commit the changes") },
  { "on_error", GROUP (cow_group), ROW_ACTION, N_("When It Fails or Is Killed"),
    N_("Default: abort, dropping the changes") },

  { "net_allow", GROUP (net_allow_group), ROW_TEXTS, N_("Add Rule (e.g. :443 or example.com:22)"),
    N_("No outbound connections") },
  { "net_bind", GROUP (net_bind_group), ROW_TEXTS, N_("Add Port"),
    N_("No listening ports") },
  { "port_remap", GROUP (net_options_group), ROW_SWITCH, N_("Ports of Its Own"),
    N_("A port taken on this computer is remapped; the program sees the one it asked for") },
  { "allow_udp", GROUP (net_options_group), ROW_SWITCH, N_("UDP"),
    N_("Datagrams, each to a destination the rules above allow") },
  { "allow_icmp", GROUP (net_options_group), ROW_SWITCH, N_("Ping"),
    N_("ICMP echo sockets; raw sockets never") },
  { "http_allow", GROUP (http_rules_group), ROW_HTTP_RULES, NULL, NULL },
  { "http_deny", GROUP (http_rules_group), ROW_HTTP_RULES, NULL, NULL },
  { "http_ports", GROUP (http_ports_group), ROW_TEXTS, N_("Add Port"),
    N_("Port 80 only (the default)") },
  { "https_ca", GROUP (https_group), ROW_FILE, N_("CA Certificate (PEM)"), NULL },
  { "https_key", GROUP (https_group), ROW_FILE, N_("CA Private Key (PEM)"), NULL },

  { "max_memory", GROUP (resources_group), ROW_SIZE, N_("Memory"),
    N_("Private writable memory; allocations beyond it fail") },
  { "max_disk", GROUP (resources_group), ROW_SIZE, N_("Copy-on-Write Layer"),
    N_("What the layer may hold while the program runs") },
  { "max_processes", GROUP (resources_group), ROW_COUNT, N_("Processes"),
    N_("At once; threads do not count"), 1000000 },
  { "max_cpu", GROUP (resources_group), ROW_COUNT, N_("CPU Time (%)"),
    N_("Percent of one core"), 100 },
  { "max_open_files", GROUP (resources_group), ROW_COUNT, N_("Open Files"),
    N_("Per process"), 1048576 },
  { "num_cpus", GROUP (cpus_group), ROW_COUNT, N_("Processors Shown"),
    N_("How many CPUs the program sees: a view, not a limit"), 4096 },
  { "cpu_cores", GROUP (cpus_group), ROW_TEXT, N_("Run Only On CPUs (e.g. 0,1)"), NULL },

  { "deny_syscalls", GROUP (deny_syscalls_group), ROW_TEXTS, N_("Add System Call"),
    N_("None beyond the built-in blocklist") },
  { "allow_syscalls", GROUP (allow_syscalls_group), ROW_TEXTS, N_("Add System Call"),
    N_("Empty: every call not denied is allowed") },

  { "random_seed", GROUP (repeat_group), ROW_TEXT, N_("Random Seed (a number)"), NULL },
  { "time_start", GROUP (repeat_group), ROW_TEXT, N_("Clock Starts At (e.g. 2000-01-01T00:00:00Z)"), NULL },
  { "deterministic_dirs", GROUP (repeat_group), ROW_SWITCH, N_("Sorted Directories"),
    N_("Directories list in name order") },
  { "no_randomize_memory", GROUP (process_group), ROW_SWITCH, N_("No Address Randomization"),
    N_("The same memory layout on every run (ASLR off)") },
  { "no_huge_pages", GROUP (process_group), ROW_SWITCH, N_("No Transparent Huge Pages"), NULL },
  { "no_coredump", GROUP (process_group), ROW_SWITCH, N_("No Core Dumps"), NULL },

  { "clean_env", GROUP (env_options_group), ROW_SWITCH, N_("Clean Environment"),
    N_("Keep only PATH, HOME, TERM, LANG, USER and SHELL") },
  { "env", GROUP (env_group), ROW_ENV, N_("Add Variable (NAME=value)"),
    N_("No variables set") },
};

#undef GROUP

static const char *action_values[] = { NULL, "commit", "abort", "keep" };

static AdwPreferencesGroup *
field_group (SandlockPolicyEditor *self,
             const FieldSpec      *spec)
{
  return G_STRUCT_MEMBER (AdwPreferencesGroup *, self, spec->group);
}

static gboolean
field_is_list (const FieldUi *ui)
{
  return ui->spec->type == ROW_PATHS || ui->spec->type == ROW_TEXTS || ui->spec->type == ROW_ENV;
}

static SandlockDbusManager *
get_manager (void)
{
  GApplication *app = g_application_get_default ();

  if (app == NULL || !SANDLOCK_IS_APPLICATION (app))
    return NULL;
  return sandlock_application_get_manager (SANDLOCK_APPLICATION (app));
}

static void
toast (SandlockPolicyEditor *self,
       const char           *message)
{
  AdwToast *item = adw_toast_new (message);

  adw_toast_set_timeout (item, 4);
  adw_toast_overlay_add_toast (self->toasts, item);
}

static void
toast_error (SandlockPolicyEditor *self,
             const char           *what,
             GError               *error)
{
  g_autofree char *message = NULL;

  g_dbus_error_strip_remote_error (error);
  message = g_strdup_printf ("%s: %s", what, error->message);
  toast (self, message);
}

static void
update_title (SandlockPolicyEditor *self)
{
  g_autofree char *subtitle = NULL;
  const char *shown;

  if (self->profile_name != NULL)
    subtitle = g_strdup_printf (_("Profile “%s”"), self->profile_name);
  shown = subtitle ? subtitle : self->origin ? self->origin : _("New Policy");
  /* The open button names the policy: the switcher's title has no room
   * for it when wide. */
  gtk_menu_button_set_label (self->open_button, shown);
  gtk_window_set_title (GTK_WINDOW (self), shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete", self->profile_name != NULL);
}

/* ---- Model -> widgets --------------------------------------------------- */

static void on_remove_clicked (GtkButton *button,
                               FieldUi   *ui);

static GtkWidget *
item_row_new (FieldUi    *ui,
              const char *title,
              const char *subtitle,
              const char *key)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_("Remove %s"), key);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (ui->spec->type == ROW_PATHS)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (g_file_test (title, G_FILE_TEST_IS_DIR)
                                                      ? "folder-symbolic" : "text-x-generic-symbolic");

      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  else
    gtk_widget_add_css_class (row, "property");

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "item", g_strdup (key), g_free);
  g_object_set_data_full (G_OBJECT (row), "item", g_strdup (key), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), ui);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
sync_list (FieldUi *ui)
{
  SandlockPolicyEditor *self = ui->self;
  g_auto(GStrv) items = ui->spec->type == ROW_ENV
                        ? sandlock_policy_model_get_env (self->model)
                        : sandlock_policy_model_get_list (self->model, ui->spec->field);
  guint n = g_strv_length (items);

  for (guint i = 0; i < ui->n_items; i++)
    gtk_list_box_remove (ui->list, GTK_WIDGET (gtk_list_box_get_row_at_index (ui->list, 1)));
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row;

      if (ui->spec->type == ROW_ENV)
        {
          char *equals = strchr (items[i], '=');

          *equals = '\0';
          row = item_row_new (ui, items[i], equals + 1, items[i]);
        }
      else
        row = item_row_new (ui, items[i], NULL, items[i]);
      gtk_list_box_insert (ui->list, row, 1 + i);
    }
  ui->n_items = n;
  gtk_widget_set_visible (ui->empty_row, n == 0);
}

static void
sync_field (FieldUi *ui)
{
  SandlockPolicyEditor *self = ui->self;
  const char *field = ui->spec->field;

  self->syncing = TRUE;
  switch (ui->spec->type)
    {
    case ROW_PATHS:
    case ROW_TEXTS:
    case ROW_ENV:
      sync_list (ui);
      break;

    case ROW_PATH:
    case ROW_FILE:
    case ROW_TEXT:
      {
        g_autofree char *text = sandlock_policy_model_get_text (self->model, field);

        if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (ui->row))) != 0)
          gtk_editable_set_text (GTK_EDITABLE (ui->row), text);
      }
      break;

    case ROW_SIZE:
      {
        SandlockSizeUnit unit;
        double value = sandlock_policy_size_to_unit (sandlock_policy_model_get_size (self->model, field),
                                                     &unit);

        gtk_drop_down_set_selected (ui->unit, unit);
        /* Whole MiB or GiB as integers; an odd size (from a file) exactly. */
        gtk_spin_button_set_digits (GTK_SPIN_BUTTON (ui->control), value == (double) (guint64) value ? 0 : 3);
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui->control), value);
      }
      break;

    case ROW_COUNT:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui->control),
                                 MAX (0, sandlock_policy_model_get_int (self->model, field)));
      break;

    case ROW_SWITCH:
      gtk_switch_set_active (GTK_SWITCH (ui->control),
                             sandlock_policy_model_get_boolean (self->model, field));
      break;

    case ROW_ACTION:
      {
        g_autofree char *text = sandlock_policy_model_get_text (self->model, field);
        guint selected = 0;

        for (guint i = 1; i < G_N_ELEMENTS (action_values); i++)
          if (g_strcmp0 (text, action_values[i]) == 0)
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (ui->row), selected);
      }
      break;

    case ROW_HTTP_RULES:
      /* The rules editor follows the model itself. */
      break;

    default:
      g_assert_not_reached ();
    }
  self->syncing = FALSE;
}

static void schedule_validation (SandlockPolicyEditor *self);

static void
on_model_changed (SandlockPolicyModel  *model,
                  const char           *field,
                  SandlockPolicyEditor *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      FieldUi *ui = g_ptr_array_index (self->fields, i);

      if (ui != self->editing && (field == NULL || g_strcmp0 (field, ui->spec->field) == 0))
        sync_field (ui);
    }
  schedule_validation (self);
}

/* ---- Widgets -> model --------------------------------------------------- */

static gboolean
begin_edit (FieldUi *ui)
{
  if (ui->self->syncing)
    return FALSE;
  ui->self->editing = ui;
  return TRUE;
}

static void
end_edit (FieldUi *ui)
{
  ui->self->editing = NULL;
}

static void
on_text_changed (GtkEditable *editable,
                 FieldUi     *ui)
{
  if (!begin_edit (ui))
    return;
  sandlock_policy_model_set_text (ui->self->model, ui->spec->field, gtk_editable_get_text (editable));
  end_edit (ui);
}

static void
on_size_changed (FieldUi *ui)
{
  double value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (ui->control));
  SandlockSizeUnit unit = gtk_drop_down_get_selected (ui->unit) == SANDLOCK_SIZE_UNIT_GIB
                          ? SANDLOCK_SIZE_UNIT_GIB : SANDLOCK_SIZE_UNIT_MIB;

  if (!begin_edit (ui))
    return;
  sandlock_policy_model_set_size (ui->self->model, ui->spec->field,
                                  sandlock_policy_size_from_unit (value, unit));
  end_edit (ui);
}

static void
on_count_changed (GtkSpinButton *spin,
                  FieldUi       *ui)
{
  gint64 value = (gint64) gtk_spin_button_get_value (spin);

  if (!begin_edit (ui))
    return;
  sandlock_policy_model_set_int (ui->self->model, ui->spec->field, value > 0 ? value : -1);
  end_edit (ui);
}

static void
on_switch_changed (GtkSwitch  *sw,
                   GParamSpec *pspec,
                   FieldUi    *ui)
{
  if (!begin_edit (ui))
    return;
  sandlock_policy_model_set_boolean (ui->self->model, ui->spec->field, gtk_switch_get_active (sw));
  end_edit (ui);
}

static void
on_action_changed (AdwComboRow *row,
                   GParamSpec  *pspec,
                   FieldUi     *ui)
{
  guint selected = adw_combo_row_get_selected (row);

  if (!begin_edit (ui))
    return;
  sandlock_policy_model_set_text (ui->self->model, ui->spec->field,
                                  selected < G_N_ELEMENTS (action_values) ? action_values[selected] : NULL);
  end_edit (ui);
}

static void
on_remove_clicked (GtkButton *button,
                   FieldUi   *ui)
{
  const char *item = g_object_get_data (G_OBJECT (button), "item");

  /* The model's "changed" rebuilds the rows, this one included. */
  if (ui->spec->type == ROW_ENV)
    sandlock_policy_model_set_env_var (ui->self->model, item, NULL);
  else
    sandlock_policy_model_remove_item (ui->self->model, ui->spec->field, item);
}

static void
on_add_text (AdwEntryRow *row,
             FieldUi     *ui)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    return;
  if (ui->spec->type == ROW_ENV)
    {
      char *equals = strchr (text, '=');

      if (equals == NULL || equals == text)
        {
          gtk_widget_add_css_class (GTK_WIDGET (row), "error");
          toast (ui->self, _("Write a variable as NAME=value"));
          return;
        }
      *equals = '\0';
      sandlock_policy_model_set_env_var (ui->self->model, text, equals + 1);
    }
  else if (!sandlock_policy_model_add_item (ui->self->model, ui->spec->field, text))
    {
      toast (ui->self, _("Already in the list"));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  /* Emptying the row counts as an edit: hide the apply button again. */
  adw_entry_row_set_show_apply_button (row, FALSE);
  adw_entry_row_set_show_apply_button (row, TRUE);
}

/* ---- Building the rows -------------------------------------------------- */

static GtkWidget *
error_icon_new (void)
{
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_visible (icon, FALSE);
  return icon;
}

/* 0 reads as what it means for the field ("No limit", "All"). */
static gboolean
on_spin_output (GtkSpinButton *spin,
                const char    *zero)
{
  if (gtk_spin_button_get_value (spin) != 0)
    return FALSE;
  /* Through the delegate: the spin button's own set_text() parses the
   * text as a value and would show "" instead. */
  gtk_editable_set_text (gtk_editable_get_delegate (GTK_EDITABLE (spin)), zero);
  return TRUE;
}

static int
on_spin_input (GtkSpinButton *spin,
               double        *value,
               const char    *zero)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  char *end = NULL;

  if (*text == '\0' || g_str_equal (text, zero))
    *value = 0;
  else
    {
      *value = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0')
        return GTK_INPUT_ERROR;
    }
  return TRUE;
}

static GtkWidget *
spin_new (const char *label,
          double      max,
          const char *zero)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, 1);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (spin, "output", G_CALLBACK (on_spin_output), (gpointer) zero);
  g_signal_connect (spin, "input", G_CALLBACK (on_spin_input), (gpointer) zero);
  on_spin_output (GTK_SPIN_BUTTON (spin), zero);
  return spin;
}

GtkWidget *
sandlock_policy_problem_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-error-symbolic"));
  gtk_widget_add_css_class (row, "policy-problem-row");
  gtk_widget_set_visible (row, FALSE);
  return row;
}

static void
build_list (SandlockPolicyEditor *self,
            FieldUi              *ui,
            AdwPreferencesGroup  *group)
{
  const FieldSpec *spec = ui->spec;

  ui->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (ui->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (ui->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (ui->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_group_get_title (group), -1);
  adw_preferences_group_add (group, GTK_WIDGET (ui->list));

  ui->problem_row = sandlock_policy_problem_row_new ();
  gtk_list_box_append (ui->list, ui->problem_row);

  ui->empty_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ui->empty_row), _(spec->subtitle));
  gtk_widget_add_css_class (ui->empty_row, "dim-label");
  gtk_list_box_append (ui->list, ui->empty_row);

  if (spec->type == ROW_PATHS)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) folder = g_menu_item_new (_("Add _Folders…"), NULL);
      g_autoptr(GMenuItem) file = g_menu_item_new (_("Add F_iles…"), NULL);
      GtkWidget *button = gtk_menu_button_new ();
      g_autofree char *label = g_strdup_printf (_("Add to %s"), adw_preferences_group_get_title (group));

      g_menu_item_set_action_and_target (folder, "editor.add-path", "(sb)", spec->field, TRUE);
      g_menu_item_set_action_and_target (file, "editor.add-path", "(sb)", spec->field, FALSE);
      g_menu_append_item (menu, folder);
      g_menu_append_item (menu, file);
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "list-add-symbolic");
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Add Folders or Files"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_preferences_group_set_header_suffix (group, button);
    }
  else
    {
      ui->add_row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ui->add_row), _(spec->title));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (ui->add_row), TRUE);
      if (sandlock_policy_field_get_kind (spec->field) == SANDLOCK_POLICY_KIND_NUMBER_LIST)
        adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (ui->add_row), GTK_INPUT_PURPOSE_DIGITS);
      g_signal_connect (ui->add_row, "apply", G_CALLBACK (on_add_text), ui);
      g_signal_connect (ui->add_row, "entry-activated", G_CALLBACK (on_add_text), ui);
      gtk_list_box_append (ui->list, ui->add_row);
    }
}

static FieldUi *
build_field (SandlockPolicyEditor *self,
             const FieldSpec      *spec)
{
  FieldUi *ui = g_new0 (FieldUi, 1);
  AdwPreferencesGroup *group = field_group (self, spec);
  const char *title = spec->title ? _(spec->title) : NULL;

  ui->self = self;
  ui->spec = spec;
  ui->supported = TRUE;

  switch (spec->type)
    {
    case ROW_PATHS:
    case ROW_TEXTS:
    case ROW_ENV:
      build_list (self, ui, group);
      return ui;

    case ROW_HTTP_RULES:
      /* One editor for both fields: the group itself. */
      sandlock_http_rules_editor_set_model (SANDLOCK_HTTP_RULES_EDITOR (group), self->model);
      return ui;

    case ROW_PATH:
    case ROW_FILE:
    case ROW_TEXT:
      ui->row = adw_entry_row_new ();
      ui->error_icon = error_icon_new ();
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (ui->row), ui->error_icon);
      if (spec->type != ROW_TEXT)
        {
          GtkWidget *button = gtk_button_new_from_icon_name ("document-open-symbolic");
          g_autofree char *label = g_strdup_printf (_("Choose: %s"), title);
          gboolean folder = spec->type == ROW_PATH;

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, folder ? _("Choose a Folder") : _("Choose a File"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sb)", spec->field, folder);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.choose-path");
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (ui->row), button);
        }
      g_signal_connect (ui->row, "changed", G_CALLBACK (on_text_changed), ui);
      break;

    case ROW_SIZE:
      {
        const char *units[] = { _("MiB"), _("GiB"), NULL };
        g_autofree char *label = g_strdup_printf (_("Unit of %s"), title);

        ui->row = adw_action_row_new ();
        ui->error_icon = error_icon_new ();
        adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->error_icon);
        ui->control = spin_new (title, 1048576, _("No limit"));
        adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->control);
        ui->unit = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (units));
        gtk_widget_set_valign (GTK_WIDGET (ui->unit), GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (ui->unit), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), GTK_WIDGET (ui->unit));
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (ui->row), ui->control);
        g_signal_connect_swapped (ui->control, "value-changed", G_CALLBACK (on_size_changed), ui);
        g_signal_connect_swapped (ui->unit, "notify::selected", G_CALLBACK (on_size_changed), ui);
      }
      break;

    case ROW_COUNT:
      ui->row = adw_action_row_new ();
      ui->error_icon = error_icon_new ();
      adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->error_icon);
      ui->control = spin_new (title, spec->max,
                             g_str_equal (spec->field, "num_cpus") ? _("All") : _("No limit"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->control);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (ui->row), ui->control);
      g_signal_connect (ui->control, "value-changed", G_CALLBACK (on_count_changed), ui);
      break;

    case ROW_SWITCH:
      ui->row = adw_action_row_new ();
      ui->error_icon = error_icon_new ();
      adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->error_icon);
      ui->control = gtk_switch_new ();
      gtk_widget_set_valign (ui->control, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (ui->control), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->control);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (ui->row), ui->control);
      g_signal_connect (ui->control, "notify::active", G_CALLBACK (on_switch_changed), ui);
      break;

    case ROW_ACTION:
      {
        const char *choices[] = { _("Default"), _("Commit"), _("Abort"), _("Keep for Review"), NULL };
        g_autoptr(GtkStringList) model = gtk_string_list_new (choices);

        ui->row = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (ui->row), G_LIST_MODEL (model));
        ui->error_icon = error_icon_new ();
        adw_action_row_add_suffix (ADW_ACTION_ROW (ui->row), ui->error_icon);
        g_signal_connect (ui->row, "notify::selected", G_CALLBACK (on_action_changed), ui);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ui->row), title);
  if (spec->subtitle != NULL && ADW_IS_ACTION_ROW (ui->row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (ui->row), _(spec->subtitle));
  adw_preferences_group_add (group, ui->row);
  return ui;
}

/* ---- Supported fields --------------------------------------------------- */

/* What a field shows on its own, within its group; NULL when the field is
 * the whole group (the HTTP rules). Groups are shown apart, when one of
 * their fields is, so a group may hold several fields. */
static GtkWidget *
field_widget (FieldUi *ui)
{
  if (field_is_list (ui))
    return GTK_WIDGET (ui->list);
  return ui->row;
}

static AdwViewStackPage *
group_page (SandlockPolicyEditor *self,
            AdwPreferencesGroup  *group)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (group), ADW_TYPE_PREFERENCES_PAGE);

  return page ? adw_view_stack_get_page (self->stack, page) : NULL;
}

/* Shows the fields this helper enforces, and only the groups and pages
 * with one of them left. */
static void
apply_supported (SandlockPolicyEditor *self,
                 const char * const   *supported)
{
  g_autoptr(GHashTable) groups = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) pages = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_strfreev (self->supported);
  self->supported = g_strdupv ((GStrv) supported);
  for (guint i = 0; i < self->fields->len; i++)
    {
      FieldUi *ui = g_ptr_array_index (self->fields, i);
      AdwPreferencesGroup *group = field_group (self, ui->spec);
      GtkWidget *widget = field_widget (ui);

      ui->supported = supported == NULL || g_strv_contains (supported, ui->spec->field);
      if (widget != NULL)
        gtk_widget_set_visible (widget, ui->supported);
      if (ui->supported || !g_hash_table_contains (groups, group))
        g_hash_table_insert (groups, group, GINT_TO_POINTER (ui->supported));
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AdwViewStackPage *page = group_page (self, key);

      gtk_widget_set_visible (key, GPOINTER_TO_INT (value));
      if (page != NULL && (GPOINTER_TO_INT (value) || !g_hash_table_contains (pages, page)))
        g_hash_table_insert (pages, page, value);
    }
  g_hash_table_iter_init (&iter, pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    adw_view_stack_page_set_visible (key, GPOINTER_TO_INT (value));
}

static void
on_capabilities (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SandlockPolicyEditor) self = user_data;
  g_autoptr(GVariant) capabilities = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **supported = NULL;

  if (!sandlock_dbus_manager_call_get_capabilities_finish (SANDLOCK_DBUS_MANAGER (source),
                                                           &capabilities, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("GetCapabilities: %s", error->message);
      return;
    }
  if (self->supported_given)
    return;
  if (g_variant_lookup (capabilities, "supported_fields", "^a&s", &supported))
    apply_supported (self, supported);
}

/* ---- Validation --------------------------------------------------------- */

static void
set_field_problem (FieldUi    *ui,
                   const char *problem)
{
  if (ui->spec->type == ROW_HTTP_RULES)
    {
      sandlock_http_rules_editor_set_problem (SANDLOCK_HTTP_RULES_EDITOR (field_group (ui->self, ui->spec)),
                                              ui->spec->field, problem);
      return;
    }
  if (field_is_list (ui))
    {
      if (problem != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ui->problem_row), problem);
      gtk_widget_set_visible (ui->problem_row, problem != NULL);
      /* The items it names stand out too. */
      for (guint i = 0; i < ui->n_items; i++)
        {
          GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (ui->list, 1 + i));
          const char *item = g_object_get_data (G_OBJECT (row), "item");

          if (problem != NULL && item != NULL && sandlock_policy_problem_names_item (problem, item))
            gtk_widget_add_css_class (row, "error");
          else
            gtk_widget_remove_css_class (row, "error");
        }
      return;
    }

  gtk_widget_set_visible (ui->error_icon, problem != NULL);
  gtk_widget_set_tooltip_text (ui->error_icon, problem);
  if (problem != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (ui->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, problem, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (ui->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  if (ADW_IS_ENTRY_ROW (ui->row))
    {
      gtk_widget_set_tooltip_text (ui->row, problem);
      if (problem != NULL)
        gtk_widget_add_css_class (ui->row, "error");
      else
        gtk_widget_remove_css_class (ui->row, "error");
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (ui->row),
                                   problem ? problem : ui->spec->subtitle ? _(ui->spec->subtitle) : "");
      if (problem != NULL)
        gtk_widget_add_css_class (ui->row, "policy-problem");
      else
        gtk_widget_remove_css_class (ui->row, "policy-problem");
    }
}

static void
show_banner (SandlockPolicyEditor *self,
             const char           *text)
{
  if (text != NULL)
    gtk_label_set_label (self->problems_label, text);
  gtk_revealer_set_reveal_child (self->problems_revealer, text != NULL);
}

/* Marks each problem's field (by its "field:" prefix) and sums them up. */
static void
apply_problems (SandlockPolicyEditor *self,
                const char * const   *problems)
{
  g_autoptr(GHashTable) messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) pages = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GtkSelectionModel) all_pages = adw_view_stack_get_pages (self->stack);
  guint n = problems ? g_strv_length ((GStrv) problems) : 0;
  const guint shown = 4;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = NULL;
      char *field = sandlock_policy_problem_get_field (problems[i], &message);
      const char *before;

      if (field == NULL)
        continue;
      before = g_hash_table_lookup (messages, field);
      g_hash_table_replace (messages, field,
                            before ? g_strconcat (before, "\n", message, NULL) : g_steal_pointer (&message));
    }

  for (guint i = 0; i < self->fields->len; i++)
    {
      FieldUi *ui = g_ptr_array_index (self->fields, i);
      const char *message = g_hash_table_lookup (messages, ui->spec->field);

      set_field_problem (ui, message);
      if (message != NULL && ui->supported)
        g_hash_table_add (pages, group_page (self, field_group (self, ui->spec)));
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (all_pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (all_pages), i);

      adw_view_stack_page_set_needs_attention (page, g_hash_table_contains (pages, page));
    }

  if (n == 0)
    {
      show_banner (self, NULL);
      return;
    }
  if (n == 1)
    g_string_append (summary, _("This policy cannot be used as it is:"));
  else
    g_string_append_printf (summary, ngettext ("This policy has %u problem:",
                                               "This policy has %u problems:", n), n);
  for (guint i = 0; i < n && i < shown; i++)
    g_string_append_printf (summary, "\n• %s", problems[i]);
  if (n > shown)
    g_string_append_printf (summary, "\n%s", _("…and more, marked on their pages"));
  show_banner (self, summary->str);
}

static void
on_validated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SandlockPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) problems = NULL;

  if (!sandlock_dbus_manager_call_validate_policy_finish (SANDLOCK_DBUS_MANAGER (source),
                                                          &problems, result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("The policy could not be checked: %s"), error->message);
      show_banner (self, message);
      return;
    }
  apply_problems (self, (const char * const *) problems);
}

static gboolean
validate_now (gpointer user_data)
{
  SandlockPolicyEditor *self = user_data;
  SandlockDbusManager *manager = get_manager ();
  g_autoptr(GVariant) policy = NULL;

  self->validate_id = 0;
  if (self->validating != NULL)
    g_cancellable_cancel (self->validating);
  g_clear_object (&self->validating);
  if (manager == NULL)
    {
      show_banner (self, _("The Sandlock helper is not available: the policy cannot be checked."));
      return G_SOURCE_REMOVE;
    }
  self->validating = g_cancellable_new ();
  policy = sandlock_policy_model_to_variant (self->model);
  sandlock_dbus_manager_call_validate_policy (manager, policy, self->validating,
                                              on_validated, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_validation (SandlockPolicyEditor *self)
{
  g_clear_handle_id (&self->validate_id, g_source_remove);
  self->validate_id = g_timeout_add (VALIDATE_DELAY_MS, validate_now, self);
}

/* ---- Profiles ----------------------------------------------------------- */

static void
on_profiles_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SandlockPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  if (!sandlock_dbus_manager_call_list_profiles_finish (SANDLOCK_DBUS_MANAGER (source), &names,
                                                        result, &error))
    return;
  g_menu_remove_all (self->profiles_menu);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target (item, "editor.load-profile", "s", names[i]);
      g_menu_append_item (self->profiles_menu, item);
    }
  g_strfreev (self->profiles);
  self->profiles = g_steal_pointer (&names);
}

static void
refresh_profiles (SandlockPolicyEditor *self)
{
  SandlockDbusManager *manager = get_manager ();

  if (manager != NULL)
    sandlock_dbus_manager_call_list_profiles (manager, self->cancellable,
                                              on_profiles_listed, g_object_ref (self));
}

typedef struct {
  SandlockPolicyEditor *self;
  char                 *name;
} ProfileCall;

static ProfileCall *
profile_call_new (SandlockPolicyEditor *self,
                  const char           *name)
{
  ProfileCall *call = g_new0 (ProfileCall, 1);

  call->self = g_object_ref (self);
  call->name = g_strdup (name);
  return call;
}

static void
profile_call_free (ProfileCall *call)
{
  g_object_unref (call->self);
  g_free (call->name);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProfileCall, profile_call_free)

static void
on_profile_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ProfileCall) call = user_data;
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GError) error = NULL;

  if (!sandlock_dbus_manager_call_get_profile_finish (SANDLOCK_DBUS_MANAGER (source), &policy,
                                                      result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (call->self, _("Could not open the profile"), error);
      return;
    }
  sandlock_policy_editor_set_policy (call->self, policy, call->name);
}

static void
on_load_profile (GtkWidget  *widget,
                 const char *action,
                 GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  SandlockDbusManager *manager = get_manager ();
  const char *name = g_variant_get_string (parameter, NULL);

  if (manager != NULL)
    sandlock_dbus_manager_call_get_profile (manager, name, self->cancellable, on_profile_loaded,
                                            profile_call_new (self, name));
}

static void
on_profile_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ProfileCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!sandlock_dbus_manager_call_save_profile_finish (SANDLOCK_DBUS_MANAGER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (call->self, _("Not saved"), error);
      return;
    }
  g_free (call->self->profile_name);
  call->self->profile_name = g_strdup (call->name);
  update_title (call->self);
  refresh_profiles (call->self);
  message = g_strdup_printf (_("Saved as “%s”"), call->name);
  toast (call->self, message);
}

static void
save_profile (SandlockPolicyEditor *self,
              const char           *name)
{
  SandlockDbusManager *manager = get_manager ();
  g_autoptr(GVariant) policy = sandlock_policy_model_to_variant (self->model);

  if (manager == NULL)
    {
      toast (self, _("The Sandlock helper is not available"));
      return;
    }
  sandlock_dbus_manager_call_save_profile (manager, name, policy, self->cancellable,
                                           on_profile_saved, profile_call_new (self, name));
}

static void
on_name_changed (GtkEditable     *entry,
                 AdwMessageDialog *dialog)
{
  SandlockPolicyEditor *self = g_object_get_data (G_OBJECT (dialog), "editor");
  const char *name = gtk_editable_get_text (entry);
  gboolean valid = sandlock_policy_profile_name_is_valid (name);

  adw_message_dialog_set_response_enabled (dialog, "save", valid);
  if (!valid && *name != '\0')
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      adw_message_dialog_set_body (dialog, _("A name is 1 to 64 letters, digits, dots, dashes or "
                                             "underscores, and does not start with a dot."));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      adw_message_dialog_set_body (dialog,
                                   self->profiles && g_strv_contains ((const char * const *) self->profiles, name)
                                   ? _("A profile with this name exists: saving replaces it.")
                                   : _("The sandlock command uses it too: sandlock run -p NAME"));
    }
}

static void
on_save_as_response (AdwMessageDialog *dialog,
                     const char       *response,
                     GtkEditable      *entry)
{
  SandlockPolicyEditor *self = g_object_get_data (G_OBJECT (dialog), "editor");

  if (g_str_equal (response, "save"))
    save_profile (self, gtk_editable_get_text (entry));
}

static void
on_save_as (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Profile"), NULL);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Profile name"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Profile name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "editor", self);
  g_signal_connect (entry, "changed", G_CALLBACK (on_name_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_as_response), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), self->profile_name ? self->profile_name : "");
  on_name_changed (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_save (GtkWidget  *widget,
         const char *action,
         GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);

  if (self->profile_name == NULL)
    on_save_as (widget, action, parameter);
  else
    save_profile (self, self->profile_name);
}

static void
on_profile_deleted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ProfileCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!sandlock_dbus_manager_call_delete_profile_finish (SANDLOCK_DBUS_MANAGER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (call->self, _("Not deleted"), error);
      return;
    }
  if (g_strcmp0 (call->self->profile_name, call->name) == 0)
    {
      g_clear_pointer (&call->self->profile_name, g_free);
      g_free (call->self->origin);
      call->self->origin = g_strdup (_("Unsaved Policy"));
      update_title (call->self);
    }
  refresh_profiles (call->self);
  message = g_strdup_printf (_("Profile “%s” deleted"), call->name);
  toast (call->self, message);
}

static void
on_delete_response (AdwMessageDialog     *dialog,
                    const char           *response,
                    SandlockPolicyEditor *self)
{
  SandlockDbusManager *manager = get_manager ();

  if (g_str_equal (response, "delete") && manager != NULL && self->profile_name != NULL)
    sandlock_dbus_manager_call_delete_profile (manager, self->profile_name, self->cancellable,
                                               on_profile_deleted,
                                               profile_call_new (self, self->profile_name));
}

static void
on_delete (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->profile_name == NULL)
    return;
  heading = g_strdup_printf (_("Delete Profile “%s”?"), self->profile_name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Neither this app nor the sandlock command can use it "
                                     "afterwards. The policy stays open here."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Presets, files, folders -------------------------------------------- */

static void
load_preset (SandlockPolicyEditor *self,
             SandlockPolicyPreset  preset,
             const char           *project_dir)
{
  static const char *titles[] = {
    N_("Untrusted Program"),
    N_("Build Tool"),
    N_("Network Client"),
  };
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_preset (preset, project_dir);
  g_autoptr(GVariant) policy = sandlock_policy_model_to_variant (model);

  sandlock_policy_editor_set_policy (self, policy, NULL);
  g_free (self->origin);
  self->origin = g_strdup (_(titles[preset]));
  update_title (self);
}

static GtkFileChooserNative *
chooser_new (SandlockPolicyEditor *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  return gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _("_Cancel"));
}

static GFile *
chosen_file (GtkNativeDialog *chooser,
             int              response)
{
  return response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
}

static void
on_project_chosen (GtkNativeDialog      *chooser,
                   int                   response,
                   SandlockPolicyEditor *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  if (path != NULL)
    load_preset (self, SANDLOCK_POLICY_PRESET_BUILD_TOOL, path);
  g_object_unref (chooser);
}

static void
on_preset (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  SandlockPolicyPreset preset;

  if (!sandlock_policy_preset_from_string (g_variant_get_string (parameter, NULL), &preset))
    return;
  if (preset == SANDLOCK_POLICY_PRESET_BUILD_TOOL)
    {
      GtkFileChooserNative *chooser =
        chooser_new (self, _("Choose the Project Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"));

      g_signal_connect (chooser, "response", G_CALLBACK (on_project_chosen), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
      return;
    }
  load_preset (self, preset, NULL);
}

static void
on_paths_chosen (GtkNativeDialog      *chooser,
                 int                   response,
                 SandlockPolicyEditor *self)
{
  const char *field = g_object_get_data (G_OBJECT (chooser), "field");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            sandlock_policy_model_add_item (self->model, field, path);
        }
    }
  g_object_unref (chooser);
}

static void
on_add_path (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  const char *field;
  gboolean folders;
  GtkFileChooserNative *chooser;

  g_variant_get (parameter, "(&sb)", &field, &folders);
  chooser = chooser_new (self, folders ? _("Add Folders") : _("Add Files"),
                         folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                         _("_Add"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "field", g_strdup (field), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_paths_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_path_chosen (GtkNativeDialog      *chooser,
                int                   response,
                SandlockPolicyEditor *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  if (path != NULL)
    sandlock_policy_model_set_text (self->model, g_object_get_data (G_OBJECT (chooser), "field"), path);
  g_object_unref (chooser);
}

/* Files are for https_ca and https_key: PEM files first, anything else
 * on demand. */
static void
add_pem_filters (GtkFileChooserNative *chooser)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (pem, _("PEM Files"));
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (pem, "application/x-pem-file");
  gtk_file_filter_add_suffix (pem, "pem");
  gtk_file_filter_add_suffix (pem, "crt");
  gtk_file_filter_add_suffix (pem, "key");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pem);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
}

/* editor.choose-path((field, folder)): one path for a field. */
static void
on_choose_path (GtkWidget  *widget,
                const char *action,
                GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  const char *field;
  gboolean folder;
  GtkFileChooserNative *chooser;

  g_variant_get (parameter, "(&sb)", &field, &folder);
  chooser = chooser_new (self, folder ? _("Choose a Folder") : _("Choose a File"),
                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                         _("_Choose"));
  if (!folder)
    add_pem_filters (chooser);
  g_object_set_data_full (G_OBJECT (chooser), "field", g_strdup (field), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (on_path_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_json_filter (GtkFileChooserNative *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("JSON Policies"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SandlockPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (source));

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, NULL, NULL, &error)
      || !g_utf8_validate (contents, -1, NULL)
      || !sandlock_policy_model_load_json (self->model, contents, &error))
    {
      g_autofree char *what = g_strdup_printf (_("Could not import %s"), basename);

      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("not UTF-8 text"));
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, what, error);
      return;
    }
  g_clear_pointer (&self->profile_name, g_free);
  g_free (self->origin);
  self->origin = g_strdup_printf (_("Imported from %s"), basename);
  update_title (self);
}

static void
on_import_chosen (GtkNativeDialog      *chooser,
                  int                   response,
                  SandlockPolicyEditor *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);

  if (file != NULL)
    g_file_load_contents_async (file, self->cancellable, on_imported, g_object_ref (self));
  g_object_unref (chooser);
}

static void
on_import (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  GtkFileChooserNative *chooser =
    chooser_new (self, _("Import a Policy"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));

  add_json_filter (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SandlockPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (source));
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *what = g_strdup_printf (_("Could not export %s"), basename);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, what, error);
      return;
    }
  message = g_strdup_printf (_("Exported to %s"), basename);
  toast (self, message);
}

static void
on_export_chosen (GtkNativeDialog      *chooser,
                  int                   response,
                  SandlockPolicyEditor *self)
{
  g_autoptr(GFile) file = chosen_file (chooser, response);

  if (file != NULL)
    {
      char *json = sandlock_policy_model_to_json (self->model);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, on_exported, g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
on_export (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  GtkFileChooserNative *chooser =
    chooser_new (self, _("Export the Policy"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
  g_autofree char *name = g_strconcat (self->profile_name ? self->profile_name : "policy", ".json", NULL);

  add_json_filter (chooser);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_use (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (widget);
  g_autoptr(GVariant) policy = sandlock_policy_model_to_variant (self->model);

  g_signal_emit (self, signals[USE_POLICY], 0, policy);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- Public ------------------------------------------------------------- */

void
sandlock_policy_editor_set_policy (SandlockPolicyEditor *self,
                                   GVariant             *policy,
                                   const char           *profile_name)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_EDITOR (self));

  g_free (self->profile_name);
  self->profile_name = g_strdup (profile_name);
  g_clear_pointer (&self->origin, g_free);
  sandlock_policy_model_set_variant (self->model, policy);
  update_title (self);
}

void
sandlock_policy_editor_load_preset (SandlockPolicyEditor *self,
                                    SandlockPolicyPreset  preset)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_EDITOR (self));

  load_preset (self, preset, NULL);
}

void
sandlock_policy_editor_set_origin (SandlockPolicyEditor *self,
                                   const char           *origin)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_EDITOR (self));

  g_free (self->origin);
  self->origin = g_strdup (origin);
  update_title (self);
}

void
sandlock_policy_editor_set_use_mode (SandlockPolicyEditor *self,
                                     gboolean              use_mode)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_EDITOR (self));

  gtk_widget_set_visible (self->use_button, use_mode);
  gtk_widget_set_visible (self->save_button, !use_mode);
}

SandlockPolicyModel *
sandlock_policy_editor_get_model (SandlockPolicyEditor *self)
{
  g_return_val_if_fail (SANDLOCK_IS_POLICY_EDITOR (self), NULL);

  return self->model;
}

void
sandlock_policy_editor_set_supported_fields (SandlockPolicyEditor *self,
                                             const char * const   *fields)
{
  g_return_if_fail (SANDLOCK_IS_POLICY_EDITOR (self));

  self->supported_given = TRUE;
  apply_supported (self, fields);
}

const char * const *
sandlock_policy_editor_get_supported_fields (SandlockPolicyEditor *self)
{
  g_return_val_if_fail (SANDLOCK_IS_POLICY_EDITOR (self), NULL);

  return (const char * const *) self->supported;
}

/* ---- GObject ------------------------------------------------------------ */

static void
sandlock_policy_editor_dispose (GObject *object)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->validating != NULL)
    g_cancellable_cancel (self->validating);
  g_clear_handle_id (&self->validate_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SANDLOCK_TYPE_POLICY_EDITOR);
  G_OBJECT_CLASS (sandlock_policy_editor_parent_class)->dispose (object);
}

static void
sandlock_policy_editor_finalize (GObject *object)
{
  SandlockPolicyEditor *self = SANDLOCK_POLICY_EDITOR (object);

  g_clear_object (&self->model);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->validating);
  g_clear_object (&self->profiles_menu);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_strfreev (self->profiles);
  g_strfreev (self->supported);
  g_free (self->profile_name);
  g_free (self->origin);
  G_OBJECT_CLASS (sandlock_policy_editor_parent_class)->finalize (object);
}

static void
sandlock_policy_editor_class_init (SandlockPolicyEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_policy_editor_dispose;
  object_class->finalize = sandlock_policy_editor_finalize;

  g_type_ensure (SANDLOCK_TYPE_HTTP_RULES_EDITOR);

  /**
   * SandlockPolicyEditor::use-policy:
   * @policy: the edited policy (a{sv})
   *
   * The "Use Policy" button was pressed; the editor closes next.
   */
  signals[USE_POLICY] = g_signal_new ("use-policy", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-policy-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SandlockPolicyEditor, name)
  BIND (toasts);
  BIND (switcher_title);
  BIND (open_button);
  BIND (use_button);
  BIND (save_button);
  BIND (problems_revealer);
  BIND (problems_label);
  BIND (stack);
  BIND (readable_group);
  BIND (writable_group);
  BIND (denied_group);
  BIND (places_group);
  BIND (cow_group);
  BIND (net_allow_group);
  BIND (net_bind_group);
  BIND (net_options_group);
  BIND (http_rules_group);
  BIND (http_ports_group);
  BIND (https_group);
  BIND (resources_group);
  BIND (cpus_group);
  BIND (deny_syscalls_group);
  BIND (allow_syscalls_group);
  BIND (repeat_group);
  BIND (process_group);
  BIND (env_options_group);
  BIND (env_group);
#undef BIND

  gtk_widget_class_install_action (widget_class, "editor.preset", "s", on_preset);
  gtk_widget_class_install_action (widget_class, "editor.load-profile", "s", on_load_profile);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, on_save);
  gtk_widget_class_install_action (widget_class, "editor.save-as", NULL, on_save_as);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, on_delete);
  gtk_widget_class_install_action (widget_class, "editor.import", NULL, on_import);
  gtk_widget_class_install_action (widget_class, "editor.export", NULL, on_export);
  gtk_widget_class_install_action (widget_class, "editor.use", NULL, on_use);
  gtk_widget_class_install_action (widget_class, "editor.add-path", "(sb)", on_add_path);
  gtk_widget_class_install_action (widget_class, "editor.choose-path", "(sb)", on_choose_path);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "editor.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GMenu *
open_menu_new (GMenu *profiles)
{
  static const struct { const char *label; const char *preset; } presets[] = {
    { N_("_Untrusted Program"), "untrusted" },
    { N_("_Build Tool…"), "build-tool" },
    { N_("_Network Client"), "network-client" },
  };
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) import = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(presets[i].label), NULL);

      g_menu_item_set_action_and_target (item, "editor.preset", "s", presets[i].preset);
      g_menu_append_item (section, item);
    }
  g_menu_append_section (menu, _("Presets"), G_MENU_MODEL (section));
  g_menu_append_section (menu, _("Profiles"), G_MENU_MODEL (profiles));
  g_menu_append (import, _("_Import JSON…"), "editor.import");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (import));
  return menu;
}

static void
sandlock_policy_editor_init (SandlockPolicyEditor *self)
{
  SandlockDbusManager *manager;
  g_autoptr(GMenu) open_menu = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->model = sandlock_policy_model_new ();
  self->fields = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (field_specs); i++)
    g_ptr_array_add (self->fields, build_field (self, &field_specs[i]));
  g_signal_connect_object (self->model, "changed", G_CALLBACK (on_model_changed), self, 0);

  self->profiles_menu = g_menu_new ();
  open_menu = open_menu_new (self->profiles_menu);
  gtk_menu_button_set_menu_model (self->open_button, G_MENU_MODEL (open_menu));

  update_title (self);
  on_model_changed (self->model, NULL, self);

  manager = get_manager ();
  if (manager != NULL)
    sandlock_dbus_manager_call_get_capabilities (manager, self->cancellable,
                                                 on_capabilities, g_object_ref (self));
  refresh_profiles (self);
}

GtkWidget *
sandlock_policy_editor_new (GtkWindow *parent)
{
  return g_object_new (SANDLOCK_TYPE_POLICY_EDITOR,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
