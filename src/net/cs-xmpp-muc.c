/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-muc"

#include "config.h"

#include "cs-xmpp-worker-private.h"
#include "cs-xmpp-address.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_DATA "jabber:x:data"
#define NS_CONFERENCE "jabber:x:conference"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* Small helpers over libstrophe's stanza API. */

static void
add_field (xmpp_stanza_t *form, const char *var, const char *value)
{
  xmpp_stanza_t *field = cs_stanza_add_child (form, "field", NULL);

  xmpp_stanza_set_attribute (field, "var", var);
  cs_stanza_add_text (cs_stanza_add_child (field, "value", NULL), value);
}

static void
post_room_error (CsXmppWorker *self, const char *room, const char *condition)
{
  CsXmppEvent event = { CS_XMPP_EVENT_ROOM_ERROR };
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (condition, "registration-required") == 0 ||
      g_strcmp0 (condition, "forbidden") == 0)
    error = g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED,
                         _ ("Only the members of this circle can enter it. Ask its organiser "
                            "to add you."));
  else
    error = g_error_new (CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED,
                         _ ("The circle’s room could not be entered (%s)."),
                         condition != NULL ? condition : _ ("unknown reason"));

  g_hash_table_remove (self->rooms, room);
  g_hash_table_remove (self->creating_rooms, room);
  event.room = (char *) room;
  event.error = error;
  cs_xmpp_worker_post (self, &event);
}

static const char *
error_condition (xmpp_stanza_t *stanza)
{
  xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (stanza, "error");

  if (error == NULL)
    return NULL;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (error); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_ns (child), NS_STANZAS) == 0)
      return xmpp_stanza_get_name (child);

  return "undefined-condition";
}

/* Room configuration (XEP-0045 §10.1): what makes a room a circle's room. */

static int
on_room_configured (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  g_autofree char *room = NULL;
  CsXmppEvent event = { CS_XMPP_EVENT_ROOM_JOINED };

  /* Only the room itself answers for its configuration; ids alone can be guessed. */
  if (xmpp_stanza_get_from (stanza) == NULL)
    return 1;
  room = cs_stanza_bare_jid (xmpp_stanza_get_from (stanza));
  if (!g_hash_table_contains (self->rooms, room))
    return 1;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") != 0)
    {
      post_room_error (self, room, error_condition (stanza));
      return 0;
    }

  /* A new room is ready once configured; a renamed one needs no news. */
  if (g_str_has_prefix (xmpp_stanza_get_id (stanza), "cs-config-new-"))
    {
      event.room = room;
      event.available = TRUE; /* created */
      cs_xmpp_worker_post (self, &event);
    }
  return 0;
}

static void
configure_room (CsXmppWorker *self, const char *room, const char *name, gboolean is_new)
{
  g_autofree char *id =
    g_strdup_printf ("cs-config-%s-%08x", is_new ? "new" : "edit", g_random_int ());
  xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "set", id);
  xmpp_stanza_t *form;

  xmpp_stanza_set_to (iq, room);
  form = cs_stanza_add_child (cs_stanza_add_child (iq, "query", NS_MUC_OWNER), "x", NS_DATA);
  xmpp_stanza_set_type (form, "submit");
  add_field (form, "FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig");
  add_field (form, "muc#roomconfig_roomname", name != NULL ? name : room);
  add_field (form, "muc#roomconfig_persistentroom", "1");
  add_field (form, "muc#roomconfig_membersonly", "1");
  add_field (form, "muc#roomconfig_whois", "anyone");
  add_field (form, "muc#roomconfig_publicroom", "0");
  add_field (form, "muc#roomconfig_enablearchiving", "1");

  xmpp_id_handler_add (self->conn, on_room_configured, id, self);
  xmpp_send (self->conn, iq);
  xmpp_stanza_release (iq);
}

/* The affiliation lists (XEP-0045 §9.5): a members-only, non-anonymous room shows them to its
 * members, so that everyone's app knows the whole circle, not only who is there now. */

static int
on_member_list (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  g_autofree char *room = NULL;
  xmpp_stanza_t *query;

  if (xmpp_stanza_get_from (stanza) == NULL)
    return 1;
  room = cs_stanza_bare_jid (xmpp_stanza_get_from (stanza));
  if (!g_hash_table_contains (self->rooms, room))
    return 1; /* not the room we asked */

  query = xmpp_stanza_get_child_by_name_and_ns (stanza, "query", NS_MUC_ADMIN);
  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") != 0 || query == NULL)
    return 0;

  for (xmpp_stanza_t *item = xmpp_stanza_get_children (query); item != NULL;
       item = xmpp_stanza_get_next (item))
    {
      CsXmppEvent event = { CS_XMPP_EVENT_MEMBER_LISTED };
      g_autofree char *jid = NULL;

      if (g_strcmp0 (xmpp_stanza_get_name (item), "item") != 0 ||
          xmpp_stanza_get_attribute (item, "jid") == NULL)
        continue;
      jid = cs_xmpp_address_normalize (xmpp_stanza_get_attribute (item, "jid"), NULL);
      if (jid == NULL)
        continue;

      event.room = room;
      event.jid = jid;
      event.text = (char *) xmpp_stanza_get_attribute (item, "affiliation");
      cs_xmpp_worker_post (self, &event);
    }

  return 0;
}

static void
request_member_list (CsXmppWorker *self, const char *room)
{
  const char *affiliations[] = { "owner", "admin", "member" };

  for (guint i = 0; i < G_N_ELEMENTS (affiliations); i++)
    {
      g_autofree char *id = g_strdup_printf ("cs-members-%08x", g_random_int ());
      xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "get", id);
      xmpp_stanza_t *item;

      xmpp_stanza_set_to (iq, room);
      item = cs_stanza_add_child (cs_stanza_add_child (iq, "query", NS_MUC_ADMIN), "item", NULL);
      xmpp_stanza_set_attribute (item, "affiliation", affiliations[i]);
      xmpp_id_handler_add (self->conn, on_member_list, id, self);
      xmpp_send (self->conn, iq);
      xmpp_stanza_release (iq);
    }
}

/* Occupants. */

static int
on_room_presence (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  const char *from = xmpp_stanza_get_from (stanza);
  g_autofree char *room = NULL;
  const char *resource;
  xmpp_stanza_t *x;
  xmpp_stanza_t *item;
  CsXmppEvent event = { CS_XMPP_EVENT_OCCUPANT };
  g_autofree char *real = NULL;

  if (from == NULL)
    return 1;
  room = cs_stanza_bare_jid (from);
  if (!g_hash_table_contains (self->rooms, room))
    return 1;

  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "error") == 0)
    {
      post_room_error (self, room, error_condition (stanza));
      return 1;
    }

  resource = strchr (from, '/');
  x = xmpp_stanza_get_child_by_name_and_ns (stanza, "x", NS_MUC_USER);
  if (resource == NULL || x == NULL)
    return 1;
  item = xmpp_stanza_get_child_by_name (x, "item");

  /* Our own presence (status 110) says we are in; 201 says the room is new and waits for
   * its configuration. */
  if (cs_stanza_has_muc_status (x, "110") &&
      g_strcmp0 (xmpp_stanza_get_type (stanza), "unavailable") != 0)
    {
      if (cs_stanza_has_muc_status (x, "201"))
        {
          configure_room (self, room, g_hash_table_lookup (self->creating_rooms, room), TRUE);
        }
      else
        {
          CsXmppEvent joined = { CS_XMPP_EVENT_ROOM_JOINED };

          joined.room = room;
          cs_xmpp_worker_post (self, &joined);
        }
      g_hash_table_remove (self->creating_rooms, room);
    }

  if (item != NULL && xmpp_stanza_get_attribute (item, "jid") != NULL)
    real = cs_stanza_bare_jid (xmpp_stanza_get_attribute (item, "jid"));

  event.room = room;
  event.nick = (char *) resource + 1;
  event.jid = real;
  event.text = item != NULL ? (char *) xmpp_stanza_get_attribute (item, "affiliation") : NULL;
  event.available = g_strcmp0 (xmpp_stanza_get_type (stanza), "unavailable") != 0;
  cs_xmpp_worker_post (self, &event);
  return 1;
}

/* Invitations (XEP-0249 direct, and the mediated kind servers send for members-only rooms). */

static int
on_message (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  xmpp_stanza_t *direct = xmpp_stanza_get_child_by_name_and_ns (stanza, "x", NS_CONFERENCE);
  CsXmppEvent event = { CS_XMPP_EVENT_INVITATION };
  g_autofree char *from = NULL;

  g_autofree char *room = NULL;
  g_autofree char *reason = NULL;

  if (direct == NULL || xmpp_stanza_get_attribute (direct, "jid") == NULL ||
      xmpp_stanza_get_from (stanza) == NULL)
    return 1;

  /* Anyone can send an invitation: only a well-formed room address gets to the user, and the
   * reason is cut to a length a dialog can show. */
  room = cs_xmpp_address_normalize (xmpp_stanza_get_attribute (direct, "jid"), NULL);
  if (room == NULL)
    return 1;
  if (xmpp_stanza_get_attribute (direct, "reason") != NULL)
    {
      reason = g_utf8_make_valid (xmpp_stanza_get_attribute (direct, "reason"), -1);
      if (g_utf8_strlen (reason, -1) > 200)
        *g_utf8_offset_to_pointer (reason, 200) = '\0';
    }

  from = cs_stanza_bare_jid (xmpp_stanza_get_from (stanza));
  event.from = from;
  event.room = room;
  event.text = reason;
  cs_xmpp_worker_post (self, &event);
  return 1;
}

/* Service discovery (XEP-0030): which of the server's services hosts rooms. */

static int
on_service_info (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns (stanza, "query", NS_DISCO_INFO);
  const char *asked = g_hash_table_lookup (self->disco_asked, xmpp_stanza_get_id (stanza));

  /* The answer must come from the service we asked, not from whoever guessed the id. */
  if (asked == NULL || g_strcmp0 (asked, xmpp_stanza_get_from (stanza)) != 0)
    return 1;
  g_hash_table_remove (self->disco_asked, xmpp_stanza_get_id (stanza));
  if (query == NULL)
    return 0;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (query); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      if (g_strcmp0 (xmpp_stanza_get_name (child), "identity") == 0 &&
          g_strcmp0 (xmpp_stanza_get_attribute (child, "category"), "conference") == 0 &&
          g_strcmp0 (xmpp_stanza_get_attribute (child, "type"), "text") == 0)
        {
          CsXmppEvent event = { CS_XMPP_EVENT_MUC_SERVICE };

          event.jid = (char *) xmpp_stanza_get_from (stanza);
          cs_xmpp_worker_post (self, &event);
          break;
        }
    }

  return 0;
}

static int
on_service_items (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns (stanza, "query", NS_DISCO_ITEMS);
  char *domain = xmpp_jid_domain (self->ctx, self->login->address);
  gboolean from_server = g_strcmp0 (xmpp_stanza_get_from (stanza), domain) == 0;
  guint n = 0;

  xmpp_free (self->ctx, domain);
  if (!from_server)
    return 1;
  if (query == NULL)
    return 0;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (query); child != NULL && n < 32;
       child = xmpp_stanza_get_next (child))
    {
      const char *jid = xmpp_stanza_get_attribute (child, "jid");
      g_autofree char *id = NULL;
      xmpp_stanza_t *iq;

      if (g_strcmp0 (xmpp_stanza_get_name (child), "item") != 0 || jid == NULL)
        continue;

      id = g_strdup_printf ("cs-disco-info-%u-%08x", n++, g_random_int ());
      g_hash_table_replace (self->disco_asked, g_strdup (id), g_strdup (jid));
      iq = xmpp_iq_new (self->ctx, "get", id);
      xmpp_stanza_set_to (iq, jid);
      cs_stanza_add_child (iq, "query", NS_DISCO_INFO);
      xmpp_id_handler_add (conn, on_service_info, id, self);
      xmpp_send (conn, iq);
      xmpp_stanza_release (iq);
    }

  return 0;
}

void
cs_xmpp_muc_attach (CsXmppWorker *self)
{
  g_autofree char *domain = NULL;
  char *strophe_domain = xmpp_jid_domain (self->ctx, self->login->address);
  xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "get", "cs-disco-items");
  GHashTableIter iter;
  gpointer room, nick;

  domain = g_strdup (strophe_domain);
  xmpp_free (self->ctx, strophe_domain);

  xmpp_handler_add (self->conn, on_room_presence, NULL, "presence", NULL, self);
  xmpp_handler_add (self->conn, on_message, NULL, "message", NULL, self);

  xmpp_stanza_set_to (iq, domain);
  cs_stanza_add_child (iq, "query", NS_DISCO_ITEMS);
  xmpp_id_handler_add (self->conn, on_service_items, "cs-disco-items", self);
  xmpp_send (self->conn, iq);
  xmpp_stanza_release (iq);

  /* Back after a drop: enter the rooms again. */
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, &room, &nick))
    cs_xmpp_stanzas_send_room_presence (self, room);
}

static gboolean
is_online (CsXmppWorker *self)
{
  return self->conn != NULL && xmpp_conn_is_connected (self->conn);
}

void
cs_xmpp_muc_handle_command (CsXmppWorker *self, Command *command)
{
  const char *room = command->args[0];

  switch (command->kind)
    {
    case COMMAND_JOIN_ROOM:
      g_hash_table_replace (self->rooms, g_strdup (room), g_strdup (command->args[1]));
      if (command->args[2] != NULL)
        g_hash_table_replace (self->creating_rooms, g_strdup (room),
                              g_strdup (command->args[3] != NULL ? command->args[3] : room));
      if (is_online (self))
        cs_xmpp_stanzas_send_room_presence (self, room);
      break;

    case COMMAND_LEAVE_ROOM:
      if (is_online (self) && g_hash_table_contains (self->rooms, room))
        {
          g_autofree char *to =
            g_strdup_printf ("%s/%s", room, (char *) g_hash_table_lookup (self->rooms, room));
          xmpp_stanza_t *presence = xmpp_presence_new (self->ctx);

          xmpp_stanza_set_to (presence, to);
          xmpp_stanza_set_type (presence, "unavailable");
          xmpp_send (self->conn, presence);
          xmpp_stanza_release (presence);
        }
      g_hash_table_remove (self->rooms, room);
      g_hash_table_remove (self->room_payloads, room);
      break;

    case COMMAND_CONFIGURE_ROOM:
      if (is_online (self) && g_hash_table_contains (self->rooms, room))
        configure_room (self, room, command->args[1], FALSE);
      break;

    case COMMAND_LIST_MEMBERS:
      if (is_online (self) && g_hash_table_contains (self->rooms, room))
        request_member_list (self, room);
      break;

    case COMMAND_SET_AFFILIATION:
      if (is_online (self))
        {
          xmpp_stanza_t *iq = xmpp_iq_new (self->ctx, "set", "cs-affiliation");
          xmpp_stanza_t *item;

          xmpp_stanza_set_to (iq, room);
          item =
            cs_stanza_add_child (cs_stanza_add_child (iq, "query", NS_MUC_ADMIN), "item", NULL);
          xmpp_stanza_set_attribute (item, "jid", command->args[1]);
          xmpp_stanza_set_attribute (item, "affiliation", command->args[2]);
          xmpp_send (self->conn, iq);
          xmpp_stanza_release (iq);
        }
      break;

    case COMMAND_INVITE:
      if (is_online (self))
        {
          xmpp_stanza_t *message = xmpp_message_new (self->ctx, NULL, command->args[1], NULL);
          xmpp_stanza_t *x = cs_stanza_add_child (message, "x", NS_CONFERENCE);

          xmpp_stanza_set_attribute (x, "jid", room);
          if (command->args[2] != NULL)
            xmpp_stanza_set_attribute (x, "reason", command->args[2]);
          xmpp_send (self->conn, message);
          xmpp_stanza_release (message);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}
