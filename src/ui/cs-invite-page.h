/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-account-session.h"
#include "cs-xmpp-uri.h"

G_BEGIN_DECLS

#define CS_TYPE_INVITE_PAGE (cs_invite_page_get_type ())
G_DECLARE_FINAL_TYPE (CsInvitePage, cs_invite_page, CS, INVITE_PAGE, AdwWindow)

/* The one page a person without an account sees on opening an account invite link (XEP-0401):
 * the circle, who invites them, their name and "Join". Join creates the account with the
 * link's token, keeps it through @session (password in the Secret Service) and emits "joined"
 * with the circle's room and name (either may be NULL) once signed in. */
CsInvitePage *cs_invite_page_new (GtkWindow *parent,
                                  CsAccountSession *session,
                                  const CsXmppInvite *invite);

G_END_DECLS
