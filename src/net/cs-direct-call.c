/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-direct-call"

#include "config.h"

#include "cs-direct-call.h"
#include "cs-direct-call-private.h"
#include "cs-call-signals.h"
#include "cs-jingle-sessions.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_JMI "urn:xmpp:jingle-message:0"
#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_RTP "urn:xmpp:jingle:apps:rtp:1"
#define NS_HINTS "urn:xmpp:hints"
#define NS_NICK "http://jabber.org/protocol/nick"

#define DEFAULT_RING_SECONDS 60

typedef enum
{
  STATE_NEW,
  STATE_RINGING,  /* proposed (caller) or proposed to us (callee), not answered */
  STATE_ANSWERED, /* proceed sent or received: the Jingle session may run */
  STATE_OVER,
} State;

struct _CsDirectCall
{
  GObject parent_instance;

  CsXmppClient *client;
  gboolean outgoing;
  char *id;
  char *contact;      /* bare */
  char *contact_name; /* for messages and the roster */
  char *peer;         /* the contact's device in the call (full address), once known */
  gboolean video;
  State state;
  gboolean announced; /* the media engine knows the contact */
  gboolean rang;

  guint ring_seconds;
  guint ring_timeout_id;

  CsJingleSessions *sessions;
};

G_DEFINE_FINAL_TYPE (CsDirectCall, cs_direct_call, G_TYPE_OBJECT)

/* The call signals (cs-call-signals.h), then the one-to-one call's own. */
enum
{
  RINGING = CS_CALL_N_SIGNALS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
drop (CsDirectCall *self, const char *from, const char *reason)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DROPPED], 0, from, reason);
}

static void
send_message (CsDirectCall *self, const char *to, const char *element)
{
  xmpp_stanza_t *message = cs_direct_call_new_message (self->client, to, element, self->id);

  cs_xmpp_client_send (self->client, message);
  xmpp_stanza_release (message);
}

static void
fail (CsDirectCall *self, const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED, message);

  self->state = STATE_OVER;
  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_FAILED], 0, error);
}

/* The contact hung up, by session-terminate or finish. */
static void
contact_gone (CsDirectCall *self)
{
  gboolean announced = self->announced;

  self->state = STATE_OVER;
  self->announced = FALSE;
  if (self->peer != NULL)
    cs_jingle_sessions_forget (self->sessions, self->peer);
  if (announced)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT], 0, self->contact);
}

static gboolean
on_ring_timeout (gpointer user_data)
{
  CsDirectCall *self = user_data;
  g_autofree char *message = NULL;

  self->ring_timeout_id = 0;
  if (self->state != STATE_RINGING)
    return G_SOURCE_REMOVE;

  send_message (self, self->contact, "retract");
  /* Translators: %s is the name of the person who was called. */
  message = g_strdup_printf (_ ("%s did not answer. Try again later."), self->contact_name);
  fail (self, message);
  return G_SOURCE_REMOVE;
}

/* Jingle Message Initiation in. */

static void
on_call_message (CsDirectCall *self, xmpp_stanza_t *stanza, xmpp_stanza_t *element)
{
  const char *from = xmpp_stanza_get_from (stanza);
  const char *to = xmpp_stanza_get_to (stanza);
  const char *name = xmpp_stanza_get_name (element);
  g_autofree char *bare = cs_stanza_bare_jid (from);
  g_autofree char *message = NULL;

  if (g_strcmp0 (bare, self->contact) != 0)
    {
      drop (self, from, "not the contact of this call");
      return;
    }

  if (self->outgoing && g_str_equal (name, "ringing"))
    {
      if (self->state == STATE_RINGING && !self->rang)
        {
          self->rang = TRUE;
          g_signal_emit (self, signals[RINGING], 0);
        }
    }
  else if (self->outgoing && g_str_equal (name, "proceed"))
    {
      const char *ids[] = { self->contact, NULL };
      const char *names[] = { self->contact_name, NULL };

      if (self->state != STATE_RINGING)
        {
          drop (self, from, "an answer to a call that was answered or is over");
          return;
        }
      self->state = STATE_ANSWERED;
      g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
      self->peer = g_strdup (from);
      /* The answer came to this device: that is the address the session starts from. */
      if (to != NULL && strchr (to, '/') != NULL)
        cs_jingle_sessions_set_local_address (self->sessions, to);
      /* XEP-0353: the session has the proposal's id. */
      cs_jingle_sessions_set_next_sid (self->sessions, self->peer, self->id);
      self->announced = TRUE;
      g_signal_emit (self, signals[CS_CALL_SIGNAL_ROSTER], 0, ids, names);
    }
  else if (self->outgoing && g_str_equal (name, "reject"))
    {
      if (self->state != STATE_RINGING)
        {
          drop (self, from, "a refusal of a call that was answered or is over");
          return;
        }
      /* Translators: %s is the name of the person who was called. */
      message = g_strdup_printf (_ ("%s declined the call."), self->contact_name);
      fail (self, message);
    }
  else if (g_str_equal (name, "finish") || (!self->outgoing && g_str_equal (name, "retract")))
    {
      if (g_strcmp0 (from, self->peer) != 0 || self->state == STATE_OVER)
        return;
      if (self->announced &&
          (!self->outgoing || cs_jingle_sessions_has_session (self->sessions, self->peer)))
        {
          contact_gone (self);
          return;
        }
      /* Nothing began for the media engine: the call is over before it started. */
      /* Translators: %s is the name of the other person. */
      message = g_strdup_printf (_ ("%s hung up before the call began."), self->contact_name);
      fail (self, message);
    }
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsDirectCall *self)
{
  g_autoptr (CsDirectCall) hold = g_object_ref (self);
  const char *from = xmpp_stanza_get_from (stanza);

  if (from == NULL || g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      g_strcmp0 (xmpp_stanza_get_type (stanza), "error") == 0)
    return;

  /* Carbons of our other devices' messages are for cs-incoming-calls: they are not wrapped
   * Jingle Message Initiation and never reach here. */
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_ns (child), NS_JMI) == 0 &&
        g_strcmp0 (xmpp_stanza_get_id (child), self->id) == 0)
      {
        on_call_message (self, stanza, child);
        return;
      }
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsDirectCall *self)
{
  /* A dropped connection comes back by itself; being signed out does not. */
  if (cs_xmpp_client_get_state (client) != CS_XMPP_STATE_OFFLINE || self->state == STATE_NEW ||
      self->state == STATE_OVER)
    return;

  fail (self, _ ("You were signed out during the call."));
}

/* The Jingle session. */

static CsJinglePeerVerdict
check_peer (const char *from, const char *action, const char *sid, gpointer user_data)
{
  CsDirectCall *self = user_data;

  if (self->peer == NULL || g_strcmp0 (from, self->peer) != 0)
    return CS_JINGLE_PEER_IGNORE; /* another call's */
  if (self->state != STATE_ANSWERED)
    return CS_JINGLE_PEER_REFUSE;
  /* The caller starts the one session, with the proposal's id. */
  if (g_strcmp0 (action, "session-initiate") == 0 &&
      (self->outgoing || g_strcmp0 (sid, self->id) != 0))
    return CS_JINGLE_PEER_REFUSE;
  return CS_JINGLE_PEER_ACCEPT;
}

static void
on_session_description (CsJingleSessions *sessions,
                        const char *from,
                        const char *type,
                        const char *sdp,
                        CsDirectCall *self)
{
  if (!self->announced && g_str_equal (type, "offer"))
    {
      self->announced = TRUE;
      g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_JOINED], 0, self->contact,
                     self->contact_name);
    }
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DESCRIPTION], 0, self->contact, type, sdp);
}

static void
on_session_candidate (CsJingleSessions *sessions,
                      const char *from,
                      guint mline_index,
                      const char *candidate,
                      CsDirectCall *self)
{
  g_signal_emit (self, signals[CS_CALL_SIGNAL_CANDIDATE], 0, self->contact, mline_index, candidate);
}

static void
on_session_media_state (CsJingleSessions *sessions,
                        const char *from,
                        gboolean muted,
                        gboolean camera_off,
                        CsDirectCall *self)
{
  g_signal_emit (self, signals[CS_CALL_SIGNAL_MEDIA_STATE], 0, self->contact, muted, camera_off);
}

static void
on_session_ended (CsJingleSessions *sessions,
                  const char *from,
                  gboolean replaced,
                  CsDirectCall *self)
{
  contact_gone (self);
}

static const CsJingleSessionsHandlers session_handlers = {
  .check = check_peer,
  .description = G_CALLBACK (on_session_description),
  .candidate = G_CALLBACK (on_session_candidate),
  .media_state = G_CALLBACK (on_session_media_state),
  .ended = G_CALLBACK (on_session_ended),
};

static void
cs_direct_call_dispose (GObject *object)
{
  CsDirectCall *self = CS_DIRECT_CALL (object);

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  cs_jingle_sessions_release (&self->sessions, self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_direct_call_parent_class)->dispose (object);
}

static void
cs_direct_call_finalize (GObject *object)
{
  CsDirectCall *self = CS_DIRECT_CALL (object);

  g_free (self->id);
  g_free (self->contact);
  g_free (self->contact_name);
  g_free (self->peer);

  G_OBJECT_CLASS (cs_direct_call_parent_class)->finalize (object);
}

static void
cs_direct_call_class_init (CsDirectCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_direct_call_dispose;
  object_class->finalize = cs_direct_call_finalize;

  cs_call_signals_install (type, signals);
  signals[RINGING] =
    g_signal_new ("ringing", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_direct_call_init (CsDirectCall *self)
{
  self->ring_seconds = DEFAULT_RING_SECONDS;
}

static CsDirectCall *
direct_call_new (CsXmppClient *client,
                 gboolean outgoing,
                 const char *contact,
                 const char *contact_name,
                 const char *id)
{
  CsDirectCall *self = g_object_new (CS_TYPE_DIRECT_CALL, NULL);

  self->client = g_object_ref (client);
  self->outgoing = outgoing;
  self->id = g_strdup (id);
  self->contact = cs_stanza_bare_jid (contact);
  self->contact_name = g_strdup (contact_name != NULL ? contact_name : self->contact);

  /* Our full address is the server's to give; the sender's stands for initiator and
   * responder. */
  self->sessions = cs_jingle_sessions_new_for_call (client, NULL, &session_handlers, self);

  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  return self;
}

CsDirectCall *
cs_direct_call_new (CsXmppClient *client,
                    const char *contact,
                    const char *contact_name,
                    gboolean video)
{
  g_autofree char *id = g_uuid_string_random ();
  CsDirectCall *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (contact != NULL && strchr (contact, '/') == NULL, NULL);

  self = direct_call_new (client, TRUE, contact, contact_name, id);
  self->video = video;
  return self;
}

CsDirectCall *
cs_direct_call_new_answer (CsXmppClient *client,
                           const char *caller,
                           const char *caller_name,
                           const char *id)
{
  CsDirectCall *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (caller != NULL && strchr (caller, '/') != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = direct_call_new (client, FALSE, caller, caller_name, id);
  self->peer = g_strdup (caller);
  self->state = STATE_RINGING;
  return self;
}

void
cs_direct_call_set_ring_timeout (CsDirectCall *self, guint seconds)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));
  g_return_if_fail (seconds > 0);

  self->ring_seconds = seconds;
}

const char *
cs_direct_call_get_id (CsDirectCall *self)
{
  g_return_val_if_fail (CS_IS_DIRECT_CALL (self), NULL);

  return self->id;
}

const char *
cs_direct_call_get_contact (CsDirectCall *self)
{
  g_return_val_if_fail (CS_IS_DIRECT_CALL (self), NULL);

  return self->contact;
}

const char *
cs_direct_call_get_local_id (CsDirectCall *self)
{
  g_return_val_if_fail (CS_IS_DIRECT_CALL (self), NULL);

  return cs_xmpp_client_get_address (self->client);
}

gboolean
cs_direct_call_is_outgoing (CsDirectCall *self)
{
  g_return_val_if_fail (CS_IS_DIRECT_CALL (self), FALSE);

  return self->outgoing;
}

void
cs_direct_call_join (CsDirectCall *self, const char *display_name)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));

  if (self->outgoing)
    {
      xmpp_stanza_t *message;
      xmpp_stanza_t *propose;
      xmpp_stanza_t *description;
      xmpp_stanza_t *nick;

      g_return_if_fail (self->state == STATE_NEW);

      self->state = STATE_RINGING;
      message = cs_direct_call_new_message (self->client, self->contact, "propose", self->id);
      propose = xmpp_stanza_get_child_by_name_and_ns (message, "propose", NS_JMI);
      description = cs_stanza_add_child (propose, "description", NS_RTP);
      xmpp_stanza_set_attribute (description, "media", "audio");
      if (self->video)
        {
          description = cs_stanza_add_child (propose, "description", NS_RTP);
          xmpp_stanza_set_attribute (description, "media", "video");
        }
      /* Who calls, as they call themselves (XEP-0172), for the callee's notification. */
      if (display_name != NULL)
        {
          nick = cs_stanza_add_child (message, "nick", NS_NICK);
          cs_stanza_add_text (nick, display_name);
        }
      cs_xmpp_client_send (self->client, message);
      xmpp_stanza_release (message);

      self->ring_timeout_id = g_timeout_add_seconds (self->ring_seconds, on_ring_timeout, self);
    }
  else
    {
      g_return_if_fail (self->state == STATE_RINGING);

      /* Sent as chat, so that our other devices get a carbon and stop ringing. */
      self->state = STATE_ANSWERED;
      send_message (self, self->peer, "proceed");
      g_signal_emit (self, signals[CS_CALL_SIGNAL_ROSTER], 0, (const char *const[]){ NULL },
                     (const char *const[]){ NULL });
    }
}

void
cs_direct_call_leave (CsDirectCall *self)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));

  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  switch (self->state)
    {
    case STATE_RINGING:
      if (self->outgoing)
        send_message (self, self->contact, "retract");
      else
        send_message (self, self->peer, "reject");
      break;

    case STATE_ANSWERED:
      {
        xmpp_stanza_t *message =
          cs_direct_call_new_message (self->client, self->peer, "finish", self->id);
        xmpp_stanza_t *finish = xmpp_stanza_get_child_by_name_and_ns (message, "finish", NS_JMI);
        xmpp_stanza_t *reason = cs_stanza_add_child (finish, "reason", NS_JINGLE);

        cs_stanza_add_child (reason, "success", NS_JINGLE);
        cs_xmpp_client_send (self->client, message);
        xmpp_stanza_release (message);
      }
      break;

    case STATE_NEW:
    case STATE_OVER:
      break;
    }
  cs_jingle_sessions_close (self->sessions);
  self->state = STATE_OVER;
}

void
cs_direct_call_send_description (CsDirectCall *self,
                                 const char *peer_id,
                                 const char *type,
                                 const char *sdp)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));
  g_return_if_fail (peer_id != NULL && type != NULL && sdp != NULL);

  if (self->state != STATE_ANSWERED || g_strcmp0 (peer_id, self->contact) != 0)
    return;
  cs_jingle_sessions_send_description (self->sessions, self->peer, type, sdp);
}

void
cs_direct_call_send_candidate (CsDirectCall *self,
                               const char *peer_id,
                               guint mline_index,
                               const char *candidate)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));
  g_return_if_fail (peer_id != NULL && candidate != NULL);

  if (self->state != STATE_ANSWERED || g_strcmp0 (peer_id, self->contact) != 0)
    return;
  cs_jingle_sessions_send_candidate (self->sessions, self->peer, mline_index, candidate);
}

void
cs_direct_call_send_media_state (CsDirectCall *self, gboolean muted, gboolean camera_off)
{
  g_return_if_fail (CS_IS_DIRECT_CALL (self));

  cs_jingle_sessions_send_media_state (self->sessions, muted, camera_off);
}

char *
cs_direct_call_dup_session_id (CsDirectCall *self)
{
  g_return_val_if_fail (CS_IS_DIRECT_CALL (self), NULL);

  return self->peer != NULL ? cs_jingle_sessions_dup_session_id (self->sessions, self->peer) : NULL;
}

xmpp_stanza_t *
cs_direct_call_new_message (CsXmppClient *client,
                            const char *to,
                            const char *element,
                            const char *id)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (client);
  g_autofree char *message_id = g_uuid_string_random ();
  xmpp_stanza_t *message = xmpp_message_new (ctx, "chat", to, message_id);
  xmpp_stanza_t *child = cs_stanza_add_child (message, element, NS_JMI);

  xmpp_stanza_set_id (child, id);
  /* Kept by the server's archive, as XEP-0353 asks, so a missed call shows later. */
  cs_stanza_add_child (message, "store", NS_HINTS);
  return message;
}
