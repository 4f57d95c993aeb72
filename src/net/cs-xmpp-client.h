/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <strophe.h>

G_BEGIN_DECLS

typedef enum
{
  CS_XMPP_STATE_OFFLINE,
  CS_XMPP_STATE_CONNECTING,
  CS_XMPP_STATE_ONLINE,
  /* The connection dropped; the client tries again by itself after a pause. */
  CS_XMPP_STATE_WAITING_TO_RECONNECT,
} CsXmppState;

#define CS_XMPP_ERROR (cs_xmpp_error_quark ())

typedef enum
{
  CS_XMPP_ERROR_FAILED,
  CS_XMPP_ERROR_UNREACHABLE,
  CS_XMPP_ERROR_NOT_AUTHORIZED,
  /* The server's certificate is not trusted; see
   * cs_xmpp_client_get_untrusted_fingerprint() to ask the user. */
  CS_XMPP_ERROR_CERTIFICATE_UNTRUSTED,
  CS_XMPP_ERROR_REGISTRATION_CLOSED,
  CS_XMPP_ERROR_NAME_TAKEN,
  CS_XMPP_ERROR_CONNECTION_LOST,
  CS_XMPP_ERROR_INVALID_ADDRESS,
} CsXmppError;

#define CS_TYPE_XMPP_CLIENT (cs_xmpp_client_get_type ())
G_DECLARE_FINAL_TYPE (CsXmppClient, cs_xmpp_client, CS, XMPP_CLIENT, GObject)

GQuark cs_xmpp_error_quark (void);

CsXmppClient *cs_xmpp_client_new (const char *address);
const char *cs_xmpp_client_get_address (CsXmppClient *self);

/* Where to connect instead of looking the address's domain up (tests, or a user setting). */
void cs_xmpp_client_set_server (CsXmppClient *self, const char *host, guint16 port);
const char *cs_xmpp_client_get_host (CsXmppClient *self);
guint16 cs_xmpp_client_get_port (CsXmppClient *self);
/* Trust certificates signed by the CA in @path besides the system's (tests). */
void cs_xmpp_client_set_ca_file (CsXmppClient *self, const char *path);
/* A certificate the user accepted, by its SHA-256 fingerprint (lower-case hex). */
void cs_xmpp_client_set_pinned_fingerprint (CsXmppClient *self, const char *fingerprint);
const char *cs_xmpp_client_get_pinned_fingerprint (CsXmppClient *self);
/* The fingerprint of the certificate refused by the last attempt, or NULL. */
const char *cs_xmpp_client_get_untrusted_fingerprint (CsXmppClient *self);

CsXmppState cs_xmpp_client_get_state (CsXmppClient *self);
/* Why the client is offline or waiting to reconnect; NULL when online. */
const GError *cs_xmpp_client_get_error (CsXmppClient *self);

/* Signs in and stays online, reconnecting after drops, until disconnected. Completes when
 * online, or with the reason it could not sign in. */
void cs_xmpp_client_connect_async (CsXmppClient *self,
                                   const char *password,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean cs_xmpp_client_connect_finish (CsXmppClient *self, GAsyncResult *result, GError **error);

/* Creates the account by in-band registration (XEP-0077), then signs in as above. */
void cs_xmpp_client_register_async (CsXmppClient *self,
                                    const char *password,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean cs_xmpp_client_register_finish (CsXmppClient *self, GAsyncResult *result, GError **error);

void cs_xmpp_client_disconnect (CsXmppClient *self);

/* The server's multi-user chat service, found by service discovery once online; NULL
 * until then or if the server has none. */
const char *cs_xmpp_client_get_muc_service (CsXmppClient *self);

/* Rooms (XEP-0045). Results arrive as signals: "room-joined" (room, created), "room-error"
 * (room, GError), "occupant-changed" (room, nick, bare address or NULL, affiliation or NULL,
 * available). Joined rooms are entered again after a reconnection. */
void cs_xmpp_client_join_room (CsXmppClient *self,
                               const char *room,
                               const char *nick,
                               gboolean create,
                               const char *name);
void cs_xmpp_client_leave_room (CsXmppClient *self, const char *room);
/* Renames a room we own (its other settings are set again as for a circle's room). */
void cs_xmpp_client_configure_room (CsXmppClient *self, const char *room, const char *name);
/* Asks a joined room for its owners, admins and members: each arrives as "member-listed"
 * (room, bare address, affiliation). */
void cs_xmpp_client_list_members (CsXmppClient *self, const char *room);
/* "member", "admin", "owner" or "none". */
void cs_xmpp_client_set_affiliation (CsXmppClient *self,
                                     const char *room,
                                     const char *address,
                                     const char *affiliation);
/* A direct invitation (XEP-0249); received ones arrive as "invitation-received" (from, room,
 * reason). */
void cs_xmpp_client_invite (CsXmppClient *self,
                            const char *room,
                            const char *address,
                            const char *reason);

/* Stanzas for call signalling, built and read on the client's main context with this
 * libstrophe context (not the network thread's). Incoming ones arrive as "stanza-received"
 * (xmpp_stanza_t *, valid during the emission): iq get/set with a Jingle payload, messages
 * with call payloads, and presences in rooms that have a payload (call rooms). */
xmpp_ctx_t *cs_xmpp_client_get_context (CsXmppClient *self);
/* Sends @stanza when online; it is dropped otherwise. */
void cs_xmpp_client_send (CsXmppClient *self, xmpp_stanza_t *stanza);
/* Sends the iq get or set @iq (its id is set here) and completes with the answer of type
 * result (transfer full: xmpp_stanza_release() it), or an error: the answer's error
 * condition, the connection lost, or no answer in 30 s. Only the address asked may answer. */
void cs_xmpp_client_send_iq_async (CsXmppClient *self,
                                   xmpp_stanza_t *iq,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
xmpp_stanza_t *cs_xmpp_client_send_iq_finish (CsXmppClient *self,
                                              GAsyncResult *result,
                                              GError **error);
/* Puts @payload (copied; NULL removes it) in our presence in @room, now and whenever the
 * room is entered again: MUJI (XEP-0272) says so who takes part in a call. A <payloads/>
 * element without namespace stands for its children, for more than one payload. */
void cs_xmpp_client_set_room_payload (CsXmppClient *self, const char *room, xmpp_stanza_t *payload);

/* How many times the client's network thread has woken up since it started. */
guint64 cs_xmpp_client_get_wakeups (CsXmppClient *self);

G_END_DECLS
