/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-clock"

/* The time as reminders see it. The system clock wakes up through one timer
 * armed on the wall clock for the earliest alarm: GLib's timeouts count
 * monotonic time, which stops during a suspend and ignores a change of the
 * system time, so a reminder due during a suspend would come hours late. */

#include "config.h"

#include "cs-clock.h"

#ifdef __linux__
#include <glib-unix.h>

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>
#endif

typedef struct
{
  guint id;
  gint64 when; /* microseconds since the epoch */
  CsClockAlarmFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Alarm;

struct _CsClock
{
  GObject parent_instance;

  gboolean manual;
  gint64 manual_now;

  /* Sorted by instant, then by creation. */
  GQueue alarms;
  guint last_alarm_id;

  int timer_fd;
  guint timer_source;
  guint fallback_source;
};

G_DEFINE_FINAL_TYPE (CsClock, cs_clock, G_TYPE_OBJECT)

static void fire_due_alarms (CsClock *self);

static void
alarm_free (Alarm *alarm)
{
  if (alarm->destroy != NULL)
    alarm->destroy (alarm->user_data);
  g_free (alarm);
}

static gint64
now_usec (CsClock *self)
{
  return self->manual ? self->manual_now : g_get_real_time ();
}

static gint64
usec_from_datetime (GDateTime *datetime)
{
  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC + g_date_time_get_microsecond (datetime);
}

#ifdef __linux__
static gboolean
on_timer_fd_ready (int fd, GIOCondition condition, gpointer user_data)
{
  CsClock *self = CS_CLOCK (user_data);
  guint64 expirations;

  /* ECANCELED means the system time was set: the due alarms are checked (and
   * the timer armed again) all the same. */
  if (read (fd, &expirations, sizeof expirations) < 0 && errno != ECANCELED && errno != EAGAIN)
    g_debug ("Reading the alarm timer: %s", g_strerror (errno));

  fire_due_alarms (self);

  return G_SOURCE_CONTINUE;
}
#endif

static gboolean
on_fallback_timeout (gpointer user_data)
{
  CsClock *self = CS_CLOCK (user_data);

  self->fallback_source = 0;
  fire_due_alarms (self);

  return G_SOURCE_REMOVE;
}

/* Arms the one timer for the earliest alarm. */
static void
arm_timer (CsClock *self)
{
  Alarm *first = g_queue_peek_head (&self->alarms);

  if (self->manual)
    return;

  g_clear_handle_id (&self->fallback_source, g_source_remove);

#ifdef __linux__
  if (self->timer_fd >= 0)
    {
      struct itimerspec spec = { 0 };

      if (first != NULL)
        {
          /* 0 would disarm the timer: an instant in the past fires at once. */
          gint64 when = MAX (first->when, 1);

          spec.it_value.tv_sec = when / G_USEC_PER_SEC;
          spec.it_value.tv_nsec = (when % G_USEC_PER_SEC) * 1000;
        }

      if (timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec,
                           NULL) == 0)
        return;

      g_warning ("Could not arm the alarm timer: %s", g_strerror (errno));
    }
#endif

  /* Without a wall-clock timer, look again at least every minute so that a
   * suspend delays an alarm by a minute at most. */
  if (first != NULL)
    {
      gint64 delay_ms = MAX (first->when - g_get_real_time (), 0) / 1000;

      self->fallback_source =
        g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (delay_ms + 1, 60 * 1000),
                            on_fallback_timeout, self, NULL);
    }
}

static void
fire_due_alarms (CsClock *self)
{
  Alarm *first;

  g_object_ref (self);

  /* One at a time: an alarm's function can add or remove others. */
  while ((first = g_queue_peek_head (&self->alarms)) != NULL && first->when <= now_usec (self))
    {
      Alarm *alarm = g_queue_pop_head (&self->alarms);

      alarm->func (alarm->user_data);
      alarm_free (alarm);
    }

  arm_timer (self);

  g_object_unref (self);
}

static int
compare_alarms (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Alarm *first = a, *second = b;

  if (first->when != second->when)
    return first->when < second->when ? -1 : 1;

  return first->id < second->id ? -1 : (first->id > second->id);
}

static void
cs_clock_dispose (GObject *object)
{
  CsClock *self = CS_CLOCK (object);

  g_clear_handle_id (&self->timer_source, g_source_remove);
  g_clear_handle_id (&self->fallback_source, g_source_remove);
#ifdef __linux__
  if (self->timer_fd >= 0)
    {
      close (self->timer_fd);
      self->timer_fd = -1;
    }
#endif
  g_queue_clear_full (&self->alarms, (GDestroyNotify) alarm_free);

  G_OBJECT_CLASS (cs_clock_parent_class)->dispose (object);
}

static void
cs_clock_class_init (CsClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_clock_dispose;
}

static void
cs_clock_init (CsClock *self)
{
  g_queue_init (&self->alarms);
  self->timer_fd = -1;
}

CsClock *
cs_clock_new_system (void)
{
  CsClock *self = g_object_new (CS_TYPE_CLOCK, NULL);

#ifdef __linux__
  self->timer_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd < 0)
    g_warning ("Could not create the alarm timer: %s", g_strerror (errno));
  else
    self->timer_source = g_unix_fd_add (self->timer_fd, G_IO_IN, on_timer_fd_ready, self);
#endif

  return self;
}

CsClock *
cs_clock_new_manual (GDateTime *now)
{
  CsClock *self;

  g_return_val_if_fail (now != NULL, NULL);

  self = g_object_new (CS_TYPE_CLOCK, NULL);
  self->manual = TRUE;
  self->manual_now = usec_from_datetime (now);

  return self;
}

gboolean
cs_clock_is_manual (CsClock *self)
{
  g_return_val_if_fail (CS_IS_CLOCK (self), FALSE);

  return self->manual;
}

GDateTime *
cs_clock_get_now (CsClock *self)
{
  g_autoptr (GDateTime) seconds = NULL;
  gint64 now;

  g_return_val_if_fail (CS_IS_CLOCK (self), NULL);

  now = now_usec (self);
  seconds = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);

  return g_date_time_add (seconds, now % G_USEC_PER_SEC);
}

/**
 * cs_clock_add_alarm:
 * @self: the clock
 * @when: the instant to call @func at (in the past: as soon as the main loop runs)
 * @func: called once, from the main context
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data once the alarm fired or was removed
 *
 * Returns: the alarm's id, for cs_clock_remove_alarm()
 */
guint
cs_clock_add_alarm (CsClock *self,
                    GDateTime *when,
                    CsClockAlarmFunc func,
                    gpointer user_data,
                    GDestroyNotify destroy)
{
  Alarm *alarm;

  g_return_val_if_fail (CS_IS_CLOCK (self), 0);
  g_return_val_if_fail (when != NULL, 0);
  g_return_val_if_fail (func != NULL, 0);

  alarm = g_new0 (Alarm, 1);
  alarm->id = ++self->last_alarm_id;
  alarm->when = usec_from_datetime (when);
  alarm->func = func;
  alarm->user_data = user_data;
  alarm->destroy = destroy;
  g_queue_insert_sorted (&self->alarms, alarm, compare_alarms, NULL);

  if (g_queue_peek_head (&self->alarms) == alarm)
    arm_timer (self);

  return alarm->id;
}

void
cs_clock_remove_alarm (CsClock *self, guint alarm_id)
{
  g_return_if_fail (CS_IS_CLOCK (self));

  for (GList *l = self->alarms.head; l != NULL; l = l->next)
    {
      Alarm *alarm = l->data;

      if (alarm->id == alarm_id)
        {
          gboolean was_first = l == self->alarms.head;

          g_queue_delete_link (&self->alarms, l);
          alarm_free (alarm);
          if (was_first)
            arm_timer (self);
          return;
        }
    }
}

void
cs_clock_set_now (CsClock *self, GDateTime *now)
{
  g_return_if_fail (CS_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (now != NULL);

  self->manual_now = usec_from_datetime (now);
  fire_due_alarms (self);
}

void
cs_clock_advance (CsClock *self, GTimeSpan span)
{
  g_return_if_fail (CS_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  self->manual_now += span;
  fire_due_alarms (self);
}
