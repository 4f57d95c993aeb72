/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/* Invitations for people with no account yet (XEP-0401 Easy User Onboarding), as the
 * organiser's own server makes them through an ad-hoc command (XEP-0050; Prosody's
 * mod_invites_adhoc). See docs/protocol.md, "Invite links for new accounts". */

#define CS_ACCOUNT_INVITES_ERROR (cs_account_invites_error_quark ())

typedef enum
{
  CS_ACCOUNT_INVITES_ERROR_FAILED,
  /* The server has no invitation command, or does not let this user run it. */
  CS_ACCOUNT_INVITES_ERROR_NOT_OFFERED,
  /* The server made an invite that cannot create an account (only people who already have
   * one could use it): Prosody's allow_user_invites is off for this user. */
  CS_ACCOUNT_INVITES_ERROR_NOT_ALLOWED,
} CsAccountInvitesError;

typedef struct
{
  /* The link the server made ("xmpp:papy@example.org?roster;preauth=...;ibr=y"). */
  char *uri;
  char *token;
  /* When the server stops accepting it (UTC). */
  GDateTime *expires;
} CsAccountInvite;

GQuark cs_account_invites_error_quark (void);

void cs_account_invite_free (CsAccountInvite *invite);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsAccountInvite, cs_account_invite_free)

/* Whether the user's server lists the invitation command (disco#items of its commands). */
void cs_account_invites_check_async (CsXmppClient *client,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* TRUE when offered; FALSE with @error unset when not, or with @error when the server could
 * not be asked. */
gboolean cs_account_invites_check_finish (CsXmppClient *client,
                                          GAsyncResult *result,
                                          GError **error);

/* Asks the user's server for a new account invite. The client must be online. */
void cs_account_invites_create_async (CsXmppClient *client,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* The invite, or NULL with a plain-words @error (CS_ACCOUNT_INVITES_ERROR, or the client's
 * errors when the request failed). */
CsAccountInvite *cs_account_invites_create_finish (CsXmppClient *client,
                                                   GAsyncResult *result,
                                                   GError **error);

G_END_DECLS
