/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the harnesses that run a real server or program for a test share (Prosody, coturn, the
 * headless call participants): starting it so that it dies with the test, waiting until it is
 * ready, stopping it with everything it started, and telling in the error why it failed. */

typedef gboolean (*CsTestProcessProbe) (gpointer data, GError **error);

char *cs_test_process_find_program (const char *name, const char *package, GError **error);
void cs_test_process_launcher_setup (GSubprocessLauncher *launcher);
GPid cs_test_process_get_pid (GSubprocess *process);
gboolean cs_test_process_wait_ready (GSubprocess *process,
                                     CsTestProcessProbe probe,
                                     gpointer data,
                                     const char *name,
                                     const char *expectation,
                                     GError **error);
gboolean cs_test_process_wait_for_exit (GSubprocess *process, guint timeout_ms);
gboolean cs_test_process_terminate (GSubprocess *process, const char *name, GError **error);
void cs_test_process_propagate_with_logs (GError **error,
                                          GError *cause,
                                          const char *name,
                                          const char *dir,
                                          const char *console_name,
                                          const char *console_file,
                                          const char *log_file);
gboolean cs_test_process_remove_tree (const char *path, GError **error);

G_END_DECLS
