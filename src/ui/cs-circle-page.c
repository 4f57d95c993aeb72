/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-circle-page"

#include "config.h"

#include "cs-circle-page.h"
#include "cs-application.h"
#include "cs-circle-editor.h"
#include "cs-encounter-dialog.h"
#include "cs-labels.h"
#include "cs-member-picker.h"
#include "cs-qr-code.h"
#include "cs-recurrence.h"
#include "cs-reminders.h"
#include "cs-schedule-dialog.h"
#include "cs-schedule-files.h"
#include "cs-timeline.h"
#include "cs-window.h"

#include <glib/gi18n.h>

struct _CsCirclePage
{
  AdwBin parent_instance;

  CsStore *store;
  CsCircle *circle;
  gboolean narrow;
  GBindingGroup *circle_bindings;
  CsCircleRooms *rooms;
  guint calls_refresh_id;

  AdwWindowTitle *window_title;
  GtkLabel *emoji_label;
  GtkLabel *name_label;
  GtkLabel *description_label;
  GtkListBox *members_list;
  GtkListBox *calls_list;
  AdwActionRow *call_row;
  GtkButton *call_button;
  CsCallManager *calls;
  CsTimeline *timeline;
  AdwPreferencesGroup *invite_group;
  AdwActionRow *invite_row;
  GtkPicture *qr_picture;
};

G_DEFINE_FINAL_TYPE (CsCirclePage, cs_circle_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CIRCLE,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
kind_to_label (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_string (to, cs_circle_kind_to_label (g_value_get_enum (from)));
  return TRUE;
}

static gboolean
string_to_visible (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_boolean (to, text != NULL && *text != '\0');
  return TRUE;
}

static void
update_member_row_subtitle (AdwActionRow *row, CsMember *member)
{
  CsContact *contact = cs_member_get_contact (member);
  const char *address = cs_contact_get_xmpp_address (contact);
  const char *role = cs_member_role_to_label (cs_member_get_role (member));
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  g_autofree char *subtitle = NULL;

  if (self != NULL && self->rooms != NULL &&
      cs_circle_rooms_is_online (self->rooms, cs_member_get_circle (member), contact))
    /* Translators: a member's role, then their chat address, while they are online. */
    subtitle = g_strdup_printf (_ ("%s · %s · Online now"), role, address);
  else if (address != NULL)
    /* Translators: a member's role, then their chat address: "Organiser · anna@example.org". */
    subtitle = g_strdup_printf (_ ("%s · %s"), role, address);
  else
    subtitle = g_strdup (role);

  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_member_contact_notify (CsContact *contact, GParamSpec *pspec, AdwActionRow *row)
{
  update_member_row_subtitle (row, g_object_get_data (G_OBJECT (row), "cs-member"));
}

static void
undo_remove_member (CsWindow *window, gpointer data)
{
  CsMember *member = CS_MEMBER (data);
  g_autoptr (GError) error = NULL;

  CsApplication *app = CS_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  if (!cs_store_add_member (cs_window_get_store (window), cs_member_get_circle (member),
                            cs_member_get_contact (member), cs_member_get_role (member), &error))
    cs_window_add_toast (window, adw_toast_new (error->message));
  else
    cs_circle_rooms_member_added (cs_application_get_rooms (app), cs_member_get_circle (member),
                                  cs_member_get_contact (member));
}

static void
on_remove_member_clicked (GtkButton *button, CsCirclePage *self)
{
  CsMember *member = g_object_get_data (G_OBJECT (button), "cs-member");
  CsWindow *window = CS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  g_autoptr (CsMember) removed = g_object_ref (member);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (!cs_store_remove_member (self->store, cs_member_get_circle (member),
                               cs_member_get_contact (member), &error))
    {
      cs_window_add_toast (window, adw_toast_new (error->message));
      return;
    }

  if (self->rooms != NULL)
    cs_circle_rooms_member_removed (self->rooms, cs_member_get_circle (removed),
                                    cs_member_get_contact (removed));

  /* Translators: the first %s is a person, the second a circle. */
  title = g_strdup_printf (_ ("“%s” removed from “%s”"),
                           cs_contact_get_name (cs_member_get_contact (removed)),
                           cs_circle_get_name (cs_member_get_circle (removed)));
  cs_window_offer_undo (window, title, undo_remove_member, g_steal_pointer (&removed),
                        g_object_unref);
}

static GtkWidget *
create_member_row (gpointer item, gpointer user_data)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (user_data);
  CsMember *member = CS_MEMBER (item);
  CsContact *contact = cs_member_get_contact (member);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, cs_contact_get_name (contact), TRUE);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *remove_label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_bind_property (contact, "name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (contact, "name", avatar, "text", G_BINDING_SYNC_CREATE);
  g_object_set_data_full (G_OBJECT (row), "cs-member", g_object_ref (member), g_object_unref);
  g_object_set_data (G_OBJECT (row), "cs-page", self);
  update_member_row_subtitle (ADW_ACTION_ROW (row), member);
  g_signal_connect_object (contact, "notify::xmpp-address", G_CALLBACK (on_member_contact_notify),
                           row, 0);

  /* Translators: %s is a person's name. */
  remove_label = g_strdup_printf (_ ("Remove %s from this circle"), cs_contact_get_name (contact));
  gtk_widget_set_tooltip_text (remove, _ ("Remove from Circle"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "cs-member", g_object_ref (member), g_object_unref);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_member_clicked), self, 0);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

static GtkWidget *
create_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);

  return label;
}

static void
update_invite (CsCirclePage *self)
{
  g_autofree char *uri =
    self->circle != NULL ? cs_circle_rooms_dup_invite_uri (self->circle) : NULL;
  g_autoptr (GdkTexture) code = uri != NULL ? cs_qr_code_new_texture (uri, 5) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->invite_group), uri != NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->invite_row), uri != NULL ? uri : "");
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (code));
}

static void
on_room_address_notify (CsCircle *circle, GParamSpec *pspec, CsCirclePage *self)
{
  update_invite (self);
}

static void
on_copy_invite_clicked (GtkButton *button, CsCirclePage *self)
{
  g_autofree char *uri = cs_circle_rooms_dup_invite_uri (self->circle);
  CsWindow *window = CS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  if (uri == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), uri);
  cs_window_add_toast (window, adw_toast_new (_ ("Invite link copied")));
}

static void update_call_row (CsCirclePage *self);

static void
on_rooms_presence_changed (CsCircleRooms *rooms, CsCircle *circle, CsCirclePage *self)
{
  if (circle != self->circle)
    return;

  /* Entering the room (shown before, from an invitation) makes the circle callable. */
  update_call_row (self);
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->members_list, i);
      CsMember *member;

      if (row == NULL)
        break;
      member = g_object_get_data (G_OBJECT (row), "cs-member");
      if (member != NULL)
        update_member_row_subtitle (ADW_ACTION_ROW (row), member);
    }
}

static void
on_circle_edited (CsCircleEditor *editor, CsCircle *circle, CsCirclePage *self)
{
  /* The room's name follows the circle's. */
  if (self->rooms != NULL)
    cs_circle_rooms_circle_changed (self->rooms, circle);
}

static void
log_encounter_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsEncounterDialog *dialog;

  if (self->circle == NULL || self->store == NULL)
    return;

  dialog = cs_encounter_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, NULL);
  cs_encounter_dialog_set_circle (dialog, self->circle);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsCircleEditor *editor;

  if (self->circle == NULL)
    return;

  editor =
    cs_circle_editor_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->circle);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_circle_edited), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle == NULL)
    return;

  gtk_widget_activate_action (widget, "win.delete-circle", "x", cs_circle_get_id (self->circle));
}

static void
add_member_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);
  CsMemberPicker *picker;

  if (self->circle == NULL)
    return;

  picker =
    cs_member_picker_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->circle);
  gtk_window_present (GTK_WINDOW (picker));
}

/* The upcoming calls of the circle: the next few occurrences of its series. */

/* How far ahead, and how many, the circle page lists. */
#define CALLS_DAYS_AHEAD 400
#define CALLS_PER_SERIES 3
#define CALLS_SHOWN 6

static CsWindow *
page_window (CsCirclePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return CS_IS_WINDOW (root) ? CS_WINDOW (root) : NULL;
}

static CsScheduledCall *
row_call (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "cs-call");
}

static const char *
row_recurrence_id (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "cs-recurrence-id");
}

static void
report (CsCirclePage *self, const GError *error)
{
  CsWindow *window = page_window (self);

  if (window != NULL)
    cs_window_add_toast (window, adw_toast_new (error->message));
}

static void
on_occurrence_edit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWidget *row = user_data;
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  CsScheduleDialog *dialog;

  dialog = cs_schedule_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   self->store, self->circle, row_call (row));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_occurrence_skip (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWidget *row = user_data;
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_copy (row_call (row));
  g_autoptr (GError) error = NULL;

  if (!cs_store_skip_occurrence (self->store, call, row_recurrence_id (row), &error))
    report (self, error);
}

static void
on_occurrence_cancel (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWidget *row = user_data;
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  CsWindow *window = page_window (self);

  if (window != NULL)
    cs_schedule_cancel_with_undo (window, self->store, row_call (row));
}

static void
on_move_clicked (GtkButton *button, GtkWidget *row)
{
  CsCirclePage *self = g_object_get_data (G_OBJECT (row), "cs-page");
  CsScheduledCall *stored = row_call (row);
  GtkCalendar *calendar = g_object_get_data (G_OBJECT (button), "cs-calendar");
  GtkSpinButton *hour = g_object_get_data (G_OBJECT (button), "cs-hour");
  GtkSpinButton *minute = g_object_get_data (G_OBJECT (button), "cs-minute");
  g_autoptr (GDateTime) day = gtk_calendar_get_date (calendar);
  g_autoptr (CsScheduledCall) call = cs_scheduled_call_copy (stored);
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GError) error = NULL;

  /* The new time is read in the series' zone, the zone the occurrence is shown in. */
  start =
    cs_scheduled_call_new_local (cs_scheduled_call_get_timezone (call), g_date_time_get_year (day),
                                 g_date_time_get_month (day), g_date_time_get_day_of_month (day),
                                 gtk_spin_button_get_value_as_int (hour),
                                 gtk_spin_button_get_value_as_int (minute), 0);
  gtk_popover_popdown (
    GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER)));
  if (!cs_store_move_occurrence (self->store, call, row_recurrence_id (row), start, &error))
    report (self, error);
}

static gboolean
on_spin_output (GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static GtkWidget *
new_time_spin (int upper, int step, int value, const char *label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, upper, step);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (spin), GTK_ORIENTATION_VERTICAL);
  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  g_signal_connect (spin, "output", G_CALLBACK (on_spin_output), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return spin;
}

/* "Move this one": a small popover with the day and the time. */
static const char *
own_address (CsCirclePage *self)
{
  CsAccount *account = cs_store_get_account (self->store);

  return account != NULL ? cs_account_get_address (account) : NULL;
}

static GtkWidget *
create_move_button (GtkWidget *row, CsOccurrence *occurrence)
{
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *time_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *calendar = gtk_calendar_new ();
  GtkWidget *hour = new_time_spin (23, 1, g_date_time_get_hour (occurrence->start), _ ("Hour"));
  GtkWidget *minute =
    new_time_spin (59, 5, g_date_time_get_minute (occurrence->start), _ ("Minutes"));
  GtkWidget *move = gtk_button_new_with_mnemonic (_ ("_Move"));

  gtk_calendar_select_day (GTK_CALENDAR (calendar), occurrence->start);
  gtk_accessible_update_property (GTK_ACCESSIBLE (calendar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("New date"), -1);
  gtk_widget_set_halign (time_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (time_box), hour);
  gtk_box_append (GTK_BOX (time_box), gtk_label_new (":"));
  gtk_box_append (GTK_BOX (time_box), minute);
  gtk_widget_add_css_class (move, "suggested-action");
  g_object_set_data (G_OBJECT (move), "cs-calendar", calendar);
  g_object_set_data (G_OBJECT (move), "cs-hour", hour);
  g_object_set_data (G_OBJECT (move), "cs-minute", minute);
  gtk_widget_set_name (hour, "move_hour");
  gtk_widget_set_name (minute, "move_minute");
  gtk_widget_set_name (calendar, "move_calendar");
  g_signal_connect (move, "clicked", G_CALLBACK (on_move_clicked), row);
  gtk_widget_set_name (move, "move_button");
  gtk_box_append (GTK_BOX (box), calendar);
  gtk_box_append (GTK_BOX (box), time_box);
  gtk_box_append (GTK_BOX (box), move);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  gtk_menu_button_set_label (GTK_MENU_BUTTON (menu_button), _ ("_Move…"));
  gtk_menu_button_set_use_underline (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu_button), popover);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, _ ("Move This One"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Move this call to another day or time"), -1);
  gtk_widget_set_name (menu_button, "move_menu_button");
  return menu_button;
}

static GtkWidget *
create_call_row (CsCirclePage *self,
                 CsScheduledCall *call,
                 CsOccurrence *occurrence,
                 GDateTime *now)
{
  const GActionEntry entries[] = {
    { "edit", on_occurrence_edit },
    { "skip", on_occurrence_skip },
    { "cancel", on_occurrence_cancel },
  };
  GtkWidget *row = adw_action_row_new ();
  g_autoptr (GDateTime) user_start = g_date_time_to_local (occurrence->start);
  g_autofree char *when = cs_schedule_format_start (user_start, now);
  g_autofree char *words = cs_recurrence_describe (cs_scheduled_call_get_rrule (call),
                                                   cs_scheduled_call_get_dtstart (call));
  g_autofree char *subtitle = NULL;
  g_autofree char *call_id =
    cs_reminders_format_call_id (occurrence->call_uid, occurrence->recurrence_id);
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr (GMenu) menu = g_menu_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *join = gtk_button_new_with_mnemonic (_ ("_Join"));
  GtkWidget *move_button;

  if (g_date_time_get_hour (user_start) != g_date_time_get_hour (occurrence->start) ||
      g_date_time_get_minute (user_start) != g_date_time_get_minute (occurrence->start))
    {
      g_autofree char *organiser_time = g_date_time_format (occurrence->start, "%H:%M");

      /* Translators: the call's title, its repetition in words, then its start in the
       * organiser's zone: "Cousinade · Every first Sunday… · organiser’s time: 05:00 (…)". */
      subtitle = g_strdup_printf (_ ("%s · %s · organiser’s time: %s (%s)"),
                                  cs_scheduled_call_get_title (call), words, organiser_time,
                                  cs_scheduled_call_get_tzid (call));
    }
  else
    {
      /* Translators: the call's title, then its repetition in words. */
      subtitle = g_strdup_printf (_ ("%s · %s"), cs_scheduled_call_get_title (call), words);
    }

  if (occurrence->moved)
    {
      /* Translators: the subtitle of a call moved away from its usual day or time. */
      g_autofree char *moved = g_strdup_printf (_ ("Moved · %s"), subtitle);

      g_free (subtitle);
      subtitle = g_steal_pointer (&moved);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data_full (G_OBJECT (row), "cs-call", g_object_ref (call), g_object_unref);
  g_object_set_data_full (G_OBJECT (row), "cs-recurrence-id", g_strdup (occurrence->recurrence_id),
                          g_free);
  g_object_set_data (G_OBJECT (row), "cs-page", self);

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), row);
  gtk_widget_insert_action_group (row, "occurrence", G_ACTION_GROUP (group));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (join), "app.join-call");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (join), "s", call_id);
  gtk_widget_set_valign (join, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (join, "suggested-action");
  gtk_widget_set_name (join, "join_button");
  /* Joining makes sense from a quarter of an hour before the start until the end. */
  gtk_widget_set_visible (join, g_date_time_difference (occurrence->start, now) <
                                    15 * G_TIME_SPAN_MINUTE &&
                                  g_date_time_compare (occurrence->end, now) > 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), join);

  /* A call someone else organises, received through the circle's room, is theirs to change:
   * a copy changed here would only drift from what the others see. */
  if (cs_scheduled_call_is_organised_elsewhere (call, own_address (self)))
    {
      g_autofree char *by = g_strdup_printf (_ ("%s · organised by %s"), subtitle,
                                             cs_scheduled_call_get_organiser (call));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), by);
      g_object_unref (g_object_ref_sink (menu_button));
      return row;
    }

  move_button = create_move_button (row, occurrence);
  g_object_set_data (G_OBJECT (row), "cs-move-button", move_button);
  g_object_set_data (G_OBJECT (row), "cs-menu-button", menu_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), move_button);

  g_menu_append (menu, _ ("_Edit the Series…"), "occurrence.edit");
  g_menu_append (menu, _ ("_Skip This One"), "occurrence.skip");
  g_menu_append (menu, _ ("_Cancel the Series"), "occurrence.cancel");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, _ ("Call Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Call Menu"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);

  return row;
}

/* GTK 4.8 has no gtk_list_box_remove_all(). */
static void
remove_all_rows (GtkListBox *list)
{
  GtkListBoxRow *row;

  /* Rows only: the placeholder is a child too, and stays. */
  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static int
compare_occurrences (gconstpointer a, gconstpointer b)
{
  const CsOccurrence *first = *(CsOccurrence *const *) a;
  const CsOccurrence *second = *(CsOccurrence *const *) b;

  return g_date_time_compare (first->start, second->start);
}

static void
refresh_calls (CsCirclePage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  /* From a few hours back, so that a call in progress can still be joined. */
  g_autoptr (GDateTime) from = g_date_time_add_hours (now, -12);
  g_autoptr (GDateTime) to = g_date_time_add_days (now, CALLS_DAYS_AHEAD);
  g_autoptr (GListModel) calls = NULL;
  g_autoptr (GPtrArray) occurrences =
    g_ptr_array_new_with_free_func ((GDestroyNotify) cs_occurrence_unref);
  g_autoptr (GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  remove_all_rows (self->calls_list);
  if (self->circle == NULL || self->store == NULL)
    return;

  calls =
    cs_store_list_scheduled_calls (self->store, cs_circle_get_id (self->circle), FALSE, &error);
  if (calls == NULL)
    {
      g_warning ("Could not list the calls of a circle: %s", error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);
      g_autoptr (GPtrArray) next = cs_recurrence_expand (call, from, to, CALLS_PER_SERIES, &error);

      if (next == NULL)
        {
          g_warning ("Could not expand a call series: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      for (guint j = 0; j < next->len; j++)
        {
          CsOccurrence *occurrence = g_ptr_array_index (next, j);

          if (g_date_time_compare (occurrence->end, now) <= 0)
            continue;
          g_ptr_array_add (occurrences, cs_occurrence_ref (occurrence));
        }
      g_ptr_array_add (series, g_steal_pointer (&call));
    }

  g_ptr_array_sort (occurrences, compare_occurrences);
  for (guint i = 0; i < MIN (occurrences->len, CALLS_SHOWN); i++)
    {
      CsOccurrence *occurrence = g_ptr_array_index (occurrences, i);

      for (guint j = 0; j < series->len; j++)
        {
          CsScheduledCall *call = g_ptr_array_index (series, j);

          if (cs_scheduled_call_get_id (call) == occurrence->call_id)
            gtk_list_box_append (self->calls_list, create_call_row (self, call, occurrence, now));
        }
    }
}

static void
on_schedule_changed (CsStore *store, CsCirclePage *self)
{
  refresh_calls (self);
}

/* Whether the user has a row's menu or its Move popover open. */
static gboolean
calls_popover_open (CsCirclePage *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->calls_list, i)) != NULL; i++)
    {
      const char *names[] = { "cs-move-button", "cs-menu-button" };

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          GtkMenuButton *button = g_object_get_data (G_OBJECT (row), names[j]);
          GtkPopover *popover = button != NULL ? gtk_menu_button_get_popover (button) : NULL;

          if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
            return TRUE;
        }
    }

  return FALSE;
}

static gboolean
on_calls_timeout (gpointer user_data)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (user_data);

  /* "In 3 days" and the Join button follow the clock, but not under a popover being used:
   * the next tick will do. */
  if (!calls_popover_open (self))
    refresh_calls (self);
  return G_SOURCE_CONTINUE;
}

/* The call row: "Call" when nobody is in the circle's call, "Join the Call" with who is in it
 * when somebody is, and why not when calling is not possible right now. */
static void
update_call_row (CsCirclePage *self)
{
  g_auto (GStrv) names = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *subtitle = NULL;
  gboolean in_this_call;

  if (self->circle == NULL || self->calls == NULL)
    return;

  names = cs_call_manager_dup_circle_call_names (self->calls, self->circle);
  reason = cs_call_manager_dup_unavailable_reason (self->calls, self->circle);
  in_this_call = cs_call_manager_get_in_call (self->calls) &&
                 cs_call_manager_get_circle_id (self->calls) == cs_circle_get_id (self->circle);

  if (in_this_call)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->call_row),
                                     _ ("You are in this circle’s call"));
      gtk_button_set_label (self->call_button, _ ("_Show the Call"));
    }
  else if (names != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->call_row),
                                     _ ("A call is going on"));
      gtk_button_set_label (self->call_button, _ ("_Join the Call"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->call_row), _ ("Video Call"));
      gtk_button_set_label (self->call_button, _ ("_Call"));
    }

  if (reason != NULL && !in_this_call)
    subtitle = g_strdup (reason);
  else if (names != NULL)
    {
      g_autofree char *list = cs_labels_join_names ((const char *const *) names);

      /* Translators: %s is a list of names, such as "Anna, Bruno and Chloé". */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "In the call: %s",
                                               "In the call: %s", g_strv_length (names)),
                                  list);
    }
  else
    subtitle = g_strdup (_ ("Start a call: every member is told and can join."));

  adw_action_row_set_subtitle (self->call_row, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.start-call",
                                 reason == NULL || in_this_call);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->call_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
}

static void
on_circle_call_changed (CsCallManager *calls, gint64 circle_id, CsCirclePage *self)
{
  if (self->circle != NULL && circle_id == cs_circle_get_id (self->circle))
    update_call_row (self);
}

static void
on_calls_notify (CsCallManager *calls, GParamSpec *pspec, CsCirclePage *self)
{
  update_call_row (self);
}

static void
start_call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle != NULL && self->calls != NULL)
    cs_call_manager_join_circle (self->calls, self->circle);
}

static void
schedule_call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle == NULL || self->store == NULL)
    return;

  gtk_window_present (GTK_WINDOW (cs_schedule_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                          self->store, self->circle, NULL)));
}

static void
export_schedule_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle != NULL && self->store != NULL && page_window (self) != NULL)
    cs_schedule_files_export (page_window (self), self->store, self->circle);
}

static void
import_calendar_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (widget);

  if (self->circle != NULL && self->store != NULL && page_window (self) != NULL)
    cs_schedule_files_import (page_window (self), self->store, self->circle);
}

static void
cs_circle_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      g_value_set_object (value, self->circle);
      break;
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      cs_circle_page_set_circle (self, g_value_get_object (value));
      break;
    case PROP_NARROW:
      cs_circle_page_set_narrow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_page_dispose (GObject *object)
{
  CsCirclePage *self = CS_CIRCLE_PAGE (object);

  g_clear_handle_id (&self->calls_refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CIRCLE_PAGE);
  g_clear_object (&self->circle_bindings);
  if (self->circle != NULL)
    g_signal_handlers_disconnect_by_func (self->circle, on_room_address_notify, self);
  g_clear_object (&self->circle);
  g_clear_object (&self->rooms);
  g_clear_object (&self->calls);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_circle_page_parent_class)->dispose (object);
}

static void
cs_circle_page_class_init (CsCirclePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_circle_page_get_property;
  object_class->set_property = cs_circle_page_set_property;
  object_class->dispose = cs_circle_page_dispose;

  properties[PROP_CIRCLE] =
    g_param_spec_object ("circle", NULL, NULL, CS_TYPE_CIRCLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-circle-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, emoji_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, members_list);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, calls_list);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, call_row);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, call_button);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, timeline);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, invite_group);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, invite_row);
  gtk_widget_class_bind_template_child (widget_class, CsCirclePage, qr_picture);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_invite_clicked);

  gtk_widget_class_install_action (widget_class, "circle.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "circle.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "circle.add-member", NULL, add_member_action);
  gtk_widget_class_install_action (widget_class, "circle.log-encounter", NULL,
                                   log_encounter_action);
  gtk_widget_class_install_action (widget_class, "circle.schedule-call", NULL,
                                   schedule_call_action);
  gtk_widget_class_install_action (widget_class, "circle.start-call", NULL, start_call_action);
  gtk_widget_class_install_action (widget_class, "circle.export-schedule", NULL,
                                   export_schedule_action);
  gtk_widget_class_install_action (widget_class, "circle.import-calendar", NULL,
                                   import_calendar_action);
}

static void
cs_circle_page_init (CsCirclePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->circle_bindings = g_binding_group_new ();
  g_binding_group_bind (self->circle_bindings, "name", self->window_title, "title",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "kind", self->window_title, "subtitle",
                             G_BINDING_SYNC_CREATE, kind_to_label, NULL, NULL, NULL);
  g_binding_group_bind (self->circle_bindings, "name", self->name_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->circle_bindings, "emoji", self->emoji_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "emoji", self->emoji_label, "visible",
                             G_BINDING_SYNC_CREATE, string_to_visible, NULL, NULL, NULL);
  g_binding_group_bind (self->circle_bindings, "description", self->description_label, "label",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->circle_bindings, "description", self->description_label,
                             "visible", G_BINDING_SYNC_CREATE, string_to_visible, NULL, NULL, NULL);

  gtk_list_box_set_placeholder (self->members_list,
                                create_placeholder (_ ("No members yet. Add the people of this "
                                                       "circle from your contacts.")));
  gtk_list_box_set_placeholder (self->calls_list, create_placeholder (_ ("No calls planned yet.")));
  cs_timeline_set_placeholder_text (self->timeline, _ ("Nothing logged with this circle yet."));
}

void
cs_circle_page_set_store (CsCirclePage *self, CsStore *store)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  cs_timeline_set_store (self->timeline, store);
  g_signal_connect_object (store, "schedule-changed", G_CALLBACK (on_schedule_changed), self, 0);
  self->calls_refresh_id = g_timeout_add_seconds (60, on_calls_timeout, self);
}

void
cs_circle_page_set_rooms (CsCirclePage *self, CsCircleRooms *rooms)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (CS_IS_CIRCLE_ROOMS (rooms));
  g_return_if_fail (self->rooms == NULL);

  self->rooms = g_object_ref (rooms);
  g_signal_connect_object (rooms, "presence-changed", G_CALLBACK (on_rooms_presence_changed), self,
                           0);
}

void
cs_circle_page_set_calls (CsCirclePage *self, CsCallManager *calls)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (CS_IS_CALL_MANAGER (calls));
  g_return_if_fail (self->calls == NULL);

  self->calls = g_object_ref (calls);
  g_signal_connect_object (calls, "circle-call-changed", G_CALLBACK (on_circle_call_changed), self,
                           0);
  g_signal_connect_object (calls, "notify::available", G_CALLBACK (on_calls_notify), self, 0);
  g_signal_connect_object (calls, "notify::in-call", G_CALLBACK (on_calls_notify), self, 0);
  update_call_row (self);
}

CsCircle *
cs_circle_page_get_circle (CsCirclePage *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE_PAGE (self), NULL);

  return self->circle;
}

void
cs_circle_page_set_circle (CsCirclePage *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));
  g_return_if_fail (circle == NULL || CS_IS_CIRCLE (circle));

  if (self->circle != NULL)
    g_signal_handlers_disconnect_by_func (self->circle, on_room_address_notify, self);
  if (!g_set_object (&self->circle, circle))
    return;
  if (circle != NULL)
    g_signal_connect_object (circle, "notify::room-address", G_CALLBACK (on_room_address_notify),
                             self, 0);
  update_invite (self);

  g_binding_group_set_source (self->circle_bindings, circle);

  if (circle != NULL && self->store != NULL)
    {
      gtk_list_box_bind_model (self->members_list, cs_store_get_members (self->store, circle),
                               create_member_row, self, NULL);
    }
  else
    {
      gtk_list_box_bind_model (self->members_list, NULL, NULL, NULL, NULL);
    }

  cs_timeline_set_circle (self->timeline, circle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.rename", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.delete", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.add-member", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.log-encounter", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.schedule-call", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.export-schedule", circle != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "circle.import-calendar", circle != NULL);
  refresh_calls (self);
  update_call_row (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CIRCLE]);
}

gboolean
cs_circle_page_get_narrow (CsCirclePage *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE_PAGE (self), FALSE);

  return self->narrow;
}

void
cs_circle_page_set_narrow (CsCirclePage *self, gboolean narrow)
{
  g_return_if_fail (CS_IS_CIRCLE_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}
