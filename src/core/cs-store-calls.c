/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store"

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>

/* Calls in the contact history, as the call engine reports them: one entry per call, however
 * many times the connection came back. */

/* A call that comes back within this long after its last part ended is the same call. */
#define RECONNECTION_GAP_SECONDS (15 * 60)

/* The entry of the same call that ended at most RECONNECTION_GAP_SECONDS before @start. */
static gboolean
find_previous_part (CsStore *self,
                    const char *call_id,
                    gint64 start,
                    gint64 *id,
                    gint64 *previous_start,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
    cs_store_prepare (self,
                      "SELECT id, started_at FROM interactions"
                      " WHERE call_id = ?1 AND kind = ?2"
                      "  AND started_at + duration_seconds >= ?3 - ?4 AND started_at <= ?3"
                      " ORDER BY started_at DESC LIMIT 1",
                      error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  cs_store_bind_text (stmt, 1, call_id);
  sqlite3_bind_int (stmt, 2, CS_INTERACTION_KIND_CALL);
  sqlite3_bind_int64 (stmt, 3, start);
  sqlite3_bind_int64 (stmt, 4, RECONNECTION_GAP_SECONDS);

  if (cs_store_step_row (self, stmt, &local_error))
    {
      *id = sqlite3_column_int64 (stmt, 0);
      *previous_start = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *id = 0;
  return TRUE;
}

/**
 * cs_store_record_call:
 * @self: the store
 * @call_id: what identifies the call (its call room, say)
 * @circle_id: the circle of the call, or 0
 * @started_at: when this part of the call began for the user
 * @duration_seconds: how long it lasted
 * @participants: (array length=n_participants): contacts seen in it
 * @n_participants: how many
 * @error: return location for a #GError
 *
 * Writes a call to the contact history. When the same call already has an entry that ended
 * shortly before @started_at (the connection dropped and came back), that entry grows to
 * cover this part and gains its participants, so each call is one entry.
 *
 * Returns: the entry's id, or 0 with @error set
 */
gint64
cs_store_record_call (CsStore *self,
                      const char *call_id,
                      gint64 circle_id,
                      GDateTime *started_at,
                      guint duration_seconds,
                      const gint64 *participants,
                      gsize n_participants,
                      GError **error)
{
  gint64 start;
  gint64 id = 0;
  gint64 previous_start = 0;

  g_return_val_if_fail (CS_IS_STORE (self), 0);
  g_return_val_if_fail (call_id != NULL && started_at != NULL, 0);
  g_return_val_if_fail (participants != NULL || n_participants == 0, 0);

  start = g_date_time_to_unix (started_at);
  if (!cs_store_begin_transaction (self, error))
    return 0;

  if (!find_previous_part (self, call_id, start, &id, &previous_start, error))
    goto rollback;

  if (id != 0)
    {
      g_autoptr (sqlite3_stmt) update =
        cs_store_prepare (self,
                          "UPDATE interactions SET duration_seconds ="
                          " max (duration_seconds, ?2 - started_at) WHERE id = ?1",
                          error);

      if (update == NULL)
        goto rollback;
      sqlite3_bind_int64 (update, 1, id);
      sqlite3_bind_int64 (update, 2, start + duration_seconds);
      if (!cs_store_step_done (self, update, error))
        goto rollback;
    }
  else
    {
      g_autoptr (sqlite3_stmt) insert =
        cs_store_prepare (self,
                          "INSERT INTO interactions (kind, circle_id, started_at, duration_seconds,"
                          " call_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);

      if (insert == NULL)
        goto rollback;
      sqlite3_bind_int (insert, 1, CS_INTERACTION_KIND_CALL);
      if (circle_id > 0)
        sqlite3_bind_int64 (insert, 2, circle_id);
      else
        sqlite3_bind_null (insert, 2);
      sqlite3_bind_int64 (insert, 3, start);
      sqlite3_bind_int64 (insert, 4, duration_seconds);
      cs_store_bind_text (insert, 5, call_id);
      sqlite3_bind_int64 (insert, 6, cs_store_now_seconds ());
      if (!cs_store_step_done (self, insert, error))
        goto rollback;
      id = sqlite3_last_insert_rowid (self->db);
    }

  for (gsize i = 0; i < n_participants; i++)
    {
      /* Someone deleted meanwhile is left out rather than failing the whole call. */
      g_autoptr (sqlite3_stmt) add = cs_store_prepare (
        self,
        "INSERT OR IGNORE INTO interaction_participants (interaction_id, contact_id)"
        " SELECT ?1, id FROM contacts WHERE id = ?2",
        error);

      if (add == NULL)
        goto rollback;
      sqlite3_bind_int64 (add, 1, id);
      sqlite3_bind_int64 (add, 2, participants[i]);
      if (!cs_store_step_done (self, add, error))
        goto rollback;
    }

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  cs_store_emit_interactions_changed (self);
  return id;

rollback:
  cs_store_rollback_transaction (self);
  return 0;
}

/**
 * cs_store_log_missed_call:
 * @self: the store
 * @started_at: when it began to ring
 * @circle_id: the circle whose call it was, or 0 for a one-to-one call
 * @caller_id: the contact who called, or 0 when they are not one
 * @error: return location for a #GError
 *
 * Writes a call that rang and that nobody answered here to the contact history: an entry of
 * kind call, marked missed, lasting nothing, with the caller as its participant. It is no
 * contact: the last contact and "keep in touch" do not count it.
 *
 * Returns: the entry's id, or 0 with @error set
 */
gint64
cs_store_log_missed_call (CsStore *self,
                          GDateTime *started_at,
                          gint64 circle_id,
                          gint64 caller_id,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;
  gint64 id;

  g_return_val_if_fail (CS_IS_STORE (self), 0);
  g_return_val_if_fail (started_at != NULL, 0);

  if (!cs_store_begin_transaction (self, error))
    return 0;

  insert = cs_store_prepare (self,
                             "INSERT INTO interactions (kind, circle_id, started_at,"
                             " duration_seconds, missed, created_at)"
                             " VALUES (?1, (SELECT id FROM circles WHERE id = ?2), ?3, 0, 1, ?4)",
                             error);
  if (insert == NULL)
    goto rollback;
  sqlite3_bind_int (insert, 1, CS_INTERACTION_KIND_CALL);
  sqlite3_bind_int64 (insert, 2, circle_id);
  sqlite3_bind_int64 (insert, 3, g_date_time_to_unix (started_at));
  sqlite3_bind_int64 (insert, 4, cs_store_now_seconds ());
  if (!cs_store_step_done (self, insert, error))
    goto rollback;
  id = sqlite3_last_insert_rowid (self->db);

  if (caller_id > 0)
    {
      /* A caller deleted meanwhile leaves the call without them. */
      g_autoptr (sqlite3_stmt) add = cs_store_prepare (
        self,
        "INSERT OR IGNORE INTO interaction_participants (interaction_id, contact_id)"
        " SELECT ?1, id FROM contacts WHERE id = ?2",
        error);

      if (add == NULL)
        goto rollback;
      sqlite3_bind_int64 (add, 1, id);
      sqlite3_bind_int64 (add, 2, caller_id);
      if (!cs_store_step_done (self, add, error))
        goto rollback;
      /* Nobody talked: the participation gets no time, so "keep in touch" does not count it
       * (the trigger of schema version 3 copied the call's). */
      g_clear_pointer (&add, sqlite3_finalize);
      add = cs_store_prepare (self,
                              "UPDATE interaction_participants SET started_at = NULL"
                              " WHERE interaction_id = ?1",
                              error);
      if (add == NULL)
        goto rollback;
      sqlite3_bind_int64 (add, 1, id);
      if (!cs_store_step_done (self, add, error))
        goto rollback;
    }

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  cs_store_emit_interactions_changed (self);
  return id;

rollback:
  cs_store_rollback_transaction (self);
  return 0;
}
