#include <cstdio>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "input_options.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/geocode_run.hpp"
#include "hotspot/progress.hpp"

namespace hotspot::cli {

namespace {

struct GeocodeArgs {
    std::vector<std::string> inputs;
    std::vector<std::string> areas;
    std::vector<std::string> areaCodeFields, areaNameFields;
    std::vector<std::string> gazetteers;
    std::string categories;
    std::string categoryField;
    std::string columns;
    std::string srs;
    std::string layer;
    DownloadArgs download;
    std::string format = "auto";
    std::string crs = "EPSG:27700";
    std::string period = "month";
    std::string delimiter = "auto";
    double minScore = 0.85;
    std::vector<std::string> lookups, census, censusWeights;
    std::string censusWeightsColumns;
    std::string assignBy = "point";
    double edgeDistance = 100;
    std::string out = "out";
    bool noGpkg = false, noCsv = false, noOutput = false, timing = false, allowEmpty = false;
};

std::map<std::string, std::string> labelledValues(const std::vector<std::string>& items, const char* option) {
    std::map<std::string, std::string> out;
    for (const auto& item : items) {
        auto eq = item.find('=');
        if (eq == std::string::npos) throwUsage("expected LABEL=FIELD, got '" + item + "'", {"", 0, option});
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

int runGeocodeCommand(const GeocodeArgs& a, const GlobalOptions& global) {
    GeocodeOptions o;
    o.inputs = a.inputs;
    CategoryMap categories = a.categories.empty() ? CategoryMap::builtinDefault() : CategoryMap::fromFile(a.categories);
    o.ingest.categories = &categories;
    o.ingest.analysisCrs = a.crs;
    o.ingest.categoryField = a.categoryField;
    o.ingest.layer = a.layer;
    if (a.format == "police") o.ingest.format = InputFormat::PoliceUk;
    else if (a.format == "csv") o.ingest.format = InputFormat::GenericCsv;
    else if (a.format == "ogr") o.ingest.format = InputFormat::Ogr;
    else if (a.format != "auto") throwUsage("format must be auto, police, csv or ogr", {"", 0, "--format"});
    if (!a.columns.empty()) o.ingest.mapping = ColumnMapping::parse(a.columns);
    o.ingest.mapping.srs = a.srs;
    auto codeFields = labelledValues(a.areaCodeFields, "--area-code-field");
    auto nameFields = labelledValues(a.areaNameFields, "--area-name-field");
    for (AreaLayerSpec s : areaSpecs(a.areas, a.srs)) {
        if (auto it = codeFields.find(s.label); it != codeFields.end()) s.codeField = it->second;
        if (auto it = nameFields.find(s.label); it != nameFields.end()) s.nameField = it->second;
        o.areas.push_back(s);
    }
    o.gazetteers = a.gazetteers;
    o.minMatchScore = a.minScore;
    o.period = parsePeriod(a.period);
    o.outDir = a.out;
    o.writeGeoPackage = !a.noGpkg;
    o.writeCsv = !a.noCsv;
    o.writeOutputs = !a.noOutput;
    o.allowEmpty = a.allowEmpty;
    o.ingest.delimiter = delimiterFromName(a.delimiter);
    o.ingest.forces = a.download.forces;
    o.ingest.series = parsePoliceUkSeries(a.download.series, OptionNaming::cli());
    const OutcomeMap outcomeMap = a.download.outcomeMapPath.empty() ? OutcomeMap::builtinDefault() : OutcomeMap::fromFile(a.download.outcomeMapPath);
    o.ingest.outcomeMap = &outcomeMap;
    o.lookups = a.lookups;
    o.assignByCode = a.assignBy == "code";
    o.edgeMetres = a.edgeDistance;
    o.census = a.census;
    o.censusWeights = a.censusWeights;
    if (!a.censusWeightsColumns.empty()) o.censusWeightsMapping = ColumnMapping::parse(a.censusWeightsColumns);
    o.validate(OptionNaming::cli());

    Progress progress = commandProgress(global);
    GeocodeSummary summary = runGeocode(o, progress);
    if (!global.quiet) std::fputs(nameOptions(summary.format(), OptionNaming::cli()).c_str(), stderr);
    if (global.report) {
        global.report->lines = {summary.format()};
        global.report->outputs = summary.outputs;
    }
    if (a.timing)
        std::fprintf(stderr, "timing: read %.3f s, address geocoding %.3f s, point-in-polygon %.3f s, write %.3f s\n", summary.secondsRead,
                     summary.secondsGeocode, summary.secondsAssign, summary.secondsWrite);
    if (!summary.balanced()) {
        std::fprintf(stderr, "hotspot: internal error: row accounting does not balance\n");
        return 1;
    }
    return 0;
}

}  // namespace

RunFunction registerGeocode(CLI::App& app, const GlobalOptions& global) {
    auto args = std::make_shared<GeocodeArgs>();
    app.add_option("inputs", args->inputs, "Incident files, globs or folders (police.uk street CSVs, mapped CSVs, OGR point layers)")
        ->required();
    app.add_option("-a,--areas", args->areas, "Area layer as LABEL=PATH[:LAYER]; repeat for several layers")->type_name("SPEC");
    app.add_option("--area-code-field", args->areaCodeFields, "LABEL=FIELD: the code field of an area layer (auto-detected)");
    app.add_option("--area-name-field", args->areaNameFields, "LABEL=FIELD: the name field of an area layer (auto-detected)");
    app.add_option("-g,--gazetteer", args->gazetteers, "Gazetteer (CSV or OGR layer of named points or postcodes); repeatable");
    addNumber(app, GeocodeOptions::kMinScore, args->minScore, "Lowest fuzzy match score accepted")->default_val(0.85);
    app.add_option("--categories", args->categories, "Category mapping CSV (category,group); default data/categories/police_uk.csv");
    app.add_option("--category-field", args->categoryField, "police.uk: the column holding the category (default 'Crime type')");
    app.add_option("--columns", args->columns,
                   "Column mapping for generic CSV / OGR inputs: role=column,... "
                   "(roles: id x y lon lat address locality date month category weight)");
    app.add_option("--srs", args->srs, "CRS of mapped x/y columns, or of a layer without one (e.g. EPSG:27700)");
    app.add_option("--layer", args->layer, "Layer name for OGR inputs (first layer if not given)");
    addDownloadOptions(app, args->download);
    addChoice(app, GeocodeOptions::kFormat, args->format, "Input format: auto, police, csv or ogr");
    addChoice(app, kDelimiterOption, args->delimiter, "CSV field delimiter (auto: from each file's header)");
    app.add_option("--crs", args->crs, "Analysis CRS: projected, in metres")->default_val("EPSG:27700");
    app.add_option("--lookup", args->lookups,
                   "ONS lookup CSV (LSOA11CD/LSOA21CD/CHGIND, LSOA21CD/WD22CD ...) carrying the rows' "
                   "area codes to the layers' geography; repeatable")
        ->type_name("FILE");
    addChoice(app, GeocodeOptions::kAssignBy, args->assignBy,
              "Areas from the point (point-in-polygon) or from the row's own area code "
              "(police.uk LSOA code, attribute join)");
    addNumber(app, GeocodeOptions::kEdgeDistance, args->edgeDistance, "A code disagreement this close to the code's polygon is an edge case")
        ->default_val(100);
    app.add_option("--census", args->census,
                   "Census table, [residents=|households=]PATH (Nomis bulk CSV, long format or code,value); "
                   "adds rates per 1,000 to the area tables")
        ->type_name("SPEC");
    app.add_option("--census-weights", args->censusWeights,
                   "Population points (e.g. postcode centroids with residents) that split census "
                   "areas between areas they overlap (default: by land area)")
        ->type_name("FILE");
    app.add_option("--census-weights-columns", args->censusWeightsColumns, "Column mapping of the population points (e.g. weight=Population)");
    addChoice(app, GeocodeOptions::kPeriod, args->period, "Period of the area summary: month, quarter or year");
    app.add_option("-o,--out", args->out, "Output folder")->default_val("out");
    app.add_flag("--no-gpkg", args->noGpkg, "Do not write incidents.gpkg");
    app.add_flag("--no-csv", args->noCsv, "Do not write incidents.csv and area_summary.csv");
    app.add_flag("--no-output", args->noOutput, "Compute and print the summary only; write nothing (checks, benchmarks)");
    app.add_flag("--timing", args->timing, "Print the time of each stage");
    app.add_flag("--allow-empty", args->allowEmpty, "Write the outputs even when no input row is usable (default: exit 5, outputs kept)");
    return [args, &global] { return runGeocodeCommand(*args, global); };
}

}  // namespace hotspot::cli
