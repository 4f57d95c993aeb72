/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-portals"

#include "config.h"

#include "cs-call-devices.h"
#include "cs-device-settings.h"
#include "cs-fake-portal.h"
#include "cs-local-hub.h"
#include "cs-local-signaling.h"
#include "cs-portals.h"

#include <string.h>
#include <unistd.h>

/*
 * What the app does with the portals' answers (issue 11, items 5 and 6): the camera through
 * the Camera portal when sandboxed, the screen through the ScreenCast portal with its restore
 * token kept. Against a scripted portal on the private bus of ui-session.sh (see
 * cs-fake-portal.h for why not xdg-desktop-portal itself); the sandbox is forced with
 * cs_portals_new (TRUE), as libportal would decide it from /.flatpak-info.
 */

static CsFakePortal *portal;

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*result);
  return *result;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
open_cameras (CsPortals *portals, int *fd, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cs_portals_open_cameras_async (portals, NULL, NULL, store_result, &result);
  return cs_portals_open_cameras_finish (portals, wait_result (&result), fd, error);
}

static void
test_camera_unsandboxed (void)
{
  g_autoptr (CsPortals) portals = cs_portals_new (FALSE);
  g_autoptr (GError) error = NULL;
  int fd = 0;

  /* The computer's own cameras: nobody is asked. */
  g_assert_true (open_cameras (portals, &fd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd, ==, -1);
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "AccessCamera"), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&portals));
}

static void
test_camera_granted (void)
{
  g_autoptr (CsPortals) portals = cs_portals_new (TRUE);
  g_autoptr (GError) error = NULL;
  int fd = -1;

  cs_fake_portal_set_camera (portal, TRUE, CS_FAKE_PORTAL_GRANT);
  g_assert_true (open_cameras (portals, &fd, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "AccessCamera"), ==, 1);
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "OpenPipeWireRemote"), ==, 1);
  close (fd);
  g_assert_finalize_object (g_steal_pointer (&portals));
}

static void
test_camera_denied (void)
{
  static const CsFakePortalAnswer answers[] = { CS_FAKE_PORTAL_DENY, CS_FAKE_PORTAL_CANCEL };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr (CsPortals) portals = cs_portals_new (TRUE);
      g_autoptr (GError) error = NULL;
      int fd = 0;

      cs_fake_portal_set_camera (portal, TRUE, answers[i]);
      g_assert_false (open_cameras (portals, &fd, &error));
      g_assert_error (error, CS_PORTALS_ERROR, CS_PORTALS_ERROR_DENIED);
      g_assert_cmpint (fd, ==, -1);
      /* What she reads: what happens to the call, and how to allow it. */
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "without seeing you"));
      g_assert_nonnull (strstr (error->message, "Settings"));
      g_assert_finalize_object (g_steal_pointer (&portals));
    }
}

static void
test_camera_absent (void)
{
  g_autoptr (CsPortals) portals = cs_portals_new (TRUE);
  g_autoptr (GError) error = NULL;
  guint asked = cs_fake_portal_count_calls (portal, "AccessCamera");
  int fd = 0;

  cs_fake_portal_set_camera (portal, FALSE, CS_FAKE_PORTAL_GRANT);
  g_assert_false (open_cameras (portals, &fd, &error));
  g_assert_error (error, CS_PORTALS_ERROR, CS_PORTALS_ERROR_NO_CAMERA);
  g_assert_nonnull (strstr (error->message, "No camera found"));
  /* No question about a camera that is not there. */
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "AccessCamera"), ==, asked);
  g_assert_finalize_object (g_steal_pointer (&portals));
}

/* The app's device settings in a sandbox whose camera is refused: the call will be sound only,
 * and the settings say why in plain words. */
static void
test_device_settings_denied (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (CsPortals) portals = cs_portals_new (TRUE);
  g_autoptr (CsDeviceSettings) device_settings = cs_device_settings_new (settings, portals);
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  cs_fake_portal_set_camera (portal, TRUE, CS_FAKE_PORTAL_DENY);
  g_assert_null (cs_device_settings_get_camera_problem (device_settings));
  cs_device_settings_request_cameras (device_settings, NULL);
  g_assert_true (cs_device_settings_get_requesting_cameras (device_settings));
  while (cs_device_settings_get_requesting_cameras (device_settings) &&
         g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cs_device_settings_get_requesting_cameras (device_settings));
  g_assert_nonnull (cs_device_settings_get_camera_problem (device_settings));
  g_assert_nonnull (
    strstr (cs_device_settings_get_camera_problem (device_settings), "may not use the camera"));

  /* Asked once: opening Preferences again does not ask again. */
  cs_device_settings_request_cameras (device_settings, NULL);
  g_assert_false (cs_device_settings_get_requesting_cameras (device_settings));
  g_assert_finalize_object (g_steal_pointer (&device_settings));
}

static void
on_notice (CsCallDevices *devices, const char *message, char **last)
{
  g_free (*last);
  *last = g_strdup (message);
}

/* In a sandbox whose camera is refused, a call still starts: sound only, and it says why. */
static void
test_call_camera_refused (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (CsPortals) portals = cs_portals_new (TRUE);
  g_autoptr (CsDeviceSettings) device_settings = cs_device_settings_new (settings, portals);
  g_autofree char *dir = g_dir_make_tmp ("cs-portals-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "hub", NULL);
  g_autofree char *devices_path = g_build_filename (dir, "devices.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLocalHub) hub = NULL;
  g_autoptr (CsLocalSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  g_autoptr (CsCallDevices) devices = NULL;
  g_autofree char *notice = NULL;
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  /* A microphone, and no camera outside the portal's. */
  g_assert_true (
    g_file_set_contents (devices_path, "[mic]\nkind=microphone\nname=Mic\n", -1, &error));
  g_setenv ("COUSINADE_TEST_DEVICES", devices_path, TRUE);
  cs_fake_portal_set_camera (portal, TRUE, CS_FAKE_PORTAL_DENY);

  hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "famille", "mamie");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Mamie");
  devices = cs_call_devices_new (call, device_settings, NULL);
  g_signal_connect (devices, "notice", G_CALLBACK (on_notice), &notice);
  g_assert_true (cs_device_settings_get_requesting_cameras (device_settings));
  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);

  while (notice == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (notice);
  g_test_message ("Toast: %s", notice);
  g_assert_nonnull (strstr (notice, "may not use the camera"));
  g_assert_nonnull (strstr (cs_call_devices_get_note (devices), "may not use the camera"));
  g_assert_false (cs_call_get_has_camera (call));
  g_assert_null (cs_call_devices_get_device_id (devices, CS_DEVICE_CAMERA));
  /* Heard all the same. */
  g_assert_true (cs_call_get_has_microphone (call));
  g_assert_nonnull (cs_call_devices_get_device_id (devices, CS_DEVICE_MICROPHONE));

  cs_call_leave (call);
  g_unsetenv ("COUSINADE_TEST_DEVICES");
  g_clear_object (&devices);
}

static void
wait_sharing (CsCall *call, gboolean sharing)
{
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (cs_call_get_sharing_screen (call) != sharing && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (cs_call_get_sharing_screen (call), ==, sharing);
}

/* The call window's share toggle, through the portal: the desktop's restore token is kept in
 * the settings and offered next time; the desktop ending the share ends it in the call. */
static void
test_call_share_screen (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (CsPortals) portals = cs_portals_new (FALSE);
  g_autoptr (CsDeviceSettings) device_settings = cs_device_settings_new (settings, portals);
  g_autofree char *dir = g_dir_make_tmp ("cs-portals-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "hub", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLocalHub) hub = NULL;
  g_autoptr (CsLocalSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  g_autoptr (CsCallDevices) devices = NULL;
  g_autofree char *token = NULL;
  g_autofree char *seen = NULL;

  g_settings_reset (settings, "screencast-restore-token");
  cs_fake_portal_set_screencast (portal, CS_FAKE_PORTAL_GRANT, 42, "restore-1");
  hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "famille", "mamie");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Mamie");
  devices = cs_call_devices_new (call, device_settings, NULL);

  /* The first time the desktop asks; its token is kept. */
  cs_call_devices_share_screen (devices);
  g_assert_true (cs_call_devices_get_sharing_screen (devices));
  wait_sharing (call, TRUE);
  seen = cs_fake_portal_dup_last_restore_token (portal);
  g_assert_null (seen);
  token = g_settings_get_string (settings, "screencast-restore-token");
  g_assert_cmpstr (token, ==, "restore-1");

  /* She stops; next time the token goes with the request. */
  cs_call_devices_stop_screen_share (devices);
  g_assert_false (cs_call_get_sharing_screen (call));
  g_assert_false (cs_portals_get_sharing_screen (portals));
  cs_fake_portal_set_screencast (portal, CS_FAKE_PORTAL_GRANT, 43, "restore-2");
  cs_call_devices_share_screen (devices);
  wait_sharing (call, TRUE);
  g_clear_pointer (&seen, g_free);
  seen = cs_fake_portal_dup_last_restore_token (portal);
  g_assert_cmpstr (seen, ==, "restore-1");
  g_clear_pointer (&token, g_free);
  token = g_settings_get_string (settings, "screencast-restore-token");
  g_assert_cmpstr (token, ==, "restore-2");

  /* The shell's stop button: the call goes back to the camera. */
  cs_fake_portal_close_session (portal);
  wait_sharing (call, FALSE);
  g_assert_false (cs_call_devices_get_sharing_screen (devices));
  g_clear_object (&devices);
}

static gboolean
share_screen (CsPortals *portals,
              const char *token,
              int *fd,
              guint32 *node_id,
              char **new_token,
              GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cs_portals_share_screen_async (portals, NULL, token, NULL, store_result, &result);
  return cs_portals_share_screen_finish (portals, wait_result (&result), fd, node_id, new_token,
                                         error);
}

static void
on_closed (CsPortals *portals, gboolean *closed)
{
  *closed = TRUE;
}

static void
test_screencast_restore_token (void)
{
  g_autoptr (CsPortals) portals = cs_portals_new (FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *second_token = NULL;
  g_autofree char *seen = NULL;
  g_autoptr (GVariant) options = NULL;
  guint32 node_id = 0;
  guint32 persist_mode = 0;
  gboolean closed = FALSE;
  gint64 until;
  int fd = -1;

  /* The first share: the desktop asks, and gives a token to skip the question next time. */
  cs_fake_portal_set_screencast (portal, CS_FAKE_PORTAL_GRANT, 42, "restore-1");
  g_assert_true (share_screen (portals, NULL, &fd, &node_id, &token, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (node_id, ==, 42);
  g_assert_cmpstr (token, ==, "restore-1");
  g_assert_true (cs_portals_get_sharing_screen (portals));
  seen = cs_fake_portal_dup_last_restore_token (portal);
  g_assert_null (seen);
  /* Kept until she revokes it, so the token stays good. */
  options = cs_fake_portal_dup_last_options (portal, "SelectSources");
  g_assert_true (g_variant_lookup (options, "persist_mode", "u", &persist_mode));
  g_assert_cmpuint (persist_mode, ==, 2);
  close (fd);

  /* She stops; the next share passes the token on. */
  cs_portals_stop_screen_share (portals);
  g_assert_false (cs_portals_get_sharing_screen (portals));
  cs_fake_portal_set_screencast (portal, CS_FAKE_PORTAL_GRANT, 43, "restore-2");
  g_assert_true (share_screen (portals, token, &fd, &node_id, &second_token, &error));
  g_assert_no_error (error);
  g_clear_pointer (&seen, g_free);
  seen = cs_fake_portal_dup_last_restore_token (portal);
  g_assert_cmpstr (seen, ==, "restore-1");
  g_assert_cmpuint (node_id, ==, 43);
  g_assert_cmpstr (second_token, ==, "restore-2");
  close (fd);

  /* The desktop ends it (the shell's stop button): the app hears of it. */
  g_signal_connect (portals, "screen-share-closed", G_CALLBACK (on_closed), &closed);
  cs_fake_portal_close_session (portal);
  until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!closed && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (closed);
  g_assert_false (cs_portals_get_sharing_screen (portals));
  g_assert_finalize_object (g_steal_pointer (&portals));
}

static void
test_screencast_refused (void)
{
  static const struct
  {
    CsFakePortalAnswer answer;
    CsPortalsError error;
  } cases[] = {
    { CS_FAKE_PORTAL_CANCEL, CS_PORTALS_ERROR_CANCELLED },
    { CS_FAKE_PORTAL_DENY, CS_PORTALS_ERROR_CANCELLED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CsPortals) portals = cs_portals_new (FALSE);
      g_autoptr (GError) error = NULL;
      g_autofree char *token = NULL;
      guint32 node_id = 0;
      int fd = 0;

      cs_fake_portal_set_screencast (portal, cases[i].answer, 42, "restore-1");
      g_assert_false (share_screen (portals, NULL, &fd, &node_id, &token, &error));
      g_assert_error (error, CS_PORTALS_ERROR, (int) cases[i].error);
      g_test_message ("%s", error->message);
      g_assert_cmpint (fd, ==, -1);
      g_assert_null (token);
      g_assert_false (cs_portals_get_sharing_screen (portals));
      g_assert_finalize_object (g_steal_pointer (&portals));
    }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The test device provider stands for the computer's devices. */
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  g_setenv ("GST_PLUGIN_PATH", CS_TEST_DEVICES_PLUGIN_DIR, TRUE);
  gst_init (&argc, &argv);

  g_test_add_func ("/portals/camera/unsandboxed", test_camera_unsandboxed);
  g_test_add_func ("/portals/camera/granted", test_camera_granted);
  g_test_add_func ("/portals/camera/denied", test_camera_denied);
  g_test_add_func ("/portals/camera/absent", test_camera_absent);
  g_test_add_func ("/portals/camera/device-settings-denied", test_device_settings_denied);
  g_test_add_func ("/portals/camera/call-refused", test_call_camera_refused);
  g_test_add_func ("/portals/screencast/restore-token", test_screencast_restore_token);
  g_test_add_func ("/portals/screencast/refused", test_screencast_refused);
  g_test_add_func ("/portals/screencast/call", test_call_share_screen);

  portal = cs_fake_portal_start ();
  status = g_test_run ();
  cs_fake_portal_free (portal);
  return status;
}
