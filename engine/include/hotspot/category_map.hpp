#pragma once
// Source categories -> analysis groups, loaded from a CSV file (data, not code).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hotspot {

class CategoryMap {
public:
    // The mapping shipped in data/categories/police_uk.csv (embedded at build time).
    static CategoryMap builtinDefault();
    // Loads "category,group" rows; '#' lines are comments. Throws Error(Input) naming file and line.
    static CategoryMap fromFile(const std::string& path);
    static CategoryMap fromText(std::string_view text, const std::string& sourceName);

    // Group index for a source category (case-insensitive, trimmed), if mapped.
    std::optional<uint16_t> groupOf(std::string_view category) const;
    const std::vector<std::string>& groups() const { return m_groups; }
    std::optional<uint16_t> groupIndex(std::string_view group) const;
    size_t size() const { return m_byCategory.size(); }
    const std::string& source() const { return m_source; }

private:
    std::vector<std::string> m_groups;
    std::unordered_map<std::string, uint16_t> m_byCategory;  // key: lower-cased, trimmed
    std::string m_source;
};

}  // namespace hotspot
