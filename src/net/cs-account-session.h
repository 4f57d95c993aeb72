/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

#define CS_TYPE_ACCOUNT_SESSION (cs_account_session_get_type ())
G_DECLARE_FINAL_TYPE (CsAccountSession, cs_account_session, CS, ACCOUNT_SESSION, GObject)

/* Keeps the user's account signed in: the address from the store, the password from the
 * Secret Service, the connection in a CsXmppClient. Emits "password-needed" when the stored
 * account has no password in the keyring any more. */
CsAccountSession *cs_account_session_new (CsStore *store);

/* The signed-in (or reconnecting) client, or NULL when there is no account. */
CsXmppClient *cs_account_session_get_client (CsAccountSession *self);

/* A client for an account being added, set up as this session's clients are. @host is a
 * server given by hand (NULL: look the address's domain up). */
CsXmppClient *cs_account_session_new_client (CsAccountSession *self,
                                             const char *address,
                                             const char *host,
                                             guint16 port);

/* Signs in with the stored account, if there is one. */
void cs_account_session_resume (CsAccountSession *self);

/* Keeps @client, which just signed in with @password: the account goes to the store and the
 * password to the Secret Service. Nothing is kept if either fails. */
void cs_account_session_adopt_async (CsAccountSession *self,
                                     CsXmppClient *client,
                                     const char *password,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean cs_account_session_adopt_finish (CsAccountSession *self,
                                          GAsyncResult *result,
                                          GError **error);

/* Signs out and forgets the account and its password. */
void cs_account_session_sign_out (CsAccountSession *self);

G_END_DECLS
