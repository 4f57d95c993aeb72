/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-lab"

#include "config.h"

#include "cs-call-lab.h"
#include "cs-account-dialog.h"
#include "cs-lab-helper.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#include <signal.h>

/* The parent: the lab and its servers. */

void
call_lab_start (CallLab *lab)
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

/* Runs this program again as @path in the app's namespace under ui-session.sh, until it ends;
 * returns the lines it printed that are not test messages ("# …"), which are also passed on as
 * test messages. */
GPtrArray *
call_lab_run_app_collect (CallLab *lab, const char *path)
{
  const char *session = g_getenv ("CS_UI_SESSION");
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  CsLabHelper *app;
  char *line;

  g_assert_nonnull (session);
  app = cs_lab_helper_start (lab->lab, 2,
                             (const char *const[]){ session, self_path, "-p", path, NULL });
  /* Everything the app says, its test messages ("# …") included: they tell what went wrong. */
  while ((line = g_data_input_stream_read_line (app->output, NULL, NULL, NULL)) != NULL)
    {
      g_test_message ("app: %s", line);
      g_ptr_array_add (lines, line);
    }
  cs_lab_helper_finish (app);
  return lines;
}

/* Runs this program again as @path in the app's namespace under ui-session.sh, until it ends. */
void
call_lab_run_app (CallLab *lab, const char *path)
{
  g_ptr_array_unref (call_lab_run_app_collect (lab, path));
}

void
call_lab_stop (CallLab *lab)
{
  g_clear_pointer (&lab->server, cs_test_server_free);
  g_clear_pointer (&lab->turn, cs_test_turn_free);
  g_clear_pointer (&lab->lab, cs_lab_free);
}

/* The child: the app in its namespace, and the bots it calls. */

char *
call_lab_address_of (const char *name)
{
  return g_strdup_printf ("%s@%s", name, g_getenv (ENV_DOMAIN));
}

CsBot *
call_lab_spawn_bot (const char *name, const char *netns, gboolean first)
{
  return call_lab_spawn_bot_with (name, netns, first, NULL, NULL);
}

/* As call_lab_spawn_bot(), in this namespace when @netns is NULL; @more_members (names, such
 * as "carla") join the circle's members when the bot creates it, and @more_args go at the end
 * of its command line, where they override the defaults (--fps FPS, say). */
CsBot *
call_lab_spawn_bot_with (const char *name,
                         const char *netns,
                         gboolean first,
                         const char *const *more_members,
                         const char *const *more_args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) member_builder = g_strv_builder_new ();
  g_autofree char *address = call_lab_address_of (name);
  g_autofree char *circle = g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
  g_autofree char *fps = g_strdup_printf ("%d", FPS);
  g_autofree char *display = g_strdup_printf ("%c%s", g_ascii_toupper (name[0]), name + 1);
  g_auto (GStrv) member_names = NULL;
  g_autoptr (GString) members = g_string_new (NULL);
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  g_strv_builder_add_many (member_builder, "mamie", "anna", "bruno", NULL);
  if (more_members != NULL)
    g_strv_builder_addv (member_builder, (const char **) more_members);
  member_names = g_strv_builder_end (member_builder);
  for (guint i = 0; member_names[i] != NULL; i++)
    {
      g_autofree char *member = call_lab_address_of (member_names[i]);

      g_string_append_printf (members, "%s%s", i > 0 ? "," : "", member);
    }

  if (netns != NULL)
    g_strv_builder_add_many (builder, "ip", "netns", "exec", netns, NULL);
  /* The bot is judged on what it decodes; a webrtcbin critical under load must not kill it. */
  g_strv_builder_add_many (builder, "env", "G_DEBUG=gc-friendly", CS_BOT_PATH, "--xmpp", address,
                           "--password", "pain-d-epices", "--register", "--server",
                           g_getenv (ENV_SERVER), "--ca-file", g_getenv (ENV_CA), "--id", name,
                           "--name", display, "--fps", fps, "--circle", circle, "--members",
                           members->str, NULL);
  if (first)
    g_strv_builder_add_many (builder, "--create-circle", "Famille Dupont", "--start-call", NULL);
  if (more_args != NULL)
    g_strv_builder_addv (builder, (const char **) more_args);
  argv = g_strv_builder_end (builder);
  bot = cs_bot_spawn (NULL, 0, name, (const char *const *) argv, &error);
  g_assert_no_error (error);
  return bot;
}

/* A bot for @name's account, made before (no --register), in @netns (NULL: this namespace),
 * with @args after what every bot needs (server, CA, id, name, frame rate): --circle and
 * --start-call, say, or --ring. */
CsBot *
call_lab_spawn_bot_again (const char *name, const char *netns, const char *const *args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *address = call_lab_address_of (name);
  g_autofree char *fps = g_strdup_printf ("%d", FPS);
  g_autofree char *display = g_strdup_printf ("%c%s", g_ascii_toupper (name[0]), name + 1);
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  if (netns != NULL)
    g_strv_builder_add_many (builder, "ip", "netns", "exec", netns, NULL);
  g_strv_builder_add_many (builder, "env", "G_DEBUG=gc-friendly", CS_BOT_PATH, "--xmpp", address,
                           "--password", "pain-d-epices", "--server", g_getenv (ENV_SERVER),
                           "--ca-file", g_getenv (ENV_CA), "--id", name, "--name", display, "--fps",
                           fps, NULL);
  if (args != NULL)
    g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  bot = cs_bot_spawn (NULL, 0, name, (const char *const *) argv, &error);
  g_assert_no_error (error);
  return bot;
}

void
call_lab_add_contact (CsStore *store, const char *name, const char *address)
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
  g_autofree char *mamie = call_lab_address_of ("mamie");

  expected = g_strdup_printf ("Online as %s", mamie);
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))),
                    expected) == 0
           ? window
           : NULL;
}

/* Mamie's account, made through the account dialog as she (or her grandson) would. */
void
call_lab_sign_up (GtkWindow *window)
{
  g_autofree char *mamie = call_lab_address_of ("mamie");
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

/* The latest statistics @bot printed about @peer say @member is TRUE, within BOT_MS. */
void
call_lab_wait_bot_sees (CsBot *bot, const char *peer, const char *member)
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

void
call_lab_assert_bot_decodes (CsBot *bot, const char *peer)
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

/* Mamie's side before the call: her contacts, her account, Anna and Bruno calling in their
 * circle, and the circle joined from the invite link. */
void
call_lab_join_circle (CsApplication *app, CsBot **anna, CsBot **bruno)
{
  call_lab_join_circle_with (app, anna, bruno, NULL, NULL);
}

/* As call_lab_join_circle(), with @more_members and @more_args for Anna and Bruno as in
 * call_lab_spawn_bot_with(). */
void
call_lab_join_circle_with (CsApplication *app,
                           CsBot **anna,
                           CsBot **bruno,
                           const char *const *more_members,
                           const char *const *more_args)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  CsStore *store = cs_application_get_store (app);
  g_autofree char *anna_address = call_lab_address_of ("anna");
  g_autofree char *bruno_address = call_lab_address_of ("bruno");
  g_autofree char *room = g_strdup_printf ("famille@%s", g_getenv (ENV_MUC));
  g_autofree char *uri = g_strdup_printf ("xmpp:%s?join", room);
  g_autoptr (GFile) link = g_file_new_for_uri (uri);
  AdwMessageDialog *dialog;

  /* Her contacts, as she knows them. */
  call_lab_add_contact (store, "Anna Dupont", anna_address);
  call_lab_add_contact (store, "Bruno Martin", bruno_address);
  call_lab_sign_up (window);
  g_print ("signed in\n");

  /* Anna makes the family's circle and starts a call in it; Bruno joins. */
  *anna =
    call_lab_spawn_bot_with ("anna", g_getenv (ENV_NETNS_ANNA), TRUE, more_members, more_args);
  g_assert_true (cs_bot_wait_for_event (*anna, "call-started", NULL, NULL, BOT_MS));
  *bruno =
    call_lab_spawn_bot_with ("bruno", g_getenv (ENV_NETNS_BRUNO), FALSE, more_members, more_args);
  g_assert_true (cs_bot_wait_for_event (*bruno, "first-frame", "peer", "anna", BOT_MS));

  /* Her grandson's link: she opens it and says yes. */
  g_application_open (G_APPLICATION (app), &link, 1, "");
  dialog = wait_for (check_join_dialog, NULL, "the question to join the circle");
  /* The question names the family, as Anna named the circle's room, not an address. */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Join “Famille Dupont”?");
  /* Her click on Join: the answer, and the question goes away. */
  click (find_descendant (GTK_WIDGET (dialog), is_button_labelled, "_Join"));
  wait_for_window_gone (ADW_TYPE_MESSAGE_DIALOG);
  wait_for_row (GTK_WIDGET (window), "A call is going on");
}
