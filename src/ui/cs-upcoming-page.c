/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-upcoming-page"

#include "config.h"

#include "cs-upcoming-page.h"
#include "cs-recurrence.h"
#include "cs-reminders.h"
#include "cs-schedule-dialog.h"
#include "cs-window.h"

#include <glib/gi18n.h>

/* How many occurrences the page lists, over every circle. */
#define N_UPCOMING 60
#define PER_SERIES 2

struct _CsUpcomingPage
{
  AdwBin parent_instance;

  CsStore *store;
  gboolean narrow;
  guint refresh_id;

  GtkStack *stack;
  GtkListBox *upcoming_list;
};

G_DEFINE_FINAL_TYPE (CsUpcomingPage, cs_upcoming_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GTK 4.8 has no gtk_list_box_remove_all(). */
static void
remove_all_rows (GtkListBox *list)
{
  GtkListBoxRow *row;

  /* Rows only: the placeholder is a child too, and stays. */
  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static GtkWidget *
create_row (CsOccurrence *occurrence, GDateTime *now)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = cs_schedule_format_start (occurrence->user_start, now);
  g_autofree char *title = NULL;
  g_autofree char *call_id =
    cs_reminders_format_call_id (occurrence->call_uid, occurrence->recurrence_id);
  GtkWidget *join;

  /* Translators: a circle's name, then the call's title: "Cousinade Dupont · Sunday call". */
  title = g_strdup_printf (_ ("%s · %s"), occurrence->circle_name, occurrence->title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (occurrence->zone_differs)
    {
      g_autofree char *organiser_time = g_date_time_format (occurrence->start, "%H:%M %Z");
      g_autofree char *subtitle = NULL;

      /* Translators: a call's start in the user's zone, then in the organiser's zone: "Sunday 6
       * December, 11:00 — in 3 days (organiser’s time: 05:00 EST)". */
      subtitle = g_strdup_printf (_ ("%s (organiser’s time: %s)"), when, organiser_time);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "cs-circle-id", GSIZE_TO_POINTER (occurrence->circle_id));

  join = gtk_button_new_with_mnemonic (_ ("_Join"));
  gtk_widget_set_valign (join, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (join, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (join), "app.join-call");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (join), "s", call_id);
  /* Joining makes sense from a quarter of an hour before the start until the end. */
  gtk_widget_set_visible (join, g_date_time_difference (occurrence->start, now) <
                                    15 * G_TIME_SPAN_MINUTE &&
                                  g_date_time_compare (occurrence->end, now) > 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), join);

  return row;
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, CsUpcomingPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "cs-circle-id"));
  CsCircle *circle = self->store != NULL ? cs_store_find_circle (self->store, id) : NULL;

  if (circle != NULL)
    cs_window_show_circle (CS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), circle);
}

static void
on_schedule_changed (CsStore *store, CsUpcomingPage *self)
{
  cs_upcoming_page_refresh (self);
}

static void
on_circles_changed (GListModel *model,
                    guint position,
                    guint removed,
                    guint added,
                    CsUpcomingPage *self)
{
  cs_upcoming_page_refresh (self);
}

static gboolean
on_refresh_timeout (gpointer user_data)
{
  /* "In 3 days" and the Join button follow the clock. */
  cs_upcoming_page_refresh (CS_UPCOMING_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
cs_upcoming_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsUpcomingPage *self = CS_UPCOMING_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      g_value_set_boolean (value, self->narrow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upcoming_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  CsUpcomingPage *self = CS_UPCOMING_PAGE (object);

  switch (prop_id)
    {
    case PROP_NARROW:
      cs_upcoming_page_set_narrow (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_upcoming_page_dispose (GObject *object)
{
  CsUpcomingPage *self = CS_UPCOMING_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_UPCOMING_PAGE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_upcoming_page_parent_class)->dispose (object);
}

static void
cs_upcoming_page_class_init (CsUpcomingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_upcoming_page_get_property;
  object_class->set_property = cs_upcoming_page_set_property;
  object_class->dispose = cs_upcoming_page_dispose;

  properties[PROP_NARROW] =
    g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-upcoming-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsUpcomingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsUpcomingPage, upcoming_list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
cs_upcoming_page_init (CsUpcomingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
cs_upcoming_page_set_store (CsUpcomingPage *self, CsStore *store)
{
  g_return_if_fail (CS_IS_UPCOMING_PAGE (self));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "schedule-changed", G_CALLBACK (on_schedule_changed), self, 0);
  g_signal_connect_object (cs_store_get_circles (store), "items-changed",
                           G_CALLBACK (on_circles_changed), self, G_CONNECT_AFTER);
  self->refresh_id = g_timeout_add_seconds (60, on_refresh_timeout, self);
  cs_upcoming_page_refresh (self);
}

void
cs_upcoming_page_refresh (CsUpcomingPage *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  /* From a few hours back, so that a call in progress can still be joined. */
  g_autoptr (GDateTime) from = g_date_time_add_hours (now, -12);
  g_autoptr (GPtrArray) occurrences = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) per_series = g_hash_table_new (g_str_hash, g_str_equal);
  guint shown = 0;

  g_return_if_fail (CS_IS_UPCOMING_PAGE (self));

  remove_all_rows (self->upcoming_list);
  if (self->store == NULL)
    return;

  occurrences = cs_store_list_upcoming_calls (self->store, from, N_UPCOMING, NULL, &error);
  if (occurrences == NULL)
    {
      g_warning ("Could not list the upcoming calls: %s", error->message);
      occurrences = g_ptr_array_new ();
    }

  for (guint i = 0; i < occurrences->len; i++)
    {
      CsOccurrence *occurrence = g_ptr_array_index (occurrences, i);

      guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (per_series, occurrence->call_uid));

      /* A monthly call would otherwise fill the page alone: the next two of each series. */
      if (g_date_time_compare (occurrence->end, now) <= 0 || seen >= PER_SERIES)
        continue;
      g_hash_table_insert (per_series, occurrence->call_uid, GUINT_TO_POINTER (seen + 1));
      gtk_list_box_append (self->upcoming_list, create_row (occurrence, now));
      shown++;
    }

  gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "list" : "empty");
}

gboolean
cs_upcoming_page_get_narrow (CsUpcomingPage *self)
{
  g_return_val_if_fail (CS_IS_UPCOMING_PAGE (self), FALSE);

  return self->narrow;
}

void
cs_upcoming_page_set_narrow (CsUpcomingPage *self, gboolean narrow)
{
  g_return_if_fail (CS_IS_UPCOMING_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}
