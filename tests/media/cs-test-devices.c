/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-test-devices"

#include "config.h"

#include <gio/gio.h>
#include <gst/gst.h>
#include <string.h>

/*
 * A GStreamer plugin with a device provider of cameras, microphones and speakers for tests
 * (GST_PLUGIN_PATH=<this build directory>). COUSINADE_TEST_DEVICES names a key file with one
 * group per device:
 *
 *   [front]
 *   kind=camera            camera, microphone or speakers
 *   name=Front Camera      what the user sees
 *   pattern=smpte          cameras: a videotestsrc pattern
 *   freq=440               microphones: a tone, Hz
 *   wave=pink-noise        microphones: an audiotestsrc wave (sine by default)
 *   volume=0.3             microphones
 *   bursts=300,200         microphones: sound for 300 ms, silence for 200 ms, and again (speech
 *                          comes in bursts, which noise suppression does not take for noise)
 *
 * The file is watched: a group added is a device plugged in, a group removed one unplugged.
 * Like a real unplugged camera, the elements made from a removed device fail: they post an
 * error and stop.
 */

#define CS_TYPE_TEST_DEVICE (cs_test_device_get_type ())
G_DECLARE_FINAL_TYPE (CsTestDevice, cs_test_device, CS, TEST_DEVICE, GstDevice)

#define CS_TYPE_TEST_DEVICE_PROVIDER (cs_test_device_provider_get_type ())
G_DECLARE_FINAL_TYPE (CsTestDeviceProvider,
                      cs_test_device_provider,
                      CS,
                      TEST_DEVICE_PROVIDER,
                      GstDeviceProvider)

/* Shared by a device and the elements made from it, which may outlive it. */
typedef struct
{
  gint unplugged;
  guint on_ms;
  guint off_ms;
} Plug;

struct _CsTestDevice
{
  GstDevice parent_instance;

  char *group;
  char *kind;
  char *description;
  char *pattern;
  char *wave;
  double freq;
  double volume;
  Plug *plug;
};

G_DEFINE_FINAL_TYPE (CsTestDevice, cs_test_device, GST_TYPE_DEVICE)

struct _CsTestDeviceProvider
{
  GstDeviceProvider parent_instance;

  GFileMonitor *monitor;
  /* group name -> CsTestDevice */
  GHashTable *devices;
};

G_DEFINE_FINAL_TYPE (CsTestDeviceProvider, cs_test_device_provider, GST_TYPE_DEVICE_PROVIDER)

static GstPadProbeReturn
on_source_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Plug *plug = user_data;
  g_autoptr (GstElement) element = NULL;

  if (!g_atomic_int_get (&plug->unplugged))
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime pts = GST_BUFFER_PTS (buffer);

      if (plug->on_ms > 0 && GST_CLOCK_TIME_IS_VALID (pts) &&
          (pts / GST_MSECOND) % (plug->on_ms + plug->off_ms) >= plug->on_ms)
        {
          /* Zero is silence in every raw audio format a test source makes here. */
          buffer = gst_buffer_make_writable (buffer);
          gst_buffer_memset (buffer, 0, 0, gst_buffer_get_size (buffer));
          GST_PAD_PROBE_INFO_DATA (info) = buffer;
        }
      return GST_PAD_PROBE_OK;
    }

  /* As a camera's driver does when it is pulled out: an error, and the stream stops. */
  element = gst_pad_get_parent_element (pad);
  GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND, ("The device was unplugged."), (NULL));
  gst_mini_object_unref (GST_PAD_PROBE_INFO_DATA (info));
  GST_PAD_PROBE_INFO_DATA (info) = NULL;
  GST_PAD_PROBE_INFO_FLOW_RETURN (info) = GST_FLOW_ERROR;
  return GST_PAD_PROBE_HANDLED;
}

static void
set_enum_nick (GstElement *element, const char *property, const char *nick)
{
  if (nick != NULL)
    gst_util_set_object_arg (G_OBJECT (element), property, nick);
}

static GstElement *
cs_test_device_create_element (GstDevice *device, const char *name)
{
  CsTestDevice *self = CS_TEST_DEVICE (device);
  GstElement *element;
  g_autoptr (GstPad) pad = NULL;

  if (g_str_equal (self->kind, "speakers"))
    {
      element = gst_element_factory_make ("fakesink", name);
      g_object_set (element, "sync", TRUE, NULL);
      return element;
    }

  if (g_str_equal (self->kind, "camera"))
    {
      element = gst_element_factory_make ("videotestsrc", name);
      g_object_set (element, "is-live", TRUE, NULL);
      set_enum_nick (element, "pattern", self->pattern);
    }
  else
    {
      element = gst_element_factory_make ("audiotestsrc", name);
      g_object_set (element, "is-live", TRUE, "freq", self->freq, "volume", self->volume, NULL);
      set_enum_nick (element, "wave", self->wave);
    }

  pad = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_source_buffer,
                     g_atomic_rc_box_acquire (self->plug),
                     (GDestroyNotify) g_atomic_rc_box_release);
  return element;
}

static void
cs_test_device_finalize (GObject *object)
{
  CsTestDevice *self = CS_TEST_DEVICE (object);

  g_free (self->group);
  g_free (self->kind);
  g_free (self->description);
  g_free (self->pattern);
  g_free (self->wave);
  g_atomic_rc_box_release (self->plug);

  G_OBJECT_CLASS (cs_test_device_parent_class)->finalize (object);
}

static void
cs_test_device_class_init (CsTestDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstDeviceClass *device_class = GST_DEVICE_CLASS (klass);

  object_class->finalize = cs_test_device_finalize;
  device_class->create_element = cs_test_device_create_element;
}

static void
cs_test_device_init (CsTestDevice *self)
{
  self->plug = g_atomic_rc_box_new0 (Plug);
}

static const char *
device_class_for (const char *kind)
{
  if (g_strcmp0 (kind, "camera") == 0)
    return "Video/Source";
  if (g_strcmp0 (kind, "microphone") == 0)
    return "Audio/Source";
  if (g_strcmp0 (kind, "speakers") == 0)
    return "Audio/Sink";
  return NULL;
}

static CsTestDevice *
device_from_group (GKeyFile *key_file, const char *group)
{
  g_autofree char *kind = g_key_file_get_string (key_file, group, "kind", NULL);
  g_autofree char *name = g_key_file_get_string (key_file, group, "name", NULL);
  const char *device_class = device_class_for (kind);
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstStructure) properties = NULL;
  g_autofree char *node_name = g_strdup_printf ("cs-test.%s", group);
  CsTestDevice *device;

  if (device_class == NULL)
    {
      g_warning ("Test device [%s] has no kind (camera, microphone or speakers)", group);
      return NULL;
    }
  caps = gst_caps_new_empty_simple (g_str_equal (kind, "camera") ? "video/x-raw" : "audio/x-raw");
  properties = gst_structure_new ("cs-test-device", "node.name", G_TYPE_STRING, node_name, NULL);
  device =
    g_object_new (CS_TYPE_TEST_DEVICE, "display-name", name != NULL ? name : group, "device-class",
                  device_class, "caps", caps, "properties", properties, NULL);
  device->group = g_strdup (group);
  device->kind = g_steal_pointer (&kind);
  device->pattern = g_key_file_get_string (key_file, group, "pattern", NULL);
  device->wave = g_key_file_get_string (key_file, group, "wave", NULL);
  device->freq = g_key_file_has_key (key_file, group, "freq", NULL)
                   ? g_key_file_get_double (key_file, group, "freq", NULL)
                   : 440;
  device->volume = g_key_file_has_key (key_file, group, "volume", NULL)
                     ? g_key_file_get_double (key_file, group, "volume", NULL)
                     : 0.3;
  if (g_key_file_has_key (key_file, group, "bursts", NULL))
    {
      g_autofree char *bursts = g_key_file_get_string (key_file, group, "bursts", NULL);
      const char *comma = strchr (bursts, ',');

      device->plug->on_ms = (guint) g_ascii_strtoull (bursts, NULL, 10);
      device->plug->off_ms = comma != NULL ? (guint) g_ascii_strtoull (comma + 1, NULL, 10) : 0;
    }
  /* What makes it the same device after the file is read again. */
  device->description =
    g_strdup_printf ("%s|%s|%s|%s|%g|%g|%u|%u", device->kind, name, device->pattern, device->wave,
                     device->freq, device->volume, device->plug->on_ms, device->plug->off_ms);
  return device;
}

/* The devices the file describes now, in its order (group name -> device). */
static GPtrArray *
read_devices (void)
{
  const char *path = g_getenv ("COUSINADE_TEST_DEVICES");
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = NULL;
  GPtrArray *devices = g_ptr_array_new_with_free_func (gst_object_unref);

  if (path == NULL)
    return devices;
  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_message ("Could not read the test devices: %s", error->message);
      return devices;
    }
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      CsTestDevice *device = device_from_group (key_file, groups[i]);

      if (device != NULL)
        g_ptr_array_add (devices, gst_object_ref_sink (device));
    }
  return devices;
}

static void
unplug (CsTestDeviceProvider *self, CsTestDevice *device)
{
  g_atomic_int_set (&device->plug->unplugged, TRUE);
  gst_device_provider_device_remove (GST_DEVICE_PROVIDER (self), GST_DEVICE (device));
}

static void
reload (CsTestDeviceProvider *self)
{
  g_autoptr (GPtrArray) devices = read_devices ();
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < devices->len; i++)
    {
      CsTestDevice *device = g_ptr_array_index (devices, i);

      g_hash_table_add (present, device->group);
    }

  /* Gone, or changed (unplugged, then plugged in again as it is now). */
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CsTestDevice *old = value;
      gboolean changed = TRUE;

      for (guint i = 0; i < devices->len; i++)
        {
          CsTestDevice *device = g_ptr_array_index (devices, i);

          if (g_str_equal (device->group, old->group))
            changed = !g_str_equal (device->description, old->description);
        }
      if (changed)
        {
          unplug (self, old);
          g_hash_table_iter_remove (&iter);
        }
    }

  for (guint i = 0; i < devices->len; i++)
    {
      CsTestDevice *device = g_ptr_array_index (devices, i);

      if (g_hash_table_contains (self->devices, device->group))
        continue;
      g_hash_table_insert (self->devices, device->group, gst_object_ref (device));
      gst_device_provider_device_add (GST_DEVICE_PROVIDER (self), GST_DEVICE (device));
    }
}

static void
on_file_changed (GFileMonitor *monitor,
                 GFile *file,
                 GFile *other_file,
                 GFileMonitorEvent event,
                 gpointer user_data)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT || event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_MOVED_IN ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    reload (CS_TEST_DEVICE_PROVIDER (user_data));
}

static GList *
cs_test_device_provider_probe (GstDeviceProvider *provider)
{
  g_autoptr (GPtrArray) devices = read_devices ();
  GList *list = NULL;

  for (guint i = devices->len; i > 0; i--)
    list = g_list_prepend (list, gst_object_ref (g_ptr_array_index (devices, i - 1)));
  return list;
}

static gboolean
cs_test_device_provider_start (GstDeviceProvider *provider)
{
  CsTestDeviceProvider *self = CS_TEST_DEVICE_PROVIDER (provider);
  const char *path = g_getenv ("COUSINADE_TEST_DEVICES");
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  if (path != NULL)
    {
      file = g_file_new_for_path (path);
      self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (self->monitor == NULL)
        g_message ("Cannot watch %s: %s", path, error->message);
      else
        g_signal_connect (self->monitor, "changed", G_CALLBACK (on_file_changed), self);
    }
  reload (self);
  return TRUE;
}

static void
cs_test_device_provider_stop (GstDeviceProvider *provider)
{
  CsTestDeviceProvider *self = CS_TEST_DEVICE_PROVIDER (provider);
  GHashTableIter iter;
  gpointer value;

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gst_device_provider_device_remove (provider, GST_DEVICE (value));
  g_hash_table_remove_all (self->devices);
}

static void
cs_test_device_provider_finalize (GObject *object)
{
  CsTestDeviceProvider *self = CS_TEST_DEVICE_PROVIDER (object);

  g_clear_object (&self->monitor);
  g_hash_table_unref (self->devices);

  G_OBJECT_CLASS (cs_test_device_provider_parent_class)->finalize (object);
}

static void
cs_test_device_provider_class_init (CsTestDeviceProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstDeviceProviderClass *provider_class = GST_DEVICE_PROVIDER_CLASS (klass);

  object_class->finalize = cs_test_device_provider_finalize;
  provider_class->probe = cs_test_device_provider_probe;
  provider_class->start = cs_test_device_provider_start;
  provider_class->stop = cs_test_device_provider_stop;
  gst_device_provider_class_set_static_metadata (provider_class, "Cousinade test devices",
                                                 "Video/Source/Audio/Source/Audio/Sink",
                                                 "Test cameras, microphones and speakers",
                                                 "Cousinade");
}

static void
cs_test_device_provider_init (CsTestDeviceProvider *self)
{
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, gst_object_unref);
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_device_provider_register (plugin, "cstestdeviceprovider", GST_RANK_NONE,
                                       CS_TYPE_TEST_DEVICE_PROVIDER);
}

/* The plugin's source module, which GST_PLUGIN_DEFINE() records. */
#define PACKAGE "cousinade"
GST_PLUGIN_DEFINE (GST_VERSION_MAJOR,
                   GST_VERSION_MINOR,
                   cstestdevices,
                   "Test cameras, microphones and speakers for Cousinade's tests",
                   plugin_init,
                   "0.1",
                   "GPL",
                   "cousinade",
                   "https://github.com/cousinade")
