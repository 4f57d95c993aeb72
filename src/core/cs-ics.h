/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-circle.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_ICS_ERROR (cs_ics_error_quark ())

typedef enum
{
  /* Not an iCalendar file, or one with an event Cousinade cannot use. */
  CS_ICS_ERROR_INVALID,
  /* A valid file without any timed event. */
  CS_ICS_ERROR_EMPTY,
} CsIcsError;

GQuark cs_ics_error_quark (void);

/* The schedule of @circle, or of every live circle when NULL, as an iCalendar
 * text: one VEVENT per live series (stable UID, SEQUENCE, RRULE, EXDATE), one
 * more per moved occurrence (RECURRENCE-ID), a VTIMEZONE per zone used, and the
 * circle's invite link in URL and DESCRIPTION when it has a room. */
char *cs_ics_export (CsStore *store, CsCircle *circle, GError **error);

/* Reads the timed VEVENTs of @data into new CsScheduledCall objects (circle id
 * 0), without touching any store. */
GPtrArray *cs_ics_parse (const char *data, gssize length, GError **error);

/* Parses @data and imports its series into @circle in one transaction: on any
 * error nothing is imported. A UID already in the store is updated when the
 * file's SEQUENCE is higher, and left alone otherwise. */
gboolean cs_ics_import (CsStore *store,
                        CsCircle *circle,
                        const char *data,
                        gssize length,
                        guint *n_created,
                        guint *n_updated,
                        GError **error);

G_END_DECLS
