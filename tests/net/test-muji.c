/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-muji"

#include "config.h"

#include "cs-call-invites.h"
#include "cs-ice-servers.h"
#include "cs-muji-call.h"
#include "cs-test-server.h"
#include "cs-xmpp-stanza-util.h"

/* Group call signalling over a real Prosody, without media: MUJI presences, one Jingle
 * session per pair carrying webrtcbin's own SDP (tests/fixtures/sdp), trickled candidates,
 * mute state, leaving; and what must be refused: replayed offers, messages of sessions that
 * are over, participants who are not circle members. Also call invites in the circle room
 * and TURN discovery. */

#define TIMEOUT_SECONDS 20
#define CIRCLE "family@rooms.localhost"
#define CALL_ROOM "call-a1@rooms.localhost"
#define CALL_ROOM_2 "call-b2@rooms.localhost"

typedef struct
{
  CsXmppClient *client;
  CsMujiCall *call;
  GPtrArray *events; /* "roster alice,bob", "joined bob", "offer bob", "candidate bob 0", ... */
  char *last_sdp;
} Member;

static CsTestServer *server;

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
record (Member *m, char *event)
{
  g_test_message ("%s: %s", cs_xmpp_client_get_address (m->client), event);
  g_ptr_array_add (m->events, event);
}

static void
on_roster (CsMujiCall *call, GStrv ids, GStrv names, Member *m)
{
  g_autofree char *joined = g_strjoinv (",", ids);

  record (m, g_strdup_printf ("roster %s", joined));
}

static void
on_joined (CsMujiCall *call, const char *id, const char *name, Member *m)
{
  record (m, g_strdup_printf ("joined %s %s", id, name));
}

static void
on_left (CsMujiCall *call, const char *id, Member *m)
{
  record (m, g_strdup_printf ("left %s", id));
}

static void
on_description (CsMujiCall *call, const char *from, const char *type, const char *sdp, Member *m)
{
  g_free (m->last_sdp);
  m->last_sdp = g_strdup (sdp);
  record (m, g_strdup_printf ("%s %s", type, from));
}

static void
on_candidate (CsMujiCall *call, const char *from, guint index, const char *candidate, Member *m)
{
  record (m, g_strdup_printf ("candidate %s %u %s", from, index, candidate));
}

static void
on_media_state (CsMujiCall *call, const char *from, gboolean muted, gboolean camera_off, Member *m)
{
  record (m, g_strdup_printf ("media %s muted=%d camera_off=%d", from, muted, camera_off));
}

static void
on_dropped (CsMujiCall *call, const char *from, const char *reason, Member *m)
{
  record (m, g_strdup_printf ("dropped %s: %s", from, reason));
}

static gboolean
has_event (Member *m, const char *prefix)
{
  for (guint i = 0; i < m->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (m->events, i), prefix))
      return TRUE;
  return FALSE;
}

static guint
count_events (Member *m, const char *prefix)
{
  guint count = 0;

  for (guint i = 0; i < m->events->len; i++)
    count += g_str_has_prefix (g_ptr_array_index (m->events, i), prefix);
  return count;
}

static void
wait_event (Member *m, const char *prefix)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!has_event (m, prefix) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!has_event (m, prefix))
    g_error ("%s never saw “%s”", cs_xmpp_client_get_address (m->client), prefix);
  g_source_remove (id);
}

/* Lets the server pass on what is in flight. */
static void
settle (guint ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, on_timeout, &timed_out);

  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS + 15, on_timeout, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*result);
  g_source_remove (id);
  return *result;
}

static gboolean room_ready;
static gboolean member_listed;

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  gpointer user_data)
{
  if (g_strcmp0 (affiliation, "member") == 0)
    member_listed = TRUE;
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, gpointer user_data)
{
  if (g_strcmp0 (room, CIRCLE) == 0)
    room_ready = TRUE;
}

static CsXmppClient *
client_new (const char *local)
{
  g_autofree char *address = g_strdup_printf ("%s@localhost", local);
  CsXmppClient *client = cs_xmpp_client_new (address);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  cs_xmpp_client_set_server (client, cs_test_server_get_host (server),
                             cs_test_server_get_port (server));
  cs_xmpp_client_set_ca_file (client, cs_test_server_get_ca_file (server));
  cs_xmpp_client_register_async (client, "password", NULL, on_done, &result);
  g_assert_true (cs_xmpp_client_register_finish (client, wait_result (&result), &error));
  g_assert_no_error (error);
  return client;
}

static Member *
member_new_in (CsXmppClient *client, const char *room, const char *nick, gboolean create)
{
  static const char *const allowed[] = { "alice@localhost", "bob@localhost", NULL };
  Member *m = g_new0 (Member, 1);

  m->client = g_object_ref (client);
  m->events = g_ptr_array_new_with_free_func (g_free);
  m->call = cs_muji_call_new (client, room, nick, create);
  cs_muji_call_set_allowed (m->call, allowed);
  g_signal_connect (m->call, "roster", G_CALLBACK (on_roster), m);
  g_signal_connect (m->call, "participant-joined", G_CALLBACK (on_joined), m);
  g_signal_connect (m->call, "participant-left", G_CALLBACK (on_left), m);
  g_signal_connect (m->call, "description", G_CALLBACK (on_description), m);
  g_signal_connect (m->call, "candidate", G_CALLBACK (on_candidate), m);
  g_signal_connect (m->call, "media-state", G_CALLBACK (on_media_state), m);
  g_signal_connect (m->call, "dropped", G_CALLBACK (on_dropped), m);
  return m;
}

static Member *
member_new (CsXmppClient *client, const char *nick, gboolean create)
{
  return member_new_in (client, CALL_ROOM, nick, create);
}

static void
member_free (Member *m)
{
  g_assert_finalize_object (m->call);
  g_object_unref (m->client);
  g_ptr_array_unref (m->events);
  g_free (m->last_sdp);
  g_free (m);
}

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (CS_TEST_FIXTURES_DIR, "sdp", name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Sends @jingle_action with @sid from @from's client to @to's place in the call room. */
static void
send_raw_jingle (CsXmppClient *from,
                 const char *room,
                 const char *to_nick,
                 const char *action,
                 const char *sid)
{
  xmpp_stanza_t *iq = xmpp_iq_new (cs_xmpp_client_get_context (from), "set", "raw-1");
  g_autofree char *to = g_strdup_printf ("%s/%s", room, to_nick);
  xmpp_stanza_t *jingle;

  xmpp_stanza_set_to (iq, to);
  jingle = cs_stanza_add_child (iq, "jingle", "urn:xmpp:jingle:1");
  xmpp_stanza_set_attribute (jingle, "action", action);
  xmpp_stanza_set_attribute (jingle, "sid", sid);
  cs_xmpp_client_send (from, iq);
  xmpp_stanza_release (iq);
}

static void
test_call (void)
{
  g_autoptr (CsXmppClient) alice_client = client_new ("alice");
  g_autoptr (CsXmppClient) bob_client = client_new ("bob");
  g_autoptr (CsXmppClient) mallory_client = client_new ("mallory");
  g_autofree char *offer = read_fixture ("webrtcbin-offer.sdp");
  g_autofree char *answer = read_fixture ("webrtcbin-answer.sdp");
  g_autofree char *first_sid = NULL;
  Member *alice;
  Member *bob;
  Member *mallory;

  /* Alice starts the call: she makes the room and lets the circle's members in. */
  alice = member_new (alice_client, "alice", TRUE);
  cs_muji_call_join (alice->call, "Alice");
  wait_event (alice, "roster ");
  g_assert_true (has_event (alice, "roster ")); /* nobody before her */
  g_assert_cmpstr (g_ptr_array_index (alice->events, 0), ==, "roster ");

  /* Bob arrives: he is told alice is there, and she that he came. */
  bob = member_new (bob_client, "bob", FALSE);
  cs_muji_call_join (bob->call, "Bob");
  wait_event (bob, "roster alice");
  wait_event (alice, "joined bob Bob");
  g_assert_cmpstr (cs_muji_call_get_peer_address (alice->call, "bob"), ==, "bob@localhost");

  /* The newcomer offers; webrtcbin's SDP travels as Jingle and comes back as SDP. */
  cs_muji_call_send_description (bob->call, "alice", "offer", offer);
  wait_event (alice, "offer bob");
  g_assert_nonnull (strstr (alice->last_sdp, "m=audio"));
  g_assert_nonnull (strstr (alice->last_sdp, "m=video"));
  g_assert_nonnull (strstr (alice->last_sdp, "a=fingerprint:sha-256"));
  cs_muji_call_send_candidate (bob->call, "alice", 1,
                               "candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");
  wait_event (alice, "candidate bob 1 candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");

  cs_muji_call_send_description (alice->call, "bob", "answer", answer);
  wait_event (bob, "answer alice");
  g_assert_nonnull (strstr (bob->last_sdp, "a=setup:"));

  cs_muji_call_send_media_state (alice->call, TRUE, FALSE);
  wait_event (bob, "media alice muted=1 camera_off=0");
  cs_muji_call_send_media_state (alice->call, FALSE, TRUE);
  wait_event (bob, "media alice muted=0 camera_off=1");

  /* A stream-management resend of bob's offer (same session id): acknowledged, ignored. */
  first_sid = cs_muji_call_dup_session_id (bob->call, "alice");
  g_assert_nonnull (first_sid);
  send_raw_jingle (bob_client, CALL_ROOM, "alice", "session-initiate", first_sid);
  wait_event (alice, "dropped " CALL_ROOM "/bob: a replayed offer");
  g_assert_cmpuint (count_events (alice, "offer bob"), ==, 1);
  /* A message of a session nobody knows is refused too. */
  send_raw_jingle (bob_client, CALL_ROOM, "alice", "transport-info", "no-such-session");
  wait_event (alice, "dropped " CALL_ROOM "/bob: a message of an unknown session");
  g_ptr_array_set_size (alice->events, 0);

  /* Mallory is let into the room (say, an organiser's mistake) but is no circle member: her
   * presence and her Jingle are refused. */
  cs_xmpp_client_set_affiliation (alice_client, CALL_ROOM, "mallory@localhost", "member");
  settle (300);
  mallory = member_new (mallory_client, "mallory", FALSE);
  cs_muji_call_join (mallory->call, "Mallory");
  wait_event (alice, "dropped " CALL_ROOM "/mallory: not a member of this circle");
  send_raw_jingle (mallory_client, CALL_ROOM, "alice", "session-initiate", "mallory-1");
  wait_event (alice, "dropped " CALL_ROOM "/mallory: not a participant of this call");
  g_assert_false (has_event (alice, "joined mallory"));
  g_assert_false (has_event (alice, "offer mallory"));

  /* Bob leaves: alice drops him at once (session-terminate), and his session's late
   * messages are refused as over. */
  cs_muji_call_leave (bob->call);
  wait_event (alice, "left bob");
  g_assert_false (has_event (alice, "dropped " CALL_ROOM "/bob"));

  cs_muji_call_leave (mallory->call);
  cs_muji_call_leave (alice->call);
  settle (200);
  member_free (mallory);
  member_free (bob);
  member_free (alice);
}

static void
test_new_offer (void)
{
  g_autoptr (CsXmppClient) carol_client = client_new ("carol");
  g_autoptr (CsXmppClient) dave_client = client_new ("dave");
  g_autofree char *offer = read_fixture ("webrtcbin-offer.sdp");
  static const char *const allowed[] = { "carol@localhost", "dave@localhost", NULL };
  g_autofree char *first_sid = NULL;
  Member *carol;
  Member *dave;

  carol = member_new_in (carol_client, CALL_ROOM_2, "carol", TRUE);
  cs_muji_call_set_allowed (carol->call, allowed);
  cs_muji_call_join (carol->call, "Carol");
  wait_event (carol, "roster ");
  dave = member_new_in (dave_client, CALL_ROOM_2, "dave", FALSE);
  cs_muji_call_set_allowed (dave->call, allowed);
  cs_muji_call_join (dave->call, "Dave");
  wait_event (dave, "roster carol");

  cs_muji_call_send_description (dave->call, "carol", "offer", offer);
  wait_event (carol, "offer dave");
  first_sid = cs_muji_call_dup_session_id (dave->call, "carol");

  /* Dave offers again (he restarted, say): the old session ends for the media engine and the
   * new one begins. */
  cs_muji_call_send_description (dave->call, "carol", "offer", offer);
  wait_event (carol, "left dave");
  g_assert_cmpuint (count_events (carol, "offer dave"), ==, 2);

  /* The first session's offer, replayed: that session is over. */
  send_raw_jingle (dave_client, CALL_ROOM_2, "carol", "session-initiate", first_sid);
  wait_event (carol, "dropped " CALL_ROOM_2 "/dave: a message of a session that is over");
  g_assert_cmpuint (count_events (carol, "offer dave"), ==, 2);

  cs_muji_call_leave (dave->call);
  cs_muji_call_leave (carol->call);
  settle (200);
  member_free (dave);
  member_free (carol);
}

static void
test_invites (void)
{
  g_autoptr (CsXmppClient) erin = client_new ("erin");
  g_autoptr (CsXmppClient) frank = client_new ("frank");
  g_autoptr (CsCallInvites) erin_invites = cs_call_invites_new (erin);
  g_autoptr (CsCallInvites) frank_invites = NULL;
  g_auto (GStrv) participants = NULL;
  const char *call_room = NULL;
  const char *invite_id;
  gboolean timed_out = FALSE;

  room_ready = FALSE;
  g_signal_connect (erin, "room-joined", G_CALLBACK (on_room_joined), NULL);
  cs_xmpp_client_join_room (erin, CIRCLE, "erin", TRUE, "Family");
  while (!room_ready)
    g_main_context_iteration (NULL, TRUE);
  cs_xmpp_client_set_affiliation (erin, CIRCLE, "frank@localhost", "member");
  /* Frank may enter once the room lists him. */
  g_signal_connect (erin, "member-listed", G_CALLBACK (on_member_listed), NULL);
  cs_xmpp_client_list_members (erin, CIRCLE);
  while (!member_listed)
    g_main_context_iteration (NULL, TRUE);

  /* Erin starts a call before frank is there; frank learns of it from the room's history. */
  cs_call_invites_post (erin_invites, CIRCLE, CALL_ROOM, TRUE);
  while (cs_call_invites_get_current (erin_invites, CIRCLE, NULL) == NULL)
    g_main_context_iteration (NULL, TRUE);
  invite_id = cs_call_invites_get_current (erin_invites, CIRCLE, &call_room);
  g_assert_cmpstr (call_room, ==, CALL_ROOM);
  cs_call_invites_accept (erin_invites, CIRCLE, invite_id);

  frank_invites = cs_call_invites_new (frank);
  room_ready = FALSE;
  g_signal_connect (frank, "room-joined", G_CALLBACK (on_room_joined), NULL);
  cs_xmpp_client_join_room (frank, CIRCLE, "frank", FALSE, NULL);
  g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);
  while (!timed_out)
    {
      g_auto (GStrv) in_call = NULL;
      const char *id = cs_call_invites_get_current (frank_invites, CIRCLE, &call_room);

      if (id != NULL)
        in_call = cs_call_invites_dup_participants (frank_invites, CIRCLE, id);
      if (in_call != NULL && g_strv_length (in_call) == 1)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_false (timed_out);
  g_assert_cmpstr (call_room, ==, CALL_ROOM);
  participants =
    cs_call_invites_dup_participants (frank_invites, CIRCLE,
                                      cs_call_invites_get_current (frank_invites, CIRCLE, NULL));
  g_assert_cmpstr (participants[0], ==, "erin");

  /* Erin leaves the call and retracts it: nobody is shown in it, and it is no longer current. */
  cs_call_invites_leave (erin_invites, CIRCLE, invite_id);
  cs_call_invites_retract (erin_invites, CIRCLE, invite_id);
  while (cs_call_invites_get_current (frank_invites, CIRCLE, NULL) != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_ice_servers (void)
{
  g_autoptr (CsXmppClient) gina = client_new ("gina");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) uris = NULL;
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (gina);
  xmpp_stanza_t *services;
  static const char *const hostile[] = {
    "<services xmlns='urn:xmpp:extdisco:2'><service type='turn' host='h' port='99999' "
    "username='u' password='p'/></services>",
    "<services xmlns='urn:xmpp:extdisco:2'><service type='turn' host='bad host' "
    "username='u' password='p'/></services>",
    "<services xmlns='urn:xmpp:extdisco:2'><service type='turn' host='h'/></services>",
    "<services xmlns='urn:xmpp:extdisco:2'><service type='ftp' host='h'/></services>",
  };

  /* The parser: escaping, defaults, and what is refused. */
  services = xmpp_stanza_new_from_string (
    ctx, "<services xmlns='urn:xmpp:extdisco:2'>"
         "<service type='stun' host='10.77.0.254' port='3478' transport='udp'/>"
         "<service type='turn' host='10.77.0.254' port='3478' transport='udp' "
         "username='1700000000:gina' password='a/b+c='/>"
         "</services>");
  uris = cs_ice_servers_from_services (services);
  xmpp_stanza_release (services);
  g_assert_cmpuint (g_strv_length (uris), ==, 2);
  g_assert_cmpstr (uris[0], ==, "stun://10.77.0.254:3478");
  g_assert_cmpstr (uris[1], ==, "turn://1700000000%3Agina:a%2Fb%2Bc%3D@10.77.0.254:3478");
  g_clear_pointer (&uris, g_strfreev);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      services = xmpp_stanza_new_from_string (ctx, hostile[i]);
      uris = cs_ice_servers_from_services (services);
      xmpp_stanza_release (services);
      g_assert_cmpuint (g_strv_length (uris), ==, 0);
      g_clear_pointer (&uris, g_strfreev);
    }

  /* A relay typed by the user: checked, and used only when the server offers none. */
  {
    g_autofree char *manual = NULL;
    g_auto (GStrv) chosen = NULL;
    const char *const discovered[] = { "stun://10.77.0.254:3478", "turn://a:b@10.77.0.254:3478",
                                       NULL };
    const char *const only_stun[] = { "stun://10.77.0.254:3478", NULL };
    static const char *const refused[] = {
      "",
      "turn.example.org",
      "http://a:b@h:1",
      "turn://h:3478",
      "turn://a:b@h",
      "turn://a:b@h:0",
      "turn://a:b@bad host:3478",
    };

    manual = cs_ice_servers_parse_manual (" turn://me:s%2Fecret@relay.example.org:3478 ", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (manual, ==, "turn://me:s%2Fecret@relay.example.org:3478");
    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autofree char *none = cs_ice_servers_parse_manual (refused[i], &error);

        g_assert_null (none);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
        g_clear_error (&error);
      }

    chosen = cs_ice_servers_choose (discovered, manual);
    g_assert_cmpuint (g_strv_length (chosen), ==, 2);
    g_assert_false (g_strv_contains ((const char *const *) chosen, manual));
    g_clear_pointer (&chosen, g_strfreev);
    chosen = cs_ice_servers_choose (only_stun, manual);
    g_assert_cmpuint (g_strv_length (chosen), ==, 2);
    g_assert_cmpstr (chosen[1], ==, manual);
  }

  /* This server has no TURN configured: asking gives an empty list, not an error. */
  cs_ice_servers_discover_async (gina, NULL, on_done, &result);
  uris = cs_ice_servers_discover_finish (gina, wait_result (&result), &error);
  if (error != NULL)
    g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED);
  else
    g_assert_cmpuint (g_strv_length (uris), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/muji/call", test_call);
  g_test_add_func ("/muji/new-offer-replaces-session", test_new_offer);
  g_test_add_func ("/muji/invites", test_invites);
  g_test_add_func ("/muji/ice-servers", test_ice_servers);

  status = g_test_run ();
  cs_test_server_free (server);
  return status;
}
