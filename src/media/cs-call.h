/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "cs-call-peer.h"
#include "cs-call-signaling.h"
#include "cs-media-elements.h"

G_BEGIN_DECLS

typedef enum
{
  CS_CALL_STATE_IDLE,
  CS_CALL_STATE_JOINING,
  CS_CALL_STATE_IN_CALL,
  CS_CALL_STATE_LEFT,
  /* See cs_call_get_error(): the call is full, an element is missing, signalling broke... */
  CS_CALL_STATE_FAILED,
} CsCallState;

#define CS_CALL_DEFAULT_MAX_PARTICIPANTS 6

#define CS_TYPE_CALL (cs_call_get_type ())
G_DECLARE_FINAL_TYPE (CsCall, cs_call, CS, CALL, GObject)

/* Makes the element that shows one peer's video (raw video in), or NULL for none. Called on
 * a GStreamer thread. */
typedef GstElement *(*CsCallVideoSinkFunc) (CsCall *call, CsCallPeer *peer, gpointer user_data);

CsCall *cs_call_new (CsCallSignaling *signaling, const char *display_name);

void cs_call_set_video_size (CsCall *self, guint width, guint height, guint framerate);
void cs_call_set_max_participants (CsCall *self, guint max_participants);
/* One encoder per peer instead of one shared by all: only to measure what sharing saves. */
void cs_call_set_share_encoders (CsCall *self, gboolean share);
/* Jitter buffer depth, ms: small enough to talk, big enough to ride out jitter. */
/* Sends the picture and sound of the media file at @path, played in a loop, instead of the
 * camera and microphone (demos and benchmarks); set before joining. */
void cs_call_set_media_file (CsCall *self, const char *path);
/* STUN and TURN servers, as "stun://host:port" and "turn://user:password@host:port" URIs;
 * set before joining. */
void cs_call_set_ice_servers (CsCall *self, const char *const *uris);
void cs_call_set_latency (CsCall *self, guint latency_ms);
void cs_call_set_video_sink_func (CsCall *self,
                                  CsCallVideoSinkFunc func,
                                  gpointer user_data,
                                  GDestroyNotify destroy);
/* Shows the user's own picture in @sink (raw video in, the captured frames as peers get
 * them, black while the camera is off), branched from the one capture: no second capture,
 * no encoder. A slow @sink drops frames instead of holding back the encoder. Takes a
 * floating or full reference; set before joining; NULL for none. */
void cs_call_set_self_view_sink (CsCall *self, GstElement *sink);

/*
 * Devices. By default a call uses the computer's usual camera and microphone (test sources
 * under COUSINADE_MEDIA=test). These may be called before joining or during the call; during
 * the call the new source takes over without renegotiation (peers keep their sessions).
 *
 * @camera NULL: no camera, the call is sound only (peers see the camera off). A camera that
 * fails or is unplugged during the call is dropped the same way, and "camera-lost" is
 * emitted. @microphone NULL: no microphone, the user only listens (peers see them muted).
 * @speakers NULL: the usual speakers.
 */
void cs_call_set_camera (CsCall *self, GstDevice *camera);
void cs_call_set_microphone (CsCall *self, GstDevice *microphone);
void cs_call_set_speakers (CsCall *self, GstDevice *speakers);
/* Whether a camera picture is being sent (FALSE for no camera, not for camera off).
 * "notify::has-camera". */
gboolean cs_call_get_has_camera (CsCall *self);
/* Whether there is a microphone (FALSE: listen only). "notify::has-microphone". */
gboolean cs_call_get_has_microphone (CsCall *self);

/* Echo cancellation and noise suppression on the microphone (webrtcdsp, with the sound
 * played back as its reference); on by default. Set before joining. */
void cs_call_set_echo_cancellation (CsCall *self, gboolean enabled);

/* Sends the screen (a PipeWire node from the ScreenCast portal, through @pipewire_fd, which
 * the call takes over) in place of the camera picture, without renegotiation; under
 * COUSINADE_MEDIA=test, @pipewire_fd -1 sends a test picture instead. Stopping brings the
 * camera back. "notify::sharing-screen". */
gboolean cs_call_share_screen (CsCall *self, int pipewire_fd, guint32 node_id, GError **error);
void cs_call_stop_screen_share (CsCall *self);
gboolean cs_call_get_sharing_screen (CsCall *self);

gboolean cs_call_join (CsCall *self, GError **error);
void cs_call_leave (CsCall *self);

CsCallState cs_call_get_state (CsCall *self);
const GError *cs_call_get_error (CsCall *self);
/* The CsCallPeer of everyone else in the call. */
GListModel *cs_call_get_peers (CsCall *self);
CsCallPeer *cs_call_find_peer (CsCall *self, const char *id);

void cs_call_set_muted (CsCall *self, gboolean muted);
gboolean cs_call_get_muted (CsCall *self);
void cs_call_set_camera_off (CsCall *self, gboolean camera_off);
gboolean cs_call_get_camera_off (CsCall *self);

guint cs_call_get_video_bitrate (CsCall *self);
/* How many times capture and encoders were started since join: 1 each, however many peers
 * come and go. */
guint cs_call_get_capture_starts (CsCall *self);
guint cs_call_get_encoder_starts (CsCall *self);
/* Video frames encoded and sent since join. */
guint64 cs_call_get_frames_sent (CsCall *self);
/* Monotonic time (µs) of the join. */
gint64 cs_call_get_join_time (CsCall *self);

G_END_DECLS
