/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-contact-choice"

#include "config.h"

#include "cs-contact-choice.h"
#include "cs-contacts-page.h"

#include <string.h>

char *
cs_contact_search_fold (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_utf8_casefold (text, -1);
}

gboolean
cs_contact_name_matches (CsContact *contact, const char *folded_search)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CS_IS_CONTACT (contact), FALSE);

  if (folded_search == NULL)
    return TRUE;

  name = g_utf8_casefold (cs_contact_get_name (contact), -1);
  return strstr (name, folded_search) != NULL;
}

GtkWidget *
cs_contact_choice_row_new (CsContact *contact, const char *add_label)
{
  GtkWidget *row;
  GtkWidget *icon;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);
  g_return_val_if_fail (add_label != NULL, NULL);

  row = adw_action_row_new ();
  icon = gtk_image_new_from_icon_name ("list-add-symbolic");
  subtitle = cs_contact_describe (contact);

  /* Names are the user's own text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cs_contact_get_name (contact));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, add_label,
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             adw_avatar_new (32, cs_contact_get_name (contact), TRUE));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  g_object_set_data_full (G_OBJECT (row), "cs-contact", g_object_ref (contact), g_object_unref);

  return row;
}

GtkWidget *
cs_contact_choice_placeholder_new (const char *text)
{
  GtkWidget *placeholder = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_label_set_justify (GTK_LABEL (placeholder), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  return placeholder;
}
