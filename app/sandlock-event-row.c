/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sandlock-event-row.h"

struct _SandlockEventRow {
  GtkWidget             parent_instance;

  SandlockEventColumns *columns;
  SandlockEvent        *event;
  gboolean              denied;
  /* Made when first drawn; text set when drawn and changed. */
  PangoLayout          *layouts[SANDLOCK_EVENT_N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (SandlockEventRow, sandlock_event_row, GTK_TYPE_WIDGET)

static const char *
category_label (const char *category)
{
  if (strcmp (category, "file") == 0)
    return C_("event category", "File");
  if (strcmp (category, "network") == 0)
    return C_("event category", "Network");
  if (strcmp (category, "process") == 0)
    return C_("event category", "Process");
  if (strcmp (category, "memory") == 0)
    return C_("event category", "Memory");
  return category;
}

static const char *
verdict_label (const char *verdict)
{
  if (strcmp (verdict, "allow") == 0)
    return C_("event verdict", "Allowed");
  if (strcmp (verdict, "deny") == 0)
    return C_("event verdict", "Denied");
  if (strcmp (verdict, "audit") == 0)
    return C_("event verdict", "Audited");
  return verdict;
}

const char *
sandlock_event_row_column_text (SandlockEvent       *event,
                                SandlockEventColumn  column,
                                char                *buffer,
                                gsize                size)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (event), NULL);

  switch (column)
    {
    case SANDLOCK_EVENT_COLUMN_TIME:
      return sandlock_event_print_time (event, buffer, size);
    case SANDLOCK_EVENT_COLUMN_PID:
      g_snprintf (buffer, size, "%d", sandlock_event_get_pid (event));
      return buffer;
    case SANDLOCK_EVENT_COLUMN_SYSCALL:
      return sandlock_event_get_syscall (event);
    case SANDLOCK_EVENT_COLUMN_CATEGORY:
      return category_label (sandlock_event_get_category (event));
    case SANDLOCK_EVENT_COLUMN_DETAIL:
      return sandlock_event_get_detail (event);
    case SANDLOCK_EVENT_COLUMN_VERDICT:
      return verdict_label (sandlock_event_get_verdict (event));
    case SANDLOCK_EVENT_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ---- Drawing ------------------------------------------------------------ */

/* A column's layout, made once per row: numbers in tabular figures (as
 * the "numeric" style class has them), the system call in monospace, paths
 * shortened in the middle so that the file name stays in view. */
static PangoLayout *
ensure_layout (SandlockEventRow    *self,
               SandlockEventColumn  column)
{
  PangoAttrList *attrs;

  if (self->layouts[column] != NULL)
    return self->layouts[column];

  self->layouts[column] = pango_layout_new (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  pango_layout_set_single_paragraph_mode (self->layouts[column], TRUE);
  pango_layout_set_ellipsize (self->layouts[column], column == SANDLOCK_EVENT_COLUMN_DETAIL ?
                                                     PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
  attrs = pango_attr_list_new ();
  if (column == SANDLOCK_EVENT_COLUMN_TIME || column == SANDLOCK_EVENT_COLUMN_PID)
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  else if (column == SANDLOCK_EVENT_COLUMN_SYSCALL)
    pango_attr_list_insert (attrs, pango_attr_family_new ("monospace"));
  pango_layout_set_attributes (self->layouts[column], attrs);
  pango_attr_list_unref (attrs);
  return self->layouts[column];
}

static void
sandlock_event_row_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (widget);
  GtkTextDirection direction = gtk_widget_get_direction (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  int height = gtk_widget_get_height (widget);
  int x[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];

  if (self->event == NULL)
    return;

  sandlock_event_columns_place (self->columns, gtk_widget_get_width (widget), direction, x, widths);
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      char buffer[SANDLOCK_EVENT_TIME_SIZE];
      const char *text = sandlock_event_row_column_text (self->event, i, buffer, sizeof buffer);
      int text_width = widths[i] - 2 * SANDLOCK_EVENT_COLUMN_PADDING;
      PangoLayout *layout;
      int text_height;

      if (text_width <= 0 || *text == '\0')
        continue;
      layout = ensure_layout (self, i);
      /* Shaping is the cost: a row rebound to an event with the same
       * system call, say, keeps what it had. */
      if (strcmp (pango_layout_get_text (layout), text) != 0)
        pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, text_width * PANGO_SCALE);
      /* Start-aligned, as a label with xalign 0 is. */
      pango_layout_set_alignment (layout, direction == GTK_TEXT_DIR_RTL ? PANGO_ALIGN_RIGHT
                                                                        : PANGO_ALIGN_LEFT);
      pango_layout_get_pixel_size (layout, NULL, &text_height);
      gtk_snapshot_render_layout (snapshot, context, x[i] + SANDLOCK_EVENT_COLUMN_PADDING,
                                  MAX ((height - text_height) / 2, 0), layout);
    }
}

/* The height of a line in @font: one row is one line. */
static int
line_height (PangoContext               *context,
             const PangoFontDescription *font)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (context, font, NULL);
  int height = pango_font_metrics_get_height (metrics);

  if (height <= 0)
    height = pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics);
  pango_font_metrics_unref (metrics);
  return PANGO_PIXELS_CEIL (height);
}

static void
sandlock_event_row_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (widget);
  /* Every row asks the same: the last answer is kept. */
  static PangoFontDescription *last_font;
  static int last_height;
  PangoContext *context;
  const PangoFontDescription *font;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = sandlock_event_columns_get_min_width (self->columns);
      return;
    }

  context = gtk_widget_get_pango_context (widget);
  font = pango_context_get_font_description (context);
  if (last_font == NULL || !pango_font_description_equal (font, last_font))
    {
      g_autoptr(PangoFontDescription) monospace = pango_font_description_copy (font);

      pango_font_description_set_family (monospace, "monospace");
      last_height = MAX (line_height (context, font), line_height (context, monospace));
      g_clear_pointer (&last_font, pango_font_description_free);
      last_font = pango_font_description_copy (font);
    }
  *minimum = *natural = last_height;
}

/* The detail in full, and why a call was denied. */
static gboolean
sandlock_event_row_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (widget);
  g_autofree char *text = NULL;
  const char *rule;
  int error;

  if (self->event == NULL)
    return FALSE;

  switch (keyboard ? SANDLOCK_EVENT_COLUMN_DETAIL :
          sandlock_event_columns_at (self->columns, gtk_widget_get_width (widget),
                                     gtk_widget_get_direction (widget), x))
    {
    case SANDLOCK_EVENT_COLUMN_DETAIL:
      if (*sandlock_event_get_detail (self->event) == '\0')
        return FALSE;
      gtk_tooltip_set_text (tooltip, sandlock_event_get_detail (self->event));
      return TRUE;

    case SANDLOCK_EVENT_COLUMN_VERDICT:
      rule = sandlock_event_get_rule (self->event);
      error = sandlock_event_get_errno (self->event);
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

    default:
      return FALSE;
    }
}

/* ---- Taking an event ---------------------------------------------------- */

/* What a screen reader says for the row: its columns in order. */
static void
update_accessible_label (SandlockEventRow *self)
{
  char text[512];
  gsize length = 0;

  text[0] = '\0';
  for (guint i = 0; self->event != NULL && i < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      char buffer[SANDLOCK_EVENT_TIME_SIZE];
      const char *column = sandlock_event_row_column_text (self->event, i, buffer, sizeof buffer);

      if (*column != '\0' && length < sizeof text)
        length += g_snprintf (text + length, sizeof text - length, "%s%s",
                              length > 0 ? ", " : "", column);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

void
sandlock_event_row_set_event (SandlockEventRow *self,
                              SandlockEvent    *event)
{
  gboolean denied;

  g_return_if_fail (SANDLOCK_IS_EVENT_ROW (self));
  g_return_if_fail (event == NULL || SANDLOCK_IS_EVENT (event));

  if (!g_set_object (&self->event, event))
    return;

  /* Only when it changes: a new style class restyles the row. */
  denied = event != NULL && sandlock_event_is_denied (event);
  if (denied != self->denied)
    {
      self->denied = denied;
      if (denied)
        gtk_widget_add_css_class (GTK_WIDGET (self), "denied");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "denied");
    }
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

SandlockEvent *
sandlock_event_row_get_event (SandlockEventRow *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_ROW (self), NULL);
  return self->event;
}

/* ---- GObject ------------------------------------------------------------ */

static void
on_columns_changed (SandlockEventRow *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
sandlock_event_row_dispose (GObject *object)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (object);

  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    g_clear_object (&self->layouts[i]);
  g_clear_object (&self->event);
  if (self->columns != NULL)
    g_signal_handlers_disconnect_by_data (self->columns, self);
  g_clear_object (&self->columns);
  G_OBJECT_CLASS (sandlock_event_row_parent_class)->dispose (object);
}

static void
sandlock_event_row_class_init (SandlockEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_event_row_dispose;
  widget_class->snapshot = sandlock_event_row_snapshot;
  widget_class->measure = sandlock_event_row_measure;
  widget_class->query_tooltip = sandlock_event_row_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "eventrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
sandlock_event_row_init (SandlockEventRow *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
sandlock_event_row_new (SandlockEventColumns *columns)
{
  SandlockEventRow *self;

  g_return_val_if_fail (SANDLOCK_IS_EVENT_COLUMNS (columns), NULL);

  self = g_object_new (SANDLOCK_TYPE_EVENT_ROW, NULL);
  self->columns = g_object_ref (columns);
  g_signal_connect_swapped (columns, "changed", G_CALLBACK (on_columns_changed), self);
  return GTK_WIDGET (self);
}
