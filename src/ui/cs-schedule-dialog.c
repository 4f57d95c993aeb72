/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-schedule-dialog"

#include "config.h"

#include "cs-schedule-dialog.h"
#include "cs-recurrence.h"

#include <glib/gi18n.h>

/* The repeat choices: the family presets that fit the chosen date, then a custom rule. */
#define MAX_CHOICES 8

struct _CsScheduleDialog
{
  AdwWindow parent_instance;

  CsStore *store;
  CsCircle *circle;
  /* The series being edited, or NULL for a new one. */
  CsScheduledCall *call;

  CsRecurrencePreset choices[MAX_CHOICES];
  guint n_choices;
  /* The start the choices were made for: they change only with it. */
  GDateTime *choices_start;
  gboolean rebuilding;

  AdwEntryRow *title_row;
  GtkMenuButton *date_button;
  GtkCalendar *calendar;
  GtkSpinButton *hour_spin;
  GtkSpinButton *minute_spin;
  AdwEntryRow *zone_row;
  GtkSpinButton *duration_spin;
  AdwComboRow *repeat_row;
  AdwEntryRow *rrule_row;
  GtkLabel *description_label;
  GtkLabel *error_label;
  GtkButton *save_button;
  AdwPreferencesGroup *cancel_group;
};

G_DEFINE_FINAL_TYPE (CsScheduleDialog, cs_schedule_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GTimeZone *
dup_zone (CsScheduleDialog *self)
{
  g_autofree char *text =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->zone_row))));

  if (text[0] == '\0')
    return NULL;

  return g_time_zone_new_identifier (text);
}

/* The start as chosen, in the chosen zone; NULL while the zone is not a real one. */
static GDateTime *
dup_start (CsScheduleDialog *self)
{
  g_autoptr (GTimeZone) zone = dup_zone (self);
  g_autoptr (GDateTime) day = gtk_calendar_get_date (self->calendar);

  if (zone == NULL)
    return NULL;

  return cs_scheduled_call_new_local (zone, g_date_time_get_year (day), g_date_time_get_month (day),
                                      g_date_time_get_day_of_month (day),
                                      gtk_spin_button_get_value_as_int (self->hour_spin),
                                      gtk_spin_button_get_value_as_int (self->minute_spin), 0);
}

static gboolean
is_custom (CsScheduleDialog *self)
{
  return adw_combo_row_get_selected (self->repeat_row) >= self->n_choices;
}

/* The rule as chosen: NULL for a single call. */
static char *
dup_rrule (CsScheduleDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->repeat_row);

  if (selected >= self->n_choices)
    {
      g_autofree char *text =
        g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rrule_row))));

      return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
    }

  return cs_recurrence_preset_to_rrule (&self->choices[selected]);
}

static void
add_choice (CsScheduleDialog *self,
            GtkStringList *labels,
            CsRecurrenceKind kind,
            GDateTime *start,
            int ordinal)
{
  CsRecurrencePreset *preset = &self->choices[self->n_choices];
  g_autofree char *rrule = NULL;
  g_autofree char *label = NULL;

  g_assert (self->n_choices < MAX_CHOICES);
  cs_recurrence_preset_init_for_start (preset, kind, start);
  if (ordinal != 0)
    preset->ordinal = ordinal;
  rrule = cs_recurrence_preset_to_rrule (preset);
  label =
    kind == CS_RECURRENCE_ONCE ? g_strdup (_ ("Once")) : cs_recurrence_describe (rrule, start);
  gtk_string_list_append (labels, label);
  self->n_choices++;
}

static gboolean
same_choice (const CsRecurrencePreset *a, const CsRecurrencePreset *b)
{
  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == CS_RECURRENCE_MONTHLY_BY_WEEKDAY)
    return a->ordinal == b->ordinal;
  return TRUE;
}

/* The presets depend on the date (its weekday, its place in the month), so they are made
 * again whenever the date changes, keeping the kind of repetition the user chose. */
static void
rebuild_choices (CsScheduleDialog *self, GDateTime *start, const CsRecurrencePreset *keep)
{
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  int day = g_date_time_get_day_of_month (start);
  int days_in_month =
    g_date_get_days_in_month (g_date_time_get_month (start), g_date_time_get_year (start));
  guint selected = G_MAXUINT;

  g_clear_pointer (&self->choices_start, g_date_time_unref);
  self->choices_start = g_date_time_ref (start);
  self->n_choices = 0;
  add_choice (self, labels, CS_RECURRENCE_ONCE, start, 0);
  add_choice (self, labels, CS_RECURRENCE_WEEKLY, start, 0);
  add_choice (self, labels, CS_RECURRENCE_EVERY_OTHER_WEEK, start, 0);
  if (day <= 28)
    add_choice (self, labels, CS_RECURRENCE_MONTHLY_BY_WEEKDAY, start, 0);
  /* "The last Sunday" fits any date in the last seven days of its month. */
  if (day + 7 > days_in_month)
    add_choice (self, labels, CS_RECURRENCE_MONTHLY_BY_WEEKDAY, start, -1);
  add_choice (self, labels, CS_RECURRENCE_MONTHLY_BY_DAY, start, 0);
  gtk_string_list_append (labels, _ ("Custom rule"));

  for (guint i = 0; keep != NULL && i < self->n_choices; i++)
    if (same_choice (&self->choices[i], keep))
      {
        selected = i;
        break;
      }
  /* A monthly choice that no longer exists (the first became the last) stays monthly. */
  for (guint i = 0; selected == G_MAXUINT && keep != NULL && i < self->n_choices; i++)
    if (self->choices[i].kind == keep->kind)
      selected = i;
  if (selected == G_MAXUINT)
    selected = keep != NULL && keep->kind == CS_RECURRENCE_CUSTOM ? self->n_choices : 0;

  self->rebuilding = TRUE;
  adw_combo_row_set_model (self->repeat_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->repeat_row, selected);
  self->rebuilding = FALSE;
}

static void
set_error (CsScheduleDialog *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update (CsScheduleDialog *self)
{
  g_autoptr (GDateTime) start = dup_start (self);
  g_autoptr (GDateTime) day = gtk_calendar_get_date (self->calendar);
  g_autofree char *date_text = g_date_time_format (day, _ ("%A %-d %B %Y"));
  g_autofree char *rrule = NULL;
  g_autofree char *title =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  g_autoptr (GError) error = NULL;
  gboolean valid = TRUE;

  gtk_menu_button_set_label (self->date_button, date_text);
  gtk_widget_set_visible (GTK_WIDGET (self->rrule_row), is_custom (self));

  if (start == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->zone_row), "error");
      set_error (self, _ ("This time zone is not known. Write it like “Europe/Paris” or "
                          "“America/Montreal”."));
      gtk_label_set_label (self->description_label, "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->zone_row), "error");

  if (!self->rebuilding &&
      (self->choices_start == NULL || !g_date_time_equal (self->choices_start, start)))
    {
      CsRecurrencePreset keep = { .kind = CS_RECURRENCE_CUSTOM };
      guint selected = adw_combo_row_get_selected (self->repeat_row);

      if (selected < self->n_choices)
        keep = self->choices[selected];
      rebuild_choices (self, start, &keep);
    }

  rrule = dup_rrule (self);
  if (is_custom (self) && rrule == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->rrule_row), "error");
      set_error (self, _ ("Write a repetition rule, such as FREQ=WEEKLY;BYDAY=SU."));
      valid = FALSE;
    }
  else if (!cs_recurrence_validate (rrule, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->rrule_row), "error");
      set_error (self, error->message);
      valid = FALSE;
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->rrule_row), "error");
      set_error (self, title[0] == '\0' ? _ ("Give the call a title.") : NULL);
    }

  if (valid)
    {
      g_autofree char *words = cs_recurrence_describe (rrule, start);

      gtk_label_set_label (self->description_label, words);
    }
  else
    {
      gtk_label_set_label (self->description_label, "");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), valid && title[0] != '\0');
}

static void
on_input_changed (CsScheduleDialog *self)
{
  if (!self->rebuilding)
    update (self);
}

/* Two digits, as a clock shows them. */
static gboolean
on_spin_output (GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_save_clicked (GtkButton *button, CsScheduleDialog *self)
{
  g_autoptr (CsScheduledCall) call =
    self->call != NULL ? cs_scheduled_call_copy (self->call) : cs_scheduled_call_new ();
  g_autoptr (GDateTime) start = dup_start (self);
  g_autofree char *rrule = dup_rrule (self);
  g_autofree char *title =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  g_autofree char *zone =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->zone_row))));
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (start == NULL)
    return;

  cs_scheduled_call_set_circle_id (call, cs_circle_get_id (self->circle));
  cs_scheduled_call_set_title (call, title);
  cs_scheduled_call_set_tzid (call, zone);
  cs_scheduled_call_set_dtstart (call, start);
  cs_scheduled_call_set_duration_minutes (call,
                                          gtk_spin_button_get_value_as_int (self->duration_spin));
  cs_scheduled_call_set_rrule (call, rrule);

  if (self->call != NULL)
    ok = cs_store_update_scheduled_call (self->store, call, &error);
  else
    ok = cs_store_create_scheduled_call (self->store, call, &error);

  if (!ok)
    {
      set_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, call);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_cancel_call_clicked (GtkButton *button, CsScheduleDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (self->call == NULL || !CS_IS_WINDOW (parent))
    return;

  cs_schedule_cancel_with_undo (CS_WINDOW (parent), self->store, self->call);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cs_schedule_dialog_dispose (GObject *object)
{
  CsScheduleDialog *self = CS_SCHEDULE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_SCHEDULE_DIALOG);
  g_clear_object (&self->call);
  g_clear_pointer (&self->choices_start, g_date_time_unref);
  g_clear_object (&self->circle);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_schedule_dialog_parent_class)->dispose (object);
}

static void
cs_schedule_dialog_class_init (CsScheduleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_schedule_dialog_dispose;

  /**
   * CsScheduleDialog::saved:
   * @call: the series as stored
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CS_TYPE_SCHEDULED_CALL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-schedule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, date_button);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, zone_row);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, rrule_row);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CsScheduleDialog, cancel_group);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_spin_output);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_call_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_schedule_dialog_init (CsScheduleDialog *self)
{
  self->rebuilding = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rebuilding = FALSE;
}

CsScheduleDialog *
cs_schedule_dialog_new (GtkWindow *parent, CsStore *store, CsCircle *circle, CsScheduledCall *call)
{
  CsScheduleDialog *self;
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) start = NULL;
  CsRecurrencePreset keep = { .kind = CS_RECURRENCE_WEEKLY };

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);
  g_return_val_if_fail (call == NULL || CS_IS_SCHEDULED_CALL (call), NULL);

  self = g_object_new (CS_TYPE_SCHEDULE_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->circle = g_object_ref (circle);
  self->rebuilding = TRUE;

  if (call != NULL)
    {
      self->call = cs_scheduled_call_copy (call);
      start = g_date_time_ref (cs_scheduled_call_get_dtstart (call));
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), cs_scheduled_call_get_title (call));
      gtk_editable_set_text (GTK_EDITABLE (self->zone_row), cs_scheduled_call_get_tzid (call));
      gtk_spin_button_set_value (self->duration_spin,
                                 cs_scheduled_call_get_duration_minutes (call));
      if (!cs_recurrence_preset_from_rrule (cs_scheduled_call_get_rrule (call), start, &keep))
        keep.kind = CS_RECURRENCE_CUSTOM;
      if (keep.kind == CS_RECURRENCE_CUSTOM)
        gtk_editable_set_text (GTK_EDITABLE (self->rrule_row), cs_scheduled_call_get_rrule (call));
      gtk_window_set_title (GTK_WINDOW (self), _ ("Edit Scheduled Calls"));
      gtk_button_set_label (self->save_button, _ ("_Save"));
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_group), TRUE);
    }
  else
    {
      g_autoptr (GDateTime) now = g_date_time_new_now (local);
      g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
      g_autofree char *title = NULL;
      g_autoptr (GTimeZone) named = g_time_zone_new_identifier (g_time_zone_get_identifier (local));

      /* Tomorrow at 11:00, a time families often choose, in the user's own zone. */
      start =
        g_date_time_new (local, g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                         g_date_time_get_day_of_month (tomorrow), 11, 0, 0);
      /* Translators: the suggested title of a new call; %s is the circle's name. */
      title = g_strdup_printf (_ ("%s call"), cs_circle_get_name (circle));
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
      /* A system without a zone name (only /etc/localtime) should not open with an error. */
      gtk_editable_set_text (GTK_EDITABLE (self->zone_row),
                             named != NULL ? g_time_zone_get_identifier (local) : "UTC");
    }

  gtk_calendar_select_day (self->calendar, start);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (start));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (start));
  rebuild_choices (self, start, &keep);
  self->rebuilding = FALSE;
  update (self);

  return self;
}

static void
undo_cancel (CsWindow *window, gpointer data)
{
  CsScheduledCall *call = CS_SCHEDULED_CALL (data);
  g_autoptr (GError) error = NULL;

  if (!cs_store_restore_scheduled_call (cs_window_get_store (window), call, &error))
    cs_window_add_toast (window, adw_toast_new (error->message));
}

void
cs_schedule_cancel_with_undo (CsWindow *window, CsStore *store, CsScheduledCall *call)
{
  g_autoptr (CsScheduledCall) cancelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (CS_IS_WINDOW (window));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (CS_IS_SCHEDULED_CALL (call));

  cancelled = cs_scheduled_call_copy (call);
  if (!cs_store_cancel_scheduled_call (store, cancelled, &error))
    {
      cs_window_add_toast (window, adw_toast_new (error->message));
      return;
    }

  /* Translators: %s is the title of a scheduled call, such as "Cousinade Dupont call". */
  title = g_strdup_printf (_ ("“%s” cancelled"), cs_scheduled_call_get_title (cancelled));
  cs_window_offer_undo (window, title, undo_cancel, g_steal_pointer (&cancelled), g_object_unref);
}

static guint
day_number (GDateTime *datetime)
{
  int year, month, day;
  GDate date;

  g_date_time_get_ymd (datetime, &year, &month, &day);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return g_date_get_julian (&date);
}

char *
cs_schedule_format_start (GDateTime *start, GDateTime *now)
{
  g_autofree char *when = NULL;
  g_autofree char *relative = NULL;
  g_autoptr (GDateTime) local_now = NULL;
  GTimeSpan until;
  int days;

  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  /* Translators: a call's start, as in "Sunday 6 December, 11:00" (strftime format). */
  when = g_date_time_format (start, _ ("%A %-d %B, %H:%M"));
  until = g_date_time_difference (start, now);
  local_now = g_date_time_to_timezone (now, g_date_time_get_timezone (start));
  /* Whole days between the calendar dates, as people count "in 3 days". */
  days = ((int) day_number (start) - (int) day_number (local_now));

  if (until <= 0)
    relative = g_strdup (_ ("now"));
  else if (until < G_TIME_SPAN_HOUR)
    {
      int minutes = MAX (1, (int) (until / G_TIME_SPAN_MINUTE));

      relative = g_strdup_printf (ngettext ("in %d minute", "in %d minutes", minutes), minutes);
    }
  else if (days <= 0)
    relative = g_strdup (_ ("today"));
  else if (days == 1)
    relative = g_strdup (_ ("tomorrow"));
  else
    relative = g_strdup_printf (ngettext ("in %d day", "in %d days", days), days);

  /* Translators: a call's start then when that is: "Sunday 6 December, 11:00 — in 3 days". */
  return g_strdup_printf (_ ("%s — %s"), when, relative);
}
