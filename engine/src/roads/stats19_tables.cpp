#include "roads/stats19_tables.hpp"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <initializer_list>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"

namespace hotspot {

const char* roadUserGroupName(RoadUserGroup group) {
    static constexpr const char* kNames[] = {"pedestrian", "pedal_cycle", "motorcycle", "car_occupant", "goods_vehicle", "bus", "other"};
    return kNames[static_cast<size_t>(group)];
}

RoadUserGroup roadUserGroupOf(int casualtyType, int casualtyClass) {
    if (casualtyClass == 3 || casualtyType == 0) return RoadUserGroup::Pedestrian;
    switch (casualtyType) {
        case 1: return RoadUserGroup::PedalCycle;
        case 2:
        case 3:
        case 4:
        case 5:
        case 23:
        case 97: return RoadUserGroup::Motorcycle;
        case 8:
        case 9: return RoadUserGroup::CarOccupant;
        case 19:
        case 20:
        case 21:
        case 98: return RoadUserGroup::GoodsVehicle;
        case 10:
        case 11: return RoadUserGroup::Bus;
        default: return RoadUserGroup::Other;  // horse rider, agricultural, tram, mobility scooter, other, missing
    }
}

const char* vehicleGroupName(VehicleGroup group) {
    static constexpr const char* kNames[] = {"pedal_cycle", "motorcycle", "car", "van", "hgv", "bus", "other"};
    return kNames[static_cast<size_t>(group)];
}

VehicleGroup vehicleGroupOf(int vehicleType) {
    switch (vehicleType) {
        case 1: return VehicleGroup::PedalCycle;
        case 2:
        case 3:
        case 4:
        case 5:
        case 23:
        case 97: return VehicleGroup::Motorcycle;
        case 8:
        case 9: return VehicleGroup::Car;
        case 19: return VehicleGroup::Van;
        case 20:
        case 21: return VehicleGroup::Hgv;
        case 10:
        case 11: return VehicleGroup::Bus;
        default: return VehicleGroup::Other;  // includes 98, goods of unknown weight
    }
}

namespace {

// One STATS19 file in memory, read record by record with its header's columns by name.
class Stats19File {
public:
    Stats19File(const std::string& path, const char* what) : m_path(path), m_bytes(readWholeFile(path)), m_cursor(body(), 2) {
        CsvCursor head(withoutBom(), 1);
        CsvRecord header;
        if (!head.next(header)) throwInput(std::string(what) + " file is empty", {path, 1});
        for (auto f : header.fields) m_header.emplace_back(trim(f));
        m_cursor.setExpectedFields(m_header.size());
    }
    int column(std::initializer_list<const char*> names) const {
        for (const char* name : names)
            for (size_t i = 0; i < m_header.size(); ++i)
                if (iequals(m_header[i], name)) return static_cast<int>(i);
        return -1;
    }
    const std::vector<std::string>& header() const { return m_header; }
    bool next(CsvRecord& r) { return m_cursor.next(r); }

private:
    std::string_view withoutBom() const {
        std::string_view all(m_bytes);
        if (all.starts_with("\xEF\xBB\xBF")) all.remove_prefix(3);
        return all;
    }
    // The records after the header line (STATS19 headers never hold quoted line breaks).
    std::string_view body() const {
        const std::string_view all = withoutBom();
        const size_t end = all.find('\n');
        return end == std::string_view::npos ? std::string_view{} : all.substr(end + 1);
    }
    std::string m_path;
    std::string m_bytes;
    std::vector<std::string> m_header;
    CsvCursor m_cursor;
};

bool parseInt(std::string_view text, int& value) {
    text = trim(text);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

bool looksScientific(std::string_view id) { return id.find("E+") != std::string_view::npos || id.find("e+") != std::string_view::npos; }

// The collision a row belongs to, or why it has none. Returns true with `incident` set when the
// row joins; false with `unused` set when the collision was read but is not used; false with a
// reason otherwise.
bool joinRow(const CsvRecord& r, int indexColumn, const CollisionKeys& keys, uint32_t& incident, bool& unused, std::string& reason) {
    unused = false;
    const std::string_view id = indexColumn < static_cast<int>(r.fields.size()) ? trim(r.fields[static_cast<size_t>(indexColumn)]) : std::string_view{};
    if (id.empty()) {
        reason = "no collision index";
        return false;
    }
    if (looksScientific(id)) {
        reason = fmt::format("collision index '{}' is in scientific notation (a spreadsheet mangled it): it cannot be joined", id);
        return false;
    }
    const std::string key(id);
    if (auto it = keys.used.find(key); it != keys.used.end()) {
        incident = it->second;
        return true;
    }
    if (keys.unused.count(key)) {
        unused = true;
        return false;
    }
    reason = fmt::format("collision index '{}' matches no collision read", id);
    return false;
}

void requireColumn(int column, const std::string& path, const char* name, const char* what) {
    if (column < 0) throwInput(fmt::format("not a STATS19 {} table: no {} column", what, name), {path, 1, name});
}

// Every record of the file: counted; one with the wrong field count, or whose collision cannot be
// joined, is rejected (or counted as of a collision read but not used); the others go to
// use(record, incident, reject), which returns whether it took the row (it may reject it).
template <class Use>
void forEachJoinedRow(Stats19File& file, const std::string& path, int index, const CollisionKeys& keys, LinkedTableAccount& account,
                      RejectRows& rejects, Use use) {
    CsvRecord r;
    while (file.next(r)) {
        ++account.rows;
        auto reject = [&](const char* column, const std::string& reason) {
            ++account.rejected;
            rejects.push_back({path, std::to_string(r.line), column, reason, std::string(r.raw)});
        };
        if (r.strayQuote || r.fields.size() != file.header().size()) {
            reject("", fmt::format("{} fields where the header has {}", r.fields.size(), file.header().size()));
            continue;
        }
        uint32_t incident = 0;
        bool unused = false;
        std::string reason;
        if (!joinRow(r, index, keys, incident, unused, reason)) {
            if (unused) ++account.forUnusedCollisions;
            else reject(file.header()[static_cast<size_t>(index)].c_str(), reason);
            continue;
        }
        if (use(r, incident, reject)) ++account.joined;
    }
}

}  // namespace

LinkedTableAccount readCasualtyTable(const std::string& path, const CollisionKeys& keys, std::vector<LinkedCasualty>& into, RejectRows& rejects) {
    Stats19File file(path, "casualty");
    LinkedTableAccount account;
    account.what = "casualties";
    account.path = path;
    const int index = file.column({"collision_index", "Accident_Index", "Acc_Index"});
    const int severity = file.column({"casualty_severity"});
    const int type = file.column({"casualty_type"});
    const int cls = file.column({"casualty_class"});
    const int age = file.column({"age_of_casualty"});
    const int band = file.column({"age_band_of_casualty"});
    const int adjusted = file.column({"casualty_adjusted_severity_serious"});
    requireColumn(index, path, "collision_index (or Accident_Index / Acc_Index)", "casualty");
    requireColumn(severity, path, "casualty_severity", "casualty");
    requireColumn(type, path, "casualty_type", "casualty");
    account.schema = file.column({"collision_index"}) >= 0 ? "2024 schema" : "legacy schema";
    forEachJoinedRow(file, path, index, keys, account, rejects, [&](const CsvRecord& r, uint32_t incident, auto& reject) {
        auto field = [&](int c) { return c >= 0 && c < static_cast<int>(r.fields.size()) ? trim(r.fields[static_cast<size_t>(c)]) : std::string_view{}; };
        LinkedCasualty c;
        c.incident = incident;
        c.line = r.line;
        int value = 0;
        if (!parseInt(field(severity), value) || value < 1 || value > 3) {
            reject("casualty_severity", fmt::format("'{}' is not 1 (fatal), 2 (serious) or 3 (slight)", field(severity)));
            return false;
        }
        c.severity = static_cast<uint8_t>(value);
        int typeCode = -1, classCode = -1;
        parseInt(field(type), typeCode);
        parseInt(field(cls), classCode);
        c.group = roadUserGroupOf(typeCode, classCode);
        if (parseInt(field(age), value) && value >= 0 && value < 130) {
            c.age = static_cast<int16_t>(value);
            c.child = value < 16 ? 1 : 0;
        } else if (parseInt(field(band), value) && value >= 1 && value <= 11) {
            c.child = value <= 3 ? 1 : 0;  // bands 1-3: 0-5, 6-10, 11-15 years
        }
        if (adjusted >= 0) {
            const std::string_view text = field(adjusted);
            double p = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
            if (ec == std::errc() && end == text.data() + text.size() && p >= 0 && p <= 1) {
                c.adjustedSerious = p;
                ++account.adjustedSeverity;
            }
        }
        into.push_back(c);
        return true;
    });
    return account;
}

LinkedTableAccount readVehicleTable(const std::string& path, const CollisionKeys& keys, std::vector<CollisionVehicles>& byIncident,
                                    RejectRows& rejects) {
    Stats19File file(path, "vehicle");
    LinkedTableAccount account;
    account.what = "vehicles";
    account.path = path;
    const int index = file.column({"collision_index", "Accident_Index", "Acc_Index"});
    const int type = file.column({"vehicle_type"});
    requireColumn(index, path, "collision_index (or Accident_Index / Acc_Index)", "vehicle");
    requireColumn(type, path, "vehicle_type", "vehicle");
    account.schema = file.column({"collision_index"}) >= 0 ? "2024 schema" : "legacy schema";
    forEachJoinedRow(file, path, index, keys, account, rejects, [&](const CsvRecord& r, uint32_t incident, auto&) {
        int code = -1;
        parseInt(r.fields[static_cast<size_t>(type)], code);
        CollisionVehicles& v = byIncident.at(incident);
        ++v.count;
        ++v.byGroup[static_cast<size_t>(vehicleGroupOf(code))];
        return true;
    });
    return account;
}

std::string tableBesideCollisions(const std::string& collisionsPath, bool casualties) {
    namespace fs = std::filesystem;
    const fs::path p(collisionsPath);
    const std::string name = p.filename().string();
    const std::string lower = toLowerAscii(name);
    // Longest words first, so "collisions" is not read as "collision" + "s".
    const std::pair<const char*, const char*> words[] = {
        {"collisions", casualties ? "casualties" : "vehicles"}, {"accidents", casualties ? "casualties" : "vehicles"}, {"collision", casualties ? "casualty" : "vehicle"}, {"accident", casualties ? "casualty" : "vehicle"}};
    for (const auto& [word, replacement] : words) {
        const size_t at = lower.rfind(word);
        if (at == std::string::npos) continue;
        std::string with(replacement);
        if (std::isupper(static_cast<unsigned char>(name[at]))) with[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(with[0])));
        const std::string candidate = name.substr(0, at) + with + name.substr(at + std::string_view(word).size());
        const fs::path beside = p.parent_path() / candidate;
        std::error_code ec;
        if (fs::is_regular_file(beside, ec)) return beside.string();
        return {};
    }
    return {};
}

}  // namespace hotspot
