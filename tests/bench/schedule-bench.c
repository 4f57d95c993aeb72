/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "schedule-bench"

/* The upcoming calls at the scale: 5,000 contacts, 100,000 interactions and
 * a few hundred call series (some started years ago, some with skipped and moved
 * occurrences, some cancelled). Prints JSON; the target is a median of at most 5 ms
 * for the home page's upcoming list. Run by hand: build/tests/bench/schedule-bench */

#include "config.h"

#include "cs-recurrence.h"
#include "cs-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#define N_CONTACTS 5000
#define N_CIRCLES 60
#define N_INTERACTIONS 100000
#define N_SERIES 300
#define N_RUNS 200

static void
fill_history (const char *path, GRand *rand)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *contact = NULL, *circle = NULL, *interaction = NULL, *participant = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "INSERT INTO contacts (name, created_at, updated_at) VALUES (?1, ?2, ?2)",
                      -1, &contact, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT INTO circles (name, room_address, created_at, updated_at)"
                      " VALUES (?1, ?2, ?3, ?3)",
                      -1, &circle, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT INTO interactions (kind, circle_id, started_at, created_at)"
                      " VALUES (?1, ?2, ?3, ?3)",
                      -1, &interaction, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT OR IGNORE INTO interaction_participants (interaction_id, contact_id)"
                      " VALUES (?1, ?2)",
                      -1, &participant, NULL);

  for (guint i = 0; i < N_CONTACTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Contact %04u", i);

      sqlite3_bind_text (contact, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (contact, 2, now);
      g_assert_cmpint (sqlite3_step (contact), ==, SQLITE_DONE);
      sqlite3_reset (contact);
    }
  for (guint i = 0; i < N_CIRCLES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Circle %03u", i);
      g_autofree char *room = g_strdup_printf ("circle%03u@rooms.example.org", i);

      sqlite3_bind_text (circle, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (circle, 2, room, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (circle, 3, now);
      g_assert_cmpint (sqlite3_step (circle), ==, SQLITE_DONE);
      sqlite3_reset (circle);
    }
  for (guint i = 0; i < N_INTERACTIONS; i++)
    {
      sqlite3_bind_int (interaction, 1, g_rand_int_range (rand, 0, 4));
      sqlite3_bind_int (interaction, 2, g_rand_int_range (rand, 1, N_CIRCLES + 1));
      sqlite3_bind_int64 (interaction, 3, now - g_rand_int_range (rand, 0, 2 * 365 * 86400));
      g_assert_cmpint (sqlite3_step (interaction), ==, SQLITE_DONE);
      sqlite3_reset (interaction);
      for (guint j = 0; j < 2; j++)
        {
          sqlite3_bind_int64 (participant, 1, sqlite3_last_insert_rowid (db));
          sqlite3_bind_int (participant, 2, g_rand_int_range (rand, 1, N_CONTACTS + 1));
          g_assert_cmpint (sqlite3_step (participant), ==, SQLITE_DONE);
          sqlite3_reset (participant);
        }
    }
  sqlite3_finalize (contact);
  sqlite3_finalize (circle);
  sqlite3_finalize (interaction);
  sqlite3_finalize (participant);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
add_series (CsStore *store, GRand *rand)
{
  static const char *const rules[] = {
    "FREQ=MONTHLY;BYDAY=1SU",  "FREQ=WEEKLY;BYDAY=SU",       "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    "FREQ=MONTHLY;BYDAY=-1SA", "FREQ=MONTHLY;BYMONTHDAY=31", NULL,
  };
  static const char *const zones[] = { "Europe/Paris", "Europe/Paris", "America/Montreal" };
  GListModel *circles = cs_store_get_circles (store);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
      g_autoptr (CsCircle) circle = g_list_model_get_item (circles, i % N_CIRCLES);
      const char *tzid = zones[g_rand_int_range (rand, 0, G_N_ELEMENTS (zones))];
      g_autoptr (GTimeZone) zone = g_time_zone_new_identifier (tzid);
      /* Started up to six years ago, or up to a year ahead. */
      g_autoptr (GDateTime) start =
        g_date_time_new (zone, g_date_time_get_year (now) - g_rand_int_range (rand, -1, 7),
                         g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29),
                         g_rand_int_range (rand, 9, 21), 0, 0);
      const char *rule = rules[g_rand_int_range (rand, 0, G_N_ELEMENTS (rules))];

      cs_scheduled_call_set_circle_id (call, cs_circle_get_id (circle));
      cs_scheduled_call_set_title (call, "Call");
      cs_scheduled_call_set_tzid (call, tzid);
      cs_scheduled_call_set_dtstart (call, start);
      cs_scheduled_call_set_rrule (call, rule);
      if (!cs_store_create_scheduled_call (store, call, &error))
        g_error ("%s", error->message);

      if (rule != NULL && i % 3 == 0)
        {
          g_autoptr (GPtrArray) next = cs_recurrence_expand (call, now, NULL, 3, &error);

          g_assert_no_error (error);
          if (next->len >= 2)
            {
              CsOccurrence *skipped = next->pdata[0];
              CsOccurrence *moved = next->pdata[1];
              g_autoptr (GDateTime) later = g_date_time_add_hours (moved->start, 5);

              cs_store_skip_occurrence (store, call, skipped->recurrence_id, &error);
              g_assert_no_error (error);
              cs_store_move_occurrence (store, call, moved->recurrence_id, later, &error);
              g_assert_no_error (error);
            }
        }
      if (i % 10 == 9)
        {
          cs_store_cancel_scheduled_call (store, call, &error);
          g_assert_no_error (error);
        }
    }
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
measure (CsStore *store, guint n, const char *name, gboolean last)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");
  double times[N_RUNS];
  double first;
  guint found = 0;

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr (GError) error = NULL;
      gint64 begin = g_get_monotonic_time ();
      g_autoptr (GPtrArray) upcoming = cs_store_list_upcoming_calls (store, now, n, zone, &error);

      times[run] = (g_get_monotonic_time () - begin) / 1000.0;
      g_assert_no_error (error);
      found = upcoming->len;
    }
  /* The first run expands every series through libical; later ones reuse that. */
  first = times[0];
  qsort (times, N_RUNS, sizeof (double), compare_doubles);
  g_print ("    \"%s\": {\"occurrences\": %u, \"first_ms\": %.3f, \"median_ms\": %.3f, "
           "\"p95_ms\": %.3f, \"target_median_ms\": 5}%s\n",
           name, found, first, times[N_RUNS / 2], times[N_RUNS * 95 / 100], last ? "" : ",");
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261203);
  g_autofree char *dir = g_dir_make_tmp ("cousinade-schedule-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cousinade.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  CsStore *store;
  gint64 begin;
  double open_ms;

  g_assert_no_error (error);

  /* The schema comes from the store itself; the bulk rows go in through SQLite. */
  store = cs_store_open (path, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  fill_history (path, rand);

  begin = g_get_monotonic_time ();
  store = cs_store_open (path, &error);
  open_ms = (g_get_monotonic_time () - begin) / 1000.0;
  g_assert_no_error (error);
  add_series (store, rand);

  g_print ("{\n  \"benchmark\": \"schedule\",\n");
  g_print ("  \"contacts\": %d, \"interactions\": %d, \"circles\": %d, \"series\": %d,\n",
           N_CONTACTS, N_INTERACTIONS, N_CIRCLES, N_SERIES);
  g_print ("  \"store_open_ms\": %.1f,\n  \"runs\": %d,\n  \"results\": {\n", open_ms, N_RUNS);
  measure (store, 10, "upcoming_10", FALSE);
  measure (store, 50, "upcoming_50", TRUE);
  g_print ("  }\n}\n");

  g_object_unref (store);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);

  return 0;
}
