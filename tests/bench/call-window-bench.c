/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "call-window-bench"

#include "config.h"

#include "cs-bench-markdown.h"
#include "cs-call-lab.h"
#include "cs-call-window.h"
#include "cs-ui-test.h"
#include "cs-window.h"

#include <locale.h>
#include <signal.h>
#include <unistd.h>

/*
 * The call window, measured against a bot in the same call (issue 10): the family lab of the
 * call UI test (tests/ui/cs-call-lab.h), everyone at 640x360 and 30 fps, the app (signed in as
 * Mamie, under Xvfb) joining the circle's call with Anna and Bruno in it.
 *
 * - Join to first picture: from pressing the circle page's Join to the first remote picture
 *   painted in the call window (the first frame-clock paint after the peer's paintable got a
 *   frame), beside Carla's, a third bot that joins the same call with the same two people in it
 *   just before the app (same namespace as the app, so the same link), from her own join to her
 *   first decoded frame; she leaves before the app joins.
 * - CPU: the app (the program running the app is this process: /proc/self/stat) beside Anna and
 *   Bruno over the same seconds of the same 3-person call, once everyone decodes everyone; then
 *   the same with the call window hidden (the app still receiving and decoding everything), to
 *   tell drawing from the rest. Xvfb's own CPU is reported beside, not added.
 * - Memory: the app's VmRSS in that call minus just before pressing Join.
 *
 * /bench/call-window is the parent (root: it builds the lab and starts Prosody and coturn) and
 * runs this program again as /bench/call-window-app in the app's namespace under
 * ui-session.sh, once per run; the child prints one JSON object per line, which the parent
 * collects. Not part of the pass/fail suite.
 *
 *   build/tests/bench/call-window-bench [--runs N] [--seconds S] [--perf FILE]
 *                                       [--markdown docs/benchmarks.md]
 */

#define ENV_SECONDS "CS_CALL_WINDOW_BENCH_SECONDS"
#define ENV_CHILD "CS_CALL_WINDOW_BENCH_CHILD"
#define ENV_PERF "CS_CALL_WINDOW_BENCH_PERF"
#define SETTLE_MS 3000
#define CPU_TARGET 1.3
#define RSS_TARGET_MB 150.0

static int opt_runs = 3;
static int opt_seconds = 20;
static char *opt_markdown;
static char *opt_perf;
/* The call window's size and a tile's, as the last run had them. */
static char *window_note;

static const char *const bot_size[] = { "--width", "640", "--height", "360", "--fps", "30", NULL };
static const char *const peers[] = { "anna", "bruno" };

/* /proc readings. */

/* User plus system CPU seconds of process @pid (0: this one), and its parent's pid. */
static gboolean
read_proc_stat (GPid pid, double *cpu_seconds, GPid *ppid, char **comm)
{
  g_autofree char *path =
    pid == 0 ? g_strdup ("/proc/self/stat") : g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *open_paren;
  const char *close_paren;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* The command name may hold spaces and parentheses: the fields start after the last ')'. */
  open_paren = strchr (text, '(');
  close_paren = strrchr (text, ')');
  if (open_paren == NULL || close_paren == NULL)
    return FALSE;
  fields = g_strsplit (close_paren + 2, " ", -1);
  /* state is field 3 of proc(5), ppid 4, utime 14, stime 15. */
  if (g_strv_length (fields) < 13)
    return FALSE;
  if (cpu_seconds != NULL)
    *cpu_seconds = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
                   sysconf (_SC_CLK_TCK);
  if (ppid != NULL)
    *ppid = (GPid) g_ascii_strtoll (fields[1], NULL, 10);
  if (comm != NULL)
    *comm = g_strndup (open_paren + 1, close_paren - open_paren - 1);
  return TRUE;
}

static double
self_cpu_seconds (void)
{
  double seconds = 0;

  g_assert_true (read_proc_stat (0, &seconds, NULL, NULL));
  return seconds;
}

static double
process_cpu_seconds (GPid pid)
{
  double seconds = -1;

  if (pid > 0)
    read_proc_stat (pid, &seconds, NULL, NULL);
  return seconds;
}

/* A line of /proc/self/status such as "VmRSS:", in MiB. */
static double
self_status_mb (const char *key)
{
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &text, NULL, NULL));
  line = strstr (text, key);
  g_assert_nonnull (line);
  return g_ascii_strtod (line + strlen (key), NULL) / 1024;
}

/* The Xvfb of our ui-session.sh: of the processes named Xvfb, the child of our nearest
 * ancestor (never init's: other sessions leave orphans). */
static GPid
find_xvfb (void)
{
  g_autoptr (GHashTable) xvfb_by_parent = g_hash_table_new (NULL, NULL);
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  GPid pid = getpid ();

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      GPid candidate = (GPid) g_ascii_strtoll (name, NULL, 10);
      g_autofree char *comm = NULL;
      GPid parent;

      if (candidate > 0 && read_proc_stat (candidate, NULL, &parent, &comm) &&
          g_str_equal (comm, "Xvfb"))
        g_hash_table_insert (xvfb_by_parent, GINT_TO_POINTER (parent), GINT_TO_POINTER (candidate));
    }
  while (read_proc_stat (pid, NULL, &pid, NULL) && pid > 1)
    if (g_hash_table_contains (xvfb_by_parent, GINT_TO_POINTER (pid)))
      return GPOINTER_TO_INT (g_hash_table_lookup (xvfb_by_parent, GINT_TO_POINTER (pid)));
  return 0;
}

/* The child: the app in its namespace. */

static void
wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    {
      g_autoptr (GSource) timeout = g_timeout_source_new (10);

      /* A wake-up at least every 10 ms, so the wait ends on time even on an idle context. */
      g_source_set_dummy_callback (timeout);
      g_source_attach (timeout, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (timeout);
    }
}

typedef struct
{
  CsCallWindow *window;
  gint64 painted[G_N_ELEMENTS (peers)];
  guint64 paints;
} Paints;

/* The first paint after a peer's paintable got its first frame: a frame shown on the main
 * context invalidates the picture, and the whole frame cycle runs in one dispatch, so by
 * after-paint that picture was drawn. */
static void
on_after_paint (GdkFrameClock *clock, Paints *paints)
{
  gint64 now = g_get_monotonic_time ();

  paints->paints++;
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      GtkWidget *tile = cs_call_window_get_tile (paints->window, peers[i]);

      if (paints->painted[i] != 0 || tile == NULL || !gtk_widget_get_mapped (tile))
        continue;
      if (cs_video_paintable_get_frames_shown (
            cs_call_window_get_paintable (paints->window, peers[i])) > 0)
        paints->painted[i] = now;
    }
}

static gpointer
check_painted (gpointer data)
{
  Paints *paints = data;

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    if (paints->painted[i] == 0)
      return NULL;
  return paints;
}

static gint64
bot_ms_since_join (CsBot *bot, const char *event, const char *peer)
{
  JsonObject *object;

  if (!cs_bot_wait_for_event (bot, event, "peer", peer, BOT_MS))
    g_error ("%s never saw %s %s", cs_bot_get_name (bot), peer, event);
  object = cs_bot_find_event (bot, event, "peer", peer);
  return json_object_get_int_member (object, "ms_since_join");
}

/* Frames @bot decoded so far from the others in the call, as of its latest statistics. */
static gint64
bot_frames_decoded (CsBot *bot, const char *const *others)
{
  gint64 frames = 0;

  for (guint i = 0; others[i] != NULL; i++)
    {
      JsonObject *stats = cs_bot_find_event (bot, "stats", "peer", others[i]);

      if (stats != NULL)
        frames += json_object_get_int_member (stats, "frames_decoded");
    }
  return frames;
}

static guint64
app_frames_shown (CsCallWindow *window)
{
  guint64 frames = 0;

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    frames += cs_video_paintable_get_frames_shown (cs_call_window_get_paintable (window, peers[i]));
  return frames;
}

static guint64
app_frames_decoded (CsCallWindow *window)
{
  CsCall *call = cs_call_window_get_call (window);
  guint64 frames = 0;

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    frames += cs_call_peer_get_frames_decoded (cs_call_find_peer (call, peers[i]));
  return frames;
}

typedef struct
{
  double app_cpu;
  double anna_cpu;
  double bruno_cpu;
  double xvfb_cpu;
  double app_fps;
  double app_decoded_fps;
  double bot_fps;
  double paints_per_second;
} Interval;

/* The CPU everyone used over @seconds of the call, and how many pictures they got through. */
static void
measure_interval (CsCallWindow *window,
                  Paints *paints,
                  CsBot *anna,
                  CsBot *bruno,
                  GPid xvfb,
                  int seconds,
                  Interval *result)
{
  const char *const anna_peers[] = { "mamie", "bruno", NULL };
  const char *const bruno_peers[] = { "mamie", "anna", NULL };
  double app = self_cpu_seconds ();
  double anna_cpu = cs_bot_get_cpu_seconds (anna);
  double bruno_cpu = cs_bot_get_cpu_seconds (bruno);
  double xvfb_cpu = process_cpu_seconds (xvfb);
  guint64 shown = app_frames_shown (window);
  guint64 app_decoded = app_frames_decoded (window);
  guint64 painted = paints->paints;
  gint64 decoded = bot_frames_decoded (anna, anna_peers) + bot_frames_decoded (bruno, bruno_peers);

  wait_ms (seconds * 1000);
  result->app_cpu = self_cpu_seconds () - app;
  result->anna_cpu = cs_bot_get_cpu_seconds (anna) - anna_cpu;
  result->bruno_cpu = cs_bot_get_cpu_seconds (bruno) - bruno_cpu;
  result->xvfb_cpu = xvfb > 0 ? process_cpu_seconds (xvfb) - xvfb_cpu : -1;
  result->app_fps = (double) (app_frames_shown (window) - shown) / seconds;
  result->app_decoded_fps = (double) (app_frames_decoded (window) - app_decoded) / seconds;
  result->paints_per_second = (double) (paints->paints - painted) / seconds;
  /* Per bot, as the app's is: it gets two streams too. */
  result->bot_fps = (double) (bot_frames_decoded (anna, anna_peers) +
                              bot_frames_decoded (bruno, bruno_peers) - decoded) /
                    seconds / 2;
}

static void
bench_call (CsApplication *app)
{
  GtkWindow *window = wait_for_window (CS_TYPE_WINDOW);
  const char *const more_members[] = { "carla", NULL };
  const char *seconds_text = g_getenv (ENV_SECONDS);
  int seconds = seconds_text != NULL ? atoi (seconds_text) : 20;
  g_autoptr (CsBot) anna = NULL;
  g_autoptr (CsBot) bruno = NULL;
  g_autoptr (CsBot) carla = NULL;
  gint64 carla_ms[G_N_ELEMENTS (peers)];
  gint64 decoded[G_N_ELEMENTS (peers)];
  gint64 shown[G_N_ELEMENTS (peers)];
  Paints paints = { 0 };
  Interval drawn;
  Interval hidden;
  CsCallWindow *call_window;
  CsCall *call;
  GdkFrameClock *clock;
  double rss_before;
  double rss_in_call;
  double hwm_in_call;
  int window_width, window_height, tile_width, tile_height;
  gint64 pressed;
  gint64 joined;
  GPid xvfb = find_xvfb ();

  call_lab_join_circle_with (app, &anna, &bruno, more_members, bot_size);

  /* Carla joins the call Mamie is about to join, with the same two people in it, from the
   * same namespace; she leaves before Mamie joins, so both join a call of three. */
  carla = call_lab_spawn_bot_with ("carla", NULL, FALSE, more_members, bot_size);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    carla_ms[i] = bot_ms_since_join (carla, "first-frame", peers[i]);
  cs_bot_kill (carla, SIGTERM);
  g_assert_true (cs_bot_wait_exit (carla, BOT_MS, NULL));
  g_assert_true (cs_bot_wait_for_event (anna, "peer-left", "peer", "carla", BOT_MS));
  g_assert_true (cs_bot_wait_for_event (bruno, "peer-left", "peer", "carla", BOT_MS));
  wait_ms (SETTLE_MS);

  rss_before = self_status_mb ("VmRSS:");
  pressed = g_get_monotonic_time ();
  click (get_widget (window, "call_button"));
  call_window = CS_CALL_WINDOW (wait_for_window (CS_TYPE_CALL_WINDOW));
  paints.window = call_window;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (call_window));
  g_assert_nonnull (clock);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &paints);
  wait_for (check_painted, &paints, "Anna's and Bruno's pictures painted");

  call = cs_call_window_get_call (call_window);
  joined = cs_call_get_join_time (call);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      decoded[i] = cs_call_peer_get_first_frame_time (cs_call_find_peer (call, peers[i]));
      shown[i] = cs_video_paintable_get_first_frame_time (
        cs_call_window_get_paintable (call_window, peers[i]));
    }

  /* Everyone decodes everyone, then the call as it goes on. */
  bot_ms_since_join (anna, "first-frame", "mamie");
  bot_ms_since_join (bruno, "first-frame", "mamie");
  wait_ms (SETTLE_MS);
  measure_interval (call_window, &paints, anna, bruno, xvfb, seconds, &drawn);
  rss_in_call = self_status_mb ("VmRSS:");
  window_width = gtk_widget_get_width (GTK_WIDGET (call_window));
  window_height = gtk_widget_get_height (GTK_WIDGET (call_window));
  tile_width = gtk_widget_get_width (cs_call_window_get_tile (call_window, peers[0]));
  tile_height = gtk_widget_get_height (cs_call_window_get_tile (call_window, peers[0]));
  hwm_in_call = self_status_mb ("VmHWM:");

  /* The same call with nothing drawn: the window unmapped, the frames still decoded and
   * swapped into the paintables. */
  gtk_widget_set_visible (GTK_WIDGET (call_window), FALSE);
  wait_ms (SETTLE_MS);
  measure_interval (call_window, &paints, anna, bruno, xvfb, seconds, &hidden);

  g_print ("{\"renderer\":\"%s\",\"seconds\":%d,\"window\":\"%dx%d\",\"tile\":\"%dx%d\","
           "\"pressed_to_join_ms\":%.1f,"
           "\"app_anna\":{\"decoded_ms\":%.1f,\"shown_ms\":%.1f,\"painted_ms\":%.1f},"
           "\"app_bruno\":{\"decoded_ms\":%.1f,\"shown_ms\":%.1f,\"painted_ms\":%.1f},"
           "\"carla_anna_ms\":%" G_GINT64_FORMAT ",\"carla_bruno_ms\":%" G_GINT64_FORMAT ","
           "\"drawn\":{\"app_cpu\":%.2f,\"anna_cpu\":%.2f,\"bruno_cpu\":%.2f,\"xvfb_cpu\":%.2f,"
           "\"app_fps\":%.1f,\"app_decoded_fps\":%.1f,\"bot_fps\":%.1f,\"paints_per_s\":%.1f},"
           "\"hidden\":{\"app_cpu\":%.2f,\"anna_cpu\":%.2f,\"bruno_cpu\":%.2f,\"xvfb_cpu\":%.2f,"
           "\"app_fps\":%.1f,\"app_decoded_fps\":%.1f,\"bot_fps\":%.1f,\"paints_per_s\":%.1f},"
           "\"rss_before_mb\":%.1f,\"rss_in_call_mb\":%.1f,\"hwm_in_call_mb\":%.1f}\n",
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "default", seconds,
           window_width, window_height, tile_width, tile_height, (joined - pressed) / 1000.0,
           (decoded[0] - pressed) / 1000.0, (shown[0] - pressed) / 1000.0,
           (paints.painted[0] - pressed) / 1000.0, (decoded[1] - pressed) / 1000.0,
           (shown[1] - pressed) / 1000.0, (paints.painted[1] - pressed) / 1000.0, carla_ms[0],
           carla_ms[1], drawn.app_cpu, drawn.anna_cpu, drawn.bruno_cpu, drawn.xvfb_cpu,
           drawn.app_fps, drawn.app_decoded_fps, drawn.bot_fps, drawn.paints_per_second,
           hidden.app_cpu, hidden.anna_cpu, hidden.bruno_cpu, hidden.xvfb_cpu, hidden.app_fps,
           hidden.app_decoded_fps, hidden.bot_fps, hidden.paints_per_second, rss_before,
           rss_in_call, hwm_in_call);

  /* With --perf, a profile of the app drawing, after the measurements (perf costs CPU too). */
  if (g_getenv (ENV_PERF) != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
      g_autofree char *sleep = g_strdup_printf ("%d", seconds);
      g_autoptr (GSubprocess) perf = NULL;
      g_autoptr (GError) error = NULL;

      gtk_widget_set_visible (GTK_WIDGET (call_window), TRUE);
      wait_ms (SETTLE_MS);
      perf = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "perf", "record", "-g",
                               "-p", pid, "-o", g_getenv (ENV_PERF), "--", "sleep", sleep, NULL);
      g_assert_no_error (error);
      while (!g_subprocess_get_if_exited (perf) && !g_subprocess_get_if_signaled (perf))
        wait_ms (100);
    }

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, &paints);
  gtk_widget_activate_action (GTK_WIDGET (call_window), "call.leave", NULL);
  wait_ms (1000);
}

static void
test_call_window_app (void)
{
  if (g_getenv (ENV_CHILD) == NULL)
    {
      g_test_skip ("Run by /bench/call-window inside the lab");
      return;
    }
  /* A benchmark measures, it does not judge: libnice's warnings as the call ends (TURN
   * refreshes still alive) must not end the run. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_setenv ("COUSINADE_CA_FILE", g_getenv (ENV_CA), TRUE);
  g_setenv ("COUSINADE_MEDIA", "test", TRUE);
  run_app (bench_call);
}

/* The parent: the lab, the runs, the summary. */

enum
{
  FIRST_APP,
  FIRST_APP_ENGINE,
  FIRST_BOT,
  FIRST_RATIO,
  BOTH_APP,
  BOTH_BOT,
  BOTH_RATIO,
  PRESSED_TO_JOIN,
  DECODED_TO_SHOWN,
  SHOWN_TO_PAINTED,
  WINDOW_PART,
  APP_CPU,
  BOT_CPU,
  XVFB_CPU,
  CPU_RATIO,
  APP_FPS,
  APP_DECODED_FPS,
  BOT_FPS,
  PAINTS,
  HIDDEN_APP_CPU,
  HIDDEN_BOT_CPU,
  HIDDEN_CPU_RATIO,
  RSS_BEFORE,
  RSS_DELTA,
  HWM_DELTA,
  N_MEASURES
};

static const char *const measure_names[N_MEASURES] = {
  "first_picture_app_ms",
  "first_picture_app_from_engine_join_ms",
  "first_picture_bot_ms",
  "first_picture_ratio",
  "both_pictures_app_ms",
  "both_pictures_bot_ms",
  "both_pictures_ratio",
  "pressed_to_engine_join_ms",
  "decoded_to_shown_ms",
  "shown_to_painted_ms",
  "window_part_ms",
  "app_cpu_s_per_min",
  "bot_cpu_s_per_min",
  "xvfb_cpu_s_per_min",
  "cpu_ratio",
  "app_fps_shown",
  "app_fps_decoded",
  "bot_fps_decoded",
  "paints_per_s",
  "hidden_app_cpu_s_per_min",
  "hidden_bot_cpu_s_per_min",
  "hidden_cpu_ratio",
  "rss_before_mb",
  "rss_delta_mb",
  "hwm_delta_mb",
};

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
quantile (GArray *values, double q)
{
  g_autoptr (GArray) sorted = g_array_copy (values);
  double position;
  guint below;

  if (sorted->len == 0)
    return -1;
  g_array_sort (sorted, (GCompareFunc) compare_doubles);
  position = q * (sorted->len - 1);
  below = (guint) position;
  if (below + 1 >= sorted->len)
    return g_array_index (sorted, double, sorted->len - 1);
  return g_array_index (sorted, double, below) +
         (position - below) *
           (g_array_index (sorted, double, below + 1) - g_array_index (sorted, double, below));
}

static double
member_double (JsonObject *object, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", 2);

  if (parts[1] != NULL)
    return json_object_get_double_member (json_object_get_object_member (object, parts[0]),
                                          parts[1]);
  return json_object_get_double_member (object, path);
}

/* One run's figures from the child's line. */
static void
add_run (GArray **measures, JsonObject *run)
{
  double values[N_MEASURES];
  double seconds = member_double (run, "seconds");
  double painted_anna = member_double (run, "app_anna.painted_ms");
  double painted_bruno = member_double (run, "app_bruno.painted_ms");
  gboolean anna_first = painted_anna <= painted_bruno;
  const char *first = anna_first ? "app_anna" : "app_bruno";
  double carla_anna = member_double (run, "carla_anna_ms");
  double carla_bruno = member_double (run, "carla_bruno_ms");
  double join = member_double (run, "pressed_to_join_ms");
  g_autofree char *decoded = g_strdup_printf ("%s.decoded_ms", first);
  g_autofree char *shown = g_strdup_printf ("%s.shown_ms", first);
  double bot_cpu =
    (member_double (run, "drawn.anna_cpu") + member_double (run, "drawn.bruno_cpu")) / 2;
  double hidden_bot_cpu =
    (member_double (run, "hidden.anna_cpu") + member_double (run, "hidden.bruno_cpu")) / 2;

  values[FIRST_APP] = MIN (painted_anna, painted_bruno);
  values[FIRST_APP_ENGINE] = values[FIRST_APP] - join;
  values[FIRST_BOT] = MIN (carla_anna, carla_bruno);
  values[FIRST_RATIO] = values[FIRST_APP] / values[FIRST_BOT];
  values[BOTH_APP] = MAX (painted_anna, painted_bruno);
  values[BOTH_BOT] = MAX (carla_anna, carla_bruno);
  values[BOTH_RATIO] = values[BOTH_APP] / values[BOTH_BOT];
  values[PRESSED_TO_JOIN] = join;
  values[DECODED_TO_SHOWN] = member_double (run, shown) - member_double (run, decoded);
  values[SHOWN_TO_PAINTED] = values[FIRST_APP] - member_double (run, shown);
  /* What the app adds to its own engine's time: before the engine's join, and after decoding. */
  values[WINDOW_PART] = join + values[FIRST_APP] - member_double (run, decoded);
  values[APP_CPU] = member_double (run, "drawn.app_cpu") / seconds * 60;
  values[BOT_CPU] = bot_cpu / seconds * 60;
  values[XVFB_CPU] = member_double (run, "drawn.xvfb_cpu") / seconds * 60;
  values[CPU_RATIO] = member_double (run, "drawn.app_cpu") / bot_cpu;
  values[APP_FPS] = member_double (run, "drawn.app_fps");
  values[APP_DECODED_FPS] = member_double (run, "drawn.app_decoded_fps");
  values[BOT_FPS] = member_double (run, "drawn.bot_fps");
  values[PAINTS] = member_double (run, "drawn.paints_per_s");
  values[HIDDEN_APP_CPU] = member_double (run, "hidden.app_cpu") / seconds * 60;
  values[HIDDEN_BOT_CPU] = hidden_bot_cpu / seconds * 60;
  values[HIDDEN_CPU_RATIO] = member_double (run, "hidden.app_cpu") / hidden_bot_cpu;
  values[RSS_BEFORE] = member_double (run, "rss_before_mb");
  values[RSS_DELTA] = member_double (run, "rss_in_call_mb") - values[RSS_BEFORE];
  values[HWM_DELTA] = member_double (run, "hwm_in_call_mb") - values[RSS_BEFORE];
  for (guint i = 0; i < N_MEASURES; i++)
    g_array_append_val (measures[i], values[i]);
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

/* "median (min–max)" of measure @i, with @digits decimals. */
static char *
format_spread (GArray **measures, guint i, int digits)
{
  return g_strdup_printf ("%.*f (%.*f–%.*f)", digits, quantile (measures[i], 0.5), digits,
                          quantile (measures[i], 0), digits, quantile (measures[i], 1));
}

static const char *
met (gboolean yes)
{
  return yes ? "met" : "**missed**";
}

static char *
format_markdown (GArray **measures, const char *date, double load_before, double load_after)
{
  g_autofree char *first_app = format_spread (measures, FIRST_APP, 0);
  g_autofree char *first_engine = format_spread (measures, FIRST_APP_ENGINE, 0);
  g_autofree char *first_bot = format_spread (measures, FIRST_BOT, 0);
  g_autofree char *first_ratio = format_spread (measures, FIRST_RATIO, 2);
  g_autofree char *both_app = format_spread (measures, BOTH_APP, 0);
  g_autofree char *both_bot = format_spread (measures, BOTH_BOT, 0);
  g_autofree char *both_ratio = format_spread (measures, BOTH_RATIO, 2);
  g_autofree char *join = format_spread (measures, PRESSED_TO_JOIN, 0);
  g_autofree char *decoded_shown = format_spread (measures, DECODED_TO_SHOWN, 1);
  g_autofree char *shown_painted = format_spread (measures, SHOWN_TO_PAINTED, 1);
  g_autofree char *window_part = format_spread (measures, WINDOW_PART, 0);
  g_autofree char *app_cpu = format_spread (measures, APP_CPU, 1);
  g_autofree char *bot_cpu = format_spread (measures, BOT_CPU, 1);
  g_autofree char *xvfb_cpu = format_spread (measures, XVFB_CPU, 1);
  g_autofree char *cpu_ratio = format_spread (measures, CPU_RATIO, 2);
  g_autofree char *app_fps = format_spread (measures, APP_FPS, 1);
  g_autofree char *app_decoded_fps = format_spread (measures, APP_DECODED_FPS, 1);
  g_autofree char *bot_fps = format_spread (measures, BOT_FPS, 1);
  g_autofree char *paints = format_spread (measures, PAINTS, 1);
  g_autofree char *hidden_app = format_spread (measures, HIDDEN_APP_CPU, 1);
  g_autofree char *hidden_bot = format_spread (measures, HIDDEN_BOT_CPU, 1);
  g_autofree char *hidden_ratio = format_spread (measures, HIDDEN_CPU_RATIO, 2);
  g_autofree char *rss_before = format_spread (measures, RSS_BEFORE, 0);
  g_autofree char *rss_delta = format_spread (measures, RSS_DELTA, 0);
  g_autofree char *hwm_delta = format_spread (measures, HWM_DELTA, 0);
  const char *renderer = g_getenv ("GSK_RENDERER");

  return g_strdup_printf (
    "<!-- call-window-bench -->\n"
    "%s, machine \"%s\" (Debian 12, x86-64, 2 cores, shared), load average %.2f before and %.2f "
    "after. %u runs, each a lab of its own; median (min–max) over the runs, ratios taken within "
    "each run. Everyone at 640x360, 30 fps, test pattern and tone; the app under Xvfb with "
    "GSK_RENDERER=%s (software drawing), call window %s.\n\n"
    "| measurement | value | target |\n"
    "| --- | --- | --- |\n"
    "| app: Join pressed → first remote picture painted | %s ms | |\n"
    "| bot (Carla): her join → first remote picture decoded | %s ms | |\n"
    "| app / bot, first picture | %s | |\n"
    "| app: Join pressed → both pictures painted; bot: both decoded | %s / %s ms | |\n"
    "| app / bot, both pictures | %s | |\n"
    "| app: Join pressed → the call engine's join (finding the call, the window) | %s ms | |\n"
    "| app: engine's join → first picture painted (the bot's zero) | %s ms | |\n"
    "| app: first picture decoded → shown in its paintable → painted | %s → %s ms | |\n"
    "| the window's own part of the first picture (Join → engine's join, plus decoded → "
    "painted) | %s ms | |\n"
    "| CPU, 3-person call, %d s: app / each bot (mean of Anna and Bruno) | %s / %s s per "
    "minute | |\n"
    "| app / bot, CPU | %s | ≤ %.1f: %s |\n"
    "| pictures per second from 2 peers: app decoded / shown, bot decoded; window paints per "
    "second | %s / %s, %s; %s | |\n"
    "| Xvfb's own CPU meanwhile (not counted in the app's) | %s s per minute | |\n"
    "| the same call, window hidden (no drawing): app / bot | %s / %s s per minute, ratio %s | "
    "|\n"
    "| app's resident memory: before Join; in the call minus before (peak minus before) | %s; "
    "%s (%s) MB | ≤ %.0f MB: %s |\n"
    "<!-- /call-window-bench -->\n",
    date, g_get_host_name (), load_before, load_after, measures[0]->len,
    renderer != NULL ? renderer : "(GTK's default)", window_note, first_app, first_bot, first_ratio,
    both_app, both_bot, both_ratio, join, first_engine, decoded_shown, shown_painted, window_part,
    opt_seconds, app_cpu, bot_cpu, cpu_ratio, CPU_TARGET,
    met (quantile (measures[CPU_RATIO], 0.5) <= CPU_TARGET), app_decoded_fps, app_fps, bot_fps,
    paints, xvfb_cpu, hidden_app, hidden_bot, hidden_ratio, rss_before, rss_delta, hwm_delta,
    RSS_TARGET_MB, met (quantile (measures[RSS_DELTA], 0.5) <= RSS_TARGET_MB));
}

static void
test_call_window (void)
{
  GArray *measures[N_MEASURES];
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *seconds = g_strdup_printf ("%d", opt_seconds);
  g_autofree char *block = NULL;
  g_autoptr (GString) summary = g_string_new ("{\"benchmark\":\"call-window\"");
  double load_before = load_average ();

  if (!cs_lab_require_for_test ())
    return;
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  for (guint i = 0; i < N_MEASURES; i++)
    measures[i] = g_array_new (FALSE, FALSE, sizeof (double));
  g_setenv (ENV_SECONDS, seconds, TRUE);
  g_setenv (ENV_CHILD, "1", TRUE);
  if (opt_perf != NULL)
    {
      g_autofree char *perf = g_canonicalize_filename (opt_perf, NULL);

      g_setenv (ENV_PERF, perf, TRUE);
    }

  for (int run = 0; run < opt_runs; run++)
    {
      CallLab lab = { 0 };
      g_autoptr (GPtrArray) lines = NULL;
      gboolean found = FALSE;

      call_lab_start (&lab);
      lines = call_lab_run_app_collect (&lab, "/bench/call-window-app");
      call_lab_stop (&lab);
      for (guint i = 0; i < lines->len; i++)
        {
          const char *line = g_ptr_array_index (lines, i);
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autoptr (GError) error = NULL;

          if (line[0] != '{')
            continue;
          if (!json_parser_load_from_data (parser, line, -1, &error))
            g_error ("The app printed %s: %s", line, error->message);
          g_print ("{\"benchmark\":\"call-window-run\",\"run\":%d,\"result\":%s}\n", run + 1, line);
          add_run (measures, json_node_get_object (json_parser_get_root (parser)));
          g_free (window_note);
          window_note = g_strdup_printf (
            "%s, tiles %s",
            json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                           "window"),
            json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                           "tile"));
          found = TRUE;
        }
      g_assert_true (found);
    }
  g_unsetenv (ENV_CHILD);

  for (guint i = 0; i < N_MEASURES; i++)
    g_string_append_printf (summary, ",\"%s\":{\"median\":%.2f,\"min\":%.2f,\"max\":%.2f}",
                            measure_names[i], quantile (measures[i], 0.5),
                            quantile (measures[i], 0), quantile (measures[i], 1));
  g_print ("%s,\"runs\":%d}\n", summary->str, opt_runs);

  block = format_markdown (measures, date, load_before, load_average ());
  if (opt_markdown != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr (GString) updated = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_file_get_contents (opt_markdown, &text, NULL, &error))
        g_error ("%s", error->message);
      updated = g_string_new (text);
      cs_bench_replace_block (updated, "call-window-bench", block);
      if (!g_file_set_contents (opt_markdown, updated->str, -1, &error))
        g_error ("%s", error->message);
    }
  else
    g_print ("%s", block);
  for (guint i = 0; i < N_MEASURES; i++)
    g_array_unref (measures[i]);
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs, each in a lab of its own", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Seconds of call measured for CPU", "S" },
    { "markdown", 0, 0, G_OPTION_ARG_FILENAME, &opt_markdown, "Update this file", "FILE" },
    { "perf", 0, 0, G_OPTION_ARG_FILENAME, &opt_perf,
      "After the measurements, profile the app drawing (perf record -g) into FILE", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  /* What the UI tests' environment (tests/ui/meson.build) sets, for a run by hand. */
  g_setenv ("CS_UI_SESSION", CS_UI_SESSION_PATH, FALSE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", CS_SCHEMA_DIR, FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", FALSE);
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", FALSE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");

  /* Ours first, so that --help shows them; g_test_init() takes -p and the like afterwards. */
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_summary (
    context,
    "Measures the call window against a bot in the same call: the app under Xvfb in the family\n"
    "lab (Prosody, coturn, cousinade-bot Anna and Bruno, 640x360 at 30 fps; needs root). Prints\n"
    "JSON lines; --markdown FILE rewrites the <!-- call-window-bench --> block of FILE.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_runs < 1 || opt_seconds < 1)
    g_error ("--runs and --seconds need at least 1");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bench/call-window", test_call_window);
  g_test_add_func ("/bench/call-window-app", test_call_window_app);

  return g_test_run ();
}
