/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-call-invites.h"
#include "cs-circle-rooms.h"
#include "cs-clock.h"
#include "cs-direct-call.h"
#include "cs-store.h"

G_BEGIN_DECLS

/*
 * Incoming calls that ring: a call started by someone else in one of the user's circles (a
 * live XEP-0482 invite or call-message:1 proposal in the circle's room) and a one-to-one
 * proposal (XEP-0353) from one of the user's contacts. Each rings with a high-priority
 * notification ("Anna Dupont is calling", the circle's name, Join and Decline carrying the
 * ring's id to app.answer-call and app.decline-call) and the sound theme's
 * "phone-incoming-call", repeated, until it stops: answered or declined here or on another of
 * the user's devices, the caller gave up (retracted, or the call is over), or nobody answered
 * for CS_RINGER_SECONDS on the ringer's clock. The last two leave a "Missed call"
 * notification and an entry in the contact history. Nobody else rings: not strangers, not
 * calls replayed from a room's history, not the call the user is in.
 *
 * Signals: "changed": a call began or stopped ringing (see cs_ringer_get_latest());
 * "stopped" (const char *id, CsRingEnd why).
 */

#define CS_RINGER_SECONDS 45

typedef enum
{
  CS_RING_ANSWERED,           /* Join, here */
  CS_RING_DECLINED,           /* Decline, here */
  CS_RING_ANSWERED_ELSEWHERE, /* another of the user's devices took it */
  CS_RING_DECLINED_ELSEWHERE, /* another of the user's devices declined it */
  CS_RING_GAVE_UP,            /* the caller hung up, or everybody left the call */
  CS_RING_NO_ANSWER,          /* CS_RINGER_SECONDS without an answer */
} CsRingEnd;

#define CS_TYPE_RINGER (cs_ringer_get_type ())
G_DECLARE_FINAL_TYPE (CsRinger, cs_ringer, CS, RINGER, GObject)

/* Whether the user is in, or joining, the call of the circle whose room is @circle_room. */
typedef gboolean (*CsRingerInCallFunc) (const char *circle_room, gpointer user_data);

CsRinger *cs_ringer_new (GApplication *application, CsStore *store, CsCircleRooms *rooms);

/* The signed-in client and the call invites of its circles' rooms, or NULL when signed out
 * (what rang stops without a missed call). */
void cs_ringer_set_client (CsRinger *self, CsXmppClient *client, CsCallInvites *invites);
void cs_ringer_set_in_call_func (CsRinger *self, CsRingerInCallFunc func, gpointer user_data);

/* The clock that times the CS_RINGER_SECONDS (the system's by default; tests move a manual
 * one). */
void cs_ringer_set_clock (CsRinger *self, CsClock *clock);
CsClock *cs_ringer_get_clock (CsRinger *self);

/* The id of the call that rang last and still rings, or NULL. */
const char *cs_ringer_get_latest (CsRinger *self);
gboolean cs_ringer_is_ringing (CsRinger *self, const char *id);
/* "Anna Dupont is calling" (transfer full), or NULL when @id does not ring. */
char *cs_ringer_dup_title (CsRinger *self, const char *id);
/* The circle's name, or "Video call" ("Voice call") for a one-to-one call; NULL when @id does
 * not ring. */
const char *cs_ringer_get_context (CsRinger *self, const char *id);

/* Stops @id ringing because the user takes it. For a circle's call, sets @circle_id; for a
 * one-to-one call, @direct (transfer full) is the answered call to join. FALSE when it no
 * longer rings. */
gboolean cs_ringer_answer (CsRinger *self,
                           const char *id,
                           gint64 *circle_id,
                           CsDirectCall **direct);
/* Stops @id ringing and tells the caller the user declined: XEP-0353 <reject/> for a
 * one-to-one call, XEP-0482 (and call-message:1) <reject/> in the circle's room. */
void cs_ringer_decline (CsRinger *self, const char *id);

/* How many times the ring sound started so far: with COUSINADE_MEDIA=test no sound plays, and
 * this still counts each time it would have. */
guint cs_ringer_get_sound_plays (CsRinger *self);

G_END_DECLS
