#include "hotspot/ingest.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/readers.hpp"

namespace hotspot {

namespace {

bool parseInt(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
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

InputFormat detectFormat(const std::string& path) {
    std::string ext = toLowerAscii(std::filesystem::path(path).extension().string());
    if (ext != ".csv" && ext != ".txt") return InputFormat::Ogr;
    CsvFileLayout layout = layoutCsvFile(path, 1u << 30);
    static const char* const kPolice[] = {"Crime ID", "Month", "Longitude", "Latitude", "Location", "Crime type"};
    for (const char* name : kPolice) {
        bool found = false;
        for (const auto& h : layout.header) found |= iequals(h, name);
        if (!found) return InputFormat::GenericCsv;
    }
    return InputFormat::PoliceUk;
}

IngestResult ingest(const std::vector<std::string>& paths, const IngestOptions& options) {
    if (!options.categories) throw Error(ErrorKind::Internal, "ingest() needs a category map");
    std::vector<InputFormat> formats;
    for (const auto& p : paths) {
        InputFormat f = options.format;
        if (f == InputFormat::Auto) f = detectFormat(p);
        if (f == InputFormat::GenericCsv && !options.mapping.hasPoint() && options.mapping.address.empty())
            throwUsage("not a police.uk street CSV (its header lacks Crime ID, Month, Longitude, Latitude, Location, "
                       "Crime type); give a column mapping with --columns",
                       {p, 1});
        formats.push_back(f);
    }

    // Read every file (CSV chunks of all files share the threads).
    std::vector<std::string> csvPaths;
    std::vector<InputFormat> csvFormats;
    for (size_t i = 0; i < paths.size(); ++i)
        if (formats[i] != InputFormat::Ogr) {
            csvPaths.push_back(paths[i]);
            csvFormats.push_back(formats[i]);
        }
    std::vector<FileReadResult> csvResults = readCsvFiles(csvPaths, csvFormats, options);
    std::vector<FileReadResult> perFile;
    perFile.reserve(paths.size());
    for (size_t i = 0, c = 0; i < paths.size(); ++i) {
        if (formats[i] == InputFormat::Ogr)
            perFile.push_back(readOgrFile(paths[i], options));
        else
            perFile.push_back(std::move(csvResults[c++]));
    }

    // Transform coordinates to the analysis CRS, one PROJ pipeline per source CRS.
    IngestResult result;
    std::map<std::string, std::unique_ptr<CoordinateTransformer>> transformers;
    for (auto& r : perFile) {
        IncidentTable& t = r.table;
        if (t.size() == 0) continue;
        auto& tr = transformers[r.sourceCrs];
        if (!tr) {
            tr = std::make_unique<CoordinateTransformer>(r.sourceCrs, options.analysisCrs);
            for (size_t i = 0; i < t.size(); ++i)
                if (std::isfinite(t.srcX[i])) {
                    result.transformSummaries.push_back(tr->report(t.srcX[i], t.srcY[i]).summary());
                    break;
                }
        }
        std::copy(t.srcX.begin(), t.srcX.end(), t.x.begin());
        std::copy(t.srcY.begin(), t.srcY.end(), t.y.begin());
        tr->transform(t.x.data(), t.y.data(), t.size());
        std::vector<uint8_t> keep(t.size(), 1);
        bool anyDropped = false;
        for (size_t i = 0; i < t.size(); ++i) {
            if (std::isfinite(t.srcX[i]) && !std::isfinite(t.x[i])) {
                keep[i] = 0;
                anyDropped = true;
                r.rejects.push_back(Reject{0, t.line[i], "x", fmt::format("coordinates ({}, {}) cannot be transformed from {} to {}", t.srcX[i], t.srcY[i], r.sourceCrs, options.analysisCrs), ""});
            }
        }
        if (anyDropped) {
            t.compact(keep);
            r.stats.accepted = static_cast<int64_t>(t.size());
            r.stats.rejected = static_cast<int64_t>(r.rejects.size());
        }
    }

    // Merge in input order.
    size_t total = 0;
    for (const auto& r : perFile) total += r.table.size();
    result.table.reserve(total);
    std::vector<uint8_t> isPolice;
    for (auto& r : perFile) {
        const auto fileOffset = static_cast<uint32_t>(result.table.files.size());
        result.table.append(r.table);
        isPolice.insert(isPolice.end(), r.table.size(), r.stats.format == InputFormat::PoliceUk);
        for (auto& rej : r.rejects) {
            rej.file += fileOffset;
            result.rejects.push_back(std::move(rej));
        }
        result.files.push_back(r.stats);
        r = FileReadResult{};
    }

    // De-duplicate: a later row with the same key replaces the earlier one.
    IncidentTable& t = result.table;
    const size_t n = t.size();
    std::vector<uint32_t> occurrence(n, 0);
    auto placeKey = [&](size_t i) {
        return fmt::format("A|{}|{:.6f}|{:.6f}|{}|{}", t.month[i], t.srcX[i], t.srcY[i], t.location.at(i), t.category.at(i));
    };
    {
        // nth identical id-less police.uk row within its file
        std::unordered_map<std::string, uint32_t> counts;
        uint32_t currentFile = UINT32_MAX;
        for (size_t i = 0; i < n; ++i) {
            if (!isPolice[i] || !t.sourceId.at(i).empty()) continue;
            if (t.fileIndex[i] != currentFile) {
                counts.clear();
                currentFile = t.fileIndex[i];
            }
            occurrence[i] = counts[placeKey(i)]++;
        }
    }
    auto fullKey = [&](size_t i) -> std::string {
        std::string_view id = t.sourceId.at(i);
        if (!id.empty()) return "I|" + std::string(id);
        if (isPolice[i]) return placeKey(i) + "|" + std::to_string(occurrence[i]);
        return {};
    };
    std::vector<std::pair<uint64_t, uint32_t>> keys;
    keys.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        std::string_view id = t.sourceId.at(i);
        if (!id.empty())
            keys.emplace_back(fnv1a(id, fnv1a("I|")), static_cast<uint32_t>(i));
        else if (isPolice[i])
            keys.emplace_back(fnv1a(fullKey(i)), static_cast<uint32_t>(i));
    }
    std::sort(keys.begin(), keys.end());
    std::vector<uint8_t> keep(n, 1);
    size_t superseded = 0;
    for (size_t a = 0; a < keys.size();) {
        size_t b = a + 1;
        while (b < keys.size() && keys[b].first == keys[a].first) ++b;
        if (b - a > 1) {
            // Same hash: compare real keys. Rows of the latest file holding a key win; the same key in an
            // earlier file is superseded. Repeats inside one file are distinct rows (police.uk has them) and stay.
            std::vector<std::pair<std::string, uint32_t>> group;
            for (size_t k = a; k < b; ++k) group.emplace_back(fullKey(keys[k].second), keys[k].second);
            std::sort(group.begin(), group.end());
            for (size_t g0 = 0; g0 < group.size();) {
                size_t g1 = g0 + 1;
                while (g1 < group.size() && group[g1].first == group[g0].first) ++g1;
                const uint32_t newest = group[g1 - 1].second;  // highest row index = latest file
                const uint32_t newestFile = t.fileIndex[newest];
                for (size_t k = g0; k < g1; ++k) {
                    uint32_t older = group[k].second;
                    if (t.fileIndex[older] == newestFile) continue;
                    keep[older] = 0;
                    ++superseded;
                    auto& stats = result.files[t.fileIndex[older]];
                    --stats.accepted;
                    ++stats.superseded;
                    result.rejects.push_back(Reject{t.fileIndex[older], t.line[older], t.sourceId.at(older).empty() ? "" : "Crime ID",
                                                    fmt::format("superseded: the same incident is re-loaded from {}:{} (later file wins)",
                                                                t.files[newestFile], t.line[newest]),
                                                    ""});
                }
                g0 = g1;
            }
        }
        a = b;
    }
    if (superseded) t.compact(keep);

    // Categories the mapping does not know: kept (group empty) and reported.
    std::map<std::string, int64_t> unmapped;
    for (size_t i = 0; i < t.size(); ++i)
        if (t.group[i] == kNoGroup) ++unmapped[t.category.at(i)];
    for (auto& [name, count] : unmapped) result.unmappedCategories.emplace_back(name, count);
    return result;
}

}  // namespace hotspot
