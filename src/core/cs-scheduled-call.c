/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-scheduled-call"

#include "config.h"

#include "cs-scheduled-call.h"

#include <stdio.h>
#include <string.h>

struct _CsScheduledCall
{
  GObject parent_instance;

  gint64 id;
  char *uid;
  gint64 circle_id;
  char *title;
  GDateTime *dtstart;
  char *tzid;
  GTimeZone *zone;
  guint duration_minutes;
  char *rrule;
  guint sequence;
  char *organiser;
  gboolean cancelled;

  /* recurrence id (local text) -> new start (local text), or NULL when skipped. */
  GHashTable *exceptions;
};

G_DEFINE_FINAL_TYPE (CsScheduledCall, cs_scheduled_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_UID,
  PROP_CIRCLE_ID,
  PROP_TITLE,
  PROP_DTSTART,
  PROP_TZID,
  PROP_DURATION_MINUTES,
  PROP_RRULE,
  PROP_SEQUENCE,
  PROP_ORGANISER,
  PROP_CANCELLED,
  PROP_EXCEPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Optional texts are NULL when empty, so "no rule" has one spelling. */
static gboolean
replace_optional_string (char **field, const char *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

/* GLib reads the zone file from disk for every g_time_zone_new_identifier();
 * listing a few hundred series would do that hundreds of times. Zones never
 * change while the app runs, so they are kept for the process. */
G_LOCK_DEFINE_STATIC (zones);

static GTimeZone *
lookup_zone (const char *tzid)
{
  static GHashTable *zones;
  GTimeZone *zone;

  G_LOCK (zones);
  if (zones == NULL)
    zones =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_time_zone_unref);
  zone = g_hash_table_lookup (zones, tzid);
  if (zone == NULL)
    {
      zone = g_time_zone_new_identifier (tzid);
      if (zone != NULL)
        g_hash_table_insert (zones, g_strdup (tzid), zone);
    }
  if (zone != NULL)
    g_time_zone_ref (zone);
  G_UNLOCK (zones);

  return zone;
}

static void
cs_scheduled_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsScheduledCall *self = CS_SCHEDULED_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_UID:
      g_value_set_string (value, self->uid);
      break;

    case PROP_CIRCLE_ID:
      g_value_set_int64 (value, self->circle_id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DTSTART:
      g_value_set_boxed (value, self->dtstart);
      break;

    case PROP_TZID:
      g_value_set_string (value, self->tzid);
      break;

    case PROP_DURATION_MINUTES:
      g_value_set_uint (value, self->duration_minutes);
      break;

    case PROP_RRULE:
      g_value_set_string (value, self->rrule);
      break;

    case PROP_SEQUENCE:
      g_value_set_uint (value, self->sequence);
      break;

    case PROP_ORGANISER:
      g_value_set_string (value, self->organiser);
      break;

    case PROP_CANCELLED:
      g_value_set_boolean (value, self->cancelled);
      break;

    case PROP_EXCEPTIONS:
      g_value_take_boxed (value, cs_scheduled_call_dup_exception_ids (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_scheduled_call_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  CsScheduledCall *self = CS_SCHEDULED_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      cs_scheduled_call_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_UID:
      cs_scheduled_call_set_uid (self, g_value_get_string (value));
      break;

    case PROP_CIRCLE_ID:
      cs_scheduled_call_set_circle_id (self, g_value_get_int64 (value));
      break;

    case PROP_TITLE:
      cs_scheduled_call_set_title (self, g_value_get_string (value));
      break;

    case PROP_DTSTART:
      cs_scheduled_call_set_dtstart (self, g_value_get_boxed (value));
      break;

    case PROP_TZID:
      cs_scheduled_call_set_tzid (self, g_value_get_string (value));
      break;

    case PROP_DURATION_MINUTES:
      cs_scheduled_call_set_duration_minutes (self, g_value_get_uint (value));
      break;

    case PROP_RRULE:
      cs_scheduled_call_set_rrule (self, g_value_get_string (value));
      break;

    case PROP_SEQUENCE:
      cs_scheduled_call_set_sequence (self, g_value_get_uint (value));
      break;

    case PROP_ORGANISER:
      cs_scheduled_call_set_organiser (self, g_value_get_string (value));
      break;

    case PROP_CANCELLED:
      cs_scheduled_call_set_cancelled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_scheduled_call_finalize (GObject *object)
{
  CsScheduledCall *self = CS_SCHEDULED_CALL (object);

  g_clear_pointer (&self->uid, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->dtstart, g_date_time_unref);
  g_clear_pointer (&self->tzid, g_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->rrule, g_free);
  g_clear_pointer (&self->organiser, g_free);
  g_clear_pointer (&self->exceptions, g_hash_table_unref);

  G_OBJECT_CLASS (cs_scheduled_call_parent_class)->finalize (object);
}

static void
cs_scheduled_call_class_init (CsScheduledCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_scheduled_call_get_property;
  object_class->set_property = cs_scheduled_call_set_property;
  object_class->finalize = cs_scheduled_call_finalize;

  /* 0 until the store has saved the call. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The iCalendar UID: made once when the call is created and kept through
   * edits, exports and imports, so every copy of the series is recognised. */
  properties[PROP_UID] = g_param_spec_string ("uid", NULL, NULL, NULL, flags);
  properties[PROP_CIRCLE_ID] =
    g_param_spec_int64 ("circle-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", flags);
  /* The first occurrence, in the series' zone. */
  properties[PROP_DTSTART] = g_param_spec_boxed ("dtstart", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* An IANA zone name such as "Europe/Paris": occurrences keep their wall-clock
   * time in it across daylight saving changes. */
  properties[PROP_TZID] = g_param_spec_string ("tzid", NULL, NULL, NULL, flags);
  properties[PROP_DURATION_MINUTES] =
    g_param_spec_uint ("duration-minutes", NULL, NULL, 1, G_MAXINT32,
                       CS_SCHEDULED_CALL_DEFAULT_DURATION, flags);
  /* An RFC 5545 RRULE value without the "RRULE:" prefix; NULL for a single call. */
  properties[PROP_RRULE] = g_param_spec_string ("rrule", NULL, NULL, NULL, flags);
  /* Raised by every update, so that the newer of two copies wins (iCalendar SEQUENCE). */
  properties[PROP_SEQUENCE] = g_param_spec_uint ("sequence", NULL, NULL, 0, G_MAXINT32, 0, flags);
  /* The organiser's XMPP address, when known. */
  properties[PROP_ORGANISER] = g_param_spec_string ("organiser", NULL, NULL, NULL, flags);
  properties[PROP_CANCELLED] = g_param_spec_boolean ("cancelled", NULL, NULL, FALSE, flags);
  /* The recurrence ids of skipped and moved occurrences. */
  properties[PROP_EXCEPTIONS] =
    g_param_spec_boxed ("exceptions", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_scheduled_call_init (CsScheduledCall *self)
{
  self->uid = g_uuid_string_random ();
  self->title = g_strdup ("");
  self->duration_minutes = CS_SCHEDULED_CALL_DEFAULT_DURATION;
  self->exceptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CsScheduledCall *
cs_scheduled_call_new (void)
{
  return g_object_new (CS_TYPE_SCHEDULED_CALL, NULL);
}

/**
 * cs_scheduled_call_copy:
 * @self: a scheduled call
 *
 * Returns: (transfer full): a detached copy with the same id, uid, values and
 *   exceptions, to edit as a draft.
 */
CsScheduledCall *
cs_scheduled_call_copy (CsScheduledCall *self)
{
  CsScheduledCall *copy;

  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  copy = cs_scheduled_call_new ();
  cs_scheduled_call_assign (copy, self);

  return copy;
}

static gboolean
exceptions_equal (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer other_value;

      if (!g_hash_table_lookup_extended (b, key, NULL, &other_value) ||
          g_strcmp0 (value, other_value) != 0)
        return FALSE;
    }

  return TRUE;
}

/**
 * cs_scheduled_call_assign:
 * @self: the call to update
 * @source: the call to take the values from
 *
 * Copies every value, the id, uid and exceptions included; only what really
 * changes is notified, once, after everything is set.
 */
void
cs_scheduled_call_assign (CsScheduledCall *self, CsScheduledCall *source)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (CS_IS_SCHEDULED_CALL (source));

  if (self == source)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  cs_scheduled_call_set_id (self, source->id);
  cs_scheduled_call_set_uid (self, source->uid);
  cs_scheduled_call_set_circle_id (self, source->circle_id);
  cs_scheduled_call_set_title (self, source->title);
  cs_scheduled_call_set_tzid (self, source->tzid);
  cs_scheduled_call_set_dtstart (self, source->dtstart);
  cs_scheduled_call_set_duration_minutes (self, source->duration_minutes);
  cs_scheduled_call_set_rrule (self, source->rrule);
  cs_scheduled_call_set_sequence (self, source->sequence);
  cs_scheduled_call_set_organiser (self, source->organiser);
  cs_scheduled_call_set_cancelled (self, source->cancelled);

  if (!exceptions_equal (self->exceptions, source->exceptions))
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_remove_all (self->exceptions);
      g_hash_table_iter_init (&iter, source->exceptions);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (self->exceptions, g_strdup (key), g_strdup (value));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTIONS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
cs_scheduled_call_get_id (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), 0);

  return self->id;
}

void
cs_scheduled_call_set_id (CsScheduledCall *self, gint64 id)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
cs_scheduled_call_get_uid (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->uid;
}

/* Only for a call read back from the store or from an .ics file: a new call
 * already has its own uid. */
void
cs_scheduled_call_set_uid (CsScheduledCall *self, const char *uid)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (uid == NULL || uid[0] == '\0' || g_strcmp0 (self->uid, uid) == 0)
    return;

  g_free (self->uid);
  self->uid = g_strdup (uid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UID]);
}

gint64
cs_scheduled_call_get_circle_id (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), 0);

  return self->circle_id;
}

void
cs_scheduled_call_set_circle_id (CsScheduledCall *self, gint64 circle_id)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (circle_id >= 0);

  if (self->circle_id == circle_id)
    return;

  self->circle_id = circle_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CIRCLE_ID]);
}

const char *
cs_scheduled_call_get_title (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->title;
}

void
cs_scheduled_call_set_title (CsScheduledCall *self, const char *title)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (title == NULL)
    title = "";

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

GDateTime *
cs_scheduled_call_get_dtstart (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->dtstart;
}

/* Keeps the wall-clock time of @dtstart and reads it in the series' zone, so
 * that "11:00" stays 11:00 whatever zone the caller built it in. With no zone
 * set yet, @dtstart's own zone is taken when it has an IANA name. */
void
cs_scheduled_call_set_dtstart (CsScheduledCall *self, GDateTime *dtstart)
{
  g_autoptr (GDateTime) local = NULL;

  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (dtstart != NULL)
    {
      if (self->zone == NULL)
        {
          const char *identifier = g_time_zone_get_identifier (g_date_time_get_timezone (dtstart));

          if (strchr (identifier, '/') != NULL || g_str_equal (identifier, "UTC"))
            cs_scheduled_call_set_tzid (self, identifier);
        }

      if (self->zone != NULL)
        local = cs_scheduled_call_new_local (self->zone, g_date_time_get_year (dtstart),
                                             g_date_time_get_month (dtstart),
                                             g_date_time_get_day_of_month (dtstart),
                                             g_date_time_get_hour (dtstart),
                                             g_date_time_get_minute (dtstart),
                                             g_date_time_get_second (dtstart));
      else
        local = g_date_time_ref (dtstart);
    }

  if (self->dtstart == local ||
      (self->dtstart != NULL && local != NULL && g_date_time_equal (self->dtstart, local)))
    return;

  g_clear_pointer (&self->dtstart, g_date_time_unref);
  self->dtstart = g_steal_pointer (&local);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DTSTART]);
}

const char *
cs_scheduled_call_get_tzid (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->tzid;
}

/* An unknown zone name is kept (cs_store_save_scheduled_call() refuses it) but
 * leaves the start in the zone it had. Changing the zone keeps the wall-clock
 * time: a call at 11:00 in Paris moved to Montreal is at 11:00 in Montreal. */
void
cs_scheduled_call_set_tzid (CsScheduledCall *self, const char *tzid)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (!replace_optional_string (&self->tzid, tzid))
    return;

  g_clear_pointer (&self->zone, g_time_zone_unref);
  if (self->tzid != NULL)
    self->zone = lookup_zone (self->tzid);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TZID]);
  if (self->dtstart != NULL && self->zone != NULL)
    {
      g_autoptr (GDateTime) old = g_date_time_ref (self->dtstart);

      cs_scheduled_call_set_dtstart (self, old);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The zone named by tzid, or NULL when it has none or an unknown one. */
GTimeZone *
cs_scheduled_call_get_timezone (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->zone;
}

guint
cs_scheduled_call_get_duration_minutes (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), 0);

  return self->duration_minutes;
}

void
cs_scheduled_call_set_duration_minutes (CsScheduledCall *self, guint minutes)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (minutes > 0);

  if (self->duration_minutes == minutes)
    return;

  self->duration_minutes = minutes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MINUTES]);
}

const char *
cs_scheduled_call_get_rrule (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->rrule;
}

void
cs_scheduled_call_set_rrule (CsScheduledCall *self, const char *rrule)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (rrule != NULL && g_str_has_prefix (rrule, "RRULE:"))
    rrule += strlen ("RRULE:");

  if (replace_optional_string (&self->rrule, rrule))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RRULE]);
}

guint
cs_scheduled_call_get_sequence (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), 0);

  return self->sequence;
}

void
cs_scheduled_call_set_sequence (CsScheduledCall *self, guint sequence)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (self->sequence == sequence)
    return;

  self->sequence = sequence;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQUENCE]);
}

const char *
cs_scheduled_call_get_organiser (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  return self->organiser;
}

void
cs_scheduled_call_set_organiser (CsScheduledCall *self, const char *organiser)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (replace_optional_string (&self->organiser, organiser))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANISER]);
}

gboolean
cs_scheduled_call_get_cancelled (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), FALSE);

  return self->cancelled;
}

void
cs_scheduled_call_set_cancelled (CsScheduledCall *self, gboolean cancelled)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  cancelled = !!cancelled;
  if (self->cancelled == cancelled)
    return;

  self->cancelled = cancelled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLED]);
}

void
cs_scheduled_call_set_exception_text (CsScheduledCall *self,
                                      const char *recurrence_id,
                                      const char *new_start)
{
  gpointer old_value;

  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (recurrence_id != NULL);

  if (g_hash_table_lookup_extended (self->exceptions, recurrence_id, NULL, &old_value) &&
      g_strcmp0 (old_value, new_start) == 0)
    return;

  g_hash_table_insert (self->exceptions, g_strdup (recurrence_id), g_strdup (new_start));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTIONS]);
}

/* @recurrence_id is read as a wall-clock time in the series' zone. */
void
cs_scheduled_call_skip_occurrence (CsScheduledCall *self, GDateTime *recurrence_id)
{
  g_autofree char *key = NULL;

  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (recurrence_id != NULL);

  key = cs_scheduled_call_format_local (recurrence_id);
  cs_scheduled_call_set_exception_text (self, key, NULL);
}

/* @new_start is an instant: it is stored as the wall-clock time it has in the
 * series' zone. */
void
cs_scheduled_call_move_occurrence (CsScheduledCall *self,
                                   GDateTime *recurrence_id,
                                   GDateTime *new_start)
{
  g_autoptr (GDateTime) in_zone = NULL;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));
  g_return_if_fail (recurrence_id != NULL);
  g_return_if_fail (new_start != NULL);

  in_zone = self->zone != NULL ? g_date_time_to_timezone (new_start, self->zone)
                               : g_date_time_ref (new_start);
  key = cs_scheduled_call_format_local (recurrence_id);
  value = cs_scheduled_call_format_local (in_zone);
  cs_scheduled_call_set_exception_text (self, key, value);
}

gboolean
cs_scheduled_call_remove_exception (CsScheduledCall *self, const char *recurrence_id)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), FALSE);
  g_return_val_if_fail (recurrence_id != NULL, FALSE);

  if (!g_hash_table_remove (self->exceptions, recurrence_id))
    return FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTIONS]);

  return TRUE;
}

void
cs_scheduled_call_clear_exceptions (CsScheduledCall *self)
{
  g_return_if_fail (CS_IS_SCHEDULED_CALL (self));

  if (g_hash_table_size (self->exceptions) == 0)
    return;

  g_hash_table_remove_all (self->exceptions);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCEPTIONS]);
}

/**
 * cs_scheduled_call_lookup_exception:
 * @self: a scheduled call
 * @recurrence_id: the original start of an occurrence, as local text
 * @new_start: (out) (optional) (nullable): where the occurrence moved, in the
 *   series' zone, or NULL when it is skipped
 *
 * Returns: whether the occurrence is skipped or moved
 */
gboolean
cs_scheduled_call_lookup_exception (CsScheduledCall *self,
                                    const char *recurrence_id,
                                    GDateTime **new_start)
{
  gpointer value;

  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), FALSE);
  g_return_val_if_fail (recurrence_id != NULL, FALSE);

  if (new_start != NULL)
    *new_start = NULL;

  if (!g_hash_table_lookup_extended (self->exceptions, recurrence_id, NULL, &value))
    return FALSE;

  if (new_start != NULL && value != NULL && self->zone != NULL)
    *new_start = cs_scheduled_call_parse_local (value, self->zone);

  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Sorted, so that exports and comparisons are stable. */
GStrv
cs_scheduled_call_dup_exception_ids (CsScheduledCall *self)
{
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;
  GStrv ids;

  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), NULL);

  keys = g_hash_table_get_keys_as_array (self->exceptions, &n_keys);
  ids = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    ids[i] = g_strdup (keys[i]);
  g_qsort_with_data (ids, n_keys, sizeof (char *), compare_strings, NULL);

  return ids;
}

guint
cs_scheduled_call_get_n_exceptions (CsScheduledCall *self)
{
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), 0);

  return g_hash_table_size (self->exceptions);
}

char *
cs_scheduled_call_format_local (GDateTime *datetime)
{
  g_return_val_if_fail (datetime != NULL, NULL);

  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%S");
}

/**
 * cs_scheduled_call_new_local:
 * @zone: the zone the wall-clock time is read in
 *
 * Like g_date_time_new(), but following RFC 5545 around daylight saving
 * changes: a time that happens twice (autumn) is the first of the two, and a
 * time that does not exist (spring) is read with the offset from before the
 * gap, so a call at 02:30 on that day is at 03:30. (GLib would take the second
 * of two, and the end of a gap.)
 *
 * Returns: (transfer full) (nullable): the instant, or NULL for an invalid date
 */
GDateTime *
cs_scheduled_call_new_local (GTimeZone *zone,
                             int year,
                             int month,
                             int day,
                             int hour,
                             int minute,
                             int second)
{
  g_autoptr (GDateTime) guess = NULL;
  g_autoptr (GDateTime) wall_as_utc = NULL;
  GDateTime *best = NULL;
  GTimeSpan offsets[3];

  g_return_val_if_fail (zone != NULL, NULL);

  guess = g_date_time_new (zone, year, month, day, hour, minute, second);
  wall_as_utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (guess == NULL || wall_as_utc == NULL)
    return NULL;

  /* The offsets in force around that time: a change is never closer than a day. */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GDateTime) around = g_date_time_add_hours (guess, (i - 1) * 12);

      offsets[i] =
        around != NULL ? g_date_time_get_utc_offset (around) : g_date_time_get_utc_offset (guess);
    }

  /* Almost always: no change anywhere near, GLib's answer is the only one. */
  if (offsets[0] == offsets[1] && offsets[1] == offsets[2])
    return g_steal_pointer (&guess);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GDateTime) instant = g_date_time_add (wall_as_utc, -offsets[i]);
      g_autoptr (GDateTime) local =
        instant != NULL ? g_date_time_to_timezone (instant, zone) : NULL;

      if (local == NULL || g_date_time_get_hour (local) != hour ||
          g_date_time_get_minute (local) != minute || g_date_time_get_second (local) != second ||
          g_date_time_get_day_of_month (local) != day)
        continue;

      if (best == NULL || g_date_time_compare (local, best) < 0)
        {
          g_clear_pointer (&best, g_date_time_unref);
          best = g_steal_pointer (&local);
        }
    }

  if (best != NULL)
    return best;

  /* In a gap: the offset from before it. */
  {
    g_autoptr (GDateTime) instant = g_date_time_add (wall_as_utc, -offsets[0]);

    return instant != NULL ? g_date_time_to_timezone (instant, zone) : g_steal_pointer (&guess);
  }
}

/**
 * cs_scheduled_call_parse_local:
 * @text: "YYYY-MM-DDTHH:MM:SS" (seconds optional)
 * @zone: the zone to read it in
 *
 * A wall-clock time that does not exist in @zone (inside a spring-forward gap)
 * is moved forward by the gap, as RFC 5545 asks.
 *
 * Returns: (transfer full) (nullable): the instant, or NULL when @text is not
 *   such a date-time
 */
GDateTime *
cs_scheduled_call_parse_local (const char *text, GTimeZone *zone)
{
  int year, month, day, hour, minute, second = 0, consumed = 0, more = 0;

  g_return_val_if_fail (zone != NULL, NULL);

  if (text == NULL)
    return NULL;

  if (sscanf (text, "%4d-%2d-%2dT%2d:%2d%n", &year, &month, &day, &hour, &minute, &consumed) != 5)
    return NULL;
  if (text[consumed] == ':')
    {
      if (sscanf (text + consumed, ":%2d%n", &second, &more) != 1)
        return NULL;
      consumed += more;
    }
  if (text[consumed] != '\0')
    return NULL;

  if (second < 0 || second > 59)
    return NULL;

  return cs_scheduled_call_new_local (zone, year, month, day, hour, minute, second);
}

gboolean
cs_scheduled_call_is_organised_elsewhere (CsScheduledCall *self, const char *own_address)
{
  const char *organiser;

  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (self), FALSE);

  organiser = self->organiser;
  /* Only a circle's shared schedule names its organiser by XMPP address. */
  if (organiser == NULL || *organiser == '\0' || g_str_has_prefix (organiser, "mailto:") ||
      strchr (organiser, '@') == NULL)
    return FALSE;
  if (g_str_has_prefix (organiser, "xmpp:"))
    organiser += strlen ("xmpp:");
  return g_strcmp0 (organiser, own_address) != 0;
}
