/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ics"

#include "config.h"

#include "cs-ics.h"
#include "cs-recurrence.h"
#include "cs-store.h"

#include <glib/gstdio.h>

#include <locale.h>
#include <string.h>

typedef struct
{
  char *dir;
  CsStore *store;
  CsCircle *circle;
  CsStore *other_store; /* someone else's computer, for round trips */
  CsCircle *other_circle;
} Fixture;

static GDateTime *
paris (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");

  return g_date_time_new (zone, year, month, day, hour, minute, 0);
}

static CsStore *
open_store (const char *dir, const char *name, CsCircle **circle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (CsCircle) draft = cs_circle_new ();
  CsStore *store = cs_store_open (path, &error);

  g_assert_no_error (error);
  cs_circle_set_name (draft, "Cousinade Dupont");
  cs_circle_set_room_address (draft, "dupont@rooms.example.org");
  *circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  return store;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-ics-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = open_store (fixture->dir, "mine.db", &fixture->circle);
  fixture->other_store = open_store (fixture->dir, "theirs.db", &fixture->other_circle);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  g_assert_finalize_object (g_steal_pointer (&fixture->other_store));
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
read_fixture (const char *name, gsize *length)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (CS_TEST_FIXTURES_DIR, "ics", name, NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every occurrence of every series of @store in 2026, one line each: title,
 * UTC start, duration and whether it was moved. */
static char *
describe_year (CsStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) calls = cs_store_list_scheduled_calls (store, 0, FALSE, &error);
  g_autoptr (GDateTime) from = paris (2026, 1, 1, 0, 0);
  g_autoptr (GDateTime) to = paris (2027, 1, 1, 0, 0);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);
      g_autoptr (GPtrArray) occurrences = cs_recurrence_expand (call, from, to, 0, &error);

      g_assert_no_error (error);
      for (guint j = 0; j < occurrences->len; j++)
        {
          CsOccurrence *occurrence = occurrences->pdata[j];
          g_autoptr (GDateTime) utc = g_date_time_to_utc (occurrence->start);
          g_autofree char *when = g_date_time_format (utc, "%Y-%m-%dT%H:%MZ");

          g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %um%s", occurrence->call_uid, when,
                                                   occurrence->title,
                                                   cs_scheduled_call_get_duration_minutes (call),
                                                   occurrence->moved ? " moved" : ""));
        }
    }
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

static guint
count_calls (CsStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) calls = cs_store_list_scheduled_calls (store, 0, TRUE, &error);

  g_assert_no_error (error);

  return g_list_model_get_n_items (calls);
}

static CsScheduledCall *
find_by_title (CsStore *store, const char *title)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) calls = cs_store_list_scheduled_calls (store, 0, TRUE, &error);

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);

      if (g_strcmp0 (cs_scheduled_call_get_title (call), title) == 0)
        return g_steal_pointer (&call);
    }

  g_error ("No call named “%s”", title);
}

static void
add_schedule (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) first_sunday = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) skipped = paris (2026, 2, 1, 11, 0);
  g_autoptr (GDateTime) original = paris (2026, 3, 1, 11, 0);
  g_autoptr (GDateTime) moved = paris (2026, 3, 8, 14, 0);
  g_autoptr (GTimeZone) montreal = g_time_zone_new_identifier ("America/Montreal");
  g_autoptr (GDateTime) thursday = g_date_time_new (montreal, 2026, 1, 8, 19, 30, 0);
  g_autoptr (GDateTime) once = g_date_time_new_utc (2026, 7, 14, 18, 0, 0);
  g_autoptr (CsScheduledCall) monthly = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) weekly = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) single = cs_scheduled_call_new ();

  cs_scheduled_call_set_circle_id (monthly, cs_circle_get_id (fixture->circle));
  cs_scheduled_call_set_title (monthly, "Cousinade Dupont");
  cs_scheduled_call_set_tzid (monthly, "Europe/Paris");
  cs_scheduled_call_set_dtstart (monthly, first_sunday);
  cs_scheduled_call_set_duration_minutes (monthly, 90);
  cs_scheduled_call_set_rrule (monthly, "FREQ=MONTHLY;BYDAY=1SU");
  cs_scheduled_call_set_organiser (monthly, "mamie@example.org");
  cs_scheduled_call_skip_occurrence (monthly, skipped);
  cs_scheduled_call_move_occurrence (monthly, original, moved);
  g_assert_true (cs_store_create_scheduled_call (fixture->store, monthly, &error));
  g_assert_no_error (error);

  /* The Canadian cousins' call, in their zone, which changes on other dates. */
  cs_scheduled_call_set_circle_id (weekly, cs_circle_get_id (fixture->circle));
  cs_scheduled_call_set_title (weekly, "Cousins de Montréal, “le jeudi”; virgules, etc.");
  cs_scheduled_call_set_tzid (weekly, "America/Montreal");
  cs_scheduled_call_set_dtstart (weekly, thursday);
  cs_scheduled_call_set_rrule (weekly, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=10");
  g_assert_true (cs_store_create_scheduled_call (fixture->store, weekly, &error));
  g_assert_no_error (error);

  cs_scheduled_call_set_circle_id (single, cs_circle_get_id (fixture->circle));
  cs_scheduled_call_set_title (single, "Feu d'artifice");
  cs_scheduled_call_set_tzid (single, "UTC");
  cs_scheduled_call_set_dtstart (single, once);
  g_assert_true (cs_store_create_scheduled_call (fixture->store, single, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *unfolded = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autoptr (CsScheduledCall) monthly = NULL;
  guint created = 0, updated = 0;

  add_schedule (fixture);
  ics = cs_ics_export (fixture->store, fixture->circle, &error);
  g_assert_no_error (error);
  g_test_message ("%s", ics);

  /* What other calendars read. */
  {
    g_autoptr (GRegex) fold = g_regex_new ("\r\n[ \t]", 0, 0, NULL);

    unfolded = g_regex_replace_literal (fold, ics, -1, 0, "", 0, NULL);
  }
  g_assert_nonnull (strstr (unfolded, "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
  g_assert_nonnull (strstr (unfolded, "TZID:America/Montreal\r\n"));
  g_assert_nonnull (strstr (unfolded, "DTSTART;TZID=Europe/Paris:20260104T110000\r\n"));
  g_assert_nonnull (strstr (unfolded, "RRULE:FREQ=MONTHLY;BYDAY=1SU\r\n"));
  g_assert_nonnull (strstr (unfolded, "EXDATE;TZID=Europe/Paris:20260201T110000\r\n"));
  g_assert_nonnull (strstr (unfolded, "RECURRENCE-ID;TZID=Europe/Paris:20260301T110000\r\n"));
  g_assert_nonnull (strstr (unfolded, "DTSTART;TZID=Europe/Paris:20260308T140000\r\n"));
  g_assert_nonnull (strstr (unfolded, "DTSTART:20260714T180000Z\r\n"));
  g_assert_nonnull (strstr (unfolded, "URL:xmpp:dupont@rooms.example.org?join\r\n"));
  g_assert_nonnull (strstr (unfolded, "xmpp:dupont@rooms.example.org?join\r\n"));
  g_assert_nonnull (strstr (unfolded, "ORGANIZER:xmpp:mamie@example.org\r\n"));
  g_assert_nonnull (strstr (unfolded, "SEQUENCE:0\r\n"));

  g_assert_true (cs_ics_import (fixture->other_store, fixture->other_circle, ics, -1, &created,
                                &updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 3);
  g_assert_cmpuint (updated, ==, 0);

  mine = describe_year (fixture->store);
  theirs = describe_year (fixture->other_store);
  g_test_message ("%s", mine);
  g_assert_cmpstr (theirs, ==, mine);

  monthly = find_by_title (fixture->other_store, "Cousinade Dupont");
  g_assert_cmpstr (cs_scheduled_call_get_organiser (monthly), ==, "mamie@example.org");
  g_assert_cmpstr (cs_scheduled_call_get_tzid (monthly), ==, "Europe/Paris");

  /* Exporting everything holds the same series. */
  {
    g_autofree char *all = cs_ics_export (fixture->store, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (all, "SUMMARY:Cousinade Dupont"));
    g_assert_nonnull (strstr (all, "SUMMARY:Feu d'artifice"));
  }
}

static void
test_reimport_sequence (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (CsScheduledCall) monthly = NULL;
  g_autoptr (CsScheduledCall) imported = NULL;
  guint created = 0, updated = 0;

  add_schedule (fixture);
  ics = cs_ics_export (fixture->store, fixture->circle, &error);
  g_assert_no_error (error);

  /* The same file twice: nothing doubles. */
  g_assert_true (cs_ics_import (fixture->other_store, fixture->other_circle, ics, -1, &created,
                                &updated, &error));
  g_assert_true (cs_ics_import (fixture->other_store, fixture->other_circle, ics, -1, &created,
                                &updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 0);
  g_assert_cmpuint (updated, ==, 0);
  g_assert_cmpuint (count_calls (fixture->other_store), ==, 3);

  /* The organiser changes the time: the newer file wins... */
  monthly = find_by_title (fixture->store, "Cousinade Dupont");
  {
    g_autoptr (GDateTime) later = paris (2026, 1, 4, 16, 0);

    cs_scheduled_call_set_dtstart (monthly, later);
    g_assert_true (cs_store_update_scheduled_call (fixture->store, monthly, &error));
  }
  g_clear_pointer (&ics, g_free);
  ics = cs_ics_export (fixture->store, fixture->circle, &error);
  g_assert_true (cs_ics_import (fixture->other_store, fixture->other_circle, ics, -1, &created,
                                &updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 0);
  g_assert_cmpuint (updated, ==, 1);
  imported = find_by_title (fixture->other_store, "Cousinade Dupont");
  g_assert_cmpint (g_date_time_get_hour (cs_scheduled_call_get_dtstart (imported)), ==, 16);
  g_assert_cmpuint (cs_scheduled_call_get_sequence (imported), ==, 1);

  /* ...and an older one does not overwrite it. */
  before = describe_year (fixture->other_store);
  {
    g_autofree char *old = read_fixture ("gnome-calendar.ics", NULL);
    g_autoptr (GRegex) uid = g_regex_new ("UID:[^\r]*\r\nDTSTAMP", 0, 0, NULL);
    g_autofree char *replacement =
      g_strdup_printf ("UID:%s\r\nDTSTAMP", cs_scheduled_call_get_uid (imported));
    g_autofree char *same_uid =
      g_regex_replace_literal (uid, old, -1, 0, replacement, G_REGEX_MATCH_DEFAULT, NULL);
    g_autoptr (GRegex) sequence = g_regex_new ("SEQUENCE:2", 0, 0, NULL);
    g_autofree char *stale =
      g_regex_replace_literal (sequence, same_uid, -1, 0, "SEQUENCE:0", 0, NULL);

    g_assert_true (cs_ics_import (fixture->other_store, fixture->other_circle, stale, -1, &created,
                                  &updated, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (updated, ==, 0);
  }
  after = describe_year (fixture->other_store);
  g_assert_cmpstr (after, ==, before);
}

static void
import_fixture (Fixture *fixture, const char *name, guint expected_created)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint created = 0, updated = 0;
  gboolean ok;

  contents = read_fixture (name, &length);
  ok =
    cs_ics_import (fixture->store, fixture->circle, contents, length, &created, &updated, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (created, ==, expected_created);
  g_assert_cmpuint (updated, ==, 0);
}

static void
test_import_gnome_calendar (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *year = NULL;
  g_autoptr (CsScheduledCall) call = NULL;
  g_autofree char *description = NULL;

  import_fixture (fixture, "gnome-calendar.ics", 1);
  call = find_by_title (fixture->store, "Cousinade Dupont");
  g_assert_cmpstr (cs_scheduled_call_get_tzid (call), ==, "Europe/Paris");
  g_assert_cmpstr (cs_scheduled_call_get_uid (call), ==,
                   "20251201T093512Z-4021-1000-1-12@hostname");
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 2);
  g_assert_cmpuint (cs_scheduled_call_get_duration_minutes (call), ==, 90);
  description = cs_recurrence_describe (cs_scheduled_call_get_rrule (call),
                                        cs_scheduled_call_get_dtstart (call));
  g_assert_cmpstr (description, ==, "Every first Sunday of the month at 11:00");

  /* 1 March is skipped (EXDATE); the rest keep 11:00 in Paris. */
  year = describe_year (fixture->store);
  g_assert_true (g_str_has_prefix (
    year, "20251201T093512Z-4021-1000-1-12@hostname 2026-01-04T10:00Z Cousinade Dupont 90m\n"
          "20251201T093512Z-4021-1000-1-12@hostname 2026-02-01T10:00Z Cousinade Dupont 90m\n"
          "20251201T093512Z-4021-1000-1-12@hostname 2026-04-05T09:00Z Cousinade Dupont 90m\n"));
}

static void
test_import_thunderbird (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *year = NULL;
  g_autoptr (CsScheduledCall) call = NULL;
  const char *uid = "5f7c1c3e-8a4d-4b8e-9c55-2b1f0d6e7a11";
  g_autofree char *expected = NULL;

  import_fixture (fixture, "thunderbird.ics", 1);
  call = find_by_title (fixture->store, "Voisins de l'immeuble");
  g_assert_cmpstr (cs_scheduled_call_get_organiser (call), ==, "karim@example.org");
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 1);

  /* The 25 January call was moved to Saturday 24 at 19:00. */
  year = describe_year (fixture->store);
  expected = g_strdup_printf ("%1$s 2026-01-11T17:00Z Voisins de l'immeuble 60m\n"
                              "%1$s 2026-01-24T18:00Z Voisins de l'immeuble 60m moved\n"
                              "%1$s 2026-02-08T17:00Z Voisins de l'immeuble 60m\n",
                              uid);
  g_assert_true (g_str_has_prefix (year, expected));
}

static void
test_import_google (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *year = NULL;
  g_autoptr (CsScheduledCall) birthday = NULL;
  const char *expected =
    "3q2kq0o3v5lq1n2o0f8e8f2r9k@google.com 2026-01-30T17:30Z Appel entraide 60m\n"
    "3q2kq0o3v5lq1n2o0f8e8f2r9k@google.com 2026-04-24T16:30Z Appel entraide 60m\n"
    "3q2kq0o3v5lq1n2o0f8e8f2r9k@google.com 2026-06-26T16:30Z Appel entraide 60m\n";

  /* The all-day event is not a call and stays out. */
  import_fixture (fixture, "google-calendar.ics", 2);

  /* February and March are skipped (EXDATE list), May cancelled (RECURRENCE-ID). */
  year = describe_year (fixture->store);
  g_assert_true (g_str_has_prefix (year, expected));

  birthday = find_by_title (fixture->store, "Anniversaire de Mamie");
  g_assert_cmpstr (cs_scheduled_call_get_tzid (birthday), ==, "UTC");
  g_assert_cmpuint (cs_scheduled_call_get_duration_minutes (birthday), ==, 45);
  g_assert_null (cs_scheduled_call_get_rrule (birthday));
}

static void
test_import_broken (Fixture *fixture, gconstpointer user_data)
{
  const char *names[] = {
    "broken-truncated.ics",
    "broken-bad-rule.ics",
    "broken-unknown-zone.ics",
    "broken-not-calendar.ics",
  };
  g_autofree char *before = NULL;

  import_fixture (fixture, "thunderbird.ics", 1);
  before = describe_year (fixture->store);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *after = NULL;
      gsize length = 0;
      guint created = 99, updated = 99;

      g_test_message ("%s", names[i]);
      contents = read_fixture (names[i], &length);
      g_assert_false (cs_ics_import (fixture->store, fixture->circle, contents, length, &created,
                                     &updated, &error));
      g_assert_error (error, CS_ICS_ERROR, CS_ICS_ERROR_INVALID);
      g_assert_true (g_str_has_suffix (error->message, "Nothing was imported."));
      g_test_message ("%s", error->message);

      /* The first, valid event of the file is not in the store either. */
      g_assert_cmpuint (count_calls (fixture->store), ==, 1);
      after = describe_year (fixture->store);
      g_assert_cmpstr (after, ==, before);
    }

  /* A calendar without any call says so. */
  {
    g_autoptr (GError) error = NULL;
    const char *empty = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n";

    g_assert_false (cs_ics_import (fixture->store, fixture->circle, empty, -1, NULL, NULL, &error));
    g_assert_error (error, CS_ICS_ERROR, CS_ICS_ERROR_EMPTY);
  }
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ics/round-trip", test_round_trip);
  ADD ("/ics/reimport/sequence", test_reimport_sequence);
  ADD ("/ics/import/gnome-calendar", test_import_gnome_calendar);
  ADD ("/ics/import/thunderbird", test_import_thunderbird);
  ADD ("/ics/import/google-calendar", test_import_google);
  ADD ("/ics/import/broken", test_import_broken);
#undef ADD

  return g_test_run ();
}
