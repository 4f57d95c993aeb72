/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-upcoming"

/* CsStore: the next scheduled calls across circles, for the home page. */

#include "config.h"

#include "cs-recurrence.h"
#include "cs-store-schedule-private.h"

static int
compare_occurrences (gconstpointer a, gconstpointer b)
{
  const CsOccurrence *first = *(CsOccurrence **) a;
  const CsOccurrence *second = *(CsOccurrence **) b;
  int by_start = g_date_time_compare (first->start, second->start);

  return by_start != 0 ? by_start : g_strcmp0 (first->call_uid, second->call_uid);
}

/* The next occurrences of one series as last computed, from @from on. Reused
 * while the series is unchanged (same sequence and write time) and the asked
 * start is not earlier: expanding a rule through libical costs several
 * microseconds per occurrence, too much to redo for every series each time the
 * home page asks. */
typedef struct
{
  /* Ids are reused once every row is deleted: the uid tells series apart. */
  char *uid;
  guint sequence;
  gint64 updated_at;
  GDateTime *from;
  /* The end of the range expanded, NULL for none: an entry with fewer than
   * @asked occurrences holds all of them up to there. */
  GDateTime *to;
  guint asked;
  GPtrArray *occurrences;
} UpcomingEntry;

static void
upcoming_entry_free (UpcomingEntry *entry)
{
  g_clear_pointer (&entry->uid, g_free);
  g_clear_pointer (&entry->from, g_date_time_unref);
  g_clear_pointer (&entry->to, g_date_time_unref);
  g_clear_pointer (&entry->occurrences, g_ptr_array_unref);
  g_free (entry);
}

/* call id -> UpcomingEntry, kept with the store. */
static GHashTable *
get_upcoming_cache (CsStore *self)
{
  GHashTable *cache = g_object_get_data (G_OBJECT (self), "cs-store-upcoming");

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                     (GDestroyNotify) upcoming_entry_free);
      g_object_set_data_full (G_OBJECT (self), "cs-store-upcoming", cache,
                              (GDestroyNotify) g_hash_table_unref);
    }

  return cache;
}

/* Whether @entry holds every occurrence of its series in [@from, @bound) that
 * the n first could need; *first is where those start. */
static gboolean
upcoming_entry_covers (UpcomingEntry *entry,
                       GDateTime *from,
                       GDateTime *bound,
                       guint n_occurrences,
                       guint *first)
{
  GPtrArray *occurrences = entry->occurrences;
  gboolean complete = occurrences->len < entry->asked;
  guint index = 0;

  if (g_date_time_compare (from, entry->from) < 0)
    return FALSE;

  while (index < occurrences->len &&
         g_date_time_compare (((CsOccurrence *) occurrences->pdata[index])->start, from) < 0)
    index++;
  *first = index;

  if (occurrences->len - index >= n_occurrences)
    return TRUE;

  if (complete)
    return entry->to == NULL || (bound != NULL && g_date_time_compare (bound, entry->to) <= 0);

  return bound != NULL && occurrences->len > 0 &&
         g_date_time_compare (((CsOccurrence *) occurrences->pdata[occurrences->len - 1])->start,
                              bound) >= 0;
}

static UpcomingEntry *
compute_upcoming_entry (CsStore *self,
                        gint64 call_id,
                        GDateTime *from,
                        GDateTime *bound,
                        guint n_occurrences,
                        GError **error)
{
  g_autoptr (CsScheduledCall) call = NULL;
  g_autoptr (GPtrArray) occurrences = NULL;
  UpcomingEntry *entry;
  guint asked = MAX (n_occurrences, 10);

  call = cs_store_schedule_read_call (self, SCHEDULE_BY_ID, call_id, NULL, error);
  if (call == NULL)
    return NULL;

  occurrences = cs_recurrence_expand (call, from, bound, asked, error);
  if (occurrences == NULL)
    return NULL;

  entry = g_new0 (UpcomingEntry, 1);
  entry->uid = g_strdup (cs_scheduled_call_get_uid (call));
  entry->sequence = cs_scheduled_call_get_sequence (call);
  entry->from = g_date_time_ref (from);
  entry->to = bound != NULL ? g_date_time_ref (bound) : NULL;
  entry->asked = asked;
  entry->occurrences = g_steal_pointer (&occurrences);

  return entry;
}

static CsOccurrence *
occurrence_for_user (CsOccurrence *cached, const char *circle_name, GTimeZone *user_zone)
{
  CsOccurrence *occurrence = g_atomic_rc_box_new0 (CsOccurrence);

  occurrence->call_uid = g_strdup (cached->call_uid);
  occurrence->call_id = cached->call_id;
  occurrence->circle_id = cached->circle_id;
  occurrence->circle_name = g_strdup (circle_name);
  occurrence->title = g_strdup (cached->title);
  occurrence->recurrence_id = g_strdup (cached->recurrence_id);
  occurrence->start = g_date_time_ref (cached->start);
  occurrence->end = g_date_time_ref (cached->end);
  occurrence->moved = cached->moved;
  occurrence->user_start = g_date_time_to_timezone (cached->start, user_zone);
  occurrence->zone_differs = g_date_time_get_utc_offset (occurrence->start) !=
                             g_date_time_get_utc_offset (occurrence->user_start);

  return occurrence;
}

/**
 * cs_store_list_upcoming_calls:
 * @self: the store
 * @from: the earliest start to list
 * @n_occurrences: how many to list at most
 * @user_zone: (nullable): the zone to show times in, NULL for the local one
 * @error: a database error
 *
 * Series whose rule or zone cannot be read are left out (with a warning)
 * rather than hiding every other call.
 *
 * Returns: (transfer full) (element-type CsOccurrence): the next occurrences
 */
GPtrArray *
cs_store_list_upcoming_calls (CsStore *self,
                              GDateTime *from,
                              guint n_occurrences,
                              GTimeZone *user_zone,
                              GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GHashTable) circle_names = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  g_autoptr (GPtrArray) result = NULL;
  g_autoptr (GTimeZone) local_zone = NULL;
  g_autoptr (GError) local_error = NULL;
  GHashTable *cache;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);
  if (n_occurrences == 0)
    return g_steal_pointer (&result);

  stmt = cs_store_schedule_get_statement (self, SCHEDULE_UPCOMING, error);
  if (stmt == NULL)
    return NULL;

  cache = get_upcoming_cache (self);
  circle_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);

  while (cs_store_step_row (self, stmt, &local_error))
    {
      gint64 call_id = sqlite3_column_int64 (stmt, 0);
      guint sequence = (guint) sqlite3_column_int64 (stmt, 1);
      gint64 updated_at = sqlite3_column_int64 (stmt, 2);
      UpcomingEntry *entry = g_hash_table_lookup (cache, &call_id);
      g_autoptr (GDateTime) bound = NULL;
      guint first = 0, taken = 0;

      g_hash_table_add (seen, cs_store_id_key_new (call_id));
      g_hash_table_insert (circle_names, cs_store_id_key_new (call_id),
                           g_strdup (cs_store_column_text (stmt, 3)));

      /* Once n occurrences are known, the others only matter before the last of them. */
      if (candidates->len >= n_occurrences)
        {
          CsOccurrence *last;

          g_ptr_array_sort (candidates, compare_occurrences);
          g_ptr_array_set_size (candidates, n_occurrences);
          last = candidates->pdata[n_occurrences - 1];
          bound = g_date_time_add_seconds (last->start, 1);
        }

      if (entry == NULL || entry->sequence != sequence || entry->updated_at != updated_at ||
          g_strcmp0 (entry->uid, cs_store_column_text (stmt, 4)) != 0 ||
          !upcoming_entry_covers (entry, from, bound, n_occurrences, &first))
        {
          g_autoptr (GError) expand_error = NULL;

          entry = compute_upcoming_entry (self, call_id, from, bound, n_occurrences, &expand_error);
          if (entry == NULL)
            {
              g_warning ("Scheduled call %" G_GINT64_FORMAT " left out: %s", call_id,
                         expand_error->message);
              g_hash_table_remove (cache, &call_id);
              continue;
            }
          entry->updated_at = updated_at;
          g_hash_table_insert (cache, cs_store_id_key_new (call_id), entry);
          first = 0;
        }

      for (guint i = first; i < entry->occurrences->len && taken < n_occurrences; i++, taken++)
        {
          CsOccurrence *occurrence = entry->occurrences->pdata[i];

          if (bound != NULL && g_date_time_compare (occurrence->start, bound) >= 0)
            break;
          g_ptr_array_add (candidates, cs_occurrence_ref (occurrence));
        }
    }
  g_clear_pointer (&stmt, cs_store_statement_release);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Forget series that were deleted or cancelled. */
  g_hash_table_iter_init (&iter, cache);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);

  g_ptr_array_sort (candidates, compare_occurrences);
  if (candidates->len > n_occurrences)
    g_ptr_array_set_size (candidates, n_occurrences);

  if (user_zone == NULL)
    user_zone = local_zone = g_time_zone_new_local ();

  /* The cached occurrences are shared: what is the user's goes on copies. */
  for (guint i = 0; i < candidates->len; i++)
    {
      CsOccurrence *cached = candidates->pdata[i];

      g_ptr_array_add (result,
                       occurrence_for_user (cached,
                                            g_hash_table_lookup (circle_names, &cached->call_id),
                                            user_zone));
    }

  return g_steal_pointer (&result);
}
