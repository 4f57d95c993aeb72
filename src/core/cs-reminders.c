/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-reminders"

/* Reminders of scheduled calls: the next reminder over every circle is kept
 * as one alarm on the clock (no polling), and worked out again whenever the
 * schedule, a circle or the time changes. */

#include "config.h"

#include "cs-reminders.h"

#include <glib/gi18n.h>

struct _CsReminders
{
  GObject parent_instance;

  CsStore *store;
  CsClock *clock;

  guint alarm_id;
  GDateTime *next_due;
  gboolean has_upcoming;

  /* call id -> end of the occurrence (gint64 *, microseconds): reminded
   * already, forgotten once the call is over. Kept in memory only. */
  GHashTable *reminded;
  /* call id -> when to remind again (gint64 *, microseconds). */
  GHashTable *snoozed;

  /* The circles whose reminder delay counts, watched for changes. */
  GPtrArray *watched_circles;

  gboolean started;
  gboolean updating;
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (CsReminders, cs_reminders, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CLOCK,
  PROP_HAS_UPCOMING,
  N_PROPS
};

enum
{
  DUE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update (CsReminders *self);

typedef struct
{
  gint64 due;
  char *call_id;
  CsOccurrence *occurrence;
} Pending;

static void
pending_free (Pending *pending)
{
  g_free (pending->call_id);
  cs_occurrence_unref (pending->occurrence);
  g_free (pending);
}

static int
compare_pending (gconstpointer a, gconstpointer b)
{
  const Pending *first = *(Pending **) a;
  const Pending *second = *(Pending **) b;

  if (first->due != second->due)
    return first->due < second->due ? -1 : 1;

  return g_strcmp0 (first->call_id, second->call_id);
}

static gint64
to_usec (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

static GDateTime *
from_usec (gint64 usec)
{
  g_autoptr (GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

static gint64 *
usec_new (gint64 usec)
{
  return g_memdup2 (&usec, sizeof usec);
}

/* What the "due" signal hands out: the occurrence with its circle's name and
 * its start in the user's zone. */
static CsOccurrence *
occurrence_for_reminder (CsOccurrence *source, CsCircle *circle)
{
  CsOccurrence *occurrence = g_atomic_rc_box_new0 (CsOccurrence);

  occurrence->call_uid = g_strdup (source->call_uid);
  occurrence->call_id = source->call_id;
  occurrence->circle_id = source->circle_id;
  occurrence->circle_name = g_strdup (cs_circle_get_name (circle));
  occurrence->title = g_strdup (source->title);
  occurrence->recurrence_id = g_strdup (source->recurrence_id);
  occurrence->start = g_date_time_ref (source->start);
  occurrence->end = g_date_time_ref (source->end);
  occurrence->user_start = g_date_time_to_local (source->start);
  occurrence->zone_differs = g_date_time_get_utc_offset (occurrence->start) !=
                             g_date_time_get_utc_offset (occurrence->user_start);
  occurrence->moved = source->moved;

  return occurrence;
}

static void
on_alarm (gpointer user_data)
{
  CsReminders *self = CS_REMINDERS (user_data);

  self->alarm_id = 0;
  update (self);
}

static void
on_schedule_changed (CsReminders *self)
{
  update (self);
}

static void
watch_circle (CsReminders *self, CsCircle *circle)
{
  if (g_ptr_array_find (self->watched_circles, circle, NULL))
    return;

  g_ptr_array_add (self->watched_circles, g_object_ref (circle));
  g_signal_connect_object (circle, "notify::reminder-minutes", G_CALLBACK (on_schedule_changed),
                           self, G_CONNECT_SWAPPED);
}

static void
unwatch_circles (CsReminders *self)
{
  for (guint i = 0; i < self->watched_circles->len; i++)
    g_signal_handlers_disconnect_by_data (self->watched_circles->pdata[i], self);
  g_ptr_array_set_size (self->watched_circles, 0);
}

/* The first occurrences of @call that could still remind at @now: the first
 * not reminded yet, and any snoozed before it. */
static void
collect_pending (CsReminders *self,
                 CsScheduledCall *call,
                 CsCircle *circle,
                 gint64 now,
                 GHashTable *snoozes_seen,
                 GPtrArray *pending)
{
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GDateTime) from = NULL;
  g_autoptr (GError) error = NULL;
  gint64 lead = (gint64) cs_circle_get_reminder_minutes (circle) * 60 * G_USEC_PER_SEC;
  guint enough;

  /* An occurrence that started less than its duration ago is still on. */
  from =
    from_usec (now - (gint64) cs_scheduled_call_get_duration_minutes (call) * 60 * G_USEC_PER_SEC);
  /* Past the ones already reminded or snoozed, one more is the next to remind. */
  enough = g_hash_table_size (self->reminded) + g_hash_table_size (self->snoozed) + 2;
  occurrences = cs_recurrence_expand (call, from, NULL, enough, &error);
  if (occurrences == NULL)
    {
      g_warning ("No reminders for the scheduled call %s: %s", cs_scheduled_call_get_uid (call),
                 error->message);
      return;
    }

  for (guint i = 0; i < occurrences->len; i++)
    {
      CsOccurrence *occurrence = occurrences->pdata[i];
      g_autofree char *call_id = NULL;
      Pending *entry;
      gint64 *snoozed_until;

      if (to_usec (occurrence->end) <= now)
        continue;

      call_id = cs_reminders_format_call_id (occurrence->call_uid, occurrence->recurrence_id);
      snoozed_until = g_hash_table_lookup (self->snoozed, call_id);
      if (snoozed_until == NULL && g_hash_table_contains (self->reminded, call_id))
        continue;

      entry = g_new0 (Pending, 1);
      entry->due = snoozed_until != NULL ? *snoozed_until : to_usec (occurrence->start) - lead;
      entry->call_id = g_steal_pointer (&call_id);
      entry->occurrence = occurrence_for_reminder (occurrence, circle);
      g_ptr_array_add (pending, entry);

      if (snoozed_until != NULL)
        g_hash_table_add (snoozes_seen, g_strdup (entry->call_id));
      else
        break;
    }
}

/* Works out what is due at the clock's time and arms the alarm for what
 * comes next. Returns the due reminders, earliest first. */
static GPtrArray *
compute (CsReminders *self)
{
  g_autoptr (GDateTime) now_datetime = cs_clock_get_now (self->clock);
  g_autoptr (GListModel) calls = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (GHashTable) snoozes_seen = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = to_usec (now_datetime);
  GHashTableIter iter;
  gpointer key, value;
  gboolean has_upcoming;

  if (self->alarm_id != 0)
    cs_clock_remove_alarm (self->clock, self->alarm_id);
  self->alarm_id = 0;
  g_clear_pointer (&self->next_due, g_date_time_unref);
  unwatch_circles (self);

  due = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  snoozes_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Calls that are over need no memory of their reminder. */
  g_hash_table_iter_init (&iter, self->reminded);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value <= now)
      g_hash_table_iter_remove (&iter);

  calls = cs_store_list_scheduled_calls (self->store, 0, FALSE, &error);
  if (calls == NULL)
    {
      g_warning ("Could not read the scheduled calls for their reminders: %s", error->message);
      return g_steal_pointer (&due);
    }

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);
      CsCircle *circle = cs_store_find_circle (self->store, cs_scheduled_call_get_circle_id (call));

      if (circle == NULL)
        continue;

      watch_circle (self, circle);
      collect_pending (self, call, circle, now, snoozes_seen, pending);
    }

  /* A snoozed occurrence that was skipped, moved away or cancelled since then
   * no longer reminds. */
  g_hash_table_iter_init (&iter, self->snoozed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (snoozes_seen, key))
      g_hash_table_iter_remove (&iter);

  g_ptr_array_sort (pending, compare_pending);
  while (pending->len > 0 && ((Pending *) pending->pdata[0])->due <= now)
    g_ptr_array_add (due, g_ptr_array_steal_index (pending, 0));

  if (pending->len > 0)
    {
      self->next_due = from_usec (((Pending *) pending->pdata[0])->due);
      self->alarm_id = cs_clock_add_alarm (self->clock, self->next_due, on_alarm, self, NULL);
    }

  has_upcoming = pending->len > 0 || due->len > 0;
  if (self->has_upcoming != has_upcoming)
    {
      self->has_upcoming = has_upcoming;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UPCOMING]);
    }

  return g_steal_pointer (&due);
}

/* Handlers of "due" may change the schedule or snooze: that only asks the
 * loop below for another round. */
static void
update (CsReminders *self)
{
  if (!self->started)
    return;

  if (self->updating)
    {
      self->dirty = TRUE;
      return;
    }

  g_object_ref (self);
  self->updating = TRUE;

  do
    {
      g_autoptr (GPtrArray) due = NULL;

      self->dirty = FALSE;
      due = compute (self);

      for (guint i = 0; i < due->len; i++)
        {
          Pending *entry = due->pdata[i];

          g_hash_table_remove (self->snoozed, entry->call_id);
          g_hash_table_replace (self->reminded, g_strdup (entry->call_id),
                                usec_new (to_usec (entry->occurrence->end)));
        }

      for (guint i = 0; i < due->len; i++)
        {
          Pending *entry = due->pdata[i];

          g_signal_emit (self, signals[DUE], 0, entry->call_id, entry->occurrence);
        }

      /* The ones just reminded make way for the next occurrence of their series. */
      if (due->len > 0)
        self->dirty = TRUE;
    }
  while (self->dirty && self->store != NULL);

  self->updating = FALSE;
  g_object_unref (self);
}

static void
cs_reminders_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsReminders *self = CS_REMINDERS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_HAS_UPCOMING:
      g_value_set_boolean (value, self->has_upcoming);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_reminders_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsReminders *self = CS_REMINDERS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_reminders_constructed (GObject *object)
{
  CsReminders *self = CS_REMINDERS (object);

  G_OBJECT_CLASS (cs_reminders_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  if (self->clock == NULL)
    self->clock = cs_clock_new_system ();

  g_signal_connect_object (self->store, "schedule-changed", G_CALLBACK (on_schedule_changed), self,
                           G_CONNECT_SWAPPED);
  /* Trashing, restoring or deleting a circle takes its calls in or out. */
  g_signal_connect_object (cs_store_get_circles (self->store), "items-changed",
                           G_CALLBACK (on_schedule_changed), self, G_CONNECT_SWAPPED);
}

static void
cs_reminders_dispose (GObject *object)
{
  CsReminders *self = CS_REMINDERS (object);

  if (self->clock != NULL && self->alarm_id != 0)
    cs_clock_remove_alarm (self->clock, self->alarm_id);
  self->alarm_id = 0;
  if (self->watched_circles != NULL)
    unwatch_circles (self);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_reminders_parent_class)->dispose (object);
}

static void
cs_reminders_finalize (GObject *object)
{
  CsReminders *self = CS_REMINDERS (object);

  g_clear_pointer (&self->next_due, g_date_time_unref);
  g_clear_pointer (&self->reminded, g_hash_table_unref);
  g_clear_pointer (&self->snoozed, g_hash_table_unref);
  g_clear_pointer (&self->watched_circles, g_ptr_array_unref);

  G_OBJECT_CLASS (cs_reminders_parent_class)->finalize (object);
}

static void
cs_reminders_class_init (CsRemindersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_reminders_get_property;
  object_class->set_property = cs_reminders_set_property;
  object_class->constructed = cs_reminders_constructed;
  object_class->dispose = cs_reminders_dispose;
  object_class->finalize = cs_reminders_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CS_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* NULL at construction: the system clock. */
  properties[PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, CS_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_UPCOMING] =
    g_param_spec_boolean ("has-upcoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CsReminders::due:
   * @reminders: the reminders
   * @call_id: the occurrence's call id (see cs_reminders_format_call_id())
   * @occurrence: the occurrence, with its circle's name and, in user_start, its
   *   start in the local zone
   *
   * Emitted once per occurrence when its circle's reminder delay before its
   * start is reached (at once for a call that is on but was not reminded yet),
   * and again after a snooze. Skipped and cancelled occurrences never remind.
   */
  signals[DUE] = g_signal_new ("due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                               NULL, G_TYPE_NONE, 2, G_TYPE_STRING, CS_TYPE_OCCURRENCE);
}

static void
cs_reminders_init (CsReminders *self)
{
  self->reminded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->snoozed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->watched_circles = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * cs_reminders_new:
 * @store: where the schedule is
 * @clock: (nullable): the time to follow, NULL for the system clock
 *
 * Nothing is reminded before cs_reminders_start().
 */
CsReminders *
cs_reminders_new (CsStore *store, CsClock *clock)
{
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || CS_IS_CLOCK (clock), NULL);

  return g_object_new (CS_TYPE_REMINDERS, "store", store, "clock", clock, NULL);
}

/**
 * cs_reminders_start:
 * @self: the reminders
 *
 * Starts following the schedule and the clock, once "due" has its handlers:
 * an occurrence whose reminder time has passed but which is still on is
 * reminded from here, at once.
 */
void
cs_reminders_start (CsReminders *self)
{
  g_return_if_fail (CS_IS_REMINDERS (self));

  if (self->started)
    return;

  self->started = TRUE;
  update (self);
}

CsStore *
cs_reminders_get_store (CsReminders *self)
{
  g_return_val_if_fail (CS_IS_REMINDERS (self), NULL);

  return self->store;
}

CsClock *
cs_reminders_get_clock (CsReminders *self)
{
  g_return_val_if_fail (CS_IS_REMINDERS (self), NULL);

  return self->clock;
}

gboolean
cs_reminders_get_has_upcoming (CsReminders *self)
{
  g_return_val_if_fail (CS_IS_REMINDERS (self), FALSE);

  return self->has_upcoming;
}

GDateTime *
cs_reminders_get_next_due (CsReminders *self)
{
  g_return_val_if_fail (CS_IS_REMINDERS (self), NULL);

  return self->next_due;
}

/**
 * cs_reminders_snooze:
 * @self: the reminders
 * @call_id: an occurrence's call id
 * @error: CS_STORE_ERROR_INVALID for an id that names no occurrence
 *
 * Reminds of that occurrence again CS_REMINDERS_SNOOZE_MINUTES from now,
 * unless it is over, skipped or cancelled by then. Works for a reminder shown
 * before the app last started too (the notification outlives it).
 */
gboolean
cs_reminders_snooze (CsReminders *self, const char *call_id, GError **error)
{
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (CS_IS_REMINDERS (self), FALSE);
  g_return_val_if_fail (call_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cs_reminders_parse_call_id (call_id, NULL, NULL, error))
    return FALSE;

  now = cs_clock_get_now (self->clock);
  g_hash_table_replace (self->snoozed, g_strdup (call_id),
                        usec_new (to_usec (now) +
                                  (gint64) CS_REMINDERS_SNOOZE_MINUTES * 60 * G_USEC_PER_SEC));
  update (self);

  return TRUE;
}

char *
cs_reminders_format_call_id (const char *uid, const char *recurrence_id)
{
  g_return_val_if_fail (uid != NULL, NULL);
  g_return_val_if_fail (recurrence_id != NULL, NULL);

  return g_strconcat (uid, "/", recurrence_id, NULL);
}

gboolean
cs_reminders_parse_call_id (const char *call_id, char **uid, char **recurrence_id, GError **error)
{
  const char *slash;

  g_return_val_if_fail (call_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  slash = strrchr (call_id, '/');
  if (slash == NULL || slash == call_id || slash[1] == '\0')
    {
      g_set_error_literal (error, CS_STORE_ERROR, CS_STORE_ERROR_INVALID,
                           _ ("This call is not in your schedule."));
      return FALSE;
    }

  if (uid != NULL)
    *uid = g_strndup (call_id, slash - call_id);
  if (recurrence_id != NULL)
    *recurrence_id = g_strdup (slash + 1);

  return TRUE;
}
