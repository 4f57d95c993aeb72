/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Lays out the tiles of a call: as many columns and rows as give the biggest tiles at 16:9 in
 * the space there is, never smaller than CS_CALL_TILE_MIN_WIDTH x CS_CALL_TILE_MIN_HEIGHT, never
 * overlapping. When they cannot all be seen at once, the tiles take the whole width and the
 * grid asks for more height: put it in a GtkScrolledWindow. A window too narrow for two
 * columns is always in that case: there, tiles are as wide as the grid.
 *
 * The user's own picture, if given, goes in the bottom-right corner, at the size it asks for,
 * where it covers no tile: in room the tiles leave free, or else in room kept for it below or
 * beside them.
 */
#define CS_TYPE_CALL_GRID (cs_call_grid_get_type ())
G_DECLARE_FINAL_TYPE (CsCallGrid, cs_call_grid, CS, CALL_GRID, GtkWidget)

GtkWidget *cs_call_grid_new (void);

/* Adds @tile after the others; the grid takes a reference. */
void cs_call_grid_add (CsCallGrid *self, GtkWidget *tile);
void cs_call_grid_remove (CsCallGrid *self, GtkWidget *tile);
guint cs_call_grid_get_n_tiles (CsCallGrid *self);
/* @self_view is not a tile: it is not counted, and hiding it gives its room back to the tiles.
 * NULL removes the current one. */
void cs_call_grid_set_self_view (CsCallGrid *self, GtkWidget *self_view);
GtkWidget *cs_call_grid_get_self_view (CsCallGrid *self);

G_END_DECLS
