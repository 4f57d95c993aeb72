/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include "cs-data-export.h"
#include "cs-digest.h"
#include "cs-encounters-csv.h"
#include "cs-store.h"
#include "cs-vcard-import.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include <locale.h>
#include <string.h>

#define DAY (24 * 60 * 60)

typedef struct
{
  char *dir;
  char *path;
  CsStore *store;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cousinade.db", NULL);
  fixture->store = cs_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  g_assert_finalize_object (fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (fixture->path, suffixes[i], NULL);

      g_remove (name);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static CsContact *
add_contact (CsStore *store, const char *name, gboolean named, guint days)
{
  g_autoptr (CsContact) draft = cs_contact_new ();
  g_autoptr (GError) error = NULL;
  CsContact *contact;

  cs_contact_set_name (draft, name);
  cs_contact_set_named_in_digest (draft, named);
  cs_contact_set_keep_in_touch_days (draft, days);
  contact = cs_store_save_contact (store, draft, &error);
  g_assert_no_error (error);

  return contact;
}

static CsCircle *
add_circle (CsStore *store, const char *name, guint days)
{
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (GError) error = NULL;
  CsCircle *circle;

  cs_circle_set_name (draft, name);
  cs_circle_set_keep_in_touch_days (draft, days);
  circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  return circle;
}

/* Logs an interaction at @when (Unix seconds) with the given contacts. */
static gint64
log_at (CsStore *store,
        CsInteractionKind kind,
        gint64 when,
        CsCircle *circle,
        const char *place,
        const char *notes,
        CsContact *first,
        ...)
{
  g_autoptr (GDateTime) started = g_date_time_new_from_unix_utc (when);
  g_autoptr (CsInteraction) interaction = cs_interaction_new (kind, started);
  g_autoptr (GError) error = NULL;
  va_list args;

  if (circle != NULL)
    cs_interaction_set_circle_id (interaction, cs_circle_get_id (circle));
  cs_interaction_set_place (interaction, place);
  cs_interaction_set_notes (interaction, notes);
  cs_interaction_set_duration_seconds (interaction, 3600);

  va_start (args, first);
  for (CsContact *contact = first; contact != NULL; contact = va_arg (args, CsContact *))
    cs_interaction_add_participant (interaction, cs_contact_get_id (contact));
  va_end (args);

  cs_store_log_interaction (store, interaction, &error);
  g_assert_no_error (error);

  return cs_interaction_get_id (interaction);
}

static gint64
unix_at (const char *iso8601)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static gint64
item_id (GListModel *list, guint position)
{
  g_autoptr (CsInteraction) interaction = g_list_model_get_item (list, position);

  return cs_interaction_get_id (interaction);
}

/* Newest first, ties broken by the last logged first, and pages that neither
 * overlap nor leave anything out. */
static void
test_timeline_order_and_paging (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) page = NULL;
  g_autoptr (GListModel) all = NULL;
  g_autoptr (GListModel) circle_page = NULL;
  CsContact *mamie = add_contact (fixture->store, "Mamie", FALSE, 0);
  CsContact *karim = add_contact (fixture->store, "Karim", FALSE, 0);
  CsCircle *family = add_circle (fixture->store, "Cousinade Dupont", 0);
  gint64 base = unix_at ("2026-03-01T10:00:00Z");
  gint64 ids[7];

  /* Logged out of order on purpose; ids[5] and ids[6] start at the same time. */
  ids[3] = log_at (fixture->store, CS_INTERACTION_KIND_CALL, base + 3 * DAY, family, NULL, NULL,
                   mamie, NULL);
  ids[0] =
    log_at (fixture->store, CS_INTERACTION_KIND_MEETING, base, NULL, "Market", NULL, mamie, NULL);
  ids[2] = log_at (fixture->store, CS_INTERACTION_KIND_PHONE, base + 2 * DAY, NULL, NULL, NULL,
                   mamie, karim, NULL);
  ids[1] = log_at (fixture->store, CS_INTERACTION_KIND_MESSAGE, base + DAY, family, NULL, NULL,
                   mamie, NULL);
  ids[4] = log_at (fixture->store, CS_INTERACTION_KIND_CALL, base + 4 * DAY, family, NULL, NULL,
                   mamie, NULL);
  ids[5] = log_at (fixture->store, CS_INTERACTION_KIND_MEETING, base + 5 * DAY, NULL, NULL, NULL,
                   mamie, NULL);
  ids[6] = log_at (fixture->store, CS_INTERACTION_KIND_MEETING, base + 5 * DAY, NULL, NULL, NULL,
                   mamie, NULL);
  /* Someone else's history does not show. */
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, base + 6 * DAY, NULL, NULL, NULL, karim,
          NULL);

  all = cs_store_get_contact_timeline (fixture->store, mamie, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (item_id (all, i), ==, ids[6 - i]);

  page = cs_store_get_contact_timeline (fixture->store, mamie, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 3);
  g_assert_cmpint (item_id (page, 0), ==, ids[6]);
  g_assert_cmpint (item_id (page, 2), ==, ids[4]);
  g_clear_object (&page);

  page = cs_store_get_contact_timeline (fixture->store, mamie, 3, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 3);
  g_assert_cmpint (item_id (page, 0), ==, ids[3]);
  g_assert_cmpint (item_id (page, 2), ==, ids[1]);
  g_clear_object (&page);

  page = cs_store_get_contact_timeline (fixture->store, mamie, 6, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 1);
  g_assert_cmpint (item_id (page, 0), ==, ids[0]);
  g_clear_object (&page);

  page = cs_store_get_contact_timeline (fixture->store, mamie, 7, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (page), ==, 0);

  /* The entries carry what was logged. */
  {
    g_autoptr (CsInteraction) oldest = g_list_model_get_item (all, 6);
    g_autoptr (CsInteraction) phone = g_list_model_get_item (all, 4);
    gsize n = 0;

    g_assert_cmpstr (cs_interaction_get_place (oldest), ==, "Market");
    g_assert_cmpint (cs_interaction_get_kind (oldest), ==, CS_INTERACTION_KIND_MEETING);
    cs_interaction_get_participants (phone, &n);
    g_assert_cmpuint (n, ==, 2);
  }

  circle_page = cs_store_get_circle_timeline (fixture->store, family, 1, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (circle_page), ==, 2);
  g_assert_cmpint (item_id (circle_page, 0), ==, ids[3]);
  g_assert_cmpint (item_id (circle_page, 1), ==, ids[1]);
}

static void
test_last_contact (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) last = NULL;
  g_autoptr (GDateTime) never = NULL;
  g_autoptr (GHashTable) all = NULL;
  CsContact *mamie = add_contact (fixture->store, "Mamie", FALSE, 0);
  CsContact *karim = add_contact (fixture->store, "Karim", FALSE, 0);
  CsContact *lea = add_contact (fixture->store, "Léa", FALSE, 0);
  gint64 newest = unix_at ("2026-04-10T18:30:00Z");

  log_at (fixture->store, CS_INTERACTION_KIND_CALL, newest - 9 * DAY, NULL, NULL, NULL, mamie,
          karim, NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, newest, NULL, NULL, NULL, mamie, NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_PHONE, newest - 20 * DAY, NULL, NULL, NULL, mamie,
          NULL);

  last = cs_store_get_last_contact (fixture->store, mamie, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_to_unix (last), ==, newest);

  never = cs_store_get_last_contact (fixture->store, lea, &error);
  g_assert_no_error (error);
  g_assert_null (never);

  all = cs_store_get_last_contacts (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
  {
    gint64 karim_id = cs_contact_get_id (karim);
    gint64 lea_id = cs_contact_get_id (lea);
    gint64 *karim_last = g_hash_table_lookup (all, &karim_id);

    g_assert_nonnull (karim_last);
    g_assert_cmpint (*karim_last, ==, newest - 9 * DAY);
    g_assert_false (g_hash_table_contains (all, &lea_id));
  }
}

static CsOverdue *
overdue_at (GListModel *list, guint position)
{
  CsOverdue *entry = g_list_model_get_item (list, position);

  /* The list holds the references, so borrowing is enough for the test. */
  g_object_unref (entry);
  return entry;
}

/* "You have not talked to Mamie for 3 weeks": measured from a fixed now, most
 * overdue first, contacts and circles together, the punctual ones left out. */
static void
test_overdue_list (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) overdue = NULL;
  g_autoptr (GListModel) later = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-05-31T12:00:00Z", NULL);
  gint64 now_s = g_date_time_to_unix (now);
  CsContact *mamie = add_contact (fixture->store, "Mamie", FALSE, 14);
  CsContact *karim = add_contact (fixture->store, "Karim", FALSE, 7);
  CsContact *lea = add_contact (fixture->store, "Léa", FALSE, 30);
  CsContact *paul = add_contact (fixture->store, "Paul", FALSE, 0);
  CsCircle *family = add_circle (fixture->store, "Cousinade Dupont", 28);
  CsCircle *neighbours = add_circle (fixture->store, "Voisins", 7);
  CsOverdue *entry;

  /* Mamie: last seen 35 days ago, every 14 days: 21 days overdue. */
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, now_s - 60 * DAY, NULL, NULL, NULL, mamie,
          NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, now_s - 35 * DAY, NULL, NULL, NULL, mamie,
          NULL);
  /* Karim: 10 days ago, every 7: 3 days overdue. */
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, now_s - 10 * DAY, neighbours, NULL, NULL,
          karim, NULL);
  /* Léa: 29 days ago, every 30: not yet. */
  log_at (fixture->store, CS_INTERACTION_KIND_PHONE, now_s - 29 * DAY, NULL, NULL, NULL, lea, NULL);
  /* Paul has no cadence: never overdue, however long ago. */
  log_at (fixture->store, CS_INTERACTION_KIND_PHONE, now_s - 300 * DAY, NULL, NULL, NULL, paul,
          NULL);
  /* The family circle: last call 40 days ago, every 28 days: 12 days overdue. */
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, now_s - 40 * DAY, family, NULL, NULL, lea,
          NULL);

  overdue = cs_store_list_overdue (fixture->store, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (overdue), ==, 4);

  entry = overdue_at (overdue, 0);
  g_assert_true (cs_overdue_get_contact (entry) == mamie);
  g_assert_cmpuint (cs_overdue_get_overdue_days (entry), ==, 21);
  g_assert_cmpint (cs_overdue_get_last_contact (entry), ==, now_s - 35 * DAY);
  g_assert_cmpuint (cs_overdue_get_cadence_days (entry), ==, 14);

  entry = overdue_at (overdue, 1);
  g_assert_true (cs_overdue_get_circle (entry) == family);
  g_assert_null (cs_overdue_get_contact (entry));
  g_assert_cmpuint (cs_overdue_get_overdue_days (entry), ==, 12);
  g_assert_cmpstr (cs_overdue_get_name (entry), ==, "Cousinade Dupont");

  entry = overdue_at (overdue, 2);
  g_assert_true (cs_overdue_get_contact (entry) == karim);
  g_assert_cmpuint (cs_overdue_get_overdue_days (entry), ==, 3);

  /* Voisins: its one interaction was 10 days ago, every 7 days. */
  entry = overdue_at (overdue, 3);
  g_assert_true (cs_overdue_get_circle (entry) == neighbours);
  g_assert_cmpuint (cs_overdue_get_overdue_days (entry), ==, 3);
  g_assert_cmpint (cs_overdue_get_overdue_seconds (entry), ==, 3 * DAY);

  /* Two days later Léa is overdue too, and a trashed contact drops out. */
  {
    g_autoptr (GDateTime) two_days_later = g_date_time_add_days (now, 2);

    g_assert_true (cs_store_trash_contact (fixture->store, karim, &error));
    g_assert_no_error (error);
    later = cs_store_list_overdue (fixture->store, two_days_later, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (g_list_model_get_n_items (later), ==, 4);
  entry = overdue_at (later, 3);
  g_assert_true (cs_overdue_get_contact (entry) == lea);
  g_assert_cmpuint (cs_overdue_get_overdue_days (entry), ==, 1);
}

/* A new cadence with no history counts from when the contact was added: not
 * overdue right away, overdue once the cadence has passed. */
static void
test_overdue_never_met (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) today = NULL;
  g_autoptr (GListModel) later = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) in_ten_days = g_date_time_add_days (now, 10);
  CsContact *sophie = add_contact (fixture->store, "Sophie", FALSE, 7);

  today = cs_store_list_overdue (fixture->store, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (today), ==, 0);

  later = cs_store_list_overdue (fixture->store, in_ten_days, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (later), ==, 1);
  g_assert_true (cs_overdue_get_contact (overdue_at (later, 0)) == sophie);
  g_assert_cmpint (cs_overdue_get_last_contact (overdue_at (later, 0)), ==, 0);
  g_assert_cmpuint (cs_overdue_get_overdue_days (overdue_at (later, 0)), ==, 3);
}

/* "Met Karim at the market, he seeks a drill, offers tutoring": the meeting and
 * the needs are saved together, or not at all. */
static void
test_log_with_needs (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 ("2026-06-02T09:00:00Z", NULL);
  g_autoptr (CsInteraction) meeting = cs_interaction_new (CS_INTERACTION_KIND_MEETING, when);
  g_autoptr (CsInteraction) slip = cs_interaction_new (CS_INTERACTION_KIND_MEETING, when);
  g_autoptr (GListModel) timeline = NULL;
  CsContact *karim = add_contact (fixture->store, "Karim", TRUE, 0);
  CsContact *lea = add_contact (fixture->store, "Léa", TRUE, 0);
  g_autoptr (CsContact) karim_update = cs_contact_copy (karim);
  g_autoptr (CsContact) lea_update = cs_contact_copy (lea);
  CsContact *updates[2];

  cs_interaction_set_place (meeting, "Marché d'Aligre");
  cs_interaction_add_participant (meeting, cs_contact_get_id (karim));
  cs_contact_set_seeks (karim_update, "a drill");
  cs_contact_set_offers (karim_update, "tutoring");
  updates[0] = karim_update;

  g_assert_true (
    cs_store_log_interaction_with_updates (fixture->store, meeting, updates, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_interaction_get_id (meeting), >, 0);
  /* The store's own contact follows, so bound rows show it at once. */
  g_assert_cmpstr (cs_contact_get_seeks (karim), ==, "a drill");
  g_assert_cmpstr (cs_contact_get_offers (karim), ==, "tutoring");

  /* Léa was not there: nothing of this second entry is saved. */
  cs_interaction_add_participant (slip, cs_contact_get_id (karim));
  cs_contact_set_seeks (karim_update, "a ladder");
  cs_contact_set_offers (lea_update, "cakes");
  updates[0] = karim_update;
  updates[1] = lea_update;
  g_assert_false (cs_store_log_interaction_with_updates (fixture->store, slip, updates, 2, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Léa"));
  g_clear_error (&error);
  g_assert_cmpint (cs_interaction_get_id (slip), ==, 0);
  g_assert_cmpstr (cs_contact_get_seeks (karim), ==, "a drill");
  g_assert_null (cs_contact_get_offers (lea));

  timeline = cs_store_get_contact_timeline (fixture->store, karim, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);

  /* What reached the disk, seen by a fresh store. */
  g_assert_finalize_object (fixture->store);
  fixture->store = cs_store_open (fixture->path, &error);
  g_assert_no_error (error);
  karim = cs_store_find_contact (fixture->store, cs_contact_get_id (karim_update));
  g_assert_cmpstr (cs_contact_get_seeks (karim), ==, "a drill");
  g_assert_cmpstr (cs_contact_get_offers (karim), ==, "tutoring");
}

/* The digest never names a contact who did not agree to be named: not in a
 * line of their own, not through a place, a note, or a named person's needs. */
static void
test_digest_consent (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) week = g_date_time_new_from_iso8601 ("2026-06-01T00:00:00Z", NULL);
  g_autoptr (CsDigest) digest = NULL;
  gint64 monday = g_date_time_to_unix (week);
  CsContact *karim = add_contact (fixture->store, "Karim Benali", TRUE, 0);
  CsContact *sophie = add_contact (fixture->store, "Sophie Durand", TRUE, 0);
  CsContact *secret = add_contact (fixture->store, "Théodore Secretan", FALSE, 0);
  CsContact *hidden = add_contact (fixture->store, "Huguette Cachée", FALSE, 0);
  CsContact *last_week = add_contact (fixture->store, "Ancien Voisin", TRUE, 0);
  g_autoptr (CsContact) karim_needs = cs_contact_copy (karim);
  g_autoptr (CsContact) sophie_needs = cs_contact_copy (sophie);
  g_autoptr (CsContact) secret_needs = cs_contact_copy (secret);
  const char *texts[2];

  cs_contact_set_seeks (karim_needs, "a drill");
  cs_contact_set_offers (karim_needs, "maths tutoring");
  g_assert_nonnull (cs_store_save_contact (fixture->store, karim_needs, &error));
  /* Sophie's offer names Théodore: that field must be left out. */
  cs_contact_set_seeks (sophie_needs, "seeds");
  cs_contact_set_offers (sophie_needs, "to drive théodore secretan to the doctor");
  g_assert_nonnull (cs_store_save_contact (fixture->store, sophie_needs, &error));
  cs_contact_set_seeks (secret_needs, "a lawyer");
  g_assert_nonnull (cs_store_save_contact (fixture->store, secret_needs, &error));
  g_assert_no_error (error);

  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, monday + DAY, NULL,
          "At Théodore Secretan's house", "Huguette Cachée was there too", karim, secret, NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, monday + 3 * DAY, NULL, NULL, NULL, sophie,
          hidden, karim, NULL);
  /* Outside the week, before and after. */
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, monday - 1, NULL, NULL, NULL, last_week,
          NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, monday + 7 * DAY, NULL, NULL, NULL,
          last_week, NULL);

  digest = cs_digest_new_for_week (fixture->store, week, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_digest_get_n_people (digest), ==, 4);
  g_assert_cmpuint (cs_digest_get_n_named (digest), ==, 2);

  texts[0] = cs_digest_get_text (digest);
  texts[1] = cs_digest_get_markdown (digest);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *folded = g_utf8_casefold (texts[i], -1);

      g_test_message ("%s", texts[i]);
      /* No part of a withheld name, in any case. */
      g_assert_null (strstr (folded, "théodore"));
      g_assert_null (strstr (folded, "secretan"));
      g_assert_null (strstr (folded, "huguette"));
      g_assert_null (strstr (folded, "cachée"));
      g_assert_null (strstr (folded, "a lawyer"));
      g_assert_null (strstr (folded, "ancien"));

      g_assert_nonnull (strstr (texts[i], "Karim Benali"));
      g_assert_nonnull (strstr (texts[i], "seeks: a drill; offers: maths tutoring"));
      g_assert_nonnull (strstr (texts[i], "Sophie Durand"));
      g_assert_nonnull (strstr (texts[i], "seeks: seeds"));
      g_assert_nonnull (strstr (texts[i], "4 people"));
      g_assert_nonnull (strstr (texts[i], "and 2 other people"));
      g_assert_true (g_str_has_suffix (texts[i], "\n#Socialdaprès\n"));
    }
  g_assert_nonnull (strstr (texts[1], "- **Karim Benali** — seeks: a drill"));
}

/* One person met: the singular forms. Nobody met: still a digest to copy. */
static void
test_digest_plural (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) week = g_date_time_new_from_iso8601 ("2026-06-01T00:00:00Z", NULL);
  g_autoptr (CsDigest) one = NULL;
  g_autoptr (CsDigest) none = NULL;
  g_autoptr (GDateTime) empty_week = g_date_time_add_days (week, 14);
  CsContact *secret = add_contact (fixture->store, "Zoé *Star*", FALSE, 0);

  log_at (fixture->store, CS_INTERACTION_KIND_PHONE, g_date_time_to_unix (week) + 60, NULL, NULL,
          NULL, secret, NULL);

  one = cs_digest_new_for_week (fixture->store, week, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cs_digest_get_text (one), "with 1 person."));
  g_assert_nonnull (strstr (cs_digest_get_text (one), "1 person not named here"));
  g_assert_null (strstr (cs_digest_get_text (one), "Zoé"));

  none = cs_digest_new_for_week (fixture->store, empty_week, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_digest_get_n_people (none), ==, 0);
  g_assert_nonnull (strstr (cs_digest_get_text (none), "anyone"));
  g_assert_true (g_str_has_suffix (cs_digest_get_markdown (none), "#Socialdaprès\n"));
}

static void
test_digest_week_start (void)
{
  g_autoptr (GDateTime) sunday = g_date_time_new_local (2026, 6, 7, 23, 59, 0);
  g_autoptr (GDateTime) monday = cs_digest_week_start (sunday);
  g_autoptr (GDateTime) start = cs_digest_week_start (monday);

  g_assert_cmpint (g_date_time_get_day_of_month (monday), ==, 1);
  g_assert_cmpint (g_date_time_get_hour (monday), ==, 0);
  g_assert_true (g_date_time_equal (start, monday));
}

static void
test_csv_escaping (void)
{
  static const struct
  {
    const char *field;
    const char *cell;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "Dupont, Marie", "\"Dupont, Marie\"" },
    { "the \"Grand\" café", "\"the \"\"Grand\"\" café\"" },
    { "line one\nline two", "\"line one\nline two\"" },
    { "cr\r\nlf", "\"cr\r\nlf\"" },
    { "=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"" },
    { "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0" },
    { "-2+3", "'-2+3" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "\tindent", "'\tindent" },
    { "a=b", "a=b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *cell = cs_csv_escape_field (cases[i].field);

      g_assert_cmpstr (cell, ==, cases[i].cell);
    }
}

/* Splits CSV text as a spreadsheet would (RFC 4180), to check round trips. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) cell = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (cell, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (cell, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
        }
      else if (*p == '\r' && p[1] == '\n')
        {
          p++;
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
        }
      else
        g_string_append_c (cell, *p);
    }
  g_assert_false (quoted);
  g_assert_cmpuint (row->len, ==, 0);

  return rows;
}

/* In-person meetings of the last 14 days, with people and places, and cells
 * that survive commas, quotes, line breaks and formulas. */
static void
test_encounters_csv (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-06-15T12:00:00Z", NULL);
  g_autoptr (GPtrArray) rows = NULL;
  g_autofree char *csv = NULL;
  g_autoptr (CsContact) details = NULL;
  gint64 now_s = g_date_time_to_unix (now);
  CsContact *marie = add_contact (fixture->store, "Dupont, Marie", FALSE, 0);
  CsContact *evil = add_contact (fixture->store, "=cmd|' /C calc'!A0", FALSE, 0);
  CsContact *old = add_contact (fixture->store, "Too Old", FALSE, 0);
  char **row;

  details = cs_contact_copy (marie);
  cs_contact_set_phone (details, "+33 6 12 34 56 78");
  cs_contact_set_email (details, "marie@example.org");
  g_assert_nonnull (cs_store_save_contact (fixture->store, details, &error));
  g_assert_no_error (error);

  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, now_s - 3 * DAY, NULL,
          "Café \"Le Grand\", rue Haute\nsecond floor", NULL, marie, evil, NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, now_s - 10 * DAY, NULL, "Market", NULL,
          marie, NULL);
  /* A call is not an encounter; 15 days ago is out of the window. */
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, now_s - DAY, NULL, NULL, NULL, marie, NULL);
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, now_s - 15 * DAY, NULL, "Far", NULL, old,
          NULL);

  csv = cs_encounters_csv_build (fixture->store, now, CS_ENCOUNTERS_CSV_DEFAULT_DAYS, &error);
  g_assert_no_error (error);
  g_test_message ("%s", csv);
  g_assert_null (strstr (csv, "Too Old"));

  rows = parse_csv (csv);
  g_assert_cmpuint (rows->len, ==, 3);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row[0], ==, "Date");
  g_assert_cmpstr (row[3], ==, "Place");
  g_assert_cmpstr (row[4], ==, "People");

  row = g_ptr_array_index (rows, 1);
  g_assert_cmpuint (g_strv_length (row), ==, 7);
  g_assert_cmpstr (row[0], ==, "2026-06-05");
  g_assert_cmpstr (row[3], ==, "Market");

  row = g_ptr_array_index (rows, 2);
  g_assert_cmpuint (g_strv_length (row), ==, 7);
  g_assert_cmpstr (row[0], ==, "2026-06-12");
  g_assert_cmpstr (row[1], ==, "12:00");
  g_assert_cmpstr (row[2], ==, "60");
  g_assert_cmpstr (row[3], ==, "Café \"Le Grand\", rue Haute\nsecond floor");
  g_assert_cmpstr (row[4], ==, "Dupont, Marie; =cmd|' /C calc'!A0");
  g_assert_cmpstr (row[5], ==, "'+33 6 12 34 56 78");
  g_assert_cmpstr (row[6], ==, "marie@example.org");

  /* A cell that starts with the formula is defused. */
  {
    g_autoptr (CsContact) alone = NULL;
    g_autoptr (GPtrArray) alone_rows = NULL;
    g_autofree char *alone_csv = NULL;

    log_at (fixture->store, CS_INTERACTION_KIND_MEETING, now_s - 60, NULL, "@here", NULL, evil,
            NULL);
    alone_csv = cs_encounters_csv_build (fixture->store, now, 1, &error);
    g_assert_no_error (error);
    alone_rows = parse_csv (alone_csv);
    g_assert_cmpuint (alone_rows->len, ==, 2);
    row = g_ptr_array_index (alone_rows, 1);
    g_assert_cmpstr (row[3], ==, "'@here");
    g_assert_cmpstr (row[4], ==, "'=cmd|' /C calc'!A0");
  }
}

static char *
fixture_file (const char *name, gsize *length)
{
  g_autofree char *path = g_build_filename (CS_TEST_FIXTURES_DIR, "vcard", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

static CsContact *
find_by_name (CsStore *store, const char *name)
{
  GListModel *contacts = cs_store_get_contacts (store);
  CsContact *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (CsContact) contact = g_list_model_get_item (contacts, i);

      if (g_strcmp0 (cs_contact_get_name (contact), name) == 0)
        {
          g_assert_null (found);
          found = contact;
        }
    }

  return found;
}

/* GNOME Contacts (vCard 3.0) and Thunderbird (vCard 4.0) exports. */
static void
test_vcard_import_exports (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *gnome = NULL;
  g_autofree char *thunderbird = NULL;
  CsVcardImportResult result;
  CsContact *contact;
  gsize gnome_length;
  gsize thunderbird_length;

  gnome = fixture_file ("gnome-contacts.vcf", &gnome_length);
  thunderbird = fixture_file ("thunderbird.vcf", &thunderbird_length);

  g_assert_true (cs_vcard_import (fixture->store, gnome, gnome_length, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 3);
  g_assert_true (
    cs_vcard_import (fixture->store, thunderbird, thunderbird_length, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 5);

  contact = find_by_name (fixture->store, "Karim Benali");
  g_assert_nonnull (contact);
  g_assert_cmpstr (cs_contact_get_xmpp_address (contact), ==, "karim@chat.example.org");
  g_assert_cmpstr (cs_contact_get_email (contact), ==, "karim.benali@example.org");
  g_assert_cmpstr (cs_contact_get_phone (contact), ==, "+33 6 12 34 56 78");
  /* Folded and escaped: one note, its comma and line break restored. */
  g_assert_cmpstr (cs_contact_get_notes (contact), ==,
                   "Rencontré au marché, cherche une perceuse\nPropose du soutien scolaire");

  contact = find_by_name (fixture->store, "Léa Martin");
  g_assert_cmpstr (cs_contact_get_xmpp_address (contact), ==, "lea@jabber.example.net");

  contact = find_by_name (fixture->store, "Sophie Durand");
  g_assert_cmpstr (cs_contact_get_xmpp_address (contact), ==, "sophie@example.com");
  g_assert_cmpstr (cs_contact_get_email (contact), ==, "sophie.durand@example.com");
  g_assert_cmpstr (cs_contact_get_phone (contact), ==, "06 98 76 54 32");
  g_assert_cmpstr (cs_contact_get_notes (contact), ==,
                   "Voisine du 3e, propose de garder les plantes");

  contact = find_by_name (fixture->store, "Jean-Pierre Moreau");
  g_assert_cmpstr (cs_contact_get_phone (contact), ==, "+33 1 40 00 00 00");
  g_assert_null (cs_contact_get_email (contact));

  /* Importing the same files again doubles nobody. */
  g_assert_true (cs_vcard_import (fixture->store, gnome, gnome_length, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 0);
  g_assert_cmpuint (result.skipped, ==, 3);
  g_assert_true (
    cs_vcard_import (fixture->store, thunderbird, thunderbird_length, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 5);
}

/* Duplicates, in the store or inside the file, are merged or skipped. */
static void
test_vcard_duplicates_merge (Fixture *fixture, gconstpointer user_data)
{
  static const char file[] =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:K. Benali\r\nX-JABBER:Karim@Chat.Example.org\r\n"
    "EMAIL:karim@example.org\r\nEND:VCARD\r\n"
    /* Same phone line as Mamie's, written the international way. */
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Grand-mère\r\nTEL;VALUE=uri:tel:+33-1-23-45-67-89\r\n"
    "NOTE:Anniversaire le 3 mai\r\nEND:VCARD\r\n"
    /* Same name, nothing else: the stored Paul. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:paul  Martin\r\nEND:VCARD\r\n"
    /* Twice in the file: added once. */
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Nouvelle Voisine\r\nEMAIL:voisine@example.net\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Nouvelle Voisine\r\nEMAIL:VOISINE@example.net\r\n"
    "TEL:07 00 00 00 01\r\nEND:VCARD\r\n"
    /* A namesake with a different address is someone else. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mamie\r\nEMAIL:autre.mamie@example.org\r\nEND:VCARD\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CsContact) karim_draft = cs_contact_new ();
  g_autoptr (CsContact) mamie_draft = cs_contact_new ();
  CsVcardImportResult result;
  CsContact *karim;
  CsContact *mamie;
  CsContact *voisine;

  cs_contact_set_name (karim_draft, "Karim");
  cs_contact_set_xmpp_address (karim_draft, "karim@chat.example.org");
  karim = cs_store_save_contact (fixture->store, karim_draft, &error);
  cs_contact_set_name (mamie_draft, "Mamie");
  cs_contact_set_phone (mamie_draft, "01 23 45 67 89");
  cs_contact_set_notes (mamie_draft, "Aime les roses");
  mamie = cs_store_save_contact (fixture->store, mamie_draft, &error);
  add_contact (fixture->store, "Paul Martin", FALSE, 0);
  g_assert_no_error (error);

  g_assert_true (cs_vcard_import (fixture->store, file, sizeof file - 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.added, ==, 2);
  g_assert_cmpuint (result.merged, ==, 2);
  g_assert_cmpuint (result.skipped, ==, 2);

  /* 3 stored + the neighbour + the other Mamie. */
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 5);

  /* Merged: the name the user chose stays, what was missing is filled in. */
  g_assert_cmpstr (cs_contact_get_name (karim), ==, "Karim");
  g_assert_cmpstr (cs_contact_get_email (karim), ==, "karim@example.org");
  g_assert_cmpstr (cs_contact_get_name (mamie), ==, "Mamie");
  g_assert_cmpstr (cs_contact_get_phone (mamie), ==, "01 23 45 67 89");
  g_assert_cmpstr (cs_contact_get_notes (mamie), ==, "Aime les roses\n\nAnniversaire le 3 mai");

  voisine = find_by_name (fixture->store, "Nouvelle Voisine");
  g_assert_nonnull (voisine);
  g_assert_cmpstr (cs_contact_get_phone (voisine), ==, "07 00 00 00 01");
  g_assert_nonnull (find_by_name (fixture->store, "Paul Martin"));

  /* And it is all on disk. */
  g_assert_finalize_object (fixture->store);
  fixture->store = cs_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 5);
  karim = find_by_name (fixture->store, "Karim");
  g_assert_cmpstr (cs_contact_get_email (karim), ==, "karim@example.org");
}

/* Broken files import nothing, with a message in plain words. */
static void
test_vcard_broken_imports_nothing (Fixture *fixture, gconstpointer user_data)
{
  static const char *const broken[] = {
    /* The second card is cut short. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n",
    /* Text between cards. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\nhello\r\n",
    /* A card with no version. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nFN:No Version\r\nEND:VCARD\r\n",
    /* A card with neither name nor address. */
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Good One\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:who?\r\nEND:VCARD\r\n",
    /* Not a vCard at all. */
    "PK\x03\x04 this is a zip file",
    "",
    /* Not UTF-8. */
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9\r\nEND:VCARD\r\n",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CsContact) taken_draft = cs_contact_new ();
  CsContact *taken;

  add_contact (fixture->store, "Already Here", FALSE, 0);

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      CsVcardImportResult result = { 99, 99, 99 };

      g_assert_false (
        cs_vcard_import (fixture->store, broken[i], strlen (broken[i]), &result, &error));
      g_assert_error (error, CS_VCARD_IMPORT_ERROR, CS_VCARD_IMPORT_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "Nothing was imported"));
      g_clear_error (&error);
      g_assert_cmpuint (result.added, ==, 99);
      g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 1);
    }

  /* A failure while saving, after good cards were written, undoes them too:
   * the last card's address belongs to someone in the trash. */
  cs_contact_set_name (taken_draft, "Trashed Person");
  cs_contact_set_xmpp_address (taken_draft, "gone@example.org");
  taken = cs_store_save_contact (fixture->store, taken_draft, &error);
  g_assert_no_error (error);
  g_assert_true (cs_store_trash_contact (fixture->store, taken, &error));
  {
    static const char file[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:First\r\nEND:VCARD\r\n"
                               "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Second\r\n"
                               "X-JABBER:gone@example.org\r\nEND:VCARD\r\n";

    g_assert_false (cs_vcard_import (fixture->store, file, sizeof file - 1, NULL, &error));
    g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "Trashed Person"));
    g_clear_error (&error);
  }
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (fixture->store)), ==, 1);
  g_assert_finalize_object (fixture->store);
  fixture->store = cs_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_null (find_by_name (fixture->store, "First"));
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  return db;
}

/* Every table of the schema is exported, with its rows. */
static void
test_export_everything (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-06-15T12:00:00Z", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonObject *root;
  JsonObject *tables;
  CsContact *karim = add_contact (fixture->store, "Karim \"K\" Benali", TRUE, 7);
  CsCircle *family = add_circle (fixture->store, "Cousinade", 28);
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_true (
    cs_store_add_member (fixture->store, family, karim, CS_MEMBER_ROLE_MEMBER, &error));
  log_at (fixture->store, CS_INTERACTION_KIND_MEETING, 1780000000, family, "Parc", "Pique-nique",
          karim, NULL);

  json = cs_data_export_json (fixture->store, now, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "cousinade-export");
  tables = json_object_get_object_member (root, "tables");

  /* The list in the code covers the schema, whatever was added since. */
  db = raw_open (fixture->path);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      if (!json_object_has_member (tables, table))
        g_error ("Table %s is missing from the export (cs_data_export_tables)", table);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  {
    JsonArray *contacts = json_object_get_array_member (tables, "contacts");
    JsonObject *row = json_array_get_object_element (contacts, 0);
    JsonArray *interactions = json_object_get_array_member (tables, "interactions");
    JsonArray *participants = json_object_get_array_member (tables, "interaction_participants");

    g_assert_cmpuint (json_array_get_length (contacts), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Karim \"K\" Benali");
    g_assert_cmpint (json_object_get_int_member (row, "keep_in_touch_days"), ==, 7);
    g_assert_true (json_object_get_null_member (row, "email"));
    g_assert_cmpuint (json_array_get_length (interactions), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (interactions, 0),
                                                    "notes"),
                     ==, "Pique-nique");
    g_assert_cmpuint (json_array_get_length (participants), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tables, "memberships")),
                      ==, 1);
  }
}

static gint64
count_rows (const char *path, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return count;
}

static void
count_signal (gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* "Delete all my data" leaves nothing behind, on disk or on screen. */
static void
test_delete_all_data (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccount) account = cs_account_new ();
  CsContact *karim = add_contact (fixture->store, "Karim", TRUE, 7);
  CsCircle *family = add_circle (fixture->store, "Cousinade", 28);
  CsContact *trashed = add_contact (fixture->store, "In The Trash", FALSE, 0);
  GListModel *members = cs_store_get_members (fixture->store, family);
  GListModel *contacts = cs_store_get_contacts (fixture->store);
  guint history_signals = 0;
  guint account_signals = 0;
  gint64 karim_id;

  cs_account_set_address (account, "moi@example.org");
  g_assert_nonnull (cs_store_save_account (fixture->store, account, &error));
  g_assert_no_error (error);
  g_assert_true (
    cs_store_add_member (fixture->store, family, karim, CS_MEMBER_ROLE_MEMBER, &error));
  g_assert_true (cs_store_trash_contact (fixture->store, trashed, &error));
  log_at (fixture->store, CS_INTERACTION_KIND_CALL, 1780000000, family, NULL, NULL, karim, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (members), ==, 1);

  g_signal_connect_swapped (fixture->store, "interactions-changed", G_CALLBACK (count_signal),
                            &history_signals);
  g_signal_connect_swapped (fixture->store, "account-changed", G_CALLBACK (count_signal),
                            &account_signals);

  karim_id = cs_contact_get_id (karim);
  g_assert_true (cs_store_delete_all_data (fixture->store, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_circles (fixture->store)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (members), ==, 0);
  g_assert_null (cs_store_get_account (fixture->store));
  g_assert_null (cs_store_find_contact (fixture->store, karim_id));
  g_assert_cmpuint (history_signals, ==, 1);
  g_assert_cmpuint (account_signals, ==, 1);

  for (guint i = 0; cs_data_export_tables[i] != NULL; i++)
    g_assert_cmpint (count_rows (fixture->path, cs_data_export_tables[i]), ==, 0);

  /* The store still works afterwards, and the trashed contact's address is free. */
  add_contact (fixture->store, "Fresh Start", FALSE, 0);
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 1);
}

/* Calls reported by the call engine: one entry per call, reconnections merged, a later call
 * of the same room a new entry. */
static void
test_calls_recorded (Fixture *fixture, gconstpointer user_data)
{
  CsContact *anne = add_contact (fixture->store, "Anne", TRUE, 0);
  CsContact *karim = add_contact (fixture->store, "Karim", TRUE, 0);
  CsCircle *family = add_circle (fixture->store, "Family", 0);
  g_autoptr (GDateTime) first = g_date_time_new_utc (2026, 12, 6, 10, 0, 0);
  g_autoptr (GDateTime) back = g_date_time_add_minutes (first, 25);
  g_autoptr (GDateTime) next_month = g_date_time_add_days (first, 28);
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (CsInteraction) call = NULL;
  g_autoptr (GError) error = NULL;
  gint64 with_anne[] = { cs_contact_get_id (anne) };
  gint64 with_both[] = { cs_contact_get_id (anne), cs_contact_get_id (karim), 999999 };
  const gint64 *participants;
  gsize n_participants;
  gint64 id;
  gint64 again;

  /* 20 minutes with Anne; the connection drops and comes back 5 minutes later for 30 more,
   * with Karim too (and someone since deleted, left out). */
  id = cs_store_record_call (fixture->store, "call-1@rooms.example.org", cs_circle_get_id (family),
                             first, 20 * 60, with_anne, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  again = cs_store_record_call (fixture->store, "call-1@rooms.example.org",
                                cs_circle_get_id (family), back, 30 * 60, with_both, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, id);

  timeline = cs_store_get_contact_timeline (fixture->store, karim, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);
  call = g_list_model_get_item (timeline, 0);
  g_assert_cmpint (cs_interaction_get_kind (call), ==, CS_INTERACTION_KIND_CALL);
  g_assert_cmpint (cs_interaction_get_circle_id (call), ==, cs_circle_get_id (family));
  g_assert_true (g_date_time_equal (cs_interaction_get_started_at (call), first));
  g_assert_cmpuint (cs_interaction_get_duration_seconds (call), ==, 55 * 60);
  participants = cs_interaction_get_participants (call, &n_participants);
  g_assert_cmpuint (n_participants, ==, 2);
  g_assert_true (participants[0] != participants[1]);

  /* The same room a month later is another call. */
  again = cs_store_record_call (fixture->store, "call-1@rooms.example.org",
                                cs_circle_get_id (family), next_month, 600, with_anne, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, !=, id);
  g_clear_object (&timeline);
  timeline = cs_store_get_contact_timeline (fixture->store, anne, 0, 10, &error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 2);
}

/* A call that rang unanswered: in the caller's and the circle's history, marked missed; a
 * one-to-one call from someone not among the contacts has no participant. */
static void
test_missed_call (Fixture *fixture, gconstpointer user_data)
{
  CsContact *anne = add_contact (fixture->store, "Anne", TRUE, 0);
  CsCircle *family = add_circle (fixture->store, "Family", 0);
  g_autoptr (GDateTime) rang = g_date_time_new_utc (2026, 12, 6, 10, 0, 0);
  g_autoptr (GListModel) timeline = NULL;
  g_autoptr (CsInteraction) missed = NULL;
  g_autoptr (GError) error = NULL;
  gsize n_participants = 0;
  gint64 id;

  id = cs_store_log_missed_call (fixture->store, rang, cs_circle_get_id (family),
                                 cs_contact_get_id (anne), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  timeline = cs_store_get_contact_timeline (fixture->store, anne, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);
  missed = g_list_model_get_item (timeline, 0);
  g_assert_true (cs_interaction_get_missed (missed));
  g_assert_cmpint (cs_interaction_get_kind (missed), ==, CS_INTERACTION_KIND_CALL);
  g_assert_cmpuint (cs_interaction_get_duration_seconds (missed), ==, 0);
  g_assert_cmpint (cs_interaction_get_circle_id (missed), ==, cs_circle_get_id (family));
  g_assert_true (g_date_time_equal (cs_interaction_get_started_at (missed), rang));
  cs_interaction_get_participants (missed, &n_participants);
  g_assert_cmpuint (n_participants, ==, 1);
  g_clear_object (&timeline);
  g_clear_object (&missed);

  /* Nobody talked: it is not her last contact. */
  g_assert_null (cs_store_get_last_contact (fixture->store, anne, &error));
  g_assert_no_error (error);

  /* The contact's page lists it too, missed. */
  timeline = cs_store_list_interactions_for_contact (fixture->store, anne, 0);
  missed = g_list_model_get_item (timeline, 0);
  g_assert_true (cs_interaction_get_missed (missed));
  g_clear_object (&timeline);
  g_clear_object (&missed);

  timeline = cs_store_get_circle_timeline (fixture->store, family, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);
  g_clear_object (&timeline);

  /* A stranger's call has nobody to name, and no circle (0, or one that is gone). */
  id = cs_store_log_missed_call (fixture->store, rang, 424242, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  timeline = cs_store_get_circle_timeline (fixture->store, family, 0, 10, &error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 1);

  /* Bea, to be called every week, missed a call a day ago: she is still overdue, with no
   * last contact. */
  {
    CsContact *bea = add_contact (fixture->store, "Bea", TRUE, 7);
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr (GDateTime) later = g_date_time_add_days (now, 30);
    g_autoptr (GDateTime) day_before = g_date_time_add_days (later, -1);
    g_autoptr (GListModel) overdue = NULL;
    gboolean bea_overdue = FALSE;

    g_assert_cmpint (cs_store_log_missed_call (fixture->store, day_before, 0,
                                               cs_contact_get_id (bea), &error),
                     >, 0);
    overdue = cs_store_list_overdue (fixture->store, later, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < g_list_model_get_n_items (overdue); i++)
      {
        g_autoptr (CsOverdue) entry = g_list_model_get_item (overdue, i);

        if (cs_overdue_get_contact (entry) == bea)
          {
            bea_overdue = TRUE;
            g_assert_cmpint (cs_overdue_get_last_contact (entry), ==, 0);
          }
      }
    g_assert_true (bea_overdue);
  }

  /* A call that was answered is not missed. */
  g_assert_cmpint (cs_store_record_call (fixture->store, "call-2@rooms.example.org",
                                         cs_circle_get_id (family), rang, 60, NULL, 0, &error),
                   >, 0);
  g_clear_object (&timeline);
  timeline = cs_store_get_circle_timeline (fixture->store, family, 0, 10, &error);
  g_assert_cmpuint (g_list_model_get_n_items (timeline), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CsInteraction) entry = g_list_model_get_item (timeline, i);

      g_assert_true (cs_interaction_get_missed (entry) ==
                     (cs_interaction_get_duration_seconds (entry) == 0));
    }
}

int
main (int argc, char *argv[])
{
  /* Dates in the expected texts are UTC. */
  g_setenv ("TZ", "UTC", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/history/timeline/order-and-paging", test_timeline_order_and_paging);
  ADD ("/history/last-contact", test_last_contact);
  ADD ("/history/calls/recorded", test_calls_recorded);
  ADD ("/history/calls/missed", test_missed_call);
  ADD ("/history/overdue/fixed-now", test_overdue_list);
  ADD ("/history/overdue/never-met", test_overdue_never_met);
  ADD ("/history/log/with-needs", test_log_with_needs);
  ADD ("/history/digest/consent", test_digest_consent);
  ADD ("/history/digest/plural", test_digest_plural);
  g_test_add_func ("/history/digest/week-start", test_digest_week_start);
  g_test_add_func ("/history/csv/escaping", test_csv_escaping);
  ADD ("/history/csv/encounters", test_encounters_csv);
  ADD ("/history/vcard/exports", test_vcard_import_exports);
  ADD ("/history/vcard/duplicates-merge", test_vcard_duplicates_merge);
  ADD ("/history/vcard/broken-imports-nothing", test_vcard_broken_imports_nothing);
  ADD ("/history/data/export-everything", test_export_everything);
  ADD ("/history/data/delete-all", test_delete_all_data);
#undef ADD

  return g_test_run ();
}
