/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-application"

#include "config.h"

#include "cs-application.h"
#include "cs-background.h"
#include "cs-call-manager.h"
#include "cs-invite-page.h"
#include "cs-reminders.h"
#include "cs-schedule-sync.h"
#include "cs-window.h"
#include "cs-xmpp-uri.h"

#include <glib/gi18n.h>

struct _CsApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  CsStore *store;
  GError *store_error;
  CsAccountSession *session;
  CsCircleRooms *rooms;
  /* The one call going on, and who is in each circle's call. */
  CsCallManager *calls;
  /* Reminders of scheduled calls; the app holds itself while some are ahead,
   * so that they come with the window closed. */
  CsReminders *reminders;
  /* The schedules this user organises go to their circles' rooms, and the organisers'
   * come from there; uid -> the sequence last published, so each change goes out once. */
  CsScheduleSync *schedule_sync;
  GHashTable *published;
  gboolean held_for_reminders;
  /* Held while signed in, so that calls ring with the window closed. */
  CsBackground *background;
  /* Started with --background: the first activation opens no window. */
  gboolean start_hidden;
};

G_DEFINE_FINAL_TYPE (CsApplication, cs_application, ADW_TYPE_APPLICATION)

static CsWindow *
get_or_create_window (CsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (cs_window_new (self));

  return CS_WINDOW (window);
}

static void
on_quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets them save their state before the app stops. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_destroy (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
on_about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  const char *developers[] = { "The Cousinade developers", NULL };
  GtkWidget *about;

  about =
    g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for",
                  gtk_application_get_active_window (GTK_APPLICATION (self)), "application-name",
                  _ ("Cousinade"), "application-icon", "io.github.cousinade.Cousinade",
                  "developer-name", _ ("The Cousinade developers"), "version", PACKAGE_VERSION,
                  "website", "https://github.com/cousinade/cousinade", "issue-url",
                  "https://github.com/cousinade/cousinade/issues", "comments",
                  _ ("Video calls and a shared memory for families, "
                     "neighbours and mutual-aid groups."),
                  "license-type", GTK_LICENSE_GPL_3_0, "developers", developers,
                  /* Translators: put your names here, one per line. */
                  "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_join_response (AdwMessageDialog *dialog, const char *response, CsApplication *self)
{
  const char *room = g_object_get_data (G_OBJECT (dialog), "cs-room");
  const char *name = g_object_get_data (G_OBJECT (dialog), "cs-name");
  CsWindow *window = get_or_create_window (self);
  g_autoptr (GError) error = NULL;
  CsCircle *circle;

  if (g_strcmp0 (response, "join") != 0)
    return;

  circle = cs_circle_rooms_accept (self->rooms, room, name, &error);
  if (circle == NULL)
    cs_window_add_toast (window, adw_toast_new (error->message));
  else
    cs_window_show_circle (window, circle);
}

static void
show_join_question (CsApplication *self, const char *from, const char *room, const char *name)
{
  CsWindow *window = get_or_create_window (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (name != NULL && *name != '\0')
    /* Translators: %s is the name of a circle, such as "Cousinade Dupont". */
    heading = g_strdup_printf (_ ("Join “%s”?"), name);
  else
    heading = g_strdup (_ ("Join This Circle?"));
  if (from != NULL)
    /* Translators: %s is the address of the person who sent the invitation. */
    body = g_strdup_printf (_ ("%s invites you to this circle. Its members will see your "
                               "address."),
                            from);
  else
    body = g_strdup (_ ("This invite link leads to a circle. Its members will see your "
                        "address."));

  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "not-now", _ ("_Not Now"), "join",
                                    _ ("_Join"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "join",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "join");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "not-now");
  g_object_set_data_full (G_OBJECT (dialog), "cs-room", g_strdup (room), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "cs-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_join_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  CsApplication *self;
  char *from;
  char *room;
} JoinQuestion;

static void
on_room_name_for_question (GObject *source, GAsyncResult *result, gpointer user_data)
{
  JoinQuestion *question = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name =
    cs_circle_rooms_lookup_name_finish (CS_CIRCLE_ROOMS (source), result, &error);

  if (name == NULL)
    g_debug ("No name for %s: %s", question->room, error->message);
  show_join_question (question->self, question->from, question->room, name);
  g_object_unref (question->self);
  g_free (question->from);
  g_free (question->room);
  g_free (question);
}

/* Asks before joining: joining shows the user's address to the circle's members. */
static void
ask_to_join (CsApplication *self, const char *from, const char *room, const char *name)
{
  CsWindow *window = get_or_create_window (self);
  CsCircle *existing = cs_circle_rooms_find_circle (self->rooms, room);
  JoinQuestion *lookup;
  GtkWidget *dialog;

  gtk_window_present (GTK_WINDOW (window));
  if (existing != NULL)
    {
      cs_window_show_circle (window, existing);
      return;
    }

  if (!cs_circle_rooms_is_signed_in (self->rooms))
    {
      dialog = adw_message_dialog_new (GTK_WINDOW (window), _ ("Sign In to Join"),
                                       _ ("To join this circle, first connect to your server, "
                                          "then open the invitation again."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.account", NULL);
      return;
    }

  if (name != NULL && *name != '\0')
    {
      show_join_question (self, from, room, name);
      return;
    }

  /* A link says only where the circle is: its name comes from its room, so that the question
   * names the family, not an address. */
  lookup = g_new0 (JoinQuestion, 1);
  lookup->self = g_object_ref (self);
  lookup->from = g_strdup (from);
  lookup->room = g_strdup (room);
  cs_circle_rooms_lookup_name_async (self->rooms, room, NULL, on_room_name_for_question, lookup);
}

static void
on_invitation (CsCircleRooms *rooms,
               const char *from,
               const char *room,
               const char *name,
               CsApplication *self)
{
  ask_to_join (self, from, room, name);
}

/* A series this user made (not one received from an organiser's room) whose last change has
 * not gone out yet. */
static gboolean
needs_publishing (CsApplication *self, CsScheduledCall *call, const char *own_address)
{
  gpointer published;

  if (cs_scheduled_call_is_organised_elsewhere (call, own_address))
    return FALSE;
  return !g_hash_table_lookup_extended (self->published, cs_scheduled_call_get_uid (call), NULL,
                                        &published) ||
         GPOINTER_TO_UINT (published) != cs_scheduled_call_get_sequence (call);
}

static void
publish_schedule_changes (CsApplication *self)
{
  CsXmppClient *client = cs_account_session_get_client (self->session);
  g_autoptr (GListModel) calls = NULL;
  g_autoptr (GError) error = NULL;

  if (self->schedule_sync == NULL || client == NULL)
    return;

  calls = cs_store_list_scheduled_calls (self->store, 0, TRUE, &error);
  if (calls == NULL)
    {
      g_warning ("Could not read the schedule to share it: %s", error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (CsScheduledCall) call = g_list_model_get_item (calls, i);
      g_autoptr (GError) publish_error = NULL;
      CsCircle *circle = cs_store_find_circle (self->store, cs_scheduled_call_get_circle_id (call));

      if (circle == NULL || cs_circle_get_room_address (circle) == NULL ||
          !needs_publishing (self, call, cs_xmpp_client_get_address (client)))
        continue;
      if (cs_schedule_sync_publish (self->schedule_sync, call, &publish_error))
        g_hash_table_replace (self->published, g_strdup (cs_scheduled_call_get_uid (call)),
                              GUINT_TO_POINTER (cs_scheduled_call_get_sequence (call)));
      else
        g_debug ("Not shared: %s", publish_error->message);
    }
}

static void
on_schedule_changed (CsStore *store, CsApplication *self)
{
  publish_schedule_changes (self);
}

/* What came from a room is the organiser's, already shared. */
static void
on_schedule_applied (CsScheduleSync *sync,
                     gint64 circle_id,
                     const char *uid,
                     guint sequence,
                     CsApplication *self)
{
  g_hash_table_replace (self->published, g_strdup (uid), GUINT_TO_POINTER (sequence));
}

static void
on_session_client (CsAccountSession *session, GParamSpec *pspec, CsApplication *self)
{
  CsXmppClient *client = cs_account_session_get_client (session);

  /* Call invites are followed from before the circles' rooms are entered, so that their
   * history is read. */
  cs_call_manager_set_client (self->calls, client);
  cs_circle_rooms_set_client (self->rooms, client);
  if (self->background != NULL)
    cs_background_set_signed_in (self->background, client != NULL);

  g_clear_object (&self->schedule_sync);
  if (client != NULL)
    {
      self->schedule_sync = cs_schedule_sync_new (client, self->store);
      g_signal_connect_object (self->schedule_sync, "applied", G_CALLBACK (on_schedule_applied),
                               self, 0);
    }
}

/* Reminders of scheduled calls. */

static char *
reminder_notification_id (const char *call_id)
{
  return g_strconcat ("reminder:", call_id, NULL);
}

static void
on_reminder_due (CsReminders *reminders,
                 const char *call_id,
                 CsOccurrence *occurrence,
                 CsApplication *self)
{
  g_autoptr (GDateTime) now = cs_clock_get_now (cs_reminders_get_clock (reminders));
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *notification_id = reminder_notification_id (call_id);
  g_autofree char *title = NULL;
  g_autofree char *time = NULL;
  g_autofree char *body = NULL;
  GTimeSpan until_start = g_date_time_difference (occurrence->start, now);
  /* Rounded up: a reminder at 10:50:30 for 11:00 says 10 minutes, not 9. */
  gint64 minutes = (until_start + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE;

  if (minutes > 0)
    /* Translators: %s is the name of a circle, such as "Cousinade Dupont". */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Call with %s in %d minute",
                                          "Call with %s in %d minutes", (gulong) minutes),
                             occurrence->circle_name, (int) minutes);
  else
    /* Translators: %s is the name of a circle, such as "Cousinade Dupont". */
    title = g_strdup_printf (_ ("Call with %s now"), occurrence->circle_name);

  /* Translators: the time of a call in a reminder, as g_date_time_format() takes it. */
  time = g_date_time_format (occurrence->user_start, _ ("%H:%M"));
  /* Translators: the first %s is the call's title, the second its start time ("11:00"). */
  body = g_strdup_printf (_ ("“%s” starts at %s."), occurrence->title, time);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.join-call", "s", call_id);
  g_notification_add_button_with_target (notification, _ ("Join"), "app.join-call", "s", call_id);
  g_notification_add_button_with_target (notification, _ ("Snooze"), "app.snooze-reminder", "s",
                                         call_id);
  g_application_send_notification (G_APPLICATION (self), notification_id, notification);
}

static void
update_reminder_hold (CsApplication *self)
{
  gboolean wanted = self->reminders != NULL && cs_reminders_get_has_upcoming (self->reminders);

  if (wanted == self->held_for_reminders)
    return;

  self->held_for_reminders = wanted;
  if (wanted)
    {
      g_application_hold (G_APPLICATION (self));
      /* In a sandbox, the portal lets it run with no window (one request for both reasons). */
      if (self->background != NULL)
        cs_background_ask (self->background);
    }
  else
    {
      g_application_release (G_APPLICATION (self));
    }
}

static void
on_reminders_has_upcoming (CsReminders *reminders, GParamSpec *pspec, CsApplication *self)
{
  update_reminder_hold (self);
}

/* Opens the main window to say why a call could not start. */
static void
show_toast (CsApplication *self, const char *message)
{
  CsWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  cs_window_add_toast (window, adw_toast_new (message));
}

/* app.join-call: joins the call of a scheduled occurrence's circle, or starts it. The
 * parameter is a call id (see cs_reminders_format_call_id()). Reminders carry it, so this
 * works with the main window closed: only the call window opens. */
static void
on_join_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  const char *call_id = g_variant_get_string (parameter, NULL);
  g_autofree char *notification_id = reminder_notification_id (call_id);
  g_autofree char *uid = NULL;
  g_autoptr (CsScheduledCall) call = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  CsCircle *circle = NULL;

  g_application_withdraw_notification (G_APPLICATION (self), notification_id);
  if (self->store == NULL)
    {
      gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
      return;
    }

  if (cs_reminders_parse_call_id (call_id, &uid, NULL, &error))
    call = cs_store_find_scheduled_call_by_uid (self->store, uid, &error);
  if (call != NULL)
    circle = cs_store_find_circle (self->store, cs_scheduled_call_get_circle_id (call));

  if (circle == NULL)
    {
      show_toast (self, _ ("This call is no longer in your schedule."));
      return;
    }

  /* Not able to call right now (signed out, offline): the circle's page, and why. */
  reason = cs_call_manager_dup_unavailable_reason (self->calls, circle);
  if (reason != NULL)
    {
      CsWindow *window = get_or_create_window (self);

      gtk_window_present (GTK_WINDOW (window));
      cs_window_show_circle (window, circle);
      cs_window_add_toast (window, adw_toast_new (reason));
      return;
    }
  cs_call_manager_join_circle (self->calls, circle);
}

/* app.join-circle-call: the circle page's Call and Join buttons (circle id). */
static void
on_join_circle_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  CsCircle *circle;

  if (self->store == NULL)
    return;
  circle = cs_store_find_circle (self->store, g_variant_get_int64 (parameter));
  if (circle != NULL)
    cs_call_manager_join_circle (self->calls, circle);
}

/* app.call-contact: a one-to-one call from a contact's page (contact id). */
static void
on_call_contact_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  CsContact *contact;

  if (self->store == NULL)
    return;
  contact = cs_store_find_contact (self->store, g_variant_get_int64 (parameter));
  if (contact != NULL)
    cs_call_manager_call_contact (self->calls, contact);
}

/* app.answer-call: Join on a call that rings (the ringer's id for it); works with the main
 * window closed: only the call window opens. */
static void
on_answer_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);

  if (self->calls == NULL)
    return;
  if (!cs_call_manager_answer (self->calls, g_variant_get_string (parameter, NULL)))
    show_toast (self, _ ("This call has ended."));
}

/* app.decline-call: Decline on a call that rings; the caller is told. */
static void
on_decline_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);

  if (self->calls != NULL)
    cs_call_manager_decline (self->calls, g_variant_get_string (parameter, NULL));
}

static void
on_snooze_reminder_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  const char *call_id = g_variant_get_string (parameter, NULL);
  g_autofree char *notification_id = reminder_notification_id (call_id);
  g_autoptr (GError) error = NULL;

  g_application_withdraw_notification (G_APPLICATION (self), notification_id);
  if (self->reminders != NULL && !cs_reminders_snooze (self->reminders, call_id, &error))
    g_warning ("Could not snooze the reminder of %s: %s", call_id, error->message);
}

static void on_open_link_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);

static const GActionEntry app_actions[] = {
  { "quit", on_quit_activated },
  { "about", on_about_activated },
  { "join-call", on_join_call_activated, "s" },
  { "join-circle-call", on_join_circle_call_activated, "x" },
  { "call-contact", on_call_contact_activated, "x" },
  { "snooze-reminder", on_snooze_reminder_activated, "s" },
  { "answer-call", on_answer_call_activated, "s" },
  { "decline-call", on_decline_call_activated, "s" },
  { "open-link", on_open_link_activated, "s" },
};

/* Every keyboard shortcut of the app is set here, and listed in gtk/help-overlay.ui. */
static const struct
{
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.new-circle", { "<Control>n", NULL } },
  { "win.new-contact", { "<Control><Shift>n", NULL } },
  { "win.show-contacts", { "<Control><Shift>c", NULL } },
  { "win.show-overdue", { "<Control><Shift>k", NULL } },
  { "win.log-encounter", { "<Control>e", NULL } },
  { "win.show-digest", { "<Control><Shift>d", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "win.show-preferences", { "<Control>comma", NULL } },
  { "circle.rename", { "F2", NULL } },
  { "circle.add-member", { "<Control>m", NULL } },
  { "circle.schedule-call", { "<Control>t", NULL } },
  { "circle.start-call", { "<Control><Shift>j", NULL } },
  { "call.toggle-microphone", { "<Control>d", NULL } },
  { "call.toggle-camera", { "<Control>e", NULL } },
  { "call.toggle-fullscreen", { "F11", NULL } },
  { "call.toggle-self-view", { "<Control><Shift>s", NULL } },
  { "call.leave", { "<Control><Shift>h", NULL } },
};

static void
cs_application_startup (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);
  g_autofree char *path = NULL;

  G_APPLICATION_CLASS (cs_application_parent_class)->startup (application);
  /* Calls need GStreamer; its own command-line options are of no use to people. */
  gst_init (NULL, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new ("io.github.cousinade.Cousinade");
  self->background = cs_background_new (application, self->settings);

  path = cs_store_default_path ();
  self->store = cs_store_open (path, &self->store_error);
  if (self->store == NULL)
    {
      g_message ("Could not open %s: %s", path, self->store_error->message);
      return;
    }

  /* Everything local works offline; signing in happens in the background. */
  self->session = cs_account_session_new (self->store);
  self->rooms = cs_circle_rooms_new (self->store);
  self->calls =
    cs_call_manager_new (GTK_APPLICATION (self), self->store, self->rooms, self->settings);
  self->published = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect_object (self->store, "schedule-changed", G_CALLBACK (on_schedule_changed), self,
                           0);
  g_signal_connect_object (self->session, "notify::client", G_CALLBACK (on_session_client), self,
                           0);
  g_signal_connect_object (self->rooms, "invitation", G_CALLBACK (on_invitation), self, 0);
  cs_account_session_resume (self->session);

  self->reminders = cs_reminders_new (self->store, NULL);
  g_signal_connect_object (self->reminders, "due", G_CALLBACK (on_reminder_due), self, 0);
  g_signal_connect_object (self->reminders, "notify::has-upcoming",
                           G_CALLBACK (on_reminders_has_upcoming), self, 0);
  cs_reminders_start (self->reminders);
  update_reminder_hold (self);
}

static void
cs_application_shutdown (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);

  g_clear_object (&self->reminders);
  update_reminder_hold (self);
  if (self->background != NULL)
    cs_background_set_signed_in (self->background, FALSE);
  /* A call going on ends, and goes to the history, before the store closes. */
  g_clear_object (&self->calls);

  if (self->store != NULL)
    {
      g_autoptr (GError) error = NULL;

      /* What was deleted with an Undo offered is deleted for good now. */
      if (!cs_store_purge_trash (self->store, &error))
        g_warning ("Could not finish deleting: %s", error->message);
    }

  G_APPLICATION_CLASS (cs_application_parent_class)->shutdown (application);
}

static void
cs_application_activate (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);

  /* Started at login: signed in, it waits for calls and reminders with no window; with no
   * account, nothing holds it and it ends. */
  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      return;
    }
  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static int
cs_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  CsApplication *self = CS_APPLICATION (application);
  g_autoptr (GError) error = NULL;

  if (!g_variant_dict_contains (options, CS_BACKGROUND_OPTION))
    return -1;
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Already running: nothing to start, and no window to open. */
  if (g_application_get_is_remote (application))
    return 0;
  self->start_hidden = TRUE;
  return -1;
}

static void
on_invite_joined (CsInvitePage *page, const char *room, const char *name, CsApplication *self)
{
  CsWindow *window = get_or_create_window (self);
  g_autoptr (GError) error = NULL;
  CsCircle *circle;

  /* The new account was invited into the circle's room: it enters at once, as after a Join
   * on an invitation. */
  if (room == NULL || self->rooms == NULL)
    return;
  circle = cs_circle_rooms_accept (self->rooms, room, name, &error);
  if (circle == NULL)
    cs_window_add_toast (window, adw_toast_new (error->message));
  else
    cs_window_show_circle (window, circle);
}

/* An account invite link (XEP-0401): with no account yet, the page that creates one. */
static void
open_account_invite (CsApplication *self, CsWindow *window, const char *uri)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsXmppInvite) invite = cs_xmpp_invite_parse (uri, &error);
  g_autofree char *message = NULL;
  CsInvitePage *page;

  if (invite == NULL)
    {
      cs_window_add_toast (window, adw_toast_new (error->message));
      return;
    }

  /* The link makes a new account, and the circle let that account in, not this one. */
  if (cs_account_session_get_client (self->session) != NULL)
    {
      if (invite->inviter_name != NULL)
        /* Translators: %s is the name of the person who sent the link, such as "Papy Jean". */
        message = g_strdup_printf (_ ("This link is for someone new to Cousinade. You already "
                                      "have an account: ask %s to add you to the circle."),
                                   invite->inviter_name);
      else
        message = g_strdup (_ ("This link is for someone new to Cousinade. You already have "
                               "an account: ask the person who sent it to add you."));
      cs_window_add_toast (window, adw_toast_new (message));
      return;
    }

  page = cs_invite_page_new (GTK_WINDOW (window), self->session, invite);
  g_signal_connect_object (page, "joined", G_CALLBACK (on_invite_joined), self, 0);
  gtk_window_present (GTK_WINDOW (page));
}

/* Invite links (xmpp:room@service?join, account invites) from the desktop, a browser, the
 * command line or the welcome page. */
static void
open_link (CsApplication *self, CsWindow *window, const char *uri)
{
  g_autofree char *room = NULL;
  g_autofree char *action = NULL;
  g_autoptr (GError) error = NULL;

  if (!cs_xmpp_uri_parse (uri, &room, &action, &error))
    cs_window_add_toast (window, adw_toast_new (error->message));
  else if (g_strcmp0 (action, "roster") == 0 || g_strcmp0 (action, "register") == 0)
    open_account_invite (self, window, uri);
  else
    ask_to_join (self, NULL, room, NULL);
}

static void
on_open_link_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CsApplication *self = CS_APPLICATION (user_data);
  CsWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (self->rooms != NULL)
    open_link (self, window, g_variant_get_string (parameter, NULL));
}

static void
cs_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  CsApplication *self = CS_APPLICATION (application);
  CsWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (self->rooms == NULL)
    return;

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      open_link (self, window, uri);
    }
}

static void
cs_application_dispose (GObject *object)
{
  CsApplication *self = CS_APPLICATION (object);

  g_clear_object (&self->reminders);
  g_clear_object (&self->schedule_sync);
  g_clear_pointer (&self->published, g_hash_table_unref);
  g_clear_object (&self->calls);
  g_clear_object (&self->background);
  g_clear_object (&self->rooms);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_application_parent_class)->dispose (object);
}

static void
cs_application_finalize (GObject *object)
{
  CsApplication *self = CS_APPLICATION (object);

  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (cs_application_parent_class)->finalize (object);
}

static void
cs_application_class_init (CsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cs_application_dispose;
  object_class->finalize = cs_application_finalize;

  app_class->startup = cs_application_startup;
  app_class->shutdown = cs_application_shutdown;
  app_class->activate = cs_application_activate;
  app_class->handle_local_options = cs_application_handle_local_options;
  app_class->open = cs_application_open;
}

static void
cs_application_init (CsApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), CS_BACKGROUND_OPTION, 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _ ("Start without a window, to receive calls and reminders"),
                                 NULL);
}

CsApplication *
cs_application_new (void)
{
  return g_object_new (CS_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path", RESOURCE_PREFIX, NULL);
}

CsStore *
cs_application_get_store (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->store;
}

const GError *
cs_application_get_store_error (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->store_error;
}

CsAccountSession *
cs_application_get_session (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->session;
}

CsCircleRooms *
cs_application_get_rooms (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->rooms;
}

GSettings *
cs_application_get_settings (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* NULL when the data file could not be opened. */
CsCallManager *
cs_application_get_call_manager (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->calls;
}

/* NULL before startup. */
CsBackground *
cs_application_get_background (CsApplication *self)
{
  g_return_val_if_fail (CS_IS_APPLICATION (self), NULL);

  return self->background;
}
