/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-preferences-window"

#include "config.h"

#include "cs-preferences-window.h"
#include "cs-account-secrets.h"
#include "cs-application.h"
#include "cs-device-check.h"
#include "cs-ice-servers.h"

#include <glib/gi18n.h>

struct _CsPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  GtkSpinButton *participants_spin;
  AdwEntryRow *relay_row;
  GtkLabel *relay_error;
  GtkSwitch *background_switch;
  CsDeviceCheck *device_check;
  GtkSwitch *echo_switch;

  /* The signed-in account's address, NULL without an account. */
  char *address;
  AdwActionRow *address_row;
  AdwActionRow *password_row;
  AdwActionRow *no_account_row;
  GtkLabel *password_label;
  GtkButton *copy_password_button;
  GtkButton *show_password_button;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CsPreferencesWindow, cs_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_relay_error (CsPreferencesWindow *self, const char *message)
{
  gtk_label_set_label (self->relay_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->relay_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->relay_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->relay_row), "error");
}

static void
on_relay_changed (GtkEditable *editable, CsPreferencesWindow *self)
{
  show_relay_error (self, NULL);
}

static void
on_relay_apply (AdwEntryRow *row, CsPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *relay = NULL;
  g_autoptr (GError) error = NULL;

  /* Nothing typed: no relay of one's own. */
  if (*text != '\0')
    {
      relay = cs_ice_servers_parse_manual (text, &error);
      if (relay == NULL)
        {
          show_relay_error (self, error->message);
          return;
        }
    }

  g_settings_set_string (self->settings, "turn-server", relay != NULL ? relay : "");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (relay != NULL ? _ ("Relay server saved")
                                                                 : _ ("Relay server removed")));
}

static void
copy_text (CsPreferencesWindow *self, const char *text, const char *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (toast));
}

static void
on_copy_address_clicked (GtkButton *button, CsPreferencesWindow *self)
{
  if (self->address != NULL)
    copy_text (self, self->address, _ ("Address copied"));
}

static void
on_copy_password_clicked (GtkButton *button, CsPreferencesWindow *self)
{
  const char *password = gtk_label_get_label (self->password_label);

  if (*password != '\0')
    copy_text (self, password, _ ("Password copied"));
}

/* Takes the password off the screen (and out of the label's memory as far as GTK lets us). */
static void
hide_password (CsPreferencesWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_label_set_label (self->password_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->password_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_password_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->show_password_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_password_button), TRUE);
}

static void
show_password_error (CsPreferencesWindow *self, const char *message)
{
  adw_action_row_set_subtitle (self->password_row, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_password_button), TRUE);
}

static void
on_password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsPreferencesWindow *self;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = cs_account_secrets_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CS_PREFERENCES_WINDOW (user_data);
  g_clear_object (&self->cancellable);

  if (error != NULL)
    {
      /* The message may name the keyring's internals: keep them for the log only. */
      g_warning ("Could not read the password: %s", error->message);
      show_password_error (self, _ ("The password could not be read. Your computer may keep "
                                    "it locked: log out and back in, then try again."));
      return;
    }
  if (password == NULL)
    {
      show_password_error (self, _ ("This computer does not remember your password."));
      return;
    }

  gtk_label_set_label (self->password_label, password);
  gtk_widget_set_visible (GTK_WIDGET (self->password_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_password_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->show_password_button), FALSE);
  memset (password, 0, strlen (password));
}

static void
on_show_confirmed (AdwMessageDialog *dialog, const char *response, CsPreferencesWindow *self)
{
  if (g_strcmp0 (response, "show") != 0 || self->address == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->show_password_button), FALSE);
  adw_action_row_set_subtitle (self->password_row,
                               _ ("To set up Cousinade on another device, such as a phone"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  /* The window is kept alive by the callback only through the cancellable: dispose cancels. */
  cs_account_secrets_lookup_async (self->address, self->cancellable, on_password_looked_up, self);
}

static void
on_show_password_clicked (GtkButton *button, CsPreferencesWindow *self)
{
  GtkWidget *dialog =
    adw_message_dialog_new (GTK_WINDOW (self), _ ("Show Your Password?"),
                            _ ("Anyone who sees this password can use your account. Show it?"));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "show",
                                    _ ("_Show"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "show",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_show_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_close_request (GtkWindow *window, gpointer user_data)
{
  hide_password (CS_PREFERENCES_WINDOW (window));
  return FALSE;
}

static void
load_account (CsPreferencesWindow *self)
{
  GApplication *application = g_application_get_default ();
  CsStore *store = NULL;
  CsAccount *account = NULL;

  if (CS_IS_APPLICATION (application))
    store = cs_application_get_store (CS_APPLICATION (application));
  if (store != NULL)
    account = cs_store_get_account (store);
  if (account != NULL)
    self->address = g_strdup (cs_account_get_address (account));

  adw_action_row_set_subtitle (self->address_row, self->address != NULL ? self->address : "");
  gtk_widget_set_visible (GTK_WIDGET (self->address_row), self->address != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), self->address != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->no_account_row), self->address == NULL);
}

static void
cs_preferences_window_dispose (GObject *object)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->address, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_preferences_window_parent_class)->dispose (object);
}

static void
cs_preferences_window_class_init (CsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_preferences_window_dispose;

  g_type_ensure (CS_TYPE_DEVICE_CHECK);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, participants_spin);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, relay_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, relay_error);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, device_check);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, echo_switch);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, no_account_row);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, password_label);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, copy_password_button);
  gtk_widget_class_bind_template_child (widget_class, CsPreferencesWindow, show_password_button);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_address_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_password_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_show_password_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_relay_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_relay_changed);
}

static void
cs_preferences_window_init (CsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  load_account (self);
}

CsPreferencesWindow *
cs_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  CsPreferencesWindow *self;
  g_autofree char *relay = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "max-call-participants",
                   gtk_spin_button_get_adjustment (self->participants_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "echo-cancellation", self->echo_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  cs_device_check_set_device_settings (self->device_check, cs_device_settings_get_default ());
  relay = g_settings_get_string (settings, "turn-server");
  gtk_editable_set_text (GTK_EDITABLE (self->relay_row), relay);
  show_relay_error (self, NULL);
  return self;
}
