/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-call-devices"

#include "config.h"

#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-local-hub.h"

#include <glib/gstdio.h>
#include <signal.h>

/*
 * Devices in real calls, between cousinade-bot processes in network namespaces of their own:
 * no camera, no microphone, a camera pulled out mid-call, echo cancellation, screen sharing.
 * Cameras and microphones come from the test device provider (cs-test-devices.c), whose file
 * the test edits to unplug one. What is checked is what the others see and hear: the media
 * state, the level of the sound and what the pictures look like ("picture" events).
 */

#define FPS 15

static const char *const devices_file =
  "[white]\nkind=camera\nname=White Camera\npattern=white\n\n"
  "[voice]\nkind=microphone\nname=Far Voice\nwave=pink-noise\nvolume=0.5\nbursts=400,150\n\n"
  "[quiet]\nkind=microphone\nname=Quiet Microphone\nwave=silence\n\n"
  "[speakers]\nkind=speakers\nname=Test Speakers\n";

typedef struct
{
  char *dir;
  char *devices;
  CsLocalHub *hub;
  CsLab *lab;
  GPtrArray *bots;
} Fixture;

static void
write_devices (Fixture *fixture, const char *contents)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (fixture->devices, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  guint n_hosts = GPOINTER_TO_UINT (data);
  g_autoptr (GError) error = NULL;
  g_autofree char *socket_path = NULL;

  if (!cs_lab_require_for_test ())
    return;

  fixture->dir = g_dir_make_tmp ("cs-call-devices-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->devices = g_build_filename (fixture->dir, "devices.ini", NULL);
  write_devices (fixture, devices_file);
  socket_path = g_build_filename (fixture->dir, "hub", NULL);
  fixture->hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  fixture->lab = cs_lab_new (n_hosts, &error);
  g_assert_no_error (error);
  fixture->bots = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->bots, g_ptr_array_unref);
  g_clear_pointer (&fixture->lab, cs_lab_free);
  g_clear_object (&fixture->hub);
  if (fixture->devices != NULL)
    g_remove (fixture->devices);
  if (fixture->dir != NULL)
    g_rmdir (fixture->dir);
  g_free (fixture->devices);
  g_free (fixture->dir);
}

static CsBot *
spawn_bot (Fixture *fixture, guint host, const char *const *extra, const char *const *env)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) all_env = NULL;
  g_autofree char *devices = g_strdup_printf ("COUSINADE_TEST_DEVICES=%s", fixture->devices);
  g_autoptr (GError) error = NULL;
  CsBot *bot;

  g_strv_builder_add_many (builder, "GST_PLUGIN_PATH=" CS_TEST_DEVICES_PLUGIN_DIR, devices, NULL);
  if (env != NULL)
    g_strv_builder_addv (builder, (const char **) env);
  all_env = g_strv_builder_end (builder);

  bot =
    cs_bot_spawn_participant (fixture->lab, host, CS_BOT_PATH, cs_local_hub_get_path (fixture->hub),
                              FPS, (const char *const *) all_env, extra, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->bots, bot);
  return bot;
}

static CsBot *
bot_at (Fixture *fixture, guint i)
{
  return g_ptr_array_index (fixture->bots, i);
}

static void
wait_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (ms, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
}

/* The next @event that @bot prints about @peer (fresh, not one up to a second old). */
static JsonObject *
fresh_event (CsBot *bot, const char *event, guint peer)
{
  guint seen = cs_bot_count_events (bot, event, "peer", cs_bot_participant_id (peer));
  gint64 deadline = g_get_monotonic_time () + 6 * G_TIME_SPAN_SECOND;

  /* Every second normally; the margin is for a machine busy with other tests. */
  while (cs_bot_count_events (bot, event, "peer", cs_bot_participant_id (peer)) == seen)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Participant %s printed no %s about p%u for 6 s", cs_bot_get_name (bot), event,
                 peer);
      g_main_context_iteration (NULL, TRUE);
    }
  return cs_bot_find_event (bot, event, "peer", cs_bot_participant_id (peer));
}

static void
join_all (Fixture *fixture, guint n)
{
  for (guint i = 0; i < n; i++)
    g_assert_true (cs_bot_wait_for_event (bot_at (fixture, i), "joined", NULL, NULL, 10000));
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j && !cs_bot_wait_for_event (bot_at (fixture, i), "first-frame", "peer",
                                            cs_bot_participant_id (j), 20000))
        g_error ("Participant %u never decoded a picture from participant %u", i, j);
}

typedef gboolean (*PictureCheck) (JsonObject *picture);

static gboolean
is_black (JsonObject *picture)
{
  return json_object_get_double_member (picture, "luma") < 24 &&
         json_object_get_double_member (picture, "bright") < 0.01;
}

static gboolean
is_white (JsonObject *picture)
{
  return json_object_get_double_member (picture, "luma") > 200;
}

/* The test camera's ball: a small white ball on black, no colour. */
static gboolean
is_ball (JsonObject *picture)
{
  double bright = json_object_get_double_member (picture, "bright");

  return bright > 0.003 && bright < 0.1 && json_object_get_double_member (picture, "chroma") < 10;
}

/* The test screen: colour bars. */
static gboolean
is_bars (JsonObject *picture)
{
  return json_object_get_double_member (picture, "chroma") > 40 &&
         json_object_get_double_member (picture, "bright") > 0.3;
}

/* Waits until what @bot shows of @peer passes @check, for up to @timeout_ms. */
static void
wait_for_picture (CsBot *bot, guint peer, PictureCheck check, const char *what, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  JsonObject *picture = NULL;

  while (g_get_monotonic_time () < deadline)
    {
      picture = fresh_event (bot, "picture", peer);
      if (check (picture))
        {
          g_test_message ("%s sees %s from p%u: luma %.1f, chroma %.1f, bright %.3f",
                          cs_bot_get_name (bot), what, peer,
                          json_object_get_double_member (picture, "luma"),
                          json_object_get_double_member (picture, "chroma"),
                          json_object_get_double_member (picture, "bright"));
          return;
        }
    }
  g_error ("%s never saw %s from p%u (last: luma %.1f, chroma %.1f, bright %.3f)",
           cs_bot_get_name (bot), what, peer,
           picture ? json_object_get_double_member (picture, "luma") : -1,
           picture ? json_object_get_double_member (picture, "chroma") : -1,
           picture ? json_object_get_double_member (picture, "bright") : -1);
}

/* Frames and sound from @peer keep coming to @bot over @ms. */
static void
assert_flowing (CsBot *bot, guint peer, guint ms)
{
  JsonObject *stats = fresh_event (bot, "stats", peer);
  gint64 frames = json_object_get_int_member (stats, "frames_decoded");
  gint64 audio = json_object_get_int_member (stats, "audio_ms");
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed_ms;

  wait_ms (ms);
  stats = fresh_event (bot, "stats", peer);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  frames = json_object_get_int_member (stats, "frames_decoded") - frames;
  audio = json_object_get_int_member (stats, "audio_ms") - audio;
  g_test_message ("%s from p%u: %" G_GINT64_FORMAT " frames, %" G_GINT64_FORMAT
                  " ms of sound in %" G_GINT64_FORMAT " ms",
                  cs_bot_get_name (bot), peer, frames, audio, elapsed_ms);
  g_assert_cmpint (frames, >=, (gint64) FPS * (elapsed_ms - 1000) / 1000 / 2);
  g_assert_cmpint (audio, >=, (elapsed_ms - 1000) / 2);
}

/* Waits until @bot's statistics about @peer show @member as @value. */
static void
wait_for_state (CsBot *bot, guint peer, const char *member, gboolean value, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (json_object_get_boolean_member (fresh_event (bot, "stats", peer), member) == value)
      return;
  g_error ("%s never saw %s %s for p%u", cs_bot_get_name (bot), member, value ? "on" : "off", peer);
}

/* p0 has no camera, p1 no microphone: p1 hears p0 and sees its camera off; p0 sees p1 and
 * sees it muted. */
static void
test_no_camera_no_microphone (Fixture *fixture, gconstpointer data)
{
  const char *const no_camera[] = { "--no-camera", NULL };
  const char *const no_microphone[] = { "--no-microphone", NULL };
  CsBot *p0, *p1;
  JsonObject *stats;

  if (fixture->lab == NULL)
    return;

  p0 = spawn_bot (fixture, 0, no_camera, NULL);
  p1 = spawn_bot (fixture, 1, no_microphone, NULL);
  join_all (fixture, 2);

  wait_for_state (p1, 0, "camera_off", TRUE, 10000);
  wait_for_state (p0, 1, "muted", TRUE, 10000);
  wait_for_picture (p1, 0, is_black, "a black picture", 10000);
  wait_for_picture (p0, 1, is_ball, "the camera", 10000);
  assert_flowing (p1, 0, 3000);

  /* Sound only, and heard. */
  stats = fresh_event (p1, "stats", 0);
  g_assert_true (json_object_get_boolean_member (stats, "speaking"));
  g_assert_false (json_object_get_boolean_member (stats, "muted"));
  g_assert_true (json_object_get_boolean_member (stats, "camera_off"));
  g_test_message ("p1 hears p0 at %.1f dB", json_object_get_double_member (stats, "audio_level"));
  /* Listening only: silence, and seen as muted rather than as someone who does not talk. */
  stats = fresh_event (p0, "stats", 1);
  g_assert_false (json_object_get_boolean_member (stats, "speaking"));
  g_assert_true (json_object_get_boolean_member (stats, "muted"));
  g_assert_false (json_object_get_boolean_member (stats, "camera_off"));
}

/* p0's camera is unplugged mid-call: it says so, p1 sees the camera off, and the call goes
 * on. */
static void
test_camera_removed (Fixture *fixture, gconstpointer data)
{
  const char *const white[] = { "--camera", "White Camera", NULL };
  CsBot *p0, *p1;

  if (fixture->lab == NULL)
    return;

  p0 = spawn_bot (fixture, 0, white, NULL);
  p1 = spawn_bot (fixture, 1, NULL, NULL);
  join_all (fixture, 2);
  wait_for_picture (p1, 0, is_white, "the white camera", 10000);
  g_assert_false (json_object_get_boolean_member (fresh_event (p1, "stats", 0), "camera_off"));

  /* Pulled out. */
  write_devices (fixture, "[speakers]\nkind=speakers\nname=Test Speakers\n");
  g_assert_true (cs_bot_wait_for_event (p0, "camera-lost", NULL, NULL, 10000));
  wait_for_state (p1, 0, "camera_off", TRUE, 10000);
  wait_for_picture (p1, 0, is_black, "a black picture", 10000);

  /* The call goes on, both ways, in the same sessions. */
  assert_flowing (p1, 0, 3000);
  assert_flowing (p0, 1, 1000);
  g_assert_cmpuint (cs_bot_count_events (p1, "peer-left", NULL, NULL), ==, 0);
  g_assert_cmpuint (cs_bot_count_events (p0, "peer-left", NULL, NULL), ==, 0);
  g_assert_null (cs_bot_find_event (p0, "error", NULL, NULL));
}

/* Peers see the shared screen in place of the camera, then the camera again, in the same
 * sessions and from the same encoder: nothing renegotiated. */
static void
wait_for_sharing (CsBot *bot, guint n_events)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  while (cs_bot_count_events (bot, "sharing-screen", NULL, NULL) < n_events)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Participant %s did not start or stop sharing its screen", cs_bot_get_name (bot));
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_screen_share (Fixture *fixture, gconstpointer data)
{
  CsBot *p0, *p1;
  JsonObject *call;

  if (fixture->lab == NULL)
    return;

  p0 = spawn_bot (fixture, 0, NULL, NULL);
  p1 = spawn_bot (fixture, 1, NULL, NULL);
  join_all (fixture, 2);
  wait_for_picture (p1, 0, is_ball, "the camera", 10000);

  /* SIGHUP: p0 shares its screen (a test picture), then stops. */
  cs_bot_kill (p0, SIGHUP);
  wait_for_sharing (p0, 1);
  g_assert_true (
    json_object_get_boolean_member (cs_bot_find_event (p0, "sharing-screen", NULL, NULL),
                                    "sharing"));
  wait_for_picture (p1, 0, is_bars, "the shared screen", 10000);
  g_assert_false (json_object_get_boolean_member (fresh_event (p1, "stats", 0), "camera_off"));
  assert_flowing (p1, 0, 2000);

  cs_bot_kill (p0, SIGHUP);
  wait_for_sharing (p0, 2);
  wait_for_picture (p1, 0, is_ball, "the camera again", 10000);
  assert_flowing (p1, 0, 2000);

  g_assert_cmpuint (cs_bot_count_events (p1, "peer-joined", "peer", "p0"), ==, 1);
  g_assert_cmpuint (cs_bot_count_events (p1, "peer-left", NULL, NULL), ==, 0);
  call = cs_bot_find_event (p0, "call", NULL, NULL);
  /* Camera, screen, camera: three sources, one encoder. */
  g_assert_cmpint (json_object_get_int_member (call, "capture_starts"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (call, "encoder_starts"), ==, 1);
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The level @bot heard from @peer over @ms while they talked: the upper quartile of what it
 * reported every second (a report may fall in a pause between two bursts). */
static double
talk_level (CsBot *bot, guint peer, guint ms)
{
  g_autoptr (GArray) levels = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      double level =
        json_object_get_double_member (fresh_event (bot, "stats", peer), "audio_level");

      g_array_append_val (levels, level);
    }
  g_array_sort (levels, compare_doubles);
  return g_array_index (levels, double, levels->len * 3 / 4);
}

/* p0 talks (pink noise in bursts, a broadband stand-in for speech); p1 and p2 only hear it: their
 * microphones pick up nothing but what their speakers play, 40 ms later and 6 dB down. p1
 * cancels the echo, p2 does not: p0 hears p1 at least 20 dB quieter than p2. */
static void
test_echo (Fixture *fixture, gconstpointer data)
{
  const char *const talker[] = { "--no-camera", "--microphone", "Far Voice",
                                 "--no-echo-cancellation", NULL };
  const char *const cancelling[] = { "--no-camera", "--microphone", "Quiet Microphone", NULL };
  const char *const not_cancelling[] = { "--no-camera", "--microphone", "Quiet Microphone",
                                         "--no-echo-cancellation", NULL };
  const char *const echo[] = { "COUSINADE_TEST_ECHO=40,6", NULL };
  CsBot *p0;
  double on_level, off_level, direct_level;

  if (fixture->lab == NULL)
    return;

  p0 = spawn_bot (fixture, 0, talker, NULL);
  spawn_bot (fixture, 1, cancelling, echo);
  spawn_bot (fixture, 2, not_cancelling, echo);
  join_all (fixture, 3);

  /* The canceller needs a few seconds of talk to learn the room. */
  wait_ms (8000);
  on_level = talk_level (p0, 1, 6000);
  off_level = talk_level (p0, 2, 6000);
  direct_level = talk_level (bot_at (fixture, 1), 0, 2000);
  g_test_message ("p1 hears p0 at %.1f dB; p0 hears the echo at %.1f dB with cancellation, "
                  "%.1f dB without",
                  direct_level, on_level, off_level);
  g_print ("# echo: cancellation on %.1f dB, off %.1f dB, reduction %.1f dB\n", on_level, off_level,
           off_level - on_level);
  /* The echo is there to cancel: loud enough to be heard without cancellation. */
  g_assert_cmpfloat (off_level, >, -40);
  g_assert_cmpfloat (on_level, <=, off_level - 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, hosts, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (hosts), fixture_set_up, func, fixture_tear_down)

  ADD ("/call-devices/no-camera-no-microphone", 2, test_no_camera_no_microphone);
  ADD ("/call-devices/camera-removed", 2, test_camera_removed);
  ADD ("/call-devices/screen-share", 2, test_screen_share);
  ADD ("/call-devices/echo", 3, test_echo);

  return g_test_run ();
}
