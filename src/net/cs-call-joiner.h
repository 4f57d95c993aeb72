/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-invites.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * Which call to take part in when a member of a circle presses Join (or Call): the circle's
 * call going on, or a new one that this member announces in the circle's room. Two members
 * pressing Join at the same moment end in one call, never two, by a rule every member applies
 * the same way to the same room history (docs/protocol.md, "Starting or joining a circle's
 * call"). The circle's room must already be joined.
 */
#define CS_TYPE_CALL_JOINER (cs_call_joiner_get_type ())
G_DECLARE_FINAL_TYPE (CsCallJoiner, cs_call_joiner, CS, CALL_JOINER, GObject)

CsCallJoiner *cs_call_joiner_new (CsXmppClient *client,
                                  CsCallInvites *invites,
                                  const char *circle_room);

void cs_call_joiner_run_async (CsCallJoiner *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
/* Returns the MUJI call room to join, or NULL with @error set. @invite_id: the invite to
 * accept and, when leaving, to leave. @created: TRUE when this member announced the call
 * (the call room is then made with cs_muji_call_new (..., TRUE)).
 *
 * The caller then posts cs_call_invites_accept (invites, circle_room, invite_id): at once when
 * not @created; when @created, once in the call room (the call's first "roster"), because
 * others wait for that accept to know the room is ready. Leaving, it posts
 * cs_call_invites_leave() for the same id.
 *
 * Errors (G_IO_ERROR, messages for the user): NOT_CONNECTED (offline), NOT_INITIALIZED (not in
 * the circle's room yet), TIMED_OUT (our announcement did not come back in 10 s, or the call
 * chosen had nobody in it after 10 s), CANCELLED. Cancel from the main context. */
char *cs_call_joiner_run_finish (CsCallJoiner *self,
                                 GAsyncResult *result,
                                 char **invite_id,
                                 gboolean *created,
                                 GError **error);

const char *cs_call_joiner_get_circle_room (CsCallJoiner *self);

G_END_DECLS
