/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-devices-ui"

#include "config.h"

#include "cs-call-lab.h"
#include "cs-call-window.h"
#include "cs-call-tile.h"
#include "cs-device-check.h"
#include "cs-fake-portal.h"
#include "cs-local-hub.h"
#include "cs-local-signaling.h"
#include "cs-preferences-window.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#include <math.h>
#include <string.h>

/*
 * The camera, microphone and speakers in the real app (issue 11, items 3, 4 and 6), with the
 * test device provider (tests/media: a GStreamer plugin whose devices are the groups of the key
 * file COUSINADE_TEST_DEVICES; editing the file plugs and unplugs them).
 *
 * /ui/devices/preferences: Preferences list the devices, show the chosen camera's picture and
 * the microphone's level, keep the choice across a restart, and follow a camera plugged in.
 *
 * /ui/devices/none: an old laptop without camera or microphone: Preferences and the call
 * window say so in plain words, and the call is sound only, listening.
 *
 * /ui/devices/sandbox: as in Flatpak, the camera comes through the Camera portal (a scripted
 * one on the private bus, see cs-fake-portal.h); refused, Preferences and a call say so, and
 * the call is sound only.
 *
 * /ui/devices/call (root): a family call in the lab, as in test-call-ui.c; Mamie shares her
 * screen (the call's test screen, COUSINADE_TEST_SCREEN=1), then stops, then her camera is
 * unplugged mid-call.
 */

#define LAPTOP_CAMERA "Laptop Camera"
#define KITCHEN_CAMERA "Kitchen Camera"
#define GARDEN_CAMERA "Garden Camera"
#define MICROPHONE "Headset Microphone"
#define SPEAKERS "Living Room Speakers"
#define HEADPHONES "Headphones"
#define PREVIEW_FRAMES 10

static char *devices_file;

static gboolean with_microphone = TRUE;

/* The devices plugged in: the key file the test provider watches. @cameras: "Name=pattern". */
static void
plug_devices (const char *const *cameras)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; cameras != NULL && cameras[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (cameras[i], "=", 2);
      g_autofree char *group = g_strdup (parts[0]);

      /* The group names the device for good (its id): by name, not by place in the file. */
      g_strdelimit (group, " ", '-');
      g_string_append_printf (text, "[%s]\nkind=camera\nname=%s\npattern=%s\n\n", group, parts[0],
                              parts[1]);
    }
  if (with_microphone)
    g_string_append_printf (text, "[mic]\nkind=microphone\nname=%s\nfreq=440\nvolume=0.5\n\n",
                            MICROPHONE);
  g_string_append_printf (text, "[speakers]\nkind=speakers\nname=%s\n\n", SPEAKERS);
  g_string_append_printf (text, "[headphones]\nkind=speakers\nname=%s\n", HEADPHONES);
  g_assert_true (g_file_set_contents (devices_file, text->str, -1, &error));
  g_assert_no_error (error);
}

static void
use_test_devices (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "devices", NULL);

  g_mkdir_with_parents (dir, 0755);
  devices_file = g_build_filename (dir, "devices.ini", NULL);
  plug_devices ((const char *const[]){ LAPTOP_CAMERA "=smpte", KITCHEN_CAMERA "=green", NULL });
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  g_setenv ("COUSINADE_TEST_DEVICES", devices_file, TRUE);
  g_setenv ("GST_PLUGIN_PATH", CS_TEST_DEVICES_PLUGIN_DIR, TRUE);
}

/* What a chooser's item reads: a device's name, or "No camera". */
static char *
dup_name (GObject *item)
{
  if (GST_IS_DEVICE (item))
    return gst_device_get_display_name (GST_DEVICE (item));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return NULL;
}

static char *
dup_item_name (GListModel *model, guint position)
{
  g_autoptr (GObject) item =
    position < g_list_model_get_n_items (model) ? g_list_model_get_item (model, position) : NULL;

  return dup_name (item);
}

static gboolean
row_lists (GtkWidget *row, const char *name)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *item = dup_item_name (model, i);

      if (g_strcmp0 (item, name) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GtkWidget *row;
  const char *name;
} RowCheck;

static gpointer
check_row_lists (gpointer data)
{
  RowCheck *check = data;

  return row_lists (check->row, check->name) ? check->row : NULL;
}

static void
wait_row_lists (GtkWidget *row, const char *name)
{
  RowCheck check = { row, name };
  g_autofree char *what = g_strdup_printf ("“%s” in the chooser", name);

  wait_for (check_row_lists, &check, what);
}

static void
choose_device (GtkWidget *row, const char *name)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *item = dup_item_name (model, i);

      if (g_strcmp0 (item, name) == 0)
        {
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
          return;
        }
    }
  g_error ("No “%s” to choose", name);
}

static char *
dup_selected_name (GtkWidget *row)
{
  return dup_name (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row)));
}

/* The mean colour (red, green, blue, 0-255) of a horizontal band of @texture's middle. */
static void
texture_colour (GdkTexture *texture, double x0, double x1, double *r, double *g, double *b)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guint n = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  *r = *g = *b = 0;
  for (int y = height / 3; y < height / 2; y++)
    for (int x = (int) (x0 * width); x < (int) (x1 * width); x++)
      {
        /* Cairo's ARGB32 in memory, little-endian: blue, green, red, alpha. */
        const guchar *pixel = data + ((gsize) y * width + x) * 4;

        *b += pixel[0];
        *g += pixel[1];
        *r += pixel[2];
        n++;
      }
  g_assert_cmpuint (n, >, 0);
  *r /= n;
  *g /= n;
  *b /= n;
}

/* A picture mostly of one colour (the green camera), or of many (colour bars). */
static gboolean
is_green (GdkTexture *texture)
{
  double r, g, b;

  texture_colour (texture, 0.0, 1.0, &r, &g, &b);
  return g > 150 && r < 80 && b < 80;
}

/* The colour bars: their left and right bands differ (grey-white and blue at the top). */
static gboolean
is_colour_bars (GdkTexture *texture)
{
  double r1, g1, b1, r2, g2, b2, r3, g3, b3;

  texture_colour (texture, 0.02, 0.12, &r1, &g1, &b1);
  texture_colour (texture, 0.45, 0.55, &r2, &g2, &b2);
  texture_colour (texture, 0.88, 0.98, &r3, &g3, &b3);
  g_test_message ("bands: (%.0f,%.0f,%.0f) (%.0f,%.0f,%.0f) (%.0f,%.0f,%.0f)", r1, g1, b1, r2, g2,
                  b2, r3, g3, b3);
  return fabs (r1 - r3) + fabs (g1 - g3) + fabs (b1 - b3) > 150 &&
         fabs (r1 - r2) + fabs (g1 - g2) + fabs (b1 - b2) > 100;
}

/* /ui/devices/preferences */

/* A picture (the preview, or the self view) that has shown at least @frames frames, the last
 * of which @looks as expected. */
typedef struct
{
  CsVideoPaintable *paintable;
  guint64 frames;
  gboolean (*looks) (GdkTexture *texture);
} PictureCheck;

static gpointer
check_picture (gpointer data)
{
  PictureCheck *check = data;
  GdkTexture *texture = cs_video_paintable_get_texture (check->paintable);

  if (cs_video_paintable_get_frames_shown (check->paintable) < check->frames || texture == NULL)
    return NULL;
  return check->looks (texture) ? check : NULL;
}

static gpointer
check_sound_played (gpointer data)
{
  return cs_device_check_get_sounds_played (CS_DEVICE_CHECK (data)) > 0 ? data : NULL;
}

static gpointer
check_level (gpointer data)
{
  /* The 440 Hz tone at half volume peaks about 6 dB below full scale. */
  return cs_device_check_get_level (CS_DEVICE_CHECK (data)) > -20 ? data : NULL;
}

static gpointer
check_starts_in_background (gpointer data)
{
  return g_settings_get_boolean (G_SETTINGS (data), "start-in-background") ? data : NULL;
}

static GtkWindow *
open_devices_page (void)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  GtkWindow *preferences;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-preferences", NULL);
  preferences = wait_for_window (CS_TYPE_PREFERENCES_WINDOW);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "devices");
  return preferences;
}

static void
check_and_choose (CsApplication *app)
{
  GtkWindow *preferences = open_devices_page ();
  CsDeviceCheck *check = CS_DEVICE_CHECK (get_widget (preferences, "device_check"));
  GtkWidget *camera_row = get_widget (preferences, "camera_row");
  GtkWidget *microphone_row = get_widget (preferences, "microphone_row");
  GtkWidget *speakers_row = get_widget (preferences, "speakers_row");
  GSettings *settings = cs_application_get_settings (app);
  PictureCheck preview = { cs_device_check_get_preview (check), PREVIEW_FRAMES, is_colour_bars };
  g_autofree char *first = NULL;
  g_autofree char *chosen_id = NULL;
  g_autofree char *kitchen_id = NULL;
  GstDevice *kitchen;

  /* Everything plugged in is offered, by the name a person knows it by. */
  wait_row_lists (camera_row, LAPTOP_CAMERA);
  wait_row_lists (camera_row, KITCHEN_CAMERA);
  wait_row_lists (microphone_row, MICROPHONE);
  wait_row_lists (speakers_row, SPEAKERS);
  /* Nothing chosen yet: the first camera, live. */
  first = dup_selected_name (camera_row);
  g_assert_cmpstr (first, ==, LAPTOP_CAMERA);
  wait_for (check_picture, &preview, "the laptop camera's picture in the preview");
  wait_for (check_level, check, "the microphone's level to move");
  g_test_message ("Preview: %" G_GUINT64_FORMAT " frames, microphone at %.1f dB",
                  cs_video_paintable_get_frames_shown (cs_device_check_get_preview (check)),
                  cs_device_check_get_level (check));
  save_screenshot (preferences, "preferences-devices.png");

  /* The speakers' button plays a second of sound through them, to its end. */
  click (find_descendant (GTK_WIDGET (preferences), has_widget_name, "sound_button"));
  wait_for (check_sound_played, check, "the test sound to play to its end");

  /* She picks the kitchen's camera: the preview follows, the choice is kept. */
  choose_device (camera_row, KITCHEN_CAMERA);
  preview =
    (PictureCheck){ preview.paintable,
                    cs_video_paintable_get_frames_shown (preview.paintable) + PREVIEW_FRAMES,
                    is_green };
  wait_for (check_picture, &preview, "the kitchen camera's picture in the preview");
  kitchen = adw_combo_row_get_selected_item (ADW_COMBO_ROW (camera_row));
  kitchen_id = cs_devices_dup_id (kitchen);
  chosen_id = g_settings_get_string (settings, "camera");
  g_assert_cmpstr (chosen_id, ==, kitchen_id);

  /* A camera plugged in while she looks becomes choosable. */
  plug_devices ((const char *const[]){ LAPTOP_CAMERA "=smpte", KITCHEN_CAMERA "=green",
                                       GARDEN_CAMERA "=ball", NULL });
  wait_row_lists (camera_row, GARDEN_CAMERA);
  g_free (first);
  first = dup_selected_name (camera_row);
  g_assert_cmpstr (first, ==, KITCHEN_CAMERA);

  /* The kitchen camera unplugged while she looks: the laptop's takes its place in the
   * preview, her choice stays for when it comes back. */
  plug_devices ((const char *const[]){ LAPTOP_CAMERA "=smpte", GARDEN_CAMERA "=ball", NULL });
  preview =
    (PictureCheck){ preview.paintable,
                    cs_video_paintable_get_frames_shown (preview.paintable) + PREVIEW_FRAMES,
                    is_colour_bars };
  wait_for (check_picture, &preview, "the laptop camera back in the preview");
  g_free (chosen_id);
  chosen_id = g_settings_get_string (settings, "camera");
  g_assert_cmpstr (chosen_id, ==, kitchen_id);
  plug_devices ((const char *const[]){ LAPTOP_CAMERA "=smpte", KITCHEN_CAMERA "=green",
                                       GARDEN_CAMERA "=ball", NULL });
  preview.frames = cs_video_paintable_get_frames_shown (preview.paintable) + PREVIEW_FRAMES;
  preview.looks = is_green;
  wait_for (check_picture, &preview, "the kitchen camera plugged in again");

  /* The check runs only while shown: another page stops it. */
  g_assert_true (cs_device_check_get_previewing (check));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "calls");
  settle ();
  g_assert_false (cs_device_check_get_previewing (check));

  /* The switches are bound to their settings. */
  g_assert_true (g_settings_get_boolean (settings, "echo-cancellation"));
  g_settings_set_boolean (settings, "echo-cancellation", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (get_widget (preferences, "echo_switch"))));
  g_settings_set_boolean (settings, "echo-cancellation", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (get_widget (preferences, "echo_switch"))));
  click (get_widget (preferences, "background_switch"));
  wait_for (check_starts_in_background, settings, "the background setting to be on");
  gtk_window_close (preferences);
  wait_for_window_gone (CS_TYPE_PREFERENCES_WINDOW);
}

/* The app started again: her camera is still the kitchen's. */
static void
check_choice_kept (CsApplication *app)
{
  GtkWindow *preferences = open_devices_page ();
  CsDeviceCheck *check = CS_DEVICE_CHECK (get_widget (preferences, "device_check"));
  GtkWidget *camera_row = get_widget (preferences, "camera_row");
  PictureCheck preview = { cs_device_check_get_preview (check), PREVIEW_FRAMES, is_green };
  g_autofree char *selected = NULL;

  wait_row_lists (camera_row, KITCHEN_CAMERA);
  selected = dup_selected_name (camera_row);
  g_assert_cmpstr (selected, ==, KITCHEN_CAMERA);
  wait_for (check_picture, &preview, "the kitchen camera's picture after a restart");
  g_assert_true (
    gtk_switch_get_active (GTK_SWITCH (get_widget (preferences, "background_switch"))));
  gtk_window_close (preferences);
  wait_for_window_gone (CS_TYPE_PREFERENCES_WINDOW);
}

static void
test_preferences (void)
{
  use_test_devices ();
  run_app (check_and_choose);
  run_app (check_choice_kept);
}

/* /ui/devices/none */

#define NO_CAMERA_NOTE "No camera found: the others will hear you and see your initials."
#define NO_MICROPHONE_NOTE "No microphone found: you can listen, but the others cannot hear you."

static gpointer
check_both_notes (gpointer data)
{
  GtkLabel *note = data;

  return gtk_widget_get_visible (GTK_WIDGET (note)) &&
             strstr (gtk_label_get_label (note), NO_CAMERA_NOTE) != NULL &&
             strstr (gtk_label_get_label (note), NO_MICROPHONE_NOTE) != NULL
           ? note
           : NULL;
}

static gpointer
check_joined (gpointer data)
{
  return cs_call_get_state (data) == CS_CALL_STATE_IN_CALL ? data : NULL;
}

static void
see_no_devices (CsApplication *app)
{
  GtkWindow *preferences = open_devices_page ();
  GtkWidget *camera_row = get_widget (preferences, "camera_row");
  g_autofree char *dir = g_dir_make_tmp ("cs-devices-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "hub", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLocalHub) hub = NULL;
  g_autoptr (CsLocalSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  CsCallWindow *window;

  /* Preferences: the speakers are there, no camera, no microphone, each said plainly. */
  wait_row_lists (get_widget (preferences, "speakers_row"), SPEAKERS);
  wait_for_label (GTK_WIDGET (preferences), NO_CAMERA_NOTE);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (camera_row)), ==,
                   "No camera found");
  g_assert_false (gtk_widget_get_sensitive (camera_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (
                     ADW_ACTION_ROW (get_widget (preferences, "microphone_row"))),
                   ==, "No microphone found");
  save_screenshot (preferences, "preferences-no-devices.png");
  gtk_window_close (preferences);
  wait_for_window_gone (CS_TYPE_PREFERENCES_WINDOW);

  /* A call: sound only and listening, and the window says so all along. */
  hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "cousinade-dupont", "mamie");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Mamie");
  window = cs_call_window_new (GTK_APPLICATION (app), call, "Famille Dupont");
  cs_call_window_set_self_name (window, "Mamie");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);
  wait_for (check_joined, call, "the call to start");
  wait_for (check_both_notes, get_widget (GTK_WINDOW (window), "device_note"),
            "the notes about the camera and the microphone");
  g_assert_false (cs_call_get_has_camera (call));
  g_assert_false (cs_call_get_has_microphone (call));
  /* Her initials in the self view, and no camera or microphone switch to press. */
  g_assert_false (gtk_widget_get_sensitive (get_widget (GTK_WINDOW (window), "camera_button")));
  g_assert_false (gtk_widget_get_sensitive (get_widget (GTK_WINDOW (window), "microphone_button")));
  g_assert_true (
    cs_call_tile_get_camera_off (CS_CALL_TILE (get_widget (GTK_WINDOW (window), "self_tile"))));
  save_screenshot (GTK_WINDOW (window), "call-no-devices.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
}

static void
test_none (void)
{
  with_microphone = FALSE;
  use_test_devices ();
  plug_devices (NULL);
  run_app (see_no_devices);
}

/* /ui/devices/sandbox */

#define REFUSED "Cousinade may not use the camera"

static gpointer
check_note_says_refused (gpointer data)
{
  GtkLabel *note = data;

  return gtk_widget_get_visible (GTK_WIDGET (note)) &&
             strstr (gtk_label_get_label (note), REFUSED) != NULL
           ? note
           : NULL;
}

static CsFakePortal *portal;

static void
see_camera_refused (CsApplication *app)
{
  GtkWindow *preferences = open_devices_page ();
  GtkLabel *label;
  g_autofree char *dir = g_dir_make_tmp ("cs-devices-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "hub", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLocalHub) hub = NULL;
  g_autoptr (CsLocalSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  CsCallWindow *window;

  /* Looking at the camera asks the portal; she (or the system) says no. */
  wait_row_lists (get_widget (preferences, "microphone_row"), MICROPHONE);
  label = GTK_LABEL (wait_for_label (GTK_WIDGET (preferences),
                                     "Cousinade may not use the camera, so the others will hear "
                                     "you without seeing you. To allow it, open Settings, then "
                                     "Apps, then Cousinade."));
  g_assert_nonnull (label);
  g_assert_cmpuint (cs_fake_portal_count_calls (portal, "AccessCamera"), ==, 1);
  /* The cameras outside the portal are not for a sandboxed app. */
  g_assert_false (row_lists (get_widget (preferences, "camera_row"), LAPTOP_CAMERA));
  save_screenshot (preferences, "preferences-camera-refused.png");
  gtk_window_close (preferences);
  wait_for_window_gone (CS_TYPE_PREFERENCES_WINDOW);

  /* A call: sound only, and the window says why. */
  hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "cousinade-dupont", "mamie");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Mamie");
  window = cs_call_window_new (GTK_APPLICATION (app), call, "Famille Dupont");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);
  wait_for (check_note_says_refused, get_widget (GTK_WINDOW (window), "device_note"),
            "the call to say the camera was refused");
  g_assert_false (cs_call_get_has_camera (call));
  g_assert_true (cs_call_get_has_microphone (call));
  save_screenshot (GTK_WINDOW (window), "call-camera-refused.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
}

static void
test_sandbox (void)
{
  use_test_devices ();
  g_setenv ("COUSINADE_TEST_SANDBOX", "1", TRUE);
  portal = cs_fake_portal_start ();
  cs_fake_portal_set_camera (portal, TRUE, CS_FAKE_PORTAL_DENY);
  run_app (see_camera_refused);
  cs_fake_portal_free (portal);
}

/* /ui/devices/call */

static void
choose_kitchen_camera (CsApplication *app)
{
  GtkWindow *preferences = open_devices_page ();
  GtkWidget *camera_row = get_widget (preferences, "camera_row");

  wait_row_lists (camera_row, KITCHEN_CAMERA);
  choose_device (camera_row, KITCHEN_CAMERA);
  gtk_window_close (preferences);
  wait_for_window_gone (CS_TYPE_PREFERENCES_WINDOW);
}

static void
test_call (void)
{
  CallLab lab = { 0 };

  if (!cs_lab_require_for_test ())
    return;
  call_lab_start (&lab);
  call_lab_run_app (&lab, "/ui/devices/call-in-lab");
  call_lab_stop (&lab);
}

static void
wait_self_view (CsCallWindow *window, gboolean (*looks) (GdkTexture *texture), const char *what)
{
  CsVideoPaintable *paintable = cs_call_window_get_self_paintable (window);
  PictureCheck check = { paintable, cs_video_paintable_get_frames_shown (paintable) + 5, looks };

  wait_for (check_picture, &check, what);
}

/* What @bot last said of Mamie's picture: its share of light pixels, or -1. */
static double
bot_sees_bright (CsBot *bot)
{
  JsonObject *picture = cs_bot_find_event (bot, "picture", "peer", "mamie");

  return picture != NULL ? json_object_get_double_member (picture, "bright") : -1;
}

typedef struct
{
  CsBot *bot;
  gboolean colourful;
} BotCheck;

/* The green camera is light all over (measured: all of it); the colour bars have their dark
 * half (about 48 %): told apart by the bot's share of light pixels. */
static gpointer
check_bot_picture (gpointer data)
{
  BotCheck *check = data;
  double bright = bot_sees_bright (check->bot);
  static JsonObject *last;
  JsonObject *picture = cs_bot_find_event (check->bot, "picture", "peer", "mamie");

  if (picture != NULL && picture != last)
    {
      last = picture;
      g_test_message ("picture: luma %.1f chroma %.1f bright %.3f",
                      json_object_get_double_member (picture, "luma"),
                      json_object_get_double_member (picture, "chroma"),
                      json_object_get_double_member (picture, "bright"));
    }

  if (bright < 0)
    return NULL;
  return (check->colourful ? bright < 0.7 : bright > 0.9) ? check : NULL;
}

static gpointer
check_sharing (gpointer data)
{
  return cs_call_get_sharing_screen (cs_call_window_get_call (data)) ? data : NULL;
}

static gpointer
check_not_sharing (gpointer data)
{
  return !cs_call_get_sharing_screen (cs_call_window_get_call (data)) ? data : NULL;
}

/* What the call window tells her in toasts, also logged by CsCallDevices. */
static gboolean told_plugged_in;

static void
on_call_devices_log (const char *domain,
                     GLogLevelFlags level,
                     const char *message,
                     gpointer user_data)
{
  if (strstr (message, "A camera was plugged in") != NULL)
    told_plugged_in = TRUE;
  g_log_default_handler (domain, level, message, user_data);
}

static gpointer
check_has_camera (gpointer data)
{
  return cs_call_get_has_camera (cs_call_window_get_call (data)) ? data : NULL;
}

static void
share_and_unplug (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  g_autoptr (CsBot) anna = NULL;
  g_autoptr (CsBot) bruno = NULL;
  CsCallWindow *call_window;
  GtkWidget *share_button;
  BotCheck anna_check;
  g_autofree char *selected = NULL;

  call_lab_join_circle (app, &anna, &bruno);
  click (get_widget (window, "call_button"));
  call_window = CS_CALL_WINDOW (wait_for_window (CS_TYPE_CALL_WINDOW));
  call_lab_assert_bot_decodes (anna, "mamie");

  /* Her chosen camera (the kitchen's, green) is what she and they see. */
  wait_self_view (call_window, is_green, "the kitchen camera in the self view");
  anna_check = (BotCheck){ anna, FALSE };
  wait_for (check_bot_picture, &anna_check, "Anna to see the green camera");
  g_test_message ("Anna sees %.0f %% light from the camera", 100 * bot_sees_bright (anna));
  g_assert_true (cs_call_get_has_camera (cs_call_window_get_call (call_window)));
  g_assert_false (gtk_widget_get_visible (get_widget (GTK_WINDOW (call_window), "device_note")));

  /* She shares her screen: the colour bars replace the camera, for her and for them. */
  share_button = get_widget (GTK_WINDOW (call_window), "share_button");
  click (share_button);
  wait_for (check_sharing, call_window, "the screen to be shared");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (share_button)));
  wait_self_view (call_window, is_colour_bars, "the shared screen in the self view");
  g_assert_false (
    cs_video_paintable_get_mirrored (cs_call_window_get_self_paintable (call_window)));
  anna_check = (BotCheck){ anna, TRUE };
  wait_for (check_bot_picture, &anna_check, "Anna to see the shared screen");
  g_test_message ("Anna sees %.0f %% light from the screen", 100 * bot_sees_bright (anna));
  save_screenshot (GTK_WINDOW (call_window), "call-share-screen.png");

  /* She stops: the camera comes back. */
  click (share_button);
  wait_for (check_not_sharing, call_window, "the screen share to stop");
  wait_self_view (call_window, is_green, "the camera back in the self view");
  anna_check = (BotCheck){ anna, FALSE };
  wait_for (check_bot_picture, &anna_check, "Anna to see the camera again");

  /* The kitchen camera is unplugged mid-call: camera off, and she is told. */
  plug_devices ((const char *const[]){ LAPTOP_CAMERA "=smpte", NULL });
  wait_for_label (GTK_WIDGET (call_window),
                  "Your camera was unplugged or stopped: the others now see your initials.");
  save_screenshot (GTK_WINDOW (call_window), "call-camera-unplugged.png");
  /* An unplug is no camera plugged in (toasts queue up: what the window told is in its log). */
  g_assert_false (told_plugged_in);
  call_lab_wait_bot_sees (anna, "mamie", "camera_off");
  g_assert_false (cs_call_get_has_camera (cs_call_window_get_call (call_window)));
  /* The other camera is still there to choose, in the camera and sound menu. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (get_widget (GTK_WINDOW (call_window), "devices_button")));
  wait_row_lists (get_widget (GTK_WINDOW (call_window), "camera_row"), LAPTOP_CAMERA);
  g_assert_false (row_lists (get_widget (GTK_WINDOW (call_window), "camera_row"), KITCHEN_CAMERA));
  /* It shows what the call uses: no camera, an item of its own (a list of one camera alone
   * could not be opened). */
  selected = dup_selected_name (get_widget (GTK_WINDOW (call_window), "camera_row"));
  g_assert_cmpstr (selected, ==, "No camera");
  g_assert_true (gtk_list_box_row_get_activatable (
    GTK_LIST_BOX_ROW (get_widget (GTK_WINDOW (call_window), "camera_row"))));
  /* The menu is a surface of its own: saved alone (save_screenshot() only needs a GtkNative). */
  save_screenshot ((GtkWindow *) get_widget (GTK_WINDOW (call_window), "devices_popover"),
                   "call-devices-menu.png");
  /* She picks it: her picture comes back, the laptop's colour bars. */
  choose_device (get_widget (GTK_WINDOW (call_window), "camera_row"), LAPTOP_CAMERA);
  wait_for (check_has_camera, call_window, "the laptop camera in the call");
  wait_self_view (call_window, is_colour_bars, "the laptop camera in the self view");
  /* She puts her headphones on: the sound goes there, her microphone stays as it was. */
  choose_device (get_widget (GTK_WINDOW (call_window), "speakers_row"), HEADPHONES);
  settle ();
  g_assert_true (cs_call_get_has_microphone (cs_call_window_get_call (call_window)));
  g_free (selected);
  selected = dup_selected_name (get_widget (GTK_WINDOW (call_window), "microphone_row"));
  g_assert_cmpstr (selected, ==, MICROPHONE);
  g_free (selected);
  selected = dup_selected_name (get_widget (GTK_WINDOW (call_window), "speakers_row"));
  g_assert_cmpstr (selected, ==, HEADPHONES);
  gtk_menu_button_popdown (
    GTK_MENU_BUTTON (get_widget (GTK_WINDOW (call_window), "devices_button")));

  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.leave", NULL);
  wait_for_window_gone (CS_TYPE_CALL_WINDOW);
}

/* See test-call-ui.c: libnice's warning about TURN refreshes at teardown is not ours. */
static gboolean
on_fatal_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  return !(g_strcmp0 (domain, "libnice") == 0 && strstr (message, "alive TURN refreshes") != NULL);
}

static void
test_call_in_lab (void)
{
  if (g_getenv (ENV_SERVER) == NULL)
    {
      g_test_skip ("Run by /ui/devices/call inside the lab");
      return;
    }
  g_setenv ("COUSINADE_CA_FILE", g_getenv (ENV_CA), TRUE);
  g_setenv ("COUSINADE_TEST_SCREEN", "1", TRUE);
  use_test_devices ();
  g_test_log_set_fatal_handler (on_fatal_log, NULL);
  g_log_set_handler ("cs-call-devices", G_LOG_LEVEL_MESSAGE, on_call_devices_log, NULL);
  /* Her choice from Preferences: the kitchen's camera. */
  run_app (choose_kitchen_camera);
  run_app (share_and_unplug);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/devices/preferences", test_preferences);
  g_test_add_func ("/ui/devices/none", test_none);
  g_test_add_func ("/ui/devices/sandbox", test_sandbox);
  g_test_add_func ("/ui/devices/call", test_call);
  g_test_add_func ("/ui/devices/call-in-lab", test_call_in_lab);

  return g_test_run ();
}
