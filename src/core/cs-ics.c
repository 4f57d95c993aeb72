/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-ics"

/* iCalendar (RFC 5545) export and import of scheduled calls, through libical. */

#include "config.h"

#include "cs-ics.h"
#include "cs-recurrence.h"
#include "cs-scheduled-call.h"

#include <glib/gi18n.h>
#include <libical/ical.h>

#include <string.h>

#define PRODID "-//Cousinade//Cousinade//EN"

G_DEFINE_QUARK (cs_ics_error_quark, cs_ics_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)

static struct icaltimetype
ical_time_from_local (GDateTime *datetime)
{
  struct icaltimetype t = icaltime_null_time ();

  t.year = g_date_time_get_year (datetime);
  t.month = g_date_time_get_month (datetime);
  t.day = g_date_time_get_day_of_month (datetime);
  t.hour = g_date_time_get_hour (datetime);
  t.minute = g_date_time_get_minute (datetime);
  t.second = g_date_time_get_second (datetime);

  return t;
}

/* A date-time property in the series' zone: TZID=zone, or a UTC value for UTC. */
static icalproperty *
zoned_property (icalproperty *property, const char *tzid)
{
  if (g_strcmp0 (tzid, "UTC") != 0)
    icalproperty_add_parameter (property, icalparameter_new_tzid (tzid));

  return property;
}

static struct icaltimetype
series_time (GDateTime *datetime, const char *tzid)
{
  struct icaltimetype t = ical_time_from_local (datetime);

  if (g_strcmp0 (tzid, "UTC") == 0)
    t.zone = icaltimezone_get_utc_timezone ();

  return t;
}

static gboolean
add_timezone (icalcomponent *calendar, GHashTable *added, const char *tzid)
{
  icaltimezone *zone;
  icalcomponent *vtimezone;
  icalproperty *tzid_property;

  if (g_strcmp0 (tzid, "UTC") == 0 || g_hash_table_contains (added, tzid))
    return TRUE;

  zone = icaltimezone_get_builtin_timezone (tzid);
  if (zone == NULL)
    return FALSE;

  vtimezone = icalcomponent_new_clone (icaltimezone_get_component (zone));
  /* libical names its built-in zones with a prefix; other programs expect the
   * plain IANA name that DTSTART refers to. */
  tzid_property = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
  if (tzid_property != NULL)
    icalproperty_set_tzid (tzid_property, tzid);
  icalcomponent_add_component (calendar, vtimezone);
  g_hash_table_add (added, g_strdup (tzid));

  return TRUE;
}

static icalcomponent *
new_event (CsScheduledCall *call, struct icaltimetype stamp)
{
  icalcomponent *event = icalcomponent_new_vevent ();

  icalcomponent_add_property (event, icalproperty_new_uid (cs_scheduled_call_get_uid (call)));
  icalcomponent_add_property (event, icalproperty_new_dtstamp (stamp));
  icalcomponent_add_property (event, icalproperty_new_sequence (
                                       (int) cs_scheduled_call_get_sequence (call)));
  icalcomponent_add_property (event, icalproperty_new_summary (cs_scheduled_call_get_title (call)));
  icalcomponent_add_property (event, icalproperty_new_duration (icaldurationtype_from_int (
                                       (int) cs_scheduled_call_get_duration_minutes (call) * 60)));

  return event;
}

static void
add_invite (icalcomponent *event, CsCircle *circle)
{
  const char *room = cs_circle_get_room_address (circle);
  g_autofree char *uri = NULL;
  g_autofree char *description = NULL;

  if (room == NULL)
    return;

  uri = g_strdup_printf ("xmpp:%s?join", room);
  /* Translators: the text of an exported calendar event; %s is the invite link. */
  description = g_strdup_printf (_ ("Join the call with Cousinade or another XMPP app: %s"), uri);
  icalcomponent_add_property (event, icalproperty_new_url (uri));
  icalcomponent_add_property (event, icalproperty_new_description (description));
}

static void
add_call (icalcomponent *calendar,
          CsScheduledCall *call,
          CsCircle *circle,
          struct icaltimetype stamp)
{
  const char *tzid = cs_scheduled_call_get_tzid (call);
  GTimeZone *zone = cs_scheduled_call_get_timezone (call);
  icalcomponent *event = new_event (call, stamp);
  g_auto (GStrv) exceptions = cs_scheduled_call_dup_exception_ids (call);

  icalcomponent_add_property (event,
                              zoned_property (icalproperty_new_dtstart (
                                                series_time (cs_scheduled_call_get_dtstart (call),
                                                             tzid)),
                                              tzid));
  if (cs_scheduled_call_get_rrule (call) != NULL)
    {
      struct icalrecurrencetype recur =
        icalrecurrencetype_from_string (cs_scheduled_call_get_rrule (call));

      icalcomponent_add_property (event, icalproperty_new_rrule (recur));
    }
  if (cs_scheduled_call_get_organiser (call) != NULL)
    {
      g_autofree char *organiser =
        g_strdup_printf ("xmpp:%s", cs_scheduled_call_get_organiser (call));

      icalcomponent_add_property (event, icalproperty_new_organizer (organiser));
    }
  add_invite (event, circle);
  icalcomponent_add_component (calendar, event);

  for (guint i = 0; exceptions[i] != NULL; i++)
    {
      g_autoptr (GDateTime) original = cs_scheduled_call_parse_local (exceptions[i], zone);
      g_autoptr (GDateTime) new_start = NULL;
      icalcomponent *override;

      if (original == NULL)
        continue;

      cs_scheduled_call_lookup_exception (call, exceptions[i], &new_start);
      if (new_start == NULL)
        {
          icalcomponent_add_property (event, zoned_property (icalproperty_new_exdate (
                                                               series_time (original, tzid)),
                                                             tzid));
          continue;
        }

      override = new_event (call, stamp);
      icalcomponent_add_property (override, zoned_property (icalproperty_new_recurrenceid (
                                                              series_time (original, tzid)),
                                                            tzid));
      icalcomponent_add_property (override, zoned_property (icalproperty_new_dtstart (
                                                              series_time (new_start, tzid)),
                                                            tzid));
      add_invite (override, circle);
      icalcomponent_add_component (calendar, override);
    }
}

static gboolean
export_circle (CsStore *store,
               CsCircle *circle,
               icalcomponent *calendar,
               GHashTable *zones,
               struct icaltimetype stamp,
               GError **error)
{
  g_autoptr (GListModel) calls = NULL;

  calls = cs_store_list_scheduled_calls (store, cs_circle_get_id (circle), FALSE, error);
  if (calls == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);

      if (!add_timezone (calendar, zones, cs_scheduled_call_get_tzid (call)))
        {
          g_set_error (error, CS_ICS_ERROR, CS_ICS_ERROR_INVALID,
                       _ ("The time zone “%s” of “%s” is not known on this computer."),
                       cs_scheduled_call_get_tzid (call), cs_scheduled_call_get_title (call));
          return FALSE;
        }
      add_call (calendar, call, circle, stamp);
    }

  return TRUE;
}

char *
cs_ics_export (CsStore *store, CsCircle *circle, GError **error)
{
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (GHashTable) zones = NULL;
  struct icaltimetype stamp;
  char *text;
  char *result;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (circle == NULL || CS_IS_CIRCLE (circle), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stamp = icaltime_current_time_with_zone (icaltimezone_get_utc_timezone ());

  calendar = icalcomponent_new_vcalendar ();
  icalcomponent_add_property (calendar, icalproperty_new_prodid (PRODID));
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
  icalcomponent_add_property (calendar, icalproperty_new_method (ICAL_METHOD_PUBLISH));

  if (circle != NULL)
    {
      if (!export_circle (store, circle, calendar, zones, stamp, error))
        return NULL;
    }
  else
    {
      GListModel *circles = cs_store_get_circles (store);

      for (guint i = 0; i < g_list_model_get_n_items (circles); i++)
        {
          g_autoptr (CsCircle) each = g_list_model_get_item (circles, i);

          if (!export_circle (store, each, calendar, zones, stamp, error))
            return NULL;
        }
    }

  text = icalcomponent_as_ical_string_r (calendar);
  result = g_strdup (text);
  icalmemory_free_buffer (text);

  return result;
}

/* Import. */

static void
set_invalid (GError **error, const char *reason)
{
  /* Translators: %s says what is wrong, e.g. "an event has no start". */
  g_set_error (error, CS_ICS_ERROR, CS_ICS_ERROR_INVALID,
               _ ("This file is not a calendar Cousinade can read: %s. Nothing was imported."),
               reason);
}

/* TZID values seen in the wild: "Europe/Paris", libical's
 * "/freeassociation.sourceforge.net/Europe/Paris" (Evolution, GNOME Calendar),
 * or a name of the exporter's own with the IANA name in X-LIC-LOCATION. */
static char *
resolve_tzid (icalcomponent *calendar, const char *tzid)
{
  g_autoptr (GTimeZone) zone = NULL;
  icalcomponent *vtimezone;

  if (tzid == NULL)
    return NULL;

  zone = g_time_zone_new_identifier (tzid);
  if (zone != NULL && tzid[0] != '/')
    return g_strdup (tzid);

  if (tzid[0] == '/')
    {
      /* The last two or three path parts ("America/Argentina/Salta"). */
      g_auto (GStrv) parts = g_strsplit (tzid, "/", -1);
      guint n = g_strv_length (parts);

      for (guint take = MIN (3, n); take >= 1; take--)
        {
          g_autofree char *candidate = g_strjoinv ("/", parts + (n - take));
          g_autoptr (GTimeZone) found = NULL;

          if (candidate[0] == '\0' || candidate[0] == '/')
            continue;
          found = g_time_zone_new_identifier (candidate);
          if (found != NULL && strchr (candidate, '/') != NULL)
            return g_steal_pointer (&candidate);
        }
    }

  for (vtimezone = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
       vtimezone != NULL;
       vtimezone = icalcomponent_get_next_component (calendar, ICAL_VTIMEZONE_COMPONENT))
    {
      icalproperty *id = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
      icalproperty *location;

      if (id == NULL || g_strcmp0 (icalproperty_get_tzid (id), tzid) != 0)
        continue;

      for (location = icalcomponent_get_first_property (vtimezone, ICAL_X_PROPERTY);
           location != NULL;
           location = icalcomponent_get_next_property (vtimezone, ICAL_X_PROPERTY))
        {
          const char *value = icalproperty_get_x (location);
          g_autoptr (GTimeZone) found = NULL;

          if (g_strcmp0 (icalproperty_get_x_name (location), "X-LIC-LOCATION") != 0 ||
              value == NULL)
            continue;
          found = g_time_zone_new_identifier (value);
          if (found != NULL)
            return g_strdup (value);
        }
    }

  return NULL;
}

static char *
local_zone_identifier (void)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  const char *identifier = g_time_zone_get_identifier (local);
  g_autoptr (GTimeZone) check = g_time_zone_new_identifier (identifier);

  return g_strdup (check != NULL && strchr (identifier, '/') != NULL ? identifier : "UTC");
}

/* The zone a date-time property is written in: its TZID, "UTC" for a value
 * ending in Z, the local zone for a floating time. NULL for an unknown TZID. */
static char *
property_tzid (icalcomponent *calendar, icalproperty *property, struct icaltimetype t)
{
  icalparameter *parameter = icalproperty_get_first_parameter (property, ICAL_TZID_PARAMETER);

  if (parameter != NULL)
    return resolve_tzid (calendar, icalparameter_get_tzid (parameter));

  if (icaltime_is_utc (t))
    return g_strdup ("UTC");

  return local_zone_identifier ();
}

static GDateTime *
property_instant (icalcomponent *calendar,
                  icalproperty *property,
                  struct icaltimetype t,
                  GDateTime *time_of_day)
{
  g_autofree char *tzid = property_tzid (calendar, property, t);
  g_autoptr (GTimeZone) zone = NULL;

  if (tzid == NULL || !icaltime_is_valid_time (t))
    return NULL;

  zone = g_time_zone_new_identifier (tzid);
  if (zone == NULL)
    return NULL;

  /* A date without a time (EXDATE;VALUE=DATE) means the occurrence of that day. */
  if (t.is_date)
    {
      if (time_of_day == NULL)
        return NULL;
      return cs_scheduled_call_new_local (g_date_time_get_timezone (time_of_day), t.year, t.month,
                                          t.day, g_date_time_get_hour (time_of_day),
                                          g_date_time_get_minute (time_of_day),
                                          g_date_time_get_second (time_of_day));
    }

  return cs_scheduled_call_new_local (zone, t.year, t.month, t.day, t.hour, t.minute, t.second);
}

static char *
local_key (GDateTime *instant, GTimeZone *zone)
{
  g_autoptr (GDateTime) in_zone = g_date_time_to_timezone (instant, zone);

  return cs_scheduled_call_format_local (in_zone);
}

static const char *
strip_scheme (const char *address)
{
  if (address == NULL)
    return NULL;
  if (g_ascii_strncasecmp (address, "mailto:", 7) == 0)
    return address + 7;
  if (g_ascii_strncasecmp (address, "xmpp:", 5) == 0)
    return address + 5;
  return address;
}

static CsScheduledCall *
call_from_master (icalcomponent *calendar, icalcomponent *event, GError **error)
{
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  icalproperty *dtstart_property = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);
  icalproperty *property;
  struct icaltimetype dtstart;
  g_autofree char *tzid = NULL;
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GDateTime) start = NULL;
  const char *summary;
  int minutes = CS_SCHEDULED_CALL_DEFAULT_DURATION;

  dtstart = icalproperty_get_dtstart (dtstart_property);
  tzid = property_tzid (calendar, dtstart_property, dtstart);
  if (tzid == NULL)
    {
      set_invalid (error, _ ("an event is in a time zone this computer does not know"));
      return NULL;
    }
  zone = g_time_zone_new_identifier (tzid);
  if (zone == NULL || !icaltime_is_valid_time (dtstart) || dtstart.year < 1900 ||
      dtstart.year > 9999 ||
      (start = cs_scheduled_call_new_local (zone, dtstart.year, dtstart.month, dtstart.day,
                                            dtstart.hour, dtstart.minute, dtstart.second)) == NULL)
    {
      set_invalid (error, _ ("an event has a start that is not a date"));
      return NULL;
    }

  cs_scheduled_call_set_uid (call, icalcomponent_get_uid (event));
  cs_scheduled_call_set_tzid (call, tzid);
  cs_scheduled_call_set_dtstart (call, start);

  summary = icalcomponent_get_summary (event);
  cs_scheduled_call_set_title (call, summary != NULL && summary[0] != '\0'
                                       ? summary
                                       : C_ ("default title of an imported call", "Call"));

  property = icalcomponent_get_first_property (event, ICAL_DURATION_PROPERTY);
  if (property != NULL)
    {
      minutes = icaldurationtype_as_int (icalproperty_get_duration (property)) / 60;
    }
  else if ((property = icalcomponent_get_first_property (event, ICAL_DTEND_PROPERTY)) != NULL)
    {
      g_autoptr (GDateTime) end =
        property_instant (calendar, property, icalproperty_get_dtend (property), NULL);

      if (end != NULL)
        minutes = (int) (g_date_time_difference (end, start) / G_TIME_SPAN_MINUTE);
    }
  if (minutes <= 0 || minutes > 7 * 24 * 60)
    minutes = CS_SCHEDULED_CALL_DEFAULT_DURATION;
  cs_scheduled_call_set_duration_minutes (call, (guint) minutes);

  property = icalcomponent_get_first_property (event, ICAL_RRULE_PROPERTY);
  if (property != NULL)
    {
      struct icalrecurrencetype recur = icalproperty_get_rrule (property);
      char *rrule = icalrecurrencetype_as_string_r (&recur);
      g_autoptr (GError) rule_error = NULL;

      cs_scheduled_call_set_rrule (call, rrule);
      icalmemory_free_buffer (rrule);
      if (!cs_recurrence_validate (cs_scheduled_call_get_rrule (call), &rule_error))
        {
          set_invalid (error, _ ("an event repeats in a way Cousinade cannot use"));
          return NULL;
        }
    }

  property = icalcomponent_get_first_property (event, ICAL_SEQUENCE_PROPERTY);
  if (property != NULL)
    cs_scheduled_call_set_sequence (call, (guint) MAX (0, icalproperty_get_sequence (property)));

  property = icalcomponent_get_first_property (event, ICAL_ORGANIZER_PROPERTY);
  if (property != NULL)
    cs_scheduled_call_set_organiser (call, strip_scheme (icalproperty_get_organizer (property)));

  cs_scheduled_call_set_cancelled (call, icalcomponent_get_status (event) == ICAL_STATUS_CANCELLED);

  for (property = icalcomponent_get_first_property (event, ICAL_EXDATE_PROPERTY); property != NULL;
       property = icalcomponent_get_next_property (event, ICAL_EXDATE_PROPERTY))
    {
      g_autoptr (GDateTime) skipped =
        property_instant (calendar, property, icalproperty_get_exdate (property), start);
      g_autofree char *key = NULL;

      if (skipped == NULL)
        {
          set_invalid (error, _ ("an event skips a date that is not a date"));
          return NULL;
        }
      key = local_key (skipped, zone);
      cs_scheduled_call_set_exception_text (call, key, NULL);
    }

  return g_steal_pointer (&call);
}

/* An override (RECURRENCE-ID) moves or cancels one occurrence of its series. */
static gboolean
apply_override (icalcomponent *calendar,
                icalcomponent *event,
                CsScheduledCall *call,
                GError **error)
{
  icalproperty *recurrence = icalcomponent_get_first_property (event, ICAL_RECURRENCEID_PROPERTY);
  icalproperty *dtstart_property = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);
  GTimeZone *zone = cs_scheduled_call_get_timezone (call);
  g_autoptr (GDateTime) original = NULL;
  g_autoptr (GDateTime) new_start = NULL;
  g_autofree char *key = NULL;

  original = property_instant (calendar, recurrence, icalproperty_get_recurrenceid (recurrence),
                               cs_scheduled_call_get_dtstart (call));
  if (original == NULL)
    {
      set_invalid (error, _ ("a changed occurrence does not say which one it changes"));
      return FALSE;
    }
  key = local_key (original, zone);

  if (icalcomponent_get_status (event) == ICAL_STATUS_CANCELLED)
    {
      cs_scheduled_call_set_exception_text (call, key, NULL);
      return TRUE;
    }

  if (dtstart_property != NULL)
    new_start = property_instant (calendar, dtstart_property,
                                  icalproperty_get_dtstart (dtstart_property), NULL);
  if (new_start == NULL)
    {
      set_invalid (error, _ ("a changed occurrence has no valid start"));
      return FALSE;
    }

  if (!g_date_time_equal (new_start, original))
    {
      g_autofree char *value = local_key (new_start, zone);

      cs_scheduled_call_set_exception_text (call, key, value);
    }

  return TRUE;
}

/* libical records what it could not parse as X-LIC-ERROR properties. Empty
 * values ("DESCRIPTION:" in Google's exports) are harmless; anything else means
 * a damaged file. */
static gboolean
has_damage (icalcomponent *component)
{
  icalcomponent *child;

  for (icalproperty *property =
         icalcomponent_get_first_property (component, ICAL_XLICERROR_PROPERTY);
       property != NULL;
       property = icalcomponent_get_next_property (component, ICAL_XLICERROR_PROPERTY))
    {
      const char *message = icalproperty_get_xlicerror (property);

      if (message == NULL || !g_str_has_prefix (message, "No value for"))
        return TRUE;
    }

  for (child = icalcomponent_get_first_component (component, ICAL_ANY_COMPONENT); child != NULL;
       child = icalcomponent_get_next_component (component, ICAL_ANY_COMPONENT))
    {
      if (has_damage (child))
        return TRUE;
    }

  return FALSE;
}

/* libical accepts a file cut off in the middle; RFC 5545 says where it ends. */
static gboolean
ends_with_calendar_end (const char *text)
{
  gsize length = strlen (text);

  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;

  return length >= strlen ("END:VCALENDAR") &&
         g_ascii_strncasecmp (text + length - strlen ("END:VCALENDAR"), "END:VCALENDAR",
                              strlen ("END:VCALENDAR")) == 0;
}

static gboolean
is_timed_event (icalcomponent *event)
{
  icalproperty *dtstart = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);

  /* All-day events are reminders of a day, not calls: they are left out. */
  return dtstart != NULL && !icalproperty_get_dtstart (dtstart).is_date;
}

/**
 * cs_ics_parse:
 * @data: the file's contents
 * @length: its length, or -1 when nul-terminated
 * @error: CS_ICS_ERROR_INVALID or CS_ICS_ERROR_EMPTY, in plain words
 *
 * Returns: (transfer full) (element-type CsScheduledCall): the series, with
 *   their exceptions, or NULL
 */
GPtrArray *
cs_ics_parse (const char *data, gssize length, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autoptr (GHashTable) by_uid = NULL;
  icalcomponent *event;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = length < 0 ? g_strdup (data) : g_strndup (data, (gsize) length);
  if (!g_utf8_validate (text, -1, NULL))
    {
      set_invalid (error, _ ("it contains text that is not UTF-8"));
      return NULL;
    }

  calendar = icalparser_parse_string (text);
  icalerror_clear_errno ();
  if (calendar == NULL || icalcomponent_isa (calendar) != ICAL_VCALENDAR_COMPONENT)
    {
      set_invalid (error, _ ("it does not hold a calendar"));
      return NULL;
    }

  if (!ends_with_calendar_end (text) || has_damage (calendar))
    {
      set_invalid (error, _ ("part of it is damaged or cut off"));
      return NULL;
    }

  calls = g_ptr_array_new_with_free_func (g_object_unref);
  by_uid = g_hash_table_new (g_str_hash, g_str_equal);

  /* Series first, then the occurrences they change, which may come before them. */
  for (event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT); event != NULL;
       event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      const char *uid = icalcomponent_get_uid (event);
      CsScheduledCall *call;

      if (icalcomponent_get_first_property (event, ICAL_RECURRENCEID_PROPERTY) != NULL)
        continue;

      if (icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY) == NULL)
        {
          set_invalid (error, _ ("an event has no start"));
          return NULL;
        }
      if (!is_timed_event (event))
        continue;
      if (uid == NULL || uid[0] == '\0')
        {
          set_invalid (error, _ ("an event has no identifier (UID)"));
          return NULL;
        }
      if (g_hash_table_contains (by_uid, uid))
        {
          set_invalid (error, _ ("two events have the same identifier (UID)"));
          return NULL;
        }

      call = call_from_master (calendar, event, error);
      if (call == NULL)
        return NULL;

      g_ptr_array_add (calls, call);
      g_hash_table_insert (by_uid, (gpointer) cs_scheduled_call_get_uid (call), call);
    }

  for (event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT); event != NULL;
       event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      const char *uid = icalcomponent_get_uid (event);
      CsScheduledCall *call;

      if (icalcomponent_get_first_property (event, ICAL_RECURRENCEID_PROPERTY) == NULL ||
          uid == NULL)
        continue;

      /* A changed occurrence of a series the file does not hold has nothing to change. */
      call = g_hash_table_lookup (by_uid, uid);
      if (call == NULL)
        continue;

      if (!apply_override (calendar, event, call, error))
        return NULL;
    }

  if (calls->len == 0)
    {
      g_set_error_literal (error, CS_ICS_ERROR, CS_ICS_ERROR_EMPTY,
                           _ ("This file holds no scheduled calls. Nothing was imported."));
      return NULL;
    }

  return g_steal_pointer (&calls);
}

gboolean
cs_ics_import (CsStore *store,
               CsCircle *circle,
               const char *data,
               gssize length,
               guint *n_created,
               guint *n_updated,
               GError **error)
{
  g_autoptr (GPtrArray) calls = NULL;

  g_return_val_if_fail (CS_IS_STORE (store), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  calls = cs_ics_parse (data, length, error);
  if (calls == NULL)
    return FALSE;

  return cs_store_import_scheduled_calls (store, cs_circle_get_id (circle), calls, n_created,
                                          n_updated, error);
}
