/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call.h"
#include "cs-store.h"

G_BEGIN_DECLS

/* Writes a call to the contact history once it is over: when it began, how long it lasted,
 * and which contacts were in it (cs_store_record_call(), which merges reconnections). */

/* The contact id behind @peer, or 0 when the person is not among the contacts. */
typedef gint64 (*CsCallRecorderResolveFunc) (CsCallPeer *peer, gpointer user_data);

#define CS_TYPE_CALL_RECORDER (cs_call_recorder_get_type ())
G_DECLARE_FINAL_TYPE (CsCallRecorder, cs_call_recorder, CS, CALL_RECORDER, GObject)

/* Follows @call (which must not have joined yet); @call_id names the call across
 * reconnections, @circle_id its circle or 0. */
CsCallRecorder *cs_call_recorder_new (CsStore *store,
                                      CsCall *call,
                                      const char *call_id,
                                      gint64 circle_id,
                                      CsCallRecorderResolveFunc resolve,
                                      gpointer user_data,
                                      GDestroyNotify destroy);

/* The history entry written, or 0 while the call goes on (or when nobody came). */
gint64 cs_call_recorder_get_entry (CsCallRecorder *self);

G_END_DECLS
