/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-contacts-page"

#include "config.h"

#include "cs-contacts-page.h"
#include "cs-contact-editor.h"
#include "cs-labels.h"

#include <glib/gi18n.h>

/* Rows are made this many at a time: a list of thousands of people would take seconds to
 * build, and search finds anyone at once. */
#define ROWS_PER_STEP 100

struct _CsContactsPage
{
  AdwBin parent_instance;

  CsStore *store;
  gboolean narrow;
  GtkFilterListModel *filtered;
  GtkSliceListModel *shown;
  GtkCustomFilter *filter;
  guint bind_id;
  char *search_text;
  /* Contact id -> last contact (Unix seconds), for every contact with history. */
  GHashTable *last_contacts;

  GtkStack *stack;
  GtkListBox *contacts_list;
  GtkButton *show_more_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
};

G_DEFINE_FINAL_TYPE (CsContactsPage, cs_contacts_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
text_matches (const char *haystack, const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
contact_matches (gpointer item, gpointer user_data)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (user_data);
  CsContact *contact = CS_CONTACT (item);

  if (self->search_text == NULL)
    return TRUE;

  return text_matches (cs_contact_get_name (contact), self->search_text) ||
         text_matches (cs_contact_get_seeks (contact), self->search_text) ||
         text_matches (cs_contact_get_offers (contact), self->search_text) ||
         text_matches (cs_contact_get_xmpp_address (contact), self->search_text);
}

static void
update_row (CsContact *contact, GParamSpec *pspec, AdwActionRow *row)
{
  g_autofree char *subtitle = cs_contact_describe (contact);

  adw_action_row_set_subtitle (row, subtitle != NULL ? subtitle : "");
}

static void
update_last_contact (CsContactsPage *self, GtkWidget *row)
{
  CsContact *contact = g_object_get_data (G_OBJECT (row), "cs-contact");
  GtkLabel *label = g_object_get_data (G_OBJECT (row), "cs-last-contact-label");
  gint64 id = cs_contact_get_id (contact);
  const gint64 *last =
    self->last_contacts != NULL ? g_hash_table_lookup (self->last_contacts, &id) : NULL;
  g_autofree char *ago = NULL;
  g_autofree char *description = NULL;

  if (last == NULL)
    {
      gtk_label_set_label (label, _ ("Never"));
      description = g_strdup (_ ("Last contact: never"));
    }
  else
    {
      ago = cs_format_time_ago (*last, g_get_real_time () / G_USEC_PER_SEC);
      gtk_label_set_label (label, ago);
      /* Translators: %s says when, such as "3 weeks ago". */
      description = g_strdup_printf (_ ("Last contact: %s"), ago);
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (label), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
}

static void
reload_last_contacts (CsContactsPage *self)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->last_contacts, g_hash_table_unref);
  self->last_contacts = cs_store_get_last_contacts (self->store, &error);
  if (self->last_contacts == NULL)
    g_warning ("Could not read when contacts were last met: %s", error->message);

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->contacts_list, i);

      if (row == NULL)
        break;
      update_last_contact (self, GTK_WIDGET (row));
    }
}

static void
on_interactions_changed (CsStore *store, CsContactsPage *self)
{
  reload_last_contacts (self);
}

static GtkWidget *
create_contact_row (gpointer item, gpointer user_data)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (user_data);
  CsContact *contact = CS_CONTACT (item);
  GtkWidget *last_contact = gtk_label_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, cs_contact_get_name (contact), TRUE);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  g_object_bind_property (contact, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (contact, "name", avatar, "text", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (contact, "notify", G_CALLBACK (update_row), row, 0);
  update_row (contact, NULL, ADW_ACTION_ROW (row));
  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  gtk_widget_add_css_class (last_contact, "dim-label");
  gtk_widget_add_css_class (last_contact, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), last_contact);
  if (cs_contact_get_xmpp_address (contact) != NULL)
    {
      GtkWidget *call = gtk_button_new_from_icon_name ("call-start-symbolic");
      /* Translators: %s is a contact's name; the tooltip of a button that calls them. */
      g_autofree char *call_label = g_strdup_printf (_ ("Call %s"), cs_contact_get_name (contact));

      gtk_widget_set_valign (call, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (call, "flat");
      gtk_widget_set_name (call, "call_button");
      gtk_widget_set_tooltip_text (call, call_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (call), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      call_label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (call), "app.call-contact");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (call), "x", cs_contact_get_id (contact));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), call);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  g_object_set_data_full (G_OBJECT (row), "cs-contact", g_object_ref (contact), g_object_unref);
  g_object_set_data (G_OBJECT (row), "cs-last-contact-label", last_contact);
  update_last_contact (self, row);

  return row;
}

static void
update_stack (CsContactsPage *self)
{
  gboolean empty = g_list_model_get_n_items (cs_store_get_contacts (self->store)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
on_contacts_changed (GListModel *model,
                     guint position,
                     guint removed,
                     guint added,
                     CsContactsPage *self)
{
  update_stack (self);
}

static void
update_show_more (CsContactsPage *self)
{
  guint matching = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint shown = gtk_slice_list_model_get_size (self->shown);

  gtk_widget_set_visible (GTK_WIDGET (self->show_more_button), matching > shown);
}

static void
on_filtered_changed (GListModel *model,
                     guint position,
                     guint removed,
                     guint added,
                     CsContactsPage *self)
{
  update_show_more (self);
}

static void
on_show_more_clicked (GtkButton *button, CsContactsPage *self)
{
  gtk_slice_list_model_set_size (self->shown,
                                 gtk_slice_list_model_get_size (self->shown) + ROWS_PER_STEP);
  update_show_more (self);
}

/* After the window is up: the first thing a person sees is not held back by this list. */
static gboolean
bind_list (gpointer user_data)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (user_data);

  self->bind_id = 0;
  gtk_list_box_bind_model (self->contacts_list, G_LIST_MODEL (self->shown), create_contact_row,
                           self, NULL);
  update_show_more (self);
  return G_SOURCE_REMOVE;
}

static void
on_search_changed (GtkSearchEntry *entry, CsContactsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->search_text, g_free);
  if (text != NULL && *text != '\0')
    self->search_text = g_utf8_casefold (text, -1);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_slice_list_model_set_size (self->shown, ROWS_PER_STEP);
  update_show_more (self);
}

static void
on_contact_row_activated (GtkListBox *list, GtkListBoxRow *row, CsContactsPage *self)
{
  CsContact *contact = g_object_get_data (G_OBJECT (row), "cs-contact");
  CsContactEditor *editor;

  editor = cs_contact_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->store,
                                  contact);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
cs_contacts_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_contacts_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      cs_contacts_page_set_narrow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_contacts_page_dispose (GObject *object)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (object);

  g_clear_handle_id (&self->bind_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CONTACTS_PAGE);
  g_clear_object (&self->shown);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_pointer (&self->last_contacts, g_hash_table_unref);

  G_OBJECT_CLASS (cs_contacts_page_parent_class)->dispose (object);
}

static void
cs_contacts_page_finalize (GObject *object)
{
  CsContactsPage *self = CS_CONTACTS_PAGE (object);

  g_free (self->search_text);

  G_OBJECT_CLASS (cs_contacts_page_parent_class)->finalize (object);
}

static void
cs_contacts_page_class_init (CsContactsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_contacts_page_get_property;
  object_class->set_property = cs_contacts_page_set_property;
  object_class->dispose = cs_contacts_page_dispose;
  object_class->finalize = cs_contacts_page_finalize;

  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-contacts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsContactsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsContactsPage, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, CsContactsPage, show_more_button);
  gtk_widget_class_bind_template_child (widget_class, CsContactsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CsContactsPage, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_show_more_clicked);
}

static void
cs_contacts_page_init (CsContactsPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_ ("No contact matches your search."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->contacts_list, placeholder);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

void
cs_contacts_page_set_store (CsContactsPage *self, CsStore *store)
{
  GListModel *contacts;

  g_return_if_fail (CS_IS_CONTACTS_PAGE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  reload_last_contacts (self);
  g_signal_connect_object (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                           self, 0);
  contacts = cs_store_get_contacts (store);
  self->filter = gtk_custom_filter_new (contact_matches, self, NULL);
  self->filtered =
    gtk_filter_list_model_new (g_object_ref (contacts), g_object_ref (GTK_FILTER (self->filter)));
  self->shown =
    gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), 0, ROWS_PER_STEP);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (on_filtered_changed), self,
                           0);
  self->bind_id = g_idle_add_full (G_PRIORITY_LOW, bind_list, self, NULL);
  g_signal_connect_object (contacts, "items-changed", G_CALLBACK (on_contacts_changed), self, 0);
  update_stack (self);
}

void
cs_contacts_page_select_contact (CsContactsPage *self, CsContact *contact)
{
  g_return_if_fail (CS_IS_CONTACTS_PAGE (self));
  g_return_if_fail (CS_IS_CONTACT (contact));

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->contacts_list, i);

      if (row == NULL)
        break;
      if (g_object_get_data (G_OBJECT (row), "cs-contact") == (gpointer) contact)
        {
          gtk_widget_grab_focus (GTK_WIDGET (row));
          break;
        }
    }
}

gboolean
cs_contacts_page_get_narrow (CsContactsPage *self)
{
  g_return_val_if_fail (CS_IS_CONTACTS_PAGE (self), FALSE);

  return self->narrow;
}

void
cs_contacts_page_set_narrow (CsContactsPage *self, gboolean narrow)
{
  g_return_if_fail (CS_IS_CONTACTS_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}

char *
cs_contact_describe (CsContact *contact)
{
  const char *seeks = cs_contact_get_seeks (contact);
  const char *offers = cs_contact_get_offers (contact);

  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);

  if (seeks != NULL && offers != NULL)
    /* Translators: what a contact seeks and offers, e.g. "Seeks a drill · Offers tutoring". */
    return g_strdup_printf (_ ("Seeks %s · Offers %s"), seeks, offers);
  if (seeks != NULL)
    return g_strdup_printf (_ ("Seeks %s"), seeks);
  if (offers != NULL)
    return g_strdup_printf (_ ("Offers %s"), offers);

  return g_strdup (cs_contact_get_xmpp_address (contact));
}
