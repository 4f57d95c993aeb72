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

gboolean
cs_store_log_interaction (CsStore *self, CsInteraction *interaction, GError **error)
{
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_INTERACTION (interaction), FALSE);
  g_return_val_if_fail (cs_interaction_get_id (interaction) == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) cs_interaction_get_kind (interaction) > CS_INTERACTION_KIND_LAST)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("Please choose how you met or talked."));
      return FALSE;
    }

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  if (!write_interaction (self, interaction, &id, error) ||
      !cs_store_commit_transaction (self, error))
    {
      cs_store_rollback_transaction (self);
      return FALSE;
    }

  cs_interaction_set_id (interaction, id);
  cs_store_emit_interactions_changed (self);

  return TRUE;
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
