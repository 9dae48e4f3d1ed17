#pragma once
// Reading incidents: police.uk street CSVs, generic CSVs with a column mapping, OGR point layers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hotspot/category_map.hpp"
#include "hotspot/incidents.hpp"
#include "hotspot/outcomes.hpp"
#include "hotspot/options.hpp"

namespace hotspot {

class Progress;

// Which input column plays which role. Empty means "not mapped".
struct ColumnMapping {
    std::string id, x, y, lon, lat, address, locality, date, month, category, weight;
    std::string srs;  // CRS of x/y (EPSG:xxxx, WKT or PROJ string); lon/lat are always EPSG:4326

    // The police.uk street CSV columns.
    static ColumnMapping policeUk();
    static ColumnMapping policeUkStopAndSearch();
    // Parses "role=column,role=column" (roles: id x y lon lat address locality date month category weight).
    static ColumnMapping parse(const std::string& spec);
    bool hasPoint() const { return (!x.empty() && !y.empty()) || (!lon.empty() && !lat.empty()); }
};

// Stats19: DfT road collision CSVs, legacy (Accident_Index, Location_Easting_OSGR, ...) or the
// 2024 schema (collision_index, location_easting_osgr, ...), recognised from the header.
// PoliceUkOutcomes and PoliceUkStopAndSearch are the other two series of a police.uk download:
// they are recognised by their header and set aside by ingest() (they are not incident files).
enum class InputFormat { Auto,
                         PoliceUk,
                         GenericCsv,
                         Ogr,
                         Stats19,
                         PoliceUkOutcomes,
                         PoliceUkStopAndSearch };

// --delimiter: "auto" (from each file's header) or a name; 0 for auto.
inline constexpr ChoiceOption kDelimiterOption{"delimiter", "auto|comma|semicolon|tab|pipe"};
char delimiterFromName(std::string_view name);

// Which police.uk series are the incidents: street (crimes and ASB) or stop and search.
enum class PoliceUkSeries { Street,
                            StopAndSearch };
PoliceUkSeries parsePoliceUkSeries(const std::string& text, const OptionNaming& naming);  // "street" | "stop-and-search"
const char* toString(PoliceUkSeries series);

struct IngestOptions {
    const CategoryMap* categories = nullptr;  // required
    std::string analysisCrs = "EPSG:27700";
    InputFormat format = InputFormat::Auto;
    ColumnMapping mapping;        // for GenericCsv and Ogr; police.uk uses its own
    std::string categoryField;    // police.uk: which column is the category (default "Crime type")
    std::string layer;            // OGR layer name; first layer if empty
    std::string defaultCategory;  // category of rows when no category column is mapped (e.g. "Collision")
    bool keepAttributes = true;   // false: columns without a role are not kept (analysis jobs need none)
    // When not empty: only the columns without a role named here (case-insensitive) are kept, the
    // ones a job reads (roads reads a dozen of a STATS19 file's 36).
    std::vector<std::string> onlyAttributes;
    char delimiter = 0;  // CSV field delimiter; 0: detected from each file's header (, ; tab |)
    // police.uk files of these forces only (e.g. "thames-valley", as in YYYY-MM-<force>-street.csv);
    // empty: every force. Files of other forces are set aside and counted in the summary.
    std::vector<std::string> forces;
    // Which police.uk series are the incidents (stop and search: Type as the category, Date in UTC
    // read as Europe/London, every published field kept). The other series of a download are set
    // aside (outcomes are joined to street crimes).
    PoliceUkSeries series = PoliceUkSeries::Street;
    // Outcome groups of police.uk outcomes; nullptr: the built-in data/categories/police_uk_outcomes.csv.
    const OutcomeMap* outcomeMap = nullptr;
    Progress* progress = nullptr;
};

// An input file that is not read as incidents, with the reason (a police.uk outcomes or
// stop-and-search file beside the street files, another force than --force).
struct SetAsideFile {
    std::string path;
    std::string reason;
};

struct FileStats {
    std::string path;
    InputFormat format = InputFormat::Auto;
    int64_t rows = 0;        // data rows (records) read
    int64_t accepted = 0;    // rows kept in the incident table
    int64_t rejected = 0;    // rows written to the rejects file
    int64_t superseded = 0;  // rows replaced by a later row with the same id (re-loaded months)
    // STATS19 indexes a spreadsheet turned into scientific notation (2.00512E+12): kept as the
    // attribute index_as_written, not used as an id (so never used to de-duplicate).
    int64_t untrustedIds = 0;
    int64_t lonLatFallback = 0;  // STATS19 rows without easting/northing, located by lon/lat
    int64_t latin1Rows = 0;      // rows with text that was not UTF-8, read as Windows-1252 (Latin-1)
    // CSV files: rows that repeat an earlier row of the same file byte for byte. They are kept
    // (police.uk lists each incident; ASB rows without an id are often identical) and reported.
    int64_t repeatedRows = 0;
    // Longitude/latitude rows outside the analysis CRS's area of use that would be inside it with
    // the two swapped: the columns are probably the wrong way round.
    int64_t lonLatSwapped = 0;
    // CSV files: the physical lines, and where each went, so that
    // physicalLines = headerLines + rows + continuationLines + blankLines.
    int64_t physicalLines = 0, headerLines = 0, continuationLines = 0, blankLines = 0;
    char delimiter = ',';
    bool linesBalanced() const { return physicalLines == headerLines + rows + continuationLines + blankLines; }
};

// The per-file findings a summary shows beyond the row counts (repeated rows, swapped longitude
// and latitude, the delimiter, physical lines that do not add up), one indented line each.
std::string describeFileChecks(const FileStats& file, const std::string& indent);

struct IngestResult {
    IncidentTable table;
    std::vector<Reject> rejects;
    std::vector<FileStats> files;
    std::vector<std::string> transformSummaries;                      // which PROJ operation ran, per source CRS
    std::vector<std::pair<std::string, int64_t>> unmappedCategories;  // category, rows
    std::vector<SetAsideFile> setAside;                               // files given (or found in a folder or zip) that are not incidents
    // police.uk outcomes files joined to the crimes (outcome, outcome_group, outcome_month and
    // outcome_source attributes), with their own row accounting and rejects.
    OutcomeStats outcomes;
    std::vector<OutcomeReject> outcomeRejects;
};

// Summary lines for the set-aside files: one per reason with the count and an example.
std::vector<std::string> describeSetAside(const std::vector<SetAsideFile>& files);

// The force of a police.uk file name ("2022-01-thames-valley-street.csv" -> "thames-valley"); "" when
// the name does not follow police.uk's pattern.
std::string policeUkForce(const std::string& path);

// Expands files, globs ("data/2021-*/*.csv"), folders (recursively, *.csv, OGR files and zips) and
// zip archives (a police.uk download as delivered: its members, read in place through /vsizip/)
// into a de-duplicated list, each folder and zip sorted. Throws Error(Input) for a path that matches
// nothing, a zip that cannot be opened or holds no data file.
std::vector<std::string> expandInputPaths(const std::vector<std::string>& specs);

// Detects police.uk street CSVs and STATS19 collision CSVs from their header.
InputFormat detectFormat(const std::string& path);

// Reads all inputs into one table. Later files replace earlier rows with the same id
// (police.uk Crime ID; for ASB rows without an id, month+place+type+occurrence), so a
// re-downloaded month never duplicates. Coordinates are transformed to the analysis CRS;
// rows that only have an address stay LocationSource::Pending for the gazetteer.
IngestResult ingest(const std::vector<std::string>& paths, const IngestOptions& options);

// Rejects made after reading (an unmatched address, a failed transformation) carry no record
// text: this fills it in from the file's physical line (CSV files; the first line of a record that
// spans several), shortened as the readers shorten it.
void attachRawRecords(std::vector<Reject>& rejects, const std::vector<std::string>& files);

// Rejects grouped by field and reason, values in quotes left out (so "'91' is not ..." and
// "'95' is not ..." count as one), commonest first: (count, "field: reason").
std::vector<std::pair<int64_t, std::string>> rejectReasonCounts(const std::vector<Reject>& rejects);

// Throws Error(NoData) when rows were read but none is usable (or nothing was read at all), with
// the commonest reject reasons, so a run never replaces good outputs by empty ones.
void requireUsableRows(const IngestResult& result);

// Parses "YYYY-MM", "YYYY-MM-DD[ T]...", "DD/MM/YYYY[ ...]" into (month, day). nullopt if invalid.
std::optional<std::pair<int32_t, int>> parseDate(std::string_view text);
// A spreadsheet date cell read as its serial number: days since 1899-12-30, as Excel (after its
// 1900 leap-year quirk) and LibreOffice count, a fraction being the time ("44261.5" -> 2021-03-06).
// Only for spreadsheet inputs, where a number in a date column is a date. Years 1900-2200.
std::optional<std::pair<int32_t, int>> excelSerialDate(std::string_view text);
// An ISO 8601 date-time with an offset ("2018-08-31T23:13:35+00:00", police.uk stop and search) as a
// date in Europe/London (GMT, or BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
// last Sunday of October): that row is 2018-09-01. Without a time or an offset: parseDate.
std::optional<std::pair<int32_t, int>> parseLondonDate(std::string_view text);

}  // namespace hotspot
