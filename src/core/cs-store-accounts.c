/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-accounts"

/* CsStore: the user's own XMPP account, at most one for now. The password is
 * never here: it is in the Secret Service, filed under the address. */

#include "config.h"

#include "cs-store-private.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

#include <string.h>

#define PORT_MAX 65535
#define SHA256_HEX_LENGTH 64

static CsAccount *
account_from_row (CsStoreStatement *stmt)
{
  CsAccount *account = cs_account_new ();

  cs_account_set_id (account, sqlite3_column_int64 (stmt, 0));
  cs_account_set_address (account, cs_store_column_text (stmt, 1));
  cs_account_set_host (account, cs_store_column_text (stmt, 2));
  cs_account_set_port (account, sqlite3_column_int (stmt, 3));
  cs_account_set_pinned_fingerprint (account, cs_store_column_text (stmt, 4));
  cs_account_set_nickname (account, cs_store_column_text (stmt, 5));

  return account;
}

gboolean
cs_store_load_account (CsStore *self, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, STMT_ACCOUNT_FIRST, error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;

  if (cs_store_step_row (self, stmt, &local_error))
    {
      g_clear_object (&self->account);
      self->account = account_from_row (stmt);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
set_second_account_error (GError **error, const char *existing_address)
{
  g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
               _ ("Cousinade can use only one account for now. Sign out of %s before adding "
                  "another."),
               existing_address);
}

static void
set_account_gone_error (GError **error)
{
  cs_store_set_not_found_error (error, _ ("This account was removed, so your changes could not be "
                                          "saved."));
}

/* Optional texts are trimmed; blank ones become NULL. */
static char *
trim_optional (const char *text)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    return NULL;

  return g_steal_pointer (&trimmed);
}

/* The fingerprint comes from the XMPP client, not from typing; lower-case hex
 * is the one spelling it compares against. */
static char *
normalize_fingerprint (const char *fingerprint)
{
  g_autofree char *trimmed = trim_optional (fingerprint);

  if (trimmed == NULL || strlen (trimmed) != SHA256_HEX_LENGTH)
    return NULL;

  for (const char *p = trimmed; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return NULL;
    }

  return g_ascii_strdown (trimmed, -1);
}

/* Checks and tidies the values of @values in place, writing nothing. */
static gboolean
validate_account (CsAccount *values, GError **error)
{
  g_autoptr (GError) address_error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *host = NULL;
  g_autofree char *nickname = NULL;
  const char *fingerprint;

  /* A missing address gets the same "Please enter an address" as a blank one. */
  address = cs_xmpp_address_normalize (cs_account_get_address (values) != NULL
                                         ? cs_account_get_address (values)
                                         : "",
                                       &address_error);
  if (address == NULL)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID, address_error->message);
      return FALSE;
    }
  cs_account_set_address (values, address);

  if (cs_account_get_port (values) > PORT_MAX)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("The port must be a number between 1 and 65535, or empty to use "
                              "the usual port."));
      return FALSE;
    }

  fingerprint = cs_account_get_pinned_fingerprint (values);
  if (fingerprint != NULL)
    {
      g_autofree char *normalized = normalize_fingerprint (fingerprint);

      if (normalized == NULL)
        {
          g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                               _ ("The server’s certificate could not be remembered. Connect "
                                  "to the server again to check its certificate."));
          return FALSE;
        }
      cs_account_set_pinned_fingerprint (values, normalized);
    }

  host = trim_optional (cs_account_get_host (values));
  cs_account_set_host (values, host);

  nickname = trim_optional (cs_account_get_nickname (values));
  cs_account_set_nickname (values, nickname);

  return TRUE;
}

/* Refuses a second account, also one another program added since the store opened. */
static gboolean
check_no_other_account (CsStore *self, gint64 id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, STMT_ACCOUNT_OTHER, error);
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (cs_store_step_row (self, stmt, &local_error))
    {
      set_second_account_error (error, cs_store_column_text (stmt, 0));
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
write_account (CsStore *self, CsAccount *values, gint64 *id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  gboolean inserting = cs_account_get_id (values) == 0;

  stmt =
    cs_store_get_statement (self, inserting ? STMT_ACCOUNT_INSERT : STMT_ACCOUNT_UPDATE, error);
  if (stmt == NULL)
    return FALSE;

  cs_store_bind_text (stmt, 1, cs_account_get_address (values));
  cs_store_bind_text (stmt, 2, cs_account_get_host (values));
  sqlite3_bind_int (stmt, 3, cs_account_get_port (values));
  cs_store_bind_text (stmt, 4, cs_account_get_pinned_fingerprint (values));
  cs_store_bind_text (stmt, 5, cs_account_get_nickname (values));
  sqlite3_bind_int64 (stmt, 6, cs_store_now_seconds ());
  if (!inserting)
    sqlite3_bind_int64 (stmt, 7, cs_account_get_id (values));

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  if (inserting)
    {
      *id = sqlite3_last_insert_rowid (self->db);
    }
  else if (sqlite3_changes (self->db) == 0)
    {
      set_account_gone_error (error);
      return FALSE;
    }
  else
    {
      *id = cs_account_get_id (values);
    }

  return TRUE;
}

CsAccount *
cs_store_get_account (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return self->account;
}

/**
 * cs_store_save_account:
 * @self: a store
 * @draft: the account's values
 * @error: return location for a #CsStoreError
 *
 * Saves the user's account. The address is normalised; a bad address or port
 * is refused with %CS_STORE_ERROR_INVALID. A new account (id 0) is refused
 * while another one is stored; one with the stored account's address updates
 * it, so signing in again to the same account just works. On success @draft
 * gets the account's id and the store emits #CsStore::account-changed.
 *
 * Returns: (transfer none): the store's own account, updated in place, or
 *   %NULL with nothing written
 */
CsAccount *
cs_store_save_account (CsStore *self, CsAccount *draft, GError **error)
{
  g_autoptr (CsAccount) values = NULL;
  gint64 id = 0;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_ACCOUNT (draft), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = cs_account_copy (draft);
  if (!validate_account (values, error))
    return NULL;

  if (cs_account_get_id (values) == 0)
    {
      if (self->account != NULL &&
          g_strcmp0 (cs_account_get_address (self->account), cs_account_get_address (values)) != 0)
        {
          set_second_account_error (error, cs_account_get_address (self->account));
          return NULL;
        }
      if (self->account != NULL)
        cs_account_set_id (values, cs_account_get_id (self->account));
    }
  else if (self->account == NULL || cs_account_get_id (self->account) != cs_account_get_id (values))
    {
      set_account_gone_error (error);
      return NULL;
    }

  if (!cs_store_begin_transaction (self, error))
    return NULL;

  if (!check_no_other_account (self, cs_account_get_id (values), error) ||
      !write_account (self, values, &id, error) || !cs_store_commit_transaction (self, error))
    {
      cs_store_rollback_transaction (self);
      return NULL;
    }

  cs_account_set_id (values, id);

  if (self->account == NULL)
    self->account = cs_account_copy (values);
  else
    cs_account_assign (self->account, values);

  cs_account_set_id (draft, id);
  cs_store_emit_account_changed (self);

  return self->account;
}

gboolean
cs_store_delete_account (CsStore *self, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (CsAccount) account = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = cs_store_get_statement (self, STMT_ACCOUNT_DELETE, error);
  if (stmt == NULL || !cs_store_step_done (self, stmt, error))
    return FALSE;

  account = g_steal_pointer (&self->account);
  if (account != NULL || sqlite3_changes (self->db) > 0)
    cs_store_emit_account_changed (self);

  return TRUE;
}
