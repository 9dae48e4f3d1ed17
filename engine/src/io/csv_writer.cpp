#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "io/output_files.hpp"

namespace hotspot {

CsvWriter::CsvWriter(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0) throwOutput(std::string("cannot create: ") + std::strerror(errno), {path});
    m_buffer.reserve(1 << 20);
}

CsvWriter::~CsvWriter() {
    if (m_fd >= 0) ::close(m_fd);
}

namespace {

// OWASP "CSV injection": a spreadsheet runs a cell that starts with = + - @ (or a tab or CR that
// hides one) as a formula. Such text gets a leading apostrophe, which spreadsheets show as text;
// numbers such as -0.8926 are left alone.
bool startsLikeAFormula(std::string_view value) {
    if (value.empty()) return false;
    const char c = value.front();
    if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
    double number = 0;
    const auto [end, ec] = fast_float::from_chars(value.data() + (c == '+' ? 1 : 0), value.data() + value.size(), number);
    return !(ec == std::errc() && end == value.data() + value.size());
}

// Whether any byte of w is c: a byte of w ^ c is zero exactly where w holds c, and (x - 0x01..) &
// ~x & 0x80.. is non-zero exactly when x has a zero byte (borrows only mark bytes above a zero).
bool hasByte(uint64_t w, unsigned char c) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    const uint64_t x = w ^ (kOnes * c);
    return ((x - kOnes) & ~x & kHighs) != 0;
}

// True when the text holds a comma, a quote or a line break. Eight bytes at a time: 70 ms of CPU
// less than a byte loop for geocode's 441 MB incidents.csv (string_view::find_first_of, a memchr
// per character, was a third of writing a large CSV).
bool needsQuotes(std::string_view value) {
    size_t i = 0;
    for (; i + 8 <= value.size(); i += 8) {
        uint64_t w = 0;
        std::memcpy(&w, value.data() + i, 8);
        if (hasByte(w, ',') || hasByte(w, '"') || hasByte(w, '\n') || hasByte(w, '\r')) return true;
    }
    for (; i < value.size(); ++i) {
        const char c = value[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
    }
    return false;
}

}  // namespace

CsvWriter& CsvWriter::field(std::string_view value) {
    if (m_rowStarted) m_buffer.push_back(',');
    m_rowStarted = true;
    std::string escaped;
    if (startsLikeAFormula(value)) {
        escaped = "'" + std::string(value);
        value = escaped;
    }
    if (!needsQuotes(value)) {
        m_buffer.append(value);
        return *this;
    }
    m_buffer.push_back('"');
    for (size_t quote; (quote = value.find('"')) != std::string_view::npos; value.remove_prefix(quote + 1)) {
        m_buffer.append(value.substr(0, quote + 1));
        m_buffer.push_back('"');  // a quote inside a quoted field is doubled
    }
    m_buffer.append(value);
    m_buffer.push_back('"');
    return *this;
}

// Numbers are formatted into a stack buffer: fmt::format and std::to_string would make a string each.
CsvWriter& CsvWriter::field(double value, int precision) {
    if (!std::isfinite(value)) return field(std::string_view());
    char text[64];
    const auto written = fmt::format_to_n(text, sizeof text, "{:.{}f}", value, precision);
    if (written.size > sizeof text) return field(std::string_view(fmt::format("{:.{}f}", value, precision)));
    return field(std::string_view(text, written.size));
}

CsvWriter& CsvWriter::field(int64_t value) {
    char text[24];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    return field(std::string_view(text, static_cast<size_t>(end - text)));
}

void CsvWriter::endRow() {
    m_buffer.push_back('\n');
    m_rowStarted = false;
    flushIfBig();
}

void CsvWriter::row(const std::vector<std::string>& fields) {
    for (const auto& f : fields) field(std::string_view(f));
    endRow();
}

void CsvWriter::flushIfBig() {
    if (m_buffer.size() < (1 << 20)) return;
    size_t done = 0;
    while (done < m_buffer.size()) {
        ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwWriteFailure(m_path, std::string("write failed: ") + std::strerror(errno), errno);
        }
        done += static_cast<size_t>(n);
    }
    m_buffer.clear();
}

void CsvWriter::close() {
    if (m_fd < 0) return;
    size_t done = 0;
    while (done < m_buffer.size()) {
        ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwWriteFailure(m_path, std::string("write failed: ") + std::strerror(errno), errno);
        }
        done += static_cast<size_t>(n);
    }
    m_buffer.clear();
    if (::fsync(m_fd) != 0 && errno != EINVAL) throwWriteFailure(m_path, std::string("fsync failed: ") + std::strerror(errno), errno);
    if (::close(m_fd) != 0) {
        m_fd = -1;
        throwWriteFailure(m_path, std::string("close failed: ") + std::strerror(errno), errno);
    }
    m_fd = -1;
}

void writeTextFile(const std::string& path, const std::string& content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throwOutput(std::string("cannot create: ") + std::strerror(errno), {path});
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            throwWriteFailure(path, std::string("write failed: ") + std::strerror(errno), errno);
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) throwWriteFailure(path, std::string("close failed: ") + std::strerror(errno), errno);
}

}  // namespace hotspot
