/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-video-sink"

#include "config.h"

#include "cs-call.h"
#include "cs-local-hub.h"
#include "cs-local-signaling.h"
#include "cs-video-paintable.h"

#include <glib/gstdio.h>
#include <gst/video/video.h>
#include <gtk/gtk.h>

/*
 * The video sink as a person sees it: frames of any size and stride arrive whole and
 * straight, the picture takes the frames' size and shape, frames come at the size the picture
 * is drawn, only the newest frame is shown, a small buffer pool upstream never stalls, the self
 * view is mirrored, and a call shows its own capture without capturing or encoding twice.
 */

#define WAIT_SECONDS 20
#define FRAME_DURATION (10 * GST_MSECOND)

typedef struct
{
  guint8 r, g, b;
} Rgb;

static const Rgb RED = { 255, 0, 0 };
static const Rgb BLUE = { 0, 0, 255 };
static const Rgb WHITE = { 255, 255, 255 };
static const Rgb BLACK = { 0, 0, 0 };

typedef Rgb (*ColorFunc) (int x, int y, guint index);

typedef struct
{
  CsVideoPaintable *paintable;
  guint invalidated_contents;
  guint invalidated_size;
  GstElement *pipeline;
  GstElement *appsrc;
  gboolean eos;
} Fixture;

static void
on_invalidate_contents (GdkPaintable *paintable, Fixture *fixture)
{
  fixture->invalidated_contents++;
}

static void
on_invalidate_size (GdkPaintable *paintable, Fixture *fixture)
{
  fixture->invalidated_size++;
}

/* Stops the test on a pipeline error; notes the end of the stream. */
static void
poll_bus (Fixture *fixture)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (fixture->pipeline);
  GstMessage *message;

  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS)) != NULL)
    {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *debug = NULL;

          gst_message_parse_error (message, &error, &debug);
          g_error ("Pipeline error: %s (%s)", error->message, debug);
        }
      fixture->eos = TRUE;
      gst_message_unref (message);
    }
}

/* Runs the main context (where frames are swapped in) until @condition, for at most
 * WAIT_SECONDS. */
#define WAIT_UNTIL(fixture, condition)                                           \
  G_STMT_START                                                                   \
  {                                                                              \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;  \
    while (!(condition) && g_get_monotonic_time () < deadline_)                  \
      {                                                                          \
        if ((fixture)->pipeline != NULL)                                         \
          poll_bus (fixture);                                                    \
        if (!g_main_context_iteration (NULL, FALSE))                             \
          g_usleep (1000);                                                       \
      }                                                                          \
    if (!(condition))                                                            \
      g_error ("Timed out after %d s waiting for %s", WAIT_SECONDS, #condition); \
  }                                                                              \
  G_STMT_END

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->paintable = cs_video_paintable_new ();
  g_signal_connect (fixture->paintable, "invalidate-contents", G_CALLBACK (on_invalidate_contents),
                    fixture);
  g_signal_connect (fixture->paintable, "invalidate-size", G_CALLBACK (on_invalidate_size),
                    fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->pipeline != NULL)
    {
      gst_element_set_state (fixture->pipeline, GST_STATE_NULL);
      g_assert_finalize_object (g_steal_pointer (&fixture->pipeline));
    }
  settle ();
  g_assert_finalize_object (g_steal_pointer (&fixture->paintable));
}

/* appsrc ─ the paintable's sink, playing. */
static void
play_appsrc (Fixture *fixture, const GstVideoInfo *info)
{
  g_autoptr (GstCaps) caps = gst_video_info_to_caps (info);
  GstElement *sink = cs_video_paintable_make_sink (fixture->paintable);

  fixture->pipeline = gst_pipeline_new (NULL);
  fixture->appsrc = gst_element_factory_make ("appsrc", NULL);
  g_assert_nonnull (fixture->appsrc);
  g_object_set (fixture->appsrc, "format", GST_FORMAT_TIME, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (fixture->pipeline), fixture->appsrc, sink, NULL);
  g_assert_true (gst_element_link (fixture->appsrc, sink));
  g_assert_cmpint (gst_element_set_state (fixture->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
}

static void
play_description (Fixture *fixture, const char *description)
{
  g_autoptr (GError) error = NULL;
  GstElement *source = gst_parse_bin_from_description (description, TRUE, &error);
  GstElement *sink = cs_video_paintable_make_sink (fixture->paintable);

  g_assert_no_error (error);
  fixture->pipeline = gst_pipeline_new (NULL);
  gst_bin_add_many (GST_BIN (fixture->pipeline), source, sink, NULL);
  g_assert_true (gst_element_link (source, sink));
  g_assert_cmpint (gst_element_set_state (fixture->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
}

/* BT.601 limited range: what videoconvert assumes for pictures this small. */
static void
rgb_to_yuv (Rgb c, guint8 *y, guint8 *u, guint8 *v)
{
  *y = (guint8) (16 + (65.481 * c.r + 128.553 * c.g + 24.966 * c.b) / 255 + 0.5);
  *u = (guint8) (128 + (-37.797 * c.r - 74.203 * c.g + 112.0 * c.b) / 255 + 0.5);
  *v = (guint8) (128 + (112.0 * c.r - 93.786 * c.g - 18.214 * c.b) / 255 + 0.5);
}

/* Draws frame @index of @color into @buffer, honouring its strides and offsets. */
static void
fill_buffer (GstBuffer *buffer, const GstVideoInfo *info, ColorFunc color, guint index)
{
  GstVideoFrame frame;
  int width = GST_VIDEO_INFO_WIDTH (info);
  int height = GST_VIDEO_INFO_HEIGHT (info);

  g_assert_true (gst_video_frame_map (&frame, (GstVideoInfo *) info, buffer, GST_MAP_WRITE));
  switch (GST_VIDEO_INFO_FORMAT (info))
    {
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_RGBA:
      {
        guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
        int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
        int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0);

        for (int y = 0; y < height; y++)
          for (int x = 0; x < width; x++)
            {
              guint8 *pixel = data + y * stride + x * pstride;
              Rgb c = color (x, y, index);

              pixel[0] = c.r;
              pixel[1] = c.g;
              pixel[2] = c.b;
              if (pstride == 4)
                pixel[3] = 255;
            }
        break;
      }
    case GST_VIDEO_FORMAT_I420:
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guint8 *luma = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
            guint8 *cb = GST_VIDEO_FRAME_PLANE_DATA (&frame, 1);
            guint8 *cr = GST_VIDEO_FRAME_PLANE_DATA (&frame, 2);
            int chroma_offset = (y / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 1) + (x / 2);
            guint8 yy, u, v;

            rgb_to_yuv (color (x, y, index), &yy, &u, &v);
            luma[y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x] = yy;
            if (x % 2 == 0 && y % 2 == 0)
              {
                cb[chroma_offset] = u;
                cr[(y / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 2) + (x / 2)] = v;
              }
          }
      break;
    default:
      g_assert_not_reached ();
    }
  gst_video_frame_unmap (&frame);
}

static void
stamp_buffer (GstBuffer *buffer, guint index)
{
  GST_BUFFER_PTS (buffer) = index * FRAME_DURATION;
  GST_BUFFER_DURATION (buffer) = FRAME_DURATION;
}

static void
push_buffer (Fixture *fixture, GstBuffer *buffer)
{
  GstFlowReturn ret;

  /* The signal takes its own reference. */
  g_signal_emit_by_name (fixture->appsrc, "push-buffer", buffer, &ret);
  g_assert_cmpint (ret, ==, GST_FLOW_OK);
}

static void
push_frame (Fixture *fixture, const GstVideoInfo *info, ColorFunc color, guint index)
{
  g_autoptr (GstBuffer) buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);

  fill_buffer (buffer, info, color, index);
  stamp_buffer (buffer, index);
  push_buffer (fixture, buffer);
}

static void
end_stream (Fixture *fixture)
{
  GstFlowReturn ret;

  g_signal_emit_by_name (fixture->appsrc, "end-of-stream", &ret);
  g_assert_cmpint (ret, ==, GST_FLOW_OK);
}

/* The picture as a person would see it, at @width x @height: the paintable drawn through
 * GSK's own cairo drawing of its render node. */
static cairo_surface_t *
draw_paintable (GdkPaintable *paintable, int width, int height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static cairo_surface_t *
download_texture (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static Rgb
surface_pixel (cairo_surface_t *surface, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 pixel = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4);

  /* Opaque pictures only: premultiplied is plain. */
  g_assert_cmpuint (pixel >> 24, ==, 255);
  return (Rgb){ (pixel >> 16) & 0xff, (pixel >> 8) & 0xff, pixel & 0xff };
}

#define assert_pixel(surface, x, y, expected, tolerance)                                     \
  G_STMT_START                                                                               \
  {                                                                                          \
    Rgb got_ = surface_pixel ((surface), (x), (y));                                          \
    Rgb want_ = (expected);                                                                  \
    if (ABS (got_.r - want_.r) > (tolerance) || ABS (got_.g - want_.g) > (tolerance) ||      \
        ABS (got_.b - want_.b) > (tolerance))                                                \
      g_error ("Pixel (%d, %d) is %u,%u,%u, not %u,%u,%u", (x), (y), got_.r, got_.g, got_.b, \
               want_.r, want_.g, want_.b);                                                   \
  }                                                                                          \
  G_STMT_END

/* Red on the left, a white stripe at columns 200-209, blue in the last column, black
 * elsewhere: rows read with a wrong stride would move the stripe and the blue column. */
static Rgb
stripes (int x, int y, guint index)
{
  if (x < 100)
    return RED;
  if (x >= 200 && x < 210)
    return WHITE;
  if (x == 320)
    return BLUE;
  return BLACK;
}

static void
check_odd_size (Fixture *fixture, GstVideoFormat format, int tolerance)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  cairo_surface_t *surface;
  GstVideoInfo info;
  int width, height;

  gst_video_info_set_format (&info, format, 321, 241);
  GST_VIDEO_INFO_FPS_N (&info) = 100;
  /* Rows padded to 4 bytes: 964 for RGB, 324 for I420's luma. */
  g_assert_cmpint (GST_VIDEO_INFO_PLANE_STRIDE (&info, 0), >,
                   321 * GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0));
  play_appsrc (fixture, &info);
  for (guint i = 0; i < 3; i++)
    push_frame (fixture, &info, stripes, i);
  end_stream (fixture);
  WAIT_UNTIL (fixture,
              fixture->eos && cs_video_paintable_get_frames_shown (fixture->paintable) > 0);
  settle ();

  cs_video_paintable_get_frame_size (fixture->paintable, &width, &height);
  g_assert_cmpint (width, ==, 321);
  g_assert_cmpint (height, ==, 241);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 321);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 241);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (paintable),
                                  321.0 / 241.0, 1e-9);

  surface = download_texture (cs_video_paintable_get_texture (fixture->paintable));
  for (int y = 0; y < 241; y += 60)
    {
      /* Away from colour edges, where chroma subsampling blends neighbours. */
      assert_pixel (surface, 50, y, RED, tolerance);
      assert_pixel (surface, 150, y, BLACK, tolerance);
      assert_pixel (surface, 204, y, WHITE, tolerance);
      assert_pixel (surface, 260, y, BLACK, tolerance);
      if (tolerance == 0)
        assert_pixel (surface, 320, y, BLUE, 0);
    }
  cairo_surface_destroy (surface);
}

/* RGB goes to GDK as it is (no conversion), with its padded rows. */
static void
test_odd_size_rgb (Fixture *fixture, gconstpointer data)
{
  check_odd_size (fixture, GST_VIDEO_FORMAT_RGB, 0);
}

/* I420 is converted in the sink's bin: odd width and height, chroma planes rounded up. */
static void
test_odd_size_i420 (Fixture *fixture, gconstpointer data)
{
  check_odd_size (fixture, GST_VIDEO_FORMAT_I420, 12);
}

/* A white stripe at a tenth of the width. */
static Rgb
stripe_at_tenth (int x, int y, guint index)
{
  return x >= 20 && x < 40 ? WHITE : BLACK;
}

static Rgb
stripe_at_tenth_wide (int x, int y, guint index)
{
  return x >= 64 && x < 128 ? WHITE : BLACK;
}

static void
test_resolution_change (Fixture *fixture, gconstpointer data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  g_autoptr (GstCaps) caps = NULL;
  cairo_surface_t *surface;
  GstVideoInfo info;
  guint index = 0;
  int width, height;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 320, 240);
  play_appsrc (fixture, &info);
  for (; index < 3; index++)
    push_frame (fixture, &info, stripe_at_tenth, index);
  WAIT_UNTIL (fixture, gdk_paintable_get_intrinsic_width (paintable) == 320);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 240);
  g_assert_cmpuint (fixture->invalidated_size, ==, 1);

  /* Mid-stream, as when a sender's encoder steps up its resolution. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 640, 360);
  caps = gst_video_info_to_caps (&info);
  g_object_set (fixture->appsrc, "caps", caps, NULL);
  for (; index < 6; index++)
    push_frame (fixture, &info, stripe_at_tenth_wide, index);
  end_stream (fixture);
  WAIT_UNTIL (fixture, gdk_paintable_get_intrinsic_width (paintable) == 640);
  WAIT_UNTIL (fixture, fixture->eos);
  settle ();

  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 360);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (paintable),
                                  640.0 / 360.0, 1e-9);
  cs_video_paintable_get_frame_size (fixture->paintable, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 360);
  /* Once when the first frame came, once for the change: not for every frame. */
  g_assert_cmpuint (fixture->invalidated_size, ==, 2);
  g_assert_cmpuint (fixture->invalidated_contents, >=, 2);

  surface = draw_paintable (paintable, 640, 360);
  assert_pixel (surface, 96, 10, WHITE, 0);
  assert_pixel (surface, 96, 350, WHITE, 0);
  assert_pixel (surface, 30, 180, BLACK, 0);
  assert_pixel (surface, 300, 180, BLACK, 0);
  cairo_surface_destroy (surface);
}

/* 4:3 pixels, as some cameras and broadcast formats send: a 320x240 frame is 16:9 on
 * screen. */
static void
test_pixel_aspect_ratio (Fixture *fixture, gconstpointer data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  int width, height;

  play_description (fixture,
                    "videotestsrc num-buffers=3 ! capsfilter caps=\"video/x-raw,format=I420,"
                    "width=320,height=240,pixel-aspect-ratio=4/3,framerate=100/1\"");
  WAIT_UNTIL (fixture,
              fixture->eos && cs_video_paintable_get_frames_shown (fixture->paintable) > 0);
  settle ();

  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (paintable), 16.0 / 9.0,
                                  1e-9);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 427);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 240);
  /* The pixels themselves are as they came. */
  cs_video_paintable_get_frame_size (fixture->paintable, &width, &height);
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 240);
}

/* On 320 columns: red in the left quarter, a white stripe at columns 160-199, black
 * elsewhere; scaled, everything moves in proportion. */
static Rgb
quarters (int x, int y, guint index)
{
  if (x < 80)
    return RED;
  if (x >= 160 && x < 200)
    return WHITE;
  return BLACK;
}

/* The same picture on 640 columns. */
static Rgb
quarters_wide (int x, int y, guint index)
{
  return quarters (x / 2, y / 2, index);
}

/* Pushes frames until the paintable shows one of @width x @height pixels (a renegotiation
 * takes effect on the frame after it is asked for), and returns the next frame's index. */
static guint
push_until_frame_size (Fixture *fixture,
                       const GstVideoInfo *info,
                       ColorFunc color,
                       guint index,
                       int width,
                       int height)
{
  for (guint n = 0; n < 30; n++, index++)
    {
      guint64 shown = cs_video_paintable_get_frames_shown (fixture->paintable);
      int frame_width, frame_height;

      push_frame (fixture, info, color, index);
      WAIT_UNTIL (fixture, cs_video_paintable_get_frames_shown (fixture->paintable) > shown);
      cs_video_paintable_get_frame_size (fixture->paintable, &frame_width, &frame_height);
      if (frame_width == width && frame_height == height)
        return index + 1;
    }
  g_error ("No %dx%d frame after 30", width, height);
}

/* The quarters picture at 160x120 (or drawn at that size): red, black, white, black. */
static void
assert_quarters_160 (cairo_surface_t *surface, gboolean mirrored)
{
  for (int y = 10; y < 120; y += 50)
    {
      /* Away from the edges, which bilinear scaling and chroma subsampling blend. */
      assert_pixel (surface, mirrored ? 139 : 20, y, RED, 16);
      assert_pixel (surface, mirrored ? 99 : 60, y, BLACK, 16);
      assert_pixel (surface, mirrored ? 69 : 90, y, WHITE, 16);
      assert_pixel (surface, mirrored ? 29 : 130, y, BLACK, 16);
    }
}

/* A 320x240 picture drawn at 160x120, as in a small tile: the frames come at 160x120, scaled
 * on the streaming thread, and are drawn as they are; GtkPicture still lays out a 320x240
 * picture. Drawn as big as the source, or bigger, they come as they are again. */
static void
test_drawn_size (Fixture *fixture, gconstpointer data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  g_autoptr (GstCaps) caps = NULL;
  cairo_surface_t *surface;
  GstVideoInfo info;
  guint index = 0;
  int width, height;

  /* I420, as decoders give it: scaled, then converted. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  play_appsrc (fixture, &info);
  index = push_until_frame_size (fixture, &info, quarters, index, 320, 240);

  /* Drawn at 160x120, then at once at 200x150, as while a window is being resized: the first
   * size is taken, the next ones wait for the size to settle. */
  cairo_surface_destroy (draw_paintable (paintable, 160, 120));
  cairo_surface_destroy (draw_paintable (paintable, 200, 150));
  index = push_until_frame_size (fixture, &info, quarters, index, 160, 120);
  index = push_until_frame_size (fixture, &info, quarters, index, 160, 120);

  /* The picture's size and shape are the source's: the layout does not follow the drawing. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 320);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 240);
  g_assert_cmpfloat_with_epsilon (gdk_paintable_get_intrinsic_aspect_ratio (paintable),
                                  320.0 / 240.0, 1e-9);
  g_assert_cmpuint (fixture->invalidated_size, ==, 1);

  /* The frame itself, and as drawn (pixel for pixel), straight and mirrored. */
  surface = download_texture (cs_video_paintable_get_texture (fixture->paintable));
  assert_quarters_160 (surface, FALSE);
  cairo_surface_destroy (surface);
  surface = draw_paintable (paintable, 160, 120);
  assert_quarters_160 (surface, FALSE);
  cairo_surface_destroy (surface);
  cs_video_paintable_set_mirrored (fixture->paintable, TRUE);
  surface = draw_paintable (paintable, 160, 120);
  assert_quarters_160 (surface, TRUE);
  cairo_surface_destroy (surface);
  cs_video_paintable_set_mirrored (fixture->paintable, FALSE);

  /* The sender steps up to 640x480: still drawn at 160x120, the frames stay that size; the
   * picture's intrinsic size follows the source. */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 640, 480);
  caps = gst_video_info_to_caps (&info);
  g_object_set (fixture->appsrc, "caps", caps, NULL);
  index = push_until_frame_size (fixture, &info, quarters_wide, index, 160, 120);
  WAIT_UNTIL (fixture, gdk_paintable_get_intrinsic_width (paintable) == 640);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 480);
  g_assert_cmpuint (fixture->invalidated_size, ==, 2);
  surface = download_texture (cs_video_paintable_get_texture (fixture->paintable));
  assert_quarters_160 (surface, FALSE);
  cairo_surface_destroy (surface);

  /* Drawn bigger than the source, once the resize has settled: frames as they come, never
   * scaled up. */
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  cairo_surface_destroy (draw_paintable (paintable, 800, 600));
  index = push_until_frame_size (fixture, &info, quarters_wide, index, 640, 480);
  end_stream (fixture);
  WAIT_UNTIL (fixture, fixture->eos);
  settle ();
  cs_video_paintable_get_frame_size (fixture->paintable, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);
}

/* Each frame a different shade, so that which one is shown can be read from any pixel. */
static Rgb
shade (int x, int y, guint index)
{
  return (Rgb){ index * 4, 255 - index * 4, 0 };
}

typedef struct
{
  Fixture *fixture;
  GstBufferPool *pool;
  GstVideoInfo info;
  guint n_frames;
  guint n_pushed;
} Pusher;

static gpointer
push_from_pool (gpointer data)
{
  Pusher *pusher = data;

  for (guint i = 0; i < pusher->n_frames; i++)
    {
      g_autoptr (GstBuffer) buffer = NULL;

      /* Blocks while both buffers of the pool are out. */
      g_assert_cmpint (gst_buffer_pool_acquire_buffer (pusher->pool, &buffer, NULL), ==,
                       GST_FLOW_OK);
      fill_buffer (buffer, &pusher->info, shade, i);
      stamp_buffer (buffer, i);
      push_buffer (pusher->fixture, buffer);
      g_atomic_int_inc (&pusher->n_pushed);
    }
  end_stream (pusher->fixture);
  return NULL;
}

/* Upstream has only two buffers (a camera's or a hardware decoder's pool), and nothing draws
 * the paintable: the frame on display and a pending one must not be those two. */
static void
test_small_pool (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GThread) thread = NULL;
  cairo_surface_t *surface;
  GstStructure *config;
  Pusher pusher = { fixture, NULL };

  /* RGBA goes through the sink's converter untouched: the sink gets the pool's buffers. */
  gst_video_info_set_format (&pusher.info, GST_VIDEO_FORMAT_RGBA, 64, 48);
  caps = gst_video_info_to_caps (&pusher.info);
  pusher.n_frames = 60;
  pusher.pool = gst_video_buffer_pool_new ();
  config = gst_buffer_pool_get_config (pusher.pool);
  gst_buffer_pool_config_set_params (config, caps, GST_VIDEO_INFO_SIZE (&pusher.info), 2, 2);
  g_assert_true (gst_buffer_pool_set_config (pusher.pool, config));
  g_assert_true (gst_buffer_pool_set_active (pusher.pool, TRUE));

  play_appsrc (fixture, &pusher.info);
  thread = g_thread_new ("pusher", push_from_pool, &pusher);
  WAIT_UNTIL (fixture, cs_video_paintable_get_frames_shown (fixture->paintable) > 0);

  /* From now on the main context does not run: a frame is on display, the next ones pile up
   * as pending. */
  bus = gst_element_get_bus (fixture->pipeline);
  message = gst_bus_timed_pop_filtered (bus, WAIT_SECONDS * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  g_assert_cmpuint (g_atomic_int_get (&pusher.n_pushed), ==, pusher.n_frames);
  g_thread_join (g_steal_pointer (&thread));

  settle ();
  surface = download_texture (cs_video_paintable_get_texture (fixture->paintable));
  assert_pixel (surface, 32, 24, shade (0, 0, pusher.n_frames - 1), 0);
  cairo_surface_destroy (surface);

  gst_element_set_state (fixture->pipeline, GST_STATE_NULL);
  g_assert_true (gst_buffer_pool_set_active (pusher.pool, FALSE));
  g_assert_finalize_object (pusher.pool);
}

/* Ten frames arrive while the main context is busy: the picture jumps to the tenth, in one
 * swap, instead of replaying the backlog. */
static void
test_newest_only (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  cairo_surface_t *surface;
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 64, 48);
  play_appsrc (fixture, &info);
  for (guint i = 1; i <= 10; i++)
    push_frame (fixture, &info, shade, i);
  end_stream (fixture);

  /* The sink has rendered all ten once the end of the stream reaches the bus. */
  bus = gst_element_get_bus (fixture->pipeline);
  message = gst_bus_timed_pop_filtered (bus, WAIT_SECONDS * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  g_assert_cmpuint (cs_video_paintable_get_frames_shown (fixture->paintable), ==, 0);
  g_assert_cmpint (cs_video_paintable_get_first_frame_time (fixture->paintable), ==, 0);

  settle ();
  g_assert_cmpuint (cs_video_paintable_get_frames_shown (fixture->paintable), ==, 1);
  g_assert_cmpuint (fixture->invalidated_contents, ==, 1);
  g_assert_cmpint (cs_video_paintable_get_first_frame_time (fixture->paintable), >, 0);
  surface = download_texture (cs_video_paintable_get_texture (fixture->paintable));
  assert_pixel (surface, 32, 24, shade (0, 0, 10), 0);
  cairo_surface_destroy (surface);

  /* Cleared, it is empty until a next frame. */
  cs_video_paintable_clear (fixture->paintable);
  g_assert_null (cs_video_paintable_get_texture (fixture->paintable));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (fixture->paintable)), ==, 0);
}

static Rgb
red_left_blue_right (int x, int y, guint index)
{
  return x < 32 ? RED : BLUE;
}

/* The self view is a mirror: what is on the camera's left shows on the right. */
static void
test_mirrored (Fixture *fixture, gconstpointer data)
{
  GdkPaintable *paintable = GDK_PAINTABLE (fixture->paintable);
  g_autoptr (GdkPaintable) image = NULL;
  cairo_surface_t *surface;
  GstVideoInfo info;
  guint invalidated;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 64, 48);
  play_appsrc (fixture, &info);
  push_frame (fixture, &info, red_left_blue_right, 0);
  end_stream (fixture);
  WAIT_UNTIL (fixture,
              fixture->eos && cs_video_paintable_get_frames_shown (fixture->paintable) > 0);
  settle ();

  /* Drawn twice as big as it came, as in a large tile. */
  surface = draw_paintable (paintable, 128, 96);
  assert_pixel (surface, 16, 48, RED, 0);
  assert_pixel (surface, 112, 48, BLUE, 0);
  cairo_surface_destroy (surface);

  invalidated = fixture->invalidated_contents;
  cs_video_paintable_set_mirrored (fixture->paintable, TRUE);
  g_assert_true (cs_video_paintable_get_mirrored (fixture->paintable));
  g_assert_cmpuint (fixture->invalidated_contents, ==, invalidated + 1);
  surface = draw_paintable (paintable, 128, 96);
  assert_pixel (surface, 16, 48, BLUE, 0);
  assert_pixel (surface, 112, 48, RED, 0);
  cairo_surface_destroy (surface);

  /* A still of it (a screenshot, a drag icon) is mirrored too, and stays put. */
  image = gdk_paintable_get_current_image (paintable);
  g_assert_cmpint (gdk_paintable_get_flags (image), ==,
                   GDK_PAINTABLE_STATIC_CONTENTS | GDK_PAINTABLE_STATIC_SIZE);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (image), ==, 64);
  surface = draw_paintable (image, 64, 48);
  assert_pixel (surface, 8, 24, BLUE, 0);
  assert_pixel (surface, 56, 24, RED, 0);
  cairo_surface_destroy (surface);
}

static gboolean
surface_has_light_pixel (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        Rgb c = surface_pixel (surface, x, y);

        if (c.r > 200 && c.g > 200 && c.b > 200)
          return TRUE;
      }
  return FALSE;
}

/* The user's own picture during a call, from the call's capture: the test pattern's white
 * ball on black, with one capture and one encoder as before. */
static void
test_self_view (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-video-sink-XXXXXX", &error);
  g_autofree char *socket_path = NULL;
  CsLocalHub *hub;
  CsLocalSignaling *signaling;
  CsCall *call;
  cairo_surface_t *surface;
  int width, height;

  g_assert_no_error (error);
  socket_path = g_build_filename (dir, "hub", NULL);
  hub = cs_local_hub_new (socket_path, &error);
  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "call", "me");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Me");
  cs_call_set_video_size (call, 320, 240, 15);
  cs_video_paintable_set_mirrored (fixture->paintable, TRUE);
  cs_call_set_self_view_sink (call, cs_video_paintable_make_sink (fixture->paintable));

  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (fixture, cs_video_paintable_get_frames_shown (fixture->paintable) >= 10);
  WAIT_UNTIL (fixture, cs_call_get_frames_sent (call) >= 10);
  settle ();

  cs_video_paintable_get_frame_size (fixture->paintable, &width, &height);
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 240);
  surface = draw_paintable (GDK_PAINTABLE (fixture->paintable), 320, 240);
  assert_pixel (surface, 0, 0, BLACK, 12);
  g_assert_true (surface_has_light_pixel (surface));
  cairo_surface_destroy (surface);

  /* The self view came from the one capture, not a second one, nor its own encoder. */
  g_assert_cmpuint (cs_call_get_capture_starts (call), ==, 1);
  g_assert_cmpuint (cs_call_get_encoder_starts (call), ==, 1);

  cs_call_leave (call);
  settle ();
  g_assert_finalize_object (call);
  g_assert_finalize_object (signaling);
  g_assert_finalize_object (hub);
  settle ();
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char *argv[])
{
  /* videotestsrc and audiotestsrc instead of a camera and a microphone. */
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  gst_init (&argc, &argv);
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/video-sink/odd-sizes/rgb", test_odd_size_rgb);
  ADD ("/video-sink/odd-sizes/i420", test_odd_size_i420);
  ADD ("/video-sink/resolution-change", test_resolution_change);
  ADD ("/video-sink/pixel-aspect-ratio", test_pixel_aspect_ratio);
  ADD ("/video-sink/drawn-size", test_drawn_size);
  ADD ("/video-sink/small-pool", test_small_pool);
  ADD ("/video-sink/newest-only", test_newest_only);
  ADD ("/video-sink/mirrored", test_mirrored);
  ADD ("/video-sink/self-view", test_self_view);

  return g_test_run ();
}
