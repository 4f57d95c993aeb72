/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-stats"

#include "config.h"

#include "cs-call-stats.h"

struct _CsCallStats
{
  GObject parent_instance;

  CsCallStatsValues values;
};

G_DEFINE_FINAL_TYPE (CsCallStats, cs_call_stats, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RTT_MS,
  PROP_LOSS_SENT,
  PROP_LOSS_RECEIVED,
  PROP_JITTER_MS,
  PROP_SEND_KBPS,
  PROP_RECEIVE_KBPS,
  PROP_FRAMES_DECODED,
  PROP_FRAMES_DROPPED,
  PROP_FRAME_RATE,
  PROP_CANDIDATE_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cs_call_stats_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallStats *self = CS_CALL_STATS (object);

  switch (prop_id)
    {
    case PROP_RTT_MS:
      g_value_set_double (value, self->values.rtt_ms);
      break;
    case PROP_LOSS_SENT:
      g_value_set_double (value, self->values.loss_sent);
      break;
    case PROP_LOSS_RECEIVED:
      g_value_set_double (value, self->values.loss_received);
      break;
    case PROP_JITTER_MS:
      g_value_set_double (value, self->values.jitter_ms);
      break;
    case PROP_SEND_KBPS:
      g_value_set_double (value, self->values.send_kbps);
      break;
    case PROP_RECEIVE_KBPS:
      g_value_set_double (value, self->values.receive_kbps);
      break;
    case PROP_FRAMES_DECODED:
      g_value_set_uint64 (value, self->values.frames_decoded);
      break;
    case PROP_FRAMES_DROPPED:
      g_value_set_uint64 (value, self->values.frames_dropped);
      break;
    case PROP_FRAME_RATE:
      g_value_set_double (value, self->values.frame_rate);
      break;
    case PROP_CANDIDATE_TYPE:
      g_value_set_string (value, cs_candidate_type_to_string (self->values.candidate_type));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_stats_class_init (CsCallStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cs_call_stats_get_property;

  properties[PROP_RTT_MS] = g_param_spec_double ("rtt-ms", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_LOSS_SENT] = g_param_spec_double ("loss-sent", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_LOSS_RECEIVED] =
    g_param_spec_double ("loss-received", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_JITTER_MS] =
    g_param_spec_double ("jitter-ms", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_SEND_KBPS] =
    g_param_spec_double ("send-kbps", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_RECEIVE_KBPS] =
    g_param_spec_double ("receive-kbps", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_FRAMES_DECODED] =
    g_param_spec_uint64 ("frames-decoded", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FRAMES_DROPPED] =
    g_param_spec_uint64 ("frames-dropped", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FRAME_RATE] =
    g_param_spec_double ("frame-rate", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_CANDIDATE_TYPE] = g_param_spec_string ("candidate-type", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_call_stats_init (CsCallStats *self)
{
}

CsCallStats *
cs_call_stats_new (const CsCallStatsValues *values)
{
  CsCallStats *self;

  g_return_val_if_fail (values != NULL, NULL);

  self = g_object_new (CS_TYPE_CALL_STATS, NULL);
  self->values = *values;
  return self;
}

const CsCallStatsValues *
cs_call_stats_get_values (CsCallStats *self)
{
  g_return_val_if_fail (CS_IS_CALL_STATS (self), NULL);

  return &self->values;
}

const char *
cs_candidate_type_to_string (CsCandidateType type)
{
  switch (type)
    {
    case CS_CANDIDATE_TYPE_HOST:
      return "host";
    case CS_CANDIDATE_TYPE_SRFLX:
      return "srflx";
    case CS_CANDIDATE_TYPE_PRFLX:
      return "prflx";
    case CS_CANDIDATE_TYPE_RELAY:
      return "relay";
    case CS_CANDIDATE_TYPE_UNKNOWN:
    default:
      return "unknown";
    }
}

CsCandidateType
cs_candidate_type_from_string (const char *text)
{
  if (text == NULL)
    return CS_CANDIDATE_TYPE_UNKNOWN;
  if (g_str_equal (text, "host"))
    return CS_CANDIDATE_TYPE_HOST;
  if (g_str_equal (text, "srflx") || g_str_equal (text, "server-reflexive"))
    return CS_CANDIDATE_TYPE_SRFLX;
  if (g_str_equal (text, "prflx") || g_str_equal (text, "peer-reflexive"))
    return CS_CANDIDATE_TYPE_PRFLX;
  if (g_str_equal (text, "relay") || g_str_equal (text, "relayed"))
    return CS_CANDIDATE_TYPE_RELAY;
  return CS_CANDIDATE_TYPE_UNKNOWN;
}
