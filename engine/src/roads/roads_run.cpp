// `hotspot roads`: network, incidents, snapping, network density, localities, register.

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <geos_c.h>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/roads_run.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "core/geos_kit.hpp"
#include "core/thread_pool.hpp"
#include "io/feature_source.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"
#include "roads/locality_profile.hpp"
#include "roads/road_incidents.hpp"
#include "roads/stats19_tables.hpp"

namespace hotspot {

SeverityWeights SeverityWeights::parse(const std::string& spec) {
    SeverityWeights w;
    size_t start = 0;
    while (start < spec.size()) {
        size_t comma = spec.find(',', start);
        std::string item(trim(std::string_view(spec).substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        start = comma == std::string::npos ? spec.size() : comma + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        double value = 0;
        try {
            if (eq == std::string::npos) throw std::invalid_argument("no =");
            size_t used = 0;
            value = std::stod(item.substr(eq + 1), &used);
            if (used != item.size() - eq - 1 || !kWeight.problem(value).empty()) throw std::invalid_argument("bad");
        } catch (const std::exception&) {
            throwUsage("weight '" + item + "' is not name=number (" + kWeight.rangeText() + ")", {"", 0, "weights"});
        }
        const std::string name = toLowerAscii(trim(std::string_view(item).substr(0, eq)));
        if (name == "fatal") w.fatal = value;
        else if (name == "serious") w.serious = value;
        else if (name == "slight") w.slight = value;
        else if (name == "unknown") w.unknown = value;
        else if (name == "complaint") w.complaint = value;
        else throwUsage("unknown weight '" + name + "' (fatal, serious, slight, unknown, complaint)", {"", 0, "weights"});
    }
    return w;
}

namespace {

constexpr double kJunctionDistance = 20;  // metres along the road from a node of degree >= 3
constexpr const char* kIssueGroups[] = {"road_collision", "road_speeding", "road_hgv", "road_parking", "road_layout", "road_other"};

struct InputAccount {
    std::string what;
    int64_t rows = 0, accepted = 0, rejected = 0, superseded = 0, untrustedIds = 0, lonLatFallback = 0;
    int64_t notRoad = 0, outsideMonths = 0, notLocated = 0, used = 0;
};

// A role that different schemas give different column names (Accident_Severity, collision_severity):
// the first non-empty value among the columns of those names. Files of both schemas share one table.
class AttributeByNames {
public:
    AttributeByNames(const IncidentTable& t, std::initializer_list<const char*> names) : m_table(t) {
        for (const char* name : names)
            for (size_t a = 0; a < t.attributes.size(); ++a)
                if (iequals(t.attributes[a].name, name)) m_columns.push_back(a);
    }
    std::string_view at(size_t row) const {
        for (size_t a : m_columns) {
            std::string_view v = trim(m_table.attributes[a].values.at(row));
            if (!v.empty()) return v;
        }
        return {};
    }

private:
    const IncidentTable& m_table;
    std::vector<size_t> m_columns;
};

int parseCode(std::string_view v) {
    v = trim(v);
    int value = -1;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    return ec == std::errc() && end == v.data() + v.size() ? value : -1;
}

// The STATS19 circumstance fields of a collision row (both schemas; codes in docs/methods.md).
// `time` is "HH:MM" (from Time, or the time the legacy York files keep in Date).
CollisionCircumstances circumstancesOf(int light, int surface, int dayOfWeek, std::string_view date, std::string_view time, int junction,
                                       int speed, int roadClass, int roadNumber) {
    CollisionCircumstances c;
    auto known = [](bool yes) { return yes ? Known::Yes : Known::No; };
    if (light == 1 || (light >= 4 && light <= 7)) c.dark = known(light != 1);
    if (surface >= 1 && surface <= 7) c.wet = known(surface >= 2 && surface <= 5);
    if (dayOfWeek < 1 || dayOfWeek > 7) {
        // No day_of_week: from the date (dd/mm/yyyy), 1 = Sunday as STATS19 counts.
        int d = 0, m = 0, y = 0;
        if (date.size() >= 10 && std::sscanf(std::string(date.substr(0, 10)).c_str(), "%d/%d/%d", &d, &m, &y) == 3) {
            const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
            if (ymd.ok()) dayOfWeek = static_cast<int>(std::chrono::weekday{std::chrono::sys_days{ymd}}.c_encoding()) + 1;
        }
    }
    if (dayOfWeek >= 1 && dayOfWeek <= 7) c.weekend = known(dayOfWeek == 1 || dayOfWeek == 7);
    int hour = -1, minute = -1;
    if (time.size() >= 4 && std::sscanf(std::string(time).c_str(), "%d:%d", &hour, &minute) == 2 && hour >= 0 && hour < 24 && c.weekend != Known::Unknown)
        c.peak = known(c.weekend == Known::No && ((hour >= 7 && hour < 10) || (hour >= 16 && hour < 19)));
    if (junction == 0) c.junction = Known::No;
    else if (junction > 0 && junction != 99) c.junction = Known::Yes;
    if (speed > 0 && speed <= 70) c.speedLimit = static_cast<int16_t>(speed);
    if (roadClass >= 1 && roadClass <= 6) c.roadClass = static_cast<uint8_t>(roadClass);
    if (roadNumber >= 0) c.roadNumber = roadNumber;
    return c;
}

uint8_t parseSeverity(std::string_view v) {
    v = trim(v);
    if (v == "1" || iequals(v, "fatal")) return Fatal;
    if (v == "2" || iequals(v, "serious")) return Serious;
    if (v == "3" || iequals(v, "slight")) return Slight;
    return Unknown;
}

// Reads one kind of input (collisions or complaints) into `into`; rejects go to `rejects` as
// (file, line, field, reason, record) rows.
// The input columns roads reads, by their names in the STATS19 schemas (current and legacy).
const std::initializer_list<const char*> kSeverityColumns = {"Accident_Severity", "collision_severity", "severity"},
                                         kUrbanRuralColumns = {"Urban_or_Rural_Area", "urban_or_rural_area"}, kTimeColumns = {"Time", "time"},
                                         kIndexColumns = {"Accident_Index", "collision_index"}, kLightColumns = {"light_conditions"},
                                         kSurfaceColumns = {"road_surface_conditions"}, kDayColumns = {"day_of_week"}, kDateColumns = {"Date"},
                                         kJunctionColumns = {"junction_detail"}, kSpeedColumns = {"speed_limit"},
                                         kRoadClassColumns = {"first_road_class", "1st_Road_Class"},
                                         kRoadNumberColumns = {"first_road_number", "1st_Road_Number"};

InputAccount readRoadInputs(const std::vector<std::string>& specs, bool collisions, const RoadsOptions& o, RoadIncidents& into,
                            std::vector<std::vector<std::string>>& rejects, CollisionKeys& keys, Progress& progress) {
    InputAccount account;
    account.what = collisions ? "collisions" : "complaints";
    if (specs.empty()) return account;
    IngestOptions io;
    io.categories = o.categories;
    io.analysisCrs = o.analysisCrs;
    io.mapping = collisions ? o.collisionMapping : o.complaintMapping;
    io.layer = collisions ? o.collisionLayer : o.complaintLayer;
    if (collisions) io.defaultCategory = "Collision";
    io.progress = &progress;
    // Only the columns read below are kept (a STATS19 collision file has 36).
    for (const auto* names : {&kSeverityColumns, &kUrbanRuralColumns, &kTimeColumns, &kIndexColumns, &kLightColumns, &kSurfaceColumns, &kDayColumns,
                              &kDateColumns, &kJunctionColumns, &kSpeedColumns, &kRoadClassColumns, &kRoadNumberColumns})
        for (const char* name : *names) io.onlyAttributes.emplace_back(name);
    IngestResult in = ingest(expandInputPaths(specs), io);
    requireUsableRows(in);  // collision (or complaint) files given, none usable: stop, outputs kept
    for (const auto& f : in.files) {
        account.rows += f.rows;
        account.accepted += f.accepted;
        account.rejected += f.rejected;
        account.superseded += f.superseded;
        account.untrustedIds += f.untrustedIds;
        account.lonLatFallback += f.lonLatFallback;
    }
    for (const auto& r : in.rejects)
        rejects.push_back({in.table.files[r.file], std::to_string(r.line), r.field, r.reason, r.record});
    const IncidentTable& t = in.table;
    const AttributeByNames severityOf(t, kSeverityColumns), urbanRuralOf(t, kUrbanRuralColumns), timeOf(t, kTimeColumns);
    const AttributeByNames indexAsWritten(t, kIndexColumns), lightOf(t, kLightColumns), surfaceOf(t, kSurfaceColumns), dayOf(t, kDayColumns);
    const AttributeByNames dateOf(t, kDateColumns), junctionOf(t, kJunctionColumns), speedOf(t, kSpeedColumns);
    const AttributeByNames classOf(t, kRoadClassColumns), numberOf(t, kRoadNumberColumns);
    // A collision's index, for the casualty and vehicle tables: in use, or read but not used.
    auto remember = [&](size_t i, bool used) {
        if (!collisions) return;
        const std::string_view id = t.sourceId.at(i);
        if (id.empty()) return;
        if (used) keys.used.emplace(std::string(id), static_cast<uint32_t>(into.size()));
        else keys.unused.emplace(id);
    };
    std::vector<uint32_t> fileOf;  // this read's file indexes in into.files
    for (const auto& path : t.files) {
        const auto at = std::find(into.files.begin(), into.files.end(), path);
        fileOf.push_back(static_cast<uint32_t>(at - into.files.begin()));
        if (at == into.files.end()) into.files.push_back(path);
    }
    std::vector<int> issueOfGroup(o.categories->groups().size(), -1);
    for (size_t g = 0; g < issueOfGroup.size(); ++g)
        for (int k = 0; k < static_cast<int>(Issue::Count); ++k)
            if (o.categories->groups()[g] == kIssueGroups[k]) issueOfGroup[g] = k;
    for (size_t i = 0; i < t.size(); ++i) {
        const int issue = t.group[i] == kNoGroup ? -1 : issueOfGroup[t.group[i]];
        if (issue < 0 || (collisions != (issue == static_cast<int>(Issue::Collision)))) {
            remember(i, false);
            ++account.notRoad;
            rejects.push_back({t.files[t.fileIndex[i]], std::to_string(t.line[i]), "category",
                               fmt::format("'{}' is not a road {} type in the category map (accepted, not used)", t.category.at(i),
                                           collisions ? "collision" : "complaint"),
                               ""});
            continue;
        }
        if (!o.months.contains(t.month[i])) {
            remember(i, false);
            ++account.outsideMonths;
            continue;
        }
        if (!std::isfinite(t.x[i]) || !std::isfinite(t.y[i])) {
            remember(i, false);
            ++account.notLocated;
            rejects.push_back({t.files[t.fileIndex[i]], std::to_string(t.line[i]), "location", "no coordinates (accepted, not used)", ""});
            continue;
        }
        ++account.used;
        remember(i, true);
        into.x.push_back(t.x[i]);
        into.y.push_back(t.y[i]);
        into.month.push_back(t.month[i]);
        into.isCollision.push_back(collisions ? 1 : 0);
        into.issue.push_back(static_cast<uint8_t>(issue));
        into.severity.push_back(collisions ? parseSeverity(severityOf.at(i)) : static_cast<uint8_t>(Unknown));
        const std::string_view urban = urbanRuralOf.at(i);
        into.urbanRural.push_back(urban == "1" || iequals(urban, "urban") ? 1 : urban == "2" || iequals(urban, "rural") ? 2
                                                                                                                        : 0);
        into.fileOf.push_back(fileOf[t.fileIndex[i]]);
        into.line.push_back(t.line[i]);
        std::string id(t.sourceId.at(i));
        if (id.empty() && collisions) id = std::string(indexAsWritten.at(i));  // a mangled index, shown as written
        into.id.push_back(std::move(id));
        std::string_view time = timeOf.at(i);
        const std::string_view date = dateOf.at(i);
        if (time.empty() && date.size() > 11 && date[10] == ' ') time = trim(date.substr(11));  // "01/01/2005 09:45" (legacy York files)
        into.time.push_back(std::string(time));
        into.circumstances.push_back(collisions ? circumstancesOf(parseCode(lightOf.at(i)), parseCode(surfaceOf.at(i)), parseCode(dayOf.at(i)), date, time,
                                                                  parseCode(junctionOf.at(i)), parseCode(speedOf.at(i)), parseCode(classOf.at(i)),
                                                                  parseCode(numberOf.at(i)))
                                                : CollisionCircumstances{});
    }
    return account;
}

// The STATS19 casualty and vehicle tables of a run, joined to its collisions.
struct LinkedTables {
    std::vector<LinkedCasualty> casualties;
    std::vector<std::vector<uint32_t>> casualtiesByIncident;  // indexes into casualties
    std::vector<CollisionVehicles> vehicles;                  // by incident (empty without a vehicle table)
    RejectRows rejects;
    bool haveCasualties = false, haveVehicles = false;
};

LinkedTables readLinkedTables(const RoadsOptions& o, const CollisionKeys& keys, size_t incidents, std::vector<std::string>& lines) {
    std::vector<std::string> casualtyFiles = o.casualties, vehicleFiles = o.vehicles;
    if (o.findLinkedTables && !o.collisions.empty()) {
        const bool findCasualties = casualtyFiles.empty(), findVehicles = vehicleFiles.empty();
        for (const std::string& path : expandInputPaths(o.collisions)) {
            if (findCasualties)
                if (std::string beside = tableBesideCollisions(path, true); !beside.empty()) casualtyFiles.push_back(beside);
            if (findVehicles)
                if (std::string beside = tableBesideCollisions(path, false); !beside.empty()) vehicleFiles.push_back(beside);
        }
    }
    LinkedTables t;
    t.casualtiesByIncident.resize(incidents);
    auto accountLine = [](const LinkedTableAccount& a, bool given) {
        return fmt::format("{}: {} ({}{}): {} rows = {} joined + {} of collisions not used + {} rejected (linked_rejects.csv){}", a.what,
                           a.path, a.schema, given ? "" : ", found beside the collisions", a.rows, a.joined, a.forUnusedCollisions,
                           a.rejected,
                           a.what == "casualties" && a.adjustedSeverity
                               ? fmt::format("; {} with the adjusted severity (used for ksi_adjusted)", a.adjustedSeverity)
                               : "");
    };
    // The vehicle tables on a second thread while the casualty tables are read.
    std::vector<std::string> vehicleLines;
    RejectRows vehicleRejects;
    if (!vehicleFiles.empty()) t.vehicles.resize(incidents);
    BackgroundTask vehicleTask([&] {
        for (const std::string& path : vehicleFiles) vehicleLines.push_back(accountLine(readVehicleTable(path, keys, t.vehicles, vehicleRejects), !o.vehicles.empty()));
    });
    for (const std::string& path : casualtyFiles) lines.push_back(accountLine(readCasualtyTable(path, keys, t.casualties, t.rejects), !o.casualties.empty()));
    t.haveCasualties = !casualtyFiles.empty();
    for (uint32_t k = 0; k < t.casualties.size(); ++k) t.casualtiesByIncident[t.casualties[k].incident].push_back(k);
    vehicleTask.finish();
    t.haveVehicles = !vehicleFiles.empty();
    lines.insert(lines.end(), vehicleLines.begin(), vehicleLines.end());
    t.rejects.insert(t.rejects.end(), std::make_move_iterator(vehicleRejects.begin()), std::make_move_iterator(vehicleRejects.end()));
    if (!t.haveCasualties && !o.collisions.empty())
        lines.push_back("casualties: no casualty table (`casualties`): the casualty columns of the register are empty");
    if (!t.haveVehicles && !o.collisions.empty())
        lines.push_back("vehicles: no vehicle table (`vehicles`): hgv_collisions is empty");
    return t;
}

struct Locality {
    std::string source;  // cluster | peak | cluster+peak
    int cluster = -1, peak = -1;
    uint32_t edge = 0;
    double offset = 0, x = 0, y = 0;
    std::vector<uint32_t> members;  // incidents (evidence), ascending
    std::vector<uint32_t> lixels;   // for peaks
    size_t ruleCollisions = 0;      // collisions that made the cluster site
    double peakDensity = std::numeric_limits<double>::quiet_NaN();
    std::array<int64_t, 4> severity{};  // by Severity
    std::array<int64_t, static_cast<size_t>(Issue::Count)> issues{};
    double score = 0;
    int64_t before = 0, after = 0;
    double trendP = std::numeric_limits<double>::quiet_NaN();  // NaN: no test (insufficient history)
    LocalityProfile profile;
    std::string trend, dominant, roads, id;
    std::string previousId;
    double previousDistance = std::numeric_limits<double>::quiet_NaN();
    std::vector<unsigned char> extent;
};

struct PreviousLocality {
    std::string id;
    double x, y;
};

// An earlier register: our own register CSV (x/y in the analysis CRS, or lon/lat), or any OGR
// point layer. The id is locality_id, id or name, else the row. A register is small and kept by
// hand: a locality without a usable position stops the run rather than being left out.
std::vector<PreviousLocality> readPreviousRegister(const std::string& path, const std::string& analysisCrs) {
    FeatureSource layer({path, "", ""}, analysisCrs, "previous register");
    const int idField = layer.field({"locality_id", "id", "name"});
    std::vector<PreviousLocality> out;
    LayerRejects rejects;
    layer.forEach(true, rejects, [&](OGRFeature& f, const FeatureRow& row) {
        out.push_back({idField >= 0 ? fieldText(f, idField) : std::to_string(row.line), row.x, row.y});
    });
    if (!rejects.rows.empty())
        throwInput("a previous locality has no usable position (" + rejects.rows.front().second + ")", {path, rejects.rows.front().first, "x"});
    return out;
}

std::string formatDouble(double v, int precision) { return formatDecimal(v, precision); }

// Mean + 3 SD of the lixels that have any density: "far above the usual level on this network".
double autoPeakThreshold(const std::vector<double>& densityPerKm) {
    double sum = 0, sum2 = 0;
    int64_t n = 0;
    for (double d : densityPerKm)
        if (d > 0) sum += d, sum2 += d * d, ++n;
    if (n == 0) return std::numeric_limits<double>::infinity();
    const double mean = sum / static_cast<double>(n);
    const double var = std::max(0.0, sum2 / static_cast<double>(n) - mean * mean);
    return mean + 3 * std::sqrt(var);
}

// Cluster sites first, then the density peaks that hold no site's collision. A site's evidence is
// every incident within its rule's radius of the centre; a peak's, the incidents on its lixels.
std::vector<Locality> makeLocalities(const RoadNetwork& net, const Lixels& lixels, const std::vector<Snap>& snaps,
                                     const std::vector<ClusterSite>& sites, const std::vector<DensityPeak>& peaks,
                                     const std::vector<ClusterRule>& rules, const std::vector<uint8_t>& ruleOf) {
    const PointsOnNetwork allIncidents(net, snaps, {});
    NetworkReach reach(net);
    std::vector<uint32_t> seen(net.edges.size(), UINT32_MAX);
    uint32_t stamp = 0;
    std::vector<Locality> localities;
    std::vector<int> localityOfLixel(lixels.size(), -1);
    for (size_t s = 0; s < sites.size(); ++s) {
        Locality l;
        l.source = "cluster";
        l.cluster = static_cast<int>(s);
        const Snap& c = snaps[sites[s].centre];
        l.edge = static_cast<uint32_t>(c.edge);
        l.offset = c.offset;
        l.x = c.x;
        l.y = c.y;
        l.ruleCollisions = sites[s].members.size();
        allIncidents.within(reach, l.edge, l.offset, rules[ruleOf[sites[s].centre]].radius, seen, stamp++, l.members);
        for (uint32_t m : sites[s].members) localityOfLixel[lixels.at(static_cast<uint32_t>(snaps[m].edge), snaps[m].offset)] = static_cast<int>(s);
        localities.push_back(std::move(l));
    }
    for (size_t p = 0; p < peaks.size(); ++p) {
        int holder = -1;
        for (uint32_t k : peaks[p].lixels)
            if (localityOfLixel[k] >= 0) {
                holder = localityOfLixel[k];
                break;
            }
        if (holder >= 0) {
            Locality& l = localities[static_cast<size_t>(holder)];
            if (l.peak < 0) l.source = "cluster+peak", l.peak = static_cast<int>(p), l.peakDensity = peaks[p].peak;
            continue;
        }
        Locality l;
        l.source = "peak";
        l.peak = static_cast<int>(p);
        l.peakDensity = peaks[p].peak;
        l.lixels = peaks[p].lixels;
        l.edge = lixels.edge[peaks[p].top];
        l.offset = lixels.centre(peaks[p].top);
        net.pointAt(l.edge, l.offset, l.x, l.y);
        std::vector<uint8_t> inPeak(lixels.size(), 0);
        for (uint32_t k : l.lixels) inPeak[k] = 1;
        for (uint32_t i = 0; i < snaps.size(); ++i)
            if (snaps[i].edge >= 0 && inPeak[lixels.at(static_cast<uint32_t>(snaps[i].edge), snaps[i].offset)]) l.members.push_back(i);
        localities.push_back(std::move(l));
    }

    return localities;
}

// Evidence of each locality: counts by severity and issue, score, trend, dominant issue, road names,
// extent; then the ranking (score, then evidence, then position) and the ids.
// `coverageFirst`: the first month the loaded data covers; a trend whose earlier window starts
// before it has no history to compare with.
void addEvidence(std::vector<Locality>& localities, const RoadIncidents& inc, const std::vector<double>& scoreWeight, const RoadNetwork& net,
                 const std::vector<Snap>& snaps, const Lixels& lixels, int32_t coverageFirst, int32_t lastMonth, int trendMonths) {
    const int32_t trendSplit = lastMonth - trendMonths + 1;  // first month of the "after" period
    // Localities on all workers, each worker with its own GEOS handle for the footprints (convex
    // hull of the evidence, buffered).
    std::vector<std::unique_ptr<GeosKit>> kits(workerCount());
    parallelFor(localities.size(), [&](size_t which, unsigned worker) {
        Locality& l = localities[which];
        if (!kits[worker]) kits[worker] = std::make_unique<GeosKit>();
        GeosKit& extents = *kits[worker];
        std::map<std::string, int> roadCount;
        std::vector<std::pair<double, double>> hull{{l.x, l.y}};
        for (uint32_t i : l.members) {
            if (inc.isCollision[i]) ++l.severity[inc.severity[i]];
            ++l.issues[inc.issue[i]];
            l.score += scoreWeight[i];
            if (inc.month[i] >= trendSplit && inc.month[i] <= lastMonth) ++l.after;
            else if (inc.month[i] >= trendSplit - trendMonths && inc.month[i] < trendSplit) ++l.before;
            const std::string& road = net.name(static_cast<uint32_t>(snaps[i].edge));
            if (!road.empty()) ++roadCount[road];
            hull.emplace_back(snaps[i].x, snaps[i].y);
        }
        for (uint32_t k : l.lixels) {
            double x = 0, y = 0;
            net.pointAt(lixels.edge[k], lixels.start[k], x, y);
            hull.emplace_back(x, y);
            net.pointAt(lixels.edge[k], lixels.end[k], x, y);
            hull.emplace_back(x, y);
        }
        if (roadCount.empty() && !net.name(l.edge).empty()) roadCount[net.name(l.edge)] = 1;
        std::vector<std::pair<int, std::string>> roads;
        for (const auto& [name, count] : roadCount) roads.emplace_back(-count, name);
        std::sort(roads.begin(), roads.end());
        for (const auto& r : roads) l.roads += (l.roads.empty() ? "" : "; ") + r.second;
        if (coverageFirst > trendSplit - trendMonths) {
            l.trend = "insufficient history";
        } else {
            l.trendP = poissonChangePValue(l.before, l.after);
            l.trend = l.trendP < 0.05 ? (l.after > l.before ? "rising" : "falling") : "no significant change";
        }
        size_t best = 0;
        for (size_t k = 1; k < l.issues.size(); ++k)
            if (l.issues[k] > l.issues[best]) best = k;
        l.dominant = l.issues[best] > 0 ? kIssueNames[best] : "";
        l.extent = extents.convexHullBufferWkb(hull, 15.0);
    });
}

// Ranks by the chosen measure (score, cost or KSI), then score, evidence and position; numbers the ids.
void rankLocalities(std::vector<Locality>& localities, const std::string& rankBy) {
    auto measure = [&](const Locality& l) {
        if (rankBy == "cost") return l.profile.cost;
        if (rankBy == "ksi") return static_cast<double>(l.profile.ksi);
        return l.score;
    };
    std::sort(localities.begin(), localities.end(), [&](const Locality& a, const Locality& b) {
        if (measure(a) != measure(b)) return measure(a) > measure(b);
        if (a.score != b.score) return a.score > b.score;
        if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
        return std::tie(a.x, a.y) < std::tie(b.x, b.y);
    });
    for (size_t r = 0; r < localities.size(); ++r) localities[r].id = fmt::format("RL{:03}", r + 1);
}

// Marks the localities within the match distance of an earlier register's locality (the nearest).
void matchPreviousRegister(std::vector<Locality>& localities, const RoadsOptions& o, std::vector<std::string>& lines) {
    int64_t onPrevious = 0;
    const auto previous = readPreviousRegister(o.previousRegister, o.analysisCrs);
    for (Locality& l : localities) {
        for (const auto& p : previous) {
            const double d = std::hypot(p.x - l.x, p.y - l.y);
            if (d <= o.matchDistance && !(d >= l.previousDistance)) l.previousDistance = d, l.previousId = p.id;
        }
        if (!l.previousId.empty()) ++onPrevious;
    }
    lines.push_back(fmt::format("previous register {} ({} localities): {} of {} localities within {} m of one; {} new", o.previousRegister,
                                previous.size(), onPrevious, localities.size(), o.matchDistance,
                                static_cast<int64_t>(localities.size()) - onPrevious));
}

// Everything the outputs need, computed by runRoads.
struct RoadsResults {
    const RoadNetwork& net;
    const Lixels& lixels;
    const RoadIncidents& inc;
    const std::vector<Snap>& snaps;
    const std::vector<double>& collisionDensity;
    const std::vector<double>& weightedDensity;
    const std::vector<Locality>& localities;
    const std::vector<std::vector<std::string>>& rejects;
    const std::vector<uint8_t>& nearNetworkJunction;
    const LinkedTables& linked;
    const CollisionCosts& costs;
    double threshold;
    std::string ruleText;
    int32_t firstMonth, lastMonth;
};

// road_register.csv/.md, road_rejects.csv, unsnapped.csv and roads.gpkg, into the staging folder.
// The register's columns (CSV header, GeoPackage fields): counts, then the profile.
const std::vector<FieldSpec>& registerFields() {
    using F = FieldType;
    static const std::vector<FieldSpec> fields = {
        {"rank", F::Integer}, {"locality_id"}, {"source"}, {"road_names"}, {"road_numbers"}, {"x", F::Real}, {"y", F::Real}, {"lon", F::Real}, {"lat", F::Real}, {"collisions", F::Integer}, {"fatal", F::Integer}, {"serious", F::Integer}, {"slight", F::Integer}, {"severity_unknown", F::Integer}, {"casualties", F::Integer}, {"fatal_casualties", F::Integer}, {"serious_casualties", F::Integer}, {"slight_casualties", F::Integer}, {"ksi", F::Integer}, {"ksi_adjusted", F::Real}, {"pedestrians", F::Integer}, {"cyclists", F::Integer}, {"motorcyclists", F::Integer}, {"car_occupants", F::Integer}, {"goods_vehicle_occupants", F::Integer}, {"bus_occupants", F::Integer}, {"other_casualties", F::Integer}, {"children", F::Integer}, {"hgv_collisions", F::Integer}, {"dark_share", F::Real}, {"wet_share", F::Real}, {"weekend_share", F::Real}, {"peak_share", F::Real}, {"junction_collisions", F::Integer}, {"network_junction_collisions", F::Integer}, {"site_type"}, {"speed_limits"}, {"road_classes"}, {"urban_rural"}, {"complaints", F::Integer}, {"speeding", F::Integer}, {"hgv", F::Integer}, {"parking", F::Integer}, {"road_layout", F::Integer}, {"other", F::Integer}, {"score", F::Real}, {"cost_gbp", F::Real}, {"cost_price_year"}, {"rule_collisions", F::Integer}, {"peak_density_per_km", F::Real}, {"before", F::Integer}, {"after", F::Integer}, {"trend"}, {"trend_p", F::Real}, {"dominant_issue"}, {"issue_pattern"}, {"on_previous_register"}, {"previous_id"}, {"previous_distance_m", F::Real}};
    return fields;
}

// One register row as text, in registerFields() order: the CSV, the point layer and the extent
// layer write the same values.
std::vector<std::string> registerRow(const RoadsOptions& o, const RoadsResults& results, const CoordinateTransformer& toLonLat, size_t r) {
    const Locality& l = results.localities[r];
    const LocalityProfile& p = l.profile;
    const LinkedTables& linked = results.linked;
    const CollisionCosts& costs = results.costs;
    double lon = l.x, lat = l.y;
    toLonLat.transformPoint(lon, lat);
    const int64_t collisionsHere = l.issues[0];
    const int64_t complaintsHere = static_cast<int64_t>(l.members.size()) - collisionsHere;
    auto count = [](int64_t v) { return std::to_string(v); };
    // Casualty and vehicle columns are empty (unknown), not 0, without their tables.
    auto casualty = [&](int64_t v) { return linked.haveCasualties ? std::to_string(v) : std::string(); };
    auto share = [](const std::array<int64_t, 2>& pair) {
        return pair[1] > 0 ? formatDouble(static_cast<double>(pair[0]) / static_cast<double>(pair[1]), 3) : std::string();
    };
    auto group = [&](RoadUserGroup g) { return casualty(p.byGroup[static_cast<size_t>(g)]); };
    return std::vector<std::string>{
        std::to_string(r + 1), l.id, l.source, l.roads, p.roadNumbers, formatDouble(l.x, 1), formatDouble(l.y, 1), formatDouble(lon, 6),
        formatDouble(lat, 6), count(collisionsHere), count(l.severity[Fatal]), count(l.severity[Serious]), count(l.severity[Slight]),
        count(l.severity[Unknown]), casualty(p.casualtyTotal), casualty(p.casualties[Fatal]), casualty(p.casualties[Serious]),
        casualty(p.casualties[Slight]), casualty(p.ksi), linked.haveCasualties ? formatDouble(p.ksiAdjusted, 2) : "",
        group(RoadUserGroup::Pedestrian), group(RoadUserGroup::PedalCycle), group(RoadUserGroup::Motorcycle), group(RoadUserGroup::CarOccupant),
        group(RoadUserGroup::GoodsVehicle), group(RoadUserGroup::Bus), group(RoadUserGroup::Other), casualty(p.children),
        linked.haveVehicles ? count(p.hgvCollisions) : "", share(p.dark), share(p.wet), share(p.weekend), share(p.peak),
        p.junction[1] > 0 ? count(p.junction[0]) : "", count(p.networkJunction), p.siteType, p.speedLimits, p.roadClasses, p.urbanRural,
        count(complaintsHere), count(l.issues[1]), count(l.issues[2]), count(l.issues[3]), count(l.issues[4]), count(l.issues[5]),
        formatDouble(l.score, 1), formatDouble(p.cost, 0), costs.priceYear, l.cluster >= 0 ? std::to_string(l.ruleCollisions) : "",
        formatDouble(l.peakDensity, 3), count(l.before), count(l.after), l.trend, std::isnan(l.trendP) ? "" : formatDouble(l.trendP, 4),
        l.dominant, p.pattern, o.previousRegister.empty() ? "" : (l.previousId.empty() ? "no" : "yes"), l.previousId,
        formatDouble(l.previousDistance, 1)};
}

// road_register.md: the rules the localities were found with, then one table row per locality.
std::string registerMarkdown(const RoadsOptions& o, const RoadsResults& results) {
    const std::vector<Locality>& localities = results.localities;
    const LinkedTables& linked = results.linked;
    const CollisionCosts& costs = results.costs;
    const double threshold = results.threshold;
    const std::string& ruleText = results.ruleText;
    const int32_t firstMonth = results.firstMonth, lastMonth = results.lastMonth;
    std::string md = "# Road problem localities\n\n";
    md += fmt::format(
        "Incidents from {} to {}. Ranked by score = {} x fatal + {} x serious + {} x slight + {} x severity unknown "
        "collisions + {} x road complaints within the locality.\n\n",
        formatMonth(firstMonth), formatMonth(lastMonth), o.weights.fatal, o.weights.serious, o.weights.slight, o.weights.unknown,
        o.weights.complaint);
    md += "- Cluster sites: " + ruleText + ". A cluster locality holds every incident within that network distance of its centre.\n";
    md += fmt::format(
        "- Density peaks: lixels (~{} m) whose severity-weighted network density ({} kernel, bandwidth {} m, {} method) is at "
        "least {:.3f} per km, joined along the network; a peak that holds a cluster site is reported with the site.\n",
        o.lixelLength, toString(o.nkde.kernel), o.nkde.bandwidth, toString(o.nkde.method), threshold);
    md += fmt::format(
        "- Trend: incidents in the last {} months (to {}) against the {} months before; rising or falling only when an exact "
        "Poisson test gives p < 0.05, and 'insufficient history' when the data does not cover the earlier window.\n",
        o.trendMonths, formatMonth(lastMonth), o.trendMonths);
    md += fmt::format("- Cost: value of prevention of the locality's collisions by severity, {} prices, {}; source: {}.\n", costs.priceYear,
                      costs.basis, costs.source);
    md += fmt::format(
        "- Ranked by {}. KSI: killed or seriously injured casualties{}. Vulnerable road users: pedestrians / cyclists / "
        "motorcyclists; children are casualties under 16.\n",
        o.rankBy, linked.haveCasualties ? "" : " (no casualty table was given: shown as -)");
    if (!o.previousRegister.empty())
        md += fmt::format("- Previous register: `{}`; a locality within {} m of a previous one is not new.\n", o.previousRegister, o.matchDistance);
    md +=
        "\n| Rank | Id | Road(s) | Site | Collisions (F/S/Sl) | Casualties (KSI) | Ped / cyc / m-cycle (children) | HGV collisions | "
        "Complaints | Dominant issue | Issue pattern | Score | Cost (GBP) | Trend (before -> after, p) | On previous register | "
        "Easting, northing |\n|---:|---|---|---|---|---|---|---:|---:|---|---|---:|---:|---|---|---|\n";
    for (size_t r = 0; r < localities.size(); ++r) {
        const Locality& l = localities[r];
        const LocalityProfile& p = l.profile;
        std::string roads = l.roads;
        if (!p.roadNumbers.empty()) roads += (roads.empty() ? "" : " ") + ("[" + p.roadNumbers + "]");
        std::replace(roads.begin(), roads.end(), '|', '/');
        std::string pattern = p.pattern;
        std::replace(pattern.begin(), pattern.end(), '|', '/');
        auto group = [&](RoadUserGroup g) { return p.byGroup[static_cast<size_t>(g)]; };
        const std::string casualties =
            linked.haveCasualties ? fmt::format("{} ({})", p.casualtyTotal, p.ksi) : std::string("-");
        const std::string vulnerable = linked.haveCasualties ? fmt::format("{} / {} / {} ({})", group(RoadUserGroup::Pedestrian),
                                                                           group(RoadUserGroup::PedalCycle), group(RoadUserGroup::Motorcycle),
                                                                           p.children)
                                                             : std::string("-");
        const std::string trend = std::isnan(l.trendP) ? fmt::format("{} ({} -> {})", l.trend, l.before, l.after)
                                                       : fmt::format("{} ({} -> {}, p = {:.3f})", l.trend, l.before, l.after, l.trendP);
        md += fmt::format("| {} | {} | {} | {}, {} | {} ({}/{}/{}{}) | {} | {} | {} | {} | {} | {} | {:.1f} | {:.0f} | {} | {} | {:.0f}, {:.0f} |\n",
                          r + 1, l.id, roads.empty() ? "(unnamed)" : roads, p.siteType, l.source, l.issues[0], l.severity[Fatal],
                          l.severity[Serious], l.severity[Slight], l.severity[Unknown] ? fmt::format(", {} unknown", l.severity[Unknown]) : "",
                          casualties, vulnerable, linked.haveVehicles ? std::to_string(p.hgvCollisions) : "-",
                          static_cast<int64_t>(l.members.size()) - l.issues[0], l.dominant.empty() ? "-" : l.dominant,
                          pattern.empty() ? "-" : pattern, l.score, p.cost, trend,
                          o.previousRegister.empty() ? "-" : (l.previousId.empty() ? "new" : "yes (" + l.previousId + ")"), l.x, l.y);
    }
    if (localities.empty()) md += "\nNo locality meets the rules.\n";
    return md;
}

// Lixels with their network densities and incident counts: the map of where along the roads.
void writeLixelLayer(VectorWriter& gpkg, const RoadsOptions& o, const RoadsResults& results) {
    const std::vector<double>& collisionDensity = results.collisionDensity;
    const std::vector<double>& weightedDensity = results.weightedDensity;
    const RoadNetwork& net = results.net;
    const Lixels& lixels = results.lixels;
    const RoadIncidents& inc = results.inc;
    const std::vector<Snap>& snaps = results.snaps;
    const std::vector<Locality>& localities = results.localities;
    gpkg.createLayer("road_lixels", GeometryKind::LineString, o.analysisCrs,
                     {{"lixel_id", FieldType::Integer64}, {"edge_id", FieldType::Integer64}, {"road_name"}, {"road_class"}, {"length_m", FieldType::Real}, {"collisions", FieldType::Integer}, {"complaints", FieldType::Integer}, {"collision_density_per_km", FieldType::Real}, {"weighted_density_per_km", FieldType::Real}, {"locality_id"}, {"road_number"}},
                     "Lixels with network kernel density (per km of road)");
    std::vector<int32_t> lixelCollisions(lixels.size(), 0), lixelComplaints(lixels.size(), 0);
    for (size_t i = 0; i < inc.size(); ++i)
        if (snaps[i].edge >= 0) ++(inc.isCollision[i] ? lixelCollisions : lixelComplaints)[lixels.at(static_cast<uint32_t>(snaps[i].edge), snaps[i].offset)];
    std::vector<int> lixelLocality(lixels.size(), -1);
    for (size_t r = 0; r < localities.size(); ++r) {
        for (uint32_t k : localities[r].lixels) lixelLocality[k] = static_cast<int>(r);
        for (uint32_t i : localities[r].members)
            if (lixelLocality[lixels.at(static_cast<uint32_t>(snaps[i].edge), snaps[i].offset)] < 0)
                lixelLocality[lixels.at(static_cast<uint32_t>(snaps[i].edge), snaps[i].offset)] = static_cast<int>(r);
    }
    std::vector<std::pair<double, double>> points;
    for (uint32_t k = 0; k < lixels.size(); ++k) {
        const uint32_t e = lixels.edge[k];
        const RoadEdge& edge = net.edges[e];
        points.clear();
        double x = 0, y = 0;
        net.pointAt(e, lixels.start[k], x, y);
        points.emplace_back(x, y);
        // The edge's inner vertices strictly inside the lixel: `along` rises along the edge, so a
        // binary search finds the first (a scan of every vertex per lixel is quadratic on long,
        // finely drawn roads).
        const double* innerFirst = net.along.data() + edge.firstVertex + 1;
        const double* innerEnd = net.along.data() + edge.firstVertex + edge.vertexCount - 1;
        for (const double* a = std::upper_bound(innerFirst, innerEnd, lixels.start[k]); a < innerEnd && *a < lixels.end[k]; ++a) {
            const size_t v = static_cast<size_t>(a - net.along.data());
            points.emplace_back(net.vx[v], net.vy[v]);
        }
        net.pointAt(e, lixels.end[k], x, y);
        points.emplace_back(x, y);
        gpkg.setInteger(0, k);
        gpkg.setInteger(1, e);
        gpkg.setString(2, net.name(e));
        gpkg.setString(3, net.roadClass(e));
        gpkg.setReal(4, lixels.end[k] - lixels.start[k]);
        gpkg.setInteger(5, lixelCollisions[k]);
        gpkg.setInteger(6, lixelComplaints[k]);
        gpkg.setReal(7, collisionDensity[k]);
        gpkg.setReal(8, weightedDensity[k]);
        if (lixelLocality[k] >= 0) gpkg.setString(9, localities[static_cast<size_t>(lixelLocality[k])].id);
        else gpkg.setNull(9);
        if (!net.number(e).empty()) gpkg.setString(10, net.number(e));
        else gpkg.setNull(10);
        gpkg.setWkb(lineStringWkb(points));
        gpkg.writeFeature();
    }
}

// Every collision and complaint as read, where it snapped, and its casualties and circumstances.
void writeIncidentLayer(VectorWriter& gpkg, const RoadsOptions& o, const RoadsResults& results, const std::vector<int>& localityOfIncident) {
    const RoadNetwork& net = results.net;
    const RoadIncidents& inc = results.inc;
    const std::vector<Snap>& snaps = results.snaps;
    const std::vector<Locality>& localities = results.localities;
    const LinkedTables& linked = results.linked;
    const std::vector<uint8_t>& nearNetworkJunction = results.nearNetworkJunction;
    gpkg.createLayer("road_incidents", GeometryKind::Point, o.analysisCrs,
                     {{"file"}, {"line", FieldType::Integer64}, {"source_id"}, {"kind"}, {"issue"}, {"severity"}, {"month"}, {"time"}, {"status"}, {"snap_distance_m", FieldType::Real}, {"edge_id", FieldType::Integer64}, {"offset_m", FieldType::Real}, {"road_name"}, {"locality_id"}, {"casualties", FieldType::Integer}, {"ksi", FieldType::Integer}, {"ksi_adjusted", FieldType::Real}, {"pedestrians", FieldType::Integer}, {"cyclists", FieldType::Integer}, {"motorcyclists", FieldType::Integer}, {"children", FieldType::Integer}, {"vehicles", FieldType::Integer}, {"vehicle_types"}, {"hgv", FieldType::Integer}, {"dark", FieldType::Integer}, {"wet", FieldType::Integer}, {"weekend", FieldType::Integer}, {"peak_hour", FieldType::Integer}, {"junction", FieldType::Integer}, {"network_junction", FieldType::Integer}, {"speed_limit", FieldType::Integer}, {"road_number"}},
                     "Collisions and complaints as read, with where they snapped to the network, their casualties and circumstances");
    for (size_t i = 0; i < inc.size(); ++i) {
        const bool snapped = snaps[i].edge >= 0;
        gpkg.setString(0, inc.file(i));
        gpkg.setInteger(1, inc.line[i]);
        gpkg.setString(2, inc.id[i]);
        gpkg.setString(3, inc.isCollision[i] ? "collision" : "complaint");
        gpkg.setString(4, kIssueNames[inc.issue[i]]);
        if (inc.isCollision[i]) gpkg.setString(5, kSeverityNames[inc.severity[i]]);
        else gpkg.setNull(5);
        gpkg.setString(6, formatMonth(inc.month[i]));
        gpkg.setString(7, inc.time[i]);
        gpkg.setString(8, snapped ? "snapped" : "beyond_tolerance");
        gpkg.setReal(9, snaps[i].distance);
        if (snapped) {
            gpkg.setInteger(10, snaps[i].edge);
            gpkg.setReal(11, snaps[i].offset);
            gpkg.setString(12, net.name(static_cast<uint32_t>(snaps[i].edge)));
        } else {
            gpkg.setNull(10), gpkg.setNull(11), gpkg.setNull(12);
        }
        if (localityOfIncident[i] >= 0) gpkg.setString(13, localities[static_cast<size_t>(localityOfIncident[i])].id);
        else gpkg.setNull(13);
        for (int f = 14; f <= 31; ++f) gpkg.setNull(f);
        if (inc.isCollision[i]) {
            if (linked.haveCasualties) {
                int64_t ksi = 0, groups[kRoadUserGroups] = {}, children = 0;
                double adjusted = 0;
                for (uint32_t k : linked.casualtiesByIncident[i]) {
                    const LinkedCasualty& c = linked.casualties[k];
                    ksi += c.severity == Fatal || c.severity == Serious;
                    adjusted += c.severity == Fatal ? 1.0 : !std::isnan(c.adjustedSerious) ? c.adjustedSerious
                                                        : c.severity == Serious            ? 1.0
                                                                                           : 0.0;
                    ++groups[static_cast<size_t>(c.group)];
                    children += c.child == 1;
                }
                gpkg.setInteger(14, static_cast<int64_t>(linked.casualtiesByIncident[i].size()));
                gpkg.setInteger(15, ksi);
                gpkg.setReal(16, adjusted);
                gpkg.setInteger(17, groups[static_cast<size_t>(RoadUserGroup::Pedestrian)]);
                gpkg.setInteger(18, groups[static_cast<size_t>(RoadUserGroup::PedalCycle)]);
                gpkg.setInteger(19, groups[static_cast<size_t>(RoadUserGroup::Motorcycle)]);
                gpkg.setInteger(20, children);
            }
            if (linked.haveVehicles) {
                const CollisionVehicles& v = linked.vehicles[i];
                std::string types;
                for (size_t g = 0; g < kVehicleGroups; ++g)
                    if (v.byGroup[g]) types += fmt::format("{}{} {}", types.empty() ? "" : "; ", vehicleGroupName(static_cast<VehicleGroup>(g)), v.byGroup[g]);
                gpkg.setInteger(21, v.count);
                gpkg.setString(22, types);
                gpkg.setInteger(23, v.byGroup[static_cast<size_t>(VehicleGroup::Hgv)] > 0 ? 1 : 0);
            }
            const CollisionCircumstances& c = inc.circumstances[i];
            int field = 24;
            for (Known k : {c.dark, c.wet, c.weekend, c.peak, c.junction}) {
                if (k != Known::Unknown) gpkg.setInteger(field, k == Known::Yes ? 1 : 0);
                ++field;
            }
            if (snapped) gpkg.setInteger(29, nearNetworkJunction[i] == 1 ? 1 : 0);
            if (c.speedLimit > 0) gpkg.setInteger(30, c.speedLimit);
            if (const std::string number = roadNumberText(c.roadClass, c.roadNumber); !number.empty()) gpkg.setString(31, number);
        }
        gpkg.setPoint(inc.x[i], inc.y[i]);
        gpkg.writeFeature();
    }
}

// One point per casualty, at its collision: for maps by road-user group and severity.
void writeCasualtyLayer(VectorWriter& gpkg, const RoadsOptions& o, const RoadsResults& results, const std::vector<int>& localityOfIncident) {
    const RoadIncidents& inc = results.inc;
    const std::vector<Locality>& localities = results.localities;
    const LinkedTables& linked = results.linked;
    if (linked.haveCasualties) {
        // One point per casualty, at its collision: for maps by road-user group and severity.
        gpkg.createLayer("road_casualties", GeometryKind::Point, o.analysisCrs,
                         {{"collision_id"}, {"casualty_line", FieldType::Integer64}, {"severity"}, {"road_user_group"}, {"age", FieldType::Integer}, {"child", FieldType::Integer}, {"adjusted_serious", FieldType::Real}, {"month"}, {"locality_id"}},
                         "STATS19 casualties joined to their collisions (at the collision's location)");
        for (const LinkedCasualty& c : linked.casualties) {
            const uint32_t i = c.incident;
            gpkg.setString(0, inc.id[i]);
            gpkg.setInteger(1, c.line);
            gpkg.setString(2, kSeverityNames[c.severity]);
            gpkg.setString(3, roadUserGroupName(c.group));
            if (c.age >= 0) gpkg.setInteger(4, c.age);
            else gpkg.setNull(4);
            if (c.child >= 0) gpkg.setInteger(5, c.child);
            else gpkg.setNull(5);
            gpkg.setReal(6, c.adjustedSerious);
            gpkg.setString(7, formatMonth(inc.month[i]));
            if (localityOfIncident[i] >= 0) gpkg.setString(8, localities[static_cast<size_t>(localityOfIncident[i])].id);
            else gpkg.setNull(8);
            gpkg.setPoint(inc.x[i], inc.y[i]);
            gpkg.writeFeature();
        }
    }
}

std::vector<std::pair<std::string, std::string>> roadsRunInfo(const RoadsOptions& o, const RoadsResults& results) {
    const CollisionCosts& costs = results.costs;
    const double threshold = results.threshold;
    const std::string& ruleText = results.ruleText;
    const int32_t firstMonth = results.firstMonth, lastMonth = results.lastMonth;
    return {{"HOTSPOT_VERSION", versionString()},
            {"COMMAND", "roads"},
            {"NETWORK", o.network.path},
            {"NODE_TOLERANCE_M", fmt::format("{}", o.nodeTolerance)},
            {"SNAP_TOLERANCE_M", fmt::format("{}", o.snapTolerance)},
            {"LIXEL_LENGTH_M", fmt::format("{}", o.lixelLength)},
            {"KERNEL", toString(o.nkde.kernel)},
            {"BANDWIDTH_M", fmt::format("{}", o.nkde.bandwidth)},
            {"NKDE_METHOD", toString(o.nkde.method)},
            {"DENSITY_UNIT", "incidents per km of road (weighted: score weights)"},
            {"PEAK_THRESHOLD_PER_KM", formatDouble(threshold, 6)},
            {"CLUSTER_RULE", ruleText},
            {"WEIGHTS", fmt::format("fatal={},serious={},slight={},unknown={},complaint={}", o.weights.fatal, o.weights.serious,
                                    o.weights.slight, o.weights.unknown, o.weights.complaint)},
            {"MONTHS", fmt::format("{}:{}", formatMonth(firstMonth), formatMonth(lastMonth))},
            {"TREND_MONTHS", std::to_string(o.trendMonths)},
            {"PREVIOUS_REGISTER", o.previousRegister},
            {"RANK_BY", o.rankBy},
            {"COST_TABLE", fmt::format("{} prices, {}: {}", costs.priceYear, costs.basis, costs.source)},
            {"ISSUE_RULES", o.issueRulesFile.empty() ? "built-in data/roads/issue_patterns.csv" : o.issueRulesFile},
            {"CRS", o.analysisCrs}};
}

void writeRoadOutputs(const RoadsOptions& o, const RoadsResults& results, const CoordinateTransformer& toLonLat, OutputStaging& staging) {
    const RoadIncidents& inc = results.inc;
    const std::vector<Snap>& snaps = results.snaps;
    const std::vector<Locality>& localities = results.localities;
    const LinkedTables& linked = results.linked;
    StepTimer timer("roads write");
    std::vector<int> localityOfIncident(inc.size(), -1);
    for (size_t r = 0; r < localities.size(); ++r)
        for (uint32_t i : localities[r].members)
            if (localityOfIncident[i] < 0) localityOfIncident[i] = static_cast<int>(r);
    std::vector<std::string> registerHeader;
    for (const auto& f : registerFields()) registerHeader.push_back(f.name);
    std::vector<std::vector<std::string>> registerRows;
    registerRows.resize(localities.size());
    parallelFor(localities.size(), [&](size_t r, unsigned) { registerRows[r] = registerRow(o, results, toLonLat, r); });
    // The text outputs on a second thread while the GeoPackage is written (staged paths taken here:
    // the staging records its files and is not shared across threads).
    const std::string registerCsvPath = staging.stagedPath("road_register.csv"), registerMdPath = staging.stagedPath("road_register.md"),
                      rejectsPath = staging.stagedPath("road_rejects.csv"), linkedRejectsPath = staging.stagedPath("linked_rejects.csv"),
                      unsnappedPath = staging.stagedPath("unsnapped.csv"), gpkgPath = staging.stagedPath("roads.gpkg");
    BackgroundTask textOutputs([&] {
        CsvWriter csv(registerCsvPath);
        csv.row(registerHeader);
        for (const auto& row : registerRows) csv.row(row);
        csv.close();
        writeTextFile(registerMdPath, registerMarkdown(o, results));
        CsvWriter rej(rejectsPath);
        rej.row({"file", "line", "field", "reason", "record"});
        for (const auto& r : results.rejects) rej.row(r);
        rej.close();
        CsvWriter linkedRejects(linkedRejectsPath);
        linkedRejects.row({"file", "line", "field", "reason", "record"});
        for (const auto& r : linked.rejects) linkedRejects.row(r);
        linkedRejects.close();
        CsvWriter un(unsnappedPath);
        un.row({"file", "line", "id", "kind", "issue", "x", "y", "nearest_road_m", "reason"});
        for (size_t i = 0; i < inc.size(); ++i)
            if (snaps[i].edge < 0)
                un.row({inc.file(i), std::to_string(inc.line[i]), inc.id[i], inc.isCollision[i] ? "collision" : "complaint", kIssueNames[inc.issue[i]],
                        formatDouble(inc.x[i], 1), formatDouble(inc.y[i], 1), formatDouble(snaps[i].distance, 1),
                        fmt::format("no road within the {} m snapping tolerance", o.snapTolerance)});
        un.close();
    });
    timer.step("register rows");
    VectorWriter gpkg(gpkgPath);
    writeLixelLayer(gpkg, o, results);
    timer.step("lixels layer");
    gpkg.createLayer("road_localities", GeometryKind::Point, o.analysisCrs, registerFields(), "Road problem localities, ranked (representative points)");
    for (size_t r = 0; r < localities.size(); ++r) {
        gpkg.setFromText(registerRows[r], registerFields());
        gpkg.setPoint(localities[r].x, localities[r].y);
        gpkg.writeFeature();
    }
    gpkg.createLayer("road_locality_extents", GeometryKind::Polygon, o.analysisCrs, registerFields(),
                     "Road problem localities: convex hull of the evidence, buffered 15 m");
    for (size_t r = 0; r < localities.size(); ++r) {
        gpkg.setFromText(registerRows[r], registerFields());
        gpkg.setWkb(localities[r].extent);
        gpkg.writeFeature();
    }
    timer.step("locality layers");
    writeIncidentLayer(gpkg, o, results, localityOfIncident);
    writeCasualtyLayer(gpkg, o, results, localityOfIncident);
    writeRunInfo(gpkg, roadsRunInfo(o, results));
    timer.step("incidents layer");
    gpkg.close();
    timer.step("close");
    // QGIS opens every layer styled; the lixel classes come from this run's densities
    // (quantiles 50, 75, 90, 97.5 % and the maximum of the lixels with any density).
    std::vector<double> positive;
    for (double d : results.weightedDensity)
        if (d > 0) positive.push_back(d);
    std::vector<double> breaks;
    auto from = positive.begin();
    if (!positive.empty())
        for (double q : {0.5, 0.75, 0.9, 0.975, 1.0}) {  // order statistics by selection, each above the last
            const auto at = positive.begin() + static_cast<std::ptrdiff_t>(std::ceil(q * static_cast<double>(positive.size()))) - 1;
            std::nth_element(from, at, positive.end());
            breaks.push_back(*at);
            from = at;
        }
    writeGeoPackageStyles(gpkgPath, {{"road_lixels", qmlGraduatedLines("weighted_density_per_km", breaks, "weighted per km")}});
    timer.step("styles");
    textOutputs.finish();
    timer.step("text outputs (waited for)");
}

}  // namespace

RunReport runRoads(const RoadsOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    if (!o.categories) throw Error(ErrorKind::Internal, "runRoads() needs a category map");
    if (o.collisions.empty() && o.complaints.empty()) throwUsage("give collisions (`collisions`) and/or complaints (`complaints`)");
    if (!(o.snapTolerance > 0)) throwUsage("the snapping tolerance must be positive", {"", 0, "snap_tolerance"});
    if (o.trendMonths < 1) throwUsage("`trend_months` must be at least 1", {"", 0, "trend_months"});
    const auto started = std::chrono::steady_clock::now();
    RunReport report;
    auto& lines = report.lines;
    // Seconds per stage, printed at the end (docs/benchmarks.md quotes them).
    std::vector<std::pair<const char*, double>> stages;
    auto stageStart = started;
    auto stage = [&](const char* name) {
        const auto now = std::chrono::steady_clock::now();
        stages.emplace_back(name, std::chrono::duration<double>(now - stageStart).count());
        stageStart = now;
    };

    // Rules first, so a usage error comes before any reading.
    std::vector<ClusterRule> rules;
    const bool byArea = o.clusterRule == "urban-rural";
    if (byArea) rules = {clusterRulePreset("urban"), clusterRulePreset("rural")};
    else rules = {clusterRulePreset(o.clusterRule)};
    for (auto& r : rules) {
        if (o.clusterMin > 0) r.minCollisions = o.clusterMin;
        if (o.clusterRadius > 0) r.radius = o.clusterRadius;
        if (o.clusterMonths > 0) r.months = o.clusterMonths;
        if (o.clusterMin > 0 || o.clusterRadius > 0 || o.clusterMonths > 0) r.name += " (overridden)";
    }

    // 1. The network, read and built on a second thread while the incidents are read.
    progress.note("Reading the road network");
    RoadLayerRead layer;
    RoadNetwork net;
    BackgroundTask networkTask([&] {
        layer = readRoadLayer(o.network, o.analysisCrs);
        net = buildRoadNetwork(layer.lines, o.nodeTolerance);
        layer.lines = {};
    });
    // 2. Incidents.
    // The cost table and the issue rules before any reading, so their errors come first.
    const CollisionCosts costs = o.costsFile.empty() ? CollisionCosts::builtinDefault() : CollisionCosts::fromFile(o.costsFile);
    const IssuePatternRules issueRules = o.issueRulesFile.empty() ? IssuePatternRules::builtinDefault() : IssuePatternRules::fromFile(o.issueRulesFile);
    RoadIncidents inc;
    std::vector<std::vector<std::string>> rejects;
    CollisionKeys collisionKeys;
    const size_t networkLinesAt = lines.size();
    StepTimer readTimer("roads read");
    const InputAccount collisions = readRoadInputs(o.collisions, true, o, inc, rejects, collisionKeys, progress);
    const size_t collisionCount = inc.size();
    const InputAccount complaints = readRoadInputs(o.complaints, false, o, inc, rejects, collisionKeys, progress);
    for (const InputAccount* a : {&collisions, &complaints}) {
        if (a->rows == 0 && a->accepted == 0) continue;
        lines.push_back(fmt::format(
            "{}: {} rows = {} accepted + {} rejected + {} superseded; accepted = {} used + {} not road {} + {} outside "
            "the months + {} without a location",
            a->what, a->rows, a->accepted, a->rejected, a->superseded, a->used, a->notRoad,
            a == &collisions ? "collisions" : "issues", a->outsideMonths, a->notLocated));
        if (a->untrustedIds)
            lines.push_back(fmt::format(
                "{}: {} collision indexes are in scientific notation (a spreadsheet mangled them, e.g. 2.00512E+12): "
                "kept as written, not trusted as ids, so these rows are not de-duplicated",
                a->what, a->untrustedIds));
        if (a->lonLatFallback)
            lines.push_back(fmt::format("{}: {} rows had no easting/northing and were located by longitude/latitude", a->what, a->lonLatFallback));
    }
    readTimer.step("collisions and complaints");
    networkTask.finish();
    readTimer.step("network (waited for)");
    // The network's lines go first in the summary, before the incidents'.
    std::vector<std::string> networkLines;
    const std::string topology = net.nodesFromIds ? fmt::format("nodes from the ids in '{}' and '{}'", layer.startNodeField, layer.endNodeField)
                                                  : fmt::format("nodes at shared vertices within {} m", o.nodeTolerance);
    networkLines.push_back(fmt::format("network: {} features -> {} edges, {} nodes, {:.1f} km ({}; name field '{}', class field '{}', number field '{}')",
                                       layer.features, net.edges.size(), net.nodeX.size(), net.totalLength() / 1000, topology, layer.nameField,
                                       layer.classField, layer.numberField));
    if (!layer.startNodeField.empty() && !net.nodesFromIds)
        networkLines.push_back(fmt::format("network: some lines have no '{}'/'{}' id (or are multi-part): topology from shared vertices instead",
                                           layer.startNodeField, layer.endNodeField));
    for (const auto& n : layer.notes) networkLines.push_back("network: " + n);
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(networkLinesAt), networkLines.begin(), networkLines.end());
    if (net.edges.empty()) throwInput("the road layer builds no edges (all lines shorter than the node tolerance?)", {o.network.path});

    if (inc.size() == 0) throwInput("no usable road incidents (see the rejects file for why)");
    LinkedTables linked = readLinkedTables(o, collisionKeys, inc.size(), lines);
    collisionKeys = {};
    readTimer.step("casualty and vehicle tables");
    stage("network + incidents");
    int32_t lastMonth = INT32_MIN, firstMonth = INT32_MAX;
    for (int32_t m : inc.month)
        if (m != kNoMonth) lastMonth = std::max(lastMonth, m), firstMonth = std::min(firstMonth, m);
    // What the data covers (for the trend's history), and the window the register reports.
    const int32_t coverageFirst = o.months.from != kNoMonth ? std::max(firstMonth, o.months.from) : firstMonth;
    if (o.months.to != kNoMonth) lastMonth = o.months.to;
    if (o.months.from != kNoMonth) firstMonth = o.months.from;

    // The transformation for the register's longitudes and latitudes, made while the work goes on
    // (PROJ takes tens of milliseconds to set one up).
    std::unique_ptr<CoordinateTransformer> toLonLat;
    BackgroundTask lonLatTask([&] { toLonLat = std::make_unique<CoordinateTransformer>(o.analysisCrs, "EPSG:4326"); });

    // 3. Snapping.
    progress.note("Snapping incidents to the network");
    const SnapIndex snapIndex(net);
    const std::vector<Snap> snaps = snapPoints(net, snapIndex, inc.x, inc.y, o.snapTolerance);
    int64_t snappedCollisions = 0, snappedComplaints = 0;
    for (size_t i = 0; i < snaps.size(); ++i)
        if (snaps[i].edge >= 0) ++(i < collisionCount ? snappedCollisions : snappedComplaints);
    // A junction on the network: within 20 m along the road of a node where 3 or more edge ends meet.
    std::vector<uint8_t> nearNetworkJunction(inc.size(), 0);  // 0 not snapped, 1 near a junction, 2 not
    for (size_t i = 0; i < snaps.size(); ++i) {
        if (snaps[i].edge < 0) continue;
        const RoadEdge& e = net.edges[static_cast<size_t>(snaps[i].edge)];
        const bool near = (snaps[i].offset <= kJunctionDistance && net.degree(e.from) >= 3) ||
                          (e.length - snaps[i].offset <= kJunctionDistance && net.degree(e.to) >= 3);
        nearNetworkJunction[i] = near ? 1 : 2;
    }
    stage("snap");
    lines.push_back(fmt::format(
        "snapping (nearest road within {} m): collisions {} snapped, {} beyond; complaints {} snapped, {} beyond "
        "(beyond: listed in unsnapped.csv and kept in road_incidents)",
        o.snapTolerance, snappedCollisions, static_cast<int64_t>(collisionCount) - snappedCollisions, snappedComplaints,
        static_cast<int64_t>(inc.size() - collisionCount) - snappedComplaints));

    // 4. Lixels and network density.
    const Lixels lixels = makeLixels(net, o.lixelLength);
    std::vector<double> collisionWeight(inc.size(), 0.0), scoreWeight(inc.size(), 0.0);
    auto weightOf = [&](size_t i) {
        if (!inc.isCollision[i]) return o.weights.complaint;
        switch (inc.severity[i]) {
            case Fatal: return o.weights.fatal;
            case Serious: return o.weights.serious;
            case Slight: return o.weights.slight;
            default: return o.weights.unknown;
        }
    };
    for (size_t i = 0; i < inc.size(); ++i) {
        collisionWeight[i] = inc.isCollision[i] ? 1.0 : 0.0;
        scoreWeight[i] = weightOf(i);
    }
    // Both densities in one walk of the network per incident.
    auto densities = networkKernelDensities(net, lixels, snaps, collisionWeight, scoreWeight, o.nkde, &progress);
    std::vector<double>& collisionDensity = densities[0];
    std::vector<double>& weightedDensity = densities[1];
    for (double& d : collisionDensity) d *= 1000;  // per km of road
    for (double& d : weightedDensity) d *= 1000;
    const double threshold = o.peakThreshold >= 0 ? o.peakThreshold : autoPeakThreshold(weightedDensity);
    stage("lixels + network KDE");
    lines.push_back(fmt::format(
        "network density: {} lixels of ~{} m, {} kernel, bandwidth {} m of network distance, {} method; "
        "peak threshold {:.3f} weighted incidents per km{}",
        lixels.size(), o.lixelLength, toString(o.nkde.kernel), o.nkde.bandwidth, toString(o.nkde.method), threshold,
        o.peakThreshold >= 0 ? "" : " (auto: mean + 3 SD of lixels with any density)"));

    // 5. Cluster sites.
    std::vector<uint8_t> eligible(inc.size(), 0), ruleOf(inc.size(), 0);
    std::vector<double> tieScore(inc.size(), 0.0);
    for (size_t i = 0; i < collisionCount; ++i) {
        ruleOf[i] = byArea && inc.urbanRural[i] == 2 ? 1 : 0;
        const int32_t from = lastMonth - rules[ruleOf[i]].months + 1;
        eligible[i] = inc.month[i] != kNoMonth && inc.month[i] >= from && inc.month[i] <= lastMonth;
        tieScore[i] = scoreWeight[i];
    }
    const std::vector<ClusterSite> sites = findClusterSites(net, snaps, eligible, rules, ruleOf, tieScore);
    stage("cluster sites");
    std::string ruleText;
    for (const auto& r : rules)
        ruleText += fmt::format("{}{}: at least {} injury collisions within {} m of network distance over {} months", ruleText.empty() ? "" : "; ",
                                r.name, r.minCollisions, r.radius, r.months);
    lines.push_back(fmt::format("cluster sites ({}{}, to {}): {}", ruleText, byArea ? ", by each centre's STATS19 urban/rural flag" : "",
                                formatMonth(lastMonth), sites.size()));

    const std::vector<DensityPeak> peaks = findDensityPeaks(net, lixels, weightedDensity, threshold);
    std::vector<Locality> localities = makeLocalities(net, lixels, snaps, sites, peaks, rules, ruleOf);
    addEvidence(localities, inc, scoreWeight, net, snaps, lixels, coverageFirst, lastMonth, o.trendMonths);
    const ProfileInputs profileInputs{inc, linked.casualtiesByIncident, linked.casualties, linked.vehicles, nearNetworkJunction, costs, issueRules,
                                      linked.haveCasualties, linked.haveVehicles};
    parallelFor(localities.size(), [&](size_t which, unsigned) {
        Locality& l = localities[which];
        l.profile = profileLocality(l.members, l.issues, profileInputs);
    });
    rankLocalities(localities, o.rankBy);
    stage("localities");
    lines.push_back(fmt::format("cost: value of prevention per collision by severity, {} prices, {} ({}); ranked by {}", costs.priceYear, costs.basis,
                                costs.source, o.rankBy));
    lines.push_back(fmt::format("trend: the last {} months against the {} before, exact Poisson test (p < 0.05); {}", o.trendMonths, o.trendMonths,
                                coverageFirst > lastMonth - 2 * o.trendMonths + 1
                                    ? fmt::format("the data starts {}, after the earlier window starts ({}): every trend is 'insufficient history'",
                                                  formatMonth(coverageFirst), formatMonth(lastMonth - 2 * o.trendMonths + 1))
                                    : "the data covers both windows"));
    if (!o.previousRegister.empty()) matchPreviousRegister(localities, o, lines);
    lines.push_back(fmt::format("localities: {} ({} cluster sites, {} density peaks without a site)", localities.size(), sites.size(),
                                localities.size() - sites.size()));

    OutputStaging staging(o.outDir);
    lonLatTask.finish();
    writeRoadOutputs(o, {net, lixels, inc, snaps, collisionDensity, weightedDensity, localities, rejects, nearNetworkJunction, linked, costs, threshold, ruleText, firstMonth, lastMonth},
                     *toLonLat, staging);
    report.outputs = staging.commit();
    stage("write");
    std::string timing;
    for (const auto& [name, seconds] : stages) timing += fmt::format("{}{} {:.3f}", timing.empty() ? "" : ", ", name, seconds);
    lines.push_back(fmt::format("done in {:.2f} s ({} s)", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), timing));
    return report;
}

}  // namespace hotspot
