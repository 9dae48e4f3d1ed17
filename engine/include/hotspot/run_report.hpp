#pragma once
// What a run tells its user: summary lines, the files written, and the incident ledgers that show
// every incident read is accounted for (counted once, or excluded for a stated reason).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hotspot {

// Where the incidents of one count went. Two sums must hold, and the summary says that they do:
//   read     = every "not selected" reason + selected   (rows that are not in this count at all)
//   selected = counted + every exclusion                 (rows this count chose but did not place)
// "counted" is measured where the counts are made (incidents that landed in a written cell or
// area), not derived from the other figures, so a lost incident breaks the second sum.
struct IncidentLedger {
    std::string scope;  // what was counted: "grid cells", "areas of 'ward'", "before (2020): grid cells"
    int64_t read = 0;
    std::vector<std::pair<std::string, int64_t>> notSelected;  // e.g. {"in other months", 120}
    int64_t selected = 0;
    std::vector<std::pair<std::string, int64_t>> excluded;  // e.g. {"outside the study area", 3}
    int64_t counted = 0;

    bool balances() const;
    // "accounting, grid cells: 100 read = 2 rejected + 8 in other months + 90 selected; 90 selected =
    // 88 counted + 2 outside the study area; balanced". Parts that are 0 are still listed, so the
    // line has the same shape in every run of a command with the same options (a filter such as
    // --outcome adds its own part).
    std::string format() const;
};

struct RunReport {
    std::vector<std::string> lines;       // summary for stderr
    std::vector<std::string> outputs;     // files written
    std::vector<IncidentLedger> ledgers;  // printed after the lines
    std::string format() const;
    // Adds a ledger; a ledger that does not balance is a counting fault of the engine
    // (Error(Internal), nothing is committed because callers add ledgers before committing).
    void account(IncidentLedger ledger);
};

}  // namespace hotspot
