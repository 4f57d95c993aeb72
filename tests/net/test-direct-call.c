/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-direct-call"

#include "config.h"

#include "cs-direct-call.h"
#include "cs-incoming-calls.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"

/* One-to-one calls over a real Prosody, without media: Jingle Message Initiation (XEP-0353)
 * rings every device of the contact, the one that answers gets the Jingle session carrying
 * webrtcbin's own SDP (tests/fixtures/sdp) both ways, candidates and mute state, and the
 * others stop ringing (message carbons); declining, hanging up before an answer and no answer
 * end the call with a reason for people; strangers, copies and replays of a proposal, and
 * forged carbons do not ring. */

typedef struct
{
  CsXmppClient *client;
  CsIncomingCalls *incoming;
  CsDirectCall *call;
  CsTestLog *events; /* "incoming alice@localhost Alice video=1", "roster bob@localhost", ... */
  char *last_id;     /* of the last incoming call */
} Party;

static CsTestServer *server;

static void
record (Party *p, char *event)
{
  cs_test_log_add (p->events, event);
}

/* Incoming calls. */

static void
on_incoming (CsIncomingCalls *incoming,
             const char *id,
             const char *from,
             const char *name,
             gboolean video,
             Party *p)
{
  g_free (p->last_id);
  p->last_id = g_strdup (id);
  record (p, g_strdup_printf ("incoming %s %s video=%d", from, name, video));
}

static void
on_stopped (CsIncomingCalls *incoming, const char *id, CsIncomingCallEnd why, Party *p)
{
  static const char *const whys[] = { "retracted", "answered-elsewhere", "rejected-elsewhere",
                                      "expired" };

  g_assert_cmpint (why, <, G_N_ELEMENTS (whys));
  record (p, g_strdup_printf ("stopped %s %s", whys[why], id));
}

static void
on_incoming_dropped (CsIncomingCalls *incoming, const char *from, const char *reason, Party *p)
{
  record (p, g_strdup_printf ("dropped %s: %s", from, reason));
}

/* The call. */

static void
on_failed (CsDirectCall *call, GError *error, Party *p)
{
  record (p, g_strdup_printf ("failed %s", error->message));
}

static void
on_ringing (CsDirectCall *call, Party *p)
{
  record (p, g_strdup ("ringing"));
}

static void
on_call_dropped (CsDirectCall *call, const char *from, const char *reason, Party *p)
{
  record (p, g_strdup_printf ("call dropped %s: %s", from, reason));
}

/* What the peer's Jingle says about who is who (XEP-0166 wants it, and some clients read it). */
static void
on_raw_stanza (CsXmppClient *client, xmpp_stanza_t *stanza, Party *p)
{
  xmpp_stanza_t *jingle =
    xmpp_stanza_get_child_by_name_and_ns (stanza, "jingle", "urn:xmpp:jingle:1");
  const char *action = jingle != NULL ? xmpp_stanza_get_attribute (jingle, "action") : NULL;
  const char *from = xmpp_stanza_get_from (stanza);

  if (g_strcmp0 (action, "session-initiate") == 0)
    record (p,
            g_strdup_printf ("initiator %s",
                             g_strcmp0 (xmpp_stanza_get_attribute (jingle, "initiator"), from) == 0
                               ? "is the sender"
                               : "is wrong"));
  else if (g_strcmp0 (action, "session-accept") == 0)
    record (p,
            g_strdup_printf ("responder %s",
                             g_strcmp0 (xmpp_stanza_get_attribute (jingle, "responder"), from) == 0
                               ? "is the sender"
                               : "is wrong"));
}

static void
party_set_call (Party *p, CsDirectCall *call)
{
  g_assert_null (p->call);
  g_assert_nonnull (call);
  p->call = call;
  cs_test_log_watch_call (p->events, call);
  g_signal_connect (call, "failed", G_CALLBACK (on_failed), p);
  g_signal_connect (call, "ringing", G_CALLBACK (on_ringing), p);
  g_signal_connect (call, "dropped", G_CALLBACK (on_call_dropped), p);
}

/* Signs @local in (registering the account the first time), ready to be called by @allowed. */
static Party *
party_new (const char *local, gboolean create, const char *const *allowed)
{
  g_autoptr (GError) error = NULL;
  Party *p = g_new0 (Party, 1);

  p->client = cs_test_client_new (server, local);
  p->events = cs_test_log_new (cs_xmpp_client_get_address (p->client));
  g_assert_true (cs_test_client_sign_in (p->client, "password", create, &error));
  g_assert_no_error (error);

  p->incoming = cs_incoming_calls_new (p->client);
  cs_incoming_calls_set_allowed (p->incoming, allowed);
  g_signal_connect (p->incoming, "incoming", G_CALLBACK (on_incoming), p);
  g_signal_connect (p->incoming, "stopped", G_CALLBACK (on_stopped), p);
  g_signal_connect (p->incoming, "dropped", G_CALLBACK (on_incoming_dropped), p);
  return p;
}

static void
party_free (Party *p)
{
  if (p->call != NULL)
    g_assert_finalize_object (p->call);
  g_assert_finalize_object (p->incoming);
  cs_xmpp_client_disconnect (p->client);
  g_object_unref (p->client);
  cs_test_log_free (p->events);
  g_free (p->last_id);
  g_free (p);
}

static void
send_raw (CsXmppClient *client, const char *xml)
{
  xmpp_stanza_t *stanza = xmpp_stanza_new_from_string (cs_xmpp_client_get_context (client), xml);

  g_assert_nonnull (stanza);
  cs_xmpp_client_send (client, stanza);
  xmpp_stanza_release (stanza);
}

static void
send_raw_propose (CsXmppClient *from, const char *to, const char *id)
{
  g_autofree char *xml =
    g_strdup_printf ("<message to='%s' type='chat' id='raw-%s'>"
                     "<propose xmlns='urn:xmpp:jingle-message:0' id='%s'>"
                     "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>"
                     "</propose></message>",
                     to, id, id);

  send_raw (from, xml);
}

static void
test_answered (void)
{
  static const char *const family[] = { "alice@localhost", NULL };
  g_autofree char *offer = cs_test_read_sdp_fixture ("webrtcbin-offer.sdp");
  g_autofree char *answer = cs_test_read_sdp_fixture ("webrtcbin-answer.sdp");
  g_autofree char *sid = NULL;
  g_autofree char *id = NULL;
  Party *alice = party_new ("alice", TRUE, family);
  Party *bob_laptop = party_new ("bob", TRUE, family);
  Party *bob_phone = party_new ("bob", FALSE, family);

  g_signal_connect (alice->client, "stanza-received", G_CALLBACK (on_raw_stanza), alice);
  g_signal_connect (bob_laptop->client, "stanza-received", G_CALLBACK (on_raw_stanza), bob_laptop);

  /* Carbons are being turned on for both of bob's devices. */
  cs_test_settle (500);

  /* Alice calls bob: both his devices ring, and she hears that it rings. */
  party_set_call (alice, cs_direct_call_new (alice->client, "bob@localhost", "Bob", TRUE));
  g_assert_true (cs_direct_call_is_outgoing (alice->call));
  id = g_strdup (cs_direct_call_get_id (alice->call));
  cs_direct_call_join (alice->call, "Alice");
  cs_test_log_wait (bob_laptop->events, "incoming alice@localhost Alice video=1");
  cs_test_log_wait (bob_phone->events, "incoming alice@localhost Alice video=1");
  g_assert_cmpstr (bob_laptop->last_id, ==, id);
  cs_test_log_wait (alice->events, "ringing");
  g_assert_false (cs_test_log_has (alice->events, "roster"));

  /* He answers on his laptop: alice's call now has him, and his phone stops ringing. */
  party_set_call (bob_laptop, cs_incoming_calls_accept (bob_laptop->incoming, id));
  g_assert_null (cs_incoming_calls_accept (bob_laptop->incoming, id));
  cs_direct_call_join (bob_laptop->call, "Bob");
  cs_test_log_wait (bob_laptop->events, "roster ");
  g_assert_cmpstr (g_ptr_array_index (bob_laptop->events->lines, 1), ==, "roster ");
  cs_test_log_wait (alice->events, "roster bob@localhost");
  cs_test_log_wait (bob_phone->events, "stopped answered-elsewhere");
  g_assert_false (cs_test_log_has (bob_laptop->events, "stopped"));

  /* The caller offers; webrtcbin's SDP travels as Jingle, in a session with the proposal's
   * id, to the device that answered. */
  cs_direct_call_send_description (alice->call, "bob@localhost", "offer", offer);
  cs_test_log_wait (bob_laptop->events, "offer alice@localhost");
  g_assert_true (cs_test_log_has (bob_laptop->events, "joined alice@localhost Alice"));
  g_assert_nonnull (strstr (bob_laptop->events->last_sdp, "m=audio"));
  g_assert_nonnull (strstr (bob_laptop->events->last_sdp, "m=video"));
  g_assert_nonnull (strstr (bob_laptop->events->last_sdp, "a=fingerprint:sha-256"));
  sid = cs_direct_call_dup_session_id (bob_laptop->call);
  g_assert_cmpstr (sid, ==, id);
  g_assert_true (cs_test_log_has (bob_laptop->events, "initiator is the sender"));

  cs_direct_call_send_candidate (alice->call, "bob@localhost", 1,
                                 "candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");
  cs_test_log_wait (
    bob_laptop->events,
    "candidate alice@localhost 1 candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");

  cs_direct_call_send_description (bob_laptop->call, "alice@localhost", "answer", answer);
  cs_test_log_wait (alice->events, "answer bob@localhost");
  g_assert_true (cs_test_log_has (alice->events, "responder is the sender"));
  g_assert_nonnull (strstr (alice->events->last_sdp, "a=setup:"));
  cs_direct_call_send_candidate (bob_laptop->call, "alice@localhost", 0,
                                 "candidate:2 1 UDP 2015363327 10.77.0.4 40002 typ host");
  cs_test_log_wait (
    alice->events,
    "candidate bob@localhost 0 candidate:2 1 UDP 2015363327 10.77.0.4 40002 typ host");

  cs_direct_call_send_media_state (alice->call, TRUE, FALSE);
  cs_test_log_wait (bob_laptop->events, "media alice@localhost muted=1 camera_off=0");
  cs_direct_call_send_media_state (bob_laptop->call, FALSE, TRUE);
  cs_test_log_wait (alice->events, "media bob@localhost muted=0 camera_off=1");

  /* The proposal again (a resend, or someone replaying it): nothing rings. */
  send_raw_propose (alice->client, "bob@localhost", id);
  cs_test_log_wait (bob_laptop->events, "dropped alice@localhost/");
  cs_test_log_wait (bob_phone->events, "dropped alice@localhost/");
  g_assert_cmpuint (cs_test_log_count (bob_laptop->events, "incoming"), ==, 1);
  g_assert_cmpuint (cs_test_log_count (bob_phone->events, "incoming"), ==, 1);
  g_assert_cmpuint (cs_test_log_count (bob_phone->events, "dropped alice@localhost/"), ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (bob_phone->events->lines,
                                                      bob_phone->events->lines->len - 1),
                                   ": a proposal seen before"));
  /* The phone never took part. */
  g_assert_false (cs_test_log_has (bob_phone->events, "offer"));

  /* Alice hangs up: bob's call loses her at once. */
  cs_direct_call_leave (alice->call);
  cs_test_log_wait (bob_laptop->events, "left alice@localhost");
  g_assert_false (cs_test_log_has (bob_laptop->events, "failed"));
  g_assert_false (cs_test_log_has (alice->events, "failed"));
  cs_direct_call_leave (bob_laptop->call);
  cs_test_settle (200);

  party_free (bob_phone);
  party_free (bob_laptop);
  party_free (alice);
}

static void
test_rejected (void)
{
  static const char *const family[] = { "carol@localhost", NULL };
  Party *carol = party_new ("carol", TRUE, NULL);
  Party *dave = party_new ("dave", TRUE, family);
  Party *dave_phone = party_new ("dave", FALSE, family);

  cs_test_settle (500);
  party_set_call (carol, cs_direct_call_new (carol->client, "dave@localhost", "Dave", FALSE));
  cs_direct_call_join (carol->call, "Carol");
  cs_test_log_wait (dave->events, "incoming carol@localhost Carol video=0");
  cs_test_log_wait (dave_phone->events, "incoming carol@localhost Carol video=0");

  /* Dave declines on one device: carol is told in plain words, his other device stops. */
  cs_incoming_calls_reject (dave->incoming, dave->last_id);
  cs_test_log_wait (carol->events, "failed Dave declined the call.");
  cs_test_log_wait (dave_phone->events, "stopped rejected-elsewhere");
  g_assert_false (cs_test_log_has (carol->events, "roster"));

  party_free (dave_phone);
  party_free (dave);
  party_free (carol);
}

static void
test_retracted (void)
{
  static const char *const family[] = { "erin@localhost", NULL };
  Party *erin = party_new ("erin", TRUE, NULL);
  Party *frank = party_new ("frank", TRUE, family);
  g_autofree char *first_id = NULL;
  g_autofree char *expected = NULL;
  CsDirectCall *answered;

  /* Until frank's presence is in, a call to him waits on the server as if he were away. */
  cs_test_settle (500);

  /* Erin hangs up before frank answers: it stops ringing. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_join (erin->call, "Erin");
  cs_test_log_wait (frank->events, "incoming erin@localhost Erin");
  first_id = g_strdup (frank->last_id);
  cs_direct_call_leave (erin->call);
  expected = g_strdup_printf ("stopped retracted %s", first_id);
  cs_test_log_wait (frank->events, expected);
  g_assert_null (cs_incoming_calls_accept (frank->incoming, first_id));
  g_assert_finalize_object (g_steal_pointer (&erin->call));

  /* Nobody answers: erin's call gives up by itself, with a reason, and it stops ringing. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_set_ring_timeout (erin->call, 2);
  cs_direct_call_join (erin->call, "Erin");
  cs_test_log_wait (erin->events, "failed Frank did not answer. Try again later.");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("stopped retracted %s", cs_direct_call_get_id (erin->call));
  cs_test_log_wait (frank->events, expected);
  g_assert_cmpuint (cs_test_log_count (frank->events, "incoming"), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&erin->call));

  /* Frank answers, and erin hangs up before the session begins: frank's call fails, saying
   * so. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_join (erin->call, "Erin");
  cs_test_log_clear (frank->events);
  cs_test_log_wait (frank->events, "incoming erin@localhost");
  answered = cs_incoming_calls_accept (frank->incoming, frank->last_id);
  party_set_call (frank, answered);
  cs_direct_call_join (frank->call, "Frank");
  cs_test_log_wait (erin->events, "roster frank@localhost");
  cs_direct_call_leave (erin->call);
  cs_test_log_wait (frank->events, "failed Erin hung up before the call began.");

  party_free (frank);
  party_free (erin);
}

static void
test_refused (void)
{
  static const char *const family[] = { "gina@localhost", NULL };
  Party *gina = party_new ("gina", TRUE, NULL);
  Party *hugo = party_new ("hugo", TRUE, family);
  Party *hugo_phone = party_new ("hugo", FALSE, family);
  Party *mallory = party_new ("mallory", TRUE, NULL);
  g_autofree char *forged = NULL;

  cs_test_settle (500);

  /* Someone who is not among hugo's contacts: nothing rings. */
  party_set_call (mallory, cs_direct_call_new (mallory->client, "hugo@localhost", NULL, TRUE));
  cs_direct_call_join (mallory->call, "Mallory");
  cs_test_log_wait (hugo->events, "dropped mallory@localhost/");
  g_assert_true (
    g_str_has_suffix (g_ptr_array_index (hugo->events->lines, 0), ": not an allowed contact"));
  g_assert_false (cs_test_log_has (hugo->events, "incoming"));
  g_assert_false (cs_test_log_has (mallory->events, "ringing"));

  /* Gina calls; mallory forges a carbon saying hugo answered on another device: it still
   * rings. */
  party_set_call (gina, cs_direct_call_new (gina->client, "hugo@localhost", "Hugo", TRUE));
  cs_direct_call_join (gina->call, "Gina");
  cs_test_log_wait (hugo->events, "incoming gina@localhost Gina");
  cs_test_log_wait (hugo_phone->events, "incoming gina@localhost Gina");
  forged =
    g_strdup_printf ("<message to='hugo@localhost' type='chat'>"
                     "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                     "<message xmlns='jabber:client' from='hugo@localhost/x' "
                     "to='gina@localhost/y' type='chat'>"
                     "<proceed xmlns='urn:xmpp:jingle-message:0' id='%s'/>"
                     "</message></forwarded></sent></message>",
                     hugo->last_id);
  send_raw (mallory->client, forged);
  cs_test_log_wait_count (hugo->events, "dropped mallory@localhost/", 2);
  g_assert_true (
    g_str_has_suffix (g_ptr_array_index (hugo->events->lines, hugo->events->lines->len - 1),
                      ": a carbon copy from someone else"));
  g_assert_false (cs_test_log_has (hugo->events, "stopped"));
  g_assert_false (cs_test_log_has (hugo_phone->events, "stopped"));
  /* Declining works: the proposal was still ringing. */
  cs_incoming_calls_reject (hugo->incoming, hugo->last_id);
  cs_test_log_wait (gina->events, "failed Hugo declined the call.");

  party_free (mallory);
  party_free (hugo_phone);
  party_free (hugo);
  party_free (gina);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/direct-call/answered", test_answered);
  g_test_add_func ("/direct-call/rejected", test_rejected);
  g_test_add_func ("/direct-call/retracted-or-unanswered", test_retracted);
  g_test_add_func ("/direct-call/refused", test_refused);

  return cs_test_run_with_server (&server);
}
