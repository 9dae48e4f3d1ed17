// Scoring a ranking of cells at a given area coverage, and the prospective mapping surface.

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "hotspot/forecast.hpp"

namespace hotspot {

namespace {

// NaN ranks below every number, so cells a map says nothing about are chosen last.
double rankKey(double v) { return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v; }

// The rows and columns whose cell centres can lie within `r` of (x, y) on a square grid (col c
// has its centre at originX + (c + 0.5) cs; row 0 is north), clamped to the grid.
struct CellRange {
    int64_t rowLo, rowHi, colLo, colHi;
};
CellRange cellsAround(const Grid& grid, double x, double y, double r) {
    const double cs = grid.cellSize, top = grid.originY + static_cast<double>(grid.rows) * cs;
    return {std::max<int64_t>(0, static_cast<int64_t>(std::ceil((top - (y + r)) / cs - 0.5))),
            std::min<int64_t>(grid.rows - 1, static_cast<int64_t>(std::floor((top - (y - r)) / cs - 0.5))),
            std::max<int64_t>(0, static_cast<int64_t>(std::ceil((x - r - grid.originX) / cs - 0.5))),
            std::min<int64_t>(grid.cols - 1, static_cast<int64_t>(std::floor((x + r - grid.originX) / cs - 0.5)))};
}

}  // namespace

CoverageScore scoreCoverage(const std::vector<double>& score, const std::vector<double>& target, const std::vector<double>& previous,
                            int64_t cellsChosen, const std::vector<uint8_t>& valid) {
    CoverageScore s;
    std::vector<double> keys, targetValues;
    keys.reserve(score.size());
    targetValues.reserve(score.size());
    for (size_t k = 0; k < score.size(); ++k) {
        if (!valid.empty() && !valid[k]) continue;
        keys.push_back(rankKey(score[k]));
        targetValues.push_back(target[k]);
        s.crimes += target[k];
        s.previousCrimes += previous[k];
    }
    s.cellsTotal = static_cast<int64_t>(keys.size());
    s.cellsChosen = std::clamp<int64_t>(cellsChosen, 0, s.cellsTotal);
    const auto nan = std::numeric_limits<double>::quiet_NaN();
    s.hitRate = s.pai = s.pei = s.rri = nan;
    if (s.cellsChosen == 0) return s;
    const size_t chosen = static_cast<size_t>(s.cellsChosen);

    // The cut-off: the chosen-th largest key. Cells above it are in; cells equal to it share the
    // places that are left.
    std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(chosen - 1), keys.end(), std::greater<>());
    const double cutoff = keys[chosen - 1];
    double aboveTarget = 0, abovePrevious = 0, tieTarget = 0, tiePrevious = 0;
    int64_t above = 0, tied = 0;
    for (size_t k = 0; k < score.size(); ++k) {
        if (!valid.empty() && !valid[k]) continue;
        const double key = rankKey(score[k]);
        if (key > cutoff) {
            ++above;
            aboveTarget += target[k];
            abovePrevious += previous[k];
        } else if (key == cutoff) {
            ++tied;
            tieTarget += target[k];
            tiePrevious += previous[k];
        }
    }
    const double share = static_cast<double>(s.cellsChosen - above) / static_cast<double>(tied);
    s.hits = aboveTarget + share * tieTarget;
    s.previousHits = abovePrevious + share * tiePrevious;

    std::nth_element(targetValues.begin(), targetValues.begin() + static_cast<std::ptrdiff_t>(chosen - 1), targetValues.end(), std::greater<>());
    for (size_t r = 0; r < chosen; ++r) s.bestHits += targetValues[r];

    const double areaShare = static_cast<double>(s.cellsChosen) / static_cast<double>(s.cellsTotal);
    if (s.crimes > 0) {
        s.hitRate = s.hits / s.crimes;
        s.pai = s.hitRate / areaShare;
        s.pei = s.hits / s.bestHits;
    }
    const double paiPrevious = s.previousCrimes > 0 ? (s.previousHits / s.previousCrimes) / areaShare : nan;
    if (paiPrevious > 0 && s.crimes > 0) s.rri = s.pai / paiPrevious;
    return s;
}

std::vector<uint8_t> cellsNearPoints(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y, double distance) {
    std::vector<uint8_t> near(static_cast<size_t>(grid.cellCount()), 0);
    // police.uk places many crimes on the same snap point: each place is marked once.
    std::vector<std::pair<double, double>> places;
    places.reserve(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i])) places.emplace_back(x[i], y[i]);
    std::sort(places.begin(), places.end());
    places.erase(std::unique(places.begin(), places.end()), places.end());
    for (const auto& [px, py] : places) {
        const CellRange range = cellsAround(grid, px, py, distance);
        for (int64_t row = range.rowLo; row <= range.rowHi; ++row) {
            const double dy = grid.centreY(row) - py;
            for (int64_t col = range.colLo; col <= range.colHi; ++col) {
                const double dx = grid.centreX(row, col) - px;
                if (dx * dx + dy * dy <= distance * distance) near[static_cast<size_t>(row * grid.cols + col)] = 1;
            }
        }
        // The cell holding the place is always in, even with a buffer under half a cell.
        if (const auto cell = grid.cellOf(px, py)) near[static_cast<size_t>(*cell)] = 1;
    }
    return near;
}

std::vector<double> prospectiveSurface(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& weight, const std::vector<int32_t>& elapsedDays, const ProspectiveOptions& options) {
    std::vector<double> risk(static_cast<size_t>(grid.cellCount()), 0.0);
    const double halfCell = grid.cellSize / 2, r = options.radius;
    for (size_t i = 0; i < x.size(); ++i) {
        if (elapsedDays[i] < 0 || !std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        const int weeks = elapsedDays[i] / 7;
        if (weeks > options.maxWeeks) continue;
        const double timeWeight = (weight.empty() ? 1.0 : weight[i]) / (1.0 + weeks);
        const CellRange range = cellsAround(grid, x[i], y[i], r);
        for (int64_t row = range.rowLo; row <= range.rowHi; ++row) {
            const double dy = grid.centreY(row) - y[i];
            for (int64_t col = range.colLo; col <= range.colHi; ++col) {
                const double dx = grid.centreX(row, col) - x[i];
                const double d = std::sqrt(dx * dx + dy * dy);
                if (d > r) continue;
                const double halfWidths = std::floor(d / halfCell);
                risk[static_cast<size_t>(row * grid.cols + col)] += timeWeight / (1.0 + halfWidths);
            }
        }
    }
    return risk;
}

}  // namespace hotspot
