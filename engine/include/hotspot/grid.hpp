#pragma once
// Analysis grids: square cells (rasters) or hexagons, with cell edges aligned to multiples of the
// cell size in the analysis CRS, so grids of different periods and runs line up cell for cell.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hotspot {

struct Extent {
    double minX = 0, minY = 0, maxX = 0, maxY = 0;
    double width() const { return maxX - minX; }
    double height() const { return maxY - minY; }
    bool contains(double x, double y) const { return x >= minX && x <= maxX && y >= minY && y <= maxY; }
    Extent expanded(double by) const { return {minX - by, minY - by, maxX + by, maxY + by}; }
    bool empty() const { return width() < 0; }  // "no points" is {0, 0, -1, -1}
    // The smallest extent holding both (an empty side is ignored).
    Extent united(const Extent& o) const {
        if (empty()) return o;
        if (o.empty()) return *this;
        return {std::min(minX, o.minX), std::min(minY, o.minY), std::max(maxX, o.maxX), std::max(maxY, o.maxY)};
    }
};

enum class GridShape { Square,
                       Hexagon };

// Square grid: row 0 is the northern row (north-up rasters), column 0 the western column.
// Hexagon grid: pointy-top hexagons in offset rows; cellSize is the distance between the centres
// of neighbouring hexagons; odd rows are shifted east by half a cell.
struct Grid {
    GridShape shape = GridShape::Square;
    double cellSize = 0;
    double originX = 0, originY = 0;  // south-west corner, multiples of cellSize (square grids)
    int64_t cols = 0, rows = 0;

    int64_t cellCount() const { return cols * rows; }
    Extent extent() const;
    double rowSpacing() const;  // cellSize for squares, cellSize * sqrt(3) / 2 for hexagons
    // Centre of cell (row, col), in the analysis CRS.
    double centreX(int64_t row, int64_t col) const;
    double centreY(int64_t row) const;
    // Cell holding a point, or nullopt outside the grid. Points on an internal cell edge go to
    // the cell east / south of it (the cell whose west / north edge it is), so each point is in one cell.
    std::optional<int64_t> cellOf(double x, double y) const;
    // Polygon ring of a cell (closed), for vector outputs.
    std::vector<std::pair<double, double>> cellRing(int64_t row, int64_t col) const;
    // The up-to-8 (square) or 6 (hexagon) cells touching a cell, excluding itself.
    void neighbours(int64_t row, int64_t col, int rings, std::vector<int64_t>& out) const;

    // A grid covering an extent, aligned to multiples of cellSize. Throws Error(Usage) for a cell
    // size that is not positive or finite, or when the grid would exceed maxCells.
    static Grid covering(const Extent& extent, double cellSize, GridShape shape, int64_t maxCells);
};

// A robust extent of points: the box of the 1st to 99th percentiles, grown by a margin of
// max(strayMetres, its larger side); points beyond it are strays (police data places some crimes
// far outside the force area). Returns the extent of the non-stray points and flags the strays.
struct StrayReport {
    Extent extent;
    std::vector<uint8_t> stray;  // 1 for each excluded point
    size_t strayCount = 0;
};
StrayReport robustExtent(const std::vector<double>& x, const std::vector<double>& y, double strayMetres = 10000);

// The classes a surface is mapped in, by the viewer and in the QGIS styles of its GeoTIFFs: upper
// bounds at the 50th, 75th, 90th and 97.5th percentiles of the positive cell values and their
// maximum (zero and nodata cells are not drawn). Empty when no value is positive.
std::vector<double> surfaceClassBreaks(const std::vector<double>& values);

}  // namespace hotspot
