/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks a bare XMPP address (localpart@domain, RFC 7622 shape) typed by a person.
 * On success returns the normalised address (trimmed, domain lower-cased);
 * on failure sets a translated, plain-words message in @error
 * (G_IO_ERROR_INVALID_ARGUMENT). */
char *cs_xmpp_address_normalize (const char *address, GError **error);

G_END_DECLS
