// Symbols of the postgres plugin that derived dialects may use. The plugin is
// built with hidden visibility; what is marked here stays reachable.
#pragma once

#define LINGO_POSTGRES_API __attribute__((visibility("default")))
