/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

#define CS_TYPE_CIRCLE_ROOMS (cs_circle_rooms_get_type ())
G_DECLARE_FINAL_TYPE (CsCircleRooms, cs_circle_rooms, CS, CIRCLE_ROOMS, GObject)

/* Keeps circles and their rooms in step while signed in: gives a new circle its room, enters
 * every circle's room, grants and revokes membership, invites, and knows who is online.
 * Emits "presence-changed" (CsCircle) when someone in a circle comes or goes, and
 * "invitation" (from, room, circle name) when someone invites the user to a circle's room. */
CsCircleRooms *cs_circle_rooms_new (CsStore *store);

void cs_circle_rooms_set_client (CsCircleRooms *self, CsXmppClient *client);

/* Gives @circle a room if it has none yet and the account is online. */
void cs_circle_rooms_ensure_room (CsCircleRooms *self, CsCircle *circle);
/* Call after a circle was edited, deleted (trashed) or brought back. */
void cs_circle_rooms_circle_changed (CsCircleRooms *self, CsCircle *circle);
void cs_circle_rooms_circle_trashed (CsCircleRooms *self, CsCircle *circle);
void cs_circle_rooms_circle_restored (CsCircleRooms *self, CsCircle *circle);
/* Call after adding or removing a member: membership in the room follows. */
void cs_circle_rooms_member_added (CsCircleRooms *self, CsCircle *circle, CsContact *contact);
void cs_circle_rooms_member_removed (CsCircleRooms *self, CsCircle *circle, CsContact *contact);

/* Makes the local circle for an invitation or an invite link the user accepted, and enters
 * its room. Returns the store's circle (transfer none), or NULL with @error. */
CsCircle *cs_circle_rooms_accept (CsCircleRooms *self,
                                  const char *room,
                                  const char *name,
                                  GError **error);
/* The local circle whose room is @room, or NULL. Transfer none. */
CsCircle *cs_circle_rooms_find_circle (CsCircleRooms *self, const char *room);
gboolean cs_circle_rooms_is_signed_in (CsCircleRooms *self);

/* Whether @contact is in @circle's room right now. */
gboolean cs_circle_rooms_is_online (CsCircleRooms *self, CsCircle *circle, CsContact *contact);

/* The real bare address of the occupant @nick of @room, while they are in it, or NULL. */
const char *cs_circle_rooms_get_occupant_address (CsCircleRooms *self,
                                                  const char *room,
                                                  const char *nick);
/* Whether the user is in @circle's room right now (calls are announced there). */
gboolean cs_circle_rooms_is_in_room (CsCircleRooms *self, CsCircle *circle);
/* The nickname the user has in circles' rooms, or NULL when signed out. */
char *cs_circle_rooms_dup_own_nickname (CsCircleRooms *self);
/* The name @room gives itself (its disco#info identity), such as "Famille Dupont": what to
 * call a circle known only by its address, as from an invite link. */
void cs_circle_rooms_lookup_name_async (CsCircleRooms *self,
                                        const char *room,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
char *cs_circle_rooms_lookup_name_finish (CsCircleRooms *self,
                                          GAsyncResult *result,
                                          GError **error);
/* The invite link of @circle's room (RFC 5122 "?join"), or NULL when it has no room. */
char *cs_circle_rooms_dup_invite_uri (CsCircle *circle);

G_END_DECLS
