/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-circle-rooms"

#include "config.h"

#include "cs-circle-rooms.h"

#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

struct _CsCircleRooms
{
  GObject parent_instance;

  CsStore *store;
  CsXmppClient *client;
  /* Who is in the circles' rooms: occupant address (room@service/nick) -> real bare address.
   * One person may be there from several devices, under several nicknames. */
  GHashTable *occupant_addresses;
};

G_DEFINE_FINAL_TYPE (CsCircleRooms, cs_circle_rooms, G_TYPE_OBJECT)

enum
{
  PRESENCE_CHANGED,
  INVITATION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static CsCircle *
find_circle_by_room (CsCircleRooms *self, const char *room)
{
  GListModel *circles = cs_store_get_circles (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (circles); i++)
    {
      g_autoptr (CsCircle) circle = g_list_model_get_item (circles, i);

      if (g_strcmp0 (cs_circle_get_room_address (circle), room) == 0)
        return circle;
    }

  return NULL;
}

static const char *
own_nickname (CsCircleRooms *self, char **buffer)
{
  CsAccount *account = cs_store_get_account (self->store);
  const char *address = cs_xmpp_client_get_address (self->client);

  if (account != NULL && cs_account_get_nickname (account) != NULL)
    return cs_account_get_nickname (account);

  *buffer = g_strndup (address, strcspn (address, "@"));
  return *buffer;
}

static gboolean
is_online (CsCircleRooms *self)
{
  return self->client != NULL && cs_xmpp_client_get_state (self->client) == CS_XMPP_STATE_ONLINE;
}

/* A room name people can read in other clients, unique enough not to collide. */
static char *
make_room_address (CsCircle *circle, const char *service)
{
  g_autofree char *ascii = g_str_to_ascii (cs_circle_get_name (circle), "C");
  GString *local = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0' && local->len < 32; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (local, g_ascii_tolower (*p));
      else if (local->len > 0 && local->str[local->len - 1] != '-')
        g_string_append_c (local, '-');
    }
  if (local->len == 0 || local->str[local->len - 1] != '-')
    g_string_append_c (local, '-');
  g_string_append_printf (local, "%06x@%s", g_random_int_range (0, 0xffffff), service);

  return g_string_free (local, FALSE);
}

/* Organisers administer the room; the owner stays the one who made it. */
static const char *
affiliation_for_role (CsMemberRole role)
{
  return role == CS_MEMBER_ROLE_ORGANISER ? "admin" : "member";
}

static CsMemberRole
member_role (CsCircleRooms *self, CsCircle *circle, CsContact *contact)
{
  GListModel *members = cs_store_get_members (self->store, circle);

  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr (CsMember) member = g_list_model_get_item (members, i);

      if (cs_member_get_contact (member) == contact)
        return cs_member_get_role (member);
    }

  return CS_MEMBER_ROLE_MEMBER;
}

static void
grant_members (CsCircleRooms *self, CsCircle *circle)
{
  GListModel *members = cs_store_get_members (self->store, circle);

  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr (CsMember) member = g_list_model_get_item (members, i);

      cs_circle_rooms_member_added (self, circle, cs_member_get_contact (member));
    }
}

static void
join_all (CsCircleRooms *self)
{
  GListModel *circles = cs_store_get_circles (self->store);
  g_autofree char *buffer = NULL;
  const char *nick = own_nickname (self, &buffer);

  for (guint i = 0; i < g_list_model_get_n_items (circles); i++)
    {
      g_autoptr (CsCircle) circle = g_list_model_get_item (circles, i);

      if (cs_circle_get_room_address (circle) != NULL)
        cs_xmpp_client_join_room (self->client, cs_circle_get_room_address (circle), nick, FALSE,
                                  NULL);
      else
        cs_circle_rooms_ensure_room (self, circle);
    }
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsCircleRooms *self)
{
  if (cs_xmpp_client_get_state (client) != CS_XMPP_STATE_ONLINE)
    {
      g_hash_table_remove_all (self->occupant_addresses);
      return;
    }

  /* Rooms are entered again by the client after a drop; the first time, here. */
  if (cs_xmpp_client_get_muc_service (client) != NULL)
    join_all (self);
}

static void
on_muc_service (CsXmppClient *client, GParamSpec *pspec, CsCircleRooms *self)
{
  if (is_online (self))
    join_all (self);
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, CsCircleRooms *self)
{
  CsCircle *circle = find_circle_by_room (self, room);

  if (circle == NULL)
    return;

  /* A new room starts with only its owner: make the circle's members members of it. An
   * existing one tells who belongs to the circle, away or not. */
  if (created)
    grant_members (self, circle);
  else
    cs_xmpp_client_list_members (client, room);
}

static void learn_member (CsCircleRooms *self,
                          CsCircle *circle,
                          const char *nick,
                          const char *jid,
                          const char *affiliation);

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  CsCircleRooms *self)
{
  CsCircle *circle = find_circle_by_room (self, room);
  g_autofree char *name = g_strndup (jid, strcspn (jid, "@"));

  if (circle != NULL && affiliation != NULL &&
      (g_str_equal (affiliation, "member") || g_str_equal (affiliation, "admin") ||
       g_str_equal (affiliation, "owner")))
    learn_member (self, circle, name, jid, affiliation);
}

static void
on_invitation (CsXmppClient *client,
               const char *from,
               const char *room,
               const char *reason,
               CsCircleRooms *self)
{
  if (find_circle_by_room (self, room) != NULL)
    return;

  g_signal_emit (self, signals[INVITATION], 0, from, room, reason);
}

/* The people met in a circle's room are its members: add those the user does not have. */
static CsMemberRole
role_for_affiliation (const char *affiliation)
{
  if (g_strcmp0 (affiliation, "owner") == 0)
    return CS_MEMBER_ROLE_OWNER;
  if (g_strcmp0 (affiliation, "admin") == 0)
    return CS_MEMBER_ROLE_ORGANISER;
  return CS_MEMBER_ROLE_MEMBER;
}

static void
learn_member (CsCircleRooms *self,
              CsCircle *circle,
              const char *nick,
              const char *jid,
              const char *affiliation)
{
  CsContact *contact = cs_store_find_contact_by_address (self->store, jid);
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (jid, cs_xmpp_client_get_address (self->client)) == 0)
    return;

  if (contact == NULL)
    {
      g_autoptr (CsContact) draft = cs_contact_new ();

      cs_contact_set_name (draft, nick);
      cs_contact_set_xmpp_address (draft, jid);
      contact = cs_store_save_contact (self->store, draft, &error);
      if (contact == NULL)
        {
          g_message ("Could not add %s: %s", jid, error->message);
          return;
        }
    }

  if (!cs_store_add_member (self->store, circle, contact, role_for_affiliation (affiliation),
                            &error))
    g_message ("Could not add %s to %s: %s", jid, cs_circle_get_name (circle), error->message);
}

static void
on_occupant (CsXmppClient *client,
             const char *room,
             const char *nick,
             const char *jid,
             const char *affiliation,
             gboolean available,
             CsCircleRooms *self)
{
  g_autofree char *occupant = NULL;
  CsCircle *circle;

  if (jid == NULL || nick == NULL)
    return;

  occupant = g_strconcat (room, "/", nick, NULL);
  if (available)
    g_hash_table_replace (self->occupant_addresses, g_steal_pointer (&occupant), g_strdup (jid));
  else
    g_hash_table_remove (self->occupant_addresses, occupant);

  circle = find_circle_by_room (self, room);
  if (circle != NULL && available && affiliation != NULL &&
      (g_str_equal (affiliation, "member") || g_str_equal (affiliation, "admin") ||
       g_str_equal (affiliation, "owner")))
    learn_member (self, circle, nick, jid, affiliation);
  if (circle != NULL)
    g_signal_emit (self, signals[PRESENCE_CHANGED], 0, circle);
}

static void
on_room_error (CsXmppClient *client, const char *room, GError *error, CsCircleRooms *self)
{
  g_message ("Room %s: %s", room, error->message);
}

static void
cs_circle_rooms_dispose (GObject *object)
{
  CsCircleRooms *self = CS_CIRCLE_ROOMS (object);

  cs_circle_rooms_set_client (self, NULL);
  g_clear_object (&self->store);
  g_clear_pointer (&self->occupant_addresses, g_hash_table_unref);

  G_OBJECT_CLASS (cs_circle_rooms_parent_class)->dispose (object);
}

static void
cs_circle_rooms_class_init (CsCircleRoomsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_circle_rooms_dispose;

  signals[INVITATION] =
    g_signal_new ("invitation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, CS_TYPE_CIRCLE);
}

static void
cs_circle_rooms_init (CsCircleRooms *self)
{
  self->occupant_addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CsCircleRooms *
cs_circle_rooms_new (CsStore *store)
{
  CsCircleRooms *self;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  self = g_object_new (CS_TYPE_CIRCLE_ROOMS, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
cs_circle_rooms_set_client (CsCircleRooms *self, CsXmppClient *client)
{
  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));
  g_return_if_fail (client == NULL || CS_IS_XMPP_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (self->occupant_addresses != NULL)
    g_hash_table_remove_all (self->occupant_addresses);

  if (client == NULL)
    return;

  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_client_state), self, 0);
  g_signal_connect_object (client, "notify::muc-service", G_CALLBACK (on_muc_service), self, 0);
  g_signal_connect_object (client, "room-joined", G_CALLBACK (on_room_joined), self, 0);
  g_signal_connect_object (client, "room-error", G_CALLBACK (on_room_error), self, 0);
  g_signal_connect_object (client, "occupant-changed", G_CALLBACK (on_occupant), self, 0);
  g_signal_connect_object (client, "invitation-received", G_CALLBACK (on_invitation), self, 0);
  g_signal_connect_object (client, "member-listed", G_CALLBACK (on_member_listed), self, 0);
  on_client_state (client, NULL, self);
}

void
cs_circle_rooms_ensure_room (CsCircleRooms *self, CsCircle *circle)
{
  const char *service;
  g_autoptr (CsCircle) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *room = NULL;
  CsCircle *saved;

  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));
  g_return_if_fail (CS_IS_CIRCLE (circle));

  if (!is_online (self) || cs_circle_get_room_address (circle) != NULL)
    return;
  service = cs_xmpp_client_get_muc_service (self->client);
  if (service == NULL)
    return;

  draft = cs_circle_copy (circle);
  room = make_room_address (circle, service);
  cs_circle_set_room_address (draft, room);
  saved = cs_store_save_circle (self->store, draft, &error);
  if (saved == NULL)
    {
      g_warning ("Could not give %s a room: %s", cs_circle_get_name (circle), error->message);
      return;
    }

  cs_xmpp_client_join_room (self->client, cs_circle_get_room_address (saved),
                            own_nickname (self, &buffer), TRUE, cs_circle_get_name (saved));
}

void
cs_circle_rooms_member_added (CsCircleRooms *self, CsCircle *circle, CsContact *contact)
{
  const char *room;
  const char *address;

  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));

  room = cs_circle_get_room_address (circle);
  address = cs_contact_get_xmpp_address (contact);
  if (!is_online (self) || room == NULL || address == NULL)
    return;

  cs_xmpp_client_set_affiliation (self->client, room, address,
                                  affiliation_for_role (member_role (self, circle, contact)));
  cs_xmpp_client_invite (self->client, room, address, cs_circle_get_name (circle));
}

void
cs_circle_rooms_member_removed (CsCircleRooms *self, CsCircle *circle, CsContact *contact)
{
  const char *room;
  const char *address;

  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));

  room = cs_circle_get_room_address (circle);
  address = cs_contact_get_xmpp_address (contact);
  if (!is_online (self) || room == NULL || address == NULL)
    return;

  cs_xmpp_client_set_affiliation (self->client, room, address, "none");
}

gboolean
cs_circle_rooms_is_online (CsCircleRooms *self, CsCircle *circle, CsContact *contact)
{
  g_autofree char *prefix = NULL;
  GHashTableIter iter;
  gpointer occupant, address;

  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), FALSE);

  if (cs_circle_get_room_address (circle) == NULL || cs_contact_get_xmpp_address (contact) == NULL)
    return FALSE;

  prefix = g_strconcat (cs_circle_get_room_address (circle), "/", NULL);
  g_hash_table_iter_init (&iter, self->occupant_addresses);
  while (g_hash_table_iter_next (&iter, &occupant, &address))
    if (g_str_has_prefix (occupant, prefix) &&
        g_strcmp0 (address, cs_contact_get_xmpp_address (contact)) == 0)
      return TRUE;
  return FALSE;
}

char *
cs_circle_rooms_dup_invite_uri (CsCircle *circle)
{
  const char *room;

  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);

  room = cs_circle_get_room_address (circle);
  return room != NULL ? g_strdup_printf ("xmpp:%s?join", room) : NULL;
}

CsCircle *
cs_circle_rooms_find_circle (CsCircleRooms *self, const char *room)
{
  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), NULL);
  g_return_val_if_fail (room != NULL, NULL);

  return find_circle_by_room (self, room);
}

gboolean
cs_circle_rooms_is_signed_in (CsCircleRooms *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), FALSE);

  return is_online (self);
}

static void
on_room_disco_info (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);
  xmpp_stanza_t *query;
  const char *name = NULL;

  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  query = xmpp_stanza_get_child_by_name_and_ns (answer, "query", NS_DISCO_INFO);
  for (xmpp_stanza_t *child = query != NULL ? xmpp_stanza_get_children (query) : NULL;
       child != NULL && name == NULL; child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_name (child), "identity") == 0 &&
        g_strcmp0 (xmpp_stanza_get_attribute (child, "category"), "conference") == 0)
      name = xmpp_stanza_get_attribute (child, "name");

  if (name != NULL && *name != '\0')
    g_task_return_pointer (task, g_strdup (name), g_free);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The room has no name");
  xmpp_stanza_release (answer);
}

typedef struct
{
  gint64 circle_id;
  char *fallback;
} Renaming;

static void
renaming_free (Renaming *renaming)
{
  g_free (renaming->fallback);
  g_free (renaming);
}

/* The room's own name replaces the stand-in taken from its address ("famille"), unless the
 * user renamed the circle meanwhile. */
static void
on_room_name_for_circle (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsCircleRooms *self = CS_CIRCLE_ROOMS (source);
  Renaming *renaming = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = cs_circle_rooms_lookup_name_finish (self, result, &error);
  CsCircle *circle = cs_store_find_circle (self->store, renaming->circle_id);

  if (name == NULL)
    g_debug ("No name for the room of a circle: %s", error->message);
  else if (circle != NULL && g_strcmp0 (cs_circle_get_name (circle), renaming->fallback) == 0 &&
           g_strcmp0 (name, renaming->fallback) != 0)
    {
      g_autoptr (CsCircle) draft = cs_circle_copy (circle);
      g_autoptr (GError) save_error = NULL;

      cs_circle_set_name (draft, name);
      if (cs_store_save_circle (self->store, draft, &save_error) == NULL)
        g_message ("Could not name a circle after its room: %s", save_error->message);
    }
  renaming_free (renaming);
}

void
cs_circle_rooms_lookup_name_async (CsCircleRooms *self,
                                   const char *room,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  xmpp_stanza_t *iq;

  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));
  g_return_if_fail (room != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_circle_rooms_lookup_name_async);
  if (!is_online (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "Not signed in");
      return;
    }
  iq = xmpp_iq_new (cs_xmpp_client_get_context (self->client), "get", NULL);
  xmpp_stanza_set_to (iq, room);
  cs_stanza_add_child (iq, "query", NS_DISCO_INFO);
  cs_xmpp_client_send_iq_async (self->client, iq, cancellable, on_room_disco_info,
                                g_steal_pointer (&task));
  xmpp_stanza_release (iq);
}

char *
cs_circle_rooms_lookup_name_finish (CsCircleRooms *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

CsCircle *
cs_circle_rooms_accept (CsCircleRooms *self, const char *room, const char *name, GError **error)
{
  g_autoptr (CsCircle) draft = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *fallback = NULL;
  CsCircle *circle;

  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), NULL);
  g_return_val_if_fail (room != NULL, NULL);

  circle = find_circle_by_room (self, room);
  if (circle == NULL)
    {
      /* Without a name from the invitation, the room's own name part stands in. */
      fallback = g_strndup (room, strcspn (room, "@"));
      draft = cs_circle_new ();
      cs_circle_set_name (draft, name != NULL && *name != '\0' ? name : fallback);
      cs_circle_set_room_address (draft, room);
      circle = cs_store_save_circle (self->store, draft, error);
      if (circle == NULL)
        return NULL;
      if (name == NULL || *name == '\0')
        {
          Renaming *renaming = g_new0 (Renaming, 1);

          renaming->circle_id = cs_circle_get_id (circle);
          renaming->fallback = g_strdup (fallback);
          cs_circle_rooms_lookup_name_async (self, room, NULL, on_room_name_for_circle, renaming);
        }
    }

  if (is_online (self))
    cs_xmpp_client_join_room (self->client, room, own_nickname (self, &buffer), FALSE, NULL);

  return circle;
}

void
cs_circle_rooms_circle_changed (CsCircleRooms *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));
  g_return_if_fail (CS_IS_CIRCLE (circle));

  if (cs_circle_get_room_address (circle) == NULL)
    {
      cs_circle_rooms_ensure_room (self, circle);
      return;
    }

  /* Only the room's owner may rename it; for others the server says no, harmlessly. */
  if (is_online (self))
    cs_xmpp_client_configure_room (self->client, cs_circle_get_room_address (circle),
                                   cs_circle_get_name (circle));
}

void
cs_circle_rooms_circle_trashed (CsCircleRooms *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));

  /* Leaving, not destroying: the deletion can be undone, and the others keep their circle. */
  if (self->client != NULL && cs_circle_get_room_address (circle) != NULL)
    cs_xmpp_client_leave_room (self->client, cs_circle_get_room_address (circle));
}

void
cs_circle_rooms_circle_restored (CsCircleRooms *self, CsCircle *circle)
{
  g_autofree char *buffer = NULL;

  g_return_if_fail (CS_IS_CIRCLE_ROOMS (self));

  if (is_online (self) && cs_circle_get_room_address (circle) != NULL)
    cs_xmpp_client_join_room (self->client, cs_circle_get_room_address (circle),
                              own_nickname (self, &buffer), FALSE, NULL);
}

const char *
cs_circle_rooms_get_occupant_address (CsCircleRooms *self, const char *room, const char *nick)
{
  g_autofree char *occupant = NULL;

  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), NULL);
  g_return_val_if_fail (room != NULL && nick != NULL, NULL);

  occupant = g_strconcat (room, "/", nick, NULL);
  return g_hash_table_lookup (self->occupant_addresses, occupant);
}

gboolean
cs_circle_rooms_is_in_room (CsCircleRooms *self, CsCircle *circle)
{
  const char *room;
  g_autofree char *buffer = NULL;
  g_autofree char *occupant = NULL;

  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);

  room = cs_circle_get_room_address (circle);
  if (room == NULL || !is_online (self))
    return FALSE;
  /* The room shows us to ourselves once we are in. */
  occupant = g_strconcat (room, "/", own_nickname (self, &buffer), NULL);
  return g_hash_table_contains (self->occupant_addresses, occupant);
}

char *
cs_circle_rooms_dup_own_nickname (CsCircleRooms *self)
{
  g_autofree char *buffer = NULL;

  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (self), NULL);

  if (self->client == NULL)
    return NULL;
  return g_strdup (own_nickname (self, &buffer));
}
