/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-muji-call"

#include "config.h"

#include "cs-muji-call.h"
#include "cs-call-signals.h"
#include "cs-jingle-sessions.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

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
#define MAX_NAME_LENGTH 100

typedef struct
{
  char *nick;
  char *address; /* real bare address */
  char *name;    /* display name */
  gboolean present;
  gboolean announced; /* the media engine knows this participant */
  guint absence_id;
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
  /* One Jingle session per participant, addressed through the room (room@service/nick). */
  CsJingleSessions *sessions;
};

G_DEFINE_FINAL_TYPE (CsMujiCall, cs_muji_call, G_TYPE_OBJECT)

static guint signals[CS_CALL_N_SIGNALS];

static void
participant_free (gpointer data)
{
  Participant *participant = data;

  g_clear_handle_id (&participant->absence_id, g_source_remove);
  g_free (participant->nick);
  g_free (participant->address);
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

static void
drop (CsMujiCall *self, const char *from, const char *reason)
{
  g_debug ("Dropping a message from %s: %s", from, reason);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DROPPED], 0, from, reason);
}

static gboolean
is_allowed (CsMujiCall *self, const char *address)
{
  if (self->allowed == NULL)
    return TRUE;
  return address != NULL && g_strv_contains ((const char *const *) self->allowed, address);
}

static void
participant_gone (CsMujiCall *self, Participant *participant)
{
  g_autofree char *nick = g_strdup (participant->nick);
  g_autofree char *address = occupant_address (self, nick);
  gboolean announced = participant->announced;

  cs_jingle_sessions_forget (self->sessions, address);
  g_hash_table_remove (self->participants, nick);
  if (announced)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT], 0, nick);
}

static void
announce (CsMujiCall *self, Participant *participant)
{
  if (participant->announced)
    return;
  participant->announced = TRUE;
  g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_JOINED], 0, participant->nick,
                 participant->name != NULL ? participant->name : participant->nick);
}

/* Jingle sessions with the participants. */

static CsJinglePeerVerdict
check_peer (const char *from, const char *action, const char *sid, gpointer user_data)
{
  CsMujiCall *self = user_data;
  const char *nick = nick_of (self, from);
  Participant *participant;

  if (nick == NULL || self->left)
    return CS_JINGLE_PEER_IGNORE; /* another call's, or a one-to-one session: not ours */

  participant = g_hash_table_lookup (self->participants, nick);
  if (participant == NULL || !participant->present || !is_allowed (self, participant->address))
    return CS_JINGLE_PEER_REFUSE;
  return CS_JINGLE_PEER_ACCEPT;
}

static void
on_session_description (CsJingleSessions *sessions,
                        const char *from,
                        const char *type,
                        const char *sdp,
                        CsMujiCall *self)
{
  const char *nick = nick_of (self, from);
  Participant *participant = nick != NULL ? g_hash_table_lookup (self->participants, nick) : NULL;

  if (participant == NULL)
    return;
  /* Whoever makes us an offer takes part, if the media engine did not know yet. */
  if (g_str_equal (type, "offer"))
    announce (self, participant);
  g_signal_emit (self, signals[CS_CALL_SIGNAL_DESCRIPTION], 0, nick, type, sdp);
}

static void
on_session_candidate (CsJingleSessions *sessions,
                      const char *from,
                      guint mline_index,
                      const char *candidate,
                      CsMujiCall *self)
{
  const char *nick = nick_of (self, from);

  if (nick != NULL)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_CANDIDATE], 0, nick, mline_index, candidate);
}

static void
on_session_media_state (CsJingleSessions *sessions,
                        const char *from,
                        gboolean muted,
                        gboolean camera_off,
                        CsMujiCall *self)
{
  const char *nick = nick_of (self, from);

  if (nick != NULL)
    g_signal_emit (self, signals[CS_CALL_SIGNAL_MEDIA_STATE], 0, nick, muted, camera_off);
}

static void
on_session_ended (CsJingleSessions *sessions, const char *from, gboolean replaced, CsMujiCall *self)
{
  const char *nick = nick_of (self, from);
  Participant *participant = nick != NULL ? g_hash_table_lookup (self->participants, nick) : NULL;

  if (participant == NULL)
    return;
  if (!replaced)
    {
      participant_gone (self, participant);
    }
  else if (participant->announced)
    {
      /* They came back with a new session: the old one is over for the media engine too. */
      participant->announced = FALSE;
      g_signal_emit (self, signals[CS_CALL_SIGNAL_PARTICIPANT_LEFT], 0, participant->nick);
    }
}

static const CsJingleSessionsHandlers session_handlers = {
  .check = check_peer,
  .description = G_CALLBACK (on_session_description),
  .candidate = G_CALLBACK (on_session_candidate),
  .media_state = G_CALLBACK (on_session_media_state),
  .ended = G_CALLBACK (on_session_ended),
};

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

  g_signal_emit (self, signals[CS_CALL_SIGNAL_ROSTER], 0, (char **) ids->pdata,
                 (char **) names->pdata);
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

  /* Jingle requests go to self->sessions, which listens for them itself. */
  if (g_strcmp0 (name, "presence") == 0)
    on_presence (self, stanza);
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
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->participants != NULL)
    g_hash_table_remove_all (self->participants);
  cs_jingle_sessions_release (&self->sessions, self);
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
  self->sessions = cs_jingle_sessions_new_for_call (client, local, &session_handlers, self);

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
  g_autofree char *address = NULL;

  g_return_val_if_fail (CS_IS_MUJI_CALL (self), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  address = occupant_address (self, peer_id);
  return cs_jingle_sessions_dup_session_id (self->sessions, address);
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
  g_return_if_fail (CS_IS_MUJI_CALL (self));

  if (self->left)
    return;
  self->left = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);

  cs_jingle_sessions_close (self->sessions);
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

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && type != NULL && sdp != NULL);

  if (self->left || !g_hash_table_contains (self->participants, peer_id))
    return;
  address = occupant_address (self, peer_id);
  cs_jingle_sessions_send_description (self->sessions, address, type, sdp);
}

void
cs_muji_call_send_candidate (CsMujiCall *self,
                             const char *peer_id,
                             guint mline_index,
                             const char *candidate)
{
  g_autofree char *address = NULL;

  g_return_if_fail (CS_IS_MUJI_CALL (self));
  g_return_if_fail (peer_id != NULL && candidate != NULL);

  if (self->left || !g_hash_table_contains (self->participants, peer_id))
    return;
  address = occupant_address (self, peer_id);
  cs_jingle_sessions_send_candidate (self->sessions, address, mline_index, candidate);
}

void
cs_muji_call_send_media_state (CsMujiCall *self, gboolean muted, gboolean camera_off)
{
  g_return_if_fail (CS_IS_MUJI_CALL (self));

  cs_jingle_sessions_send_media_state (self->sessions, muted, camera_off);
}
