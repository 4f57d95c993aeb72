/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @func once on the thread that iterates @context, always later, from an
 * idle source. Unlike g_main_context_invoke(), it never runs @func on the
 * calling thread: a worker thread whose default context is the app's could
 * otherwise acquire that context between two iterations and run the app's
 * code itself, beside the main thread. */
void cs_main_context_post (GMainContext *context,
                           GSourceFunc func,
                           gpointer data,
                           GDestroyNotify destroy);

G_END_DECLS
