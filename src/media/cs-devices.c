/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-devices"

#include "config.h"

#include "cs-devices.h"

#include "cs-media-elements.h"

#include <string.h>
#include <unistd.h>

/*
 * The device providers are started one by one (not through a GstDeviceMonitor, which hides
 * PulseAudio and V4L2 whenever PipeWire runs, even when PipeWire offers no camera): what they
 * post is posted again on a bus of our own, read on the main context, and every change
 * rebuilds the three lists from what the providers hold. For each kind, only the devices of
 * the most preferred family that has one are listed: a microphone is seen by PipeWire,
 * PulseAudio and ALSA alike, and should be offered once.
 */

#define TEST_PROVIDER "cstestdeviceprovider"
#define PIPEWIRE_PROVIDER "pipewiredeviceprovider"

struct _CsDevices
{
  GObject parent_instance;

  int pipewire_fd;
  GPtrArray *providers;
  GArray *handlers;
  GstBus *bus;
  guint bus_watch;
  GListStore *lists[3];
};

G_DEFINE_FINAL_TYPE (CsDevices, cs_devices, G_TYPE_OBJECT)

enum
{
  CHANGED,
  REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const kind_classes[] = { "Video/Source", "Audio/Source", "Audio/Sink" };

static gboolean
kind_of (GstDevice *device, CsDeviceKind *kind)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);
  const char *device_class =
    properties != NULL ? gst_structure_get_string (properties, "device.class") : NULL;

  /* PulseAudio lists what each speaker plays as a microphone of its own. */
  if (g_strcmp0 (device_class, "monitor") == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    if (gst_device_has_classes (device, kind_classes[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/* "pipewire" for GstPipeWireDevice, "v4l2" for GstV4l2Device, "cstest" for CsTestDevice. */
static char *
dup_family (GstDevice *device)
{
  const char *type_name = G_OBJECT_TYPE_NAME (device);
  g_autofree char *family = NULL;

  if (g_str_has_prefix (type_name, "Gst"))
    type_name += 3;
  family = g_strdup (type_name);
  if (g_str_has_suffix (family, "Device"))
    family[strlen (family) - strlen ("Device")] = '\0';
  return g_ascii_strdown (family, -1);
}

/* Lower is preferred. */
static guint
family_rank (const char *family)
{
  if (g_str_equal (family, "pipewire"))
    return 0;
  /* ALSA sees the same sound cards as PulseAudio, without their names; uvch264 the same
   * cameras as V4L2. */
  if (g_str_equal (family, "alsa") || g_str_equal (family, "uvch264"))
    return 2;
  return 1;
}

static gboolean
is_default (GstDevice *device)
{
  g_autoptr (GstStructure) properties = gst_device_get_properties (device);
  gboolean value = FALSE;

  return properties != NULL && gst_structure_get_boolean (properties, "is-default", &value) &&
         value;
}

static gint
compare_default_first (gconstpointer a, gconstpointer b)
{
  return (int) is_default (*(GstDevice **) b) - (int) is_default (*(GstDevice **) a);
}

static gboolean
same_devices (GListModel *model, GPtrArray *devices)
{
  guint n = g_list_model_get_n_items (model);

  if (n != devices->len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (model, i);

      if (device != g_ptr_array_index (devices, i))
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_id (GPtrArray *devices, const char *id)
{
  for (guint i = 0; i < devices->len; i++)
    {
      g_autofree char *other = cs_devices_dup_id (g_ptr_array_index (devices, i));

      if (g_str_equal (id, other))
        return TRUE;
    }
  return FALSE;
}

static void
refresh (CsDevices *self)
{
  GPtrArray *found[3];
  guint best[3] = { G_MAXUINT, G_MAXUINT, G_MAXUINT };

  for (guint k = 0; k < 3; k++)
    found[k] = g_ptr_array_new_with_free_func (gst_object_unref);

  for (guint p = 0; p < self->providers->len; p++)
    {
      GList *devices = gst_device_provider_get_devices (g_ptr_array_index (self->providers, p));

      for (GList *l = devices; l != NULL; l = l->next)
        {
          GstDevice *device = l->data;
          g_autofree char *family = dup_family (device);
          CsDeviceKind kind;

          if (!kind_of (device, &kind))
            continue;
          /* The Camera portal's cameras are the only ones this sandbox may use. */
          if (kind == CS_DEVICE_CAMERA && self->pipewire_fd >= 0 &&
              !g_str_equal (family, "pipewire"))
            continue;
          best[kind] = MIN (best[kind], family_rank (family));
          g_ptr_array_add (found[kind], gst_object_ref (device));
        }
      g_list_free_full (devices, gst_object_unref);
    }

  for (guint k = 0; k < 3; k++)
    {
      GListModel *model = G_LIST_MODEL (self->lists[k]);
      g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (gst_object_unref);
      g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < found[k]->len; i++)
        {
          GstDevice *device = g_ptr_array_index (found[k], i);
          g_autofree char *family = dup_family (device);
          char *id;

          if (family_rank (family) != best[k])
            continue;
          id = cs_devices_dup_id (device);
          if (!g_hash_table_add (ids, id))
            continue;
          g_ptr_array_add (listed, gst_object_ref (device));
        }
      g_ptr_array_sort (listed, compare_default_first);
      if (same_devices (model, listed))
        continue;

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr (GstDevice) device = g_list_model_get_item (model, i);
          char *id = cs_devices_dup_id (device);

          if (!has_id (listed, id))
            g_ptr_array_add (gone, id);
          else
            g_free (id);
        }
      g_list_store_splice (self->lists[k], 0, g_list_model_get_n_items (model), listed->pdata,
                           listed->len);
      for (guint i = 0; i < gone->len; i++)
        g_signal_emit (self, signals[REMOVED], 0, (int) k,
                       (const char *) g_ptr_array_index (gone, i));
      g_signal_emit (self, signals[CHANGED], 0, (int) k);
    }

  for (guint k = 0; k < 3; k++)
    g_ptr_array_unref (found[k]);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CsDevices *self = CS_DEVICES (user_data);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
    case GST_MESSAGE_DEVICE_REMOVED:
    case GST_MESSAGE_DEVICE_CHANGED:
      refresh (self);
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* On the provider's thread: handed over to our bus, read on the main context. */
static void
unref_bus (gpointer data, GClosure *closure)
{
  gst_object_unref (data);
}

static void
on_provider_message (GstBus *provider_bus, GstMessage *message, gpointer user_data)
{
  GstBus *bus = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
    case GST_MESSAGE_DEVICE_REMOVED:
    case GST_MESSAGE_DEVICE_CHANGED:
      gst_bus_post (bus, gst_message_ref (message));
      break;
    default:
      break;
    }
}

static gboolean
is_wanted_factory (GstDeviceProviderFactory *factory)
{
  const char *name = GST_OBJECT_NAME (factory);
  const char *klass = gst_device_provider_factory_get_metadata (factory, "klass");

  if (cs_media_use_test_devices ())
    return g_str_equal (name, TEST_PROVIDER);
  if (g_str_equal (name, TEST_PROVIDER) || klass == NULL)
    return FALSE;
  return strstr (klass, "Video/Source") != NULL || strstr (klass, "Audio") != NULL;
}

/* PipeWire's provider runs once for the process, never stopped but to move to another remote
 * (see cs_devices_dispose()): on the computer's own PipeWire, or on the last remote the Camera
 * portal gave. */
static gboolean
start_pipewire (GstDeviceProvider *provider, int fd)
{
  static gboolean started;
  static gboolean on_portal_remote;

  if (started && !on_portal_remote && fd < 0)
    return TRUE;
  if (started)
    gst_device_provider_stop (provider);
  started = FALSE;
  g_object_set (provider, "fd", fd, NULL);
  if (!gst_device_provider_start (provider))
    return FALSE;
  started = TRUE;
  on_portal_remote = fd >= 0;
  return TRUE;
}

static void
start_provider (CsDevices *self, GstDeviceProviderFactory *factory)
{
  g_autoptr (GstDeviceProvider) provider = gst_device_provider_factory_get (factory);
  g_autoptr (GstBus) provider_bus = NULL;
  gulong handler;

  if (provider == NULL)
    return;

  provider_bus = gst_device_provider_get_bus (provider);
  gst_bus_enable_sync_message_emission (provider_bus);
  handler = g_signal_connect_data (provider_bus, "sync-message", G_CALLBACK (on_provider_message),
                                   gst_object_ref (self->bus), unref_bus, 0);
  if (g_str_equal (GST_OBJECT_NAME (factory), PIPEWIRE_PROVIDER)
        ? !start_pipewire (provider, self->pipewire_fd)
        : !gst_device_provider_start (provider))
    {
      g_debug ("The %s device provider did not start", GST_OBJECT_NAME (factory));
      g_signal_handler_disconnect (provider_bus, handler);
      gst_bus_disable_sync_message_emission (provider_bus);
      return;
    }
  g_ptr_array_add (self->providers, g_steal_pointer (&provider));
  g_array_append_val (self->handlers, handler);
}

static void
cs_devices_dispose (GObject *object)
{
  CsDevices *self = CS_DEVICES (object);

  for (guint i = 0; self->providers != NULL && i < self->providers->len; i++)
    {
      GstDeviceProvider *provider = g_ptr_array_index (self->providers, i);
      g_autoptr (GstBus) provider_bus = gst_device_provider_get_bus (provider);

      g_signal_handler_disconnect (provider_bus, g_array_index (self->handlers, gulong, i));
      gst_bus_disable_sync_message_emission (provider_bus);
      /* PipeWire's keeps running for the process (the next CsDevices finds it started):
       * stopping it corrupts the heap now and then as its thread ends (PipeWire 0.3.65,
       * "tcache_thread_shutdown(): unaligned tcache chunk detected", in 3 runs of 11 of
       * test-pipewire-devices). */
      if (!g_str_equal (GST_OBJECT_NAME (gst_device_provider_get_factory (provider)),
                        PIPEWIRE_PROVIDER))
        gst_device_provider_stop (provider);
    }
  for (guint k = 0; k < 3; k++)
    g_clear_object (&self->lists[k]);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->handlers, g_array_unref);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  gst_clear_object (&self->bus);
  if (self->pipewire_fd >= 0)
    close (self->pipewire_fd);
  self->pipewire_fd = -1;

  G_OBJECT_CLASS (cs_devices_parent_class)->dispose (object);
}

static void
cs_devices_class_init (CsDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_devices_dispose;

  /* (CsDeviceKind kind): a device of that kind came or went. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* (CsDeviceKind kind, const char *id): that device is no longer listed (unplugged). */
  signals[REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
cs_devices_init (CsDevices *self)
{
  self->pipewire_fd = -1;
  self->providers = g_ptr_array_new_with_free_func (gst_object_unref);
  self->handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  for (guint k = 0; k < 3; k++)
    self->lists[k] = g_list_store_new (GST_TYPE_DEVICE);
}

CsDevices *
cs_devices_new (int pipewire_fd)
{
  CsDevices *self = g_object_new (CS_TYPE_DEVICES, NULL);
  GList *factories;

  self->pipewire_fd = pipewire_fd;
  self->bus = gst_bus_new ();
  self->bus_watch = gst_bus_add_watch (self->bus, on_bus_message, self);

  factories = gst_device_provider_factory_list_get_device_providers (GST_RANK_NONE);
  for (GList *l = factories; l != NULL; l = l->next)
    if (is_wanted_factory (l->data))
      start_provider (self, l->data);
  gst_plugin_feature_list_free (factories);

  refresh (self);
  return self;
}

GListModel *
cs_devices_get_model (CsDevices *self, CsDeviceKind kind)
{
  g_return_val_if_fail (CS_IS_DEVICES (self), NULL);
  g_return_val_if_fail (kind <= CS_DEVICE_SPEAKERS, NULL);

  return G_LIST_MODEL (self->lists[kind]);
}

GstDevice *
cs_devices_find (CsDevices *self, CsDeviceKind kind, const char *id)
{
  GListModel *model;

  g_return_val_if_fail (CS_IS_DEVICES (self), NULL);
  g_return_val_if_fail (kind <= CS_DEVICE_SPEAKERS, NULL);

  if (id == NULL)
    return NULL;
  model = G_LIST_MODEL (self->lists[kind]);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (model, i);
      g_autofree char *device_id = cs_devices_dup_id (device);

      /* The list holds its own reference. */
      if (g_str_equal (device_id, id))
        return device;
    }
  return NULL;
}

GstDevice *
cs_devices_choose (CsDevices *self, CsDeviceKind kind, const char *id)
{
  GstDevice *device;
  g_autoptr (GstDevice) first = NULL;

  g_return_val_if_fail (CS_IS_DEVICES (self), NULL);
  g_return_val_if_fail (kind <= CS_DEVICE_SPEAKERS, NULL);

  device = cs_devices_find (self, kind, id);
  if (device != NULL)
    return device;
  first = g_list_model_get_item (G_LIST_MODEL (self->lists[kind]), 0);
  return first;
}

char *
cs_devices_dup_id (GstDevice *device)
{
  static const char *const keys[] = { "node.name", "object.path", "device.path" };
  g_autoptr (GstStructure) properties = NULL;
  g_autofree char *family = NULL;
  g_autofree char *internal_name = NULL;
  g_autofree char *display_name = NULL;
  const char *stable = NULL;

  g_return_val_if_fail (GST_IS_DEVICE (device), NULL);

  family = dup_family (device);
  properties = gst_device_get_properties (device);
  for (guint i = 0; properties != NULL && stable == NULL && i < G_N_ELEMENTS (keys); i++)
    stable = gst_structure_get_string (properties, keys[i]);
  /* PulseAudio's and ALSA's own names for a source or a sink. */
  if (stable == NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name") != NULL)
    {
      g_object_get (device, "internal-name", &internal_name, NULL);
      stable = internal_name;
    }
  if (stable == NULL)
    {
      display_name = gst_device_get_display_name (device);
      stable = display_name;
    }
  return g_strdup_printf ("%s:%s", family, stable);
}
