#pragma once
// The partnership performance report (as in the CSP scrutiny report's chart): counts per crime
// group for the year to a given month over three years, change, share of all crime and share of a
// flagged subset (e.g. a domestic-abuse flag), per area; CSV, Markdown and a bar-chart PNG.

#include <functional>
#include <string>
#include <vector>

#include "hotspot/analysis_run.hpp"

namespace hotspot {

struct PerformanceReportOptions {
    static constexpr NumberOption kYears{.key = "years", .min = 2, .max = 30, .integer = true};  // a report compares years

    AnalysisInput input;         // groups/months ignored: the report covers every category
    int32_t toMonth = kNoMonth;  // last month of the latest year (default: the latest month in the data)
    int years = 3;
    std::string rows = "category";                        // category (as in the data, e.g. "Force category") or group
    std::vector<std::string> excludeFromTotal = {"asb"};  // groups left out of "All crime"
    std::string flagField;                                // attribute holding the flag, e.g. "Domestic abuse flag"
    std::string flagValue = "Y";
    std::vector<AreaLayerSpec> by;  // one table per polygon of this layer (e.g. districts)
    // Census denominators ("[residents=|households=]PATH"): rates per 1,000 per area. Their codes
    // are the --by layer's, or carried to it by a lookup, or those of censusAreas (apportioned).
    std::vector<std::string> census;
    std::vector<AreaLayerSpec> censusAreas;
    std::vector<std::string> lookups;
    std::string title = "Recorded crime";
    std::string outDir = "out";

    // The document (performance_report.html, and .pdf with renderPdf): sections for these when given.
    std::vector<AreaLayerSpec> priorityAreas;  // neighbourhood priority areas: counts, rates, change and a hot spot map each
    std::string hotspots;                      // hotspots.gpkg of `hotspot gistar`: its cells and zones on the maps
    std::string roadsRun;                      // output folder of `hotspot roads`: the locality register and its map
    std::string interventionsRun;              // output folder of `hotspot evaluate-interventions`
    std::string sitesRun;                      // output folder of `hotspot sites`
    std::string attribution;                   // the project's own source line, before the publishers' credits
    // Writes pdfPath from the staged HTML (the CLI runs hotspot-report-pdf, a Qt tool beside the
    // viewer: the engine renders no pixels). Empty: no PDF. Throws Error(Output) on failure.
    std::function<void(const std::string& htmlPath, const std::string& pdfPath)> renderPdf;

    void validate(const OptionNaming& naming) const;
};

RunReport runPerformanceReport(const PerformanceReportOptions& options, Progress& progress);

struct BarSeries {
    std::string label;
    unsigned char r, g, b;
};
// Horizontal grouped bar chart as a PNG: one group of bars per category, one bar per series.
void writeBarChartPng(const std::string& path, const std::string& title, const std::vector<std::string>& categories,
                      const std::vector<BarSeries>& series, const std::vector<std::vector<double>>& values);

}  // namespace hotspot
