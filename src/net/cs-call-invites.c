/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-invites"

#include "config.h"

#include "cs-call-invites.h"
#include "cs-xmpp-address.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_CALL_INVITES "urn:xmpp:call-invites:0"
/* What came before XEP-0482, and what Dino 0.4 speaks: <propose id=... multi='true'> with
 * the MUJI room, and accept/retract/reject naming that id. Read from others, and sent beside
 * our own invites so such clients see our calls too. */
#define NS_CALL_MESSAGE "urn:xmpp:call-message:1"
#define NS_MUJI "urn:xmpp:jingle:muji:0"
#define NS_STANZA_ID "urn:xmpp:sid:0"
#define NS_DELAY "urn:xmpp:delay"
#define NS_HINTS "urn:xmpp:hints"

/* A room's history is bounded, and so is what we keep of it. */
#define MAX_INVITES_PER_ROOM 32
#define MAX_PARTICIPANTS_PER_CALL 64
#define MAX_ID_LENGTH 128
/* How the circle's call is chosen (docs/protocol.md, "Starting or joining a circle's call"). */
#define FRESH_SECONDS 30
#define MAX_CALL_HOURS 12

typedef struct
{
  char *id;
  /* The id a urn:xmpp:call-message:1 client knows the call by, if it came with one. */
  char *alias;
  char *from_nick;
  char *call_room;
  gboolean video;
  gboolean retracted;
  GHashTable *participants; /* nick set */
  /* The id its sender gave the message, to know our own when it comes back. */
  char *sent_id;
  /* Place in the order the room relayed invites (ours, counting from 1). */
  guint64 position;
  gboolean live;
  /* Wall-clock time of the announcement: the room's <delay/> stamp, or when it came. */
  gint64 announced_us;
  gboolean ever_accepted;
} Invite;

typedef struct
{
  /* Oldest first. */
  GPtrArray *invites;
  /* Nicks present in the room: a participant who vanished (crashed) is in no call. */
  GHashTable *occupants;
  gboolean joined;
  gint64 joined_us; /* monotonic */
} Room;

struct _CsCallInvites
{
  GObject parent_instance;

  CsXmppClient *client;
  GHashTable *rooms; /* circle room -> Room */
  guint64 last_position;
};

G_DEFINE_FINAL_TYPE (CsCallInvites, cs_call_invites, G_TYPE_OBJECT)

enum
{
  INVITE,
  PARTICIPANTS_CHANGED,
  RETRACTED,
  REJECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
invite_free (gpointer data)
{
  Invite *invite = data;

  g_free (invite->id);
  g_free (invite->alias);
  g_free (invite->from_nick);
  g_free (invite->call_room);
  g_free (invite->sent_id);
  g_hash_table_unref (invite->participants);
  g_free (invite);
}

static void
room_free (gpointer data)
{
  Room *room = data;

  g_ptr_array_unref (room->invites);
  g_hash_table_unref (room->occupants);
  g_free (room);
}

static Room *
ensure_room (CsCallInvites *self, const char *address)
{
  Room *room = g_hash_table_lookup (self->rooms, address);

  if (room == NULL)
    {
      room = g_new0 (Room, 1);
      room->invites = g_ptr_array_new_with_free_func (invite_free);
      room->occupants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->rooms, g_strdup (address), room);
    }
  return room;
}

static Invite *
find_invite (CsCallInvites *self, const char *address, const char *id)
{
  Room *room = g_hash_table_lookup (self->rooms, address);

  for (guint i = 0; room != NULL && i < room->invites->len; i++)
    {
      Invite *invite = g_ptr_array_index (room->invites, i);

      if (id != NULL && (g_strcmp0 (invite->id, id) == 0 || g_strcmp0 (invite->alias, id) == 0))
        return invite;
    }
  return NULL;
}

/* The id others refer to: the one the room gave the message (XEP-0359), as XEP-0482 asks for
 * group chats, or the sender's own when the room gives none. */
static const char *
message_id (xmpp_stanza_t *message, const char *room)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (message); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_name (child), "stanza-id") == 0 &&
        g_strcmp0 (xmpp_stanza_get_ns (child), NS_STANZA_ID) == 0 &&
        g_strcmp0 (xmpp_stanza_get_attribute (child, "by"), room) == 0)
      return xmpp_stanza_get_attribute (child, "id");

  return xmpp_stanza_get_id (message);
}

/* @element is the invite (XEP-0482) or the proposal (call-message:1), known by @id;
 * @alias is the id a call-message:1 client knows it by, or NULL. */
static void
on_invite (CsCallInvites *self,
           const char *address,
           const char *nick,
           xmpp_stanza_t *message,
           xmpp_stanza_t *element,
           const char *id,
           const char *alias)
{
  xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name_and_ns (element, "muji", NS_MUJI);
  g_autofree char *call_room = NULL;
  xmpp_stanza_t *delay = xmpp_stanza_get_child_by_name_and_ns (message, "delay", NS_DELAY);
  const char *sent_id = xmpp_stanza_get_id (message);
  gboolean live = delay == NULL;
  gint64 announced_us = g_get_real_time ();
  Room *room;
  Invite *invite;

  if (muji == NULL || id == NULL || strlen (id) > MAX_ID_LENGTH ||
      (alias != NULL && strlen (alias) > MAX_ID_LENGTH) ||
      find_invite (self, address, id) != NULL || find_invite (self, address, alias) != NULL)
    return;
  call_room = cs_xmpp_address_normalize (xmpp_stanza_get_attribute (muji, "room"), NULL);
  if (call_room == NULL || strchr (call_room, '/') != NULL)
    return;

  if (delay != NULL)
    {
      g_autoptr (GDateTime) stamp = NULL;
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

      stamp = g_date_time_new_from_iso8601 (xmpp_stanza_get_attribute (delay, "stamp"), utc);
      /* Undated history is taken as old: it must not pass for a call just announced. */
      announced_us = stamp != NULL ? g_date_time_to_unix (stamp) * G_USEC_PER_SEC +
                                       g_date_time_get_microsecond (stamp)
                                   : 0;
    }

  room = ensure_room (self, address);
  if (room->invites->len >= MAX_INVITES_PER_ROOM)
    g_ptr_array_remove_index (room->invites, 0);

  invite = g_new0 (Invite, 1);
  invite->id = g_strdup (id);
  invite->alias = g_strdup (alias);
  invite->from_nick = g_strdup (nick);
  invite->call_room = g_steal_pointer (&call_room);
  invite->video = g_strcmp0 (xmpp_stanza_get_attribute (element, "video"), "true") == 0;
  invite->participants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  invite->sent_id =
    sent_id != NULL && strlen (sent_id) <= MAX_ID_LENGTH ? g_strdup (sent_id) : NULL;
  invite->position = ++self->last_position;
  invite->live = live;
  invite->announced_us = announced_us;
  g_ptr_array_add (room->invites, invite);

  g_signal_emit (self, signals[INVITE], 0, address, invite->id, invite->from_nick,
                 invite->call_room, invite->video, live);
}

static void
on_response (CsCallInvites *self,
             const char *address,
             const char *nick,
             xmpp_stanza_t *element,
             gboolean live)
{
  const char *name = xmpp_stanza_get_name (element);
  Invite *invite = find_invite (self, address, xmpp_stanza_get_attribute (element, "id"));
  g_autofree char *id = NULL;

  if (invite == NULL)
    return;
  id = g_strdup (invite->id);

  if (g_str_equal (name, "retract"))
    {
      if (g_strcmp0 (nick, invite->from_nick) != 0 || invite->retracted)
        return;
      invite->retracted = TRUE;
      g_signal_emit (self, signals[RETRACTED], 0, address, id);
    }
  else if (g_str_equal (name, "accept"))
    {
      if (g_hash_table_size (invite->participants) >= MAX_PARTICIPANTS_PER_CALL ||
          !g_hash_table_add (invite->participants, g_strdup (nick)))
        return;
      invite->ever_accepted = TRUE;
      g_signal_emit (self, signals[PARTICIPANTS_CHANGED], 0, address, id);
    }
  else if (g_str_equal (name, "left"))
    {
      if (!g_hash_table_remove (invite->participants, nick))
        return;
      g_signal_emit (self, signals[PARTICIPANTS_CHANGED], 0, address, id);
    }
  else if (g_str_equal (name, "reject"))
    {
      /* Only what is said live: a refusal from the history was heard long ago. */
      if (!live)
        return;
      g_signal_emit (self, signals[REJECTED], 0, address, id, nick);
    }
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsCallInvites *self)
{
  const char *from = xmpp_stanza_get_from (stanza);
  const char *slash = from != NULL ? strchr (from, '/') : NULL;
  g_autofree char *address = NULL;
  g_autoptr (CsCallInvites) hold = g_object_ref (self);
  xmpp_stanza_t *current = NULL;
  xmpp_stanza_t *earlier = NULL;
  gboolean live;

  /* Only what a circle's room relays: members-only rooms let only members speak. */
  if (g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      g_strcmp0 (xmpp_stanza_get_type (stanza), "groupchat") != 0 || slash == NULL)
    return;
  address = cs_stanza_bare_jid (from);
  live = xmpp_stanza_get_child_by_name_and_ns (stanza, "delay", NS_DELAY) == NULL;

  /* One element of each kind counts; when both come in one message (a client speaking
   * both, as we do), the XEP-0482 one says what happened and the other only lends its id. */
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *ns = xmpp_stanza_is_tag (child) ? xmpp_stanza_get_ns (child) : NULL;

      if (current == NULL && g_strcmp0 (ns, NS_CALL_INVITES) == 0)
        current = child;
      else if (earlier == NULL && g_strcmp0 (ns, NS_CALL_MESSAGE) == 0)
        earlier = child;
    }

  if (current != NULL)
    {
      const char *name = xmpp_stanza_get_name (current);
      const char *alias =
        earlier != NULL && g_strcmp0 (xmpp_stanza_get_name (earlier), "propose") == 0
          ? xmpp_stanza_get_attribute (earlier, "id")
          : NULL;

      if (g_str_equal (name, "invite"))
        on_invite (self, address, slash + 1, stanza, current, message_id (stanza, address), alias);
      else if (g_str_equal (name, "accept") || g_str_equal (name, "left") ||
               g_str_equal (name, "retract") || g_str_equal (name, "reject"))
        on_response (self, address, slash + 1, current, live);
    }
  else if (earlier != NULL)
    {
      const char *name = xmpp_stanza_get_name (earlier);
      const char *id = xmpp_stanza_get_attribute (earlier, "id");

      /* One-to-one proposals (a Jingle session id instead of a room) are not for a circle. */
      if (g_str_equal (name, "propose") &&
          g_strcmp0 (xmpp_stanza_get_attribute (earlier, "multi"), "true") == 0)
        on_invite (self, address, slash + 1, stanza, earlier, id, id);
      else if (g_str_equal (name, "accept") || g_str_equal (name, "retract") ||
               g_str_equal (name, "reject"))
        on_response (self, address, slash + 1, earlier, live);
    }
}

static void
on_room_joined (CsXmppClient *client, const char *address, gboolean created, CsCallInvites *self)
{
  Room *room;

  if (address == NULL)
    return;
  room = ensure_room (self, address);
  room->joined = TRUE;
  room->joined_us = g_get_monotonic_time ();
}

static void
on_room_error (CsXmppClient *client, const char *address, GError *error, CsCallInvites *self)
{
  Room *room = g_hash_table_lookup (self->rooms, address);

  if (room != NULL)
    {
      room->joined = FALSE;
      g_hash_table_remove_all (room->occupants);
    }
}

static void
on_occupant_changed (CsXmppClient *client,
                     const char *address,
                     const char *nick,
                     const char *jid,
                     const char *affiliation,
                     gboolean available,
                     CsCallInvites *self)
{
  Room *room;

  if (address == NULL || nick == NULL)
    return;
  room = ensure_room (self, address);
  if (available)
    g_hash_table_add (room->occupants, g_strdup (nick));
  else
    g_hash_table_remove (room->occupants, nick);
}

/* Offline, we are in no room; the client enters them again when back, and their occupants
 * come again with it. */
static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsCallInvites *self)
{
  GHashTableIter iter;
  gpointer value;

  if (cs_xmpp_client_get_state (client) == CS_XMPP_STATE_ONLINE)
    return;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Room *room = value;

      room->joined = FALSE;
      g_hash_table_remove_all (room->occupants);
    }
}

static void
cs_call_invites_dispose (GObject *object)
{
  CsCallInvites *self = CS_CALL_INVITES (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_call_invites_parent_class)->dispose (object);
}

static void
cs_call_invites_finalize (GObject *object)
{
  CsCallInvites *self = CS_CALL_INVITES (object);

  g_hash_table_unref (self->rooms);

  G_OBJECT_CLASS (cs_call_invites_parent_class)->finalize (object);
}

static void
cs_call_invites_class_init (CsCallInvitesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_call_invites_dispose;
  object_class->finalize = cs_call_invites_finalize;

  signals[INVITE] = g_signal_new ("invite", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 6, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                  G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[PARTICIPANTS_CHANGED] =
    g_signal_new ("participants-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                  2, G_TYPE_STRING, G_TYPE_STRING);
  signals[RETRACTED] = g_signal_new ("retracted", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[REJECTED] = g_signal_new ("rejected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cs_call_invites_init (CsCallInvites *self)
{
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, room_free);
}

CsCallInvites *
cs_call_invites_new (CsXmppClient *client)
{
  CsCallInvites *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);

  self = g_object_new (CS_TYPE_CALL_INVITES, NULL);
  self->client = g_object_ref (client);
  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  g_signal_connect (client, "room-joined", G_CALLBACK (on_room_joined), self);
  g_signal_connect (client, "room-error", G_CALLBACK (on_room_error), self);
  g_signal_connect (client, "occupant-changed", G_CALLBACK (on_occupant_changed), self);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  return self;
}

static void
send_to_room (CsCallInvites *self,
              const char *circle_room,
              const char *element_name,
              const char *invite_id)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  g_autofree char *id = g_uuid_string_random ();
  xmpp_stanza_t *message = xmpp_message_new (ctx, "groupchat", circle_room, id);
  xmpp_stanza_t *child = cs_stanza_add_child (message, element_name, NS_CALL_INVITES);
  Invite *invite = find_invite (self, circle_room, invite_id);

  xmpp_stanza_set_attribute (child, "id", invite_id);
  /* call-message:1 has no "left": its clients see who leaves in the call room. */
  if (invite != NULL && invite->alias != NULL && !g_str_equal (element_name, "left"))
    {
      child = cs_stanza_add_child (message, element_name, NS_CALL_MESSAGE);
      xmpp_stanza_set_attribute (child, "id", invite->alias);
    }
  /* No body: the room keeps it in its history (and archive) only when asked to, and members
   * who come later must learn who is in the call. */
  cs_stanza_add_child (message, "store", NS_HINTS);
  cs_xmpp_client_send (self->client, message);
  xmpp_stanza_release (message);
}

char *
cs_call_invites_post_with_id (CsCallInvites *self,
                              const char *circle_room,
                              const char *call_room,
                              gboolean video)
{
  xmpp_ctx_t *ctx;
  g_autofree char *id = g_uuid_string_random ();
  xmpp_stanza_t *message;
  xmpp_stanza_t *invite;
  xmpp_stanza_t *muji;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);
  g_return_val_if_fail (circle_room != NULL && call_room != NULL, NULL);

  ctx = cs_xmpp_client_get_context (self->client);
  message = xmpp_message_new (ctx, "groupchat", circle_room, id);
  invite = cs_stanza_add_child (message, "invite", NS_CALL_INVITES);
  xmpp_stanza_set_attribute (invite, "video", video ? "true" : "false");
  muji = cs_stanza_add_child (invite, "muji", NS_MUJI);
  xmpp_stanza_set_attribute (muji, "room", call_room);
  /* The same call for call-message:1 clients, known to them by the message's own id. */
  invite = cs_stanza_add_child (message, "propose", NS_CALL_MESSAGE);
  xmpp_stanza_set_attribute (invite, "id", id);
  xmpp_stanza_set_attribute (invite, "video", video ? "true" : "false");
  xmpp_stanza_set_attribute (invite, "multi", "true");
  muji = cs_stanza_add_child (invite, "muji", NS_MUJI);
  xmpp_stanza_set_attribute (muji, "room", call_room);
  cs_stanza_add_child (message, "store", NS_HINTS);
  /* For clients that do not know call invites. */
  xmpp_message_set_body (message, _ ("A call has started. Join it from Cousinade."));
  cs_xmpp_client_send (self->client, message);
  xmpp_stanza_release (message);
  return g_steal_pointer (&id);
}

void
cs_call_invites_post (CsCallInvites *self,
                      const char *circle_room,
                      const char *call_room,
                      gboolean video)
{
  g_autofree char *id = NULL;

  g_return_if_fail (CS_IS_CALL_INVITES (self));
  g_return_if_fail (circle_room != NULL && call_room != NULL);

  id = cs_call_invites_post_with_id (self, circle_room, call_room, video);
}

void
cs_call_invites_accept (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  g_return_if_fail (CS_IS_CALL_INVITES (self));
  g_return_if_fail (circle_room != NULL && invite_id != NULL);

  send_to_room (self, circle_room, "accept", invite_id);
}

void
cs_call_invites_leave (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  g_return_if_fail (CS_IS_CALL_INVITES (self));
  g_return_if_fail (circle_room != NULL && invite_id != NULL);

  send_to_room (self, circle_room, "left", invite_id);
}

void
cs_call_invites_reject (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  g_return_if_fail (CS_IS_CALL_INVITES (self));
  g_return_if_fail (circle_room != NULL && invite_id != NULL);

  send_to_room (self, circle_room, "reject", invite_id);
}

gboolean
cs_call_invites_is_live (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  Invite *invite;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), FALSE);

  invite = find_invite (self, circle_room, invite_id);
  return invite != NULL && invite->live && !invite->retracted;
}

void
cs_call_invites_retract (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  g_return_if_fail (CS_IS_CALL_INVITES (self));
  g_return_if_fail (circle_room != NULL && invite_id != NULL);

  send_to_room (self, circle_room, "retract", invite_id);
}

const char *
cs_call_invites_get_current (CsCallInvites *self, const char *circle_room, const char **call_room)
{
  Room *room;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);
  g_return_val_if_fail (circle_room != NULL, NULL);

  room = g_hash_table_lookup (self->rooms, circle_room);
  for (guint i = room != NULL ? room->invites->len : 0; i > 0; i--)
    {
      Invite *invite = g_ptr_array_index (room->invites, i - 1);

      if (invite->retracted)
        continue;
      if (call_room != NULL)
        *call_room = invite->call_room;
      return invite->id;
    }
  return NULL;
}

char **
cs_call_invites_dup_participants (CsCallInvites *self,
                                  const char *circle_room,
                                  const char *invite_id)
{
  Invite *invite;
  g_autoptr (GPtrArray) nicks = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  GHashTableIter iter;
  gpointer nick;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);

  invite = find_invite (self, circle_room, invite_id);
  if (invite != NULL)
    {
      g_hash_table_iter_init (&iter, invite->participants);
      while (g_hash_table_iter_next (&iter, &nick, NULL))
        g_ptr_array_add (nicks, g_strdup (nick));
    }
  return (char **) g_ptr_array_steal (nicks, NULL);
}

gboolean
cs_call_invites_is_in_room (CsCallInvites *self, const char *circle_room)
{
  Room *room;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), FALSE);
  g_return_val_if_fail (circle_room != NULL, FALSE);

  room = g_hash_table_lookup (self->rooms, circle_room);
  return room != NULL && room->joined &&
         cs_xmpp_client_get_state (self->client) == CS_XMPP_STATE_ONLINE;
}

gint64
cs_call_invites_get_in_room_since (CsCallInvites *self, const char *circle_room)
{
  Room *room;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), 0);
  g_return_val_if_fail (circle_room != NULL, 0);

  room = g_hash_table_lookup (self->rooms, circle_room);
  return room != NULL && room->joined ? room->joined_us : 0;
}

guint64
cs_call_invites_get_position (CsCallInvites *self)
{
  g_return_val_if_fail (CS_IS_CALL_INVITES (self), 0);

  return self->last_position;
}

static gboolean
has_present_participant (Room *room, Invite *invite)
{
  GHashTableIter iter;
  gpointer nick;

  g_hash_table_iter_init (&iter, invite->participants);
  while (g_hash_table_iter_next (&iter, &nick, NULL))
    if (g_hash_table_contains (room->occupants, nick))
      return TRUE;
  return FALSE;
}

const char *
cs_call_invites_find_going_on (CsCallInvites *self, const char *circle_room, const char **call_room)
{
  Room *room;
  gint64 now = g_get_real_time ();
  Invite *fresh = NULL;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);
  g_return_val_if_fail (circle_room != NULL, NULL);

  room = g_hash_table_lookup (self->rooms, circle_room);
  /* Newest first: among calls with someone in them, the newest is the one people are in now
   * (older ones keep participants only if they vanished without leaving). */
  for (guint i = room != NULL ? room->invites->len : 0; i > 0; i--)
    {
      Invite *invite = g_ptr_array_index (room->invites, i - 1);
      gint64 age_us = now - invite->announced_us;

      if (invite->retracted || age_us > (gint64) MAX_CALL_HOURS * 3600 * G_USEC_PER_SEC)
        continue;
      if (has_present_participant (room, invite))
        {
          if (call_room != NULL)
            *call_room = invite->call_room;
          return invite->id;
        }
      /* Announced so recently that its author may not have accepted yet: among several,
       * the one the room relayed first is the one everyone takes. */
      if (!invite->ever_accepted && age_us < (gint64) FRESH_SECONDS * G_USEC_PER_SEC)
        fresh = invite;
    }

  if (fresh != NULL && call_room != NULL)
    *call_room = fresh->call_room;
  return fresh != NULL ? fresh->id : NULL;
}

const char *
cs_call_invites_find_posted (CsCallInvites *self,
                             const char *circle_room,
                             const char *sent_id,
                             const char **call_room)
{
  Room *room;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);
  g_return_val_if_fail (circle_room != NULL && sent_id != NULL, NULL);

  room = g_hash_table_lookup (self->rooms, circle_room);
  for (guint i = room != NULL ? room->invites->len : 0; i > 0; i--)
    {
      Invite *invite = g_ptr_array_index (room->invites, i - 1);

      /* Our own comes back live; a copy from the history is one we no longer wait for. */
      if (invite->live && g_strcmp0 (invite->sent_id, sent_id) == 0)
        {
          if (call_room != NULL)
            *call_room = invite->call_room;
          return invite->id;
        }
    }
  return NULL;
}

const char *
cs_call_invites_find_earlier (CsCallInvites *self,
                              const char *circle_room,
                              const char *invite_id,
                              guint64 after,
                              const char **call_room)
{
  Invite *ours;
  Room *room;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), NULL);
  g_return_val_if_fail (circle_room != NULL && invite_id != NULL, NULL);

  ours = find_invite (self, circle_room, invite_id);
  if (ours == NULL)
    return NULL;
  room = g_hash_table_lookup (self->rooms, circle_room);
  for (guint i = 0; i < room->invites->len; i++)
    {
      Invite *invite = g_ptr_array_index (room->invites, i);

      if (invite == ours)
        break;
      if (invite->position <= after || !invite->live || invite->retracted)
        continue;
      if (call_room != NULL)
        *call_room = invite->call_room;
      return invite->id;
    }
  return NULL;
}

guint
cs_call_invites_count_present (CsCallInvites *self, const char *circle_room, const char *invite_id)
{
  Room *room;
  Invite *invite;
  GHashTableIter iter;
  gpointer nick;
  guint count = 0;

  g_return_val_if_fail (CS_IS_CALL_INVITES (self), 0);
  g_return_val_if_fail (circle_room != NULL, 0);

  room = g_hash_table_lookup (self->rooms, circle_room);
  invite = find_invite (self, circle_room, invite_id);
  if (room == NULL || invite == NULL)
    return 0;
  g_hash_table_iter_init (&iter, invite->participants);
  while (g_hash_table_iter_next (&iter, &nick, NULL))
    if (g_hash_table_contains (room->occupants, nick))
      count++;
  return count;
}
