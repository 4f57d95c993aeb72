/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-vcard-import"

#include "config.h"

#include "cs-store.h"
#include "cs-vcard-import.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* EVCard warns about malformed lines and goes on, which is what an import wants;
 * the replay runs with fatal warnings, for which those must not count. */
static gboolean
on_fatal_log (const char *log_domain, GLogLevelFlags log_level, const char *message, gpointer data)
{
  return !(g_strcmp0 (log_domain, "libebook-contacts") == 0 && (log_level & G_LOG_LEVEL_WARNING));
}

/* One store for the whole run: opening one per input would drown the parser's
 * time in SQLite's. It is emptied after each input. */
static CsStore *
get_store (void)
{
  static CsStore *store;

  if (store == NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("cousinade-fuzz-vcard-XXXXXX", &error);
      g_autofree char *path = NULL;

      g_test_log_set_fatal_handler (on_fatal_log, NULL);
      g_assert_no_error (error);
      path = g_build_filename (dir, "fuzz.db", NULL);
      store = cs_store_open (path, &error);
      g_assert_no_error (error);
      /* Left for the system's temporary cleaning: libFuzzer never returns. */
    }

  return store;
}

/* A vCard file comes from anyone's address book export: whatever the bytes, the
 * import adds every card or none, names nobody with a blank name, and doubles
 * nobody when the same file is imported twice. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) parsed = NULL;
  CsVcardImportResult result = { 0 };
  CsStore *store = get_store ();
  GListModel *contacts = cs_store_get_contacts (store);

  parsed = cs_vcard_parse ((const char *) data, size, &error);
  if (parsed == NULL)
    {
      g_assert_error (error, CS_VCARD_IMPORT_ERROR, CS_VCARD_IMPORT_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (cs_vcard_import (store, (const char *) data, size, NULL, &error));
      g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 0);
      return 0;
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      const char *name = cs_contact_get_name (g_ptr_array_index (parsed, i));

      g_assert_nonnull (name);
      g_assert_true (g_utf8_validate (name, -1, NULL));
    }

  if (cs_vcard_import (store, (const char *) data, size, &result, &error))
    {
      guint n_items = g_list_model_get_n_items (contacts);

      g_assert_cmpuint (result.added + result.merged + result.skipped, ==, parsed->len);
      g_assert_cmpuint (n_items, ==, result.added);
      g_assert_true (cs_vcard_import (store, (const char *) data, size, &result, &error));
      g_assert_cmpuint (result.added, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, n_items);
    }
  else
    {
      /* Only the store may refuse a parsed file (a name it finds blank), and
       * then nothing is kept. */
      g_assert_cmpuint (g_list_model_get_n_items (contacts), ==, 0);
    }
  g_clear_error (&error);

  g_assert_true (cs_store_delete_all_data (store, NULL));

  return 0;
}
