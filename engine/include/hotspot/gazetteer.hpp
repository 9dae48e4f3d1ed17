#pragma once
// Address -> point: a gazetteer of named points (streets with locality, postcode centroids),
// exact then fuzzy matching, locality and postcode district to break ties.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace hotspot {

struct GazetteerEntry {
    std::string name;      // as written in the source
    std::string key;       // normalised match key (street) or normalised postcode
    std::string locality;  // normalised locality ("" if unknown)
    std::string district;  // postcode outward code, "" if unknown
    double x = 0, y = 0;   // analysis CRS
    bool isPostcode = false;
};

enum class MatchStatus { Matched,
                         Unmatched,
                         Ambiguous };
enum class MatchMethod { None,
                         Exact,
                         Fuzzy,
                         Postcode };
const char* toString(MatchStatus status);
const char* toString(MatchMethod method);

struct MatchCandidate {
    std::string name;
    std::string locality;
    double score = 0;
    double x = 0, y = 0;
};

struct MatchResult {
    MatchStatus status = MatchStatus::Unmatched;
    MatchMethod method = MatchMethod::None;
    double score = 0;
    double x = 0, y = 0;
    std::string matchedName;
    std::string reason;                      // why unmatched or ambiguous; how ties were broken
    std::vector<MatchCandidate> candidates;  // best candidates (up to 3), for the report
};

struct GazetteerOptions {
    std::string analysisCrs = "EPSG:27700";
    std::string srs;                                      // CRS of x/y columns in a CSV gazetteer (default EPSG:27700)
    std::string nameField, localityField, postcodeField;  // auto-detected when empty
    std::string layer;                                    // OGR layer
};

class Gazetteer {
public:
    // CSV (name, locality, x/y or easting/northing or lon/lat; or a postcode list) or any OGR layer
    // (points; lines give their midpoint, polygons a point on the surface).
    void load(const std::string& path, const GazetteerOptions& options);
    void add(GazetteerEntry entry);

    // minScore: fuzzy matches below it are unmatched. sameStreetMetres: entries with the same key
    // closer than this to each other are treated as one street, not as a tie.
    MatchResult match(std::string_view address, std::string_view localityHint, double minScore = 0.85,
                      double sameStreetMetres = 800) const;
    size_t size() const { return m_entries.size(); }
    const std::vector<GazetteerEntry>& entries() const { return m_entries; }
    size_t postcodeCount() const { return m_postcodes.size(); }
    // What load() left out and why (entries outside the analysis CRS's area of use), a line each.
    const std::vector<std::string>& notes() const { return m_notes; }

private:
    MatchResult resolve(std::vector<uint32_t> ids, const std::vector<std::string>& localities, const std::string& district,
                        MatchMethod method, double score, double sameStreetMetres) const;
    std::vector<GazetteerEntry> m_entries;
    std::unordered_map<std::string, std::vector<uint32_t>> m_byKey;  // street key -> entries
    std::unordered_map<std::string, uint32_t> m_postcodes;           // postcode -> entry
    std::vector<std::string> m_keys;                                 // distinct street keys, for fuzzy search
    std::vector<std::string> m_notes;
};

}  // namespace hotspot
