#include "roads/locality_profile.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"

namespace hotspot {

extern const char* const kBuiltinRoadCosts;      // generated from data/roads/value_of_prevention_dft_2014.csv
extern const char* const kBuiltinIssuePatterns;  // generated from data/roads/issue_patterns.csv

namespace {

int columnOf(const std::vector<std::string>& header, const char* name) {
    for (size_t i = 0; i < header.size(); ++i)
        if (iequals(trim(header[i]), name)) return static_cast<int>(i);
    return -1;
}

bool parseDouble(std::string_view text, double& value) {
    text = trim(text);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

// "A (12); U (3)": the values most frequent first, ties in key order.
template <typename Key>
std::string tally(const std::map<Key, int64_t>& counts, const std::function<std::string(const Key&)>& text) {
    std::vector<std::pair<int64_t, Key>> order;
    for (const auto& [k, n] : counts) order.emplace_back(-n, k);
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [n, k] : order) out += fmt::format("{}{} ({})", out.empty() ? "" : "; ", text(k), -n);
    return out;
}

const char* roadClassLetter(uint8_t roadClass) {
    switch (roadClass) {
        case 1: return "M";
        case 2: return "A(M)";
        case 3: return "A";
        case 4: return "B";
        case 5: return "C";
        case 6: return "U";
        default: return "";
    }
}

}  // namespace

std::string roadNumberText(uint8_t roadClass, int32_t roadNumber) {
    if (roadNumber <= 0 || roadClass < 1 || roadClass > 5) return {};
    const char* letter = roadClass == 2 ? "A" : roadClassLetter(roadClass);
    return fmt::format("{}{}{}", letter, roadNumber, roadClass == 2 ? "(M)" : "");
}

// ---- costs

CollisionCosts CollisionCosts::builtinDefault() { return fromText(kBuiltinRoadCosts, "built-in value_of_prevention_dft_2014.csv"); }

CollisionCosts CollisionCosts::fromFile(const std::string& path) {
    CollisionCosts c = fromText(readWholeFile(path), path);
    c.path = path;
    return c;
}

CollisionCosts CollisionCosts::fromText(const std::string& text, const std::string& name) {
    std::vector<int64_t> lines;
    const auto records = parseCsvText(text, &lines);
    if (records.empty()) throwInput("the cost table is empty", {name, 1});
    const auto& header = records[0];
    const int year = columnOf(header, "price_year"), basis = columnOf(header, "basis"), severity = columnOf(header, "severity"),
              value = columnOf(header, "value_gbp"), source = columnOf(header, "source");
    for (auto [col, field] : {std::pair{year, "price_year"}, {basis, "basis"}, {severity, "severity"}, {value, "value_gbp"}, {source, "source"}})
        if (col < 0) throwInput(fmt::format("the cost table has no {} column (price_year, basis, severity, value_gbp, source)", field), {name, 1, field});
    CollisionCosts c;
    c.path = name;
    std::array<bool, 4> seen{};
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        const int64_t line = lines.empty() ? static_cast<int64_t>(r + 1) : lines[r];
        if (rec.size() != header.size()) throwInput(fmt::format("{} fields where the header has {}", rec.size(), header.size()), {name, line});
        auto text = [&](int col) { return std::string(trim(rec[static_cast<size_t>(col)])); };
        if (r == 1) c.priceYear = text(year), c.basis = text(basis), c.source = text(source);
        else if (text(year) != c.priceYear || text(basis) != c.basis)
            throwInput("every row of a cost table must have one price year and basis (mixing them would add unlike values)", {name, line, "price_year"});
        double v = 0;
        if (!parseDouble(rec[static_cast<size_t>(value)], v) || v < 0)
            throwInput(fmt::format("'{}' is not a non-negative amount", text(value)), {name, line, "value_gbp"});
        const std::string sev = toLowerAscii(text(severity));
        if (sev == "fatal") c.bySeverity[Fatal] = v, seen[Fatal] = true;
        else if (sev == "serious") c.bySeverity[Serious] = v, seen[Serious] = true;
        else if (sev == "slight") c.bySeverity[Slight] = v, seen[Slight] = true;
        else if (sev == "damage only") c.damageOnly = v;
        else throwInput(fmt::format("unknown severity '{}' (Fatal, Serious, Slight, Damage only)", text(severity)), {name, line, "severity"});
    }
    for (uint8_t s : {Fatal, Serious, Slight})
        if (!seen[s]) throwInput(fmt::format("the cost table has no {} row", kSeverityNames[s]), {name, 0, "severity"});
    if (c.source.empty()) throwInput("the cost table must cite its source", {name, 2, "source"});
    return c;
}

// ---- issue patterns

const std::vector<std::string>& IssuePatternRules::variableNames() {
    static const std::vector<std::string> names = {
        "collisions", "fatal", "serious", "slight", "complaints", "speeding", "hgv", "parking", "road_layout", "casualties", "ksi",
        "ksi_adjusted", "pedestrians", "cyclists", "motorcyclists", "car_occupants", "goods_vehicle_occupants", "bus_occupants", "children",
        "hgv_collisions", "dark_share", "wet_share", "weekend_share", "peak_share", "junction_share", "network_junction_share",
        "speed_limit_max", "m_road_share", "a_road_share", "b_road_share", "c_road_share", "u_road_share", "rural_share", "cost_gbp"};
    return names;
}

IssuePatternRules IssuePatternRules::builtinDefault() { return fromText(kBuiltinIssuePatterns, "built-in issue_patterns.csv"); }

IssuePatternRules IssuePatternRules::fromFile(const std::string& path) { return fromText(readWholeFile(path), path); }

IssuePatternRules IssuePatternRules::fromText(const std::string& text, const std::string& name) {
    std::vector<int64_t> lines;
    const auto records = parseCsvText(text, &lines);
    if (records.empty()) throwInput("the issue pattern table is empty", {name, 1});
    const int pattern = columnOf(records[0], "pattern"), when = columnOf(records[0], "when");
    if (pattern < 0 || when < 0) throwInput("the issue pattern table needs the columns pattern and when", {name, 1});
    IssuePatternRules rules;
    rules.path = name;
    const auto& known = variableNames();
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        const int64_t line = lines.empty() ? static_cast<int64_t>(r + 1) : lines[r];
        if (rec.size() != records[0].size()) throwInput(fmt::format("{} fields where the header has {}", rec.size(), records[0].size()), {name, line});
        Rule rule;
        rule.line = line;
        rule.pattern = std::string(trim(rec[static_cast<size_t>(pattern)]));
        if (rule.pattern.empty()) throwInput("a rule without a pattern name", {name, line, "pattern"});
        std::string_view rest = rec[static_cast<size_t>(when)];
        while (!trim(rest).empty()) {
            const size_t amp = rest.find('&');
            std::string_view term = trim(rest.substr(0, amp));
            rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
            static constexpr std::pair<const char*, Condition::Op> kOps[] = {{">=", Condition::Ge}, {"<=", Condition::Le}, {"!=", Condition::Ne}, {">", Condition::Gt}, {"<", Condition::Lt}, {"=", Condition::Eq}};
            Condition c;
            bool parsed = false;
            for (const auto& [op, kind] : kOps) {
                const size_t at = term.find(op);
                if (at == std::string_view::npos) continue;
                c.variable = toLowerAscii(trim(term.substr(0, at)));
                c.op = kind;
                parsed = parseDouble(term.substr(at + std::string_view(op).size()), c.value);
                break;
            }
            if (!parsed) throwInput(fmt::format("'{}' is not 'variable op number' (op: >= <= > < = !=)", term), {name, line, "when"});
            if (std::find(known.begin(), known.end(), c.variable) == known.end())
                throwInput(fmt::format("unknown variable '{}' (docs/cli/roads.md lists them)", c.variable), {name, line, "when"});
            rule.conditions.push_back(c);
        }
        if (rule.conditions.empty()) throwInput("a rule without conditions", {name, line, "when"});
        rules.rules.push_back(std::move(rule));
    }
    return rules;
}

std::string IssuePatternRules::match(const std::map<std::string, double>& variables, size_t limit) const {
    std::string out;
    size_t matched = 0;
    for (const Rule& rule : rules) {
        bool all = true;
        for (const Condition& c : rule.conditions) {
            const auto it = variables.find(c.variable);
            if (it == variables.end()) {  // not known here (e.g. no casualty table): the rule cannot hold
                all = false;
                break;
            }
            const double v = it->second;
            switch (c.op) {
                case Condition::Ge: all = v >= c.value; break;
                case Condition::Le: all = v <= c.value; break;
                case Condition::Gt: all = v > c.value; break;
                case Condition::Lt: all = v < c.value; break;
                case Condition::Eq: all = v == c.value; break;
                case Condition::Ne: all = v != c.value; break;
            }
            if (!all) break;
        }
        if (!all) continue;
        out += (out.empty() ? "" : "; ") + rule.pattern;
        if (++matched == limit) break;
    }
    return out;
}

// ---- the profile

LocalityProfile profileLocality(const std::vector<uint32_t>& members, const std::array<int64_t, static_cast<size_t>(Issue::Count)>& issueCounts,
                                const ProfileInputs& in) {
    const RoadIncidents& inc = in.incidents;
    LocalityProfile p;
    std::array<int64_t, 4> collisionsBySeverity{};
    std::map<int, int64_t> speeds;
    std::map<uint8_t, int64_t> classes;
    std::map<std::string, int64_t> numbers;
    int64_t urban = 0, rural = 0, collisions = 0, adjustedCount = 0;
    auto count = [](std::array<int64_t, 2>& pair, Known k) {
        if (k == Known::Unknown) return;
        ++pair[1];
        if (k == Known::Yes) ++pair[0];
    };
    for (uint32_t i : members) {
        if (!inc.isCollision[i]) continue;
        ++collisions;
        ++collisionsBySeverity[inc.severity[i]];
        p.cost += in.costs.bySeverity[inc.severity[i]];
        if (inc.severity[i] == Unknown) ++p.uncosted;
        const CollisionCircumstances& c = inc.circumstances[i];
        count(p.dark, c.dark);
        count(p.wet, c.wet);
        count(p.weekend, c.weekend);
        count(p.peak, c.peak);
        count(p.junction, c.junction);
        if (in.nearNetworkJunction[i] != 0) {
            ++p.snappedCollisions;
            if (in.nearNetworkJunction[i] == 1) ++p.networkJunction;
        }
        if (c.speedLimit > 0) ++speeds[c.speedLimit];
        if (c.roadClass > 0) ++classes[c.roadClass];
        if (const std::string number = roadNumberText(c.roadClass, c.roadNumber); !number.empty()) ++numbers[number];
        if (inc.urbanRural[i] == 1) ++urban;
        if (inc.urbanRural[i] == 2) ++rural;
        if (in.haveCasualties)
            for (uint32_t k : in.casualtiesByIncident[i]) {
                const LinkedCasualty& cas = in.casualties[k];
                ++p.casualties[cas.severity];
                ++p.casualtyTotal;
                ++p.byGroup[static_cast<size_t>(cas.group)];
                if (cas.child == 1) ++p.children;
                if (cas.severity == Fatal) p.ksiAdjusted += 1, ++adjustedCount;
                else if (!std::isnan(cas.adjustedSerious)) p.ksiAdjusted += cas.adjustedSerious, ++adjustedCount;
                else if (cas.severity == Serious) p.ksiAdjusted += 1;
            }
        if (in.haveVehicles && !in.vehicles.empty()) {
            const CollisionVehicles& v = in.vehicles[i];
            if (v.count > 0) ++p.vehiclesKnown;
            if (v.byGroup[static_cast<size_t>(VehicleGroup::Hgv)] > 0) ++p.hgvCollisions;
        }
    }
    p.ksi = p.casualties[Fatal] + p.casualties[Serious];
    p.adjustedComplete = p.casualtyTotal > 0 && adjustedCount == p.casualtyTotal;
    p.speedLimits = tally<int>(speeds, [](const int& s) { return std::to_string(s); });
    p.roadClasses = tally<uint8_t>(classes, [](const uint8_t& k) { return std::string(roadClassLetter(k)); });
    p.roadNumbers = tally<std::string>(numbers, [](const std::string& s) { return s; });
    p.urbanRural = urban + rural == 0 ? "" : rural == 0 ? "urban"
                                         : urban == 0   ? "rural"
                                                        : fmt::format("mixed (urban {}, rural {})", urban, rural);
    if (collisions == 0) p.siteType = "unknown";
    else if (p.junction[1] > 0) p.siteType = 2 * p.junction[0] >= p.junction[1] ? "junction" : "link";
    else if (p.snappedCollisions > 0) p.siteType = 2 * p.networkJunction >= p.snappedCollisions ? "junction" : "link";
    else p.siteType = "unknown";

    // What the rules see. Shares are left out when nothing is known, so a rule on them cannot hold.
    auto& v = p.variables;
    v["collisions"] = static_cast<double>(collisions);
    v["fatal"] = static_cast<double>(collisionsBySeverity[Fatal]);
    v["serious"] = static_cast<double>(collisionsBySeverity[Serious]);
    v["slight"] = static_cast<double>(collisionsBySeverity[Slight]);
    v["speeding"] = static_cast<double>(issueCounts[static_cast<size_t>(Issue::Speeding)]);
    v["hgv"] = static_cast<double>(issueCounts[static_cast<size_t>(Issue::Hgv)]);
    v["parking"] = static_cast<double>(issueCounts[static_cast<size_t>(Issue::Parking)]);
    v["road_layout"] = static_cast<double>(issueCounts[static_cast<size_t>(Issue::Layout)]);
    v["complaints"] = static_cast<double>(static_cast<int64_t>(members.size()) - collisions);
    v["cost_gbp"] = p.cost;
    if (in.haveCasualties) {
        v["casualties"] = static_cast<double>(p.casualtyTotal);
        v["ksi"] = static_cast<double>(p.ksi);
        v["ksi_adjusted"] = p.ksiAdjusted;
        v["pedestrians"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::Pedestrian)]);
        v["cyclists"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::PedalCycle)]);
        v["motorcyclists"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::Motorcycle)]);
        v["car_occupants"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::CarOccupant)]);
        v["goods_vehicle_occupants"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::GoodsVehicle)]);
        v["bus_occupants"] = static_cast<double>(p.byGroup[static_cast<size_t>(RoadUserGroup::Bus)]);
        v["children"] = static_cast<double>(p.children);
    }
    if (in.haveVehicles) v["hgv_collisions"] = static_cast<double>(p.hgvCollisions);
    auto share = [&](const char* name, const std::array<int64_t, 2>& pair) {
        if (pair[1] > 0) v[name] = static_cast<double>(pair[0]) / static_cast<double>(pair[1]);
    };
    share("dark_share", p.dark);
    share("wet_share", p.wet);
    share("weekend_share", p.weekend);
    share("peak_share", p.peak);
    share("junction_share", p.junction);
    share("network_junction_share", {p.networkJunction, p.snappedCollisions});
    if (!speeds.empty()) v["speed_limit_max"] = speeds.rbegin()->first;
    int64_t classed = 0;
    for (const auto& [k, n] : classes) classed += n;
    if (classed > 0) {
        auto classShare = [&](std::initializer_list<uint8_t> ks) {
            int64_t n = 0;
            for (uint8_t k : ks)
                if (auto it = classes.find(k); it != classes.end()) n += it->second;
            return static_cast<double>(n) / static_cast<double>(classed);
        };
        v["m_road_share"] = classShare({1, 2});
        v["a_road_share"] = classShare({3});
        v["b_road_share"] = classShare({4});
        v["c_road_share"] = classShare({5});
        v["u_road_share"] = classShare({6});
    }
    if (urban + rural > 0) v["rural_share"] = static_cast<double>(rural) / static_cast<double>(urban + rural);
    p.pattern = in.rules.match(v);
    return p;
}

}  // namespace hotspot
