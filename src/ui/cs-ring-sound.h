/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The sound of a call that rings: the freedesktop sound theme's "phone-incoming-call"
 * through GSound (libcanberra), played again after a short silence each time it ends, until
 * stopped. With COUSINADE_MEDIA=test nothing is played (tests, headless bots), but the rings
 * are still timed and counted, so that a test sees them go on and stop.
 */

#define CS_TYPE_RING_SOUND (cs_ring_sound_get_type ())
G_DECLARE_FINAL_TYPE (CsRingSound, cs_ring_sound, CS, RING_SOUND, GObject)

CsRingSound *cs_ring_sound_new (void);

/* Rings until told otherwise; does nothing when it rings already. */
void cs_ring_sound_set_playing (CsRingSound *self, gboolean playing);
gboolean cs_ring_sound_get_playing (CsRingSound *self);
/* How many rings started so far. */
guint cs_ring_sound_get_plays (CsRingSound *self);

G_END_DECLS
