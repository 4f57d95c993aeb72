/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the files of the scheduled-call part of CsStore. */

#include "cs-store-private.h"

G_BEGIN_DECLS

typedef enum
{
  SCHEDULE_INSERT,
  SCHEDULE_UPDATE,
  SCHEDULE_SET_STATE,
  SCHEDULE_DELETE,
  SCHEDULE_BY_ID,
  SCHEDULE_BY_UID,
  SCHEDULE_OF_CIRCLE,
  SCHEDULE_OF_LIVE_CIRCLES,
  SCHEDULE_UPCOMING,
  SCHEDULE_EXCEPTIONS_OF_CALL,
  SCHEDULE_EXCEPTION_PUT,
  SCHEDULE_EXCEPTIONS_DELETE,
  N_SCHEDULE_STATEMENTS
} ScheduleStatementId;

/* cs-store-schedule.c: its statements, prepared on first use. */
G_GNUC_INTERNAL CsStoreStatement *cs_store_schedule_get_statement (CsStore *self,
                                                                   ScheduleStatementId statement,
                                                                   GError **error);
/* A series with its exceptions, by id (@uid NULL) or by uid. */
G_GNUC_INTERNAL CsScheduledCall *cs_store_schedule_read_call (CsStore *self,
                                                              ScheduleStatementId statement,
                                                              gint64 id,
                                                              const char *uid,
                                                              GError **error);

G_END_DECLS
