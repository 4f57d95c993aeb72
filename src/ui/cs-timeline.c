/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-timeline"

#include "config.h"

#include "cs-timeline.h"
#include "cs-labels.h"

#include <glib/gi18n.h>

struct _CsTimeline
{
  AdwBin parent_instance;

  CsStore *store;
  CsContact *contact;
  CsCircle *circle;
  GListStore *entries;
  gboolean has_more;

  GtkListBox *list;
  GtkLabel *placeholder;
  GtkButton *more_button;
};

G_DEFINE_FINAL_TYPE (CsTimeline, cs_timeline, ADW_TYPE_BIN)

static char *
describe_participants (CsTimeline *self, CsInteraction *interaction)
{
  gsize n_participants;
  const gint64 *participants = cs_interaction_get_participants (interaction, &n_participants);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *joined = NULL;

  for (gsize i = 0; i < n_participants; i++)
    {
      CsContact *contact = cs_store_find_contact (self->store, participants[i]);

      /* On a person's own timeline, "with" lists the others only. */
      if (contact != NULL && contact != self->contact)
        g_ptr_array_add (names, (gpointer) cs_contact_get_name (contact));
    }

  if (names->len == 0)
    return NULL;

  g_ptr_array_add (names, NULL);
  /* Translators: the separator between names in a list. */
  joined = g_strjoinv (_ (", "), (char **) names->pdata);
  /* Translators: %s is a list of names, such as "Karim, Mamie Jeanne". */
  return g_strdup_printf (_ ("With %s"), joined);
}

static GtkWidget *
create_entry_row (gpointer item, gpointer user_data)
{
  CsTimeline *self = CS_TIMELINE (user_data);
  CsInteraction *interaction = CS_INTERACTION (item);
  CsInteractionKind kind = cs_interaction_get_kind (interaction);
  gboolean missed = cs_interaction_get_missed (interaction);
  /* A call that rang and nobody answered: said so, rather than passed for a call. */
  const char *label = missed ? _ ("Missed call") : cs_interaction_kind_to_label (kind);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (missed ? "call-missed-symbolic"
                                                         : cs_interaction_kind_to_icon_name (kind));
  g_autoptr (GDateTime) local = g_date_time_to_local (cs_interaction_get_started_at (interaction));
  /* Translators: a date and time in history lists; see the GDateTime format documentation. */
  g_autofree char *when = g_date_time_format (local, _ ("%-d %B %Y, %H:%M"));
  g_autofree char *with = describe_participants (self, interaction);
  const char *place = cs_interaction_get_place (interaction);
  const char *notes = cs_interaction_get_notes (interaction);
  GString *subtitle = g_string_new (g_strstrip (when));

  if (place != NULL && *place != '\0')
    g_string_append_printf (subtitle, " · %s", place);
  if (with != NULL)
    g_string_append_printf (subtitle, "\n%s", with);
  if (notes != NULL && *notes != '\0')
    g_string_append_printf (subtitle, "\n%s", notes);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_string_free (subtitle, TRUE);

  return row;
}

/* Reads entries [@offset, @offset + @limit) and appends them; one more is asked for, to know
 * whether "Show more" has anything to show. */
static void
load (CsTimeline *self, guint offset, guint limit)
{
  g_autoptr (GListModel) page = NULL;
  g_autoptr (GError) error = NULL;
  guint n;

  if (self->store == NULL || (self->contact == NULL && self->circle == NULL))
    {
      self->has_more = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
      return;
    }

  if (self->contact != NULL)
    page = cs_store_get_contact_timeline (self->store, self->contact, offset, limit + 1, &error);
  else
    page = cs_store_get_circle_timeline (self->store, self->circle, offset, limit + 1, &error);

  if (page == NULL)
    {
      gtk_label_set_label (self->placeholder, error->message);
      self->has_more = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
      return;
    }

  n = g_list_model_get_n_items (page);
  self->has_more = n > limit;
  for (guint i = 0; i < MIN (n, limit); i++)
    {
      g_autoptr (GObject) entry = g_list_model_get_item (page, i);

      g_list_store_append (self->entries, entry);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), self->has_more);
}

static void
reload (CsTimeline *self)
{
  /* A new entry must not hide the ones already opened with "Show more". */
  guint shown =
    MAX (g_list_model_get_n_items (G_LIST_MODEL (self->entries)), CS_TIMELINE_PAGE_SIZE);

  g_list_store_remove_all (self->entries);
  load (self, 0, shown);
}

static void
on_interactions_changed (CsStore *store, CsTimeline *self)
{
  reload (self);
}

static void
on_contacts_changed (GListModel *contacts,
                     guint position,
                     guint removed,
                     guint added,
                     CsTimeline *self)
{
  /* Names in "With …" come from the contacts. */
  reload (self);
}

static void
on_more_clicked (GtkButton *button, CsTimeline *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  GtkListBoxRow *first_new;

  load (self, shown, CS_TIMELINE_PAGE_SIZE);

  /* Keyboard users land on the first entry they have not seen yet. */
  first_new = gtk_list_box_get_row_at_index (self->list, shown);
  if (first_new != NULL && !self->has_more)
    gtk_widget_grab_focus (GTK_WIDGET (first_new));
}

static void
cs_timeline_dispose (GObject *object)
{
  CsTimeline *self = CS_TIMELINE (object);

  g_clear_object (&self->contact);
  g_clear_object (&self->circle);
  g_clear_object (&self->store);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (cs_timeline_parent_class)->dispose (object);
}

static void
cs_timeline_class_init (CsTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_timeline_dispose;
}

static void
cs_timeline_init (CsTimeline *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *placeholder = gtk_label_new (_ ("Nothing logged yet."));

  self->entries = g_list_store_new (CS_TYPE_INTERACTION);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("History"), -1);
  gtk_widget_set_name (GTK_WIDGET (self->list), "timeline_list");
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->entries), create_entry_row, self, NULL);

  self->placeholder = GTK_LABEL (placeholder);
  gtk_label_set_wrap (self->placeholder, TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);

  self->more_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("Show _More")));
  gtk_widget_set_name (GTK_WIDGET (self->more_button), "timeline_more_button");
  gtk_widget_set_halign (GTK_WIDGET (self->more_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->more_button), "pill");
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
  g_signal_connect_object (self->more_button, "clicked", G_CALLBACK (on_more_clicked), self, 0);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->more_button));
  adw_bin_set_child (ADW_BIN (self), box);
}

CsTimeline *
cs_timeline_new (void)
{
  return g_object_new (CS_TYPE_TIMELINE, NULL);
}

void
cs_timeline_set_store (CsTimeline *self, CsStore *store)
{
  g_return_if_fail (CS_IS_TIMELINE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "interactions-changed", G_CALLBACK (on_interactions_changed),
                           self, 0);
  g_signal_connect_object (cs_store_get_contacts (store), "items-changed",
                           G_CALLBACK (on_contacts_changed), self, 0);
  reload (self);
}

void
cs_timeline_set_contact (CsTimeline *self, CsContact *contact)
{
  g_return_if_fail (CS_IS_TIMELINE (self));
  g_return_if_fail (contact == NULL || CS_IS_CONTACT (contact));

  g_clear_object (&self->circle);
  g_set_object (&self->contact, contact);
  g_list_store_remove_all (self->entries);
  reload (self);
}

void
cs_timeline_set_circle (CsTimeline *self, CsCircle *circle)
{
  g_return_if_fail (CS_IS_TIMELINE (self));
  g_return_if_fail (circle == NULL || CS_IS_CIRCLE (circle));

  g_clear_object (&self->contact);
  g_set_object (&self->circle, circle);
  g_list_store_remove_all (self->entries);
  reload (self);
}

void
cs_timeline_set_placeholder_text (CsTimeline *self, const char *text)
{
  g_return_if_fail (CS_IS_TIMELINE (self));

  gtk_label_set_label (self->placeholder, text);
}

guint
cs_timeline_get_n_shown (CsTimeline *self)
{
  g_return_val_if_fail (CS_IS_TIMELINE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->entries));
}
