/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-account-dialog"

#include "config.h"

#include "cs-account-dialog.h"
#include "cs-xmpp-address.h"

#include <glib/gi18n.h>

struct _CsAccountDialog
{
  AdwWindow parent_instance;

  CsAccountSession *session;
  CsXmppClient *client;
  GCancellable *cancellable;
  gboolean creating;

  GtkStack *stack;
  GtkButton *submit_button;
  AdwEntryRow *address_row;
  AdwEntryRow *password_row;
  AdwEntryRow *confirm_row;
  AdwEntryRow *server_row;
  GtkLabel *error_label;
  AdwStatusPage *working_page;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (CsAccountDialog, cs_account_dialog, ADW_TYPE_WINDOW)

static void submit (CsAccountDialog *self);

static void
show_error (CsAccountDialog *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_form (CsAccountDialog *self, const char *error)
{
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_widget_set_visible (GTK_WIDGET (self->submit_button), TRUE);
  show_error (self, error);
}

/* Checks the form and says what is wrong in plain words; TRUE when it can be sent. */
static gboolean
validate (CsAccountDialog *self, gboolean say_why)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = cs_xmpp_address_normalize (address, &error);
  g_autofree char *host = NULL;
  const char *message = NULL;
  guint16 port;

  if (normalized == NULL)
    message = error->message;
  else if (*password == '\0')
    message = _ ("Please enter the password.");
  else if (self->creating && g_strcmp0 (password, confirm) != 0)
    message = _ ("The two passwords are not the same.");
  else if (*server != '\0' && !cs_parse_server (server, &host, &port))
    message = _ ("The server looks like “example.org” or “example.org:5222”.");

  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), message == NULL);
  if (say_why)
    show_error (self, message);

  return message == NULL;
}

static void
on_field_changed (GtkEditable *editable, CsAccountDialog *self)
{
  /* Only the address is checked while typing; the rest once the user tries. */
  gboolean ok = validate (self, FALSE);

  if (editable == GTK_EDITABLE (self->address_row) && !ok &&
      strchr (gtk_editable_get_text (editable), '@') != NULL)
    validate (self, TRUE);
  else if (ok)
    show_error (self, NULL);
}

static void
on_adopted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!cs_account_session_adopt_finish (CS_ACCOUNT_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_form (self, error->message);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static char *
format_fingerprint (const char *hex)
{
  GString *text = g_string_new (NULL);

  /* Pairs in groups, upper case, four groups a line: easy to read aloud and compare. */
  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (text, i % 16 == 0 ? '\n' : ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
      g_string_append_c (text, g_ascii_toupper (hex[i + 1]));
    }

  return g_string_free (text, FALSE);
}

static void
on_certificate_response (AdwMessageDialog *dialog, const char *response, CsAccountDialog *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "cs-fingerprint");

  /* The answer is about the certificate that was shown, and for the attempt it belongs to. */
  if (g_object_get_data (G_OBJECT (dialog), "cs-client") != self->client)
    return;

  if (g_strcmp0 (response, "trust") != 0)
    {
      show_form (self, _ ("Not connected: the server’s identity was not accepted."));
      return;
    }

  cs_xmpp_client_set_pinned_fingerprint (self->client, fingerprint);
  submit (self);
}

static void
ask_about_certificate (CsAccountDialog *self)
{
  g_autofree char *fingerprint =
    format_fingerprint (cs_xmpp_client_get_untrusted_fingerprint (self->client));
  GtkWidget *label = gtk_label_new (fingerprint);
  AdwMessageDialog *dialog;

  gtk_widget_add_css_class (label, "monospace");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self), _ ("Trust This Server?"),
    _ ("The server’s identity could not be checked, which happens with small personal servers "
       "and with attacks. Ask the person who runs it whether its fingerprint is the one "
       "below, then decide.")));
  adw_message_dialog_set_extra_child (dialog, label);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "trust",
                                    _ ("_Trust This Server"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "trust", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "cs-fingerprint",
                          g_strdup (cs_xmpp_client_get_untrusted_fingerprint (self->client)),
                          g_free);
  g_object_set_data (G_OBJECT (dialog), "cs-client", self->client);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_certificate_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsAccountDialog) self = user_data;
  CsXmppClient *client = CS_XMPP_CLIENT (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = self->creating ? cs_xmpp_client_register_finish (client, result, &error)
                               : cs_xmpp_client_connect_finish (client, result, &error);

  if (client != self->client || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (!ok && g_error_matches (error, CS_XMPP_ERROR, CS_XMPP_ERROR_CERTIFICATE_UNTRUSTED) &&
      cs_xmpp_client_get_untrusted_fingerprint (client) != NULL)
    {
      ask_about_certificate (self);
      return;
    }

  if (!ok)
    {
      show_form (self, error->message);
      return;
    }

  /* Signed in: from now on the account is kept, with its password in the keyring. */
  cs_account_session_adopt_async (self->session, client,
                                  gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                  self->cancellable, on_adopted, g_object_ref (self));
}

static void
submit (CsAccountDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_visible (GTK_WIDGET (self->submit_button), FALSE);
  adw_status_page_set_title (self->working_page,
                             self->creating ? _ ("Creating Your Account…") : _ ("Signing In…"));
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_spinner_start (self->spinner);

  if (self->creating)
    cs_xmpp_client_register_async (self->client, password, self->cancellable, on_signed_in,
                                   g_object_ref (self));
  else
    cs_xmpp_client_connect_async (self->client, password, self->cancellable, on_signed_in,
                                  g_object_ref (self));
}

static void
on_submit (GtkWidget *emitter, CsAccountDialog *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autofree char *address = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (!validate (self, TRUE))
    return;

  address =
    cs_xmpp_address_normalize (gtk_editable_get_text (GTK_EDITABLE (self->address_row)), NULL);
  if (*server != '\0')
    cs_parse_server (server, &host, &port);

  g_clear_object (&self->client);
  self->client = cs_account_session_new_client (self->session, address, host, port);
  submit (self);
}

static void
open_form (CsAccountDialog *self, gboolean creating)
{
  self->creating = creating;
  gtk_window_set_title (GTK_WINDOW (self), creating ? _ ("Create an Account") : _ ("Sign In"));
  gtk_button_set_label (self->submit_button, creating ? _ ("C_reate") : _ ("_Sign In"));
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_row), creating);
  show_form (self, NULL);
  validate (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
}

static void
on_have_account (GtkButton *button, CsAccountDialog *self)
{
  open_form (self, FALSE);
}

static void
on_create_account (GtkButton *button, CsAccountDialog *self)
{
  open_form (self, TRUE);
}

static void
cs_account_dialog_dispose (GObject *object)
{
  CsAccountDialog *self = CS_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_ACCOUNT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cs_account_dialog_parent_class)->dispose (object);
}

static void
cs_account_dialog_class_init (CsAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_account_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/cs-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, submit_button);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, CsAccountDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_submit);
  gtk_widget_class_bind_template_callback (widget_class, on_have_account);
  gtk_widget_class_bind_template_callback (widget_class, on_create_account);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cs_account_dialog_init (CsAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

CsAccountDialog *
cs_account_dialog_new (GtkWindow *parent, CsAccountSession *session)
{
  CsAccountDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CS_IS_ACCOUNT_SESSION (session), NULL);

  self = g_object_new (CS_TYPE_ACCOUNT_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);

  return self;
}

gboolean
cs_parse_server (const char *text, char **host, guint16 *port)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *colon = strrchr (copy, ':');
  guint64 number = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  if (colon != NULL)
    {
      *colon = '\0';
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &number, NULL))
        return FALSE;
    }

  if (*copy == '\0' || strpbrk (copy, " /@") != NULL)
    return FALSE;

  *host = g_strdup (copy);
  *port = (guint16) number;
  return TRUE;
}

CsAccountDialog *
cs_account_dialog_new_for_account (GtkWindow *parent,
                                   CsAccountSession *session,
                                   CsAccount *account,
                                   const char *reason)
{
  CsAccountDialog *self;
  g_autofree char *server = NULL;

  g_return_val_if_fail (CS_IS_ACCOUNT (account), NULL);

  self = cs_account_dialog_new (parent, session);
  open_form (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), cs_account_get_address (account));
  if (cs_account_get_host (account) != NULL)
    {
      server =
        cs_account_get_port (account) != 0
          ? g_strdup_printf ("%s:%u", cs_account_get_host (account), cs_account_get_port (account))
          : g_strdup (cs_account_get_host (account));
      gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
    }
  show_error (self, reason);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));

  return self;
}
