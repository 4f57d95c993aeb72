/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Lays out the tiles of a call: as many columns and rows as give the biggest tiles at 16:9 in
 * the space there is, never smaller than CS_CALL_TILE_MIN_WIDTH x CS_CALL_TILE_MIN_HEIGHT, never
 * overlapping. When they cannot fit, the grid asks for more height: put it in a
 * GtkScrolledWindow.
 */
#define CS_TYPE_CALL_GRID (cs_call_grid_get_type ())
G_DECLARE_FINAL_TYPE (CsCallGrid, cs_call_grid, CS, CALL_GRID, GtkWidget)

GtkWidget *cs_call_grid_new (void);

/* Adds @tile after the others; the grid takes a reference. */
void cs_call_grid_add (CsCallGrid *self, GtkWidget *tile);
void cs_call_grid_remove (CsCallGrid *self, GtkWidget *tile);
guint cs_call_grid_get_n_tiles (CsCallGrid *self);

G_END_DECLS
