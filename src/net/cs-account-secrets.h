/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Account passwords live in the Secret Service (the Secret portal inside Flatpak), keyed by
 * the account's address: never in SQLite, GSettings or logs. */

void cs_account_secrets_store_async (const char *address,
                                     const char *password,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean cs_account_secrets_store_finish (GAsyncResult *result, GError **error);

/* Finishes with the password, or NULL and no error when none is stored. */
void cs_account_secrets_lookup_async (const char *address,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
char *cs_account_secrets_lookup_finish (GAsyncResult *result, GError **error);

void cs_account_secrets_clear_async (const char *address,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean cs_account_secrets_clear_finish (GAsyncResult *result, GError **error);

G_END_DECLS
