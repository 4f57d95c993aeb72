/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-call.h"
#include "cs-video-paintable.h"

G_BEGIN_DECLS

/* The name to show for @peer: the contact's name as the user's circle knows them, never a
 * raw address. Returns a new string. */
typedef char *(*CsCallWindowNameFunc) (CsCallPeer *peer, gpointer user_data);

/*
 * The window of one call (its own window, not a page of the main one): a grid of tiles for
 * everyone in the call, the user's own picture small and hideable, a header with the call's
 * title, its duration, who of the circle is not in it yet and the encryption indicator with
 * everyone's verification code, and the controls (microphone, camera, sharing the screen, the
 * camera and sound menu, full screen, leave). A note says when there is no camera or no
 * microphone; a toast when one is unplugged during the call.
 *
 * Made before cs_call_join(): it sets the call's video sink function and its self view, and
 * gives the call the devices and echo setting chosen in Preferences (CsDeviceSettings).
 * Leaving (button or closing the window) calls cs_call_leave() and destroys the window.
 */
#define CS_TYPE_CALL_WINDOW (cs_call_window_get_type ())
G_DECLARE_FINAL_TYPE (CsCallWindow, cs_call_window, CS, CALL_WINDOW, AdwApplicationWindow)

CsCallWindow *cs_call_window_new (GtkApplication *application, CsCall *call, const char *title);

CsCall *cs_call_window_get_call (CsCallWindow *self);
void cs_call_window_set_name_func (CsCallWindow *self,
                                   CsCallWindowNameFunc func,
                                   gpointer user_data,
                                   GDestroyNotify destroy);
/* Names of the circle's members who are not in the call yet (NULL or empty: nobody). */
void cs_call_window_set_absent_members (CsCallWindow *self, const char *const *names);
/* Shown instead of the tiles until the call has joined, such as "Connecting to Famille
 * Dupont…"; NULL for the default. */
void cs_call_window_set_status (CsCallWindow *self, const char *status);

/* The tile widget of the participant @peer_id, or NULL. */
GtkWidget *cs_call_window_get_tile (CsCallWindow *self, const char *peer_id);
/* The paintable showing @peer_id's video, made on first use (main thread only). The window makes
 * one for each peer as it appears in the call's list, before its media can arrive; the sink
 * function only looks them up, and gives no sink for an id it does not know. */
CsVideoPaintable *cs_call_window_get_paintable (CsCallWindow *self, const char *peer_id);
CsVideoPaintable *cs_call_window_get_self_paintable (CsCallWindow *self);
/* The user's own name, for the self view (its label and, camera off, its avatar); NULL for
 * "You". */
void cs_call_window_set_self_name (CsCallWindow *self, const char *name);

G_END_DECLS
