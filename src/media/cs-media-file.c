/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-media-file"

#include "config.h"

#include "cs-media-file.h"
#include "cs-media-elements.h"

/*
 * A media file as if it were a camera or a microphone, for demos and benchmarks: decoded,
 * paced by the clock (a file decodes as fast as it can, a camera gives 30 pictures a second),
 * and played again from the start when it ends, with times that keep going forward so the
 * encoders never see time run backwards. What happens inside (the seek back to the start and
 * its flush) stays inside, before the pacing element: it and the shared encoders behind it
 * see one endless stream.
 */

typedef struct
{
  GstElement *bin;
  GstElement *decodebin;
  GstElement *sync;
  GstPad *ghost;
  gboolean video;
  /* Time already played by earlier rounds, added to each new round's timestamps. */
  GstClockTime offset;
  GstClockTime round_end;
  /* The first round's segment (format undefined until it passed): later rounds go on in it. */
  GstSegment segment;
} FileSource;

static void
file_source_free (gpointer data)
{
  g_free (data);
}

static void
seek_to_start (GstElement *element, gpointer user_data)
{
  FileSource *source = user_data;

  if (!gst_element_seek_simple (source->decodebin, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0))
    g_warning ("Could not play the media file again from the start");
}

static GstPadProbeReturn
on_outgoing (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  FileSource *source = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

      if (!GST_BUFFER_PTS_IS_VALID (buffer))
        return GST_PAD_PROBE_OK;

      source->round_end =
        MAX (source->round_end,
             GST_BUFFER_PTS (buffer) +
               (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0));
      if (source->offset > 0)
        {
          /* One stream whose time only goes forward: later rounds continue the first. */
          buffer = gst_buffer_make_writable (buffer);
          GST_BUFFER_PTS (buffer) += source->offset;
          if (GST_BUFFER_DTS_IS_VALID (buffer))
            GST_BUFFER_DTS (buffer) += source->offset;
          GST_PAD_PROBE_INFO_DATA (info) = buffer;
        }
      return GST_PAD_PROBE_OK;
    }

  switch (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)))
    {
    case GST_EVENT_EOS:
      /* The next round starts where this one ended. */
      source->offset += source->round_end;
      source->round_end = 0;
      gst_element_call_async (source->bin, seek_to_start, source, NULL);
      return GST_PAD_PROBE_DROP;

    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      return GST_PAD_PROBE_DROP;

    case GST_EVENT_STREAM_START:
      /* Only the first of each: downstream must see one stream and one segment. */
      return source->offset > 0 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;

    case GST_EVENT_SEGMENT:
      /* The pad forgets its segment when the seek flushes it (before this probe runs), so a
       * later round's segment is replaced by the first one, not dropped. */
      if (source->segment.format != GST_FORMAT_UNDEFINED)
        {
          gst_event_unref (GST_PAD_PROBE_INFO_EVENT (info));
          GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&source->segment);
          return GST_PAD_PROBE_OK;
        }
      gst_event_copy_segment (GST_PAD_PROBE_INFO_EVENT (info), &source->segment);
      return GST_PAD_PROBE_OK;

    default:
      return GST_PAD_PROBE_OK;
    }
}

static void
on_pad_added (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  FileSource *source = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = caps != NULL ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  g_autoptr (GstPad) sync_sink = gst_element_get_static_pad (source->sync, "sink");

  if (!g_str_has_prefix (name, source->video ? "video/" : "audio/") ||
      gst_pad_is_linked (sync_sink))
    return;
  if (gst_pad_link (pad, sync_sink) != GST_PAD_LINK_OK)
    g_warning ("Could not use the %s of the media file", source->video ? "picture" : "sound");
}

GstElement *
cs_media_file_source_new (const char *path, gboolean video, GError **error)
{
  /* Named as the devices it stands for, which the call watches. */
  const char *name = video ? "video-capture" : "audio-capture";
  GstElement *filesrc;
  g_autoptr (GstPad) sync_src = NULL;
  g_autoptr (GstPad) sync_sink = NULL;
  FileSource *source;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "No media file at %s", path);
      return NULL;
    }

  source = g_new0 (FileSource, 1);
  source->video = video;
  source->bin = gst_bin_new (name);
  g_object_set_data_full (G_OBJECT (source->bin), "cs-file-source", source, file_source_free);

  filesrc = cs_media_make ("filesrc", NULL, error);
  source->decodebin = filesrc != NULL ? cs_media_make ("decodebin", NULL, error) : NULL;
  source->sync = source->decodebin != NULL ? cs_media_make ("clocksync", NULL, error) : NULL;
  if (source->sync == NULL)
    {
      g_clear_object (&filesrc);
      if (source->decodebin != NULL)
        gst_object_unref (source->decodebin);
      gst_object_unref (source->bin);
      return NULL;
    }

  g_object_set (filesrc, "location", path, NULL);
  g_object_set (source->sync, "sync", TRUE, NULL);
  gst_bin_add_many (GST_BIN (source->bin), filesrc, source->decodebin, source->sync, NULL);
  gst_element_link (filesrc, source->decodebin);
  g_signal_connect (source->decodebin, "pad-added", G_CALLBACK (on_pad_added), source);

  sync_src = gst_element_get_static_pad (source->sync, "src");
  sync_sink = gst_element_get_static_pad (source->sync, "sink");
  source->ghost = gst_ghost_pad_new ("src", sync_src);
  gst_element_add_pad (source->bin, source->ghost);
  /* Before the pacing: it must see one stream whose time goes on. */
  gst_pad_add_probe (sync_sink,
                     GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                       GST_PAD_PROBE_TYPE_EVENT_FLUSH,
                     on_outgoing, source, NULL);
  return source->bin;
}
