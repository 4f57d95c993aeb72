/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-circle-page"

#include "config.h"

#include "cs-circle-page.h"
#include "cs-application.h"
#include "cs-circle-editor.h"
#include "cs-encounter-dialog.h"
#include "cs-labels.h"
#include "cs-member-picker.h"
#include "cs-qr-code.h"
#include "cs-timeline.h"
#include "cs-window.h"

#include <glib/gi18n.h>

struct _CsCirclePage
{
  AdwBin parent_instance;

  CsStore *store;
  CsCircle *circle;
  gboolean narrow;
  GBindingGroup *circle_bindings;
  CsCircleRooms *rooms;

  AdwWindowTitle *window_title;
  GtkLabel *emoji_label;
  GtkLabel *name_label;
  GtkLabel *description_label;
  GtkListBox *members_list;
  GtkListBox *calls_list;
  CsTimeline *timeline;
  AdwPreferencesGroup *invite_group;
  AdwActionRow *invite_row;
  GtkPicture *qr_picture;
};

G_DEFINE_FINAL_TYPE (CsCirclePage, cs_circle_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CIRCLE,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
kind_to_label (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_string (to, cs_circle_kind_to_label (g_value_get_enum (from)));
  return TRUE;
}

static gboolean
string_to_visible (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_boolean (to, text != NULL && *text != '\0');
  return TRUE;
}

static void
update_member_row_subtitle (AdwActionRow *row, CsMember *member)
{
  CsContact *contact = cs_member_get_contact (member);
  const char *address = cs_contact_get_xmpp_address (contact);
  const char *role = cs_member_role_to_label (cs_member_get_role (member));
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  g_autofree char *subtitle = NULL;

  if (self != NULL && self->rooms != NULL &&
      cs_circle_rooms_is_online (self->rooms, cs_member_get_circle (member), contact))
    /* Translators: a member's role, then their chat address, while they are online. */
    subtitle = g_strdup_printf (_ ("%s · %s · Online now"), role, address);
  else if (address != NULL)
    /* Translators: a member's role, then their chat address: "Organiser · anna@example.org". */
    subtitle = g_strdup_printf (_ ("%s · %s"), role, address);
  else
    subtitle = g_strdup (role);

  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_member_contact_notify (CsContact *contact, GParamSpec *pspec, AdwActionRow *row)
{
  update_member_row_subtitle (row, g_object_get_data (G_OBJECT (row), "cs-member"));
}

static void
undo_remove_member (CsWindow *window, gpointer data)
{
  CsMember *member = CS_MEMBER (data);
  g_autoptr (GError) error = NULL;

  CsApplication *app = CS_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  if (!cs_store_add_member (cs_window_get_store (window), cs_member_get_circle (member),
                            cs_member_get_contact (member), cs_member_get_role (member), &error))
    cs_window_add_toast (window, adw_toast_new (error->message));
  else
    cs_circle_rooms_member_added (cs_application_get_rooms (app), cs_member_get_circle (member),
                                  cs_member_get_contact (member));
}

static void
on_remove_member_clicked (GtkButton *button, CsCirclePage *self)
{
  CsMember *member = g_object_get_data (G_OBJECT (button), "cs-member");
  CsWindow *window = CS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  g_autoptr (CsMember) removed = g_object_ref (member);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (!cs_store_remove_member (self->store, cs_member_get_circle (member),
                               cs_member_get_contact (member), &error))
    {
      cs_window_add_toast (window, adw_toast_new (error->message));
      return;
    }

  if (self->rooms != NULL)
    cs_circle_rooms_member_removed (self->rooms, cs_member_get_circle (removed),
                                    cs_member_get_contact (removed));

  /* Translators: the first %s is a person, the second a circle. */
  title = g_strdup_printf (_ ("“%s” removed from “%s”"),
                           cs_contact_get_name (cs_member_get_contact (removed)),
                           cs_circle_get_name (cs_member_get_circle (removed)));
  cs_window_offer_undo (window, title, undo_remove_member, g_steal_pointer (&removed),
                        g_object_unref);
}

static GtkWidget *
create_member_row (gpointer item, gpointer user_data)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (user_data);
  CsMember *member = CS_MEMBER (item);
  CsContact *contact = cs_member_get_contact (member);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, cs_contact_get_name (contact), TRUE);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *remove_label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_bind_property (contact, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (contact, "name", avatar, "text", G_BINDING_SYNC_CREATE);
  g_object_set_data_full (G_OBJECT (row), "cs-member", g_object_ref (member), g_object_unref);
  g_object_set_data (G_OBJECT (row), "cs-page", self);
  update_member_row_subtitle (ADW_ACTION_ROW (row), member);
  g_signal_connect_object (contact, "notify::xmpp-address", G_CALLBACK (on_member_contact_notify),
                           row, 0);

  /* Translators: %s is a person's name. */
  remove_label = g_strdup_printf (_ ("Remove %s from this circle"), cs_contact_get_name (contact));
  gtk_widget_set_tooltip_text (remove, _ ("Remove from Circle"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "cs-member", g_object_ref (member), g_object_unref);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_member_clicked), self, 0);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

static GtkWidget *
create_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);

  return label;
}

static void
update_invite (CsCirclePage *self)
{
  g_autofree char *uri =
    self->circle != NULL ? cs_circle_rooms_dup_invite_uri (self->circle) : NULL;
  g_autoptr (GdkTexture) code = uri != NULL ? cs_qr_code_new_texture (uri, 5) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->invite_group), uri != NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->invite_row), uri != NULL ? uri : "");
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (code));
}

static void
on_room_address_notify (CsCircle *circle, GParamSpec *pspec, CsCirclePage *self)
{
  update_invite (self);
}

static void
on_copy_invite_clicked (GtkButton *button, CsCirclePage *self)
{
  g_autofree char *uri = cs_circle_rooms_dup_invite_uri (self->circle);
  CsWindow *window = CS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  if (uri == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), uri);
  cs_window_add_toast (window, adw_toast_new (_ ("Invite link copied")));
}

static void
on_rooms_presence_changed (CsCircleRooms *rooms, CsCircle *circle, CsCirclePage *self)
{
  if (circle != self->circle)
    return;

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->members_list, i);
      CsMember *member;

      if (row == NULL)
        break;
      member = g_object_get_data (G_OBJECT (row), "cs-member");
      if (member != NULL)
        update_member_row_subtitle (ADW_ACTION_ROW (row), member);
    }
}

static void
on_circle_edited (CsCircleEditor *editor, CsCircle *circle, CsCirclePage *self)
{
  /* The room's name follows the circle's. */
  if (self->rooms != NULL)
    cs_circle_rooms_circle_changed (self->rooms, circle);
}

static void
log_encounter_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsEncounterDialog *dialog;

  if (self->circle == NULL || self->store == NULL)
    return;

  dialog = cs_encounter_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, NULL);
  cs_encounter_dialog_set_circle (dialog, self->circle);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsCircleEditor *editor;

  if (self->circle == NULL)
    return;

  editor =
    cs_circle_editor_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->circle);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_circle_edited), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle == NULL)
    return;

  gtk_widget_activate_action (widget, "win.delete-circle", "x", cs_circle_get_id (self->circle));
}

static void
add_member_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsMemberPicker *picker;

  if (self->circle == NULL)
    return;

  picker =
    cs_member_picker_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->circle);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
cs_circle_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      g_value_set_object (value, self->circle);
      break;
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      cs_circle_page_set_circle (self, g_value_get_object (value));
      break;
    case PROP_NARROW:
      cs_circle_page_set_narrow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_page_dispose (GObject *object)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CIRCLE_PAGE);
  g_clear_object (&self->circle_bindings);
  if (self->circle != NULL)
    g_signal_handlers_disconnect_by_func (self->circle, on_room_address_notify, self);
  g_clear_object (&self->circle);
  g_clear_object (&self->rooms);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_circle_page_parent_class)->dispose (object);
}

static void
cs_circle_page_class_init (CsCirclePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_circle_page_get_property;
  object_class->set_property = cs_circle_page_set_property;
  object_class->dispose = cs_circle_page_dispose;

  properties[PROP_CIRCLE] =
    g_param_spec_object ("circle", NULL, NULL, CS_TYPE_CIRCLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-circle-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, emoji_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, members_list);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, calls_list);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, timeline);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, invite_group);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, invite_row);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, qr_picture);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_invite_clicked);

  gtk_widget_class_install_action (widget_class, "circle.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "circle.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "circle.add-member", NULL, add_member_action);
  gtk_widget_class_install_action (widget_class, "circle.log-encounter", NULL,
                                   log_encounter_action);
}

static void
cs_circle_page_init (CsCirclePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->circle_bindings = g_binding_group_new ();
  g_binding_group_bind (self->circle_bindings, "name", self->window_title, "title",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "kind", self->window_title, "subtitle",
                             G_BINDING_SYNC_CREATE, kind_to_label, NULL, NULL, NULL);
  g_binding_group_bind (self->circle_bindings, "name", self->name_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->circle_bindings, "emoji", self->emoji_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "emoji", self->emoji_label, "visible",
                             G_BINDING_SYNC_CREATE, string_to_visible, NULL, NULL, NULL);
  g_binding_group_bind (self->circle_bindings, "description", self->description_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "description", self->description_label,
                             "visible", G_BINDING_SYNC_CREATE, string_to_visible, NULL, NULL, NULL);

  gtk_list_box_set_placeholder (self->members_list,
                                create_placeholder (_ ("No members yet. Add the people of this "
                                                       "circle from your contacts.")));
  gtk_list_box_set_placeholder (self->calls_list, create_placeholder (_ ("No calls planned yet.")));
  cs_timeline_set_placeholder_text (self->timeline, _ ("Nothing logged with this circle yet."));
}

void
cs_circle_page_set_store (CsCirclePage *self, CsStore *store)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  cs_timeline_set_store (self->timeline, store);
}

void
cs_circle_page_set_rooms (CsCirclePage *self, CsCircleRooms *rooms)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (CS_IS_CIRCLE_ROOMS (rooms));
  g_return_if_fail (self->rooms == NULL);

  self->rooms = g_object_ref (rooms);
  g_signal_connect_object (rooms, "presence-changed", G_CALLBACK (on_rooms_presence_changed), self,
                           0);
}

CsCircle *
cs_circle_page_get_circle (CsCirclePage *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE_PAGE (self), NULL);

  return self->circle;
}

void
cs_circle_page_set_circle (CsCirclePage *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (circle == NULL || CS_IS_CIRCLE (circle));

  if (self->circle != NULL)
    g_signal_handlers_disconnect_by_func (self->circle, on_room_address_notify, self);
  if (!g_set_object (&self->circle, circle))
    return;
  if (circle != NULL)
    g_signal_connect_object (circle, "notify::room-address", G_CALLBACK (on_room_address_notify),
                             self, 0);
  update_invite (self);

  g_binding_group_set_source (self->circle_bindings, circle);

  if (circle != NULL && self->store != NULL)
    {
      gtk_list_box_bind_model (self->members_list, cs_store_get_members (self->store, circle),
                               create_member_row, self, NULL);
    }
  else
    {
      gtk_list_box_bind_model (self->members_list, NULL, NULL, NULL, NULL);
    }

  cs_timeline_set_circle (self->timeline, circle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.rename", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.delete", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.add-member", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.log-encounter", circle != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CIRCLE]);
}

gboolean
cs_circle_page_get_narrow (CsCirclePage *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE_PAGE (self), FALSE);

  return self->narrow;
}

void
cs_circle_page_set_narrow (CsCirclePage *self, gboolean narrow)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}
