#include "hotspot/category_map.hpp"

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"

namespace hotspot {

extern const char* const kBuiltinCategoryMap;  // generated from data/categories/police_uk.csv

CategoryMap CategoryMap::builtinDefault() {
    return fromText(kBuiltinCategoryMap, "built-in police_uk.csv");
}

CategoryMap CategoryMap::fromFile(const std::string& path) {
    return fromText(readWholeFile(path), path);
}

CategoryMap CategoryMap::fromText(std::string_view text, const std::string& sourceName) {
    CategoryMap map;
    map.m_source = sourceName;
    std::vector<int64_t> lines;
    auto rows = parseCsvText(text, &lines);
    bool headerSeen = false;
    int categoryCol = 0, groupCol = 1;
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (!row.empty() && !row[0].empty() && trim(row[0]).substr(0, 1) == "#") continue;
        if (!headerSeen) {
            headerSeen = true;
            categoryCol = groupCol = -1;
            for (size_t c = 0; c < row.size(); ++c) {
                if (iequals(trim(row[c]), "category")) categoryCol = static_cast<int>(c);
                if (iequals(trim(row[c]), "group")) groupCol = static_cast<int>(c);
            }
            if (categoryCol < 0 || groupCol < 0)
                throwInput("category mapping needs a header with columns 'category' and 'group'",
                           {sourceName, lines[r], categoryCol < 0 ? "category" : "group"});
            continue;
        }
        if (static_cast<int>(row.size()) <= std::max(categoryCol, groupCol))
            throwInput("row has " + std::to_string(row.size()) + " fields, expected at least " +
                           std::to_string(std::max(categoryCol, groupCol) + 1),
                       {sourceName, lines[r]});
        std::string category = toLowerAscii(trim(row[categoryCol]));
        std::string group(trim(row[groupCol]));
        if (category.empty()) throwInput("empty category", {sourceName, lines[r], "category"});
        if (group.empty()) throwInput("empty group for category '" + row[categoryCol] + "'", {sourceName, lines[r], "group"});
        auto index = map.groupIndex(group);
        if (!index) {
            map.m_groups.push_back(group);
            index = static_cast<uint16_t>(map.m_groups.size() - 1);
        }
        auto [it, inserted] = map.m_byCategory.emplace(category, *index);
        if (!inserted && it->second != *index)
            throwInput("category '" + row[categoryCol] + "' is mapped twice, to '" + map.m_groups[it->second] +
                           "' and '" + group + "'",
                       {sourceName, lines[r], "category"});
    }
    if (!headerSeen) throwInput("category mapping is empty", {sourceName, 1});
    return map;
}

std::optional<uint16_t> CategoryMap::groupOf(std::string_view category) const {
    auto it = m_byCategory.find(toLowerAscii(trim(category)));
    if (it == m_byCategory.end()) return std::nullopt;
    return it->second;
}

std::optional<uint16_t> CategoryMap::groupIndex(std::string_view group) const {
    for (size_t i = 0; i < m_groups.size(); ++i)
        if (m_groups[i] == group) return static_cast<uint16_t>(i);
    return std::nullopt;
}

}  // namespace hotspot
