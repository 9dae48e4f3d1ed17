// police.uk outcomes: the outcome map, and the join of outcomes files to the loaded crimes.

#include "hotspot/outcomes.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/incidents.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/readers.hpp"

namespace hotspot {

extern const char* const kBuiltinOutcomeMap;  // generated from data/categories/police_uk_outcomes.csv

OutcomeMap OutcomeMap::builtinDefault() { return fromText(kBuiltinOutcomeMap, "built-in police_uk_outcomes.csv"); }

OutcomeMap OutcomeMap::fromFile(const std::string& path) { return fromText(readWholeFile(path), path); }

OutcomeMap OutcomeMap::fromText(std::string_view text, const std::string& sourceName) {
    OutcomeMap map;
    map.m_source = sourceName;
    std::vector<int64_t> lines;
    const auto rows = parseCsvText(text, &lines);
    int outcomeCol = -1, groupCol = -1;
    bool headerSeen = false;
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (!row.empty() && trim(row[0]).substr(0, 1) == "#") continue;
        if (!headerSeen) {
            headerSeen = true;
            for (size_t c = 0; c < row.size(); ++c) {
                if (iequals(trim(row[c]), "outcome")) outcomeCol = static_cast<int>(c);
                if (iequals(trim(row[c]), "group")) groupCol = static_cast<int>(c);
            }
            if (outcomeCol < 0 || groupCol < 0)
                throwInput("outcome mapping needs a header with columns 'outcome' and 'group'", {sourceName, lines[r], outcomeCol < 0 ? "outcome" : "group"});
            continue;
        }
        if (static_cast<int>(row.size()) <= std::max(outcomeCol, groupCol))
            throwInput(fmt::format("row has {} fields, expected at least {}", row.size(), std::max(outcomeCol, groupCol) + 1), {sourceName, lines[r]});
        const std::string outcome = toLowerAscii(trim(row[outcomeCol]));
        const std::string group(trim(row[groupCol]));
        if (outcome.empty()) throwInput("empty outcome", {sourceName, lines[r], "outcome"});
        if (group.empty()) throwInput("empty group for outcome '" + row[outcomeCol] + "'", {sourceName, lines[r], "group"});
        auto [it, inserted] = map.m_byOutcome.emplace(outcome, group);
        if (!inserted && it->second != group)
            throwInput("outcome '" + row[outcomeCol] + "' is mapped twice, to '" + it->second + "' and '" + group + "'", {sourceName, lines[r], "outcome"});
        if (std::find(map.m_groups.begin(), map.m_groups.end(), group) == map.m_groups.end()) map.m_groups.push_back(group);
    }
    if (map.m_byOutcome.empty()) throwInput("outcome mapping is empty", {sourceName, 1});
    return map;
}

std::string OutcomeMap::groupOf(std::string_view outcome) const {
    auto it = m_byOutcome.find(toLowerAscii(trim(outcome)));
    return it != m_byOutcome.end() ? it->second : std::string(trim(outcome));
}

bool OutcomeMap::knows(std::string_view outcome) const { return m_byOutcome.count(toLowerAscii(trim(outcome))) > 0; }

std::string OutcomeStats::describe() const {
    return fmt::format(
        "outcomes: {} rows in {} file(s) = {} latest outcome of a loaded crime + {} earlier or repeated outcomes of the same "
        "crime + {} for crimes rejected from the street files (no location) + {} for crimes not in the loaded street files (other "
        "months or forces) + {} rejected{}; crimes: {} with an outcome from the outcomes files, {} with the street file's "
        "last outcome only",
        rows, files, applied, earlier, ofRejectedCrimes, notLoaded, rejected, balances() ? "" : "  (UNBALANCED)", crimesWithOutcome,
        crimesWithStreetOutcome);
}

std::vector<std::string> describeOutcomes(const OutcomeStats& stats) {
    std::vector<std::string> out;
    if (stats.files > 0) out.push_back(stats.describe());
    for (const auto& [outcome, crimes] : stats.unmappedOutcomes)
        out.push_back(fmt::format("outcome '{}' ({} crimes) is not in the outcome map: it is its own outcome group (`outcome_map`)", outcome, crimes));
    return out;
}

namespace {

struct OutcomeRow {
    std::string crimeId;
    int32_t month = kNoMonth;
    uint32_t order = 0;  // input order: file, then line (a later file's row wins a tie of months)
    std::string outcome;
};

}  // namespace

void joinOutcomes(const std::vector<std::string>& files, const OutcomeMap& map, IncidentTable& t, const std::vector<Reject>& streetRejects,
                  OutcomeStats& stats, std::vector<OutcomeReject>& rejects) {
    // 1. Read every outcome row; the latest per Crime ID.
    std::vector<OutcomeRow> rows;
    for (const auto& path : files) {
        ++stats.files;
        std::vector<int64_t> lines;
        const auto records = parseCsvText(readWholeFile(path), &lines);
        if (records.empty()) throwInput("outcomes file is empty (no header line)", {path, 1});
        int idCol = -1, monthCol = -1, outcomeCol = -1;
        for (size_t c = 0; c < records[0].size(); ++c) {
            if (iequals(trim(records[0][c]), "Crime ID")) idCol = static_cast<int>(c);
            if (iequals(trim(records[0][c]), "Month")) monthCol = static_cast<int>(c);
            if (iequals(trim(records[0][c]), "Outcome type")) outcomeCol = static_cast<int>(c);
        }
        for (size_t r = 1; r < records.size(); ++r) {
            const auto& f = records[r];
            ++stats.rows;
            auto reject = [&](const char* field, const std::string& reason) {
                ++stats.rejected;
                std::string record;
                for (size_t k = 0; k < f.size(); ++k) record += (k ? "," : "") + f[k];
                rejects.push_back({path, lines[r], field, reason, truncateRecord(record)});
            };
            if (f.size() != records[0].size()) {
                reject("", fmt::format("expected {} fields as in the header, found {}", records[0].size(), f.size()));
                continue;
            }
            const std::string_view id = trim(f[idCol]), outcome = trim(f[outcomeCol]);
            const auto month = parseDate(f[monthCol]);
            if (id.empty()) reject("Crime ID", "outcome without a Crime ID: it cannot be joined to a crime");
            else if (!month) reject("Month", fmt::format("'{}' is not a month (expected YYYY-MM)", f[monthCol]));
            else if (outcome.empty()) reject("Outcome type", "empty outcome type");
            else rows.push_back({std::string(id), month->first, static_cast<uint32_t>(rows.size()), std::string(outcome)});
        }
    }
    std::unordered_map<std::string_view, std::pair<size_t, int64_t>> latest;  // Crime ID -> (row, rows with this id)
    for (size_t i = 0; i < rows.size(); ++i) {
        auto [it, inserted] = latest.try_emplace(rows[i].crimeId, i, 0);
        ++it->second.second;
        const OutcomeRow& best = rows[it->second.first];
        if (!inserted && (rows[i].month > best.month || (rows[i].month == best.month && rows[i].order > best.order))) it->second.first = i;
    }
    // 2. Every crime gets its latest known outcome: from the outcomes files, else the street file's.
    size_t streetOutcome = SIZE_MAX;
    for (size_t a = 0; a < t.attributes.size(); ++a)
        if (t.attributes[a].name == "Last outcome category") streetOutcome = a;
    if (files.empty() && streetOutcome == SIZE_MAX) return;  // no police.uk outcomes at all
    const size_t outcomeCol = t.attributeIndex("outcome"), groupCol = t.attributeIndex("outcome_group"),
                 monthCol = t.attributeIndex("outcome_month"), sourceCol = t.attributeIndex("outcome_source");
    auto set = [&](size_t col, size_t row, std::string_view value) { t.attributes[col].values.codes[row] = t.attributes[col].values.pool.intern(value); };
    // A million crimes share a few dozen outcome texts: each text is interned and grouped once.
    struct Resolved {
        uint32_t outcome = 0, group = 0;
        bool known = true;
    };
    std::map<std::string, Resolved, std::less<>> byText;
    auto resolve = [&](std::string_view text) -> const Resolved& {
        auto it = byText.find(text);
        if (it == byText.end()) {
            Resolved r{t.attributes[outcomeCol].values.pool.intern(text), t.attributes[groupCol].values.pool.intern(map.groupOf(text)), map.knows(text)};
            it = byText.emplace(std::string(text), r).first;
        }
        return it->second;
    };
    auto setResolved = [&](size_t row, const Resolved& r, std::string_view text) {
        t.attributes[outcomeCol].values.codes[row] = r.outcome;
        t.attributes[groupCol].values.codes[row] = r.group;
        if (!r.known) ++stats.unmappedOutcomes[std::string(text)];
    };
    auto setOutcome = [&](size_t row, std::string_view text) { setResolved(row, resolve(text), text); };
    // The street file's outcomes are interned already: each of its codes is resolved once (a lookup
    // by text for each of a million rows took 25 ms).
    std::vector<const Resolved*> streetResolved;
    // Interned when first used, so a source no crime has is not among the column's values.
    uint32_t fromOutcomesFile = UINT32_MAX, fromStreetFile = UINT32_MAX;
    auto setSource = [&](size_t row, uint32_t& code, std::string_view text) {
        if (code == UINT32_MAX) code = t.attributes[sourceCol].values.pool.intern(text);
        t.attributes[sourceCol].values.codes[row] = code;
    };
    std::unordered_map<std::string_view, uint8_t> loaded;
    for (size_t i = 0; i < t.size(); ++i) {
        const std::string_view id = t.sourceId.at(i);
        if (auto it = id.empty() ? latest.end() : latest.find(id); it != latest.end()) {
            const OutcomeRow& o = rows[it->second.first];
            set(monthCol, i, formatMonth(o.month));
            setSource(i, fromOutcomesFile, "outcomes file");
            loaded[it->first] = 1;
            ++stats.crimesWithOutcome;
            if (!o.outcome.empty()) setOutcome(i, o.outcome);
        } else if (streetOutcome != SIZE_MAX && !t.attributes[streetOutcome].values.at(i).empty()) {
            setSource(i, fromStreetFile, "street file");
            ++stats.crimesWithStreetOutcome;
            const std::string_view text = t.attributes[streetOutcome].values.at(i);
            const uint32_t code = t.attributes[streetOutcome].values.codes[i];
            if (code >= streetResolved.size()) streetResolved.resize(code + 1, nullptr);
            if (!streetResolved[code]) streetResolved[code] = &resolve(text);  // std::map: the entry stays put
            setResolved(i, *streetResolved[code], text);
        }
    }
    std::unordered_map<std::string_view, uint8_t> rejectedCrimes;  // street rows rejected (not superseded) for having no location
    for (const auto& r : streetRejects)
        if (r.incidentKey.rfind("I|", 0) == 0 && r.reason.rfind("superseded", 0) != 0) rejectedCrimes[std::string_view(r.incidentKey).substr(2)] = 1;
    for (const auto& [id, entry] : latest) {
        if (loaded.count(id)) ++stats.applied, stats.earlier += entry.second - 1;
        else if (rejectedCrimes.count(id)) stats.ofRejectedCrimes += entry.second;
        else stats.notLoaded += entry.second;
    }
}

}  // namespace hotspot
