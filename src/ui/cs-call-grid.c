/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-grid"

#include "config.h"

#include "cs-call-grid.h"
#include "cs-call-tile.h"

#define SPACING 6
#define ASPECT (16.0 / 9.0)
/* The smallest tile at 16:9: its height is the minimum, its width follows. */
#define MIN_WIDTH_16_9 ((int) (CS_CALL_TILE_MIN_HEIGHT * ASPECT + 0.5))

struct _CsCallGrid
{
  GtkWidget parent_instance;

  guint n_tiles;
};

G_DEFINE_FINAL_TYPE (CsCallGrid, cs_call_grid, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_N_TILES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint columns;
  guint rows;
  int tile_width;
  int tile_height;
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

/* The smallest height in which @n_tiles fit at @width: the grid's minimum height. */
static int
min_height_for_width (int width, guint n_tiles)
{
  guint rows;

  if (n_tiles == 0)
    return 0;
  rows = rows_for (n_tiles, max_columns (width, n_tiles));
  return (int) rows * CS_CALL_TILE_MIN_HEIGHT + (int) (rows - 1) * SPACING;
}

/* The biggest 16:9 tiles that fit in @width x @height. */
static Layout
choose_layout (int width, guint n_tiles, int height)
{
  Layout best = { 1, n_tiles, 0, 0 };
  guint limit = max_columns (width, n_tiles);

  for (guint columns = 1; columns <= limit; columns++)
    {
      guint rows = rows_for (n_tiles, columns);
      int cell_width = cell_size (width, columns);
      int cell_height = cell_size (height, rows);
      int tile_width = MIN (cell_width, (int) (cell_height * ASPECT));
      int tile_height = (int) (tile_width / ASPECT);

      if (tile_height < CS_CALL_TILE_MIN_HEIGHT)
        continue;
      if ((gint64) tile_width * tile_height > (gint64) best.tile_width * best.tile_height)
        best = (Layout){ columns, rows, tile_width, tile_height };
    }

  if (best.tile_width == 0)
    {
      /* Less room than measured (a window being resized): the smallest tiles, as many
       * columns as fit; whatever does not fit is clipped, never overlapped. */
      best.columns = limit;
      best.rows = rows_for (n_tiles, limit);
      best.tile_width = MAX (MIN (cell_size (width, limit), MIN_WIDTH_16_9), 1);
      best.tile_height = CS_CALL_TILE_MIN_HEIGHT;
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

  if (self->n_tiles == 0)
    {
      *minimum = *natural = 0;
      return;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = CS_CALL_TILE_MIN_WIDTH;
      *natural = (int) MIN (self->n_tiles, 3) * (320 + SPACING) - SPACING;
    }
  else
    {
      int width = for_size >= 0 ? for_size : (int) MIN (self->n_tiles, 3) * (320 + SPACING);

      *minimum = min_height_for_width (MAX (width, CS_CALL_TILE_MIN_WIDTH), self->n_tiles);
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
  int block_height;
  guint index = 0;

  if (self->n_tiles == 0)
    return;

  layout = choose_layout (width, self->n_tiles, height);
  block_height = (int) layout.rows * (layout.tile_height + SPACING) - SPACING;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      guint row = index / layout.columns;
      guint column = index % layout.columns;
      /* The last row may be short: its tiles are centred too. */
      guint in_row = MIN (layout.columns, self->n_tiles - row * layout.columns);
      int row_width = (int) in_row * (layout.tile_width + SPACING) - SPACING;
      int x = MAX ((width - row_width) / 2, 0) + (int) column * (layout.tile_width + SPACING);
      int y = MAX ((height - block_height) / 2, 0) + (int) row * (layout.tile_height + SPACING);
      int child_min;

      /* The tile must be measured before it is allocated; it asks for little. */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, &child_min, NULL, NULL, NULL);
      gtk_widget_size_allocate (child,
                                &(GtkAllocation){ x, y, layout.tile_width, layout.tile_height },
                                -1);
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
  GtkWidget *child;

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

  gtk_widget_set_parent (tile, GTK_WIDGET (self));
  self->n_tiles++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TILES]);
}

void
cs_call_grid_remove (CsCallGrid *self, GtkWidget *tile)
{
  g_return_if_fail (CS_IS_CALL_GRID (self));
  g_return_if_fail (GTK_IS_WIDGET (tile));
  g_return_if_fail (gtk_widget_get_parent (tile) == GTK_WIDGET (self));

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
