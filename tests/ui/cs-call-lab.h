/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-application.h"
#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-test-server.h"
#include "cs-test-turn.h"

G_BEGIN_DECLS

/*
 * A family for call tests and demos: a lab whose server namespace runs Prosody and coturn,
 * the app run again (this same program, another test path) under ui-session.sh in a namespace
 * of its own, and two cousinade-bot, Anna and Bruno, in two more, calling in their circle
 * "famille". The parent learns nothing from the app but its output; what the app needs to know
 * of the lab travels in the environment (CS_CALL_UI_*).
 */

#define TURN_PORT 3478
#define FPS 15
#define BOT_MS 40000
#define MIN_FRAMES 30

#define ENV_SERVER "CS_CALL_UI_SERVER"
#define ENV_DOMAIN "CS_CALL_UI_DOMAIN"
#define ENV_MUC "CS_CALL_UI_MUC"
#define ENV_CA "CS_CALL_UI_CA"
#define ENV_NETNS_ANNA "CS_CALL_UI_NETNS_ANNA"
#define ENV_NETNS_BRUNO "CS_CALL_UI_NETNS_BRUNO"

typedef struct
{
  CsLab *lab;
  CsTestServer *server;
  CsTestTurn *turn;
} CallLab;

void call_lab_start (CallLab *lab);
void call_lab_run_app (CallLab *lab, const char *path);
GPtrArray *call_lab_run_app_collect (CallLab *lab, const char *path);
void call_lab_stop (CallLab *lab);
char *call_lab_address_of (const char *name);
CsBot *call_lab_spawn_bot (const char *name, const char *netns, gboolean first);
CsBot *call_lab_spawn_bot_with (const char *name,
                                const char *netns,
                                gboolean first,
                                const char *const *more_members,
                                const char *const *more_args);
CsBot *call_lab_spawn_bot_again (const char *name, const char *netns, const char *const *args);
void call_lab_add_contact (CsStore *store, const char *name, const char *address);
void call_lab_sign_up (GtkWindow *window);
void call_lab_wait_bot_sees (CsBot *bot, const char *peer, const char *member);
void call_lab_assert_bot_decodes (CsBot *bot, const char *peer);
void call_lab_join_circle (CsApplication *app, CsBot **anna, CsBot **bruno);
void call_lab_join_circle_with (CsApplication *app,
                                CsBot **anna,
                                CsBot **bruno,
                                const char *const *more_members,
                                const char *const *more_args);

G_END_DECLS
