#pragma once
// Getis-Ord Gi* with binary weights and the cell itself included (w_ii = 1), as R spdep
// localG(x, nb2listw(include.self(nb), style = "B")) and ArcGIS Hot Spot Analysis compute it.

#include <cstdint>
#include <vector>

#include "hotspot/grid.hpp"

namespace hotspot {

// Neighbour lists in compressed form; each list includes the location itself.
struct Neighbours {
    std::vector<uint64_t> offsets{0};  // list i is index[offsets[i] .. offsets[i+1])
    std::vector<uint32_t> index;
    size_t size() const { return offsets.size() - 1; }
    void add(const std::vector<uint32_t>& list);
};

struct GiStarResult {
    std::vector<double> z;    // NaN where undefined (masked cells, or all values equal)
    std::vector<double> p;    // two-sided, from the normal distribution or from permutations
    std::vector<int8_t> bin;  // FDR bins +-1/+-2/+-3 (see stats.hpp)
    double mean = 0, sd = 0;  // of the values over the n locations
    size_t n = 0;
};

struct GiStarOptions {
    bool fdr = true;        // Benjamini-Hochberg on the p-values before binning
    int permutations = 0;   // 0: normal p-values; 99, 499, 999 ...: conditional permutation p-values
    uint64_t seed = 12345;  // permutation seed (results do not depend on the thread count)
};

// General neighbour lists (polygons: contiguity or distance band).
GiStarResult giStar(const std::vector<double>& x, const Neighbours& nb, const GiStarOptions& options = {});

// Square or hexagon grids: neighbours are the cells within `rings` rings (queen contiguity for
// rings = 1: 8 + self on squares, 6 + self on hexagons). mask (optional): 1 = cell is part of the
// study area; cells outside are neither counted in n nor anyone's neighbours.
GiStarResult giStarGrid(const Grid& grid, const std::vector<double>& x, int rings, const std::vector<uint8_t>& mask,
                        const GiStarOptions& options = {});

// Distance band over points (polygon centroids): j is a neighbour of i when |ij| <= band (self included).
Neighbours distanceBandNeighbours(const std::vector<double>& x, const std::vector<double>& y, double band);

}  // namespace hotspot
