/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-muji-call"

#include "config.h"

#include "cs-muji-call.h"
#include "cs-muji-call-private.h"
#include "cs-call-signals.h"
#include "cs-jingle-sessions.h"

#include <glib/gi18n.h>

#include <string.h>

/* Entering the call room may be refused until its creator has made us a member. */
#define MAX_ENTRY_RETRIES 10
#define ENTRY_RETRY_MS 1000

G_DEFINE_FINAL_TYPE (CsMujiCall, cs_muji_call, G_TYPE_OBJECT)

static guint signals[CS_CALL_N_SIGNALS];

static void
participant_free (gpointer data)
{
  Participant *participant = data;

  g_clear_handle_id (&participant->absence_id, g_source_remove);
  g_free (participant->nick);
  g_free (participant->address);
  g_free (participant->device);
  g_free (participant->name);
  g_free (participant);
}

static char *
occupant_address (CsMujiCall *self, const char *nick)
{
  return g_strdup_printf ("%s/%s", self->room, nick);
}

/* The nickname in @address if it is an occupant of our call room, else NULL. */
static const char *
nick_of (CsMujiCall *self, const char *address)
{
  size_t length = strlen (self->room);

  if (address == NULL || strncmp (address, self->room, length) != 0 || address[length] != '/' ||
      address[length + 1] == '\0')
    return NULL;
  return address + length + 1;
}

static Participant *
participant_with_device (CsMujiCall *self, const char *device)
{
  GHashTableIter iter;
  Participant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    if (participant->device != NULL && g_strcmp0 (participant->device, device) == 0)
      return participant;
  return NULL;
}

/* The participant behind a Jingle address of either form, or NULL. */
static Participant *
participant_at (CsMujiCall *self, const char *address)
{
  const char *nick = nick_of (self, address);

  if (nick != NULL)
    return g_hash_table_lookup (self->participants, nick);
  return address != NULL ? participant_with_device (self, address) : NULL;
}

/* Where @participant's Jingle goes (*@address, newly allocated): the room's form if they
 * started a session with us that way, else their real full address when we know it. */
static CsJingleSessions *
sessions_for (CsMujiCall *self, Participant *participant, char **address)
{
  g_autofree char *in_room = occupant_address (self, participant->nick);

  if (participant->device != NULL && !cs_jingle_sessions_has_session (self->room_sessions, in_room))
    {
      *address = g_strdup (participant->device);
      return self->device_sessions;
    }
  *address = g_steal_pointer (&in_room);
  return self->room_sessions;
}

static void
forget_sessions (CsMujiCall *self, Participant *participant)
{
  g_autofree char *in_room = occupant_address (self, participant->nick);

  cs_jingle_sessions_forget (self->room_sessions, in_room);
  if (participant->device != NULL)
    cs_jingle_sessions_forget (self->device_sessions, participant->device);
}

void
cs_muji_call_drop (CsMujiCall *self, const char *from, const char *reason)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DROPPED], 0, from, reason);
}

gboolean
cs_muji_call_is_allowed (CsMujiCall *self, const char *address)
{
  if (self->allowed == NULL)
    return TRUE;
  return address != NULL && g_strv_contains ((const char *const *) self->allowed, address);
}

void
cs_muji_call_participant_gone (CsMujiCall *self, Participant *participant)
{
  g_autofree char *nick = g_strdup (participant->nick);
  gboolean announced = participant->announced;

  forget_sessions (self, participant);
  g_hash_table_remove (self->participants, nick);
  if (announced)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT], 0, nick);
}

void
cs_muji_call_announce (CsMujiCall *self, Participant *participant)
{
  if (participant->announced)
    return;
  participant->announced = TRUE;
  g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_JOINED], 0, participant->nick,
                 participant->name != NULL ? participant->name : participant->nick);
}

void
cs_muji_call_emit_roster (CsMujiCall *self)
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

  g_signal_emit (self, signals[CS_CALL_SIGNAL_ROSTER], 0, (char **) ids->pdata,
                 (char **) names->pdata);
}

/* Jingle sessions with the participants. */

static CsJinglePeerVerdict
verdict_for (CsMujiCall *self, Participant *participant)
{
  if (participant == NULL || !participant->present ||
      !cs_muji_call_is_allowed (self, participant->address))
    return CS_JINGLE_PEER_REFUSE;
  return CS_JINGLE_PEER_ACCEPT;
}

/* Jingle through the call room: whatever comes from room@service/nick is this call's. */
static CsJinglePeerVerdict
check_room_peer (const char *from, const char *action, const char *sid, gpointer user_data)
{
  CsMujiCall *self = user_data;
  const char *nick = nick_of (self, from);

  if (nick == NULL || self->left)
    return CS_JINGLE_PEER_IGNORE; /* another call's, or a one-to-one session: not ours */
  return verdict_for (self, g_hash_table_lookup (self->participants, nick));
}

/* Jingle between real full addresses. A one-to-one call (CsDirectCall) with the same people
 * runs the same way beside us, so only what is surely ours is ours: a session-initiate that
 * names our room (device_sessions lets no other through), or a message of one of our
 * sessions. Anything else is left to the other calls, even from one of our participants. */
static CsJinglePeerVerdict
check_device_peer (const char *from, const char *action, const char *sid, gpointer user_data)
{
  CsMujiCall *self = user_data;

  if (self->left || from == NULL || strchr (from, '/') == NULL || nick_of (self, from) != NULL)
    return CS_JINGLE_PEER_IGNORE;
  if (g_strcmp0 (action, "session-initiate") != 0 &&
      !cs_jingle_sessions_knows_session (self->device_sessions, sid))
    return CS_JINGLE_PEER_IGNORE;
  return verdict_for (self, participant_with_device (self, from));
}

static void
on_session_description (CsJingleSessions *sessions,
                        const char *from,
                        const char *type,
                        const char *sdp,
                        CsMujiCall *self)
{
  Participant *participant = participant_at (self, from);

  if (participant == NULL)
    return;
  /* Whoever makes us an offer takes part, if the media engine did not know yet. */
  if (g_str_equal (type, "offer"))
    cs_muji_call_announce (self, participant);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DESCRIPTION], 0, participant->nick, type, sdp);
}

static void
on_session_candidate (CsJingleSessions *sessions,
                      const char *from,
                      guint mline_index,
                      const char *candidate,
                      CsMujiCall *self)
{
  Participant *participant = participant_at (self, from);

  if (participant != NULL)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_CANDIDATE], 0, participant->nick, mline_index,
                   candidate);
}

static void
on_session_media_state (CsJingleSessions *sessions,
                        const char *from,
                        gboolean muted,
                        gboolean camera_off,
                        CsMujiCall *self)
{
  Participant *participant = participant_at (self, from);

  if (participant != NULL)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_MEDIA_STATE], 0, participant->nick, muted,
                   camera_off);
}

static void
on_session_ended (CsJingleSessions *sessions, const char *from, gboolean replaced, CsMujiCall *self)
{
  Participant *participant = participant_at (self, from);

  if (participant == NULL)
    return;
  if (!replaced)
    {
      cs_muji_call_participant_gone (self, participant);
    }
  else if (participant->announced)
    {
      /* They came back with a new session: the old one is over for the media engine too. */
      participant->announced = FALSE;
      g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT], 0, participant->nick);
    }
}

static const CsJingleSessionsHandlers room_session_handlers = {
  .check = check_room_peer,
  .description = G_CALLBACK (on_session_description),
  .candidate = G_CALLBACK (on_session_candidate),
  .media_state = G_CALLBACK (on_session_media_state),
  .ended = G_CALLBACK (on_session_ended),
};

static const CsJingleSessionsHandlers device_session_handlers = {
  .check = check_device_peer,
  .description = G_CALLBACK (on_session_description),
  .candidate = G_CALLBACK (on_session_candidate),
  .media_state = G_CALLBACK (on_session_media_state),
  .ended = G_CALLBACK (on_session_ended),
};

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsMujiCall *self)
{
  const char *name = xmpp_stanza_get_name (stanza);
  g_autoptr (CsMujiCall) hold = g_object_ref (self);

  if (xmpp_stanza_get_from (stanza) == NULL)
    return;

  /* Jingle requests go to our two CsJingleSessions, which listen for them themselves. */
  if (g_strcmp0 (name, "presence") == 0)
    cs_muji_call_on_presence (self, stanza);
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
  cs_muji_call_start_preparing (self);
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

  g_signal_emit (self, signals[CS_CALL_SIGNAL_FAILED], 0, error);
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsMujiCall *self)
{
  const GError *error = cs_xmpp_client_get_error (client);

  /* A dropped connection comes back by itself; being signed out does not. */
  if (cs_xmpp_client_get_state (client) != CS_XMPP_STATE_OFFLINE || self->left || !self->joining)
    return;

  if (error != NULL)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_FAILED], 0, error);
  else
    {
      g_autoptr (GError) offline = g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST,
                                                _ ("You were signed out during the call."));

      g_signal_emit (self, signals[CS_CALL_SIGNAL_FAILED], 0, offline);
    }
}

static void
cs_muji_call_dispose (GObject *object)
{
  CsMujiCall *self = CS_MUJI_CALL (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->participants != NULL)
    g_hash_table_remove_all (self->participants);
  cs_jingle_sessions_release (&self->device_sessions, self);
  cs_jingle_sessions_release (&self->room_sessions, self);
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
  g_hash_table_unref (self->preparing);
  g_clear_pointer (&self->waiting_for, g_hash_table_unref);

  G_OBJECT_CLASS (cs_muji_call_parent_class)->finalize (object);
}

static void
cs_muji_call_class_init (CsMujiCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_muji_call_dispose;
  object_class->finalize = cs_muji_call_finalize;

  cs_call_signals_install (type, signals);
}

static void
cs_muji_call_init (CsMujiCall *self)
{
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, participant_free);
  self->preparing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CsMujiCall *
cs_muji_call_new (CsXmppClient *client, const char *room, const char *nick, gboolean create)
{
  CsMujiCall *self;
  g_autofree char *local = NULL;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (room != NULL && nick != NULL, NULL);

  self = g_object_new (CS_TYPE_MUJI_CALL, NULL);
  self->client = g_object_ref (client);
  self->room = g_strdup (room);
  self->nick = g_strdup (nick);
  self->create = create;

  local = occupant_address (self, nick);
  self->room_sessions =
    cs_jingle_sessions_new_for_call (client, local, &room_session_handlers, self);
  /* Our full address there is the one the room shows for us, known once we are in. */
  self->device_sessions =
    cs_jingle_sessions_new_for_call (client, NULL, &device_session_handlers, self);
  cs_jingle_sessions_set_muji_room (self->device_sessions, room);

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
cs_muji_call_get_peer_device (CsMujiCall *self, const char *peer_id)
{
  Participant *participant;

  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  return participant != NULL ? participant->device : NULL;
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
  g_autofree char *address = NULL;
  Participant *participant;
  CsJingleSessions *sessions;

  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  if (participant == NULL)
    return NULL;
  sessions = sessions_for (self, participant, &address);
  return cs_jingle_sessions_dup_session_id (sessions, address);
}

void
cs_muji_call_join (CsMujiCall *self, const char *display_name)
{
  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (!self->joining);

  self->joining = TRUE;
  self->display_name = g_strdup (display_name);

  /* We enter preparing, and say what we send once those preparing before us are done. */
  cs_muji_call_set_presence (self, TRUE);
  cs_xmpp_client_join_room (self->client, self->room, self->nick, self->create, _ ("Call"));
}

void
cs_muji_call_leave (CsMujiCall *self)
{
  g_return_if_fail (CS_IS_MUJI_CALL (self));

  if (self->left)
    return;
  self->left = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->prepare_id, g_source_remove);

  cs_jingle_sessions_close (self->device_sessions);
  cs_jingle_sessions_close (self->room_sessions);
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
  g_autofree char *address = NULL;
  Participant *participant;
  CsJingleSessions *sessions;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && type != NULL && sdp != NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  if (self->left || participant == NULL)
    return;
  sessions = sessions_for (self, participant, &address);
  cs_jingle_sessions_send_description (sessions, address, type, sdp);
}

void
cs_muji_call_send_candidate (CsMujiCall *self,
                             const char *peer_id,
                             guint mline_index,
                             const char *candidate)
{
  g_autofree char *address = NULL;
  Participant *participant;
  CsJingleSessions *sessions;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && candidate != NULL);

  participant = g_hash_table_lookup (self->participants, peer_id);
  if (self->left || participant == NULL)
    return;
  sessions = sessions_for (self, participant, &address);
  cs_jingle_sessions_send_candidate (sessions, address, mline_index, candidate);
}

void
cs_muji_call_send_media_state (CsMujiCall *self, gboolean muted, gboolean camera_off)
{
  g_return_if_fail (CS_IS_MUJI_CALL (self));

  cs_jingle_sessions_send_media_state (self->device_sessions, muted, camera_off);
  cs_jingle_sessions_send_media_state (self->room_sessions, muted, camera_off);
}
