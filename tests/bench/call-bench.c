/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "call-bench"

#include "config.h"

#include "call-bench-xmpp.h"
#include "cs-bench-markdown.h"
#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-local-hub.h"

#include <glib/gstdio.h>
#include <signal.h>

/*
 * The call engine, measured: cousinade-bot participants in network namespaces, as in the
 * tests. Prints one JSON object per measurement and, with --markdown FILE, replaces the
 * "Call engine" section of that file with a table, and the "Joining through Prosody" one
 * (call-bench-xmpp.c) with another. Ratios compare runs made one after the other in the same
 * invocation. Not part of the pass/fail suite; needs root, and Prosody and coturn for the
 * XMPP part.
 *
 *   build/tests/bench/call-bench [--runs N] [--only engine|xmpp] [--no-turn]
 *                                [--markdown docs/benchmarks.md]
 */

static int opt_runs = 3;
static char *opt_markdown;
static char *opt_only;
static gboolean opt_no_turn;

typedef struct
{
  char *dir;
  CsLocalHub *hub;
  CsLab *lab;
  GPtrArray *bots;
} Call;

static void
wait_ms (guint ms)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_once (ms, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
}

static Call *call_start_full (guint n,
                              const char *const *first_extra,
                              const char *const *extra,
                              const char *const *env,
                              gboolean stagger);

static Call *
call_start (guint n, const char *const *extra, const char *const *env, gboolean stagger)
{
  return call_start_full (n, extra, extra, env, stagger);
}

/* Participant 0 gets @first_extra, the others @extra. */
static Call *
call_start_full (guint n,
                 const char *const *first_extra,
                 const char *const *extra,
                 const char *const *env,
                 gboolean stagger)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  call->dir = g_dir_make_tmp ("cs-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (call->dir, "hub", NULL);
  call->hub = cs_local_hub_new (path, &error);
  g_assert_no_error (error);
  call->lab = cs_lab_new (n, &error);
  g_assert_no_error (error);
  call->bots = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_auto (GStrv) argv = NULL;
      g_autofree char *id = g_strdup_printf ("p%u", i);
      CsBot *bot;

      g_strv_builder_add_many (builder, "env", "G_DEBUG=", NULL);
      if (env != NULL)
        g_strv_builder_addv (builder, (const char **) env);
      g_strv_builder_add_many (builder, CS_BOT_PATH, "--hub", path, "--id", id, NULL);
      if ((i == 0 ? first_extra : extra) != NULL)
        g_strv_builder_addv (builder, (const char **) (i == 0 ? first_extra : extra));
      argv = g_strv_builder_end (builder);
      bot = cs_bot_spawn (call->lab, i, id, (const char *const *) argv, &error);
      g_assert_no_error (error);
      g_ptr_array_add (call->bots, bot);
      /* Join one after the other, as people do, but without waiting for media. */
      if (stagger)
        g_assert_true (cs_bot_wait_for_event (bot, "joined", NULL, NULL, 10000));
    }
  return call;
}

static void
call_stop (Call *call)
{
  g_ptr_array_unref (call->bots);
  cs_lab_free (call->lab);
  /* The hub removes its socket: the directory is empty by now. */
  g_object_unref (call->hub);
  g_rmdir (call->dir);
  g_free (call->dir);
  g_free (call);
}

/* Every participant's time from its own join to the first picture from each other one. */
static GArray *
first_frame_times (guint n)
{
  const char *const extra[] = { "--width", "640", "--height", "360", "--fps", "30", NULL };
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  Call *call = call_start (n, extra, NULL, TRUE);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        CsBot *bot = g_ptr_array_index (call->bots, i);
        g_autofree char *peer = g_strdup_printf ("p%u", j);
        JsonObject *event;
        double ms;

        if (i == j || !cs_bot_wait_for_event (bot, "first-frame", "peer", peer, 20000))
          continue;
        event = cs_bot_find_event (bot, "first-frame", "peer", peer);
        ms = json_object_get_int_member (event, "ms_since_join");
        g_array_append_val (times, ms);
      }
  call_stop (call);
  return times;
}

/* CPU seconds per participant per minute of call. */
static double
cpu_per_minute (guint n, const char *const *extra, guint seconds)
{
  Call *call = call_start (n, extra, NULL, TRUE);
  double start[8];
  double total = 0;

  wait_ms (5000);
  for (guint i = 0; i < n; i++)
    start[i] = cs_bot_get_cpu_seconds (g_ptr_array_index (call->bots, i));
  wait_ms (seconds * 1000);
  for (guint i = 0; i < n; i++)
    total += cs_bot_get_cpu_seconds (g_ptr_array_index (call->bots, i)) - start[i];
  call_stop (call);
  return total / n / seconds * 60;
}

/* CPU seconds per minute of participant 0 alone, sending 640x360 at 30 fps to five others
 * who send it small pictures: what it spends is mostly encoding, once or five times. */
static double
sender_cpu_per_minute (const char *const *first_extra, guint seconds)
{
  const char *const small[] = { "--width", "160", "--height", "96", "--fps", "5", NULL };
  Call *call = call_start_full (6, first_extra, small, NULL, TRUE);
  CsBot *sender = g_ptr_array_index (call->bots, 0);
  double start;
  double used;

  wait_ms (5000);
  start = cs_bot_get_cpu_seconds (sender);
  wait_ms (seconds * 1000);
  used = cs_bot_get_cpu_seconds (sender) - start;
  call_stop (call);
  return used / seconds * 60;
}

static GArray *
latencies (guint seconds)
{
  const char *const extra[] = { "--width", "640", "--height", "360", "--fps", "30", NULL };
  const char *const env[] = { "COUSINADE_TEST_STAMP=1", NULL };
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  Call *call = call_start (2, extra, env, TRUE);

  wait_ms (4000);
  for (guint i = 0; i < 2; i++)
    {
      CsBot *bot = g_ptr_array_index (call->bots, i);
      guint first = cs_bot_get_events (bot)->len;

      if (i == 0)
        wait_ms (seconds * 1000);
      for (guint k = first; k < cs_bot_get_events (bot)->len; k++)
        {
          JsonObject *event = g_ptr_array_index (cs_bot_get_events (bot), k);
          double ms;

          if (!g_str_equal (json_object_get_string_member (event, "event"), "stats"))
            continue;
          ms = json_object_get_double_member (event, "latency_ms");
          if (ms >= 0)
            g_array_append_val (values, ms);
        }
    }
  call_stop (call);
  return values;
}

static void
print_json (const char *name, const char *fields)
{
  g_print ("{\"benchmark\":\"%s\",%s}\n", name, fields);
}

/* The 1-minute load average, as uptime shows it: the machine is shared. */
static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

/* The first-frame, CPU, encode-once and glass-to-glass measurements: the "call-bench" block. */
static char *
run_engine (const char *date)
{
  g_autoptr (GString) table = g_string_new (NULL);
  const guint sizes[] = { 2, 4, 6 };
  const char *const vga[] = { "--width", "640", "--height", "360", "--fps", "30", NULL };
  const char *const hd[] = { "--width", "1280", "--height", "720", "--fps", "30", NULL };
  const char *const per_peer[] = {
    "--width", "640", "--height", "360", "--fps", "30", "--per-peer-encoders", NULL
  };
  double first_median[3];
  double first_max[3];
  double cpu_vga, cpu_hd, cpu_shared, cpu_per_peer;
  g_autoptr (GArray) latency = NULL;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr (GArray) medians = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GArray) maxima = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *fields = NULL;

      for (int run = 0; run < opt_runs; run++)
        {
          g_autoptr (GArray) times = first_frame_times (sizes[s]);
          double median = cs_bench_quantile (times, 0.5);
          double max = cs_bench_quantile (times, 1.0);

          g_array_append_val (medians, median);
          g_array_append_val (maxima, max);
        }
      first_median[s] = cs_bench_quantile (medians, 0.5);
      first_max[s] = cs_bench_quantile (maxima, 0.5);
      fields = g_strdup_printf ("\"participants\":%u,\"runs\":%d,\"median_ms\":%.0f,"
                                "\"slowest_pair_ms\":%.0f",
                                sizes[s], opt_runs, first_median[s], first_max[s]);
      print_json ("first-frame", fields);
    }

  cpu_vga = cpu_per_minute (3, vga, 20);
  cpu_hd = cpu_per_minute (3, hd, 20);
  {
    g_autofree char *fields = g_strdup_printf ("\"participants\":3,\"cpu_s_per_min_640x360\":"
                                               "%.1f,\"cpu_s_per_min_1280x720\":%.1f",
                                               cpu_vga, cpu_hd);
    print_json ("cpu", fields);
  }

  cpu_shared = sender_cpu_per_minute (vga, 15);
  cpu_per_peer = sender_cpu_per_minute (per_peer, 15);
  {
    g_autofree char *fields = g_strdup_printf ("\"participants\":6,\"shared_cpu_s_per_min\":%.1f,"
                                               "\"per_peer_cpu_s_per_min\":%.1f,\"ratio\":%.2f",
                                               cpu_shared, cpu_per_peer, cpu_shared / cpu_per_peer);
    print_json ("encode-once", fields);
  }

  latency = latencies (20);
  {
    g_autofree char *fields =
      g_strdup_printf ("\"samples\":%u,\"median_ms\":%.0f,\"p95_ms\":%.0f", latency->len,
                       cs_bench_quantile (latency, 0.5), cs_bench_quantile (latency, 0.95));
    print_json ("glass-to-glass", fields);
  }

  g_string_append_printf (
    table,
    "<!-- call-bench -->\n"
    "## Call engine (`tests/bench/call-bench`)\n\n"
    "%s, machine \"%s\" (Debian 12, x86-64, 2 cores, shared). Participants are cousinade-bot processes in network namespaces of their own on\n"
    "one machine (2 cores shared by everyone in the call), test pattern and tone, local\n"
    "signalling hub. Medians of %d runs where it says so.\n\n"
    "| measurement | value | target |\n"
    "| --- | --- | --- |\n"
    "| first remote picture after joining, 2 people (median / slowest pair) | %.0f / %.0f ms | "
    "≤ 1000 ms |\n"
    "| first remote picture after joining, 4 people | %.0f / %.0f ms | |\n"
    "| first remote picture after joining, 6 people | %.0f / %.0f ms | ≤ 2000 ms |\n"
    "| CPU per participant, 640x360 30 fps, 3 people | %.1f s per minute | |\n"
    "| CPU per participant, 1280x720 30 fps, 3 people | %.1f s per minute | |\n"
    "| CPU of one sender (640x360 30 fps) in a call of 6, one shared encoder | %.1f s per "
    "minute | |\n"
    "| the same with one encoder per peer (5 encoders) | %.1f s per minute | |\n"
    "| shared / per-peer (same run) | %.2f | ≤ 0.5 |\n"
    "| glass-to-glass, clean link, 640x360 (median / 95th percentile of 1 s means, "
    "%u samples) | %.0f / %.0f ms | median ≤ 100 ms |\n"
    "<!-- /call-bench -->\n",
    date, g_get_host_name (), opt_runs, first_median[0], first_max[0], first_median[1],
    first_max[1], first_median[2], first_max[2], cpu_vga, cpu_hd, cpu_shared, cpu_per_peer,
    cpu_shared / cpu_per_peer, latency->len, cs_bench_quantile (latency, 0.5),
    cs_bench_quantile (latency, 0.95));
  return g_string_free (g_steal_pointer (&table), FALSE);
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs per call size (and per mode)", "N" },
    { "markdown", 0, 0, G_OPTION_ARG_FILENAME, &opt_markdown, "Update this file", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only,
      "Only the engine measurements, or only the XMPP comparison", "engine|xmpp" },
    { "no-turn", 0, 0, G_OPTION_ARG_NONE, &opt_no_turn,
      "XMPP comparison without coturn (Prosody hands out no relay)", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *engine_block = NULL;
  g_autofree char *xmpp_block = NULL;
  gboolean engine;
  gboolean xmpp;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (
    context,
    "Measures the call engine with cousinade-bot participants in network namespaces (needs\n"
    "root). Two parts, both run by default:\n"
    "  engine  first remote picture after joining (2, 4, 6 people, local hub), CPU, encode\n"
    "          once against one encoder per peer, glass-to-glass latency;\n"
    "  xmpp    first remote picture after joining (2, 4, 6 people) through a Prosody (and\n"
    "          coturn) in the lab and, in the same run, through the local hub, alternating,\n"
    "          with the ratio of the two. Needs prosody and turnserver.\n"
    "Prints JSON lines; --markdown FILE rewrites the <!-- call-bench --> and\n"
    "<!-- call-bench-xmpp --> blocks of FILE for the parts that ran.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_runs < 1)
    g_error ("--runs needs at least 1");
  if (opt_only != NULL && g_strcmp0 (opt_only, "engine") != 0 && g_strcmp0 (opt_only, "xmpp") != 0)
    g_error ("--only takes engine or xmpp");
  engine = opt_only == NULL || g_str_equal (opt_only, "engine");
  xmpp = opt_only == NULL || g_str_equal (opt_only, "xmpp");
  if (!cs_lab_available (&why))
    g_error ("Network namespaces are needed: %s", why);

  /* First: it moves the main thread into the lab's namespace for its servers, which must
   * happen before other threads of ours (GLib's) make sockets there. */
  if (xmpp)
    {
      CsBenchXmppOptions options = {
        .runs = opt_runs,
        .turn = !opt_no_turn,
        .bot_path = CS_BOT_PATH,
      };
      CsBenchXmppRow rows[] = { { .participants = 2 },
                                { .participants = 4 },
                                { .participants = 6 } };
      double load_before = load_average ();

      if (!cs_bench_xmpp_run (&options, rows, G_N_ELEMENTS (rows), &error))
        g_error ("The XMPP comparison failed: %s", error->message);
      xmpp_block = cs_bench_xmpp_format_markdown (&options, rows, G_N_ELEMENTS (rows), date,
                                                  load_before, load_average ());
    }
  if (engine)
    engine_block = run_engine (date);

  if (opt_markdown != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr (GString) updated = NULL;

      if (!g_file_get_contents (opt_markdown, &text, NULL, &error))
        g_error ("%s", error->message);
      updated = g_string_new (text);
      if (engine_block != NULL)
        cs_bench_replace_block (updated, "call-bench", engine_block);
      if (xmpp_block != NULL)
        cs_bench_replace_block (updated, "call-bench-xmpp", xmpp_block);
      if (!g_file_set_contents (opt_markdown, updated->str, -1, &error))
        g_error ("%s", error->message);
    }
  else
    g_print ("%s%s", engine_block != NULL ? engine_block : "",
             xmpp_block != NULL ? xmpp_block : "");
  return 0;
}
