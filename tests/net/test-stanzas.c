/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-stanzas"

#include "config.h"

#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"
#include "cs-xmpp-worker-private.h"

#include <string.h>

/* The path call signalling takes through the client: requests with answers, Jingle payloads
 * routed through a room to an occupant, presence payloads in a call room, and what we
 * answer to other clients' service discovery. Against a real Prosody. */

#define ROOM "call-1@rooms.localhost"
#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_MUJI "urn:xmpp:jingle:muji:0"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

typedef struct
{
  CsXmppClient *client;
  /* Stanzas received through "stanza-received", as text. */
  GPtrArray *stanzas;
  gboolean joined;
  gboolean member_listed;
  /* Answer Jingle requests with a result. */
  gboolean answer;
} Peer;

static CsTestServer *server;

static char *
stanza_text (xmpp_stanza_t *stanza)
{
  char *text = cs_stanza_to_string (stanza);

  g_assert_nonnull (text);
  return text;
}

static void
on_stanza (CsXmppClient *client, xmpp_stanza_t *stanza, Peer *peer)
{
  g_ptr_array_add (peer->stanzas, stanza_text (stanza));

  if (peer->answer && g_strcmp0 (xmpp_stanza_get_name (stanza), "iq") == 0 &&
      g_strcmp0 (xmpp_stanza_get_type (stanza), "set") == 0)
    {
      xmpp_stanza_t *reply = xmpp_stanza_reply (stanza);

      xmpp_stanza_set_type (reply, "result");
      cs_xmpp_client_send (client, reply);
      xmpp_stanza_release (reply);
    }
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, Peer *peer)
{
  peer->joined = TRUE;
}

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  Peer *peer)
{
  if (g_strcmp0 (affiliation, "member") == 0)
    peer->member_listed = TRUE;
}

static void
on_room_error (CsXmppClient *client, const char *room, GError *error, Peer *peer)
{
  g_error ("%s could not enter %s: %s", cs_xmpp_client_get_address (client), room, error->message);
}

static gboolean
has_stanza_containing (Peer *peer, const char *a, const char *b)
{
  for (guint i = 0; i < peer->stanzas->len; i++)
    {
      const char *text = g_ptr_array_index (peer->stanzas, i);

      if (strstr (text, a) != NULL && (b == NULL || strstr (text, b) != NULL))
        return TRUE;
    }
  return FALSE;
}

static Peer *
peer_new (const char *local)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr (GError) error = NULL;

  peer->stanzas = g_ptr_array_new_with_free_func (g_free);
  peer->client = cs_test_client_new (server, local);
  g_signal_connect (peer->client, "stanza-received", G_CALLBACK (on_stanza), peer);
  g_signal_connect (peer->client, "room-joined", G_CALLBACK (on_room_joined), peer);
  g_signal_connect (peer->client, "room-error", G_CALLBACK (on_room_error), peer);
  g_signal_connect (peer->client, "member-listed", G_CALLBACK (on_member_listed), peer);

  g_assert_true (cs_test_client_sign_in (peer->client, "password", TRUE, &error));
  g_assert_no_error (error);
  return peer;
}

static void
peer_free (Peer *peer)
{
  g_assert_finalize_object (peer->client);
  g_ptr_array_unref (peer->stanzas);
  g_free (peer);
}

static gboolean
is_joined (gpointer data)
{
  return ((Peer *) data)->joined;
}

static xmpp_stanza_t *
muji_payload (CsXmppClient *client)
{
  xmpp_stanza_t *muji = xmpp_stanza_new (cs_xmpp_client_get_context (client));

  xmpp_stanza_set_name (muji, "muji");
  xmpp_stanza_set_ns (muji, NS_MUJI);
  return muji;
}

static gboolean
is_member_listed (gpointer data)
{
  return ((Peer *) data)->member_listed;
}

static gboolean
bob_saw_alice_muji (gpointer data)
{
  return has_stanza_containing (data, "from=\"" ROOM "/alice\"", NS_MUJI);
}

static gboolean
alice_saw_bob_muji (gpointer data)
{
  return has_stanza_containing (data, "from=\"" ROOM "/bob\"", NS_MUJI);
}

static gboolean
alice_saw_bob_leave (gpointer data)
{
  return has_stanza_containing (data, "from=\"" ROOM "/bob\"", "type=\"unavailable\"");
}

static void
test_call_room (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  Peer *alice = peer_new ("alice");
  Peer *bob = peer_new ("bob");
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (alice->client);
  xmpp_stanza_t *muji;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *answer;

  bob->answer = TRUE;

  /* Both take part in a call room: their presences carry the MUJI element. */
  muji = muji_payload (alice->client);
  cs_xmpp_client_set_room_payload (alice->client, ROOM, muji);
  xmpp_stanza_release (muji);
  cs_xmpp_client_join_room (alice->client, ROOM, "alice", TRUE, "Call");
  cs_test_wait_until (is_joined, alice, "alice in the room");
  cs_xmpp_client_set_affiliation (alice->client, ROOM, "bob@localhost", "member");
  cs_xmpp_client_list_members (alice->client, ROOM);
  cs_test_wait_until (is_member_listed, alice, "bob to be a member");

  muji = muji_payload (bob->client);
  cs_xmpp_client_set_room_payload (bob->client, ROOM, muji);
  xmpp_stanza_release (muji);
  cs_xmpp_client_join_room (bob->client, ROOM, "bob", FALSE, NULL);
  cs_test_wait_until (is_joined, bob, "bob in the room");
  cs_test_wait_until (bob_saw_alice_muji, bob, "bob to see alice's MUJI presence");
  cs_test_wait_until (alice_saw_bob_muji, alice, "alice to see bob's MUJI presence");

  /* A Jingle request to bob's place in the room reaches bob, from alice's place, and bob's
   * answer completes alice's request. */
  iq = xmpp_iq_new (ctx, "set", NULL);
  xmpp_stanza_set_to (iq, ROOM "/bob");
  jingle = cs_stanza_add_child (iq, "jingle", NS_JINGLE);
  xmpp_stanza_set_attribute (jingle, "action", "session-info");
  xmpp_stanza_set_attribute (jingle, "sid", "test-sid-1");
  cs_xmpp_client_send_iq_async (alice->client, iq, NULL, cs_test_on_done, &result);
  xmpp_stanza_release (iq);
  answer = cs_xmpp_client_send_iq_finish (alice->client, cs_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_stanza_get_type (answer), ==, "result");
  xmpp_stanza_release (answer);
  g_assert_true (has_stanza_containing (bob, "test-sid-1", "from=\"" ROOM "/alice\""));

  /* Nobody at that place: the request fails instead of hanging. */
  g_clear_object (&result);
  iq = xmpp_iq_new (ctx, "set", NULL);
  xmpp_stanza_set_to (iq, ROOM "/nobody");
  cs_stanza_add_child (iq, "jingle", NS_JINGLE);
  cs_xmpp_client_send_iq_async (alice->client, iq, NULL, cs_test_on_done, &result);
  xmpp_stanza_release (iq);
  answer = cs_xmpp_client_send_iq_finish (alice->client, cs_test_wait_result (&result), &error);
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED);
  g_assert_null (answer);
  g_clear_error (&error);

  /* Bob leaves: alice hears it from the call room. */
  cs_xmpp_client_leave_room (bob->client, ROOM);
  cs_test_wait_until (alice_saw_bob_leave, alice, "alice to see bob leave");

  g_clear_object (&result);
  peer_free (bob);
  peer_free (alice);
}

static gboolean
carol_online (gpointer data)
{
  return cs_xmpp_client_get_state (data) == CS_XMPP_STATE_ONLINE;
}

static int
compare_vars (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_disco_and_offline (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  Peer *carol = peer_new ("carol");
  Peer *dave = peer_new ("dave");
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (carol->client);
  xmpp_stanza_t *iq;
  xmpp_stanza_t *answer;
  xmpp_stanza_t *query;
  gboolean has_jingle = FALSE;
  gboolean has_ice = FALSE;

  /* Both are in a room, so that carol can reach dave through it. */
  cs_xmpp_client_join_room (dave->client, "open-1@rooms.localhost", "dave", TRUE, "Open");
  cs_test_wait_until (is_joined, dave, "dave in his room");
  cs_xmpp_client_set_affiliation (dave->client, "open-1@rooms.localhost", "carol@localhost",
                                  "member");
  cs_xmpp_client_list_members (dave->client, "open-1@rooms.localhost");
  cs_test_wait_until (is_member_listed, dave, "carol to be a member");
  cs_xmpp_client_join_room (carol->client, "open-1@rooms.localhost", "carol", FALSE, NULL);
  cs_test_wait_until (is_joined, carol, "carol in the room");

  /* Service discovery of our own client: clients such as Dino only offer calls to those
   * who say they can take them. The request goes to dave's room place; Prosody passes
   * disco#info on to the occupant. */
  iq = xmpp_iq_new (ctx, "get", NULL);
  xmpp_stanza_set_to (iq, "open-1@rooms.localhost/dave");
  cs_stanza_add_child (iq, "query", NS_DISCO_INFO);
  cs_xmpp_client_send_iq_async (carol->client, iq, NULL, cs_test_on_done, &result);
  xmpp_stanza_release (iq);
  answer = cs_xmpp_client_send_iq_finish (carol->client, cs_test_wait_result (&result), &error);
  g_assert_no_error (error);
  query = xmpp_stanza_get_child_by_name_and_ns (answer, "query", NS_DISCO_INFO);
  g_assert_nonnull (query);
  for (xmpp_stanza_t *f = xmpp_stanza_get_children (query); f != NULL; f = xmpp_stanza_get_next (f))
    {
      has_jingle |= g_strcmp0 (xmpp_stanza_get_attribute (f, "var"), NS_JINGLE) == 0;
      has_ice |= g_strcmp0 (xmpp_stanza_get_attribute (f, "var"),
                            "urn:xmpp:jingle:transports:ice-udp:1") == 0;
    }
  g_assert_true (has_jingle);
  g_assert_true (has_ice);

  /* The capabilities hash in our presences (XEP-0115) is the one of this very answer, so a
   * client that caches by hash (Dino does) knows we take calls without asking again. */
  {
    g_autoptr (GPtrArray) vars = g_ptr_array_new ();
    g_autoptr (GString) text = g_string_new (NULL);
    g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
    g_autofree char *ver = NULL;
    guint8 digest[20];
    gsize length = sizeof digest;
    xmpp_stanza_t *identity = xmpp_stanza_get_child_by_name (query, "identity");

    g_string_append_printf (text, "%s/%s//%s<", xmpp_stanza_get_attribute (identity, "category"),
                            xmpp_stanza_get_attribute (identity, "type"),
                            xmpp_stanza_get_attribute (identity, "name"));
    for (xmpp_stanza_t *f = xmpp_stanza_get_children (query); f != NULL;
         f = xmpp_stanza_get_next (f))
      if (g_strcmp0 (xmpp_stanza_get_name (f), "feature") == 0)
        g_ptr_array_add (vars, (gpointer) xmpp_stanza_get_attribute (f, "var"));
    g_ptr_array_sort (vars, compare_vars);
    for (guint i = 0; i < vars->len; i++)
      g_string_append_printf (text, "%s<", (const char *) vars->pdata[i]);
    g_checksum_update (sha1, (const guchar *) text->str, text->len);
    g_checksum_get_digest (sha1, digest, &length);
    ver = g_base64_encode (digest, length);
    g_assert_cmpstr (ver, ==, cs_xmpp_caps_ver ());
  }
  xmpp_stanza_release (answer);

  /* Asked by that hash, the answer names it back. */
  {
    g_autofree char *node = g_strdup_printf ("%s#%s", CS_XMPP_CAPS_NODE, cs_xmpp_caps_ver ());

    g_clear_object (&result);
    iq = xmpp_iq_new (ctx, "get", NULL);
    xmpp_stanza_set_to (iq, "open-1@rooms.localhost/dave");
    query = cs_stanza_add_child (iq, "query", NS_DISCO_INFO);
    xmpp_stanza_set_attribute (query, "node", node);
    cs_xmpp_client_send_iq_async (carol->client, iq, NULL, cs_test_on_done, &result);
    xmpp_stanza_release (iq);
    answer = cs_xmpp_client_send_iq_finish (carol->client, cs_test_wait_result (&result), &error);
    g_assert_no_error (error);
    query = xmpp_stanza_get_child_by_name_and_ns (answer, "query", NS_DISCO_INFO);
    g_assert_cmpstr (xmpp_stanza_get_attribute (query, "node"), ==, node);
    xmpp_stanza_release (answer);
  }

  /* Offline, a request fails at once. */
  cs_xmpp_client_disconnect (carol->client);
  while (carol_online (carol->client))
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&result);
  iq = xmpp_iq_new (ctx, "get", NULL);
  cs_stanza_add_child (iq, "query", NS_DISCO_INFO);
  cs_xmpp_client_send_iq_async (carol->client, iq, NULL, cs_test_on_done, &result);
  xmpp_stanza_release (iq);
  answer = cs_xmpp_client_send_iq_finish (carol->client, cs_test_wait_result (&result), &error);
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST);
  g_assert_null (answer);

  g_clear_object (&result);
  peer_free (dave);
  peer_free (carol);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stanzas/call-room", test_call_room);
  g_test_add_func ("/stanzas/disco-and-offline", test_disco_and_offline);

  return cs_test_run_with_server (&server);
}
