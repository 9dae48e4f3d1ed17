#pragma once
// The geocode job: read incidents, locate addresses through gazetteers, assign every incident to
// the polygons of each area layer, write the incident layer, area summary, rejects and report.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hotspot/area_layer.hpp"
#include "hotspot/code_agreement.hpp"
#include "hotspot/gazetteer.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/options.hpp"

namespace hotspot {

enum class Period { Month,
                    Quarter,
                    Year };
Period parsePeriod(const std::string& text);          // "month" | "quarter" | "year"; throws Error(Usage)
std::string periodKey(int32_t month, Period period);  // "2021-03" | "2021-Q1" | "2021"

struct GeocodeOptions {
    static constexpr NumberOption kMinScore{.key = "min_score", .min = 0, .max = 1};
    static constexpr ChoiceOption kPeriod{"period", "month|quarter|year"};
    static constexpr ChoiceOption kFormat{"format", "auto|police|csv|ogr"};
    static constexpr ChoiceOption kAssignBy{"assign_by", "point|code"};
    static constexpr NumberOption kEdgeDistance{.key = "edge_distance", .unit = "m", .min = 0, .max = 100'000};

    std::vector<std::string> inputs;  // files, globs or folders
    IngestOptions ingest;
    std::vector<AreaLayerSpec> areas;
    std::vector<std::string> gazetteers;
    GazetteerOptions gazetteerOptions;
    double minMatchScore = 0.85;
    Period period = Period::Month;
    // The area code each row carries (police.uk "LSOA code") against its point: ONS lookups carry
    // codes across vintages (LSOA 2011 -> 2021) and geographies (LSOA -> ward best fit).
    std::vector<std::string> lookups;
    bool assignByCode = false;  // areas from the row's code (attribute join) instead of the point
    double edgeMetres = 100;    // a disagreement this close to the code's polygon is an "edge" case
    // Census denominators: "[residents=|households=]PATH" tables, and optional population points
    // that split census areas between the areas they overlap (else split by land area).
    std::vector<std::string> census;
    std::vector<std::string> censusWeights;
    ColumnMapping censusWeightsMapping;
    std::string outDir = "out";
    bool writeGeoPackage = true;
    bool writeCsv = true;
    bool writeOutputs = true;  // false: compute only (benchmarks)
    bool allowEmpty = false;   // write (empty) outputs even when no input row is usable

    void validate(const OptionNaming& naming) const;
};

struct LayerStats {
    std::string label;
    size_t polygons = 0;
    int64_t assigned = 0;
    int64_t unassigned = 0;
    std::string geography;       // "LSOA 2011", "ward 2022" ... ("" when not ONS)
    bool codesCompared = false;  // rows' own codes compared with the points (see agreement)
    std::array<int64_t, kCodeMatchClasses> agreement{};
};

struct GeocodeSummary {
    std::vector<FileStats> files;
    int64_t rows = 0, accepted = 0, rejected = 0, superseded = 0;
    int64_t byCoordinates = 0, byGazetteerExact = 0, byGazetteerFuzzy = 0, byPostcode = 0;
    int64_t addressesUnmatched = 0, addressesAmbiguous = 0;
    int64_t outsideAllAreas = 0;
    std::vector<LayerStats> layers;
    std::vector<std::string> notes;  // transformations, repaired polygons, unmapped categories
    std::vector<std::string> outputs;
    double secondsRead = 0, secondsGeocode = 0, secondsAssign = 0, secondsWrite = 0;

    // The accounting identity every run must satisfy.
    bool balanced() const { return rows == accepted + rejected + superseded; }
    std::string format() const;  // the run summary printed on stderr
};

// Runs the whole job. Throws hotspot::Error for unusable inputs or outputs.
GeocodeSummary runGeocode(const GeocodeOptions& options, Progress& progress);

}  // namespace hotspot
