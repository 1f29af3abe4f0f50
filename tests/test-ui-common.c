/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "test-common.h"
#include "test-ui-common.h"

void
tu_start_bus (void)
{
  /* Kept for the whole run: the app's proxies hold the bus, and GTestDBus's
   * watcher stops it (and the helper) when this process exits. */
  static GTestDBus *bus;
  g_autofree char *home = tc_make_tmpdir ();

  g_setenv ("XDG_STATE_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", home, TRUE);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (bus, g_getenv ("SANDLOCK_TEST_SERVICES"));
  g_test_dbus_up (bus);
}

SandlockWindow *
tu_start_app (SandlockApplication **app)
{
  g_autoptr(GError) error = NULL;
  SandlockWindow *window;

  *app = sandlock_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (*app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (*app));
  window = SANDLOCK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (*app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  return window;
}

void
tu_iterate_until (gboolean (*done) (gpointer),
                  gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
after (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

void
tu_iterate_for (int milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  tu_iterate_until (after, &until);
}

static gboolean
drawable (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

void
tu_screenshot (GtkWidget  *widget,
               const char *name)
{
  const char *dir = g_getenv ("SANDLOCK_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  if (dir == NULL)
    return;
  /* A window presented just now is drawn only once mapped and sized. */
  tu_iterate_until (drawable, widget);
  tu_iterate_for (700);   /* let it draw, page transitions included */
  paintable = gtk_widget_paintable_new (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
tu_find (GtkWidget *widget,
         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tu_find (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
