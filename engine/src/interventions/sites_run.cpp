// `hotspot sites`: new CCTV or light sites by maximal covering over the hotspot demand.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/gazetteer.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/vector_data.hpp"
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

namespace {

// The nearest named street of a point: gazetteer snap points, or road lines with their names.
class StreetFinder {
public:
    static StreetFinder load(const std::string& path, const std::string& crs) {
        StreetFinder f;
        const std::string ext = toLowerAscii(std::filesystem::path(path).extension().string());
        if (ext == ".csv" || ext == ".txt") {
            Gazetteer g;
            GazetteerOptions options;
            options.analysisCrs = crs;
            g.load(path, options);
            for (const auto& e : g.entries())
                if (!e.isPostcode) f.add(e.name, {e.x, e.y}, {e.x, e.y});
        } else {
            const VectorData d = readVectorData(path, ext == ".pbf" || ext == ".osm" ? "lines" : "", crs);
            auto field = [&](std::initializer_list<const char*> names) {
                for (const char* n : names)
                    if (const int i = d.fieldIndex(n); i >= 0) return i;
                return -1;
            };
            const int name = field({"name", "name_1", "road_name", "street", "roadname"}), ref = field({"ref", "road_number", "roadnumber"});
            for (const auto& feature : d.features) {
                const std::string n = name >= 0 ? feature.values[static_cast<size_t>(name)] : "";
                const std::string r = ref >= 0 ? feature.values[static_cast<size_t>(ref)] : "";
                if (n.empty() && r.empty()) continue;  // unnamed ways say nothing to a planner
                const std::string label = n.empty() ? r : r.empty() ? n
                                                                    : n + " (" + r + ")";
                for (const auto& part : feature.parts)
                    for (size_t i = 0; i < part.size(); ++i) f.add(label, part[i], part[std::min(i + 1, part.size() - 1)]);
            }
        }
        if (f.m_names.empty()) throwInput("no named street or road in it", {path, 0, "streets"});
        return f;
    }

    // The nearest street's name and the distance to it in metres.
    std::pair<std::string, double> nearest(double x, double y) const {
        double best = INFINITY;
        size_t at = 0;
        for (size_t i = 0; i < m_a.size(); ++i) {
            const auto [ax, ay] = m_a[i];
            const auto [bx, by] = m_b[i];
            const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            const double t = len2 > 0 ? std::clamp(((x - ax) * dx + (y - ay) * dy) / len2, 0.0, 1.0) : 0.0;
            const double ex = ax + t * dx - x, ey = ay + t * dy - y, d2 = ex * ex + ey * ey;
            if (d2 < best) best = d2, at = i;
        }
        return {m_names[m_nameOf[at]], std::sqrt(best)};
    }

private:
    void add(const std::string& name, std::pair<double, double> a, std::pair<double, double> b) {
        if (m_names.empty() || m_names.back() != name) m_names.push_back(name);
        m_nameOf.push_back(m_names.size() - 1);
        m_a.push_back(a), m_b.push_back(b);
    }
    std::vector<std::string> m_names;
    std::vector<size_t> m_nameOf;
    std::vector<std::pair<double, double>> m_a, m_b;
};

}  // namespace

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
    std::vector<std::string> header = {"rank", "candidate_id", "x", "y", "lon", "lat", "gain", "cumulative", "cumulative_share_pct", "cost", "cumulative_cost"};
    // The place of each site: its nearest street and the areas it falls in.
    std::vector<std::vector<std::string>> place(picks.size());
    if (!o.streets.empty()) {
        const StreetFinder streets = StreetFinder::load(o.streets, crs);
        header.insert(header.end(), {"street", "street_distance_m"});
        for (size_t r = 0; r < picks.size(); ++r) {
            const SiteCandidate& c = candidates[picks[r].candidate];
            const auto [street, distance] = streets.nearest(c.x, c.y);
            place[r].insert(place[r].end(), {street, formatValue(distance, 1)});
        }
    }
    for (const AreaLayer& layer : AreaLayer::loadEach(o.areas, crs)) {
        header.insert(header.end(), {layer.label() + "_code", layer.label() + "_name"});
        for (size_t r = 0; r < picks.size(); ++r) {
            const SiteCandidate& c = candidates[picks[r].candidate];
            const int32_t a = layer.assignPoint(c.x, c.y);
            place[r].insert(place[r].end(), {a >= 0 ? layer.code(static_cast<size_t>(a)) : "", a >= 0 ? layer.name(static_cast<size_t>(a)) : "(outside)"});
        }
    }
    if (!o.streets.empty() || !o.areas.empty()) lines.push_back("sites placed: nearest street and areas in sites.csv, sites.md and sites.gpkg");
    auto row = [&](size_t r) {
        const SitePick& p = picks[r];
        const SiteCandidate& c = candidates[p.candidate];
        double lon = c.x, lat = c.y;
        toLonLat.transformPoint(lon, lat);
        std::vector<std::string> v{std::to_string(r + 1), c.id, formatValue(c.x, 1), formatValue(c.y, 1), formatValue(lon, 6), formatValue(lat, 6),
                                   formatValue(p.gain, 3), formatValue(p.cumulative, 3), percent(p.cumulative, remaining), formatValue(p.cost, 2),
                                   formatValue(p.cumulativeCost, 2)};
        v.insert(v.end(), place[r].begin(), place[r].end());
        return v;
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
        md += "| Rank | Candidate | Easting | Northing | Gain | Cumulative | Share % | Cost | Cumulative cost |";
        for (size_t h = 11; h < header.size(); ++h) md += " " + header[h] + " |";
        md += "\n|---:|---|---:|---:|---:|---:|---:|---:|---:|";
        for (size_t h = 11; h < header.size(); ++h) md += "---|";
        md += "\n";
        for (size_t r = 0; r < picks.size(); ++r) {
            const auto v = row(r);
            md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |", v[0], v[1], v[2], v[3], v[6], v[7], v[8], v[9], v[10]);
            for (size_t h = 11; h < v.size(); ++h) md += " " + v[h] + " |";
            md += "\n";
        }
        writeTextFile(staging.stagedPath("sites.md"), md);
    }
    {
        VectorWriter gpkg(staging.stagedPath("sites.gpkg"));
        std::vector<FieldSpec> fields;
        for (const auto& h : header)
            fields.push_back({h, h == "rank" ? FieldType::Integer : (h == "candidate_id" || h == "street" || h.ends_with("_code") || h.ends_with("_name") ? FieldType::String : FieldType::Real)});
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
