/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-vcard-import"

/* Contacts from vCard 3.0 and 4.0 files, as GNOME Contacts (evolution-data-
 * server) and Thunderbird export them. Each card is parsed by EDS's EVCard
 * (line unfolding, escapes, parameters, quoted-printable); this file only
 * splits a file into cards, which EVCard does not do, and checks the result. */

#include "config.h"

#include "cs-vcard-import.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

/* EDS's headers still mention GTimeVal. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include <string.h>

G_DEFINE_QUARK (cs - vcard - import - error - quark, cs_vcard_import_error)

/* EDS 3.46 declares no autoptr for its types. */
typedef EVCard CsEVCard;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsEVCard, g_object_unref)

/* Nobody's address book is this big; a bigger file is almost surely not one. */
#define MAX_CARDS 100000

static void
set_invalid_error (GError **error, const char *detail)
{
  g_set_error (error, CS_VCARD_IMPORT_ERROR, CS_VCARD_IMPORT_ERROR_INVALID,
               _ ("This file could not be imported: %s Nothing was imported. Export the "
                  "contacts again from your address book, then try this file again."),
               detail);
}

static gboolean
line_is (const char *line, const char *keyword)
{
  return g_ascii_strcasecmp (line, keyword) == 0;
}

/* Cards are BEGIN:VCARD ... END:VCARD blocks. Folded lines start with a space
 * or a tab, so a line that starts with BEGIN or END is never a continuation. */
static GPtrArray *
split_cards (const char *text, GError **error)
{
  g_autoptr (GPtrArray) cards = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) card = NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint depth = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';

      if (card == NULL)
        {
          if (g_strstrip (line)[0] == '\0')
            continue;
          if (!line_is (line, "BEGIN:VCARD"))
            {
              set_invalid_error (error, _ ("it is not a contact card (vCard) file."));
              return NULL;
            }
          if (cards->len >= MAX_CARDS)
            {
              set_invalid_error (error, _ ("it holds too many contacts."));
              return NULL;
            }
          card = g_string_new (NULL);
          depth = 1;
        }
      else if (line_is (line, "BEGIN:VCARD"))
        {
          /* vCard 2.1 may nest a card (AGENT); 3.0 and 4.0 never do. */
          depth++;
        }
      else if (line_is (line, "END:VCARD") && --depth == 0)
        {
          g_string_append (card, "END:VCARD\r\n");
          g_ptr_array_add (cards, g_string_free (g_steal_pointer (&card), FALSE));
          continue;
        }

      g_string_append (card, line);
      g_string_append (card, "\r\n");
    }

  if (card != NULL)
    {
      g_string_free (g_steal_pointer (&card), TRUE);
      set_invalid_error (error, _ ("its last contact is cut short."));
      return NULL;
    }

  if (cards->len == 0)
    {
      set_invalid_error (error, _ ("it holds no contacts."));
      return NULL;
    }

  return g_steal_pointer (&cards);
}

static char *
clean_value (const char *value)
{
  g_autofree char *copy = NULL;

  if (value == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (value));
  if (copy[0] == '\0' || !g_utf8_validate (copy, -1, NULL))
    return NULL;

  return g_steal_pointer (&copy);
}

/* The first value of the first attribute called @name, trimmed; NULL if none. */
static char *
first_value (EVCard *vcard, const char *name)
{
  EVCardAttribute *attribute = e_vcard_get_attribute (vcard, name);
  GList *values;

  if (attribute == NULL)
    return NULL;

  values = e_vcard_attribute_get_values (attribute);

  return values != NULL ? clean_value (values->data) : NULL;
}

/* "xmpp:karim@example.org?message" or a bare address, normalized; NULL when it
 * is not a usable address (an import keeps the rest of the card then). */
static char *
xmpp_address_from_value (const char *value, gboolean uri)
{
  g_autofree char *unescaped = NULL;
  const char *address = value;
  const char *query;

  if (uri)
    {
      if (g_ascii_strncasecmp (value, "xmpp:", 5) != 0)
        return NULL;
      address = value + 5;
    }

  query = strchr (address, '?');
  unescaped = g_uri_unescape_segment (address, query, NULL);
  if (unescaped == NULL)
    return NULL;

  return cs_xmpp_address_normalize (unescaped, NULL);
}

static char *
find_xmpp_address (EVCard *vcard)
{
  for (GList *l = e_vcard_get_attributes (vcard); l != NULL; l = l->next)
    {
      EVCardAttribute *attribute = l->data;
      const char *name = e_vcard_attribute_get_name (attribute);
      gboolean uri = g_ascii_strcasecmp (name, "IMPP") == 0;
      GList *values;

      if (!uri && g_ascii_strcasecmp (name, "X-JABBER") != 0)
        continue;

      values = e_vcard_attribute_get_values (attribute);
      if (values != NULL && values->data != NULL)
        {
          char *address = xmpp_address_from_value (values->data, uri);

          if (address != NULL)
            return address;
        }
    }

  return NULL;
}

/* vCard 4.0 may write a phone number as a URI (VALUE=uri:"tel:+33..."). */
static char *
find_phone (EVCard *vcard)
{
  g_autofree char *phone = first_value (vcard, EVC_TEL);

  if (phone != NULL && g_ascii_strncasecmp (phone, "tel:", 4) == 0)
    {
      g_autofree char *number = clean_value (phone + 4);

      return g_steal_pointer (&number);
    }

  return g_steal_pointer (&phone);
}

/* FN is required in 3.0 and 4.0, but some tools leave it empty and fill N. */
static char *
find_name (EVCard *vcard)
{
  g_autofree char *full_name = first_value (vcard, EVC_FN);
  EVCardAttribute *n;
  GList *parts;
  g_autoptr (GString) name = NULL;

  if (full_name != NULL)
    return g_steal_pointer (&full_name);

  n = e_vcard_get_attribute (vcard, EVC_N);
  if (n == NULL)
    return NULL;

  /* N is family;given;additional;prefixes;suffixes. Shown as "given family". */
  parts = e_vcard_attribute_get_values (n);
  name = g_string_new (NULL);
  for (guint index = 1;; index = (index == 1 ? 0 : 2))
    {
      const char *part = g_list_nth_data (parts, index);
      g_autofree char *clean = clean_value (part);

      if (clean != NULL)
        {
          if (name->len > 0)
            g_string_append_c (name, ' ');
          g_string_append (name, clean);
        }
      if (index == 0)
        break;
    }

  return name->len > 0 ? g_string_free (g_steal_pointer (&name), FALSE) : NULL;
}

static CsContact *
contact_from_card (const char *card, guint number, GError **error)
{
  g_autoptr (CsEVCard) vcard = e_vcard_new_from_string (card);
  g_autoptr (CsContact) contact = cs_contact_new ();
  g_autofree char *version = first_value (vcard, EVC_VERSION);
  g_autofree char *name = NULL;
  g_autofree char *xmpp_address = find_xmpp_address (vcard);
  g_autofree char *email = first_value (vcard, EVC_EMAIL);
  g_autofree char *phone = find_phone (vcard);
  g_autofree char *notes = first_value (vcard, EVC_NOTE);

  if (version == NULL || !(g_str_equal (version, "2.1") || g_str_equal (version, "3.0") ||
                           g_str_equal (version, "4.0")))
    {
      g_autofree char *detail =
        /* Translators: %u is the position of a contact in the imported file. */
        g_strdup_printf (_ ("contact number %u is not in a known vCard version."), number);

      set_invalid_error (error, detail);
      return NULL;
    }

  name = find_name (vcard);
  /* A card with no name but an address still names someone the user can recognize. */
  if (name == NULL)
    name = g_strdup (xmpp_address != NULL ? xmpp_address : email != NULL ? email : phone);

  if (name == NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (_ ("contact number %u has neither a name nor an address."), number);

      set_invalid_error (error, detail);
      return NULL;
    }

  cs_contact_set_name (contact, name);
  cs_contact_set_xmpp_address (contact, xmpp_address);
  cs_contact_set_email (contact, email);
  cs_contact_set_phone (contact, phone);
  cs_contact_set_notes (contact, notes);

  return g_steal_pointer (&contact);
}

/**
 * cs_vcard_parse:
 * @data: (array length=length): the file's contents
 * @length: its size in bytes
 * @error: return location for a #GError
 *
 * Reads every card of a vCard file. Any broken card fails the whole file, so
 * that the user never gets half an address book without knowing it.
 *
 * Returns: (transfer full) (element-type CsContact) (nullable): new contacts,
 *   in the file's order; %NULL with @error set on a broken file
 */
GPtrArray *
cs_vcard_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GPtrArray) contacts = NULL;
  g_autofree char *text = NULL;
  const char *start = data;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Some tools start UTF-8 files with a byte order mark. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      start += 3;
      length -= 3;
    }

  if (!g_utf8_validate_len (start, length, NULL))
    {
      set_invalid_error (error, _ ("it is not a contact card (vCard) file, or not in UTF-8."));
      return NULL;
    }

  text = g_strndup (start, length);
  cards = split_cards (text, error);
  if (cards == NULL)
    return NULL;

  contacts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < cards->len; i++)
    {
      CsContact *contact = contact_from_card (g_ptr_array_index (cards, i), i + 1, error);

      if (contact == NULL)
        return NULL;
      g_ptr_array_add (contacts, contact);
    }

  return g_steal_pointer (&contacts);
}

/* What makes two cards the same person. */
typedef struct
{
  GHashTable *by_xmpp;      /* normalized address -> CsContact */
  GHashTable *by_email;     /* case-folded -> CsContact */
  GHashTable *by_phone;     /* last 9 digits -> CsContact */
  GHashTable *by_name;      /* case-folded, spaces collapsed -> CsContact */
  GHashTable *by_bare_name; /* the same, only contacts with no address */
} Index;

static void
index_init (Index *index)
{
  index->by_xmpp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_email = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_phone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_bare_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
index_clear (Index *index)
{
  g_clear_pointer (&index->by_xmpp, g_hash_table_unref);
  g_clear_pointer (&index->by_email, g_hash_table_unref);
  g_clear_pointer (&index->by_phone, g_hash_table_unref);
  g_clear_pointer (&index->by_name, g_hash_table_unref);
  g_clear_pointer (&index->by_bare_name, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Index, index_clear)

static char *
email_key (const char *email)
{
  return email != NULL ? g_utf8_casefold (email, -1) : NULL;
}

/* Localparts are case-insensitive in practice (RFC 7622 maps them to lower
 * case), but the store keeps them as typed. */
static char *
xmpp_key (const char *address)
{
  return address != NULL ? g_utf8_casefold (address, -1) : NULL;
}

/* "01 23 45 67 89" and "+33 1 23 45 67 89" are the same line: compare the last
 * nine digits, the length of a French number without its leading 0. */
static char *
phone_key (const char *phone)
{
  g_autoptr (GString) digits = NULL;

  if (phone == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  if (digits->len == 0)
    return NULL;
  if (digits->len > 9)
    g_string_erase (digits, 0, digits->len - 9);

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

static char *
name_key (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_auto (GStrv) words = g_strsplit_set (folded, " \t\r\n", -1);
  g_autoptr (GString) key = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (key->len > 0)
        g_string_append_c (key, ' ');
      g_string_append (key, words[i]);
    }

  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* Whether @contact has something that tells them from a namesake: a phone
 * "number" with no digit in it does not. */
static gboolean
has_address (CsContact *contact)
{
  g_autofree char *phone = phone_key (cs_contact_get_phone (contact));

  return cs_contact_get_xmpp_address (contact) != NULL || cs_contact_get_email (contact) != NULL ||
         phone != NULL;
}

/* Earlier entries win: the first contact found for a key stays its match. */
static void
insert_new (GHashTable *table, char *key, CsContact *contact)
{
  if (key == NULL)
    return;

  if (g_hash_table_contains (table, key))
    g_free (key);
  else
    g_hash_table_insert (table, key, contact);
}

static void
index_add (Index *index, CsContact *contact)
{
  g_autofree char *name = name_key (cs_contact_get_name (contact));

  insert_new (index->by_xmpp, xmpp_key (cs_contact_get_xmpp_address (contact)), contact);
  insert_new (index->by_email, email_key (cs_contact_get_email (contact)), contact);
  insert_new (index->by_phone, phone_key (cs_contact_get_phone (contact)), contact);
  insert_new (index->by_name, g_strdup (name), contact);

  if (!has_address (contact))
    insert_new (index->by_bare_name, g_strdup (name), contact);
  else if (g_hash_table_lookup (index->by_bare_name, name) == contact)
    g_hash_table_remove (index->by_bare_name, name);
}

static CsContact *
index_find (Index *index, CsContact *card)
{
  g_autofree char *xmpp = xmpp_key (cs_contact_get_xmpp_address (card));
  g_autofree char *email = email_key (cs_contact_get_email (card));
  g_autofree char *phone = phone_key (cs_contact_get_phone (card));
  g_autofree char *name = name_key (cs_contact_get_name (card));
  CsContact *found = NULL;

  if (xmpp != NULL)
    found = g_hash_table_lookup (index->by_xmpp, xmpp);
  if (found == NULL && email != NULL)
    found = g_hash_table_lookup (index->by_email, email);
  if (found == NULL && phone != NULL)
    found = g_hash_table_lookup (index->by_phone, phone);

  /* The same name is the same person only when one side has nothing else that
   * could tell two namesakes apart. */
  if (found == NULL)
    found = g_hash_table_lookup (has_address (card) ? index->by_bare_name : index->by_name, name);

  return found;
}

/* Fills what @target lacks from @card; TRUE if anything changed. An XMPP
 * address already used by someone else is left out: addresses are unique. */
static gboolean
merge_into (CsContact *target, CsContact *card, Index *index)
{
  gboolean changed = FALSE;
  const char *address = cs_contact_get_xmpp_address (card);
  g_autofree char *address_key = xmpp_key (address);
  const char *card_notes = cs_contact_get_notes (card);
  const char *notes = cs_contact_get_notes (target);

  if (cs_contact_get_xmpp_address (target) == NULL && address != NULL &&
      !g_hash_table_contains (index->by_xmpp, address_key))
    {
      cs_contact_set_xmpp_address (target, address);
      changed = TRUE;
    }

  if (cs_contact_get_email (target) == NULL && cs_contact_get_email (card) != NULL)
    {
      cs_contact_set_email (target, cs_contact_get_email (card));
      changed = TRUE;
    }

  if (cs_contact_get_phone (target) == NULL && cs_contact_get_phone (card) != NULL)
    {
      cs_contact_set_phone (target, cs_contact_get_phone (card));
      changed = TRUE;
    }

  /* Notes are the user's own words: added to, never replaced. */
  if (card_notes != NULL && (notes == NULL || strstr (notes, card_notes) == NULL))
    {
      g_autofree char *joined =
        notes != NULL ? g_strconcat (notes, "\n\n", card_notes, NULL) : g_strdup (card_notes);

      cs_contact_set_notes (target, joined);
      changed = TRUE;
    }

  if (changed)
    index_add (index, target);

  return changed;
}

/**
 * cs_vcard_import:
 * @store: the store
 * @data: (array length=length): the file's contents
 * @length: its size in bytes
 * @result: (out) (optional): how many cards were added, merged and skipped
 * @error: return location for a #GError
 *
 * Imports a vCard file: a card that matches a contact (same XMPP address,
 * email or phone, or same name when one of them has no address) completes it
 * instead of doubling it; a card that brings nothing new is skipped. A broken
 * file, or a failure while saving, imports nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
cs_vcard_import (CsStore *store,
                 const char *data,
                 gsize length,
                 CsVcardImportResult *result,
                 GError **error)
{
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GPtrArray) changes = NULL;
  g_autoptr (GHashTable) stored_copies = NULL;
  g_auto (Index) index = { 0 };
  CsVcardImportResult counts = { 0 };
  GListModel *contacts;

  g_return_val_if_fail (CS_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cards = cs_vcard_parse (data, length, error);
  if (cards == NULL)
    return FALSE;

  index_init (&index);
  /* Stored contacts are matched through copies, so that the store's own objects
   * change only once everything is saved. */
  stored_copies = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
  contacts = cs_store_get_contacts (store);
  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (CsContact) contact = g_list_model_get_item (contacts, i);
      CsContact *copy = cs_contact_copy (contact);

      g_hash_table_add (stored_copies, copy);
      index_add (&index, copy);
    }

  changes = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < cards->len; i++)
    {
      CsContact *card = g_ptr_array_index (cards, i);
      CsContact *match = index_find (&index, card);

      if (match == NULL)
        {
          g_ptr_array_add (changes, g_object_ref (card));
          index_add (&index, card);
          counts.added++;
        }
      else if (merge_into (match, card, &index))
        {
          if (!g_ptr_array_find (changes, match, NULL))
            g_ptr_array_add (changes, g_object_ref (match));
          /* A card merged into one added earlier from the same file is still one added. */
          if (g_hash_table_contains (stored_copies, match))
            counts.merged++;
          else
            counts.skipped++;
        }
      else
        {
          counts.skipped++;
        }
    }

  if (!cs_store_import_contacts (store, (CsContact *const *) changes->pdata, changes->len, error))
    return FALSE;

  if (result != NULL)
    *result = counts;

  return TRUE;
}
