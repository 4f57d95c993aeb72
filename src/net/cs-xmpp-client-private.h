/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/* For tests only: sends @xml unchecked, to play a peer that sends malformed stanzas. */
void cs_xmpp_client_send_raw_for_testing (CsXmppClient *self, const char *xml);

G_END_DECLS
