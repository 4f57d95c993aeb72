/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-malformed"

#include "config.h"

#include "cs-test-client.h"
#include "cs-xmpp-client-private.h"

/* What a peer can send that the client must shrug off: not crash, not change state, not
 * bother the user. Prosody passes these on as they are (they are well-formed XML). */
static const char *const hostile[] = {
  /* Invitations without a room, with an empty one, with garbage or a full address. */
  "<message to='victim@localhost'><x xmlns='jabber:x:conference'/></message>",
  "<message to='victim@localhost'><x xmlns='jabber:x:conference' jid=''/></message>",
  "<message to='victim@localhost'><x xmlns='jabber:x:conference' jid='not a room'/></message>",
  "<message to='victim@localhost'><x xmlns='jabber:x:conference' jid='@rooms.localhost'/></message>",
  "<message to='victim@localhost'><x xmlns='jabber:x:conference' jid='a@b@c'/></message>",
  "<message to='victim@localhost'><x xmlns='jabber:x:conference' jid='r@rooms.localhost/x'/></message>",
  /* Answers to questions never asked, with ids the client uses. */
  "<iq to='victim@localhost' type='result' id='cs-register'/>",
  "<iq to='victim@localhost' type='error' id='cs-config-dupont@rooms.localhost'/>",
  "<iq to='victim@localhost' type='result' id='cs-disco-items'><query xmlns='http://jabber.org/protocol/disco#items'><item jid='evil.localhost'/></query></iq>",
  "<iq to='victim@localhost' type='result' id='cs-disco-info-0'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/></query></iq>",
  /* Strange presences and payloads. */
  "<presence to='victim@localhost' type='nonsense'/>",
  "<presence to='victim@localhost'><x xmlns='http://jabber.org/protocol/muc#user'><item/><status code='110'/><status code='201'/></x></presence>",
  "<message to='victim@localhost' type='groupchat'><body/></message>",
  "<message to='victim@localhost'><unknown xmlns='urn:example:unknown'><deep><deeper><deepest/></deeper></deep></unknown></message>",
  "<iq to='victim@localhost' type='get' id='q1'><query xmlns='urn:example:nothing'/></iq>",
  "<iq to='victim@localhost' type='set' id='q2'/>",
  "<iq to='victim@localhost' type='get' id='q3'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>",
};

static void
on_invitation (CsXmppClient *client,
               const char *from,
               const char *room,
               const char *reason,
               GPtrArray *invitations)
{
  g_ptr_array_add (invitations, g_strdup (room));
}

static gboolean
has_invitation (gpointer data)
{
  return ((GPtrArray *) data)->len > 0;
}

static void
on_state (CsXmppClient *client, GParamSpec *pspec, guint *changes)
{
  (*changes)++;
}

static void
test_hostile_stanzas (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = cs_test_server_start (NULL, &error);
  g_autoptr (CsXmppClient) victim = NULL;
  g_autoptr (CsXmppClient) mallory = NULL;
  g_autoptr (GPtrArray) invitations = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *muc_before = NULL;
  guint state_changes = 0;

  g_assert_no_error (error);
  victim = cs_test_client_new_registered (server, "victim");
  mallory = cs_test_client_new_registered (server, "mallory");
  g_assert_true (cs_test_client_wait_muc_service (victim));
  muc_before = g_strdup (cs_xmpp_client_get_muc_service (victim));

  g_signal_connect (victim, "invitation-received", G_CALLBACK (on_invitation), invitations);
  g_signal_connect (victim, "notify::state", G_CALLBACK (on_state), &state_changes);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    cs_xmpp_client_send_raw_for_testing (mallory, hostile[i]);

  /* Then one proper invitation: once it arrives, everything before it has been handled. */
  cs_xmpp_client_send_raw_for_testing (
    mallory, "<message to='victim@localhost'><x xmlns='jabber:x:conference' "
             "jid='real@rooms.localhost' reason='A real one'/></message>");

  cs_test_iterate_until (has_invitation, invitations, CS_TEST_TIMEOUT_SECONDS);

  g_assert_cmpuint (invitations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (invitations, 0), ==, "real@rooms.localhost");
  g_assert_cmpint (cs_xmpp_client_get_state (victim), ==, CS_XMPP_STATE_ONLINE);
  g_assert_cmpuint (state_changes, ==, 0);
  g_assert_cmpstr (cs_xmpp_client_get_muc_service (victim), ==, muc_before);
  g_assert_cmpint (cs_xmpp_client_get_state (mallory), ==, CS_XMPP_STATE_ONLINE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/malformed/hostile-stanzas", test_hostile_stanzas);

  return g_test_run ();
}
