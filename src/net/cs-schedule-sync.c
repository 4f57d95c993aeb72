/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-schedule-sync"

#include "config.h"

#include "cs-schedule-sync.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_HINTS "urn:xmpp:hints"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

/* Bounds on what a room may make us parse and store: a family's series is a few hundred
 * bytes, and a year of weekly exceptions stays far below these. */
#define MAX_PAYLOAD_BYTES (64 * 1024)
#define MAX_UID_LENGTH 256
#define MAX_TITLE_LENGTH 512
#define MAX_RRULE_LENGTH 1024
#define MAX_FIELD_LENGTH 64
#define MAX_EXCEPTIONS 512
#define MAX_DURATION_MINUTES (7 * 24 * 60)

typedef struct
{
  char *address; /* bare, or NULL when the room hid it */
  char *affiliation;
} Occupant;

struct _CsScheduleSync
{
  GObject parent_instance;

  CsXmppClient *client;
  CsStore *store;
  /* room -> (nick -> Occupant): who is in each room now, from their presences. The room
   * sends them before its history, so replayed payloads are judged by who sent them. */
  GHashTable *rooms;
  /* Rooms of our circles just entered, until our own presence tells our affiliation. */
  GHashTable *entering;
};

G_DEFINE_FINAL_TYPE (CsScheduleSync, cs_schedule_sync, G_TYPE_OBJECT)

enum
{
  APPLIED,
  IGNORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
occupant_free (gpointer data)
{
  Occupant *occupant = data;

  g_free (occupant->address);
  g_free (occupant->affiliation);
  g_free (occupant);
}

static CsCircle *
find_circle (CsScheduleSync *self, const char *room)
{
  GListModel *circles = cs_store_get_circles (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (circles); i++)
    {
      g_autoptr (CsCircle) circle = g_list_model_get_item (circles, i);
      const char *address = cs_circle_get_room_address (circle);

      if (address != NULL && g_ascii_strcasecmp (address, room) == 0)
        return circle; /* the store keeps its own reference */
    }
  return NULL;
}

static char *
child_text (xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name)
{
  xmpp_stanza_t *child = xmpp_stanza_get_child_by_name (parent, name);
  char *text;
  char *copy;

  if (child == NULL || (text = xmpp_stanza_get_text (child)) == NULL)
    return NULL;
  copy = g_strdup (text);
  xmpp_free (ctx, text);
  return copy;
}

static gboolean
parse_uint (const char *text, guint64 max, guint64 *value)
{
  return text != NULL && strlen (text) <= MAX_FIELD_LENGTH &&
         g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL);
}

/* A local date-time of the series' zone, in its canonical text form, or NULL. */
static char *
canonical_local (const char *text, GTimeZone *zone)
{
  g_autoptr (GDateTime) datetime = NULL;

  if (text == NULL || strlen (text) > MAX_FIELD_LENGTH)
    return NULL;
  datetime = cs_scheduled_call_parse_local (text, zone);
  return datetime != NULL ? cs_scheduled_call_format_local (datetime) : NULL;
}

/* The series described by @element (organiser and circle left to the caller), or NULL with
 * the reason in @reason when it is malformed. */
static CsScheduledCall *
parse_series (CsScheduleSync *self, xmpp_stanza_t *element, const char **reason)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_new ();
  g_autofree char *title = child_text (ctx, element, "title");
  g_autofree char *start_text = child_text (ctx, element, "start");
  g_autofree char *duration_text = child_text (ctx, element, "duration");
  g_autofree char *rrule = child_text (ctx, element, "rrule");
  g_autofree char *start = NULL;
  xmpp_stanza_t *start_element = xmpp_stanza_get_child_by_name (element, "start");
  const char *tzid =
    start_element != NULL ? xmpp_stanza_get_attribute (start_element, "tzid") : NULL;
  g_autoptr (GDateTime) dtstart = NULL;
  GTimeZone *zone;
  guint64 duration = 0;
  guint n_exceptions = 0;

  *reason = "malformed series";
  if (title == NULL || strlen (title) > MAX_TITLE_LENGTH || !g_utf8_validate (title, -1, NULL) ||
      tzid == NULL || strlen (tzid) > MAX_FIELD_LENGTH ||
      !parse_uint (duration_text, MAX_DURATION_MINUTES, &duration) || duration == 0 ||
      (rrule != NULL && strlen (rrule) > MAX_RRULE_LENGTH))
    return NULL;

  cs_scheduled_call_set_title (call, title);
  cs_scheduled_call_set_tzid (call, tzid);
  zone = cs_scheduled_call_get_timezone (call);
  if (zone == NULL || (start = canonical_local (start_text, zone)) == NULL)
    return NULL;
  dtstart = cs_scheduled_call_parse_local (start, zone);
  cs_scheduled_call_set_dtstart (call, dtstart);
  cs_scheduled_call_set_duration_minutes (call, (guint) duration);
  cs_scheduled_call_set_rrule (call, rrule != NULL && rrule[0] != '\0' ? rrule : NULL);

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (element); child != NULL;
       child = xmpp_stanza_get_next (child))
    {
      const char *name = xmpp_stanza_get_name (child);
      g_autofree char *recurrence_id = NULL;
      g_autofree char *new_start = NULL;

      if (!xmpp_stanza_is_tag (child) ||
          (g_strcmp0 (name, "skip") != 0 && g_strcmp0 (name, "move") != 0))
        continue;
      if (++n_exceptions > MAX_EXCEPTIONS)
        return NULL;
      recurrence_id = canonical_local (xmpp_stanza_get_attribute (child, "recurrence-id"), zone);
      if (recurrence_id == NULL)
        return NULL;
      if (g_str_equal (name, "move") &&
          (new_start = canonical_local (xmpp_stanza_get_attribute (child, "start"), zone)) == NULL)
        return NULL;
      cs_scheduled_call_set_exception_text (call, recurrence_id, new_start);
    }

  *reason = NULL;
  return g_steal_pointer (&call);
}

static void
ignore (CsScheduleSync *self, const char *room, const char *nick, const char *reason)
{
  g_debug ("Ignoring a schedule payload from %s/%s: %s", room, nick, reason);
  g_signal_emit (self, signals[IGNORED], 0, room, nick, reason);
}

static gboolean
is_organiser (Occupant *occupant)
{
  return occupant != NULL && occupant->address != NULL &&
         (g_strcmp0 (occupant->affiliation, "owner") == 0 ||
          g_strcmp0 (occupant->affiliation, "admin") == 0);
}

/* The sender's occupant if it may change the circle's schedule. */
static Occupant *
find_organiser (CsScheduleSync *self, const char *room, const char *nick, xmpp_stanza_t *message)
{
  GHashTable *occupants = g_hash_table_lookup (self->rooms, room);
  Occupant *occupant = occupants != NULL ? g_hash_table_lookup (occupants, nick) : NULL;

  if (!is_organiser (occupant))
    return NULL;

  /* Some servers (Prosody's archive) name the real sender of a replayed message; a message
   * posted under this nick by someone else before the organiser took it must not pass. */
  for (xmpp_stanza_t *x = xmpp_stanza_get_children (message); x != NULL;
       x = xmpp_stanza_get_next (x))
    {
      xmpp_stanza_t *item;
      g_autofree char *bare = NULL;

      if (!xmpp_stanza_is_tag (x) || g_strcmp0 (xmpp_stanza_get_name (x), "x") != 0 ||
          g_strcmp0 (xmpp_stanza_get_ns (x), NS_MUC_USER) != 0)
        continue;
      item = xmpp_stanza_get_child_by_name (x, "item");
      if (item == NULL || xmpp_stanza_get_attribute (item, "jid") == NULL)
        continue;
      bare = cs_stanza_bare_jid (xmpp_stanza_get_attribute (item, "jid"));
      if (g_ascii_strcasecmp (bare, occupant->address) != 0)
        return NULL;
    }

  return occupant;
}

static void
apply_payload (CsScheduleSync *self,
               const char *room,
               const char *nick,
               xmpp_stanza_t *message,
               xmpp_stanza_t *element)
{
  CsCircle *circle = find_circle (self, room);
  Occupant *organiser;
  const char *uid = xmpp_stanza_get_attribute (element, "uid");
  const char *state = xmpp_stanza_get_attribute (element, "state");
  const char *reason = NULL;
  g_autoptr (CsScheduledCall) stored = NULL;
  g_autoptr (CsScheduledCall) incoming = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 sequence = 0;
  gint64 circle_id;

  if (circle == NULL)
    return; /* not a circle of ours */
  circle_id = cs_circle_get_id (circle);

  organiser = find_organiser (self, room, nick, message);
  if (organiser == NULL)
    {
      ignore (self, room, nick, "not from the circle's organiser");
      return;
    }

  text = cs_stanza_to_string (element);
  if (text == NULL || strlen (text) > MAX_PAYLOAD_BYTES)
    {
      ignore (self, room, nick, "oversized payload");
      return;
    }

  if (uid == NULL || uid[0] == '\0' || strlen (uid) > MAX_UID_LENGTH ||
      !g_utf8_validate (uid, -1, NULL) ||
      !parse_uint (xmpp_stanza_get_attribute (element, "sequence"), G_MAXINT32, &sequence) ||
      (g_strcmp0 (state, "live") != 0 && g_strcmp0 (state, "cancelled") != 0 &&
       g_strcmp0 (state, "deleted") != 0))
    {
      ignore (self, room, nick, "malformed payload");
      return;
    }

  stored = cs_store_find_scheduled_call_by_uid (self->store, uid, &error);
  if (stored == NULL && !g_error_matches (error, CS_STORE_ERROR, CS_STORE_ERROR_NOT_FOUND))
    {
      g_warning ("Could not read the schedule: %s", error->message);
      return;
    }
  g_clear_error (&error);

  /* A room speaks for its own circle only. */
  if (stored != NULL && cs_scheduled_call_get_circle_id (stored) != circle_id)
    {
      ignore (self, room, nick, "a series of another circle");
      return;
    }
  /* Every change raises the sequence: an equal one is the copy we have (our own echo, a
   * replay), a lower one is older. */
  if (stored != NULL && sequence <= cs_scheduled_call_get_sequence (stored))
    {
      ignore (self, room, nick, "not newer than the stored series");
      return;
    }

  if (g_str_equal (state, "deleted"))
    {
      if (stored == NULL)
        {
          ignore (self, room, nick, "deletion of an unknown series");
          return;
        }
      if (!cs_store_delete_scheduled_call (self->store, stored, &error))
        {
          ignore (self, room, nick, error->message);
          return;
        }
      g_signal_emit (self, signals[APPLIED], 0, circle_id, uid, (guint) sequence);
      return;
    }

  incoming = parse_series (self, element, &reason);
  if (incoming == NULL)
    {
      ignore (self, room, nick, reason);
      return;
    }
  cs_scheduled_call_set_uid (incoming, uid);
  cs_scheduled_call_set_sequence (incoming, (guint) sequence);
  cs_scheduled_call_set_cancelled (incoming, g_str_equal (state, "cancelled"));
  cs_scheduled_call_set_circle_id (incoming, circle_id);
  /* Who sent it, as the room told us, not what the payload claims. */
  cs_scheduled_call_set_organiser (incoming, organiser->address);

  {
    g_autoptr (GPtrArray) calls = g_ptr_array_new ();

    g_ptr_array_add (calls, incoming);
    /* One transaction, and the store's own rule: only a higher sequence replaces. */
    if (!cs_store_import_scheduled_calls (self->store, circle_id, calls, NULL, NULL, &error))
      {
        ignore (self, room, nick, error->message);
        return;
      }
  }
  g_signal_emit (self, signals[APPLIED], 0, circle_id, uid, (guint) sequence);
}

static void
on_stanza_received (CsXmppClient *client, xmpp_stanza_t *stanza, CsScheduleSync *self)
{
  const char *from = xmpp_stanza_get_from (stanza);
  const char *slash = from != NULL ? strchr (from, '/') : NULL;
  g_autofree char *room = NULL;
  g_autoptr (CsScheduleSync) hold = g_object_ref (self);

  /* Only what a circle's room relays under an occupant's nick. */
  if (g_strcmp0 (xmpp_stanza_get_name (stanza), "message") != 0 ||
      g_strcmp0 (xmpp_stanza_get_type (stanza), "groupchat") != 0 || slash == NULL ||
      slash[1] == '\0')
    return;
  room = cs_stanza_bare_jid (from);

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_name (child), "schedule") == 0 &&
        g_strcmp0 (xmpp_stanza_get_ns (child), CS_SCHEDULE_SYNC_NS) == 0)
      apply_payload (self, room, slash + 1, stanza, child);
}

static Occupant *
find_self (CsScheduleSync *self, const char *room)
{
  GHashTable *occupants = g_hash_table_lookup (self->rooms, room);
  const char *address = cs_xmpp_client_get_address (self->client);
  GHashTableIter iter;
  gpointer value;

  if (occupants == NULL)
    return NULL;
  g_hash_table_iter_init (&iter, occupants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Occupant *occupant = value;

      if (occupant->address != NULL && g_ascii_strcasecmp (occupant->address, address) == 0)
        return occupant;
    }
  return NULL;
}

/* An organiser entering the room publishes the whole schedule again: members who entered
 * while the organiser was away ignored what the history replayed, and the history is
 * bounded. */
static void
republish (CsScheduleSync *self, const char *room)
{
  CsCircle *circle = find_circle (self, room);
  g_autoptr (GError) error = NULL;

  g_hash_table_remove (self->entering, room);
  if (circle != NULL && !cs_schedule_sync_publish_circle (self, circle, &error))
    g_warning ("Could not publish the schedule of %s: %s", room, error->message);
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, CsScheduleSync *self)
{
  if (room == NULL || find_circle (self, room) == NULL)
    return;

  /* A room we just made sends our presence before it is configured and joined. */
  if (is_organiser (find_self (self, room)))
    republish (self, room);
  else
    g_hash_table_add (self->entering, g_strdup (room));
}

static void
on_occupant_changed (CsXmppClient *client,
                     const char *room,
                     const char *nick,
                     const char *address,
                     const char *affiliation,
                     gboolean available,
                     CsScheduleSync *self)
{
  GHashTable *occupants;
  Occupant *occupant;

  if (room == NULL || nick == NULL)
    return;

  occupants = g_hash_table_lookup (self->rooms, room);
  if (!available)
    {
      if (occupants != NULL)
        g_hash_table_remove (occupants, nick);
      return;
    }

  if (occupants == NULL)
    {
      occupants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, occupant_free);
      g_hash_table_insert (self->rooms, g_strdup (room), occupants);
    }
  occupant = g_new0 (Occupant, 1);
  occupant->address = cs_stanza_bare_jid (address);
  occupant->affiliation = g_strdup (affiliation);
  g_hash_table_replace (occupants, g_strdup (nick), occupant);

  if (g_hash_table_contains (self->entering, room) && occupant == find_self (self, room))
    {
      if (is_organiser (occupant))
        republish (self, room);
      else
        g_hash_table_remove (self->entering, room);
    }
}

static void
on_state_changed (CsXmppClient *client, GParamSpec *pspec, CsScheduleSync *self)
{
  /* Presences come again when the rooms are entered again. */
  if (cs_xmpp_client_get_state (client) != CS_XMPP_STATE_ONLINE)
    {
      g_hash_table_remove_all (self->rooms);
      g_hash_table_remove_all (self->entering);
    }
}

static void
cs_schedule_sync_dispose (GObject *object)
{
  CsScheduleSync *self = CS_SCHEDULE_SYNC (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_schedule_sync_parent_class)->dispose (object);
}

static void
cs_schedule_sync_finalize (GObject *object)
{
  CsScheduleSync *self = CS_SCHEDULE_SYNC (object);

  g_hash_table_unref (self->rooms);
  g_hash_table_unref (self->entering);

  G_OBJECT_CLASS (cs_schedule_sync_parent_class)->finalize (object);
}

static void
cs_schedule_sync_class_init (CsScheduleSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = cs_schedule_sync_dispose;
  object_class->finalize = cs_schedule_sync_finalize;

  signals[APPLIED] = g_signal_new ("applied", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_UINT);
  signals[IGNORED] = g_signal_new ("ignored", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cs_schedule_sync_init (CsScheduleSync *self)
{
  self->rooms =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->entering = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CsScheduleSync *
cs_schedule_sync_new (CsXmppClient *client, CsStore *store)
{
  CsScheduleSync *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);

  self = g_object_new (CS_TYPE_SCHEDULE_SYNC, NULL);
  self->client = g_object_ref (client);
  self->store = g_object_ref (store);
  g_signal_connect (client, "stanza-received", G_CALLBACK (on_stanza_received), self);
  g_signal_connect (client, "occupant-changed", G_CALLBACK (on_occupant_changed), self);
  g_signal_connect (client, "room-joined", G_CALLBACK (on_room_joined), self);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state_changed), self);
  return self;
}

static const char *
room_of_call (CsScheduleSync *self, CsScheduledCall *call, GError **error)
{
  CsCircle *circle = cs_store_find_circle (self->store, cs_scheduled_call_get_circle_id (call));
  const char *room = circle != NULL ? cs_circle_get_room_address (circle) : NULL;

  if (room == NULL)
    g_set_error_literal (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED,
                         _ ("This circle has no room yet, so its members cannot see its "
                            "schedule. Connect to your account and try again."));
  return room;
}

static void
add_text_child (xmpp_stanza_t *parent, const char *name, const char *text)
{
  cs_stanza_add_text (cs_stanza_add_child (parent, name, NULL), text);
}

static void
send_payload (CsScheduleSync *self, const char *room, CsScheduledCall *call, const char *state)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  g_autofree char *id = g_uuid_string_random ();
  xmpp_stanza_t *message = xmpp_message_new (ctx, "groupchat", room, id);
  xmpp_stanza_t *schedule = cs_stanza_add_child (message, "schedule", CS_SCHEDULE_SYNC_NS);
  guint sequence = cs_scheduled_call_get_sequence (call);
  g_autofree char *sequence_text = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  /* A deletion is one more change of the series. */
  if (g_str_equal (state, "deleted"))
    sequence++;
  sequence_text = g_strdup_printf ("%u", sequence);
  xmpp_stanza_set_attribute (schedule, "uid", cs_scheduled_call_get_uid (call));
  xmpp_stanza_set_attribute (schedule, "sequence", sequence_text);
  xmpp_stanza_set_attribute (schedule, "state", state);
  xmpp_stanza_set_attribute (schedule, "stamp", stamp);

  if (!g_str_equal (state, "deleted"))
    {
      g_autofree char *start =
        cs_scheduled_call_format_local (cs_scheduled_call_get_dtstart (call));
      g_autofree char *duration =
        g_strdup_printf ("%u", cs_scheduled_call_get_duration_minutes (call));
      g_auto (GStrv) exceptions = cs_scheduled_call_dup_exception_ids (call);
      xmpp_stanza_t *start_element;

      add_text_child (schedule, "title", cs_scheduled_call_get_title (call));
      start_element = cs_stanza_add_child (schedule, "start", NULL);
      xmpp_stanza_set_attribute (start_element, "tzid", cs_scheduled_call_get_tzid (call));
      cs_stanza_add_text (start_element, start);
      add_text_child (schedule, "duration", duration);
      if (cs_scheduled_call_get_rrule (call) != NULL)
        add_text_child (schedule, "rrule", cs_scheduled_call_get_rrule (call));
      add_text_child (schedule, "organiser", cs_xmpp_client_get_address (self->client));

      for (guint i = 0; exceptions != NULL && exceptions[i] != NULL; i++)
        {
          g_autoptr (GDateTime) new_start = NULL;
          xmpp_stanza_t *exception;

          cs_scheduled_call_lookup_exception (call, exceptions[i], &new_start);
          exception = cs_stanza_add_child (schedule, new_start != NULL ? "move" : "skip", NULL);
          xmpp_stanza_set_attribute (exception, "recurrence-id", exceptions[i]);
          if (new_start != NULL)
            {
              g_autofree char *text = cs_scheduled_call_format_local (new_start);

              xmpp_stanza_set_attribute (exception, "start", text);
            }
        }
    }

  /* No body, so that other clients show nothing; the hint makes the room keep it in its
   * history and archive for members who come later. */
  cs_stanza_add_child (message, "store", NS_HINTS);
  cs_xmpp_client_send (self->client, message);
  xmpp_stanza_release (message);
}

gboolean
cs_schedule_sync_publish (CsScheduleSync *self, CsScheduledCall *call, GError **error)
{
  const char *room;

  g_return_val_if_fail (CS_IS_SCHEDULE_SYNC (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (cs_scheduled_call_get_uid (call) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  room = room_of_call (self, call, error);
  if (room == NULL)
    return FALSE;

  send_payload (self, room, call, cs_scheduled_call_get_cancelled (call) ? "cancelled" : "live");
  return TRUE;
}

gboolean
cs_schedule_sync_publish_deleted (CsScheduleSync *self, CsScheduledCall *call, GError **error)
{
  const char *room;

  g_return_val_if_fail (CS_IS_SCHEDULE_SYNC (self), FALSE);
  g_return_val_if_fail (CS_IS_SCHEDULED_CALL (call), FALSE);
  g_return_val_if_fail (cs_scheduled_call_get_uid (call) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  room = room_of_call (self, call, error);
  if (room == NULL)
    return FALSE;

  send_payload (self, room, call, "deleted");
  return TRUE;
}

gboolean
cs_schedule_sync_publish_circle (CsScheduleSync *self, CsCircle *circle, GError **error)
{
  g_autoptr (GListModel) calls = NULL;

  g_return_val_if_fail (CS_IS_SCHEDULE_SYNC (self), FALSE);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  calls = cs_store_list_scheduled_calls (self->store, cs_circle_get_id (circle), TRUE, error);
  if (calls == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);

      if (!cs_schedule_sync_publish (self, call, error))
        return FALSE;
    }
  return TRUE;
}
