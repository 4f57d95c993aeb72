/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-test-process"

#include "config.h"

#include "cs-test-process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#define READY_TIMEOUT_SECONDS 15
#define PROBE_INTERVAL_MS 50
#define TERM_TIMEOUT_MS 5000
#define KILL_TIMEOUT_MS 5000
#define LOG_TAIL_LINES 30

char *
cs_test_process_find_program (const char *name, const char *package, GError **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "%s not found in PATH: install the %s package", name, package);

  return path;
}

/* Runs in the forked child before it execs; @user_data is the parent's pid. */
static void
child_setup (gpointer user_data)
{
  pid_t parent_pid = GPOINTER_TO_INT (user_data);

  /* Its own process group, so a stop reaches whatever it spawns; and killed with the thread
   * that started it, so an aborted test leaves nothing running. The parent may have died
   * before prctl() took effect: then nobody would kill the child. */
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent_pid)
    _exit (1);
}

void
cs_test_process_launcher_setup (GSubprocessLauncher *launcher)
{
  g_return_if_fail (G_IS_SUBPROCESS_LAUNCHER (launcher));

  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (getpid ()), NULL);
}

/* The pid, which is also the process group's id, or 0 once the process was reaped. */
GPid
cs_test_process_get_pid (GSubprocess *process)
{
  const char *identifier = g_subprocess_get_identifier (process);

  return identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
}

/* Calls @probe every 50 ms until it succeeds, the process exits or 15 s pass. On failure the
 * message reads "@name did not @expectation within 15 s (first try: …)". */
gboolean
cs_test_process_wait_ready (GSubprocess *process,
                            CsTestProcessProbe probe,
                            gpointer data,
                            const char *name,
                            const char *expectation,
                            GError **error)
{
  g_autoptr (GError) probe_error = NULL;
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!probe (data, probe_error == NULL ? &probe_error : NULL))
    {
      if (g_subprocess_get_identifier (process) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s exited while starting", name);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s did not %s within %d s (first try: %s)", name, expectation,
                       READY_TIMEOUT_SECONDS,
                       probe_error != NULL ? probe_error->message : "no answer");
          return FALSE;
        }
      /* A refused connection fails at once; the next try waits a little. */
      g_usleep (PROBE_INTERVAL_MS * G_TIME_SPAN_MILLISECOND);
    }

  return TRUE;
}

static void
on_wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  int *outcome = user_data;

  *outcome = g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL) ? 1 : 0;
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Whether the process exited within @timeout_ms. It waits on a private main context, so that
 * no test callback runs while a server or participant is being stopped. */
gboolean
cs_test_process_wait_for_exit (GSubprocess *process, guint timeout_ms)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);
  int outcome = -1;

  g_return_val_if_fail (G_IS_SUBPROCESS (process), FALSE);

  g_main_context_push_thread_default (context);

  g_source_set_callback (timeout, on_wait_timeout, cancellable, NULL);
  g_source_attach (timeout, context);
  g_subprocess_wait_async (process, cancellable, on_wait_done, &outcome);
  while (outcome < 0)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);

  g_main_context_pop_thread_default (context);

  return outcome == 1;
}

/* Stops the process group of a process started with cs_test_process_launcher_setup():
 * SIGTERM, then SIGKILL if it does not exit within 5 s. */
gboolean
cs_test_process_terminate (GSubprocess *process, const char *name, GError **error)
{
  GPid pid = cs_test_process_get_pid (process);

  g_return_val_if_fail (G_IS_SUBPROCESS (process), FALSE);

  /* Still unreaped, so the process group still exists and is ours. */
  if (g_subprocess_get_identifier (process) != NULL)
    kill (-pid, SIGTERM);
  if (cs_test_process_wait_for_exit (process, TERM_TIMEOUT_MS))
    return TRUE;

  g_debug ("%s (pid %d) ignored SIGTERM, killing it", name, pid);
  if (g_subprocess_get_identifier (process) != NULL)
    kill (-pid, SIGKILL);
  if (cs_test_process_wait_for_exit (process, KILL_TIMEOUT_MS))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s (pid %d) did not exit after SIGKILL",
               name, pid);
  return FALSE;
}

static char *
read_tail (const char *path, guint n_lines)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *start;
  guint seen = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) || length == 0)
    return g_strdup ("(empty)");

  start = contents + length;
  if (start > contents && start[-1] == '\n')
    start--;
  while (start > contents)
    {
      if (start[-1] == '\n' && ++seen == n_lines)
        break;
      start--;
    }

  return g_strdup (start);
}

/* Takes @cause. A server's own words are what tell why it did not start: the error gets the
 * last lines of its console output and of its log. */
void
cs_test_process_propagate_with_logs (GError **error,
                                     GError *cause,
                                     const char *name,
                                     const char *dir,
                                     const char *console_name,
                                     const char *console_file,
                                     const char *log_file)
{
  g_autoptr (GError) owned_cause = cause;
  g_autofree char *console = read_tail (console_file, LOG_TAIL_LINES);
  g_autofree char *log = read_tail (log_file, LOG_TAIL_LINES);

  g_set_error (error, cause->domain, cause->code, "%s in %s: %s\n--- %s ---\n%s\n--- %s ---\n%s",
               name, dir, cause->message, console_name, console, log_file, log);
}

static gboolean
remove_tree (GFile *file, GError **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  GFileType type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);

  if (type == G_FILE_TYPE_DIRECTORY)
    {
      children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);
      if (children == NULL)
        return FALSE;

      while (TRUE)
        {
          GFile *child = NULL;

          if (!g_file_enumerator_iterate (children, NULL, &child, NULL, error))
            return FALSE;
          if (child == NULL)
            break;
          if (!remove_tree (child, error))
            return FALSE;
        }
    }

  return g_file_delete (file, NULL, error);
}

/* Deletes @path and everything below it, without following links. */
gboolean
cs_test_process_remove_tree (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  return remove_tree (file, error);
}
