/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-signaling.h"

G_BEGIN_DECLS

/* cousinade-bot's way into a call over XMPP: sign in (or register), enter a circle's room
 * (or create it and make the given addresses its members), then start a call in it or join
 * the one going on, found from the call invites in the room. Or, with no circle, a
 * one-to-one call (XEP-0353): ring a contact, or wait for someone to ring and answer. Prints
 * JSON events as it goes (see cousinade-bot.c). */

typedef struct
{
  const char *address;
  const char *password;
  gboolean register_first;
  const char *host;
  guint16 port;
  const char *ca_file;
  const char *nick;
  /* The circle's room, for a group call; NULL with @ring or @answer. */
  const char *circle;
  /* Create the circle's room with this name (and make the members its members). */
  const char *create_circle_name;
  /* Bare addresses of the circle's members; only they are accepted in the call. With
   * @answer, who may ring; NULL or empty lets anyone ring (the bot is a test tool). */
  const char *const *members;
  gboolean start_call;
  /* Ring this contact (a bare address) for a one-to-one video call. */
  const char *ring;
  /* Wait for a one-to-one call and answer it. */
  gboolean answer;
  /* How long to wait for membership, for a call to join, for a call to ring us, or for the
   * contact we ring to answer. */
  guint wait_seconds;
  /* A relay of the user's own, used when the server offers none. */
  const char *fallback_turn;
} CsBotXmppOptions;

typedef struct _CsBotXmpp CsBotXmpp;

/* @signaling is NULL when @error says why the call cannot be joined. */
typedef void (*CsBotXmppReadyFunc) (CsCallSignaling *signaling,
                                    const GError *error,
                                    gpointer user_data);

CsBotXmpp *cs_bot_xmpp_new (const CsBotXmppOptions *options);
void cs_bot_xmpp_start (CsBotXmpp *self, CsBotXmppReadyFunc ready, gpointer user_data);
/* STUN/TURN URIs the server handed out (possibly none), once ready. */
const char *const *cs_bot_xmpp_get_ice_servers (CsBotXmpp *self);
/* TRUE for a one-to-one call (ringing or answering), FALSE for a circle's group call. */
gboolean cs_bot_xmpp_is_direct (CsBotXmpp *self);
/* Tells the circle we left the call. */
void cs_bot_xmpp_announce_left (CsBotXmpp *self);
/* Signs out, waiting at most @timeout_ms for what is queued to go out. */
void cs_bot_xmpp_sign_out (CsBotXmpp *self, guint timeout_ms);
void cs_bot_xmpp_free (CsBotXmpp *self);

G_END_DECLS
