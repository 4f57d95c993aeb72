/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-client"

#include "config.h"

#include "cs-xmpp-client.h"
#include "cs-xmpp-client-private.h"
#include "cs-xmpp-worker.h"
#include "cs-xmpp-stanza-util.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

/* A request nobody answers in this time fails instead of waiting forever. */
#define IQ_TIMEOUT_SECONDS 30

struct _CsXmppClient
{
  GObject parent_instance;

  char *address;
  char *host;
  guint16 port;
  char *ca_file;
  char *pinned_fingerprint;
  char *untrusted_fingerprint;
  CsXmppState state;
  GError *error;
  GTask *pending;
  CsXmppWorker *worker;
  char *muc_service;

  /* For stanzas built and read on the main context (the worker thread has its own). */
  xmpp_ctx_t *ctx;
  guint next_iq;
  /* Requests waiting for their answer: id -> GTask. */
  GHashTable *iqs;
};

G_DEFINE_FINAL_TYPE (CsXmppClient, cs_xmpp_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (cs_xmpp_error_quark, cs_xmpp_error)

enum
{
  PROP_0,
  PROP_ADDRESS,
  PROP_STATE,
  PROP_MUC_SERVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PRESENCE_CHANGED,
  ROOM_JOINED,
  ROOM_ERROR,
  OCCUPANT_CHANGED,
  INVITATION_RECEIVED,
  MEMBER_LISTED,
  STANZA_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (CsXmppClient *self, CsXmppState state, const GError *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
complete_pending (CsXmppClient *self, const GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->pending);

  if (task == NULL)
    return;

  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_boolean (task, TRUE);
}

static xmpp_stanza_t *
parse (CsXmppClient *self, const char *xml)
{
  return xml != NULL ? xmpp_stanza_new_from_string (cs_xmpp_client_get_context (self), xml) : NULL;
}

/* What a request in flight keeps. */
typedef struct
{
  char *id;
  GSource *timeout;
} IqRequest;

/* The timeout source holds the task and the task holds the source: break the cycle once the
 * request is over. */
static void
iq_request_finish (GTask *task)
{
  IqRequest *request = g_task_get_task_data (task);

  if (request->timeout != NULL)
    {
      g_source_destroy (request->timeout);
      g_clear_pointer (&request->timeout, g_source_unref);
    }
}

static void
iq_request_free (gpointer data)
{
  IqRequest *request = data;

  g_free (request->id);
  if (request->timeout != NULL)
    {
      g_source_destroy (request->timeout);
      g_source_unref (request->timeout);
    }
  g_free (request);
}

static void
stanza_release (gpointer stanza)
{
  xmpp_stanza_release (stanza);
}

static void
answer_iq (CsXmppClient *self, const char *id, const char *xml)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *key = NULL;
  xmpp_stanza_t *answer;

  /* Stolen, the key is ours to free as well. */
  if (!g_hash_table_steal_extended (self->iqs, id, (gpointer *) &key, (gpointer *) &task))
    return;
  iq_request_finish (task);

  answer = parse (self, xml);
  if (answer == NULL)
    {
      g_task_return_new_error (task, CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                               _ ("The connection to the server was lost."));
    }
  else if (g_strcmp0 (xmpp_stanza_get_type (answer), "result") != 0)
    {
      xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (answer, "error");
      xmpp_stanza_t *condition = error != NULL ? xmpp_stanza_get_children (error) : NULL;

      while (condition != NULL && !xmpp_stanza_is_tag (condition))
        condition = xmpp_stanza_get_next (condition);
      g_task_return_new_error (task, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED,
                               _ ("The request was refused (%s)."),
                               condition != NULL ? xmpp_stanza_get_name (condition)
                                                 : "undefined-condition");
      xmpp_stanza_release (answer);
    }
  else
    {
      g_task_return_pointer (task, answer, stanza_release);
    }
}

static void
on_worker_event (CsXmppEvent *event, gpointer user_data)
{
  CsXmppClient *self = CS_XMPP_CLIENT (user_data);
  g_autoptr (CsXmppClient) hold = g_object_ref (self);

  switch (event->kind)
    {
    case CS_XMPP_EVENT_STATE:
      g_free (self->untrusted_fingerprint);
      self->untrusted_fingerprint = g_strdup (event->fingerprint);
      set_state (self, event->state, event->error);
      if (event->state == CS_XMPP_STATE_ONLINE)
        complete_pending (self, NULL);
      else if (event->state == CS_XMPP_STATE_OFFLINE)
        complete_pending (self, event->error != NULL
                                  ? event->error
                                  : &(GError){ CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED,
                                               (char *) _ ("Disconnected.") });
      break;

    case CS_XMPP_EVENT_PRESENCE:
      g_signal_emit (self, signals[PRESENCE_CHANGED], 0, event->from, event->available);
      break;

    case CS_XMPP_EVENT_MUC_SERVICE:
      if (self->muc_service == NULL)
        {
          self->muc_service = g_strdup (event->jid);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUC_SERVICE]);
        }
      break;

    case CS_XMPP_EVENT_ROOM_JOINED:
      g_signal_emit (self, signals[ROOM_JOINED], 0, event->room, event->available);
      break;

    case CS_XMPP_EVENT_ROOM_ERROR:
      g_signal_emit (self, signals[ROOM_ERROR], 0, event->room, event->error);
      break;

    case CS_XMPP_EVENT_OCCUPANT:
      g_signal_emit (self, signals[OCCUPANT_CHANGED], 0, event->room, event->nick, event->jid,
                     event->text, event->available);
      break;

    case CS_XMPP_EVENT_MEMBER_LISTED:
      g_signal_emit (self, signals[MEMBER_LISTED], 0, event->room, event->jid, event->text);
      break;

    case CS_XMPP_EVENT_INVITATION:
      g_signal_emit (self, signals[INVITATION_RECEIVED], 0, event->from, event->room, event->text);
      break;

    case CS_XMPP_EVENT_STANZA:
      {
        xmpp_stanza_t *stanza = parse (self, event->text);

        if (stanza != NULL)
          {
            g_signal_emit (self, signals[STANZA_RECEIVED], 0, stanza);
            xmpp_stanza_release (stanza);
          }
      }
      break;

    case CS_XMPP_EVENT_IQ_ANSWER:
      answer_iq (self, event->jid, event->text);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
start (CsXmppClient *self,
       const char *password,
       gboolean register_first,
       GCancellable *cancellable,
       GAsyncReadyCallback callback,
       gpointer user_data,
       gpointer source_tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = NULL;
  CsXmppLogin login = { 0 };

  g_task_set_source_tag (task, source_tag);

  normalized = cs_xmpp_address_normalize (self->address, &error);
  if (normalized == NULL)
    {
      g_task_return_new_error (task, CS_XMPP_ERROR, CS_XMPP_ERROR_INVALID_ADDRESS, "%s",
                               error->message);
      return;
    }

  /* A new attempt supersedes one still running. */
  if (self->pending != NULL)
    {
      g_autoptr (GTask) previous = g_steal_pointer (&self->pending);

      g_task_return_new_error (previous, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _ ("Replaced by a new attempt."));
    }
  self->pending = g_steal_pointer (&task);

  if (self->worker == NULL)
    self->worker = cs_xmpp_worker_new (g_main_context_ref_thread_default (), on_worker_event, self);

  login.address = normalized;
  login.password = (char *) password;
  login.host = self->host;
  login.port = self->port;
  login.ca_file = self->ca_file;
  login.pinned_fingerprint = self->pinned_fingerprint;
  login.register_first = register_first;
  cs_xmpp_worker_connect (self->worker, &login);
}

static void
cs_xmpp_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsXmppClient *self = CS_XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_MUC_SERVICE:
      g_value_set_string (value, self->muc_service);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_xmpp_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsXmppClient *self = CS_XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      self->address = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_xmpp_client_dispose (GObject *object)
{
  CsXmppClient *self = CS_XMPP_CLIENT (object);

  /* Stops the thread and drops its undelivered events before anything else goes. */
  g_clear_pointer (&self->worker, cs_xmpp_worker_free);
  if (self->pending != NULL)
    {
      g_autoptr (GTask) task = g_steal_pointer (&self->pending);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Closed."));
    }
  if (self->iqs != NULL)
    {
      g_autoptr (GList) tasks = g_hash_table_get_values (self->iqs);

      g_hash_table_steal_all (self->iqs);
      for (GList *l = tasks; l != NULL; l = l->next)
        {
          g_autoptr (GTask) task = l->data;

          iq_request_finish (task);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Closed."));
        }
    }

  G_OBJECT_CLASS (cs_xmpp_client_parent_class)->dispose (object);
}

static void
cs_xmpp_client_finalize (GObject *object)
{
  CsXmppClient *self = CS_XMPP_CLIENT (object);

  g_free (self->address);
  g_free (self->host);
  g_free (self->ca_file);
  g_free (self->pinned_fingerprint);
  g_free (self->untrusted_fingerprint);
  g_free (self->muc_service);
  g_clear_error (&self->error);
  g_clear_pointer (&self->iqs, g_hash_table_unref);
  g_clear_pointer (&self->ctx, xmpp_ctx_free);

  G_OBJECT_CLASS (cs_xmpp_client_parent_class)->finalize (object);
}

static void
cs_xmpp_client_class_init (CsXmppClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_xmpp_client_get_property;
  object_class->set_property = cs_xmpp_client_set_property;
  object_class->dispose = cs_xmpp_client_dispose;
  object_class->finalize = cs_xmpp_client_finalize;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* A CsXmppState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CS_XMPP_STATE_OFFLINE,
                      CS_XMPP_STATE_WAITING_TO_RECONNECT, CS_XMPP_STATE_OFFLINE,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MUC_SERVICE] =
    g_param_spec_string ("muc-service", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The full address of whoever became available or unavailable, and which. */
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[ROOM_JOINED] =
    g_signal_new ("room-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[ROOM_ERROR] =
    g_signal_new ("room-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  signals[OCCUPANT_CHANGED] =
    g_signal_new ("occupant-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_BOOLEAN);
  signals[MEMBER_LISTED] =
    g_signal_new ("member-listed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[INVITATION_RECEIVED] =
    g_signal_new ("invitation-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /* A call signalling stanza (an xmpp_stanza_t, valid during the emission only). */
  signals[STANZA_RECEIVED] =
    g_signal_new ("stanza-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
cs_xmpp_client_init (CsXmppClient *self)
{
  self->iqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CsXmppClient *
cs_xmpp_client_new (const char *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  return g_object_new (CS_TYPE_XMPP_CLIENT, "address", address, NULL);
}

const char *
cs_xmpp_client_get_address (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->address;
}

void
cs_xmpp_client_set_server (CsXmppClient *self, const char *host, guint16 port)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));

  g_free (self->host);
  self->host = g_strdup (host);
  self->port = port;
}

const char *
cs_xmpp_client_get_host (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->host;
}

guint16
cs_xmpp_client_get_port (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), 0);

  return self->port;
}

void
cs_xmpp_client_set_ca_file (CsXmppClient *self, const char *path)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));

  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
}

void
cs_xmpp_client_set_pinned_fingerprint (CsXmppClient *self, const char *fingerprint)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));

  g_free (self->pinned_fingerprint);
  self->pinned_fingerprint = g_strdup (fingerprint);
}

const char *
cs_xmpp_client_get_pinned_fingerprint (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->pinned_fingerprint;
}

const char *
cs_xmpp_client_get_untrusted_fingerprint (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->untrusted_fingerprint;
}

CsXmppState
cs_xmpp_client_get_state (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), CS_XMPP_STATE_OFFLINE);

  return self->state;
}

const GError *
cs_xmpp_client_get_error (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->error;
}

void
cs_xmpp_client_connect_async (CsXmppClient *self,
                              const char *password,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (password != NULL);

  start (self, password, FALSE, cancellable, callback, user_data, cs_xmpp_client_connect_async);
}

gboolean
cs_xmpp_client_connect_finish (CsXmppClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cs_xmpp_client_register_async (CsXmppClient *self,
                               const char *password,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (password != NULL);

  start (self, password, TRUE, cancellable, callback, user_data, cs_xmpp_client_register_async);
}

gboolean
cs_xmpp_client_register_finish (CsXmppClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cs_xmpp_client_disconnect (CsXmppClient *self)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));

  if (self->worker != NULL)
    cs_xmpp_worker_disconnect (self->worker);
}

guint64
cs_xmpp_client_get_wakeups (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), 0);

  return self->worker != NULL ? cs_xmpp_worker_get_wakeups (self->worker) : 0;
}

const char *
cs_xmpp_client_get_muc_service (CsXmppClient *self)
{
  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  return self->muc_service;
}

void
cs_xmpp_client_join_room (CsXmppClient *self,
                          const char *room,
                          const char *nick,
                          gboolean create,
                          const char *name)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_join_room (self->worker, room, nick, create, name);
}

void
cs_xmpp_client_leave_room (CsXmppClient *self, const char *room)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));

  if (self->worker != NULL)
    cs_xmpp_worker_leave_room (self->worker, room);
}

void
cs_xmpp_client_set_affiliation (CsXmppClient *self,
                                const char *room,
                                const char *address,
                                const char *affiliation)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_set_affiliation (self->worker, room, address, affiliation);
}

void
cs_xmpp_client_invite (CsXmppClient *self,
                       const char *room,
                       const char *address,
                       const char *reason)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_invite (self->worker, room, address, reason);
}

void
cs_xmpp_client_send_raw_for_testing (CsXmppClient *self, const char *xml)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_send_raw (self->worker, xml);
}

void
cs_xmpp_client_list_members (CsXmppClient *self, const char *room)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_list_members (self->worker, room);
}

void
cs_xmpp_client_configure_room (CsXmppClient *self, const char *room, const char *name)
{
  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (self->worker != NULL);

  cs_xmpp_worker_configure_room (self->worker, room, name);
}

xmpp_ctx_t *
cs_xmpp_client_get_context (CsXmppClient *self)
{
  static gsize initialized;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (self), NULL);

  if (g_once_init_enter (&initialized))
    {
      xmpp_initialize ();
      g_once_init_leave (&initialized, 1);
    }
  if (self->ctx == NULL)
    self->ctx = xmpp_ctx_new (NULL, NULL);

  return self->ctx;
}

void
cs_xmpp_client_send (CsXmppClient *self, xmpp_stanza_t *stanza)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (stanza != NULL);

  if (self->worker == NULL || (text = cs_stanza_to_string (stanza)) == NULL)
    return;
  cs_xmpp_worker_send (self->worker, text, NULL);
}

static gboolean
on_iq_timeout (gpointer user_data)
{
  GTask *task = user_data;
  CsXmppClient *self = g_task_get_source_object (task);
  const char *id = ((IqRequest *) g_task_get_task_data (task))->id;
  g_autoptr (GTask) owned = NULL;
  g_autofree char *key = NULL;

  if (!g_hash_table_steal_extended (self->iqs, id, (gpointer *) &key, (gpointer *) &owned))
    return G_SOURCE_REMOVE;
  iq_request_finish (owned);
  g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _ ("The server did not answer in time."));
  return G_SOURCE_REMOVE;
}

void
cs_xmpp_client_send_iq_async (CsXmppClient *self,
                              xmpp_stanza_t *iq,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *text = NULL;
  IqRequest *request;

  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (iq != NULL && g_strcmp0 (xmpp_stanza_get_name (iq), "iq") == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_xmpp_client_send_iq_async);

  if (self->worker == NULL || self->state != CS_XMPP_STATE_ONLINE)
    {
      g_task_return_new_error (task, CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                               _ ("Not connected to the server."));
      return;
    }

  request = g_new0 (IqRequest, 1);
  request->id = g_strdup_printf ("cs-iq-%u", ++self->next_iq);
  xmpp_stanza_set_id (iq, request->id);
  g_task_set_task_data (task, request, iq_request_free);
  text = cs_stanza_to_string (iq);

  /* The source holds the task until it is destroyed, when the answer comes or in time. */
  request->timeout = g_timeout_source_new_seconds (IQ_TIMEOUT_SECONDS);
  g_task_attach_source (task, request->timeout, on_iq_timeout);
  g_hash_table_insert (self->iqs, g_strdup (request->id), g_object_ref (task));
  cs_xmpp_worker_send (self->worker, text, request->id);
}

xmpp_stanza_t *
cs_xmpp_client_send_iq_finish (CsXmppClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cs_xmpp_client_set_room_payload (CsXmppClient *self, const char *room, xmpp_stanza_t *payload)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CS_IS_XMPP_CLIENT (self));
  g_return_if_fail (room != NULL);

  if (self->worker == NULL)
    return;
  if (payload != NULL)
    text = cs_stanza_to_string (payload);
  cs_xmpp_worker_set_room_payload (self->worker, room, text);
}
