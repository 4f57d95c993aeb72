/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "call-bench"

#include "config.h"

#include "call-bench-xmpp.h"
#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-local-hub.h"
#include "cs-test-server.h"
#include "cs-test-turn.h"

#include <glib/gstdio.h>
#include <signal.h>

/*
 * What joining costs through a real XMPP server, against the local hub: the same calls of
 * cousinade-bot participants, in the same lab, one through the hub and one through Prosody
 * (with coturn, as a deployment has), alternating so that the shared machine's drift falls
 * on both alike.
 *
 * The zero of every time is the bot's call engine starting to join (cs_call_join(): its
 * media already running, the join handed to signalling), the zero of its own "joined" and
 * "first-frame" events, in both modes. Through Prosody the bot is then already signed in,
 * in its circle's room, and has chosen the call from the invite there: signing in is not
 * counted, as a person clicking Join is signed in already.
 *
 * A pair's time runs from the later of its two zeros to the first picture one decodes from
 * the other, both ways. The earlier one's zero is on its own clock, so the gap between the
 * two zeros comes from when the bench read each "joined" event (minus the "ms" it carries):
 * both are read the same way, so that delay cancels out but for a few ms. Each participant
 * joins once everyone before sees everyone, so joins do not overlap, and the start-up of the
 * next bot (seconds through Prosody: signing up, the circle's room) is in no time.
 */

#define MAX_PARTICIPANTS 6
#define TURN_PORT 3478
/* Signing up, the circle's room and the invite come before "joined" through Prosody. */
#define JOINED_TIMEOUT_MS 60000
#define PICTURE_TIMEOUT_MS 40000

typedef enum
{
  MODE_HUB,
  MODE_XMPP,
  N_MODES
} Mode;

typedef struct
{
  const CsBenchXmppOptions *options;
  CsLab *lab;
  CsTestServer *server;
  CsTestTurn *turn;
  guint serial;
} Bench;

/* What one call gave: every pair's time, and each participant's time to "joined". */
typedef struct
{
  GArray *pairs;
  GArray *joined;
  guint missing;
  /* Which pair was slowest, such as "p1 saw p5", to tell where the time goes. */
  char *slowest;
  double slowest_ms;
} Measure;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
cs_bench_quantile (GArray *values, double q)
{
  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (q * values->len)));
}

static void
append_double (GArray *values, double value)
{
  g_array_append_val (values, value);
}

static char *
xmpp_account (Bench *bench, guint call, guint i)
{
  return g_strdup_printf ("c%up%u@%s", call, i, cs_test_server_get_domain (bench->server));
}

static char **
make_argv (Bench *bench, Mode mode, guint call, guint i, guint n, const char *hub_path)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *id = g_strdup_printf ("p%u", i);
  g_autofree char *name = g_strdup_printf ("P%u", i);

  /* As in the tests: a webrtcbin race under load may print a critical; a participant is
   * judged by the pictures it decodes, not killed for it. */
  g_strv_builder_add_many (builder, "env", "G_DEBUG=", bench->options->bot_path, "--id", id,
                           "--name", name, "--width", "640", "--height", "360", "--fps", "30",
                           NULL);
  if (mode == MODE_HUB)
    {
      g_strv_builder_add_many (builder, "--hub", hub_path, NULL);
    }
  else
    {
      g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *address = xmpp_account (bench, call, i);
      g_autofree char *server = g_strdup_printf ("%s:%u", cs_test_server_get_host (bench->server),
                                                 cs_test_server_get_port (bench->server));
      g_autofree char *circle =
        g_strdup_printf ("bench-%u@%s", call, cs_test_server_get_muc_domain (bench->server));
      g_autofree char *member_list = NULL;

      for (guint k = 0; k < n; k++)
        g_ptr_array_add (members, xmpp_account (bench, call, k));
      g_ptr_array_add (members, NULL);
      member_list = g_strjoinv (",", (char **) members->pdata);
      g_strv_builder_add_many (builder, "--xmpp", address, "--register", "--server", server,
                               "--ca-file", cs_test_server_get_ca_file (bench->server), "--circle",
                               circle, "--members", member_list, NULL);
      if (i == 0)
        g_strv_builder_add_many (builder, "--create-circle", "Bench", "--start-call", NULL);
    }
  return g_strv_builder_end (builder);
}

/* Waits for @bot to decode a picture from participant @peer. */
static gboolean
wait_picture (CsBot *bot, guint peer)
{
  g_autofree char *id = g_strdup_printf ("p%u", peer);

  if (cs_bot_wait_for_event (bot, "first-frame", "peer", id, PICTURE_TIMEOUT_MS))
    return TRUE;
  g_printerr ("%s decoded no picture from %s within %d s\n", cs_bot_get_name (bot), id,
              PICTURE_TIMEOUT_MS / 1000);
  return FALSE;
}

/* One call of @n, joined one after the other. */
static gboolean
measure_call (Bench *bench, Mode mode, guint n, Measure *measure, GError **error)
{
  g_autoptr (GPtrArray) bots = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CsLocalHub) hub = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *hub_path = NULL;
  /* Each participant's zero on the bench's monotonic clock, or -1 if it never joined. */
  gint64 zero[MAX_PARTICIPANTS];
  guint call = ++bench->serial;

  g_assert (n <= MAX_PARTICIPANTS);
  if (mode == MODE_HUB)
    {
      dir = g_dir_make_tmp ("cs-bench-XXXXXX", error);
      if (dir == NULL)
        return FALSE;
      hub_path = g_build_filename (dir, "hub", NULL);
      hub = cs_local_hub_new (hub_path, error);
      if (hub == NULL)
        return FALSE;
    }

  for (guint k = 0; k < n; k++)
    {
      g_auto (GStrv) argv = make_argv (bench, mode, call, k, n, hub_path);
      g_autofree char *name =
        g_strdup_printf ("%s-%u-p%u", mode == MODE_HUB ? "hub" : "xmpp", call, k);
      CsBot *bot = cs_bot_spawn (bench->lab, k, name, (const char *const *) argv, error);
      JsonObject *joined;

      if (bot == NULL)
        return FALSE;
      g_ptr_array_add (bots, bot);

      zero[k] = -1;
      if (!cs_bot_wait_for_event (bot, "joined", NULL, NULL, JOINED_TIMEOUT_MS))
        {
          g_printerr ("%s did not join within %d s\n", name, JOINED_TIMEOUT_MS / 1000);
          continue;
        }
      joined = cs_bot_find_event (bot, "joined", NULL, NULL);
      zero[k] = g_get_monotonic_time () -
                json_object_get_int_member (joined, "ms") * G_TIME_SPAN_MILLISECOND;
      append_double (measure->joined, json_object_get_int_member (joined, "ms"));

      /* Settled: the newcomer and everyone before see each other. */
      for (guint i = 0; i < k; i++)
        if (zero[i] >= 0)
          {
            wait_picture (bot, i);
            wait_picture (g_ptr_array_index (bots, i), k);
          }
    }

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        g_autofree char *peer = g_strdup_printf ("p%u", j);
        JsonObject *event;
        gint64 seen;
        double ms;

        if (i == j)
          continue;
        event = zero[i] >= 0 && zero[j] >= 0
                  ? cs_bot_find_event (g_ptr_array_index (bots, i), "first-frame", "peer", peer)
                  : NULL;
        if (event == NULL)
          {
            measure->missing++;
            continue;
          }
        seen =
          zero[i] + json_object_get_int_member (event, "ms_since_join") * G_TIME_SPAN_MILLISECOND;
        ms = (seen - MAX (zero[i], zero[j])) / 1000.0;
        append_double (measure->pairs, ms);
        if (measure->slowest == NULL || ms > measure->slowest_ms)
          {
            g_free (measure->slowest);
            measure->slowest = g_strdup_printf ("p%u saw p%u", i, j);
            measure->slowest_ms = ms;
          }
      }

  /* Everyone leaves at once rather than one bot's sign-out after the other. */
  for (guint i = 0; i < bots->len; i++)
    cs_bot_kill (g_ptr_array_index (bots, i), SIGTERM);
  g_clear_pointer (&bots, g_ptr_array_unref);
  g_clear_object (&hub);
  if (dir != NULL)
    g_rmdir (dir);
  return TRUE;
}

static gboolean
start_servers (Bench *bench, GError **error)
{
  CsTestServerOptions server_options = { .allow_registration = TRUE };

  bench->lab = cs_lab_new (MAX_PARTICIPANTS, error);
  /* Before the servers: they and the bench's probes of them live at 10.77.0.254. */
  if (bench->lab == NULL || !cs_lab_enter_servers (bench->lab, error))
    return FALSE;

  server_options.address = cs_lab_get_address (bench->lab, CS_LAB_SERVERS);
  if (bench->options->turn)
    {
      CsTestTurnOptions turn_options = { 0 };

      turn_options.address = cs_lab_get_address (bench->lab, CS_LAB_SERVERS);
      turn_options.port = TURN_PORT;
      bench->turn = cs_test_turn_start (&turn_options, error);
      if (bench->turn == NULL)
        return FALSE;
      server_options.turn_host = cs_test_turn_get_address (bench->turn);
      server_options.turn_port = cs_test_turn_get_port (bench->turn);
      server_options.turn_secret = cs_test_turn_get_secret (bench->turn);
    }
  bench->server = cs_test_server_start (&server_options, error);
  return bench->server != NULL;
}

static void
stop_servers (Bench *bench)
{
  g_clear_pointer (&bench->server, cs_test_server_free);
  g_clear_pointer (&bench->turn, cs_test_turn_free);
  /* Takes the thread back to its own namespace too. */
  g_clear_pointer (&bench->lab, cs_lab_free);
}

/* What one call size gave in one mode, over the runs. */
typedef struct
{
  GArray *medians;
  GArray *slowest;
  GArray *joined;
  guint missing;
} Series;

static void
series_clear (Series *series)
{
  g_clear_pointer (&series->medians, g_array_unref);
  g_clear_pointer (&series->slowest, g_array_unref);
  g_clear_pointer (&series->joined, g_array_unref);
}

static gboolean
measure_size (Bench *bench, CsBenchXmppRow *row, GError **error)
{
  Series series[N_MODES] = { { 0 } };
  gboolean ok = TRUE;

  for (Mode mode = 0; mode < N_MODES; mode++)
    {
      series[mode].medians = g_array_new (FALSE, FALSE, sizeof (double));
      series[mode].slowest = g_array_new (FALSE, FALSE, sizeof (double));
      series[mode].joined = g_array_new (FALSE, FALSE, sizeof (double));
    }

  for (guint run = 0; ok && run < bench->options->runs; run++)
    for (guint m = 0; ok && m < N_MODES; m++)
      {
        /* Alternate which goes first: a machine getting busier or quieter during the run then
         * weighs on both. */
        Mode mode = run % 2 == 0 ? m : N_MODES - 1 - m;
        Series *s = &series[mode];
        g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (double));
        Measure measure = { .pairs = pairs, .joined = s->joined };

        ok = measure_call (bench, mode, row->participants, &measure, error);
        s->missing += measure.missing;
        if (!ok || pairs->len == 0)
          {
            g_free (measure.slowest);
            continue;
          }
        append_double (s->medians, cs_bench_quantile (pairs, 0.5));
        append_double (s->slowest, cs_bench_quantile (pairs, 1.0));
        g_print ("{\"benchmark\":\"first-frame-xmpp-run\",\"mode\":\"%s\",\"participants\":%u,"
                 "\"run\":%u,\"median_ms\":%.0f,\"slowest_pair_ms\":%.0f,\"slowest_pair\":\"%s\","
                 "\"missing_pairs\":%u}\n",
                 mode == MODE_HUB ? "in-process" : "xmpp", row->participants, run,
                 cs_bench_quantile (pairs, 0.5), cs_bench_quantile (pairs, 1.0), measure.slowest,
                 measure.missing);
        g_free (measure.slowest);
      }

  row->hub_median_ms = cs_bench_quantile (series[MODE_HUB].medians, 0.5);
  row->hub_slowest_ms = cs_bench_quantile (series[MODE_HUB].slowest, 0.5);
  row->xmpp_median_ms = cs_bench_quantile (series[MODE_XMPP].medians, 0.5);
  row->xmpp_slowest_ms = cs_bench_quantile (series[MODE_XMPP].slowest, 0.5);
  row->hub_joined_ms = cs_bench_quantile (series[MODE_HUB].joined, 0.5);
  row->xmpp_joined_ms = cs_bench_quantile (series[MODE_XMPP].joined, 0.5);
  row->hub_missing = series[MODE_HUB].missing;
  row->xmpp_missing = series[MODE_XMPP].missing;
  for (Mode mode = 0; mode < N_MODES; mode++)
    series_clear (&series[mode]);
  return ok;
}

gboolean
cs_bench_xmpp_run (const CsBenchXmppOptions *options,
                   CsBenchXmppRow *rows,
                   guint n_rows,
                   GError **error)
{
  Bench bench = { .options = options };
  gboolean ok;

  g_return_val_if_fail (options != NULL && options->runs > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint r = 0; r < n_rows; r++)
    g_return_val_if_fail (rows[r].participants >= 2 && rows[r].participants <= MAX_PARTICIPANTS,
                          FALSE);

  ok = start_servers (&bench, error);
  /* A call in each mode first, unmeasured: the first one after the servers started pays for
   * cold caches (Prosody's first TLS sessions and room service, files the bots load). */
  for (Mode mode = 0; ok && mode < N_MODES; mode++)
    {
      g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) joined = g_array_new (FALSE, FALSE, sizeof (double));
      Measure measure = { .pairs = pairs, .joined = joined };

      ok = measure_call (&bench, mode, 2, &measure, error);
      g_free (measure.slowest);
    }
  for (guint r = 0; ok && r < n_rows; r++)
    {
      CsBenchXmppRow *row = &rows[r];

      ok = measure_size (&bench, row, error);
      if (!ok)
        break;
      g_print ("{\"benchmark\":\"first-frame-xmpp\",\"participants\":%u,\"runs\":%u,"
               "\"in_process_median_ms\":%.0f,\"in_process_slowest_pair_ms\":%.0f,"
               "\"xmpp_median_ms\":%.0f,\"xmpp_slowest_pair_ms\":%.0f,\"ratio_median\":%.2f,"
               "\"ratio_slowest_pair\":%.2f,\"in_process_joined_ms\":%.0f,\"xmpp_joined_ms\":%.0f,"
               "\"in_process_missing_pairs\":%u,\"xmpp_missing_pairs\":%u,\"turn\":%s}\n",
               row->participants, options->runs, row->hub_median_ms, row->hub_slowest_ms,
               row->xmpp_median_ms, row->xmpp_slowest_ms, row->xmpp_median_ms / row->hub_median_ms,
               row->xmpp_slowest_ms / row->hub_slowest_ms, row->hub_joined_ms, row->xmpp_joined_ms,
               row->hub_missing, row->xmpp_missing, options->turn ? "true" : "false");
    }

  stop_servers (&bench);
  return ok;
}

/* Appends @text to @block as a paragraph of lines of at most @width columns (counted in
 * characters), as the rest of the file is written. */
static void
append_wrapped (GString *block, const char *text, guint width)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  glong column = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      glong length = g_utf8_strlen (words[i], -1);

      if (length == 0)
        continue;
      if (column > 0 && column + 1 + length > width)
        {
          g_string_append_c (block, '\n');
          column = 0;
        }
      else if (column > 0)
        {
          g_string_append_c (block, ' ');
          column++;
        }
      g_string_append (block, words[i]);
      column += length;
    }
  g_string_append_c (block, '\n');
}

static char *
format_pair (double median, double slowest)
{
  if (median < 0)
    return g_strdup ("none seen");
  return g_strdup_printf ("%.0f / %.0f ms", median, slowest);
}

char *
cs_bench_xmpp_format_markdown (const CsBenchXmppOptions *options,
                               const CsBenchXmppRow *rows,
                               guint n_rows,
                               const char *date,
                               double load_before,
                               double load_after)
{
  GString *block = g_string_new (NULL);
  g_autoptr (GString) notes = g_string_new (NULL);
  g_autofree char *intro = NULL;
  guint missing = 0;

  g_return_val_if_fail (options != NULL && rows != NULL && date != NULL, NULL);

  intro = g_strdup_printf (
    "%s, machine \"%s\" (Debian 12, x86-64, 2 cores, shared), load average %.2f before and "
    "%.2f after (the call's own bots included: a call of 6 at 30 fps saturates the 2 cores). "
    "The same bots as above (640x360, 30 fps) in one lab; for each size, a call "
    "through the local hub and one through Prosody%s in the lab's server namespace, in turn, "
    "%u run%s of each after one unmeasured call of each; medians over the runs of each run's "
    "median pair and slowest pair.",
    date, g_get_host_name (), load_before, load_after,
    options->turn ? " (handing out coturn's TURN through XEP-0215, as a deployment does)" : "",
    options->runs, options->runs == 1 ? "" : "s");
  g_string_append (block, "<!-- call-bench-xmpp -->\n"
                          "## Joining through Prosody (`tests/bench/call-bench --only xmpp`)\n\n");
  append_wrapped (block, intro, 100);
  g_string_append (block,
                   "\n| people | in-process median / slowest pair | through Prosody median / "
                   "slowest pair | ratio Prosody / in-process (median / slowest) |\n"
                   "| --- | --- | --- | --- |\n");
  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *hub = format_pair (rows[r].hub_median_ms, rows[r].hub_slowest_ms);
      g_autofree char *xmpp = format_pair (rows[r].xmpp_median_ms, rows[r].xmpp_slowest_ms);

      g_string_append_printf (block, "| %u | %s | %s | %.2f / %.2f |\n", rows[r].participants, hub,
                              xmpp, rows[r].xmpp_median_ms / rows[r].hub_median_ms,
                              rows[r].xmpp_slowest_ms / rows[r].hub_slowest_ms);
      missing += rows[r].hub_missing + rows[r].xmpp_missing;
    }

  g_string_append (
    notes,
    "The zero, in both modes, is the bot's call engine starting to join (`cs_call_join()`: its "
    "media running, the join handed to signalling), the zero of its own `joined` and "
    "`first-frame` events. Through Prosody the bot is by then signed in, in its circle's room, "
    "and has taken the call from the invite there: signing in is not counted. A pair's time "
    "runs from the later of its two zeros to the first picture decoded, each way. Each person "
    "joins once everyone before sees everyone, so joins never overlap, unlike the engine table "
    "above, whose figures include the start-up of the bots joining next. From the zero to the "
    "call's roster (the `joined` event), median of every participant:");
  for (guint r = 0; r < n_rows; r++)
    g_string_append_printf (notes, "%s %u people %.0f ms in-process, %.0f ms through Prosody",
                            r == 0 ? "" : ";", rows[r].participants, rows[r].hub_joined_ms,
                            rows[r].xmpp_joined_ms);
  g_string_append_c (notes, '.');
  if (missing > 0)
    g_string_append_printf (notes,
                            " %u pairs, where one never decoded the other's picture within %d s, "
                            "are left out.",
                            missing, PICTURE_TIMEOUT_MS / 1000);
  g_string_append_c (block, '\n');
  append_wrapped (block, notes->str, 100);
  g_string_append (block, "<!-- /call-bench-xmpp -->\n");
  return g_string_free (block, FALSE);
}
