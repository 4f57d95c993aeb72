/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CS_CANDIDATE_TYPE_UNKNOWN,
  CS_CANDIDATE_TYPE_HOST,
  CS_CANDIDATE_TYPE_SRFLX,
  CS_CANDIDATE_TYPE_PRFLX,
  CS_CANDIDATE_TYPE_RELAY,
} CsCandidateType;

/* One second of one peer's link, as numbers. Immutable once made. */
typedef struct
{
  double rtt_ms;
  /* Fraction of what we sent that the peer reports lost (RTCP), 0 to 1. */
  double loss_sent;
  /* Fraction of what the peer sent that never reached us, 0 to 1. */
  double loss_received;
  double jitter_ms;
  double send_kbps;
  double receive_kbps;
  guint64 frames_decoded;
  guint64 frames_dropped;
  double frame_rate;
  CsCandidateType candidate_type;
  /* Decoded remote audio, in milliseconds, and the longest pause between two decoded
   * audio buffers: how continuous the sound was. */
  guint64 audio_ms;
  double audio_max_gap_ms;
  /* Glass-to-glass video latency when the sender stamps its frames (tests), or -1. */
  double latency_ms;
  /* Lost packets that a retransmission brought back in time, since the call started. */
  guint64 packets_recovered;
} CsCallStatsValues;

#define CS_TYPE_CALL_STATS (cs_call_stats_get_type ())
G_DECLARE_FINAL_TYPE (CsCallStats, cs_call_stats, CS, CALL_STATS, GObject)

CsCallStats *cs_call_stats_new (const CsCallStatsValues *values);
const CsCallStatsValues *cs_call_stats_get_values (CsCallStats *self);
const char *cs_candidate_type_to_string (CsCandidateType type);
CsCandidateType cs_candidate_type_from_string (const char *text);

G_END_DECLS
