/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "cs-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Every statement the store runs, prepared on first use and cached. The SQL
 * itself is in cs-store.c, indexed by these values. */
typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,

  STMT_CIRCLES_LIVE,
  STMT_CIRCLE_BY_ID,
  STMT_CIRCLE_INSERT,
  STMT_CIRCLE_UPDATE,
  STMT_CIRCLE_WITH_ROOM,
  STMT_CIRCLE_TRASH,
  STMT_CIRCLE_RESTORE,
  STMT_CIRCLES_PURGE,

  STMT_CONTACTS_LIVE,
  STMT_CONTACT_BY_ID,
  STMT_CONTACT_INSERT,
  STMT_CONTACT_UPDATE,
  STMT_CONTACT_WITH_ADDRESS,
  STMT_CONTACT_TRASH,
  STMT_CONTACT_RESTORE,
  STMT_CONTACTS_PURGE,

  STMT_MEMBERS_OF_CIRCLE,
  STMT_MEMBERSHIPS_OF_CONTACT,
  STMT_MEMBER_INSERT,
  STMT_MEMBER_DELETE,
  STMT_MEMBER_EXISTS,

  STMT_INTERACTION_INSERT,
  STMT_PARTICIPANT_INSERT,
  STMT_INTERACTION_DELETE,
  STMT_INTERACTIONS_OF_CIRCLE,
  STMT_INTERACTIONS_OF_CONTACT,
  STMT_PARTICIPANTS_OF_INTERACTION,

  STMT_ACCOUNT_FIRST,
  STMT_ACCOUNT_OTHER,
  STMT_ACCOUNT_INSERT,
  STMT_ACCOUNT_UPDATE,
  STMT_ACCOUNT_DELETE,

  N_STATEMENTS
} CsStoreStatementId;

/* A cached statement borrowed for one use: g_autoptr() resets it afterwards,
 * which also ends the read transaction a SELECT holds open. */
typedef sqlite3_stmt CsStoreStatement;

G_GNUC_INTERNAL void cs_store_statement_release (CsStoreStatement *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsStoreStatement, cs_store_statement_release)

struct _CsStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *statements[N_STATEMENTS];

  /* Sorted lists of the live entries, and one object per row: id -> object.
   * Trashed entries keep their object so that restoring brings back the same one. */
  GListStore *circles;
  GListStore *contacts;
  GHashTable *live_circles;
  GHashTable *trashed_circles;
  GHashTable *live_contacts;
  GHashTable *trashed_contacts;

  /* circle id -> GListStore of CsMember, made on first request. */
  GHashTable *members;

  /* The user's XMPP account, or NULL. */
  CsAccount *account;
};

/* cs-store-migrations.c: the database file itself. Checks an existing file
 * without writing to it, opens it, brings its schema to CS_STORE_SCHEMA_VERSION
 * and turns on WAL and foreign keys. */
G_GNUC_INTERNAL sqlite3 *cs_store_open_database (const char *path, GError **error);

/* cs-store-schedule.c: finalizes the schedule's own statements; the store's
 * finalize calls it just before closing the database. */
G_GNUC_INTERNAL void cs_store_schedule_finalize_statements (CsStore *self);

/* cs-store.c: turns a failed SQLite call into a plain-words CS_STORE_ERROR. */
G_GNUC_INTERNAL void cs_store_set_database_error (GError **error, sqlite3 *db, int rc);

/* cs-store.c: statements and transactions. */
G_GNUC_INTERNAL CsStoreStatement *cs_store_get_statement (CsStore *self,
                                                          CsStoreStatementId statement,
                                                          GError **error);
/* A statement outside the cache, to finalize after use: g_autoptr (sqlite3_stmt). */
G_GNUC_INTERNAL sqlite3_stmt *cs_store_prepare (CsStore *self, const char *sql, GError **error);
G_GNUC_INTERNAL void cs_store_bind_text (CsStoreStatement *stmt, int param, const char *text);
G_GNUC_INTERNAL const char *cs_store_column_text (CsStoreStatement *stmt, int column);
G_GNUC_INTERNAL gboolean cs_store_step_done (CsStore *self, CsStoreStatement *stmt, GError **error);
G_GNUC_INTERNAL gboolean cs_store_step_row (CsStore *self, CsStoreStatement *stmt, GError **error);
G_GNUC_INTERNAL gboolean cs_store_begin_transaction (CsStore *self, GError **error);
G_GNUC_INTERNAL gboolean cs_store_commit_transaction (CsStore *self, GError **error);
G_GNUC_INTERNAL void cs_store_rollback_transaction (CsStore *self);

/* cs-store.c: small shared pieces. */
G_GNUC_INTERNAL void cs_store_set_not_found_error (GError **error, const char *message);
G_GNUC_INTERNAL gint64 cs_store_now_seconds (void);
G_GNUC_INTERNAL gint64 *cs_store_id_key_new (gint64 id);
G_GNUC_INTERNAL void cs_store_emit_interactions_changed (CsStore *self);
G_GNUC_INTERNAL void cs_store_emit_account_changed (CsStore *self);

/* cs-store.c: the store's own objects, and keeping the lists sorted. */
G_GNUC_INTERNAL CsCircle *cs_store_circle_from_row (CsStoreStatement *stmt);
G_GNUC_INTERNAL CsContact *cs_store_contact_from_row (CsStoreStatement *stmt);
/* cs-store.c: inserts (id 0, setting @id) or updates a contact's row, inside the caller's
 * transaction; a contact deleted meanwhile is a not-found error. */
G_GNUC_INTERNAL gboolean cs_store_write_contact (CsStore *self,
                                                 CsContact *values,
                                                 gint64 *id,
                                                 GError **error);
G_GNUC_INTERNAL int cs_store_compare_circles (gconstpointer a, gconstpointer b, gpointer user_data);
G_GNUC_INTERNAL int cs_store_compare_contacts (gconstpointer a,
                                               gconstpointer b,
                                               gpointer user_data);
G_GNUC_INTERNAL void cs_store_resort_item (GListStore *list,
                                           gpointer item,
                                           GCompareDataFunc compare);

/* cs-store-members.c: the member lists already handed out follow their contacts
 * as these are renamed, trashed, restored, and their circles purged. */
G_GNUC_INTERNAL void cs_store_member_lists_resort_contact (CsStore *self, CsContact *contact);
G_GNUC_INTERNAL void cs_store_member_lists_remove_contact (CsStore *self, CsContact *contact);
G_GNUC_INTERNAL void cs_store_member_lists_add_contact (CsStore *self, CsContact *contact);
G_GNUC_INTERNAL void cs_store_member_lists_drop_purged (CsStore *self);

/* cs-store-accounts.c: reads the account, if any, when the store opens. */
G_GNUC_INTERNAL gboolean cs_store_load_account (CsStore *self, GError **error);

G_END_DECLS
