/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* CsMujiCall's insides, shared by cs-muji-call.c (the object, the room, the Jingle sessions
 * with the participants) and cs-muji-call-presence.c (our MUJI presence and the others'). */

#include "cs-muji-call.h"
#include "cs-jingle-sessions.h"

G_BEGIN_DECLS

typedef struct
{
  char *nick;
  char *address; /* real bare address */
  /* Real full address, when the room shows it: Jingle goes there, as Dino 0.4 does. */
  char *device;
  char *name; /* display name */
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
  /* Our MUJI presence says what we send, and the media engine has the roster. */
  gboolean in_call;
  gboolean left;
  guint entry_retries;
  guint retry_id;
  guint prepare_id;

  GHashTable *participants; /* nick -> Participant */
  GHashTable *preparing;    /* nicks of allowed occupants still preparing */
  GHashTable *waiting_for;  /* those of them we wait for before taking part, or NULL */
  /* One Jingle session per participant: between real full addresses when the room shows
   * them (what Dino 0.4 expects; ours is then the one the room shows for us), else through the
   * room (room@service/nick, XEP-0272's form), which is also always accepted. */
  CsJingleSessions *device_sessions;
  CsJingleSessions *room_sessions;
};

/* cs-muji-call.c */
G_GNUC_INTERNAL void cs_muji_call_drop (CsMujiCall *self, const char *from, const char *reason);
G_GNUC_INTERNAL gboolean cs_muji_call_is_allowed (CsMujiCall *self, const char *address);
G_GNUC_INTERNAL void cs_muji_call_participant_gone (CsMujiCall *self, Participant *participant);
G_GNUC_INTERNAL void cs_muji_call_announce (CsMujiCall *self, Participant *participant);
G_GNUC_INTERNAL void cs_muji_call_emit_roster (CsMujiCall *self);

/* cs-muji-call-presence.c */
G_GNUC_INTERNAL void cs_muji_call_set_presence (CsMujiCall *self, gboolean preparing);
G_GNUC_INTERNAL void cs_muji_call_start_preparing (CsMujiCall *self);
G_GNUC_INTERNAL void cs_muji_call_on_presence (CsMujiCall *self, xmpp_stanza_t *stanza);

G_END_DECLS
