#pragma once
// RFC 4180 CSV records over an in-memory byte range: quoted fields (with "" escapes and
// embedded newlines), LF or CRLF endings, mixed in one file. Unquoted fields are views
// into the buffer; unescaped quoted fields live in the cursor's scratch space until next().

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

struct CsvRecord {
    std::vector<std::string_view> fields;
    int64_t line = 0;      // physical line where the record starts
    std::string_view raw;  // the record's bytes without the line ending
    bool unterminatedQuote = false;
    // A quote opened on this line ran over line breaks into what are not parts of one record (the
    // field count came out wrong, or the quote never closed): only this physical line is the
    // record (raw), its fields are empty, and reading goes on at the next line.
    bool strayQuote = false;
};

class CsvCursor {
public:
    CsvCursor(std::string_view bytes, int64_t firstLine, char delimiter = ',');
    // With the header's field count set, a record spanning several lines whose fields do not add
    // up is taken to be a stray quote (CsvRecord::strayQuote), not one giant field.
    void setExpectedFields(size_t count) { m_expectedFields = count; }
    // Reads the next record; returns false at the end of the range. Blank lines are skipped.
    bool next(CsvRecord& record);
    size_t offset() const { return static_cast<size_t>(m_pos - m_begin); }
    // Physical lines seen so far that are not the first line of a record: blank lines, and the
    // further lines of records with line breaks inside quotes.
    int64_t blankLines() const { return m_blankLines; }
    int64_t continuationLines() const { return m_continuationLines; }

private:
    const char* m_begin;
    const char* m_pos;
    const char* m_end;
    int64_t m_line;
    char m_delimiter;
    size_t m_expectedFields = 0;
    int64_t m_blankLines = 0, m_continuationLines = 0;
    std::deque<std::string> m_scratch;
};

// A byte range of a file that starts and ends on record boundaries.
struct CsvChunk {
    uint64_t offset = 0;
    uint64_t length = 0;
    int64_t firstLine = 0;
    int64_t lines = 0;  // physical lines in the range: an upper bound on its records (for reserving)
};

struct CsvFileLayout {
    std::vector<std::string> header;  // header fields (BOM stripped, trimmed)
    int64_t headerLines = 1;
    bool hadBom = false;
    char delimiter = ',';          // detected from the header (',' ';' tab '|'), or as forced
    bool crOnly = false;           // old Mac line endings: every '\r' is a line break (chunks: replace before parsing)
    std::vector<CsvChunk> chunks;  // the data after the header, split for parallel parsing
    uint64_t fileSize = 0;
    int64_t physicalLines = 0;  // lines of the whole file, header included (chunked layouts only)
};

// Reads the header and splits the rest into chunks of about chunkBytes that end on record
// boundaries (quote parity is tracked so a newline inside quotes is never a split point).
// `delimiter` 0: detected from the header line (the most frequent of , ; tab | outside quotes).
// Throws hotspot::Error (Input) for a missing, unreadable, empty, binary or UTF-16 file.
CsvFileLayout layoutCsvFile(const std::string& path, uint64_t chunkBytes = 8u << 20, char delimiter = 0);

// Reads only the header record (BOM stripped, fields trimmed). Throws like layoutCsvFile.
std::vector<std::string> readCsvHeader(const std::string& path);

// Reads [offset, offset+length) of a file.
std::string readFileRange(const std::string& path, uint64_t offset, uint64_t length);
// The same into a buffer reused from chunk to chunk (its memory is faulted in once).
void readFileRange(const std::string& path, uint64_t offset, uint64_t length, std::string& into);
// Reads a whole (small) file.
std::string readWholeFile(const std::string& path);

// Splits a small CSV text (config files, gazetteers) into records, header included.
std::vector<std::vector<std::string>> parseCsvText(std::string_view text, std::vector<int64_t>* lines = nullptr);

// Heuristic check for binary junk: NUL bytes or many control characters in the first KB.
bool looksBinary(std::string_view head);

}  // namespace hotspot
