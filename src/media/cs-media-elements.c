/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-media-elements"

#include "config.h"

#include "cs-media-elements.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (cs - media - error - quark, cs_media_error)

static const struct
{
  const char *factory;
  const char *package;
} element_packages[] = {
  { "webrtcbin", "gstreamer1.0-plugins-bad" },
  { "netsim", "gstreamer1.0-plugins-bad" },
  { "webrtcdsp", "gstreamer1.0-plugins-bad" },
  { "webrtcechoprobe", "gstreamer1.0-plugins-bad" },
  { "pipewiresrc", "gstreamer1.0-pipewire" },
  { "nicesrc", "gstreamer1.0-nice" },
  { "vp8enc", "gstreamer1.0-plugins-good" },
  { "vp8dec", "gstreamer1.0-plugins-good" },
  { "rtpvp8pay", "gstreamer1.0-plugins-good" },
  { "rtpvp8depay", "gstreamer1.0-plugins-good" },
  { "rtpopuspay", "gstreamer1.0-plugins-good" },
  { "rtpopusdepay", "gstreamer1.0-plugins-good" },
  { "level", "gstreamer1.0-plugins-good" },
  { "autovideosrc", "gstreamer1.0-plugins-good" },
  { "autoaudiosrc", "gstreamer1.0-plugins-good" },
  { "autoaudiosink", "gstreamer1.0-plugins-good" },
  { "opusenc", "gstreamer1.0-plugins-base" },
  { "opusdec", "gstreamer1.0-plugins-base" },
  { "audiomixer", "gstreamer1.0-plugins-base" },
  { "videotestsrc", "gstreamer1.0-plugins-base" },
  { "audiotestsrc", "gstreamer1.0-plugins-base" },
  { "videoconvert", "gstreamer1.0-plugins-base" },
  { "videoscale", "gstreamer1.0-plugins-base" },
  { "videorate", "gstreamer1.0-plugins-base" },
  { "audioconvert", "gstreamer1.0-plugins-base" },
  { "audioresample", "gstreamer1.0-plugins-base" },
  { "volume", "gstreamer1.0-plugins-base" },
};

GstElement *
cs_media_make (const char *factory, const char *name, GError **error)
{
  GstElement *element;
  const char *package = NULL;

  g_return_val_if_fail (factory != NULL, NULL);

  element = gst_element_factory_make (factory, name);
  if (element != NULL)
    return element;

  for (guint i = 0; i < G_N_ELEMENTS (element_packages); i++)
    if (g_str_equal (element_packages[i].factory, factory))
      package = element_packages[i].package;

  /* Translators: the first text is a GStreamer element name, the second a Debian package name
   * or "the GStreamer plugins"; they are for whoever installs the missing piece. */
  g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_MISSING_ELEMENT,
               _ ("Calls cannot work: a piece of GStreamer is missing on this computer (the %s "
                  "element). Install %s, or ask whoever looks after this computer to do it."),
               factory, package != NULL ? package : _ ("the GStreamer plugins"));
  return NULL;
}

gboolean
cs_media_add_chain (GstBin *bin, GstElement **elements, guint n, GError **error)
{
  g_return_val_if_fail (GST_IS_BIN (bin), FALSE);
  g_return_val_if_fail (elements != NULL, FALSE);

  for (guint i = 0; i < n; i++)
    if (elements[i] == NULL)
      {
        for (guint j = 0; j < n; j++)
          if (elements[j] != NULL)
            gst_object_unref (gst_object_ref_sink (elements[j]));
        return FALSE;
      }

  for (guint i = 0; i < n; i++)
    gst_bin_add (bin, elements[i]);
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      {
        g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link %s to %s",
                     GST_ELEMENT_NAME (elements[i]), GST_ELEMENT_NAME (elements[i + 1]));
        return FALSE;
      }
  return TRUE;
}

gboolean
cs_media_use_test_devices (void)
{
  return g_strcmp0 (g_getenv ("COUSINADE_MEDIA"), "test") == 0;
}

/* 44 bits of time (milliseconds wrap after five centuries) and a 4-bit check, in 4 rows of
 * 12 blocks of 16x16 pixels. */
#define STAMP_BLOCK 16
#define STAMP_COLUMNS 12
#define STAMP_TIME_BITS 44
#define STAMP_BITS 48

static guint
stamp_check (guint64 time_bits)
{
  guint sum = 0;

  for (guint i = 0; i < STAMP_TIME_BITS; i += 4)
    sum += (time_bits >> i) & 0xf;
  return (sum ^ 0x5) & 0xf;
}

void
cs_media_stamp_write (GstVideoFrame *frame, gint64 wall_ms)
{
  guint64 time_bits = (guint64) wall_ms & ((G_GUINT64_CONSTANT (1) << STAMP_TIME_BITS) - 1);
  guint64 word = time_bits | ((guint64) stamp_check (time_bits) << STAMP_TIME_BITS);
  guint8 *luma = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  g_return_if_fail (GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_I420);
  g_return_if_fail (GST_VIDEO_FRAME_WIDTH (frame) >= CS_MEDIA_STAMP_WIDTH);
  g_return_if_fail (GST_VIDEO_FRAME_HEIGHT (frame) >= CS_MEDIA_STAMP_HEIGHT);

  for (guint bit = 0; bit < STAMP_BITS; bit++)
    {
      guint x0 = (bit % STAMP_COLUMNS) * STAMP_BLOCK;
      guint y0 = (bit / STAMP_COLUMNS) * STAMP_BLOCK;
      guint8 value = (word >> bit) & 1 ? 235 : 16;

      for (guint y = y0; y < y0 + STAMP_BLOCK; y++)
        memset (luma + y * stride + x0, value, STAMP_BLOCK);
    }
}

gboolean
cs_media_stamp_read (const GstVideoFrame *frame, gint64 *wall_ms)
{
  const guint8 *luma = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint64 word = 0;
  guint64 time_bits;

  g_return_val_if_fail (wall_ms != NULL, FALSE);

  if (GST_VIDEO_FRAME_FORMAT (frame) != GST_VIDEO_FORMAT_I420 ||
      GST_VIDEO_FRAME_WIDTH (frame) < CS_MEDIA_STAMP_WIDTH ||
      GST_VIDEO_FRAME_HEIGHT (frame) < CS_MEDIA_STAMP_HEIGHT)
    return FALSE;

  for (guint bit = 0; bit < STAMP_BITS; bit++)
    {
      guint x0 = (bit % STAMP_COLUMNS) * STAMP_BLOCK;
      guint y0 = (bit / STAMP_COLUMNS) * STAMP_BLOCK;
      guint sum = 0;

      /* The block's centre: edges blur under compression. */
      for (guint y = y0 + 4; y < y0 + STAMP_BLOCK - 4; y++)
        for (guint x = x0 + 4; x < x0 + STAMP_BLOCK - 4; x++)
          sum += luma[y * stride + x];
      if (sum / 64 > 125)
        word |= G_GUINT64_CONSTANT (1) << bit;
    }

  time_bits = word & ((G_GUINT64_CONSTANT (1) << STAMP_TIME_BITS) - 1);
  if ((word >> STAMP_TIME_BITS) != stamp_check (time_bits))
    return FALSE;
  *wall_ms = (gint64) time_bits;
  return TRUE;
}

void
cs_media_fill_black (GstVideoFrame *frame)
{
  g_return_if_fail (GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_I420);

  for (guint plane = 0; plane < 3; plane++)
    {
      guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, plane);
      int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, plane);
      int height = GST_VIDEO_FRAME_COMP_HEIGHT (frame, plane);

      memset (data, plane == 0 ? 16 : 128, (gsize) stride * height);
    }
}
