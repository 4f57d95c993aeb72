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

/* Checks a server the user typed ("turn://name:password@host:port", "turns://...", or
 * "stun://host:port") and returns it as calls take it, or NULL with a plain-words error. */
char *cs_ice_servers_parse_manual (const char *text, GError **error);

/* What a call uses: what the XMPP server handed out when it offers a relay, otherwise that
 * plus the user's own @fallback (may be NULL or empty). */
char **cs_ice_servers_choose (const char *const *discovered, const char *fallback);

void cs_ice_servers_discover_async (CsXmppClient *client,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* The server's STUN/TURN URIs, possibly none; an error when it could not be asked. */
char **cs_ice_servers_discover_finish (CsXmppClient *client, GAsyncResult *result, GError **error);

G_END_DECLS
