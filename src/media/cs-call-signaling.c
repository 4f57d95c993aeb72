/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-signaling"

#include "config.h"

#include "cs-call-signaling.h"

G_DEFINE_INTERFACE (CsCallSignaling, cs_call_signaling, G_TYPE_OBJECT)

static void
cs_call_signaling_default_init (CsCallSignalingInterface *iface)
{
  g_signal_new ("roster", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRV);
  g_signal_new ("participant-joined", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL,
                NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  g_signal_new ("participant-left", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  g_signal_new ("description", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  g_signal_new ("candidate", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
  g_signal_new ("media-state", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  g_signal_new ("failed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_ERROR);
}

const char *
cs_call_signaling_get_local_id (CsCallSignaling *self)
{
  g_return_val_if_fail (CS_IS_CALL_SIGNALING (self), NULL);

  return CS_CALL_SIGNALING_GET_IFACE (self)->get_local_id (self);
}

void
cs_call_signaling_join (CsCallSignaling *self, const char *display_name)
{
  g_return_if_fail (CS_IS_CALL_SIGNALING (self));
  g_return_if_fail (display_name != NULL);

  CS_CALL_SIGNALING_GET_IFACE (self)->join (self, display_name);
}

void
cs_call_signaling_leave (CsCallSignaling *self)
{
  g_return_if_fail (CS_IS_CALL_SIGNALING (self));

  CS_CALL_SIGNALING_GET_IFACE (self)->leave (self);
}

void
cs_call_signaling_send_description (CsCallSignaling *self,
                                    const char *peer_id,
                                    const char *type,
                                    const char *sdp)
{
  g_return_if_fail (CS_IS_CALL_SIGNALING (self));
  g_return_if_fail (peer_id != NULL && type != NULL && sdp != NULL);

  CS_CALL_SIGNALING_GET_IFACE (self)->send_description (self, peer_id, type, sdp);
}

void
cs_call_signaling_send_candidate (CsCallSignaling *self,
                                  const char *peer_id,
                                  guint mline_index,
                                  const char *candidate)
{
  g_return_if_fail (CS_IS_CALL_SIGNALING (self));
  g_return_if_fail (peer_id != NULL && candidate != NULL);

  CS_CALL_SIGNALING_GET_IFACE (self)->send_candidate (self, peer_id, mline_index, candidate);
}

void
cs_call_signaling_send_media_state (CsCallSignaling *self, gboolean muted, gboolean camera_off)
{
  g_return_if_fail (CS_IS_CALL_SIGNALING (self));

  CS_CALL_SIGNALING_GET_IFACE (self)->send_media_state (self, muted, camera_off);
}
