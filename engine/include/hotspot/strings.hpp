#pragma once
// Compact string storage for million-row tables: repeated values are interned
// (police.uk has a few thousand distinct locations per force), unique ids live in one arena.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
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
    void rebuildIndex();
    std::deque<std::string> m_values;  // deque: views into it stay valid as it grows
    std::unordered_map<std::string_view, uint32_t> m_index;
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
    std::string_view at(size_t row) const {
        return std::string_view(m_chars).substr(m_offsets[row], m_offsets[row + 1] - m_offsets[row]);
    }
    size_t size() const { return m_offsets.size() - 1; }
    void reserve(size_t rows, size_t chars) {
        m_offsets.reserve(rows + 1);
        m_chars.reserve(chars);
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

}  // namespace hotspot
