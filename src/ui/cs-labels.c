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
