// The parts of the analysis request that hold no Qt: the method names and the validation through
// the engine's option declarations (the project file reader and its fuzz target use them too).

#include <fmt/format.h>

#include "analysis.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/error.hpp"
#include "hotspot/kde.hpp"

namespace hotspot::viewer {

SurfaceMethod parseSurfaceMethod(const std::string& name) {
    if (name == "kde") return SurfaceMethod::Kde;
    if (name == "gistar" || name == "gi*") return SurfaceMethod::GiStar;
    if (name == "counts") return SurfaceMethod::Counts;
    throwUsage("unknown method '" + name + "' (kde, gistar, counts)");
}

const char* toString(SurfaceMethod m) { return m == SurfaceMethod::Kde ? "kde" : m == SurfaceMethod::GiStar ? "gistar"
                                                                                                            : "counts"; }

void AnalysisRequest::validate(const OptionNaming& naming) const {
    // The viewer has no "automatic" cell or bandwidth: every value is one the user chose.
    GridChoice grid;
    grid.cellSize = cell;
    GridChoice::kCell.checkGiven(cell, naming);
    grid.validate(naming);
    if (method == SurfaceMethod::Kde) {
        KdeOptions kde;
        kde.bandwidth = bandwidth;
        KdeOptions::kBandwidth.checkGiven(bandwidth, naming);
        kde.validate(naming);
        if (bandwidth < cell)
            throwUsage(fmt::format("the bandwidth ({} m) is smaller than one cell ({} m): the surface would be a point pattern", bandwidth, cell),
                       {"", 0, naming(KdeOptions::kBandwidth.key)});
    }
    if (from > to) throwUsage("the period ends before it starts", {"", 0, naming("to")});
}

}  // namespace hotspot::viewer
