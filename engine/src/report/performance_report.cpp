#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hotspot/emerging.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/report.hpp"

#include "hotspot/census.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/vector_data.hpp"
#include "io/output_files.hpp"
#include "report/report_document.hpp"
#include "report/svg_figures.hpp"

namespace hotspot {

namespace {

std::string pct(double v) { return std::isfinite(v) ? fmt::format("{:+.1f}%", v) : std::string("n/a"); }
std::string share(double part, double whole) { return whole > 0 ? formatDecimal(100.0 * part / whole, 1) + "%" : std::string("n/a"); }

std::string slug(const std::string& s) {
    std::string out;
    for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_');
    return out;
}

}  // namespace

namespace {

// An area layer's polygons as plain features (code and name), for the report's maps.
VectorData asVectorData(const AreaLayer& layer) {
    VectorData d;
    d.layer = layer.label();
    d.fields = {"code", "name"};
    d.kind = ShapeKind::Polygon;
    for (size_t a = 0; a < layer.size(); ++a) {
        VectorFeature f = featureFromWkb(layer.wkb(a));
        f.fid = static_cast<int64_t>(a);
        f.values = {layer.code(a), layer.name(a)};
        for (const auto& part : f.parts)
            for (const auto& [x, y] : part) d.extent = d.extent.united({x, y, x, y});
        d.features.push_back(std::move(f));
    }
    return d;
}

struct CensusRates {
    std::vector<std::array<double, 2>> perArea;  // residents, households per area (NaN: no figure)
    std::vector<std::string> notes;
};

// Census residents / households for each area of `target` (by code, through a lookup, or
// apportioned from the census areas); without a target, the tables' totals for one area.
CensusRates loadCensus(const PerformanceReportOptions& o, const AreaLayer* target) {
    CensusRates rates;
    rates.perArea.assign(target ? target->size() : 1, {NAN, NAN});
    if (o.census.empty()) return rates;
    std::vector<CodeLookup> lookups;
    for (const auto& path : o.lookups) lookups.push_back(CodeLookup::load(path));
    std::vector<AreaLayer> censusLayers = AreaLayer::loadEach(o.censusAreas, o.input.ingest.analysisCrs);
    std::vector<const AreaLayer*> candidates;
    if (target) candidates.push_back(target);
    for (const auto& layer : censusLayers) candidates.push_back(&layer);
    for (const auto& spec : o.census) {
        const CensusTable table = CensusTable::load(spec);
        const auto m = static_cast<size_t>(table.measure);
        if (!target) {
            rates.perArea[0][m] = table.total();
            rates.notes.push_back(fmt::format("{}: {} (all areas of the table)", toString(table.measure), table.path));
            continue;
        }
        const AreaDenominator d = denominatorFor(table, *target, candidates, lookups, {});
        for (size_t a = 0; a < target->size(); ++a) rates.perArea[a][m] = d.values[a];
        rates.notes.push_back(d.method);
    }
    return rates;
}

struct RowTotals {
    int64_t read = 0, rejected = 0, superseded = 0;
};

// The neighbourhood priority areas: every incident of the latest two years placed in its area,
// counted per group, with the census rates of the area.
void countPriorityAreas(const PerformanceReportOptions& o, const IncidentTable& t, const CategoryMap& map, const std::vector<uint16_t>& excluded,
                        const RowTotals& rows, ReportData& data, RunReport& report) {
    if (groupByLabel(o.priorityAreas).size() > 1) throwUsage("`priority_areas` takes one area layer", {"", 0, "priority_areas"});
    const AreaLayer layer = AreaLayer::load(o.priorityAreas, o.input.ingest.analysisCrs);
    data.priorityLabel = layer.label();
    data.priorityLayer = asVectorData(layer);
    std::vector<int32_t> where(t.size(), -1);
    layer.assign(t.x.data(), t.y.data(), t.size(), where.data());
    const CensusRates census = loadCensus(o, &layer);
    for (const auto& n : census.notes) report.lines.push_back("census (priority areas): " + n);
    data.priority.resize(layer.size());
    for (size_t a = 0; a < layer.size(); ++a) {
        PriorityArea& p = data.priority[a];
        p.code = layer.code(a), p.name = layer.name(a);
        p.denominators = census.perArea[a];
        p.outline = data.priorityLayer.features[a];
    }
    const int32_t latestFrom = data.to - 11, previousFrom = data.to - 23;
    int64_t withoutMonth = 0, otherMonths = 0, outside = 0, notLocated = 0, counted = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t.month[i] == kNoMonth) {
            ++withoutMonth;
            continue;
        }
        const bool latest = t.month[i] >= latestFrom && t.month[i] <= data.to;
        const bool previous = t.month[i] >= previousFrom && t.month[i] < latestFrom;
        if (!latest && !previous) {
            ++otherMonths;
            continue;
        }
        if (where[i] < 0) {
            if (latest) ++(std::isfinite(t.x[i]) ? outside : notLocated);
            continue;
        }
        PriorityArea& p = data.priority[static_cast<size_t>(where[i])];
        const std::string group = t.group[i] == kNoGroup ? "unmapped" : map.groups()[t.group[i]];
        p.byGroup[group][latest ? 1 : 0] += 1;
        if (std::find(excluded.begin(), excluded.end(), t.group[i]) == excluded.end()) (latest ? p.latest : p.previous) += 1;
        counted += latest;
    }
    // The ledger covers the latest year: previous-year incidents are the baseline of the change.
    int64_t previousYear = 0;
    for (size_t i = 0; i < t.size(); ++i) previousYear += t.month[i] != kNoMonth && t.month[i] >= previousFrom && t.month[i] < latestFrom;
    IncidentLedger ledger;
    ledger.scope = "priority areas of '" + layer.label() + "', latest year (priority_areas.csv group rows)";
    ledger.read = rows.read;
    ledger.notSelected = {{"rejected while reading", rows.rejected},
                          {"superseded by a later download", rows.superseded},
                          {"without a month", withoutMonth},
                          {fmt::format("outside the year from {} to {}", formatMonth(latestFrom), formatMonth(data.to)), otherMonths + previousYear}};
    ledger.selected = rows.read - rows.rejected - rows.superseded - withoutMonth - otherMonths - previousYear;
    ledger.excluded = {{"not located", notLocated}, {"outside every area of '" + layer.label() + "'", outside}};
    ledger.counted = counted;
    report.account(std::move(ledger));
}

void writePriorityCsv(const std::string& path, const ReportData& d) {
    CsvWriter csv(path);
    csv.row({"layer", "area_code", "area_name", "group", "previous_year", "latest_year", "change_pct", "per_1000_residents", "per_1000_households"});
    for (const PriorityArea& p : d.priority) {
        auto emit = [&](const std::string& group, double previous, double latest) {
            csv.row({d.priorityLabel, p.code, p.name, group, formatDecimal(previous, 0), formatDecimal(latest, 0), formatDecimal(percentChange(previous, latest), 1),
                     p.denominators[0] > 0 ? formatDecimal(1000.0 * latest / p.denominators[0], 2) : "",
                     p.denominators[1] > 0 ? formatDecimal(1000.0 * latest / p.denominators[1], 2) : ""});
        };
        emit("all crime", p.previous, p.latest);
        for (const auto& [group, c] : p.byGroup) emit(group, c[0], c[1]);
    }
    csv.close();
}

// Counts per area, group and category over the years, with the ledger of every row read.
ReportData countReport(const PerformanceReportOptions& o, const IngestResult& in, RunReport& report) {
    int64_t rowsRead = 0, rowsRejected = 0, rowsSuperseded = 0;
    for (const auto& f : in.files) rowsRead += f.rows, rowsRejected += f.rejected, rowsSuperseded += f.superseded;
    report.lines.push_back(fmt::format("{} input rows = {} read + {} rejected (rejects.csv, with the reason) + {} superseded by a later download",
                                       rowsRead, rowsRead - rowsRejected - rowsSuperseded, rowsRejected, rowsSuperseded));
    for (const auto& [n, reason] : rejectReasonCounts(in.rejects)) report.lines.push_back(fmt::format("  rejected: {} x {}", n, reason));
    for (const auto& line : describeSetAside(in.setAside)) report.lines.push_back(line);
    for (const auto& line : describeOutcomes(in.outcomes)) report.lines.push_back(line);
    const IncidentTable& t = in.table;
    const CategoryMap& map = *o.input.ingest.categories;
    ReportData data;
    data.title = o.title;
    data.years = o.years;
    data.inputs = t.files;
    int32_t to = o.toMonth;
    if (to == kNoMonth)
        for (int32_t m : t.month) to = std::max(to, m);
    if (to == kNoMonth) throwUsage("the incidents have no months", {"", 0, "to"});
    const int32_t from = to - 12 * o.years + 1;
    data.from = from, data.to = to;
    for (int y = 0; y < o.years; ++y) data.yearLabels.push_back(fmt::format("year to {}", formatMonth(from + 12 * y + 11)));
    data.excludedFromTotal = o.excludeFromTotal;
    // The outcome group of each crime (police.uk outcomes, joined at reading), when the data has them.
    const AttributeColumn* outcomes = nullptr;
    const AttributeColumn* flag = nullptr;
    for (const auto& column : t.attributes) {
        if (column.name == "outcome_group") outcomes = &column;
        if (!o.flagField.empty() && column.name == o.flagField) flag = &column;
    }
    if (!o.flagField.empty() && !flag) throwUsage("no column '" + o.flagField + "' in the incidents", {"", 0, "flag_field"});
    if (flag) data.flagField = o.flagField, data.flagValue = o.flagValue;
    std::vector<uint16_t> excluded;
    for (const auto& g : o.excludeFromTotal)
        if (auto i = map.groupIndex(g)) excluded.push_back(*i);

    // Which area each incident counts for.
    std::vector<std::string> areaNames = {"All areas"};
    std::vector<int32_t> area(t.size(), 0);
    std::optional<AreaLayer> byLayer;
    if (!o.by.empty()) {
        if (groupByLabel(o.by).size() > 1) throwUsage("`by` takes one area layer: run the report once per layer", {"", 0, "by"});
        byLayer.emplace(AreaLayer::load(o.by, o.input.ingest.analysisCrs));
        data.byLabel = byLayer->label();
        data.byLayer = asVectorData(*byLayer);
        areaNames.clear();
        for (size_t a = 0; a < byLayer->size(); ++a) areaNames.push_back(byLayer->name(a));
        byLayer->assign(t.x.data(), t.y.data(), t.size(), area.data());
    }
    data.areas.resize(areaNames.size());
    for (size_t a = 0; a < areaNames.size(); ++a) data.areas[a].name = areaNames[a];
    // Census residents / households per area (NaN: no figure), for rates per 1,000.
    const CensusRates census = loadCensus(o, byLayer ? &*byLayer : nullptr);
    for (size_t a = 0; a < areaNames.size(); ++a) data.areas[a].denominators = census.perArea.at(a);
    data.censusNotes = census.notes;
    for (const auto& n : census.notes) report.lines.push_back("census: " + n);

    // area -> row key -> counts; keys: "G|group" and "C|group|category"
    std::vector<std::map<std::string, YearCounts>> table(areaNames.size());
    std::vector<YearCounts> totals(areaNames.size(), YearCounts{std::vector<double>(o.years, 0), std::vector<double>(o.years, 0)});
    int64_t used = 0, withoutMonth = 0, otherYears = 0, outside = 0, notLocated = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t.month[i] == kNoMonth) {
            ++withoutMonth;
            continue;
        }
        if (t.month[i] < from || t.month[i] > to) {
            ++otherYears;
            continue;
        }
        if (area[i] < 0) {
            ++(std::isfinite(t.x[i]) ? outside : notLocated);
            continue;
        }
        const int y = (t.month[i] - from) / 12;
        const std::string group = t.group[i] == kNoGroup ? "unmapped" : map.groups()[t.group[i]];
        const bool flagged = flag && flag->values.at(i) == o.flagValue;
        for (const std::string& key : {"G|" + group, "C|" + group + "|" + t.category.at(i)}) {
            YearCounts& c = table[area[i]][key];
            if (c.year.empty()) c.year.assign(o.years, 0), c.flagged.assign(o.years, 0);
            c.year[y] += 1;
            c.flagged[y] += flagged;
        }
        const bool inTotal = std::find(excluded.begin(), excluded.end(), t.group[i]) == excluded.end();
        if (inTotal) {
            totals[area[i]].year[y] += 1;
            totals[area[i]].flagged[y] += flagged;
        }
        if (outcomes && y == o.years - 1) {
            const std::string& outcome = outcomes->values.at(i);
            const std::string key = outcome.empty() ? "(no outcome published)" : outcome;
            auto& byGroup = data.areas[area[i]].outcomes;
            ++byGroup[group][key];
            if (inTotal) ++byGroup["all crime"][key];
        }
        ++used;
    }
    IncidentLedger ledger;
    ledger.scope = "years and areas (performance_report.csv group rows)";
    ledger.read = rowsRead;
    ledger.notSelected = {{"rejected while reading", rowsRejected},
                          {"superseded by a later download", rowsSuperseded},
                          {"without a month", withoutMonth},
                          {fmt::format("outside the {} years from {} to {}", o.years, formatMonth(from), formatMonth(to)), otherYears}};
    ledger.selected = rowsRead - rowsRejected - rowsSuperseded - withoutMonth - otherYears;
    if (!o.by.empty()) ledger.excluded = {{"not located", notLocated}, {"outside every area of '" + data.byLabel + "'", outside}};
    ledger.counted = used;
    report.account(std::move(ledger));
    data.incidentsCounted = used, data.outsideAreas = outside, data.notLocated = notLocated;
    report.lines.push_back(fmt::format(
        "{} incidents from {} to {} reported; {} outside every area, {} without a location; "
        "\"All crime\" excludes {}",
        used, formatMonth(from), formatMonth(to), outside, notLocated,
        o.excludeFromTotal.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(o.excludeFromTotal, ", "))));

    // Rows in the report's order: the total, then each group followed by its categories (when it has more than one).
    for (size_t a = 0; a < areaNames.size(); ++a) {
        auto& rows = data.areas[a].rows;
        rows.push_back({"total", "all crime", "", totals[a], true});
        for (const auto& [key, c] : table[a]) {
            if (key[0] != 'G') continue;
            const std::string group = key.substr(2);
            const bool inTotal = std::find(o.excludeFromTotal.begin(), o.excludeFromTotal.end(), group) == o.excludeFromTotal.end();
            rows.push_back({"group", group, "", c, inTotal});
            std::vector<ReportRow> cats;
            for (const auto& [k2, c2] : table[a])
                if (k2.rfind("C|" + group + "|", 0) == 0) cats.push_back({"category", group, k2.substr(group.size() + 3), c2, inTotal});
            if (cats.size() > 1) rows.insert(rows.end(), cats.begin(), cats.end());
        }
    }
    if (!o.priorityAreas.empty()) countPriorityAreas(o, t, map, excluded, {rowsRead, rowsRejected, rowsSuperseded}, data, report);
    return data;
}

void writeReportCsv(const std::string& path, const ReportData& d) {
    CsvWriter csv(path);
    std::vector<std::string> header = {"area", "level", "group", "category"};
    for (const auto& l : d.yearLabels) header.push_back(l);
    header.insert(header.end(), {"change_vs_previous_pct", "change_vs_first_pct", "share_of_all_crime_pct", "flagged", "flagged_share_pct",
                                 "flagged_change_vs_previous_pct", "per_1000_residents", "per_1000_households"});
    csv.row(header);
    const bool flag = !d.flagField.empty();
    const int last = d.years - 1;
    for (const AreaSection& area : d.areas) {
        const YearCounts& total = area.rows.front().counts;
        for (const ReportRow& r : area.rows) {
            const YearCounts& c = r.counts;
            std::vector<std::string> row = {area.name, r.level, r.group, r.category};
            for (double v : c.year) row.push_back(fmt::format("{:.0f}", v));
            row.push_back(formatDecimal(percentChange(c.year[last - 1], c.year[last]), 1));
            row.push_back(formatDecimal(percentChange(c.year[0], c.year[last]), 1));
            row.push_back(r.inTotal && total.year[last] > 0 ? formatDecimal(100.0 * c.year[last] / total.year[last], 1) : "");
            row.push_back(flag ? fmt::format("{:.0f}", c.flagged[last]) : "");
            row.push_back(flag && c.year[last] > 0 ? formatDecimal(100.0 * c.flagged[last] / c.year[last], 1) : "");
            row.push_back(flag ? formatDecimal(percentChange(c.flagged[last - 1], c.flagged[last]), 1) : "");
            for (double den : area.denominators) row.push_back(den > 0 ? formatDecimal(1000.0 * c.year[last] / den, 2) : "");
            csv.row(row);
        }
    }
    csv.close();
}

std::string reportMarkdown(const ReportData& d, const PerformanceReportOptions& o) {
    const bool flag = !d.flagField.empty();
    const int last = d.years - 1;
    std::string md = "# " + d.title + "\n\n";
    md += fmt::format(
        "Counts for the {} years to {}; change of the latest year against the previous one and against the first; "
        "share of all crime (all groups except {}) in the latest year{}. Change with a zero baseline is n/a.\n",
        d.years, formatMonth(d.to), fmt::format("{}", fmt::join(d.excludedFromTotal, ", ")),
        flag ? fmt::format("; flagged = rows whose '{}' is '{}'", d.flagField, d.flagValue) : "");
    for (const AreaSection& area : d.areas) {
        md += "\n## " + area.name + "\n\n";
        const YearCounts& total = area.rows.front().counts;
        if (!o.census.empty()) {
            const auto& den = area.denominators;
            md += fmt::format("Census 2021: {} residents, {} households; all crime in {}: {} per 1,000 residents, {} per 1,000 households.\n\n",
                              den[0] > 0 ? formatDecimal(den[0], 0) : "n/a", den[1] > 0 ? formatDecimal(den[1], 0) : "n/a", d.yearLabels[last],
                              den[0] > 0 ? formatDecimal(1000.0 * total.year[last] / den[0], 1) : "n/a",
                              den[1] > 0 ? formatDecimal(1000.0 * total.year[last] / den[1], 1) : "n/a");
        }
        md += "| group / category |";
        for (const auto& l : d.yearLabels) md += " " + l + " |";
        md += " change | vs first | share of all crime |" + std::string(flag ? " flagged share | flagged change |" : "") + "\n|---|";
        for (int y = 0; y < d.years + 3 + (flag ? 2 : 0); ++y) md += "---:|";
        md += "\n";
        for (const ReportRow& r : area.rows) {
            const YearCounts& c = r.counts;
            const bool isTotal = r.level == "total";
            const std::string name = isTotal ? "**All crime**" : r.level == "group" ? "**" + r.group + "**"
                                                                                    : "&nbsp;&nbsp;" + r.category;
            md += "| " + name + " |";
            for (double v : c.year) md += fmt::format(" {:.0f} |", v);
            md += " " + pct(percentChange(c.year[last - 1], c.year[last])) + " | " + pct(percentChange(c.year[0], c.year[last])) + " | " +
                  (isTotal ? std::string("100%") : r.inTotal ? share(c.year[last], total.year[last])
                                                             : std::string("not in total")) +
                  " |";
            if (flag) md += " " + share(c.flagged[last], c.year[last]) + " | " + pct(percentChange(c.flagged[last - 1], c.flagged[last])) + " |";
            md += "\n";
        }
        md += "\n![" + area.name + "](performance_" + slug(area.name) + ".svg)\n";
    }
    return md;
}

// Outcome rates: what a scrutiny panel asks after "how many" - e.g. the share of burglaries of the
// latest year closed with no suspect identified, per area. Appends its section to the Markdown.
void writeOutcomes(const std::string& path, const ReportData& d, std::string& md) {
    CsvWriter out(path);
    out.row({"area", "group", "outcome_group", "crimes", "share_pct", "year"});
    const std::string& latest = d.yearLabels.back();
    md += fmt::format(
        "\n## Outcomes of the {}\n\nLatest outcome of each crime (police.uk outcomes files, else the street file's last "
        "outcome), grouped by data/categories/police_uk_outcomes.csv; share of the group's crimes in the area.\n",
        latest);
    for (const AreaSection& area : d.areas) {
        md += "\n### " + area.name + "\n\n| group | outcome group | crimes | share |\n|---|---|---:|---:|\n";
        for (const auto& [group, byOutcome] : area.outcomes) {
            int64_t crimes = 0;
            for (const auto& [outcome, n] : byOutcome) crimes += n;
            for (const auto& [outcome, n] : byOutcome) {
                const std::string sharePct = formatDecimal(100.0 * static_cast<double>(n) / static_cast<double>(crimes), 1);
                out.row({area.name, group, outcome, std::to_string(n), sharePct, latest});
                md += fmt::format("| {} | {} | {} | {}% |\n", group, outcome, n, sharePct);
            }
        }
    }
    out.close();
}

}  // namespace

std::vector<svg::Series> yearSeries(const std::vector<std::string>& yearLabels) {
    // Bars like the report's chart: the oldest year grey, then yellow, the latest red.
    std::vector<svg::Series> series;
    for (size_t y = 0; y < yearLabels.size(); ++y)
        series.push_back({yearLabels[y], y + 1 == yearLabels.size() ? "#c62828" : y + 2 == yearLabels.size() ? "#f2b705"
                                                                                                             : "#9e9e9e"});
    return series;
}

std::string areaChartSvg(const ReportData& d, const AreaSection& area) {
    std::vector<std::string> labels;
    std::vector<std::vector<double>> values;
    for (const ReportRow& r : area.rows)
        if (r.level == "group") labels.push_back(r.group), values.push_back(r.counts.year);
    return svg::groupedBarChart(d.title + " - " + area.name, labels, yearSeries(d.yearLabels), values);
}

RunReport runPerformanceReport(const PerformanceReportOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    IngestOptions io = o.input.ingest;
    io.progress = &progress;
    IngestResult in = ingest(expandInputPaths(o.input.inputs), io);
    requireUsableRows(in);
    // Rows that cannot be counted (an empty --category-field value, a bad month ...) are never
    // dropped silently: they go to rejects.csv and the summary totals them.
    const ReportData data = countReport(o, in, report);

    OutputStaging staging(o.outDir);
    writeIngestRejects(staging.stagedPath("rejects.csv"), in);
    writeReportCsv(staging.stagedPath("performance_report.csv"), data);
    std::string md = reportMarkdown(data, o);
    for (const AreaSection& area : data.areas) {
        std::vector<std::string> labels;
        std::vector<std::vector<double>> values;
        for (const ReportRow& r : area.rows)
            if (r.level == "group") labels.push_back(r.group), values.push_back(r.counts.year);
        std::vector<BarSeries> series;
        for (const svg::Series& s : yearSeries(data.yearLabels)) {
            const auto channel = [&](size_t at) { return static_cast<unsigned char>(std::stoi(s.colour.substr(at, 2), nullptr, 16)); };
            series.push_back({s.label, channel(1), channel(3), channel(5)});
        }
        writeBarChartPng(staging.stagedPath("performance_" + slug(area.name) + ".png"), o.title + " - " + area.name, labels, series, values);
        writeTextFile(staging.stagedPath("performance_" + slug(area.name) + ".svg"), areaChartSvg(data, area));
    }
    if (std::any_of(data.areas.begin(), data.areas.end(), [](const AreaSection& a) { return !a.outcomes.empty(); }))
        writeOutcomes(staging.stagedPath("outcomes_by_area.csv"), data, md);
    writeTextFile(staging.stagedPath("performance_report.md"), md);
    if (!data.priority.empty()) writePriorityCsv(staging.stagedPath("priority_areas.csv"), data);
    const std::string html = staging.stagedPath("performance_report.html");
    writeTextFile(html, performanceReportHtml(data, o));
    if (o.renderPdf) {
        progress.note("rendering performance_report.pdf");
        o.renderPdf(html, staging.stagedPath("performance_report.pdf"));
    }
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
