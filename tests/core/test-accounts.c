/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include "cs-store.h"
#include "cs-xmpp-address.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include <locale.h>
#include <string.h>

#define FINGERPRINT "4f1c0e62a8a7c1b5d3f0e9b2c6a4d8e7f0a1b2c3d4e5f60718293a4b5c6d7e8f"

typedef struct
{
  char *dir; /* the test's own temporary folder */
  char *path;
  CsStore *store;
  guint account_changes;
} Fixture;

static void
on_account_changed (CsStore *store, Fixture *fixture)
{
  fixture->account_changes++;
}

static void
on_notify_count (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
open_store (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (fixture->store);
  fixture->store = cs_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (CS_IS_STORE (fixture->store));
  g_signal_connect (fixture->store, "account-changed", G_CALLBACK (on_account_changed), fixture);
}

static void
close_store (Fixture *fixture)
{
  g_signal_handlers_disconnect_by_data (fixture->store, fixture);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cousinade-test-accounts-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cousinade.db", NULL);
  open_store (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (fixture->store != NULL)
    close_store (fixture);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);

  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

/* Raw SQLite, to look at what really reached the disk: the first column of the
 * first row, as text; NULL for no row or a NULL value. */
static char *
raw_query (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  rc = sqlite3_step (stmt);
  g_assert_true (rc == SQLITE_ROW || rc == SQLITE_DONE);
  if (rc == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  return result;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static gint64
count_accounts (Fixture *fixture)
{
  g_autofree char *text = raw_query (fixture->path, "SELECT count(*) FROM accounts");

  return g_ascii_strtoll (text, NULL, 10);
}

/* The stored row as "address|host|port|fingerprint|nickname", NULLs as "-". */
static char *
raw_account_row (Fixture *fixture)
{
  return raw_query (fixture->path,
                    "SELECT address || '|' || coalesce(host, '-') || '|' || port || '|' ||"
                    " coalesce(pinned_fingerprint, '-') || '|' || coalesce(nickname, '-')"
                    " FROM accounts");
}

static CsAccount *
save_new_account (Fixture *fixture, const char *address)
{
  g_autoptr (CsAccount) draft = cs_account_new ();
  g_autoptr (GError) error = NULL;
  CsAccount *account;

  cs_account_set_address (draft, address);
  account = cs_store_save_account (fixture->store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);

  return account;
}

/* Refused: @error is CS_STORE_ERROR_INVALID, @draft unchanged, and neither the
 * disk, the store's account nor its listeners saw anything. */
static void
assert_save_refused (Fixture *fixture, CsAccount *draft, int code, GError **error)
{
  g_autofree char *row_before = raw_account_row (fixture);
  g_autofree char *row_after = NULL;
  CsAccount *before = cs_store_get_account (fixture->store);
  guint changes = fixture->account_changes;
  gint64 draft_id = cs_account_get_id (draft);

  g_assert_null (cs_store_save_account (fixture->store, draft, error));
  g_assert_error (*error, CS_STORE_ERROR, code);
  g_test_message ("Refused with: %s", (*error)->message);

  row_after = raw_account_row (fixture);
  g_assert_cmpstr (row_before, ==, row_after);
  g_assert_true (cs_store_get_account (fixture->store) == before);
  g_assert_cmpint (cs_account_get_id (draft), ==, draft_id);
  g_assert_cmpuint (fixture->account_changes, ==, changes);
}

static void
test_account_none (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (cs_store_get_account (fixture->store));
  g_assert_cmpint (count_accounts (fixture), ==, 0);

  /* Signing out when not signed in is not a failure, and nothing changed. */
  g_assert_true (cs_store_delete_account (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->account_changes, ==, 0);
}

static void
test_account_save_update_delete (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsAccount) draft = cs_account_new ();
  g_autoptr (CsAccount) edit = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *row = NULL;
  g_autofree char *upper_fingerprint = g_ascii_strup (FINGERPRINT, -1);
  guint port_notifies = 0;
  guint address_notifies = 0;
  CsAccount *account;
  CsAccount *updated;

  /* As typed: spaces around, a capitalised domain. */
  cs_account_set_address (draft, " Anne@Example.ORG ");
  cs_account_set_host (draft, " xmpp.example.org ");
  cs_account_set_port (draft, 5223);
  cs_account_set_nickname (draft, " Anne ");

  account = cs_store_save_account (fixture->store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_true (account != draft);
  g_assert_true (cs_store_get_account (fixture->store) == account);
  g_assert_cmpuint (fixture->account_changes, ==, 1);

  g_assert_cmpint (cs_account_get_id (account), >, 0);
  g_assert_cmpint (cs_account_get_id (draft), ==, cs_account_get_id (account));
  g_assert_cmpstr (cs_account_get_address (account), ==, "Anne@example.org");
  g_assert_cmpstr (cs_account_get_host (account), ==, "xmpp.example.org");
  g_assert_cmpuint (cs_account_get_port (account), ==, 5223);
  g_assert_null (cs_account_get_pinned_fingerprint (account));
  g_assert_cmpstr (cs_account_get_nickname (account), ==, "Anne");
  /* The draft keeps what was typed. */
  g_assert_cmpstr (cs_account_get_address (draft), ==, " Anne@Example.ORG ");

  row = raw_account_row (fixture);
  g_assert_cmpstr (row, ==, "Anne@example.org|xmpp.example.org|5223|-|Anne");
  g_clear_pointer (&row, g_free);

  /* Back to the usual server, and a certificate the user accepted. */
  g_signal_connect (account, "notify::port", G_CALLBACK (on_notify_count), &port_notifies);
  g_signal_connect (account, "notify::address", G_CALLBACK (on_notify_count), &address_notifies);
  edit = cs_account_copy (account);
  cs_account_set_host (edit, NULL);
  cs_account_set_port (edit, 0);
  cs_account_set_pinned_fingerprint (edit, upper_fingerprint);

  updated = cs_store_save_account (fixture->store, edit, &error);
  g_assert_no_error (error);
  g_assert_true (updated == account);
  g_assert_cmpuint (fixture->account_changes, ==, 2);
  g_assert_cmpuint (port_notifies, ==, 1);
  g_assert_cmpuint (address_notifies, ==, 0);
  g_assert_null (cs_account_get_host (account));
  g_assert_cmpuint (cs_account_get_port (account), ==, 0);
  g_assert_cmpstr (cs_account_get_pinned_fingerprint (account), ==, FINGERPRINT);
  g_assert_cmpint (count_accounts (fixture), ==, 1);

  row = raw_account_row (fixture);
  g_assert_cmpstr (row, ==, "Anne@example.org|-|0|" FINGERPRINT "|Anne");
  g_clear_pointer (&row, g_free);
  g_signal_handlers_disconnect_by_data (account, &port_notifies);
  g_signal_handlers_disconnect_by_data (account, &address_notifies);

  /* Signing out forgets it. */
  g_assert_true (cs_store_delete_account (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_null (cs_store_get_account (fixture->store));
  g_assert_cmpint (count_accounts (fixture), ==, 0);
  g_assert_cmpuint (fixture->account_changes, ==, 3);

  /* Saving the copy of an account that is gone does not bring it back. */
  cs_account_set_nickname (edit, "Annie");
  assert_save_refused (fixture, edit, CS_STORE_ERROR_NOT_FOUND, &error);
  g_assert_cmpint (count_accounts (fixture), ==, 0);
}

static void
test_account_invalid (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsAccount) draft = cs_account_new ();
  g_autoptr (CsAccount) edit = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) address_error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *row = NULL;
  CsAccount *account;

  /* The address checker's own words reach the user. */
  cs_account_set_address (draft, "anne");
  expected = cs_xmpp_address_normalize ("anne", &address_error);
  g_assert_null (expected);
  assert_save_refused (fixture, draft, CS_STORE_ERROR_INVALID, &error);
  g_assert_cmpstr (error->message, ==, address_error->message);
  g_clear_error (&error);

  /* The address is required. */
  cs_account_set_address (draft, NULL);
  assert_save_refused (fixture, draft, CS_STORE_ERROR_INVALID, &error);
  g_clear_error (&error);

  cs_account_set_address (draft, "anne@example.org");
  cs_account_set_port (draft, 65536);
  assert_save_refused (fixture, draft, CS_STORE_ERROR_INVALID, &error);
  g_clear_error (&error);

  cs_account_set_port (draft, 5222);
  cs_account_set_pinned_fingerprint (draft, "not a fingerprint");
  assert_save_refused (fixture, draft, CS_STORE_ERROR_INVALID, &error);
  g_clear_error (&error);

  g_assert_null (cs_store_get_account (fixture->store));
  g_assert_cmpint (count_accounts (fixture), ==, 0);

  /* The highest port is fine. */
  cs_account_set_pinned_fingerprint (draft, NULL);
  cs_account_set_port (draft, 65535);
  account = cs_store_save_account (fixture->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_account_get_port (account), ==, 65535);

  /* A bad change to the stored account leaves it as it was. */
  edit = cs_account_copy (account);
  cs_account_set_address (edit, "anne@");
  cs_account_set_nickname (edit, "Annie");
  assert_save_refused (fixture, edit, CS_STORE_ERROR_INVALID, &error);
  g_assert_cmpstr (cs_account_get_address (account), ==, "anne@example.org");
  g_assert_null (cs_account_get_nickname (account));
  row = raw_account_row (fixture);
  g_assert_cmpstr (row, ==, "anne@example.org|-|65535|-|-");
}

static void
test_account_second_refused (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsAccount) second = cs_account_new ();
  g_autoptr (CsAccount) again = cs_account_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *row = NULL;
  CsAccount *account;

  account = save_new_account (fixture, "anne@example.org");

  cs_account_set_address (second, "karim@example.org");
  assert_save_refused (fixture, second, CS_STORE_ERROR_INVALID, &error);
  /* The user is told which account to sign out of. */
  g_assert_nonnull (strstr (error->message, "anne@example.org"));
  g_clear_error (&error);
  g_assert_cmpint (count_accounts (fixture), ==, 1);

  /* Signing in again to the same account (a new draft) updates it instead. */
  cs_account_set_address (again, "anne@EXAMPLE.org");
  cs_account_set_nickname (again, "Anne");
  g_assert_true (cs_store_save_account (fixture->store, again, &error) == account);
  g_assert_no_error (error);
  g_assert_cmpint (cs_account_get_id (again), ==, cs_account_get_id (account));
  g_assert_cmpstr (cs_account_get_nickname (account), ==, "Anne");
  row = raw_account_row (fixture);
  g_assert_cmpstr (row, ==, "anne@example.org|-|0|-|Anne");
  g_assert_cmpint (count_accounts (fixture), ==, 1);
}

/* Another Cousinade, on the same file, signed in meanwhile: still one account. */
static void
test_account_second_on_disk_refused (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsAccount) draft = cs_account_new ();
  g_autoptr (GError) error = NULL;

  raw_exec (fixture->path, "INSERT INTO accounts (address, created_at, updated_at)"
                           " VALUES ('karim@example.org', 1700000000, 1700000000)");
  g_assert_null (cs_store_get_account (fixture->store));

  cs_account_set_address (draft, "anne@example.org");
  assert_save_refused (fixture, draft, CS_STORE_ERROR_INVALID, &error);
  g_assert_nonnull (strstr (error->message, "karim@example.org"));
  g_assert_cmpint (count_accounts (fixture), ==, 1);
}

static void
test_account_reopen (Fixture *fixture, gconstpointer user_data)
{
  g_autoptr (CsAccount) draft = cs_account_new ();
  g_autoptr (GError) error = NULL;
  CsAccount *account;
  gint64 id;

  cs_account_set_address (draft, "anne@example.org");
  cs_account_set_host (draft, "xmpp.example.org");
  cs_account_set_port (draft, 5223);
  cs_account_set_pinned_fingerprint (draft, FINGERPRINT);
  cs_account_set_nickname (draft, "Mamie Anne");
  account = cs_store_save_account (fixture->store, draft, &error);
  g_assert_no_error (error);
  id = cs_account_get_id (account);

  close_store (fixture);
  open_store (fixture);

  account = cs_store_get_account (fixture->store);
  g_assert_nonnull (account);
  g_assert_cmpint (cs_account_get_id (account), ==, id);
  g_assert_cmpstr (cs_account_get_address (account), ==, "anne@example.org");
  g_assert_cmpstr (cs_account_get_host (account), ==, "xmpp.example.org");
  g_assert_cmpuint (cs_account_get_port (account), ==, 5223);
  g_assert_cmpstr (cs_account_get_pinned_fingerprint (account), ==, FINGERPRINT);
  g_assert_cmpstr (cs_account_get_nickname (account), ==, "Mamie Anne");
  /* Loading is not a change the UI has to follow. */
  g_assert_cmpuint (fixture->account_changes, ==, 1);

  /* Signed out, it stays signed out. */
  g_assert_true (cs_store_delete_account (fixture->store, &error));
  g_assert_no_error (error);
  close_store (fixture);
  open_store (fixture);
  g_assert_null (cs_store_get_account (fixture->store));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/store/account/none", test_account_none);
  ADD_TEST ("/store/account/save-update-delete", test_account_save_update_delete);
  ADD_TEST ("/store/account/invalid", test_account_invalid);
  ADD_TEST ("/store/account/second-refused", test_account_second_refused);
  ADD_TEST ("/store/account/second-on-disk-refused", test_account_second_on_disk_refused);
  ADD_TEST ("/store/account/reopen", test_account_reopen);

#undef ADD_TEST

  return g_test_run ();
}
