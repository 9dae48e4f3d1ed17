#include "hotspot/geocode_run.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string_view>
#include <tuple>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/thread_pool.hpp"
#include "hotspot/census.hpp"
#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "io/output_files.hpp"

namespace hotspot {

Period parsePeriod(const std::string& text) {
    std::string t = toLowerAscii(text);
    if (t == "month") return Period::Month;
    if (t == "quarter") return Period::Quarter;
    if (t == "year") return Period::Year;
    throwUsage("period must be month, quarter or year, not '" + text + "'", {"", 0, "period"});
}

std::string periodKey(int32_t month, Period period) {
    if (month == kNoMonth) return "unknown";
    switch (period) {
        case Period::Month: return formatMonth(month);
        case Period::Quarter: return fmt::format("{:04d}-Q{}", monthYear(month), (monthOfYear(month) - 1) / 3 + 1);
        case Period::Year: return fmt::format("{:04d}", monthYear(month));
    }
    return {};
}

std::string GeocodeSummary::format() const {
    std::string out = "Run summary\n";
    for (const auto& f : files) {
        out += fmt::format("  {}: {} rows = {} accepted + {} rejected + {} superseded{}\n", f.path, f.rows, f.accepted, f.rejected,
                           f.superseded, f.rows == f.accepted + f.rejected + f.superseded ? "" : "  (UNBALANCED)");
        if (f.latin1Rows)
            out += fmt::format("    {} rows had text that was not UTF-8: read as Windows-1252 (Latin-1)\n", f.latin1Rows);
        out += describeFileChecks(f, "    ");
    }
    out += fmt::format("  total: {} rows = {} accepted + {} rejected + {} superseded{}\n", rows, accepted, rejected, superseded,
                       balanced() ? "" : "  (UNBALANCED)");
    out += fmt::format(
        "  located: {} by coordinates, {} by exact gazetteer match, {} by fuzzy match, {} by postcode; "
        "{} addresses unmatched, {} ambiguous (see geocode_report.csv)\n",
        byCoordinates, byGazetteerExact, byGazetteerFuzzy, byPostcode, addressesUnmatched, addressesAmbiguous);
    for (const auto& l : layers)
        out += fmt::format("  areas '{}': {} polygons, {} incidents assigned, {} outside every polygon\n", l.label, l.polygons,
                           l.assigned, l.unassigned);
    if (!layers.empty()) out += fmt::format("  outside all area layers (kept, flagged outside_areas=1): {}\n", outsideAllAreas);
    for (const auto& n : notes) out += "  note: " + n + "\n";
    for (const auto& o : outputs) out += "  wrote " + o + "\n";
    return out;
}

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fieldNameFor(const std::string& header) {
    std::string out;
    for (char c : header) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_');
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "f_" + out;
    return out;
}

// A lookup none of whose codes is in any area layer (nor in another lookup it chains with) is the
// wrong file (another area, or not a lookup for these boundaries): refused, not silently unused.
void requireSharedCodes(const CodeLookup& lookup, const std::vector<AreaLayer>& layers, const std::vector<CodeLookup>& lookups) {
    for (const auto& layer : layers)
        for (size_t i = 0; i < layer.size(); ++i)
            if (!lookup.columnsHolding(layer.code(i)).empty()) return;
    for (const auto& other : lookups)
        if (&other != &lookup && other.sharesCodesWith(lookup)) return;
    throwInput(fmt::format("none of the lookup's codes ({} rows, columns {}) is a code of the area layers given with -a: a lookup for "
                           "other areas or other boundaries",
                           lookup.rows(), fmt::join(lookup.columns(), ", ")),
               {lookup.path(), 0});
}

// The area code each row carries: police.uk's "LSOA code", or a column named like an ONS code
// field (LSOA11CD, LSOA21CD). Empty when the rows carry none.
std::vector<std::string_view> rowAreaCodes(const IncidentTable& t) {
    for (const auto& a : t.attributes) {
        if (!iequals(a.name, "LSOA code") && !onsGeographyOfField(a.name).known()) continue;
        std::vector<std::string_view> out(t.size());
        for (size_t i = 0; i < t.size(); ++i) out[i] = trim(a.values.at(i));
        return out;
    }
    return {};
}

const AttributeColumn* attributeNamed(const IncidentTable& t, const std::string& name) {
    for (const auto& a : t.attributes)
        if (a.name == name) return &a;
    return nullptr;
}

// area_agreement.csv: per compared layer, rows per class; area_differences.csv: every row whose
// code and point give different areas, with the class and distance.
void writeAgreementTables(const std::string& agreementPath, const std::string& differencesPath, const std::vector<AreaLayer>& layers,
                          const std::vector<LayerStats>& stats, const std::vector<CodeComparison>& comparisons,
                          const std::vector<std::vector<int32_t>>& byPoint, const std::vector<std::string_view>& rowCodes, const IncidentTable& t) {
    CsvWriter agreement(agreementPath);
    agreement.row({"layer", "geography", "class", "rows", "pct_of_rows_with_code", "agrees", "meaning"});
    for (size_t l = 0; l < layers.size(); ++l) {
        if (!stats[l].codesCompared) continue;
        const CodeComparison& c = comparisons[l];
        for (size_t k = 0; k < kCodeMatchClasses; ++k) {
            const auto m = static_cast<CodeMatch>(k);
            agreement.row({layers[l].label(), stats[l].geography, codeMatchName(m), std::to_string(c.tally[k]),
                           m == CodeMatch::NoCode || c.withCode() == 0 ? "" : formatDecimal(100.0 * double(c.tally[k]) / double(c.withCode()), 2),
                           k <= 1 ? "yes" : "no", codeMatchMeaning(m)});
        }
    }
    agreement.close();
    CsvWriter diff(differencesPath);
    diff.row({"file", "line", "source_id", "layer", "row_code", "point_area", "code_area", "class", "distance_m"});
    for (size_t l = 0; l < layers.size(); ++l) {
        if (!stats[l].codesCompared) continue;
        const CodeComparison& c = comparisons[l];
        for (size_t i = 0; i < t.size(); ++i) {
            const int32_t p = byPoint[l][i], k = c.byCode[i];
            if (p == k) continue;
            diff.field(t.files[t.fileIndex[i]]).field(t.line[i]).field(t.sourceId.at(i)).field(layers[l].label()).field(rowCodes[i]);
            diff.field(p >= 0 ? std::string_view(layers[l].code(p)) : std::string_view());
            diff.field(k >= 0 ? std::string_view(layers[l].code(k)) : std::string_view());
            diff.field(codeMatchName(static_cast<CodeMatch>(c.match[i])));
            diff.field(std::isnan(c.distance[i]) ? std::string() : formatDecimal(c.distance[i], 1));
            diff.endRow();
        }
    }
    diff.close();
}

WeightPoints loadWeightPoints(const GeocodeOptions& options) {
    if (options.censusWeights.empty()) return {};
    return readWeightPoints(options.censusWeights, options.ingest, options.censusWeightsMapping);
}

}  // namespace

namespace {

// The reference data the incidents are joined to. Loaded before the incidents: a bad area layer
// should fail before a long read.
struct ReferenceData {
    std::vector<AreaLayer> layers;
    std::vector<CodeLookup> lookups;
    std::vector<CensusTable> census;
    Gazetteer gazetteer;
};

ReferenceData loadReferenceData(const GeocodeOptions& options, std::vector<std::string>& notes) {
    ReferenceData r;
    // Specs that share a label are parts of one layer (e.g. one LSOA file per district).
    for (const auto& parts : groupByLabel(options.areas)) {
        r.layers.push_back(AreaLayer::load(parts, options.ingest.analysisCrs));
        for (const auto& note : r.layers.back().notes()) notes.push_back(note);
    }
    for (const auto& path : options.lookups) r.lookups.push_back(CodeLookup::load(path));
    for (const auto& lookup : r.lookups) requireSharedCodes(lookup, r.layers, r.lookups);
    for (const auto& spec : options.census) {
        r.census.push_back(CensusTable::load(spec));
        for (size_t k = 0; k + 1 < r.census.size(); ++k)
            if (r.census[k].measure == r.census.back().measure)
                throwUsage(fmt::format("two census tables of {} ({} and {}): give one residents table and one households table",
                                       toString(r.census.back().measure), r.census[k].path, r.census.back().path));
    }
    for (const auto& path : options.gazetteers) {
        GazetteerOptions go = options.gazetteerOptions;
        go.analysisCrs = options.ingest.analysisCrs;
        const size_t notesBefore = r.gazetteer.notes().size();
        r.gazetteer.load(path, go);
        for (size_t k = notesBefore; k < r.gazetteer.notes().size(); ++k) notes.push_back(r.gazetteer.notes()[k]);
    }
    return r;
}

using ReportRows = std::vector<std::vector<std::string>>;  // geocode_report.csv

// Address -> point for the rows without coordinates. A row whose address is unmatched or
// ambiguous becomes a reject (its file's counts move from accepted to rejected) and leaves the table.
ReportRows geocodeAddresses(IngestResult& in, const Gazetteer& gazetteer, const GeocodeOptions& options, GeocodeSummary& summary) {
    IncidentTable& t = in.table;
    ReportRows report;
    std::vector<uint8_t> keep(t.size(), 1);
    bool anyRejected = false;
    std::unordered_map<std::string, MatchResult> cache;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t.locationSource[i] != static_cast<uint8_t>(LocationSource::Pending)) {
            ++summary.byCoordinates;
            continue;
        }
        const std::string& address = t.location.at(i);
        const std::string& locality = t.locality.at(i);
        MatchResult r;
        if (gazetteer.size() == 0) {
            r.reason = "no coordinates and no gazetteer was given (`gazetteer`) to geocode the address";
        } else {
            std::string key = address + '\x1f' + locality;
            auto it = cache.find(key);
            if (it == cache.end()) it = cache.emplace(key, gazetteer.match(address, locality, options.minMatchScore)).first;
            r = it->second;
        }
        std::string candidates;
        for (const auto& c : r.candidates)
            candidates += fmt::format("{}{} ({}{:.2f})", candidates.empty() ? "" : "; ", c.name, c.locality.empty() ? "" : c.locality + ", ", c.score);
        report.push_back({t.files[t.fileIndex[i]], std::to_string(t.line[i]), address, locality, toString(r.status), toString(r.method),
                          fmt::format("{:.3f}", r.score), r.matchedName, r.reason, candidates});
        if (r.status == MatchStatus::Matched) {
            t.x[i] = r.x;
            t.y[i] = r.y;
            t.matchScore[i] = static_cast<float>(r.score);
            const LocationSource source = r.method == MatchMethod::Postcode ? LocationSource::Postcode
                                          : r.method == MatchMethod::Exact  ? LocationSource::GazetteerExact
                                                                            : LocationSource::GazetteerFuzzy;
            t.locationSource[i] = static_cast<uint8_t>(source);
            if (source == LocationSource::Postcode) ++summary.byPostcode;
            else if (source == LocationSource::GazetteerExact) ++summary.byGazetteerExact;
            else ++summary.byGazetteerFuzzy;
            continue;
        }
        if (r.status == MatchStatus::Ambiguous) ++summary.addressesAmbiguous;
        else ++summary.addressesUnmatched;
        keep[i] = 0;
        anyRejected = true;
        auto& stats = in.files[t.fileIndex[i]];
        --stats.accepted;
        ++stats.rejected;
        in.rejects.push_back(Reject{t.fileIndex[i], t.line[i], "address",
                                    fmt::format("address '{}' {}: {}{}", address, toString(r.status), r.reason, candidates.empty() ? "" : "; best candidates: " + candidates),
                                    ""});
    }
    if (anyRejected) t.compact(keep);
    return report;
}

// Which area of each layer every row is counted in: by its point, or with `assign_by` code by
// the row's own area code where the layer holds those codes.
struct AreaAssignment {
    std::vector<std::vector<int32_t>> byLayer;  // [layer][row]: area index, -1 outside every polygon
    std::vector<std::vector<int32_t>> byPoint;  // with `assign_by` code: the point's area (the differences table)
    std::vector<uint8_t> outside;               // [row]: in no area of any layer
    std::vector<std::string_view> rowCodes;     // the rows' own area codes (police.uk "LSOA code")
    std::vector<CodeComparison> comparisons;    // [layer]: the rows' codes against their points
    bool anyCompared = false;
};

AreaAssignment assignAreas(const IncidentTable& t, const ReferenceData& ref, const GeocodeOptions& options, GeocodeSummary& summary, Progress& progress) {
    const std::vector<AreaLayer>& layers = ref.layers;
    AreaAssignment a;
    a.byLayer.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l) {
        progress.begin("Assigning to " + layers[l].label());
        a.byLayer[l].resize(t.size());
        layers[l].assign(t.x.data(), t.y.data(), t.size(), a.byLayer[l].data());
        progress.end();
        LayerStats stats{layers[l].label(), layers[l].size(), 0, 0};
        for (int32_t area : a.byLayer[l]) ++(area >= 0 ? stats.assigned : stats.unassigned);
        summary.layers.push_back(stats);
    }
    // The rows' own area codes against their points, per layer the codes reach.
    a.rowCodes = rowAreaCodes(t);
    a.comparisons.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l) {
        LayerStats& stats = summary.layers[l];
        stats.geography = layers[l].geography().known() ? layers[l].geography().describe() : "";
        if (a.rowCodes.empty() || !codesReachLayer(layers[l], a.rowCodes, ref.lookups)) {
            if (options.assignByCode)
                summary.notes.push_back("layer '" + layers[l].label() + "': the rows' area codes are not codes of this layer (nor carried to it by a lookup): assigned by point");
            continue;
        }
        a.comparisons[l] = compareAreaCodes(layers[l], a.byLayer[l], a.rowCodes, t.x.data(), t.y.data(), ref.lookups, options.edgeMetres);
        stats.codesCompared = a.anyCompared = true;
        stats.agreement = a.comparisons[l].tally;
        summary.notes.push_back(a.comparisons[l].describe(layers[l].label()));
        if (options.assignByCode) {
            stats.assigned = stats.unassigned = 0;
            for (int32_t area : a.comparisons[l].byCode) ++(area >= 0 ? stats.assigned : stats.unassigned);
        }
    }
    if (options.assignByCode && !a.anyCompared)
        throwUsage("`assign_by` code: " + std::string(a.rowCodes.empty() ? "the rows carry no area code (police.uk 'LSOA code')"
                                                                         : "no area layer holds the rows' area codes, nor does a `lookup` carry them to one"));
    if (options.assignByCode) {
        a.byPoint = a.byLayer;
        for (size_t l = 0; l < layers.size(); ++l)
            if (summary.layers[l].codesCompared) a.byLayer[l] = a.comparisons[l].byCode;
    }
    a.outside.assign(t.size(), layers.empty() ? 0 : 1);
    for (const auto& areas : a.byLayer)
        for (size_t i = 0; i < t.size(); ++i)
            if (areas[i] >= 0) a.outside[i] = 0;
    for (uint8_t o : a.outside) summary.outsideAllAreas += o;
    return a;
}

// Census denominators per polygon of each layer: [layer][measure] (NaN: no figure).
using Denominators = std::vector<std::array<std::vector<double>, 2>>;

Denominators censusDenominators(const ReferenceData& ref, const GeocodeOptions& options, std::vector<std::string>& notes) {
    Denominators out(ref.layers.size());
    if (ref.census.empty()) return out;
    WeightPoints weights = loadWeightPoints(options);
    std::vector<const AreaLayer*> all;
    for (const auto& layer : ref.layers) all.push_back(&layer);
    for (size_t l = 0; l < ref.layers.size(); ++l)
        for (const CensusTable& table : ref.census) {
            AreaDenominator d = denominatorFor(table, ref.layers[l], all, ref.lookups, weights);
            out[l][static_cast<size_t>(table.measure)] = std::move(d.values);
            notes.push_back("layer '" + ref.layers[l].label() + "': " + d.method);
        }
    return out;
}

// Residents and households of an area, and the incidents per 1,000 of each (NaN: no figure).
std::array<double, 4> censusValues(const Denominators& denominators, size_t layer, int32_t area, double incidents) {
    std::array<double, 4> v{};
    for (size_t m = 0; m < 2; ++m) v[m] = area >= 0 && !denominators[layer][m].empty() ? denominators[layer][m][static_cast<size_t>(area)] : NAN;
    for (size_t m = 0; m < 2; ++m) v[m + 2] = v[m] > 0 ? 1000.0 * incidents / v[m] : NAN;
    return v;
}

const std::vector<FieldSpec>& censusFields() {
    static const std::vector<FieldSpec> fields = {{"residents", FieldType::Real}, {"households", FieldType::Real}, {"per_1000_residents", FieldType::Real}, {"per_1000_households", FieldType::Real}};
    return fields;
}

// Where the writers send a row's values, in field order: a CSV line or a GeoPackage feature.
struct CsvSink {
    CsvWriter& csv;
    void text(std::string_view v) { csv.field(v); }
    void integer(int64_t v) { csv.field(v); }
    void real(double v, int decimals) { csv.field(v, decimals); }
    void decimal(double v, int decimals) { csv.field(std::string_view(formatDecimal(v, decimals))); }  // halves rounded up
    void null() { csv.field(std::string_view()); }
    void end() { csv.endRow(); }
};

// Texts are bound by reference (setStringView, which refuses a temporary string): every text
// handed to it must outlive the layer being written (the table's columns and pools, the area
// layers' names, literals).
struct GeoPackageSink {
    VectorWriter& gpkg;
    int field = 0;
    template <typename Text>
    void text(Text&& v) {
        gpkg.setStringView(field++, std::forward<Text>(v));
    }
    void integer(int64_t v) { gpkg.setInteger(field++, v); }
    void real(double v, int) {
        if (std::isfinite(v)) gpkg.setReal(field++, v);
        else gpkg.setNull(field++);
    }
    void decimal(double v, int decimals) { real(v, decimals); }
    void null() { gpkg.setNull(field++); }
    void end() { gpkg.writeFeature(); }
};

// The columns of the geocoded incidents, in order: one schema for incidents.gpkg and
// incidents.csv. row() hands row i's values to a sink, so both writers take the same values.
class IncidentColumns {
public:
    IncidentColumns(const IncidentTable& t, const std::vector<AreaLayer>& layers, const AreaAssignment& areas, const CategoryMap& categories)
        : m_t(t), m_layers(layers), m_areas(areas), m_categories(categories) {
        int32_t last = 0;
        for (size_t i = 0; i < t.size(); ++i)
            if (i == 0 || t.month[i] != last) last = t.month[i], m_monthText.try_emplace(last, formatMonth(last));
        m_fields = {{"incident_id", FieldType::Integer64}, {"source_id"}, {"month"}, {"day", FieldType::Integer}, {"category"}, {"group_name"}, {"location"}, {"location_source"}, {"match_score", FieldType::Real}, {"src_x", FieldType::Real}, {"src_y", FieldType::Real}, {"weight", FieldType::Real}};
        for (const auto& layer : layers) {
            m_fields.push_back({layer.label() + "_code"});
            m_fields.push_back({layer.label() + "_name"});
        }
        m_fields.push_back({"outside_areas", FieldType::Integer});
        m_fields.push_back({"source_file"});
        m_fields.push_back({"source_line", FieldType::Integer64});
        for (const auto& a : t.attributes) {
            std::string name = fieldNameFor(a.name);
            for (const auto& f : m_fields)
                if (f.name == name) name = "attr_" + name;
            m_fields.push_back({name});
        }
    }

    const std::vector<FieldSpec>& fields() const { return m_fields; }

    template <typename Sink>
    void row(size_t i, Sink& out) const {
        const IncidentTable& t = m_t;
        out.integer(static_cast<int64_t>(i + 1));
        out.text(t.sourceId.at(i));
        out.text(m_monthText.at(t.month[i]));
        if (t.day[i] > 0) out.integer(t.day[i]);
        else out.null();
        out.text(t.category.at(i));
        out.text(t.group[i] == kNoGroup ? std::string_view() : std::string_view(m_categories.groups()[t.group[i]]));
        out.text(t.location.at(i));
        out.text(toString(static_cast<LocationSource>(t.locationSource[i])));
        out.real(t.matchScore[i], 3);
        out.real(t.srcX[i], 6);
        out.real(t.srcY[i], 6);
        out.real(static_cast<double>(t.weight[i]), 3);
        for (size_t l = 0; l < m_layers.size(); ++l) {
            const int32_t a = m_areas.byLayer[l][i];
            if (a >= 0) {
                out.text(m_layers[l].code(a));
                out.text(m_layers[l].name(a));
            } else {
                out.null();
                out.null();
            }
        }
        out.integer(m_areas.outside[i]);
        out.text(t.files[t.fileIndex[i]]);
        out.integer(t.line[i]);
        for (const auto& a : t.attributes) out.text(a.values.at(i));
    }

private:
    const IncidentTable& m_t;
    const std::vector<AreaLayer>& m_layers;
    const AreaAssignment& m_areas;
    const CategoryMap& m_categories;
    std::vector<FieldSpec> m_fields;
    std::unordered_map<int32_t, std::string> m_monthText;  // "YYYY-MM" of every month in the table, kept for the writers
};

// Incidents per area, group and period (long format), with the census columns when given: one
// schema for the area_summary layer and area_summary.csv.
class AreaSummary {
public:
    AreaSummary(const IncidentTable& t, const ReferenceData& ref, const AreaAssignment& areas, const Denominators& denominators, const CategoryMap& categories,
                Period period)
        : m_ref(ref), m_denominators(denominators), m_categories(categories) {
        // Period names per distinct month, numbered in text order so keys sort as the names do.
        std::map<int32_t, std::string> periodOfMonth;
        for (int32_t m : t.month)
            if (!periodOfMonth.count(m)) periodOfMonth.emplace(m, periodKey(m, period));
        std::map<std::string, int32_t> periodIndex;
        for (const auto& [m, name] : periodOfMonth) periodIndex.emplace(name, 0);
        for (auto& [name, index] : periodIndex) index = static_cast<int32_t>(m_periodNames.size()), m_periodNames.push_back(name);
        std::unordered_map<int32_t, int32_t> periodOf;
        for (const auto& [m, name] : periodOfMonth) periodOf.emplace(m, periodIndex.at(name));
        // Counted under one packed key per row in a hash table, then sorted: a tree lookup per row
        // and layer was most of this summary's time (0.09-0.16 s for 1M rows and two layers).
        // Group slots follow the groups' order, with kNoGroup (the largest value) last.
        const uint64_t groupSlots = categories.groups().size() + 1, periods = m_periodNames.size();
        for (size_t l = 0; l < ref.layers.size(); ++l) {
            std::unordered_map<uint64_t, Count> byKey;
            int32_t lastMonth = 0, lastPeriod = -1;  // rows come in runs of one month
            for (size_t i = 0; i < t.size(); ++i) {
                if (lastPeriod < 0 || t.month[i] != lastMonth) lastMonth = t.month[i], lastPeriod = periodOf.at(lastMonth);
                const uint64_t group = t.group[i] == kNoGroup ? groupSlots - 1 : t.group[i];
                const uint64_t key = (static_cast<uint64_t>(areas.byLayer[l][i] + 1) * groupSlots + group) * periods + static_cast<uint64_t>(lastPeriod);
                Count& c = byKey[key];
                ++c.incidents;
                c.weighted += t.weight[i];
            }
            std::vector<std::pair<uint64_t, Count>> sorted(byKey.begin(), byKey.end());
            std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& [key, c] : sorted) {
                const uint64_t group = key / periods % groupSlots;
                m_counts.push_back({Key{l, static_cast<int32_t>(key / periods / groupSlots) - 1, group == groupSlots - 1 ? kNoGroup : static_cast<uint16_t>(group),
                                        static_cast<int32_t>(key % periods)},
                                    c});
            }
        }
        m_fields = {{"layer"}, {"area_code"}, {"area_name"}, {"group_name"}, {"period"}, {"incidents", FieldType::Integer64}, {"weighted", FieldType::Real}};
        if (!ref.census.empty()) m_fields.insert(m_fields.end(), censusFields().begin(), censusFields().end());
    }

    const std::vector<FieldSpec>& fields() const { return m_fields; }

    // Every row to a sink, in field order.
    template <typename NewRow>
    void rows(NewRow newRow) const {
        for (const auto& [k, c] : m_counts) {
            auto out = newRow();
            const AreaLayer& layer = m_ref.layers[k.layer];
            out.text(layer.label());
            out.text(k.area >= 0 ? std::string_view(layer.code(k.area)) : std::string_view());
            out.text(k.area >= 0 ? std::string_view(layer.name(k.area)) : std::string_view("(outside every polygon)"));
            out.text(k.group == kNoGroup ? std::string_view() : std::string_view(m_categories.groups()[k.group]));
            out.text(m_periodNames[static_cast<size_t>(k.period)]);
            out.integer(c.incidents);
            out.real(c.weighted, 3);
            if (!m_ref.census.empty()) {
                const auto v = censusValues(m_denominators, k.layer, k.area, static_cast<double>(c.incidents));
                for (size_t m = 0; m < 4; ++m) out.decimal(v[m], m < 2 ? 1 : 3);
            }
            out.end();
        }
    }

private:
    struct Key {
        size_t layer;
        int32_t area;
        uint16_t group;
        int32_t period;  // index into m_periodNames, which are in text order
    };
    struct Count {
        int64_t incidents = 0;
        double weighted = 0;
    };
    const ReferenceData& m_ref;
    const Denominators& m_denominators;
    const CategoryMap& m_categories;
    std::vector<std::string> m_periodNames;
    std::vector<std::pair<Key, Count>> m_counts;  // in Key order
    std::vector<FieldSpec> m_fields;
};

// The areas of each layer as polygons with their incidents per group (and census rates): ready
// for a choropleth in any GIS.
void writeAreaLayers(VectorWriter& gpkg, const IncidentTable& t, const ReferenceData& ref, const AreaAssignment& areas, const Denominators& denominators,
                     const CategoryMap& categories, const std::string& crs) {
    const bool withCensus = !ref.census.empty();
    for (size_t l = 0; l < ref.layers.size(); ++l) {
        const AreaLayer& layer = ref.layers[l];
        std::vector<FieldSpec> fields = {{"code"}, {"name"}, {"area_km2", FieldType::Real}, {"incidents", FieldType::Integer64}};
        for (const auto& g : categories.groups()) fields.push_back({"n_" + fieldNameFor(g), FieldType::Integer64});
        if (withCensus) fields.insert(fields.end(), censusFields().begin(), censusFields().end());
        std::vector<std::vector<int64_t>> counts(layer.size(), std::vector<int64_t>(categories.groups().size() + 1, 0));
        for (size_t i = 0; i < t.size(); ++i) {
            const int32_t a = areas.byLayer[l][i];
            if (a < 0) continue;
            ++counts[a][0];
            if (t.group[i] != kNoGroup) ++counts[a][t.group[i] + 1];
        }
        gpkg.createLayer("areas_" + layer.label(), GeometryKind::Polygon, crs, fields, "Area polygons with the number of incidents assigned to each");
        for (size_t a = 0; a < layer.size(); ++a) {
            GeoPackageSink out{gpkg};
            out.text(layer.code(a));
            out.text(layer.name(a));
            out.real(layer.areaSquareMetres(a) / 1e6, 6);
            for (int64_t n : counts[a]) out.integer(n);
            if (withCensus)
                for (double v : censusValues(denominators, l, static_cast<int32_t>(a), static_cast<double>(counts[a][0]))) out.real(v, 3);
            gpkg.setWkb(layer.wkb(a));
            out.end();
        }
    }
}

// The run's parameters and provenance, one key/value row each.
std::vector<std::pair<std::string, std::string>> geocodeRunInfo(const GeocodeOptions& options, const ReferenceData& ref, const std::vector<std::string>& paths,
                                                                const GeocodeSummary& summary) {
    const char* period = options.period == Period::Year ? "year" : options.period == Period::Quarter ? "quarter"
                                                                                                     : "month";
    std::vector<std::pair<std::string, std::string>> info = {
        {"engine_version", versionString()},
        {"libraries", libraryVersions()},
        {"analysis_crs", options.ingest.analysisCrs},
        {"category_map", options.ingest.categories->source()},
        {"period", period},
        {"boundary_rule", "a point covered by several polygons goes to the first in layer order"},
        {"rows", std::to_string(summary.rows)},
        {"accepted", std::to_string(summary.accepted)},
        {"rejected", std::to_string(summary.rejected)},
        {"superseded", std::to_string(summary.superseded)}};
    for (const auto& path : paths) info.emplace_back("input", path);
    for (const auto& spec : options.areas) info.emplace_back("areas", spec.label + "=" + spec.path + (spec.layer.empty() ? "" : ":" + spec.layer));
    for (const auto& g : options.gazetteers) info.emplace_back("gazetteer", g);
    info.emplace_back("assign_by", options.assignByCode ? "code (the rows' own area codes; point where a layer holds none)" : "point");
    for (const auto& l : options.lookups) info.emplace_back("lookup", l);
    for (const auto& c : ref.census) info.emplace_back("census", std::string(toString(c.measure)) + ": " + c.path + " (" + c.layout + ", " + c.read + ")");
    for (const auto& n : summary.notes) info.emplace_back("note", n);
    return info;
}

// police.uk outcomes per area and crime group: (area, group) -> outcome group -> crimes.
void writeAreaOutcomes(const std::string& path, const IncidentTable& t, const AttributeColumn& outcomes, const std::vector<AreaLayer>& layers,
                       const AreaAssignment& areas, const CategoryMap& categories) {
    auto groupName = [&](uint16_t g) -> std::string { return g == kNoGroup ? std::string() : categories.groups()[g]; };
    CsvWriter out(path);
    out.row({"layer", "area_code", "area_name", "group_name", "outcome_group", "crimes", "share_pct"});
    for (size_t l = 0; l < layers.size(); ++l) {
        std::map<std::pair<int32_t, uint16_t>, std::map<std::string, int64_t>> table;  // rows with no outcome: "(no outcome)"
        std::map<std::tuple<int32_t, uint16_t, uint32_t>, int64_t> byCode;             // (area, group, interned outcome)
        for (size_t i = 0; i < t.size(); ++i) {
            if (t.sourceId.at(i).empty()) continue;  // ASB rows have no Crime ID and no outcome
            ++byCode[{areas.byLayer[l][i], t.group[i], outcomes.values.codes[i]}];
        }
        for (const auto& [key, n] : byCode) {
            const std::string& outcome = outcomes.values.pool.at(std::get<2>(key));
            table[{std::get<0>(key), std::get<1>(key)}][outcome.empty() ? "(no outcome)" : outcome] += n;
        }
        for (const auto& [key, byOutcome] : table) {
            int64_t crimes = 0;
            for (const auto& [o, n] : byOutcome) crimes += n;
            for (const auto& [o, n] : byOutcome)
                out.row({layers[l].label(), key.first >= 0 ? layers[l].code(key.first) : "", key.first >= 0 ? layers[l].name(key.first) : "(outside every polygon)",
                         groupName(key.second), o, std::to_string(n), formatDecimal(100.0 * double(n) / double(crimes), 1)});
        }
    }
    out.close();
}

// Every output of a geocode run, staged and committed together.
std::vector<std::string> writeGeocodeOutputs(const GeocodeOptions& options, IngestResult& in, const ReferenceData& ref, const AreaAssignment& areas,
                                             const Denominators& denominators, const ReportRows& report, const std::vector<std::string>& paths,
                                             GeocodeSummary& summary, Progress& progress) {
    const IncidentTable& t = in.table;
    StepTimer timer("geocode write");  // HOTSPOT_PROFILE=1 prints each step's time
    OutputStaging staging(options.outDir);
    const std::string crs = options.ingest.analysisCrs;
    const CategoryMap& categories = *options.ingest.categories;
    const IncidentColumns columns(t, ref.layers, areas, categories);
    const AreaSummary areaSummary(t, ref, areas, denominators, categories, options.period);
    timer.step("area summary");

    // The CSVs are written on a second thread while this one writes the GeoPackage: both only
    // read the table, and together they are most of the command's time. Paths are staged here,
    // in the order the files are listed.
    const std::string gpkgPath = options.writeGeoPackage ? staging.stagedPath("incidents.gpkg") : std::string();
    const std::string incidentsCsvPath = options.writeCsv ? staging.stagedPath("incidents.csv") : std::string();
    const std::string summaryCsvPath = options.writeCsv ? staging.stagedPath("area_summary.csv") : std::string();
    const std::string rejectsPath = staging.stagedPath("rejects.csv"), reportPath = staging.stagedPath("geocode_report.csv");
    const std::string agreementPath = areas.anyCompared ? staging.stagedPath("area_agreement.csv") : std::string();
    const std::string differencesPath = areas.anyCompared ? staging.stagedPath("area_differences.csv") : std::string();
    const AttributeColumn* outcomes = attributeNamed(t, "outcome_group");
    const std::string outcomesPath = outcomes ? staging.stagedPath("area_outcomes.csv") : std::string();
    BackgroundTask csvFiles([&] {
        if (options.writeCsv) {
            CsvWriter csv(incidentsCsvPath);
            csv.field("x").field("y");
            for (const auto& f : columns.fields()) csv.field(f.name);
            csv.endRow();
            for (size_t i = 0; i < t.size(); ++i) {
                csv.field(t.x[i], 2).field(t.y[i], 2);
                CsvSink out{csv};
                columns.row(i, out);
                out.end();
            }
            csv.close();
            CsvWriter sum(summaryCsvPath);
            for (const auto& f : areaSummary.fields()) sum.field(f.name);
            sum.endRow();
            areaSummary.rows([&] { return CsvSink{sum}; });
            sum.close();
        }
        // The smaller tables follow on the same thread: the GeoPackage takes longer than the CSVs.
        writeIngestRejects(rejectsPath, in);  // changes the rejects only; the table is only read
        CsvWriter geo(reportPath);
        geo.row({"file", "line", "address", "locality", "status", "method", "score", "matched", "reason", "candidates"});
        for (const auto& row : report) geo.row(row);
        geo.close();
        if (areas.anyCompared)
            writeAgreementTables(agreementPath, differencesPath, ref.layers, summary.layers, areas.comparisons,
                                 options.assignByCode ? areas.byPoint : areas.byLayer, areas.rowCodes, t);
        if (outcomes) writeAreaOutcomes(outcomesPath, t, *outcomes, ref.layers, areas, categories);
    });
    progress.begin("Writing outputs");
    if (options.writeGeoPackage) {
        // Rows inserted on this thread: the CSVs have the other core (an inserting thread measured
        // 0.1-0.2 s slower here, three threads on two cores).
        VectorWriter gpkg(gpkgPath, "GPKG", options.writeCsv ? RowInsertion::CallerThread : RowInsertion::OwnThread);
        gpkg.createLayer("incidents", GeometryKind::Point, crs, columns.fields(), "Geocoded incidents, one row per accepted input row");
        gpkg.expectRows(t.size());
        for (size_t i = 0; i < t.size(); ++i) {
            GeoPackageSink out{gpkg};
            columns.row(i, out);
            gpkg.setPoint(t.x[i], t.y[i]);
            out.end();
            if ((i & 0xFFFF) == 0) progress.update(0.6 * double(i) / double(t.size() + 1));
        }
        timer.step("incident rows");
        writeAreaLayers(gpkg, t, ref, areas, denominators, categories, crs);
        gpkg.createLayer("area_summary", GeometryKind::None, "", areaSummary.fields(), "Incidents per area, group and period");
        areaSummary.rows([&] { return GeoPackageSink{gpkg}; });
        gpkg.createLayer("run_info", GeometryKind::None, "", {{"key"}, {"value"}}, "Parameters and provenance of this run");
        for (const auto& [k, v] : geocodeRunInfo(options, ref, paths, summary)) {
            gpkg.setString(0, k);
            gpkg.setString(1, v);
            gpkg.writeFeature();
        }
        timer.step("other layers");
        gpkg.close();
        timer.step("close (R-tree, sync)");
        writeGeoPackageStyles(gpkgPath);  // QGIS opens the layers styled
    }
    progress.update(0.7);
    csvFiles.finish();  // rethrows a CSV write failure
    timer.step("styles, wait for the CSVs");
    progress.end();
    auto committed = staging.commit();
    timer.step("commit");
    return committed;
}

}  // namespace

// Reference data, incidents, address geocoding, area assignment, census denominators, outputs.
GeocodeSummary runGeocode(const GeocodeOptions& options, Progress& progress) {
    options.validate(OptionNaming::keys());  // the CLI has checked already, with its flag names
    GeocodeSummary summary;
    auto started = Clock::now();
    const ReferenceData ref = loadReferenceData(options, summary.notes);

    IngestOptions ingestOptions = options.ingest;
    ingestOptions.progress = &progress;
    const std::vector<std::string> paths = expandInputPaths(options.inputs);
    IngestResult in = ingest(paths, ingestOptions);
    summary.secondsRead = secondsSince(started);
    for (const auto& t : in.transformSummaries) summary.notes.push_back("CRS: " + t);
    for (const auto& line : describeSetAside(in.setAside)) summary.notes.push_back(line);
    for (const auto& line : describeOutcomes(in.outcomes)) summary.notes.push_back(line);
    for (const auto& [category, count] : in.unmappedCategories)
        summary.notes.push_back(fmt::format("category '{}' ({} rows) is not in the category mapping: kept with an empty group", category, count));

    const auto geocodeStart = Clock::now();
    const ReportRows report = geocodeAddresses(in, ref.gazetteer, options, summary);
    summary.secondsGeocode = secondsSince(geocodeStart);
    // Every row rejected: stop before the outputs, so good outputs are never replaced by empty ones.
    if (!options.allowEmpty) requireUsableRows(in);

    const auto assignStart = Clock::now();
    const AreaAssignment areas = assignAreas(in.table, ref, options, summary, progress);
    summary.secondsAssign = secondsSince(assignStart);
    const Denominators denominators = censusDenominators(ref, options, summary.notes);

    summary.files = in.files;
    for (const auto& f : in.files) {
        summary.rows += f.rows;
        summary.accepted += f.accepted;
        summary.rejected += f.rejected;
        summary.superseded += f.superseded;
    }
    if (!options.writeOutputs) return summary;
    const auto writeStart = Clock::now();
    summary.outputs = writeGeocodeOutputs(options, in, ref, areas, denominators, report, paths, summary, progress);
    summary.secondsWrite = secondsSince(writeStart);
    return summary;
}

}  // namespace hotspot
