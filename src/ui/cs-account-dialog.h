/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-account-session.h"

G_BEGIN_DECLS

#define CS_TYPE_ACCOUNT_DIALOG (cs_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsAccountDialog, cs_account_dialog, CS, ACCOUNT_DIALOG, AdwWindow)

/* Signs in to an existing account or creates one; on success the session keeps it. */
CsAccountDialog *cs_account_dialog_new (GtkWindow *parent, CsAccountSession *session);
/* Asks for the password of the stored account again (the keyring lost it, or the server
 * refused it), with its address and server already filled in. */
CsAccountDialog *cs_account_dialog_new_for_account (GtkWindow *parent,
                                                    CsAccountSession *session,
                                                    CsAccount *account,
                                                    const char *reason);

/* Splits "host" or "host:port" as typed by a person; FALSE when it cannot be a server. */
gboolean cs_parse_server (const char *text, char **host, guint16 *port);

G_END_DECLS
