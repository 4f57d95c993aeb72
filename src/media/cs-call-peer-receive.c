/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer-private.h"

#include <gst/rtp/rtp.h>
#include <gst/video/video.h>

/* What comes in from one peer: a decode chain per stream webrtcbin hands out, played into the
 * call's mixer or the peer's video sink, counted on the way; and which jitter buffers ask for
 * retransmission. */

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
    cs_call_peer_first_frame_decoded (self);
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
  GstClockTime pts = GST_BUFFER_PTS (buffer);

  g_mutex_lock (&self->lock);
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    self->audio_us += GST_BUFFER_DURATION (buffer) / GST_USECOND;
  /* Measured in the sound's own time, not the clock on the wall: a hole is sound that never
   * came (lost and not concealed, or dropped as late), not a moment this machine was busy. */
  if (GST_CLOCK_TIME_IS_VALID (pts))
    {
      if (GST_CLOCK_TIME_IS_VALID (self->last_audio_pts) && pts > self->last_audio_pts)
        self->audio_max_gap_us =
          MAX (self->audio_max_gap_us, (gint64) ((pts - self->last_audio_pts) / GST_USECOND));
      self->last_audio_pts = pts;
    }
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* Adds and links @elements in the peer's bin, playing, but not yet fed: the caller finishes
 * the output end, then calls link_input(). Data arriving at an unlinked end would stop the
 * stream for good (not-linked). */
static gboolean
add_decode_chain (CsCallPeer *self, GstElement **elements, guint n)
{
  if (!cs_media_add_chain (GST_BIN (self->bin), elements, n, NULL))
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

void
cs_call_peer_receive_init (CsCallPeer *self, GstElement *rtpbin)
{
  g_signal_connect_object (self->webrtc, "pad-added", G_CALLBACK (on_pad_added), self, 0);
  /* After webrtcbin's own handler, which sets the same properties. */
  g_signal_connect (rtpbin, "new-jitterbuffer", G_CALLBACK (on_new_jitterbuffer), NULL);
}
