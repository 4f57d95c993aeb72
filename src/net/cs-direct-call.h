/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * A one-to-one call with a contact, set up by Jingle Message Initiation (XEP-0353): the
 * caller proposes the call to the contact's bare address (every device of theirs rings), the
 * device that answers sends "proceed" from its full address, and the caller then starts a
 * single Jingle session with that device (cs-jingle-sessions), whose id is the proposal's.
 * "reject" and "retract" end a call that never began, "finish" one that did.
 *
 * The caller makes one with cs_direct_call_new(); the callee gets one from
 * cs_incoming_calls_accept() (cs-incoming-calls.h).
 *
 * The participant id is the contact's bare address. The signals mirror CsCallSignaling
 * (src/media/cs-call-signaling.h): "roster" (GStrv ids, GStrv names) once the call is
 * answered (the caller gets the callee, who gets nobody: the caller makes the offer),
 * "participant-joined" (id, name), "participant-left" (id), "description" (from, type, sdp),
 * "candidate" (from, mline index, candidate), "media-state" (from, muted, camera_off),
 * "failed" (GError, with a message for people: declined, hung up, no answer).
 * Also "ringing" (the callee's device rings) and "dropped" (const char *from, reason) for
 * messages refused as replayed, stale or from someone else.
 */

#define CS_TYPE_DIRECT_CALL (cs_direct_call_get_type ())
G_DECLARE_FINAL_TYPE (CsDirectCall, cs_direct_call, CS, DIRECT_CALL, GObject)

/* Rings @contact (a bare address), named @contact_name in messages (NULL: the address), once
 * joined. @video: a video call, else audio only. */
CsDirectCall *cs_direct_call_new (CsXmppClient *client,
                                  const char *contact,
                                  const char *contact_name,
                                  gboolean video);

/* The callee's side of the call @id proposed by @caller (a full address); see
 * cs_incoming_calls_accept(). Joining it answers. */
CsDirectCall *cs_direct_call_new_answer (CsXmppClient *client,
                                         const char *caller,
                                         const char *caller_name,
                                         const char *id);

/* The caller gives up after this many seconds without an answer (60 by default). */
void cs_direct_call_set_ring_timeout (CsDirectCall *self, guint seconds);

/* The proposal's id, which is also the Jingle session's. */
const char *cs_direct_call_get_id (CsDirectCall *self);
/* The contact's bare address: the other participant's id. */
const char *cs_direct_call_get_contact (CsDirectCall *self);
/* Our own bare address. */
const char *cs_direct_call_get_local_id (CsDirectCall *self);
gboolean cs_direct_call_is_outgoing (CsDirectCall *self);

/* The caller rings the contact; the callee answers. */
void cs_direct_call_join (CsDirectCall *self, const char *display_name);
/* Hangs up: retracts an unanswered proposal, or ends the session and says so ("finish"). */
void cs_direct_call_leave (CsDirectCall *self);
void cs_direct_call_send_description (CsDirectCall *self,
                                      const char *peer_id,
                                      const char *type,
                                      const char *sdp);
void cs_direct_call_send_candidate (CsDirectCall *self,
                                    const char *peer_id,
                                    guint mline_index,
                                    const char *candidate);
void cs_direct_call_send_media_state (CsDirectCall *self, gboolean muted, gboolean camera_off);

/* The id of the current Jingle session, or NULL. */
char *cs_direct_call_dup_session_id (CsDirectCall *self);

G_END_DECLS
