/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-rooms"

#include "config.h"

#include "cs-test-client.h"
#define ROOM "dupont@rooms.localhost"

/* What one client saw, as lines such as "joined dupont@rooms.localhost created" or
 * "occupant dupont@rooms.localhost bob bob@localhost member on". */
typedef struct
{
  CsXmppClient *client;
  CsTestLog *seen;
} Participant;

static CsTestServer *server;

static void
record (Participant *participant, char *line)
{
  cs_test_log_add (participant->seen, line);
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
  return cs_test_log_has_line (p->seen, line);
}

static void
wait_to_see (Participant *p, const char *line)
{
  cs_test_log_wait_line (p->seen, line);
}

static void
forget (Participant *p)
{
  cs_test_log_clear (p->seen);
}

static Participant *
participant_new (const char *local)
{
  Participant *p = g_new0 (Participant, 1);
  g_autoptr (GError) error = NULL;

  p->client = cs_test_client_new (server, local);
  p->seen = cs_test_log_new (cs_xmpp_client_get_address (p->client));
  g_signal_connect (p->client, "room-joined", G_CALLBACK (on_room_joined), p);
  g_signal_connect (p->client, "room-error", G_CALLBACK (on_room_error), p);
  g_signal_connect (p->client, "occupant-changed", G_CALLBACK (on_occupant), p);
  g_signal_connect (p->client, "invitation-received", G_CALLBACK (on_invitation), p);
  g_signal_connect (p->client, "member-listed", G_CALLBACK (on_member_listed), p);

  g_assert_true (cs_test_client_sign_in (p->client, "password", TRUE, &error));
  g_assert_no_error (error);

  return p;
}

static void
participant_free (Participant *p)
{
  g_assert_finalize_object (p->client);
  cs_test_log_free (p->seen);
  g_free (p);
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
  cs_test_client_wait_muc_service (alice->client);
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
