/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by cs-direct-call.c and cs-incoming-calls.c. */

#include "cs-direct-call.h"

G_BEGIN_DECLS

/* A Jingle Message Initiation (XEP-0353) message: <@element id=@id/> to @to, as chat so that
 * the server copies it to our other devices (carbons) and keeps it in the archive. */
xmpp_stanza_t *cs_direct_call_new_message (CsXmppClient *client,
                                           const char *to,
                                           const char *element,
                                           const char *id);

G_END_DECLS
