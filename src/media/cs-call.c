/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call"

#include "config.h"

#include "cs-call.h"

#include "cs-call-private.h"

#include <glib/gi18n.h>
#include <unistd.h>

/*
 * One call: one capture and one encoder per media kind, shared through a tee by every peer
 * (encode once), one CsCallPeer per remote participant, and one mixer for everything heard.
 *
 *   video capture ─ convert/scale/rate ─ [camera off: black] ─ tee ─ vp8enc ─ tee ─┬─ peer…
 *                                     self view ─ leaky queue ─┘                   │
 *   audio capture ─ convert/resample ─ echo canceller ─ volume (mute) ─ opusenc ─ tee ┴─ peer…
 *   peer… ─ audiomixer ─ echo probe ─ speakers
 *
 * The capture sources and the speakers can be switched while the call runs, in front of and
 * after fixed chains (cs-call-capture.c): a new camera, none, or a shared screen never
 * reaches the encoders as a change.
 *
 * Each peer packetizes for itself (cheap): its webrtcbin owns the RTP session, SSRC and
 * sequence numbers of what it sends.
 *
 * Peers come and go while capture and encoders keep running.
 */

#define START_KBPS_FRACTION 0.6

G_DEFINE_FINAL_TYPE (CsCall, cs_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  PROP_VIDEO_BITRATE,
  PROP_HAS_CAMERA,
  PROP_HAS_MICROPHONE,
  PROP_SHARING_SCREEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PEER_ADDED,
  PEER_REMOVED,
  BITRATE_CHANGED,
  CAMERA_LOST,
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
      /* Translators: the first number is how many people are in the call already. */
      fail (self, g_error_new (CS_MEDIA_ERROR, CS_MEDIA_ERROR_CALL_FULL,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "This call is full: %u person is already in it, and "
                                            "a call can have at most %u. Try again when someone "
                                            "leaves.",
                                            "This call is full: %u people are already in it, and "
                                            "a call can have at most %u. Try again when someone "
                                            "leaves.",
                                            n),
                               n, self->max_participants));
      return;
    }

  set_state (self, CS_CALL_STATE_IN_CALL);
  /* Whoever arrives makes the offers to those already there, so two people never offer to
   * each other at once. */
  for (guint i = 0; i < n; i++)
    add_peer (self, ids[i], names != NULL && i < g_strv_length (names) ? names[i] : ids[i], TRUE);
  cs_call_send_media_state (self);
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
  cs_call_send_media_state (self);
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

/* Whether @element sits in a participant's bin ("peer-<id>", see cs-call-peer.c) whose
 * participant is no longer in the call: what it posted while leaving is read only now. */
static gboolean
is_departed_peer_element (CsCall *self, GstObject *element)
{
  g_autoptr (GstObject) object = element != NULL ? gst_object_ref (element) : NULL;

  while (object != NULL)
    {
      g_autofree char *name = gst_object_get_name (object);
      GstObject *parent;

      if (GST_IS_BIN (object) && g_str_has_prefix (name, "peer-"))
        return find_peer_for_element (self, object) == NULL;
      parent = gst_object_get_parent (object);
      gst_object_unref (object);
      object = parent;
    }
  return FALSE;
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

        /* A camera unplugged, a screen share ended: the call goes on without it. */
        if (cs_call_capture_handle_error (self, message))
          break;
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
        if (is_departed_peer_element (self, GST_MESSAGE_SRC (message)))
          {
            g_debug ("Ignoring an error of a participant who left: %s (%s)", error->message, debug);
            break;
          }
        g_message ("Media error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                   error->message, debug);
        /* Translators: the text in brackets is GStreamer's own, for whoever fixes it. */
        fail (self, g_error_new (CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                                 _ ("The sound or the picture of the call stopped working (%s). "
                                    "Leave the call and join it again."),
                                 error->message));
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
        /* The source itself, not the elements of a source that is a bin. */
        if (g_str_has_prefix (name, "video-capture-") &&
            GST_OBJECT_PARENT (GST_MESSAGE_SRC (message)) == GST_OBJECT (self->pipeline))
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
    case PROP_HAS_CAMERA:
      g_value_set_boolean (value, cs_call_capture_has_camera (self));
      break;
    case PROP_HAS_MICROPHONE:
      g_value_set_boolean (value, cs_call_capture_has_microphone (self));
      break;
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, self->sharing_screen);
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
  gst_clear_object (&self->self_view_sink);
  gst_clear_object (&self->camera);
  gst_clear_object (&self->microphone);
  gst_clear_object (&self->speakers_device);
  if (self->screen_fd >= 0)
    close (self->screen_fd);
  self->screen_fd = -1;

  G_OBJECT_CLASS (cs_call_parent_class)->dispose (object);
}

static void
cs_call_finalize (GObject *object)
{
  CsCall *self = CS_CALL (object);

  g_free (self->display_name);
  g_free (self->media_file);
  g_free (self->echo_probe_name);
  g_strfreev (self->ice_servers);
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
  /* See cs_call_get_has_camera(), cs_call_get_has_microphone(), cs_call_get_sharing_screen(). */
  properties[PROP_HAS_CAMERA] = g_param_spec_boolean ("has-camera", NULL, NULL, TRUE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MICROPHONE] =
    g_param_spec_boolean ("has-microphone", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARING_SCREEN] =
    g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE,
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
  /* The camera failed or was unplugged during the call: the call goes on without it (peers
   * see the camera off); say so to the user. */
  signals[CAMERA_LOST] = g_signal_new ("camera-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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
  self->echo_cancellation = TRUE;
  self->screen_fd = -1;
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
cs_call_set_media_file (CsCall *self, const char *path)
{
  g_return_if_fail (CS_IS_CALL (self));

  g_free (self->media_file);
  self->media_file = g_strdup (path);
}

void
cs_call_set_ice_servers (CsCall *self, const char *const *uris)
{
  g_return_if_fail (CS_IS_CALL (self));

  g_strfreev (self->ice_servers);
  self->ice_servers = g_strdupv ((char **) uris);
}

const char *const *
cs_call_get_ice_servers (CsCall *self)
{
  return (const char *const *) self->ice_servers;
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

void
cs_call_set_self_view_sink (CsCall *self, GstElement *sink)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (sink == NULL || GST_IS_ELEMENT (sink));
  g_return_if_fail (self->state == CS_CALL_STATE_IDLE);

  if (sink != NULL)
    gst_object_ref_sink (sink);
  gst_clear_object (&self->self_view_sink);
  self->self_view_sink = sink;
}

void
cs_call_set_echo_cancellation (CsCall *self, gboolean enabled)
{
  g_return_if_fail (CS_IS_CALL (self));

  self->echo_cancellation = !!enabled;
}

gboolean
cs_call_join (CsCall *self, GError **error)
{
  g_autoptr (GstBus) bus = NULL;

  g_return_val_if_fail (CS_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->state == CS_CALL_STATE_IDLE, FALSE);

  self->bounds = cs_call_adaptation_bounds_for_size (self->width, self->height);
  self->video_kbps = self->bounds.max_kbps * START_KBPS_FRACTION;
  self->stamp_frames = g_strcmp0 (g_getenv ("COUSINADE_TEST_STAMP"), "1") == 0 &&
                       self->width >= CS_MEDIA_STAMP_WIDTH && self->height >= CS_MEDIA_STAMP_HEIGHT;

  if (!cs_call_build_pipeline (self, error))
    {
      cs_call_leave (self);
      self->state = CS_CALL_STATE_IDLE;
      return FALSE;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   _ ("The camera or the microphone could not be started. Check that no other "
                      "program is using them, then join the call again."));
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
  cs_call_capture_clear (self);
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
  cs_call_send_media_state (self);
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
  cs_call_update_black (self);
  cs_call_send_media_state (self);
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

/* For the other parts of the call (cs-call-private.h). */

void
cs_call_send_media_state (CsCall *self)
{
  /* A shared screen is a picture to show, whatever the camera does. */
  gboolean no_picture =
    !self->sharing_screen && (self->camera_off || !cs_call_capture_has_camera (self));

  if (self->state != CS_CALL_STATE_IN_CALL)
    return;
  cs_call_signaling_send_media_state (self->signaling,
                                      self->muted || !cs_call_capture_has_microphone (self),
                                      no_picture);
}

void
cs_call_update_black (CsCall *self)
{
  /* A shared screen is sent even with the camera off: sharing is a choice of its own. */
  g_atomic_int_set (&self->camera_off_atomic, self->camera_off && !self->sharing_screen);
}

void
cs_call_camera_lost (CsCall *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_CAMERA]);
  cs_call_send_media_state (self);
  g_signal_emit (self, signals[CAMERA_LOST], 0);
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
cs_call_peer_refuse (CsCall *self, CsCallPeer *peer, const char *why)
{
  g_autofree char *id = g_strdup (cs_call_peer_get_id (peer));

  g_message ("Refusing %s: %s", cs_call_peer_get_display_name (peer), why);
  remove_peer (self, id, "untrusted");
}
