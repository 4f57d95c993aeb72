/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-application.h"

G_BEGIN_DECLS

/* Driving the real app in UI tests: finding widgets as a person sees them (mapped), waiting
 * for them with a time limit (20 s, then the test fails), clicking and typing, screenshots into
 * $CS_SCREENSHOT_DIR, and running the application with a script. */

typedef void (*Script) (CsApplication *app);
typedef gboolean (*WidgetMatch) (GtkWidget *widget, const char *text);

/* What a wait looks for: @text under @root. */
typedef struct
{
  GtkWidget *root;
  const char *text;
} Lookup;

GtkWidget *find_descendant (GtkWidget *root, WidgetMatch match, const char *text);
gboolean has_buildable_id (GtkWidget *widget, const char *id);
gboolean is_row_titled (GtkWidget *widget, const char *title);
gboolean is_label_reading (GtkWidget *widget, const char *text);
gboolean is_button_labelled (GtkWidget *widget, const char *label);
gboolean is_button_with_icon (GtkWidget *widget, const char *icon_name);
gboolean has_widget_name (GtkWidget *widget, const char *name);
GtkWidget *find_widget (GtkWidget *root, const char *buildable_id);
GtkWidget *find_row (GtkWidget *root, const char *title);
GtkWidget *find_label (GtkWidget *root, const char *text);
GtkWindow *find_window (GType type);
gpointer wait_for (gpointer (*check) (gpointer), gpointer data, const char *what);
GtkWindow *wait_for_window (GType type);
GtkWidget *wait_for_row (GtkWidget *root, const char *title);
GtkWidget *wait_for_label (GtkWidget *root, const char *text);
void wait_for_window_gone (GType type);
void settle (void);
GtkWidget *get_widget (GtkWindow *window, const char *buildable_id);
void click (GtkWidget *widget);
void select_combo_item (GtkWidget *row, const char *text);
void type_text (GtkWidget *editable, const char *text);
void save_screenshot (GtkWindow *window, const char *name);
void run_app (Script script);
/* Runs @script, then leaves the app running until the person using it quits. */
void run_app_and_stay (Script script);

/* A notification server on the test's private session bus, owning org.gtk.Notifications as
 * GNOME Shell does: start it before the app sends any notification. */
typedef struct
{
  GDBusConnection *bus;
  gboolean name_owned;
  /* id -> a{sv} as g_notification_serialize() writes it, while shown */
  GHashTable *shown;
} TestNotifications;

TestNotifications *test_notifications_start (void);
/* The notification @id once it is shown (transfer none). */
GVariant *test_notifications_wait_for (TestNotifications *self, const char *id);
/* Waits until the app withdraws the notification @id. */
void test_notifications_wait_gone (TestNotifications *self, const char *id);
void test_notifications_free (TestNotifications *self);

G_END_DECLS
