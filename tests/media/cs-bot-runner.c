/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-bot-runner"

#include "config.h"

#include "cs-bot-runner.h"

#include "cs-test-process.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TERM_TIMEOUT_MS 2000
#define KILL_TIMEOUT_MS 5000
/* After the bot exits, how long its last lines may take to be read. */
#define DRAIN_TIMEOUT_MS 1000
#define CPU_POLL_SECONDS 1

struct _CsBot
{
  GObject parent_instance;

  char *name;
  GSubprocess *process;
  GDataInputStream *output;
  GCancellable *cancellable;
  GMainContext *context;
  GSource *cpu_poll;
  GPtrArray *events;

  GPid pid;
  char *pid_string;
  /* Field 22 of /proc/<pid>/stat, so that a reused pid is not read as ours. */
  guint64 start_time;
  double cpu_seconds;

  gboolean exited;
  gboolean output_closed;
  int wait_status;
};

G_DEFINE_FINAL_TYPE (CsBot, cs_bot, G_TYPE_OBJECT)

typedef struct
{
  const char *event;
  const char *key;
  const char *value;
} EventMatch;

typedef gboolean (*DoneFunc) (CsBot *self, gconstpointer data);

static void read_next_line (CsBot *self);

static char *
describe_wait_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (wait_status));
  if (WIFSIGNALED (wait_status))
    return g_strdup_printf ("was killed by signal %d (%s)", WTERMSIG (wait_status),
                            g_strsignal (WTERMSIG (wait_status)));

  return g_strdup_printf ("ended with wait status %d", wait_status);
}

static void
read_cpu_seconds (CsBot *self)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) fields = NULL;
  const char *end_of_name;
  guint64 start_time;
  guint64 ticks;

  if (self->exited || self->pid <= 0)
    return;

  path = g_strdup_printf ("/proc/%d/stat", (int) self->pid);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;

  /* The command name, in parentheses, may itself hold spaces and parentheses. */
  end_of_name = strrchr (contents, ')');
  if (end_of_name == NULL || end_of_name[1] != ' ')
    return;

  /* fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22. */
  fields = g_strsplit (end_of_name + 2, " ", 21);
  if (g_strv_length (fields) < 20)
    return;

  start_time = g_ascii_strtoull (fields[19], NULL, 10);
  if (self->start_time == 0)
    self->start_time = start_time;
  else if (start_time != self->start_time)
    return;

  ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  self->cpu_seconds = (double) ticks / (double) sysconf (_SC_CLK_TCK);
}

static void
kill_leftovers (CsBot *self)
{
  /* Children the bot left behind could hold its stdout (and the test's
   * stderr) open long after it is gone. The group outlives its leader only
   * while they run, so its id cannot belong to anyone else yet. */
  if (self->pid > 0 && kill (-self->pid, SIGKILL) == 0)
    g_test_message ("%s: killed processes it left behind", self->name);
}

/* Bots are under test too: a member of the wrong type is no match, not a critical warning. */
static const char *
get_string_member (JsonObject *object, const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

static gboolean
event_matches (JsonObject *object, const EventMatch *match)
{
  if (g_strcmp0 (get_string_member (object, "event"), match->event) != 0)
    return FALSE;

  if (match->key == NULL)
    return TRUE;

  if (match->value == NULL)
    return json_object_has_member (object, match->key);

  return g_strcmp0 (get_string_member (object, match->key), match->value) == 0;
}

static void
handle_line (CsBot *self, const char *line)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_test_message ("%s: %s", self->name, line);
      return;
    }

  object = json_node_get_object (root);
  g_ptr_array_add (self->events, json_object_ref (object));

  /* Stats arrive every second and would drown the events that tell what happened. */
  if (g_strcmp0 (get_string_member (object, "event"), "stats") == 0)
    g_debug ("%s: %s", self->name, line);
  else
    g_test_message ("%s: %s", self->name, line);
}

static void
on_line_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  CsBot *self;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = CS_BOT (user_data);
  if (line == NULL)
    {
      if (error != NULL)
        g_test_message ("%s: cannot read its output: %s", self->name, error->message);

      /* Usually the bot is exiting: this is the last chance to see its CPU time. */
      read_cpu_seconds (self);
      self->output_closed = TRUE;
      return;
    }

  if (!g_utf8_validate (line, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (line, -1);

      handle_line (self, valid);
    }
  else
    {
      handle_line (self, line);
    }

  read_next_line (self);
}

static void
read_next_line (CsBot *self)
{
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line_read, self);
}

static void
on_wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  CsBot *self;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_test_message ("Cannot wait for a bot: %s", error->message);
      return;
    }

  self = CS_BOT (user_data);
  self->exited = TRUE;
  self->wait_status = g_subprocess_get_status (G_SUBPROCESS (source));
  if (self->cpu_poll != NULL)
    {
      g_source_destroy (self->cpu_poll);
      g_clear_pointer (&self->cpu_poll, g_source_unref);
    }

  description = describe_wait_status (self->wait_status);
  g_test_message ("%s (pid %s) %s", self->name, self->pid_string, description);
  kill_leftovers (self);
}

static gboolean
on_cpu_poll (gpointer user_data)
{
  read_cpu_seconds (CS_BOT (user_data));

  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
iterate_until (CsBot *self, DoneFunc done, gconstpointer data, guint timeout_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, on_timeout, &timed_out, NULL);
  g_source_attach (timeout, self->context);

  while (!done (self, data) && !timed_out)
    g_main_context_iteration (self->context, TRUE);

  g_source_destroy (timeout);

  return done (self, data);
}

static gboolean
is_event_found_or_output_closed (CsBot *self, gconstpointer data)
{
  const EventMatch *match = data;

  return self->output_closed ||
         cs_bot_find_event (self, match->event, match->key, match->value) != NULL;
}

static gboolean
has_exited (CsBot *self, gconstpointer data)
{
  return self->exited;
}

static gboolean
is_output_closed (CsBot *self, gconstpointer data)
{
  return self->output_closed;
}

static void
stop (CsBot *self)
{
  g_subprocess_send_signal (self->process, SIGTERM);
  if (!cs_test_process_wait_for_exit (self->process, TERM_TIMEOUT_MS))
    {
      g_test_message ("%s did not stop within %d ms of SIGTERM: killing it", self->name,
                      TERM_TIMEOUT_MS);
      g_subprocess_force_exit (self->process);
      if (!cs_test_process_wait_for_exit (self->process, KILL_TIMEOUT_MS))
        g_test_message ("%s (pid %s) is still there after SIGKILL", self->name, self->pid_string);
    }

  kill_leftovers (self);
}

static void
cs_bot_dispose (GObject *object)
{
  CsBot *self = CS_BOT (object);

  g_cancellable_cancel (self->cancellable);

  if (self->cpu_poll != NULL)
    {
      g_source_destroy (self->cpu_poll);
      g_clear_pointer (&self->cpu_poll, g_source_unref);
    }

  if (self->process != NULL && !self->exited)
    stop (self);

  g_clear_object (&self->output);
  g_clear_object (&self->process);

  G_OBJECT_CLASS (cs_bot_parent_class)->dispose (object);
}

static void
cs_bot_finalize (GObject *object)
{
  CsBot *self = CS_BOT (object);

  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_free (self->name);
  g_free (self->pid_string);

  G_OBJECT_CLASS (cs_bot_parent_class)->finalize (object);
}

static void
cs_bot_class_init (CsBotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_bot_dispose;
  object_class->finalize = cs_bot_finalize;
}

static void
cs_bot_init (CsBot *self)
{
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

CsBot *
cs_bot_spawn (CsLab *lab, guint host, const char *name, const char *const *argv, GError **error)
{
  g_autoptr (CsBot) self = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_auto (GStrv) command = NULL;
  const char *identifier;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  command = lab != NULL ? cs_lab_wrap_argv (lab, host, argv) : g_strdupv ((char **) argv);
  g_return_val_if_fail (command != NULL, NULL);

  self = g_object_new (CS_TYPE_BOT, NULL);
  self->name = g_strdup (name);

  /* stderr is inherited, so the bot's logs land in the test log. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  cs_test_process_launcher_setup (launcher);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) command, error);
  if (self->process == NULL)
    {
      g_prefix_error (error, "Cannot start %s: ", name);
      return NULL;
    }

  /* NULL only if it already exited and was reaped. `ip netns exec` execs
   * the command in place, so this is the bot's own pid. */
  identifier = g_subprocess_get_identifier (self->process);
  self->pid_string = g_strdup (identifier != NULL ? identifier : "0");
  self->pid = (GPid) atoi (self->pid_string);
  read_cpu_seconds (self);

  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  read_next_line (self);
  g_subprocess_wait_async (self->process, self->cancellable, on_wait_done, self);

  self->cpu_poll = g_timeout_source_new_seconds (CPU_POLL_SECONDS);
  g_source_set_callback (self->cpu_poll, on_cpu_poll, self, NULL);
  g_source_attach (self->cpu_poll, self->context);

  g_test_message ("%s started (pid %s): %s", name, self->pid_string, argv[0]);

  return g_steal_pointer (&self);
}

const char *
cs_bot_get_name (CsBot *self)
{
  g_return_val_if_fail (CS_IS_BOT (self), NULL);

  return self->name;
}

/* The bot's pid, kept after it exits; 0 if it exited before anyone could see it. */
GPid
cs_bot_get_pid (CsBot *self)
{
  g_return_val_if_fail (CS_IS_BOT (self), 0);

  return self->pid;
}

const char *
cs_bot_get_pid_string (CsBot *self)
{
  g_return_val_if_fail (CS_IS_BOT (self), NULL);

  return self->pid_string;
}

GPtrArray *
cs_bot_get_events (CsBot *self)
{
  g_return_val_if_fail (CS_IS_BOT (self), NULL);

  return self->events;
}

JsonObject *
cs_bot_find_event (CsBot *self, const char *event, const char *key, const char *value)
{
  EventMatch match = { event, key, value };

  g_return_val_if_fail (CS_IS_BOT (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  for (guint i = self->events->len; i > 0; i--)
    {
      JsonObject *object = g_ptr_array_index (self->events, i - 1);

      if (event_matches (object, &match))
        return object;
    }

  return NULL;
}

guint
cs_bot_count_events (CsBot *self, const char *event, const char *key, const char *value)
{
  EventMatch match = { event, key, value };
  guint count = 0;

  g_return_val_if_fail (CS_IS_BOT (self), 0);
  g_return_val_if_fail (event != NULL, 0);

  for (guint i = 0; i < self->events->len; i++)
    if (event_matches (g_ptr_array_index (self->events, i), &match))
      count++;

  return count;
}

gboolean
cs_bot_wait_for_event (CsBot *self,
                       const char *event,
                       const char *key,
                       const char *value,
                       guint timeout_ms)
{
  EventMatch match = { event, key, value };

  g_return_val_if_fail (CS_IS_BOT (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  iterate_until (self, is_event_found_or_output_closed, &match, timeout_ms);
  if (cs_bot_find_event (self, event, key, value) != NULL)
    return TRUE;

  g_test_message ("%s: no \"%s\" event%s%s%s%s %s", self->name, event, key != NULL ? " with " : "",
                  key != NULL ? key : "", value != NULL ? "=" : "", value != NULL ? value : "",
                  self->output_closed ? "before its output closed" : "in time");
  return FALSE;
}

gboolean
cs_bot_wait_exit (CsBot *self, guint timeout_ms, int *exit_status)
{
  gint64 start = g_get_monotonic_time ();
  guint elapsed_ms;

  g_return_val_if_fail (CS_IS_BOT (self), FALSE);

  if (!iterate_until (self, has_exited, NULL, timeout_ms))
    {
      g_test_message ("%s (pid %s) still runs after %u ms", self->name, self->pid_string,
                      timeout_ms);
      return FALSE;
    }

  elapsed_ms = (guint) ((g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND);
  if (elapsed_ms < timeout_ms)
    iterate_until (self, is_output_closed, NULL, MIN (timeout_ms - elapsed_ms, DRAIN_TIMEOUT_MS));

  if (exit_status != NULL)
    *exit_status = self->wait_status;

  return TRUE;
}

void
cs_bot_kill (CsBot *self, int signum)
{
  g_return_if_fail (CS_IS_BOT (self));

  /* Does nothing once GSubprocess has reaped the bot, so a reused pid is never hit. */
  g_subprocess_send_signal (self->process, signum);
}

double
cs_bot_get_cpu_seconds (CsBot *self)
{
  g_return_val_if_fail (CS_IS_BOT (self), 0.0);

  read_cpu_seconds (self);

  return self->cpu_seconds;
}

CsBot *
cs_bot_spawn_participant (CsLab *lab,
                          guint host,
                          const char *bot_path,
                          const char *hub_path,
                          int fps,
                          const char *const *env,
                          const char *const *extra,
                          GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *name = g_strdup_printf ("Participant %u", host);
  g_autofree char *fps_string = g_strdup_printf ("%d", fps);
  const char *id = cs_bot_participant_id (host);

  g_return_val_if_fail (lab != NULL, NULL);
  g_return_val_if_fail (bot_path != NULL && hub_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Participants are not held to fatal warnings: GStreamer 1.22's webrtcbin can print a
   * critical from a race between its own threads under load (a hash table changed while
   * read), which must fail a participant's media, not kill the process. */
  g_strv_builder_add_many (builder, "env", "G_DEBUG=gc-friendly", NULL);
  if (env != NULL)
    g_strv_builder_addv (builder, (const char **) env);
  g_strv_builder_add_many (builder, bot_path, "--hub", hub_path, "--id", id, "--name", name,
                           "--fps", fps_string, NULL);
  if (extra != NULL)
    g_strv_builder_addv (builder, (const char **) extra);
  argv = g_strv_builder_end (builder);

  return cs_bot_spawn (lab, host, id, (const char *const *) argv, error);
}

const char *
cs_bot_participant_id (guint host)
{
  static char ids[8][4];

  g_return_val_if_fail (host < G_N_ELEMENTS (ids), NULL);

  g_snprintf (ids[host], sizeof ids[host], "p%u", host);
  return ids[host];
}
