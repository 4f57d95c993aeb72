/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-encounter-dialog"

#include "config.h"

#include "cs-encounter-dialog.h"
#include "cs-contact-choice.h"
#include "cs-contact-editor.h"
#include "cs-contacts-page.h"

#include <glib/gi18n.h>

/* Some slack for a clock a little ahead of the watch the user read the time from. */
#define FUTURE_SLACK (15 * G_TIME_SPAN_MINUTE)

typedef struct
{
  CsContact *contact;
  GtkWidget *row;
  AdwEntryRow *seeks_row;
  AdwEntryRow *offers_row;
} Participant;

struct _CsEncounterDialog
{
  AdwWindow parent_instance;

  CsStore *store;
  GPtrArray *participants;
  char *search_text;
  GtkCustomFilter *filter;
  GtkFilterListModel *candidates;
  /* The circles offered in the circle row, after its first choice, "None". */
  GPtrArray *circles;

  AdwComboRow *kind_row;
  AdwActionRow *date_row;
  GtkMenuButton *date_button;
  GtkCalendar *calendar;
  GtkSpinButton *hour_spin;
  GtkSpinButton *minute_spin;
  AdwComboRow *circle_row;
  AdwEntryRow *place_row;
  GtkLabel *error_label;
  GtkListBox *participants_list;
  GtkSearchEntry *search_entry;
  GtkListBox *candidates_list;
  GtkTextView *notes_view;
  GtkButton *save_button;
};

G_DEFINE_FINAL_TYPE (CsEncounterDialog, cs_encounter_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* In the order of the kind row's choices. */
static const CsInteractionKind kinds[] = {
  CS_INTERACTION_KIND_MEETING,
  CS_INTERACTION_KIND_PHONE,
  CS_INTERACTION_KIND_MESSAGE,
};

static void
participant_free (Participant *participant)
{
  g_clear_object (&participant->contact);
  g_free (participant);
}

static char *
get_row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static Participant *
find_participant (CsEncounterDialog *self, CsContact *contact)
{
  for (guint i = 0; i < self->participants->len; i++)
    {
      Participant *participant = g_ptr_array_index (self->participants, i);

      if (participant->contact == contact)
        return participant;
    }

  return NULL;
}

static GDateTime *
dup_started_at (CsEncounterDialog *self)
{
  g_autoptr (GDateTime) day = gtk_calendar_get_date (self->calendar);

  return g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                                g_date_time_get_day_of_month (day),
                                gtk_spin_button_get_value_as_int (self->hour_spin),
                                gtk_spin_button_get_value_as_int (self->minute_spin), 0);
}

static void
set_error (GtkWidget *widget, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

/* Says what stops saving, in plain words, next to the fields. Returns TRUE when the entry
 * can be saved. */
static gboolean
validate (CsEncounterDialog *self)
{
  g_autoptr (GDateTime) started_at = dup_started_at (self);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  gboolean when_ok = g_date_time_difference (started_at, now) <= FUTURE_SLACK;
  gboolean who_ok = self->participants->len > 0;

  set_error (GTK_WIDGET (self->date_row), !when_ok);
  gtk_label_set_label (self->error_label,
                       when_ok ? ""
                               : _ ("This date and time are still to come. Log what already "
                                    "happened."));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !when_ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), when_ok && who_ok);

  return when_ok && who_ok;
}

static void
update_date_row (CsEncounterDialog *self)
{
  g_autoptr (GDateTime) day = gtk_calendar_get_date (self->calendar);
  /* Translators: the day of an encounter; see the GDateTime format documentation. */
  g_autofree char *text = g_date_time_format (day, _ ("%A %-d %B %Y"));

  adw_action_row_set_subtitle (self->date_row, text);
}

static void
refilter (CsEncounterDialog *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_remove_participant_clicked (GtkButton *button, CsEncounterDialog *self)
{
  CsContact *contact = g_object_get_data (G_OBJECT (button), "cs-contact");
  Participant *participant = find_participant (self, contact);

  if (participant == NULL)
    return;

  gtk_list_box_remove (self->participants_list, participant->row);
  g_ptr_array_remove (self->participants, participant);
  refilter (self);
  validate (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static AdwEntryRow *
add_needs_row (AdwExpanderRow *expander, const char *title, const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_expander_row_add_row (expander, row);

  return ADW_ENTRY_ROW (row);
}

static void
add_participant (CsEncounterDialog *self, CsContact *contact)
{
  Participant *participant;
  GtkWidget *expander;
  GtkWidget *remove;
  g_autofree char *remove_label = NULL;

  if (find_participant (self, contact) != NULL)
    return;

  participant = g_new0 (Participant, 1);
  participant->contact = g_object_ref (contact);

  expander = adw_expander_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), cs_contact_get_name (contact));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), _ ("What they seek and offer"));
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (expander),
                               adw_avatar_new (32, cs_contact_get_name (contact), TRUE));
  participant->seeks_row =
    add_needs_row (ADW_EXPANDER_ROW (expander), _ ("Seeks"), cs_contact_get_seeks (contact));
  participant->offers_row =
    add_needs_row (ADW_EXPANDER_ROW (expander), _ ("Offers"), cs_contact_get_offers (contact));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);

  remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  /* Translators: %s is a person's name. */
  remove_label = g_strdup_printf (_ ("Remove %s"), cs_contact_get_name (contact));
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "cs-contact", g_object_ref (contact), g_object_unref);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_participant_clicked), self, 0);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);

  participant->row = expander;
  g_ptr_array_add (self->participants, participant);
  gtk_list_box_append (self->participants_list, expander);
  refilter (self);
  validate (self);
}

static void
fill_circles (CsEncounterDialog *self)
{
  GListModel *circles = cs_store_get_circles (self->store);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  self->circles = g_ptr_array_new_with_free_func (g_object_unref);
  /* Translators: the choice of no circle for an encounter. */
  gtk_string_list_append (names, C_ ("circle", "None"));
  for (guint i = 0; i < g_list_model_get_n_items (circles); i++)
    {
      CsCircle *circle = g_list_model_get_item (circles, i);

      g_ptr_array_add (self->circles, circle);
      gtk_string_list_append (names, cs_circle_get_name (circle));
    }
  adw_combo_row_set_model (self->circle_row, G_LIST_MODEL (names));
  gtk_widget_set_visible (GTK_WIDGET (self->circle_row), self->circles->len > 0);
}

static gboolean
contact_is_candidate (gpointer item, gpointer user_data)
{
  CsEncounterDialog *self = CS_ENCOUNTER_DIALOG (user_data);
  CsContact *contact = CS_CONTACT (item);

  return find_participant (self, contact) == NULL &&
         cs_contact_name_matches (contact, self->search_text);
}

static GtkWidget *
create_candidate_row (gpointer item, gpointer user_data)
{
  return cs_contact_choice_row_new (CS_CONTACT (item), _ ("Add to this encounter"));
}

static void
on_candidate_activated (GtkListBox *list, GtkListBoxRow *row, CsEncounterDialog *self)
{
  add_participant (self, g_object_get_data (G_OBJECT (row), "cs-contact"));
}

static void
on_search_changed (GtkSearchEntry *entry, CsEncounterDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_free (self->search_text);
  self->search_text = cs_contact_search_fold (text);

  refilter (self);
}

static void
on_new_contact_saved (CsContactEditor *editor, CsContact *contact, CsEncounterDialog *self)
{
  add_participant (self, contact);
}

static void
on_new_contact_clicked (GtkButton *button, CsEncounterDialog *self)
{
  CsContactEditor *editor = cs_contact_editor_new (GTK_WINDOW (self), self->store, NULL);

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_new_contact_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
on_day_selected (GtkCalendar *calendar, CsEncounterDialog *self)
{
  update_date_row (self);
  validate (self);
}

static void
on_time_changed (GtkSpinButton *spin, CsEncounterDialog *self)
{
  validate (self);
}

/* Times read "09:05", not "9:5". */
static gboolean
on_time_output (GtkSpinButton *spin, CsEncounterDialog *self)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_save_clicked (GtkButton *button, CsEncounterDialog *self)
{
  g_autoptr (GDateTime) started_at = NULL;
  g_autoptr (CsInteraction) interaction = NULL;
  g_autoptr (GPtrArray) updates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_autofree char *place = get_row_text (self->place_row);
  g_autofree char *notes = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  GtkTextIter start, end;
  guint kind = adw_combo_row_get_selected (self->kind_row);
  guint circle_choice = adw_combo_row_get_selected (self->circle_row);

  if (!validate (self))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  notes = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (notes);

  started_at = dup_started_at (self);
  interaction = cs_interaction_new (kinds[MIN (kind, G_N_ELEMENTS (kinds) - 1)], started_at);
  if (*place != '\0')
    cs_interaction_set_place (interaction, place);
  if (*notes != '\0')
    cs_interaction_set_notes (interaction, notes);
  if (circle_choice > 0 && circle_choice <= self->circles->len)
    cs_interaction_set_circle_id (interaction,
                                  cs_circle_get_id (
                                    g_ptr_array_index (self->circles, circle_choice - 1)));

  for (guint i = 0; i < self->participants->len; i++)
    {
      Participant *participant = g_ptr_array_index (self->participants, i);
      CsContact *update = cs_contact_copy (participant->contact);
      g_autofree char *seeks = get_row_text (participant->seeks_row);
      g_autofree char *offers = get_row_text (participant->offers_row);

      cs_interaction_add_participant (interaction, cs_contact_get_id (participant->contact));
      cs_contact_set_seeks (update, seeks);
      cs_contact_set_offers (update, offers);
      g_ptr_array_add (updates, update);
    }

  if (!cs_store_log_interaction_with_updates (self->store, interaction,
                                              (CsContact *const *) updates->pdata, updates->len,
                                              &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, interaction);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_contacts_changed (GListModel *contacts,
                     guint position,
                     guint removed,
                     guint added,
                     CsEncounterDialog *self)
{
  /* A participant deleted meanwhile (from another window) cannot be logged. */
  for (guint i = self->participants->len; i > 0; i--)
    {
      Participant *participant = g_ptr_array_index (self->participants, i - 1);

      if (cs_store_find_contact (self->store, cs_contact_get_id (participant->contact)) == NULL)
        {
          gtk_list_box_remove (self->participants_list, participant->row);
          g_ptr_array_remove_index (self->participants, i - 1);
        }
    }
  validate (self);
}

static void
cs_encounter_dialog_dispose (GObject *object)
{
  CsEncounterDialog *self = CS_ENCOUNTER_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_ENCOUNTER_DIALOG);
  g_clear_pointer (&self->participants, g_ptr_array_unref);
  g_clear_pointer (&self->circles, g_ptr_array_unref);
  g_clear_object (&self->candidates);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_encounter_dialog_parent_class)->dispose (object);
}

static void
cs_encounter_dialog_finalize (GObject *object)
{
  CsEncounterDialog *self = CS_ENCOUNTER_DIALOG (object);

  g_free (self->search_text);

  G_OBJECT_CLASS (cs_encounter_dialog_parent_class)->finalize (object);
}

static void
cs_encounter_dialog_class_init (CsEncounterDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_encounter_dialog_dispose;
  object_class->finalize = cs_encounter_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CS_TYPE_INTERACTION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-encounter-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, date_button);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, circle_row);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, place_row);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, participants_list);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, candidates_list);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, notes_view);
  gtk_widget_class_bind_template_child (widget_class, CsEncounterDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_candidate_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_new_contact_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_time_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_time_output);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_encounter_dialog_init (CsEncounterDialog *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  self->participants = g_ptr_array_new_with_free_func ((GDestroyNotify) participant_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_calendar_select_day (self->calendar, now);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (now));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (now));
  update_date_row (self);

  gtk_list_box_set_placeholder (self->participants_list,
                                cs_contact_choice_placeholder_new (
                                  _ ("No one chosen yet. Pick people from your contacts "
                                     "below, or add a new contact.")));
  gtk_list_box_set_placeholder (self->candidates_list,
                                cs_contact_choice_placeholder_new (
                                  _ ("No other contact. Add a new one with the button above.")));
}

CsEncounterDialog *
cs_encounter_dialog_new (GtkWindow *parent, CsStore *store, CsContact *contact)
{
  CsEncounterDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (contact == NULL || CS_IS_CONTACT (contact), NULL);

  self = g_object_new (CS_TYPE_ENCOUNTER_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->filter = gtk_custom_filter_new (contact_is_candidate, self, NULL);
  self->candidates = gtk_filter_list_model_new (g_object_ref (cs_store_get_contacts (store)),
                                                g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_bind_model (self->candidates_list, G_LIST_MODEL (self->candidates),
                           create_candidate_row, self, NULL);
  g_signal_connect_object (cs_store_get_contacts (store), "items-changed",
                           G_CALLBACK (on_contacts_changed), self, 0);

  if (contact != NULL)
    add_participant (self, contact);
  fill_circles (self);
  validate (self);

  return self;
}

/* Chooses @circle in the circle row, as when logging from a circle's page. */
void
cs_encounter_dialog_set_circle (CsEncounterDialog *self, CsCircle *circle)
{
  guint index = 0;

  g_return_if_fail (CS_IS_ENCOUNTER_DIALOG (self));
  g_return_if_fail (circle == NULL || CS_IS_CIRCLE (circle));

  if (circle != NULL && g_ptr_array_find (self->circles, circle, &index))
    adw_combo_row_set_selected (self->circle_row, index + 1);
  else
    adw_combo_row_set_selected (self->circle_row, 0);
}
