/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock-gtk"
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "sandlock-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(SandlockApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sandlock_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
