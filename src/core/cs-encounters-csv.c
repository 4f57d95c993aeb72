/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-encounters-csv"

/* Traceability: the in-person meetings of the last days as a CSV file the user
 * can hand over (to a doctor, a health service) or open in a spreadsheet. */

#include "config.h"

#include "cs-encounters-csv.h"

#include <glib/gi18n.h>

#include <string.h>

/**
 * cs_csv_escape_field:
 * @field: (nullable): a cell's text
 *
 * Quotes a cell as RFC 4180 asks (a cell with a comma, a double quote or a line
 * break is quoted, its quotes doubled). A cell a spreadsheet would run as a
 * formula (starting with = + - @, or a tab or carriage return that some strip
 * first) gets a leading apostrophe, so that a contact named "=HYPERLINK(...)"
 * stays text, as OWASP recommends.
 *
 * Returns: (transfer full): the cell as it goes in the file
 */
char *
cs_csv_escape_field (const char *field)
{
  g_autoptr (GString) cell = NULL;
  gboolean quote;

  if (field == NULL || field[0] == '\0')
    return g_strdup ("");

  cell = g_string_new (NULL);
  if (strchr ("=+-@\t\r", field[0]) != NULL)
    g_string_append_c (cell, '\'');
  g_string_append (cell, field);

  quote = strpbrk (cell->str, ",\"\r\n") != NULL;
  if (quote)
    {
      g_string_replace (cell, "\"", "\"\"", 0);
      g_string_prepend_c (cell, '"');
      g_string_append_c (cell, '"');
    }

  return g_string_free (g_steal_pointer (&cell), FALSE);
}

static void
append_row (GString *csv, const char *const *cells, guint n_cells)
{
  for (guint i = 0; i < n_cells; i++)
    {
      g_autofree char *cell = cs_csv_escape_field (cells[i]);

      if (i > 0)
        g_string_append_c (csv, ',');
      g_string_append (csv, cell);
    }

  /* RFC 4180 ends records with CRLF. */
  g_string_append (csv, "\r\n");
}

/**
 * cs_encounters_csv_build:
 * @store: the store
 * @now: the end of the period (the clock can be injected in tests)
 * @days: how many days back, usually %CS_ENCOUNTERS_CSV_DEFAULT_DAYS
 * @error: return location for a #GError
 *
 * One row per in-person meeting that started in the @days days before @now,
 * oldest first: date, time, duration, place, and the people met with their
 * phone and email, since the point of the file is to reach them.
 *
 * Returns: (transfer full) (nullable): the CSV text (UTF-8, CRLF line ends,
 *   a header row), or %NULL on error
 */
char *
cs_encounters_csv_build (CsStore *store, GDateTime *now, guint days, GError **error)
{
  g_autoptr (GListModel) interactions = NULL;
  g_autoptr (GDateTime) from = NULL;
  g_autoptr (GString) csv = NULL;
  const char *header[] = {
    /* Translators: column headers of the encounters CSV file. */
    _ ("Date"),   _ ("Time"),          _ ("Duration (minutes)"), _ ("Place"),
    _ ("People"), _ ("Phone numbers"), _ ("Email addresses"),
  };

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (days > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  from = g_date_time_add_days (now, -(gint) days);
  interactions = cs_store_list_interactions_between (store, from, now, error);
  if (interactions == NULL)
    return NULL;

  csv = g_string_new (NULL);
  append_row (csv, header, G_N_ELEMENTS (header));

  for (guint i = 0; i < g_list_model_get_n_items (interactions); i++)
    {
      g_autoptr (CsInteraction) interaction = g_list_model_get_item (interactions, i);
      g_autoptr (GDateTime) started = NULL;
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      g_autoptr (GPtrArray) phones = g_ptr_array_new ();
      g_autoptr (GPtrArray) emails = g_ptr_array_new ();
      g_autofree char *date = NULL;
      g_autofree char *time = NULL;
      g_autofree char *minutes = NULL;
      g_autofree char *people = NULL;
      g_autofree char *phone_list = NULL;
      g_autofree char *email_list = NULL;
      const gint64 *participants;
      gsize n_participants;

      if (cs_interaction_get_kind (interaction) != CS_INTERACTION_KIND_MEETING)
        continue;

      participants = cs_interaction_get_participants (interaction, &n_participants);
      for (gsize j = 0; j < n_participants; j++)
        {
          CsContact *contact = cs_store_find_contact (store, participants[j]);

          if (contact == NULL)
            continue;
          g_ptr_array_add (names, (gpointer) cs_contact_get_name (contact));
          if (cs_contact_get_phone (contact) != NULL)
            g_ptr_array_add (phones, (gpointer) cs_contact_get_phone (contact));
          if (cs_contact_get_email (contact) != NULL)
            g_ptr_array_add (emails, (gpointer) cs_contact_get_email (contact));
        }
      g_ptr_array_add (names, NULL);
      g_ptr_array_add (phones, NULL);
      g_ptr_array_add (emails, NULL);

      started = g_date_time_to_local (cs_interaction_get_started_at (interaction));
      /* ISO 8601 so that spreadsheets in any language read the dates alike. */
      date = g_date_time_format (started, "%Y-%m-%d");
      time = g_date_time_format (started, "%H:%M");
      minutes =
        g_strdup_printf ("%u", (cs_interaction_get_duration_seconds (interaction) + 59) / 60);
      people = g_strjoinv ("; ", (char **) names->pdata);
      phone_list = g_strjoinv ("; ", (char **) phones->pdata);
      email_list = g_strjoinv ("; ", (char **) emails->pdata);

      {
        const char *row[] = {
          date,   time,       minutes,    cs_interaction_get_place (interaction),
          people, phone_list, email_list,
        };

        append_row (csv, row, G_N_ELEMENTS (row));
      }
    }

  return g_string_free (g_steal_pointer (&csv), FALSE);
}
