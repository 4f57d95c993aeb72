/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where the shared video encoder's bitrate should go, from what one peer's receiver reports
 * (RTCP receiver reports: loss and round-trip time). Each peer keeps its own estimate; the
 * encoder follows the lowest, so the worst link sets the pace and the call stays whole.
 * Pure arithmetic, so that it can be tested without a network.
 */
typedef struct
{
  guint min_kbps;
  guint max_kbps;
} CsBitrateBounds;

/* The next estimate for one peer. @reason is set to a static, untranslated explanation
 * when the estimate changes, for the log. */
guint cs_call_adaptation_next (const CsBitrateBounds *bounds,
                               guint current_kbps,
                               double loss,
                               double rtt_ms,
                               const char **reason);

/* Sensible bounds for a picture size, from a few dozen kbit/s up to what looks good. */
CsBitrateBounds cs_call_adaptation_bounds_for_size (guint width, guint height);

G_END_DECLS
