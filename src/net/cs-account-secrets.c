/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-account-secrets"

#include "config.h"

#include "cs-account-secrets.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.cousinade.Cousinade.Account",
    SECRET_SCHEMA_NONE,
    {
      { "address", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* The keyring's own errors speak of D-Bus and collections; say what it means for the user. */
static void
return_error (GTask *task, GError *error)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Your password could not be saved in or read from the "
                              "system’s password store (%s). Make sure a keyring such as "
                              "GNOME Keyring is running and unlocked."),
                           error->message);
  g_error_free (error);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
cs_account_secrets_store_async (const char *address,
                                const char *password,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  /* Translators: the label of the password in the system's password manager. */
  g_autofree char *label = g_strdup_printf (_ ("Cousinade account %s"), address);

  g_return_if_fail (address != NULL);
  g_return_if_fail (password != NULL);

  g_task_set_source_tag (task, cs_account_secrets_store_async);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         on_stored, g_steal_pointer (&task), "address", address, NULL);
}

gboolean
cs_account_secrets_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
}

void
cs_account_secrets_lookup_async (const char *address,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (address != NULL);

  g_task_set_source_tag (task, cs_account_secrets_lookup_async);
  secret_password_lookup (get_schema (), cancellable, on_looked_up, g_steal_pointer (&task),
                          "address", address, NULL);
}

char *
cs_account_secrets_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* Nothing to clear is not an error: the password is gone either way. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
cs_account_secrets_clear_async (const char *address,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (address != NULL);

  g_task_set_source_tag (task, cs_account_secrets_clear_async);
  secret_password_clear (get_schema (), cancellable, on_cleared, g_steal_pointer (&task), "address",
                         address, NULL);
}

gboolean
cs_account_secrets_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
