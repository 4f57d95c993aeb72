/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-call-layout"

#include "config.h"

#include "cs-call-grid.h"
#include "cs-call-tile.h"
#include "cs-call-window.h"
#include "cs-local-hub.h"
#include "cs-local-signaling.h"

#include <glib/gstdio.h>

#define TIMEOUT_SECONDS 10

static const char *screenshot_dir;

static const char *const names[] = {
  "Mamie Jeanne", "Paul", "Karim Benali", "Sophie", "Jean-Baptiste Dupont-Lefèvre", "Léa",
};

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* Iterates the main context until @window is shown and its size has settled (client-side
 * decorations may take a few pixels of the size asked for). */
static void
wait_for_size (GtkWindow *window, int width, int height)
{
  GtkWidget *widget = GTK_WIDGET (window);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;
  int last_width = -1, last_height = -1;

  for (;;)
    {
      settle ();
      if (gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) == last_width &&
          gtk_widget_get_height (widget) == last_height && last_width > 0)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("The window did not settle: %dx%d", last_width, last_height);
      last_width = gtk_widget_get_width (widget);
      last_height = gtk_widget_get_height (widget);
    }
  g_test_message ("Window asked for %dx%d, got %dx%d", width, height, last_width, last_height);
  g_assert_cmpint (last_width, <=, width);
  g_assert_cmpint (last_width, >=, width - 20);
  g_assert_cmpint (last_height, <=, height);
  g_assert_cmpint (last_height, >=, height - 20);
}

static void
save_screenshot (GtkWindow *window, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  /* A widget paintable shows what the window drew last, which is nothing between a change
   * (such as a new frame of the self view, many times a second) and the next frame drawn. */
  while (node == NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_to_node (snapshot);
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (screenshot_dir, 0755);
  path = g_build_filename (screenshot_dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);
}

/* A picture of known pixels: a gradient in one colour per person, as a camera would send. */
static GdkTexture *
make_picture (guint index)
{
  const int width = 320, height = 180;
  static const guint8 colours[][3] = {
    { 0xe0, 0x80, 0x40 }, { 0x40, 0x90, 0xe0 }, { 0x50, 0xb0, 0x60 },
    { 0xc0, 0x50, 0xa0 }, { 0xd0, 0xc0, 0x40 }, { 0x60, 0x60, 0xd0 },
  };
  const guint8 *colour = colours[index % G_N_ELEMENTS (colours)];
  guint8 *pixels = g_malloc (width * height * 3);
  g_autoptr (GBytes) bytes = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *pixel = pixels + (y * width + x) * 3;
        double shade = 0.4 + 0.6 * (double) (x + y) / (width + height);

        for (int c = 0; c < 3; c++)
          pixel[c] = (guint8) (colour[c] * shade);
      }
  bytes = g_bytes_new_take (pixels, width * height * 3);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, width * 3);
}

static GtkWidget *
make_tile (guint index)
{
  CsCallTile *tile = cs_call_tile_new ();
  g_autoptr (GdkTexture) picture = make_picture (index);

  cs_call_tile_set_name (tile, names[index]);
  cs_call_tile_set_paintable (tile, GDK_PAINTABLE (picture));
  /* Paul and Jean-Baptiste have their camera off; Karim has no picture at all. */
  cs_call_tile_set_camera_off (tile, index == 1 || index == 4);
  if (index == 2)
    cs_call_tile_set_paintable (tile, NULL);
  cs_call_tile_set_muted (tile, index == 1 || index == 3);
  cs_call_tile_set_speaking (tile, index == 0);
  if (index == 3)
    cs_call_tile_set_link (tile, CS_CALL_TILE_LINK_WEAK, 520, 7.5, 310, TRUE);
  else if (index == 5)
    cs_call_tile_set_link (tile, CS_CALL_TILE_LINK_RECONNECTING, -1, -1, 0, FALSE);
  else
    cs_call_tile_set_link (tile, CS_CALL_TILE_LINK_GOOD, 42, 0.2, 900, FALSE);
  return GTK_WIDGET (tile);
}

static void
check_tiles (GtkWidget *grid, gboolean narrow, guint n)
{
  graphene_rect_t bounds[G_N_ELEMENTS (names)];
  GtkWidget *self_view = cs_call_grid_get_self_view (CS_CALL_GRID (grid));
  int grid_width = gtk_widget_get_width (grid);
  int grid_height = gtk_widget_get_height (grid);
  gboolean one_column = TRUE;
  guint i = 0;

  g_assert_cmpuint (cs_call_grid_get_n_tiles (CS_CALL_GRID (grid)), ==, n);
  for (GtkWidget *tile = gtk_widget_get_first_child (grid); tile != NULL;
       tile = gtk_widget_get_next_sibling (tile))
    {
      graphene_rect_t *b = &bounds[i];

      /* The user's own picture is not a tile; check_self_view() looks at it. */
      if (tile == self_view)
        continue;

      g_assert_cmpuint (i, <, n);
      g_assert_true (gtk_widget_get_mapped (tile));
      g_assert_true (gtk_widget_compute_bounds (tile, grid, b));
      g_test_message ("%u tiles, %s: tile %u at %.0f,%.0f %.0fx%.0f in %dx%d", n,
                      narrow ? "narrow" : "wide", i, b->origin.x, b->origin.y, b->size.width,
                      b->size.height, grid_width, grid_height);
      g_assert_cmpfloat (b->size.width, >=, CS_CALL_TILE_MIN_WIDTH);
      g_assert_cmpfloat (b->size.height, >=, CS_CALL_TILE_MIN_HEIGHT);
      g_assert_cmpfloat (b->origin.x, >=, 0);
      g_assert_cmpfloat (b->origin.y, >=, 0);
      g_assert_cmpfloat (b->origin.x + b->size.width, <=, grid_width);
      g_assert_cmpfloat (b->origin.y + b->size.height, <=, grid_height);
      /* Tiles are about 16:9, the shape of the pictures they show. */
      g_assert_cmpfloat (b->size.width / b->size.height, >=, 1.4);
      g_assert_cmpfloat (b->size.width / b->size.height, <=, 1.8);
      for (guint j = 0; j < i; j++)
        {
          graphene_rect_t overlap;

          if (graphene_rect_intersection (b, &bounds[j], &overlap))
            g_assert_cmpfloat (overlap.size.width * overlap.size.height, <, 0.5);
        }
      /* A 360 px wide window has one column. */
      if (narrow)
        g_assert_cmpfloat (b->origin.x, ==, bounds[0].origin.x);
      if (!G_APPROX_VALUE (b->origin.x, bounds[0].origin.x, 0.5))
        one_column = FALSE;
      i++;
    }
  g_assert_cmpuint (i, ==, n);

  /* In one column, nobody is shown small in the middle of unused width (get_width() leaves
   * the grid's margins out): a narrow window scrolls instead. (One person alone in a window
   * wider than 16:9 cannot fill its width without being cut: see below.) */
  if (one_column && (n > 1 || narrow))
    for (i = 0; i < n; i++)
      g_assert_cmpfloat (bounds[i].size.width, >=, grid_width * 0.9);

  /* With room to spare, one person fills most of the width. */
  if (n == 1)
    g_assert_cmpfloat (bounds[0].size.width, >=, grid_width * (narrow ? 0.9 : 0.7));
}

static void
test_grid_layout (gconstpointer data)
{
  gboolean narrow = GPOINTER_TO_INT (data);
  int width = narrow ? 360 : 1280;
  int height = narrow ? 640 : 800;

  for (guint n = 1; n <= G_N_ELEMENTS (names); n++)
    {
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());
      GtkWidget *scrolled = gtk_scrolled_window_new ();
      GtkWidget *grid = cs_call_grid_new ();
      g_autofree char *name = NULL;

      gtk_window_set_default_size (window, width, height);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                      GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), grid);
      gtk_window_set_child (window, scrolled);
      gtk_widget_add_css_class (scrolled, "cs-call-stage");
      for (guint i = 0; i < n; i++)
        cs_call_grid_add (CS_CALL_GRID (grid), make_tile (i));
      gtk_window_present (window);
      wait_for_size (window, width, height);

      check_tiles (grid, narrow, n);
      name = g_strdup_printf ("call-layout-%u-%s.png", n, narrow ? "narrow" : "wide");
      save_screenshot (window, name);

      /* Someone leaves: the others are laid out again, still without overlap. */
      if (n > 1)
        {
          cs_call_grid_remove (CS_CALL_GRID (grid), gtk_widget_get_last_child (grid));
          settle ();
          check_tiles (grid, narrow, n - 1);
        }

      gtk_window_destroy (window);
      settle ();
    }
}

static gboolean
is_call_control (GtkWidget *widget)
{
  const char *action =
    GTK_IS_ACTIONABLE (widget) ? gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) : NULL;

  return action != NULL && g_str_has_prefix (action, "call.");
}

static guint
check_controls (GtkWidget *window, GtkWidget *widget)
{
  guint found = 0;

  if (is_call_control (widget) || (GTK_IS_MENU_BUTTON (widget) && gtk_widget_get_visible (widget)))
    {
      graphene_rect_t b;
      const char *tooltip = gtk_widget_get_tooltip_text (widget);

      g_assert_true (gtk_widget_get_mapped (widget));
      g_assert_true (gtk_widget_compute_bounds (widget, window, &b));
      g_test_message ("%s at %.0f,%.0f %.0fx%.0f", G_OBJECT_TYPE_NAME (widget), b.origin.x,
                      b.origin.y, b.size.width, b.size.height);
      g_assert_cmpfloat (b.origin.x, >=, 0);
      g_assert_cmpfloat (b.origin.x + b.size.width, <=, gtk_widget_get_width (window));
      g_assert_cmpfloat (b.origin.y + b.size.height, <=, gtk_widget_get_height (window));
      g_assert_cmpfloat (b.size.width, >=, 24);
      g_assert_nonnull (tooltip);
      if (is_call_control (widget))
        found++;
      return found;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    found += check_controls (window, child);
  return found;
}

static GtkWidget *
find_widget (GtkWidget *widget, GType type, const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_self_view (GtkWidget *window)
{
  return find_widget (window, CS_TYPE_CALL_TILE, "self-view");
}

/* The user's own picture hides nobody: it overlaps no tile, in the window's coordinates,
 * whatever its parent. */
static void
check_self_view (GtkWidget *window, GtkWidget *grid, guint n)
{
  GtkWidget *self_view = find_self_view (window);
  graphene_rect_t self_bounds;
  guint i = 0;

  g_assert_nonnull (self_view);
  g_assert_true (gtk_widget_get_mapped (self_view));
  g_assert_true (gtk_widget_compute_bounds (self_view, window, &self_bounds));
  g_test_message ("%u tiles: self view at %.0f,%.0f %.0fx%.0f", n, self_bounds.origin.x,
                  self_bounds.origin.y, self_bounds.size.width, self_bounds.size.height);
  g_assert_cmpfloat (self_bounds.size.width, >=, 100);
  g_assert_cmpfloat (self_bounds.size.height, >=, 50);
  for (GtkWidget *tile = gtk_widget_get_first_child (grid); tile != NULL;
       tile = gtk_widget_get_next_sibling (tile))
    {
      graphene_rect_t b, overlap;

      if (tile == self_view)
        continue;
      g_assert_true (gtk_widget_compute_bounds (tile, window, &b));
      if (graphene_rect_intersection (&self_bounds, &b, &overlap))
        g_assert_cmpfloat (overlap.size.width * overlap.size.height, <, 0.5);
      i++;
    }
  g_assert_cmpuint (i, ==, n);
}

/* Whether @widget is wholly in view in @scrolled: not scrolled away, nor cut. */
static gboolean
is_in_view (GtkWidget *widget, GtkWidget *scrolled)
{
  graphene_rect_t b;

  g_assert_true (gtk_widget_compute_bounds (widget, scrolled, &b));
  return b.origin.y >= 0 && b.origin.x >= 0 &&
         b.origin.y + b.size.height <= gtk_widget_get_height (scrolled) &&
         b.origin.x + b.size.width <= gtk_widget_get_width (scrolled);
}

#define WAIT_UNTIL(condition)                                                           \
  G_STMT_START                                                                          \
  {                                                                                     \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;      \
                                                                                        \
    while (!(condition))                                                                \
      {                                                                                 \
        if (g_get_monotonic_time () > deadline_)                                        \
          g_error ("Timed out after %d s waiting for %s", TIMEOUT_SECONDS, #condition); \
        g_main_context_iteration (NULL, TRUE);                                          \
      }                                                                                 \
  }                                                                                     \
  G_STMT_END

static void
on_window_destroyed (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
test_window (gconstpointer data)
{
  gboolean narrow = GPOINTER_TO_INT (data);
  const char *kind = narrow ? "narrow" : "wide";
  int width = narrow ? 360 : 1280;
  int height = narrow ? 640 : 800;
  g_autofree char *dir = g_dir_make_tmp ("cs-call-layout-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "hub", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLocalHub) hub = cs_local_hub_new (socket_path, &error);
  g_autoptr (CsLocalSignaling) signaling = NULL;
  g_autoptr (CsCall) call = NULL;
  const char *absent[] = { "Mamie Jeanne", "Paul", NULL };
  static const char *const others[] = { "Bruno", "Karim", "Sophie", "Jean-Baptiste", "Léa" };
  CsLocalSignaling *participants[G_N_ELEMENTS (others)] = { NULL };
  CsCallWindow *window;
  GtkWidget *grid;
  gboolean destroyed = FALSE;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  signaling = cs_local_signaling_new (socket_path, "cousinade-dupont", "marie");
  call = cs_call_new (CS_CALL_SIGNALING (signaling), "Marie");

  window = cs_call_window_new (NULL, call, "Cousinade Dupont du premier dimanche");
  g_object_weak_ref (G_OBJECT (window), on_window_destroyed, &destroyed);
  cs_call_window_set_absent_members (window, absent);
  cs_call_window_set_self_name (window, "Marie");
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_size (GTK_WINDOW (window), width, height);

  /* The header (with the camera and sound menu) and the six controls (sharing the screen
   * among them) fit a narrow window, each with a tooltip. */
  g_assert_cmpuint (check_controls (GTK_WIDGET (window), GTK_WIDGET (window)), ==, 6);
  g_assert_null (cs_call_window_get_tile (window, "nobody"));
  g_assert_true (CS_IS_VIDEO_PAINTABLE (cs_call_window_get_self_paintable (window)));
  name = g_strdup_printf ("call-window-%s-connecting.png", kind);
  save_screenshot (GTK_WINDOW (window), name);

  /* The actions drive the call, both ways. */
  g_assert_false (cs_call_get_muted (call));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-microphone", NULL));
  g_assert_true (cs_call_get_muted (call));
  g_assert_false (cs_call_get_camera_off (call));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-camera", NULL));
  g_assert_true (cs_call_get_camera_off (call));
  settle ();
  g_free (name);
  name = g_strdup_printf ("call-window-%s-muted.png", kind);
  save_screenshot (GTK_WINDOW (window), name);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-microphone", NULL));
  g_assert_false (cs_call_get_muted (call));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-camera", NULL));
  g_assert_false (cs_call_get_camera_off (call));
  /* And the call's state shows on the buttons when it changes elsewhere. */
  cs_call_set_muted (call, TRUE);
  {
    gboolean muted = FALSE;

    g_object_get (window, "muted", &muted, NULL);
    g_assert_true (muted);
  }

  /* The self view hides and comes back; with the camera off it shows the user's initials. */
  {
    GtkWidget *self_view = find_self_view (GTK_WIDGET (window));

    g_assert_nonnull (self_view);
    g_assert_true (gtk_widget_get_mapped (self_view));
    g_assert_cmpstr (cs_call_tile_get_name (CS_CALL_TILE (self_view)), ==, "Marie");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-self-view", NULL));
    g_assert_false (gtk_widget_get_visible (self_view));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-self-view", NULL));
    g_assert_true (gtk_widget_get_visible (self_view));
  }

  /* People arrive one by one, up to the six a call can have: in the narrow window each of them
   * gets the whole width, and the user's own picture hides none of them. */
  grid = find_widget (GTK_WIDGET (window), CS_TYPE_CALL_GRID, NULL);
  g_assert_nonnull (grid);
  g_assert_true (cs_call_join (call, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (cs_call_get_state (call) == CS_CALL_STATE_IN_CALL);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *id = g_strdup_printf ("cousin-%u", i);
      GtkWidget *scrolled = gtk_widget_get_ancestor (grid, GTK_TYPE_SCROLLED_WINDOW);
      GtkWidget *self_view;

      participants[i] = cs_local_signaling_new (socket_path, "cousinade-dupont", id);
      cs_call_signaling_join (CS_CALL_SIGNALING (participants[i]), others[i]);
      WAIT_UNTIL (cs_call_window_get_tile (window, id) != NULL);
      /* The status page crossfades to the grid: a screenshot must not show both. */
      WAIT_UNTIL (!gtk_stack_get_transition_running (
        GTK_STACK (gtk_widget_get_ancestor (grid, GTK_TYPE_STACK))));
      settle ();

      self_view = find_self_view (GTK_WIDGET (window));
      g_assert_true (gtk_widget_get_mapped (grid));
      check_tiles (grid, narrow, i + 1);
      check_self_view (GTK_WIDGET (window), grid, i + 1);
      /* (Tiles have menu buttons too, possibly scrolled away: only the header and controls.) */
      g_assert_cmpuint (check_controls (GTK_WIDGET (window),
                                        find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR,
                                                     NULL)),
                        ==, 0);
      g_assert_cmpuint (check_controls (GTK_WIDGET (window),
                                        find_widget (GTK_WIDGET (window), GTK_TYPE_BOX,
                                                     "cs-call-controls")),
                        ==, 6);
      /* Two people (the call seen in a real screenshot, where the self view sat on Bruno's
       * face) are both in view without scrolling in a narrow window; on a laptop, everyone
       * always is. */
      if (i == 0 || !narrow)
        for (GtkWidget *child = gtk_widget_get_first_child (grid); child != NULL;
             child = gtk_widget_get_next_sibling (child))
          g_assert_true (is_in_view (child, scrolled));
      g_free (name);
      name = i == 0 ? g_strdup_printf ("call-window-%s.png", kind)
                    : g_strdup_printf ("call-window-%s-%u.png", kind, i + 2);
      save_screenshot (GTK_WINDOW (window), name);

      /* Hidden, the self view gives its room back; shown again, it still hides nobody. */
      g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-self-view", NULL));
      settle ();
      g_assert_false (gtk_widget_get_visible (self_view));
      check_tiles (grid, narrow, i + 1);
      g_assert_true (
        gtk_widget_activate_action (GTK_WIDGET (window), "call.toggle-self-view", NULL));
      /* (Shown again, it has no size until the next frame lays the grid out.) */
      WAIT_UNTIL (gtk_widget_get_width (self_view) > 0);
      settle ();
      check_self_view (GTK_WIDGET (window), grid, i + 1);
    }

  /* Leaving destroys the window and leaves the call. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "call.leave", NULL));
  settle ();
  g_assert_true (destroyed);
  g_assert_cmpint (cs_call_get_state (call), !=, CS_CALL_STATE_JOINING);
  g_assert_cmpint (cs_call_get_state (call), !=, CS_CALL_STATE_IN_CALL);

  for (guint i = 0; i < G_N_ELEMENTS (participants); i++)
    {
      cs_call_signaling_leave (CS_CALL_SIGNALING (participants[i]));
      g_clear_object (&participants[i]);
    }
  g_clear_object (&call);
  g_clear_object (&signaling);
  g_clear_object (&hub);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GtkCssProvider) css = NULL;

  /* videotestsrc and audiotestsrc instead of a camera and a microphone. */
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  gst_init (NULL, NULL);

  /* What AdwApplication would load for the app. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/cousinade/Cousinade/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  screenshot_dir = g_getenv ("CS_SCREENSHOT_DIR");
  if (screenshot_dir == NULL)
    screenshot_dir = ".";

  g_test_add_data_func ("/call-layout/grid/wide", GINT_TO_POINTER (FALSE), test_grid_layout);
  g_test_add_data_func ("/call-layout/grid/narrow", GINT_TO_POINTER (TRUE), test_grid_layout);
  g_test_add_data_func ("/call-layout/window/narrow", GINT_TO_POINTER (TRUE), test_window);
  g_test_add_data_func ("/call-layout/window/wide", GINT_TO_POINTER (FALSE), test_window);

  return g_test_run ();
}
