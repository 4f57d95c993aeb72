/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-reminders"

#include "config.h"

#include "cs-reminders.h"
#include "cs-store.h"

#include <glib/gstdio.h>

#include <locale.h>

#define SERIES_UID "cousinade-dupont-monthly@example.org"

typedef struct
{
  char *dir;
  CsStore *store;
  CsCircle *circle; /* the store's own, "Cousinade Dupont", reminder 10 min */
  CsScheduledCall *call;
  CsClock *clock;
  CsReminders *reminders;
  /* Of every "due" in order: the call id, the occurrence, the clock then. */
  GPtrArray *due_ids;
  GPtrArray *due_occurrences;
  GPtrArray *due_times;
} Fixture;

static GDateTime *
utc (int year, int month, int day, int hour, int minute, int second)
{
  return g_date_time_new_utc (year, month, day, hour, minute, second);
}

static GDateTime *
paris (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");

  return g_date_time_new (zone, year, month, day, hour, minute, 0);
}

static void
assert_same_instant (GDateTime *actual, GDateTime *expected)
{
  g_autofree char *actual_text = NULL;
  g_autofree char *expected_text = g_date_time_format_iso8601 (expected);

  g_assert_nonnull (actual);
  actual_text = g_date_time_format_iso8601 (actual);
  if (!g_date_time_equal (actual, expected))
    g_error ("Expected %s, got %s", expected_text, actual_text);
}

static void
on_due (CsReminders *reminders, const char *call_id, CsOccurrence *occurrence, Fixture *fixture)
{
  g_ptr_array_add (fixture->due_ids, g_strdup (call_id));
  g_ptr_array_add (fixture->due_occurrences, cs_occurrence_ref (occurrence));
  g_ptr_array_add (fixture->due_times, cs_clock_get_now (cs_reminders_get_clock (reminders)));
}

/* Moves the manual clock to @when (UTC). */
static void
clock_to (Fixture *fixture, int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr (GDateTime) when = utc (year, month, day, hour, minute, second);

  cs_clock_set_now (fixture->clock, when);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 3, 1, 11, 0);
  g_autoptr (GDateTime) now = utc (2026, 2, 20, 12, 0, 0);
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-reminders-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cousinade.db", NULL);
  fixture->store = cs_store_open (path, &error);
  g_assert_no_error (error);

  cs_circle_set_name (draft, "Cousinade Dupont");
  fixture->circle = cs_store_save_circle (fixture->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_circle_get_reminder_minutes (fixture->circle), ==, 10);

  /* "Cousinade Dupont, every first Sunday at 11:00", Paris time. */
  fixture->call = cs_scheduled_call_new ();
  cs_scheduled_call_set_uid (fixture->call, SERIES_UID);
  cs_scheduled_call_set_circle_id (fixture->call, cs_circle_get_id (fixture->circle));
  cs_scheduled_call_set_title (fixture->call, "Cousinade");
  cs_scheduled_call_set_tzid (fixture->call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (fixture->call, start);
  cs_scheduled_call_set_duration_minutes (fixture->call, 60);
  cs_scheduled_call_set_rrule (fixture->call, "FREQ=MONTHLY;BYDAY=1SU");
  g_assert_true (cs_store_create_scheduled_call (fixture->store, fixture->call, &error));
  g_assert_no_error (error);

  fixture->clock = cs_clock_new_manual (now);
  fixture->reminders = cs_reminders_new (fixture->store, fixture->clock);
  fixture->due_ids = g_ptr_array_new_with_free_func (g_free);
  fixture->due_occurrences = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);
  fixture->due_times = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  g_signal_connect (fixture->reminders, "due", G_CALLBACK (on_due), fixture);
  cs_reminders_start (fixture->reminders);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  const char *names[] = { "cousinade.db", "cousinade.db-wal", "cousinade.db-shm" };

  g_assert_finalize_object (fixture->reminders);
  g_assert_finalize_object (fixture->clock);
  g_clear_object (&fixture->call);
  g_assert_finalize_object (fixture->store);
  g_ptr_array_unref (fixture->due_ids);
  g_ptr_array_unref (fixture->due_occurrences);
  g_ptr_array_unref (fixture->due_times);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);
      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
assert_next_due (Fixture *fixture, GDateTime *expected)
{
  if (expected == NULL)
    g_assert_null (cs_reminders_get_next_due (fixture->reminders));
  else
    assert_same_instant (cs_reminders_get_next_due (fixture->reminders), expected);
}

/* The reminder number @index was for the occurrence that started at @recurrence_id. */
static void
assert_due (Fixture *fixture, guint index, const char *recurrence_id, GDateTime *fired_at)
{
  g_autofree char *expected_id = g_strconcat (SERIES_UID, "/", recurrence_id, NULL);
  CsOccurrence *occurrence;

  g_assert_cmpuint (fixture->due_ids->len, >, index);
  g_assert_cmpstr (fixture->due_ids->pdata[index], ==, expected_id);
  occurrence = fixture->due_occurrences->pdata[index];
  g_assert_cmpstr (occurrence->call_uid, ==, SERIES_UID);
  g_assert_cmpstr (occurrence->recurrence_id, ==, recurrence_id);
  g_assert_cmpstr (occurrence->title, ==, "Cousinade");
  g_assert_cmpstr (occurrence->circle_name, ==, "Cousinade Dupont");
  g_assert_cmpint (occurrence->circle_id, ==, cs_circle_get_id (fixture->circle));
  g_assert_nonnull (occurrence->user_start);
  g_assert_true (g_date_time_equal (occurrence->user_start, occurrence->start));
  assert_same_instant (fixture->due_times->pdata[index], fired_at);
}

/* 10:50 in Paris is 09:50 UTC in winter and 08:50 UTC in summer (from 29 March 2026). */
static void
test_reminders_fire_at_ten_to_eleven (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDateTime) march = utc (2026, 3, 1, 9, 50, 0);
  g_autoptr (GDateTime) march_start = paris (2026, 3, 1, 11, 0);
  g_autoptr (GDateTime) april = utc (2026, 4, 5, 8, 50, 0);
  g_autoptr (GDateTime) may = utc (2026, 5, 3, 8, 50, 0);
  g_autoptr (GDateTime) november = utc (2026, 11, 1, 9, 50, 0);
  CsOccurrence *first;

  g_assert_true (cs_reminders_get_has_upcoming (fixture->reminders));
  assert_next_due (fixture, march);

  clock_to (fixture, 2026, 3, 1, 9, 49, 59);
  g_assert_cmpuint (fixture->due_ids->len, ==, 0);
  clock_to (fixture, 2026, 3, 1, 9, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);
  assert_due (fixture, 0, "2026-03-01T11:00:00", march);
  first = fixture->due_occurrences->pdata[0];
  assert_same_instant (first->start, march_start);

  /* Summer time: an hour earlier in UTC, still 10:50 on the wall. */
  assert_next_due (fixture, april);
  clock_to (fixture, 2026, 4, 5, 8, 49, 59);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);
  clock_to (fixture, 2026, 4, 5, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);
  assert_due (fixture, 1, "2026-04-05T11:00:00", april);

  /* The call itself does not remind twice. */
  clock_to (fixture, 2026, 4, 5, 9, 55, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);

  assert_next_due (fixture, may);
  clock_to (fixture, 2026, 5, 3, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  assert_due (fixture, 2, "2026-05-03T11:00:00", may);

  /* Back to winter time after 25 October: 09:50 UTC again on 1 November. */
  clock_to (fixture, 2026, 10, 30, 0, 0, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  assert_next_due (fixture, november);
  clock_to (fixture, 2026, 11, 1, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  clock_to (fixture, 2026, 11, 1, 9, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 4);
  assert_due (fixture, 3, "2026-11-01T11:00:00", november);
}

/* The months between (June to October) were passed over in one jump: their
 * calls were over, so they did not remind late. */
static void
test_reminders_missed_calls_stay_quiet (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDateTime) on_call = utc (2026, 3, 1, 10, 30, 0);
  g_autoptr (GDateTime) may = utc (2026, 5, 3, 8, 50, 0);

  /* Jumping to 11:30 in Paris, the call started half an hour ago: still on. */
  clock_to (fixture, 2026, 3, 1, 10, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);
  assert_due (fixture, 0, "2026-03-01T11:00:00", on_call);

  /* 5 April at 12:30 in Paris: the call started 90 minutes ago, an hour long. */
  clock_to (fixture, 2026, 4, 5, 10, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);

  clock_to (fixture, 2026, 5, 3, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);
  assert_due (fixture, 1, "2026-05-03T11:00:00", may);
}

static void
test_reminders_skipped_occurrence (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) may = utc (2026, 5, 3, 8, 50, 0);

  clock_to (fixture, 2026, 3, 1, 9, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);

  /* Skipped while its alarm is set: the alarm moves to May. */
  g_assert_true (
    cs_store_skip_occurrence (fixture->store, fixture->call, "2026-04-05T11:00:00", &error));
  g_assert_no_error (error);
  assert_next_due (fixture, may);

  clock_to (fixture, 2026, 4, 5, 8, 50, 0);
  clock_to (fixture, 2026, 4, 5, 9, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);

  clock_to (fixture, 2026, 5, 3, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);
  assert_due (fixture, 1, "2026-05-03T11:00:00", may);
}

static void
test_reminders_snooze (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first = utc (2026, 3, 1, 9, 50, 0);
  g_autoptr (GDateTime) again = utc (2026, 3, 1, 9, 55, 0);
  g_autoptr (GDateTime) third = utc (2026, 3, 1, 10, 0, 0);
  g_autoptr (GDateTime) april = utc (2026, 4, 5, 8, 50, 0);

  clock_to (fixture, 2026, 3, 1, 9, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);

  g_assert_true (cs_reminders_snooze (fixture->reminders, fixture->due_ids->pdata[0], &error));
  g_assert_no_error (error);
  assert_next_due (fixture, again);

  clock_to (fixture, 2026, 3, 1, 9, 54, 59);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);
  clock_to (fixture, 2026, 3, 1, 9, 55, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);
  assert_due (fixture, 1, "2026-03-01T11:00:00", again);

  /* Once more, then left alone: no third reminder without a snooze. */
  g_assert_true (cs_reminders_snooze (fixture->reminders, fixture->due_ids->pdata[1], &error));
  clock_to (fixture, 2026, 3, 1, 10, 0, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  assert_due (fixture, 2, "2026-03-01T11:00:00", third);
  clock_to (fixture, 2026, 3, 1, 10, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  assert_next_due (fixture, april);

  /* A snooze of an occurrence skipped meanwhile never fires. */
  clock_to (fixture, 2026, 4, 5, 8, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 4);
  g_assert_true (cs_reminders_snooze (fixture->reminders, fixture->due_ids->pdata[3], &error));
  g_assert_true (
    cs_store_skip_occurrence (fixture->store, fixture->call, "2026-04-05T11:00:00", &error));
  g_assert_no_error (error);
  clock_to (fixture, 2026, 4, 5, 9, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 4);

  /* An id that names no occurrence is refused. */
  g_assert_false (cs_reminders_snooze (fixture->reminders, "no-slash-here", &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
}

static void
test_reminders_follow_changes (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) afternoon = paris (2026, 3, 1, 14, 0);
  g_autoptr (GDateTime) ten_to_two = utc (2026, 3, 1, 12, 50, 0);
  g_autoptr (GDateTime) half_past_one = utc (2026, 3, 1, 12, 30, 0);
  g_autoptr (GDateTime) moved = paris (2026, 4, 6, 18, 0);
  g_autoptr (GDateTime) moved_due = utc (2026, 4, 6, 15, 30, 0);
  g_autoptr (CsCircle) circle_draft = NULL;
  CsCircle *saved;

  /* The series moves to 14:00: the reminder follows to 13:50 in Paris. */
  cs_scheduled_call_set_dtstart (fixture->call, afternoon);
  g_assert_true (cs_store_update_scheduled_call (fixture->store, fixture->call, &error));
  g_assert_no_error (error);
  assert_next_due (fixture, ten_to_two);

  /* The circle wants half an hour's notice. */
  circle_draft = cs_circle_copy (fixture->circle);
  cs_circle_set_reminder_minutes (circle_draft, 30);
  saved = cs_store_save_circle (fixture->store, circle_draft, &error);
  g_assert_no_error (error);
  g_assert_true (saved == fixture->circle);
  assert_next_due (fixture, half_past_one);

  clock_to (fixture, 2026, 3, 1, 9, 50, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 0);
  clock_to (fixture, 2026, 3, 1, 12, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 1);
  assert_due (fixture, 0, "2026-03-01T14:00:00", half_past_one);

  /* April's call moved to Monday 18:00: reminded at 17:30, with its original id. */
  g_assert_true (
    cs_store_move_occurrence (fixture->store, fixture->call, "2026-04-05T14:00:00", moved, &error));
  g_assert_no_error (error);
  assert_next_due (fixture, moved_due);
  clock_to (fixture, 2026, 4, 6, 15, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);
  assert_due (fixture, 1, "2026-04-05T14:00:00", moved_due);
  assert_same_instant (((CsOccurrence *) fixture->due_occurrences->pdata[1])->start, moved);

  /* Cancelled: nothing more to remind, and the app may quit. */
  g_assert_true (cs_reminders_get_has_upcoming (fixture->reminders));
  g_assert_true (cs_store_cancel_scheduled_call (fixture->store, fixture->call, &error));
  g_assert_no_error (error);
  g_assert_false (cs_reminders_get_has_upcoming (fixture->reminders));
  assert_next_due (fixture, NULL);
  clock_to (fixture, 2026, 5, 3, 12, 30, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 2);

  /* Restored (Undo) while May's call is on (14:30 in Paris): reminded at once. */
  g_assert_true (cs_store_restore_scheduled_call (fixture->store, fixture->call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_reminders_get_has_upcoming (fixture->reminders));
  g_assert_cmpuint (fixture->due_ids->len, ==, 3);
  g_assert_cmpstr (fixture->due_ids->pdata[2], ==, SERIES_UID "/2026-05-03T14:00:00");

  /* The circle in the trash takes its calls along. */
  g_assert_true (cs_store_trash_circle (fixture->store, fixture->circle, &error));
  g_assert_no_error (error);
  g_assert_false (cs_reminders_get_has_upcoming (fixture->reminders));
}

/* Series that come in by import (ICS, a circle's room) remind; deleted ones stop. */
static void
test_reminders_import_and_delete (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CsScheduledCall) weekly = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) stored = NULL;
  g_autoptr (GDateTime) start = paris (2026, 2, 24, 18, 30);
  g_autoptr (GDateTime) tuesday = utc (2026, 2, 24, 17, 20, 0);
  g_autoptr (GDateTime) march = utc (2026, 3, 1, 9, 50, 0);
  guint created = 0;

  cs_scheduled_call_set_uid (weekly, "weekly@example.org");
  cs_scheduled_call_set_title (weekly, "Tuesday chat");
  cs_scheduled_call_set_tzid (weekly, "Europe/Paris");
  cs_scheduled_call_set_dtstart (weekly, start);
  cs_scheduled_call_set_rrule (weekly, "FREQ=WEEKLY");
  g_ptr_array_add (calls, g_object_ref (weekly));
  g_assert_true (cs_store_import_scheduled_calls (fixture->store,
                                                  cs_circle_get_id (fixture->circle), calls,
                                                  &created, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 1);
  assert_next_due (fixture, tuesday);

  stored = cs_store_find_scheduled_call_by_uid (fixture->store, "weekly@example.org", &error);
  g_assert_no_error (error);
  g_assert_true (cs_store_delete_scheduled_call (fixture->store, stored, &error));
  g_assert_no_error (error);
  assert_next_due (fixture, march);

  g_assert_true (cs_store_delete_scheduled_call (fixture->store, fixture->call, &error));
  g_assert_no_error (error);
  g_assert_false (cs_reminders_get_has_upcoming (fixture->reminders));
  assert_next_due (fixture, NULL);
  clock_to (fixture, 2026, 3, 1, 10, 0, 0);
  g_assert_cmpuint (fixture->due_ids->len, ==, 0);
}

static void
test_reminders_call_id (void)
{
  g_autofree char *id = cs_reminders_format_call_id ("a/b@example.org", "2026-03-01T11:00:00");
  g_autofree char *uid = NULL;
  g_autofree char *recurrence_id = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (id, ==, "a/b@example.org/2026-03-01T11:00:00");
  g_assert_true (cs_reminders_parse_call_id (id, &uid, &recurrence_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uid, ==, "a/b@example.org");
  g_assert_cmpstr (recurrence_id, ==, "2026-03-01T11:00:00");

  g_assert_false (cs_reminders_parse_call_id ("/2026-03-01T11:00:00", NULL, NULL, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
}

static void
on_system_alarm (gpointer user_data)
{
  gint64 *fired_at = user_data;

  *fired_at = g_get_real_time ();
}

/* The real clock wakes up at the wall-clock instant, not before. */
static void
test_clock_system_alarm (void)
{
  g_autoptr (CsClock) clock = cs_clock_new_system ();
  g_autoptr (GDateTime) now = cs_clock_get_now (clock);
  g_autoptr (GDateTime) when = g_date_time_add (now, 300 * G_TIME_SPAN_MILLISECOND);
  g_autoptr (GDateTime) never = g_date_time_add (now, 100 * G_TIME_SPAN_MILLISECOND);
  gint64 fired_at = 0, removed_fired_at = 0;
  gint64 target = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint removed;

  g_assert_false (cs_clock_is_manual (clock));
  cs_clock_add_alarm (clock, when, on_system_alarm, &fired_at, NULL);
  removed = cs_clock_add_alarm (clock, never, on_system_alarm, &removed_fired_at, NULL);
  cs_clock_remove_alarm (clock, removed);

  while (fired_at == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (fired_at, >=, target);
  g_assert_cmpint (fired_at, <, target + G_USEC_PER_SEC);
  g_assert_cmpint (removed_fired_at, ==, 0);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/reminders/fire-at-ten-to-eleven-across-dst", Fixture, NULL, fixture_set_up,
              test_reminders_fire_at_ten_to_eleven, fixture_tear_down);
  g_test_add ("/reminders/missed-calls-stay-quiet", Fixture, NULL, fixture_set_up,
              test_reminders_missed_calls_stay_quiet, fixture_tear_down);
  g_test_add ("/reminders/skipped-occurrence", Fixture, NULL, fixture_set_up,
              test_reminders_skipped_occurrence, fixture_tear_down);
  g_test_add ("/reminders/snooze", Fixture, NULL, fixture_set_up, test_reminders_snooze,
              fixture_tear_down);
  g_test_add ("/reminders/follow-changes", Fixture, NULL, fixture_set_up,
              test_reminders_follow_changes, fixture_tear_down);
  g_test_add ("/reminders/import-and-delete", Fixture, NULL, fixture_set_up,
              test_reminders_import_and_delete, fixture_tear_down);
  g_test_add_func ("/reminders/call-id", test_reminders_call_id);
  g_test_add_func ("/clock/system/alarm", test_clock_system_alarm);

  return g_test_run ();
}
