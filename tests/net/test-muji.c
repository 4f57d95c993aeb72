/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-muji"

#include "config.h"

#include "cs-call-invites.h"
#include "cs-ice-servers.h"
#include "cs-jingle-sdp.h"
#include "cs-muji-call.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"

/* Group call signalling over a real Prosody, without media: MUJI presences (preparing, then
 * the contents we send), one Jingle session per pair between real full addresses as Dino 0.4
 * runs them, carrying webrtcbin's own SDP (tests/fixtures/sdp), trickled candidates, mute
 * state, leaving; a Dino-shaped participant joining; and what must be refused: replayed
 * offers, messages of sessions that are over, participants who are not circle members,
 * Jingle from addresses that are no participant's. Also call invites in the circle room and
 * TURN discovery. */

#define CIRCLE "family@rooms.localhost"
#define CALL_ROOM "call-a1@rooms.localhost"
#define CALL_ROOM_2 "call-b2@rooms.localhost"
#define CALL_ROOM_3 "call-d4@rooms.localhost"
#define CALL_ROOM_4 "call-e5@rooms.localhost"
#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_MUJI "urn:xmpp:jingle:muji:0"

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

/* Sends @action with @sid from @from's client to @to (a place in a call room, or someone's
 * real full address), naming @muji_room as Dino does if not NULL, describing @sdp if not
 * NULL. */
static void
send_jingle_to (CsXmppClient *from,
                const char *to,
                const char *action,
                const char *sid,
                const char *muji_room,
                const char *sdp)
{
  g_autofree char *id = g_uuid_string_random ();
  xmpp_stanza_t *iq = xmpp_iq_new (cs_xmpp_client_get_context (from), "set", id);
  xmpp_stanza_t *jingle;

  xmpp_stanza_set_to (iq, to);
  jingle = cs_stanza_add_child (iq, "jingle", NS_JINGLE);
  xmpp_stanza_set_attribute (jingle, "action", action);
  xmpp_stanza_set_attribute (jingle, "sid", sid);
  if (sdp != NULL)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (cs_jingle_sdp_to_jingle (sdp, jingle, &error));
      g_assert_no_error (error);
    }
  if (muji_room != NULL)
    xmpp_stanza_set_attribute (cs_stanza_add_child (jingle, "muji", NS_MUJI), "room", muji_room);
  cs_xmpp_client_send (from, iq);
  xmpp_stanza_release (iq);
}

/* Sends @jingle_action with @sid from @from's client to @to's place in the call room. */
static void
send_raw_jingle (CsXmppClient *from,
                 const char *room,
                 const char *to_nick,
                 const char *action,
                 const char *sid)
{
  g_autofree char *to = g_strdup_printf ("%s/%s", room, to_nick);

  send_jingle_to (from, to, action, sid, NULL, NULL);
}

/* Every Jingle request @client receives, as "ACTION from=F to=T initiator=I responder=R
 * muji=ROOM sid=S" ("-" for what is missing); each is acknowledged, as a client would. */
static void
on_jingle_seen (CsXmppClient *client, xmpp_stanza_t *stanza, CsTestLog *log)
{
  xmpp_stanza_t *jingle = xmpp_stanza_get_child_by_name_and_ns (stanza, "jingle", NS_JINGLE);
  xmpp_stanza_t *muji =
    jingle != NULL ? xmpp_stanza_get_child_by_name_and_ns (jingle, "muji", NS_MUJI) : NULL;
  const char *fields[] = { "initiator", "responder", "sid" };
  const char *values[G_N_ELEMENTS (fields)];

  if (g_strcmp0 (xmpp_stanza_get_name (stanza), "iq") != 0 || jingle == NULL ||
      g_strcmp0 (xmpp_stanza_get_type (stanza), "set") != 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      values[i] = xmpp_stanza_get_attribute (jingle, fields[i]);
      values[i] = values[i] != NULL ? values[i] : "-";
    }
  cs_test_log_add (log,
                   g_strdup_printf ("%s from=%s to=%s initiator=%s responder=%s muji=%s sid=%s",
                                    xmpp_stanza_get_attribute (jingle, "action"),
                                    xmpp_stanza_get_from (stanza), xmpp_stanza_get_to (stanza),
                                    values[0], values[1],
                                    muji != NULL ? xmpp_stanza_get_attribute (muji, "room") : "-",
                                    values[2]));
}

/* The value of " @key=" in the last line of @log starting with @prefix, newly allocated. */
static char *
field_of (CsTestLog *log, const char *prefix, const char *key)
{
  g_autofree char *needle = g_strdup_printf (" %s=", key);

  for (guint i = log->lines->len; i > 0; i--)
    {
      const char *line = g_ptr_array_index (log->lines, i - 1);
      const char *start;

      if (!g_str_has_prefix (line, prefix) || (start = strstr (line, needle)) == NULL)
        continue;
      start += strlen (needle);
      return g_strndup (start, strcspn (start, " "));
    }
  return NULL;
}

typedef struct
{
  CsTestLog *log;
  const char *prefix;
  const char *part;
} LineWait;

static gboolean
log_has_line_with (gpointer data)
{
  LineWait *wait = data;

  for (guint i = 0; i < wait->log->lines->len; i++)
    {
      const char *line = g_ptr_array_index (wait->log->lines, i);

      if (g_str_has_prefix (line, wait->prefix) && strstr (line, wait->part) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Waits for a line of @log that starts with @prefix and holds @part. */
static void
wait_line_with (CsTestLog *log, const char *prefix, const char *part)
{
  LineWait wait = { log, prefix, part };
  g_autofree char *what = g_strdup_printf ("%s saw “%s…%s”", log->who, prefix, part);

  cs_test_wait_until (log_has_line_with, &wait, what);
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
  g_autofree char *bob_device = NULL;
  g_autofree char *alice_device = NULL;
  g_autoptr (CsTestLog) alice_jingle = cs_test_log_new ("alice's client");
  g_autoptr (CsTestLog) mallory_jingle = cs_test_log_new ("mallory's client");
  Member *alice;
  Member *bob;
  Member *mallory;

  g_signal_connect (alice_client, "stanza-received", G_CALLBACK (on_jingle_seen), alice_jingle);

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

  /* The newcomer offers; webrtcbin's SDP travels as Jingle and comes back as SDP. The room
   * shows real addresses, so the session goes between bob's and alice's devices, as with
   * Dino 0.4, and names the call room. */
  cs_muji_call_send_description (bob->call, "alice", "offer", offer);
  cs_test_log_wait (alice->events, "offer bob");
  bob_device = field_of (alice_jingle, "session-initiate ", "from");
  alice_device = field_of (alice_jingle, "session-initiate ", "to");
  g_assert_true (g_str_has_prefix (bob_device, "bob@localhost/"));
  g_assert_true (g_str_has_prefix (alice_device, "alice@localhost/"));
  g_assert_cmpstr (cs_muji_call_get_peer_device (alice->call, "bob"), ==, bob_device);
  g_assert_cmpstr (cs_muji_call_get_peer_device (bob->call, "alice"), ==, alice_device);
  g_assert_cmpstr (field_of (alice_jingle, "session-initiate ", "initiator"), ==, bob_device);
  g_assert_cmpstr (field_of (alice_jingle, "session-initiate ", "muji"), ==, CALL_ROOM);
  g_assert_nonnull (strstr (alice->events->last_sdp, "m=audio"));
  g_assert_nonnull (strstr (alice->events->last_sdp, "m=video"));
  g_assert_nonnull (strstr (alice->events->last_sdp, "a=fingerprint:sha-256"));
  cs_muji_call_send_candidate (bob->call, "alice", 1,
                               "candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");
  cs_test_log_wait (alice->events,
                    "candidate bob 1 candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");

  cs_muji_call_send_description (alice->call, "bob", "answer", answer);
  cs_test_log_wait (bob->events, "answer alice");
  g_free (first_sid);
  first_sid = cs_muji_call_dup_session_id (bob->call, "alice");
  g_assert_cmpstr (first_sid, ==, field_of (alice_jingle, "session-initiate ", "sid"));
  g_assert_nonnull (strstr (bob->events->last_sdp, "a=setup:"));

  cs_muji_call_send_media_state (alice->call, TRUE, FALSE);
  cs_test_log_wait (bob->events, "media alice muted=1 camera_off=0");
  cs_muji_call_send_media_state (alice->call, FALSE, TRUE);
  cs_test_log_wait (bob->events, "media alice muted=0 camera_off=1");

  /* A stream-management resend of bob's offer (same session id): acknowledged, ignored. */
  send_jingle_to (bob_client, alice_device, "session-initiate", first_sid, CALL_ROOM, offer);
  wait_line_with (alice->events, "dropped ", ": a replayed offer");
  g_assert_true (log_has_line_with (&(LineWait){ alice->events, "dropped ", bob_device }));
  g_assert_cmpuint (cs_test_log_count (alice->events, "offer bob"), ==, 1);
  /* Through the room, the form of XEP-0272 still understood, a message of a session nobody
   * knows is refused. */
  send_raw_jingle (bob_client, CALL_ROOM, "alice", "transport-info", "no-such-session");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/bob: a message of an unknown session");
  cs_test_log_clear (alice->events);

  /* Between real addresses, a session that is not the call's may be a one-to-one call with
   * bob running beside it: left alone, the call goes on. */
  send_jingle_to (bob_client, alice_device, "transport-info", "one-to-one-1", NULL, NULL);
  send_jingle_to (bob_client, alice_device, "session-initiate", "one-to-one-2", NULL, offer);
  cs_muji_call_send_media_state (bob->call, TRUE, TRUE);
  cs_test_log_wait (alice->events, "media bob muted=1 camera_off=1");
  g_assert_false (cs_test_log_has (alice->events, "dropped "));
  g_assert_cmpuint (cs_test_log_count (alice->events, "offer bob"), ==, 0);

  /* Mallory is no occupant of the call room: her Jingle from her real address, naming the
   * call or using its session's id, is refused and changes nothing; what neither names the
   * call nor is its session is not even answered. */
  send_jingle_to (mallory_client, alice_device, "session-initiate", "mallory-0", CALL_ROOM, offer);
  wait_line_with (alice->events, "dropped mallory@localhost/", ": not a participant of this call");
  send_jingle_to (mallory_client, alice_device, "session-terminate", first_sid, NULL, NULL);
  cs_test_log_wait_count (alice->events, "dropped mallory@localhost/", 2);
  send_jingle_to (mallory_client, alice_device, "transport-info", "mallory-9", NULL, NULL);
  send_jingle_to (mallory_client, alice_device, "session-initiate", "mallory-8", NULL, offer);
  cs_muji_call_send_media_state (bob->call, FALSE, FALSE);
  cs_test_log_wait (alice->events, "media bob muted=0 camera_off=0");
  cs_test_settle (300);
  g_assert_cmpuint (cs_test_log_count (alice->events, "dropped "), ==, 2);
  g_assert_false (cs_test_log_has (alice->events, "offer mallory"));
  g_assert_false (cs_test_log_has (alice->events, "joined mallory"));
  g_assert_false (cs_test_log_has (alice->events, "left bob"));
  {
    g_autofree char *sid = cs_muji_call_dup_session_id (alice->call, "bob");

    g_assert_cmpstr (sid, ==, first_sid);
  }
  cs_test_log_clear (alice->events);

  /* Mallory is let into the room (say, an organiser's mistake) but is no circle member: her
   * presence and her Jingle are refused. */
  cs_xmpp_client_set_affiliation (alice_client, CALL_ROOM, "mallory@localhost", "member");
  cs_test_settle (300);
  g_signal_connect (mallory_client, "stanza-received", G_CALLBACK (on_jingle_seen), mallory_jingle);
  mallory = member_new (mallory_client, "mallory", FALSE);
  cs_muji_call_join (mallory->call, "Mallory");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/mallory: not a member of this circle");
  send_raw_jingle (mallory_client, CALL_ROOM, "alice", "session-initiate", "mallory-1");
  cs_test_log_wait (alice->events, "dropped " CALL_ROOM "/mallory: not a participant of this call");
  /* Nor from her real address, now that she is in the room. */
  send_jingle_to (mallory_client, alice_device, "session-initiate", "mallory-2", CALL_ROOM, offer);
  wait_line_with (alice->events, "dropped mallory@localhost/", ": not a participant of this call");
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
  send_jingle_to (dave_client, cs_muji_call_get_peer_device (dave->call, "carol"),
                  "session-initiate", first_sid, CALL_ROOM_2, offer);
  wait_line_with (carol->events, "dropped dave@localhost/",
                  ": a message of a session that is over");
  g_assert_cmpuint (cs_test_log_count (carol->events, "offer dave"), ==, 2);

  cs_muji_call_leave (dave->call);
  cs_muji_call_leave (carol->call);
  cs_test_settle (200);
  member_free (dave);
  member_free (carol);
}

/* A participant shaped like Dino 0.4 (what dino-im 0.4.2 sends): a plain client in the call
 * room whose presence carries Dino's MUJI element, and which runs Jingle from its real full
 * address. What it sees: "presence NICK jid=J muji=preparing|full audio=… video=…" and the
 * Jingle requests it receives (on_jingle_seen). */
typedef struct
{
  CsXmppClient *client;
  CsTestLog *log;
  char *room;
  char *device; /* its real full address, as the room shows it */
  gboolean joined;
} Dino;

static const char dino_contents[] =
  "<content xmlns='urn:xmpp:jingle:1' name='audio'>"
  "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
  "<payload-type id='111' channels='2' clockrate='48000' name='opus'>"
  "<parameter name='useinbandfec' value='1'/></payload-type>"
  "<payload-type id='0' clockrate='8000' name='PCMU'/>"
  "</description></content>"
  "<content xmlns='urn:xmpp:jingle:1' name='video'>"
  "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
  "<payload-type id='98' clockrate='90000' name='VP8'>"
  "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>"
  "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>"
  "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>"
  "</payload-type></description></content>";

/* "opus/111/48000/2 useinbandfec=1" per payload type of @media, with " fb=nack:pli" per
 * feedback, joined by ",". */
static char *
describe_payloads (xmpp_stanza_t *muji, const char *media)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (xmpp_stanza_t *content = xmpp_stanza_get_children (muji); content != NULL;
       content = xmpp_stanza_get_next (content))
    {
      xmpp_stanza_t *description;

      if (!xmpp_stanza_is_tag (content) || g_strcmp0 (xmpp_stanza_get_name (content), "content") ||
          g_strcmp0 (xmpp_stanza_get_ns (content), NS_JINGLE) ||
          g_strcmp0 (xmpp_stanza_get_attribute (content, "name"), media))
        continue;
      description = xmpp_stanza_get_child_by_name (content, "description");
      g_assert_nonnull (description);
      g_assert_cmpstr (xmpp_stanza_get_attribute (description, "media"), ==, media);
      for (xmpp_stanza_t *type = xmpp_stanza_get_children (description); type != NULL;
           type = xmpp_stanza_get_next (type))
        {
          const char *channels = xmpp_stanza_get_attribute (type, "channels");

          if (g_strcmp0 (xmpp_stanza_get_name (type), "payload-type") != 0)
            continue;
          g_string_append_printf (text, "%s%s/%s/%s/%s", text->len > 0 ? "," : "",
                                  xmpp_stanza_get_attribute (type, "name"),
                                  xmpp_stanza_get_attribute (type, "id"),
                                  xmpp_stanza_get_attribute (type, "clockrate"),
                                  channels != NULL ? channels : "1");
          for (xmpp_stanza_t *child = xmpp_stanza_get_children (type); child != NULL;
               child = xmpp_stanza_get_next (child))
            {
              const char *name = xmpp_stanza_get_name (child);
              const char *subtype = xmpp_stanza_get_attribute (child, "subtype");

              if (g_strcmp0 (name, "parameter") == 0)
                g_string_append_printf (text, " %s=%s", xmpp_stanza_get_attribute (child, "name"),
                                        xmpp_stanza_get_attribute (child, "value"));
              else if (g_strcmp0 (name, "rtcp-fb") == 0)
                g_string_append_printf (text, " fb=%s%s%s",
                                        xmpp_stanza_get_attribute (child, "type"),
                                        subtype != NULL ? ":" : "", subtype != NULL ? subtype : "");
            }
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_dino_stanza (CsXmppClient *client, xmpp_stanza_t *stanza, Dino *dino)
{
  const char *from = xmpp_stanza_get_from (stanza);
  xmpp_stanza_t *x =
    xmpp_stanza_get_child_by_name_and_ns (stanza, "x", "http://jabber.org/protocol/muc#user");
  xmpp_stanza_t *item = x != NULL ? xmpp_stanza_get_child_by_name (x, "item") : NULL;
  xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name_and_ns (stanza, "muji", NS_MUJI);
  const char *jid = item != NULL ? xmpp_stanza_get_attribute (item, "jid") : NULL;
  g_autofree char *room = cs_stanza_bare_jid (from);
  g_autofree char *audio = NULL;
  g_autofree char *video = NULL;

  if (g_strcmp0 (xmpp_stanza_get_name (stanza), "iq") == 0)
    {
      xmpp_stanza_t *reply;

      if (g_strcmp0 (xmpp_stanza_get_type (stanza), "set") != 0)
        return;
      on_jingle_seen (client, stanza, dino->log);
      reply = xmpp_stanza_reply (stanza);
      xmpp_stanza_set_type (reply, "result");
      cs_xmpp_client_send (client, reply);
      xmpp_stanza_release (reply);
      return;
    }
  if (g_strcmp0 (xmpp_stanza_get_name (stanza), "presence") != 0 ||
      g_strcmp0 (room, dino->room) != 0 || xmpp_stanza_get_type (stanza) != NULL || muji == NULL)
    return;

  for (xmpp_stanza_t *status = x != NULL ? xmpp_stanza_get_children (x) : NULL; status != NULL;
       status = xmpp_stanza_get_next (status))
    if (g_strcmp0 (xmpp_stanza_get_attribute (status, "code"), "110") == 0)
      {
        g_free (dino->device);
        dino->device = g_strdup (jid);
        return;
      }
  audio = describe_payloads (muji, "audio");
  video = describe_payloads (muji, "video");
  cs_test_log_add (dino->log,
                   g_strdup_printf ("presence %s jid=%s muji=%s audio=%s video=%s",
                                    strchr (from, '/') + 1, jid != NULL ? jid : "-",
                                    xmpp_stanza_get_child_by_name (muji, "preparing") != NULL
                                      ? "preparing"
                                      : "full",
                                    audio, video));
}

static void
on_dino_room_joined (CsXmppClient *client, const char *room, gboolean created, Dino *dino)
{
  if (g_strcmp0 (room, dino->room) == 0)
    dino->joined = TRUE;
}

static void
dino_set_presence (Dino *dino, gboolean preparing)
{
  g_autofree char *text = g_strdup_printf ("<muji xmlns='" NS_MUJI "'>%s</muji>",
                                           preparing ? "<preparing/>" : dino_contents);
  xmpp_stanza_t *muji =
    xmpp_stanza_new_from_string (cs_xmpp_client_get_context (dino->client), text);

  g_assert_nonnull (muji);
  cs_xmpp_client_set_room_payload (dino->client, dino->room, muji);
  xmpp_stanza_release (muji);
}

static gboolean
dino_is_in (gpointer data)
{
  Dino *dino = data;

  return dino->joined && dino->device != NULL;
}

/* Dino enters @room (it may have to wait to be made a member) with a MUJI presence. */
static Dino *
dino_join (CsXmppClient *client, const char *room, const char *nick, gboolean preparing)
{
  Dino *dino = g_new0 (Dino, 1);

  dino->client = g_object_ref (client);
  dino->room = g_strdup (room);
  dino->log = cs_test_log_new (nick);
  g_signal_connect (client, "stanza-received", G_CALLBACK (on_dino_stanza), dino);
  g_signal_connect (client, "room-joined", G_CALLBACK (on_dino_room_joined), dino);
  dino_set_presence (dino, preparing);
  for (guint attempt = 0; attempt < 10 && !dino->joined; attempt++)
    {
      cs_xmpp_client_join_room (client, room, nick, FALSE, NULL);
      cs_test_iterate_until (dino_is_in, dino, 1);
    }
  cs_test_wait_until (dino_is_in, dino, "Dino in the call room");
  return dino;
}

static void
dino_free (Dino *dino)
{
  g_signal_handlers_disconnect_by_data (dino->client, dino);
  cs_xmpp_client_leave_room (dino->client, dino->room);
  g_object_unref (dino->client);
  cs_test_log_free (dino->log);
  g_free (dino->room);
  g_free (dino->device);
  g_free (dino);
}

static const char our_audio[] = "opus/111/48000/2 useinbandfec=1 fb=transport-cc";
static const char our_video[] =
  "VP8/96/90000/1 fb=nack fb=nack:pli fb=ccm:fir fb=transport-cc,rtx/97/90000/1 apt=96";

/* Dino 0.4 in one of our calls: it sees what we send in our presence, runs Jingle with us
 * between real full addresses, and waits, as we do, for those still preparing. */
static void
test_dino (void)
{
  g_autoptr (CsXmppClient) lea_client = client_new ("lea");
  g_autoptr (CsXmppClient) marc_client = client_new ("marc");
  g_autoptr (CsXmppClient) dino_client = client_new ("dinoim");
  g_autofree char *offer = cs_test_read_sdp_fixture ("webrtcbin-offer.sdp");
  g_autofree char *answer = cs_test_read_sdp_fixture ("webrtcbin-answer.sdp");
  static const char *const allowed[] = { "lea@localhost", "marc@localhost", "dinoim@localhost",
                                         NULL };
  g_autofree char *lea_device = NULL;
  g_autofree char *marc_device = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  Member *lea;
  Member *marc;
  Dino *dino;

  /* Léa starts the call; nobody is preparing, so she takes part at once. */
  lea = member_new_in (lea_client, CALL_ROOM_3, "lea", TRUE);
  cs_muji_call_set_allowed (lea->call, allowed);
  cs_muji_call_join (lea->call, "Léa");
  cs_test_log_wait (lea->events, "roster ");

  /* Dino comes in preparing: not in the call yet for léa. */
  dino = dino_join (dino_client, CALL_ROOM_3, "3f2a9c01", TRUE);
  wait_line_with (dino->log, "presence lea ", "muji=full");
  lea_device = field_of (dino->log, "presence lea ", "jid");
  g_assert_true (g_str_has_prefix (lea_device, "lea@localhost/"));
  /* Léa's presence says what she sends, as Dino reads it. */
  line = g_strdup_printf ("presence lea jid=%s muji=full audio=%s video=%s", lea_device, our_audio,
                          our_video);
  g_assert_true (cs_test_log_has_line (dino->log, line));

  /* Marc arrives while Dino prepares: he enters preparing too, and waits for Dino. */
  marc = member_new_in (marc_client, CALL_ROOM_3, "marc", FALSE);
  cs_muji_call_set_allowed (marc->call, allowed);
  cs_muji_call_join (marc->call, "Marc");
  wait_line_with (dino->log, "presence marc ", "muji=preparing");
  cs_test_settle (1500);
  g_assert_false (cs_test_log_has (marc->events, "roster "));
  g_assert_false (cs_test_log_has (lea->events, "joined 3f2a9c01"));
  g_assert_false (cs_test_log_has (lea->events, "joined marc"));

  /* Dino is ready: marc takes part with both in his roster, and says what he sends. */
  dino_set_presence (dino, FALSE);
  cs_test_log_wait (lea->events, "joined 3f2a9c01 3f2a9c01");
  cs_test_log_wait (marc->events, "roster ");
  g_assert_true (cs_test_log_has_line (marc->events, "roster lea,3f2a9c01") ||
                 cs_test_log_has_line (marc->events, "roster 3f2a9c01,lea"));
  cs_test_log_wait (lea->events, "joined marc Marc");
  wait_line_with (dino->log, "presence marc ", "muji=full");
  marc_device = field_of (dino->log, "presence marc ", "jid");
  g_assert_true (g_str_has_prefix (marc_device, "marc@localhost/"));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("presence marc jid=%s muji=full audio=%s video=%s", marc_device,
                          our_audio, our_video);
  g_assert_true (cs_test_log_has_line (dino->log, line));
  g_assert_cmpstr (cs_muji_call_get_peer_device (marc->call, "3f2a9c01"), ==, dino->device);

  /* The newcomer offers to Dino: from marc's real address to Dino's, naming the room. */
  cs_muji_call_send_description (marc->call, "3f2a9c01", "offer", offer);
  wait_line_with (dino->log, "session-initiate ", marc_device);
  expected = g_strdup_printf ("session-initiate from=%s to=%s initiator=%s responder=- muji=%s",
                              marc_device, dino->device, marc_device, CALL_ROOM_3);
  g_assert_true (cs_test_log_has (dino->log, expected));

  /* Dino offers to léa from its real address, with webrtcbin's offer as Jingle: she answers,
   * from hers. */
  send_jingle_to (dino_client, lea_device, "session-initiate", "dino-session-1", CALL_ROOM_3,
                  offer);
  cs_test_log_wait (lea->events, "offer 3f2a9c01");
  g_assert_nonnull (strstr (lea->events->last_sdp, "a=rtpmap:111 OPUS/48000/2"));
  cs_muji_call_send_description (lea->call, "3f2a9c01", "answer", answer);
  wait_line_with (dino->log, "session-accept ", lea_device);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("session-accept from=%s to=%s initiator=- responder=%s muji=- "
                              "sid=dino-session-1",
                              lea_device, dino->device, lea_device);
  g_assert_true (cs_test_log_has_line (dino->log, expected));
  {
    g_autofree char *sid = cs_muji_call_dup_session_id (lea->call, "3f2a9c01");

    g_assert_cmpstr (sid, ==, "dino-session-1");
  }
  /* Her candidates follow to the same address. */
  cs_muji_call_send_candidate (lea->call, "3f2a9c01", 0,
                               "candidate:1 1 UDP 2015363327 10.77.0.5 40000 typ host");
  wait_line_with (dino->log, "transport-info ", lea_device);

  /* Dino hangs up: léa's session with it ends. */
  send_jingle_to (dino_client, lea_device, "session-terminate", "dino-session-1", NULL, NULL);
  cs_test_log_wait (lea->events, "left 3f2a9c01");

  cs_muji_call_leave (marc->call);
  cs_muji_call_leave (lea->call);
  dino_free (dino);
  cs_test_settle (200);
  member_free (marc);
  member_free (lea);
}

/* Someone who stays preparing (their client crashed) keeps nobody out of the call long. */
static void
test_preparing_bound (void)
{
  g_autoptr (CsXmppClient) nina_client = client_new ("nina");
  g_autoptr (CsXmppClient) ghost_client = client_new ("ghost");
  g_autoptr (CsXmppClient) omar_client = client_new ("omar");
  static const char *const allowed[] = { "nina@localhost", "ghost@localhost", "omar@localhost",
                                         NULL };
  Member *nina;
  Member *omar;
  Dino *ghost;
  gint64 start;
  gint64 waited;

  nina = member_new_in (nina_client, CALL_ROOM_4, "nina", TRUE);
  cs_muji_call_set_allowed (nina->call, allowed);
  cs_muji_call_join (nina->call, "Nina");
  cs_test_log_wait (nina->events, "roster ");
  ghost = dino_join (ghost_client, CALL_ROOM_4, "ghost", TRUE);

  omar = member_new_in (omar_client, CALL_ROOM_4, "omar", FALSE);
  cs_muji_call_set_allowed (omar->call, allowed);
  start = g_get_monotonic_time ();
  cs_muji_call_join (omar->call, "Omar");
  cs_test_log_wait (omar->events, "roster ");
  waited = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_cmpint (waited, >=, 4);
  g_assert_cmpint (waited, <, 12);
  /* The one still preparing is not in the call. */
  g_assert_true (cs_test_log_has_line (omar->events, "roster nina"));
  cs_test_log_wait (nina->events, "joined omar Omar");
  g_assert_false (cs_test_log_has (nina->events, "joined ghost"));

  cs_muji_call_leave (omar->call);
  cs_muji_call_leave (nina->call);
  dino_free (ghost);
  cs_test_settle (200);
  member_free (omar);
  member_free (nina);
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
on_rejected_seen (CsCallInvites *invites,
                  const char *circle,
                  const char *id,
                  const char *nick,
                  CsTestLog *log)
{
  cs_test_log_add (log, g_strdup_printf ("rejected %s %s", id, nick));
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

  /* Dino declines it (as its Decline does, to the room): hana hears who. */
  g_signal_connect (hana_invites, "rejected", G_CALLBACK (on_rejected_seen), hana_log);
  send_call_message (dino, "reject", dino_saw_proposal, NULL);
  wait.log = hana_log;
  wait.prefix = "rejected ";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));
  g_assert_cmpuint (cs_test_log_count (hana_log, "rejected "), ==, 1);
  {
    g_autofree char *expected = g_strdup_printf ("rejected %s Dino", our_id);

    g_assert_true (cs_test_log_has (hana_log, expected));
  }

  /* Hana declines a call of Dino's: Dino reads a reject of its own call id. */
  send_call_message (dino, "propose", "c0ffee-dino", "d00d@rooms.localhost");
  wait.prefix = "invite c0ffee-dino";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));
  cs_call_invites_reject (hana_invites, "dupont@rooms.localhost", "c0ffee-dino");
  wait.log = dino_log;
  wait.prefix = "reject c0ffee-dino";
  g_assert_true (cs_test_iterate_until (log_has, &wait, CS_TEST_TIMEOUT_SECONDS));
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
  g_test_add_func ("/muji/dino", test_dino);
  g_test_add_func ("/muji/preparing-bound", test_preparing_bound);
  g_test_add_func ("/muji/invites", test_invites);
  g_test_add_func ("/muji/invites/call-message", test_invites_call_message);
  g_test_add_func ("/muji/ice-servers", test_ice_servers);

  return cs_test_run_with_server (&server);
}
