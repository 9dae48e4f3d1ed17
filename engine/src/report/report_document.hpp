#pragma once
// What `hotspot report` counted, held once and written out as CSV, Markdown, charts and the HTML
// document (report_html.cpp). Internal to the report module.

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hotspot/vector_data.hpp"
#include "report/svg_figures.hpp"

namespace hotspot {

struct PerformanceReportOptions;

struct YearCounts {
    std::vector<double> year;     // per year, oldest first
    std::vector<double> flagged;  // per year
};

struct ReportRow {
    std::string level;  // total, group or category
    std::string group, category;
    YearCounts counts;
    bool inTotal = true;  // counted in "All crime"
};

struct AreaSection {
    std::string name;
    std::array<double, 2> denominators{NAN, NAN};  // residents, households (NaN: not given)
    std::vector<ReportRow> rows;                   // the total first, then groups each followed by its categories
    // crime group -> outcome group -> crimes of the latest year (police.uk outcomes)
    std::map<std::string, std::map<std::string, int64_t>> outcomes;
};

// One neighbourhood priority area: the latest and previous year, per group and in all.
struct PriorityArea {
    std::string code, name;
    double latest = 0, previous = 0;                       // all crime (the report's definition)
    std::map<std::string, std::array<double, 2>> byGroup;  // group -> {previous, latest}
    std::array<double, 2> denominators{NAN, NAN};
    VectorFeature outline;
};

struct ReportData {
    std::string title;
    int years = 3;
    int32_t from = 0, to = 0;
    std::vector<std::string> yearLabels;
    std::string flagField, flagValue;  // flagField empty: no flag column
    std::vector<std::string> excludedFromTotal;
    std::vector<AreaSection> areas;
    std::string byLabel;
    VectorData byLayer;  // the --by polygons (for the overview map), empty without --by
    std::vector<std::string> censusNotes;
    int64_t incidentsCounted = 0, outsideAreas = 0, notLocated = 0;

    std::string priorityLabel;
    std::vector<PriorityArea> priority;
    VectorData priorityLayer;
    std::vector<std::string> inputs;  // every file read, for the sources section
};

// The years as chart series: the oldest grey, the previous yellow, the latest red (the seed's chart).
std::vector<svg::Series> yearSeries(const std::vector<std::string>& yearLabels);
// One area's grouped bar chart (groups, one bar per year).
std::string areaChartSvg(const ReportData& data, const AreaSection& area);

// performance_report.html: the scrutiny report as one self-contained document (inline SVG charts
// and maps, no network access needed), with the sections the options ask for.
std::string performanceReportHtml(const ReportData& data, const PerformanceReportOptions& options);

}  // namespace hotspot
