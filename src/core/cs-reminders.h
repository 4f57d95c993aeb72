/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-clock.h"
#include "cs-recurrence.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_REMINDERS (cs_reminders_get_type ())
G_DECLARE_FINAL_TYPE (CsReminders, cs_reminders, CS, REMINDERS, GObject)

/* How long "Snooze" puts a reminder off. */
#define CS_REMINDERS_SNOOZE_MINUTES 5

CsReminders *cs_reminders_new (CsStore *store, CsClock *clock);
void cs_reminders_start (CsReminders *self);

CsStore *cs_reminders_get_store (CsReminders *self);
CsClock *cs_reminders_get_clock (CsReminders *self);
/* Whether some occurrence will still remind (the app stays up for it). */
gboolean cs_reminders_get_has_upcoming (CsReminders *self);
/* When the next reminder is due, or NULL. Transfer none. */
GDateTime *cs_reminders_get_next_due (CsReminders *self);

gboolean cs_reminders_snooze (CsReminders *self, const char *call_id, GError **error);

/* The call id names one occurrence: "<series uid>/<recurrence id>", where the
 * recurrence id is the occurrence's original start as local ISO 8601 text in
 * the series' zone ("2026-03-01T11:00:00"), the key that stays the same when
 * that occurrence is moved. Uids may hold '/': the id splits at the last one. */
char *cs_reminders_format_call_id (const char *uid, const char *recurrence_id);
gboolean cs_reminders_parse_call_id (const char *call_id,
                                     char **uid,
                                     char **recurrence_id,
                                     GError **error);

G_END_DECLS
