/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-tile"

#include "config.h"

#include "cs-call-tile.h"

#include <glib/gi18n.h>

/* The avatar is drawn at this size and scaled to the tile, so that changing tile sizes never
 * asks for a new size request while the grid is being allocated. */
#define AVATAR_SIZE 128
/* Part of the tile's height the avatar takes when the camera is off. */
#define AVATAR_FRACTION 0.5

struct _CsCallTile
{
  GtkWidget parent_instance;

  char *name;
  GdkPaintable *paintable;
  gboolean camera_off;
  gboolean muted;
  gboolean speaking;
  gboolean show_link;
  CsCallTileLink link;

  GtkPicture *picture;
  AdwAvatar *avatar;
  GtkLabel *reconnecting_label;
  GtkWidget *name_box;
  GtkImage *muted_icon;
  GtkLabel *name_label;
  GtkMenuButton *link_button;
  GtkLabel *link_title_label;
  GtkLabel *link_details_label;
};

G_DEFINE_FINAL_TYPE (CsCallTile, cs_call_tile, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_PAINTABLE,
  PROP_CAMERA_OFF,
  PROP_MUTED,
  PROP_SPEAKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* No picture to show: the camera is off, or no frame has come yet (a CsVideoPaintable is
 * empty until then). */
static gboolean
shows_avatar (CsCallTile *self)
{
  return self->camera_off || self->paintable == NULL ||
         gdk_paintable_get_intrinsic_width (self->paintable) <= 0 ||
         gdk_paintable_get_intrinsic_height (self->paintable) <= 0;
}

static void
update_picture (CsCallTile *self)
{
  gboolean avatar = shows_avatar (self);

  /* Never a frozen frame: with the camera off the picture is not drawn at all. */
  gtk_picture_set_paintable (self->picture, avatar ? NULL : self->paintable);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), !avatar);
  gtk_widget_set_visible (GTK_WIDGET (self->avatar), avatar);
}

static void
on_paintable_size_changed (GdkPaintable *paintable, CsCallTile *self)
{
  update_picture (self);
}

static void
update_accessible_label (CsCallTile *self)
{
  g_autofree char *label = NULL;

  if (self->muted)
    /* Translators: how a screen reader names a person's tile; %s is their name. */
    label = g_strdup_printf (_ ("%s, microphone off"), self->name != NULL ? self->name : "");
  else
    label = g_strdup (self->name != NULL ? self->name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
cs_call_tile_measure (GtkWidget *widget,
                      GtkOrientation orientation,
                      int for_size,
                      int *minimum,
                      int *natural,
                      int *minimum_baseline,
                      int *natural_baseline)
{
  CsCallTile *self = CS_CALL_TILE (widget);

  /* As small as the name and the badge allow: the grid gives tiles their size, and the
   * self view's comes from its size request. */
  *minimum = *natural = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;

      /* The picture shrinks and the avatar is scaled: neither sets the tile's size. */
      if (child == GTK_WIDGET (self->avatar) || child == GTK_WIDGET (self->picture) ||
          !gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
      *minimum = MAX (*minimum, child_min);
      *natural = MAX (*natural, child_min);
    }
}

static void
cs_call_tile_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  CsCallTile *self = CS_CALL_TILE (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_should_layout (child))
        continue;

      if (child == GTK_WIDGET (self->avatar))
        {
          int avatar_min;
          float side = MIN (width, height) * AVATAR_FRACTION;
          float scale;
          GskTransform *transform;

          gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &avatar_min, NULL, NULL, NULL);
          scale = side / MAX (avatar_min, 1);
          transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT ((width - side) / 2,
                                                                           (height - side) / 2 -
                                                                             height * 0.05));
          transform = gsk_transform_scale (transform, scale, scale);
          gtk_widget_allocate (child, avatar_min, avatar_min, -1, transform);
        }
      else
        {
          gtk_widget_allocate (child, width, height, -1, NULL);
        }
    }
}

static void
cs_call_tile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallTile *self = CS_CALL_TILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_SPEAKING:
      g_value_set_boolean (value, self->speaking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_tile_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCallTile *self = CS_CALL_TILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      cs_call_tile_set_name (self, g_value_get_string (value));
      break;
    case PROP_PAINTABLE:
      cs_call_tile_set_paintable (self, g_value_get_object (value));
      break;
    case PROP_CAMERA_OFF:
      cs_call_tile_set_camera_off (self, g_value_get_boolean (value));
      break;
    case PROP_MUTED:
      cs_call_tile_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_SPEAKING:
      cs_call_tile_set_speaking (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_tile_dispose (GObject *object)
{
  CsCallTile *self = CS_CALL_TILE (object);

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_func (self->paintable, on_paintable_size_changed, self);
  g_clear_object (&self->paintable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CALL_TILE);

  G_OBJECT_CLASS (cs_call_tile_parent_class)->dispose (object);
}

static void
cs_call_tile_finalize (GObject *object)
{
  CsCallTile *self = CS_CALL_TILE (object);

  g_free (self->name);

  G_OBJECT_CLASS (cs_call_tile_parent_class)->finalize (object);
}

static void
cs_call_tile_class_init (CsCallTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_call_tile_get_property;
  object_class->set_property = cs_call_tile_set_property;
  object_class->dispose = cs_call_tile_dispose;
  object_class->finalize = cs_call_tile_finalize;
  widget_class->measure = cs_call_tile_measure;
  widget_class->size_allocate = cs_call_tile_size_allocate;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE, flags);
  properties[PROP_CAMERA_OFF] = g_param_spec_boolean ("camera-off", NULL, NULL, FALSE, flags);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, flags);
  properties[PROP_SPEAKING] = g_param_spec_boolean ("speaking", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cousinade/Cousinade/cs-call-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, picture);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, avatar);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, reconnecting_label);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, name_box);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, muted_icon);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, link_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, link_title_label);
  gtk_widget_class_bind_template_child (widget_class, CsCallTile, link_details_label);
  gtk_widget_class_set_css_name (widget_class, "cs-call-tile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cs_call_tile_init (CsCallTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->show_link = TRUE;
  self->link = CS_CALL_TILE_LINK_RECONNECTING; /* so that the first set_link() updates */
  cs_call_tile_set_link (self, CS_CALL_TILE_LINK_GOOD, -1, -1, 0, FALSE);
  update_picture (self);
  update_accessible_label (self);
}

CsCallTile *
cs_call_tile_new (void)
{
  return g_object_new (CS_TYPE_CALL_TILE, NULL);
}

void
cs_call_tile_set_name (CsCallTile *self, const char *name)
{
  g_autofree char *link_label = NULL;

  g_return_if_fail (CS_IS_CALL_TILE (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  gtk_label_set_label (self->name_label, name);
  gtk_widget_set_visible (GTK_WIDGET (self->name_label), name != NULL && *name != '\0');
  adw_avatar_set_text (self->avatar, name);
  /* Translators: the button on a person's picture that tells how well their sound and picture
   * come through; %s is their name. */
  link_label = g_strdup_printf (_ ("Connection with %s"), name != NULL ? name : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->link_button), link_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->link_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  link_label, -1);
  update_accessible_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
cs_call_tile_get_name (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), NULL);

  return self->name;
}

void
cs_call_tile_set_paintable (CsCallTile *self, GdkPaintable *paintable)
{
  g_return_if_fail (CS_IS_CALL_TILE (self));
  g_return_if_fail (paintable == NULL || GDK_IS_PAINTABLE (paintable));

  if (self->paintable == paintable)
    return;

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_func (self->paintable, on_paintable_size_changed, self);
  g_set_object (&self->paintable, paintable);
  if (paintable != NULL)
    g_signal_connect (paintable, "invalidate-size", G_CALLBACK (on_paintable_size_changed), self);
  update_picture (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
}

GdkPaintable *
cs_call_tile_get_paintable (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), NULL);

  return self->paintable;
}

void
cs_call_tile_set_camera_off (CsCallTile *self, gboolean camera_off)
{
  g_return_if_fail (CS_IS_CALL_TILE (self));

  camera_off = !!camera_off;
  if (self->camera_off == camera_off)
    return;

  self->camera_off = camera_off;
  update_picture (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
}

gboolean
cs_call_tile_get_camera_off (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), FALSE);

  return self->camera_off;
}

void
cs_call_tile_set_muted (CsCallTile *self, gboolean muted)
{
  g_return_if_fail (CS_IS_CALL_TILE (self));

  muted = !!muted;
  if (self->muted == muted)
    return;

  self->muted = muted;
  gtk_widget_set_visible (GTK_WIDGET (self->muted_icon), muted);
  update_accessible_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
cs_call_tile_get_muted (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), FALSE);

  return self->muted;
}

void
cs_call_tile_set_speaking (CsCallTile *self, gboolean speaking)
{
  g_return_if_fail (CS_IS_CALL_TILE (self));

  speaking = !!speaking;
  if (self->speaking == speaking)
    return;

  self->speaking = speaking;
  if (speaking)
    gtk_widget_add_css_class (GTK_WIDGET (self), "speaking");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "speaking");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEAKING]);
}

gboolean
cs_call_tile_get_speaking (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), FALSE);

  return self->speaking;
}

void
cs_call_tile_set_show_link (CsCallTile *self, gboolean show_link)
{
  g_return_if_fail (CS_IS_CALL_TILE (self));

  self->show_link = !!show_link;
  gtk_widget_set_visible (GTK_WIDGET (self->link_button), self->show_link);
  gtk_widget_set_visible (GTK_WIDGET (self->reconnecting_label),
                          self->show_link && self->link == CS_CALL_TILE_LINK_RECONNECTING);
}

/**
 * cs_call_tile_set_link:
 * @round_trip_ms: negative when not measured yet
 * @loss_percent: negative when not measured yet
 * @bitrate_kbps: what comes from this person, 0 when not measured yet
 *
 * What the connection badge shows: its icon follows @link, its popover the numbers.
 */
void
cs_call_tile_set_link (CsCallTile *self,
                       CsCallTileLink link,
                       double round_trip_ms,
                       double loss_percent,
                       guint bitrate_kbps,
                       gboolean relayed)
{
  GString *details;
  const char *icon_name = NULL;
  const char *title = NULL;

  g_return_if_fail (CS_IS_CALL_TILE (self));

  self->link = link;
  switch (link)
    {
    case CS_CALL_TILE_LINK_GOOD:
      icon_name = "network-cellular-signal-excellent-symbolic";
      title = _ ("Good connection");
      break;
    case CS_CALL_TILE_LINK_WEAK:
      icon_name = "network-cellular-signal-weak-symbolic";
      title = _ ("Weak connection: the picture or sound may stutter");
      break;
    case CS_CALL_TILE_LINK_RECONNECTING:
    default:
      icon_name = "view-refresh-symbolic";
      title = _ ("Reconnecting…");
      break;
    }
  gtk_menu_button_set_icon_name (self->link_button, icon_name);
  gtk_label_set_label (self->link_title_label, title);
  if (link == CS_CALL_TILE_LINK_WEAK)
    gtk_widget_add_css_class (GTK_WIDGET (self->link_button), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->link_button), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->reconnecting_label),
                          self->show_link && link == CS_CALL_TILE_LINK_RECONNECTING);

  details = g_string_new (NULL);
  if (round_trip_ms < 0 && loss_percent < 0 && bitrate_kbps == 0)
    {
      g_string_append (details, _ ("Not measured yet."));
    }
  else
    {
      if (round_trip_ms >= 0)
        {
          /* Translators: how long sound takes to go to the other person and back. */
          g_string_append_printf (details, _ ("Delay there and back: %d ms"),
                                  (int) (round_trip_ms + 0.5));
          g_string_append_c (details, '\n');
        }
      if (loss_percent >= 0)
        {
          /* Translators: %.1f is a percentage; write %% for the percent sign. */
          g_string_append_printf (details, _ ("Lost on the way: %.1f %%"), loss_percent);
          g_string_append_c (details, '\n');
        }
      /* Translators: kbit/s is kilobits per second. */
      g_string_append_printf (details, _ ("Speed: %u kbit/s"), bitrate_kbps);
      g_string_append_c (details, '\n');
      g_string_append (details, relayed ? _ ("Through a relay server") : _ ("Direct connection"));
    }
  gtk_label_set_label (self->link_details_label, details->str);
  g_string_free (details, TRUE);
}

CsCallTileLink
cs_call_tile_get_link (CsCallTile *self)
{
  g_return_val_if_fail (CS_IS_CALL_TILE (self), CS_CALL_TILE_LINK_GOOD);

  return self->link;
}
