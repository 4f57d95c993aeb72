/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-signaling.h"
#include "cs-direct-call.h"
#include "cs-muji-call.h"

G_BEGIN_DECLS

/* The call engine's signalling over XMPP: a CsCallSignaling that passes everything to and
 * from a MUJI group call (src/net/cs-muji-call.h) or a one-to-one call
 * (src/net/cs-direct-call.h), where SDP becomes Jingle. Both have the same signals. */

#define CS_TYPE_XMPP_SIGNALING (cs_xmpp_signaling_get_type ())
G_DECLARE_FINAL_TYPE (CsXmppSignaling, cs_xmpp_signaling, CS, XMPP_SIGNALING, GObject)

CsXmppSignaling *cs_xmpp_signaling_new (CsMujiCall *call);
CsXmppSignaling *cs_xmpp_signaling_new_direct (CsDirectCall *call);
/* The group call, or NULL for a one-to-one call. */
CsMujiCall *cs_xmpp_signaling_get_call (CsXmppSignaling *self);
/* The one-to-one call, or NULL for a group call. */
CsDirectCall *cs_xmpp_signaling_get_direct_call (CsXmppSignaling *self);

G_END_DECLS
