/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-ringer"

#include "config.h"

#include "cs-ringer.h"
#include "cs-incoming-calls.h"
#include "cs-ring-sound.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

typedef struct
{
  char *id;
  /* A circle's call: its room and the invite's id; a one-to-one call: neither. */
  char *circle_room;
  gint64 circle_id;
  char *circle_name;
  char *caller_name;
  gint64 contact_id;
  gboolean video;
  GDateTime *started_at;
  guint alarm_id;
  guint64 order;
} Ring;

struct _CsRinger
{
  GObject parent_instance;

  GApplication *application; /* unowned: it owns us, through the call manager */
  CsStore *store;
  CsCircleRooms *rooms;
  CsClock *clock;
  CsXmppClient *client;
  CsCallInvites *invites;
  CsIncomingCalls *incoming;
  CsRingerInCallFunc in_call_func;
  gpointer in_call_data;

  GHashTable *ringing; /* id -> Ring */
  guint64 last_order;

  CsRingSound *sound;
};

G_DEFINE_FINAL_TYPE (CsRinger, cs_ringer, G_TYPE_OBJECT)

enum
{
  CHANGED,
  STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ring_free (gpointer data)
{
  Ring *ring = data;

  g_free (ring->id);
  g_free (ring->circle_room);
  g_free (ring->circle_name);
  g_free (ring->caller_name);
  g_clear_pointer (&ring->started_at, g_date_time_unref);
  g_free (ring);
}

static char *
ring_notification_id (const char *id)
{
  return g_strconcat ("ring:", id, NULL);
}

static char *
missed_notification_id (const char *id)
{
  return g_strconcat ("missed:", id, NULL);
}

static char *
ring_title (Ring *ring)
{
  /* Translators: %s is the name of the person calling, such as "Mamie Jeanne". */
  return g_strdup_printf (_ ("%s is calling"), ring->caller_name);
}

static const char *
ring_context (Ring *ring)
{
  if (ring->circle_name != NULL)
    return ring->circle_name;
  return ring->video ? _ ("Video call") : _ ("Voice call");
}

static void
update_sound (CsRinger *self)
{
  cs_ring_sound_set_playing (self->sound, g_hash_table_size (self->ringing) > 0);
}

/* Ringing starts and stops. */

static void
log_missed_call (CsRinger *self, Ring *ring)
{
  g_autoptr (GError) error = NULL;

  if (!cs_store_log_missed_call (self->store, ring->started_at, ring->circle_id, ring->contact_id,
                                 &error))
    g_warning ("Could not keep the missed call in the history: %s", error->message);
}

static void
notify_missed (CsRinger *self, Ring *ring)
{
  g_autoptr (GNotification) notification = g_notification_new (_ ("Missed call"));
  g_autofree char *notification_id = missed_notification_id (ring->id);
  g_autofree char *body = NULL;

  if (ring->circle_name != NULL)
    /* Translators: the first %s is a person's name, the second a circle's name. */
    body = g_strdup_printf (_ ("%s called · %s"), ring->caller_name, ring->circle_name);
  else
    /* Translators: %s is a person's name. */
    body = g_strdup_printf (_ ("%s called you"), ring->caller_name);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);
  /* Calling back goes through the same actions as the circle's and the contact's pages. */
  if (ring->circle_id > 0)
    {
      g_notification_set_default_action_and_target (notification, "app.join-circle-call", "x",
                                                    ring->circle_id);
      g_notification_add_button_with_target (notification, _ ("Call Back"), "app.join-circle-call",
                                             "x", ring->circle_id);
    }
  else if (ring->contact_id > 0)
    {
      g_notification_set_default_action_and_target (notification, "app.call-contact", "x",
                                                    ring->contact_id);
      g_notification_add_button_with_target (notification, _ ("Call Back"), "app.call-contact", "x",
                                             ring->contact_id);
    }
  g_application_send_notification (self->application, notification_id, notification);
}

/* @id stops ringing because of @why. */
static void
stop_ring (CsRinger *self, const char *id, CsRingEnd why)
{
  Ring *ring = g_hash_table_lookup (self->ringing, id);
  g_autofree char *held = g_strdup (id);
  g_autofree char *notification_id = NULL;

  if (ring == NULL)
    return;

  g_debug ("%s stops ringing (%d)", id, why);
  if (ring->alarm_id != 0)
    cs_clock_remove_alarm (self->clock, ring->alarm_id);
  ring->alarm_id = 0;
  notification_id = ring_notification_id (id);
  g_application_withdraw_notification (self->application, notification_id);
  if (why == CS_RING_GAVE_UP || why == CS_RING_NO_ANSWER)
    {
      log_missed_call (self, ring);
      notify_missed (self, ring);
    }
  g_hash_table_remove (self->ringing, id);
  update_sound (self);
  g_signal_emit (self, signals[STOPPED], 0, held, why);
  g_signal_emit (self, signals[CHANGED], 0);
}

typedef struct
{
  CsRinger *self;
  char *id;
} Alarm;

static void
alarm_free (gpointer data)
{
  Alarm *alarm = data;

  g_free (alarm->id);
  g_free (alarm);
}

static void
on_ring_timeout (gpointer user_data)
{
  Alarm *alarm = user_data;
  Ring *ring = g_hash_table_lookup (alarm->self->ringing, alarm->id);

  if (ring == NULL)
    return;
  /* The clock forgets the alarm once fired. */
  ring->alarm_id = 0;
  stop_ring (alarm->self, alarm->id, CS_RING_NO_ANSWER);
}

static void
start_ring (CsRinger *self, Ring *ring)
{
  g_autoptr (GNotification) notification = NULL;
  g_autoptr (GDateTime) until = NULL;
  g_autofree char *notification_id = ring_notification_id (ring->id);
  g_autofree char *title = ring_title (ring);
  Alarm *alarm = g_new0 (Alarm, 1);

  ring->started_at = cs_clock_get_now (self->clock);
  ring->order = ++self->last_order;
  g_hash_table_replace (self->ringing, ring->id, ring);

  until = g_date_time_add_seconds (ring->started_at, CS_RINGER_SECONDS);
  alarm->self = self;
  alarm->id = g_strdup (ring->id);
  ring->alarm_id = cs_clock_add_alarm (self->clock, until, on_ring_timeout, alarm, alarm_free);

  notification = g_notification_new (title);
  g_notification_set_body (notification, ring_context (ring));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_category (notification, "call.incoming");
  g_notification_set_default_action_and_target (notification, "app.answer-call", "s", ring->id);
  g_notification_add_button_with_target (notification, _ ("Join"), "app.answer-call", "s",
                                         ring->id);
  g_notification_add_button_with_target (notification, _ ("Decline"), "app.decline-call", "s",
                                         ring->id);
  g_application_send_notification (self->application, notification_id, notification);

  g_debug ("%s rings: %s, %s", ring->id, title, ring_context (ring));
  update_sound (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* What the user's contacts call the one with @address, else @fallback. */
static char *
name_for (CsRinger *self, const char *address, const char *fallback, gint64 *contact_id)
{
  CsContact *contact = cs_store_find_contact_by_address (self->store, address);

  *contact_id = contact != NULL ? cs_contact_get_id (contact) : 0;
  return g_strdup (contact != NULL ? cs_contact_get_name (contact) : fallback);
}

/* Circles' calls. */

static gboolean
is_own (CsRinger *self, const char *circle_room, const char *nick)
{
  const char *address = cs_circle_rooms_get_occupant_address (self->rooms, circle_room, nick);
  g_autofree char *own_nick = cs_circle_rooms_dup_own_nickname (self->rooms);

  if (address != NULL && self->client != NULL)
    {
      g_autofree char *bare = cs_stanza_bare_jid (address);

      return g_strcmp0 (bare, cs_xmpp_client_get_address (self->client)) == 0;
    }
  return g_strcmp0 (nick, own_nick) == 0;
}

static void
on_invite (CsCallInvites *invites,
           const char *circle_room,
           const char *invite_id,
           const char *from_nick,
           const char *call_room,
           gboolean video,
           gboolean live,
           CsRinger *self)
{
  CsCircle *circle;
  Ring *ring;
  const char *address;

  /* Replayed from the room's history: that call rang (or not) long ago. */
  if (!live || g_hash_table_contains (self->ringing, invite_id))
    return;
  circle = cs_circle_rooms_find_circle (self->rooms, circle_room);
  if (circle == NULL)
    return;
  /* The user's own call, from this device or another. */
  if (is_own (self, circle_room, from_nick))
    return;
  if (self->in_call_func != NULL && self->in_call_func (circle_room, self->in_call_data))
    return;

  address = cs_circle_rooms_get_occupant_address (self->rooms, circle_room, from_nick);
  ring = g_new0 (Ring, 1);
  ring->id = g_strdup (invite_id);
  ring->circle_room = g_strdup (circle_room);
  ring->circle_id = cs_circle_get_id (circle);
  ring->circle_name = g_strdup (cs_circle_get_name (circle));
  ring->video = video;
  if (address != NULL)
    {
      g_autofree char *bare = cs_stanza_bare_jid (address);

      ring->caller_name = name_for (self, bare, from_nick, &ring->contact_id);
    }
  else
    {
      ring->caller_name = g_strdup (from_nick);
    }
  start_ring (self, ring);
}

static Ring *
find_circle_ring (CsRinger *self, const char *circle_room, const char *invite_id)
{
  Ring *ring = g_hash_table_lookup (self->ringing, invite_id);

  return ring != NULL && g_strcmp0 (ring->circle_room, circle_room) == 0 ? ring : NULL;
}

static void
on_retracted (CsCallInvites *invites,
              const char *circle_room,
              const char *invite_id,
              CsRinger *self)
{
  if (find_circle_ring (self, circle_room, invite_id) != NULL)
    stop_ring (self, invite_id, CS_RING_GAVE_UP);
}

static void
on_rejected (CsCallInvites *invites,
             const char *circle_room,
             const char *invite_id,
             const char *nick,
             CsRinger *self)
{
  if (find_circle_ring (self, circle_room, invite_id) != NULL && is_own (self, circle_room, nick))
    stop_ring (self, invite_id, CS_RING_DECLINED_ELSEWHERE);
}

static void
on_participants_changed (CsCallInvites *invites,
                         const char *circle_room,
                         const char *invite_id,
                         CsRinger *self)
{
  g_auto (GStrv) nicks = NULL;
  const char *going_on;

  if (find_circle_ring (self, circle_room, invite_id) == NULL)
    return;

  nicks = cs_call_invites_dup_participants (invites, circle_room, invite_id);
  for (guint i = 0; nicks != NULL && nicks[i] != NULL; i++)
    if (is_own (self, circle_room, nicks[i]))
      {
        stop_ring (self, invite_id, CS_RING_ANSWERED_ELSEWHERE);
        return;
      }

  /* Everybody left: the call is over before the user answered. */
  going_on = cs_call_invites_find_going_on (invites, circle_room, NULL);
  if (g_strcmp0 (going_on, invite_id) != 0)
    stop_ring (self, invite_id, CS_RING_GAVE_UP);
}

/* One-to-one calls. */

static void
on_incoming (CsIncomingCalls *incoming,
             const char *id,
             const char *from,
             const char *name,
             gboolean video,
             CsRinger *self)
{
  Ring *ring;

  if (g_hash_table_contains (self->ringing, id))
    return;
  ring = g_new0 (Ring, 1);
  ring->id = g_strdup (id);
  ring->video = video;
  ring->caller_name = name_for (self, from, name, &ring->contact_id);
  start_ring (self, ring);
}

static void
on_incoming_stopped (CsIncomingCalls *incoming, const char *id, int why, CsRinger *self)
{
  Ring *ring = g_hash_table_lookup (self->ringing, id);

  if (ring == NULL || ring->circle_room != NULL)
    return;
  switch ((CsIncomingCallEnd) why)
    {
    case CS_INCOMING_CALL_ANSWERED_ELSEWHERE:
      stop_ring (self, id, CS_RING_ANSWERED_ELSEWHERE);
      break;
    case CS_INCOMING_CALL_REJECTED_ELSEWHERE:
      stop_ring (self, id, CS_RING_DECLINED_ELSEWHERE);
      break;
    case CS_INCOMING_CALL_RETRACTED:
    case CS_INCOMING_CALL_EXPIRED:
    default:
      stop_ring (self, id, CS_RING_GAVE_UP);
      break;
    }
}

/* Who may ring one to one: the user's contacts with an address (the circles' members are
 * among them). */
static void
update_allowed (CsRinger *self)
{
  GListModel *contacts;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) allowed = NULL;

  if (self->incoming == NULL)
    return;
  contacts = cs_store_get_contacts (self->store);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (CsContact) contact = g_list_model_get_item (contacts, i);
      const char *address = cs_contact_get_xmpp_address (contact);

      if (address != NULL && *address != '\0')
        g_strv_builder_add (builder, address);
    }
  allowed = g_strv_builder_end (builder);
  cs_incoming_calls_set_allowed (self->incoming, (const char *const *) allowed);
}

static void
on_contacts_changed (GListModel *contacts,
                     guint position,
                     guint removed,
                     guint added,
                     CsRinger *self)
{
  update_allowed (self);
}

static void
cs_ringer_dispose (GObject *object)
{
  CsRinger *self = CS_RINGER (object);

  cs_ringer_set_client (self, NULL, NULL);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (cs_store_get_contacts (self->store), self);
  g_clear_object (&self->sound);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);
  g_clear_object (&self->rooms);

  G_OBJECT_CLASS (cs_ringer_parent_class)->dispose (object);
}

static void
cs_ringer_finalize (GObject *object)
{
  CsRinger *self = CS_RINGER (object);

  g_hash_table_unref (self->ringing);

  G_OBJECT_CLASS (cs_ringer_parent_class)->finalize (object);
}

static void
cs_ringer_class_init (CsRingerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_ringer_dispose;
  object_class->finalize = cs_ringer_finalize;

  signals[CHANGED] =
    g_signal_new ("changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STOPPED] = g_signal_new ("stopped", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
}

static void
cs_ringer_init (CsRinger *self)
{
  self->ringing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, ring_free);
  self->sound = cs_ring_sound_new ();
}

CsRinger *
cs_ringer_new (GApplication *application, CsStore *store, CsCircleRooms *rooms)
{
  CsRinger *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE_ROOMS (rooms), NULL);

  self = g_object_new (CS_TYPE_RINGER, NULL);
  self->application = application;
  self->store = g_object_ref (store);
  self->rooms = g_object_ref (rooms);
  self->clock = cs_clock_new_system ();
  g_signal_connect (cs_store_get_contacts (store), "items-changed",
                    G_CALLBACK (on_contacts_changed), self);
  return self;
}

void
cs_ringer_set_client (CsRinger *self, CsXmppClient *client, CsCallInvites *invites)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (CS_IS_RINGER (self));
  g_return_if_fail (client == NULL || CS_IS_XMPP_CLIENT (client));
  g_return_if_fail (invites == NULL || CS_IS_CALL_INVITES (invites));

  if (self->client == client && self->invites == invites)
    return;

  /* What rang through the old connection cannot be answered through the new one. */
  g_hash_table_iter_init (&iter, self->ringing);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *notification_id = ring_notification_id (key);

      g_application_withdraw_notification (self->application, notification_id);
    }
  g_hash_table_remove_all (self->ringing);
  update_sound (self);

  if (self->invites != NULL)
    g_signal_handlers_disconnect_by_data (self->invites, self);
  if (self->incoming != NULL)
    g_signal_handlers_disconnect_by_data (self->incoming, self);
  g_clear_object (&self->incoming);
  g_clear_object (&self->invites);
  g_clear_object (&self->client);

  if (client != NULL && invites != NULL)
    {
      self->client = g_object_ref (client);
      self->invites = g_object_ref (invites);
      g_signal_connect (invites, "invite", G_CALLBACK (on_invite), self);
      g_signal_connect (invites, "retracted", G_CALLBACK (on_retracted), self);
      g_signal_connect (invites, "rejected", G_CALLBACK (on_rejected), self);
      g_signal_connect (invites, "participants-changed", G_CALLBACK (on_participants_changed),
                        self);
      self->incoming = cs_incoming_calls_new (client);
      g_signal_connect (self->incoming, "incoming", G_CALLBACK (on_incoming), self);
      g_signal_connect (self->incoming, "stopped", G_CALLBACK (on_incoming_stopped), self);
      update_allowed (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

void
cs_ringer_set_in_call_func (CsRinger *self, CsRingerInCallFunc func, gpointer user_data)
{
  g_return_if_fail (CS_IS_RINGER (self));

  self->in_call_func = func;
  self->in_call_data = user_data;
}

void
cs_ringer_set_clock (CsRinger *self, CsClock *clock)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CS_IS_RINGER (self));
  g_return_if_fail (CS_IS_CLOCK (clock));

  if (self->clock == clock)
    return;
  /* What rings now keeps its limit, counted on the new clock from now. */
  g_hash_table_iter_init (&iter, self->ringing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Ring *ring = value;

      if (ring->alarm_id != 0)
        cs_clock_remove_alarm (self->clock, ring->alarm_id);
      ring->alarm_id = 0;
    }
  g_set_object (&self->clock, clock);
  g_hash_table_iter_init (&iter, self->ringing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Ring *ring = value;
      g_autoptr (GDateTime) until = NULL;
      Alarm *alarm = g_new0 (Alarm, 1);

      g_clear_pointer (&ring->started_at, g_date_time_unref);
      ring->started_at = cs_clock_get_now (clock);
      until = g_date_time_add_seconds (ring->started_at, CS_RINGER_SECONDS);
      alarm->self = self;
      alarm->id = g_strdup (ring->id);
      ring->alarm_id = cs_clock_add_alarm (clock, until, on_ring_timeout, alarm, alarm_free);
    }
}

CsClock *
cs_ringer_get_clock (CsRinger *self)
{
  g_return_val_if_fail (CS_IS_RINGER (self), NULL);

  return self->clock;
}

const char *
cs_ringer_get_latest (CsRinger *self)
{
  GHashTableIter iter;
  gpointer value;
  Ring *latest = NULL;

  g_return_val_if_fail (CS_IS_RINGER (self), NULL);

  g_hash_table_iter_init (&iter, self->ringing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Ring *ring = value;

      if (latest == NULL || ring->order > latest->order)
        latest = ring;
    }
  return latest != NULL ? latest->id : NULL;
}

gboolean
cs_ringer_is_ringing (CsRinger *self, const char *id)
{
  g_return_val_if_fail (CS_IS_RINGER (self), FALSE);

  return id != NULL && g_hash_table_contains (self->ringing, id);
}

char *
cs_ringer_dup_title (CsRinger *self, const char *id)
{
  Ring *ring;

  g_return_val_if_fail (CS_IS_RINGER (self), NULL);

  ring = id != NULL ? g_hash_table_lookup (self->ringing, id) : NULL;
  return ring != NULL ? ring_title (ring) : NULL;
}

const char *
cs_ringer_get_context (CsRinger *self, const char *id)
{
  Ring *ring;

  g_return_val_if_fail (CS_IS_RINGER (self), NULL);

  ring = id != NULL ? g_hash_table_lookup (self->ringing, id) : NULL;
  return ring != NULL ? ring_context (ring) : NULL;
}

gboolean
cs_ringer_answer (CsRinger *self, const char *id, gint64 *circle_id, CsDirectCall **direct)
{
  Ring *ring;

  g_return_val_if_fail (CS_IS_RINGER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  *circle_id = 0;
  *direct = NULL;
  ring = g_hash_table_lookup (self->ringing, id);
  if (ring == NULL)
    return FALSE;
  if (ring->circle_room != NULL)
    *circle_id = ring->circle_id;
  else
    *direct = cs_incoming_calls_accept (self->incoming, id);
  stop_ring (self, id, CS_RING_ANSWERED);
  return *circle_id > 0 || *direct != NULL;
}

void
cs_ringer_decline (CsRinger *self, const char *id)
{
  Ring *ring;

  g_return_if_fail (CS_IS_RINGER (self));
  g_return_if_fail (id != NULL);

  ring = g_hash_table_lookup (self->ringing, id);
  if (ring == NULL)
    return;
  if (ring->circle_room != NULL)
    cs_call_invites_reject (self->invites, ring->circle_room, ring->id);
  else
    cs_incoming_calls_reject (self->incoming, ring->id);
  stop_ring (self, id, CS_RING_DECLINED);
}

guint
cs_ringer_get_sound_plays (CsRinger *self)
{
  g_return_val_if_fail (CS_IS_RINGER (self), 0);

  return cs_ring_sound_get_plays (self->sound);
}
