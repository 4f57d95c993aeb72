/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "cs-scheduled-call.h"

G_BEGIN_DECLS

/* The repetitions a family understands; anything else is CUSTOM and its rule is
 * kept exactly as written. */
typedef enum
{
  CS_RECURRENCE_ONCE,
  CS_RECURRENCE_WEEKLY,
  CS_RECURRENCE_EVERY_OTHER_WEEK,
  CS_RECURRENCE_MONTHLY_BY_WEEKDAY,
  CS_RECURRENCE_MONTHLY_BY_DAY,
  CS_RECURRENCE_CUSTOM,
} CsRecurrenceKind;

typedef struct
{
  CsRecurrenceKind kind;
  /* WEEKLY, EVERY_OTHER_WEEK and MONTHLY_BY_WEEKDAY. */
  GDateWeekday weekday;
  /* MONTHLY_BY_WEEKDAY: 1 to 4 for the first to fourth, -1 for the last. */
  int ordinal;
  /* MONTHLY_BY_DAY: 1 to 31. */
  int day;
} CsRecurrencePreset;

#define CS_RECURRENCE_ERROR (cs_recurrence_error_quark ())

typedef enum
{
  CS_RECURRENCE_ERROR_INVALID,
} CsRecurrenceError;

GQuark cs_recurrence_error_quark (void);

gboolean cs_recurrence_preset_from_rrule (const char *rrule,
                                          GDateTime *dtstart,
                                          CsRecurrencePreset *preset);
char *cs_recurrence_preset_to_rrule (const CsRecurrencePreset *preset);
void cs_recurrence_preset_init_for_start (CsRecurrencePreset *preset,
                                          CsRecurrenceKind kind,
                                          GDateTime *dtstart);

gboolean cs_recurrence_validate (const char *rrule, GError **error);
char *cs_recurrence_describe (const char *rrule, GDateTime *dtstart);

/* One occurrence of a scheduled call. */
typedef struct
{
  char *call_uid;
  gint64 call_id;
  gint64 circle_id;
  char *circle_name;
  char *title;
  /* The original start as local text in the series' zone (the RECURRENCE-ID). */
  char *recurrence_id;
  /* In the series' (organiser's) zone. */
  GDateTime *start;
  GDateTime *end;
  /* Filled by cs_store_list_upcoming_calls(): the start in the user's zone, and
   * whether the organiser's zone shows a different time of day. */
  GDateTime *user_start;
  gboolean zone_differs;
  gboolean moved;
} CsOccurrence;

#define CS_TYPE_OCCURRENCE (cs_occurrence_get_type ())
GType cs_occurrence_get_type (void);
CsOccurrence *cs_occurrence_ref (CsOccurrence *self);
void cs_occurrence_unref (CsOccurrence *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsOccurrence, cs_occurrence_unref)

GPtrArray *cs_recurrence_expand (CsScheduledCall *call,
                                 GDateTime *from,
                                 GDateTime *to,
                                 guint max_occurrences,
                                 GError **error);

G_END_DECLS
