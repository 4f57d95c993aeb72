/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-ics-import"

#include "config.h"

#include "cs-ics.h"
#include "cs-recurrence.h"
#include "cs-scheduled-call.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Calendar files come from anywhere (a mail attachment, a web download): whatever the
 * bytes, the parser either refuses with an error or hands out calls the rest of the app
 * can use as they are: a known zone, a start, a rule it can expand and describe. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) calls = cs_ics_parse ((const char *) data, (gssize) size, &error);

  if (calls == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CS_ICS_ERROR);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (calls->len, >, 0);

  for (guint i = 0; i < calls->len; i++)
    {
      CsScheduledCall *call = calls->pdata[i];
      g_autoptr (GPtrArray) occurrences = NULL;
      g_autoptr (GError) expand_error = NULL;
      g_autofree char *description = NULL;
      CsRecurrencePreset preset;

      g_assert_nonnull (cs_scheduled_call_get_uid (call));
      g_assert_nonnull (cs_scheduled_call_get_timezone (call));
      g_assert_nonnull (cs_scheduled_call_get_dtstart (call));
      g_assert_true (cs_recurrence_validate (cs_scheduled_call_get_rrule (call), NULL));

      description = cs_recurrence_describe (cs_scheduled_call_get_rrule (call),
                                            cs_scheduled_call_get_dtstart (call));
      g_assert_nonnull (description);
      cs_recurrence_preset_from_rrule (cs_scheduled_call_get_rrule (call),
                                       cs_scheduled_call_get_dtstart (call), &preset);

      occurrences = cs_recurrence_expand (call, NULL, NULL, 5, &expand_error);
      if (occurrences == NULL)
        {
          g_assert_error (expand_error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID);
          continue;
        }
      for (guint j = 0; j + 1 < occurrences->len; j++)
        {
          CsOccurrence *a = occurrences->pdata[j];
          CsOccurrence *b = occurrences->pdata[j + 1];

          g_assert_cmpint (g_date_time_compare (a->start, b->start), <=, 0);
        }
    }

  return 0;
}
