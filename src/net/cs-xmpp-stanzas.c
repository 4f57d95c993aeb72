/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-stanzas"

#include "config.h"

#include "cs-xmpp-worker-private.h"
#include "cs-xmpp-stanza-util.h"

#include <stdlib.h>
#include <string.h>

/* Stanzas that the worker thread does not handle itself but hands to the main context:
 * call signalling (Jingle, Jingle Message Initiation, call invites, MUJI presences) and
 * answers to requests made from the main context. Everything here runs on the worker
 * thread. */

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_PING "urn:xmpp:ping"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_MUJI "urn:xmpp:jingle:muji:0"

/* A stanza bigger than this is not call signalling: it is dropped rather than copied across
 * threads. SDP-sized Jingle with candidates stays far below. */
#define MAX_FORWARDED_BYTES (256 * 1024)

/* Payload namespaces whose stanzas the main context handles. */
static const char *const forwarded_prefixes[] = {
  "urn:xmpp:jingle:1",      "urn:xmpp:jingle-message:", "urn:xmpp:call-invites:",
  "urn:xmpp:call-message:", "urn:xmpp:jingle:muji:",    "urn:cousinade:",
};

/* What we tell others we can do (XEP-0030), so clients such as Dino offer us calls. */
static const char *const features[] = {
  NS_DISCO_INFO,
  NS_PING,
  "urn:xmpp:jingle:1",
  "urn:xmpp:jingle:apps:rtp:1",
  "urn:xmpp:jingle:apps:rtp:audio",
  "urn:xmpp:jingle:apps:rtp:video",
  "urn:xmpp:jingle:transports:ice-udp:1",
  "urn:xmpp:jingle:apps:dtls:0",
  "urn:xmpp:jingle:apps:rtp:rtcp-fb:0",
  "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0",
  "urn:xmpp:jingle:apps:grouping:0",
  "urn:xmpp:jingle:apps:rtp:ssma:0",
  "urn:xmpp:jingle-message:0",
  "urn:xmpp:call-invites:0",
  NS_MUJI,
  "jabber:x:conference",
};

#define NS_CAPS "http://jabber.org/protocol/caps"
#define IDENTITY_CATEGORY "client"
#define IDENTITY_TYPE "pc"
#define IDENTITY_NAME "Cousinade"

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

const char *
cs_xmpp_caps_ver (void)
{
  static gsize ver;

  if (g_once_init_enter (&ver))
    {
      /* XEP-0115 section 5.1: identities as category/type/lang/name<, then the features in
       * byte order, each followed by <; SHA-1, in Base64. */
      const char *sorted[G_N_ELEMENTS (features)];
      g_autoptr (GString) text =
        g_string_new (IDENTITY_CATEGORY "/" IDENTITY_TYPE "//" IDENTITY_NAME "<");
      g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
      guint8 digest[20];
      gsize length = sizeof digest;

      memcpy (sorted, features, sizeof sorted);
      qsort (sorted, G_N_ELEMENTS (sorted), sizeof sorted[0], compare_strings);
      for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
        g_string_append_printf (text, "%s<", sorted[i]);
      g_checksum_update (sha1, (const guchar *) text->str, text->len);
      g_checksum_get_digest (sha1, digest, &length);
      g_once_init_leave (&ver, (gsize) g_base64_encode (digest, length));
    }
  return (const char *) ver;
}

void
cs_xmpp_stanzas_add_caps (CsXmppWorker *self, xmpp_stanza_t *presence)
{
  xmpp_stanza_t *caps = xmpp_stanza_new (self->ctx);

  xmpp_stanza_set_name (caps, "c");
  xmpp_stanza_set_ns (caps, NS_CAPS);
  xmpp_stanza_set_attribute (caps, "hash", "sha-1");
  xmpp_stanza_set_attribute (caps, "node", CS_XMPP_CAPS_NODE);
  xmpp_stanza_set_attribute (caps, "ver", cs_xmpp_caps_ver ());
  xmpp_stanza_add_child (presence, caps);
  xmpp_stanza_release (caps);
}

static gboolean
is_forwarded_ns (const char *ns)
{
  if (ns == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (forwarded_prefixes); i++)
    if (g_str_has_prefix (ns, forwarded_prefixes[i]))
      return TRUE;

  return FALSE;
}

static gboolean
has_forwarded_child (xmpp_stanza_t *stanza)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && is_forwarded_ns (xmpp_stanza_get_ns (child)))
      return TRUE;

  return FALSE;
}

static void
forward (CsXmppWorker *self, xmpp_stanza_t *stanza)
{
  CsXmppEvent event = { CS_XMPP_EVENT_STANZA };
  char *text = NULL;
  size_t length = 0;

  if (xmpp_stanza_to_text (stanza, &text, &length) != XMPP_EOK)
    return;

  if (length <= MAX_FORWARDED_BYTES)
    {
      event.text = text;
      cs_xmpp_worker_post (self, &event);
    }
  else
    {
      g_debug ("Dropping a %zu-byte %s", length, xmpp_stanza_get_name (stanza));
    }
  xmpp_free (self->ctx, text);
}

static void
reply_error (CsXmppWorker *self, xmpp_stanza_t *stanza, const char *type, const char *condition)
{
  xmpp_stanza_t *reply = xmpp_stanza_reply_error (stanza, type, condition, NULL);

  if (reply == NULL)
    return;
  xmpp_send (self->conn, reply);
  xmpp_stanza_release (reply);
}

static void
answer_disco_info (CsXmppWorker *self, xmpp_stanza_t *stanza, xmpp_stanza_t *query)
{
  xmpp_stanza_t *reply = xmpp_stanza_reply (stanza);
  xmpp_stanza_t *answer = xmpp_stanza_new (self->ctx);
  xmpp_stanza_t *identity = xmpp_stanza_new (self->ctx);

  xmpp_stanza_set_type (reply, "result");
  xmpp_stanza_set_name (answer, "query");
  xmpp_stanza_set_ns (answer, NS_DISCO_INFO);
  if (xmpp_stanza_get_attribute (query, "node") != NULL)
    xmpp_stanza_set_attribute (answer, "node", xmpp_stanza_get_attribute (query, "node"));

  xmpp_stanza_set_name (identity, "identity");
  xmpp_stanza_set_attribute (identity, "category", IDENTITY_CATEGORY);
  xmpp_stanza_set_attribute (identity, "type", IDENTITY_TYPE);
  xmpp_stanza_set_attribute (identity, "name", IDENTITY_NAME);
  xmpp_stanza_add_child (answer, identity);
  xmpp_stanza_release (identity);

  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    {
      xmpp_stanza_t *feature = xmpp_stanza_new (self->ctx);

      xmpp_stanza_set_name (feature, "feature");
      xmpp_stanza_set_attribute (feature, "var", features[i]);
      xmpp_stanza_add_child (answer, feature);
      xmpp_stanza_release (feature);
    }

  xmpp_stanza_add_child (reply, answer);
  xmpp_stanza_release (answer);
  xmpp_send (self->conn, reply);
  xmpp_stanza_release (reply);
}

static int
on_iq_request (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  const char *type = xmpp_stanza_get_type (stanza);
  xmpp_stanza_t *payload = xmpp_stanza_get_children (stanza);

  if (g_strcmp0 (type, "get") != 0 && g_strcmp0 (type, "set") != 0)
    return 1;

  while (payload != NULL && !xmpp_stanza_is_tag (payload))
    payload = xmpp_stanza_get_next (payload);

  if (payload == NULL)
    reply_error (self, stanza, "modify", "bad-request");
  else if (g_strcmp0 (xmpp_stanza_get_ns (payload), NS_PING) == 0)
    ; /* answered in cs-xmpp-worker.c */
  else if (g_strcmp0 (xmpp_stanza_get_ns (payload), NS_DISCO_INFO) == 0 &&
           g_strcmp0 (type, "get") == 0)
    answer_disco_info (self, stanza, payload);
  else if (is_forwarded_ns (xmpp_stanza_get_ns (payload)) && xmpp_stanza_get_from (stanza) != NULL)
    forward (self, stanza);
  else
    reply_error (self, stanza, "cancel", "service-unavailable");

  return 1;
}

/* A message carbon (XEP-0280) of a call message: another of our devices answered a call, or
 * a call rang it. */
static gboolean
is_call_carbon (xmpp_stanza_t *stanza)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      xmpp_stanza_t *forwarded;
      xmpp_stanza_t *inner;

      if (!xmpp_stanza_is_tag (child) ||
          g_strcmp0 (xmpp_stanza_get_ns (child), "urn:xmpp:carbons:2") != 0)
        continue;
      forwarded = xmpp_stanza_get_child_by_name_and_ns (child, "forwarded", "urn:xmpp:forward:0");
      inner = forwarded != NULL ? xmpp_stanza_get_child_by_name (forwarded, "message") : NULL;
      return inner != NULL && has_forwarded_child (inner);
    }
  return FALSE;
}

static int
on_message (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;

  if (xmpp_stanza_get_from (stanza) != NULL &&
      (has_forwarded_child (stanza) || is_call_carbon (stanza)))
    forward (self, stanza);
  return 1;
}

static int
on_presence (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  g_autofree char *room = cs_stanza_bare_jid (xmpp_stanza_get_from (stanza));

  /* In a call room, departures matter as much as arrivals. */
  if (room != NULL && g_hash_table_contains (self->room_payloads, room) &&
      (has_forwarded_child (stanza) ||
       g_strcmp0 (xmpp_stanza_get_type (stanza), "unavailable") == 0))
    forward (self, stanza);
  return 1;
}

static gboolean
is_own_server (CsXmppWorker *self, const char *from)
{
  const char *at = strchr (self->login->address, '@');

  return from == NULL || g_strcmp0 (from, self->login->address) == 0 ||
         (at != NULL && g_strcmp0 (from, at + 1) == 0);
}

static int
on_iq_answer (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
  CsXmppWorker *self = userdata;
  const char *id = xmpp_stanza_get_id (stanza);
  const char *type = xmpp_stanza_get_type (stanza);
  const char *asked;
  g_autofree char *from = NULL;
  CsXmppEvent event = { CS_XMPP_EVENT_IQ_ANSWER };
  char *text = NULL;
  size_t length = 0;

  if (id == NULL ||
      !g_hash_table_lookup_extended (self->pending_iqs, id, NULL, (gpointer *) &asked))
    return 0;
  if (g_strcmp0 (type, "result") != 0 && g_strcmp0 (type, "error") != 0)
    return 1;

  /* Only the address that was asked may answer; a request to our own server (no "to") is
   * answered without a "from", or from our domain or bare address. */
  from = g_strdup (xmpp_stanza_get_from (stanza));
  if (asked != NULL ? g_strcmp0 (from, asked) != 0 : !is_own_server (self, from))
    {
      g_debug ("Ignoring an answer to %s from %s", id, from);
      return 1;
    }

  if (xmpp_stanza_to_text (stanza, &text, &length) != XMPP_EOK)
    return 0;
  event.jid = (char *) id;
  event.text = length <= MAX_FORWARDED_BYTES ? text : NULL;
  cs_xmpp_worker_post (self, &event);
  xmpp_free (self->ctx, text);
  g_hash_table_remove (self->pending_iqs, id);
  return 0;
}

void
cs_xmpp_stanzas_send_room_presence (CsXmppWorker *self, const char *room)
{
  const char *payload = g_hash_table_lookup (self->room_payloads, room);
  const char *nick = g_hash_table_lookup (self->rooms, room);
  g_autofree char *to = g_strdup_printf ("%s/%s", room, nick);
  xmpp_stanza_t *presence = xmpp_presence_new (self->ctx);
  xmpp_stanza_t *x = xmpp_stanza_new (self->ctx);

  xmpp_stanza_set_to (presence, to);
  xmpp_stanza_set_name (x, "x");
  xmpp_stanza_set_ns (x, "http://jabber.org/protocol/muc");
  xmpp_stanza_add_child (presence, x);
  xmpp_stanza_release (x);
  cs_xmpp_stanzas_add_caps (self, presence);

  if (payload != NULL && *payload != '\0')
    {
      xmpp_stanza_t *child = xmpp_stanza_new_from_string (self->ctx, payload);

      /* A <payloads/> wrapper without namespace stands for its children. */
      if (child != NULL && g_strcmp0 (xmpp_stanza_get_name (child), "payloads") == 0 &&
          xmpp_stanza_get_ns (child) == NULL)
        {
          for (xmpp_stanza_t *c = xmpp_stanza_get_children (child); c != NULL;
               c = xmpp_stanza_get_next (c))
            xmpp_stanza_add_child_ex (presence, xmpp_stanza_copy (c), 0);
        }
      else if (child != NULL)
        {
          xmpp_stanza_add_child (presence, child);
        }
      if (child != NULL)
        xmpp_stanza_release (child);
    }

  xmpp_send (self->conn, presence);
  xmpp_stanza_release (presence);
}

void
cs_xmpp_stanzas_attach (CsXmppWorker *self)
{
  xmpp_handler_add (self->conn, on_iq_request, NULL, "iq", NULL, self);
  xmpp_handler_add (self->conn, on_message, NULL, "message", NULL, self);
  xmpp_handler_add (self->conn, on_presence, NULL, "presence", NULL, self);

  /* Back after a drop: requests sent on the old connection will not be answered. */
  cs_xmpp_stanzas_connection_lost (self);
}

void
cs_xmpp_stanzas_connection_lost (CsXmppWorker *self)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->pending_iqs);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      CsXmppEvent event = { CS_XMPP_EVENT_IQ_ANSWER };

      event.jid = id;
      cs_xmpp_worker_post (self, &event);
      g_hash_table_iter_remove (&iter);
    }
}

void
cs_xmpp_stanzas_handle_command (CsXmppWorker *self, Command *command)
{
  gboolean online = self->conn != NULL && xmpp_conn_is_connected (self->conn);

  switch (command->kind)
    {
    case COMMAND_SEND:
      {
        xmpp_stanza_t *stanza =
          online ? xmpp_stanza_new_from_string (self->ctx, command->args[0]) : NULL;
        const char *id = command->args[1];

        if (stanza != NULL && id != NULL)
          {
            g_hash_table_replace (self->pending_iqs, g_strdup (id),
                                  g_strdup (xmpp_stanza_get_to (stanza)));
            xmpp_id_handler_add (self->conn, on_iq_answer, id, self);
          }
        else if (id != NULL)
          {
            CsXmppEvent event = { CS_XMPP_EVENT_IQ_ANSWER };

            event.jid = (char *) id;
            cs_xmpp_worker_post (self, &event);
          }

        if (stanza != NULL)
          {
            xmpp_send (self->conn, stanza);
            xmpp_stanza_release (stanza);
          }
      }
      break;

    case COMMAND_ROOM_PAYLOAD:
      if (command->args[1] != NULL)
        g_hash_table_replace (self->room_payloads, g_strdup (command->args[0]),
                              g_strdup (command->args[1]));
      else
        g_hash_table_remove (self->room_payloads, command->args[0]);
      if (online && command->args[1] != NULL &&
          g_hash_table_contains (self->rooms, command->args[0]))
        cs_xmpp_stanzas_send_room_presence (self, command->args[0]);
      break;

    default:
      g_assert_not_reached ();
    }
}
