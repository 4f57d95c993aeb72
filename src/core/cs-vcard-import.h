/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_VCARD_IMPORT_ERROR (cs_vcard_import_error_quark ())

typedef enum
{
  /* The file is not a vCard file, or one of its cards is broken: nothing was imported. */
  CS_VCARD_IMPORT_ERROR_INVALID,
} CsVcardImportError;

typedef struct
{
  guint added;
  /* Cards that matched a contact and brought something new to it. */
  guint merged;
  /* Cards that matched a contact and brought nothing new. */
  guint skipped;
} CsVcardImportResult;

GQuark cs_vcard_import_error_quark (void);

/* New contacts (id 0), one per card, with what the file says about them. */
GPtrArray *cs_vcard_parse (const char *data, gsize length, GError **error);

gboolean cs_vcard_import (CsStore *store,
                          const char *data,
                          gsize length,
                          CsVcardImportResult *result,
                          GError **error);

G_END_DECLS
