/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-call"

#include "config.h"

#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-local-hub.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <sys/wait.h>

/*
 * Calls between real participants: each one a cousinade-bot process in a network namespace
 * of its own, linked by a bridge, signalling through a local hub run by this test. Frames are
 * counted where they are decoded, so "connected" is never mistaken for "working".
 */

#define FPS 15

typedef struct
{
  char *dir;
  CsLocalHub *hub;
  CsLab *lab;
  GPtrArray *bots;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  guint n_hosts = GPOINTER_TO_UINT (data);
  g_autoptr (GError) error = NULL;
  g_autofree char *socket_path = NULL;

  if (!cs_lab_require_for_test ())
    return;

  fixture->dir = g_dir_make_tmp ("cs-call-XXXXXX", &error);
  g_assert_no_error (error);
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
  if (fixture->dir != NULL)
    g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static CsBot *
spawn_bot (Fixture *fixture, guint host, const char *const *extra, const char *const *env)
{
  g_autoptr (GError) error = NULL;
  CsBot *bot =
    cs_bot_spawn_participant (fixture->lab, host, CS_BOT_PATH, cs_local_hub_get_path (fixture->hub),
                              FPS, env, extra, &error);

  g_assert_no_error (error);
  g_ptr_array_add (fixture->bots, bot);
  return bot;
}

/* The latest statistics @bot printed about @peer. */
static JsonObject *
last_stats (CsBot *bot, guint peer)
{
  return cs_bot_find_event (bot, "stats", "peer", cs_bot_participant_id (peer));
}

static gint64
frames_from (CsBot *bot, guint peer)
{
  JsonObject *stats = last_stats (bot, peer);

  return stats != NULL ? json_object_get_int_member (stats, "frames_decoded") : 0;
}

static gint64
audio_ms_from (CsBot *bot, guint peer)
{
  JsonObject *stats = last_stats (bot, peer);

  return stats != NULL ? json_object_get_int_member (stats, "audio_ms") : 0;
}

static gint64
call_member (CsBot *bot, const char *member)
{
  JsonObject *call = cs_bot_find_event (bot, "call", NULL, NULL);

  return call != NULL ? json_object_get_int_member (call, member) : -1;
}

/* @member of the next "call" event @bot prints: fresh, like fresh_stats(). */
static gint64
fresh_call_member (CsBot *bot, const char *member)
{
  guint seen = cs_bot_count_events (bot, "call", NULL, NULL);
  gint64 deadline = g_get_monotonic_time () + 3 * G_TIME_SPAN_SECOND;

  while (cs_bot_count_events (bot, "call", NULL, NULL) == seen)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Participant %s printed no call summary for 3 s", cs_bot_get_name (bot));
      g_main_context_iteration (NULL, TRUE);
    }
  return call_member (bot, member);
}

static void
wait_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (ms, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
}

/* Everyone sees a decoded picture from everyone else. */
static void
assert_full_mesh (Fixture *fixture, const guint *hosts, guint n, guint timeout_ms)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        CsBot *bot = g_ptr_array_index (fixture->bots, hosts[i]);

        if (i == j)
          continue;
        if (!cs_bot_wait_for_event (bot, "first-frame", "peer", cs_bot_participant_id (hosts[j]),
                                    timeout_ms))
          g_error ("Participant %u never decoded a picture from participant %u", hosts[i],
                   hosts[j]);
      }
}

/* The next statistics @bot prints about @peer, so that a measurement starts and ends with
 * fresh numbers rather than ones up to a second old. */
static JsonObject *
fresh_stats (CsBot *bot, guint peer)
{
  guint seen = cs_bot_count_events (bot, "stats", "peer", cs_bot_participant_id (peer));
  gint64 deadline = g_get_monotonic_time () + 3 * G_TIME_SPAN_SECOND;

  while (cs_bot_count_events (bot, "stats", "peer", cs_bot_participant_id (peer)) == seen)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Participant %s printed no statistics about p%u for 3 s", cs_bot_get_name (bot),
                 peer);
      g_main_context_iteration (NULL, TRUE);
    }
  return last_stats (bot, peer);
}

/* Frames and sound decoded from each peer keep coming over @ms. */
static void
assert_flowing (Fixture *fixture, const guint *hosts, guint n, guint ms)
{
  gint64 frames[8][8] = { { 0 } };
  gint64 audio[8][8] = { { 0 } };
  gint64 started[8][8] = { { 0 } };

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j)
        {
          CsBot *bot = g_ptr_array_index (fixture->bots, hosts[i]);
          JsonObject *stats = fresh_stats (bot, hosts[j]);

          frames[i][j] = json_object_get_int_member (stats, "frames_decoded");
          audio[i][j] = json_object_get_int_member (stats, "audio_ms");
          started[i][j] = g_get_monotonic_time ();
        }

  wait_ms (ms);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j)
        {
          CsBot *bot = g_ptr_array_index (fixture->bots, hosts[i]);
          JsonObject *stats = fresh_stats (bot, hosts[j]);
          gint64 elapsed_ms = (g_get_monotonic_time () - started[i][j]) / 1000;
          gint64 new_frames = json_object_get_int_member (stats, "frames_decoded") - frames[i][j];
          gint64 new_audio = json_object_get_int_member (stats, "audio_ms") - audio[i][j];

          g_test_message ("%u from %u: %" G_GINT64_FORMAT " frames, %" G_GINT64_FORMAT
                          " ms of sound in about %" G_GINT64_FORMAT " ms",
                          hosts[i], hosts[j], new_frames, new_audio, elapsed_ms);
          /* Half the frame rate at least, and sound most of the time: a stall or a frozen
           * picture fails. Statistics lag by up to a second, hence the margin. */
          g_assert_cmpint (new_frames, >=, (gint64) FPS * (elapsed_ms - 1000) / 1000 / 2);
          g_assert_cmpint (new_audio, >=, (elapsed_ms - 1000) / 2);
        }
}

/* Each pair checked the other's certificate, and both of a pair show the same code, which
 * differs from pair to pair. */
static void
assert_verification_codes (Fixture *fixture, const guint *hosts, guint n)
{
  g_autoptr (GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        CsBot *a = g_ptr_array_index (fixture->bots, hosts[i]);
        CsBot *b = g_ptr_array_index (fixture->bots, hosts[j]);
        JsonObject *a_saw;
        JsonObject *b_saw;
        const char *code;

        g_assert_true (
          cs_bot_wait_for_event (a, "verified", "peer", cs_bot_participant_id (hosts[j]), 5000));
        g_assert_true (
          cs_bot_wait_for_event (b, "verified", "peer", cs_bot_participant_id (hosts[i]), 5000));
        a_saw = cs_bot_find_event (a, "verified", "peer", cs_bot_participant_id (hosts[j]));
        b_saw = cs_bot_find_event (b, "verified", "peer", cs_bot_participant_id (hosts[i]));
        code = json_object_get_string_member (a_saw, "code");
        g_assert_true (g_regex_match_simple ("^[0-9]{3} [0-9]{3}$", code, 0, 0));
        g_assert_cmpstr (code, ==, json_object_get_string_member (b_saw, "code"));
        g_assert_false (g_hash_table_contains (codes, code));
        g_hash_table_add (codes, (gpointer) code);
      }
}

static void
test_mesh (Fixture *fixture, gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  guint hosts[8];

  if (g_test_failed () || fixture->lab == NULL)
    return;

  for (guint i = 0; i < n; i++)
    {
      hosts[i] = i;
      spawn_bot (fixture, i, NULL, NULL);
      g_assert_true (
        cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, i), "joined", NULL, NULL, 10000));
    }

  assert_full_mesh (fixture, hosts, n, 20000);
  assert_flowing (fixture, hosts, n, 3000);
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, "call"), ==, n);
  assert_verification_codes (fixture, hosts, n);
}

static void
test_late_join_and_leave (Fixture *fixture, gconstpointer data)
{
  const guint first[] = { 0, 1, 2 };
  const guint stayers[] = { 0, 2, 3 };
  const guint all[] = { 0, 1, 2, 3 };
  CsBot *leaver;
  int status = -1;

  if (fixture->lab == NULL)
    return;

  for (guint i = 0; i < 3; i++)
    {
      spawn_bot (fixture, i, NULL, NULL);
      g_assert_true (
        cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, i), "joined", NULL, NULL, 10000));
    }
  assert_full_mesh (fixture, first, 3, 20000);

  /* A latecomer: the others keep receiving each other throughout. */
  spawn_bot (fixture, 3, NULL, NULL);
  assert_flowing (fixture, first, 3, 2000);
  assert_full_mesh (fixture, all, 4, 20000);

  /* Someone leaves: the others keep going. */
  leaver = g_ptr_array_index (fixture->bots, 1);
  cs_bot_kill (leaver, SIGTERM);
  g_assert_true (cs_bot_wait_exit (leaver, 10000, &status));
  g_assert_cmpint (status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (stayers); i++)
    g_assert_true (cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, stayers[i]),
                                          "peer-left", "peer", "p1", 5000));
  assert_flowing (fixture, stayers, 3, 3000);

  /* Neither capture nor encoding ever restarted for those who stayed. */
  for (guint i = 0; i < G_N_ELEMENTS (stayers); i++)
    {
      CsBot *bot = g_ptr_array_index (fixture->bots, stayers[i]);

      g_assert_cmpint (call_member (bot, "capture_starts"), ==, 1);
      g_assert_cmpint (call_member (bot, "encoder_starts"), ==, 1);
      g_assert_cmpint (call_member (bot, "peers"), ==, 2);
    }
}

static void
test_killed (Fixture *fixture, gconstpointer data)
{
  const guint survivors[] = { 0, 1 };
  const guint all[] = { 0, 1, 2 };
  CsBot *victim;
  gint64 killed_at;

  if (fixture->lab == NULL)
    return;

  /* Like a server that has not noticed a dead link yet: the engine must notice by itself. */
  cs_local_hub_set_announce_departures (fixture->hub, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      spawn_bot (fixture, i, NULL, NULL);
      g_assert_true (
        cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, i), "joined", NULL, NULL, 10000));
    }
  assert_full_mesh (fixture, all, 3, 20000);

  victim = g_ptr_array_index (fixture->bots, 2);
  cs_bot_kill (victim, SIGKILL);
  killed_at = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (survivors); i++)
    g_assert_true (cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, survivors[i]),
                                          "peer-left", "peer", "p2", 10000));
  g_test_message ("Dead participant dropped after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - killed_at) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - killed_at, <, 10 * G_TIME_SPAN_SECOND);
  assert_flowing (fixture, survivors, 2, 3000);
}

static void
test_loss_and_delay (Fixture *fixture, gconstpointer data)
{
  const char *const delayed[] = { "COUSINADE_TEST_DELAY_MS=50", NULL };
  const guint both[] = { 0, 1 };
  g_autoptr (GError) error = NULL;
  CsBot *sender;
  CsBot *receiver;
  gint64 sent_before, sent_after, decoded_before, decoded_after, audio_before, audio_after;
  gint64 recovered_before, recovered_after;
  gint64 start_kbps;
  const guint window_ms = 10000;
  JsonObject *lowered;
  gint64 previous_kbps;
  guint loss_event;
  double max_gap = 0;
  guint first_event;

  if (fixture->lab == NULL)
    return;

  sender = spawn_bot (fixture, 0, NULL, NULL);
  g_assert_true (cs_bot_wait_for_event (sender, "joined", NULL, NULL, 10000));
  /* Participant 1 is behind the bad link: 10% of what reaches it is lost, and what it sends
   * arrives 50 ms late. */
  receiver = spawn_bot (fixture, 1, NULL, delayed);
  assert_full_mesh (fixture, both, 2, 20000);
  g_assert_true (cs_bot_wait_for_event (sender, "call", NULL, NULL, 3000));
  start_kbps = call_member (sender, "bitrate_kbps");

  loss_event = cs_bot_get_events (sender)->len;
  cs_lab_set_loss (fixture->lab, 1, 0.10, &error);
  g_assert_no_error (error);
  wait_ms (3000);

  sent_before = fresh_call_member (sender, "frames_sent");
  decoded_before = json_object_get_int_member (fresh_stats (receiver, 0), "frames_decoded");
  audio_before = audio_ms_from (receiver, 0);
  recovered_before = json_object_get_int_member (last_stats (receiver, 0), "packets_recovered");
  first_event = cs_bot_get_events (receiver)->len;
  wait_ms (window_ms);
  sent_after = fresh_call_member (sender, "frames_sent");
  decoded_after = json_object_get_int_member (fresh_stats (receiver, 0), "frames_decoded");
  audio_after = audio_ms_from (receiver, 0);
  recovered_after = json_object_get_int_member (last_stats (receiver, 0), "packets_recovered");

  /* The longest pause in the sound during the window only. */
  for (guint i = first_event; i < cs_bot_get_events (receiver)->len; i++)
    {
      JsonObject *event = g_ptr_array_index (cs_bot_get_events (receiver), i);

      if (g_str_equal (json_object_get_string_member (event, "event"), "stats") &&
          g_str_equal (json_object_get_string_member (event, "peer"), "p0"))
        max_gap = MAX (max_gap, json_object_get_double_member (event, "audio_max_gap_ms"));
    }

  g_test_message ("Behind 10%% loss and 50 ms delay: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                  " frames decoded, %" G_GINT64_FORMAT " ms of sound in %u ms, longest gap "
                  "%.0f ms, %" G_GINT64_FORMAT " lost video packets retransmitted in time",
                  decoded_after - decoded_before, sent_after - sent_before,
                  audio_after - audio_before, window_ms, max_gap,
                  recovered_after - recovered_before);
  g_assert_cmpint (sent_after - sent_before, >, FPS * window_ms / 1000 / 2);
  g_assert_cmpfloat ((double) (decoded_after - decoded_before), >=,
                     0.8 * (sent_after - sent_before));
  /* Continuous sound: lost packets are concealed, not skipped. */
  g_assert_cmpfloat ((double) (audio_after - audio_before), >=, 0.9 * window_ms);
  g_assert_cmpfloat (max_gap, <, 250);
  /* Lost video packets come back by retransmission before the picture needs them: about 20
   * are lost in the window, and without working retransmission none returns. */
  g_assert_cmpint (recovered_after - recovered_before, >=, 3);

  /* The adaptation log: the bitrate went down because of the loss. */
  lowered = NULL;
  previous_kbps = start_kbps;
  for (guint i = 0; i < cs_bot_get_events (sender)->len; i++)
    {
      JsonObject *event = g_ptr_array_index (cs_bot_get_events (sender), i);
      gint64 kbps;

      if (!g_str_equal (json_object_get_string_member (event, "event"), "bitrate"))
        continue;
      kbps = json_object_get_int_member (event, "kbps");
      if (i >= loss_event && kbps < previous_kbps &&
          strstr (json_object_get_string_member (event, "reason"), "loss") != NULL)
        {
          lowered = event;
          break;
        }
      previous_kbps = kbps;
    }
  g_assert_nonnull (lowered);
  g_test_message ("Bitrate %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT " kbit/s: %s", previous_kbps,
                  json_object_get_int_member (lowered, "kbps"),
                  json_object_get_string_member (lowered, "reason"));
}

static void
test_mute_and_camera_off (Fixture *fixture, gconstpointer data)
{
  const char *const later_off[] = { "--mute-at", "6", "--camera-off-at", "6", NULL };
  const guint both[] = { 0, 1 };
  CsBot *watcher;
  JsonObject *stats;
  gint64 frames_before;

  if (fixture->lab == NULL)
    return;

  watcher = spawn_bot (fixture, 0, NULL, NULL);
  g_assert_true (cs_bot_wait_for_event (watcher, "joined", NULL, NULL, 10000));
  spawn_bot (fixture, 1, later_off, NULL);
  assert_full_mesh (fixture, both, 2, 20000);

  /* Before: heard speaking, camera on. */
  wait_ms (1500);
  stats = last_stats (watcher, 1);
  g_assert_nonnull (stats);
  g_assert_true (json_object_get_boolean_member (stats, "speaking"));
  g_assert_false (json_object_get_boolean_member (stats, "muted"));
  g_assert_false (json_object_get_boolean_member (stats, "camera_off"));

  /* After: muted and camera off, seen as such; the picture keeps coming (black), not frozen. */
  for (guint tries = 0; tries < 100; tries++)
    {
      stats = last_stats (watcher, 1);
      if (json_object_get_boolean_member (stats, "camera_off") &&
          json_object_get_boolean_member (stats, "muted") &&
          !json_object_get_boolean_member (stats, "speaking"))
        break;
      wait_ms (200);
    }
  g_assert_true (json_object_get_boolean_member (stats, "muted"));
  g_assert_true (json_object_get_boolean_member (stats, "camera_off"));
  g_assert_false (json_object_get_boolean_member (stats, "speaking"));
  frames_before = frames_from (watcher, 1);
  wait_ms (2000);
  g_assert_cmpint (frames_from (watcher, 1) - frames_before, >=, FPS);
}

static void
test_full (Fixture *fixture, gconstpointer data)
{
  const char *const small[] = { "--width", "160", "--height", "96", NULL };
  const guint six[] = { 0, 1, 2, 3, 4, 5 };
  CsBot *seventh;
  JsonObject *refused;
  int status = -1;

  if (fixture->lab == NULL)
    return;

  for (guint i = 0; i < 6; i++)
    {
      spawn_bot (fixture, i, small, NULL);
      g_assert_true (
        cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, i), "joined", NULL, NULL, 10000));
    }
  assert_full_mesh (fixture, six, 6, 30000);

  seventh = spawn_bot (fixture, 6, small, NULL);
  g_assert_true (cs_bot_wait_for_event (seventh, "refused", NULL, NULL, 10000));
  refused = cs_bot_find_event (seventh, "refused", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (refused, "reason"), ==, "full");
  g_assert_nonnull (strstr (json_object_get_string_member (refused, "message"), "full"));
  g_assert_true (cs_bot_wait_exit (seventh, 5000, &status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);

  /* The six never saw the seventh, and their call goes on. */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (cs_bot_count_events (g_ptr_array_index (fixture->bots, i), "peer-joined",
                                           "peer", "p6"),
                      ==, 0);
  wait_ms (2000);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (call_member (g_ptr_array_index (fixture->bots, i), "peers"), ==, 5);
}

/* A signalling server that swaps p0's certificate fingerprint (a man in the middle): the
 * others refuse p0 once they see its real certificate, and go on between themselves. */
static void
test_certificate_swapped (Fixture *fixture, gconstpointer data)
{
  const char *const tamper[] = { "COUSINADE_TEST_TAMPER_FINGERPRINT=1", NULL };
  const guint honest[] = { 1, 2 };
  CsBot *p0;

  if (fixture->lab == NULL)
    return;

  p0 = spawn_bot (fixture, 0, NULL, tamper);
  g_assert_true (cs_bot_wait_for_event (p0, "joined", NULL, NULL, 10000));
  for (guint i = 1; i < 3; i++)
    {
      spawn_bot (fixture, i, NULL, NULL);
      g_assert_true (
        cs_bot_wait_for_event (g_ptr_array_index (fixture->bots, i), "joined", NULL, NULL, 10000));
    }

  for (guint i = 1; i < 3; i++)
    {
      CsBot *bot = g_ptr_array_index (fixture->bots, i);

      if (!cs_bot_wait_for_event (bot, "peer-left", "reason", "untrusted", 20000))
        g_error ("Participant %u did not refuse the swapped certificate", i);
      g_assert_cmpstr (json_object_get_string_member (cs_bot_find_event (bot, "peer-left", "reason",
                                                                         "untrusted"),
                                                      "peer"),
                       ==, "p0");
      g_assert_null (cs_bot_find_event (bot, "verified", "peer", "p0"));
    }
  assert_full_mesh (fixture, honest, 2, 20000);
  assert_verification_codes (fixture, honest, 2);
}

/* A participant sends a 2-second media file instead of a camera and microphone: the other
 * sees it and hears it for longer than the file lasts, so it plays again and again. */
static void
test_media_file (Fixture *fixture, gconstpointer data)
{
  g_autofree char *clip = g_build_filename (fixture->dir, "clip.webm", NULL);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=30 pattern=smpte ! video/x-raw,width=320,height=180,framerate=15/1"
    " ! vp8enc ! webmmux name=mux ! filesink location=%s"
    " audiotestsrc num-buffers=100 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1"
    " ! opusenc ! mux.",
    clip);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) writer = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  const char *const extra[] = { "--media-file", clip, NULL };
  const guint both[] = { 0, 1 };

  if (fixture->lab == NULL)
    return;

  writer = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_element_set_state (writer, GST_STATE_PLAYING);
  bus = gst_element_get_bus (writer);
  message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (writer, GST_STATE_NULL);

  spawn_bot (fixture, 0, extra, NULL);
  spawn_bot (fixture, 1, NULL, NULL);
  assert_full_mesh (fixture, both, 2, 20000);
  /* 5 s: the file plays at least twice more, and picture and sound keep coming. */
  assert_flowing (fixture, both, 2, 5000);
  g_assert_cmpint (call_member (g_ptr_array_index (fixture->bots, 0), "capture_starts"), ==, 1);
  g_remove (clip);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, hosts, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (hosts), fixture_set_up, func, fixture_tear_down)

  g_test_add ("/call/mesh/2", Fixture, GUINT_TO_POINTER (2), fixture_set_up, test_mesh,
              fixture_tear_down);
  g_test_add ("/call/mesh/3", Fixture, GUINT_TO_POINTER (3), fixture_set_up, test_mesh,
              fixture_tear_down);
  g_test_add ("/call/mesh/4", Fixture, GUINT_TO_POINTER (4), fixture_set_up, test_mesh,
              fixture_tear_down);
  ADD ("/call/late-join-and-leave", 4, test_late_join_and_leave);
  ADD ("/call/killed", 3, test_killed);
  ADD ("/call/loss-and-delay", 2, test_loss_and_delay);
  ADD ("/call/mute-and-camera-off", 2, test_mute_and_camera_off);
  ADD ("/call/full", 7, test_full);
  ADD ("/call/certificate-swapped", 3, test_certificate_swapped);
  ADD ("/call/media-file", 2, test_media_file);

  return g_test_run ();
}
