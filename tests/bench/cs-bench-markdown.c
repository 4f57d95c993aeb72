/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-bench-markdown"

#include "config.h"

#include "cs-bench-markdown.h"

#include <string.h>

void
cs_bench_replace_block (GString *text, const char *name, const char *block)
{
  g_autofree char *open = g_strdup_printf ("<!-- %s -->\n", name);
  g_autofree char *close = g_strdup_printf ("<!-- /%s -->\n", name);
  const char *start = strstr (text->str, open);
  const char *end = start != NULL ? strstr (start, close) : NULL;

  if (end != NULL)
    {
      gssize position = start - text->str;

      g_string_erase (text, position, end + strlen (close) - start);
      g_string_insert (text, position, block);
    }
  else
    g_string_append (text, block);
}
