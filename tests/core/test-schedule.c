/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schedule"

#include "config.h"

#include "cs-recurrence.h"
#include "cs-store.h"

#include <glib/gstdio.h>

#include <locale.h>

typedef struct
{
  char *dir;
  CsStore *store;
  CsCircle *circle; /* the store's own, "Cousinade Dupont" */
} Fixture;

static GDateTime *
paris (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");

  return g_date_time_new (zone, year, month, day, hour, minute, 0);
}

static CsCircle *
add_circle (CsStore *store, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsCircle) draft = cs_circle_new ();
  CsCircle *circle;

  cs_circle_set_name (draft, name);
  circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  return circle;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-schedule-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cousinade.db", NULL);
  fixture->store = cs_store_open (path, &error);
  g_assert_no_error (error);
  fixture->circle = add_circle (fixture->store, "Cousinade Dupont");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  const char *names[] = { "cousinade.db", "cousinade.db-wal", "cousinade.db-shm" };

  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_remove (path);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_pointer (&fixture->dir, g_free);
}

static CsScheduledCall *
new_call (CsCircle *circle, const char *title, const char *rrule, GDateTime *start)
{
  CsScheduledCall *call = cs_scheduled_call_new ();

  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (circle));
  cs_scheduled_call_set_title (call, title);
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, start);
  cs_scheduled_call_set_rrule (call, rrule);
  cs_scheduled_call_set_organiser (call, "mamie@example.org");

  return call;
}

/* "Title YYYY-MM-DD HH:MM" per occurrence, in the user's zone. */
static char *
describe_upcoming (GPtrArray *occurrences)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < occurrences->len; i++)
    {
      CsOccurrence *occurrence = occurrences->pdata[i];
      g_autofree char *when = g_date_time_format (occurrence->user_start, "%Y-%m-%d %H:%M");

      g_string_append_printf (text, "%s%s %s", i > 0 ? ", " : "", occurrence->title, when);
    }

  return g_string_free (text, FALSE);
}

static GPtrArray *
upcoming (CsStore *store, GDateTime *from, guint n, const char *zone_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier (zone_name);
  GPtrArray *occurrences = cs_store_list_upcoming_calls (store, from, n, zone, &error);

  g_assert_no_error (error);
  g_assert_nonnull (occurrences);

  return occurrences;
}

static void
test_create_and_read (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (CsScheduledCall) call =
    new_call (fixture->circle, "Cousinade Dupont", "FREQ=MONTHLY;BYDAY=1SU", start);
  g_autoptr (CsScheduledCall) again = NULL;
  g_autoptr (CsScheduledCall) by_uid = NULL;
  g_autoptr (GListModel) list = NULL;

  g_assert_true (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_scheduled_call_get_id (call), >, 0);

  again = cs_store_get_scheduled_call (fixture->store, cs_scheduled_call_get_id (call), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_scheduled_call_get_uid (again), ==, cs_scheduled_call_get_uid (call));
  g_assert_cmpstr (cs_scheduled_call_get_title (again), ==, "Cousinade Dupont");
  g_assert_cmpstr (cs_scheduled_call_get_tzid (again), ==, "Europe/Paris");
  g_assert_true (g_date_time_equal (cs_scheduled_call_get_dtstart (again), start));
  g_assert_cmpstr (cs_scheduled_call_get_rrule (again), ==, "FREQ=MONTHLY;BYDAY=1SU");
  g_assert_cmpstr (cs_scheduled_call_get_organiser (again), ==, "mamie@example.org");
  g_assert_cmpuint (cs_scheduled_call_get_duration_minutes (again), ==, 60);

  by_uid =
    cs_store_find_scheduled_call_by_uid (fixture->store, cs_scheduled_call_get_uid (call), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cs_scheduled_call_get_id (by_uid), ==, cs_scheduled_call_get_id (call));

  list = cs_store_list_scheduled_calls (fixture->store, cs_circle_get_id (fixture->circle), FALSE,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
}

static void
test_refused (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (CsScheduledCall) call = new_call (fixture->circle, "  ", NULL, start);
  g_autoptr (GListModel) list = NULL;

  /* Blank title, unknown zone, bad rule, no circle: each refused, nothing written. */
  g_assert_false (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  cs_scheduled_call_set_title (call, "Appel");
  cs_scheduled_call_set_tzid (call, "Mars/Olympus_Mons");
  g_assert_false (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Mars/Olympus_Mons"));
  g_clear_error (&error);

  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_rrule (call, "FREQ=SOMETIMES");
  g_assert_false (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  cs_scheduled_call_set_rrule (call, NULL);
  cs_scheduled_call_set_circle_id (call, 9999);
  g_assert_false (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (cs_scheduled_call_get_id (call), ==, 0);
  list = cs_store_list_scheduled_calls (fixture->store, 0, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
}

static void
test_update_raises_sequence (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) later = paris (2026, 1, 4, 15, 0);
  g_autoptr (CsScheduledCall) call =
    new_call (fixture->circle, "Cousinade", "FREQ=MONTHLY;BYDAY=1SU", start);
  g_autoptr (CsScheduledCall) stale = NULL;
  g_autoptr (CsScheduledCall) again = NULL;

  g_assert_true (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 0);
  stale = cs_scheduled_call_copy (call);

  cs_scheduled_call_set_title (call, "Cousinade Dupont");
  cs_scheduled_call_set_dtstart (call, later);
  g_assert_true (cs_store_update_scheduled_call (fixture->store, call, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 1);

  /* An edit made on an old copy still goes above what is stored. */
  g_assert_true (cs_store_update_scheduled_call (fixture->store, stale, &error));
  g_assert_cmpuint (cs_scheduled_call_get_sequence (stale), ==, 2);

  again = cs_store_get_scheduled_call (fixture->store, cs_scheduled_call_get_id (call), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_scheduled_call_get_sequence (again), ==, 2);
  g_assert_cmpstr (cs_scheduled_call_get_title (again), ==, "Cousinade");
}

static void
test_cancel_restore_delete (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) from = paris (2026, 1, 1, 0, 0);
  g_autoptr (GDateTime) skipped = paris (2026, 2, 1, 11, 0);
  g_autoptr (CsScheduledCall) call =
    new_call (fixture->circle, "Cousinade Dupont", "FREQ=MONTHLY;BYDAY=1SU", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GListModel) with_cancelled = NULL;
  g_autofree char *text = NULL;

  cs_scheduled_call_skip_occurrence (call, skipped);
  g_assert_true (cs_store_create_scheduled_call (fixture->store, call, &error));

  g_assert_true (cs_store_cancel_scheduled_call (fixture->store, call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_scheduled_call_get_cancelled (call));
  occurrences = upcoming (fixture->store, from, 3, "Europe/Paris");
  g_assert_cmpuint (occurrences->len, ==, 0);
  list = cs_store_list_scheduled_calls (fixture->store, cs_circle_get_id (fixture->circle), FALSE,
                                        &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  with_cancelled = cs_store_list_scheduled_calls (fixture->store,
                                                  cs_circle_get_id (fixture->circle), TRUE, &error);
  g_assert_cmpuint (g_list_model_get_n_items (with_cancelled), ==, 1);
  g_clear_pointer (&occurrences, g_ptr_array_unref);

  /* Undo brings the series back with its skipped occurrence. */
  g_assert_true (cs_store_restore_scheduled_call (fixture->store, call, &error));
  g_assert_no_error (error);
  g_assert_false (cs_scheduled_call_get_cancelled (call));
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 2);
  occurrences = upcoming (fixture->store, from, 3, "Europe/Paris");
  text = describe_upcoming (occurrences);
  g_assert_cmpstr (text, ==,
                   "Cousinade Dupont 2026-01-04 11:00, Cousinade Dupont 2026-03-01 11:00, "
                   "Cousinade Dupont 2026-04-05 11:00");

  g_assert_true (cs_store_delete_scheduled_call (fixture->store, call, &error));
  g_assert_no_error (error);
  g_assert_null (cs_store_get_scheduled_call (fixture->store, 1, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cs_store_delete_scheduled_call (fixture->store, call, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
}

static void
test_skip_and_move (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) from = paris (2026, 1, 1, 0, 0);
  g_autoptr (GDateTime) new_start = paris (2026, 1, 10, 17, 0);
  g_autoptr (CsScheduledCall) call =
    new_call (fixture->circle, "Dimanche", "FREQ=WEEKLY;BYDAY=SU", start);
  g_autoptr (CsScheduledCall) again = NULL;
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autofree char *text = NULL;
  CsOccurrence *moved;

  g_assert_true (cs_store_create_scheduled_call (fixture->store, call, &error));
  g_assert_true (cs_store_skip_occurrence (fixture->store, call, "2026-01-18T11:00:00", &error));
  g_assert_no_error (error);
  g_assert_true (
    cs_store_move_occurrence (fixture->store, call, "2026-01-11T11:00:00", new_start, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cs_scheduled_call_get_sequence (call), ==, 2);

  /* An occurrence id that is not a date is refused. */
  g_assert_false (cs_store_skip_occurrence (fixture->store, call, "next sunday", &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  again = cs_store_get_scheduled_call (fixture->store, cs_scheduled_call_get_id (call), &error);
  g_assert_cmpuint (cs_scheduled_call_get_n_exceptions (again), ==, 2);

  occurrences = upcoming (fixture->store, from, 4, "Europe/Paris");
  text = describe_upcoming (occurrences);
  g_assert_cmpstr (text, ==,
                   "Dimanche 2026-01-04 11:00, Dimanche 2026-01-10 17:00, "
                   "Dimanche 2026-01-25 11:00, Dimanche 2026-02-01 11:00");
  moved = occurrences->pdata[1];
  g_assert_true (moved->moved);
  g_assert_cmpstr (moved->recurrence_id, ==, "2026-01-11T11:00:00");
  g_assert_cmpint (moved->call_id, ==, cs_scheduled_call_get_id (call));
  g_assert_cmpstr (moved->circle_name, ==, "Cousinade Dupont");
}

static void
test_upcoming_across_circles (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  CsCircle *neighbours = add_circle (fixture->store, "Voisins");
  CsCircle *trashed = add_circle (fixture->store, "Ancien club");
  g_autoptr (GDateTime) sunday = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) friday = paris (2026, 1, 9, 19, 0);
  g_autoptr (GDateTime) once = paris (2026, 1, 7, 20, 0);
  g_autoptr (GDateTime) from = paris (2026, 1, 5, 0, 0);
  g_autoptr (CsScheduledCall) family =
    new_call (fixture->circle, "Cousinade", "FREQ=WEEKLY;BYDAY=SU", sunday);
  g_autoptr (CsScheduledCall) building =
    new_call (neighbours, "Immeuble", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", friday);
  g_autoptr (CsScheduledCall) single = new_call (neighbours, "AG", NULL, once);
  g_autoptr (CsScheduledCall) hidden = new_call (trashed, "Club", "FREQ=WEEKLY;BYDAY=MO", sunday);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GPtrArray) in_montreal = NULL;
  g_autofree char *text = NULL;
  g_autofree char *montreal_text = NULL;
  CsOccurrence *first;

  g_assert_true (cs_store_create_scheduled_call (fixture->store, family, &error));
  g_assert_true (cs_store_create_scheduled_call (fixture->store, building, &error));
  g_assert_true (cs_store_create_scheduled_call (fixture->store, single, &error));
  g_assert_true (cs_store_create_scheduled_call (fixture->store, hidden, &error));
  g_assert_true (cs_store_trash_circle (fixture->store, trashed, &error));
  g_assert_no_error (error);

  occurrences = upcoming (fixture->store, from, 5, "Europe/Paris");
  text = describe_upcoming (occurrences);
  g_assert_cmpstr (text, ==,
                   "AG 2026-01-07 20:00, Immeuble 2026-01-09 19:00, Cousinade 2026-01-11 11:00, "
                   "Cousinade 2026-01-18 11:00, Immeuble 2026-01-23 19:00");
  first = occurrences->pdata[0];
  g_assert_cmpstr (first->circle_name, ==, "Voisins");
  g_assert_false (first->zone_differs);

  /* Asking again after a change shows the change, not what was computed before. */
  g_assert_true (cs_store_skip_occurrence (fixture->store, family, "2026-01-11T11:00:00", &error));
  g_assert_no_error (error);
  g_clear_pointer (&occurrences, g_ptr_array_unref);
  g_clear_pointer (&text, g_free);
  occurrences = upcoming (fixture->store, from, 5, "Europe/Paris");
  text = describe_upcoming (occurrences);
  g_assert_cmpstr (text, ==,
                   "AG 2026-01-07 20:00, Immeuble 2026-01-09 19:00, Cousinade 2026-01-18 11:00, "
                   "Immeuble 2026-01-23 19:00, Cousinade 2026-01-25 11:00");

  /* Later and earlier starts than the one asked first. */
  {
    g_autoptr (GDateTime) later = paris (2026, 6, 1, 0, 0);
    g_autoptr (GDateTime) earlier = paris (2026, 1, 1, 0, 0);
    g_autoptr (GPtrArray) june = upcoming (fixture->store, later, 3, "Europe/Paris");
    g_autoptr (GPtrArray) new_year = upcoming (fixture->store, earlier, 2, "Europe/Paris");
    g_autofree char *june_text = describe_upcoming (june);
    g_autofree char *new_year_text = describe_upcoming (new_year);

    g_assert_cmpstr (june_text, ==,
                     "Cousinade 2026-06-07 11:00, Immeuble 2026-06-12 19:00, "
                     "Cousinade 2026-06-14 11:00");
    g_assert_cmpstr (new_year_text, ==, "Cousinade 2026-01-04 11:00, AG 2026-01-07 20:00");
  }

  /* Someone in Montreal sees their own time, and that it differs from the organiser's. */
  in_montreal = upcoming (fixture->store, from, 1, "America/Montreal");
  montreal_text = describe_upcoming (in_montreal);
  g_assert_cmpstr (montreal_text, ==, "AG 2026-01-07 14:00");
  first = in_montreal->pdata[0];
  g_assert_true (first->zone_differs);
  g_assert_cmpint (g_date_time_get_hour (first->start), ==, 20);
}

static void
test_import_all_or_none (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GListModel) list = NULL;
  guint created = 0, updated = 0;

  g_ptr_array_add (calls, new_call (fixture->circle, "Premier", "FREQ=WEEKLY;BYDAY=SU", start));
  g_ptr_array_add (calls, new_call (fixture->circle, " ", NULL, start));

  /* The second is refused after the first was written: the first goes too. */
  g_assert_false (cs_store_import_scheduled_calls (fixture->store,
                                                   cs_circle_get_id (fixture->circle), calls,
                                                   &created, &updated, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  list = cs_store_list_scheduled_calls (fixture->store, 0, TRUE, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_error (&error);
  g_clear_object (&list);

  g_ptr_array_set_size (calls, 1);
  g_assert_true (cs_store_import_scheduled_calls (fixture->store,
                                                  cs_circle_get_id (fixture->circle), calls,
                                                  &created, &updated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 1);
  list = cs_store_list_scheduled_calls (fixture->store, 0, TRUE, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
}

static int
compare_by_start (gconstpointer a, gconstpointer b)
{
  const CsOccurrence *x = *(CsOccurrence **) a;
  const CsOccurrence *y = *(CsOccurrence **) b;
  int by_start = g_date_time_compare (x->start, y->start);

  return by_start != 0 ? by_start : g_strcmp0 (x->call_uid, y->call_uid);
}

/* The reference: every series expanded on its own, merged, the first n kept. */
static char *
expected_upcoming (GListModel *calls, GDateTime *from, guint n)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);
      g_autoptr (GPtrArray) occurrences = cs_recurrence_expand (call, from, NULL, n, NULL);

      for (guint j = 0; j < occurrences->len; j++)
        g_ptr_array_add (all, cs_occurrence_ref (occurrences->pdata[j]));
    }
  g_ptr_array_sort (all, compare_by_start);
  if (all->len > n)
    g_ptr_array_set_size (all, n);
  for (guint i = 0; i < all->len; i++)
    {
      CsOccurrence *occurrence = all->pdata[i];

      occurrence->user_start = g_date_time_to_timezone (occurrence->start, zone);
    }

  return describe_upcoming (all);
}

/* What is reused between calls to the upcoming list never changes its answer,
 * whether the asked start moves forward, back, or the series change between. */
static void
test_upcoming_matches_expansion (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  const char *const rules[] = {
    "FREQ=MONTHLY;BYDAY=1SU",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=WEEKLY;BYDAY=WE;COUNT=5",
    NULL,
    "FREQ=MONTHLY;BYDAY=-1SA",
  };
  const int offsets[] = { 0, 3, 40, 41, 200, 10, 120, 365, 2, 500 };

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr (GDateTime) start = paris (2025, 1 + i, 3 + i, 9 + i, 0);
      g_autofree char *title = g_strdup_printf ("Appel %u", i);
      g_autoptr (CsScheduledCall) call = new_call (fixture->circle, title, rules[i], start);

      g_assert_true (cs_store_create_scheduled_call (fixture->store, call, &error));
      g_assert_no_error (error);
    }

  for (guint round = 0; round < 2; round++)
    for (gsize k = 0; k < G_N_ELEMENTS (offsets); k++)
      {
        g_autoptr (GDateTime) base = paris (2025, 6, 1, 0, 0);
        g_autoptr (GDateTime) from = g_date_time_add_days (base, offsets[k]);
        g_autoptr (GListModel) calls =
          cs_store_list_scheduled_calls (fixture->store, 0, FALSE, NULL);
        guint n = 1 + (k * 3) % 8;
        g_autoptr (GPtrArray) got = upcoming (fixture->store, from, n, "Europe/Paris");
        g_autofree char *got_text = describe_upcoming (got);
        g_autofree char *expected = expected_upcoming (calls, from, n);

        g_assert_cmpstr (got_text, ==, expected);

        /* Between rounds, change one series. */
        if (round == 0 && k == 4)
          {
            g_autoptr (CsScheduledCall) first = g_list_model_get_item (calls, 0);
            g_autoptr (GDateTime) moved = paris (2025, 12, 24, 20, 0);
            g_autoptr (GPtrArray) next = cs_recurrence_expand (first, from, NULL, 1, NULL);

            if (next->len > 0)
              g_assert_true (
                cs_store_move_occurrence (fixture->store, first,
                                          ((CsOccurrence *) next->pdata[0])->recurrence_id, moved,
                                          &error));
            g_assert_no_error (error);
          }
      }
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/schedule/create", test_create_and_read);
  ADD ("/store/schedule/refused", test_refused);
  ADD ("/store/schedule/update-sequence", test_update_raises_sequence);
  ADD ("/store/schedule/cancel-restore-delete", test_cancel_restore_delete);
  ADD ("/store/schedule/skip-move", test_skip_and_move);
  ADD ("/store/schedule/upcoming", test_upcoming_across_circles);
  ADD ("/store/schedule/import-all-or-none", test_import_all_or_none);
  ADD ("/store/schedule/upcoming-matches-expansion", test_upcoming_matches_expansion);
#undef ADD

  return g_test_run ();
}
