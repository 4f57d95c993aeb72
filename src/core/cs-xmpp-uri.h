/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads an xmpp: URI (RFC 5122) such as "xmpp:family@rooms.example.org?join": sets
 * @address to the normalised bare address and @action to the query type ("join"), or NULL
 * when there is none. Anything else, an authority part included, is refused in plain words. */
gboolean cs_xmpp_uri_parse (const char *uri, char **address, char **action, GError **error);

G_END_DECLS
