/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-jingle-webrtc"
/* unshare () */
#define _GNU_SOURCE

#include "config.h"

#include "cs-jingle-sdp.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <errno.h>
#include <sched.h>
#include <string.h>

/*
 * Whatever goes through Jingle must still be a description webrtcbin takes: two webrtcbins
 * set up as the call engine sets up its peers (Opus, VP8 with NACK/RTX, max-bundle, media
 * flowing in), negotiating with every description taken SDP -> Jingle -> SDP on the way, as
 * it will be between two Cousinade users. No network: only the promises of
 * set-remote-description, create-answer and set-local-description, and the signalling states
 * they lead to.
 */

typedef struct
{
  GstElement *pipeline;
  GstElement *webrtc;
  gint negotiation_needed;
} Peer;

static xmpp_ctx_t *ctx;

static void
on_negotiation_needed (GstElement *webrtc, Peer *peer)
{
  g_atomic_int_set (&peer->negotiation_needed, 1);
}

/* As src/media/cs-call-peer.c does: payloaded test media linked into webrtcbin, codec
 * preferences on each transceiver, and NACK (hence RTX) for video. */
static void
peer_init (Peer *peer, const char *name)
{
  g_autofree char *description = g_strdup_printf (
    "webrtcbin name=%s bundle-policy=max-bundle latency=60 "
    "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! "
    "rtpopuspay pt=111 ! queue ! %s. "
    "videotestsrc is-live=true ! video/x-raw,width=160,height=90,framerate=15/1 ! "
    "vp8enc deadline=1 ! rtpvp8pay pt=96 ! queue ! %s.",
    name, name, name);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) transceivers = NULL;
  g_autoptr (GObject) ice = NULL;
  g_autoptr (GObject) agent = NULL;

  peer->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  peer->webrtc = gst_bin_get_by_name (GST_BIN (peer->pipeline), name);
  g_signal_connect (peer->webrtc, "on-negotiation-needed", G_CALLBACK (on_negotiation_needed),
                    peer);
  /* libnice would look for a UPnP router on every interface; this test talks to nobody. */
  g_object_get (peer->webrtc, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &agent, NULL);
  g_object_set (agent, "upnp", FALSE, NULL);

  g_signal_emit_by_name (peer->webrtc, "get-transceivers", &transceivers);
  g_assert_cmpuint (transceivers->len, ==, 2);
  for (guint i = 0; i < transceivers->len; i++)
    {
      GstWebRTCRTPTransceiver *transceiver =
        g_array_index (transceivers, GstWebRTCRTPTransceiver *, i);
      gboolean video = i == 1;
      g_autoptr (GstCaps) caps = gst_caps_from_string (
        video ? "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000,"
                "rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,"
                "rtcp-fb-ccm-fir=(boolean)true"
              : "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,"
                "clock-rate=48000,encoding-params=(string)2,useinbandfec=(string)1");

      g_object_set (transceiver, "codec-preferences", caps, "direction",
                    GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, "do-nack", video, NULL);
    }

  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
}

static void
peer_clear (Peer *peer)
{
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  g_clear_object (&peer->webrtc);
  g_clear_object (&peer->pipeline);
}

static void
wait_negotiation_needed (Peer *peer)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&peer->negotiation_needed))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
}

/* Fails the test on a promise that was rejected or carries an error. */
static const GstStructure *
wait_promise (GstPromise *promise)
{
  const GstStructure *reply;
  GError *error = NULL;

  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      g_error ("webrtcbin refused: %s", error != NULL ? error->message : "(no message)");
    }
  return reply;
}

static GstWebRTCSessionDescription *
create (Peer *peer, const char *what)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();
  GstWebRTCSessionDescription *description = NULL;

  g_signal_emit_by_name (peer->webrtc, what, NULL, promise);
  gst_structure_get (wait_promise (promise), what + strlen ("create-"),
                     GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &description, NULL);
  g_assert_nonnull (description);
  return description;
}

static void
set_description (Peer *peer, const char *which, GstWebRTCSessionDescription *description)
{
  g_autoptr (GstPromise) promise = gst_promise_new ();

  g_signal_emit_by_name (peer->webrtc, which, description, promise);
  wait_promise (promise);
}

static GstWebRTCSignalingState
signaling_state (Peer *peer)
{
  GstWebRTCSignalingState state;

  g_object_get (peer->webrtc, "signaling-state", &state, NULL);
  return state;
}

/* What the other side gets: the SDP carried as Jingle and turned back into SDP. */
static GstWebRTCSessionDescription *
through_jingle (GstWebRTCSessionDescription *description, const char *action)
{
  g_autofree char *text = gst_sdp_message_as_text (description->sdp);
  gboolean offer = description->type == GST_WEBRTC_SDP_TYPE_OFFER;
  xmpp_stanza_t *jingle = xmpp_stanza_new (ctx);
  g_autoptr (GError) error = NULL;
  g_autofree char *regenerated = NULL;
  GstSDPMessage *message = NULL;

  xmpp_stanza_set_name (jingle, "jingle");
  xmpp_stanza_set_ns (jingle, "urn:xmpp:jingle:1");
  xmpp_stanza_set_attribute (jingle, "action", action);
  xmpp_stanza_set_attribute (jingle, "sid", "webrtc-test");
  g_assert_true (cs_jingle_sdp_to_jingle (text, jingle, &error));
  g_assert_no_error (error);
  regenerated = cs_jingle_sdp_from_jingle (jingle, offer ? "offer" : "answer", &error);
  g_assert_no_error (error);
  xmpp_stanza_release (jingle);
  g_test_message ("%s through Jingle:\n%s", offer ? "Offer" : "Answer", regenerated);
  /* Candidates would let ICE send checks to this machine's real addresses. */
  g_assert_null (strstr (regenerated, "a=candidate:"));

  g_assert_cmpint (gst_sdp_message_new_from_text (regenerated, &message), ==, GST_SDP_OK);
  return gst_webrtc_session_description_new (description->type, message);
}

static gboolean
media_has_codec (const GstSDPMessage *sdp, guint index, const char *rtpmap)
{
  const GstSDPMedia *media = gst_sdp_message_get_media (sdp, index);

  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attribute = gst_sdp_media_get_attribute (media, i);

      if (g_strcmp0 (attribute->key, "rtpmap") == 0 && strstr (attribute->value, rtpmap) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_offer_answer (void)
{
  Peer offerer = { 0 };
  Peer answerer = { 0 };
  GstWebRTCSessionDescription *offer, *remote_offer, *answer, *remote_answer;

  peer_init (&offerer, "offerer");
  peer_init (&answerer, "answerer");
  wait_negotiation_needed (&offerer);

  offer = create (&offerer, "create-offer");
  set_description (&offerer, "set-local-description", offer);
  g_assert_cmpint (signaling_state (&offerer), ==, GST_WEBRTC_SIGNALING_STATE_HAVE_LOCAL_OFFER);

  remote_offer = through_jingle (offer, "session-initiate");
  set_description (&answerer, "set-remote-description", remote_offer);
  g_assert_cmpint (signaling_state (&answerer), ==, GST_WEBRTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);

  answer = create (&answerer, "create-answer");
  /* The answerer took both media and the codecs the engine needs: nothing was lost. */
  g_assert_cmpuint (gst_sdp_message_medias_len (answer->sdp), ==, 2);
  g_assert_true (media_has_codec (answer->sdp, 0, "OPUS/48000"));
  g_assert_true (media_has_codec (answer->sdp, 1, "VP8/90000"));
  g_assert_true (media_has_codec (answer->sdp, 1, "rtx/90000"));
  g_assert_cmpuint (gst_sdp_media_get_port (gst_sdp_message_get_media (answer->sdp, 1)), !=, 0);
  set_description (&answerer, "set-local-description", answer);
  g_assert_cmpint (signaling_state (&answerer), ==, GST_WEBRTC_SIGNALING_STATE_STABLE);

  remote_answer = through_jingle (answer, "session-accept");
  set_description (&offerer, "set-remote-description", remote_answer);
  g_assert_cmpint (signaling_state (&offerer), ==, GST_WEBRTC_SIGNALING_STATE_STABLE);

  gst_webrtc_session_description_free (offer);
  gst_webrtc_session_description_free (remote_offer);
  gst_webrtc_session_description_free (answer);
  gst_webrtc_session_description_free (remote_answer);
  peer_clear (&offerer);
  peer_clear (&answerer);
}

/* The offer a real Cousinade peer sent (tests/fixtures/sdp), through Jingle, to a fresh
 * webrtcbin: it answers with both media. The copy without candidates, so that ICE has nobody
 * to send checks to. */
static void
test_fixture_offer (void)
{
  g_autofree char *path =
    g_build_filename (CS_TEST_FIXTURES_DIR, "sdp", "webrtcbin-offer.sdp", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  GstSDPMessage *message = NULL;
  GstWebRTCSessionDescription *offer, *remote_offer, *answer;
  Peer answerer = { 0 };

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_sdp_message_new_from_text (text, &message), ==, GST_SDP_OK);
  offer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, message);

  peer_init (&answerer, "answerer");
  remote_offer = through_jingle (offer, "session-initiate");
  set_description (&answerer, "set-remote-description", remote_offer);
  answer = create (&answerer, "create-answer");
  g_assert_cmpuint (gst_sdp_message_medias_len (answer->sdp), ==, 2);
  g_assert_true (media_has_codec (answer->sdp, 1, "VP8/90000"));
  set_description (&answerer, "set-local-description", answer);
  g_assert_cmpint (signaling_state (&answerer), ==, GST_WEBRTC_SIGNALING_STATE_STABLE);

  gst_webrtc_session_description_free (offer);
  gst_webrtc_session_description_free (remote_offer);
  gst_webrtc_session_description_free (answer);
  peer_clear (&answerer);
}

int
main (int argc, char *argv[])
{
  int status;

  /* A network namespace of our own, where nothing is reachable: whatever ICE gathers or
   * sends stays here. Without root, UPnP is off and no candidate is ever exchanged. */
  if (unshare (CLONE_NEWNET) != 0)
    g_printerr ("# Not in a network namespace of its own: %s\n", g_strerror (errno));
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  xmpp_initialize ();
  ctx = xmpp_ctx_new (NULL, NULL);

  g_test_add_func ("/jingle-webrtc/offer-answer", test_offer_answer);
  g_test_add_func ("/jingle-webrtc/fixture-offer", test_fixture_offer);

  status = g_test_run ();
  xmpp_ctx_free (ctx);
  xmpp_shutdown ();
  return status;
}
