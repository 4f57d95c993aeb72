/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/*
 * The cameras, microphones and speakers of this computer, kept up to date as they are
 * plugged in and out (GstDeviceMonitor). PipeWire's devices are preferred; V4L2 cameras and
 * PulseAudio or ALSA sound devices are listed only when PipeWire offers none of that kind.
 * Under COUSINADE_MEDIA=test only test device providers are used (see tests/media/).
 *
 * A device's identifier (cs_devices_dup_id()) stays the same across restarts and replugs:
 * that is what the "camera", "microphone" and "speakers" settings keep.
 *
 * Signals: "changed" (CsDeviceKind kind): a device of that kind came or went;
 * "removed" (CsDeviceKind kind, const char *id): the device @id was unplugged.
 */

typedef enum
{
  CS_DEVICE_CAMERA,
  CS_DEVICE_MICROPHONE,
  CS_DEVICE_SPEAKERS,
} CsDeviceKind;

#define CS_TYPE_DEVICES (cs_devices_get_type ())
G_DECLARE_FINAL_TYPE (CsDevices, cs_devices, CS, DEVICES, GObject)

/* Starts watching. @pipewire_fd: a PipeWire remote from the Camera portal (taken over), whose
 * cameras are then the only ones listed; -1 for the computer's own devices. */
CsDevices *cs_devices_new (int pipewire_fd);

/* The devices of @kind (GstDevice items), in the order they should be offered. */
GListModel *cs_devices_get_model (CsDevices *self, CsDeviceKind kind);
/* The device of @kind known by @id, or NULL when it is not plugged in (transfer none, as for
 * cs_devices_choose()). */
GstDevice *cs_devices_find (CsDevices *self, CsDeviceKind kind, const char *id);
/* The device to use when the user chose @id: that one when present, else the first of
 * @kind, else NULL (none at all). */
GstDevice *cs_devices_choose (CsDevices *self, CsDeviceKind kind, const char *id);

/* A stable identifier of @device, for the settings. */
char *cs_devices_dup_id (GstDevice *device);

G_END_DECLS
