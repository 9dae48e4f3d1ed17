#include "hotspot/ingest.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <boost/sort/spreadsort/integer_sort.hpp>
#include <fmt/format.h>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"
#include "core/thread_pool.hpp"
#include "io/readers.hpp"
#include "io/output_files.hpp"
#include "core/choice_table.hpp"

namespace hotspot {

namespace {

bool parseInt(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::optional<std::pair<int32_t, int>> parseDate(std::string_view text) {
    text = trim(text);
    int year = 0, month = 0, day = 0;
    // Cut a time part: "2021-03-04T10:00", "2021-03-04 10:00", "04/03/2021 10:00"
    size_t cut = text.find_first_of("T ");
    std::string_view d = cut == std::string_view::npos ? text : text.substr(0, cut);
    if (d.size() == 7 && d[4] == '-') {  // YYYY-MM
        if (!parseInt(d.substr(0, 4), year) || !parseInt(d.substr(5, 2), month)) return std::nullopt;
    } else if (d.size() == 10 && d[4] == '-' && d[7] == '-') {  // YYYY-MM-DD
        if (!parseInt(d.substr(0, 4), year) || !parseInt(d.substr(5, 2), month) || !parseInt(d.substr(8, 2), day))
            return std::nullopt;
    } else if (d.size() == 10 && d[2] == '/' && d[5] == '/') {  // DD/MM/YYYY (UK)
        if (!parseInt(d.substr(0, 2), day) || !parseInt(d.substr(3, 2), month) || !parseInt(d.substr(6, 4), year))
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (year < 1900 || year > 2200 || month < 1 || month > 12) return std::nullopt;
    if (day != 0) {
        static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        int maxDay = month == 2 && !leap ? 28 : kDays[month - 1];
        if (day < 1 || day > maxDay) return std::nullopt;
    }
    return std::make_pair(makeMonth(year, month), day);
}

namespace {

// Day counts and civil dates (Howard Hinnant's algorithms); day 0 = 1970-01-01.
int64_t daysFromCivil(int y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146'097 + doe - 719'468;
}

struct CivilDate {
    int year, month, day;
};

CivilDate civilFromDays(int64_t days) {
    const int64_t z = days + 719'468;  // days since 0000-03-01
    const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
    const int64_t doe = z - era * 146'097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, static_cast<int>(doy - (153 * mp + 2) / 5 + 1)};
}

// The month and day of a day count, under parseDate's rules (years 1900-2200).
std::optional<std::pair<int32_t, int>> dateOfDay(int64_t days) {
    const CivilDate c = civilFromDays(days);
    return parseDate(fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day));
}

int64_t lastSundayOf(int year, int month) {  // day number of the last Sunday of a 31-day month
    const int64_t last = daysFromCivil(year, month, 31);
    const int64_t weekday = (last + 4) % 7;  // 1970-01-01 was a Thursday (4); 0 = Sunday
    return last - (weekday < 0 ? weekday + 7 : weekday);
}

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : (a - b + 1) / b; }

}  // namespace

std::optional<std::pair<int32_t, int>> excelSerialDate(std::string_view text) {
    text = trim(text);
    double serial = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), serial);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(serial >= 61) || serial > 110'000) return std::nullopt;
    return dateOfDay(static_cast<int64_t>(std::floor(serial)) - 25'569);  // serial 25569 = 1970-01-01
}

std::optional<std::pair<int32_t, int>> parseLondonDate(std::string_view text) {
    text = trim(text);
    // YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, offH = 0, offM = 0;
    if (text.size() < 17 || text[10] != 'T' || !parseInt(text.substr(0, 4), year) || !parseInt(text.substr(5, 2), month) ||
        !parseInt(text.substr(8, 2), day) || !parseInt(text.substr(11, 2), hour) || !parseInt(text.substr(14, 2), minute))
        return parseDate(text);
    const size_t zone = text.find_first_of("Z+-", 16);
    if (zone == std::string_view::npos) return parseDate(text);  // a local time already
    int sign = 0;
    if (text[zone] != 'Z') {
        if (text.size() < zone + 6 || !parseInt(text.substr(zone + 1, 2), offH) || !parseInt(text.substr(zone + 4, 2), offM)) return parseDate(text);
        sign = text[zone] == '+' ? 1 : -1;
    }
    if (!parseDate(text.substr(0, 10)) || hour > 23 || minute > 59) return std::nullopt;
    // Minutes since 1970 in UTC, then the London offset of that instant (BST rules of its UTC year).
    const int64_t utc = daysFromCivil(year, month, day) * 1440 + hour * 60 + minute - sign * (offH * 60 + offM);
    const int utcYear = civilFromDays(floorDiv(utc, 1440)).year;
    const int64_t bstStart = lastSundayOf(utcYear, 3) * 1440 + 60, bstEnd = lastSundayOf(utcYear, 10) * 1440 + 60;
    const int64_t local = utc + (utc >= bstStart && utc < bstEnd ? 60 : 0);
    return dateOfDay(floorDiv(local, 1440));
}

InputFormat detectFormat(const std::string& path) {
    if (path.rfind("PG:", 0) == 0 || path.find("|layername=") != std::string::npos) return InputFormat::Ogr;
    std::string ext = toLowerAscii(std::filesystem::path(path).extension().string());
    if (ext != ".csv" && ext != ".txt") return InputFormat::Ogr;
    const std::vector<std::string> header = readCsvHeader(path);
    auto has = [&](const char* name) {
        for (const auto& h : header)
            if (iequals(h, name)) return true;
        return false;
    };
    if ((has("Accident_Index") || has("collision_index")) && has("Location_Easting_OSGR") && has("Location_Northing_OSGR"))
        return InputFormat::Stats19;
    auto hasAll = [&](std::initializer_list<const char*> names) {
        for (const char* name : names)
            if (!has(name)) return false;
        return true;
    };
    if (hasAll({"Crime ID", "Month", "Longitude", "Latitude", "Location", "Crime type"})) return InputFormat::PoliceUk;
    if (hasAll({"Crime ID", "Month", "Longitude", "Latitude", "Location", "Outcome type"})) return InputFormat::PoliceUkOutcomes;
    if (hasAll({"Type", "Date", "Latitude", "Longitude", "Legislation", "Object of search"})) return InputFormat::PoliceUkStopAndSearch;
    return InputFormat::GenericCsv;
}

std::string policeUkForce(const std::string& path) {
    // YYYY-MM-<force>-{street,outcomes,stop-and-search}.csv
    const std::string name = std::filesystem::path(path).filename().string();
    if (name.size() < 12 || name[4] != '-' || name[7] != '-') return {};
    for (const char* series : {"-street.csv", "-outcomes.csv", "-stop-and-search.csv"}) {
        const std::string suffix = series;
        if (name.size() > 8 + suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return name.substr(8, name.size() - 8 - suffix.size());
    }
    return {};
}

std::vector<std::string> describeSetAside(const std::vector<SetAsideFile>& files) {
    std::map<std::string, std::vector<const SetAsideFile*>> byReason;
    for (const auto& f : files) byReason[f.reason].push_back(&f);
    std::vector<std::string> out;
    for (const auto& [reason, list] : byReason)
        out.push_back(fmt::format("set aside, not read as incidents: {} file(s), {} (e.g. {})", list.size(), reason, list.front()->path));
    return out;
}

void attachRawRecords(std::vector<Reject>& rejects, const std::vector<std::string>& files) {
    std::map<uint32_t, std::vector<Reject*>> byFile;
    for (auto& r : rejects)
        if (r.record.empty() && r.line > 0 && r.file < files.size()) byFile[r.file].push_back(&r);
    for (auto& [file, list] : byFile) {
        const std::string ext = toLowerAscii(std::filesystem::path(files[file]).extension().string());
        if (ext != ".csv" && ext != ".txt") continue;
        std::sort(list.begin(), list.end(), [](const Reject* a, const Reject* b) { return a->line < b->line; });
        const std::string text = readWholeFile(files[file]);
        size_t pos = 0;
        int64_t line = 1;
        for (Reject* r : list) {
            while (line < r->line && pos < text.size()) {
                const size_t nl = text.find('\n', pos);
                pos = nl == std::string::npos ? text.size() : nl + 1;
                ++line;
            }
            const size_t nl = text.find('\n', pos);
            std::string_view raw(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
            if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
            r->record = truncateRecord(raw);
        }
    }
}

void writeIngestRejects(const std::string& path, IngestResult& in) {
    attachRawRecords(in.rejects, in.table.files);
    CsvWriter rejects(path);
    rejects.row({"file", "line", "field", "reason", "record"});
    for (const auto& r : in.rejects) rejects.field(in.table.files[r.file]).field(r.line).field(r.field).field(r.reason).field(r.record).endRow();
    for (const auto& r : in.outcomeRejects) rejects.field(r.file).field(r.line).field(r.field).field(r.reason).field(r.record).endRow();
    rejects.close();
}

char delimiterFromName(std::string_view name) {
    if (name == "comma") return ',';
    if (name == "semicolon") return ';';
    if (name == "tab") return '\t';
    if (name == "pipe") return '|';
    return 0;
}

std::string describeFileChecks(const FileStats& f, const std::string& indent) {
    std::string out;
    if (f.repeatedRows)
        out += fmt::format("{}{} rows repeat an earlier row byte for byte (kept: identical police.uk rows are separate reports)\n", indent,
                           f.repeatedRows);
    if (f.lonLatSwapped)
        out += fmt::format(
            "{}warning: {} rows have longitude and latitude the wrong way round (outside the analysis CRS's area, "
            "inside it when swapped); swap the columns, e.g. `columns` lon=<latitude column>,lat=<longitude column>\n",
            indent, f.lonLatSwapped);
    if (f.physicalLines > 0 && f.delimiter != ',')
        out += fmt::format("{}fields separated by {}\n", indent, f.delimiter == ';' ? "semicolons" : f.delimiter == '\t' ? "tabs"
                                                                                                                         : "'|'");
    if (f.physicalLines > 0 && (f.continuationLines || f.blankLines || !f.linesBalanced()))
        out += fmt::format("{}{} lines = {} header + {} rows + {} more lines of quoted fields + {} blank{}\n", indent, f.physicalLines,
                           f.headerLines, f.rows, f.continuationLines, f.blankLines, f.linesBalanced() ? "" : "  (LINES UNBALANCED)");
    return out;
}

std::vector<std::pair<int64_t, std::string>> rejectReasonCounts(const std::vector<Reject>& rejects) {
    std::map<std::string, int64_t> reasons;
    for (const auto& r : rejects) {
        std::string reason;
        bool quoted = false;
        for (char c : r.reason) {
            if (c == '\'') {
                reason += quoted ? "'" : "'...";
                quoted = !quoted;
            } else if (!quoted) {
                reason += c;
            }
        }
        ++reasons[(r.field.empty() ? "" : r.field + ": ") + reason.substr(0, 120)];
    }
    std::vector<std::pair<int64_t, std::string>> ranked;
    for (const auto& [reason, n] : reasons) ranked.push_back({n, reason});
    std::sort(ranked.rbegin(), ranked.rend());
    return ranked;
}

void requireUsableRows(const IngestResult& result) {
    if (result.table.size() > 0) return;
    int64_t rows = 0, rejected = 0, superseded = 0;
    for (const auto& f : result.files) rows += f.rows, rejected += f.rejected, superseded += f.superseded;
    const auto ranked = rejectReasonCounts(result.rejects);
    std::string top;
    for (size_t k = 0; k < ranked.size() && k < 3; ++k) top += fmt::format("{}{} x {}", k ? "; " : "", ranked[k].first, ranked[k].second);
    const std::string where = result.files.size() == 1 ? result.files.front().path : fmt::format("{} files", result.files.size());
    if (rows == 0) throwNoData("the input holds no data rows (only a header, or nothing): nothing to do, nothing written", {where});
    throwNoData(fmt::format("no usable row: all {} rows were rejected ({} rejected, {} superseded){}; nothing was written and any previous "
                            "outputs are kept",
                            rows, rejected, superseded, top.empty() ? "" : " - most often: " + top),
                {where});
}

// Supersede before reject: a police.uk row without a location that a later download of the same
// month issues again (by Crime ID; id-less rows by month, category, location and their number
// among such rows of the file) is superseded, not rejected, so each incident is counted once. A
// row with a location in an earlier file is superseded by the later file's row without one too
// (the later file wins, as for every re-issued row). Returns the number of table rows superseded.
static size_t supersedeRejectedRows(const IncidentTable& t, std::vector<uint8_t>& keep, IngestResult& result) {
    if (result.files.size() < 2) return 0;
    struct Newest {
        uint32_t file = 0;
        int64_t line = 0;
    };
    std::vector<std::string> keys(result.rejects.size());
    std::unordered_map<std::string, Newest> newest;
    std::map<std::pair<uint32_t, std::string>, int> occurrence;
    for (size_t r = 0; r < result.rejects.size(); ++r) {
        const Reject& rej = result.rejects[r];
        if (rej.incidentKey.empty()) continue;
        keys[r] = rej.incidentKey[0] == 'N' ? fmt::format("{}|{}", rej.incidentKey, occurrence[{rej.file, rej.incidentKey}]++) : rej.incidentKey;
        auto [it, inserted] = newest.try_emplace(keys[r], Newest{rej.file, rej.line});
        if (!inserted && rej.file >= it->second.file) it->second = {rej.file, rej.line};
    }
    if (newest.empty()) return 0;
    // Table rows holding a rejected row's Crime ID: the newest file of each key over both.
    // The rejected Crime IDs as views, so a row's id is looked up without making its key (a
    // million keys built to find a few hundred).
    std::unordered_set<std::string_view> rejectedIds;
    for (const auto& [key, n] : newest)
        if (key.rfind("I|", 0) == 0) rejectedIds.insert(std::string_view(key).substr(2));
    std::vector<std::pair<size_t, std::string>> matchedRows;
    std::unordered_map<std::string, Newest> newestRow;
    for (size_t i = 0; i < t.size() && !rejectedIds.empty(); ++i) {
        if (!keep[i] || t.sourceId.at(i).empty() || !rejectedIds.count(t.sourceId.at(i))) continue;
        std::string key = "I|" + std::string(t.sourceId.at(i));
        auto [it, inserted] = newestRow.try_emplace(key, Newest{t.fileIndex[i], t.line[i]});
        if (!inserted && t.fileIndex[i] >= it->second.file) it->second = {t.fileIndex[i], t.line[i]};
        matchedRows.emplace_back(i, std::move(key));
    }
    auto latest = [&](const std::string& key) {
        Newest n = newest.at(key);
        if (auto it = newestRow.find(key); it != newestRow.end() && it->second.file > n.file) n = it->second;
        return n;
    };
    const size_t rejectsBefore = result.rejects.size();
    for (size_t r = 0; r < rejectsBefore; ++r) {
        if (keys[r].empty()) continue;
        Reject& rej = result.rejects[r];
        const Newest n = latest(keys[r]);
        if (n.file <= rej.file) continue;
        --result.files[rej.file].rejected;
        ++result.files[rej.file].superseded;
        rej.reason = fmt::format("superseded: the same incident (without a location here) is re-loaded from {}:{} (later file wins)", t.files[n.file],
                                 n.line);
    }
    size_t superseded = 0;
    for (const auto& [i, key] : matchedRows) {
        const Newest n = latest(key);
        if (n.file <= t.fileIndex[i]) continue;
        keep[i] = 0;
        ++superseded;
        auto& stats = result.files[t.fileIndex[i]];
        --stats.accepted;
        ++stats.superseded;
        result.rejects.push_back(Reject{t.fileIndex[i], t.line[i], "Crime ID",
                                        fmt::format("superseded: the same incident is re-loaded from {}:{} (later file wins; it has no location there)",
                                                    t.files[n.file], n.line),
                                        ""});
    }
    return superseded;
}

namespace {

// Which inputs are read as incidents. The other series of a police.uk download (outcomes are
// joined to the crimes afterwards) and other forces' files are set aside, and said so.
struct InputPlan {
    std::vector<std::string> incidentPaths;
    std::vector<InputFormat> formats;  // per incident path
    std::vector<SetAsideFile> setAside;
    std::vector<std::string> outcomeFiles;
};

InputPlan planInputs(const std::vector<std::string>& paths, const IngestOptions& options) {
    InputPlan plan;
    std::vector<InputFormat>& formats = plan.formats;
    std::vector<std::string>& incidentPaths = plan.incidentPaths;
    std::vector<SetAsideFile>& setAside = plan.setAside;
    std::vector<std::string>& outcomeFiles = plan.outcomeFiles;
    for (const auto& p : paths) {
        const std::string force = policeUkForce(p);
        if (!options.forces.empty() && !force.empty() && std::find(options.forces.begin(), options.forces.end(), force) == options.forces.end()) {
            setAside.push_back({p, "of other forces than `force`"});
            continue;
        }
        InputFormat f = options.format;
        if (f == InputFormat::Auto) f = detectFormat(p);
        const bool searches = options.series == PoliceUkSeries::StopAndSearch;
        if (f == InputFormat::PoliceUkOutcomes) {
            if (searches) setAside.push_back({p, "police.uk outcomes (of crimes; the incidents are stop and search)"});
            else outcomeFiles.push_back(p);  // joined to the crimes by Crime ID after reading
            continue;
        }
        if (f == InputFormat::PoliceUkStopAndSearch && !searches) {
            setAside.push_back({p, "police.uk stop and search (searches, not crimes; `series` stop-and-search reads them)"});
            continue;
        }
        if (f == InputFormat::PoliceUk && searches) {
            setAside.push_back({p, "police.uk street (crimes; the incidents are stop and search, `series` street reads them)"});
            continue;
        }
        if (f == InputFormat::GenericCsv && !options.mapping.hasPoint() && options.mapping.address.empty())
            throwUsage(
                "not a police.uk street CSV (its header lacks Crime ID, Month, Longitude, Latitude, Location, "
                "Crime type); give a column mapping with `columns`",
                {p, 1});
        formats.push_back(f);
        incidentPaths.push_back(p);
    }
    if (incidentPaths.empty()) {
        for (const auto& o : outcomeFiles) setAside.push_back({o, "police.uk outcomes (outcomes of crimes, not incidents)"});
        if (setAside.empty()) throwInput("no input files");
        throwInput("no incident file among the inputs: " + setAside.front().path + " is " + setAside.front().reason +
                       (setAside.size() > 1 ? fmt::format(", and {} more file(s) likewise", setAside.size() - 1) : std::string()) +
                       "; give the police.uk street files (or the whole download folder or zip)" +
                       (options.forces.empty() ? std::string() : " of a force named by `force`"),
                   {setAside.front().path});
    }
    return plan;
}

// Every incident file in input order; runs of consecutive CSV files are parsed together.
ReadBatch readIncidentFiles(const InputPlan& plan, const IngestOptions& options) {
    const std::vector<std::string>& incidentPaths = plan.incidentPaths;
    const std::vector<InputFormat>& formats = plan.formats;
    ReadBatch batch;
    batch.analysisCrs = options.analysisCrs;
    for (size_t i = 0; i < incidentPaths.size();) {
        if (formats[i] == InputFormat::Ogr) {
            readOgrFile(incidentPaths[i], options, batch);
            ++i;
            continue;
        }
        size_t j = i;
        while (j < incidentPaths.size() && formats[j] != InputFormat::Ogr) ++j;
        readCsvFiles({incidentPaths.begin() + static_cast<long>(i), incidentPaths.begin() + static_cast<long>(j)},
                     {formats.begin() + static_cast<long>(i), formats.begin() + static_cast<long>(j)}, options, batch);
        i = j;
    }
    return batch;
}

// Coordinates into the analysis CRS, one PROJ pipeline per source CRS. Rows whose coordinates
// cannot be transformed become rejects. Returns, per row left, whether it came from police.uk.
std::vector<uint8_t> transformToAnalysisCrs(ReadBatch& batch, const IngestOptions& options, IngestResult& result) {
    IncidentTable& t = batch.table;
    std::vector<uint8_t> keepTransformed(t.size(), 1);
    bool anyFailed = false;
    std::set<std::string> reported;
    LonLatBox areaOfUse;
    const bool haveArea = crsAreaOfUse(options.analysisCrs, areaOfUse);
    for (size_t f = 0; f < batch.files.size(); ++f) {
        const size_t begin = batch.firstRow[f], count = batch.rowCount[f];
        if (count == 0) continue;
        const CoordinateTransformer& tr = batch.transformerFor(batch.crs[f]);
        if (reported.insert(batch.crs[f]).second)
            for (size_t i = begin; i < begin + count; ++i)
                if (std::isfinite(t.srcX[i])) {
                    result.transformSummaries.push_back(tr.report(t.srcX[i], t.srcY[i]).summary());
                    break;
                }
        if (!batch.transformed[f]) {
            std::copy(t.srcX.begin() + static_cast<long>(begin), t.srcX.begin() + static_cast<long>(begin + count), t.x.begin() + static_cast<long>(begin));
            std::copy(t.srcY.begin() + static_cast<long>(begin), t.srcY.begin() + static_cast<long>(begin + count), t.y.begin() + static_cast<long>(begin));
            tr.transform(t.x.data() + begin, t.y.data() + begin, count);
        }
        if (batch.crs[f] == "EPSG:4326" && haveArea)
            for (size_t i = begin; i < begin + count; ++i)
                batch.files[f].lonLatSwapped += std::isfinite(t.srcX[i]) && !areaOfUse.contains(t.srcX[i], t.srcY[i]) &&
                                                areaOfUse.contains(t.srcY[i], t.srcX[i]);
        for (size_t i = begin; i < begin + count; ++i) {
            if (std::isfinite(t.srcX[i]) && !std::isfinite(t.x[i])) {
                keepTransformed[i] = 0;
                anyFailed = true;
                --batch.files[f].accepted;
                ++batch.files[f].rejected;
                batch.rejects.push_back(Reject{static_cast<uint32_t>(f), t.line[i], "x",
                                               fmt::format("coordinates ({}, {}) cannot be transformed from {} to {}", t.srcX[i],
                                                           t.srcY[i], batch.crs[f], options.analysisCrs),
                                               ""});
            }
        }
    }
    std::vector<uint8_t> isPolice(t.size());
    // Rows of a re-issued police.uk month are superseded; searches have no id, so their place, time,
    // type and occurrence key them as ASB rows are.
    for (size_t i = 0; i < t.size(); ++i) {
        const InputFormat f = batch.files[t.fileIndex[i]].format;
        isPolice[i] = f == InputFormat::PoliceUk || f == InputFormat::PoliceUkStopAndSearch;
    }
    if (anyFailed) {
        t.compact(keepTransformed);
        size_t out = 0;
        for (size_t i = 0; i < keepTransformed.size(); ++i)
            if (keepTransformed[i]) isPolice[out++] = isPolice[i];
        isPolice.resize(out);
    }
    return isPolice;
}

// A later file's row with the same key replaces the earlier one (a re-issued police.uk month).
// Keys: the id (police.uk Crime ID); for id-less police.uk rows (ASB, searches) month, source
// coordinates, location, type and the row's occurrence number among identical rows of its file.
// Only rows whose month appears in two or more files can be re-loaded, so only they are keyed.
// Marks the superseded rows in `keep` and returns how many.
size_t supersedeReloadedRows(const IncidentTable& t, const std::vector<uint8_t>& isPolice, IngestResult& result, std::vector<uint8_t>& keep, StepTimer& timer) {
    const size_t n = t.size();
    size_t superseded = 0;
    std::vector<uint8_t> candidate(n, 0);
    if (result.files.size() > 1) {
        // month -> first file seen with it, and whether another file has it too (months are small ints)
        int32_t lo = INT32_MAX, hi = INT32_MIN;
        for (size_t i = 0; i < n; ++i) lo = std::min(lo, t.month[i]), hi = std::max(hi, t.month[i]);
        std::vector<uint32_t> firstFile(static_cast<size_t>(hi - lo + 1), UINT32_MAX);
        std::vector<uint8_t> shared(firstFile.size(), 0);
        for (size_t i = 0; i < n; ++i) {
            const size_t m = static_cast<size_t>(t.month[i] - lo);
            if (firstFile[m] == UINT32_MAX) firstFile[m] = t.fileIndex[i];
            else if (firstFile[m] != t.fileIndex[i]) shared[m] = 1;
        }
        for (size_t i = 0; i < n; ++i) candidate[i] = shared[static_cast<size_t>(t.month[i] - lo)];
    }
    auto mix = [](uint64_t h, uint64_t v) {
        h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        return h;
    };
    auto bits = [](double d) {
        uint64_t u;
        std::memcpy(&u, &d, sizeof u);
        return u;
    };
    auto placeHash = [&](size_t i) {
        uint64_t h = mix(0xA5B1u, static_cast<uint64_t>(t.month[i]));
        h = mix(h, bits(t.srcX[i]));
        h = mix(h, bits(t.srcY[i]));
        h = mix(h, t.location.codes[i]);
        return mix(h, t.category.codes[i]);
    };
    timer.step("dd-candidates");
    std::vector<uint32_t> occurrence(n, 0);
    {
        std::unordered_map<uint64_t, uint32_t> counts;  // nth identical id-less police.uk row within its file
        uint32_t currentFile = UINT32_MAX;
        for (size_t i = 0; i < n; ++i) {
            if (!candidate[i] || !isPolice[i] || !t.sourceId.at(i).empty()) continue;
            if (t.fileIndex[i] != currentFile) {
                counts.clear();
                currentFile = t.fileIndex[i];
            }
            occurrence[i] = counts[placeHash(i)]++;
        }
    }
    timer.step("dd-occurrence");
    // Hash keys on all cores.
    std::vector<uint64_t> keyHash(n, 0);
    constexpr size_t kBlock = 65536;
    parallelFor((n + kBlock - 1) / kBlock, [&](size_t b, unsigned) {
        for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
            if (!candidate[i]) continue;
            std::string_view id = t.sourceId.at(i);
            if (!id.empty())
                keyHash[i] = std::hash<std::string_view>{}(id) | 1;  // never 0: 0 marks "no key"
            else if (isPolice[i])
                keyHash[i] = mix(placeHash(i), occurrence[i]) | 1;
        }
    });
    auto fullKey = [&](size_t i) -> std::string {
        std::string_view id = t.sourceId.at(i);
        if (!id.empty()) return "I|" + std::string(id);
        return fmt::format("A|{}|{}|{}|{}|{}|{}", t.month[i], bits(t.srcX[i]), bits(t.srcY[i]), t.location.at(i),
                           t.category.at(i), occurrence[i]);
    };
    // Rows sharing a key hash form a group. Radix-partition by the hash's top byte, then sort each
    // cache-sized bucket on its own thread: far fewer cache misses than one big hash table.
    timer.step("dd-hash");
    std::vector<std::vector<uint32_t>> groups;
    {
        constexpr size_t kBuckets = 256;
        std::vector<size_t> start(kBuckets + 1, 0);
        for (size_t i = 0; i < n; ++i)
            if (keyHash[i]) ++start[(keyHash[i] >> 56) + 1];
        for (size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
        std::vector<std::pair<uint64_t, uint32_t>> entries(start[kBuckets]);
        std::vector<size_t> fill(start.begin(), start.end() - 1);
        for (size_t i = 0; i < n; ++i)
            if (keyHash[i]) entries[fill[keyHash[i] >> 56]++] = {keyHash[i], static_cast<uint32_t>(i)};
        std::vector<std::vector<std::vector<uint32_t>>> bucketGroups(kBuckets);
        parallelFor(kBuckets, [&](size_t b, unsigned) {
            auto first = entries.begin() + static_cast<long>(start[b]), last = entries.begin() + static_cast<long>(start[b + 1]);
            // By hash only (a group's rows are ordered by their full keys below): a radix sort, about
            // half of std::sort's time on these 64-bit keys.
            boost::sort::spreadsort::integer_sort(
                first, last, [](const std::pair<uint64_t, uint32_t>& e, unsigned shift) { return e.first >> shift; },
                [](const std::pair<uint64_t, uint32_t>& a, const std::pair<uint64_t, uint32_t>& b) { return a.first < b.first; });
            for (auto it = first; it != last;) {
                auto next = it + 1;
                while (next != last && next->first == it->first) ++next;
                if (next - it > 1) {
                    std::vector<uint32_t> rows;
                    for (auto k = it; k != next; ++k) rows.push_back(k->second);
                    bucketGroups[b].push_back(std::move(rows));
                }
                it = next;
            }
        });
        for (auto& bg : bucketGroups)
            for (auto& g : bg) groups.push_back(std::move(g));
    }
    timer.step("dd-groups");
    // Same hash: compare real keys. Rows of the latest file holding a key win; the same key in an
    // earlier file is superseded. Repeats inside one file are distinct rows (police.uk has them) and
    // stay. The keys are made and compared on all cores; the superseded rows are then recorded in
    // group order, so the rejects list is the same on any number of cores.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> replacedBy(groups.size());  // (older row, newest row)
    constexpr size_t kGroupsPerTask = 1024;
    parallelFor((groups.size() + kGroupsPerTask - 1) / kGroupsPerTask, [&](size_t task, unsigned) {
        std::vector<std::pair<std::string, uint32_t>> group;
        for (size_t g = task * kGroupsPerTask; g < std::min(groups.size(), (task + 1) * kGroupsPerTask); ++g) {
            group.clear();
            for (uint32_t row : groups[g]) group.emplace_back(fullKey(row), row);
            std::sort(group.begin(), group.end());
            for (size_t g0 = 0; g0 < group.size();) {
                size_t g1 = g0 + 1;
                while (g1 < group.size() && group[g1].first == group[g0].first) ++g1;
                const uint32_t newest = group[g1 - 1].second;  // highest row index = latest file
                for (size_t k = g0; k < g1; ++k)
                    if (t.fileIndex[group[k].second] != t.fileIndex[newest]) replacedBy[g].emplace_back(group[k].second, newest);
                g0 = g1;
            }
        }
    });
    for (const auto& pairs : replacedBy) {
        for (const auto& [older, newest] : pairs) {
            keep[older] = 0;
            ++superseded;
            auto& stats = result.files[t.fileIndex[older]];
            --stats.accepted;
            ++stats.superseded;
            result.rejects.push_back(Reject{t.fileIndex[older], t.line[older], t.sourceId.at(older).empty() ? "" : "Crime ID",
                                            fmt::format("superseded: the same incident is re-loaded from {}:{} (later file wins)",
                                                        t.files[t.fileIndex[newest]], t.line[newest]),
                                            ""});
        }
    }
    return superseded;
}

}  // namespace

// Plan the inputs, read them, transform, supersede re-loaded rows, join outcomes.
IngestResult ingest(const std::vector<std::string>& paths, const IngestOptions& options) {
    if (!options.categories) throw Error(ErrorKind::Internal, "ingest() needs a category map");
    StepTimer timer("ingest");  // HOTSPOT_PROFILE=1 prints each step's time (docs/benchmarks.md)
    InputPlan plan = planInputs(paths, options);
    ReadBatch batch = readIncidentFiles(plan, options);
    timer.step("read");
    IngestResult result;
    result.setAside = std::move(plan.setAside);
    const std::vector<uint8_t> isPolice = transformToAnalysisCrs(batch, options, result);
    result.files = std::move(batch.files);
    result.rejects = std::move(batch.rejects);
    timer.step("transform");
    IncidentTable& t = batch.table;
    std::vector<uint8_t> keep(t.size(), 1);
    size_t superseded = supersedeReloadedRows(t, isPolice, result, keep, timer);
    superseded += supersedeRejectedRows(t, keep, result);
    timer.step("dd-superseded");
    if (superseded) t.compact(keep);
    result.table = std::move(t);
    timer.step("deduplicate");
    {
        const OutcomeMap builtin = options.outcomeMap ? OutcomeMap{} : OutcomeMap::builtinDefault();
        joinOutcomes(plan.outcomeFiles, options.outcomeMap ? *options.outcomeMap : builtin, result.table, result.rejects, result.outcomes,
                     result.outcomeRejects);
    }
    timer.step("outcomes");

    // Categories the mapping does not know: kept (group empty) and reported.
    std::map<std::string, int64_t> unmapped;
    for (size_t i = 0; i < result.table.size(); ++i)
        if (result.table.group[i] == kNoGroup) ++unmapped[result.table.category.at(i)];
    for (auto& [name, count] : unmapped) result.unmappedCategories.emplace_back(name, count);
    return result;
}

namespace {
constexpr ChoiceTable<PoliceUkSeries, 2> kSeries{{{PoliceUkSeries::Street, "street"}, {PoliceUkSeries::StopAndSearch, "stop-and-search"}}};
}  // namespace

PoliceUkSeries parsePoliceUkSeries(const std::string& text, const OptionNaming& naming) { return choiceFromText(kSeries, text, "series", naming); }
const char* toString(PoliceUkSeries series) { return choiceText(kSeries, series); }

}  // namespace hotspot
