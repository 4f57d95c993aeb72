/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-labels"

#include "config.h"

#include "cs-labels.h"

#include <gtk/gtk.h>
#include <glib/gi18n.h>

static const struct
{
  guint days;
  const char *label;
} cadences[] = {
  { 0, N_ ("No reminder") },  { 7, N_ ("Every week") },      { 14, N_ ("Every 2 weeks") },
  { 30, N_ ("Every month") }, { 91, N_ ("Every 3 months") }, { 182, N_ ("Every 6 months") },
  { 365, N_ ("Every year") },
};

const char *
cs_circle_kind_to_label (CsCircleKind kind)
{
  switch (kind)
    {
    case CS_CIRCLE_KIND_FAMILY:
      return _ ("Family");
    case CS_CIRCLE_KIND_NEIGHBOURS:
      return _ ("Neighbours");
    case CS_CIRCLE_KIND_MUTUAL_AID:
      return _ ("Mutual aid");
    case CS_CIRCLE_KIND_FRIENDS:
      return _ ("Friends");
    case CS_CIRCLE_KIND_OTHER:
    default:
      return _ ("Other");
    }
}

const char *
cs_member_role_to_label (CsMemberRole role)
{
  switch (role)
    {
    case CS_MEMBER_ROLE_OWNER:
      return _ ("Owner");
    case CS_MEMBER_ROLE_ORGANISER:
      return _ ("Organiser");
    case CS_MEMBER_ROLE_MEMBER:
    default:
      return _ ("Member");
    }
}

const char *
cs_interaction_kind_to_label (CsInteractionKind kind)
{
  switch (kind)
    {
    case CS_INTERACTION_KIND_CALL:
      return _ ("Video call");
    case CS_INTERACTION_KIND_MEETING:
      return _ ("Met in person");
    case CS_INTERACTION_KIND_PHONE:
      return _ ("Phone call");
    case CS_INTERACTION_KIND_MESSAGE:
    default:
      return _ ("Message");
    }
}

const char *
cs_interaction_kind_to_icon_name (CsInteractionKind kind)
{
  switch (kind)
    {
    case CS_INTERACTION_KIND_CALL:
      return "camera-web-symbolic";
    case CS_INTERACTION_KIND_MEETING:
      return "system-users-symbolic";
    case CS_INTERACTION_KIND_PHONE:
      return "call-start-symbolic";
    case CS_INTERACTION_KIND_MESSAGE:
    default:
      return "mail-unread-symbolic";
    }
}

guint
cs_cadence_get_n_choices (void)
{
  return G_N_ELEMENTS (cadences);
}

guint
cs_cadence_get_days (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (cadences), 0);

  return cadences[index].days;
}

guint
cs_cadence_find_index (guint days)
{
  guint best = 1;

  if (days == 0)
    return 0;

  /* A cadence set elsewhere (an import, a later version) shows as the nearest choice. */
  for (guint i = 2; i < G_N_ELEMENTS (cadences); i++)
    if (ABS ((int) cadences[i].days - (int) days) < ABS ((int) cadences[best].days - (int) days))
      best = i;

  return best;
}

GListModel *
cs_cadence_new_label_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cadences); i++)
    gtk_string_list_append (list, _ (cadences[i].label));

  return G_LIST_MODEL (list);
}

#define DAY (24 * 60 * 60)

char *
cs_format_span (gint64 seconds)
{
  guint64 days = MAX (seconds, 0) / DAY;
  guint n;

  /* Whole units, rounded down: "for 3 weeks" must not claim more time than has passed. */
  if (days >= 365)
    {
      n = days / 365;
      return g_strdup_printf (ngettext ("%u year", "%u years", n), n);
    }
  if (days >= 60)
    {
      n = days / 30;
      return g_strdup_printf (ngettext ("%u month", "%u months", n), n);
    }
  if (days >= 14)
    {
      n = days / 7;
      return g_strdup_printf (ngettext ("%u week", "%u weeks", n), n);
    }
  if (days >= 1)
    {
      n = days;
      return g_strdup_printf (ngettext ("%u day", "%u days", n), n);
    }

  n = MAX (seconds, 0) / 3600;
  return g_strdup_printf (ngettext ("%u hour", "%u hours", n), n);
}

char *
cs_format_time_ago (gint64 then, gint64 now)
{
  g_autoptr (GDateTime) then_local = g_date_time_new_from_unix_local (then);
  g_autoptr (GDateTime) now_local = g_date_time_new_from_unix_local (now);
  g_autoptr (GDateTime) then_day = NULL;
  g_autoptr (GDateTime) now_day = NULL;
  g_autofree char *span = NULL;
  gint64 days;

  g_return_val_if_fail (then_local != NULL && now_local != NULL, NULL);

  /* Calendar days, not 24-hour spans: last night at 23:00 was "Yesterday" this morning. */
  then_day =
    g_date_time_new_local (g_date_time_get_year (then_local), g_date_time_get_month (then_local),
                           g_date_time_get_day_of_month (then_local), 0, 0, 0);
  now_day =
    g_date_time_new_local (g_date_time_get_year (now_local), g_date_time_get_month (now_local),
                           g_date_time_get_day_of_month (now_local), 0, 0, 0);
  days = g_date_time_difference (now_day, then_day) / G_TIME_SPAN_DAY;

  if (days < 0)
    return g_strdup (_ ("Later"));
  if (days == 0)
    return g_strdup (_ ("Today"));
  if (days == 1)
    return g_strdup (_ ("Yesterday"));
  if (days < 14)
    return g_strdup_printf (ngettext ("%u day ago", "%u days ago", (guint) days), (guint) days);

  span = cs_format_span (days * DAY);
  /* Translators: %s is a span of time such as "3 weeks" or "2 months". */
  return g_strdup_printf (_ ("%s ago"), span);
}

char *
cs_labels_join_names (const char *const *names)
{
  guint n = names != NULL ? g_strv_length ((char **) names) : 0;
  g_autofree char *head = NULL;

  if (n == 0)
    return g_strdup ("");
  if (n == 1)
    return g_strdup (names[0]);

  head = g_strdup (names[0]);
  for (guint i = 1; i + 1 < n; i++)
    {
      /* Translators: joins names in a list, before the last one: "Anna, Bruno and Chloé". */
      g_autofree char *longer = g_strdup_printf (_ ("%s, %s"), head, names[i]);

      g_free (head);
      head = g_steal_pointer (&longer);
    }
  /* Translators: joins the last name of a list: "Anna, Bruno and Chloé". */
  return g_strdup_printf (_ ("%s and %s"), head, names[n - 1]);
}
