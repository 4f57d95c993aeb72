/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer.h"

#include "cs-call-peer-private.h"
#include "cs-main-context.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

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
  PROP_VERIFICATION_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  FIRST_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
peer_task_free (gpointer data)
{
  CsCallPeerTask *task = data;

  g_object_unref (task->peer);
  g_free (task->type);
  g_free (task->text);
  g_clear_pointer (&task->structure, gst_structure_free);
  g_free (task);
}

void
cs_call_peer_run_on_main (CsCallPeer *self, GSourceFunc func, CsCallPeerTask *task)
{
  task->peer = g_object_ref (self);
  cs_main_context_post (self->context, func, task, peer_task_free);
}

void
cs_call_peer_set_state (CsCallPeer *self, CsCallPeerState state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
connection_changed_on_main (gpointer data)
{
  CsCallPeerTask *task = data;
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
  CsCallPeerTask *task;

  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  g_debug ("ICE with %s: %d", self->display_name, state);
  task = g_new0 (CsCallPeerTask, 1);
  task->mline = state;
  cs_call_peer_run_on_main (self, connection_changed_on_main, task);
}

static gboolean
connected_on_main (gpointer data)
{
  CsCallPeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (self->closed || self->verification_code != NULL)
    return G_SOURCE_REMOVE;

  if (!cs_call_peer_check_certificate (self))
    {
      cs_call_peer_refuse (self->call, self, "its certificate is not the one it announced");
      return G_SOURCE_REMOVE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFICATION_CODE]);

  /* The newcomer's decoder can start only from a keyframe: send one now rather than wait
   * for it to ask. */
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
    cs_call_peer_run_on_main (self, connected_on_main, g_new0 (CsCallPeerTask, 1));
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

static void
set_ice_servers (CsCallPeer *self)
{
  const char *const *uris = cs_call_get_ice_servers (self->call);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      gboolean added = FALSE;

      if (g_str_has_prefix (uris[i], "stun://"))
        g_object_set (self->webrtc, "stun-server", uris[i], NULL);
      else if (g_str_has_prefix (uris[i], "turn://") || g_str_has_prefix (uris[i], "turns://"))
        {
          g_signal_emit_by_name (self->webrtc, "add-turn-server", uris[i], &added);
          if (!added)
            g_warning ("webrtcbin did not take the TURN server %s", uris[i]);
        }
    }
}

/* libnice would otherwise ask the local router, by UPnP, to open ports for the call: the
 * user's STUN/TURN servers get us through NATs, and nothing should change the user's router
 * behind their back. */
static void
disable_upnp (CsCallPeer *self)
{
  g_autoptr (GObject) ice = NULL;
  g_autoptr (GObject) agent = NULL;

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
    g_object_get (ice, "agent", &agent, NULL);
  if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp") != NULL)
    g_object_set (agent, "upnp", FALSE, NULL);
}

static gboolean
build (CsCallPeer *self, GError **error)
{
  GstElement *pipeline = cs_call_get_pipeline (self->call);
  gboolean shared = cs_call_get_share_encoders_internal (self->call);
  g_autofree char *bin_name = g_strdup_printf ("peer-%s", self->id);
  GstElement *audio_encoder = NULL;
  GstElement *video_encoder = NULL;
  GstElement *rtpbin;

  self->webrtc = cs_media_make ("webrtcbin", NULL, error);
  if (self->webrtc == NULL)
    return FALSE;
  /* Our own reference: the bin must outlive the pipeline's, because closing finishes on the
   * main context later, possibly after the call has let its pipeline go. */
  self->bin = gst_object_ref_sink (gst_bin_new (bin_name));
  gst_bin_add (GST_BIN (self->bin), self->webrtc);
  /* One transport per media, not one bundled for all: Dino 0.4 answers without BUNDLE, and
   * webrtcbin cannot take such an answer to a bundled offer (its video never flowed). */
  gst_util_set_object_arg (G_OBJECT (self->webrtc), "bundle-policy", "none");
  g_object_set (self->webrtc, "latency", cs_call_get_latency (self->call), NULL);
  set_ice_servers (self);
  disable_upnp (self);

  g_signal_connect_object (self->webrtc, "on-negotiation-needed",
                           G_CALLBACK (cs_call_peer_on_negotiation_needed), self, 0);
  g_signal_connect_object (self->webrtc, "on-ice-candidate",
                           G_CALLBACK (cs_call_peer_on_ice_candidate), self, 0);
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
  cs_call_peer_receive_init (self, rtpbin);

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
  if (!cs_call_peer_add_senders (self, audio_encoder, video_encoder, error))
    return FALSE;

  gst_element_sync_state_with_parent (self->bin);
  return cs_call_peer_link_tees (self, error);
}

static gboolean
first_frame_on_main (gpointer data)
{
  CsCallPeerTask *task = data;
  CsCallPeer *self = task->peer;

  if (!self->closed)
    {
      cs_call_peer_set_state (self, CS_CALL_PEER_STATE_CONNECTED);
      g_signal_emit (self, signals[FIRST_FRAME], 0);
    }
  return G_SOURCE_REMOVE;
}

void
cs_call_peer_first_frame_decoded (CsCallPeer *self)
{
  cs_call_peer_run_on_main (self, first_frame_on_main, g_new0 (CsCallPeerTask, 1));
}

void
cs_call_peer_stats_changed (CsCallPeer *self)
{
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
    case PROP_VERIFICATION_CODE:
      g_value_set_string (value, self->verification_code);
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
  g_free (self->expected_fingerprint);
  g_free (self->verification_code);
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
  properties[PROP_VERIFICATION_CODE] =
    g_param_spec_string ("verification-code", NULL, NULL, NULL, flags);
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
  self->last_audio_pts = GST_CLOCK_TIME_NONE;
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
      cs_call_peer_set_state (self, CS_CALL_PEER_STATE_LOST);
      cs_call_peer_lost (self->call, self, "no media for 5 seconds");
      return;
    }
  if (last_media == 0 && now - self->created_time > CONNECT_TIMEOUT_US)
    {
      cs_call_peer_set_state (self, CS_CALL_PEER_STATE_LOST);
      cs_call_peer_lost (self->call, self, "could not connect");
      return;
    }

  cs_call_peer_request_stats (self);
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
stop_child (const GValue *item, gpointer user_data)
{
  gst_element_set_state (GST_ELEMENT (g_value_get_object (item)), GST_STATE_NULL);
}

static void
stop_children (GstElement *bin)
{
  g_autoptr (GstIterator) children = gst_bin_iterate_recurse (GST_BIN (bin));

  g_debug ("%s did not stop at once; stopping its elements one by one", GST_OBJECT_NAME (bin));
  while (gst_iterator_foreach (children, stop_child, NULL) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (children);
  gst_element_set_state (bin, GST_STATE_NULL);
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

      /* Stops webrtcbin's threads: no callback runs after this. A bin whose children did
       * not all stop (a transport already torn down by the other side) is stopped child by
       * child, so that it is never dropped while still running. */
      if (gst_element_set_state (self->bin, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE)
        stop_children (self->bin);
      if (parent != NULL)
        gst_bin_remove (GST_BIN (parent), self->bin);
      gst_clear_object (&self->bin);
      self->webrtc = NULL;
      self->video_sink = NULL;
      self->video_payloader = NULL;
      self->audio_payloader = NULL;
      self->video_transceiver = NULL;
      self->audio_transceiver = NULL;
      self->audio_out = NULL;
    }
}

static gboolean
finish_close_on_main (gpointer data)
{
  finish_close (((CsCallPeerTask *) data)->peer);
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
    cs_call_peer_run_on_main (self, finish_close_on_main, g_new0 (CsCallPeerTask, 1));
  return GST_PAD_PROBE_REMOVE;
}

void
cs_call_peer_close (CsCallPeer *self)
{
  g_return_if_fail (CS_IS_CALL_PEER (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  cs_call_peer_set_state (self, CS_CALL_PEER_STATE_CLOSED);

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

const char *
cs_call_peer_get_verification_code (CsCallPeer *self)
{
  g_return_val_if_fail (CS_IS_CALL_PEER (self), NULL);

  return self->verification_code;
}
