/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The signals every call's signalling object gives the media engine, whether a group call
 * (CsMujiCall) or a one-to-one call (CsDirectCall). They mirror CsCallSignaling
 * (src/media/cs-call-signaling.h) and CsXmppSignaling forwards them the same way for both, so
 * they are defined once, here. Participants are known by the id the media engine uses (a nick
 * in the call room, a contact's bare address).
 *
 *  "roster" (GStrv ids, GStrv names): who was in the call when we came in.
 *  "participant-joined" (id, name)
 *  "participant-left" (id)
 *  "description" (id, type, sdp): "offer" or "answer".
 *  "candidate" (id, guint mline_index, candidate)
 *  "media-state" (id, gboolean muted, gboolean camera_off)
 *  "failed" (GError *error): the call cannot go on; the message is for people.
 *  "dropped" (from, reason): a message refused, with why, for logs and tests.
 */
typedef enum
{
  CS_CALL_SIGNAL_ROSTER,
  CS_CALL_SIGNAL_PARTICIPANT_JOINED,
  CS_CALL_SIGNAL_PARTICIPANT_LEFT,
  CS_CALL_SIGNAL_DESCRIPTION,
  CS_CALL_SIGNAL_CANDIDATE,
  CS_CALL_SIGNAL_MEDIA_STATE,
  CS_CALL_SIGNAL_FAILED,
  CS_CALL_SIGNAL_DROPPED,
  CS_CALL_N_SIGNALS
} CsCallSignal;

/* For a call class's class_init: creates the signals above on @type, their ids in @signals,
 * which holds at least CS_CALL_N_SIGNALS. */
void cs_call_signals_install (GType type, guint *signals);

G_END_DECLS
