/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-video-paintable"

#include "config.h"

#include "cs-video-paintable.h"

#include <gst/video/video.h>

#include <string.h>

/*
 * Two halves meet in a CsVideoFeed:
 *
 *   streaming thread: sink ─ show_frame: GstVideoFrame → GdkMemoryTexture ─┐
 *                                                        feed: newest pending frame (mutex)
 *   main context:     idle source ─ swap into the paintable, invalidate ─────┘
 *
 * The feed, not the paintable, is what sinks hold: a sink may outlive the paintable (a
 * pipeline torn down late, on another thread), and the paintable's textures must be released
 * on the main thread, where GSK may have attached renderer data to them. The feed only ever
 * holds a texture GTK has not seen yet, which any thread may drop.
 *
 * Frames come at the size they are drawn: scaling a frame down while drawing it (cairo's good
 * filter, on every draw of every tile) is what drawing costs most in software, while scaling it
 * once on the streaming thread, before converting it (then fewer pixels) to RGB, costs little
 * more than converting it did. So the snapshot says, back through the feed, how big the picture
 * is drawn, and each sink's bin
 *
 *   videoscale ─ capsfilter (width, height: the drawn size) ─ videoconvert ─ sink
 *
 * scales to that (never up: that is cheaper in the renderer), and the snapshot draws a frame of
 * the drawn size pixel for pixel. The intrinsic size stays the source's, or the drawn size
 * would feed back into the layout that sets it.
 */

typedef struct
{
  GdkTexture *texture;
  /* Intrinsic size: the pixel aspect ratio applied to the width. */
  int width;
  int height;
  double aspect_ratio;
} CsVideoFrame;

typedef struct
{
  GMutex lock;
  GWeakRef paintable;
  GMainContext *context;
  /* Under the lock: the newest frame not shown yet, and whether an idle source will show it. */
  CsVideoFrame pending;
  gboolean scheduled;
  /* Under the lock: the size in device pixels the picture is drawn at, 0 before it is drawn. */
  int wanted_width;
  int wanted_height;
} CsVideoFeed;

struct _CsVideoPaintable
{
  GObject parent_instance;

  CsVideoFeed *feed;
  /* Main thread only from here. */
  CsVideoFrame current;
  gboolean mirrored;
  /* A still image from get_current_image(): static contents and size. */
  gboolean frozen;
  guint64 frames_shown;
  gint64 first_frame_time;
  /* The drawn size last handed to the sinks, and when. */
  int wanted_width;
  int wanted_height;
  gint64 wanted_time;
};

static void cs_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsVideoPaintable,
                               cs_video_paintable,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      cs_video_paintable_paintable_init))

enum
{
  PROP_0,
  PROP_MIRRORED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The sink: private to this file, registered as a plain GType (no plugin, no factory). */

#define CS_TYPE_VIDEO_PAINTABLE_SINK (cs_video_paintable_sink_get_type ())
G_DECLARE_FINAL_TYPE (CsVideoPaintableSink,
                      cs_video_paintable_sink,
                      CS,
                      VIDEO_PAINTABLE_SINK,
                      GstVideoSink)

struct _CsVideoPaintableSink
{
  GstVideoSink parent_instance;

  CsVideoFeed *feed;
  /* The capsfilter that sets the size frames are scaled to, or NULL: frames as they come. */
  GstElement *filter;
  /* Streaming thread only. */
  GstVideoInfo info;
  /* What comes into the bin, before scaling: the picture's intrinsic size. */
  GstVideoInfo source;
  gboolean have_source;
  /* The wanted size last read from the feed, and what the filter asks for now. */
  int wanted_width;
  int wanted_height;
  GstCaps *filter_caps;
};

G_DEFINE_FINAL_TYPE (CsVideoPaintableSink, cs_video_paintable_sink, GST_TYPE_VIDEO_SINK)

GST_DEBUG_CATEGORY_STATIC (cs_video_paintable_debug);
#define GST_CAT_DEFAULT cs_video_paintable_debug

/* A window being resized draws a new size on every frame: renegotiating each time would cost
 * more than the scaling it saves, so the sinks hear of a new size at most this often (µs). */
#define WANTED_SIZE_INTERVAL (250 * G_TIME_SPAN_MILLISECOND)
/* Set to 0, sinks show frames as they come (for measuring what scaling saves). */
#define ENV_SCALE "COUSINADE_VIDEO_SCALE"

/* What GdkMemoryTexture takes as it is in GTK 4.8 (which has no formats with padding bytes). */
static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink",
                           GST_PAD_SINK,
                           GST_PAD_ALWAYS,
                           GST_STATIC_CAPS (
                             GST_VIDEO_CAPS_MAKE ("{ BGRA, ARGB, RGBA, ABGR, RGB, BGR }")));

static void
cs_video_frame_clear (CsVideoFrame *frame)
{
  g_clear_object (&frame->texture);
  frame->width = 0;
  frame->height = 0;
  frame->aspect_ratio = 0.0;
}

static CsVideoFeed *
cs_video_feed_new (CsVideoPaintable *paintable)
{
  CsVideoFeed *feed = g_atomic_rc_box_new0 (CsVideoFeed);

  g_mutex_init (&feed->lock);
  g_weak_ref_init (&feed->paintable, paintable);
  feed->context = g_main_context_ref_thread_default ();
  return feed;
}

static void
cs_video_feed_free (CsVideoFeed *feed)
{
  cs_video_frame_clear (&feed->pending);
  g_weak_ref_clear (&feed->paintable);
  g_main_context_unref (feed->context);
  g_mutex_clear (&feed->lock);
}

static CsVideoFeed *
cs_video_feed_ref (CsVideoFeed *feed)
{
  return g_atomic_rc_box_acquire (feed);
}

static void
cs_video_feed_unref (gpointer feed)
{
  g_atomic_rc_box_release_full (feed, (GDestroyNotify) cs_video_feed_free);
}

/* Takes the frame not shown yet, if any. Only the idle source itself says it has run: anyone
 * else taking the frame leaves that source scheduled, so there is never more than one. */
static CsVideoFrame
cs_video_feed_take_pending (CsVideoFeed *feed, gboolean from_source)
{
  CsVideoFrame frame;

  g_mutex_lock (&feed->lock);
  frame = feed->pending;
  feed->pending = (CsVideoFrame){ NULL };
  if (from_source)
    feed->scheduled = FALSE;
  g_mutex_unlock (&feed->lock);
  return frame;
}

static void
show_frame (CsVideoPaintable *self, CsVideoFrame *frame)
{
  gboolean size_changed = frame->width != self->current.width ||
                          frame->height != self->current.height ||
                          frame->aspect_ratio != self->current.aspect_ratio;

  cs_video_frame_clear (&self->current);
  self->current = *frame;
  *frame = (CsVideoFrame){ NULL };

  self->frames_shown++;
  if (self->first_frame_time == 0)
    self->first_frame_time = g_get_monotonic_time ();

  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
}

static gboolean
on_frame_ready (gpointer user_data)
{
  CsVideoFeed *feed = user_data;
  CsVideoFrame frame = cs_video_feed_take_pending (feed, TRUE);
  g_autoptr (CsVideoPaintable) self = g_weak_ref_get (&feed->paintable);

  if (self != NULL && frame.texture != NULL)
    show_frame (self, &frame);
  cs_video_frame_clear (&frame);
  return G_SOURCE_REMOVE;
}

/* Called on a streaming thread: keeps only @frame, the newest, for the main context. */
static void
cs_video_feed_push (CsVideoFeed *feed, CsVideoFrame *frame)
{
  CsVideoFrame replaced;
  gboolean schedule;

  g_mutex_lock (&feed->lock);
  replaced = feed->pending;
  feed->pending = *frame;
  *frame = (CsVideoFrame){ NULL };
  schedule = !feed->scheduled;
  feed->scheduled = TRUE;
  g_mutex_unlock (&feed->lock);

  /* Never handed to GTK, so no renderer data: safe to drop here, and it gives its buffer
   * back upstream at once. */
  cs_video_frame_clear (&replaced);

  /* Not g_main_context_invoke(): it would run the swap right here, on the streaming thread,
   * whenever this thread can acquire the main context. One source at a time: a frame
   * arriving before it runs just replaces the pending one. Default priority, above GTK's
   * redraw, so that a frame that arrived before the next paint is the one painted. */
  if (schedule)
    {
      g_autoptr (GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[cs-video-paintable] frame");
      g_source_set_callback (source, on_frame_ready, cs_video_feed_ref (feed), cs_video_feed_unref);
      g_source_attach (source, feed->context);
    }
}

static gboolean
memory_format_for_video (const GstVideoInfo *info, GdkMemoryFormat *format)
{
  gboolean premultiplied = GST_VIDEO_INFO_FLAG_IS_SET (info, GST_VIDEO_FLAG_PREMULTIPLIED_ALPHA);

  switch (GST_VIDEO_INFO_FORMAT (info))
    {
    case GST_VIDEO_FORMAT_BGRA:
      *format = premultiplied ? GDK_MEMORY_B8G8R8A8_PREMULTIPLIED : GDK_MEMORY_B8G8R8A8;
      return TRUE;
    case GST_VIDEO_FORMAT_ARGB:
      *format = premultiplied ? GDK_MEMORY_A8R8G8B8_PREMULTIPLIED : GDK_MEMORY_A8R8G8B8;
      return TRUE;
    case GST_VIDEO_FORMAT_RGBA:
      *format = premultiplied ? GDK_MEMORY_R8G8B8A8_PREMULTIPLIED : GDK_MEMORY_R8G8B8A8;
      return TRUE;
    case GST_VIDEO_FORMAT_ABGR:
      /* GTK 4.8 has no premultiplied ABGR; video alpha is hardly ever premultiplied. */
      *format = GDK_MEMORY_A8B8G8R8;
      return TRUE;
    case GST_VIDEO_FORMAT_RGB:
      *format = GDK_MEMORY_R8G8B8;
      return TRUE;
    case GST_VIDEO_FORMAT_BGR:
      *format = GDK_MEMORY_B8G8R8;
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether holding on to @buffer could starve its producer. What we hold is not bounded by
 * us: the texture on screen, a pending one, and the one GTK keeps in its last render node
 * until the widget is drawn again (never, while it is hidden); and we cannot know how many
 * buffers upstream itself needs (a decoder keeps its reference frames, a camera its queue).
 * A pool with a maximum (cameras' mmap pools, hardware decoders, a small pool of an
 * application's) is a scarce resource: those frames are copied. Unbounded pools, like the one
 * videoconvert allocates from in front of this sink, stay zero-copy. */
static gboolean
buffer_from_bounded_pool (GstBuffer *buffer)
{
  GstStructure *config;
  guint max_buffers = 0;

  if (buffer->pool == NULL)
    return FALSE;
  config = gst_buffer_pool_get_config (buffer->pool);
  if (!gst_buffer_pool_config_get_params (config, NULL, NULL, NULL, &max_buffers))
    max_buffers = 0;
  gst_structure_free (config);
  return max_buffers != 0;
}

static void
unmap_frame (gpointer data)
{
  GstVideoFrame *frame = data;

  /* Also drops the reference the mapping took on the buffer, which goes back to its pool. */
  gst_video_frame_unmap (frame);
  g_free (frame);
}

/* The plane of @frame as GdkMemoryTexture wants it: a copy when @copy, else the mapped memory
 * itself, kept mapped (and its buffer alive) as long as the texture lives. */
static GBytes *
frame_bytes (GstVideoFrame *frame, gboolean copy, gsize *stride)
{
  gsize src_stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  gsize row_size = (gsize) GST_VIDEO_FRAME_WIDTH (frame) * GST_VIDEO_FRAME_COMP_PSTRIDE (frame, 0);
  gsize height = GST_VIDEO_FRAME_HEIGHT (frame);
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);

  if (copy)
    {
      guint8 *rows = g_malloc (row_size * height);

      for (gsize y = 0; y < height; y++)
        memcpy (rows + y * row_size, data + y * src_stride, row_size);
      gst_video_frame_unmap (frame);
      g_free (frame);
      *stride = row_size;
      return g_bytes_new_take (rows, row_size * height);
    }

  /* Exactly what the texture reads: the last row may have no padding after it in memory. */
  *stride = src_stride;
  return g_bytes_new_with_free_func (data, src_stride * (height - 1) + row_size, unmap_frame,
                                     frame);
}

/* The size to scale @source to so that it fills @wanted_width x @wanted_height device pixels
 * with its own shape; FALSE when it should come as it is: not drawn yet, or drawn as big as it
 * is or bigger (scaling up costs more here than while drawing). */
static gboolean
scaled_size (const GstVideoInfo *source,
             int wanted_width,
             int wanted_height,
             int *width,
             int *height)
{
  int par_n = GST_VIDEO_INFO_PAR_N (source);
  int par_d = GST_VIDEO_INFO_PAR_D (source);
  int source_height = GST_VIDEO_INFO_HEIGHT (source);
  int source_width;
  double aspect;

  if (wanted_width <= 0 || wanted_height <= 0 || source_height <= 0)
    return FALSE;
  if (par_n <= 0 || par_d <= 0)
    par_n = par_d = 1;
  source_width =
    (int) gst_util_uint64_scale_int_round (GST_VIDEO_INFO_WIDTH (source), par_n, par_d);
  aspect = ((double) GST_VIDEO_INFO_WIDTH (source) * par_n) / ((double) source_height * par_d);

  *height = wanted_height;
  *width = (int) (wanted_height * aspect + 0.5);
  if (*width > wanted_width)
    {
      *width = wanted_width;
      *height = (int) (wanted_width / aspect + 0.5);
    }
  if (*width >= source_width || *height >= source_height)
    return FALSE;
  *width = MAX (*width, 1);
  *height = MAX (*height, 1);
  return TRUE;
}

/* Streaming thread, at the bin's input: points the filter at the size the picture is drawn at
 * now, when that or the source changed. The scaler renegotiates before its next frame. */
static void
cs_video_paintable_sink_update_scale (CsVideoPaintableSink *self, gboolean source_changed)
{
  g_autoptr (GstCaps) caps = NULL;
  int wanted_width, wanted_height;
  int width, height;

  g_mutex_lock (&self->feed->lock);
  wanted_width = self->feed->wanted_width;
  wanted_height = self->feed->wanted_height;
  g_mutex_unlock (&self->feed->lock);

  if (!source_changed && wanted_width == self->wanted_width && wanted_height == self->wanted_height)
    return;
  self->wanted_width = wanted_width;
  self->wanted_height = wanted_height;

  if (!self->have_source)
    return;
  /* Square pixels: the size asked for already has the picture's shape. The format is left
   * to the converter after it, which keeps the closest to the source (BGR from a decoder's
   * I420): GSK's cairo renderer turns BGR into cairo's format with a plain loop, where GTK
   * 4.8 takes premultiplied alpha, even cairo's own, through floats. */
  if (scaled_size (&self->source, wanted_width, wanted_height, &width, &height))
    caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width, "height", G_TYPE_INT,
                                height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  else
    caps = gst_caps_new_any ();
  if (self->filter_caps != NULL && gst_caps_is_equal (caps, self->filter_caps))
    return;

  GST_DEBUG_OBJECT (self, "Frames drawn at %dx%d: asking for %" GST_PTR_FORMAT, wanted_width,
                    wanted_height, caps);
  gst_caps_replace (&self->filter_caps, caps);
  g_object_set (self->filter, "caps", caps, NULL);
}

static GstPadProbeReturn
on_bin_input_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  CsVideoPaintableSink *self = user_data;
  GstEvent *event;
  GstCaps *caps;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_UPSTREAM)
    {
      /* The bin takes any raw video: a new drawn size is no reason for upstream (a decoder; a
       * camera behind the call's tee) to renegotiate too. */
      event = GST_PAD_PROBE_INFO_EVENT (info);
      return GST_EVENT_TYPE (event) == GST_EVENT_RECONFIGURE ? GST_PAD_PROBE_DROP
                                                             : GST_PAD_PROBE_OK;
    }

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      event = GST_PAD_PROBE_INFO_EVENT (info);
      if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
        return GST_PAD_PROBE_OK;
      /* Seen before the scaler negotiates its output for these caps: a source now smaller
       * than the drawn size is not scaled up. */
      gst_event_parse_caps (event, &caps);
      self->have_source = gst_video_info_from_caps (&self->source, caps);
      if (self->filter != NULL)
        cs_video_paintable_sink_update_scale (self, TRUE);
      return GST_PAD_PROBE_OK;
    }

  cs_video_paintable_sink_update_scale (self, FALSE);
  return GST_PAD_PROBE_OK;
}

static gboolean
cs_video_paintable_sink_set_info (GstVideoSink *video_sink, GstCaps *caps, const GstVideoInfo *info)
{
  CsVideoPaintableSink *self = CS_VIDEO_PAINTABLE_SINK (video_sink);
  GdkMemoryFormat format;

  if (!memory_format_for_video (info, &format))
    return FALSE;
  self->info = *info;
  return TRUE;
}

/* The texture is built here, on the streaming thread (GdkMemoryTexture creation is thread-safe
 * in GTK 4.8): the main thread, which also runs the whole interface, then only swaps a pointer
 * and invalidates, however many participants there are and however big their frames. */
static GstFlowReturn
cs_video_paintable_sink_show_frame (GstVideoSink *video_sink, GstBuffer *buffer)
{
  CsVideoPaintableSink *self = CS_VIDEO_PAINTABLE_SINK (video_sink);
  /* The picture's size and shape are the source's, whatever size its frames are scaled to. */
  const GstVideoInfo *source = self->have_source ? &self->source : &self->info;
  GstVideoFrame *video_frame = g_new0 (GstVideoFrame, 1);
  CsVideoFrame frame = { NULL };
  GdkMemoryFormat format;
  g_autoptr (GBytes) bytes = NULL;
  gsize stride;
  int width, height, par_n, par_d;

  if (!memory_format_for_video (&self->info, &format) ||
      !gst_video_frame_map (video_frame, &self->info, buffer, GST_MAP_READ))
    {
      g_free (video_frame);
      GST_ELEMENT_ERROR (self, RESOURCE, READ, (NULL), ("Could not map a video frame"));
      return GST_FLOW_ERROR;
    }

  width = GST_VIDEO_FRAME_WIDTH (video_frame);
  height = GST_VIDEO_FRAME_HEIGHT (video_frame);
  par_n = GST_VIDEO_INFO_PAR_N (source);
  par_d = GST_VIDEO_INFO_PAR_D (source);
  if (par_n <= 0 || par_d <= 0)
    par_n = par_d = 1;

  bytes = frame_bytes (g_steal_pointer (&video_frame), buffer_from_bounded_pool (buffer), &stride);
  frame.texture = gdk_memory_texture_new (width, height, format, bytes, stride);
  /* Non-square pixels widen (or narrow) the picture; its height stays the source's. */
  frame.width = (int) gst_util_uint64_scale_int_round (GST_VIDEO_INFO_WIDTH (source), par_n, par_d);
  frame.height = GST_VIDEO_INFO_HEIGHT (source);
  frame.aspect_ratio = ((double) GST_VIDEO_INFO_WIDTH (source) * par_n) /
                       ((double) GST_VIDEO_INFO_HEIGHT (source) * par_d);
  cs_video_feed_push (self->feed, &frame);
  return GST_FLOW_OK;
}

static gboolean
cs_video_paintable_sink_propose_allocation (GstBaseSink *base_sink, GstQuery *query)
{
  /* Mapping as a GstVideoFrame honours any stride and offset upstream chooses: decoders and
   * converters can write straight into padded buffers, no copy on their side either. */
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}

static void
cs_video_paintable_sink_finalize (GObject *object)
{
  CsVideoPaintableSink *self = CS_VIDEO_PAINTABLE_SINK (object);

  g_clear_pointer (&self->feed, cs_video_feed_unref);
  gst_clear_object (&self->filter);
  gst_clear_caps (&self->filter_caps);

  G_OBJECT_CLASS (cs_video_paintable_sink_parent_class)->finalize (object);
}

static void
cs_video_paintable_sink_class_init (CsVideoPaintableSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *base_sink_class = GST_BASE_SINK_CLASS (klass);
  GstVideoSinkClass *video_sink_class = GST_VIDEO_SINK_CLASS (klass);

  object_class->finalize = cs_video_paintable_sink_finalize;

  GST_DEBUG_CATEGORY_INIT (cs_video_paintable_debug, "cs-video-paintable", 0,
                           "Cousinade's video paintable sink");

  gst_element_class_set_static_metadata (element_class, "Cousinade video paintable sink",
                                         "Sink/Video", "Shows video in a CsVideoPaintable",
                                         "Cousinade");
  gst_element_class_add_static_pad_template (element_class, &sink_template);

  base_sink_class->propose_allocation = cs_video_paintable_sink_propose_allocation;
  video_sink_class->set_info = cs_video_paintable_sink_set_info;
  video_sink_class->show_frame = cs_video_paintable_sink_show_frame;
}

static void
cs_video_paintable_sink_init (CsVideoPaintableSink *self)
{
  GstBaseSink *base_sink = GST_BASE_SINK (self);

  gst_video_info_init (&self->info);
  gst_video_info_init (&self->source);

  /* Synchronised to the clock, so the jitter buffer's pacing and lip sync hold. But a live
   * call has nothing better to show than a late frame: no frame is dropped for lateness
   * (max-lateness -1), and no QoS events go upstream, where they would make a decoder skip
   * frames (a smeared picture until the next keyframe) to catch up with a clock that a
   * jitter buffer already keeps us close to. */
  gst_base_sink_set_sync (base_sink, TRUE);
  gst_base_sink_set_qos_enabled (base_sink, FALSE);
  gst_base_sink_set_max_lateness (base_sink, -1);
  /* The last sample would be one more buffer held from upstream's pool, for nobody. */
  gst_base_sink_set_last_sample_enabled (base_sink, FALSE);
}

/* The paintable. */

/* Device pixels per logical one. A paintable does not know its widget: the largest scale of
 * any monitor, so that frames are at worst a little bigger than needed, never blurrier. */
static int
display_scale_factor (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  GListModel *monitors;
  int scale = 1;

  if (display == NULL)
    return 1;
  monitors = gdk_display_get_monitors (display);
  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      scale = MAX (scale, gdk_monitor_get_scale_factor (monitor));
    }
  return scale;
}

/* Tells the sinks the size in device pixels the picture is drawn at: at once the first time,
 * then at most every WANTED_SIZE_INTERVAL, so that a window being resized renegotiates a few
 * times, not on every frame. Frames keep coming, and with them snapshots: the last size of a
 * resize gets through with the next frame after the interval. */
static void
cs_video_paintable_want_size (CsVideoPaintable *self, int width, int height)
{
  gint64 now;

  if (width == self->wanted_width && height == self->wanted_height)
    return;
  now = g_get_monotonic_time ();
  if (self->wanted_time != 0 && now - self->wanted_time < WANTED_SIZE_INTERVAL)
    return;
  self->wanted_width = width;
  self->wanted_height = height;
  self->wanted_time = now;

  g_mutex_lock (&self->feed->lock);
  self->feed->wanted_width = width;
  self->feed->wanted_height = height;
  g_mutex_unlock (&self->feed->lock);
}

static void
cs_video_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot *snapshot,
                             double width,
                             double height)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (paintable);
  int scale = display_scale_factor ();
  int texture_width, texture_height;

  /* Not before there is a picture: until then GtkPicture gives it the whole widget, not the
   * picture's shape. */
  if (self->current.texture == NULL)
    return;

  if (!self->frozen && width >= 1 && height >= 1)
    cs_video_paintable_want_size (self, (int) (width * scale + 0.5), (int) (height * scale + 0.5));

  /* A frame scaled to the drawn size (up to GtkPicture's rounding) is drawn pixel for pixel,
   * at whole pixels: a software renderer then copies instead of filtering. */
  texture_width = gdk_texture_get_width (self->current.texture);
  texture_height = gdk_texture_get_height (self->current.texture);
  if (ABS (texture_width - width * scale) <= 1 && ABS (texture_height - height * scale) <= 1)
    {
      width = (double) texture_width / scale;
      height = (double) texture_height / scale;
    }

  if (self->mirrored)
    {
      gtk_snapshot_save (GTK_SNAPSHOT (snapshot));
      gtk_snapshot_translate (GTK_SNAPSHOT (snapshot), &GRAPHENE_POINT_INIT (width, 0));
      gtk_snapshot_scale (GTK_SNAPSHOT (snapshot), -1, 1);
    }
  gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->current.texture,
                               &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->mirrored)
    gtk_snapshot_restore (GTK_SNAPSHOT (snapshot));
}

static GdkPaintable *
cs_video_paintable_get_current_image (GdkPaintable *paintable)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (paintable);
  CsVideoPaintable *image;

  if (self->current.texture == NULL)
    return gdk_paintable_new_empty (0, 0);

  image = g_object_new (CS_TYPE_VIDEO_PAINTABLE, NULL);
  image->frozen = TRUE;
  image->mirrored = self->mirrored;
  image->current = self->current;
  g_object_ref (image->current.texture);
  return GDK_PAINTABLE (image);
}

static GdkPaintableFlags
cs_video_paintable_get_flags (GdkPaintable *paintable)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (paintable);

  return self->frozen ? GDK_PAINTABLE_STATIC_CONTENTS | GDK_PAINTABLE_STATIC_SIZE : 0;
}

static int
cs_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return CS_VIDEO_PAINTABLE (paintable)->current.width;
}

static int
cs_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return CS_VIDEO_PAINTABLE (paintable)->current.height;
}

static double
cs_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return CS_VIDEO_PAINTABLE (paintable)->current.aspect_ratio;
}

static void
cs_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = cs_video_paintable_snapshot;
  iface->get_current_image = cs_video_paintable_get_current_image;
  iface->get_flags = cs_video_paintable_get_flags;
  iface->get_intrinsic_width = cs_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = cs_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = cs_video_paintable_get_intrinsic_aspect_ratio;
}

static void
cs_video_paintable_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_MIRRORED:
      g_value_set_boolean (value, self->mirrored);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_video_paintable_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_MIRRORED:
      cs_video_paintable_set_mirrored (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_video_paintable_dispose (GObject *object)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (object);
  CsVideoFrame pending = cs_video_feed_take_pending (self->feed, FALSE);

  /* Sinks may live on: what they still hold for us goes back upstream now. */
  cs_video_frame_clear (&pending);
  cs_video_frame_clear (&self->current);

  G_OBJECT_CLASS (cs_video_paintable_parent_class)->dispose (object);
}

static void
cs_video_paintable_finalize (GObject *object)
{
  CsVideoPaintable *self = CS_VIDEO_PAINTABLE (object);

  g_clear_pointer (&self->feed, cs_video_feed_unref);

  G_OBJECT_CLASS (cs_video_paintable_parent_class)->finalize (object);
}

static void
cs_video_paintable_class_init (CsVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_video_paintable_get_property;
  object_class->set_property = cs_video_paintable_set_property;
  object_class->dispose = cs_video_paintable_dispose;
  object_class->finalize = cs_video_paintable_finalize;

  properties[PROP_MIRRORED] =
    g_param_spec_boolean ("mirrored", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_video_paintable_init (CsVideoPaintable *self)
{
  self->feed = cs_video_feed_new (self);
}

CsVideoPaintable *
cs_video_paintable_new (void)
{
  return g_object_new (CS_TYPE_VIDEO_PAINTABLE, NULL);
}

GstElement *
cs_video_paintable_make_sink (CsVideoPaintable *self)
{
  gboolean scale = g_strcmp0 (g_getenv (ENV_SCALE), "0") != 0;
  const char *missing = NULL;
  CsVideoPaintableSink *sink;
  GstElement *bin;
  GstElement *first;
  GstElement *convert;
  GstElement *scaler = NULL;
  GstElement *filter = NULL;
  g_autoptr (GstPad) pad = NULL;
  GstPadProbeType probe = GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM;

  g_return_val_if_fail (CS_IS_VIDEO_PAINTABLE (self), NULL);

  convert = gst_element_factory_make ("videoconvert", NULL);
  if (scale)
    {
      scaler = gst_element_factory_make ("videoscale", NULL);
      filter = gst_element_factory_make ("capsfilter", NULL);
    }
  if (convert == NULL)
    missing = "videoconvert";
  else if (scale && scaler == NULL)
    missing = "videoscale";
  else if (scale && filter == NULL)
    missing = "capsfilter";
  if (missing != NULL)
    {
      g_critical ("The %s element is missing: install gstreamer1.0-plugins-base", missing);
      g_clear_pointer (&convert, gst_object_unref);
      g_clear_pointer (&scaler, gst_object_unref);
      g_clear_pointer (&filter, gst_object_unref);
      return NULL;
    }

  sink = g_object_new (CS_TYPE_VIDEO_PAINTABLE_SINK, NULL);
  sink->feed = cs_video_feed_ref (self->feed);

  /* Any raw format and size in: the sink itself only takes what GDK can use as it is, at the
   * size the picture is drawn. */
  bin = gst_bin_new (NULL);
  gst_bin_add_many (GST_BIN (bin), convert, GST_ELEMENT (sink), NULL);
  if (scale)
    {
      /* Scaled before it is converted, in the source's format: a decoder's I420 has half the
       * bytes of RGB, and GStreamer scales planar formats on a fast path, where scaling and
       * converting in one pass takes its generic one (three times the time of converting a
       * frame, against about one and a half). Bilinear: downscaling a call's picture, sharp
       * enough and cheap. No borders: the filter's size already has the picture's shape, up to
       * a pixel of rounding. */
      gst_util_set_object_arg (G_OBJECT (scaler), "method", "bilinear");
      g_object_set (scaler, "add-borders", FALSE, NULL);
      sink->filter = gst_object_ref (filter);
      sink->filter_caps = gst_caps_new_any ();
      gst_bin_add_many (GST_BIN (bin), scaler, filter, NULL);
      gst_element_link_many (scaler, filter, convert, GST_ELEMENT (sink), NULL);
      probe |= GST_PAD_PROBE_TYPE_EVENT_UPSTREAM | GST_PAD_PROBE_TYPE_BUFFER |
               GST_PAD_PROBE_TYPE_BUFFER_LIST;
      first = scaler;
    }
  else
    {
      gst_element_link (convert, GST_ELEMENT (sink));
      first = convert;
    }

  pad = gst_element_get_static_pad (first, "sink");
  gst_pad_add_probe (pad, probe, on_bin_input_probe, gst_object_ref (sink), gst_object_unref);
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  return bin;
}

void
cs_video_paintable_set_mirrored (CsVideoPaintable *self, gboolean mirrored)
{
  g_return_if_fail (CS_IS_VIDEO_PAINTABLE (self));

  mirrored = !!mirrored;
  if (self->mirrored == mirrored)
    return;
  self->mirrored = mirrored;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIRRORED]);
}

gboolean
cs_video_paintable_get_mirrored (CsVideoPaintable *self)
{
  g_return_val_if_fail (CS_IS_VIDEO_PAINTABLE (self), FALSE);

  return self->mirrored;
}

void
cs_video_paintable_clear (CsVideoPaintable *self)
{
  CsVideoFrame pending;

  g_return_if_fail (CS_IS_VIDEO_PAINTABLE (self));

  /* A frame that arrived before the clear is not "the next one": it would bring back the
   * picture of someone who just left or turned their camera off. */
  pending = cs_video_feed_take_pending (self->feed, FALSE);
  cs_video_frame_clear (&pending);
  if (self->current.texture == NULL)
    return;
  cs_video_frame_clear (&self->current);
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
}

guint64
cs_video_paintable_get_frames_shown (CsVideoPaintable *self)
{
  g_return_val_if_fail (CS_IS_VIDEO_PAINTABLE (self), 0);

  return self->frames_shown;
}

gint64
cs_video_paintable_get_first_frame_time (CsVideoPaintable *self)
{
  g_return_val_if_fail (CS_IS_VIDEO_PAINTABLE (self), 0);

  return self->first_frame_time;
}

void
cs_video_paintable_get_frame_size (CsVideoPaintable *self, int *width, int *height)
{
  GdkTexture *texture;

  g_return_if_fail (CS_IS_VIDEO_PAINTABLE (self));

  texture = self->current.texture;
  if (width != NULL)
    *width = texture != NULL ? gdk_texture_get_width (texture) : 0;
  if (height != NULL)
    *height = texture != NULL ? gdk_texture_get_height (texture) : 0;
}

GdkTexture *
cs_video_paintable_get_texture (CsVideoPaintable *self)
{
  g_return_val_if_fail (CS_IS_VIDEO_PAINTABLE (self), NULL);

  return self->current.texture;
}
