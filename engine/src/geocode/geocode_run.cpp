#include "hotspot/geocode_run.hpp"

#include <algorithm>
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
    out += fmt::format("  located: {} by coordinates, {} by exact gazetteer match, {} by fuzzy match, {} by postcode; "
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
void writeAgreementTables(OutputStaging& staging, const std::vector<AreaLayer>& layers, const std::vector<LayerStats>& stats,
                          const std::vector<CodeComparison>& comparisons, const std::vector<std::vector<int32_t>>& byPoint,
                          const std::vector<std::string_view>& rowCodes, const IncidentTable& t) {
    CsvWriter agreement(staging.stagedPath("area_agreement.csv"));
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
    CsvWriter diff(staging.stagedPath("area_differences.csv"));
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
    WeightPoints w;
    if (options.censusWeights.empty()) return w;
    IngestOptions io = options.ingest;
    io.mapping = options.censusWeightsMapping;
    io.format = InputFormat::Auto;
    io.progress = nullptr;
    IngestResult d = ingest(expandInputPaths(options.censusWeights), io);
    for (size_t i = 0; i < d.table.size(); ++i)
        if (std::isfinite(d.table.x[i])) w.x.push_back(d.table.x[i]), w.y.push_back(d.table.y[i]), w.w.push_back(d.table.weight[i]);
    return w;
}

}  // namespace

GeocodeSummary runGeocode(const GeocodeOptions& options, Progress& progress) {
    options.validate(OptionNaming::keys());  // the CLI has checked already, with its flag names
    GeocodeSummary summary;
    auto started = Clock::now();

    // Load the reference layers first: a bad area layer should fail before a long read.
    // Specs that share a label are parts of one layer (e.g. one LSOA file per district).
    std::vector<AreaLayer> layers;
    for (const auto& parts : groupByLabel(options.areas)) {
        layers.push_back(AreaLayer::load(parts, options.ingest.analysisCrs));
        for (const auto& note : layers.back().notes()) summary.notes.push_back(note);
    }
    std::vector<CodeLookup> lookups;
    for (const auto& path : options.lookups) lookups.push_back(CodeLookup::load(path));
    for (const auto& lookup : lookups) requireSharedCodes(lookup, layers, lookups);
    std::vector<CensusTable> census;
    for (const auto& spec : options.census) {
        census.push_back(CensusTable::load(spec));
        for (size_t k = 0; k + 1 < census.size(); ++k)
            if (census[k].measure == census.back().measure)
                throwUsage(fmt::format("two census tables of {} ({} and {}): give one residents table and one households table",
                                       toString(census.back().measure), census[k].path, census.back().path));
    }
    Gazetteer gazetteer;
    for (const auto& path : options.gazetteers) {
        GazetteerOptions go = options.gazetteerOptions;
        go.analysisCrs = options.ingest.analysisCrs;
        const size_t notesBefore = gazetteer.notes().size();
        gazetteer.load(path, go);
        for (size_t k = notesBefore; k < gazetteer.notes().size(); ++k) summary.notes.push_back(gazetteer.notes()[k]);
    }

    IngestOptions ingestOptions = options.ingest;
    ingestOptions.progress = &progress;
    std::vector<std::string> paths = expandInputPaths(options.inputs);
    IngestResult in = ingest(paths, ingestOptions);
    summary.secondsRead = secondsSince(started);
    for (const auto& t : in.transformSummaries) summary.notes.push_back("CRS: " + t);
    for (const auto& line : describeSetAside(in.setAside)) summary.notes.push_back(line);
    for (const auto& line : describeOutcomes(in.outcomes)) summary.notes.push_back(line);
    for (const auto& [category, count] : in.unmappedCategories)
        summary.notes.push_back(fmt::format("category '{}' ({} rows) is not in the category mapping: kept with an empty group", category, count));
    IncidentTable& t = in.table;

    // Address -> point for rows without coordinates.
    auto geocodeStart = Clock::now();
    std::vector<std::vector<std::string>> report;  // geocode_report.csv rows
    {
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
                r.reason = "no coordinates and no gazetteer was given (--gazetteer) to geocode the address";
            } else {
                std::string key = address + '\x1f' + locality;
                auto it = cache.find(key);
                if (it == cache.end()) it = cache.emplace(key, gazetteer.match(address, locality, options.minMatchScore)).first;
                r = it->second;
            }
            std::string candidates;
            for (const auto& c : r.candidates)
                candidates += fmt::format("{}{} ({}{:.2f})", candidates.empty() ? "" : "; ", c.name,
                                          c.locality.empty() ? "" : c.locality + ", ", c.score);
            report.push_back({t.files[t.fileIndex[i]], std::to_string(t.line[i]), address, locality, toString(r.status), toString(r.method),
                              fmt::format("{:.3f}", r.score), r.matchedName, r.reason, candidates});
            if (r.status == MatchStatus::Matched) {
                t.x[i] = r.x;
                t.y[i] = r.y;
                t.matchScore[i] = static_cast<float>(r.score);
                LocationSource source = r.method == MatchMethod::Postcode ? LocationSource::Postcode
                                        : r.method == MatchMethod::Exact  ? LocationSource::GazetteerExact
                                                                          : LocationSource::GazetteerFuzzy;
                t.locationSource[i] = static_cast<uint8_t>(source);
                if (source == LocationSource::Postcode) ++summary.byPostcode;
                else if (source == LocationSource::GazetteerExact) ++summary.byGazetteerExact;
                else ++summary.byGazetteerFuzzy;
            } else {
                if (r.status == MatchStatus::Ambiguous) ++summary.addressesAmbiguous;
                else ++summary.addressesUnmatched;
                keep[i] = 0;
                anyRejected = true;
                auto& stats = in.files[t.fileIndex[i]];
                --stats.accepted;
                ++stats.rejected;
                in.rejects.push_back(Reject{t.fileIndex[i], t.line[i], "address",
                                            fmt::format("address '{}' {}: {}{}", address, toString(r.status), r.reason,
                                                        candidates.empty() ? "" : "; best candidates: " + candidates),
                                            ""});
            }
        }
        if (anyRejected) t.compact(keep);
    }
    summary.secondsGeocode = secondsSince(geocodeStart);
    // Every row rejected: stop before the outputs, so good outputs are never replaced by empty ones.
    if (!options.allowEmpty) requireUsableRows(in);

    // Point -> polygon for every area layer.
    auto assignStart = Clock::now();
    std::vector<std::vector<int32_t>> assignment(layers.size());
    std::vector<uint8_t> outside(t.size(), layers.empty() ? 0 : 1);
    for (size_t l = 0; l < layers.size(); ++l) {
        progress.begin("Assigning to " + layers[l].label());
        assignment[l].resize(t.size());
        layers[l].assign(t.x.data(), t.y.data(), t.size(), assignment[l].data());
        progress.end();
        LayerStats stats{layers[l].label(), layers[l].size(), 0, 0};
        for (size_t i = 0; i < t.size(); ++i) {
            if (assignment[l][i] >= 0) {
                ++stats.assigned;
                outside[i] = 0;
            } else {
                ++stats.unassigned;
            }
        }
        summary.layers.push_back(stats);
    }
    summary.secondsAssign = secondsSince(assignStart);

    // The rows' own area codes against their points, per layer the codes reach; with
    // --assign-by code the code decides the area.
    const std::vector<std::string_view> rowCodes = rowAreaCodes(t);
    std::vector<CodeComparison> comparisons(layers.size());
    bool anyCompared = false;
    for (size_t l = 0; l < layers.size(); ++l) {
        LayerStats& stats = summary.layers[l];
        stats.geography = layers[l].geography().known() ? layers[l].geography().describe() : "";
        if (rowCodes.empty() || !codesReachLayer(layers[l], rowCodes, lookups)) {
            if (options.assignByCode) summary.notes.push_back("layer '" + layers[l].label() + "': the rows' area codes are not codes of this layer "
                                                              "(nor carried to it by a lookup): assigned by point");
            continue;
        }
        comparisons[l] = compareAreaCodes(layers[l], assignment[l], rowCodes, t.x.data(), t.y.data(), lookups, options.edgeMetres);
        stats.codesCompared = anyCompared = true;
        stats.agreement = comparisons[l].tally;
        summary.notes.push_back(comparisons[l].describe(layers[l].label()));
        if (options.assignByCode) {
            stats.assigned = stats.unassigned = 0;
            for (int32_t a : comparisons[l].byCode) ++(a >= 0 ? stats.assigned : stats.unassigned);
        }
    }
    if (options.assignByCode && !anyCompared)
        throwUsage("--assign-by code: " + std::string(rowCodes.empty() ? "the rows carry no area code (police.uk 'LSOA code')"
                                                                        : "no area layer holds the rows' area codes, nor does a --lookup carry them to one"));
    std::fill(outside.begin(), outside.end(), layers.empty() ? 0 : 1);
    for (size_t l = 0; l < layers.size(); ++l) {
        const std::vector<int32_t>& used = options.assignByCode && summary.layers[l].codesCompared ? comparisons[l].byCode : assignment[l];
        for (size_t i = 0; i < t.size(); ++i)
            if (used[i] >= 0) outside[i] = 0;
    }
    std::vector<std::vector<int32_t>> byPoint;  // kept for the differences table
    if (options.assignByCode) {
        byPoint = assignment;
        for (size_t l = 0; l < layers.size(); ++l)
            if (summary.layers[l].codesCompared) assignment[l] = comparisons[l].byCode;
    }
    for (uint8_t o : outside) summary.outsideAllAreas += o;

    // Census denominators per polygon of each layer: [layer][measure] (NaN: no figure).
    std::vector<std::array<std::vector<double>, 2>> denominators(layers.size());
    if (!census.empty()) {
        WeightPoints weights = loadWeightPoints(options);
        std::vector<const AreaLayer*> all;
        for (const auto& layer : layers) all.push_back(&layer);
        for (size_t l = 0; l < layers.size(); ++l)
            for (const CensusTable& table : census) {
                AreaDenominator d = denominatorFor(table, layers[l], all, lookups, weights);
                denominators[l][static_cast<size_t>(table.measure)] = std::move(d.values);
                summary.notes.push_back("layer '" + layers[l].label() + "': " + d.method);
            }
    }

    // Accounting.
    summary.files = in.files;
    for (const auto& f : in.files) {
        summary.rows += f.rows;
        summary.accepted += f.accepted;
        summary.rejected += f.rejected;
        summary.superseded += f.superseded;
    }
    if (!options.writeOutputs) return summary;

    // Outputs.
    auto writeStart = Clock::now();
    OutputStaging staging(options.outDir);
    const std::string crs = options.ingest.analysisCrs;
    const CategoryMap& categories = *options.ingest.categories;
    auto groupName = [&](uint16_t g) -> std::string { return g == kNoGroup ? std::string() : categories.groups()[g]; };

    // Column layout shared by the GeoPackage layer and the CSV.
    std::vector<FieldSpec> fields = {{"incident_id", FieldType::Integer64}, {"source_id"}, {"month"}, {"day", FieldType::Integer},
                                     {"category"}, {"group_name"}, {"location"}, {"location_source"},
                                     {"match_score", FieldType::Real}, {"src_x", FieldType::Real}, {"src_y", FieldType::Real},
                                     {"weight", FieldType::Real}};
    for (const auto& layer : layers) {
        fields.push_back({layer.label() + "_code"});
        fields.push_back({layer.label() + "_name"});
    }
    fields.push_back({"outside_areas", FieldType::Integer});
    fields.push_back({"source_file"});
    fields.push_back({"source_line", FieldType::Integer64});
    for (const auto& a : t.attributes) {
        std::string name = fieldNameFor(a.name);
        for (const auto& f : fields)
            if (f.name == name) name = "attr_" + name;
        fields.push_back({name});
    }

    // Area x group x period counts (long format).
    struct SummaryKey {
        size_t layer;
        int32_t area;
        uint16_t group;
        int32_t period;  // index into periodNames, which are in text order
        bool operator<(const SummaryKey& o) const {
            return std::tie(layer, area, group, period) < std::tie(o.layer, o.area, o.group, o.period);
        }
    };
    // Period names per distinct month, numbered in text order so keys sort as the names do.
    std::map<int32_t, std::string> periodOfMonth;
    for (int32_t m : t.month)
        if (!periodOfMonth.count(m)) periodOfMonth.emplace(m, periodKey(m, options.period));
    std::map<std::string, int32_t> periodIndex;
    for (const auto& [m, name] : periodOfMonth) periodIndex.emplace(name, 0);
    std::vector<std::string> periodNames;
    for (auto& [name, index] : periodIndex) index = static_cast<int32_t>(periodNames.size()), periodNames.push_back(name);
    std::unordered_map<int32_t, int32_t> periodOf;
    for (const auto& [m, name] : periodOfMonth) periodOf.emplace(m, periodIndex.at(name));
    std::map<SummaryKey, std::pair<int64_t, double>> areaCounts;
    for (size_t l = 0; l < layers.size(); ++l)
        for (size_t i = 0; i < t.size(); ++i) {
            auto& c = areaCounts[{l, assignment[l][i], t.group[i], periodOf.at(t.month[i])}];
            ++c.first;
            c.second += t.weight[i];
        }
    std::vector<FieldSpec> summaryFields = {{"layer"}, {"area_code"}, {"area_name"}, {"group_name"}, {"period"},
                                            {"incidents", FieldType::Integer64}, {"weighted", FieldType::Real}};
    // Census columns: the denominator of the area and the incidents per 1,000 of it.
    const bool withCensus = !census.empty();
    auto denominatorOf = [&](size_t l, int32_t area, size_t measure) {
        return area >= 0 && !denominators[l][measure].empty() ? denominators[l][measure][area] : NAN;
    };
    auto censusValues = [&](size_t l, int32_t area, double incidents) {
        std::vector<double> v;
        for (size_t m = 0; m < 2; ++m) v.push_back(denominatorOf(l, area, m));
        for (size_t m = 0; m < 2; ++m) v.push_back(v[m] > 0 ? 1000.0 * incidents / v[m] : NAN);
        return v;
    };
    const std::vector<FieldSpec> censusFields = {{"residents", FieldType::Real}, {"households", FieldType::Real},
                                                 {"per_1000_residents", FieldType::Real}, {"per_1000_households", FieldType::Real}};
    if (withCensus) summaryFields.insert(summaryFields.end(), censusFields.begin(), censusFields.end());
    auto summaryRow = [&](const SummaryKey& k) {
        std::string code = k.area >= 0 ? layers[k.layer].code(k.area) : "";
        std::string name = k.area >= 0 ? layers[k.layer].name(k.area) : "(outside every polygon)";
        return std::vector<std::string>{layers[k.layer].label(), code, name, k.group == kNoGroup ? "" : categories.groups()[k.group],
                                        periodNames[k.period]};
    };
    // The CSVs are written on a second thread while this one writes the GeoPackage: both only
    // read the table, and together they are most of the command's time. Paths are staged here,
    // in the order the files are listed.
    const std::string gpkgPath = options.writeGeoPackage ? staging.stagedPath("incidents.gpkg") : std::string();
    const std::string incidentsCsvPath = options.writeCsv ? staging.stagedPath("incidents.csv") : std::string();
    const std::string summaryCsvPath = options.writeCsv ? staging.stagedPath("area_summary.csv") : std::string();
    std::function<void()> writeCsvFiles = [&] {
        {
            CsvWriter csv(incidentsCsvPath);
            csv.field("x").field("y");
            for (const auto& f : fields) csv.field(f.name);
            csv.endRow();
            for (size_t i = 0; i < t.size(); ++i) {
                csv.field(t.x[i], 2).field(t.y[i], 2);
                csv.field(static_cast<int64_t>(i + 1)).field(t.sourceId.at(i)).field(formatMonth(t.month[i]));
                if (t.day[i] > 0) csv.field(static_cast<int64_t>(t.day[i])); else csv.field(std::string_view());
                csv.field(t.category.at(i)).field(groupName(t.group[i])).field(t.location.at(i));
                csv.field(toString(static_cast<LocationSource>(t.locationSource[i]))).field(t.matchScore[i], 3);
                csv.field(t.srcX[i], 6).field(t.srcY[i], 6).field(static_cast<double>(t.weight[i]), 3);
                for (size_t l = 0; l < layers.size(); ++l) {
                    int32_t a = assignment[l][i];
                    csv.field(a >= 0 ? std::string_view(layers[l].code(a)) : std::string_view());
                    csv.field(a >= 0 ? std::string_view(layers[l].name(a)) : std::string_view());
                }
                csv.field(static_cast<int64_t>(outside[i])).field(t.files[t.fileIndex[i]]).field(t.line[i]);
                for (const auto& a : t.attributes) csv.field(a.values.at(i));
                csv.endRow();
            }
            csv.close();
            CsvWriter sum(summaryCsvPath);
            std::vector<std::string> header;
            for (const auto& f : summaryFields) header.push_back(f.name);
            sum.row(header);
            for (const auto& [k, c] : areaCounts) {
                auto row = summaryRow(k);
                row.push_back(std::to_string(c.first));
                row.push_back(fmt::format("{:.3f}", c.second));
                if (withCensus) {
                    const auto v = censusValues(k.layer, k.area, static_cast<double>(c.first));
                    for (size_t m = 0; m < 4; ++m) row.push_back(formatDecimal(v[m], m < 2 ? 1 : 3));
                }
                sum.row(row);
            }
            sum.close();
        }
    };
    BackgroundTask csvFiles(options.writeCsv ? std::move(writeCsvFiles) : std::function<void()>{});
    progress.begin("Writing outputs");
    if (options.writeGeoPackage) {
        VectorWriter gpkg(gpkgPath);
        gpkg.createLayer("incidents", GeometryKind::Point, crs, fields, "Geocoded incidents, one row per accepted input row");
        for (size_t i = 0; i < t.size(); ++i) {
            int f = 0;
            gpkg.setInteger(f++, static_cast<int64_t>(i + 1));
            gpkg.setString(f++, std::string(t.sourceId.at(i)));
            gpkg.setString(f++, formatMonth(t.month[i]));
            if (t.day[i] > 0) gpkg.setInteger(f++, t.day[i]); else gpkg.setNull(f++);
            gpkg.setString(f++, t.category.at(i));
            gpkg.setString(f++, groupName(t.group[i]));
            gpkg.setString(f++, t.location.at(i));
            gpkg.setString(f++, toString(static_cast<LocationSource>(t.locationSource[i])));
            gpkg.setReal(f++, t.matchScore[i]);
            if (std::isfinite(t.srcX[i])) gpkg.setReal(f++, t.srcX[i]); else gpkg.setNull(f++);
            if (std::isfinite(t.srcY[i])) gpkg.setReal(f++, t.srcY[i]); else gpkg.setNull(f++);
            gpkg.setReal(f++, t.weight[i]);
            for (size_t l = 0; l < layers.size(); ++l) {
                int32_t a = assignment[l][i];
                if (a >= 0) {
                    gpkg.setString(f++, layers[l].code(a));
                    gpkg.setString(f++, layers[l].name(a));
                } else {
                    gpkg.setNull(f++);
                    gpkg.setNull(f++);
                }
            }
            gpkg.setInteger(f++, outside[i]);
            gpkg.setString(f++, t.files[t.fileIndex[i]]);
            gpkg.setInteger(f++, t.line[i]);
            for (const auto& a : t.attributes) gpkg.setString(f++, a.values.at(i));
            gpkg.setPoint(t.x[i], t.y[i]);
            gpkg.writeFeature();
            if ((i & 0xFFFF) == 0) progress.update(0.6 * double(i) / double(t.size() + 1));
        }
        // Area polygons with incident counts per group, ready for a choropleth in any GIS.
        for (size_t l = 0; l < layers.size(); ++l) {
            const AreaLayer& layer = layers[l];
            std::vector<FieldSpec> areaFields = {{"code"}, {"name"}, {"area_km2", FieldType::Real}, {"incidents", FieldType::Integer64}};
            for (const auto& g : categories.groups()) areaFields.push_back({"n_" + fieldNameFor(g), FieldType::Integer64});
            if (withCensus) areaFields.insert(areaFields.end(), censusFields.begin(), censusFields.end());
            std::vector<std::vector<int64_t>> counts(layer.size(), std::vector<int64_t>(categories.groups().size() + 1, 0));
            for (size_t i = 0; i < t.size(); ++i) {
                int32_t a = assignment[l][i];
                if (a < 0) continue;
                ++counts[a][0];
                if (t.group[i] != kNoGroup) ++counts[a][t.group[i] + 1];
            }
            gpkg.createLayer("areas_" + layer.label(), GeometryKind::Polygon, crs, areaFields,
                             "Area polygons with the number of incidents assigned to each");
            for (size_t a = 0; a < layer.size(); ++a) {
                gpkg.setString(0, layer.code(a));
                gpkg.setString(1, layer.name(a));
                gpkg.setReal(2, layer.areaSquareMetres(a) / 1e6);
                for (size_t k = 0; k < counts[a].size(); ++k) gpkg.setInteger(static_cast<int>(3 + k), counts[a][k]);
                if (withCensus) {
                    int f = static_cast<int>(3 + counts[a].size());
                    for (double v : censusValues(l, static_cast<int32_t>(a), static_cast<double>(counts[a][0])))
                        if (std::isnan(v)) gpkg.setNull(f++); else gpkg.setReal(f++, v);
                }
                gpkg.setWkb(layer.wkb(a));
                gpkg.writeFeature();
            }
        }
        gpkg.createLayer("area_summary", GeometryKind::None, "", summaryFields, "Incidents per area, group and period");
        for (const auto& [k, c] : areaCounts) {
            auto row = summaryRow(k);
            for (int f = 0; f < 5; ++f) gpkg.setString(f, row[f]);
            gpkg.setInteger(5, c.first);
            gpkg.setReal(6, c.second);
            if (withCensus) {
                int f = 7;
                for (double v : censusValues(k.layer, k.area, static_cast<double>(c.first)))
                    if (std::isnan(v)) gpkg.setNull(f++); else gpkg.setReal(f++, v);
            }
            gpkg.writeFeature();
        }
        gpkg.createLayer("run_info", GeometryKind::None, "", {{"key"}, {"value"}}, "Parameters and provenance of this run");
        std::vector<std::pair<std::string, std::string>> info = {
            {"engine_version", versionString()}, {"libraries", libraryVersions()}, {"analysis_crs", crs},
            {"category_map", categories.source()}, {"period", options.period == Period::Year ? "year" : options.period == Period::Quarter ? "quarter" : "month"},
            {"boundary_rule", "a point covered by several polygons goes to the first in layer order"},
            {"rows", std::to_string(summary.rows)}, {"accepted", std::to_string(summary.accepted)},
            {"rejected", std::to_string(summary.rejected)}, {"superseded", std::to_string(summary.superseded)}};
        for (const auto& path : paths) info.emplace_back("input", path);
        for (const auto& spec : options.areas) info.emplace_back("areas", spec.label + "=" + spec.path + (spec.layer.empty() ? "" : ":" + spec.layer));
        for (const auto& g : options.gazetteers) info.emplace_back("gazetteer", g);
        info.emplace_back("assign_by", options.assignByCode ? "code (the rows' own area codes; point where a layer holds none)" : "point");
        for (const auto& l : options.lookups) info.emplace_back("lookup", l);
        for (const auto& c : census) info.emplace_back("census", std::string(toString(c.measure)) + ": " + c.path + " (" + c.layout + ", " + c.read + ")");
        for (const auto& n : summary.notes) info.emplace_back("note", n);
        for (const auto& [k, v] : info) {
            gpkg.setString(0, k);
            gpkg.setString(1, v);
            gpkg.writeFeature();
        }
        gpkg.close();
        writeGeoPackageStyles(staging.stagedPath("incidents.gpkg"));  // QGIS opens the layers styled
    }

    progress.update(0.7);
    csvFiles.finish();  // rethrows a CSV write failure
    {
        attachRawRecords(in.rejects, in.table.files);
        CsvWriter rejects(staging.stagedPath("rejects.csv"));
        rejects.row({"file", "line", "field", "reason", "record"});
        for (const auto& r : in.rejects)
            rejects.field(in.table.files[r.file]).field(r.line).field(r.field).field(r.reason).field(r.record).endRow();
        for (const auto& r : in.outcomeRejects) rejects.field(r.file).field(r.line).field(r.field).field(r.reason).field(r.record).endRow();
        rejects.close();
        CsvWriter geo(staging.stagedPath("geocode_report.csv"));
        geo.row({"file", "line", "address", "locality", "status", "method", "score", "matched", "reason", "candidates"});
        for (const auto& row : report) geo.row(row);
        geo.close();
    }
    if (anyCompared) {
        writeAgreementTables(staging, layers, summary.layers, comparisons, options.assignByCode ? byPoint : assignment, rowCodes, t);
    }
    if (const AttributeColumn* outcomes = attributeNamed(t, "outcome_group")) {
        CsvWriter out(staging.stagedPath("area_outcomes.csv"));
        out.row({"layer", "area_code", "area_name", "group_name", "outcome_group", "crimes", "share_pct"});
        for (size_t l = 0; l < layers.size(); ++l) {
            // (area, group) -> outcome group -> crimes; rows with no outcome are "(no outcome)".
            std::map<std::pair<int32_t, uint16_t>, std::map<std::string, int64_t>> table;
            std::map<std::tuple<int32_t, uint16_t, uint32_t>, int64_t> byCode;  // (area, group, interned outcome)
            for (size_t i = 0; i < t.size(); ++i) {
                if (t.sourceId.at(i).empty()) continue;  // ASB rows have no Crime ID and no outcome
                ++byCode[{assignment[l][i], t.group[i], outcomes->values.codes[i]}];
            }
            for (const auto& [key, n] : byCode) {
                const std::string& outcome = outcomes->values.pool.at(std::get<2>(key));
                table[{std::get<0>(key), std::get<1>(key)}][outcome.empty() ? "(no outcome)" : outcome] += n;
            }
            for (const auto& [key, byOutcome] : table) {
                int64_t crimes = 0;
                for (const auto& [o, n] : byOutcome) crimes += n;
                for (const auto& [o, n] : byOutcome)
                    out.row({layers[l].label(), key.first >= 0 ? layers[l].code(key.first) : "",
                             key.first >= 0 ? layers[l].name(key.first) : "(outside every polygon)", groupName(key.second), o, std::to_string(n),
                             formatDecimal(100.0 * double(n) / double(crimes), 1)});
            }
        }
        out.close();
    }
    progress.end();
    summary.outputs = staging.commit();
    summary.secondsWrite = secondsSince(writeStart);
    return summary;
}

}  // namespace hotspot
