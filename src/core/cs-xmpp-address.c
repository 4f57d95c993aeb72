/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-address"

#include "config.h"

#include "cs-xmpp-address.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include <string.h>

/* RFC 7622, section 3.3 and 3.2: each part is at most 1023 bytes. */
#define PART_MAX_BYTES 1023

/* Characters RFC 7622 forbids in a localpart, plus "/" which would start a resource. */
#define LOCALPART_FORBIDDEN "\"&'/:<>@"
/* In a domain they can only be typos: we do not accept IP literals like [::1]. */
#define DOMAINPART_FORBIDDEN "\"&'/:<>@[]\\"

static gboolean
is_blank (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  /* Invisible characters pasted with an address are as confusing as spaces. */
  return g_unichar_isspace (c) || type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT;
}

static gboolean
contains_any (const char *text, gsize length, const char *forbidden)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] != '\0' && strchr (forbidden, text[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

static gboolean
contains_blank (const char *text, gsize length)
{
  const char *end = text + length;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      if (is_blank (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

/* g_strstrip() only knows ASCII spaces; addresses are often pasted with others. */
static char *
strip_blanks (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (*start != '\0' && is_blank (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!is_blank (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

/* Not g_utf8_strdown(): in a Turkish locale it would turn "I" into a dotless "ı". */
static char *
lowercase (const char *text)
{
  GString *lowered = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_string_append_unichar (lowered, g_unichar_tolower (g_utf8_get_char (p)));

  return g_string_free (lowered, FALSE);
}

static gboolean
domain_has_empty_label (const char *domain)
{
  gsize length = strlen (domain);

  return domain[0] == '.' || domain[length - 1] == '.' || strstr (domain, "..") != NULL;
}

char *
cs_xmpp_address_normalize (const char *address, GError **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *composed = NULL;
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;
  const char *at;
  const char *domain_start;
  gsize local_length;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (address, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The address contains characters that could not be read. "
                              "Please type it again."));
      return NULL;
    }

  stripped = strip_blanks (address);
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("Please enter an address, like name@example.org."));
      return NULL;
    }

  /* Two spellings of the same letter must give the same address. */
  composed = g_utf8_normalize (stripped, -1, G_NORMALIZE_NFC);

  at = strchr (composed, '@');
  if (at == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("An address looks like name@example.org, with an “@” between "
                              "the name and the server."));
      return NULL;
    }

  domain_start = at + 1;
  local_length = at - composed;

  if (strchr (domain_start, '/') != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("Remove the part starting with “/”: an address looks like "
                              "name@example.org."));
      return NULL;
    }

  if (strchr (domain_start, '@') != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("An address has only one “@”, like name@example.org."));
      return NULL;
    }

  if (local_length == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The address has no name part before “@”. An address looks like "
                              "name@example.org."));
      return NULL;
    }

  if (local_length > PART_MAX_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The name part of the address, before “@”, is too long."));
      return NULL;
    }

  if (contains_blank (composed, local_length) ||
      contains_any (composed, local_length, LOCALPART_FORBIDDEN))
    {
      /* TRANSLATORS: the characters listed at the end must stay as they are. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The name part of the address, before “@”, cannot contain spaces "
                              "or any of these characters: \" & ' / : < > @"));
      return NULL;
    }

  if (domain_start[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The address has no server part after “@”. An address looks like "
                              "name@example.org."));
      return NULL;
    }

  if (strlen (domain_start) > PART_MAX_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The server part of the address, after “@”, is too long."));
      return NULL;
    }

  if (contains_blank (domain_start, strlen (domain_start)) ||
      contains_any (domain_start, strlen (domain_start), DOMAINPART_FORBIDDEN))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The server part of the address, after “@”, cannot contain spaces "
                              "or special characters. It looks like example.org."));
      return NULL;
    }

  if (domain_has_empty_label (domain_start))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The server part of the address, after “@”, cannot start or end "
                              "with a dot or have two dots in a row. It looks like example.org."));
      return NULL;
    }

  localpart = g_strndup (composed, local_length);
  domain = lowercase (domain_start);

  return g_strconcat (localpart, "@", domain, NULL);
}
