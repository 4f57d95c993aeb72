/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "cs-circle.h"
#include "cs-contact.h"

G_BEGIN_DECLS

#define CS_TYPE_OVERDUE (cs_overdue_get_type ())
G_DECLARE_FINAL_TYPE (CsOverdue, cs_overdue, CS, OVERDUE, GObject)

/* One entry of the "keep in touch" list: a contact or a circle the user has not
 * met or talked with for longer than its cadence. Immutable. */
CsOverdue *cs_overdue_new (CsContact *contact,
                           CsCircle *circle,
                           gint64 last_contact,
                           gint64 overdue_seconds,
                           guint cadence_days);

/* Exactly one of these is non-NULL. */
CsContact *cs_overdue_get_contact (CsOverdue *self);
CsCircle *cs_overdue_get_circle (CsOverdue *self);
const char *cs_overdue_get_name (CsOverdue *self);
/* Unix seconds of the last interaction, or 0 when there was none. */
gint64 cs_overdue_get_last_contact (CsOverdue *self);
/* How long ago the cadence ran out. */
gint64 cs_overdue_get_overdue_seconds (CsOverdue *self);
guint cs_overdue_get_overdue_days (CsOverdue *self);
guint cs_overdue_get_cadence_days (CsOverdue *self);

G_END_DECLS
