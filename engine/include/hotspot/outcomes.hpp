#pragma once
// police.uk outcomes: the outcome group of each published outcome (a data file users can change),
// and the join of outcomes files to crimes by Crime ID. An outcome often arrives months after the
// crime, so outcomes files of any month join to crimes of the loaded months; each crime gets its
// latest outcome.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

class OutcomeMap {
public:
    static OutcomeMap builtinDefault();  // data/categories/police_uk_outcomes.csv, compiled in
    static OutcomeMap fromFile(const std::string& path);
    static OutcomeMap fromText(std::string_view text, const std::string& sourceName);

    // The group of an outcome (case-insensitive); an unlisted outcome is its own group.
    std::string groupOf(std::string_view outcome) const;
    bool knows(std::string_view outcome) const;
    const std::vector<std::string>& groups() const { return m_groups; }
    const std::string& source() const { return m_source; }

private:
    std::map<std::string, std::string> m_byOutcome;  // lower-case outcome -> group
    std::vector<std::string> m_groups;
    std::string m_source;
};

// An outcomes row that could not be used.
struct OutcomeReject {
    std::string file;
    int64_t line = 0;
    std::string field, reason, record;
};

// Where the rows of the outcomes files went: rows = applied + earlier + ofRejectedCrimes + notLoaded + rejected.
struct OutcomeStats {
    int64_t files = 0, rows = 0;
    int64_t applied = 0;                              // the latest outcome of a loaded crime: joined
    int64_t earlier = 0;                              // an earlier outcome of a crime that has a later one
    int64_t ofRejectedCrimes = 0;                     // outcomes of crimes whose street row was rejected (no location)
    int64_t notLoaded = 0;                            // outcomes of crimes not in the loaded street files (other months, other forces)
    int64_t rejected = 0;                             // no Crime ID, a bad month, no outcome type
    int64_t crimesWithOutcome = 0;                    // loaded crimes whose outcome comes from an outcomes file
    int64_t crimesWithStreetOutcome = 0;              // loaded crimes with only the street file's "Last outcome category"
    std::map<std::string, int64_t> unmappedOutcomes;  // outcome -> crimes (not in the outcome map)
    bool balances() const { return rows == applied + earlier + ofRejectedCrimes + notLoaded + rejected; }
    std::string describe() const;  // the summary line
};

// Summary lines: the outcomes accounting (when outcomes files were read) and outcomes missing from
// the outcome map; none when the inputs have no police.uk outcomes.
std::vector<std::string> describeOutcomes(const OutcomeStats& stats);

}  // namespace hotspot
