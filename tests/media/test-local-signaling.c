/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-local-signaling"

#include "config.h"

#include "cs-local-hub.h"
#include "cs-local-signaling.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include <string.h>

#define TIMEOUT_SECONDS 10
#define CALL "dupont-sunday"
#define OTHER_CALL "martin-friday"
/* Real SDP spans lines; it must cross the hub intact. */
#define SDP_OFFER "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define SDP_ANSWER "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=- \"quoted\" \\ é\r\nt=0 0\r\n"
#define CANDIDATE "candidate:1 1 UDP 2122252543 10.0.0.2 40000 typ host"

#define WAIT_UNTIL(condition)                                                      \
  G_STMT_START                                                                     \
  {                                                                                \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC; \
    while (!(condition))                                                           \
      {                                                                            \
        if (g_get_monotonic_time () > deadline_)                                   \
          g_error ("Timed out waiting until %s", #condition);                      \
        iterate ();                                                                \
      }                                                                            \
  }                                                                                \
  G_STMT_END

typedef struct
{
  char *dir;
  char *socket_path;
  CsLocalHub *hub;
} Fixture;

/* One participant through CsLocalSignaling, and what it saw, as lines such as
 * "roster alice/Alice bob/Bob", "joined carol Carol" or "description alice offer <sdp>". */
typedef struct
{
  CsCallSignaling *signaling;
  GPtrArray *seen;
} Peer;

/* A participant speaking the protocol by hand, or not speaking it at all. */
typedef struct
{
  GSocketConnection *connection;
  GDataInputStream *input;
  GCancellable *cancellable;
  GPtrArray *lines;
  /* Writes go one at a time: a stream takes one pending operation. */
  GQueue unsent;
  GBytes *writing;
  gboolean reading;
  gboolean closed;
} Raw;

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate (void)
{
  /* Wakes the loop now and then, so that the deadline is checked even when nothing happens. */
  g_autoptr (GSource) tick = g_timeout_source_new (50);

  g_source_set_callback (tick, on_tick, NULL, NULL);
  g_source_attach (tick, NULL);
  g_main_context_iteration (NULL, TRUE);
  g_source_destroy (tick);
}

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
record (Peer *peer, char *line)
{
  g_test_message ("%s saw: %.200s", cs_call_signaling_get_local_id (peer->signaling), line);
  g_ptr_array_add (peer->seen, line);
}

static void
on_roster (CsCallSignaling *signaling, GStrv ids, GStrv names, Peer *peer)
{
  g_autoptr (GString) line = g_string_new ("roster");

  g_assert_cmpuint (g_strv_length (ids), ==, g_strv_length (names));
  for (guint i = 0; ids[i] != NULL; i++)
    g_string_append_printf (line, " %s/%s", ids[i], names[i]);
  record (peer, g_string_free (g_steal_pointer (&line), FALSE));
}

static void
on_participant_joined (CsCallSignaling *signaling, const char *id, const char *name, Peer *peer)
{
  record (peer, g_strdup_printf ("joined %s %s", id, name));
}

static void
on_participant_left (CsCallSignaling *signaling, const char *id, Peer *peer)
{
  record (peer, g_strdup_printf ("left %s", id));
}

static void
on_description (CsCallSignaling *signaling,
                const char *from,
                const char *type,
                const char *sdp,
                Peer *peer)
{
  record (peer, g_strdup_printf ("description %s %s %s", from, type, sdp));
}

static void
on_candidate (CsCallSignaling *signaling,
              const char *from,
              guint mline,
              const char *candidate,
              Peer *peer)
{
  record (peer, g_strdup_printf ("candidate %s %u %s", from, mline, candidate));
}

static void
on_media_state (CsCallSignaling *signaling,
                const char *from,
                gboolean muted,
                gboolean camera_off,
                Peer *peer)
{
  record (peer, g_strdup_printf ("media-state %s %d %d", from, muted, camera_off));
}

static void
on_failed (CsCallSignaling *signaling, GError *error, Peer *peer)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  record (peer, g_strdup_printf ("failed %s", error->message));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cs-local-signaling-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->socket_path = g_build_filename (fixture->dir, "hub.socket", NULL);
  fixture->hub = cs_local_hub_new (fixture->socket_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->hub);
  g_assert_cmpstr (cs_local_hub_get_path (fixture->hub), ==, fixture->socket_path);
  g_assert_true (g_file_test (fixture->socket_path, G_FILE_TEST_EXISTS));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->hub != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->hub));
  settle ();
  /* The next hub on this path must be able to bind it. */
  g_assert_false (g_file_test (fixture->socket_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->socket_path);
  g_free (fixture->dir);
}

static Peer *
peer_new_at (const char *socket_path, const char *call, const char *id)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->signaling = CS_CALL_SIGNALING (cs_local_signaling_new (socket_path, call, id));
  peer->seen = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (peer->signaling, "roster", G_CALLBACK (on_roster), peer);
  g_signal_connect (peer->signaling, "participant-joined", G_CALLBACK (on_participant_joined),
                    peer);
  g_signal_connect (peer->signaling, "participant-left", G_CALLBACK (on_participant_left), peer);
  g_signal_connect (peer->signaling, "description", G_CALLBACK (on_description), peer);
  g_signal_connect (peer->signaling, "candidate", G_CALLBACK (on_candidate), peer);
  g_signal_connect (peer->signaling, "media-state", G_CALLBACK (on_media_state), peer);
  g_signal_connect (peer->signaling, "failed", G_CALLBACK (on_failed), peer);
  g_assert_cmpstr (cs_call_signaling_get_local_id (peer->signaling), ==, id);

  return peer;
}

static Peer *
peer_new (Fixture *fixture, const char *call, const char *id)
{
  return peer_new_at (fixture->socket_path, call, id);
}

static gboolean
peer_saw (Peer *peer, const char *line)
{
  return g_ptr_array_find_with_equal_func (peer->seen, line, g_str_equal, NULL);
}

static gboolean
peer_saw_prefix (Peer *peer, const char *prefix)
{
  for (guint i = 0; i < peer->seen->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (peer->seen, i), prefix))
      return TRUE;
  return FALSE;
}

/* Joins and waits for the roster, which must be @expected_roster. */
static Peer *
peer_joined (Fixture *fixture, const char *call, const char *id, const char *expected_roster)
{
  Peer *peer = peer_new (fixture, call, id);
  g_autofree char *name = g_strdup (id);

  name[0] = g_ascii_toupper (name[0]);
  cs_call_signaling_join (peer->signaling, name);
  WAIT_UNTIL (peer_saw_prefix (peer, "roster"));
  g_assert_cmpstr (g_ptr_array_index (peer->seen, 0), ==, expected_roster);

  return peer;
}

/* Drops the object without leave(), as a killed process would. */
static void
peer_free (Peer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->signaling, peer);
  g_assert_finalize_object (peer->signaling);
  g_ptr_array_unref (peer->seen);
  g_free (peer);
}

static void raw_read_next (Raw *raw);

static void
on_raw_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Raw *raw = user_data;
  g_autoptr (GError) error = NULL;
  char *line =
    g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  raw->reading = FALSE;
  if (line == NULL)
    {
      raw->closed = TRUE;
      return;
    }
  g_ptr_array_add (raw->lines, line);
  raw_read_next (raw);
}

static void
raw_read_next (Raw *raw)
{
  raw->reading = TRUE;
  g_data_input_stream_read_line_async (raw->input, G_PRIORITY_DEFAULT, raw->cancellable,
                                       on_raw_line, raw);
}

/* A reader that never reads lets the other end's queue for it fill up. */
static Raw *
raw_new_for_connection (GSocketConnection *connection, gboolean reads)
{
  Raw *raw = g_new0 (Raw, 1);

  raw->connection = g_object_ref (connection);
  raw->input =
    g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (raw->connection)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (raw->input), FALSE);
  raw->cancellable = g_cancellable_new ();
  raw->lines = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&raw->unsent);
  if (reads)
    raw_read_next (raw);

  return raw;
}

static Raw *
raw_new (Fixture *fixture, gboolean reads)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (fixture->socket_path);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;

  /* A Unix socket connects as soon as the hub's backlog has room: no loop needed. */
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  return raw_new_for_connection (connection, reads);
}

static void raw_write_next (Raw *raw);

static void
on_raw_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Raw *raw = user_data;

  g_clear_pointer (&raw->writing, g_bytes_unref);
  /* The other end may hang up in the middle of a long line: that is what is being tested. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    g_queue_clear_full (&raw->unsent, (GDestroyNotify) g_bytes_unref);
  raw_write_next (raw);
}

static void
raw_write_next (Raw *raw)
{
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (raw->connection));
  gconstpointer data;
  gsize size;

  if (raw->writing != NULL || g_queue_is_empty (&raw->unsent))
    return;

  raw->writing = g_queue_pop_head (&raw->unsent);
  data = g_bytes_get_data (raw->writing, &size);
  g_output_stream_write_all_async (output, data, size, G_PRIORITY_DEFAULT, raw->cancellable,
                                   on_raw_written, raw);
}

static void
raw_send_bytes (Raw *raw, GBytes *bytes)
{
  g_queue_push_tail (&raw->unsent, g_bytes_ref (bytes));
  raw_write_next (raw);
}

static void
raw_send (Raw *raw, const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

  raw_send_bytes (raw, bytes);
}

static void
raw_free (Raw *raw)
{
  g_cancellable_cancel (raw->cancellable);
  WAIT_UNTIL (!raw->reading && raw->writing == NULL);
  g_io_stream_close (G_IO_STREAM (raw->connection), NULL, NULL);
  g_object_unref (raw->cancellable);
  g_object_unref (raw->input);
  g_assert_finalize_object (raw->connection);
  g_ptr_array_unref (raw->lines);
  g_queue_clear_full (&raw->unsent, (GDestroyNotify) g_bytes_unref);
  g_free (raw);
}

static void
test_roster (Fixture *fixture, gconstpointer data)
{
  Peer *alice = peer_joined (fixture, CALL, "alice", "roster");
  Peer *bob = NULL;
  Peer *carol = NULL;
  Peer *dave = NULL;
  Peer *impostor = NULL;

  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 1);

  bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  WAIT_UNTIL (peer_saw (alice, "joined bob Bob"));

  carol = peer_joined (fixture, CALL, "carol", "roster alice/Alice bob/Bob");
  WAIT_UNTIL (peer_saw (alice, "joined carol Carol") && peer_saw (bob, "joined carol Carol"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 3);

  /* Calls do not mix. */
  dave = peer_joined (fixture, OTHER_CALL, "dave", "roster");
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, OTHER_CALL), ==, 1);
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, "nobody-here"), ==, 0);

  /* Someone else claiming alice's id is turned away; alice stays. */
  impostor = peer_new (fixture, CALL, "alice");
  cs_call_signaling_join (impostor->signaling, "Not Alice");
  WAIT_UNTIL (peer_saw_prefix (impostor, "failed"));
  g_assert_false (peer_saw_prefix (impostor, "roster"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 3);

  /* Arrivals reach everyone in order, and nobody hears of the other call or the impostor. */
  cs_call_signaling_send_media_state (carol->signaling, TRUE, FALSE);
  WAIT_UNTIL (peer_saw (alice, "media-state carol 1 0") && peer_saw (bob, "media-state carol 1 0"));
  g_assert_cmpuint (alice->seen->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (alice->seen, 1), ==, "joined bob Bob");
  g_assert_cmpstr (g_ptr_array_index (alice->seen, 2), ==, "joined carol Carol");
  g_assert_cmpuint (bob->seen->len, ==, 3);
  g_assert_cmpuint (dave->seen->len, ==, 1);

  peer_free (impostor);
  peer_free (dave);
  peer_free (carol);
  peer_free (bob);
  peer_free (alice);
}

static gpointer
send_candidates_from_thread (gpointer user_data)
{
  CsCallSignaling *signaling = user_data;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *candidate =
        g_strdup_printf ("candidate:%u 1 UDP 1 10.0.0.2 %u typ host", i, 40000 + i);

      cs_call_signaling_send_candidate (signaling, "alice", i, candidate);
    }
  return NULL;
}

static void
test_relay (Fixture *fixture, gconstpointer data)
{
  Peer *alice = peer_joined (fixture, CALL, "alice", "roster");
  Peer *bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  Peer *carol = peer_joined (fixture, CALL, "carol", "roster alice/Alice bob/Bob");
  Peer *dave = NULL;
  Raw *mallory = NULL;
  g_autoptr (GString) big_sdp = g_string_new ("v=0\r\n");
  g_autofree char *big_line = NULL;
  GThread *thread = NULL;

  /* Offer, answer and candidate reach their addressee only, with the sender's id. */
  cs_call_signaling_send_description (alice->signaling, "bob", "offer", SDP_OFFER);
  cs_call_signaling_send_candidate (alice->signaling, "bob", 1, CANDIDATE);
  WAIT_UNTIL (peer_saw (bob, "description alice offer " SDP_OFFER) &&
              peer_saw (bob, "candidate alice 1 " CANDIDATE));
  cs_call_signaling_send_description (bob->signaling, "alice", "answer", SDP_ANSWER);
  WAIT_UNTIL (peer_saw (alice, "description bob answer " SDP_ANSWER));

  /* Media state goes to everyone but its sender. */
  cs_call_signaling_send_media_state (alice->signaling, FALSE, TRUE);
  WAIT_UNTIL (peer_saw (bob, "media-state alice 0 1") && peer_saw (carol, "media-state alice 0 1"));

  /* The hub keeps order, so once carol has this, she would have had the rest too. */
  cs_call_signaling_send_description (alice->signaling, "carol", "offer", "v=0 for carol");
  WAIT_UNTIL (peer_saw (carol, "description alice offer v=0 for carol"));
  g_assert_false (peer_saw_prefix (carol, "description alice offer v=0\r\n"));
  g_assert_false (peer_saw_prefix (carol, "candidate"));
  g_assert_false (peer_saw_prefix (alice, "media-state"));

  /* A message to someone not in the call is dropped, and the sender stays connected. */
  cs_call_signaling_send_description (alice->signaling, "nobody", "offer", SDP_OFFER);
  cs_call_signaling_send_candidate (alice->signaling, "bob", 0, "candidate:after-nobody");
  WAIT_UNTIL (peer_saw (bob, "candidate alice 0 candidate:after-nobody"));
  g_assert_false (peer_saw_prefix (alice, "failed"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 3);

  /* What is sent before the connection is up waits for it, after the join. */
  dave = peer_new (fixture, CALL, "dave");
  cs_call_signaling_send_candidate (dave->signaling, "alice", 0, "candidate:before-join");
  cs_call_signaling_join (dave->signaling, "Dave");
  cs_call_signaling_send_description (dave->signaling, "alice", "offer", "v=0 before connected");
  WAIT_UNTIL (peer_saw (alice, "description dave offer v=0 before connected"));
  g_assert_true (peer_saw (alice, "candidate dave 0 candidate:before-join"));
  g_assert_true (peer_saw (alice, "joined dave Dave"));

  /* A client cannot speak for someone else: the hub says who sent what. */
  mallory = raw_new (fixture, TRUE);
  raw_send (mallory, "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"mallory\",\"name\":\"M\"}\n"
                     "{\"type\":\"description\",\"to\":\"bob\",\"from\":\"alice\","
                     "\"sdp_type\":\"offer\",\"sdp\":\"spoofed\"}\n"
                     "{\"type\":\"candidate\",\"from\":\"alice\",\"to\":\"bob\",\"mline\":0,"
                     "\"candidate\":\"spoofed\"}\n");
  WAIT_UNTIL (peer_saw (bob, "description mallory offer spoofed") &&
              peer_saw (bob, "candidate mallory 0 spoofed"));
  g_assert_false (peer_saw (bob, "description alice offer spoofed"));
  g_assert_false (peer_saw (bob, "candidate alice 0 spoofed"));
  g_assert_cmpuint (mallory->lines->len, >=, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (mallory->lines, 0), "{\"type\":\"roster\""));

  /* A large description (many codecs, many candidates) fits. */
  while (big_sdp->len < 200 * 1024)
    g_string_append (big_sdp, "a=candidate:1 1 UDP 2122252543 10.0.0.2 40000 typ host\r\n");
  cs_call_signaling_send_description (bob->signaling, "carol", "answer", big_sdp->str);
  big_line = g_strdup_printf ("description bob answer %s", big_sdp->str);
  WAIT_UNTIL (peer_saw (carol, big_line));

  /* Candidates come from webrtcbin's threads; they must arrive, in order. */
  thread = g_thread_new ("candidates", send_candidates_from_thread, bob->signaling);
  g_thread_join (thread);
  WAIT_UNTIL (peer_saw_prefix (alice, "candidate bob 99 "));
  for (guint i = 0, expected = 0; i < alice->seen->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("candidate bob %u ", expected);

      if (g_str_has_prefix (g_ptr_array_index (alice->seen, i), "candidate bob "))
        {
          g_assert_true (g_str_has_prefix (g_ptr_array_index (alice->seen, i), prefix));
          expected++;
        }
    }

  raw_free (mallory);
  peer_free (dave);
  peer_free (carol);
  peer_free (bob);
  peer_free (alice);
}

static void
test_departure (Fixture *fixture, gconstpointer data)
{
  Peer *alice = peer_joined (fixture, CALL, "alice", "roster");
  Peer *bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  Peer *carol = peer_joined (fixture, CALL, "carol", "roster alice/Alice bob/Bob");
  Peer *dave = peer_joined (fixture, CALL, "dave", "roster alice/Alice bob/Bob carol/Carol");
  Peer *frank = NULL;
  Peer *grace = NULL;
  Raw *erin = NULL;

  g_assert_true (cs_local_hub_get_announce_departures (fixture->hub));

  /* Saying goodbye. */
  cs_call_signaling_leave (carol->signaling);
  WAIT_UNTIL (peer_saw (alice, "left carol") && peer_saw (bob, "left carol") &&
              peer_saw (dave, "left carol"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 3);
  /* Leaving twice, or sending after leaving, does nothing. */
  cs_call_signaling_leave (carol->signaling);
  cs_call_signaling_send_media_state (carol->signaling, TRUE, TRUE);
  settle ();
  g_assert_false (peer_saw_prefix (carol, "failed"));

  /* A process that dies without a word. */
  peer_free (bob);
  WAIT_UNTIL (peer_saw (alice, "left bob") && peer_saw (dave, "left bob"));

  /* Someone who hangs up the connection right after joining. */
  erin = raw_new (fixture, TRUE);
  raw_send (erin, "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"erin\",\"name\":\"Erin\"}\n");
  WAIT_UNTIL (erin->lines->len == 1 && peer_saw (alice, "joined erin Erin"));
  raw_free (erin);
  WAIT_UNTIL (peer_saw (alice, "left erin") && peer_saw (dave, "left erin"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 2);

  /* Leaving before the connection is even up: nobody hears of frank. */
  frank = peer_new (fixture, CALL, "frank");
  cs_call_signaling_join (frank->signaling, "Frank");
  cs_call_signaling_leave (frank->signaling);
  cs_call_signaling_send_media_state (dave->signaling, TRUE, TRUE);
  WAIT_UNTIL (peer_saw (alice, "media-state dave 1 1"));
  settle ();
  g_assert_false (peer_saw_prefix (alice, "joined frank"));
  g_assert_cmpuint (frank->seen->len, ==, 0);
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 2);

  /* Or dying before it is up. */
  grace = peer_new (fixture, CALL, "grace");
  cs_call_signaling_join (grace->signaling, "Grace");
  peer_free (grace);
  cs_call_signaling_send_media_state (dave->signaling, FALSE, FALSE);
  WAIT_UNTIL (peer_saw (alice, "media-state dave 0 0"));
  settle ();
  g_assert_false (peer_saw_prefix (alice, "joined grace"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 2);

  /* Nobody who stayed was told to go. */
  g_assert_false (peer_saw_prefix (alice, "failed"));
  g_assert_false (peer_saw_prefix (dave, "failed"));
  g_assert_false (peer_saw (dave, "left alice"));

  peer_free (frank);
  peer_free (carol);
  peer_free (dave);
  peer_free (alice);
}

static void
test_silent_departure (Fixture *fixture, gconstpointer data)
{
  Peer *alice = NULL;
  Peer *bob = NULL;
  Peer *carol = NULL;

  cs_local_hub_set_announce_departures (fixture->hub, FALSE);
  g_assert_false (cs_local_hub_get_announce_departures (fixture->hub));

  alice = peer_joined (fixture, CALL, "alice", "roster");
  bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  WAIT_UNTIL (peer_saw (alice, "joined bob Bob"));

  /* The hub notices bob is gone, but keeps quiet about it... */
  peer_free (bob);
  WAIT_UNTIL (cs_local_hub_get_n_participants (fixture->hub, CALL) == 1);
  carol = peer_joined (fixture, CALL, "carol", "roster alice/Alice");
  WAIT_UNTIL (peer_saw (alice, "joined carol Carol"));
  g_assert_false (peer_saw_prefix (alice, "left"));

  /* ...while someone who says goodbye is still announced. */
  cs_call_signaling_leave (carol->signaling);
  WAIT_UNTIL (peer_saw (alice, "left carol"));
  g_assert_false (peer_saw (alice, "left bob"));

  peer_free (carol);
  peer_free (alice);
}

static void
test_failed (Fixture *fixture, gconstpointer data)
{
  Peer *alice = peer_joined (fixture, CALL, "alice", "roster");
  Peer *bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  Peer *carol = peer_joined (fixture, CALL, "carol", "roster alice/Alice bob/Bob");
  g_autofree char *nowhere = g_build_filename (fixture->dir, "no-hub.socket", NULL);
  Peer *lost = NULL;

  /* Someone who left before the hub went away is not bothered. */
  cs_call_signaling_leave (carol->signaling);
  WAIT_UNTIL (peer_saw (alice, "left carol"));

  g_assert_finalize_object (g_steal_pointer (&fixture->hub));
  WAIT_UNTIL (peer_saw_prefix (alice, "failed") && peer_saw_prefix (bob, "failed"));
  g_assert_true (peer_saw (alice, "failed The call's signalling connection was lost"));
  g_assert_false (peer_saw_prefix (carol, "failed"));
  /* Nothing comes after a failure, even when asked. */
  cs_call_signaling_send_media_state (alice->signaling, TRUE, TRUE);
  cs_call_signaling_leave (alice->signaling);
  settle ();
  g_assert_cmpuint (alice->seen->len, ==, 5);

  /* No hub at all. */
  lost = peer_new_at (nowhere, CALL, "lost");
  cs_call_signaling_join (lost->signaling, "Lost");
  WAIT_UNTIL (peer_saw_prefix (lost, "failed Could not reach the call's signalling hub"));

  peer_free (lost);
  peer_free (carol);
  peer_free (bob);
  peer_free (alice);
}

/* Each of these gets its sender disconnected; none may hurt the hub or anyone else. */
static const char *const hostile_lines[] = {
  "not JSON at all\n",
  "[1, 2, 3]\n",
  "\"just a string\"\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":42,\"name\":\"Number\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"\",\"name\":\"Empty\"}\n",
  "{\"type\":\"join\",\"call\":[],\"id\":\"zed\",\"name\":\"Zed\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":{\"nested\":true}}\n",
  "{\"type\":\"description\",\"to\":\"alice\",\"sdp_type\":\"offer\",\"sdp\":\"before join\"}\n",
  "{\"type\":null}\n",
  "{}\n",
  "\n",
  /* Valid joins, then something that breaks the protocol. */
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed2\",\"name\":\"Zed\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"description\",\"to\":\"alice\",\"sdp_type\":\"pranswer\",\"sdp\":\"x\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"candidate\",\"to\":\"alice\",\"mline\":-1,\"candidate\":\"x\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"candidate\",\"to\":\"alice\",\"mline\":1.5,\"candidate\":\"x\"}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"media-state\",\"muted\":\"yes\",\"camera_off\":false}\n",
  "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"zed\",\"name\":\"Zed\"}\n"
  "{\"type\":\"self-destruct\"}\n",
};

static void
expect_disconnected (Fixture *fixture, GBytes *bytes)
{
  Raw *raw = raw_new (fixture, TRUE);

  raw_send_bytes (raw, bytes);
  WAIT_UNTIL (raw->closed);
  raw_free (raw);
}

static void
test_hostile_input (Fixture *fixture, gconstpointer data)
{
  Peer *alice = peer_joined (fixture, CALL, "alice", "roster");
  Peer *bob = peer_joined (fixture, CALL, "bob", "roster alice/Alice");
  g_autoptr (GByteArray) garbage = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *long_line = NULL;
  Raw *sink = NULL;
  Raw *quiet = NULL;
  g_autoptr (GString) sdp = g_string_new ("v=0\r\n");
  guint sent = 0;

  for (guint i = 0; i < G_N_ELEMENTS (hostile_lines); i++)
    {
      g_test_message ("Hostile line: %s", hostile_lines[i]);
      bytes = g_bytes_new_static (hostile_lines[i], strlen (hostile_lines[i]));
      expect_disconnected (fixture, bytes);
      g_clear_pointer (&bytes, g_bytes_unref);
    }
  /* zed joined and was thrown out: the others hear of both. */
  WAIT_UNTIL (peer_saw (alice, "left zed"));

  /* A NUL would hide what follows it from a careless parser. */
  bytes = g_bytes_new_static ("{\"type\":\"leave\"}\0{\"x\":1}\n", 25);
  expect_disconnected (fixture, bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Bytes that are not text at all, including invalid UTF-8. */
  for (guint i = 0; i < 4096; i++)
    {
      guint8 byte = (i * 7919 + 13) & 0xff;

      g_byte_array_append (garbage, &byte, 1);
    }
  g_byte_array_append (garbage, (const guint8 *) "\xff\xfe\xc0\x80\n", 5);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&garbage));
  expect_disconnected (fixture, bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Nesting that would overflow a recursive parser's stack. */
  deep = g_strnfill (200 * 1024, '[');
  bytes = g_bytes_new_take (g_strconcat (deep, "\n", NULL), 200 * 1024 + 1);
  expect_disconnected (fixture, bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A 1 MiB line, with or without its end: the hub stops listening long before. */
  long_line = g_strnfill (1024 * 1024, 'a');
  bytes = g_bytes_new_take (g_strconcat (long_line, "\n", NULL), 1024 * 1024 + 1);
  expect_disconnected (fixture, bytes);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new_static (long_line, 1024 * 1024);
  expect_disconnected (fixture, bytes);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Someone in the call who never reads: the hub lets go of them rather than hoard. */
  sink = raw_new (fixture, FALSE);
  raw_send (sink, "{\"type\":\"join\",\"call\":\"" CALL "\",\"id\":\"sink\",\"name\":\"Sink\"}\n");
  WAIT_UNTIL (peer_saw (alice, "joined sink Sink"));
  while (sdp->len < 200 * 1024)
    g_string_append (sdp, "a=candidate:1 1 UDP 2122252543 10.0.0.2 40000 typ host\r\n");
  while (!peer_saw (alice, "left sink"))
    {
      g_autofree char *barrier = g_strdup_printf ("candidate:barrier-%u", sent);
      g_autofree char *relayed = g_strdup_printf ("candidate alice 0 %s", barrier);

      /* Paced by bob, so that the hub's queue for sink, not alice's, is what fills. */
      g_assert_cmpuint (sent, <, 200);
      cs_call_signaling_send_description (alice->signaling, "sink", "offer", sdp->str);
      cs_call_signaling_send_candidate (alice->signaling, "bob", 0, barrier);
      sent++;
      WAIT_UNTIL (peer_saw (bob, relayed));
    }
  g_test_message ("The hub let go of a reader that does not read after %u messages", sent);

  /* Someone who connects and says nothing can wait; the others go on meanwhile. */
  quiet = raw_new (fixture, TRUE);

  /* The hub still works for those who behave, and never told them anything false. */
  cs_call_signaling_send_description (alice->signaling, "bob", "offer", SDP_OFFER);
  WAIT_UNTIL (peer_saw (bob, "description alice offer " SDP_OFFER));
  cs_call_signaling_send_media_state (bob->signaling, TRUE, FALSE);
  WAIT_UNTIL (peer_saw (alice, "media-state bob 1 0"));
  g_assert_false (peer_saw_prefix (alice, "failed"));
  g_assert_false (peer_saw_prefix (bob, "failed"));
  g_assert_false (peer_saw_prefix (bob, "description zed"));
  g_assert_false (peer_saw_prefix (bob, "left alice"));
  g_assert_cmpuint (cs_local_hub_get_n_participants (fixture->hub, CALL), ==, 2);
  g_assert_false (quiet->closed);

  raw_free (quiet);
  raw_free (sink);
  peer_free (bob);
  peer_free (alice);
}

static gboolean
on_fake_hub_incoming (GSocketService *service,
                      GSocketConnection *connection,
                      GObject *source_object,
                      gpointer user_data)
{
  *(Raw **) user_data = raw_new_for_connection (connection, TRUE);
  return TRUE;
}

/* What a broken or hostile hub could send; the client must drop each line and carry on. */
static const char *const hostile_hub_lines[] = {
  "not JSON",
  "[\"roster\"]",
  "{\"type\":7}",
  "{\"no\":\"type\"}",
  "{\"type\":\"roster\",\"participants\":{\"id\":\"a\"}}",
  "{\"type\":\"roster\",\"participants\":[{\"id\":\"a\",\"name\":\"A\"},"
  "{\"id\":5,\"name\":\"Five\"},\"x\",null,{\"id\":\"\",\"name\":\"Empty\"},"
  "{\"id\":\"victim\",\"name\":\"Me\"},"
  "{\"id\":\"a\",\"name\":\"Again\"},{\"id\":\"n\"}]}",
  /* Only one roster per call. */
  "{\"type\":\"roster\",\"participants\":[]}",
  "{\"type\":\"joined\",\"id\":\"b\"}",
  "{\"type\":\"joined\",\"id\":\"victim\",\"name\":\"Me\"}",
  "{\"type\":\"left\",\"id\":[\"a\"]}",
  "{\"type\":\"left\"}",
  "{\"type\":\"description\",\"sdp_type\":\"offer\",\"sdp\":\"no sender\"}",
  "{\"type\":\"description\",\"from\":\"a\",\"sdp_type\":\"pranswer\",\"sdp\":\"x\"}",
  "{\"type\":\"description\",\"from\":\"a\",\"sdp_type\":\"offer\",\"sdp\":null}",
  "{\"type\":\"candidate\",\"from\":\"a\",\"mline\":\"1\",\"candidate\":\"x\"}",
  "{\"type\":\"candidate\",\"from\":\"a\",\"mline\":-1,\"candidate\":\"x\"}",
  "{\"type\":\"candidate\",\"from\":\"a\",\"mline\":1099511627776,\"candidate\":\"x\"}",
  "{\"type\":\"candidate\",\"from\":\"a\",\"mline\":0.5,\"candidate\":\"x\"}",
  "{\"type\":\"media-state\",\"from\":\"a\",\"muted\":1,\"camera_off\":false}",
  "{\"type\":\"media-state\",\"from\":\"a\",\"muted\":true}",
  "{\"type\":\"unknown-future-message\",\"from\":\"a\"}",
  "\xff\xfe not UTF-8",
};

static void
test_hostile_hub (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "fake-hub.socket", NULL);
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *deep = g_strnfill (200 * 1024, '{');
  g_autofree char *too_long = NULL;
  /* A NUL would hide what follows it from a careless reader. */
  g_autoptr (GBytes) nul = g_bytes_new_static ("{\"type\":\"left\",\"id\":\"a\"}\0 hidden\n", 33);
  Raw *hub = NULL;
  Peer *victim = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_fake_hub_incoming), &hub);
  g_socket_service_start (service);

  victim = peer_new_at (path, CALL, "victim");
  cs_call_signaling_join (victim->signaling, "Victim");
  WAIT_UNTIL (hub != NULL && hub->lines->len == 1);
  g_assert_cmpstr (g_ptr_array_index (hub->lines, 0), ==,
                   "{\"type\":\"join\",\"call\":\"" CALL
                   "\",\"id\":\"victim\",\"name\":\"Victim\"}");

  for (guint i = 0; i < G_N_ELEMENTS (hostile_hub_lines); i++)
    {
      raw_send (hub, hostile_hub_lines[i]);
      raw_send (hub, "\n");
    }
  raw_send (hub, deep);
  raw_send (hub, "\n");
  too_long =
    g_strdup_printf ("{\"type\":\"joined\",\"id\":\"long\",\"name\":\"%0*d\"}\n", 300 * 1024, 0);
  raw_send (hub, too_long);
  raw_send_bytes (hub, nul);
  raw_send (hub,
            "{\"type\":\"joined\",\"id\":\"b\",\"name\":\"B\"}\n"
            "{\"type\":\"description\",\"from\":\"b\",\"sdp_type\":\"offer\",\"sdp\":\"ok\"}\n");

  WAIT_UNTIL (peer_saw_prefix (victim, "description"));
  g_assert_cmpuint (victim->seen->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (victim->seen, 0), ==, "roster a/A");
  g_assert_cmpstr (g_ptr_array_index (victim->seen, 1), ==, "joined b B");
  g_assert_cmpstr (g_ptr_array_index (victim->seen, 2), ==, "description b offer ok");

  /* The hub going away is the one thing that stops the call. */
  raw_free (g_steal_pointer (&hub));
  WAIT_UNTIL (peer_saw_prefix (victim, "failed"));

  peer_free (victim);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("/local-signaling/roster", test_roster);
  ADD_TEST ("/local-signaling/relay", test_relay);
  ADD_TEST ("/local-signaling/departure", test_departure);
  ADD_TEST ("/local-signaling/silent-departure", test_silent_departure);
  ADD_TEST ("/local-signaling/failed", test_failed);
  ADD_TEST ("/local-signaling/hostile-input", test_hostile_input);
  ADD_TEST ("/local-signaling/hostile-hub", test_hostile_hub);

#undef ADD_TEST

  return g_test_run ();
}
