// How the connector turns a lingo::Error into a LingoException (private).
#pragma once

#include <exception>
#include <utility>

#include "lingo/errors.h"
#include "lingo/poco/exception.h"

namespace lingo::poco::detail {

// Runs fn, rethrowing a lingo::Error it throws as a LingoException that
// keeps the original.
template <class F>
decltype(auto) translated(F&& fn) {
  try {
    return std::forward<F>(fn)();
  } catch (const lingo::Error& error) {
    throw LingoException(error, std::current_exception());
  }
}

}  // namespace lingo::poco::detail
