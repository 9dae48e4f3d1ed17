#include "hotspot/strings.hpp"

#include <cctype>

namespace hotspot {

InternedStrings::InternedStrings() {
    m_values.emplace_back();
    m_index.emplace(std::string_view(m_values.back()), 0);
}

InternedStrings::InternedStrings(const InternedStrings& other) : m_values(other.m_values) {
    rebuildIndex();
}

InternedStrings& InternedStrings::operator=(const InternedStrings& other) {
    if (this != &other) {
        m_values = other.m_values;
        rebuildIndex();
    }
    return *this;
}

void InternedStrings::rebuildIndex() {
    m_index.clear();
    for (uint32_t i = 0; i < m_values.size(); ++i) m_index.emplace(std::string_view(m_values[i]), i);
}

uint32_t InternedStrings::intern(std::string_view value) {
    if (value.empty()) return 0;
    auto it = m_index.find(value);
    if (it != m_index.end()) return it->second;
    auto code = static_cast<uint32_t>(m_values.size());
    m_values.emplace_back(value);
    m_index.emplace(std::string_view(m_values.back()), code);
    return code;
}

void StringArena::push(std::string_view value) {
    m_chars.append(value);
    m_offsets.push_back(m_chars.size());
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

std::string_view trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace hotspot
