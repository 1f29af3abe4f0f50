/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A JSON value as a variant: objects a{sv}, arrays of strings as, of
 * objects aa{sv}, of integers ax, other arrays av; null members left out
 * (NULL for a null value). Shared by the helper and the app. */
GVariant *sandlock_json_to_variant        (JsonNode   *node);
GVariant *sandlock_json_object_to_variant (JsonObject *object);

G_END_DECLS
