/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "history-bench"

/* Contact history at the scale: 5,000 contacts and 100,000 interactions.
 * Times the overdue list, a contact's timeline (first page and a deep page), a
 * circle's timeline and "last contact", and prints one JSON object. The target
 * is a median of at most 5 ms for the overdue list and a contact's timeline.
 *
 *   history-bench [--cadence-share=PERCENT] [--runs=N]
 *
 * Not part of the suite: run it by hand on a quiet machine. */

#include "config.h"

#include "cs-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include <stdlib.h>
#include <string.h>

#define N_CONTACTS 5000
#define N_CIRCLES 200
#define N_INTERACTIONS 100000
#define PAGE 50

static void
exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
step_reset (sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("insert failed");
  sqlite3_reset (stmt);
}

/* Rows written straight into the schema the store made: going through the
 * store would time the set-up, not the queries. Fixed seed: runs compare. */
static void
fill (const char *path, guint cadence_share, gint64 now)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *contact = NULL;
  sqlite3_stmt *circle = NULL;
  sqlite3_stmt *interaction = NULL;
  sqlite3_stmt *participant = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261203);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec (db, "BEGIN");
  sqlite3_prepare_v2 (db,
                      "INSERT INTO contacts (name, named_in_digest, keep_in_touch_days, created_at,"
                      " updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                      -1, &contact, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT INTO circles (name, keep_in_touch_days, created_at, updated_at)"
                      " VALUES (?1, ?2, ?3, ?3)",
                      -1, &circle, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT INTO interactions (kind, circle_id, started_at, duration_seconds,"
                      " place, created_at) VALUES (?1, ?2, ?3, 1800, ?4, ?3)",
                      -1, &interaction, NULL);
  sqlite3_prepare_v2 (db,
                      "INSERT OR IGNORE INTO interaction_participants (interaction_id, contact_id)"
                      " VALUES (?1, ?2)",
                      -1, &participant, NULL);

  for (guint i = 1; i <= N_CONTACTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Contact %04u", i);
      gboolean cadence = g_rand_int_range (rand, 0, 100) < (gint32) cadence_share;

      sqlite3_bind_text (contact, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (contact, 2, g_rand_boolean (rand));
      sqlite3_bind_int (contact, 3, cadence ? g_rand_int_range (rand, 7, 60) : 0);
      sqlite3_bind_int64 (contact, 4, now - 3 * 365 * 86400);
      step_reset (contact);
    }

  for (guint i = 1; i <= N_CIRCLES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Circle %03u", i);

      sqlite3_bind_text (circle, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (circle, 2, g_rand_boolean (rand) ? g_rand_int_range (rand, 7, 60) : 0);
      sqlite3_bind_int64 (circle, 3, now - 3 * 365 * 86400);
      step_reset (circle);
    }

  /* Two years of history, 1 to 3 people each, a third of it in circles. */
  for (guint i = 1; i <= N_INTERACTIONS; i++)
    {
      guint n_people = g_rand_int_range (rand, 1, 4);

      sqlite3_bind_int (interaction, 1, g_rand_int_range (rand, 0, 4));
      if (g_rand_int_range (rand, 0, 3) == 0)
        sqlite3_bind_int (interaction, 2, g_rand_int_range (rand, 1, N_CIRCLES + 1));
      else
        sqlite3_bind_null (interaction, 2);
      sqlite3_bind_int64 (interaction, 3, now - g_rand_int_range (rand, 0, 2 * 365 * 86400));
      sqlite3_bind_text (interaction, 4, "Somewhere", -1, SQLITE_STATIC);
      step_reset (interaction);

      for (guint j = 0; j < n_people; j++)
        {
          sqlite3_bind_int64 (participant, 1, sqlite3_last_insert_rowid (db));
          sqlite3_bind_int (participant, 2, g_rand_int_range (rand, 1, N_CONTACTS + 1));
          step_reset (participant);
        }
    }

  sqlite3_finalize (contact);
  sqlite3_finalize (circle);
  sqlite3_finalize (interaction);
  sqlite3_finalize (participant);
  exec (db, "COMMIT");
  exec (db, "ANALYZE");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef enum
{
  OVERDUE,
  CONTACT_TIMELINE,
  CONTACT_TIMELINE_DEEP,
  CIRCLE_TIMELINE,
  LAST_CONTACT,
  N_QUERIES
} Query;

static const char *const query_names[N_QUERIES] = {
  "overdue_list",
  "contact_timeline_first_page",
  "contact_timeline_page_3",
  "circle_timeline_first_page",
  "last_contact",
};

static guint
run_query (CsStore *store, Query query, GDateTime *now, GRand *rand)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list = NULL;
  guint n = 0;

  switch (query)
    {
    case OVERDUE:
      list = cs_store_list_overdue (store, now, &error);
      break;
    case CONTACT_TIMELINE:
    case CONTACT_TIMELINE_DEEP:
      list =
        cs_store_get_contact_timeline (store,
                                       cs_store_find_contact (store,
                                                              g_rand_int_range (rand, 1,
                                                                                N_CONTACTS + 1)),
                                       query == CONTACT_TIMELINE ? 0 : 2 * PAGE, PAGE, &error);
      break;
    case CIRCLE_TIMELINE:
      list = cs_store_get_circle_timeline (store,
                                           cs_store_find_circle (store,
                                                                 g_rand_int_range (rand, 1,
                                                                                   N_CIRCLES + 1)),
                                           0, PAGE, &error);
      break;
    case LAST_CONTACT:
      {
        g_autoptr (GDateTime) last = cs_store_get_last_contact (
          store, cs_store_find_contact (store, g_rand_int_range (rand, 1, N_CONTACTS + 1)), &error);

        n = last != NULL;
      }
      break;
    case N_QUERIES:
    default:
      g_assert_not_reached ();
    }

  g_assert_no_error (error);
  if (list != NULL)
    n = g_list_model_get_n_items (list);

  return n;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (CsStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint cadence_share = 10;
  guint runs = 101;
  const char *keep = NULL;
  gint64 start;
  double open_ms;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--cadence-share="))
        cadence_share = atoi (argv[i] + strlen ("--cadence-share="));
      else if (g_str_has_prefix (argv[i], "--runs="))
        runs = MAX (1, atoi (argv[i] + strlen ("--runs=")));
      else if (g_str_has_prefix (argv[i], "--keep="))
        keep = argv[i] + strlen ("--keep=");
      else
        g_error ("usage: %s [--cadence-share=PERCENT] [--runs=N] [--keep=DATABASE]", argv[0]);
    }

  /* --keep: the filled database stays at that path (tests/bench/first-window.sh opens the app
   * on it). */
  if (keep != NULL)
    path = g_strdup (keep);
  else
    {
      dir = g_dir_make_tmp ("cousinade-history-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "cousinade.db", NULL);
    }

  store = cs_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  fill (path, cadence_share, g_date_time_to_unix (now));

  start = g_get_monotonic_time ();
  store = cs_store_open (path, &error);
  g_assert_no_error (error);
  open_ms = (g_get_monotonic_time () - start) / 1000.0;

  g_print ("{\n  \"contacts\": %d,\n  \"circles\": %d,\n  \"interactions\": %d,\n"
           "  \"contacts_with_cadence_percent\": %u,\n  \"runs\": %u,\n  \"open_ms\": %.2f,\n"
           "  \"sqlite\": \"%s\",\n  \"median_ms\": {",
           N_CONTACTS, N_CIRCLES, N_INTERACTIONS, cadence_share, runs, open_ms,
           sqlite3_libversion ());

  for (Query query = 0; query < N_QUERIES; query++)
    {
      g_autofree double *times = g_new (double, runs);
      guint items = 0;

      /* One warm-up: the page cache, not the first read from disk, is what a
       * user clicking around sees. */
      run_query (store, query, now, rand);
      for (guint i = 0; i < runs; i++)
        {
          start = g_get_monotonic_time ();
          items = run_query (store, query, now, rand);
          times[i] = (g_get_monotonic_time () - start) / 1000.0;
        }
      qsort (times, runs, sizeof (double), compare_doubles);
      g_print ("%s\n    \"%s\": { \"median\": %.3f, \"p90\": %.3f, \"items_last_run\": %u }",
               query == 0 ? "" : ",", query_names[query], times[runs / 2], times[runs * 9 / 10],
               items);
    }
  g_print ("\n  }\n}\n");

  g_clear_object (&store);
  if (keep == NULL)
    {
      static const char *const suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

          g_remove (name);
        }
      g_rmdir (dir);
    }

  return 0;
}
