/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#define CS_MEDIA_ERROR (cs_media_error_quark ())

typedef enum
{
  CS_MEDIA_ERROR_FAILED,
  /* A GStreamer element is not installed; the message names the package. */
  CS_MEDIA_ERROR_MISSING_ELEMENT,
  /* The call already has as many participants as a call can have. */
  CS_MEDIA_ERROR_CALL_FULL,
  /* The way to reach the others is gone (see CsCallSignaling::failed). */
  CS_MEDIA_ERROR_SIGNALING,
} CsMediaError;

GQuark cs_media_error_quark (void);

/* An element from @factory, or an error naming the Debian package that provides it. */
GstElement *cs_media_make (const char *factory, const char *name, GError **error);

/* Adds @elements to @bin and links them in order. When one is NULL (making it failed, and
 * set the error), nothing is added and the others are released. */
gboolean cs_media_add_chain (GstBin *bin, GstElement **elements, guint n, GError **error);

/* COUSINADE_MEDIA=test: test patterns and tones instead of the camera and microphone, and no
 * sound played (tests, benchmarks, CI). */
gboolean cs_media_use_test_devices (void);

/*
 * Glass-to-glass measurement (tests and benchmarks): the sender paints its wall-clock time,
 * in milliseconds, as large black and white blocks in the picture's top-left corner, which
 * survive encoding; the receiving sink reads them back. Pictures must be I420, at least
 * CS_MEDIA_STAMP_WIDTH x CS_MEDIA_STAMP_HEIGHT.
 */
#define CS_MEDIA_STAMP_WIDTH 192
#define CS_MEDIA_STAMP_HEIGHT 64
void cs_media_stamp_write (GstVideoFrame *frame, gint64 wall_ms);
gboolean cs_media_stamp_read (const GstVideoFrame *frame, gint64 *wall_ms);

/* Paints the whole picture black (I420): what peers receive while the camera is off. */
void cs_media_fill_black (GstVideoFrame *frame);

G_END_DECLS
