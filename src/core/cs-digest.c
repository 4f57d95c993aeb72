/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-digest"

/* The weekly digest: whom the user met or talked with, and what they seek and
 * offer, as text to review and copy. Only people who agreed to be named are
 * named; the others are counted. Places and notes are left out altogether,
 * since they are free text that may name anyone. */

#include "config.h"

#include "cs-digest.h"

#include <glib/gi18n.h>

#include <string.h>

struct _CsDigest
{
  GObject parent_instance;

  char *text;
  char *markdown;
  guint n_people;
  guint n_named;
};

G_DEFINE_FINAL_TYPE (CsDigest, cs_digest, G_TYPE_OBJECT)

typedef struct
{
  const char *name;
  char *seeks;
  char *offers;
} NamedPerson;

static void
named_person_clear (gpointer data)
{
  NamedPerson *person = data;

  g_clear_pointer (&person->seeks, g_free);
  g_clear_pointer (&person->offers, g_free);
}

static int
compare_named (gconstpointer a, gconstpointer b)
{
  const NamedPerson *person_a = a;
  const NamedPerson *person_b = b;

  return g_utf8_collate (person_a->name, person_b->name);
}

/* What a named person seeks or offers is their own words, but it may mention
 * someone who did not agree to be named ("lends Léa's drill"): such a field is
 * left out rather than guessed at. */
static char *
shareable_text (const char *text, GPtrArray *unnamed_folded)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return NULL;

  folded = g_utf8_casefold (text, -1);
  for (guint i = 0; i < unnamed_folded->len; i++)
    if (strstr (folded, g_ptr_array_index (unnamed_folded, i)) != NULL)
      return NULL;

  return g_strstrip (g_strdup (text));
}

/* One line per field: newlines inside would break the list. */
static char *
single_line (const char *text)
{
  g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  g_autoptr (GString) joined = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append (joined, " ");
      g_string_append (joined, lines[i]);
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Backslash escapes are valid for any ASCII punctuation in CommonMark, so
 * escaping the characters that start markup keeps names and needs literal. */
static char *
markdown_escape (const char *text)
{
  GString *escaped = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("\\`*_[]<>#|~!", *p) != NULL)
        g_string_append_c (escaped, '\\');
      g_string_append_c (escaped, *p);
    }

  return g_string_free (escaped, FALSE);
}

static char *
describe_needs (const NamedPerson *person, gboolean markdown)
{
  g_autoptr (GString) needs = g_string_new (NULL);

  if (person->seeks != NULL)
    {
      g_autofree char *line = single_line (person->seeks);
      g_autofree char *shown = markdown ? markdown_escape (line) : g_strdup (line);

      /* Translators: what a person looks for, as in "Karim — seeks: a drill". */
      g_string_append_printf (needs, _ ("seeks: %s"), shown);
    }

  if (person->offers != NULL)
    {
      g_autofree char *line = single_line (person->offers);
      g_autofree char *shown = markdown ? markdown_escape (line) : g_strdup (line);

      if (needs->len > 0)
        g_string_append (needs, "; ");
      /* Translators: what a person can give, as in "Karim — offers: tutoring". */
      g_string_append_printf (needs, _ ("offers: %s"), shown);
    }

  return g_string_free (g_steal_pointer (&needs), needs->len == 0);
}

static void
build_texts (CsDigest *self, GDateTime *week_start, GArray *named)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) markdown = g_string_new (NULL);
  g_autofree char *date = g_date_time_format (week_start, "%-d %B %Y");
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  guint n_others = self->n_people - self->n_named;

  /* Translators: the digest's title; %s is the date of the week's Monday. */
  title = g_strdup_printf (_ ("Week of %s"), date);
  if (self->n_people == 0)
    summary = g_strdup (_ ("I did not meet or talk with anyone this week."));
  else
    summary =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "This week I met or talked with %u person.",
                                    "This week I met or talked with %u people.", self->n_people),
                       self->n_people);

  g_string_append_printf (text, "%s\n%s\n\n", title, summary);
  g_string_append_printf (markdown, "**%s**\n\n%s\n\n", title, summary);

  for (guint i = 0; i < named->len; i++)
    {
      const NamedPerson *person = &g_array_index (named, NamedPerson, i);
      g_autofree char *needs_text = describe_needs (person, FALSE);
      g_autofree char *needs_markdown = describe_needs (person, TRUE);
      g_autofree char *name_markdown = markdown_escape (person->name);

      if (needs_text != NULL)
        {
          g_string_append_printf (text, "- %s — %s\n", person->name, needs_text);
          g_string_append_printf (markdown, "- **%s** — %s\n", name_markdown, needs_markdown);
        }
      else
        {
          g_string_append_printf (text, "- %s\n", person->name);
          g_string_append_printf (markdown, "- **%s**\n", name_markdown);
        }
    }

  if (n_others > 0)
    {
      g_autofree char *others = NULL;

      if (self->n_named > 0)
        others = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "and %u other person",
                                               "and %u other people", n_others),
                                  n_others);
      else
        others = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person not named here",
                                               "%u people not named here", n_others),
                                  n_others);

      g_string_append_printf (text, "- %s\n", others);
      g_string_append_printf (markdown, "- %s\n", others);
    }

  if (self->n_people > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_c (markdown, '\n');
    }

  g_string_append (text, CS_DIGEST_HASHTAG "\n");
  g_string_append (markdown, CS_DIGEST_HASHTAG "\n");

  self->text = g_string_free (g_steal_pointer (&text), FALSE);
  self->markdown = g_string_free (g_steal_pointer (&markdown), FALSE);
}

static void
cs_digest_finalize (GObject *object)
{
  CsDigest *self = CS_DIGEST (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->markdown, g_free);

  G_OBJECT_CLASS (cs_digest_parent_class)->finalize (object);
}

static void
cs_digest_class_init (CsDigestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cs_digest_finalize;
}

static void
cs_digest_init (CsDigest *self)
{
}

/**
 * cs_digest_week_start:
 * @time: any time in the week
 *
 * Returns: (transfer full): Monday 00:00 of that week, in local time
 */
GDateTime *
cs_digest_week_start (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) midnight = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  local = g_date_time_to_local (time);
  /* Midnight first, then back by whole days: subtracting from the day of the month gave
   * day 0 (NULL) early in a month, as on Thursday 3 December. */
  midnight = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                    g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_add_days (midnight, -(g_date_time_get_day_of_week (local) - 1));
}

/**
 * cs_digest_new_for_week:
 * @store: the store
 * @week_start: the start of the week (see cs_digest_week_start())
 * @error: return location for a #GError
 *
 * Gathers everyone the user met or talked with during the seven days from
 * @week_start. A contact is named only when they agreed to be (named in
 * digest); anyone else, deleted contacts included, is only counted.
 *
 * Returns: (transfer full) (nullable): the digest, or %NULL on error
 */
CsDigest *
cs_digest_new_for_week (CsStore *store, GDateTime *week_start, GError **error)
{
  g_autoptr (CsDigest) self = NULL;
  g_autoptr (GDateTime) week_end = NULL;
  g_autoptr (GListModel) interactions = NULL;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GArray) named = NULL;
  g_autoptr (GPtrArray) unnamed_folded = NULL;
  GListModel *contacts;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (week_start != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Seven calendar days, not 168 hours: a DST change must not shift the week. */
  week_end = g_date_time_add_days (week_start, 7);
  interactions = cs_store_list_interactions_between (store, week_start, week_end, error);
  if (interactions == NULL)
    return NULL;

  self = g_object_new (CS_TYPE_DIGEST, NULL);
  seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  named = g_array_new (FALSE, TRUE, sizeof (NamedPerson));
  g_array_set_clear_func (named, named_person_clear);

  unnamed_folded = g_ptr_array_new_with_free_func (g_free);
  contacts = cs_store_get_contacts (store);
  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (CsContact) contact = g_list_model_get_item (contacts, i);
      g_autofree char *trimmed = g_strstrip (g_strdup (cs_contact_get_name (contact)));

      if (!cs_contact_get_named_in_digest (contact) && g_utf8_strlen (trimmed, -1) >= 2)
        g_ptr_array_add (unnamed_folded, g_utf8_casefold (trimmed, -1));
    }

  for (guint i = 0; i < g_list_model_get_n_items (interactions); i++)
    {
      g_autoptr (CsInteraction) interaction = g_list_model_get_item (interactions, i);
      gsize n_participants;
      const gint64 *participants = cs_interaction_get_participants (interaction, &n_participants);

      for (gsize j = 0; j < n_participants; j++)
        {
          CsContact *contact;

          if (g_hash_table_contains (seen, &participants[j]))
            continue;
          g_hash_table_add (seen, g_memdup2 (&participants[j], sizeof (gint64)));
          self->n_people++;

          contact = cs_store_find_contact (store, participants[j]);
          if (contact != NULL && cs_contact_get_named_in_digest (contact))
            {
              NamedPerson person = {
                .name = cs_contact_get_name (contact),
                .seeks = shareable_text (cs_contact_get_seeks (contact), unnamed_folded),
                .offers = shareable_text (cs_contact_get_offers (contact), unnamed_folded),
              };

              if (person.seeks != NULL && person.seeks[0] == '\0')
                g_clear_pointer (&person.seeks, g_free);
              if (person.offers != NULL && person.offers[0] == '\0')
                g_clear_pointer (&person.offers, g_free);
              g_array_append_val (named, person);
              self->n_named++;
            }
        }
    }

  g_array_sort (named, compare_named);
  build_texts (self, week_start, named);

  return g_steal_pointer (&self);
}

const char *
cs_digest_get_text (CsDigest *self)
{
  g_return_val_if_fail (CS_IS_DIGEST (self), NULL);

  return self->text;
}

const char *
cs_digest_get_markdown (CsDigest *self)
{
  g_return_val_if_fail (CS_IS_DIGEST (self), NULL);

  return self->markdown;
}

guint
cs_digest_get_n_people (CsDigest *self)
{
  g_return_val_if_fail (CS_IS_DIGEST (self), 0);

  return self->n_people;
}

guint
cs_digest_get_n_named (CsDigest *self)
{
  g_return_val_if_fail (CS_IS_DIGEST (self), 0);

  return self->n_named;
}
