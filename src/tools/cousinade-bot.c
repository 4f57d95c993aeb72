/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cousinade-bot"

#include "config.h"

#include "cs-call.h"
#include "cs-devices.h"
#include "cs-local-signaling.h"
#include "cs-bot-output.h"
#include "cs-bot-xmpp.h"

#include <glib-unix.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/*
 * A headless call participant for tests, benchmarks and demos. It joins a call with a test
 * pattern and a tone, and prints one JSON object per line for everything that happens:
 *
 *   {"event":"joined","id":"p1","ms":0}
 *   {"event":"peer-joined","peer":"p2","name":"Bob"}
 *   {"event":"first-frame","peer":"p2","kind":"video","ms_since_join":312}
 *   {"event":"stats","peer":"p2","rtt_ms":1.2,...}            (each peer, every second)
 *   {"event":"call","frames_sent":300,"encoder_starts":1,...} (every second)
 *   {"event":"bitrate","kbps":350,"reason":"…"}
 *   {"event":"verified","peer":"p2","code":"123 456"}        (its certificate is the one announced)
 *   {"event":"peer-left","peer":"p2","reason":"left"}         (or "lost", "untrusted")
 *   {"event":"refused","reason":"full","message":"…"}
 *   {"event":"left"}
 *   {"event":"picture","peer":"p2","luma":16.4,"chroma":0.3,"bright":0.02}  (each peer, every
 *       second: what its latest picture looks like, luma and chroma distance from grey 0-255,
 *       bright the share of light pixels; black, a test pattern and colour bars differ)
 *   {"event":"camera-lost"}                                   (the camera failed or was unplugged)
 *   {"event":"sharing-screen","sharing":true}                 (--share-screen-at, SIGHUP...)
 *
 * A one-to-one call (--ring or --answer, XEP-0353) prints the same events, with the contact's
 * bare address as peer id, and these of its own:
 *
 *   {"event":"waiting-for-call","seconds":30}                  (--answer: ready to answer)
 *   {"event":"ringing","from":"b@example.org","name":"B","video":true}  (a call rings us)
 *   {"event":"ringing","to":"a@example.org"}                  (--ring: the contact's device rings)
 *   {"event":"declined","by":"b@example.org"}                 (--ring: the contact declined)
 *   {"event":"error","reason":"not-answered","message":"…"}   (declined, or no answer in time)
 *
 * A call it started in a circle (--start-call) also prints
 *
 *   {"event":"declined","by":"mamie","circle":"…","invite":"…"} (a member declined it)
 *
 * It ends when the other person hangs up. Exit status: 0 after leaving, 1 on an error (also a
 * call not answered, or no call ringing us within --wait), 2 for bad options, 3 for a full
 * call.
 */

typedef struct
{
  GMainLoop *loop;
  CsCall *call;
  CsCallSignaling *signaling;
  CsBotXmpp *xmpp;
  gboolean joined;
  guint leave_id;
  guint tick_id;
  int exit_status;
} Bot;

static char *opt_hub;
static char *opt_call = "call";
static char *opt_id;
static char *opt_name;
static int opt_duration = 0;
static int opt_width = 320;
static int opt_height = 180;
static int opt_fps = 15;
static int opt_max_participants = CS_CALL_DEFAULT_MAX_PARTICIPANTS;
static int opt_latency = 60;
static gboolean opt_per_peer_encoders;
static gboolean opt_real_devices;
static double opt_mute_at = -1;
static double opt_camera_off_at = -1;
static char *opt_xmpp;
static char *opt_password = "password";
static gboolean opt_register;
static char *opt_server;
static char *opt_ca_file;
static char *opt_circle;
static char *opt_create_circle;
static char *opt_members;
static gboolean opt_start_call;
static int opt_wait = 30;
static char *opt_turn;
static char *opt_media_file;
static char *opt_ring;
static gboolean opt_answer;
static char *opt_camera;
static char *opt_microphone;
static gboolean opt_no_camera;
static gboolean opt_no_microphone;
static gboolean opt_no_echo_cancellation;
static double opt_share_screen_at = -1;
static double opt_stop_share_at = -1;

static const GOptionEntry options[] = {
  { "hub", 0, 0, G_OPTION_ARG_FILENAME, &opt_hub, "Local signalling hub socket", "PATH" },
  { "call", 0, 0, G_OPTION_ARG_STRING, &opt_call, "Call id", "ID" },
  { "id", 0, 0, G_OPTION_ARG_STRING, &opt_id, "This participant's id", "ID" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, "Display name", "NAME" },
  { "duration", 0, 0, G_OPTION_ARG_INT, &opt_duration, "Leave after this many seconds", "S" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Video width", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Video height", "PX" },
  { "fps", 0, 0, G_OPTION_ARG_INT, &opt_fps, "Frames per second", "N" },
  { "max-participants", 0, 0, G_OPTION_ARG_INT, &opt_max_participants, "Mesh cap", "N" },
  { "latency", 0, 0, G_OPTION_ARG_INT, &opt_latency, "Jitter buffer, ms", "MS" },
  { "per-peer-encoders", 0, 0, G_OPTION_ARG_NONE, &opt_per_peer_encoders,
    "One encoder per peer (to measure what sharing saves)", NULL },
  { "real-devices", 0, 0, G_OPTION_ARG_NONE, &opt_real_devices,
    "Use the camera and microphone instead of test sources", NULL },
  { "mute-at", 0, 0, G_OPTION_ARG_DOUBLE, &opt_mute_at, "Mute after S seconds", "S" },
  { "camera-off-at", 0, 0, G_OPTION_ARG_DOUBLE, &opt_camera_off_at,
    "Turn the camera off after S seconds", "S" },
  { "xmpp", 0, 0, G_OPTION_ARG_STRING, &opt_xmpp, "Call over XMPP as this account", "ADDRESS" },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "The account's password", "PW" },
  { "register", 0, 0, G_OPTION_ARG_NONE, &opt_register, "Create the account first", NULL },
  { "server", 0, 0, G_OPTION_ARG_STRING, &opt_server, "Server to connect to", "HOST:PORT" },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file, "Also trust this CA", "FILE" },
  { "circle", 0, 0, G_OPTION_ARG_STRING, &opt_circle, "The circle's room", "ROOM" },
  { "create-circle", 0, 0, G_OPTION_ARG_STRING, &opt_create_circle,
    "Create the circle's room with this name", "NAME" },
  { "members", 0, 0, G_OPTION_ARG_STRING, &opt_members,
    "The circle's members, comma-separated addresses; with --answer, who may ring (none given: "
    "anyone may, as this is a test tool)",
    "LIST" },
  { "start-call", 0, 0, G_OPTION_ARG_NONE, &opt_start_call,
    "Start a call in the circle (otherwise join the one going on)", NULL },
  { "media-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_media_file,
    "Send this file's picture and sound, in a loop", "FILE" },
  { "turn", 0, 0, G_OPTION_ARG_STRING, &opt_turn, "Relay to use when the server offers none",
    "turn://NAME:PASSWORD@HOST:PORT" },
  { "ring", 0, 0, G_OPTION_ARG_STRING, &opt_ring,
    "Ring this contact for a one-to-one video call instead of joining a circle's call", "ADDRESS" },
  { "answer", 0, 0, G_OPTION_ARG_NONE, &opt_answer,
    "Wait for a one-to-one call and answer it instead of joining a circle's call", NULL },
  { "wait", 0, 0, G_OPTION_ARG_INT, &opt_wait,
    "Seconds to wait for membership or a call (with --ring: for an answer; with --answer: for "
    "a call to ring)",
    "S" },
  { "camera", 0, 0, G_OPTION_ARG_STRING, &opt_camera,
    "Use this camera (a device's name or identifier, see COUSINADE_TEST_DEVICES)", "NAME" },
  { "microphone", 0, 0, G_OPTION_ARG_STRING, &opt_microphone, "Use this microphone", "NAME" },
  { "no-camera", 0, 0, G_OPTION_ARG_NONE, &opt_no_camera, "Join without a camera", NULL },
  { "no-microphone", 0, 0, G_OPTION_ARG_NONE, &opt_no_microphone,
    "Join without a microphone (listen only)", NULL },
  { "no-echo-cancellation", 0, 0, G_OPTION_ARG_NONE, &opt_no_echo_cancellation,
    "Leave the echo canceller out", NULL },
  { "share-screen-at", 0, 0, G_OPTION_ARG_DOUBLE, &opt_share_screen_at,
    "Share the screen (a test picture) after S seconds", "S" },
  { "stop-share-at", 0, 0, G_OPTION_ARG_DOUBLE, &opt_stop_share_at,
    "Stop sharing the screen after S seconds", "S" },
  { NULL },
};

/* What a peer's latest picture looks like, measured where it is shown. */
typedef struct
{
  gint luma_x100;
  gint chroma_x100;
  gint bright_x1000;
  guint frames;
} Picture;

static gint64
ms_since_join (Bot *bot, gint64 monotonic)
{
  return (monotonic - cs_call_get_join_time (bot->call)) / 1000;
}

static void
on_peer_first_frame (CsCallPeer *peer, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("first-frame");

  cs_bot_add_string (builder, "peer", cs_call_peer_get_id (peer));
  cs_bot_add_string (builder, "kind", "video");
  cs_bot_add_int (builder, "ms_since_join",
                  ms_since_join (bot, cs_call_peer_get_first_frame_time (peer)));
  cs_bot_emit (builder);
}

static void
on_peer_stats (CsCallPeer *peer, GParamSpec *pspec, Bot *bot)
{
  CsCallStats *stats = cs_call_peer_get_stats (peer);
  const CsCallStatsValues *values;
  g_autoptr (JsonBuilder) builder = NULL;
  guint64 *shown = g_object_get_data (G_OBJECT (peer), "frames-shown");

  if (stats == NULL)
    return;

  values = cs_call_stats_get_values (stats);
  builder = cs_bot_begin ("stats");
  cs_bot_add_string (builder, "peer", cs_call_peer_get_id (peer));
  cs_bot_add_double (builder, "rtt_ms", values->rtt_ms);
  cs_bot_add_double (builder, "loss_sent", values->loss_sent);
  cs_bot_add_double (builder, "loss_received", values->loss_received);
  cs_bot_add_double (builder, "jitter_ms", values->jitter_ms);
  cs_bot_add_double (builder, "send_kbps", values->send_kbps);
  cs_bot_add_double (builder, "receive_kbps", values->receive_kbps);
  cs_bot_add_int (builder, "frames_decoded", values->frames_decoded);
  cs_bot_add_int (builder, "frames_dropped", values->frames_dropped);
  cs_bot_add_int (builder, "frames_shown",
                  shown != NULL ? (gint64) g_atomic_pointer_get (shown) : 0);
  cs_bot_add_double (builder, "fps", values->frame_rate);
  cs_bot_add_string (builder, "candidate_type",
                     cs_candidate_type_to_string (values->candidate_type));
  cs_bot_add_int (builder, "audio_ms", values->audio_ms);
  cs_bot_add_double (builder, "audio_max_gap_ms", values->audio_max_gap_ms);
  cs_bot_add_double (builder, "latency_ms", values->latency_ms);
  cs_bot_add_int (builder, "packets_recovered", values->packets_recovered);
  cs_bot_add_double (builder, "audio_level", cs_call_peer_get_audio_level (peer));
  cs_bot_add_boolean (builder, "speaking", cs_call_peer_get_speaking (peer));
  cs_bot_add_boolean (builder, "muted", cs_call_peer_get_muted (peer));
  cs_bot_add_boolean (builder, "camera_off", cs_call_peer_get_camera_off (peer));
  cs_bot_emit (builder);
}

static void
on_peer_verified (CsCallPeer *peer, GParamSpec *pspec, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("verified");

  cs_bot_add_string (builder, "peer", cs_call_peer_get_id (peer));
  cs_bot_add_string (builder, "code", cs_call_peer_get_verification_code (peer));
  cs_bot_emit (builder);
}

static void
on_peer_added (CsCall *call, CsCallPeer *peer, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("peer-joined");

  cs_bot_add_string (builder, "peer", cs_call_peer_get_id (peer));
  cs_bot_add_string (builder, "name", cs_call_peer_get_display_name (peer));
  cs_bot_emit (builder);

  g_signal_connect (peer, "first-frame", G_CALLBACK (on_peer_first_frame), bot);
  g_signal_connect (peer, "notify::stats", G_CALLBACK (on_peer_stats), bot);
  g_signal_connect (peer, "notify::verification-code", G_CALLBACK (on_peer_verified), bot);
}

static gboolean on_leave_idle (gpointer user_data);

static void
on_peer_removed (CsCall *call, CsCallPeer *peer, const char *reason, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("peer-left");

  g_signal_handlers_disconnect_by_data (peer, bot);
  cs_bot_add_string (builder, "peer", cs_call_peer_get_id (peer));
  cs_bot_add_string (builder, "reason", reason);
  cs_bot_emit (builder);

  /* A one-to-one call is over once the other person has gone, as a phone call would be; not
   * from within the call's own signal. */
  if (bot->xmpp != NULL && cs_bot_xmpp_is_direct (bot->xmpp) && bot->leave_id == 0)
    bot->leave_id = g_idle_add (on_leave_idle, bot);
}

static void
on_bitrate_changed (CsCall *call, guint kbps, const char *reason, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("bitrate");

  cs_bot_add_int (builder, "kbps", kbps);
  cs_bot_add_string (builder, "reason", reason);
  cs_bot_emit (builder);
}

static void
on_state (CsCall *call, GParamSpec *pspec, Bot *bot)
{
  switch (cs_call_get_state (call))
    {
    case CS_CALL_STATE_IN_CALL:
      {
        g_autoptr (JsonBuilder) builder = cs_bot_begin ("joined");

        bot->joined = TRUE;
        cs_bot_add_string (builder, "id", opt_id);
        cs_bot_add_int (builder, "ms", ms_since_join (bot, g_get_monotonic_time ()));
        cs_bot_emit (builder);
        break;
      }

    case CS_CALL_STATE_FAILED:
      {
        const GError *error = cs_call_get_error (call);
        gboolean full = g_error_matches (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_CALL_FULL);
        g_autoptr (JsonBuilder) builder = cs_bot_begin (full ? "refused" : "error");

        if (full)
          cs_bot_add_string (builder, "reason", "full");
        /* The caller is in the call once answered: before, it was declined or rang out. */
        else if (opt_ring != NULL && !bot->joined)
          cs_bot_add_string (builder, "reason", "not-answered");
        cs_bot_add_string (builder, "message", error->message);
        cs_bot_emit (builder);
        bot->exit_status = full ? 3 : 1;
        g_main_loop_quit (bot->loop);
        break;
      }

    case CS_CALL_STATE_LEFT:
      {
        g_autoptr (JsonBuilder) builder = cs_bot_begin ("left");

        cs_bot_emit (builder);
        g_main_loop_quit (bot->loop);
        break;
      }

    case CS_CALL_STATE_IDLE:
    case CS_CALL_STATE_JOINING:
    default:
      break;
    }
}

static gboolean
on_tick (gpointer user_data)
{
  Bot *bot = user_data;
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("call");

  cs_bot_add_int (builder, "frames_sent", cs_call_get_frames_sent (bot->call));
  cs_bot_add_int (builder, "capture_starts", cs_call_get_capture_starts (bot->call));
  cs_bot_add_int (builder, "encoder_starts", cs_call_get_encoder_starts (bot->call));
  cs_bot_add_int (builder, "bitrate_kbps", cs_call_get_video_bitrate (bot->call));
  cs_bot_add_int (builder, "peers", g_list_model_get_n_items (cs_call_get_peers (bot->call)));
  cs_bot_emit (builder);

  for (guint i = 0; i < g_list_model_get_n_items (cs_call_get_peers (bot->call)); i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (cs_call_get_peers (bot->call), i);
      Picture *picture = g_object_get_data (G_OBJECT (peer), "picture");
      g_autoptr (JsonBuilder) seen = NULL;

      if (picture == NULL || g_atomic_int_get (&picture->frames) == 0)
        continue;
      seen = cs_bot_begin ("picture");
      cs_bot_add_string (seen, "peer", cs_call_peer_get_id (peer));
      cs_bot_add_double (seen, "luma", g_atomic_int_get (&picture->luma_x100) / 100.0);
      cs_bot_add_double (seen, "chroma", g_atomic_int_get (&picture->chroma_x100) / 100.0);
      cs_bot_add_double (seen, "bright", g_atomic_int_get (&picture->bright_x1000) / 1000.0);
      cs_bot_emit (seen);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_leave (gpointer user_data)
{
  Bot *bot = user_data;

  if (bot->xmpp != NULL)
    cs_bot_xmpp_announce_left (bot->xmpp);
  if (bot->call != NULL)
    cs_call_leave (bot->call);
  else
    g_main_loop_quit (bot->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_leave_idle (gpointer user_data)
{
  ((Bot *) user_data)->leave_id = 0;
  return on_leave (user_data);
}

static gboolean
on_mute (gpointer user_data)
{
  cs_call_set_muted (((Bot *) user_data)->call, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_camera_off (gpointer user_data)
{
  cs_call_set_camera_off (((Bot *) user_data)->call, TRUE);
  return G_SOURCE_REMOVE;
}

/* SIGUSR1 turns the camera off, SIGUSR2 back on: tests change it at the moment they choose. */
static gboolean
on_camera_signal_off (gpointer user_data)
{
  Bot *bot = user_data;

  if (bot->call != NULL)
    cs_call_set_camera_off (bot->call, TRUE);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_camera_signal_on (gpointer user_data)
{
  Bot *bot = user_data;

  if (bot->call != NULL)
    cs_call_set_camera_off (bot->call, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
on_frame_shown (GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer user_data)
{
  g_atomic_pointer_add ((gsize *) user_data, 1);
}

/* Every fifth frame, the picture's mean luma, its mean distance from grey, and its share of
 * light pixels, from a grid of samples. */
static void
on_frame_measured (GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer user_data)
{
  Picture *picture = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  GstVideoInfo info;
  GstVideoFrame frame;
  guint64 luma = 0, chroma = 0, bright = 0, n = 0;

  if (g_atomic_int_add (&picture->frames, 1) % 5 != 0)
    return;
  if (caps == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420 ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return;
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT (&frame); y += 4)
    for (int x = 0; x < GST_VIDEO_FRAME_WIDTH (&frame); x += 4)
      {
        const guint8 *y_row = GST_VIDEO_FRAME_COMP_DATA (&frame, 0);
        const guint8 *u_row = GST_VIDEO_FRAME_COMP_DATA (&frame, 1);
        const guint8 *v_row = GST_VIDEO_FRAME_COMP_DATA (&frame, 2);
        guint8 value = y_row[y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 0) + x];
        int u = u_row[(y / 2) * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 1) + x / 2];
        int v = v_row[(y / 2) * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 2) + x / 2];

        luma += value;
        bright += value > 128;
        chroma += ABS (u - 128) + ABS (v - 128);
        n++;
      }
  gst_video_frame_unmap (&frame);
  if (n == 0)
    return;
  g_atomic_int_set (&picture->luma_x100, (gint) (luma * 100 / n));
  g_atomic_int_set (&picture->chroma_x100, (gint) (chroma * 100 / n));
  g_atomic_int_set (&picture->bright_x1000, (gint) (bright * 1000 / n));
}

/* A sink that counts what it shows, as a window would show it (in sync with the clock). */
static GstElement *
make_counting_sink (CsCall *call, CsCallPeer *peer, gpointer user_data)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  gsize *shown = g_new0 (gsize, 1);

  g_object_set_data_full (G_OBJECT (peer), "frames-shown", shown, g_free);
  g_object_set (sink, "sync", TRUE, "async", FALSE, "signal-handoffs", TRUE, "qos", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_frame_shown), shown);
  {
    Picture *picture = g_new0 (Picture, 1);

    g_object_set_data_full (G_OBJECT (peer), "picture", picture, g_free);
    g_signal_connect (sink, "handoff", G_CALLBACK (on_frame_measured), picture);
  }
  return sink;
}

static void
on_camera_lost (CsCall *call, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("camera-lost");

  cs_bot_emit (builder);
}

static void
on_sharing_screen (CsCall *call, GParamSpec *pspec, Bot *bot)
{
  g_autoptr (JsonBuilder) builder = cs_bot_begin ("sharing-screen");

  cs_bot_add_boolean (builder, "sharing", cs_call_get_sharing_screen (call));
  cs_bot_emit (builder);
}

static gboolean
on_share_screen (gpointer user_data)
{
  Bot *bot = user_data;
  g_autoptr (GError) error = NULL;

  if (!cs_call_share_screen (bot->call, -1, 0, &error))
    g_warning ("Could not share the screen: %s", error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_share (gpointer user_data)
{
  cs_call_stop_screen_share (((Bot *) user_data)->call);
  return G_SOURCE_REMOVE;
}

/* SIGHUP starts sharing the screen, or stops it: tests do it at the moment they choose. */
static gboolean
on_share_signal (gpointer user_data)
{
  Bot *bot = user_data;

  if (bot->call != NULL && cs_call_get_sharing_screen (bot->call))
    on_stop_share (bot);
  else if (bot->call != NULL)
    on_share_screen (bot);
  return G_SOURCE_CONTINUE;
}

/* The device of @kind whose name or identifier is @wanted (test devices, usually). */
static GstDevice *
find_device (CsDevices *devices, CsDeviceKind kind, const char *wanted)
{
  GListModel *model = cs_devices_get_model (devices, kind);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GstDevice) device = g_list_model_get_item (model, i);
      g_autofree char *name = gst_device_get_display_name (device);
      g_autofree char *id = cs_devices_dup_id (device);

      if (g_str_equal (name, wanted) || g_str_equal (id, wanted))
        return device;
    }
  g_warning ("No device called %s", wanted);
  return NULL;
}

static void
choose_devices (Bot *bot)
{
  static CsDevices *devices;

  if (opt_no_echo_cancellation)
    cs_call_set_echo_cancellation (bot->call, FALSE);
  if (opt_no_camera)
    cs_call_set_camera (bot->call, NULL);
  if (opt_no_microphone)
    cs_call_set_microphone (bot->call, NULL);
  if (opt_camera == NULL && opt_microphone == NULL)
    return;

  /* Kept for the whole run: it watches the devices come and go. */
  devices = cs_devices_new (-1);
  if (opt_camera != NULL)
    cs_call_set_camera (bot->call, find_device (devices, CS_DEVICE_CAMERA, opt_camera));
  if (opt_microphone != NULL)
    cs_call_set_microphone (bot->call, find_device (devices, CS_DEVICE_MICROPHONE, opt_microphone));
}

static void
start_call (Bot *bot)
{
  g_autoptr (GError) error = NULL;

  bot->call = cs_call_new (bot->signaling, opt_name != NULL ? opt_name : opt_id);
  cs_call_set_video_size (bot->call, opt_width, opt_height, opt_fps);
  cs_call_set_max_participants (bot->call, opt_max_participants);
  cs_call_set_share_encoders (bot->call, !opt_per_peer_encoders);
  cs_call_set_latency (bot->call, opt_latency);
  cs_call_set_video_sink_func (bot->call, make_counting_sink, NULL, NULL);
  if (opt_media_file != NULL)
    cs_call_set_media_file (bot->call, opt_media_file);
  if (bot->xmpp != NULL)
    cs_call_set_ice_servers (bot->call, cs_bot_xmpp_get_ice_servers (bot->xmpp));

  g_signal_connect (bot->call, "notify::state", G_CALLBACK (on_state), bot);
  g_signal_connect (bot->call, "peer-added", G_CALLBACK (on_peer_added), bot);
  g_signal_connect (bot->call, "peer-removed", G_CALLBACK (on_peer_removed), bot);
  g_signal_connect (bot->call, "bitrate-changed", G_CALLBACK (on_bitrate_changed), bot);
  g_signal_connect (bot->call, "camera-lost", G_CALLBACK (on_camera_lost), bot);
  g_signal_connect (bot->call, "notify::sharing-screen", G_CALLBACK (on_sharing_screen), bot);
  choose_devices (bot);

  if (!cs_call_join (bot->call, &error))
    {
      g_autoptr (JsonBuilder) builder = cs_bot_begin ("error");

      cs_bot_add_string (builder, "message", error->message);
      cs_bot_emit (builder);
      bot->exit_status = 1;
      g_main_loop_quit (bot->loop);
      return;
    }

  bot->tick_id = g_timeout_add_seconds (1, on_tick, bot);
  if (opt_duration > 0)
    g_timeout_add_seconds (opt_duration, on_leave, bot);
  if (opt_mute_at >= 0)
    g_timeout_add (opt_mute_at * 1000, on_mute, bot);
  if (opt_camera_off_at >= 0)
    g_timeout_add (opt_camera_off_at * 1000, on_camera_off, bot);
  if (opt_share_screen_at >= 0)
    g_timeout_add (opt_share_screen_at * 1000, on_share_screen, bot);
  if (opt_stop_share_at >= 0)
    g_timeout_add (opt_stop_share_at * 1000, on_stop_share, bot);
}

static void
on_xmpp_ready (CsCallSignaling *signaling, const GError *error, gpointer user_data)
{
  Bot *bot = user_data;

  if (signaling == NULL)
    {
      g_autoptr (JsonBuilder) builder = cs_bot_begin ("error");

      cs_bot_add_string (builder, "message", error->message);
      cs_bot_emit (builder);
      bot->exit_status = 1;
      g_main_loop_quit (bot->loop);
      return;
    }

  bot->signaling = g_object_ref (signaling);
  start_call (bot);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— a headless call participant");
  g_autoptr (GError) error = NULL;
  Bot bot = { 0 };

  /* Standard output carries the events, and only them. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if ((opt_hub == NULL && opt_xmpp == NULL) || opt_id == NULL)
    {
      g_printerr ("--id and one of --hub or --xmpp are needed\n");
      return 2;
    }
  if (opt_ring != NULL && opt_answer)
    {
      g_printerr ("--ring and --answer do not go together\n");
      return 2;
    }
  if ((opt_ring != NULL || opt_answer) && (opt_xmpp == NULL || opt_circle != NULL))
    {
      g_printerr ("--ring and --answer need --xmpp, and no --circle\n");
      return 2;
    }
  if (opt_ring != NULL && strchr (opt_ring, '/') != NULL)
    {
      g_printerr ("--ring takes a bare address (no /resource)\n");
      return 2;
    }
  if (opt_xmpp != NULL && opt_circle == NULL && opt_ring == NULL && !opt_answer)
    {
      g_printerr ("--xmpp needs --circle, --ring or --answer\n");
      return 2;
    }
  if (!opt_real_devices)
    g_setenv ("COUSINADE_MEDIA", "test", TRUE);

  bot.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_leave, &bot);
  g_unix_signal_add (SIGINT, on_leave, &bot);
  g_unix_signal_add (SIGUSR1, on_camera_signal_off, &bot);
  g_unix_signal_add (SIGUSR2, on_camera_signal_on, &bot);
  g_unix_signal_add (SIGHUP, on_share_signal, &bot);

  if (opt_xmpp != NULL)
    {
      g_auto (GStrv) members = opt_members != NULL ? g_strsplit (opt_members, ",", -1) : NULL;
      g_autofree char *host = NULL;
      CsBotXmppOptions xmpp_options = { 0 };

      if (opt_server != NULL)
        {
          const char *colon = strrchr (opt_server, ':');

          host = colon != NULL ? g_strndup (opt_server, colon - opt_server) : g_strdup (opt_server);
          xmpp_options.port = colon != NULL ? (guint16) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
        }
      xmpp_options.address = opt_xmpp;
      xmpp_options.password = opt_password;
      xmpp_options.register_first = opt_register;
      xmpp_options.host = host;
      xmpp_options.ca_file = opt_ca_file;
      xmpp_options.nick = opt_id;
      xmpp_options.circle = opt_circle;
      xmpp_options.create_circle_name = opt_create_circle;
      xmpp_options.members = (const char *const *) members;
      xmpp_options.start_call = opt_start_call;
      xmpp_options.ring = opt_ring;
      xmpp_options.answer = opt_answer;
      xmpp_options.wait_seconds = opt_wait;
      xmpp_options.fallback_turn = opt_turn;
      bot.xmpp = cs_bot_xmpp_new (&xmpp_options);
      cs_bot_xmpp_start (bot.xmpp, on_xmpp_ready, &bot);
    }
  else
    {
      bot.signaling = CS_CALL_SIGNALING (cs_local_signaling_new (opt_hub, opt_call, opt_id));
      start_call (&bot);
    }

  g_main_loop_run (bot.loop);

  g_clear_handle_id (&bot.leave_id, g_source_remove);
  /* Signing out below iterates the main context: nothing may read the call by then. */
  g_clear_handle_id (&bot.tick_id, g_source_remove);
  if (bot.call != NULL)
    g_signal_handlers_disconnect_by_data (bot.call, &bot);
  g_clear_object (&bot.call);
  g_clear_object (&bot.signaling);
  if (bot.xmpp != NULL)
    {
      /* What we queued (session-terminate, the "left" notice) goes out before we go. */
      cs_bot_xmpp_sign_out (bot.xmpp, 2000);
      cs_bot_xmpp_free (bot.xmpp);
    }
  g_main_loop_unref (bot.loop);
  return bot.exit_status;
}
