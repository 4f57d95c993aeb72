/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/* The network thread behind a CsXmppClient. libstrophe is not thread-safe and blocks in
 * its connect and TLS handshake, so one thread owns the connection; the client talks to
 * it through a command queue and gets events back on its main context. */
typedef struct _CsXmppWorker CsXmppWorker;

typedef struct
{
  char *address;
  char *password;
  char *host;
  guint16 port;
  char *ca_file;
  char *pinned_fingerprint;
  gboolean register_first;
} CsXmppLogin;

typedef enum
{
  CS_XMPP_EVENT_STATE,
  CS_XMPP_EVENT_PRESENCE,
  CS_XMPP_EVENT_MUC_SERVICE,
  CS_XMPP_EVENT_ROOM_JOINED,
  CS_XMPP_EVENT_ROOM_ERROR,
  CS_XMPP_EVENT_OCCUPANT,
  CS_XMPP_EVENT_INVITATION,
  CS_XMPP_EVENT_MEMBER_LISTED,
  /* A call signalling stanza, as XML in text. */
  CS_XMPP_EVENT_STANZA,
  /* The answer (XML in text) to the request whose id is in jid; text is NULL when the
   * connection went away before an answer came. */
  CS_XMPP_EVENT_IQ_ANSWER,
} CsXmppEventKind;

typedef struct
{
  CsXmppEventKind kind;
  CsXmppState state;
  GError *error;
  char *fingerprint;
  char *from;
  gboolean available;
  char *room;
  char *nick;
  char *jid;
  char *text;
} CsXmppEvent;

typedef void (*CsXmppEventFunc) (CsXmppEvent *event, gpointer user_data);

CsXmppLogin *cs_xmpp_login_copy (const CsXmppLogin *login);
void cs_xmpp_login_free (CsXmppLogin *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsXmppLogin, cs_xmpp_login_free)

/* @func runs on @context with each event; @user_data must outlive the worker. */
CsXmppWorker *cs_xmpp_worker_new (GMainContext *context, CsXmppEventFunc func, gpointer user_data);
void cs_xmpp_worker_connect (CsXmppWorker *self, const CsXmppLogin *login);
void cs_xmpp_worker_disconnect (CsXmppWorker *self);
/* Joins @room as @nick; with @create, a new room is configured as a circle's room named
 * @name (persistent, members-only, non-anonymous). */
void cs_xmpp_worker_join_room (CsXmppWorker *self,
                               const char *room,
                               const char *nick,
                               gboolean create,
                               const char *name);
void cs_xmpp_worker_leave_room (CsXmppWorker *self, const char *room);
/* Gives @room (which we own) the name @name, with a circle's room settings. */
void cs_xmpp_worker_configure_room (CsXmppWorker *self, const char *room, const char *name);
/* Asks @room for its owners, admins and members (each arrives as a MEMBER_LISTED event). */
void cs_xmpp_worker_list_members (CsXmppWorker *self, const char *room);
/* Sends @xml as it is: tests use it to play a misbehaving peer. */
void cs_xmpp_worker_send_raw (CsXmppWorker *self, const char *xml);
void cs_xmpp_worker_set_affiliation (CsXmppWorker *self,
                                     const char *room,
                                     const char *jid,
                                     const char *affiliation);
void cs_xmpp_worker_invite (CsXmppWorker *self,
                            const char *room,
                            const char *jid,
                            const char *reason);
/* Sends the stanza @xml when online (dropped otherwise). With @track_id (the stanza's id, an
 * iq get or set), its answer arrives as an IQ_ANSWER event. */
void cs_xmpp_worker_send (CsXmppWorker *self, const char *xml, const char *track_id);
/* Adds @payload_xml to our presence in @room (NULL removes it), now and at every entry. */
void cs_xmpp_worker_set_room_payload (CsXmppWorker *self,
                                      const char *room,
                                      const char *payload_xml);
guint64 cs_xmpp_worker_get_wakeups (CsXmppWorker *self);
/* Stops the thread, waits for it, and frees the worker. Events not yet delivered are dropped. */
void cs_xmpp_worker_free (CsXmppWorker *self);

G_END_DECLS
