/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-lab-helper"

#include "config.h"

#include "cs-lab-helper.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Runs in the forked child; @user_data is the test's pid. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The test may have died before prctl() took effect. */
  if (getppid () != GPOINTER_TO_INT (user_data))
    _exit (1);
}

CsLabHelper *
cs_lab_helper_start (CsLab *lab, guint host, const char *const *argv)
{
  /* stdin too: some helpers learn from it closing that the test is done with them. */
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) command = NULL;
  CsLabHelper *helper;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  command = lab != NULL ? cs_lab_wrap_argv (lab, host, argv) : g_strdupv ((char **) argv);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  helper = g_new0 (CsLabHelper, 1);
  helper->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) command, &error);
  g_assert_no_error (error);
  helper->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper->process));

  return helper;
}

char *
cs_lab_helper_read_line (CsLabHelper *helper)
{
  g_autoptr (GError) error = NULL;
  char *line;

  while ((line = g_data_input_stream_read_line (helper->output, NULL, NULL, &error)) != NULL &&
         line[0] == '#')
    g_free (line);
  g_assert_no_error (error);
  return line;
}

void
cs_lab_helper_write_line (CsLabHelper *helper, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *with_newline = g_strconcat (line, "\n", NULL);

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (helper->process), with_newline,
                             strlen (with_newline), NULL, NULL, &error);
  g_assert_no_error (error);
}

void
cs_lab_helper_finish (CsLabHelper *helper)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_wait_check (helper->process, NULL, &error);
  g_assert_no_error (error);
  cs_lab_helper_free (helper);
}

void
cs_lab_helper_free (CsLabHelper *helper)
{
  if (helper == NULL)
    return;

  /* Nothing once it exited and was reaped. */
  if (helper->process != NULL)
    g_subprocess_force_exit (helper->process);
  g_clear_object (&helper->output);
  g_clear_object (&helper->process);
  g_free (helper);
}
