/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "cs-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* cs-store-migrations.c: the database file itself. Checks an existing file
 * without writing to it, opens it, brings its schema to CS_STORE_SCHEMA_VERSION
 * and turns on WAL and foreign keys. */
sqlite3 *cs_store_open_database (const char *path, GError **error);

/* cs-store.c: turns a failed SQLite call into a plain-words CS_STORE_ERROR. */
void cs_store_set_database_error (GError **error, sqlite3 *db, int rc);

G_END_DECLS
