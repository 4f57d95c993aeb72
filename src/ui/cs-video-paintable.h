/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The picture of one participant (or of the user's own camera) for a GtkPicture: a
 * GdkPaintable fed by a GStreamer sink element of its own (Debian 12's GTK 4.8 has no
 * gtk4paintablesink). Each decoded frame becomes a GdkMemoryTexture that keeps its GstBuffer
 * alive (no copy where stride and format allow); only the newest frame is kept, and it is
 * swapped in on the main context. The intrinsic size follows the frames (pixel aspect ratio
 * included), also when the resolution changes mid-stream. Once drawn smaller than they come,
 * frames are scaled down on the streaming thread to the size they are drawn at (the intrinsic
 * size stays the source's): drawing them then costs a copy, even in software.
 */

#define CS_TYPE_VIDEO_PAINTABLE (cs_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (CsVideoPaintable, cs_video_paintable, CS, VIDEO_PAINTABLE, GObject)

/* Must be called on the main thread (the one whose main context shows the frames). */
CsVideoPaintable *cs_video_paintable_new (void);

/* A new sink element (raw video in, any size, stride or common RGB/YUV format) that shows
 * its frames in @self. Callable from any thread: CsCall asks for sinks on GStreamer's
 * threads. Each call makes a new element; a frame from any of them replaces the current one. */
GstElement *cs_video_paintable_make_sink (CsVideoPaintable *self);

/* Drawn mirrored left to right: the self view, as in a mirror. */
void cs_video_paintable_set_mirrored (CsVideoPaintable *self, gboolean mirrored);
gboolean cs_video_paintable_get_mirrored (CsVideoPaintable *self);

/* Forgets the current frame: the paintable is empty (0x0) until the next one. */
void cs_video_paintable_clear (CsVideoPaintable *self);

/* Frames swapped in on the main context so far (each one a picture a person could see). */
guint64 cs_video_paintable_get_frames_shown (CsVideoPaintable *self);
/* Monotonic time (µs) of the first frame shown, or 0. */
gint64 cs_video_paintable_get_first_frame_time (CsVideoPaintable *self);
/* Size in pixels of the current frame (0 when none): the size it is drawn at, once it has been
 * drawn smaller than the source. */
void cs_video_paintable_get_frame_size (CsVideoPaintable *self, int *width, int *height);
/* The current frame as it came (not mirrored, scaled to the drawn size if smaller), or NULL:
 * for screenshots and tests. Valid until the next frame is swapped in on the main context. */
GdkTexture *cs_video_paintable_get_texture (CsVideoPaintable *self);

G_END_DECLS
