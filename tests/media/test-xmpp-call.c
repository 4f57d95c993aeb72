/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-call"

#include "config.h"

#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-test-server.h"
#include "cs-test-turn.h"

#include <sys/wait.h>

/*
 * Calls over XMPP between cousinade-bot processes, each in a network namespace of its own:
 * a real Prosody (with XEP-0215 through mod_turn_external) and a real coturn run in the lab
 * namespace at 10.77.0.254, where every participant reaches them. Participants sign up,
 * enter their circle's room, and start or join its call from the call invite posted there.
 */

#define N_HOSTS 6
/* Hosts 0-3 are plain; 4 and 5 each sit behind a NAT of their own, with no path between
 * them but through the servers. */
#define NAT_A 4
#define NAT_B 5
#define TURN_PORT 3478
#define FPS 15
#define CONNECT_MS 40000

static CsLab *lab;
static CsTestServer *server;
static CsTestTurn *turn;
static guint circle_serial;

typedef struct
{
  char *circle;
  char *members;
  GPtrArray *bots;
} Call;

static void
call_init (Call *call, const char *const *names)
{
  g_autoptr (GStrvBuilder) members = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  call->circle =
    g_strdup_printf ("family-%u@%s", ++circle_serial, cs_test_server_get_muc_domain (server));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *member =
        g_strdup_printf ("%s@%s", names[i], cs_test_server_get_domain (server));

      g_strv_builder_add (members, member);
    }
  list = g_strv_builder_end (members);
  call->members = g_strjoinv (",", list);
  call->bots = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->bots, g_ptr_array_unref);
  g_clear_pointer (&call->circle, g_free);
  g_clear_pointer (&call->members, g_free);
}

/* @name signs up and, as the first one, creates the circle and starts its call; the others
 * join the call going on. */
static CsBot *
spawn (Call *call, guint host, const char *name, gboolean first, const char *const *extra)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *address = g_strdup_printf ("%s@%s", name, cs_test_server_get_domain (server));
  g_autofree char *server_address =
    g_strdup_printf ("%s:%u", cs_test_server_get_host (server), cs_test_server_get_port (server));
  g_autofree char *fps = g_strdup_printf ("%d", FPS);
  g_autofree char *display = g_strdup_printf ("%c%s", g_ascii_toupper (name[0]), name + 1);
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  /* As in test-call.c: a webrtcbin race under load may print a critical; participants are
   * judged on what a user sees, not killed for it. */
  g_strv_builder_add_many (builder, "env", "G_DEBUG=gc-friendly", CS_BOT_PATH, "--xmpp", address,
                           "--register", "--server", server_address, "--ca-file",
                           cs_test_server_get_ca_file (server), "--circle", call->circle,
                           "--members", call->members, "--id", name, "--name", display, "--fps",
                           fps, NULL);
  if (first)
    g_strv_builder_add_many (builder, "--create-circle", "Family", "--start-call", NULL);
  if (extra != NULL)
    g_strv_builder_addv (builder, (const char **) extra);
  argv = g_strv_builder_end (builder);

  bot = cs_bot_spawn (lab, host, name, (const char *const *) argv, &error);
  g_assert_no_error (error);
  g_ptr_array_add (call->bots, bot);
  return bot;
}

static void
assert_sees (CsBot *bot, const char *peer)
{
  if (!cs_bot_wait_for_event (bot, "first-frame", "peer", peer, CONNECT_MS))
    g_error ("%s never decoded a picture from %s", cs_bot_get_name (bot), peer);
}

static gint64
frames_from (CsBot *bot, const char *peer)
{
  JsonObject *stats = cs_bot_find_event (bot, "stats", "peer", peer);

  return stats != NULL ? json_object_get_int_member (stats, "frames_decoded") : 0;
}

static void
wait_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (ms, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
}

/* Frames from @peer keep being decoded by @bot over @ms. */
static void
assert_flowing (CsBot *bot, const char *peer, guint ms)
{
  gint64 before = frames_from (bot, peer);
  gint64 after;

  wait_ms (ms);
  after = frames_from (bot, peer);
  g_test_message ("%s decoded %" G_GINT64_FORMAT " frames from %s in %u ms", cs_bot_get_name (bot),
                  after - before, peer, ms);
  g_assert_cmpint (after - before, >=, (gint64) (FPS * ms / 1000) / 2);
}

static void
test_three_in_a_circle (void)
{
  static const char *const names[] = { "anna", "bruno", "chloe", NULL };
  Call call = { 0 };
  CsBot *anna;
  CsBot *bruno;
  CsBot *chloe;

  if (lab == NULL && !cs_lab_require_for_test ())
    return;
  call_init (&call, names);

  anna = spawn (&call, 0, "anna", TRUE, NULL);
  g_assert_true (cs_bot_wait_for_event (anna, "call-started", NULL, NULL, CONNECT_MS));
  bruno = spawn (&call, 1, "bruno", FALSE, NULL);
  chloe = spawn (&call, 2, "chloe", FALSE, NULL);

  /* The newcomers found the call through the invite anna posted in the circle's room. */
  g_assert_true (cs_bot_wait_for_event (bruno, "invite", "from", "anna", CONNECT_MS));
  g_assert_true (cs_bot_wait_for_event (chloe, "invite", "from", "anna", CONNECT_MS));

  assert_sees (anna, "bruno");
  assert_sees (anna, "chloe");
  assert_sees (bruno, "anna");
  assert_sees (bruno, "chloe");
  assert_sees (chloe, "anna");
  assert_sees (chloe, "bruno");
  assert_flowing (chloe, "anna", 3000);
  g_assert_cmpuint (cs_bot_count_events (anna, "dropped", NULL, NULL), ==, 0);

  call_clear (&call);
}

static void
test_outsider_refused (void)
{
  static const char *const names[] = { "dora", "emile", NULL };
  const char *const outsider_extra[] = { "--wait", "5", NULL };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  Call call = { 0 };
  CsBot *dora;
  CsBot *emile;
  CsBot *mallory;
  int status;

  if (lab == NULL && !cs_lab_require_for_test ())
    return;
  call_init (&call, names);

  dora = spawn (&call, 0, "dora", TRUE, NULL);
  g_assert_true (cs_bot_wait_for_event (dora, "call-started", NULL, NULL, CONNECT_MS));
  emile = spawn (&call, 1, "emile", FALSE, NULL);
  assert_sees (dora, "emile");

  /* Mallory is no member of the circle: the circle's room, and so its call, stay closed. */
  mallory = spawn (&call, 3, "mallory", FALSE, outsider_extra);
  g_assert_true (cs_bot_wait_exit (mallory, 30000, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (cs_bot_find_event (mallory, "error", NULL, NULL));
  g_assert_null (cs_bot_find_event (mallory, "invite", NULL, NULL));
  g_assert_null (cs_bot_find_event (dora, "peer-joined", "peer", "mallory"));
  g_assert_null (cs_bot_find_event (emile, "peer-joined", "peer", "mallory"));
  assert_flowing (emile, "dora", 2000);

  call_clear (&call);
}

static void
test_relay_between_nats (void)
{
  static const char *const names[] = { "fanny", "gaston", NULL };
  Call call = { 0 };
  CsBot *fanny;
  CsBot *gaston;
  JsonObject *stats;

  if (lab == NULL && !cs_lab_require_for_test ())
    return;
  call_init (&call, names);

  fanny = spawn (&call, NAT_A, "fanny", TRUE, NULL);
  g_assert_true (cs_bot_wait_for_event (fanny, "call-started", NULL, NULL, CONNECT_MS));
  gaston = spawn (&call, NAT_B, "gaston", FALSE, NULL);

  /* The server told them where its TURN server is. */
  stats = cs_bot_find_event (fanny, "ice-servers", NULL, NULL);
  g_assert_nonnull (stats);
  g_assert_cmpint (json_object_get_int_member (stats, "count"), >=, 1);

  assert_sees (fanny, "gaston");
  assert_sees (gaston, "fanny");
  assert_flowing (gaston, "fanny", 3000);
  stats = cs_bot_find_event (fanny, "stats", "peer", "gaston");
  g_assert_cmpstr (json_object_get_string_member (stats, "candidate_type"), ==, "relay");

  call_clear (&call);
}

static void
test_server_restart (void)
{
  static const char *const names[] = { "hugo", "iris", NULL };
  g_autoptr (GError) error = NULL;
  Call call = { 0 };
  CsBot *hugo;
  CsBot *iris;
  guint hugo_entries;
  guint iris_entries;
  gint64 restarted;

  if (lab == NULL && !cs_lab_require_for_test ())
    return;
  call_init (&call, names);

  hugo = spawn (&call, 0, "hugo", TRUE, NULL);
  g_assert_true (cs_bot_wait_for_event (hugo, "call-started", NULL, NULL, CONNECT_MS));
  iris = spawn (&call, 1, "iris", FALSE, NULL);
  assert_sees (hugo, "iris");
  assert_sees (iris, "hugo");
  hugo_entries = cs_bot_count_events (hugo, "room-joined", NULL, NULL);
  iris_entries = cs_bot_count_events (iris, "room-joined", NULL, NULL);

  /* The server goes away and comes back: the media is peer to peer and keeps flowing. */
  g_assert_true (cs_test_server_stop (server, &error));
  g_assert_no_error (error);
  assert_flowing (iris, "hugo", 2000);
  g_assert_true (cs_test_server_restart (server, &error));
  g_assert_no_error (error);
  restarted = g_get_monotonic_time ();

  /* Both are back in the circle's room and the call room within 10 s. */
  while (cs_bot_count_events (hugo, "room-joined", NULL, NULL) < hugo_entries + 2 ||
         cs_bot_count_events (iris, "room-joined", NULL, NULL) < iris_entries + 2)
    {
      if (g_get_monotonic_time () - restarted > 10 * G_TIME_SPAN_SECOND)
        g_error ("Not back in the rooms 10 s after the server restarted (hugo %u, iris %u)",
                 cs_bot_count_events (hugo, "room-joined", NULL, NULL) - hugo_entries,
                 cs_bot_count_events (iris, "room-joined", NULL, NULL) - iris_entries);
      g_main_context_iteration (NULL, TRUE);
    }
  g_test_message ("Back in the rooms %.1f s after the restart",
                  (g_get_monotonic_time () - restarted) / 1e6);
  assert_flowing (hugo, "iris", 2000);
  g_assert_null (cs_bot_find_event (hugo, "peer-left", NULL, NULL));

  call_clear (&call);
}

int
main (int argc, char **argv)
{
  const gboolean behind_nat[N_HOSTS] = { FALSE, FALSE, FALSE, FALSE, TRUE, TRUE };
  g_autoptr (GError) error = NULL;
  CsTestServerOptions server_options = { .allow_registration = TRUE };
  CsTestTurnOptions turn_options = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  if (cs_lab_available (NULL))
    {
      lab = cs_lab_new_full (N_HOSTS, behind_nat, &error);
      g_assert_no_error (error);
      /* Before any thread of ours makes a socket: servers and their clients live there. */
      cs_lab_enter_servers (lab, &error);
      g_assert_no_error (error);

      turn_options.address = cs_lab_get_address (lab, CS_LAB_SERVERS);
      turn_options.port = TURN_PORT;
      turn = cs_test_turn_start (&turn_options, &error);
      g_assert_no_error (error);
      server_options.address = cs_lab_get_address (lab, CS_LAB_SERVERS);
      server_options.turn_host = cs_test_turn_get_address (turn);
      server_options.turn_port = cs_test_turn_get_port (turn);
      server_options.turn_secret = cs_test_turn_get_secret (turn);
      server = cs_test_server_start (&server_options, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/xmpp-call/three-in-a-circle", test_three_in_a_circle);
  g_test_add_func ("/xmpp-call/outsider-refused", test_outsider_refused);
  g_test_add_func ("/xmpp-call/relay-between-nats", test_relay_between_nats);
  g_test_add_func ("/xmpp-call/server-restart", test_server_restart);

  status = g_test_run ();
  g_clear_pointer (&server, cs_test_server_free);
  g_clear_pointer (&turn, cs_test_turn_free);
  g_clear_pointer (&lab, cs_lab_free);
  return status;
}
