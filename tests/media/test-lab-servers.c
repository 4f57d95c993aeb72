/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-lab-servers"

#include "config.h"

#include "cs-lab.h"
#include "cs-lab-helper.h"
#include "cs-test-client.h"
#include "cs-test-turn.h"

#include <strophe.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Two plain hosts and two behind NATs of their own. */
#define N_HOSTS 4
#define PLAIN_HOST 0
#define NAT_HOST_A 2
#define NAT_HOST_B 3

#define TURN_PORT 3478
/* turnutils_peer's port: the echo peer, in the lab or in a host. */
#define ECHO_PORT 3480
#define TIMEOUT_SECONDS 20
#define HELPER_TIMEOUT_MS 5000
#define RELAYED_DATAGRAMS 20
#define CREDENTIALS_TTL_SECONDS 3600

/* RFC 5389 and RFC 5766: what a TURN client needs, no more. */
#define STUN_MAGIC_COOKIE 0x2112A442
#define STUN_HEADER_LENGTH 20
#define STUN_ALLOCATE 0x0003
#define STUN_CREATE_PERMISSION 0x0008
#define STUN_SEND_INDICATION 0x0016
#define STUN_DATA_INDICATION 0x0017
#define STUN_SUCCESS_CLASS 0x0100
#define STUN_ERROR_CLASS 0x0110
#define STUN_ATTR_USERNAME 0x0006
#define STUN_ATTR_MESSAGE_INTEGRITY 0x0008
#define STUN_ATTR_ERROR_CODE 0x0009
#define STUN_ATTR_XOR_PEER_ADDRESS 0x0012
#define STUN_ATTR_DATA 0x0013
#define STUN_ATTR_REALM 0x0014
#define STUN_ATTR_NONCE 0x0015
#define STUN_ATTR_XOR_RELAYED_ADDRESS 0x0016
#define STUN_ATTR_REQUESTED_TRANSPORT 0x0019
#define STUN_INTEGRITY_LENGTH 20
#define IPPROTO_UDP_NUMBER 17

#define RELAY_MAGIC "cs-relayed"

static char *self_exe;

/* A small TURN client, run in a host's namespace as a helper (--turn-relay),
 * so that the test sees what a call between two NAT'd hosts would: each
 * allocates a relay on coturn, permits the other's relay address, and sends
 * to it through its own relay. */

typedef struct
{
  GSocket *socket;
  GSocketAddress *server;
  char *username;
  char *realm;
  char *nonce;
  guint8 key[16];
} TurnClient;

static void
stun_begin (GByteArray *message, guint16 type, guint8 *transaction_id)
{
  guint16 type_be = g_htons (type);
  guint32 cookie = g_htonl (STUN_MAGIC_COOKIE);
  guint8 zero_length[2] = { 0, 0 };

  g_byte_array_set_size (message, 0);
  g_byte_array_append (message, (guint8 *) &type_be, 2);
  g_byte_array_append (message, zero_length, 2);
  g_byte_array_append (message, (guint8 *) &cookie, 4);
  for (guint i = 0; i < 12; i++)
    transaction_id[i] = (guint8) g_random_int_range (0, 256);
  g_byte_array_append (message, transaction_id, 12);
}

static void
stun_set_length (GByteArray *message, gsize body_length)
{
  guint16 length_be = g_htons ((guint16) body_length);

  memcpy (message->data + 2, &length_be, 2);
}

static void
stun_add (GByteArray *message, guint16 type, const void *value, gsize length)
{
  guint16 header[2] = { g_htons (type), g_htons ((guint16) length) };
  guint8 padding[3] = { 0, 0, 0 };

  g_byte_array_append (message, (guint8 *) header, 4);
  g_byte_array_append (message, value, length);
  g_byte_array_append (message, padding, (4 - length % 4) % 4);
  stun_set_length (message, message->len - STUN_HEADER_LENGTH);
}

static void
stun_add_xor_address (GByteArray *message, guint16 type, GInetSocketAddress *address)
{
  guint8 value[8] = { 0, 1 };
  guint16 port = g_inet_socket_address_get_port (address) ^ (STUN_MAGIC_COOKIE >> 16);
  guint32 ip;

  memcpy (&ip, g_inet_address_to_bytes (g_inet_socket_address_get_address (address)), 4);
  ip ^= g_htonl (STUN_MAGIC_COOKIE);
  port = g_htons (port);
  memcpy (value + 2, &port, 2);
  memcpy (value + 4, &ip, 4);
  stun_add (message, type, value, sizeof value);
}

/* Long-term credentials: HMAC-SHA1 keyed with MD5(username:realm:password),
 * over the message with its length already counting the integrity attribute. */
static void
stun_add_integrity (GByteArray *message, const guint8 *key)
{
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, key, 16);
  guint8 digest[STUN_INTEGRITY_LENGTH];
  gsize digest_length = sizeof digest;

  stun_set_length (message, message->len - STUN_HEADER_LENGTH + 4 + STUN_INTEGRITY_LENGTH);
  g_hmac_update (hmac, message->data, message->len);
  g_hmac_get_digest (hmac, digest, &digest_length);
  stun_add (message, STUN_ATTR_MESSAGE_INTEGRITY, digest, digest_length);
}

static const guint8 *
stun_find (const guint8 *message, gsize length, guint16 type, gsize *value_length)
{
  gsize offset = STUN_HEADER_LENGTH;

  while (offset + 4 <= length)
    {
      guint16 attribute_type = (guint16) (message[offset] << 8 | message[offset + 1]);
      gsize attribute_length = (gsize) (message[offset + 2] << 8 | message[offset + 3]);

      if (offset + 4 + attribute_length > length)
        return NULL;
      if (attribute_type == type)
        {
          *value_length = attribute_length;
          return message + offset + 4;
        }
      offset += 4 + attribute_length + (4 - attribute_length % 4) % 4;
    }

  return NULL;
}

static GSocketAddress *
stun_read_xor_address (const guint8 *message, gsize length, guint16 type)
{
  gsize value_length = 0;
  const guint8 *value = stun_find (message, length, type, &value_length);
  g_autoptr (GInetAddress) address = NULL;
  guint16 port;
  guint32 ip;

  if (value == NULL || value_length != 8 || value[1] != 1)
    return NULL;

  memcpy (&port, value + 2, 2);
  memcpy (&ip, value + 4, 4);
  port = g_ntohs (port) ^ (STUN_MAGIC_COOKIE >> 16);
  ip ^= g_htonl (STUN_MAGIC_COOKIE);
  address = g_inet_address_new_from_bytes ((guint8 *) &ip, G_SOCKET_FAMILY_IPV4);

  return g_inet_socket_address_new (address, port);
}

static char *
stun_read_string (const guint8 *message, gsize length, guint16 type)
{
  gsize value_length = 0;
  const guint8 *value = stun_find (message, length, type, &value_length);

  return value != NULL ? g_strndup ((const char *) value, value_length) : NULL;
}

static guint16
stun_message_type (const guint8 *message)
{
  return (guint16) (message[0] << 8 | message[1]);
}

static char *
address_to_string (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  return g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (inet));
}

/* Sends a request and returns the answer with the same transaction, in @answer. */
static gboolean
turn_transact (TurnClient *client,
               GByteArray *request,
               const guint8 *transaction_id,
               guint8 *answer,
               gsize *answer_length)
{
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      gint64 deadline = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;

      if (g_socket_send_to (client->socket, client->server, (const char *) request->data,
                            request->len, NULL, NULL) < 0)
        return FALSE;

      while (g_get_monotonic_time () < deadline)
        {
          gssize length;

          if (!g_socket_condition_timed_wait (client->socket, G_IO_IN,
                                              deadline - g_get_monotonic_time (), NULL, NULL))
            break;
          length = g_socket_receive (client->socket, (char *) answer, 1500, NULL, NULL);
          if (length >= STUN_HEADER_LENGTH && memcmp (answer + 8, transaction_id, 12) == 0)
            {
              *answer_length = (gsize) length;
              return TRUE;
            }
        }
    }

  return FALSE;
}

static void
turn_add_credentials (TurnClient *client, GByteArray *message)
{
  stun_add (message, STUN_ATTR_USERNAME, client->username, strlen (client->username));
  stun_add (message, STUN_ATTR_REALM, client->realm, strlen (client->realm));
  stun_add (message, STUN_ATTR_NONCE, client->nonce, strlen (client->nonce));
  stun_add_integrity (message, client->key);
}

/* Returns the relayed address, or NULL after printing why. */
static GSocketAddress *
turn_allocate (TurnClient *client, const char *password)
{
  g_autoptr (GByteArray) request = g_byte_array_new ();
  g_autoptr (GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  guint8 transport[4] = { IPPROTO_UDP_NUMBER, 0, 0, 0 };
  guint8 transaction_id[12];
  guint8 answer[1500];
  gsize answer_length = 0;
  gsize key_length = sizeof client->key;

  /* The first request learns the realm and nonce from the 401 it gets. */
  stun_begin (request, STUN_ALLOCATE, transaction_id);
  stun_add (request, STUN_ATTR_REQUESTED_TRANSPORT, transport, sizeof transport);
  if (!turn_transact (client, request, transaction_id, answer, &answer_length) ||
      stun_message_type (answer) != (STUN_ALLOCATE | STUN_ERROR_CLASS))
    {
      printf ("error no challenge from the server\n");
      return NULL;
    }
  client->realm = stun_read_string (answer, answer_length, STUN_ATTR_REALM);
  client->nonce = stun_read_string (answer, answer_length, STUN_ATTR_NONCE);
  if (client->realm == NULL || client->nonce == NULL)
    {
      printf ("error the challenge has no realm or nonce\n");
      return NULL;
    }

  g_checksum_update (md5, (const guchar *) client->username, -1);
  g_checksum_update (md5, (const guchar *) ":", 1);
  g_checksum_update (md5, (const guchar *) client->realm, -1);
  g_checksum_update (md5, (const guchar *) ":", 1);
  g_checksum_update (md5, (const guchar *) password, -1);
  g_checksum_get_digest (md5, client->key, &key_length);

  stun_begin (request, STUN_ALLOCATE, transaction_id);
  stun_add (request, STUN_ATTR_REQUESTED_TRANSPORT, transport, sizeof transport);
  turn_add_credentials (client, request);
  if (!turn_transact (client, request, transaction_id, answer, &answer_length))
    {
      printf ("error no answer to the authenticated allocation\n");
      return NULL;
    }
  if (stun_message_type (answer) != (STUN_ALLOCATE | STUN_SUCCESS_CLASS))
    {
      gsize length = 0;
      const guint8 *code = stun_find (answer, answer_length, STUN_ATTR_ERROR_CODE, &length);

      printf ("error allocation refused: %d\n",
              code != NULL && length >= 4 ? code[2] * 100 + code[3] : -1);
      return NULL;
    }

  return stun_read_xor_address (answer, answer_length, STUN_ATTR_XOR_RELAYED_ADDRESS);
}

static gboolean
turn_create_permission (TurnClient *client, GSocketAddress *peer)
{
  g_autoptr (GByteArray) request = g_byte_array_new ();
  guint8 transaction_id[12];
  guint8 answer[1500];
  gsize answer_length = 0;

  stun_begin (request, STUN_CREATE_PERMISSION, transaction_id);
  stun_add_xor_address (request, STUN_ATTR_XOR_PEER_ADDRESS, G_INET_SOCKET_ADDRESS (peer));
  turn_add_credentials (client, request);

  return turn_transact (client, request, transaction_id, answer, &answer_length) &&
         stun_message_type (answer) == (STUN_CREATE_PERMISSION | STUN_SUCCESS_CLASS);
}

static char *
read_stdin_line (void)
{
  char line[256];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;

  return g_strstrip (g_strdup (line));
}

/* --turn-relay SERVER PORT USERNAME PASSWORD: prints "relay ADDRESS:PORT",
 * reads "peer ADDRESS:PORT", permits it and prints "permitted", reads "go",
 * then sends RELAYED_DATAGRAMS datagrams to the peer through the relay while
 * counting the ones the peer sends, and prints "received N from ADDRESS:PORT". */
static int
turn_relay_main (int argc, char *argv[])
{
  TurnClient client = { 0 };
  g_autoptr (GSocketAddress) relay = NULL;
  g_autoptr (GSocketAddress) peer = NULL;
  g_autoptr (GSocketAddress) seen_from = NULL;
  g_autoptr (GByteArray) indication = g_byte_array_new ();
  g_autofree char *relay_string = NULL;
  g_autofree char *line = NULL;
  g_autofree char *seen_string = NULL;
  guint8 transaction_id[12];
  guint received = 0;
  guint sent = 0;
  gint64 deadline;
  gint64 next_send;

  if (argc != 6)
    g_error ("Usage: %s --turn-relay SERVER PORT USERNAME PASSWORD", argv[0]);

  client.server =
    g_inet_socket_address_new_from_string (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  client.username = argv[4];
  client.socket =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert (client.server != NULL && client.socket != NULL);

  relay = turn_allocate (&client, argv[5]);
  if (relay == NULL)
    return 0;
  relay_string = address_to_string (relay);
  printf ("relay %s\n", relay_string);
  fflush (stdout);

  line = read_stdin_line ();
  if (line == NULL || !g_str_has_prefix (line, "peer "))
    g_error ("Expected the peer's relay address, got %s", line);
  {
    g_autofree char *host = g_strndup (line + 5, strcspn (line + 5, ":"));
    const char *port = strrchr (line, ':');

    peer =
      g_inet_socket_address_new_from_string (host, (guint) g_ascii_strtoull (port + 1, NULL, 10));
  }
  if (!turn_create_permission (&client, peer))
    {
      printf ("error permission refused\n");
      return 0;
    }
  printf ("permitted\n");
  fflush (stdout);

  g_clear_pointer (&line, g_free);
  line = read_stdin_line ();
  if (g_strcmp0 (line, "go") != 0)
    g_error ("Expected go, got %s", line);

  /* Sends every 10 ms; stops once both sides are done or at the deadline. */
  deadline = g_get_monotonic_time () + HELPER_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  next_send = g_get_monotonic_time ();
  while (g_get_monotonic_time () < deadline &&
         (received < RELAYED_DATAGRAMS || sent < RELAYED_DATAGRAMS))
    {
      guint8 datagram[1500];
      gssize length;

      if (sent < RELAYED_DATAGRAMS && g_get_monotonic_time () >= next_send)
        {
          g_autofree char *payload = g_strdup_printf (RELAY_MAGIC " %u", sent);

          stun_begin (indication, STUN_SEND_INDICATION, transaction_id);
          stun_add_xor_address (indication, STUN_ATTR_XOR_PEER_ADDRESS,
                                G_INET_SOCKET_ADDRESS (peer));
          stun_add (indication, STUN_ATTR_DATA, payload, strlen (payload));
          if (g_socket_send_to (client.socket, client.server, (const char *) indication->data,
                                indication->len, NULL, NULL) >= 0)
            sent++;
          next_send += 10 * G_TIME_SPAN_MILLISECOND;
        }

      if (!g_socket_condition_timed_wait (client.socket, G_IO_IN, 10 * G_TIME_SPAN_MILLISECOND,
                                          NULL, NULL))
        continue;
      length = g_socket_receive (client.socket, (char *) datagram, sizeof datagram, NULL, NULL);
      if (length >= STUN_HEADER_LENGTH && stun_message_type (datagram) == STUN_DATA_INDICATION)
        {
          gsize data_length = 0;
          const guint8 *data = stun_find (datagram, (gsize) length, STUN_ATTR_DATA, &data_length);

          if (data != NULL && data_length >= strlen (RELAY_MAGIC) &&
              memcmp (data, RELAY_MAGIC, strlen (RELAY_MAGIC)) == 0)
            {
              received++;
              g_clear_object (&seen_from);
              seen_from =
                stun_read_xor_address (datagram, (gsize) length, STUN_ATTR_XOR_PEER_ADDRESS);
            }
        }
    }

  seen_string = seen_from != NULL ? address_to_string (seen_from) : g_strdup ("nobody");
  printf ("received %u from %s\n", received, seen_string);
  fflush (stdout);

  g_object_unref (client.socket);
  g_object_unref (client.server);
  g_free (client.realm);
  g_free (client.nonce);
  return 0;
}

/* --udp-echo ADDRESS PORT: sends five datagrams to an echo peer and prints
 * "echoed N", how many came back within a second after the last. */
static int
udp_echo_main (int argc, char *argv[])
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  guint echoed = 0;
  gint64 deadline;

  if (argc != 4)
    g_error ("Usage: %s --udp-echo ADDRESS PORT", argv[0]);

  address =
    g_inet_socket_address_new_from_string (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert (address != NULL && socket != NULL);

  for (guint i = 0; i < 5; i++)
    {
      /* A send with no route fails at once: the datagram went nowhere. */
      (void) g_socket_send_to (socket, address, "cs-echo", 7, NULL, NULL);
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }

  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (echoed < 5 && g_get_monotonic_time () < deadline)
    {
      char buffer[64];

      if (g_socket_condition_timed_wait (socket, G_IO_IN, deadline - g_get_monotonic_time (), NULL,
                                         NULL) &&
          g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) == 7 &&
          memcmp (buffer, "cs-echo", 7) == 0)
        echoed++;
    }

  printf ("echoed %u\n", echoed);
  return 0;
}

/* --xmpp-probe ADDRESS PORT: prints "features" when an XMPP server there
 * answers a stream header with its stream features, else "error ...". */
static int
xmpp_probe_main (int argc, char *argv[])
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnectable) address = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GString) received = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *header = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
                       "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  char chunk[4096];
  gssize length;

  if (argc != 4)
    g_error ("Usage: %s --xmpp-probe ADDRESS PORT", argv[0]);

  g_socket_client_set_timeout (client, 3);
  address = G_SOCKET_CONNECTABLE (
    g_inet_socket_address_new_from_string (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10)));
  connection = g_socket_client_connect (client, address, NULL, &error);
  if (connection == NULL ||
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), header,
                                  strlen (header), NULL, NULL, &error))
    {
      printf ("error %s\n", error->message);
      return 0;
    }

  while (strstr (received->str, "</stream:features>") == NULL &&
         (length = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                        chunk, sizeof chunk, NULL, &error)) > 0)
    g_string_append_len (received, chunk, length);

  printf ("%s\n",
          strstr (received->str, "</stream:features>") != NULL ? "features" : "error no features");
  return 0;
}

/* Helpers for the test. */

/* Runs @argv in @host's namespace (this program when argv[0] is NULL). */
static CsLabHelper *
helper_start (CsLab *lab, guint host, const char *const *argv)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) command = NULL;

  g_strv_builder_add (builder, argv[0] != NULL ? argv[0] : self_exe);
  g_strv_builder_addv (builder, (const char **) argv + 1);
  command = g_strv_builder_end (builder);

  return cs_lab_helper_start (lab, host, (const char *const *) command);
}

/* Runs a helper mode of this program in @host's namespace and returns its one line. */
static char *
run_helper (CsLab *lab, guint host, const char *const *argv)
{
  g_autoptr (CsLabHelper) helper = helper_start (lab, host, argv);
  char *line = cs_lab_helper_read_line (helper);

  g_subprocess_wait (helper->process, NULL, NULL);
  return line;
}

static guint
echoes (CsLab *lab, guint from, const char *address)
{
  g_autofree char *port = g_strdup_printf ("%u", ECHO_PORT);
  const char *argv[] = { NULL, "--udp-echo", address, port, NULL };
  g_autofree char *line = run_helper (lab, from, argv);

  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "echoed "));
  g_test_message ("%s → %s: %s", cs_lab_get_address (lab, from), address, line);
  return (guint) g_ascii_strtoull (line + strlen ("echoed "), NULL, 10);
}

/* A raw XEP-0215 query with libstrophe on this thread, its own context. */

typedef struct
{
  gboolean done;
  gboolean failed;
  /* What went wrong, for the failure message. */
  char *why;
  char *iq_id;
  /* One "type transport host port username password" line per service. */
  GPtrArray *services;
} Discovery;

static int
on_services (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *user_data)
{
  Discovery *discovery = user_data;
  xmpp_stanza_t *services =
    xmpp_stanza_get_child_by_name_and_ns (stanza, "services", "urn:xmpp:extdisco:2");

  discovery->done = TRUE;
  if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") != 0 || services == NULL)
    {
      char *text = NULL;
      size_t length = 0;

      xmpp_stanza_to_text (stanza, &text, &length);
      discovery->why = g_strdup_printf ("the answer is no list of services: %s", text);
      xmpp_free (xmpp_conn_get_context (conn), text);
      discovery->failed = TRUE;
      return 0;
    }

  for (xmpp_stanza_t *service = xmpp_stanza_get_children (services); service != NULL;
       service = xmpp_stanza_get_next (service))
    {
      if (g_strcmp0 (xmpp_stanza_get_name (service), "service") != 0)
        continue;
      g_ptr_array_add (discovery->services,
                       g_strdup_printf ("%s %s %s %s %s %s",
                                        xmpp_stanza_get_attribute (service, "type"),
                                        xmpp_stanza_get_attribute (service, "transport"),
                                        xmpp_stanza_get_attribute (service, "host"),
                                        xmpp_stanza_get_attribute (service, "port"),
                                        xmpp_stanza_get_attribute (service, "username"),
                                        xmpp_stanza_get_attribute (service, "password")));
    }

  return 0;
}

static void
on_strophe_connection (xmpp_conn_t *conn,
                       xmpp_conn_event_t event,
                       int error,
                       xmpp_stream_error_t *stream_error,
                       void *user_data)
{
  Discovery *discovery = user_data;
  xmpp_ctx_t *ctx = xmpp_conn_get_context (conn);
  xmpp_stanza_t *iq;
  xmpp_stanza_t *services;

  if (event != XMPP_CONN_CONNECT)
    {
      /* The disconnection that follows the answer is no failure. */
      if (!discovery->done)
        {
          discovery->why =
            g_strdup_printf ("the connection failed (event %d, error %d)", event, error);
          discovery->failed = discovery->done = TRUE;
        }
      return;
    }

  iq = xmpp_iq_new (ctx, "get", discovery->iq_id);
  xmpp_stanza_set_to (iq, "localhost");
  services = xmpp_stanza_new (ctx);
  xmpp_stanza_set_name (services, "services");
  xmpp_stanza_set_ns (services, "urn:xmpp:extdisco:2");
  xmpp_stanza_set_attribute (services, "type", "turn");
  xmpp_stanza_add_child (iq, services);
  xmpp_stanza_release (services);

  xmpp_id_handler_add (conn, on_services, discovery->iq_id, discovery);
  xmpp_send (conn, iq);
  xmpp_stanza_release (iq);
}

static GPtrArray *
discover_turn_services (CsTestServer *server, const char *jid, const char *password)
{
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;
  Discovery discovery = { 0 };
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  discovery.iq_id = g_uuid_string_random ();
  discovery.services = g_ptr_array_new_with_free_func (g_free);

  xmpp_initialize ();
  ctx = xmpp_ctx_new (NULL, NULL);
  conn = xmpp_conn_new (ctx);
  xmpp_conn_set_jid (conn, jid);
  xmpp_conn_set_pass (conn, password);
  xmpp_conn_set_cafile (conn, cs_test_server_get_ca_file (server));
  g_assert_cmpint (xmpp_connect_client (conn, cs_test_server_get_host (server),
                                        cs_test_server_get_port (server), on_strophe_connection,
                                        &discovery),
                   ==, XMPP_EOK);

  while (!discovery.done && g_get_monotonic_time () < deadline)
    xmpp_run_once (ctx, 100);

  xmpp_disconnect (conn);
  for (guint i = 0; i < 20 && xmpp_conn_is_connected (conn); i++)
    xmpp_run_once (ctx, 50);
  xmpp_conn_release (conn);
  xmpp_ctx_free (ctx);
  xmpp_shutdown ();

  if (!discovery.done)
    g_error ("No answer to the XEP-0215 query within %d s", TIMEOUT_SECONDS);
  if (discovery.failed)
    g_error ("XEP-0215 query: %s", discovery.why);
  g_free (discovery.iq_id);
  return discovery.services;
}

/* The test. */

static void
test_servers (void)
{
  const gboolean behind_nat[N_HOSTS] = { FALSE, FALSE, TRUE, TRUE };
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (CsTestTurn) turn = NULL;
  g_autoptr (CsTestServer) server = NULL;
  g_autoptr (CsXmppClient) client = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsLabHelper) echo_peer = NULL;
  g_autoptr (CsLabHelper) nat_echo_peer = NULL;
  g_autofree char *address = NULL;
  g_autofree char *server_port = NULL;
  g_autofree char *turn_port = g_strdup_printf ("%u", TURN_PORT);
  g_autofree char *echo_port = g_strdup_printf ("%u", ECHO_PORT);
  g_autofree char *turn_line = NULL;
  g_auto (GStrv) prosody_turn = NULL;
  const char *servers;
  CsTestServerOptions server_options = { .allow_registration = TRUE };
  CsTestTurnOptions turn_options = { 0 };

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new_full (N_HOSTS, behind_nat, &error);
  g_assert_no_error (error);
  servers = cs_lab_get_address (lab, CS_LAB_SERVERS);

  /* Before any thread of ours makes a socket: the client's thread starts later, in here. */
  cs_lab_enter_servers (lab, &error);
  g_assert_no_error (error);

  turn_options.address = servers;
  turn_options.port = TURN_PORT;
  turn = cs_test_turn_start (&turn_options, &error);
  g_assert_no_error (error);

  server_options.address = servers;
  server_options.turn_host = cs_test_turn_get_address (turn);
  server_options.turn_port = cs_test_turn_get_port (turn);
  server_options.turn_secret = cs_test_turn_get_secret (turn);
  server = cs_test_server_start (&server_options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_test_server_get_host (server), ==, "10.77.0.254");
  g_assert_cmpstr (cs_test_server_get_turn_secret (server), ==, cs_test_turn_get_secret (turn));
  server_port = g_strdup_printf ("%u", cs_test_server_get_port (server));

  /* (a) The app's own client, in the test process, signs up and goes online there. */
  client = cs_test_client_new (server, "grandma");
  address = g_strdup (cs_xmpp_client_get_address (client));
  g_assert_true (cs_test_client_sign_in (client, "pw", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_xmpp_client_get_state (client), ==, CS_XMPP_STATE_ONLINE);
  cs_xmpp_client_disconnect (client);

  /* (b) Prosody hands out the TURN server and credentials (XEP-0215). */
  services = discover_turn_services (server, address, "pw");
  for (guint i = 0; i < services->len; i++)
    {
      g_test_message ("XEP-0215 service: %s", (const char *) services->pdata[i]);
      if (g_str_has_prefix (services->pdata[i], "turn udp "))
        turn_line = g_strdup (services->pdata[i]);
    }
  g_assert_nonnull (turn_line);
  prosody_turn = g_strsplit (turn_line, " ", -1);
  g_assert_cmpuint (g_strv_length (prosody_turn), ==, 6);
  g_assert_cmpstr (prosody_turn[2], ==, "10.77.0.254");
  g_assert_cmpstr (prosody_turn[3], ==, turn_port);
  g_assert_true (g_pattern_match_simple ("*:*", prosody_turn[4]) ||
                 g_ascii_strtoll (prosody_turn[4], NULL, 10) > g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpstr (prosody_turn[5], !=, "(null)");
  {
    g_autofree char *expected_password = NULL;
    g_autofree char *username = NULL;
    g_autofree char *name =
      strchr (prosody_turn[4], ':') != NULL ? g_strdup (strchr (prosody_turn[4], ':') + 1) : NULL;

    /* Prosody's password is the REST API one, for its username and coturn's secret. */
    cs_test_turn_make_credentials (cs_test_turn_get_secret (turn), name,
                                   g_ascii_strtoll (prosody_turn[4], NULL, 10), &username,
                                   &expected_password);
    g_assert_cmpstr (username, ==, prosody_turn[4]);
    g_assert_cmpstr (prosody_turn[5], ==, expected_password);
  }

  /* An echo peer where the servers are, for coturn's own client below. */
  {
    const char *argv[] = { "turnutils_peer", "-L", servers, "-p", echo_port, NULL };

    echo_peer = helper_start (lab, CS_LAB_SERVERS, argv);
  }

  /* (c) From behind each NAT, coturn's own client allocates with credentials made from the
   * secret the REST API way, and its traffic comes back through the relay. */
  for (guint host = NAT_HOST_A; host <= NAT_HOST_B; host++)
    {
      g_autofree char *username = NULL;
      g_autofree char *password = NULL;
      g_autofree char *name = g_strdup_printf ("host%u", host);
      const char *argv[] = {
        "turnutils_uclient", "-u", NULL, "-w", NULL, "-p", turn_port, "-e", servers, "-r",
        echo_port,           "-n", "20", "-m", "1",  "-c", servers,   NULL
      };
      g_autoptr (CsLabHelper) uclient = NULL;
      g_autofree char *output = NULL;
      g_autofree char *lost = NULL;
      char *line;

      cs_test_turn_make_credentials (cs_test_turn_get_secret (turn), name,
                                     g_get_real_time () / G_USEC_PER_SEC + CREDENTIALS_TTL_SECONDS,
                                     &username, &password);
      argv[2] = username;
      argv[4] = password;
      uclient = helper_start (lab, host, argv);
      while ((line = cs_lab_helper_read_line (uclient)) != NULL)
        {
          if (strstr (line, "Total lost packets") != NULL)
            lost = g_strdup (strstr (line, "Total lost packets"));
          if (strstr (line, "tot_recv_msgs=") != NULL &&
              strstr (line, "start_mclient: tot") != NULL)
            {
              g_free (output);
              output = g_strdup (strstr (line, "tot_send_msgs"));
            }
          g_free (line);
        }
      g_subprocess_wait (uclient->process, NULL, NULL);
      g_test_message ("turnutils_uclient from %s: %s; %s", cs_lab_get_address (lab, host), output,
                      lost);
      g_assert_true (g_subprocess_get_successful (uclient->process));
      g_assert_cmpstr (output, ==, "tot_send_msgs=20, tot_recv_msgs=20");
      g_assert_cmpstr (lost, ==,
                       "Total lost packets 0 (0.000000%), total send dropped 0 (0.000000%)");
    }

  /* ...and between the two NAT'd hosts, relay to relay: A with Prosody's credentials, as the
   * app will, B with credentials made here. */
  {
    g_autofree char *username = NULL;
    g_autofree char *password = NULL;
    const char *argv_a[] = { NULL,      "--turn-relay",  servers,
                             turn_port, prosody_turn[4], prosody_turn[5],
                             NULL };
    const char *argv_b[] = { NULL, "--turn-relay", servers, turn_port, NULL, NULL, NULL };
    g_autoptr (CsLabHelper) a = NULL;
    g_autoptr (CsLabHelper) b = NULL;
    g_autofree char *relay_a = NULL;
    g_autofree char *relay_b = NULL;
    g_autofree char *peer_line = NULL;
    g_autofree char *result_a = NULL;
    g_autofree char *result_b = NULL;
    g_autofree char *expected_a = NULL;
    g_autofree char *expected_b = NULL;
    g_autofree char *permitted = NULL;

    cs_test_turn_make_credentials (cs_test_turn_get_secret (turn), "host-b",
                                   g_get_real_time () / G_USEC_PER_SEC + CREDENTIALS_TTL_SECONDS,
                                   &username, &password);
    argv_b[4] = username;
    argv_b[5] = password;

    a = helper_start (lab, NAT_HOST_A, argv_a);
    b = helper_start (lab, NAT_HOST_B, argv_b);
    relay_a = cs_lab_helper_read_line (a);
    relay_b = cs_lab_helper_read_line (b);
    g_assert_true (g_str_has_prefix (relay_a, "relay 10.77.0.254:"));
    g_assert_true (g_str_has_prefix (relay_b, "relay 10.77.0.254:"));

    peer_line = g_strdup_printf ("peer %s", relay_b + strlen ("relay "));
    cs_lab_helper_write_line (a, peer_line);
    g_free (peer_line);
    peer_line = g_strdup_printf ("peer %s", relay_a + strlen ("relay "));
    cs_lab_helper_write_line (b, peer_line);
    permitted = cs_lab_helper_read_line (a);
    g_assert_cmpstr (permitted, ==, "permitted");
    g_free (permitted);
    permitted = cs_lab_helper_read_line (b);
    g_assert_cmpstr (permitted, ==, "permitted");

    cs_lab_helper_write_line (a, "go");
    cs_lab_helper_write_line (b, "go");
    result_a = cs_lab_helper_read_line (a);
    result_b = cs_lab_helper_read_line (b);
    g_test_message ("Relayed: A %s, B %s", result_a, result_b);
    /* Each got everything the other sent, coming from the other's relay. */
    expected_a =
      g_strdup_printf ("received %u from %s", RELAYED_DATAGRAMS, relay_b + strlen ("relay "));
    expected_b =
      g_strdup_printf ("received %u from %s", RELAYED_DATAGRAMS, relay_a + strlen ("relay "));
    g_assert_cmpstr (result_a, ==, expected_a);
    g_assert_cmpstr (result_b, ==, expected_b);
  }

  /* (d) The NAT'd hosts reach the servers, but not each other, by any address; a plain host
   * cannot reach into a NAT either. */
  {
    const char *argv[] = { "turnutils_peer", "-L", cs_lab_get_address (lab, NAT_HOST_B), "-p",
                           echo_port,        NULL };

    nat_echo_peer = helper_start (lab, NAT_HOST_B, argv);
  }
  g_assert_cmpuint (echoes (lab, NAT_HOST_A, servers), ==, 5);
  g_assert_cmpuint (echoes (lab, NAT_HOST_B, servers), ==, 5);
  g_assert_cmpuint (echoes (lab, NAT_HOST_B, cs_lab_get_address (lab, NAT_HOST_B)), ==, 5);
  g_assert_cmpuint (echoes (lab, NAT_HOST_A, cs_lab_get_address (lab, NAT_HOST_B)), ==, 0);
  g_assert_cmpuint (echoes (lab, NAT_HOST_A, cs_lab_get_public_address (lab, NAT_HOST_B)), ==, 0);
  g_assert_cmpuint (echoes (lab, PLAIN_HOST, cs_lab_get_public_address (lab, NAT_HOST_B)), ==, 0);

  /* (e) Prosody answers hosts on both sides of a NAT. */
  for (guint host = 0; host < N_HOSTS; host++)
    {
      const char *argv[] = { NULL, "--xmpp-probe", servers, server_port, NULL };
      g_autofree char *line = run_helper (lab, host, argv);

      g_test_message ("XMPP from %s: %s", cs_lab_get_address (lab, host), line);
      g_assert_cmpstr (line, ==, "features");
    }

  /* Servers first: running in the lab's namespace, they would keep it alive. */
  g_clear_pointer (&nat_echo_peer, cs_lab_helper_free);
  g_clear_pointer (&echo_peer, cs_lab_helper_free);
  g_clear_object (&client);
  g_clear_pointer (&server, cs_test_server_free);
  g_clear_pointer (&turn, cs_test_turn_free);
}

int
main (int argc, char *argv[])
{
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  if (argc >= 2 && g_str_equal (argv[1], "--turn-relay"))
    return turn_relay_main (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "--udp-echo"))
    return udp_echo_main (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "--xmpp-probe"))
    return xmpp_probe_main (argc, argv);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lab-servers/prosody-coturn-nat", test_servers);

  return g_test_run ();
}
