#pragma once
// What a road safety officer asks of a problem locality: who was hurt and how badly, the
// circumstances, the road, the cost to society, a trend that knows its history, and a short
// rule-based "issue pattern". Definitions and sources: docs/methods.md (Road localities).

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hotspot/stats.hpp"
#include "roads/road_incidents.hpp"
#include "roads/stats19_tables.hpp"

namespace hotspot {

// Value of prevention per collision by severity (a table that cites its source).
struct CollisionCosts {
    std::string path, priceYear, basis, source;
    std::array<double, 4> bySeverity{};  // by Severity; Unknown stays 0 (not costed)
    double damageOnly = 0;
    // The built-in table: DfT RAS60001 (2014 prices, per reported accident), data/roads/.
    static CollisionCosts builtinDefault();
    // A CSV with price_year, basis, severity, value_gbp, source (one price year and basis).
    static CollisionCosts fromFile(const std::string& path);
    static CollisionCosts fromText(const std::string& text, const std::string& name);
};

// An editable rule table: "pattern,when" rows, `when` a conjunction of `variable op number`.
struct IssuePatternRules {
    struct Condition {
        std::string variable;
        enum Op : uint8_t { Ge,
                            Le,
                            Gt,
                            Lt,
                            Eq,
                            Ne } op = Ge;
        double value = 0;
    };
    struct Rule {
        std::string pattern;
        std::vector<Condition> conditions;
        int64_t line = 0;
    };
    std::string path;
    std::vector<Rule> rules;
    static IssuePatternRules builtinDefault();
    static IssuePatternRules fromFile(const std::string& path);
    static IssuePatternRules fromText(const std::string& text, const std::string& name);
    // The patterns whose conditions all hold, in table order, at most `limit`, joined by "; ".
    std::string match(const std::map<std::string, double>& variables, size_t limit = 3) const;
    static const std::vector<std::string>& variableNames();
};

// Everything the register says about one locality beyond its incident counts.
struct LocalityProfile {
    std::array<int64_t, 4> casualties{};  // by Severity (Unknown unused)
    int64_t casualtyTotal = 0, ksi = 0;
    double ksiAdjusted = 0;         // fatal + sum of adjusted serious probabilities (2024 schema)
    bool adjustedComplete = false;  // every casualty had the adjusted value
    std::array<int64_t, kRoadUserGroups> byGroup{};
    int64_t children = 0, hgvCollisions = 0, vehiclesKnown = 0;
    // (yes, known) pairs over the locality's collisions
    std::array<int64_t, 2> dark{}, wet{}, weekend{}, peak{}, junction{};
    int64_t networkJunction = 0, snappedCollisions = 0;
    std::string siteType;  // junction | link | unknown
    std::string speedLimits, roadClasses, roadNumbers, urbanRural;
    double cost = 0;
    int64_t uncosted = 0;  // collisions of unknown severity
    std::string pattern;
    std::map<std::string, double> variables;  // what the issue rules see
};

struct ProfileInputs {
    const RoadIncidents& incidents;
    const std::vector<std::vector<uint32_t>>& casualtiesByIncident;  // indexes into `casualties`
    const std::vector<LinkedCasualty>& casualties;
    const std::vector<CollisionVehicles>& vehicles;   // by incident (empty: no vehicle table)
    const std::vector<uint8_t>& nearNetworkJunction;  // by incident: snapped within 20 m of a node of degree >= 3
    const CollisionCosts& costs;
    const IssuePatternRules& rules;
    bool haveCasualties = false, haveVehicles = false;
};

// `members`: the locality's incidents; `issueCounts`: its incidents by Issue.
LocalityProfile profileLocality(const std::vector<uint32_t>& members, const std::array<int64_t, static_cast<size_t>(Issue::Count)>& issueCounts,
                                const ProfileInputs& in);

// The shortest text for an A/B/C/M road number ("A45"), empty for unclassified or unknown.
std::string roadNumberText(uint8_t roadClass, int32_t roadNumber);

}  // namespace hotspot
