/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call"

#include "config.h"

#include "cs-call-private.h"
#include "cs-media-file.h"

#include <gst/video/video.h>
#include <math.h>

/* The call's own media, built once and kept running while peers come and go: capture, the
 * shared encoders behind their tees (see cs-call.c for the picture), and the mixer that plays
 * everyone heard. */

#define KEYFRAME_MIN_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)

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

/* The self view hangs off the raw tee: the frames peers get, before any encoder, from the
 * one capture. Its queue keeps only the newest frame and drops the older one (leaky
 * downstream), so a user interface that falls behind never holds back the tee, and with it
 * the encoder every peer depends on. */
static gboolean
add_self_view (CsCall *self, GstElement *raw_tee, GError **error)
{
  GstElement *queue = cs_media_make ("queue", "self-view-queue", error);

  if (queue == NULL)
    return FALSE;
  g_object_set (queue, "max-size-buffers", 1, "max-size-bytes", 0, "max-size-time", (guint64) 0,
                "leaky", 2 /* downstream */, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), queue, self->self_view_sink, NULL);
  if (!gst_element_link_many (raw_tee, queue, self->self_view_sink, NULL))
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link the self view");
      return FALSE;
    }
  return TRUE;
}

#define SPEECH_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"

/* Each call's probe has a name of its own: webrtcdsp finds its probe by name, among all the
 * probes of the process (a test runs two calls in one process). */
static char *
new_probe_name (void)
{
  static gint serial;

  return g_strdup_printf ("cs-echo-probe-%d", g_atomic_int_add (&serial, 1));
}

/* Echo cancellation: webrtcdsp on the microphone, comparing it with what the speakers play
 * (the probe). Noise suppression stays on, as a laptop's fan is heard as much as an echo, and
 * it takes away much of what the canceller leaves (measured by test-call-devices, speech-like
 * bursts: the canceller alone about 17 dB, with noise suppression about 33 dB). The automatic
 * gain is off: it would raise what is left of the echo, and the room's noise, in every pause
 * (the system's mixer sets the microphone's level). The delay between speakers and microphone
 * is found from the sound itself: the latencies devices report are often wrong, and with them
 * alone the canceller took off 2 dB. */
static GstElement *
make_echo_canceller (CsCall *self, GError **error)
{
  GstElement *dsp = cs_media_make ("webrtcdsp", "echo-canceller", error);

  if (dsp == NULL)
    return NULL;
  g_object_set (dsp, "probe", self->echo_probe_name, "gain-control", FALSE, "delay-agnostic", TRUE,
                NULL);
  return dsp;
}

/* Tests (COUSINADE_TEST_ECHO="delay_ms,attenuation_db"): what the speakers play comes back
 * into the microphone, @delay_ms later and @attenuation_db quieter, as in a room. */
static gboolean
parse_test_echo (guint *delay_ms, double *attenuation_db)
{
  const char *spec = g_getenv ("COUSINADE_TEST_ECHO");
  g_auto (GStrv) parts = NULL;

  if (spec == NULL || *spec == '\0')
    return FALSE;
  parts = g_strsplit (spec, ",", 2);
  *delay_ms = (guint) g_ascii_strtoull (parts[0], NULL, 10);
  *attenuation_db = parts[1] != NULL ? g_ascii_strtod (parts[1], NULL) : 10;
  return TRUE;
}

/* The room's echo for tests: the speakers' tee ─ queue ─ volume ─▶ (later) ─ @mixer. */
static gboolean
add_test_echo (CsCall *self,
               GstElement *speakers_tee,
               GstElement *mixer,
               guint delay_ms,
               double attenuation_db,
               GError **error)
{
  GstElement *echo[3];
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstPad) sink = NULL;

  echo[0] = cs_media_make ("queue", NULL, error);
  echo[1] = echo[0] ? cs_media_make ("volume", "test-echo-volume", error) : NULL;
  echo[2] = echo[1] ? make_capsfilter (SPEECH_CAPS, error) : NULL;
  if (!cs_media_add_chain (GST_BIN (self->pipeline), echo, G_N_ELEMENTS (echo), error))
    return FALSE;
  g_object_set (echo[1], "volume", pow (10, -attenuation_db / 20), NULL);
  if (!gst_element_link (speakers_tee, echo[0]))
    return FALSE;
  src = gst_element_get_static_pad (echo[2], "src");
  /* The sound comes back later, as in its own time: the mixer places it there. */
  gst_pad_set_offset (src, (gint64) delay_ms * GST_MSECOND);
  sink = gst_element_request_pad_simple (mixer, "sink_%u");
  return gst_pad_link (src, sink) == GST_PAD_LINK_OK;
}

gboolean
cs_call_build_pipeline (CsCall *self, GError **error)
{
  GstElement *video[5] = { NULL };
  GstElement *audio[8] = { NULL };
  GstElement *output[9] = { NULL };
  guint n_audio = 0;
  guint n_output = 0;
  GstElement *speakers_tee = NULL;
  GstElement *echo_mixer = NULL;
  guint echo_delay_ms = 0;
  double echo_attenuation_db = 0;
  gboolean test_echo = parse_test_echo (&echo_delay_ms, &echo_attenuation_db);
  g_autofree char *video_caps = NULL;
  g_autoptr (GstPad) raw_video_pad = NULL;

  self->pipeline = gst_pipeline_new ("call");
  g_clear_pointer (&self->echo_probe_name, g_free);
  if (self->echo_cancellation)
    self->echo_probe_name = new_probe_name ();

  /* The square pixels make a picture of another shape (a screen, a 4:3 camera) fit with
   * borders rather than stretched. */
  video_caps = g_strdup_printf ("video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1,"
                                "pixel-aspect-ratio=1/1",
                                self->width, self->height, self->framerate);
  video[0] = cs_media_make ("videoconvert", NULL, error);
  video[1] = video[0] ? cs_media_make ("videoscale", NULL, error) : NULL;
  video[2] = video[1] ? cs_media_make ("videorate", NULL, error) : NULL;
  video[3] = video[2] ? make_capsfilter (video_caps, error) : NULL;
  video[4] = video[3] ? cs_media_make ("tee", "video-raw-tee", error) : NULL;
  if (!cs_media_add_chain (GST_BIN (self->pipeline), video, G_N_ELEMENTS (video), error) ||
      !cs_call_capture_add_video (self, video[0], error))
    return FALSE;
  raw_video_pad = gst_element_get_static_pad (video[3], "src");
  gst_pad_add_probe (raw_video_pad, GST_PAD_PROBE_TYPE_BUFFER, on_raw_video, self, NULL);
  if (self->self_view_sink != NULL && !add_self_view (self, video[4], error))
    return FALSE;

  /* What everyone else says, played: mixer ─ [echo probe] ─ [test echo tee] ─ speakers. Built
   * first, as the microphone's echo canceller looks for the probe. Always on the clock, never
   * waiting for a voice that has not started (set at construction, as the mixer requires). */
  output[n_output] =
    gst_element_factory_make_full ("audiomixer", "name", "mixer", "force-live", TRUE, NULL);
  if (output[n_output] == NULL)
    output[n_output] = cs_media_make ("audiomixer", "mixer", error);
  n_output++;
  output[n_output++] = cs_media_make ("audioconvert", NULL, error);
  output[n_output++] = cs_media_make ("audioresample", NULL, error);
  if (self->echo_cancellation || test_echo)
    output[n_output++] = make_capsfilter (SPEECH_CAPS, error);
  if (self->echo_cancellation)
    output[n_output++] = cs_media_make ("webrtcechoprobe", self->echo_probe_name, error);
  if (test_echo)
    output[n_output++] = speakers_tee = cs_media_make ("tee", "test-echo-tee", error);
  output[n_output++] = cs_media_make ("audioconvert", NULL, error);
  output[n_output++] = cs_media_make ("audioresample", NULL, error);
  if (!cs_media_add_chain (GST_BIN (self->pipeline), output, n_output, error) ||
      !cs_call_capture_add_speakers (self, output[n_output - 1], error))
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

  /* The microphone: source (cs-call-capture.c) ─ convert ─ [test echo mixed in] ─ [echo
   * canceller] ─ volume (mute). */
  audio[n_audio++] = cs_media_make ("audioconvert", NULL, error);
  audio[n_audio++] = cs_media_make ("audioresample", NULL, error);
  audio[n_audio++] = make_capsfilter (SPEECH_CAPS, error);
  if (test_echo)
    {
      echo_mixer =
        gst_element_factory_make_full ("audiomixer", "name", "test-echo-mixer", "force-live", TRUE,
                                       "ignore-inactive-pads", TRUE, NULL);
      audio[n_audio++] =
        echo_mixer != NULL ? echo_mixer : cs_media_make ("audiomixer", "test-echo-mixer", error);
      audio[n_audio++] = make_capsfilter (SPEECH_CAPS, error);
    }
  if (self->echo_cancellation)
    audio[n_audio++] = make_echo_canceller (self, error);
  /* Muting sends silence (which DTX makes almost free): nothing to renegotiate. */
  audio[n_audio++] = cs_media_make ("volume", "mic-volume", error);
  if (!cs_media_add_chain (GST_BIN (self->pipeline), audio, n_audio, error) ||
      !cs_call_capture_add_audio (self, audio[0], error))
    return FALSE;
  self->mic_volume = audio[n_audio - 1];
  if (test_echo &&
      !add_test_echo (self, speakers_tee, echo_mixer, echo_delay_ms, echo_attenuation_db, error))
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not add the test echo");
      return FALSE;
    }

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
      if (!gst_element_link_many (video[4], video_queue, video_encoder, self->video_tee, NULL) ||
          !gst_element_link_many (self->mic_volume, audio_queue, audio_encoder, self->audio_tee,
                                  NULL))
        {
          g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link the encoders");
          return FALSE;
        }
    }
  else
    {
      self->video_tee = video[4];
      self->audio_tee = gst_element_factory_make ("tee", "audio-raw-tee");
      gst_bin_add (GST_BIN (self->pipeline), self->audio_tee);
      gst_element_link (self->mic_volume, self->audio_tee);
    }
  /* A peer still connecting must not hold up the others. */
  g_object_set (self->video_tee, "allow-not-linked", TRUE, NULL);
  g_object_set (self->audio_tee, "allow-not-linked", TRUE, NULL);
  if (self->share_encoders)
    g_object_set (video[4], "allow-not-linked", TRUE, NULL);

  /* Talking needs speed more than lip sync to the millisecond: every sink waits the jitter
   * buffer's depth, not the longest path in the pipeline (the mixer's, ~200 ms more). */
  gst_pipeline_set_latency (GST_PIPELINE (self->pipeline),
                            (GstClockTime) self->latency_ms * GST_MSECOND);

  return TRUE;
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
