#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

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

CsvWriter& CsvWriter::field(std::string_view value) {
    if (m_rowStarted) m_buffer.push_back(',');
    m_rowStarted = true;
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        m_buffer.append(value);
        return *this;
    }
    m_buffer.push_back('"');
    for (char c : value) {
        if (c == '"') m_buffer.push_back('"');
        m_buffer.push_back(c);
    }
    m_buffer.push_back('"');
    return *this;
}

CsvWriter& CsvWriter::field(double value, int precision) {
    if (!std::isfinite(value)) return field(std::string_view());
    return field(std::string_view(fmt::format("{:.{}f}", value, precision)));
}

CsvWriter& CsvWriter::field(int64_t value) { return field(std::string_view(std::to_string(value))); }

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
