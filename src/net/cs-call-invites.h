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
 *  "rejected" (const char *circle_room, const char *invite_id, const char *nick): @nick
 *      declined the call (said live, not replayed from the room's history).
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
/* Declines @invite_id: a XEP-0482 <reject/> in the room, with the call-message:1 one that
 * Dino 0.4 reads, so that the caller sees it. */
void cs_call_invites_reject (CsCallInvites *self, const char *circle_room, const char *invite_id);
/* Whether @invite_id came live (not from the room's history) and is not retracted. */
gboolean cs_call_invites_is_live (CsCallInvites *self,
                                  const char *circle_room,
                                  const char *invite_id);

/* The newest call announced in @circle_room that is not retracted, or NULL. */
const char *cs_call_invites_get_current (CsCallInvites *self,
                                         const char *circle_room,
                                         const char **call_room);
/* Nicknames (in the circle room) of those who accepted @invite_id and have not left. */
char **cs_call_invites_dup_participants (CsCallInvites *self,
                                         const char *circle_room,
                                         const char *invite_id);

/* Like cs_call_invites_post(), and returns the id the message was sent with, by which
 * cs_call_invites_find_posted() knows the invite when the room relays it back. */
char *cs_call_invites_post_with_id (CsCallInvites *self,
                                    const char *circle_room,
                                    const char *call_room,
                                    gboolean video);

/* Whether we are online and in @circle_room. Learnt from the room's answer to our entry: make
 * this object before the client enters circle rooms (it learns their history then, too). */
gboolean cs_call_invites_is_in_room (CsCallInvites *self, const char *circle_room);
/* When (g_get_monotonic_time()) we last entered @circle_room, or 0. */
gint64 cs_call_invites_get_in_room_since (CsCallInvites *self, const char *circle_room);

/* Invites are numbered in the order they arrive, which is the order each room relayed them:
 * the number of the last one so far, in any room (0 before the first). */
guint64 cs_call_invites_get_position (CsCallInvites *self);

/* The call going on in @circle_room by the rule of docs/protocol.md ("Starting or joining a
 * circle's call"), or NULL: the newest invite, not retracted and at most 12 hours old, with
 * an accepted participant still in the circle's room; else the earliest one announced less
 * than 30 s ago that nobody has accepted yet. */
const char *cs_call_invites_find_going_on (CsCallInvites *self,
                                           const char *circle_room,
                                           const char **call_room);
/* How many of those who accepted @invite_id and have not left are in the circle's room. */
guint cs_call_invites_count_present (CsCallInvites *self,
                                     const char *circle_room,
                                     const char *invite_id);
/* The id of the invite we posted with @sent_id (cs_call_invites_post_with_id()) once the room
 * relayed it back live, or NULL. */
const char *cs_call_invites_find_posted (CsCallInvites *self,
                                         const char *circle_room,
                                         const char *sent_id,
                                         const char **call_room);
/* The first invite, not retracted and live, that arrived after position @after and before
 * @invite_id in @circle_room, or NULL. */
const char *cs_call_invites_find_earlier (CsCallInvites *self,
                                          const char *circle_room,
                                          const char *invite_id,
                                          guint64 after,
                                          const char **call_room);

G_END_DECLS
