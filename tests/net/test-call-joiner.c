/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-call-joiner"

#include "config.h"

#include "cs-call-invites.h"
#include "cs-call-joiner.h"
#include "cs-muji-call.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"

/* Pressing Join in a circle, over a real Prosody: members who press it at the same moment end
 * in one call, a call going on is joined, a call that is over (everyone left, its people
 * vanished, or announced long ago to nobody) is not, and being offline says so at once. */

typedef struct
{
  char *nick;
  CsXmppClient *client;
  CsCallInvites *invites;
  CsCallJoiner *joiner;
  gboolean in_room;
  char *call_room;
  char *invite_id;
  gboolean created;
  gboolean done;
  GError *error;
  CsMujiCall *call;
  CsTestLog *events;
} Member;

static CsTestServer *server;

/* Everyone the tests sign in: the members of every circle's calls. */
static const char *const allowed[] = {
  "ann@localhost", "ben@localhost", "cat@localhost", "dan@localhost", "hal@localhost",
  "ida@localhost", "eve@localhost", "fay@localhost", "gus@localhost", NULL,
};

static void member_take_part (Member *m);

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, Member *m)
{
  m->in_room = TRUE;
}

static gboolean
is_in_room (gpointer data)
{
  return ((Member *) data)->in_room;
}

static guint members_listed;

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  gpointer user_data)
{
  if (g_strcmp0 (affiliation, "member") == 0)
    members_listed++;
}

static gboolean
all_listed (gpointer data)
{
  return members_listed >= GPOINTER_TO_UINT (data);
}

static Member *
member_new (const char *nick)
{
  Member *m = g_new0 (Member, 1);

  m->nick = g_strdup (nick);
  m->client = cs_test_client_new_registered (server, nick);
  g_assert_true (cs_test_client_wait_muc_service (m->client));
  /* Made before entering rooms: it learns their history and occupants from then on. */
  m->invites = cs_call_invites_new (m->client);
  return m;
}

static void
member_enter (Member *m, const char *circle, gboolean create)
{
  m->in_room = FALSE;
  g_signal_connect (m->client, "room-joined", G_CALLBACK (on_room_joined), m);
  cs_xmpp_client_join_room (m->client, circle, m->nick, create, "Family");
  cs_test_wait_until (is_in_room, m, "entering the circle's room");
  m->joiner = cs_call_joiner_new (m->client, m->invites, circle);
}

static void
member_hang_up (Member *m)
{
  if (m->call == NULL)
    return;
  cs_muji_call_leave (m->call);
  g_assert_finalize_object (g_steal_pointer (&m->call));
  g_clear_pointer (&m->events, cs_test_log_free);
}

static void
member_free (Member *m)
{
  member_hang_up (m);
  g_clear_error (&m->error);
  if (m->joiner != NULL)
    g_assert_finalize_object (m->joiner);
  g_assert_finalize_object (m->invites);
  cs_xmpp_client_disconnect (m->client);
  g_object_unref (m->client);
  g_free (m->call_room);
  g_free (m->invite_id);
  g_free (m->nick);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Member, member_free)

/* @owner makes @circle with @others as members, and everyone enters it. */
static void
make_circle (const char *circle, Member *owner, Member **others, guint n_others)
{
  member_enter (owner, circle, TRUE);
  members_listed = 0;
  g_signal_connect (owner->client, "member-listed", G_CALLBACK (on_member_listed), NULL);
  for (guint i = 0; i < n_others; i++)
    {
      g_autofree char *address = g_strdup (cs_xmpp_client_get_address (others[i]->client));

      cs_xmpp_client_set_affiliation (owner->client, circle, address, "member");
    }
  cs_xmpp_client_list_members (owner->client, circle);
  cs_test_wait_until (all_listed, GUINT_TO_POINTER (n_others), "the circle's members listed");
  g_signal_handlers_disconnect_by_func (owner->client, on_member_listed, NULL);
  for (guint i = 0; i < n_others; i++)
    member_enter (others[i], circle, FALSE);
}

/* As the app will: the one who announced the call makes its room at once; the others wait
 * for the joiner, which waits for someone to be in the call. */
static void
on_joiner_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Member *m = user_data;

  g_clear_pointer (&m->call_room, g_free);
  g_clear_pointer (&m->invite_id, g_free);
  g_clear_error (&m->error);
  m->call_room =
    cs_call_joiner_run_finish (m->joiner, result, &m->invite_id, &m->created, &m->error);
  m->done = TRUE;
  if (m->call_room != NULL && m->created)
    member_take_part (m);
}

static void
start_joiner (Member *m)
{
  m->done = FALSE;
  cs_call_joiner_run_async (m->joiner, NULL, on_joiner_done, m);
}

static gboolean
is_done (gpointer data)
{
  return ((Member *) data)->done;
}

static void
finish_joiner (Member *m)
{
  cs_test_wait_until (is_done, m, "the joiner's answer");
  g_assert_no_error (m->error);
  g_assert_nonnull (m->call_room);
  g_assert_nonnull (m->invite_id);
}

static void
run_joiner (Member *m)
{
  start_joiner (m);
  finish_joiner (m);
}

static void
on_call_failed (CsMujiCall *call, GError *error, Member *m)
{
  cs_test_log_add (m->events, g_strdup_printf ("failed %s", error->message));
}

/* In the call room: accepted, so the circle sees us in the call; those who wait for the room
 * to be ready are told it is. */
static void
on_roster (CsMujiCall *call, GStrv ids, GStrv names, Member *m)
{
  cs_call_invites_accept (m->invites, cs_call_joiner_get_circle_room (m->joiner), m->invite_id);
}

/* The call room, made as the app will: created by the one who announced it. */
static void
member_take_part (Member *m)
{
  g_assert_null (m->call);
  m->events = cs_test_log_new (m->nick);
  m->call = cs_muji_call_new (m->client, m->call_room, m->nick, m->created);
  cs_muji_call_set_allowed (m->call, allowed);
  cs_test_log_watch_call (m->events, m->call);
  g_signal_connect (m->call, "failed", G_CALLBACK (on_call_failed), m);
  g_signal_connect (m->call, "roster", G_CALLBACK (on_roster), m);
  cs_muji_call_join (m->call, m->nick);
}

typedef struct
{
  Member *member;
  const char *nick;
} Sees;

static gboolean
sees (gpointer data)
{
  Sees *s = data;
  g_autofree char *joined = g_strdup_printf ("joined %s ", s->nick);

  if (cs_test_log_has (s->member->events, joined))
    return TRUE;
  for (guint i = 0; i < s->member->events->lines->len; i++)
    {
      const char *line = g_ptr_array_index (s->member->events->lines, i);
      g_auto (GStrv) ids = NULL;

      if (!g_str_has_prefix (line, "roster "))
        continue;
      ids = g_strsplit (line + strlen ("roster "), ",", -1);
      if (g_strv_contains ((const char *const *) ids, s->nick))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  Member *member;
  const char *circle;
  const char *invite_id;
} Current;

static gboolean
shows_current (gpointer data)
{
  Current *c = data;

  return g_strcmp0 (cs_call_invites_get_current (c->member->invites, c->circle, NULL),
                    c->invite_id) == 0;
}

static gboolean
shows_no_call (gpointer data)
{
  Current *c = data;

  return cs_call_invites_find_going_on (c->member->invites, c->circle, NULL) == NULL;
}

static gboolean
has_participant (gpointer data)
{
  Current *c = data;
  g_auto (GStrv) in_call =
    cs_call_invites_dup_participants (c->member->invites, c->circle, c->invite_id);

  return g_strv_length (in_call) > 0;
}

static gboolean
has_no_participant (gpointer data)
{
  return !has_participant (data);
}

#define SAME_MOMENT "same-moment@rooms.localhost"

static void
test_same_moment (void)
{
  g_autoptr (Member) ann = member_new ("ann");
  g_autoptr (Member) ben = member_new ("ben");
  g_autoptr (Member) cat = member_new ("cat");
  g_autoptr (Member) dan = member_new ("dan");
  Member *others[] = { ben, cat, dan };
  Member *pressing[] = { ann, ben, cat };
  Member *winner = NULL;
  Current current;

  /* Dan is a member but comes later. */
  make_circle (SAME_MOMENT, ann, others, 2);
  cs_xmpp_client_set_affiliation (ann->client, SAME_MOMENT, "dan@localhost", "member");
  /* Past the wait for the room's history, so that all three announce in this iteration. */
  cs_test_settle (1100);

  for (guint i = 0; i < G_N_ELEMENTS (pressing); i++)
    start_joiner (pressing[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pressing); i++)
    finish_joiner (pressing[i]);

  /* One call for all three, announced by exactly one of them. */
  for (guint i = 0; i < G_N_ELEMENTS (pressing); i++)
    {
      g_assert_cmpstr (pressing[i]->call_room, ==, ann->call_room);
      g_assert_cmpstr (pressing[i]->invite_id, ==, ann->invite_id);
      if (pressing[i]->created)
        {
          g_assert_null (winner);
          winner = pressing[i];
        }
    }
  g_assert_nonnull (winner);

  /* Dan, arriving later, sees that one call only: the others were withdrawn. */
  member_enter (dan, SAME_MOMENT, FALSE);
  current.member = dan;
  current.circle = SAME_MOMENT;
  current.invite_id = winner->invite_id;
  cs_test_wait_until (shows_current, &current, "the later member seeing the one call");
  cs_test_wait_until (has_participant, &current, "the later member seeing who is in it");
  run_joiner (dan);
  g_assert_cmpstr (dan->call_room, ==, winner->call_room);
  g_assert_false (dan->created);

  /* And they all meet in that call room. */
  for (guint i = 0; i < G_N_ELEMENTS (pressing); i++)
    if (pressing[i] != winner)
      member_take_part (pressing[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pressing); i++)
    for (guint j = 0; j < G_N_ELEMENTS (pressing); j++)
      if (i != j)
        {
          Sees s = { pressing[i], pressing[j]->nick };

          cs_test_wait_until (sees, &s, "members of the call seeing each other");
          g_assert_cmpstr (cs_muji_call_get_room (pressing[i]->call), ==, winner->call_room);
        }
}

#define GOING_ON "going-on@rooms.localhost"

static void
test_join_going_on (void)
{
  g_autoptr (Member) hal = member_new ("hal");
  g_autoptr (Member) ida = member_new ("ida");
  Member *others[] = { ida };
  Current current;

  make_circle (GOING_ON, hal, others, 1);
  cs_test_settle (1100);

  /* Hal starts a call and is in it. */
  run_joiner (hal);
  g_assert_true (hal->created);
  current.member = ida;
  current.circle = GOING_ON;
  current.invite_id = hal->invite_id;
  cs_test_wait_until (has_participant, &current, "hal seen in the call");

  /* Ida presses Join: she goes into his call. */
  run_joiner (ida);
  g_assert_cmpstr (ida->call_room, ==, hal->call_room);
  g_assert_cmpstr (ida->invite_id, ==, hal->invite_id);
  g_assert_false (ida->created);

  /* Even once the announcement is no longer fresh, someone in it keeps it going on. */
  g_assert_cmpstr (cs_call_invites_find_going_on (ida->invites, GOING_ON, NULL), ==,
                   hal->invite_id);
}

#define STALE "stale@rooms.localhost"

/* Fay presses Join and gets a call of her own, not @not_room; then she withdraws it. */
static void
assert_new_call (Member *fay, const char *not_room)
{
  Current current = { fay, STALE, NULL };

  run_joiner (fay);
  g_assert_true (fay->created);
  g_assert_cmpstr (fay->call_room, !=, not_room);
  cs_call_invites_leave (fay->invites, STALE, fay->invite_id);
  member_hang_up (fay);
  cs_call_invites_retract (fay->invites, STALE, fay->invite_id);
  cs_test_wait_until (shows_no_call, &current, "fay's call withdrawn");
}

static void
send_old_invite (Member *from, const char *call_room)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (from->client);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = g_date_time_add_hours (now, -2);
  g_autofree char *stamp = g_date_time_format_iso8601 (then);
  xmpp_stanza_t *message = xmpp_message_new (ctx, "groupchat", STALE, id);
  xmpp_stanza_t *invite = cs_stanza_add_child (message, "invite", "urn:xmpp:call-invites:0");
  xmpp_stanza_t *muji = cs_stanza_add_child (invite, "muji", "urn:xmpp:jingle:muji:0");
  xmpp_stanza_t *delay = cs_stanza_add_child (message, "delay", "urn:xmpp:delay");

  xmpp_stanza_set_attribute (muji, "room", call_room);
  xmpp_stanza_set_attribute (delay, "stamp", stamp);
  cs_xmpp_client_send (from->client, message);
  xmpp_stanza_release (message);
}

static void
on_invite_seen (CsCallInvites *invites,
                const char *circle,
                const char *id,
                const char *from,
                const char *call_room,
                gboolean video,
                gboolean live,
                char **seen)
{
  g_free (*seen);
  *seen = g_strdup (id);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
is_gone (gpointer data)
{
  return !((Member *) data)->in_room;
}

static void
on_occupant (CsXmppClient *client,
             const char *room,
             const char *nick,
             const char *jid,
             const char *affiliation,
             gboolean available,
             Member *gone)
{
  if (g_strcmp0 (nick, gone->nick) == 0 && !available)
    gone->in_room = FALSE;
}

static void
test_stale (void)
{
  g_autoptr (Member) eve = member_new ("eve");
  g_autoptr (Member) fay = member_new ("fay");
  g_autoptr (Member) gus = member_new ("gus");
  Member *others[] = { fay, gus };
  g_autofree char *seen = NULL;
  Current current = { fay, STALE, NULL };

  make_circle (STALE, eve, others, 2);
  cs_test_settle (1100);

  /* A call everyone left. */
  run_joiner (eve);
  g_assert_true (eve->created);
  current.invite_id = eve->invite_id;
  cs_test_wait_until (has_participant, &current, "eve seen in her call");
  cs_call_invites_leave (eve->invites, STALE, eve->invite_id);
  member_hang_up (eve);
  cs_test_wait_until (has_no_participant, &current, "eve seen leaving her call");
  assert_new_call (fay, eve->call_room);

  /* A call whose only participant vanished without leaving (a crash, a lost connection). */
  run_joiner (gus);
  g_assert_true (gus->created);
  current.invite_id = gus->invite_id;
  cs_test_wait_until (has_participant, &current, "gus seen in his call");
  g_assert_cmpstr (cs_call_invites_find_going_on (fay->invites, STALE, NULL), ==, gus->invite_id);
  g_signal_connect (fay->client, "occupant-changed", G_CALLBACK (on_occupant), gus);
  cs_xmpp_client_disconnect (gus->client);
  cs_test_wait_until (is_gone, gus, "gus gone from the circle's room");
  g_assert_true (has_participant (&current)); /* he never said he left */
  assert_new_call (fay, gus->call_room);

  /* A call announced hours ago that nobody took. */
  g_signal_connect (fay->invites, "invite", G_CALLBACK (on_invite_seen), &seen);
  send_old_invite (eve, "call-old@rooms.localhost");
  cs_test_wait_until (is_set, &seen, "the old announcement arriving");
  assert_new_call (fay, "call-old@rooms.localhost");
  g_signal_handlers_disconnect_by_func (fay->invites, on_invite_seen, &seen);
}

static gboolean
is_offline (gpointer data)
{
  return cs_xmpp_client_get_state (data) == CS_XMPP_STATE_OFFLINE;
}

static void
test_offline (void)
{
  g_autoptr (CsXmppClient) offline = cs_test_client_new (server, "olga");
  g_autoptr (CsCallInvites) offline_invites = cs_call_invites_new (offline);
  g_autoptr (CsCallJoiner) offline_joiner = NULL;
  g_autoptr (Member) pia = member_new ("pia");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *call_room = NULL;
  gint64 start;

  /* Not signed in: told at once, in plain words. */
  offline_joiner = cs_call_joiner_new (offline, offline_invites, "nowhere@rooms.localhost");
  start = g_get_monotonic_time ();
  cs_call_joiner_run_async (offline_joiner, NULL, cs_test_on_done, &result);
  call_room =
    cs_call_joiner_run_finish (offline_joiner, cs_test_wait_result (&result), NULL, NULL, &error);
  g_assert_null (call_room);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==,
                   "You are not connected. Check your internet connection, then try again.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Signed in, but not in the circle's room. */
  pia->joiner = cs_call_joiner_new (pia->client, pia->invites, "nowhere@rooms.localhost");
  start = g_get_monotonic_time ();
  cs_call_joiner_run_async (pia->joiner, NULL, cs_test_on_done, &result);
  call_room =
    cs_call_joiner_run_finish (pia->joiner, cs_test_wait_result (&result), NULL, NULL, &error);
  g_assert_null (call_room);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_assert_cmpstr (error->message, ==,
                   "You are not connected to the circle’s room yet. Try again in a moment.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Stopped by the caller. */
  g_cancellable_cancel (cancellable);
  cs_call_joiner_run_async (pia->joiner, cancellable, cs_test_on_done, &result);
  call_room =
    cs_call_joiner_run_finish (pia->joiner, cs_test_wait_result (&result), NULL, NULL, &error);
  g_assert_null (call_room);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Joining the call was stopped.");
  g_clear_error (&error);
  g_clear_object (&result);

  /* In the room, then the connection goes. */
  g_clear_object (&pia->joiner);
  member_enter (pia, "olgas-circle@rooms.localhost", TRUE);
  g_assert_true (cs_call_invites_is_in_room (pia->invites, "olgas-circle@rooms.localhost"));
  cs_xmpp_client_disconnect (pia->client);
  cs_test_wait_until (is_offline, pia->client, "signed out");
  cs_call_joiner_run_async (pia->joiner, NULL, cs_test_on_done, &result);
  call_room =
    cs_call_joiner_run_finish (pia->joiner, cs_test_wait_result (&result), NULL, NULL, &error);
  g_assert_null (call_room);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/call-joiner/same-moment", test_same_moment);
  g_test_add_func ("/call-joiner/join-going-on", test_join_going_on);
  g_test_add_func ("/call-joiner/stale", test_stale);
  g_test_add_func ("/call-joiner/offline", test_offline);

  return cs_test_run_with_server (&server);
}
