#pragma once
// Pieces shared by the intervention jobs (coverage, evaluate-interventions, sites): number
// formatting, a bucket index of coverage shapes, rejects files, the demand grid.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <geos_c.h>

#include "core/geos_kit.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/error.hpp"
#include "hotspot/interventions.hpp"
#include "io/output_files.hpp"

namespace hotspot::intervention_support {

inline std::string formatValue(double v, int precision) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, precision) : std::string(); }
inline std::string percent(double part, double whole) { return whole > 0 ? fmt::format("{:.1f}", 100.0 * part / whole) : std::string(); }

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

inline std::string describeRejects(const LayerRejects& r, const std::string& path) {
    std::string s;
    for (size_t i = 0; i < r.rows.size() && i < 5; ++i) s += fmt::format("\n    {}:{}: {}", path, r.rows[i].first, r.rows[i].second);
    if (r.rows.size() > 5) s += fmt::format("\n    ... and {} more (see the rejects file)", r.rows.size() - 5);
    return s;
}

inline void writeLayerRejects(OutputStaging& staging, const std::string& name, const std::vector<std::pair<std::string, const LayerRejects*>>& layers) {
    CsvWriter csv(staging.stagedPath(name));
    csv.row({"file", "line", "reason"});
    for (const auto& [path, rejects] : layers)
        for (const auto& [line, reason] : rejects->rows) csv.field(path).field(line).field(reason).endRow();
    csv.close();
}

inline std::string periodLabel(int32_t month, SharePeriod period) {
    if (period == SharePeriod::All) return "all";
    if (period == SharePeriod::Month) return formatMonth(month);
    return month == kNoMonth ? std::string() : std::to_string(monthYear(month));
}

// Square grid over the incidents (and the study area) with an ArcGIS-style default.
inline Grid demandGrid(const SelectedIncidents& sel, const GridChoice& choice, double defaultCell, double margin) {
    sel.requireSome();
    return Grid::covering(sel.extent.expanded(margin), choice.cellSize > 0 ? choice.cellSize : defaultCell, GridShape::Square, choice.maxCells);
}

}  // namespace hotspot::intervention_support
