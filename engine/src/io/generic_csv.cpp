// CSV incident reader shared by police.uk street files and generic mapped CSVs.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
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

namespace {
bool isValidUtf8(std::string_view s);
std::string windows1252ToUtf8(std::string_view s);
}  // namespace

std::string truncateRecord(std::string_view raw) {
    std::string text = isValidUtf8(raw) ? std::string(raw) : windows1252ToUtf8(raw);
    if (text.size() <= 500) return text;
    size_t cut = 500;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    return text.substr(0, cut) + "...";
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
    bool stats19 = false;
    bool stopSearch = false;  // police.uk stop and search: Date is UTC, read as Europe/London
    size_t fieldCount = 0;
    int id = -1, x = -1, y = -1, lon = -1, lat = -1, address = -1, locality = -1, date = -1, month = -1,
        category = -1, weight = -1, lsoaName = -1;
    std::vector<std::pair<int, std::string>> attributes;  // every column not used by a role
    std::string sourceCrs;
    std::string xName = "x", yName = "y";  // field names used in rejects
    std::string constantCategory;          // when no category column is mapped
    char delimiter = ',';
    bool crOnly = false;  // chunks need CR -> LF before parsing
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

// The STATS19 column roles; both schemas name the same fields, in different case and words.
ColumnMapping stats19Mapping(const std::vector<std::string>& header) {
    auto pick = [&](std::initializer_list<const char*> names) -> std::string {
        for (const char* name : names)
            for (const auto& h : header)
                if (iequals(h, name)) return h;
        return {};
    };
    ColumnMapping m;
    m.id = pick({"Accident_Index", "collision_index"});
    m.x = pick({"Location_Easting_OSGR"});
    m.y = pick({"Location_Northing_OSGR"});
    m.srs = "EPSG:27700";
    m.lon = pick({"Longitude"});
    m.lat = pick({"Latitude"});
    if (m.lon.empty() || m.lat.empty()) m.lon.clear(), m.lat.clear();
    m.date = pick({"Date"});
    return m;
}

FileColumns resolveColumns(const std::string& path, const CsvFileLayout& layout, InputFormat format,
                           const IngestOptions& options) {
    const bool police = format == InputFormat::PoliceUk;
    FileColumns c;
    c.path = path;
    c.police = police;
    c.stats19 = format == InputFormat::Stats19;
    c.stopSearch = format == InputFormat::PoliceUkStopAndSearch;
    c.fieldCount = layout.header.size();
    c.delimiter = layout.delimiter;
    c.crOnly = layout.crOnly;
    // Duplicate header names would make a mapping ambiguous.
    for (size_t i = 0; i < layout.header.size(); ++i)
        for (size_t j = i + 1; j < layout.header.size(); ++j)
            if (!layout.header[i].empty() && iequals(layout.header[i], layout.header[j]))
                throwInput(fmt::format("duplicate column name '{}' (columns {} and {})", layout.header[i], i + 1, j + 1),
                           {path, 1, layout.header[i]});
    ColumnMapping m = police         ? ColumnMapping::policeUk()
                      : c.stats19    ? stats19Mapping(layout.header)
                      : c.stopSearch ? ColumnMapping::policeUkStopAndSearch()
                                     : options.mapping;
    if (c.stats19) {
        // Easting/northing are the surveyed position; lon/lat (derived from them) only fill gaps.
        c.sourceCrs = m.srs;
        c.xName = m.x;
        c.yName = m.y;
        c.constantCategory = "Collision";
        if (m.date.empty()) throwInput("STATS19 file without a Date column", {path, 1, "Date"});
    } else if (c.stopSearch) {
        c.sourceCrs = "EPSG:4326";
    } else if (police) {
        for (const auto& name : policeUkHeader()) findColumn(layout.header, name, path, "police.uk column", true);
        if (!options.categoryField.empty()) m.category = options.categoryField;
        c.sourceCrs = "EPSG:4326";
        c.lsoaName = findColumn(layout.header, "LSOA name", path, "", false);
    } else {
        c.sourceCrs = !m.x.empty() ? m.srs : "EPSG:4326";
        if (!m.x.empty() && m.srs.empty())
            throwUsage("x/y columns are mapped but no `srs` was given for them", {path, 0, "srs"});
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
    if (c.category < 0 && c.constantCategory.empty()) c.constantCategory = options.defaultCategory;
    // A STATS19 index is also kept as written, because a mangled one is not used as the id.
    // A search's Date is kept as published too: its time of day and UTC offset are data, and so is
    // a STATS19 Date (the legacy files hold the time in it: "01/01/2005 09:45").
    const int used[] = {c.x, c.y, c.lon, c.lat, c.address, c.category, c.month, c.stopSearch || c.stats19 ? -1 : c.date, c.weight, c.locality,
                        c.stats19 ? -1 : c.id};
    for (size_t i = 0; i < layout.header.size(); ++i) {
        // police.uk's own outcome is kept even when no attribute is: outcome groups and the
        // --outcome filter are made from it (with the outcomes files' later outcomes).
        if (!options.keepAttributes && !(police && iequals(layout.header[i], "Last outcome category"))) continue;
        bool isUsed = false;
        for (int u : used) isUsed |= (u == static_cast<int>(i));
        if (!isUsed) c.attributes.emplace_back(static_cast<int>(i), layout.header[i].empty() ? fmt::format("field_{}", i + 1) : layout.header[i]);
    }
    return c;
}

enum class NumberStatus { Empty,
                          Ok,
                          Bad };

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
    std::vector<uint64_t> rowHashes;  // of every record's bytes, to count rows repeated within a file
    int64_t blankLines = 0, continuationLines = 0;
    int64_t rows = 0;
    int64_t untrustedIds = 0;
    int64_t latin1Rows = 0;
    std::vector<uint32_t> lonLatRows;  // rows of table whose srcX/srcY are lon/lat (STATS19 fallback)
};

// "2.00512E+12": what a spreadsheet makes of a 13-digit STATS19 index. Digits are lost.
bool isScientificNotation(std::string_view text) {
    const size_t e = text.find_first_of("eE");
    if (e == std::string_view::npos || e == 0 || e + 1 >= text.size()) return false;
    for (size_t i = 0; i < e; ++i)
        if (!(std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) return false;
    size_t i = e + 1;
    if (text[i] == '+' || text[i] == '-') ++i;
    if (i >= text.size()) return false;
    for (; i < text.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    return true;
}

bool isValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        const size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0            ? 3
                                                  : c >= 0xC2 && c <= 0xDF ? 2
                                                                           : 0;
        if (n == 0 || (c >= 0xE0 && c < 0xF0 && n != 3) || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

// Windows-1252 (a superset of Latin-1 in practice: what old council systems and Excel write) to UTF-8.
std::string windows1252ToUtf8(std::string_view s) {
    static const char16_t k80[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                     0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                     0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(s.size() + 8);
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const char32_t u = c < 0x80 ? c : c < 0xA0 ? k80[c - 0x80]
                                                   : c;
        if (u < 0x80) {
            out.push_back(static_cast<char>(u));
        } else if (u < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (u >> 6)));
            out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xE0 | (u >> 12)));
            out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
        }
    }
    return out;
}

// DfT extracts write a missing value as NULL (older files) or -1 (coded fields).
std::string_view withoutNullMarker(std::string_view text) { return iequals(trim(text), "NULL") ? std::string_view() : text; }

void parseChunk(const std::string& bytes, int64_t firstLine, const FileColumns& c, uint32_t fileIndex, const IngestOptions& options,
                ChunkResult& out) {
    IncidentTable& t = out.table;  // no files of its own: fileIndex refers to the batch's files
    std::vector<size_t> attributeSlots;
    for (const auto& [col, name] : c.attributes) attributeSlots.push_back(t.attributeIndex(name));
    const size_t estimate = bytes.size() / 200 + 16;
    t.reserve(estimate);
    CsvCursor cursor(bytes, firstLine, c.delimiter);
    cursor.setExpectedFields(c.fieldCount);
    CsvRecord rec;
    std::vector<std::string> recodedFields;  // holds recoded text while the record's views point at it
    constexpr uint32_t kUnknownGroup = 0xFFFFFFFF;
    std::vector<uint32_t> groupOfCode;
    auto reject = [&](const std::string& field, std::string reason) {
        out.rejects.push_back(Reject{fileIndex, rec.line, field, std::move(reason), truncateRecord(rec.raw)});
    };
    while (cursor.next(rec)) {
        ++out.rows;
        out.rowHashes.push_back(std::hash<std::string_view>{}(rec.raw));
        if (rec.strayQuote) {
            reject("",
                   "a quote opened on this line is not closed on it, and the lines after it do not make one record (a stray \" "
                   "in a field?): this line is rejected, the next lines are read as records");
            continue;
        }
        if (rec.raw.find('\0') != std::string_view::npos) {
            reject("", "the line holds NUL bytes (0x00), which text never does: rejected");
            continue;
        }
        if (rec.unterminatedQuote) {
            reject("", "unterminated quoted field (file truncated or a stray quote)");
            continue;
        }
        if (rec.fields.size() != c.fieldCount) {
            reject("", fmt::format("expected {} fields as in the header, found {}", c.fieldCount, rec.fields.size()));
            continue;
        }
        // Text that is not UTF-8 is read as Windows-1252 (counted), so the outputs stay valid UTF-8.
        bool recoded = false;
        for (const auto& field : rec.fields) recoded = recoded || !isValidUtf8(field);
        if (recoded) {
            recodedFields.assign(rec.fields.size(), std::string());  // sized once: the views below stay valid
            for (size_t k = 0; k < rec.fields.size(); ++k)
                if (!isValidUtf8(rec.fields[k])) recodedFields[k] = windows1252ToUtf8(rec.fields[k]), rec.fields[k] = recodedFields[k];
            ++out.latin1Rows;
        }
        const auto& f = rec.fields;
        auto value = [&](int col) -> std::string_view { return col >= 0 ? trim(f[col]) : std::string_view(); };
        // Category
        std::string_view category = c.category >= 0 ? value(c.category) : std::string_view(c.constantCategory);
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
            auto parsed = c.stopSearch ? parseLondonDate(value(c.date)) : parseDate(value(c.date));
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
            std::string_view tx = f[cx], ty = f[cy];
            if (c.stats19) tx = withoutNullMarker(tx), ty = withoutNullMarker(ty);
            NumberStatus sx = parseNumber(tx, vx), sy = parseNumber(ty, vy);
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
        bool lonLatFallback = false;
        if (c.stats19) {
            readPair(c.x, c.y, c.xName.c_str(), c.yName.c_str(), false);
            if (!bad && !hasPoint && c.lon >= 0) {
                readPair(c.lon, c.lat, "Longitude", "Latitude", true);
                lonLatFallback = hasPoint;
            }
        } else {
            if (c.lon >= 0) readPair(c.lon, c.lat, c.police ? "Longitude" : "lon", c.police ? "Latitude" : "lat", true);
            if (!bad && !hasPoint && c.x >= 0) readPair(c.x, c.y, "x", "y", false);
        }
        if (bad) continue;
        std::string_view address = value(c.address);
        LocationSource source = LocationSource::Coordinates;
        if (!hasPoint) {
            if (address.empty() || iequals(address, "No Location")) {
                reject(c.police ? "Longitude" : (c.lon >= 0 ? "lon" : (c.x >= 0 ? "x" : "address")),
                       c.address >= 0 ? "no coordinates and no usable address" : "no coordinates");
                if (c.police) {
                    Reject& r = out.rejects.back();
                    const std::string_view id = value(c.id);
                    r.incidentKey = !id.empty() ? "I|" + std::string(id) : fmt::format("N|{}|{}|{}", month, category, address);
                    r.month = month;
                }
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
        std::string_view id = value(c.id);
        if (c.stats19 && isScientificNotation(id)) {
            id = {};
            ++out.untrustedIds;
        }
        if (lonLatFallback) out.lonLatRows.push_back(static_cast<uint32_t>(t.size()));
        t.sourceId.push(id);
        t.x.push_back(NAN);
        t.y.push_back(NAN);
        t.srcX.push_back(px);
        t.srcY.push_back(py);
        t.month.push_back(month);
        t.day.push_back(static_cast<int8_t>(day));
        t.weight.push_back(weight);
        const uint32_t categoryCode = t.category.pool.intern(category);
        t.category.codes.push_back(categoryCode);
        // The mapping is looked up once per distinct category of the chunk, not per row.
        if (categoryCode >= groupOfCode.size()) {
            groupOfCode.resize(categoryCode + 1, kUnknownGroup);
        }
        if (groupOfCode[categoryCode] == kUnknownGroup) {
            auto group = options.categories->groupOf(category);
            groupOfCode[categoryCode] = group ? *group : kNoGroup;
        }
        t.group.push_back(static_cast<uint16_t>(groupOfCode[categoryCode]));
        t.location.push(address);
        if (c.locality >= 0)
            t.locality.push(value(c.locality));
        else if (c.lsoaName >= 0)
            t.locality.push(localityFromLsoaName(f[c.lsoaName]));
        else
            t.locality.push({});
        t.fileIndex.push_back(fileIndex);
        t.line.push_back(rec.line);
        t.locationSource.push_back(static_cast<uint8_t>(source));
        t.matchScore.push_back(source == LocationSource::Coordinates ? 1.0f : 0.0f);
        for (size_t a = 0; a < c.attributes.size(); ++a)
            t.attributes[attributeSlots[a]].values.push(trim(f[c.attributes[a].first]));
    }
    out.blankLines = cursor.blankLines();
    out.continuationLines = cursor.continuationLines();
}

}  // namespace

uint32_t ReadBatch::addFile(const std::string& path, InputFormat format, const std::string& sourceCrs) {
    auto index = static_cast<uint32_t>(table.files.size());
    table.files.push_back(path);
    FileStats stats;
    stats.path = path;
    stats.format = format;
    files.push_back(stats);
    crs.push_back(sourceCrs);
    firstRow.push_back(table.size());
    rowCount.push_back(0);
    transformed.push_back(0);
    return index;
}

const CoordinateTransformer& ReadBatch::transformerFor(const std::string& sourceCrs) {
    auto& t = transformers[sourceCrs];
    if (!t) t = std::make_unique<CoordinateTransformer>(sourceCrs, analysisCrs);
    return *t;
}

void readCsvFiles(const std::vector<std::string>& paths, const std::vector<InputFormat>& formats, const IngestOptions& options,
                  ReadBatch& into) {
    struct Job {
        uint32_t file;  // index in into.table.files
        CsvChunk chunk;
    };
    std::vector<FileColumns> columns;
    std::vector<uint32_t> fileIndex;
    std::vector<Job> jobs;
    uint64_t totalBytes = 0;
    const auto layoutStart = std::chrono::steady_clock::now();
    // Split every file into chunks (all files at once: the quote-parity scan reads each file once).
    std::vector<CsvFileLayout> layouts(paths.size());
    parallelFor(paths.size(), [&](size_t i, unsigned) { layouts[i] = layoutCsvFile(paths[i], 8u << 20, options.delimiter); });
    for (size_t i = 0; i < paths.size(); ++i) {
        const CsvFileLayout& layout = layouts[i];
        columns.push_back(resolveColumns(paths[i], layout, formats[i], options));
        fileIndex.push_back(into.addFile(paths[i], formats[i], columns.back().sourceCrs));
        into.transformerFor(columns.back().sourceCrs);  // validates the CRS before any parsing
        if (columns.back().stats19) into.transformerFor("EPSG:4326");
        into.transformed[fileIndex.back()] = 1;
        for (const auto& chunk : layout.chunks) {
            jobs.push_back({static_cast<uint32_t>(i), chunk});
            totalBytes += chunk.length;
        }
    }
    if (std::getenv("HOTSPOT_PROFILE")) std::fprintf(stderr, "ingest: layout      %.3f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - layoutStart).count());
    // Reserve for the whole run (police.uk rows are ~220 bytes; unused capacity is never touched).
    into.table.reserve(into.table.size() + totalBytes / 150 + 1024);
    // Workers parse chunks in parallel; finished chunks are appended strictly in order.
    std::vector<std::vector<uint64_t>> fileHashes(paths.size());
    std::vector<std::unique_ptr<ChunkResult>> pending(jobs.size());
    std::vector<uint8_t> done(jobs.size(), 0);
    size_t nextToAppend = 0;
    std::mutex appendMutex;
    std::atomic<uint64_t> doneBytes{0};
    double appendSeconds = 0;  // time under the append lock, for HOTSPOT_PROFILE
    if (options.progress) options.progress->begin("Reading CSV");
    parallelFor(jobs.size(), [&](size_t j, unsigned worker) {
        const Job& job = jobs[j];
        auto result = std::make_unique<ChunkResult>();
        std::string bytes = readFileRange(paths[job.file], job.chunk.offset, job.chunk.length);
        if (columns[job.file].crOnly) std::replace(bytes.begin(), bytes.end(), '\r', '\n');
        parseChunk(bytes, job.chunk.firstLine, columns[job.file], fileIndex[job.file], options, *result);
        bytes = std::string();
        // Coordinates to the analysis CRS here, in parallel; failures are rejected in ingest().
        IncidentTable& t = result->table;
        t.x = t.srcX;
        t.y = t.srcY;
        into.transformers.at(columns[job.file].sourceCrs)->transformOnWorker(t.x.data(), t.y.data(), t.size(), worker);
        if (!result->lonLatRows.empty()) {
            // STATS19 rows located by lon/lat: transformed from WGS84 (srcX/srcY keep the lon/lat as read).
            const auto& fromLonLat = *into.transformers.at("EPSG:4326");
            for (uint32_t r : result->lonLatRows) {
                double px = t.srcX[r], py = t.srcY[r];
                fromLonLat.transformOnWorker(&px, &py, 1, worker);
                t.x[r] = px;
                t.y[r] = py;
            }
        }
        std::lock_guard lock(appendMutex);
        auto appendStart = std::chrono::steady_clock::now();
        pending[j] = std::move(result);
        done[j] = 1;
        while (nextToAppend < jobs.size() && done[nextToAppend]) {
            ChunkResult& c = *pending[nextToAppend];
            const uint32_t f = fileIndex[jobs[nextToAppend].file];
            if (into.rowCount[f] == 0) into.firstRow[f] = into.table.size();
            into.table.append(c.table);
            into.rowCount[f] += c.table.size();
            FileStats& stats = into.files[f];
            stats.rows += c.rows;
            stats.accepted += static_cast<int64_t>(c.table.size());
            stats.rejected += static_cast<int64_t>(c.rejects.size());
            stats.untrustedIds += c.untrustedIds;
            stats.latin1Rows += c.latin1Rows;
            stats.blankLines += c.blankLines;
            stats.continuationLines += c.continuationLines;
            fileHashes[jobs[nextToAppend].file].insert(fileHashes[jobs[nextToAppend].file].end(), c.rowHashes.begin(), c.rowHashes.end());
            stats.lonLatFallback += static_cast<int64_t>(c.lonLatRows.size());
            for (auto& rej : c.rejects) into.rejects.push_back(std::move(rej));
            pending[nextToAppend].reset();
            ++nextToAppend;
        }
        appendSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - appendStart).count();
        doneBytes += job.chunk.length;
        if (options.progress && totalBytes) options.progress->update(double(doneBytes) / double(totalBytes));
    });
    if (options.progress) options.progress->end();
    // Rows repeated within a file (compared by hash of their bytes) and the physical line count.
    for (size_t i = 0; i < paths.size(); ++i) {
        FileStats& stats = into.files[fileIndex[i]];
        auto& hashes = fileHashes[i];
        std::sort(hashes.begin(), hashes.end());
        for (size_t k = 1; k < hashes.size(); ++k) stats.repeatedRows += hashes[k] == hashes[k - 1];
        hashes = {};
        stats.physicalLines = layouts[i].physicalLines;
        stats.headerLines = layouts[i].headerLines;
        stats.delimiter = layouts[i].delimiter;
    }
    if (std::getenv("HOTSPOT_PROFILE")) std::fprintf(stderr, "ingest: appending   %.3f s (serial, overlapped with parsing)\n", appendSeconds);
    // Files without rows start where the next rows would have.
    for (size_t i = 0; i < paths.size(); ++i) {
        uint32_t f = fileIndex[i];
        if (into.rowCount[f] == 0) into.firstRow[f] = i == 0 ? into.firstRow[f] : into.firstRow[fileIndex[i - 1]] + into.rowCount[fileIndex[i - 1]];
    }
}

}  // namespace hotspot
