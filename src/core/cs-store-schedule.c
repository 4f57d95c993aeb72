/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-schedule"

/* CsStore: scheduled call series, their skipped and moved occurrences, and
 * importing many at once (the upcoming calls are in cs-store-upcoming.c). */

#include "config.h"

#include "cs-recurrence.h"
#include "cs-store-schedule-private.h"

#include <glib/gi18n.h>

#define CALL_COLUMNS                                                                              \
  "scheduled_calls.id, uid, circle_id, title, dtstart, tzid, duration_minutes, rrule, sequence, " \
  "organiser, cancelled"

static const char *const schedule_sql[N_SCHEDULE_STATEMENTS] = {
  [SCHEDULE_INSERT] = "INSERT INTO scheduled_calls (uid, circle_id, title, dtstart, tzid,"
                      " duration_minutes, rrule, sequence, organiser, cancelled, created_at,"
                      " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
  [SCHEDULE_UPDATE] = "UPDATE scheduled_calls SET uid = ?1, circle_id = ?2, title = ?3,"
                      " dtstart = ?4, tzid = ?5, duration_minutes = ?6, rrule = ?7, sequence = ?8,"
                      " organiser = ?9, cancelled = ?10, updated_at = ?11 WHERE id = ?12",
  [SCHEDULE_SET_STATE] = "UPDATE scheduled_calls SET cancelled = ?2, sequence = ?3,"
                         " updated_at = ?4 WHERE id = ?1",
  [SCHEDULE_DELETE] = "DELETE FROM scheduled_calls WHERE id = ?1",
  [SCHEDULE_BY_ID] = "SELECT " CALL_COLUMNS " FROM scheduled_calls WHERE id = ?1",
  [SCHEDULE_BY_UID] = "SELECT " CALL_COLUMNS " FROM scheduled_calls WHERE uid = ?1",
  [SCHEDULE_OF_CIRCLE] = "SELECT " CALL_COLUMNS " FROM scheduled_calls"
                         " WHERE circle_id = ?1 AND (?2 OR cancelled = 0) ORDER BY dtstart, id",
  [SCHEDULE_OF_LIVE_CIRCLES] = "SELECT " CALL_COLUMNS " FROM scheduled_calls"
                               " JOIN circles ON circles.id = scheduled_calls.circle_id"
                               " WHERE circles.trashed_at IS NULL AND (?1 OR cancelled = 0)"
                               " ORDER BY dtstart, scheduled_calls.id",
  [SCHEDULE_UPCOMING] = "SELECT scheduled_calls.id, sequence, scheduled_calls.updated_at,"
                        " circles.name, uid FROM scheduled_calls"
                        " JOIN circles ON circles.id = scheduled_calls.circle_id"
                        " WHERE circles.trashed_at IS NULL AND cancelled = 0",
  [SCHEDULE_EXCEPTIONS_OF_CALL] = "SELECT recurrence_id, new_dtstart"
                                  " FROM scheduled_call_exceptions WHERE call_id = ?1",
  [SCHEDULE_EXCEPTION_PUT] = "INSERT OR REPLACE INTO scheduled_call_exceptions"
                             " (call_id, recurrence_id, new_dtstart) VALUES (?1, ?2, ?3)",
  [SCHEDULE_EXCEPTIONS_DELETE] = "DELETE FROM scheduled_call_exceptions WHERE call_id = ?1",
};

/* This file keeps its own statements (prepared once per store, finalized by
 * the store's finalize, before it closes the database) so that the schedule
 * can grow without touching the shared statement table. */
typedef struct
{
  sqlite3_stmt *statements[N_SCHEDULE_STATEMENTS];
} ScheduleStatements;

static void
schedule_statements_free (gpointer data)
{
  ScheduleStatements *cache = data;

  for (guint i = 0; i < N_SCHEDULE_STATEMENTS; i++)
    g_clear_pointer (&cache->statements[i], sqlite3_finalize);
  g_free (cache);
}

void
cs_store_schedule_finalize_statements (CsStore *self)
{
  g_object_set_data (G_OBJECT (self), "cs-store-schedule", NULL);
}

CsStoreStatement *
cs_store_schedule_get_statement (CsStore *self, ScheduleStatementId statement, GError **error)
{
  ScheduleStatements *cache = g_object_get_data (G_OBJECT (self), "cs-store-schedule");

  g_assert (statement < N_SCHEDULE_STATEMENTS);

  if (cache == NULL)
    {
      cache = g_new0 (ScheduleStatements, 1);
      g_object_set_data_full (G_OBJECT (self), "cs-store-schedule", cache,
                              schedule_statements_free);
    }

  if (cache->statements[statement] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, schedule_sql[statement], -1, SQLITE_PREPARE_PERSISTENT,
                                   &cache->statements[statement], NULL);

      if (rc != SQLITE_OK)
        {
          g_debug ("Preparing “%s”: %s", schedule_sql[statement], sqlite3_errmsg (self->db));
          cs_store_set_database_error (error, self->db, rc);
          return NULL;
        }
    }

  return cache->statements[statement];
}

static void
emit_schedule_changed (CsStore *self)
{
  g_signal_emit_by_name (self, "schedule-changed");
}

static void
set_invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID, message);
}

static gboolean
check_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  g_autofree char *title = g_strstrip (g_strdup (cs_scheduled_call_get_title (call)));
  g_autoptr (GError) rule_error = NULL;

  if (title[0] == '\0')
    {
      set_invalid (error, _ ("Please give the call a title."));
      return FALSE;
    }

  if (cs_store_find_circle (self, cs_scheduled_call_get_circle_id (call)) == NULL)
    {
      set_invalid (error, _ ("This circle no longer exists."));
      return FALSE;
    }

  if (cs_scheduled_call_get_dtstart (call) == NULL)
    {
      set_invalid (error, _ ("Please choose when the call starts."));
      return FALSE;
    }

  if (cs_scheduled_call_get_timezone (call) == NULL)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                   _ ("The time zone “%s” is not known. Please choose another one."),
                   cs_scheduled_call_get_tzid (call) ? cs_scheduled_call_get_tzid (call) : "");
      return FALSE;
    }

  if (!cs_recurrence_validate (cs_scheduled_call_get_rrule (call), &rule_error))
    {
      set_invalid (error, rule_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
bind_call (CsStoreStatement *stmt, CsScheduledCall *call)
{
  g_autofree char *dtstart = cs_scheduled_call_format_local (cs_scheduled_call_get_dtstart (call));

  cs_store_bind_text (stmt, 1, cs_scheduled_call_get_uid (call));
  sqlite3_bind_int64 (stmt, 2, cs_scheduled_call_get_circle_id (call));
  cs_store_bind_text (stmt, 3, cs_scheduled_call_get_title (call));
  cs_store_bind_text (stmt, 4, dtstart);
  cs_store_bind_text (stmt, 5, cs_scheduled_call_get_tzid (call));
  sqlite3_bind_int (stmt, 6, (int) cs_scheduled_call_get_duration_minutes (call));
  cs_store_bind_text (stmt, 7, cs_scheduled_call_get_rrule (call));
  sqlite3_bind_int64 (stmt, 8, cs_scheduled_call_get_sequence (call));
  cs_store_bind_text (stmt, 9, cs_scheduled_call_get_organiser (call));
  sqlite3_bind_int (stmt, 10, cs_scheduled_call_get_cancelled (call));
  sqlite3_bind_int64 (stmt, 11, cs_store_now_seconds ());
}

static gboolean
write_exceptions (CsStore *self, gint64 call_id, CsScheduledCall *call, GError **error)
{
  g_autoptr (CsStoreStatement) clear =
    cs_store_schedule_get_statement (self, SCHEDULE_EXCEPTIONS_DELETE, error);
  g_auto (GStrv) ids = NULL;
  GTimeZone *zone = cs_scheduled_call_get_timezone (call);

  if (clear == NULL)
    return FALSE;

  sqlite3_bind_int64 (clear, 1, call_id);
  if (!cs_store_step_done (self, clear, error))
    return FALSE;

  ids = cs_scheduled_call_dup_exception_ids (call);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr (CsStoreStatement) put =
        cs_store_schedule_get_statement (self, SCHEDULE_EXCEPTION_PUT, error);
      g_autoptr (GDateTime) new_start = NULL;
      g_autoptr (GDateTime) original = NULL;
      g_autofree char *new_text = NULL;

      if (put == NULL)
        return FALSE;

      /* A recurrence id that is not a date-time could never match an occurrence. */
      if (zone == NULL || (original = cs_scheduled_call_parse_local (ids[i], zone)) == NULL)
        continue;

      cs_scheduled_call_lookup_exception (call, ids[i], &new_start);
      if (new_start != NULL)
        new_text = cs_scheduled_call_format_local (new_start);

      sqlite3_bind_int64 (put, 1, call_id);
      cs_store_bind_text (put, 2, ids[i]);
      cs_store_bind_text (put, 3, new_text);
      if (!cs_store_step_done (self, put, error))
        return FALSE;
    }

  return TRUE;
}

static CsScheduledCall *
call_from_row (CsStoreStatement *stmt)
{
  CsScheduledCall *call = cs_scheduled_call_new ();
  GTimeZone *zone;

  cs_scheduled_call_set_id (call, sqlite3_column_int64 (stmt, 0));
  cs_scheduled_call_set_uid (call, cs_store_column_text (stmt, 1));
  cs_scheduled_call_set_circle_id (call, sqlite3_column_int64 (stmt, 2));
  cs_scheduled_call_set_title (call, cs_store_column_text (stmt, 3));
  cs_scheduled_call_set_tzid (call, cs_store_column_text (stmt, 5));
  zone = cs_scheduled_call_get_timezone (call);
  if (zone != NULL)
    {
      g_autoptr (GDateTime) dtstart =
        cs_scheduled_call_parse_local (cs_store_column_text (stmt, 4), zone);

      cs_scheduled_call_set_dtstart (call, dtstart);
    }
  cs_scheduled_call_set_duration_minutes (call, MAX (1, sqlite3_column_int (stmt, 6)));
  cs_scheduled_call_set_rrule (call, cs_store_column_text (stmt, 7));
  cs_scheduled_call_set_sequence (call, (guint) sqlite3_column_int64 (stmt, 8));
  cs_scheduled_call_set_organiser (call, cs_store_column_text (stmt, 9));
  cs_scheduled_call_set_cancelled (call, sqlite3_column_int (stmt, 10));

  return call;
}

static gboolean
read_exceptions (CsStore *self, CsScheduledCall *call, GError **error)
{
  g_autoptr (CsStoreStatement) stmt =
    cs_store_schedule_get_statement (self, SCHEDULE_EXCEPTIONS_OF_CALL, error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, cs_scheduled_call_get_id (call));
  while (cs_store_step_row (self, stmt, &local_error))
    cs_scheduled_call_set_exception_text (call, cs_store_column_text (stmt, 0),
                                          cs_store_column_text (stmt, 1));

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

CsScheduledCall *
cs_store_schedule_read_call (CsStore *self,
                             ScheduleStatementId statement,
                             gint64 id,
                             const char *uid,
                             GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_schedule_get_statement (self, statement, error);
  g_autoptr (CsScheduledCall) call = NULL;
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;

  if (uid != NULL)
    cs_store_bind_text (stmt, 1, uid);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  if (!cs_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error, _ ("This call was deleted."));
      return NULL;
    }

  call = call_from_row (stmt);
  /* Done with the row before the next statement runs. */
  g_clear_pointer (&stmt, cs_store_statement_release);

  if (!read_exceptions (self, call, error))
    return NULL;

  return g_steal_pointer (&call);
}

CsScheduledCall *
cs_store_get_scheduled_call (CsStore *self, gint64 call_id, GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return cs_store_schedule_read_call (self, SCHEDULE_BY_ID, call_id, NULL, error);
}

CsScheduledCall *
cs_store_find_scheduled_call_by_uid (CsStore *self, const char *uid, GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (uid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return cs_store_schedule_read_call (self, SCHEDULE_BY_UID, 0, uid, error);
}

static gboolean
insert_call (CsStore *self, CsScheduledCall *call, gint64 *id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt =
    cs_store_schedule_get_statement (self, SCHEDULE_INSERT, error);

  if (stmt == NULL)
    return FALSE;

  bind_call (stmt, call);
  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (self->db);

  return write_exceptions (self, *id, call, error);
}

static gboolean
replace_call (CsStore *self, gint64 id, CsScheduledCall *call, GError **error)
{
  g_autoptr (CsStoreStatement) stmt =
    cs_store_schedule_get_statement (self, SCHEDULE_UPDATE, error);

  if (stmt == NULL)
    return FALSE;

  bind_call (stmt, call);
  sqlite3_bind_int64 (stmt, 12, id);
  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  return write_exceptions (self, id, call, error);
}

static gboolean
finish_transaction (CsStore *self, gboolean ok, GError **error)
{
  if (ok && cs_store_commit_transaction (self, error))
    return TRUE;

  cs_store_rollback_transaction (self);

  return FALSE;
}

/**
 * cs_store_create_scheduled_call:
 * @self: the store
 * @call: a new call (id 0) of a live circle, with a title, a start and a zone
 * @error: CS_STORE_ERROR_INVALID in plain words for what to fix
 *
 * Writes the series and its exceptions in one transaction and sets @call's id.
 */
gboolean
cs_store_create_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (cs_scheduled_call_get_id (call) == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_call (self, call, error))
    return FALSE;

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  if (!finish_transaction (self, insert_call (self, call, &id, error), error))
    return FALSE;

  cs_scheduled_call_set_id (call, id);
  emit_schedule_changed (self);

  return TRUE;
}

/* The sequence after a change: above both what the caller holds and what is
 * stored, so that an edit made on an old copy still supersedes the stored one. */
static gboolean
next_sequence (CsStore *self, CsScheduledCall *call, guint *sequence, GError **error)
{
  g_autoptr (CsScheduledCall) stored = NULL;

  stored = cs_store_schedule_read_call (self, SCHEDULE_BY_ID, cs_scheduled_call_get_id (call), NULL,
                                        error);
  if (stored == NULL)
    return FALSE;

  *sequence =
    MAX (cs_scheduled_call_get_sequence (stored), cs_scheduled_call_get_sequence (call)) + 1;

  return TRUE;
}

/**
 * cs_store_update_scheduled_call:
 * @self: the store
 * @call: a stored call with new values and exceptions
 * @error: CS_STORE_ERROR_INVALID or CS_STORE_ERROR_NOT_FOUND
 *
 * Replaces the series and its exceptions, raising its sequence (also in @call).
 * On failure nothing is written and @call is unchanged.
 */
gboolean
cs_store_update_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  guint old_sequence, sequence = 0;
  gboolean ok;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_call (self, call, error))
    return FALSE;

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  old_sequence = cs_scheduled_call_get_sequence (call);
  ok = next_sequence (self, call, &sequence, error);
  if (ok)
    {
      cs_scheduled_call_set_sequence (call, sequence);
      ok = replace_call (self, cs_scheduled_call_get_id (call), call, error);
    }

  if (!finish_transaction (self, ok, error))
    {
      cs_scheduled_call_set_sequence (call, old_sequence);
      return FALSE;
    }

  emit_schedule_changed (self);

  return TRUE;
}

static gboolean
set_cancelled (CsStore *self, CsScheduledCall *call, gboolean cancelled, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  guint sequence = 0;
  gboolean ok;

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  ok = next_sequence (self, call, &sequence, error);
  if (ok)
    {
      stmt = cs_store_schedule_get_statement (self, SCHEDULE_SET_STATE, error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, cs_scheduled_call_get_id (call));
      sqlite3_bind_int (stmt, 2, cancelled);
      sqlite3_bind_int64 (stmt, 3, sequence);
      sqlite3_bind_int64 (stmt, 4, cs_store_now_seconds ());
      ok = cs_store_step_done (self, stmt, error);
      g_clear_pointer (&stmt, cs_store_statement_release);
    }

  if (!finish_transaction (self, ok, error))
    return FALSE;

  cs_scheduled_call_set_sequence (call, sequence);
  cs_scheduled_call_set_cancelled (call, cancelled);
  emit_schedule_changed (self);

  return TRUE;
}

gboolean
cs_store_cancel_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_cancelled (self, call, TRUE, error);
}

gboolean
cs_store_restore_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_cancelled (self, call, FALSE, error);
}

/* For good, with its exceptions (the foreign key cascades); history entries
 * keep the call's uid. */
gboolean
cs_store_delete_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = cs_store_schedule_get_statement (self, SCHEDULE_DELETE, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, cs_scheduled_call_get_id (call));
  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      cs_store_set_not_found_error (error, _ ("This call was already deleted."));
      return FALSE;
    }

  cs_scheduled_call_set_id (call, 0);
  emit_schedule_changed (self);

  return TRUE;
}

/* One exception written with the series' new sequence, in one transaction. */
static gboolean
put_exception (CsStore *self,
               CsScheduledCall *call,
               const char *recurrence_id,
               GDateTime *new_start,
               GError **error)
{
  g_autoptr (CsScheduledCall) draft = NULL;
  GTimeZone *zone = cs_scheduled_call_get_timezone (call);
  g_autoptr (GDateTime) original = NULL;

  if (zone == NULL || (original = cs_scheduled_call_parse_local (recurrence_id, zone)) == NULL)
    {
      set_invalid (error, _ ("This occurrence of the call does not exist."));
      return FALSE;
    }

  draft = cs_scheduled_call_copy (call);
  if (new_start == NULL)
    cs_scheduled_call_skip_occurrence (draft, original);
  else
    cs_scheduled_call_move_occurrence (draft, original, new_start);

  if (!cs_store_update_scheduled_call (self, draft, error))
    return FALSE;

  cs_scheduled_call_assign (call, draft);

  return TRUE;
}

gboolean
cs_store_skip_occurrence (CsStore *self,
                          CsScheduledCall *call,
                          const char *recurrence_id,
                          GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (recurrence_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return put_exception (self, call, recurrence_id, NULL, error);
}

gboolean
cs_store_move_occurrence (CsStore *self,
                          CsScheduledCall *call,
                          const char *recurrence_id,
                          GDateTime *new_start,
                          GError **error)
{
  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (recurrence_id != NULL, FALSE);
  g_return_val_if_fail (new_start != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return put_exception (self, call, recurrence_id, new_start, error);
}

GListModel *
cs_store_list_scheduled_calls (CsStore *self,
                               gint64 circle_id,
                               gboolean include_cancelled,
                               GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GListStore) list = g_list_store_new (CS_TYPE_SCHEDULED_CALL);
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt =
    cs_store_schedule_get_statement (self,
                                     circle_id != 0 ? SCHEDULE_OF_CIRCLE : SCHEDULE_OF_LIVE_CIRCLES,
                                     error);
  if (stmt == NULL)
    return NULL;

  if (circle_id != 0)
    {
      sqlite3_bind_int64 (stmt, 1, circle_id);
      sqlite3_bind_int (stmt, 2, include_cancelled);
    }
  else
    {
      sqlite3_bind_int (stmt, 1, include_cancelled);
    }

  while (cs_store_step_row (self, stmt, &local_error))
    {
      g_autoptr (CsScheduledCall) call = call_from_row (stmt);

      g_list_store_append (list, call);
    }
  g_clear_pointer (&stmt, cs_store_statement_release);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (!read_exceptions (self, call, error))
        return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&list));
}

/**
 * cs_store_import_scheduled_calls:
 * @self: the store
 * @circle_id: the live circle new series go to
 * @calls: (element-type CsScheduledCall): the series to write
 * @n_created: (out) (optional): how many were new
 * @n_updated: (out) (optional): how many replaced an older copy
 * @error: CS_STORE_ERROR_INVALID naming what is wrong, or a database error
 *
 * All or none: a refused call or a failed write leaves the store as it was.
 */
gboolean
cs_store_import_scheduled_calls (CsStore *self,
                                 gint64 circle_id,
                                 GPtrArray *calls,
                                 guint *n_created,
                                 guint *n_updated,
                                 GError **error)
{
  guint created = 0, updated = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (calls != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cs_store_find_circle (self, circle_id) == NULL)
    {
      set_invalid (error, _ ("This circle no longer exists."));
      return FALSE;
    }

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  for (guint i = 0; ok && i < calls->len; i++)
    {
      g_autoptr (CsScheduledCall) incoming = cs_scheduled_call_copy (calls->pdata[i]);
      g_autoptr (CsScheduledCall) stored = NULL;
      g_autoptr (GError) lookup_error = NULL;
      gint64 id = 0;

      stored = cs_store_schedule_read_call (self, SCHEDULE_BY_UID, 0,
                                            cs_scheduled_call_get_uid (incoming), &lookup_error);
      if (stored == NULL &&
          !g_error_matches (lookup_error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&lookup_error));
          ok = FALSE;
          break;
        }

      /* A series already here stays in its circle (only its content follows),
       * unless that circle is in the trash. */
      if (stored != NULL &&
          cs_store_find_circle (self, cs_scheduled_call_get_circle_id (stored)) != NULL)
        cs_scheduled_call_set_circle_id (incoming, cs_scheduled_call_get_circle_id (stored));
      else
        cs_scheduled_call_set_circle_id (incoming, circle_id);
      ok = check_call (self, incoming, error);
      if (!ok)
        break;

      if (stored == NULL)
        {
          ok = insert_call (self, incoming, &id, error);
          created++;
        }
      else if (cs_scheduled_call_get_sequence (incoming) > cs_scheduled_call_get_sequence (stored))
        {
          ok = replace_call (self, cs_scheduled_call_get_id (stored), incoming, error);
          updated++;
        }
    }

  if (!finish_transaction (self, ok, error))
    return FALSE;

  if (n_created != NULL)
    *n_created = created;
  if (n_updated != NULL)
    *n_updated = updated;
  if (created > 0 || updated > 0)
    emit_schedule_changed (self);

  return TRUE;
}
