/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"
#include "cs-window.h"

G_BEGIN_DECLS

#define CS_TYPE_SCHEDULE_DIALOG (cs_schedule_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CsScheduleDialog, cs_schedule_dialog, CS, SCHEDULE_DIALOG, AdwWindow)

/* Schedules a new call in @circle, or edits the series @call (nullable) when given. */
CsScheduleDialog *cs_schedule_dialog_new (GtkWindow *parent,
                                          CsStore *store,
                                          CsCircle *circle,
                                          CsScheduledCall *call);

/* Cancels the series @call and offers Undo in a toast of @window. */
void cs_schedule_cancel_with_undo (CsWindow *window, CsStore *store, CsScheduledCall *call);

/* "Sunday 6 December, 11:00 — in 3 days", @start in the zone it is to be read in. */
char *cs_schedule_format_start (GDateTime *start, GDateTime *now);

G_END_DECLS
