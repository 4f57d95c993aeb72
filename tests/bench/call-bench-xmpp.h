/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One call size of the XMPP comparison: first remote picture after joining, through the
 * local signalling hub and through Prosody, measured in the same invocation. Times are
 * medians over the runs of each run's median pair and of its slowest pair, in ms. */
typedef struct
{
  guint participants;
  double hub_median_ms;
  double hub_slowest_ms;
  double xmpp_median_ms;
  double xmpp_slowest_ms;
  /* From the zero to the bot's own "joined" event (the call's roster arrived). */
  double hub_joined_ms;
  double xmpp_joined_ms;
  /* Pairs where a participant never decoded the other's picture within the time limit. */
  guint hub_missing;
  guint xmpp_missing;
} CsBenchXmppRow;

/* The value below which a fraction @q of @values lie (sorts @values); -1 when empty. */
double cs_bench_quantile (GArray *values, double q);

typedef struct
{
  guint runs;
  /* Also start coturn and have Prosody hand it out (XEP-0215), as a deployment does. */
  gboolean turn;
  /* The bot to run (cousinade-bot). */
  const char *bot_path;
} CsBenchXmppOptions;

/**
 * cs_bench_xmpp_run:
 * @options: how to run
 * @rows: (array length=n_rows): filled in; each row's participants must be set (at most 6)
 * @n_rows: how many call sizes
 * @error: return location for a #GError
 *
 * Builds a lab of network namespaces, moves the calling thread into its servers' namespace
 * while Prosody (and coturn) run there, and measures every size @options->runs times in
 * each mode, alternating modes. Call it before any other thread of the process made a
 * socket. The thread is back in its own namespace when this returns.
 *
 * Returns: %TRUE when the servers could run and every call was measured (some pairs may
 * still be missing: see the rows)
 */
gboolean cs_bench_xmpp_run (const CsBenchXmppOptions *options,
                            CsBenchXmppRow *rows,
                            guint n_rows,
                            GError **error);

/* The `<!-- call-bench-xmpp -->` block of docs/benchmarks.md for @rows. */
char *cs_bench_xmpp_format_markdown (const CsBenchXmppOptions *options,
                                     const CsBenchXmppRow *rows,
                                     guint n_rows,
                                     const char *date,
                                     double load_before,
                                     double load_after);

G_END_DECLS
