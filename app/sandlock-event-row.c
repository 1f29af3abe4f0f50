/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sandlock-event-row.h"

struct _SandlockEventRow {
  GtkWidget             parent_instance;

  SandlockEventColumns *columns;
  SandlockEvent        *event;
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

/*
 * Shaping is most of what drawing a row costs, and four of its columns
 * repeat a few texts (a handful of processes, system calls, categories,
 * verdicts): those are laid out once for every row, per column and text.
 * The layouts are made with the first asking row's context and dropped
 * when a row's font, font options, direction or resolution differ. Kept
 * bounded: past MAX_SHARED texts a column lays out for itself.
 */
#define MAX_SHARED 256

static struct {
  PangoFontDescription *font;
  cairo_font_options_t *options;
  PangoFontMap         *font_map;   /* compared, not held */
  PangoDirection        direction;
  double                resolution;
  GHashTable           *layouts[SANDLOCK_EVENT_N_COLUMNS];   /* text -> PangoLayout */
} shared;

static gboolean
is_shared (SandlockEventColumn column)
{
  return column == SANDLOCK_EVENT_COLUMN_PID || column == SANDLOCK_EVENT_COLUMN_SYSCALL ||
         column == SANDLOCK_EVENT_COLUMN_CATEGORY || column == SANDLOCK_EVENT_COLUMN_VERDICT;
}

/* A layout for @column: numbers in tabular figures (as the "numeric"
 * style class has them), the system call in monospace, paths shortened in
 * the middle so that the file name stays in view. */
static PangoLayout *
new_layout (PangoContext        *context,
            SandlockEventColumn  column)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, column == SANDLOCK_EVENT_COLUMN_DETAIL ?
                                      PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_END);
  if (column == SANDLOCK_EVENT_COLUMN_TIME || column == SANDLOCK_EVENT_COLUMN_PID)
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  else if (column == SANDLOCK_EVENT_COLUMN_SYSCALL)
    pango_attr_list_insert (attrs, pango_attr_family_new ("monospace"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* Drops the shared layouts if they were made for another kind of
 * @context than this row's: checked once per row drawn. */
static void
check_shared (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  const cairo_font_options_t *options = pango_cairo_context_get_font_options (context);
  PangoFontMap *font_map = pango_context_get_font_map (context);
  PangoDirection direction = pango_context_get_base_dir (context);
  double resolution = pango_cairo_context_get_resolution (context);

  if (shared.font == NULL || !pango_font_description_equal (font, shared.font) ||
      (options == NULL) != (shared.options == NULL) ||
      (options != NULL && !cairo_font_options_equal (options, shared.options)) ||
      font_map != shared.font_map || direction != shared.direction ||
      resolution != shared.resolution)
    {
      g_clear_pointer (&shared.font, pango_font_description_free);
      g_clear_pointer (&shared.options, cairo_font_options_destroy);
      shared.font = pango_font_description_copy (font);
      shared.options = options ? cairo_font_options_copy (options) : NULL;
      shared.font_map = font_map;
      shared.direction = direction;
      shared.resolution = resolution;
      for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
        if (shared.layouts[i] != NULL)
          g_hash_table_remove_all (shared.layouts[i]);
    }
}

/* The shared layout of @text in @column, or NULL (not shared, too many);
 * check_shared() has seen @context. */
static PangoLayout *
lookup_shared (PangoContext        *context,
               SandlockEventColumn  column,
               const char          *text)
{
  PangoLayout *layout;

  if (!is_shared (column))
    return NULL;
  if (shared.layouts[column] == NULL)
    shared.layouts[column] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  layout = g_hash_table_lookup (shared.layouts[column], text);
  if (layout == NULL && g_hash_table_size (shared.layouts[column]) < MAX_SHARED)
    {
      layout = new_layout (context, column);
      pango_layout_set_text (layout, text, -1);
      g_hash_table_insert (shared.layouts[column], g_strdup (text), layout);
    }
  return layout;
}

/* The row's own layout for @column, with @text: a row rebound to an event
 * with the same text keeps what it had. */
static PangoLayout *
own_layout (SandlockEventRow    *self,
            SandlockEventColumn  column,
            const char          *text)
{
  if (self->layouts[column] == NULL)
    self->layouts[column] = new_layout (gtk_widget_get_pango_context (GTK_WIDGET (self)), column);
  if (strcmp (pango_layout_get_text (self->layouts[column]), text) != 0)
    pango_layout_set_text (self->layouts[column], text, -1);
  return self->layouts[column];
}

static void
sandlock_event_row_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (widget);
  GtkTextDirection direction = gtk_widget_get_direction (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  PangoContext *pango_context = gtk_widget_get_pango_context (widget);
  int height = gtk_widget_get_height (widget);
  int x[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];

  if (self->event == NULL)
    return;

  check_shared (pango_context);
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
      layout = lookup_shared (pango_context, i, text);
      if (layout == NULL)
        layout = own_layout (self, i, text);
      pango_layout_set_width (layout, text_width * PANGO_SCALE);
      /* Start-aligned, as a label with xalign 0 is. */
      pango_layout_set_alignment (layout, direction == GTK_TEXT_DIR_RTL ? PANGO_ALIGN_RIGHT
                                                                        : PANGO_ALIGN_LEFT);
      pango_layout_get_pixel_size (layout, NULL, &text_height);
      gtk_snapshot_render_layout (snapshot, context, x[i] + SANDLOCK_EVENT_COLUMN_PADDING,
                                  MAX ((height - text_height) / 2, 0), layout);
    }
}

/*
 * The first rows drawn would pay for loading the columns' fonts (the
 * monospace one, tabular figures) and rasterising their glyphs. Drawing
 * each column's kind of text once, while nothing else is drawn, moves that
 * out of the first frame of events: with @widget's renderer (GL keeps
 * glyphs in its own atlas) and on a surface like its window's (cairo on
 * X11 hands glyphs to the X server once per font).
 */
void
sandlock_event_row_warm_up (GtkWidget *widget)
{
  static const char sample[] = "0123456789 :.,-/_()[]=\"' abcdefghijklmnopqrstuvwxyz "
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const SandlockEventColumn kinds[] = {
    SANDLOCK_EVENT_COLUMN_TIME, SANDLOCK_EVENT_COLUMN_SYSCALL, SANDLOCK_EVENT_COLUMN_DETAIL,
  };
  const GdkRGBA color = { 0.5, 0.5, 0.5, 1.0 };
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  PangoContext *context = gtk_widget_get_pango_context (widget);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t bounds;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (renderer == NULL || !gsk_renderer_is_realized (renderer))
    return;
  snapshot = gtk_snapshot_new ();
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(PangoLayout) layout = new_layout (context, kinds[i]);
      int height;

      pango_layout_set_text (layout, sample, -1);
      gtk_snapshot_append_layout (snapshot, layout, &color);
      pango_layout_get_pixel_size (layout, NULL, &height);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, height));
    }
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  gsk_render_node_get_bounds (node, &bounds);
  surface = gdk_surface_create_similar_surface (gtk_native_get_surface (native),
                                                CAIRO_CONTENT_COLOR_ALPHA,
                                                MAX (1, ceil (bounds.size.width)),
                                                MAX (1, ceil (bounds.size.height)));
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
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
  static double last_resolution;
  static int last_height;
  PangoContext *context;
  const PangoFontDescription *font;
  double resolution;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = sandlock_event_columns_get_min_width (self->columns);
      return;
    }

  context = gtk_widget_get_pango_context (widget);
  font = pango_context_get_font_description (context);
  resolution = pango_cairo_context_get_resolution (context);
  if (last_font == NULL || !pango_font_description_equal (font, last_font) ||
      resolution != last_resolution)
    {
      g_autoptr(PangoFontDescription) monospace = pango_font_description_copy (font);

      pango_font_description_set_family (monospace, "monospace");
      last_height = MAX (line_height (context, font), line_height (context, monospace));
      g_clear_pointer (&last_font, pango_font_description_free);
      last_font = pango_font_description_copy (font);
      last_resolution = resolution;
    }
  *minimum = *natural = last_height;
}

/* The detail in full, and why a call was denied. */
char *
sandlock_event_row_tooltip_text (SandlockEvent       *event,
                                 SandlockEventColumn  column)
{
  const char *rule;
  int error;

  g_return_val_if_fail (SANDLOCK_IS_EVENT (event), NULL);

  switch (column)
    {
    case SANDLOCK_EVENT_COLUMN_DETAIL:
      if (*sandlock_event_get_detail (event) == '\0')
        return NULL;
      return g_strdup (sandlock_event_get_detail (event));

    case SANDLOCK_EVENT_COLUMN_VERDICT:
      rule = sandlock_event_get_rule (event);
      error = sandlock_event_get_errno (event);
      if (error != 0 && *rule != '\0')
        /* Translators: "Permission denied (rule: fs_writable)" */
        return g_strdup_printf (_("%s (rule: %s)"), g_strerror (error), rule);
      if (error != 0)
        return g_strdup (g_strerror (error));
      if (*rule != '\0')
        return g_strdup_printf (_("Rule: %s"), rule);
      return NULL;

    default:
      return NULL;
    }
}

static gboolean
sandlock_event_row_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  SandlockEventRow *self = SANDLOCK_EVENT_ROW (widget);
  g_autofree char *text = NULL;

  if (self->event == NULL)
    return FALSE;
  text = sandlock_event_row_tooltip_text (self->event, keyboard ? SANDLOCK_EVENT_COLUMN_DETAIL :
                                          sandlock_event_columns_at (self->columns,
                                                                     gtk_widget_get_width (widget),
                                                                     gtk_widget_get_direction (widget),
                                                                     x));
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
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
  g_return_if_fail (SANDLOCK_IS_EVENT_ROW (self));
  g_return_if_fail (event == NULL || SANDLOCK_IS_EVENT (event));

  if (!g_set_object (&self->event, event))
    return;

  /* GTK restyles the row only when the class comes or goes. */
  if (event != NULL && sandlock_event_is_denied (event))
    gtk_widget_add_css_class (GTK_WIDGET (self), "denied");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "denied");
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
