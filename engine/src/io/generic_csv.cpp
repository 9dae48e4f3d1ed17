// CSV incident reader shared by police.uk street files and generic mapped CSVs.

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <numeric>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include <boost/sort/spreadsort/integer_sort.hpp>
#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include "core/fast_hash.hpp"
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
        if (!options.onlyAttributes.empty() &&
            std::none_of(options.onlyAttributes.begin(), options.onlyAttributes.end(), [&](const std::string& name) { return iequals(name, layout.header[i]); }))
            continue;
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

    // Empty again, keeping the memory of the columns for the next chunk.
    void clearKeepingMemory() {
        table.clearKeepingMemory();
        rejects.clear();
        rowHashes.clear();
        lonLatRows.clear();
        blankLines = continuationLines = rows = untrustedIds = latin1Rows = 0;
    }
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
    // Eight bytes at a time while they are ASCII (almost every field of a real file).
    for (uint64_t word = 0; i + 8 <= s.size(); i += 8) {
        std::memcpy(&word, s.data() + i, 8);
        if (word & 0x8080808080808080ULL) break;
    }
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

// One chunk of a CSV file into table rows. Each field has its own parse function, which either
// fills its part of the row or rejects the record with its own reason (and returns false): the
// first field at fault decides the reject, in the order the functions are called.
class ChunkParser {
public:
    ChunkParser(const FileColumns& columns, uint32_t fileIndex, const IngestOptions& options, ChunkResult& out)
        : c(columns), m_fileIndex(fileIndex), m_options(options), m_out(out) {
        for (const auto& [col, name] : c.attributes) m_attributeSlots.push_back(m_out.table.attributeIndex(name));
    }

    void parse(const std::string& bytes, const CsvChunk& chunk) {
        // A record takes at least one physical line: reserving the lines means no vector grows
        // (and copies itself) while the chunk is parsed.
        const auto records = static_cast<size_t>(std::max<int64_t>(chunk.lines, 1));
        m_out.table.reserve(records);
        m_out.rowHashes.reserve(records);
        CsvCursor cursor(bytes, chunk.firstLine, c.delimiter);
        cursor.setExpectedFields(c.fieldCount);
        while (cursor.next(m_rec)) {
            ++m_out.rows;
            m_out.rowHashes.push_back(fastHash(m_rec.raw));
            Row row;
            if (recordIsWhole() && parseCategory(row) && parseWhen(row) && parseCoordinates(row) && parseLocation(row) && parseWeight(row)) append(row);
        }
        m_out.blankLines = cursor.blankLines();
        m_out.continuationLines = cursor.continuationLines();
    }

private:
    struct Row {
        std::string_view category, address;
        int32_t month = kNoMonth;
        int day = 0;
        double x = NAN, y = NAN;                        // source coordinates
        bool hasPoint = false, lonLatFallback = false;  // lonLatFallback: STATS19 row located by lon/lat
        LocationSource source = LocationSource::Coordinates;
        float weight = 1.0f;
    };
    enum class Pair { Absent,
                      Read,
                      Rejected };

    const FileColumns& c;
    uint32_t m_fileIndex;
    const IngestOptions& m_options;
    ChunkResult& m_out;
    CsvRecord m_rec;
    std::vector<size_t> m_attributeSlots;
    std::vector<std::string> m_recodedFields;  // holds recoded text while the record's views point at it
    static constexpr uint32_t kUnknownGroup = 0xFFFFFFFF;
    std::vector<uint32_t> m_groupOfCode;  // the category mapping, looked up once per distinct category

    void reject(const std::string& field, std::string reason) {
        m_out.rejects.push_back(Reject{m_fileIndex, m_rec.line, field, std::move(reason), truncateRecord(m_rec.raw)});
    }
    std::string_view value(int col) const { return col >= 0 ? trim(m_rec.fields[static_cast<size_t>(col)]) : std::string_view(); }
    std::string_view raw(int col) const { return m_rec.fields[static_cast<size_t>(col)]; }

    // The record as a whole: one line of text with the header's number of fields. Text that is not
    // UTF-8 is read as Windows-1252 (counted), so the outputs stay valid UTF-8.
    bool recordIsWhole() {
        if (m_rec.strayQuote) {
            reject("",
                   "a quote opened on this line is not closed on it, and the lines after it do not make one record (a stray \" "
                   "in a field?): this line is rejected, the next lines are read as records");
            return false;
        }
        if (m_rec.raw.find('\0') != std::string_view::npos) {
            reject("", "the line holds NUL bytes (0x00), which text never does: rejected");
            return false;
        }
        if (m_rec.unterminatedQuote) {
            reject("", "unterminated quoted field (file truncated or a stray quote)");
            return false;
        }
        if (m_rec.fields.size() != c.fieldCount) {
            reject("", fmt::format("expected {} fields as in the header, found {}", c.fieldCount, m_rec.fields.size()));
            return false;
        }
        bool recoded = false;
        for (const auto& field : m_rec.fields) recoded = recoded || !isValidUtf8(field);
        if (recoded) {
            m_recodedFields.assign(m_rec.fields.size(), std::string());  // sized once: the views below stay valid
            for (size_t k = 0; k < m_rec.fields.size(); ++k)
                if (!isValidUtf8(m_rec.fields[k])) m_recodedFields[k] = windows1252ToUtf8(m_rec.fields[k]), m_rec.fields[k] = m_recodedFields[k];
            ++m_out.latin1Rows;
        }
        return true;
    }

    bool parseCategory(Row& row) {
        row.category = c.category >= 0 ? value(c.category) : std::string_view(c.constantCategory);
        if (c.category >= 0 && row.category.empty()) {
            reject(m_options.categoryField.empty() && c.police ? "Crime type" : "category", "empty category");
            return false;
        }
        return true;
    }

    // The month column (YYYY-MM), and a date column that also gives the day.
    bool parseWhen(Row& row) {
        if (c.month >= 0) {
            const auto parsed = hotspot::parseDate(value(c.month));
            if (!parsed) {
                reject(c.police ? "Month" : "month", fmt::format("'{}' is not a month (expected YYYY-MM)", value(c.month)));
                return false;
            }
            row.month = parsed->first;
        }
        if (c.date >= 0) {
            const auto parsed = c.stopSearch ? parseLondonDate(value(c.date)) : hotspot::parseDate(value(c.date));
            if (!parsed) {
                reject("date", fmt::format("'{}' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)", value(c.date)));
                return false;
            }
            row.month = parsed->first;
            row.day = parsed->second;
        }
        return true;
    }

    // One coordinate pair: both empty is no point; one empty, not a number, not finite, outside the
    // globe or (0, 0) for lon/lat is a reject naming the field.
    Pair readPair(int cx, int cy, const char* nx, const char* ny, bool geographic, Row& row) {
        double vx = 0, vy = 0;
        std::string_view tx = raw(cx), ty = raw(cy);
        if (c.stats19) tx = withoutNullMarker(tx), ty = withoutNullMarker(ty);
        const NumberStatus sx = parseNumber(tx, vx), sy = parseNumber(ty, vy);
        if (sx == NumberStatus::Empty && sy == NumberStatus::Empty) return Pair::Absent;
        auto fail = [&](const char* field, std::string reason) {
            reject(field, std::move(reason));
            return Pair::Rejected;
        };
        if (sx != NumberStatus::Ok) return fail(nx, sx == NumberStatus::Empty ? "empty coordinate while the other is set" : fmt::format("'{}' is not a number", trim(raw(cx))));
        if (sy != NumberStatus::Ok) return fail(ny, sy == NumberStatus::Empty ? "empty coordinate while the other is set" : fmt::format("'{}' is not a number", trim(raw(cy))));
        if (!std::isfinite(vx) || !std::isfinite(vy)) return fail(std::isfinite(vx) ? ny : nx, "coordinate is not finite");
        if (geographic && (vx < -180 || vx > 180)) return fail(nx, fmt::format("longitude {} is outside -180..180", vx));
        if (geographic && (vy < -90 || vy > 90)) return fail(ny, fmt::format("latitude {} is outside -90..90", vy));
        if (geographic && vx == 0 && vy == 0) return fail(nx, "coordinates are 0,0 (Null Island): a missing location written as zeros");
        row.x = vx;
        row.y = vy;
        row.hasPoint = true;
        return Pair::Read;
    }

    // lon/lat first, x/y where they are empty; STATS19 the other way round (its easting/northing
    // are the published location, lon/lat a fallback that is counted).
    bool parseCoordinates(Row& row) {
        Pair read = Pair::Absent;
        if (c.stats19) {
            read = readPair(c.x, c.y, c.xName.c_str(), c.yName.c_str(), false, row);
            if (read == Pair::Absent && c.lon >= 0) {
                read = readPair(c.lon, c.lat, "Longitude", "Latitude", true, row);
                row.lonLatFallback = read == Pair::Read;
            }
        } else {
            if (c.lon >= 0) read = readPair(c.lon, c.lat, c.police ? "Longitude" : "lon", c.police ? "Latitude" : "lat", true, row);
            if (read == Pair::Absent && c.x >= 0) read = readPair(c.x, c.y, "x", "y", false, row);
        }
        return read != Pair::Rejected;
    }

    // A row without a point needs an address to geocode; police.uk rows without either are keyed so
    // a re-issued month can supersede them.
    bool parseLocation(Row& row) {
        row.address = value(c.address);
        if (row.hasPoint) return true;
        if (row.address.empty() || iequals(row.address, "No Location")) {
            reject(c.police ? "Longitude" : (c.lon >= 0 ? "lon" : (c.x >= 0 ? "x" : "address")), c.address >= 0 ? "no coordinates and no usable address" : "no coordinates");
            if (c.police) {
                Reject& r = m_out.rejects.back();
                const std::string_view id = value(c.id);
                r.incidentKey = !id.empty() ? "I|" + std::string(id) : fmt::format("N|{}|{}|{}", row.month, row.category, row.address);
                r.month = row.month;
            }
            return false;
        }
        row.source = LocationSource::Pending;
        return true;
    }

    bool parseWeight(Row& row) {
        if (c.weight < 0) return true;
        double w = 0;
        const NumberStatus s = parseNumber(raw(c.weight), w);
        if (s != NumberStatus::Ok || !std::isfinite(w) || w < 0) {
            reject("weight", fmt::format("'{}' is not a non-negative number", value(c.weight)));
            return false;
        }
        row.weight = static_cast<float>(w);
        return true;
    }

    void append(const Row& row) {
        IncidentTable& t = m_out.table;  // no files of its own: fileIndex refers to the batch's files
        std::string_view id = value(c.id);
        if (c.stats19 && isScientificNotation(id)) {
            id = {};
            ++m_out.untrustedIds;
        }
        if (row.lonLatFallback) m_out.lonLatRows.push_back(static_cast<uint32_t>(t.size()));
        t.sourceId.push(id);
        t.x.push_back(NAN);
        t.y.push_back(NAN);
        t.srcX.push_back(row.x);
        t.srcY.push_back(row.y);
        t.month.push_back(row.month);
        t.day.push_back(static_cast<int8_t>(row.day));
        t.weight.push_back(row.weight);
        const uint32_t categoryCode = t.category.pool.intern(row.category);
        t.category.codes.push_back(categoryCode);
        if (categoryCode >= m_groupOfCode.size()) m_groupOfCode.resize(categoryCode + 1, kUnknownGroup);
        if (m_groupOfCode[categoryCode] == kUnknownGroup) {
            const auto group = m_options.categories->groupOf(row.category);
            m_groupOfCode[categoryCode] = group ? *group : kNoGroup;
        }
        t.group.push_back(static_cast<uint16_t>(m_groupOfCode[categoryCode]));
        t.location.push(row.address);
        if (c.locality >= 0) t.locality.push(value(c.locality));
        else if (c.lsoaName >= 0) t.locality.push(localityFromLsoaName(raw(c.lsoaName)));
        else t.locality.push({});
        t.fileIndex.push_back(m_fileIndex);
        t.line.push_back(m_rec.line);
        t.locationSource.push_back(static_cast<uint8_t>(row.source));
        t.matchScore.push_back(row.source == LocationSource::Coordinates ? 1.0f : 0.0f);
        for (size_t a = 0; a < c.attributes.size(); ++a) t.attributes[m_attributeSlots[a]].values.push(trim(raw(c.attributes[a].first)));
    }
};

void parseChunk(const std::string& bytes, const CsvChunk& chunk, const FileColumns& c, uint32_t fileIndex, const IngestOptions& options,
                ChunkResult& out) {
    ChunkParser(c, fileIndex, options, out).parse(bytes, chunk);
}

// Counts the rows of a file that repeat an earlier row, by hash of their bytes. Hashes are uniform,
// so their top bits split them into one bucket per worker as chunks are appended; at the end each
// bucket is sorted and scanned on its own worker. (Sorted runs per chunk merged on one thread at
// the end took 0.017-0.027 s of `density`'s 1M rows, with the other core idle.)
class RepeatedRows {
public:
    explicit RepeatedRows(size_t expectedRows) {
        const unsigned buckets = std::bit_ceil(std::clamp(workerCount(), 1u, 8u));
        m_shift = 64 - std::countr_zero(buckets);
        m_buckets.resize(buckets);
        for (auto& b : m_buckets) b.reserve(expectedRows / buckets + expectedRows / (8 * buckets) + 16);
    }
    void add(const std::vector<uint64_t>& hashes) {
        for (uint64_t h : hashes) m_buckets[m_shift == 64 ? 0 : h >> m_shift].push_back(h);
    }
    int64_t count() {
        std::vector<int64_t> repeats(m_buckets.size(), 0);
        parallelFor(m_buckets.size(), [&](size_t b, unsigned) {
            auto& v = m_buckets[b];
            boost::sort::spreadsort::integer_sort(v.begin(), v.end());
            for (size_t k = 1; k < v.size(); ++k) repeats[b] += v[k] == v[k - 1];
            v = {};
        });
        return std::accumulate(repeats.begin(), repeats.end(), int64_t{0});
    }

private:
    std::vector<std::vector<uint64_t>> m_buckets;
    int m_shift = 64;
};

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
    int64_t totalLines = 0;
    const auto layoutStart = std::chrono::steady_clock::now();
    // Split every file into chunks (all files at once: the quote-parity scan reads each file once).
    // Chunks of 1 MB: small enough that the chunk tables in flight stay small (against 2.75-8 MB
    // chunks: density's peak 146-152 MB instead of 164-177 MB, geocode's 289 MB instead of 320 MB,
    // the same time; docs/benchmarks.md), large enough that a chunk's fixed costs do not show.
    constexpr uint64_t chunkBytes = 1u << 20;
    std::vector<CsvFileLayout> layouts(paths.size());
    parallelFor(paths.size(), [&](size_t i, unsigned) { layouts[i] = layoutCsvFile(paths[i], chunkBytes, options.delimiter); });
    for (size_t i = 0; i < paths.size(); ++i) {
        const CsvFileLayout& layout = layouts[i];
        columns.push_back(resolveColumns(paths[i], layout, formats[i], options));
        fileIndex.push_back(into.addFile(paths[i], formats[i], columns.back().sourceCrs));
        into.transformerFor(columns.back().sourceCrs);  // validates the CRS before any parsing
        into.transformed[fileIndex.back()] = 1;
        for (const auto& chunk : layout.chunks) {
            jobs.push_back({static_cast<uint32_t>(i), chunk});
            totalBytes += chunk.length;
            totalLines += chunk.lines;
        }
    }
    if (std::getenv("HOTSPOT_PROFILE")) std::fprintf(stderr, "ingest: layout      %.3f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - layoutStart).count());
    // Reserved for the whole run (a record takes at least one line; unused capacity is never touched).
    // Ids take at most their rows' bytes; police.uk's Crime IDs are 64 characters.
    const auto rows = static_cast<size_t>(totalLines) + 16;
    into.table.reserve(into.table.size() + rows, into.table.sourceId.chars() + std::min<size_t>(totalBytes, rows * 72));
    // Faulted in now, in bulk: the appends below then copy into memory already there, where page
    // faults inside the serial append made `density`'s read 0.14-0.35 s instead of 0.12 s.
    into.table.prefaultReserved();
    // Workers parse chunks in parallel; finished chunks are appended strictly in order.
    std::vector<RepeatedRows> repeatedRows;
    for (size_t i = 0; i < paths.size(); ++i) repeatedRows.emplace_back(static_cast<size_t>(layouts[i].physicalLines));
    std::vector<std::unique_ptr<ChunkResult>> pending(jobs.size());
    std::vector<uint8_t> done(jobs.size(), 0);
    size_t nextToAppend = 0;
    std::mutex appendMutex;
    std::atomic<uint64_t> doneBytes{0};
    double appendSeconds = 0;  // time under the append lock, for HOTSPOT_PROFILE
    // STATS19 rows without an easting/northing are located by longitude/latitude. That transformer
    // is made by the first chunk needing one: PROJ takes ~40 ms to set one up, and most files
    // never need it. Its slot is made here so the map does not change while the workers read it.
    auto& lonLatSlot = into.transformers["EPSG:4326"];
    std::once_flag lonLatOnce;
    if (options.progress) options.progress->begin("Reading CSV");
    // Appended chunks are emptied and parsed into again: a million rows then fault in the memory
    // of a few chunk tables, not of all of them (page zeroing was a fifth of `density`'s CPU).
    std::vector<std::unique_ptr<ChunkResult>> spareResults;
    std::vector<std::string> workerBytes(workerCount());  // each worker's bytes of its current chunk
    parallelFor(jobs.size(), [&](size_t j, unsigned worker) {
        const Job& job = jobs[j];
        std::unique_ptr<ChunkResult> result;
        {
            std::lock_guard lock(appendMutex);
            if (!spareResults.empty()) {
                result = std::move(spareResults.back());
                spareResults.pop_back();
            }
        }
        if (!result) result = std::make_unique<ChunkResult>();
        std::string& bytes = workerBytes[worker];
        readFileRange(paths[job.file], job.chunk.offset, job.chunk.length, bytes);
        if (columns[job.file].crOnly) std::replace(bytes.begin(), bytes.end(), '\r', '\n');
        parseChunk(bytes, job.chunk, columns[job.file], fileIndex[job.file], options, *result);
        // Coordinates to the analysis CRS here, in parallel; failures are rejected in ingest().
        IncidentTable& t = result->table;
        t.x = t.srcX;
        t.y = t.srcY;
        into.transformers.at(columns[job.file].sourceCrs)->transformOnWorker(t.x.data(), t.y.data(), t.size(), worker);
        if (!result->lonLatRows.empty()) {
            // STATS19 rows located by lon/lat: transformed from WGS84 (srcX/srcY keep the lon/lat as read).
            std::call_once(lonLatOnce, [&] {
                if (!lonLatSlot) lonLatSlot = std::make_unique<CoordinateTransformer>("EPSG:4326", into.analysisCrs);
            });
            const auto& fromLonLat = *lonLatSlot;
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
            repeatedRows[jobs[nextToAppend].file].add(c.rowHashes);
            stats.lonLatFallback += static_cast<int64_t>(c.lonLatRows.size());
            for (auto& rej : c.rejects) into.rejects.push_back(std::move(rej));
            c.clearKeepingMemory();
            spareResults.push_back(std::move(pending[nextToAppend]));
            ++nextToAppend;
        }
        appendSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - appendStart).count();
        doneBytes += job.chunk.length;
        if (options.progress && totalBytes) options.progress->update(double(doneBytes) / double(totalBytes));
    });
    if (options.progress) options.progress->end();
    // Rows repeated within a file (compared by hash of their bytes) and the physical line count.
    const auto repeatsStart = std::chrono::steady_clock::now();
    for (size_t i = 0; i < paths.size(); ++i) {
        FileStats& stats = into.files[fileIndex[i]];
        stats.repeatedRows += repeatedRows[i].count();
        stats.physicalLines = layouts[i].physicalLines;
        stats.headerLines = layouts[i].headerLines;
        stats.delimiter = layouts[i].delimiter;
    }
    if (std::getenv("HOTSPOT_PROFILE"))
        std::fprintf(stderr, "ingest: appending   %.3f s (serial, overlapped with parsing)\ningest: repeats     %.3f s\n", appendSeconds,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - repeatsStart).count());
    // Files without rows start where the next rows would have.
    for (size_t i = 0; i < paths.size(); ++i) {
        uint32_t f = fileIndex[i];
        if (into.rowCount[f] == 0) into.firstRow[f] = i == 0 ? into.firstRow[f] : into.firstRow[fileIndex[i - 1]] + into.rowCount[fileIndex[i - 1]];
    }
}

}  // namespace hotspot
