/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-devices"

#include "config.h"

#include "cs-call.h"
#include "cs-call-private.h"
#include "cs-devices.h"
#include "cs-local-hub.h"
#include "cs-local-signaling.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

/*
 * CsDevices and CsCall's devices against the test device provider (cs-test-devices.c), whose
 * devices come and go as the test edits their file: what the chooser lists, the identifiers
 * the settings keep, hot-plug, and a camera pulled out of a running call.
 */

#define TIMEOUT_MS 5000

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static const char *const initial_devices =
  "[front]\nkind=camera\nname=Front Camera\npattern=smpte\n\n"
  "[back]\nkind=camera\nname=Back Camera\npattern=ball\n\n"
  "[mic]\nkind=microphone\nname=Desk Microphone\nfreq=440\n\n"
  "[speakers]\nkind=speakers\nname=Desk Speakers\n";

static void
write_devices (Fixture *fixture, const char *contents)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (fixture->path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cs-devices-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "devices.ini", NULL);
  write_devices (fixture, initial_devices);
  g_setenv ("COUSINADE_TEST_DEVICES", fixture->path, TRUE);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_remove (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
display_name_at (CsDevices *devices, CsDeviceKind kind, guint position)
{
  g_autoptr (GstDevice) device =
    g_list_model_get_item (cs_devices_get_model (devices, kind), position);

  return device != NULL ? gst_device_get_display_name (device) : NULL;
}

static guint
n_devices (CsDevices *devices, CsDeviceKind kind)
{
  return g_list_model_get_n_items (cs_devices_get_model (devices, kind));
}

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@flag is set, or fails after TIMEOUT_MS. */
static void
wait_for (gboolean *flag, const char *what)
{
  gboolean late = FALSE;
  guint id = g_timeout_add (TIMEOUT_MS, timed_out, &late);

  while (!*flag && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (id);
  if (!*flag)
    g_error ("Waited %d ms for %s", TIMEOUT_MS, what);
}

typedef struct
{
  gboolean changed[3];
  char *removed_id;
  int removed_kind;
} Seen;

static void
on_changed (CsDevices *devices, int kind, Seen *seen)
{
  seen->changed[kind] = TRUE;
}

static void
on_removed (CsDevices *devices, int kind, const char *id, Seen *seen)
{
  g_free (seen->removed_id);
  seen->removed_id = g_strdup (id);
  seen->removed_kind = kind;
}

static void
test_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsDevices) devices = cs_devices_new (-1);
  g_autoptr (CsDevices) again = NULL;
  g_autofree char *name = NULL;
  g_autofree char *front_id = NULL;
  g_autoptr (GstDevice) front = NULL;

  /* Every device of the file, under its own name, in the file's order. */
  g_assert_cmpuint (n_devices (devices, CS_DEVICE_CAMERA), ==, 2);
  g_assert_cmpuint (n_devices (devices, CS_DEVICE_MICROPHONE), ==, 1);
  g_assert_cmpuint (n_devices (devices, CS_DEVICE_SPEAKERS), ==, 1);
  name = display_name_at (devices, CS_DEVICE_CAMERA, 0);
  g_assert_cmpstr (name, ==, "Front Camera");
  g_clear_pointer (&name, g_free);
  name = display_name_at (devices, CS_DEVICE_MICROPHONE, 0);
  g_assert_cmpstr (name, ==, "Desk Microphone");
  g_clear_pointer (&name, g_free);
  name = display_name_at (devices, CS_DEVICE_SPEAKERS, 0);
  g_assert_cmpstr (name, ==, "Desk Speakers");

  /* The identifier the settings keep: the same for the same device, seen again later. */
  front = g_list_model_get_item (cs_devices_get_model (devices, CS_DEVICE_CAMERA), 0);
  front_id = cs_devices_dup_id (front);
  g_assert_cmpstr (front_id, ==, "cstest:cs-test.front");
  g_clear_object (&devices);
  again = cs_devices_new (-1);
  g_assert_nonnull (cs_devices_find (again, CS_DEVICE_CAMERA, front_id));
  g_assert_null (cs_devices_find (again, CS_DEVICE_MICROPHONE, front_id));
  g_clear_object (&front);
  g_assert_finalize_object (g_steal_pointer (&again));
}

static void
test_hotplug (Fixture *fixture, gconstpointer data)
{
  CsDevices *devices = cs_devices_new (-1);
  g_autofree char *plugged =
    g_strconcat (initial_devices, "\n[usb]\nkind=camera\nname=USB Camera\npattern=snow\n", NULL);
  g_autofree char *name = NULL;
  Seen seen = { { FALSE } };
  GstDevice *chosen;

  g_signal_connect (devices, "changed", G_CALLBACK (on_changed), &seen);
  g_signal_connect (devices, "removed", G_CALLBACK (on_removed), &seen);

  /* Plugged in: offered at once. */
  write_devices (fixture, plugged);
  wait_for (&seen.changed[CS_DEVICE_CAMERA], "the new camera");
  g_assert_cmpuint (n_devices (devices, CS_DEVICE_CAMERA), ==, 3);
  g_assert_nonnull (cs_devices_find (devices, CS_DEVICE_CAMERA, "cstest:cs-test.usb"));
  g_assert_false (seen.changed[CS_DEVICE_MICROPHONE]);

  /* Unplugged: said so, by identifier, and no longer offered. */
  seen.changed[CS_DEVICE_CAMERA] = FALSE;
  write_devices (fixture, "[back]\nkind=camera\nname=Back Camera\npattern=ball\n\n"
                          "[speakers]\nkind=speakers\nname=Desk Speakers\n\n"
                          "[usb]\nkind=camera\nname=USB Camera\npattern=snow\n");
  wait_for (&seen.changed[CS_DEVICE_MICROPHONE], "the microphone to go");
  wait_for (&seen.changed[CS_DEVICE_CAMERA], "the front camera to go");
  g_assert_cmpuint (n_devices (devices, CS_DEVICE_CAMERA), ==, 2);
  g_assert_null (cs_devices_find (devices, CS_DEVICE_CAMERA, "cstest:cs-test.front"));
  g_assert_nonnull (seen.removed_id);

  /* The user's choice when present, else the first one, else none. */
  chosen = cs_devices_choose (devices, CS_DEVICE_CAMERA, "cstest:cs-test.usb");
  name = gst_device_get_display_name (chosen);
  g_assert_cmpstr (name, ==, "USB Camera");
  g_clear_pointer (&name, g_free);
  chosen = cs_devices_choose (devices, CS_DEVICE_CAMERA, "cstest:cs-test.front");
  name = gst_device_get_display_name (chosen);
  g_assert_cmpstr (name, ==, "Back Camera");
  g_clear_pointer (&name, g_free);
  chosen = cs_devices_choose (devices, CS_DEVICE_CAMERA, NULL);
  name = gst_device_get_display_name (chosen);
  g_assert_cmpstr (name, ==, "Back Camera");
  g_assert_null (cs_devices_choose (devices, CS_DEVICE_MICROPHONE, "cstest:cs-test.mic"));
  g_assert_null (cs_devices_choose (devices, CS_DEVICE_MICROPHONE, NULL));

  g_free (seen.removed_id);
  g_assert_finalize_object (devices);
}

static void
test_removed_order (Fixture *fixture, gconstpointer data)
{
  CsDevices *devices = cs_devices_new (-1);
  Seen seen = { { FALSE } };

  g_signal_connect (devices, "changed", G_CALLBACK (on_changed), &seen);
  g_signal_connect (devices, "removed", G_CALLBACK (on_removed), &seen);
  write_devices (fixture, "[back]\nkind=camera\nname=Back Camera\npattern=ball\n\n"
                          "[mic]\nkind=microphone\nname=Desk Microphone\nfreq=440\n\n"
                          "[speakers]\nkind=speakers\nname=Desk Speakers\n");
  wait_for (&seen.changed[CS_DEVICE_CAMERA], "the front camera to go");
  g_assert_cmpint (seen.removed_kind, ==, CS_DEVICE_CAMERA);
  g_assert_cmpstr (seen.removed_id, ==, "cstest:cs-test.front");
  g_free (seen.removed_id);
  g_assert_finalize_object (devices);
}

static GstPadProbeReturn
on_buffer_played (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* Counts, for @ms, the buffers the playing speakers get (once speakers just chosen took over,
 * between two buffers). */
static guint
count_played (CsCall *call, guint ms)
{
  g_autoptr (GstIterator) sinks = NULL;
  GValue item = G_VALUE_INIT;
  gint played = 0;
  GstPad *pad = NULL;
  gulong probe = 0;
  gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  until = g_get_monotonic_time () + (gint64) ms * 1000;
  sinks = gst_bin_iterate_sinks (GST_BIN (cs_call_get_pipeline (call)));

  while (gst_iterator_next (sinks, &item) == GST_ITERATOR_OK)
    {
      GstElement *sink = g_value_get_object (&item);

      if (g_str_has_prefix (GST_ELEMENT_NAME (sink), "speakers-") && pad == NULL)
        {
          pad = gst_element_get_static_pad (sink, "sink");
          probe =
            gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer_played, &played, NULL);
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_assert_nonnull (pad);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  gst_pad_remove_probe (pad, probe);
  g_test_message ("%s played %d buffers in %u ms", GST_OBJECT_NAME (GST_OBJECT_PARENT (pad)),
                  g_atomic_int_get (&played), ms);
  gst_object_unref (pad);
  return g_atomic_int_get (&played);
}

/* A camera pulled out of a running call: the call goes on, without a camera, and says so. */
static void
test_call_camera_lost (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *socket_path = g_build_filename (fixture->dir, "hub", NULL);
  g_autoptr (CsLocalHub) hub = cs_local_hub_new (socket_path, &error);
  g_autoptr (CsDevices) devices = cs_devices_new (-1);
  g_autoptr (CsCallSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  gboolean lost = FALSE;
  gboolean in_call = FALSE;
  GstDevice *camera;

  g_assert_no_error (error);
  signaling = CS_CALL_SIGNALING (cs_local_signaling_new (socket_path, "call", "p0"));
  call = cs_call_new (signaling, "Alone");
  cs_call_set_video_size (call, 320, 180, 15);
  camera = cs_devices_find (devices, CS_DEVICE_CAMERA, "cstest:cs-test.back");
  g_assert_nonnull (camera);
  cs_call_set_camera (call, camera);
  cs_call_set_microphone (call, cs_devices_choose (devices, CS_DEVICE_MICROPHONE, NULL));
  cs_call_set_speakers (call, cs_devices_choose (devices, CS_DEVICE_SPEAKERS, NULL));
  g_signal_connect_swapped (call, "camera-lost", G_CALLBACK (timed_out), &lost);
  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);
  g_assert_true (cs_call_get_has_camera (call));

  while (cs_call_get_state (call) != CS_CALL_STATE_IN_CALL)
    g_main_context_iteration (NULL, TRUE);
  in_call = TRUE;
  /* Frames flow from the camera. */
  while (cs_call_get_frames_sent (call) < 10)
    g_main_context_iteration (NULL, TRUE);

  write_devices (fixture, "[front]\nkind=camera\nname=Front Camera\npattern=smpte\n\n"
                          "[mic]\nkind=microphone\nname=Desk Microphone\nfreq=440\n\n"
                          "[speakers]\nkind=speakers\nname=Desk Speakers\n");
  wait_for (&lost, "camera-lost");
  g_assert_false (cs_call_get_has_camera (call));
  g_assert_true (cs_call_get_has_microphone (call));
  g_assert_cmpint (cs_call_get_state (call), ==, CS_CALL_STATE_IN_CALL);

  /* Still sending pictures (black), from a new source, for everyone in the call. */
  {
    guint64 before = cs_call_get_frames_sent (call);
    gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

    while (cs_call_get_frames_sent (call) < before + 15 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (cs_call_get_frames_sent (call), >=, before + 15);
  }
  g_assert_cmpuint (cs_call_get_capture_starts (call), ==, 2);
  g_assert_cmpint (cs_call_get_state (call), ==, CS_CALL_STATE_IN_CALL);
  g_assert_true (in_call);

  /* Another camera chosen during the call: it takes over, and the call has a camera again. */
  {
    gboolean notified = FALSE;
    guint64 before;
    gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

    g_signal_connect_swapped (call, "notify::has-camera", G_CALLBACK (timed_out), &notified);
    cs_call_set_camera (call, cs_devices_find (devices, CS_DEVICE_CAMERA, "cstest:cs-test.front"));
    g_assert_true (notified);
    g_assert_true (cs_call_get_has_camera (call));
    before = cs_call_get_frames_sent (call);
    while (cs_call_get_frames_sent (call) < before + 15 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (cs_call_get_frames_sent (call), >=, before + 15);
    g_assert_cmpuint (cs_call_get_capture_starts (call), ==, 3);
  }

  /* Other speakers, then no microphone, while the call runs: the sound keeps playing. */
  g_assert_cmpuint (count_played (call, 500), >, 10);
  cs_call_set_speakers (call, NULL);
  g_assert_cmpuint (count_played (call, 500), >, 10);
  cs_call_set_microphone (call, NULL);
  g_assert_false (cs_call_get_has_microphone (call));
  g_assert_cmpuint (count_played (call, 500), >, 10);
  g_assert_cmpint (cs_call_get_state (call), ==, CS_CALL_STATE_IN_CALL);

  cs_call_leave (call);
}

int
main (int argc, char **argv)
{
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  g_setenv ("GST_PLUGIN_PATH", CS_TEST_DEVICES_PLUGIN_DIR, TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/devices/list", Fixture, NULL, fixture_set_up, test_list, fixture_tear_down);
  g_test_add ("/devices/hotplug", Fixture, NULL, fixture_set_up, test_hotplug, fixture_tear_down);
  g_test_add ("/devices/removed", Fixture, NULL, fixture_set_up, test_removed_order,
              fixture_tear_down);
  g_test_add ("/devices/call-camera-lost", Fixture, NULL, fixture_set_up, test_call_camera_lost,
              fixture_tear_down);

  return g_test_run ();
}
