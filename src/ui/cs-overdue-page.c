/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-overdue-page"

#include "config.h"

#include "cs-overdue-page.h"
#include "cs-contact-editor.h"
#include "cs-encounter-dialog.h"
#include "cs-labels.h"
#include "cs-window.h"

#include <glib/gi18n.h>

struct _CsOverduePage
{
  AdwBin parent_instance;

  CsStore *store;
  gboolean narrow;
  guint n_overdue;
  guint refresh_id;

  GtkStack *stack;
  GtkListBox *overdue_list;
};

G_DEFINE_FINAL_TYPE (CsOverduePage, cs_overdue_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_NARROW,
  PROP_N_OVERDUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_log_clicked (GtkButton *button, CsOverduePage *self)
{
  CsContact *contact = g_object_get_data (G_OBJECT (button), "cs-contact");
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  gtk_window_present (GTK_WINDOW (cs_encounter_dialog_new (window, self->store, contact)));
}

static GtkWidget *
create_overdue_row (CsOverduePage *self, CsOverdue *overdue, gint64 now)
{
  GtkWidget *row = adw_action_row_new ();
  CsContact *contact = cs_overdue_get_contact (overdue);
  g_autofree char *title = cs_overdue_describe (overdue, now);
  g_autofree char *subtitle = NULL;
  gint64 last = cs_overdue_get_last_contact (overdue);

  if (last > 0)
    {
      g_autofree char *ago = cs_format_time_ago (last, now);

      /* Translators: %s says when, such as "3 weeks ago". */
      subtitle = g_strdup_printf (_ ("Last contact: %s"), ago);
    }
  else
    {
      subtitle = g_strdup (_ ("Nothing logged yet"));
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "cs-overdue", g_object_ref (overdue), g_object_unref);

  if (contact != NULL)
    {
      GtkWidget *log = gtk_button_new_from_icon_name ("document-edit-symbolic");
      /* Translators: %s is a person's name. */
      g_autofree char *label =
        g_strdup_printf (_ ("Log an encounter with %s"), cs_contact_get_name (contact));

      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 adw_avatar_new (32, cs_contact_get_name (contact), TRUE));
      gtk_widget_set_tooltip_text (log, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (log), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_widget_set_valign (log, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (log, "flat");
      g_object_set_data_full (G_OBJECT (log), "cs-contact", g_object_ref (contact), g_object_unref);
      g_signal_connect_object (log, "clicked", G_CALLBACK (on_log_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), log);
    }
  else
    {
      GtkWidget *emoji = gtk_label_new (cs_circle_get_emoji (cs_overdue_get_circle (overdue)));

      gtk_accessible_update_property (GTK_ACCESSIBLE (emoji), GTK_ACCESSIBLE_PROPERTY_LABEL, "",
                                      -1);
      gtk_widget_set_size_request (emoji, 32, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), emoji);
    }

  return row;
}

static void
on_contact_saved (CsContactEditor *editor, CsContact *contact, CsOverduePage *self)
{
  /* A new cadence may take the person off the list, or put them further down. */
  cs_overdue_page_refresh (self);
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, CsOverduePage *self)
{
  CsOverdue *overdue = g_object_get_data (G_OBJECT (row), "cs-overdue");
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  CsContactEditor *editor;

  if (cs_overdue_get_contact (overdue) != NULL)
    {
      editor = cs_contact_editor_new (window, self->store, cs_overdue_get_contact (overdue));
      g_signal_connect_object (editor, "saved", G_CALLBACK (on_contact_saved), self, 0);
      gtk_window_present (GTK_WINDOW (editor));
    }
  else if (CS_IS_WINDOW (window))
    cs_window_show_circle (CS_WINDOW (window), cs_overdue_get_circle (overdue));
}

static void
set_n_overdue (CsOverduePage *self, guint n_overdue)
{
  if (self->n_overdue == n_overdue)
    return;

  self->n_overdue = n_overdue;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_OVERDUE]);
}

static void
on_interactions_changed (CsStore *store, CsOverduePage *self)
{
  cs_overdue_page_refresh (self);
}

static void
on_list_changed (GListModel *model, guint position, guint removed, guint added, CsOverduePage *self)
{
  cs_overdue_page_refresh (self);
}

static void
on_contact_notify (CsContact *contact, GParamSpec *pspec, CsOverduePage *self)
{
  cs_overdue_page_refresh (self);
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
  cs_overdue_page_refresh (CS_OVERDUE_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
cs_overdue_page_map (GtkWidget *widget)
{
  /* Time passes while the app runs: what is shown is as of when the page is opened. */
  cs_overdue_page_refresh (CS_OVERDUE_PAGE (widget));

  GTK_WIDGET_CLASS (cs_overdue_page_parent_class)->map (widget);
}

static void
cs_overdue_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsOverduePage *self = CS_OVERDUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    case PROP_N_OVERDUE:
      g_value_set_uint (value, self->n_overdue);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_overdue_page_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  CsOverduePage *self = CS_OVERDUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      cs_overdue_page_set_narrow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_overdue_page_dispose (GObject *object)
{
  CsOverduePage *self = CS_OVERDUE_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_OVERDUE_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_overdue_page_parent_class)->dispose (object);
}

static void
cs_overdue_page_class_init (CsOverduePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_overdue_page_get_property;
  object_class->set_property = cs_overdue_page_set_property;
  object_class->dispose = cs_overdue_page_dispose;
  widget_class->map = cs_overdue_page_map;

  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_OVERDUE] =
    g_param_spec_uint ("n-overdue", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-overdue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsOverduePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsOverduePage, overdue_list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
cs_overdue_page_init (CsOverduePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
cs_overdue_page_set_store (CsOverduePage *self, CsStore *store)
{
  g_return_if_fail (CS_IS_OVERDUE_PAGE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                           self, 0);
  g_signal_connect_object (cs_store_get_contacts (store), "items-changed",
                           G_CALLBACK (on_list_changed), self, 0);
  g_signal_connect_object (cs_store_get_circles (store), "items-changed",
                           G_CALLBACK (on_list_changed), self, 0);
  /* People become overdue as days pass with the app open; an hour late is soon enough. */
  self->refresh_id = g_timeout_add_seconds (60 * 60, on_refresh_timeout, self);
  cs_overdue_page_refresh (self);
}

void
cs_overdue_page_refresh (CsOverduePage *self)
{
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GListModel) overdue = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *child;
  guint n;

  g_return_if_fail (CS_IS_OVERDUE_PAGE (self));

  if (self->store == NULL)
    return;

  now = g_date_time_new_now_local ();
  overdue = cs_store_list_overdue (self->store, now, &error);
  if (overdue == NULL)
    {
      g_warning ("Could not list whom to get in touch with: %s", error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->overdue_list))) != NULL)
    gtk_list_box_remove (self->overdue_list, child);

  n = g_list_model_get_n_items (overdue);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsOverdue) item = g_list_model_get_item (overdue, i);
      CsContact *contact = cs_overdue_get_contact (item);

      gtk_list_box_append (self->overdue_list,
                           create_overdue_row (self, item, g_date_time_to_unix (now)));
      /* A new cadence, set in the contact's details, changes who is overdue. */
      if (contact != NULL)
        {
          g_signal_handlers_disconnect_by_func (contact, on_contact_notify, self);
          g_signal_connect_object (contact, "notify::keep-in-touch-days",
                                   G_CALLBACK (on_contact_notify), self, 0);
        }
    }

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  set_n_overdue (self, n);
}

guint
cs_overdue_page_get_n_overdue (CsOverduePage *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE_PAGE (self), 0);

  return self->n_overdue;
}

gboolean
cs_overdue_page_get_narrow (CsOverduePage *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE_PAGE (self), FALSE);

  return self->narrow;
}

void
cs_overdue_page_set_narrow (CsOverduePage *self, gboolean narrow)
{
  g_return_if_fail (CS_IS_OVERDUE_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}

char *
cs_overdue_describe (CsOverdue *overdue, gint64 now)
{
  gint64 last;
  g_autofree char *span = NULL;

  g_return_val_if_fail (CS_IS_OVERDUE (overdue), NULL);

  last = cs_overdue_get_last_contact (overdue);
  if (cs_overdue_get_contact (overdue) != NULL)
    {
      if (last == 0)
        /* Translators: %s is a person's name. */
        return g_strdup_printf (_ ("You have not talked to %s yet"), cs_overdue_get_name (overdue));

      span = cs_format_span (now - last);
      /* Translators: %s is a person's name, then a span of time such as "3 weeks". */
      return g_strdup_printf (_ ("You have not talked to %s for %s"), cs_overdue_get_name (overdue),
                              span);
    }

  if (last == 0)
    /* Translators: %s is the name of a circle. */
    return g_strdup_printf (_ ("Nothing with “%s” yet"), cs_overdue_get_name (overdue));

  span = cs_format_span (now - last);
  /* Translators: %s is the name of a circle, then a span of time such as "3 weeks". */
  return g_strdup_printf (_ ("Nothing with “%s” for %s"), cs_overdue_get_name (overdue), span);
}
