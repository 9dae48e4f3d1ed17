#pragma once
// The area code a source row carries (police.uk's "LSOA code") against the polygon its point
// falls in: the agreement rate per layer with a class for every disagreement, and the join on
// the code itself for users who must match figures published by code.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hotspot/area_layer.hpp"
#include "hotspot/ons_geography.hpp"

namespace hotspot {

enum class CodeMatch : uint8_t {
    Same,              // the point lies in the polygon of the row's own code
    SameViaLookup,     // the code is of another vintage or geography; the lookup carries it to the point's polygon
    DiffersViaLookup,  // ... to another polygon
    Edge,              // the code's polygon is another one, within the edge distance of the point
    Elsewhere,         // ... farther away
    OutsideLayer,      // the point is in no polygon of the layer (whatever its code)
    CodeNotInLayer,    // the point is in the layer, but its code is not and no lookup carries it there
    NoCode,            // the row has no code
};
inline constexpr size_t kCodeMatchClasses = 8;
const char* codeMatchName(CodeMatch match);     // "same", "same via lookup", ...
const char* codeMatchMeaning(CodeMatch match);  // one sentence for area_agreement.csv

struct CodeComparison {
    std::vector<int32_t> byCode;  // per row: polygon named by the code (-1: none, or a split code the point does not settle)
    std::vector<uint8_t> match;   // per row: CodeMatch
    std::vector<float> distance;  // per row: metres from the point to the code's polygon (NaN when not measured)
    std::array<int64_t, kCodeMatchClasses> tally{};
    std::array<int64_t, 4> changes{};  // rows converted by a lookup with a change indicator: S, M, X, U
    int64_t withCode() const { return tally[0] + tally[1] + tally[2] + tally[3] + tally[4] + tally[5] + tally[6]; }
    int64_t agreeing() const { return tally[0] + tally[1]; }
    std::string describe(const std::string& label) const;  // one summary line
};

// Compares every row's code with its point-in-polygon result (byPoint). Lookups carry codes the
// layer does not hold to its geography (up to two steps: LSOA 2011 -> 2021 -> ward 2022).
CodeComparison compareAreaCodes(const AreaLayer& layer, const std::vector<int32_t>& byPoint, const std::vector<std::string_view>& rowCodes,
                                const double* x, const double* y, const std::vector<CodeLookup>& lookups, double edgeMetres);

// Whether any row code can reach this layer (directly or through the lookups): layers of
// another kind (priority areas, police beats) are not compared.
bool codesReachLayer(const AreaLayer& layer, const std::vector<std::string_view>& rowCodes, const std::vector<CodeLookup>& lookups);

}  // namespace hotspot
