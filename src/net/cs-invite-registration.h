/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-uri.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The invited person's side of an account invite (XEP-0401): on a stream with no account, the
 * token (XEP-0379 preauth, urn:xmpp:pars:0), then in-band registration (XEP-0077) with a
 * username made from the person's name and a strong random password. See docs/protocol.md,
 * "Invite links for new accounts". */

#define CS_INVITE_REGISTRATION_ERROR (cs_invite_registration_error_quark ())

typedef enum
{
  CS_INVITE_REGISTRATION_ERROR_FAILED,
  /* The server no longer accepts the token: it expired, was revoked or was already used. */
  CS_INVITE_REGISTRATION_ERROR_EXPIRED,
  CS_INVITE_REGISTRATION_ERROR_UNREACHABLE,
  /* The server does not take invitations, or refused the new account. */
  CS_INVITE_REGISTRATION_ERROR_REFUSED,
  /* The server's certificate is not trusted: nothing was sent. */
  CS_INVITE_REGISTRATION_ERROR_CERTIFICATE_UNTRUSTED,
} CsInviteRegistrationError;

typedef struct
{
  /* The new account's bare address ("mamie.jeanne@example.org"). */
  char *address;
  /* Its password: the caller keeps it in the Secret Service (cs-account-secrets.h), and
   * nowhere else. */
  char *password;
} CsInviteAccount;

GQuark cs_invite_registration_error_quark (void);

void cs_invite_account_free (CsInviteAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsInviteAccount, cs_invite_account_free)

/* The username tried first for @person_name: lower-case ASCII, accents dropped, words joined
 * by dots ("Mamie Jeanne" -> "mamie.jeanne"); "friend" when nothing is left. */
char *cs_invite_registration_username_for (const char *person_name);

/* Creates an account on @invite's server for @person_name. @host and @port say where to
 * connect instead of looking the domain up (tests, a user setting); @host NULL looks it up.
 * The server's certificate must be trusted by the system or by the CA in COUSINADE_CA_FILE
 * (developers and tests). A taken name is retried with a number appended ("mamie.jeanne2"). */
void cs_invite_registration_register_async (const CsXmppInvite *invite,
                                            const char *person_name,
                                            const char *host,
                                            guint16 port,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
/* The new account, or NULL with a plain-words @error (CS_INVITE_REGISTRATION_ERROR, or
 * G_IO_ERROR_CANCELLED). */
CsInviteAccount *cs_invite_registration_register_finish (GAsyncResult *result, GError **error);

G_END_DECLS
