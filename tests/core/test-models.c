/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-models"

#include "config.h"

#include "cs-account.h"
#include "cs-circle.h"
#include "cs-contact.h"
#include "cs-core-enums.h"
#include "cs-interaction.h"
#include "cs-member.h"

#include <glib-object.h>

/* Counts notify emissions per property name. */
typedef struct
{
  GHashTable *counts;
} NotifyLog;

static void
on_notify (GObject *object, GParamSpec *pspec, NotifyLog *log)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static void
notify_log_init (NotifyLog *log, gpointer object)
{
  log->counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (object, "notify", G_CALLBACK (on_notify), log);
}

static guint
notify_count (NotifyLog *log, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

static void
notify_log_clear (NotifyLog *log, gpointer object)
{
  g_signal_handlers_disconnect_by_func (object, on_notify, log);
  g_clear_pointer (&log->counts, g_hash_table_unref);
}

static void
test_circle_defaults (void)
{
  CsCircle *circle = cs_circle_new ();

  g_assert_cmpint (cs_circle_get_id (circle), ==, 0);
  g_assert_cmpstr (cs_circle_get_name (circle), ==, "");
  g_assert_cmpint (cs_circle_get_kind (circle), ==, CS_CIRCLE_KIND_FAMILY);
  g_assert_null (cs_circle_get_description (circle));
  g_assert_null (cs_circle_get_room_address (circle));
  g_assert_cmpuint (cs_circle_get_keep_in_touch_days (circle), ==, 0);
  /* New circles remind ten minutes before a call. */
  g_assert_cmpuint (cs_circle_get_reminder_minutes (circle), ==, 10);

  g_assert_finalize_object (circle);
}

static void
test_circle_setters_notify_once (void)
{
  CsCircle *circle = cs_circle_new ();
  NotifyLog log;

  notify_log_init (&log, circle);

  cs_circle_set_name (circle, "Cousinade Dupont");
  cs_circle_set_name (circle, "Cousinade Dupont");
  g_assert_cmpuint (notify_count (&log, "name"), ==, 1);

  cs_circle_set_kind (circle, CS_CIRCLE_KIND_NEIGHBOURS);
  cs_circle_set_kind (circle, CS_CIRCLE_KIND_NEIGHBOURS);
  g_assert_cmpuint (notify_count (&log, "kind"), ==, 1);

  /* An emptied field is "no description", the same as never set. */
  cs_circle_set_description (circle, "");
  g_assert_null (cs_circle_get_description (circle));
  g_assert_cmpuint (notify_count (&log, "description"), ==, 0);
  cs_circle_set_description (circle, "Every first Sunday");
  cs_circle_set_description (circle, "");
  g_assert_null (cs_circle_get_description (circle));
  g_assert_cmpuint (notify_count (&log, "description"), ==, 2);

  g_object_set (circle, "reminder-minutes", 30, "room-address", "dupont@rooms.example.org", NULL);
  g_assert_cmpuint (cs_circle_get_reminder_minutes (circle), ==, 30);
  g_assert_cmpstr (cs_circle_get_room_address (circle), ==, "dupont@rooms.example.org");
  g_assert_cmpuint (notify_count (&log, "reminder-minutes"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "room-address"), ==, 1);

  notify_log_clear (&log, circle);
  g_assert_finalize_object (circle);
}

static void
test_circle_copy_assign (void)
{
  CsCircle *original = cs_circle_new ();
  CsCircle *copy;
  NotifyLog log;

  cs_circle_set_id (original, 7);
  cs_circle_set_name (original, "Voisins du 12");
  cs_circle_set_kind (original, CS_CIRCLE_KIND_NEIGHBOURS);
  cs_circle_set_emoji (original, "🏠");
  cs_circle_set_color (original, "#3584e4");
  cs_circle_set_keep_in_touch_days (original, 14);

  copy = cs_circle_copy (original);
  g_assert_true (copy != original);
  g_assert_cmpint (cs_circle_get_id (copy), ==, 7);
  g_assert_cmpstr (cs_circle_get_name (copy), ==, "Voisins du 12");
  g_assert_cmpint (cs_circle_get_kind (copy), ==, CS_CIRCLE_KIND_NEIGHBOURS);
  g_assert_cmpstr (cs_circle_get_emoji (copy), ==, "🏠");
  g_assert_cmpuint (cs_circle_get_keep_in_touch_days (copy), ==, 14);

  /* Editing the copy leaves the original alone. */
  cs_circle_set_name (copy, "Voisins du 14");

  notify_log_init (&log, original);
  cs_circle_assign (original, copy);
  g_assert_cmpstr (cs_circle_get_name (original), ==, "Voisins du 14");
  g_assert_cmpuint (notify_count (&log, "name"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "emoji"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "id"), ==, 0);
  notify_log_clear (&log, original);

  g_assert_finalize_object (copy);
  g_assert_finalize_object (original);
}

static void
test_contact_copy_assign (void)
{
  CsContact *original = cs_contact_new ();
  CsContact *copy;
  NotifyLog log;

  cs_contact_set_id (original, 3);
  cs_contact_set_name (original, "Karim");
  cs_contact_set_xmpp_address (original, "karim@example.org");
  cs_contact_set_seeks (original, "a drill");
  cs_contact_set_offers (original, "tutoring");
  cs_contact_set_named_in_digest (original, TRUE);
  cs_contact_set_phone (original, "");
  g_assert_null (cs_contact_get_phone (original));

  copy = cs_contact_copy (original);
  g_assert_cmpint (cs_contact_get_id (copy), ==, 3);
  g_assert_cmpstr (cs_contact_get_xmpp_address (copy), ==, "karim@example.org");
  g_assert_cmpstr (cs_contact_get_seeks (copy), ==, "a drill");
  g_assert_cmpstr (cs_contact_get_offers (copy), ==, "tutoring");
  g_assert_true (cs_contact_get_named_in_digest (copy));

  cs_contact_set_seeks (copy, NULL);
  cs_contact_set_named_in_digest (copy, FALSE);

  notify_log_init (&log, original);
  cs_contact_assign (original, copy);
  g_assert_null (cs_contact_get_seeks (original));
  g_assert_false (cs_contact_get_named_in_digest (original));
  g_assert_cmpuint (notify_count (&log, "seeks"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "named-in-digest"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "offers"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "name"), ==, 0);
  notify_log_clear (&log, original);

  g_assert_finalize_object (copy);
  g_assert_finalize_object (original);
}

static void
test_member (void)
{
  CsCircle *circle = cs_circle_new ();
  CsContact *contact = cs_contact_new ();
  CsMember *member = cs_member_new (circle, contact, CS_MEMBER_ROLE_ORGANISER);
  NotifyLog log;

  g_assert_true (cs_member_get_circle (member) == circle);
  g_assert_true (cs_member_get_contact (member) == contact);
  g_assert_cmpint (cs_member_get_role (member), ==, CS_MEMBER_ROLE_ORGANISER);

  notify_log_init (&log, member);
  cs_member_set_role (member, CS_MEMBER_ROLE_ORGANISER);
  cs_member_set_role (member, CS_MEMBER_ROLE_OWNER);
  g_assert_cmpuint (notify_count (&log, "role"), ==, 1);
  notify_log_clear (&log, member);

  g_assert_finalize_object (member);
  g_assert_finalize_object (circle);
  g_assert_finalize_object (contact);
}

static void
test_interaction (void)
{
  g_autoptr (GDateTime) when = g_date_time_new_utc (2024, 6, 1, 10, 30, 0);
  CsInteraction *interaction = cs_interaction_new (CS_INTERACTION_KIND_MEETING, when);
  const gint64 *participants;
  gsize n_participants;

  g_assert_cmpint (cs_interaction_get_kind (interaction), ==, CS_INTERACTION_KIND_MEETING);
  g_assert_true (g_date_time_equal (cs_interaction_get_started_at (interaction), when));

  cs_interaction_set_place (interaction, "the market");
  cs_interaction_set_notes (interaction, "");
  g_assert_cmpstr (cs_interaction_get_place (interaction), ==, "the market");
  g_assert_null (cs_interaction_get_notes (interaction));

  /* Picking the same person twice still means they were there once. */
  cs_interaction_add_participant (interaction, 4);
  cs_interaction_add_participant (interaction, 9);
  cs_interaction_add_participant (interaction, 4);
  participants = cs_interaction_get_participants (interaction, &n_participants);
  g_assert_cmpuint (n_participants, ==, 2);
  g_assert_cmpint (participants[0], ==, 4);
  g_assert_cmpint (participants[1], ==, 9);

  g_assert_finalize_object (interaction);
}

static void
test_interaction_now (void)
{
  g_autoptr (GDateTime) before = g_date_time_new_now_utc ();
  CsInteraction *interaction = cs_interaction_new (CS_INTERACTION_KIND_PHONE, NULL);
  gsize n_participants = 1;

  g_assert_nonnull (cs_interaction_get_started_at (interaction));
  g_assert_cmpint (g_date_time_to_unix (cs_interaction_get_started_at (interaction)), >=,
                   g_date_time_to_unix (before));
  cs_interaction_get_participants (interaction, &n_participants);
  g_assert_cmpuint (n_participants, ==, 0);

  g_assert_finalize_object (interaction);
}

static void
test_account_setters_notify_once (void)
{
  CsAccount *account = cs_account_new ();
  NotifyLog log;

  g_assert_cmpint (cs_account_get_id (account), ==, 0);
  g_assert_null (cs_account_get_address (account));
  g_assert_null (cs_account_get_host (account));
  g_assert_cmpuint (cs_account_get_port (account), ==, 0);
  g_assert_null (cs_account_get_pinned_fingerprint (account));
  g_assert_null (cs_account_get_nickname (account));

  notify_log_init (&log, account);

  cs_account_set_address (account, "anne@example.org");
  cs_account_set_address (account, "anne@example.org");
  g_assert_cmpuint (notify_count (&log, "address"), ==, 1);

  cs_account_set_port (account, 5223);
  cs_account_set_port (account, 5223);
  g_assert_cmpuint (notify_count (&log, "port"), ==, 1);

  /* An emptied host is "the address's own server", the same as never set. */
  cs_account_set_host (account, "");
  g_assert_null (cs_account_get_host (account));
  g_assert_cmpuint (notify_count (&log, "host"), ==, 0);

  g_object_set (account, "host", "xmpp.example.org", "nickname", "Mamie", "pinned-fingerprint",
                "ab12", NULL);
  g_assert_cmpstr (cs_account_get_host (account), ==, "xmpp.example.org");
  g_assert_cmpstr (cs_account_get_nickname (account), ==, "Mamie");
  g_assert_cmpstr (cs_account_get_pinned_fingerprint (account), ==, "ab12");
  g_assert_cmpuint (notify_count (&log, "host"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "nickname"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "pinned-fingerprint"), ==, 1);

  notify_log_clear (&log, account);
  g_assert_finalize_object (account);
}

static void
test_account_copy_assign (void)
{
  CsAccount *original = cs_account_new ();
  CsAccount *copy;
  NotifyLog log;

  cs_account_set_id (original, 3);
  cs_account_set_address (original, "anne@example.org");
  cs_account_set_host (original, "xmpp.example.org");
  cs_account_set_port (original, 5223);
  cs_account_set_nickname (original, "Anne");

  copy = cs_account_copy (original);
  g_assert_true (copy != original);
  g_assert_cmpint (cs_account_get_id (copy), ==, 3);
  g_assert_cmpstr (cs_account_get_address (copy), ==, "anne@example.org");
  g_assert_cmpstr (cs_account_get_host (copy), ==, "xmpp.example.org");
  g_assert_cmpuint (cs_account_get_port (copy), ==, 5223);
  g_assert_cmpstr (cs_account_get_nickname (copy), ==, "Anne");

  /* Editing the copy leaves the original alone. */
  cs_account_set_port (copy, 0);
  g_assert_cmpuint (cs_account_get_port (original), ==, 5223);

  notify_log_init (&log, original);
  cs_account_assign (original, copy);
  g_assert_cmpuint (cs_account_get_port (original), ==, 0);
  g_assert_cmpuint (notify_count (&log, "port"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "address"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "id"), ==, 0);
  notify_log_clear (&log, original);

  g_assert_finalize_object (copy);
  g_assert_finalize_object (original);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/models/circle/defaults", test_circle_defaults);
  g_test_add_func ("/models/circle/setters-notify-once", test_circle_setters_notify_once);
  g_test_add_func ("/models/circle/copy-assign", test_circle_copy_assign);
  g_test_add_func ("/models/contact/copy-assign", test_contact_copy_assign);
  g_test_add_func ("/models/account/setters-notify-once", test_account_setters_notify_once);
  g_test_add_func ("/models/account/copy-assign", test_account_copy_assign);
  g_test_add_func ("/models/member", test_member);
  g_test_add_func ("/models/interaction", test_interaction);
  g_test_add_func ("/models/interaction/now", test_interaction_now);

  return g_test_run ();
}
