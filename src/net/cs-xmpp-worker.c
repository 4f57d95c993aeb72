/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-worker"

#include "config.h"

#include "cs-xmpp-worker-private.h"

#include "cs-main-context.h"

#include <glib/gi18n.h>
#include <strophe.h>

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define NS_PING "urn:xmpp:ping"
#define NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"
#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* An idle, connected thread wakes up at most this often: libstrophe runs its timers
 * (stream management acks, our keepalive ping) from these wake-ups. */
#define IDLE_WAKE_MS 2000
/* While a connection is being set up libstrophe also waits for the socket to become
 * writable, which poll() on reads alone would not see. */
#define CONNECTING_WAKE_MS 20
#define PING_INTERVAL_MS (60 * 1000)
#define RECONNECT_MIN_MS 500
#define RECONNECT_MAX_MS (30 * 1000)
#define MAX_REFUSALS_AFTER_DROP 3

/* libstrophe's certificate callback has no user data; each worker thread owns one connection. */
static __thread CsXmppWorker *thread_worker;

static void start_attempt (CsXmppWorker *self);

static Mailbox *
mailbox_ref (Mailbox *mailbox)
{
  g_atomic_ref_count_inc (&mailbox->ref);
  return mailbox;
}

static void
mailbox_unref (Mailbox *mailbox)
{
  if (g_atomic_ref_count_dec (&mailbox->ref))
    g_free (mailbox);
}

typedef struct
{
  Mailbox *mailbox;
  CsXmppEvent event;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_clear_error (&delivery->event.error);
  g_free (delivery->event.fingerprint);
  g_free (delivery->event.from);
  g_free (delivery->event.room);
  g_free (delivery->event.nick);
  g_free (delivery->event.jid);
  g_free (delivery->event.text);
  mailbox_unref (delivery->mailbox);
  g_free (delivery);
}

static gboolean
deliver (gpointer data)
{
  Delivery *delivery = data;

  if (delivery->mailbox->alive)
    delivery->mailbox->func (&delivery->event, delivery->mailbox->user_data);

  return G_SOURCE_REMOVE;
}

void
cs_xmpp_worker_post (CsXmppWorker *self, const CsXmppEvent *event)
{
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->mailbox = mailbox_ref (self->mailbox);
  delivery->event = *event;
  delivery->event.error = event->error != NULL ? g_error_copy (event->error) : NULL;
  delivery->event.fingerprint = g_strdup (event->fingerprint);
  delivery->event.from = g_strdup (event->from);
  delivery->event.room = g_strdup (event->room);
  delivery->event.nick = g_strdup (event->nick);
  delivery->event.jid = g_strdup (event->jid);
  delivery->event.text = g_strdup (event->text);
  cs_main_context_post (self->context, deliver, delivery, delivery_free);
}

static void
post_state (CsXmppWorker *self, CsXmppState state, const GError *error)
{
  CsXmppEvent event = { CS_XMPP_EVENT_STATE, state };

  event.error = (GError *) error;
  event.fingerprint = self->rejected_fingerprint;
  cs_xmpp_worker_post (self, &event);
}

static void
on_strophe_log (void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
{
  CsXmppWorker *self = userdata;

  /* libstrophe logs every stanza it reads or queues: the loop uses that to know whether a
   * pass did anything. */
  self->activity++;

  /* libstrophe tells a refused password only in its log: it then tries the next
   * mechanism and finally closes the stream without an error. */
  if (g_strcmp0 (area, "xmpp") == 0 && strstr (msg, "auth failed") != NULL)
    self->auth_failed = TRUE;

  /* Stanzas can carry passwords (registration forms, SASL exchanges): only warnings, unless
   * a developer asks for everything, and even then never those. */
  if (strstr (msg, "password") != NULL || strstr (msg, "<auth") != NULL ||
      strstr (msg, "<response") != NULL || strstr (msg, "<challenge") != NULL)
    msg = "(a stanza that may carry a password, not logged)";
  if (level >= XMPP_LEVEL_WARN || g_getenv ("CS_XMPP_TRACE") != NULL)
    g_debug ("libstrophe %s: %s", area, msg);
}

static char *
fingerprint_from_pem (const char *pem)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GByteArray) der = NULL;

  if (pem == NULL)
    return NULL;

  certificate = g_tls_certificate_new_from_pem (pem, -1, NULL);
  if (certificate == NULL)
    return NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static int
on_certificate_failure (const xmpp_tlscert_t *cert, const char *const errormsg)
{
  CsXmppWorker *self = thread_worker;
  g_autofree char *fingerprint = fingerprint_from_pem (xmpp_tlscert_get_pem (cert));

  g_assert (self != NULL);

  if (fingerprint != NULL && self->login->pinned_fingerprint != NULL &&
      g_ascii_strcasecmp (fingerprint, self->login->pinned_fingerprint) == 0)
    return 1;

  g_debug ("Refusing certificate %s: %s", fingerprint, errormsg);
  g_free (self->rejected_fingerprint);
  self->rejected_fingerprint = g_steal_pointer (&fingerprint);
  return 0;
}

static int
on_socket_created (xmpp_conn_t *conn, void *sock)
{
  CsXmppWorker *self = thread_worker;

  self->sock_fd = *(int *) sock;
  /* TCP keepalive notices a vanished server even when we send nothing. */
  return xmpp_sockopt_cb_keepalive (conn, sock);
}

static int
on_ping (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  xmpp_stanza_t *reply;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "get") != 0 ||
      xmpp_stanza_get_child_by_name_and_ns (stanza, "ping", NS_PING) == NULL)
    return 1;

  reply = xmpp_stanza_reply (stanza);
  xmpp_stanza_set_type (reply, "result");
  xmpp_send (conn, reply);
  xmpp_stanza_release (reply);
  return 1;
}

static int
send_ping (xmpp_conn_t *conn, void *userdata)
{
  CsXmppWorker *self = userdata;
  xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "get", "cs-ping");
  xmpp_stanza_t *ping = xmpp_stanza_new (self->ctx);

  xmpp_stanza_set_name (ping, "ping");
  xmpp_stanza_set_ns (ping, NS_PING);
  xmpp_stanza_add_child (iq, ping);
  xmpp_stanza_release (ping);
  xmpp_send (conn, iq);
  xmpp_stanza_release (iq);
  return 1;
}

static int
on_presence (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  const char *type = xmpp_stanza_get_type (stanza);
  CsXmppEvent event = { CS_XMPP_EVENT_PRESENCE };

  g_autofree char *bare = NULL;

  if (xmpp_stanza_get_from (stanza) == NULL)
    return 1;
  bare = g_strdup (xmpp_stanza_get_from (stanza));
  if (strchr (bare, '/') != NULL)
    *strchr (bare, '/') = '\0';
  if (g_hash_table_contains (self->rooms, bare))
    return 1; /* a room's occupants: see cs-xmpp-muc.c */
  if (type != NULL && g_strcmp0 (type, "unavailable") != 0)
    return 1; /* subscriptions and errors are not presence */

  event.from = (char *) xmpp_stanza_get_from (stanza);
  event.available = type == NULL;
  cs_xmpp_worker_post (self, &event);
  return 1;
}

static void
go_online (CsXmppWorker *self)
{
  xmpp_stanza_t *presence = xmpp_presence_new (self->ctx);

  self->was_online = TRUE;
  self->attempts = 0;
  self->refusals_after_drop = 0;
  g_clear_pointer (&self->rejected_fingerprint, g_free);

  xmpp_handler_add (self->conn, on_presence, NULL, "presence", NULL, self);
  xmpp_handler_add (self->conn, on_ping, NULL, "iq", "get", self);
  xmpp_timed_handler_add (self->conn, send_ping, PING_INTERVAL_MS, self);
  cs_xmpp_stanzas_add_caps (self, presence);
  xmpp_send (self->conn, presence);
  xmpp_stanza_release (presence);
  cs_xmpp_stanzas_attach (self);
  cs_xmpp_muc_attach (self);

  post_state (self, CS_XMPP_STATE_ONLINE, NULL);
}

/* In-band registration (XEP-0077) runs on a raw stream: STARTTLS, features, then the form. */

static void
fail_registration (CsXmppWorker *self, GError *error)
{
  g_clear_error (&self->pending_error);
  self->pending_error = error;
  self->want_online = FALSE;
  xmpp_disconnect (self->conn);
}

static int
on_register_result (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (stanza, "error");

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    {
      /* The account exists: sign in with it on a normal stream. */
      self->register_step = REGISTER_DONE;
      self->login->register_first = FALSE;
      xmpp_disconnect (conn);
      return 0;
    }

  if (error != NULL && xmpp_stanza_get_child_by_name_and_ns (error, "conflict", NS_STANZAS))
    fail_registration (self, g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_NAME_TAKEN,
                                          _ ("This name is already taken on this server. "
                                             "Please choose another one.")));
  else
    fail_registration (self, g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_REGISTRATION_CLOSED,
                                          _ ("This server does not let new accounts be "
                                             "created from an app. Create the account on "
                                             "the server’s website, or choose another "
                                             "server.")));
  return 0;
}

static void
send_registration (CsXmppWorker *self)
{
  g_autofree char *node = NULL;
  xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "set", "cs-register");
  xmpp_stanza_t *query = xmpp_stanza_new (self->ctx);
  const char *fields[][2] = { { "username", NULL }, { "password", self->login->password } };
  char *strophe_node = xmpp_jid_node (self->ctx, self->login->address);

  node = g_strdup (strophe_node);
  xmpp_free (self->ctx, strophe_node);
  fields[0][1] = node;

  xmpp_stanza_set_name (query, "query");
  xmpp_stanza_set_ns (query, XMPP_NS_REGISTER);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      xmpp_stanza_t *field = xmpp_stanza_new (self->ctx);
      xmpp_stanza_t *text = xmpp_stanza_new (self->ctx);

      xmpp_stanza_set_name (field, fields[i][0]);
      xmpp_stanza_set_text (text, fields[i][1]);
      xmpp_stanza_add_child (field, text);
      xmpp_stanza_add_child (query, field);
      xmpp_stanza_release (text);
      xmpp_stanza_release (field);
    }
  xmpp_stanza_add_child (iq, query);
  xmpp_stanza_release (query);

  xmpp_id_handler_add (self->conn, on_register_result, "cs-register", self);
  self->register_step = REGISTER_SENT;
  xmpp_send (self->conn, iq);
  xmpp_stanza_release (iq);
}

static int
on_register_stream_features (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;

  if (!xmpp_conn_is_secured (conn))
    {
      if (xmpp_stanza_get_child_by_name_and_ns (stanza, "starttls", NS_TLS) == NULL)
        {
          fail_registration (self, g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED,
                                                _ ("This server does not offer encrypted "
                                                   "connections, so Cousinade will not use "
                                                   "it.")));
          return 0;
        }
      self->register_step = REGISTER_STARTTLS;
      xmpp_send_raw_string (conn, "<starttls xmlns='%s'/>", NS_TLS);
      return 1;
    }

  if (xmpp_stanza_get_child_by_name_and_ns (stanza, "register", NS_REGISTER_FEATURE) == NULL)
    {
      fail_registration (self, g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_REGISTRATION_CLOSED,
                                            _ ("This server does not let new accounts be "
                                               "created from an app. Create the account on "
                                               "the server’s website, or choose another "
                                               "server.")));
      return 0;
    }

  send_registration (self);
  return 0;
}

static int
on_register_proceed (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;

  if (self->register_step != REGISTER_STARTTLS)
    return 1;

  if (xmpp_conn_tls_start (conn) != XMPP_EOK)
    {
      xmpp_disconnect (conn);
      return 0;
    }

  self->register_step = REGISTER_FEATURES;
  xmpp_conn_open_stream_default (conn);
  return 0;
}

/* The connection's life. */

static GError *
classify_failure (CsXmppWorker *self, int error, xmpp_stream_error_t *stream_error)
{
  if (self->pending_error != NULL)
    return g_steal_pointer (&self->pending_error);

  if (self->rejected_fingerprint != NULL)
    return g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_CERTIFICATE_UNTRUSTED,
                        _ ("The server’s identity could not be checked. Only connect if "
                           "you expected this, after comparing its fingerprint."));

  if (self->auth_failed || (stream_error != NULL && stream_error->type == XMPP_SE_NOT_AUTHORIZED))
    return g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED,
                        _ ("The server refused this address and password. Check them and "
                           "try again."));

  if (self->was_online)
    return g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                        _ ("The connection to the server was lost. Cousinade will try again "
                           "by itself."));

  return g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_UNREACHABLE,
                      _ ("The server could not be reached (%s). Check the address and your "
                         "internet connection."),
                      error != 0 ? g_strerror (error) : _ ("it did not answer"));
}

static void
schedule_reconnect (CsXmppWorker *self)
{
  guint delay = RECONNECT_MIN_MS << MIN (self->attempts, 8);

  /* Full jitter keeps many clients of one restarted server from coming back at once. */
  delay = MIN (delay, RECONNECT_MAX_MS);
  delay = g_random_int_range (delay / 2, delay + 1);
  self->attempts++;
  self->reconnect_at = g_get_monotonic_time () + (gint64) delay * G_TIME_SPAN_MILLISECOND;
  g_debug ("Reconnecting in %u ms (attempt %u)", delay, self->attempts);
}

static void
on_connection_event (xmpp_conn_t *conn,
                     xmpp_conn_event_t event,
                     int error,
                     xmpp_stream_error_t *stream_error,
                     void *userdata)
{
  CsXmppWorker *self = userdata;
  g_autoptr (GError) failure = NULL;

  switch (event)
    {
    case XMPP_CONN_RAW_CONNECT:
      xmpp_handler_add (conn, on_register_stream_features, XMPP_NS_STREAMS, "features", NULL, self);
      xmpp_handler_add (conn, on_register_proceed, NS_TLS, "proceed", NULL, self);
      xmpp_conn_open_stream_default (conn);
      return;

    case XMPP_CONN_CONNECT:
      /* On the raw registration stream this only says that a stream opened. */
      if (!self->login->register_first)
        go_online (self);
      return;

    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
    default:
      break;
    }

  /* A connection cannot be released from inside its own callbacks. */
  g_ptr_array_add (self->finished_conns, conn);
  if (conn != self->conn)
    return; /* one that a new login replaced */

  self->conn = NULL;
  self->sock_fd = -1;
  cs_xmpp_stanzas_connection_lost (self);

  if (self->register_step == REGISTER_DONE)
    {
      self->register_step = REGISTER_NONE;
      start_attempt (self);
      return;
    }

  if (self->disconnect_requested)
    {
      self->disconnect_requested = FALSE;
      g_clear_error (&self->pending_error);
      post_state (self, CS_XMPP_STATE_OFFLINE, NULL);
      return;
    }

  failure = classify_failure (self, error, stream_error);
  g_debug ("Disconnected: %s", failure->message);

  if (self->was_online && self->sm_state == NULL)
    self->sm_state = xmpp_conn_get_sm_state (conn);

  /* After a drop, an unreachable server is the same story: try again, further apart. A
   * server that is still starting may also refuse a password it accepted minutes ago, so
   * that is believed only after a few tries. */
  if (self->want_online && self->was_online &&
      (g_error_matches (failure, CS_XMPP_ERROR, CS_XMPP_ERROR_UNREACHABLE) ||
       (g_error_matches (failure, CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED) &&
        self->refusals_after_drop++ < MAX_REFUSALS_AFTER_DROP)))
    {
      g_clear_error (&failure);
      failure = g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                             _ ("The connection to the server was lost. Cousinade will try "
                                "again by itself."));
    }

  if (self->want_online && g_error_matches (failure, CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST))
    {
      schedule_reconnect (self);
      post_state (self, CS_XMPP_STATE_WAITING_TO_RECONNECT, failure);
      return;
    }

  self->want_online = FALSE;
  post_state (self, CS_XMPP_STATE_OFFLINE, failure);
}

static void
start_attempt (CsXmppWorker *self)
{
  long flags = XMPP_CONN_FLAG_MANDATORY_TLS;
  int status;

  g_assert (self->conn == NULL);

  self->reconnect_at = 0;
  self->auth_failed = FALSE;
  g_clear_pointer (&self->rejected_fingerprint, g_free);
  g_clear_error (&self->pending_error);

  self->conn = xmpp_conn_new (self->ctx);
  xmpp_conn_set_flags (self->conn, flags);
  xmpp_conn_set_jid (self->conn, self->login->address);
  xmpp_conn_set_pass (self->conn, self->login->password);
  if (self->login->ca_file != NULL)
    xmpp_conn_set_cafile (self->conn, self->login->ca_file);
  xmpp_conn_set_certfail_handler (self->conn, on_certificate_failure);
  xmpp_conn_set_sockopt_callback (self->conn, on_socket_created);

  if (self->sm_state != NULL)
    {
      /* Resume the stream (XEP-0198) so the server replays what we missed. */
      xmpp_conn_set_sm_state (self->conn, self->sm_state);
      self->sm_state = NULL;
    }

  post_state (self, CS_XMPP_STATE_CONNECTING, NULL);

  if (self->login->register_first)
    {
      self->register_step = REGISTER_NONE;
      status = xmpp_connect_raw (self->conn, self->login->host, self->login->port,
                                 on_connection_event, self);
    }
  else
    {
      status = xmpp_connect_client (self->conn, self->login->host, self->login->port,
                                    on_connection_event, self);
    }

  if (status != XMPP_EOK)
    on_connection_event (self->conn, XMPP_CONN_FAIL, ECONNREFUSED, NULL, self);
}

static void
release_finished_connections (CsXmppWorker *self)
{
  for (guint i = 0; i < self->finished_conns->len; i++)
    xmpp_conn_release (g_ptr_array_index (self->finished_conns, i));
  g_ptr_array_set_size (self->finished_conns, 0);
}

static void
handle_command (CsXmppWorker *self, Command *command)
{
  switch (command->kind)
    {
    case COMMAND_CONNECT:
      g_clear_pointer (&self->login, cs_xmpp_login_free);
      self->login = g_steal_pointer (&command->login);
      self->want_online = TRUE;
      self->was_online = FALSE;
      self->attempts = 0;
      self->refusals_after_drop = 0;
      if (self->sm_state != NULL)
        g_clear_pointer (&self->sm_state, xmpp_free_sm_state);
      self->disconnect_requested = FALSE;
      if (self->conn != NULL)
        {
          /* A new login replaces the current connection. */
          xmpp_conn_t *old = g_steal_pointer (&self->conn);

          xmpp_disconnect (old);
        }
      start_attempt (self);
      break;

    case COMMAND_DISCONNECT:
      self->want_online = FALSE;
      self->reconnect_at = 0;
      if (self->conn != NULL)
        {
          self->disconnect_requested = TRUE;
          xmpp_disconnect (self->conn);
        }
      else
        {
          post_state (self, CS_XMPP_STATE_OFFLINE, NULL);
        }
      break;

    case COMMAND_QUIT:
      self->quit = TRUE;
      self->want_online = FALSE;
      self->reconnect_at = 0;
      if (self->conn != NULL)
        {
          self->disconnect_requested = TRUE;
          xmpp_disconnect (self->conn);
        }
      break;

    case COMMAND_SEND_RAW:
      if (self->conn != NULL && xmpp_conn_is_connected (self->conn))
        xmpp_send_raw_string (self->conn, "%s", command->args[0]);
      break;

    case COMMAND_SEND:
    case COMMAND_ROOM_PAYLOAD:
      cs_xmpp_stanzas_handle_command (self, command);
      break;

    case COMMAND_LIST_MEMBERS:
    case COMMAND_CONFIGURE_ROOM:
    case COMMAND_JOIN_ROOM:
    case COMMAND_LEAVE_ROOM:
    case COMMAND_SET_AFFILIATION:
    case COMMAND_INVITE:
      cs_xmpp_muc_handle_command (self, command);
      break;

    default:
      g_assert_not_reached ();
    }

  g_clear_pointer (&command->login, cs_xmpp_login_free);
  for (guint i = 0; i < G_N_ELEMENTS (command->args); i++)
    g_free (command->args[i]);
  g_free (command);
}

static int
next_timeout (CsXmppWorker *self)
{
  int timeout = -1;

  if (self->conn != NULL)
    timeout = xmpp_conn_is_connected (self->conn) ? IDLE_WAKE_MS : CONNECTING_WAKE_MS;

  if (self->reconnect_at != 0)
    {
      gint64 remaining = (self->reconnect_at - g_get_monotonic_time ()) / 1000;
      int until = (int) CLAMP (remaining, 0, IDLE_WAKE_MS);

      timeout = timeout < 0 ? until : MIN (timeout, until);
    }

  return timeout;
}

static gboolean
has_pending_send (CsXmppWorker *self)
{
  return self->conn != NULL && xmpp_conn_send_queue_len (self->conn) > 0;
}

static gpointer
worker_thread (gpointer data)
{
  CsXmppWorker *self = data;
  xmpp_log_t log = { on_strophe_log, self };

  thread_worker = self;
  self->ctx = xmpp_ctx_new (NULL, &log);
  xmpp_ctx_set_verbosity (self->ctx, XMPP_LEVEL_DEBUG);

  while (!self->quit || self->conn != NULL)
    {
      short socket_events = has_pending_send (self) ? POLLIN | POLLOUT : POLLIN;
      struct pollfd fds[2] = { { self->wake_fd, POLLIN, 0 }, { self->sock_fd, socket_events, 0 } };
      Command *command;
      guint64 count;

      poll (fds, self->sock_fd >= 0 ? 2 : 1, self->quit ? CONNECTING_WAKE_MS : next_timeout (self));
      g_atomic_int_inc (&self->wakeups);

      if (fds[0].revents & POLLIN)
        while (read (self->wake_fd, &count, sizeof count) < 0 && errno == EINTR)
          ;
      while ((command = g_async_queue_try_pop (self->commands)) != NULL)
        handle_command (self, command);

      if (self->reconnect_at != 0 && g_get_monotonic_time () >= self->reconnect_at &&
          self->conn == NULL && self->want_online)
        start_attempt (self);

      /* Go on while passes do something: TLS may hold decrypted data that poll() cannot
       * see, and what handlers queue is only written by the next pass. */
      for (int pass = 0; pass < 16; pass++)
        {
          guint before = self->activity;

          xmpp_run_once (self->ctx, 0);
          release_finished_connections (self);
          if (self->activity == before && !has_pending_send (self))
            break;
        }
    }

  release_finished_connections (self);
  g_clear_pointer (&self->sm_state, xmpp_free_sm_state);
  xmpp_ctx_free (self->ctx);
  thread_worker = NULL;
  return NULL;
}

static void
push_full (CsXmppWorker *self,
           CommandKind kind,
           const CsXmppLogin *login,
           const char *arg0,
           const char *arg1,
           const char *arg2,
           const char *arg3)
{
  Command *command = g_new0 (Command, 1);
  guint64 one = 1;

  command->kind = kind;
  command->login = login != NULL ? cs_xmpp_login_copy (login) : NULL;
  command->args[0] = g_strdup (arg0);
  command->args[1] = g_strdup (arg1);
  command->args[2] = g_strdup (arg2);
  command->args[3] = g_strdup (arg3);
  g_async_queue_push (self->commands, command);
  while (write (self->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

static void
push (CsXmppWorker *self, CommandKind kind, const CsXmppLogin *login)
{
  push_full (self, kind, login, NULL, NULL, NULL, NULL);
}

CsXmppLogin *
cs_xmpp_login_copy (const CsXmppLogin *login)
{
  CsXmppLogin *copy = g_new0 (CsXmppLogin, 1);

  copy->address = g_strdup (login->address);
  copy->password = g_strdup (login->password);
  copy->host = g_strdup (login->host);
  copy->port = login->port;
  copy->ca_file = g_strdup (login->ca_file);
  copy->pinned_fingerprint = g_strdup (login->pinned_fingerprint);
  copy->register_first = login->register_first;

  return copy;
}

void
cs_xmpp_login_free (CsXmppLogin *login)
{
  if (login == NULL)
    return;

  g_free (login->address);
  /* The password must not linger in freed memory. */
  if (login->password != NULL)
    memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login->host);
  g_free (login->ca_file);
  g_free (login->pinned_fingerprint);
  g_free (login);
}

CsXmppWorker *
cs_xmpp_worker_new (GMainContext *context, CsXmppEventFunc func, gpointer user_data)
{
  static gsize initialized;
  CsXmppWorker *self = g_new0 (CsXmppWorker, 1);

  if (g_once_init_enter (&initialized))
    {
      xmpp_initialize ();
      g_once_init_leave (&initialized, 1);
    }

  self->context = g_main_context_ref (context);
  self->mailbox = g_new0 (Mailbox, 1);
  g_atomic_ref_count_init (&self->mailbox->ref);
  self->mailbox->alive = TRUE;
  self->mailbox->func = func;
  self->mailbox->user_data = user_data;
  self->commands = g_async_queue_new ();
  self->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  g_assert (self->wake_fd >= 0);
  self->sock_fd = -1;
  self->finished_conns = g_ptr_array_new ();
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->creating_rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->disco_asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->room_payloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_iqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->thread = g_thread_new ("cs-xmpp", worker_thread, self);

  return self;
}

void
cs_xmpp_worker_connect (CsXmppWorker *self, const CsXmppLogin *login)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (login != NULL && login->address != NULL);

  push (self, COMMAND_CONNECT, login);
}

void
cs_xmpp_worker_disconnect (CsXmppWorker *self)
{
  g_return_if_fail (self != NULL);

  push (self, COMMAND_DISCONNECT, NULL);
}

guint64
cs_xmpp_worker_get_wakeups (CsXmppWorker *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_atomic_int_get (&self->wakeups);
}

void
cs_xmpp_worker_free (CsXmppWorker *self)
{
  if (self == NULL)
    return;

  self->mailbox->alive = FALSE;
  push (self, COMMAND_QUIT, NULL);
  g_thread_join (self->thread);

  g_async_queue_unref (self->commands);
  g_ptr_array_unref (self->finished_conns);
  g_hash_table_unref (self->rooms);
  g_hash_table_unref (self->creating_rooms);
  g_hash_table_unref (self->disco_asked);
  g_hash_table_unref (self->room_payloads);
  g_hash_table_unref (self->pending_iqs);
  close (self->wake_fd);
  g_clear_pointer (&self->login, cs_xmpp_login_free);
  g_clear_pointer (&self->rejected_fingerprint, g_free);
  g_clear_error (&self->pending_error);
  mailbox_unref (self->mailbox);
  g_main_context_unref (self->context);
  g_free (self);
}

void
cs_xmpp_worker_join_room (CsXmppWorker *self,
                          const char *room,
                          const char *nick,
                          gboolean create,
                          const char *name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL && nick != NULL);

  push_full (self, COMMAND_JOIN_ROOM, NULL, room, nick, create ? "create" : NULL, name);
}

void
cs_xmpp_worker_leave_room (CsXmppWorker *self, const char *room)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL);

  push_full (self, COMMAND_LEAVE_ROOM, NULL, room, NULL, NULL, NULL);
}

void
cs_xmpp_worker_set_affiliation (CsXmppWorker *self,
                                const char *room,
                                const char *jid,
                                const char *affiliation)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL && jid != NULL && affiliation != NULL);

  push_full (self, COMMAND_SET_AFFILIATION, NULL, room, jid, affiliation, NULL);
}

void
cs_xmpp_worker_invite (CsXmppWorker *self, const char *room, const char *jid, const char *reason)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL && jid != NULL);

  push_full (self, COMMAND_INVITE, NULL, room, jid, reason, NULL);
}

void
cs_xmpp_worker_send_raw (CsXmppWorker *self, const char *xml)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (xml != NULL);

  push_full (self, COMMAND_SEND_RAW, NULL, xml, NULL, NULL, NULL);
}

void
cs_xmpp_worker_list_members (CsXmppWorker *self, const char *room)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL);

  push_full (self, COMMAND_LIST_MEMBERS, NULL, room, NULL, NULL, NULL);
}

void
cs_xmpp_worker_configure_room (CsXmppWorker *self, const char *room, const char *name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL && name != NULL);

  push_full (self, COMMAND_CONFIGURE_ROOM, NULL, room, name, NULL, NULL);
}

void
cs_xmpp_worker_send (CsXmppWorker *self, const char *xml, const char *track_id)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (xml != NULL);

  push_full (self, COMMAND_SEND, NULL, xml, track_id, NULL, NULL);
}

void
cs_xmpp_worker_set_room_payload (CsXmppWorker *self, const char *room, const char *payload_xml)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (room != NULL);

  push_full (self, COMMAND_ROOM_PAYLOAD, NULL, room, payload_xml, NULL, NULL);
}
