/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule-sync"

#include "config.h"

#include "cs-schedule-sync.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gstdio.h>

/* A circle's schedule shared through its room, between two accounts on a real Prosody, each
 * with its own store: the owner's series reaches a member who joins later (room history),
 * then its updates, a skipped and a moved occurrence, its cancellation and its deletion live;
 * a member's forged payload, an older copy replayed after a newer one, and malformed or
 * oversized payloads change nothing. */

#define ROOM "dupont@rooms.localhost"
#define ROOM_2 "martin@rooms.localhost"

static CsTestServer *server;

typedef struct
{
  char *dir;
  const char *room;
  const char *nick;
  CsXmppClient *client;
  CsStore *store;
  CsCircle *circle; /* the store's */
  CsScheduleSync *sync;
  CsTestLog *log; /* "applied UID SEQ", "ignored NICK: REASON" */
} Side;

static void
on_applied (CsScheduleSync *sync, gint64 circle_id, const char *uid, guint sequence, Side *side)
{
  cs_test_log_add (side->log, g_strdup_printf ("applied %s %u", uid, sequence));
}

static void
on_ignored (CsScheduleSync *sync,
            const char *room,
            const char *nick,
            const char *reason,
            Side *side)
{
  g_assert_cmpstr (room, ==, side->room);
  cs_test_log_add (side->log, g_strdup_printf ("ignored %s: %s", nick, reason));
}

static Side *
side_new (const char *local, const char *room)
{
  Side *side = g_new0 (Side, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CsCircle) draft = cs_circle_new ();

  side->room = room;
  side->nick = local;
  side->dir = g_dir_make_tmp ("cs-schedule-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (side->dir, "cousinade.db", NULL);
  side->store = cs_store_open (path, &error);
  g_assert_no_error (error);

  /* Both sides know the circle by its room, as after accepting an invitation. */
  cs_circle_set_name (draft, "Cousinade Dupont");
  cs_circle_set_room_address (draft, room);
  side->circle = cs_store_save_circle (side->store, draft, &error);
  g_assert_no_error (error);

  side->client = cs_test_client_new_registered (server, local);
  side->sync = cs_schedule_sync_new (side->client, side->store);
  side->log = cs_test_log_new (local);
  g_signal_connect (side->sync, "applied", G_CALLBACK (on_applied), side);
  g_signal_connect (side->sync, "ignored", G_CALLBACK (on_ignored), side);
  return side;
}

static void
side_free (Side *side)
{
  g_autofree char *db = g_build_filename (side->dir, "cousinade.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  cs_xmpp_client_leave_room (side->client, side->room);
  g_assert_finalize_object (side->sync);
  cs_xmpp_client_disconnect (side->client);
  g_object_unref (side->client);
  g_assert_finalize_object (side->store);
  cs_test_log_free (side->log);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (side->dir);
  g_free (side->dir);
  g_free (side);
}

static gboolean room_joined;
static gboolean member_listed;

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, gpointer user_data)
{
  if (g_strcmp0 (room, user_data) == 0)
    room_joined = TRUE;
}

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  gpointer user_data)
{
  if (g_strcmp0 (jid, user_data) == 0 && g_strcmp0 (affiliation, "member") == 0)
    member_listed = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
join (Side *side, gboolean create)
{
  gulong id = g_signal_connect (side->client, "room-joined", G_CALLBACK (on_room_joined),
                                (gpointer) side->room);

  room_joined = FALSE;
  cs_xmpp_client_join_room (side->client, side->room, side->nick, create, "Cousins");
  cs_test_wait_until (is_true, &room_joined, "the circle's room");
  g_signal_handler_disconnect (side->client, id);
}

/* The series @uid as @side's store has it now, or NULL. */
static CsScheduledCall *
stored (Side *side, const char *uid)
{
  return cs_store_find_scheduled_call_by_uid (side->store, uid, NULL);
}

typedef struct
{
  Side *side;
  const char *uid;
  guint sequence;
} Expect;

static gboolean
has_sequence (gpointer data)
{
  Expect *expect = data;
  g_autoptr (CsScheduledCall) call = stored (expect->side, expect->uid);

  return call != NULL && cs_scheduled_call_get_sequence (call) == expect->sequence;
}

static void
wait_sequence (Side *side, const char *uid, guint sequence)
{
  Expect expect = { side, uid, sequence };
  g_autofree char *what = g_strdup_printf ("%s at sequence %u", uid, sequence);

  cs_test_wait_until (has_sequence, &expect, what);
}

/* Sends a <schedule/> built by hand from @from, as a buggy or hostile client would. */
static void
send_raw (Side *from,
          const char *uid,
          const char *sequence,
          const char *state,
          const char *title,
          const char *start,
          const char *tzid)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (from->client);
  xmpp_stanza_t *message = xmpp_message_new (ctx, "groupchat", from->room, "raw");
  xmpp_stanza_t *schedule = cs_stanza_add_child (message, "schedule", CS_SCHEDULE_SYNC_NS);
  xmpp_stanza_t *element;

  if (uid != NULL)
    xmpp_stanza_set_attribute (schedule, "uid", uid);
  if (sequence != NULL)
    xmpp_stanza_set_attribute (schedule, "sequence", sequence);
  xmpp_stanza_set_attribute (schedule, "state", state);
  if (title != NULL)
    cs_stanza_add_text (cs_stanza_add_child (schedule, "title", NULL), title);
  if (start != NULL)
    {
      element = cs_stanza_add_child (schedule, "start", NULL);
      xmpp_stanza_set_attribute (element, "tzid", tzid);
      cs_stanza_add_text (element, start);
    }
  cs_stanza_add_text (cs_stanza_add_child (schedule, "duration", NULL), "60");
  cs_stanza_add_child (message, "store", "urn:xmpp:hints");
  cs_xmpp_client_send (from->client, message);
  xmpp_stanza_release (message);
}

static void
assert_unchanged (Side *side, CsScheduledCall *before)
{
  g_autoptr (CsScheduledCall) now = stored (side, cs_scheduled_call_get_uid (before));

  g_assert_nonnull (now);
  g_assert_cmpstr (cs_scheduled_call_get_title (now), ==, cs_scheduled_call_get_title (before));
  g_assert_cmpuint (cs_scheduled_call_get_sequence (now), ==,
                    cs_scheduled_call_get_sequence (before));
  g_assert_cmpstr (cs_scheduled_call_get_rrule (now), ==, cs_scheduled_call_get_rrule (before));
  g_assert_cmpint (cs_scheduled_call_get_cancelled (now), ==,
                   cs_scheduled_call_get_cancelled (before));
}

static void
test_sync (void)
{
  Side *alice = side_new ("alice", ROOM);
  Side *bob = side_new ("bob", ROOM);
  g_autoptr (GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) seen = NULL;
  g_autoptr (CsScheduledCall) before = NULL;
  g_autoptr (GDateTime) start = cs_scheduled_call_new_local (paris, 2027, 1, 3, 11, 0, 0);
  g_autoptr (GDateTime) moved_to = cs_scheduled_call_new_local (paris, 2027, 3, 8, 18, 30, 0);
  g_autoptr (GDateTime) new_start = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *sequence = NULL;
  gulong listed;

  /* Alice owns the circle's room and lets bob in. */
  join (alice, TRUE);
  member_listed = FALSE;
  listed = g_signal_connect (alice->client, "member-listed", G_CALLBACK (on_member_listed),
                             "bob@localhost");
  cs_xmpp_client_set_affiliation (alice->client, ROOM, "bob@localhost", "member");
  cs_xmpp_client_list_members (alice->client, ROOM);
  cs_test_wait_until (is_true, &member_listed, "bob listed as a member");
  g_signal_handler_disconnect (alice->client, listed);

  /* She schedules "every first Sunday at 11:00" while bob is away. */
  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (alice->circle));
  cs_scheduled_call_set_title (call, "Cousinade Dupont");
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, start);
  cs_scheduled_call_set_duration_minutes (call, 90);
  cs_scheduled_call_set_rrule (call, "FREQ=MONTHLY;BYDAY=1SU");
  g_assert_true (cs_store_create_scheduled_call (alice->store, call, &error));
  g_assert_no_error (error);
  uid = g_strdup (cs_scheduled_call_get_uid (call));
  g_assert_true (cs_schedule_sync_publish (alice->sync, call, &error));
  g_assert_no_error (error);
  /* Her own payload comes back to her and changes nothing. */
  cs_test_log_wait (alice->log, "ignored alice: not newer");

  /* Bob enters later: the room's history brings him the series, organised by alice. */
  join (bob, FALSE);
  wait_sequence (bob, uid, cs_scheduled_call_get_sequence (call));
  seen = stored (bob, uid);
  g_assert_cmpint (cs_scheduled_call_get_circle_id (seen), ==, cs_circle_get_id (bob->circle));
  g_assert_cmpstr (cs_scheduled_call_get_title (seen), ==, "Cousinade Dupont");
  g_assert_cmpstr (cs_scheduled_call_get_rrule (seen), ==, "FREQ=MONTHLY;BYDAY=1SU");
  g_assert_cmpstr (cs_scheduled_call_get_tzid (seen), ==, "Europe/Paris");
  g_assert_true (g_date_time_equal (cs_scheduled_call_get_dtstart (seen), start));
  g_assert_cmpuint (cs_scheduled_call_get_duration_minutes (seen), ==, 90);
  g_assert_cmpstr (cs_scheduled_call_get_organiser (seen), ==, "alice@localhost");
  g_assert_false (cs_scheduled_call_get_cancelled (seen));
  g_clear_object (&seen);

  /* She moves it to every other week with a new title: bob follows, live. */
  cs_scheduled_call_set_title (call, "Dupont family call");
  cs_scheduled_call_set_rrule (call, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU");
  g_assert_true (cs_store_update_scheduled_call (alice->store, call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_schedule_sync_publish (alice->sync, call, &error));
  wait_sequence (bob, uid, cs_scheduled_call_get_sequence (call));
  seen = stored (bob, uid);
  g_assert_cmpstr (cs_scheduled_call_get_title (seen), ==, "Dupont family call");
  g_assert_cmpstr (cs_scheduled_call_get_rrule (seen), ==, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU");
  g_clear_object (&seen);

  /* One occurrence skipped, another moved to Monday evening. */
  g_assert_true (cs_store_skip_occurrence (alice->store, call, "2027-02-07T11:00:00", &error));
  g_assert_no_error (error);
  g_assert_true (cs_schedule_sync_publish (alice->sync, call, &error));
  wait_sequence (bob, uid, cs_scheduled_call_get_sequence (call));
  g_assert_true (
    cs_store_move_occurrence (alice->store, call, "2027-03-07T11:00:00", moved_to, &error));
  g_assert_no_error (error);
  g_assert_true (cs_schedule_sync_publish (alice->sync, call, &error));
  wait_sequence (bob, uid, cs_scheduled_call_get_sequence (call));
  seen = stored (bob, uid);
  g_assert_cmpuint (cs_scheduled_call_get_n_exceptions (seen), ==, 2);
  g_assert_true (cs_scheduled_call_lookup_exception (seen, "2027-02-07T11:00:00", &new_start));
  g_assert_null (new_start);
  g_assert_true (cs_scheduled_call_lookup_exception (seen, "2027-03-07T11:00:00", &new_start));
  g_assert_nonnull (new_start);
  g_assert_true (g_date_time_equal (new_start, moved_to));
  g_clear_object (&seen);

  /* Bob, a plain member, forges a newer copy: neither alice's store nor his own takes it. */
  before = stored (alice, uid);
  cs_test_log_clear (alice->log);
  cs_test_log_clear (bob->log);
  send_raw (bob, uid, "99", "live", "Forged by bob", "2027-01-04T03:00:00", "Europe/Paris");
  cs_test_log_wait (alice->log, "ignored bob: not from the circle's organiser");
  cs_test_log_wait (bob->log, "ignored bob: not from the circle's organiser");
  assert_unchanged (alice, before);
  assert_unchanged (bob, before);
  send_raw (bob, uid, "100", "deleted", NULL, NULL, NULL);
  cs_test_log_wait_count (alice->log, "ignored bob: not from the circle's organiser", 2);
  assert_unchanged (alice, before);

  /* An older copy replayed after the newer one (a lower sequence, then the same sequence
   * with other content) changes nothing on bob's side. */
  sequence = g_strdup_printf ("%u", cs_scheduled_call_get_sequence (call) - 1);
  send_raw (alice, uid, sequence, "live", "Old title", "2027-01-03T11:00:00", "Europe/Paris");
  cs_test_log_wait (bob->log, "ignored alice: not newer than the stored series");
  g_clear_pointer (&sequence, g_free);
  sequence = g_strdup_printf ("%u", cs_scheduled_call_get_sequence (call));
  send_raw (alice, uid, sequence, "live", "Same sequence", "2027-01-03T11:00:00", "Europe/Paris");
  cs_test_log_wait_count (bob->log, "ignored alice: not newer than the stored series", 2);
  assert_unchanged (bob, before);
  g_clear_pointer (&sequence, g_free);

  /* Malformed and oversized payloads from the organiser are refused, without harm. */
  sequence = g_strdup_printf ("%u", cs_scheduled_call_get_sequence (call) + 50);
  send_raw (alice, uid, sequence, "live", "No zone", "2027-01-03T11:00:00", "Mars/Olympus");
  cs_test_log_wait (bob->log, "ignored alice: malformed series");
  send_raw (alice, uid, sequence, "live", "Bad start", "next Sunday", "Europe/Paris");
  cs_test_log_wait_count (bob->log, "ignored alice: malformed series", 2);
  send_raw (alice, uid, "-1", "live", "Bad sequence", "2027-01-03T11:00:00", "Europe/Paris");
  cs_test_log_wait (bob->log, "ignored alice: malformed payload");
  send_raw (alice, NULL, sequence, "live", "No uid", "2027-01-03T11:00:00", "Europe/Paris");
  cs_test_log_wait_count (bob->log, "ignored alice: malformed payload", 2);
  send_raw (alice, uid, sequence, "rescheduled", "Bad state", "2027-01-03T11:00:00",
            "Europe/Paris");
  cs_test_log_wait_count (bob->log, "ignored alice: malformed payload", 3);
  huge = g_strnfill (70 * 1024, 'x');
  send_raw (alice, uid, sequence, "live", huge, "2027-01-03T11:00:00", "Europe/Paris");
  cs_test_log_wait (bob->log, "ignored alice: oversized payload");
  assert_unchanged (bob, before);
  g_clear_pointer (&sequence, g_free);

  /* Cancelled: bob's copy is cancelled too (gone from his upcoming calls). */
  g_assert_true (cs_store_cancel_scheduled_call (alice->store, call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_schedule_sync_publish (alice->sync, call, &error));
  wait_sequence (bob, uid, cs_scheduled_call_get_sequence (call));
  seen = stored (bob, uid);
  g_assert_true (cs_scheduled_call_get_cancelled (seen));
  g_clear_object (&seen);

  /* Deleted for good: bob's store no longer has it. */
  g_assert_true (cs_store_delete_scheduled_call (alice->store, call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_schedule_sync_publish_deleted (alice->sync, call, &error));
  g_assert_no_error (error);
  sequence = g_strdup_printf ("applied %s %u", uid, cs_scheduled_call_get_sequence (call) + 1);
  cs_test_log_wait_line (bob->log, sequence);
  seen = stored (bob, uid);
  g_assert_null (seen);

  side_free (bob);
  side_free (alice);
}

static CsScheduledCall *
new_monthly_call (CsCircle *circle)
{
  g_autoptr (GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) start = cs_scheduled_call_new_local (paris, 2027, 1, 3, 11, 0, 0);
  CsScheduledCall *call = cs_scheduled_call_new ();

  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (circle));
  cs_scheduled_call_set_title (call, "Martin cousins");
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, start);
  cs_scheduled_call_set_rrule (call, "FREQ=MONTHLY;BYDAY=1SU");
  return call;
}

/* The organiser's payloads replayed while she is away are not trusted (nobody in the room
 * vouches for the nick that sent them); when she comes back, her app publishes the schedule
 * again and the member gets it. */
static void
test_organiser_away (void)
{
  Side *dave = side_new ("dave", ROOM_2);
  Side *erin = side_new ("erin", ROOM_2);
  g_autoptr (CsScheduledCall) call = new_monthly_call (dave->circle);
  g_autoptr (CsScheduledCall) seen = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uid = NULL;
  gulong listed;

  join (dave, TRUE);
  member_listed = FALSE;
  listed = g_signal_connect (dave->client, "member-listed", G_CALLBACK (on_member_listed),
                             "erin@localhost");
  cs_xmpp_client_set_affiliation (dave->client, ROOM_2, "erin@localhost", "member");
  cs_xmpp_client_list_members (dave->client, ROOM_2);
  cs_test_wait_until (is_true, &member_listed, "erin listed as a member");
  g_signal_handler_disconnect (dave->client, listed);

  g_assert_true (cs_store_create_scheduled_call (dave->store, call, &error));
  g_assert_no_error (error);
  uid = g_strdup (cs_scheduled_call_get_uid (call));
  g_assert_true (cs_schedule_sync_publish (dave->sync, call, &error));
  cs_test_log_wait (dave->log, "ignored dave: not newer");
  cs_xmpp_client_leave_room (dave->client, ROOM_2);
  cs_test_settle (300);

  join (erin, FALSE);
  cs_test_log_wait (erin->log, "ignored dave: not from the circle's organiser");
  seen = stored (erin, uid);
  g_assert_null (seen);

  /* Dave is back: his app republishes, erin's store gets the series. */
  join (dave, FALSE);
  wait_sequence (erin, uid, cs_scheduled_call_get_sequence (call));
  seen = stored (erin, uid);
  g_assert_cmpstr (cs_scheduled_call_get_title (seen), ==, "Martin cousins");
  g_assert_cmpstr (cs_scheduled_call_get_organiser (seen), ==, "dave@localhost");

  side_free (erin);
  side_free (dave);
}

/* A circle without a room cannot publish: the caller is told so. */
static void
test_no_room (void)
{
  Side *carol = side_new ("carol", ROOM);
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  g_autoptr (GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) start = cs_scheduled_call_new_local (paris, 2027, 1, 3, 11, 0, 0);
  g_autoptr (GError) error = NULL;
  CsCircle *local;

  cs_circle_set_name (draft, "Neighbours");
  local = cs_store_save_circle (carol->store, draft, &error);
  g_assert_no_error (error);
  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (local));
  cs_scheduled_call_set_title (call, "Building call");
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, start);
  g_assert_true (cs_store_create_scheduled_call (carol->store, call, &error));
  g_assert_no_error (error);
  g_assert_false (cs_schedule_sync_publish (carol->sync, call, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED);
  side_free (carol);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/schedule-sync/owner-to-member", test_sync);
  g_test_add_func ("/schedule-sync/organiser-away", test_organiser_away);
  g_test_add_func ("/schedule-sync/no-room", test_no_room);

  status = g_test_run ();
  cs_test_server_free (server);
  return status;
}
