/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-muji-call"

/* CsMujiCall's MUJI presences (XEP-0272): ours (preparing, then the contents we send) and the
 * other occupants' (who takes part, who is still preparing and how long we wait for them). */

#include "config.h"

#include "cs-muji-call-private.h"
#include "cs-jingle-sessions.h"
#include "cs-xmpp-stanza-util.h"

#include <string.h>

#define NS_MUJI "urn:xmpp:jingle:muji:0"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_NICK "http://jabber.org/protocol/nick"
#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_RTP "urn:xmpp:jingle:apps:rtp:1"
#define NS_RTCP_FB "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"

/* Someone whose presence went away is kept this long before they count as gone: after a
 * server restart everyone comes back, and the media never stopped. */
#define ABSENCE_GRACE_SECONDS 20
#define MAX_PARTICIPANTS 64
#define MAX_NAME_LENGTH 100
/* How long we wait for occupants who are still preparing (XEP-0272) before we take part
 * anyway: a client that crashed while preparing must not keep us out of the call. */
#define PREPARING_WAIT_SECONDS 5

/* Our presence in the call room. */

typedef struct
{
  const char *name;
  const char *value;
} Parameter;

/* What the media engine sends (src/media/cs-call-peer-send.c, as webrtcbin offers it: see
 * tests/fixtures/sdp), declared in our MUJI presence so that Dino 0.4 can pick the payload
 * types everyone in the call shares. */
typedef struct
{
  const char *media;
  guint id;
  const char *name;
  guint clockrate;
  guint channels;
  Parameter parameters[2];
  Parameter feedback[5]; /* rtcp-fb type and subtype */
} PayloadType;

static const PayloadType payload_types[] = {
  { "audio", 111, "opus", 48000, 2, { { "useinbandfec", "1" } }, { { "transport-cc", NULL } } },
  { "video",
    96,
    "VP8",
    90000,
    1,
    { { NULL } },
    { { "nack", NULL }, { "nack", "pli" }, { "ccm", "fir" }, { "transport-cc", NULL } } },
  { "video", 97, "rtx", 90000, 1, { { "apt", "96" } }, { { NULL } } },
};

static void
add_payload_type (xmpp_stanza_t *description, const PayloadType *type)
{
  xmpp_stanza_t *element = cs_stanza_add_child (description, "payload-type", NULL);
  g_autofree char *id = g_strdup_printf ("%u", type->id);
  g_autofree char *clockrate = g_strdup_printf ("%u", type->clockrate);

  xmpp_stanza_set_attribute (element, "id", id);
  xmpp_stanza_set_attribute (element, "name", type->name);
  xmpp_stanza_set_attribute (element, "clockrate", clockrate);
  if (type->channels > 1)
    {
      g_autofree char *channels = g_strdup_printf ("%u", type->channels);

      xmpp_stanza_set_attribute (element, "channels", channels);
    }
  for (guint i = 0; i < G_N_ELEMENTS (type->parameters) && type->parameters[i].name != NULL; i++)
    {
      xmpp_stanza_t *parameter = cs_stanza_add_child (element, "parameter", NULL);

      xmpp_stanza_set_attribute (parameter, "name", type->parameters[i].name);
      xmpp_stanza_set_attribute (parameter, "value", type->parameters[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (type->feedback) && type->feedback[i].name != NULL; i++)
    {
      xmpp_stanza_t *feedback = cs_stanza_add_child (element, "rtcp-fb", NS_RTCP_FB);

      xmpp_stanza_set_attribute (feedback, "type", type->feedback[i].name);
      if (type->feedback[i].value != NULL)
        xmpp_stanza_set_attribute (feedback, "subtype", type->feedback[i].value);
    }
}

static void
add_content (xmpp_stanza_t *muji, const char *media)
{
  xmpp_stanza_t *content = cs_stanza_add_child (muji, "content", NS_JINGLE);
  xmpp_stanza_t *description = cs_stanza_add_child (content, "description", NS_RTP);

  xmpp_stanza_set_attribute (content, "name", media);
  xmpp_stanza_set_attribute (description, "media", media);
  for (guint i = 0; i < G_N_ELEMENTS (payload_types); i++)
    if (g_str_equal (payload_types[i].media, media))
      add_payload_type (description, &payload_types[i]);
}

/* XEP-0272: while @preparing, <muji><preparing/></muji> (we are entering, others should not
 * count on us yet); then the contents we send. Our display name goes along (XEP-0172). */
void
cs_muji_call_set_presence (CsMujiCall *self, gboolean preparing)
{
  xmpp_ctx_t *ctx = cs_xmpp_client_get_context (self->client);
  xmpp_stanza_t *payloads = xmpp_stanza_new (ctx);
  xmpp_stanza_t *muji;
  xmpp_stanza_t *name;

  xmpp_stanza_set_name (payloads, "payloads");
  muji = cs_stanza_add_child (payloads, "muji", NS_MUJI);
  if (preparing)
    {
      cs_stanza_add_child (muji, "preparing", NULL);
    }
  else
    {
      add_content (muji, "audio");
      add_content (muji, "video");
    }
  name = cs_stanza_add_child (payloads, "nick", NS_NICK);
  cs_stanza_add_text (name, self->display_name != NULL ? self->display_name : self->nick);
  cs_xmpp_client_set_room_payload (self->client, self->room, payloads);
  xmpp_stanza_release (payloads);
}

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
        cs_muji_call_participant_gone (absence->self, participant);
    }
  return G_SOURCE_REMOVE;
}

/* Once nobody we waited for is preparing any more (or they took too long): our full presence,
 * and the roster for the media engine, which then offers to everyone in it. */
static void
take_part (CsMujiCall *self)
{
  if (self->in_call || self->left)
    return;
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  g_clear_pointer (&self->waiting_for, g_hash_table_unref);
  self->in_call = TRUE;
  cs_muji_call_set_presence (self, FALSE);
  cs_muji_call_emit_roster (self);
}

static gboolean
on_prepare_timeout (gpointer user_data)
{
  CsMujiCall *self = user_data;

  self->prepare_id = 0;
  g_debug ("Occupants of %s still preparing after %d s: taking part anyway", self->room,
           PREPARING_WAIT_SECONDS);
  take_part (self);
  return G_SOURCE_REMOVE;
}

static void
done_preparing (CsMujiCall *self, const char *nick)
{
  g_hash_table_remove (self->preparing, nick);
  if (self->waiting_for != NULL && g_hash_table_remove (self->waiting_for, nick) &&
      g_hash_table_size (self->waiting_for) == 0)
    take_part (self);
}

/* Entered the room: we wait for the occupants preparing now (XEP-0272), not for later ones. */
void
cs_muji_call_start_preparing (CsMujiCall *self)
{
  GHashTableIter iter;
  const char *nick;

  self->waiting_for = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->preparing);
  while (g_hash_table_iter_next (&iter, (gpointer *) &nick, NULL))
    g_hash_table_add (self->waiting_for, g_strdup (nick));

  if (g_hash_table_size (self->waiting_for) == 0)
    {
      take_part (self);
      return;
    }
  g_debug ("Waiting for %u occupants of %s who are preparing",
           g_hash_table_size (self->waiting_for), self->room);
  self->prepare_id = g_timeout_add_seconds (PREPARING_WAIT_SECONDS, on_prepare_timeout, self);
}

void
cs_muji_call_on_presence (CsMujiCall *self, xmpp_stanza_t *stanza)
{
  const char *from = xmpp_stanza_get_from (stanza);
  g_autofree char *room = cs_stanza_bare_jid (from);
  const char *nick = strchr (from, '/');
  gboolean available = xmpp_stanza_get_type (stanza) == NULL;
  xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns (stanza, "x", NS_MUC_USER);
  xmpp_stanza_t *item = x != NULL ? xmpp_stanza_get_child_by_name (x, "item") : NULL;
  xmpp_stanza_t *muji = xmpp_stanza_get_child_by_name_and_ns (stanza, "muji", NS_MUJI);
  xmpp_stanza_t *name_element = xmpp_stanza_get_child_by_name_and_ns (stanza, "nick", NS_NICK);
  const char *item_jid = item != NULL ? xmpp_stanza_get_attribute (item, "jid") : NULL;
  g_autofree char *address = NULL;
  Participant *participant;

  if (g_strcmp0 (room, self->room) != 0 || nick == NULL || self->left)
    return;
  nick++;
  if (x != NULL && cs_stanza_has_muc_status (x, "110"))
    {
      /* Ourselves (see on_room_joined): the room shows others this address of ours, which
       * our Jingle with their real addresses comes from. */
      if (available && item_jid != NULL && strchr (item_jid, '/') != NULL)
        cs_jingle_sessions_set_local_address (self->device_sessions, item_jid);
      return;
    }

  participant = g_hash_table_lookup (self->participants, nick);
  if (!available)
    {
      done_preparing (self, nick);
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
    {
      done_preparing (self, nick);
      return; /* in the room, not in the call */
    }

  if (item_jid != NULL)
    address = cs_stanza_bare_jid (item_jid);
  if (!cs_muji_call_is_allowed (self, address))
    {
      cs_muji_call_drop (self, from, "not a member of this circle");
      return;
    }

  if (xmpp_stanza_get_child_by_name (muji, "preparing") != NULL)
    {
      /* Entering the call, not in it yet: they will offer to us once they are. */
      if (participant == NULL && g_hash_table_size (self->preparing) < MAX_PARTICIPANTS)
        g_hash_table_add (self->preparing, g_strdup (nick));
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
      cs_muji_call_participant_gone (self, participant);
      participant = g_new0 (Participant, 1);
      participant->nick = g_strdup (nick);
      g_hash_table_insert (self->participants, participant->nick, participant);
    }

  if (participant->device != NULL && g_strcmp0 (participant->device, item_jid) != 0)
    {
      /* Back with another resource, after a reconnection: the media never stopped, so the
       * session goes on at the new address (a restarted client's new offer replaces it). */
      if (item_jid != NULL && strchr (item_jid, '/') != NULL)
        cs_jingle_sessions_move_peer (self->device_sessions, participant->device, item_jid);
      else
        cs_jingle_sessions_forget (self->device_sessions, participant->device);
    }
  g_free (participant->device);
  participant->device =
    item_jid != NULL && strchr (item_jid, '/') != NULL ? g_strdup (item_jid) : NULL;
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

  /* Once in, they are in the roster if this was what we waited for. */
  done_preparing (self, nick);

  /* Those who arrive after us make the offer; they are announced to the media engine now
   * so that their offer finds a place ready. */
  if (self->in_call)
    cs_muji_call_announce (self, participant);
}
