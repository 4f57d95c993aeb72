/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-store-members"

/* CsStore: who belongs to which circle, and the per-circle member lists handed
 * out by cs_store_get_members(), kept in step with contacts and circles. */

#include "config.h"

#include "cs-store-private.h"

#include <glib/gi18n.h>

static int
compare_members (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return cs_store_compare_contacts (cs_member_get_contact (CS_MEMBER ((gpointer) a)),
                                    cs_member_get_contact (CS_MEMBER ((gpointer) b)), NULL);
}

static gboolean
find_member (GListStore *list, CsContact *contact, guint *position)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (CsMember) member = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (cs_member_get_contact (member) == contact)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static CsCircle *
lookup_any_circle (CsStore *self, gint64 id)
{
  CsCircle *circle = g_hash_table_lookup (self->live_circles, &id);

  return circle != NULL ? circle : g_hash_table_lookup (self->trashed_circles, &id);
}

void
cs_store_member_lists_resort_contact (CsStore *self, CsContact *contact)
{
  GHashTableIter iter;
  gpointer list;

  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &list))
    {
      guint position;
      g_autoptr (CsMember) member = NULL;

      if (!find_member (list, contact, &position))
        continue;

      member = g_list_model_get_item (G_LIST_MODEL (list), position);
      cs_store_resort_item (list, member, compare_members);
    }
}

void
cs_store_member_lists_remove_contact (CsStore *self, CsContact *contact)
{
  GHashTableIter iter;
  gpointer list;

  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &list))
    {
      guint position;

      if (find_member (list, contact, &position))
        g_list_store_remove (list, position);
    }
}

/* Puts a restored contact back into the member lists already handed out. */
void
cs_store_member_lists_add_contact (CsStore *self, CsContact *contact)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) error = NULL;

  stmt = cs_store_get_statement (self, STMT_MEMBERSHIPS_OF_CONTACT, &error);
  if (stmt == NULL)
    {
      g_warning ("Listing the circles of a restored person: %s", error->message);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, cs_contact_get_id (contact));
  while (cs_store_step_row (self, stmt, &error))
    {
      gint64 circle_id = sqlite3_column_int64 (stmt, 0);
      GListStore *list = g_hash_table_lookup (self->members, &circle_id);
      CsCircle *circle = lookup_any_circle (self, circle_id);
      g_autoptr (CsMember) member = NULL;

      if (list == NULL || circle == NULL)
        continue;

      member = cs_member_new (circle, contact, sqlite3_column_int (stmt, 1));
      g_list_store_insert_sorted (list, member, compare_members, NULL);
    }

  if (error != NULL)
    g_warning ("Listing the circles of a restored person: %s", error->message);
}

/* Call once the trashed circles are deleted for good, before forgetting them. */
void
cs_store_member_lists_drop_purged (CsStore *self)
{
  GHashTableIter iter;
  gpointer key;

  /* A member list handed out for a purged circle stays valid, but empty. */
  g_hash_table_iter_init (&iter, self->trashed_circles);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GListStore *list = g_hash_table_lookup (self->members, key);

      if (list != NULL)
        {
          g_list_store_remove_all (list);
          g_hash_table_remove (self->members, key);
        }
    }
}

/**
 * cs_store_get_members:
 * @self: the store
 * @circle: a saved circle
 *
 * Returns: (transfer none): the live, sorted list of the circle's members who
 *   are not in the trash
 */
GListModel *
cs_store_get_members (CsStore *self, CsCircle *circle)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) loaded = NULL;
  GListStore *list;
  CsCircle *canonical;
  gint64 circle_id;

  g_return_val_if_fail (CS_IS_STORE (self), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);
  g_return_val_if_fail (cs_circle_get_id (circle) > 0, NULL);

  circle_id = cs_circle_get_id (circle);
  list = g_hash_table_lookup (self->members, &circle_id);
  if (list != NULL)
    return G_LIST_MODEL (list);

  list = g_list_store_new (CS_TYPE_MEMBER);
  g_hash_table_insert (self->members, cs_store_id_key_new (circle_id), list);

  canonical = lookup_any_circle (self, circle_id);
  if (canonical == NULL)
    return G_LIST_MODEL (list);

  loaded = g_ptr_array_new_with_free_func (g_object_unref);
  stmt = cs_store_get_statement (self, STMT_MEMBERS_OF_CIRCLE, &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, circle_id);
      while (cs_store_step_row (self, stmt, &error))
        {
          gint64 contact_id = sqlite3_column_int64 (stmt, 0);
          CsContact *contact = g_hash_table_lookup (self->live_contacts, &contact_id);

          if (contact != NULL)
            g_ptr_array_add (loaded,
                             cs_member_new (canonical, contact, sqlite3_column_int (stmt, 1)));
        }
    }

  if (error != NULL)
    g_warning ("Listing the members of circle %" G_GINT64_FORMAT ": %s", circle_id, error->message);

  g_list_store_splice (list, 0, 0, loaded->pdata, loaded->len);
  g_list_store_sort (list, compare_members, NULL);

  return G_LIST_MODEL (list);
}

gboolean
cs_store_add_member (CsStore *self,
                     CsCircle *circle,
                     CsContact *contact,
                     CsMemberRole role,
                     GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (CsMember) member = NULL;
  GListStore *list;
  gint64 circle_id;
  gint64 contact_id;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (CS_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  circle_id = cs_circle_get_id (circle);
  contact_id = cs_contact_get_id (contact);

  /* The caller may hold copies: the lists must get the store's own objects. */
  circle = cs_store_find_circle (self, circle_id);
  contact = cs_store_find_contact (self, contact_id);

  if (circle == NULL)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This circle was deleted, so no one can be added to it."));
      return FALSE;
    }

  if (contact == NULL)
    {
      cs_store_set_not_found_error (error,
                                    _ ("This person was deleted, so they cannot be added to the "
                                       "circle."));
      return FALSE;
    }

  if ((guint) role > CS_MEMBER_ROLE_LAST)
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("Please choose a role for this member."));
      return FALSE;
    }

  stmt = cs_store_get_statement (self, STMT_MEMBER_INSERT, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, circle_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  sqlite3_bind_int (stmt, 3, role);
  sqlite3_bind_int64 (stmt, 4, cs_store_now_seconds ());

  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  /* Already a member. */
  if (sqlite3_changes (self->db) == 0)
    return TRUE;

  list = g_hash_table_lookup (self->members, &circle_id);
  if (list != NULL)
    {
      member = cs_member_new (circle, contact, role);
      g_list_store_insert_sorted (list, member, compare_members, NULL);
    }

  return TRUE;
}

/* Removing someone who is not a member does nothing and succeeds. */
gboolean
cs_store_remove_member (CsStore *self, CsCircle *circle, CsContact *contact, GError **error)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  GListStore *list;
  gint64 circle_id;
  gint64 contact_id;
  guint position;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (CS_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  circle_id = cs_circle_get_id (circle);
  contact_id = cs_contact_get_id (contact);

  stmt = cs_store_get_statement (self, STMT_MEMBER_DELETE, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, circle_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  if (!cs_store_step_done (self, stmt, error))
    return FALSE;

  list = g_hash_table_lookup (self->members, &circle_id);
  contact = cs_store_find_contact (self, contact_id);
  if (list != NULL && contact != NULL && find_member (list, contact, &position))
    g_list_store_remove (list, position);

  return TRUE;
}

/* As the user sees it: someone in the trash, or in a trashed circle, is not a member. */
gboolean
cs_store_is_member (CsStore *self, CsCircle *circle, CsContact *contact)
{
  g_autoptr (CsStoreStatement) stmt = NULL;
  g_autoptr (GError) error = NULL;
  gint64 circle_id;
  gint64 contact_id;
  gboolean found;

  g_return_val_if_fail (CS_IS_STORE (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (CS_IS_CONTACT (contact), FALSE);

  circle_id = cs_circle_get_id (circle);
  contact_id = cs_contact_get_id (contact);

  if (cs_store_find_circle (self, circle_id) == NULL ||
      cs_store_find_contact (self, contact_id) == NULL)
    return FALSE;

  stmt = cs_store_get_statement (self, STMT_MEMBER_EXISTS, &error);
  if (stmt == NULL)
    {
      g_warning ("Checking a membership: %s", error->message);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, circle_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  found = cs_store_step_row (self, stmt, &error);
  if (error != NULL)
    g_warning ("Checking a membership: %s", error->message);

  return found;
}
