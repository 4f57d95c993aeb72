/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-open"

/* CsStore: opening a store, loading its circles, contacts and account, and the live
 * lists and lookups the rest of the app reads. */

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>

#include <errno.h>

static gboolean
load_circles (CsStore *self, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, STMT_CIRCLES_LIVE, error);
  g_autoptr (GPtrArray) loaded = g_ptr_array_new ();
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;

  while (cs_store_step_row (self, stmt, &local_error))
    {
      CsCircle *circle = cs_store_circle_from_row (stmt);

      g_hash_table_insert (self->live_circles, cs_store_id_key_new (cs_circle_get_id (circle)),
                           circle);
      g_ptr_array_add (loaded, circle);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_list_store_splice (self->circles, 0, 0, loaded->pdata, loaded->len);
  g_list_store_sort (self->circles, cs_store_compare_circles, NULL);

  return TRUE;
}

static gboolean
load_contacts (CsStore *self, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = cs_store_get_statement (self, STMT_CONTACTS_LIVE, error);
  g_autoptr (GPtrArray) loaded = g_ptr_array_new ();
  g_autoptr (GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;

  while (cs_store_step_row (self, stmt, &local_error))
    {
      CsContact *contact = cs_store_contact_from_row (stmt);

      g_hash_table_insert (self->live_contacts, cs_store_id_key_new (cs_contact_get_id (contact)),
                           contact);
      g_ptr_array_add (loaded, contact);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_list_store_splice (self->contacts, 0, 0, loaded->pdata, loaded->len);
  g_list_store_sort (self->contacts, cs_store_compare_contacts, NULL);

  return TRUE;
}

char *
cs_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "cousinade", "cousinade.db", NULL);
}

/**
 * cs_store_open:
 * @path: the database file; it and its folder are made if missing
 * @error: return location for a #CsStoreError
 *
 * Opens the store, upgrading the file's schema if needed. A file written by a
 * newer Cousinade (%CS_STORE_ERROR_NEWER_VERSION) or a damaged one
 * (%CS_STORE_ERROR_CORRUPT) is refused before anything is written to it.
 *
 * Returns: (transfer full): the store, or %NULL
 */
CsStore *
cs_store_open (const char *path, GError **error)
{
  g_autoptr (CsStore) self = NULL;
  g_autofree char *dir = NULL;
  sqlite3 *db;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CS_STORE_ERROR, CS_STORE_ERROR_FAILED,
                   _ ("Cousinade could not create the folder %s for your data (%s). "
                      "Check that your home folder is writable."),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  db = cs_store_open_database (path, error);
  if (db == NULL)
    return NULL;

  self = g_object_new (CS_TYPE_STORE, "path", path, NULL);
  self->db = db;

  /* Entries trashed in a previous run were never restored: their Undo is gone. */
  if (!cs_store_purge_trash (self, error) || !load_circles (self, error) ||
      !load_contacts (self, error) || !cs_store_load_account (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
cs_store_get_path (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return self->path;
}

GListModel *
cs_store_get_circles (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return G_LIST_MODEL (self->circles);
}

GListModel *
cs_store_get_contacts (CsStore *self)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return G_LIST_MODEL (self->contacts);
}

CsCircle *
cs_store_find_circle (CsStore *self, gint64 id)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return g_hash_table_lookup (self->live_circles, &id);
}

CsContact *
cs_store_find_contact (CsStore *self, gint64 id)
{
  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  return g_hash_table_lookup (self->live_contacts, &id);
}

CsContact *
cs_store_find_contact_by_address (CsStore *self, const char *xmpp_address)
{
  GHashTableIter iter;
  gpointer contact;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);

  if (xmpp_address == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, self->live_contacts);
  while (g_hash_table_iter_next (&iter, NULL, &contact))
    if (g_strcmp0 (cs_contact_get_xmpp_address (contact), xmpp_address) == 0)
      return contact;
  return NULL;
}
