/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-contact-editor"

#include "config.h"

#include "cs-contact-editor.h"
#include "cs-encounter-dialog.h"
#include "cs-labels.h"
#include "cs-timeline.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

struct _CsContactEditor
{
  AdwWindow parent_instance;

  CsStore *store;
  CsContact *contact;
  gboolean name_touched;

  AdwEntryRow *name_row;
  AdwEntryRow *xmpp_row;
  AdwEntryRow *email_row;
  AdwEntryRow *phone_row;
  AdwEntryRow *seeks_row;
  AdwEntryRow *offers_row;
  AdwComboRow *cadence_row;
  GtkSwitch *digest_switch;
  GtkTextView *notes_view;
  AdwPreferencesGroup *history_group;
  CsTimeline *timeline;
  AdwPreferencesGroup *remove_group;
  GtkButton *save_button;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (CsContactEditor, cs_contact_editor, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
get_row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_row_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
set_row_error (AdwEntryRow *row, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Checks the fields that can be wrong and says what is wrong in plain words. Returns TRUE
 * when the contact can be saved. */
static gboolean
validate (CsContactEditor *self)
{
  g_autofree char *name = get_row_text (self->name_row);
  g_autofree char *address = get_row_text (self->xmpp_row);
  g_autoptr (GError) address_error = NULL;
  g_autofree char *normalized = NULL;
  const char *message = NULL;
  gboolean name_ok = *name != '\0';
  gboolean address_ok = TRUE;

  if (*address != '\0')
    {
      normalized = cs_xmpp_address_normalize (address, &address_error);
      address_ok = normalized != NULL;
    }

  set_row_error (self->name_row, !name_ok && self->name_touched);
  set_row_error (self->xmpp_row, !address_ok);

  if (!address_ok)
    message = address_error->message;
  else if (!name_ok && self->name_touched)
    message = _ ("Please enter a name, such as “Mamie” or “Karim from the market”.");

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), name_ok && address_ok);

  return name_ok && address_ok;
}

static void
on_field_changed (GtkEditable *editable, CsContactEditor *self)
{
  if (editable == GTK_EDITABLE (self->name_row))
    self->name_touched = TRUE;

  validate (self);
}

static void
on_save_clicked (GtkWidget *emitter, CsContactEditor *self)
{
  g_autoptr (CsContact) draft = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  g_autofree char *email = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *seeks = NULL;
  g_autofree char *offers = NULL;
  g_autofree char *notes = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;
  CsContact *saved;

  self->name_touched = TRUE;
  if (!validate (self))
    return;

  name = get_row_text (self->name_row);
  address = get_row_text (self->xmpp_row);
  email = get_row_text (self->email_row);
  phone = get_row_text (self->phone_row);
  seeks = get_row_text (self->seeks_row);
  offers = get_row_text (self->offers_row);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  draft = self->contact != NULL ? cs_contact_copy (self->contact) : cs_contact_new ();
  cs_contact_set_name (draft, name);
  cs_contact_set_xmpp_address (draft, address);
  cs_contact_set_email (draft, email);
  cs_contact_set_phone (draft, phone);
  cs_contact_set_seeks (draft, seeks);
  cs_contact_set_offers (draft, offers);
  cs_contact_set_notes (draft, g_strstrip (notes));
  cs_contact_set_named_in_digest (draft, gtk_switch_get_active (self->digest_switch));
  cs_contact_set_keep_in_touch_days (draft, cs_cadence_get_days (
                                              adw_combo_row_get_selected (self->cadence_row)));

  saved = cs_store_save_contact (self->store, draft, &error);
  if (saved == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, saved);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_encounter_saved (CsEncounterDialog *dialog, CsInteraction *interaction, CsContactEditor *self)
{
  /* The encounter may have changed what this person seeks and offers; saving this form
   * afterwards must not put the old values back. */
  set_row_text (self->seeks_row, cs_contact_get_seeks (self->contact));
  set_row_text (self->offers_row, cs_contact_get_offers (self->contact));
}

static void
on_log_encounter_clicked (GtkButton *button, CsContactEditor *self)
{
  CsEncounterDialog *dialog =
    cs_encounter_dialog_new (GTK_WINDOW (self), self->store, self->contact);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_encounter_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_clicked (GtkButton *button, CsContactEditor *self)
{
  GtkWidget *parent = GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self)));
  gint64 id = cs_contact_get_id (self->contact);

  /* The main window deletes with an Undo toast; this dialog only asks for it. */
  gtk_window_destroy (GTK_WINDOW (self));
  if (parent != NULL)
    gtk_widget_activate_action (parent, "win.delete-contact", "x", id);
}

static void
cs_contact_editor_dispose (GObject *object)
{
  CsContactEditor *self = CS_CONTACT_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CONTACT_EDITOR);
  g_clear_object (&self->contact);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_contact_editor_parent_class)->dispose (object);
}

static void
cs_contact_editor_class_init (CsContactEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_contact_editor_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CS_TYPE_CONTACT);

  g_type_ensure (CS_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-contact-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, xmpp_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, email_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, phone_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, seeks_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, offers_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, cadence_row);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, digest_switch);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, notes_view);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, history_group);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, timeline);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, remove_group);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, CsContactEditor, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_log_encounter_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_contact_editor_init (CsContactEditor *self)
{
  g_autoptr (GListModel) cadences = cs_cadence_new_label_model ();

  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->cadence_row, cadences);
}

CsContactEditor *
cs_contact_editor_new (GtkWindow *parent, CsStore *store, CsContact *contact)
{
  CsContactEditor *self;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (contact == NULL || CS_IS_CONTACT (contact), NULL);

  self = g_object_new (CS_TYPE_CONTACT_EDITOR, "transient-for", parent, NULL);
  self->store = g_object_ref (store);

  if (contact == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _ ("New Contact"));
      gtk_button_set_label (self->save_button, _ ("_Add"));
      return self;
    }

  self->contact = g_object_ref (contact);
  gtk_window_set_title (GTK_WINDOW (self), _ ("Edit Contact"));
  gtk_button_set_label (self->save_button, _ ("_Save"));
  set_row_text (self->name_row, cs_contact_get_name (contact));
  set_row_text (self->xmpp_row, cs_contact_get_xmpp_address (contact));
  set_row_text (self->email_row, cs_contact_get_email (contact));
  set_row_text (self->phone_row, cs_contact_get_phone (contact));
  set_row_text (self->seeks_row, cs_contact_get_seeks (contact));
  set_row_text (self->offers_row, cs_contact_get_offers (contact));
  gtk_switch_set_active (self->digest_switch, cs_contact_get_named_in_digest (contact));
  adw_combo_row_set_selected (self->cadence_row,
                              cs_cadence_find_index (cs_contact_get_keep_in_touch_days (contact)));
  buffer = gtk_text_view_get_buffer (self->notes_view);
  gtk_text_buffer_set_text (buffer,
                            cs_contact_get_notes (contact) != NULL ? cs_contact_get_notes (contact)
                                                                   : "",
                            -1);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_group), TRUE);
  cs_timeline_set_store (self->timeline, store);
  cs_timeline_set_contact (self->timeline, contact);
  cs_timeline_set_placeholder_text (self->timeline, _ ("Nothing logged with this person yet."));
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), TRUE);
  validate (self);

  return self;
}
