// `hotspot coverage | evaluate-interventions | sites`: thin wrappers over interventions_run.hpp.

#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "hotspot/error.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/progress.hpp"
#include "input_options.hpp"

namespace hotspot::cli {

namespace {

void addKdeOptions(CLI::App& app, std::string& kernel, double& bandwidth, const char* bandwidthHelp) {
    addChoice(app, KdeOptions::kKernel, kernel, "Kernel of the density: quartic, uniform, triweight, epanechnikov, triangular, gaussian");
    addNumber(app, KdeOptions::kBandwidth, bandwidth, bandwidthHelp);
}

}  // namespace

RunFunction registerCoverage(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string cameras, lights, kernel = "quartic", period = "year";
        double cameraRange = 100, lightRadius = 25, bandwidth = 0, hotspotShare = 0.05, darkDistance = 50;
        std::vector<std::string> areas;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    removeOptions(app, {"--shape", "--clip"});  // the density grid is square and covers every incident
    app.get_option("--out")->default_val("out/coverage");
    app.add_option("--cameras", a->cameras, "CCTV cameras: CSV (x/y or lon/lat) or OGR points; id, optional bearing, fov, range, installed");
    app.add_option("--lights", a->lights, "Street lights: CSV or OGR points; id, lamp_type and/or radius");
    addNumber(app, CoverageOptions::kCameraRange, a->cameraRange, "Range (m) of cameras without one")->default_val(100.0);
    addNumber(app, CoverageOptions::kLightRadius, a->lightRadius, "Lit radius (m) of lights without a radius or a known lamp type")->default_val(25.0);
    app.add_option("-a,--areas", a->areas, "Area layer LABEL=PATH[:LAYER] for per-area tables (priority areas)");
    addKdeOptions(app, a->kernel, a->bandwidth, "Density bandwidth in metres (default 300)");
    addNumber(app, CoverageOptions::kHotspotShare, a->hotspotShare, "Hotspot cells: this top share of the cells with any density")->default_val(0.05);
    addNumber(app, CoverageOptions::kDarkDistance, a->darkDistance, "A hotspot cell with no light within this many metres is dark")->default_val(50.0);
    addChoice(app, CoverageOptions::kPeriod, a->period, "Shares by year, month or all");
    return [a, &global] {
        CoverageOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.cameras = a->cameras;
        o.lights = a->lights;
        o.cameraRange = a->cameraRange;
        o.lightRadius = a->lightRadius;
        o.areas = areaSpecs(a->areas, a->srs);
        o.kde.kernel = parseKernel(a->kernel);
        o.kde.bandwidth = a->bandwidth;
        o.hotspotShare = a->hotspotShare;
        o.darkDistance = a->darkDistance;
        o.period = parseSharePeriod(a->period, OptionNaming::cli());
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runCoverage(o, progress), global);
    };
}

RunFunction registerEvaluateInterventions(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string projects;
        std::vector<std::string> control;
        double treatedRadius = 100, bufferWidth = 200;
        int periodMonths = 12;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a, false);
    removeOptions(app, kGridFlags);  // treated areas and buffers, no grid
    app.get_option("--out")->default_val("out/interventions");
    app.add_option("--interventions", a->projects, "Interventions: points, lines or polygons with name, start date, optional budget, category, round")
        ->required();
    addNumber(app, InterventionEvaluationOptions::kTreatedRadius, a->treatedRadius, "Treated area around point and line interventions (m)")
        ->default_val(100.0);
    addNumber(app, InterventionEvaluationOptions::kBuffer, a->bufferWidth, "Width of the displacement buffer ring (m)")->default_val(200.0);
    app.add_option("--control", a->control, "Control polygons LABEL=PATH[:LAYER]: the one holding an intervention is its control");
    addNumber(app, InterventionEvaluationOptions::kPeriodMonths, a->periodMonths, "Months before and after the start (shortened to the data)")
        ->default_val(12);
    return [a, &global] {
        InterventionEvaluationOptions o;
        o.input = build(*a);
        o.projects = a->projects;
        o.treatedRadius = a->treatedRadius;
        o.bufferWidth = a->bufferWidth;
        o.control = areaSpecs(a->control, a->srs);
        o.periodMonths = a->periodMonths;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runInterventionEvaluation(o, progress), global);
    };
}

RunFunction registerSites(CLI::App& app, const GlobalOptions& global) {
    struct Args : InputArgs {
        std::string kernel = "quartic", demand = "kde", candidates, roads, costField = "cost", existing, streets;
        double bandwidth = 0, spacing = 50, costPerSite = 1, existingRange = 100, radius = 100, budget = -1;
        int sites = 10;
        bool exact = false;
        std::vector<std::string> areas;
    };
    auto a = std::make_shared<Args>();
    addInputOptions(app, *a);
    removeOptions(app, {"--shape", "--clip"});  // the demand grid is square and covers every incident
    app.get_option("--out")->default_val("out/sites");
    addNumber(app, SitesOptions::kSites, a->sites, "Number of new sites to choose", "-n")->default_val(10);
    addNumber(app, SitesOptions::kRadius, a->radius, "Coverage radius of a new site (m): e.g. 100 for CCTV, 25 for a light")->default_val(100.0);
    addChoice(app, SitesOptions::kDemand, a->demand, "kde (expected incidents per cell) or counts");
    addKdeOptions(app, a->kernel, a->bandwidth, "Density bandwidth in metres (default 200)");
    app.add_option("--candidates", a->candidates, "Candidate sites: CSV or OGR points (id, optional cost)");
    app.add_option("--candidate-roads", a->roads, "Generate candidates along these road lines (OGR)");
    addNumber(app, SitesOptions::kSpacing, a->spacing, "Metres between generated candidates (lattice or along roads)")->default_val(50.0);
    app.add_option("--cost-field", a->costField, "Cost field of the candidate layer")->default_val("cost");
    addNumber(app, SitesOptions::kCost, a->costPerSite, "Cost of a site without a cost field")->default_val(1.0);
    addNumber(app, SitesOptions::kBudget, a->budget, "Total budget (same units as the costs); default: no limit");
    app.add_option("--existing", a->existing, "Existing cameras: their coverage is left out of the demand");
    addNumber(app, SitesOptions::kExistingRange, a->existingRange, "Range (m) of existing cameras without one")->default_val(100.0);
    app.add_flag("--exact", a->exact, "Also solve exactly (small cases) and report how close greedy is");
    app.add_option("--streets", a->streets, "Name each site's nearest street: a gazetteer CSV or a road network (OSM .pbf, OS Open Roads, any lines)")
        ->type_name("FILE");
    app.add_option("-a,--areas", a->areas, "Name the area each site falls in (LABEL=PATH[:LAYER], e.g. priority areas, wards); repeatable");
    return [a, &global] {
        SitesOptions o;
        o.input = build(*a);
        o.grid = gridChoice(*a);
        o.kde.kernel = parseKernel(a->kernel);
        o.kde.bandwidth = a->bandwidth;
        o.demand = a->demand;
        o.candidates = a->candidates;
        o.candidateRoads = a->roads;
        o.candidateSpacing = a->spacing;
        o.costField = a->costField;
        o.costPerSite = a->costPerSite;
        o.existingCameras = a->existing;
        o.existingRange = a->existingRange;
        o.siting.radius = a->radius;
        o.siting.maxSites = a->sites;
        if (a->budget >= 0) o.siting.budget = a->budget;
        o.exact = a->exact;
        o.streets = a->streets;
        o.areas = areaSpecs(a->areas, a->srs);
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        return finish(runSites(o, progress), global);
    };
}

}  // namespace hotspot::cli
