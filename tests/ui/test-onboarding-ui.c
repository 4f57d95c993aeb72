/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The invited person's side of an account invite link (issue 12, item 3): the real app, a
 * Prosody that makes invites as a deployment would, the Secret Service of the private bus. */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "cs-account-invites.h"
#include "cs-account-secrets.h"
#include "cs-account-session.h"
#include "cs-application.h"
#include "cs-circle-rooms.h"
#include "cs-invite-page.h"
#include "cs-store.h"
#include "cs-test-client.h"
#include "cs-test-server.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#define ORGANISER "papy"
#define ORGANISER_PASSWORD "confiture de mirabelles"

static CsTestServer *server;
static char *invite_link;
static char *new_address;
static char *room;
static guint actions;
/* "-fr" when the test runs in French (LANG=fr_FR.UTF-8), for the screenshots' names. */
static const char *suffix = "";

static gpointer
check_online (gpointer data)
{
  GtkWindow *window = data;
  GtkLabel *label = GTK_LABEL (get_widget (window, "account_label"));
  g_autofree char *expected = g_strdup_printf (_ ("Online as %s"), new_address);

  return g_strcmp0 (gtk_label_get_label (label), expected) == 0 ? label : NULL;
}

static void
shoot (GtkWindow *window, const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, suffix);

  save_screenshot (window, file);
}

static gpointer
check_in_room (gpointer data)
{
  CsApplication *app = data;
  CsCircleRooms *rooms = cs_application_get_rooms (app);
  CsCircle *circle = cs_circle_rooms_find_circle (rooms, room);

  return circle != NULL && cs_circle_rooms_is_in_room (rooms, circle) ? circle : NULL;
}

static gpointer
check_callable (gpointer data)
{
  GtkWidget *button = find_widget (GTK_WIDGET (data), "call_button");

  return button != NULL && gtk_widget_get_sensitive (button) ? button : NULL;
}

static gboolean
has_at_sign (GtkWidget *widget, const char *unused)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         strchr (gtk_label_get_label (GTK_LABEL (widget)), '@') != NULL;
}

static void
open_link (CsApplication *app)
{
  g_autoptr (GFile) file = g_file_new_for_uri (invite_link);

  /* As the command line does: "cousinade 'xmpp:…'". */
  g_application_open (G_APPLICATION (app), &file, 1, "");
}

static GtkWindow *
wait_for_page (void)
{
  GtkWindow *page = wait_for_window (CS_TYPE_INVITE_PAGE);
  g_autofree char *invites =
    g_strdup_printf (_ ("%s invites you to join, to see each other in video calls."), "Papy Jean");

  settle ();
  wait_for_label (GTK_WIDGET (page), "Famille Dupont");
  wait_for_label (GTK_WIDGET (page), invites);
  /* No address, server or password on the page. */
  g_assert_null (find_descendant (GTK_WIDGET (page), has_at_sign, NULL));
  return page;
}

static void
join_with_link (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  GtkWindow *page;

  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))), ==,
                   _ ("Sign in to share circles"));
  open_link (app);
  page = wait_for_page ();
  shoot (page, "onboarding-invite");

  /* The test's user has no real name on the system: she types hers. */
  if (*gtk_editable_get_text (GTK_EDITABLE (get_widget (page, "name_row"))) == '\0')
    {
      type_text (get_widget (page, "name_row"), "Mamie Jeanne");
      actions++;
    }
  click (get_widget (page, "join_button"));
  actions++;
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (page, "stack"))), ==,
                   "working");
  /* No picture of "Setting Up…" here: on a local server the account is often ready, and the
   * page gone, while a picture is being taken. */

  wait_for_window_gone (CS_TYPE_INVITE_PAGE);
  wait_for (check_online, window, "the new account to be online");
  /* She is in the circle the link leads to, under its name, with no further question. */
  wait_for_label (get_widget (window, "circles_list"), "Famille Dupont");
  wait_for (check_in_room, app, "the new account to enter the circle's room");
  /* The circle page shown at once follows: its call button works without going elsewhere. */
  wait_for (check_callable, window, "the circle's call button to be usable");
  settle ();
  shoot (window, "onboarding-online");
  g_test_message ("Actions from opening the link to signed in: %u", actions);
}

static void
reuse_link (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  GtkWindow *page;
  g_autofree char *someone_new =
    g_strdup_printf (_ ("This link is for someone new to Cousinade. You already have an "
                        "account: ask %s to add you to the circle."),
                     "Papy Jean");
  g_autofree char *used =
    g_strdup_printf (_ ("This invitation has expired or was already used. Ask %s for a new link."),
                     "Papy Jean");

  /* Signed in already: the link is for someone new, and nothing changes. */
  wait_for (check_online, window, "the account to be online again");
  open_link (app);
  wait_for_label (GTK_WIDGET (window), someone_new);
  g_assert_null (find_window (CS_TYPE_INVITE_PAGE));

  /* A profile without an account, as on another computer. */
  cs_account_session_sign_out (cs_application_get_session (app));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))), ==,
                   _ ("Sign in to share circles"));
  open_link (app);
  page = wait_for_page ();
  type_text (get_widget (page, "name_row"), "Tante Odile");
  click (get_widget (page, "join_button"));
  wait_for_label (GTK_WIDGET (page), used);
  g_assert_true (gtk_widget_get_sensitive (get_widget (page, "join_button")));
  shoot (page, "onboarding-used");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))), ==,
                   _ ("Sign in to share circles"));
  gtk_window_close (page);
}

static void
assert_no_password_in (const char *dir, const char *password)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          /* The keyring's own files are where it belongs (and are encrypted). */
          if (g_strcmp0 (name, "keyrings") != 0)
            assert_no_password_in (path, password);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      if (memmem (contents, length, password, strlen (password)) != NULL)
        g_error ("The password is in %s", path);
    }
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  *(char **) user_data = cs_account_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_onboarding (void)
{
  CsTestServerOptions options = { .allow_registration = FALSE, .invites = TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (CsXmppClient) organiser = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autofree char *host = NULL;
  g_autofree char *password = NULL;

  server = cs_test_server_start (&options, &error);
  g_assert_no_error (error);
  g_setenv ("COUSINADE_CA_FILE", cs_test_server_get_ca_file (server), TRUE);
  host = g_strdup_printf ("127.0.0.1:%u", cs_test_server_get_port (server));
  g_setenv ("COUSINADE_SERVER", host, TRUE);

  /* The organiser asks his server for an invite and sends the link. */
  g_assert_true (cs_test_server_add_user (server, ORGANISER, ORGANISER_PASSWORD, &error));
  g_assert_no_error (error);
  organiser = cs_test_client_new (server, ORGANISER);
  g_assert_true (cs_test_client_sign_in (organiser, ORGANISER_PASSWORD, FALSE, &error));
  g_assert_no_error (error);
  cs_account_invites_create_async (organiser, NULL, cs_test_on_done, &result);
  invite = cs_account_invites_create_finish (organiser, cs_test_wait_result (&result), &error);
  g_assert_no_error (error);
  room = g_strdup_printf ("famille-dupont-3fa9c1@%s", cs_test_server_get_muc_domain (server));
  invite_link = cs_xmpp_invite_build_link (invite->uri, room, "Famille Dupont", "Papy Jean");
  new_address = g_strdup_printf ("mamie.jeanne@%s", cs_test_server_get_domain (server));

  run_app (join_with_link);
  g_assert_cmpuint (actions, <=, 2);

  /* The password is in the Secret Service, and nowhere in the profile. */
  cs_account_secrets_lookup_async (new_address, NULL, on_looked_up, &password);
  while (password == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (strlen (password), >=, 16);
  assert_no_password_in (g_get_home_dir (), password);
  assert_no_password_in (g_get_user_data_dir (), password);
  assert_no_password_in (g_get_user_config_dir (), password);

  run_app (reuse_link);

  cs_xmpp_client_disconnect (organiser);
  g_unsetenv ("COUSINADE_SERVER");
  g_unsetenv ("COUSINADE_CA_FILE");
  g_clear_pointer (&invite_link, g_free);
  g_clear_pointer (&new_address, g_free);
  g_clear_pointer (&room, g_free);
  g_clear_pointer (&server, cs_test_server_free);
}

/* /ui/onboarding/unreachable */

static void
join_unreachable (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  GtkWindow *page;

  open_link (app);
  page = wait_for_page ();
  type_text (get_widget (page, "name_row"), "Mamie Jeanne");
  click (get_widget (page, "join_button"));
  wait_for_label (GTK_WIDGET (page), _ ("Cousinade could not reach the server of this "
                                        "invitation. Check that this computer is connected to "
                                        "the internet, then try again."));
  /* She can try again, and nothing was kept. */
  g_assert_true (gtk_widget_get_sensitive (get_widget (page, "join_button")));
  shoot (page, "onboarding-unreachable");
  g_assert_null (cs_account_session_get_client (cs_application_get_session (app)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))), ==,
                   _ ("Sign in to share circles"));
  gtk_window_close (page);
}

static void
test_unreachable (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetSocketAddress) bound = NULL;
  g_autoptr (GSocketAddress) any = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GError) error = NULL;
  g_autofree char *host = NULL;

  /* A port nothing listens on: bound and closed again. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket, &error));
  g_assert_no_error (error);
  host = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (bound));
  g_socket_close (socket, NULL);
  g_setenv ("COUSINADE_SERVER", host, TRUE);

  invite_link = cs_xmpp_invite_build_link ("xmpp:papy@localhost?roster;preauth=Zq7xK2pL9w;ibr=y",
                                           NULL, "Famille Dupont", "Papy Jean");
  run_app (join_unreachable);

  g_unsetenv ("COUSINADE_SERVER");
  g_clear_pointer (&invite_link, g_free);
}

/* /ui/onboarding/paste-link */

static gboolean
is_text (GtkWidget *widget, const char *unused)
{
  return GTK_IS_TEXT (widget);
}

/* Pastes @link into the welcome page's field and presses Enter, as a user would. */
static void
paste_link (GtkWindow *window, const char *link)
{
  GtkWidget *row = get_widget (window, "welcome_link_row");

  type_text (row, link);
  /* What the Enter key does in the field. */
  g_signal_emit_by_name (find_descendant (row, is_text, NULL), "activate");
  settle ();
}

static void
paste_on_welcome (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  g_autofree char *damaged = g_strndup (invite_link, strstr (invite_link, "preauth") - invite_link);
  g_autoptr (GError) error = NULL;
  g_autoptr (CsXmppInvite) invite = cs_xmpp_invite_parse (damaged, &error);
  GtkWidget *error_label;
  GtkWindow *page;
  GtkWindow *dialog;

  /* A fresh profile: no circle, no account, the welcome page. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                     GTK_STACK (get_widget (window, "content_stack"))),
                   ==, "welcome");
  settle ();
  shoot (window, "onboarding-welcome");

  /* A damaged link: the reason, in plain words, under the field, and nothing else. */
  g_assert_null (invite);
  g_assert_nonnull (error);
  paste_link (window, damaged);
  error_label = get_widget (window, "welcome_link_error");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==, error->message);
  g_assert_null (find_window (CS_TYPE_INVITE_PAGE));
  shoot (window, "onboarding-welcome-damaged");

  /* The whole link: the same page as a link opened from the desktop. */
  paste_link (window, invite_link);
  g_assert_false (gtk_widget_get_visible (error_label));
  page = wait_for_page ();
  shoot (page, "onboarding-pasted");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (get_widget (window, "account_label"))), ==,
                   _ ("Sign in to share circles"));
  gtk_window_close (page);
  wait_for_window_gone (CS_TYPE_INVITE_PAGE);

  /* A circle's link, as when opened from the desktop: with no account, first sign in. */
  paste_link (window, "xmpp:famille-dupont@conference.localhost?join");
  g_assert_false (gtk_widget_get_visible (error_label));
  dialog = wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   _ ("Sign In to Join"));
  gtk_window_close (dialog);
}

static void
test_paste_link (void)
{
  invite_link = cs_xmpp_invite_build_link ("xmpp:papy@localhost?roster;preauth=Zq7xK2pL9w;ibr=y",
                                           NULL, "Famille Dupont", "Papy Jean");
  run_app (paste_on_welcome);
  g_clear_pointer (&invite_link, g_free);
}

int
main (int argc, char *argv[])
{
  const char *locale_dir = g_getenv ("CS_LOCALE_DIR");

  /* The expected texts in the language the test runs in, from the build's translations. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir != NULL ? locale_dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (g_str_has_prefix (g_getenv ("LANG") != NULL ? g_getenv ("LANG") : "", "fr"))
    suffix = "-fr";
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/onboarding/invite-link", test_onboarding);
  g_test_add_func ("/ui/onboarding/unreachable", test_unreachable);
  g_test_add_func ("/ui/onboarding/paste-link", test_paste_link);
  return g_test_run ();
}
