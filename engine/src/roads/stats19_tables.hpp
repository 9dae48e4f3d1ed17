#pragma once
// STATS19 casualty and vehicle tables (DfT's 2024 schema and the legacy 2005-2014 one), joined to
// the collisions of a roads run on the collision index. Code meanings: DfT's Road Safety Data
// guide (the same casualty_type / vehicle_type codes in both schemas); see docs/methods.md.

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hotspot {

// Who was hurt, grouped as road safety reports group them.
enum class RoadUserGroup : uint8_t { Pedestrian,
                                     PedalCycle,
                                     Motorcycle,
                                     CarOccupant,
                                     GoodsVehicle,
                                     Bus,
                                     Other,
                                     Count };
constexpr size_t kRoadUserGroups = static_cast<size_t>(RoadUserGroup::Count);
const char* roadUserGroupName(RoadUserGroup group);  // "pedestrian", "pedal_cycle", ...
// casualty_type (and casualty_class 3 = pedestrian) to the group.
RoadUserGroup roadUserGroupOf(int casualtyType, int casualtyClass);

// Vehicles in a collision, grouped; Hgv is goods over 3.5 t (codes 20, 21), not "unknown weight" (98).
enum class VehicleGroup : uint8_t { PedalCycle,
                                    Motorcycle,
                                    Car,
                                    Van,
                                    Hgv,
                                    Bus,
                                    Other,
                                    Count };
constexpr size_t kVehicleGroups = static_cast<size_t>(VehicleGroup::Count);
const char* vehicleGroupName(VehicleGroup group);
VehicleGroup vehicleGroupOf(int vehicleType);

struct LinkedCasualty {
    uint32_t incident = 0;  // the collision, as an index into the run's incidents
    uint8_t severity = 0;   // 1 fatal, 2 serious, 3 slight, 0 unknown
    RoadUserGroup group = RoadUserGroup::Other;
    int16_t age = -1;   // years; -1 unknown
    int8_t child = -1;  // 1 under 16, 0 not, -1 unknown (from age, else the age band)
    // 2024 schema: casualty_adjusted_severity_serious, the probability that the casualty would be
    // recorded as serious by an injury-based system (CRaSH); NaN when the file has no such column.
    double adjustedSerious = std::nan("");
    int64_t line = 0;
};

struct CollisionVehicles {
    uint16_t count = 0;
    std::array<uint16_t, kVehicleGroups> byGroup{};
};

// Rows of one casualty or vehicle file: rows = joined + for collisions not used + rejected.
struct LinkedTableAccount {
    std::string what, path, schema;
    int64_t rows = 0, joined = 0, forUnusedCollisions = 0, rejected = 0;
    int64_t adjustedSeverity = 0;  // casualties with the 2024 adjusted-severity value
};

// The collision indexes of a run: those in use (to their incident) and those read but not used
// (outside the months, without a location, not a road collision).
struct CollisionKeys {
    std::unordered_map<std::string, uint32_t> used;
    std::unordered_set<std::string> unused;
};

// Rejects are (file, line, field, reason, record) rows.
using RejectRows = std::vector<std::vector<std::string>>;

// Throws Error(Input) for a file that is not a STATS19 casualty (or vehicle) table.
LinkedTableAccount readCasualtyTable(const std::string& path, const CollisionKeys& keys, std::vector<LinkedCasualty>& into,
                                     RejectRows& rejects);
LinkedTableAccount readVehicleTable(const std::string& path, const CollisionKeys& keys, std::vector<CollisionVehicles>& byIncident,
                                    RejectRows& rejects);

// The casualty (or vehicle) file DfT publishes beside a collision file, when it exists:
// dft-road-casualty-statistics-collision-2024.csv -> ...-casualty-2024.csv / ...-vehicle-2024.csv,
// Accidents0514.csv -> Casualties0514.csv / Vehicles0514.csv, accidents.csv -> casualties.csv.
// Empty when the name has no such word or the file is not there.
std::string tableBesideCollisions(const std::string& collisionsPath, bool casualties);

}  // namespace hotspot
