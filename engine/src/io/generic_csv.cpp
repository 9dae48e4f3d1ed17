// CSV incident reader shared by police.uk street files and generic mapped CSVs.

#include <atomic>
#include <cmath>
#include <unordered_map>

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/readers.hpp"

namespace hotspot {

std::string truncateRecord(std::string_view raw) {
    if (raw.size() <= 500) return std::string(raw);
    return std::string(raw.substr(0, 500)) + "...";
}

namespace {

const std::vector<std::string>& policeUkHeader() {
    static const std::vector<std::string> header = {
        "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
        "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"};
    return header;
}

// Column positions resolved from one file's header.
struct FileColumns {
    std::string path;
    bool police = false;
    size_t fieldCount = 0;
    int id = -1, x = -1, y = -1, lon = -1, lat = -1, address = -1, locality = -1, date = -1, month = -1,
        category = -1, weight = -1, lsoaName = -1;
    std::vector<std::pair<int, std::string>> attributes;  // every column not used by a role
    std::string sourceCrs;
};

int findColumn(const std::vector<std::string>& header, const std::string& name, const std::string& path,
               const char* role, bool required) {
    if (name.empty()) return -1;
    for (size_t i = 0; i < header.size(); ++i)
        if (iequals(header[i], name)) return static_cast<int>(i);
    if (required) {
        std::string list;
        for (const auto& h : header) list += (list.empty() ? "" : ", ") + h;
        throwInput(fmt::format("column '{}' (mapped as {}) is not in the header; the header has: {}", name, role, list),
                   {path, 1, name});
    }
    return -1;
}

FileColumns resolveColumns(const std::string& path, const CsvFileLayout& layout, bool police,
                           const IngestOptions& options) {
    FileColumns c;
    c.path = path;
    c.police = police;
    c.fieldCount = layout.header.size();
    // Duplicate header names would make a mapping ambiguous.
    for (size_t i = 0; i < layout.header.size(); ++i)
        for (size_t j = i + 1; j < layout.header.size(); ++j)
            if (!layout.header[i].empty() && iequals(layout.header[i], layout.header[j]))
                throwInput(fmt::format("duplicate column name '{}' (columns {} and {})", layout.header[i], i + 1, j + 1),
                           {path, 1, layout.header[i]});
    ColumnMapping m = police ? ColumnMapping::policeUk() : options.mapping;
    if (police) {
        for (const auto& name : policeUkHeader()) findColumn(layout.header, name, path, "police.uk column", true);
        if (!options.categoryField.empty()) m.category = options.categoryField;
        c.sourceCrs = "EPSG:4326";
        c.lsoaName = findColumn(layout.header, "LSOA name", path, "", false);
    } else {
        c.sourceCrs = !m.x.empty() ? m.srs : "EPSG:4326";
        if (!m.x.empty() && m.srs.empty())
            throwUsage("x/y columns are mapped but no --srs was given for them", {path, 0, "--srs"});
    }
    c.id = findColumn(layout.header, m.id, path, "id", true);
    c.x = findColumn(layout.header, m.x, path, "x", true);
    c.y = findColumn(layout.header, m.y, path, "y", true);
    c.lon = findColumn(layout.header, m.lon, path, "lon", true);
    c.lat = findColumn(layout.header, m.lat, path, "lat", true);
    c.address = findColumn(layout.header, m.address, path, "address", true);
    c.locality = findColumn(layout.header, m.locality, path, "locality", true);
    c.date = findColumn(layout.header, m.date, path, "date", true);
    c.month = findColumn(layout.header, m.month, path, "month", true);
    c.category = findColumn(layout.header, m.category, path, "category", true);
    c.weight = findColumn(layout.header, m.weight, path, "weight", true);
    const int used[] = {c.x, c.y, c.lon, c.lat, c.address, c.category, c.month, c.date, c.weight, c.locality, c.id};
    for (size_t i = 0; i < layout.header.size(); ++i) {
        bool isUsed = false;
        for (int u : used) isUsed |= (u == static_cast<int>(i));
        if (!isUsed) c.attributes.emplace_back(static_cast<int>(i), layout.header[i].empty() ? fmt::format("field_{}", i + 1) : layout.header[i]);
    }
    return c;
}

enum class NumberStatus { Empty, Ok, Bad };

NumberStatus parseNumber(std::string_view text, double& value) {
    text = trim(text);
    if (text.empty()) return NumberStatus::Empty;
    auto r = fast_float::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return NumberStatus::Bad;
    return NumberStatus::Ok;
}

// police.uk LSOA names read "Northampton 022A": the district name is a good locality.
std::string_view localityFromLsoaName(std::string_view name) {
    name = trim(name);
    size_t space = name.rfind(' ');
    if (space == std::string_view::npos) return name;
    return name.substr(0, space);
}

struct ChunkResult {
    IncidentTable table;
    std::vector<Reject> rejects;
    int64_t rows = 0;
};

void parseChunk(const std::string& bytes, int64_t firstLine, const FileColumns& c, const IngestOptions& options,
                ChunkResult& out) {
    IncidentTable& t = out.table;
    t.files = {c.path};
    std::vector<size_t> attributeSlots;
    for (const auto& [col, name] : c.attributes) attributeSlots.push_back(t.attributeIndex(name));
    const size_t estimate = bytes.size() / 200 + 16;
    t.reserve(estimate);
    CsvCursor cursor(bytes, firstLine);
    CsvRecord rec;
    auto reject = [&](const std::string& field, std::string reason) {
        out.rejects.push_back(Reject{0, rec.line, field, std::move(reason), truncateRecord(rec.raw)});
    };
    while (cursor.next(rec)) {
        ++out.rows;
        if (rec.unterminatedQuote) {
            reject("", "unterminated quoted field (file truncated or a stray quote)");
            continue;
        }
        if (rec.fields.size() != c.fieldCount) {
            reject("", fmt::format("expected {} fields as in the header, found {}", c.fieldCount, rec.fields.size()));
            continue;
        }
        const auto& f = rec.fields;
        auto value = [&](int col) -> std::string_view { return col >= 0 ? trim(f[col]) : std::string_view(); };
        // Category
        std::string_view category = value(c.category);
        if (c.category >= 0 && category.empty()) {
            reject(options.categoryField.empty() && c.police ? "Crime type" : "category", "empty category");
            continue;
        }
        // Month / date
        int32_t month = kNoMonth;
        int day = 0;
        if (c.month >= 0) {
            auto parsed = parseDate(value(c.month));
            if (!parsed) {
                reject(c.police ? "Month" : "month", fmt::format("'{}' is not a month (expected YYYY-MM)", value(c.month)));
                continue;
            }
            month = parsed->first;
        }
        if (c.date >= 0) {
            auto parsed = parseDate(value(c.date));
            if (!parsed) {
                reject("date", fmt::format("'{}' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)", value(c.date)));
                continue;
            }
            month = parsed->first;
            day = parsed->second;
        }
        // Coordinates
        double px = NAN, py = NAN;
        bool hasPoint = false;
        bool bad = false;
        auto readPair = [&](int cx, int cy, const char* nx, const char* ny, bool geographic) {
            double vx = 0, vy = 0;
            NumberStatus sx = parseNumber(f[cx], vx), sy = parseNumber(f[cy], vy);
            if (sx == NumberStatus::Empty && sy == NumberStatus::Empty) return;
            if (sx != NumberStatus::Ok) {
                reject(nx, sx == NumberStatus::Empty ? "empty coordinate while the other is set"
                                                     : fmt::format("'{}' is not a number", trim(f[cx])));
                bad = true;
                return;
            }
            if (sy != NumberStatus::Ok) {
                reject(ny, sy == NumberStatus::Empty ? "empty coordinate while the other is set"
                                                     : fmt::format("'{}' is not a number", trim(f[cy])));
                bad = true;
                return;
            }
            if (!std::isfinite(vx) || !std::isfinite(vy)) {
                reject(std::isfinite(vx) ? ny : nx, "coordinate is not finite");
                bad = true;
                return;
            }
            if (geographic && (vx < -180 || vx > 180)) {
                reject(nx, fmt::format("longitude {} is outside -180..180", vx));
                bad = true;
                return;
            }
            if (geographic && (vy < -90 || vy > 90)) {
                reject(ny, fmt::format("latitude {} is outside -90..90", vy));
                bad = true;
                return;
            }
            if (geographic && vx == 0 && vy == 0) {
                reject(nx, "coordinates are 0,0 (Null Island): a missing location written as zeros");
                bad = true;
                return;
            }
            px = vx;
            py = vy;
            hasPoint = true;
        };
        if (c.lon >= 0) readPair(c.lon, c.lat, c.police ? "Longitude" : "lon", c.police ? "Latitude" : "lat", true);
        if (!bad && !hasPoint && c.x >= 0) readPair(c.x, c.y, "x", "y", false);
        if (bad) continue;
        std::string_view address = value(c.address);
        LocationSource source = LocationSource::Coordinates;
        if (!hasPoint) {
            if (address.empty() || iequals(address, "No Location")) {
                reject(c.police ? "Longitude" : (c.lon >= 0 ? "lon" : (c.x >= 0 ? "x" : "address")),
                       c.address >= 0 ? "no coordinates and no usable address" : "no coordinates");
                continue;
            }
            source = LocationSource::Pending;
        }
        // Weight
        float weight = 1.0f;
        if (c.weight >= 0) {
            double w = 0;
            NumberStatus s = parseNumber(f[c.weight], w);
            if (s != NumberStatus::Ok || !std::isfinite(w) || w < 0) {
                reject("weight", fmt::format("'{}' is not a non-negative number", value(c.weight)));
                continue;
            }
            weight = static_cast<float>(w);
        }
        // Accept the row.
        t.sourceId.push(value(c.id));
        t.x.push_back(NAN);
        t.y.push_back(NAN);
        t.srcX.push_back(px);
        t.srcY.push_back(py);
        t.month.push_back(month);
        t.day.push_back(static_cast<int8_t>(day));
        t.weight.push_back(weight);
        t.category.push(category);
        auto group = options.categories->groupOf(category);
        t.group.push_back(group ? *group : kNoGroup);
        t.location.push(address);
        if (c.locality >= 0)
            t.locality.push(value(c.locality));
        else if (c.lsoaName >= 0)
            t.locality.push(localityFromLsoaName(f[c.lsoaName]));
        else
            t.locality.push({});
        t.fileIndex.push_back(0);
        t.line.push_back(rec.line);
        t.locationSource.push_back(static_cast<uint8_t>(source));
        t.matchScore.push_back(source == LocationSource::Coordinates ? 1.0f : 0.0f);
        for (size_t a = 0; a < c.attributes.size(); ++a)
            t.attributes[attributeSlots[a]].values.push(trim(f[c.attributes[a].first]));
    }
}

}  // namespace

std::vector<FileReadResult> readCsvFiles(const std::vector<std::string>& paths, const std::vector<InputFormat>& formats,
                                         const IngestOptions& options) {
    struct Job {
        size_t file;
        CsvChunk chunk;
    };
    std::vector<FileColumns> columns;
    std::vector<Job> jobs;
    uint64_t totalBytes = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
        CsvFileLayout layout = layoutCsvFile(paths[i]);
        columns.push_back(resolveColumns(paths[i], layout, formats[i] == InputFormat::PoliceUk, options));
        for (const auto& chunk : layout.chunks) {
            jobs.push_back({i, chunk});
            totalBytes += chunk.length;
        }
    }
    std::vector<ChunkResult> chunkResults(jobs.size());
    std::atomic<uint64_t> doneBytes{0};
    if (options.progress) options.progress->begin("Reading CSV");
    parallelFor(jobs.size(), [&](size_t j, unsigned) {
        const Job& job = jobs[j];
        std::string bytes = readFileRange(paths[job.file], job.chunk.offset, job.chunk.length);
        parseChunk(bytes, job.chunk.firstLine, columns[job.file], options, chunkResults[j]);
        doneBytes += job.chunk.length;
        if (options.progress && totalBytes) options.progress->update(double(doneBytes) / double(totalBytes));
    });
    if (options.progress) options.progress->end();

    std::vector<FileReadResult> results(paths.size());
    for (size_t i = 0; i < paths.size(); ++i) {
        results[i].table.files = {paths[i]};
        results[i].stats.path = paths[i];
        results[i].stats.format = formats[i];
        results[i].sourceCrs = columns[i].sourceCrs;
    }
    for (size_t j = 0; j < jobs.size(); ++j) {
        FileReadResult& r = results[jobs[j].file];
        ChunkResult& c = chunkResults[j];
        c.table.files.clear();  // same file: keep a single entry
        r.table.append(c.table);
        r.stats.rows += c.rows;
        for (auto& rej : c.rejects) r.rejects.push_back(std::move(rej));
        c = ChunkResult{};  // free memory early
    }
    for (auto& r : results) {
        r.stats.rejected = static_cast<int64_t>(r.rejects.size());
        r.stats.accepted = static_cast<int64_t>(r.table.size());
    }
    return results;
}

}  // namespace hotspot
