/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ringing-ui"

#include "config.h"

#include "cs-background.h"
#include "cs-call-lab.h"
#include "cs-call-window.h"
#include "cs-contact-editor.h"
#include "cs-fake-portal.h"
#include "cs-preferences-window.h"
#include "cs-ringer.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

/*
 * Incoming calls ring in the real app (issue 11): Prosody and coturn in the lab namespace,
 * cousinade-bot as Anna, Bruno and a stranger, Zoé, in namespaces of their own, and the app,
 * signed in as Mamie, in a third, with a notification server on its private D-Bus session.
 *
 * /ui/ringing/calls runs as root: it builds the lab and runs this program again as
 * /ui/ringing/in-lab inside the app's namespace. /ui/ringing/in-lab checks what Mamie sees,
 * hears (the ring sound is counted, not played) and what the callers see of her answers.
 *
 * The /ui/background/ paths check how the app stays reachable: the autostart file follows
 * the setting; in a sandbox, what the app asks the Background portal and does with its
 * answers, against the fake portal of tests/ui/cs-fake-portal.h (and against no portal).
 */

#define RING_NOTIFICATION_PREFIX "ring:"

static TestNotifications *notifications;

/* The ids of the notifications shown now whose id starts with @prefix. */
static guint
count_shown (const char *prefix)
{
  GHashTableIter iter;
  gpointer key;
  guint count = 0;

  g_hash_table_iter_init (&iter, notifications->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    count += g_str_has_prefix (key, prefix);
  return count;
}

static gpointer
check_any_ring (gpointer data)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, notifications->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, RING_NOTIFICATION_PREFIX))
      return key;
  return NULL;
}

/* The id the call rings with, read from the notification that says so. */
static char *
wait_for_ring (void)
{
  const char *key = wait_for (check_any_ring, NULL, "a call to ring");

  return g_strdup (key + strlen (RING_NOTIFICATION_PREFIX));
}

static void
assert_button (GVariant *buttons,
               guint index,
               const char *label,
               const char *action,
               const char *target)
{
  g_autoptr (GVariant) button = g_variant_get_child_value (buttons, index);
  g_autoptr (GVariant) value = NULL;
  const char *text;

  g_assert_true (g_variant_lookup (button, "label", "&s", &text));
  g_assert_cmpstr (text, ==, label);
  g_assert_true (g_variant_lookup (button, "action", "&s", &text));
  g_assert_cmpstr (text, ==, action);
  value = g_variant_lookup_value (button, "target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, target);
}

/* The notification of @ring_id says who calls, from where, loudly, with Join and Decline
 * carrying the id. */
static GVariant *
assert_ring_notification (const char *ring_id, const char *title, const char *body)
{
  g_autofree char *notification_id = g_strconcat (RING_NOTIFICATION_PREFIX, ring_id, NULL);
  GVariant *notification = test_notifications_wait_for (notifications, notification_id);
  g_autoptr (GVariant) buttons = NULL;
  const char *text;

  g_assert_true (g_variant_lookup (notification, "title", "&s", &text));
  g_assert_cmpstr (text, ==, title);
  g_assert_true (g_variant_lookup (notification, "body", "&s", &text));
  g_assert_cmpstr (text, ==, body);
  g_assert_true (g_variant_lookup (notification, "priority", "&s", &text));
  g_assert_true (g_str_equal (text, "urgent") || g_str_equal (text, "high"));
  buttons = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 2);
  assert_button (buttons, 0, "Join", "app.answer-call", ring_id);
  assert_button (buttons, 1, "Decline", "app.decline-call", ring_id);
  return notification;
}

/* As the shell does it: the button's action with its target. */
static void
press_notification_button (CsApplication *app, const char *action, const char *ring_id)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), action, g_variant_new_string (ring_id));
}

static CsRinger *
get_ringer (CsApplication *app)
{
  return cs_call_manager_get_ringer (cs_application_get_call_manager (app));
}

typedef struct
{
  CsRinger *ringer;
  guint plays;
} SoundCheck;

static gpointer
check_rang_again (gpointer data)
{
  SoundCheck *check = data;

  return cs_ringer_get_sound_plays (check->ringer) > check->plays ? data : NULL;
}

static gpointer
check_banner_hidden (gpointer data)
{
  GtkWindow *window = find_window (CS_TYPE_WINDOW);
  GtkWidget *revealer = window != NULL ? get_widget (window, "ring_revealer") : NULL;

  return revealer != NULL && !gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)) ? data
                                                                                        : NULL;
}

static gpointer
check_banner_shown (gpointer data)
{
  GtkWindow *window = find_window (CS_TYPE_WINDOW);
  GtkWidget *revealer = window != NULL ? get_widget (window, "ring_revealer") : NULL;

  return revealer != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)) ? data
                                                                                       : NULL;
}

static char *
circle_room (void)
{
  return g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
}

/* Anna, on her own computer, starts a call in the family's circle. */
static CsBot *
anna_starts_call (void)
{
  g_autofree char *room = circle_room ();
  g_autofree char *members = NULL;
  g_autofree char *mamie = call_lab_address_of ("mamie");
  g_autofree char *anna = call_lab_address_of ("anna");
  g_autofree char *bruno = call_lab_address_of ("bruno");
  CsBot *bot;

  members = g_strdup_printf ("%s,%s,%s", mamie, anna, bruno);
  bot = call_lab_spawn_bot_again ("anna", g_getenv (ENV_NETNS_ANNA),
                                  (const char *const[]){ "--circle", room, "--members", members,
                                                         "--start-call", "--wait", "60", NULL });
  g_assert_true (cs_bot_wait_for_event (bot, "call-started", NULL, NULL, BOT_MS));
  return bot;
}

/* Bruno, on his own computer, rings her one to one. */
static CsBot *
bruno_rings (void)
{
  g_autofree char *mamie = call_lab_address_of ("mamie");

  return call_lab_spawn_bot_again ("bruno", g_getenv (ENV_NETNS_BRUNO),
                                   (const char *const[]){ "--ring", mamie, "--wait", "40", NULL });
}

static void
hang_up (CsBot *bot)
{
  cs_bot_kill (bot, SIGTERM);
  g_assert_true (cs_bot_wait_exit (bot, BOT_MS, NULL));
}

/* Saves what the notification says, for a person to read beside the screenshots. */
static void
save_notification (GVariant *notification, const char *name)
{
  const char *dir = g_getenv ("CS_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *text = g_variant_print (notification, FALSE);
  g_autoptr (GError) error = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_test_message ("Notification saved to %s: %s", path, text);
}

static gpointer
check_call_window (gpointer data)
{
  return find_window (CS_TYPE_CALL_WINDOW);
}

static gpointer
check_switch_question (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (window), "leave"))
        return window;
    }
  return NULL;
}

/* In Anna's call, Bruno rings one to one: Join asks first, one call at a time; she stays,
 * and Bruno hears she declined. */
static void
second_call_asks_first (CsApplication *app, CsCallWindow *call_window)
{
  g_autoptr (CsBot) bruno = bruno_rings ();
  g_autofree char *ring_id = wait_for_ring ();
  AdwMessageDialog *question;

  assert_ring_notification (ring_id, "Bruno Martin is calling", "Video call");
  press_notification_button (app, "answer-call", ring_id);
  question = wait_for (check_switch_question, NULL, "the question to leave Anna's call");
  g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Leave the Current Call?");
  click (find_descendant (GTK_WIDGET (question), is_button_labelled, "_Stay in the Call"));
  g_assert_true (cs_bot_wait_for_event (bruno, "declined", NULL, NULL, BOT_MS));
  g_assert_true (find_window (CS_TYPE_CALL_WINDOW) == GTK_WINDOW (call_window));
  g_assert_true (cs_bot_wait_exit (bruno, BOT_MS, NULL));
}

/* A call in her circle rings; Join takes her into it, and Anna sees and hears her. */
static void
ring_and_join (CsApplication *app, GtkWindow *window)
{
  g_autoptr (CsBot) anna = anna_starts_call ();
  g_autofree char *ring_id = wait_for_ring ();
  g_autofree char *ring_notification = g_strconcat (RING_NOTIFICATION_PREFIX, ring_id, NULL);
  GVariant *notification;
  SoundCheck sound = { get_ringer (app), 0 };
  CsCallWindow *call_window;

  notification = assert_ring_notification (ring_id, "Anna Dupont is calling", "Famille Dupont");
  save_notification (notification, "ringing-notification.txt");

  /* The window offers the same, in a banner: who, and from which circle. */
  wait_for_label (GTK_WIDGET (window), "Anna Dupont is calling · Famille Dupont");
  wait_for (check_banner_shown, window, "the ringing banner");
  g_assert_cmpstr (gtk_actionable_get_action_name (
                     GTK_ACTIONABLE (get_widget (window, "ring_join_button"))),
                   ==, "app.answer-call");
  save_screenshot (window, "ringing-banner.png");

  /* It rings, and rings again, while nobody answers. */
  g_assert_cmpuint (cs_ringer_get_sound_plays (sound.ringer), >=, 1);
  sound.plays = cs_ringer_get_sound_plays (sound.ringer);
  wait_for (check_rang_again, &sound, "the ring to sound again");

  press_notification_button (app, "answer-call", ring_id);
  call_window = CS_CALL_WINDOW (wait_for (check_call_window, NULL, "the call window"));
  test_notifications_wait_gone (notifications, ring_notification);
  wait_for (check_banner_hidden, window, "the banner to go");
  /* Anna sees and hears her: she is in the call that rang. */
  call_lab_assert_bot_decodes (anna, "mamie");
  /* The ring stopped with the answer. */
  sound.plays = cs_ringer_get_sound_plays (sound.ringer);
  g_usleep (2500 * G_TIME_SPAN_MILLISECOND);
  settle ();
  g_assert_cmpuint (cs_ringer_get_sound_plays (sound.ringer), ==, sound.plays);

  second_call_asks_first (app, call_window);
  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
  hang_up (anna);
}

/* She declines from the banner: Anna hears it, and it stops ringing. */
static void
ring_and_decline (CsApplication *app, GtkWindow *window)
{
  g_autoptr (CsBot) anna = anna_starts_call ();
  g_autofree char *ring_id = wait_for_ring ();
  g_autofree char *ring_notification = g_strconcat (RING_NOTIFICATION_PREFIX, ring_id, NULL);
  GtkWidget *decline;

  assert_ring_notification (ring_id, "Anna Dupont is calling", "Famille Dupont");
  wait_for (check_banner_shown, window, "the ringing banner");
  decline = get_widget (window, "ring_decline_button");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (decline)), ==,
                   "app.decline-call");
  click (decline);

  g_assert_true (cs_bot_wait_for_event (anna, "declined", "by", "mamie", BOT_MS));
  test_notifications_wait_gone (notifications, ring_notification);
  wait_for (check_banner_hidden, window, "the banner to go");
  g_assert_null (find_window (CS_TYPE_CALL_WINDOW));
  hang_up (anna);
}

static gpointer
check_missed_in_history (gpointer data)
{
  CsApplication *app = data;
  CsStore *store = cs_application_get_store (app);
  g_autofree char *anna_address = call_lab_address_of ("anna");
  CsContact *anna = cs_store_find_contact_by_address (store, anna_address);
  g_autoptr (GListModel) history = cs_store_list_interactions_for_contact (store, anna, 0);

  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr (CsInteraction) entry = g_list_model_get_item (history, i);

      if (cs_interaction_get_missed (entry))
        return app;
    }
  return NULL;
}

/* Nobody answers for 45 s (on the app's clock, moved by the test): a missed call. */
static void
ring_unanswered (CsApplication *app, GtkWindow *window)
{
  CsRinger *ringer = get_ringer (app);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (CsClock) clock = cs_clock_new_manual (now);
  g_autoptr (CsBot) anna = NULL;
  g_autofree char *ring_id = NULL;
  g_autofree char *ring_notification = NULL;
  g_autofree char *missed_notification = NULL;
  GVariant *missed;
  GtkWindow *editor;
  GtkWidget *row;
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  const char *text;

  cs_ringer_set_clock (ringer, clock);
  anna = anna_starts_call ();
  ring_id = wait_for_ring ();
  ring_notification = g_strconcat (RING_NOTIFICATION_PREFIX, ring_id, NULL);
  missed_notification = g_strconcat ("missed:", ring_id, NULL);

  /* 44 s: still ringing. */
  cs_clock_advance (clock, 44 * G_TIME_SPAN_SECOND);
  settle ();
  g_assert_true (cs_ringer_is_ringing (ringer, ring_id));
  g_assert_nonnull (g_hash_table_lookup (notifications->shown, ring_notification));

  cs_clock_advance (clock, 1 * G_TIME_SPAN_SECOND);
  test_notifications_wait_gone (notifications, ring_notification);
  missed = test_notifications_wait_for (notifications, missed_notification);
  g_assert_true (g_variant_lookup (missed, "title", "&s", &text));
  g_assert_cmpstr (text, ==, "Missed call");
  g_assert_true (g_variant_lookup (missed, "body", "&s", &text));
  g_assert_cmpstr (text, ==, "Anna Dupont called · Famille Dupont");
  save_notification (missed, "missed-call-notification.txt");
  wait_for (check_banner_hidden, window, "the banner to go");

  /* In Anna's history, on her page as on the circle's. */
  wait_for (check_missed_in_history, app, "the missed call in Anna's history");
  wait_for_row (get_widget (window, "timeline"), "Missed call");
  click (get_widget (window, "contacts_row"));
  click (wait_for_row (GTK_WIDGET (window), "Anna Dupont"));
  editor = wait_for_window (CS_TYPE_CONTACT_EDITOR);
  row = wait_for_row (GTK_WIDGET (editor), "Missed call");
  /* Her history is at the bottom of her page: scrolled to, as she would. */
  scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  settle ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
  settle ();
  g_test_message ("Contact page scrolled to %.0f of %.0f", gtk_adjustment_get_value (adjustment),
                  gtk_adjustment_get_upper (adjustment));
  save_screenshot (editor, "missed-call-history.png");
  gtk_window_destroy (editor);
  wait_for_window_gone (CS_TYPE_CONTACT_EDITOR);
  hang_up (anna);
}

/* Bruno, a contact, rings her one to one; she declines, and he is told. */
static void
one_to_one_declined (CsApplication *app, GtkWindow *window)
{
  g_autoptr (CsBot) bruno = bruno_rings ();
  g_autofree char *ring_id = wait_for_ring ();
  int status = 0;

  assert_ring_notification (ring_id, "Bruno Martin is calling", "Video call");
  wait_for_label (GTK_WIDGET (window), "Bruno Martin is calling · Video call");
  press_notification_button (app, "decline-call", ring_id);
  g_assert_true (cs_bot_wait_for_event (bruno, "declined", NULL, NULL, BOT_MS));
  /* His call ends there, not answered. */
  g_assert_true (cs_bot_wait_exit (bruno, BOT_MS, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (cs_bot_find_event (bruno, "error", "reason", "not-answered"));
  g_assert_null (find_window (CS_TYPE_CALL_WINDOW));
}

typedef struct
{
  char *id;
  CsRingEnd why;
} RingStop;

static void
on_ring_stopped (CsRinger *ringer, const char *id, int why, RingStop *stop)
{
  g_free (stop->id);
  stop->id = g_strdup (id);
  stop->why = why;
}

static gpointer
check_ring_stopped (gpointer data)
{
  RingStop *stop = data;

  return stop->id != NULL ? data : NULL;
}

/* Mamie's other computer (a bot signed in as her) answers Bruno first: here it stops ringing,
 * with no missed call. */
static void
one_to_one_answered_elsewhere (CsApplication *app)
{
  g_autofree char *bruno_address = call_lab_address_of ("bruno");
  g_autoptr (CsBot) other_device = NULL;
  g_autoptr (CsBot) bruno = NULL;
  g_autofree char *missed_id = NULL;
  RingStop stop = { NULL, 0 };
  gulong handler;

  other_device = call_lab_spawn_bot_again ("mamie", g_getenv (ENV_NETNS_ANNA),
                                           (const char *const[]){
                                             "--password", "tricot du dimanche", "--answer",
                                             "--members", bruno_address, "--wait", "40", NULL });
  g_assert_true (cs_bot_wait_for_event (other_device, "waiting-for-call", NULL, NULL, BOT_MS));
  handler = g_signal_connect (get_ringer (app), "stopped", G_CALLBACK (on_ring_stopped), &stop);

  bruno = bruno_rings ();
  g_assert_true (cs_bot_wait_for_event (other_device, "joined", NULL, NULL, BOT_MS));
  wait_for (check_ring_stopped, &stop, "the ring to stop, answered elsewhere");
  g_assert_cmpint (stop.why, ==, CS_RING_ANSWERED_ELSEWHERE);
  missed_id = g_strconcat ("missed:", stop.id, NULL);
  settle ();
  g_assert_null (g_hash_table_lookup (notifications->shown, missed_id));
  g_assert_cmpuint (count_shown (RING_NOTIFICATION_PREFIX), ==, 0);
  g_assert_null (find_window (CS_TYPE_CALL_WINDOW));

  g_signal_handler_disconnect (get_ringer (app), handler);
  g_free (stop.id);
  hang_up (bruno);
  hang_up (other_device);
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gpointer
check_flag (gpointer data)
{
  return *(gboolean *) data ? data : NULL;
}

static guint
count_missed_from_anna (CsApplication *app)
{
  CsStore *store = cs_application_get_store (app);
  g_autofree char *anna_address = call_lab_address_of ("anna");
  CsContact *anna = cs_store_find_contact_by_address (store, anna_address);
  g_autoptr (GListModel) history = cs_store_list_interactions_for_contact (store, anna, 0);
  guint missed = 0;

  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr (CsInteraction) entry = g_list_model_get_item (history, i);

      missed += cs_interaction_get_missed (entry);
    }
  return missed;
}

/* Anna calls the circle; Mamie's other computer (a bot signed in as her, from another
 * resource) joins the call first: here it stops ringing, with no missed call, now or when the
 * call ends. */
static void
circle_answered_elsewhere (CsApplication *app, GtkWindow *window)
{
  CsRinger *ringer = get_ringer (app);
  g_autofree char *room = circle_room ();
  g_autofree char *mamie = call_lab_address_of ("mamie");
  g_autofree char *anna_address = call_lab_address_of ("anna");
  g_autofree char *bruno_address = call_lab_address_of ("bruno");
  g_autofree char *members = g_strdup_printf ("%s,%s,%s", mamie, anna_address, bruno_address);
  g_autoptr (CsBot) anna = NULL;
  g_autoptr (CsBot) other_device = NULL;
  g_autofree char *ring_id = NULL;
  g_autofree char *ring_notification = NULL;
  g_autofree char *missed_notification = NULL;
  guint missed_before = count_missed_from_anna (app);
  RingStop stop = { NULL, 0 };
  gboolean waited = FALSE;
  guint plays;
  gulong handler;

  handler = g_signal_connect (ringer, "stopped", G_CALLBACK (on_ring_stopped), &stop);
  anna = anna_starts_call ();
  ring_id = wait_for_ring ();
  ring_notification = g_strconcat (RING_NOTIFICATION_PREFIX, ring_id, NULL);
  missed_notification = g_strconcat ("missed:", ring_id, NULL);
  assert_ring_notification (ring_id, "Anna Dupont is calling", "Famille Dupont");
  wait_for (check_banner_shown, window, "the ringing banner");
  g_assert_null (stop.id);

  /* Without --start-call, the bot joins the call going on in the circle. */
  other_device = call_lab_spawn_bot_again ("mamie", g_getenv (ENV_NETNS_BRUNO),
                                           (const char *const[]){
                                             "--password", "tricot du dimanche", "--circle", room,
                                             "--members", members, "--wait", "40", NULL });
  g_assert_true (cs_bot_wait_for_event (other_device, "joined", NULL, NULL, BOT_MS));
  wait_for (check_ring_stopped, &stop, "the ring to stop, answered on her other computer");
  g_assert_cmpstr (stop.id, ==, ring_id);
  g_assert_cmpint (stop.why, ==, CS_RING_ANSWERED_ELSEWHERE);
  g_assert_false (cs_ringer_is_ringing (ringer, ring_id));
  test_notifications_wait_gone (notifications, ring_notification);
  wait_for (check_banner_hidden, window, "the banner to go");
  g_assert_null (find_window (CS_TYPE_CALL_WINDOW));
  save_screenshot (window, "circle-answered-elsewhere.png");

  /* The sound stopped too. */
  plays = cs_ringer_get_sound_plays (ringer);
  g_usleep (2500 * G_TIME_SPAN_MILLISECOND);
  settle ();
  g_assert_cmpuint (cs_ringer_get_sound_plays (ringer), ==, plays);

  /* Nothing missed, neither now nor once the call is over. */
  g_assert_null (g_hash_table_lookup (notifications->shown, missed_notification));
  g_assert_cmpuint (count_missed_from_anna (app), ==, missed_before);
  hang_up (other_device);
  hang_up (anna);
  /* The room tells the app the call is over within a moment; a ring still going would end
   * there as missed. */
  g_timeout_add_once (3000, set_flag, &waited);
  wait_for (check_flag, &waited, "the end of the call to reach the app");
  g_assert_null (g_hash_table_lookup (notifications->shown, missed_notification));
  g_assert_cmpuint (count_shown (RING_NOTIFICATION_PREFIX), ==, 0);
  g_assert_cmpuint (count_missed_from_anna (app), ==, missed_before);

  g_signal_handler_disconnect (ringer, handler);
  g_free (stop.id);
}

/* Zoé is nobody she knows: her call does not ring. */
static void
stranger_does_not_ring (CsApplication *app)
{
  g_autofree char *mamie = call_lab_address_of ("mamie");
  g_autoptr (CsBot) zoe = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsBot) registration = NULL;
  int status = 0;

  /* Her account first (a bot that only registers and gives up waiting). */
  registration = call_lab_spawn_bot_again ("zoe", g_getenv (ENV_NETNS_ANNA),
                                           (const char *const[]){ "--register", "--answer",
                                                                  "--wait", "1", NULL });
  g_assert_true (cs_bot_wait_exit (registration, BOT_MS, NULL));

  zoe = call_lab_spawn_bot_again ("zoe", g_getenv (ENV_NETNS_ANNA),
                                  (const char *const[]){ "--ring", mamie, "--wait", "8", NULL });
  g_assert_true (cs_bot_wait_for_event (zoe, "ice-servers", NULL, NULL, BOT_MS));
  /* Her call rings out unanswered; Mamie's app never rang, nor told Zoé it rang. */
  g_assert_true (cs_bot_wait_exit (zoe, BOT_MS, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_null (cs_bot_find_event (zoe, "ringing", NULL, NULL));
  g_assert_cmpuint (count_shown (RING_NOTIFICATION_PREFIX), ==, 0);
  g_assert_null (cs_ringer_get_latest (get_ringer (app)));
}

static gpointer
check_no_main_window (gpointer data)
{
  return find_window (CS_TYPE_WINDOW) == NULL ? data : NULL;
}

/* Her main window closed (the app stays up by itself while she is signed in), a call still
 * rings, and Join opens only the call window. */
static void
ring_with_window_closed (CsApplication *app, GtkWindow *window)
{
  g_autoptr (CsBot) anna = NULL;
  g_autofree char *ring_id = NULL;
  CsCallWindow *call_window;

  g_assert_true (cs_background_get_held (cs_application_get_background (app)));
  gtk_window_destroy (window);
  wait_for (check_no_main_window, app, "the main window to close");

  anna = anna_starts_call ();
  ring_id = wait_for_ring ();
  assert_ring_notification (ring_id, "Anna Dupont is calling", "Famille Dupont");
  g_assert_cmpuint (cs_ringer_get_sound_plays (get_ringer (app)), >=, 1);
  press_notification_button (app, "answer-call", ring_id);
  call_window = CS_CALL_WINDOW (wait_for (check_call_window, NULL, "the call window"));
  g_assert_null (find_window (CS_TYPE_WINDOW));
  call_lab_assert_bot_decodes (anna, "mamie");
  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
  hang_up (anna);
}

static void
ring_calls (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  g_autoptr (CsBot) anna = NULL;
  g_autoptr (CsBot) bruno = NULL;

  /* She joins the family's circle while a call goes on there: that call, read from the
   * room's history, does not ring. */
  call_lab_join_circle (app, &anna, &bruno);
  g_assert_null (cs_ringer_get_latest (get_ringer (app)));
  g_assert_cmpuint (count_shown (RING_NOTIFICATION_PREFIX), ==, 0);
  hang_up (anna);
  hang_up (bruno);

  ring_and_join (app, window);
  ring_and_decline (app, window);
  ring_unanswered (app, window);
  one_to_one_declined (app, window);
  one_to_one_answered_elsewhere (app);
  circle_answered_elsewhere (app, window);
  stranger_does_not_ring (app);
  ring_with_window_closed (app, window);
  /* The script ends with app.quit, from the menu: it quits although the app holds itself. */
}

/* See test-call-ui.c: libnice's warning about relays it was not told to close. */
static gboolean
on_fatal_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  return !(g_strcmp0 (domain, "libnice") == 0 && strstr (message, "alive TURN refreshes") != NULL);
}

static void
test_calls (void)
{
  CallLab lab = { 0 };

  if (!cs_lab_require_for_test ())
    return;
  call_lab_start (&lab);
  call_lab_run_app (&lab, "/ui/ringing/in-lab");
  call_lab_stop (&lab);
}

static void
test_in_lab (void)
{
  if (g_getenv (ENV_SERVER) == NULL)
    {
      g_test_skip ("Run by /ui/ringing/calls inside the lab");
      return;
    }
  g_setenv ("COUSINADE_CA_FILE", g_getenv (ENV_CA), TRUE);
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  g_test_log_set_fatal_handler (on_fatal_log, NULL);
  notifications = test_notifications_start ();
  run_app (ring_calls);
  g_clear_pointer (&notifications, test_notifications_free);
}

/* Staying reachable. */

static GApplication *
new_background_app (void)
{
  GApplication *app =
    g_application_new ("io.github.cousinade.Cousinade.BackgroundTest", G_APPLICATION_NON_UNIQUE);

  g_assert_true (g_application_register (app, NULL, NULL));
  return app;
}

/* Outside a sandbox, the "start in the background" switch writes and removes the autostart
 * file, which starts the app with no window. */
static void
test_autostart (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GApplication) app = new_background_app ();
  g_autofree char *path = cs_background_dup_autostart_path ();
  g_autofree char *expected =
    g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
  g_autoptr (GKeyFile) entry = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;
  CsBackground *background;

  g_assert_cmpstr (path, ==, expected);
  g_settings_set_boolean (settings, "start-in-background", FALSE);
  settle ();
  background = cs_background_new (app, settings);
  cs_background_set_sandboxed (background, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_settings_set_boolean (settings, "start-in-background", TRUE);
  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec =
    g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "cousinade --background");

  g_settings_set_boolean (settings, "start-in-background", FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Signed in, the app holds itself; signed out, it lets go. */
  g_assert_false (cs_background_get_held (background));
  cs_background_set_signed_in (background, TRUE);
  g_assert_true (cs_background_get_held (background));
  cs_background_set_signed_in (background, FALSE);
  g_assert_false (cs_background_get_held (background));
  g_assert_finalize_object (background);
}

static gpointer
check_permission (gpointer data)
{
  CsBackground *background = data;

  return cs_background_get_permission (background) != CS_BACKGROUND_NOT_ASKED ? data : NULL;
}

/* In a sandbox: asked when she signs in; a refusal (here: no portal answers on this private
 * bus) turns "start in the background" off and says why; an answer granting it is kept. */
static void
test_portal (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GApplication) app = new_background_app ();
  g_autofree char *path = cs_background_dup_autostart_path ();
  CsBackground *background;

  g_settings_set_boolean (settings, "start-in-background", FALSE);
  settle ();
  background = cs_background_new (app, settings);
  cs_background_set_sandboxed (background, TRUE);
  /* In a sandbox the portal starts the app at login: no file of its own. */
  g_settings_set_boolean (settings, "start-in-background", TRUE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cs_background_get_permission (background), ==, CS_BACKGROUND_NOT_ASKED);
  g_assert_null (cs_background_get_problem (background));

  cs_background_set_signed_in (background, TRUE);
  wait_for (check_permission, background, "the portal's answer");
  g_assert_cmpint (cs_background_get_permission (background), ==, CS_BACKGROUND_REFUSED);
  g_assert_nonnull (cs_background_get_problem (background));
  g_assert_false (g_settings_get_boolean (settings, "start-in-background"));

  /* The portal's own answers: granted, then refused by the user. */
  cs_background_portal_answered (background, TRUE, NULL);
  g_assert_cmpint (cs_background_get_permission (background), ==, CS_BACKGROUND_ALLOWED);
  g_assert_null (cs_background_get_problem (background));
  {
    g_autoptr (GError) refused =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Background request denied");

    g_settings_set_boolean (settings, "start-in-background", TRUE);
    cs_background_portal_answered (background, FALSE, refused);
  }
  g_assert_cmpint (cs_background_get_permission (background), ==, CS_BACKGROUND_REFUSED);
  g_assert_false (g_settings_get_boolean (settings, "start-in-background"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  cs_background_set_signed_in (background, FALSE);
  g_assert_finalize_object (background);
}

typedef struct
{
  CsFakePortal *portal;
  guint calls;
} PortalCalls;

static gpointer
check_portal_called (gpointer data)
{
  PortalCalls *check = data;

  return cs_fake_portal_count_calls (check->portal, "RequestBackground") >= check->calls ? data
                                                                                         : NULL;
}

static gpointer
check_refused (gpointer data)
{
  return cs_background_get_permission (data) == CS_BACKGROUND_REFUSED ? data : NULL;
}

static gboolean
last_autostart (CsFakePortal *portal)
{
  g_autoptr (GVariant) options = cs_fake_portal_dup_last_options (portal, "RequestBackground");
  gboolean autostart = FALSE;

  g_assert_nonnull (options);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &autostart));
  return autostart;
}

/* In a sandbox, against a portal on the private bus: asked once (for reminders or calls),
 * with autostart as the setting says and a command line that starts with no window; asked
 * again when the setting moves; a refusal turns the setting off and says why. */
static void
test_fake_portal (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GApplication) app = new_background_app ();
  CsFakePortal *portal = cs_fake_portal_start ();
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GVariant) commandline = NULL;
  PortalCalls check = { portal, 1 };
  CsBackground *background;

  g_settings_set_boolean (settings, "start-in-background", TRUE);
  /* A change of a setting may be told on the next iteration: told before we listen. */
  settle ();
  background = cs_background_new (app, settings);
  cs_background_set_sandboxed (background, TRUE);
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "RequestBackground"), ==, 0);

  /* Reminders ahead ask (the app holds itself for them); asking again changes nothing. */
  cs_background_ask (background);
  cs_background_ask (background);
  wait_for (check_permission, background, "the portal's answer");
  g_assert_cmpint (cs_background_get_permission (background), ==, CS_BACKGROUND_ALLOWED);
  g_assert_null (cs_background_get_problem (background));
  /* Signing in holds the app; the portal has answered already. */
  cs_background_set_signed_in (background, TRUE);
  g_assert_true (cs_background_get_held (background));
  settle ();
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "RequestBackground"), ==, 1);
  g_assert_true (last_autostart (portal));
  options = cs_fake_portal_dup_last_options (portal, "RequestBackground");
  commandline = g_variant_lookup_value (options, "commandline", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_nonnull (commandline);
  {
    g_autofree const char **argv = g_variant_get_strv (commandline, NULL);

    g_assert_cmpstr (argv[0], ==, "cousinade");
    g_assert_cmpstr (argv[1], ==, "--background");
  }

  /* She turns "start in the background" off: asked again, without autostart. */
  g_settings_set_boolean (settings, "start-in-background", FALSE);
  check.calls = 2;
  wait_for (check_portal_called, &check, "the second request");
  settle ();
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "RequestBackground"), ==, 2);
  g_assert_false (last_autostart (portal));

  /* The system refuses: the switch goes back off, and the app says why. */
  cs_fake_portal_set_background (portal, CS_FAKE_PORTAL_DENY, FALSE, FALSE);
  g_settings_set_boolean (settings, "start-in-background", TRUE);
  check.calls = 3;
  wait_for (check_portal_called, &check, "the third request");
  g_assert_true (last_autostart (portal));
  wait_for (check_refused, background, "the portal's refusal");
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "RequestBackground"), ==, 3);
  g_assert_nonnull (cs_background_get_problem (background));
  g_assert_false (g_settings_get_boolean (settings, "start-in-background"));

  cs_background_set_signed_in (background, FALSE);
  g_assert_finalize_object (background);
  cs_fake_portal_free (portal);
}

static gpointer
check_file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS) ? data : NULL;
}

static gpointer
check_file_gone (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS) ? NULL : data;
}

/* Her switch in Preferences: on, the app starts at login with no window; off, it does not. */
static void
switch_in_preferences (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  g_autofree char *path = cs_background_dup_autostart_path ();
  g_autoptr (GKeyFile) entry = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;
  GtkWindow *preferences;
  GtkWidget *toggle;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-preferences", NULL);
  preferences = wait_for_window (CS_TYPE_PREFERENCES_WINDOW);
  toggle = get_widget (preferences, "background_switch");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  click (toggle);
  wait_for (check_file_exists, path, "the autostart file");
  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec =
    g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_cmpstr (exec, ==, "cousinade --background");
  save_screenshot (preferences, "background-preference.png");

  click (toggle);
  wait_for (check_file_gone, path, "the autostart file to go");
  gtk_window_destroy (preferences);
}

static void
test_preferences_switch (void)
{
  run_app (switch_in_preferences);
}

static gboolean
on_too_long (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* What the autostart file runs: with no account to receive calls on, the app started in the
 * background opens no window and does not stay. */
static void
test_start_hidden (void)
{
  const char *argv[] = { CS_APP_PATH, "--background", NULL };
  g_autoptr (GSubprocess) app = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) timeout = g_cancellable_new ();
  guint timeout_id;

  app = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  timeout_id = g_timeout_add_seconds (20, on_too_long, timeout);
  g_subprocess_wait (app, timeout, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_subprocess_force_exit (app);
      g_error ("cousinade --background with no account was still running after 20 s");
    }
  g_assert_no_error (error);
  g_source_remove (timeout_id);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/ringing/calls", test_calls);
  g_test_add_func ("/ui/ringing/in-lab", test_in_lab);
  g_test_add_func ("/ui/background/autostart", test_autostart);
  g_test_add_func ("/ui/background/portal", test_portal);
  g_test_add_func ("/ui/background/fake-portal", test_fake_portal);
  g_test_add_func ("/ui/background/preferences", test_preferences_switch);
  g_test_add_func ("/ui/background/start-hidden", test_start_hidden);

  return g_test_run ();
}
