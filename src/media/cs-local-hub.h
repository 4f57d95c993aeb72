/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A call signalling relay on a Unix socket (a filesystem path, so that participants in other
 * network namespaces reach it), for tests, benchmarks and demos: the part an XMPP server
 * plays for real calls. CsLocalSignaling is its client.
 *
 * One JSON object per line, UTF-8, at most 256 KiB per line. A client first sends
 * {"type":"join","call":C,"id":ID,"name":N} and gets {"type":"roster","participants":[{"id",
 * "name"},...]} (those already in call C); then "description" {"to","sdp_type","sdp"},
 * "candidate" {"to","mline","candidate"}, "media-state" {"muted","camera_off"} (to everyone
 * else in the call) and "leave". The hub relays them with "from" set to the sender's id, tells
 * the others {"type":"joined","id","name"} and {"type":"left","id"}, and answers a join with
 * an id already in the call by {"type":"error","message"} before closing. A client that sends
 * anything else, or a line that is too long, is disconnected.
 */

#define CS_TYPE_LOCAL_HUB (cs_local_hub_get_type ())
G_DECLARE_FINAL_TYPE (CsLocalHub, cs_local_hub, CS, LOCAL_HUB, GObject)

/* Listens on @socket_path (replacing a stale socket file there) on the thread-default main
 * context; the socket file is removed when the hub is disposed. */
CsLocalHub *cs_local_hub_new (const char *socket_path, GError **error);
const char *cs_local_hub_get_path (CsLocalHub *self);

/* Whether a client whose connection drops without "leave" is announced as "left" to the others
 * (the default). Turning it off mimics a server that has not yet noticed a dead link, so that
 * a test can check that the media engine notices a dead peer by itself. An explicit "leave" is
 * always announced. */
void cs_local_hub_set_announce_departures (CsLocalHub *self, gboolean announce_departures);
gboolean cs_local_hub_get_announce_departures (CsLocalHub *self);

/* How many participants have joined @call_id and are still connected. */
guint cs_local_hub_get_n_participants (CsLocalHub *self, const char *call_id);

G_END_DECLS
