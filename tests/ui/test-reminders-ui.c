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
#include "cs-ui-test.h"
#include "cs-window.h"

#define APP_PATH "/io/github/cousinade/Cousinade"
#define CALL_UID "voisins-apero@example.org"

typedef struct
{
  /* The notification server on the private bus (tests/ui/cs-ui-test.h). */
  TestNotifications *notifications;
  char *call_id;
  gboolean still_running;
} Test;

static Test test;

/* As GNOME Shell activates a notification's button. */
static void
activate_app_action (const char *action, const char *call_id)
{
  GVariantBuilder parameters;

  g_variant_builder_init (&parameters, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&parameters, "v", g_variant_new_string (call_id));
  g_dbus_connection_call (test.notifications->bus, APPLICATION_ID, APP_PATH,
                          "org.freedesktop.Application", "ActivateAction",
                          g_variant_new ("(sav@a{sv})", action, &parameters,
                                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static gboolean
is_circle_title (GtkWidget *widget, const char *name)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), "name_label") == 0 &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), name) == 0;
}

/* The circle page shows @data's name as its title. */
static gpointer
check_circle_shown (gpointer data)
{
  GtkWindow *window = find_window (CS_TYPE_WINDOW);

  return window != NULL ? find_descendant (GTK_WIDGET (window), is_circle_title, data) : NULL;
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
  g_autofree char *reminder_id = g_strconcat ("reminder:", test.call_id, NULL);
  CsWindow *window;

  test.still_running = TRUE;
  g_assert_null (find_window (CS_TYPE_WINDOW));

  activate_app_action ("join-call", test.call_id);
  wait_for (check_circle_shown, "Voisins du 12", "the circle of the call");
  window = CS_WINDOW (find_window (CS_TYPE_WINDOW));
  wait_for_label (GTK_WIDGET (window), "Sign in to call your circle.");
  save_screenshot (GTK_WINDOW (window), "reminder-join.png");
  test_notifications_wait_gone (test.notifications, reminder_id);

  /* An id that is not in the schedule still opens the window, and says so. */
  activate_app_action ("join-call", "nobody@example.org/2026-03-01T11:00:00");
  wait_for_label (GTK_WIDGET (window), "This call is no longer in your schedule.");
  g_assert_nonnull (check_circle_shown ("Voisins du 12"));

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
  GVariant *added;
  const char *text;

  window = CS_WINDOW (wait_for_window (CS_TYPE_WINDOW));

  dupont = add_circle (store, "Cousinade Dupont");
  voisins = add_circle (store, "Voisins du 12");
  g_assert_cmpuint (cs_circle_get_reminder_minutes (voisins), ==, 10);
  cs_window_show_circle (window, dupont);
  wait_for (check_circle_shown, "Cousinade Dupont", "the first circle");

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

  added = test_notifications_wait_for (test.notifications, expected_id);
  g_assert_true (g_variant_lookup (added, "title", "&s", &text));
  expected_title = g_strdup ("Call with Voisins du 12 in 10 minutes");
  g_assert_cmpstr (text, ==, expected_title);
  g_assert_true (g_variant_lookup (added, "body", "&s", &text));
  g_assert_nonnull (strstr (text, "Apéro visio"));
  g_assert_true (g_variant_lookup (added, "default-action", "&s", &text));
  g_assert_cmpstr (text, ==, "app.join-call");
  target = g_variant_lookup_value (added, "default-action-target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, test.call_id);
  buttons = g_variant_lookup_value (added, "buttons", G_VARIANT_TYPE ("aa{sv}"));
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

  test.notifications = test_notifications_start ();

  /* Unique, as installed: the shell reaches its actions on the (private) bus. */
  app = cs_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), NULL);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (test.still_running);

  g_clear_pointer (&test.notifications, test_notifications_free);
  g_clear_pointer (&test.call_id, g_free);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/reminders/notification-join", test_reminder_join);

  return g_test_run ();
}
