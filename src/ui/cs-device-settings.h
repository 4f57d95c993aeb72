/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cs-call.h"
#include "cs-devices.h"
#include "cs-portals.h"

G_BEGIN_DECLS

/*
 * The app's cameras, microphones and speakers, and which ones the user chose: one CsDevices
 * for the whole app (the device monitor is not cheap), the "camera", "microphone", "speakers"
 * and "echo-cancellation" settings, and, in a sandbox, the Camera portal step that brings the
 * cameras in. Preferences and the call window both go through it.
 *
 * "devices" is notified when the device list is replaced: once, in a sandbox, when the Camera
 * portal gives access to the cameras. "camera-problem" is a plain-words message when the
 * cameras could not be had (access refused), else NULL.
 */

#define CS_TYPE_DEVICE_SETTINGS (cs_device_settings_get_type ())
G_DECLARE_FINAL_TYPE (CsDeviceSettings, cs_device_settings, CS, DEVICE_SETTINGS, GObject)

/* The running app's own (one per CsApplication), on its settings and portals. */
CsDeviceSettings *cs_device_settings_get_default (void);
CsDeviceSettings *cs_device_settings_new (GSettings *settings, CsPortals *portals);

GSettings *cs_device_settings_get_settings (CsDeviceSettings *self);
CsPortals *cs_device_settings_get_portals (CsDeviceSettings *self);
CsDevices *cs_device_settings_get_devices (CsDeviceSettings *self);

/* In a sandbox, asks the Camera portal once (with @parent as the question's window); the
 * cameras then appear in a new "devices". Does nothing outside a sandbox or when asked already. */
void cs_device_settings_request_cameras (CsDeviceSettings *self, GtkWindow *parent);
/* Whether the Camera portal step is still waiting for an answer. */
gboolean cs_device_settings_get_requesting_cameras (CsDeviceSettings *self);
const char *cs_device_settings_get_camera_problem (CsDeviceSettings *self);

/* The devices of @kind this app may use (GstDevice items): in a sandbox, no camera until the
 * Camera portal gives access. */
GListModel *cs_device_settings_get_model (CsDeviceSettings *self, CsDeviceKind kind);
/* The device of @kind to use (transfer none): the chosen one when plugged in, else the first
 * one, else NULL. */
GstDevice *cs_device_settings_choose (CsDeviceSettings *self, CsDeviceKind kind);
/* Remembers @device (NULL: the usual one) as the user's choice of its kind. */
void cs_device_settings_set_choice (CsDeviceSettings *self, CsDeviceKind kind, GstDevice *device);

/* Whether calls use the test sources built into CsCall rather than devices: under
 * COUSINADE_MEDIA=test without COUSINADE_TEST_DEVICES (no device list to choose from). */
gboolean cs_device_settings_get_uses_call_defaults (CsDeviceSettings *self);

/* Gives @call the chosen devices and the echo setting; before or during the call. */
void cs_device_settings_apply (CsDeviceSettings *self, CsCall *call);

G_END_DECLS
