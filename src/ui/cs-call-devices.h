/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cs-call.h"
#include "cs-device-settings.h"

G_BEGIN_DECLS

/*
 * The devices of one call, for its window: gives the call the chosen camera, microphone,
 * speakers and echo setting before it joins, follows devices plugged in and out during the
 * call, switches devices when the user picks another, and shares the screen (ScreenCast
 * portal; under COUSINADE_MEDIA=test with COUSINADE_TEST_SCREEN=1, the call's test picture).
 *
 * "note" (string): what the user should know all along the call, in plain words (no camera,
 * no microphone), or NULL. "notice" signal (const char *message): something that just
 * happened (the camera was unplugged, the screen could not be shared), for a toast.
 * "sharing-screen" (boolean): the screen is being sent in place of the camera.
 * "camera-id", "microphone-id" (string): the devices the call uses (NULL: none).
 */

#define CS_TYPE_CALL_DEVICES (cs_call_devices_get_type ())
G_DECLARE_FINAL_TYPE (CsCallDevices, cs_call_devices, CS, CALL_DEVICES, GObject)

/* @parent: the call's window, for the portals' questions (not referenced). */
CsCallDevices *cs_call_devices_new (CsCall *call, CsDeviceSettings *settings, GtkWindow *parent);

/* The user picked @device of @kind for this call (and the next ones). */
void cs_call_devices_choose (CsCallDevices *self, CsDeviceKind kind, GstDevice *device);
const char *cs_call_devices_get_note (CsCallDevices *self);
/* The camera or microphone the call uses (cs_devices_dup_id()), NULL for none. */
const char *cs_call_devices_get_device_id (CsCallDevices *self, CsDeviceKind kind);

void cs_call_devices_share_screen (CsCallDevices *self);
void cs_call_devices_stop_screen_share (CsCallDevices *self);
gboolean cs_call_devices_get_sharing_screen (CsCallDevices *self);

G_END_DECLS
