/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces the block of docs/benchmarks.md between "<!-- @name -->" and "<!-- /@name -->" in
 * @text with @block (which carries both markers), or appends @block when there is none yet:
 * each benchmark rewrites its own figures and nothing else. */
void cs_bench_replace_block (GString *text, const char *name, const char *block);

G_END_DECLS
