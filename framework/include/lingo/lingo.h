// The whole public API of Lingo's core.
#pragma once

#include "lingo/compiler.h"
#include "lingo/connection.h"
#include "lingo/database.h"
#include "lingo/decimal.h"
#include "lingo/errors.h"
#include "lingo/expr.h"
#include "lingo/field.h"
#include "lingo/introspection.h"
#include "lingo/mapping.h"
#include "lingo/plugin_registry.h"
#include "lingo/query.h"
#include "lingo/result.h"
#include "lingo/table.h"
#include "lingo/uri.h"
#include "lingo/value.h"
#include "lingo/version.h"
