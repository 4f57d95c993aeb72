/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store"

/* The store object, its statements and transactions, and saving, trashing and
 * restoring circles and contacts. Siblings: cs-store-open.c (opening and the
 * live lists), cs-store-members.c, cs-store-history.c, cs-store-accounts.c,
 * cs-store-migrations.c. */

#include "config.h"

#include "cs-store.h"
#include "cs-store-private.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

#include <string.h>

#define CIRCLE_COLUMNS \
  "id, name, kind, description, emoji, color, room_address, keep_in_touch_days, reminder_minutes"
#define CONTACT_COLUMNS                                                           \
  "id, name, xmpp_address, email, phone, notes, seeks, offers, named_in_digest, " \
  "keep_in_touch_days"
#define ACCOUNT_COLUMNS "id, address, host, port, pinned_fingerprint, nickname"
#define INTERACTION_COLUMNS \
  "i.id, i.kind, i.circle_id, i.started_at, i.duration_seconds, i.place, i.notes, i.missed"

static const char *const statement_sql[N_STATEMENTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",

  [STMT_CIRCLES_LIVE] = "SELECT " CIRCLE_COLUMNS " FROM circles WHERE trashed_at IS NULL",
  [STMT_CIRCLE_BY_ID] = "SELECT " CIRCLE_COLUMNS " FROM circles WHERE id = ?1",
  [STMT_CIRCLE_INSERT] = "INSERT INTO circles (name, kind, description, emoji, color, room_address,"
                         " keep_in_touch_days, reminder_minutes, created_at, updated_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
  [STMT_CIRCLE_UPDATE] =
    "UPDATE circles SET name = ?1, kind = ?2, description = ?3, emoji = ?4, color = ?5,"
    " room_address = ?6, keep_in_touch_days = ?7, reminder_minutes = ?8, updated_at = ?9"
    " WHERE id = ?10 AND trashed_at IS NULL",
  [STMT_CIRCLE_WITH_ROOM] = "SELECT name FROM circles WHERE room_address = ?1 AND id <> ?2",
  [STMT_CIRCLE_TRASH] = "UPDATE circles SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL",
  [STMT_CIRCLE_RESTORE] =
    "UPDATE circles SET trashed_at = NULL WHERE id = ?1 AND trashed_at IS NOT NULL",
  [STMT_CIRCLES_PURGE] = "DELETE FROM circles WHERE trashed_at IS NOT NULL",

  [STMT_CONTACTS_LIVE] = "SELECT " CONTACT_COLUMNS " FROM contacts WHERE trashed_at IS NULL",
  [STMT_CONTACT_BY_ID] = "SELECT " CONTACT_COLUMNS " FROM contacts WHERE id = ?1",
  [STMT_CONTACT_INSERT] =
    "INSERT INTO contacts (name, xmpp_address, email, phone, notes, seeks, offers,"
    " named_in_digest, keep_in_touch_days, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
  [STMT_CONTACT_UPDATE] =
    "UPDATE contacts SET name = ?1, xmpp_address = ?2, email = ?3, phone = ?4, notes = ?5,"
    " seeks = ?6, offers = ?7, named_in_digest = ?8, keep_in_touch_days = ?9, updated_at = ?10"
    " WHERE id = ?11 AND trashed_at IS NULL",
  [STMT_CONTACT_WITH_ADDRESS] =
    "SELECT name, trashed_at IS NOT NULL FROM contacts WHERE xmpp_address = ?1 AND id <> ?2",
  [STMT_CONTACT_TRASH] = "UPDATE contacts SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL",
  [STMT_CONTACT_RESTORE] =
    "UPDATE contacts SET trashed_at = NULL WHERE id = ?1 AND trashed_at IS NOT NULL",
  [STMT_CONTACTS_PURGE] = "DELETE FROM contacts WHERE trashed_at IS NOT NULL",

  [STMT_MEMBERS_OF_CIRCLE] =
    "SELECT m.contact_id, m.role FROM memberships m JOIN contacts c ON c.id = m.contact_id"
    " WHERE m.circle_id = ?1 AND c.trashed_at IS NULL",
  [STMT_MEMBERSHIPS_OF_CONTACT] = "SELECT circle_id, role FROM memberships WHERE contact_id = ?1",
  [STMT_MEMBER_INSERT] =
    "INSERT INTO memberships (circle_id, contact_id, role, added_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (circle_id, contact_id) DO NOTHING",
  [STMT_MEMBER_DELETE] = "DELETE FROM memberships WHERE circle_id = ?1 AND contact_id = ?2",
  [STMT_MEMBER_EXISTS] = "SELECT 1 FROM memberships WHERE circle_id = ?1 AND contact_id = ?2",

  [STMT_INTERACTION_INSERT] =
    "INSERT INTO interactions (kind, circle_id, started_at, duration_seconds, place, notes,"
    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_PARTICIPANT_INSERT] =
    "INSERT INTO interaction_participants (interaction_id, contact_id) VALUES (?1, ?2)",
  [STMT_INTERACTION_DELETE] = "DELETE FROM interactions WHERE id = ?1",
  [STMT_INTERACTIONS_OF_CIRCLE] =
    "SELECT " INTERACTION_COLUMNS " FROM interactions i WHERE i.circle_id = ?1"
    " ORDER BY i.started_at DESC, i.id DESC LIMIT ?2",
  [STMT_INTERACTIONS_OF_CONTACT] =
    "SELECT " INTERACTION_COLUMNS " FROM interactions i"
    " JOIN interaction_participants p ON p.interaction_id = i.id"
    " WHERE p.contact_id = ?1 ORDER BY i.started_at DESC, i.id DESC LIMIT ?2",
  [STMT_PARTICIPANTS_OF_INTERACTION] =
    "SELECT contact_id FROM interaction_participants WHERE interaction_id = ?1"
    " ORDER BY contact_id",

  [STMT_ACCOUNT_FIRST] = "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY id LIMIT 1",
  [STMT_ACCOUNT_OTHER] = "SELECT address FROM accounts WHERE id <> ?1 LIMIT 1",
  [STMT_ACCOUNT_INSERT] =
    "INSERT INTO accounts (address, host, port, pinned_fingerprint, nickname, created_at,"
    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
  [STMT_ACCOUNT_UPDATE] = "UPDATE accounts SET address = ?1, host = ?2, port = ?3,"
                          " pinned_fingerprint = ?4, nickname = ?5, updated_at = ?6 WHERE id = ?7",
  [STMT_ACCOUNT_DELETE] = "DELETE FROM accounts",
};

G_DEFINE_FINAL_TYPE (CsStore, cs_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cs_store_error_quark, cs_store_error)

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum
{
  INTERACTIONS_CHANGED,
  ACCOUNT_CHANGED,
  SCHEDULE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static GQuark sort_key_quark;

gint64 *
cs_store_id_key_new (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static GHashTable *
id_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

/* Moves the entry for @id from one table to another, keeping its object. */
static gpointer
move_entry (GHashTable *from, GHashTable *to, gint64 id)
{
  gpointer key;
  gpointer object;

  if (!g_hash_table_steal_extended (from, &id, &key, &object))
    return NULL;

  g_hash_table_insert (to, key, object);

  return object;
}

gint64
cs_store_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Sorting compares precomputed keys: collation is too slow to redo per comparison. */
static void
set_sort_key (gpointer object, const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  g_object_set_qdata_full (object, sort_key_quark, g_utf8_collate_key (folded, -1), g_free);
}

static int
compare_keys_then_ids (gpointer a, gint64 id_a, gpointer b, gint64 id_b)
{
  const char *key_a = g_object_get_qdata (a, sort_key_quark);
  const char *key_b = g_object_get_qdata (b, sort_key_quark);
  int result;

  g_assert (key_a != NULL && key_b != NULL);

  result = strcmp (key_a, key_b);
  if (result != 0)
    return result;

  return (id_a > id_b) - (id_a < id_b);
}

int
cs_store_compare_circles (gconstpointer a, gconstpointer b, gpointer user_data)
{
  CsCircle *circle_a = CS_CIRCLE ((gpointer) a);
  CsCircle *circle_b = CS_CIRCLE ((gpointer) b);

  return compare_keys_then_ids (circle_a, cs_circle_get_id (circle_a), circle_b,
                                cs_circle_get_id (circle_b));
}

int
cs_store_compare_contacts (gconstpointer a, gconstpointer b, gpointer user_data)
{
  CsContact *contact_a = CS_CONTACT ((gpointer) a);
  CsContact *contact_b = CS_CONTACT ((gpointer) b);

  return compare_keys_then_ids (contact_a, cs_contact_get_id (contact_a), contact_b,
                                cs_contact_get_id (contact_b));
}

/* Moves @item after a rename, only when it is out of order, so that an unchanged
 * position does not make views rebuild the row. */
void
cs_store_resort_item (GListStore *list, gpointer item, GCompareDataFunc compare)
{
  g_autoptr (GObject) held = NULL;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean in_order = TRUE;
  guint position;

  if (!g_list_store_find (list, item, &position))
    return;

  if (position > 0)
    {
      g_autoptr (GObject) previous = g_list_model_get_item (G_LIST_MODEL (list), position - 1);

      in_order = compare (previous, item, NULL) < 0;
    }

  if (in_order && position + 1 < n_items)
    {
      g_autoptr (GObject) next = g_list_model_get_item (G_LIST_MODEL (list), position + 1);

      in_order = compare (item, next, NULL) < 0;
    }

  if (in_order)
    return;

  held = g_object_ref (item);
  g_list_store_remove (list, position);
  g_list_store_insert_sorted (list, held, compare, NULL);
}

static void
remove_item (GListStore *list, gpointer item)
{
  guint position;

  if (g_list_store_find (list, item, &position))
    g_list_store_remove (list, position);
}

void
cs_store_statement_release (CsStoreStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

CsStoreStatement *
cs_store_get_statement (CsStore *self, CsStoreStatementId statement, GError **error)
{
  g_assert (statement < N_STATEMENTS);

  if (self->statements[statement] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, statement_sql[statement], -1,
                                   SQLITE_PREPARE_PERSISTENT, &self->statements[statement], NULL);

      if (rc != SQLITE_OK)
        {
          g_debug ("Preparing “%s”: %s", statement_sql[statement], sqlite3_errmsg (self->db));
          cs_store_set_database_error (error, self->db, rc);
          return NULL;
        }
    }

  return self->statements[statement];
}

void
cs_store_bind_text (CsStoreStatement *stmt, int param, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, param);
  else
    sqlite3_bind_text (stmt, param, text, -1, SQLITE_TRANSIENT);
}

const char *
cs_store_column_text (CsStoreStatement *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Steps a statement that returns no rows. */
/* Statements that are not in the store's cache: prepared for each call, which costs
 * microseconds next to the milliseconds the queries may take. */
sqlite3_stmt *
cs_store_prepare (CsStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_debug ("Preparing “%s”: %s", sql, sqlite3_errmsg (self->db));
      cs_store_set_database_error (error, self->db, rc);
      return NULL;
    }

  return stmt;
}

gboolean
cs_store_step_done (CsStore *self, CsStoreStatement *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      g_debug ("Running “%s”: %s", sqlite3_sql (stmt), sqlite3_errmsg (self->db));
      cs_store_set_database_error (error, self->db, rc);
      return FALSE;
    }

  return TRUE;
}

/* Steps a SELECT; FALSE with @error unset at the end of the rows. */
gboolean
cs_store_step_row (CsStore *self, CsStoreStatement *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;

  if (rc != SQLITE_DONE)
    {
      g_debug ("Running “%s”: %s", sqlite3_sql (stmt), sqlite3_errmsg (self->db));
      cs_store_set_database_error (error, self->db, rc);
    }

  return FALSE;
}

static gboolean
run_statement (CsStore *self, CsStoreStatementId statement, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, statement, error);

  return stmt != NULL && cs_store_step_done (self, stmt, error);
}

gboolean
cs_store_begin_transaction (CsStore *self, GError **error)
{
  return run_statement (self, STMT_BEGIN, error);
}

gboolean
cs_store_commit_transaction (CsStore *self, GError **error)
{
  return run_statement (self, STMT_COMMIT, error);
}

/* Safe after any failure: SQLite may already have rolled back by itself. */
void
cs_store_rollback_transaction (CsStore *self)
{
  g_autoptr (GError) error = NULL;

  if (sqlite3_get_autocommit (self->db))
    return;

  if (!run_statement (self, STMT_ROLLBACK, &error))
    g_debug ("Rolling back: %s", error->message);
}

void
cs_store_set_not_found_error (GError **error, const char *message)
{
  g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND, message);
}

static char *
validate_name (const char *name, const char *blank_message, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name));

  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID, blank_message);
      return NULL;
    }

  return g_steal_pointer (&trimmed);
}

CsCircle *
cs_store_circle_from_row (CsStoreStatement *stmt)
{
  CsCircle *circle = cs_circle_new ();

  cs_circle_set_id (circle, sqlite3_column_int64 (stmt, 0));
  cs_circle_set_name (circle, cs_store_column_text (stmt, 1));
  cs_circle_set_kind (circle, sqlite3_column_int (stmt, 2));
  cs_circle_set_description (circle, cs_store_column_text (stmt, 3));
  cs_circle_set_emoji (circle, cs_store_column_text (stmt, 4));
  cs_circle_set_color (circle, cs_store_column_text (stmt, 5));
  cs_circle_set_room_address (circle, cs_store_column_text (stmt, 6));
  cs_circle_set_keep_in_touch_days (circle, sqlite3_column_int (stmt, 7));
  cs_circle_set_reminder_minutes (circle, sqlite3_column_int (stmt, 8));
  set_sort_key (circle, cs_circle_get_name (circle));

  return circle;
}

CsContact *
cs_store_contact_from_row (CsStoreStatement *stmt)
{
  CsContact *contact = cs_contact_new ();

  cs_contact_set_id (contact, sqlite3_column_int64 (stmt, 0));
  cs_contact_set_name (contact, cs_store_column_text (stmt, 1));
  cs_contact_set_xmpp_address (contact, cs_store_column_text (stmt, 2));
  cs_contact_set_email (contact, cs_store_column_text (stmt, 3));
  cs_contact_set_phone (contact, cs_store_column_text (stmt, 4));
  cs_contact_set_notes (contact, cs_store_column_text (stmt, 5));
  cs_contact_set_seeks (contact, cs_store_column_text (stmt, 6));
  cs_contact_set_offers (contact, cs_store_column_text (stmt, 7));
  cs_contact_set_named_in_digest (contact, sqlite3_column_int (stmt, 8));
  cs_contact_set_keep_in_touch_days (contact, sqlite3_column_int (stmt, 9));
  set_sort_key (contact, cs_contact_get_name (contact));

  return contact;
}

/* A trashed entry restored by another program, or trashed before this run,
 * has no object yet: read it back. */
static GObject *
load_restored (CsStore *self, CsStoreStatementId statement, gint64 id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, statement, error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!cs_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error, _ ("This entry cannot be brought back: it was deleted "
                                                "for good."));
      return NULL;
    }

  if (statement == STMT_CIRCLE_BY_ID)
    return G_OBJECT (cs_store_circle_from_row (stmt));
  else
    return G_OBJECT (cs_store_contact_from_row (stmt));
}

static void
cs_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsStore *self = CS_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_store_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsStore *self = CS_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_store_dispose (GObject *object)
{
  CsStore *self = CS_STORE (object);

  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->live_circles, g_hash_table_unref);
  g_clear_pointer (&self->trashed_circles, g_hash_table_unref);
  g_clear_pointer (&self->live_contacts, g_hash_table_unref);
  g_clear_pointer (&self->trashed_contacts, g_hash_table_unref);
  g_clear_object (&self->circles);
  g_clear_object (&self->contacts);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (cs_store_parent_class)->dispose (object);
}

static void
cs_store_finalize (GObject *object)
{
  CsStore *self = CS_STORE (object);

  for (guint i = 0; i < N_STATEMENTS; i++)
    g_clear_pointer (&self->statements[i], sqlite3_finalize);
  cs_store_schedule_finalize_statements (self);

  /* Closing the last connection checkpoints the WAL back into the main file. */
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    {
      for (sqlite3_stmt *stmt = sqlite3_next_stmt (self->db, NULL); stmt != NULL;
           stmt = sqlite3_next_stmt (self->db, stmt))
        g_message ("Statement still open: %s", sqlite3_sql (stmt));
      g_warning ("Closing %s: %s", self->path, sqlite3_errmsg (self->db));
    }
  self->db = NULL;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cs_store_parent_class)->finalize (object);
}

static void
cs_store_class_init (CsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_store_get_property;
  object_class->set_property = cs_store_set_property;
  object_class->dispose = cs_store_dispose;
  object_class->finalize = cs_store_finalize;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CsStore::interactions-changed:
   *
   * Emitted after an interaction is logged or deleted, and after purging the
   * trash (which can remove participants or unlink circles), so that history
   * views can list again.
   */
  signals[INTERACTIONS_CHANGED] =
    g_signal_new ("interactions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CsStore::account-changed:
   *
   * Emitted after the account is saved (added or changed) or deleted, so that
   * the session and the account page can follow cs_store_get_account().
   */
  signals[ACCOUNT_CHANGED] = g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CsStore::schedule-changed:
   *
   * Emitted after scheduled calls were written (created, changed, skipped or
   * moved occurrences, cancelled, restored, deleted, imported), so that
   * reminders can work out their next instant again. Emitted from
   * cs-store-schedule.c by name.
   */
  signals[SCHEDULE_CHANGED] = g_signal_new ("schedule-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  sort_key_quark = g_quark_from_static_string ("cs-store-sort-key");
}

static void
cs_store_init (CsStore *self)
{
  self->circles = g_list_store_new (CS_TYPE_CIRCLE);
  self->contacts = g_list_store_new (CS_TYPE_CONTACT);
  self->live_circles = id_table_new ();
  self->trashed_circles = id_table_new ();
  self->live_contacts = id_table_new ();
  self->trashed_contacts = id_table_new ();
  self->members = id_table_new ();
}

void
cs_store_emit_interactions_changed (CsStore *self)
{
  g_signal_emit (self, signals[INTERACTIONS_CHANGED], 0);
}

void
cs_store_emit_account_changed (CsStore *self)
{
  g_signal_emit (self, signals[ACCOUNT_CHANGED], 0);
}

void
cs_store_set_database_error (GError **error, sqlite3 *db, int rc)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND,
                             _ ("A circle or person this change refers to no longer exists. "
                                "Check your change, then try again."));
      else
        g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                     _ ("This change does not fit with the rest of your data, so it was not "
                        "saved (%s)."),
                     detail);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_CORRUPT,
                           _ ("Your Cousinade data file is damaged. Restore it from a backup."));
      break;

    case SQLITE_FULL:
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                           _ ("The disk is full. Free some space, then try again."));
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Your Cousinade data cannot be written (%s). Check that your home "
                      "folder is writable, then try again."),
                   detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                           _ ("Your Cousinade data is in use by another program. Close it, "
                              "then try again."));
      break;

    case SQLITE_IOERR:
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Your Cousinade data could not be read or written because of a disk "
                      "problem (%s). Check the disk, then try again."),
                   detail);
      break;

    default:
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Cousinade could not use your data (%s). Try again, and report the "
                      "problem if it keeps happening."),
                   detail);
      break;
    }
}

static gboolean
check_room_address_free (CsStore *self, CsCircle *values, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *room_address = cs_circle_get_room_address (values);

  if (room_address == NULL)
    return TRUE;

  stmt = cs_store_get_statement (self, STMT_CIRCLE_WITH_ROOM, error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, room_address);
  sqlite3_bind_int64 (stmt, 2, cs_circle_get_id (values));
  if (cs_store_step_row (self, stmt, &local_error))
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                   _ ("The circle “%s” already uses this room address."),
                   cs_store_column_text (stmt, 0));
      return FALSE;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_circle (CsStore *self, CsCircle *values, gint64 *id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  gboolean inserting = cs_circle_get_id (values) == 0;

  stmt = cs_store_get_statement (self, inserting ? STMT_CIRCLE_INSERT : STMT_CIRCLE_UPDATE, error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, cs_circle_get_name (values));
  sqlite3_bind_int (stmt, 2, cs_circle_get_kind (values));
  cs_store_bind_text (stmt, 3, cs_circle_get_description (values));
  cs_store_bind_text (stmt, 4, cs_circle_get_emoji (values));
  cs_store_bind_text (stmt, 5, cs_circle_get_color (values));
  cs_store_bind_text (stmt, 6, cs_circle_get_room_address (values));
  sqlite3_bind_int64 (stmt, 7, cs_circle_get_keep_in_touch_days (values));
  sqlite3_bind_int64 (stmt, 8, cs_circle_get_reminder_minutes (values));
  sqlite3_bind_int64 (stmt, 9, cs_store_now_seconds ());
  if (!inserting)
    sqlite3_bind_int64 (stmt, 10, cs_circle_get_id (values));

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (inserting)
    {
      *id = sqlite3_last_insert_rowid (self->db);
    }
  else if (sqlite3_changes (self->db) == 0)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This circle was deleted, so your changes could not be "
                                       "saved."));
      return FALSE;
    }
  else
    {
      *id = cs_circle_get_id (values);
    }

  return TRUE;
}

CsCircle *
cs_store_save_circle (CsStore *self, CsCircle *draft, GError **error)
{
  g_autoptr (CsCircle) values = NULL;
  g_autofree char *name = NULL;
  CsCircle *circle;
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (draft), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = cs_circle_copy (draft);

  name = validate_name (cs_circle_get_name (values), _ ("Please give the circle a name."), error);
  if (name == NULL)
    return NULL;
  cs_circle_set_name (values, name);

  if ((guint) cs_circle_get_kind (values) > CS_CIRCLE_KIND_LAST)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("Please choose what kind of circle this is."));
      return NULL;
    }

  if (cs_circle_get_room_address (values) != NULL)
    {
      g_autoptr (GError) address_error = NULL;
      g_autofree char *room_address = NULL;

      room_address =
        cs_xmpp_address_normalize (cs_circle_get_room_address (values), &address_error);
      if (room_address == NULL)
        {
          g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                       _ ("The circle’s room address is not valid. %s"), address_error->message);
          return NULL;
        }
      cs_circle_set_room_address (values, room_address);
    }

  if (cs_circle_get_id (values) != 0 &&
      cs_store_find_circle (self, cs_circle_get_id (values)) == NULL)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This circle was deleted, so your changes could not be "
                                       "saved."));
      return NULL;
    }

  if (!cs_store_begin_transaction (self, error))
    return NULL;

  if (!check_room_address_free (self, values, error) || !write_circle (self, values, &id, error) ||
      !cs_store_commit_transaction (self, error))
    {
      cs_store_rollback_transaction (self);
      return NULL;
    }

  cs_circle_set_id (values, id);

  circle = cs_store_find_circle (self, id);
  if (circle == NULL)
    {
      circle = cs_circle_copy (values);
      set_sort_key (circle, cs_circle_get_name (circle));
      g_hash_table_insert (self->live_circles, cs_store_id_key_new (id), circle);
      g_list_store_insert_sorted (self->circles, circle, cs_store_compare_circles, NULL);
    }
  else
    {
      gboolean renamed = g_strcmp0 (cs_circle_get_name (circle), cs_circle_get_name (values)) != 0;

      cs_circle_assign (circle, values);
      if (renamed)
        {
          set_sort_key (circle, cs_circle_get_name (circle));
          cs_store_resort_item (self->circles, circle, cs_store_compare_circles);
        }
    }

  cs_circle_set_id (draft, id);

  return circle;
}

static gboolean
check_address_free (CsStore *self, CsContact *values, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *address = cs_contact_get_xmpp_address (values);

  if (address == NULL)
    return TRUE;

  stmt = cs_store_get_statement (self, STMT_CONTACT_WITH_ADDRESS, error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, address);
  sqlite3_bind_int64 (stmt, 2, cs_contact_get_id (values));
  if (cs_store_step_row (self, stmt, &local_error))
    {
      if (sqlite3_column_int (stmt, 1))
        g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                     _ ("“%s” was just deleted but still has this address. Undo the deletion "
                        "to keep them, or try again once the deletion is final."),
                     cs_store_column_text (stmt, 0));
      else
        g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                     _ ("“%s” already has this address."), cs_store_column_text (stmt, 0));
      return FALSE;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

gboolean
cs_store_write_contact (CsStore *self, CsContact *values, gint64 *id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  gboolean inserting = cs_contact_get_id (values) == 0;

  stmt =
    cs_store_get_statement (self, inserting ? STMT_CONTACT_INSERT : STMT_CONTACT_UPDATE, error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, cs_contact_get_name (values));
  cs_store_bind_text (stmt, 2, cs_contact_get_xmpp_address (values));
  cs_store_bind_text (stmt, 3, cs_contact_get_email (values));
  cs_store_bind_text (stmt, 4, cs_contact_get_phone (values));
  cs_store_bind_text (stmt, 5, cs_contact_get_notes (values));
  cs_store_bind_text (stmt, 6, cs_contact_get_seeks (values));
  cs_store_bind_text (stmt, 7, cs_contact_get_offers (values));
  sqlite3_bind_int (stmt, 8, cs_contact_get_named_in_digest (values) ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, cs_contact_get_keep_in_touch_days (values));
  sqlite3_bind_int64 (stmt, 10, cs_store_now_seconds ());
  if (!inserting)
    sqlite3_bind_int64 (stmt, 11, cs_contact_get_id (values));

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (inserting)
    {
      *id = sqlite3_last_insert_rowid (self->db);
    }
  else if (sqlite3_changes (self->db) == 0)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This person was deleted, so your changes could not be "
                                       "saved."));
      return FALSE;
    }
  else
    {
      *id = cs_contact_get_id (values);
    }

  return TRUE;
}

static void
resort_contact_everywhere (CsStore *self, CsContact *contact)
{
  cs_store_resort_item (self->contacts, contact, cs_store_compare_contacts);
  cs_store_member_lists_resort_contact (self, contact);
}

CsContact *
cs_store_save_contact (CsStore *self, CsContact *draft, GError **error)
{
  g_autoptr (CsContact) values = NULL;
  g_autofree char *name = NULL;
  CsContact *contact;
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CONTACT (draft), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = cs_contact_copy (draft);

  name = validate_name (cs_contact_get_name (values), _ ("Please enter the person’s name."), error);
  if (name == NULL)
    return NULL;
  cs_contact_set_name (values, name);

  if (cs_contact_get_xmpp_address (values) != NULL)
    {
      g_autoptr (GError) address_error = NULL;
      g_autofree char *address = NULL;

      address = cs_xmpp_address_normalize (cs_contact_get_xmpp_address (values), &address_error);
      if (address == NULL)
        {
          g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                               address_error->message);
          return NULL;
        }
      cs_contact_set_xmpp_address (values, address);
    }

  if (cs_contact_get_id (values) != 0 &&
      cs_store_find_contact (self, cs_contact_get_id (values)) == NULL)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This person was deleted, so your changes could not be "
                                       "saved."));
      return NULL;
    }

  if (!cs_store_begin_transaction (self, error))
    return NULL;

  if (!check_address_free (self, values, error) ||
      !cs_store_write_contact (self, values, &id, error) ||
      !cs_store_commit_transaction (self, error))
    {
      cs_store_rollback_transaction (self);
      return NULL;
    }

  cs_contact_set_id (values, id);

  contact = cs_store_find_contact (self, id);
  if (contact == NULL)
    {
      contact = cs_contact_copy (values);
      set_sort_key (contact, cs_contact_get_name (contact));
      g_hash_table_insert (self->live_contacts, cs_store_id_key_new (id), contact);
      g_list_store_insert_sorted (self->contacts, contact, cs_store_compare_contacts, NULL);
    }
  else
    {
      gboolean renamed =
        g_strcmp0 (cs_contact_get_name (contact), cs_contact_get_name (values)) != 0;

      cs_contact_assign (contact, values);
      if (renamed)
        {
          set_sort_key (contact, cs_contact_get_name (contact));
          resort_contact_everywhere (self, contact);
        }
    }

  cs_contact_set_id (draft, id);

  return contact;
}

/* Sets or clears trashed_at on one row; FALSE with @error unset if no row changed. */
static gboolean
mark_trashed (CsStore *self, CsStoreStatementId statement, gint64 id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, statement, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (statement == STMT_CIRCLE_TRASH || statement == STMT_CONTACT_TRASH)
    sqlite3_bind_int64 (stmt, 2, cs_store_now_seconds ());

  return cs_store_step_done (self, stmt, error) && sqlite3_changes (self->db) > 0;
}

gboolean
cs_store_trash_circle (CsStore *self, CsCircle *circle, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gint64 id;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = cs_circle_get_id (circle);
  if (cs_store_find_circle (self, id) == NULL ||
      !mark_trashed (self, STMT_CIRCLE_TRASH, id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error, _ ("This circle was already deleted."));
      return FALSE;
    }

  circle = move_entry (self->live_circles, self->trashed_circles, id);
  remove_item (self->circles, circle);

  return TRUE;
}

gboolean
cs_store_restore_circle (CsStore *self, gint64 circle_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CsCircle *circle;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mark_trashed (self, STMT_CIRCLE_RESTORE, circle_id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error,
                                      _ ("This circle cannot be brought back: it was deleted "
                                         "for good."));
      return FALSE;
    }

  circle = move_entry (self->trashed_circles, self->live_circles, circle_id);
  if (circle == NULL)
    {
      circle = CS_CIRCLE (load_restored (self, STMT_CIRCLE_BY_ID, circle_id, error));
      if (circle == NULL)
        return FALSE;
      g_hash_table_insert (self->live_circles, cs_store_id_key_new (circle_id), circle);
    }

  g_list_store_insert_sorted (self->circles, circle, cs_store_compare_circles, NULL);

  return TRUE;
}

gboolean
cs_store_trash_contact (CsStore *self, CsContact *contact, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gint64 id;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = cs_contact_get_id (contact);
  if (cs_store_find_contact (self, id) == NULL ||
      !mark_trashed (self, STMT_CONTACT_TRASH, id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error, _ ("This person was already deleted."));
      return FALSE;
    }

  contact = move_entry (self->live_contacts, self->trashed_contacts, id);
  remove_item (self->contacts, contact);
  cs_store_member_lists_remove_contact (self, contact);

  return TRUE;
}

gboolean
cs_store_restore_contact (CsStore *self, gint64 contact_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  CsContact *contact;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mark_trashed (self, STMT_CONTACT_RESTORE, contact_id, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error,
                                      _ ("This person cannot be brought back: they were deleted "
                                         "for good."));
      return FALSE;
    }

  contact = move_entry (self->trashed_contacts, self->live_contacts, contact_id);
  if (contact == NULL)
    {
      contact = CS_CONTACT (load_restored (self, STMT_CONTACT_BY_ID, contact_id, error));
      if (contact == NULL)
        return FALSE;
      g_hash_table_insert (self->live_contacts, cs_store_id_key_new (contact_id), contact);
    }

  g_list_store_insert_sorted (self->contacts, contact, cs_store_compare_contacts, NULL);
  cs_store_member_lists_add_contact (self, contact);

  return TRUE;
}

gboolean
cs_store_purge_trash (CsStore *self, GError **error)
{
  int n_deleted;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  if (!run_statement (self, STMT_CIRCLES_PURGE, error))
    goto rollback;
  n_deleted = sqlite3_changes (self->db);

  if (!run_statement (self, STMT_CONTACTS_PURGE, error))
    goto rollback;
  n_deleted += sqlite3_changes (self->db);

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  cs_store_member_lists_drop_purged (self);
  g_hash_table_remove_all (self->trashed_circles);
  g_hash_table_remove_all (self->trashed_contacts);

  if (n_deleted > 0)
    cs_store_emit_interactions_changed (self);

  return TRUE;

rollback:
  cs_store_rollback_transaction (self);
  return FALSE;
}
