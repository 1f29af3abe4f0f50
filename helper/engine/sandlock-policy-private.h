/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock.h"

G_BEGIN_DECLS

typedef enum {
  SANDLOCK_ACTION_UNSET,
  SANDLOCK_ACTION_COMMIT,
  SANDLOCK_ACTION_ABORT,
  SANDLOCK_ACTION_KEEP,
} SandlockAction;

/*
 * One network allowlist entry: "host:port[,port...]", ":port" or "*:port".
 * host is NULL for any-IP rules.
 */
typedef struct {
  char    *host;
  GArray  *ports;           /* guint16 */
} SandlockNetRule;

/*
 * The whole schema of DESIGN.md. Lists are never NULL; "unset" scalars use
 * the has_* flags or -1 so that a profile merge can tell set from default.
 * Field order follows the schema.
 */
struct _SandlockPolicy {
  gint ref_count;

  /* Filesystem */
  GPtrArray *fs_readable;     /* char* paths */
  GPtrArray *fs_writable;
  GPtrArray *fs_denied;
  char      *workdir;
  char      *cwd;
  char      *chroot;
  GHashTable *fs_mount;       /* virtual path -> host path */
  char      *fs_storage;
  guint64    max_disk;        /* 0 = unset */
  SandlockAction on_exit;
  SandlockAction on_error;

  /* Network */
  GPtrArray *net_allow;       /* SandlockNetRule* */
  GArray    *net_bind;        /* guint16 */
  gboolean   port_remap;
  gboolean   allow_udp;
  gboolean   allow_icmp;
  GPtrArray *http_allow;      /* char* rules */
  GPtrArray *http_deny;
  GArray    *http_ports;      /* guint16 */
  char      *https_ca;
  char      *https_key;

  /* Resources */
  guint64    max_memory;      /* 0 = unset */
  gint64     max_processes;   /* -1 = unset */
  gint64     max_cpu;         /* -1 = unset, else 1..100 */
  gint64     max_open_files;  /* -1 = unset */
  GArray    *cpu_cores;       /* guint */
  gint64     num_cpus;        /* -1 = unset */

  /* System calls */
  GPtrArray *deny_syscalls;   /* char* names */
  GPtrArray *allow_syscalls;

  /* Determinism */
  gboolean   has_random_seed;
  guint64    random_seed;
  char      *time_start;      /* ISO 8601 as given */
  gboolean   no_randomize_memory;
  gboolean   no_huge_pages;
  gboolean   no_coredump;
  gboolean   deterministic_dirs;

  /* Environment */
  gboolean   clean_env;
  GHashTable *env;            /* name -> value */

  /* Identity */
  char      *name;
  gint64     uid;             /* -1 = unset */
  GArray    *gpu_devices;     /* guint; NULL = unset, empty = all */
};

/* http_ports, or port 80 when it is empty. */
GArray *sandlock_policy_http_ports    (SandlockPolicy *policy);
/* The port lists of net_allow rules without a host (Landlock's part). */
GArray *sandlock_policy_connect_ports (SandlockPolicy *policy);

/* ------------------------------------------------------------------------ */
/* The field table: one row per schema field drives parsing, JSON, copying  */
/* and checking (sandlock-policy.c holds it).                               */
/* ------------------------------------------------------------------------ */

/* How a field is stored and spelled; the struct member's type follows. */
typedef enum {
  SANDLOCK_FIELD_PATH_LIST,     /* GPtrArray of absolute paths */
  SANDLOCK_FIELD_STRING_LIST,   /* GPtrArray of non-empty strings */
  SANDLOCK_FIELD_NET_RULES,     /* GPtrArray of SandlockNetRule */
  SANDLOCK_FIELD_HTTP_RULES,    /* GPtrArray of "METHOD host/path", as written */
  SANDLOCK_FIELD_PORT_LIST,     /* GArray of guint16 */
  SANDLOCK_FIELD_UINT_LIST,     /* GArray of guint */
  SANDLOCK_FIELD_DEVICE_LIST,   /* GArray of guint; NULL = unset, empty = all */
  SANDLOCK_FIELD_PATH,          /* char *, absolute */
  SANDLOCK_FIELD_STRING,        /* char * */
  SANDLOCK_FIELD_TIME,          /* char *, ISO 8601 as given */
  SANDLOCK_FIELD_SIZE,          /* guint64 bytes, 0 = unset */
  SANDLOCK_FIELD_INT,           /* gint64, -1 = unset */
  SANDLOCK_FIELD_BOOL,          /* gboolean, FALSE = unset */
  SANDLOCK_FIELD_ACTION,        /* SandlockAction */
  SANDLOCK_FIELD_ENV,           /* GHashTable name -> value */
  SANDLOCK_FIELD_MOUNT,         /* GHashTable virtual path -> host path */
  SANDLOCK_FIELD_SEED,          /* guint64 plus a has_* gboolean */
} SandlockFieldKind;

/* What sandlock_policy_check() verifies beyond the syntax, per field. */
typedef enum {
  SANDLOCK_CHECK_NONE,
  SANDLOCK_CHECK_EXISTS,        /* every path exists */
  SANDLOCK_CHECK_DIRECTORY,     /* the path is an existing directory */
  SANDLOCK_CHECK_RANGE,         /* min <= value <= max */
  SANDLOCK_CHECK_CPUS,          /* every CPU exists on this machine */
  SANDLOCK_CHECK_ENV_NAMES,     /* every name is a portable variable name */
  SANDLOCK_CHECK_HOSTNAME,      /* usable as a file name and a hostname */
} SandlockFieldCheck;

typedef struct {
  const char         *name;
  SandlockFieldKind   kind;
  gsize               offset;       /* of the member in SandlockPolicy */
  gboolean            supported;    /* this build enforces it */
  SandlockFieldCheck  check;
  gint64              min, max;     /* SANDLOCK_CHECK_RANGE */
  gsize               flag_offset;  /* SANDLOCK_FIELD_SEED: its has_* flag */
} SandlockField;

#define SANDLOCK_FIELD_MEMBER(policy, field, type) \
  (*(type *) G_STRUCT_MEMBER_P ((policy), (field)->offset))

/* The table in schema order; *n_fields receives its length. */
const SandlockField *sandlock_policy_get_fields    (gsize                *n_fields);
/* NULL when @name is not a policy field. */
const SandlockField *sandlock_policy_lookup_field  (const char           *name);
/* TRUE when the field differs from its default (what to_json() writes). */
gboolean             sandlock_policy_field_is_set  (SandlockPolicy       *policy,
                                                    const SandlockField  *field);

/* Shared by sandlock-policy.c and sandlock-policy-json.c. */

/* Indexed by SandlockAction: "commit", "abort", "keep". */
extern const char * const sandlock_policy_action_names[SANDLOCK_ACTION_KEEP + 1];

/* Like sandlock_policy_lookup_field() but an unknown name is an error. */
const SandlockField *sandlock_policy_lookup_field_or_error (const char           *name,
                                                            GError              **error);
/* Returns the field to its default (unset) value. */
void                 sandlock_policy_field_reset           (SandlockPolicy       *policy,
                                                            const SandlockField  *field);
/* Creates a nullable list's (still NULL) array; returns the array. */
GArray              *sandlock_policy_field_materialize     (SandlockPolicy       *policy,
                                                            const SandlockField  *field);
/* Parses @text as one value of the field: lists append, scalars replace. */
gboolean             sandlock_policy_field_add_text        (SandlockPolicy       *policy,
                                                            const SandlockField  *field,
                                                            const char           *text,
                                                            GError              **error);
/* Stores one map entry (fs_mount checks and canonicalizes its paths). */
gboolean             sandlock_policy_field_put             (SandlockPolicy       *policy,
                                                            const SandlockField  *field,
                                                            const char           *key,
                                                            const char           *value,
                                                            GError              **error);

void             sandlock_net_rule_free      (SandlockNetRule       *rule);
/* The rule's textual form: "host:port,port", ":port" or "[v6]:port". */
char            *sandlock_net_rule_to_string (const SandlockNetRule *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockNetRule, sandlock_net_rule_free)

G_END_DECLS
