/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include "sandlock-http-rules.h"
#include "sandlock-net.h"
#include "sandlock-policy-private.h"

G_BEGIN_DECLS

/*
 * http_allow / http_deny: a transparent HTTP proxy for one sandbox, on a
 * thread of its own in the supervisor's process. The connect handler
 * sends the sandbox's connects to http_ports (and to 443 with a CA) here
 * instead; the proxy checks each request against the rules and forwards
 * the allowed ones to the destination the program connected to, never to
 * another one.
 */
typedef struct _SandlockHttpProxy SandlockHttpProxy;

/* One request, reported to the supervisor thread, which emits it. */
typedef struct {
  pid_t            pid;       /* who connected */
  char            *detail;    /* "GET example.org/path" */
  SandlockVerdict  verdict;
  int              error;     /* EACCES when denied, else 0 */
  char            *rule;      /* the rule that decided */
} SandlockHttpEvent;

void sandlock_http_event_free (SandlockHttpEvent *event);

/* Takes @rules (compiled http_allow and http_deny). @net_allow (resolved,
 * which names the pinned hosts) must outlive the proxy. */
SandlockHttpProxy *sandlock_http_proxy_new       (SandlockPolicy         *policy,
                                                  SandlockHttpRules      *rules,
                                                  SandlockNetAllow       *net_allow,
                                                  GError                **error);
gboolean           sandlock_http_proxy_start     (SandlockHttpProxy      *proxy,
                                                  GError                **error);
void               sandlock_http_proxy_free      (SandlockHttpProxy      *proxy);

/* Does a TCP connect to @addr go through the proxy? */
gboolean           sandlock_http_proxy_intercepts (SandlockHttpProxy     *proxy,
                                                   const struct sockaddr *addr);
/* Before connecting @sock (our duplicate of the program's socket) to
 * @target instead of @addr: binds it if unbound, so that the proxy knows
 * the connection it will accept, and records what it was meant for.
 * Returns 0 or an errno. */
int                sandlock_http_proxy_redirect  (SandlockHttpProxy       *proxy,
                                                  int                      sock,
                                                  const struct sockaddr   *addr,
                                                  pid_t                    pid,
                                                  struct sockaddr_storage *target,
                                                  socklen_t               *target_length);

/* Readable while events wait (an eventfd); pop them from the supervisor
 * thread. */
int                sandlock_http_proxy_get_event_fd (SandlockHttpProxy   *proxy);
SandlockHttpEvent *sandlock_http_proxy_pop_event    (SandlockHttpProxy   *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockHttpProxy, sandlock_http_proxy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockHttpEvent, sandlock_http_event_free)

G_END_DECLS
