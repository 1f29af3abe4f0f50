/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sandlock-event-columns.h"

/* What a column can be narrowed to (its padding and an ellipsis). */
#define MIN_WIDTH 32

/* The widths the page had as a GtkColumnView; Detail's is its minimum. */
static const int default_widths[SANDLOCK_EVENT_N_COLUMNS] = { 116, 72, 140, 96, 96, 110 };

struct _SandlockEventColumns {
  GObject parent_instance;

  int     widths[SANDLOCK_EVENT_N_COLUMNS];
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SandlockEventColumns, sandlock_event_columns, G_TYPE_OBJECT)

const char *
sandlock_event_column_get_title (SandlockEventColumn column)
{
  switch (column)
    {
    case SANDLOCK_EVENT_COLUMN_TIME:
      return _("Time");
    case SANDLOCK_EVENT_COLUMN_PID:
      return _("PID");
    case SANDLOCK_EVENT_COLUMN_SYSCALL:
      return _("System Call");
    case SANDLOCK_EVENT_COLUMN_CATEGORY:
      return _("Category");
    case SANDLOCK_EVENT_COLUMN_DETAIL:
      return _("Detail");
    case SANDLOCK_EVENT_COLUMN_VERDICT:
      return _("Verdict");
    case SANDLOCK_EVENT_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}

int
sandlock_event_columns_get_width (SandlockEventColumns *self,
                                  SandlockEventColumn   column)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT_COLUMNS (self), 0);
  g_return_val_if_fail (column < SANDLOCK_EVENT_N_COLUMNS, 0);

  return self->widths[column];
}

void
sandlock_event_columns_set_width (SandlockEventColumns *self,
                                  SandlockEventColumn   column,
                                  int                   width)
{
  g_return_if_fail (SANDLOCK_IS_EVENT_COLUMNS (self));
  g_return_if_fail (column < SANDLOCK_EVENT_N_COLUMNS);
  g_return_if_fail (column != SANDLOCK_EVENT_COLUMN_DETAIL);

  width = MAX (width, MIN_WIDTH);
  if (self->widths[column] == width)
    return;
  self->widths[column] = width;
  g_signal_emit (self, signals[CHANGED], 0);
}

void
sandlock_event_columns_reset_width (SandlockEventColumns *self,
                                    SandlockEventColumn   column)
{
  g_return_if_fail (column < SANDLOCK_EVENT_N_COLUMNS);

  sandlock_event_columns_set_width (self, column, default_widths[column]);
}

int
sandlock_event_columns_get_min_width (SandlockEventColumns *self)
{
  int width = 0;

  g_return_val_if_fail (SANDLOCK_IS_EVENT_COLUMNS (self), 0);

  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    width += self->widths[i];
  return width;
}

void
sandlock_event_columns_place (SandlockEventColumns *self,
                              int                   width,
                              GtkTextDirection      direction,
                              int                   x[SANDLOCK_EVENT_N_COLUMNS],
                              int                   widths[SANDLOCK_EVENT_N_COLUMNS])
{
  int others = 0, start = 0;

  g_return_if_fail (SANDLOCK_IS_EVENT_COLUMNS (self));

  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    if (i != SANDLOCK_EVENT_COLUMN_DETAIL)
      others += self->widths[i];
  for (guint i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    {
      widths[i] = i == SANDLOCK_EVENT_COLUMN_DETAIL ?
                  MAX (width - others, self->widths[i]) : self->widths[i];
      x[i] = direction == GTK_TEXT_DIR_RTL ? width - start - widths[i] : start;
      start += widths[i];
    }
}

int
sandlock_event_columns_at (SandlockEventColumns *self,
                           int                   width,
                           GtkTextDirection      direction,
                           double                x)
{
  int xs[SANDLOCK_EVENT_N_COLUMNS], widths[SANDLOCK_EVENT_N_COLUMNS];

  g_return_val_if_fail (SANDLOCK_IS_EVENT_COLUMNS (self), -1);

  sandlock_event_columns_place (self, width, direction, xs, widths);
  for (int i = 0; i < SANDLOCK_EVENT_N_COLUMNS; i++)
    if (x >= xs[i] && x < xs[i] + widths[i])
      return i;
  return -1;
}

static void
sandlock_event_columns_class_init (SandlockEventColumnsClass *klass)
{
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sandlock_event_columns_init (SandlockEventColumns *self)
{
  memcpy (self->widths, default_widths, sizeof self->widths);
}

SandlockEventColumns *
sandlock_event_columns_new (void)
{
  return g_object_new (SANDLOCK_TYPE_EVENT_COLUMNS, NULL);
}
