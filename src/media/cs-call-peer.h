/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "cs-call-stats.h"

G_BEGIN_DECLS

typedef enum
{
  CS_CALL_PEER_STATE_NEGOTIATING,
  CS_CALL_PEER_STATE_CONNECTED,
  /* No media for a while, or ICE failed: about to be dropped. */
  CS_CALL_PEER_STATE_LOST,
  CS_CALL_PEER_STATE_CLOSED,
} CsCallPeerState;

/*
 * One remote participant: one webrtcbin, its decoders, and what a call window shows of them
 * (name, speaking indicator, microphone and camera state, statistics). Made and owned by
 * CsCall; read-only for everyone else.
 */
#define CS_TYPE_CALL_PEER (cs_call_peer_get_type ())
G_DECLARE_FINAL_TYPE (CsCallPeer, cs_call_peer, CS, CALL_PEER, GObject)

const char *cs_call_peer_get_id (CsCallPeer *self);
const char *cs_call_peer_get_display_name (CsCallPeer *self);
CsCallPeerState cs_call_peer_get_state (CsCallPeer *self);
/* Loudness of the peer's voice in dB (RMS, -100 for silence), updated ten times a second. */
double cs_call_peer_get_audio_level (CsCallPeer *self);
gboolean cs_call_peer_get_speaking (CsCallPeer *self);
gboolean cs_call_peer_get_muted (CsCallPeer *self);
gboolean cs_call_peer_get_camera_off (CsCallPeer *self);
/* The latest statistics (once a second), or NULL before the first. */
CsCallStats *cs_call_peer_get_stats (CsCallPeer *self);
guint64 cs_call_peer_get_frames_decoded (CsCallPeer *self);
/* Monotonic time (µs) of the first decoded video frame, or 0. */
gint64 cs_call_peer_get_first_frame_time (CsCallPeer *self);
/* A short code ("123 456") made from both sides' DTLS certificates once the other side's is
 * checked against what it announced: the same on both screens means nobody is in between.
 * NULL until then. */
const char *cs_call_peer_get_verification_code (CsCallPeer *self);

/* The code two participants whose certificates have these fingerprints both see. */
char *cs_call_verification_code (const char *fingerprint_a, const char *fingerprint_b);

G_END_DECLS
