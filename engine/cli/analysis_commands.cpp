// `hotspot density | gistar | change | emerging | evaluate`: thin wrappers over analysis_run.hpp.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.hpp"
#include "input_options.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/concentration.hpp"
#include "hotspot/near_repeat.hpp"
#include "hotspot/forecast.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/report.hpp"
#include "hotspot/strings.hpp"

namespace hotspot::cli {

namespace {

// "100,200,300": the numbers of a comma-separated list; an entry that is not a number is refused
// naming the flag.
std::vector<double> numberList(const std::string& text, const char* flag) {
    std::vector<double> out;
    for (size_t start = 0; start <= text.size();) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string part(trim(std::string_view(text).substr(start, comma - start)));
        start = comma + 1;
        char* end = nullptr;
        const double v = std::strtod(part.c_str(), &end);
        if (part.empty() || end != part.c_str() + part.size()) throwUsage("'" + part + "' is not a number", {"", 0, flag});
        out.push_back(v);
    }
    return out;
}

}  // namespace

RunFunction registerDensity(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string kernel = "quartic", output = "scaled", dual = "ratio";
        double bandwidth = 0, decay = 0, ratePer = 1000, minDenominator = -1;
        std::vector<std::string> denominator, areas;
        std::string denominatorColumns, areaDenominatorField;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    removeOptions(app, {"--shape"});  // rasters have square cells: hexagons are for gistar, change, emerging and evaluate
    addChoice(app, KdeOptions::kKernel, a->kernel, "Kernel: quartic, uniform, triweight, epanechnikov, triangular or gaussian");
    addNumber(app, KdeOptions::kBandwidth, a->bandwidth, "Search radius in metres (Gaussian: sigma; default: ArcGIS rule)");
    addNumber(app, KdeOptions::kDecay, a->decay, "Triangular kernel decay ratio")->default_val(0);
    addChoice(app, KdeOptions::kOutput, a->output, "scaled (incidents per km^2) or raw (kernel sums)");
    app.add_option("--denominator", a->denominator, "Dual KDE: points of the population at risk (e.g. postcode centroids)");
    app.add_option("--denominator-columns", a->denominatorColumns, "Column mapping of the denominator file, e.g. lon=Longitude,lat=Latitude,weight=Households");
    addChoice(app, kDualModeOption, a->dual, "Dual KDE surface: ratio, log-ratio or difference");
    addNumber(app, DensityOptions::kRatePer, a->ratePer, "Ratio surfaces per this many denominator units")->default_val(1000);
    addNumber(app, DensityOptions::kMinDenominator, a->minDenominator,
              "Dual KDE: ratio and log-ratio are nodata where the denominator density per km2 is below this (default: 1 % of its mean; 0: none)");
    app.add_option("-a,--areas", a->areas, "Area layer LABEL=PATH[:LAYER] for counts, rates and location quotients");
    app.add_option("--area-denominator-field", a->areaDenominatorField, "Numeric attribute of the areas used as rate denominator");
    return [a, &global] {
        DensityOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.kde.kernel = parseKernel(a->kernel);
        o.kde.bandwidth = a->bandwidth;
        o.kde.decay = a->decay;
        o.kde.output = a->output == "raw" ? KdeOutput::Raw : KdeOutput::Scaled;
        o.denominator = a->denominator;
        if (!a->denominatorColumns.empty()) o.denominatorMapping = ColumnMapping::parse(a->denominatorColumns);
        o.denominatorMapping.srs = a->srs;  // --srs: the CRS of every mapped x/y column
        o.dual = parseDualMode(a->dual);
        o.ratePer = a->ratePer;
        o.minDenominator = a->minDenominator;
        o.areas = areaSpecs(a->areas, a->srs);
        o.areaDenominatorField = a->areaDenominatorField;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runDensity(o, progress), global);
    };
}

RunFunction registerGiStar(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        int rings = 1, permutations = 0, zoneLevel = 2;
        uint64_t seed = 12345;
        bool noFdr = false, allCells = false, autoScale = false;
        std::vector<std::string> areas;
        std::string weights = "queen";
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    addNumber(app, kRingsOption, a->rings, "Grid neighbourhood: cells within this many rings (1 = queen, 8 + self)")->default_val(1);
    app.add_flag("--auto", a->autoScale,
                 "Scale from the data (as ArcGIS Optimized Hot Spot Analysis): cell size from the incidents' spacing unless --cell is given, "
                 "neighbourhood from the first significant peak of global Moran's I over distance bands (writes gistar_scale.csv/.svg)");
    addNumber(app, GiStarRunOptions::kPermutations, a->permutations,
              "Conditional permutation p-values with this many draws (e.g. 499, 999); 0 = normal")
        ->default_val(0);
    app.add_option("--seed", a->seed, "Permutation seed")->default_val(12345);
    app.add_flag("--no-fdr", a->noFdr, "Bins from uncorrected p-values (default: Benjamini-Hochberg FDR)");
    addNumber(app, GiStarRunOptions::kZoneLevel, a->zoneLevel, "Dissolve contiguous cells with |bin| >= this into zones")->default_val(2);
    app.add_flag("--all-cells", a->allCells,
                 "Write every non-empty or significant cell to hotspot_cells (default on square grids: significant cells only; "
                 "gistar_counts.tif holds every count)");
    app.add_option("-a,--areas", a->areas, "Gi* on counts per polygon of this layer (LABEL=PATH[:LAYER]) instead of grid cells");
    app.add_option("--weights", a->weights, "Polygon neighbours: queen, rook or distance:METRES")->default_val("queen");
    return [a, &global] {
        GiStarRunOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.rings = a->rings;
        o.gi.permutations = a->permutations;
        o.gi.seed = a->seed;
        o.gi.fdr = !a->noFdr;
        o.zoneLevel = a->zoneLevel;
        o.allCells = a->allCells;
        o.autoScale = a->autoScale;
        o.areas = areaSpecs(a->areas, a->srs);
        o.weights = parseNeighbourRule(a->weights, OptionNaming::cli());
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runGiStar(o, progress), global);
    };
}

RunFunction registerLocalMoran(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        int rings = 1, permutations = 0;
        uint64_t seed = 12345;
        bool noFdr = false, allCells = false;
        double alpha = 0.05;
        std::vector<std::string> areas;
        std::string weights = "queen", style = "row", variance = "conditional";
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    app.add_option("--weights", a->weights,
                   "Neighbours: queen, rook, distance:METRES or knn:K (cells: centre to centre; areas: contiguity "
                   "or centroids)")
        ->default_val("queen");
    addNumber(app, kRingsOption, a->rings, "Grid queen neighbourhood: cells within this many rings (1 = the 8 around)")->default_val(1);
    addChoice(app, LocalMoranRunOptions::kStyle, a->style, "Weights: row (row-standardised, as ArcGIS and spdep's default) or binary");
    addChoice(app, LocalMoranRunOptions::kVariance, a->variance,
              "Moments of I_i: conditional (spdep's default: given x_i) or total (randomisation over all values)");
    addNumber(app, GiStarRunOptions::kPermutations, a->permutations,
              "Conditional permutation pseudo p-values with this many draws (e.g. 499, 999); 0 = normal")
        ->default_val(0);
    app.add_option("--seed", a->seed, "Permutation seed")->default_val(12345);
    addNumber(app, LocalMoranRunOptions::kAlpha, a->alpha, "Significance level for the classes")->default_val(0.05);
    app.add_flag("--no-fdr", a->noFdr, "Classes from uncorrected p-values (default: Benjamini-Hochberg FDR)");
    app.add_flag("--all-cells", a->allCells,
                 "Write every non-empty or significant cell to moran_cells (default on square grids: significant "
                 "cells only; the rasters hold every cell)");
    app.add_option("-a,--areas", a->areas, "Local Moran's I on counts per polygon of this layer (LABEL=PATH[:LAYER]) instead of grid cells");
    return [a, &global] {
        LocalMoranRunOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.rings = a->rings;
        o.weights = parseNeighbourRule(a->weights, OptionNaming::cli());
        o.style = parseWeightStyle(a->style, OptionNaming::cli());
        o.moran.conditional = a->variance == "conditional";
        o.moran.permutations = a->permutations;
        o.moran.seed = a->seed;
        o.moran.alpha = a->alpha;
        o.moran.fdr = !a->noFdr;
        o.allCells = a->allCells;
        o.areas = areaSpecs(a->areas, a->srs);
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runLocalMoran(o, progress), global);
    };
}

RunFunction registerConcentrate(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string unit = "cell", network, networkSrs;
        std::vector<std::string> areas;
        double snapTolerance = 50, stableShare = 5;
        int top = 20;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    addChoice(app, ConcentrateOptions::kUnit, a->unit,
              "Places: cell (grid cells, --cell), segment (street segments of --network), location (each distinct position, e.g. "
              "police.uk snap points) or area (-a)");
    app.add_option("--network", a->network, "Street network for --unit segment: any OGR line layer, PATH[:LAYER]");
    app.add_option("--network-srs", a->networkSrs, "CRS of the street network when it has none");
    addNumber(app, ConcentrateOptions::kSnap, a->snapTolerance, "--unit segment: an incident belongs to the nearest segment within this distance")
        ->default_val(50.0);
    app.add_option("-a,--areas", a->areas, "Areas for --unit area (LABEL=PATH[:LAYER])");
    addNumber(app, ConcentrateOptions::kTop, a->top, "Repeat locations listed with their crime mix and trend")->default_val(20);
    addNumber(app, ConcentrateOptions::kStableShare, a->stableShare, "Stability: the top share (%) of places with crime followed from year to year")
        ->default_val(5.0);
    return [a, &global] {
        ConcentrateOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.unit = parsePlaceUnit(a->unit, OptionNaming::cli());
        if (!a->network.empty()) {
            const AreaLayerSpec spec = AreaLayerSpec::parse(a->network);
            o.network.path = spec.path;
            o.network.layer = spec.layer;
            o.network.srs = a->networkSrs;
        }
        o.snapTolerance = a->snapTolerance;
        o.areas = areaSpecs(a->areas, a->srs);
        o.top = a->top;
        o.stableShare = a->stableShare / 100;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runConcentrate(o, progress), global);
    };
}

RunFunction registerNearRepeat(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string distanceBands = "100,200,300,400", timeBands, timeUnit = "day";
        bool noSameLocation = false;
        int permutations = 999;
        uint64_t seed = 12345;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    app.add_option("--distance-bands", a->distanceBands, "Upper edges of the distance bands in metres, e.g. 100,200,300,400 (bands are (lower, upper])")
        ->default_val("100,200,300,400");
    app.add_flag("--no-same-location", a->noSameLocation, "No separate first band for pairs at exactly the same place");
    addChoice(app, NearRepeatOptions::kTimeUnit, a->timeUnit, "Time unit of the bands: day (dated incidents) or month (police.uk)");
    app.add_option("--time-bands", a->timeBands,
                   "Upper edges of the time bands, e.g. 14,28,42,56 days (default) or 0,1,2,3 months; the first band starts at 0");
    addNumber(app, NearRepeatOptions::kPermutations, a->permutations, "Monte Carlo permutations of the times over the locations")->default_val(999);
    app.add_option("--seed", a->seed, "Permutation seed")->default_val(12345);
    return [a, &global] {
        NearRepeatOptions o;
        o.input = build(*a);
        o.timeUnit = a->timeUnit;
        o.bands.distanceEdges = numberList(a->distanceBands, "--distance-bands");
        o.bands.sameLocation = !a->noSameLocation;
        const std::string timeText = !a->timeBands.empty() ? a->timeBands : a->timeUnit == "month" ? "0,1,2,3"
                                                                                                   : "14,28,42,56";
        for (double v : numberList(timeText, "--time-bands")) {
            if (v != std::floor(v)) throwUsage("time band edges are whole " + a->timeUnit + "s", {"", 0, "--time-bands"});
            o.bands.timeEdges.push_back(static_cast<int>(v));
        }
        o.permutations = a->permutations;
        o.seed = a->seed;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runNearRepeat(o, progress), global);
    };
}

RunFunction registerForecastEvaluate(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        double bandwidth = 250, prospectiveRadius = 400, studyBuffer = 250;
        std::string coverage = "1,5,10";
        int history = 12, prospectiveWeeks = 8, giStarMonths = 12;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    removeOptions(app, {"--shape"});  // KDE and prospective surfaces are on square cells
    addNumber(app, ForecastEvaluateOptions::kBandwidth, a->bandwidth, "Quartic KDE radius in metres")->default_val(250.0);
    app.add_option("--coverage", a->coverage, "Shares of the study area (%) at which the maps are compared, e.g. 1,5,10")->default_val("1,5,10");
    addNumber(app, ForecastEvaluateOptions::kHistory, a->history, "Months of data before the first target month")->default_val(12);
    addNumber(app, ForecastEvaluateOptions::kProspectiveRadius, a->prospectiveRadius, "Prospective mapping: spatial bandwidth in metres")
        ->default_val(400.0);
    addNumber(app, ForecastEvaluateOptions::kProspectiveWeeks, a->prospectiveWeeks, "Prospective mapping: temporal bandwidth in whole weeks")
        ->default_val(8);
    addNumber(app, ForecastEvaluateOptions::kGiStarMonths, a->giStarMonths, "Gi* map: months of counts before the target month")->default_val(12);
    addNumber(app, ForecastEvaluateOptions::kStudyBuffer, a->studyBuffer,
              "Without --study-area: the study area is the cells within this many metres of an incident (0: the whole grid)")
        ->default_val(250.0);
    return [a, &global] {
        ForecastEvaluateOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.bandwidth = a->bandwidth;
        o.coverage.clear();
        for (const double percent : numberList(a->coverage, "--coverage")) {
            ForecastEvaluateOptions::kCoverage.checkGiven(percent, OptionNaming::cli());
            o.coverage.push_back(percent / 100);
        }
        o.history = a->history;
        o.prospective.radius = a->prospectiveRadius;
        o.prospective.maxWeeks = a->prospectiveWeeks;
        o.giStarMonths = a->giStarMonths;
        o.studyBuffer = a->studyBuffer;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runForecastEvaluate(o, progress), global);
    };
}

RunFunction registerChange(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string before, after;
        std::vector<std::string> areas;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a, false);
    app.add_option("--before", a->before, "The earlier period: YYYY, YYYY-MM or FROM:TO")->required();
    app.add_option("--after", a->after, "The later period")->required();
    app.add_option("-a,--areas", a->areas, "Also compare per polygon of this layer (LABEL=PATH[:LAYER])");
    return [a, &global] {
        ChangeOptions o;
        o.input = build(*a);
        o.before = MonthRange::parse(a->before, "--before");
        o.after = MonthRange::parse(a->after, "--after");
        o.grid = gridChoice(*a);
        o.areas = areaSpecs(a->areas, a->srs);
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runChange(o, progress), global);
    };
}

RunFunction registerEmerging(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string step = "month";
        int rings = 1;
        double alpha = 0.05;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    addChoice(app, EmergingRunOptions::kStep, a->step, "Time step: month or quarter");
    addNumber(app, kRingsOption, a->rings, "Grid neighbourhood rings")->default_val(1);
    addNumber(app, EmergingRunOptions::kAlpha, a->alpha, "Significance level of each step and of the trend")->default_val(0.05);
    return [a, &global] {
        EmergingRunOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.stepMonths = a->step == "quarter" ? 3 : 1;
        o.rings = a->rings;
        o.alpha = a->alpha;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runEmerging(o, progress), global);
    };
}

RunFunction registerEvaluate(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string fit, test, method = "kde", kernel = "quartic";
        double bandwidth = 0;
        std::vector<double> top = {1, 5, 10, 20};
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a, false);
    app.add_option("--fit", a->fit, "Period the hotspots are chosen from (FROM:TO)")->required();
    app.add_option("--test", a->test, "Period they are tested against")->required();
    addChoice(app, EvaluateOptions::kMethod, a->method, "Rank cells by kde or counts");
    addChoice(app, KdeOptions::kKernel, a->kernel, "Kernel for --method kde");
    addNumber(app, KdeOptions::kBandwidth, a->bandwidth, "Bandwidth for --method kde (default: ArcGIS rule)");
    addNumber(app, EvaluateOptions::kTop, a->top, "Top shares of cells in percent (comma-separated)")->delimiter(',');
    return [a, &global] {
        EvaluateOptions o;
        o.input = build(*a);
        o.fit = MonthRange::parse(a->fit, "--fit");
        o.test = MonthRange::parse(a->test, "--test");
        o.grid = gridChoice(*a);
        o.method = parseRankBy(a->method, OptionNaming::cli());
        o.kde.kernel = parseKernel(a->kernel);
        o.kde.bandwidth = a->bandwidth;
        o.shares.clear();
        for (double t : a->top) o.shares.push_back(t / 100.0);
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runEvaluate(o, progress), global);
    };
}

}  // namespace hotspot::cli

namespace hotspot::cli {

namespace {

// hotspot-report-pdf, the Qt tool built with the viewer: beside this program (installed), in the
// build tree's viewer folder, or on PATH.
std::string findPdfTool() {
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates = {self.parent_path() / "hotspot-report-pdf", self.parent_path().parent_path() / "viewer" / "hotspot-report-pdf"};
    if (const char* path = std::getenv("PATH")) {
        std::string dirs = path;
        for (size_t start = 0, end = 0; start <= dirs.size(); start = end + 1) {
            end = std::min(dirs.find(':', start), dirs.size());
            if (end > start) candidates.push_back(std::filesystem::path(dirs.substr(start, end - start)) / "hotspot-report-pdf");
        }
    }
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) return c.string();
    throwUsage("--pdf needs hotspot-report-pdf, which is built with the viewer (Qt 6 with Qt SVG); it is not beside hotspot, in build/viewer or on PATH");
}

std::function<void(const std::string&, const std::string&)> pdfRenderer() {
    const std::string tool = findPdfTool();
    return [tool](const std::string& html, const std::string& pdf) {
        const pid_t child = ::fork();
        if (child < 0) throwOutput("cannot start " + tool);
        if (child == 0) {
            ::execl(tool.c_str(), tool.c_str(), html.c_str(), pdf.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        int status = 0;
        while (::waitpid(child, &status, 0) < 0)
            if (errno != EINTR) throwOutput("lost " + tool);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throwOutput(fmt::format("{} could not write {} (exit status {}; its message is above)", tool, pdf, WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                        {pdf, 0, ""});
    };
}

}  // namespace

RunFunction registerReport(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string toMonth, flagField, flagValue = "Y", title = "Recorded crime";
        int years = 3;
        std::vector<std::string> by, exclude = {"asb"};
        std::vector<std::string> census, censusAreas, lookups, priorityAreas;
        std::string hotspots, roadsRun, interventionsRun, sitesRun, attribution;
        bool pdf = false;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a, false);
    // The report counts every category of every located or unlocated row in the years: no grid,
    // no group filter, and areas come from --by.
    removeOptions(app, kGridFlags);
    removeOptions(app, {"--group", "--study-area", "--outcome"});  // the report has a table of outcome groups instead
    app.add_option("--to", a->toMonth, "Last month of the latest year (YYYY-MM; default: the latest month in the data)");
    addNumber(app, PerformanceReportOptions::kYears, a->years, "Number of years compared")->default_val(3);
    app.add_option("--by", a->by, "One table per polygon of this layer, e.g. district=shapes/districts.geojson");
    app.add_option("--census", a->census, "Census table, [residents=|households=]PATH: rates per 1,000 residents or households per area")
        ->type_name("SPEC");
    app.add_option("--census-areas", a->censusAreas,
                   "LABEL=PATH: the polygons of the census table's geography when it is not --by "
                   "(counts apportioned by land area)")
        ->type_name("SPEC");
    app.add_option("--lookup", a->lookups, "ONS lookup carrying the census codes to the --by layer's (e.g. LSOA -> ward best fit)")
        ->type_name("FILE");
    app.add_option("--flag-field", a->flagField, "Column of a flag whose share is reported, e.g. 'Domestic abuse flag'");
    app.add_option("--flag-value", a->flagValue, "Value of the flag column that counts as flagged")->default_val("Y");
    app.add_option("--exclude-from-total", a->exclude, "Groups left out of 'All crime'")->delimiter(',')->default_val(std::vector<std::string>{"asb"});
    app.add_option("--title", a->title, "Chart and report title")->default_val("Recorded crime");
    app.add_option("--priority-areas", a->priorityAreas, "LABEL=PATH: neighbourhood priority areas, each with counts, rates, change and a hot spot map")
        ->type_name("SPEC");
    app.add_option("--hotspots", a->hotspots, "hotspots.gpkg of `hotspot gistar`: its hot spot cells and zones on the report's maps")->type_name("FILE");
    app.add_option("--roads-run", a->roadsRun, "Output folder of `hotspot roads`: the road problem locality register and its map")->type_name("DIR");
    app.add_option("--interventions-run", a->interventionsRun, "Output folder of `hotspot evaluate-interventions`: the evaluation and its map")
        ->type_name("DIR");
    app.add_option("--sites-run", a->sitesRun, "Output folder of `hotspot sites`: the recommended sites and their map")->type_name("DIR");
    app.add_option("--attribution", a->attribution, "Your own source line, put before the publishers' credits (police.uk, ONS, OS, OSM)");
    app.add_flag("--pdf", a->pdf, "Also write performance_report.pdf (runs hotspot-report-pdf, built with the viewer)");
    return [a, &global] {
        PerformanceReportOptions o;
        o.input = build(*a);
        if (!a->toMonth.empty()) o.toMonth = MonthRange::parse(a->toMonth, "--to").to;
        o.years = a->years;
        o.by = areaSpecs(a->by, a->srs);
        o.flagField = a->flagField;
        o.flagValue = a->flagValue;
        o.census = a->census;
        o.censusAreas = areaSpecs(a->censusAreas, a->srs);
        o.lookups = a->lookups;
        o.excludeFromTotal = a->exclude;
        o.title = a->title;
        o.outDir = a->out;
        o.priorityAreas = areaSpecs(a->priorityAreas, a->srs);
        o.hotspots = a->hotspots;
        o.roadsRun = a->roadsRun;
        o.interventionsRun = a->interventionsRun;
        o.sitesRun = a->sitesRun;
        o.attribution = a->attribution;
        if (a->pdf) o.renderPdf = pdfRenderer();
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runPerformanceReport(o, progress), global);
    };
}

}  // namespace hotspot::cli
