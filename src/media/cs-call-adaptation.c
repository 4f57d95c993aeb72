/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-adaptation"

#include "config.h"

#include "cs-call-adaptation.h"

/* Loss above which the link is congested (or lossy enough that fewer bits, hence fewer packets
 * per frame, lose fewer frames), and below which there is room to grow. Between the two, hold:
 * a steady state instead of a sawtooth. */
#define LOSS_HIGH 0.03
#define LOSS_LOW 0.01
/* A round trip this long means queues are building up somewhere. */
#define RTT_HIGH_MS 400.0
#define GROWTH 1.08

guint
cs_call_adaptation_next (const CsBitrateBounds *bounds,
                         guint current_kbps,
                         double loss,
                         double rtt_ms,
                         const char **reason)
{
  double next = current_kbps;
  const char *why = NULL;

  g_return_val_if_fail (bounds != NULL, current_kbps);

  if (loss > LOSS_HIGH)
    {
      /* Proportional to the loss, as in loss-based congestion control. */
      next = current_kbps * (1.0 - 0.5 * MIN (loss, 0.5));
      why = "packet loss";
    }
  else if (rtt_ms > RTT_HIGH_MS)
    {
      next = current_kbps * 0.85;
      why = "long round trip";
    }
  else if (loss < LOSS_LOW)
    {
      next = current_kbps * GROWTH + 1;
      why = "clean link";
    }

  next = CLAMP (next, bounds->min_kbps, bounds->max_kbps);
  if ((guint) next != current_kbps && reason != NULL)
    *reason = why;
  return (guint) next;
}

CsBitrateBounds
cs_call_adaptation_bounds_for_size (guint width, guint height)
{
  guint pixels = width * height;
  CsBitrateBounds bounds;

  /* About 0.1 bit per pixel per frame at 30 fps at the top, a tenth of that at the bottom. */
  bounds.max_kbps = CLAMP (pixels * 30 / 10 / 1000, 300, 2500);
  bounds.min_kbps = MAX (bounds.max_kbps / 10, 50);
  return bounds;
}
