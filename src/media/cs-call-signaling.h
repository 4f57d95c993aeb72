/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What a call needs from the outside world, and nothing more: who is in the call, and a way
 * to pass session descriptions, ICE candidates and media state to one of them. The media
 * engine speaks SDP; an implementation maps it to its own transport (Jingle over XMPP in
 * src/net/, a local socket hub in tests).
 *
 * Signals, all emitted on the main context of the thread that created the object:
 *
 *  "roster" (GStrv ids, GStrv names): once, after join(): who was already in the call,
 *      possibly nobody. The arriving participant makes the offers to each of them.
 *  "participant-joined" (const char *id, const char *name): someone arrived after us; they
 *      will send us an offer.
 *  "participant-left" (const char *id): someone left or was lost.
 *  "description" (const char *from, const char *type, const char *sdp): an SDP "offer" or
 *      "answer" from @from.
 *  "candidate" (const char *from, guint mline_index, const char *candidate): a trickled ICE
 *      candidate ("candidate:..." line, without "a=").
 *  "media-state" (const char *from, gboolean muted, gboolean camera_off)
 *  "failed" (GError *error): signalling is gone; the call cannot go on.
 */

#define CS_TYPE_CALL_SIGNALING (cs_call_signaling_get_type ())
G_DECLARE_INTERFACE (CsCallSignaling, cs_call_signaling, CS, CALL_SIGNALING, GObject)

struct _CsCallSignalingInterface
{
  GTypeInterface parent_iface;

  const char *(*get_local_id) (CsCallSignaling *self);
  void (*join) (CsCallSignaling *self, const char *display_name);
  void (*leave) (CsCallSignaling *self);
  void (*send_description) (CsCallSignaling *self,
                            const char *peer_id,
                            const char *type,
                            const char *sdp);
  void (*send_candidate) (CsCallSignaling *self,
                          const char *peer_id,
                          guint mline_index,
                          const char *candidate);
  /* To every participant. */
  void (*send_media_state) (CsCallSignaling *self, gboolean muted, gboolean camera_off);
};

const char *cs_call_signaling_get_local_id (CsCallSignaling *self);
void cs_call_signaling_join (CsCallSignaling *self, const char *display_name);
void cs_call_signaling_leave (CsCallSignaling *self);
void cs_call_signaling_send_description (CsCallSignaling *self,
                                         const char *peer_id,
                                         const char *type,
                                         const char *sdp);
void cs_call_signaling_send_candidate (CsCallSignaling *self,
                                       const char *peer_id,
                                       guint mline_index,
                                       const char *candidate);
void cs_call_signaling_send_media_state (CsCallSignaling *self,
                                         gboolean muted,
                                         gboolean camera_off);

G_END_DECLS
