/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-window-history"

#include "config.h"

#include "cs-window-private.h"
#include "cs-data-export.h"
#include "cs-digest-dialog.h"
#include "cs-encounter-dialog.h"
#include "cs-encounters-csv.h"
#include "cs-vcard-import.h"

#include <glib/gi18n.h>

/* The contact history's window actions: logging, the digest, and the user's data going in and
 * out (vCard import, CSV and JSON export, deleting everything). */

static void
toast (CsWindow *self, const char *title)
{
  cs_window_add_toast (self, adw_toast_new (title));
}

static void
on_encounter_saved (CsEncounterDialog *dialog, CsInteraction *interaction, CsWindow *self)
{
  toast (self, _ ("Encounter logged"));
}

static void
log_encounter_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  CsEncounterDialog *dialog;

  if (cs_window_get_store (self) == NULL)
    return;

  dialog = cs_encounter_dialog_new (GTK_WINDOW (self), cs_window_get_store (self), NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_encounter_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_digest_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (cs_window_get_store (self) == NULL)
    return;

  gtk_window_present (
    GTK_WINDOW (cs_digest_dialog_new (GTK_WINDOW (self), cs_window_get_store (self), now)));
}

static void
on_file_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  /* The reference save_to_chosen_file() put on the file, taken back. */
  g_autoptr (CsWindow) self = CS_WINDOW (g_object_steal_data (G_OBJECT (source), "cs-window"));
  g_autofree char *done = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      /* Translators: %s says why, as the system puts it. */
      message = g_strdup_printf (_ ("The file could not be saved: %s"), error->message);
      toast (self, message);
      return;
    }

  g_debug ("Saved %s", g_file_peek_path (G_FILE (source)));
  toast (self, done);
}

/* Writes @contents (taken) to the file chosen in @chooser without holding up the window, then
 * says so with @done or with the error. */
static void
save_to_chosen_file (CsWindow *self, GtkFileChooser *chooser, char *contents, const char *done)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (chooser);
  g_autoptr (GBytes) bytes = g_bytes_new_take (contents, strlen (contents));

  if (file == NULL)
    return;

  g_object_set_data_full (G_OBJECT (file), "cs-window", g_object_ref (self), g_object_unref);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_file_saved, g_strdup (done));
}

static GtkFileChooserNative *
new_save_chooser (CsWindow *self, const char *title, const char *name)
{
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                 _ ("_Save"), _ ("_Cancel"));

  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr (GFile) folder =
    g_file_new_for_path (documents != NULL ? documents : g_get_home_dir ());

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  /* Not the program's working folder: a file saved there would be hard to find again. */
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  return native;
}

static void
on_csv_chosen (GtkNativeDialog *native, int response, CsWindow *self)
{
  guint days = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (native), "cs-days"));
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *done = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      csv = cs_encounters_csv_build (cs_window_get_store (self), now, days, &error);
      if (csv == NULL)
        {
          toast (self, error->message);
        }
      else
        {
          done = g_strdup_printf (ngettext ("Encounters of the last %u day saved",
                                            "Encounters of the last %u days saved", days),
                                  days);
          save_to_chosen_file (self, GTK_FILE_CHOOSER (native), g_steal_pointer (&csv), done);
        }
    }

  g_object_unref (native);
}

static void
on_days_response (AdwMessageDialog *dialog, const char *response, CsWindow *self)
{
  GtkSpinButton *days_spin = g_object_get_data (G_OBJECT (dialog), "cs-days-spin");
  guint days = gtk_spin_button_get_value_as_int (days_spin);
  GtkFileChooserNative *native;

  if (g_strcmp0 (response, "export") != 0)
    return;

  /* Translators: the suggested name of the exported file; keep it short, no spaces. */
  native = new_save_chooser (self, _ ("Export Encounters"), _ ("encounters.csv"));
  g_object_set_data (G_OBJECT (native), "cs-days", GUINT_TO_POINTER (days));
  g_signal_connect_object (native, "response", G_CALLBACK (on_csv_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
export_encounters_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *days_spin;
  GtkWidget *row;
  GtkWidget *list;

  if (cs_window_get_store (self) == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Export Encounters"),
                                   _ ("Saves whom you met in person, when and where, as a "
                                      "spreadsheet file (CSV), for example to tell the people you "
                                      "met when someone fell ill."));
  days_spin = gtk_spin_button_new_with_range (1, 365, 1);
  gtk_widget_set_name (GTK_WIDGET (days_spin), "days_spin");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (days_spin), CS_ENCOUNTERS_CSV_DEFAULT_DAYS);
  gtk_widget_set_valign (days_spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (days_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Number of days"), -1);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Days Back"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), days_spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), days_spin);
  /* A row belongs in a list box, which also gives it the focus ring it needs. */
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "export",
                                    _ ("_Export…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "cs-days-spin", days_spin);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_days_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_json_chosen (GtkNativeDialog *native, int response, CsWindow *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      json = cs_data_export_json (cs_window_get_store (self), now, &error);
      if (json == NULL)
        toast (self, error->message);
      else
        save_to_chosen_file (self, GTK_FILE_CHOOSER (native), g_steal_pointer (&json),
                             _ ("All your data was saved"));
    }

  g_object_unref (native);
}

static void
export_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkFileChooserNative *native;

  if (cs_window_get_store (self) == NULL)
    return;

  /* Translators: the suggested name of the exported file; keep it short, no spaces. */
  native = new_save_chooser (self, _ ("Export Everything"), _ ("cousinade-data.json"));
  g_signal_connect_object (native, "response", G_CALLBACK (on_json_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_vcard_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsWindow) self = user_data;
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  CsVcardImportResult counts = { 0 };
  g_autofree char *added = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *skipped = NULL;
  g_autofree char *message = NULL;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    {
      /* Translators: %s says why, as the system puts it. */
      message = g_strdup_printf (_ ("The file could not be read: %s"), error->message);
      toast (self, message);
      return;
    }

  if (cs_window_get_store (self) == NULL)
    return;
  if (!cs_vcard_import (cs_window_get_store (self), data, length, &counts, &error))
    {
      toast (self, error->message);
      return;
    }

  added = g_strdup_printf (ngettext ("%u contact added", "%u contacts added", counts.added),
                           counts.added);
  merged = g_strdup_printf (ngettext ("%u merged", "%u merged", counts.merged), counts.merged);
  skipped = g_strdup_printf (ngettext ("%u already there", "%u already there", counts.skipped),
                             counts.skipped);
  /* Translators: the three parts are "2 contacts added", "1 merged", "3 already there". */
  message = g_strdup_printf (_ ("%s, %s, %s"), added, merged, skipped);
  toast (self, message);
}

static void
on_vcard_chosen (GtkNativeDialog *native, int response, CsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        g_file_load_contents_async (file, NULL, on_vcard_loaded, g_object_ref (self));
    }

  g_object_unref (native);
}

static void
import_contacts_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) vcards = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  if (cs_window_get_store (self) == NULL)
    return;

  native = gtk_file_chooser_native_new (_ ("Import Contacts"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (vcards, _ ("Contact files (vCard)"));
  gtk_file_filter_add_mime_type (vcards, "text/vcard");
  gtk_file_filter_add_mime_type (vcards, "text/x-vcard");
  gtk_file_filter_add_suffix (vcards, "vcf");
  gtk_file_filter_add_suffix (vcards, "vcard");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), vcards);
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_signal_connect_object (native, "response", G_CALLBACK (on_vcard_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_delete_all_response (AdwMessageDialog *dialog, const char *response, CsWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;

  if (!cs_store_delete_all_data (cs_window_get_store (self), &error))
    toast (self, error->message);
  else
    toast (self, _ ("All your data was deleted from this computer"));
}

static void
delete_all_data_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsWindow *self = CS_WINDOW (widget);
  GtkWidget *dialog;

  if (cs_window_get_store (self) == NULL)
    return;

  /* Everything else in the app is deleted with an Undo; this cannot be, so it asks first. */
  dialog = adw_message_dialog_new (
    GTK_WINDOW (self), _ ("Delete All Your Data?"),
    _ ("Every circle, contact, planned call and logged encounter on this computer will be "
       "deleted, and your account will be forgotten here. This cannot be undone. To keep a copy, "
       "use “Export Everything” first."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "delete",
                                    _ ("_Delete Everything"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_all_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *const history_actions[] = {
  "win.log-encounter",     "win.show-digest", "win.import-contacts",
  "win.export-encounters", "win.export-all",  "win.delete-all-data",
};

void
cs_window_class_install_history_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.log-encounter", NULL, log_encounter_action);
  gtk_widget_class_install_action (widget_class, "win.show-digest", NULL, show_digest_action);
  gtk_widget_class_install_action (widget_class, "win.import-contacts", NULL,
                                   import_contacts_action);
  gtk_widget_class_install_action (widget_class, "win.export-encounters", NULL,
                                   export_encounters_action);
  gtk_widget_class_install_action (widget_class, "win.export-all", NULL, export_all_action);
  gtk_widget_class_install_action (widget_class, "win.delete-all-data", NULL,
                                   delete_all_data_action);
}

void
cs_window_set_history_actions_enabled (CsWindow *self, gboolean enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (history_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), history_actions[i], enabled);
}
