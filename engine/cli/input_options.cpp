// Options shared by the commands that read incidents.

#include "input_options.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"

namespace hotspot::cli {

CLI::Validator numberValidator(const NumberOption& spec) {
    return CLI::Validator(
        [spec](std::string& text) -> std::string {
            const std::string trimmed(trim(text));
            char* end = nullptr;
            const double value = std::strtod(trimmed.c_str(), &end);
            if (trimmed.empty() || end != trimmed.c_str() + trimmed.size()) return "'" + text + "' is not a number (" + spec.rangeText() + ")";
            // A value given on purpose is checked against the range even when it equals the
            // struct's "not given" marker: "--cell 0" is refused, leaving --cell out is the default.
            return spec.problemGiven(value);
        },
        "", "");
}

CLI::Option* addChoice(CLI::App& app, const ChoiceOption& spec, std::string& target, const std::string& help) {
    const std::vector<std::string> values = spec.values();
    return app.add_option(OptionNaming::cli()(spec.key), target, help)->check(CLI::IsMember(values))->default_val(values.front());
}

std::vector<AreaLayerSpec> areaSpecs(const std::vector<std::string>& specs, const std::string& srs) {
    std::vector<AreaLayerSpec> out;
    for (const auto& text : specs) {
        AreaLayerSpec s = AreaLayerSpec::parse(text);
        if (s.srs.empty()) s.srs = srs;
        out.push_back(std::move(s));
    }
    return out;
}

void addDownloadOptions(CLI::App& app, DownloadArgs& d) {
    app.add_option("--outcome-map", d.outcomeMapPath, "police.uk outcome -> outcome group CSV (default data/categories/police_uk_outcomes.csv)");
    app.add_option("--series", d.series, "police.uk: the series read as incidents: street (crimes and ASB) or stop-and-search")
        ->check(CLI::IsMember({"street", "stop-and-search"}))
        ->default_val("street");
    app.add_option("--force", d.forces, "police.uk: read only these forces' files (e.g. thames-valley; repeat or comma-separate)")->delimiter(',');
}

void addInputOptions(CLI::App& app, InputArgs& a, bool withMonths) {
    app.add_option("inputs", a.inputs, "Incidents: police.uk CSVs, mapped CSVs, OGR point layers, or out/incidents.gpkg from `hotspot geocode`")
        ->required();
    app.add_option("--group", a.groups, "Analysis group(s) to keep, e.g. burglary, asb, violence (repeat or comma-separate; default all)")
        ->delimiter(',');
    if (withMonths) app.add_option("--months", a.months, "Months to keep: YYYY, YYYY-MM or FROM:TO (e.g. 2021-01:2021-12)");
    app.add_option("--study-area", a.studyArea, "Study area polygons LABEL=PATH[:LAYER]: grid extent; incidents outside are excluded");
    app.add_flag("--clip", a.clip, "Leave cells that share no part with the study area out of the analysis (nodata)");
    addNumber(app, GridChoice::kCell, a.cell, "Cell size in metres (default: ArcGIS rule, shorter extent side / 250)");
    addChoice(app, GridChoice::kShape, a.shape, "Cell shape: square or hexagon");
    addNumber(app, GridChoice::kMaxCells, a.maxCells, "Refuse grids with more cells than this")->default_val(25'000'000);
    app.add_option("--categories", a.categories, "Category mapping CSV (default data/categories/police_uk.csv)");
    app.add_option("--category-field", a.categoryField, "police.uk: column holding the category (default 'Crime type')");
    app.add_option("--columns", a.columns, "Column mapping for generic CSV / OGR inputs (see `hotspot geocode --help`)");
    app.add_option("--srs", a.srs, "CRS of mapped x/y columns, and of area layers that have none (or per layer: PATH|srs=CRS)");
    app.add_option("--layer", a.layer, "Layer of OGR inputs");
    app.add_option("--outcome", a.outcomes,
                   "police.uk: keep crimes whose latest outcome is in these outcome groups, e.g. 'no suspect identified' "
                   "(data/categories/police_uk_outcomes.csv)")
        ->delimiter(',');
    addDownloadOptions(app, a.download);
    addChoice(app, kDelimiterOption, a.delimiter, "CSV field delimiter (auto: from each file's header)");
    app.add_option("--crs", a.crs, "Analysis CRS: projected, in metres")->default_val("EPSG:27700");
    app.add_option("-o,--out", a.out, "Output folder")->default_val("out");
}

void removeOptions(CLI::App& app, std::initializer_list<const char*> flags) {
    for (const char* flag : flags) app.remove_option(app.get_option(flag));
}

AnalysisInput build(InputArgs& a) {
    a.categoryMap = a.categories.empty() ? CategoryMap::builtinDefault() : CategoryMap::fromFile(a.categories);
    AnalysisInput in;
    in.inputs = a.inputs;
    in.ingest.categories = &a.categoryMap;
    in.ingest.analysisCrs = a.crs;
    in.ingest.categoryField = a.categoryField;
    in.ingest.layer = a.layer;
    if (!a.columns.empty()) in.ingest.mapping = ColumnMapping::parse(a.columns);
    in.ingest.mapping.srs = a.srs;
    in.ingest.delimiter = delimiterFromName(a.delimiter);
    in.ingest.forces = a.download.forces;
    in.ingest.series = parsePoliceUkSeries(a.download.series, OptionNaming::cli());
    in.groups = a.groups;
    in.outcomes = a.outcomes;
    if (!a.download.outcomeMapPath.empty()) {
        a.outcomeMap = OutcomeMap::fromFile(a.download.outcomeMapPath);
        in.ingest.outcomeMap = &a.outcomeMap;
    }
    in.months = MonthRange::parse(a.months, "--months");
    in.studyArea = areaSpecs(a.studyArea, a.srs);
    return in;
}

GridChoice gridChoice(const InputArgs& a) {
    GridChoice g;
    g.cellSize = a.cell;
    g.shape = a.shape == "hexagon" ? GridShape::Hexagon : GridShape::Square;
    g.maxCells = a.maxCells;
    g.clip = a.clip;
    return g;
}

int finish(const RunReport& report, const GlobalOptions& global) {
    if (!global.quiet) std::fputs(nameOptions(report.format(), OptionNaming::cli()).c_str(), stderr);
    if (global.report) *global.report = report;
    return 0;
}

}  // namespace hotspot::cli
