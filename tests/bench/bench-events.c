/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Events page under a flood: the real page in a real window fed 50,000
 * synthetic events a second (through the model's line API, as the stream
 * reader feeds it) for 10 s, while a tick callback watches the frame clock.
 * Prints frame work (before-paint to after-paint) and its phases (tick
 * callbacks, where following scrolls; layout; paint, snapshot and
 * rendering; after paint), the view's share of each items-changed, frame
 * intervals and the longest main-loop stall as p50/p90/p99/max with the
 * count over budget, the list items the view made and bound, and the
 * memory used. Then the same with a filter on (denied events only).
 * Prints figures; asserts nothing. Needs a display (run under xvfb-run
 * -a); skips without one. With BENCH_EVENTS_TRACE set, every frame's
 * phases and every items-changed are printed too.
 *
 * The renderer matters: under Xvfb, GL is Mesa's llvmpipe (software, every
 * damaged frame redrawn whole); GSK_RENDERER=cairo redraws only what
 * changed.
 *
 *   bench-events [EVENTS-PER-SECOND [SECONDS]]
 */
#define G_LOG_DOMAIN "bench-events"
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <adwaita.h>

#include "sandlock-events-page.h"

#define TARGET_MS 16.0
#define N_LINES   8192

typedef struct {
  SandlockEventModel *model;
  GtkWidget          *page;
  GtkWidget          *window;
  char              **lines;        /* N_LINES templates, %s = time */
  guint               rate;
  gint64              start;        /* µs, monotonic */
  gint64              duration;     /* µs */
  guint64             pushed;
  gint64              last_feed;    /* µs, for stalls */
  gint64              paint_start;
  gint64              update_end;
  gint64              layout_end;
  gint64              paint_end;
  GArray             *update;       /* double ms, per phase */
  GArray             *layout;
  GArray             *paint;
  GArray             *finish;       /* after-paint: the frame handed to the display */
  gint64              change_start;
  GArray             *changes;      /* double ms, the view taking items-changed */
  gint64              last_frame;   /* frame clock time, µs */
  GArray             *work;         /* double ms */
  GArray             *intervals;    /* double ms */
  GArray             *stalls;       /* double ms */
  gint64              parse_us;     /* time in push_line */
  gboolean            done;
  gboolean            flushed;      /* items-changed since the last frame */
  gboolean            trace;        /* $BENCH_EVENTS_TRACE: every frame and change */
  guint               n_setup;      /* list items made */
  guint               n_bind;       /* list items bound */
} Bench;

static const char *syscalls[] = { "openat", "read", "connect", "execve", "mmap", "newfstatat", "unlinkat" };
static const char *categories[] = { "file", "file", "network", "process", "memory", "file", "file" };

static char *
make_line (guint i)
{
  guint kind = g_random_int_range (0, G_N_ELEMENTS (syscalls));
  gboolean deny = g_random_int_range (0, 50) == 0;

  return g_strdup_printf ("\"pid\":%u,\"ppid\":%u,\"syscall\":\"%s\",\"category\":\"%s\","
                          "\"detail\":\"/home/user/project/src/module-%u/file-%u.c\","
                          "\"verdict\":\"%s\",\"errno\":%d,\"rule\":\"%s\"}\n",
                          4000 + i % 16, 3999, syscalls[kind], categories[kind], i % 97, i,
                          deny ? "deny" : "allow", deny ? EACCES : 0,
                          deny ? "fs_readable" : "");
}

/* Catches up with the rate: pushes what should have arrived by now. */
static gboolean
feed (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed = now - bench->start;
  guint64 due = (guint64) elapsed * bench->rate / G_USEC_PER_SEC;
  double stall = (now - bench->last_feed) / 1000.0;

  g_array_append_val (bench->stalls, stall);
  bench->last_feed = now;
  for (; bench->pushed < due; bench->pushed++)
    {
      char line[512];
      int length = g_snprintf (line, sizeof line, "{\"time_ns\":%" G_GINT64_FORMAT ",%s",
                               g_get_real_time () * 1000 + (gint64) (bench->pushed % 1000),
                               bench->lines[bench->pushed % N_LINES]);

      if (!sandlock_event_model_push_line (bench->model, line, length, NULL))
        g_error ("bad synthetic line: %s", line);
    }
  bench->parse_us += g_get_monotonic_time () - now;
  if (elapsed >= bench->duration)
    {
      bench->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Notes how late a 1 ms timer fires: how long the main loop was busy. */
static gboolean
probe (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  double stall = (now - bench->last_feed) / 1000.0;

  g_array_append_val (bench->stalls, stall);
  bench->last_feed = now;
  return bench->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);

  if (bench->last_frame != 0 && !bench->done)
    {
      double interval = (frame_time - bench->last_frame) / 1000.0;

      g_array_append_val (bench->intervals, interval);
      if (bench->trace && interval > 25.0)
        printf ("    late frame: %.2f ms since the last\n", interval);
    }
  bench->last_frame = frame_time;
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->paint_start = g_get_monotonic_time ();
}

/* Connected after GTK's own handlers: each marks the end of its phase. */
static void
on_update (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->update_end = g_get_monotonic_time ();
}

static void
on_layout (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->layout_end = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock,
          Bench         *bench)
{
  bench->paint_end = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();
  gint64 update_end, layout_end, paint_end;
  double work, phase;

  if (bench->paint_start == 0 || bench->done || bench->start == 0)
    return;
  work = (now - bench->paint_start) / 1000.0;
  g_array_append_val (bench->work, work);
  /* A phase that did not run this frame takes no time. */
  update_end = MAX (bench->update_end, bench->paint_start);
  layout_end = MAX (bench->layout_end, update_end);
  paint_end = MAX (bench->paint_end, layout_end);
  phase = (update_end - bench->paint_start) / 1000.0;
  g_array_append_val (bench->update, phase);
  phase = (layout_end - update_end) / 1000.0;
  g_array_append_val (bench->layout, phase);
  phase = (paint_end - layout_end) / 1000.0;
  g_array_append_val (bench->paint, phase);
  phase = (now - paint_end) / 1000.0;
  g_array_append_val (bench->finish, phase);
  if (bench->trace)
    printf ("    frame%s: update %.2f, layout %.2f, paint %.2f, after %.2f ms\n",
            bench->flushed ? " after a flush" : "",
            (update_end - bench->paint_start) / 1000.0, (layout_end - update_end) / 1000.0,
            (paint_end - layout_end) / 1000.0, (now - paint_end) / 1000.0);
  bench->flushed = FALSE;
}

/* An emission hook runs before any handler of items-changed, a handler
 * connected after runs after all: between them, the view's share. */
static gboolean
on_change_start (GSignalInvocationHint *hint,
                 guint                  n_values,
                 const GValue          *values,
                 gpointer               user_data)
{
  Bench *bench = user_data;

  if (g_value_get_object (&values[0]) == (gpointer) bench->model)
    bench->change_start = g_get_monotonic_time ();
  return TRUE;
}

static void
on_change_end (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               Bench      *bench)
{
  double ms = (g_get_monotonic_time () - bench->change_start) / 1000.0;

  if (bench->start != 0 && !bench->done)
    g_array_append_val (bench->changes, ms);
  bench->flushed = TRUE;
  if (bench->trace)
    printf ("    items-changed (%u, -%u, +%u): %.2f ms\n", position, removed, added, ms);
}

static void
on_setup (GtkListItemFactory *factory,
          GtkListItem        *item,
          Bench              *bench)
{
  bench->n_setup++;
}

static void
on_bind (GtkListItemFactory *factory,
         GtkListItem        *item,
         Bench              *bench)
{
  bench->n_bind++;
}

static void
count_factory (Bench              *bench,
               GtkListItemFactory *factory)
{
  if (GTK_IS_SIGNAL_LIST_ITEM_FACTORY (factory))
    {
      g_signal_connect (factory, "setup", G_CALLBACK (on_setup), bench);
      g_signal_connect (factory, "bind", G_CALLBACK (on_bind), bench);
    }
}

/* Counts the list items the view makes and binds (rows of a list view,
 * cells of a column view), where its factories say. */
static void
count_items (Bench     *bench,
             GtkWidget *view)
{
  if (GTK_IS_LIST_VIEW (view))
    count_factory (bench, gtk_list_view_get_factory (GTK_LIST_VIEW (view)));
  else if (GTK_IS_COLUMN_VIEW (view))
    {
      GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));

      for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

          count_factory (bench, gtk_column_view_column_get_factory (column));
        }
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_distribution (const char *what,
                    GArray     *values,
                    double      limit)
{
  guint n = values->len, over = 0;
  double *v = (double *) (gpointer) values->data;

  if (n == 0)
    {
      printf ("  %-22s no samples\n", what);
      return;
    }
  g_array_sort (values, compare_doubles);
  for (guint i = 0; i < n; i++)
    over += v[i] > limit;
  printf ("  %-22s p50 %6.2f  p90 %6.2f  p99 %6.2f  max %7.2f ms  (%u samples, %u over %.0f ms)\n",
          what, v[n / 2], v[n * 9 / 10], v[MIN (n - 1, n * 99 / 100)], v[n - 1], n, over,
          limit);
}

static long
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line ? strtol (line + strlen (field) + 1, NULL, 10) : -1;
}

static void
wait_ms (int milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* The @nth widget of @type under @widget, depth first. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type,
             guint     *nth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (*nth)-- == 0)
        return child;
      found = find_widget (child, type, nth);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find (GtkWidget *widget,
      GType      type,
      guint      nth)
{
  GtkWidget *found = find_widget (widget, type, &nth);

  g_assert (found != NULL);
  return found;
}

/* The page's list (not a drop-down's). */
static GtkWidget *
list_view (Bench *bench)
{
  return GTK_WIDGET (gtk_widget_get_template_child (bench->page, SANDLOCK_TYPE_EVENTS_PAGE, "view"));
}

static gboolean
at_end (Bench *bench)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view (bench)));

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

static void
run (Bench      *bench,
     const char *title,
     int         seconds)
{
  g_array_set_size (bench->work, 0);
  g_array_set_size (bench->update, 0);
  g_array_set_size (bench->layout, 0);
  g_array_set_size (bench->paint, 0);
  g_array_set_size (bench->finish, 0);
  g_array_set_size (bench->changes, 0);
  g_array_set_size (bench->intervals, 0);
  g_array_set_size (bench->stalls, 0);
  bench->parse_us = 0;
  bench->n_setup = bench->n_bind = 0;
  bench->done = FALSE;
  bench->pushed = 0;
  bench->last_frame = 0;
  bench->duration = (gint64) seconds * G_USEC_PER_SEC;
  bench->start = bench->last_feed = g_get_monotonic_time ();
  g_timeout_add (1, feed, bench);   /* removes itself when done */
  while (!bench->done)
    g_main_context_iteration (NULL, TRUE);
  wait_ms (200);   /* the last flush, drawn */

  printf ("%s: %" G_GUINT64_FORMAT " events in %d s (%u/s); %u kept, %u shown, %u denied; "
          "view at the newest: %s\n",
          title, bench->pushed, seconds, bench->rate,
          sandlock_event_model_get_n_events (bench->model),
          g_list_model_get_n_items (G_LIST_MODEL (bench->model)),
          sandlock_event_model_get_n_denied (bench->model),
          at_end (bench) ? "yes" : "NO");
  print_distribution ("frame work", bench->work, TARGET_MS);
  print_distribution ("  update (ticks)", bench->update, TARGET_MS);
  print_distribution ("  layout", bench->layout, TARGET_MS);
  print_distribution ("  paint", bench->paint, TARGET_MS);
  print_distribution ("  after paint", bench->finish, TARGET_MS);
  print_distribution ("items-changed", bench->changes, TARGET_MS);
  /* At 60 Hz a frame comes every 16.7 ms: beyond 25 ms, one was missed. */
  print_distribution ("frame interval", bench->intervals, 25.0);
  print_distribution ("main loop stall", bench->stalls, TARGET_MS);
  printf ("  list items made %u, bound %u: %.0f bound per frame\n", bench->n_setup, bench->n_bind,
          (double) bench->n_bind / MAX (bench->work->len, 1));
  printf ("  parsing: %.2f µs per event, %.0f ms per second of stream\n",
          (double) bench->parse_us / MAX (bench->pushed, 1),
          (double) bench->parse_us / 1000.0 / seconds);
  printf ("  RSS %ld MiB (peak %ld MiB)\n", status_kib ("VmRSS:") / 1024, status_kib ("VmHWM:") / 1024);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  int seconds = argc > 2 ? atoi (argv[2]) : 10;
  GdkFrameClock *clock;
  const char *renderer;

  bench.rate = argc > 1 ? (guint) atoi (argv[1]) : 50000;
  bench.trace = g_getenv ("BENCH_EVENTS_TRACE") != NULL;
  if (!gtk_init_check ())
    {
      printf ("SKIP: no display to open a window on (run under xvfb-run -a)\n");
      return 0;
    }
  adw_init ();

  bench.lines = g_new0 (char *, N_LINES + 1);
  for (guint i = 0; i < N_LINES; i++)
    bench.lines[i] = make_line (i);
  bench.work = g_array_new (FALSE, FALSE, sizeof (double));
  bench.update = g_array_new (FALSE, FALSE, sizeof (double));
  bench.layout = g_array_new (FALSE, FALSE, sizeof (double));
  bench.paint = g_array_new (FALSE, FALSE, sizeof (double));
  bench.finish = g_array_new (FALSE, FALSE, sizeof (double));
  bench.changes = g_array_new (FALSE, FALSE, sizeof (double));
  bench.intervals = g_array_new (FALSE, FALSE, sizeof (double));
  bench.stalls = g_array_new (FALSE, FALSE, sizeof (double));

  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1100, 720);
  bench.page = g_object_new (SANDLOCK_TYPE_EVENTS_PAGE, NULL);
  bench.model = sandlock_events_page_get_model (SANDLOCK_EVENTS_PAGE (bench.page));
  gtk_window_set_child (GTK_WINDOW (bench.window), bench.page);
  gtk_window_present (GTK_WINDOW (bench.window));
  wait_ms (500);
  /* Someone watching the stream, not typing a search: a focused entry's
   * blinking cursor has every frame redrawn (under llvmpipe, in full). */
  gtk_widget_grab_focus (list_view (&bench));

  clock = gtk_widget_get_frame_clock (bench.page);
  g_assert (clock != NULL);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &bench);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_update), &bench);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), &bench);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &bench);
  gtk_widget_add_tick_callback (bench.page, on_tick, &bench, NULL);
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0,
                              on_change_start, &bench, NULL);
  g_signal_connect_after (bench.model, "items-changed", G_CALLBACK (on_change_end), &bench);
  count_items (&bench, list_view (&bench));
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window)));

  printf ("Events page, %d×%d window, %s, GTK %u.%u.%u\n",
          gtk_widget_get_width (bench.window), gtk_widget_get_height (bench.window), renderer,
          gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version ());
  printf ("target: no frame over %.0f ms\n", TARGET_MS);
  printf ("  RSS %ld MiB before\n", status_kib ("VmRSS:") / 1024);
  run (&bench, "following the newest", seconds);

  /* Denied only: the filter runs on every batch. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (bench.page, GTK_TYPE_DROP_DOWN, 1)), 2);
  run (&bench, "filtered (denied only)", MAX (seconds / 2, 1));

  /* A new search over everything kept: filtered incrementally. */
  g_array_set_size (bench.stalls, 0);
  bench.last_feed = g_get_monotonic_time ();
  bench.done = FALSE;
  g_timeout_add (1, probe, &bench);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find (bench.page, GTK_TYPE_DROP_DOWN, 1)), 0);
  gtk_editable_set_text (GTK_EDITABLE (find (bench.page, GTK_TYPE_SEARCH_ENTRY, 0)), "module-42/");
  wait_ms (2000);
  bench.done = TRUE;
  wait_ms (10);
  printf ("search over %u kept events: %u match\n",
          sandlock_event_model_get_n_events (bench.model),
          g_list_model_get_n_items (G_LIST_MODEL (bench.model)));
  print_distribution ("main loop stall", bench.stalls, TARGET_MS);
  {
    /* The model's share of a new search, without a view. */
    g_autoptr(SandlockEventModel) model = sandlock_event_model_new (0);
    gint64 start;
    double search_ms, category_ms;

    sandlock_event_model_set_auto_flush (model, FALSE);
    for (guint i = 0; i < SANDLOCK_EVENT_MODEL_DEFAULT_MAX; i++)
      {
        char line[512];
        int length = g_snprintf (line, sizeof line, "{\"time_ns\":%u,%s", i, bench.lines[i % N_LINES]);

        sandlock_event_model_push_line (model, line, length, NULL);
      }
    sandlock_event_model_flush (model);
    start = g_get_monotonic_time ();
    sandlock_event_model_set_filter (model, NULL, NULL, "File-4242");
    search_ms = (g_get_monotonic_time () - start) / 1000.0;
    start = g_get_monotonic_time ();
    sandlock_event_model_set_filter (model, "network", NULL, NULL);
    category_ms = (g_get_monotonic_time () - start) / 1000.0;
    printf ("  the model alone, over %u events: search %.1f ms, category %.1f ms\n",
            sandlock_event_model_get_n_events (model), search_ms, category_ms);
  }

  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_strfreev (bench.lines);
  g_array_unref (bench.work);
  g_array_unref (bench.update);
  g_array_unref (bench.layout);
  g_array_unref (bench.paint);
  g_array_unref (bench.finish);
  g_array_unref (bench.changes);
  g_array_unref (bench.intervals);
  g_array_unref (bench.stalls);
  return 0;
}
