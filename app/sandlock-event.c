/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <string.h>
#include <time.h>

#include "sandlock-event.h"

struct _SandlockEvent {
  GObject  parent_instance;

  guint64  time_ns;
  int      pid;
  int      ppid;
  int      error;
  char    *syscall;
  char    *category;
  char    *detail;
  char    *verdict;
  char    *rule;
};

G_DEFINE_FINAL_TYPE (SandlockEvent, sandlock_event, G_TYPE_OBJECT)

/* Labels need valid UTF-8; a detail read from a program's memory may not be. */
static char *
dup_valid (const char *string)
{
  if (string == NULL)
    return g_strdup ("");
  if (g_utf8_validate (string, -1, NULL))
    return g_strdup (string);
  return g_utf8_make_valid (string, -1);
}

static void
sandlock_event_finalize (GObject *object)
{
  SandlockEvent *self = SANDLOCK_EVENT (object);

  g_free (self->syscall);
  g_free (self->category);
  g_free (self->detail);
  g_free (self->verdict);
  g_free (self->rule);
  G_OBJECT_CLASS (sandlock_event_parent_class)->finalize (object);
}

static void
sandlock_event_class_init (SandlockEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sandlock_event_finalize;
}

static void
sandlock_event_init (SandlockEvent *self)
{
}

SandlockEvent *
sandlock_event_new (guint64     time_ns,
                    int         pid,
                    int         ppid,
                    const char *syscall,
                    const char *category,
                    const char *detail,
                    const char *verdict,
                    int         error,
                    const char *rule)
{
  SandlockEvent *self = g_object_new (SANDLOCK_TYPE_EVENT, NULL);

  self->time_ns = time_ns;
  self->pid = pid;
  self->ppid = ppid;
  self->error = error;
  self->syscall = dup_valid (syscall);
  self->category = dup_valid (category);
  self->detail = dup_valid (detail);
  self->verdict = dup_valid (verdict);
  self->rule = dup_valid (rule);
  return self;
}

/* ---- Parsing ------------------------------------------------------------
 *
 * The helper writes flat objects, tens of thousands a second: they are read
 * in place, in one pass, with no tree built (json-glib took most of the
 * main loop at 50k events/s). Strings are unescaped where they stand,
 * which never needs more room than the escape took.
 */

typedef struct {
  char *p;
  char *end;   /* *end is '\0' */
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
read_hex4 (Cursor   *c,
           gunichar *value)
{
  *value = 0;
  if (c->end - c->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (*c->p++);

      if (digit < 0)
        return FALSE;
      *value = *value << 4 | (gunichar) digit;
    }
  return TRUE;
}

/* The string at c->p (its opening quote), unescaped and NUL-terminated. */
static char *
read_string (Cursor *c)
{
  char *start, *out;

  if (c->p >= c->end || *c->p != '"')
    return NULL;
  start = out = ++c->p;
  while (c->p < c->end)
    {
      char ch = *c->p++;
      gunichar u, low;

      if (ch == '"')
        {
          *out = '\0';
          return start;
        }
      if ((guchar) ch < 0x20)
        return NULL;
      if (ch != '\\')
        {
          *out++ = ch;
          continue;
        }
      if (c->p >= c->end)
        return NULL;
      switch ((ch = *c->p++))
        {
        case '"': case '\\': case '/': *out++ = ch; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
          if (!read_hex4 (c, &u))
            return NULL;
          if (u >= 0xd800 && u < 0xdc00)
            {
              if (c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u')
                {
                  c->p += 2;
                  if (!read_hex4 (c, &low))
                    return NULL;
                  u = low >= 0xdc00 && low < 0xe000 ?
                      0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00) : 0xfffd;
                }
              else
                u = 0xfffd;
            }
          else if ((u >= 0xdc00 && u < 0xe000) || u == 0)
            u = 0xfffd;   /* a lone half, or a NUL inside a C string */
          out += g_unichar_to_utf8 (u, out);
          break;
        default:
          return NULL;
        }
    }
  return NULL;
}

static gboolean
read_number (Cursor *c,
             gint64 *value)
{
  char *end;

  if (c->p >= c->end || !(*c->p == '-' || g_ascii_isdigit (*c->p)))
    return FALSE;
  *value = g_ascii_strtoll (c->p, &end, 10);
  if (*end == '.' || *end == 'e' || *end == 'E')
    *value = (gint64) g_ascii_strtod (c->p, &end);
  if (end == c->p || end > c->end)
    return FALSE;
  c->p = end;
  return TRUE;
}

static gboolean
skip_literal (Cursor     *c,
              const char *literal)
{
  gsize length = strlen (literal);

  if ((gsize) (c->end - c->p) < length || strncmp (c->p, literal, length) != 0)
    return FALSE;
  c->p += length;
  return TRUE;
}

/* A value of a member we do not use, nested ones included. */
static gboolean
skip_value (Cursor *c,
            int     depth)
{
  gint64 number;
  char close;

  if (c->p >= c->end || depth > 32)
    return FALSE;
  switch (*c->p)
    {
    case '"':
      return read_string (c) != NULL;
    case 't':
      return skip_literal (c, "true");
    case 'f':
      return skip_literal (c, "false");
    case 'n':
      return skip_literal (c, "null");
    case '{':
    case '[':
      close = *c->p == '{' ? '}' : ']';
      c->p++;
      skip_space (c);
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          return TRUE;
        }
      for (;;)
        {
          if (close == '}')
            {
              if (read_string (c) == NULL)
                return FALSE;
              skip_space (c);
              if (c->p >= c->end || *c->p++ != ':')
                return FALSE;
              skip_space (c);
            }
          if (!skip_value (c, depth + 1))
            return FALSE;
          skip_space (c);
          if (c->p < c->end && *c->p == ',')
            {
              c->p++;
              skip_space (c);
              continue;
            }
          return c->p < c->end && *c->p++ == close;
        }
    default:
      return read_number (c, &number);
    }
}

static gboolean
parse_object (Cursor              *c,
              SandlockEventFields *fields,
              gboolean            *has_dropped)
{
  skip_space (c);
  if (c->p >= c->end || *c->p++ != '{')
    return FALSE;
  skip_space (c);
  if (c->p < c->end && *c->p == '}')
    {
      c->p++;
      return TRUE;
    }
  for (;;)
    {
      const char *key = read_string (c);
      gint64 number;

      if (key == NULL)
        return FALSE;
      skip_space (c);
      if (c->p >= c->end || *c->p++ != ':')
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == '"')
        {
          const char *value = read_string (c);

          if (value == NULL)
            return FALSE;
          if (strcmp (key, "syscall") == 0)
            fields->syscall = value;
          else if (strcmp (key, "category") == 0)
            fields->category = value;
          else if (strcmp (key, "detail") == 0)
            fields->detail = value;
          else if (strcmp (key, "verdict") == 0)
            fields->verdict = value;
          else if (strcmp (key, "rule") == 0)
            fields->rule = value;
        }
      else if (c->p < c->end && (*c->p == '-' || g_ascii_isdigit (*c->p)))
        {
          if (!read_number (c, &number))
            return FALSE;
          if (strcmp (key, "time_ns") == 0)
            fields->time_ns = (guint64) MAX (number, 0);
          else if (strcmp (key, "pid") == 0)
            fields->pid = (int) number;
          else if (strcmp (key, "ppid") == 0)
            fields->ppid = (int) number;
          else if (strcmp (key, "errno") == 0)
            fields->error = (int) number;
          else if (strcmp (key, "dropped") == 0)
            {
              fields->dropped = (guint64) MAX (number, 0);
              *has_dropped = TRUE;
            }
        }
      else if (!skip_value (c, 0))
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          skip_space (c);
          continue;
        }
      if (c->p < c->end && *c->p++ == '}')
        break;
      return FALSE;
    }
  skip_space (c);
  return c->p == c->end;
}

gboolean
sandlock_event_parse_line (const char           *line,
                           gssize                length,
                           GString              *scratch,
                           SandlockEventFields  *fields,
                           GError              **error)
{
  gboolean has_dropped = FALSE;
  Cursor c;

  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (scratch != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  if (length < 0)
    length = strlen (line);
  g_string_truncate (scratch, 0);
  g_string_append_len (scratch, line, length);
  c.p = scratch->str;
  c.end = scratch->str + scratch->len;

  memset (fields, 0, sizeof *fields);
  if (!parse_object (&c, fields, &has_dropped))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "not a JSON object: \"%.*s\"", (int) MIN (length, 80), line);
      return FALSE;
    }
  if (has_dropped)
    {
      fields->syscall = NULL;
      return TRUE;
    }
  if (fields->syscall == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "an event names its system call: \"%.*s\"", (int) MIN (length, 80), line);
      return FALSE;
    }
  fields->dropped = 0;
  if (fields->category == NULL)
    fields->category = "";
  if (fields->detail == NULL)
    fields->detail = "";
  if (fields->verdict == NULL)
    fields->verdict = "";
  if (fields->rule == NULL)
    fields->rule = "";
  return TRUE;
}

SandlockEvent *
sandlock_event_new_from_json (const char  *line,
                              gssize       length,
                              guint64     *dropped,
                              GError     **error)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  SandlockEventFields fields;

  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (dropped != NULL, NULL);

  *dropped = 0;
  if (!sandlock_event_parse_line (line, length, scratch, &fields, error))
    return NULL;
  if (fields.syscall == NULL)
    {
      *dropped = fields.dropped;
      return NULL;
    }
  return sandlock_event_new (fields.time_ns, fields.pid, fields.ppid, fields.syscall,
                             fields.category, fields.detail, fields.verdict, fields.error,
                             fields.rule);
}

guint64
sandlock_event_get_time_ns (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), 0);
  return self->time_ns;
}

int
sandlock_event_get_pid (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), 0);
  return self->pid;
}

int
sandlock_event_get_ppid (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), 0);
  return self->ppid;
}

const char *
sandlock_event_get_syscall (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  return self->syscall;
}

const char *
sandlock_event_get_category (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  return self->category;
}

const char *
sandlock_event_get_detail (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  return self->detail;
}

const char *
sandlock_event_get_verdict (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  return self->verdict;
}

int
sandlock_event_get_errno (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), 0);
  return self->error;
}

const char *
sandlock_event_get_rule (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  return self->rule;
}

gboolean
sandlock_event_is_denied (SandlockEvent *self)
{
  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), FALSE);
  return strcmp (self->verdict, "deny") == 0;
}

const char *
sandlock_event_print_time (SandlockEvent *self,
                           char          *buffer,
                           gsize          size)
{
  time_t seconds;
  struct tm tm;
  char clock[16];

  g_return_val_if_fail (SANDLOCK_IS_EVENT (self), NULL);
  g_return_val_if_fail (buffer != NULL && size > 0, NULL);

  seconds = (time_t) (self->time_ns / G_GUINT64_CONSTANT (1000000000));
  if (localtime_r (&seconds, &tm) == NULL || strftime (clock, sizeof clock, "%H:%M:%S", &tm) == 0)
    *buffer = '\0';
  else
    g_snprintf (buffer, size, "%s.%03u", clock, (guint) (self->time_ns / 1000000 % 1000));
  return buffer;
}
