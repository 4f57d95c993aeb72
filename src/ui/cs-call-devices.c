/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-devices"

#include "config.h"

#include "cs-call-devices.h"

#include <glib/gi18n.h>

struct _CsCallDevices
{
  GObject parent_instance;

  CsCall *call;
  CsDeviceSettings *settings;
  CsDevices *devices;
  GtkWindow *parent; /* weak */
  GCancellable *share_cancellable;

  /* What the call uses, as this object set it: NULL for none. */
  char *camera_id;
  char *microphone_id;
  char *speakers_id;
  char *note;
  /* Cameras offered, to tell one plugged in from one unplugged. */
  guint n_cameras;
};

G_DEFINE_FINAL_TYPE (CsCallDevices, cs_call_devices, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NOTE,
  PROP_SHARING_SCREEN,
  PROP_CAMERA_ID,
  PROP_MICROPHONE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
notice (CsCallDevices *self, const char *message)
{
  g_message ("%s", message);
  g_signal_emit (self, signals[SIGNAL_NOTICE], 0, message);
}

static void
update_note (CsCallDevices *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) lines = NULL;
  g_autofree char *note = NULL;

  if (!cs_device_settings_get_uses_call_defaults (self->settings))
    {
      const char *problem = cs_device_settings_get_camera_problem (self->settings);

      if (self->camera_id == NULL && problem != NULL)
        g_strv_builder_add (builder, problem);
      else if (self->camera_id == NULL &&
               !cs_device_settings_get_requesting_cameras (self->settings))
        g_strv_builder_add (
          builder,
          g_list_model_get_n_items (
            cs_device_settings_get_model (self->settings, CS_DEVICE_CAMERA)) > 0
            ? _ ("No camera in use: the others see your initials. Choose a camera in the camera "
                 "and sound menu, at the top.")
            : _ ("No camera found: the others will hear you and see your initials."));
      if (self->microphone_id == NULL)
        g_strv_builder_add (builder, _ ("No microphone found: you can listen, but the others "
                                        "cannot hear you."));
    }
  lines = g_strv_builder_end (builder);
  if (lines[0] != NULL)
    note = g_strjoinv ("\n", lines);

  if (g_strcmp0 (note, self->note) == 0)
    return;
  g_free (self->note);
  self->note = g_steal_pointer (&note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
}

static char **
id_of (CsCallDevices *self, CsDeviceKind kind)
{
  switch (kind)
    {
    case CS_DEVICE_CAMERA:
      return &self->camera_id;
    case CS_DEVICE_MICROPHONE:
      return &self->microphone_id;
    case CS_DEVICE_SPEAKERS:
    default:
      return &self->speakers_id;
    }
}

static void
use_device (CsCallDevices *self, CsDeviceKind kind, GstDevice *device)
{
  char **id = id_of (self, kind);

  g_free (*id);
  *id = device != NULL ? cs_devices_dup_id (device) : NULL;
  if (kind == CS_DEVICE_CAMERA)
    cs_call_set_camera (self->call, device);
  else if (kind == CS_DEVICE_MICROPHONE)
    cs_call_set_microphone (self->call, device);
  else
    cs_call_set_speakers (self->call, device);
  /* Told once the call has it, so that listeners read the call as it now is. */
  if (kind != CS_DEVICE_SPEAKERS)
    g_object_notify_by_pspec (
      G_OBJECT (self), properties[kind == CS_DEVICE_CAMERA ? PROP_CAMERA_ID : PROP_MICROPHONE_ID]);
}

static void
drop_camera (CsCallDevices *self)
{
  if (self->camera_id == NULL)
    return;

  use_device (self, CS_DEVICE_CAMERA, NULL);
  notice (self, _ ("Your camera was unplugged or stopped: the others now see your initials."));
  update_note (self);
}

static void
on_camera_lost (CsCall *call, CsCallDevices *self)
{
  /* The call dropped the camera itself; only the note and the notice are left to do. */
  if (self->camera_id == NULL)
    return;

  g_clear_pointer (&self->camera_id, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_ID]);
  notice (self, _ ("Your camera was unplugged or stopped: the others now see your initials."));
  update_note (self);
}

static void
on_device_removed (CsDevices *devices, CsDeviceKind kind, const char *id, CsCallDevices *self)
{
  if (kind == CS_DEVICE_CAMERA && g_strcmp0 (id, self->camera_id) == 0)
    {
      drop_camera (self);
    }
  else if (kind == CS_DEVICE_MICROPHONE && g_strcmp0 (id, self->microphone_id) == 0)
    {
      /* Another microphone, if there is one, rather than silence. */
      GstDevice *next = cs_device_settings_choose (self->settings, CS_DEVICE_MICROPHONE);
      g_autofree char *next_id = next != NULL ? cs_devices_dup_id (next) : NULL;

      /* The list may not have dropped it yet. */
      if (g_strcmp0 (next_id, id) == 0)
        next = NULL;
      use_device (self, CS_DEVICE_MICROPHONE, next);
      notice (self, next != NULL ? _ ("Your microphone was unplugged: another one is used.")
                                 : _ ("Your microphone was unplugged: the others cannot hear you "
                                      "any more."));
      update_note (self);
    }
  else if (kind == CS_DEVICE_SPEAKERS && g_strcmp0 (id, self->speakers_id) == 0)
    {
      use_device (self, CS_DEVICE_SPEAKERS, NULL);
      notice (self, _ ("Your speakers or headphones were unplugged: the computer's usual sound "
                       "output is used."));
    }
}

static void
on_devices_changed (CsDevices *devices, CsDeviceKind kind, CsCallDevices *self)
{
  /* A microphone plugged in during a listen-only call is used at once: it is harmless. A
   * camera only becomes choosable: sending one's picture stays the user's own choice. */
  if (kind == CS_DEVICE_MICROPHONE && self->microphone_id == NULL)
    {
      GstDevice *microphone = cs_device_settings_choose (self->settings, CS_DEVICE_MICROPHONE);

      if (microphone != NULL)
        {
          use_device (self, CS_DEVICE_MICROPHONE, microphone);
          notice (self, _ ("A microphone was plugged in: the others can hear you now."));
          update_note (self);
        }
    }
  else if (kind == CS_DEVICE_CAMERA)
    {
      guint n_cameras =
        g_list_model_get_n_items (cs_device_settings_get_model (self->settings, CS_DEVICE_CAMERA));

      if (self->camera_id == NULL && n_cameras > self->n_cameras)
        notice (self, _ ("A camera was plugged in: choose it in the camera and sound menu."));
      self->n_cameras = n_cameras;
    }
  update_note (self);
}

static void
bind_devices (CsCallDevices *self)
{
  CsDevices *devices = cs_device_settings_get_devices (self->settings);

  if (devices == self->devices)
    return;
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  g_signal_connect_object (devices, "removed", G_CALLBACK (on_device_removed), self, 0);
  g_signal_connect_object (devices, "changed", G_CALLBACK (on_devices_changed), self, 0);
}

static void
on_settings_devices_changed (CsDeviceSettings *settings, GParamSpec *pspec, CsCallDevices *self)
{
  GstDevice *camera;

  bind_devices (self);
  self->n_cameras =
    g_list_model_get_n_items (cs_device_settings_get_model (settings, CS_DEVICE_CAMERA));
  /* The Camera portal's answer came during the call: its camera comes in. */
  camera = cs_device_settings_choose (settings, CS_DEVICE_CAMERA);
  if (self->camera_id == NULL && camera != NULL)
    use_device (self, CS_DEVICE_CAMERA, camera);
  update_note (self);
}

static void
on_camera_problem_changed (CsDeviceSettings *settings, GParamSpec *pspec, CsCallDevices *self)
{
  const char *problem = cs_device_settings_get_camera_problem (settings);

  if (problem != NULL)
    notice (self, problem);
  update_note (self);
}

static void
on_requesting_cameras_changed (CsDeviceSettings *settings, GParamSpec *pspec, CsCallDevices *self)
{
  update_note (self);
}

static void
on_sharing_screen_changed (CsCall *call, GParamSpec *pspec, CsCallDevices *self)
{
  /* The call stopped sending the screen (it ended, or failed to read it): the desktop's
   * session goes too, and its "you are sharing" indicator with it. */
  if (!cs_call_get_sharing_screen (call))
    cs_portals_stop_screen_share (cs_device_settings_get_portals (self->settings));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

static void
on_screen_share_closed (CsPortals *portals, CsCallDevices *self)
{
  cs_call_stop_screen_share (self->call);
}

static void
on_call_state_changed (CsCall *call, GParamSpec *pspec, CsCallDevices *self)
{
  CsCallState state = cs_call_get_state (call);

  if (state == CS_CALL_STATE_LEFT || state == CS_CALL_STATE_FAILED)
    cs_call_devices_stop_screen_share (self);
}

static void
start_sharing (CsCallDevices *self, int fd, guint32 node_id)
{
  g_autoptr (GError) error = NULL;

  if (!cs_call_share_screen (self->call, fd, node_id, &error))
    {
      cs_portals_stop_screen_share (cs_device_settings_get_portals (self->settings));
      notice (self, error->message);
    }
}

static void
on_screen_shared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsCallDevices) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  guint32 node_id = 0;
  int fd = -1;

  if (!cs_portals_share_screen_finish (CS_PORTALS (source), result, &fd, &node_id, &token, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_object (&self->share_cancellable);
          notice (self, error->message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
        }
      return;
    }

  g_clear_object (&self->share_cancellable);
  /* Next time, the desktop may share the same screen without asking again. */
  if (token != NULL)
    g_settings_set_string (cs_device_settings_get_settings (self->settings),
                           "screencast-restore-token", token);
  start_sharing (self, fd, node_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

static void
cs_call_devices_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallDevices *self = CS_CALL_DEVICES (object);

  switch (prop_id)
    {
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, cs_call_devices_get_sharing_screen (self));
      break;
    case PROP_CAMERA_ID:
      g_value_set_string (value, self->camera_id);
      break;
    case PROP_MICROPHONE_ID:
      g_value_set_string (value, self->microphone_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_devices_dispose (GObject *object)
{
  CsCallDevices *self = CS_CALL_DEVICES (object);

  g_cancellable_cancel (self->share_cancellable);
  g_clear_object (&self->share_cancellable);
  if (self->call != NULL)
    {
      if (cs_call_get_sharing_screen (self->call))
        cs_call_stop_screen_share (self->call);
      g_signal_handlers_disconnect_by_data (self->call, self);
    }
  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->settings, self);
      g_signal_handlers_disconnect_by_data (cs_device_settings_get_portals (self->settings), self);
      cs_portals_stop_screen_share (cs_device_settings_get_portals (self->settings));
    }
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
  g_clear_object (&self->settings);
  g_clear_object (&self->call);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (cs_call_devices_parent_class)->dispose (object);
}

static void
cs_call_devices_finalize (GObject *object)
{
  CsCallDevices *self = CS_CALL_DEVICES (object);

  g_free (self->camera_id);
  g_free (self->microphone_id);
  g_free (self->speakers_id);
  g_free (self->note);

  G_OBJECT_CLASS (cs_call_devices_parent_class)->finalize (object);
}

static void
cs_call_devices_class_init (CsCallDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_call_devices_get_property;
  object_class->dispose = cs_call_devices_dispose;
  object_class->finalize = cs_call_devices_finalize;

  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, NULL, flags);
  properties[PROP_SHARING_SCREEN] =
    g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE, flags);
  properties[PROP_CAMERA_ID] = g_param_spec_string ("camera-id", NULL, NULL, NULL, flags);
  properties[PROP_MICROPHONE_ID] = g_param_spec_string ("microphone-id", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cs_call_devices_init (CsCallDevices *self)
{
}

CsCallDevices *
cs_call_devices_new (CsCall *call, CsDeviceSettings *settings, GtkWindow *parent)
{
  CsCallDevices *self;

  g_return_val_if_fail (CS_IS_CALL (call), NULL);
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (settings), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (CS_TYPE_CALL_DEVICES, NULL);
  self->call = g_object_ref (call);
  self->settings = g_object_ref (settings);
  g_set_weak_pointer (&self->parent, parent);

  g_signal_connect_object (call, "notify::sharing-screen", G_CALLBACK (on_sharing_screen_changed),
                           self, 0);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state_changed), self, 0);
  g_signal_connect_object (cs_device_settings_get_portals (settings), "screen-share-closed",
                           G_CALLBACK (on_screen_share_closed), self, 0);

  /* Under the test media without a device list, the call keeps its own test sources. */
  cs_device_settings_apply (settings, call);
  if (cs_device_settings_get_uses_call_defaults (settings))
    return self;

  /* What apply() gave the call, to follow it. */
  for (CsDeviceKind kind = CS_DEVICE_CAMERA; kind <= CS_DEVICE_SPEAKERS; kind++)
    {
      GstDevice *device = cs_device_settings_choose (settings, kind);

      *id_of (self, kind) = device != NULL ? cs_devices_dup_id (device) : NULL;
    }
  g_signal_connect_object (call, "camera-lost", G_CALLBACK (on_camera_lost), self, 0);
  g_signal_connect_object (settings, "notify::devices", G_CALLBACK (on_settings_devices_changed),
                           self, 0);
  g_signal_connect_object (settings, "notify::camera-problem",
                           G_CALLBACK (on_camera_problem_changed), self, 0);
  g_signal_connect_object (settings, "notify::requesting-cameras",
                           G_CALLBACK (on_requesting_cameras_changed), self, 0);
  bind_devices (self);
  self->n_cameras =
    g_list_model_get_n_items (cs_device_settings_get_model (settings, CS_DEVICE_CAMERA));
  cs_device_settings_request_cameras (settings, parent);
  update_note (self);
  return self;
}

void
cs_call_devices_choose (CsCallDevices *self, CsDeviceKind kind, GstDevice *device)
{
  g_return_if_fail (CS_IS_CALL_DEVICES (self));
  g_return_if_fail (device == NULL || GST_IS_DEVICE (device));

  use_device (self, kind, device);
  update_note (self);
}

const char *
cs_call_devices_get_device_id (CsCallDevices *self, CsDeviceKind kind)
{
  g_return_val_if_fail (CS_IS_CALL_DEVICES (self), NULL);
  g_return_val_if_fail (kind != CS_DEVICE_SPEAKERS, NULL);

  return kind == CS_DEVICE_CAMERA ? self->camera_id : self->microphone_id;
}

const char *
cs_call_devices_get_note (CsCallDevices *self)
{
  g_return_val_if_fail (CS_IS_CALL_DEVICES (self), NULL);

  return self->note;
}

void
cs_call_devices_share_screen (CsCallDevices *self)
{
  g_autofree char *token = NULL;

  g_return_if_fail (CS_IS_CALL_DEVICES (self));

  if (cs_call_get_sharing_screen (self->call) || self->share_cancellable != NULL)
    return;

  /* Tests send the call's own test picture: there is no desktop here to share. */
  if (g_strcmp0 (g_getenv ("COUSINADE_MEDIA"), "test") == 0 &&
      g_strcmp0 (g_getenv ("COUSINADE_TEST_SCREEN"), "1") == 0)
    {
      start_sharing (self, -1, 0);
      return;
    }

  self->share_cancellable = g_cancellable_new ();
  token = g_settings_get_string (cs_device_settings_get_settings (self->settings),
                                 "screencast-restore-token");
  cs_portals_share_screen_async (cs_device_settings_get_portals (self->settings), self->parent,
                                 token, self->share_cancellable, on_screen_shared,
                                 g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

void
cs_call_devices_stop_screen_share (CsCallDevices *self)
{
  g_return_if_fail (CS_IS_CALL_DEVICES (self));

  g_cancellable_cancel (self->share_cancellable);
  g_clear_object (&self->share_cancellable);
  if (cs_call_get_sharing_screen (self->call))
    cs_call_stop_screen_share (self->call);
  cs_portals_stop_screen_share (cs_device_settings_get_portals (self->settings));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

/* TRUE also while the desktop asks what to share: the toggle stays pressed meanwhile. */
gboolean
cs_call_devices_get_sharing_screen (CsCallDevices *self)
{
  g_return_val_if_fail (CS_IS_CALL_DEVICES (self), FALSE);

  return self->share_cancellable != NULL || cs_call_get_sharing_screen (self->call);
}
