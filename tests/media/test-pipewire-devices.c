/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pipewire-devices"

#include "config.h"

#include "cs-devices.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * CsDevices on a PipeWire remote handed over as a file descriptor, as the Camera portal hands
 * it over in a sandbox: a PipeWire daemon of the test's own (its own runtime directory), a
 * camera published on it by a pipewiresink, and a connection to it opened by the test in
 * place of the portal, while the test's process could not find that PipeWire by itself. The
 * camera is listed, under an identifier that names PipeWire.
 */

#define TIMEOUT_MS 10000

typedef struct
{
  char *runtime_dir;
  GSubprocess *daemon;
  GSubprocess *camera;
} Fixture;

static gboolean
timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The daemon and the camera end with the test, even one that aborts. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GError **error, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *pipewire = g_find_program_in_path ("pipewire");
  gboolean late = FALSE;
  guint timeout;

  if (pipewire == NULL)
    {
      g_test_skip ("PipeWire is not installed (Debian's pipewire package)");
      return;
    }

  fixture->runtime_dir = g_dir_make_tmp ("cs-pipewire-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", fixture->runtime_dir, TRUE);
  fixture->daemon = spawn (&error, (const char *const[]){ pipewire, NULL });
  g_assert_no_error (error);

  socket_path = g_build_filename (fixture->runtime_dir, "pipewire-0", NULL);
  timeout = g_timeout_add (TIMEOUT_MS, timed_out, &late);
  while (!g_file_test (socket_path, G_FILE_TEST_EXISTS) && !late)
    g_main_context_iteration (NULL, FALSE);
  if (!late)
    g_source_remove (timeout);
  g_assert_true (g_file_test (socket_path, G_FILE_TEST_EXISTS));

  /* A camera on that PipeWire: colour bars, published as a video source by a process of its
   * own, as a camera's would be. */
  fixture->camera =
    spawn (&error,
           (const char *const[]){
             "gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "pattern=smpte", "!",
             "video/x-raw,width=320,height=240,framerate=15/1", "!", "pipewiresink", "mode=provide",
             "stream-properties=props,media.class=(string)Video/Source,"
             "node.description=(string)PipeWireCamera,node.name=(string)cs-test-camera",
             NULL });
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->camera != NULL)
    {
      g_subprocess_send_signal (fixture->camera, SIGTERM);
      g_subprocess_wait (fixture->camera, NULL, NULL);
    }
  g_clear_object (&fixture->camera);
  if (fixture->daemon != NULL)
    {
      g_subprocess_send_signal (fixture->daemon, SIGTERM);
      g_subprocess_wait (fixture->daemon, NULL, NULL);
    }
  g_clear_object (&fixture->daemon);
  if (fixture->runtime_dir != NULL)
    {
      g_autoptr (GDir) dir = g_dir_open (fixture->runtime_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (fixture->runtime_dir, name, NULL);

          g_remove (path);
        }
      g_rmdir (fixture->runtime_dir);
    }
  g_free (fixture->runtime_dir);
}

/* What the Camera portal gives: a connection to PipeWire. */
static int
connect_to_pipewire (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->runtime_dir, "pipewire-0", NULL);
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, &error);
  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return dup (g_socket_get_fd (socket));
}

static void
test_camera_from_remote (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsDevices) devices = NULL;
  GListModel *cameras;
  g_autoptr (GstDevice) camera = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  gboolean late = FALSE;
  guint timeout;

  if (fixture->daemon == NULL)
    return;

  /* This process finds no PipeWire by itself: only through the connection it is given. */
  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent", TRUE);
  devices = cs_devices_new (connect_to_pipewire (fixture));
  cameras = cs_devices_get_model (devices, CS_DEVICE_CAMERA);
  timeout = g_timeout_add (TIMEOUT_MS, timed_out, &late);
  while (g_list_model_get_n_items (cameras) == 0 && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timeout);

  g_assert_cmpuint (g_list_model_get_n_items (cameras), ==, 1);
  camera = g_list_model_get_item (cameras, 0);
  name = gst_device_get_display_name (camera);
  id = cs_devices_dup_id (camera);
  g_test_message ("%s: %s", id, name);
  g_assert_cmpstr (name, ==, "PipeWireCamera");
  g_assert_cmpstr (id, ==, "pipewire:cs-test-camera");
  g_assert_true (gst_device_has_classes (camera, "Video/Source"));
}

int
main (int argc, char **argv)
{
  /* The computer's own devices, as in the app: not the test provider. */
  g_unsetenv ("COUSINADE_MEDIA");
  /* No sound server to find (nor start): PipeWire's devices only. */
  g_setenv ("PULSE_SERVER", "unix:/nonexistent", TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pipewire-devices/camera-from-remote", Fixture, NULL, fixture_set_up,
              test_camera_from_remote, fixture_tear_down);

  return g_test_run ();
}
