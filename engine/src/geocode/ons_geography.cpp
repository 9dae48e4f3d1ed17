#include "hotspot/ons_geography.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"

namespace hotspot {

namespace {

const char* entityName(const std::string& entity) {
    static const std::map<std::string, const char*> names = {{"WD", "ward"}, {"LAD", "local authority district"}, {"CTY", "county"}, {"PFA", "police force area"}, {"CSP", "community safety partnership"}};
    auto it = names.find(entity);
    return it == names.end() ? entity.c_str() : it->second;
}

}  // namespace

std::string OnsGeography::describe() const {
    if (!known()) return "not an ONS geography";
    return year > 0 ? fmt::format("{} {}", entityName(entity), year) : std::string(entityName(entity));
}

OnsGeography onsGeographyOfField(std::string_view fieldName, bool wantCode) {
    // ENTITY + two-digit year + CD (code) or NM (name): LSOA21CD, WD22NM, LAD23CD.
    const std::string f = toUpperAscii(trim(fieldName));
    if (f.size() < 5 || f.size() > 12) return {};
    if (f.substr(f.size() - 2) != (wantCode ? "CD" : "NM")) return {};
    const std::string stem = f.substr(0, f.size() - 2);
    if (stem.size() < 3 || !std::isdigit(static_cast<unsigned char>(stem[stem.size() - 1])) ||
        !std::isdigit(static_cast<unsigned char>(stem[stem.size() - 2])))
        return {};
    const std::string entity = stem.substr(0, stem.size() - 2);
    if (entity.empty() || !std::all_of(entity.begin(), entity.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return {};
    return {entity, 2000 + std::stoi(stem.substr(stem.size() - 2))};
}

int onsGeographyRank(const std::string& entity) {
    static const char* order[] = {"OA", "LSOA", "MSOA", "WD", "LAD", "LTLA", "UTLA", "CTY", "RGN", "CTRY"};
    for (size_t k = 0; k < std::size(order); ++k)
        if (entity == order[k]) return static_cast<int>(k);
    return static_cast<int>(std::size(order));
}

bool isOnsCode(std::string_view code) {
    if (code.size() != 9 || std::string_view("EWSNKJLM").find(code[0]) == std::string_view::npos) return false;
    return std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

OnsGeography onsGeographyOfCodes(const std::vector<std::string>& codes) {
    std::map<std::string, size_t> votes;
    for (const auto& code : codes) {
        if (!isOnsCode(code)) continue;
        const std::string type = code.substr(1, 2);
        const char* entity = type == "00" ? "OA" : type == "01"                                                 ? "LSOA"
                                               : type == "02"                                                   ? "MSOA"
                                               : type == "05"                                                   ? "WD"
                                               : (type == "06" || type == "07" || type == "08" || type == "09") ? "LAD"
                                                                                                                : nullptr;
        if (entity) ++votes[entity];
    }
    for (const auto& [entity, n] : votes)
        if (2 * n > codes.size()) return {entity, 0};
    return {};
}

CodeLookup CodeLookup::load(const std::string& path) {
    CodeLookup out;
    out.m_path = path;
    std::vector<int64_t> lines;
    const auto records = parseCsvText(readWholeFile(path), &lines);
    if (records.empty()) throwInput("the lookup file is empty", {path, 0});
    std::vector<int> keep;  // source column of each kept column
    for (size_t c = 0; c < records[0].size(); ++c) {
        const std::string name = toUpperAscii(trim(records[0][c]));
        if (onsGeographyOfField(name).known()) {
            keep.push_back(static_cast<int>(c));
            out.m_columns.push_back(name);
        } else if (name == "CHGIND") {
            out.m_change = static_cast<int>(c);
        }
    }
    if (out.m_columns.size() < 2)
        throwInput("not an ONS lookup: it needs two code columns named like LSOA11CD, LSOA21CD, WD22CD (found: " +
                       (out.m_columns.empty() ? std::string("none") : out.m_columns[0]) + ")",
                   {path, 1});
    const size_t width = records[0].size();
    out.m_index.resize(out.m_columns.size());
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        const int64_t line = lines.empty() ? static_cast<int64_t>(r + 1) : lines[r];
        if (rec.size() != width)
            throwInput(fmt::format("{} fields where the header has {}", rec.size(), width), {path, line});
        std::vector<std::string> row;
        for (size_t k = 0; k < keep.size(); ++k) {
            std::string code = std::string(trim(rec[keep[k]]));
            if (!isOnsCode(code))
                throwInput(fmt::format("'{}' is not an ONS (GSS) code: a letter and 8 digits, like E01000001", code),
                           {path, line, out.m_columns[k]});
            out.m_index[k].emplace(code, out.m_rows.size());
            row.push_back(std::move(code));
        }
        if (out.m_change >= 0) {
            std::string change = toUpperAscii(trim(rec[out.m_change]));
            if (change.size() != 1 || std::string_view("SMXU").find(change[0]) == std::string_view::npos)
                throwInput(fmt::format("change indicator '{}' is not one of S (split), M (merged), X (complex), U (unchanged)", change),
                           {path, line, "CHGIND"});
            row.push_back(std::move(change));
        }
        out.m_rows.push_back(std::move(row));
    }
    if (out.m_rows.empty()) throwInput("the lookup file has a header and no rows", {path, 1});
    return out;
}

int CodeLookup::columnFor(const std::string& fieldName) const {
    const std::string f = toUpperAscii(fieldName);
    for (size_t c = 0; c < m_columns.size(); ++c)
        if (m_columns[c] == f) return static_cast<int>(c);
    return -1;
}

int CodeLookup::columnFor(const OnsGeography& geography) const {
    if (!geography.known()) return -1;
    for (size_t c = 0; c < m_columns.size(); ++c) {
        const OnsGeography g = onsGeographyOfField(m_columns[c]);
        if (g.entity == geography.entity && (geography.year == 0 || g.year == geography.year)) return static_cast<int>(c);
    }
    return -1;
}

std::vector<int> CodeLookup::columnsHolding(const std::string& code) const {
    std::vector<int> out;
    for (size_t c = 0; c < m_index.size(); ++c)
        if (m_index[c].count(code)) out.push_back(static_cast<int>(c));
    return out;
}

std::vector<std::string> CodeLookup::translate(const std::string& code, int from, int to) const {
    std::vector<size_t> rows;
    auto [b, e] = m_index.at(from).equal_range(code);
    for (auto it = b; it != e; ++it) rows.push_back(it->second);
    std::sort(rows.begin(), rows.end());
    std::vector<std::string> out;
    for (size_t r : rows)
        if (std::find(out.begin(), out.end(), m_rows[r][to]) == out.end()) out.push_back(m_rows[r][to]);
    return out;
}

bool CodeLookup::sharesCodesWith(const CodeLookup& other) const {
    for (const auto& row : m_rows)
        for (size_t c = 0; c < m_columns.size(); ++c)
            if (!other.columnsHolding(row[c]).empty()) return true;
    return false;
}

char CodeLookup::change(const std::string& code, int from) const {
    if (m_change < 0) return 0;
    auto it = m_index.at(from).find(code);
    return it == m_index[from].end() ? 0 : m_rows[it->second].back()[0];
}

}  // namespace hotspot
