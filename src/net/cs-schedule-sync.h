/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/*
 * A circle's schedule shared through its room (docs/protocol.md, "Shared schedule"): the
 * organiser publishes each series as a <schedule xmlns='urn:cousinade:schedule:1'> groupchat
 * payload that the room keeps in its history and archive; every member applies the payloads
 * it receives, live or replayed on entry, to its own store. Only payloads from an occupant
 * whose affiliation is owner or admin count, and a copy never replaces a newer one (higher
 * SEQUENCE wins; an equal one keeps what is stored).
 *
 * Signals:
 *  "applied" (gint64 circle_id, const char *uid, guint sequence): a payload changed the local
 *      store (a series created, updated, cancelled or deleted).
 *  "ignored" (const char *room, const char *nick, const char *reason): a payload was refused
 *      (not from the organiser, older than what is stored, malformed...).
 */

#define CS_TYPE_SCHEDULE_SYNC (cs_schedule_sync_get_type ())
G_DECLARE_FINAL_TYPE (CsScheduleSync, cs_schedule_sync, CS, SCHEDULE_SYNC, GObject)

#define CS_SCHEDULE_SYNC_NS "urn:cousinade:schedule:1"

CsScheduleSync *cs_schedule_sync_new (CsXmppClient *client, CsStore *store);

/* Publishes @call as it is now (live or cancelled, with its skipped and moved occurrences)
 * in the room of its circle. Call it after each change made through the store. Fails when
 * the circle has no room. */
gboolean cs_schedule_sync_publish (CsScheduleSync *self, CsScheduledCall *call, GError **error);
/* Publishes that @call, just deleted from the store (its uid, circle id and sequence kept),
 * is gone for good. */
gboolean cs_schedule_sync_publish_deleted (CsScheduleSync *self,
                                           CsScheduledCall *call,
                                           GError **error);
/* Publishes every series of @circle again, cancelled ones included: for an organiser
 * entering the room, so members who missed an update (history is bounded) catch up. */
gboolean cs_schedule_sync_publish_circle (CsScheduleSync *self, CsCircle *circle, GError **error);

G_END_DECLS
