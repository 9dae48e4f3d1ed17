// `hotspot coverage`: CCTV and lighting coverage of incidents and hotspots, per group, period and area.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>

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
#include "core/choice_table.hpp"

namespace hotspot {

using namespace intervention_support;

namespace {

// The cameras and lights, with the shapes they cover and an index over each.
struct CoverageLayers {
    std::vector<Camera> cameras;
    std::vector<Light> lights;
    LayerRejects cameraRejects, lightRejects;
    std::vector<CoverageShape> views, lit;
    std::vector<int32_t> installed;  // per camera: the month it started counting
    double maxRange = 1;
};

CoverageLayers readCoverageLayers(const CoverageOptions& o, std::vector<std::string>& lines) {
    const std::string& crs = o.input.ingest.analysisCrs;
    CoverageLayers c;
    if (!o.cameras.empty()) c.cameras = readCameras(InterventionSource::parse(o.cameras), crs, o.cameraRange, c.cameraRejects);
    if (!o.lights.empty()) c.lights = readLights(InterventionSource::parse(o.lights), crs, o.lightRadius, c.lightRejects);
    if (!o.cameras.empty())
        lines.push_back(fmt::format("cameras: {} read from {}, {} rejected{}", c.cameras.size(), o.cameras, c.cameraRejects.rows.size(),
                                    describeRejects(c.cameraRejects, o.cameras)));
    if (!o.lights.empty())
        lines.push_back(fmt::format("lights: {} read from {}, {} rejected{}", c.lights.size(), o.lights, c.lightRejects.rows.size(),
                                    describeRejects(c.lightRejects, o.lights)));
    for (const auto& cam : c.cameras) c.views.push_back(cam.view), c.installed.push_back(cam.installedMonth), c.maxRange = std::max(c.maxRange, cam.view.range);
    for (const auto& l : c.lights) c.lit.push_back(l.lit);
    return c;
}

// (group, period) -> (incidents, inside CCTV coverage); every incident also counts in "all groups".
using GroupCoverage = std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>>;

GroupCoverage coverageByGroup(const SelectedIncidents& sel, const std::vector<uint8_t>& covered, const CategoryMap& groups, SharePeriod period) {
    GroupCoverage byGroup;
    for (size_t i = 0; i < sel.x.size(); ++i) {
        const std::string group = sel.group[i] == kNoGroup ? "(unmapped)" : groups.groups()[sel.group[i]];
        for (const std::string& g : {group, std::string("all groups")}) {
            auto& cell = byGroup[{g, periodLabel(sel.month[i], period)}];
            ++cell.first;
            cell.second += covered[i];
        }
    }
    return byGroup;
}

// The kernel density's hotspot cells (its top share of cells with any density), with the density
// mass inside CCTV coverage, and each hotspot cell's cover and nearest light.
struct HotspotCells {
    KdeOptions kde;
    Grid grid;
    std::vector<double> density;
    double mass = 0, coveredMass = 0;
    std::vector<uint8_t> cellCovered;  // per grid cell
    std::vector<int64_t> cells;        // the hotspot cells, densest first
    std::vector<double> nearestLight;  // per hotspot cell, metres (infinity: none within reach)
    size_t dark = 0, covered = 0;      // hotspot cells with no light within the dark distance; inside CCTV coverage
    int64_t withDensity = 0;

    bool isDark(size_t h, const CoverageOptions& o, bool anyLights) const { return anyLights && !(nearestLight[h] <= o.darkDistance); }
};

HotspotCells findHotspotCells(const SelectedIncidents& sel, const CoverageOptions& o, const CoverageLayers& layers, const ShapeIndex& cameraIndex,
                              const ShapeIndex& lightIndex) {
    HotspotCells hc;
    hc.kde = o.kde;
    if (hc.kde.bandwidth <= 0) hc.kde.bandwidth = 300;
    hc.grid = demandGrid(sel, o.grid, 50, hc.kde.bandwidth);
    const Grid& grid = hc.grid;
    hc.density = kernelDensity(grid, sel.x, sel.y, sel.weight, hc.kde);
    hc.cellCovered.assign(hc.density.size(), 0);
    for (int64_t k = 0; k < grid.cellCount(); ++k) {
        const double d = hc.density[static_cast<size_t>(k)];
        if (!(d > 0)) continue;
        hc.cells.push_back(k);
        hc.mass += d;
        const int64_t row = k / grid.cols, col = k % grid.cols;
        if (!layers.views.empty() && cameraIndex.covers(grid.centreX(row, col), grid.centreY(row))) hc.cellCovered[static_cast<size_t>(k)] = 1, hc.coveredMass += d;
    }
    hc.withDensity = static_cast<int64_t>(hc.cells.size());
    std::stable_sort(hc.cells.begin(), hc.cells.end(), [&](int64_t a, int64_t b) { return hc.density[static_cast<size_t>(a)] > hc.density[static_cast<size_t>(b)]; });
    const size_t hotspotCells = std::max<size_t>(1, static_cast<size_t>(std::llround(o.hotspotShare * static_cast<double>(hc.cells.size()))));
    hc.cells.resize(std::min(hc.cells.size(), hotspotCells));
    hc.nearestLight.assign(hc.cells.size(), std::numeric_limits<double>::infinity());
    for (size_t h = 0; h < hc.cells.size(); ++h) {
        const int64_t row = hc.cells[h] / grid.cols, col = hc.cells[h] % grid.cols;
        hc.nearestLight[h] = lightIndex.nearestWithin(grid.centreX(row, col), grid.centreY(row));
        hc.dark += hc.isDark(h, o, !layers.lit.empty());
        hc.covered += hc.cellCovered[static_cast<size_t>(hc.cells[h])];
    }
    return hc;
}

// Per area of each layer: incidents and those covered, hotspot cells (covered, dark), cameras, lights.
struct AreaCoverage {
    struct Row {
        int64_t incidents = 0, covered = 0, hotspots = 0, darkHotspots = 0, hotCovered = 0, cameras = 0, lights = 0;
    };
    std::vector<std::unique_ptr<AreaLayer>> layers;
    std::vector<std::vector<Row>> rows;  // [layer][area]

    static const std::vector<std::string>& header() {
        static const std::vector<std::string> h = {"layer", "code", "name", "incidents", "in_cctv_coverage", "share_pct", "hotspot_cells",
                                                   "hotspot_cells_in_cctv", "dark_hotspot_cells", "cameras", "lights"};
        return h;
    }
    // One area's row as text, in header() order (dark cells empty without lights).
    std::vector<std::string> text(size_t l, size_t a, bool anyLights) const {
        const Row& r = rows[l][a];
        return {layers[l]->label(), layers[l]->code(a), layers[l]->name(a), std::to_string(r.incidents), std::to_string(r.covered),
                percent(double(r.covered), double(r.incidents)), std::to_string(r.hotspots), std::to_string(r.hotCovered),
                anyLights ? std::to_string(r.darkHotspots) : "", std::to_string(r.cameras), std::to_string(r.lights)};
    }
};

AreaCoverage coverageByArea(const CoverageOptions& o, const SelectedIncidents& sel, const std::vector<uint8_t>& covered, const CoverageLayers& layers,
                            const HotspotCells& hc, RunReport& report) {
    const std::string& crs = o.input.ingest.analysisCrs;
    const Grid& grid = hc.grid;
    const std::vector<Camera>& cameras = layers.cameras;
    const std::vector<Light>& lights = layers.lights;
    AreaCoverage out;
    for (const auto& parts : groupByLabel(o.areas)) {
        out.layers.push_back(std::make_unique<AreaLayer>(AreaLayer::load(parts, crs)));
        const AreaLayer& layer = *out.layers.back();
        std::vector<AreaCoverage::Row> rows(layer.size());
        std::vector<int32_t> where(sel.x.size());
        layer.assign(sel.x.data(), sel.y.data(), sel.x.size(), where.data());
        int64_t inAreas = 0;
        for (size_t i = 0; i < sel.x.size(); ++i)
            if (where[i] >= 0) ++rows[static_cast<size_t>(where[i])].incidents, rows[static_cast<size_t>(where[i])].covered += covered[i], ++inAreas;
        report.account(sel.ledger("areas of '" + layer.label() + "' (coverage_by_area.csv)", inAreas,
                                  {{"outside every area of '" + layer.label() + "'", static_cast<int64_t>(sel.x.size()) - inAreas}}));
        for (size_t h = 0; h < hc.cells.size(); ++h) {
            const int64_t row = hc.cells[h] / grid.cols, col = hc.cells[h] % grid.cols;
            const int32_t a = layer.assignPoint(grid.centreX(row, col), grid.centreY(row));
            if (a < 0) continue;
            ++rows[static_cast<size_t>(a)].hotspots;
            rows[static_cast<size_t>(a)].darkHotspots += hc.isDark(h, o, !layers.lit.empty());
            rows[static_cast<size_t>(a)].hotCovered += hc.cellCovered[static_cast<size_t>(hc.cells[h])];
        }
        for (const auto& c : cameras)
            if (int32_t a = layer.assignPoint(c.view.x, c.view.y); a >= 0) ++rows[static_cast<size_t>(a)].cameras;
        for (const auto& l : lights)
            if (int32_t a = layer.assignPoint(l.lit.x, l.lit.y); a >= 0) ++rows[static_cast<size_t>(a)].lights;
        out.rows.push_back(std::move(rows));
    }
    return out;
}

// coverage.md: the headline shares, then the tables by group and by area.
std::string coverageMarkdown(const CoverageOptions& o, const SelectedIncidents& sel, const CoverageLayers& layers, const GroupCoverage& byGroup,
                             const HotspotCells& hc, const AreaCoverage& areas) {
    const bool anyLights = !layers.lit.empty();
    std::string md = "# CCTV and lighting coverage\n\n";
    md += fmt::format(
        "Incidents: {}. Cameras: {} (coverage: view wedge when bearing and field of view are given, else a circle; "
        "a camera counts from its install month). Lights: {} (lit radius from the layer, the lamp type, or {} m).\n\n",
        sel.describe(), layers.cameras.size(), layers.lights.size(), o.lightRadius);
    md += fmt::format("- Share of the {} kernel density mass (bandwidth {} m) inside CCTV coverage: {:.1f} %\n", toString(hc.kde.kernel),
                      hc.kde.bandwidth, hc.mass > 0 ? 100 * hc.coveredMass / hc.mass : 0.0);
    md += fmt::format(
        "- Hotspot cells (top {:.1f} % of the {} m cells with any density): {}, of which {} inside CCTV coverage and {} dark "
        "(no street light within {} m)\n\n",
        100 * o.hotspotShare, hc.grid.cellSize, hc.cells.size(), hc.covered, anyLights ? std::to_string(hc.dark) : std::string("n/a"),
        o.darkDistance);
    md += "| Group | Period | Incidents | In CCTV coverage | Share % |\n|---|---|---:|---:|---:|\n";
    for (const auto& [key, v] : byGroup)
        md += fmt::format("| {} | {} | {} | {} | {} |\n", key.first, key.second, v.first, v.second, percent(double(v.second), double(v.first)));
    if (!areas.layers.empty()) {
        md += "\n| Area | Incidents | In CCTV % | Hotspot cells | In CCTV | Dark | Cameras | Lights |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
        for (size_t l = 0; l < areas.layers.size(); ++l)
            for (size_t a = 0; a < areas.layers[l]->size(); ++a) {
                const auto r = areas.text(l, a, anyLights);
                md += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} | {} |\n", r[1], r[2], r[3], r[5], r[6], r[7], r[8], r[9], r[10]);
            }
    }
    return md;
}

// coverage.gpkg: what each camera sees, each light's lit area, the hotspot cells and the areas.
void writeCoverageGeoPackage(const std::string& path, const CoverageOptions& o, const CoverageLayers& layers, const HotspotCells& hc, const AreaCoverage& areas,
                             const MonthRange& monthsCovered) {
    const std::string& crs = o.input.ingest.analysisCrs;
    const bool anyLights = !layers.lit.empty();
    const Grid& grid = hc.grid;
    VectorWriter gpkg(path);
    gpkg.createLayer("camera_coverage", GeometryKind::Polygon, crs,
                     {{"camera_id"}, {"name"}, {"range_m", FieldType::Real}, {"bearing", FieldType::Real}, {"fov", FieldType::Real}, {"area_m2", FieldType::Real}, {"installed"}},
                     "What each CCTV camera sees: a view wedge or a circle");
    for (const auto& c : layers.cameras) {
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
    for (const auto& l : layers.lights) {
        gpkg.setString(0, l.id);
        gpkg.setString(1, l.lampType);
        gpkg.setReal(2, l.lit.range);
        gpkg.setWkb(polygonWkb(l.lit.ring(15)));
        gpkg.writeFeature();
    }
    gpkg.createLayer("hotspot_cells", GeometryKind::Polygon, crs,
                     {{"rank", FieldType::Integer}, {"density", FieldType::Real}, {"in_cctv_coverage", FieldType::Integer}, {"nearest_light_m", FieldType::Real}, {"dark", FieldType::Integer}},
                     "Hotspot cells (top share of the kernel density), with CCTV coverage and darkness");
    for (size_t h = 0; h < hc.cells.size(); ++h) {
        const int64_t row = hc.cells[h] / grid.cols, col = hc.cells[h] % grid.cols;
        gpkg.setInteger(0, static_cast<int64_t>(h + 1));
        gpkg.setReal(1, hc.density[static_cast<size_t>(hc.cells[h])]);
        gpkg.setInteger(2, hc.cellCovered[static_cast<size_t>(hc.cells[h])]);
        if (std::isfinite(hc.nearestLight[h])) gpkg.setReal(3, hc.nearestLight[h]);
        else gpkg.setNull(3);
        if (!anyLights) gpkg.setNull(4);
        else gpkg.setInteger(4, hc.isDark(h, o, anyLights));
        gpkg.setWkb(polygonWkb(grid.cellRing(row, col)));
        gpkg.writeFeature();
    }
    for (size_t l = 0; l < areas.layers.size(); ++l) {
        std::vector<FieldSpec> fields;
        const auto& areaHeader = AreaCoverage::header();
        for (size_t c = 1; c < areaHeader.size(); ++c)
            fields.push_back({areaHeader[c], c >= 3 && areaHeader[c] != "share_pct" ? FieldType::Integer : c == 5 ? FieldType::Real
                                                                                                                  : FieldType::String});
        gpkg.createLayer("coverage_" + areas.layers[l]->label(), GeometryKind::Polygon, crs, fields, "Coverage per area");
        for (size_t a = 0; a < areas.layers[l]->size(); ++a) {
            const auto r = areas.text(l, a, anyLights);
            gpkg.setFromText({r.begin() + 1, r.end()}, fields);
            gpkg.setWkb(areas.layers[l]->wkb(a));
            gpkg.writeFeature();
        }
    }
    writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()},
                        {"COMMAND", "coverage"},
                        {"CAMERAS", o.cameras},
                        {"LIGHTS", o.lights},
                        {"KERNEL", toString(hc.kde.kernel)},
                        {"BANDWIDTH_M", fmt::format("{}", hc.kde.bandwidth)},
                        {"CELL_M", fmt::format("{}", grid.cellSize)},
                        {"HOTSPOT_SHARE", fmt::format("{}", o.hotspotShare)},
                        {"DARK_DISTANCE_M", fmt::format("{}", o.darkDistance)},
                        {"MONTHS", monthsCovered.label()},
                        {"CRS", crs}});
    gpkg.close();
}

}  // namespace

// Cameras and lights; incidents covered by group and period; the density's hotspot cells, covered
// and dark; the same per area; then the outputs.
RunReport runCoverage(const CoverageOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    if (o.cameras.empty() && o.lights.empty()) throwUsage("give `cameras` and/or `lights`");
    if (!(o.hotspotShare > 0 && o.hotspotShare <= 1)) throwUsage("`hotspot_share` must be in (0, 1]", {"", 0, "hotspot_share"});
    RunReport report;
    auto& lines = report.lines;
    const CoverageLayers layers = readCoverageLayers(o, lines);
    const ShapeIndex cameraIndex(layers.views, layers.maxRange);
    const ShapeIndex lightIndex(layers.lit, o.darkDistance);

    const SelectedIncidents sel = loadIncidents(o.input, progress);
    lines.push_back("incidents: " + sel.describe());
    // A camera counts from its install month.
    std::vector<uint8_t> covered(sel.x.size(), 0);
    for (size_t i = 0; i < sel.x.size(); ++i) covered[i] = cameraIndex.covers(sel.x[i], sel.y[i], sel.month[i], &layers.installed);
    const GroupCoverage byGroup = coverageByGroup(sel, covered, *o.input.ingest.categories, o.period);
    int64_t inGroupRows = 0;
    for (const auto& [key, v] : byGroup)
        if (key.first == "all groups") inGroupRows += v.first;
    report.account(sel.ledger("'all groups' rows (coverage_by_group.csv)", inGroupRows));

    const HotspotCells hc = findHotspotCells(sel, o, layers, cameraIndex, lightIndex);
    lines.push_back(fmt::format("density ({} kernel, bandwidth {} m, {} m cells): {:.1f} % of the density mass is inside CCTV coverage", toString(hc.kde.kernel),
                                hc.kde.bandwidth, hc.grid.cellSize, hc.mass > 0 ? 100 * hc.coveredMass / hc.mass : 0.0));
    lines.push_back(fmt::format("hotspot cells (top {:.1f} % of {} cells with any density): {}; {} covered by CCTV; {} dark (no light within {} m)",
                                100 * o.hotspotShare, hc.withDensity, hc.cells.size(), hc.covered, layers.lit.empty() ? std::string("n/a") : std::to_string(hc.dark),
                                o.darkDistance));
    const AreaCoverage areas = coverageByArea(o, sel, covered, layers, hc, report);

    OutputStaging staging(o.outDir);
    CsvWriter groupCsv(staging.stagedPath("coverage_by_group.csv"));
    groupCsv.row({"group", "period", "incidents", "in_cctv_coverage", "share_pct"});
    for (const auto& [key, v] : byGroup) groupCsv.row({key.first, key.second, std::to_string(v.first), std::to_string(v.second), percent(double(v.second), double(v.first))});
    groupCsv.close();
    CsvWriter areaCsv(staging.stagedPath("coverage_by_area.csv"));
    areaCsv.row(AreaCoverage::header());
    for (size_t l = 0; l < areas.layers.size(); ++l)
        for (size_t a = 0; a < areas.layers[l]->size(); ++a) areaCsv.row(areas.text(l, a, !layers.lit.empty()));
    areaCsv.close();
    writeLayerRejects(staging, "coverage_rejects.csv", {{o.cameras, &layers.cameraRejects}, {o.lights, &layers.lightRejects}});
    writeTextFile(staging.stagedPath("coverage.md"), coverageMarkdown(o, sel, layers, byGroup, hc, areas));
    const std::string gpkgPath = staging.stagedPath("coverage.gpkg");
    writeCoverageGeoPackage(gpkgPath, o, layers, hc, areas, monthsUsed(o.input.months, sel.month));
    writeGeoPackageStyles(gpkgPath);  // QGIS opens each layer styled
    report.outputs = staging.commit();
    return report;
}

namespace {
constexpr ChoiceTable<SharePeriod, 3> kSharePeriods{{{SharePeriod::Year, "year"}, {SharePeriod::Month, "month"}, {SharePeriod::All, "all"}}};
}  // namespace

SharePeriod parseSharePeriod(const std::string& text, const OptionNaming& naming) { return choiceFromText(kSharePeriods, text, "period", naming); }
const char* toString(SharePeriod period) { return choiceText(kSharePeriods, period); }

}  // namespace hotspot
