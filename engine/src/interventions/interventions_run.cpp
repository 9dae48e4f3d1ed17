// `hotspot coverage`, `hotspot evaluate-interventions` and `hotspot sites`.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>
#include <geos_c.h>

#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/road_network.hpp"
#include "hotspot/version.hpp"
#include "core/geos_wkb.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"

namespace hotspot {

namespace {

std::string formatValue(double v, int precision) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, precision) : std::string(); }
std::string percent(double part, double whole) { return whole > 0 ? fmt::format("{:.1f}", 100.0 * part / whole) : std::string(); }

// A bucket grid over coverage shapes (cameras, lights) for "is this point covered / near one".
class ShapeIndex {
public:
    ShapeIndex(const std::vector<CoverageShape>& shapes, double reach) : m_shapes(shapes) {
        m_cell = std::max(reach, 1.0);
        for (size_t i = 0; i < shapes.size(); ++i) m_buckets[key(shapes[i].x, shapes[i].y)].push_back(static_cast<uint32_t>(i));
    }
    // Calls visit(shape index) for shapes whose centre is within `reach` of (x, y) (and maybe a few more).
    template <typename Visit>
    void near(double x, double y, Visit visit) const {
        const int64_t cx = cell(x), cy = cell(y);
        for (int64_t dy = -1; dy <= 1; ++dy)
            for (int64_t dx = -1; dx <= 1; ++dx) {
                auto it = m_buckets.find(pack(cx + dx, cy + dy));
                if (it == m_buckets.end()) continue;
                for (uint32_t i : it->second) visit(i);
            }
    }
    bool covers(double x, double y, int32_t month = kNoMonth, const std::vector<int32_t>* from = nullptr) const {
        bool inside = false;
        near(x, y, [&](uint32_t i) {
            if (inside) return;
            if (from && (*from)[i] != kNoMonth && month < (*from)[i]) return;  // not installed yet
            inside = m_shapes[i].contains(x, y);
        });
        return inside;
    }
    double nearestWithin(double x, double y) const {
        double best = std::numeric_limits<double>::infinity();
        near(x, y, [&](uint32_t i) { best = std::min(best, std::hypot(m_shapes[i].x - x, m_shapes[i].y - y)); });
        return best;
    }

private:
    int64_t cell(double v) const { return static_cast<int64_t>(std::floor(v / m_cell)); }
    static uint64_t pack(int64_t a, int64_t b) { return (static_cast<uint64_t>(a) << 32) ^ static_cast<uint64_t>(b & 0xFFFFFFFF); }
    uint64_t key(double x, double y) const { return pack(cell(x), cell(y)); }
    const std::vector<CoverageShape>& m_shapes;
    double m_cell;
    std::map<uint64_t, std::vector<uint32_t>> m_buckets;
};

// GEOS for the few polygon operations the jobs need (buffers, differences, point in polygon).
class GeosKit {
public:
    GeosKit() : m_ctx(GEOS_init_r()) { m_reader = GEOSWKBReader_create_r(m_ctx); }
    ~GeosKit() {
        for (auto* p : m_prepared) GEOSPreparedGeom_destroy_r(m_ctx, p);
        for (auto* g : m_owned) GEOSGeom_destroy_r(m_ctx, g);
        GEOSWKBReader_destroy_r(m_ctx, m_reader);
        GEOS_finish_r(m_ctx);
    }
    GeosKit(const GeosKit&) = delete;
    GeosKit& operator=(const GeosKit&) = delete;

    const GEOSGeometry* read(const std::vector<unsigned char>& wkb) { return own(GEOSWKBReader_read_r(m_ctx, m_reader, wkb.data(), wkb.size())); }
    const GEOSGeometry* buffer(const GEOSGeometry* g, double d) { return own(GEOSBuffer_r(m_ctx, g, d, 8)); }
    const GEOSGeometry* difference(const GEOSGeometry* a, const GEOSGeometry* b) { return own(GEOSDifference_r(m_ctx, a, b)); }
    bool isPolygonal(const GEOSGeometry* g) const {
        const int t = GEOSGeomTypeId_r(m_ctx, g);
        return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
    }
    double area(const GEOSGeometry* g) const {
        double a = 0;
        GEOSArea_r(m_ctx, g, &a);
        return a;
    }
    std::vector<unsigned char> wkb(const GEOSGeometry* g) const { return geosToWkb(m_ctx, g); }
    const GEOSPreparedGeometry* prepare(const GEOSGeometry* g) {
        m_prepared.push_back(GEOSPrepare_r(m_ctx, g));
        return m_prepared.back();
    }
    bool covers(const GEOSPreparedGeometry* p, double x, double y) const {
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(m_ctx, x, y);
        const bool inside = GEOSPreparedCovers_r(m_ctx, p, pt) == 1;
        GEOSGeom_destroy_r(m_ctx, pt);
        return inside;
    }
    void bounds(const GEOSGeometry* g, Extent& e) const {
        GEOSGeom_getXMin_r(m_ctx, g, &e.minX);
        GEOSGeom_getYMin_r(m_ctx, g, &e.minY);
        GEOSGeom_getXMax_r(m_ctx, g, &e.maxX);
        GEOSGeom_getYMax_r(m_ctx, g, &e.maxY);
    }
    std::pair<double, double> pointOnSurface(const GEOSGeometry* g) {
        const GEOSGeometry* p = own(GEOSPointOnSurface_r(m_ctx, g));
        double x = 0, y = 0;
        GEOSGeomGetX_r(m_ctx, p, &x);
        GEOSGeomGetY_r(m_ctx, p, &y);
        return {x, y};
    }

private:
    const GEOSGeometry* own(GEOSGeometry* g) {
        if (!g) throw Error(ErrorKind::Internal, "a GEOS operation failed");
        m_owned.push_back(g);
        return g;
    }
    GEOSContextHandle_t m_ctx;
    GEOSWKBReader* m_reader;
    std::vector<GEOSGeometry*> m_owned;
    std::vector<const GEOSPreparedGeometry*> m_prepared;
};

std::string describeRejects(const LayerRejects& r, const std::string& path) {
    std::string s;
    for (size_t i = 0; i < r.rows.size() && i < 5; ++i) s += fmt::format("\n    {}:{}: {}", path, r.rows[i].first, r.rows[i].second);
    if (r.rows.size() > 5) s += fmt::format("\n    ... and {} more (see the rejects file)", r.rows.size() - 5);
    return s;
}

void writeLayerRejects(OutputStaging& staging, const std::string& name, const std::vector<std::pair<std::string, const LayerRejects*>>& layers) {
    CsvWriter csv(staging.stagedPath(name));
    csv.row({"file", "line", "reason"});
    for (const auto& [path, rejects] : layers)
        for (const auto& [line, reason] : rejects->rows) csv.field(path).field(line).field(reason).endRow();
    csv.close();
}

std::string periodLabel(int32_t month, const std::string& period) {
    if (period == "all") return "all";
    if (period == "month") return formatMonth(month);
    return month == kNoMonth ? std::string() : std::to_string(monthYear(month));
}

// Square grid over the incidents (and the study area) with an ArcGIS-style default.
Grid demandGrid(const SelectedIncidents& sel, const GridChoice& choice, double defaultCell, double margin) {
    if (sel.x.empty()) throwUsage("no incidents left to analyse after filtering", {"", 0, "--group"});
    return Grid::covering(sel.extent.expanded(margin), choice.cellSize > 0 ? choice.cellSize : defaultCell, GridShape::Square, choice.maxCells);
}

std::vector<double> weights(const SelectedIncidents& sel) { return sel.weight; }

}  // namespace

// ------------------------------------------------------------------------------------------------
RunReport runCoverage(const CoverageOptions& o, Progress& progress) {
    if (o.cameras.empty() && o.lights.empty()) throwUsage("give --cameras and/or --lights");
    if (!(o.hotspotShare > 0 && o.hotspotShare <= 1)) throwUsage("--hotspot-share must be in (0, 1]", {"", 0, "--hotspot-share"});
    if (o.period != "year" && o.period != "month" && o.period != "all") throwUsage("--period must be year, month or all", {"", 0, "--period"});
    RunReport report;
    auto& lines = report.lines;
    const std::string& crs = o.input.ingest.analysisCrs;
    LayerRejects cameraRejects, lightRejects;
    std::vector<Camera> cameras;
    std::vector<Light> lights;
    if (!o.cameras.empty()) cameras = readCameras(InterventionSource::parse(o.cameras), crs, o.cameraRange, cameraRejects);
    if (!o.lights.empty()) lights = readLights(InterventionSource::parse(o.lights), crs, o.lightRadius, lightRejects);
    if (!o.cameras.empty())
        lines.push_back(fmt::format("cameras: {} read from {}, {} rejected{}", cameras.size(), o.cameras, cameraRejects.rows.size(),
                                    describeRejects(cameraRejects, o.cameras)));
    if (!o.lights.empty())
        lines.push_back(fmt::format("lights: {} read from {}, {} rejected{}", lights.size(), o.lights, lightRejects.rows.size(),
                                    describeRejects(lightRejects, o.lights)));
    std::vector<CoverageShape> views, lit;
    std::vector<int32_t> installed;
    double maxRange = 1;
    for (const auto& c : cameras) views.push_back(c.view), installed.push_back(c.installedMonth), maxRange = std::max(maxRange, c.view.range);
    for (const auto& l : lights) lit.push_back(l.lit);
    const ShapeIndex cameraIndex(views, maxRange);
    const ShapeIndex lightIndex(lit, o.darkDistance);

    const SelectedIncidents sel = loadIncidents(o.input, nullptr, progress);
    lines.push_back("incidents: " + sel.describe());
    const CategoryMap& groups = *o.input.ingest.categories;

    // 1. Incidents inside CCTV coverage by group and period (a camera counts from its install month).
    std::vector<uint8_t> covered(sel.x.size(), 0);
    for (size_t i = 0; i < sel.x.size(); ++i) covered[i] = cameraIndex.covers(sel.x[i], sel.y[i], sel.month[i], &installed);
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> byGroup;  // (group, period) -> (incidents, covered)
    for (size_t i = 0; i < sel.x.size(); ++i) {
        const std::string group = sel.group[i] == kNoGroup ? "(unmapped)" : groups.groups()[sel.group[i]];
        for (const std::string& g : {group, std::string("all groups")}) {
            auto& cell = byGroup[{g, periodLabel(sel.month[i], o.period)}];
            ++cell.first;
            cell.second += covered[i];
        }
    }
    // 2. Density mass covered, hotspot cells, dark hotspots.
    KdeOptions kde = o.kde;
    if (kde.bandwidth <= 0) kde.bandwidth = 300;
    const Grid grid = demandGrid(sel, o.grid, 50, kde.bandwidth);
    const std::vector<double> density = kernelDensity(grid, sel.x, sel.y, weights(sel), kde);
    double mass = 0, coveredMass = 0;
    std::vector<uint8_t> cellCovered(density.size(), 0);
    std::vector<int64_t> positive;
    for (int64_t k = 0; k < grid.cellCount(); ++k) {
        const double d = density[static_cast<size_t>(k)];
        if (!(d > 0)) continue;
        positive.push_back(k);
        mass += d;
        const int64_t row = k / grid.cols, col = k % grid.cols;
        if (!views.empty() && cameraIndex.covers(grid.centreX(row, col), grid.centreY(row))) cellCovered[static_cast<size_t>(k)] = 1, coveredMass += d;
    }
    std::stable_sort(positive.begin(), positive.end(), [&](int64_t a, int64_t b) { return density[static_cast<size_t>(a)] > density[static_cast<size_t>(b)]; });
    const size_t hotspotCells = std::max<size_t>(1, static_cast<size_t>(std::llround(o.hotspotShare * static_cast<double>(positive.size()))));
    positive.resize(std::min(positive.size(), hotspotCells));
    std::vector<double> nearestLight(positive.size(), std::numeric_limits<double>::infinity());
    size_t dark = 0, hotCovered = 0;
    for (size_t h = 0; h < positive.size(); ++h) {
        const int64_t row = positive[h] / grid.cols, col = positive[h] % grid.cols;
        nearestLight[h] = lightIndex.nearestWithin(grid.centreX(row, col), grid.centreY(row));
        if (!lit.empty() && !(nearestLight[h] <= o.darkDistance)) ++dark;
        hotCovered += cellCovered[static_cast<size_t>(positive[h])];
    }
    lines.push_back(fmt::format("density ({} kernel, bandwidth {} m, {} m cells): {:.1f} % of the density mass is inside CCTV coverage", toString(kde.kernel),
                                kde.bandwidth, grid.cellSize, mass > 0 ? 100 * coveredMass / mass : 0.0));
    lines.push_back(fmt::format("hotspot cells (top {:.1f} % of {} cells with any density): {}; {} covered by CCTV; {} dark (no light within {} m)",
                                100 * o.hotspotShare, static_cast<size_t>(std::count_if(density.begin(), density.end(), [](double d) { return d > 0; })),
                                positive.size(), hotCovered, lit.empty() ? std::string("n/a") : std::to_string(dark), o.darkDistance));

    // 3. Per area.
    struct AreaRow {
        int64_t incidents = 0, covered = 0, hotspots = 0, darkHotspots = 0, hotCovered = 0, cameras = 0, lights = 0;
    };
    std::vector<std::unique_ptr<AreaLayer>> areaLayers;
    std::vector<std::vector<AreaRow>> areaRows;
    for (const auto& parts : groupByLabel(o.areas)) {
        areaLayers.push_back(std::make_unique<AreaLayer>(AreaLayer::load(parts, crs)));
        const AreaLayer& layer = *areaLayers.back();
        std::vector<AreaRow> rows(layer.size());
        std::vector<int32_t> where(sel.x.size());
        layer.assign(sel.x.data(), sel.y.data(), sel.x.size(), where.data());
        for (size_t i = 0; i < sel.x.size(); ++i)
            if (where[i] >= 0) ++rows[static_cast<size_t>(where[i])].incidents, rows[static_cast<size_t>(where[i])].covered += covered[i];
        for (size_t h = 0; h < positive.size(); ++h) {
            const int64_t row = positive[h] / grid.cols, col = positive[h] % grid.cols;
            const int32_t a = layer.assignPoint(grid.centreX(row, col), grid.centreY(row));
            if (a < 0) continue;
            ++rows[static_cast<size_t>(a)].hotspots;
            rows[static_cast<size_t>(a)].darkHotspots += !lit.empty() && !(nearestLight[h] <= o.darkDistance);
            rows[static_cast<size_t>(a)].hotCovered += cellCovered[static_cast<size_t>(positive[h])];
        }
        for (const auto& c : cameras)
            if (int32_t a = layer.assignPoint(c.view.x, c.view.y); a >= 0) ++rows[static_cast<size_t>(a)].cameras;
        for (const auto& l : lights)
            if (int32_t a = layer.assignPoint(l.lit.x, l.lit.y); a >= 0) ++rows[static_cast<size_t>(a)].lights;
        areaRows.push_back(std::move(rows));
    }

    // Outputs.
    OutputStaging staging(o.outDir);
    {
        CsvWriter csv(staging.stagedPath("coverage_by_group.csv"));
        csv.row({"group", "period", "incidents", "in_cctv_coverage", "share_pct"});
        for (const auto& [key, v] : byGroup) csv.row({key.first, key.second, std::to_string(v.first), std::to_string(v.second), percent(double(v.second), double(v.first))});
        csv.close();
    }
    const std::vector<std::string> areaHeader = {"layer", "code", "name", "incidents", "in_cctv_coverage", "share_pct", "hotspot_cells",
                                                 "hotspot_cells_in_cctv", "dark_hotspot_cells", "cameras", "lights"};
    auto areaRow = [&](size_t l, size_t a) {
        const AreaRow& r = areaRows[l][a];
        return std::vector<std::string>{areaLayers[l]->label(), areaLayers[l]->code(a), areaLayers[l]->name(a), std::to_string(r.incidents),
                                        std::to_string(r.covered), percent(double(r.covered), double(r.incidents)), std::to_string(r.hotspots),
                                        std::to_string(r.hotCovered), lit.empty() ? "" : std::to_string(r.darkHotspots),
                                        std::to_string(r.cameras), std::to_string(r.lights)};
    };
    {
        CsvWriter csv(staging.stagedPath("coverage_by_area.csv"));
        csv.row(areaHeader);
        for (size_t l = 0; l < areaLayers.size(); ++l)
            for (size_t a = 0; a < areaLayers[l]->size(); ++a) csv.row(areaRow(l, a));
        csv.close();
    }
    writeLayerRejects(staging, "coverage_rejects.csv", {{o.cameras, &cameraRejects}, {o.lights, &lightRejects}});
    {
        std::string md = "# CCTV and lighting coverage\n\n";
        md += fmt::format("Incidents: {}. Cameras: {} (coverage: view wedge when bearing and field of view are given, else a circle; "
                          "a camera counts from its install month). Lights: {} (lit radius from the layer, the lamp type, or {} m).\n\n",
                          sel.describe(), cameras.size(), lights.size(), o.lightRadius);
        md += fmt::format("- Share of the {} kernel density mass (bandwidth {} m) inside CCTV coverage: {:.1f} %\n", toString(kde.kernel),
                          kde.bandwidth, mass > 0 ? 100 * coveredMass / mass : 0.0);
        md += fmt::format("- Hotspot cells (top {:.1f} % of the {} m cells with any density): {}, of which {} inside CCTV coverage and {} dark "
                          "(no street light within {} m)\n\n",
                          100 * o.hotspotShare, grid.cellSize, positive.size(), hotCovered, lit.empty() ? std::string("n/a") : std::to_string(dark),
                          o.darkDistance);
        md += "| Group | Period | Incidents | In CCTV coverage | Share % |\n|---|---|---:|---:|---:|\n";
        for (const auto& [key, v] : byGroup)
            md += fmt::format("| {} | {} | {} | {} | {} |\n", key.first, key.second, v.first, v.second, percent(double(v.second), double(v.first)));
        if (!areaLayers.empty()) {
            md += "\n| Area | Incidents | In CCTV % | Hotspot cells | In CCTV | Dark | Cameras | Lights |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
            for (size_t l = 0; l < areaLayers.size(); ++l)
                for (size_t a = 0; a < areaLayers[l]->size(); ++a) {
                    const auto r = areaRow(l, a);
                    md += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} | {} |\n", r[1], r[2], r[3], r[5], r[6], r[7], r[8], r[9], r[10]);
                }
        }
        writeTextFile(staging.stagedPath("coverage.md"), md);
    }
    {
        VectorWriter gpkg(staging.stagedPath("coverage.gpkg"));
        gpkg.createLayer("camera_coverage", GeometryKind::Polygon, crs,
                         {{"camera_id"}, {"name"}, {"range_m", FieldType::Real}, {"bearing", FieldType::Real}, {"fov", FieldType::Real},
                          {"area_m2", FieldType::Real}, {"installed"}},
                         "What each CCTV camera sees: a view wedge or a circle");
        for (const auto& c : cameras) {
            gpkg.setString(0, c.id);
            gpkg.setString(1, c.name);
            gpkg.setReal(2, c.view.range);
            if (c.view.isWedge()) gpkg.setReal(3, c.view.bearing), gpkg.setReal(4, c.view.fieldOfView);
            else gpkg.setNull(3), gpkg.setNull(4);
            gpkg.setReal(5, c.view.area());
            gpkg.setString(6, formatMonth(c.installedMonth));
            gpkg.setWkb(polygonWkb(c.view.ring()));
            gpkg.writeFeature();
        }
        gpkg.createLayer("light_coverage", GeometryKind::Polygon, crs, {{"light_id"}, {"lamp_type"}, {"radius_m", FieldType::Real}},
                         "Lit area of each street light");
        for (const auto& l : lights) {
            gpkg.setString(0, l.id);
            gpkg.setString(1, l.lampType);
            gpkg.setReal(2, l.lit.range);
            gpkg.setWkb(polygonWkb(l.lit.ring(15)));
            gpkg.writeFeature();
        }
        gpkg.createLayer("hotspot_cells", GeometryKind::Polygon, crs,
                         {{"rank", FieldType::Integer}, {"density", FieldType::Real}, {"in_cctv_coverage", FieldType::Integer},
                          {"nearest_light_m", FieldType::Real}, {"dark", FieldType::Integer}},
                         "Hotspot cells (top share of the kernel density), with CCTV coverage and darkness");
        for (size_t h = 0; h < positive.size(); ++h) {
            const int64_t row = positive[h] / grid.cols, col = positive[h] % grid.cols;
            gpkg.setInteger(0, static_cast<int64_t>(h + 1));
            gpkg.setReal(1, density[static_cast<size_t>(positive[h])]);
            gpkg.setInteger(2, cellCovered[static_cast<size_t>(positive[h])]);
            if (std::isfinite(nearestLight[h])) gpkg.setReal(3, nearestLight[h]);
            else gpkg.setNull(3);
            if (lit.empty()) gpkg.setNull(4);
            else gpkg.setInteger(4, !(nearestLight[h] <= o.darkDistance));
            gpkg.setWkb(polygonWkb(grid.cellRing(row, col)));
            gpkg.writeFeature();
        }
        for (size_t l = 0; l < areaLayers.size(); ++l) {
            std::vector<FieldSpec> fields;
            for (size_t c = 1; c < areaHeader.size(); ++c)
                fields.push_back({areaHeader[c], c >= 3 && areaHeader[c] != "share_pct" ? FieldType::Integer : c == 5 ? FieldType::Real : FieldType::String});
            gpkg.createLayer("coverage_" + areaLayers[l]->label(), GeometryKind::Polygon, crs, fields, "Coverage per area");
            for (size_t a = 0; a < areaLayers[l]->size(); ++a) {
                const auto r = areaRow(l, a);
                gpkg.setFromText({r.begin() + 1, r.end()}, fields);
                gpkg.setWkb(areaLayers[l]->wkb(a));
                gpkg.writeFeature();
            }
        }
        writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()},
                            {"COMMAND", "coverage"},
                            {"CAMERAS", o.cameras},
                            {"LIGHTS", o.lights},
                            {"KERNEL", toString(kde.kernel)},
                            {"BANDWIDTH_M", fmt::format("{}", kde.bandwidth)},
                            {"CELL_M", fmt::format("{}", grid.cellSize)},
                            {"HOTSPOT_SHARE", fmt::format("{}", o.hotspotShare)},
                            {"DARK_DISTANCE_M", fmt::format("{}", o.darkDistance)},
                            {"MONTHS", o.input.months.label()},
                            {"CRS", crs}});
        gpkg.close();
    }
    report.outputs = staging.commit();
    return report;
}

// ------------------------------------------------------------------------------------------------
RunReport runInterventionEvaluation(const InterventionEvaluationOptions& o, Progress& progress) {
    if (o.projects.empty()) throwUsage("give the interventions layer (--interventions)");
    if (!(o.treatedRadius > 0) || !(o.bufferWidth > 0)) throwUsage("--treated-radius and --buffer must be positive");
    if (o.periodMonths < 1) throwUsage("--period-months must be at least 1", {"", 0, "--period-months"});
    RunReport report;
    auto& lines = report.lines;
    const std::string& crs = o.input.ingest.analysisCrs;
    LayerRejects rejects;
    const std::vector<Project> projects = readProjects(InterventionSource::parse(o.projects), crs, rejects);
    lines.push_back(fmt::format("interventions: {} read from {}, {} rejected{}", projects.size(), o.projects, rejects.rows.size(),
                                describeRejects(rejects, o.projects)));
    AnalysisInput input = o.input;
    input.months = {};  // the periods are chosen per intervention
    const SelectedIncidents sel = loadIncidents(input, nullptr, progress);
    lines.push_back("incidents: " + sel.describe());
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (int32_t m : sel.month)
        if (m != kNoMonth) first = std::min(first, m), last = std::max(last, m);
    std::unique_ptr<AreaLayer> control;
    if (!o.control.empty()) control = std::make_unique<AreaLayer>(AreaLayer::load(o.control, crs));

    struct Result {
        DisplacementCounts counts;
        int periodMonths = 0;
        int32_t beforeFrom = kNoMonth, beforeTo = kNoMonth, afterFrom = kNoMonth, afterTo = kNoMonth;
        std::string controlName, note;
        double treatedArea = 0;
        std::vector<unsigned char> treatedWkb, ringWkb;
    };
    GeosKit geos;
    std::vector<Result> results(projects.size());
    for (size_t p = 0; p < projects.size(); ++p) {
        const Project& pr = projects[p];
        Result& r = results[p];
        const GEOSGeometry* g = geos.read(pr.wkb);
        const GEOSGeometry* treated = geos.isPolygonal(g) ? g : geos.buffer(g, o.treatedRadius);
        const GEOSGeometry* outer = geos.buffer(treated, o.bufferWidth);
        const GEOSGeometry* ring = geos.difference(outer, treated);
        r.treatedArea = geos.area(treated);
        r.treatedWkb = geos.wkb(treated);
        r.ringWkb = geos.wkb(ring);
        // Equal periods either side of the start month, which is left out (partly before, partly after).
        const int available = std::min(pr.startMonth - first, last - pr.startMonth);
        r.periodMonths = std::min(o.periodMonths, std::max(0, available));
        if (r.periodMonths < 1) {
            r.note = "no data on one side of the start month: not evaluated";
            continue;
        }
        if (r.periodMonths < o.periodMonths) r.note = fmt::format("periods shortened to {} months by the data", r.periodMonths);
        r.beforeFrom = pr.startMonth - r.periodMonths, r.beforeTo = pr.startMonth - 1;
        r.afterFrom = pr.startMonth + 1, r.afterTo = pr.startMonth + r.periodMonths;
        const GEOSPreparedGeometry* inTreated = geos.prepare(treated);
        const GEOSPreparedGeometry* inOuter = geos.prepare(outer);
        int32_t controlPolygon = -1;
        if (control) {
            const auto [px, py] = geos.pointOnSurface(treated);
            controlPolygon = control->assignPoint(px, py);
            r.controlName = controlPolygon >= 0 ? control->name(static_cast<size_t>(controlPolygon)) : "(none)";
            if (controlPolygon < 0) r.note += std::string(r.note.empty() ? "" : "; ") + "the intervention is outside every control polygon";
        } else {
            r.controlName = "all incidents outside the buffer";
        }
        Extent outerBox;
        geos.bounds(outer, outerBox);
        for (size_t i = 0; i < sel.x.size(); ++i) {
            const int32_t m = sel.month[i];
            const bool before = m >= r.beforeFrom && m <= r.beforeTo, after = m >= r.afterFrom && m <= r.afterTo;
            if (!before && !after) continue;
            const double w = sel.weight[i];
            double *rCount = before ? &r.counts.rBefore : &r.counts.rAfter, *bCount = before ? &r.counts.bBefore : &r.counts.bAfter,
                   *cCount = before ? &r.counts.cBefore : &r.counts.cAfter;
            const bool nearBox = outerBox.contains(sel.x[i], sel.y[i]);
            if (nearBox && geos.covers(inTreated, sel.x[i], sel.y[i])) *rCount += w;
            else if (nearBox && geos.covers(inOuter, sel.x[i], sel.y[i])) *bCount += w;
            else if (!control || (controlPolygon >= 0 && control->assignPoint(sel.x[i], sel.y[i]) == controlPolygon)) *cCount += w;
        }
    }

    auto interpretation = [](const DisplacementCounts& c, double wdq) -> std::string {
        if (c.cBefore <= 0 || c.cAfter <= 0) return "control has no incidents in a period: not defined";
        const double success = c.rAfter / c.cAfter - c.rBefore / c.cBefore;
        if (success >= 0) return "no reduction in the treated area relative to the control: WDQ not interpreted";
        if (!std::isfinite(wdq)) return "not defined";
        if (wdq > 1) return "diffusion of benefits greater than the direct effect";
        if (wdq > 0) return "diffusion of benefits into the buffer";
        if (wdq == 0) return "no displacement or diffusion";
        if (wdq >= -1) return "some displacement into the buffer, smaller than the direct effect";
        return "displacement greater than the direct effect: the scheme backfired";
    };
    OutputStaging staging(o.outDir);
    const std::vector<std::string> header = {"id", "name", "category", "round", "budget_gbp", "start", "period_months", "before", "after",
                                             "treated_before", "treated_after", "buffer_before", "buffer_after", "control", "control_before",
                                             "control_after", "expected_after", "prevented", "prevented_per_1000_gbp", "wdq", "interpretation", "note"};
    auto row = [&](size_t p) {
        const Project& pr = projects[p];
        const Result& r = results[p];
        const DisplacementCounts& c = r.counts;
        const bool evaluated = r.periodMonths >= 1;
        const double wdq = evaluated ? weightedDisplacementQuotient(c) : NAN;
        const double prevented = evaluated ? incidentsPrevented(c) : NAN;
        const double expected = evaluated && c.cBefore > 0 ? c.rBefore * c.cAfter / c.cBefore : NAN;
        const double per1000 = std::isfinite(pr.budget) && pr.budget > 0 ? prevented / (pr.budget / 1000) : NAN;
        auto count = [&](double v) { return evaluated ? formatValue(v, 0) : std::string(); };
        return std::vector<std::string>{pr.id, pr.name, pr.category, pr.round, formatValue(pr.budget, 0),
                                        formatMonth(pr.startMonth), std::to_string(r.periodMonths),
                                        evaluated ? formatMonth(r.beforeFrom) + ":" + formatMonth(r.beforeTo) : "",
                                        evaluated ? formatMonth(r.afterFrom) + ":" + formatMonth(r.afterTo) : "", count(c.rBefore), count(c.rAfter),
                                        count(c.bBefore), count(c.bAfter), r.controlName, count(c.cBefore), count(c.cAfter), formatValue(expected, 1),
                                        formatValue(prevented, 1), formatValue(per1000, 3), formatValue(wdq, 3),
                                        evaluated ? interpretation(c, wdq) : "", r.note};
    };
    {
        CsvWriter csv(staging.stagedPath("intervention_evaluation.csv"));
        csv.row(header);
        for (size_t p = 0; p < projects.size(); ++p) csv.row(row(p));
        csv.close();
    }
    writeLayerRejects(staging, "intervention_rejects.csv", {{o.projects, &rejects}});
    {
        std::string md = "# Intervention evaluation\n\n";
        md += fmt::format("Incidents: {}. Treated area: the intervention's polygon, or {} m around a point or line; buffer ring: the next {} m; "
                          "control: {}. Periods: up to {} months before the start month and as many after it (the start month itself is "
                          "left out), shortened to what the data holds.\n\n",
                          sel.describe(), o.treatedRadius, o.bufferWidth,
                          control ? "the polygon of the control layer holding the intervention, minus the treated area and buffer"
                                  : "all incidents outside the treated area and buffer",
                          o.periodMonths);
        md += "- Expected after = treated before x control after / control before (the treated area following the control's trend); "
              "prevented = expected - treated after; per GBP 1,000 of budget.\n";
        md += "- Weighted Displacement Quotient (Bowers & Johnson 2003): WDQ = (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb), R treated, B buffer, C "
              "control, b before, a after. Interpreted only when the treated area fell relative to the control (denominator < 0): "
              "WDQ > 0 diffusion of benefits, < 0 displacement, < -1 displacement greater than the direct effect.\n\n";
        md += "**Limits.** Before/after counts in small areas are noisy: a few incidents change the figures a lot. Places are chosen "
              "for schemes because they had a bad period, so some fall is expected anyway (regression to the mean). Periods are short, "
              "schemes overlap in place and time, the control may differ from the treated area, and the WDQ says nothing about "
              "significance. Read these as indications for the partnership, not as proof.\n\n";
        md += "| Intervention | Round | Budget GBP | Start | Months | Treated b -> a | Buffer b -> a | Control b -> a | Prevented | Per GBP 1k | WDQ | Reading |\n"
              "|---|---|---:|---|---:|---|---|---|---:|---:|---:|---|\n";
        for (size_t p = 0; p < projects.size(); ++p) {
            const auto r = row(p);
            md += fmt::format("| {} | {} | {} | {} | {} | {} -> {} | {} -> {} | {} -> {} | {} | {} | {} | {}{} |\n", r[1], r[3], r[4], r[5], r[6], r[9],
                              r[10], r[11], r[12], r[14], r[15], r[17], r[18], r[19], r[20], r[21].empty() ? "" : " (" + r[21] + ")");
        }
        writeTextFile(staging.stagedPath("intervention_evaluation.md"), md);
    }
    {
        VectorWriter gpkg(staging.stagedPath("interventions.gpkg"));
        std::vector<FieldSpec> fields;
        for (const auto& h : header) fields.push_back({h, FieldType::String});
        for (const char* layer : {"treated_areas", "buffer_rings"}) {
            gpkg.createLayer(layer, GeometryKind::Polygon, crs, fields,
                             std::string(layer) == "treated_areas" ? "Treated area of each intervention, with its evaluation" : "Buffer ring (displacement) of each intervention");
            for (size_t p = 0; p < projects.size(); ++p) {
                gpkg.setFromText(row(p), fields);
                gpkg.setWkb(std::string(layer) == "treated_areas" ? results[p].treatedWkb : results[p].ringWkb);
                gpkg.writeFeature();
            }
        }
        writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()},
                            {"COMMAND", "evaluate-interventions"},
                            {"INTERVENTIONS", o.projects},
                            {"TREATED_RADIUS_M", fmt::format("{}", o.treatedRadius)},
                            {"BUFFER_M", fmt::format("{}", o.bufferWidth)},
                            {"PERIOD_MONTHS", std::to_string(o.periodMonths)},
                            {"CRS", crs}});
        gpkg.close();
    }
    report.outputs = staging.commit();
    return report;
}

// ------------------------------------------------------------------------------------------------
RunReport runSites(const SitesOptions& o, Progress& progress) {
    if (o.demand != "kde" && o.demand != "counts") throwUsage("--demand must be kde or counts", {"", 0, "--demand"});
    if (!(o.candidateSpacing > 0)) throwUsage("--spacing must be positive", {"", 0, "--spacing"});
    RunReport report;
    auto& lines = report.lines;
    const std::string& crs = o.input.ingest.analysisCrs;
    const SelectedIncidents sel = loadIncidents(o.input, nullptr, progress);
    lines.push_back("incidents: " + sel.describe());
    KdeOptions kde = o.kde;
    if (kde.bandwidth <= 0) kde.bandwidth = 200;
    const Grid grid = demandGrid(sel, o.grid, 25, o.demand == "kde" ? kde.bandwidth : o.siting.radius);
    std::vector<double> demand;
    if (o.demand == "kde") {
        demand = kernelDensity(grid, sel.x, sel.y, sel.weight, kde);
        const double cellKm2 = grid.cellSize * grid.cellSize / kde.areaUnit;
        for (double& d : demand) d *= cellKm2;  // expected incidents per cell
    } else {
        demand.assign(static_cast<size_t>(grid.cellCount()), 0.0);
        for (size_t i = 0; i < sel.x.size(); ++i)
            if (auto c = grid.cellOf(sel.x[i], sel.y[i])) demand[static_cast<size_t>(*c)] += sel.weight[i];
    }
    const double totalDemand = std::accumulate(demand.begin(), demand.end(), 0.0);
    // Existing coverage is not demand any more.
    LayerRejects existingRejects, candidateRejects;
    double removed = 0;
    std::vector<Camera> existing;
    if (!o.existingCameras.empty()) {
        existing = readCameras(InterventionSource::parse(o.existingCameras), crs, o.existingRange, existingRejects);
        std::vector<CoverageShape> views;
        double reach = 1;
        for (const auto& c : existing) views.push_back(c.view), reach = std::max(reach, c.view.range);
        const ShapeIndex index(views, reach);
        for (int64_t k = 0; k < grid.cellCount(); ++k) {
            if (demand[static_cast<size_t>(k)] == 0) continue;
            const int64_t row = k / grid.cols, col = k % grid.cols;
            if (index.covers(grid.centreX(row, col), grid.centreY(row))) removed += demand[static_cast<size_t>(k)], demand[static_cast<size_t>(k)] = 0;
        }
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
        // A regular lattice over the grid, kept where there is demand within the radius.
        const Extent e = grid.extent();
        std::vector<int64_t> cells;
        for (double y = e.minY + o.candidateSpacing / 2; y < e.maxY; y += o.candidateSpacing)
            for (double x = e.minX + o.candidateSpacing / 2; x < e.maxX; x += o.candidateSpacing) {
                cellsWithin(grid, x, y, o.siting.radius, cells);
                bool any = false;
                for (int64_t k : cells) any |= demand[static_cast<size_t>(k)] > 0;
                if (any) candidates.push_back({x, y, o.costPerSite, fmt::format("grid-{:.0f}-{:.0f}", x, y)});
            }
        candidateSource = "a " + formatValue(o.candidateSpacing, 0) + " m lattice where there is demand";
        lines.push_back(fmt::format("candidates: {} on {}", candidates.size(), candidateSource));
    }
    if (candidates.empty()) throwInput("no candidate sites (see the candidate options)");
    progress.note("Choosing sites");
    const std::vector<SitePick> picks = greedySites(grid, demand, candidates, o.siting);
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
    OutputStaging staging(o.outDir);
    const CoordinateTransformer toLonLat(crs, "EPSG:4326");
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
        md += fmt::format("Demand: {} of the incidents ({}), {} m cells; {} of it already covered by existing cameras is left out. "
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
    }
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
