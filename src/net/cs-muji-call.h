/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * One group call over XMPP: a MUJI (XEP-0272) call room in which every participant's
 * presence carries a <muji/> element (first <preparing/>, then the contents and payload types
 * they send), and one Jingle session (XEP-0166/0167/0176/0320) per pair of participants. The
 * media engine's SDP is mapped to Jingle and back by cs-jingle-sdp.
 *
 * Jingle goes between real full addresses when the room shows them (it is non-anonymous), as
 * Dino 0.4 does: a participant's is the one in their presence, ours the one the room shows
 * for us, and our session-initiates name the room (<muji room='...'/> in <jingle/>). When the
 * room hides them, it goes through the room (room@service/nick), which is also accepted from
 * anyone who uses it. Jingle between real addresses that neither names the room nor belongs
 * to one of our sessions is left alone: a one-to-one call (CsDirectCall) may run beside us.
 *
 * Participants are known by their nickname in the call room. Only occupants whose real
 * address (the room is non-anonymous) is in the allowed list take part; everything from
 * anyone else, and every Jingle message of a session that is not the current one with that
 * participant (stale, ended, or replayed by a stream-management resend), is dropped and
 * reported through "dropped" (const char *from, const char *reason).
 *
 * The other signals mirror CsCallSignaling (src/media/cs-call-signaling.h): "roster"
 * (GStrv ids, GStrv names), "participant-joined" (id, name), "participant-left" (id),
 * "description" (from, type, sdp), "candidate" (from, mline index, candidate),
 * "media-state" (from, muted, camera_off), "failed" (GError).
 */

#define CS_TYPE_MUJI_CALL (cs_muji_call_get_type ())
G_DECLARE_FINAL_TYPE (CsMujiCall, cs_muji_call, CS, MUJI_CALL, GObject)

/* @create: make the room if it does not exist (the one who starts the call). */
CsMujiCall *cs_muji_call_new (CsXmppClient *client,
                              const char *room,
                              const char *nick,
                              gboolean create);

/* Bare addresses allowed in the call (the circle's members). NULL, the default, accepts
 * every occupant the room lets in. When the call room is created, each of them is made a
 * member of it. */
void cs_muji_call_set_allowed (CsMujiCall *self, const char *const *addresses);

const char *cs_muji_call_get_room (CsMujiCall *self);
const char *cs_muji_call_get_local_id (CsMujiCall *self);
void cs_muji_call_join (CsMujiCall *self, const char *display_name);
void cs_muji_call_leave (CsMujiCall *self);
void cs_muji_call_send_description (CsMujiCall *self,
                                    const char *peer_id,
                                    const char *type,
                                    const char *sdp);
void cs_muji_call_send_candidate (CsMujiCall *self,
                                  const char *peer_id,
                                  guint mline_index,
                                  const char *candidate);
void cs_muji_call_send_media_state (CsMujiCall *self, gboolean muted, gboolean camera_off);

/* The id of the current Jingle session with @peer_id, or NULL. */
char *cs_muji_call_dup_session_id (CsMujiCall *self, const char *peer_id);

/* The real bare address behind @peer_id, or NULL. */
const char *cs_muji_call_get_peer_address (CsMujiCall *self, const char *peer_id);
/* The real full address our Jingle with @peer_id goes to, or NULL when the room hides it. */
const char *cs_muji_call_get_peer_device (CsMujiCall *self, const char *peer_id);

G_END_DECLS
