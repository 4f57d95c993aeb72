/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-incoming-calls"

#include "config.h"

#include "cs-incoming-calls.h"
#include "cs-direct-call-private.h"
#include "cs-xmpp-stanza-util.h"

#include <string.h>

#define NS_JMI "urn:xmpp:jingle-message:0"
#define NS_RTP "urn:xmpp:jingle:apps:rtp:1"
#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_DELAY "urn:xmpp:delay"
#define NS_NICK "http://jabber.org/protocol/nick"

/* Proposals remembered so that a copy of one (a carbon, a resend) does not ring again. */
#define MAX_SEEN 256
#define MAX_RINGING 16
#define MAX_NAME_LENGTH 100
#define MAX_ID_LENGTH 128
/* A caller whose app crashed never retracts; their call stops ringing after this. */
#define MAX_RING_SECONDS 90

typedef struct
{
  char *id;
  char *caller; /* full address */
  char *name;
  guint expiry_id;
} Proposal;

struct _CsIncomingCalls
{
  GObject parent_instance;

  CsXmppClient *client;
  char **allowed;
  GHashTable *ringing; /* id -> Proposal */
  GHashTable *seen;    /* "bare address/id" */
  GQueue seen_order;
};

G_DEFINE_FINAL_TYPE (CsIncomingCalls, cs_incoming_calls, G_TYPE_OBJECT)

enum
{
  INCOMING,
  STOPPED,
  DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
proposal_free (gpointer data)
{
  Proposal *proposal = data;

  g_clear_handle_id (&proposal->expiry_id, g_source_remove);
  g_free (proposal->id);
  g_free (proposal->caller);
  g_free (proposal->name);
  g_free (proposal);
}

static void
drop (CsIncomingCalls *self, const char *from, const char *reason)
{
  g_debug ("Ignoring a call message from %s: %s", from, reason);
  g_signal_emit (self, signals[DROPPED], 0, from, reason);
}

static gboolean
is_allowed (CsIncomingCalls *self, const char *address)
{
  return self->allowed != NULL && address != NULL &&
         g_strv_contains ((const char *const *) self->allowed, address);
}

/* TRUE the first time @id is seen from @address. */
static gboolean
remember (CsIncomingCalls *self, const char *address, const char *id)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", address, id);

  if (g_hash_table_contains (self->seen, key))
    return FALSE;
  g_hash_table_add (self->seen, g_strdup (key));
  g_queue_push_tail (&self->seen_order, g_steal_pointer (&key));
  while (g_queue_get_length (&self->seen_order) > MAX_SEEN)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->seen_order);

      g_hash_table_remove (self->seen, oldest);
    }
  return TRUE;
}

static void
send_to_caller (CsIncomingCalls *self, Proposal *proposal, const char *element)
{
  xmpp_stanza_t *message =
    cs_direct_call_new_message (self->client, proposal->caller, element, proposal->id);

  cs_xmpp_client_send (self->client, message);
  xmpp_stanza_release (message);
}

static void
stop (CsIncomingCalls *self, const char *id, CsIncomingCallEnd why)
{
  g_autofree char *held = g_strdup (id);

  if (g_hash_table_remove (self->ringing, held))
    g_signal_emit (self, signals[STOPPED], 0, held, why);
}

typedef struct
{
  CsIncomingCalls *self;
  char *id;
} Expiry;

static void
expiry_free (gpointer data)
{
  Expiry *expiry = data;

  g_free (expiry->id);
  g_free (expiry);
}

static gboolean
on_expired (gpointer user_data)
{
  Expiry *expiry = user_data;
  Proposal *proposal = g_hash_table_lookup (expiry->self->ringing, expiry->id);

  if (proposal != NULL)
    {
      proposal->expiry_id = 0;
      stop (expiry->self, expiry->id, CS_INCOMING_CALL_EXPIRED);
    }
  return G_SOURCE_REMOVE;
}

static void
on_propose (CsIncomingCalls *self,
            xmpp_stanza_t *message,
            xmpp_stanza_t *propose,
            const char *from,
            const char *id)
{
  g_autofree char *address = cs_stanza_bare_jid (from);
  xmpp_stanza_t *nick = xmpp_stanza_get_child_by_name_and_ns (message, "nick", NS_NICK);
  gboolean audio = FALSE;
  gboolean video = FALSE;
  Proposal *proposal;

  if (g_strcmp0 (address, cs_xmpp_client_get_address (self->client)) == 0)
    return; /* one of our own devices calling out */
  if (!is_allowed (self, address))
    {
      drop (self, from, "not an allowed contact");
      return;
    }
  if (strchr (from, '/') == NULL)
    {
      drop (self, from, "a proposal from no device");
      return;
    }
  /* A proposal kept by the server while we were away rang long ago. */
  if (xmpp_stanza_get_child_by_name_and_ns (message, "delay", NS_DELAY) != NULL)
    {
      drop (self, from, "a proposal from earlier");
      return;
    }
  if (!remember (self, address, id))
    {
      drop (self, from, "a proposal seen before");
      return;
    }

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (propose); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) &&
        g_strcmp0 (xmpp_stanza_get_name (child), "description") == 0 &&
        g_strcmp0 (xmpp_stanza_get_ns (child), NS_RTP) == 0)
      {
        const char *media = xmpp_stanza_get_attribute (child, "media");

        audio |= g_strcmp0 (media, "audio") == 0;
        video |= g_strcmp0 (media, "video") == 0;
      }
  if (!audio && !video)
    {
      drop (self, from, "a proposal of something other than a call");
      return;
    }
  if (g_hash_table_size (self->ringing) >= MAX_RINGING)
    {
      drop (self, from, "too many calls ringing");
      return;
    }

  proposal = g_new0 (Proposal, 1);
  proposal->id = g_strdup (id);
  proposal->caller = g_strdup (from);
  if (nick != NULL)
    {
      g_autofree char *text = xmpp_stanza_get_text (nick);

      if (text != NULL && *text != '\0')
        {
          proposal->name = g_utf8_make_valid (text, -1);
          if (g_utf8_strlen (proposal->name, -1) > MAX_NAME_LENGTH)
            *g_utf8_offset_to_pointer (proposal->name, MAX_NAME_LENGTH) = '\0';
        }
    }
  if (proposal->name == NULL)
    proposal->name = g_strdup (address);
  g_hash_table_replace (self->ringing, proposal->id, proposal);
  {
    Expiry *expiry = g_new0 (Expiry, 1);

    /* The proposal's source goes with it, and the proposals with this object. */
    expiry->self = self;
    expiry->id = g_strdup (id);
    proposal->expiry_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, MAX_RING_SECONDS,
                                                      on_expired, expiry, expiry_free);
  }

  send_to_caller (self, proposal, "ringing");
  g_signal_emit (self, signals[INCOMING], 0, proposal->id, address, proposal->name, video);
}

/* @message as received, or the one a carbon carries. @sent: one of our other devices sent it. */
static void
on_call_message (CsIncomingCalls *self, xmpp_stanza_t *message, gboolean sent)
{
  const char *from = xmpp_stanza_get_from (message);
  xmpp_stanza_t *element = NULL;
  const char *name;
  const char *id;
  Proposal *proposal;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (message); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_ns (child), NS_JMI) == 0)
      {
        element = child;
        break;
      }
  if (element == NULL)
    return;
  name = xmpp_stanza_get_name (element);
  id = xmpp_stanza_get_id (element);
  if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    {
      drop (self, from, "a call message without id");
      return;
    }

  if (sent)
    {
      /* Another of our devices answered ("accept" is what older clients send). */
      if (g_str_equal (name, "proceed") || g_str_equal (name, "accept"))
        stop (self, id, CS_INCOMING_CALL_ANSWERED_ELSEWHERE);
      else if (g_str_equal (name, "reject"))
        stop (self, id, CS_INCOMING_CALL_REJECTED_ELSEWHERE);
      return;
    }

  if (from == NULL)
    return;
  if (g_str_equal (name, "propose"))
    {
      on_propose (self, message, element, from, id);
    }
  else if (g_str_equal (name, "retract"))
    {
      g_autofree char *address = cs_stanza_bare_jid (from);
      g_autofree char *caller = NULL;

      proposal = g_hash_table_lookup (self->ringing, id);
      if (proposal == NULL)
        return;
      caller = cs_stanza_bare_jid (proposal->caller);
      if (g_strcmp0 (caller, address) != 0)
        {
          drop (self, from, "a retraction of someone else's call");
          return;
        }
      stop (self, id, CS_INCOMING_CALL_RETRACTED);
    }
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsIncomingCalls *self)
{
  g_autoptr (CsIncomingCalls) hold = g_object_ref (self);
  const char *from = xmpp_stanza_get_from (stanza);

  if (from == NULL || g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      g_strcmp0 (xmpp_stanza_get_type (stanza), "error") == 0)
    return;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *name = xmpp_stanza_get_name (child);
      xmpp_stanza_t *forwarded;
      xmpp_stanza_t *inner;

      if (!xmpp_stanza_is_tag (child) || g_strcmp0 (xmpp_stanza_get_ns (child), NS_CARBONS) != 0 ||
          (g_strcmp0 (name, "received") != 0 && g_strcmp0 (name, "sent") != 0))
        continue;

      /* Only our own server speaks for our other devices (XEP-0280's security note). */
      if (g_strcmp0 (from, cs_xmpp_client_get_address (client)) != 0)
        {
          drop (self, from, "a carbon copy from someone else");
          return;
        }
      forwarded = xmpp_stanza_get_child_by_name_and_ns (child, "forwarded", NS_FORWARD);
      inner = forwarded != NULL ? xmpp_stanza_get_child_by_name (forwarded, "message") : NULL;
      if (inner != NULL)
        on_call_message (self, inner, g_str_equal (name, "sent"));
      return;
    }

  on_call_message (self, stanza, FALSE);
}

static void
on_carbons_enabled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);

  if (answer != NULL)
    xmpp_stanza_release (answer);
  else
    g_debug ("Message carbons are not on, other devices will ring on: %s", error->message);
}

static void
enable_carbons (CsIncomingCalls *self)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  xmpp_stanza_t *iq = xmpp_iq_new (ctx, "set", NULL);

  /* To our own server, which answers without a "from". */
  cs_stanza_add_child (iq, "enable", NS_CARBONS);
  cs_xmpp_client_send_iq_async (self->client, iq, NULL, on_carbons_enabled, NULL);
  xmpp_stanza_release (iq);
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsIncomingCalls *self)
{
  /* Carbons are a setting of the connection: every new one needs it again. */
  if (cs_xmpp_client_get_state (client) == CS_XMPP_STATE_ONLINE)
    enable_carbons (self);
}

static void
cs_incoming_calls_dispose (GObject *object)
{
  CsIncomingCalls *self = CS_INCOMING_CALLS (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_hash_table_remove_all (self->ringing);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_incoming_calls_parent_class)->dispose (object);
}

static void
cs_incoming_calls_finalize (GObject *object)
{
  CsIncomingCalls *self = CS_INCOMING_CALLS (object);

  g_strfreev (self->allowed);
  g_hash_table_unref (self->ringing);
  g_hash_table_unref (self->seen);
  g_queue_clear_full (&self->seen_order, g_free);

  G_OBJECT_CLASS (cs_incoming_calls_parent_class)->finalize (object);
}

static void
cs_incoming_calls_class_init (CsIncomingCallsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_incoming_calls_dispose;
  object_class->finalize = cs_incoming_calls_finalize;

  signals[INCOMING] =
    g_signal_new ("incoming", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[STOPPED] = g_signal_new ("stopped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  signals[DROPPED] = g_signal_new ("dropped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cs_incoming_calls_init (CsIncomingCalls *self)
{
  self->ringing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, proposal_free);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->seen_order);
}

CsIncomingCalls *
cs_incoming_calls_new (CsXmppClient *client)
{
  CsIncomingCalls *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);

  self = g_object_new (CS_TYPE_INCOMING_CALLS, NULL);
  self->client = g_object_ref (client);
  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  if (cs_xmpp_client_get_state (client) == CS_XMPP_STATE_ONLINE)
    enable_carbons (self);
  return self;
}

void
cs_incoming_calls_set_allowed (CsIncomingCalls *self, const char *const *addresses)
{
  g_return_if_fail (CS_IS_INCOMING_CALLS (self));

  g_strfreev (self->allowed);
  self->allowed = g_strdupv ((char **) addresses);
}

CsDirectCall *
cs_incoming_calls_accept (CsIncomingCalls *self, const char *id)
{
  Proposal *proposal;
  CsDirectCall *call;

  g_return_val_if_fail (CS_IS_INCOMING_CALLS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  proposal = g_hash_table_lookup (self->ringing, id);
  if (proposal == NULL)
    return NULL;
  call = cs_direct_call_new_answer (self->client, proposal->caller, proposal->name, proposal->id);
  g_hash_table_remove (self->ringing, id);
  return call;
}

void
cs_incoming_calls_reject (CsIncomingCalls *self, const char *id)
{
  Proposal *proposal;

  g_return_if_fail (CS_IS_INCOMING_CALLS (self));
  g_return_if_fail (id != NULL);

  proposal = g_hash_table_lookup (self->ringing, id);
  if (proposal == NULL)
    return;
  /* Sent as chat, so that our other devices get a carbon and stop ringing. */
  send_to_caller (self, proposal, "reject");
  g_hash_table_remove (self->ringing, id);
}
