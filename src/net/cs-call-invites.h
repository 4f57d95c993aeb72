/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * Call invites (XEP-0482) in circle rooms: a call started in a circle is announced in the
 * circle's room by an <invite> naming its MUJI call room; those who join post <accept>, those
 * who leave post <left>, and the one who started it may <retract> it. Following them tells
 * every member, joined or not, which call is going on and who is in it.
 *
 * Signals:
 *  "invite" (const char *circle_room, const char *invite_id, const char *from_nick,
 *      const char *call_room, gboolean video, gboolean live): a call was announced; @live is
 *      FALSE for one replayed from the room's history.
 *  "participants-changed" (const char *circle_room, const char *invite_id): someone
 *      accepted or left; see cs_call_invites_dup_participants().
 *  "retracted" (const char *circle_room, const char *invite_id)
 */

#define CS_TYPE_CALL_INVITES (cs_call_invites_get_type ())
G_DECLARE_FINAL_TYPE (CsCallInvites, cs_call_invites, CS, CALL_INVITES, GObject)

CsCallInvites *cs_call_invites_new (CsXmppClient *client);

/* Announces a call in @circle_room, to take place in @call_room. */
void cs_call_invites_post (CsCallInvites *self,
                           const char *circle_room,
                           const char *call_room,
                           gboolean video);
void cs_call_invites_accept (CsCallInvites *self, const char *circle_room, const char *invite_id);
void cs_call_invites_leave (CsCallInvites *self, const char *circle_room, const char *invite_id);
void cs_call_invites_retract (CsCallInvites *self, const char *circle_room, const char *invite_id);

/* The newest call announced in @circle_room that is not retracted, or NULL. */
const char *cs_call_invites_get_current (CsCallInvites *self,
                                         const char *circle_room,
                                         const char **call_room);
/* Nicknames (in the circle room) of those who accepted @invite_id and have not left. */
char **cs_call_invites_dup_participants (CsCallInvites *self,
                                         const char *circle_room,
                                         const char *invite_id);

G_END_DECLS
