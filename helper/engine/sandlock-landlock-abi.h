/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Landlock definitions newer than the ABI 2 that Debian 12's kernel headers
 * know. Values are the kernel's UAPI; the ABI is probed at run time.
 */
#pragma once

#include <linux/landlock.h>
#include <linux/types.h>
#include <sys/syscall.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)           /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)        /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)       /* ABI 5 */
#endif

#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)        /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif

#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* ABI 7 adds audit logging flags for landlock_restrict_self(). */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif

/* Our own names so they never clash with a newer <linux/landlock.h>. */
#define SANDLOCK_RULE_PATH_BENEATH 1
#define SANDLOCK_RULE_NET_PORT 2

struct sandlock_ruleset_attr {
  __u64 handled_access_fs;
  __u64 handled_access_net;     /* ABI 4 */
  __u64 scoped;                 /* ABI 6 */
};

struct sandlock_path_beneath_attr {
  __u64 allowed_access;
  __s32 parent_fd;
} __attribute__ ((packed));

struct sandlock_net_port_attr {
  __u64 allowed_access;
  __u64 port;
};

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
