/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-data"

/* CsStore: the user's data as a whole, adding many contacts at once (imports)
 * and deleting everything. */

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

/* The UNIQUE index would refuse a taken address with a message nobody can act
 * on; this says who has it, including someone waiting in the trash. */
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
                     _ ("“%s” was just deleted but still has the address %s. Undo the deletion, "
                        "or import again once the deletion is final."),
                     cs_store_column_text (stmt, 0), address);
      else
        g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                     _ ("“%s” already has the address %s."), cs_store_column_text (stmt, 0),
                     address);
      return FALSE;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static CsContact *
load_contact (CsStore *self, gint64 id, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  stmt = cs_store_get_statement (self, STMT_CONTACT_BY_ID, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!cs_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        cs_store_set_not_found_error (error, _ ("An imported contact could not be read back."));
      return NULL;
    }

  return cs_store_contact_from_row (stmt);
}

/**
 * cs_store_import_contacts:
 * @self: the store
 * @contacts: (array length=n_contacts): new contacts (id 0) and copies of
 *   stored ones whose other fields the caller merged; names must not be blank
 *   and XMPP addresses must be normalized and free
 * @n_contacts: the length of @contacts
 * @error: return location for a #GError
 *
 * Saves a whole import in one transaction, so that a failure part-way leaves
 * the address book as it was. Stored contacts keep their name (and so their
 * place in the lists). The new ones appear in cs_store_get_contacts().
 *
 * Returns: %TRUE when everything was saved
 */
gboolean
cs_store_import_contacts (CsStore *self,
                          CsContact *const *contacts,
                          guint n_contacts,
                          GError **error)
{
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) loaded = NULL;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (contacts != NULL || n_contacts == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_contacts; i++)
    {
      gint64 id;

      g_return_val_if_fail (CS_IS_CONTACT (contacts[i]), FALSE);
      id = cs_contact_get_id (contacts[i]);
      if (id != 0 && cs_store_find_contact (self, id) == NULL)
        {
          cs_store_set_not_found_error (error, _ ("A contact to update was deleted meanwhile. "
                                                  "Nothing was imported; try again."));
          return FALSE;
        }
    }

  if (n_contacts == 0)
    return TRUE;

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_contacts);
  loaded = g_ptr_array_new_with_free_func (unref_if_set);

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  for (guint i = 0; i < n_contacts; i++)
    {
      gint64 id = 0;

      if (!check_address_free (self, contacts[i], error) ||
          !cs_store_write_contact (self, contacts[i], &id, error))
        goto rollback;
      g_array_append_val (ids, id);
    }

  /* Read back inside the transaction so that a failure still undoes everything. */
  for (guint i = 0; i < n_contacts; i++)
    {
      CsContact *contact = NULL;

      if (cs_contact_get_id (contacts[i]) == 0)
        {
          contact = load_contact (self, g_array_index (ids, gint64, i), error);
          if (contact == NULL)
            goto rollback;
        }
      g_ptr_array_add (loaded, contact);
    }

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  for (guint i = 0; i < n_contacts; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      CsContact *contact = g_ptr_array_index (loaded, i);

      if (contact != NULL)
        {
          g_hash_table_insert (self->live_contacts, cs_store_id_key_new (id),
                               g_object_ref (contact));
          g_list_store_insert_sorted (self->contacts, contact, cs_store_compare_contacts, NULL);
        }
      else
        {
          CsContact *stored = cs_store_find_contact (self, id);
          g_autoptr (CsContact) values = cs_contact_copy (contacts[i]);

          cs_contact_set_name (values, cs_contact_get_name (stored));
          cs_contact_assign (stored, values);
        }
      cs_contact_set_id (contacts[i], id);
    }

  return TRUE;

rollback:
  cs_store_rollback_transaction (self);
  return FALSE;
}

/**
 * cs_store_delete_all_data:
 * @self: the store
 * @error: return location for a #GError
 *
 * "Delete all my data": circles, contacts, schedules, history and the account,
 * in one transaction. The account's password lives in the Secret Service, which
 * the caller clears. Lists already handed out stay valid, and empty.
 *
 * Returns: %TRUE when everything was deleted
 */
gboolean
cs_store_delete_all_data (CsStore *self, GError **error)
{
  /* Children first is not needed (the links cascade), but it keeps the order
   * independent of ON DELETE rules added later. */
  static const char *const tables[] = {
    "interaction_participants", "interactions", "memberships", "scheduled_call_exceptions",
    "scheduled_calls",          "contacts",     "circles",     "accounts",
  };
  gboolean had_account;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cs_store_begin_transaction (self, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = g_strconcat ("DELETE FROM ", tables[i], NULL);
      int rc;

      /* Constant table names from the list above, never user input. */
      rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          g_debug ("Preparing “%s”: %s", sql, sqlite3_errmsg (self->db));
          cs_store_set_database_error (error, self->db, rc);
          goto rollback;
        }
      if (!cs_store_step_done (self, stmt, error))
        goto rollback;
    }

  if (!cs_store_commit_transaction (self, error))
    goto rollback;

  {
    GHashTableIter iter;
    gpointer list;

    /* Handed out without a reference: emptied, kept. A circle made later with a
     * reused id rightly starts from an empty list. */
    g_hash_table_iter_init (&iter, self->members);
    while (g_hash_table_iter_next (&iter, NULL, &list))
      g_list_store_remove_all (list);
  }

  g_list_store_remove_all (self->circles);
  g_list_store_remove_all (self->contacts);
  g_hash_table_remove_all (self->live_circles);
  g_hash_table_remove_all (self->trashed_circles);
  g_hash_table_remove_all (self->live_contacts);
  g_hash_table_remove_all (self->trashed_contacts);

  had_account = self->account != NULL;
  g_clear_object (&self->account);

  cs_store_emit_interactions_changed (self);
  if (had_account)
    cs_store_emit_account_changed (self);

  return TRUE;

rollback:
  cs_store_rollback_transaction (self);
  return FALSE;
}
