/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-application"

#include "config.h"

#include "cs-application.h"
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

/* Asks before joining: joining shows the user's address to the circle's members. */
static void
ask_to_join (CsApplication *self, const char *from, const char *room, const char *name)
{
  CsWindow *window = get_or_create_window (self);
  CsCircle *existing = cs_circle_rooms_find_circle (self->rooms, room);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
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

  /* Translators: %s is the name of a circle, such as "Cousinade Dupont". */
  heading = g_strdup_printf (_ ("Join “%s”?"), name != NULL && *name != '\0' ? name : room);
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

static void
on_invitation (CsCircleRooms *rooms,
               const char *from,
               const char *room,
               const char *name,
               CsApplication *self)
{
  ask_to_join (self, from, room, name);
}

static void
on_session_client (CsAccountSession *session, GParamSpec *pspec, CsApplication *self)
{
  cs_circle_rooms_set_client (self->rooms, cs_account_session_get_client (session));
}

static const GActionEntry app_actions[] = {
  { "quit", on_quit_activated },
  { "about", on_about_activated },
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
  { "circle.rename", { "F2", NULL } },
  { "circle.add-member", { "<Control>m", NULL } },
};

static void
cs_application_startup (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);
  g_autofree char *path = NULL;

  G_APPLICATION_CLASS (cs_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new ("io.github.cousinade.Cousinade");

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
  g_signal_connect_object (self->session, "notify::client", G_CALLBACK (on_session_client), self,
                           0);
  g_signal_connect_object (self->rooms, "invitation", G_CALLBACK (on_invitation), self, 0);
  cs_account_session_resume (self->session);
}

static void
cs_application_shutdown (GApplication *application)
{
  CsApplication *self = CS_APPLICATION (application);

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

  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static void
cs_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  CsApplication *self = CS_APPLICATION (application);
  CsWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (self->rooms == NULL)
    return;

  /* Invite links (xmpp:room@service?join) from the desktop, a browser or the command line. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autofree char *room = NULL;
      g_autofree char *action = NULL;
      g_autoptr (GError) error = NULL;

      if (!cs_xmpp_uri_parse (uri, &room, &action, &error))
        cs_window_add_toast (window, adw_toast_new (error->message));
      else
        ask_to_join (self, NULL, room, NULL);
    }
}

static void
cs_application_dispose (GObject *object)
{
  CsApplication *self = CS_APPLICATION (object);

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
  app_class->open = cs_application_open;
}

static void
cs_application_init (CsApplication *self)
{
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
