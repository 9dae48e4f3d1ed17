// `hotspot roads`: road problem localities (a thin wrapper over roads_run.hpp).

#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "input_options.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/roads_run.hpp"

namespace hotspot::cli {

RunFunction registerRoads(CLI::App& app, const GlobalOptions& global) {
    struct Args {
        std::string network, networkSrs, nameField, classField, categories, collisionColumns, complaintColumns, collisionSrs, complaintSrs;
        std::string networkFields, collisionLayer, complaintLayer, costs, issueRules, rankBy = "score";
        std::vector<std::string> collisions, complaints, excludeClasses, casualties, vehicles;
        bool keepAllClasses = false, noLinkedTables = false;
        std::string crs = "EPSG:27700", months, kernel = "quartic", method = "discontinuous", clusterRule = "wales", weights, previous;
        std::string out = "out/roads";
        double nodeTolerance = 1, snapTolerance = 30, lixel = 20, bandwidth = 300, clusterRadius = 0, peakThreshold = -1, matchDistance = 100;
        int clusterMin = 0, clusterMonths = 0, trendMonths = 12;
    };
    auto a = std::make_shared<Args>();
    app.add_option("--network", a->network, "Road lines: any OGR line layer, PATH[:LAYER] (OSM export, OS Open Roads, ...)")->required();
    app.add_option("--network-srs", a->networkSrs, "CRS of the road layer when it has none");
    app.add_option("--network-fields", a->networkFields,
                   "Fields of the road layer: name=F,class=F,number=F,start=F,end=F (default: OSM name/highway/ref, OS Open Roads "
                   "name_1/road_classification/road_number/start_node/end_node, ...)");
    app.add_option("--name-field", a->nameField, "Road name field (same as --network-fields name=F)");
    app.add_option("--class-field", a->classField, "Road class field (same as --network-fields class=F)");
    app.add_option("--exclude-classes", a->excludeClasses, "Road classes to leave out (added to the OSM defaults: footway, cycleway, steps, ...)")
        ->delimiter(',');
    app.add_flag("--keep-all-classes", a->keepAllClasses, "Do not apply the default OSM exclusions");
    addNumber(app, RoadsOptions::kNodeTolerance, a->nodeTolerance, "Vertices closer than this (m) are one node")->default_val(1.0);
    app.add_option("--collisions", a->collisions, "Collisions: STATS19 CSVs (legacy or 2024 schema), or mapped CSV / OGR points");
    app.add_option("--collision-columns", a->collisionColumns, "Column mapping for collision files that are not STATS19 (roles as in geocode)");
    app.add_option("--collision-srs", a->collisionSrs, "CRS of mapped collision x/y");
    app.add_option("--collision-layer", a->collisionLayer, "Layer of OGR collision inputs");
    app.add_option("--casualties", a->casualties,
                   "STATS19 casualty tables (either schema), joined on the collision index "
                   "(default: DfT's casualty file beside each collision file)");
    app.add_option("--vehicles", a->vehicles, "STATS19 vehicle tables (default: DfT's vehicle file beside each collision file)");
    app.add_flag("--no-linked-tables", a->noLinkedTables, "Do not look for casualty and vehicle files beside the collision files");
    app.add_option("--costs", a->costs, "Value of prevention per collision by severity, CSV (default: DfT RAS60001, 2014 prices)");
    app.add_option("--issue-rules", a->issueRules, "Issue-pattern rule table, CSV pattern,when (default: data/roads/issue_patterns.csv)");
    addChoice(app, RoadsOptions::kRankBy, a->rankBy, "Rank the register by score, cost (value of prevention) or ksi");
    app.add_option("--complaints", a->complaints, "Road complaints / police road incidents with an issue type (CSV or OGR points)");
    app.add_option("--complaint-columns", a->complaintColumns, "Column mapping of the complaint files, e.g. id=ref,date=date,category=issue,lon=lon,lat=lat");
    app.add_option("--complaint-srs", a->complaintSrs, "CRS of mapped complaint x/y");
    app.add_option("--complaint-layer", a->complaintLayer, "Layer of OGR complaint inputs");
    app.add_option("--categories", a->categories, "Category mapping CSV (default data/categories/police_uk.csv)");
    app.add_option("--crs", a->crs, "Analysis CRS: projected, in metres")->default_val("EPSG:27700");
    app.add_option("--months", a->months, "Analysis window: YYYY, YYYY-MM or FROM:TO (default: all)");
    addNumber(app, RoadsOptions::kSnapTolerance, a->snapTolerance, "Snap incidents to the nearest road within this many metres")->default_val(30.0);
    addNumber(app, RoadsOptions::kLixel, a->lixel, "Lixel length in metres")->default_val(20.0);
    addNumber(app, RoadsOptions::kBandwidth, a->bandwidth, "Network kernel bandwidth in metres of network distance")->default_val(300.0);
    addChoice(app, RoadsOptions::kKernel, a->kernel, "quartic, triweight, epanechnikov, triangular or uniform");
    addChoice(app, RoadsOptions::kMethod, a->method, "discontinuous (equal split at junctions, mass-conserving) or simple");
    addChoice(app, RoadsOptions::kClusterRule, a->clusterRule, "wales (4/50 m/36 months), urban (7/50 m/60), rural (7/100 m/60), urban-rural");
    addNumber(app, RoadsOptions::kClusterMin, a->clusterMin, "Override: minimum injury collisions of a cluster site");
    addNumber(app, RoadsOptions::kClusterRadius, a->clusterRadius, "Override: network distance (m) from the site's centre collision");
    addNumber(app, RoadsOptions::kClusterMonths, a->clusterMonths, "Override: months counted back from the last month");
    addNumber(app, RoadsOptions::kPeakThreshold, a->peakThreshold, "Weighted density per km for density peaks (default: mean + 3 SD)");
    app.add_option("--weights", a->weights, "Score weights, e.g. fatal=10,serious=5,slight=1,unknown=1,complaint=0.5");
    addNumber(app, RoadsOptions::kTrendMonths, a->trendMonths, "Trend: last N months against the N before")->default_val(12);
    app.add_option("--previous", a->previous, "Earlier register (road_register.csv or any OGR point layer) to mark what is new");
    addNumber(app, RoadsOptions::kMatchDistance, a->matchDistance, "A locality within this many metres of a previous one is not new")->default_val(100.0);
    app.add_option("-o,--out", a->out, "Output folder")->default_val("out/roads");
    return [a, &global] {
        const CategoryMap categories = a->categories.empty() ? CategoryMap::builtinDefault() : CategoryMap::fromFile(a->categories);
        RoadsOptions o;
        const AreaLayerSpec networkSpec = AreaLayerSpec::parse(a->network);
        o.network.path = networkSpec.path;
        o.network.layer = networkSpec.layer;
        o.network.srs = a->networkSrs;
        o.network.nameField = a->nameField;
        o.network.classField = a->classField;
        o.network.setFields(a->networkFields);
        o.network.excludeClasses = a->excludeClasses;
        o.network.defaultExclusions = !a->keepAllClasses;
        o.nodeTolerance = a->nodeTolerance;
        o.collisions = a->collisions;
        o.complaints = a->complaints;
        o.casualties = a->casualties;
        o.vehicles = a->vehicles;
        o.findLinkedTables = !a->noLinkedTables;
        o.costsFile = a->costs;
        o.issueRulesFile = a->issueRules;
        o.rankBy = a->rankBy;
        if (!a->collisionColumns.empty()) o.collisionMapping = ColumnMapping::parse(a->collisionColumns);
        o.collisionMapping.srs = a->collisionSrs;
        if (!a->complaintColumns.empty()) o.complaintMapping = ColumnMapping::parse(a->complaintColumns);
        o.complaintMapping.srs = a->complaintSrs;
        o.collisionLayer = a->collisionLayer;
        o.complaintLayer = a->complaintLayer;
        o.categories = &categories;
        o.analysisCrs = a->crs;
        o.months = MonthRange::parse(a->months, "--months");
        o.snapTolerance = a->snapTolerance;
        o.lixelLength = a->lixel;
        o.nkde.bandwidth = a->bandwidth;
        o.nkde.kernel = parseNetworkKernel(a->kernel);
        o.nkde.method = parseNkdeMethod(a->method);
        o.clusterRule = a->clusterRule;
        o.clusterMin = a->clusterMin;
        o.clusterRadius = a->clusterRadius;
        o.clusterMonths = a->clusterMonths;
        o.peakThreshold = a->peakThreshold;
        if (!a->weights.empty()) o.weights = SeverityWeights::parse(a->weights);
        o.trendMonths = a->trendMonths;
        o.previousRegister = a->previous;
        o.matchDistance = a->matchDistance;
        o.outDir = a->out;
        o.validate(OptionNaming::cli());
        Progress progress = commandProgress(global);
        const RunReport report = runRoads(o, progress);
        if (!global.quiet) std::fputs(nameOptions(report.format(), OptionNaming::cli()).c_str(), stderr);
        if (global.report) *global.report = report;
        return 0;
    };
}

}  // namespace hotspot::cli
