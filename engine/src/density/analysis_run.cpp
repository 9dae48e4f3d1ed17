#include "hotspot/analysis_run.hpp"

#include <geos_c.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "hotspot/census.hpp"
#include "hotspot/emerging.hpp"
#include "hotspot/export.hpp"
#include "hotspot/export.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/stats.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "core/geos_context.hpp"
#include "core/thread_pool.hpp"
#include "density/analysis_support.hpp"
#include "density/auto_scale.hpp"
#include "density/cell_outline.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"

namespace hotspot {

// ---------------------------------------------------------------------------------------------
// Month ranges

std::string MonthRange::label() const {
    if (from == kNoMonth && to == kNoMonth) return "all months";
    if (from == to) return formatMonth(from);
    return (from == kNoMonth ? std::string("start") : formatMonth(from)) + " to " + (to == kNoMonth ? std::string("end") : formatMonth(to));
}

MonthRange MonthRange::parse(const std::string& text, const char* option) {
    MonthRange r;
    if (text.empty()) return r;
    auto one = [&](std::string_view part, bool isEnd) -> int32_t {
        part = trim(part);
        if (part.empty()) return kNoMonth;
        if (part.size() == 4) {
            auto y = parseDate(std::string(part) + "-01");
            if (!y) throwUsage("'" + std::string(part) + "' is not a year or YYYY-MM month", {"", 0, option});
            return y->first + (isEnd ? 11 : 0);
        }
        auto m = parseDate(part);
        if (!m || part.size() != 7) throwUsage("'" + std::string(part) + "' is not a YYYY-MM month", {"", 0, option});
        return m->first;
    };
    auto colon = text.find(':');
    if (colon == std::string::npos) {
        r.from = one(text, false);
        r.to = one(text, true);
    } else {
        r.from = one(std::string_view(text).substr(0, colon), false);
        r.to = one(std::string_view(text).substr(colon + 1), true);
    }
    if (r.from != kNoMonth && r.to != kNoMonth && r.from > r.to) throwUsage("month range '" + text + "' ends before it starts", {"", 0, option});
    return r;
}

void SelectedIncidents::requireSome() const {
    if (!x.empty()) return;
    // Nothing usable in the input is a data problem (exit 5); filters that leave nothing are the
    // caller's choice (exit 2), told with where every incident went.
    if (read == rejected + notLocated + strays)
        throwNoData(fmt::format(
            "none of the {} incidents read has a usable location ({} rejected, {} not located, {} stray): nothing to "
            "analyse, nothing written",
            read, rejected, notLocated, strays));
    throwUsage("no incidents left to analyse after filtering: " + describe(), {"", 0, "group"});
}

std::string SelectedIncidents::describe() const {
    return fmt::format(
        "{} incidents read: {} analysed, {} rejected or superseded while reading, {} not located (run geocode with a "
        "gazetteer), {} in other groups, {} in other months, {}{} stray points far outside the data, {} outside the study area",
        read, x.size(), rejected, notLocated, otherGroups, otherMonths,
        otherOutcomes >= 0 ? fmt::format("{} in other outcome groups, ", otherOutcomes) : std::string(), strays, outsideStudyArea);
}

IncidentLedger SelectedIncidents::ledger(std::string scope, int64_t counted, std::vector<std::pair<std::string, int64_t>> countExclusions) const {
    IncidentLedger l;
    l.scope = std::move(scope);
    l.read = read;
    l.notSelected = {{"rejected or superseded while reading", rejected},
                     {"not located", notLocated},
                     {"in other groups", otherGroups},
                     {"in other months", otherMonths}};
    if (otherOutcomes >= 0) l.notSelected.push_back({"in other outcome groups", otherOutcomes});
    l.selected = read - rejected - notLocated - otherGroups - otherMonths - std::max<int64_t>(otherOutcomes, 0);
    l.excluded = {{"stray (far outside the data)", strays}, {"outside the study area", outsideStudyArea}};
    l.excluded.insert(l.excluded.end(), countExclusions.begin(), countExclusions.end());
    l.counted = counted;
    return l;
}

std::vector<std::pair<std::string, int64_t>> CellCounts::exclusions() const {
    return {{"in no cell of the grid", outsideGrid}, {"in cells left out of the analysis", inMaskedCells}};
}

CellCounts countInCells(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight,
                        const std::vector<uint8_t>& mask, const std::vector<uint8_t>* use) {
    // Large inputs are counted in two halves on two threads, each into its own grid, then added:
    // scattering a million incidents over a million cells waits on memory. Always two halves, not
    // one per worker, so sums of fractional weights are the same on every machine.
    const size_t n = x.size();
    const size_t parts = n >= 200000 ? 2 : 1;
    std::vector<CellCounts> partial(parts);
    parallelFor(parts, [&](size_t p, unsigned) {
        CellCounts& c = partial[p];
        c.values.assign(static_cast<size_t>(grid.cellCount()), 0.0);
        for (size_t i = n * p / parts, end = n * (p + 1) / parts; i < end; ++i) {
            if (use && !(*use)[i]) continue;
            const auto cell = grid.cellOf(x[i], y[i]);
            if (!cell) ++c.outsideGrid;
            else if (!mask.empty() && !mask[static_cast<size_t>(*cell)]) ++c.inMaskedCells;
            else c.values[static_cast<size_t>(*cell)] += weight[i], ++c.counted;
        }
    });
    CellCounts out = std::move(partial[0]);
    for (size_t p = 1; p < parts; ++p) {
        for (size_t k = 0; k < out.values.size(); ++k) out.values[k] += partial[p].values[k];
        out.counted += partial[p].counted;
        out.outsideGrid += partial[p].outsideGrid;
        out.inMaskedCells += partial[p].inMaskedCells;
    }
    if (!mask.empty())
        for (size_t k = 0; k < out.values.size(); ++k)
            if (!mask[k]) out.values[k] = NAN;
    return out;
}

std::vector<std::pair<std::string, int64_t>> AreaCounts::exclusions(const AreaLayer& layer) const {
    return {{"outside every area of '" + layer.label() + "'", outside}};
}

AreaCounts countInAreas(const AreaLayer& layer, const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& weight) {
    AreaCounts out;
    out.values.assign(layer.size(), 0.0);
    std::vector<int32_t> where(x.size());
    layer.assign(x.data(), y.data(), x.size(), where.data());
    for (size_t i = 0; i < x.size(); ++i) {
        if (where[i] < 0) ++out.outside;
        else out.values[static_cast<size_t>(where[i])] += weight[i], ++out.counted;
    }
    return out;
}

namespace analysis {

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out.empty() ? "all" : out;
}

namespace {

// The in-memory incidents as a table, with the same accounting as a file: one "file" named
// "(in memory)", rows numbered from 1, unusable rows rejected with their reason.
IngestResult ingestArrays(const IncidentArrays& a, const CategoryMap& categories) {
    const size_t n = a.x.size();
    auto sized = [n](size_t size, const char* what) {
        if (size != 0 && size != n) throwUsage(fmt::format("the in-memory incidents have {} x values but {} {} values", n, size, what), {"(in memory)", 0, what});
    };
    if (a.y.size() != n) throwUsage(fmt::format("the in-memory incidents have {} x values but {} y values", n, a.y.size()), {"(in memory)", 0, "y"});
    sized(a.month.size(), "month");
    sized(a.category.size(), "category");
    sized(a.weight.size(), "weight");
    IngestResult in;
    FileStats file;
    file.path = "(in memory)";
    IncidentTable& t = in.table;
    t.files.push_back(file.path);
    t.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        ++file.rows;
        const auto line = static_cast<int64_t>(i + 1);
        const double w = a.weight.empty() ? 1.0 : a.weight[i];
        const char* bad = !std::isfinite(a.x[i]) ? "x" : !std::isfinite(a.y[i])      ? "y"
                                                     : !(std::isfinite(w) && w >= 0) ? "weight"
                                                                                     : nullptr;
        if (bad) {
            ++file.rejected;
            in.rejects.push_back(Reject{0, line, bad, std::string(bad) == "weight" ? "weight is not a non-negative number" : "coordinate is not finite", ""});
            continue;
        }
        ++file.accepted;
        const std::string category = a.category.empty() ? std::string() : a.category[i];
        const auto group = categories.groupOf(category);
        t.sourceId.push({});
        t.x.push_back(a.x[i]);
        t.y.push_back(a.y[i]);
        t.srcX.push_back(a.x[i]);
        t.srcY.push_back(a.y[i]);
        t.month.push_back(a.month.empty() ? kNoMonth : a.month[i]);
        t.day.push_back(0);
        t.weight.push_back(static_cast<float>(w));
        t.category.push(category);
        t.group.push_back(group ? static_cast<uint16_t>(*group) : kNoGroup);
        t.location.push({});
        t.locality.push({});
        t.fileIndex.push_back(0);
        t.line.push_back(line);
        t.locationSource.push_back(static_cast<uint8_t>(LocationSource::Coordinates));
        t.matchScore.push_back(1.0f);
    }
    in.files.push_back(file);
    return in;
}

}  // namespace

LoadedIncidents loadAll(const AnalysisInput& input, Progress& progress) {
    if (input.points) {
        if (!input.inputs.empty()) throwUsage("give the incidents either as files or in memory, not both", {"", 0, "inputs"});
        IngestResult in = ingestArrays(*input.points, *input.ingest.categories);
        requireUsableRows(in);
        LoadedIncidents out;
        out.read = in.files[0].rows;
        out.rejected = in.files[0].rejected;
        if (out.rejected) out.notes.push_back(fmt::format("{} in-memory incidents rejected: {}", out.rejected, in.rejects.front().reason));
        out.table = std::move(in.table);
        return out;
    }
    IngestOptions options = input.ingest;
    options.progress = &progress;
    options.keepAttributes = false;  // the analyses use position, group, month and weight only
    IngestResult in = ingest(expandInputPaths(input.inputs), options);
    requireUsableRows(in);
    LoadedIncidents out;
    for (const auto& f : in.files) {
        out.read += f.rows, out.rejected += f.rejected + f.superseded;
        const std::string checks = describeFileChecks(f, "");
        for (size_t start = 0, end; start < checks.size(); start = end + 1) {
            end = checks.find('\n', start);
            out.notes.push_back(f.path + ": " + checks.substr(start, end - start));
        }
    }
    for (const auto& t : in.transformSummaries) out.notes.push_back("CRS: " + t);
    for (const auto& line : describeSetAside(in.setAside)) out.notes.push_back(line);
    for (const auto& line : describeOutcomes(in.outcomes)) out.notes.push_back(line);
    if (!in.rejects.empty())
        out.notes.push_back(fmt::format("{} input rows rejected or superseded while reading (see `hotspot geocode` for the rejects file)",
                                        in.rejects.size()));
    out.table = std::move(in.table);
    return out;
}

std::vector<uint16_t> groupIndexes(const AnalysisInput& input) {
    std::vector<uint16_t> out;
    const CategoryMap& map = *input.ingest.categories;
    for (const auto& g : input.groups) {
        auto index = map.groupIndex(g);
        if (!index) throwUsage("unknown group '" + g + "'; the category mapping has: " + joined(map.groups()), {"", 0, "group"});
        out.push_back(*index);
    }
    return out;
}

namespace {

// select(), taking the columns of `takeFrom` (all's own table) instead of copying them when every
// row is kept.
SelectedIncidents selectRows(const LoadedIncidents& all, const AnalysisInput& input, const MonthRange& months, const AreaLayer* studyArea,
                             bool filterGroups, IncidentTable* takeFrom) {
    SelectedIncidents s;
    s.read = all.read;
    s.rejected = all.rejected;
    s.notes = all.notes;
    const IncidentTable& t = all.table;
    const std::vector<uint16_t> groups = groupIndexes(input);
    // --outcome: the outcome group of each crime (police.uk outcomes joined at reading).
    const InternedColumn* outcomeGroup = nullptr;
    if (!input.outcomes.empty()) {
        for (const auto& a : t.attributes)
            if (a.name == "outcome_group") outcomeGroup = &a.values;
        std::set<std::string> present;
        if (outcomeGroup)
            for (uint32_t code : std::set<uint32_t>(outcomeGroup->codes.begin(), outcomeGroup->codes.end())) present.insert(outcomeGroup->pool.at(code));
        present.erase("");
        for (const auto& wanted : input.outcomes)
            if (!present.count(wanted)) {
                std::string known;
                for (const auto& p : present) known += (known.empty() ? "" : ", ") + p;
                throwUsage("no incident has the outcome group '" + wanted + "'" +
                               (known.empty() ? std::string(" (the inputs have no police.uk outcomes)") : "; the inputs have: " + known),
                           {"", 0, "outcome"});
            }
        s.otherOutcomes = 0;
    }
    // Why each row is left out (kKept: it is not), judged on two threads over halves of the table;
    // the kept rows are then copied, each half to its place. Strays (or points outside the study
    // area) are flagged on the selection afterwards and squeezed out in place, when there are any.
    enum Verdict : uint8_t { kKept,
                             kNotLocated,
                             kOtherGroup,
                             kOtherMonth,
                             kOtherOutcome,
                             kVerdicts };
    const size_t n = t.size();
    const size_t halves = n >= 100000 ? 2 : 1;
    std::vector<uint8_t> verdict(n);
    std::vector<std::array<int64_t, kVerdicts>> tally(halves, std::array<int64_t, kVerdicts>{});
    parallelFor(halves, [&](size_t h, unsigned) {
        for (size_t i = n * h / halves, end = n * (h + 1) / halves; i < end; ++i) {
            Verdict v = kKept;
            if (!std::isfinite(t.x[i])) v = kNotLocated;
            else if (filterGroups && !groups.empty() && std::find(groups.begin(), groups.end(), t.group[i]) == groups.end()) v = kOtherGroup;
            else if (!months.contains(t.month[i])) v = kOtherMonth;
            else if (outcomeGroup && std::find(input.outcomes.begin(), input.outcomes.end(), outcomeGroup->at(i)) == input.outcomes.end())
                v = kOtherOutcome;
            verdict[i] = v;
            ++tally[h][v];
        }
    });
    int64_t keptRows = 0;
    for (const auto& counts : tally) {
        keptRows += counts[kKept];
        s.notLocated += counts[kNotLocated];
        s.otherGroups += counts[kOtherGroup];
        s.otherMonths += counts[kOtherMonth];
        if (outcomeGroup) s.otherOutcomes += counts[kOtherOutcome];
    }
    const bool takeColumns = takeFrom && static_cast<size_t>(keptRows) == n;
    if (takeColumns) {
        // Nothing left out: the table's columns become the selection's (no copy, and none of the
        // fresh memory a copy faults in). Only the weights change type.
        s.x = std::move(takeFrom->x);
        s.y = std::move(takeFrom->y);
        s.month = std::move(takeFrom->month);
        s.group = std::move(takeFrom->group);
        if (takeFrom->day.size() == n) s.day = std::move(takeFrom->day);
        else s.day.assign(n, 0);
        s.weight.resize(n);
        parallelFor(halves, [&](size_t h, unsigned) {
            for (size_t i = n * h / halves, end = n * (h + 1) / halves; i < end; ++i) s.weight[i] = takeFrom->weight[i];
        });
        *takeFrom = IncidentTable{};
    } else {
        for (auto* column : {&s.x, &s.y, &s.weight}) column->resize(static_cast<size_t>(keptRows));
        s.month.resize(static_cast<size_t>(keptRows));
        s.day.resize(static_cast<size_t>(keptRows));
        s.group.resize(static_cast<size_t>(keptRows));
        parallelFor(halves, [&](size_t h, unsigned) {
            size_t out = 0;
            for (size_t before = 0; before < h; ++before) out += static_cast<size_t>(tally[before][kKept]);
            for (size_t i = n * h / halves, end = n * (h + 1) / halves; i < end; ++i) {
                if (verdict[i] != kKept) continue;
                s.x[out] = t.x[i];
                s.y[out] = t.y[i];
                s.weight[out] = t.weight[i];
                s.month[out] = t.month[i];
                s.day[out] = t.day.empty() ? 0 : t.day[i];
                s.group[out] = t.group[i];
                ++out;
            }
        });
    }
    verdict = {};
    std::vector<uint8_t> excluded;
    if (studyArea) {
        std::vector<int32_t> where(s.x.size());
        studyArea->assign(s.x.data(), s.y.data(), s.x.size(), where.data());
        excluded.assign(s.x.size(), 0);
        for (size_t k = 0; k < where.size(); ++k)
            if (where[k] < 0) excluded[k] = 1, ++s.outsideStudyArea;
    } else {
        StrayReport strays = robustExtent(s.x, s.y);
        s.strays = static_cast<int64_t>(strays.strayCount);
        excluded = std::move(strays.stray);
    }
    if (s.strays + s.outsideStudyArea > 0) {
        size_t kept = 0;
        for (size_t k = 0; k < s.x.size(); ++k) {
            if (excluded[k]) continue;
            s.x[kept] = s.x[k], s.y[kept] = s.y[k], s.weight[kept] = s.weight[k];
            s.month[kept] = s.month[k], s.day[kept] = s.day[k], s.group[kept] = s.group[k];
            ++kept;
        }
        for (auto* column : {&s.x, &s.y, &s.weight}) column->resize(kept);
        s.month.resize(kept);
        s.day.resize(kept);
        s.group.resize(kept);
    }
    bool first = true;
    for (size_t k = 0; k < s.x.size(); ++k) {
        if (first) s.extent = {s.x[k], s.y[k], s.x[k], s.y[k]}, first = false;
        s.extent.minX = std::min(s.extent.minX, s.x[k]);
        s.extent.minY = std::min(s.extent.minY, s.y[k]);
        s.extent.maxX = std::max(s.extent.maxX, s.x[k]);
        s.extent.maxY = std::max(s.extent.maxY, s.y[k]);
    }
    if (first) s.extent = {0, 0, -1, -1};
    return s;
}

}  // namespace

SelectedIncidents select(const LoadedIncidents& all, const AnalysisInput& input, const MonthRange& months, const AreaLayer* studyArea,
                         bool filterGroups) {
    return selectRows(all, input, months, studyArea, filterGroups, nullptr);
}

SelectedIncidents select(LoadedIncidents&& all, const AnalysisInput& input, const MonthRange& months, const AreaLayer* studyArea,
                         bool filterGroups) {
    LoadedIncidents consumed = std::move(all);  // the caller's is left empty whichever way this goes
    return selectRows(consumed, input, months, studyArea, filterGroups, &consumed.table);
}

std::shared_ptr<const AreaLayer> loadStudyArea(const AnalysisInput& input) {
    if (input.studyAreaLayer) return input.studyAreaLayer;
    if (input.studyArea.empty()) return nullptr;
    return std::make_shared<const AreaLayer>(AreaLayer::load(AreaLayer::asOneLayer(input.studyArea, "study_area"), input.ingest.analysisCrs));
}

// `maskAlways`: cells outside the study area leave the analysis even without --clip (evaluate: A,
// the area the hit rate is measured against, is the study area whenever one is given).
GridSetup makeGrid(const Extent& dataExtent, const AreaLayer* studyArea, const GridChoice& choice, double margin, bool maskAlways) {
    GridSetup g;
    Extent extent = dataExtent;
    if (studyArea) studyArea->bounds(extent.minX, extent.minY, extent.maxX, extent.maxY);
    if (extent.width() < 0) throwUsage("no incidents left to analyse after filtering", {"", 0, "group"});
    extent = extent.expanded(margin);
    double cell = choice.cellSize;
    if (cell == 0) {
        cell = arcgisDefaultCellSize(extent);
        g.autoCell = true;
        if (!(cell > 0)) throwUsage("the incidents cover no area (all at one point): give `cell`", {"", 0, "cell"});
    }
    g.grid = Grid::covering(extent, cell, choice.shape, choice.maxCells);
    if (studyArea && (choice.clip || maskAlways)) {
        const size_t n = static_cast<size_t>(g.grid.cellCount());
        std::vector<double> cx(n), cy(n);
        for (int64_t r = 0; r < g.grid.rows; ++r)
            for (int64_t c = 0; c < g.grid.cols; ++c) {
                cx[static_cast<size_t>(r * g.grid.cols + c)] = g.grid.centreX(r, c);
                cy[static_cast<size_t>(r * g.grid.cols + c)] = g.grid.centreY(r);
            }
        std::vector<int32_t> where(n);
        studyArea->assign(cx.data(), cy.data(), n, where.data());
        g.mask.resize(n);
        // A cell is in the analysis when its centre is in the study area, or when any part of it
        // is: otherwise incidents inside the area but in a boundary cell whose centre is outside
        // would be counted nowhere.
        for (size_t k = 0; k < n; ++k)
            g.mask[k] = where[k] >= 0 || studyArea->intersectsRing(g.grid.cellRing(static_cast<int64_t>(k) / g.grid.cols,
                                                                                   static_cast<int64_t>(k) % g.grid.cols));
    }
    return g;
}

AnalysisSelection loadSelection(const AnalysisInput& input, Progress& progress, RunReport& report) {
    AnalysisSelection s;
    s.studyArea = loadStudyArea(input);
    s.incidents = select(loadAll(input, progress), input, input.months, s.studyArea.get(), true);
    report.lines.push_back(s.incidents.describe());
    s.incidents.requireSome();
    return s;
}

void applyMask(std::vector<double>& values, const std::vector<uint8_t>& mask) {
    if (mask.empty()) return;
    for (size_t k = 0; k < values.size(); ++k)
        if (!mask[k]) values[k] = NAN;
}

std::vector<std::pair<std::string, std::string>> baseMetadata(const AnalysisInput& input, const Grid& grid, const MonthRange& months) {
    return {{"HOTSPOT_VERSION", versionString()},
            {"HOTSPOT_GROUPS", joined(input.groups)},
            {"HOTSPOT_PERIOD", months.label()},
            {"HOTSPOT_CELL_SIZE_M", fmt::format("{}", grid.cellSize)},
            {"HOTSPOT_GRID_ORIGIN", fmt::format("{} {}", grid.originX, grid.originY)},
            {"HOTSPOT_CRS", input.ingest.analysisCrs},
            {"HOTSPOT_CATEGORY_MAP", input.ingest.categories->source()}};
}

// Contiguous significant cells (queen contiguity, same sign, |bin| >= level) dissolved into zones.
struct Zone {
    int sign = 0;
    std::vector<int64_t> cells;
};
std::vector<Zone> findZones(const Grid& grid, const std::vector<int8_t>& bins, int level) {
    std::vector<Zone> zones;
    std::vector<int32_t> seen(bins.size(), -1);
    std::vector<int64_t> stack, nb;
    for (size_t k = 0; k < bins.size(); ++k) {
        if (std::abs(bins[k]) < level || seen[k] >= 0) continue;
        Zone z;
        z.sign = bins[k] > 0 ? 1 : -1;
        stack = {static_cast<int64_t>(k)};
        seen[k] = static_cast<int32_t>(zones.size());
        while (!stack.empty()) {
            int64_t c = stack.back();
            stack.pop_back();
            z.cells.push_back(c);
            grid.neighbours(c / grid.cols, c % grid.cols, 1, nb);
            for (int64_t j : nb) {
                const auto u = static_cast<size_t>(j);
                if (seen[u] < 0 && std::abs(bins[u]) >= level && (bins[u] > 0 ? 1 : -1) == z.sign) {
                    seen[u] = static_cast<int32_t>(zones.size());
                    stack.push_back(j);
                }
            }
        }
        zones.push_back(std::move(z));
    }
    return zones;
}

// Square cells are first merged into rectangles: runs of cells along a row, then runs with the
// same columns in consecutive rows stacked. The union of the rectangles is the union of the
// cells, and GEOS has far fewer pieces to node (a zone of 300,000 cells took seconds cell by cell).
std::vector<std::vector<std::pair<double, double>>> cellRectangles(const Grid& grid, std::vector<int64_t> cells) {
    std::vector<std::vector<std::pair<double, double>>> out;
    if (grid.shape != GridShape::Square) {
        for (int64_t c : cells) out.push_back(grid.cellRing(c / grid.cols, c % grid.cols));
        return out;
    }
    std::sort(cells.begin(), cells.end());  // row-major: runs are consecutive indices within a row
    struct Block {
        int64_t firstRow, lastRow, firstCol, lastCol;
    };
    std::vector<Block> blocks;
    std::map<std::pair<int64_t, int64_t>, size_t> open;  // (firstCol, lastCol) -> block ending on the previous row
    std::map<std::pair<int64_t, int64_t>, size_t> next;
    int64_t currentRow = -1;
    for (size_t k = 0; k < cells.size();) {
        const int64_t row = cells[k] / grid.cols, firstCol = cells[k] % grid.cols;
        size_t end = k + 1;
        while (end < cells.size() && cells[end] == cells[end - 1] + 1 && cells[end] / grid.cols == row) ++end;
        const int64_t lastCol = firstCol + static_cast<int64_t>(end - k) - 1;
        if (row != currentRow) {
            open = row == currentRow + 1 ? std::move(next) : decltype(open){};
            next.clear();
            currentRow = row;
        }
        auto it = open.find({firstCol, lastCol});
        if (it != open.end()) {
            blocks[it->second].lastRow = row;
            next.emplace(it->first, it->second);
        } else {
            next.emplace(std::make_pair(firstCol, lastCol), blocks.size());
            blocks.push_back({row, row, firstCol, lastCol});
        }
        k = end;
    }
    for (const Block& b : blocks) {
        // Corners from the cells' own rings, so the rectangles meet the cells' coordinates exactly.
        const auto a = grid.cellRing(b.firstRow, b.firstCol), z = grid.cellRing(b.lastRow, b.lastCol);
        double minX = INFINITY, maxX = -INFINITY, minY = INFINITY, maxY = -INFINITY;
        for (const auto& [x, y] : a) minX = std::min(minX, x), maxX = std::max(maxX, x), minY = std::min(minY, y), maxY = std::max(maxY, y);
        for (const auto& [x, y] : z) minX = std::min(minX, x), maxX = std::max(maxX, x), minY = std::min(minY, y), maxY = std::max(maxY, y);
        out.push_back({{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}, {minX, minY}});
    }
    return out;
}

std::vector<unsigned char> dissolveCells(const Grid& grid, const std::vector<int64_t>& cells) {
    if (grid.shape == GridShape::Square)
        if (auto traced = squareCellsOutline(grid, cells)) return std::move(*traced);
    GeosContext geos;
    const GEOSContextHandle_t h = geos.handle();
    std::vector<GEOSGeometry*> polys;  // owned by the collection once it is made
    for (const auto& ring : cellRectangles(grid, cells)) {
        GEOSCoordSequence* seq = geos.check(GEOSCoordSeq_create_r(h, static_cast<unsigned>(ring.size()), 2), "coordinate sequence");
        for (unsigned k = 0; k < ring.size(); ++k) GEOSCoordSeq_setXY_r(h, seq, k, ring[k].first, ring[k].second);
        GEOSGeometry* shell = geos.check(GEOSGeom_createLinearRing_r(h, seq), "linear ring");
        polys.push_back(geos.check(GEOSGeom_createPolygon_r(h, shell, nullptr, 0), "polygon"));
    }
    const GeosGeometryPtr collection = geos.own(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())), "multipolygon");
    const GeosGeometryPtr merged = geos.own(GEOSUnaryUnion_r(h, collection.get()), "union of cells");
    return geos.toWkb(merged.get());
}

// Parameters of the run as a key/value table in a GeoPackage (rasters carry them as metadata).
std::string formatNumber(double v, int precision) { return formatDecimal(v, precision); }

}  // namespace analysis

using namespace analysis;

MonthRange monthSpan(const std::vector<int32_t>& months) {
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (int32_t m : months)
        if (m != kNoMonth) first = std::min(first, m), last = std::max(last, m);
    if (first == INT32_MAX) return {};
    return {first, last};
}

MonthRange monthsUsed(const MonthRange& asked, const std::vector<int32_t>& selectedMonths) {
    if (asked.from != kNoMonth && asked.to != kNoMonth) return asked;
    const MonthRange data = monthSpan(selectedMonths);
    return {asked.from != kNoMonth ? asked.from : data.from, asked.to != kNoMonth ? asked.to : data.to};
}

SelectedIncidents loadIncidents(const AnalysisInput& input, Progress& progress) {
    auto studyArea = loadStudyArea(input);
    return select(loadAll(input, progress), input, input.months, studyArea.get(), true);
}

// ---------------------------------------------------------------------------------------------
// hotspot density

namespace {

// The .qml beside a surface GeoTIFF (none when no value is positive: QGIS's default then).
void writeSurfaceStyle(OutputStaging& staging, const std::string& name, const std::string& qml) {
    if (!qml.empty()) writeTextFile(staging.stagedPath(name), qml);
}

void writeSurfaceStyle(OutputStaging& staging, const std::string& name, const std::vector<double>& values, const std::string& unit) {
    writeSurfaceStyle(staging, name, qmlForSurface(values, unit));
}

}  // namespace

namespace {

// The population at risk for dual KDE and area rates: points (postcode centroids with households),
// or one census table whose counts sit at the centroids of their areas (the -a layer holding their codes).
struct Denominator {
    std::vector<double> x, y, w;
    std::vector<CensusTable> censusTables;
};

Denominator loadDenominator(const DensityOptions& o, const std::vector<const AreaLayer*>& areaLayers, RunReport& report) {
    Denominator d;
    if (o.denominator.empty()) return d;
    const bool census = std::all_of(o.denominator.begin(), o.denominator.end(), isCensusTableSpec);
    if (census) {
        if (o.denominator.size() > 1)
            throwUsage("`denominator` takes one census table (residents or households), not " + std::to_string(o.denominator.size()));
        d.censusTables.push_back(CensusTable::load(o.denominator.front()));
        const CensusTable& table = d.censusTables.back();
        WeightPoints points = censusAsPoints(table, areaLayers);
        d.x = std::move(points.x), d.y = std::move(points.y), d.w = std::move(points.w);
        report.lines.push_back(fmt::format("denominator: {} {} from {} ({}, {}), at the centroids of their areas", table.total(),
                                           toString(table.measure), table.path, table.layout, table.read));
        return d;
    }
    WeightPoints points = readWeightPoints(o.denominator, o.input.ingest, o.denominatorMapping);
    d.x = std::move(points.x), d.y = std::move(points.y), d.w = std::move(points.w);
    return d;
}

// risk.tif: dual kernel density, incidents over the denominator on the same grid and bandwidth.
void writeRiskSurface(const DensityOptions& o, const GridSetup& setup, const KdeOptions& kde, const std::vector<double>& density,
                      const std::vector<double>& incidentWeights, const Denominator& den, std::vector<std::pair<std::string, std::string>> meta,
                      OutputStaging& staging, RunReport& report) {
    const Grid& grid = setup.grid;
    const std::vector<double>& denomX = den.x;
    const std::vector<double>& denomY = den.y;
    const std::vector<double>& denomW = den.w;
    const std::vector<double>& weight = incidentWeights;

    std::vector<double> denomDensity = kernelDensity(grid, denomX, denomY, denomW, kde);
    // The floor under the denominator: given, or 1 % of its mean over the cells that have any.
    DualScale scale;
    double meanDenominator = 0;
    size_t withDenominator = 0;
    for (size_t k = 0; k < denomDensity.size(); ++k)
        if (denomDensity[k] > 0 && (setup.mask.empty() || setup.mask[k])) meanDenominator += denomDensity[k], ++withDenominator;
    meanDenominator = withDenominator ? meanDenominator / static_cast<double>(withDenominator) : 0;
    const bool autoFloor = o.minDenominator < 0;
    scale.minDenominator = autoFloor ? 0.01 * meanDenominator : o.minDenominator;
    scale.numeratorTotal = std::max(std::accumulate(weight.begin(), weight.end(), 0.0), 1e-300);
    scale.denominatorTotal = std::max(std::accumulate(denomW.begin(), denomW.end(), 0.0), 1e-300);
    std::vector<double> risk = dualSurface(density, denomDensity, o.dual, scale);
    if (o.dual == DualMode::Ratio)
        for (double& v : risk) v *= o.ratePer;
    applyMask(risk, setup.mask);
    size_t zeroDenominator = 0, belowFloor = 0;
    for (size_t k = 0; k < denomDensity.size(); ++k) {
        if (!setup.mask.empty() && !setup.mask[k]) continue;
        zeroDenominator += !(denomDensity[k] > 0);
        belowFloor += denomDensity[k] > 0 && denomDensity[k] < scale.minDenominator;
    }
    const char* modeName = o.dual == DualMode::Ratio ? "ratio" : o.dual == DualMode::LogRatio ? "log-ratio"
                                                                                              : "difference";
    const std::string units = o.dual == DualMode::Ratio      ? fmt::format("incidents per {} denominator units", o.ratePer)
                              : o.dual == DualMode::LogRatio ? std::string("ln(incident density / denominator density), no unit")
                                                             : std::string(
                                                                   "difference of shares per km2: incident density / incidents - "
                                                                   "denominator density / denominator total");
    auto riskMeta = std::move(meta);
    for (auto& [key, value] : riskMeta)
        if (key == "HOTSPOT_UNITS") value = units;
    riskMeta.push_back({"HOTSPOT_DUAL", modeName});
    riskMeta.push_back({"HOTSPOT_DENOMINATOR", joined(o.denominator)});
    if (o.dual != DualMode::Difference) {
        riskMeta.push_back({"HOTSPOT_ZERO_DENOMINATOR", "nodata (a rate with no population at risk is undefined)"});
        riskMeta.push_back({"HOTSPOT_MIN_DENOMINATOR", fmt::format("{} per km2 ({})", scale.minDenominator,
                                                                   autoFloor ? "1 % of the mean over cells with any" : "given")});
    }
    writeGeoTiff(staging.stagedPath("risk.tif"), grid, risk, o.input.ingest.analysisCrs, RasterType::Float32, -9999, riskMeta,
                 "dual kernel density (" + std::string(modeName) + "): " + units);
    if (o.dual == DualMode::Ratio) writeSurfaceStyle(staging, "risk.qml", risk, "");  // a rate: classes of its values
    if (o.dual == DualMode::Difference)
        report.lines.push_back(fmt::format("dual KDE (difference of shares): denominator {} points, weight {:.0f}; units: {}", denomX.size(),
                                           scale.denominatorTotal, units));
    else
        report.lines.push_back(fmt::format(
            "dual KDE ({}): denominator {} points, weight {:.0f}; nodata: {} cells without population at "
            "risk and {} cells below the minimum denominator density of {:.4g} per km2 ({}); units: {}",
            modeName, denomX.size(), scale.denominatorTotal, zeroDenominator, belowFloor,
            scale.minDenominator, autoFloor ? "1 % of its mean" : "`min_denominator`", units));
}

// area_stats.csv: counts, rates and location quotients per area, the selected groups against all groups.
void writeAreaStats(const DensityOptions& o, const std::vector<AreaLayer>& areaLayers, const std::vector<const AreaLayer*>& areaLayerPointers,
                    const SelectedIncidents& sel, const SelectedIncidents& everything, const Denominator& den, OutputStaging& staging,
                    RunReport& report) {
    const std::vector<CensusTable>& censusTables = den.censusTables;
    const std::vector<double>& denomX = den.x;
    const std::vector<double>& denomY = den.y;
    const std::vector<double>& denomW = den.w;

    CsvWriter csv(staging.stagedPath("area_stats.csv"));
    csv.row({"layer", "area_code", "area_name", "groups", "period", "incidents", "all_incidents", "denominator", "rate_per_1000",
             "location_quotient", "area_km2", "incidents_per_km2"});
    for (const AreaLayer& layer : areaLayers) {
        const AreaCounts selCounts = countInAreas(layer, sel.x, sel.y, sel.weight);
        report.account(sel.ledger("areas of '" + layer.label() + "' (area_stats.csv)", selCounts.counted, selCounts.exclusions(layer)));
        const std::vector<double>& c = selCounts.values;
        const std::vector<double> call = countInAreas(layer, everything.x, everything.y, everything.weight).values;
        std::vector<double> denom(layer.size(), NAN);
        const double totalSel = std::accumulate(c.begin(), c.end(), 0.0), totalAll = std::accumulate(call.begin(), call.end(), 0.0);
        if (!o.areaDenominatorField.empty())
            for (size_t a = 0; a < layer.size(); ++a) denom[a] = layer.value(a);
        else if (!censusTables.empty()) {
            // Census counts by code, or apportioned from the layer holding the codes.
            std::fill(denom.begin(), denom.end(), 0.0);
            for (const auto& table : censusTables) {
                const AreaDenominator d = denominatorFor(table, layer, areaLayerPointers, {}, {});
                for (size_t a = 0; a < layer.size(); ++a) denom[a] += std::isnan(d.values[a]) ? 0.0 : d.values[a];
                report.lines.push_back("layer '" + layer.label() + "': " + d.method);
            }
        } else if (!denomX.empty()) {
            std::vector<int32_t> whereDen(denomX.size());
            layer.assign(denomX.data(), denomY.data(), denomX.size(), whereDen.data());
            std::fill(denom.begin(), denom.end(), 0.0);
            for (size_t i = 0; i < whereDen.size(); ++i)
                if (whereDen[i] >= 0) denom[whereDen[i]] += denomW[i];
        }
        for (size_t a = 0; a < layer.size(); ++a) {
            const double rate = denom[a] > 0 ? 1000.0 * c[a] / denom[a] : NAN;
            const double lq = (call[a] > 0 && totalAll > 0 && totalSel > 0) ? (c[a] / call[a]) / (totalSel / totalAll) : NAN;
            const double km2 = layer.areaSquareMetres(a) / 1e6;
            csv.row({layer.label(), layer.code(a), layer.name(a), joined(o.input.groups), monthsUsed(o.input.months, sel.month).label(), formatNumber(c[a], 0),
                     formatNumber(call[a], 0), formatNumber(denom[a], 0), formatNumber(rate), formatNumber(lq), formatNumber(km2),
                     formatNumber(km2 > 0 ? c[a] / km2 : NAN)});
        }
    }
    csv.close();
    report.lines.push_back("area stats: rate per 1,000 of the denominator; location quotient = (area share of the selected groups) / (share over all areas); empty when undefined");
}

}  // namespace

RunReport runDensity(const DensityOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    StepTimer timer("density");
    auto studyArea = loadStudyArea(o.input);
    LoadedIncidents all = loadAll(o.input, progress);
    timer.step("read");
    // Area statistics compare the selected groups with all groups; then the table can go, so the
    // grids do not sit on top of every incident's attributes (10 million rows: ~1 GB less at peak).
    SelectedIncidents everything;
    if (!o.areas.empty()) everything = select(all, o.input, o.input.months, studyArea.get(), false);
    SelectedIncidents sel = select(std::move(all), o.input, o.input.months, studyArea.get(), true);
    timer.step("select");
    report.lines.push_back(sel.describe());
    for (const auto& n : sel.notes) report.lines.push_back("note: " + n);
    sel.requireSome();

    KdeOptions kde = o.kde;
    const bool autoBandwidth = kde.bandwidth == 0;
    if (autoBandwidth) kde.bandwidth = arcgisDefaultBandwidth(sel.x, sel.y, sel.weight);
    GridSetup setup = makeGrid(sel.extent, studyArea.get(), o.grid, kernelSupport(kde.kernel, kde.bandwidth));
    const Grid& grid = setup.grid;
    if (kde.bandwidth < grid.cellSize)
        throwUsage(fmt::format("bandwidth {:.1f} m is smaller than one cell ({:.1f} m): the surface would be a point pattern; "
                               "use a larger bandwidth or a smaller cell",
                               kde.bandwidth, grid.cellSize),
                   {"", 0, "bandwidth"});
    report.lines.push_back(fmt::format("grid: {} x {} cells of {:.1f} m{} from ({:.0f}, {:.0f}); kernel {} with bandwidth {:.1f} m{}; output {}",
                                       grid.cols, grid.rows, grid.cellSize, setup.autoCell ? " (ArcGIS default: shorter side / 250)" : "",
                                       grid.originX, grid.originY, toString(kde.kernel), kde.bandwidth,
                                       autoBandwidth ? " (ArcGIS default rule)" : "",
                                       kde.output == KdeOutput::Scaled ? "density per km^2" : "raw kernel sums"));

    timer.step("grid");
    OutputStaging staging(o.outDir);
    auto meta = baseMetadata(o.input, grid, monthsUsed(o.input.months, sel.month));
    meta.push_back({"HOTSPOT_KERNEL", toString(kde.kernel)});
    meta.push_back({"HOTSPOT_BANDWIDTH_M", fmt::format("{}", kde.bandwidth)});
    meta.push_back({"HOTSPOT_BANDWIDTH_RULE", autoBandwidth ? "ArcGIS default 0.9*min(SD, sqrt(1/ln2)*Dm)*n^-0.2" : "given"});
    meta.push_back({"HOTSPOT_WEIGHTS", "incident weight field (1 when unmapped)"});
    meta.push_back({"HOTSPOT_UNITS", kde.output == KdeOutput::Scaled ? "incidents per km2" : "raw kernel sum"});
    meta.push_back({"HOTSPOT_INCIDENTS", std::to_string(sel.x.size())});

    progress.begin("Kernel density");
    const CellCounts counts = countInCells(grid, sel.x, sel.y, sel.weight, setup.mask);
    timer.step("count");
    // counts.tif is compressed on a second thread while the kernel sums run on this one.
    // QGIS opens a GeoTIFF with the .qml of the same name: the viewer's classes of these values.
    std::string countsStyle, densityStyle;
    BackgroundTask countsRaster([&, path = staging.stagedPath("counts.tif"), countsMeta = meta] {
        writeGeoTiff(path, grid, counts.values, o.input.ingest.analysisCrs, RasterType::Float32, -9999, countsMeta, "incidents per cell");
        countsStyle = qmlForSurface(counts.values, "incidents");
    });
    std::vector<double> density = kernelDensity(grid, sel.x, sel.y, sel.weight, kde);
    progress.end();
    timer.step("kde");
    applyMask(density, setup.mask);
    report.account(sel.ledger("grid cells (counts.tif)", counts.counted, counts.exclusions()));
    // The classes (a sort of every cell) on another thread while this one makes the overviews.
    BackgroundTask densityClasses([&] { densityStyle = qmlForSurface(density, kde.output == KdeOutput::Scaled ? "per km2" : ""); });
    writeGeoTiff(staging.stagedPath("density.tif"), grid, density, o.input.ingest.analysisCrs, RasterType::Float32, -9999, meta,
                 kde.output == KdeOutput::Scaled ? "kernel density, incidents per km2" : "kernel density, raw");
    countsRaster.finish();  // rethrows a write failure
    densityClasses.finish();
    writeSurfaceStyle(staging, "density.qml", densityStyle);
    writeSurfaceStyle(staging, "counts.qml", countsStyle);
    timer.step("rasters");

    // The area layers for area_stats.csv, loaded once: a census denominator needs them too.
    std::vector<AreaLayer> areaLayers;
    for (auto parts : groupByLabel(o.areas)) {
        if (!o.areaDenominatorField.empty())
            for (auto& p : parts) p.valueField = o.areaDenominatorField;
        areaLayers.push_back(AreaLayer::load(parts, o.input.ingest.analysisCrs));
    }
    std::vector<const AreaLayer*> areaLayerPointers;
    for (const auto& layer : areaLayers) areaLayerPointers.push_back(&layer);

    const Denominator denominator = loadDenominator(o, areaLayerPointers, report);
    if (!o.denominator.empty()) writeRiskSurface(o, setup, kde, density, sel.weight, denominator, meta, staging, report);
    if (!o.areas.empty()) writeAreaStats(o, areaLayers, areaLayerPointers, sel, everything, denominator, staging, report);
    report.outputs = staging.commit();
    timer.step("areas, commit");
    return report;
}

// ---------------------------------------------------------------------------------------------
// hotspot gistar

namespace {

void writeCellsLayer(VectorWriter& gpkg, const Grid& grid, const std::vector<double>& counts, const GiStarResult& r, const std::string& crs,
                     bool onlySignificant) {
    gpkg.createLayer("hotspot_cells", GeometryKind::Polygon, crs,
                     {{"cell_id", FieldType::Integer64}, {"row", FieldType::Integer64}, {"col", FieldType::Integer64}, {"incidents", FieldType::Real}, {"gi_z", FieldType::Real}, {"gi_p", FieldType::Real}, {"gi_bin", FieldType::Integer}},
                     "Grid cells with Getis-Ord Gi* z, p and FDR confidence bin");
    for (size_t k = 0; k < counts.size(); ++k) {
        if (onlySignificant && r.bin[k] == 0) continue;
        if (!onlySignificant && !(counts[k] > 0) && r.bin[k] == 0) continue;
        const int64_t row = static_cast<int64_t>(k) / grid.cols, col = static_cast<int64_t>(k) % grid.cols;
        gpkg.setInteger(0, static_cast<int64_t>(k));
        gpkg.setInteger(1, row);
        gpkg.setInteger(2, col);
        gpkg.setReal(3, counts[k]);
        if (std::isfinite(r.z[k])) gpkg.setReal(4, r.z[k]);
        else gpkg.setNull(4);
        if (std::isfinite(r.p[k])) gpkg.setReal(5, r.p[k]);
        else gpkg.setNull(5);
        gpkg.setInteger(6, r.bin[k]);
        gpkg.setWkb(polygonWkb(grid.cellRing(row, col)));
        gpkg.writeFeature();
    }
}

// Gi* on incident counts per polygon: gistar_areas.gpkg and .csv.
void writeGiStarOnAreas(const GiStarRunOptions& o, const SelectedIncidents& sel, OutputStaging& staging, RunReport& report) {
    const std::string crs = o.input.ingest.analysisCrs;
    const char* pMethod = o.gi.permutations > 0 ? "conditional permutation" : "normal approximation";
    // Gi* on incident counts per polygon.
    if (groupByLabel(o.areas).size() > 1) throwUsage("Gi* on areas reads one area layer: run once per layer", {"", 0, "areas"});
    AreaLayer layer = AreaLayer::load(o.areas, crs);
    const AreaCounts areaCounts = countInAreas(layer, sel.x, sel.y, sel.weight);
    report.account(sel.ledger("areas of '" + layer.label() + "' (gistar_areas)", areaCounts.counted, areaCounts.exclusions(layer)));
    const std::vector<double>& counts = areaCounts.values;
    Neighbours nb;
    std::string weightsLabel;
    if (o.weights.kind == NeighbourRule::Kind::DistanceBand) {
        const double band = o.weights.bandMetres;
        std::vector<double> cx, cy;
        for (size_t a = 0; a < layer.size(); ++a) {
            auto [x, y] = layer.centroid(a);
            cx.push_back(x), cy.push_back(y);
        }
        nb = distanceBandNeighbours(cx, cy, band);
        weightsLabel = fmt::format("distance band {} m between centroids", band);
    } else if (o.weights.contiguity()) {
        auto lists = layer.contiguity(o.weights.kind == NeighbourRule::Kind::Rook);
        for (uint32_t a = 0; a < lists.size(); ++a) {
            std::vector<uint32_t> l = {a};
            l.insert(l.end(), lists[a].begin(), lists[a].end());
            nb.add(l);
        }
        weightsLabel = o.weights.text() + " contiguity";
    } else {
        throwUsage("Gi* on areas takes queen, rook or distance:METRES weights", {"", 0, "weights"});
    }
    size_t isolated = 0;
    for (size_t a = 0; a < nb.size(); ++a) isolated += nb.offsets[a + 1] - nb.offsets[a] == 1;
    GiStarResult r = giStar(counts, nb, o.gi);
    VectorWriter gpkg(staging.stagedPath("gistar_areas.gpkg"));
    gpkg.createLayer("gistar_areas", GeometryKind::Polygon, crs,
                     {{"code"}, {"name"}, {"incidents", FieldType::Real}, {"neighbours", FieldType::Integer}, {"gi_z", FieldType::Real}, {"gi_p", FieldType::Real}, {"gi_bin", FieldType::Integer}},
                     "Getis-Ord Gi* on incident counts per area, binary weights with self, " + weightsLabel);
    CsvWriter csv(staging.stagedPath("gistar_areas.csv"));
    csv.row({"code", "name", "incidents", "neighbours", "gi_z", "gi_p", "gi_bin"});
    for (size_t a = 0; a < layer.size(); ++a) {
        const auto w = static_cast<int64_t>(nb.offsets[a + 1] - nb.offsets[a]);
        gpkg.setString(0, layer.code(a));
        gpkg.setString(1, layer.name(a));
        gpkg.setReal(2, counts[a]);
        gpkg.setInteger(3, w - 1);
        if (std::isfinite(r.z[a])) gpkg.setReal(4, r.z[a]);
        else gpkg.setNull(4);
        if (std::isfinite(r.p[a])) gpkg.setReal(5, r.p[a]);
        else gpkg.setNull(5);
        gpkg.setInteger(6, r.bin[a]);
        gpkg.setWkb(layer.wkb(a));
        gpkg.writeFeature();
        csv.row({layer.code(a), layer.name(a), formatNumber(counts[a], 0), std::to_string(w - 1), formatNumber(r.z[a], 6),
                 formatNumber(r.p[a], 6), std::to_string(r.bin[a])});
    }
    writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()}, {"HOTSPOT_GROUPS", joined(o.input.groups)}, {"HOTSPOT_PERIOD", monthsUsed(o.input.months, sel.month).label()}, {"HOTSPOT_GISTAR_WEIGHTS", weightsLabel + ", binary, self included"}, {"HOTSPOT_GISTAR_P", pMethod}, {"HOTSPOT_GISTAR_FDR", o.gi.fdr ? "Benjamini-Hochberg" : "none"}, {"HOTSPOT_AREAS", o.areas[0].path}});
    gpkg.close();
    writeGeoPackageStyles(staging.stagedPath("gistar_areas.gpkg"));
    csv.close();
    int hot = 0, cold = 0;
    for (auto b : r.bin) hot += b > 0, cold += b < 0;
    report.lines.push_back(fmt::format("Gi* on {} areas ({}; {} without neighbours), p by {}, {}: {} hot and {} cold areas", layer.size(),
                                       weightsLabel, isolated, pMethod, o.gi.fdr ? "FDR-corrected bins" : "uncorrected bins", hot, cold));
}

// hotspot_zones: contiguous cells at |bin| >= zoneLevel dissolved into polygons. Returns how many.
size_t writeZonesLayer(VectorWriter& gpkg, const Grid& grid, const std::vector<double>& counts, const GiStarResult& r, const std::string& crs, int zoneLevel) {
    auto zones = findZones(grid, r.bin, zoneLevel);
    gpkg.createLayer("hotspot_zones", GeometryKind::Polygon, crs,
                     {{"zone_id", FieldType::Integer}, {"kind"}, {"cells", FieldType::Integer}, {"incidents", FieldType::Real}, {"max_abs_z", FieldType::Real}, {"area_km2", FieldType::Real}},
                     fmt::format("Contiguous cells with |Gi* bin| >= {} dissolved into zones", zoneLevel));
    // The outlines on all workers (each dissolve is independent), then the rows in order.
    std::vector<std::vector<unsigned char>> outlines(zones.size());
    parallelFor(zones.size(), [&](size_t k, unsigned) { outlines[k] = dissolveCells(grid, zones[k].cells); });
    int id = 0;
    for (size_t k = 0; k < zones.size(); ++k) {
        const auto& z = zones[k];
        double inc = 0, maxZ = 0;
        for (int64_t c : z.cells) inc += counts[static_cast<size_t>(c)], maxZ = std::max(maxZ, std::abs(r.z[static_cast<size_t>(c)]));
        gpkg.setInteger(0, ++id);
        gpkg.setString(1, z.sign > 0 ? "hot" : "cold");
        gpkg.setInteger(2, static_cast<int64_t>(z.cells.size()));
        gpkg.setReal(3, inc);
        gpkg.setReal(4, maxZ);
        double cellArea = grid.shape == GridShape::Square ? grid.cellSize * grid.cellSize : grid.cellSize * grid.cellSize * std::sqrt(3.0) / 2;
        gpkg.setReal(5, static_cast<double>(z.cells.size()) * cellArea / 1e6);
        gpkg.setWkb(outlines[k]);
        gpkg.writeFeature();
    }
    return zones.size();
}

}  // namespace

std::array<double, 6> GridSurface::geotransform() const {
    return {grid.originX, grid.cellSize, 0.0, grid.originY + static_cast<double>(grid.rows) * grid.cellSize, 0.0, -grid.cellSize};
}

DensityResult computeDensity(const DensityOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    if (o.grid.shape != GridShape::Square) throwUsage("density surfaces are on square cells", {"", 0, "shape"});
    AnalysisSelection selection;
    RunReport unused;
    selection = loadSelection(o.input, progress, unused);
    const SelectedIncidents& sel = selection.incidents;
    DensityResult result;
    KdeOptions kde = o.kde;
    if (kde.bandwidth == 0) kde.bandwidth = arcgisDefaultBandwidth(sel.x, sel.y, sel.weight);
    // The same grid as runDensity: the extent grown by the kernel's reach.
    const GridSetup setup = makeGrid(sel.extent, selection.studyArea.get(), o.grid, kernelSupport(kde.kernel, kde.bandwidth));
    if (kde.bandwidth < setup.grid.cellSize)
        throwUsage(fmt::format("bandwidth {:.1f} m is smaller than one cell ({:.1f} m)", kde.bandwidth, setup.grid.cellSize), {"", 0, "bandwidth"});
    progress.begin("Kernel density");
    CellCounts counts = countInCells(setup.grid, sel.x, sel.y, sel.weight, setup.mask);
    result.density = {setup.grid, kernelDensity(setup.grid, sel.x, sel.y, sel.weight, kde)};
    progress.end();
    applyMask(result.density.values, setup.mask);
    result.ledger = sel.ledger("grid cells", counts.counted, counts.exclusions());
    result.counts = {setup.grid, std::move(counts.values)};
    result.bandwidth = kde.bandwidth;
    return result;
}

GiStarGridResult computeGiStar(const GiStarRunOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    if (!o.areas.empty() || o.autoScale || o.grid.shape != GridShape::Square)
        throwUsage("computeGiStar is for square grids with ring neighbourhoods; areas, `auto` and hexagons: runGiStar", {"", 0, "areas"});
    RunReport unused;
    AnalysisSelection selection = loadSelection(o.input, progress, unused);
    const SelectedIncidents& sel = selection.incidents;
    // The same grid, counts and neighbourhood as runGiStar.
    const GridSetup setup = makeGrid(sel.extent, selection.studyArea.get(), o.grid, 0);
    CellCounts counts = countInCells(setup.grid, sel.x, sel.y, sel.weight, setup.mask);
    progress.begin("Gi*");
    GiStarResult r = giStarGrid(setup.grid, counts.values, o.rings, setup.mask, o.gi);
    progress.end();
    GiStarGridResult result;
    result.ledger = sel.ledger("grid cells", counts.counted, counts.exclusions());
    result.counts = {setup.grid, std::move(counts.values)};
    result.z = {setup.grid, std::move(r.z)};
    result.p = {setup.grid, std::move(r.p)};
    result.bin = std::move(r.bin);
    return result;
}

RunReport runGiStar(const GiStarRunOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    StepTimer timer("gistar");
    auto studyArea = loadStudyArea(o.input);
    LoadedIncidents all = loadAll(o.input, progress);
    timer.step("read");
    SelectedIncidents sel = select(std::move(all), o.input, o.input.months, studyArea.get(), true);
    timer.step("select");
    report.lines.push_back(sel.describe());
    sel.requireSome();
    OutputStaging staging(o.outDir);
    const std::string crs = o.input.ingest.analysisCrs;
    const char* pMethod = o.gi.permutations > 0 ? "conditional permutation" : "normal approximation";

    if (!o.areas.empty()) {
        writeGiStarOnAreas(o, sel, staging, report);
        report.outputs = staging.commit();
        return report;
    }

    GridChoice gridChoice = o.grid;
    std::string cellRule;
    if (o.autoScale && gridChoice.cellSize == 0) gridChoice.cellSize = autoCellSize(sel.x, sel.y, sel.extent, cellRule);
    GridSetup setup = makeGrid(sel.extent, studyArea.get(), gridChoice, 0);
    const Grid& grid = setup.grid;
    const CellCounts cellCounts = countInCells(grid, sel.x, sel.y, sel.weight, setup.mask);
    // Where the counted incidents can be summed again: every cell's count is in the counts raster
    // (square grids); hotspot_cells holds them all only with --all-cells or on hexagons.
    const bool significantOnly = grid.shape == GridShape::Square && !o.allCells;
    const char* countsHeldIn = grid.shape == GridShape::Hexagon ? "grid cells (hotspot_cells)"
                               : significantOnly                ? "grid cells (gistar_counts.tif)"
                                                                : "grid cells (gistar_counts.tif, hotspot_cells)";
    report.account(sel.ledger(countsHeldIn, cellCounts.counted, cellCounts.exclusions()));
    const std::vector<double>& counts = cellCounts.values;
    timer.step("grid, count");
    // --auto: the neighbourhood from the first significant peak of global Moran's I over distance bands.
    IncrementalMoran scale;
    std::string neighbourhood = fmt::format("neighbours within {} ring(s)", o.rings);
    std::string neighbourhoodMeta = fmt::format("{} ring(s), binary weights, self included", o.rings);
    if (o.autoScale) {
        progress.begin("Incremental spatial autocorrelation");
        scale = incrementalMoran(grid, setup.mask, counts);
        progress.end();
        if (!cellRule.empty()) report.lines.push_back("`auto` cell size: " + cellRule);
        std::string curve;
        for (const auto& s : scale.steps) curve += fmt::format("{}{:g} m: z {:.2f}", curve.empty() ? "" : ", ", s.distance, s.moran.z);
        report.lines.push_back(fmt::format("`auto` neighbourhood: global Moran's I over distance bands ({}); chosen: {}", curve,
                                           scale.chosen >= 0 ? scale.reason : scale.reason + ", so the default queen ring is kept"));
        timer.step("incremental moran");
    }
    progress.begin("Gi*");
    GiStarResult r;
    if (scale.chosen >= 0) {
        const double band = scale.steps[static_cast<size_t>(scale.chosen)].distance;
        std::vector<int64_t> cellOf;
        const Neighbours nb = bandNeighboursWithSelf(grid, setup.mask, band, cellOf);
        std::vector<double> values;
        for (int64_t k : cellOf) values.push_back(counts[static_cast<size_t>(k)]);
        const GiStarResult inner = giStar(values, nb, o.gi);
        const size_t cells = static_cast<size_t>(grid.cellCount());
        r.z.assign(cells, NAN), r.p.assign(cells, NAN), r.bin.assign(cells, 0);
        for (size_t i = 0; i < cellOf.size(); ++i) {
            const auto k = static_cast<size_t>(cellOf[i]);
            r.z[k] = inner.z[i], r.p[k] = inner.p[i], r.bin[k] = inner.bin[i];
        }
        r.mean = inner.mean, r.sd = inner.sd, r.n = inner.n;
        neighbourhood = fmt::format("neighbours within {:g} m (cell centres, chosen by `auto`)", band);
        neighbourhoodMeta = fmt::format("distance band {:g} m between cell centres (`auto`), binary weights, self included", band);
    } else {
        r = giStarGrid(grid, counts, o.rings, setup.mask, o.gi);
    }
    progress.end();
    timer.step("gi*");
    int hot = 0, cold = 0;
    for (auto b : r.bin) hot += b > 0, cold += b < 0;
    report.lines.push_back(fmt::format(
        "Gi* on a {} x {} grid of {:.1f} m {} cells ({} in the analysis), {} with "
        "the cell itself, p by {}, {}: {} hot and {} cold cells",
        grid.cols, grid.rows, grid.cellSize, grid.shape == GridShape::Square ? "square" : "hexagon", r.n, neighbourhood,
        pMethod, o.gi.fdr ? "Benjamini-Hochberg FDR bins" : "uncorrected bins", hot, cold));
    if (o.autoScale) {
        CsvWriter csv(staging.stagedPath("gistar_scale.csv"));
        csv.row({"distance_m", "moran_i", "expected", "variance", "z", "p", "mean_neighbours", "chosen"});
        for (size_t k = 0; k < scale.steps.size(); ++k) {
            const auto& s = scale.steps[k];
            csv.row({formatNumber(s.distance, 3), formatNumber(s.moran.i, 9), formatNumber(s.moran.expected, 9), formatNumber(s.moran.variance, 12),
                     formatNumber(s.moran.z, 6), formatNumber(s.moran.p, 9), formatNumber(s.meanNeighbours, 2),
                     static_cast<int>(k) == scale.chosen ? "yes" : "no"});
        }
        csv.close();
        writeTextFile(staging.stagedPath("gistar_scale.svg"),
                      incrementalMoranSvg(scale, fmt::format("Incremental spatial autocorrelation, {:g} m cells", grid.cellSize)));
    }
    auto meta = baseMetadata(o.input, grid, monthsUsed(o.input.months, sel.month));
    meta.push_back({"HOTSPOT_GISTAR_NEIGHBOURS", neighbourhoodMeta});
    meta.push_back({"HOTSPOT_GISTAR_P", pMethod});
    meta.push_back({"HOTSPOT_GISTAR_FDR", o.gi.fdr ? "Benjamini-Hochberg at 0.10/0.05/0.01 -> bins 1/2/3" : "none"});
    // The rasters are compressed on a second thread while the GeoPackage is written on this one.
    // Paths are staged and the metadata copied here: the staging and `meta` are not shared.
    std::function<void()> writeRasters;
    if (grid.shape == GridShape::Square)
        writeRasters = [&, countsPath = staging.stagedPath("gistar_counts.tif"), zPath = staging.stagedPath("gistar_z.tif"),
                        binPath = staging.stagedPath("gistar_bin.tif"), rasterMeta = meta] {
            writeGeoTiff(countsPath, grid, counts, crs, RasterType::Float32, -9999, rasterMeta, "incidents per cell");
            writeGeoTiff(zPath, grid, r.z, crs, RasterType::Float64, -9999, rasterMeta, "Gi* z-score");
            std::vector<double> bins(r.bin.begin(), r.bin.end());
            applyMask(bins, setup.mask);
            writeGeoTiff(binPath, grid, bins, crs, RasterType::Int16, -99, rasterMeta, "Gi* FDR confidence bin");
        };
    BackgroundTask rasters(std::move(writeRasters));
    if (grid.shape == GridShape::Square) {
        writeSurfaceStyle(staging, "gistar_counts.qml", counts, "incidents");
        writeTextFile(staging.stagedPath("gistar_z.qml"), qmlForRaster("gistar_z.tif"));
        writeTextFile(staging.stagedPath("gistar_bin.qml"), qmlForRaster("gistar_bin.tif"));
    }
    // Rows inserted on this thread: the rasters are compressed on the other core meanwhile (an
    // inserting thread measured 1.15 s against 1.06 s, medians of 5 interleaved pairs).
    VectorWriter gpkg(staging.stagedPath("hotspots.gpkg"), "GPKG", RowInsertion::CallerThread);
    writeCellsLayer(gpkg, grid, counts, r, crs, significantOnly);
    timer.step("cells layer");
    const size_t zoneCount = writeZonesLayer(gpkg, grid, counts, r, crs, o.zoneLevel);
    timer.step("zones");
    meta.push_back({"HOTSPOT_ZONE_LEVEL", std::to_string(o.zoneLevel)});
    writeRunInfo(gpkg, meta);
    timer.step("run info");
    gpkg.close();
    timer.step("gpkg close");
    writeGeoPackageStyles(staging.stagedPath("hotspots.gpkg"));
    timer.step("styles");
    rasters.finish();  // rethrows a raster write failure
    timer.step("rasters wait");
    report.lines.push_back(fmt::format("{} hotspot zones (contiguous cells at bin >= {} or <= -{})", zoneCount, o.zoneLevel, o.zoneLevel));
    report.outputs = staging.commit();
    timer.step("commit");
    return report;
}

// ---------------------------------------------------------------------------------------------
// hotspot change

RunReport runChange(const ChangeOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    auto studyArea = loadStudyArea(o.input);
    LoadedIncidents all = loadAll(o.input, progress);
    SelectedIncidents before = select(all, o.input, o.before, studyArea.get(), true);
    SelectedIncidents after = select(all, o.input, o.after, studyArea.get(), true);
    if (before.x.empty() && after.x.empty()) after.requireSome();
    // Where every incident went, for each period (strays and those outside the study area included).
    report.lines.push_back("before: " + before.describe());
    report.lines.push_back("after: " + after.describe());
    const double change = percentChange(static_cast<double>(before.x.size()), static_cast<double>(after.x.size()));
    report.lines.push_back(fmt::format("before ({}): {} incidents; after ({}): {} incidents; change {}", o.before.label(), before.x.size(),
                                       o.after.label(), after.x.size(),
                                       std::isfinite(change) ? formatNumber(change, 1) + " %" : std::string("n/a (no incidents before)")));
    GridSetup setup = makeGrid(before.extent.united(after.extent), studyArea.get(), o.grid, 0);
    const Grid& grid = setup.grid;
    const CellCounts countsBefore = countInCells(grid, before.x, before.y, before.weight, setup.mask);
    const CellCounts countsAfter = countInCells(grid, after.x, after.y, after.weight, setup.mask);
    report.account(before.ledger("before (" + o.before.label() + "), grid cells (change_cells.csv)", countsBefore.counted, countsBefore.exclusions()));
    report.account(after.ledger("after (" + o.after.label() + "), grid cells (change_cells.csv)", countsAfter.counted, countsAfter.exclusions()));
    const std::vector<double>&cb = countsBefore.values, &ca = countsAfter.values;
    std::vector<double> diff(cb.size()), pct(cb.size());
    for (size_t k = 0; k < cb.size(); ++k) diff[k] = ca[k] - cb[k], pct[k] = percentChange(cb[k], ca[k]);
    OutputStaging staging(o.outDir);
    auto meta = baseMetadata(o.input, grid, o.after);
    meta.push_back({"HOTSPOT_BEFORE", o.before.label()});
    meta.push_back({"HOTSPOT_AFTER", o.after.label()});
    meta.push_back({"HOTSPOT_PERCENT_RULE", "100*(after-before)/before; 0 when both are 0; nodata when before is 0 and after > 0 (new)"});
    if (grid.shape == GridShape::Square) {
        writeGeoTiff(staging.stagedPath("change_difference.tif"), grid, diff, o.input.ingest.analysisCrs, RasterType::Float32, -9999, meta, "after minus before");
        writeGeoTiff(staging.stagedPath("change_percent.tif"), grid, pct, o.input.ingest.analysisCrs, RasterType::Float32, -9999, meta, "percent change");
    }
    CsvWriter cells(staging.stagedPath("change_cells.csv"));
    cells.row({"cell_id", "x", "y", "before", "after", "difference", "percent_change", "note"});
    for (size_t k = 0; k < cb.size(); ++k) {
        if (!(cb[k] > 0) && !(ca[k] > 0)) continue;  // empty, or left out by --clip (NaN)
        const int64_t row = static_cast<int64_t>(k) / grid.cols, col = static_cast<int64_t>(k) % grid.cols;
        cells.row({std::to_string(k), formatNumber(grid.centreX(row, col), 1), formatNumber(grid.centreY(row), 1), formatNumber(cb[k], 0),
                   formatNumber(ca[k], 0), formatNumber(ca[k] - cb[k], 0), formatNumber(pct[k], 1), cb[k] == 0 ? "new (no baseline)" : ""});
    }
    cells.close();
    if (!o.areas.empty()) {
        // One table, a block of rows per layer: layers given with -a are never merged.
        CsvWriter csv(staging.stagedPath("change_areas.csv"));
        csv.row({"layer", "area_code", "area_name", "before", "after", "difference", "percent_change", "note"});
        for (const AreaLayer& layer : AreaLayer::loadEach(o.areas, o.input.ingest.analysisCrs)) {
            const AreaCounts inBefore = countInAreas(layer, before.x, before.y, before.weight);
            const AreaCounts inAfter = countInAreas(layer, after.x, after.y, after.weight);
            report.account(before.ledger("before (" + o.before.label() + "), areas of '" + layer.label() + "' (change_areas.csv)", inBefore.counted,
                                         inBefore.exclusions(layer)));
            report.account(after.ledger("after (" + o.after.label() + "), areas of '" + layer.label() + "' (change_areas.csv)", inAfter.counted,
                                        inAfter.exclusions(layer)));
            const std::vector<double>&b = inBefore.values, &a = inAfter.values;
            for (size_t k = 0; k < layer.size(); ++k)
                csv.row({layer.label(), layer.code(k), layer.name(k), formatNumber(b[k], 0), formatNumber(a[k], 0), formatNumber(a[k] - b[k], 0),
                         formatNumber(percentChange(b[k], a[k]), 1), b[k] == 0 && a[k] > 0 ? "new (no baseline)" : ""});
        }
        csv.close();
    }
    report.lines.push_back("percent change rule: 100*(after-before)/before; 0 when both are 0; empty (\"new\") when before is 0 and after > 0");
    report.outputs = staging.commit();
    return report;
}

// ---------------------------------------------------------------------------------------------
// hotspot emerging

RunReport runEmerging(const EmergingRunOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    auto studyArea = loadStudyArea(o.input);
    LoadedIncidents all = loadAll(o.input, progress);
    SelectedIncidents sel = select(std::move(all), o.input, o.input.months, studyArea.get(), true);
    sel.requireSome();
    const MonthRange span = monthSpan(sel.month);
    const int32_t first = span.from, last = span.to;
    if (first == kNoMonth) throwUsage("the incidents have no months: emerging hot spots need dates", {"", 0, "months"});
    const int steps = (last - first) / o.stepMonths + 1;
    if (steps < 3) throwUsage(fmt::format("{} time step(s) of {} month(s): a trend needs at least 3 (10 or more recommended)", steps, o.stepMonths), {"", 0, "step"});
    GridSetup setup = makeGrid(sel.extent, studyArea.get(), o.grid, 0);
    const Grid& grid = setup.grid;
    const size_t cells = static_cast<size_t>(grid.cellCount());
    std::vector<std::vector<double>> z(steps), p(steps), counts(steps);
    // Every incident with a month is in exactly one step; those without one are in none, and said so.
    const int64_t withoutMonth = std::count(sel.month.begin(), sel.month.end(), kNoMonth);
    CellCounts allSteps;  // the steps' counts summed, for the ledger
    progress.begin("Gi* per time step");
    for (int s = 0; s < steps; ++s) {
        std::vector<uint8_t> use(sel.x.size());
        for (size_t i = 0; i < sel.x.size(); ++i) use[i] = sel.month[i] != kNoMonth && (sel.month[i] - first) / o.stepMonths == s;
        CellCounts stepCounts = countInCells(grid, sel.x, sel.y, sel.weight, setup.mask, &use);
        allSteps.counted += stepCounts.counted, allSteps.outsideGrid += stepCounts.outsideGrid, allSteps.inMaskedCells += stepCounts.inMaskedCells;
        counts[s] = std::move(stepCounts.values);
        GiStarOptions gi;
        gi.fdr = false;
        GiStarResult r = giStarGrid(grid, counts[s], o.rings, setup.mask, gi);
        z[s] = std::move(r.z);
        p[s] = std::move(r.p);
        progress.update(double(s + 1) / steps);
    }
    progress.end();
    auto exclusions = allSteps.exclusions();
    exclusions.insert(exclusions.begin(), {"without a month", withoutMonth});
    report.account(sel.ledger(fmt::format("grid cells over {} steps (emerging.csv)", steps), allSteps.counted, exclusions));
    EmergingOptions eo;
    eo.alpha = o.alpha;
    std::vector<EmergingClass> classes(cells, EmergingClass::NoPattern);
    std::vector<double> totals(cells, 0.0);
    std::vector<MannKendall> trend(cells, MannKendall{NAN, NAN, NAN, NAN, 0});
    std::map<EmergingClass, int64_t> tally;
    std::vector<double> zs(steps), ps(steps);
    for (size_t k = 0; k < cells; ++k) {
        if (!setup.mask.empty() && !setup.mask[k]) continue;  // left out by --clip: no counts, not written
        for (int s = 0; s < steps; ++s) zs[s] = z[s][k], ps[s] = p[s][k], totals[k] += counts[s][k];
        classes[k] = classifyEmerging(zs, ps, eo);
        trend[k] = mannKendall(zs, o.alpha);
        ++tally[classes[k]];
    }
    OutputStaging staging(o.outDir);
    VectorWriter gpkg(staging.stagedPath("emerging.gpkg"));
    gpkg.createLayer("emerging_hotspots", GeometryKind::Polygon, o.input.ingest.analysisCrs,
                     {{"cell_id", FieldType::Integer64}, {"pattern"}, {"pattern_code", FieldType::Integer}, {"incidents", FieldType::Real}, {"trend_z", FieldType::Real}, {"final_z", FieldType::Real}, {"trend_s", FieldType::Real}, {"trend_variance", FieldType::Real}, {"trend_p", FieldType::Real}},
                     fmt::format("Emerging hot spot classes over {} steps of {} month(s) from {}", steps, o.stepMonths, formatMonth(first)));
    CsvWriter csv(staging.stagedPath("emerging.csv"));
    csv.row({"cell_id", "x", "y", "pattern", "incidents", "trend_z", "final_z", "trend_s", "trend_variance", "trend_p"});
    for (size_t k = 0; k < cells; ++k) {
        if (classes[k] == EmergingClass::NoPattern && totals[k] == 0) continue;
        const int64_t row = static_cast<int64_t>(k) / grid.cols, col = static_cast<int64_t>(k) % grid.cols;
        gpkg.setInteger(0, static_cast<int64_t>(k));
        gpkg.setString(1, toString(classes[k]));
        gpkg.setInteger(2, static_cast<int>(classes[k]));
        gpkg.setReal(3, totals[k]);
        const double trendValues[] = {trend[k].z, z[steps - 1][k], trend[k].s, trend[k].variance, trend[k].p};
        for (int f = 0; f < 5; ++f)
            if (std::isfinite(trendValues[f])) gpkg.setReal(4 + f, trendValues[f]);
            else gpkg.setNull(4 + f);
        gpkg.setWkb(polygonWkb(grid.cellRing(row, col)));
        gpkg.writeFeature();
        csv.row({std::to_string(k), formatNumber(grid.centreX(row, col), 1), formatNumber(grid.centreY(row), 1), toString(classes[k]),
                 formatNumber(totals[k], 0), formatNumber(trend[k].z), formatNumber(z[steps - 1][k]), formatNumber(trend[k].s, 0),
                 formatNumber(trend[k].variance), formatNumber(trend[k].p, 6)});
    }
    auto info = baseMetadata(o.input, grid, monthsUsed(o.input.months, sel.month));
    info.push_back({"HOTSPOT_STEP_MONTHS", std::to_string(o.stepMonths)});
    info.push_back({"HOTSPOT_ALPHA", fmt::format("{}", o.alpha)});
    info.push_back({"HOTSPOT_GISTAR_NEIGHBOURS", fmt::format("{} ring(s), binary, self included, spatial only", o.rings)});
    info.push_back({"HOTSPOT_TREND", "Mann-Kendall on the per-step Gi* z"});
    writeRunInfo(gpkg, info);
    gpkg.close();
    writeGeoPackageStyles(staging.stagedPath("emerging.gpkg"));
    csv.close();
    // The series behind the classes: count and z per cell and step (cells with any incident).
    CsvWriter series(staging.stagedPath("emerging_series.csv"));
    series.row({"cell_id", "x", "y", "step", "step_start", "incidents", "gi_z", "gi_p"});
    for (size_t k = 0; k < cells; ++k) {
        if (totals[k] == 0) continue;
        const int64_t row = static_cast<int64_t>(k) / grid.cols, col = static_cast<int64_t>(k) % grid.cols;
        for (int s = 0; s < steps; ++s)
            series.row({std::to_string(k), formatNumber(grid.centreX(row, col), 1), formatNumber(grid.centreY(row), 1), std::to_string(s + 1),
                        formatMonth(first + s * o.stepMonths), formatNumber(counts[s][k], 0), formatNumber(z[s][k], 6), formatNumber(p[s][k], 6)});
    }
    series.close();
    if (steps < 10)
        report.lines.push_back(fmt::format(
            "warning: {} time steps; ArcGIS's Emerging Hot Spot Analysis needs at least 10 for a trend to mean much "
            "(the Mann-Kendall test has little power below that): use a longer period or `step` month",
            steps));
    report.lines.push_back(fmt::format("{} steps of {} month(s) from {} to {}; Gi* per step ({} ring(s)), significance at {}, Mann-Kendall trend on the z series",
                                       steps, o.stepMonths, formatMonth(first), formatMonth(first + (steps - 1) * o.stepMonths), o.rings, o.alpha));
    for (const auto& [c, n] : tally)
        if (c != EmergingClass::NoPattern) report.lines.push_back(fmt::format("{}: {} cells", toString(c), n));
    report.outputs = staging.commit();
    return report;
}

// ---------------------------------------------------------------------------------------------
// hotspot evaluate

RunReport runEvaluate(const EvaluateOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    auto studyArea = loadStudyArea(o.input);
    LoadedIncidents all = loadAll(o.input, progress);
    SelectedIncidents fit = select(all, o.input, o.fit, studyArea.get(), true);
    SelectedIncidents test = select(all, o.input, o.test, studyArea.get(), true);
    if (fit.x.empty() || test.x.empty()) throwUsage("both the fit and the test period need incidents", {"", 0, "fit"});
    GridSetup setup = makeGrid(fit.extent.united(test.extent), studyArea.get(), o.grid, 0, true);
    const Grid& grid = setup.grid;
    const CellCounts fitCells = countInCells(grid, fit.x, fit.y, fit.weight, setup.mask);
    const CellCounts testCells = countInCells(grid, test.x, test.y, test.weight, setup.mask);
    report.account(fit.ledger("fit (" + o.fit.label() + "), grid cells (evaluation.csv fit_incidents)", fitCells.counted, fitCells.exclusions()));
    report.account(test.ledger("test (" + o.test.label() + "), grid cells (evaluation.csv test_incidents)", testCells.counted, testCells.exclusions()));
    // The ranking and the scores read 0 where --clip left a cell out (the mask keeps them unchosen).
    auto zeroOutside = [](std::vector<double> v) {
        for (double& c : v)
            if (std::isnan(c)) c = 0;
        return v;
    };
    const std::vector<double> fitCounts = zeroOutside(fitCells.values), testCounts = zeroOutside(testCells.values);
    std::vector<double> surface = fitCounts;
    KdeOptions kde = o.kde;
    if (o.method == RankBy::Kde) {
        if (kde.bandwidth == 0) kde.bandwidth = arcgisDefaultBandwidth(fit.x, fit.y, fit.weight);
        surface = kernelDensity(grid, fit.x, fit.y, fit.weight, kde);
    }
    OutputStaging staging(o.outDir);
    CsvWriter csv(staging.stagedPath("evaluation.csv"));
    csv.row({"method", "fit_period", "test_period", "top_share", "cells_chosen", "cells_total", "area_share", "test_incidents",
             "test_incidents_in_hotspots", "hit_rate", "pai", "pai_fit", "rri", "fit_incidents"});
    report.lines.push_back(
        "definitions: hit rate = n/N (test-period incidents in the chosen cells / all test-period incidents); "
        "PAI = (n/N)/(a/A) (a = area of the chosen cells, A = study area); RRI = PAI(test)/PAI(fit) for the same cells");
    report.lines.push_back(fmt::format("cells ranked by {} of {}{}; grid {} x {} of {:.0f} m", o.method == RankBy::Kde ? "kernel density" : "counts",
                                       o.fit.label(), o.method == RankBy::Kde ? fmt::format(" ({} kernel, {:.0f} m)", toString(kde.kernel), kde.bandwidth) : "",
                                       grid.cols, grid.rows, grid.cellSize));
    for (double share : o.shares) {
        HotspotAccuracy a = hotspotAccuracy(surface, fitCounts, testCounts, share, setup.mask);
        csv.row({toString(o.method), o.fit.label(), o.test.label(), formatNumber(share, 4), std::to_string(a.cellsChosen), std::to_string(a.cellsTotal),
                 formatNumber(a.areaShare, 6), formatNumber(a.incidentsTest, 0), formatNumber(a.incidentsTestIn, 0), formatNumber(a.hitRate, 6),
                 formatNumber(a.pai, 3), formatNumber(a.paiFit, 3), formatNumber(a.rri, 3), formatNumber(a.incidentsFit, 0)});
        report.lines.push_back(fmt::format("top {:.1f} % of cells: hit rate {:.1f} %, PAI {:.2f}, RRI {:.2f}", 100 * share, 100 * a.hitRate, a.pai, a.rri));
    }
    csv.close();
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
