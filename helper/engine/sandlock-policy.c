/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <string.h>

#include "sandlock-http-rules.h"
#include "sandlock-parse.h"
#include "sandlock-policy-private.h"

/*
 * The schema, once. Every operation below walks this table and dispatches
 * on the field's kind, so a new field is one row here.
 */
#define FIELD(member, kind_, supported_, ...)                   \
  { .name = #member, .kind = SANDLOCK_FIELD_##kind_,            \
    .offset = G_STRUCT_OFFSET (SandlockPolicy, member),         \
    .supported = (supported_), __VA_ARGS__ }
#define CHECK(what) .check = SANDLOCK_CHECK_##what
#define RANGE(lo, hi) CHECK (RANGE), .min = (lo), .max = (hi)

static const SandlockField fields[] = {
  /* Filesystem */
  FIELD (fs_readable,         PATH_LIST,   TRUE,  CHECK (EXISTS)),
  FIELD (fs_writable,         PATH_LIST,   TRUE,  CHECK (EXISTS)),
  FIELD (fs_denied,           PATH_LIST,   TRUE,  CHECK (EXISTS)),
  FIELD (workdir,             PATH,        TRUE,  CHECK (DIRECTORY)),
  FIELD (cwd,                 PATH,        TRUE,  CHECK (DIRECTORY)),
  FIELD (chroot,              PATH,        FALSE),
  FIELD (fs_mount,            MOUNT,       FALSE),
  FIELD (fs_storage,          PATH,        TRUE),
  FIELD (max_disk,            SIZE,        TRUE),
  FIELD (on_exit,             ACTION,      TRUE),
  FIELD (on_error,            ACTION,      TRUE),
  /* Network */
  FIELD (net_allow,           NET_RULES,   TRUE),
  FIELD (net_bind,            PORT_LIST,   TRUE),
  FIELD (port_remap,          BOOL,        TRUE),
  FIELD (allow_udp,           BOOL,        TRUE),
  FIELD (allow_icmp,          BOOL,        TRUE),
  FIELD (http_allow,          HTTP_RULES,  TRUE),
  FIELD (http_deny,           HTTP_RULES,  TRUE),
  FIELD (http_ports,          PORT_LIST,   TRUE),
  FIELD (https_ca,            PATH,        TRUE,  CHECK (EXISTS)),
  FIELD (https_key,           PATH,        TRUE,  CHECK (EXISTS)),
  /* Resources */
  FIELD (max_memory,          SIZE,        TRUE),
  FIELD (max_processes,       INT,         TRUE,  RANGE (1, G_MAXINT64)),
  FIELD (max_cpu,             INT,         TRUE,  RANGE (1, 100)),
  FIELD (max_open_files,      INT,         TRUE,  RANGE (1, 1048576)),
  FIELD (cpu_cores,           UINT_LIST,   TRUE,  CHECK (CPUS)),
  FIELD (num_cpus,            INT,         TRUE,  RANGE (1, G_MAXINT64)),
  /* System calls */
  FIELD (deny_syscalls,       STRING_LIST, TRUE),
  FIELD (allow_syscalls,      STRING_LIST, TRUE),
  /* Determinism */
  FIELD (random_seed,         SEED,        TRUE,
         .flag_offset = G_STRUCT_OFFSET (SandlockPolicy, has_random_seed)),
  FIELD (time_start,          TIME,        TRUE),
  FIELD (no_randomize_memory, BOOL,        TRUE),
  FIELD (no_huge_pages,       BOOL,        TRUE),
  FIELD (no_coredump,         BOOL,        TRUE),
  FIELD (deterministic_dirs,  BOOL,        TRUE),
  /* Environment */
  FIELD (clean_env,           BOOL,        TRUE),
  FIELD (env,                 ENV,         TRUE,  CHECK (ENV_NAMES)),
  /* Identity: uid is any 32-bit id but (uid_t) -1, which means "none". */
  FIELD (name,                STRING,      TRUE,  CHECK (HOSTNAME)),
  FIELD (uid,                 INT,         TRUE,  RANGE (0, (gint64) G_MAXUINT32 - 1)),
  FIELD (gpu_devices,         DEVICE_LIST, FALSE),
};

#undef FIELD
#undef CHECK
#undef RANGE

/* How a kind is held in memory; init/clear/copy/is_set follow from it. */
typedef enum {
  STORE_PTR_ARRAY,
  STORE_ARRAY,
  STORE_NULLABLE_ARRAY,
  STORE_STRING,
  STORE_U64,
  STORE_I64,
  STORE_BOOL,
  STORE_ENUM,
  STORE_MAP,
  STORE_SEED,
} Storage;

static gpointer copy_string   (gconstpointer src,
                               gpointer      data);
static gpointer copy_net_rule (gconstpointer src,
                               gpointer      data);

/* How a kind is stored; sandlock-policy-json.c says how it is spelled. */
typedef struct {
  Storage          storage;
  gsize            element_size;  /* STORE_*ARRAY */
  GDestroyNotify   element_free;  /* STORE_PTR_ARRAY */
  GCopyFunc        element_copy;  /* STORE_PTR_ARRAY */
  char             separator;     /* STORE_MAP: "KEY=VALUE", "V:H" */
} Kind;

#define KIND(storage_, ...)                                             \
  { .storage = STORE_##storage_, __VA_ARGS__ }

static const Kind kinds[] = {
  [SANDLOCK_FIELD_PATH_LIST] =
    KIND (PTR_ARRAY, .element_free = g_free, .element_copy = copy_string),
  [SANDLOCK_FIELD_STRING_LIST] =
    KIND (PTR_ARRAY, .element_free = g_free, .element_copy = copy_string),
  [SANDLOCK_FIELD_NET_RULES] =
    KIND (PTR_ARRAY,
          .element_free = (GDestroyNotify) sandlock_net_rule_free,
          .element_copy = copy_net_rule),
  [SANDLOCK_FIELD_HTTP_RULES] =
    KIND (PTR_ARRAY, .element_free = g_free, .element_copy = copy_string),
  [SANDLOCK_FIELD_PORT_LIST] =
    KIND (ARRAY, .element_size = sizeof (guint16)),
  [SANDLOCK_FIELD_UINT_LIST] =
    KIND (ARRAY, .element_size = sizeof (guint)),
  [SANDLOCK_FIELD_DEVICE_LIST] =
    KIND (NULLABLE_ARRAY, .element_size = sizeof (guint)),
  [SANDLOCK_FIELD_PATH]   = KIND (STRING),
  [SANDLOCK_FIELD_STRING] = KIND (STRING),
  [SANDLOCK_FIELD_TIME]   = KIND (STRING),
  [SANDLOCK_FIELD_SIZE]   = KIND (U64),
  [SANDLOCK_FIELD_INT]    = KIND (I64),
  [SANDLOCK_FIELD_BOOL]   = KIND (BOOL),
  [SANDLOCK_FIELD_ACTION] = KIND (ENUM),
  [SANDLOCK_FIELD_ENV]    = KIND (MAP, .separator = '='),
  [SANDLOCK_FIELD_MOUNT]  = KIND (MAP, .separator = ':'),
  [SANDLOCK_FIELD_SEED]   = KIND (SEED),
};

#undef KIND

const char * const sandlock_policy_action_names[] = {
  [SANDLOCK_ACTION_COMMIT] = "commit",
  [SANDLOCK_ACTION_ABORT]  = "abort",
  [SANDLOCK_ACTION_KEEP]   = "keep",
};

#define MEMBER(policy, field, type) SANDLOCK_FIELD_MEMBER (policy, field, type)

/* ------------------------------------------------------------------------ */
/* Net rules                                                                */
/* ------------------------------------------------------------------------ */

void
sandlock_net_rule_free (SandlockNetRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->host);
  g_clear_pointer (&rule->ports, g_array_unref);
  g_free (rule);
}

static gpointer
copy_net_rule (gconstpointer src,
               gpointer      data G_GNUC_UNUSED)
{
  const SandlockNetRule *rule = src;
  SandlockNetRule *copy = g_new0 (SandlockNetRule, 1);

  copy->host = g_strdup (rule->host);
  copy->ports = g_array_copy (rule->ports);
  return copy;
}

char *
sandlock_net_rule_to_string (const SandlockNetRule *rule)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (rule != NULL, NULL);

  /* Brackets keep an IPv6 address apart from the port. */
  if (rule->host != NULL && strchr (rule->host, ':') != NULL)
    g_string_append_printf (text, "[%s]", rule->host);
  else if (rule->host != NULL)
    g_string_append (text, rule->host);

  for (guint i = 0; i < rule->ports->len; i++)
    g_string_append_printf (text, "%c%u", i == 0 ? ':' : ',',
                            g_array_index (rule->ports, guint16, i));
  return g_string_free (text, FALSE);
}

GArray *
sandlock_policy_http_ports (SandlockPolicy *policy)
{
  static const guint16 http = 80;

  if (policy->http_ports->len > 0)
    return g_array_ref (policy->http_ports);
  return g_array_append_val (g_array_new (FALSE, FALSE, sizeof (guint16)), http);
}

GArray *
sandlock_policy_connect_ports (SandlockPolicy *policy)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (guint16));

  g_return_val_if_fail (policy != NULL, ports);

  for (guint i = 0; i < policy->net_allow->len; i++)
    {
      const SandlockNetRule *rule = g_ptr_array_index (policy->net_allow, i);

      if (rule->host != NULL)
        continue;
      for (guint j = 0; j < rule->ports->len; j++)
        {
          guint16 port = g_array_index (rule->ports, guint16, j);
          gboolean seen = FALSE;

          for (guint k = 0; k < ports->len && !seen; k++)
            seen = g_array_index (ports, guint16, k) == port;
          if (!seen)
            g_array_append_val (ports, port);
        }
    }
  return ports;
}

/* ------------------------------------------------------------------------ */
/* Storage: init, clear, deep copy, "holds a value"                         */
/* ------------------------------------------------------------------------ */

static gpointer
copy_string (gconstpointer src,
             gpointer      data G_GNUC_UNUSED)
{
  return g_strdup (src);
}

static GHashTable *
new_map (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static GHashTable *
copy_map (GHashTable *map)
{
  GHashTable *copy = new_map ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, map);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static void
field_init (SandlockPolicy      *policy,
            const SandlockField *field)
{
  const Kind *kind = &kinds[field->kind];

  switch (kind->storage)
    {
    case STORE_PTR_ARRAY:
      MEMBER (policy, field, GPtrArray *) =
        g_ptr_array_new_with_free_func (kind->element_free);
      break;
    case STORE_ARRAY:
      MEMBER (policy, field, GArray *) =
        g_array_new (FALSE, FALSE, kind->element_size);
      break;
    case STORE_MAP:
      MEMBER (policy, field, GHashTable *) = new_map ();
      break;
    case STORE_NULLABLE_ARRAY:
    case STORE_STRING:
      MEMBER (policy, field, gpointer) = NULL;
      break;
    case STORE_U64:
      MEMBER (policy, field, guint64) = 0;
      break;
    case STORE_I64:
      MEMBER (policy, field, gint64) = -1;
      break;
    case STORE_BOOL:
      MEMBER (policy, field, gboolean) = FALSE;
      break;
    case STORE_ENUM:
      MEMBER (policy, field, SandlockAction) = SANDLOCK_ACTION_UNSET;
      break;
    case STORE_SEED:
      MEMBER (policy, field, guint64) = 0;
      G_STRUCT_MEMBER (gboolean, policy, field->flag_offset) = FALSE;
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
field_clear (SandlockPolicy      *policy,
             const SandlockField *field)
{
  gpointer *member = &MEMBER (policy, field, gpointer);

  switch (kinds[field->kind].storage)
    {
    case STORE_PTR_ARRAY:
      g_clear_pointer ((GPtrArray **) member, g_ptr_array_unref);
      break;
    case STORE_ARRAY:
    case STORE_NULLABLE_ARRAY:
      g_clear_pointer ((GArray **) member, g_array_unref);
      break;
    case STORE_MAP:
      g_clear_pointer ((GHashTable **) member, g_hash_table_unref);
      break;
    case STORE_STRING:
      g_clear_pointer ((char **) member, g_free);
      break;
    case STORE_U64:
    case STORE_I64:
    case STORE_BOOL:
    case STORE_ENUM:
    case STORE_SEED:
      break;
    default:
      g_assert_not_reached ();
    }
}

void
sandlock_policy_field_reset (SandlockPolicy      *policy,
                             const SandlockField *field)
{
  field_clear (policy, field);
  field_init (policy, field);
}

/* Replaces a shallow copy's shared pointer with a deep copy of its own. */
static void
field_deepen (SandlockPolicy      *policy,
              const SandlockField *field)
{
  const Kind *kind = &kinds[field->kind];
  gpointer *member = &MEMBER (policy, field, gpointer);

  switch (kind->storage)
    {
    case STORE_PTR_ARRAY:
      *member = g_ptr_array_copy (*member, kind->element_copy, NULL);
      break;
    case STORE_ARRAY:
    case STORE_NULLABLE_ARRAY:
      if (*member != NULL)
        *member = g_array_copy (*member);
      break;
    case STORE_MAP:
      *member = copy_map (*member);
      break;
    case STORE_STRING:
      *member = g_strdup (*member);
      break;
    case STORE_U64:
    case STORE_I64:
    case STORE_BOOL:
    case STORE_ENUM:
    case STORE_SEED:
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
sandlock_policy_field_is_set (SandlockPolicy      *policy,
                              const SandlockField *field)
{
  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  switch (kinds[field->kind].storage)
    {
    case STORE_PTR_ARRAY:
      return MEMBER (policy, field, GPtrArray *)->len > 0;
    case STORE_ARRAY:
      return MEMBER (policy, field, GArray *)->len > 0;
    case STORE_NULLABLE_ARRAY:
    case STORE_STRING:
      return MEMBER (policy, field, gpointer) != NULL;
    case STORE_MAP:
      return g_hash_table_size (MEMBER (policy, field, GHashTable *)) > 0;
    case STORE_U64:
      return MEMBER (policy, field, guint64) != 0;
    case STORE_I64:
      return MEMBER (policy, field, gint64) != -1;
    case STORE_BOOL:
      return MEMBER (policy, field, gboolean);
    case STORE_ENUM:
      return MEMBER (policy, field, SandlockAction) != SANDLOCK_ACTION_UNSET;
    case STORE_SEED:
      return G_STRUCT_MEMBER (gboolean, policy, field->flag_offset);
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------ */
/* Textual values (set() and every JSON value go through here)              */
/* ------------------------------------------------------------------------ */

/* Absolute, without "." and "..", symlinks left alone: the kernel resolves
 * them when the sandbox opens the path. */
static char *
parse_path (const char *text,
            GError    **error)
{
  if (*text == '\0')
    {
      g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                           "the path is empty (use e.g. /usr)");
      return NULL;
    }
  return g_canonicalize_filename (text, NULL);
}

static gboolean
parse_time (const char *text,
            GError    **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, utc);

  if (time == NULL)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                 "\"%s\" is not an ISO 8601 time (use e.g. 2000-01-01T00:00:00Z)",
                 text);
  return time != NULL;
}

static gboolean
parse_action (const char     *text,
              SandlockAction *action,
              GError        **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sandlock_policy_action_names); i++)
    if (sandlock_policy_action_names[i] != NULL
        && g_str_equal (text, sandlock_policy_action_names[i]))
      {
        *action = (SandlockAction) i;
        return TRUE;
      }

  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
               "\"%s\" is not an action (use commit, abort or keep)", text);
  return FALSE;
}

/* A nullable list exists as soon as it is given, even empty. */
GArray *
sandlock_policy_field_materialize (SandlockPolicy      *policy,
                                   const SandlockField *field)
{
  GArray **member = &MEMBER (policy, field, GArray *);

  if (*member == NULL)
    *member = g_array_new (FALSE, FALSE, kinds[field->kind].element_size);
  return *member;
}

/* One map entry; the key is checked by sandlock_policy_check(). */
gboolean
sandlock_policy_field_put (SandlockPolicy      *policy,
                           const SandlockField *field,
                           const char          *key,
                           const char          *value,
                           GError             **error)
{
  g_autofree char *stored_key = NULL;
  g_autofree char *stored_value = NULL;

  if (field->kind == SANDLOCK_FIELD_MOUNT)
    {
      if (!g_path_is_absolute (key))
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "\"%s\" is not an absolute path inside the sandbox "
                       "(use e.g. /work:/home/me/work)", key);
          return FALSE;
        }
      stored_key = g_canonicalize_filename (key, NULL);
      stored_value = parse_path (value, error);
      if (stored_value == NULL)
        return FALSE;
    }
  else
    {
      stored_key = g_strdup (key);
      stored_value = g_strdup (value);
    }

  g_hash_table_insert (MEMBER (policy, field, GHashTable *),
                       g_steal_pointer (&stored_key),
                       g_steal_pointer (&stored_value));
  return TRUE;
}

/*
 * Parses @text as one value of @field and stores it: lists append, maps
 * add one "KEY<separator>VALUE" entry, scalars replace. Nothing changes
 * on failure. Errors do not name the field; callers prefix it.
 */
gboolean
sandlock_policy_field_add_text (SandlockPolicy      *policy,
                                const SandlockField *field,
                                const char          *text,
                                GError             **error)
{
  gpointer member = G_STRUCT_MEMBER_P (policy, field->offset);
  guint64 number;

  switch (field->kind)
    {
    case SANDLOCK_FIELD_PATH_LIST:
      {
        char *path = parse_path (text, error);

        if (path == NULL)
          return FALSE;
        g_ptr_array_add (*(GPtrArray **) member, path);
        return TRUE;
      }

    case SANDLOCK_FIELD_STRING_LIST:
      if (*text == '\0')
        {
          g_set_error_literal (error, SANDLOCK_ERROR,
                               SANDLOCK_ERROR_INVALID_POLICY,
                               "an empty string is not a valid entry");
          return FALSE;
        }
      g_ptr_array_add (*(GPtrArray **) member, g_strdup (text));
      return TRUE;

    case SANDLOCK_FIELD_NET_RULES:
      {
        g_autoptr(SandlockNetRule) rule = g_new0 (SandlockNetRule, 1);

        if (!sandlock_parse_net_rule (text, &rule->host, &rule->ports, error))
          return FALSE;
        g_ptr_array_add (*(GPtrArray **) member, g_steal_pointer (&rule));
        return TRUE;
      }

    case SANDLOCK_FIELD_HTTP_RULES:
      /* Kept as written, so a verdict quotes the rule the user wrote; the
       * proxy compiles them (sandlock_http_rules_new). Checked here so a
       * bad rule is reported as such even while the field is refused as
       * unsupported. */
      if (!sandlock_http_rule_validate (text, error))
        return FALSE;
      g_ptr_array_add (*(GPtrArray **) member, g_strdup (text));
      return TRUE;

    case SANDLOCK_FIELD_PORT_LIST:
      {
        guint16 port;

        if (!sandlock_parse_port (text, &port, error))
          return FALSE;
        g_array_append_val (*(GArray **) member, port);
        return TRUE;
      }

    case SANDLOCK_FIELD_UINT_LIST:
    case SANDLOCK_FIELD_DEVICE_LIST:
      {
        guint value;

        /* "all" is the textual form of the empty (every device) list. */
        if (field->kind == SANDLOCK_FIELD_DEVICE_LIST
            && g_ascii_strcasecmp (text, "all") == 0)
          {
            g_array_set_size (sandlock_policy_field_materialize (policy, field),
                              0);
            return TRUE;
          }
        if (!sandlock_parse_uint (text, G_MAXUINT, &number, error))
          return FALSE;
        value = (guint) number;
        if (field->kind == SANDLOCK_FIELD_DEVICE_LIST)
          sandlock_policy_field_materialize (policy, field);
        g_array_append_val (*(GArray **) member, value);
        return TRUE;
      }

    case SANDLOCK_FIELD_PATH:
      {
        char *path = parse_path (text, error);

        if (path == NULL)
          return FALSE;
        g_free (*(char **) member);
        *(char **) member = path;
        return TRUE;
      }

    case SANDLOCK_FIELD_TIME:
      if (!parse_time (text, error))
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case SANDLOCK_FIELD_STRING:
      g_free (*(char **) member);
      *(char **) member = g_strdup (text);
      return TRUE;

    case SANDLOCK_FIELD_SIZE:
      if (!sandlock_parse_size (text, &number, error))
        return FALSE;
      /* 0 is how the struct says "no limit". */
      if (number == 0)
        {
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                       "\"%s\" is not a usable limit (use e.g. 512M or 2G, "
                       "or leave the field out for no limit)", text);
          return FALSE;
        }
      *(guint64 *) member = number;
      return TRUE;

    case SANDLOCK_FIELD_INT:
      /* Ranges are the check's business, so every problem shows at once. */
      if (!sandlock_parse_uint (text, G_MAXINT64, &number, error))
        return FALSE;
      *(gint64 *) member = (gint64) number;
      return TRUE;

    case SANDLOCK_FIELD_BOOL:
      return sandlock_parse_bool (text, (gboolean *) member, error);

    case SANDLOCK_FIELD_ACTION:
      return parse_action (text, (SandlockAction *) member, error);

    case SANDLOCK_FIELD_ENV:
    case SANDLOCK_FIELD_MOUNT:
      {
        char separator = kinds[field->kind].separator;
        const char *split = strchr (text, separator);
        g_autofree char *key = NULL;

        if (split == NULL)
          {
            g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                         "\"%s\" has no \"%c\" (use e.g. %s)", text, separator,
                         field->kind == SANDLOCK_FIELD_ENV
                         ? "LANG=C.UTF-8" : "/work:/home/me/work");
            return FALSE;
          }
        key = g_strndup (text, split - text);
        return sandlock_policy_field_put (policy, field, key, split + 1,
                                          error);
      }

    case SANDLOCK_FIELD_SEED:
      if (!sandlock_parse_uint (text, G_MAXUINT64, &number, error))
        return FALSE;
      *(guint64 *) member = number;
      G_STRUCT_MEMBER (gboolean, policy, field->flag_offset) = TRUE;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------ */
/* Field table lookups                                                      */
/* ------------------------------------------------------------------------ */

const SandlockField *
sandlock_policy_get_fields (gsize *n_fields)
{
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const SandlockField *
sandlock_policy_lookup_field (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return &fields[i];
  return NULL;
}

const char * const *
sandlock_policy_field_names (void)
{
  static const char *names[G_N_ELEMENTS (fields) + 1];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
        names[i] = fields[i].name;
      g_once_init_leave (&initialized, 1);
    }
  return names;
}

gboolean
sandlock_policy_field_supported (const char *field)
{
  const SandlockField *f;

  g_return_val_if_fail (field != NULL, FALSE);

  f = sandlock_policy_lookup_field (field);
  return f != NULL && f->supported;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize len_b = strlen (b);
  g_autofree guint *row = g_new (guint, len_b + 1);

  for (gsize j = 0; j <= len_b; j++)
    row[j] = j;
  for (gsize i = 1; a[i - 1] != '\0'; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= len_b; j++)
        {
          guint above = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1),
                        diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
          diagonal = above;
        }
    }
  return row[len_b];
}

/* Unknown names are usually typos: suggest a field a few edits away. */
const SandlockField *
sandlock_policy_lookup_field_or_error (const char *name,
                                       GError    **error)
{
  const SandlockField *field = sandlock_policy_lookup_field (name);
  const SandlockField *closest = NULL;
  guint best = 3;

  if (field != NULL)
    return field;

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      guint distance = edit_distance (name, fields[i].name);

      if (distance < best)
        {
          best = distance;
          closest = &fields[i];
        }
    }

  if (closest != NULL)
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                 "\"%s\" is not a policy field (did you mean %s?)",
                 name, closest->name);
  else
    g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                 "\"%s\" is not a policy field", name);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

SandlockPolicy *
sandlock_policy_new (void)
{
  SandlockPolicy *policy = g_new0 (SandlockPolicy, 1);

  policy->ref_count = 1;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    field_init (policy, &fields[i]);
  return policy;
}

SandlockPolicy *
sandlock_policy_ref (SandlockPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);

  g_atomic_int_inc (&policy->ref_count);
  return policy;
}

void
sandlock_policy_unref (SandlockPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  if (!g_atomic_int_dec_and_test (&policy->ref_count))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    field_clear (policy, &fields[i]);
  g_free (policy);
}

SandlockPolicy *
sandlock_policy_copy (SandlockPolicy *policy)
{
  SandlockPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  /* Scalars come with the struct; containers are then duplicated. */
  copy = g_memdup2 (policy, sizeof *policy);
  copy->ref_count = 1;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    field_deepen (copy, &fields[i]);
  return copy;
}

/* ------------------------------------------------------------------------ */
/* set / unset                                                              */
/* ------------------------------------------------------------------------ */

gboolean
sandlock_policy_set (SandlockPolicy *policy,
                     const char     *field,
                     const char     *value,
                     GError        **error)
{
  const SandlockField *f;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  f = sandlock_policy_lookup_field_or_error (field, error);
  if (f == NULL)
    return FALSE;
  if (!sandlock_policy_field_add_text (policy, f, value, error))
    {
      g_prefix_error (error, "%s: ", f->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
sandlock_policy_unset (SandlockPolicy *policy,
                       const char     *field,
                       GError        **error)
{
  const SandlockField *f;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  f = sandlock_policy_lookup_field_or_error (field, error);
  if (f == NULL)
    return FALSE;
  sandlock_policy_field_reset (policy, f);
  return TRUE;
}

gboolean
sandlock_policy_is_set (SandlockPolicy *policy,
                        const char     *field)
{
  const SandlockField *f;

  g_return_val_if_fail (policy != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  f = sandlock_policy_lookup_field_or_error (field, NULL);
  return f != NULL && sandlock_policy_field_is_set (policy, f);
}
