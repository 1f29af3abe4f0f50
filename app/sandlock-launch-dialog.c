/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-launch-dialog.h"
#include "sandlock-policy-editor.h"
#include "sandlock-policy-model.h"

struct _SandlockLaunchDialog {
  AdwWindow        parent_instance;

  AdwEntryRow     *program_row;
  AdwEntryRow     *arguments_row;
  AdwEntryRow     *name_row;
  AdwComboRow     *profile_row;
  AdwActionRow    *edit_row;
  AdwExpanderRow  *dry_run_row;
  AdwEntryRow     *workdir_row;
  GtkLabel        *error_label;
  GtkWidget       *run_button;

  SandlockWindow  *parent;
  GtkStringList   *profiles;     /* the presets, the profiles, then "Custom" */
  GVariant        *custom_policy; /* from the policy editor, or NULL */
};

/* The presets at the head of the Policy list, in this order. */
static const SandlockPolicyPreset presets[] = {
  SANDLOCK_POLICY_PRESET_UNTRUSTED,
  SANDLOCK_POLICY_PRESET_NETWORK_CLIENT,
};

G_DEFINE_FINAL_TYPE (SandlockLaunchDialog, sandlock_launch_dialog, ADW_TYPE_WINDOW)

static GVariant *
preset_policy (SandlockPolicyPreset preset)
{
  g_autoptr(SandlockPolicyModel) model = sandlock_policy_model_new_preset (preset, NULL);

  return sandlock_policy_model_to_variant (model);
}

/* The position of "Custom Policy" in the list, or GTK_INVALID_LIST_POSITION. */
static guint
custom_position (SandlockLaunchDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  return self->custom_policy != NULL && n > 0 ? n - 1 : GTK_INVALID_LIST_POSITION;
}

static void
show_error (SandlockLaunchDialog *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_sensitive (self->run_button, TRUE);
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SandlockLaunchDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!sandlock_dbus_manager_call_launch_finish (SANDLOCK_DBUS_MANAGER (source), &path, NULL,
                                                 result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      show_error (self, error->message);
      return;
    }
  sandlock_window_select (self->parent, path);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* The chosen preset's, profile's or edited policy. */
static GVariant *
chosen_policy (SandlockLaunchDialog  *self,
               SandlockDbusManager   *manager,
               GError               **error)
{
  guint selected = adw_combo_row_get_selected (self->profile_row);
  GVariant *policy = NULL;

  if (selected == GTK_INVALID_LIST_POSITION)
    selected = 0;
  if (selected < G_N_ELEMENTS (presets))
    return preset_policy (presets[selected]);
  if (selected == custom_position (self))
    return g_variant_ref (self->custom_policy);
  if (!sandlock_dbus_manager_call_get_profile_sync (manager,
                                                    gtk_string_list_get_string (self->profiles, selected),
                                                    &policy, NULL, error))
    return NULL;
  return policy;
}

static GVariant *
with_workdir (GVariant   *policy,
              const char *workdir)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, policy);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    if (g_strcmp0 (key, "workdir") != 0)
      g_variant_builder_add (&builder, "{sv}", key, value);
  g_variant_builder_add (&builder, "{sv}", "workdir", g_variant_new_string (workdir));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

void
sandlock_launch_dialog_run (SandlockLaunchDialog *self)
{
  SandlockDbusManager *manager =
    sandlock_application_get_manager (sandlock_window_get_application (self->parent));
  const char *program = gtk_editable_get_text (GTK_EDITABLE (self->program_row));
  const char *arguments = gtk_editable_get_text (GTK_EDITABLE (self->arguments_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gboolean dry_run = adw_expander_row_get_enable_expansion (self->dry_run_row);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parsed = NULL;
  GVariantBuilder options;

  if (manager == NULL)
    {
      show_error (self, _("The Sandlock helper is not available."));
      return;
    }
  if (*program == '\0')
    {
      show_error (self, _("Choose a program to run."));
      return;
    }
  if (*arguments != '\0' && !g_shell_parse_argv (arguments, NULL, &parsed, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The arguments cannot be read: %s"), error->message);
      show_error (self, message);
      return;
    }
  policy = chosen_policy (self, manager, &error);
  if (policy == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      show_error (self, error->message);
      return;
    }
  if (dry_run)
    {
      const char *workdir = gtk_editable_get_text (GTK_EDITABLE (self->workdir_row));
      g_autoptr(GVariant) plain = g_steal_pointer (&policy);

      if (*workdir == '\0')
        {
          show_error (self, _("A dry run needs a working folder: its changes are the ones kept for review."));
          return;
        }
      policy = with_workdir (plain, workdir);
    }

  g_ptr_array_add (argv, g_strdup (program));
  for (guint i = 0; parsed != NULL && parsed[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (parsed[i]));
  g_ptr_array_add (argv, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  /* The sandbox outlives the window; the app finds it again on restart. */
  g_variant_builder_add (&options, "{sv}", "detach", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&options, "{sv}", "dry_run", g_variant_new_boolean (dry_run));
  /* The Events page shows every exec, open and connect, not only denials. */
  g_variant_builder_add (&options, "{sv}", "observe", g_variant_new_boolean (TRUE));
  if (*name != '\0')
    g_variant_builder_add (&options, "{sv}", "name", g_variant_new_string (name));

  show_error (self, NULL);
  gtk_widget_set_sensitive (self->run_button, FALSE);
  sandlock_dbus_manager_call_launch (manager, policy, (const char * const *) argv->pdata,
                                     g_variant_builder_end (&options), NULL, NULL,
                                     on_launched, g_object_ref (self));
}

void
sandlock_launch_dialog_set_dry_run (SandlockLaunchDialog *self,
                                    const char           *workdir)
{
  gtk_editable_set_text (GTK_EDITABLE (self->workdir_row), workdir);
  adw_expander_row_set_enable_expansion (self->dry_run_row, TRUE);
}

static void
on_run (GtkWidget  *widget,
        const char *action,
        GVariant   *parameter)
{
  sandlock_launch_dialog_run (SANDLOCK_LAUNCH_DIALOG (widget));
}

static void
on_program_chosen (GtkNativeDialog      *chooser,
                   int                   response,
                   SandlockLaunchDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->program_row), path);
    }
  g_object_unref (chooser);
}

static void
on_choose_program (GtkWidget  *widget,
                   const char *action,
                   GVariant   *parameter)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Choose a Program"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (on_program_chosen), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_profiles_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SandlockLaunchDialog) self = user_data;
  g_auto(GStrv) names = NULL;

  if (sandlock_dbus_manager_call_list_profiles_finish (SANDLOCK_DBUS_MANAGER (source), &names,
                                                       result, NULL))
    gtk_string_list_splice (self->profiles, G_N_ELEMENTS (presets), 0, (const char * const *) names);
}

/* ---- The policy editor -------------------------------------------------- */

static void
on_policy_edited (SandlockPolicyEditor *editor,
                  GVariant             *policy,
                  SandlockLaunchDialog *self)
{
  gboolean had_custom = self->custom_policy != NULL;

  g_clear_pointer (&self->custom_policy, g_variant_unref);
  self->custom_policy = g_variant_ref (policy);
  if (!had_custom)
    {
      const char *custom[] = { _("Custom policy"), NULL };

      gtk_string_list_splice (self->profiles, g_list_model_get_n_items (G_LIST_MODEL (self->profiles)),
                              0, custom);
    }
  adw_combo_row_set_selected (self->profile_row, custom_position (self));
}

/* @policy: a profile's (named @profile_name) or the custom one; neither
 * for the preset at @preset_index. */
static void
open_editor (SandlockLaunchDialog *self,
             GVariant             *policy,
             const char           *profile_name,
             guint                 preset_index)
{
  SandlockPolicyEditor *editor = SANDLOCK_POLICY_EDITOR (sandlock_policy_editor_new (GTK_WINDOW (self)));

  sandlock_policy_editor_set_use_mode (editor, TRUE);
  if (policy != NULL)
    {
      sandlock_policy_editor_set_policy (editor, policy, profile_name);
      if (profile_name == NULL)
        sandlock_policy_editor_set_origin (editor, _("Custom Policy"));
    }
  else
    sandlock_policy_editor_load_preset (editor, presets[preset_index]);
  g_signal_connect_object (editor, "use-policy", G_CALLBACK (on_policy_edited), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

typedef struct {
  SandlockLaunchDialog *self;
  char                 *name;
} EditCall;

static void
on_profile_for_editor (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  EditCall *call = user_data;
  g_autoptr(GVariant) policy = NULL;
  g_autoptr(GError) error = NULL;
  gboolean loaded = sandlock_dbus_manager_call_get_profile_finish (SANDLOCK_DBUS_MANAGER (source),
                                                                   &policy, result, &error);

  /* Nothing to do when the dialog was closed meanwhile. */
  if (gtk_widget_get_visible (GTK_WIDGET (call->self)))
    {
      if (loaded)
        {
          show_error (call->self, NULL);
          open_editor (call->self, policy, call->name, 0);
        }
      else
        {
          g_dbus_error_strip_remote_error (error);
          show_error (call->self, error->message);
        }
    }
  g_object_unref (call->self);
  g_free (call->name);
  g_free (call);
}

/* Opens the editor on the policy chosen in the list. */
static void
on_edit_policy (SandlockLaunchDialog *self,
                AdwActionRow         *row)
{
  SandlockDbusManager *manager =
    sandlock_application_get_manager (sandlock_window_get_application (self->parent));
  guint selected = adw_combo_row_get_selected (self->profile_row);
  EditCall *call;

  if (selected == GTK_INVALID_LIST_POSITION)
    selected = 0;
  if (selected < G_N_ELEMENTS (presets))
    {
      open_editor (self, NULL, NULL, selected);
      return;
    }
  if (selected == custom_position (self))
    {
      open_editor (self, self->custom_policy, NULL, 0);
      return;
    }
  if (manager == NULL)
    {
      show_error (self, _("The Sandlock helper is not available."));
      return;
    }
  call = g_new0 (EditCall, 1);
  call->self = g_object_ref (self);
  call->name = g_strdup (gtk_string_list_get_string (self->profiles, selected));
  sandlock_dbus_manager_call_get_profile (manager, call->name, NULL, on_profile_for_editor, call);
}

static void
sandlock_launch_dialog_dispose (GObject *object)
{
  SandlockLaunchDialog *self = SANDLOCK_LAUNCH_DIALOG (object);

  g_clear_object (&self->profiles);
  g_clear_pointer (&self->custom_policy, g_variant_unref);
  G_OBJECT_CLASS (sandlock_launch_dialog_parent_class)->dispose (object);
}

static void
sandlock_launch_dialog_class_init (SandlockLaunchDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sandlock_launch_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-launch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, program_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, arguments_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, profile_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, edit_row);
  gtk_widget_class_bind_template_callback (widget_class, on_edit_policy);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, dry_run_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, workdir_row);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockLaunchDialog, run_button);

  gtk_widget_class_install_action (widget_class, "launch.run", NULL, on_run);
  gtk_widget_class_install_action (widget_class, "launch.choose-program", NULL, on_choose_program);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sandlock_launch_dialog_init (SandlockLaunchDialog *self)
{
  const char *preset[] = {
    _("Untrusted program"),
    _("Network client"),
    NULL,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (preset) == G_N_ELEMENTS (presets) + 1);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->profiles = gtk_string_list_new (preset);
  adw_combo_row_set_model (self->profile_row, G_LIST_MODEL (self->profiles));
}

GtkWidget *
sandlock_launch_dialog_new (SandlockWindow     *parent,
                            const char * const *argv)
{
  SandlockLaunchDialog *self = g_object_new (SANDLOCK_TYPE_LAUNCH_DIALOG,
                                             "transient-for", parent, NULL);
  SandlockDbusManager *manager =
    sandlock_application_get_manager (sandlock_window_get_application (parent));

  self->parent = parent;
  if (argv != NULL && argv[0] != NULL)
    {
      g_autoptr(GString) arguments = g_string_new (NULL);

      gtk_editable_set_text (GTK_EDITABLE (self->program_row), argv[0]);
      for (guint i = 1; argv[i] != NULL; i++)
        {
          g_autofree char *quoted = g_shell_quote (argv[i]);

          g_string_append_printf (arguments, "%s%s", i > 1 ? " " : "", quoted);
        }
      gtk_editable_set_text (GTK_EDITABLE (self->arguments_row), arguments->str);
    }
  if (manager != NULL)
    sandlock_dbus_manager_call_list_profiles (manager, NULL, on_profiles_listed, g_object_ref (self));
  return GTK_WIDGET (self);
}
