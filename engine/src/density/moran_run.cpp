// `hotspot moran`: cluster and outlier analysis (Anselin's local Moran's I) on incident counts per
// grid cell or per area, with the global Moran's I of the same weights.

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "density/analysis_support.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/version.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"

namespace hotspot {

using namespace analysis;

namespace {

// The weights of the run, over points (area centroids or cell centres) or from contiguity lists.
SpatialWeights weightsOverPoints(const NeighbourRule& rule, const std::vector<double>& x, const std::vector<double>& y, bool row,
                                 std::string& label) {
    if (rule.kind == NeighbourRule::Kind::DistanceBand) {
        const double band = rule.bandMetres;
        label = fmt::format("distance band {} m", band);
        return distanceBandWeights(x, y, band, row);
    }
    const int k = rule.nearest;
    label = fmt::format("{} nearest neighbours", k);
    return nearestWeights(x, y, k, row);
}

const char* variance(const LocalMoranOptions& o) { return o.conditional ? "conditional randomisation moments (spdep default)" : "total randomisation moments"; }

std::string pMethod(const LocalMoranOptions& o) {
    return o.permutations > 0 ? fmt::format("{} conditional permutations", o.permutations) : std::string("normal approximation");
}

void writeGlobal(const std::string& path, const GlobalMoran& g, const std::string& weights) {
    CsvWriter csv(path);
    csv.row({"statistic", "value"});
    csv.row({"moran_i", formatNumber(g.i, 9)});
    csv.row({"expected", formatNumber(g.expected, 9)});
    csv.row({"variance", formatNumber(g.variance, 12)});
    csv.row({"z", formatNumber(g.z, 6)});
    csv.row({"p_two_sided", formatNumber(g.p, 9)});
    csv.row({"n", std::to_string(g.n)});
    csv.row({"weights", weights});
    csv.close();
}

std::string classSummary(const LocalMoranResult& r) {
    return fmt::format("{} HH, {} LL, {} HL, {} LH, {} not significant", r.counts[1], r.counts[2], r.counts[3], r.counts[4], r.counts[0]);
}

const std::vector<FieldSpec>& statisticFields() {
    static const std::vector<FieldSpec> fields = {{"local_i", FieldType::Real}, {"expected_i", FieldType::Real}, {"variance_i", FieldType::Real}, {"z", FieldType::Real}, {"p", FieldType::Real}, {"class"}, {"class_code", FieldType::Integer}};
    return fields;
}

// Fields from `first` on: local_i, expected_i, variance_i, z, p, class, class_code.
void setStatistics(VectorWriter& out, int first, const LocalMoranResult& r, size_t i) {
    const double values[] = {r.ii[i], r.expected[i], r.variance[i], r.z[i], r.p[i]};
    for (int f = 0; f < 5; ++f) {
        if (std::isfinite(values[f])) out.setReal(first + f, values[f]);
        else out.setNull(first + f);
    }
    out.setString(first + 5, toString(r.cls[i]));
    out.setInteger(first + 6, static_cast<int>(r.cls[i]));
}

}  // namespace

RunReport runLocalMoran(const LocalMoranRunOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());
    RunReport report;
    StepTimer timer("moran");
    AnalysisSelection selection = loadSelection(o.input, progress, report);
    const auto& studyArea = selection.studyArea;
    SelectedIncidents& sel = selection.incidents;
    timer.step("read");
    OutputStaging staging(o.outDir);
    const std::string crs = o.input.ingest.analysisCrs;
    const bool row = o.style == WeightStyle::RowStandardised;
    const std::string styleLabel = row ? "row-standardised" : "binary";
    auto metadata = [&](std::vector<std::pair<std::string, std::string>> meta, const std::string& weights) {
        meta.push_back({"HOTSPOT_MORAN_WEIGHTS", weights + ", " + styleLabel + ", self not included"});
        meta.push_back({"HOTSPOT_MORAN_VARIANCE", variance(o.moran)});
        meta.push_back({"HOTSPOT_MORAN_P", pMethod(o.moran)});
        meta.push_back({"HOTSPOT_MORAN_SIGNIFICANCE", fmt::format("p <= {} {}", o.moran.alpha, o.moran.fdr ? "after Benjamini-Hochberg FDR" : "(no FDR)")});
        return meta;
    };

    if (!o.areas.empty()) {
        if (groupByLabel(o.areas).size() > 1) throwUsage("Moran's I on areas reads one area layer: run once per layer", {"", 0, "areas"});
        AreaLayer layer = AreaLayer::load(o.areas, crs);
        const AreaCounts areaCounts = countInAreas(layer, sel.x, sel.y, sel.weight);
        report.account(sel.ledger("areas of '" + layer.label() + "' (moran_areas)", areaCounts.counted, areaCounts.exclusions(layer)));
        std::string label;
        SpatialWeights w;
        if (o.weights.contiguity()) {
            const auto lists = layer.contiguity(o.weights.kind == NeighbourRule::Kind::Rook);
            w.rowStandardised = row;
            for (auto list : lists) {
                std::sort(list.begin(), list.end());
                w.nb.add(list);
            }
            label = o.weights.text() + " contiguity";
        } else {
            std::vector<double> cx, cy;
            for (size_t a = 0; a < layer.size(); ++a) {
                const auto [x, y] = layer.centroid(a);
                cx.push_back(x), cy.push_back(y);
            }
            w = weightsOverPoints(o.weights, cx, cy, row, label);
            label += " between centroids";
        }
        const LocalMoranResult r = localMoran(areaCounts.values, w, o.moran);
        const GlobalMoran g = globalMoran(areaCounts.values, w);
        VectorWriter gpkg(staging.stagedPath("moran_areas.gpkg"));
        std::vector<FieldSpec> fields = {{"code"}, {"name"}, {"incidents", FieldType::Real}, {"neighbours", FieldType::Integer}, {"lag", FieldType::Real}};
        fields.insert(fields.end(), statisticFields().begin(), statisticFields().end());
        gpkg.createLayer("moran_areas", GeometryKind::Polygon, crs, fields, "Local Moran's I on incident counts per area, " + label);
        CsvWriter csv(staging.stagedPath("moran_areas.csv"));
        std::vector<std::string> header;
        for (const auto& f : fields) header.push_back(f.name);
        csv.row(header);
        for (size_t a = 0; a < layer.size(); ++a) {
            gpkg.setString(0, layer.code(a));
            gpkg.setString(1, layer.name(a));
            gpkg.setReal(2, areaCounts.values[a]);
            gpkg.setInteger(3, static_cast<int64_t>(w.count(a)));
            // The spatial lag of the counts: sum_j w_ij x_j (lag of z plus the mean times W_i).
            const double lagX = w.count(a) ? r.lag[a] + r.mean * w.weight(a) * static_cast<double>(w.count(a)) : NAN;
            if (std::isfinite(lagX)) gpkg.setReal(4, lagX);
            else gpkg.setNull(4);
            setStatistics(gpkg, 5, r, a);
            gpkg.setWkb(layer.wkb(a));
            gpkg.writeFeature();
            csv.row({layer.code(a), layer.name(a), formatNumber(areaCounts.values[a], 0), std::to_string(w.count(a)), formatNumber(lagX, 6),
                     formatNumber(r.ii[a], 9), formatNumber(r.expected[a], 9), formatNumber(r.variance[a], 9), formatNumber(r.z[a], 6),
                     formatNumber(r.p[a], 9), toString(r.cls[a]), std::to_string(static_cast<int>(r.cls[a]))});
        }
        std::vector<std::pair<std::string, std::string>> meta = {{"HOTSPOT_VERSION", versionString()},
                                                                 {"HOTSPOT_GROUPS", joined(o.input.groups)},
                                                                 {"HOTSPOT_PERIOD", monthsUsed(o.input.months, sel.month).label()},
                                                                 {"HOTSPOT_AREAS", o.areas[0].path}};
        writeRunInfo(gpkg, metadata(meta, label));
        gpkg.close();
        writeGeoPackageStyles(staging.stagedPath("moran_areas.gpkg"));
        csv.close();
        writeGlobal(staging.stagedPath("moran_global.csv"), g, label + ", " + styleLabel);
        report.lines.push_back(fmt::format("local Moran's I on {} areas ({}, {}; {}), p by {}, significant at p <= {}{}: {}", layer.size(), label,
                                           styleLabel, variance(o.moran), pMethod(o.moran), o.moran.alpha, o.moran.fdr ? " after FDR" : "",
                                           classSummary(r)));
        report.lines.push_back(fmt::format("global Moran's I = {:.6f} (E = {:.6f}, z = {:.3f}, p = {:.3g}; randomisation, n = {})", g.i, g.expected,
                                           g.z, g.p, g.n));
        report.outputs = staging.commit();
        return report;
    }

    GridSetup setup = makeGrid(sel.extent, studyArea.get(), o.grid, 0);
    const Grid& grid = setup.grid;
    const CellCounts cellCounts = countInCells(grid, sel.x, sel.y, sel.weight, setup.mask);
    const bool significantOnly = grid.shape == GridShape::Square && !o.allCells;
    report.account(sel.ledger(grid.shape == GridShape::Hexagon ? "grid cells (moran_cells)"
                              : significantOnly                ? "grid cells (moran_counts.tif)"
                                                               : "grid cells (moran_counts.tif, moran_cells)",
                              cellCounts.counted, cellCounts.exclusions()));
    timer.step("grid, count");
    // The cells of the analysis, in grid order, and their weights.
    std::vector<int64_t> cellOf;
    std::string label;
    SpatialWeights w;
    if (o.weights.contiguity()) {
        const bool rook = o.weights.kind == NeighbourRule::Kind::Rook;
        w = gridWeights(grid, setup.mask, o.rings, rook, row, cellOf);
        label = rook ? "rook contiguity (4 cells)" : fmt::format("queen contiguity, {} ring(s)", o.rings);
    } else {
        for (int64_t k = 0; k < grid.cellCount(); ++k)
            if (setup.mask.empty() || setup.mask[static_cast<size_t>(k)]) cellOf.push_back(k);
        std::vector<double> cx, cy;
        for (int64_t k : cellOf) cx.push_back(grid.centreX(k / grid.cols, k % grid.cols)), cy.push_back(grid.centreY(k / grid.cols));
        w = weightsOverPoints(o.weights, cx, cy, row, label);
        label += " between cell centres";
    }
    std::vector<double> values(cellOf.size());
    for (size_t i = 0; i < cellOf.size(); ++i) values[i] = cellCounts.values[static_cast<size_t>(cellOf[i])];
    timer.step("weights");
    progress.begin("Local Moran's I");
    const LocalMoranResult r = localMoran(values, w, o.moran);
    const GlobalMoran g = globalMoran(values, w);
    progress.end();
    timer.step("moran");
    report.lines.push_back(fmt::format(
        "local Moran's I on a {} x {} grid of {:.1f} m {} cells ({} in the analysis; {}, {}; {}), p by {}, "
        "significant at p <= {}{}: {}",
        grid.cols, grid.rows, grid.cellSize, grid.shape == GridShape::Square ? "square" : "hexagon", cellOf.size(),
        label, styleLabel, variance(o.moran), pMethod(o.moran), o.moran.alpha, o.moran.fdr ? " after FDR" : "",
        classSummary(r)));
    report.lines.push_back(
        fmt::format("global Moran's I = {:.6f} (E = {:.6f}, z = {:.3f}, p = {:.3g}; randomisation, n = {})", g.i, g.expected, g.z, g.p, g.n));
    const auto meta = metadata(baseMetadata(o.input, grid, monthsUsed(o.input.months, sel.month)), label);
    // Rasters on a second thread while the GeoPackage is written (paths staged here).
    std::function<void()> writeRasters;
    if (grid.shape == GridShape::Square)
        writeRasters = [&, countsPath = staging.stagedPath("moran_counts.tif"), iPath = staging.stagedPath("moran_i.tif"),
                        zPath = staging.stagedPath("moran_z.tif"), classPath = staging.stagedPath("moran_class.tif")] {
            const size_t cells = static_cast<size_t>(grid.cellCount());
            std::vector<double> ii(cells, NAN), z(cells, NAN), cls(cells, NAN);
            for (size_t i = 0; i < cellOf.size(); ++i) {
                const auto k = static_cast<size_t>(cellOf[i]);
                ii[k] = r.ii[i], z[k] = r.z[i], cls[k] = static_cast<double>(static_cast<int>(r.cls[i]));
            }
            writeGeoTiff(countsPath, grid, cellCounts.values, crs, RasterType::Float32, -9999, meta, "incidents per cell");
            writeGeoTiff(iPath, grid, ii, crs, RasterType::Float64, -9999, meta, "local Moran's I");
            writeGeoTiff(zPath, grid, z, crs, RasterType::Float64, -9999, meta, "local Moran's I z-score");
            writeGeoTiff(classPath, grid, cls, crs, RasterType::Int16, -99, meta,
                         "cluster/outlier class: 1 HH, 2 LL, 3 HL, 4 LH, 0 not significant, -1 no neighbours");
        };
    BackgroundTask rasters(std::move(writeRasters));
    VectorWriter gpkg(staging.stagedPath("moran.gpkg"));
    std::vector<FieldSpec> fields = {{"row", FieldType::Integer}, {"col", FieldType::Integer}, {"incidents", FieldType::Real}};
    fields.insert(fields.end(), statisticFields().begin(), statisticFields().end());
    gpkg.createLayer("moran_cells", GeometryKind::Polygon, crs, fields,
                     significantOnly ? "Cells in a significant cluster (HH, LL) or outlier (HL, LH) by local Moran's I"
                                     : "Cells with incidents or in a significant cluster or outlier, local Moran's I");
    for (size_t i = 0; i < cellOf.size(); ++i) {
        const bool significant = static_cast<int>(r.cls[i]) > 0;
        if (!significant && (significantOnly || values[i] == 0)) continue;
        const int64_t k = cellOf[i], rowIndex = k / grid.cols, col = k % grid.cols;
        gpkg.setInteger(0, rowIndex);
        gpkg.setInteger(1, col);
        gpkg.setReal(2, values[i]);
        setStatistics(gpkg, 3, r, i);
        gpkg.setWkb(polygonWkb(grid.cellRing(rowIndex, col)));
        gpkg.writeFeature();
    }
    writeRunInfo(gpkg, meta);
    gpkg.close();
    writeGeoPackageStyles(staging.stagedPath("moran.gpkg"));
    writeGlobal(staging.stagedPath("moran_global.csv"), g, label + ", " + styleLabel);
    rasters.finish();
    timer.step("write");
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
