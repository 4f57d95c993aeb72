/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-account-session"

#include "config.h"

#include "cs-account-session.h"
#include "cs-account-secrets.h"

#include <glib/gi18n.h>

struct _CsAccountSession
{
  GObject parent_instance;

  CsStore *store;
  CsXmppClient *client;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CsAccountSession, cs_account_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PASSWORD_NEEDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_client (CsAccountSession *self, CsXmppClient *client)
{
  if (self->client == client)
    return;

  if (self->client != NULL)
    cs_xmpp_client_disconnect (self->client);
  g_set_object (&self->client, client);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

static void
on_resumed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The client shows why it is offline; nothing more to do here. */
  if (!cs_xmpp_client_connect_finish (CS_XMPP_CLIENT (source), result, &error))
    g_debug ("Could not sign in: %s", error->message);
}

static void
on_password_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsAccountSession) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = cs_account_secrets_lookup_finish (result, &error);
  CsAccount *account = cs_store_get_account (self->store);
  g_autoptr (CsXmppClient) client = NULL;

  if (account == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  client =
    cs_account_session_new_client (self, cs_account_get_address (account),
                                   cs_account_get_host (account), cs_account_get_port (account));
  cs_xmpp_client_set_pinned_fingerprint (client, cs_account_get_pinned_fingerprint (account));
  set_client (self, client);

  if (password == NULL)
    {
      /* The keyring lost it, or is locked: the account page asks for it again. */
      g_message ("No password stored for %s: %s", cs_account_get_address (account),
                 error != NULL ? error->message : "none");
      g_signal_emit (self, signals[PASSWORD_NEEDED], 0);
      return;
    }

  cs_xmpp_client_connect_async (client, password, self->cancellable, on_resumed, NULL);
}

typedef struct
{
  CsXmppClient *client;
  char *address;
} AdoptData;

static void
adopt_data_free (AdoptData *data)
{
  g_clear_object (&data->client);
  g_free (data->address);
  g_free (data);
}

static void
on_adopt_password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CsAccountSession *self = g_task_get_source_object (task);
  AdoptData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccount) draft = cs_account_new ();

  if (!cs_account_secrets_store_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cs_account_set_address (draft, data->address);
  cs_account_set_host (draft, cs_xmpp_client_get_host (data->client));
  cs_account_set_port (draft, cs_xmpp_client_get_port (data->client));
  cs_account_set_pinned_fingerprint (draft, cs_xmpp_client_get_pinned_fingerprint (data->client));
  if (cs_store_save_account (self->store, draft, &error) == NULL)
    {
      /* Keep nothing: the password goes away with the account that could not be saved. */
      cs_account_secrets_clear_async (data->address, NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_client (self, data->client);
  g_task_return_boolean (task, TRUE);
}

static void
cs_account_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsAccountSession *self = CS_ACCOUNT_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_account_session_dispose (GObject *object)
{
  CsAccountSession *self = CS_ACCOUNT_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_account_session_parent_class)->dispose (object);
}

static void
cs_account_session_class_init (CsAccountSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_account_session_get_property;
  object_class->dispose = cs_account_session_dispose;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CS_TYPE_XMPP_CLIENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PASSWORD_NEEDED] = g_signal_new ("password-needed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_account_session_init (CsAccountSession *self)
{
  self->cancellable = g_cancellable_new ();
}

CsAccountSession *
cs_account_session_new (CsStore *store)
{
  CsAccountSession *self;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  self = g_object_new (CS_TYPE_ACCOUNT_SESSION, NULL);
  self->store = g_object_ref (store);

  return self;
}

CsXmppClient *
cs_account_session_get_client (CsAccountSession *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT_SESSION (self), NULL);

  return self->client;
}

CsXmppClient *
cs_account_session_new_client (CsAccountSession *self,
                               const char *address,
                               const char *host,
                               guint16 port)
{
  CsXmppClient *client;
  const char *ca_file = g_getenv ("COUSINADE_CA_FILE");

  g_return_val_if_fail (CS_IS_ACCOUNT_SESSION (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  client = cs_xmpp_client_new (address);
  /* A server given by hand wins over looking the address's domain up. */
  if (host != NULL)
    cs_xmpp_client_set_server (client, host, port);
  /* Developers and tests trust their own CA this way; users pin certificates instead. */
  if (ca_file != NULL)
    cs_xmpp_client_set_ca_file (client, ca_file);

  return client;
}

void
cs_account_session_resume (CsAccountSession *self)
{
  CsAccount *account;

  g_return_if_fail (CS_IS_ACCOUNT_SESSION (self));

  account = cs_store_get_account (self->store);
  if (account == NULL)
    return;

  cs_account_secrets_lookup_async (cs_account_get_address (account), self->cancellable,
                                   on_password_found, g_object_ref (self));
}

void
cs_account_session_adopt_async (CsAccountSession *self,
                                CsXmppClient *client,
                                const char *password,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AdoptData *data;

  g_return_if_fail (CS_IS_ACCOUNT_SESSION (self));
  g_return_if_fail (CS_IS_XMPP_CLIENT (client));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_account_session_adopt_async);
  data = g_new0 (AdoptData, 1);
  data->client = g_object_ref (client);
  data->address = g_strdup (cs_xmpp_client_get_address (client));
  g_task_set_task_data (task, data, (GDestroyNotify) adopt_data_free);

  cs_account_secrets_store_async (data->address, password, cancellable, on_adopt_password_stored,
                                  g_steal_pointer (&task));
}

gboolean
cs_account_session_adopt_finish (CsAccountSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cs_account_session_sign_out (CsAccountSession *self)
{
  CsAccount *account;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (CS_IS_ACCOUNT_SESSION (self));

  account = cs_store_get_account (self->store);
  if (account != NULL)
    cs_account_secrets_clear_async (cs_account_get_address (account), NULL, NULL, NULL);
  if (!cs_store_delete_account (self->store, &error))
    g_warning ("Could not forget the account: %s", error->message);
  set_client (self, NULL);
}
