// `hotspot sites`: new CCTV or light sites by maximal covering over the hotspot demand.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/road_network.hpp"
#include "hotspot/version.hpp"
#include "interventions/run_support.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"

namespace hotspot {

using namespace intervention_support;

RunReport runSites(const SitesOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    if (o.demand != "kde" && o.demand != "counts") throwUsage("`demand` must be kde or counts", {"", 0, "demand"});
    if (!(o.candidateSpacing > 0)) throwUsage("`spacing` must be positive", {"", 0, "spacing"});
    RunReport report;
    auto& lines = report.lines;
    const std::string& crs = o.input.ingest.analysisCrs;
    StepTimer timer("sites");
    const SelectedIncidents sel = loadIncidents(o.input, progress);
    timer.step("read");
    lines.push_back("incidents: " + sel.describe());
    KdeOptions kde = o.kde;
    if (kde.bandwidth <= 0) kde.bandwidth = 200;
    const Grid grid = demandGrid(sel, o.grid, 25, o.demand == "kde" ? kde.bandwidth : o.siting.radius);
    // The incidents behind the demand, per cell (written as counts.tif): with --demand counts they
    // are the demand; with kde the density is spread from the same incidents.
    const CellCounts counts = countInCells(grid, sel.x, sel.y, sel.weight, {});
    report.account(sel.ledger("demand grid cells (counts.tif)", counts.counted, counts.exclusions()));
    std::vector<double> demand;
    if (o.demand == "kde") {
        demand = kernelDensity(grid, sel.x, sel.y, sel.weight, kde);
        const double cellKm2 = grid.cellSize * grid.cellSize / kde.areaUnit;
        for (double& d : demand) d *= cellKm2;  // expected incidents per cell
    } else {
        demand = counts.values;
    }
    const double totalDemand = std::accumulate(demand.begin(), demand.end(), 0.0);
    timer.step("demand");
    // counts.tif is compressed on a second thread while the candidates are read and chosen.
    OutputStaging staging(o.outDir);
    BackgroundTask countsRaster([&, path = staging.stagedPath("counts.tif")] {
        writeGeoTiff(path, grid, counts.values, crs, RasterType::Float32, -9999,
                     {{"HOTSPOT_VERSION", versionString()}, {"HOTSPOT_PERIOD", monthsUsed(o.input.months, sel.month).label()}, {"HOTSPOT_CELL_SIZE_M", fmt::format("{}", grid.cellSize)}},
                     "incidents per cell of the demand grid");
    });
    // Existing coverage is not demand any more.
    LayerRejects existingRejects, candidateRejects;
    double removed = 0;
    std::vector<Camera> existing;
    if (!o.existingCameras.empty()) {
        existing = readCameras(InterventionSource::parse(o.existingCameras), crs, o.existingRange, existingRejects);
        removed = removeCoveredDemand(grid, demand, existing);
        lines.push_back(fmt::format("existing cameras: {} ({} rejected{}); they already cover {:.1f} % of the demand, which is left out",
                                    existing.size(), existingRejects.rows.size(), describeRejects(existingRejects, o.existingCameras),
                                    totalDemand > 0 ? 100 * removed / totalDemand : 0.0));
    }
    // Candidates.
    std::vector<SiteCandidate> candidates;
    std::string candidateSource;
    if (!o.candidates.empty()) {
        candidates = readSiteCandidates(InterventionSource::parse(o.candidates), crs, o.costField, o.costPerSite, candidateRejects);
        candidateSource = o.candidates;
        lines.push_back(fmt::format("candidates: {} from {} ({} rejected{})", candidates.size(), o.candidates, candidateRejects.rows.size(),
                                    describeRejects(candidateRejects, o.candidates)));
    } else if (!o.candidateRoads.empty()) {
        RoadLayerOptions roads;
        const AreaLayerSpec spec = AreaLayerSpec::parse(o.candidateRoads);
        roads.path = spec.path;
        roads.layer = spec.layer;
        const RoadNetwork net = buildRoadNetwork(readRoadLayer(roads, crs).lines, 1.0);
        for (uint32_t e = 0; e < net.edges.size(); ++e) {
            const double length = net.edges[e].length;
            for (double s = std::fmod(length, o.candidateSpacing) / 2; s <= length; s += o.candidateSpacing) {
                SiteCandidate c;
                net.pointAt(e, s, c.x, c.y);
                c.cost = o.costPerSite;
                c.id = fmt::format("road-{}-{:.0f}", e, s);
                if (grid.extent().contains(c.x, c.y)) candidates.push_back(c);
            }
        }
        candidateSource = "every " + formatValue(o.candidateSpacing, 0) + " m along " + o.candidateRoads;
        lines.push_back(fmt::format("candidates: {} generated {}", candidates.size(), candidateSource));
    } else {
        candidates = latticeCandidates(grid, demand, o.candidateSpacing, o.siting.radius, o.costPerSite);
        candidateSource = "a " + formatValue(o.candidateSpacing, 0) + " m lattice where there is demand";
        lines.push_back(fmt::format("candidates: {} on {}", candidates.size(), candidateSource));
    }
    if (candidates.empty()) throwInput("no candidate sites (see the candidate options)");
    timer.step("candidates");
    progress.note("Choosing sites");
    const std::vector<SitePick> picks = greedySites(grid, demand, candidates, o.siting);
    timer.step("greedy");
    const double remaining = totalDemand - removed;
    lines.push_back(fmt::format("sites: {} chosen (greedy with lazy gains, radius {} m){}; they cover {:.1f} of {:.1f} uncovered demand ({:.1f} %)",
                                picks.size(), o.siting.radius, std::isfinite(o.siting.budget) ? fmt::format(", budget {}", o.siting.budget) : "",
                                picks.empty() ? 0.0 : picks.back().cumulative, remaining,
                                remaining > 0 && !picks.empty() ? 100 * picks.back().cumulative / remaining : 0.0));
    double exactValue = NAN;
    if (o.exact) {
        const auto best = exactSites(grid, demand, candidates, o.siting);
        exactValue = coveredDemand(grid, demand, candidates, best, o.siting.radius);
        lines.push_back(fmt::format("exact optimum: {:.3f}; greedy reaches {:.2f} % of it (guarantee: 63.2 %)", exactValue,
                                    exactValue > 0 ? 100 * (picks.empty() ? 0 : picks.back().cumulative) / exactValue : 100.0));
    }
    const CoordinateTransformer toLonLat(crs, "EPSG:4326");
    timer.step("exact, staging");
    const std::vector<std::string> header = {"rank", "candidate_id", "x", "y", "lon", "lat", "gain", "cumulative", "cumulative_share_pct", "cost", "cumulative_cost"};
    auto row = [&](size_t r) {
        const SitePick& p = picks[r];
        const SiteCandidate& c = candidates[p.candidate];
        double lon = c.x, lat = c.y;
        toLonLat.transformPoint(lon, lat);
        return std::vector<std::string>{std::to_string(r + 1), c.id, formatValue(c.x, 1), formatValue(c.y, 1), formatValue(lon, 6), formatValue(lat, 6),
                                        formatValue(p.gain, 3), formatValue(p.cumulative, 3), percent(p.cumulative, remaining), formatValue(p.cost, 2),
                                        formatValue(p.cumulativeCost, 2)};
    };
    {
        CsvWriter csv(staging.stagedPath("sites.csv"));
        csv.row(header);
        for (size_t r = 0; r < picks.size(); ++r) csv.row(row(r));
        csv.close();
    }
    writeLayerRejects(staging, "sites_rejects.csv", {{o.existingCameras, &existingRejects}, {o.candidates, &candidateRejects}});
    {
        std::string md = "# Recommended sites\n\n";
        md += fmt::format(
            "Demand: {} of the incidents ({}), {} m cells; {} of it already covered by existing cameras is left out. "
            "Candidates: {} ({}). A site covers the cells whose centre is within {} m. Picks by greedy with lazy gains "
            "(guaranteed at least 1 - 1/e = 63.2 % of the best possible coverage).\n\n",
            o.demand == "kde" ? fmt::format("kernel density (bandwidth {} m) as expected incidents per cell", kde.bandwidth)
                              : std::string("counts per cell"),
            sel.describe(), grid.cellSize, formatValue(removed, 1), candidates.size(), candidateSource, o.siting.radius);
        if (std::isfinite(exactValue)) md += fmt::format("Exact optimum for this case: {:.3f} covered.\n\n", exactValue);
        md += "| Rank | Candidate | Easting | Northing | Gain | Cumulative | Share % | Cost | Cumulative cost |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
        for (size_t r = 0; r < picks.size(); ++r) {
            const auto v = row(r);
            md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", v[0], v[1], v[2], v[3], v[6], v[7], v[8], v[9], v[10]);
        }
        writeTextFile(staging.stagedPath("sites.md"), md);
    }
    {
        VectorWriter gpkg(staging.stagedPath("sites.gpkg"));
        std::vector<FieldSpec> fields;
        for (const auto& h : header)
            fields.push_back({h, h == "rank" ? FieldType::Integer : (h == "candidate_id" ? FieldType::String : FieldType::Real)});
        for (const char* layer : {"recommended_sites", "recommended_coverage"}) {
            const bool points = std::string(layer) == "recommended_sites";
            gpkg.createLayer(layer, points ? GeometryKind::Point : GeometryKind::Polygon, crs, fields,
                             points ? "Recommended new sites, in order of choice" : "Coverage circles of the recommended sites");
            for (size_t r = 0; r < picks.size(); ++r) {
                gpkg.setFromText(row(r), fields);
                const SiteCandidate& c = candidates[picks[r].candidate];
                if (points) gpkg.setPoint(c.x, c.y);
                else gpkg.setWkb(polygonWkb(CoverageShape{c.x, c.y, o.siting.radius}.ring()));
                gpkg.writeFeature();
            }
        }
        writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()},
                            {"COMMAND", "sites"},
                            {"DEMAND", o.demand},
                            {"BANDWIDTH_M", fmt::format("{}", kde.bandwidth)},
                            {"CELL_M", fmt::format("{}", grid.cellSize)},
                            {"RADIUS_M", fmt::format("{}", o.siting.radius)},
                            {"SITES", std::to_string(o.siting.maxSites)},
                            {"BUDGET", formatValue(o.siting.budget, 2)},
                            {"CANDIDATES", candidateSource},
                            {"EXISTING_CAMERAS", o.existingCameras},
                            {"CRS", crs}});
        gpkg.close();
        writeGeoPackageStyles(staging.stagedPath("sites.gpkg"));  // QGIS opens each layer styled
    }
    countsRaster.finish();  // rethrows a raster write failure
    report.outputs = staging.commit();
    timer.step("outputs");
    return report;
}

}  // namespace hotspot
