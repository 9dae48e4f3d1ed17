#pragma once
// ONS geography: what kind of area a layer holds (LSOA 2011, ward 2022 ...), read from its ONS
// field names (LSOA21CD, WD22CD, LAD22CD ...) or its codes (E01 = LSOA, E05 = ward ...), and ONS
// lookup files (LSOA 2011 -> 2021 with the change indicator, LSOA -> ward best fit) that carry a
// code from one geography to another.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hotspot {

struct OnsGeography {
    std::string entity;  // "LSOA", "MSOA", "OA", "WD", "LAD", ... ("" when not ONS)
    int year = 0;        // 2011, 2021, 2022 ... (0 when the field name does not say)
    bool known() const { return !entity.empty(); }
    std::string describe() const;  // "LSOA 2021", "ward 2022", "LSOA" ...
};

// "LSOA21CD" -> {LSOA, 2021}; "wd22nm" with wantCode false -> {WD, 2022}; anything else -> {}.
OnsGeography onsGeographyOfField(std::string_view fieldName, bool wantCode = true);
// The entity most of the codes belong to by their prefix (E01/W01 LSOA, E02 MSOA, E05 ward,
// E06-E09/W06 LAD, E00 OA); {} when fewer than half are ONS codes of one entity.
OnsGeography onsGeographyOfCodes(const std::vector<std::string>& codes);
// Finer geographies rank lower: OA < LSOA < MSOA < ward < district < county < region; others last.
int onsGeographyRank(const std::string& entity);
// A 9-character GSS code: a country letter (E, W, S, N, K, J, L, M) and 8 digits.
bool isOnsCode(std::string_view code);

// An ONS lookup CSV: every column named like an ONS code field (LSOA11CD, lsoa21cd, WD22CD ...)
// is kept, with the change indicator (CHGIND: S split, M merged, X complex, U unchanged) if there.
class CodeLookup {
public:
    // Throws Error(Input) naming file, line and field for a code that is not a GSS code or a
    // change indicator outside S/M/X/U, and for a file with fewer than two code columns.
    static CodeLookup load(const std::string& path);

    const std::string& path() const { return m_path; }
    const std::vector<std::string>& columns() const { return m_columns; }  // upper case, e.g. LSOA11CD
    size_t rows() const { return m_rows.size(); }
    // The column index a field name or geography refers to (-1 when none).
    int columnFor(const std::string& fieldName) const;
    int columnFor(const OnsGeography& geography) const;
    // Columns in which this code occurs.
    std::vector<int> columnsHolding(const std::string& code) const;
    // Codes in column `to` on the rows whose column `from` holds `code`, each once, in file order.
    std::vector<std::string> translate(const std::string& code, int from, int to) const;
    // Whether any code of one lookup is a code of the other (they can be chained).
    bool sharesCodesWith(const CodeLookup& other) const;
    // The change indicator of the rows whose column `from` holds `code`: 'S', 'M', 'X', 'U', or 0.
    char change(const std::string& code, int from) const;

private:
    std::string m_path;
    std::vector<std::string> m_columns;
    int m_change = -1;
    std::vector<std::vector<std::string>> m_rows;
    std::vector<std::unordered_multimap<std::string, size_t>> m_index;  // per column: code -> rows
};

}  // namespace hotspot
