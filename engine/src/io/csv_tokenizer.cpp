#include "io/csv_tokenizer.hpp"

#include "io/archive.hpp"

#include <algorithm>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/archive.hpp"
#include "io/output_files.hpp"

namespace hotspot {

namespace {

// First position in [p, end) holding the delimiter or '\n' (16 bytes at a time with SSE2: long
// unquoted fields such as 64-character Crime IDs dominate police.uk rows).
inline const char* findFieldEnd(const char* p, const char* end, char delimiter) {
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8(delimiter), nl = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, d), _mm_cmpeq_epi8(block, nl)));
        if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    while (p < end && *p != delimiter && *p != '\n') ++p;
    return p;
}

}  // namespace

CsvCursor::CsvCursor(std::string_view bytes, int64_t firstLine, char delimiter)
    : m_begin(bytes.data()),
      m_pos(bytes.data()),
      m_end(bytes.data() + bytes.size()),
      m_line(firstLine),
      m_delimiter(delimiter) {}

bool CsvCursor::next(CsvRecord& record) {
    record.fields.clear();
    record.unterminatedQuote = false;
    record.strayQuote = false;
    m_scratch.clear();
    // Skip blank lines (a trailing newline at end of file is common).
    while (m_pos < m_end && (*m_pos == '\n' || *m_pos == '\r')) {
        if (*m_pos == '\n') ++m_line, ++m_blankLines;
        ++m_pos;
    }
    if (m_pos >= m_end) return false;
    record.line = m_line;
    const char* recordStart = m_pos;
    const char* p = m_pos;
    int64_t insideNewlines = 0;  // line breaks inside quoted fields of this record
    for (;;) {
        if (p < m_end && *p == '"') {
            // Quoted field: find the closing quote, unescaping "" if present.
            const char* q = p + 1;
            bool escaped = false;
            const char* close = nullptr;
            while (q < m_end) {
                const char* hit = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(m_end - q)));
                if (!hit) break;
                if (hit + 1 < m_end && hit[1] == '"') {
                    escaped = true;
                    q = hit + 2;
                    continue;
                }
                close = hit;
                break;
            }
            if (!close) {
                record.unterminatedQuote = true;
                close = m_end;
            }
            std::string_view inside(p + 1, static_cast<size_t>(close - p - 1));
            const auto breaks = std::count(inside.begin(), inside.end(), '\n');
            m_line += breaks;
            insideNewlines += breaks;
            if (escaped) {
                std::string unescaped;
                unescaped.reserve(inside.size());
                for (size_t i = 0; i < inside.size(); ++i) {
                    unescaped.push_back(inside[i]);
                    if (inside[i] == '"' && i + 1 < inside.size() && inside[i + 1] == '"') ++i;
                }
                m_scratch.push_back(std::move(unescaped));
                inside = m_scratch.back();
            }
            p = close < m_end ? close + 1 : m_end;
            // Anything between the closing quote and the delimiter is kept verbatim (lenient).
            const char* fieldEnd = p;
            while (fieldEnd < m_end && *fieldEnd != m_delimiter && *fieldEnd != '\n') ++fieldEnd;
            if (fieldEnd > p) {
                std::string joined(inside);
                joined.append(p, fieldEnd);
                if (!joined.empty() && joined.back() == '\r' && (fieldEnd == m_end || *fieldEnd == '\n'))
                    joined.pop_back();
                m_scratch.push_back(std::move(joined));
                inside = m_scratch.back();
            }
            record.fields.push_back(inside);
            p = fieldEnd;
        } else {
            const char* fieldEnd = findFieldEnd(p, m_end, m_delimiter);
            const char* valueEnd = fieldEnd;
            if ((fieldEnd == m_end || *fieldEnd == '\n') && valueEnd > p && valueEnd[-1] == '\r') --valueEnd;
            record.fields.emplace_back(p, static_cast<size_t>(valueEnd - p));
            p = fieldEnd;
        }
        if (p >= m_end) {
            record.raw = std::string_view(recordStart, static_cast<size_t>(p - recordStart));
            m_pos = m_end;
            break;
        }
        if (*p == m_delimiter) {
            ++p;
            if (p >= m_end) {  // trailing delimiter at end of data: one more empty field
                record.fields.emplace_back();
                record.raw = std::string_view(recordStart, static_cast<size_t>(p - recordStart));
                m_pos = m_end;
                break;
            }
            continue;
        }
        // *p == '\n'
        const char* rawEnd = p;
        if (rawEnd > recordStart && rawEnd[-1] == '\r') --rawEnd;
        record.raw = std::string_view(recordStart, static_cast<size_t>(rawEnd - recordStart));
        ++m_line;
        m_pos = p + 1;
        break;
    }
    if (insideNewlines > 0) {
        if (m_expectedFields > 0 && (record.unterminatedQuote || record.fields.size() != m_expectedFields)) {
            // Not a field with line breaks but a stray quote swallowing the lines after it: the
            // record is this physical line alone, and the next line is read as a record again.
            const char* nl = static_cast<const char*>(std::memchr(recordStart, '\n', static_cast<size_t>(m_end - recordStart)));
            const char* rawEnd = nl ? nl : m_end;
            if (rawEnd > recordStart && rawEnd[-1] == '\r') --rawEnd;
            record.raw = std::string_view(recordStart, static_cast<size_t>(rawEnd - recordStart));
            record.fields.clear();
            record.unterminatedQuote = false;
            record.strayQuote = true;
            m_pos = nl ? nl + 1 : m_end;
            m_line = record.line + 1;
        } else {
            m_continuationLines += insideNewlines;
        }
    }
    return true;
}

namespace {

// A file on disk (read with pread) or an archive member (decompressed once, in memory).
struct FileHandle {
    int fd = -1;
    std::shared_ptr<const std::string> memory;
    FileHandle() = default;
    FileHandle(FileHandle&& other) noexcept : fd(std::exchange(other.fd, -1)), memory(std::move(other.memory)) {}
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    ~FileHandle() {
        if (fd >= 0) ::close(fd);
    }
};

FileHandle openForReading(const std::string& path, uint64_t* size) {
    if (isArchiveMember(path)) {
        FileHandle h;
        h.memory = archiveMemberBytes(path);
        if (size) *size = h.memory->size();
        return h;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) checkInputPath(path);  // says why: no such file, a link loop ...
    if (!S_ISREG(st.st_mode)) checkInputPath(path);            // a folder, FIFO or device: named, never opened
    FileHandle h;
    h.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (h.fd < 0) throwInput(std::string("cannot open: ") + std::strerror(errno), {path});
    if (size) *size = static_cast<uint64_t>(st.st_size);
    return h;
}

void preadAll(const FileHandle& h, char* dst, uint64_t offset, uint64_t length, const std::string& path) {
    if (h.memory) {
        if (offset > h.memory->size() || length > h.memory->size() - offset) throwInput("file shrank while being read", {path});
        std::memcpy(dst, h.memory->data() + offset, length);
        return;
    }
    const int fd = h.fd;
    uint64_t done = 0;
    while (done < length) {
        ssize_t n = ::pread(fd, dst + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            throwInput(std::string("read failed: ") + std::strerror(errno), {path});
        }
        if (n == 0) throwInput("file shrank while being read", {path});
        done += static_cast<uint64_t>(n);
    }
}

}  // namespace

std::string readFileRange(const std::string& path, uint64_t offset, uint64_t length) {
    std::string out;
    readFileRange(path, offset, length, out);
    return out;
}

void readFileRange(const std::string& path, uint64_t offset, uint64_t length, std::string& into) {
    uint64_t size = 0;
    FileHandle h = openForReading(path, &size);
    into.resize(length);
    preadAll(h, into.data(), offset, length, path);
}

std::string readWholeFile(const std::string& path) {
    uint64_t size = 0;
    FileHandle h = openForReading(path, &size);
    std::string out(size, '\0');
    preadAll(h, out.data(), 0, size, path);
    return out;
}

bool looksBinary(std::string_view head) {
    // NUL bytes count as control characters, not as proof: a text file with NULs on a few lines
    // is read, and those lines are rejected by the reader.
    size_t control = 0;
    const size_t n = std::min<size_t>(head.size(), 1024);
    for (size_t i = 0; i < n; ++i) {
        auto c = static_cast<unsigned char>(head[i]);
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') ++control;
    }
    return n > 0 && control * 20 > n;  // more than 5 % control characters
}

namespace {

// UTF-16 text: a byte order mark, or ASCII with a NUL beside every character.
const char* utf16Kind(std::string_view head) {
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF && static_cast<unsigned char>(head[1]) == 0xFE) return "UTF-16 little-endian";
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFE && static_cast<unsigned char>(head[1]) == 0xFF) return "UTF-16 big-endian";
    const size_t n = std::min<size_t>(head.size(), 1024) & ~size_t{1};
    if (n < 8) return nullptr;
    size_t evenNul = 0, oddNul = 0;
    for (size_t i = 0; i < n; i += 2) evenNul += head[i] == 0, oddNul += head[i + 1] == 0;
    if (oddNul * 10 > n / 2 * 9 && evenNul == 0) return "UTF-16 little-endian (no byte order mark)";
    if (evenNul * 10 > n / 2 * 9 && oddNul == 0) return "UTF-16 big-endian (no byte order mark)";
    return nullptr;
}

// The delimiter of a header line: the most frequent of , ; tab | outside quotes (',' when none).
char detectDelimiter(std::string_view line) {
    const char candidates[] = {',', ';', '\t', '|'};
    size_t counts[4] = {};
    bool quoted = false;
    for (char c : line) {
        if (c == '\n') break;
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        for (int k = 0; k < 4; ++k) counts[k] += c == candidates[k];
    }
    int best = 0;
    for (int k = 1; k < 4; ++k)
        if (counts[k] > counts[best]) best = k;
    return counts[best] > 0 ? candidates[best] : ',';
}

}  // namespace

std::vector<std::string> readCsvHeader(const std::string& path) {
    // A chunk size beyond the first 64 KB is never scanned: layoutCsvFile stops splitting there.
    return layoutCsvFile(path, 0).header;
}

namespace {

// Splits [dataStart, fileSize) into chunks of about chunkBytes ending on record boundaries, and
// counts the file's physical lines on the way.
CsvFileLayout& chunkCsvData(const FileHandle& fd, const std::string& path, CsvFileLayout& layout, uint64_t dataStart, int64_t line, uint64_t chunkBytes) {
    // Chunks: walk the file in blocks, tracking quote parity from the data start.
    std::string block;
    uint64_t chunkStart = dataStart;
    int64_t chunkLine = line;
    uint64_t pos = dataStart;
    bool inQuotes = false;
    int64_t linesSinceChunk = 0;
    while (pos < layout.fileSize) {
        uint64_t want = std::min<uint64_t>(chunkBytes, layout.fileSize - pos);
        block.resize(want);
        preadAll(fd, block.data(), pos, want, path);
        // Find the last newline outside quotes in this block.
        int64_t lastSplit = -1;
        int64_t newlinesAtSplit = 0;
        int64_t newlines = 0;
        for (size_t i = 0; i < block.size();) {
            const char* b = block.data() + i;
            // A byte block, not a C string: no terminator is looked for.
            const char* q = static_cast<const char*>(std::memchr(b, '"', block.size() - i));  // NOLINT(bugprone-not-null-terminated-result)
            size_t segEnd = q ? static_cast<size_t>(q - block.data()) : block.size();
            // newlines in [i, segEnd)
            for (const char* s = b; s < block.data() + segEnd;) {
                const char* nl = static_cast<const char*>(std::memchr(s, '\n', static_cast<size_t>(block.data() + segEnd - s)));
                if (!nl) break;
                ++newlines;
                if (!inQuotes) {
                    lastSplit = nl - block.data();
                    newlinesAtSplit = newlines;
                }
                s = nl + 1;
            }
            if (!q) break;
            inQuotes = !inQuotes;
            i = segEnd + 1;
        }
        const bool lastBlock = pos + want >= layout.fileSize;
        if (lastBlock) {
            linesSinceChunk += newlines;
            layout.chunks.push_back({chunkStart, layout.fileSize - chunkStart, chunkLine, 0});
            break;
        }
        if (lastSplit < 0) {  // a record longer than the block: keep extending this chunk
            linesSinceChunk += newlines;
            pos += want;
            continue;
        }
        uint64_t splitAt = pos + static_cast<uint64_t>(lastSplit) + 1;
        linesSinceChunk += newlinesAtSplit;
        layout.chunks.push_back({chunkStart, splitAt - chunkStart, chunkLine, 0});
        chunkLine += linesSinceChunk;
        linesSinceChunk = 0;
        chunkStart = splitAt;
        // Restart parity at the split point (it is outside quotes by construction).
        inQuotes = false;
        pos = splitAt;
    }
    // Lines: the header's, every newline of the data, and a last line without a newline.
    char last = '\n';
    if (layout.fileSize > dataStart) preadAll(fd, &last, layout.fileSize - 1, 1, path);
    layout.physicalLines = layout.headerLines + (chunkLine - line) + linesSinceChunk + (last != '\n' ? 1 : 0);
    for (size_t k = 0; k < layout.chunks.size(); ++k)
        layout.chunks[k].lines = (k + 1 < layout.chunks.size() ? layout.chunks[k + 1].firstLine : layout.physicalLines + 1) - layout.chunks[k].firstLine;
    return layout;
}

}  // namespace

CsvFileLayout layoutCsvFile(const std::string& path, uint64_t chunkBytes, char delimiter) {
    CsvFileLayout layout;
    FileHandle h = openForReading(path, &layout.fileSize);
    if (layout.fileSize == 0) throwInput("file is empty (no header line)", {path, 1});

    // Header: read enough bytes to hold the first record (more than 64 KiB for very wide headers).
    std::string head;
    size_t start = 0;
    CsvRecord header;
    for (uint64_t want = 1u << 16;; want *= 4) {
        head.assign(std::min<uint64_t>(layout.fileSize, want), '\0');
        preadAll(h, head.data(), 0, head.size(), path);
        if (const char* kind = utf16Kind(head))
            throwInput(std::string("the file is ") + kind +
                           " text; hotspot reads UTF-8 (or Windows-1252): convert it first, e.g. "
                           "iconv -f UTF-16 -t UTF-8 IN.csv > OUT.csv",
                       {path, 1});
        if (looksBinary(head)) throwInput("not a text CSV file (binary content)", {path, 1});
        layout.hadBom = head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF && static_cast<unsigned char>(head[1]) == 0xBB &&
                        static_cast<unsigned char>(head[2]) == 0xBF;
        start = layout.hadBom ? 3 : 0;
        // Old Mac files end lines with CR alone: read every CR as a line break (same byte count,
        // so offsets and chunks stay valid; readers replace CR in their chunks too).
        layout.crOnly = head.find('\n') == std::string::npos && head.find('\r') != std::string::npos;
        if (layout.crOnly) std::replace(head.begin(), head.end(), '\r', '\n');
        layout.delimiter = delimiter ? delimiter : detectDelimiter(std::string_view(head).substr(start));
        CsvCursor cursor(std::string_view(head).substr(start), 1, layout.delimiter);
        if (!cursor.next(header)) throwInput("file has no header line", {path, 1});
        const bool complete = start + cursor.offset() < head.size() || head.size() == layout.fileSize;
        if (complete) {
            if (header.unterminatedQuote) throwInput("header line has an unterminated quote", {path, 1});
            for (auto f : header.fields) layout.header.emplace_back(trim(f));
            const uint64_t dataStart = start + cursor.offset();
            const int64_t line = header.line + 1 + std::count(header.raw.begin(), header.raw.end(), '\n');
            layout.headerLines = line - 1;
            if (chunkBytes == 0) return layout;  // header only
            if (layout.crOnly) {
                // Rare and small: one chunk, its lines counted here.
                std::string rest(layout.fileSize - dataStart, '\0');
                preadAll(h, rest.data(), dataStart, rest.size(), path);
                layout.physicalLines = layout.headerLines + std::count(rest.begin(), rest.end(), '\r') + (!rest.empty() && rest.back() != '\r');
                layout.chunks.push_back({dataStart, rest.size(), line, layout.physicalLines - layout.headerLines});
                return layout;
            }
            return chunkCsvData(h, path, layout, dataStart, line, chunkBytes);
        }
        // The header runs past what was read: read more.
    }
}

std::vector<std::vector<std::string>> parseCsvText(std::string_view text, std::vector<int64_t>* lines) {
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        text.remove_prefix(3);
    std::vector<std::vector<std::string>> rows;
    CsvCursor cursor(text, 1);
    CsvRecord record;
    while (cursor.next(record)) {
        std::vector<std::string> row;
        for (auto f : record.fields) row.emplace_back(f);
        rows.push_back(std::move(row));
        if (lines) lines->push_back(record.line);
    }
    return rows;
}

}  // namespace hotspot
