/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-account"

#include "config.h"

#include "cs-account.h"

/* The user's own XMPP account. The password is not here: it lives in the
 * Secret Service, filed under the address. */
struct _CsAccount
{
  GObject parent_instance;

  gint64 id;
  char *address;
  char *host;
  guint port;
  char *pinned_fingerprint;
  char *nickname;
};

G_DEFINE_FINAL_TYPE (CsAccount, cs_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ADDRESS,
  PROP_HOST,
  PROP_PORT,
  PROP_PINNED_FINGERPRINT,
  PROP_NICKNAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Texts are NULL when empty, so "no host" has one spelling. */
static gboolean
replace_optional_string (char **field, const char *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static void
cs_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsAccount *self = CS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_PINNED_FINGERPRINT:
      g_value_set_string (value, self->pinned_fingerprint);
      break;

    case PROP_NICKNAME:
      g_value_set_string (value, self->nickname);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsAccount *self = CS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      cs_account_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_ADDRESS:
      cs_account_set_address (self, g_value_get_string (value));
      break;

    case PROP_HOST:
      cs_account_set_host (self, g_value_get_string (value));
      break;

    case PROP_PORT:
      cs_account_set_port (self, g_value_get_uint (value));
      break;

    case PROP_PINNED_FINGERPRINT:
      cs_account_set_pinned_fingerprint (self, g_value_get_string (value));
      break;

    case PROP_NICKNAME:
      cs_account_set_nickname (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_account_finalize (GObject *object)
{
  CsAccount *self = CS_ACCOUNT (object);

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->pinned_fingerprint, g_free);
  g_clear_pointer (&self->nickname, g_free);

  G_OBJECT_CLASS (cs_account_parent_class)->finalize (object);
}

static void
cs_account_class_init (CsAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_account_get_property;
  object_class->set_property = cs_account_set_property;
  object_class->finalize = cs_account_finalize;

  /* 0 until the store has saved the account. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The bare address (name@example.org). Required; as typed in a draft, the
   * store saves the normalised form. */
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  /* The server to connect to when it is not the address's domain; NULL: the domain. */
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, flags);
  /* 0: the usual port, or what the domain's DNS records say. Any value is
   * kept so a draft can hold what was typed; the store refuses one above 65535. */
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* SHA-256 of a server certificate the user chose to trust although it did not
   * check out (self-hosted servers), as lower-case hex; NULL: none. */
  properties[PROP_PINNED_FINGERPRINT] =
    g_param_spec_string ("pinned-fingerprint", NULL, NULL, NULL, flags);
  /* How the user appears in their circles' rooms; NULL: chosen from the address. */
  properties[PROP_NICKNAME] = g_param_spec_string ("nickname", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_account_init (CsAccount *self)
{
}

CsAccount *
cs_account_new (void)
{
  return g_object_new (CS_TYPE_ACCOUNT, NULL);
}

/**
 * cs_account_copy:
 * @self: an account
 *
 * Returns: (transfer full): a detached copy with the same id and values, to edit
 *   as a draft before handing it to cs_store_save_account().
 */
CsAccount *
cs_account_copy (CsAccount *self)
{
  CsAccount *copy;

  g_return_val_if_fail (CS_IS_ACCOUNT (self), NULL);

  copy = cs_account_new ();
  cs_account_assign (copy, self);

  return copy;
}

/**
 * cs_account_assign:
 * @self: the account to update
 * @source: the account to take the values from
 *
 * Copies every value, the id included, from @source; only the properties that
 * really change are notified, once each, after all of them are set.
 */
void
cs_account_assign (CsAccount *self, CsAccount *source)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));
  g_return_if_fail (CS_IS_ACCOUNT (source));

  if (self == source)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  cs_account_set_id (self, source->id);
  cs_account_set_address (self, source->address);
  cs_account_set_host (self, source->host);
  cs_account_set_port (self, source->port);
  cs_account_set_pinned_fingerprint (self, source->pinned_fingerprint);
  cs_account_set_nickname (self, source->nickname);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
cs_account_get_id (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), 0);

  return self->id;
}

void
cs_account_set_id (CsAccount *self, gint64 id)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
cs_account_get_address (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), NULL);

  return self->address;
}

void
cs_account_set_address (CsAccount *self, const char *address)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));

  if (replace_optional_string (&self->address, address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

const char *
cs_account_get_host (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), NULL);

  return self->host;
}

void
cs_account_set_host (CsAccount *self, const char *host)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));

  if (replace_optional_string (&self->host, host))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
}

guint
cs_account_get_port (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), 0);

  return self->port;
}

/* Any value is kept: cs_store_save_account() is where a port above 65535 is refused. */
void
cs_account_set_port (CsAccount *self, guint port)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
cs_account_get_pinned_fingerprint (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), NULL);

  return self->pinned_fingerprint;
}

void
cs_account_set_pinned_fingerprint (CsAccount *self, const char *fingerprint)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));

  if (replace_optional_string (&self->pinned_fingerprint, fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_FINGERPRINT]);
}

const char *
cs_account_get_nickname (CsAccount *self)
{
  g_return_val_if_fail (CS_IS_ACCOUNT (self), NULL);

  return self->nickname;
}

void
cs_account_set_nickname (CsAccount *self, const char *nickname)
{
  g_return_if_fail (CS_IS_ACCOUNT (self));

  if (replace_optional_string (&self->nickname, nickname))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NICKNAME]);
}
