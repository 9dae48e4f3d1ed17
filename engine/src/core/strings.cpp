#include "hotspot/strings.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "core/fast_hash.hpp"
#include "core/prefault.hpp"

namespace hotspot {

InternedStrings::InternedStrings() {
    m_values.emplace_back();
    rebuildIndex();
}

InternedStrings::InternedStrings(const InternedStrings& other) : m_values(other.m_values) { rebuildIndex(); }

InternedStrings& InternedStrings::operator=(const InternedStrings& other) {
    if (this != &other) {
        m_values = other.m_values;
        rebuildIndex();
    }
    return *this;
}

void InternedStrings::rebuildIndex() {
    size_t capacity = 16;
    while (capacity < m_values.size() * 2) capacity *= 2;
    m_slots.assign(capacity, 0);
    m_hashes.clear();
    const size_t mask = capacity - 1;
    for (uint32_t code = 0; code < m_values.size(); ++code) {
        uint64_t h = fastHash(m_values[code]);
        m_hashes.push_back(h);
        size_t slot = h & mask;
        while (m_slots[slot] != 0) slot = (slot + 1) & mask;
        m_slots[slot] = code + 1;
    }
    m_lastCode = 0;
}

void InternedStrings::grow() {
    std::vector<uint32_t> slots(m_slots.size() * 2, 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t code = 0; code < m_values.size(); ++code) {
        size_t slot = m_hashes[code] & mask;
        while (slots[slot] != 0) slot = (slot + 1) & mask;
        slots[slot] = code + 1;
    }
    m_slots.swap(slots);
}

uint32_t InternedStrings::intern(std::string_view value) {
    if (value.empty()) return 0;
    if (m_values[m_lastCode] == value) return m_lastCode;
    const uint64_t h = fastHash(value);
    const size_t mask = m_slots.size() - 1;
    size_t slot = h & mask;
    while (uint32_t stored = m_slots[slot]) {
        const uint32_t code = stored - 1;
        if (m_hashes[code] == h && m_values[code] == value) return m_lastCode = code;
        slot = (slot + 1) & mask;
    }
    const auto code = static_cast<uint32_t>(m_values.size());
    m_values.emplace_back(value);
    m_hashes.push_back(h);
    m_slots[slot] = code + 1;
    if (m_values.size() * 2 > m_slots.size()) grow();
    return m_lastCode = code;
}

void StringArena::prefaultOffsets() { prefaultCapacity(m_offsets); }

void StringArena::push(std::string_view value) {
    m_chars.append(value);
    m_offsets.push_back(m_chars.size());
}

void StringArena::append(const StringArena& other) {
    const uint64_t base = m_chars.size();
    m_chars.append(other.m_chars);
    m_offsets.reserve(m_offsets.size() + other.size());
    for (size_t i = 1; i < other.m_offsets.size(); ++i) m_offsets.push_back(base + other.m_offsets[i]);
}

void StringArena::compact(const std::vector<uint8_t>& keep) {
    size_t outRow = 0;
    uint64_t outChar = 0;
    for (size_t i = 0; i < size(); ++i) {
        const uint64_t begin = m_offsets[i], end = m_offsets[i + 1];
        if (!keep[i]) continue;
        if (outChar != begin) std::memmove(m_chars.data() + outChar, m_chars.data() + begin, end - begin);
        m_offsets[outRow] = outChar;
        outChar += end - begin;
        ++outRow;
    }
    m_offsets[outRow] = outChar;
    m_offsets.resize(outRow + 1);
    m_chars.resize(outChar);
}

std::string toUpperAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string toLowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string formatDecimal(double value, int decimals) {
    if (!std::isfinite(value)) return {};
    const double scale = std::pow(10.0, decimals);
    // Scaled values are rounded once, from the shortest decimal that reads back as the value, so
    // 6.25 (exact in binary) and 0.15 (0.1499999... in binary) both round their halves up.
    // strtod, not stod: stod throws on subnormal results (a z-score of 1e-320 is a valid value).
    const double scaled = std::strtod(fmt::format("{}", value * scale).c_str(), nullptr);
    if (!std::isfinite(scaled) || std::fabs(scaled) >= 0x1p52) return fmt::format("{:.{}f}", value, decimals);  // no fraction left to round
    double rounded = std::round(scaled);                                                                        // half away from zero
    if (rounded == 0) rounded = 0;                                                                              // no "-0.0"
    return fmt::format("{:.{}f}", rounded / scale, decimals);
}

std::string_view trim(std::string_view s) {
    size_t b = 0, e = s.size();
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
    while (b < e && space(s[b])) ++b;
    while (e > b && space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string xmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace hotspot
