/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * Jingle sessions (XEP-0166/0167/0176/0320) with peers known by their full address: at most
 * one current session per peer, carrying the media engine's SDP (mapped to Jingle by
 * cs-jingle-sdp), trickled candidates (transport-info, with those given before our
 * description held back), mute state (session-info) and session-terminate. Every Jingle
 * message of a session that is not the current one with its sender (stale, ended, or replayed
 * by a stream-management resend) is answered and dropped, and reported through "dropped"
 * (const char *from, const char *reason).
 *
 * Who may talk to us is the owner's call, through a CsJinglePeerCheck: a group call takes its
 * call room's occupants, a one-to-one call the contact it rang.
 *
 * Signals, with the peer's full address as @peer:
 *  "description" (peer, type, sdp): an "offer" (session-initiate) or "answer"
 *      (session-accept). An offer from a peer who had a session first ends that one
 *      ("ended" with replaced TRUE).
 *  "candidate" (peer, guint mline_index, candidate)
 *  "media-state" (peer, gboolean muted, gboolean camera_off)
 *  "ended" (peer, gboolean replaced): the peer ended the session (session-terminate), or, when
 *      @replaced, started a new one.
 *  "dropped" (from, reason)
 */

typedef enum
{
  /* Not for us (another call's): left alone, unanswered. */
  CS_JINGLE_PEER_IGNORE,
  /* For us, from someone who may not take part: refused ("forbidden"). */
  CS_JINGLE_PEER_REFUSE,
  CS_JINGLE_PEER_ACCEPT,
} CsJinglePeerVerdict;

/* @action and @sid as the message says, possibly NULL. */
typedef CsJinglePeerVerdict (*CsJinglePeerCheck) (const char *from,
                                                  const char *action,
                                                  const char *sid,
                                                  gpointer user_data);

#define CS_TYPE_JINGLE_SESSIONS (cs_jingle_sessions_get_type ())
G_DECLARE_FINAL_TYPE (CsJingleSessions, cs_jingle_sessions, CS, JINGLE_SESSIONS, GObject)

/* @local_address: ours as the peers see it (room@service/nick), put in "initiator" and
 * "responder"; NULL until known: then the address an offer reached us at is taken, and until
 * then they are left out (the sender's address stands for it). */
CsJingleSessions *cs_jingle_sessions_new (CsXmppClient *client, const char *local_address);

/* Ours as learnt later (the address a message reached us at). */
void cs_jingle_sessions_set_local_address (CsJingleSessions *self, const char *local_address);

/* These sessions belong to the group call in @room (XEP-0272), reached at the participants'
 * real addresses as Dino 0.4 does: our session-initiates name the room in
 * <muji xmlns='urn:xmpp:jingle:muji:0' room='...'/> (Dino matches a session to its group call
 * by it), and an incoming session-initiate that does not name @room is left alone, unanswered,
 * before the peer check: it belongs to a one-to-one call or to another group call. */
void cs_jingle_sessions_set_muji_room (CsJingleSessions *self, const char *room);

/* Called for every incoming Jingle request before anything else; without one, nothing is
 * accepted. */
void cs_jingle_sessions_set_peer_check (CsJingleSessions *self,
                                        CsJinglePeerCheck check,
                                        gpointer user_data,
                                        GDestroyNotify destroy);

/* The session id our next offer to @peer uses instead of a random one (XEP-0353 wants the
 * proposal's id). */
void cs_jingle_sessions_set_next_sid (CsJingleSessions *self, const char *peer, const char *sid);

/* An "offer" starts a new session with @peer (ending any current one); an "answer" accepts
 * the peer's offer. */
void cs_jingle_sessions_send_description (CsJingleSessions *self,
                                          const char *peer,
                                          const char *type,
                                          const char *sdp);
void cs_jingle_sessions_send_candidate (CsJingleSessions *self,
                                        const char *peer,
                                        guint mline_index,
                                        const char *candidate);
/* To every peer with a session, and to those whose sessions start later. */
void cs_jingle_sessions_send_media_state (CsJingleSessions *self,
                                          gboolean muted,
                                          gboolean camera_off);
/* Sends session-terminate to @peer if there is a session, and ends it. */
void cs_jingle_sessions_terminate (CsJingleSessions *self, const char *peer);
/* Ends the session with @peer, if any, without telling them (they are gone). */
void cs_jingle_sessions_forget (CsJingleSessions *self, const char *peer);
/* @peer is now reached at @new_address (a reconnected client got another resource): its
 * session, if any, goes on there; one at @new_address, if any, is forgotten. */
void cs_jingle_sessions_move_peer (CsJingleSessions *self,
                                   const char *peer,
                                   const char *new_address);
/* Terminates every session; from then on incoming Jingle is left alone. */
void cs_jingle_sessions_close (CsJingleSessions *self);

gboolean cs_jingle_sessions_has_session (CsJingleSessions *self, const char *peer);

/* What a call object does with its sessions' signals; each handler gets the call as its
 * user data. */
typedef struct
{
  CsJinglePeerCheck check;
  GCallback description;
  GCallback candidate;
  GCallback media_state;
  GCallback ended;
} CsJingleSessionsHandlers;

/* Sessions for @call (a CsMujiCall or CsDirectCall): @handlers are connected with @call as
 * their data, and "dropped" comes out as @call's own "dropped" (from, reason). */
CsJingleSessions *cs_jingle_sessions_new_for_call (CsXmppClient *client,
                                                   const char *local_address,
                                                   const CsJingleSessionsHandlers *handlers,
                                                   gpointer call);
/* For @call's dispose: undoes what cs_jingle_sessions_new_for_call() connected, so that
 * nothing reaches @call any more, and drops @call's reference to *@sessions. */
void cs_jingle_sessions_release (CsJingleSessions **sessions, gpointer call);
/* Whether @sid is the id of a current session with any peer, or of one that is over: a
 * message with it is ours to answer (a peer check may leave unknown ids to other calls). */
gboolean cs_jingle_sessions_knows_session (CsJingleSessions *self, const char *sid);
/* The id of the current session with @peer, or NULL. */
char *cs_jingle_sessions_dup_session_id (CsJingleSessions *self, const char *peer);

G_END_DECLS
