#pragma once
// One exception family for the whole engine. The CLI maps ErrorKind to exit codes
// (docs/cli/geocode.md lists them); the library never calls exit().

#include <cstdint>
#include <stdexcept>
#include <string>

namespace hotspot {

enum class ErrorKind {
    Usage,      // bad arguments or options: exit 2
    Input,      // an input file or layer cannot be used: exit 3
    Output,     // an output cannot be written: exit 4
    NoData,     // the inputs were read but no row is usable: exit 5 (nothing written)
    Internal,   // a bug or an unexpected library failure: exit 1
    Cancelled,  // the caller's progress callback asked to stop: nothing was written (exit 130)
};

struct ErrorContext {
    std::string file;   // path of the input or output, empty if none
    int64_t line = 0;   // 1-based line (or feature id for layers), 0 if none
    std::string field;  // column / field / option name, empty if none
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, ErrorContext context = {});

    ErrorKind kind() const { return m_kind; }
    const ErrorContext& context() const { return m_context; }
    const std::string& message() const { return m_message; }

private:
    ErrorKind m_kind;
    ErrorContext m_context;
    std::string m_message;
};

// Shorthands used throughout the engine.
[[noreturn]] void throwInput(const std::string& message, ErrorContext context = {});
[[noreturn]] void throwOutput(const std::string& message, ErrorContext context = {});
[[noreturn]] void throwUsage(const std::string& message, ErrorContext context = {});
[[noreturn]] void throwNoData(const std::string& message, ErrorContext context = {});

int exitCodeFor(ErrorKind kind);

}  // namespace hotspot
