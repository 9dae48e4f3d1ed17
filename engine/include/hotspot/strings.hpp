#pragma once
// Compact string storage for million-row tables: repeated values are interned
// (police.uk has a few thousand distinct locations per force), unique ids live in one arena.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

// Distinct strings with stable codes. Code 0 is always the empty string.
class InternedStrings {
public:
    InternedStrings();
    InternedStrings(const InternedStrings& other);
    InternedStrings& operator=(const InternedStrings& other);
    InternedStrings(InternedStrings&&) noexcept = default;
    InternedStrings& operator=(InternedStrings&&) noexcept = default;

    uint32_t intern(std::string_view value);
    const std::string& at(uint32_t code) const { return m_values[code]; }
    size_t size() const { return m_values.size(); }

private:
    // Open addressing with linear probing: slots hold code + 1 (0 = empty), hashes are cached
    // per code. Interning runs once per field of every row, so it has to be cheap.
    void rebuildIndex();
    void grow();
    std::deque<std::string> m_values;  // deque: references stay valid as it grows
    std::vector<uint64_t> m_hashes;
    std::vector<uint32_t> m_slots;
    // One-entry memo: constant columns ("Reported by", "Falls within") hit it on every row.
    uint32_t m_lastCode = 0;
};

// A column of interned values: one 32-bit code per row.
struct InternedColumn {
    InternedStrings pool;
    std::vector<uint32_t> codes;

    void push(std::string_view value) { codes.push_back(pool.intern(value)); }
    const std::string& at(size_t row) const { return pool.at(codes[row]); }
};

// Unique-ish strings (ids) packed into one buffer.
class StringArena {
public:
    void push(std::string_view value);
    void append(const StringArena& other);           // all of other's values, in bulk
    void compact(const std::vector<uint8_t>& keep);  // keeps values whose flag is set, in place
    std::string_view at(size_t row) const {
        return std::string_view(m_chars).substr(m_offsets[row], m_offsets[row + 1] - m_offsets[row]);
    }
    size_t size() const { return m_offsets.size() - 1; }
    size_t chars() const { return m_chars.size(); }
    void reserve(size_t rows, size_t chars) {
        m_offsets.reserve(rows + 1);
        m_chars.reserve(chars);
    }
    void prefaultOffsets();  // the reserved offsets, for a reader about to push that many values
    void clear() {           // keeps the memory
        m_chars.clear();
        m_offsets.assign(1, 0);
    }

private:
    std::string m_chars;
    std::vector<uint64_t> m_offsets{0};
};

// Case-folding and trimming helpers shared by parsers and matchers.
std::string toUpperAscii(std::string_view s);
std::string toLowerAscii(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// The one rounding rule of every published figure (CSV, Markdown, tables): `decimals` places,
// halves rounded away from zero (6.25 -> "6.3", -6.25 -> "-6.3"), as people round by hand and
// spreadsheets display; "" for NaN and infinities. (printf rounds the binary value half to even.)
std::string formatDecimal(double value, int decimals);
// Text for XML/HTML content and attribute values: & < > " ' escaped.
std::string xmlEscape(std::string_view text);

}  // namespace hotspot
