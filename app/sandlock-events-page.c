/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>

#include "sandlock-event.h"
#include "sandlock-events-page.h"

/* Lines read from the buffer at once before the main loop gets a turn. */
#define LINES_PER_READ 2048

struct _SandlockEventsPage {
  AdwBin               parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *status;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *category_dropdown;
  GtkDropDown         *verdict_dropdown;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  GtkScrolledWindow   *scroller;
  GtkColumnView       *view;

  SandlockEventModel  *model;
  gboolean             follow;
  guint                follow_tick;

  SandlockDbusSandbox *sandbox;
  GDataInputStream    *input;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (SandlockEventsPage, sandlock_events_page, SANDLOCK_TYPE_PAGE)

/* In the order of the drop-downs' items. */
static const char * const categories[] = { NULL, "file", "network", "process", "memory" };
static const char * const verdicts[] = { NULL, "allow", "deny", "audit" };

SandlockEventModel *
sandlock_events_page_get_model (SandlockEventsPage *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENTS_PAGE (self), NULL);
  return self->model;
}

/* ---- Cells -------------------------------------------------------------- */

static GtkWidget *
new_cell (GtkListItem *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
  return label;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  new_cell (item);
}

static void
setup_numeric_cell (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  gtk_widget_add_css_class (new_cell (item), "numeric");
}

static void
setup_monospace_cell (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *label = new_cell (item);

  gtk_widget_add_css_class (label, "monospace");
}

/*
 * Tooltips are made when asked for: setting one on every bind costs a round
 * trip to the display server (where is the pointer?), per cell, per frame.
 */
static gboolean
on_query_detail_tooltip (GtkWidget   *label,
                         int          x,
                         int          y,
                         gboolean     keyboard,
                         GtkTooltip  *tooltip,
                         GtkListItem *item)
{
  SandlockEvent *event = gtk_list_item_get_item (item);
  const char *detail;

  if (event == NULL || *(detail = sandlock_event_get_detail (event)) == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, detail);
  return TRUE;
}

static gboolean
on_query_verdict_tooltip (GtkWidget   *label,
                          int          x,
                          int          y,
                          gboolean     keyboard,
                          GtkTooltip  *tooltip,
                          GtkListItem *item)
{
  SandlockEvent *event = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;
  const char *rule;
  int error;

  if (event == NULL)
    return FALSE;
  rule = sandlock_event_get_rule (event);
  error = sandlock_event_get_errno (event);
  if (error != 0 && *rule != '\0')
    /* Translators: "Permission denied (rule: fs_writable)" */
    text = g_strdup_printf (_("%s (rule: %s)"), g_strerror (error), rule);
  else if (error != 0)
    text = g_strdup (g_strerror (error));
  else if (*rule != '\0')
    text = g_strdup_printf (_("Rule: %s"), rule);
  else
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_detail_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = new_cell (item);

  /* Paths keep their file name in view. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_has_tooltip (label, TRUE);
  /* The item owns the label: it outlives the handler. */
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_query_detail_tooltip), item);
}

static void
setup_verdict_cell (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *label = new_cell (item);

  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_query_verdict_tooltip), item);
}

/* Denied rows stand out: every cell of the row carries the class. */
static SandlockEvent *
bind_cell (GtkListItem *item,
           const char  *text)
{
  SandlockEvent *event = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (sandlock_event_is_denied (event))
    gtk_widget_add_css_class (label, "denied");
  else
    gtk_widget_remove_css_class (label, "denied");
  return event;
}

static void
bind_time (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  g_autofree char *text = sandlock_event_format_time (gtk_list_item_get_item (item));

  bind_cell (item, text);
}

static void
bind_pid (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  SandlockEvent *event = gtk_list_item_get_item (item);
  char text[16];

  g_snprintf (text, sizeof text, "%d", sandlock_event_get_pid (event));
  bind_cell (item, text);
}

static void
bind_syscall (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  bind_cell (item, sandlock_event_get_syscall (gtk_list_item_get_item (item)));
}

static void
bind_category (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  const char *category = sandlock_event_get_category (gtk_list_item_get_item (item));

  if (strcmp (category, "file") == 0)
    category = C_("event category", "File");
  else if (strcmp (category, "network") == 0)
    category = C_("event category", "Network");
  else if (strcmp (category, "process") == 0)
    category = C_("event category", "Process");
  else if (strcmp (category, "memory") == 0)
    category = C_("event category", "Memory");
  bind_cell (item, category);
}

static void
bind_detail (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  bind_cell (item, sandlock_event_get_detail (gtk_list_item_get_item (item)));
}

static void
bind_verdict (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  const char *verdict = sandlock_event_get_verdict (gtk_list_item_get_item (item));

  if (strcmp (verdict, "allow") == 0)
    verdict = C_("event verdict", "Allowed");
  else if (strcmp (verdict, "deny") == 0)
    verdict = C_("event verdict", "Denied");
  else if (strcmp (verdict, "audit") == 0)
    verdict = C_("event verdict", "Audited");
  bind_cell (item, verdict);
}

/* ---- Counts, filter, following the end ---------------------------------- */

static char *
format_count (guint64 n)
{
  /* Grouped the locale's way: 1,234. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static void
update_count (SandlockEventsPage *self)
{
  guint total = sandlock_event_model_get_n_events (self->model);
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint denied = sandlock_event_model_get_n_denied (self->model);
  guint64 dropped = sandlock_event_model_get_n_dropped (self->model);
  guint64 evicted = sandlock_event_model_get_n_evicted (self->model);
  g_autofree char *total_s = format_count (total);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) tooltip = g_string_new (NULL);

  if (sandlock_event_model_get_filtering (self->model))
    {
      g_autofree char *shown_s = format_count (shown);

      /* Translators: "12 of 1,234 events" */
      g_string_append_printf (text, ngettext ("%s of %s event", "%s of %s events", total),
                              shown_s, total_s);
    }
  else
    g_string_append_printf (text, ngettext ("%s event", "%s events", total), total_s);

  if (denied > 0)
    {
      g_autofree char *denied_s = format_count (denied);

      g_string_append (text, ", ");
      /* Translators: part of "1,234 events, 3 denied" */
      g_string_append_printf (text, ngettext ("%s denied", "%s denied", denied), denied_s);
    }
  if (dropped > 0)
    {
      g_autofree char *dropped_s = format_count (dropped);

      g_string_append (text, ", ");
      /* Translators: part of "1,234 events, 12 lost" */
      g_string_append_printf (text, ngettext ("%s lost", "%s lost", dropped), dropped_s);
      g_string_append (tooltip, _("Events came faster than they could be read; the helper "
                                  "dropped some rather than slow the program down."));
    }
  if (evicted > 0)
    {
      g_autofree char *max_s = format_count (sandlock_event_model_get_max_events (self->model));

      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      g_string_append_printf (tooltip, _("Only the newest %s events are kept."), max_s);
    }
  gtk_label_set_text (self->count_label, text->str);
  /* Only when it changes: setting a tooltip asks where the pointer is. */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self->count_label)),
                 tooltip->len > 0 ? tooltip->str : NULL) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label),
                                 tooltip->len > 0 ? tooltip->str : NULL);
}

static void
update_filter (SandlockEventsPage *self)
{
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  guint verdict = gtk_drop_down_get_selected (self->verdict_dropdown);

  if (self->model == NULL)   /* still building the template */
    return;
  sandlock_event_model_set_filter (self->model,
                                   category < G_N_ELEMENTS (categories) ? categories[category] : NULL,
                                   verdict < G_N_ELEMENTS (verdicts) ? verdicts[verdict] : NULL,
                                   gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_count (self);
}

static gboolean
at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

static void queue_follow (SandlockEventsPage *self);

/*
 * Following stops when the reader scrolls up (wheel, touchpad, scrollbar,
 * touch, keys) and resumes once the view is back at the end. Only the
 * reader's own moves stop it: the list moves the view too (its anchor
 * stays put while events come in and the oldest go).
 */
static void
on_value_changed (GtkAdjustment      *adjustment,
                  SandlockEventsPage *self)
{
  if (at_end (adjustment))
    self->follow = TRUE;
  else
    queue_follow (self);   /* the list moved, not the reader */
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           SandlockEventsPage       *self)
{
  if (dy < 0)
    self->follow = FALSE;
  return FALSE;
}

static void
on_scrollbar_pressed (GtkGestureClick    *gesture,
                      int                 n_press,
                      double              x,
                      double              y,
                      SandlockEventsPage *self)
{
  self->follow = FALSE;
}

static void
on_touch_drag (GtkGestureDrag     *gesture,
               double              offset_x,
               double              offset_y,
               SandlockEventsPage *self)
{
  if (offset_y > 0)
    self->follow = FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SandlockEventsPage    *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      self->follow = FALSE;
      break;
    default:
      break;
    }
  return FALSE;
}

static void
watch_reader (SandlockEventsPage *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);

  gesture = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_scrollbar_pressed), self);
  gtk_widget_add_controller (gtk_scrolled_window_get_vscrollbar (self->scroller),
                             GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), TRUE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_touch_drag), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), controller);
}

static gboolean
follow_end (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  SandlockEventsPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  self->follow_tick = 0;
  if (!self->follow || n == 0 || at_end (adjustment))
    return G_SOURCE_REMOVE;
  /* Anchored on the last row rather than a scroll offset: before rows are
   * laid out the list only estimates where an offset lands. The column
   * view's list is its last child. */
  if (!gtk_widget_activate_action (gtk_widget_get_last_child (GTK_WIDGET (self->view)),
                                   "list.scroll-to-item", "u", n - 1))
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) -
                              gtk_adjustment_get_page_size (adjustment));
  return G_SOURCE_REMOVE;
}

/*
 * Scrolls to the end at the start of the next frame, never from inside the
 * list's allocation (where "changed" comes from): a GTK 4.8 list view told
 * to scroll while it lays out picks its anchor from rows not placed yet,
 * and after the oldest events went it jumped to the top, remaking every
 * row widget.
 */
static void
queue_follow (SandlockEventsPage *self)
{
  if (self->follow && self->follow_tick == 0)
    self->follow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->scroller), follow_end,
                                                      self, NULL);
}

/* The list grew (or shrank): stay at the end when following it. */
static void
on_adjustment_changed (GtkAdjustment      *adjustment,
                       SandlockEventsPage *self)
{
  if (self->follow && !at_end (adjustment))
    queue_follow (self);
}

static void
on_model_changed (SandlockEventsPage *self)
{
  gboolean any = sandlock_event_model_get_n_events (self->model) > 0;
  gboolean shown = g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "events" : "empty");
  gtk_stack_set_visible_child_name (self->list_stack, shown || !any ? "list" : "no-match");
  update_count (self);
  queue_follow (self);
}

/* ---- Reading the stream ------------------------------------------------- */

static void read_next (SandlockEventsPage *self);

static void
push_line (SandlockEventsPage *self,
           const char         *line,
           gsize               length)
{
  g_autoptr(GError) error = NULL;

  if (length > 0 && !sandlock_event_model_push_line (self->model, line, length, &error))
    g_debug ("Ignoring event: %s", error->message);
}

/* Whether a whole line waits in the buffer (reading it cannot block). */
static gboolean
has_buffered_line (GDataInputStream *input)
{
  gsize count;
  const char *buffer = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (input), &count);

  return count > 0 && memchr (buffer, '\n', count) != NULL;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SandlockEventsPage *self = user_data;
  GDataInputStream *input = G_DATA_INPUT_STREAM (source);
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (input, result, &length, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      /* The sandbox ended (or the helper went). */
      g_clear_object (&self->input);
      return;
    }
  push_line (self, line, length);

  /* A fast stream: take what has arrived in one go, a bounded amount. */
  for (guint i = 0; i < LINES_PER_READ && has_buffered_line (input); i++)
    {
      g_autofree char *more = g_data_input_stream_read_line (input, &length, NULL, NULL);

      if (more == NULL)
        break;
      push_line (self, more, length);
    }
  read_next (self);
}

static void
read_next (SandlockEventsPage *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line, self);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SandlockEventsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GInputStream) raw = NULL;
  int fd;

  if (!sandlock_dbus_sandbox_call_open_event_stream_finish (SANDLOCK_DBUS_SANDBOX (source),
                                                            &handle, &fds, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      adw_status_page_set_icon_name (self->status, "dialog-error-symbolic");
      adw_status_page_set_title (self->status, _("Events Unavailable"));
      adw_status_page_set_description (self->status, error->message);
      return;
    }
  fd = g_unix_fd_list_get (fds, g_variant_get_handle (handle), &error);
  if (fd < 0)
    {
      g_warning ("Event stream without an fd: %s", error->message);
      return;
    }
  raw = g_unix_input_stream_new (fd, TRUE);
  self->input = g_data_input_stream_new (raw);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (self->input), 64 * 1024);
  read_next (self);
}

static void
set_sandbox (SandlockEventsPage  *self,
             SandlockDbusSandbox *sandbox)
{
  if (self->sandbox == sandbox)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->input);
  g_set_object (&self->sandbox, sandbox);
  sandlock_event_model_clear (self->model);
  self->follow = TRUE;
  adw_status_page_set_icon_name (self->status, "view-list-symbolic");
  adw_status_page_set_title (self->status, _("No Events Yet"));
  adw_status_page_set_description (self->status,
                                   _("The system calls the sandboxed program makes appear "
                                     "here as they happen"));
  if (sandbox == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  sandlock_dbus_sandbox_call_open_event_stream (sandbox,
                                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                NULL, self->cancellable, on_opened, self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
page_set_sandbox (SandlockPage        *page,
                  SandlockDbusSandbox *sandbox)
{
  set_sandbox (SANDLOCK_EVENTS_PAGE (page), sandbox);
}

static void
sandlock_events_page_dispose (GObject *object)
{
  SandlockEventsPage *self = SANDLOCK_EVENTS_PAGE (object);

  set_sandbox (self, NULL);
  if (self->follow_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->scroller), self->follow_tick);
      self->follow_tick = 0;
    }
  if (self->view != NULL)
    gtk_column_view_set_model (self->view, NULL);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (sandlock_events_page_parent_class)->dispose (object);
}

static void
sandlock_events_page_class_init (SandlockEventsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_events_page_dispose;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-events-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, status);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, verdict_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, view);
  gtk_widget_class_bind_template_callback (widget_class, setup_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_numeric_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_monospace_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_detail_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_verdict_cell);
  gtk_widget_class_bind_template_callback (widget_class, bind_time);
  gtk_widget_class_bind_template_callback (widget_class, bind_pid);
  gtk_widget_class_bind_template_callback (widget_class, bind_syscall);
  gtk_widget_class_bind_template_callback (widget_class, bind_category);
  gtk_widget_class_bind_template_callback (widget_class, bind_detail);
  gtk_widget_class_bind_template_callback (widget_class, bind_verdict);
  gtk_widget_class_bind_template_callback (widget_class, update_filter);
}

static void
sandlock_events_page_init (SandlockEventsPage *self)
{
  GtkAdjustment *vadjustment;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->follow = TRUE;
  /* Typing anywhere on the page searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  self->model = sandlock_event_model_new (SANDLOCK_EVENT_MODEL_DEFAULT_MAX);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));

  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (on_model_changed), self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_value_changed), self, 0);
  g_signal_connect_object (vadjustment, "changed", G_CALLBACK (on_adjustment_changed), self, 0);
  watch_reader (self);
  on_model_changed (self);
}
