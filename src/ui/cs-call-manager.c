/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-manager"

#include "config.h"

#include "cs-call-manager.h"
#include "cs-call-joiner.h"
#include "cs-call-recorder.h"
#include "cs-call-window.h"
#include "cs-direct-call.h"
#include "cs-ice-servers.h"
#include "cs-muji-call.h"
#include "cs-ringer.h"
#include "cs-window.h"
#include "cs-xmpp-signaling.h"

#include <glib/gi18n.h>

/* A one-to-one call rings this long before it gives up. */
#define RING_SECONDS 45

struct _CsCallManager
{
  GObject parent_instance;

  GtkApplication *application;
  CsStore *store;
  CsCircleRooms *rooms;
  GSettings *settings;
  CsXmppClient *client;
  CsCallInvites *invites;
  char **ice_servers;
  GCancellable *cancellable;
  /* Calls coming to the user: they ring until taken, declined or missed. */
  CsRinger *ringer;

  /* Deciding which call to join (CsCallJoiner at work). */
  CsCallJoiner *joiner;
  GCancellable *join_cancellable;
  gint64 joining_circle_id;

  /* The call going on. */
  CsCall *call;
  CsXmppSignaling *signaling;
  CsMujiCall *muji;
  CsDirectCall *direct;
  CsCallRecorder *recorder;
  /* Unowned: see start_call(). */
  CsCallWindow *window;
  gint64 circle_id;
  char *circle_room;
  char *invite_id;
};

G_DEFINE_FINAL_TYPE (CsCallManager, cs_call_manager, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_IN_CALL,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CIRCLE_CALL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void end_call (CsCallManager *self);

/* Tells the user what went wrong: in the main window when there is one, else on its own. */
static void
show_problem (CsCallManager *self, const char *heading, const char *message)
{
  GtkWindow *active = gtk_application_get_active_window (self->application);
  GtkWidget *dialog;

  g_message ("%s: %s", heading, message);
  if (CS_IS_WINDOW (active))
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 6);
      cs_window_add_toast (CS_WINDOW (active), toast);
      return;
    }

  dialog = adw_message_dialog_new (active, heading, message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), NULL);
  gtk_window_set_application (GTK_WINDOW (dialog), self->application);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
emit_circle_changed (CsCallManager *self, gint64 circle_id)
{
  if (circle_id > 0)
    g_signal_emit (self, signals[CIRCLE_CALL_CHANGED], 0, circle_id);
}

static void
on_invites_changed (CsCallInvites *invites,
                    const char *circle_room,
                    const char *invite_id,
                    CsCallManager *self)
{
  CsCircle *circle = cs_circle_rooms_find_circle (self->rooms, circle_room);

  if (circle != NULL)
    emit_circle_changed (self, cs_circle_get_id (circle));
}

static void
on_invite (CsCallInvites *invites,
           const char *circle_room,
           const char *invite_id,
           const char *from_nick,
           const char *call_room,
           gboolean video,
           gboolean live,
           CsCallManager *self)
{
  on_invites_changed (invites, circle_room, invite_id, self);
}

static void
on_ice_servers (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsCallManager *self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) discovered =
    cs_ice_servers_discover_finish (CS_XMPP_CLIENT (source), result, &error);
  g_autofree char *fallback = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("No relay from the server: %s", error->message);

  fallback = g_settings_get_string (self->settings, "turn-server");
  g_strfreev (self->ice_servers);
  self->ice_servers = cs_ice_servers_choose ((const char *const *) discovered, fallback);
}

static void
on_client_state (CsXmppClient *client, GParamSpec *pspec, CsCallManager *self)
{
  /* Each time we are back online: the server's relay credentials are short-lived. */
  if (cs_xmpp_client_get_state (client) == CS_XMPP_STATE_ONLINE)
    cs_ice_servers_discover_async (client, self->cancellable, on_ice_servers, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

/* The call itself. */

/* The contact behind @peer, from the real address the call knows for them, or NULL. */
static CsContact *
peer_contact (CsCallManager *self, CsCallPeer *peer)
{
  const char *address = NULL;

  if (self->muji != NULL)
    address = cs_muji_call_get_peer_address (self->muji, cs_call_peer_get_id (peer));
  else if (self->direct != NULL)
    address = cs_direct_call_get_contact (self->direct);
  return cs_store_find_contact_by_address (self->store, address);
}

static gint64
resolve_peer (CsCallPeer *peer, gpointer user_data)
{
  CsContact *contact = peer_contact (user_data, peer);

  return contact != NULL ? cs_contact_get_id (contact) : 0;
}

static char *
name_peer (CsCallPeer *peer, gpointer user_data)
{
  CsContact *contact = peer_contact (user_data, peer);

  return g_strdup (contact != NULL ? cs_contact_get_name (contact)
                                   : cs_call_peer_get_display_name (peer));
}

/* The circle's members not in the call: what the header shows as "not here yet". */
static void
update_absent_members (CsCallManager *self)
{
  CsCircle *circle;
  GListModel *members;
  GListModel *peers;
  g_autoptr (GStrvBuilder) absent = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;

  if (self->window == NULL || self->circle_id <= 0 || self->call == NULL)
    return;
  circle = cs_store_find_circle (self->store, self->circle_id);
  if (circle == NULL)
    return;

  members = cs_store_get_members (self->store, circle);
  peers = cs_call_get_peers (self->call);
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr (CsMember) member = g_list_model_get_item (members, i);
      CsContact *contact = cs_member_get_contact (member);
      gboolean present = FALSE;

      for (guint j = 0; j < g_list_model_get_n_items (peers) && !present; j++)
        {
          g_autoptr (CsCallPeer) peer = g_list_model_get_item (peers, j);

          present = peer_contact (self, peer) == contact;
        }
      if (!present)
        g_strv_builder_add (absent, cs_contact_get_name (contact));
    }
  names = g_strv_builder_end (absent);
  cs_call_window_set_absent_members (self->window, (const char *const *) names);
}

static void
on_peers_changed (GListModel *peers,
                  guint position,
                  guint removed,
                  guint added,
                  CsCallManager *self)
{
  update_absent_members (self);
}

static void
on_call_state (CsCall *call, GParamSpec *pspec, CsCallManager *self)
{
  CsCallState state = cs_call_get_state (call);

  if (state != CS_CALL_STATE_LEFT && state != CS_CALL_STATE_FAILED)
    return;
  /* Others see at once that we are gone, even while the window still shows why. */
  if (self->invites != NULL && self->invite_id != NULL)
    {
      cs_call_invites_leave (self->invites, self->circle_room, self->invite_id);
      g_clear_pointer (&self->invite_id, g_free);
    }
  emit_circle_changed (self, self->circle_id);
}

static void
on_window_destroyed (GtkWidget *window, CsCallManager *self)
{
  g_signal_handlers_disconnect_by_data (self->window, self);
  self->window = NULL;
  end_call (self);
}

static void
end_call (CsCallManager *self)
{
  gint64 circle_id = self->circle_id;

  if (self->call == NULL)
    return;

  if (cs_call_get_state (self->call) != CS_CALL_STATE_LEFT &&
      cs_call_get_state (self->call) != CS_CALL_STATE_FAILED)
    cs_call_leave (self->call);
  on_call_state (self->call, NULL, self);

  g_signal_handlers_disconnect_by_data (self->call, self);
  g_signal_handlers_disconnect_by_data (cs_call_get_peers (self->call), self);
  if (self->window != NULL)
    {
      CsCallWindow *window = g_steal_pointer (&self->window);

      g_signal_handlers_disconnect_by_data (window, self);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  /* The recorder writes the call to the history as it goes. */
  g_clear_object (&self->recorder);
  g_clear_object (&self->call);
  g_clear_object (&self->signaling);
  if (self->muji != NULL)
    g_signal_handlers_disconnect_by_data (self->muji, self);
  g_clear_object (&self->muji);
  g_clear_object (&self->direct);
  g_clear_pointer (&self->circle_room, g_free);
  g_clear_pointer (&self->invite_id, g_free);
  self->circle_id = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_CALL]);
  emit_circle_changed (self, circle_id);
}

/* Makes the call and its window around @signaling, and joins. */
static void
start_call (CsCallManager *self,
            CsXmppSignaling *signaling,
            const char *call_id,
            gint64 circle_id,
            const char *title)
{
  /* The name the circles' rooms know the user by. */
  g_autofree char *display_name = cs_circle_rooms_dup_own_nickname (self->rooms);
  g_autoptr (GError) error = NULL;

  self->signaling = signaling;
  self->call = cs_call_new (CS_CALL_SIGNALING (signaling), display_name);
  self->circle_id = circle_id;
  if (self->ice_servers != NULL)
    cs_call_set_ice_servers (self->call, (const char *const *) self->ice_servers);
  self->recorder =
    cs_call_recorder_new (self->store, self->call, call_id, circle_id, resolve_peer, self, NULL);

  /* Owned by GTK's list of windows: destroying it (Leave, or closing it) ends the call. */
  self->window = cs_call_window_new (self->application, self->call, title);
  cs_call_window_set_name_func (self->window, name_peer, self, NULL);
  cs_call_window_set_self_name (self->window, display_name);
  g_signal_connect (self->window, "destroy", G_CALLBACK (on_window_destroyed), self);
  g_signal_connect (self->call, "notify::state", G_CALLBACK (on_call_state), self);
  g_signal_connect (cs_call_get_peers (self->call), "items-changed", G_CALLBACK (on_peers_changed),
                    self);
  update_absent_members (self);
  gtk_window_present (GTK_WINDOW (self->window));

  /* A failure (a missing element, say) shows in the window, which reads the call's error. */
  if (!cs_call_join (self->call, &error))
    g_message ("Could not join the call: %s", error->message);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_CALL]);
  emit_circle_changed (self, circle_id);
}

static char **
allowed_addresses (CsCallManager *self, CsCircle *circle)
{
  GListModel *members = cs_store_get_members (self->store, circle);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_strv_builder_add (builder, cs_xmpp_client_get_address (self->client));
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr (CsMember) member = g_list_model_get_item (members, i);
      const char *address = cs_contact_get_xmpp_address (cs_member_get_contact (member));

      if (address != NULL)
        g_strv_builder_add (builder, address);
    }
  return g_strv_builder_end (builder);
}

static void
on_muji_roster (CsMujiCall *muji, GStrv ids, GStrv names, CsCallManager *self)
{
  g_signal_handlers_disconnect_by_func (muji, on_muji_roster, self);
  if (self->invites != NULL && self->invite_id != NULL)
    cs_call_invites_accept (self->invites, self->circle_room, self->invite_id);
}

static void
on_joiner_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsCallManager *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *invite_id = NULL;
  gboolean created = FALSE;
  g_autofree char *call_room =
    cs_call_joiner_run_finish (CS_CALL_JOINER (source), result, &invite_id, &created, &error);
  gint64 circle_id = self->joining_circle_id;
  CsCircle *circle;
  g_autofree char *nick = NULL;
  g_auto (GStrv) allowed = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->joiner);
  g_clear_object (&self->join_cancellable);
  self->joining_circle_id = 0;
  circle = cs_store_find_circle (self->store, circle_id);

  if (call_room == NULL || circle == NULL || self->client == NULL)
    {
      show_problem (self, _ ("Could Not Join the Call"),
                    error != NULL ? error->message : _ ("This circle is gone."));
      return;
    }

  nick = cs_circle_rooms_dup_own_nickname (self->rooms);
  allowed = allowed_addresses (self, circle);
  self->muji = cs_muji_call_new (self->client, call_room, nick, created);
  cs_muji_call_set_allowed (self->muji, (const char *const *) allowed);
  self->circle_room = g_strdup (cs_circle_get_room_address (circle));
  self->invite_id = g_strdup (invite_id);
  /* Others wait for the starter's accept to know the call room is ready: ours goes out once
   * the room has let us in. */
  if (created)
    g_signal_connect (self->muji, "roster", G_CALLBACK (on_muji_roster), self);
  start_call (self, cs_xmpp_signaling_new (self->muji), call_room, circle_id,
              cs_circle_get_name (circle));
  if (!created)
    cs_call_invites_accept (self->invites, self->circle_room, self->invite_id);
}

/* Gives up finding a call to join; its callback sees the cancellation and does nothing. */
static void
stop_joining (CsCallManager *self)
{
  if (self->join_cancellable != NULL)
    g_cancellable_cancel (self->join_cancellable);
  g_clear_object (&self->joiner);
  g_clear_object (&self->join_cancellable);
  self->joining_circle_id = 0;
}

static void
join_circle_now (CsCallManager *self, CsCircle *circle)
{
  g_autofree char *reason = cs_call_manager_dup_unavailable_reason (self, circle);

  if (reason != NULL)
    {
      show_problem (self, _ ("Could Not Join the Call"), reason);
      return;
    }

  self->joining_circle_id = cs_circle_get_id (circle);
  self->join_cancellable = g_cancellable_new ();
  self->joiner =
    cs_call_joiner_new (self->client, self->invites, cs_circle_get_room_address (circle));
  cs_call_joiner_run_async (self->joiner, self->join_cancellable, on_joiner_done, self);
}

static void
call_contact_now (CsCallManager *self, CsContact *contact)
{
  g_autofree char *reason = cs_call_manager_dup_unavailable_reason (self, NULL);
  const char *address = cs_contact_get_xmpp_address (contact);

  if (reason == NULL && address == NULL)
    /* Translators: %s is a contact's name. */
    reason = g_strdup_printf (_ ("%s has no address to call. Add one in their details."),
                              cs_contact_get_name (contact));
  if (reason != NULL)
    {
      show_problem (self, _ ("Could Not Call"), reason);
      return;
    }

  self->direct = cs_direct_call_new (self->client, address, cs_contact_get_name (contact), TRUE);
  cs_direct_call_set_ring_timeout (self->direct, RING_SECONDS);
  start_call (self, cs_xmpp_signaling_new_direct (self->direct),
              cs_direct_call_get_id (self->direct), 0, cs_contact_get_name (contact));
}

/* The one who called, as the user's contacts know them, else their address. */
static const char *
direct_caller_name (CsCallManager *self, CsDirectCall *direct)
{
  CsContact *contact =
    cs_store_find_contact_by_address (self->store, cs_direct_call_get_contact (direct));

  return contact != NULL ? cs_contact_get_name (contact) : cs_direct_call_get_contact (direct);
}

/* Takes @direct (transfer full), answered from its ring. */
static void
answer_direct_now (CsCallManager *self, CsDirectCall *direct)
{
  g_autofree char *reason = cs_call_manager_dup_unavailable_reason (self, NULL);

  if (reason != NULL)
    {
      g_object_unref (direct);
      show_problem (self, _ ("Could Not Join the Call"), reason);
      return;
    }
  self->direct = direct;
  start_call (self, cs_xmpp_signaling_new_direct (self->direct), cs_direct_call_get_id (direct), 0,
              direct_caller_name (self, direct));
}

/* One call at a time: another one asks first. */

typedef struct
{
  CsCallManager *self;
  gint64 circle_id;
  gint64 contact_id;
  /* A one-to-one call the user answered. */
  CsDirectCall *direct;
} Pending;

static void
pending_free (gpointer data, GClosure *closure)
{
  Pending *pending = data;

  /* Answered, then the user stayed in the other call: the caller hears it is declined. */
  if (pending->direct != NULL)
    cs_direct_call_leave (pending->direct);
  g_clear_object (&pending->direct);
  g_free (pending);
}

static void answer_direct_now (CsCallManager *self, CsDirectCall *direct);

static void
on_switch_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Pending *pending = user_data;
  CsCallManager *self = pending->self;

  if (g_strcmp0 (response, "leave") != 0)
    return;

  /* The other call may still be being found rather than going on. */
  stop_joining (self);
  end_call (self);
  if (pending->circle_id > 0 && cs_store_find_circle (self->store, pending->circle_id) != NULL)
    join_circle_now (self, cs_store_find_circle (self->store, pending->circle_id));
  else if (pending->contact_id > 0 &&
           cs_store_find_contact (self->store, pending->contact_id) != NULL)
    call_contact_now (self, cs_store_find_contact (self->store, pending->contact_id));
  else if (pending->direct != NULL)
    answer_direct_now (self, g_steal_pointer (&pending->direct));
}

static void
ask_to_switch (CsCallManager *self,
               const char *other,
               gint64 circle_id,
               gint64 contact_id,
               CsDirectCall *direct)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->circle_id = circle_id;
  pending->contact_id = contact_id;
  pending->direct = direct;

  /* Translators: %s is a circle's or a person's name. */
  body = g_strdup_printf (_ ("You are already in a call. Leave it to call %s?"), other);
  dialog = adw_message_dialog_new (gtk_application_get_active_window (self->application),
                                   _ ("Leave the Current Call?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "stay", _ ("_Stay in the Call"),
                                    "leave", _ ("_Leave and Call"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "leave",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "stay");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "stay");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_switch_response), pending, pending_free,
                         0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
busy_elsewhere (CsCallManager *self)
{
  return self->call != NULL || self->joiner != NULL;
}

/* The ringer's question: is the user in (or joining) that circle's call already? */
static gboolean
is_in_circle_call (const char *circle_room, gpointer user_data)
{
  CsCallManager *self = user_data;
  CsCircle *circle = cs_circle_rooms_find_circle (self->rooms, circle_room);
  gint64 circle_id = circle != NULL ? cs_circle_get_id (circle) : -1;

  return (self->call != NULL && self->circle_id == circle_id) ||
         (self->joiner != NULL && self->joining_circle_id == circle_id);
}

static void
cs_call_manager_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallManager *self = CS_CALL_MANAGER (object);

  switch (prop_id)
    {
    case PROP_IN_CALL:
      g_value_set_boolean (value, cs_call_manager_get_in_call (self));
      break;

    case PROP_AVAILABLE:
      {
        g_autofree char *reason = cs_call_manager_dup_unavailable_reason (self, NULL);

        g_value_set_boolean (value, reason == NULL);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_manager_dispose (GObject *object)
{
  CsCallManager *self = CS_CALL_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  stop_joining (self);
  end_call (self);
  cs_call_manager_set_client (self, NULL);
  g_clear_object (&self->ringer);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->rooms);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->ice_servers, g_strfreev);
  self->application = NULL;

  G_OBJECT_CLASS (cs_call_manager_parent_class)->dispose (object);
}

static void
cs_call_manager_class_init (CsCallManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_call_manager_get_property;
  object_class->dispose = cs_call_manager_dispose;

  properties[PROP_IN_CALL] =
    g_param_spec_boolean ("in-call", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CIRCLE_CALL_CHANGED] =
    g_signal_new ("circle-call-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
cs_call_manager_init (CsCallManager *self)
{
  self->cancellable = g_cancellable_new ();
}

CsCallManager *
cs_call_manager_new (GtkApplication *application,
                     CsStore *store,
                     CsCircleRooms *rooms,
                     GSettings *settings)
{
  CsCallManager *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (rooms), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CS_TYPE_CALL_MANAGER, NULL);
  /* The application owns the manager. */
  self->application = application;
  self->store = g_object_ref (store);
  self->rooms = g_object_ref (rooms);
  self->settings = g_object_ref (settings);
  self->ringer = cs_ringer_new (G_APPLICATION (application), store, rooms);
  cs_ringer_set_in_call_func (self->ringer, is_in_circle_call, self);
  return self;
}

void
cs_call_manager_set_client (CsCallManager *self, CsXmppClient *client)
{
  g_return_if_fail (CS_IS_CALL_MANAGER (self));
  g_return_if_fail (client == NULL || CS_IS_XMPP_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->invites != NULL)
    g_signal_handlers_disconnect_by_data (self->invites, self);
  if (self->ringer != NULL)
    cs_ringer_set_client (self->ringer, NULL, NULL);
  g_clear_object (&self->invites);
  g_clear_pointer (&self->ice_servers, g_strfreev);
  g_set_object (&self->client, client);

  if (client != NULL)
    {
      self->invites = cs_call_invites_new (client);
      g_signal_connect (self->invites, "invite", G_CALLBACK (on_invite), self);
      g_signal_connect (self->invites, "participants-changed", G_CALLBACK (on_invites_changed),
                        self);
      g_signal_connect (self->invites, "retracted", G_CALLBACK (on_invites_changed), self);
      if (self->ringer != NULL)
        cs_ringer_set_client (self->ringer, client, self->invites);
      g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
      on_client_state (client, NULL, self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

char *
cs_call_manager_dup_unavailable_reason (CsCallManager *self, CsCircle *circle)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), NULL);
  g_return_val_if_fail (circle == NULL || CS_IS_CIRCLE (circle), NULL);

  if (self->client == NULL)
    return g_strdup (circle != NULL ? _ ("Sign in to call your circle.")
                                    : _ ("Sign in to make calls."));
  if (cs_xmpp_client_get_state (self->client) != CS_XMPP_STATE_ONLINE)
    return g_strdup (_ ("You are offline. Calls come back as soon as Cousinade is connected "
                        "again."));
  if (circle == NULL)
    return NULL;
  if (cs_circle_get_room_address (circle) == NULL)
    return g_strdup (_ ("This circle is not on your server yet. Try again in a moment."));
  if (!cs_circle_rooms_is_in_room (self->rooms, circle))
    return g_strdup (_ ("Connecting to the circle… Try again in a moment."));
  return NULL;
}

char **
cs_call_manager_dup_circle_call_names (CsCallManager *self, CsCircle *circle)
{
  const char *room;
  const char *invite_id;
  const char *call_room = NULL;
  g_auto (GStrv) nicks = NULL;
  g_autoptr (GStrvBuilder) names = NULL;
  g_autofree char *own_nick = NULL;

  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);

  room = cs_circle_get_room_address (circle);
  if (self->invites == NULL || room == NULL)
    return NULL;
  /* The same rule Join follows (CsCallJoiner), so the page never offers a call that is over. */
  invite_id = cs_call_invites_find_going_on (self->invites, room, &call_room);
  if (invite_id == NULL)
    return NULL;
  nicks = cs_call_invites_dup_participants (self->invites, room, invite_id);
  if (nicks == NULL || nicks[0] == NULL)
    return NULL;

  own_nick = cs_circle_rooms_dup_own_nickname (self->rooms);
  names = g_strv_builder_new ();
  for (guint i = 0; nicks[i] != NULL; i++)
    {
      const char *address = cs_circle_rooms_get_occupant_address (self->rooms, room, nicks[i]);
      CsContact *contact = cs_store_find_contact_by_address (self->store, address);

      if (g_strcmp0 (nicks[i], own_nick) == 0)
        g_strv_builder_add (names, _ ("You"));
      else
        g_strv_builder_add (names, contact != NULL ? cs_contact_get_name (contact) : nicks[i]);
    }
  return g_strv_builder_end (names);
}

void
cs_call_manager_join_circle (CsCallManager *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_CALL_MANAGER (self));
  g_return_if_fail (CS_IS_CIRCLE (circle));

  if (self->call != NULL && self->circle_id == cs_circle_get_id (circle))
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  if (self->joiner != NULL && self->joining_circle_id == cs_circle_get_id (circle))
    return;
  if (busy_elsewhere (self))
    {
      ask_to_switch (self, cs_circle_get_name (circle), cs_circle_get_id (circle), 0, NULL);
      return;
    }
  join_circle_now (self, circle);
}

void
cs_call_manager_call_contact (CsCallManager *self, CsContact *contact)
{
  g_return_if_fail (CS_IS_CALL_MANAGER (self));
  g_return_if_fail (CS_IS_CONTACT (contact));

  if (busy_elsewhere (self))
    {
      ask_to_switch (self, cs_contact_get_name (contact), 0, cs_contact_get_id (contact), NULL);
      return;
    }
  call_contact_now (self, contact);
}

gboolean
cs_call_manager_get_in_call (CsCallManager *self)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), FALSE);

  return self->call != NULL;
}

CsCall *
cs_call_manager_get_call (CsCallManager *self)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), NULL);

  return self->call;
}

GtkWindow *
cs_call_manager_get_window (CsCallManager *self)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), NULL);

  return self->window != NULL ? GTK_WINDOW (self->window) : NULL;
}

gint64
cs_call_manager_get_circle_id (CsCallManager *self)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), 0);

  return self->circle_id;
}

CsRinger *
cs_call_manager_get_ringer (CsCallManager *self)
{
  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), NULL);

  return self->ringer;
}

gboolean
cs_call_manager_answer (CsCallManager *self, const char *ring_id)
{
  gint64 circle_id = 0;
  CsDirectCall *direct = NULL;
  CsCircle *circle;

  g_return_val_if_fail (CS_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (ring_id != NULL, FALSE);

  if (!cs_ringer_answer (self->ringer, ring_id, &circle_id, &direct))
    return FALSE;

  if (direct != NULL)
    {
      if (busy_elsewhere (self))
        ask_to_switch (self, direct_caller_name (self, direct), 0, 0, direct);
      else
        answer_direct_now (self, direct);
      return TRUE;
    }

  circle = cs_store_find_circle (self->store, circle_id);
  if (circle == NULL)
    return FALSE;
  /* The circle's call going on is the one that rang: Join's own rule finds it. */
  cs_call_manager_join_circle (self, circle);
  return TRUE;
}

void
cs_call_manager_decline (CsCallManager *self, const char *ring_id)
{
  g_return_if_fail (CS_IS_CALL_MANAGER (self));
  g_return_if_fail (ring_id != NULL);

  cs_ringer_decline (self->ringer, ring_id);
}
