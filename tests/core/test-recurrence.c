/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-recurrence"

#include "config.h"

#include "cs-recurrence.h"
#include "cs-scheduled-call.h"

#include <locale.h>

static GDateTime *
paris (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");

  g_assert_nonnull (zone);

  return g_date_time_new (zone, year, month, day, hour, minute, 0);
}

static CsScheduledCall *
make_call (const char *rrule, GDateTime *dtstart)
{
  CsScheduledCall *call = cs_scheduled_call_new ();

  cs_scheduled_call_set_title (call, "Cousinade Dupont");
  cs_scheduled_call_set_tzid (call, "Europe/Paris");
  cs_scheduled_call_set_dtstart (call, dtstart);
  cs_scheduled_call_set_rrule (call, rrule);

  return call;
}

/* Each occurrence as its UTC instant, so a wrong offset across a daylight
 * saving change shows as a wrong hour. */
static void
assert_occurrences_utc (GPtrArray *occurrences, const char *const *expected)
{
  g_autoptr (GString) got = g_string_new (NULL);
  g_autofree char *wanted = g_strjoinv (" ", (char **) expected);

  for (guint i = 0; i < occurrences->len; i++)
    {
      CsOccurrence *occurrence = occurrences->pdata[i];
      g_autoptr (GDateTime) utc = g_date_time_to_utc (occurrence->start);
      g_autofree char *text = g_date_time_format (utc, "%Y-%m-%dT%H:%MZ");

      g_string_append_printf (got, "%s%s", i > 0 ? " " : "", text);
    }

  g_assert_cmpstr (got->str, ==, wanted);
}

static GPtrArray *
expand_year (CsScheduledCall *call, int year)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) from = paris (year, 1, 1, 0, 0);
  g_autoptr (GDateTime) to = paris (year + 1, 1, 1, 0, 0);
  GPtrArray *occurrences = cs_recurrence_expand (call, from, to, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (occurrences);

  return occurrences;
}

static void
test_first_sunday_dst (void)
{
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=MONTHLY;BYDAY=1SU", start);
  g_autoptr (GPtrArray) occurrences = expand_year (call, 2026);
  /* 11:00 in Paris all year: 10:00 UTC in winter, 09:00 UTC from the last
   * Sunday of March to the last Sunday of October. */
  const char *const expected[] = {
    "2026-01-04T10:00Z",
    "2026-02-01T10:00Z",
    "2026-03-01T10:00Z",
    "2026-04-05T09:00Z",
    "2026-05-03T09:00Z",
    "2026-06-07T09:00Z",
    "2026-07-05T09:00Z",
    "2026-08-02T09:00Z",
    "2026-09-06T09:00Z",
    "2026-10-04T09:00Z",
    "2026-11-01T10:00Z",
    "2026-12-06T10:00Z",
    NULL,
  };

  assert_occurrences_utc (occurrences, expected);

  for (guint i = 0; i < occurrences->len; i++)
    {
      CsOccurrence *occurrence = occurrences->pdata[i];

      g_assert_cmpint (g_date_time_get_hour (occurrence->start), ==, 11);
      g_assert_cmpint (g_date_time_get_day_of_week (occurrence->start), ==, G_DATE_SUNDAY);
      g_assert_false (occurrence->moved);
    }

  g_assert_finalize_object (g_steal_pointer (&call));
}

/* The last Sundays of March and October are the change days themselves. */
static void
test_last_sunday_dst (void)
{
  g_autoptr (GDateTime) start = paris (2026, 1, 25, 11, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=MONTHLY;BYDAY=-1SU", start);
  g_autoptr (GPtrArray) occurrences = expand_year (call, 2026);
  const char *const expected[] = {
    "2026-01-25T10:00Z",
    "2026-02-22T10:00Z",
    "2026-03-29T09:00Z",
    "2026-04-26T09:00Z",
    "2026-05-31T09:00Z",
    "2026-06-28T09:00Z",
    "2026-07-26T09:00Z",
    "2026-08-30T09:00Z",
    "2026-09-27T09:00Z",
    "2026-10-25T10:00Z",
    "2026-11-29T10:00Z",
    "2026-12-27T10:00Z",
    NULL,
  };

  assert_occurrences_utc (occurrences, expected);
  g_assert_finalize_object (g_steal_pointer (&call));
}

/* RFC 5545: 02:30 on the spring change day does not exist and is read with the
 * winter offset (03:30 summer time); 02:30 on the autumn day happens twice and
 * is the first one (summer time). */
static void
test_dst_gap_and_fold (void)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr (GDateTime) spring_start = g_date_time_new (zone, 2026, 3, 22, 2, 30, 0);
  g_autoptr (GDateTime) autumn_start = g_date_time_new (zone, 2026, 10, 18, 2, 30, 0);
  g_autoptr (CsScheduledCall) spring = make_call ("FREQ=WEEKLY;BYDAY=SU;COUNT=3", spring_start);
  g_autoptr (CsScheduledCall) autumn = make_call ("FREQ=WEEKLY;BYDAY=SU;COUNT=3", autumn_start);
  g_autoptr (GPtrArray) spring_occurrences = NULL;
  g_autoptr (GPtrArray) autumn_occurrences = NULL;
  g_autoptr (GError) error = NULL;
  const char *const spring_expected[] = {
    "2026-03-22T01:30Z",
    "2026-03-29T01:30Z",
    "2026-04-05T00:30Z",
    NULL,
  };
  const char *const autumn_expected[] = {
    "2026-10-18T00:30Z",
    "2026-10-25T00:30Z",
    "2026-11-01T01:30Z",
    NULL,
  };
  CsOccurrence *gap;

  spring_occurrences = cs_recurrence_expand (spring, NULL, NULL, 10, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (spring_occurrences, spring_expected);
  gap = spring_occurrences->pdata[1];
  g_assert_cmpstr (gap->recurrence_id, ==, "2026-03-29T02:30:00");
  g_assert_cmpint (g_date_time_get_hour (gap->start), ==, 3);
  g_assert_cmpint (g_date_time_get_minute (gap->start), ==, 30);

  autumn_occurrences = cs_recurrence_expand (autumn, NULL, NULL, 10, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (autumn_occurrences, autumn_expected);

  g_assert_finalize_object (g_steal_pointer (&spring));
  g_assert_finalize_object (g_steal_pointer (&autumn));
}

static void
test_day_31 (void)
{
  g_autoptr (GDateTime) start = paris (2026, 1, 31, 10, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=MONTHLY;BYMONTHDAY=31", start);
  g_autoptr (GPtrArray) occurrences = expand_year (call, 2026);
  /* February, April, June, September and November have no 31st: no call then. */
  const char *const expected[] = {
    "2026-01-31T09:00Z", "2026-03-31T08:00Z", "2026-05-31T08:00Z", "2026-07-31T08:00Z",
    "2026-08-31T08:00Z", "2026-10-31T09:00Z", "2026-12-31T09:00Z", NULL,
  };
  g_autofree char *description = NULL;

  assert_occurrences_utc (occurrences, expected);

  description = cs_recurrence_describe ("FREQ=MONTHLY;BYMONTHDAY=31", start);
  g_assert_cmpstr (description, ==,
                   "Every month on day 31 at 10:00, except in months without a day 31");

  g_assert_finalize_object (g_steal_pointer (&call));
}

static void
test_february_29 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2024, 2, 29, 18, 0);
  g_autoptr (GDateTime) to = paris (2033, 1, 1, 0, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=YEARLY", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autofree char *description = NULL;
  const char *const expected[] = {
    "2024-02-29T17:00Z",
    "2028-02-29T17:00Z",
    "2032-02-29T17:00Z",
    NULL,
  };

  occurrences = cs_recurrence_expand (call, NULL, to, 0, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected);

  description = cs_recurrence_describe ("FREQ=YEARLY", start);
  g_assert_cmpstr (description, ==, "Every year on 29 February at 18:00, only in leap years");

  g_assert_finalize_object (g_steal_pointer (&call));
}

static void
test_skip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) skipped = paris (2026, 1, 18, 11, 0);
  g_autoptr (GDateTime) to = paris (2026, 2, 2, 0, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=WEEKLY;BYDAY=SU", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  const char *const expected[] = {
    "2026-01-04T10:00Z", "2026-01-11T10:00Z", "2026-01-25T10:00Z", "2026-02-01T10:00Z", NULL,
  };

  cs_scheduled_call_skip_occurrence (call, skipped);
  g_assert_true (cs_scheduled_call_lookup_exception (call, "2026-01-18T11:00:00", NULL));

  occurrences = cs_recurrence_expand (call, start, to, 0, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected);

  g_assert_finalize_object (g_steal_pointer (&call));
}

static void
test_moved (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) original = paris (2026, 1, 11, 11, 0);
  g_autoptr (GDateTime) moved_to = paris (2026, 1, 10, 15, 30);
  g_autoptr (GDateTime) from = paris (2026, 1, 5, 0, 0);
  g_autoptr (GDateTime) to = paris (2026, 1, 26, 0, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=WEEKLY;BYDAY=SU", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  CsOccurrence *moved;
  const char *const expected[] = {
    "2026-01-10T14:30Z",
    "2026-01-18T10:00Z",
    "2026-01-25T10:00Z",
    NULL,
  };

  cs_scheduled_call_move_occurrence (call, original, moved_to);

  occurrences = cs_recurrence_expand (call, from, to, 0, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected);

  moved = occurrences->pdata[0];
  g_assert_true (moved->moved);
  g_assert_cmpstr (moved->recurrence_id, ==, "2026-01-11T11:00:00");
  g_assert_cmpint (g_date_time_get_hour (moved->end), ==, 16);
  g_assert_cmpint (g_date_time_get_minute (moved->end), ==, 30);

  /* Moved out of the range: gone from it, though its original date is inside. */
  g_clear_pointer (&occurrences, g_ptr_array_unref);
  g_clear_pointer (&moved_to, g_date_time_unref);
  moved_to = paris (2026, 2, 10, 15, 30);
  cs_scheduled_call_move_occurrence (call, original, moved_to);
  occurrences = cs_recurrence_expand (call, from, to, 0, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected + 1);

  g_assert_finalize_object (g_steal_pointer (&call));
}

/* "The next N" with no end, starting long after the series began. */
static void
test_next_from_late_start (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2020, 1, 5, 11, 0);
  g_autoptr (GDateTime) from = paris (2026, 3, 2, 0, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GDateTime) to = paris (2026, 4, 6, 0, 0);
  /* 2020-01-05 plus a multiple of 14 days. */
  const char *const expected[] = {
    "2026-03-08T10:00Z",
    "2026-03-22T10:00Z",
    "2026-04-05T09:00Z",
    NULL,
  };

  occurrences = cs_recurrence_expand (call, from, NULL, 3, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected);
  g_clear_pointer (&occurrences, g_ptr_array_unref);

  /* Walking from the first occurrence gives the same dates as jumping ahead. */
  occurrences = cs_recurrence_expand (call, NULL, to, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, >, 3);
  g_ptr_array_remove_range (occurrences, 0, occurrences->len - 3);
  assert_occurrences_utc (occurrences, expected);

  g_assert_finalize_object (g_steal_pointer (&call));
}

static void
test_single_call (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 7, 14, 20, 0);
  g_autoptr (GDateTime) before = paris (2026, 7, 1, 0, 0);
  g_autoptr (GDateTime) after = paris (2026, 7, 15, 0, 0);
  g_autoptr (CsScheduledCall) call = make_call (NULL, start);
  g_autoptr (GPtrArray) occurrences = NULL;
  const char *const expected[] = { "2026-07-14T18:00Z", NULL };
  const char *const none[] = { NULL };

  occurrences = cs_recurrence_expand (call, before, NULL, 5, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, expected);
  g_clear_pointer (&occurrences, g_ptr_array_unref);

  occurrences = cs_recurrence_expand (call, after, NULL, 5, &error);
  g_assert_no_error (error);
  assert_occurrences_utc (occurrences, none);

  g_assert_finalize_object (g_steal_pointer (&call));
}

static void
test_invalid (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (CsScheduledCall) call = make_call ("FREQ=SOMETIMES", start);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GDateTime) to = paris (2027, 1, 1, 0, 0);

  occurrences = cs_recurrence_expand (call, NULL, to, 0, &error);
  g_assert_error (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID);
  g_assert_null (occurrences);
  g_clear_error (&error);

  g_assert_false (cs_recurrence_validate ("FREQ=MINUTELY", &error));
  g_assert_error (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (cs_recurrence_validate (NULL, &error));
  g_assert_no_error (error);

  /* Rules that never happen end (refused, or with the first call only) rather
   * than looping. */
  cs_scheduled_call_set_rrule (call, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
  occurrences = cs_recurrence_expand (call, NULL, to, 0, &error);
  if (occurrences == NULL)
    g_assert_error (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID);
  else
    g_assert_cmpuint (occurrences->len, <=, 1);
  g_clear_error (&error);
  g_clear_pointer (&occurrences, g_ptr_array_unref);

  cs_scheduled_call_set_rrule (call, "FREQ=MONTHLY;BYDAY=5SU;BYMONTH=2");
  occurrences = cs_recurrence_expand (call, start, NULL, 3, &error);
  if (occurrences == NULL)
    g_assert_error (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_finalize_object (g_steal_pointer (&call));
}

typedef struct
{
  const char *rrule;
  CsRecurrenceKind kind;
  GDateWeekday weekday;
  int ordinal;
  int day;
  /* What the preset writes back; NULL: the same as rrule. */
  const char *canonical;
} PresetCase;

static void
test_presets (void)
{
  /* Sunday 4 January 2026. */
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  const PresetCase cases[] = {
    { NULL, CS_RECURRENCE_ONCE, 0, 0, 0, NULL },
    { "FREQ=WEEKLY;BYDAY=SU", CS_RECURRENCE_WEEKLY, G_DATE_SUNDAY, 0, 0, NULL },
    { "FREQ=WEEKLY", CS_RECURRENCE_WEEKLY, G_DATE_SUNDAY, 0, 0, "FREQ=WEEKLY;BYDAY=SU" },
    { "FREQ=WEEKLY;WKST=MO;BYDAY=TU", CS_RECURRENCE_WEEKLY, G_DATE_TUESDAY, 0, 0,
      "FREQ=WEEKLY;BYDAY=TU" },
    { "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", CS_RECURRENCE_EVERY_OTHER_WEEK, G_DATE_SATURDAY, 0, 0,
      NULL },
    { "FREQ=MONTHLY;BYDAY=1SU", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_SUNDAY, 1, 0, NULL },
    { "FREQ=MONTHLY;BYDAY=2MO", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_MONDAY, 2, 0, NULL },
    { "FREQ=MONTHLY;BYDAY=3WE", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_WEDNESDAY, 3, 0, NULL },
    { "FREQ=MONTHLY;BYDAY=4TH", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_THURSDAY, 4, 0, NULL },
    { "FREQ=MONTHLY;BYDAY=-1FR", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_FRIDAY, -1, 0, NULL },
    { "FREQ=MONTHLY;BYDAY=SU;BYSETPOS=1", CS_RECURRENCE_MONTHLY_BY_WEEKDAY, G_DATE_SUNDAY, 1, 0,
      "FREQ=MONTHLY;BYDAY=1SU" },
    { "FREQ=MONTHLY;BYMONTHDAY=15", CS_RECURRENCE_MONTHLY_BY_DAY, 0, 0, 15, NULL },
    { "FREQ=MONTHLY", CS_RECURRENCE_MONTHLY_BY_DAY, 0, 0, 4, "FREQ=MONTHLY;BYMONTHDAY=4" },
    /* Anything else is kept as written. */
    { "FREQ=MONTHLY;BYDAY=5SU", CS_RECURRENCE_CUSTOM, 0, 0, 0, NULL },
    { "FREQ=WEEKLY;BYDAY=MO,TH", CS_RECURRENCE_CUSTOM, 0, 0, 0, NULL },
    { "FREQ=WEEKLY;COUNT=4;BYDAY=SU", CS_RECURRENCE_CUSTOM, 0, 0, 0, NULL },
    { "FREQ=DAILY;INTERVAL=3", CS_RECURRENCE_CUSTOM, 0, 0, 0, NULL },
    { "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU", CS_RECURRENCE_CUSTOM, 0, 0, 0, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CsRecurrencePreset preset;
      g_autofree char *rrule = NULL;

      g_test_message ("%s", cases[i].rrule ? cases[i].rrule : "(once)");
      g_assert_true (cs_recurrence_preset_from_rrule (cases[i].rrule, start, &preset));
      g_assert_cmpint (preset.kind, ==, cases[i].kind);

      if (preset.kind == CS_RECURRENCE_CUSTOM || preset.kind == CS_RECURRENCE_ONCE)
        {
          g_assert_null (cs_recurrence_preset_to_rrule (&preset));
          continue;
        }

      g_assert_cmpint (preset.weekday, ==, cases[i].weekday);
      if (preset.kind == CS_RECURRENCE_MONTHLY_BY_WEEKDAY)
        g_assert_cmpint (preset.ordinal, ==, cases[i].ordinal);
      if (preset.kind == CS_RECURRENCE_MONTHLY_BY_DAY)
        g_assert_cmpint (preset.day, ==, cases[i].day);

      rrule = cs_recurrence_preset_to_rrule (&preset);
      g_assert_cmpstr (rrule, ==, cases[i].canonical ? cases[i].canonical : cases[i].rrule);
    }

  /* Invalid rules are not presets and say so. */
  {
    CsRecurrencePreset preset;

    g_assert_false (cs_recurrence_preset_from_rrule ("FREQ=NEVER", start, &preset));
    g_assert_cmpint (preset.kind, ==, CS_RECURRENCE_CUSTOM);
  }
}

static void
test_preset_for_start (void)
{
  g_autoptr (GDateTime) first = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) fifth = paris (2026, 3, 29, 11, 0);
  CsRecurrencePreset preset;
  g_autofree char *first_rule = NULL;
  g_autofree char *fifth_rule = NULL;
  g_autofree char *weekly_rule = NULL;
  g_autofree char *day_rule = NULL;

  cs_recurrence_preset_init_for_start (&preset, CS_RECURRENCE_MONTHLY_BY_WEEKDAY, first);
  first_rule = cs_recurrence_preset_to_rrule (&preset);
  g_assert_cmpstr (first_rule, ==, "FREQ=MONTHLY;BYDAY=1SU");

  /* The fifth Sunday of March is offered as "the last", which every month has. */
  cs_recurrence_preset_init_for_start (&preset, CS_RECURRENCE_MONTHLY_BY_WEEKDAY, fifth);
  fifth_rule = cs_recurrence_preset_to_rrule (&preset);
  g_assert_cmpstr (fifth_rule, ==, "FREQ=MONTHLY;BYDAY=-1SU");

  cs_recurrence_preset_init_for_start (&preset, CS_RECURRENCE_WEEKLY, first);
  weekly_rule = cs_recurrence_preset_to_rrule (&preset);
  g_assert_cmpstr (weekly_rule, ==, "FREQ=WEEKLY;BYDAY=SU");

  cs_recurrence_preset_init_for_start (&preset, CS_RECURRENCE_MONTHLY_BY_DAY, fifth);
  day_rule = cs_recurrence_preset_to_rrule (&preset);
  g_assert_cmpstr (day_rule, ==, "FREQ=MONTHLY;BYMONTHDAY=29");
}

static void
test_describe (void)
{
  g_autoptr (GDateTime) sunday = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) friday = paris (2026, 1, 30, 18, 30);
  const struct
  {
    const char *rrule;
    GDateTime *start;
    const char *expected;
  } cases[] = {
    { "FREQ=MONTHLY;BYDAY=1SU", sunday, "Every first Sunday of the month at 11:00" },
    { "FREQ=MONTHLY;BYDAY=-1FR", friday, "Every last Friday of the month at 18:30" },
    { "FREQ=WEEKLY;BYDAY=SU", sunday, "Every Sunday at 11:00" },
    { "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", sunday, "Every other Sunday at 11:00" },
    { "FREQ=MONTHLY;BYMONTHDAY=15", sunday, "Every month on day 15 at 11:00" },
    { "FREQ=DAILY;INTERVAL=3;COUNT=5", sunday, "Every 3 days at 11:00, 5 times" },
    { "FREQ=WEEKLY;BYDAY=MO,TH", sunday, "Every week on Monday, Thursday at 11:00" },
    { NULL, sunday, "Once, on Sunday 4 January 2026 at 11:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *description = cs_recurrence_describe (cases[i].rrule, cases[i].start);

      g_assert_cmpstr (description, ==, cases[i].expected);
    }
}

static void
test_model (void)
{
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) other = cs_scheduled_call_new ();
  g_autoptr (CsScheduledCall) copy = NULL;
  g_autoptr (GDateTime) start = paris (2026, 1, 4, 11, 0);
  g_autoptr (GDateTime) moved = paris (2026, 1, 12, 20, 0);
  g_autofree char *uid = g_strdup (cs_scheduled_call_get_uid (call));

  /* A uid is made once, differs between calls, and survives copies. */
  g_assert_nonnull (uid);
  g_assert_cmpstr (uid, !=, cs_scheduled_call_get_uid (other));
  cs_scheduled_call_set_dtstart (call, start);
  g_assert_cmpstr (cs_scheduled_call_get_tzid (call), ==, "Europe/Paris");
  cs_scheduled_call_skip_occurrence (call, start);
  cs_scheduled_call_move_occurrence (call, start, moved);
  copy = cs_scheduled_call_copy (call);
  g_assert_cmpstr (cs_scheduled_call_get_uid (copy), ==, uid);
  g_assert_cmpuint (cs_scheduled_call_get_n_exceptions (copy), ==, 1);

  /* Changing the zone keeps 11:00 on the wall clock. */
  cs_scheduled_call_set_tzid (call, "America/Montreal");
  g_assert_cmpint (g_date_time_get_hour (cs_scheduled_call_get_dtstart (call)), ==, 11);
  g_assert_cmpint (g_date_time_get_utc_offset (cs_scheduled_call_get_dtstart (call)) /
                     G_USEC_PER_SEC,
                   ==, -5 * 3600);

  g_assert_finalize_object (g_steal_pointer (&copy));
  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&call));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/recurrence/first-sunday/dst", test_first_sunday_dst);
  g_test_add_func ("/recurrence/last-sunday/dst", test_last_sunday_dst);
  g_test_add_func ("/recurrence/day-31", test_day_31);
  g_test_add_func ("/recurrence/dst-gap-and-fold", test_dst_gap_and_fold);
  g_test_add_func ("/recurrence/february-29", test_february_29);
  g_test_add_func ("/recurrence/skip", test_skip);
  g_test_add_func ("/recurrence/moved", test_moved);
  g_test_add_func ("/recurrence/next-from-late-start", test_next_from_late_start);
  g_test_add_func ("/recurrence/single", test_single_call);
  g_test_add_func ("/recurrence/invalid", test_invalid);
  g_test_add_func ("/recurrence/presets", test_presets);
  g_test_add_func ("/recurrence/presets/for-start", test_preset_for_start);
  g_test_add_func ("/recurrence/describe", test_describe);
  g_test_add_func ("/scheduled-call/model", test_model);

  return g_test_run ();
}
