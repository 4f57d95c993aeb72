/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-account-session.h"
#include "cs-call.h"
#include "cs-call-invites.h"
#include "cs-circle-rooms.h"
#include "cs-ringer.h"
#include "cs-store.h"

G_BEGIN_DECLS

/*
 * The user's calls, one at a time: joins a circle's call going on or starts it (through
 * CsCallJoiner, so that two members pressing Join together end in one call), calls a contact
 * one to one (XEP-0353), opens the call window, and writes the call to the contact history
 * when it ends (CsCallRecorder). Also knows, for every circle, who is in its call going on
 * (the call invites of the circle's room), and why calling is not possible right now.
 *
 * Signals: "circle-call-changed" (gint64 circle id): a call began or ended in that circle, or
 * someone joined or left it; "notify::in-call", "notify::available".
 */
#define CS_TYPE_CALL_MANAGER (cs_call_manager_get_type ())
G_DECLARE_FINAL_TYPE (CsCallManager, cs_call_manager, CS, CALL_MANAGER, GObject)

CsCallManager *cs_call_manager_new (GtkApplication *application,
                                    CsStore *store,
                                    CsCircleRooms *rooms,
                                    GSettings *settings);

/* The signed-in (or reconnecting) client, or NULL when signed out. */
void cs_call_manager_set_client (CsCallManager *self, CsXmppClient *client);

/* Why the user cannot call @circle (or anyone, when @circle is NULL) right now, in plain
 * words ("Sign in to call your circle"), or NULL when they can. */
char *cs_call_manager_dup_unavailable_reason (CsCallManager *self, CsCircle *circle);

/* Names (as the user's contacts know them) of those in @circle's call going on, or NULL when
 * no call is going on there. */
char **cs_call_manager_dup_circle_call_names (CsCallManager *self, CsCircle *circle);

/* Joins @circle's call going on, or starts one. When the user is in another call, asks
 * first. Failures are shown to the user. */
void cs_call_manager_join_circle (CsCallManager *self, CsCircle *circle);
/* Rings @contact (who must have an XMPP address) for a one-to-one video call. */
void cs_call_manager_call_contact (CsCallManager *self, CsContact *contact);

gboolean cs_call_manager_get_in_call (CsCallManager *self);
/* The call going on, or NULL. */
CsCall *cs_call_manager_get_call (CsCallManager *self);
/* The call window, or NULL. */
GtkWindow *cs_call_manager_get_window (CsCallManager *self);
/* The circle of the call going on, or 0 (none, or a one-to-one call). */
gint64 cs_call_manager_get_circle_id (CsCallManager *self);

/* What rings for the user (see cs-ringer.h). */
CsRinger *cs_call_manager_get_ringer (CsCallManager *self);
/* Takes the call that rings as @ring_id: joins that circle's call, or answers the one-to-one
 * call, one call at a time (asking first when in another). FALSE when it no longer rings. */
gboolean cs_call_manager_answer (CsCallManager *self, const char *ring_id);
/* Declines the call that rings as @ring_id; the caller is told. */
void cs_call_manager_decline (CsCallManager *self, const char *ring_id);

G_END_DECLS
