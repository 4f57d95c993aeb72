/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads an xmpp: URI (RFC 5122) such as "xmpp:family@rooms.example.org?join": sets
 * @address to the normalised bare address and @action to the query type ("join"), or NULL
 * when there is none. Anything else, an authority part included, is refused in plain words. */
gboolean cs_xmpp_uri_parse (const char *uri, char **address, char **action, GError **error);

/* An account invite link (XEP-0401, see docs/protocol.md "Invite links for new accounts"):
 * "xmpp:papy@example.org?roster;preauth=TOKEN;ibr=y" or "xmpp:example.org?register;preauth=TOKEN",
 * plus what Cousinade adds so the invited person also joins a circle. */
typedef struct
{
  /* The organiser's bare address for "roster" links, NULL for "register" ones. */
  char *inviter;
  /* The server on which the invited person creates an account. */
  char *domain;
  /* The pre-authentication token (XEP-0379) the server gave. */
  char *token;
  /* The circle's room (bare address), its name and the organiser's name, or NULL. */
  char *room;
  char *circle_name;
  char *inviter_name;
} CsXmppInvite;

/* Reads an invite link that lets a person create an account; a link without a token, or that
 * does not allow creating an account, is refused in plain words (G_IO_ERROR_INVALID_ARGUMENT). */
CsXmppInvite *cs_xmpp_invite_parse (const char *uri, GError **error);
void cs_xmpp_invite_free (CsXmppInvite *invite);

/* Adds the circle's room and name and the organiser's name (each may be NULL) to @server_uri,
 * the link the server made, percent-encoded so that other apps ignore them safely. */
char *cs_xmpp_invite_build_link (const char *server_uri,
                                 const char *room,
                                 const char *circle_name,
                                 const char *inviter_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsXmppInvite, cs_xmpp_invite_free)

G_END_DECLS
