/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* Small helpers over libstrophe's stanza API, for any thread's own context. */

/* Adds a child element @name (in @ns, or inheriting when NULL) to @parent; transfer none. */
xmpp_stanza_t *cs_stanza_add_child (xmpp_stanza_t *parent, const char *name, const char *ns);
/* Adds a text node. */
void cs_stanza_add_text (xmpp_stanza_t *parent, const char *text);
/* The first child element of @stanza, skipping text. */
xmpp_stanza_t *cs_stanza_first_element (xmpp_stanza_t *stanza);
/* @jid without its resource (newly allocated). */
char *cs_stanza_bare_jid (const char *jid);
/* @stanza as XML text (newly allocated), or NULL. */
char *cs_stanza_to_string (xmpp_stanza_t *stanza);
/* Whether a room's <x xmlns='http://jabber.org/protocol/muc#user'/> holds <status code=@code/>. */
gboolean cs_stanza_has_muc_status (xmpp_stanza_t *x, const char *code);

G_END_DECLS
