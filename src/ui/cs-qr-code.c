/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-qr-code"

#include "config.h"

#include "cs-qr-code.h"

#include <qrencode.h>

#define QUIET_ZONE 4

GdkTexture *
cs_qr_code_new_texture (const char *text, guint module_size)
{
  QRcode *code;
  g_autoptr (GBytes) bytes = NULL;
  guint8 *pixels;
  gsize side, stride;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_size > 0, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    return NULL;

  side = (code->width + 2 * QUIET_ZONE) * module_size;
  stride = side * 3;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if ((code->data[y * code->width + x] & 1) == 0)
          continue;

        for (guint dy = 0; dy < module_size; dy++)
          {
            gsize row = ((y + QUIET_ZONE) * module_size + dy) * stride;
            gsize column = (x + QUIET_ZONE) * module_size * 3;

            memset (pixels + row + column, 0x00, module_size * 3);
          }
      }

  QRcode_free (code);
  bytes = g_bytes_new_take (pixels, stride * side);
  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, stride);
}
