/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-call"

#include "config.h"

#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-test-server.h"
#include "cs-test-turn.h"

#include <signal.h>
#include <sys/wait.h>

/*
 * Calls over XMPP between cousinade-bot processes, each in a network namespace of its own:
 * a real Prosody (with XEP-0215 through mod_turn_external) and a real coturn run in the lab
 * namespace at 10.77.0.254, where every participant reaches them. Participants sign up,
 * enter their circle's room, and start or join its call from the call invite posted there;
 * or, for a one-to-one call, ring a contact or answer (XEP-0353).
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

/* What every participant's command line starts with: @name signs up on the lab's server. */
static void
add_account_options (GStrvBuilder *builder, const char *name)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", name, cs_test_server_get_domain (server));
  g_autofree char *server_address =
    g_strdup_printf ("%s:%u", cs_test_server_get_host (server), cs_test_server_get_port (server));
  g_autofree char *fps = g_strdup_printf ("%d", FPS);
  g_autofree char *display = g_strdup_printf ("%c%s", g_ascii_toupper (name[0]), name + 1);

  /* As in test-call.c: a webrtcbin race under load may print a critical; participants are
   * judged on what a user sees, not killed for it. */
  g_strv_builder_add_many (builder, "env", "G_DEBUG=gc-friendly", CS_BOT_PATH, "--xmpp", address,
                           "--register", "--server", server_address, "--ca-file",
                           cs_test_server_get_ca_file (server), "--id", name, "--name", display,
                           "--fps", fps, NULL);
}

/* @name signs up and, as the first one, creates the circle and starts its call; the others
 * join the call going on. */
static CsBot *
spawn (Call *call, guint host, const char *name, gboolean first, const char *const *extra)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  add_account_options (builder, name);
  g_strv_builder_add_many (builder, "--circle", call->circle, "--members", call->members, NULL);
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

static char *
address_of (const char *name)
{
  return g_strdup_printf ("%s@%s", name, cs_test_server_get_domain (server));
}

/* @name signs up for a one-to-one call (--ring or --answer, in @extra): no circle. */
static CsBot *
spawn_direct (GPtrArray *bots, guint host, const char *name, const char *const *extra)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  add_account_options (builder, name);
  g_strv_builder_addv (builder, (const char **) extra);
  argv = g_strv_builder_end (builder);

  bot = cs_bot_spawn (lab, host, name, (const char *const *) argv, &error);
  g_assert_no_error (error);
  g_ptr_array_add (bots, bot);
  return bot;
}

static gint64
audio_from (CsBot *bot, const char *peer)
{
  JsonObject *stats = cs_bot_find_event (bot, "stats", "peer", peer);

  return stats != NULL ? json_object_get_int_member (stats, "audio_ms") : 0;
}

/* @bot decoded a second of sound from @peer. */
static void
assert_hears (CsBot *bot, const char *peer)
{
  gint64 deadline = g_get_monotonic_time () + CONNECT_MS * G_TIME_SPAN_MILLISECOND;

  while (audio_from (bot, peer) < 1000)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s never heard %s (%" G_GINT64_FORMAT " ms of sound)", cs_bot_get_name (bot),
                 peer, audio_from (bot, peer));
      wait_ms (100);
    }
}

/* A "dropped" event about a message from one of @address's devices. */
static gboolean
dropped_from (CsBot *bot, const char *address)
{
  g_autofree char *device = g_strconcat (address, "/", NULL);
  GPtrArray *events = cs_bot_get_events (bot);

  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member (event, "event"), "dropped") == 0 &&
          g_str_has_prefix (json_object_get_string_member_with_default (event, "from", ""), device))
        return TRUE;
    }
  return FALSE;
}

static void
assert_exits (CsBot *bot, int expected)
{
  int status;

  if (!cs_bot_wait_exit (bot, 15000, &status))
    g_error ("%s is still running", cs_bot_get_name (bot));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, expected);
}

static void
test_direct (void)
{
  g_autoptr (GPtrArray) bots = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *julie_address = NULL;
  g_autofree char *karim_address = NULL;
  g_autofree char *lena_address = NULL;
  CsBot *julie;
  CsBot *karim;
  CsBot *lena;
  JsonObject *event;

  if (lab == NULL && !cs_lab_require_for_test ())
    return;
  julie_address = address_of ("julie");
  karim_address = address_of ("karim");
  lena_address = address_of ("lena");

  /* Julie takes calls from karim only. */
  julie = spawn_direct (bots, 0, "julie",
                        (const char *const[]){ "--answer", "--members", karim_address, NULL });
  g_assert_true (cs_bot_wait_for_event (julie, "waiting-for-call", NULL, NULL, CONNECT_MS));

  /* Karim rings her: her bot rings, his hears that it does, and she answers. */
  karim = spawn_direct (bots, 1, "karim", (const char *const[]){ "--ring", julie_address, NULL });
  g_assert_true (cs_bot_wait_for_event (julie, "ringing", "from", karim_address, CONNECT_MS));
  event = cs_bot_find_event (julie, "ringing", "from", karim_address);
  g_assert_cmpstr (json_object_get_string_member (event, "name"), ==, "Karim");
  g_assert_true (json_object_get_boolean_member (event, "video"));
  g_assert_true (cs_bot_wait_for_event (karim, "ringing", "to", julie_address, CONNECT_MS));

  /* Both see and hear each other. */
  assert_sees (julie, karim_address);
  assert_sees (karim, julie_address);
  assert_hears (julie, karim_address);
  assert_hears (karim, julie_address);
  g_assert_cmpstr (json_object_get_string_member (cs_bot_find_event (julie, "peer-joined", NULL,
                                                                     NULL),
                                                  "name"),
                   ==, "Karim");

  /* Lena is not among julie's callers: julie's bot does not ring, and lena's call fails as
   * unanswered once it has rung for 3 s, while julie's call goes on. */
  lena = spawn_direct (bots, 3, "lena",
                       (const char *const[]){ "--ring", julie_address, "--wait", "3", NULL });
  assert_exits (lena, 1);
  event = cs_bot_find_event (lena, "error", NULL, NULL);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "not-answered");
  g_test_message ("Lena's bot: %s", json_object_get_string_member (event, "message"));
  g_assert_null (cs_bot_find_event (lena, "joined", NULL, NULL));
  g_assert_null (cs_bot_find_event (julie, "ringing", "from", lena_address));
  g_assert_true (dropped_from (julie, lena_address));
  assert_flowing (julie, karim_address, 2000);

  /* Karim hangs up: julie's call is over too, and both bots end well. */
  cs_bot_kill (karim, SIGTERM);
  assert_exits (karim, 0);
  g_assert_nonnull (cs_bot_find_event (karim, "left", NULL, NULL));
  g_assert_true (cs_bot_wait_for_event (julie, "peer-left", "peer", karim_address, CONNECT_MS));
  assert_exits (julie, 0);
  g_assert_nonnull (cs_bot_find_event (julie, "left", NULL, NULL));
  g_assert_cmpuint (cs_bot_count_events (julie, "joined", NULL, NULL), ==, 1);
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
  g_test_add_func ("/xmpp-call/direct", test_direct);

  status = g_test_run ();
  g_clear_pointer (&server, cs_test_server_free);
  g_clear_pointer (&turn, cs_test_turn_free);
  g_clear_pointer (&lab, cs_lab_free);
  return status;
}
