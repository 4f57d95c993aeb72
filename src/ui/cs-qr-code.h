/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A QR code of @text, @module_size pixels per module, with the quiet zone scanners need;
 * NULL if @text is too long to encode. */
GdkTexture *cs_qr_code_new_texture (const char *text, guint module_size);

G_END_DECLS
