/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call"

#include "config.h"

#include "cs-call.h"

#include "cs-call-private.h"

#include <gst/video/video.h>

/*
 * One call: one capture and one encoder per media kind, shared through a tee by every peer
 * (encode once), one CsCallPeer per remote participant, and one mixer for everything heard.
 *
 *   video capture ─ convert/scale/rate ─ [camera off: black] ─ vp8enc ─ tee ─┬─ peer…
 *   audio capture ─ convert/resample ─ volume (mute) ─ opusenc ─ tee ────────┴─ peer…
 *   peer… ─ audiomixer ─ speakers
 *
 * Each peer packetizes for itself (cheap): its webrtcbin owns the RTP session, SSRC and
 * sequence numbers of what it sends.
 *
 * Peers come and go while capture and encoders keep running.
 */

#define START_KBPS_FRACTION 0.6
#define KEYFRAME_MIN_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)

struct _CsCall
{
  GObject parent_instance;

  CsCallSignaling *signaling;
  char *display_name;
  CsCallState state;
  GError *error;

  guint width;
  guint height;
  guint framerate;
  guint max_participants;
  gboolean share_encoders;
  guint latency_ms;
  CsCallVideoSinkFunc sink_func;
  gpointer sink_data;
  GDestroyNotify sink_destroy;

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

G_DEFINE_FINAL_TYPE (CsCall, cs_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  PROP_VIDEO_BITRATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PEER_ADDED,
  PEER_REMOVED,
  BITRATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (CsCall *self, CsCallState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail (CsCall *self, GError *error)
{
  g_message ("Call failed: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
  cs_call_leave (self);
  set_state (self, CS_CALL_STATE_FAILED);
}

static guint
find_peer_position (CsCall *self, const char *id, CsCallPeer **peer_out)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      if (g_str_equal (cs_call_peer_get_id (peer), id))
        {
          if (peer_out != NULL)
            *peer_out = peer;
          return i;
        }
    }
  return G_MAXUINT;
}

static void
remove_peer (CsCall *self, const char *id, const char *reason)
{
  CsCallPeer *peer = NULL;
  guint position = find_peer_position (self, id, &peer);
  g_autoptr (CsCallPeer) kept = NULL;

  if (position == G_MAXUINT)
    return;

  kept = g_object_ref (peer);
  g_message ("%s left the call (%s)", cs_call_peer_get_display_name (kept), reason);
  g_list_store_remove (self->peers, position);
  cs_call_peer_close (kept);
  g_signal_emit (self, signals[PEER_REMOVED], 0, kept, reason);
}

static CsCallPeer *
add_peer (CsCall *self, const char *id, const char *name, gboolean offerer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsCallPeer) peer = NULL;

  if (find_peer_position (self, id, NULL) != G_MAXUINT)
    return NULL;

  peer = cs_call_peer_new (self, id, name, offerer, &error);
  if (peer == NULL)
    {
      g_warning ("Could not add %s to the call: %s", name, error->message);
      return NULL;
    }

  g_list_store_append (self->peers, peer);
  g_signal_emit (self, signals[PEER_ADDED], 0, peer);
  return peer;
}

static gboolean
call_is_full (CsCall *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->peers)) + 1 >= self->max_participants;
}

static void
on_signaling_roster (CsCallSignaling *signaling, GStrv ids, GStrv names, CsCall *self)
{
  guint n = ids != NULL ? g_strv_length (ids) : 0;

  if (self->state != CS_CALL_STATE_JOINING)
    return;

  if (n + 1 > self->max_participants)
    {
      fail (self, g_error_new (CS_MEDIA_ERROR, CS_MEDIA_ERROR_CALL_FULL,
                               "This call is full: it already has %u people, and a call can "
                               "have at most %u",
                               n, self->max_participants));
      return;
    }

  set_state (self, CS_CALL_STATE_IN_CALL);
  /* Whoever arrives makes the offers to those already there, so two people never offer to
   * each other at once. */
  for (guint i = 0; i < n; i++)
    add_peer (self, ids[i], names != NULL && i < g_strv_length (names) ? names[i] : ids[i], TRUE);
  cs_call_signaling_send_media_state (self->signaling, self->muted, self->camera_off);
}

static void
on_signaling_participant_joined (CsCallSignaling *signaling,
                                 const char *id,
                                 const char *name,
                                 CsCall *self)
{
  if (self->state != CS_CALL_STATE_IN_CALL)
    return;

  if (call_is_full (self))
    {
      /* The newcomer sees the same roster and leaves by itself with "this call is full". */
      g_message ("%s cannot join: the call is full", name);
      return;
    }

  add_peer (self, id, name, FALSE);
  /* They were not there to hear the last announcement. */
  cs_call_signaling_send_media_state (self->signaling, self->muted, self->camera_off);
}

static void
on_signaling_participant_left (CsCallSignaling *signaling, const char *id, CsCall *self)
{
  remove_peer (self, id, "left");
}

static void
on_signaling_description (CsCallSignaling *signaling,
                          const char *from,
                          const char *type,
                          const char *sdp,
                          CsCall *self)
{
  CsCallPeer *peer = NULL;

  if (self->state != CS_CALL_STATE_IN_CALL)
    return;

  if (find_peer_position (self, from, &peer) == G_MAXUINT)
    {
      g_debug ("Ignoring a description from %s, who is not in the call", from);
      return;
    }
  cs_call_peer_handle_description (peer, type, sdp);
}

static void
on_signaling_candidate (CsCallSignaling *signaling,
                        const char *from,
                        guint mline_index,
                        const char *candidate,
                        CsCall *self)
{
  CsCallPeer *peer = NULL;

  if (find_peer_position (self, from, &peer) != G_MAXUINT)
    cs_call_peer_handle_candidate (peer, mline_index, candidate);
}

static void
on_signaling_media_state (CsCallSignaling *signaling,
                          const char *from,
                          gboolean muted,
                          gboolean camera_off,
                          CsCall *self)
{
  CsCallPeer *peer = NULL;

  if (find_peer_position (self, from, &peer) != G_MAXUINT)
    cs_call_peer_set_remote_state (peer, muted, camera_off);
}

static void
on_signaling_failed (CsCallSignaling *signaling, GError *error, CsCall *self)
{
  if (self->state == CS_CALL_STATE_LEFT || self->state == CS_CALL_STATE_FAILED)
    return;

  fail (self, g_error_new (CS_MEDIA_ERROR, CS_MEDIA_ERROR_SIGNALING, "%s", error->message));
}

static CsCallPeer *
find_peer_for_element (CsCall *self, GstObject *element)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      if (cs_call_peer_owns_element (peer, element))
        return peer;
    }
  return NULL;
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CsCall *self = CS_CALL (user_data);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;
        CsCallPeer *peer;

        gst_message_parse_error (message, &error, &debug);
        peer = find_peer_for_element (self, GST_MESSAGE_SRC (message));
        if (peer != NULL)
          {
            /* One broken link must not end everyone's call. */
            g_warning ("Media error with %s: %s (%s)", cs_call_peer_get_display_name (peer),
                       error->message, debug);
            cs_call_peer_lost (self, peer, "media error");
            break;
          }
        fail (self, g_error_new (CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                                 "The call's sound or video stopped working: %s", error->message));
        break;
      }

    case GST_MESSAGE_WARNING:
      {
        g_autoptr (GError) error = NULL;

        gst_message_parse_warning (message, &error, NULL);
        g_debug ("%s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message);
        break;
      }

    case GST_MESSAGE_STATE_CHANGED:
      {
        GstState old_state, new_state;
        const char *name = GST_OBJECT_NAME (GST_MESSAGE_SRC (message));

        gst_message_parse_state_changed (message, &old_state, &new_state, NULL);
        if (new_state != GST_STATE_PLAYING || old_state == GST_STATE_PLAYING)
          break;
        if (g_str_equal (name, "video-capture"))
          self->capture_starts++;
        else if (g_str_has_prefix (name, "video-encoder"))
          self->encoder_starts++;
        break;
      }

    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;

    case GST_MESSAGE_ELEMENT:
      {
        CsCallPeer *peer = find_peer_for_element (self, GST_MESSAGE_SRC (message));

        if (peer != NULL)
          cs_call_peer_handle_element_message (peer, message);
        break;
      }

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static void
update_bitrate (CsCall *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));
  guint target = self->bounds.max_kbps;
  CsCallPeer *worst = NULL;

  if (!self->share_encoders)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);
      guint estimate = cs_call_peer_get_estimate_kbps (peer);

      if (estimate < target)
        {
          target = estimate;
          worst = peer;
        }
    }

  if (n == 0 || target == self->video_kbps)
    return;

  {
    g_autofree char *reason = NULL;
    const CsCallStatsValues *values = NULL;
    CsCallStats *stats = worst != NULL ? cs_call_peer_get_stats (worst) : NULL;

    if (stats != NULL)
      values = cs_call_stats_get_values (stats);
    if (values != NULL)
      reason = g_strdup_printf ("%s (%s: loss %.1f%%, round trip %.0f ms)",
                                cs_call_peer_get_estimate_reason (worst),
                                cs_call_peer_get_display_name (worst), values->loss_sent * 100,
                                values->rtt_ms);
    else
      reason = g_strdup ("every link is clean");

    g_message ("Video bitrate %u → %u kbit/s (%s)", self->video_kbps, target, reason);
    self->video_kbps = target;
    for (guint i = 0; i < self->video_encoders->len; i++)
      g_object_set (g_ptr_array_index (self->video_encoders, i), "target-bitrate",
                    (int) target * 1000, NULL);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_BITRATE]);
    g_signal_emit (self, signals[BITRATE_CHANGED], 0, target, reason);
  }
}

static gboolean
on_poll (gpointer user_data)
{
  CsCall *self = CS_CALL (user_data);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->peers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);

      cs_call_peer_poll (peer);
    }
  update_bitrate (self);
  return G_SOURCE_CONTINUE;
}

static GstPadProbeReturn
on_raw_video (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCall *self = CS_CALL (user_data);
  gboolean camera_off = g_atomic_int_get (&self->camera_off_atomic);
  GstBuffer *buffer;
  GstVideoInfo video_info;
  GstVideoFrame frame;
  g_autoptr (GstCaps) caps = NULL;

  if (!camera_off && !self->stamp_frames)
    return GST_PAD_PROBE_OK;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL || !gst_video_info_from_caps (&video_info, caps))
    return GST_PAD_PROBE_OK;

  buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  if (!gst_video_frame_map (&frame, &video_info, buffer, GST_MAP_WRITE))
    return GST_PAD_PROBE_OK;

  /* Black, not the last picture frozen: peers show the camera as off. */
  if (camera_off)
    cs_media_fill_black (&frame);
  else
    cs_media_stamp_write (&frame, g_get_real_time () / 1000);
  gst_video_frame_unmap (&frame);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_encoded_video (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsCall *self = CS_CALL (user_data);

  g_atomic_int_inc (&self->frames_sent);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_keyframe_request (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  CsCall *self = CS_CALL (user_data);
  gint64 now;
  gboolean too_soon;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;

  /* Every peer that loses a packet asks; one keyframe serves them all, and a flood of
   * keyframes would make the loss worse. */
  now = g_get_monotonic_time ();
  g_mutex_lock (&self->keyframe_lock);
  too_soon = now - self->last_keyframe_request < KEYFRAME_MIN_INTERVAL_US;
  if (!too_soon)
    self->last_keyframe_request = now;
  g_mutex_unlock (&self->keyframe_lock);
  return too_soon ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static GstElement *
make_capsfilter (const char *caps_text, GError **error)
{
  GstElement *filter = cs_media_make ("capsfilter", NULL, error);
  g_autoptr (GstCaps) caps = NULL;

  if (filter == NULL)
    return NULL;
  caps = gst_caps_from_string (caps_text);
  g_object_set (filter, "caps", caps, NULL);
  return filter;
}

/* Elements in @names order, linked in a chain and added to @bin; on error, nothing added. */
static gboolean
add_chain (GstBin *bin, GstElement **elements, guint n, GError **error)
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
    gst_bin_add (bin, elements[i]);
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      {
        g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link %s to %s",
                     GST_ELEMENT_NAME (elements[i]), GST_ELEMENT_NAME (elements[i + 1]));
        return FALSE;
      }
  return TRUE;
}

GstElement *
cs_call_make_video_encoder (CsCall *self, const char *name, GError **error)
{
  GstElement *encoder;
  g_autofree char *encoder_name = g_strdup_printf ("video-encoder-%s", name);
  g_autoptr (GstPad) pad = NULL;

  encoder = cs_media_make ("vp8enc", encoder_name, error);
  if (encoder == NULL)
    return NULL;

  /* Real time: no look-ahead, constant bitrate, resilient to loss, keyframes when asked
   * (and every 10 s for anyone who missed one). */
  g_object_set (encoder, "deadline", (gint64) 1, "cpu-used", 8, "end-usage", 1 /* cbr */,
                "lag-in-frames", 0, "error-resilient", 1, "keyframe-max-dist",
                (int) self->framerate * 10, "target-bitrate", (int) self->video_kbps * 1000,
                "threads", 2, "buffer-size", 1000, "buffer-initial-size", 500,
                "buffer-optimal-size", 600, "undershoot", 95, NULL);

  pad = gst_element_get_static_pad (encoder, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_keyframe_request, self, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_encoded_video, self, NULL);
  g_ptr_array_add (self->video_encoders, gst_object_ref (encoder));
  return encoder;
}

GstElement *
cs_call_make_audio_encoder (CsCall *self, const char *name, GError **error)
{
  GstElement *encoder;
  g_autofree char *encoder_name = g_strdup_printf ("audio-encoder-%s", name);

  encoder = cs_media_make ("opusenc", encoder_name, error);
  if (encoder == NULL)
    return NULL;

  /* In-band FEC recovers a lost packet from the next one; DTX sends next to nothing while
   * nobody speaks (or the microphone is muted). */
  g_object_set (encoder, "bitrate", 32000, "inband-fec", TRUE, "dtx", TRUE,
                "packet-loss-percentage", 10, "frame-size", 20, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");
  g_ptr_array_add (self->audio_encoders, gst_object_ref (encoder));
  return encoder;
}

static gboolean
build_pipeline (CsCall *self, GError **error)
{
  gboolean test_devices = cs_media_use_test_devices ();
  GstElement *video[6] = { NULL };
  GstElement *audio[5] = { NULL };
  GstElement *output[4] = { NULL };
  g_autofree char *video_caps = NULL;
  g_autoptr (GstPad) raw_video_pad = NULL;
  g_autoptr (GstBus) bus = NULL;

  self->pipeline = gst_pipeline_new ("call");

  if (test_devices)
    {
      video[0] = cs_media_make ("videotestsrc", "video-capture", error);
      if (video[0] != NULL)
        g_object_set (video[0], "is-live", TRUE, "pattern", 18 /* ball */, NULL);
    }
  else
    video[0] = cs_media_make ("autovideosrc", "video-capture", error);
  video_caps = g_strdup_printf ("video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1",
                                self->width, self->height, self->framerate);
  video[1] = video[0] ? cs_media_make ("videoconvert", NULL, error) : NULL;
  video[2] = video[1] ? cs_media_make ("videoscale", NULL, error) : NULL;
  video[3] = video[2] ? cs_media_make ("videorate", NULL, error) : NULL;
  video[4] = video[3] ? make_capsfilter (video_caps, error) : NULL;
  video[5] = video[4] ? cs_media_make ("tee", "video-raw-tee", error) : NULL;
  if (!add_chain (GST_BIN (self->pipeline), video, G_N_ELEMENTS (video), error))
    return FALSE;
  raw_video_pad = gst_element_get_static_pad (video[4], "src");
  gst_pad_add_probe (raw_video_pad, GST_PAD_PROBE_TYPE_BUFFER, on_raw_video, self, NULL);

  if (test_devices)
    {
      audio[0] = cs_media_make ("audiotestsrc", "audio-capture", error);
      if (audio[0] != NULL)
        g_object_set (audio[0], "is-live", TRUE, "volume", 0.3, "freq", 330.0, NULL);
    }
  else
    audio[0] = cs_media_make ("autoaudiosrc", "audio-capture", error);
  audio[1] = audio[0] ? cs_media_make ("audioconvert", NULL, error) : NULL;
  audio[2] = audio[1] ? cs_media_make ("audioresample", NULL, error) : NULL;
  audio[3] = audio[2] ? make_capsfilter ("audio/x-raw,rate=48000,channels=1", error) : NULL;
  /* Muting sends silence (which DTX makes almost free): nothing to renegotiate. */
  audio[4] = audio[3] ? cs_media_make ("volume", "mic-volume", error) : NULL;
  if (!add_chain (GST_BIN (self->pipeline), audio, G_N_ELEMENTS (audio), error))
    return FALSE;
  self->mic_volume = audio[4];

  if (self->share_encoders)
    {
      GstElement *video_queue = cs_media_make ("queue", NULL, error);
      GstElement *video_encoder = cs_call_make_video_encoder (self, "shared", error);
      GstElement *audio_encoder =
        video_encoder ? cs_call_make_audio_encoder (self, "shared", error) : NULL;

      GstElement *audio_queue = audio_encoder ? cs_media_make ("queue", NULL, error) : NULL;

      if (video_queue == NULL || video_encoder == NULL || audio_queue == NULL)
        return FALSE;
      g_object_set (video_queue, "max-size-buffers", 2, "max-size-bytes", 0, "max-size-time",
                    (guint64) 0, "leaky", 2, NULL);
      self->video_tee = gst_element_factory_make ("tee", "video-tee");
      self->audio_tee = gst_element_factory_make ("tee", "audio-tee");
      gst_bin_add_many (GST_BIN (self->pipeline), video_queue, video_encoder, self->video_tee,
                        audio_queue, audio_encoder, self->audio_tee, NULL);
      if (!gst_element_link_many (video[5], video_queue, video_encoder, self->video_tee, NULL) ||
          !gst_element_link_many (audio[4], audio_queue, audio_encoder, self->audio_tee, NULL))
        {
          g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link the encoders");
          return FALSE;
        }
    }
  else
    {
      self->video_tee = video[5];
      self->audio_tee = gst_element_factory_make ("tee", "audio-raw-tee");
      gst_bin_add (GST_BIN (self->pipeline), self->audio_tee);
      gst_element_link (audio[4], self->audio_tee);
    }
  /* A peer still connecting must not hold up the others. */
  g_object_set (self->video_tee, "allow-not-linked", TRUE, NULL);
  g_object_set (self->audio_tee, "allow-not-linked", TRUE, NULL);
  if (self->share_encoders)
    g_object_set (video[5], "allow-not-linked", TRUE, NULL);

  /* Always on the clock, never waiting for a voice that has not started (set at
   * construction, as the mixer requires). */
  output[0] =
    gst_element_factory_make_full ("audiomixer", "name", "mixer", "force-live", TRUE, NULL);
  if (output[0] == NULL)
    output[0] = cs_media_make ("audiomixer", "mixer", error);
  output[1] = output[0] ? cs_media_make ("audioconvert", NULL, error) : NULL;
  output[2] = output[1] ? cs_media_make ("audioresample", NULL, error) : NULL;
  output[3] = output[2]
                ? cs_media_make (test_devices ? "fakesink" : "autoaudiosink", "speakers", error)
                : NULL;
  if (!add_chain (GST_BIN (self->pipeline), output, G_N_ELEMENTS (output), error))
    return FALSE;
  self->mixer = output[0];
  /* Wait no longer than the jitter buffers do for a late voice. */
  g_object_set (self->mixer, "latency", (guint64) self->latency_ms * GST_MSECOND, NULL);
  /* Never waiting for a voice that has stopped, and ready for peers whose jitter buffers
   * arrive later with their own latency. */
  g_object_set (self->mixer, "ignore-inactive-pads", TRUE, "min-upstream-latency",
                (guint64) 2 * self->latency_ms * GST_MSECOND, NULL);
  {
    /* A live silence keeps the mixer running on the clock, so that a voice that pauses (or a
     * peer still connecting) never holds up the others. */
    GstElement *silence = cs_media_make ("audiotestsrc", "silence", error);
    GstElement *silence_caps =
      silence ? make_capsfilter ("audio/x-raw,rate=48000,channels=1", error) : NULL;

    if (silence_caps == NULL)
      return FALSE;
    g_object_set (silence, "is-live", TRUE, "wave", 4 /* silence */, NULL);
    gst_bin_add_many (GST_BIN (self->pipeline), silence, silence_caps, NULL);
    gst_element_link_many (silence, silence_caps, self->mixer, NULL);
  }
  if (test_devices)
    g_object_set (output[3], "sync", TRUE, "async", FALSE, NULL);

  /* Talking needs speed more than lip sync to the millisecond: every sink waits the jitter
   * buffer's depth, not the longest path in the pipeline (the mixer's, ~200 ms more). */
  gst_pipeline_set_latency (GST_PIPELINE (self->pipeline),
                            (GstClockTime) self->latency_ms * GST_MSECOND);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  return TRUE;
}

static void
cs_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCall *self = CS_CALL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;
    case PROP_VIDEO_BITRATE:
      g_value_set_uint (value, self->video_kbps);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCall *self = CS_CALL (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      cs_call_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_CAMERA_OFF:
      cs_call_set_camera_off (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_dispose (GObject *object)
{
  CsCall *self = CS_CALL (object);

  cs_call_leave (self);
  if (self->signaling != NULL)
    g_signal_handlers_disconnect_by_data (self->signaling, self);
  g_clear_object (&self->signaling);
  if (self->sink_destroy != NULL)
    g_clear_pointer (&self->sink_data, self->sink_destroy);

  G_OBJECT_CLASS (cs_call_parent_class)->dispose (object);
}

static void
cs_call_finalize (GObject *object)
{
  CsCall *self = CS_CALL (object);

  g_free (self->display_name);
  g_clear_error (&self->error);
  g_clear_object (&self->peers);
  g_ptr_array_unref (self->video_encoders);
  g_ptr_array_unref (self->audio_encoders);
  g_mutex_clear (&self->keyframe_lock);

  G_OBJECT_CLASS (cs_call_parent_class)->finalize (object);
}

static void
cs_call_class_init (CsCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_call_get_property;
  object_class->set_property = cs_call_set_property;
  object_class->dispose = cs_call_dispose;
  object_class->finalize = cs_call_finalize;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, CS_CALL_STATE_IDLE, CS_CALL_STATE_FAILED,
                      CS_CALL_STATE_IDLE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAMERA_OFF] =
    g_param_spec_boolean ("camera-off", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VIDEO_BITRATE] = g_param_spec_uint ("video-bitrate", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PEER_ADDED] = g_signal_new ("peer-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1, CS_TYPE_CALL_PEER);
  /* The peer, and why: "left" or "lost". */
  signals[PEER_REMOVED] =
    g_signal_new ("peer-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, CS_TYPE_CALL_PEER, G_TYPE_STRING);
  /* The new target in kbit/s, and why (for the log). */
  signals[BITRATE_CHANGED] =
    g_signal_new ("bitrate-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
cs_call_init (CsCall *self)
{
  self->peers = g_list_store_new (CS_TYPE_CALL_PEER);
  g_mutex_init (&self->keyframe_lock);
  self->video_encoders = g_ptr_array_new_with_free_func (gst_object_unref);
  self->audio_encoders = g_ptr_array_new_with_free_func (gst_object_unref);
  self->width = 640;
  self->height = 360;
  self->framerate = 30;
  self->max_participants = CS_CALL_DEFAULT_MAX_PARTICIPANTS;
  self->share_encoders = TRUE;
  self->latency_ms = 60;
}

CsCall *
cs_call_new (CsCallSignaling *signaling, const char *display_name)
{
  CsCall *self;

  g_return_val_if_fail (CS_IS_CALL_SIGNALING (signaling), NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  self = g_object_new (CS_TYPE_CALL, NULL);
  self->signaling = g_object_ref (signaling);
  self->display_name = g_strdup (display_name);
  return self;
}

void
cs_call_set_video_size (CsCall *self, guint width, guint height, guint framerate)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (self->state == CS_CALL_STATE_IDLE);
  g_return_if_fail (width >= 16 && height >= 16 && framerate >= 1);

  self->width = width;
  self->height = height;
  self->framerate = framerate;
}

void
cs_call_set_max_participants (CsCall *self, guint max_participants)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (max_participants >= 2);

  self->max_participants = max_participants;
}

void
cs_call_set_share_encoders (CsCall *self, gboolean share)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (self->state == CS_CALL_STATE_IDLE);

  self->share_encoders = !!share;
}

void
cs_call_set_latency (CsCall *self, guint latency_ms)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (self->state == CS_CALL_STATE_IDLE);

  self->latency_ms = latency_ms;
}

void
cs_call_set_video_sink_func (CsCall *self,
                             CsCallVideoSinkFunc func,
                             gpointer user_data,
                             GDestroyNotify destroy)
{
  g_return_if_fail (CS_IS_CALL (self));

  if (self->sink_destroy != NULL)
    g_clear_pointer (&self->sink_data, self->sink_destroy);
  self->sink_func = func;
  self->sink_data = user_data;
  self->sink_destroy = destroy;
}

gboolean
cs_call_join (CsCall *self, GError **error)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->state == CS_CALL_STATE_IDLE, FALSE);

  self->bounds = cs_call_adaptation_bounds_for_size (self->width, self->height);
  self->video_kbps = self->bounds.max_kbps * START_KBPS_FRACTION;
  self->stamp_frames = g_strcmp0 (g_getenv ("COUSINADE_TEST_STAMP"), "1") == 0 &&
                       self->width >= CS_MEDIA_STAMP_WIDTH && self->height >= CS_MEDIA_STAMP_HEIGHT;

  if (!build_pipeline (self, error))
    {
      cs_call_leave (self);
      self->state = CS_CALL_STATE_IDLE;
      return FALSE;
    }

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   "The camera or microphone could not be started");
      cs_call_leave (self);
      self->state = CS_CALL_STATE_IDLE;
      return FALSE;
    }

  g_signal_connect_object (self->signaling, "roster", G_CALLBACK (on_signaling_roster), self, 0);
  g_signal_connect_object (self->signaling, "participant-joined",
                           G_CALLBACK (on_signaling_participant_joined), self, 0);
  g_signal_connect_object (self->signaling, "participant-left",
                           G_CALLBACK (on_signaling_participant_left), self, 0);
  g_signal_connect_object (self->signaling, "description", G_CALLBACK (on_signaling_description),
                           self, 0);
  g_signal_connect_object (self->signaling, "candidate", G_CALLBACK (on_signaling_candidate), self,
                           0);
  g_signal_connect_object (self->signaling, "media-state", G_CALLBACK (on_signaling_media_state),
                           self, 0);
  g_signal_connect_object (self->signaling, "failed", G_CALLBACK (on_signaling_failed), self, 0);

  self->join_time = g_get_monotonic_time ();
  self->poll_id = g_timeout_add_seconds (1, on_poll, self);
  set_state (self, CS_CALL_STATE_JOINING);
  cs_call_signaling_join (self->signaling, self->display_name);
  return TRUE;
}

void
cs_call_leave (CsCall *self)
{
  g_return_if_fail (CS_IS_CALL (self));

  if (self->state == CS_CALL_STATE_JOINING || self->state == CS_CALL_STATE_IN_CALL)
    {
      cs_call_signaling_leave (self->signaling);
      set_state (self, CS_CALL_STATE_LEFT);
    }

  while (g_list_model_get_n_items (G_LIST_MODEL (self->peers)) > 0)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), 0);

      remove_peer (self, cs_call_peer_get_id (peer), "left");
    }

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }
  self->video_tee = NULL;
  self->audio_tee = NULL;
  self->mixer = NULL;
  self->mic_volume = NULL;
  g_ptr_array_set_size (self->video_encoders, 0);
  g_ptr_array_set_size (self->audio_encoders, 0);
}

CsCallState
cs_call_get_state (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), CS_CALL_STATE_IDLE);

  return self->state;
}

const GError *
cs_call_get_error (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), NULL);

  return self->error;
}

GListModel *
cs_call_get_peers (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), NULL);

  return G_LIST_MODEL (self->peers);
}

CsCallPeer *
cs_call_find_peer (CsCall *self, const char *id)
{
  CsCallPeer *peer = NULL;

  g_return_val_if_fail (CS_IS_CALL (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  find_peer_position (self, id, &peer);
  return peer;
}

void
cs_call_set_muted (CsCall *self, gboolean muted)
{
  g_return_if_fail (CS_IS_CALL (self));

  muted = !!muted;
  if (self->muted == muted)
    return;

  self->muted = muted;
  if (self->mic_volume != NULL)
    g_object_set (self->mic_volume, "mute", muted, NULL);
  if (self->state == CS_CALL_STATE_IN_CALL)
    cs_call_signaling_send_media_state (self->signaling, self->muted, self->camera_off);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
cs_call_get_muted (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);

  return self->muted;
}

void
cs_call_set_camera_off (CsCall *self, gboolean camera_off)
{
  g_return_if_fail (CS_IS_CALL (self));

  camera_off = !!camera_off;
  if (self->camera_off == camera_off)
    return;

  self->camera_off = camera_off;
  g_atomic_int_set (&self->camera_off_atomic, camera_off);
  if (self->state == CS_CALL_STATE_IN_CALL)
    cs_call_signaling_send_media_state (self->signaling, self->muted, self->camera_off);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
}

gboolean
cs_call_get_camera_off (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);

  return self->camera_off;
}

guint
cs_call_get_video_bitrate (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), 0);

  return self->video_kbps;
}

guint
cs_call_get_capture_starts (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), 0);

  return self->capture_starts;
}

guint
cs_call_get_encoder_starts (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), 0);

  return self->encoder_starts;
}

guint64
cs_call_get_frames_sent (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), 0);

  return (guint) g_atomic_int_get (&self->frames_sent);
}

gint64
cs_call_get_join_time (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), 0);

  return self->join_time;
}

/* For CsCallPeer (cs-call-private.h). */

void
cs_call_forget_encoders (CsCall *self, GstElement *video_encoder, GstElement *audio_encoder)
{
  g_ptr_array_remove (self->video_encoders, video_encoder);
  g_ptr_array_remove (self->audio_encoders, audio_encoder);
}

GstElement *
cs_call_get_pipeline (CsCall *self)
{
  return self->pipeline;
}

GstElement *
cs_call_get_video_tee (CsCall *self)
{
  return self->video_tee;
}

GstElement *
cs_call_get_audio_tee (CsCall *self)
{
  return self->audio_tee;
}

gboolean
cs_call_get_share_encoders_internal (CsCall *self)
{
  return self->share_encoders;
}

GstElement *
cs_call_get_mixer (CsCall *self)
{
  return self->mixer;
}

guint
cs_call_get_latency (CsCall *self)
{
  return self->latency_ms;
}

GstElement *
cs_call_make_video_sink (CsCall *self, CsCallPeer *peer)
{
  GstElement *sink = NULL;

  if (self->sink_func != NULL)
    sink = self->sink_func (self, peer, self->sink_data);
  if (sink == NULL)
    {
      sink = gst_element_factory_make ("fakesink", NULL);
      g_object_set (sink, "sync", TRUE, "async", FALSE, NULL);
    }
  return sink;
}

CsCallSignaling *
cs_call_get_signaling (CsCall *self)
{
  return self->signaling;
}

const CsBitrateBounds *
cs_call_get_bounds (CsCall *self)
{
  return &self->bounds;
}

void
cs_call_peer_lost (CsCall *self, CsCallPeer *peer, const char *why)
{
  g_autofree char *id = g_strdup (cs_call_peer_get_id (peer));

  g_message ("Lost %s: %s", cs_call_peer_get_display_name (peer), why);
  remove_peer (self, id, "lost");
}

void
cs_call_request_keyframe (CsCall *self)
{
  g_autoptr (GstPad) tee_sink = NULL;

  if (self->video_tee == NULL || !self->share_encoders)
    return;

  /* Pushed up from the tee's input: reaches the shared encoder, through the rate limit. */
  tee_sink = gst_element_get_static_pad (self->video_tee, "sink");
  gst_pad_push_event (tee_sink,
                      gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
}
