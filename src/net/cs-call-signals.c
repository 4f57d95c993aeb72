/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-signals"

#include "config.h"

#include "cs-call-signals.h"

void
cs_call_signals_install (GType type, guint *signals)
{
  g_return_if_fail (G_TYPE_IS_OBJECT (type));
  g_return_if_fail (signals != NULL);

  signals[CS_CALL_SIGNAL_ROSTER] = g_signal_new ("roster", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                                 NULL, G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRV);
  signals[CS_CALL_SIGNAL_PARTICIPANT_JOINED] =
    g_signal_new ("participant-joined", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                  2, G_TYPE_STRING, G_TYPE_STRING);
  signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT] =
    g_signal_new ("participant-left", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING);
  signals[CS_CALL_SIGNAL_DESCRIPTION] =
    g_signal_new ("description", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[CS_CALL_SIGNAL_CANDIDATE] =
    g_signal_new ("candidate", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  signals[CS_CALL_SIGNAL_MEDIA_STATE] =
    g_signal_new ("media-state", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[CS_CALL_SIGNAL_FAILED] = g_signal_new ("failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                                 NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[CS_CALL_SIGNAL_DROPPED] =
    g_signal_new ("dropped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_STRING);
}
