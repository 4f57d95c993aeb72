/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-circle-editor"

#include "config.h"

#include "cs-circle-editor.h"
#include "cs-labels.h"

#include <glib/gi18n.h>

struct _CsCircleEditor
{
  AdwWindow parent_instance;

  CsStore *store;
  CsCircle *circle;
  char *emoji;

  AdwEntryRow *name_row;
  AdwComboRow *kind_row;
  AdwEntryRow *description_row;
  GtkMenuButton *emoji_button;
  GtkButton *save_button;
  AdwComboRow *cadence_row;
  AdwComboRow *reminder_row;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (CsCircleEditor, cs_circle_editor, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How long before a call its reminder comes, in minutes; 0: none. */
static const guint reminder_choices[] = { 0, 5, 10, 15, 30, 60 };

static guint
reminder_index (guint minutes)
{
  for (guint i = 0; i < G_N_ELEMENTS (reminder_choices); i++)
    if (reminder_choices[i] == minutes)
      return i;
  /* A value set elsewhere: the nearest choice not after it. */
  for (guint i = G_N_ELEMENTS (reminder_choices); i > 0; i--)
    if (reminder_choices[i - 1] <= minutes)
      return i - 1;
  return 0;
}

static void
show_error (CsCircleEditor *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
name_is_blank (CsCircleEditor *self)
{
  g_autofree char *name =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  return *name == '\0';
}

static void
on_name_changed (GtkEditable *editable, CsCircleEditor *self)
{
  gboolean blank = name_is_blank (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !blank);
  if (blank)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      show_error (self, _ ("A circle needs a name, such as “Cousinade Dupont” or “Our building”."));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
      show_error (self, NULL);
    }
}

static void
on_emoji_picked (GtkEmojiChooser *chooser, const char *text, CsCircleEditor *self)
{
  g_free (self->emoji);
  self->emoji = g_strdup (text);
  gtk_menu_button_set_label (self->emoji_button, text);
}

static void
on_save_clicked (GtkWidget *emitter, CsCircleEditor *self)
{
  g_autofree char *name = NULL;
  g_autoptr (CsCircle) draft = NULL;
  g_autoptr (GError) error = NULL;
  CsCircle *saved;

  if (name_is_blank (self))
    {
      on_name_changed (GTK_EDITABLE (self->name_row), self);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  draft = self->circle != NULL ? cs_circle_copy (self->circle) : cs_circle_new ();
  name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  cs_circle_set_name (draft, g_strstrip (name));
  cs_circle_set_kind (draft, adw_combo_row_get_selected (self->kind_row));
  cs_circle_set_description (draft, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  cs_circle_set_emoji (draft, self->emoji);
  cs_circle_set_keep_in_touch_days (draft, cs_cadence_get_days (
                                             adw_combo_row_get_selected (self->cadence_row)));
  cs_circle_set_reminder_minutes (
    draft, reminder_choices[adw_combo_row_get_selected (self->reminder_row)]);

  saved = cs_store_save_circle (self->store, draft, &error);
  if (saved == NULL)
    {
      show_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, saved);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cs_circle_editor_dispose (GObject *object)
{
  CsCircleEditor *self = CS_CIRCLE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_CIRCLE_EDITOR);
  g_clear_object (&self->circle);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cs_circle_editor_parent_class)->dispose (object);
}

static void
cs_circle_editor_finalize (GObject *object)
{
  CsCircleEditor *self = CS_CIRCLE_EDITOR (object);

  g_free (self->emoji);

  G_OBJECT_CLASS (cs_circle_editor_parent_class)->finalize (object);
}

static void
cs_circle_editor_class_init (CsCircleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_circle_editor_dispose;
  object_class->finalize = cs_circle_editor_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CS_TYPE_CIRCLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-circle-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, emoji_button);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, cadence_row);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, reminder_row);
  gtk_widget_class_bind_template_child (widget_class, CsCircleEditor, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_emoji_picked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_circle_editor_init (CsCircleEditor *self)
{
  g_autoptr (GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) reminders = gtk_string_list_new (NULL);
  g_autoptr (GListModel) cadences = cs_cadence_new_label_model ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (CsCircleKind kind = 0; kind <= CS_CIRCLE_KIND_LAST; kind++)
    gtk_string_list_append (kinds, cs_circle_kind_to_label (kind));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  adw_combo_row_set_model (self->cadence_row, cadences);

  for (guint i = 0; i < G_N_ELEMENTS (reminder_choices); i++)
    {
      g_autofree char *label =
        reminder_choices[i] == 0
          ? g_strdup (_ ("No reminder"))
          : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute before", "%u minutes before",
                                          reminder_choices[i]),
                             reminder_choices[i]);

      gtk_string_list_append (reminders, label);
    }
  adw_combo_row_set_model (self->reminder_row, G_LIST_MODEL (reminders));
  adw_combo_row_set_selected (self->reminder_row, reminder_index (10));
}

CsCircleEditor *
cs_circle_editor_new (GtkWindow *parent, CsStore *store, CsCircle *circle)
{
  CsCircleEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (circle == NULL || CS_IS_CIRCLE (circle), NULL);

  self = g_object_new (CS_TYPE_CIRCLE_EDITOR, "transient-for", parent, NULL);
  self->store = g_object_ref (store);

  if (circle == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _ ("New Circle"));
      gtk_button_set_label (self->save_button, _ ("C_reate"));
      adw_combo_row_set_selected (self->kind_row, CS_CIRCLE_KIND_FAMILY);
      return self;
    }

  self->circle = g_object_ref (circle);
  gtk_window_set_title (GTK_WINDOW (self), _ ("Edit Circle"));
  gtk_button_set_label (self->save_button, _ ("_Save"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), cs_circle_get_name (circle));
  adw_combo_row_set_selected (self->kind_row, cs_circle_get_kind (circle));
  if (cs_circle_get_description (circle) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                           cs_circle_get_description (circle));
  if (cs_circle_get_emoji (circle) != NULL)
    on_emoji_picked (NULL, cs_circle_get_emoji (circle), self);
  adw_combo_row_set_selected (self->cadence_row,
                              cs_cadence_find_index (cs_circle_get_keep_in_touch_days (circle)));
  adw_combo_row_set_selected (self->reminder_row,
                              reminder_index (cs_circle_get_reminder_minutes (circle)));

  return self;
}
