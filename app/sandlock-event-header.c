/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include "sandlock-event-header.h"

/* How near an edge a press grabs it, in all (GtkColumnView's). */
#define EDGE_GRAB 8

struct _SandlockEventHeader {
  GtkWidget             parent_instance;

  SandlockEventColumns *columns;
  GtkWidget            *titles[SANDLOCK_EVENT_N_COLUMNS];

  /* The column being resized, or -1; its width at the start; +1 if it
   * grows as the pointer goes right, -1 if as it goes left. */
  int                   drag_column;
  int                   drag_width;
  int                   drag_sign;
};

G_DEFINE_FINAL_TYPE (SandlockEventHeader, sandlock_event_header, GTK_TYPE_WIDGET)

/*
 * The column whose width the edge at @x changes and which way, or -1. An
 * edge is a column's trailing one; Detail has no width of its own, so the
 * edge after it moves Verdict's leading one.
 */
static int
edge_at (SandlockEventHeader *self,
         double               x,
         int                 *sign)
{
  GtkTextDirection direction = gtk_widget_get_direction (GTK_WIDGET (self));
  int xs[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];

  if (self->columns == NULL)
    return -1;
  sandlock_event_columns_place (self->columns, gtk_widget_get_width (GTK_WIDGET (self)), direction,
                                xs, widths);
  for (int i = 0; i + 1 < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      int edge = direction == GTK_TEXT_DIR_RTL ? xs[i] : xs[i] + widths[i];

      if (x >= edge - EDGE_GRAB / 2 && x <= edge + EDGE_GRAB / 2)
        {
          int forward = direction == GTK_TEXT_DIR_RTL ? -1 : 1;

          if (i == SANDLOCK_EVENT_COLUMN_DETAIL)
            {
              *sign = -forward;
              return i + 1;
            }
          *sign = forward;
          return i;
        }
    }
  return -1;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           SandlockEventHeader      *self)
{
  int sign;

  if (self->drag_column >= 0 || edge_at (self, x, &sign) >= 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "col-resize");
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
on_drag_begin (GtkGestureDrag      *gesture,
               double               x,
               double               y,
               SandlockEventHeader *self)
{
  self->drag_column = edge_at (self, x, &self->drag_sign);
  if (self->drag_column < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drag_width = sandlock_event_columns_get_width (self->columns, self->drag_column);
}

static void
on_drag_update (GtkGestureDrag      *gesture,
                double               offset_x,
                double               offset_y,
                SandlockEventHeader *self)
{
  if (self->drag_column >= 0)
    sandlock_event_columns_set_width (self->columns, self->drag_column,
                                      self->drag_width + self->drag_sign * (int) offset_x);
}

static void
on_drag_end (GtkGestureDrag      *gesture,
             double               offset_x,
             double               offset_y,
             SandlockEventHeader *self)
{
  self->drag_column = -1;
}

static void
on_pressed (GtkGestureClick     *gesture,
            int                  n_press,
            double               x,
            double               y,
            SandlockEventHeader *self)
{
  int sign, column;

  if (n_press == 2 && (column = edge_at (self, x, &sign)) >= 0)
    sandlock_event_columns_reset_width (self->columns, column);
}

/* ---- Layout ------------------------------------------------------------- */

static void
sandlock_event_header_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  SandlockEventHeader *self = SANDLOCK_EVENT_HEADER (widget);

  *minimum = *natural = 0;
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      int child_minimum, child_natural;

      gtk_widget_measure (self->titles[i], orientation, -1, &child_minimum, &child_natural, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum = MAX (*minimum, child_minimum);
          *natural = MAX (*natural, child_natural);
        }
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL && self->columns != NULL)
    *minimum = *natural = sandlock_event_columns_get_min_width (self->columns);
}

static void
sandlock_event_header_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  SandlockEventHeader *self = SANDLOCK_EVENT_HEADER (widget);
  int xs[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];

  if (self->columns == NULL)
    return;
  sandlock_event_columns_place (self->columns, width, gtk_widget_get_direction (widget), xs, widths);
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    gtk_widget_size_allocate (self->titles[i],
                              &(GtkAllocation) { xs[i], 0, widths[i], height }, -1);
}

/* ---- GObject ------------------------------------------------------------ */

void
sandlock_event_header_set_columns (SandlockEventHeader  *self,
                                   SandlockEventColumns *columns)
{
  g_return_if_fail (SANDLOCK_IS_EVENT_HEADER (self));
  g_return_if_fail (columns == NULL || SANDLOCK_IS_EVENT_COLUMNS (columns));

  if (self->columns == columns)
    return;
  if (self->columns != NULL)
    g_signal_handlers_disconnect_by_data (self->columns, self);
  g_set_object (&self->columns, columns);
  if (columns != NULL)
    g_signal_connect_swapped (columns, "changed", G_CALLBACK (gtk_widget_queue_resize), self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
sandlock_event_header_dispose (GObject *object)
{
  SandlockEventHeader *self = SANDLOCK_EVENT_HEADER (object);

  sandlock_event_header_set_columns (self, NULL);
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    g_clear_pointer (&self->titles[i], gtk_widget_unparent);
  G_OBJECT_CLASS (sandlock_event_header_parent_class)->dispose (object);
}

static void
sandlock_event_header_class_init (SandlockEventHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_event_header_dispose;
  widget_class->measure = sandlock_event_header_measure;
  widget_class->size_allocate = sandlock_event_header_size_allocate;

  /* GtkColumnView's nodes, for the theme: header > button > box > label. */
  gtk_widget_class_set_css_name (widget_class, "header");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
sandlock_event_header_init (SandlockEventHeader *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->drag_column = -1;
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *label = gtk_label_new (sandlock_event_column_get_title (i));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      self->titles[i] = g_object_new (GTK_TYPE_BOX,
                                      "css-name", "button",
                                      "accessible-role", GTK_ACCESSIBLE_ROLE_COLUMN_HEADER,
                                      NULL);
      gtk_box_append (GTK_BOX (self->titles[i]), box);
      gtk_widget_set_parent (self->titles[i], GTK_WIDGET (self));
    }

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}
