// The whole public API of Lingo's core.
#pragma once

#include "lingo/connection.h"
#include "lingo/database.h"
#include "lingo/decimal.h"
#include "lingo/errors.h"
#include "lingo/plugin_registry.h"
#include "lingo/result.h"
#include "lingo/uri.h"
#include "lingo/value.h"
#include "lingo/version.h"
