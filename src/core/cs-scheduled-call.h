/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CS_TYPE_SCHEDULED_CALL (cs_scheduled_call_get_type ())
G_DECLARE_FINAL_TYPE (CsScheduledCall, cs_scheduled_call, CS, SCHEDULED_CALL, GObject)

#define CS_SCHEDULED_CALL_DEFAULT_DURATION 60

CsScheduledCall *cs_scheduled_call_new (void);
CsScheduledCall *cs_scheduled_call_copy (CsScheduledCall *self);
void cs_scheduled_call_assign (CsScheduledCall *self, CsScheduledCall *source);

gint64 cs_scheduled_call_get_id (CsScheduledCall *self);
void cs_scheduled_call_set_id (CsScheduledCall *self, gint64 id);
const char *cs_scheduled_call_get_uid (CsScheduledCall *self);
void cs_scheduled_call_set_uid (CsScheduledCall *self, const char *uid);
gint64 cs_scheduled_call_get_circle_id (CsScheduledCall *self);
void cs_scheduled_call_set_circle_id (CsScheduledCall *self, gint64 circle_id);
const char *cs_scheduled_call_get_title (CsScheduledCall *self);
void cs_scheduled_call_set_title (CsScheduledCall *self, const char *title);
GDateTime *cs_scheduled_call_get_dtstart (CsScheduledCall *self);
void cs_scheduled_call_set_dtstart (CsScheduledCall *self, GDateTime *dtstart);
const char *cs_scheduled_call_get_tzid (CsScheduledCall *self);
void cs_scheduled_call_set_tzid (CsScheduledCall *self, const char *tzid);
GTimeZone *cs_scheduled_call_get_timezone (CsScheduledCall *self);
guint cs_scheduled_call_get_duration_minutes (CsScheduledCall *self);
void cs_scheduled_call_set_duration_minutes (CsScheduledCall *self, guint minutes);
const char *cs_scheduled_call_get_rrule (CsScheduledCall *self);
void cs_scheduled_call_set_rrule (CsScheduledCall *self, const char *rrule);
guint cs_scheduled_call_get_sequence (CsScheduledCall *self);
void cs_scheduled_call_set_sequence (CsScheduledCall *self, guint sequence);
const char *cs_scheduled_call_get_organiser (CsScheduledCall *self);
void cs_scheduled_call_set_organiser (CsScheduledCall *self, const char *organiser);
/* Whether the series is someone else's, shared with us through a circle's room (its organiser
 * an XMPP address other than @own_address, which may be NULL). An imported calendar's e-mail
 * organiser, or none, makes it ours. */
gboolean cs_scheduled_call_is_organised_elsewhere (CsScheduledCall *self, const char *own_address);
gboolean cs_scheduled_call_get_cancelled (CsScheduledCall *self);
void cs_scheduled_call_set_cancelled (CsScheduledCall *self, gboolean cancelled);

/* Exceptions to a series, keyed by the original start of the occurrence
 * (its RECURRENCE-ID) as a local date-time in the series' zone. */
void cs_scheduled_call_skip_occurrence (CsScheduledCall *self, GDateTime *recurrence_id);
void cs_scheduled_call_move_occurrence (CsScheduledCall *self,
                                        GDateTime *recurrence_id,
                                        GDateTime *new_start);
gboolean cs_scheduled_call_remove_exception (CsScheduledCall *self, const char *recurrence_id);
void cs_scheduled_call_clear_exceptions (CsScheduledCall *self);
gboolean cs_scheduled_call_lookup_exception (CsScheduledCall *self,
                                             const char *recurrence_id,
                                             GDateTime **new_start);
/* The same with the texts as stored: @new_start NULL for a skipped occurrence. */
void cs_scheduled_call_set_exception_text (CsScheduledCall *self,
                                           const char *recurrence_id,
                                           const char *new_start);
GStrv cs_scheduled_call_dup_exception_ids (CsScheduledCall *self);
guint cs_scheduled_call_get_n_exceptions (CsScheduledCall *self);

/* The text form of dtstart, recurrence ids and moved starts in the store and
 * in exceptions: ISO 8601 without an offset, read in the series' zone. */
char *cs_scheduled_call_format_local (GDateTime *datetime);
GDateTime *cs_scheduled_call_parse_local (const char *text, GTimeZone *zone);
GDateTime *cs_scheduled_call_new_local (GTimeZone *zone,
                                        int year,
                                        int month,
                                        int day,
                                        int hour,
                                        int minute,
                                        int second);

G_END_DECLS
