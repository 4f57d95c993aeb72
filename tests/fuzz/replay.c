/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Without libFuzzer (gcc, the normal test suite), a fuzz target replays its corpus: every
 * seed and every crash ever found stays a regression test. */
int
main (int argc, char *argv[])
{
  guint count = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
          count++;
        }
    }

  g_print ("%u inputs replayed\n", count);
  return count > 0 ? 0 : 1;
}
