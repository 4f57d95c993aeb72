/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cousinade-bot"

#include "config.h"

#include "cs-bot-xmpp.h"
#include "cs-bot-output.h"
#include "cs-call-invites.h"
#include "cs-direct-call.h"
#include "cs-ice-servers.h"
#include "cs-incoming-calls.h"
#include "cs-muji-call.h"
#include "cs-xmpp-client.h"
#include "cs-xmpp-signaling.h"
#include "cs-xmpp-stanza-util.h"

#define RETRY_MS 1000
#define DECIDE_MS 300
#define NS_JMI "urn:xmpp:jingle-message:0"

struct _CsBotXmpp
{
  char *address;
  char *password;
  gboolean register_first;
  char *host;
  guint16 port;
  char *ca_file;
  char *nick;
  char *circle;
  char *create_circle_name;
  char **members;
  gboolean start_call;
  char *ring;
  gboolean answer;
  guint wait_seconds;
  char *fallback_turn;

  CsXmppClient *client;
  CsCallInvites *invites;
  CsMujiCall *call;
  /* A one-to-one call: the one we ring, or the one we answered. */
  CsDirectCall *direct;
  CsIncomingCalls *incoming;
  /* A call that rang before we could take it (ICE servers still unknown). */
  char *pending_id;
  gboolean taking_calls;
  CsXmppSignaling *signaling;
  char **ice_servers;
  char *call_room;
  char *invite_id;
  gboolean in_circle;
  guint tries;
  guint retry_id;
  guint give_up_id;
  guint decide_id;

  CsBotXmppReadyFunc ready;
  gpointer ready_data;
};

static void
finish (CsBotXmpp *self, const GError *error)
{
  CsBotXmppReadyFunc ready = g_steal_pointer (&self->ready);

  g_clear_handle_id (&self->give_up_id, g_source_remove);
  if (ready != NULL)
    ready (error == NULL ? CS_CALL_SIGNALING (self->signaling) : NULL, error, self->ready_data);
}

static void
fail (CsBotXmpp *self, const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);

  finish (self, error);
}

static void
on_dropped (CsMujiCall *call, const char *from, const char *reason, CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("dropped");

  cs_bot_add_string (builder, "from", from);
  cs_bot_add_string (builder, "reason", reason);
  cs_bot_emit (builder);
}

/* A call we started in the circle, declined by a member (XEP-0482 or call-message:1). */
static void
on_invite_rejected (CsCallInvites *invites,
                    const char *circle,
                    const char *invite_id,
                    const char *nick,
                    CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("declined");

  cs_bot_add_string (builder, "by", nick);
  cs_bot_add_string (builder, "circle", circle);
  cs_bot_add_string (builder, "invite", invite_id);
  cs_bot_emit (builder);
}

/* The contact we ring declined (XEP-0353 <reject/>): said before the call fails with it. */
static void
on_stanza_declined (CsXmppClient *client, xmpp_stanza_t *stanza, CsBotXmpp *self)
{
  const char *from = xmpp_stanza_get_from (stanza);
  g_autofree char *bare = NULL;
  g_autoptr (JsonBuilder) builder = NULL;

  if (from == NULL || g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      xmpp_stanza_get_child_by_name_and_ns (stanza, "reject", NS_JMI) == NULL)
    return;
  bare = cs_stanza_bare_jid (from);
  if (g_strcmp0 (bare, self->ring) != 0)
    return;
  builder = cs_bot_begin ("declined");
  cs_bot_add_string (builder, "by", bare);
  cs_bot_emit (builder);
}

static void
on_direct_ringing (CsDirectCall *call, CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("ringing");

  cs_bot_add_string (builder, "to", cs_direct_call_get_contact (call));
  cs_bot_emit (builder);
}

static void
use_direct_call (CsBotXmpp *self, CsDirectCall *call)
{
  self->direct = call;
  g_signal_connect (call, "dropped", G_CALLBACK (on_dropped), self);
  g_signal_connect (call, "ringing", G_CALLBACK (on_direct_ringing), self);
  self->signaling = cs_xmpp_signaling_new_direct (call);
  finish (self, NULL);
}

/* FALSE when @id no longer rings (the caller hung up meanwhile). */
static gboolean
answer_call (CsBotXmpp *self, const char *id)
{
  CsDirectCall *call = cs_incoming_calls_accept (self->incoming, id);

  if (call == NULL)
    return FALSE;
  use_direct_call (self, call);
  return TRUE;
}

static void
on_incoming (CsIncomingCalls *incoming,
             const char *id,
             const char *from,
             const char *name,
             gboolean video,
             CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("ringing");

  cs_bot_add_string (builder, "from", from);
  cs_bot_add_string (builder, "name", name);
  cs_bot_add_boolean (builder, "video", video);
  cs_bot_emit (builder);

  /* One call at a time: a second caller hears that we are busy. */
  if (self->direct != NULL || self->pending_id != NULL)
    {
      cs_incoming_calls_reject (incoming, id);
      return;
    }
  if (!self->taking_calls)
    {
      self->pending_id = g_strdup (id);
      return;
    }
  answer_call (self, id);
}

static void
on_incoming_stopped (CsIncomingCalls *incoming, const char *id, int why, CsBotXmpp *self)
{
  if (g_strcmp0 (id, self->pending_id) == 0)
    g_clear_pointer (&self->pending_id, g_free);
}

static void
on_incoming_dropped (CsIncomingCalls *incoming,
                     const char *from,
                     const char *reason,
                     CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("dropped");

  cs_bot_add_string (builder, "from", from);
  cs_bot_add_string (builder, "reason", reason);
  cs_bot_emit (builder);
}

/* With no list of who may ring, whoever proposes a call may: connected before the incoming
 * calls' own handler, so the address is allowed by the time it looks. */
static void
on_stanza_allow_caller (CsXmppClient *client, xmpp_stanza_t *stanza, CsBotXmpp *self)
{
  const char *from = xmpp_stanza_get_from (stanza);
  g_autofree char *caller = NULL;
  g_auto (GStrv) allowed = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (from == NULL || g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      xmpp_stanza_get_child_by_name_and_ns (stanza, "propose", NS_JMI) == NULL)
    return;

  caller = cs_stanza_bare_jid (from);
  if (self->members != NULL && g_strv_contains ((const char *const *) self->members, caller))
    return;
  builder = g_strv_builder_new ();
  if (self->members != NULL)
    g_strv_builder_addv (builder, (const char **) self->members);
  g_strv_builder_add (builder, caller);
  allowed = g_strv_builder_end (builder);
  g_strfreev (self->members);
  self->members = g_steal_pointer (&allowed);
  cs_incoming_calls_set_allowed (self->incoming, (const char *const *) self->members);
}

static gboolean
on_no_call_rang (gpointer user_data)
{
  CsBotXmpp *self = user_data;
  g_autofree char *message =
    g_strdup_printf ("No call rang within %u seconds.", self->wait_seconds);

  self->give_up_id = 0;
  fail (self, message);
  return G_SOURCE_REMOVE;
}

/* Signed in, ICE servers known: ring the contact, or take the call that rings. */
static void
start_direct (CsBotXmpp *self)
{
  if (self->ring != NULL)
    {
      CsDirectCall *call = cs_direct_call_new (self->client, self->ring, NULL, TRUE);

      /* Rung but unanswered, the call fails with a message saying so. */
      cs_direct_call_set_ring_timeout (call, self->wait_seconds);
      use_direct_call (self, call);
      return;
    }

  self->taking_calls = TRUE;
  if (self->pending_id != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->pending_id);

      if (answer_call (self, id))
        return;
    }

  {
    g_autoptr (JsonBuilder) builder = cs_bot_begin ("waiting-for-call");

    cs_bot_add_int (builder, "seconds", self->wait_seconds);
    cs_bot_emit (builder);
  }
  /* From now on, --wait seconds for someone to ring. */
  g_clear_handle_id (&self->give_up_id, g_source_remove);
  self->give_up_id = g_timeout_add_seconds (self->wait_seconds, on_no_call_rang, self);
}

static char **
allowed_addresses (CsBotXmpp *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, self->address);
  for (guint i = 0; self->members != NULL && self->members[i] != NULL; i++)
    g_strv_builder_add (builder, self->members[i]);
  return g_strv_builder_end (builder);
}

static void
make_call (CsBotXmpp *self, gboolean create)
{
  g_auto (GStrv) allowed = allowed_addresses (self);

  self->call = cs_muji_call_new (self->client, self->call_room, self->nick, create);
  cs_muji_call_set_allowed (self->call, (const char *const *) allowed);
  g_signal_connect (self->call, "dropped", G_CALLBACK (on_dropped), self);
  self->signaling = cs_xmpp_signaling_new (self->call);
}

static void
join_found_call (CsBotXmpp *self, const char *invite_id, const char *call_room)
{
  if (self->call != NULL)
    return;

  self->invite_id = g_strdup (invite_id);
  self->call_room = g_strdup (call_room);
  make_call (self, FALSE);
  cs_call_invites_accept (self->invites, self->circle, invite_id);
  finish (self, NULL);
}

static gboolean
on_decide (gpointer user_data)
{
  CsBotXmpp *self = user_data;
  const char *call_room = NULL;
  const char *invite_id = cs_call_invites_get_current (self->invites, self->circle, &call_room);

  self->decide_id = 0;
  if (invite_id != NULL)
    join_found_call (self, invite_id, call_room);
  return G_SOURCE_REMOVE;
}

static void
on_invite (CsCallInvites *invites,
           const char *circle,
           const char *invite_id,
           const char *from_nick,
           const char *call_room,
           gboolean video,
           gboolean live,
           CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (g_strcmp0 (circle, self->circle) != 0)
    return;

  builder = cs_bot_begin ("invite");
  cs_bot_add_string (builder, "circle", circle);
  cs_bot_add_string (builder, "from", from_nick);
  cs_bot_add_string (builder, "call_room", call_room);
  cs_bot_add_boolean (builder, "video", video);
  cs_bot_add_boolean (builder, "live", live);
  cs_bot_emit (builder);

  if (self->start_call)
    {
      /* Our own invite, back from the room with the id the room gave it. */
      if (self->invite_id == NULL && g_strcmp0 (call_room, self->call_room) == 0 &&
          g_strcmp0 (from_nick, self->nick) == 0)
        {
          self->invite_id = g_strdup (invite_id);
          cs_call_invites_accept (self->invites, self->circle, invite_id);
        }
      return;
    }

  /* The room's history brings invites in a burst, oldest first: choose once it is in. */
  if (self->in_circle && self->decide_id == 0)
    self->decide_id = g_timeout_add (DECIDE_MS, on_decide, self);
}

static void
start_or_find_call (CsBotXmpp *self)
{
  if (self->start_call)
    {
      const char *service = cs_xmpp_client_get_muc_service (self->client);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr (JsonBuilder) builder = cs_bot_begin ("call-started");

      uuid[8] = '\0';
      self->call_room = g_strdup_printf ("call-%s@%s", uuid, service);
      make_call (self, TRUE);
      cs_call_invites_post (self->invites, self->circle, self->call_room, TRUE);
      cs_bot_add_string (builder, "call_room", self->call_room);
      cs_bot_emit (builder);
      finish (self, NULL);
      return;
    }

  /* The room's history follows our entry: give it a moment, then take the newest call. */
  if (self->decide_id == 0)
    self->decide_id = g_timeout_add (DECIDE_MS, on_decide, self);
}

static gboolean
on_retry_circle (gpointer user_data)
{
  CsBotXmpp *self = user_data;

  self->retry_id = 0;
  cs_xmpp_client_join_room (self->client, self->circle, self->nick, FALSE, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_room_error (CsXmppClient *client, const char *room, GError *error, CsBotXmpp *self)
{
  if (g_strcmp0 (room, self->circle) != 0 || self->in_circle)
    return;

  /* Not a member yet: the organiser may not have added us. */
  if (self->tries++ < self->wait_seconds * 1000 / RETRY_MS)
    {
      self->retry_id = g_timeout_add (RETRY_MS, on_retry_circle, self);
      return;
    }
  fail (self, error->message);
}

/* Every entry into a room, the circle's or the call's, also after a reconnection. */
static void
on_any_room_joined (CsXmppClient *client, const char *room, gboolean created, CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("room-joined");

  cs_bot_add_string (builder, "room", room);
  cs_bot_emit (builder);
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, CsBotXmpp *self)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (g_strcmp0 (room, self->circle) != 0 || self->in_circle)
    return;

  self->in_circle = TRUE;
  if (created)
    for (guint i = 0; self->members != NULL && self->members[i] != NULL; i++)
      cs_xmpp_client_set_affiliation (client, room, self->members[i], "member");

  builder = cs_bot_begin ("circle-joined");
  cs_bot_add_string (builder, "circle", room);
  cs_bot_add_boolean (builder, "created", created);
  cs_bot_emit (builder);

  start_or_find_call (self);
}

static void
enter_circle (CsBotXmpp *self)
{
  g_signal_connect (self->client, "room-joined", G_CALLBACK (on_any_room_joined), self);
  g_signal_connect (self->client, "room-joined", G_CALLBACK (on_room_joined), self);
  g_signal_connect (self->client, "room-error", G_CALLBACK (on_room_error), self);
  cs_xmpp_client_join_room (self->client, self->circle, self->nick,
                            self->create_circle_name != NULL, self->create_circle_name);
}

static void
on_ice_servers (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsBotXmpp *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("ice-servers");

  g_auto (GStrv) discovered =
    cs_ice_servers_discover_finish (CS_XMPP_CLIENT (source), result, &error);

  self->ice_servers = cs_ice_servers_choose ((const char *const *) discovered, self->fallback_turn);
  cs_bot_add_int (builder, "count", g_strv_length (self->ice_servers));
  if (error != NULL)
    cs_bot_add_string (builder, "error", error->message);
  cs_bot_emit (builder);

  if (self->ring != NULL || self->answer)
    start_direct (self);
  else
    enter_circle (self);
}

static void
on_muc_service (CsXmppClient *client, GParamSpec *pspec, CsBotXmpp *self)
{
  if (cs_xmpp_client_get_muc_service (client) == NULL || self->ice_servers != NULL)
    return;
  g_signal_handlers_disconnect_by_func (client, on_muc_service, self);
  cs_ice_servers_discover_async (client, NULL, on_ice_servers, self);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsBotXmpp *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = self->register_first
                  ? cs_xmpp_client_register_finish (CS_XMPP_CLIENT (source), result, &error)
                  : cs_xmpp_client_connect_finish (CS_XMPP_CLIENT (source), result, &error);
  g_autoptr (JsonBuilder) builder = NULL;

  if (!ok)
    {
      finish (self, error);
      return;
    }

  builder = cs_bot_begin ("signed-in");
  cs_bot_add_string (builder, "address", self->address);
  cs_bot_emit (builder);

  /* A one-to-one call needs no room service. */
  if (self->ring != NULL || self->answer)
    {
      cs_ice_servers_discover_async (self->client, NULL, on_ice_servers, self);
      return;
    }

  /* The call room lives on the server's room service: wait for discovery to find it. */
  g_signal_connect (self->client, "notify::muc-service", G_CALLBACK (on_muc_service), self);
  on_muc_service (self->client, NULL, self);
}

static gboolean
on_give_up (gpointer user_data)
{
  CsBotXmpp *self = user_data;

  self->give_up_id = 0;
  fail (self, cs_bot_xmpp_is_direct (self) ? "Not signed in and ready for the call in time."
                                           : "No call to join in this circle.");
  return G_SOURCE_REMOVE;
}

CsBotXmpp *
cs_bot_xmpp_new (const CsBotXmppOptions *options)
{
  CsBotXmpp *self = g_new0 (CsBotXmpp, 1);

  self->address = g_strdup (options->address);
  self->password = g_strdup (options->password);
  self->register_first = options->register_first;
  self->host = g_strdup (options->host);
  self->port = options->port;
  self->ca_file = g_strdup (options->ca_file);
  self->nick = g_strdup (options->nick);
  self->circle = g_strdup (options->circle);
  self->create_circle_name = g_strdup (options->create_circle_name);
  self->members = g_strdupv ((char **) options->members);
  self->start_call = options->start_call;
  self->ring = g_strdup (options->ring);
  self->answer = options->answer;
  self->wait_seconds = options->wait_seconds > 0 ? options->wait_seconds : 30;
  self->fallback_turn = g_strdup (options->fallback_turn);
  return self;
}

void
cs_bot_xmpp_start (CsBotXmpp *self, CsBotXmppReadyFunc ready, gpointer user_data)
{
  self->ready = ready;
  self->ready_data = user_data;

  self->client = cs_xmpp_client_new (self->address);
  if (self->host != NULL)
    cs_xmpp_client_set_server (self->client, self->host, self->port);
  if (self->ca_file != NULL)
    cs_xmpp_client_set_ca_file (self->client, self->ca_file);
  if (self->answer)
    {
      /* Before the incoming calls connect theirs: see on_stanza_allow_caller(). */
      if (self->members == NULL || self->members[0] == NULL)
        g_signal_connect (self->client, "stanza-received", G_CALLBACK (on_stanza_allow_caller),
                          self);
      /* Made before signing in, so that it turns carbons on as soon as we are online. */
      self->incoming = cs_incoming_calls_new (self->client);
      cs_incoming_calls_set_allowed (self->incoming, (const char *const *) self->members);
      g_signal_connect (self->incoming, "incoming", G_CALLBACK (on_incoming), self);
      g_signal_connect (self->incoming, "stopped", G_CALLBACK (on_incoming_stopped), self);
      g_signal_connect (self->incoming, "dropped", G_CALLBACK (on_incoming_dropped), self);
    }
  else if (self->ring == NULL)
    {
      self->invites = cs_call_invites_new (self->client);
      g_signal_connect (self->invites, "invite", G_CALLBACK (on_invite), self);
      g_signal_connect (self->invites, "rejected", G_CALLBACK (on_invite_rejected), self);
    }
  else
    {
      /* Before the call's own handler, which ends the call on it. */
      g_signal_connect (self->client, "stanza-received", G_CALLBACK (on_stanza_declined), self);
    }
  self->give_up_id = g_timeout_add_seconds (self->wait_seconds * 2, on_give_up, self);

  if (self->register_first)
    cs_xmpp_client_register_async (self->client, self->password, NULL, on_signed_in, self);
  else
    cs_xmpp_client_connect_async (self->client, self->password, NULL, on_signed_in, self);
}

gboolean
cs_bot_xmpp_is_direct (CsBotXmpp *self)
{
  return self->ring != NULL || self->answer;
}

const char *const *
cs_bot_xmpp_get_ice_servers (CsBotXmpp *self)
{
  return (const char *const *) self->ice_servers;
}

void
cs_bot_xmpp_announce_left (CsBotXmpp *self)
{
  if (self->invites != NULL && self->invite_id != NULL)
    cs_call_invites_leave (self->invites, self->circle, self->invite_id);
}

static void
on_state_while_signing_out (CsXmppClient *client, GParamSpec *pspec, gpointer user_data)
{
  if (cs_xmpp_client_get_state (client) == CS_XMPP_STATE_OFFLINE)
    *(gboolean *) user_data = TRUE;
}

static gboolean
on_sign_out_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
cs_bot_xmpp_sign_out (CsBotXmpp *self, guint timeout_ms)
{
  gboolean done = FALSE;
  gulong handler;
  guint timeout;

  if (self->client == NULL || cs_xmpp_client_get_state (self->client) == CS_XMPP_STATE_OFFLINE)
    return;

  handler = g_signal_connect (self->client, "notify::state",
                              G_CALLBACK (on_state_while_signing_out), &done);
  timeout = g_timeout_add (timeout_ms, on_sign_out_timeout, &done);
  cs_xmpp_client_disconnect (self->client);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (self->client, handler);
  if (cs_xmpp_client_get_state (self->client) == CS_XMPP_STATE_OFFLINE)
    g_source_remove (timeout);
}

void
cs_bot_xmpp_free (CsBotXmpp *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->give_up_id, g_source_remove);
  g_clear_handle_id (&self->decide_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->invites != NULL)
    g_signal_handlers_disconnect_by_data (self->invites, self);
  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  if (self->direct != NULL)
    g_signal_handlers_disconnect_by_data (self->direct, self);
  if (self->incoming != NULL)
    g_signal_handlers_disconnect_by_data (self->incoming, self);
  g_clear_object (&self->signaling);
  g_clear_object (&self->call);
  g_clear_object (&self->direct);
  g_clear_object (&self->incoming);
  g_clear_object (&self->invites);
  g_clear_object (&self->client);
  g_strfreev (self->ice_servers);
  g_strfreev (self->members);
  g_free (self->address);
  g_free (self->password);
  g_free (self->host);
  g_free (self->ca_file);
  g_free (self->nick);
  g_free (self->circle);
  g_free (self->create_circle_name);
  g_free (self->fallback_turn);
  g_free (self->call_room);
  g_free (self->invite_id);
  g_free (self->ring);
  g_free (self->pending_id);
  g_free (self);
}
