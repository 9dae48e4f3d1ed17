#include "analysis.hpp"

#include <chrono>
#include <cmath>

#include <QImage>

#include <fmt/format.h>

#include "hotspot/analysis_run.hpp"
#include "hotspot/error.hpp"
#include "hotspot/gistar.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/kde.hpp"
#include "hotspot/progress.hpp"
#include "map_layers.hpp"

namespace hotspot::viewer {

IncidentSet loadIncidentSet(const std::vector<std::string>& inputs, const std::string& columns, const std::string& analysisCrs,
                            const CategoryMap& categories, Progress& progress) {
    AnalysisInput input;
    input.inputs = inputs;
    input.ingest.categories = &categories;
    input.ingest.analysisCrs = analysisCrs;
    if (!columns.empty()) input.ingest.mapping = ColumnMapping::parse(columns);
    SelectedIncidents sel = loadIncidents(input, progress);
    IncidentSet out;
    out.x = std::move(sel.x);
    out.y = std::move(sel.y);
    out.group = std::move(sel.group);
    out.month = std::move(sel.month);
    sel.weight.clear();
    out.groups = categories.groups();
    out.extent = sel.extent;
    out.reading = std::move(sel);
    out.firstMonth = INT32_MAX, out.lastMonth = INT32_MIN;
    for (int32_t m : out.month)
        if (m != kNoMonth) out.firstMonth = std::min(out.firstMonth, m), out.lastMonth = std::max(out.lastMonth, m);
    if (out.x.empty()) out.firstMonth = out.lastMonth = 0;
    return out;
}

Surface computeSurface(const IncidentSet& in, const AnalysisRequest& r) {
    r.validate(OptionNaming::keys());
    const auto started = std::chrono::steady_clock::now();
    Surface s;
    s.request = r;
    const double margin = r.method == SurfaceMethod::Kde ? r.bandwidth : r.cell;
    s.grid = Grid::covering(in.extent.expanded(margin), r.cell, GridShape::Square, 25'000'000);
    // The same accounting as the CLI: the reading's reasons, then this request's group and months.
    SelectedIncidents chosen = in.reading;
    for (size_t i = 0; i < in.x.size(); ++i) {
        if (r.group >= 0 && in.group[i] != r.group) {
            ++chosen.otherGroups;
            continue;
        }
        if (in.month[i] < r.from || in.month[i] > r.to) {
            ++chosen.otherMonths;
            continue;
        }
        s.selectedX.push_back(in.x[i]);
        s.selectedY.push_back(in.y[i]);
    }
    const CellCounts counts = countInCells(s.grid, s.selectedX, s.selectedY, std::vector<double>(s.selectedX.size(), 1.0), {});
    s.ledger = chosen.ledger("viewer grid cells", counts.counted, counts.exclusions());
    if (r.method == SurfaceMethod::Kde) {
        KdeOptions o;
        o.bandwidth = r.bandwidth;
        s.values = kernelDensity(s.grid, s.selectedX, s.selectedY, {}, o);
    } else {
        s.values = counts.values;
        if (r.method == SurfaceMethod::GiStar) {
            GiStarResult g = giStarGrid(s.grid, s.values, 1, {});
            s.values = std::move(g.z);
            s.bins = std::move(g.bin);
        }
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return s;
}

std::string Surface::emptyReason() const {
    if (selectedX.empty()) return "no incidents of the chosen group in the chosen period: the surface is empty";
    for (double v : values)
        if (std::isfinite(v) && v != 0) return {};
    return fmt::format("the surface is empty: none of the {} incidents falls in a cell of the grid", selectedX.size());
}

std::string describeSurface(const AnalysisRequest& r, const std::vector<std::string>& groups) {
    const std::string method = r.method == SurfaceMethod::Kde ? "kernel density" : r.method == SurfaceMethod::GiStar ? "Gi* hot spots"
                                                                                                                     : "counts";
    const std::string group = r.group >= 0 && static_cast<size_t>(r.group) < groups.size() ? groups[static_cast<size_t>(r.group)] : "all groups";
    const std::string period = r.from == r.to ? formatMonth(r.from) : formatMonth(r.from) + " to " + formatMonth(r.to);
    return group + " " + method + ", " + period;
}

std::shared_ptr<RasterLayer> surfaceLayer(const Surface& s, const std::vector<std::string>& groups) {
    const auto cols = static_cast<int>(s.grid.cols), rows = static_cast<int>(s.grid.rows);
    QImage image(cols, rows, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    std::vector<LegendEntry> legend;
    if (s.request.method == SurfaceMethod::GiStar) {
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const int bin = s.bins.empty() ? 0 : s.bins[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)];
                if (bin != 0) image.setPixelColor(c, r, giStarBinColour(bin));
            }
        const char* labels[] = {"cold spot 99 %", "cold spot 95 %", "cold spot 90 %", "", "hot spot 90 %", "hot spot 95 %", "hot spot 99 %"};
        for (int bin = 3; bin >= -3; --bin)
            if (bin != 0) legend.push_back({labels[bin + 3], giStarBinColour(bin), giStarBinColour(bin), LegendEntry::Box});
    } else {
        std::vector<double> breaks;
        image = densityImage(s.values, s.grid.cols, s.grid.rows, breaks);
        const auto ramp = densityRamp();
        double lower = 0;
        const char* unit = s.request.method == SurfaceMethod::Kde ? " per km2" : " incidents";
        for (size_t k = 0; k < breaks.size(); ++k) {
            legend.push_back({QString("%1 - %2%3").arg(lower, 0, 'f', 1).arg(breaks[k], 0, 'f', 1).arg(unit), ramp[k], ramp[k], LegendEntry::Box});
            lower = breaks[k];
        }
    }
    auto layer = std::make_shared<RasterLayer>(std::move(image), s.grid.extent(), std::move(legend), s.values, s.grid.cols, s.grid.rows,
                                               s.request.method == SurfaceMethod::Kde      ? "density per km2"
                                               : s.request.method == SurfaceMethod::GiStar ? "Gi* z"
                                                                                           : "incidents");
    // The legend says what is drawn: "asb Gi* hot spots, 2021-01 to 2021-12", never just "hot spots".
    layer->name = QString::fromStdString(describeSurface(s.request, groups));
    layer->role = "surface";
    layer->opacity = 0.8;
    return layer;
}

SiteRecommendation recommendSites(const Surface& kde, int sites, double radius, const std::vector<Camera>& existing) {
    if (kde.request.method != SurfaceMethod::Kde) throwUsage("site recommendation needs a kernel density surface");
    SiteRecommendation out;
    const double cellKm2 = kde.grid.cellSize * kde.grid.cellSize / 1e6;
    std::vector<double> demand(kde.values.size());
    for (size_t k = 0; k < demand.size(); ++k) demand[k] = kde.values[k] * cellKm2;
    removeCoveredDemand(kde.grid, demand, existing);
    for (double d : demand) out.totalDemand += d;
    out.candidates = latticeCandidates(kde.grid, demand, std::max(radius / 2, kde.grid.cellSize), radius, 1);
    SitingOptions o;
    o.radius = radius;
    o.maxSites = sites;
    out.picks = greedySites(kde.grid, demand, out.candidates, o);
    return out;
}

}  // namespace hotspot::viewer
