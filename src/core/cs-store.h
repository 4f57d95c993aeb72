/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-account.h"
#include "cs-circle.h"
#include "cs-contact.h"
#include "cs-interaction.h"
#include "cs-member.h"
#include "cs-scheduled-call.h"
#include "cs-overdue.h"

G_BEGIN_DECLS

#define CS_STORE_ERROR (cs_store_error_quark ())

typedef enum
{
  CS_STORE_ERROR_FAILED,
  /* The file was written by a newer Cousinade: it is left untouched. */
  CS_STORE_ERROR_NEWER_VERSION,
  /* The file is not a database or fails its integrity check: left untouched. */
  CS_STORE_ERROR_CORRUPT,
  /* Bad input (blank name, invalid or duplicate address...); nothing was written. */
  CS_STORE_ERROR_INVALID,
  CS_STORE_ERROR_NOT_FOUND,
} CsStoreError;

/* The schema version this build writes (PRAGMA user_version). */
#define CS_STORE_SCHEMA_VERSION 4

#define CS_TYPE_STORE (cs_store_get_type ())
G_DECLARE_FINAL_TYPE (CsStore, cs_store, CS, STORE, GObject)

GQuark cs_store_error_quark (void);

char *cs_store_default_path (void);
CsStore *cs_store_open (const char *path, GError **error);
const char *cs_store_get_path (CsStore *self);

/* Live lists, owned by the store, kept sorted by name (case-insensitive,
 * collated). They change as the store changes. Trashed entries are not in them. */
GListModel *cs_store_get_circles (CsStore *self);
GListModel *cs_store_get_contacts (CsStore *self);
/* CsMember items of @circle, sorted by contact name; live as well. */
GListModel *cs_store_get_members (CsStore *self, CsCircle *circle);

/* The store's own object for @id, or NULL. Transfer none. */
CsCircle *cs_store_find_circle (CsStore *self, gint64 id);
CsContact *cs_store_find_contact (CsStore *self, gint64 id);
/* The contact whose XMPP address is @xmpp_address (bare), or NULL. Transfer none. */
CsContact *cs_store_find_contact_by_address (CsStore *self, const char *xmpp_address);

/* Saves @draft (a new object with id 0, or a copy of a stored one) and returns
 * the store's own object, updated in place so bound widgets follow. Transfer
 * none. On failure nothing is written and @draft keeps its values. */
CsCircle *cs_store_save_circle (CsStore *self, CsCircle *draft, GError **error);
CsContact *cs_store_save_contact (CsStore *self, CsContact *draft, GError **error);

/* Deleting is two-step so the UI can offer Undo: trash hides the entry from
 * every list, restore brings it back unchanged, purge deletes trashed entries
 * for good (cascading to memberships, schedules and history links). */
gboolean cs_store_trash_circle (CsStore *self, CsCircle *circle, GError **error);
gboolean cs_store_restore_circle (CsStore *self, gint64 circle_id, GError **error);
gboolean cs_store_trash_contact (CsStore *self, CsContact *contact, GError **error);
gboolean cs_store_restore_contact (CsStore *self, gint64 contact_id, GError **error);
gboolean cs_store_purge_trash (CsStore *self, GError **error);

/* Adding a contact who already is a member does nothing and succeeds. */
gboolean cs_store_add_member (CsStore *self,
                              CsCircle *circle,
                              CsContact *contact,
                              CsMemberRole role,
                              GError **error);
gboolean cs_store_remove_member (CsStore *self,
                                 CsCircle *circle,
                                 CsContact *contact,
                                 GError **error);
gboolean cs_store_is_member (CsStore *self, CsCircle *circle, CsContact *contact);

/* Contact history. Logging writes the interaction and its participants in one
 * transaction and sets the interaction's id. The store emits "interactions-changed"
 * (no arguments) after a log, a delete, and a purge that removed anything. */
gboolean cs_store_log_interaction (CsStore *self, CsInteraction *interaction, GError **error);
gboolean cs_store_delete_interaction (CsStore *self, gint64 interaction_id, GError **error);
/* A call as the call engine reports it; parts of one call (reconnections) make one entry.
 * See cs-store-calls.c. */
gint64 cs_store_record_call (CsStore *self,
                             const char *call_id,
                             gint64 circle_id,
                             GDateTime *started_at,
                             guint duration_seconds,
                             const gint64 *participants,
                             gsize n_participants,
                             GError **error);
/* A call that rang and that nobody answered here (see cs-store-calls.c). */
gint64 cs_store_log_missed_call (CsStore *self,
                                 GDateTime *started_at,
                                 gint64 circle_id,
                                 gint64 caller_id,
                                 GError **error);
/* Newest first, at most @limit (0: all). A snapshot, not live. */
GListModel *cs_store_list_interactions_for_circle (CsStore *self, CsCircle *circle, guint limit);
GListModel *cs_store_list_interactions_for_contact (CsStore *self, CsContact *contact, guint limit);
/* Timelines, one page at a time: newest first, skipping @offset entries, at most
 * @limit (0: all the rest). */
GListModel *cs_store_get_contact_timeline (CsStore *self,
                                           CsContact *contact,
                                           guint offset,
                                           guint limit,
                                           GError **error);
GListModel *cs_store_get_circle_timeline (CsStore *self,
                                          CsCircle *circle,
                                          guint offset,
                                          guint limit,
                                          GError **error);
/* Oldest first, started in [@from, @until). */
GListModel *cs_store_list_interactions_between (CsStore *self,
                                                GDateTime *from,
                                                GDateTime *until,
                                                GError **error);
/* When the user last met or talked with @contact, or NULL (never, or on error). */
GDateTime *cs_store_get_last_contact (CsStore *self, CsContact *contact, GError **error);
/* Contact id -> last contact (Unix seconds, gint64 *) for every contact with history. */
GHashTable *cs_store_get_last_contacts (CsStore *self, GError **error);
/* CsOverdue items: live contacts and circles whose keep-in-touch cadence has passed
 * at @now since their last interaction (or since they were added, with none), most
 * overdue first. */
GListModel *cs_store_list_overdue (CsStore *self, GDateTime *now, GError **error);
/* Logs @interaction like cs_store_log_interaction() and, in the same transaction,
 * saves what each of @updates (copies of stored contacts, all participants) seeks
 * and offers; the store's own contacts follow. Nothing is written on failure. */
gboolean cs_store_log_interaction_with_updates (CsStore *self,
                                                CsInteraction *interaction,
                                                CsContact *const *updates,
                                                guint n_updates,
                                                GError **error);

/* All the user's data. Importing saves @contacts (new ones with id 0, and copies of
 * stored ones with merged values) in one transaction: all or none. Deleting removes every circle, contact,
 * schedule, interaction and the account in one transaction; the live lists empty
 * and the store emits "interactions-changed" and "account-changed". */
gboolean cs_store_import_contacts (CsStore *self,
                                   CsContact *const *contacts,
                                   guint n_contacts,
                                   GError **error);
gboolean cs_store_delete_all_data (CsStore *self, GError **error);

/* Scheduled calls (cs-store-schedule.c). Calls are snapshots, not live objects:
 * the functions below write @call and update it in place (id, sequence,
 * cancelled, exceptions). Every change made here raises the sequence, so that
 * the newer copy of a series wins wherever copies meet (ICS, room updates).
 * The store emits "schedule-changed" (no arguments) after each successful write. */
gboolean cs_store_create_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error);
gboolean cs_store_update_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error);
/* Cancelling hides the series from every list and from "upcoming"; restoring
 * (Undo) brings it back with its exceptions. */
gboolean cs_store_cancel_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error);
gboolean cs_store_restore_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error);
gboolean cs_store_delete_scheduled_call (CsStore *self, CsScheduledCall *call, GError **error);
/* @recurrence_id is the occurrence's original start (CsOccurrence.recurrence_id). */
gboolean cs_store_skip_occurrence (CsStore *self,
                                   CsScheduledCall *call,
                                   const char *recurrence_id,
                                   GError **error);
gboolean cs_store_move_occurrence (CsStore *self,
                                   CsScheduledCall *call,
                                   const char *recurrence_id,
                                   GDateTime *new_start,
                                   GError **error);
/* A new object read from the database, or NULL with CS_STORE_ERROR_NOT_FOUND. */
CsScheduledCall *cs_store_get_scheduled_call (CsStore *self, gint64 call_id, GError **error);
CsScheduledCall *cs_store_find_scheduled_call_by_uid (CsStore *self,
                                                      const char *uid,
                                                      GError **error);
/* CsScheduledCall items of one circle (@circle_id 0: of every live circle), by
 * start; cancelled ones only when asked. A snapshot. */
GListModel *cs_store_list_scheduled_calls (CsStore *self,
                                           gint64 circle_id,
                                           gboolean include_cancelled,
                                           GError **error);
/* The next @n_occurrences (CsOccurrence) of every live series of live circles,
 * starting at or after @from, by start. user_start is in @user_zone (NULL: the
 * local zone) and zone_differs tells when the organiser's zone shows another
 * time of day. */
GPtrArray *cs_store_list_upcoming_calls (CsStore *self,
                                         GDateTime *from,
                                         guint n_occurrences,
                                         GTimeZone *user_zone,
                                         GError **error);
/* Writes every call of @calls in one transaction, all or none: a uid the store
 * does not know is created in @circle_id; a known one is replaced when the
 * incoming sequence is higher, and left alone otherwise. */
gboolean cs_store_import_scheduled_calls (CsStore *self,
                                          gint64 circle_id,
                                          GPtrArray *calls,
                                          guint *n_created,
                                          guint *n_updated,
                                          GError **error);

/* The XMPP account: at most one for now. Its password is not in the store (it is
 * in the Secret Service). The store emits "account-changed" (no arguments) after
 * a save, and after a delete that removed it. */
/* The store's own account, or NULL when the user has none. Transfer none. */
CsAccount *cs_store_get_account (CsStore *self);
/* Saves @draft (a new account with id 0, or a copy of the stored one) and returns
 * the store's own object, updated in place. Transfer none. A new account is
 * refused while another address is stored; with the stored address it updates
 * that account (signing in again). On failure nothing is written and @draft
 * keeps its values. */
CsAccount *cs_store_save_account (CsStore *self, CsAccount *draft, GError **error);
/* Forgets the account; succeeds when there is none. */
gboolean cs_store_delete_account (CsStore *self, GError **error);

G_END_DECLS
