/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-ui-test"

#include "config.h"

#include "cs-ui-test.h"

#define TIMEOUT_SECONDS 20

static const char *
screenshot_dir (void)
{
  const char *dir = g_getenv ("CS_SCREENSHOT_DIR");

  return dir != NULL ? dir : ".";
}

/* Walking the widget tree and driving widgets the way a click or a key press would. */

GtkWidget *
find_descendant (GtkWidget *root, WidgetMatch match, const char *text)
{
  if (match (root, text))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, match, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

gboolean
has_buildable_id (GtkWidget *widget, const char *id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

/* The checks below only see what a person could see: mapped widgets. */

gboolean
is_row_titled (GtkWidget *widget, const char *title)
{
  return ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

gboolean
is_label_reading (GtkWidget *widget, const char *text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

gboolean
is_button_labelled (GtkWidget *widget, const char *label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

gboolean
is_button_with_icon (GtkWidget *widget, const char *icon_name)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0;
}

gboolean
has_widget_name (GtkWidget *widget, const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
find_widget (GtkWidget *root, const char *buildable_id)
{
  return find_descendant (root, has_buildable_id, buildable_id);
}

GtkWidget *
find_row (GtkWidget *root, const char *title)
{
  return find_descendant (root, is_row_titled, title);
}

GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  return find_descendant (root, is_label_reading, text);
}

GtkWindow *
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the app run until @check returns non-NULL; fails the test after TIMEOUT_SECONDS. */
gpointer
wait_for (gpointer (*check) (gpointer), gpointer data, const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);
  gpointer result;

  while ((result = check (data)) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (result == NULL)
    g_error ("Timed out waiting for %s", what);

  g_source_remove (timeout_id);
  return result;
}

static gpointer
check_window_shown (gpointer data)
{
  return find_window (GPOINTER_TO_SIZE (data));
}

GtkWindow *
wait_for_window (GType type)
{
  return wait_for (check_window_shown, GSIZE_TO_POINTER (type), g_type_name (type));
}

static gpointer
check_row_shown (gpointer data)
{
  Lookup *lookup = data;

  return find_row (lookup->root, lookup->text);
}

GtkWidget *
wait_for_row (GtkWidget *root, const char *title)
{
  Lookup lookup = { root, title };

  return wait_for (check_row_shown, &lookup, title);
}

static gpointer
check_label_shown (gpointer data)
{
  Lookup *lookup = data;

  return find_label (lookup->root, lookup->text);
}

GtkWidget *
wait_for_label (GtkWidget *root, const char *text)
{
  Lookup lookup = { root, text };

  return wait_for (check_label_shown, &lookup, text);
}

static gpointer
check_window_gone (gpointer data)
{
  return find_window (GPOINTER_TO_SIZE (data)) == NULL ? GINT_TO_POINTER (1) : NULL;
}

void
wait_for_window_gone (GType type)
{
  wait_for (check_window_gone, GSIZE_TO_POINTER (type), "a dialog to close");
}

void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

GtkWidget *
get_widget (GtkWindow *window, const char *buildable_id)
{
  GtkWidget *widget = find_widget (GTK_WIDGET (window), buildable_id);

  if (widget == NULL)
    g_error ("No widget “%s” in %s", buildable_id, G_OBJECT_TYPE_NAME (window));

  return widget;
}

static gpointer
check_clickable (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_is_sensitive (widget) ? widget : NULL;
}

/* Clicks once the widget is on screen and sensitive, as a person would wait to. */
void
click (GtkWidget *widget)
{
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));
  g_autofree char *what =
    g_strdup_printf ("%s “%s” to be clickable", G_OBJECT_TYPE_NAME (widget), id);

  wait_for (check_clickable, widget, what);
  /* A button's keyboard activation clicks only after a short press animation; a click is
   * immediate. */
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    gtk_widget_activate (widget);
}

/* Selects the item of an AdwComboRow of strings that reads @text. */
void
select_combo_item (GtkWidget *row, const char *text)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        {
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
          return;
        }
    }
  g_error ("No “%s” to choose", text);
}

void
type_text (GtkWidget *editable, const char *text)
{
  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

void
save_screenshot (GtkWindow *window, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width, height;
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  /* A dialog that just appeared may not have drawn anything yet. */
  for (int attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      settle ();
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (screenshot_dir (), 0755);
  path = g_build_filename (screenshot_dir (), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);
}

/* Running the real application with a script. */

static void
run_script (gpointer user_data)
{
  CsApplication *app = CS_APPLICATION (user_data);
  Script script = g_object_get_data (G_OBJECT (app), "test-script");

  script (app);
  /* A demo leaves the app to the person in front of it. */
  if (g_object_get_data (G_OBJECT (app), "test-stay") == NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
on_activate (CsApplication *app)
{
  g_idle_add_once (run_script, app);
}

void
run_app (Script script)
{
  g_autoptr (CsApplication) app = cs_application_new ();
  int status;

  /* Each run is a separate start of the app; the bus name must not outlive it. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_object_set_data (G_OBJECT (app), "test-script", script);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
}

void
run_app_and_stay (Script script)
{
  g_autoptr (CsApplication) app = cs_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_object_set_data (G_OBJECT (app), "test-script", script);
  g_object_set_data (G_OBJECT (app), "test-stay", GINT_TO_POINTER (TRUE));
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  g_application_run (G_APPLICATION (app), 0, NULL);
}

/* A notification server on the test's private bus (org.gtk.Notifications, as GNOME Shell
 * provides it): GApplication sends its notifications there once the name is owned. */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
on_notifications_method (GDBusConnection *connection,
                         const char *sender,
                         const char *object_path,
                         const char *interface_name,
                         const char *method_name,
                         GVariant *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer user_data)
{
  TestNotifications *self = user_data;
  const char *app_id, *id;

  if (g_str_equal (method_name, "AddNotification"))
    {
      GVariant *notification = NULL;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
      g_test_message ("AddNotification %s %s", app_id, id);
      g_hash_table_replace (self->shown, g_strdup (id), notification);
    }
  else
    {
      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      g_test_message ("RemoveNotification %s %s", app_id, id);
      g_hash_table_remove (self->shown, id);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { on_notifications_method };

static void
on_notifications_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((TestNotifications *) user_data)->name_owned = TRUE;
}

static gpointer
check_name_owned (gpointer data)
{
  return ((TestNotifications *) data)->name_owned ? data : NULL;
}

TestNotifications *
test_notifications_start (void)
{
  TestNotifications *self = g_new0 (TestNotifications, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autofree char *address = NULL;

  g_assert_no_error (error);
  self->shown =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  self->bus =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (self->bus, "/org/gtk/Notifications", info->interfaces[0],
                                     &notifications_vtable, self, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (self->bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                on_notifications_name_acquired, NULL, self, NULL);
  wait_for (check_name_owned, self, "the notification server's name");
  return self;
}

typedef struct
{
  TestNotifications *notifications;
  const char *id;
} NotificationLookup;

static gpointer
check_notification_shown (gpointer data)
{
  NotificationLookup *lookup = data;

  return g_hash_table_lookup (lookup->notifications->shown, lookup->id);
}

GVariant *
test_notifications_wait_for (TestNotifications *self, const char *id)
{
  NotificationLookup lookup = { self, id };
  g_autofree char *what = g_strdup_printf ("the notification %s", id);

  return wait_for (check_notification_shown, &lookup, what);
}

static gpointer
check_notification_gone (gpointer data)
{
  NotificationLookup *lookup = data;

  return g_hash_table_contains (lookup->notifications->shown, lookup->id) ? NULL : data;
}

void
test_notifications_wait_gone (TestNotifications *self, const char *id)
{
  NotificationLookup lookup = { self, id };
  g_autofree char *what = g_strdup_printf ("the notification %s to be withdrawn", id);

  wait_for (check_notification_gone, &lookup, what);
}

void
test_notifications_free (TestNotifications *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->bus);
  g_free (self);
}
