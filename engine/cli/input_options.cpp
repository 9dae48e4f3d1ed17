// Options shared by the commands that read incidents.

#include "input_options.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "hotspot/error.hpp"

namespace hotspot::cli {

void addInputOptions(CLI::App& app, InputArgs& a, bool withMonths) {
    app.add_option("inputs", a.inputs, "Incidents: police.uk CSVs, mapped CSVs, OGR point layers, or out/incidents.gpkg from `hotspot geocode`")
        ->required();
    app.add_option("--group", a.groups, "Analysis group(s) to keep, e.g. burglary, asb, violence (repeat or comma-separate; default all)")
        ->delimiter(',');
    if (withMonths) app.add_option("--months", a.months, "Months to keep: YYYY, YYYY-MM or FROM:TO (e.g. 2021-01:2021-12)");
    app.add_option("--study-area", a.studyArea, "Study area polygons LABEL=PATH[:LAYER]: grid extent; incidents outside are excluded");
    app.add_flag("--clip", a.clip, "Leave cells whose centre is outside the study area out of the analysis (nodata)");
    app.add_option("--cell", a.cell, "Cell size in metres (default: ArcGIS rule, shorter extent side / 250)");
    app.add_option("--shape", a.shape, "Cell shape: square or hexagon")->default_val("square");
    app.add_option("--max-cells", a.maxCells, "Refuse grids with more cells than this")->default_val(25'000'000);
    app.add_option("--categories", a.categories, "Category mapping CSV (default data/categories/police_uk.csv)");
    app.add_option("--category-field", a.categoryField, "police.uk: column holding the category (default 'Crime type')");
    app.add_option("--columns", a.columns, "Column mapping for generic CSV / OGR inputs (see `hotspot geocode --help`)");
    app.add_option("--srs", a.srs, "CRS of mapped x/y columns");
    app.add_option("--layer", a.layer, "Layer of OGR inputs");
    app.add_option("--crs", a.crs, "Analysis CRS (metres)")->default_val("EPSG:27700");
    app.add_option("-o,--out", a.out, "Output folder")->default_val("out");
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
    in.groups = a.groups;
    in.months = MonthRange::parse(a.months, "--months");
    for (const auto& s : a.studyArea) in.studyArea.push_back(AreaLayerSpec::parse(s));
    return in;
}

GridChoice gridChoice(const InputArgs& a) {
    GridChoice g;
    g.cellSize = a.cell;
    if (a.shape == "square") g.shape = GridShape::Square;
    else if (a.shape == "hexagon" || a.shape == "hex") g.shape = GridShape::Hexagon;
    else throwUsage("shape must be square or hexagon", {"", 0, "--shape"});
    if (a.cell < 0) throwUsage("cell size must be positive", {"", 0, "--cell"});
    g.maxCells = a.maxCells;
    g.clip = a.clip;
    return g;
}

int finish(const RunReport& report, const GlobalOptions& global) {
    if (!global.quiet) std::fputs(report.format().c_str(), stderr);
    return 0;
}

}  // namespace hotspot::cli
