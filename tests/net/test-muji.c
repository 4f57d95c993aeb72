/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-muji"

#include "config.h"

#include "cs-call-invites.h"
#include "cs-ice-servers.h"
#include "cs-muji-call.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"

/* Group call signalling over a real Prosody, without media: MUJI presences, one Jingle
 * session per pair carrying webrtcbin's own SDP (tests/fixtures/sdp), trickled candidates,
 * mute state, leaving; and what must be refused: replayed offers, messages of sessions that
 * are over, participants who are not circle members. Also call invites in the circle room
 * and TURN discovery. */

#define CIRCLE "family@rooms.localhost"
#define CALL_ROOM "call-a1@rooms.localhost"
#define CALL_ROOM_2 "call-b2@rooms.localhost"

typedef struct
{
  CsXmppClient *client;
  CsMujiCall *call;
  CsTestLog *events; /* "roster alice,bob", "joined bob", "offer bob", "candidate bob 0", ... */
} Member;

static CsTestServer *server;

static void
record (Member *m, char *event)
{
  cs_test_log_add (m->events, event);
}

static void
on_dropped (CsMujiCall *call, const char *from, const char *reason, Member *m)
{
  record (m, g_strdup_printf ("dropped %s: %s", from, reason));
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
  return cs_test_client_new_registered (server, local);
}

static Member *
member_new_in (CsXmppClient *client, const char *room, const char *nick, gboolean create)
{
  static const char *const allowed[] = { "alice@localhost", "bob@localhost", NULL };
  Member *m = g_new0 (Member, 1);

  m->client = g_object_ref (client);
  m->events = cs_test_log_new (cs_xmpp_client_get_address (client));
  m->call = cs_muji_call_new (client, room, nick, create);
  cs_muji_call_set_allowed (m->call, allowed);
  cs_test_log_watch_call (m->events, m->call);
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
  cs_test_log_free (m->events);
  g_free (m);
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
  g_autofree char *offer = cs_test_read_sdp_fixture ("webrtcbin-offer.sdp");
  g_autofree char *answer = cs_test_read_sdp_fixture ("webrtcbin-answer.sdp");
  g_autofree char *first_sid = NULL;
  Member *alice;
  Member *bob;
  Member *mallory;

  /* Alice starts the call: she makes the room and lets the circle's members in. */
  alice = member_new (alice_client, "alice", TRUE);
  cs_muji_call_join (alice->call, "Alice");
  cs_test_log_wait (alice->events, "roster ");
  g_assert_true (cs_test_log_has (alice->events, "roster ")); /* nobody before her */
  g_assert_cmpstr (g_ptr_array_index (alice->events->lines, 0), ==, "roster ");

  /* Bob arrives: he is told alice is there, and she that he came. */
  bob = member_new (bob_client, "bob", FALSE);
  cs_muji_call_join (bob->call, "Bob");
  cs_test_log_wait (bob->events, "roster alice");
  cs_test_log_wait (alice->events, "joined bob Bob");
  g_assert_cmpstr (cs_muji_call_get_peer_address (alice->call, "bob"), ==, "bob@localhost");

  /* The newcomer offers; webrtcbin's SDP travels as Jingle and comes back as SDP. */
  cs_muji_call_send_description (bob->call, "alice", "offer", offer);
  cs_test_log_wait (alice->events, "offer bob");
  g_assert_nonnull (strstr (alice->events->last_sdp, "m=audio"));
  g_assert_nonnull (strstr (alice->events->last_sdp, "m=video"));
  g_assert_nonnull (strstr (alice->events->last_sdp, "a=fingerprint:sha-256"));
  cs_muji_call_send_candidate (bob->call, "alice", 1,
                               "candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");
  cs_test_log_wait (alice->events,
                    "candidate bob 1 candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");

  cs_muji_call_send_description (alice->call, "bob", "answer", answer);
  cs_test_log_wait (bob->events, "answer alice");
  g_assert_nonnull (strstr (bob->events->last_sdp, "a=setup:"));

  cs_muji_call_send_media_state (alice->call, TRUE, FALSE);
  cs_test_log_wait (bob->events, "media alice muted=1 camera_off=0");
  cs_muji_call_send_media_state (alice->call, FALSE, TRUE);
  cs_test_log_wait (bob->events, "media alice muted=0 camera_off=1");

  /* A stream-management resend of bob's offer (same session id): acknowledged, ignored. */
  first_sid = cs_muji_call_dup_session_id (bob->call, "alice");
  g_assert_nonnull (first_sid);
  send_raw_jingle (bob_client, CALL_ROOM, "alice", "session-initiate", first_sid);
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/bob: a replayed offer");
  g_assert_cmpuint (cs_test_log_count (alice->events, "offer bob"), ==, 1);
  /* A message of a session nobody knows is refused too. */
  send_raw_jingle (bob_client, CALL_ROOM, "alice", "transport-info", "no-such-session");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/bob: a message of an unknown session");
  cs_test_log_clear (alice->events);

  /* Mallory is let into the room (say, an organiser's mistake) but is no circle member: her
   * presence and her Jingle are refused. */
  cs_xmpp_client_set_affiliation (alice_client, CALL_ROOM, "mallory@localhost", "member");
  cs_test_settle (300);
  mallory = member_new (mallory_client, "mallory", FALSE);
  cs_muji_call_join (mallory->call, "Mallory");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/mallory: not a member of this circle");
  send_raw_jingle (mallory_client, CALL_ROOM, "alice", "session-initiate", "mallory-1");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/mallory: not a participant of this call");
  g_assert_false (cs_test_log_has (alice->events, "joined mallory"));
  g_assert_false (cs_test_log_has (alice->events, "offer mallory"));

  /* Bob leaves: alice drops him at once (session-terminate), and his session's late
   * messages are refused as over. */
  cs_muji_call_leave (bob->call);
  cs_test_log_wait (alice->events, "left bob");
  g_assert_false (cs_test_log_has (alice->events, "dropped " CALL_ROOM "/bob"));

  cs_muji_call_leave (mallory->call);
  cs_muji_call_leave (alice->call);
  cs_test_settle (200);
  member_free (mallory);
  member_free (bob);
  member_free (alice);
}

static void
test_new_offer (void)
{
  g_autoptr (CsXmppClient) carol_client = client_new ("carol");
  g_autoptr (CsXmppClient) dave_client = client_new ("dave");
  g_autofree char *offer = cs_test_read_sdp_fixture ("webrtcbin-offer.sdp");
  static const char *const allowed[] = { "carol@localhost", "dave@localhost", NULL };
  g_autofree char *first_sid = NULL;
  Member *carol;
  Member *dave;

  carol = member_new_in (carol_client, CALL_ROOM_2, "carol", TRUE);
  cs_muji_call_set_allowed (carol->call, allowed);
  cs_muji_call_join (carol->call, "Carol");
  cs_test_log_wait (carol->events, "roster ");
  dave = member_new_in (dave_client, CALL_ROOM_2, "dave", FALSE);
  cs_muji_call_set_allowed (dave->call, allowed);
  cs_muji_call_join (dave->call, "Dave");
  cs_test_log_wait (dave->events, "roster carol");

  cs_muji_call_send_description (dave->call, "carol", "offer", offer);
  cs_test_log_wait (carol->events, "offer dave");
  first_sid = cs_muji_call_dup_session_id (dave->call, "carol");

  /* Dave offers again (he restarted, say): the old session ends for the media engine and the
   * new one begins. */
  cs_muji_call_send_description (dave->call, "carol", "offer", offer);
  cs_test_log_wait (carol->events, "left dave");
  g_assert_cmpuint (cs_test_log_count (carol->events, "offer dave"), ==, 2);

  /* The first session's offer, replayed: that session is over. */
  send_raw_jingle (dave_client, CALL_ROOM_2, "carol", "session-initiate", first_sid);
  cs_test_log_wait (carol->events,
                    "dropped " CALL_ROOM_2 "/dave: a message of a session that is over");
  g_assert_cmpuint (cs_test_log_count (carol->events, "offer dave"), ==, 2);

  cs_muji_call_leave (dave->call);
  cs_muji_call_leave (carol->call);
  cs_test_settle (200);
  member_free (dave);
  member_free (carol);
}

static gboolean
shows_one_in_call (gpointer data)
{
  CsCallInvites *invites = data;
  const char *id = cs_call_invites_get_current (invites, CIRCLE, NULL);
  g_auto (GStrv) in_call =
    id != NULL ? cs_call_invites_dup_participants (invites, CIRCLE, id) : NULL;

  return in_call != NULL && g_strv_length (in_call) == 1;
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
  g_assert_true (cs_test_iterate_until (shows_one_in_call, frank_invites, CS_TEST_TIMEOUT_SECONDS));
  cs_call_invites_get_current (frank_invites, CIRCLE, &call_room);
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

/* What a urn:xmpp:call-message:1 client (Dino 0.4) sent in the room, seen from the others;
 * and the id of the last proposal it saw. */
static char dino_saw_proposal[160];

static void
on_dino_saw (CsXmppClient *client, xmpp_stanza_t *stanza, CsTestLog *log)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) &&
        g_strcmp0 (xmpp_stanza_get_ns (child), "urn:xmpp:call-message:1") == 0)
      {
        xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name (child, "muji");
        const char *id = xmpp_stanza_get_attribute (child, "id");

        if (g_strcmp0 (xmpp_stanza_get_name (child), "propose") == 0 && id != NULL)
          g_strlcpy (dino_saw_proposal, id, sizeof dino_saw_proposal);
        cs_test_log_add (log,
                         g_strdup_printf ("%s %s %s", xmpp_stanza_get_name (child), id,
                                          muji != NULL ? xmpp_stanza_get_attribute (muji, "room")
                                                       : "-"));
      }
}

static void
on_invite_seen (CsCallInvites *invites,
                const char *circle,
                const char *id,
                const char *from,
                const char *call_room,
                gboolean video,
                gboolean live,
                CsTestLog *log)
{
  cs_test_log_add (log, g_strdup_printf ("invite %s %s %s", id, from, call_room));
}

static void
on_any_room_joined (CsXmppClient *client, const char *room, gboolean created, gboolean *joined)
{
  *joined = TRUE;
}

typedef struct
{
  CsTestLog *log;
  const char *prefix;
} LogWait;

static gboolean
log_has (gpointer data)
{
  LogWait *wait = data;

  return cs_test_log_has (wait->log, wait->prefix);
}

static void
send_call_message (CsXmppClient *from, const char *action, const char *id, const char *room)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (from);
  g_autofree char *message_id = g_uuid_string_random ();
  xmpp_stanza_t *message =
    xmpp_message_new (ctx, "groupchat", "dupont@rooms.localhost", message_id);
  xmpp_stanza_t *element = cs_stanza_add_child (message, action, "urn:xmpp:call-message:1");

  cs_stanza_add_child (message, "store", "urn:xmpp:hints");
  xmpp_stanza_set_attribute (element, "id", id);
  if (room != NULL)
    {
      xmpp_stanza_t *muji = cs_stanza_add_child (element, "muji", "urn:xmpp:jingle:muji:0");

      xmpp_stanza_set_attribute (element, "video", "true");
      xmpp_stanza_set_attribute (element, "multi", "true");
      xmpp_stanza_set_attribute (muji, "room", room);
    }
  cs_xmpp_client_send (from, message);
  xmpp_stanza_release (message);
}

/* Dino 0.4 announces group calls with urn:xmpp:call-message:1, the forerunner of XEP-0482
 * (shapes as dino-im 0.4.2 sends them): we see its calls, and it sees ours and our answers. */
static void
test_invites_call_message (void)
{
  g_autoptr (CsXmppClient) hana = client_new ("hana");
  g_autoptr (CsXmppClient) dino = client_new ("dino");
  g_autoptr (CsCallInvites) hana_invites = cs_call_invites_new (hana);
  g_autoptr (CsTestLog) hana_log = cs_test_log_new ("hana");
  g_autoptr (CsTestLog) dino_log = cs_test_log_new ("dino");
  g_auto (GStrv) in_call = NULL;
  const char *call_room = NULL;
  const char *our_id;
  gboolean hana_in = FALSE;
  gboolean dino_in = FALSE;
  LogWait wait;

  member_listed = FALSE;
  g_signal_connect (hana, "room-joined", G_CALLBACK (on_any_room_joined), &hana_in);
  cs_xmpp_client_join_room (hana, "dupont@rooms.localhost", "hana", TRUE, "Dupont");
  while (!hana_in)
    g_main_context_iteration (NULL, TRUE);
  cs_xmpp_client_set_affiliation (hana, "dupont@rooms.localhost", "dino@localhost", "member");
  g_signal_connect (hana, "member-listed", G_CALLBACK (on_member_listed), NULL);
  cs_xmpp_client_list_members (hana, "dupont@rooms.localhost");
  while (!member_listed)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (dino, "room-joined", G_CALLBACK (on_any_room_joined), &dino_in);
  cs_xmpp_client_join_room (dino, "dupont@rooms.localhost", "Dino", FALSE, NULL);
  while (!dino_in)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (dino, "stanza-received", G_CALLBACK (on_dino_saw), dino_log);
  g_signal_connect (hana_invites, "invite", G_CALLBACK (on_invite_seen), hana_log);

  /* Dino's call, as it sends it. */
  send_call_message (dino, "propose", "8a33b107-dino", "b83c4624@rooms.localhost");
  wait.log = hana_log;
  wait.prefix = "invite 8a33b107-dino Dino b83c4624@rooms.localhost";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));
  g_assert_cmpstr (cs_call_invites_get_current (hana_invites, "dupont@rooms.localhost", &call_room),
                   ==, "8a33b107-dino");
  g_assert_cmpstr (call_room, ==, "b83c4624@rooms.localhost");

  /* Hana joins it: Dino reads an accept of its own call id. */
  cs_call_invites_accept (hana_invites, "dupont@rooms.localhost", "8a33b107-dino");
  wait.log = dino_log;
  wait.prefix = "accept 8a33b107-dino";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));

  /* Dino ends its call: it is no longer current here. */
  send_call_message (dino, "retract", "8a33b107-dino", NULL);
  while (cs_call_invites_get_current (hana_invites, "dupont@rooms.localhost", NULL) != NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Hana's own call reaches Dino as a proposal it understands; here the message (both forms
   * in one) counts as one invite. */
  cs_call_invites_post (hana_invites, "dupont@rooms.localhost", "call-c3@rooms.localhost", TRUE);
  wait.prefix = "propose ";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));
  g_assert_true (cs_test_log_has (dino_log, "propose "));
  while (cs_call_invites_get_current (hana_invites, "dupont@rooms.localhost", &call_room) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (call_room, ==, "call-c3@rooms.localhost");
  cs_test_settle (300);
  g_assert_cmpuint (cs_test_log_count (hana_log, "invite "), ==, 2);

  /* Dino accepts it by the id it was given; hana counts Dino in the call. */
  our_id = cs_call_invites_get_current (hana_invites, "dupont@rooms.localhost", NULL);
  g_assert_cmpstr (dino_saw_proposal, !=, "");
  send_call_message (dino, "accept", dino_saw_proposal, NULL);
  while (in_call == NULL || g_strv_length (in_call) != 1)
    {
      g_main_context_iteration (NULL, TRUE);
      g_clear_pointer (&in_call, g_strfreev);
      in_call = cs_call_invites_dup_participants (hana_invites, "dupont@rooms.localhost", our_id);
    }
  g_assert_cmpstr (in_call[0], ==, "Dino");
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
  cs_ice_servers_discover_async (gina, NULL, cs_test_on_done, &result);
  uris = cs_ice_servers_discover_finish (gina, cs_test_wait_result (&result), &error);
  if (error != NULL)
    g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED);
  else
    g_assert_cmpuint (g_strv_length (uris), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/muji/call", test_call);
  g_test_add_func ("/muji/new-offer-replaces-session", test_new_offer);
  g_test_add_func ("/muji/invites", test_invites);
  g_test_add_func ("/muji/invites/call-message", test_invites_call_message);
  g_test_add_func ("/muji/ice-servers", test_ice_servers);

  return cs_test_run_with_server (&server);
}
