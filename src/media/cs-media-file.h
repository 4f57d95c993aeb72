/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The picture (@video) or the sound of the media file at @path as a live source: a bin with
 * one "src" pad, paced by the clock, playing the file again and again. */
GstElement *cs_media_file_source_new (const char *path, gboolean video, GError **error);

G_END_DECLS
