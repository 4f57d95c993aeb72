/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small network for call tests, since libnice ignores loopback addresses:
 * a "lab" namespace holding a bridge (10.77.0.254/24, where servers can run)
 * and one namespace per host, each with an interface named eth0
 * (10.77.0.(i+1)/24) plugged into the bridge. Hosts have no default route, so
 * nothing they send can leave the lab. Neighbours (ARP) are static, with MAC
 * addresses 02:00:0a:4d:00:xx for 10.77.0.xx, so a saturated or cut link only
 * drops packets. Namespaces are named cs<pid>-<n>-lab and cs<pid>-<n>-h<i>;
 * they are deleted by cs_lab_free(), or by a reaper process when the test
 * dies without freeing the lab. The functions are documented in cs-lab.c.
 *
 * NAT: with cs_lab_new_full(), host i may sit behind a router of its own
 * (namespace cs<pid>-<n>-r<i>): the host's eth0 has 192.168.(i+1).2/24 and a
 * default route to the router's lan0 at 192.168.(i+1).1; the router's eth0
 * is on the bridge at 10.77.0.(i+1) (the host's public address) and
 * masquerades. It forwards only between its host and the servers at
 * 10.77.0.254, replies included, so two NAT'd hosts can talk only through a
 * relay there, and nothing leaves the lab. Loss, rate and cut act on the
 * host's own eth0, the link to its router.
 *
 * Servers: cs_lab_enter_servers() moves the calling thread into the lab
 * namespace, so that servers it starts (and its own clients) run at
 * 10.77.0.254, reachable from every host. */
typedef struct _CsLab CsLab;

/* Pass as @host to address the lab namespace itself (where the bridge is),
 * for servers that every host reaches at 10.77.0.254. */
#define CS_LAB_SERVERS G_MAXUINT

/* At most 253 hosts fit the /24 beside the bridge's address. */
#define CS_LAB_MAX_HOSTS 253

gboolean cs_lab_available (char **why);
gboolean cs_lab_require_for_test (void);

CsLab *cs_lab_new (guint n_hosts, GError **error);
CsLab *cs_lab_new_full (guint n_hosts, const gboolean *behind_nat, GError **error);
void cs_lab_free (CsLab *self);

gboolean cs_lab_enter_servers (CsLab *self, GError **error);

guint cs_lab_get_n_hosts (CsLab *self);
const char *cs_lab_get_netns (CsLab *self, guint host);
const char *cs_lab_get_address (CsLab *self, guint host);
const char *cs_lab_get_public_address (CsLab *self, guint host);
gboolean cs_lab_is_behind_nat (CsLab *self, guint host);
const char *cs_lab_get_router_netns (CsLab *self, guint host);
char **cs_lab_wrap_argv (CsLab *self, guint host, const char *const *argv);

gboolean cs_lab_set_loss (CsLab *self, guint host, double probability, GError **error);
gboolean cs_lab_set_rate (CsLab *self, guint host, guint kbit, GError **error);
gboolean cs_lab_cut (CsLab *self, guint host, gboolean cut, GError **error);

/* Not a lab: this thread alone in a network namespace of its own with one usable interface. */
gboolean cs_lab_enter_own_network (const char *name, const char *address, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsLab, cs_lab_free)

G_END_DECLS
