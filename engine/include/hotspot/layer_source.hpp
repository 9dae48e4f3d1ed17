#pragma once
// Where a point or polygon layer of the interventions (cameras, lights, projects, candidate sites)
// comes from: a CSV (x/y in `srs` or the analysis CRS, or lon/lat) or any OGR layer. Read by the io
// module's FeatureSource; parse() is defined with the readers (interventions/layers.cpp).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hotspot {

struct InterventionSource {
    std::string path, layer, srs;
    // "PATH[:LAYER]" as in area layers.
    static InterventionSource parse(const std::string& spec);
};

// Rows of a layer that could not be used: line (CSV) or feature id, and the reason with the field.
struct LayerRejects {
    std::vector<std::pair<int64_t, std::string>> rows;
};

}  // namespace hotspot
