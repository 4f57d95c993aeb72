/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer-private.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

/* What goes out to one peer: its own queue after the call's shared encoders (or its own
 * encoders, when sharing is off), its own payloaders, so that its webrtcbin owns the SSRCs and
 * sequence numbers it sends, and the links to the call's tees. */

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

/* What happens past a peer's queue must stay that peer's problem: when its sending side stops
 * (a DTLS handshake that never completes, say) the queue would hand the flushing or error
 * return up to the shared tee, which would stop the encoder for everyone. Once the queue's
 * own push has failed, the peer's buffers are dropped here instead. */
static GstPadProbeReturn
on_branch_buffer (GstPad *queue_sink, GstPadProbeInfo *info, gpointer user_data)
{
  GstPad *queue_src = user_data;
  GstFlowReturn last = gst_pad_get_last_flow_return (queue_src);

  if (last == GST_FLOW_FLUSHING || last < GST_FLOW_EOS)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
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
  if (video)
    {
      self->video_payloader = payloader;
      self->video_transceiver = transceiver;
    }
  else
    {
      self->audio_payloader = payloader;
      self->audio_transceiver = transceiver;
    }
  src = gst_element_get_static_pad (last, "src");
  queue_sink = gst_element_get_static_pad (queue, "sink");
  gst_pad_add_probe (queue_sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     on_branch_buffer, gst_element_get_static_pad (queue, "src"), gst_object_unref);
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

gboolean
cs_call_peer_add_senders (CsCallPeer *self,
                          GstElement *audio_encoder,
                          GstElement *video_encoder,
                          GError **error)
{
  /* Audio first, then video: the m-line order. */
  return link_sender (self, FALSE, audio_encoder, error) &&
         link_sender (self, TRUE, video_encoder, error);
}

gboolean
cs_call_peer_link_tees (CsCallPeer *self, GError **error)
{
  g_autoptr (GstPad) audio_sink = gst_element_get_static_pad (self->bin, "audio_sink");
  g_autoptr (GstPad) video_sink = gst_element_get_static_pad (self->bin, "video_sink");

  return link_tee (self, cs_call_get_audio_tee (self->call), audio_sink, &self->audio_tee_pad,
                   error) &&
         link_tee (self, cs_call_get_video_tee (self->call), video_sink, &self->video_tee_pad,
                   error);
}

/* The number @offer's @media section gives the codec @encoding, or -1. */
static int
offered_payload (const GstSDPMessage *offer, const char *media, const char *encoding)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (offer); i++)
    {
      const GstSDPMedia *section = gst_sdp_message_get_media (offer, i);

      if (g_strcmp0 (gst_sdp_media_get_media (section), media) != 0)
        continue;
      for (guint f = 0; f < gst_sdp_media_formats_len (section); f++)
        {
          int pt = (int) g_ascii_strtoull (gst_sdp_media_get_format (section, f), NULL, 10);
          g_autoptr (GstCaps) caps = gst_sdp_media_get_caps_from_media (section, pt);
          const char *name =
            caps != NULL
              ? gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name")
              : NULL;

          if (name != NULL && g_ascii_strcasecmp (name, encoding) == 0)
            return pt;
        }
      return -1;
    }
  return -1;
}

static void
adopt_payload (CsCallPeer *self,
               GstElement *payloader,
               GstWebRTCRTPTransceiver *transceiver,
               int pt)
{
  g_autoptr (GstCaps) preferences = NULL;
  guint current = 0;

  g_object_get (payloader, "pt", &current, NULL);
  if (pt < 0 || (guint) pt == current)
    return;

  g_object_get (transceiver, "codec-preferences", &preferences, NULL);
  if (preferences == NULL)
    return;
  preferences = gst_caps_make_writable (preferences);
  gst_caps_set_simple (preferences, "payload", G_TYPE_INT, pt, NULL);
  g_debug ("%s numbers %s %d, not %u", self->display_name,
           gst_structure_get_string (gst_caps_get_structure (preferences, 0), "encoding-name"), pt,
           current);
  g_object_set (transceiver, "codec-preferences", preferences, NULL);
  /* Effective only if no media went through yet: then the payloader's first caps carry the
   * new number. */
  g_object_set (payloader, "pt", (guint) pt, NULL);
}

void
cs_call_peer_adopt_offer_payloads (CsCallPeer *self, const GstSDPMessage *offer)
{
  if (self->video_payloader != NULL)
    adopt_payload (self, self->video_payloader, self->video_transceiver,
                   offered_payload (offer, "video", "VP8"));
  if (self->audio_payloader != NULL)
    adopt_payload (self, self->audio_payloader, self->audio_transceiver,
                   offered_payload (offer, "audio", "OPUS"));
}
