/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-data-export"

/* "Export everything": every row of every table as JSON, so that the user can
 * keep or move their data. The account's password is not in the store, so it is
 * not in the export either. */

#include "config.h"

#include "cs-data-export.h"
#include "cs-store-private.h"

#include <json-glib/json-glib.h>

/* A new table must be added here; a test compares this list with the schema. */
const char *const cs_data_export_tables[] = {
  "accounts",
  "circles",
  "contacts",
  "memberships",
  "scheduled_calls",
  "scheduled_call_exceptions",
  "interactions",
  "interaction_participants",
  NULL,
};

static gboolean
add_table (CsStore *self, JsonBuilder *builder, const char *table, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *sql = NULL;
  int rc;

  /* The table name comes from the constant list above, never from input. */
  sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY rowid", table);
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      /* WITHOUT ROWID tables have no rowid; their primary key orders them. */
      g_clear_pointer (&sql, g_free);
      sql = g_strdup_printf ("SELECT * FROM \"%s\"", table);
      rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
    }
  if (rc != SQLITE_OK)
    {
      g_debug ("Preparing “%s”: %s", sql, sqlite3_errmsg (self->db));
      cs_store_set_database_error (error, self->db, rc);
      return FALSE;
    }

  json_builder_set_member_name (builder, table);
  json_builder_begin_array (builder);

  while (cs_store_step_row (self, stmt, &local_error))
    {
      json_builder_begin_object (builder);
      for (int column = 0; column < sqlite3_column_count (stmt); column++)
        {
          json_builder_set_member_name (builder, sqlite3_column_name (stmt, column));
          switch (sqlite3_column_type (stmt, column))
            {
            case SQLITE_INTEGER:
              json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, column));
              break;
            case SQLITE_FLOAT:
              json_builder_add_double_value (builder, sqlite3_column_double (stmt, column));
              break;
            case SQLITE_NULL:
              json_builder_add_null_value (builder);
              break;
            default:
              json_builder_add_string_value (builder, cs_store_column_text (stmt, column));
              break;
            }
        }
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * cs_data_export_json:
 * @store: the store
 * @now: when the export is made (written in it)
 * @error: return location for a #GError
 *
 * Everything the store holds, trashed entries included, one JSON array of
 * row objects per table, under "tables". Times are Unix seconds, as stored.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL on error
 */
char *
cs_data_export_json (CsStore *store, GDateTime *now, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *exported_at = NULL;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One read transaction, so that the tables agree with each other. */
  if (!cs_store_begin_transaction (store, error))
    return NULL;

  exported_at = g_date_time_format_iso8601 (now);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "cousinade-export");
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, CS_STORE_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "exported_at");
  json_builder_add_string_value (builder, exported_at);
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);

  for (guint i = 0; cs_data_export_tables[i] != NULL; i++)
    if (!add_table (store, builder, cs_data_export_tables[i], error))
      {
        cs_store_rollback_transaction (store);
        return NULL;
      }

  json_builder_end_object (builder);
  json_builder_end_object (builder);

  /* Nothing was written: ending the read cannot lose anything. */
  cs_store_rollback_transaction (store);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_data (generator, NULL);
}
