/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-window"

#include "config.h"

#include "cs-window.h"
#include "cs-preferences-window.h"
#include "cs-window-private.h"
#include "cs-account-dialog.h"
#include "cs-circle-editor.h"
#include "cs-circle-page.h"
#include "cs-contact-editor.h"
#include "cs-contacts-page.h"
#include "cs-core-enums.h"
#include "cs-overdue-page.h"
#include "cs-schedule-files.h"
#include "cs-upcoming-page.h"
#include "cs-xmpp-uri.h"

#include <glib/gi18n.h>

struct _CsWindow
{
  AdwApplicationWindow parent_instance;

  CsStore *store;
  GSettings *settings;
  CsAccountSession *session;
  CsXmppClient *client;

  AdwToastOverlay *toast_overlay;
  /* The banner of a call that rings (CsRinger), above everything else. */
  GtkRevealer *ring_revealer;
  GtkLabel *ring_label;
  GtkButton *ring_join_button;
  GtkButton *ring_decline_button;
  GtkStack *main_stack;
  AdwLeaflet *leaflet;
  GtkStack *content_stack;
  GtkListBox *places_list;
  GtkListBoxRow *contacts_row;
  GtkLabel *contacts_count_label;
  GtkListBoxRow *overdue_row;
  GtkLabel *overdue_count_label;
  CsOverduePage *overdue_page;
  GtkListBoxRow *upcoming_row;
  CsUpcomingPage *upcoming_page;
  GtkListBox *circles_list;
  CsCirclePage *circle_page;
  CsContactsPage *contacts_page;
  AdwStatusPage *error_page;
  GtkButton *account_button;
  GtkImage *account_icon;
  GtkLabel *account_label;
  GtkLabel *account_detail_label;
  AdwEntryRow *welcome_link_row;
  GtkLabel *welcome_link_error;
};

G_DEFINE_FINAL_TYPE (CsWindow, cs_window, ADW_TYPE_APPLICATION_WINDOW)

static GtkWidget *
create_circle_row (gpointer item, gpointer user_data)
{
  CsCircle *circle = CS_CIRCLE (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *emoji = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (emoji), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_size_request (emoji, 16, -1);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  g_object_bind_property (circle, "emoji", emoji, "label", G_BINDING_SYNC_CREATE);
  g_object_bind_property (circle, "name", name, "label", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), emoji);
  gtk_box_append (GTK_BOX (box), name);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "cs-circle", g_object_ref (circle), g_object_unref);

  return row;
}

static CsCircle *
row_get_circle (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "cs-circle") : NULL;
}

static GtkListBoxRow *
find_circle_row (CsWindow *self, CsCircle *circle)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->circles_list, i);

      if (row == NULL || row_get_circle (row) == circle)
        return row;
    }
}

static void
show_welcome_or_first_circle (CsWindow *self)
{
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->circles_list, 0);

  if (first != NULL)
    {
      gtk_list_box_select_row (self->circles_list, first);
      return;
    }

  gtk_list_box_unselect_all (self->places_list);
  cs_circle_page_set_circle (self->circle_page, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "welcome");
}

static void
on_welcome_link_changed (CsWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->welcome_link_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->welcome_link_row), "error");
}

/* A pasted invite link goes where the same link opened from the desktop goes; a damaged one
 * is said next to the field, and nothing else happens. */
static void
on_welcome_link_applied (CsWindow *self)
{
  g_autofree char *link =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->welcome_link_row))));
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;
  g_autoptr (CsXmppInvite) invite = NULL;
  g_autoptr (GError) error = NULL;

  if (cs_xmpp_uri_parse (link, &address, &action, &error) &&
      (g_strcmp0 (action, "roster") == 0 || g_strcmp0 (action, "register") == 0))
    invite = cs_xmpp_invite_parse (link, &error);
  if (error != NULL)
    {
      gtk_label_set_label (self->welcome_link_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->welcome_link_error), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->welcome_link_row), "error");
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->welcome_link_row), "");
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-link", "s", link);
}

static void
on_circles_items_changed (GListModel *model,
                          guint position,
                          guint removed,
                          guint added,
                          CsWindow *self)
{
  CsCircle *shown = cs_circle_page_get_circle (self->circle_page);
  const char *visible = gtk_stack_get_visible_child_name (self->content_stack);

  /* A deleted circle takes its page with it. */
  if (shown != NULL && find_circle_row (self, shown) == NULL)
    {
      show_welcome_or_first_circle (self);
      return;
    }

  if (g_strcmp0 (visible, "welcome") == 0 && g_list_model_get_n_items (model) > 0)
    show_welcome_or_first_circle (self);
  else if (g_strcmp0 (visible, "circle") == 0 && g_list_model_get_n_items (model) == 0)
    show_welcome_or_first_circle (self);
}

static void
on_contacts_items_changed (GListModel *model,
                           guint position,
                           guint removed,
                           guint added,
                           CsWindow *self)
{
  g_autofree char *count = g_strdup_printf ("%u", g_list_model_get_n_items (model));

  gtk_label_set_label (self->contacts_count_label, count);
}

static void
on_circle_row_selected (GtkListBox *list, GtkListBoxRow *row, CsWindow *self)
{
  CsCircle *circle = row_get_circle (row);

  if (circle == NULL)
    return;

  gtk_list_box_unselect_all (self->places_list);
  cs_circle_page_set_circle (self->circle_page, circle);
  gtk_stack_set_visible_child_name (self->content_stack, "circle");
  g_settings_set_int64 (self->settings, "last-circle", cs_circle_get_id (circle));
}

static void
on_circle_row_activated (GtkListBox *list, GtkListBoxRow *row, CsWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_places_row_selected (GtkListBox *list, GtkListBoxRow *row, CsWindow *self)
{
  if (row == NULL)
    return;

  gtk_list_box_unselect_all (self->circles_list);
  if (row == self->contacts_row)
    gtk_stack_set_visible_child_name (self->content_stack, "contacts");
  else if (row == self->overdue_row)
    gtk_stack_set_visible_child_name (self->content_stack, "overdue");
  else if (row == self->upcoming_row)
    gtk_stack_set_visible_child_name (self->content_stack, "upcoming");
}

static void
on_n_overdue_notify (CsOverduePage *page, GParamSpec *pspec, CsWindow *self)
{
  guint n = cs_overdue_page_get_n_overdue (page);
  g_autofree char *count = g_strdup_printf ("%u", n);

  /* Nothing to catch up on shows nothing, rather than a zero that reads like a warning. */
  gtk_label_set_label (self->overdue_count_label, n > 0 ? count : "");
}

static void
on_places_row_activated (GtkListBox *list, GtkListBoxRow *row, CsWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_circle_saved (CsCircleEditor *editor, CsCircle *circle, CsWindow *self)
{
  CsApplication *app = CS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  cs_circle_rooms_circle_changed (cs_application_get_rooms (app), circle);
  cs_window_show_circle (self, circle);
  cs_overdue_page_refresh (self->overdue_page);
}

static void
on_contact_saved (CsContactEditor *editor, CsContact *contact, CsWindow *self)
{
  cs_contacts_page_select_contact (self->contacts_page, contact);
  cs_overdue_page_refresh (self->overdue_page);
}

static void
update_account_status (CsWindow *self)
{
  g_autofree char *text = NULL;
  const char *icon = "network-offline-symbolic";
  const GError *error = self->client != NULL ? cs_xmpp_client_get_error (self->client) : NULL;

  if (self->client == NULL)
    {
      text = g_strdup (_ ("Sign in to share circles"));
    }
  else
    {
      switch (cs_xmpp_client_get_state (self->client))
        {
        case CS_XMPP_STATE_ONLINE:
          icon = "network-transmit-receive-symbolic";
          /* Translators: %s is the user's own address, such as anna@example.org. */
          text = g_strdup_printf (_ ("Online as %s"), cs_xmpp_client_get_address (self->client));
          break;
        case CS_XMPP_STATE_CONNECTING:
          icon = "network-idle-symbolic";
          text = g_strdup (_ ("Connecting…"));
          break;
        case CS_XMPP_STATE_WAITING_TO_RECONNECT:
          icon = "network-idle-symbolic";
          text = g_strdup (_ ("Connection lost, trying again…"));
          break;
        case CS_XMPP_STATE_OFFLINE:
        default:
          text = g_strdup (_ ("Offline"));
          break;
        }
    }

  gtk_image_set_from_icon_name (self->account_icon, icon);
  gtk_label_set_label (self->account_label, text);
  /* Why it is offline stays on screen, not only in a tooltip. */
  gtk_label_set_label (self->account_detail_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->account_detail_label), error != NULL);
  /* The reason stays one hover (or one screen reader query) away. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_button),
                               error != NULL ? error->message : text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->account_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  error != NULL ? error->message : "", -1);
}

static void
on_client_state_notify (CsXmppClient *client, GParamSpec *pspec, CsWindow *self)
{
  update_account_status (self);
}

static void
on_session_client_notify (CsAccountSession *session, GParamSpec *pspec, CsWindow *self)
{
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, cs_account_session_get_client (session));
  if (self->client != NULL)
    g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state_notify),
                             self, 0);
  update_account_status (self);
}

static void
ask_password_again (CsWindow *self, const char *reason)
{
  CsAccount *account = cs_store_get_account (self->store);

  if (account == NULL)
    return;

  gtk_window_present (GTK_WINDOW (
    cs_account_dialog_new_for_account (GTK_WINDOW (self), self->session, account, reason)));
}

static void
on_password_needed (CsAccountSession *session, CsWindow *self)
{
  ask_password_again (self, _ ("Your password could not be found in the system’s password "
                               "store. Please enter it again."));
}

static void
on_sign_out_response (AdwMessageDialog *dialog, const char *response, CsWindow *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    cs_account_session_sign_out (self->session);
}

static void
account_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkWidget *dialog;

  if (self->session == NULL)
    return;

  if (self->client == NULL)
    {
      gtk_window_present (GTK_WINDOW (cs_account_dialog_new (GTK_WINDOW (self), self->session)));
      return;
    }

  /* Stopped for good (a refused password, a certificate): sign in again from here. */
  if (cs_xmpp_client_get_state (self->client) == CS_XMPP_STATE_OFFLINE)
    {
      const GError *error = cs_xmpp_client_get_error (self->client);

      ask_password_again (self, error != NULL ? error->message : NULL);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), cs_xmpp_client_get_address (self->client),
                                   gtk_label_get_label (self->account_label));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), "sign-out",
                                    _ ("_Sign Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_circle_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  CsCircleEditor *editor;

  if (self->store == NULL)
    return;

  editor = cs_circle_editor_new (GTK_WINDOW (self), self->store, NULL);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_circle_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_contact_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  CsContactEditor *editor;

  if (self->store == NULL)
    return;

  cs_window_show_contacts (self);
  editor = cs_contact_editor_new (GTK_WINDOW (self), self->store, NULL);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_contact_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
show_contacts_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cs_window_show_contacts (CS_WINDOW (widget));
}

static void
show_overdue_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cs_window_show_overdue (CS_WINDOW (widget));
}

static void
show_upcoming_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);

  if (self->store == NULL)
    return;

  gtk_list_box_select_row (self->places_list, self->upcoming_row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
export_schedules_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);

  if (self->store != NULL)
    cs_schedule_files_export (self, self->store, NULL);
}

static void
show_preferences_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  CsPreferencesWindow *preferences = cs_preferences_window_new (GTK_WINDOW (self), self->settings);

  gtk_window_present (GTK_WINDOW (preferences));
}

static void
show_sidebar_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

typedef struct
{
  CsWindowUndoFunc undo;
  gpointer data;
  GDestroyNotify destroy;
} UndoData;

static void
undo_data_free (UndoData *undo)
{
  if (undo->destroy != NULL)
    undo->destroy (undo->data);
  g_free (undo);
}

static void
on_undo_clicked (AdwToast *toast, CsWindow *self)
{
  UndoData *undo = g_object_get_data (G_OBJECT (toast), "cs-undo");

  undo->undo (self, undo->data);
}

static void
report_error (CsWindow *self, const GError *error)
{
  cs_window_add_toast (self, adw_toast_new (error->message));
}

static CsCircleRooms *
rooms_of (CsWindow *self)
{
  return cs_application_get_rooms (CS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}

static void
undo_delete_circle (CsWindow *self, gpointer data)
{
  gint64 id = *(gint64 *) data;
  g_autoptr (GError) error = NULL;

  if (!cs_store_restore_circle (self->store, id, &error))
    {
      report_error (self, error);
      return;
    }

  cs_circle_rooms_circle_restored (rooms_of (self), cs_store_find_circle (self->store, id));
  cs_window_show_circle (self, cs_store_find_circle (self->store, id));
}

static void
delete_circle_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  CsCircle *circle = cs_store_find_circle (self->store, id);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (circle == NULL)
    return;

  /* Translators: %s is the name of a circle, such as "Cousinade Dupont". */
  title = g_strdup_printf (_ ("Circle “%s” deleted"), cs_circle_get_name (circle));
  cs_circle_rooms_circle_trashed (rooms_of (self), circle);
  if (!cs_store_trash_circle (self->store, circle, &error))
    report_error (self, error);
  else
    cs_window_offer_undo (self, title, undo_delete_circle, g_memdup2 (&id, sizeof id), g_free);
}

static void
undo_delete_contact (CsWindow *self, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!cs_store_restore_contact (self->store, *(gint64 *) data, &error))
    report_error (self, error);
}

static void
delete_contact_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  CsContact *contact = cs_store_find_contact (self->store, id);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (contact == NULL)
    return;

  /* Translators: %s is the name of a person. */
  title = g_strdup_printf (_ ("“%s” removed from your contacts"), cs_contact_get_name (contact));
  if (!cs_store_trash_contact (self->store, contact, &error))
    report_error (self, error);
  else
    cs_window_offer_undo (self, title, undo_delete_contact, g_memdup2 (&id, sizeof id), g_free);
}

static void
show_store_error (CsWindow *self, const GError *error)
{
  g_autofree char *description = NULL;

  if (g_error_matches (error, CS_STORE_ERROR, CS_STORE_ERROR_NEWER_VERSION))
    adw_status_page_set_title (self->error_page, _ ("Cousinade Needs an Update"));
  else if (g_error_matches (error, CS_STORE_ERROR, CS_STORE_ERROR_CORRUPT))
    adw_status_page_set_title (self->error_page, _ ("Your Data File Is Damaged"));

  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-circle", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-contact", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-contacts", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-overdue", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-upcoming", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-schedules", FALSE);
  cs_window_set_history_actions_enabled (self, FALSE);
}

static void
restore_last_circle (CsWindow *self)
{
  gint64 id = g_settings_get_int64 (self->settings, "last-circle");
  CsCircle *circle = id > 0 ? cs_store_find_circle (self->store, id) : NULL;

  if (circle != NULL)
    cs_window_show_circle (self, circle);
  else
    show_welcome_or_first_circle (self);
}

static gboolean
cs_window_close_request (GtkWindow *window)
{
  CsWindow *self = CS_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (cs_window_parent_class)->close_request (window);
}

/* The newest call that rings, offered with the same Join and Decline as its notification. */
static void
on_ringer_changed (CsRinger *ringer, CsWindow *self)
{
  const char *id = cs_ringer_get_latest (ringer);
  g_autofree char *title = cs_ringer_dup_title (ringer, id);
  g_autofree char *text = NULL;
  g_autofree char *join_label = NULL;
  g_autofree char *decline_label = NULL;

  gtk_revealer_set_reveal_child (self->ring_revealer, id != NULL);
  if (id == NULL)
    return;

  /* Translators: "Mamie Jeanne is calling · Famille Dupont": who calls, then the circle's
   * name (or "Video call"). */
  text = g_strdup_printf (_ ("%s · %s"), title, cs_ringer_get_context (ringer, id));
  gtk_label_set_label (self->ring_label, text);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->ring_join_button), "s", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->ring_join_button), "app.answer-call");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->ring_decline_button), "s", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->ring_decline_button), "app.decline-call");
  /* Translators: what a screen reader says for the banner's Join; %s is "Mamie Jeanne is
   * calling". */
  join_label = g_strdup_printf (_ ("Join: %s"), title);
  /* Translators: what a screen reader says for the banner's Decline; %s is "Mamie Jeanne is
   * calling". */
  decline_label = g_strdup_printf (_ ("Decline: %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ring_join_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, join_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ring_decline_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, decline_label, -1);
  /* Ready for the keyboard: Enter joins. */
  if (gtk_window_is_active (GTK_WINDOW (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->ring_join_button));
}

/* The system would not let the app run with its window closed: calls may not ring then. */
static void
on_background_permission (CsBackground *background, GParamSpec *pspec, CsWindow *self)
{
  const char *problem = cs_background_get_problem (background);
  AdwToast *toast;

  if (problem == NULL)
    return;
  toast = adw_toast_new (problem);
  adw_toast_set_timeout (toast, 0);
  cs_window_add_toast (self, toast);
}

/* GtkWindow:application is not a construct property, so this runs once it is set. */
static void
setup (CsWindow *self, CsApplication *app)
{
  self->settings = g_object_ref (cs_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (DEVELOPMENT_PROFILE)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  if (cs_application_get_store (app) == NULL)
    {
      show_store_error (self, cs_application_get_store_error (app));
      return;
    }

  self->store = g_object_ref (cs_application_get_store (app));
  cs_circle_page_set_store (self->circle_page, self->store);
  cs_circle_page_set_rooms (self->circle_page, cs_application_get_rooms (app));
  cs_circle_page_set_calls (self->circle_page, cs_application_get_call_manager (app));
  cs_contacts_page_set_store (self->contacts_page, self->store);
  g_signal_connect_object (self->overdue_page, "notify::n-overdue",
                           G_CALLBACK (on_n_overdue_notify), self, 0);
  cs_overdue_page_set_store (self->overdue_page, self->store);
  cs_upcoming_page_set_store (self->upcoming_page, self->store);

  gtk_list_box_bind_model (self->circles_list, cs_store_get_circles (self->store),
                           create_circle_row, self, NULL);
  g_signal_connect_object (cs_store_get_circles (self->store), "items-changed",
                           G_CALLBACK (on_circles_items_changed), self, G_CONNECT_AFTER);
  g_signal_connect_object (cs_store_get_contacts (self->store), "items-changed",
                           G_CALLBACK (on_contacts_items_changed), self, 0);
  on_contacts_items_changed (cs_store_get_contacts (self->store), 0, 0, 0, self);

  restore_last_circle (self);

  self->session = g_object_ref (cs_application_get_session (app));
  g_signal_connect_object (self->session, "notify::client", G_CALLBACK (on_session_client_notify),
                           self, 0);
  g_signal_connect_object (self->session, "password-needed", G_CALLBACK (on_password_needed), self,
                           0);
  on_session_client_notify (self->session, NULL, self);

  if (cs_application_get_call_manager (app) != NULL)
    {
      CsRinger *ringer = cs_call_manager_get_ringer (cs_application_get_call_manager (app));

      g_signal_connect_object (ringer, "changed", G_CALLBACK (on_ringer_changed), self, 0);
      on_ringer_changed (ringer, self);
    }
  if (cs_application_get_background (app) != NULL)
    g_signal_connect_object (cs_application_get_background (app), "notify::permission",
                             G_CALLBACK (on_background_permission), self, 0);
}

static void
cs_window_dispose (GObject *object)
{
  CsWindow *self = CS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_WINDOW);
  g_clear_object (&self->client);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_window_parent_class)->dispose (object);
}

static void
cs_window_class_init (CsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cs_window_dispose;
  window_class->close_request = cs_window_close_request;

  g_type_ensure (CS_TYPE_CIRCLE_PAGE);
  g_type_ensure (CS_TYPE_CONTACTS_PAGE);
  g_type_ensure (CS_TYPE_OVERDUE_PAGE);
  g_type_ensure (CS_TYPE_UPCOMING_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, ring_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, ring_label);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, ring_join_button);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, ring_decline_button);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, places_list);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, contacts_row);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, contacts_count_label);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, overdue_row);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, overdue_count_label);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, overdue_page);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, upcoming_row);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, upcoming_page);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, circles_list);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, circle_page);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, contacts_page);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, account_icon);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, account_detail_label);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, welcome_link_row);
  gtk_widget_class_bind_template_child (widget_class, CsWindow, welcome_link_error);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_link_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_welcome_link_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_circle_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_circle_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_places_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_places_row_activated);

  gtk_widget_class_install_action (widget_class, "win.new-circle", NULL, new_circle_action);
  gtk_widget_class_install_action (widget_class, "win.new-contact", NULL, new_contact_action);
  gtk_widget_class_install_action (widget_class, "win.show-contacts", NULL, show_contacts_action);
  gtk_widget_class_install_action (widget_class, "win.show-overdue", NULL, show_overdue_action);
  gtk_widget_class_install_action (widget_class, "win.show-upcoming", NULL, show_upcoming_action);
  gtk_widget_class_install_action (widget_class, "win.export-schedules", NULL,
                                   export_schedules_action);
  cs_window_class_install_history_actions (widget_class);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.show-preferences", NULL,
                                   show_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.account", NULL, account_action);
  gtk_widget_class_install_action (widget_class, "win.delete-circle", "x", delete_circle_action);
  gtk_widget_class_install_action (widget_class, "win.delete-contact", "x", delete_contact_action);
}

static void
cs_window_init (CsWindow *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_ ("No circles yet. Create one with the + button."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_label_set_xalign (GTK_LABEL (placeholder), 0);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->circles_list, placeholder);
}

CsWindow *
cs_window_new (CsApplication *application)
{
  CsWindow *self;

  g_return_val_if_fail (CS_IS_APPLICATION (application), NULL);

  self = g_object_new (CS_TYPE_WINDOW, "application", application, NULL);
  setup (self, application);

  return self;
}

CsStore *
cs_window_get_store (CsWindow *self)
{
  g_return_val_if_fail (CS_IS_WINDOW (self), NULL);

  return self->store;
}

void
cs_window_show_circle (CsWindow *self, CsCircle *circle)
{
  GtkListBoxRow *row;

  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (CS_IS_CIRCLE (circle));

  row = find_circle_row (self, circle);
  if (row == NULL)
    return;

  gtk_list_box_select_row (self->circles_list, row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
cs_window_show_contacts (CsWindow *self)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  if (self->store == NULL)
    return;

  gtk_list_box_select_row (self->places_list, self->contacts_row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
cs_window_show_overdue (CsWindow *self)
{
  g_return_if_fail (CS_IS_WINDOW (self));

  if (self->store == NULL)
    return;

  gtk_list_box_select_row (self->places_list, self->overdue_row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
cs_window_add_toast (CsWindow *self, AdwToast *toast)
{
  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * cs_window_offer_undo:
 * @self: a window
 * @title: what was just done, in words
 * @undo: called with @data if the user clicks Undo
 * @data: data for @undo, owned by the toast
 * @destroy: frees @data once the toast is gone
 *
 * Shows @title in a toast with an Undo button, the way every deletion in the app is undone.
 */
void
cs_window_offer_undo (CsWindow *self,
                      const char *title,
                      CsWindowUndoFunc undo,
                      gpointer data,
                      GDestroyNotify destroy)
{
  AdwToast *toast;
  UndoData *undo_data;

  g_return_if_fail (CS_IS_WINDOW (self));
  g_return_if_fail (title != NULL);
  g_return_if_fail (undo != NULL);

  undo_data = g_new0 (UndoData, 1);
  undo_data->undo = undo;
  undo_data->data = data;
  undo_data->destroy = destroy;

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "cs-undo", undo_data, (GDestroyNotify) undo_data_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, 0);
  cs_window_add_toast (self, toast);
}
