/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-adaptation"

#include "config.h"

#include "cs-call-adaptation.h"
#include "cs-media-elements.h"

/* How the shared encoder's bitrate answers what receivers report. */

static void
test_lossy_link_lowers (void)
{
  CsBitrateBounds bounds = cs_call_adaptation_bounds_for_size (640, 360);
  const char *reason = NULL;
  guint kbps = 500;

  /* 10% loss reported every second: down, for that reason, and never under the floor. */
  for (guint i = 0; i < 50; i++)
    {
      guint next = cs_call_adaptation_next (&bounds, kbps, 0.10, 20, &reason);

      g_assert_cmpuint (next, <=, kbps);
      kbps = next;
    }
  g_assert_cmpstr (reason, ==, "packet loss");
  g_assert_cmpuint (kbps, ==, bounds.min_kbps);
}

static void
test_clean_link_recovers (void)
{
  CsBitrateBounds bounds = cs_call_adaptation_bounds_for_size (640, 360);
  const char *reason = NULL;
  guint kbps = bounds.min_kbps;

  for (guint i = 0; i < 100; i++)
    kbps = cs_call_adaptation_next (&bounds, kbps, 0.0, 20, &reason);
  g_assert_cmpstr (reason, ==, "clean link");
  g_assert_cmpuint (kbps, ==, bounds.max_kbps);
}

static void
test_moderate_loss_holds (void)
{
  CsBitrateBounds bounds = cs_call_adaptation_bounds_for_size (640, 360);
  const char *reason = NULL;

  /* A little loss is normal on the Internet: no sawtooth. */
  g_assert_cmpuint (cs_call_adaptation_next (&bounds, 400, 0.02, 50, &reason), ==, 400);
  g_assert_null (reason);
}

static void
test_long_round_trip_lowers (void)
{
  CsBitrateBounds bounds = cs_call_adaptation_bounds_for_size (640, 360);
  const char *reason = NULL;

  g_assert_cmpuint (cs_call_adaptation_next (&bounds, 400, 0.0, 800, &reason), <, 400);
  g_assert_cmpstr (reason, ==, "long round trip");
}

static void
test_bounds_grow_with_size (void)
{
  CsBitrateBounds small = cs_call_adaptation_bounds_for_size (320, 180);
  CsBitrateBounds hd = cs_call_adaptation_bounds_for_size (1280, 720);

  g_assert_cmpuint (small.min_kbps, <, small.max_kbps);
  g_assert_cmpuint (hd.max_kbps, >, small.max_kbps);
}

static void
test_stamp_round_trip (void)
{
  GstVideoInfo info;
  g_autoptr (GstBuffer) buffer = NULL;
  GstVideoFrame frame;
  gint64 now = g_get_real_time () / 1000;
  gint64 read = 0;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 180);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READWRITE));

  /* A black picture carries no stamp; a stamped one gives its time back. */
  cs_media_fill_black (&frame);
  g_assert_false (cs_media_stamp_read (&frame, &read));
  cs_media_stamp_write (&frame, now);
  g_assert_true (cs_media_stamp_read (&frame, &read));
  g_assert_cmpint (read, ==, now & ((G_GINT64_CONSTANT (1) << 44) - 1));
  gst_video_frame_unmap (&frame);
}

static void
test_missing_element (void)
{
  g_autoptr (GError) error = NULL;
  GstElement *element = cs_media_make ("no-such-element-here", NULL, &error);

  g_assert_null (element);
  g_assert_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_MISSING_ELEMENT);
  /* What to install, and which element was missing, for whoever fixes it. */
  g_assert_nonnull (strstr (error->message, "Install the GStreamer plugins"));
  g_assert_nonnull (strstr (error->message, "no-such-element-here"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/adaptation/lossy-link-lowers", test_lossy_link_lowers);
  g_test_add_func ("/adaptation/clean-link-recovers", test_clean_link_recovers);
  g_test_add_func ("/adaptation/moderate-loss-holds", test_moderate_loss_holds);
  g_test_add_func ("/adaptation/long-round-trip-lowers", test_long_round_trip_lowers);
  g_test_add_func ("/adaptation/bounds-grow-with-size", test_bounds_grow_with_size);
  g_test_add_func ("/media/stamp-round-trip", test_stamp_round_trip);
  g_test_add_func ("/media/missing-element", test_missing_element);

  return g_test_run ();
}
