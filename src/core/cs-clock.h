/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CS_TYPE_CLOCK (cs_clock_get_type ())
G_DECLARE_FINAL_TYPE (CsClock, cs_clock, CS, CLOCK, GObject)

typedef void (*CsClockAlarmFunc) (gpointer user_data);

/* The wall clock, with alarms that fire at their instant even across a suspend
 * or a change of the system time. */
CsClock *cs_clock_new_system (void);
/* A clock that only moves when told (tests): it starts at @now. */
CsClock *cs_clock_new_manual (GDateTime *now);

gboolean cs_clock_is_manual (CsClock *self);
/* Transfer full, in UTC. */
GDateTime *cs_clock_get_now (CsClock *self);

guint cs_clock_add_alarm (CsClock *self,
                          GDateTime *when,
                          CsClockAlarmFunc func,
                          gpointer user_data,
                          GDestroyNotify destroy);
void cs_clock_remove_alarm (CsClock *self, guint alarm_id);

/* Manual clocks only. Alarms due by the new time fire in order, each seeing
 * the clock at the new time. */
void cs_clock_set_now (CsClock *self, GDateTime *now);
void cs_clock_advance (CsClock *self, GTimeSpan span);

G_END_DECLS
