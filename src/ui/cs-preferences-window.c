/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-preferences-window"

#include "config.h"

#include "cs-preferences-window.h"
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
cs_preferences_window_dispose (GObject *object)
{
  CsPreferencesWindow *self = CS_PREFERENCES_WINDOW (object);

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
  gtk_widget_class_bind_template_callback (widget_class, on_relay_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_relay_changed);
}

static void
cs_preferences_window_init (CsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
