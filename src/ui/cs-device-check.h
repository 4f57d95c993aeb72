/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-device-settings.h"
#include "cs-video-paintable.h"

G_BEGIN_DECLS

/*
 * Choosing and checking the camera, microphone and speakers: three choosers over the
 * computer's devices (the user's choice kept in the settings), and, with "show-preview", the
 * chosen camera's live picture, a meter of the chosen microphone's sound and a button playing a
 * test sound through the chosen speakers. The preview runs
 * only while the widget is shown. In Preferences, and (choosers only) in the call window.
 *
 * "device-chosen" (CsDeviceKind kind, GstDevice *device): the user picked @device (never
 * emitted for a change the widget made itself, such as a device unplugged); NULL when she
 * picked "No camera", offered once the camera chooser follows a call
 * (cs_device_check_show_in_use()).
 */

#define CS_TYPE_DEVICE_CHECK (cs_device_check_get_type ())
G_DECLARE_FINAL_TYPE (CsDeviceCheck, cs_device_check, CS, DEVICE_CHECK, GtkBox)

CsDeviceCheck *cs_device_check_new (CsDeviceSettings *settings, gboolean show_preview);

void cs_device_check_set_device_settings (CsDeviceCheck *self, CsDeviceSettings *settings);
void cs_device_check_set_show_preview (CsDeviceCheck *self, gboolean show_preview);
gboolean cs_device_check_get_show_preview (CsDeviceCheck *self);

/* From now on the chooser of @kind shows the device known by @id (NULL: none), such as what a
 * call uses, rather than the choice in the settings. */
void cs_device_check_show_in_use (CsDeviceCheck *self, CsDeviceKind kind, const char *id);

/* For tests: what the preview shows, and whether its pipelines run. */
CsVideoPaintable *cs_device_check_get_preview (CsDeviceCheck *self);
gboolean cs_device_check_get_previewing (CsDeviceCheck *self);
/* Test sounds played to their end through the speakers (the button beside them). */
guint cs_device_check_get_sounds_played (CsDeviceCheck *self);
/* The microphone's loudest sound lately, in dB (-100 when silent or not running). */
double cs_device_check_get_level (CsDeviceCheck *self);

G_END_DECLS
