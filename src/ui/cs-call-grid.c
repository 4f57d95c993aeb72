/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-grid"

#include "config.h"

#include "cs-call-grid.h"
#include "cs-call-tile.h"

#define SPACING 6
/* Tiles are 16:9: heights from widths and back in whole pixels, without floating point. */
#define HEIGHT_FOR_WIDTH(width) (9 * (width) / 16)
#define WIDTH_FOR_HEIGHT(height) ((16 * (height) + 8) / 9)
/* The smallest tile at 16:9: its height is the minimum, its width follows. */
#define MIN_WIDTH_16_9 WIDTH_FOR_HEIGHT (CS_CALL_TILE_MIN_HEIGHT)

struct _CsCallGrid
{
  GtkWidget parent_instance;

  guint n_tiles;
  GtkWidget *self_view; /* a child, the last one, but not a tile */
};

G_DEFINE_FINAL_TYPE (CsCallGrid, cs_call_grid, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_N_TILES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Where the self view goes: in a corner the tiles leave free, or in room kept for it. */
typedef enum
{
  SELF_VIEW_IN_FREE_CORNER,
  SELF_VIEW_BELOW,
  SELF_VIEW_BESIDE,
} SelfViewRoom;

typedef struct
{
  guint columns;
  guint rows;
  int tile_width;
  int tile_height;
  /* The part of the grid, from its top-left corner, in which the tiles are centred: all of it
   * unless room is kept for the self view. */
  int area_width;
  int area_height;
} Layout;

static int
cell_size (int total, guint count)
{
  return (total - (int) (count - 1) * SPACING) / (int) count;
}

/* The most columns whose tiles are still as wide as the smallest 16:9 tile (at least one). */
static guint
max_columns (int width, guint n_tiles)
{
  guint columns = 1;

  while (columns < n_tiles && cell_size (width, columns + 1) >= MIN_WIDTH_16_9)
    columns++;
  return columns;
}

static guint
rows_for (guint n_tiles, guint columns)
{
  return (n_tiles + columns - 1) / columns;
}

/* The self view's size, margins included, or 0 x 0 when there is none to show. */
static void
measure_self_view (CsCallGrid *self, int *width, int *height)
{
  *width = *height = 0;
  if (self->self_view == NULL || !gtk_widget_should_layout (self->self_view))
    return;

  gtk_widget_measure (self->self_view, GTK_ORIENTATION_HORIZONTAL, -1, width, NULL, NULL, NULL);
  gtk_widget_measure (self->self_view, GTK_ORIENTATION_VERTICAL, *width, height, NULL, NULL, NULL);
}

/*
 * The smallest height in which @n_tiles fit at @width, with room for a self view
 * @self_height high: the grid's minimum height, so where a scrolled window starts to scroll.
 *
 * Tiles on one row shrink to fit down to the smallest tiles. Tiles on several rows get the
 * whole width of their columns, which decides their height: a window too short for them all
 * scrolls rather than shows them all small in the middle of unused width, which is what a
 * narrow window, with its one column, would otherwise do.
 */
static int
min_height_for_width (int width, guint n_tiles, int self_height)
{
  guint columns;
  guint rows;
  int tile_height;

  if (n_tiles == 0)
    return self_height;

  columns = max_columns (width, n_tiles);
  rows = rows_for (n_tiles, columns);
  tile_height = rows == 1
                  ? CS_CALL_TILE_MIN_HEIGHT
                  : MAX (HEIGHT_FOR_WIDTH (cell_size (width, columns)), CS_CALL_TILE_MIN_HEIGHT);
  /* Room below is always enough for the self view; where the tiles leave a corner free, the
   * grid simply has some height to spare. */
  return (int) rows * tile_height + (int) (rows - 1) * SPACING +
         (self_height > 0 ? self_height + SPACING : 0);
}

/* The biggest 16:9 tiles in @columns columns in @area_width x @area_height; FALSE if they are
 * smaller than the smallest tile. */
static gboolean
layout_in (int area_width, int area_height, guint n_tiles, guint columns, Layout *layout)
{
  guint rows = rows_for (n_tiles, columns);
  int cell_width = cell_size (area_width, columns);
  int cell_height = cell_size (area_height, rows);
  /* The width rounded up, the height down: tiles whose height comes from the width of their
   * column get that width back, and are never taller than their cell. */
  int tile_width = MIN (cell_width, WIDTH_FOR_HEIGHT (cell_height));
  int tile_height = HEIGHT_FOR_WIDTH (tile_width);

  *layout = (Layout){ columns, rows, tile_width, tile_height, area_width, area_height };
  return tile_height >= CS_CALL_TILE_MIN_HEIGHT;
}

static void
get_tile_rect (const Layout *layout, guint n_tiles, guint index, GdkRectangle *rect)
{
  guint row = index / layout->columns;
  guint column = index % layout->columns;
  /* The last row may be short: its tiles are centred too. */
  guint in_row = MIN (layout->columns, n_tiles - row * layout->columns);
  int row_width = (int) in_row * (layout->tile_width + SPACING) - SPACING;
  int block_height = (int) layout->rows * (layout->tile_height + SPACING) - SPACING;

  rect->x =
    MAX ((layout->area_width - row_width) / 2, 0) + (int) column * (layout->tile_width + SPACING);
  rect->y =
    MAX ((layout->area_height - block_height) / 2, 0) + (int) row * (layout->tile_height + SPACING);
  rect->width = layout->tile_width;
  rect->height = layout->tile_height;
}

/* Whether @self_rect comes closer to a tile than the spacing between tiles. */
static gboolean
covers_a_tile (const Layout *layout, guint n_tiles, const GdkRectangle *self_rect)
{
  GdkRectangle around = { self_rect->x - SPACING, self_rect->y - SPACING,
                          self_rect->width + SPACING, self_rect->height + SPACING };

  for (guint i = 0; i < n_tiles; i++)
    {
      GdkRectangle tile;

      get_tile_rect (layout, n_tiles, i, &tile);
      if (gdk_rectangle_intersect (&around, &tile, NULL))
        return TRUE;
    }
  return FALSE;
}

/* One column in a window with room for more leaves its sides empty: even when its tiles are
 * bigger, people look lost in it, where two would naturally sit side by side. */
static gboolean
wastes_width (const Layout *layout, int width, guint n_tiles)
{
  return layout->columns == 1 && n_tiles > 1 && layout->tile_width * 10 < width * 9;
}

/* Whether @layout is better than @best: it uses the width if @best does not, or has bigger
 * tiles. */
static gboolean
is_better (const Layout *layout, const Layout *best, int width, guint n_tiles)
{
  gboolean wastes = wastes_width (layout, width, n_tiles);

  if (best->tile_width == 0)
    return TRUE;
  if (wastes != wastes_width (best, width, n_tiles))
    return !wastes;
  return (gint64) layout->tile_width * layout->tile_height >
         (gint64) best->tile_width * best->tile_height;
}

/*
 * The biggest 16:9 tiles that fit in @width x @height and leave the bottom-right corner, if
 * @self_width x @self_height is not 0 x 0, to the self view: a self view over someone's face
 * hides them, so its corner is either one the tiles leave free or room kept for it below or
 * beside them, whichever leaves the tiles biggest.
 */
static Layout
choose_layout (int width, int height, guint n_tiles, int self_width, int self_height)
{
  static const SelfViewRoom rooms[] = {
    SELF_VIEW_IN_FREE_CORNER,
    SELF_VIEW_BELOW,
    SELF_VIEW_BESIDE,
  };
  GdkRectangle self_rect = { width - self_width, height - self_height, self_width, self_height };
  Layout best = { 1, n_tiles, 0, 0, width, height };
  guint n_rooms = self_width > 0 && self_height > 0 ? G_N_ELEMENTS (rooms) : 1;

  /* A free corner first, so that it wins when keeping room would not make tiles bigger. */
  for (guint r = 0; r < n_rooms; r++)
    for (guint columns = 1; columns <= n_tiles; columns++)
      {
        int area_width = width - (rooms[r] == SELF_VIEW_BESIDE ? self_width + SPACING : 0);
        int area_height = height - (rooms[r] == SELF_VIEW_BELOW ? self_height + SPACING : 0);
        Layout layout;

        if (!layout_in (area_width, area_height, n_tiles, columns, &layout))
          continue;
        if (rooms[r] == SELF_VIEW_IN_FREE_CORNER && n_rooms > 1 &&
            covers_a_tile (&layout, n_tiles, &self_rect))
          continue;
        if (is_better (&layout, &best, width, n_tiles))
          best = layout;
      }

  if (best.tile_width == 0)
    {
      /* Less room than measured (a window being resized): the smallest tiles, as many
       * columns as fit, room kept below for the self view; whatever does not fit is clipped,
       * never overlapped. */
      guint limit = max_columns (width, n_tiles);

      best.columns = limit;
      best.rows = rows_for (n_tiles, limit);
      best.tile_width = MAX (MIN (cell_size (width, limit), MIN_WIDTH_16_9), 1);
      best.tile_height = CS_CALL_TILE_MIN_HEIGHT;
      if (n_rooms > 1)
        best.area_height = MAX (height - self_height - SPACING, 0);
    }
  /* Only a window narrower than the smallest 16:9 tile makes tiles narrower than 16:9. */
  best.tile_width = MAX (best.tile_width, MIN (CS_CALL_TILE_MIN_WIDTH, width));
  return best;
}

static void
cs_call_grid_measure (GtkWidget *widget,
                      GtkOrientation orientation,
                      int for_size,
                      int *minimum,
                      int *natural,
                      int *minimum_baseline,
                      int *natural_baseline)
{
  CsCallGrid *self = CS_CALL_GRID (widget);
  int self_width, self_height;

  measure_self_view (self, &self_width, &self_height);

  if (self->n_tiles == 0)
    {
      *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self_width : self_height;
      return;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (CS_CALL_TILE_MIN_WIDTH, self_width);
      *natural = MAX (*minimum, (int) MIN (self->n_tiles, 3) * (320 + SPACING) - SPACING);
    }
  else
    {
      int width = for_size >= 0 ? for_size : (int) MIN (self->n_tiles, 3) * (320 + SPACING);

      *minimum =
        min_height_for_width (MAX (width, CS_CALL_TILE_MIN_WIDTH), self->n_tiles, self_height);
      *natural = MAX (*minimum, (int) rows_for (self->n_tiles, MIN (self->n_tiles, 3)) * 180);
    }
}

static GtkSizeRequestMode
cs_call_grid_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
cs_call_grid_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  CsCallGrid *self = CS_CALL_GRID (widget);
  Layout layout;
  int self_width, self_height;
  guint index = 0;

  measure_self_view (self, &self_width, &self_height);
  self_width = MIN (self_width, width);
  self_height = MIN (self_height, height);
  if (self_width > 0 && self_height > 0)
    gtk_widget_size_allocate (self->self_view,
                              &(GtkAllocation){ width - self_width, height - self_height,
                                                self_width, self_height },
                              -1);

  if (self->n_tiles == 0)
    return;

  layout = choose_layout (width, height, self->n_tiles, self_width, self_height);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GdkRectangle rect;
      int child_min;

      if (child == self->self_view)
        continue;

      get_tile_rect (&layout, self->n_tiles, index, &rect);
      /* The tile must be measured before it is allocated; it asks for little. */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, &child_min, NULL, NULL, NULL);
      gtk_widget_size_allocate (child, &rect, -1);
      index++;
    }
}

static void
cs_call_grid_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallGrid *self = CS_CALL_GRID (object);

  switch (prop_id)
    {
    case PROP_N_TILES:
      g_value_set_uint (value, self->n_tiles);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_grid_dispose (GObject *object)
{
  CsCallGrid *self = CS_CALL_GRID (object);
  GtkWidget *child;

  self->self_view = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (cs_call_grid_parent_class)->dispose (object);
}

static void
cs_call_grid_class_init (CsCallGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_call_grid_get_property;
  object_class->dispose = cs_call_grid_dispose;
  widget_class->measure = cs_call_grid_measure;
  widget_class->get_request_mode = cs_call_grid_get_request_mode;
  widget_class->size_allocate = cs_call_grid_size_allocate;

  properties[PROP_N_TILES] =
    g_param_spec_uint ("n-tiles", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "cs-call-grid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cs_call_grid_init (CsCallGrid *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
cs_call_grid_new (void)
{
  return g_object_new (CS_TYPE_CALL_GRID, NULL);
}

void
cs_call_grid_add (CsCallGrid *self, GtkWidget *tile)
{
  g_return_if_fail (CS_IS_CALL_GRID (self));
  g_return_if_fail (GTK_IS_WIDGET (tile));
  g_return_if_fail (gtk_widget_get_parent (tile) == NULL);

  /* Before the self view, which stays last for focus and screen readers as on screen. */
  gtk_widget_insert_before (tile, GTK_WIDGET (self), self->self_view);
  self->n_tiles++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TILES]);
}

void
cs_call_grid_remove (CsCallGrid *self, GtkWidget *tile)
{
  g_return_if_fail (CS_IS_CALL_GRID (self));
  g_return_if_fail (GTK_IS_WIDGET (tile));
  g_return_if_fail (gtk_widget_get_parent (tile) == GTK_WIDGET (self));
  g_return_if_fail (tile != self->self_view);

  gtk_widget_unparent (tile);
  self->n_tiles--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TILES]);
}

guint
cs_call_grid_get_n_tiles (CsCallGrid *self)
{
  g_return_val_if_fail (CS_IS_CALL_GRID (self), 0);

  return self->n_tiles;
}

void
cs_call_grid_set_self_view (CsCallGrid *self, GtkWidget *self_view)
{
  g_return_if_fail (CS_IS_CALL_GRID (self));
  g_return_if_fail (self_view == NULL || GTK_IS_WIDGET (self_view));

  if (self->self_view == self_view)
    return;
  g_return_if_fail (self_view == NULL || gtk_widget_get_parent (self_view) == NULL);

  if (self->self_view != NULL)
    gtk_widget_unparent (self->self_view);
  self->self_view = self_view;
  if (self_view != NULL)
    gtk_widget_set_parent (self_view, GTK_WIDGET (self));
}

GtkWidget *
cs_call_grid_get_self_view (CsCallGrid *self)
{
  g_return_val_if_fail (CS_IS_CALL_GRID (self), NULL);

  return self->self_view;
}
