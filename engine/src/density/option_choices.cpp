// The spellings of the density module's typed options: neighbour rules, weight styles, how
// `evaluate` ranks cells.

#include <cstdlib>

#include <fmt/format.h>

#include "core/choice_table.hpp"
#include "hotspot/analysis_run.hpp"

namespace hotspot {

namespace {

constexpr ChoiceTable<WeightStyle, 2> kWeightStyles{{{WeightStyle::RowStandardised, "row"}, {WeightStyle::Binary, "binary"}}};
constexpr ChoiceTable<RankBy, 2> kRankBy{{{RankBy::Kde, "kde"}, {RankBy::Counts, "counts"}}};

// The number after "distance:" or "knn:", the whole of it (no unit, no trailing text).
double numberAfter(const std::string& text, size_t prefix, const char* example, const OptionNaming& naming) {
    const std::string number = text.substr(prefix);
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size())
        throwUsage(fmt::format("'{}' is not {}", text, example), {"", 0, naming("weights")});
    return value;
}

}  // namespace

NeighbourRule parseNeighbourRule(const std::string& text, const OptionNaming& naming) {
    if (text == "queen") return NeighbourRule::queen();
    if (text == "rook") return NeighbourRule::rook();
    if (text.rfind("distance:", 0) == 0) return NeighbourRule::distanceBand(numberAfter(text, 9, "distance:METRES (e.g. distance:500)", naming));
    if (text.rfind("knn:", 0) == 0) {
        const double k = numberAfter(text, 4, "knn:K (e.g. knn:8)", naming);
        // Out-of-range k is the job's validate() to refuse (with the range); it must fit an int first.
        if (!(k >= 0 && k <= 1e6) || k != static_cast<int>(k)) throwUsage(fmt::format("'{}': k must be a whole number from 1 to 1000", text), {"", 0, naming("weights")});
        return NeighbourRule::nearestK(static_cast<int>(k));
    }
    throwUsage(fmt::format("'{}' is not queen, rook, distance:METRES or knn:K", text), {"", 0, naming("weights")});
}

std::string NeighbourRule::text() const {
    switch (kind) {
        case Kind::Queen: return "queen";
        case Kind::Rook: return "rook";
        case Kind::DistanceBand: return fmt::format("distance:{:g}", bandMetres);
        case Kind::Nearest: return fmt::format("knn:{}", nearest);
    }
    return "?";
}

WeightStyle parseWeightStyle(const std::string& text, const OptionNaming& naming) { return choiceFromText(kWeightStyles, text, "style", naming); }
const char* toString(WeightStyle style) { return choiceText(kWeightStyles, style); }
RankBy parseRankBy(const std::string& text, const OptionNaming& naming) { return choiceFromText(kRankBy, text, "method", naming); }
const char* toString(RankBy rank) { return choiceText(kRankBy, rank); }

}  // namespace hotspot
