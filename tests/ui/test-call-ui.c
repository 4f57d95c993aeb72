/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-call-ui"

#include "config.h"

#include "cs-account-dialog.h"
#include "cs-bot-runner.h"
#include "cs-call-tile.h"
#include "cs-call-window.h"
#include "cs-lab-helper.h"
#include "cs-lab.h"
#include "cs-test-server.h"
#include "cs-test-turn.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#include <signal.h>

/*
 * A family call in the real app: Prosody and coturn in the lab namespace, two cousinade-bot
 * (Anna and Bruno) in namespaces of their own start a call in their circle, and the app, signed
 * in as Mamie, runs with its own Xvfb and private D-Bus session in a third namespace. She opens
 * the circle's invite link, presses the circle page's Join, and sees and hears them.
 *
 * /ui/call/join-from-circle runs as root: it builds the lab, starts the servers, and runs this
 * program again as /ui/call/in-lab inside the app's namespace (under ui-session.sh), with what
 * it needs to know in the environment. /ui/call/in-lab does everything a person would see.
 */

#define TURN_PORT 3478
#define FPS 15
#define BOT_MS 40000
/* The bar: two remote tiles with moving pictures within 10 s of pressing Join. */
#define JOIN_TO_PICTURES_US (10 * G_USEC_PER_SEC)
#define MIN_FRAMES 30

#define ENV_SERVER "CS_CALL_UI_SERVER"
#define ENV_DOMAIN "CS_CALL_UI_DOMAIN"
#define ENV_MUC "CS_CALL_UI_MUC"
#define ENV_CA "CS_CALL_UI_CA"
#define ENV_NETNS_ANNA "CS_CALL_UI_NETNS_ANNA"
#define ENV_NETNS_BRUNO "CS_CALL_UI_NETNS_BRUNO"

/* The parent: the lab and its servers. */

typedef struct
{
  CsLab *lab;
  CsTestServer *server;
  CsTestTurn *turn;
} Lab;

static void
lab_start (Lab *lab)
{
  g_autoptr (GError) error = NULL;
  CsTestServerOptions server_options = { .allow_registration = TRUE };
  CsTestTurnOptions turn_options = { 0 };
  g_autofree char *server_address = NULL;

  lab->lab = cs_lab_new (3, &error);
  g_assert_no_error (error);
  cs_lab_enter_servers (lab->lab, &error);
  g_assert_no_error (error);

  turn_options.address = cs_lab_get_address (lab->lab, CS_LAB_SERVERS);
  turn_options.port = TURN_PORT;
  lab->turn = cs_test_turn_start (&turn_options, &error);
  g_assert_no_error (error);
  server_options.address = cs_lab_get_address (lab->lab, CS_LAB_SERVERS);
  server_options.turn_host = cs_test_turn_get_address (lab->turn);
  server_options.turn_port = cs_test_turn_get_port (lab->turn);
  server_options.turn_secret = cs_test_turn_get_secret (lab->turn);
  lab->server = cs_test_server_start (&server_options, &error);
  g_assert_no_error (error);

  server_address = g_strdup_printf ("%s:%u", cs_test_server_get_host (lab->server),
                                    cs_test_server_get_port (lab->server));
  g_setenv (ENV_SERVER, server_address, TRUE);
  g_setenv (ENV_DOMAIN, cs_test_server_get_domain (lab->server), TRUE);
  g_setenv (ENV_MUC, cs_test_server_get_muc_domain (lab->server), TRUE);
  g_setenv (ENV_CA, cs_test_server_get_ca_file (lab->server), TRUE);
  g_setenv (ENV_NETNS_ANNA, cs_lab_get_netns (lab->lab, 0), TRUE);
  g_setenv (ENV_NETNS_BRUNO, cs_lab_get_netns (lab->lab, 1), TRUE);
}

/* Runs this program again as @path in the app's namespace under ui-session.sh, until it ends. */
static void
lab_run_app (Lab *lab, const char *path)
{
  const char *session = g_getenv ("CS_UI_SESSION");
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  CsLabHelper *app;
  char *line;

  g_assert_nonnull (session);
  app = cs_lab_helper_start (lab->lab, 2,
                             (const char *const[]){ session, self_path, "-p", path, NULL });
  while ((line = cs_lab_helper_read_line (app)) != NULL)
    {
      g_test_message ("app: %s", line);
      g_free (line);
    }
  cs_lab_helper_finish (app);
}

static void
lab_stop (Lab *lab)
{
  g_clear_pointer (&lab->server, cs_test_server_free);
  g_clear_pointer (&lab->turn, cs_test_turn_free);
  g_clear_pointer (&lab->lab, cs_lab_free);
}

static void
test_join_from_circle (void)
{
  Lab lab = { 0 };

  if (!cs_lab_require_for_test ())
    return;
  lab_start (&lab);
  lab_run_app (&lab, "/ui/call/in-lab");
  lab_stop (&lab);
}

/* The child: the app in its namespace, and the bots it calls. */

static char *
address_of (const char *name)
{
  return g_strdup_printf ("%s@%s", name, g_getenv (ENV_DOMAIN));
}

static CsBot *
spawn_bot (const char *name, const char *netns, gboolean first)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *address = address_of (name);
  g_autofree char *circle = g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
  g_autofree char *mamie = address_of ("mamie");
  g_autofree char *anna = address_of ("anna");
  g_autofree char *bruno = address_of ("bruno");
  g_autofree char *members = g_strjoin (",", mamie, anna, bruno, NULL);
  g_autofree char *fps = g_strdup_printf ("%d", FPS);
  g_autofree char *display = g_strdup_printf ("%c%s", g_ascii_toupper (name[0]), name + 1);
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  /* The bot is judged on what it decodes; a webrtcbin critical under load must not kill it. */
  g_strv_builder_add_many (builder, "ip", "netns", "exec", netns, "env", "G_DEBUG=gc-friendly",
                           CS_BOT_PATH, "--xmpp", address, "--password", "pain-d-epices",
                           "--register", "--server", g_getenv (ENV_SERVER), "--ca-file",
                           g_getenv (ENV_CA), "--id", name, "--name", display, "--fps", fps,
                           "--circle", circle, "--members", members, NULL);
  if (first)
    g_strv_builder_add_many (builder, "--create-circle", "Famille Dupont", "--start-call", NULL);
  argv = g_strv_builder_end (builder);
  bot = cs_bot_spawn (NULL, 0, name, (const char *const *) argv, &error);
  g_assert_no_error (error);
  return bot;
}

static void
add_contact (CsStore *store, const char *name, const char *address)
{
  g_autoptr (CsContact) draft = cs_contact_new ();
  g_autoptr (GError) error = NULL;

  cs_contact_set_name (draft, name);
  cs_contact_set_xmpp_address (draft, address);
  g_assert_nonnull (cs_store_save_contact (store, draft, &error));
  g_assert_no_error (error);
}

static gpointer
check_online (gpointer data)
{
  GtkWindow *window = data;
  g_autofree char *expected = NULL;
  g_autofree char *mamie = address_of ("mamie");

  expected = g_strdup_printf ("Online as %s", mamie);
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))),
                    expected) == 0
           ? window
           : NULL;
}

/* Mamie's account, made through the account dialog as she (or her grandson) would. */
static void
sign_up (GtkWindow *window)
{
  g_autofree char *mamie = address_of ("mamie");
  GtkWindow *dialog;

  click (get_widget (window, "account_button"));
  dialog = wait_for_window (CS_TYPE_ACCOUNT_DIALOG);
  click (get_widget (dialog, "create_account_button"));
  type_text (get_widget (dialog, "address_row"), mamie);
  type_text (get_widget (dialog, "password_row"), "tricot du dimanche");
  type_text (get_widget (dialog, "confirm_row"), "tricot du dimanche");
  type_text (get_widget (dialog, "server_row"), g_getenv (ENV_SERVER));
  click (get_widget (dialog, "submit_button"));
  wait_for (check_online, window, "Mamie to be online");
}

static gpointer
check_join_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (window), "join"))
        return window;
    }
  return NULL;
}

typedef struct
{
  CsCallWindow *window;
  const char *peer;
  const char *name;
} TileCheck;

/* The tile of @peer, named as Mamie's contacts name them, with at least MIN_FRAMES shown. */
static gpointer
check_tile_moving (gpointer data)
{
  TileCheck *check = data;
  GtkWidget *tile = cs_call_window_get_tile (check->window, check->peer);
  CsVideoPaintable *paintable;

  if (tile == NULL || g_strcmp0 (cs_call_tile_get_name (CS_CALL_TILE (tile)), check->name) != 0)
    return NULL;
  paintable = cs_call_window_get_paintable (check->window, check->peer);
  return cs_video_paintable_get_frames_shown (paintable) >= MIN_FRAMES ? tile : NULL;
}

static gpointer
check_camera_off (gpointer data)
{
  TileCheck *check = data;
  GtkWidget *tile = cs_call_window_get_tile (check->window, check->peer);

  return tile != NULL && cs_call_tile_get_camera_off (CS_CALL_TILE (tile)) ? tile : NULL;
}

static gpointer
check_tile_gone (gpointer data)
{
  TileCheck *check = data;

  return cs_call_window_get_tile (check->window, check->peer) == NULL ? check : NULL;
}

/* The latest statistics @bot printed about @peer say @member is TRUE, within BOT_MS. */
static void
wait_bot_sees (CsBot *bot, const char *peer, const char *member)
{
  gint64 until = g_get_monotonic_time () + BOT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      JsonObject *stats = cs_bot_find_event (bot, "stats", "peer", peer);

      if (stats != NULL && json_object_get_boolean_member (stats, member))
        return;
      g_main_context_iteration (NULL, TRUE);
    }
  g_error ("%s never saw %s %s", cs_bot_get_name (bot), peer, member);
}

static void
assert_bot_decodes (CsBot *bot, const char *peer)
{
  gint64 until = g_get_monotonic_time () + BOT_MS * G_TIME_SPAN_MILLISECOND;
  JsonObject *stats = NULL;

  if (!cs_bot_wait_for_event (bot, "first-frame", "peer", peer, BOT_MS))
    g_error ("%s never decoded a picture from %s", cs_bot_get_name (bot), peer);
  /* Sound too: the decoded audio's length grows. */
  while (g_get_monotonic_time () < until)
    {
      stats = cs_bot_find_event (bot, "stats", "peer", peer);
      if (stats != NULL && json_object_get_int_member (stats, "audio_ms") > 1000 &&
          json_object_get_int_member (stats, "frames_decoded") > MIN_FRAMES)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (stats);
  g_test_message ("%s decoded %" G_GINT64_FORMAT " frames and %" G_GINT64_FORMAT
                  " ms of sound from %s",
                  cs_bot_get_name (bot), json_object_get_int_member (stats, "frames_decoded"),
                  json_object_get_int_member (stats, "audio_ms"), peer);
  g_assert_cmpint (json_object_get_int_member (stats, "audio_ms"), >, 1000);
  g_assert_cmpint (json_object_get_int_member (stats, "frames_decoded"), >, MIN_FRAMES);
}

static CsBot *demo_anna;
static CsBot *demo_bruno;

/* Mamie's side before the call: her contacts, her account, Anna and Bruno calling in their
 * circle, and the circle joined from the invite link. */
static void
join_circle (CsApplication *app, CsBot **anna, CsBot **bruno)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  CsStore *store = cs_application_get_store (app);
  g_autofree char *anna_address = address_of ("anna");
  g_autofree char *bruno_address = address_of ("bruno");
  g_autofree char *room = g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
  g_autofree char *uri = g_strdup_printf ("xmpp:%s?join", room);
  g_autoptr (GFile) link = g_file_new_for_uri (uri);
  AdwMessageDialog *dialog;

  /* Her contacts, as she knows them. */
  add_contact (store, "Anna Dupont", anna_address);
  add_contact (store, "Bruno Martin", bruno_address);
  sign_up (window);
  g_print ("signed in\n");

  /* Anna makes the family's circle and starts a call in it; Bruno joins. */
  *anna = spawn_bot ("anna", g_getenv (ENV_NETNS_ANNA), TRUE);
  g_assert_true (cs_bot_wait_for_event (*anna, "call-started", NULL, NULL, BOT_MS));
  *bruno = spawn_bot ("bruno", g_getenv (ENV_NETNS_BRUNO), FALSE);
  g_assert_true (cs_bot_wait_for_event (*bruno, "first-frame", "peer", "anna", BOT_MS));

  /* Her grandson's link: she opens it and says yes. */
  g_application_open (G_APPLICATION (app), &link, 1, "");
  dialog = wait_for (check_join_dialog, NULL, "the question to join the circle");
  adw_message_dialog_response (dialog, "join");
  wait_for_row (GTK_WIDGET (window), "A call is going on");
}

static void
demo_family (CsApplication *app)
{
  join_circle (app, &demo_anna, &demo_bruno);
  g_print ("The call is going on: press “Join the Call”.\n");
}

static void
call_family (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  CsStore *store = cs_application_get_store (app);
  g_autofree char *room = g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
  g_autoptr (CsBot) anna = NULL;
  g_autoptr (CsBot) bruno = NULL;
  g_autoptr (GListModel) history = NULL;
  g_autoptr (CsInteraction) call = NULL;
  CsCallWindow *call_window;
  CsCircle *circle;
  TileCheck anna_tile, bruno_tile;
  gint64 pressed;
  gint64 pictures;
  gsize n_participants = 0;

  join_circle (app, &anna, &bruno);
  save_screenshot (window, "call-going-on.png");

  pressed = g_get_monotonic_time ();
  click (get_widget (window, "call_button"));
  call_window = CS_CALL_WINDOW (wait_for_window (CS_TYPE_CALL_WINDOW));
  anna_tile = (TileCheck){ call_window, "anna", "Anna Dupont" };
  bruno_tile = (TileCheck){ call_window, "bruno", "Bruno Martin" };
  wait_for (check_tile_moving, &anna_tile, "Anna's picture");
  wait_for (check_tile_moving, &bruno_tile, "Bruno's picture");
  pictures = g_get_monotonic_time ();
  g_print ("join-to-pictures-ms %" G_GINT64_FORMAT "\n", (pictures - pressed) / 1000);
  g_assert_cmpint (pictures - pressed, <=, JOIN_TO_PICTURES_US);

  /* They see and hear her. */
  assert_bot_decodes (anna, "mamie");
  assert_bot_decodes (bruno, "mamie");
  save_screenshot (GTK_WINDOW (call_window), "call-3.png");

  /* Her microphone off: they see her muted. */
  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.toggle-microphone", NULL);
  g_assert_true (cs_call_get_muted (cs_call_window_get_call (call_window)));
  wait_bot_sees (anna, "mamie", "muted");
  wait_bot_sees (bruno, "mamie", "muted");

  /* Anna's camera off: her tile shows her initials instead of a frozen picture. */
  cs_bot_kill (anna, SIGUSR1);
  wait_for (check_camera_off, &anna_tile, "Anna's camera to be off");
  save_screenshot (GTK_WINDOW (call_window), "call-camera-off.png");

  /* A small laptop's window. */
  gtk_window_unmaximize (GTK_WINDOW (call_window));
  gtk_window_set_default_size (GTK_WINDOW (call_window), 360, 640);
  settle ();
  save_screenshot (GTK_WINDOW (call_window), "call-narrow.png");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (call_window)), <=, 400);

  /* Bruno leaves: his tile goes. */
  cs_bot_kill (bruno, SIGTERM);
  wait_for (check_tile_gone, &bruno_tile, "Bruno's tile to go");
  g_assert_nonnull (cs_call_window_get_tile (call_window, "anna"));

  /* She leaves: the window closes and the history holds the call, with both of them. */
  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
  circle = cs_circle_rooms_find_circle (cs_application_get_rooms (app), room);
  g_assert_nonnull (circle);
  history = cs_store_list_interactions_for_circle (store, circle, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  call = g_list_model_get_item (history, 0);
  g_assert_cmpint (cs_interaction_get_kind (call), ==, CS_INTERACTION_KIND_CALL);
  cs_interaction_get_participants (call, &n_participants);
  /* Anna and Bruno; Mamie herself is the history's owner. */
  g_assert_cmpuint (n_participants, ==, 2);
  g_assert_cmpuint (cs_interaction_get_duration_seconds (call), >, 0);
}

static void
test_in_lab (void)
{
  if (g_getenv (ENV_SERVER) == NULL)
    {
      g_test_skip ("Run by /ui/call/join-from-circle inside the lab");
      return;
    }
  g_setenv ("COUSINADE_CA_FILE", g_getenv (ENV_CA), TRUE);
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  run_app (call_family);
}

/* build-aux/dev.sh demo: the same family, and the app left to the person who runs it. */
static void
test_demo (void)
{
  Lab lab = { 0 };

  if (!cs_lab_require_for_test ())
    return;
  lab_start (&lab);
  g_setenv ("CS_UI_SESSION_DISPLAY", "keep", TRUE);
  lab_run_app (&lab, "/ui/call/demo-app");
  lab_stop (&lab);
}

static void
test_demo_app (void)
{
  if (g_getenv (ENV_SERVER) == NULL)
    {
      g_test_skip ("Run by /ui/call/demo inside the lab");
      return;
    }
  g_setenv ("COUSINADE_CA_FILE", g_getenv (ENV_CA), TRUE);
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  run_app_and_stay (demo_family);
  g_clear_object (&demo_anna);
  g_clear_object (&demo_bruno);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/call/join-from-circle", test_join_from_circle);
  g_test_add_func ("/ui/call/in-lab", test_in_lab);
  g_test_add_func ("/ui/call/demo", test_demo);
  g_test_add_func ("/ui/call/demo-app", test_demo_app);

  return g_test_run ();
}
