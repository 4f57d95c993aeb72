/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer-private.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <string.h>

/* Negotiation with one peer: the offer (the offerer's, once), the answer to the remote
 * offer, the remote description, and ICE candidates both ways. */

#define AUDIO_MLINE 0
#define VIDEO_MLINE 1

static gboolean
send_description_on_main (gpointer data)
{
  CsCallPeerTask *task = data;
  CsCallPeer *self = task->peer;

  /* Tests play a signalling server that swaps certificates (a man in the middle). */
  if (g_getenv ("COUSINADE_TEST_TAMPER_FINGERPRINT") != NULL)
    {
      for (char *fingerprint = strstr (task->text, "a=fingerprint:sha-256 "); fingerprint != NULL;
           fingerprint = strstr (fingerprint + 1, "a=fingerprint:sha-256 "))
        fingerprint[22] = fingerprint[22] == 'A' ? 'B' : 'A';
    }

  g_debug ("Sending %s to %s:\n%s", task->type, self->display_name, task->text);
  if (!self->closed)
    cs_call_signaling_send_description (cs_call_get_signaling (self->call), self->id, task->type,
                                        task->text);
  return G_SOURCE_REMOVE;
}

static void
set_local_and_send (CsCallPeer *self, GstWebRTCSessionDescription *description)
{
  CsCallPeerTask *task = g_new0 (CsCallPeerTask, 1);

  g_signal_emit_by_name (self->webrtc, "set-local-description", description, NULL);
  task->type = g_strdup (gst_webrtc_sdp_type_to_string (description->type));
  task->text = gst_sdp_message_as_text (description->sdp);
  cs_call_peer_run_on_main (self, send_description_on_main, task);
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

void
cs_call_peer_on_negotiation_needed (GstElement *webrtc, gpointer user_data)
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
  CsCallPeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (!self->closed)
    cs_call_signaling_send_candidate (cs_call_get_signaling (self->call), self->id, task->mline,
                                      task->text);
  return G_SOURCE_REMOVE;
}

void
cs_call_peer_on_ice_candidate (GstElement *webrtc,
                               guint mline,
                               const char *candidate,
                               gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  CsCallPeerTask *task = g_new0 (CsCallPeerTask, 1);

  task->mline = mline;
  task->text = g_strdup (candidate);
  cs_call_peer_run_on_main (self, send_candidate_on_main, task);
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
  self->expected_fingerprint = cs_call_fingerprint_from_sdp (sdp);
  if (sdp_type == GST_WEBRTC_SDP_TYPE_OFFER)
    cs_call_peer_adopt_offer_payloads (self, message);
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
