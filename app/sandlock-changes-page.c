/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>

#include "sandlock-change.h"
#include "sandlock-changes-page.h"
#include "sandlock-diff.h"

/* What became of the changes of the sandbox shown, once they are gone. */
typedef enum {
  OUTCOME_NONE,
  OUTCOME_APPLIED,
  OUTCOME_DISCARDED,
} Outcome;

struct _SandlockChangesPage {
  SandlockPage         parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *none_status;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *done_status;
  AdwStatusPage       *error_status;
  GtkLabel            *summary_label;
  GtkLabel            *workdir_label;
  GtkLabel            *operation_error;
  GtkCheckButton      *select_all_check;
  GtkListBox          *list;
  GtkLabel            *diff_kind_label;
  GtkLabel            *diff_title;
  GtkLabel            *diff_sizes;
  GtkStack            *diff_stack;
  GtkSpinner          *diff_spinner;
  GtkTextView         *diff_view;
  AdwStatusPage       *diff_error_status;

  GtkTextTag          *tags[SANDLOCK_DIFF_LINE_BINARY + 1];

  SandlockDbusSandbox *sandbox;
  GCancellable        *cancellable;        /* GetChanges of this sandbox */
  GCancellable        *diff_cancellable;   /* GetFileDiff of the row shown */
  GListStore          *changes;            /* NULL until listed */
  gboolean             loading;
  gboolean             busy;               /* a Commit or Discard is under way */
  Outcome              outcome;
};

G_DEFINE_FINAL_TYPE (SandlockChangesPage, sandlock_changes_page, SANDLOCK_TYPE_PAGE)

static void load        (SandlockChangesPage *self);
static void show_change (SandlockChangesPage *self,
                         SandlockChange      *change);

/* Running or paused: its changes are not final yet. */
static gboolean
sandbox_running (SandlockDbusSandbox *sandbox)
{
  const char *state = sandlock_dbus_sandbox_get_state (sandbox);

  return g_strcmp0 (state, "running") == 0 || g_strcmp0 (state, "paused") == 0;
}

/* The workdir from the sandbox's policy, or NULL. */
static char *
sandbox_workdir (SandlockDbusSandbox *sandbox)
{
  GVariant *policy = sandlock_dbus_sandbox_get_policy (sandbox);
  char *workdir = NULL;

  if (policy != NULL && g_variant_is_of_type (policy, G_VARIANT_TYPE_VARDICT))
    g_variant_lookup (policy, "workdir", "s", &workdir);
  return workdir;
}

static guint
n_changes (SandlockChangesPage *self)
{
  return self->changes ? g_list_model_get_n_items (G_LIST_MODEL (self->changes)) : 0;
}

static void
show (SandlockChangesPage *self,
      const char          *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (name, "loading"));
}

static void
update_actions (SandlockChangesPage *self)
{
  guint n = n_changes (self);
  guint selected = self->changes ? sandlock_change_list_count_selected (G_LIST_MODEL (self->changes)) : 0;
  gboolean ready = self->sandbox != NULL && n > 0 && !self->busy;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "changes.commit-selected", ready && selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "changes.commit-all", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "changes.discard", ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->list), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->select_all_check), ready);

  g_signal_handlers_block_matched (self->select_all_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_check_button_set_active (self->select_all_check, n > 0 && selected == n);
  gtk_check_button_set_inconsistent (self->select_all_check, selected > 0 && selected < n);
  g_signal_handlers_unblock_matched (self->select_all_check, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

/* Shows what fits the sandbox's state; lists the changes when there are
 * some to review and they are not listed yet. */
static void
update (SandlockChangesPage *self)
{
  if (self->sandbox == NULL)
    {
      show (self, "none");
      return;
    }
  if (sandbox_running (self->sandbox))
    {
      show (self, "running");
      return;
    }
  if (!sandlock_dbus_sandbox_get_has_changes (self->sandbox))
    {
      if (self->changes != NULL)
        {
          gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
          g_clear_object (&self->changes);
          show_change (self, NULL);
          update_actions (self);
        }
      switch (self->outcome)
        {
        case OUTCOME_APPLIED:
          adw_status_page_set_icon_name (self->done_status, "emblem-ok-symbolic");
          adw_status_page_set_title (self->done_status, _("All Changes Applied"));
          adw_status_page_set_description (self->done_status,
                                           _("The working folder now holds what the program wrote"));
          show (self, "done");
          break;
        case OUTCOME_DISCARDED:
          adw_status_page_set_icon_name (self->done_status, "user-trash-symbolic");
          adw_status_page_set_title (self->done_status, _("Changes Discarded"));
          adw_status_page_set_description (self->done_status,
                                           _("Nothing more from this run will reach the working folder"));
          show (self, "done");
          break;
        case OUTCOME_NONE:
        default:
          adw_status_page_set_title (self->none_status, _("No Changes to Review"));
          adw_status_page_set_description (self->none_status,
                                           _("Run a program with Dry Run to review what it changes "
                                             "in its working folder before the changes land."));
          show (self, "none");
          break;
        }
      return;
    }
  if (self->changes == NULL)
    {
      if (!self->loading)
        load (self);
      show (self, "loading");
      return;
    }
  if (n_changes (self) == 0)
    {
      adw_status_page_set_title (self->none_status, _("No Changes"));
      adw_status_page_set_description (self->none_status,
                                       _("The program changed nothing in its working folder"));
      show (self, "none");
      return;
    }
  show (self, "changes");
}

/* ---- Diff --------------------------------------------------------------- */

static void
update_tag_colors (SandlockChangesPage *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA added_bg = { 0.18f, 0.76f, 0.49f, 0.16f };
  GdkRGBA removed_bg = { 0.88f, 0.11f, 0.14f, 0.16f };

  /* GNOME palette: green and red dark enough on light, light enough on dark. */
  g_object_set (self->tags[SANDLOCK_DIFF_LINE_ADDED],
                "foreground", dark ? "#8ff0a4" : "#1a7b45",
                "paragraph-background-rgba", &added_bg,
                NULL);
  g_object_set (self->tags[SANDLOCK_DIFF_LINE_REMOVED],
                "foreground", dark ? "#f99595" : "#a51d2d",
                "paragraph-background-rgba", &removed_bg,
                NULL);
  g_object_set (self->tags[SANDLOCK_DIFF_LINE_HUNK],
                "foreground", dark ? "#9a9996" : "#77767b",
                NULL);
  g_object_set (self->tags[SANDLOCK_DIFF_LINE_HEADER],
                "foreground", dark ? "#9a9996" : "#77767b",
                NULL);
}

static void
on_dark_changed (AdwStyleManager     *manager,
                 GParamSpec          *pspec,
                 SandlockChangesPage *self)
{
  update_tag_colors (self);
}

static void
render_diff (SandlockChangesPage *self,
             const char          *diff)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->diff_view);
  SandlockDiffState state = SANDLOCK_DIFF_STATE_INIT;
  g_auto(GStrv) lines = g_strsplit (diff, "\n", -1);
  guint n = g_strv_length (lines);
  GtkTextIter end;
  GtkTextIter start;

  /* The text ends with a newline: no empty last line. */
  if (n > 0 && *lines[n - 1] == '\0')
    n--;
  gtk_text_buffer_set_text (buffer, "", 0);
  gtk_text_buffer_get_end_iter (buffer, &end);
  for (guint i = 0; i < n; i++)
    {
      SandlockDiffLineKind kind = sandlock_diff_next_line_kind (&state, lines[i]);
      GtkTextTag *tag = self->tags[kind];

      /* diff's command line names the helper's storage, not the file. */
      if (kind == SANDLOCK_DIFF_LINE_HEADER && g_str_has_prefix (lines[i], "diff "))
        continue;
      if (tag != NULL)
        gtk_text_buffer_insert_with_tags (buffer, &end, lines[i], -1, tag, NULL);
      else
        gtk_text_buffer_insert (buffer, &end, lines[i], -1);
      if (i + 1 < n)
        gtk_text_buffer_insert (buffer, &end, "\n", 1);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->diff_view)), 0);
  gtk_adjustment_set_value (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->diff_view)), 0);
}

static void
show_diff_page (SandlockChangesPage *self,
                const char          *name)
{
  gtk_stack_set_visible_child_name (self->diff_stack, name);
  gtk_spinner_set_spinning (self->diff_spinner, g_str_equal (name, "loading"));
}

static void
on_diff (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SandlockChangesPage *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;

  if (!sandlock_dbus_sandbox_call_get_file_diff_finish (SANDLOCK_DBUS_SANDBOX (source), &diff,
                                                        result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another row, another sandbox, or the page is gone */

  self = user_data;
  if (error != NULL)
    {
      g_dbus_error_strip_remote_error (error);
      adw_status_page_set_description (self->diff_error_status, error->message);
      show_diff_page (self, "error");
      return;
    }
  if (sandlock_diff_is_binary (diff))
    {
      show_diff_page (self, "binary");
      return;
    }
  render_diff (self, diff);
  show_diff_page (self, "text");
}

static void
show_change (SandlockChangesPage *self,
             SandlockChange      *change)
{
  const char *styles[] = { "added", "modified", "deleted" };

  g_cancellable_cancel (self->diff_cancellable);
  g_clear_object (&self->diff_cancellable);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->diff_view), "", 0);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->diff_kind_label), styles[i]);
  if (change == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->diff_kind_label), FALSE);
      gtk_label_set_label (self->diff_title, _("Diff"));
      gtk_label_set_label (self->diff_sizes, "");
      show_diff_page (self, "hint");
      return;
    }
  else
    {
      SandlockChangeKind kind = sandlock_change_get_kind (change);
      g_autofree char *sizes = sandlock_change_format_sizes (change);

      gtk_label_set_label (self->diff_kind_label, sandlock_change_kind_letter (kind));
      gtk_widget_add_css_class (GTK_WIDGET (self->diff_kind_label), sandlock_change_kind_style (kind));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->diff_kind_label), sandlock_change_kind_text (kind));
      gtk_widget_set_visible (GTK_WIDGET (self->diff_kind_label), TRUE);
      gtk_label_set_label (self->diff_title, sandlock_change_get_path (change));
      gtk_label_set_label (self->diff_sizes, sizes);
    }

  self->diff_cancellable = g_cancellable_new ();
  show_diff_page (self, "loading");
  sandlock_dbus_sandbox_call_get_file_diff (self->sandbox, sandlock_change_get_path (change),
                                            self->diff_cancellable, on_diff, self);
}

static void
on_row_selected (GtkListBox          *list,
                 GtkListBoxRow       *row,
                 SandlockChangesPage *self)
{
  g_autoptr(SandlockChange) change = NULL;

  if (row != NULL && self->changes != NULL)
    change = g_list_model_get_item (G_LIST_MODEL (self->changes), gtk_list_box_row_get_index (row));
  show_change (self, change);
}

/* ---- List --------------------------------------------------------------- */

static void
on_change_selected (SandlockChange      *change,
                    GParamSpec          *pspec,
                    SandlockChangesPage *self)
{
  update_actions (self);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SandlockChangesPage *self = user_data;
  SandlockChange *change = item;
  SandlockChangeKind kind = sandlock_change_get_kind (change);
  const char *path = sandlock_change_get_path (change);
  g_autofree char *title = g_markup_escape_text (path, -1);
  g_autofree char *sizes = sandlock_change_format_sizes (change);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", sandlock_change_kind_text (kind), sizes);
  g_autofree char *check_label = g_strdup_printf (_("Select %s"), path);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *badge = gtk_label_new (sandlock_change_kind_letter (kind));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sizes[0] ? subtitle : sandlock_change_kind_text (kind));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  /* A long path is ellipsized in the title. */
  if (g_utf8_strlen (path, -1) > 60)
    gtk_widget_set_tooltip_text (row, path);

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _("Include in Commit Selected"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  check_label, -1);
  g_object_bind_property (change, "selected", check, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (change, "notify::selected", G_CALLBACK (on_change_selected), self, 0);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "change-kind");
  gtk_widget_add_css_class (badge, sandlock_change_kind_style (kind));
  gtk_widget_set_tooltip_text (badge, sandlock_change_kind_text (kind));

  /* Prefixes go before the earlier ones: the check box ends up first. */
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  return row;
}

static void
on_select_all_toggled (GtkCheckButton      *check,
                       SandlockChangesPage *self)
{
  if (self->changes == NULL)
    return;
  /* A click on a partly checked box checks everything. */
  sandlock_change_list_select_all (G_LIST_MODEL (self->changes),
                                   gtk_check_button_get_active (check) ||
                                   gtk_check_button_get_inconsistent (check));
}

static void
set_changes (SandlockChangesPage *self,
             GListStore          *changes)
{
  g_autofree char *workdir = sandbox_workdir (self->sandbox);
  g_autofree char *shown_path = NULL;
  g_autofree char *summary = NULL;
  GtkListBoxRow *row;
  guint n;
  guint select = 0;

  /* Keep showing the same file across a refresh when it is still there. */
  row = gtk_list_box_get_selected_row (self->list);
  if (row != NULL && self->changes != NULL)
    {
      g_autoptr(SandlockChange) shown = g_list_model_get_item (G_LIST_MODEL (self->changes),
                                                               gtk_list_box_row_get_index (row));
      if (shown != NULL)
        shown_path = g_strdup (sandlock_change_get_path (shown));
    }

  g_set_object (&self->changes, changes);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (changes), create_row, self, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (changes));
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Change", "%u Changes", n), n);
  gtk_label_set_label (self->summary_label, summary);
  if (workdir != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Kept for review, not yet in %s"), workdir);

      gtk_label_set_label (self->workdir_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->workdir_label), workdir != NULL);

  for (guint i = 0; shown_path != NULL && i < n; i++)
    {
      g_autoptr(SandlockChange) change = g_list_model_get_item (G_LIST_MODEL (changes), i);

      if (g_str_equal (sandlock_change_get_path (change), shown_path))
        select = i;
    }
  if (n > 0)
    gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, (int) select));
  else
    show_change (self, NULL);
  update_actions (self);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SandlockChangesPage *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) changes = NULL;
  g_autoptr(GListStore) store = NULL;

  if (!sandlock_dbus_sandbox_call_get_changes_finish (SANDLOCK_DBUS_SANDBOX (source), &changes,
                                                      result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another sandbox, or the page is gone */

  self = user_data;
  self->loading = FALSE;
  if (changes != NULL)
    store = sandlock_change_list_new_from_variant (changes, &error);
  if (store == NULL)
    {
      /* Committed or discarded elsewhere meanwhile: nothing to show. */
      if (!sandlock_dbus_sandbox_get_has_changes (self->sandbox))
        {
          update (self);
          return;
        }
      g_dbus_error_strip_remote_error (error);
      adw_status_page_set_description (self->error_status, error->message);
      show (self, "error");
      return;
    }
  set_changes (self, store);
  update (self);
}

static void
load (SandlockChangesPage *self)
{
  g_return_if_fail (self->sandbox != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  sandlock_dbus_sandbox_call_get_changes (self->sandbox, self->cancellable, on_changes, self);
}

/* ---- Commit and discard ------------------------------------------------- */

typedef struct {
  SandlockChangesPage *self;
  guint                count;   /* changes committed; 0 for all */
} Operation;

static void
operation_free (Operation *op)
{
  g_object_unref (op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static Operation *
operation_new (SandlockChangesPage *self,
               guint                count)
{
  Operation *op = g_new0 (Operation, 1);

  op->self = g_object_ref (self);
  op->count = count;
  return op;
}

/* A failed commit or discard: a toast, and the whole message (a toast
 * cuts long ones) above the list until the next attempt. */
static void
report_operation (SandlockChangesPage *self,
                  SandlockDbusSandbox *sandbox,
                  const char          *what,
                  GError              *error)
{
  sandlock_page_report (SANDLOCK_PAGE (self), what, error);
  if (sandbox == self->sandbox)
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

      gtk_label_set_label (self->operation_error, text);
      gtk_widget_set_visible (GTK_WIDGET (self->operation_error), TRUE);
    }
}

static void
clear_operation_error (SandlockChangesPage *self)
{
  gtk_label_set_label (self->operation_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->operation_error), FALSE);
}

/* After a commit or discard: the list again, or what became of it. */
static void
after_operation (SandlockChangesPage *self,
                 SandlockDbusSandbox *sandbox,
                 Outcome              outcome)
{
  self->busy = FALSE;
  if (sandbox != self->sandbox)
    return;   /* another sandbox is shown now */
  if (!sandlock_dbus_sandbox_get_has_changes (sandbox))
    self->outcome = outcome;
  else if (outcome != OUTCOME_NONE)
    load (self);   /* some left: list them again, the old list stays meanwhile */
  update_actions (self);
  update (self);
}

static void
on_committed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  SandlockChangesPage *self = op->self;
  g_autoptr(GError) error = NULL;

  if (!sandlock_dbus_sandbox_call_commit_finish (SANDLOCK_DBUS_SANDBOX (source), result, &error))
    {
      report_operation (self, SANDLOCK_DBUS_SANDBOX (source), _("Could not apply the changes"), error);
      after_operation (self, SANDLOCK_DBUS_SANDBOX (source), OUTCOME_NONE);
      return;
    }
  if (op->count > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Applied %u change", "Applied %u changes",
                                      op->count), op->count);
      sandlock_page_toast (SANDLOCK_PAGE (self), message);
    }
  after_operation (self, SANDLOCK_DBUS_SANDBOX (source), OUTCOME_APPLIED);
}

static void
commit (SandlockChangesPage *self,
        const char * const  *paths)
{
  guint count = g_strv_length ((GStrv) paths);

  if (self->sandbox == NULL || self->busy)
    return;
  self->busy = TRUE;
  clear_operation_error (self);
  update_actions (self);
  sandlock_dbus_sandbox_call_commit (self->sandbox, paths, NULL, on_committed,
                                     operation_new (self, count));
}

static void
on_commit_selected (GtkWidget  *widget,
                    const char *action,
                    GVariant   *parameter)
{
  SandlockChangesPage *self = SANDLOCK_CHANGES_PAGE (widget);
  g_auto(GStrv) paths = NULL;

  if (self->changes == NULL)
    return;
  paths = sandlock_change_list_get_selected_paths (G_LIST_MODEL (self->changes));
  /* An empty list would mean everything. */
  if (paths[0] != NULL)
    commit (self, (const char * const *) paths);
}

static void
on_commit_all (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  const char *all[] = { NULL };

  commit (SANDLOCK_CHANGES_PAGE (widget), all);
}

static void
on_discarded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!sandlock_dbus_sandbox_call_discard_finish (SANDLOCK_DBUS_SANDBOX (source), result, &error))
    {
      report_operation (op->self, SANDLOCK_DBUS_SANDBOX (source), _("Could not discard the changes"),
                        error);
      after_operation (op->self, SANDLOCK_DBUS_SANDBOX (source), OUTCOME_NONE);
      return;
    }
  after_operation (op->self, SANDLOCK_DBUS_SANDBOX (source), OUTCOME_DISCARDED);
}

static void
on_discard_response (AdwMessageDialog    *dialog,
                     const char          *response,
                     SandlockChangesPage *self)
{
  if (!g_str_equal (response, "discard") || self->sandbox == NULL || self->busy)
    return;
  self->busy = TRUE;
  clear_operation_error (self);
  update_actions (self);
  sandlock_dbus_sandbox_call_discard (self->sandbox, NULL, on_discarded, operation_new (self, 0));
}

static void
on_discard (GtkWidget  *widget,
            const char *action,
            GVariant   *parameter)
{
  SandlockChangesPage *self = SANDLOCK_CHANGES_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  guint n = n_changes (self);
  g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "The program's change will be dropped; it "
                                                        "will not reach the working folder. This "
                                                        "cannot be undone.",
                                                        "The program's %u changes will be dropped; "
                                                        "none will reach the working folder. This "
                                                        "cannot be undone.",
                                                        n), n);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Discard Changes?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_reload (GtkWidget  *widget,
           const char *action,
           GVariant   *parameter)
{
  SandlockChangesPage *self = SANDLOCK_CHANGES_PAGE (widget);

  if (self->sandbox == NULL)
    return;
  g_clear_object (&self->changes);
  self->loading = FALSE;
  update (self);
}

/* ---- Sandbox ------------------------------------------------------------ */

static void
on_notify (GObject             *object,
           GParamSpec          *pspec,
           SandlockChangesPage *self)
{
  update (self);
}

static void
set_sandbox (SandlockChangesPage *self,
             SandlockDbusSandbox *sandbox)
{
  if (self->sandbox == sandbox)
    return;
  if (self->sandbox != NULL)
    g_signal_handlers_disconnect_by_data (self->sandbox, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->diff_cancellable);
  g_clear_object (&self->diff_cancellable);
  gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->changes);
  self->loading = FALSE;
  self->busy = FALSE;
  self->outcome = OUTCOME_NONE;
  clear_operation_error (self);
  g_set_object (&self->sandbox, sandbox);
  if (sandbox != NULL)
    {
      g_signal_connect (sandbox, "notify::state", G_CALLBACK (on_notify), self);
      g_signal_connect (sandbox, "notify::has-changes", G_CALLBACK (on_notify), self);
    }
  show_change (self, NULL);
  update_actions (self);
  update (self);
}

static void
page_set_sandbox (SandlockPage        *page,
                  SandlockDbusSandbox *sandbox)
{
  set_sandbox (SANDLOCK_CHANGES_PAGE (page), sandbox);
}

static void
sandlock_changes_page_dispose (GObject *object)
{
  SandlockChangesPage *self = SANDLOCK_CHANGES_PAGE (object);

  set_sandbox (self, NULL);
  G_OBJECT_CLASS (sandlock_changes_page_parent_class)->dispose (object);
}

static void
sandlock_changes_page_class_init (SandlockChangesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_changes_page_dispose;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-changes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, none_status);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, done_status);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, workdir_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, operation_error);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, select_all_check);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, list);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_kind_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_title);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_sizes);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_spinner);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_view);
  gtk_widget_class_bind_template_child (widget_class, SandlockChangesPage, diff_error_status);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_select_all_toggled);

  gtk_widget_class_install_action (widget_class, "changes.commit-selected", NULL, on_commit_selected);
  gtk_widget_class_install_action (widget_class, "changes.commit-all", NULL, on_commit_all);
  gtk_widget_class_install_action (widget_class, "changes.discard", NULL, on_discard);
  gtk_widget_class_install_action (widget_class, "changes.reload", NULL, on_reload);
}

static void
sandlock_changes_page_init (SandlockChangesPage *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->diff_view);
  self->tags[SANDLOCK_DIFF_LINE_ADDED] = gtk_text_buffer_create_tag (buffer, "added", NULL);
  self->tags[SANDLOCK_DIFF_LINE_REMOVED] = gtk_text_buffer_create_tag (buffer, "removed", NULL);
  self->tags[SANDLOCK_DIFF_LINE_HUNK] = gtk_text_buffer_create_tag (buffer, "hunk", NULL);
  self->tags[SANDLOCK_DIFF_LINE_HEADER] = gtk_text_buffer_create_tag (buffer, "header",
                                                                      "weight", PANGO_WEIGHT_BOLD,
                                                                      NULL);
  self->tags[SANDLOCK_DIFF_LINE_BINARY] = gtk_text_buffer_create_tag (buffer, "binary",
                                                                      "style", PANGO_STYLE_ITALIC,
                                                                      NULL);
  update_tag_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, 0);
  update_actions (self);
}
