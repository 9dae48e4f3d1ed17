#include "density/auto_scale.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <fmt/format.h>

#include "hotspot/error.hpp"

namespace hotspot {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

// 1, 2 or 5 x 10^k, the nearest in ratio.
double niceRound(double v) {
    const double power = std::pow(10.0, std::floor(std::log10(v)));
    double best = power;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (std::abs(std::log(m * power / v)) < std::abs(std::log(best / v))) best = m * power;
    return best;
}

std::vector<std::pair<double, double>> cellCentres(const Grid& grid, const std::vector<uint8_t>& mask, std::vector<int64_t>& cellOf) {
    std::vector<std::pair<double, double>> centres;
    cellOf.clear();
    for (int64_t k = 0; k < grid.cellCount(); ++k) {
        if (!mask.empty() && !mask[static_cast<size_t>(k)]) continue;
        cellOf.push_back(k);
        centres.emplace_back(grid.centreX(k / grid.cols, k % grid.cols), grid.centreY(k / grid.cols));
    }
    return centres;
}

}  // namespace

double autoCellSize(const std::vector<double>& x, const std::vector<double>& y, const Extent& extent, std::string& rule) {
    using Point = bg::model::point<double, 2, bg::cs::cartesian>;
    std::set<std::pair<double, double>> distinct;
    for (size_t i = 0; i < x.size(); ++i) distinct.emplace(x[i], y[i]);
    if (distinct.size() < 2) throwUsage("`auto` needs incidents at two or more places to size the cells", {"", 0, "auto"});
    std::vector<Point> points;
    for (const auto& [px, py] : distinct) points.emplace_back(px, py);
    const bgi::rtree<Point, bgi::quadratic<16>> tree(points.begin(), points.end());
    double sum = 0;
    std::vector<Point> found;
    for (const Point& p : points) {
        found.clear();
        tree.query(bgi::nearest(p, 2), std::back_inserter(found));
        double nearest = INFINITY;
        for (const Point& q : found)
            if (!bg::equals(p, q)) nearest = std::min(nearest, bg::distance(p, q));
        sum += nearest;
    }
    const double meanNearest = sum / static_cast<double>(points.size());
    const double longer = std::max(extent.width(), extent.height());
    const double lower = longer / 1000, upper = longer / 30;
    const double cell = std::clamp(niceRound(meanNearest), lower, upper);
    rule = fmt::format(
        "mean distance to the nearest other incident location {:.1f} m over {} locations, rounded to 1, 2 or 5 x 10^k and "
        "kept within [{:.1f}, {:.1f}] m (the longer side / 1000 and / 30): {:g} m",
        meanNearest, points.size(), lower, upper, cell);
    return cell;
}

Neighbours bandNeighboursWithSelf(const Grid& grid, const std::vector<uint8_t>& mask, double distance, std::vector<int64_t>& cellOf) {
    cellCentres(grid, mask, cellOf);
    std::vector<uint32_t> compact(static_cast<size_t>(grid.cellCount()), UINT32_MAX);
    for (uint32_t i = 0; i < cellOf.size(); ++i) compact[static_cast<size_t>(cellOf[i])] = i;
    // Square cells: the band as row/column offsets (centre distance <= distance, inclusive).
    const int reach = static_cast<int>(std::floor(distance / grid.cellSize + 1e-9));
    std::vector<std::pair<int, int>> offsets;
    for (int dr = -reach; dr <= reach; ++dr)
        for (int dc = -reach; dc <= reach; ++dc)
            if ((dr || dc) && std::hypot(dr, dc) * grid.cellSize <= distance * (1 + 1e-12)) offsets.emplace_back(dr, dc);
    Neighbours nb;
    std::vector<uint32_t> list;
    for (uint32_t i = 0; i < cellOf.size(); ++i) {
        const int64_t row = cellOf[i] / grid.cols, col = cellOf[i] % grid.cols;
        list.assign(1, i);
        for (const auto& [dr, dc] : offsets) {
            const int64_t r = row + dr, c = col + dc;
            if (r < 0 || c < 0 || r >= grid.rows || c >= grid.cols) continue;
            const uint32_t j = compact[static_cast<size_t>(r * grid.cols + c)];
            if (j != UINT32_MAX) list.push_back(j);
        }
        std::sort(list.begin() + 1, list.end());
        nb.add(list);
    }
    return nb;
}

IncrementalMoran incrementalMoran(const Grid& grid, const std::vector<uint8_t>& mask, const std::vector<double>& counts, int maxBands,
                                  size_t maxEntries) {
    if (grid.shape != GridShape::Square) throwUsage("`auto` works on square cells", {"", 0, "shape"});
    IncrementalMoran out;
    std::vector<int64_t> cellOf;
    cellCentres(grid, mask, cellOf);
    std::vector<double> values;
    for (int64_t k : cellOf) values.push_back(counts[static_cast<size_t>(k)]);
    const int bands = std::max(1, std::min<int>(maxBands, static_cast<int>(std::min(grid.rows, grid.cols) / 2)));
    for (int b = 1; b <= bands; ++b) {
        const double distance = b * grid.cellSize;
        const double perCell = M_PI * b * b;  // about this many neighbours a cell
        if (static_cast<double>(cellOf.size()) * perCell > static_cast<double>(maxEntries))
            throwUsage(fmt::format("`auto`: {} cells with neighbours within {} m is too large a search; give a larger `cell`", cellOf.size(),
                                   distance),
                       {"", 0, "cell"});
        std::vector<int64_t> unused;
        const Neighbours withSelf = bandNeighboursWithSelf(grid, mask, distance, unused);
        SpatialWeights w;
        w.rowStandardised = true;
        for (size_t i = 0; i < withSelf.size(); ++i) {
            std::vector<uint32_t> list(withSelf.index.begin() + static_cast<std::ptrdiff_t>(withSelf.offsets[i]) + 1,
                                       withSelf.index.begin() + static_cast<std::ptrdiff_t>(withSelf.offsets[i + 1]));
            w.nb.add(list);
        }
        ScaleStep step;
        step.distance = distance;
        step.moran = globalMoran(values, w);
        step.meanNeighbours = static_cast<double>(w.nb.index.size()) / static_cast<double>(std::max<size_t>(1, w.size()));
        out.steps.push_back(step);
        // Stop once a significant peak is confirmed by the step after it.
        const size_t n = out.steps.size();
        if (n == 2 && out.steps[0].moran.z > 1.96 && out.steps[0].moran.z >= out.steps[1].moran.z) break;
        if (n >= 3) {
            const double a = out.steps[n - 3].moran.z, b2 = out.steps[n - 2].moran.z, c = out.steps[n - 1].moran.z;
            if (b2 > 1.96 && b2 > a && b2 >= c) break;
        }
    }
    for (size_t k = 0; k < out.steps.size(); ++k) {
        const double z = out.steps[k].moran.z;
        const bool risesInto = k == 0 || z > out.steps[k - 1].moran.z;
        const bool notBelowNext = k + 1 == out.steps.size() || z >= out.steps[k + 1].moran.z;
        if (z > 1.96 && risesInto && notBelowNext && k + 1 < out.steps.size()) {
            out.chosen = static_cast<int>(k);
            out.reason = fmt::format("the first significant peak of the z-score ({:.2f} at {} m)", z, out.steps[k].distance);
            return out;
        }
    }
    int best = -1;
    for (size_t k = 0; k < out.steps.size(); ++k)
        if (out.steps[k].moran.z > 1.96 && (best < 0 || out.steps[k].moran.z > out.steps[static_cast<size_t>(best)].moran.z)) best = static_cast<int>(k);
    out.chosen = best;
    out.reason = best >= 0 ? fmt::format("no peak within {} m: the largest significant z-score ({:.2f} at {} m)", out.steps.back().distance,
                                         out.steps[static_cast<size_t>(best)].moran.z, out.steps[static_cast<size_t>(best)].distance)
                           : "no significant clustering (z > 1.96) at any distance";
    return out;
}

std::string incrementalMoranSvg(const IncrementalMoran& scale, const std::string& title) {
    const double width = 640, height = 400, left = 70, right = 20, top = 40, bottom = 60;
    double zMin = 0, zMax = 2;
    for (const auto& s : scale.steps)
        if (std::isfinite(s.moran.z)) zMin = std::min(zMin, s.moran.z), zMax = std::max(zMax, s.moran.z);
    const double dMax = scale.steps.empty() ? 1 : scale.steps.back().distance;
    auto px = [&](double d) { return left + (width - left - right) * d / dMax; };
    auto py = [&](double z) { return top + (height - top - bottom) * (1 - (z - zMin) / (zMax - zMin)); };
    auto escape = [](const std::string& s) {
        std::string out;
        for (char c : s) out += c == '&' ? "&amp;" : c == '<' ? "&lt;"
                                                 : c == '>'   ? "&gt;"
                                                              : std::string(1, c);
        return out;
    };
    std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="12">)", width, height);
    svg += fmt::format(R"(<rect width="{}" height="{}" fill="white"/><text x="{}" y="22" font-size="14">{}</text>)", width, height, left, escape(title));
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#999" stroke-dasharray="4 3"/><text x="{3}" y="{4}" fill="#666">z = 1.96</text>)",
                       left, py(1.96), width - right, width - right - 60, py(1.96) - 4);
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="black"/><line x1="{0}" y1="{2}" x2="{3}" y2="{2}" stroke="black"/>)", left,
                       top, height - bottom, width - right);
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">distance band (m)</text>)", (left + width - right) / 2, height - 15);
    svg += fmt::format(R"(<text x="18" y="{}" transform='rotate(-90 18 {})' text-anchor="middle">global Moran's I z-score</text>)", (top + height - bottom) / 2,
                       (top + height - bottom) / 2);
    std::string path;
    for (size_t k = 0; k < scale.steps.size(); ++k) {
        const auto& s = scale.steps[k];
        if (!std::isfinite(s.moran.z)) continue;
        path += fmt::format("{}{:.1f},{:.1f} ", path.empty() ? "M" : "L", px(s.distance), py(s.moran.z));
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"/>)", px(s.distance), py(s.moran.z), static_cast<int>(k) == scale.chosen ? 6 : 3,
                           static_cast<int>(k) == scale.chosen ? "#d7301f" : "#2c7fb8");
        svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle" font-size="10">{:g}</text>)", px(s.distance), height - bottom + 15, s.distance);
    }
    svg += fmt::format(R"(<path d="{}" fill="none" stroke="#2c7fb8" stroke-width="2"/>)", path);
    for (double z : {zMin, (zMin + zMax) / 2, zMax})
        svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" font-size="10">{:.1f}</text>)", left - 6, py(z) + 4, z);
    if (scale.chosen >= 0) {
        const auto& c = scale.steps[static_cast<size_t>(scale.chosen)];
        svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" fill="#d7301f">chosen: {:g} m</text>)", px(c.distance) + 8, py(c.moran.z) - 8, c.distance);
    }
    return svg + "</svg>\n";
}

}  // namespace hotspot
