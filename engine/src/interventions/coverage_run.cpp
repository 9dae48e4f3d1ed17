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

RunReport runCoverage(const CoverageOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    if (o.cameras.empty() && o.lights.empty()) throwUsage("give `cameras` and/or `lights`");
    if (!(o.hotspotShare > 0 && o.hotspotShare <= 1)) throwUsage("`hotspot_share` must be in (0, 1]", {"", 0, "hotspot_share"});
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

    const SelectedIncidents sel = loadIncidents(o.input, progress);
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
    int64_t inGroupRows = 0;
    for (const auto& [key, v] : byGroup)
        if (key.first == "all groups") inGroupRows += v.first;
    report.account(sel.ledger("'all groups' rows (coverage_by_group.csv)", inGroupRows));
    // 2. Density mass covered, hotspot cells, dark hotspots.
    KdeOptions kde = o.kde;
    if (kde.bandwidth <= 0) kde.bandwidth = 300;
    const Grid grid = demandGrid(sel, o.grid, 50, kde.bandwidth);
    const std::vector<double> density = kernelDensity(grid, sel.x, sel.y, sel.weight, kde);
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
        int64_t inAreas = 0;
        for (size_t i = 0; i < sel.x.size(); ++i)
            if (where[i] >= 0) ++rows[static_cast<size_t>(where[i])].incidents, rows[static_cast<size_t>(where[i])].covered += covered[i], ++inAreas;
        report.account(sel.ledger("areas of '" + layer.label() + "' (coverage_by_area.csv)", inAreas,
                                  {{"outside every area of '" + layer.label() + "'", static_cast<int64_t>(sel.x.size()) - inAreas}}));
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
        md += fmt::format(
            "Incidents: {}. Cameras: {} (coverage: view wedge when bearing and field of view are given, else a circle; "
            "a camera counts from its install month). Lights: {} (lit radius from the layer, the lamp type, or {} m).\n\n",
            sel.describe(), cameras.size(), lights.size(), o.lightRadius);
        md += fmt::format("- Share of the {} kernel density mass (bandwidth {} m) inside CCTV coverage: {:.1f} %\n", toString(kde.kernel),
                          kde.bandwidth, mass > 0 ? 100 * coveredMass / mass : 0.0);
        md += fmt::format(
            "- Hotspot cells (top {:.1f} % of the {} m cells with any density): {}, of which {} inside CCTV coverage and {} dark "
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
                         {{"camera_id"}, {"name"}, {"range_m", FieldType::Real}, {"bearing", FieldType::Real}, {"fov", FieldType::Real}, {"area_m2", FieldType::Real}, {"installed"}},
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
                         {{"rank", FieldType::Integer}, {"density", FieldType::Real}, {"in_cctv_coverage", FieldType::Integer}, {"nearest_light_m", FieldType::Real}, {"dark", FieldType::Integer}},
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
                fields.push_back({areaHeader[c], c >= 3 && areaHeader[c] != "share_pct" ? FieldType::Integer : c == 5 ? FieldType::Real
                                                                                                                      : FieldType::String});
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
        writeGeoPackageStyles(staging.stagedPath("coverage.gpkg"));  // QGIS opens each layer styled
    }
    report.outputs = staging.commit();
    return report;
}

namespace {
constexpr ChoiceTable<SharePeriod, 3> kSharePeriods{{{SharePeriod::Year, "year"}, {SharePeriod::Month, "month"}, {SharePeriod::All, "all"}}};
}  // namespace

SharePeriod parseSharePeriod(const std::string& text, const OptionNaming& naming) { return choiceFromText(kSharePeriods, text, "period", naming); }
const char* toString(SharePeriod period) { return choiceText(kSharePeriods, period); }

}  // namespace hotspot
