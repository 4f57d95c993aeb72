/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-muji-call"

#include "config.h"

#include "cs-muji-call.h"
#include "cs-jingle-sdp.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_JINGLE_ERRORS "urn:xmpp:jingle:errors:1"
#define NS_RTP_INFO "urn:xmpp:jingle:apps:rtp:info:1"
#define NS_MUJI "urn:xmpp:jingle:muji:0"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_NICK "http://jabber.org/protocol/nick"

/* Someone whose presence went away is kept this long before they count as gone: after a
 * server restart everyone comes back, and the media never stopped. */
#define ABSENCE_GRACE_SECONDS 20
/* Entering the call room may be refused until its creator has made us a member. */
#define MAX_ENTRY_RETRIES 10
#define ENTRY_RETRY_MS 1000
#define MAX_PARTICIPANTS 64
#define MAX_ENDED_SESSIONS 256
#define MAX_NAME_LENGTH 100

typedef enum
{
  SESSION_NONE,
  SESSION_PENDING, /* offer sent or received, no answer yet */
  SESSION_ACTIVE,
} SessionState;

typedef struct
{
  char *nick;
  char *address; /* real bare address */
  char *name;    /* display name */
  gboolean present;
  gboolean announced; /* the media engine knows this participant */
  guint absence_id;

  char *sid;
  gboolean initiator; /* we made the offer */
  SessionState state;
  char *local_sdp;
  char *remote_sdp;
  char **content_names;
  /* Candidates given before our description went out: "index\ncandidate". */
  GPtrArray *early_candidates;
} Participant;

struct _CsMujiCall
{
  GObject parent_instance;

  CsXmppClient *client;
  char *room;
  char *nick;
  gboolean create;
  char **allowed;
  char *display_name;

  gboolean joining;
  gboolean in_room;
  gboolean left;
  guint entry_retries;
  guint retry_id;

  GHashTable *participants; /* nick -> Participant */
  GHashTable *ended_sids;   /* sids of sessions that are over */
  GQueue ended_order;

  gboolean muted;
  gboolean camera_off;
};

G_DEFINE_FINAL_TYPE (CsMujiCall, cs_muji_call, G_TYPE_OBJECT)

enum
{
  ROSTER,
  PARTICIPANT_JOINED,
  PARTICIPANT_LEFT,
  DESCRIPTION,
  CANDIDATE,
  MEDIA_STATE,
  FAILED,
  DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
participant_free (gpointer data)
{
  Participant *participant = data;

  g_clear_handle_id (&participant->absence_id, g_source_remove);
  g_free (participant->nick);
  g_free (participant->address);
  g_free (participant->name);
  g_free (participant->sid);
  g_free (participant->local_sdp);
  g_free (participant->remote_sdp);
  g_strfreev (participant->content_names);
  g_clear_pointer (&participant->early_candidates, g_ptr_array_unref);
  g_free (participant);
}

static char *
occupant_address (CsMujiCall *self, const char *nick)
{
  return g_strdup_printf ("%s/%s", self->room, nick);
}

static void
drop (CsMujiCall *self, const char *from, const char *reason)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit (self, signals[DROPPED], 0, from, reason);
}

static gboolean
is_allowed (CsMujiCall *self, const char *address)
{
  if (self->allowed == NULL)
    return TRUE;
  return address != NULL && g_strv_contains ((const char *const *) self->allowed, address);
}

static void
remember_ended (CsMujiCall *self, const char *sid)
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
end_session (CsMujiCall *self, Participant *participant)
{
  remember_ended (self, participant->sid);
  g_clear_pointer (&participant->sid, g_free);
  g_clear_pointer (&participant->local_sdp, g_free);
  g_clear_pointer (&participant->remote_sdp, g_free);
  g_clear_pointer (&participant->content_names, g_strfreev);
  g_clear_pointer (&participant->early_candidates, g_ptr_array_unref);
  participant->state = SESSION_NONE;
}

static void
participant_gone (CsMujiCall *self, Participant *participant)
{
  g_autofree char *nick = g_strdup (participant->nick);
  gboolean announced = participant->announced;

  end_session (self, participant);
  g_hash_table_remove (self->participants, nick);
  if (announced)
    g_signal_emit (self, signals[PARTICIPANT_LEFT], 0, nick);
}

/* Jingle messages out. */

static xmpp_stanza_t *
new_jingle_iq (CsMujiCall *self,
               Participant *participant,
               const char *action,
               xmpp_stanza_t **jingle)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  xmpp_stanza_t *iq = xmpp_iq_new (ctx, "set", NULL);
  g_autofree char *to = occupant_address (self, participant->nick);
  g_autofree char *me = occupant_address (self, self->nick);

  xmpp_stanza_set_to (iq, to);
  *jingle = cs_stanza_add_child (iq, "jingle", NS_JINGLE);
  xmpp_stanza_set_attribute (*jingle, "action", action);
  xmpp_stanza_set_attribute (*jingle, "sid", participant->sid);
  if (g_str_equal (action, "session-initiate"))
    xmpp_stanza_set_attribute (*jingle, "initiator", me);
  else if (g_str_equal (action, "session-accept"))
    xmpp_stanza_set_attribute (*jingle, "responder", me);
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
send_jingle (CsMujiCall *self, xmpp_stanza_t *iq, const char *action, Participant *participant)
{
  cs_xmpp_client_send_iq_async (self->client, iq, NULL, on_iq_answered,
                                g_strdup_printf ("%s to %s", action, participant->nick));
  xmpp_stanza_release (iq);
}

static const char *
mid_of_media (const char *sdp, const char *media)
{
  static char mid[64];
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
        {
          g_strlcpy (mid, lines[i] + strlen ("a=mid:"), sizeof mid);
          return mid;
        }
    }
  return NULL;
}

static void
add_mute (xmpp_stanza_t *jingle, const char *sdp, const char *media, gboolean muted)
{
  const char *mid = mid_of_media (sdp, media);
  xmpp_stanza_t *element;

  if (mid == NULL)
    return;
  element = cs_stanza_add_child (jingle, muted ? "mute" : "unmute", NS_RTP_INFO);
  xmpp_stanza_set_attribute (element, "creator", "initiator");
  xmpp_stanza_set_attribute (element, "name", mid);
}

static void
send_media_state_to (CsMujiCall *self, Participant *participant)
{
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;

  if (participant->sid == NULL || participant->local_sdp == NULL)
    return;

  iq = new_jingle_iq (self, participant, "session-info", &jingle);
  add_mute (jingle, participant->local_sdp, "audio", self->muted);
  add_mute (jingle, participant->local_sdp, "video", self->camera_off);
  send_jingle (self, iq, "session-info", participant);
}

static void
send_terminate (CsMujiCall *self, Participant *participant)
{
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *reason;

  if (participant->sid == NULL)
    return;

  iq = new_jingle_iq (self, participant, "session-terminate", &jingle);
  reason = cs_stanza_add_child (jingle, "reason", NULL);
  cs_stanza_add_child (reason, "success", NULL);
  send_jingle (self, iq, "session-terminate", participant);
}

static void
send_candidate_now (CsMujiCall *self, Participant *participant, guint index, const char *candidate)
{
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq = new_jingle_iq (self, participant, "transport-info", &jingle);

  g_debug ("Candidate for %s (m-line %u): %s", participant->nick, index, candidate);

  if (!cs_jingle_sdp_candidate_to_jingle (participant->local_sdp, index, candidate, jingle, &error))
    {
      if (!g_error_matches (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_UNSUPPORTED))
        g_warning ("Cannot send candidate “%s”: %s", candidate, error->message);
      xmpp_stanza_release (iq);
      return;
    }
  send_jingle (self, iq, "transport-info", participant);
}

/* Jingle messages in. */

static void
reply_result (CsMujiCall *self, xmpp_stanza_t *stanza)
{
  xmpp_stanza_t *reply = xmpp_stanza_reply (stanza);

  xmpp_stanza_set_type (reply, "result");
  cs_xmpp_client_send (self->client, reply);
  xmpp_stanza_release (reply);
}

static void
reply_error (CsMujiCall *self,
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
emit_candidates (CsMujiCall *self, Participant *participant, xmpp_stanza_t *jingle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  g_autofree char *nick = g_strdup (participant->nick);

  if (participant->content_names == NULL)
    return;
  candidates =
    cs_jingle_sdp_candidates_from_jingle (jingle, (const char *const *) participant->content_names,
                                          &error);
  if (candidates == NULL)
    {
      drop (self, participant->nick, error->message);
      return;
    }
  for (guint i = 0; i < candidates->len; i++)
    {
      CsJingleCandidate *candidate = g_ptr_array_index (candidates, i);

      g_debug ("Candidate from %s (m-line %u): %s", nick, candidate->mline_index,
               candidate->candidate);

      g_signal_emit (self, signals[CANDIDATE], 0, nick, candidate->mline_index,
                     candidate->candidate);
    }
}

static void
announce (CsMujiCall *self, Participant *participant)
{
  if (participant->announced)
    return;
  participant->announced = TRUE;
  g_signal_emit (self, signals[PARTICIPANT_JOINED], 0, participant->nick,
                 participant->name != NULL ? participant->name : participant->nick);
}

static void
on_session_initiate (CsMujiCall *self,
                     Participant *participant,
                     xmpp_stanza_t *stanza,
                     xmpp_stanza_t *jingle,
                     const char *sid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = cs_jingle_sdp_from_jingle (jingle, "offer", &error);

  if (sdp == NULL)
    {
      reply_error (self, stanza, "modify", "bad-request", NULL);
      drop (self, participant->nick, error->message);
      return;
    }

  /* A new session from someone we already had one with: they came back (after a crash, say),
   * so the old session is over for the media engine too. */
  if (participant->sid != NULL)
    {
      end_session (self, participant);
      if (participant->announced)
        {
          participant->announced = FALSE;
          g_signal_emit (self, signals[PARTICIPANT_LEFT], 0, participant->nick);
        }
    }

  reply_result (self, stanza);
  participant->sid = g_strdup (sid);
  participant->initiator = FALSE;
  participant->state = SESSION_PENDING;
  participant->remote_sdp = g_steal_pointer (&sdp);
  participant->content_names = cs_jingle_sdp_dup_content_names (participant->remote_sdp);

  announce (self, participant);
  g_signal_emit (self, signals[DESCRIPTION], 0, participant->nick, "offer",
                 participant->remote_sdp);
  emit_candidates (self, participant, jingle);
}

static void
on_session_accept (CsMujiCall *self,
                   Participant *participant,
                   xmpp_stanza_t *stanza,
                   xmpp_stanza_t *jingle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;

  if (!participant->initiator || participant->state != SESSION_PENDING)
    {
      reply_error (self, stanza, "cancel", "unexpected-request", "out-of-order");
      drop (self, participant->nick, "an answer nobody asked for");
      return;
    }

  sdp = cs_jingle_sdp_from_jingle (jingle, "answer", &error);
  if (sdp == NULL)
    {
      reply_error (self, stanza, "modify", "bad-request", NULL);
      drop (self, participant->nick, error->message);
      return;
    }

  reply_result (self, stanza);
  participant->state = SESSION_ACTIVE;
  participant->remote_sdp = g_steal_pointer (&sdp);
  g_signal_emit (self, signals[DESCRIPTION], 0, participant->nick, "answer",
                 participant->remote_sdp);
  emit_candidates (self, participant, jingle);
  if (self->muted || self->camera_off)
    send_media_state_to (self, participant);
}

static void
on_session_info (CsMujiCall *self, Participant *participant, xmpp_stanza_t *jingle)
{
  const char *audio_mid = mid_of_media (participant->remote_sdp, "audio");
  g_autofree char *audio = g_strdup (audio_mid);
  const char *video = mid_of_media (participant->remote_sdp, "video");
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
    g_signal_emit (self, signals[MEDIA_STATE], 0, participant->nick, muted, camera_off);
}

static void
on_jingle (CsMujiCall *self, xmpp_stanza_t *stanza, xmpp_stanza_t *jingle)
{
  const char *from = xmpp_stanza_get_from (stanza);
  const char *action = xmpp_stanza_get_attribute (jingle, "action");
  const char *sid = xmpp_stanza_get_attribute (jingle, "sid");
  g_autofree char *room = cs_stanza_bare_jid (from);
  const char *nick = strchr (from, '/');
  Participant *participant;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "set") != 0)
    return;
  if (g_strcmp0 (room, self->room) != 0 || nick == NULL)
    return; /* another call's, or a one-to-one session: not ours */
  nick++;

  participant = g_hash_table_lookup (self->participants, nick);
  if (participant == NULL || !participant->present || !is_allowed (self, participant->address))
    {
      reply_error (self, stanza, "auth", "forbidden", NULL);
      drop (self, from, "not a participant of this call");
      return;
    }
  if (action == NULL || sid == NULL || strlen (sid) > 128)
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

  if (g_str_equal (action, "session-initiate"))
    {
      if (g_strcmp0 (participant->sid, sid) == 0)
        {
          reply_result (self, stanza);
          drop (self, from, "a replayed offer");
          return;
        }
      on_session_initiate (self, participant, stanza, jingle, sid);
      return;
    }

  if (g_strcmp0 (participant->sid, sid) != 0)
    {
      reply_error (self, stanza, "cancel", "item-not-found", "unknown-session");
      drop (self, from, "a message of an unknown session");
      return;
    }

  if (g_str_equal (action, "session-accept"))
    {
      on_session_accept (self, participant, stanza, jingle);
    }
  else if (g_str_equal (action, "transport-info"))
    {
      reply_result (self, stanza);
      emit_candidates (self, participant, jingle);
    }
  else if (g_str_equal (action, "session-info"))
    {
      reply_result (self, stanza);
      on_session_info (self, participant, jingle);
    }
  else if (g_str_equal (action, "session-terminate"))
    {
      reply_result (self, stanza);
      participant_gone (self, participant);
    }
  else
    {
      reply_error (self, stanza, "cancel", "feature-not-implemented", "unsupported-info");
    }
}

/* Presences in the call room. */

typedef struct
{
  CsMujiCall *self;
  char *nick;
} AbsenceData;

static void
absence_data_free (gpointer data)
{
  AbsenceData *absence = data;

  g_object_unref (absence->self);
  g_free (absence->nick);
  g_free (absence);
}

static gboolean
on_absence_timeout (gpointer user_data)
{
  AbsenceData *absence = user_data;
  Participant *participant = g_hash_table_lookup (absence->self->participants, absence->nick);

  if (participant != NULL)
    {
      participant->absence_id = 0;
      if (!participant->present)
        participant_gone (absence->self, participant);
    }
  return G_SOURCE_REMOVE;
}

static void
emit_roster (CsMujiCall *self)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_null_terminated (1, NULL, TRUE);
  g_autoptr (GPtrArray) names = g_ptr_array_new_null_terminated (1, NULL, TRUE);
  GHashTableIter iter;
  Participant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    if (participant->present)
      {
        participant->announced = TRUE;
        g_ptr_array_add (ids, participant->nick);
        g_ptr_array_add (names, participant->name != NULL ? participant->name : participant->nick);
      }

  g_signal_emit (self, signals[ROSTER], 0, (char **) ids->pdata, (char **) names->pdata);
}

static gboolean
has_status (xmpp_stanza_t *x, const char *code)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (x); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_name (child), "status") == 0 &&
        g_strcmp0 (xmpp_stanza_get_attribute (child, "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static void
on_presence (CsMujiCall *self, xmpp_stanza_t *stanza)
{
  const char *from = xmpp_stanza_get_from (stanza);
  g_autofree char *room = cs_stanza_bare_jid (from);
  const char *nick = strchr (from, '/');
  gboolean available = xmpp_stanza_get_type (stanza) == NULL;
  xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns (stanza, "x", NS_MUC_USER);
  xmpp_stanza_t *item = x != NULL ? xmpp_stanza_get_child_by_name (x, "item") : NULL;
  xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name_and_ns (stanza, "muji", NS_MUJI);
  xmpp_stanza_t *name_element = xmpp_stanza_get_child_by_name_and_ns (stanza, "nick", NS_NICK);
  g_autofree char *address = NULL;
  Participant *participant;

  if (g_strcmp0 (room, self->room) != 0 || nick == NULL || self->left)
    return;
  nick++;
  if (x != NULL && has_status (x, "110"))
    return; /* ourselves: see on_room_joined */

  participant = g_hash_table_lookup (self->participants, nick);
  if (!available)
    {
      if (participant != NULL && participant->present)
        {
          AbsenceData *absence = g_new0 (AbsenceData, 1);

          participant->present = FALSE;
          absence->self = g_object_ref (self);
          absence->nick = g_strdup (nick);
          g_clear_handle_id (&participant->absence_id, g_source_remove);
          participant->absence_id =
            g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, ABSENCE_GRACE_SECONDS,
                                        on_absence_timeout, absence, absence_data_free);
        }
      return;
    }

  if (muji == NULL)
    return; /* in the room, not in the call */

  if (item != NULL && xmpp_stanza_get_attribute (item, "jid") != NULL)
    address = cs_stanza_bare_jid (xmpp_stanza_get_attribute (item, "jid"));
  if (!is_allowed (self, address))
    {
      drop (self, from, "not a member of this circle");
      return;
    }

  if (participant == NULL)
    {
      if (g_hash_table_size (self->participants) >= MAX_PARTICIPANTS)
        return;
      participant = g_new0 (Participant, 1);
      participant->nick = g_strdup (nick);
      g_hash_table_insert (self->participants, participant->nick, participant);
    }
  else if (participant->address != NULL && g_strcmp0 (participant->address, address) != 0)
    {
      /* Someone else took the nickname of someone who left. */
      participant_gone (self, participant);
      participant = g_new0 (Participant, 1);
      participant->nick = g_strdup (nick);
      g_hash_table_insert (self->participants, participant->nick, participant);
    }

  g_free (participant->address);
  participant->address = g_steal_pointer (&address);
  if (name_element != NULL)
    {
      g_autofree char *text = xmpp_stanza_get_text (name_element);

      g_free (participant->name);
      participant->name = g_utf8_make_valid (text != NULL ? text : nick, -1);
      if (g_utf8_strlen (participant->name, -1) > MAX_NAME_LENGTH)
        *g_utf8_offset_to_pointer (participant->name, MAX_NAME_LENGTH) = '\0';
    }
  participant->present = TRUE;
  g_clear_handle_id (&participant->absence_id, g_source_remove);

  /* Those who arrive after us make the offer; they are announced to the media engine now
   * so that their offer finds a place ready. */
  if (self->in_room)
    announce (self, participant);
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsMujiCall *self)
{
  const char *name = xmpp_stanza_get_name (stanza);
  g_autoptr (CsMujiCall) hold = g_object_ref (self);

  if (xmpp_stanza_get_from (stanza) == NULL)
    return;

  if (g_strcmp0 (name, "presence") == 0)
    {
      on_presence (self, stanza);
    }
  else if (g_strcmp0 (name, "iq") == 0)
    {
      xmpp_stanza_t *jingle = xmpp_stanza_get_child_by_name_and_ns (stanza, "jingle", NS_JINGLE);

      if (jingle != NULL && !self->left)
        on_jingle (self, stanza, jingle);
    }
}

static void
grant_membership (CsMujiCall *self)
{
  const char *own = cs_xmpp_client_get_address (self->client);

  for (guint i = 0; self->allowed != NULL && self->allowed[i] != NULL; i++)
    if (g_strcmp0 (self->allowed[i], own) != 0)
      cs_xmpp_client_set_affiliation (self->client, self->room, self->allowed[i], "member");
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, CsMujiCall *self)
{
  g_autoptr (CsMujiCall) hold = g_object_ref (self);

  if (g_strcmp0 (room, self->room) != 0 || self->left)
    return;

  if (created)
    grant_membership (self);
  if (self->in_room)
    return; /* back after a reconnection: the call went on */

  self->in_room = TRUE;
  emit_roster (self);
}

static gboolean
on_retry_entry (gpointer user_data)
{
  CsMujiCall *self = user_data;

  self->retry_id = 0;
  if (!self->left)
    cs_xmpp_client_join_room (self->client, self->room, self->nick, self->create, _ ("Call"));
  return G_SOURCE_REMOVE;
}

static void
on_room_error (CsXmppClient *client, const char *room, GError *error, CsMujiCall *self)
{
  g_autoptr (CsMujiCall) hold = g_object_ref (self);

  if (g_strcmp0 (room, self->room) != 0 || self->left)
    return;

  if (!self->in_room && g_error_matches (error, CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED) &&
      self->entry_retries++ < MAX_ENTRY_RETRIES)
    {
      g_debug ("Not let in yet, trying again: %s", error->message);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, ENTRY_RETRY_MS, on_retry_entry,
                                           g_object_ref (self), g_object_unref);
      return;
    }

  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsMujiCall *self)
{
  const GError *error = cs_xmpp_client_get_error (client);

  /* A dropped connection comes back by itself; being signed out does not. */
  if (cs_xmpp_client_get_state (client) != CS_XMPP_STATE_OFFLINE || self->left || !self->joining)
    return;

  if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, error);
  else
    {
      g_autoptr (GError) offline = g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                                                _ ("You were signed out during the call."));

      g_signal_emit (self, signals[FAILED], 0, offline);
    }
}

static void
cs_muji_call_dispose (GObject *object)
{
  CsMujiCall *self = CS_MUJI_CALL (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->participants != NULL)
    g_hash_table_remove_all (self->participants);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_muji_call_parent_class)->dispose (object);
}

static void
cs_muji_call_finalize (GObject *object)
{
  CsMujiCall *self = CS_MUJI_CALL (object);

  g_free (self->room);
  g_free (self->nick);
  g_free (self->display_name);
  g_strfreev (self->allowed);
  g_hash_table_unref (self->participants);
  g_hash_table_unref (self->ended_sids);
  g_queue_clear_full (&self->ended_order, g_free);

  G_OBJECT_CLASS (cs_muji_call_parent_class)->finalize (object);
}

static void
cs_muji_call_class_init (CsMujiCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_muji_call_dispose;
  object_class->finalize = cs_muji_call_finalize;

  signals[ROSTER] = g_signal_new ("roster", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRV);
  signals[PARTICIPANT_JOINED] =
    g_signal_new ("participant-joined", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                  2, G_TYPE_STRING, G_TYPE_STRING);
  signals[PARTICIPANT_LEFT] = g_signal_new ("participant-left", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DESCRIPTION] = g_signal_new ("description", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[CANDIDATE] = g_signal_new ("candidate", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  signals[MEDIA_STATE] =
    g_signal_new ("media-state", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[FAILED] = g_signal_new ("failed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[DROPPED] = g_signal_new ("dropped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cs_muji_call_init (CsMujiCall *self)
{
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, participant_free);
  self->ended_sids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->ended_order);
}

CsMujiCall *
cs_muji_call_new (CsXmppClient *client, const char *room, const char *nick, gboolean create)
{
  CsMujiCall *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (room != NULL && nick != NULL, NULL);

  self = g_object_new (CS_TYPE_MUJI_CALL, NULL);
  self->client = g_object_ref (client);
  self->room = g_strdup (room);
  self->nick = g_strdup (nick);
  self->create = create;

  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  g_signal_connect (client, "room-joined", G_CALLBACK (on_room_joined), self);
  g_signal_connect (client, "room-error", G_CALLBACK (on_room_error), self);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  return self;
}

void
cs_muji_call_set_allowed (CsMujiCall *self, const char *const *addresses)
{
  g_return_if_fail (CS_IS_MUJI_CALL (self));

  g_strfreev (self->allowed);
  self->allowed = g_strdupv ((char **) addresses);
}

const char *
cs_muji_call_get_room (CsMujiCall *self)
{
  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);

  return self->room;
}

const char *
cs_muji_call_get_local_id (CsMujiCall *self)
{
  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);

  return self->nick;
}

const char *
cs_muji_call_get_peer_address (CsMujiCall *self, const char *peer_id)
{
  Participant *participant;

  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  return participant != NULL ? participant->address : NULL;
}

char *
cs_muji_call_dup_session_id (CsMujiCall *self, const char *peer_id)
{
  Participant *participant;

  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  return participant != NULL ? g_strdup (participant->sid) : NULL;
}

void
cs_muji_call_join (CsMujiCall *self, const char *display_name)
{
  xmpp_ctx_t *ctx;
  xmpp_stanza_t *payloads;
  xmpp_stanza_t *name;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (!self->joining);

  self->joining = TRUE;
  self->display_name = g_strdup (display_name);

  /* Our presence in the call room says we take part (MUJI) and under which name
   * (XEP-0172). */
  ctx = cs_xmpp_client_get_context (self->client);
  payloads = xmpp_stanza_new (ctx);
  xmpp_stanza_set_name (payloads, "payloads");
  cs_stanza_add_child (payloads, "muji", NS_MUJI);
  name = cs_stanza_add_child (payloads, "nick", NS_NICK);
  cs_stanza_add_text (name, display_name);
  cs_xmpp_client_set_room_payload (self->client, self->room, payloads);
  xmpp_stanza_release (payloads);

  cs_xmpp_client_join_room (self->client, self->room, self->nick, self->create, _ ("Call"));
}

void
cs_muji_call_leave (CsMujiCall *self)
{
  GHashTableIter iter;
  Participant *participant;

  g_return_if_fail (CS_IS_MUJI_CALL (self));

  if (self->left)
    return;
  self->left = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    {
      send_terminate (self, participant);
      remember_ended (self, participant->sid);
    }
  g_hash_table_remove_all (self->participants);

  if (self->joining)
    cs_xmpp_client_leave_room (self->client, self->room);
}

void
cs_muji_call_send_description (CsMujiCall *self,
                               const char *peer_id,
                               const char *type,
                               const char *sdp)
{
  Participant *participant;
  xmpp_stanza_t *jingle;
  xmpp_stanza_t *iq;
  g_autoptr (GError) error = NULL;
  gboolean offer;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && type != NULL && sdp != NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  if (participant == NULL || self->left)
    return;

  offer = g_str_equal (type, "offer");
  if (offer)
    {
      if (participant->sid != NULL)
        end_session (self, participant);
      participant->sid = g_uuid_string_random ();
      participant->initiator = TRUE;
      participant->state = SESSION_PENDING;
    }
  else if (participant->sid == NULL || participant->initiator)
    {
      g_warning ("An answer to %s, who made no offer", peer_id);
      return;
    }
  else
    {
      participant->state = SESSION_ACTIVE;
    }

  g_free (participant->local_sdp);
  participant->local_sdp = g_strdup (sdp);
  if (offer)
    {
      g_strfreev (participant->content_names);
      participant->content_names = cs_jingle_sdp_dup_content_names (sdp);
    }

  iq = new_jingle_iq (self, participant, offer ? "session-initiate" : "session-accept", &jingle);
  if (!cs_jingle_sdp_to_jingle (sdp, jingle, &error))
    {
      g_warning ("Cannot describe the session to %s: %s", peer_id, error->message);
      xmpp_stanza_release (iq);
      return;
    }
  send_jingle (self, iq, offer ? "session-initiate" : "session-accept", participant);

  if (participant->early_candidates != NULL)
    {
      g_autoptr (GPtrArray) early = g_steal_pointer (&participant->early_candidates);

      for (guint i = 0; i < early->len; i++)
        {
          const char *entry = g_ptr_array_index (early, i);
          const char *newline = strchr (entry, '\n');

          send_candidate_now (self, participant, (guint) g_ascii_strtoull (entry, NULL, 10),
                              newline + 1);
        }
    }
  if (!offer && (self->muted || self->camera_off))
    send_media_state_to (self, participant);
}

void
cs_muji_call_send_candidate (CsMujiCall *self,
                             const char *peer_id,
                             guint mline_index,
                             const char *candidate)
{
  Participant *participant;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && candidate != NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  if (participant == NULL || self->left)
    return;

  if (participant->local_sdp == NULL)
    {
      if (participant->early_candidates == NULL)
        participant->early_candidates = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (participant->early_candidates,
                       g_strdup_printf ("%u\n%s", mline_index, candidate));
      return;
    }
  send_candidate_now (self, participant, mline_index, candidate);
}

void
cs_muji_call_send_media_state (CsMujiCall *self, gboolean muted, gboolean camera_off)
{
  GHashTableIter iter;
  Participant *participant;

  g_return_if_fail (CS_IS_MUJI_CALL (self));

  self->muted = muted;
  self->camera_off = camera_off;
  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    if (participant->state != SESSION_NONE)
      send_media_state_to (self, participant);
}
