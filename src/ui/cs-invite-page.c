/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cs-invite-page.h"

#include "cs-account-dialog.h"
#include "cs-invite-registration.h"

#include <glib/gi18n.h>

struct _CsInvitePage
{
  AdwWindow parent_instance;

  GtkStack *stack;
  AdwStatusPage *form_page;
  AdwEntryRow *name_row;
  GtkLabel *error_label;
  GtkButton *join_button;
  GtkSpinner *spinner;

  CsAccountSession *session;
  CsXmppInvite *invite;
  CsXmppClient *client;
  char *password;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CsInvitePage, cs_invite_page, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_JOINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_form (CsInvitePage *self, const char *error)
{
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_label_set_text (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->join_button), TRUE);
}

static void
on_name_changed (GtkEditable *editable, CsInvitePage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->join_button), *name != '\0');
}

static void
on_adopted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsInvitePage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!cs_account_session_adopt_finish (CS_ACCOUNT_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_form (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_JOINED], 0, self->invite->room, self->invite->circle_name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsInvitePage) self = user_data;
  CsXmppClient *client = CS_XMPP_CLIENT (source);
  g_autoptr (GError) error = NULL;

  if (!cs_xmpp_client_connect_finish (client, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_form (self, error->message);
      return;
    }

  /* Signed in: the account is kept, its password in the keyring and nowhere else. */
  cs_account_session_adopt_async (self->session, client, self->password, self->cancellable,
                                  on_adopted, g_object_ref (self));
}

/* Where to connect instead of looking the server up: developers and tests set
 * COUSINADE_SERVER to "host:port". */
static void
get_server (char **host, guint16 *port)
{
  const char *server = g_getenv ("COUSINADE_SERVER");

  *host = NULL;
  *port = 0;
  if (server != NULL && *server != '\0' && !cs_parse_server (server, host, port))
    g_warning ("COUSINADE_SERVER is not a server: %s", server);
}

static void
on_registered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsInvitePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsInviteAccount) account = cs_invite_registration_register_finish (result, &error);
  g_autofree char *host = NULL;
  guint16 port;

  if (account == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_form (self, error->message);
      return;
    }

  get_server (&host, &port);
  g_clear_object (&self->client);
  g_free (self->password);
  self->password = g_steal_pointer (&account->password);
  self->client = cs_account_session_new_client (self->session, account->address, host, port);
  cs_xmpp_client_connect_async (self->client, self->password, self->cancellable, on_signed_in,
                                g_object_ref (self));
}

static void
on_join (GtkWidget *emitter, CsInvitePage *self)
{
  g_autofree char *name =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *host = NULL;
  guint16 port;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "working") == 0)
    return;
  if (*name == '\0')
    {
      show_form (self, _ ("Please enter your name."));
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->join_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_spinner_start (self->spinner);

  get_server (&host, &port);
  cs_invite_registration_register_async (self->invite, name, host, port, self->cancellable,
                                         on_registered, g_object_ref (self));
}

static void
cs_invite_page_dispose (GObject *object)
{
  CsInvitePage *self = CS_INVITE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_INVITE_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->session);
  g_clear_pointer (&self->invite, cs_xmpp_invite_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (cs_invite_page_parent_class)->dispose (object);
}

static void
cs_invite_page_class_init (CsInvitePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_invite_page_dispose;

  /* The account is signed in: @room and @name are the circle the link leads to (or NULL). */
  signals[SIGNAL_JOINED] =
    g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-invite-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, form_page);
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, join_button);
  gtk_widget_class_bind_template_child (widget_class, CsInvitePage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_join);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_invite_page_init (CsInvitePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* The user's full name when the system knows a real one, else "". */
static const char *
real_name (void)
{
  const char *name = g_get_real_name ();

  if (name == NULL || *name == '\0' || g_strcmp0 (name, "Unknown") == 0 ||
      g_strcmp0 (name, g_get_user_name ()) == 0)
    return "";
  return name;
}

static CsXmppInvite *
copy_invite (const CsXmppInvite *invite)
{
  CsXmppInvite *copy = g_new0 (CsXmppInvite, 1);

  copy->inviter = g_strdup (invite->inviter);
  copy->domain = g_strdup (invite->domain);
  copy->token = g_strdup (invite->token);
  copy->room = g_strdup (invite->room);
  copy->circle_name = g_strdup (invite->circle_name);
  copy->inviter_name = g_strdup (invite->inviter_name);

  return copy;
}

CsInvitePage *
cs_invite_page_new (GtkWindow *parent, CsAccountSession *session, const CsXmppInvite *invite)
{
  CsInvitePage *self;
  g_autofree char *description = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_ACCOUNT_SESSION (session), NULL);
  g_return_val_if_fail (invite != NULL, NULL);

  self = g_object_new (CS_TYPE_INVITE_PAGE, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->invite = copy_invite (invite);

  /* Names only: no address, server or password on this page. */
  if (invite->circle_name != NULL && *invite->circle_name != '\0')
    adw_status_page_set_title (self->form_page, invite->circle_name);
  else
    adw_status_page_set_title (self->form_page, _ ("You Are Invited"));
  if (invite->inviter_name != NULL && *invite->inviter_name != '\0')
    /* Translators: %s is the name of the person who sent the link, such as "Papy Jean". */
    description = g_strdup_printf (_ ("%s invites you to join, to see each other in video calls."),
                                   invite->inviter_name);
  else
    description = g_strdup (_ ("You are invited to join, to see each other in video calls."));
  adw_status_page_set_description (self->form_page, description);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), real_name ());
  on_name_changed (GTK_EDITABLE (self->name_row), self);

  return self;
}
