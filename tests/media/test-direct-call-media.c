/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-direct-call-media"

#include "config.h"

#include "cs-lab.h"
#include "cs-call-recorder.h"

#include "cs-call.h"
#include "cs-incoming-calls.h"
#include "cs-test-client.h"
#include "cs-xmpp-signaling.h"

#include <glib/gstdio.h>

#include <string.h>

/* A one-to-one call with real media: two call engines in this process, each on its
 * CsXmppSignaling over a CsDirectCall, through a real Prosody. Alice rings bob, bob answers,
 * both decode each other's video, see the same verification code and bob's mute; alice hangs
 * up and bob's call loses her. Runs in a network namespace of its own with one dummy
 * interface (libnice ignores loopback), so it needs root. */

#define TIMEOUT_SECONDS 30

static CsTestServer *server;
static gboolean have_network;

typedef struct
{
  CsXmppClient *client;
  CsIncomingCalls *incoming;
  CsDirectCall *direct;
  CsXmppSignaling *signaling;
  CsCall *call;
  char *incoming_id;
  /* The side's contact history, where the call is written when it is over. */
  char *store_dir;
  CsStore *store;
  gint64 peer_contact;
  CsCallRecorder *recorder;
} Side;

/* Media takes longer than signalling alone (cs_test_wait_until()'s limit). */
static void
wait_for (CsTestCheck condition, gpointer data, const char *what)
{
  if (!cs_test_iterate_until (condition, data, TIMEOUT_SECONDS))
    g_error ("Timed out waiting for %s", what);
}

/* Without root there is no namespace of our own, and the test is skipped; with root, failing
 * to set it up is an error. */
static gboolean
make_network (void)
{
  g_autoptr (GError) error = NULL;

  if (cs_lab_enter_own_network ("lab0eth0", "10.78.0.1/24", &error))
    return TRUE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_error ("Cannot set up the network namespace: %s", error->message);
  g_printerr ("# %s\n", error->message);
  return FALSE;
}

static void
on_incoming (CsIncomingCalls *incoming,
             const char *id,
             const char *from,
             const char *name,
             gboolean video,
             Side *side)
{
  g_test_message ("Incoming call %s from %s (%s), video %d", id, from, name, video);
  g_free (side->incoming_id);
  side->incoming_id = g_strdup (id);
}

static void
side_init (Side *side, const char *local, const char *const *allowed)
{
  side->client = cs_test_client_new_registered (server, local);

  side->incoming = cs_incoming_calls_new (side->client);
  cs_incoming_calls_set_allowed (side->incoming, allowed);
  g_signal_connect (side->incoming, "incoming", G_CALLBACK (on_incoming), side);
}

/* The other person, who is among this side's contacts. */
static gint64
resolve_peer (CsCallPeer *peer, gpointer user_data)
{
  return ((Side *) user_data)->peer_contact;
}

static void
side_open_store (Side *side, const char *peer_name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CsContact) draft = cs_contact_new ();
  CsContact *contact;

  side->store_dir = g_dir_make_tmp ("cs-direct-call-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (side->store_dir, "cousinade.db", NULL);
  side->store = cs_store_open (path, &error);
  g_assert_no_error (error);
  cs_contact_set_name (draft, peer_name);
  contact = cs_store_save_contact (side->store, draft, &error);
  g_assert_no_error (error);
  side->peer_contact = cs_contact_get_id (contact);
}

static void
side_start (Side *side, CsDirectCall *direct, const char *name)
{
  g_autoptr (GError) error = NULL;

  side->direct = direct;
  side->signaling = cs_xmpp_signaling_new_direct (direct);
  g_assert_true (cs_xmpp_signaling_get_direct_call (side->signaling) == direct);
  g_assert_null (cs_xmpp_signaling_get_call (side->signaling));
  side->call = cs_call_new (CS_CALL_SIGNALING (side->signaling), name);
  cs_call_set_video_size (side->call, 320, 240, 15);
  side->recorder =
    cs_call_recorder_new (side->store, side->call, "direct-call-test", 0, resolve_peer, side, NULL);
  g_assert_true (cs_call_join (side->call, &error));
  g_assert_no_error (error);
}

static void
side_clear (Side *side)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&side->recorder);
  g_clear_object (&side->store);
  for (guint i = 0; side->store_dir != NULL && i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (side->store_dir, "/cousinade.db", suffixes[i], NULL);

      g_remove (name);
    }
  if (side->store_dir != NULL)
    g_rmdir (side->store_dir);
  g_clear_pointer (&side->store_dir, g_free);
  g_clear_object (&side->call);
  g_clear_object (&side->signaling);
  g_clear_object (&side->direct);
  g_clear_object (&side->incoming);
  cs_xmpp_client_disconnect (side->client);
  g_clear_object (&side->client);
  g_clear_pointer (&side->incoming_id, g_free);
}

static gboolean
has_incoming (gpointer data)
{
  return ((Side *) data)->incoming_id != NULL;
}

typedef struct
{
  Side *side;
  const char *peer;
} PeerWait;

static gboolean
decodes_from (gpointer data)
{
  PeerWait *wait = data;
  CsCallPeer *peer = cs_call_find_peer (wait->side->call, wait->peer);

  return peer != NULL && cs_call_peer_get_frames_decoded (peer) >= 10;
}

static gboolean
sees_muted (gpointer data)
{
  PeerWait *wait = data;
  CsCallPeer *peer = cs_call_find_peer (wait->side->call, wait->peer);

  return peer != NULL && cs_call_peer_get_muted (peer);
}

static gboolean
has_lost (gpointer data)
{
  PeerWait *wait = data;

  CsCallPeer *peer = cs_call_find_peer (wait->side->call, wait->peer);

  return peer == NULL || cs_call_peer_get_state (peer) >= CS_CALL_PEER_STATE_LOST;
}

static gboolean
has_entry (gpointer data)
{
  return cs_call_recorder_get_entry (((Side *) data)->recorder) != 0;
}

static void
assert_call_recorded (Side *side)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (CsInteraction) entry = NULL;
  CsContact *peer = cs_store_find_contact (side->store, side->peer_contact);
  const gint64 *participants;
  gsize n_participants;

  wait_for (has_entry, side, "the call in the history");
  timeline = cs_store_get_contact_timeline (side->store, peer, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);
  entry = g_list_model_get_item (timeline, 0);
  g_assert_cmpint (cs_interaction_get_kind (entry), ==, CS_INTERACTION_KIND_CALL);
  /* It began when this side joined, moments ago, and lasted the few seconds of the test. */
  {
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    GTimeSpan ago = g_date_time_difference (now, cs_interaction_get_started_at (entry));

    g_assert_cmpint (ago, >=, 0);
    g_assert_cmpint (ago, <, 60 * G_TIME_SPAN_SECOND);
    g_assert_cmpuint (cs_interaction_get_duration_seconds (entry), <=, ago / G_TIME_SPAN_SECOND);
  }
  participants = cs_interaction_get_participants (entry, &n_participants);
  g_assert_cmpuint (n_participants, ==, 1);
  g_assert_cmpint (participants[0], ==, side->peer_contact);
}

static void
test_call (void)
{
  static const char *const alice_contacts[] = { "bob@localhost", NULL };
  static const char *const bob_contacts[] = { "alice@localhost", NULL };
  Side alice = { 0 };
  Side bob = { 0 };
  PeerWait alice_hears_bob = { &alice, "bob@localhost" };
  PeerWait bob_hears_alice = { &bob, "alice@localhost" };
  CsCallPeer *from_bob;
  CsCallPeer *from_alice;

  if (!have_network)
    {
      g_test_skip ("Needs a network namespace of its own (root)");
      return;
    }

  side_init (&alice, "alice", alice_contacts);
  side_init (&bob, "bob", bob_contacts);
  side_open_store (&alice, "Bob");
  side_open_store (&bob, "Alice");

  /* Alice rings bob; he answers. */
  side_start (&alice, cs_direct_call_new (alice.client, "bob@localhost", "Bob", TRUE), "Alice");
  wait_for (has_incoming, &bob, "bob's phone to ring");
  side_start (&bob, cs_incoming_calls_accept (bob.incoming, bob.incoming_id), "Bob");

  /* Both see and hear each other, and read the same verification code. */
  wait_for (decodes_from, &alice_hears_bob, "alice to decode bob's video");
  wait_for (decodes_from, &bob_hears_alice, "bob to decode alice's video");
  from_bob = cs_call_find_peer (alice.call, "bob@localhost");
  from_alice = cs_call_find_peer (bob.call, "alice@localhost");
  g_assert_cmpstr (cs_call_peer_get_display_name (from_alice), ==, "Alice");
  g_assert_nonnull (cs_call_peer_get_verification_code (from_bob));
  g_assert_cmpstr (cs_call_peer_get_verification_code (from_bob), ==,
                   cs_call_peer_get_verification_code (from_alice));

  /* Bob mutes himself: alice sees it. */
  cs_call_set_muted (bob.call, TRUE);
  wait_for (sees_muted, &alice_hears_bob, "alice to see bob muted");

  /* Alice hangs up: bob's call loses her. */
  cs_call_leave (alice.call);
  wait_for (has_lost, &bob_hears_alice, "bob to lose alice");
  cs_call_leave (bob.call);

  /* Both histories hold the call, with the other person in it. */
  assert_call_recorded (&alice);
  assert_call_recorded (&bob);

  side_clear (&bob);
  side_clear (&alice);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  have_network = make_network ();
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  if (have_network)
    {
      server = cs_test_server_start (NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/direct-call-media/answered", test_call);

  status = g_test_run ();
  g_clear_pointer (&server, cs_test_server_free);
  return status;
}
