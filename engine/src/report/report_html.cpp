// performance_report.html: the scrutiny report as a document. Everything is inline (CSS, SVG
// charts and maps), so the file opens anywhere without network access and prints as it shows.

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "hotspot/attribution.hpp"
#include "hotspot/emerging.hpp"
#include "hotspot/error.hpp"
#include "hotspot/report.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "io/csv_tokenizer.hpp"
#include "report/report_document.hpp"

namespace hotspot {

namespace {

using svg::escape;

std::string monthName(int32_t m) {
    static const char* names[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    const std::string text = formatMonth(m);  // YYYY-MM
    if (text.size() != 7) return text;
    return std::string(names[std::stoi(text.substr(5)) - 1]) + " " + text.substr(0, 4);
}

std::string thousands(double v) {
    if (!std::isfinite(v)) return "n/a";
    std::string digits = fmt::format("{:.0f}", std::abs(v)), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return (v < 0 ? "-" : "") + out;
}

std::string signedPct(double v) { return std::isfinite(v) ? fmt::format("{:+.1f}%", v) : std::string("n/a"); }

// "fell by 8.6%", "rose by 0.5%", "was unchanged", "could not be compared (no baseline)".
std::string changeWords(double before, double after) {
    const double c = percentChange(before, after);
    if (!std::isfinite(c)) return "has no baseline to compare with";
    if (std::abs(c) < 0.05) return "was unchanged";
    return fmt::format("{} by {:.1f}%", c < 0 ? "fell" : "rose", std::abs(c));
}

std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    int column(const std::string& name) const {
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return static_cast<int>(i);
        return -1;
    }
};

CsvTable readCsvTable(const std::string& path) {
    const std::string text = readWholeFile(path);
    CsvCursor cursor(text, 1);
    CsvRecord record;
    CsvTable table;
    while (cursor.next(record)) {
        std::vector<std::string> fields(record.fields.begin(), record.fields.end());
        if (table.header.empty()) table.header = std::move(fields);
        else table.rows.push_back(std::move(fields));
    }
    return table;
}

// An HTML table of chosen columns (header text, CSV column), at most `limit` rows.
std::string htmlTable(const CsvTable& t, const std::vector<std::pair<std::string, std::string>>& columns, size_t limit, const std::string& caption) {
    std::string h = "<table>\n<caption>" + escape(caption) + "</caption>\n<tr>";
    std::vector<int> index;
    for (const auto& [title, name] : columns) {
        if (t.column(name) < 0) continue;  // a column the run did not write (e.g. sites without --streets)
        index.push_back(t.column(name));
        h += "<th>" + escape(title) + "</th>";
    }
    h += "</tr>\n";
    for (size_t r = 0; r < t.rows.size() && r < limit; ++r) {
        h += "<tr>";
        for (int i : index) {
            const std::string v = i >= 0 && static_cast<size_t>(i) < t.rows[r].size() ? t.rows[r][static_cast<size_t>(i)] : "";
            const bool numeric = !v.empty() && (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '-');
            h += numeric ? "<td class=\"n\">" + escape(v) + "</td>" : "<td>" + escape(v) + "</td>";
        }
        h += "</tr>\n";
    }
    return h + "</table>\n";
}

const ReportRow* findRow(const AreaSection& area, const std::string& level, const std::string& group, const std::string& category = "") {
    for (const ReportRow& r : area.rows)
        if (r.level == level && r.group == group && r.category == category) return &r;
    return nullptr;
}

// The narrative of one area in the scrutiny report's words, every figure computed.
std::string narrative(const ReportData& d, const AreaSection& area) {
    const int last = d.years - 1;
    const std::string to = monthName(d.to);
    const YearCounts& total = area.rows.front().counts;
    std::string h = "<p>" + fmt::format("The total crime figure {} over the 12 months to {} ({} against {} the year before).",
                                        changeWords(total.year[last - 1], total.year[last]), to, thousands(total.year[last]),
                                        thousands(total.year[last - 1]));
    // The leading group: violence when the data has it (as the report), else the largest.
    const ReportRow* lead = findRow(area, "group", "violence");
    if (!lead)
        for (const ReportRow& r : area.rows)
            if (r.level == "group" && r.inTotal && (!lead || r.counts.year[last] > lead->counts.year[last])) lead = &r;
    if (lead && total.year[last] > 0) {
        const YearCounts& c = lead->counts;
        h += fmt::format(" Offences of {} {} in the year to {} and now account for {:.1f}% of all recorded crime.", lead->group,
                         changeWords(c.year[last - 1], c.year[last]), to, 100.0 * c.year[last] / total.year[last]);
        if (!d.flagField.empty() && c.year[last] > 0)
            h += fmt::format(" Offences flagged '{}' = {} account for {:.1f}% of {}, and these offences {} during the last 12 months.",
                             escape(d.flagField), escape(d.flagValue), 100.0 * c.flagged[last] / c.year[last], lead->group,
                             changeWords(c.flagged[last - 1], c.flagged[last]));
    }
    h += "</p>\n";
    // Burglary, category by category, against the first year as the report does.
    std::vector<const ReportRow*> burglary;
    for (const ReportRow& r : area.rows)
        if (r.group == "burglary" && r.level == "category") burglary.push_back(&r);
    if (burglary.empty())
        if (const ReportRow* g = findRow(area, "group", "burglary")) burglary.push_back(g);
    if (!burglary.empty()) {
        h += "<p>";
        for (const ReportRow* r : burglary) {
            const YearCounts& c = r->counts;
            h += fmt::format("{}: {} in the year to {}, which {} on the year before; the figure at {} was {}. ",
                             capitalised(escape(r->category.empty() ? r->group : r->category)), thousands(c.year[last]), to,
                             changeWords(c.year[last - 1], c.year[last]),
                             monthName(d.from + 11), thousands(c.year[0]));
        }
        h += "</p>\n";
    }
    // The largest rises and falls among the categories (groups when a group has one category)
    // with at least 20 incidents in one of the two years, as the report's "significant" changes.
    std::vector<std::pair<double, const ReportRow*>> changes;
    for (const ReportRow& r : area.rows) {
        if (r.level == "total" || r.group == "burglary") continue;
        if (r.level == "group" && std::any_of(area.rows.begin(), area.rows.end(), [&](const ReportRow& c) { return c.level == "category" && c.group == r.group; }))
            continue;
        const double before = r.counts.year[last - 1], after = r.counts.year[last];
        if (std::max(before, after) < 20 || !(before > 0)) continue;
        changes.emplace_back(percentChange(before, after), &r);
    }
    std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    auto describe = [&](const std::pair<double, const ReportRow*>& c) {
        const ReportRow& r = *c.second;
        return fmt::format("<em>{}</em> ({}, {})", escape(r.category.empty() ? r.group : r.category), signedPct(c.first), thousands(r.counts.year[last]));
    };
    std::vector<std::string> rises, falls;
    for (size_t i = 0; i < changes.size() && rises.size() < 3; ++i)
        if (changes[i].first > 0) rises.push_back(describe(changes[i]));
    for (size_t i = changes.size(); i-- > 0 && falls.size() < 3;)
        if (changes[i].first < 0) falls.push_back(describe(changes[i]));
    if (!rises.empty() || !falls.empty()) {
        h += "<p>";
        if (!rises.empty()) h += "The largest increases: " + fmt::format("{}", fmt::join(rises, ", ")) + ". ";
        if (!falls.empty()) h += "The largest decreases: " + fmt::format("{}", fmt::join(falls, ", ")) + ".";
        h += "</p>\n";
    }
    return h;
}

std::string areaTable(const ReportData& d, const AreaSection& area) {
    const int last = d.years - 1;
    const bool flag = !d.flagField.empty();
    const YearCounts& total = area.rows.front().counts;
    std::string h = "<table class=\"counts\">\n<caption>" + escape(area.name) + ": recorded incidents by group and category</caption>\n<tr><th>group / category</th>";
    for (const auto& l : d.yearLabels) h += "<th>" + escape(l) + "</th>";
    h += "<th>change</th><th>share of all crime</th>";
    if (flag) h += "<th>flagged share</th>";
    if (area.denominators[0] > 0) h += "<th>per 1,000 residents</th>";
    if (area.denominators[1] > 0) h += "<th>per 1,000 households</th>";
    h += "</tr>\n";
    for (const ReportRow& r : area.rows) {
        const YearCounts& c = r.counts;
        const std::string name = r.level == "total" ? "All crime" : r.level == "group" ? r.group
                                                                                       : r.category;
        h += std::string("<tr class=\"") + r.level + "\"><td>" + escape(name) + "</td>";
        for (double v : c.year) h += "<td class=\"n\">" + thousands(v) + "</td>";
        h += "<td class=\"n\">" + signedPct(percentChange(c.year[last - 1], c.year[last])) + "</td>";
        h += "<td class=\"n\">" +
             (r.inTotal && total.year[last] > 0 ? formatDecimal(100.0 * c.year[last] / total.year[last], 1) + "%" : std::string("not in total")) + "</td>";
        if (flag) h += "<td class=\"n\">" + (c.year[last] > 0 ? formatDecimal(100.0 * c.flagged[last] / c.year[last], 1) + "%" : std::string("n/a")) + "</td>";
        for (double den : area.denominators)
            if (den > 0) h += "<td class=\"n\">" + formatDecimal(1000.0 * c.year[last] / den, 2) + "</td>";
        h += "</tr>\n";
    }
    return h + "</table>\n";
}

// The hot spot layers of a gistar run, drawn under the areas' outlines.
struct HotspotLayers {
    VectorData cells, zones;
    bool present = false;
};

const std::vector<std::pair<std::string, std::string>>& binColours() {
    static const std::vector<std::pair<std::string, std::string>> colours = {{"3", "#b2182b"}, {"2", "#ef8a62"}, {"1", "#fddbc7"}, {"-1", "#d1e5f0"}, {"-2", "#67a9cf"}, {"-3", "#2166ac"}};
    return colours;
}

std::vector<svg::MapLayer> hotspotMapLayers(const HotspotLayers& hot) {
    std::vector<svg::MapLayer> layers;
    if (!hot.present) return layers;
    svg::MapLayer cells{&hot.cells, {"none", "none", 0, 0.9, 0, ""}, "gi_bin", binColours(), "", "Gi* hot spot cells (99, 95, 90 %; cold in blue)"};
    layers.push_back(cells);
    layers.push_back({&hot.zones, {"none", "#7f0000", 1.2, 1, 0, ""}, "", {}, "", "hot spot zones"});
    return layers;
}

std::string figure(const std::string& svgText, const std::string& caption) {
    return "<figure>\n" + svgText + "<figcaption>" + escape(caption) + "</figcaption>\n</figure>\n";
}

std::string prioritySection(const ReportData& d, const HotspotLayers& hot, const std::string& credits) {
    std::string h = "<section id=\"priority\">\n<h2>Neighbourhood priority areas</h2>\n";
    h += fmt::format(
        "<p>Recorded incidents in each area of '{}' in the 12 months to {} against the 12 months before ('all crime' as above); "
        "rates per 1,000 residents and households where census tables were given.</p>\n",
        escape(d.priorityLabel), monthName(d.to));
    const bool residents = std::any_of(d.priority.begin(), d.priority.end(), [](const PriorityArea& p) { return p.denominators[0] > 0; });
    const bool households = std::any_of(d.priority.begin(), d.priority.end(), [](const PriorityArea& p) { return p.denominators[1] > 0; });
    h += "<table>\n<caption>Priority areas, all crime</caption>\n<tr><th>area</th><th>previous year</th><th>latest year</th><th>change</th>";
    if (residents) h += "<th>per 1,000 residents</th>";
    if (households) h += "<th>per 1,000 households</th>";
    h += "<th>largest group</th></tr>\n";
    for (const PriorityArea& p : d.priority) {
        std::string largest;
        double most = 0;
        for (const auto& [group, c] : p.byGroup)
            if (c[1] > most) most = c[1], largest = group;
        h += "<tr><td>" + escape(p.name) + "</td><td class=\"n\">" + thousands(p.previous) + "</td><td class=\"n\">" + thousands(p.latest) +
             "</td><td class=\"n\">" + signedPct(percentChange(p.previous, p.latest)) + "</td>";
        if (residents) h += "<td class=\"n\">" + (p.denominators[0] > 0 ? formatDecimal(1000.0 * p.latest / p.denominators[0], 1) : "n/a") + "</td>";
        if (households) h += "<td class=\"n\">" + (p.denominators[1] > 0 ? formatDecimal(1000.0 * p.latest / p.denominators[1], 1) : "n/a") + "</td>";
        h += "<td>" + escape(largest) + (largest.empty() ? "" : " (" + thousands(most) + ")") + "</td></tr>\n";
    }
    h += "</table>\n";
    // One map per area: its outline over the hot spot cells, the neighbouring areas in grey.
    h += "<div class=\"maps\">\n";
    for (size_t a = 0; a < d.priority.size(); ++a) {
        const PriorityArea& p = d.priority[a];
        VectorData self;
        self.fields = {"code", "name"};
        self.kind = ShapeKind::Polygon;
        self.features.push_back(p.outline);
        Extent e{0, 0, -1, -1};
        for (const auto& part : p.outline.parts)
            for (const auto& [x, y] : part) e = e.united({x, y, x, y});
        svg::MapFigure map;
        map.id = fmt::format("priority{}", a);
        map.title = p.name;
        map.extent = svg::paddedExtent(e, 0.15);
        map.width = 420, map.height = 330;
        map.layers.push_back({&d.priorityLayer, {"#ffffff", "#999999", 0.8, 1, 0, ""}, "", {}, "", ""});
        for (auto& layer : hotspotMapLayers(hot)) map.layers.push_back(layer);
        map.layers.push_back({&self, {"none", "#1a237e", 2.2, 1, 0, ""}, "", {}, "", "priority area"});
        map.attribution = credits;
        h += figure(svg::map(map), fmt::format("{}: {} incidents in the latest year ({} on the year before).", p.name, thousands(p.latest),
                                               signedPct(percentChange(p.previous, p.latest))));
    }
    return h + "</div>\n</section>\n";
}

// A section from another run's output folder: its table and a map of its layer.
struct RunSection {
    std::string id, heading, intro, csv;
    std::vector<std::pair<std::string, std::string>> columns;
    size_t rows = 10;
    std::string gpkg, layer, labelField, legend;
    svg::MapStyle style;
    std::string extraLayer;  // drawn under the main layer (e.g. buffer rings), empty: none
    svg::MapStyle extraStyle;
};

std::string runSection(const RunSection& s, const std::string& folder, const ReportData& d, const std::string& crs, const std::string& credits) {
    const std::string csvPath = (std::filesystem::path(folder) / s.csv).string();
    const CsvTable table = readCsvTable(csvPath);
    std::string h = "<section id=\"" + s.id + "\">\n<h2>" + escape(s.heading) + "</h2>\n<p>" + s.intro + "</p>\n";
    h += htmlTable(table, s.columns, s.rows, fmt::format("{} (first {} of {} rows; all in {})", s.heading, std::min(s.rows, table.rows.size()), table.rows.size(), s.csv));
    const std::string gpkgPath = (std::filesystem::path(folder) / s.gpkg).string();
    const VectorData main = readVectorData(gpkgPath, s.layer, crs);
    VectorData extra;
    if (!s.extraLayer.empty()) extra = readVectorData(gpkgPath, s.extraLayer, crs);
    svg::MapFigure map;
    map.id = s.id;
    map.title = s.heading;
    map.extent = svg::paddedExtent(main.extent.united(extra.extent), 0.08);
    map.width = 760, map.height = 520;
    if (!d.byLayer.features.empty()) map.layers.push_back({&d.byLayer, {"#ffffff", "#888888", 1, 1, 0, ""}, "", {}, "name", ""});
    if (!d.priorityLayer.features.empty()) map.layers.push_back({&d.priorityLayer, {"none", "#5c6bc0", 0.8, 1, 0, "3 2"}, "", {}, "", "priority areas"});
    if (!s.extraLayer.empty()) map.layers.push_back({&extra, s.extraStyle, "", {}, "", ""});
    map.layers.push_back({&main, s.style, "", {}, s.labelField, s.legend});
    map.attribution = credits;
    h += figure(svg::map(map), s.heading + ": " + s.legend + " labelled by " + s.labelField + ".");
    return h + "</section>\n";
}

const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 62em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.1em; } .subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #c62828; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; } th { background: #f0f0f0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td, tr.group td { font-weight: bold; } tr.category td:first-child { padding-left: 1.5em; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; }
.maps figure { display: inline-block; vertical-align: top; margin-right: 1em; }
.sources li { margin-bottom: 0.3em; } .credits { font-size: 0.85em; color: #444; }
@media print { section { break-before: page; } figure, table { break-inside: avoid; } }
)";

}  // namespace

std::string performanceReportHtml(const ReportData& d, const PerformanceReportOptions& o) {
    const std::string crs = o.input.ingest.analysisCrs;
    std::vector<std::string> sources = d.inputs;
    for (const auto& s : o.by) sources.push_back(s.path);
    for (const auto& s : o.priorityAreas) sources.push_back(s.path);
    for (const auto& s : o.census) sources.push_back(s);
    for (const std::string& folder : {o.roadsRun, o.interventionsRun, o.sitesRun, o.hotspots})
        if (!folder.empty()) sources.push_back(folder);
    const std::string credits = attributionLine(sources, o.attribution);

    HotspotLayers hot;
    if (!o.hotspots.empty()) {
        hot.cells = readVectorData(o.hotspots, "hotspot_cells", crs);
        hot.zones = readVectorData(o.hotspots, "hotspot_zones", crs);
        hot.present = true;
    }

    std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(d.title) + "</title>\n<style>" + kStyle +
                    "</style>\n</head>\n<body>\n";
    h += "<header>\n<h1>" + escape(d.title) + "</h1>\n";
    h += fmt::format("<p class=\"subtitle\">The {} years to {}: {} recorded incidents counted{}. Made with hotspot {}.</p>\n", d.years, monthName(d.to),
                     thousands(static_cast<double>(d.incidentsCounted)), d.byLabel.empty() ? "" : ", by " + escape(d.byLabel), versionString());
    h += "<nav><ul>\n";
    for (size_t a = 0; a < d.areas.size(); ++a) h += fmt::format("<li><a href=\"#area{}\">{}</a></li>\n", a, escape(d.areas[a].name));
    if (!d.priority.empty()) h += "<li><a href=\"#priority\">Neighbourhood priority areas</a></li>\n";
    if (!o.roadsRun.empty()) h += "<li><a href=\"#roads\">Road problem localities</a></li>\n";
    if (!o.interventionsRun.empty()) h += "<li><a href=\"#interventions\">Interventions evaluated</a></li>\n";
    if (!o.sitesRun.empty()) h += "<li><a href=\"#sites\">Recommended CCTV sites</a></li>\n";
    h += "<li><a href=\"#methods\">Methods and sources</a></li>\n</ul></nav>\n</header>\n";

    // The overview: every area with the hot spots, when the report has anything to map.
    if (!d.byLayer.features.empty() && (hot.present || !d.priorityLayer.features.empty())) {
        svg::MapFigure map;
        map.id = "overview";
        map.title = "Overview" + std::string(hot.present ? ": hot spots" : "");
        map.extent = svg::paddedExtent(d.byLayer.extent, 0.03);
        map.width = 760, map.height = 560;
        map.layers.push_back({&d.byLayer, {"#ffffff", "#666666", 1.2, 1, 0, ""}, "", {}, "", d.byLabel});
        for (auto& layer : hotspotMapLayers(hot)) map.layers.push_back(layer);
        if (!d.priorityLayer.features.empty()) map.layers.push_back({&d.priorityLayer, {"none", "#1a237e", 1, 1, 0, ""}, "", {}, "name", "priority areas"});
        map.attribution = credits;
        h += figure(svg::map(map), "The areas of the report" + std::string(hot.present ? " and the Gi* hot spots of " + o.hotspots : "") + ".");
    }

    for (size_t a = 0; a < d.areas.size(); ++a) {
        const AreaSection& area = d.areas[a];
        h += fmt::format("<section id=\"area{}\">\n<h2>{}</h2>\n", a, escape(area.name));
        h += narrative(d, area);
        const YearCounts& total = area.rows.front().counts;
        if (area.denominators[0] > 0 || area.denominators[1] > 0)
            h += fmt::format("<p>Census 2021: {} residents and {} households; all crime in the latest year: {} per 1,000 residents, {} per 1,000 households.</p>\n",
                             thousands(area.denominators[0]), thousands(area.denominators[1]),
                             area.denominators[0] > 0 ? formatDecimal(1000.0 * total.year.back() / area.denominators[0], 1) : "n/a",
                             area.denominators[1] > 0 ? formatDecimal(1000.0 * total.year.back() / area.denominators[1], 1) : "n/a");
        h += figure(areaChartSvg(d, area), area.name + ": recorded incidents per group, the oldest year grey, the previous yellow, the latest red.");
        h += areaTable(d, area);
        h += "</section>\n";
    }
    if (!d.priority.empty()) h += prioritySection(d, hot, credits);
    if (!o.roadsRun.empty())
        h += runSection({"roads", "Road problem localities", "The Road Joint Action Group's register from <code>hotspot roads</code>: localities ranked by casualty severity and road complaints.", "road_register.csv", {{"rank", "rank"}, {"roads", "road_names"}, {"collisions", "collisions"}, {"KSI", "ksi"}, {"casualties", "casualties"}, {"complaints", "complaints"}, {"main issue", "dominant_issue"}, {"score", "score"}}, 10, "roads.gpkg", "road_localities", "rank", "road problem localities", {"#c62828", "#ffffff", 1, 1, 5, ""}},
                        o.roadsRun, d, crs, credits);
    if (!o.interventionsRun.empty())
        h += runSection({"interventions", "Interventions evaluated",
                         "Before and after each scheme in its treated area, its buffer and the control area (<code>hotspot evaluate-interventions</code>); "
                         "WDQ is the weighted displacement quotient (Bowers and Johnson 2003).",
                         "intervention_evaluation.csv",
                         {{"scheme", "name"}, {"kind", "category"}, {"budget (GBP)", "budget_gbp"}, {"start", "start"}, {"treated before", "treated_before"}, {"treated after", "treated_after"}, {"WDQ", "wdq"}, {"reading", "interpretation"}},
                         20,
                         "interventions.gpkg",
                         "treated_areas",
                         "id",
                         "treated areas",
                         {"#ffb74d", "#e65100", 1, 0.85, 4, ""},
                         "buffer_rings",
                         {"none", "#e65100", 0.8, 1, 0, "4 3"}},
                        o.interventionsRun, d, crs, credits);
    if (!o.sitesRun.empty())
        h += runSection({"sites", "Recommended CCTV sites", "New camera sites chosen by <code>hotspot sites</code> to cover the most incidents within the budget, in the order chosen.", "sites.csv", {{"rank", "rank"}, {"candidate", "candidate_id"}, {"street", "street"}, {"priority area", "priority_name"}, {"incidents covered", "gain"}, {"cumulative share %", "cumulative_share_pct"}, {"cost", "cost"}, {"cumulative cost", "cumulative_cost"}}, 20, "sites.gpkg", "recommended_sites", "rank", "recommended sites", {"#2e7d32", "#ffffff", 1, 1, 5, ""}, "recommended_coverage", {"#a5d6a7", "#2e7d32", 0.6, 0.5, 0, ""}},
                        o.sitesRun, d, crs, credits);

    // Methods and sources.
    h += "<section id=\"methods\">\n<h2>Methods and sources</h2>\n<ul>\n";
    h += fmt::format(
        "<li>Counts are recorded incidents per 12 months to {} and the {} years before it, by the month each was recorded. "
        "Change is the latest year against the previous one; n/a where the previous year had none.</li>\n",
        monthName(d.to), d.years - 1);
    h += "<li>'All crime' is every group except " + (d.excludedFromTotal.empty() ? std::string("none") : escape(fmt::format("{}", fmt::join(d.excludedFromTotal, ", ")))) +
         " (police recorded crime leaves anti-social behaviour out); groups are the project's category map.</li>\n";
    if (!d.flagField.empty()) h += "<li>Flagged: rows whose '" + escape(d.flagField) + "' is '" + escape(d.flagValue) + "'.</li>\n";
    if (!d.byLabel.empty())
        h += fmt::format("<li>Each incident counts for the area of '{}' holding its location; {} outside every area and {} without a location are left out.</li>\n",
                         escape(d.byLabel), d.outsideAreas, d.notLocated);
    for (const auto& n : d.censusNotes) h += "<li>Census: " + escape(n) + "</li>\n";
    if (hot.present)
        h += "<li>Hot spots: Getis-Ord Gi* on incident counts per grid cell with the cell's neighbours, bins at 90, 95 and 99 % confidence after a "
             "false discovery rate correction (hotspot gistar).</li>\n";
    h += "</ul>\n<h3>Sources</h3>\n<ul class=\"sources\">\n";
    for (const auto& path : sources) {
        const SourceCredit c = creditFor(path);
        h += "<li><code>" + escape(path) + "</code>" + (c.publisher.empty() ? "" : " - " + escape(c.text)) + "</li>\n";
    }
    h += "</ul>\n<p class=\"credits\">" + escape(credits) + "</p>\n</section>\n</body>\n</html>\n";
    return h;
}

}  // namespace hotspot
