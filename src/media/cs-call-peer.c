/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer.h"

#include "cs-call-private.h"

#include <gst/rtp/rtp.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <string.h>

/*
 * One remote participant, as a bin in the call's pipeline:
 *
 *   video tee ─ queue (leaky) ─┐                ┌─ rtpvp8depay ─ vp8dec ─ convert ─ sink
 *                              ├─ webrtcbin ────┤
 *   audio tee ─ queue (leaky) ─┘                └─ rtpopusdepay ─ opusdec ─ level ─▶ mixer
 *
 * webrtcbin's callbacks arrive on its own threads; everything that touches signalling or
 * the object's state is passed to the main context first.
 */

/* No media at all from a connected peer for this long: they are gone (killed, unplugged),
 * whatever signalling says. */
#define SILENCE_TIMEOUT_US (5 * G_TIME_SPAN_SECOND)
/* Time to get through negotiation and ICE before giving up. */
#define CONNECT_TIMEOUT_US (30 * G_TIME_SPAN_SECOND)
#define SPEAKING_DB -45.0
#define RTCP_INTERVAL (G_GUINT64_CONSTANT (1000) * GST_MSECOND)
#define RTCP_FRACTION 0.15
#define AUDIO_MLINE 0
#define VIDEO_MLINE 1

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
  GstElement *audio_out;
  GstPad *video_tee_pad;
  GstPad *audio_tee_pad;
  GstPad *mixer_pad;
  GstElement *own_video_encoder;
  GstElement *own_audio_encoder;
  gboolean negotiation_started;
  gboolean remote_description_set;
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
  gint64 last_audio_time;
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

G_DEFINE_FINAL_TYPE (CsCallPeer, cs_call_peer, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_STATE,
  PROP_AUDIO_LEVEL,
  PROP_SPEAKING,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  PROP_STATS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  FIRST_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  CsCallPeer *peer;
  char *type;
  char *text;
  guint mline;
  GstStructure *structure;
} PeerTask;

static void
peer_task_free (gpointer data)
{
  PeerTask *task = data;

  g_object_unref (task->peer);
  g_free (task->type);
  g_free (task->text);
  g_clear_pointer (&task->structure, gst_structure_free);
  g_free (task);
}

static void
run_on_main (CsCallPeer *self, GSourceFunc func, PeerTask *task)
{
  task->peer = g_object_ref (self);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, func, task, peer_task_free);
}

static void
set_state (CsCallPeer *self, CsCallPeerState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
send_description_on_main (gpointer data)
{
  PeerTask *task = data;
  CsCallPeer *self = task->peer;

  g_debug ("Sending %s to %s:\n%s", task->type, self->display_name, task->text);
  if (!self->closed)
    cs_call_signaling_send_description (cs_call_get_signaling (self->call), self->id, task->type,
                                        task->text);
  return G_SOURCE_REMOVE;
}

static void
set_local_and_send (CsCallPeer *self, GstWebRTCSessionDescription *description)
{
  PeerTask *task = g_new0 (PeerTask, 1);

  g_signal_emit_by_name (self->webrtc, "set-local-description", description, NULL);
  task->type = g_strdup (gst_webrtc_sdp_type_to_string (description->type));
  task->text = gst_sdp_message_as_text (description->sdp);
  run_on_main (self, send_description_on_main, task);
}

static void
on_description_created (GstPromise *promise, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *description = NULL;

  if (reply != NULL)
    {
      if (gst_structure_has_field (reply, "offer"))
        gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description, NULL);
      else if (gst_structure_has_field (reply, "answer"))
        gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description,
                           NULL);
    }
  gst_promise_unref (promise);

  if (description == NULL)
    {
      g_warning ("Could not make a session description for %s", self->display_name);
      return;
    }
  set_local_and_send (self, description);
  gst_webrtc_session_description_free (description);
}

static void
on_negotiation_needed (GstElement *webrtc, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  GstPromise *promise;

  /* Transceivers are fixed at setup: one offer, never a renegotiation. */
  if (!self->offerer || g_atomic_int_exchange (&self->negotiation_started, TRUE))
    return;

  promise =
    gst_promise_new_with_change_func (on_description_created, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (webrtc, "create-offer", NULL, promise);
}

static gboolean
send_candidate_on_main (gpointer data)
{
  PeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (!self->closed)
    cs_call_signaling_send_candidate (cs_call_get_signaling (self->call), self->id, task->mline,
                                      task->text);
  return G_SOURCE_REMOVE;
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  PeerTask *task = g_new0 (PeerTask, 1);

  task->mline = mline;
  task->text = g_strdup (candidate);
  run_on_main (self, send_candidate_on_main, task);
}

static gboolean
connection_changed_on_main (gpointer data)
{
  PeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (self->closed)
    return G_SOURCE_REMOVE;

  if (task->mline == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    cs_call_peer_lost (self->call, self, "no network path (ICE failed)");
  return G_SOURCE_REMOVE;
}

static void
on_ice_connection_state (GObject *webrtc, GParamSpec *pspec, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  GstWebRTCICEConnectionState state;
  PeerTask *task;

  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  g_debug ("ICE with %s: %d", self->display_name, state);
  task = g_new0 (PeerTask, 1);
  task->mline = state;
  run_on_main (self, connection_changed_on_main, task);
}

static gboolean
connected_on_main (gpointer data)
{
  PeerTask *task = data;
  CsCallPeer *self = task->peer;

  /* The newcomer's decoder can start only from a keyframe: send one now rather than wait
   * for it to ask. */
  if (!self->closed)
    cs_call_request_keyframe (self->call);
  return G_SOURCE_REMOVE;
}

static void
on_connection_state (GObject *webrtc, GParamSpec *pspec, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtc, "connection-state", &state, NULL);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    run_on_main (self, connected_on_main, g_new0 (PeerTask, 1));
}

static gboolean
first_frame_on_main (gpointer data)
{
  PeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (!self->closed)
    {
      set_state (self, CS_CALL_PEER_STATE_CONNECTED);
      g_signal_emit (self, signals[FIRST_FRAME], 0);
    }
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
on_media_arrived (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);

  g_mutex_lock (&self->lock);
  self->last_media_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_video_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  gboolean first;

  g_mutex_lock (&self->lock);
  self->frames_decoded++;
  first = self->first_frame_time == 0;
  if (first)
    self->first_frame_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  if (first)
    run_on_main (self, first_frame_on_main, g_new0 (PeerTask, 1));
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_video_shown (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstVideoInfo video_info;
  GstVideoFrame frame;
  gint64 stamp;
  gboolean stamped;

  if (caps == NULL || !gst_video_info_from_caps (&video_info, caps))
    return GST_PAD_PROBE_OK;
  if (!gst_video_frame_map (&frame, &video_info, GST_PAD_PROBE_INFO_BUFFER (info), GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  stamped = cs_media_stamp_read (&frame, &stamp);
  gst_video_frame_unmap (&frame);

  if (stamped)
    {
      gint64 now = (g_get_real_time () / 1000) & ((G_GINT64_CONSTANT (1) << 44) - 1);

      if (now >= stamp && now - stamp < 10000)
        {
          g_mutex_lock (&self->lock);
          self->latency_sum_ms += now - stamp;
          self->latency_count++;
          g_mutex_unlock (&self->lock);
        }
    }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_audio_decoded (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    self->audio_us += GST_BUFFER_DURATION (buffer) / GST_USECOND;
  if (self->last_audio_time != 0)
    self->audio_max_gap_us = MAX (self->audio_max_gap_us, now - self->last_audio_time);
  self->last_audio_time = now;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* Adds and links @elements in the peer's bin, playing, but not yet fed: the caller finishes
 * the output end, then calls link_input(). Data arriving at an unlinked end would stop the
 * stream for good (not-linked). */
static gboolean
add_decode_chain (CsCallPeer *self, GstElement **elements, guint n)
{
  for (guint i = 0; i < n; i++)
    if (elements[i] == NULL)
      {
        for (guint j = 0; j < n; j++)
          if (elements[j] != NULL)
            gst_object_unref (gst_object_ref_sink (elements[j]));
        return FALSE;
      }

  for (guint i = 0; i < n; i++)
    gst_bin_add (GST_BIN (self->bin), elements[i]);
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      return FALSE;
  for (guint i = 0; i < n; i++)
    gst_element_sync_state_with_parent (elements[i]);
  return TRUE;
}

static gboolean
link_input (CsCallPeer *self, GstPad *pad, GstElement *first)
{
  g_autoptr (GstPad) sink = gst_element_get_static_pad (first, "sink");

  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     on_media_arrived, self, NULL);
  return gst_pad_link (pad, sink) == GST_PAD_LINK_OK;
}

static void
set_if_exists (GstElement *element, const char *property, gboolean value)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), property) != NULL)
    g_object_set (element, property, value, NULL);
}

static void
add_video_output (CsCallPeer *self, GstPad *pad)
{
  GstElement *elements[5];
  g_autoptr (GstPad) decoded = NULL;
  g_autoptr (GstPad) shown = NULL;

  elements[0] = cs_media_make ("rtpvp8depay", NULL, NULL);
  elements[1] = cs_media_make ("vp8dec", NULL, NULL);
  elements[2] = cs_media_make ("videoconvert", NULL, NULL);
  elements[3] = cs_media_make ("queue", NULL, NULL);
  elements[4] = cs_call_make_video_sink (self->call, self);
  if (elements[0] != NULL)
    {
      /* After a loss, show the damaged picture and ask for a keyframe to repair it: better
       * than freezing until one comes (measured here: 10% loss, 60-90% of frames frozen
       * while waiting, 91-97% decoded without waiting). */
      set_if_exists (elements[0], "request-keyframe", TRUE);
      set_if_exists (elements[0], "wait-for-keyframe", FALSE);
    }
  if (elements[3] != NULL)
    g_object_set (elements[3], "max-size-buffers", 3, "max-size-bytes", 0, "max-size-time",
                  (guint64) 0, NULL);
  self->video_sink = elements[4];

  if (elements[1] != NULL)
    {
      decoded = gst_element_get_static_pad (elements[1], "src");
      gst_pad_add_probe (decoded, GST_PAD_PROBE_TYPE_BUFFER, on_video_decoded, self, NULL);
    }
  if (elements[4] != NULL)
    {
      shown = gst_element_get_static_pad (elements[4], "sink");
      if (shown != NULL)
        gst_pad_add_probe (shown, GST_PAD_PROBE_TYPE_BUFFER, on_video_shown, self, NULL);
    }

  if (!add_decode_chain (self, elements, G_N_ELEMENTS (elements)) ||
      !link_input (self, pad, elements[0]))
    g_warning ("Could not show %s's video", self->display_name);
}

/* The mixer answers serialized queries only between two mixes, and a new input can wait for
 * that forever: decoders do fine with default buffers, so the question is not asked. */
static GstPadProbeReturn
on_query_to_mixer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (GST_QUERY_TYPE (GST_PAD_PROBE_INFO_QUERY (info)) == GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

static void
add_audio_output (CsCallPeer *self, GstPad *pad)
{
  GstElement *elements[6];
  g_autoptr (GstPad) decoded = NULL;
  g_autoptr (GstPad) level_src = NULL;
  GstPad *ghost;
  GstElement *mixer = cs_call_get_mixer (self->call);

  elements[0] = cs_media_make ("rtpopusdepay", NULL, NULL);
  elements[1] = cs_media_make ("opusdec", NULL, NULL);
  elements[2] = cs_media_make ("audioconvert", NULL, NULL);
  elements[3] = cs_media_make ("audioresample", NULL, NULL);
  elements[4] = cs_media_make ("level", NULL, NULL);
  /* The mixer takes each voice when the clock says so: decoding must not wait for it. */
  elements[5] = cs_media_make ("queue", NULL, NULL);
  if (elements[1] != NULL)
    /* Conceal a lost packet from the next one's redundancy, or by extrapolation. */
    g_object_set (elements[1], "use-inband-fec", TRUE, "plc", TRUE, NULL);
  if (elements[4] != NULL)
    g_object_set (elements[4], "interval", (guint64) 100 * GST_MSECOND, "post-messages", TRUE,
                  NULL);

  if (!add_decode_chain (self, elements, G_N_ELEMENTS (elements)))
    {
      g_warning ("Could not play %s's voice", self->display_name);
      return;
    }

  decoded = gst_element_get_static_pad (elements[1], "src");
  gst_pad_add_probe (decoded, GST_PAD_PROBE_TYPE_BUFFER, on_audio_decoded, self, NULL);

  level_src = gst_element_get_static_pad (elements[5], "src");
  gst_pad_add_probe (level_src, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, on_query_to_mixer, NULL, NULL);
  ghost = gst_ghost_pad_new ("audio_src", level_src);
  gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (self->bin, ghost);
  self->audio_out = elements[4];
  self->mixer_pad = gst_element_request_pad_simple (mixer, "sink_%u");
  if (gst_pad_link (ghost, self->mixer_pad) != GST_PAD_LINK_OK ||
      !link_input (self, pad, elements[0]))
    g_warning ("Could not mix %s's voice", self->display_name);
}

static void
on_pad_added (GstElement *webrtc, GstPad *pad, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  g_autoptr (GstCaps) caps = NULL;
  const GstStructure *structure;
  const char *media;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || self->closed)
    return;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  structure = gst_caps_get_structure (caps, 0);
  media = gst_structure_get_string (structure, "media");
  g_debug ("%s sends %s on %s", self->display_name, media, GST_PAD_NAME (pad));

  if (g_strcmp0 (media, "video") == 0)
    add_video_output (self, pad);
  else if (g_strcmp0 (media, "audio") == 0)
    add_audio_output (self, pad);
  else
    g_debug ("Ignoring a %s stream from %s", media, self->display_name);
}

static GstElement *
make_payloader (gboolean video, GError **error)
{
  GstElement *payloader = cs_media_make (video ? "rtpvp8pay" : "rtpopuspay", NULL, error);

  if (payloader == NULL)
    return NULL;
  if (video)
    g_object_set (payloader, "pt", 96, "mtu", 1200, "picture-id-mode", 2 /* 15 bits */, NULL);
  else
    g_object_set (payloader, "pt", 111, NULL);
  return payloader;
}

static gboolean
link_sender (CsCallPeer *self, gboolean video, GstElement *encoder, GError **error)
{
  GstElement *queue = cs_media_make ("queue", NULL, error);
  GstElement *payloader = queue != NULL ? make_payloader (video, error) : NULL;
  GstElement *last;
  g_autoptr (GstPad) webrtc_pad = NULL;
  g_autoptr (GstPad) queue_sink = NULL;
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  GstPad *ghost;
  const char *delay_ms = g_getenv ("COUSINADE_TEST_DELAY_MS");

  if (payloader == NULL)
    {
      g_clear_pointer (&queue, gst_object_unref);
      return FALSE;
    }
  /* A peer that cannot keep up loses its own packets, not everyone's. */
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0, "max-size-time",
                (guint64) 300 * GST_MSECOND, "leaky", 2, NULL);
  gst_bin_add (GST_BIN (self->bin), queue);
  last = queue;

  if (encoder != NULL)
    {
      gst_bin_add (GST_BIN (self->bin), encoder);
      gst_element_link (last, encoder);
      last = encoder;
    }
  gst_bin_add (GST_BIN (self->bin), payloader);
  gst_element_link (last, payloader);
  last = payloader;
  if (video)
    self->video_payloader = payloader;

  /* Test builds: delay what this participant sends, since this kernel has no netem. */
  if (delay_ms != NULL && g_ascii_strtoull (delay_ms, NULL, 10) > 0)
    {
      GstElement *netsim = cs_media_make ("netsim", NULL, error);
      int delay = (int) g_ascii_strtoull (delay_ms, NULL, 10);

      if (netsim == NULL)
        return FALSE;
      g_object_set (netsim, "min-delay", delay, "max-delay", delay, "delay-probability", 1.0f,
                    NULL);
      gst_bin_add (GST_BIN (self->bin), netsim);
      gst_element_link (last, netsim);
      last = netsim;
    }

  if (video)
    caps = gst_caps_from_string ("application/x-rtp,media=video,encoding-name=VP8,payload=96,"
                                 "clock-rate=90000,rtcp-fb-nack=(boolean)true,"
                                 "rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true");
  else
    caps = gst_caps_from_string ("application/x-rtp,media=audio,encoding-name=OPUS,payload=111,"
                                 "clock-rate=48000,encoding-params=(string)2,"
                                 "useinbandfec=(string)1");

  webrtc_pad = gst_element_request_pad_simple (self->webrtc, "sink_%u");
  g_object_get (webrtc_pad, "transceiver", &transceiver, NULL);
  /* Retransmission on request (NACK/RTX) for video; audio relies on Opus FEC instead. */
  g_object_set (transceiver, "codec-preferences", caps, "direction",
                GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, "do-nack", video, NULL);
  src = gst_element_get_static_pad (last, "src");
  queue_sink = gst_element_get_static_pad (queue, "sink");
  ghost = gst_ghost_pad_new (video ? "video_sink" : "audio_sink", queue_sink);
  gst_element_add_pad (self->bin, ghost);

  if (gst_pad_link (src, webrtc_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   "Could not connect the media to %s", self->display_name);
      return FALSE;
    }
  return TRUE;
}

/* Only once the peer's elements are playing: a pad still flushing would answer the tee with
 * FLUSHING, and that stops the capture thread for everyone. */
static gboolean
link_tee (CsCallPeer *self, GstElement *tee, GstPad *ghost, GstPad **tee_pad_out, GError **error)
{
  *tee_pad_out = gst_element_request_pad_simple (tee, "src_%u");
  if (gst_pad_link (*tee_pad_out, ghost) != GST_PAD_LINK_OK)
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   "Could not connect the media to %s", self->display_name);
      return FALSE;
    }
  return TRUE;
}

/* webrtcbin 1.22 turns retransmission requests on for every stream it cannot match to a
 * transceiver, the voice included. Requests for the voice, which has no retransmission stream,
 * spend the RTP session's one early feedback packet per report interval (RFC 4585): a lost
 * video packet then waits for the next regular report, long after the jitter buffer gave up
 * on it. So: requests for video only. (Its jitter buffer keeps asking for the packet it
 * expects next when that is late, which the sender may not have sent yet: with that estimate
 * off, 1.22 asks for nothing at all.) */
static GstPadProbeReturn
on_first_received_packet (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_autoptr (GstElement) jitterbuffer = gst_pad_get_parent_element (pad);
  GstBuffer *buffer = NULL;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  g_autoptr (GstCaps) caps = NULL;
  const char *media = NULL;
  guint pt;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  else if (gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)) > 0)
    buffer = gst_buffer_list_get (GST_PAD_PROBE_INFO_BUFFER_LIST (info), 0);
  if (jitterbuffer == NULL || buffer == NULL || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  pt = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  /* The same question the jitter buffer asks (webrtcbin answers from the negotiated SDP). */
  g_signal_emit_by_name (jitterbuffer, "request-pt-map", pt, &caps);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  if (media == NULL)
    return GST_PAD_PROBE_OK;

  g_object_set (jitterbuffer, "do-retransmission", g_str_equal (media, "video"), NULL);
  return GST_PAD_PROBE_REMOVE;
}

static void
on_new_jitterbuffer (GstElement *rtpbin,
                     GstElement *jitterbuffer,
                     guint session,
                     guint ssrc,
                     gpointer user_data)
{
  g_autoptr (GstPad) sink = gst_element_get_static_pad (jitterbuffer, "sink");

  /* Nothing asked for until the stream's kind is known. */
  g_object_set (jitterbuffer, "do-retransmission", FALSE, NULL);
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     on_first_received_packet, NULL, NULL);
}

/* RTP sessions appear inside webrtcbin as negotiation goes. */
static void
on_webrtc_element_added (GstBin *bin, GstBin *sub_bin, GstElement *element, gpointer user_data)
{
  if (!g_str_equal (G_OBJECT_TYPE_NAME (element), "GstRtpSession"))
    return;

  /* Receiver reports every second rather than every five: adaptation reacts to them. And
   * RTCP is allowed one early packet between two regular ones (RFC 4585): with the usual 5%
   * of the bandwidth, regular ones come every half second or so, and a request for a lost
   * video packet that misses the early slot waits longer than the jitter buffer does. Measured
   * here at 10% loss: 5% recovers about a quarter of the lost packets, 10% half, 15% two
   * thirds. */
  g_object_set (element, "rtcp-min-interval", RTCP_INTERVAL, "rtcp-fraction", RTCP_FRACTION, NULL);
}

static GstElement *
find_rtpbin (CsCallPeer *self)
{
  g_autoptr (GstIterator) iterator = gst_bin_iterate_elements (GST_BIN (self->webrtc));
  GValue item = G_VALUE_INIT;
  GstElement *rtpbin = NULL;

  while (rtpbin == NULL && gst_iterator_next (iterator, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (g_str_equal (G_OBJECT_TYPE_NAME (element), "GstRtpBin"))
        rtpbin = element;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return rtpbin;
}

static gboolean
build (CsCallPeer *self, GError **error)
{
  GstElement *pipeline = cs_call_get_pipeline (self->call);
  gboolean shared = cs_call_get_share_encoders_internal (self->call);
  g_autofree char *bin_name = g_strdup_printf ("peer-%s", self->id);
  GstElement *audio_encoder = NULL;
  GstElement *video_encoder = NULL;
  g_autoptr (GstPad) audio_sink = NULL;
  g_autoptr (GstPad) video_sink = NULL;
  GstElement *rtpbin;

  self->webrtc = cs_media_make ("webrtcbin", NULL, error);
  if (self->webrtc == NULL)
    return FALSE;
  self->bin = gst_bin_new (bin_name);
  gst_bin_add (GST_BIN (self->bin), self->webrtc);
  gst_util_set_object_arg (G_OBJECT (self->webrtc), "bundle-policy", "max-bundle");
  g_object_set (self->webrtc, "latency", cs_call_get_latency (self->call), NULL);

  g_signal_connect_object (self->webrtc, "on-negotiation-needed",
                           G_CALLBACK (on_negotiation_needed), self, 0);
  g_signal_connect_object (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), self,
                           0);
  g_signal_connect_object (self->webrtc, "pad-added", G_CALLBACK (on_pad_added), self, 0);
  g_signal_connect_object (self->webrtc, "notify::ice-connection-state",
                           G_CALLBACK (on_ice_connection_state), self, 0);
  g_signal_connect_object (self->webrtc, "notify::connection-state",
                           G_CALLBACK (on_connection_state), self, 0);
  g_signal_connect (self->webrtc, "deep-element-added", G_CALLBACK (on_webrtc_element_added), NULL);
  rtpbin = find_rtpbin (self);
  if (rtpbin == NULL)
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   "webrtcbin has no rtpbin inside: this GStreamer version is not supported");
      return FALSE;
    }
  /* After webrtcbin's own handler, which sets the same properties. */
  g_signal_connect (rtpbin, "new-jitterbuffer", G_CALLBACK (on_new_jitterbuffer), NULL);

  if (!shared)
    {
      audio_encoder = cs_call_make_audio_encoder (self->call, self->id, error);
      video_encoder =
        audio_encoder ? cs_call_make_video_encoder (self->call, self->id, error) : NULL;
      if (video_encoder == NULL)
        return FALSE;
      self->own_video_encoder = video_encoder;
      self->own_audio_encoder = audio_encoder;
    }

  gst_bin_add (GST_BIN (pipeline), self->bin);
  /* Audio first, then video: the m-line order (AUDIO_MLINE, VIDEO_MLINE). */
  if (!link_sender (self, FALSE, audio_encoder, error) ||
      !link_sender (self, TRUE, video_encoder, error))
    return FALSE;

  gst_element_sync_state_with_parent (self->bin);
  audio_sink = gst_element_get_static_pad (self->bin, "audio_sink");
  video_sink = gst_element_get_static_pad (self->bin, "video_sink");
  return link_tee (self, cs_call_get_audio_tee (self->call), audio_sink, &self->audio_tee_pad,
                   error) &&
         link_tee (self, cs_call_get_video_tee (self->call), video_sink, &self->video_tee_pad,
                   error);
}

static void update_stats (CsCallPeer *self, const GstStructure *report);

static gboolean
stats_on_main (gpointer data)
{
  PeerTask *task = data;

  if (!task->peer->closed)
    update_stats (task->peer, task->structure);
  return G_SOURCE_REMOVE;
}

static void
on_stats (GstPromise *promise, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  const GstStructure *reply = gst_promise_get_reply (promise);
  PeerTask *task;

  if (reply == NULL)
    {
      gst_promise_unref (promise);
      return;
    }
  task = g_new0 (PeerTask, 1);
  task->structure = gst_structure_copy (reply);
  gst_promise_unref (promise);
  run_on_main (self, stats_on_main, task);
}

typedef struct
{
  CsCallPeer *self;
  CsCallStatsValues values;
  guint64 bytes_sent;
  guint64 bytes_received;
  guint video_ssrc;
  guint64 video_packets_sent;
  guint64 nacks_received;
  const char *selected_pair;
  const char *local_candidate;
  const GstStructure *report;
} StatsWalk;

static gboolean
find_selected_pair (GQuark field, const GValue *value, gpointer user_data)
{
  StatsWalk *walk = user_data;
  const GstStructure *stats;
  GstWebRTCStatsType type;
  const char *id;
  const char *local;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  stats = gst_value_get_structure (value);
  if (!gst_structure_get (stats, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL) ||
      type != GST_WEBRTC_STATS_CANDIDATE_PAIR)
    return TRUE;

  id = gst_structure_get_string (stats, "id");
  local = gst_structure_get_string (stats, "local-candidate-id");
  /* Without a transport naming the selected pair, the only pair is the one. */
  if (local != NULL && (walk->selected_pair == NULL || g_strcmp0 (id, walk->selected_pair) == 0))
    walk->local_candidate = local;
  return TRUE;
}

/* webrtcbin 1.22 names a candidate "ice-candidate-<side>_<component>_<address>_<port>", and
 * may file the selected pair's local candidate under either side: match on address and port. */
static gboolean
find_candidate_type (GQuark field, const GValue *value, gpointer user_data)
{
  StatsWalk *walk = user_data;
  const GstStructure *stats;
  GstWebRTCStatsType type;
  const char *address;
  guint port = 0;
  g_autofree char *suffix = NULL;

  if (walk->local_candidate == NULL || !GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  stats = gst_value_get_structure (value);
  if (!gst_structure_get (stats, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL) ||
      (type != GST_WEBRTC_STATS_LOCAL_CANDIDATE && type != GST_WEBRTC_STATS_REMOTE_CANDIDATE))
    return TRUE;
  address = gst_structure_get_string (stats, "address");
  if (address == NULL || !gst_structure_get_uint (stats, "port", &port))
    return TRUE;

  suffix = g_strdup_printf ("_%s_%u", address, port);
  if (g_str_has_suffix (walk->local_candidate, suffix))
    walk->values.candidate_type =
      cs_candidate_type_from_string (gst_structure_get_string (stats, "candidate-type"));
  return TRUE;
}

static gboolean
walk_stats (GQuark field, const GValue *value, gpointer user_data)
{
  StatsWalk *walk = user_data;
  const GstStructure *stats;
  GstWebRTCStatsType type;
  const char *kind;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;
  stats = gst_value_get_structure (value);
  if (!gst_structure_get (stats, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, NULL))
    return TRUE;
  kind = gst_structure_get_string (stats, "kind");

  switch (type)
    {
    case GST_WEBRTC_STATS_OUTBOUND_RTP:
      {
        guint64 bytes = 0;
        guint64 packets = 0;
        guint nacks = 0;
        guint ssrc = 0;

        if (gst_structure_get_uint64 (stats, "bytes-sent", &bytes))
          walk->bytes_sent += bytes;
        /* Only video is retransmitted, so only video is asked for again. webrtcbin 1.22
         * labels every outbound stream "video": the payloader's SSRC tells which one is. */
        if (gst_structure_get_uint (stats, "ssrc", &ssrc) && ssrc == walk->video_ssrc)
          {
            if (gst_structure_get_uint64 (stats, "packets-sent", &packets))
              walk->video_packets_sent += packets;
            if (gst_structure_get_uint (stats, "nack-count", &nacks))
              walk->nacks_received += nacks;
          }
        break;
      }

    case GST_WEBRTC_STATS_INBOUND_RTP:
      {
        guint64 bytes = 0;
        double jitter = 0;

        if (gst_structure_get_uint64 (stats, "bytes-received", &bytes))
          walk->bytes_received += bytes;
        if (g_strcmp0 (kind, "video") == 0 && gst_structure_get_double (stats, "jitter", &jitter))
          walk->values.jitter_ms = jitter * 1000;
        break;
      }

    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
      {
        double rtt = 0;
        double fraction = 0;
        guint fraction_256 = 0;
        const GstStructure *source = NULL;

        /* The peer's receiver reports, for whatever stream carried them: the link is the
         * same (bundle). webrtcbin 1.22 leaves "fraction-lost" at 0; the report's own
         * field, out of 256, is in the nested source statistics. */
        if (gst_structure_get_double (stats, "round-trip-time", &rtt) && rtt > 0)
          walk->values.rtt_ms = MAX (walk->values.rtt_ms, rtt * 1000);
        if (gst_structure_get_double (stats, "fraction-lost", &fraction))
          walk->values.loss_sent = MAX (walk->values.loss_sent, CLAMP (fraction, 0, 1));
        if (gst_structure_get (stats, "gst-rtpsource-stats", GST_TYPE_STRUCTURE, &source, NULL))
          {
            if (gst_structure_get_uint (source, "rb-fractionlost", &fraction_256))
              walk->values.loss_sent = MAX (walk->values.loss_sent, fraction_256 / 256.0);
            gst_structure_free ((GstStructure *) source);
          }
        break;
      }

    case GST_WEBRTC_STATS_TRANSPORT:
      {
        const char *pair = gst_structure_get_string (stats, "selected-candidate-pair-id");

        if (pair != NULL)
          walk->selected_pair = pair;
        break;
      }

    default:
      break;
    }
  return TRUE;
}

/* What the jitter buffers saw: packets out, packets given up on, retransmissions asked for
 * (one per packet that did not arrive in time, retries included), and packets that came back
 * by retransmission in time to be used. */
static JitterCounts
read_jitter_buffers (CsCallPeer *self)
{
  JitterCounts counts = { 0 };
  GstIterator *iterator = gst_bin_iterate_recurse (GST_BIN (self->webrtc));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (iterator, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      if (g_str_equal (G_OBJECT_TYPE_NAME (element), "GstRtpJitterBuffer"))
        {
          g_autoptr (GstStructure) stats = NULL;
          guint64 value;

          g_object_get (element, "stats", &stats, NULL);
          if (stats != NULL && g_getenv ("COUSINADE_DUMP_STATS") != NULL)
            {
              g_autofree char *text = gst_structure_to_string (stats);

              g_printerr ("%s: %s\n", GST_ELEMENT_NAME (element), text);
            }
          if (stats != NULL && gst_structure_get_uint64 (stats, "num-pushed", &value))
            counts.pushed += value;
          if (stats != NULL && gst_structure_get_uint64 (stats, "num-lost", &value))
            counts.lost += value;
          if (stats != NULL && gst_structure_get_uint64 (stats, "rtx-count", &value))
            counts.rtx_requests += value;
          if (stats != NULL && gst_structure_get_uint64 (stats, "rtx-success-count", &value))
            counts.recovered += value;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (iterator);
  return counts;
}

/* What this peer's video goes out as (0 before the payloader starts). */
static guint
get_video_ssrc (CsCallPeer *self)
{
  g_autoptr (GstStructure) stats = NULL;
  guint ssrc = 0;

  if (self->video_payloader == NULL)
    return 0;
  g_object_get (self->video_payloader, "stats", &stats, NULL);
  if (stats != NULL)
    gst_structure_get_uint (stats, "ssrc", &ssrc);
  return ssrc;
}

static void
update_stats (CsCallPeer *self, const GstStructure *report)
{
  StatsWalk walk = { 0 };
  gint64 now = g_get_monotonic_time ();
  double seconds = self->last_poll_time != 0 ? (now - self->last_poll_time) / 1e6 : 0;
  const CsBitrateBounds *bounds = cs_call_get_bounds (self->call);
  g_autoptr (GstStructure) sink_stats = NULL;
  guint64 dropped = 0;

  if (g_getenv ("COUSINADE_DUMP_STATS_FULL") != NULL)
    {
      g_autofree char *text = gst_structure_to_string (report);

      g_printerr ("%s\n", text);
    }

  walk.self = self;
  walk.report = report;
  walk.video_ssrc = get_video_ssrc (self);
  gst_structure_foreach (report, walk_stats, &walk);
  gst_structure_foreach (report, find_selected_pair, &walk);
  gst_structure_foreach (report, find_candidate_type, &walk);

  g_mutex_lock (&self->lock);
  walk.values.frames_decoded = self->frames_decoded;
  walk.values.audio_ms = self->audio_us / 1000;
  walk.values.audio_max_gap_ms = self->audio_max_gap_us / 1000.0;
  self->audio_max_gap_us = 0;
  walk.values.latency_ms =
    self->latency_count > 0 ? self->latency_sum_ms / self->latency_count : -1;
  self->latency_sum_ms = 0;
  self->latency_count = 0;
  g_mutex_unlock (&self->lock);

  if (self->video_sink != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (self->video_sink), "stats"))
    {
      g_object_get (self->video_sink, "stats", &sink_stats, NULL);
      if (sink_stats != NULL)
        gst_structure_get_uint64 (sink_stats, "dropped", &dropped);
    }
  walk.values.frames_dropped = dropped;

  if (seconds > 0)
    {
      JitterCounts counts = read_jitter_buffers (self);
      guint64 pushed = counts.pushed - self->last_jitter.pushed;
      guint64 missing = counts.lost - self->last_jitter.lost;

      /* Given up on, after any retransmission: what the decoder had to do without. */
      self->last_jitter = counts;
      walk.values.packets_recovered = counts.recovered;
      if (pushed + missing > 0)
        walk.values.loss_received = MIN (1.0, (double) missing / (pushed + missing));

      /* Receiver reports often say less than the peer misses (webrtcbin 1.22 fills their
       * loss fields late or not at all); retransmission requests tell it as it happens. A
       * request may name several packets: a lower bound. */
      if (walk.video_packets_sent > self->last_packets_sent)
        walk.values.loss_sent =
          MAX (walk.values.loss_sent,
               MIN (1.0, (double) (walk.nacks_received - self->last_nacks) /
                           (walk.video_packets_sent - self->last_packets_sent)));

      walk.values.send_kbps = (walk.bytes_sent - self->last_bytes_sent) * 8 / seconds / 1000;
      walk.values.receive_kbps =
        (walk.bytes_received - self->last_bytes_received) * 8 / seconds / 1000;
      walk.values.frame_rate = (walk.values.frames_decoded - self->last_frames_decoded) / seconds;
    }
  self->last_poll_time = now;
  self->last_bytes_sent = walk.bytes_sent;
  self->last_packets_sent = walk.video_packets_sent;
  self->last_nacks = walk.nacks_received;
  self->last_bytes_received = walk.bytes_received;
  self->last_frames_decoded = walk.values.frames_decoded;

  g_clear_object (&self->stats);
  self->stats = cs_call_stats_new (&walk.values);

  if (self->state == CS_CALL_PEER_STATE_CONNECTED)
    {
      const char *reason = NULL;
      guint next = cs_call_adaptation_next (bounds, self->estimate_kbps, walk.values.loss_sent,
                                            walk.values.rtt_ms, &reason);

      if (next != self->estimate_kbps)
        {
          g_debug ("%s: estimate %u → %u kbit/s (%s)", self->display_name, self->estimate_kbps,
                   next, reason);
          self->estimate_kbps = next;
          self->estimate_reason = reason;
          if (self->own_video_encoder != NULL)
            g_object_set (self->own_video_encoder, "target-bitrate", (int) next * 1000, NULL);
        }
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
}

static void
cs_call_peer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallPeer *self = CS_CALL_PEER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_AUDIO_LEVEL:
      g_value_set_double (value, self->audio_level);
      break;
    case PROP_SPEAKING:
      g_value_set_boolean (value, self->speaking);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;
    case PROP_STATS:
      g_value_set_object (value, self->stats);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_peer_dispose (GObject *object)
{
  CsCallPeer *self = CS_CALL_PEER (object);

  cs_call_peer_close (self);
  g_clear_object (&self->stats);

  G_OBJECT_CLASS (cs_call_peer_parent_class)->dispose (object);
}

static void
cs_call_peer_finalize (GObject *object)
{
  CsCallPeer *self = CS_CALL_PEER (object);

  g_free (self->id);
  g_free (self->display_name);
  g_ptr_array_unref (self->pending_candidates);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cs_call_peer_parent_class)->finalize (object);
}

static void
cs_call_peer_class_init (CsCallPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cs_call_peer_get_property;
  object_class->dispose = cs_call_peer_dispose;
  object_class->finalize = cs_call_peer_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CS_CALL_PEER_STATE_NEGOTIATING,
                      CS_CALL_PEER_STATE_CLOSED, CS_CALL_PEER_STATE_NEGOTIATING, flags);
  properties[PROP_AUDIO_LEVEL] =
    g_param_spec_double ("audio-level", NULL, NULL, -200, 0, -100, flags);
  properties[PROP_SPEAKING] = g_param_spec_boolean ("speaking", NULL, NULL, FALSE, flags);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, flags);
  properties[PROP_CAMERA_OFF] = g_param_spec_boolean ("camera-off", NULL, NULL, FALSE, flags);
  properties[PROP_STATS] = g_param_spec_object ("stats", NULL, NULL, CS_TYPE_CALL_STATS, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The first picture from this peer was decoded. */
  signals[FIRST_FRAME] = g_signal_new ("first-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_call_peer_init (CsCallPeer *self)
{
  g_mutex_init (&self->lock);
  self->pending_candidates = g_ptr_array_new_with_free_func (g_free);
  self->audio_level = -100;
  self->context = g_main_context_ref_thread_default ();
  self->created_time = g_get_monotonic_time ();
}

CsCallPeer *
cs_call_peer_new (CsCall *call,
                  const char *id,
                  const char *display_name,
                  gboolean offerer,
                  GError **error)
{
  g_autoptr (CsCallPeer) self = g_object_new (CS_TYPE_CALL_PEER, NULL);

  self->call = call;
  self->id = g_strdup (id);
  self->display_name = g_strdup (display_name);
  self->offerer = offerer;
  self->estimate_kbps = cs_call_get_video_bitrate (call);

  if (!build (self, error))
    {
      cs_call_peer_close (self);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
on_remote_description_set (GstPromise *promise, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  GstPromise *answer;

  gst_promise_unref (promise);
  answer =
    gst_promise_new_with_change_func (on_description_created, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "create-answer", NULL, answer);
}

void
cs_call_peer_handle_description (CsCallPeer *self, const char *type, const char *sdp)
{
  g_autoptr (GstSDPMessage) message = NULL;
  GstWebRTCSessionDescription *description;
  GstWebRTCSDPType sdp_type;
  GstPromise *promise = NULL;

  g_return_if_fail (CS_IS_CALL_PEER (self));

  if (self->closed)
    return;

  if (g_strcmp0 (type, "offer") == 0 && !self->offerer)
    sdp_type = GST_WEBRTC_SDP_TYPE_OFFER;
  else if (g_strcmp0 (type, "answer") == 0 && self->offerer)
    sdp_type = GST_WEBRTC_SDP_TYPE_ANSWER;
  else
    {
      g_debug ("Ignoring an unexpected %s from %s", type, self->display_name);
      return;
    }

  /* Transceivers are fixed: a second offer or answer would be a renegotiation. */
  if (self->remote_description_set)
    {
      g_debug ("Ignoring a second %s from %s", type, self->display_name);
      return;
    }

  if (gst_sdp_message_new_from_text (sdp, &message) != GST_SDP_OK ||
      gst_sdp_message_medias_len (message) == 0)
    {
      g_message ("Ignoring an unreadable %s from %s", type, self->display_name);
      return;
    }

  self->remote_description_set = TRUE;
  description = gst_webrtc_session_description_new (sdp_type, g_steal_pointer (&message));
  if (sdp_type == GST_WEBRTC_SDP_TYPE_OFFER)
    promise = gst_promise_new_with_change_func (on_remote_description_set, g_object_ref (self),
                                                g_object_unref);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", description, promise);
  gst_webrtc_session_description_free (description);

  for (guint i = 0; i < self->pending_candidates->len; i++)
    {
      const char *pending = g_ptr_array_index (self->pending_candidates, i);
      const char *colon = strchr (pending, ':');

      g_signal_emit_by_name (self->webrtc, "add-ice-candidate",
                             (guint) g_ascii_strtoull (pending, NULL, 10), colon + 1);
    }
  g_ptr_array_set_size (self->pending_candidates, 0);
}

void
cs_call_peer_handle_candidate (CsCallPeer *self, guint mline_index, const char *candidate)
{
  g_return_if_fail (CS_IS_CALL_PEER (self));
  g_return_if_fail (candidate != NULL);

  if (self->closed || mline_index > VIDEO_MLINE || !g_str_has_prefix (candidate, "candidate:"))
    return;

  /* Candidates can overtake the description they belong to. */
  if (!self->remote_description_set)
    {
      g_ptr_array_add (self->pending_candidates, g_strdup_printf ("%u:%s", mline_index, candidate));
      return;
    }
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", mline_index, candidate);
}

void
cs_call_peer_set_remote_state (CsCallPeer *self, gboolean muted, gboolean camera_off)
{
  g_return_if_fail (CS_IS_CALL_PEER (self));

  muted = !!muted;
  camera_off = !!camera_off;
  if (self->muted != muted)
    {
      self->muted = muted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
    }
  if (self->camera_off != camera_off)
    {
      self->camera_off = camera_off;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
    }
}

void
cs_call_peer_handle_element_message (CsCallPeer *self, GstMessage *message)
{
  const GstStructure *structure = gst_message_get_structure (message);
  const GValue *rms_list;
  double loudest = -200;
  gboolean speaking;

  if (structure == NULL || !gst_structure_has_name (structure, "level"))
    return;

  rms_list = gst_structure_get_value (structure, "rms");
  if (rms_list == NULL)
    return;

  /* The level element still speaks GValueArray. */
  if (!g_str_equal (G_VALUE_TYPE_NAME (rms_list), "GValueArray"))
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    GValueArray *array = g_value_get_boxed (rms_list);

    for (guint i = 0; i < array->n_values; i++)
      loudest = MAX (loudest, g_value_get_double (g_value_array_get_nth (array, i)));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS

  loudest = CLAMP (loudest, -200, 0);
  self->audio_level = loudest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_LEVEL]);
  speaking = loudest > SPEAKING_DB && !self->muted;
  if (speaking != self->speaking)
    {
      self->speaking = speaking;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEAKING]);
    }
}

void
cs_call_peer_poll (CsCallPeer *self)
{
  GstPromise *promise;
  gint64 now = g_get_monotonic_time ();
  gint64 last_media;

  g_return_if_fail (CS_IS_CALL_PEER (self));

  if (self->closed)
    return;

  g_mutex_lock (&self->lock);
  last_media = self->last_media_time;
  g_mutex_unlock (&self->lock);

  if (last_media != 0 && now - last_media > SILENCE_TIMEOUT_US)
    {
      set_state (self, CS_CALL_PEER_STATE_LOST);
      cs_call_peer_lost (self->call, self, "no media for 5 seconds");
      return;
    }
  if (last_media == 0 && now - self->created_time > CONNECT_TIMEOUT_US)
    {
      set_state (self, CS_CALL_PEER_STATE_LOST);
      cs_call_peer_lost (self->call, self, "could not connect");
      return;
    }

  promise = gst_promise_new_with_change_func (on_stats, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);
}

guint
cs_call_peer_get_estimate_kbps (CsCallPeer *self)
{
  return self->estimate_kbps;
}

const char *
cs_call_peer_get_estimate_reason (CsCallPeer *self)
{
  return self->estimate_reason != NULL ? self->estimate_reason : "start";
}

gboolean
cs_call_peer_owns_element (CsCallPeer *self, GstObject *element)
{
  return self->bin != NULL && element != NULL &&
         (element == GST_OBJECT (self->bin) ||
          gst_object_has_as_ancestor (element, GST_OBJECT (self->bin)));
}

static void
finish_close (CsCallPeer *self)
{
  for (guint i = 0; i < 2; i++)
    {
      GstPad **tee_pad = i == 0 ? &self->audio_tee_pad : &self->video_tee_pad;
      g_autoptr (GstElement) tee = NULL;

      if (*tee_pad == NULL)
        continue;
      tee = gst_pad_get_parent_element (*tee_pad);
      if (tee != NULL)
        gst_element_release_request_pad (tee, *tee_pad);
      gst_clear_object (tee_pad);
    }

  if (self->bin != NULL)
    {
      g_autoptr (GstObject) parent = gst_object_get_parent (GST_OBJECT (self->bin));

      /* Stops webrtcbin's threads: no callback runs after this. */
      gst_element_set_state (self->bin, GST_STATE_NULL);
      if (parent != NULL)
        gst_bin_remove (GST_BIN (parent), self->bin);
      else
        gst_object_unref (gst_object_ref_sink (self->bin));
      self->bin = NULL;
      self->webrtc = NULL;
      self->video_sink = NULL;
      self->video_payloader = NULL;
      self->audio_out = NULL;
    }
}

static gboolean
finish_close_on_main (gpointer data)
{
  finish_close (((PeerTask *) data)->peer);
  return G_SOURCE_REMOVE;
}

/* Unlinks from the tee only between two buffers: a buffer pushed into a pad that is going
 * away would come back FLUSHING, and stop the capture thread for everyone. */
static GstPadProbeReturn
on_tee_pad_idle (GstPad *tee_pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  g_autoptr (GstPad) peer = gst_pad_get_peer (tee_pad);

  if (peer != NULL)
    gst_pad_unlink (tee_pad, peer);
  if (g_atomic_int_dec_and_test (&self->tee_pads_linked))
    run_on_main (self, finish_close_on_main, g_new0 (PeerTask, 1));
  return GST_PAD_PROBE_REMOVE;
}

void
cs_call_peer_close (CsCallPeer *self)
{
  g_return_if_fail (CS_IS_CALL_PEER (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  set_state (self, CS_CALL_PEER_STATE_CLOSED);

  if (self->mixer_pad != NULL)
    {
      g_autoptr (GstElement) mixer = gst_pad_get_parent_element (self->mixer_pad);
      g_autoptr (GstPad) peer = gst_pad_get_peer (self->mixer_pad);

      if (peer != NULL)
        gst_pad_unlink (peer, self->mixer_pad);
      if (mixer != NULL)
        gst_element_release_request_pad (mixer, self->mixer_pad);
      gst_clear_object (&self->mixer_pad);
    }
  if (self->own_video_encoder != NULL)
    cs_call_forget_encoders (self->call, self->own_video_encoder, self->own_audio_encoder);
  self->own_video_encoder = NULL;
  self->own_audio_encoder = NULL;

  g_atomic_int_set (&self->tee_pads_linked, 2);
  for (guint i = 0; i < 2; i++)
    {
      GstPad *tee_pad = i == 0 ? self->audio_tee_pad : self->video_tee_pad;

      if (tee_pad != NULL)
        gst_pad_add_probe (tee_pad, GST_PAD_PROBE_TYPE_IDLE, on_tee_pad_idle, g_object_ref (self),
                           g_object_unref);
      else if (g_atomic_int_dec_and_test (&self->tee_pads_linked))
        finish_close (self);
    }
}

const char *
cs_call_peer_get_id (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), NULL);

  return self->id;
}

const char *
cs_call_peer_get_display_name (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), NULL);

  return self->display_name;
}

CsCallPeerState
cs_call_peer_get_state (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), CS_CALL_PEER_STATE_CLOSED);

  return self->state;
}

double
cs_call_peer_get_audio_level (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), -100);

  return self->audio_level;
}

gboolean
cs_call_peer_get_speaking (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), FALSE);

  return self->speaking;
}

gboolean
cs_call_peer_get_muted (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), FALSE);

  return self->muted;
}

gboolean
cs_call_peer_get_camera_off (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), FALSE);

  return self->camera_off;
}

CsCallStats *
cs_call_peer_get_stats (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), NULL);

  return self->stats;
}

guint64
cs_call_peer_get_frames_decoded (CsCallPeer *self)
{
  guint64 frames;

  g_return_val_if_fail (CS_IS_CALL_PEER (self), 0);

  g_mutex_lock (&self->lock);
  frames = self->frames_decoded;
  g_mutex_unlock (&self->lock);
  return frames;
}

gint64
cs_call_peer_get_first_frame_time (CsCallPeer *self)
{
  gint64 time;

  g_return_val_if_fail (CS_IS_CALL_PEER (self), 0);

  g_mutex_lock (&self->lock);
  time = self->first_frame_time;
  g_mutex_unlock (&self->lock);
  return time;
}
