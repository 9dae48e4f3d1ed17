#pragma once
// Census denominators: residents or households per area code from a census table (the Nomis
// bulk CSV, a long table of code/indicator/value rows, or plain code,value), and those counts
// carried to any area layer: directly when the layer holds the table's codes, otherwise
// apportioned from the layer that does (LSOAs -> priority areas that do not nest).

#include <string>
#include <unordered_map>
#include <vector>

#include "hotspot/area_layer.hpp"
#include "hotspot/ingest.hpp"

namespace hotspot {

enum class CensusMeasure { Residents,
                           Households };
const char* toString(CensusMeasure measure);  // "residents" | "households"

struct CensusTable {
    std::string path;
    CensusMeasure measure = CensusMeasure::Residents;
    std::string layout;  // "Nomis bulk CSV", "long format", "code,value"
    std::string read;    // what was read: the column, or which indicator rows were summed
    std::unordered_map<std::string, double> byCode;
    double total() const;

    // "[residents=|households=]PATH". Without a prefix the measure comes from the file (a unit of
    // Persons or Households, a header naming households). Throws Error(Input) naming the line
    // and field of a value that is not a count, and for a table with no usable rows.
    static CensusTable load(const std::string& spec);
};

// Whether a denominator file is a census table (a spec with residents=/households=, or a CSV
// whose header has a census area-code column) rather than points of the population at risk.
bool isCensusTableSpec(const std::string& spec);

// Population at risk per point (postcode centroids with residents, address points), used to
// split a census area between the areas it overlaps; empty: split by land area.
struct WeightPoints {
    std::vector<double> x, y, w;
};

// Weighted points from files (postcode centroids with households ...): read as incidents are,
// with `mapping` for their columns and their weight field; rows without a location left out.
WeightPoints readWeightPoints(const std::vector<std::string>& paths, const IngestOptions& ingest, const ColumnMapping& mapping);

// The table as points for a kernel surface: each count at the centroid of its area in the layer
// (of `layers`) holding most of the table's codes. Throws Error(Input) when none holds any.
WeightPoints censusAsPoints(const CensusTable& table, const std::vector<const AreaLayer*>& layers);

struct AreaDenominator {
    std::vector<double> values;   // per polygon of the target layer (NaN: no figure)
    std::string method;           // one line: how the values were obtained
    int64_t polygonsWithout = 0;  // polygons left without a figure
};

// The table's counts for every polygon of `target`, in this order of preference: by the target's
// own codes; summed through an ONS lookup that carries the table's codes to the target's (best
// fit: LSOA -> ward); apportioned from the layer among `layers` holding most of the table's
// codes. Throws Error(Input) when none of these applies.
AreaDenominator denominatorFor(const CensusTable& table, const AreaLayer& target, const std::vector<const AreaLayer*>& layers,
                               const std::vector<CodeLookup>& lookups, const WeightPoints& weights);

}  // namespace hotspot
