/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-direct-call"

#include "config.h"

#include "cs-direct-call.h"
#include "cs-incoming-calls.h"
#include "cs-test-server.h"
#include "cs-xmpp-stanza-util.h"

/* One-to-one calls over a real Prosody, without media: Jingle Message Initiation (XEP-0353)
 * rings every device of the contact, the one that answers gets the Jingle session carrying
 * webrtcbin's own SDP (tests/fixtures/sdp) both ways, candidates and mute state, and the
 * others stop ringing (message carbons); declining, hanging up before an answer and no answer
 * end the call with a reason for people; strangers, copies and replays of a proposal, and
 * forged carbons do not ring. */

#define TIMEOUT_SECONDS 20

typedef struct
{
  CsXmppClient *client;
  CsIncomingCalls *incoming;
  CsDirectCall *call;
  GPtrArray *events; /* "incoming alice@localhost Alice video=1", "roster bob@localhost", ... */
  char *last_sdp;
  char *last_id; /* of the last incoming call */
} Party;

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
record (Party *p, char *event)
{
  g_test_message ("%s: %s", cs_xmpp_client_get_address (p->client), event);
  g_ptr_array_add (p->events, event);
}

static gboolean
has_event (Party *p, const char *prefix)
{
  for (guint i = 0; i < p->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (p->events, i), prefix))
      return TRUE;
  return FALSE;
}

static guint
count_events (Party *p, const char *prefix)
{
  guint count = 0;

  for (guint i = 0; i < p->events->len; i++)
    count += g_str_has_prefix (g_ptr_array_index (p->events, i), prefix);
  return count;
}

static void
wait_event (Party *p, const char *prefix)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!has_event (p, prefix) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!has_event (p, prefix))
    g_error ("%s never saw “%s”", cs_xmpp_client_get_address (p->client), prefix);
  g_source_remove (id);
}

static void
wait_count (Party *p, const char *prefix, guint count)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (count_events (p, prefix) < count && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (count_events (p, prefix) < count)
    g_error ("%s never saw “%s” %u times", cs_xmpp_client_get_address (p->client), prefix, count);
  g_source_remove (id);
}

/* Lets the server pass on what is in flight. */
static void
settle (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, on_timeout, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
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
on_roster (CsDirectCall *call, GStrv ids, GStrv names, Party *p)
{
  g_autofree char *joined = g_strjoinv (",", ids);

  record (p, g_strdup_printf ("roster %s", joined));
}

static void
on_joined (CsDirectCall *call, const char *id, const char *name, Party *p)
{
  record (p, g_strdup_printf ("joined %s %s", id, name));
}

static void
on_left (CsDirectCall *call, const char *id, Party *p)
{
  record (p, g_strdup_printf ("left %s", id));
}

static void
on_description (CsDirectCall *call, const char *from, const char *type, const char *sdp, Party *p)
{
  g_free (p->last_sdp);
  p->last_sdp = g_strdup (sdp);
  record (p, g_strdup_printf ("%s %s", type, from));
}

static void
on_candidate (CsDirectCall *call, const char *from, guint index, const char *candidate, Party *p)
{
  record (p, g_strdup_printf ("candidate %s %u %s", from, index, candidate));
}

static void
on_media_state (CsDirectCall *call, const char *from, gboolean muted, gboolean camera_off, Party *p)
{
  record (p, g_strdup_printf ("media %s muted=%d camera_off=%d", from, muted, camera_off));
}

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
  g_signal_connect (call, "roster", G_CALLBACK (on_roster), p);
  g_signal_connect (call, "participant-joined", G_CALLBACK (on_joined), p);
  g_signal_connect (call, "participant-left", G_CALLBACK (on_left), p);
  g_signal_connect (call, "description", G_CALLBACK (on_description), p);
  g_signal_connect (call, "candidate", G_CALLBACK (on_candidate), p);
  g_signal_connect (call, "media-state", G_CALLBACK (on_media_state), p);
  g_signal_connect (call, "failed", G_CALLBACK (on_failed), p);
  g_signal_connect (call, "ringing", G_CALLBACK (on_ringing), p);
  g_signal_connect (call, "dropped", G_CALLBACK (on_call_dropped), p);
}

/* Signs @local in (registering the account the first time), ready to be called by @allowed. */
static Party *
party_new (const char *local, gboolean create, const char *const *allowed)
{
  g_autofree char *address = g_strdup_printf ("%s@localhost", local);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  Party *p = g_new0 (Party, 1);

  p->events = g_ptr_array_new_with_free_func (g_free);
  p->client = cs_xmpp_client_new (address);
  cs_xmpp_client_set_server (p->client, cs_test_server_get_host (server),
                             cs_test_server_get_port (server));
  cs_xmpp_client_set_ca_file (p->client, cs_test_server_get_ca_file (server));
  if (create)
    {
      cs_xmpp_client_register_async (p->client, "password", NULL, on_done, &result);
      g_assert_true (cs_xmpp_client_register_finish (p->client, wait_result (&result), &error));
    }
  else
    {
      cs_xmpp_client_connect_async (p->client, "password", NULL, on_done, &result);
      g_assert_true (cs_xmpp_client_connect_finish (p->client, wait_result (&result), &error));
    }
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
  g_ptr_array_unref (p->events);
  g_free (p->last_sdp);
  g_free (p->last_id);
  g_free (p);
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
  g_autofree char *offer = read_fixture ("webrtcbin-offer.sdp");
  g_autofree char *answer = read_fixture ("webrtcbin-answer.sdp");
  g_autofree char *sid = NULL;
  g_autofree char *id = NULL;
  Party *alice = party_new ("alice", TRUE, family);
  Party *bob_laptop = party_new ("bob", TRUE, family);
  Party *bob_phone = party_new ("bob", FALSE, family);

  g_signal_connect (alice->client, "stanza-received", G_CALLBACK (on_raw_stanza), alice);
  g_signal_connect (bob_laptop->client, "stanza-received", G_CALLBACK (on_raw_stanza), bob_laptop);

  /* Carbons are being turned on for both of bob's devices. */
  settle (500);

  /* Alice calls bob: both his devices ring, and she hears that it rings. */
  party_set_call (alice, cs_direct_call_new (alice->client, "bob@localhost", "Bob", TRUE));
  g_assert_true (cs_direct_call_is_outgoing (alice->call));
  id = g_strdup (cs_direct_call_get_id (alice->call));
  cs_direct_call_join (alice->call, "Alice");
  wait_event (bob_laptop, "incoming alice@localhost Alice video=1");
  wait_event (bob_phone, "incoming alice@localhost Alice video=1");
  g_assert_cmpstr (bob_laptop->last_id, ==, id);
  wait_event (alice, "ringing");
  g_assert_false (has_event (alice, "roster"));

  /* He answers on his laptop: alice's call now has him, and his phone stops ringing. */
  party_set_call (bob_laptop, cs_incoming_calls_accept (bob_laptop->incoming, id));
  g_assert_null (cs_incoming_calls_accept (bob_laptop->incoming, id));
  cs_direct_call_join (bob_laptop->call, "Bob");
  wait_event (bob_laptop, "roster ");
  g_assert_cmpstr (g_ptr_array_index (bob_laptop->events, 1), ==, "roster ");
  wait_event (alice, "roster bob@localhost");
  wait_event (bob_phone, "stopped answered-elsewhere");
  g_assert_false (has_event (bob_laptop, "stopped"));

  /* The caller offers; webrtcbin's SDP travels as Jingle, in a session with the proposal's
   * id, to the device that answered. */
  cs_direct_call_send_description (alice->call, "bob@localhost", "offer", offer);
  wait_event (bob_laptop, "offer alice@localhost");
  g_assert_true (has_event (bob_laptop, "joined alice@localhost Alice"));
  g_assert_nonnull (strstr (bob_laptop->last_sdp, "m=audio"));
  g_assert_nonnull (strstr (bob_laptop->last_sdp, "m=video"));
  g_assert_nonnull (strstr (bob_laptop->last_sdp, "a=fingerprint:sha-256"));
  sid = cs_direct_call_dup_session_id (bob_laptop->call);
  g_assert_cmpstr (sid, ==, id);
  g_assert_true (has_event (bob_laptop, "initiator is the sender"));

  cs_direct_call_send_candidate (alice->call, "bob@localhost", 1,
                                 "candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");
  wait_event (bob_laptop,
              "candidate alice@localhost 1 candidate:1 1 UDP 2015363327 10.77.0.3 40000 typ host");

  cs_direct_call_send_description (bob_laptop->call, "alice@localhost", "answer", answer);
  wait_event (alice, "answer bob@localhost");
  g_assert_true (has_event (alice, "responder is the sender"));
  g_assert_nonnull (strstr (alice->last_sdp, "a=setup:"));
  cs_direct_call_send_candidate (bob_laptop->call, "alice@localhost", 0,
                                 "candidate:2 1 UDP 2015363327 10.77.0.4 40002 typ host");
  wait_event (alice,
              "candidate bob@localhost 0 candidate:2 1 UDP 2015363327 10.77.0.4 40002 typ host");

  cs_direct_call_send_media_state (alice->call, TRUE, FALSE);
  wait_event (bob_laptop, "media alice@localhost muted=1 camera_off=0");
  cs_direct_call_send_media_state (bob_laptop->call, FALSE, TRUE);
  wait_event (alice, "media bob@localhost muted=0 camera_off=1");

  /* The proposal again (a resend, or someone replaying it): nothing rings. */
  send_raw_propose (alice->client, "bob@localhost", id);
  wait_event (bob_laptop, "dropped alice@localhost/");
  wait_event (bob_phone, "dropped alice@localhost/");
  g_assert_cmpuint (count_events (bob_laptop, "incoming"), ==, 1);
  g_assert_cmpuint (count_events (bob_phone, "incoming"), ==, 1);
  g_assert_cmpuint (count_events (bob_phone, "dropped alice@localhost/"), ==, 1);
  g_assert_true (
    g_str_has_suffix (g_ptr_array_index (bob_phone->events, bob_phone->events->len - 1),
                      ": a proposal seen before"));
  /* The phone never took part. */
  g_assert_false (has_event (bob_phone, "offer"));

  /* Alice hangs up: bob's call loses her at once. */
  cs_direct_call_leave (alice->call);
  wait_event (bob_laptop, "left alice@localhost");
  g_assert_false (has_event (bob_laptop, "failed"));
  g_assert_false (has_event (alice, "failed"));
  cs_direct_call_leave (bob_laptop->call);
  settle (200);

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

  settle (500);
  party_set_call (carol, cs_direct_call_new (carol->client, "dave@localhost", "Dave", FALSE));
  cs_direct_call_join (carol->call, "Carol");
  wait_event (dave, "incoming carol@localhost Carol video=0");
  wait_event (dave_phone, "incoming carol@localhost Carol video=0");

  /* Dave declines on one device: carol is told in plain words, his other device stops. */
  cs_incoming_calls_reject (dave->incoming, dave->last_id);
  wait_event (carol, "failed Dave declined the call.");
  wait_event (dave_phone, "stopped rejected-elsewhere");
  g_assert_false (has_event (carol, "roster"));

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
  settle (500);

  /* Erin hangs up before frank answers: it stops ringing. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_join (erin->call, "Erin");
  wait_event (frank, "incoming erin@localhost Erin");
  first_id = g_strdup (frank->last_id);
  cs_direct_call_leave (erin->call);
  expected = g_strdup_printf ("stopped retracted %s", first_id);
  wait_event (frank, expected);
  g_assert_null (cs_incoming_calls_accept (frank->incoming, first_id));
  g_assert_finalize_object (g_steal_pointer (&erin->call));

  /* Nobody answers: erin's call gives up by itself, with a reason, and it stops ringing. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_set_ring_timeout (erin->call, 2);
  cs_direct_call_join (erin->call, "Erin");
  wait_event (erin, "failed Frank did not answer. Try again later.");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("stopped retracted %s", cs_direct_call_get_id (erin->call));
  wait_event (frank, expected);
  g_assert_cmpuint (count_events (frank, "incoming"), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&erin->call));

  /* Frank answers, and erin hangs up before the session begins: frank's call fails, saying
   * so. */
  party_set_call (erin, cs_direct_call_new (erin->client, "frank@localhost", "Frank", TRUE));
  cs_direct_call_join (erin->call, "Erin");
  g_ptr_array_set_size (frank->events, 0);
  wait_event (frank, "incoming erin@localhost");
  answered = cs_incoming_calls_accept (frank->incoming, frank->last_id);
  party_set_call (frank, answered);
  cs_direct_call_join (frank->call, "Frank");
  wait_event (erin, "roster frank@localhost");
  cs_direct_call_leave (erin->call);
  wait_event (frank, "failed Erin hung up before the call began.");

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

  settle (500);

  /* Someone who is not among hugo's contacts: nothing rings. */
  party_set_call (mallory, cs_direct_call_new (mallory->client, "hugo@localhost", NULL, TRUE));
  cs_direct_call_join (mallory->call, "Mallory");
  wait_event (hugo, "dropped mallory@localhost/");
  g_assert_true (
    g_str_has_suffix (g_ptr_array_index (hugo->events, 0), ": not an allowed contact"));
  g_assert_false (has_event (hugo, "incoming"));
  g_assert_false (has_event (mallory, "ringing"));

  /* Gina calls; mallory forges a carbon saying hugo answered on another device: it still
   * rings. */
  party_set_call (gina, cs_direct_call_new (gina->client, "hugo@localhost", "Hugo", TRUE));
  cs_direct_call_join (gina->call, "Gina");
  wait_event (hugo, "incoming gina@localhost Gina");
  wait_event (hugo_phone, "incoming gina@localhost Gina");
  forged =
    g_strdup_printf ("<message to='hugo@localhost' type='chat'>"
                     "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                     "<message xmlns='jabber:client' from='hugo@localhost/x' "
                     "to='gina@localhost/y' type='chat'>"
                     "<proceed xmlns='urn:xmpp:jingle-message:0' id='%s'/>"
                     "</message></forwarded></sent></message>",
                     hugo->last_id);
  send_raw (mallory->client, forged);
  wait_count (hugo, "dropped mallory@localhost/", 2);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (hugo->events, hugo->events->len - 1),
                                   ": a carbon copy from someone else"));
  g_assert_false (has_event (hugo, "stopped"));
  g_assert_false (has_event (hugo_phone, "stopped"));
  /* Declining works: the proposal was still ringing. */
  cs_incoming_calls_reject (hugo->incoming, hugo->last_id);
  wait_event (gina, "failed Hugo declined the call.");

  party_free (mallory);
  party_free (hugo_phone);
  party_free (hugo);
  party_free (gina);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/direct-call/answered", test_answered);
  g_test_add_func ("/direct-call/rejected", test_rejected);
  g_test_add_func ("/direct-call/retracted-or-unanswered", test_retracted);
  g_test_add_func ("/direct-call/refused", test_refused);

  status = g_test_run ();
  cs_test_server_free (server);
  return status;
}
