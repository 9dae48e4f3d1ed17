#include "hotspot/error.hpp"

namespace hotspot {
namespace {

std::string formatWhat(ErrorKind kind, const std::string& message, const ErrorContext& c) {
    std::string out;
    if (!c.file.empty()) {
        out += c.file;
        if (c.line > 0) {
            out += ':';
            out += std::to_string(c.line);
        }
        out += ": ";
    }
    // A usage error without a file is about an option: name it as the caller wrote it.
    if (!c.field.empty()) out += (kind == ErrorKind::Usage && c.file.empty() ? "option " : "field '") + c.field + (kind == ErrorKind::Usage && c.file.empty() ? ": " : "': ");
    out += message;
    return out;
}

}  // namespace

Error::Error(ErrorKind kind, const std::string& message, ErrorContext context)
    : std::runtime_error(formatWhat(kind, message, context)),
      m_kind(kind),
      m_context(std::move(context)),
      m_message(message) {}

void throwInput(const std::string& message, ErrorContext context) {
    throw Error(ErrorKind::Input, message, std::move(context));
}
void throwOutput(const std::string& message, ErrorContext context) {
    throw Error(ErrorKind::Output, message, std::move(context));
}
void throwUsage(const std::string& message, ErrorContext context) {
    throw Error(ErrorKind::Usage, message, std::move(context));
}

void throwNoData(const std::string& message, ErrorContext context) {
    throw Error(ErrorKind::NoData, message, std::move(context));
}

int exitCodeFor(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage: return 2;
        case ErrorKind::Input: return 3;
        case ErrorKind::Output: return 4;
        case ErrorKind::NoData: return 5;
        case ErrorKind::Internal: return 1;
        case ErrorKind::Cancelled: return 130;
    }
    return 1;
}

}  // namespace hotspot
