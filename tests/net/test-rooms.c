/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-rooms"

#include "config.h"

#include "cs-test-server.h"
#include "cs-xmpp-client.h"

#define TIMEOUT_SECONDS 20
#define ROOM "dupont@rooms.localhost"

/* What one client saw, as lines such as "joined dupont@rooms.localhost created" or
 * "occupant dupont@rooms.localhost bob bob@localhost member on". */
typedef struct
{
  CsXmppClient *client;
  GPtrArray *seen;
} Participant;

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
record (Participant *participant, char *line)
{
  g_test_message ("%s saw: %s", cs_xmpp_client_get_address (participant->client), line);
  g_ptr_array_add (participant->seen, line);
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, Participant *p)
{
  record (p, g_strdup_printf ("joined %s%s", room, created ? " created" : ""));
}

static void
on_room_error (CsXmppClient *client, const char *room, GError *error, Participant *p)
{
  record (p, g_strdup_printf ("error %s %d", room, error->code));
}

static void
on_occupant (CsXmppClient *client,
             const char *room,
             const char *nick,
             const char *jid,
             const char *affiliation,
             gboolean available,
             Participant *p)
{
  record (p, g_strdup_printf ("occupant %s %s %s %s %s", room, nick, jid, affiliation,
                              available ? "on" : "off"));
}

static void
on_invitation (CsXmppClient *client,
               const char *from,
               const char *room,
               const char *reason,
               Participant *p)
{
  record (p, g_strdup_printf ("invited %s by %s: %s", room, from, reason));
}

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  Participant *p)
{
  record (p, g_strdup_printf ("listed %s %s %s", room, jid, affiliation));
}

static gboolean
has_seen (Participant *p, const char *line)
{
  for (guint i = 0; i < p->seen->len; i++)
    if (g_strcmp0 (g_ptr_array_index (p->seen, i), line) == 0)
      return TRUE;

  return FALSE;
}

static void
wait_to_see (Participant *p, const char *line)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (!has_seen (p, line) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!has_seen (p, line))
    g_error ("%s never saw “%s”", cs_xmpp_client_get_address (p->client), line);
  g_source_remove (id);
}

static void
forget (Participant *p)
{
  g_ptr_array_set_size (p->seen, 0);
}

static Participant *
participant_new (const char *local)
{
  Participant *p = g_new0 (Participant, 1);
  g_autofree char *address = g_strdup_printf ("%s@localhost", local);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  p->seen = g_ptr_array_new_with_free_func (g_free);
  p->client = cs_xmpp_client_new (address);
  cs_xmpp_client_set_server (p->client, cs_test_server_get_host (server),
                             cs_test_server_get_port (server));
  cs_xmpp_client_set_ca_file (p->client, cs_test_server_get_ca_file (server));
  g_signal_connect (p->client, "room-joined", G_CALLBACK (on_room_joined), p);
  g_signal_connect (p->client, "room-error", G_CALLBACK (on_room_error), p);
  g_signal_connect (p->client, "occupant-changed", G_CALLBACK (on_occupant), p);
  g_signal_connect (p->client, "invitation-received", G_CALLBACK (on_invitation), p);
  g_signal_connect (p->client, "member-listed", G_CALLBACK (on_member_listed), p);

  cs_xmpp_client_register_async (p->client, "password", NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cs_xmpp_client_register_finish (p->client, result, &error));
  g_assert_no_error (error);

  return p;
}

static void
participant_free (Participant *p)
{
  g_assert_finalize_object (p->client);
  g_ptr_array_unref (p->seen);
  g_free (p);
}

static void
wait_for_muc_service (Participant *p)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_SECONDS, on_timeout, &timed_out);

  while (cs_xmpp_client_get_muc_service (p->client) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
test_circle_room (void)
{
  g_autoptr (GError) error = NULL;
  Participant *alice, *bob, *carol;
  gint64 restarted_at;
  double seconds;

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  alice = participant_new ("alice");
  bob = participant_new ("bob");
  carol = participant_new ("carol");

  /* Service discovery finds where rooms live. */
  wait_for_muc_service (alice);
  g_assert_cmpstr (cs_xmpp_client_get_muc_service (alice->client), ==, "rooms.localhost");

  /* Alice makes the circle's room, then makes Bob a member and invites him. */
  cs_xmpp_client_join_room (alice->client, ROOM, "alice", TRUE, "Cousinade Dupont");
  wait_to_see (alice, "joined " ROOM " created");
  cs_xmpp_client_set_affiliation (alice->client, ROOM, "bob@localhost", "member");
  cs_xmpp_client_invite (alice->client, ROOM, "bob@localhost", "Cousinade Dupont");
  wait_to_see (bob, "invited " ROOM " by alice@localhost: Cousinade Dupont");

  /* Bob accepts: each sees the other, with their real address (non-anonymous room). */
  cs_xmpp_client_join_room (bob->client, ROOM, "bob", FALSE, NULL);
  wait_to_see (bob, "joined " ROOM);
  wait_to_see (alice, "occupant " ROOM " bob bob@localhost member on");
  wait_to_see (bob, "occupant " ROOM " alice alice@localhost owner on");

  /* A member may read the whole member list, even who is away. */
  cs_xmpp_client_list_members (bob->client, ROOM);
  wait_to_see (bob, "listed " ROOM " alice@localhost owner");
  wait_to_see (bob, "listed " ROOM " bob@localhost member");

  /* Carol is not a member: the room refuses her. */
  cs_xmpp_client_join_room (carol->client, ROOM, "carol", FALSE, NULL);
  wait_to_see (carol, "error " ROOM " 2"); /* CS_XMPP_ERROR_NOT_AUTHORIZED */
  g_assert_false (has_seen (alice, "occupant " ROOM " carol carol@localhost (null) on"));

  /* The server restarts: both come back into the room by themselves. */
  forget (alice);
  forget (bob);
  g_assert_true (cs_test_server_stop (server, &error));
  g_assert_true (cs_test_server_restart (server, &error));
  restarted_at = g_get_monotonic_time ();
  wait_to_see (alice, "occupant " ROOM " bob bob@localhost member on");
  wait_to_see (bob, "occupant " ROOM " alice alice@localhost owner on");
  seconds = (g_get_monotonic_time () - restarted_at) / (double) G_USEC_PER_SEC;
  g_test_message ("Both back in the room %.1f s after the server restarted", seconds);
  g_assert_cmpfloat (seconds, <, 10.0);

  /* Bob goes offline: Alice sees him go. He signs in again and is back in the room. */
  cs_xmpp_client_disconnect (bob->client);
  wait_to_see (alice, "occupant " ROOM " bob bob@localhost member off");
  forget (alice);
  cs_xmpp_client_connect_async (bob->client, "password", NULL, NULL, NULL);
  wait_to_see (alice, "occupant " ROOM " bob bob@localhost member on");

  /* Alice removes Bob from the circle: he is out of the room and cannot come back. */
  forget (alice);
  forget (bob);
  cs_xmpp_client_set_affiliation (alice->client, ROOM, "bob@localhost", "none");
  wait_to_see (alice, "occupant " ROOM " bob bob@localhost none off");
  cs_xmpp_client_join_room (bob->client, ROOM, "bob", FALSE, NULL);
  wait_to_see (bob, "error " ROOM " 2");

  participant_free (carol);
  participant_free (bob);
  participant_free (alice);
  g_clear_pointer (&server, cs_test_server_free);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rooms/circle-room", test_circle_room);

  return g_test_run ();
}
