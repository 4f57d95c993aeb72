/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/* STUN and TURN servers for calls, as the user's XMPP server hands them out (XEP-0215
 * External Service Discovery; Prosody's mod_turn_external with coturn), written as the URIs
 * the call engine takes: "stun://host:port" and "turn://user:password@host:port" (user and
 * password percent-escaped), "turns://..." for TLS. */

/* Reads a <services xmlns='urn:xmpp:extdisco:2'/> element (or an iq holding one). Entries
 * that are incomplete or of another kind are skipped. Returns a NULL-terminated array,
 * possibly empty. */
char **cs_ice_servers_from_services (xmpp_stanza_t *services);

void cs_ice_servers_discover_async (CsXmppClient *client,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* The server's STUN/TURN URIs, possibly none; an error when it could not be asked. */
char **cs_ice_servers_discover_finish (CsXmppClient *client, GAsyncResult *result, GError **error);

G_END_DECLS
