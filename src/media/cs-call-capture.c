/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call"

#include "config.h"

#include "cs-call-private.h"
#include "cs-media-file.h"

#include <glib/gi18n.h>
#include <unistd.h>

/*
 * What the call captures and where it plays, switched while the call runs: the camera, the
 * microphone, a shared screen and the speakers. A source sits in front of a fixed raw chain
 * (convert, scale, rate, the caps every encoder was set up for), so that a new source means
 * new input caps for that chain only: the encoders, the peers and their sessions never see a
 * change, and nothing is renegotiated.
 *
 *   camera | screen | black  ─▶ videoconvert ─ videoscale ─ videorate ─ I420 WxH ─ tee …
 *   microphone | silence     ─▶ audioconvert ─ audioresample ─ 48 kHz ─ [echo canceller] …
 *   … mixer ─ [echo probe] ─ audioconvert ─ audioresample ─▶ speakers
 *
 * A source that fails (a camera unplugged) is replaced as if the user had chosen none, and the
 * call goes on: peers see the camera off, or the microphone muted.
 */

#define VIDEO_PREFIX "video-capture-"
#define AUDIO_PREFIX "audio-capture-"

static char *
next_name (CsCall *self, const char *prefix)
{
  return g_strdup_printf ("%s%u", prefix, ++self->source_serial);
}

static GstElement *
name_element (GstElement *element, const char *name)
{
  if (element != NULL)
    gst_object_set_name (GST_OBJECT (element), name);
  return element;
}

static GstElement *
make_device_element (GstDevice *device, const char *name, GError **error)
{
  GstElement *element = gst_device_create_element (device, name);
  g_autofree char *display_name = NULL;

  if (element != NULL)
    return element;
  display_name = gst_device_get_display_name (device);
  /* Translators: the text is the name of a camera, a microphone or speakers. */
  g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
               _ ("“%s” could not be opened. Check that it is plugged in, then choose it again."),
               display_name);
  return NULL;
}

static GstElement *
make_camera (CsCall *self, const char *name, GError **error)
{
  GstElement *source;

  if (self->camera != NULL)
    return make_device_element (self->camera, name, error);
  if (self->media_file != NULL)
    return name_element (cs_media_file_source_new (self->media_file, TRUE, error), name);
  if (!cs_media_use_test_devices ())
    return cs_media_make ("autovideosrc", name, error);

  source = cs_media_make ("videotestsrc", name, error);
  if (source != NULL)
    g_object_set (source, "is-live", TRUE, "pattern", 18 /* ball */, NULL);
  return source;
}

/* No camera: a black picture, so that the encoder and every peer's session go on as they
 * were. */
static GstElement *
make_black (CsCall *self, const char *name, GError **error)
{
  GstElement *source = cs_media_make ("videotestsrc", name, error);

  if (source == NULL)
    return NULL;
  g_object_set (source, "is-live", TRUE, "pattern", 2 /* black */, NULL);
  return source;
}

static GstElement *
make_screen (CsCall *self, const char *name, GError **error)
{
  GstElement *source;
  g_autofree char *path = NULL;

  if (self->screen_fd < 0)
    {
      /* Tests: colour bars, nothing like the camera's test picture. */
      source = cs_media_make ("videotestsrc", name, error);
      if (source != NULL)
        g_object_set (source, "is-live", TRUE, "pattern", 0 /* smpte */, NULL);
      return source;
    }

  source = cs_media_make ("pipewiresrc", name, error);
  if (source == NULL)
    return NULL;
  path = g_strdup_printf ("%u", self->screen_node);
  /* A still screen sends no new frames: the last one is sent again every second, so that a
   * peer who joins or lost a packet still gets a picture. */
  g_object_set (source, "fd", self->screen_fd, "path", path, "keepalive-time", 1000, NULL);
  return source;
}

static GstElement *
make_video_source (CsCall *self, GError **error)
{
  g_autofree char *name = next_name (self, VIDEO_PREFIX);

  if (self->sharing_screen)
    return make_screen (self, name, error);
  if (cs_call_capture_has_camera (self))
    return make_camera (self, name, error);
  return make_black (self, name, error);
}

static GstElement *
make_audio_source (CsCall *self, GError **error)
{
  g_autofree char *name = next_name (self, AUDIO_PREFIX);
  GstElement *source;

  if (self->microphone != NULL)
    return make_device_element (self->microphone, name, error);
  if (self->media_file != NULL && !self->microphone_chosen)
    return name_element (cs_media_file_source_new (self->media_file, FALSE, error), name);
  if (!self->microphone_chosen && !cs_media_use_test_devices ())
    return cs_media_make ("autoaudiosrc", name, error);

  source = cs_media_make ("audiotestsrc", name, error);
  if (source == NULL)
    return NULL;
  g_object_set (source, "is-live", TRUE, NULL);
  if (self->microphone_chosen)
    /* No microphone: silence, which DTX sends for next to nothing. */
    g_object_set (source, "wave", 4 /* silence */, NULL);
  else
    g_object_set (source, "volume", 0.3, "freq", 330.0, NULL);
  return source;
}

static GstElement *
make_speakers (CsCall *self, GError **error)
{
  g_autofree char *name = next_name (self, "speakers-");
  GstElement *sink;

  if (self->speakers_device != NULL)
    sink = make_device_element (self->speakers_device, name, error);
  else if (cs_media_use_test_devices ())
    {
      sink = cs_media_make ("fakesink", name, error);
      if (sink != NULL)
        g_object_set (sink, "sync", TRUE, NULL);
    }
  else
    sink = cs_media_make ("autoaudiosink", name, error);

  /* Speakers that come while the call plays must not hold the whole pipeline back. */
  if (sink != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (sink), "async") != NULL)
    g_object_set (sink, "async", FALSE, NULL);
  return sink;
}

/* A source that fails or is unplugged ends its stream: the chain, its encoder and the peers
 * behind it must not end with it. */
static GstPadProbeReturn
on_entry_event (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

static gboolean
attach_source (CsCall *self, GstElement *source, GstElement *entry, GError **error)
{
  gst_bin_add (GST_BIN (self->pipeline), source);
  if (!gst_element_link (source, entry))
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link %s",
                   GST_ELEMENT_NAME (source));
      gst_bin_remove (GST_BIN (self->pipeline), source);
      return FALSE;
    }
  return TRUE;
}

static void
detach_source (CsCall *self, GstElement **source, GstElement *entry)
{
  GstElement *old = g_steal_pointer (source);

  if (old == NULL)
    return;
  /* Stopped while still linked, so that it never pushes into nothing. */
  gst_element_set_locked_state (old, TRUE);
  gst_element_set_state (old, GST_STATE_NULL);
  gst_element_unlink (old, entry);
  gst_bin_remove (GST_BIN (self->pipeline), old);
}

/* Test sources count their time from zero: one started during the call starts from the
 * call's time instead, rather than from a moment long past, which it would catch up on as fast
 * as it could (a burst of frames the encoder refuses, of sound peers would hear late). Devices
 * stamp what they capture with the clock already. */
static void
start_on_time (CsCall *self, GstElement *source)
{
  g_autoptr (GstClock) clock = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (source), "timestamp-offset") == NULL)
    return;
  clock = gst_element_get_clock (self->pipeline);
  if (clock != NULL)
    g_object_set (source, "timestamp-offset",
                  (gint64) (gst_clock_get_time (clock) -
                            gst_element_get_base_time (self->pipeline)),
                  NULL);
}

/* Puts @source (floating) in front of @entry in the running pipeline, in place of @current. */
static gboolean
replace_source (CsCall *self,
                GstElement **current,
                GstElement *entry,
                GstElement *source,
                GError **error)
{
  detach_source (self, current, entry);
  start_on_time (self, source);
  if (!attach_source (self, source, entry, error))
    return FALSE;
  gst_element_sync_state_with_parent (source);
  *current = source;
  return TRUE;
}

static void
close_screen (CsCall *self)
{
  if (self->screen_fd >= 0)
    close (self->screen_fd);
  self->screen_fd = -1;
}

/* Builds the source the current choices call for and puts it in place. A camera that cannot
 * be opened counts as lost. */
static void
switch_video (CsCall *self)
{
  g_autoptr (GError) error = NULL;
  GstElement *source;
  gboolean lost = FALSE;

  if (self->pipeline == NULL)
    return;

  source = make_video_source (self, &error);
  if (source == NULL && self->sharing_screen)
    {
      g_warning ("Could not share the screen: %s", error->message);
      g_clear_error (&error);
      self->sharing_screen = FALSE;
      close_screen (self);
      g_object_notify (G_OBJECT (self), "sharing-screen");
      source = make_video_source (self, &error);
    }
  if (source == NULL && cs_call_capture_has_camera (self))
    {
      g_warning ("Could not start the camera: %s", error->message);
      g_clear_error (&error);
      self->camera_chosen = TRUE;
      g_clear_object (&self->camera);
      lost = TRUE;
      source = make_video_source (self, &error);
    }
  if (source == NULL ||
      !replace_source (self, &self->video_source, self->video_entry, source, &error))
    g_warning ("No picture to send: %s", error->message);

  cs_call_update_black (self);
  if (lost)
    cs_call_camera_lost (self);
}

static void
switch_audio (CsCall *self)
{
  g_autoptr (GError) error = NULL;
  GstElement *source;
  gboolean lost = FALSE;

  if (self->pipeline == NULL)
    return;

  source = make_audio_source (self, &error);
  if (source == NULL && self->microphone != NULL)
    {
      g_warning ("Could not start the microphone: %s", error->message);
      g_clear_error (&error);
      g_clear_object (&self->microphone);
      lost = TRUE;
      source = make_audio_source (self, &error);
    }
  if (source == NULL ||
      !replace_source (self, &self->audio_source, self->audio_entry, source, &error))
    g_warning ("No sound to send: %s", error->message);
  if (lost)
    {
      g_object_notify (G_OBJECT (self), "has-microphone");
      cs_call_send_media_state (self);
    }
}

typedef struct
{
  GstElement *pipeline;
  GstElement *feed;
  GstElement *old;
  GstElement *sink;
  gint done;
} SpeakersSwap;

static void
speakers_swap_free (gpointer data)
{
  SpeakersSwap *swap = data;

  gst_object_unref (swap->pipeline);
  gst_object_unref (swap->feed);
  gst_object_unref (swap->old);
  gst_object_unref (swap->sink);
  g_free (swap);
}

/* Sound flows to the speakers all the time: the new ones take over between two buffers, while
 * the mixer waits, so that it never pushes into nothing (which would stop it for good). */
static GstPadProbeReturn
on_speakers_blocked (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SpeakersSwap *swap = user_data;

  if (!g_atomic_int_compare_and_exchange (&swap->done, FALSE, TRUE))
    return GST_PAD_PROBE_REMOVE;

  gst_element_set_locked_state (swap->old, TRUE);
  gst_element_set_state (swap->old, GST_STATE_NULL);
  gst_element_unlink (swap->feed, swap->old);
  gst_bin_remove (GST_BIN (swap->pipeline), swap->old);
  gst_bin_add (GST_BIN (swap->pipeline), swap->sink);
  if (!gst_element_link (swap->feed, swap->sink))
    g_warning ("Could not play the sound on %s", GST_ELEMENT_NAME (swap->sink));
  gst_element_sync_state_with_parent (swap->sink);
  return GST_PAD_PROBE_REMOVE;
}

static void
switch_speakers (CsCall *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstPad) pad = NULL;
  GstElement *sink;
  SpeakersSwap *swap;

  if (self->pipeline == NULL || self->speakers == NULL)
    return;

  sink = make_speakers (self, &error);
  if (sink == NULL)
    {
      g_warning ("Could not change the speakers: %s", error->message);
      return;
    }

  swap = g_new0 (SpeakersSwap, 1);
  swap->pipeline = gst_object_ref (self->pipeline);
  swap->feed = gst_object_ref (self->speakers_feed);
  swap->old = gst_object_ref (self->speakers);
  swap->sink = gst_object_ref_sink (sink);
  self->speakers = sink;
  pad = gst_element_get_static_pad (self->speakers_feed, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM, on_speakers_blocked, swap,
                     speakers_swap_free);
}

/* Walks up from @object to the pipeline's own element it belongs to, or to the element that
 * was, if it has been taken out since: a source when its name starts with @prefix (a source
 * may be a bin, whose elements' names start the same way). */
static gboolean
belongs_to (CsCall *self, GstObject *object, const char *prefix, GstObject **source)
{
  GstObject *top = object;

  while (top != NULL && GST_OBJECT_PARENT (top) != NULL &&
         GST_OBJECT_PARENT (top) != GST_OBJECT (self->pipeline))
    top = GST_OBJECT_PARENT (top);
  if (top == NULL || top == GST_OBJECT (self->pipeline) || GST_OBJECT_NAME (top) == NULL)
    return FALSE;
  *source = top;
  return g_str_has_prefix (GST_OBJECT_NAME (top), prefix);
}

gboolean
cs_call_capture_handle_error (CsCall *self, GstMessage *message)
{
  GstObject *source = NULL;
  g_autoptr (GError) error = NULL;

  gst_message_parse_error (message, &error, NULL);
  if (belongs_to (self, GST_MESSAGE_SRC (message), VIDEO_PREFIX, &source))
    {
      if (source != GST_OBJECT (self->video_source))
        return TRUE; /* One already replaced, saying goodbye. */

      if (self->sharing_screen)
        {
          g_message ("The screen share stopped: %s", error->message);
          self->sharing_screen = FALSE;
          close_screen (self);
          switch_video (self);
          g_object_notify (G_OBJECT (self), "sharing-screen");
          cs_call_send_media_state (self);
          return TRUE;
        }

      g_message ("Lost the camera: %s", error->message);
      self->camera_chosen = TRUE;
      g_clear_object (&self->camera);
      switch_video (self);
      cs_call_camera_lost (self);
      return TRUE;
    }

  if (belongs_to (self, GST_MESSAGE_SRC (message), AUDIO_PREFIX, &source))
    {
      if (source != GST_OBJECT (self->audio_source))
        return TRUE;

      g_message ("Lost the microphone: %s", error->message);
      self->microphone_chosen = TRUE;
      g_clear_object (&self->microphone);
      switch_audio (self);
      g_object_notify (G_OBJECT (self), "has-microphone");
      cs_call_send_media_state (self);
      return TRUE;
    }

  return FALSE;
}

static void
watch_entry (GstElement *entry)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (entry, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_entry_event, NULL, NULL);
}

gboolean
cs_call_capture_add_video (CsCall *self, GstElement *entry, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  GstElement *source = make_video_source (self, &local_error);

  /* A camera that cannot even start: the call starts without it. */
  if (source == NULL &&
      !g_error_matches (local_error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_MISSING_ELEMENT))
    {
      g_warning ("Starting without a picture: %s", local_error->message);
      g_clear_error (&local_error);
      self->sharing_screen = FALSE;
      close_screen (self);
      self->camera_chosen = TRUE;
      g_clear_object (&self->camera);
      source = make_video_source (self, &local_error);
    }
  if (source == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!attach_source (self, source, entry, error))
    return FALSE;
  self->video_entry = entry;
  self->video_source = source;
  watch_entry (entry);
  return TRUE;
}

gboolean
cs_call_capture_add_audio (CsCall *self, GstElement *entry, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  GstElement *source = make_audio_source (self, &local_error);

  if (source == NULL && self->microphone != NULL)
    {
      g_warning ("Starting without a microphone: %s", local_error->message);
      g_clear_error (&local_error);
      g_clear_object (&self->microphone);
      source = make_audio_source (self, &local_error);
    }
  if (source == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!attach_source (self, source, entry, error))
    return FALSE;
  self->audio_entry = entry;
  self->audio_source = source;
  watch_entry (entry);
  return TRUE;
}

gboolean
cs_call_capture_add_speakers (CsCall *self, GstElement *feed, GError **error)
{
  GstElement *sink = make_speakers (self, error);

  if (sink == NULL)
    return FALSE;
  /* The first choice of speakers is made before the pipeline plays: waiting for them to be
   * ready is fine then (and a test sink keeps its timing). */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (sink), "async") != NULL)
    g_object_set (sink, "async", cs_media_use_test_devices () ? FALSE : TRUE, NULL);
  gst_bin_add (GST_BIN (self->pipeline), sink);
  if (!gst_element_link (feed, sink))
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED, "Could not link the speakers");
      return FALSE;
    }
  self->speakers = sink;
  self->speakers_feed = feed;
  return TRUE;
}

void
cs_call_capture_clear (CsCall *self)
{
  self->video_entry = NULL;
  self->video_source = NULL;
  self->audio_entry = NULL;
  self->audio_source = NULL;
  self->speakers = NULL;
  self->speakers_feed = NULL;
}

gboolean
cs_call_capture_has_camera (CsCall *self)
{
  return !self->camera_chosen || self->camera != NULL;
}

gboolean
cs_call_capture_has_microphone (CsCall *self)
{
  return !self->microphone_chosen || self->microphone != NULL;
}

/* Public API (cs-call.h). */

void
cs_call_set_camera (CsCall *self, GstDevice *camera)
{
  gboolean had_camera;

  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (camera == NULL || GST_IS_DEVICE (camera));

  if (self->camera_chosen && self->camera == camera)
    return;

  had_camera = cs_call_capture_has_camera (self);
  self->camera_chosen = TRUE;
  g_set_object (&self->camera, camera);
  if (!self->sharing_screen)
    switch_video (self);
  if (had_camera != cs_call_capture_has_camera (self))
    {
      g_object_notify (G_OBJECT (self), "has-camera");
      cs_call_send_media_state (self);
    }
}

void
cs_call_set_microphone (CsCall *self, GstDevice *microphone)
{
  gboolean had_microphone;

  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (microphone == NULL || GST_IS_DEVICE (microphone));

  if (self->microphone_chosen && self->microphone == microphone)
    return;

  had_microphone = cs_call_capture_has_microphone (self);
  self->microphone_chosen = TRUE;
  g_set_object (&self->microphone, microphone);
  switch_audio (self);
  if (had_microphone != cs_call_capture_has_microphone (self))
    {
      g_object_notify (G_OBJECT (self), "has-microphone");
      cs_call_send_media_state (self);
    }
}

void
cs_call_set_speakers (CsCall *self, GstDevice *speakers)
{
  g_return_if_fail (CS_IS_CALL (self));
  g_return_if_fail (speakers == NULL || GST_IS_DEVICE (speakers));

  if (self->speakers_device == speakers)
    return;

  g_set_object (&self->speakers_device, speakers);
  switch_speakers (self);
}

gboolean
cs_call_get_has_camera (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);

  return cs_call_capture_has_camera (self);
}

gboolean
cs_call_get_has_microphone (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);

  return cs_call_capture_has_microphone (self);
}

gboolean
cs_call_share_screen (CsCall *self, int pipewire_fd, guint32 node_id, GError **error)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (pipewire_fd < 0 && !cs_media_use_test_devices ())
    {
      g_set_error (error, CS_MEDIA_ERROR, CS_MEDIA_ERROR_FAILED,
                   _ ("The screen could not be shared. Try again."));
      return FALSE;
    }

  close_screen (self);
  self->screen_fd = pipewire_fd;
  self->screen_node = node_id;
  self->sharing_screen = TRUE;

  if (self->pipeline != NULL)
    {
      GstElement *source = make_video_source (self, error);

      if (source == NULL)
        {
          self->sharing_screen = FALSE;
          close_screen (self);
          return FALSE;
        }
      if (!replace_source (self, &self->video_source, self->video_entry, source, error))
        {
          self->sharing_screen = FALSE;
          close_screen (self);
          switch_video (self);
          return FALSE;
        }
    }

  cs_call_update_black (self);
  g_object_notify (G_OBJECT (self), "sharing-screen");
  cs_call_send_media_state (self);
  return TRUE;
}

void
cs_call_stop_screen_share (CsCall *self)
{
  g_return_if_fail (CS_IS_CALL (self));

  if (!self->sharing_screen)
    return;

  self->sharing_screen = FALSE;
  /* The camera first, then the screen's connection can go. */
  switch_video (self);
  close_screen (self);
  g_object_notify (G_OBJECT (self), "sharing-screen");
  cs_call_send_media_state (self);
}

gboolean
cs_call_get_sharing_screen (CsCall *self)
{
  g_return_val_if_fail (CS_IS_CALL (self), FALSE);

  return self->sharing_screen;
}
