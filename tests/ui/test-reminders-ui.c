/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-reminders-ui"

/* The real app reminds of a scheduled call through a notification server on
 * the test's private session bus (org.gtk.Notifications, as GNOME Shell
 * provides it), keeps running with its window closed, and opens the call's
 * circle when the notification's Join is activated over D-Bus, as the shell
 * does it. */

#include "config.h"

#include "cs-application.h"
#include "cs-reminders.h"
#include "cs-window.h"

#define TIMEOUT_SECONDS 20
#define APP_PATH "/io/github/cousinade/Cousinade"
#define CALL_UID "voisins-apero@example.org"

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

typedef struct
{
  GDBusConnection *server_bus; /* the notification server's own connection */
  gboolean name_owned;
  char *added_id;
  GVariant *added; /* a{sv}, as g_notification_serialize() writes it */
  char *removed_id;
  char *call_id;
  gboolean still_running;
  const char *screenshot_dir;
} Test;

static Test test;

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
  const char *app_id, *id;

  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr (GVariant) notification = NULL;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
      g_test_message ("AddNotification %s %s", app_id, id);
      g_assert_cmpstr (app_id, ==, APPLICATION_ID);
      g_free (test.added_id);
      test.added_id = g_strdup (id);
      g_clear_pointer (&test.added, g_variant_unref);
      test.added = g_steal_pointer (&notification);
    }
  else
    {
      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      g_test_message ("RemoveNotification %s %s", app_id, id);
      g_free (test.removed_id);
      test.removed_id = g_strdup (id);
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { on_notifications_method };

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  test.name_owned = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (gboolean (*check) (gpointer), gpointer data, const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!check (data))
    g_error ("Timed out waiting for %s", what);

  g_source_remove (timeout_id);
}

static gboolean
check_flag (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
check_string_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The notification server, owned before the app sends anything. */
static void
start_notification_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autofree char *address = NULL;

  g_assert_no_error (error);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  test.server_bus =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (test.server_bus, "/org/gtk/Notifications", info->interfaces[0],
                                     &notifications_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (test.server_bus, "org.gtk.Notifications",
                                G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired, NULL, NULL, NULL);
  wait_until (check_flag, &test.name_owned, "the notification server's name");
}

/* As GNOME Shell activates a notification's button. */
static void
activate_app_action (const char *action, const char *call_id)
{
  GVariantBuilder parameters;

  g_variant_builder_init (&parameters, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&parameters, "v", g_variant_new_string (call_id));
  g_dbus_connection_call (test.server_bus, APPLICATION_ID, APP_PATH, "org.freedesktop.Application",
                          "ActivateAction",
                          g_variant_new ("(sav@a{sv})", action, &parameters,
                                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static CsWindow *
find_app_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CS_IS_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return CS_WINDOW (window);
    }

  return NULL;
}

static gboolean
check_window_shown (gpointer data)
{
  return find_app_window () != NULL;
}

static GtkWidget *
find_circle_title (GtkWidget *root, const char *name)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), "name_label") == 0 &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_circle_title (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
check_label_shown (gpointer data)
{
  CsWindow *window = find_app_window ();

  return window != NULL && find_label (GTK_WIDGET (window), data) != NULL;
}

/* The circle page shows @data's name as its title. */
static gboolean
check_circle_shown (gpointer data)
{
  CsWindow *window = find_app_window ();

  return window != NULL && find_circle_title (GTK_WIDGET (window), data) != NULL;
}

static void
save_screenshot (GtkWindow *window, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (test.screenshot_dir, 0755);
  path = g_build_filename (test.screenshot_dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);
}

static CsCircle *
add_circle (CsStore *store, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsCircle) draft = cs_circle_new ();
  CsCircle *circle;

  cs_circle_set_name (draft, name);
  circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  return circle;
}

static void
assert_button (GVariant *button, const char *label, const char *action, const char *target)
{
  const char *text;
  g_autoptr (GVariant) value = NULL;

  g_assert_true (g_variant_lookup (button, "label", "&s", &text));
  g_assert_cmpstr (text, ==, label);
  g_assert_true (g_variant_lookup (button, "action", "&s", &text));
  g_assert_cmpstr (text, ==, action);
  value = g_variant_lookup_value (button, "target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, target);
}

/* After the window was closed: the app is still there, and Join, with no account to call
 * from, opens the circle and says why. */
static gboolean
join_from_notification (gpointer user_data)
{
  CsApplication *app = CS_APPLICATION (user_data);
  CsWindow *window;

  test.still_running = TRUE;
  g_assert_null (find_app_window ());

  activate_app_action ("join-call", test.call_id);
  wait_until (check_circle_shown, "Voisins du 12", "the circle of the call");
  wait_until (check_label_shown, "Sign in to call your circle.", "the reason");
  window = find_app_window ();
  save_screenshot (GTK_WINDOW (window), "reminder-join.png");
  wait_until (check_string_set, &test.removed_id, "the reminder to be withdrawn");
  g_assert_cmpstr (test.removed_id, ==, test.added_id);

  /* An id that is not in the schedule still opens the window, and says so. */
  activate_app_action ("join-call", "nobody@example.org/2026-03-01T11:00:00");
  wait_until (check_label_shown, "This call is no longer in your schedule.", "the toast");
  g_assert_true (check_circle_shown ("Voisins du 12"));

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static void
schedule_and_wait_for_reminder (gpointer user_data)
{
  CsApplication *app = CS_APPLICATION (user_data);
  CsStore *store = cs_application_get_store (app);
  g_autoptr (GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) now = g_date_time_new_now (paris);
  g_autoptr (GDateTime) soon = g_date_time_add_seconds (now, 10 * 60 + 3);
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *recurrence_id = NULL;
  g_autofree char *expected_id = NULL;
  g_autofree char *expected_title = NULL;
  g_autoptr (GVariant) buttons = NULL;
  g_autoptr (GVariant) target = NULL;
  g_autoptr (GVariant) button = NULL;
  CsCircle *dupont, *voisins;
  CsWindow *window;
  const char *text;

  wait_until (check_window_shown, NULL, "the main window");
  window = find_app_window ();

  dupont = add_circle (store, "Cousinade Dupont");
  voisins = add_circle (store, "Voisins du 12");
  g_assert_cmpuint (cs_circle_get_reminder_minutes (voisins), ==, 10);
  cs_window_show_circle (window, dupont);
  wait_until (check_circle_shown, "Cousinade Dupont", "the first circle");

  /* A call in ten minutes and three seconds: its reminder is due in three. */
  start =
    cs_scheduled_call_new_local (paris, g_date_time_get_year (soon), g_date_time_get_month (soon),
                                 g_date_time_get_day_of_month (soon), g_date_time_get_hour (soon),
                                 g_date_time_get_minute (soon), g_date_time_get_second (soon));
  cs_scheduled_call_set_uid (call, CALL_UID);
  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (voisins));
  cs_scheduled_call_set_title (call, "Apéro visio");
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, start);
  /* Weekly: after this reminder the next one is ahead, so the app stays up. */
  cs_scheduled_call_set_rrule (call, "FREQ=WEEKLY");
  g_assert_true (cs_store_create_scheduled_call (store, call, &error));
  g_assert_no_error (error);

  recurrence_id = cs_scheduled_call_format_local (start);
  test.call_id = cs_reminders_format_call_id (CALL_UID, recurrence_id);
  expected_id = g_strconcat ("reminder:", test.call_id, NULL);

  wait_until (check_string_set, &test.added_id, "the reminder");
  g_assert_cmpstr (test.added_id, ==, expected_id);
  g_assert_true (g_variant_lookup (test.added, "title", "&s", &text));
  expected_title = g_strdup ("Call with Voisins du 12 in 10 minutes");
  g_assert_cmpstr (text, ==, expected_title);
  g_assert_true (g_variant_lookup (test.added, "body", "&s", &text));
  g_assert_nonnull (strstr (text, "Apéro visio"));
  g_assert_true (g_variant_lookup (test.added, "default-action", "&s", &text));
  g_assert_cmpstr (text, ==, "app.join-call");
  target = g_variant_lookup_value (test.added, "default-action-target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, test.call_id);
  buttons = g_variant_lookup_value (test.added, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 2);
  button = g_variant_get_child_value (buttons, 0);
  assert_button (button, "Join", "app.join-call", test.call_id);
  g_clear_pointer (&button, g_variant_unref);
  button = g_variant_get_child_value (buttons, 1);
  assert_button (button, "Snooze", "app.snooze-reminder", test.call_id);

  /* Closing the window does not stop the app while a call is ahead. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_timeout_add (1500, join_from_notification, app);
}

static void
on_activate (CsApplication *app)
{
  static gboolean first = TRUE;

  if (first)
    g_idle_add_once (schedule_and_wait_for_reminder, app);
  first = FALSE;
}

static void
test_reminder_join (void)
{
  g_autoptr (CsApplication) app = NULL;
  int status;

  start_notification_server ();

  /* Unique, as installed: the shell reaches its actions on the (private) bus. */
  app = cs_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (test.still_running);

  g_clear_object (&test.server_bus);
  g_clear_pointer (&test.added, g_variant_unref);
  g_clear_pointer (&test.added_id, g_free);
  g_clear_pointer (&test.removed_id, g_free);
  g_clear_pointer (&test.call_id, g_free);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  test.screenshot_dir = g_getenv ("CS_SCREENSHOT_DIR");
  if (test.screenshot_dir == NULL)
    test.screenshot_dir = ".";

  g_test_add_func ("/ui/reminders/notification-join", test_reminder_join);

  return g_test_run ();
}
