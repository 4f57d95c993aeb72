/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer-private.h"

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

/* One peer's statistics, once a second: webrtcbin's report and the jitter buffers' counts
 * turned into a CsCallStats, and the bitrate estimate that follows from them. */

static void update_stats (CsCallPeer *self, const GstStructure *report);

static gboolean
stats_on_main (gpointer data)
{
  CsCallPeerTask *task = data;

  if (!task->peer->closed)
    update_stats (task->peer, task->structure);
  return G_SOURCE_REMOVE;
}

static void
on_stats (GstPromise *promise, gpointer user_data)
{
  CsCallPeer *self = CS_CALL_PEER (user_data);
  const GstStructure *reply = gst_promise_get_reply (promise);
  CsCallPeerTask *task;

  if (reply == NULL)
    {
      gst_promise_unref (promise);
      return;
    }
  task = g_new0 (CsCallPeerTask, 1);
  task->structure = gst_structure_copy (reply);
  gst_promise_unref (promise);
  cs_call_peer_run_on_main (self, stats_on_main, task);
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

  cs_call_peer_stats_changed (self);
}

void
cs_call_peer_request_stats (CsCallPeer *self)
{
  GstPromise *promise =
    gst_promise_new_with_change_func (on_stats, g_object_ref (self), g_object_unref);

  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);
}
