/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-member-picker"

#include "config.h"

#include "cs-member-picker.h"
#include "cs-contact-choice.h"
#include "cs-contact-editor.h"
#include "cs-application.h"
#include "cs-contacts-page.h"

#include <glib/gi18n.h>

struct _CsMemberPicker
{
  AdwWindow parent_instance;

  CsStore *store;
  CsCircle *circle;
  char *search_text;
  GtkCustomFilter *filter;
  GtkFilterListModel *candidates;
  guint n_added;

  GtkSearchEntry *search_entry;
  GtkListBox *contacts_list;
  GtkLabel *added_label;
};

G_DEFINE_FINAL_TYPE (CsMemberPicker, cs_member_picker, ADW_TYPE_WINDOW)

static gboolean
contact_is_candidate (gpointer item, gpointer user_data)
{
  CsMemberPicker *self = CS_MEMBER_PICKER (user_data);
  CsContact *contact = CS_CONTACT (item);

  return !cs_store_is_member (self->store, self->circle, contact) &&
         cs_contact_name_matches (contact, self->search_text);
}

static GtkWidget *
create_candidate_row (gpointer item, gpointer user_data)
{
  return cs_contact_choice_row_new (CS_CONTACT (item), _ ("Add to circle"));
}

static void
refilter (CsMemberPicker *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_members_changed (GListModel *members,
                    guint position,
                    guint removed,
                    guint added,
                    CsMemberPicker *self)
{
  refilter (self);
}

static void
on_search_changed (GtkSearchEntry *entry, CsMemberPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_free (self->search_text);
  self->search_text = cs_contact_search_fold (text);

  refilter (self);
}

static void
add_member (CsMemberPicker *self, CsContact *contact)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!cs_store_add_member (self->store, self->circle, contact, CS_MEMBER_ROLE_MEMBER, &error))
    {
      gtk_label_set_label (self->added_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->added_label), TRUE);
      return;
    }

  self->n_added++;
  cs_circle_rooms_member_added (cs_application_get_rooms (
                                  CS_APPLICATION (g_application_get_default ())),
                                self->circle, contact);
  /* Translators: %s is a person's name; shown after they were added to a circle. */
  message = g_strdup_printf (_ ("%s is now a member."), cs_contact_get_name (contact));
  gtk_label_set_label (self->added_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->added_label), TRUE);
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, CsMemberPicker *self)
{
  add_member (self, g_object_get_data (G_OBJECT (row), "cs-contact"));
}

static void
on_new_contact_saved (CsContactEditor *editor, CsContact *contact, CsMemberPicker *self)
{
  add_member (self, contact);
}

static void
on_new_contact_clicked (GtkButton *button, CsMemberPicker *self)
{
  CsContactEditor *editor = cs_contact_editor_new (GTK_WINDOW (self), self->store, NULL);

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_new_contact_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
cs_member_picker_dispose (GObject *object)
{
  CsMemberPicker *self = CS_MEMBER_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_MEMBER_PICKER);
  g_clear_object (&self->candidates);
  g_clear_object (&self->filter);
  g_clear_object (&self->circle);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_member_picker_parent_class)->dispose (object);
}

static void
cs_member_picker_finalize (GObject *object)
{
  CsMemberPicker *self = CS_MEMBER_PICKER (object);

  g_free (self->search_text);

  G_OBJECT_CLASS (cs_member_picker_parent_class)->finalize (object);
}

static void
cs_member_picker_class_init (CsMemberPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_member_picker_dispose;
  object_class->finalize = cs_member_picker_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-member-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, CsMemberPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CsMemberPicker, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, CsMemberPicker, added_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_new_contact_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_member_picker_init (CsMemberPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_placeholder (self->contacts_list,
                                cs_contact_choice_placeholder_new (
                                  _ ("Everyone in your contacts is in this circle. "
                                     "Add a new contact to invite someone else.")));
}

CsMemberPicker *
cs_member_picker_new (GtkWindow *parent, CsStore *store, CsCircle *circle)
{
  CsMemberPicker *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);

  self = g_object_new (CS_TYPE_MEMBER_PICKER, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->circle = g_object_ref (circle);
  self->filter = gtk_custom_filter_new (contact_is_candidate, self, NULL);
  self->candidates = gtk_filter_list_model_new (g_object_ref (cs_store_get_contacts (store)),
                                                g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->contacts_list, G_LIST_MODEL (self->candidates),
                           create_candidate_row, self, NULL);
  g_signal_connect_object (cs_store_get_members (store, circle), "items-changed",
                           G_CALLBACK (on_members_changed), self, 0);

  return self;
}
