/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-signaling"

#include "config.h"

#include "cs-xmpp-signaling.h"

struct _CsXmppSignaling
{
  GObject parent_instance;

  /* One of the two; the other is NULL. */
  CsMujiCall *call;
  CsDirectCall *direct;
};

static void cs_xmpp_signaling_iface_init (CsCallSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsXmppSignaling,
                               cs_xmpp_signaling,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CS_TYPE_CALL_SIGNALING,
                                                      cs_xmpp_signaling_iface_init))

static void
on_roster (GObject *call, GStrv ids, GStrv names, CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "roster", ids, names);
}

static void
on_participant_joined (GObject *call, const char *id, const char *name, CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "participant-joined", id, name);
}

static void
on_participant_left (GObject *call, const char *id, CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "participant-left", id);
}

static void
on_description (GObject *call,
                const char *from,
                const char *type,
                const char *sdp,
                CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "description", from, type, sdp);
}

static void
on_candidate (GObject *call,
              const char *from,
              guint mline_index,
              const char *candidate,
              CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "candidate", from, mline_index, candidate);
}

static void
on_media_state (GObject *call,
                const char *from,
                gboolean muted,
                gboolean camera_off,
                CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "media-state", from, muted, camera_off);
}

static void
on_failed (GObject *call, GError *error, CsXmppSignaling *self)
{
  g_signal_emit_by_name (self, "failed", error);
}

static const char *
get_local_id (CsCallSignaling *signaling)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    return cs_direct_call_get_local_id (self->direct);
  return cs_muji_call_get_local_id (self->call);
}

static void
join (CsCallSignaling *signaling, const char *display_name)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    cs_direct_call_join (self->direct, display_name);
  else
    cs_muji_call_join (self->call, display_name);
}

static void
leave (CsCallSignaling *signaling)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    cs_direct_call_leave (self->direct);
  else
    cs_muji_call_leave (self->call);
}

static void
send_description (CsCallSignaling *signaling,
                  const char *peer_id,
                  const char *type,
                  const char *sdp)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    cs_direct_call_send_description (self->direct, peer_id, type, sdp);
  else
    cs_muji_call_send_description (self->call, peer_id, type, sdp);
}

static void
send_candidate (CsCallSignaling *signaling,
                const char *peer_id,
                guint mline_index,
                const char *candidate)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    cs_direct_call_send_candidate (self->direct, peer_id, mline_index, candidate);
  else
    cs_muji_call_send_candidate (self->call, peer_id, mline_index, candidate);
}

static void
send_media_state (CsCallSignaling *signaling, gboolean muted, gboolean camera_off)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (signaling);

  if (self->direct != NULL)
    cs_direct_call_send_media_state (self->direct, muted, camera_off);
  else
    cs_muji_call_send_media_state (self->call, muted, camera_off);
}

static void
cs_xmpp_signaling_iface_init (CsCallSignalingInterface *iface)
{
  iface->get_local_id = get_local_id;
  iface->join = join;
  iface->leave = leave;
  iface->send_description = send_description;
  iface->send_candidate = send_candidate;
  iface->send_media_state = send_media_state;
}

static void
cs_xmpp_signaling_dispose (GObject *object)
{
  CsXmppSignaling *self = CS_XMPP_SIGNALING (object);

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  if (self->direct != NULL)
    g_signal_handlers_disconnect_by_data (self->direct, self);
  g_clear_object (&self->call);
  g_clear_object (&self->direct);

  G_OBJECT_CLASS (cs_xmpp_signaling_parent_class)->dispose (object);
}

static void
cs_xmpp_signaling_class_init (CsXmppSignalingClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cs_xmpp_signaling_dispose;
}

static void
cs_xmpp_signaling_init (CsXmppSignaling *self)
{
}

/* The two calls have the same signals. */
static void
connect_call (CsXmppSignaling *self, GObject *call)
{
  g_signal_connect (call, "roster", G_CALLBACK (on_roster), self);
  g_signal_connect (call, "participant-joined", G_CALLBACK (on_participant_joined), self);
  g_signal_connect (call, "participant-left", G_CALLBACK (on_participant_left), self);
  g_signal_connect (call, "description", G_CALLBACK (on_description), self);
  g_signal_connect (call, "candidate", G_CALLBACK (on_candidate), self);
  g_signal_connect (call, "media-state", G_CALLBACK (on_media_state), self);
  g_signal_connect (call, "failed", G_CALLBACK (on_failed), self);
}

CsXmppSignaling *
cs_xmpp_signaling_new (CsMujiCall *call)
{
  CsXmppSignaling *self;

  g_return_val_if_fail (CS_IS_MUJI_CALL (call), NULL);

  self = g_object_new (CS_TYPE_XMPP_SIGNALING, NULL);
  self->call = g_object_ref (call);
  connect_call (self, G_OBJECT (call));
  return self;
}

CsXmppSignaling *
cs_xmpp_signaling_new_direct (CsDirectCall *call)
{
  CsXmppSignaling *self;

  g_return_val_if_fail (CS_IS_DIRECT_CALL (call), NULL);

  self = g_object_new (CS_TYPE_XMPP_SIGNALING, NULL);
  self->direct = g_object_ref (call);
  connect_call (self, G_OBJECT (call));
  return self;
}

CsDirectCall *
cs_xmpp_signaling_get_direct_call (CsXmppSignaling *self)
{
  g_return_val_if_fail (CS_IS_XMPP_SIGNALING (self), NULL);

  return self->direct;
}

CsMujiCall *
cs_xmpp_signaling_get_call (CsXmppSignaling *self)
{
  g_return_val_if_fail (CS_IS_XMPP_SIGNALING (self), NULL);

  return self->call;
}
