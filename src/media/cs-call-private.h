/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-call-adaptation.h"
#include "cs-call.h"
#include "cs-call-peer.h"

G_BEGIN_DECLS

/* CsCall's instance, for the files that make it up: cs-call.c (the object, participants,
 * signalling, adaptation), cs-call-media.c (encoders, mixer, echo cancellation) and
 * cs-call-capture.c (camera, microphone, screen and speakers, switched while the call runs). */
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

  /* Devices (cs-call-capture.c). A device is used when chosen; otherwise the usual one, unless
   * the choice was "none" (camera_chosen or microphone_chosen with no device). */
  gboolean camera_chosen;
  GstDevice *camera;
  gboolean microphone_chosen;
  GstDevice *microphone;
  GstDevice *speakers_device;
  gboolean echo_cancellation;
  char *echo_probe_name;
  gboolean sharing_screen;
  int screen_fd;
  guint32 screen_node;
  /* The first element of each fixed chain, and what feeds it now. */
  GstElement *video_entry;
  GstElement *video_source;
  GstElement *audio_entry;
  GstElement *audio_source;
  /* The speakers, and the element that feeds them. */
  GstElement *speakers;
  GstElement *speakers_feed;
  guint source_serial;

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

/* cs-call-capture.c: the sources in front of the fixed raw chains (@entry), and the speakers
 * after @feed. Each may be switched while the call runs. */
gboolean cs_call_capture_add_video (CsCall *self, GstElement *entry, GError **error);
gboolean cs_call_capture_add_audio (CsCall *self, GstElement *entry, GError **error);
gboolean cs_call_capture_add_speakers (CsCall *self, GstElement *feed, GError **error);
/* An error posted by a source: the source is dropped (camera lost, microphone gone, screen
 * share over) and the call goes on. FALSE when @message is not about a source. */
gboolean cs_call_capture_handle_error (CsCall *self, GstMessage *message);
/* Forgets the elements of a pipeline that is gone; the devices chosen stay. */
void cs_call_capture_clear (CsCall *self);
gboolean cs_call_capture_has_camera (CsCall *self);
gboolean cs_call_capture_has_microphone (CsCall *self);
/* The state peers see: muted without a microphone, camera off without a picture. */
void cs_call_send_media_state (CsCall *self);
/* Whether the picture sent is painted black (the camera turned off, not a shared screen). */
void cs_call_update_black (CsCall *self);
/* The camera stopped working: "camera-lost", and peers see no camera. */
void cs_call_camera_lost (CsCall *self);

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
