#pragma once
// The road incidents of a `hotspot roads` run (collisions first, then complaints) and what the
// collision files say about the circumstances of each collision.

#include <cstdint>
#include <string>
#include <vector>

namespace hotspot {

enum class Issue : uint8_t { Collision,
                             Speeding,
                             Hgv,
                             Parking,
                             Layout,
                             Other,
                             Count };
constexpr const char* kIssueNames[] = {"collision", "speeding", "hgv", "parking", "road_layout", "other"};
enum Severity : uint8_t { Unknown = 0,
                          Fatal = 1,
                          Serious = 2,
                          Slight = 3 };
constexpr const char* kSeverityNames[] = {"unknown", "fatal", "serious", "slight"};

// A yes/no fact a collision file may or may not record.
enum class Known : uint8_t { Unknown = 0,
                             Yes = 1,
                             No = 2 };

// From the STATS19 collision fields (docs/methods.md has the codes).
struct CollisionCircumstances {
    Known dark = Known::Unknown;      // light_conditions 4-7 (darkness), 1 (daylight)
    Known wet = Known::Unknown;       // road_surface_conditions 2-5 (wet, snow, frost/ice, flood), 1 (dry)
    Known weekend = Known::Unknown;   // day_of_week 1 (Sunday) or 7 (Saturday)
    Known peak = Known::Unknown;      // weekday 07:00-09:59 or 16:00-18:59
    Known junction = Known::Unknown;  // junction_detail: 0 not at or within 20 m of a junction, others a junction
    int16_t speedLimit = -1;          // mph
    uint8_t roadClass = 0;            // first_road_class: 1 M, 2 A(M), 3 A, 4 B, 5 C, 6 unclassified; 0 unknown
    int32_t roadNumber = -1;          // first_road_number; 0 on unclassified roads
};

struct RoadIncidents {
    std::vector<double> x, y;
    std::vector<int32_t> month;
    std::vector<uint8_t> isCollision, issue, severity, urbanRural;  // urbanRural: 0 unknown, 1 urban, 2 rural
    std::vector<std::string> files;                                 // input paths; rows refer to them by index
    std::vector<uint32_t> fileOf;
    std::vector<std::string> id, time;
    std::vector<int64_t> line;
    std::vector<CollisionCircumstances> circumstances;  // default (all unknown) for complaints
    size_t size() const { return x.size(); }
    const std::string& file(size_t i) const { return files[fileOf[i]]; }
};

}  // namespace hotspot
