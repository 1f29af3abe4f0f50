/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>

#include "sandlock-event.h"
#include "sandlock-event-columns.h"
#include "sandlock-event-header.h"
#include "sandlock-event-row.h"
#include "sandlock-events-page.h"
#include "sandlock-settings.h"

/* Lines read from the buffer at once before the main loop gets a turn. */
#define LINES_PER_READ 2048

struct _SandlockEventsPage {
  SandlockPage         parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *status;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *category_dropdown;
  GtkDropDown         *verdict_dropdown;
  GtkLabel            *count_label;
  GtkStack            *list_stack;
  SandlockEventHeader *header;
  GtkScrolledWindow   *scroller;
  GtkListView         *view;
  AdwStatusPage       *waiting;          /* over the list until the first event */
  gboolean             unavailable;      /* the stream could not be opened */

  SandlockEventModel  *model;
  SandlockEventColumns *columns;
  GSettings           *settings;   /* NULL without the installed schema */
  /* Following the newest events now; and whether to when at the end (the
   * reader's choice, the "follow-events" setting). */
  gboolean             follow;
  gboolean             follow_wanted;
  gboolean             follow_changed;   /* the list changed since the last scroll */
  gboolean             follow_settling;  /* scrolled this frame: check after layout */
  guint                follow_tick;
  GdkFrameClock       *frame_clock;
  guint                warm_up;          /* idle: the columns' fonts, drawn once */

  SandlockDbusSandbox *sandbox;
  GDataInputStream    *input;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (SandlockEventsPage, sandlock_events_page, SANDLOCK_TYPE_PAGE)

enum {
  PROP_0,
  PROP_FOLLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the drop-downs' items. */
static const char * const categories[] = { NULL, "file", "network", "process", "memory" };
static const char * const verdicts[] = { NULL, "allow", "deny", "audit" };

SandlockEventModel *
sandlock_events_page_get_model (SandlockEventsPage *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENTS_PAGE (self), NULL);
  return self->model;
}

/* ---- Rows -------------------------------------------------------------- */

/*
 * One widget per row, drawing its columns (see SandlockEventRow): GTK 4.8
 * list views rebind every row they keep (~200) whenever the rows move,
 * which when following a flood is ten times a second; a GtkColumnView row
 * is seven list items and six labels to rebind and lay out again.
 */
static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           SandlockEventsPage       *self)
{
  gtk_list_item_set_child (item, sandlock_event_row_new (self->columns));
}

/* GTK 4.8 unbinds and binds again when only the position changed (as for
 * every row kept when the oldest events go): the row keeps its event
 * until given another, and the same one again costs nothing. */
static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          SandlockEventsPage       *self)
{
  sandlock_event_row_set_event (SANDLOCK_EVENT_ROW (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
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

static void on_model_changed (SandlockEventsPage *self);

static void
update_filter (SandlockEventsPage *self)
{
  guint category = gtk_drop_down_get_selected (self->category_dropdown);
  guint verdict = gtk_drop_down_get_selected (self->verdict_dropdown);

  if (self->model == NULL)   /* still building the template */
    return;
  /* The model tells a new filter in two changes, the first leaving the
   * list empty: the page looks once, at the end ("No Matching Events"
   * flashing in between would unmap the list and map it again). */
  g_signal_handlers_block_by_func (self->model, on_model_changed, self);
  sandlock_event_model_set_filter (self->model,
                                   category < G_N_ELEMENTS (categories) ? categories[category] : NULL,
                                   verdict < G_N_ELEMENTS (verdicts) ? verdicts[verdict] : NULL,
                                   gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  g_signal_handlers_unblock_by_func (self->model, on_model_changed, self);
  on_model_changed (self);
}

static gboolean
at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

static void queue_follow (SandlockEventsPage *self);

static void
set_following (SandlockEventsPage *self,
               gboolean            follow)
{
  if (self->follow == follow)
    return;
  self->follow = follow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
  queue_follow (self);
}

/*
 * Following stops when the reader scrolls up (wheel, touchpad, scrollbar,
 * touch, keys) and resumes once the view is back at the end, unless the
 * reader turned it off. Only the reader's own moves stop it: the list
 * moves the view too (its anchor stays put while events come in and the
 * oldest go).
 */
static void
on_value_changed (GtkAdjustment      *adjustment,
                  SandlockEventsPage *self)
{
  if (at_end (adjustment))
    set_following (self, self->follow_wanted);
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
    set_following (self, FALSE);
  return FALSE;
}

static void
on_scrollbar_pressed (GtkGestureClick    *gesture,
                      int                 n_press,
                      double              x,
                      double              y,
                      SandlockEventsPage *self)
{
  set_following (self, FALSE);
}

static void
on_touch_drag (GtkGestureDrag     *gesture,
               double              offset_x,
               double              offset_y,
               SandlockEventsPage *self)
{
  if (offset_y > 0)
    set_following (self, FALSE);
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
      set_following (self, FALSE);
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
  /* After a flush the adjustment still tells the old end (the list lays
   * out later in this frame): scrolling now, rather than when it caught up
   * in the next frame, takes one frame of new rows instead of two. */
  if (!self->follow || n == 0 || (!self->follow_changed && at_end (adjustment)))
    return G_SOURCE_REMOVE;
  self->follow_changed = FALSE;
  self->follow_settling = TRUE;
  /* Anchored on the last row rather than a scroll offset: before rows are
   * laid out the list only estimates where an offset lands. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", n - 1))
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

/*
 * A scroll to rows not laid out yet ends a row short of the end (the list
 * placed them from estimates). Scrolling again once laid out, from the
 * layout phase, has the frame clock lay out again before it paints: one
 * frame with new rows, rather than another one moving them all a little.
 * Once a frame; should it not do, the "changed" adjustment follows up.
 */
static void
on_layout (GdkFrameClock      *clock,
           SandlockEventsPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  if (!self->follow_settling)
    return;
  self->follow_settling = FALSE;
  if (self->follow && n > 0 && !at_end (adjustment))
    gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", n - 1);
}

/* The list grew (or shrank): stay at the end when following it. */
static void
on_adjustment_changed (GtkAdjustment      *adjustment,
                       SandlockEventsPage *self)
{
  if (self->follow && !at_end (adjustment))
    queue_follow (self);
}

/*
 * The reader's choice (the follow button, through the "events.follow"
 * action): remembered in "follow-events" for the next start, and what
 * reaching the end again goes back to.
 */
void
sandlock_events_page_set_follow (SandlockEventsPage *self,
                                 gboolean            follow)
{
  g_return_if_fail (SANDLOCK_IS_EVENTS_PAGE (self));

  follow = !!follow;
  self->follow_wanted = follow;
  if (self->settings != NULL && g_settings_get_boolean (self->settings, "follow-events") != follow)
    g_settings_set_boolean (self->settings, "follow-events", follow);
  set_following (self, follow);
}

gboolean
sandlock_events_page_get_follow (SandlockEventsPage *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENTS_PAGE (self), FALSE);
  return self->follow;
}

/* Chosen elsewhere (another window's page, gsettings). */
static void
on_follow_setting_changed (GSettings          *settings,
                           const char         *key,
                           SandlockEventsPage *self)
{
  gboolean follow = g_settings_get_boolean (settings, key);

  if (follow != self->follow_wanted)
    sandlock_events_page_set_follow (self, follow);
}

static void
on_model_changed (SandlockEventsPage *self)
{
  gboolean any = sandlock_event_model_get_n_events (self->model) > 0;
  gboolean shown = g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0;

  gtk_stack_set_visible_child_name (self->stack, self->unavailable ? "unavailable" : "events");
  gtk_stack_set_visible_child_name (self->list_stack, shown || !any ? "list" : "no-match");
  gtk_widget_set_visible (GTK_WIDGET (self->waiting), !any);
  update_count (self);
  self->follow_changed = TRUE;
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
      adw_status_page_set_description (self->status, error->message);
      self->unavailable = TRUE;
      on_model_changed (self);
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
  self->unavailable = FALSE;
  sandlock_event_model_clear (self->model);
  on_model_changed (self);
  set_following (self, self->follow_wanted);
  if (sandbox == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  sandlock_dbus_sandbox_call_open_event_stream (sandbox,
                                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                NULL, self->cancellable, on_opened, self);
}

/* ---- GObject ------------------------------------------------------------ */

static gboolean
warm_up (gpointer data)
{
  SandlockEventsPage *self = data;

  self->warm_up = 0;
  sandlock_event_row_warm_up (GTK_WIDGET (self->view));
  return G_SOURCE_REMOVE;
}

/* Connected after the window's own layout handler: the list is laid out. */
static void
sandlock_events_page_realize (GtkWidget *widget)
{
  SandlockEventsPage *self = SANDLOCK_EVENTS_PAGE (widget);

  GTK_WIDGET_CLASS (sandlock_events_page_parent_class)->realize (widget);
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  g_signal_connect_after (self->frame_clock, "layout", G_CALLBACK (on_layout), self);
  /* Once the page is on screen, while nothing flows. */
  self->warm_up = g_idle_add_full (G_PRIORITY_LOW, warm_up, self, NULL);
}

static void
sandlock_events_page_unrealize (GtkWidget *widget)
{
  SandlockEventsPage *self = SANDLOCK_EVENTS_PAGE (widget);

  g_signal_handlers_disconnect_by_data (self->frame_clock, self);
  g_clear_object (&self->frame_clock);
  g_clear_handle_id (&self->warm_up, g_source_remove);
  self->follow_settling = FALSE;
  GTK_WIDGET_CLASS (sandlock_events_page_parent_class)->unrealize (widget);
}

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
    gtk_list_view_set_model (self->view, NULL);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_object (&self->columns);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sandlock_events_page_parent_class)->dispose (object);
}

static void
sandlock_events_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SandlockEventsPage *self = SANDLOCK_EVENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_events_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SandlockEventsPage *self = SANDLOCK_EVENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      sandlock_events_page_set_follow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sandlock_events_page_class_init (SandlockEventsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sandlock_events_page_get_property;
  object_class->set_property = sandlock_events_page_set_property;
  object_class->dispose = sandlock_events_page_dispose;
  widget_class->realize = sandlock_events_page_realize;
  widget_class->unrealize = sandlock_events_page_unrealize;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  /**
   * SandlockEventsPage:follow:
   *
   * Whether the list follows the newest events. Set, it is the reader's
   * choice and remembered; scrolling up pauses following without that.
   */
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The follow button's. */
  gtk_widget_class_install_property_action (widget_class, "events.follow", "follow");

  g_type_ensure (SANDLOCK_TYPE_EVENT_HEADER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-events-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, status);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, verdict_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, header);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, view);
  gtk_widget_class_bind_template_child (widget_class, SandlockEventsPage, waiting);
  gtk_widget_class_bind_template_callback (widget_class, update_filter);
}

/* Without the schema (running from the build tree without
 * GSETTINGS_SCHEMA_DIR) the page simply follows. */
static void
load_settings (SandlockEventsPage *self)
{
  self->follow_wanted = TRUE;
  self->settings = sandlock_settings_new ();
  if (self->settings == NULL)
    return;
  self->follow_wanted = g_settings_get_boolean (self->settings, "follow-events");
  g_signal_connect_object (self->settings, "changed::follow-events",
                           G_CALLBACK (on_follow_setting_changed), self, 0);
}

static void
sandlock_events_page_init (SandlockEventsPage *self)
{
  GtkAdjustment *vadjustment;
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  load_settings (self);
  self->follow = self->follow_wanted;
  /* Typing anywhere on the page searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  self->columns = sandlock_event_columns_new ();
  sandlock_event_header_set_columns (self->header, self->columns);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->view, factory);

  self->model = sandlock_event_model_new (SANDLOCK_EVENT_MODEL_DEFAULT_MAX);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_list_view_set_model (self->view, GTK_SELECTION_MODEL (selection));

  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (on_model_changed), self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_value_changed), self, 0);
  g_signal_connect_object (vadjustment, "changed", G_CALLBACK (on_adjustment_changed), self, 0);
  watch_reader (self);
  on_model_changed (self);
}
