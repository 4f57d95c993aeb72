/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-lab.h"

G_BEGIN_DECLS

/* A helper process of a lab test, usually the test program itself in a helper mode, run in
 * one of the lab's namespaces and talked to line by line through its stdin and stdout. It
 * dies with the test. */
typedef struct
{
  GSubprocess *process;
  GDataInputStream *output;
} CsLabHelper;

/* Runs @argv (argv[0] a program's path) in @host's namespace of @lab, or here when @lab is
 * NULL. */
CsLabHelper *cs_lab_helper_start (CsLab *lab, guint host, const char *const *argv);
/* Blocks until the helper prints a line that is not a test message ("# …"); NULL when its
 * output ends. */
char *cs_lab_helper_read_line (CsLabHelper *helper);
void cs_lab_helper_write_line (CsLabHelper *helper, const char *line);
/* Waits for the helper to exit successfully, and frees it. */
void cs_lab_helper_finish (CsLabHelper *helper);
/* Kills the helper if it still runs. */
void cs_lab_helper_free (CsLabHelper *helper);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsLabHelper, cs_lab_helper_free)

G_END_DECLS
