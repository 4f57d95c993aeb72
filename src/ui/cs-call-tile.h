/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  CS_CALL_TILE_LINK_GOOD,
  CS_CALL_TILE_LINK_WEAK,
  CS_CALL_TILE_LINK_RECONNECTING,
} CsCallTileLink;

/*
 * One person in the call window: their picture (or, camera off, an avatar with their
 * initials, never a frozen frame), their name, a speaking indicator, a microphone-off icon, and
 * a connection badge whose popover tells round-trip time, loss, bitrate and whether the path
 * is direct or relayed. A pure view: the call window sets what it shows.
 */
#define CS_TYPE_CALL_TILE (cs_call_tile_get_type ())
G_DECLARE_FINAL_TYPE (CsCallTile, cs_call_tile, CS, CALL_TILE, GtkWidget)

/* The smallest size a tile is given, in pixels; the grid never makes one smaller. */
#define CS_CALL_TILE_MIN_WIDTH 140
#define CS_CALL_TILE_MIN_HEIGHT 100

CsCallTile *cs_call_tile_new (void);

void cs_call_tile_set_name (CsCallTile *self, const char *name);
const char *cs_call_tile_get_name (CsCallTile *self);
void cs_call_tile_set_paintable (CsCallTile *self, GdkPaintable *paintable);
GdkPaintable *cs_call_tile_get_paintable (CsCallTile *self);
void cs_call_tile_set_camera_off (CsCallTile *self, gboolean camera_off);
gboolean cs_call_tile_get_camera_off (CsCallTile *self);
void cs_call_tile_set_muted (CsCallTile *self, gboolean muted);
gboolean cs_call_tile_get_muted (CsCallTile *self);
void cs_call_tile_set_speaking (CsCallTile *self, gboolean speaking);
gboolean cs_call_tile_get_speaking (CsCallTile *self);
/* The self view has no connection badge. */
void cs_call_tile_set_show_link (CsCallTile *self, gboolean show_link);
void cs_call_tile_set_link (CsCallTile *self,
                            CsCallTileLink link,
                            double round_trip_ms,
                            double loss_percent,
                            guint bitrate_kbps,
                            gboolean relayed);
CsCallTileLink cs_call_tile_get_link (CsCallTile *self);

G_END_DECLS
