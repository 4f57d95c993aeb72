/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-peer.h"
#include "cs-call-private.h"

#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

/*
 * CsCallPeer's instance, for the files that make it up: cs-call-peer.c (the object, its
 * connection state, closing), cs-call-peer-negotiate.c (offer, answer, candidates),
 * cs-call-peer-send.c (what goes out), cs-call-peer-receive.c (what comes in: decoding,
 * playing, retransmission requests) and cs-call-peer-stats.c (statistics and the bitrate
 * estimate).
 */

typedef struct
{
  guint64 pushed;
  guint64 lost;
  guint64 rtx_requests;
  guint64 recovered;
} JitterCounts;

struct _CsCallPeer
{
  GObject parent_instance;

  CsCall *call; /* weak: the call owns the peer and closes it before going */
  GMainContext *context;
  char *id;
  char *display_name;
  gboolean offerer;
  CsCallPeerState state;
  gboolean muted;
  gboolean camera_off;
  double audio_level;
  gboolean speaking;
  CsCallStats *stats;
  guint estimate_kbps;
  const char *estimate_reason;

  GstElement *bin;
  GstElement *webrtc;
  GstElement *video_sink;
  GstElement *video_payloader;
  GstElement *audio_payloader;
  /* webrtcbin's, for the payloaders above. */
  GstWebRTCRTPTransceiver *video_transceiver;
  GstWebRTCRTPTransceiver *audio_transceiver;
  GstElement *audio_out;
  GstPad *video_tee_pad;
  GstPad *audio_tee_pad;
  GstPad *mixer_pad;
  GstElement *own_video_encoder;
  GstElement *own_audio_encoder;
  gboolean negotiation_started;
  gboolean remote_description_set;
  /* The DTLS fingerprint the remote description announced, and the code both sides show. */
  char *expected_fingerprint;
  char *verification_code;
  GPtrArray *pending_candidates;
  gint64 created_time;
  gboolean closed;
  gint tee_pads_linked;

  /* Written on streaming threads, read on the main thread. */
  GMutex lock;
  gint64 last_media_time;
  guint64 frames_decoded;
  gint64 first_frame_time;
  guint64 audio_us;
  GstClockTime last_audio_pts;
  gint64 audio_max_gap_us;
  double latency_sum_ms;
  guint latency_count;

  /* For rates between two polls. */
  guint64 last_bytes_sent;
  guint64 last_bytes_received;
  guint64 last_frames_decoded;
  gint64 last_poll_time;
  JitterCounts last_jitter;
  guint64 last_packets_sent;
  guint64 last_nacks;
};

typedef struct
{
  CsCallPeer *peer;
  char *type;
  char *text;
  guint mline;
  GstStructure *structure;
} CsCallPeerTask;

/* Runs @func with @task (freed after) on the peer's main context, holding a ref on the peer. */
void cs_call_peer_run_on_main (CsCallPeer *self, GSourceFunc func, CsCallPeerTask *task);
/* On the main thread: notifies "state" when it changes. */
G_GNUC_INTERNAL void cs_call_peer_set_state (CsCallPeer *self, CsCallPeerState state);
/* From any thread. */
void cs_call_peer_first_frame_decoded (CsCallPeer *self);
void cs_call_peer_stats_changed (CsCallPeer *self);

/* cs-call-peer-negotiate.c: webrtcbin's "on-negotiation-needed" and "on-ice-candidate". */
G_GNUC_INTERNAL void cs_call_peer_on_negotiation_needed (GstElement *webrtc, gpointer user_data);
G_GNUC_INTERNAL void cs_call_peer_on_ice_candidate (GstElement *webrtc,
                                                    guint mline,
                                                    const char *candidate,
                                                    gpointer user_data);

gboolean cs_call_peer_add_senders (CsCallPeer *self,
                                   GstElement *audio_encoder,
                                   GstElement *video_encoder,
                                   GError **error);
/* Only once the peer's elements play (see cs-call-peer-send.c). */
gboolean cs_call_peer_link_tees (CsCallPeer *self, GError **error);
/* Before answering @offer: our codecs take the payload type numbers it gave them. That works
 * only while none of our media has reached the peer yet: webrtcbin matches an offer against the
 * caps its pads last received. */
void cs_call_peer_adopt_offer_payloads (CsCallPeer *self, const GstSDPMessage *offer);

void cs_call_peer_receive_init (CsCallPeer *self, GstElement *rtpbin);

void cs_call_peer_request_stats (CsCallPeer *self);

/* cs-call-peer-security.c: whether the other side's DTLS certificate is the one its
 * description announced; sets the verification code when it is. Once connected. */
gboolean cs_call_peer_check_certificate (CsCallPeer *self);
/* The SHA-256 fingerprint in @sdp, upper-case hex pairs with colons, or NULL. */
char *cs_call_fingerprint_from_sdp (const char *sdp);
char *cs_call_fingerprint_of_pem (const char *pem);

G_END_DECLS
