/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-signaling.h"

G_BEGIN_DECLS

/*
 * Call signalling through a CsLocalHub's socket, for tests, benchmarks and demos: each
 * participant, possibly a process in its own network namespace, joins one call of the hub.
 *
 * join(), leave() and disposal belong to the thread that created the object, whose
 * thread-default main context receives every signal; send_*() may be called from any thread
 * (webrtcbin hands out candidates on its own threads), and messages keep the order in which
 * they were sent. Messages sent before the connection is up wait for it. The object serves one
 * join(): after leave() or "failed" it stays silent. Disposing it without leave() just closes
 * the connection, as a killed process would.
 */

#define CS_TYPE_LOCAL_SIGNALING (cs_local_signaling_get_type ())
G_DECLARE_FINAL_TYPE (CsLocalSignaling, cs_local_signaling, CS, LOCAL_SIGNALING, GObject)

CsLocalSignaling *cs_local_signaling_new (const char *socket_path,
                                          const char *call_id,
                                          const char *local_id);

G_END_DECLS
