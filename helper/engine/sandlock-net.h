/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/socket.h>

#include "sandlock-http-rules.h"
#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/*
 * net_allow resolved once, at start: every rule as an address range (or
 * any address) with its ports. Host names are resolved here and pinned:
 * the sandbox sees them in a synthetic /etc/hosts and nothing else.
 */
typedef struct {
  int      family;      /* AF_INET, AF_INET6, or 0 for any address */
  guint8   addr[16];
  guint    prefix;      /* bits that must match */
  GArray  *ports;       /* guint16 */
} SandlockEndpoint;

typedef struct {
  GArray  *endpoints;   /* SandlockEndpoint */
  gboolean has_hosts;   /* some rule names a host */
  GBytes  *hosts_file;  /* NULL unless some rule names a host by name */
  GHashTable *pinned;   /* "address\tname" of every name resolved */
} SandlockNetAllow;

SandlockNetAllow *sandlock_net_allow_resolve (SandlockPolicy    *policy,
                                              SandlockHttpRules *http_rules,  /* NULL = none */
                                              GError           **error);
void              sandlock_net_allow_free    (SandlockNetAllow  *allow);
/* 0 when @addr may be connected to, else the errno to refuse with:
 * ECONNREFUSED when rules name hosts, EACCES (Landlock's answer) when
 * they only name ports. */
int               sandlock_net_allow_check   (SandlockNetAllow       *allow,
                                              const struct sockaddr  *addr,
                                              socklen_t               length);

/* Was @name resolved to @address (inet_ntop's spelling) at start? */
gboolean          sandlock_net_allow_is_pinned    (SandlockNetAllow *allow,
                                                   const char       *address,
                                                   const char       *name);
/* The names resolved to @address at start (char*, owned). */
GPtrArray        *sandlock_net_allow_pinned_names (SandlockNetAllow *allow,
                                                   const char       *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockNetAllow, sandlock_net_allow_free)

G_END_DECLS
