/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-migrations"

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <errno.h>

#define BUSY_TIMEOUT_MS 5000

/* Returns an SQLite result code; the step runs inside the caller's transaction. */
typedef int (*MigrationFunc) (sqlite3 *db);

typedef struct
{
  MigrationFunc migrate;
  /* PRAGMA takes no bound parameters, so each step carries its own constant. */
  const char *set_version_sql;
} MigrationStep;

static int migrate_to_1 (sqlite3 *db);
static int migrate_to_2 (sqlite3 *db);
static int migrate_to_3 (sqlite3 *db);
static int migrate_to_4 (sqlite3 *db);

/* Step N takes a database from version N - 1 to N. Never edit a step that has
 * shipped: add a new one and bump CS_STORE_SCHEMA_VERSION. */
static const MigrationStep migration_steps[] = {
  { migrate_to_1, "PRAGMA user_version = 1" },
  { migrate_to_2, "PRAGMA user_version = 2" },
  { migrate_to_3, "PRAGMA user_version = 3" },
  { migrate_to_4, "PRAGMA user_version = 4" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migration_steps) == CS_STORE_SCHEMA_VERSION);

/* Version 1: the whole schema the first releases need, so later versions add
 * behaviour rather than reshape tables. Times are Unix seconds (UTC) unless
 * said otherwise; trashed_at is set while an entry waits in the trash. */
static const char schema_v1[] =
  /* 0x436f7573, "Cous": lets tools like file(1) tell our files from other databases. */
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
  /* UNIQUE lets any number of contacts have no address (NULL). */
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

  /* One row per call series, as in an iCalendar VEVENT: dtstart is a local
   * date-time (ISO 8601, no offset) in the zone tzid, rrule an RFC 5545 RRULE. */
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

  /* A moved (new_dtstart set) or skipped (NULL) occurrence of a series. */
  "CREATE TABLE scheduled_call_exceptions ("
  "  call_id INTEGER NOT NULL REFERENCES scheduled_calls (id) ON DELETE CASCADE,"
  "  recurrence_id TEXT NOT NULL,"
  "  new_dtstart TEXT,"
  "  PRIMARY KEY (call_id, recurrence_id)"
  ") WITHOUT ROWID;"

  /* History outlives circles (circle_id becomes NULL) but not people: purging
   * a contact removes their participations. call_id is a scheduled call's uid,
   * kept as text because a call series may be deleted while its history stays. */
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
  "CREATE INDEX interaction_participants_contact ON interaction_participants (contact_id);";

/* Version 2: the user's own XMPP account (at most one for now; the store
 * enforces that). Its password is in the Secret Service, never here. host and
 * port override where to connect (NULL and 0: from the address's domain);
 * pinned_fingerprint is the SHA-256, lower-case hex, of a server certificate
 * the user chose to trust. */
static const char schema_v2[] =
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  address TEXT NOT NULL UNIQUE,"
  "  host TEXT,"
  "  port INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),"
  "  pinned_fingerprint TEXT,"
  "  nickname TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");";

/* Version 3: each participation carries its interaction's start, kept by triggers, so that
 * "when did I last talk to X" is one index lookup per contact (the overdue list reads it for
 * every contact with a cadence: thousands of them). */
/* Version 4: calls that rang and nobody answered stay in the history, marked as missed. */
static const char schema_v4[] =
  "ALTER TABLE interactions ADD COLUMN missed INTEGER NOT NULL DEFAULT 0 CHECK (missed IN (0, 1));";

static const char schema_v3[] =
  "ALTER TABLE interaction_participants ADD COLUMN started_at INTEGER;"
  "UPDATE interaction_participants SET started_at ="
  "  (SELECT i.started_at FROM interactions i WHERE i.id = interaction_id);"
  "CREATE INDEX interaction_participants_contact_time"
  "  ON interaction_participants (contact_id, started_at);"
  "CREATE TRIGGER interaction_participants_started_at AFTER INSERT ON interaction_participants"
  " BEGIN"
  "  UPDATE interaction_participants SET started_at ="
  "   (SELECT i.started_at FROM interactions i WHERE i.id = NEW.interaction_id)"
  "  WHERE interaction_id = NEW.interaction_id AND contact_id = NEW.contact_id;"
  " END;"
  "CREATE TRIGGER interactions_started_at AFTER UPDATE OF started_at ON interactions"
  " BEGIN"
  "  UPDATE interaction_participants SET started_at = NEW.started_at"
  "  WHERE interaction_id = NEW.id;"
  " END;";

/* Runs constant SQL, statement by statement, through prepared statements. */
static int
exec_script (sqlite3 *db, const char *sql)
{
  const char *tail = sql;

  while (tail != NULL && tail[0] != '\0')
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      int rc;

      rc = sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail);
      if (rc != SQLITE_OK)
        return rc;

      /* Only whitespace or a comment was left. */
      if (stmt == NULL)
        break;

      do
        rc = sqlite3_step (stmt);
      while (rc == SQLITE_ROW);

      if (rc != SQLITE_DONE)
        return rc;
    }

  return SQLITE_OK;
}

static int
read_user_version (sqlite3 *db, int *version)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc;

  *version = sqlite3_column_int (stmt, 0);

  return SQLITE_OK;
}

/* quick_check walks every page of every table and index, without the slower
 * cross-checks of integrity_check; enough to refuse a damaged file. */
static int
quick_check (sqlite3 *db, gboolean *passed)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc;

  *passed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  if (!*passed)
    g_debug ("quick_check: %s", sqlite3_column_text (stmt, 0));

  return SQLITE_OK;
}

static gboolean
is_damage (int rc)
{
  int primary = rc & 0xff;

  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

static void
set_corrupt_error (GError **error, const char *path)
{
  g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_CORRUPT,
               _ ("Your Cousinade data file %s is damaged and could not be opened. "
                  "It was left untouched so you can restore it from a backup."),
               path);
}

static void
set_unreadable_error (GError **error, const char *path, int rc)
{
  g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
               _ ("Your Cousinade data file %s could not be read (%s). "
                  "Check that it exists and that you are allowed to open it."),
               path, sqlite3_errstr (rc));
}

/* Reads @filename, which must not write anything, and refuses a file that a
 * newer Cousinade wrote or that is damaged. @path is the name the user knows. */
static gboolean
inspect_database (const char *filename, int flags, const char *path, GError **error)
{
  g_autoptr (sqlite3) db = NULL;
  gboolean passed = FALSE;
  int version = 0;
  int rc;

  rc = sqlite3_open_v2 (filename, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_unreadable_error (error, path, rc);
      return FALSE;
    }

  sqlite3_extended_result_codes (db, 1);

  /* The version first: a newer schema may use SQL this SQLite does not know,
   * and that must not be reported as damage. */
  rc = read_user_version (db, &version);
  if (rc != SQLITE_OK)
    {
      g_debug ("Reading the version of %s: %s", path, sqlite3_errmsg (db));
      if (is_damage (rc))
        set_corrupt_error (error, path);
      else
        set_unreadable_error (error, path, rc);
      return FALSE;
    }

  if (version > CS_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NEWER_VERSION,
                   _ ("Your Cousinade data was saved by a newer version of Cousinade. "
                      "Update Cousinade to open it; the file %s was left untouched."),
                   path);
      return FALSE;
    }

  rc = quick_check (db, &passed);
  if (rc != SQLITE_OK)
    {
      g_debug ("Checking %s: %s", path, sqlite3_errmsg (db));
      if (is_damage (rc))
        set_corrupt_error (error, path);
      else
        set_unreadable_error (error, path, rc);
      return FALSE;
    }

  if (!passed)
    {
      set_corrupt_error (error, path);
      return FALSE;
    }

  return TRUE;
}

static void
remove_scratch_copy (const char *dir, const char *copy)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (copy, suffixes[i], NULL);

      if (g_remove (name) != 0 && errno != ENOENT)
        g_debug ("Removing %s: %s", name, g_strerror (errno));
    }

  g_rmdir (dir);
}

/* A WAL file with content holds commits not yet in the main file, and reading
 * them needs a shared-memory file beside it. So the pair is copied and the
 * copy opened normally, leaving the originals alone. */
static gboolean
inspect_copy_with_wal (const char *path, const char *wal_path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFile) source = NULL;
  g_autoptr (GFile) source_wal = NULL;
  g_autoptr (GFile) target = NULL;
  g_autoptr (GFile) target_wal = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *copy_wal = NULL;
  gboolean ok;

  dir = g_dir_make_tmp ("cousinade-check-XXXXXX", &local_error);
  if (dir == NULL)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Cousinade could not check your data file %s before opening it (%s). "
                      "Free some disk space, then start Cousinade again."),
                   path, local_error->message);
      return FALSE;
    }

  copy = g_build_filename (dir, "check.db", NULL);
  copy_wal = g_strconcat (copy, "-wal", NULL);
  source = g_file_new_for_path (path);
  source_wal = g_file_new_for_path (wal_path);
  target = g_file_new_for_path (copy);
  target_wal = g_file_new_for_path (copy_wal);

  if (!g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error) ||
      !g_file_copy (source_wal, target_wal, G_FILE_COPY_NONE, NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Cousinade could not check your data file %s before opening it (%s). "
                      "Free some disk space, then start Cousinade again."),
                   path, local_error->message);
      remove_scratch_copy (dir, copy);
      return FALSE;
    }

  ok = inspect_database (copy, SQLITE_OPEN_READWRITE, path, error);
  remove_scratch_copy (dir, copy);

  return ok;
}

static gboolean
inspect_existing_file (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *file_uri = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *wal_path = NULL;
  GStatBuf wal_stat;

  wal_path = g_strconcat (path, "-wal", NULL);
  if (g_stat (wal_path, &wal_stat) == 0 && wal_stat.st_size > 0)
    return inspect_copy_with_wal (path, wal_path, error);

  /* immutable=1: no locks, no journal, no -shm; nothing is created or written. */
  absolute = g_canonicalize_filename (path, NULL);
  file_uri = g_filename_to_uri (absolute, NULL, &local_error);
  if (file_uri == NULL)
    {
      set_unreadable_error (error, path, SQLITE_CANTOPEN);
      return FALSE;
    }
  uri = g_strconcat (file_uri, "?mode=ro&immutable=1", NULL);

  return inspect_database (uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, path, error);
}

static int
migrate_to_1 (sqlite3 *db)
{
  return exec_script (db, schema_v1);
}

static int
migrate_to_2 (sqlite3 *db)
{
  return exec_script (db, schema_v2);
}

static int
migrate_to_3 (sqlite3 *db)
{
  return exec_script (db, schema_v3);
}

static int
migrate_to_4 (sqlite3 *db)
{
  return exec_script (db, schema_v4);
}

/* Migrations run with foreign keys off, so that a later step can rebuild a
 * table the way SQLite recommends; this checks nothing was left dangling. */
static int
check_foreign_keys (sqlite3 *db, char **detail)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *detail = g_strdup_printf ("broken link in table %s", sqlite3_column_text (stmt, 0));
      return SQLITE_CONSTRAINT_FOREIGNKEY;
    }

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs one step in its own transaction, the new version number included, so
 * that a failure leaves the file at the previous version. */
static int
run_migration_step (sqlite3 *db, const MigrationStep *step, char **detail)
{
  int rc;

  rc = exec_script (db, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK)
    {
      *detail = g_strdup (sqlite3_errmsg (db));
      return rc;
    }

  rc = step->migrate (db);
  if (rc == SQLITE_OK)
    rc = check_foreign_keys (db, detail);
  if (rc == SQLITE_OK)
    rc = exec_script (db, step->set_version_sql);
  if (rc == SQLITE_OK)
    rc = exec_script (db, "COMMIT");

  if (rc != SQLITE_OK)
    {
      if (*detail == NULL)
        *detail = g_strdup (sqlite3_errmsg (db));
      if (!sqlite3_get_autocommit (db))
        exec_script (db, "ROLLBACK");
    }

  return rc;
}

static void
set_migration_error (GError **error, const char *path, int rc, const char *detail)
{
  switch (rc & 0xff)
    {
    /* Failures the user can do something about get the usual advice. */
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      cs_store_set_database_error (error, NULL, rc);
      g_prefix_error (error,
                      _ ("Cousinade could not update your data file %s for this version, so "
                         "it was left as it was. "),
                      path);
      break;

    default:
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Cousinade could not update your data file %s for this version (%s). "
                      "The file was left as it was. Please report this problem."),
                   path, detail);
      break;
    }
}

static gboolean
migrate (sqlite3 *db, const char *path, GError **error)
{
  int version = 0;
  int rc;

  rc = read_user_version (db, &version);
  if (rc != SQLITE_OK)
    {
      cs_store_set_database_error (error, db, rc);
      return FALSE;
    }

  /* Another program may have upgraded the file since the inspection. */
  if (version > CS_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_NEWER_VERSION,
                   _ ("Your Cousinade data was saved by a newer version of Cousinade. "
                      "Update Cousinade to open it; the file %s was left untouched."),
                   path);
      return FALSE;
    }

  for (int next = version + 1; next <= CS_STORE_SCHEMA_VERSION; next++)
    {
      g_autofree char *detail = NULL;

      g_debug ("Migrating %s to version %d", path, next);

      rc = run_migration_step (db, &migration_steps[next - 1], &detail);
      if (rc != SQLITE_OK)
        {
          g_debug ("Migrating %s to version %d: %s", path, next, detail);
          set_migration_error (error, path, rc, detail);
          return FALSE;
        }
    }

  return TRUE;
}

sqlite3 *
cs_store_open_database (const char *path, GError **error)
{
  g_autoptr (sqlite3) db = NULL;
  int rc;

  g_assert (path != NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS) && !inspect_existing_file (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      set_unreadable_error (error, path, rc);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* Migrating before switching to WAL means a failed step, rolled back, leaves
   * a file in the old journal mode exactly as it was. */
  if (!migrate (db, path, error))
    return NULL;

  rc = exec_script (db, "PRAGMA journal_mode = WAL");
  if (rc == SQLITE_OK)
    rc = exec_script (db, "PRAGMA foreign_keys = ON");
  if (rc != SQLITE_OK)
    {
      cs_store_set_database_error (error, db, rc);
      return NULL;
    }

  return g_steal_pointer (&db);
}
