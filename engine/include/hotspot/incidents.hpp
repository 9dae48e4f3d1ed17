#pragma once
// The in-memory incident table: columnar, so a million police.uk rows fit in ~150 MB.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/strings.hpp"

namespace hotspot {

// How an incident got its analysis-CRS point.
enum class LocationSource : uint8_t {
    Coordinates = 0,     // the input row carried coordinates
    GazetteerExact = 1,  // address matched a gazetteer entry exactly (after normalisation)
    GazetteerFuzzy = 2,  // address matched with a similarity score below 1
    Postcode = 3,        // a postcode in the address matched a postcode centroid
    Pending = 4,         // no coordinates yet: an address waits for the gazetteer
};
const char* toString(LocationSource source);

// Months are stored as year * 12 + (month - 1); kNoMonth when unknown.
constexpr int32_t kNoMonth = -1;
inline int32_t makeMonth(int year, int month) { return year * 12 + (month - 1); }
inline int monthYear(int32_t m) { return m / 12; }
inline int monthOfYear(int32_t m) { return m % 12 + 1; }
std::string formatMonth(int32_t m);  // "YYYY-MM", "" when unknown

constexpr uint16_t kNoGroup = 0xFFFF;

// An input row that could not be used, with the reason. Every input row ends up either
// in the incident table or in the rejects list.
struct Reject {
    uint32_t file = 0;  // index into IncidentTable::files
    int64_t line = 0;   // physical line where the record starts (1-based)
    std::string field;  // the field at fault, if one is
    std::string reason;
    std::string record;  // the raw record text, truncated to 500 bytes
    // police.uk rows rejected for having no location keep what identifies the incident, so a later
    // download of the same month supersedes them (they are then counted once, as superseded).
    std::string incidentKey;  // "I|<Crime ID>", or "N|<month>|<category>|<location>" for id-less rows
    int32_t month = kNoMonth;
};

struct AttributeColumn {
    std::string name;
    InternedColumn values;
};

struct IncidentTable {
    std::vector<std::string> files;  // source file paths; rows refer to them by index

    StringArena sourceId;            // Crime ID / collision index / id field ("" for police.uk ASB)
    std::vector<double> x, y;        // analysis CRS (NaN until located)
    std::vector<double> srcX, srcY;  // coordinates as read (lon/lat or the source CRS), NaN if none
    std::vector<int32_t> month;      // see makeMonth
    std::vector<int8_t> day;         // day of month, 0 when only the month is known
    std::vector<float> weight;       // 1 unless a weight field is mapped
    InternedColumn category;         // source category, as written in the input
    std::vector<uint16_t> group;     // index into CategoryMap::groups(), kNoGroup if unmapped
    InternedColumn location;         // address / "On or near ..." text
    InternedColumn locality;         // locality or postcode used to break gazetteer ties
    std::vector<uint32_t> fileIndex;
    std::vector<int64_t> line;
    std::vector<uint8_t> locationSource;      // LocationSource
    std::vector<float> matchScore;            // 1 for coordinates and exact matches
    std::vector<AttributeColumn> attributes;  // every other input column, kept

    size_t size() const { return x.size(); }
    // Index of the attribute column with this name, adding it (filled with "") if absent.
    size_t attributeIndex(const std::string& name);
    void reserve(size_t rows, size_t idChars = 0);  // idChars 0: 40 per row
    // Faults in the reserved capacity of the fixed-width columns (not the strings' characters, whose
    // reservation is a guess): for a reader about to append that many rows.
    void prefaultReserved();
    // Empties the table but keeps the columns' memory, for a table filled again and again (the
    // CSV reader's chunk tables: refilling memory already touched costs no page faults).
    void clearKeepingMemory();
    // Append all rows of other (re-interning its strings); other.files are appended too.
    void append(const IncidentTable& other);
    // Keep only the rows whose keep flag is set, preserving order.
    void compact(const std::vector<uint8_t>& keep);
};

}  // namespace hotspot
