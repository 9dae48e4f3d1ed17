#pragma once
// The union of a set of square grid cells, traced along the cell edges instead of overlaid.

#include <cstdint>
#include <optional>
#include <vector>

#include "hotspot/grid.hpp"

namespace hotspot {

// The outline of the cells (flat indices row * cols + col of a square grid) as ISO WKB
// MultiPolygon: the edges between a cell of the set and one outside it, chained into rings,
// split where rings touch at a corner (so every ring is simple), and holes given to the smallest
// shell that holds them. The result is a valid polygon set equal to the union of the cells.
// nullopt when the set has so many shells and holes that matching them would be slow, or a hole
// finds no shell (the caller then falls back to an overlay union).
std::optional<std::vector<unsigned char>> squareCellsOutline(const Grid& grid, std::vector<int64_t> cells);

}  // namespace hotspot
