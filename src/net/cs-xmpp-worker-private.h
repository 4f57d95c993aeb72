/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The worker's insides, shared by the files of its thread (cs-xmpp-worker.c, cs-xmpp-muc.c). */

#include "cs-xmpp-worker.h"

#include <strophe.h>

G_BEGIN_DECLS

typedef enum
{
  COMMAND_CONNECT,
  COMMAND_DISCONNECT,
  COMMAND_QUIT,
  COMMAND_JOIN_ROOM,
  COMMAND_LEAVE_ROOM,
  COMMAND_SET_AFFILIATION,
  COMMAND_INVITE,
  COMMAND_SEND_RAW,
  COMMAND_LIST_MEMBERS,
  COMMAND_CONFIGURE_ROOM,
  COMMAND_SEND,
  COMMAND_ROOM_PAYLOAD,
} CommandKind;

typedef struct
{
  CommandKind kind;
  CsXmppLogin *login;
  /* Room commands: the room, then a nickname, address, name or reason, as each needs. */
  char *args[4];
} Command;

/* Shared between the thread and the main context; events check it before delivery so that
 * none reaches a client that is gone. */
typedef struct
{
  gatomicrefcount ref;
  gboolean alive; /* only read and written on the main context */
  CsXmppEventFunc func;
  gpointer user_data;
} Mailbox;

typedef enum
{
  REGISTER_NONE,
  REGISTER_STARTTLS,
  REGISTER_FEATURES,
  REGISTER_SENT,
  REGISTER_DONE,
} RegisterStep;

struct _CsXmppWorker
{
  GThread *thread;
  GAsyncQueue *commands;
  int wake_fd;
  GMainContext *context;
  Mailbox *mailbox;
  guint wakeups; /* atomic */

  /* Below: owned by the thread. */
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  GPtrArray *finished_conns;
  gboolean disconnect_requested;
  int sock_fd;
  CsXmppLogin *login;
  gboolean quit;
  gboolean want_online;
  gboolean was_online;
  guint attempts;
  guint refusals_after_drop;
  gint64 reconnect_at;
  gboolean auth_failed;
  char *rejected_fingerprint;
  GError *pending_error;
  RegisterStep register_step;
  guint activity;
  xmpp_sm_state_t *sm_state;
  /* Rooms joined or being joined: room address -> our nickname (and whether to create). */
  GHashTable *rooms;
  GHashTable *creating_rooms;
  /* Service discovery requests in flight: id -> the address asked. */
  GHashTable *disco_asked;
  /* Rooms whose presence carries a payload (call rooms): room address -> payload XML. */
  GHashTable *room_payloads;
  /* Requests from the main context waiting for their answer: id -> the address asked. */
  GHashTable *pending_iqs;
};

/* Posts @event to the main context (strings are copied). */
G_GNUC_INTERNAL void cs_xmpp_worker_post (CsXmppWorker *self, const CsXmppEvent *event);

/* Multi-user chat (XEP-0045) and invitations (XEP-0249), on the worker thread. */
G_GNUC_INTERNAL void cs_xmpp_muc_attach (CsXmppWorker *self);
G_GNUC_INTERNAL void cs_xmpp_muc_handle_command (CsXmppWorker *self, Command *command);

/* Call signalling and requests from the main context (cs-xmpp-stanzas.c). */
G_GNUC_INTERNAL void cs_xmpp_stanzas_attach (CsXmppWorker *self);
G_GNUC_INTERNAL void cs_xmpp_stanzas_connection_lost (CsXmppWorker *self);
G_GNUC_INTERNAL void cs_xmpp_stanzas_handle_command (CsXmppWorker *self, Command *command);
/* Our presence in @room, with its payload if it has one. */
G_GNUC_INTERNAL void cs_xmpp_stanzas_send_room_presence (CsXmppWorker *self, const char *room);
/* Entity capabilities (XEP-0115): the <c/> element every presence of ours carries, which
 * clients such as Dino need before they offer to call us; and its verification string,
 * for tests. */
G_GNUC_INTERNAL void cs_xmpp_stanzas_add_caps (CsXmppWorker *self, xmpp_stanza_t *presence);
G_GNUC_INTERNAL const char *cs_xmpp_caps_ver (void);
#define CS_XMPP_CAPS_NODE "https://github.com/cousinade/cousinade"

G_END_DECLS
