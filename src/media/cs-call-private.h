/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-adaptation.h"
#include "cs-call.h"
#include "cs-call-peer.h"

G_BEGIN_DECLS

/* CsCall's instance, for the files that make it up: cs-call.c (the object, participants,
 * signalling, adaptation) and cs-call-media.c (capture, encoders, mixer). */
struct _CsCall
{
  GObject parent_instance;

  CsCallSignaling *signaling;
  char *display_name;
  /* Plays this file instead of the camera and microphone (demos, benchmarks). */
  char *media_file;
  CsCallState state;
  GError *error;

  guint width;
  guint height;
  guint framerate;
  guint max_participants;
  gboolean share_encoders;
  guint latency_ms;
  char **ice_servers;
  CsCallVideoSinkFunc sink_func;
  gpointer sink_data;
  GDestroyNotify sink_destroy;
  GstElement *self_view_sink;

  GstElement *pipeline;
  GstElement *video_tee;
  GstElement *audio_tee;
  GstElement *mic_volume;
  GstElement *mixer;
  /* Every video encoder, shared or per peer, for the bitrate. */
  GPtrArray *video_encoders;
  GPtrArray *audio_encoders;
  guint bus_watch;
  guint poll_id;

  GListStore *peers;
  gboolean muted;
  gboolean camera_off;
  gboolean stamp_frames;
  CsBitrateBounds bounds;
  guint video_kbps;
  guint capture_starts;
  guint encoder_starts;
  gint64 join_time;
  /* Touched from streaming threads. */
  GMutex keyframe_lock;
  gint64 last_keyframe_request;
  gint camera_off_atomic;
  guint frames_sent;
};

/* The pipeline up to the tees and from the mixer, not yet playing. */
gboolean cs_call_build_pipeline (CsCall *self, GError **error);

/* What a peer needs from its call. */
GstElement *cs_call_get_pipeline (CsCall *self);
/* Where the peer takes its outgoing media: the shared encoders' payloaded RTP, or raw media
 * when every peer encodes for itself. */
GstElement *cs_call_get_video_tee (CsCall *self);
GstElement *cs_call_get_audio_tee (CsCall *self);
gboolean cs_call_get_share_encoders_internal (CsCall *self);
GstElement *cs_call_make_video_encoder (CsCall *self, const char *name, GError **error);
GstElement *cs_call_make_audio_encoder (CsCall *self, const char *name, GError **error);
GstElement *cs_call_get_mixer (CsCall *self);
void cs_call_forget_encoders (CsCall *self, GstElement *video_encoder, GstElement *audio_encoder);
guint cs_call_get_latency (CsCall *self);
const char *const *cs_call_get_ice_servers (CsCall *self);
GstElement *cs_call_make_video_sink (CsCall *self, CsCallPeer *peer);
CsCallSignaling *cs_call_get_signaling (CsCall *self);
const CsBitrateBounds *cs_call_get_bounds (CsCall *self);
void cs_call_peer_lost (CsCall *self, CsCallPeer *peer, const char *why);
/* Drops @peer for a security reason (reported as "untrusted"). */
void cs_call_peer_refuse (CsCall *self, CsCallPeer *peer, const char *why);
void cs_call_request_keyframe (CsCall *self);

CsCallPeer *cs_call_peer_new (CsCall *call,
                              const char *id,
                              const char *display_name,
                              gboolean offerer,
                              GError **error);
void cs_call_peer_handle_description (CsCallPeer *self, const char *type, const char *sdp);
void cs_call_peer_handle_candidate (CsCallPeer *self, guint mline_index, const char *candidate);
void cs_call_peer_set_remote_state (CsCallPeer *self, gboolean muted, gboolean camera_off);
void cs_call_peer_handle_element_message (CsCallPeer *self, GstMessage *message);
void cs_call_peer_poll (CsCallPeer *self);
/* This peer's own bitrate estimate, from its receiver reports. */
guint cs_call_peer_get_estimate_kbps (CsCallPeer *self);
const char *cs_call_peer_get_estimate_reason (CsCallPeer *self);
/* Takes the peer's elements out of the running pipeline; the call keeps going. */
void cs_call_peer_close (CsCallPeer *self);
gboolean cs_call_peer_owns_element (CsCallPeer *self, GstObject *element);

G_END_DECLS
