/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "cs-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include <locale.h>
#include <string.h>

typedef struct
{
  char *dir;      /* the test's own temporary folder */
  char *data_dir; /* where the database lives; missing until something creates it */
  char *path;
} Fixture;

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }

      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    {
      g_assert_cmpint (g_remove (path), ==, 0);
    }
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_dir = g_build_filename (fixture->dir, "cousinade", NULL);
  fixture->path = g_build_filename (fixture->data_dir, "cousinade.db", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static void
make_data_dir (Fixture *fixture)
{
  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
}

static CsStore *
open_store (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  CsStore *store = cs_store_open (fixture->path, &error);

  g_assert_no_error (error);
  g_assert_true (CS_IS_STORE (store));

  return store;
}

/* Raw SQLite, to set up files and to look at what really reached the disk. */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);

  return db;
}

static void
raw_exec_db (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = raw_open (path);

  raw_exec_db (db, sql);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* The first column of the first row, as text; NULL for no row or a NULL value. */
static char *
raw_query (const char *path, const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (rc == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return result;
}

static gint64
raw_query_int (const char *path, const char *sql)
{
  g_autofree char *text = raw_query (path, sql);

  g_assert_nonnull (text);

  return g_ascii_strtoll (text, NULL, 10);
}

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Every file in the folder with its SHA-256, to prove a refused file was not touched. */
static char *
snapshot_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *checksum = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
      checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      g_ptr_array_add (lines, g_strdup_printf ("%s %s %" G_GSIZE_FORMAT, name, checksum, length));
    }

  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

static gboolean
file_exists_beside (const char *path, const char *suffix)
{
  g_autofree char *name = g_strconcat (path, suffix, NULL);

  return g_file_test (name, G_FILE_TEST_EXISTS);
}

static void
assert_open_refused (Fixture *fixture, int expected_code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = snapshot_dir (fixture->data_dir);
  g_autofree char *after = NULL;
  CsStore *store;

  store = cs_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, CS_STORE_ERROR, expected_code);
  g_test_message ("Refused with: %s", error->message);
  /* The user must be told which file it is. */
  g_assert_nonnull (strstr (error->message, fixture->path));

  after = snapshot_dir (fixture->data_dir);
  g_assert_cmpstr (before, ==, after);
}

/* Names of a list's items (circles, contacts or members), comma-separated. */
static char *
list_names (GListModel *model)
{
  g_autoptr (GString) names = g_string_new (NULL);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);
      const char *name;

      if (CS_IS_CIRCLE (item))
        name = cs_circle_get_name (CS_CIRCLE (item));
      else if (CS_IS_CONTACT (item))
        name = cs_contact_get_name (CS_CONTACT (item));
      else
        name = cs_contact_get_name (cs_member_get_contact (CS_MEMBER (item)));

      if (i > 0)
        g_string_append_c (names, ',');
      g_string_append (names, name);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

#define assert_names(model, expected)                            \
  G_STMT_START                                                   \
  {                                                              \
    g_autofree char *_names = list_names (G_LIST_MODEL (model)); \
    g_assert_cmpstr (_names, ==, expected);                      \
  }                                                              \
  G_STMT_END

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, guint *count)
{
  (*count)++;
}

static void
on_notify_count (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
on_interactions_changed (CsStore *store, guint *count)
{
  (*count)++;
}

static CsCircle *
add_circle (CsStore *store, const char *name)
{
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (GError) error = NULL;
  CsCircle *circle;

  cs_circle_set_name (draft, name);
  circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (circle);

  return circle;
}

static CsContact *
add_contact (CsStore *store, const char *name, const char *address)
{
  g_autoptr (CsContact) draft = cs_contact_new ();
  g_autoptr (GError) error = NULL;
  CsContact *contact;

  cs_contact_set_name (draft, name);
  cs_contact_set_xmpp_address (draft, address);
  contact = cs_store_save_contact (store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contact);

  return contact;
}

static void
add_member (CsStore *store, CsCircle *circle, CsContact *contact)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_store_add_member (store, circle, contact, CS_MEMBER_ROLE_MEMBER, &error));
  g_assert_no_error (error);
}

static CsInteraction *
log_interaction (CsStore *store,
                 CsInteractionKind kind,
                 gint64 unix_time,
                 gint64 circle_id,
                 const gint64 *participants,
                 gsize n_participants)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr (GError) error = NULL;
  CsInteraction *interaction = cs_interaction_new (kind, when);

  cs_interaction_set_circle_id (interaction, circle_id);
  for (gsize i = 0; i < n_participants; i++)
    cs_interaction_add_participant (interaction, participants[i]);

  g_assert_true (cs_store_log_interaction (store, interaction, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_interaction_get_id (interaction), >, 0);

  return interaction;
}

static void
assert_schema_current (const char *path)
{
  g_autofree char *tables = NULL;
  g_autofree char *journal_mode = NULL;

  g_assert_cmpint (raw_query_int (path, "PRAGMA user_version"), ==, 4);
  g_assert_cmpint (CS_STORE_SCHEMA_VERSION, ==, 4);
  /* "Cous": tells our files from other databases. */
  g_assert_cmpint (raw_query_int (path, "PRAGMA application_id"), ==, 1131376243);

  tables = raw_query (path, "SELECT group_concat(name, ',') FROM"
                            " (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)");
  g_assert_cmpstr (tables, ==,
                   "accounts,circles,contacts,interaction_participants,interactions,memberships,"
                   "scheduled_call_exceptions,scheduled_calls");

  journal_mode = raw_query (path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
}

static void
test_migrations_from_empty (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *default_path = cs_store_default_path ();
  CsStore *store;
  GStatBuf info;

  g_assert_true (g_str_has_suffix (default_path, "/cousinade/cousinade.db"));

  /* Neither the file nor its folder exist yet, as on a first start. */
  g_assert_false (g_file_test (fixture->data_dir, G_FILE_TEST_EXISTS));

  store = open_store (fixture);
  g_assert_cmpstr (cs_store_get_path (store), ==, fixture->path);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_circles (store)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (store)), ==, 0);
  g_assert_finalize_object (store);

  /* Personal data: only the user may enter the folder. */
  g_assert_cmpint (g_stat (fixture->data_dir, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);

  assert_schema_current (fixture->path);

  /* A second start finds nothing to migrate. */
  store = open_store (fixture);
  g_assert_finalize_object (store);
  assert_schema_current (fixture->path);
}

static void
test_migrations_from_zero_length (Fixture *fixture, gconstpointer user_data)
{
  CsStore *store;

  make_data_dir (fixture);
  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));

  store = open_store (fixture);
  g_assert_finalize_object (store);

  assert_schema_current (fixture->path);
}

static void
test_migrations_failure_leaves_file (Fixture *fixture, gconstpointer user_data)
{
  /* A version 0 file whose "contacts" table clashes with the schema: step 1 fails. */
  make_data_dir (fixture);
  raw_exec (fixture->path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');"
                           "CREATE TABLE contacts (who TEXT);");

  assert_open_refused (fixture, CS_STORE_ERROR_FAILED);

  g_assert_cmpint (raw_query_int (fixture->path, "PRAGMA user_version"), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM sqlite_master"), ==, 2);
}

/* A frozen copy of schema version 1, as migrate_to_1 in cs-store-migrations.c
 * wrote it and as files of Cousinade 0.1 still have it. Never update it: it
 * stands for the files out there. */
static const char schema_v1[] =
  "PRAGMA application_id = 1131376243;"

  "CREATE TABLE contacts ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (trim(name) <> ''),"
  "  xmpp_address TEXT,"
  "  email TEXT,"
  "  phone TEXT,"
  "  notes TEXT,"
  "  seeks TEXT,"
  "  offers TEXT,"
  "  named_in_digest INTEGER NOT NULL DEFAULT 0 CHECK (named_in_digest IN (0, 1)),"
  "  keep_in_touch_days INTEGER NOT NULL DEFAULT 0 CHECK (keep_in_touch_days >= 0),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  trashed_at INTEGER"
  ");"
  "CREATE UNIQUE INDEX contacts_xmpp_address ON contacts (xmpp_address);"

  "CREATE TABLE circles ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (trim(name) <> ''),"
  "  kind INTEGER NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 4),"
  "  description TEXT,"
  "  emoji TEXT,"
  "  color TEXT,"
  "  room_address TEXT UNIQUE,"
  "  keep_in_touch_days INTEGER NOT NULL DEFAULT 0 CHECK (keep_in_touch_days >= 0),"
  "  reminder_minutes INTEGER NOT NULL DEFAULT 10 CHECK (reminder_minutes >= 0),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  trashed_at INTEGER"
  ");"

  "CREATE TABLE memberships ("
  "  circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,"
  "  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,"
  "  role INTEGER NOT NULL DEFAULT 0 CHECK (role BETWEEN 0 AND 2),"
  "  added_at INTEGER NOT NULL,"
  "  PRIMARY KEY (circle_id, contact_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX memberships_contact ON memberships (contact_id);"

  "CREATE TABLE scheduled_calls ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,"
  "  title TEXT NOT NULL,"
  "  dtstart TEXT NOT NULL,"
  "  tzid TEXT NOT NULL,"
  "  duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),"
  "  rrule TEXT,"
  "  sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),"
  "  organiser TEXT,"
  "  cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX scheduled_calls_circle ON scheduled_calls (circle_id);"

  "CREATE TABLE scheduled_call_exceptions ("
  "  call_id INTEGER NOT NULL REFERENCES scheduled_calls (id) ON DELETE CASCADE,"
  "  recurrence_id TEXT NOT NULL,"
  "  new_dtstart TEXT,"
  "  PRIMARY KEY (call_id, recurrence_id)"
  ") WITHOUT ROWID;"

  "CREATE TABLE interactions ("
  "  id INTEGER PRIMARY KEY,"
  "  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),"
  "  circle_id INTEGER REFERENCES circles (id) ON DELETE SET NULL,"
  "  started_at INTEGER NOT NULL,"
  "  duration_seconds INTEGER NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),"
  "  place TEXT,"
  "  notes TEXT,"
  "  call_id TEXT,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX interactions_started_at ON interactions (started_at);"
  "CREATE INDEX interactions_circle ON interactions (circle_id, started_at);"

  "CREATE TABLE interaction_participants ("
  "  interaction_id INTEGER NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,"
  "  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (interaction_id, contact_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX interaction_participants_contact ON interaction_participants (contact_id);"

  "PRAGMA user_version = 1;";

/* Every table and index with its SQL, one a line. */
static char *
schema_text (const char *path)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT type, name, sql FROM sqlite_master"
                                       " ORDER BY type, name",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s: %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));

  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A file of the first release, with a family in it, reaches the current
 * version with everything kept and no account yet. */
static void
test_migrations_from_v1 (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *fresh_path = g_build_filename (fixture->dir, "fresh.db", NULL);
  g_autofree char *migrated_schema = NULL;
  g_autofree char *fresh_schema = NULL;
  g_autofree char *integrity = NULL;
  g_autoptr (GListModel) history = NULL;
  GListModel *members;
  CsCircle *circle;
  CsContact *anne;
  CsStore *store;

  make_data_dir (fixture);
  raw_exec (fixture->path, schema_v1);
  raw_exec (fixture->path,
            "INSERT INTO contacts (id, name, xmpp_address, seeks, named_in_digest, created_at,"
            " updated_at) VALUES (1, 'Anne', 'anne@example.org', 'a drill', 1, 1700000000,"
            " 1700000000);"
            "INSERT INTO contacts (id, name, created_at, updated_at)"
            " VALUES (2, 'Karim', 1700000000, 1700000000);"
            "INSERT INTO circles (id, name, kind, room_address, created_at, updated_at)"
            " VALUES (1, 'Cousinade Dupont', 0, 'dupont@rooms.example.org', 1700000000,"
            " 1700000000);"
            "INSERT INTO memberships (circle_id, contact_id, role, added_at)"
            " VALUES (1, 1, 2, 1700000000), (1, 2, 0, 1700000000);"
            "INSERT INTO scheduled_calls (uid, circle_id, title, dtstart, tzid,"
            " duration_minutes, rrule, created_at, updated_at)"
            " VALUES ('call-1', 1, 'Cousinade', '2026-01-04T11:00:00', 'Europe/Paris', 60,"
            " 'FREQ=MONTHLY;BYDAY=1SU', 1700000000, 1700000000);"
            "INSERT INTO interactions (id, kind, circle_id, started_at, created_at)"
            " VALUES (1, 0, 1, 1700000000, 1700000000);"
            "INSERT INTO interaction_participants (interaction_id, contact_id) VALUES (1, 1);");
  g_assert_cmpint (raw_query_int (fixture->path, "PRAGMA user_version"), ==, 1);

  store = open_store (fixture);
  /* Version 3: participations know when they were, for the overdue list. */
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT started_at FROM interaction_participants"),
                   ==, 1700000000);

  assert_names (cs_store_get_circles (store), "Cousinade Dupont");
  assert_names (cs_store_get_contacts (store), "Anne,Karim");
  circle = cs_store_find_circle (store, 1);
  g_assert_cmpstr (cs_circle_get_room_address (circle), ==, "dupont@rooms.example.org");
  anne = cs_store_find_contact (store, 1);
  g_assert_cmpstr (cs_contact_get_xmpp_address (anne), ==, "anne@example.org");
  g_assert_cmpstr (cs_contact_get_seeks (anne), ==, "a drill");
  g_assert_true (cs_contact_get_named_in_digest (anne));
  members = cs_store_get_members (store, circle);
  assert_names (members, "Anne,Karim");
  history = cs_store_list_interactions_for_contact (store, anne, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM scheduled_calls"), ==, 1);

  /* Nobody has signed in yet. */
  g_assert_null (cs_store_get_account (store));

  g_clear_object (&history);
  g_assert_finalize_object (store);

  assert_schema_current (fixture->path);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM accounts"), ==, 0);

  /* The same schema as a file made from scratch, so version 1 above is the real
   * one and migrating left it as it was. */
  store = cs_store_open (fresh_path, NULL);
  g_assert_nonnull (store);
  g_assert_finalize_object (store);
  migrated_schema = schema_text (fixture->path);
  fresh_schema = schema_text (fresh_path);
  g_assert_cmpstr (migrated_schema, ==, fresh_schema);

  /* Nothing dangling either. */
  g_assert_null (raw_query (fixture->path, "PRAGMA foreign_key_check"));
  integrity = raw_query (fixture->path, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
}

static void
test_open_newer_version (Fixture *fixture, gconstpointer user_data)
{
  make_data_dir (fixture);
  raw_exec (fixture->path,
            "CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 99;");

  assert_open_refused (fixture, CS_STORE_ERROR_NEWER_VERSION);

  g_assert_false (file_exists_beside (fixture->path, "-wal"));
  g_assert_false (file_exists_beside (fixture->path, "-shm"));
  g_assert_false (file_exists_beside (fixture->path, "-journal"));
}

static void
test_open_newer_version_wal (Fixture *fixture, gconstpointer user_data)
{
  make_data_dir (fixture);
  raw_exec (fixture->path,
            "PRAGMA journal_mode = WAL;"
            "CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 99;");
  /* Closing checkpointed and removed the WAL: a WAL-mode file on its own. */
  g_assert_false (file_exists_beside (fixture->path, "-wal"));

  assert_open_refused (fixture, CS_STORE_ERROR_NEWER_VERSION);

  g_assert_false (file_exists_beside (fixture->path, "-wal"));
  g_assert_false (file_exists_beside (fixture->path, "-shm"));
}

/* A newer Cousinade was killed before its changes reached the main file: the
 * version is only in the WAL, which must be read without being touched. */
static void
test_open_newer_version_in_wal (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *wal_path = g_strconcat (fixture->path, "-wal", NULL);
  sqlite3 *db;
  int persist = 1;
  GStatBuf info;

  make_data_dir (fixture);
  db = raw_open (fixture->path);
  raw_exec_db (db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x); PRAGMA user_version = 1;"
                   "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0;");
  g_assert_cmpint (sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_file_control (db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist), ==,
                   SQLITE_OK);
  raw_exec_db (db, "INSERT INTO t VALUES (1); PRAGMA user_version = 99;");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  g_assert_cmpint (g_stat (wal_path, &info), ==, 0);
  g_assert_cmpint (info.st_size, >, 0);

  assert_open_refused (fixture, CS_STORE_ERROR_NEWER_VERSION);
}

static void
test_open_corrupt_random (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint8 *bytes = g_malloc (8192);

  for (guint i = 0; i < 8192; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);

  make_data_dir (fixture);
  g_assert_true (g_file_set_contents (fixture->path, (const char *) bytes, 8192, NULL));

  assert_open_refused (fixture, CS_STORE_ERROR_CORRUPT);

  g_assert_false (file_exists_beside (fixture->path, "-wal"));
  g_assert_false (file_exists_beside (fixture->path, "-shm"));
  g_assert_false (file_exists_beside (fixture->path, "-journal"));
}

static void
test_open_corrupt_page (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize page_size;
  gsize offset;

  make_data_dir (fixture);
  raw_exec (fixture->path,
            "CREATE TABLE t (x TEXT);"
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
            " INSERT INTO t SELECT printf('%0200d', i) FROM n;");
  page_size = (gsize) raw_query_int (fixture->path, "PRAGMA page_size");

  /* Scribble over a whole page in the middle of the file. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (length / page_size, >=, 10);
  offset = (length / page_size / 2) * page_size;
  memset (contents + offset, 0x55, page_size);
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));

  assert_open_refused (fixture, CS_STORE_ERROR_CORRUPT);

  g_assert_false (file_exists_beside (fixture->path, "-wal"));
  g_assert_false (file_exists_beside (fixture->path, "-shm"));
}

static void
test_reopen_keeps_data (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) circle_draft = cs_circle_new ();
  g_autoptr (CsContact) contact_draft = cs_contact_new ();
  g_autoptr (GListModel) history = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsInteraction) interaction = NULL;
  g_autoptr (CsInteraction) reloaded = NULL;
  CsCircle *circle;
  CsContact *contact;
  CsStore *store;
  gint64 circle_id;
  gint64 contact_id;
  const gint64 *participants;
  gsize n_participants;

  store = open_store (fixture);

  cs_circle_set_name (circle_draft, "Cousinade Dupont");
  cs_circle_set_kind (circle_draft, CS_CIRCLE_KIND_FAMILY);
  cs_circle_set_description (circle_draft, "Every first Sunday at 11:00");
  cs_circle_set_emoji (circle_draft, "🌳");
  cs_circle_set_color (circle_draft, "#26a269");
  cs_circle_set_room_address (circle_draft, "dupont@rooms.example.org");
  cs_circle_set_keep_in_touch_days (circle_draft, 30);
  cs_circle_set_reminder_minutes (circle_draft, 15);
  circle = cs_store_save_circle (store, circle_draft, &error);
  g_assert_no_error (error);
  circle_id = cs_circle_get_id (circle);

  cs_contact_set_name (contact_draft, "Karim");
  cs_contact_set_xmpp_address (contact_draft, "karim@example.org");
  cs_contact_set_email (contact_draft, "karim@mail.example.org");
  cs_contact_set_phone (contact_draft, "+33 6 12 34 56 78");
  cs_contact_set_notes (contact_draft, "Met at the market");
  cs_contact_set_seeks (contact_draft, "a drill");
  cs_contact_set_offers (contact_draft, "maths tutoring");
  cs_contact_set_named_in_digest (contact_draft, TRUE);
  cs_contact_set_keep_in_touch_days (contact_draft, 7);
  contact = cs_store_save_contact (store, contact_draft, &error);
  g_assert_no_error (error);
  contact_id = cs_contact_get_id (contact);

  g_assert_true (cs_store_add_member (store, circle, contact, CS_MEMBER_ROLE_ORGANISER, &error));
  g_assert_no_error (error);

  interaction =
    log_interaction (store, CS_INTERACTION_KIND_MEETING, 1717236000, circle_id, &contact_id, 1);
  g_assert_finalize_object (store);

  store = open_store (fixture);

  circle = cs_store_find_circle (store, circle_id);
  g_assert_nonnull (circle);
  g_assert_cmpstr (cs_circle_get_name (circle), ==, "Cousinade Dupont");
  g_assert_cmpint (cs_circle_get_kind (circle), ==, CS_CIRCLE_KIND_FAMILY);
  g_assert_cmpstr (cs_circle_get_description (circle), ==, "Every first Sunday at 11:00");
  g_assert_cmpstr (cs_circle_get_emoji (circle), ==, "🌳");
  g_assert_cmpstr (cs_circle_get_color (circle), ==, "#26a269");
  g_assert_cmpstr (cs_circle_get_room_address (circle), ==, "dupont@rooms.example.org");
  g_assert_cmpuint (cs_circle_get_keep_in_touch_days (circle), ==, 30);
  g_assert_cmpuint (cs_circle_get_reminder_minutes (circle), ==, 15);

  contact = cs_store_find_contact (store, contact_id);
  g_assert_nonnull (contact);
  /* A call's participant is known by address: the same contact. */
  g_assert_true (cs_store_find_contact_by_address (store, "karim@example.org") == contact);
  g_assert_null (cs_store_find_contact_by_address (store, "nobody@example.org"));
  g_assert_cmpstr (cs_contact_get_name (contact), ==, "Karim");
  g_assert_cmpstr (cs_contact_get_xmpp_address (contact), ==, "karim@example.org");
  g_assert_cmpstr (cs_contact_get_email (contact), ==, "karim@mail.example.org");
  g_assert_cmpstr (cs_contact_get_phone (contact), ==, "+33 6 12 34 56 78");
  g_assert_cmpstr (cs_contact_get_notes (contact), ==, "Met at the market");
  g_assert_cmpstr (cs_contact_get_seeks (contact), ==, "a drill");
  g_assert_cmpstr (cs_contact_get_offers (contact), ==, "maths tutoring");
  g_assert_true (cs_contact_get_named_in_digest (contact));
  g_assert_cmpuint (cs_contact_get_keep_in_touch_days (contact), ==, 7);

  assert_names (cs_store_get_circles (store), "Cousinade Dupont");
  assert_names (cs_store_get_contacts (store), "Karim");
  assert_names (cs_store_get_members (store, circle), "Karim");
  {
    g_autoptr (CsMember) member = g_list_model_get_item (cs_store_get_members (store, circle), 0);

    g_assert_true (cs_member_get_circle (member) == circle);
    g_assert_true (cs_member_get_contact (member) == contact);
    g_assert_cmpint (cs_member_get_role (member), ==, CS_MEMBER_ROLE_ORGANISER);
  }

  history = cs_store_list_interactions_for_contact (store, contact, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  reloaded = g_list_model_get_item (history, 0);
  g_assert_cmpint (cs_interaction_get_id (reloaded), ==, cs_interaction_get_id (interaction));
  g_assert_cmpint (cs_interaction_get_kind (reloaded), ==, CS_INTERACTION_KIND_MEETING);
  g_assert_cmpint (g_date_time_to_unix (cs_interaction_get_started_at (reloaded)), ==, 1717236000);
  g_assert_cmpint (cs_interaction_get_circle_id (reloaded), ==, circle_id);
  participants = cs_interaction_get_participants (reloaded, &n_participants);
  g_assert_cmpuint (n_participants, ==, 1);
  g_assert_cmpint (participants[0], ==, contact_id);

  g_clear_object (&history);
  g_assert_finalize_object (store);
}

static void
test_circles_crud (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (CsCircle) edit = NULL;
  g_autoptr (CsCircle) ghost = cs_circle_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *circle;
  guint name_notifications = 0;
  gint64 id;

  cs_circle_set_name (draft, "  Voisins du 12  ");
  cs_circle_set_kind (draft, CS_CIRCLE_KIND_NEIGHBOURS);
  cs_circle_set_description (draft, "");
  circle = cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  /* The store keeps its own object, and tells the draft its new id. */
  id = cs_circle_get_id (circle);
  g_assert_cmpint (id, >, 0);
  g_assert_true (circle != draft);
  g_assert_cmpint (cs_circle_get_id (draft), ==, id);
  g_assert_true (cs_store_find_circle (store, id) == circle);
  g_assert_cmpstr (cs_circle_get_name (circle), ==, "Voisins du 12");
  g_assert_null (cs_circle_get_description (circle));
  assert_names (cs_store_get_circles (store), "Voisins du 12");

  sql = g_strdup_printf ("SELECT name || '|' || kind || '|' || (description IS NULL)"
                         " FROM circles WHERE id = %" G_GINT64_FORMAT,
                         id);
  {
    g_autofree char *row = raw_query (fixture->path, sql);

    g_assert_cmpstr (row, ==, "Voisins du 12|1|1");
  }

  /* Editing goes through a copy; the store's object follows in place. */
  g_signal_connect (circle, "notify::name", G_CALLBACK (on_notify_count), &name_notifications);
  edit = cs_circle_copy (circle);
  cs_circle_set_name (edit, "Voisins du 14");
  cs_circle_set_reminder_minutes (edit, 5);
  g_assert_true (cs_store_save_circle (store, edit, &error) == circle);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_circle_get_name (circle), ==, "Voisins du 14");
  g_assert_cmpuint (cs_circle_get_reminder_minutes (circle), ==, 5);
  g_assert_cmpuint (name_notifications, ==, 1);
  g_signal_handlers_disconnect_by_data (circle, &name_notifications);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT reminder_minutes FROM circles"), ==, 5);

  /* Saving a circle that does not exist writes nothing. */
  cs_circle_set_id (ghost, id + 100);
  cs_circle_set_name (ghost, "Ghost");
  g_assert_null (cs_store_save_circle (store, ghost, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 1);

  /* Deleting is trash then purge. */
  g_assert_true (cs_store_trash_circle (store, circle, &error));
  g_assert_no_error (error);
  g_assert_true (cs_store_purge_trash (store, &error));
  g_assert_no_error (error);
  g_assert_null (cs_store_find_circle (store, id));
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_circles (store)), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 0);

  g_assert_finalize_object (store);
}

static void
test_circles_sorted (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  GListModel *circles = cs_store_get_circles (store);
  CsCircle *bob;
  guint changes = 0;

  g_signal_connect (circles, "items-changed", G_CALLBACK (on_items_changed), &changes);

  add_circle (store, "Zoe");
  add_circle (store, "alice");
  bob = add_circle (store, "Bob");
  add_circle (store, "charlie");
  g_assert_cmpuint (changes, ==, 4);
  /* Case does not matter to people reading a list. */
  assert_names (circles, "alice,Bob,charlie,Zoe");

  /* A rename that moves the circle moves it in the list. */
  edit = cs_circle_copy (bob);
  cs_circle_set_name (edit, "Zack");
  g_assert_true (cs_store_save_circle (store, edit, &error) == bob);
  g_assert_no_error (error);
  assert_names (circles, "alice,charlie,Zack,Zoe");
  g_assert_cmpuint (changes, >, 4);

  /* One that keeps its place leaves the list alone. */
  changes = 0;
  cs_circle_set_name (edit, "Zacharie");
  g_assert_true (cs_store_save_circle (store, edit, &error) == bob);
  g_assert_no_error (error);
  assert_names (circles, "alice,charlie,Zacharie,Zoe");
  g_assert_cmpuint (changes, ==, 0);

  g_signal_handlers_disconnect_by_data (circles, &changes);
  g_assert_finalize_object (store);

  /* The same order after reopening. */
  store = open_store (fixture);
  assert_names (cs_store_get_circles (store), "alice,charlie,Zacharie,Zoe");
  g_assert_finalize_object (store);
}

static void
test_circles_blank_name (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (CsCircle) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *circle;

  cs_circle_set_name (draft, "  \t ");
  g_assert_null (cs_store_save_circle (store, draft, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* The draft keeps what the user typed, nothing reached the disk or the list. */
  g_assert_cmpstr (cs_circle_get_name (draft), ==, "  \t ");
  g_assert_cmpint (cs_circle_get_id (draft), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_circles (store)), ==, 0);

  /* Blanking the name of a saved circle is refused too. */
  circle = add_circle (store, "Famille");
  edit = cs_circle_copy (circle);
  cs_circle_set_name (edit, "");
  cs_circle_set_description (edit, "changed");
  g_assert_null (cs_store_save_circle (store, edit, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_cmpstr (cs_circle_get_name (circle), ==, "Famille");
  g_assert_null (cs_circle_get_description (circle));
  {
    g_autofree char *name = raw_query (fixture->path, "SELECT name FROM circles");
    g_autofree char *description = raw_query (fixture->path, "SELECT description FROM circles");

    g_assert_cmpstr (name, ==, "Famille");
    g_assert_null (description);
  }

  g_assert_finalize_object (store);
}

static void
test_circles_invalid_kind (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) draft = cs_circle_new ();
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);

  cs_circle_set_name (draft, "Odd");
  cs_circle_set_kind (draft, CS_CIRCLE_KIND_LAST + 3);
  g_assert_null (cs_store_save_circle (store, draft, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_circles (store)), ==, 0);

  g_assert_finalize_object (store);
}

static void
test_circles_room_address (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) first = cs_circle_new ();
  g_autoptr (CsCircle) second = cs_circle_new ();
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *circle;

  cs_circle_set_name (first, "Famille");
  cs_circle_set_room_address (first, " famille@Rooms.Example.org ");
  circle = cs_store_save_circle (store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_circle_get_room_address (circle), ==, "famille@rooms.example.org");

  cs_circle_set_name (second, "Voisins");
  cs_circle_set_room_address (second, "famille@rooms.example.org");
  g_assert_null (cs_store_save_circle (store, second, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Famille”"));
  g_clear_error (&error);

  cs_circle_set_room_address (second, "not an address");
  g_assert_null (cs_store_save_circle (store, second, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 1);

  g_assert_finalize_object (store);
}

static void
test_contacts_crud (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) draft = cs_contact_new ();
  g_autoptr (CsContact) edit = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *row = NULL;
  CsStore *store = open_store (fixture);
  GListModel *contacts = cs_store_get_contacts (store);
  CsContact *contact;
  guint changes = 0;
  gint64 id;

  g_signal_connect (contacts, "items-changed", G_CALLBACK (on_items_changed), &changes);

  cs_contact_set_name (draft, "Mamie Jeanne");
  cs_contact_set_phone (draft, "");
  cs_contact_set_offers (draft, "jam");
  contact = cs_store_save_contact (store, draft, &error);
  g_assert_no_error (error);
  id = cs_contact_get_id (contact);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (cs_contact_get_id (draft), ==, id);
  g_assert_true (cs_store_find_contact (store, id) == contact);
  g_assert_cmpuint (changes, ==, 1);
  assert_names (contacts, "Mamie Jeanne");

  row = raw_query (fixture->path, "SELECT name || '|' || (phone IS NULL) || '|' || offers || '|' ||"
                                  " named_in_digest FROM contacts");
  g_assert_cmpstr (row, ==, "Mamie Jeanne|1|jam|0");

  edit = cs_contact_copy (contact);
  cs_contact_set_named_in_digest (edit, TRUE);
  cs_contact_set_offers (edit, NULL);
  cs_contact_set_seeks (edit, "company");
  g_assert_true (cs_store_save_contact (store, edit, &error) == contact);
  g_assert_no_error (error);
  g_assert_true (cs_contact_get_named_in_digest (contact));
  g_assert_null (cs_contact_get_offers (contact));
  g_assert_cmpstr (cs_contact_get_seeks (contact), ==, "company");
  /* Same name, same place: the list did not change. */
  g_assert_cmpuint (changes, ==, 1);
  g_clear_pointer (&row, g_free);
  row =
    raw_query (fixture->path, "SELECT seeks || '|' || (offers IS NULL) || '|' || named_in_digest"
                              " FROM contacts");
  g_assert_cmpstr (row, ==, "company|1|1");

  g_assert_true (cs_store_trash_contact (store, contact, &error));
  g_assert_no_error (error);
  g_assert_true (cs_store_purge_trash (store, &error));
  g_assert_no_error (error);
  g_assert_null (cs_store_find_contact (store, id));
  g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 0);

  /* Saving the copy of a purged contact does not bring it back. */
  g_assert_null (cs_store_save_contact (store, edit, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 0);

  g_signal_handlers_disconnect_by_data (contacts, &changes);
  g_assert_finalize_object (store);
}

static void
test_contacts_sorted (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsContact *karim;

  add_contact (store, "léa", NULL);
  karim = add_contact (store, "Karim", NULL);
  add_contact (store, "Anne", NULL);
  /* Two people may share a name; both are listed. */
  add_contact (store, "anne", NULL);
  assert_names (cs_store_get_contacts (store), "Anne,anne,Karim,léa");

  edit = cs_contact_copy (karim);
  cs_contact_set_name (edit, "Abdel Karim");
  g_assert_true (cs_store_save_contact (store, edit, &error) == karim);
  g_assert_no_error (error);
  assert_names (cs_store_get_contacts (store), "Abdel Karim,Anne,anne,léa");

  g_assert_finalize_object (store);
}

static void
test_contacts_blank_name (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) draft = cs_contact_new ();
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);

  cs_contact_set_xmpp_address (draft, "nobody@example.org");
  g_assert_null (cs_store_save_contact (store, draft, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  cs_contact_set_name (draft, "   ");
  g_assert_null (cs_store_save_contact (store, draft, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);

  g_assert_cmpint (cs_contact_get_id (draft), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (store)), ==, 0);

  g_assert_finalize_object (store);
}

static void
test_contacts_duplicate_address (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) twin = cs_contact_new ();
  g_autoptr (CsContact) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsContact *karim;
  CsContact *lea;

  karim = add_contact (store, "Karim", "karim@example.org");
  lea = add_contact (store, "Léa", NULL);
  /* Any number of people may have no address. */
  add_contact (store, "Jeanne", NULL);

  /* The same address, typed differently, is still the same address. */
  cs_contact_set_name (twin, "Karim B.");
  cs_contact_set_xmpp_address (twin, "  karim@EXAMPLE.org ");
  g_assert_null (cs_store_save_contact (store, twin, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Karim”"));
  g_clear_error (&error);

  /* Giving an existing contact someone else's address is refused as well. */
  edit = cs_contact_copy (lea);
  cs_contact_set_xmpp_address (edit, "karim@example.org");
  g_assert_null (cs_store_save_contact (store, edit, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (cs_contact_get_xmpp_address (lea));

  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 3);
  g_assert_cmpint (raw_query_int (fixture->path,
                                  "SELECT count(*) FROM contacts WHERE xmpp_address IS NOT NULL"),
                   ==, 1);
  assert_names (cs_store_get_contacts (store), "Jeanne,Karim,Léa");

  /* Saving a contact with its own address is fine. */
  g_clear_object (&edit);
  edit = cs_contact_copy (karim);
  cs_contact_set_notes (edit, "cousin");
  g_assert_true (cs_store_save_contact (store, edit, &error) == karim);
  g_assert_no_error (error);

  g_assert_finalize_object (store);
}

static void
test_contacts_invalid_address (Fixture *fixture, gconstpointer user_data)
{
  static const char *const invalid[] = {
    "karim", "karim@", "@example.org", "karim@example.org/phone", "ka rim@example.org",
  };
  g_autoptr (CsContact) draft = cs_contact_new ();
  CsStore *store = open_store (fixture);

  cs_contact_set_name (draft, "Karim");
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;

      cs_contact_set_xmpp_address (draft, invalid[i]);
      g_assert_null (cs_store_save_contact (store, draft, &error));
      g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID);
      g_assert_cmpstr (cs_contact_get_xmpp_address (draft), ==, invalid[i]);
    }

  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cs_store_get_contacts (store)), ==, 0);

  g_assert_finalize_object (store);
}

static void
test_contacts_normalised_address (Fixture *fixture, gconstpointer user_data)
{
  g_autofree char *stored = NULL;
  CsStore *store = open_store (fixture);
  CsContact *contact;

  contact = add_contact (store, "Karim", "  Karim@Example.ORG\n");
  g_assert_cmpstr (cs_contact_get_xmpp_address (contact), ==, "Karim@example.org");
  stored = raw_query (fixture->path, "SELECT xmpp_address FROM contacts");
  g_assert_cmpstr (stored, ==, "Karim@example.org");

  g_assert_finalize_object (store);
}

static void
test_contacts_trash_restore (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsContact) held = NULL;
  CsStore *store = open_store (fixture);
  GListModel *members;
  CsCircle *circle;
  CsContact *anne;
  CsContact *bruno;
  gint64 anne_id;

  circle = add_circle (store, "Famille");
  anne = add_contact (store, "Anne", "anne@example.org");
  bruno = add_contact (store, "Bruno", NULL);
  add_member (store, circle, anne);
  add_member (store, circle, bruno);
  members = cs_store_get_members (store, circle);
  assert_names (members, "Anne,Bruno");

  anne_id = cs_contact_get_id (anne);
  held = g_object_ref (anne);
  g_assert_true (cs_store_trash_contact (store, anne, &error));
  g_assert_no_error (error);

  /* Gone from every list at once, still on disk for Undo. */
  assert_names (cs_store_get_contacts (store), "Bruno");
  assert_names (members, "Bruno");
  g_assert_null (cs_store_find_contact (store, anne_id));
  g_assert_false (cs_store_is_member (store, circle, anne));
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 2);

  /* Trashing twice is an error the UI can show. */
  g_assert_false (cs_store_trash_contact (store, anne, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cs_store_restore_contact (store, anne_id, &error));
  g_assert_no_error (error);

  /* Undo brings back the same person, with the same details and memberships. */
  g_assert_true (cs_store_find_contact (store, anne_id) == held);
  g_assert_cmpstr (cs_contact_get_xmpp_address (held), ==, "anne@example.org");
  assert_names (cs_store_get_contacts (store), "Anne,Bruno");
  assert_names (members, "Anne,Bruno");
  g_assert_true (cs_store_is_member (store, circle, held));

  g_assert_false (cs_store_restore_contact (store, anne_id, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cs_store_restore_contact (store, 9999, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);

  g_assert_finalize_object (store);
  g_assert_finalize_object (g_steal_pointer (&held));
}

static void
test_circles_trash_restore (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsCircle) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *famille;
  CsCircle *voisins;
  CsContact *anne;
  CsContact *bruno;
  gint64 famille_id;

  famille = add_circle (store, "Famille");
  voisins = add_circle (store, "Voisins");
  anne = add_contact (store, "Anne", NULL);
  bruno = add_contact (store, "Bruno", NULL);
  add_member (store, famille, anne);
  famille_id = cs_circle_get_id (famille);
  edit = cs_circle_copy (famille);

  g_assert_true (cs_store_trash_circle (store, famille, &error));
  g_assert_no_error (error);
  assert_names (cs_store_get_circles (store), "Voisins");
  g_assert_null (cs_store_find_circle (store, famille_id));
  g_assert_false (cs_store_is_member (store, famille, anne));

  /* A trashed circle can be neither edited nor joined. */
  g_assert_null (cs_store_save_circle (store, edit, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cs_store_add_member (store, edit, bruno, CS_MEMBER_ROLE_MEMBER, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cs_store_restore_circle (store, famille_id, &error));
  g_assert_no_error (error);
  g_assert_true (cs_store_find_circle (store, famille_id) == famille);
  assert_names (cs_store_get_circles (store), "Famille,Voisins");
  assert_names (cs_store_get_members (store, famille), "Anne");
  g_assert_true (cs_store_is_member (store, famille, anne));
  g_assert_false (cs_store_is_member (store, voisins, anne));

  g_assert_false (cs_store_restore_circle (store, famille_id, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);

  g_assert_finalize_object (store);
}

/* Trash left when the app quit is emptied on the next start: its Undo is gone. */
static void
test_purge_at_open (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  CsContact *anne;

  anne = add_contact (store, "Anne", NULL);
  add_contact (store, "Bruno", NULL);
  g_assert_true (cs_store_trash_contact (store, anne, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 2);

  store = open_store (fixture);
  assert_names (cs_store_get_contacts (store), "Bruno");
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 1);
  g_assert_finalize_object (store);
}

static void
test_members_add_remove (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  GListModel *members;
  CsCircle *circle;
  CsCircle *other;
  CsContact *zoe;
  CsContact *anne;
  CsContact *marc;
  guint changes = 0;
  gint64 circle_id;

  circle = add_circle (store, "Famille");
  circle_id = cs_circle_get_id (circle);
  other = add_circle (store, "Voisins");
  zoe = add_contact (store, "Zoé", NULL);
  anne = add_contact (store, "anne", NULL);
  marc = add_contact (store, "Marc", NULL);

  members = cs_store_get_members (store, circle);
  g_assert_true (cs_store_get_members (store, circle) == members);
  g_assert_cmpuint (g_list_model_get_n_items (members), ==, 0);
  g_signal_connect (members, "items-changed", G_CALLBACK (on_items_changed), &changes);

  add_member (store, circle, zoe);
  add_member (store, circle, anne);
  add_member (store, circle, marc);
  g_assert_cmpuint (changes, ==, 3);
  assert_names (members, "anne,Marc,Zoé");
  g_assert_true (cs_store_is_member (store, circle, marc));
  g_assert_false (cs_store_is_member (store, other, marc));
  assert_names (cs_store_get_members (store, other), "");
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 3);

  g_assert_true (cs_store_remove_member (store, circle, marc, &error));
  g_assert_no_error (error);
  assert_names (members, "anne,Zoé");
  g_assert_false (cs_store_is_member (store, circle, marc));
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 2);

  /* Removing someone who is not a member changes nothing. */
  changes = 0;
  g_assert_true (cs_store_remove_member (store, other, marc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);

  g_signal_handlers_disconnect_by_data (members, &changes);
  g_assert_finalize_object (store);

  /* A list asked for after reopening holds the same people. */
  store = open_store (fixture);
  circle = cs_store_find_circle (store, circle_id);
  assert_names (cs_store_get_members (store, circle), "anne,Zoé");
  g_assert_finalize_object (store);
}

static void
test_members_add_twice (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) copy = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  GListModel *members;
  CsCircle *circle;
  CsContact *anne;
  guint changes = 0;

  circle = add_circle (store, "Famille");
  anne = add_contact (store, "Anne", NULL);
  members = cs_store_get_members (store, circle);
  g_signal_connect (members, "items-changed", G_CALLBACK (on_items_changed), &changes);

  add_member (store, circle, anne);
  /* Even through a copy, a second add finds Anne already there. */
  copy = cs_contact_copy (anne);
  g_assert_true (cs_store_add_member (store, circle, copy, CS_MEMBER_ROLE_OWNER, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (changes, ==, 1);
  assert_names (members, "Anne");
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT role FROM memberships"), ==,
                   CS_MEMBER_ROLE_MEMBER);
  {
    g_autoptr (CsMember) member = g_list_model_get_item (members, 0);

    g_assert_true (cs_member_get_contact (member) == anne);
  }

  g_signal_handlers_disconnect_by_data (members, &changes);
  g_assert_finalize_object (store);
}

static void
test_members_follow_renames (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsContact) edit = NULL;
  g_autoptr (GError) error = NULL;
  CsStore *store = open_store (fixture);
  GListModel *members;
  CsCircle *circle;
  CsContact *anne;

  circle = add_circle (store, "Famille");
  anne = add_contact (store, "Anne", NULL);
  add_member (store, circle, anne);
  add_member (store, circle, add_contact (store, "Bruno", NULL));
  add_member (store, circle, add_contact (store, "Chloé", NULL));
  members = cs_store_get_members (store, circle);
  assert_names (members, "Anne,Bruno,Chloé");

  edit = cs_contact_copy (anne);
  cs_contact_set_name (edit, "Tante Anne");
  g_assert_true (cs_store_save_contact (store, edit, &error) == anne);
  g_assert_no_error (error);
  assert_names (members, "Bruno,Chloé,Tante Anne");

  g_assert_finalize_object (store);
}

static void
test_purge_circle_cascades (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsInteraction) meeting = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *circle_of_meeting = NULL;
  CsStore *store = open_store (fixture);
  GListModel *members;
  CsCircle *famille;
  CsCircle *voisins;
  CsContact *anne;
  guint history_changes = 0;
  gint64 famille_id;
  gint64 voisins_id;
  gint64 anne_id;

  famille = add_circle (store, "Famille");
  voisins = add_circle (store, "Voisins");
  anne = add_contact (store, "Anne", NULL);
  famille_id = cs_circle_get_id (famille);
  voisins_id = cs_circle_get_id (voisins);
  anne_id = cs_contact_get_id (anne);
  add_member (store, famille, anne);
  add_member (store, voisins, anne);
  members = cs_store_get_members (store, famille);
  g_object_ref (members);

  /* Schedules have no API yet: write them as a later version of the app will. */
  sql = g_strdup_printf ("INSERT INTO scheduled_calls (uid, circle_id, title, dtstart, tzid,"
                         " duration_minutes, rrule, created_at, updated_at) VALUES"
                         " ('famille-1', %" G_GINT64_FORMAT ", 'Cousinade',"
                         "  '2024-06-02T11:00:00', 'Europe/Paris', 60, 'FREQ=MONTHLY;BYDAY=1SU',"
                         "  0, 0),"
                         " ('voisins-1', %" G_GINT64_FORMAT ", 'Apéro',"
                         "  '2024-06-07T19:00:00', 'Europe/Paris', 90, NULL, 0, 0);"
                         "INSERT INTO scheduled_call_exceptions"
                         " (call_id, recurrence_id, new_dtstart)"
                         " SELECT id, '2024-07-07T11:00:00', NULL FROM scheduled_calls"
                         " WHERE uid = 'famille-1';",
                         famille_id, voisins_id);
  raw_exec (fixture->path, sql);

  meeting = log_interaction (store, CS_INTERACTION_KIND_CALL, 1717318800, famille_id, &anne_id, 1);
  g_signal_connect (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                    &history_changes);

  g_assert_true (cs_store_trash_circle (store, famille, &error));
  g_assert_no_error (error);
  /* Nothing is deleted while Undo is possible. */
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM scheduled_calls"), ==, 2);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 2);
  g_assert_cmpuint (history_changes, ==, 0);

  g_assert_true (cs_store_purge_trash (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (history_changes, ==, 1);

  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM circles"), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships m JOIN circles c"
                                                 " ON c.id = m.circle_id WHERE c.name = 'Voisins'"),
                   ==, 1);
  {
    g_autofree char *uids =
      raw_query (fixture->path, "SELECT group_concat(uid) FROM scheduled_calls");

    g_assert_cmpstr (uids, ==, "voisins-1");
  }
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM scheduled_call_exceptions"),
                   ==, 0);

  /* The history stays: Anne and the user still met, just not in a circle now. */
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interactions"), ==, 1);
  circle_of_meeting = raw_query (fixture->path, "SELECT circle_id FROM interactions");
  g_assert_null (circle_of_meeting);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interaction_participants"),
                   ==, 1);

  /* A member list handed out before is now empty, and the people are still there. */
  g_assert_cmpuint (g_list_model_get_n_items (members), ==, 0);
  g_object_unref (members);
  assert_names (cs_store_get_contacts (store), "Anne");
  g_assert_false (cs_store_restore_circle (store, famille_id, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);

  g_signal_handlers_disconnect_by_data (store, &history_changes);
  g_assert_finalize_object (store);
}

static void
test_purge_contact_cascades (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsInteraction) meeting = NULL;
  g_autoptr (GListModel) history = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *circle;
  CsContact *anne;
  CsContact *bruno;
  gint64 both[2];
  const gint64 *participants;
  gsize n_participants;

  circle = add_circle (store, "Voisins");
  anne = add_contact (store, "Anne", NULL);
  bruno = add_contact (store, "Bruno", NULL);
  add_member (store, circle, anne);
  add_member (store, circle, bruno);
  both[0] = cs_contact_get_id (anne);
  both[1] = cs_contact_get_id (bruno);
  meeting = log_interaction (store, CS_INTERACTION_KIND_MEETING, 1717236000,
                             cs_circle_get_id (circle), both, 2);

  g_assert_true (cs_store_trash_contact (store, anne, &error));
  g_assert_no_error (error);
  g_assert_true (cs_store_purge_trash (store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM contacts"), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM memberships"), ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interaction_participants"),
                   ==, 1);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interactions"), ==, 1);
  assert_names (cs_store_get_members (store, circle), "Bruno");

  history = cs_store_list_interactions_for_circle (store, circle, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  {
    g_autoptr (CsInteraction) reloaded = g_list_model_get_item (history, 0);

    participants = cs_interaction_get_participants (reloaded, &n_participants);
    g_assert_cmpuint (n_participants, ==, 1);
    g_assert_cmpint (participants[0], ==, both[1]);
  }

  g_clear_object (&history);
  g_assert_finalize_object (store);
}

static void
test_interactions_log_list_delete (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) history = NULL;
  g_autoptr (CsInteraction) oldest = NULL;
  g_autoptr (CsInteraction) middle = NULL;
  g_autoptr (CsInteraction) newest = NULL;
  g_autoptr (CsInteraction) elsewhere = NULL;
  CsStore *store = open_store (fixture);
  CsCircle *circle;
  CsContact *karim;
  CsContact *lea;
  guint history_changes = 0;
  gint64 karim_id;
  gint64 lea_id;

  circle = add_circle (store, "Entraide");
  karim = add_contact (store, "Karim", NULL);
  lea = add_contact (store, "Léa", NULL);
  karim_id = cs_contact_get_id (karim);
  lea_id = cs_contact_get_id (lea);
  g_signal_connect (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                    &history_changes);

  /* Logged out of order: the lists must still show the newest first. */
  middle = log_interaction (store, CS_INTERACTION_KIND_PHONE, 1717000000, 0, &karim_id, 1);
  newest = log_interaction (store, CS_INTERACTION_KIND_MEETING, 1718000000,
                            cs_circle_get_id (circle), &karim_id, 1);
  oldest = log_interaction (store, CS_INTERACTION_KIND_MESSAGE, 1716000000,
                            cs_circle_get_id (circle), &karim_id, 1);
  elsewhere = log_interaction (store, CS_INTERACTION_KIND_CALL, 1719000000, 0, &lea_id, 1);
  g_assert_cmpuint (history_changes, ==, 4);

  history = cs_store_list_interactions_for_contact (store, karim, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  {
    g_autoptr (CsInteraction) first = g_list_model_get_item (history, 0);
    g_autoptr (CsInteraction) second = g_list_model_get_item (history, 1);
    g_autoptr (CsInteraction) third = g_list_model_get_item (history, 2);

    g_assert_cmpint (cs_interaction_get_id (first), ==, cs_interaction_get_id (newest));
    g_assert_cmpint (cs_interaction_get_id (second), ==, cs_interaction_get_id (middle));
    g_assert_cmpint (cs_interaction_get_id (third), ==, cs_interaction_get_id (oldest));
    g_assert_cmpint (cs_interaction_get_kind (second), ==, CS_INTERACTION_KIND_PHONE);
    g_assert_cmpint (cs_interaction_get_circle_id (second), ==, 0);
  }
  g_clear_object (&history);

  history = cs_store_list_interactions_for_contact (store, karim, 2);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  g_clear_object (&history);

  history = cs_store_list_interactions_for_circle (store, circle, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  {
    g_autoptr (CsInteraction) first = g_list_model_get_item (history, 0);

    g_assert_cmpint (cs_interaction_get_id (first), ==, cs_interaction_get_id (newest));
  }
  g_clear_object (&history);

  g_assert_true (cs_store_delete_interaction (store, cs_interaction_get_id (newest), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (history_changes, ==, 5);
  history = cs_store_list_interactions_for_contact (store, karim, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  g_clear_object (&history);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interaction_participants"),
                   ==, 3);

  g_assert_false (cs_store_delete_interaction (store, cs_interaction_get_id (newest), &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (history_changes, ==, 5);

  g_signal_handlers_disconnect_by_data (store, &history_changes);
  g_assert_finalize_object (store);
}

static void
test_interactions_missing_participant (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (1717236000);
  g_autoptr (CsInteraction) interaction = cs_interaction_new (CS_INTERACTION_KIND_MEETING, when);
  CsStore *store = open_store (fixture);
  CsContact *anne;
  guint history_changes = 0;

  anne = add_contact (store, "Anne", NULL);
  g_signal_connect (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                    &history_changes);

  cs_interaction_add_participant (interaction, cs_contact_get_id (anne));
  cs_interaction_add_participant (interaction, cs_contact_get_id (anne) + 100);
  g_assert_false (cs_store_log_interaction (store, interaction, &error));
  g_assert_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND);

  /* All or nothing: not even the entry itself or Anne's part was written. */
  g_assert_cmpint (cs_interaction_get_id (interaction), ==, 0);
  g_assert_cmpuint (history_changes, ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interactions"), ==, 0);
  g_assert_cmpint (raw_query_int (fixture->path, "SELECT count(*) FROM interaction_participants"),
                   ==, 0);

  g_signal_handlers_disconnect_by_data (store, &history_changes);
  g_assert_finalize_object (store);
}

int
main (int argc, char *argv[])
{
  /* Sorting collates in the user's locale, as the app does. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/store/migrations/from-empty", test_migrations_from_empty);
  ADD_TEST ("/store/migrations/from-zero-length", test_migrations_from_zero_length);
  ADD_TEST ("/store/migrations/failure-leaves-file", test_migrations_failure_leaves_file);
  ADD_TEST ("/store/migrations/from-v1", test_migrations_from_v1);
  ADD_TEST ("/store/open/newer-version", test_open_newer_version);
  ADD_TEST ("/store/open/newer-version-wal", test_open_newer_version_wal);
  ADD_TEST ("/store/open/newer-version-in-wal", test_open_newer_version_in_wal);
  ADD_TEST ("/store/open/corrupt-random", test_open_corrupt_random);
  ADD_TEST ("/store/open/corrupt-page", test_open_corrupt_page);
  ADD_TEST ("/store/reopen/keeps-data", test_reopen_keeps_data);
  ADD_TEST ("/store/circles/crud", test_circles_crud);
  ADD_TEST ("/store/circles/sorted", test_circles_sorted);
  ADD_TEST ("/store/circles/blank-name", test_circles_blank_name);
  ADD_TEST ("/store/circles/invalid-kind", test_circles_invalid_kind);
  ADD_TEST ("/store/circles/room-address", test_circles_room_address);
  ADD_TEST ("/store/circles/trash-restore", test_circles_trash_restore);
  ADD_TEST ("/store/contacts/crud", test_contacts_crud);
  ADD_TEST ("/store/contacts/sorted", test_contacts_sorted);
  ADD_TEST ("/store/contacts/blank-name", test_contacts_blank_name);
  ADD_TEST ("/store/contacts/duplicate-address", test_contacts_duplicate_address);
  ADD_TEST ("/store/contacts/invalid-address", test_contacts_invalid_address);
  ADD_TEST ("/store/contacts/normalised-address", test_contacts_normalised_address);
  ADD_TEST ("/store/contacts/trash-restore", test_contacts_trash_restore);
  ADD_TEST ("/store/members/add-remove", test_members_add_remove);
  ADD_TEST ("/store/members/add-twice", test_members_add_twice);
  ADD_TEST ("/store/members/follow-renames", test_members_follow_renames);
  ADD_TEST ("/store/purge/at-open", test_purge_at_open);
  ADD_TEST ("/store/purge/circle-cascades", test_purge_circle_cascades);
  ADD_TEST ("/store/purge/contact-cascades", test_purge_contact_cascades);
  ADD_TEST ("/store/interactions/log-list-delete", test_interactions_log_list_delete);
  ADD_TEST ("/store/interactions/missing-participant", test_interactions_missing_participant);

#undef ADD_TEST

  return g_test_run ();
}
