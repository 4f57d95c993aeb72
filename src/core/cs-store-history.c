/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-history"

/* CsStore: the history of calls and meetings (interactions) and who took part. */

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>

/* 0 is "none" in the objects, NULL in the database. */
static void
bind_id_or_null (CsStoreStatement *stmt, int param, gint64 id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, param);
  else
    sqlite3_bind_int64 (stmt, param, id);
}

static gboolean
write_interaction (CsStore *self, CsInteraction *interaction, gint64 *id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  const gint64 *participants;
  gsize n_participants;

  stmt = cs_store_get_statement (self, STMT_INTERACTION_INSERT, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, cs_interaction_get_kind (interaction));
  bind_id_or_null (stmt, 2, cs_interaction_get_circle_id (interaction));
  sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (cs_interaction_get_started_at (interaction)));
  sqlite3_bind_int64 (stmt, 4, cs_interaction_get_duration_seconds (interaction));
  cs_store_bind_text (stmt, 5, cs_interaction_get_place (interaction));
  cs_store_bind_text (stmt, 6, cs_interaction_get_notes (interaction));
  sqlite3_bind_int64 (stmt, 7, cs_store_now_seconds ());

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (self->db);

  participants = cs_interaction_get_participants (interaction, &n_participants);
  for (gsize i = 0; i < n_participants; i++)
    {
      g_autoptr (CsStoreStatement) insert =
        cs_store_get_statement (self, STMT_PARTICIPANT_INSERT, error);

      if (insert == NULL)
        return FALSE;

      sqlite3_bind_int64 (insert, 1, *id);
      sqlite3_bind_int64 (insert, 2, participants[i]);
      if (!cs_store_step_done (self, insert, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_participant (CsInteraction *interaction, gint64 contact_id)
{
  gsize n_participants;
  const gint64 *participants = cs_interaction_get_participants (interaction, &n_participants);

  for (gsize i = 0; i < n_participants; i++)
    if (participants[i] == contact_id)
      return TRUE;

  return FALSE;
}

static gboolean
write_needs (CsStore *self, CsContact *values, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = cs_store_prepare (self,
                           "UPDATE contacts SET seeks = ?1, offers = ?2, updated_at = ?3"
                           " WHERE id = ?4 AND trashed_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, cs_contact_get_seeks (values));
  cs_store_bind_text (stmt, 2, cs_contact_get_offers (values));
  sqlite3_bind_int64 (stmt, 3, cs_store_now_seconds ());
  sqlite3_bind_int64 (stmt, 4, cs_contact_get_id (values));

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      cs_store_set_not_found_error (error, _ ("Someone in this entry was deleted meanwhile. "
                                              "Check who took part, then save again."));
      return FALSE;
    }

  return TRUE;
}

gboolean
cs_store_log_interaction (CsStore *self, CsInteraction *interaction, GError **error)
{
  return cs_store_log_interaction_with_updates (self, interaction, NULL, 0, error);
}

/**
 * cs_store_log_interaction_with_updates:
 * @self: the store
 * @interaction: a new interaction (id 0) with its participants
 * @updates: (array length=n_updates) (nullable): copies of stored contacts, each a
 *   participant, carrying what they now seek and offer
 * @n_updates: the length of @updates
 * @error: return location for a #GError
 *
 * Logs a meeting, call or message by hand together with what the people met
 * said they seek or offer, so that the entry and the updated needs are saved
 * together or not at all. Only the seeks and offers of @updates are written.
 *
 * Returns: %TRUE on success, with the interaction's id set
 */
gboolean
cs_store_log_interaction_with_updates (CsStore *self,
                                       CsInteraction *interaction,
                                       CsContact *const *updates,
                                       guint n_updates,
                                       GError **error)
{
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_INTERACTION (interaction), FALSE);
  g_return_val_if_fail (cs_interaction_get_id (interaction) == 0, FALSE);
  g_return_val_if_fail (updates != NULL || n_updates == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) cs_interaction_get_kind (interaction) > CS_INTERACTION_KIND_LAST)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("Please choose how you met or talked."));
      return FALSE;
    }

  for (guint i = 0; i < n_updates; i++)
    {
      g_return_val_if_fail (CS_IS_CONTACT (updates[i]), FALSE);

      /* Needs noted for someone who was not there would be a slip of the form. */
      if (!is_participant (interaction, cs_contact_get_id (updates[i])))
        {
          g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                       _ ("“%s” is not among the people you met or talked with. Add them, "
                          "or leave what they seek and offer unchanged."),
                       cs_contact_get_name (updates[i]));
          return FALSE;
        }
    }

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  if (!write_interaction (self, interaction, &id, error))
    goto rollback;

  for (guint i = 0; i < n_updates; i++)
    if (!write_needs (self, updates[i], error))
      goto rollback;

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  cs_interaction_set_id (interaction, id);

  for (guint i = 0; i < n_updates; i++)
    {
      CsContact *contact = cs_store_find_contact (self, cs_contact_get_id (updates[i]));

      if (contact == NULL)
        continue;
      cs_contact_set_seeks (contact, cs_contact_get_seeks (updates[i]));
      cs_contact_set_offers (contact, cs_contact_get_offers (updates[i]));
    }

  cs_store_emit_interactions_changed (self);

  return TRUE;

rollback:
  cs_store_rollback_transaction (self);
  return FALSE;
}

gboolean
cs_store_delete_interaction (CsStore *self, gint64 interaction_id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = cs_store_get_statement (self, STMT_INTERACTION_DELETE, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, interaction_id);
  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      cs_store_set_not_found_error (error, _ ("This entry was already deleted."));
      return FALSE;
    }

  cs_store_emit_interactions_changed (self);

  return TRUE;
}

static CsInteraction *
interaction_from_row (CsStore *self, CsStoreStatement *stmt, GError **error)
{
  g_autoptr (CsStoreStatement) participants = NULL;
  g_autoptr (CsInteraction) interaction = NULL;
  g_autoptr (GDateTime) started_at = NULL;
  g_autoptr (GError) local_error = NULL;

  started_at = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 3));
  interaction = cs_interaction_new (sqlite3_column_int (stmt, 1), started_at);
  cs_interaction_set_id (interaction, sqlite3_column_int64 (stmt, 0));
  cs_interaction_set_circle_id (interaction, sqlite3_column_int64 (stmt, 2));
  cs_interaction_set_duration_seconds (interaction, sqlite3_column_int (stmt, 4));
  cs_interaction_set_place (interaction, cs_store_column_text (stmt, 5));
  cs_interaction_set_notes (interaction, cs_store_column_text (stmt, 6));
  cs_interaction_set_missed (interaction, sqlite3_column_int (stmt, 7) != 0);

  participants = cs_store_get_statement (self, STMT_PARTICIPANTS_OF_INTERACTION, error);
  if (participants == NULL)
    return NULL;

  sqlite3_bind_int64 (participants, 1, cs_interaction_get_id (interaction));
  while (cs_store_step_row (self, participants, &local_error))
    cs_interaction_add_participant (interaction, sqlite3_column_int64 (participants, 0));

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&interaction);
}

static GListModel *
list_interactions (CsStore *self, CsStoreStatementId statement, gint64 id, guint limit)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) error = NULL;
  GListStore *list = g_list_store_new (CS_TYPE_INTERACTION);

  stmt = cs_store_get_statement (self, statement, &error);
  if (stmt == NULL)
    goto out;

  sqlite3_bind_int64 (stmt, 1, id);
  /* A negative LIMIT means none in SQLite. */
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  while (cs_store_step_row (self, stmt, &error))
    {
      g_autoptr (CsInteraction) interaction = interaction_from_row (self, stmt, &error);

      if (interaction == NULL)
        break;
      g_list_store_append (list, interaction);
    }

out:
  if (error != NULL)
    g_warning ("Listing past calls and meetings: %s", error->message);

  return G_LIST_MODEL (list);
}

/**
 * cs_store_list_interactions_for_circle:
 * @self: the store
 * @circle: a saved circle
 * @limit: the most entries to return, or 0 for all
 *
 * Returns: (transfer full): a snapshot of the circle's history, newest first
 */
GListModel *
cs_store_list_interactions_for_circle (CsStore *self, CsCircle *circle, guint limit)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);

  return list_interactions (self, STMT_INTERACTIONS_OF_CIRCLE, cs_circle_get_id (circle), limit);
}

/**
 * cs_store_list_interactions_for_contact:
 * @self: the store
 * @contact: a saved contact
 * @limit: the most entries to return, or 0 for all
 *
 * Returns: (transfer full): a snapshot of the times the user met or talked
 *   with @contact, newest first
 */
GListModel *
cs_store_list_interactions_for_contact (CsStore *self, CsContact *contact, guint limit)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);

  return list_interactions (self, STMT_INTERACTIONS_OF_CONTACT, cs_contact_get_id (contact), limit);
}

#define TIMELINE_COLUMNS \
  "i.id, i.kind, i.circle_id, i.started_at, i.duration_seconds, i.place, i.notes, i.missed"

static GListModel *
collect_interactions (CsStore *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GListStore) list = g_list_store_new (CS_TYPE_INTERACTION);
  g_autoptr (GError) local_error = NULL;

  while (cs_store_step_row (self, stmt, &local_error))
    {
      g_autoptr (CsInteraction) interaction = interaction_from_row (self, stmt, &local_error);

      if (interaction == NULL)
        break;
      g_list_store_append (list, interaction);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&list));
}

static GListModel *
timeline (CsStore *self, const char *sql, gint64 id, guint offset, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = cs_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  /* A negative LIMIT means none in SQLite. */
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 3, offset);

  return collect_interactions (self, stmt, error);
}

/**
 * cs_store_get_contact_timeline:
 * @self: the store
 * @contact: a saved contact
 * @offset: how many of the newest entries to skip
 * @limit: the most entries to return, or 0 for all the rest
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a page of the times the user met or
 *   talked with @contact, newest first (ties: last logged first); %NULL on error
 */
GListModel *
cs_store_get_contact_timeline (CsStore *self,
                               CsContact *contact,
                               guint offset,
                               guint limit,
                               GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return timeline (self,
                   "SELECT " TIMELINE_COLUMNS " FROM interaction_participants p"
                   " JOIN interactions i ON i.id = p.interaction_id WHERE p.contact_id = ?1"
                   " ORDER BY i.started_at DESC, i.id DESC LIMIT ?2 OFFSET ?3",
                   cs_contact_get_id (contact), offset, limit, error);
}

/**
 * cs_store_get_circle_timeline:
 * @self: the store
 * @circle: a saved circle
 * @offset: how many of the newest entries to skip
 * @limit: the most entries to return, or 0 for all the rest
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a page of the circle's calls and
 *   meetings, newest first; %NULL on error
 */
GListModel *
cs_store_get_circle_timeline (CsStore *self,
                              CsCircle *circle,
                              guint offset,
                              guint limit,
                              GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return timeline (self,
                   "SELECT " TIMELINE_COLUMNS " FROM interactions i WHERE i.circle_id = ?1"
                   " ORDER BY i.started_at DESC, i.id DESC LIMIT ?2 OFFSET ?3",
                   cs_circle_get_id (circle), offset, limit, error);
}

/**
 * cs_store_list_interactions_between:
 * @self: the store
 * @from: the start of the period
 * @until: the end of the period, excluded
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the interactions that started in the
 *   period, oldest first; %NULL on error
 */
GListModel *
cs_store_list_interactions_between (CsStore *self,
                                    GDateTime *from,
                                    GDateTime *until,
                                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (from != NULL && until != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt =
    cs_store_prepare (self,
                      "SELECT " TIMELINE_COLUMNS " FROM interactions i"
                      " WHERE i.started_at >= ?1 AND i.started_at < ?2 ORDER BY i.started_at, i.id",
                      error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (from));
  sqlite3_bind_int64 (stmt, 2, g_date_time_to_unix (until));

  return collect_interactions (self, stmt, error);
}

/**
 * cs_store_get_last_contact:
 * @self: the store
 * @contact: a saved contact
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): when the latest interaction with
 *   @contact started, in local time; %NULL when there is none or on error
 */
GDateTime *
cs_store_get_last_contact (CsStore *self, CsContact *contact, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = cs_store_prepare (self,
                           "SELECT max(i.started_at) FROM interaction_participants p"
                           " JOIN interactions i ON i.id = p.interaction_id"
                           " WHERE p.contact_id = ?1 AND i.missed = 0",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, cs_contact_get_id (contact));
  if (!cs_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;

  return g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 0));
}

/**
 * cs_store_get_last_contacts:
 * @self: the store
 * @error: return location for a #GError
 *
 * For a contact list that shows "last contact" on every row, in one query
 * rather than one per row.
 *
 * Returns: (transfer full) (nullable): contact id (gint64 *) -> Unix seconds
 *   (gint64 *) of the latest interaction, for contacts that have any
 */
GHashTable *
cs_store_get_last_contacts (CsStore *self, GError **error)
{
  g_autoptr (GHashTable) last = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = cs_store_prepare (self,
                           "SELECT p.contact_id, max(i.started_at) FROM interaction_participants p"
                           " JOIN interactions i ON i.id = p.interaction_id WHERE i.missed = 0"
                           " GROUP BY p.contact_id",
                           error);
  if (stmt == NULL)
    return NULL;

  last = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  while (cs_store_step_row (self, stmt, &local_error))
    g_hash_table_insert (last, cs_store_id_key_new (sqlite3_column_int64 (stmt, 0)),
                         cs_store_id_key_new (sqlite3_column_int64 (stmt, 1)));

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&last);
}

/**
 * cs_store_list_overdue:
 * @self: the store
 * @now: the time to measure against (the clock can be injected in tests)
 * @error: return location for a #GError
 *
 * A contact's last interaction is the latest one they took part in; a
 * circle's is the latest one logged for the circle. Someone never met counts
 * from when they were added, so a new cadence does not start out overdue.
 *
 * Returns: (transfer full) (nullable): #CsOverdue items, most overdue first
 *   (ties by name); %NULL on error
 */
GListModel *
cs_store_list_overdue (CsStore *self, GDateTime *now, GError **error)
{
  g_autoptr (GListStore) list = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Each contact's last time is one lookup in interaction_participants_contact_time (the
   * participation's own copy of the start, schema version 3, which a missed call leaves
   * empty); each circle's, one in interactions_circle. A missed call is no contact. */
  stmt = cs_store_prepare (
    self,
    "WITH due AS MATERIALIZED ("
    "  SELECT 1 AS is_contact, c.id, c.keep_in_touch_days AS days, c.created_at, c.name,"
    "   (SELECT max (p.started_at) FROM interaction_participants p"
    "    WHERE p.contact_id = c.id) AS last"
    "  FROM contacts c WHERE c.trashed_at IS NULL AND c.keep_in_touch_days > 0"
    "  UNION ALL"
    "  SELECT 0, k.id, k.keep_in_touch_days, k.created_at, k.name,"
    "   (SELECT max (i.started_at) FROM interactions i WHERE i.circle_id = k.id"
    "    AND i.missed = 0)"
    "  FROM circles k WHERE k.trashed_at IS NULL AND k.keep_in_touch_days > 0)"
    " SELECT is_contact, id, days, last, overdue FROM ("
    "  SELECT *, ?1 - (coalesce (last, created_at) + days * 86400) AS overdue FROM due)"
    " WHERE overdue > 0 ORDER BY overdue DESC, name, is_contact DESC, id",
    error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (now));

  list = g_list_store_new (CS_TYPE_OVERDUE);
  while (cs_store_step_row (self, stmt, &local_error))
    {
      g_autoptr (CsOverdue) entry = NULL;
      gboolean is_contact = sqlite3_column_int (stmt, 0);
      gint64 id = sqlite3_column_int64 (stmt, 1);
      guint days = sqlite3_column_int (stmt, 2);
      gint64 last = sqlite3_column_int64 (stmt, 3);
      gint64 overdue = sqlite3_column_int64 (stmt, 4);

      if (is_contact)
        {
          CsContact *contact = cs_store_find_contact (self, id);

          if (contact != NULL)
            entry = cs_overdue_new (contact, NULL, last, overdue, days);
        }
      else
        {
          CsCircle *circle = cs_store_find_circle (self, id);

          if (circle != NULL)
            entry = cs_overdue_new (NULL, circle, last, overdue, days);
        }

      if (entry != NULL)
        g_list_store_append (list, entry);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&list));
}
