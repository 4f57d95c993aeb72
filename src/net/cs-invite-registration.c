/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-invite-registration"

#include "config.h"

#include "cs-invite-registration.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>
#include <strophe.h>

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_IBR_TOKEN "urn:xmpp:ibr-token:0"
#define NS_INVITE_LEGACY "urn:xmpp:invite"
#define NS_PARS "urn:xmpp:pars:0"
#define PASSWORD_LENGTH 24
#define MAX_NAME_TRIES 50
#define MAX_USERNAME_LENGTH 40
#define TIMEOUT_SECONDS 30
#define LOOP_WAKE_MS 100

G_DEFINE_QUARK (cs - invite - registration - error - quark, cs_invite_registration_error)

typedef enum
{
  STEP_STREAM,
  STEP_STARTTLS,
  STEP_PREAUTH,
  STEP_REGISTER,
  STEP_DONE,
} Step;

/* One registration, owned by the thread that runs it (libstrophe is not thread-safe). */
typedef struct
{
  char *domain;
  char *token;
  char *inviter_name;
  char *host;
  guint16 port;
  char *ca_file;
  char *base_username;
  char *password;
  GCancellable *cancellable;

  xmpp_ctx_t *ctx;
  Step step;
  guint tries;
  char *username;
  gboolean finished;
  /* Cancelled or out of time: the stream is closing and no handler goes further. */
  gboolean stopping;
  gboolean registered;
  gboolean certificate_refused;
  GError *error;
} Registration;

static __thread Registration *thread_registration;

static void
registration_free (Registration *self)
{
  g_free (self->domain);
  g_free (self->token);
  g_free (self->inviter_name);
  g_free (self->host);
  g_free (self->ca_file);
  g_free (self->base_username);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->username);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_free (self);
}

void
cs_invite_account_free (CsInviteAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->address);
  if (account->password != NULL)
    memset (account->password, 0, strlen (account->password));
  g_free (account->password);
  g_free (account);
}

/* Keeps the first reason, ends the stream; the connection handler finishes. */
static void
fail (Registration *self, xmpp_conn_t *conn, GError *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  self->step = STEP_DONE;
  xmpp_disconnect (conn);
}

static void
fail_expired (Registration *self, xmpp_conn_t *conn)
{
  GError *error;

  if (self->inviter_name != NULL)
    error = g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_EXPIRED,
                         /* TRANSLATORS: %s is the name of the person who sent the link,
                          * e.g. "Papy Jean". */
                         _ ("This invitation has expired or was already used. Ask %s for a "
                            "new link."),
                         self->inviter_name);
  else
    error = g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_EXPIRED, "%s",
                         _ ("This invitation has expired or was already used. Ask the person "
                            "who invited you for a new link."));
  fail (self, conn, error);
}

static void
fail_refused (Registration *self, xmpp_conn_t *conn)
{
  GError *error;

  if (self->inviter_name != NULL)
    error = g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_REFUSED,
                         /* TRANSLATORS: %s is the name of the person who sent the link. */
                         _ ("The server of this invitation did not let Cousinade create your "
                            "account. Ask %s for a new link."),
                         self->inviter_name);
  else
    error = g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_REFUSED, "%s",
                         _ ("The server of this invitation did not let Cousinade create your "
                            "account. Ask the person who invited you for a new link."));
  fail (self, conn, error);
}

static gboolean
has_error_condition (xmpp_stanza_t *stanza, const char *condition)
{
  xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (stanza, "error");

  return error != NULL && xmpp_stanza_get_child_by_name_and_ns (error, condition, NS_STANZAS);
}

static void send_registration (Registration *self, xmpp_conn_t *conn);

static int
on_register_result (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  Registration *self = userdata;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
    {
      self->registered = TRUE;
      self->step = STEP_DONE;
      xmpp_disconnect (conn);
      return 0;
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      GError *error = NULL;

      g_cancellable_set_error_if_cancelled (self->cancellable, &error);
      fail (self, conn, error);
      return 0;
    }

  if (has_error_condition (stanza, "conflict") && self->tries < MAX_NAME_TRIES)
    {
      /* The server remembers the accepted token on this stream: try the next name at once. */
      g_debug ("%s is taken, trying another name", self->username);
      send_registration (self, conn);
      return 0;
    }

  g_debug ("Registration refused: %s",
           has_error_condition (stanza, "conflict") ? "every name tried is taken" : "error");
  fail_refused (self, conn);
  return 0;
}

static void
send_registration (Registration *self, xmpp_conn_t *conn)
{
  g_autofree char *id = NULL;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *query;

  self->tries++;
  g_free (self->username);
  self->username = self->tries == 1 ? g_strdup (self->base_username)
                                    : g_strdup_printf ("%s%u", self->base_username, self->tries);

  id = g_strdup_printf ("cs-register-%u", self->tries);
  iq = xmpp_iq_new (self->ctx, "set", id);
  query = cs_stanza_add_child (iq, "query", XMPP_NS_REGISTER);
  cs_stanza_add_text (cs_stanza_add_child (query, "username", NULL), self->username);
  cs_stanza_add_text (cs_stanza_add_child (query, "password", NULL), self->password);

  xmpp_id_handler_add (conn, on_register_result, id, self);
  self->step = STEP_REGISTER;
  xmpp_send (conn, iq);
  xmpp_stanza_release (iq);
}

static int
on_preauth_result (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  Registration *self = userdata;

  if (self->stopping)
    return 0;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") != 0)
    {
      /* Prosody answers forbidden, "The invite token is invalid or expired". */
      fail_expired (self, conn);
      return 0;
    }

  send_registration (self, conn);
  return 0;
}

static void
send_preauth (Registration *self, xmpp_conn_t *conn)
{
  xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "set", "cs-preauth");
  xmpp_stanza_t *preauth = cs_stanza_add_child (iq, "preauth", NS_PARS);

  xmpp_stanza_set_to (iq, self->domain);
  xmpp_stanza_set_attribute (preauth, "token", self->token);
  xmpp_id_handler_add (conn, on_preauth_result, "cs-preauth", self);
  self->step = STEP_PREAUTH;
  xmpp_send (conn, iq);
  xmpp_stanza_release (iq);
}

static int
on_stream_features (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  Registration *self = userdata;

  if (self->stopping)
    return 0;

  if (!xmpp_conn_is_secured (conn))
    {
      if (xmpp_stanza_get_child_by_name_and_ns (stanza, "starttls", NS_TLS) == NULL)
        {
          fail (self, conn,
                g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_REFUSED,
                             "%s",
                             _ ("The server of this invitation does not offer an encrypted "
                                "connection, so Cousinade will not use it.")));
          return 0;
        }
      self->step = STEP_STARTTLS;
      xmpp_send_raw_string (conn, "<starttls xmlns='%s'/>", NS_TLS);
      return 1;
    }

  if (xmpp_stanza_get_child_by_name_and_ns (stanza, "register", NS_IBR_TOKEN) == NULL &&
      xmpp_stanza_get_child_by_name_and_ns (stanza, "register", NS_INVITE_LEGACY) == NULL)
    {
      g_debug ("The server announces no invitation feature");
      fail_refused (self, conn);
      return 0;
    }

  send_preauth (self, conn);
  return 0;
}

static int
on_tls_proceed (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  Registration *self = userdata;

  if (self->stopping)
    return 0;
  if (self->step != STEP_STARTTLS)
    return 1;

  if (xmpp_conn_tls_start (conn) != XMPP_EOK)
    {
      /* The certificate handler says whether it was the server's identity. */
      self->step = STEP_DONE;
      xmpp_disconnect (conn);
      return 0;
    }

  self->step = STEP_STREAM;
  xmpp_conn_open_stream_default (conn);
  return 0;
}

static int
on_certificate_failure (const xmpp_tlscert_t *cert, const char *const errormsg)
{
  Registration *self = thread_registration;

  /* No way to accept a certificate here: an invite link must not lead to a server that
   * cannot prove who it is. */
  g_debug ("Refusing the server's certificate: %s", errormsg);
  self->certificate_refused = TRUE;
  return 0;
}

static void
on_connection_event (xmpp_conn_t *conn,
                     xmpp_conn_event_t event,
                     int error,
                     xmpp_stream_error_t *stream_error,
                     void *userdata)
{
  Registration *self = userdata;

  switch (event)
    {
    case XMPP_CONN_RAW_CONNECT:
      if (self->stopping)
        {
          xmpp_disconnect (conn);
          return;
        }
      xmpp_handler_add (conn, on_stream_features, XMPP_NS_STREAMS, "features", NULL, self);
      xmpp_handler_add (conn, on_tls_proceed, NS_TLS, "proceed", NULL, self);
      xmpp_conn_open_stream_default (conn);
      return;

    case XMPP_CONN_CONNECT:
      /* On a raw stream this only says that a stream opened. */
      return;

    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
    default:
      break;
    }

  self->finished = TRUE;
  if (self->error != NULL || self->registered || (self->stopping && !self->certificate_refused))
    return;

  if (self->certificate_refused)
    {
      g_clear_error (&self->error);
      self->error = g_error_new (
        CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_CERTIFICATE_UNTRUSTED, "%s",
        _ ("The server of this invitation could not prove its identity, so Cousinade sent "
           "it nothing. Tell the person who invited you."));
      return;
    }

  self->error =
    g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_UNREACHABLE, "%s",
                 _ ("Cousinade could not reach the server of this invitation. Check that this "
                    "computer is connected to the internet, then try again."));
  g_debug ("Connection ended at step %d: %s", self->step, error != 0 ? g_strerror (error) : "-");
}

static void
run_registration (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  static gsize initialized;
  Registration *self = task_data;
  xmpp_conn_t *conn;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_TIME_SPAN_SECOND;
  gint64 stop_deadline = 0;

  if (g_once_init_enter (&initialized))
    {
      xmpp_initialize ();
      g_once_init_leave (&initialized, 1);
    }

  thread_registration = self;
  self->ctx = xmpp_ctx_new (NULL, NULL);
  conn = xmpp_conn_new (self->ctx);
  xmpp_conn_set_flags (conn, XMPP_CONN_FLAG_MANDATORY_TLS);
  /* A raw stream opens to the jid's domain: the server itself. */
  xmpp_conn_set_jid (conn, self->domain);
  if (self->ca_file != NULL)
    xmpp_conn_set_cafile (conn, self->ca_file);
  xmpp_conn_set_certfail_handler (conn, on_certificate_failure);

  if (xmpp_connect_raw (conn, self->host, self->port, on_connection_event, self) != XMPP_EOK)
    on_connection_event (conn, XMPP_CONN_FAIL, ECONNREFUSED, NULL, self);

  while (!self->finished)
    {
      gboolean cancelled = g_cancellable_is_cancelled (cancellable);
      gint64 now = g_get_monotonic_time ();

      /* Once the registration is sent its answer is awaited (in time): an account the server
       * made must reach the caller, cancelled or not. */
      if (!self->stopping && ((cancelled && self->step != STEP_REGISTER) || now > deadline))
        {
          self->stopping = TRUE;
          if (self->error == NULL)
            g_cancellable_set_error_if_cancelled (cancellable, &self->error);
          xmpp_disconnect (conn);
          /* A connection still opening may not end through the handler at once. */
          stop_deadline = now + 3 * G_TIME_SPAN_SECOND;
        }
      else if (self->stopping && now > stop_deadline)
        {
          break;
        }
      xmpp_run_once (self->ctx, LOOP_WAKE_MS);
    }

  xmpp_conn_release (conn);
  xmpp_ctx_free (self->ctx);
  self->ctx = NULL;
  thread_registration = NULL;

  if (self->registered)
    {
      CsInviteAccount *account = g_new0 (CsInviteAccount, 1);

      account->address = g_strdup_printf ("%s@%s", self->username, self->domain);
      account->password = g_strdup (self->password);
      g_task_return_pointer (task, account, (GDestroyNotify) cs_invite_account_free);
      return;
    }

  if (self->error == NULL)
    self->error =
      g_error_new (CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_UNREACHABLE, "%s",
                   _ ("The server of this invitation did not answer. Check that this computer "
                      "is connected to the internet, then try again."));
  g_task_return_error (task, g_steal_pointer (&self->error));
}

char *
cs_invite_registration_username_for (const char *person_name)
{
  g_autofree char *ascii = NULL;
  GString *name;
  gboolean dot = FALSE;

  g_return_val_if_fail (person_name != NULL, NULL);

  /* "Mamie Jeanne" -> "mamie.jeanne", "Élodie-Marie O'Brien" -> "elodie.marie.o.brien". */
  ascii = g_str_to_ascii (person_name, "C");
  name = g_string_new (NULL);
  for (const char *c = ascii; *c != '\0' && name->len < MAX_USERNAME_LENGTH; c++)
    {
      if (g_ascii_isalnum (*c))
        {
          if (dot && name->len > 0)
            g_string_append_c (name, '.');
          g_string_append_c (name, g_ascii_tolower (*c));
          dot = FALSE;
        }
      else
        {
          dot = TRUE;
        }
    }
  if (name->len == 0)
    g_string_append (name, "friend");
  return g_string_free (name, FALSE);
}

/* PASSWORD_LENGTH letters and digits from the kernel's random source (about 143 bits). */
static char *
strong_password (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char *password = g_malloc0 (PASSWORD_LENGTH + 1);
  guint length = 0;

  while (length < PASSWORD_LENGTH)
    {
      guchar bytes[64];
      ssize_t got = getrandom (bytes, sizeof bytes, 0);

      if (got < 0)
        {
          g_assert (errno == EINTR);
          continue;
        }
      /* 248 = 4 x 62: dropping larger bytes keeps every character equally likely. */
      for (ssize_t i = 0; i < got && length < PASSWORD_LENGTH; i++)
        if (bytes[i] < 248)
          password[length++] = alphabet[bytes[i] % 62];
      memset (bytes, 0, sizeof bytes);
    }
  return password;
}

void
cs_invite_registration_register_async (const CsXmppInvite *invite,
                                       const char *person_name,
                                       const char *host,
                                       guint16 port,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Registration *self;

  g_return_if_fail (invite != NULL && invite->domain != NULL && invite->token != NULL);
  g_return_if_fail (person_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_invite_registration_register_async);
  /* A late cancellation must not hide an account that was made (run_registration decides). */
  g_task_set_check_cancellable (task, FALSE);

  self = g_new0 (Registration, 1);
  self->domain = g_strdup (invite->domain);
  self->token = g_strdup (invite->token);
  self->inviter_name = g_strdup (invite->inviter_name);
  self->host = g_strdup (host);
  self->port = port;
  /* Developers and tests trust their own CA this way, as for signing in. */
  self->ca_file = g_strdup (g_getenv ("COUSINADE_CA_FILE"));
  self->base_username = cs_invite_registration_username_for (person_name);
  self->password = strong_password ();
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, self, (GDestroyNotify) registration_free);
  g_task_run_in_thread (task, run_registration);
}

CsInviteAccount *
cs_invite_registration_register_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
