/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock-seccomp-builtin.h"
#include "sandlock-seccomp-builtin-data.h"

G_STATIC_ASSERT (G_N_ELEMENTS (builtin_filters) == SANDLOCK_SECCOMP_N_BUILTIN);

SandlockFilter *
sandlock_seccomp_filter_for_policy (SandlockPolicy  *policy,
                                    GError         **error)
{
  SandlockFilter *filter;
  guint variant;

  /* libseccomp takes about a millisecond to build a filter; the common
   * policies got theirs at build time. */
  if (policy->deny_syscalls->len > 0 || policy->allow_syscalls->len > 0)
    return sandlock_seccomp_compile (policy, error);

  variant = (policy->allow_udp ? SANDLOCK_SECCOMP_BUILTIN_UDP : 0) |
            (policy->allow_icmp ? SANDLOCK_SECCOMP_BUILTIN_ICMP : 0) |
            (policy->no_randomize_memory ? SANDLOCK_SECCOMP_BUILTIN_NORANDOM : 0);

  filter = g_new0 (SandlockFilter, 1);
  filter->prog.len = builtin_filters[variant].len;
  filter->prog.filter = g_memdup2 (builtin_filters[variant].filter,
                                   builtin_filters[variant].len * sizeof (struct sock_filter));
  return filter;
}
