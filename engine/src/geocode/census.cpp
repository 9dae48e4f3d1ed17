#include "hotspot/census.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"

namespace hotspot {

const char* toString(CensusMeasure measure) { return measure == CensusMeasure::Residents ? "residents" : "households"; }

double CensusTable::total() const {
    double sum = 0;
    for (const auto& [code, value] : byCode) sum += value;
    return sum;
}

namespace {

int columnNamed(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
    for (const char* name : names)
        for (size_t c = 0; c < header.size(); ++c)
            if (iequals(trim(header[c]), name)) return static_cast<int>(c);
    return -1;
}

bool containsNoCase(std::string_view text, std::string_view part) { return toLowerAscii(text).find(part) != std::string::npos; }

// A count as the census publishes it: digits, perhaps with thousands separators.
double parseCount(std::string_view text, const std::string& path, int64_t line, const std::string& field) {
    std::string digits;
    for (char c : trim(text))
        if (c != ',') digits += c;
    double value = NAN;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value) || value < 0)
        throwInput(fmt::format("'{}' is not a count (a number of 0 or more)", std::string(text)), {path, line, field});
    return value;
}

// Indicator rows that are totals: "All persons", "All usual residents", "Total", "Total: All households".
bool isTotalIndicator(std::string_view indicator) {
    const std::string s = toLowerAscii(trim(indicator));
    return s.rfind("all ", 0) == 0 || s == "total" || s.rfind("total:", 0) == 0 || s.rfind("total ", 0) == 0;
}

}  // namespace

CensusTable CensusTable::load(const std::string& spec) {
    CensusTable t;
    std::string forced;
    t.path = spec;
    for (const char* prefix : {"residents=", "households="})
        if (spec.rfind(prefix, 0) == 0) {
            forced = std::string(prefix, std::string_view(prefix).size() - 1);
            t.path = spec.substr(std::string_view(prefix).size());
        }
    std::vector<int64_t> lines;
    const auto records = parseCsvText(readWholeFile(t.path), &lines);
    if (records.size() < 2) throwInput("the census table has no rows", {t.path, 1});
    const std::vector<std::string>& header = records[0];
    const int code = columnNamed(header, {"geography code", "GEOGRAPHY_CODE", "area_code", "code", "LSOA21CD", "LSOA11CD", "WD22CD",
                                          "WD23CD", "OA21CD", "MSOA21CD", "LAD22CD", "mnemonic"});
    if (code < 0)
        throwInput(
            "no area code column: a census table needs 'geography code' (Nomis bulk CSV), 'area_code' (long format) or an ONS "
            "code column such as LSOA21CD",
            {t.path, 1});
    const int value = columnNamed(header, {"value", "OBS_VALUE", "count"});
    const int indicator = columnNamed(header, {"indicator", "CELL_NAME", "category"});
    const int unit = columnNamed(header, {"unit"});
    const int measures = columnNamed(header, {"measure", "MEASURES_NAME"});
    auto lineOf = [&](size_t r) { return lines.empty() ? static_cast<int64_t>(r + 1) : lines[r]; };

    std::string guessed;                          // the measure the file itself suggests
    std::vector<std::pair<size_t, double>> rows;  // (record, value) to add up
    int valueColumn = value;
    if (value >= 0) {
        // Long format: one row per area and indicator. Totals are used when the file has them,
        // otherwise the indicators are the parts of a whole (household sizes) and are summed.
        bool anyTotal = false;
        if (indicator >= 0)
            for (size_t r = 1; r < records.size(); ++r) anyTotal |= isTotalIndicator(records[r].at(indicator));
        t.layout = "long format";
        t.read = indicator < 0 ? "every row" : anyTotal ? "the total rows of '" + header[indicator] + "'"
                                                        : "the sum of every '" + header[indicator] + "' row";
        for (size_t r = 1; r < records.size(); ++r) {
            const auto& rec = records[r];
            if (rec.size() != header.size())
                throwInput(fmt::format("{} fields where the header has {}", rec.size(), header.size()), {t.path, lineOf(r)});
            if (measures >= 0 && !iequals(trim(rec[measures]), "value") && !iequals(trim(rec[measures]), "count")) continue;
            if (anyTotal && !isTotalIndicator(rec[indicator])) continue;
            if (unit >= 0 && guessed.empty())
                guessed = containsNoCase(rec[unit], "household") ? "households" : containsNoCase(rec[unit], "person") ? "residents"
                                                                                                                      : "";
            rows.emplace_back(r, 0);
        }
    } else {
        // Nomis bulk CSV: one row per area, one column per category; the total column is read.
        valueColumn = -1;
        for (size_t c = static_cast<size_t>(code) + 1; c < header.size() && valueColumn < 0; ++c)
            if (containsNoCase(header[c], "total")) valueColumn = static_cast<int>(c);
        if (valueColumn < 0 && static_cast<size_t>(code) + 1 < header.size()) valueColumn = code + 1;
        if (valueColumn < 0) throwInput("no value column after the area code column", {t.path, 1});
        t.layout = header[static_cast<size_t>(code)] == "geography code" ? "Nomis bulk CSV" : "code,value";
        t.read = "column '" + header[valueColumn] + "'";
        guessed = containsNoCase(header[valueColumn], "household") && !containsNoCase(header[valueColumn], "lives in") ? "households"
                  : containsNoCase(header[valueColumn], "resid") || containsNoCase(header[valueColumn], "person")      ? "residents"
                                                                                                                       : "";
        for (size_t r = 1; r < records.size(); ++r) {
            if (records[r].size() != header.size())
                throwInput(fmt::format("{} fields where the header has {}", records[r].size(), header.size()), {t.path, lineOf(r)});
            rows.emplace_back(r, 0);
        }
    }
    for (const auto& [r, unused] : rows) {
        const auto& rec = records[r];
        const std::string areaCode(trim(rec[code]));
        if (areaCode.empty()) throwInput("empty area code", {t.path, lineOf(r), header[code]});
        t.byCode[areaCode] += parseCount(rec[valueColumn], t.path, lineOf(r), header[valueColumn]);
    }
    if (t.byCode.empty()) throwInput("the census table has no usable rows", {t.path, 1});
    const std::string measure = forced.empty() ? guessed : forced;
    if (measure.empty())
        throwInput("cannot tell whether the table counts residents or households; give it as residents=PATH or households=PATH", {t.path, 1});
    t.measure = measure == "households" ? CensusMeasure::Households : CensusMeasure::Residents;
    return t;
}

bool isCensusTableSpec(const std::string& spec) {
    if (spec.rfind("residents=", 0) == 0 || spec.rfind("households=", 0) == 0) return true;
    if (!(spec.ends_with(".csv") || spec.ends_with(".CSV"))) return false;
    std::vector<std::string> header;
    try {
        header = readCsvHeader(spec);
    } catch (const Error&) {
        return false;  // the points reader reports the problem with the file
    }
    return columnNamed(header, {"geography code", "GEOGRAPHY_CODE"}) >= 0 ||
           (columnNamed(header, {"area_code"}) >= 0 && columnNamed(header, {"value", "OBS_VALUE"}) >= 0);
}

namespace {

// The layer holding most of the table's codes, and how many; {nullptr, 0} when none holds any.
std::pair<const AreaLayer*, size_t> layerOfTable(const CensusTable& table, const std::vector<const AreaLayer*>& layers) {
    std::pair<const AreaLayer*, size_t> best{nullptr, 0};
    for (const AreaLayer* layer : layers) {
        size_t n = 0;
        for (size_t i = 0; i < layer->size(); ++i) n += table.byCode.count(layer->code(i));
        if (n > best.second) best = {layer, n};
    }
    return best;
}

[[noreturn]] void throwNoLayerHolds(const CensusTable& table) {
    throwInput(fmt::format("no area layer holds any of the census table's {} area codes (e.g. {}): give the layer of its geography with -a",
                           table.byCode.size(), table.byCode.begin()->first),
               {table.path, 0});
}

}  // namespace

WeightPoints censusAsPoints(const CensusTable& table, const std::vector<const AreaLayer*>& layers) {
    auto [layer, held] = layerOfTable(table, layers);
    if (!layer) throwNoLayerHolds(table);
    WeightPoints out;
    for (size_t i = 0; i < layer->size(); ++i)
        if (auto it = table.byCode.find(layer->code(i)); it != table.byCode.end()) {
            auto [x, y] = layer->centroid(i);
            out.x.push_back(x), out.y.push_back(y), out.w.push_back(it->second);
        }
    return out;
}

AreaDenominator denominatorFor(const CensusTable& table, const AreaLayer& target, const std::vector<const AreaLayer*>& layers,
                               const std::vector<CodeLookup>& lookups, const WeightPoints& weights) {
    auto held = [&](const AreaLayer& layer) {
        size_t n = 0;
        for (size_t i = 0; i < layer.size(); ++i) n += table.byCode.count(layer.code(i));
        return n;
    };
    AreaDenominator out;
    out.values.assign(target.size(), NAN);
    if (held(target) > 0) {
        for (size_t i = 0; i < target.size(); ++i)
            if (auto it = table.byCode.find(target.code(i)); it != table.byCode.end()) out.values[i] = it->second;
            else ++out.polygonsWithout;
        out.method = fmt::format("{} from {} by area code ({} of {} areas have a figure)", toString(table.measure), table.path,
                                 target.size() - out.polygonsWithout, target.size());
        return out;
    }
    // A lookup that carries (nearly) every code of the table to exactly one code of the target:
    // the areas nest, and sums reproduce the published totals.
    std::unordered_map<std::string, int32_t> polygonOf;
    for (size_t i = 0; i < target.size(); ++i) polygonOf.emplace(target.code(i), static_cast<int32_t>(i));
    for (const CodeLookup& lookup : lookups) {
        const int to = lookup.columnFor(target.codeField()) >= 0 ? lookup.columnFor(target.codeField()) : lookup.columnFor(target.geography());
        if (to < 0) continue;
        std::vector<double> values(target.size(), NAN);
        size_t carried = 0;
        for (const auto& [code, count] : table.byCode)
            for (int from : lookup.columnsHolding(code)) {
                if (from == to) continue;
                const auto targets = lookup.translate(code, from, to);
                auto hit = targets.size() == 1 ? polygonOf.find(targets[0]) : polygonOf.end();
                if (hit == polygonOf.end()) continue;
                values[hit->second] = (std::isnan(values[hit->second]) ? 0 : values[hit->second]) + count;
                ++carried;
                break;
            }
        if (carried == 0 || carried < table.byCode.size() * 9 / 10) continue;
        out.values = std::move(values);
        for (double v : out.values) out.polygonsWithout += std::isnan(v);
        out.method = fmt::format("{} from {} summed through the lookup {} ({} of {} codes carried to one area each)", toString(table.measure),
                                 table.path, lookup.path(), carried, table.byCode.size());
        return out;
    }
    const auto [source, best] = layerOfTable(table, layers);
    if (!source) throwNoLayerHolds(table);

    // Apportioning: each source area's count is split between the target areas it overlaps by
    // the share of its population at risk (the weight points) in each piece, or by the share of
    // its land area where it has no weight points.
    const std::vector<AreaLayer::Overlap> pieces = source->overlaps(target);
    std::vector<double> sourceWeight(source->size(), 0.0);
    std::map<std::pair<uint32_t, uint32_t>, double> pieceWeight;
    if (!weights.x.empty()) {
        std::vector<int32_t> inSource(weights.x.size()), inTarget(weights.x.size());
        source->assign(weights.x.data(), weights.y.data(), weights.x.size(), inSource.data());
        target.assign(weights.x.data(), weights.y.data(), weights.x.size(), inTarget.data());
        for (size_t k = 0; k < weights.x.size(); ++k) {
            if (inSource[k] < 0) continue;
            sourceWeight[inSource[k]] += weights.w[k];
            if (inTarget[k] >= 0) pieceWeight[{static_cast<uint32_t>(inSource[k]), static_cast<uint32_t>(inTarget[k])}] += weights.w[k];
        }
    }
    // Shares per source area; one of 99 % or more takes the whole count: the rest are slivers
    // where two generalised boundary sets do not quite line up, not people.
    std::vector<std::vector<std::pair<uint32_t, double>>> shares(source->size());
    for (const auto& p : pieces) {
        const bool usePoints = sourceWeight[p.self] > 0;
        auto w = pieceWeight.find({p.self, p.other});
        shares[p.self].emplace_back(p.other, usePoints ? (w == pieceWeight.end() ? 0.0 : w->second / sourceWeight[p.self])
                                                       : p.area / source->areaSquareMetres(p.self));
    }
    size_t split = 0, byArea = 0, whole = 0, outside = 0;
    for (uint32_t s = 0; s < source->size(); ++s) {
        auto it = table.byCode.find(source->code(s));
        if (it == table.byCode.end()) continue;
        if (shares[s].empty()) {
            ++outside;
            continue;
        }
        auto largest = std::max_element(shares[s].begin(), shares[s].end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        if (largest->second >= 0.99) shares[s] = {{largest->first, 1.0}}, ++whole;
        else ++split, byArea += !(sourceWeight[s] > 0);
        for (const auto& [t, share] : shares[s]) {
            if (std::isnan(out.values[t])) out.values[t] = 0;
            out.values[t] += it->second * share;
        }
    }
    for (double v : out.values) out.polygonsWithout += std::isnan(v);
    out.method = fmt::format(
        "{} from {} apportioned from layer '{}' ({} of its areas in the table): {} lie within one area (99 % or more), "
        "{} are split between areas by the share of their {} in each, {} lie outside every area",
        toString(table.measure), table.path, source->label(), best, whole, split,
        weights.x.empty() ? "land area" : fmt::format("population points ({} by land area, having none)", byArea), outside);
    return out;
}

WeightPoints readWeightPoints(const std::vector<std::string>& paths, const IngestOptions& ingest, const ColumnMapping& mapping) {
    IngestOptions io = ingest;
    io.mapping = mapping;
    io.format = InputFormat::Auto;
    io.progress = nullptr;
    const IngestResult d = hotspot::ingest(expandInputPaths(paths), io);
    WeightPoints w;
    for (size_t i = 0; i < d.table.size(); ++i)
        if (std::isfinite(d.table.x[i])) w.x.push_back(d.table.x[i]), w.y.push_back(d.table.y[i]), w.w.push_back(d.table.weight[i]);
    return w;
}

}  // namespace hotspot
