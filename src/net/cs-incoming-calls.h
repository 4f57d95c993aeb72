/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-direct-call.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * One-to-one calls proposed to us (XEP-0353 Jingle Message Initiation), for the app to ring
 * and answer. Creating one turns message carbons (XEP-0280) on, so that when another of our
 * devices answers or declines, this one stops ringing.
 *
 * Signals:
 *  "incoming" (const char *id, const char *from, const char *name, gboolean video): @from
 *      (a bare address; @name is how they call themselves, or the address) calls us; it rings
 *      until accepted, rejected or "stopped".
 *  "stopped" (const char *id, CsIncomingCallEnd why): it no longer rings.
 *  "dropped" (const char *from, const char *reason): a proposal or answer ignored (not an
 *      allowed contact, seen before, stored while we were away, ...).
 */

typedef enum
{
  CS_INCOMING_CALL_RETRACTED,          /* the caller hung up */
  CS_INCOMING_CALL_ANSWERED_ELSEWHERE, /* another of our devices took it */
  CS_INCOMING_CALL_REJECTED_ELSEWHERE, /* another of our devices declined it */
  CS_INCOMING_CALL_EXPIRED,            /* it rang too long: the caller is gone without a word */
} CsIncomingCallEnd;

#define CS_TYPE_INCOMING_CALLS (cs_incoming_calls_get_type ())
G_DECLARE_FINAL_TYPE (CsIncomingCalls, cs_incoming_calls, CS, INCOMING_CALLS, GObject)

CsIncomingCalls *cs_incoming_calls_new (CsXmppClient *client);

/* Bare addresses that may call us (the user's contacts). Nobody else rings: the default,
 * NULL, lets nobody in. */
void cs_incoming_calls_set_allowed (CsIncomingCalls *self, const char *const *addresses);

/* Answers the ringing call @id: the returned call (transfer full) says so once joined. NULL
 * if it no longer rings. */
CsDirectCall *cs_incoming_calls_accept (CsIncomingCalls *self, const char *id);
/* Declines the ringing call @id. */
void cs_incoming_calls_reject (CsIncomingCalls *self, const char *id);

G_END_DECLS
