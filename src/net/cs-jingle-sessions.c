/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-jingle-sessions"

#include "config.h"

#include "cs-jingle-sessions.h"
#include "cs-jingle-sdp.h"
#include "cs-xmpp-stanza-util.h"

#include <string.h>

#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_JINGLE_ERRORS "urn:xmpp:jingle:errors:1"
#define NS_RTP_INFO "urn:xmpp:jingle:apps:rtp:info:1"
#define NS_MUJI "urn:xmpp:jingle:muji:0"

#define MAX_ENDED_SESSIONS 256
#define MAX_SID_LENGTH 128

typedef enum
{
  SESSION_NONE,
  SESSION_PENDING, /* offer sent or received, no answer yet */
  SESSION_ACTIVE,
} SessionState;

typedef struct
{
  char *address; /* full */
  char *sid;
  char *next_sid;
  gboolean initiator; /* we made the offer */
  SessionState state;
  char *local_sdp;
  char *remote_sdp;
  char **content_names;
  /* Candidates given before our description went out: "index\ncandidate". */
  GPtrArray *early_candidates;
} Peer;

struct _CsJingleSessions
{
  GObject parent_instance;

  CsXmppClient *client;
  char *local_address;
  /* The group call these sessions belong to, named in session-initiates; NULL for others. */
  char *muji_room;
  gboolean closed;

  CsJinglePeerCheck check;
  gpointer check_data;
  GDestroyNotify check_destroy;

  GHashTable *peers;      /* full address -> Peer */
  GHashTable *ended_sids; /* sids of sessions that are over */
  GQueue ended_order;

  gboolean muted;
  gboolean camera_off;
};

G_DEFINE_FINAL_TYPE (CsJingleSessions, cs_jingle_sessions, G_TYPE_OBJECT)

enum
{
  DESCRIPTION,
  CANDIDATE,
  MEDIA_STATE,
  ENDED,
  DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
peer_free (gpointer data)
{
  Peer *peer = data;

  g_free (peer->address);
  g_free (peer->sid);
  g_free (peer->next_sid);
  g_free (peer->local_sdp);
  g_free (peer->remote_sdp);
  g_strfreev (peer->content_names);
  g_clear_pointer (&peer->early_candidates, g_ptr_array_unref);
  g_free (peer);
}

static Peer *
ensure_peer (CsJingleSessions *self, const char *address)
{
  Peer *peer = g_hash_table_lookup (self->peers, address);

  if (peer == NULL)
    {
      peer = g_new0 (Peer, 1);
      peer->address = g_strdup (address);
      g_hash_table_insert (self->peers, peer->address, peer);
    }
  return peer;
}

static void
drop (CsJingleSessions *self, const char *from, const char *reason)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit (self, signals[DROPPED], 0, from, reason);
}

static void
remember_ended (CsJingleSessions *self, const char *sid)
{
  if (sid == NULL || g_hash_table_contains (self->ended_sids, sid))
    return;

  g_hash_table_add (self->ended_sids, g_strdup (sid));
  g_queue_push_tail (&self->ended_order, g_strdup (sid));
  while (g_queue_get_length (&self->ended_order) > MAX_ENDED_SESSIONS)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->ended_order);

      g_hash_table_remove (self->ended_sids, oldest);
    }
}

static void
end_session (CsJingleSessions *self, Peer *peer)
{
  remember_ended (self, peer->sid);
  g_clear_pointer (&peer->sid, g_free);
  g_clear_pointer (&peer->local_sdp, g_free);
  g_clear_pointer (&peer->remote_sdp, g_free);
  g_clear_pointer (&peer->content_names, g_strfreev);
  g_clear_pointer (&peer->early_candidates, g_ptr_array_unref);
  peer->state = SESSION_NONE;
}

/* Jingle messages out. */

static xmpp_stanza_t *
new_jingle_iq (CsJingleSessions *self, Peer *peer, const char *action, xmpp_stanza_t **jingle)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  xmpp_stanza_t *iq = xmpp_iq_new (ctx, "set", NULL);

  xmpp_stanza_set_to (iq, peer->address);
  *jingle = cs_stanza_add_child (iq, "jingle", NS_JINGLE);
  xmpp_stanza_set_attribute (*jingle, "action", action);
  xmpp_stanza_set_attribute (*jingle, "sid", peer->sid);
  if (self->local_address != NULL && g_str_equal (action, "session-initiate"))
    xmpp_stanza_set_attribute (*jingle, "initiator", self->local_address);
  if (self->muji_room != NULL && g_str_equal (action, "session-initiate"))
    xmpp_stanza_set_attribute (cs_stanza_add_child (*jingle, "muji", NS_MUJI), "room",
                               self->muji_room);
  else if (self->local_address != NULL && g_str_equal (action, "session-accept"))
    xmpp_stanza_set_attribute (*jingle, "responder", self->local_address);
  return iq;
}

static void
on_iq_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *what = user_data;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);

  if (answer != NULL)
    xmpp_stanza_release (answer);
  else
    g_debug ("%s was not accepted: %s", what, error->message);
}

static void
send_jingle (CsJingleSessions *self, xmpp_stanza_t *iq, const char *action, Peer *peer)
{
  cs_xmpp_client_send_iq_async (self->client, iq, NULL, on_iq_answered,
                                g_strdup_printf ("%s to %s", action, peer->address));
  xmpp_stanza_release (iq);
}

/* The a=mid of @sdp's first m-line of @media, newly allocated, or NULL. */
static char *
mid_of_media (const char *sdp, const char *media)
{
  g_auto (GStrv) lines = NULL;
  g_autofree char *prefix = g_strdup_printf ("m=%s ", media);
  gboolean in_media = FALSE;

  if (sdp == NULL)
    return NULL;
  lines = g_strsplit (sdp, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (g_str_has_prefix (lines[i], "m="))
        in_media = g_str_has_prefix (lines[i], prefix);
      else if (in_media && g_str_has_prefix (lines[i], "a=mid:"))
        return g_strdup (lines[i] + strlen ("a=mid:"));
    }
  return NULL;
}

static void
add_mute (xmpp_stanza_t *jingle, const char *sdp, const char *media, gboolean muted)
{
  g_autofree char *mid = mid_of_media (sdp, media);
  xmpp_stanza_t *element;

  if (mid == NULL)
    return;
  element = cs_stanza_add_child (jingle, muted ? "mute" : "unmute", NS_RTP_INFO);
  xmpp_stanza_set_attribute (element, "creator", "initiator");
  xmpp_stanza_set_attribute (element, "name", mid);
}

static void
send_media_state_to (CsJingleSessions *self, Peer *peer)
{
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;

  if (peer->sid == NULL || peer->local_sdp == NULL)
    return;

  iq = new_jingle_iq (self, peer, "session-info", &jingle);
  add_mute (jingle, peer->local_sdp, "audio", self->muted);
  add_mute (jingle, peer->local_sdp, "video", self->camera_off);
  send_jingle (self, iq, "session-info", peer);
}

static void
send_terminate (CsJingleSessions *self, Peer *peer)
{
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *reason;

  if (peer->sid == NULL)
    return;

  iq = new_jingle_iq (self, peer, "session-terminate", &jingle);
  reason = cs_stanza_add_child (jingle, "reason", NULL);
  cs_stanza_add_child (reason, "success", NULL);
  send_jingle (self, iq, "session-terminate", peer);
}

static void
send_candidate_now (CsJingleSessions *self, Peer *peer, guint index, const char *candidate)
{
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq = new_jingle_iq (self, peer, "transport-info", &jingle);

  g_debug ("Candidate for %s (m-line %u): %s", peer->address, index, candidate);

  if (!cs_jingle_sdp_candidate_to_jingle (peer->local_sdp, index, candidate, jingle, &error))
    {
      if (!g_error_matches (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_UNSUPPORTED))
        g_warning ("Cannot send candidate “%s”: %s", candidate, error->message);
      xmpp_stanza_release (iq);
      return;
    }
  send_jingle (self, iq, "transport-info", peer);
}

/* Jingle messages in. */

static void
reply_result (CsJingleSessions *self, xmpp_stanza_t *stanza)
{
  xmpp_stanza_t *reply = xmpp_stanza_reply (stanza);

  xmpp_stanza_set_type (reply, "result");
  cs_xmpp_client_send (self->client, reply);
  xmpp_stanza_release (reply);
}

static void
reply_error (CsJingleSessions *self,
             xmpp_stanza_t *stanza,
             const char *type,
             const char *condition,
             const char *jingle_condition)
{
  xmpp_stanza_t *reply = xmpp_stanza_reply_error (stanza, type, condition, NULL);

  if (reply == NULL)
    return;
  if (jingle_condition != NULL)
    cs_stanza_add_child (xmpp_stanza_get_child_by_name (reply, "error"), jingle_condition,
                         NS_JINGLE_ERRORS);
  cs_xmpp_client_send (self->client, reply);
  xmpp_stanza_release (reply);
}

static void
emit_candidates (CsJingleSessions *self, Peer *peer, xmpp_stanza_t *jingle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  g_autofree char *address = g_strdup (peer->address);

  if (peer->content_names == NULL)
    return;
  candidates =
    cs_jingle_sdp_candidates_from_jingle (jingle, (const char *const *) peer->content_names,
                                          &error);
  if (candidates == NULL)
    {
      drop (self, address, error->message);
      return;
    }
  for (guint i = 0; i < candidates->len; i++)
    {
      CsJingleCandidate *candidate = g_ptr_array_index (candidates, i);

      g_debug ("Candidate from %s (m-line %u): %s", address, candidate->mline_index,
               candidate->candidate);

      g_signal_emit (self, signals[CANDIDATE], 0, address, candidate->mline_index,
                     candidate->candidate);
    }
}

static void
on_session_initiate (CsJingleSessions *self,
                     Peer *peer,
                     xmpp_stanza_t *stanza,
                     xmpp_stanza_t *jingle,
                     const char *sid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = cs_jingle_sdp_from_jingle (jingle, "offer", &error);

  if (sdp == NULL)
    {
      reply_error (self, stanza, "modify", "bad-request", NULL);
      drop (self, peer->address, error->message);
      return;
    }

  /* A new session from someone we already had one with: they came back (after a crash, say),
   * so the old session is over for the media engine too. */
  if (peer->sid != NULL)
    {
      end_session (self, peer);
      g_signal_emit (self, signals[ENDED], 0, peer->address, TRUE);
      /* A handler may have forgotten the peer. */
      peer = ensure_peer (self, xmpp_stanza_get_from (stanza));
    }

  reply_result (self, stanza);
  peer->sid = g_strdup (sid);
  peer->initiator = FALSE;
  peer->state = SESSION_PENDING;
  peer->remote_sdp = g_steal_pointer (&sdp);
  peer->content_names = cs_jingle_sdp_dup_content_names (peer->remote_sdp);

  g_signal_emit (self, signals[DESCRIPTION], 0, peer->address, "offer", peer->remote_sdp);
  peer = g_hash_table_lookup (self->peers, xmpp_stanza_get_from (stanza));
  if (peer != NULL && g_strcmp0 (peer->sid, sid) == 0)
    emit_candidates (self, peer, jingle);
}

static void
on_session_accept (CsJingleSessions *self, Peer *peer, xmpp_stanza_t *stanza, xmpp_stanza_t *jingle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;
  g_autofree char *address = g_strdup (peer->address);
  g_autofree char *sid = g_strdup (peer->sid);

  if (!peer->initiator || peer->state != SESSION_PENDING)
    {
      reply_error (self, stanza, "cancel", "unexpected-request", "out-of-order");
      drop (self, peer->address, "an answer nobody asked for");
      return;
    }

  sdp = cs_jingle_sdp_from_jingle (jingle, "answer", &error);
  if (sdp == NULL)
    {
      reply_error (self, stanza, "modify", "bad-request", NULL);
      drop (self, peer->address, error->message);
      return;
    }

  reply_result (self, stanza);
  peer->state = SESSION_ACTIVE;
  peer->remote_sdp = g_steal_pointer (&sdp);
  g_signal_emit (self, signals[DESCRIPTION], 0, address, "answer", peer->remote_sdp);

  peer = g_hash_table_lookup (self->peers, address);
  if (peer == NULL || g_strcmp0 (peer->sid, sid) != 0)
    return;
  emit_candidates (self, peer, jingle);
  if (self->muted || self->camera_off)
    send_media_state_to (self, peer);
}

static void
on_session_info (CsJingleSessions *self, Peer *peer, xmpp_stanza_t *jingle)
{
  g_autofree char *audio = mid_of_media (peer->remote_sdp, "audio");
  g_autofree char *video = mid_of_media (peer->remote_sdp, "video");
  gboolean changed = FALSE;
  gboolean muted = FALSE;
  gboolean camera_off = FALSE;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (jingle); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *name = xmpp_stanza_get_name (child);
      const char *content = xmpp_stanza_get_attribute (child, "name");
      gboolean is_mute = g_strcmp0 (name, "mute") == 0;

      if (!xmpp_stanza_is_tag (child) || g_strcmp0 (xmpp_stanza_get_ns (child), NS_RTP_INFO) != 0 ||
          (!is_mute && g_strcmp0 (name, "unmute") != 0))
        continue;

      changed = TRUE;
      /* No name: the whole session. */
      if (content == NULL || g_strcmp0 (content, audio) == 0)
        muted = is_mute;
      if (content == NULL || g_strcmp0 (content, video) == 0)
        camera_off = is_mute;
    }

  if (changed)
    g_signal_emit (self, signals[MEDIA_STATE], 0, peer->address, muted, camera_off);
}

static void
on_jingle (CsJingleSessions *self, xmpp_stanza_t *stanza, xmpp_stanza_t *jingle)
{
  const char *from = xmpp_stanza_get_from (stanza);
  const char *action = xmpp_stanza_get_attribute (jingle, "action");
  const char *sid = xmpp_stanza_get_attribute (jingle, "sid");
  CsJinglePeerVerdict verdict = CS_JINGLE_PEER_IGNORE;
  Peer *peer;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "set") != 0)
    return;
  if (self->muji_room != NULL && g_strcmp0 (action, "session-initiate") == 0)
    {
      xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name_and_ns (jingle, "muji", NS_MUJI);

      /* Without our room named, the offer is a one-to-one call's or another group call's. */
      if (muji == NULL ||
          g_strcmp0 (xmpp_stanza_get_attribute (muji, "room"), self->muji_room) != 0)
        return;
    }
  if (self->check != NULL)
    verdict = self->check (from, action, sid, self->check_data);
  if (verdict == CS_JINGLE_PEER_IGNORE)
    return;
  if (verdict == CS_JINGLE_PEER_REFUSE)
    {
      reply_error (self, stanza, "auth", "forbidden", NULL);
      drop (self, from, "not a participant of this call");
      return;
    }
  if (action == NULL || sid == NULL || strlen (sid) > MAX_SID_LENGTH)
    {
      reply_error (self, stanza, "modify", "bad-request", NULL);
      drop (self, from, "a Jingle message without action or session id");
      return;
    }

  if (g_hash_table_contains (self->ended_sids, sid))
    {
      /* Acknowledged so the sender stops resending, and otherwise ignored. */
      reply_result (self, stanza);
      drop (self, from, "a message of a session that is over");
      return;
    }

  peer = g_hash_table_lookup (self->peers, from);
  if (g_str_equal (action, "session-initiate"))
    {
      const char *to = xmpp_stanza_get_to (stanza);

      if (self->local_address == NULL && to != NULL && strchr (to, '/') != NULL)
        self->local_address = g_strdup (to);
      if (peer != NULL && g_strcmp0 (peer->sid, sid) == 0)
        {
          reply_result (self, stanza);
          drop (self, from, "a replayed offer");
          return;
        }
      on_session_initiate (self, ensure_peer (self, from), stanza, jingle, sid);
      return;
    }

  if (peer == NULL || g_strcmp0 (peer->sid, sid) != 0)
    {
      reply_error (self, stanza, "cancel", "item-not-found", "unknown-session");
      drop (self, from, "a message of an unknown session");
      return;
    }

  if (g_str_equal (action, "session-accept"))
    {
      on_session_accept (self, peer, stanza, jingle);
    }
  else if (g_str_equal (action, "transport-info"))
    {
      reply_result (self, stanza);
      emit_candidates (self, peer, jingle);
    }
  else if (g_str_equal (action, "session-info"))
    {
      reply_result (self, stanza);
      on_session_info (self, peer, jingle);
    }
  else if (g_str_equal (action, "session-terminate"))
    {
      g_autofree char *address = g_strdup (from);

      reply_result (self, stanza);
      end_session (self, peer);
      g_hash_table_remove (self->peers, address);
      g_signal_emit (self, signals[ENDED], 0, address, FALSE);
    }
  else
    {
      reply_error (self, stanza, "cancel", "feature-not-implemented", "unsupported-info");
    }
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsJingleSessions *self)
{
  g_autoptr (CsJingleSessions) hold = g_object_ref (self);
  xmpp_stanza_t *jingle;

  if (self->closed || xmpp_stanza_get_from (stanza) == NULL ||
      g_strcmp0 (xmpp_stanza_get_name (stanza), "iq") != 0)
    return;

  jingle = xmpp_stanza_get_child_by_name_and_ns (stanza, "jingle", NS_JINGLE);
  if (jingle != NULL)
    on_jingle (self, stanza, jingle);
}

/* The call tells the media engine and the tests what it refused, whichever part refused it. */
static void
on_dropped_for_call (CsJingleSessions *self, const char *from, const char *reason, gpointer call)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit_by_name (call, "dropped", from, reason);
}

static void
cs_jingle_sessions_dispose (GObject *object)
{
  CsJingleSessions *self = CS_JINGLE_SESSIONS (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);
  cs_jingle_sessions_set_peer_check (self, NULL, NULL, NULL);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_jingle_sessions_parent_class)->dispose (object);
}

static void
cs_jingle_sessions_finalize (GObject *object)
{
  CsJingleSessions *self = CS_JINGLE_SESSIONS (object);

  g_free (self->local_address);
  g_free (self->muji_room);
  g_hash_table_unref (self->peers);
  g_hash_table_unref (self->ended_sids);
  g_queue_clear_full (&self->ended_order, g_free);

  G_OBJECT_CLASS (cs_jingle_sessions_parent_class)->finalize (object);
}

static void
cs_jingle_sessions_class_init (CsJingleSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_jingle_sessions_dispose;
  object_class->finalize = cs_jingle_sessions_finalize;

  signals[DESCRIPTION] = g_signal_new ("description", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[CANDIDATE] = g_signal_new ("candidate", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  signals[MEDIA_STATE] =
    g_signal_new ("media-state", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[ENDED] = g_signal_new ("ended", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[DROPPED] = g_signal_new ("dropped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cs_jingle_sessions_init (CsJingleSessions *self)
{
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, peer_free);
  self->ended_sids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->ended_order);
}

CsJingleSessions *
cs_jingle_sessions_new (CsXmppClient *client, const char *local_address)
{
  CsJingleSessions *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);

  self = g_object_new (CS_TYPE_JINGLE_SESSIONS, NULL);
  self->client = g_object_ref (client);
  self->local_address = g_strdup (local_address);
  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  return self;
}

void
cs_jingle_sessions_set_local_address (CsJingleSessions *self, const char *local_address)
{
  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));

  g_free (self->local_address);
  self->local_address = g_strdup (local_address);
}

void
cs_jingle_sessions_set_muji_room (CsJingleSessions *self, const char *room)
{
  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));

  g_free (self->muji_room);
  self->muji_room = g_strdup (room);
}

void
cs_jingle_sessions_set_peer_check (CsJingleSessions *self,
                                   CsJinglePeerCheck check,
                                   gpointer user_data,
                                   GDestroyNotify destroy)
{
  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));

  if (self->check_destroy != NULL)
    self->check_destroy (self->check_data);
  self->check = check;
  self->check_data = user_data;
  self->check_destroy = destroy;
}

void
cs_jingle_sessions_set_next_sid (CsJingleSessions *self, const char *peer, const char *sid)
{
  Peer *record;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer != NULL);

  record = ensure_peer (self, peer);
  g_free (record->next_sid);
  record->next_sid = g_strdup (sid);
}

void
cs_jingle_sessions_send_description (CsJingleSessions *self,
                                     const char *peer_address,
                                     const char *type,
                                     const char *sdp)
{
  Peer *peer;
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;
  g_autoptr (GError) error = NULL;
  gboolean offer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer_address != NULL && type != NULL && sdp != NULL);

  if (self->closed)
    return;

  offer = g_str_equal (type, "offer");
  peer = offer ? ensure_peer (self, peer_address) : g_hash_table_lookup (self->peers, peer_address);
  if (offer)
    {
      if (peer->sid != NULL)
        end_session (self, peer);
      peer->sid =
        peer->next_sid != NULL ? g_steal_pointer (&peer->next_sid) : g_uuid_string_random ();
      peer->initiator = TRUE;
      peer->state = SESSION_PENDING;
    }
  else if (peer == NULL || peer->sid == NULL || peer->initiator)
    {
      g_warning ("An answer to %s, who made no offer", peer_address);
      return;
    }
  else
    {
      peer->state = SESSION_ACTIVE;
    }

  g_free (peer->local_sdp);
  peer->local_sdp = g_strdup (sdp);
  if (offer)
    {
      g_strfreev (peer->content_names);
      peer->content_names = cs_jingle_sdp_dup_content_names (sdp);
    }

  iq = new_jingle_iq (self, peer, offer ? "session-initiate" : "session-accept", &jingle);
  if (!cs_jingle_sdp_to_jingle (sdp, jingle, &error))
    {
      g_warning ("Cannot describe the session to %s: %s", peer_address, error->message);
      xmpp_stanza_release (iq);
      return;
    }
  send_jingle (self, iq, offer ? "session-initiate" : "session-accept", peer);

  if (peer->early_candidates != NULL)
    {
      g_autoptr (GPtrArray) early = g_steal_pointer (&peer->early_candidates);

      for (guint i = 0; i < early->len; i++)
        {
          const char *entry = g_ptr_array_index (early, i);
          const char *newline = strchr (entry, '\n');

          send_candidate_now (self, peer, (guint) g_ascii_strtoull (entry, NULL, 10), newline + 1);
        }
    }
  if (!offer && (self->muted || self->camera_off))
    send_media_state_to (self, peer);
}

void
cs_jingle_sessions_send_candidate (CsJingleSessions *self,
                                   const char *peer_address,
                                   guint mline_index,
                                   const char *candidate)
{
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer_address != NULL && candidate != NULL);

  if (self->closed)
    return;

  peer = ensure_peer (self, peer_address);
  if (peer->local_sdp == NULL)
    {
      if (peer->early_candidates == NULL)
        peer->early_candidates = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (peer->early_candidates, g_strdup_printf ("%u\n%s", mline_index, candidate));
      return;
    }
  send_candidate_now (self, peer, mline_index, candidate);
}

void
cs_jingle_sessions_send_media_state (CsJingleSessions *self, gboolean muted, gboolean camera_off)
{
  GHashTableIter iter;
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));

  self->muted = muted;
  self->camera_off = camera_off;
  if (self->closed)
    return;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    if (peer->state != SESSION_NONE)
      send_media_state_to (self, peer);
}

void
cs_jingle_sessions_terminate (CsJingleSessions *self, const char *peer_address)
{
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer_address != NULL);

  peer = g_hash_table_lookup (self->peers, peer_address);
  if (peer == NULL)
    return;
  if (!self->closed)
    send_terminate (self, peer);
  end_session (self, peer);
  g_hash_table_remove (self->peers, peer_address);
}

void
cs_jingle_sessions_forget (CsJingleSessions *self, const char *peer_address)
{
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer_address != NULL);

  peer = g_hash_table_lookup (self->peers, peer_address);
  if (peer == NULL)
    return;
  end_session (self, peer);
  g_hash_table_remove (self->peers, peer_address);
}

void
cs_jingle_sessions_move_peer (CsJingleSessions *self,
                              const char *peer_address,
                              const char *new_address)
{
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));
  g_return_if_fail (peer_address != NULL && new_address != NULL);

  if (g_str_equal (peer_address, new_address) ||
      !g_hash_table_lookup_extended (self->peers, peer_address, NULL, (gpointer *) &peer))
    return;
  g_hash_table_steal (self->peers, peer_address);
  cs_jingle_sessions_forget (self, new_address);
  g_free (peer->address);
  peer->address = g_strdup (new_address);
  g_hash_table_insert (self->peers, peer->address, peer);
}

void
cs_jingle_sessions_close (CsJingleSessions *self)
{
  GHashTableIter iter;
  Peer *peer;

  g_return_if_fail (CS_IS_JINGLE_SESSIONS (self));

  if (self->closed)
    return;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      send_terminate (self, peer);
      remember_ended (self, peer->sid);
    }
  g_hash_table_remove_all (self->peers);
  self->closed = TRUE;
}

gboolean
cs_jingle_sessions_has_session (CsJingleSessions *self, const char *peer_address)
{
  Peer *peer;

  g_return_val_if_fail (CS_IS_JINGLE_SESSIONS (self), FALSE);

  peer = g_hash_table_lookup (self->peers, peer_address);
  return peer != NULL && peer->sid != NULL;
}

gboolean
cs_jingle_sessions_knows_session (CsJingleSessions *self, const char *sid)
{
  GHashTableIter iter;
  Peer *peer;

  g_return_val_if_fail (CS_IS_JINGLE_SESSIONS (self), FALSE);

  if (sid == NULL)
    return FALSE;
  if (g_hash_table_contains (self->ended_sids, sid))
    return TRUE;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    if (g_strcmp0 (peer->sid, sid) == 0)
      return TRUE;
  return FALSE;
}

char *
cs_jingle_sessions_dup_session_id (CsJingleSessions *self, const char *peer_address)
{
  Peer *peer;

  g_return_val_if_fail (CS_IS_JINGLE_SESSIONS (self), NULL);

  peer = g_hash_table_lookup (self->peers, peer_address);
  return peer != NULL ? g_strdup (peer->sid) : NULL;
}

CsJingleSessions *
cs_jingle_sessions_new_for_call (CsXmppClient *client,
                                 const char *local_address,
                                 const CsJingleSessionsHandlers *handlers,
                                 gpointer call)
{
  CsJingleSessions *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (handlers != NULL && handlers->check != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (call), NULL);

  self = cs_jingle_sessions_new (client, local_address);
  cs_jingle_sessions_set_peer_check (self, handlers->check, call, NULL);
  g_signal_connect (self, "description", handlers->description, call);
  g_signal_connect (self, "candidate", handlers->candidate, call);
  g_signal_connect (self, "media-state", handlers->media_state, call);
  g_signal_connect (self, "ended", handlers->ended, call);
  g_signal_connect (self, "dropped", G_CALLBACK (on_dropped_for_call), call);
  return self;
}

void
cs_jingle_sessions_release (CsJingleSessions **sessions, gpointer call)
{
  g_return_if_fail (sessions != NULL);

  if (*sessions == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*sessions, call);
  cs_jingle_sessions_set_peer_check (*sessions, NULL, NULL, NULL);
  g_clear_object (sessions);
}
