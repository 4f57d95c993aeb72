/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-recurrence"

/* Repetition of scheduled calls through libical: the presets shown to people,
 * their plain-words descriptions, and the occurrences of a series. */

#include "config.h"

#include "cs-recurrence.h"

#include <glib/gi18n.h>
#include <libical/ical.h>

/* A rule whose iterator walks this far without reaching the asked range is
 * given up on: some valid rules never produce anything (the 30th of February). */
#define MAX_ITERATIONS 20000

G_DEFINE_QUARK (cs_recurrence_error_quark, cs_recurrence_error)

G_DEFINE_BOXED_TYPE (CsOccurrence, cs_occurrence, cs_occurrence_ref, cs_occurrence_unref)

static const char *const weekday_codes[] = { NULL, "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

static CsOccurrence *
cs_occurrence_new (void)
{
  return g_atomic_rc_box_new0 (CsOccurrence);
}

CsOccurrence *
cs_occurrence_ref (CsOccurrence *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
occurrence_clear (CsOccurrence *self)
{
  g_free (self->call_uid);
  g_free (self->circle_name);
  g_free (self->title);
  g_free (self->recurrence_id);
  g_clear_pointer (&self->start, g_date_time_unref);
  g_clear_pointer (&self->end, g_date_time_unref);
  g_clear_pointer (&self->user_start, g_date_time_unref);
}

void
cs_occurrence_unref (CsOccurrence *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) occurrence_clear);
}

static int
ical_weekday_from_gdate (GDateWeekday weekday)
{
  /* libical counts from Sunday = 1, GLib from Monday = 1. */
  return (weekday % 7) + 1;
}

static GDateWeekday
gdate_weekday_from_ical (int weekday)
{
  return weekday == ICAL_SUNDAY_WEEKDAY ? G_DATE_SUNDAY : (GDateWeekday) (weekday - 1);
}

static gboolean
array_is_empty (const short *array)
{
  return array[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

static guint
array_length (const short *array, guint size)
{
  guint n = 0;

  while (n < size && array[n] != ICAL_RECURRENCE_ARRAY_MAX)
    n++;

  return n;
}

/* Parses without leaving libical's error state set for whoever calls next. */
static gboolean
parse_rule (const char *rrule, struct icalrecurrencetype *recur)
{
  if (rrule == NULL)
    return FALSE;

  if (g_str_has_prefix (rrule, "RRULE:"))
    rrule += strlen ("RRULE:");

  icalerror_clear_errno ();
  *recur = icalrecurrencetype_from_string (rrule);
  if (icalerrno != ICAL_NO_ERROR || recur->freq == ICAL_NO_RECURRENCE)
    {
      icalerror_clear_errno ();
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_valid_ordinal (int ordinal)
{
  return (ordinal >= 1 && ordinal <= 4) || ordinal == -1;
}

/**
 * cs_recurrence_preset_from_rrule:
 * @rrule: (nullable): an RRULE value, or NULL for a single call
 * @dtstart: (nullable): the series' start, which fills what the rule leaves
 *   implicit ("FREQ=WEEKLY" repeats on the start's weekday)
 * @preset: (out): the preset, CS_RECURRENCE_CUSTOM for any other rule
 *
 * Returns: FALSE when @rrule is not a valid rule (@preset is then CUSTOM)
 */
gboolean
cs_recurrence_preset_from_rrule (const char *rrule, GDateTime *dtstart, CsRecurrencePreset *preset)
{
  struct icalrecurrencetype recur;
  guint n_days, n_month_days, n_set_pos;
  int day_weekday = 0, day_position = 0;

  g_return_val_if_fail (preset != NULL, FALSE);

  *preset = (CsRecurrencePreset){ .kind = CS_RECURRENCE_CUSTOM };

  if (rrule == NULL || rrule[0] == '\0')
    {
      preset->kind = CS_RECURRENCE_ONCE;
      return TRUE;
    }

  if (!parse_rule (rrule, &recur))
    return FALSE;

  /* Anything that ends, or narrows by more than a day, is not a preset. */
  if (recur.count != 0 || !icaltime_is_null_time (recur.until) || recur.rscale != NULL ||
      !array_is_empty (recur.by_second) || !array_is_empty (recur.by_minute) ||
      !array_is_empty (recur.by_hour) || !array_is_empty (recur.by_year_day) ||
      !array_is_empty (recur.by_week_no) || !array_is_empty (recur.by_month))
    return TRUE;

  n_days = array_length (recur.by_day, ICAL_BY_DAY_SIZE);
  n_month_days = array_length (recur.by_month_day, ICAL_BY_MONTHDAY_SIZE);
  n_set_pos = array_length (recur.by_set_pos, ICAL_BY_SETPOS_SIZE);
  if (n_days == 1)
    {
      day_weekday = icalrecurrencetype_day_day_of_week (recur.by_day[0]);
      day_position = icalrecurrencetype_day_position (recur.by_day[0]);
    }
  else if (n_days == 0 && dtstart != NULL)
    {
      day_weekday = ical_weekday_from_gdate (g_date_time_get_day_of_week (dtstart));
    }

  if (recur.freq == ICAL_WEEKLY_RECURRENCE && (recur.interval == 1 || recur.interval == 2) &&
      n_days <= 1 && day_weekday != 0 && day_position == 0 && n_month_days == 0 && n_set_pos == 0)
    {
      preset->kind = recur.interval == 1 ? CS_RECURRENCE_WEEKLY : CS_RECURRENCE_EVERY_OTHER_WEEK;
      preset->weekday = gdate_weekday_from_ical (day_weekday);
      return TRUE;
    }

  if (recur.freq != ICAL_MONTHLY_RECURRENCE || recur.interval != 1)
    return TRUE;

  /* "The first Sunday" is written BYDAY=1SU by most, BYDAY=SU;BYSETPOS=1 by some. */
  if (n_days == 1 && n_month_days == 0 &&
      ((n_set_pos == 0 && is_valid_ordinal (day_position)) ||
       (n_set_pos == 1 && day_position == 0 && is_valid_ordinal (recur.by_set_pos[0]))))
    {
      preset->kind = CS_RECURRENCE_MONTHLY_BY_WEEKDAY;
      preset->weekday = gdate_weekday_from_ical (day_weekday);
      preset->ordinal = n_set_pos == 1 ? recur.by_set_pos[0] : day_position;
      return TRUE;
    }

  if (n_days == 0 && n_set_pos == 0 && n_month_days <= 1)
    {
      int day = n_month_days == 1 ? recur.by_month_day[0]
                : dtstart != NULL ? g_date_time_get_day_of_month (dtstart)
                                  : 0;

      if (day >= 1 && day <= 31)
        {
          preset->kind = CS_RECURRENCE_MONTHLY_BY_DAY;
          preset->day = day;
        }
    }

  return TRUE;
}

/**
 * cs_recurrence_preset_to_rrule:
 * @preset: a preset
 *
 * Returns: (transfer full) (nullable): the RRULE value, or NULL for
 *   CS_RECURRENCE_ONCE and CS_RECURRENCE_CUSTOM (whose rule the caller keeps)
 */
char *
cs_recurrence_preset_to_rrule (const CsRecurrencePreset *preset)
{
  g_return_val_if_fail (preset != NULL, NULL);

  switch (preset->kind)
    {
    case CS_RECURRENCE_WEEKLY:
    case CS_RECURRENCE_EVERY_OTHER_WEEK:
    case CS_RECURRENCE_MONTHLY_BY_WEEKDAY:
      g_return_val_if_fail (preset->weekday >= G_DATE_MONDAY && preset->weekday <= G_DATE_SUNDAY,
                            NULL);
      break;
    default:
      break;
    }

  switch (preset->kind)
    {
    case CS_RECURRENCE_WEEKLY:
      return g_strdup_printf ("FREQ=WEEKLY;BYDAY=%s", weekday_codes[preset->weekday]);

    case CS_RECURRENCE_EVERY_OTHER_WEEK:
      return g_strdup_printf ("FREQ=WEEKLY;INTERVAL=2;BYDAY=%s", weekday_codes[preset->weekday]);

    case CS_RECURRENCE_MONTHLY_BY_WEEKDAY:
      g_return_val_if_fail (is_valid_ordinal (preset->ordinal), NULL);
      return g_strdup_printf ("FREQ=MONTHLY;BYDAY=%d%s", preset->ordinal,
                              weekday_codes[preset->weekday]);

    case CS_RECURRENCE_MONTHLY_BY_DAY:
      g_return_val_if_fail (preset->day >= 1 && preset->day <= 31, NULL);
      return g_strdup_printf ("FREQ=MONTHLY;BYMONTHDAY=%d", preset->day);

    case CS_RECURRENCE_ONCE:
    case CS_RECURRENCE_CUSTOM:
    default:
      return NULL;
    }
}

/* What a menu of presets shows for a call starting at @dtstart: weekly on its
 * weekday, monthly on its weekday's rank (the 5th Sunday becomes the last) or
 * its day of the month. */
void
cs_recurrence_preset_init_for_start (CsRecurrencePreset *preset,
                                     CsRecurrenceKind kind,
                                     GDateTime *dtstart)
{
  int day;

  g_return_if_fail (preset != NULL);
  g_return_if_fail (dtstart != NULL);

  day = g_date_time_get_day_of_month (dtstart);
  *preset = (CsRecurrencePreset){
    .kind = kind,
    .weekday = g_date_time_get_day_of_week (dtstart),
    .ordinal = day > 28 ? -1 : (day - 1) / 7 + 1,
    .day = day,
  };
}

/**
 * cs_recurrence_validate:
 * @rrule: (nullable): an RRULE value; NULL is a single call, which is valid
 * @error: a CS_RECURRENCE_ERROR_INVALID in plain words
 *
 * Returns: whether the rule can be used for a call series
 */
gboolean
cs_recurrence_validate (const char *rrule, GError **error)
{
  struct icalrecurrencetype recur;

  if (rrule == NULL || rrule[0] == '\0')
    return TRUE;

  if (!parse_rule (rrule, &recur))
    {
      g_set_error_literal (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID,
                           _ ("The repetition rule is not valid. Please choose one of the "
                              "proposed repetitions."));
      return FALSE;
    }

  /* A call every second or minute makes no sense and only costs time. */
  if (recur.freq == ICAL_SECONDLY_RECURRENCE || recur.freq == ICAL_MINUTELY_RECURRENCE)
    {
      g_set_error_literal (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID,
                           _ ("A call cannot repeat more often than every hour."));
      return FALSE;
    }

  return TRUE;
}

static const char *
weekday_name (GDateWeekday weekday)
{
  /* In the middle of a sentence, so lower-case where the language wants it. */
  switch (weekday)
    {
    case G_DATE_MONDAY:
      return C_ ("weekday in a sentence", "Monday");
    case G_DATE_TUESDAY:
      return C_ ("weekday in a sentence", "Tuesday");
    case G_DATE_WEDNESDAY:
      return C_ ("weekday in a sentence", "Wednesday");
    case G_DATE_THURSDAY:
      return C_ ("weekday in a sentence", "Thursday");
    case G_DATE_FRIDAY:
      return C_ ("weekday in a sentence", "Friday");
    case G_DATE_SATURDAY:
      return C_ ("weekday in a sentence", "Saturday");
    case G_DATE_SUNDAY:
      return C_ ("weekday in a sentence", "Sunday");
    case G_DATE_BAD_WEEKDAY:
    default:
      return "?";
    }
}

static char *
describe_monthly_by_weekday (int ordinal, GDateWeekday weekday, const char *time)
{
  const char *name = weekday_name (weekday);

  switch (ordinal)
    {
    case 1:
      /* Translators: "Every first Sunday of the month at 11:00". */
      return g_strdup_printf (_ ("Every first %s of the month at %s"), name, time);
    case 2:
      return g_strdup_printf (_ ("Every second %s of the month at %s"), name, time);
    case 3:
      return g_strdup_printf (_ ("Every third %s of the month at %s"), name, time);
    case 4:
      return g_strdup_printf (_ ("Every fourth %s of the month at %s"), name, time);
    case -1:
    default:
      return g_strdup_printf (_ ("Every last %s of the month at %s"), name, time);
    }
}

static char *
describe_monthly_by_day (int day, const char *time)
{
  /* RFC 5545 skips the months that lack the day rather than moving the call. */
  if (day > 28)
    return g_strdup_printf (_ ("Every month on day %d at %s, except in months without a day %d"),
                            day, time, day);

  return g_strdup_printf (_ ("Every month on day %d at %s"), day, time);
}

static char *
describe_custom (struct icalrecurrencetype *recur, GDateTime *dtstart, const char *time)
{
  g_autoptr (GString) text = g_string_new (NULL);
  int interval = MAX (1, recur->interval);
  guint n_days = array_length (recur->by_day, ICAL_BY_DAY_SIZE);
  gboolean plain = TRUE;

  switch (recur->freq)
    {
    case ICAL_YEARLY_RECURRENCE:
      if (interval == 1 && array_is_empty (recur->by_month) && n_days == 0 &&
          array_is_empty (recur->by_month_day) && dtstart != NULL)
        {
          g_autofree char *date = g_date_time_format (dtstart, "%-d %B");

          if (g_date_time_get_month (dtstart) == 2 && g_date_time_get_day_of_month (dtstart) == 29)
            g_string_printf (text, _ ("Every year on %s at %s, only in leap years"), date, time);
          else
            g_string_printf (text, _ ("Every year on %s at %s"), date, time);
          plain = FALSE;
        }
      else
        {
          g_string_printf (text,
                           interval == 1
                             ? _ ("Every year")
                             : g_dngettext (NULL, "Every %d year", "Every %d years", interval),
                           interval);
        }
      break;
    case ICAL_MONTHLY_RECURRENCE:
      g_string_printf (text,
                       interval == 1
                         ? _ ("Every month")
                         : g_dngettext (NULL, "Every %d month", "Every %d months", interval),
                       interval);
      break;
    case ICAL_WEEKLY_RECURRENCE:
      g_string_printf (text,
                       interval == 1
                         ? _ ("Every week")
                         : g_dngettext (NULL, "Every %d week", "Every %d weeks", interval),
                       interval);
      if (n_days > 0)
        {
          g_autoptr (GString) days = g_string_new (NULL);

          for (guint i = 0; i < n_days; i++)
            {
              int weekday = icalrecurrencetype_day_day_of_week (recur->by_day[i]);

              if (i > 0)
                g_string_append (days, ", ");
              g_string_append (days, weekday_name (gdate_weekday_from_ical (weekday)));
            }
          /* Translators: "Every week" followed by "on Monday, Thursday". */
          g_string_append_printf (text, _ (" on %s"), days->str);
        }
      break;
    case ICAL_DAILY_RECURRENCE:
      g_string_printf (text,
                       interval == 1
                         ? _ ("Every day")
                         : g_dngettext (NULL, "Every %d day", "Every %d days", interval),
                       interval);
      break;
    case ICAL_HOURLY_RECURRENCE:
    default:
      g_string_printf (text,
                       interval == 1
                         ? _ ("Every hour")
                         : g_dngettext (NULL, "Every %d hour", "Every %d hours", interval),
                       interval);
      time = NULL;
      break;
    }

  if (plain && time != NULL)
    /* Translators: "Every 3 days" followed by " at 11:00". */
    g_string_append_printf (text, _ (" at %s"), time);

  if (recur->count > 0)
    g_string_append_printf (text, g_dngettext (NULL, ", %d time", ", %d times", recur->count),
                            recur->count);
  else if (!icaltime_is_null_time (recur->until))
    {
      g_autofree char *until =
        g_strdup_printf ("%d-%02d-%02d", recur->until.year, recur->until.month, recur->until.day);

      g_string_append_printf (text, _ (", until %s"), until);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * cs_recurrence_describe:
 * @rrule: (nullable): an RRULE value, NULL for a single call
 * @dtstart: the start of the series, in its zone
 *
 * Returns: (transfer full): the repetition in plain, translated words, such as
 *   "Every first Sunday of the month at 11:00"
 */
char *
cs_recurrence_describe (const char *rrule, GDateTime *dtstart)
{
  g_autofree char *time = NULL;
  CsRecurrencePreset preset;
  struct icalrecurrencetype recur;

  g_return_val_if_fail (dtstart != NULL, NULL);

  time = g_date_time_format (dtstart, "%H:%M");

  if (!cs_recurrence_preset_from_rrule (rrule, dtstart, &preset))
    return g_strdup (_ ("Repeats in a way Cousinade cannot describe"));

  switch (preset.kind)
    {
    case CS_RECURRENCE_ONCE:
      {
        g_autofree char *date = g_date_time_format (dtstart, "%A %-d %B %Y");

        return g_strdup_printf (_ ("Once, on %s at %s"), date, time);
      }
    case CS_RECURRENCE_WEEKLY:
      /* Translators: "Every Sunday at 11:00". */
      return g_strdup_printf (_ ("Every %s at %s"), weekday_name (preset.weekday), time);
    case CS_RECURRENCE_EVERY_OTHER_WEEK:
      /* Translators: "Every other Sunday at 11:00". */
      return g_strdup_printf (_ ("Every other %s at %s"), weekday_name (preset.weekday), time);
    case CS_RECURRENCE_MONTHLY_BY_WEEKDAY:
      return describe_monthly_by_weekday (preset.ordinal, preset.weekday, time);
    case CS_RECURRENCE_MONTHLY_BY_DAY:
      return describe_monthly_by_day (preset.day, time);
    case CS_RECURRENCE_CUSTOM:
    default:
      parse_rule (rrule, &recur);
      return describe_custom (&recur, dtstart, time);
    }
}

static struct icaltimetype
ical_time_from_wall_clock (GDateTime *datetime)
{
  struct icaltimetype t = icaltime_null_time ();

  t.year = g_date_time_get_year (datetime);
  t.month = g_date_time_get_month (datetime);
  t.day = g_date_time_get_day_of_month (datetime);
  t.hour = g_date_time_get_hour (datetime);
  t.minute = g_date_time_get_minute (datetime);
  t.second = g_date_time_get_second (datetime);
  t.is_date = 0;

  return t;
}

static CsOccurrence *
occurrence_new_for (CsScheduledCall *call, const char *recurrence_id, GDateTime *start)
{
  CsOccurrence *occurrence = cs_occurrence_new ();

  occurrence->call_uid = g_strdup (cs_scheduled_call_get_uid (call));
  occurrence->call_id = cs_scheduled_call_get_id (call);
  occurrence->circle_id = cs_scheduled_call_get_circle_id (call);
  occurrence->title = g_strdup (cs_scheduled_call_get_title (call));
  occurrence->recurrence_id = g_strdup (recurrence_id);
  occurrence->start = g_date_time_ref (start);
  occurrence->end =
    g_date_time_add_minutes (start, (int) cs_scheduled_call_get_duration_minutes (call));

  return occurrence;
}

static gboolean
in_range (GDateTime *start, GDateTime *from, GDateTime *to)
{
  return (from == NULL || g_date_time_compare (start, from) >= 0) &&
         (to == NULL || g_date_time_compare (start, to) < 0);
}

static int
compare_occurrences (gconstpointer a, gconstpointer b)
{
  const CsOccurrence *first = *(CsOccurrence **) a;
  const CsOccurrence *second = *(CsOccurrence **) b;
  int by_start = g_date_time_compare (first->start, second->start);

  return by_start != 0 ? by_start : g_strcmp0 (first->call_uid, second->call_uid);
}

static void
add_moved_occurrences (CsScheduledCall *call, GDateTime *from, GDateTime *to, GPtrArray *result)
{
  g_auto (GStrv) ids = cs_scheduled_call_dup_exception_ids (call);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr (GDateTime) new_start = NULL;

      if (cs_scheduled_call_lookup_exception (call, ids[i], &new_start) && new_start != NULL &&
          in_range (new_start, from, to))
        {
          CsOccurrence *occurrence = occurrence_new_for (call, ids[i], new_start);

          occurrence->moved = TRUE;
          g_ptr_array_add (result, occurrence);
        }
    }
}

/**
 * cs_recurrence_expand:
 * @call: a series, with a start and a known zone
 * @from: (nullable): the earliest start to return (inclusive), NULL for the first
 * @to: (nullable): the latest start (exclusive), NULL for no end
 * @max_occurrences: the most occurrences to return, 0 for no limit (which
 *   needs @to, or a rule that ends)
 * @error: CS_RECURRENCE_ERROR_INVALID for an invalid rule or an unknown zone
 *
 * Each occurrence keeps its wall-clock time in the series' zone across daylight
 * saving changes. Skipped occurrences are left out; moved ones appear at their
 * new start (when it is in the range) with their original recurrence id. A
 * rule day that a month lacks (the 31st, 29 February) is skipped, not moved.
 *
 * Returns: (transfer full) (element-type CsOccurrence): the occurrences, by start
 */
GPtrArray *
cs_recurrence_expand (CsScheduledCall *call,
                      GDateTime *from,
                      GDateTime *to,
                      guint max_occurrences,
                      GError **error)
{
  g_autoptr (GPtrArray) result = NULL;
  struct icalrecurrencetype recur;
  icalrecur_iterator *iter;
  GTimeZone *zone;
  GDateTime *dtstart;
  const char *rrule;
  guint n_regular = 0;

  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), NULL);
  g_return_val_if_fail (max_occurrences > 0 || to != NULL ||
                          cs_scheduled_call_get_rrule (call) == NULL,
                        NULL);

  zone = cs_scheduled_call_get_timezone (call);
  dtstart = cs_scheduled_call_get_dtstart (call);
  rrule = cs_scheduled_call_get_rrule (call);
  if (zone == NULL || dtstart == NULL)
    {
      g_set_error_literal (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID,
                           _ ("The call has no start time or an unknown time zone."));
      return NULL;
    }

  if (!cs_recurrence_validate (rrule, error))
    return NULL;

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);

  if (rrule == NULL)
    {
      g_autofree char *id = cs_scheduled_call_format_local (dtstart);

      if (!cs_scheduled_call_lookup_exception (call, id, NULL) && in_range (dtstart, from, to))
        g_ptr_array_add (result, occurrence_new_for (call, id, dtstart));
      add_moved_occurrences (call, from, to, result);
      g_ptr_array_sort (result, compare_occurrences);
      return g_steal_pointer (&result);
    }

  parse_rule (rrule, &recur);
  iter = icalrecur_iterator_new (recur, ical_time_from_wall_clock (dtstart));
  if (iter == NULL)
    {
      icalerror_clear_errno ();
      g_set_error_literal (error, CS_RECURRENCE_ERROR, CS_RECURRENCE_ERROR_INVALID,
                           _ ("The repetition rule is not valid. Please choose one of the "
                              "proposed repetitions."));
      return NULL;
    }

  /* Jumping close to @from saves walking years of past occurrences; a day
   * earlier covers any zone offset. COUNT needs the walk from the start. */
  if (from != NULL && recur.count == 0 && g_date_time_compare (from, dtstart) > 0)
    {
      g_autoptr (GDateTime) from_local = g_date_time_to_timezone (from, zone);
      g_autoptr (GDateTime) day_before = g_date_time_add_days (from_local, -1);

      if (g_date_time_compare (day_before, dtstart) > 0)
        icalrecur_iterator_set_start (iter, ical_time_from_wall_clock (day_before));
    }

  for (guint i = 0; i < MAX_ITERATIONS; i++)
    {
      struct icaltimetype next = icalrecur_iterator_next (iter);
      g_autoptr (GDateTime) start = NULL;
      g_autofree char *id = NULL;

      if (icaltime_is_null_time (next))
        break;

      start = cs_scheduled_call_new_local (zone, next.year, next.month, next.day, next.hour,
                                           next.minute, next.second);
      if (start == NULL)
        break;
      if (to != NULL && g_date_time_compare (start, to) >= 0)
        break;
      if (!in_range (start, from, to))
        continue;

      id = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d", next.year, next.month, next.day,
                            next.hour, next.minute, next.second);
      if (cs_scheduled_call_lookup_exception (call, id, NULL))
        continue;

      g_ptr_array_add (result, occurrence_new_for (call, id, start));
      if (max_occurrences > 0 && ++n_regular >= max_occurrences)
        break;
    }
  icalrecur_iterator_free (iter);
  icalerror_clear_errno ();

  add_moved_occurrences (call, from, to, result);
  g_ptr_array_sort (result, compare_occurrences);
  if (max_occurrences > 0 && result->len > max_occurrences)
    g_ptr_array_set_size (result, max_occurrences);

  return g_steal_pointer (&result);
}
