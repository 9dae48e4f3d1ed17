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
#include "io/output_files.hpp"

namespace hotspot {

namespace {

struct Counts {
    std::vector<double> year;     // per year, oldest first
    std::vector<double> flagged;  // per year
};

std::string pct(double v) { return std::isfinite(v) ? fmt::format("{:+.1f}%", v) : std::string("n/a"); }
std::string share(double part, double whole) { return whole > 0 ? formatDecimal(100.0 * part / whole, 1) + "%" : std::string("n/a"); }

std::string slug(const std::string& s) {
    std::string out;
    for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_');
    return out;
}

}  // namespace

RunReport runPerformanceReport(const PerformanceReportOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    RunReport report;
    IngestOptions io = o.input.ingest;
    io.progress = &progress;
    IngestResult in = ingest(expandInputPaths(o.input.inputs), io);
    requireUsableRows(in);
    // Rows that cannot be counted (an empty --category-field value, a bad month ...) are never
    // dropped silently: they go to rejects.csv and the summary totals them.
    int64_t rowsRead = 0, rowsRejected = 0, rowsSuperseded = 0;
    for (const auto& f : in.files) rowsRead += f.rows, rowsRejected += f.rejected, rowsSuperseded += f.superseded;
    report.lines.push_back(fmt::format("{} input rows = {} read + {} rejected (rejects.csv, with the reason) + {} superseded by a later download",
                                       rowsRead, rowsRead - rowsRejected - rowsSuperseded, rowsRejected, rowsSuperseded));
    for (const auto& [n, reason] : rejectReasonCounts(in.rejects)) report.lines.push_back(fmt::format("  rejected: {} x {}", n, reason));
    for (const auto& line : describeSetAside(in.setAside)) report.lines.push_back(line);
    for (const auto& line : describeOutcomes(in.outcomes)) report.lines.push_back(line);
    const IncidentTable& t = in.table;
    const CategoryMap& map = *o.input.ingest.categories;
    int32_t to = o.toMonth;
    if (to == kNoMonth)
        for (int32_t m : t.month) to = std::max(to, m);
    if (to == kNoMonth) throwUsage("the incidents have no months", {"", 0, "to"});
    const int32_t from = to - 12 * o.years + 1;
    // The outcome group of each crime (police.uk outcomes, joined at reading), when the data has them.
    int outcomeColumn = -1;
    for (size_t a = 0; a < t.attributes.size(); ++a)
        if (t.attributes[a].name == "outcome_group") outcomeColumn = static_cast<int>(a);
    // area -> crime group -> outcome group -> crimes of the latest year
    std::vector<std::map<std::string, std::map<std::string, int64_t>>> outcomeCounts;
    int flagColumn = -1;
    if (!o.flagField.empty()) {
        for (size_t a = 0; a < t.attributes.size(); ++a)
            if (t.attributes[a].name == o.flagField) flagColumn = static_cast<int>(a);
        if (flagColumn < 0) throwUsage("no column '" + o.flagField + "' in the incidents", {"", 0, "flag_field"});
    }
    std::vector<uint16_t> excluded;
    for (const auto& g : o.excludeFromTotal)
        if (auto i = map.groupIndex(g)) excluded.push_back(*i);

    // Which area each incident counts for.
    std::vector<std::string> areaNames = {"All areas"};
    std::vector<int32_t> area(t.size(), 0);
    std::string byLabel;
    std::optional<AreaLayer> byLayer;
    if (!o.by.empty()) {
        if (groupByLabel(o.by).size() > 1) throwUsage("`by` takes one area layer: run the report once per layer", {"", 0, "by"});
        byLayer.emplace(AreaLayer::load(o.by, o.input.ingest.analysisCrs));
        byLabel = byLayer->label();
        areaNames.clear();
        for (size_t a = 0; a < byLayer->size(); ++a) areaNames.push_back(byLayer->name(a));
        byLayer->assign(t.x.data(), t.y.data(), t.size(), area.data());
    }
    // Census residents / households per area (NaN: no figure), for rates per 1,000.
    std::vector<std::array<double, 2>> denominators(areaNames.size(), {NAN, NAN});
    std::vector<std::string> censusNotes;
    if (!o.census.empty()) {
        std::vector<CodeLookup> lookups;
        for (const auto& path : o.lookups) lookups.push_back(CodeLookup::load(path));
        std::vector<AreaLayer> censusLayers = AreaLayer::loadEach(o.censusAreas, o.input.ingest.analysisCrs);
        std::vector<const AreaLayer*> candidates;
        if (byLayer) candidates.push_back(&*byLayer);
        for (const auto& layer : censusLayers) candidates.push_back(&layer);
        for (const auto& spec : o.census) {
            const CensusTable table = CensusTable::load(spec);
            const size_t m = static_cast<size_t>(table.measure);
            if (!byLayer) {
                denominators[0][m] = table.total();
                censusNotes.push_back(fmt::format("{}: {} (all areas of the table)", toString(table.measure), table.path));
                continue;
            }
            const AreaDenominator d = denominatorFor(table, *byLayer, candidates, lookups, {});
            for (size_t a = 0; a < areaNames.size(); ++a) denominators[a][m] = d.values[a];
            censusNotes.push_back(d.method);
        }
        for (const auto& n : censusNotes) report.lines.push_back("census: " + n);
    }
    // area -> row key -> counts; keys: "G|group" and "C|group|category"
    std::vector<std::map<std::string, Counts>> table(areaNames.size());
    std::vector<Counts> totals(areaNames.size(), Counts{std::vector<double>(o.years, 0), std::vector<double>(o.years, 0)});
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
        const bool flagged = flagColumn >= 0 && t.attributes[flagColumn].values.at(i) == o.flagValue;
        for (const std::string& key : {"G|" + group, "C|" + group + "|" + t.category.at(i)}) {
            Counts& c = table[area[i]][key];
            if (c.year.empty()) c.year.assign(o.years, 0), c.flagged.assign(o.years, 0);
            c.year[y] += 1;
            c.flagged[y] += flagged;
        }
        const bool inTotal = std::find(excluded.begin(), excluded.end(), t.group[i]) == excluded.end();
        if (inTotal) {
            totals[area[i]].year[y] += 1;
            totals[area[i]].flagged[y] += flagged;
        }
        if (outcomeColumn >= 0 && y == o.years - 1) {
            if (outcomeCounts.empty()) outcomeCounts.resize(areaNames.size());
            const std::string& outcome = t.attributes[outcomeColumn].values.at(i);
            const std::string key = outcome.empty() ? "(no outcome published)" : outcome;
            ++outcomeCounts[area[i]][group][key];
            if (inTotal) ++outcomeCounts[area[i]]["all crime"][key];
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
    if (!o.by.empty()) ledger.excluded = {{"not located", notLocated}, {"outside every area of '" + byLabel + "'", outside}};
    ledger.counted = used;
    report.account(std::move(ledger));
    std::vector<std::string> yearLabels;
    for (int y = 0; y < o.years; ++y)
        yearLabels.push_back(fmt::format("year to {}", formatMonth(from + 12 * y + 11)));
    report.lines.push_back(fmt::format(
        "{} incidents from {} to {} reported; {} outside every area, {} without a location; "
        "\"All crime\" excludes {}",
        used, formatMonth(from), formatMonth(to), outside, notLocated,
        o.excludeFromTotal.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(o.excludeFromTotal, ", "))));

    OutputStaging staging(o.outDir);
    writeIngestRejects(staging.stagedPath("rejects.csv"), in);
    CsvWriter csv(staging.stagedPath("performance_report.csv"));
    std::vector<std::string> header = {"area", "level", "group", "category"};
    for (const auto& l : yearLabels) header.push_back(l);
    header.insert(header.end(), {"change_vs_previous_pct", "change_vs_first_pct", "share_of_all_crime_pct", "flagged", "flagged_share_pct",
                                 "flagged_change_vs_previous_pct", "per_1000_residents", "per_1000_households"});
    csv.row(header);
    std::string md = "# " + o.title + "\n\n";
    md += fmt::format(
        "Counts for the {} years to {}; change of the latest year against the previous one and against the first; "
        "share of all crime (all groups except {}) in the latest year{}. Change with a zero baseline is n/a.\n",
        o.years, formatMonth(to), fmt::format("{}", fmt::join(o.excludeFromTotal, ", ")),
        flagColumn >= 0 ? fmt::format("; flagged = rows whose '{}' is '{}'", o.flagField, o.flagValue) : "");
    const int last = o.years - 1;
    for (size_t a = 0; a < areaNames.size(); ++a) {
        md += "\n## " + areaNames[a] + "\n\n";
        if (!o.census.empty()) {
            const auto& d = denominators[a];
            md += fmt::format("Census 2021: {} residents, {} households; all crime in {}: {} per 1,000 residents, {} per 1,000 households.\n\n",
                              d[0] > 0 ? formatDecimal(d[0], 0) : "n/a", d[1] > 0 ? formatDecimal(d[1], 0) : "n/a", yearLabels[last],
                              d[0] > 0 ? formatDecimal(1000.0 * totals[a].year[last] / d[0], 1) : "n/a",
                              d[1] > 0 ? formatDecimal(1000.0 * totals[a].year[last] / d[1], 1) : "n/a");
        }
        md += "| group / category |";
        for (const auto& l : yearLabels) md += " " + l + " |";
        md += " change | vs first | share of all crime |" + std::string(flagColumn >= 0 ? " flagged share | flagged change |" : "") + "\n|---|";
        for (int y = 0; y < o.years + 3 + (flagColumn >= 0 ? 2 : 0); ++y) md += "---:|";
        md += "\n";
        auto emit = [&](const std::string& level, const std::string& group, const std::string& category, const Counts& c, bool isTotal) {
            const bool inTotal = isTotal || std::find(o.excludeFromTotal.begin(), o.excludeFromTotal.end(), group) == o.excludeFromTotal.end();
            std::vector<std::string> row = {areaNames[a], level, group, category};
            for (double v : c.year) row.push_back(fmt::format("{:.0f}", v));
            const double chPrev = percentChange(c.year[last - 1], c.year[last]), chFirst = percentChange(c.year[0], c.year[last]);
            const double flagChange = percentChange(c.flagged[last - 1], c.flagged[last]);
            row.push_back(formatDecimal(chPrev, 1));
            row.push_back(formatDecimal(chFirst, 1));
            row.push_back(inTotal && totals[a].year[last] > 0 ? formatDecimal(100.0 * c.year[last] / totals[a].year[last], 1) : "");
            row.push_back(flagColumn >= 0 ? fmt::format("{:.0f}", c.flagged[last]) : "");
            row.push_back(flagColumn >= 0 && c.year[last] > 0 ? formatDecimal(100.0 * c.flagged[last] / c.year[last], 1) : "");
            row.push_back(flagColumn >= 0 ? formatDecimal(flagChange, 1) : "");
            for (double d : denominators[a]) row.push_back(d > 0 ? formatDecimal(1000.0 * c.year[last] / d, 2) : "");
            csv.row(row);
            std::string name = isTotal ? "**All crime**" : level == "group" ? "**" + group + "**"
                                                                            : "&nbsp;&nbsp;" + category;
            md += "| " + name + " |";
            for (double v : c.year) md += fmt::format(" {:.0f} |", v);
            md += " " + pct(chPrev) + " | " + pct(chFirst) + " | " + (isTotal ? std::string("100%") : inTotal ? share(c.year[last], totals[a].year[last])
                                                                                                              : std::string("not in total")) +
                  " |";
            if (flagColumn >= 0) md += " " + share(c.flagged[last], c.year[last]) + " | " + pct(flagChange) + " |";
            md += "\n";
        };
        emit("total", "all crime", "", totals[a], true);
        std::vector<std::string> chartLabels;
        std::vector<std::vector<double>> chartValues;
        for (const auto& [key, c] : table[a]) {
            if (key[0] != 'G') continue;
            const std::string group = key.substr(2);
            emit("group", group, "", c, false);
            chartLabels.push_back(group);
            chartValues.push_back(c.year);
            std::vector<std::pair<std::string, const Counts*>> cats;
            for (const auto& [k2, c2] : table[a])
                if (k2.rfind("C|" + group + "|", 0) == 0) cats.emplace_back(k2.substr(group.size() + 3), &c2);
            if (cats.size() > 1)
                for (const auto& [cat, c2] : cats) emit("category", group, cat, *c2, false);
        }
        // Bars like the report's chart: the oldest year grey, then yellow, the latest red.
        std::vector<BarSeries> series;
        for (int y = 0; y < o.years; ++y) {
            if (y == last) series.push_back({yearLabels[y], 200, 40, 40});
            else if (y == last - 1) series.push_back({yearLabels[y], 235, 190, 40});
            else series.push_back({yearLabels[y], 150, 150, 150});
        }
        const std::string png = "performance_" + slug(areaNames[a]) + ".png";
        writeBarChartPng(staging.stagedPath(png), o.title + " - " + areaNames[a], chartLabels, series, chartValues);
        md += "\n![" + areaNames[a] + "](" + png + ")\n";
    }
    csv.close();
    // Outcome rates: what a scrutiny panel asks after "how many" - e.g. the share of burglaries of
    // the latest year closed with no suspect identified, per area.
    if (!outcomeCounts.empty()) {
        CsvWriter out(staging.stagedPath("outcomes_by_area.csv"));
        out.row({"area", "group", "outcome_group", "crimes", "share_pct", "year"});
        md += fmt::format(
            "\n## Outcomes of the {}\n\nLatest outcome of each crime (police.uk outcomes files, else the street file's last "
            "outcome), grouped by data/categories/police_uk_outcomes.csv; share of the group's crimes in the area.\n",
            yearLabels[o.years - 1]);
        for (size_t a = 0; a < areaNames.size(); ++a) {
            md += "\n### " + areaNames[a] + "\n\n| group | outcome group | crimes | share |\n|---|---|---:|---:|\n";
            for (const auto& [group, byOutcome] : outcomeCounts[a]) {
                int64_t crimes = 0;
                for (const auto& [outcome, n] : byOutcome) crimes += n;
                for (const auto& [outcome, n] : byOutcome) {
                    const std::string sharePct = formatDecimal(100.0 * static_cast<double>(n) / static_cast<double>(crimes), 1);
                    out.row({areaNames[a], group, outcome, std::to_string(n), sharePct, yearLabels[o.years - 1]});
                    md += fmt::format("| {} | {} | {} | {}% |\n", group, outcome, n, sharePct);
                }
            }
        }
        out.close();
    }
    writeTextFile(staging.stagedPath("performance_report.md"), md);
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
