/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-interop"

#include "config.h"

#include "cs-test-server.h"
#include "cs-xmpp-client.h"

#define ROOM "dupont@rooms.localhost"

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static CsXmppClient *
signed_up (CsTestServer *server, const char *address, const char *password)
{
  CsXmppClient *client = cs_xmpp_client_new (address);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  cs_xmpp_client_set_server (client, cs_test_server_get_host (server),
                             cs_test_server_get_port (server));
  cs_xmpp_client_set_ca_file (client, cs_test_server_get_ca_file (server));
  cs_xmpp_client_register_async (client, password, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cs_xmpp_client_register_finish (client, result, &error));
  g_assert_no_error (error);

  return client;
}

static void
on_room_joined (CsXmppClient *client, const char *room, gboolean created, gboolean *joined)
{
  *joined = TRUE;
}

static void
on_member_listed (CsXmppClient *client,
                  const char *room,
                  const char *jid,
                  const char *affiliation,
                  gboolean *listed)
{
  *listed = TRUE;
}

/* Profanity, another client, joins a room Cousinade created and shows the circle's name. */
static void
test_profanity_joins (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = cs_test_server_start (NULL, &error);
  g_autoptr (CsXmppClient) guest = NULL;
  g_autoptr (CsXmppClient) owner = NULL;
  g_autoptr (GSubprocess) profanity = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *port = NULL;
  gboolean joined = FALSE;
  gboolean listed = FALSE;

  g_assert_no_error (error);

  /* The guest's account exists; Profanity will use it. */
  guest = signed_up (server, "prof@localhost", "profpass");
  cs_xmpp_client_disconnect (guest);

  owner = signed_up (server, "owner@localhost", "ownerpass");
  while (cs_xmpp_client_get_muc_service (owner) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (owner, "room-joined", G_CALLBACK (on_room_joined), &joined);
  cs_xmpp_client_join_room (owner, ROOM, "owner", TRUE, "Cousinade Dupont");
  while (!joined)
    g_main_context_iteration (NULL, TRUE);
  cs_xmpp_client_set_affiliation (owner, ROOM, "prof@localhost", "member");

  /* The circle is renamed: the room's name follows. The member list, asked after, answers
   * only once the server has handled the rename before it. */
  cs_xmpp_client_configure_room (owner, ROOM, "Cousinade Dupont-Martin");
  g_signal_connect (owner, "member-listed", G_CALLBACK (on_member_listed), &listed);
  cs_xmpp_client_list_members (owner, ROOM);
  while (!listed)
    g_main_context_iteration (NULL, TRUE);

  port = g_strdup_printf ("%u", cs_test_server_get_port (server));
  profanity =
    g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, CS_TEST_NET_DIR "/profanity-join.sh", port,
                      ROOM, "Cousinade Dupont", "prof@localhost", "profpass", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (profanity, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_wait_check_finish (profanity, result, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interop/profanity-joins", test_profanity_joins);

  return g_test_run ();
}
