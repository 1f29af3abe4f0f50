/* SPDX-License-Identifier: Apache-2.0 */
/* Which build-time variant a policy's filter is (shared by the generator
 * and the lookup). */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include "sandlock-seccomp-builtin.h"

SandlockPolicy *
sandlock_seccomp_builtin_policy (guint variant)
{
  SandlockPolicy *policy = sandlock_policy_new ();

  policy->allow_udp = (variant & SANDLOCK_SECCOMP_BUILTIN_UDP) != 0;
  policy->allow_icmp = (variant & SANDLOCK_SECCOMP_BUILTIN_ICMP) != 0;
  policy->no_randomize_memory = (variant & SANDLOCK_SECCOMP_BUILTIN_NORANDOM) != 0;
  return policy;
}
