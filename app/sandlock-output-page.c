/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>

#include "sandlock-output-page.h"

/* Lines kept on screen; older ones go (the helper keeps the last MiB). */
#define MAX_LINES 20000

struct _SandlockOutputPage {
  SandlockPage         parent_instance;

  GtkStack            *stack;
  GtkScrolledWindow   *scroller;
  GtkTextView         *view;
  AdwStatusPage       *status;
  GtkTextTag          *stderr_tag;

  SandlockDbusSandbox *sandbox;
  GDataInputStream    *input;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (SandlockOutputPage, sandlock_output_page, SANDLOCK_TYPE_PAGE)

char *
sandlock_output_page_get_text (SandlockOutputPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Follow the end unless the reader scrolled up. */
static gboolean
at_end (SandlockOutputPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

static void
append (SandlockOutputPage *self,
        const char         *text,
        gboolean            is_stderr)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  gboolean follow = at_end (self);
  GtkTextIter end;
  int excess;

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (is_stderr)
    gtk_text_buffer_insert_with_tags (buffer, &end, text, -1, self->stderr_tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, text, -1);

  excess = gtk_text_buffer_get_line_count (buffer) - MAX_LINES;
  if (excess > 0)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, excess);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
  if (follow)
    {
      GtkTextMark *mark = gtk_text_buffer_get_insert (buffer);

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
      gtk_text_view_scroll_mark_onscreen (self->view, mark);
    }
}

static void read_next (SandlockOutputPage *self);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SandlockOutputPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      g_clear_object (&self->input);   /* end of output */
      return;
    }
  node = json_from_string (line, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *chunk = json_node_get_object (node);
      const char *stream = json_object_get_string_member_with_default (chunk, "stream", "stdout");
      const char *text = json_object_get_string_member_with_default (chunk, "text", "");

      append (self, text, g_strcmp0 (stream, "stderr") == 0);
    }
  read_next (self);
}

static void
read_next (SandlockOutputPage *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line, self);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SandlockOutputPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GInputStream) raw = NULL;
  int fd;

  if (!sandlock_dbus_sandbox_call_open_output_finish (SANDLOCK_DBUS_SANDBOX (source), &handle,
                                                      &fds, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_dbus_error_strip_remote_error (error);
      adw_status_page_set_description (self->status, error->message);
      gtk_stack_set_visible_child_name (self->stack, "elsewhere");
      return;
    }
  fd = g_unix_fd_list_get (fds, g_variant_get_handle (handle), &error);
  if (fd < 0)
    return;
  raw = g_unix_input_stream_new (fd, TRUE);
  self->input = g_data_input_stream_new (raw);
  read_next (self);
}

static void
set_sandbox (SandlockOutputPage  *self,
             SandlockDbusSandbox *sandbox)
{
  g_autoptr(GVariantBuilder) options = NULL;

  if (self->sandbox == sandbox)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->input);
  g_set_object (&self->sandbox, sandbox);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->view), "", 0);
  gtk_stack_set_visible_child_name (self->stack, "text");
  if (sandbox == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  options = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (options, "{sv}", "format", g_variant_new_string ("json"));
  sandlock_dbus_sandbox_call_open_output (sandbox, g_variant_builder_end (options), NULL,
                                          self->cancellable, on_opened, self);
}

static void
page_set_sandbox (SandlockPage        *page,
                  SandlockDbusSandbox *sandbox)
{
  set_sandbox (SANDLOCK_OUTPUT_PAGE (page), sandbox);
}

static void
sandlock_output_page_dispose (GObject *object)
{
  set_sandbox (SANDLOCK_OUTPUT_PAGE (object), NULL);
  G_OBJECT_CLASS (sandlock_output_page_parent_class)->dispose (object);
}

static void
sandlock_output_page_class_init (SandlockOutputPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sandlock_output_page_dispose;

  SANDLOCK_PAGE_CLASS (klass)->set_sandbox = page_set_sandbox;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/sandlock/Sandlock/sandlock-output-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SandlockOutputPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SandlockOutputPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SandlockOutputPage, view);
  gtk_widget_class_bind_template_child (widget_class, SandlockOutputPage, status);
}

static void
sandlock_output_page_init (SandlockOutputPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Red, readable in light and dark styles. */
  self->stderr_tag = gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->view), "stderr",
                                                 "foreground", "#e01b24", NULL);
}
