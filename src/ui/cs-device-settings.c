/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-device-settings"

#include "config.h"

#include "cs-device-settings.h"
#include "cs-application.h"

#include <glib/gi18n.h>

struct _CsDeviceSettings
{
  GObject parent_instance;

  GSettings *settings;
  CsPortals *portals;
  CsDevices *devices;
  /* In a sandbox, the cameras until the Camera portal gives its own: none. */
  GListStore *no_cameras;
  gboolean portal_cameras;
  GCancellable *cancellable;
  gboolean asked_cameras;
  gboolean requesting_cameras;
  char *camera_problem;
};

G_DEFINE_FINAL_TYPE (CsDeviceSettings, cs_device_settings, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DEVICES,
  PROP_REQUESTING_CAMERAS,
  PROP_CAMERA_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
settings_key (CsDeviceKind kind)
{
  switch (kind)
    {
    case CS_DEVICE_CAMERA:
      return "camera";
    case CS_DEVICE_MICROPHONE:
      return "microphone";
    case CS_DEVICE_SPEAKERS:
    default:
      return "speakers";
    }
}

static void
set_camera_problem (CsDeviceSettings *self, const char *problem)
{
  if (g_strcmp0 (self->camera_problem, problem) == 0)
    return;

  g_free (self->camera_problem);
  self->camera_problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_PROBLEM]);
}

static void
on_cameras_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsDeviceSettings) self = user_data;
  g_autoptr (GError) error = NULL;
  int fd = -1;

  if (!cs_portals_open_cameras_finish (CS_PORTALS (source), result, &fd, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_camera_problem (self, error->message);
    }
  else if (fd >= 0)
    {
      /* The portal's remote lists the cameras it allows; sound devices stay as they are. */
      g_clear_object (&self->devices);
      self->devices = cs_devices_new (fd);
      self->portal_cameras = TRUE;
      set_camera_problem (self, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICES]);
    }

  self->requesting_cameras = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTING_CAMERAS]);
}

static void
cs_device_settings_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsDeviceSettings *self = CS_DEVICE_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_DEVICES:
      g_value_set_object (value, cs_device_settings_get_devices (self));
      break;
    case PROP_REQUESTING_CAMERAS:
      g_value_set_boolean (value, self->requesting_cameras);
      break;
    case PROP_CAMERA_PROBLEM:
      g_value_set_string (value, self->camera_problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_device_settings_dispose (GObject *object)
{
  CsDeviceSettings *self = CS_DEVICE_SETTINGS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->devices);
  g_clear_object (&self->no_cameras);
  g_clear_object (&self->portals);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_device_settings_parent_class)->dispose (object);
}

static void
cs_device_settings_finalize (GObject *object)
{
  CsDeviceSettings *self = CS_DEVICE_SETTINGS (object);

  g_free (self->camera_problem);

  G_OBJECT_CLASS (cs_device_settings_parent_class)->finalize (object);
}

static void
cs_device_settings_class_init (CsDeviceSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_device_settings_get_property;
  object_class->dispose = cs_device_settings_dispose;
  object_class->finalize = cs_device_settings_finalize;

  properties[PROP_DEVICES] = g_param_spec_object ("devices", NULL, NULL, CS_TYPE_DEVICES, flags);
  properties[PROP_REQUESTING_CAMERAS] =
    g_param_spec_boolean ("requesting-cameras", NULL, NULL, FALSE, flags);
  properties[PROP_CAMERA_PROBLEM] = g_param_spec_string ("camera-problem", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_device_settings_init (CsDeviceSettings *self)
{
  self->cancellable = g_cancellable_new ();
  self->no_cameras = g_list_store_new (GST_TYPE_DEVICE);
}

CsDeviceSettings *
cs_device_settings_new (GSettings *settings, CsPortals *portals)
{
  CsDeviceSettings *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (CS_IS_PORTALS (portals), NULL);

  self = g_object_new (CS_TYPE_DEVICE_SETTINGS, NULL);
  self->settings = g_object_ref (settings);
  self->portals = g_object_ref (portals);
  return self;
}

CsDeviceSettings *
cs_device_settings_get_default (void)
{
  static CsDeviceSettings *without_app;
  GApplication *application = g_application_get_default ();
  CsDeviceSettings *device_settings;

  /* One per run of the app, on the app's own settings object, so that both see each other's
   * changes at once; it goes with the app. */
  if (CS_IS_APPLICATION (application))
    {
      device_settings = g_object_get_data (G_OBJECT (application), "cs-device-settings");
      if (device_settings == NULL)
        {
          device_settings =
            cs_device_settings_new (cs_application_get_settings (CS_APPLICATION (application)),
                                    cs_portals_get_default ());
          g_object_set_data_full (G_OBJECT (application), "cs-device-settings", device_settings,
                                  g_object_unref);
        }
      return device_settings;
    }

  if (without_app == NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);

      without_app = cs_device_settings_new (settings, cs_portals_get_default ());
    }
  return without_app;
}

GSettings *
cs_device_settings_get_settings (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  return self->settings;
}

CsPortals *
cs_device_settings_get_portals (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  return self->portals;
}

CsDevices *
cs_device_settings_get_devices (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  /* Made on first use: an app that never calls never watches devices. In a sandbox, the
   * sound devices until the Camera portal brings the cameras. */
  if (self->devices == NULL)
    self->devices = cs_devices_new (-1);
  return self->devices;
}

void
cs_device_settings_request_cameras (CsDeviceSettings *self, GtkWindow *parent)
{
  g_return_if_fail (CS_IS_DEVICE_SETTINGS (self));

  if (!cs_portals_get_sandboxed (self->portals) || self->asked_cameras)
    return;

  self->asked_cameras = TRUE;
  self->requesting_cameras = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTING_CAMERAS]);
  cs_portals_open_cameras_async (self->portals, parent, self->cancellable, on_cameras_opened,
                                 g_object_ref (self));
}

gboolean
cs_device_settings_get_requesting_cameras (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), FALSE);

  return self->requesting_cameras;
}

const char *
cs_device_settings_get_camera_problem (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  return self->camera_problem;
}

/* A sandboxed app may use only the cameras the Camera portal gives. */
static gboolean
cameras_withheld (CsDeviceSettings *self, CsDeviceKind kind)
{
  return kind == CS_DEVICE_CAMERA && cs_portals_get_sandboxed (self->portals) &&
         !self->portal_cameras;
}

GListModel *
cs_device_settings_get_model (CsDeviceSettings *self, CsDeviceKind kind)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  if (cameras_withheld (self, kind))
    return G_LIST_MODEL (self->no_cameras);
  return cs_devices_get_model (cs_device_settings_get_devices (self), kind);
}

GstDevice *
cs_device_settings_choose (CsDeviceSettings *self, CsDeviceKind kind)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), NULL);

  if (cameras_withheld (self, kind))
    return NULL;
  id = g_settings_get_string (self->settings, settings_key (kind));
  return cs_devices_choose (cs_device_settings_get_devices (self), kind, *id != '\0' ? id : NULL);
}

void
cs_device_settings_set_choice (CsDeviceSettings *self, CsDeviceKind kind, GstDevice *device)
{
  g_autofree char *id = NULL;

  g_return_if_fail (CS_IS_DEVICE_SETTINGS (self));
  g_return_if_fail (device == NULL || GST_IS_DEVICE (device));

  if (device != NULL)
    id = cs_devices_dup_id (device);
  g_settings_set_string (self->settings, settings_key (kind), id != NULL ? id : "");
}

gboolean
cs_device_settings_get_uses_call_defaults (CsDeviceSettings *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (self), FALSE);

  return g_strcmp0 (g_getenv ("COUSINADE_MEDIA"), "test") == 0 &&
         g_getenv ("COUSINADE_TEST_DEVICES") == NULL;
}

void
cs_device_settings_apply (CsDeviceSettings *self, CsCall *call)
{
  g_return_if_fail (CS_IS_DEVICE_SETTINGS (self));
  g_return_if_fail (CS_IS_CALL (call));

  if (cs_call_get_state (call) == CS_CALL_STATE_IDLE)
    cs_call_set_echo_cancellation (call,
                                   g_settings_get_boolean (self->settings, "echo-cancellation"));
  if (cs_device_settings_get_uses_call_defaults (self))
    return;

  for (CsDeviceKind kind = CS_DEVICE_CAMERA; kind <= CS_DEVICE_SPEAKERS; kind++)
    {
      GstDevice *device = cs_device_settings_choose (self, kind);
      g_autofree char *name = device != NULL ? gst_device_get_display_name (device) : NULL;

      g_debug ("%s: %s", settings_key (kind), name != NULL ? name : "none");
      if (kind == CS_DEVICE_CAMERA)
        cs_call_set_camera (call, device);
      else if (kind == CS_DEVICE_MICROPHONE)
        cs_call_set_microphone (call, device);
      else
        cs_call_set_speakers (call, device);
    }
}
