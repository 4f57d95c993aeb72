/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-schedule-files"

#include "config.h"

#include "cs-schedule-files.h"
#include "cs-ics.h"

#include <glib/gi18n.h>

/* What one chooser needs once the user has answered; the chooser owns it. */
typedef struct
{
  CsWindow *window;
  CsStore *store;
  CsCircle *circle;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->window);
  g_clear_object (&job->store);
  g_clear_object (&job->circle);
  g_free (job);
}

static Job *
job_new (CsWindow *window, CsStore *store, CsCircle *circle)
{
  Job *job = g_new0 (Job, 1);

  job->window = g_object_ref (window);
  job->store = g_object_ref (store);
  job->circle = circle != NULL ? g_object_ref (circle) : NULL;
  return job;
}

static void
toast (CsWindow *window, const char *message)
{
  cs_window_add_toast (window, adw_toast_new (message));
}

static GtkFileFilter *
new_calendar_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("Calendar files (iCalendar)"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_filter_add_suffix (filter, "ics");
  return filter;
}

static void
on_file_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsWindow) window = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      /* Translators: %s says why, as the system puts it. */
      g_autofree char *message =
        g_strdup_printf (_ ("The file could not be saved: %s"), error->message);
      toast (window, message);
      return;
    }

  toast (window, _ ("Schedule saved"));
}

static void
on_export_chosen (GtkNativeDialog *native, int response, gpointer user_data)
{
  Job *job = g_object_get_data (G_OBJECT (native), "cs-job");
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  g_autoptr (GError) error = NULL;
  char *ics;
  g_autoptr (GBytes) bytes = NULL;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      ics = cs_ics_export (job->store, job->circle, &error);
      if (ics == NULL)
        {
          toast (job->window, error->message);
        }
      else
        {
          bytes = g_bytes_new_take (ics, strlen (ics));
          g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                               G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                               on_file_saved, g_object_ref (job->window));
        }
    }

  g_object_unref (native);
}

void
cs_schedule_files_export (CsWindow *window, CsStore *store, CsCircle *circle)
{
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = new_calendar_filter ();
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr (GFile) folder =
    g_file_new_for_path (documents != NULL ? documents : g_get_home_dir ());
  g_autofree char *name = NULL;

  g_return_if_fail (CS_IS_WINDOW (window));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (circle == NULL || CS_IS_CIRCLE (circle));

  if (circle != NULL)
    /* Translators: the suggested file name; %s is the circle's name. */
    name = g_strdup_printf (_ ("%s.ics"), cs_circle_get_name (circle));
  else
    /* Translators: the suggested file name of every circle's schedule; no spaces. */
    name = g_strdup (_ ("cousinade-schedule.ics"));

  native = gtk_file_chooser_native_new (circle != NULL ? _ ("Export Schedule")
                                                       : _ ("Export All Schedules"),
                                        GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_object_set_data_full (G_OBJECT (native), "cs-job", job_new (window, store, circle),
                          (GDestroyNotify) job_free);
  g_signal_connect (native, "response", G_CALLBACK (on_export_chosen), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_calendar_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autofree char *data = NULL;
  gsize length = 0;
  guint n_created = 0, n_updated = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    /* Translators: %s says why, as the system puts it. */
    message = g_strdup_printf (_ ("The file could not be read: %s"), error->message);
  else if (!cs_ics_import (job->store, job->circle, data, length, &n_created, &n_updated, &error))
    /* The reader's message already says that nothing was imported, and why. */
    message = g_strdup (error->message);
  else if (n_created + n_updated == 0)
    /* A calendar's events keep their identity: the same series is never doubled. */
    message = g_strdup (_ ("These calls are already in your schedule"));
  else
    message = g_strdup_printf (ngettext ("%u scheduled call imported",
                                         "%u scheduled calls imported", n_created + n_updated),
                               n_created + n_updated);

  toast (job->window, message);
  job_free (job);
}

static void
on_import_chosen (GtkNativeDialog *native, int response, gpointer user_data)
{
  Job *job = g_object_steal_data (G_OBJECT (native), "cs-job");
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    g_file_load_contents_async (file, NULL, on_calendar_loaded, job);
  else
    job_free (job);

  g_object_unref (native);
}

void
cs_schedule_files_import (CsWindow *window, CsStore *store, CsCircle *circle)
{
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = new_calendar_filter ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  g_return_if_fail (CS_IS_WINDOW (window));
  g_return_if_fail (CS_IS_STORE (store));
  g_return_if_fail (CS_IS_CIRCLE (circle));

  native = gtk_file_chooser_native_new (_ ("Import Calendar"), GTK_WINDOW (window),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_object_set_data_full (G_OBJECT (native), "cs-job", job_new (window, store, circle),
                          (GDestroyNotify) job_free);
  g_signal_connect (native, "response", G_CALLBACK (on_import_chosen), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}
