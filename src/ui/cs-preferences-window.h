/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CS_TYPE_PREFERENCES_WINDOW (cs_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CsPreferencesWindow,
                      cs_preferences_window,
                      CS,
                      PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* The app's settings: how many people a call may have, a relay server of one's own, starting at
 * login, and the camera, microphone and speakers (with a live check of them). */
CsPreferencesWindow *cs_preferences_window_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
