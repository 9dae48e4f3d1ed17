#include "hotspot/gazetteer.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include "hotspot/address.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/csv_tokenizer.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

const char* toString(MatchStatus status) {
    switch (status) {
        case MatchStatus::Matched: return "matched";
        case MatchStatus::Unmatched: return "unmatched";
        case MatchStatus::Ambiguous: return "ambiguous";
    }
    return "?";
}

const char* toString(MatchMethod method) {
    switch (method) {
        case MatchMethod::None: return "none";
        case MatchMethod::Exact: return "exact";
        case MatchMethod::Fuzzy: return "fuzzy";
        case MatchMethod::Postcode: return "postcode";
    }
    return "?";
}

namespace {

int findAny(const std::vector<std::string>& header, std::initializer_list<const char*> names, const std::string& forced) {
    if (!forced.empty()) {
        for (size_t i = 0; i < header.size(); ++i)
            if (iequals(header[i], forced)) return static_cast<int>(i);
        return -2;  // asked for but missing
    }
    for (const char* n : names)
        for (size_t i = 0; i < header.size(); ++i)
            if (iequals(header[i], n)) return static_cast<int>(i);
    return -1;
}

bool parseDouble(std::string_view s, double& v) {
    s = trim(s);
    auto r = fast_float::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

void Gazetteer::add(GazetteerEntry entry) {
    auto id = static_cast<uint32_t>(m_entries.size());
    if (entry.isPostcode) {
        m_postcodes.emplace(entry.key, id);
    } else {
        auto& list = m_byKey[entry.key];
        if (list.empty()) m_keys.push_back(entry.key);
        list.push_back(id);
    }
    m_entries.push_back(std::move(entry));
}

void Gazetteer::load(const std::string& path, const GazetteerOptions& options) {
    std::string ext = toLowerAscii(std::filesystem::path(path).extension().string());
    if (ext == ".csv" || ext == ".txt") {
        std::string text = readWholeFile(path);
        if (looksBinary(text)) throwInput("not a text CSV file (binary content)", {path, 1});
        std::vector<int64_t> lines;
        auto rows = parseCsvText(text, &lines);
        if (rows.empty()) throwInput("gazetteer is empty", {path, 1});
        if (rows.size() == 1) throwInput("empty gazetteer: the file has a header line but no entries", {path, 2});
        const auto& header = rows[0];
        int name = findAny(header, {"name", "street", "street_name", "road", "road_name", "place"}, options.nameField);
        int locality = findAny(header, {"locality", "town", "area", "place_name", "settlement"}, options.localityField);
        int postcode = findAny(header, {"postcode", "pcds", "pcd"}, options.postcodeField);
        if (name == -2) throwInput("name field '" + options.nameField + "' is not in the header", {path, 1, options.nameField});
        if (name < 0 && postcode < 0) throwInput("gazetteer needs a name/street column or a postcode column", {path, 1, "name"});
        int cx = findAny(header, {"x", "easting", "east"}, ""), cy = findAny(header, {"y", "northing", "north"}, "");
        int clon = findAny(header, {"lon", "longitude", "lng"}, ""), clat = findAny(header, {"lat", "latitude"}, "");
        std::string crs;
        int colX, colY;
        if (cx >= 0 && cy >= 0) {
            colX = cx, colY = cy;
            crs = options.srs.empty() ? "EPSG:27700" : options.srs;
        } else if (clon >= 0 && clat >= 0) {
            colX = clon, colY = clat;
            crs = "EPSG:4326";
        } else {
            throwInput("gazetteer needs x/y, easting/northing or longitude/latitude columns", {path, 1, "x"});
        }
        CoordinateTransformer transformer(crs, options.analysisCrs);
        // Entries outside the area where the analysis CRS is valid (a postcode list of the whole
        // world, a swapped lon/lat) would place addresses far away: left out, counted.
        LonLatBox area;
        const bool haveArea = crsAreaOfUse(options.analysisCrs, area);
        CoordinateTransformer toLonLat(crs, "EPSG:4326");
        int64_t outside = 0, firstOutside = 0;
        for (size_t r = 1; r < rows.size(); ++r) {
            const auto& row = rows[r];
            if (row.size() != header.size())
                throwInput(fmt::format("expected {} fields, found {}", header.size(), row.size()), {path, lines[r]});
            double x = 0, y = 0;
            if (!parseDouble(row[colX], x) || !parseDouble(row[colY], y))
                throwInput(fmt::format("coordinates '{}', '{}' are not numbers", row[colX], row[colY]), {path, lines[r], header[colX]});
            double lon = x, lat = y;
            if (haveArea && (!toLonLat.transformPoint(lon, lat) || !area.contains(lon, lat))) {
                if (outside++ == 0) firstOutside = lines[r];
                continue;
            }
            if (!transformer.transformPoint(x, y))
                throwInput("coordinates cannot be transformed", {path, lines[r], header[colX]});
            GazetteerEntry e;
            e.x = x;
            e.y = y;
            if (locality >= 0) e.locality = normalizeLocality(row[locality]);
            std::string pc = postcode >= 0 ? normalizePostcode(row[postcode]) : std::string();
            if (!pc.empty()) e.district = pc.substr(0, pc.find(' '));
            if (name >= 0) {
                e.name = row[name];
                e.key = normalizeStreet(row[name]);
                if (e.key.empty()) continue;
                add(std::move(e));
            } else if (!pc.empty()) {
                e.name = pc;
                e.key = pc;
                e.isPostcode = true;
                add(std::move(e));
            }
        }
        if (outside)
            m_notes.push_back(fmt::format("{}: {} gazetteer entries lie outside the area of use of {} and were left out (the first on line {})",
                                          path, outside, options.analysisCrs, firstOutside));
        if (outside == static_cast<int64_t>(rows.size()) - 1)
            throwInput(fmt::format("every entry of the gazetteer lies outside the area of use of {} (x/y in another CRS? give `srs`)",
                                   options.analysisCrs),
                       {path, firstOutside});
        return;
    }
    // Any OGR layer.
    DatasetPtr ds = openVector(path);
    OGRLayer* layer = pickLayer(*ds, path, options.layer);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<std::string> fields;
    for (int i = 0; i < defn->GetFieldCount(); ++i) fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    int name = findAny(fields, {"name", "street", "street_name", "road", "road_name", "place"}, options.nameField);
    int locality = findAny(fields, {"locality", "town", "area", "place_name", "settlement"}, options.localityField);
    int postcode = findAny(fields, {"postcode", "pcds", "pcd"}, options.postcodeField);
    if (name < 0 && postcode < 0) throwInput("gazetteer layer needs a name or postcode field", {path, 0, "name"});
    std::string crs = crsString(layer->GetSpatialRef());
    if (crs.empty()) crs = options.srs.empty() ? "EPSG:27700" : options.srs;
    CoordinateTransformer transformer(crs, options.analysisCrs);
    if (layer->GetFeatureCount(TRUE) == 0) throwInput("empty gazetteer: the layer has no features", {path, 0, layer->GetName()});
    for (FeaturePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        OGRPoint p;
        auto type = wkbFlatten(g->getGeometryType());
        if (type == wkbPoint) {
            p = *g->toPoint();
        } else if (type == wkbLineString) {
            const OGRLineString* line = g->toLineString();
            line->Value(line->get_Length() / 2, &p);
        } else if (g->Centroid(&p) != OGRERR_NONE) {
            continue;
        }
        double x = p.getX(), y = p.getY();
        if (!transformer.transformPoint(x, y)) continue;
        GazetteerEntry e;
        e.x = x;
        e.y = y;
        if (locality >= 0) e.locality = normalizeLocality(f->GetFieldAsString(locality));
        std::string pc = postcode >= 0 ? normalizePostcode(f->GetFieldAsString(postcode)) : std::string();
        if (!pc.empty()) e.district = pc.substr(0, pc.find(' '));
        if (name >= 0) {
            e.name = f->GetFieldAsString(name);
            e.key = normalizeStreet(e.name);
            if (!e.key.empty()) add(std::move(e));
        } else if (!pc.empty()) {
            e.name = e.key = pc;
            e.isPostcode = true;
            add(std::move(e));
        }
    }
}

MatchResult Gazetteer::resolve(std::vector<uint32_t> ids, const std::vector<std::string>& localities,
                               const std::string& district, MatchMethod method, double score,
                               double sameStreetMetres) const {
    MatchResult r;
    r.method = method;
    r.score = score;
    auto addCandidates = [&](const std::vector<uint32_t>& list) {
        for (uint32_t id : list) {
            if (r.candidates.size() >= 3) break;
            const auto& e = m_entries[id];
            bool seen = false;  // one candidate per name and locality (streets have several points)
            for (const auto& c : r.candidates) seen |= c.name == e.name && c.locality == e.locality;
            if (!seen) r.candidates.push_back({e.name, e.locality, score, e.x, e.y});
        }
    };
    std::string how;
    // Locality first, then postcode district, narrow the set when they can.
    if (ids.size() > 1 && !localities.empty()) {
        std::vector<uint32_t> kept;
        for (uint32_t id : ids)
            for (const auto& l : localities)
                if (!l.empty() && m_entries[id].locality == l) {
                    kept.push_back(id);
                    break;
                }
        if (!kept.empty() && kept.size() < ids.size()) {
            ids = std::move(kept);
            how = "locality";
        }
    }
    if (ids.size() > 1 && !district.empty()) {
        std::vector<uint32_t> kept;
        for (uint32_t id : ids)
            if (m_entries[id].district == district) kept.push_back(id);
        if (!kept.empty() && kept.size() < ids.size()) {
            ids = std::move(kept);
            how += how.empty() ? "postcode district" : " and postcode district";
        }
    }
    // Several entries of one street (segments): use the one nearest their mean point.
    double mx = 0, my = 0;
    for (uint32_t id : ids) mx += m_entries[id].x, my += m_entries[id].y;
    mx /= static_cast<double>(ids.size());
    my /= static_cast<double>(ids.size());
    double spread = 0;
    uint32_t nearest = ids[0];
    double nearestD = 1e300;
    for (uint32_t id : ids) {
        double d = std::hypot(m_entries[id].x - mx, m_entries[id].y - my);
        spread = std::max(spread, d);
        if (d < nearestD) nearestD = d, nearest = id;
    }
    if (ids.size() > 1 && spread * 2 > sameStreetMetres) {
        r.status = MatchStatus::Ambiguous;
        r.reason = fmt::format("{} places share the name '{}' ({:.0f} m apart) and locality/postcode did not decide", ids.size(),
                               m_entries[ids[0]].name, spread * 2);
        addCandidates(ids);
        return r;
    }
    const auto& e = m_entries[nearest];
    r.status = MatchStatus::Matched;
    r.x = e.x;
    r.y = e.y;
    r.matchedName = e.name + (e.locality.empty() ? "" : ", " + e.locality);
    if (!how.empty()) r.reason = "tie broken by " + how;
    addCandidates({nearest});
    return r;
}

MatchResult Gazetteer::match(std::string_view address, std::string_view localityHint, double minScore,
                             double sameStreetMetres) const {
    ParsedAddress parsed = parseAddress(address);
    if (!localityHint.empty()) parsed.localities.push_back(normalizeLocality(localityHint));
    if (!parsed.postcode.empty()) {
        auto it = m_postcodes.find(parsed.postcode);
        if (it != m_postcodes.end()) {
            const auto& e = m_entries[it->second];
            MatchResult r;
            r.status = MatchStatus::Matched;
            r.method = MatchMethod::Postcode;
            r.score = 1.0;
            r.x = e.x;
            r.y = e.y;
            r.matchedName = e.name;
            r.candidates.push_back({e.name, e.locality, 1.0, e.x, e.y});
            return r;
        }
    }
    if (parsed.street.empty()) {
        MatchResult r;
        r.reason = parsed.postcode.empty() ? "no street name or postcode in the address"
                                           : "postcode " + parsed.postcode + " is not in the gazetteer and there is no street name";
        return r;
    }
    if (auto it = m_byKey.find(parsed.street); it != m_byKey.end())
        return resolve(it->second, parsed.localities, parsed.district, MatchMethod::Exact, 1.0, sameStreetMetres);

    // Fuzzy: best-scoring distinct keys.
    std::vector<std::pair<double, size_t>> scored;
    for (size_t k = 0; k < m_keys.size(); ++k) {
        const std::string& key = m_keys[k];
        // Cheap bound: the length difference alone limits the score.
        double bound = 1.0 - std::abs(double(key.size()) - double(parsed.street.size())) / double(std::max(key.size(), parsed.street.size()));
        if (bound < minScore - 0.1) continue;
        double s = nameSimilarity(parsed.street, key);
        if (s >= minScore - 0.1) scored.emplace_back(s, k);
    }
    std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    if (scored.empty() || scored[0].first < minScore) {
        MatchResult r;
        r.reason = fmt::format("no gazetteer name scores {:.2f} or more against '{}'", minScore, parsed.street);
        for (size_t i = 0; i < scored.size() && i < 3; ++i) {
            const auto& e = m_entries[m_byKey.at(m_keys[scored[i].second]).front()];
            r.candidates.push_back({e.name, e.locality, scored[i].first, e.x, e.y});
        }
        return r;
    }
    // Keys tied at the best score compete like entries of one key.
    std::vector<uint32_t> ids;
    const double best = scored[0].first;
    for (const auto& [s, k] : scored) {
        if (s < best - 1e-9) break;
        const auto& list = m_byKey.at(m_keys[k]);
        ids.insert(ids.end(), list.begin(), list.end());
    }
    MatchResult r = resolve(ids, parsed.localities, parsed.district, MatchMethod::Fuzzy, best, sameStreetMetres);
    if (r.status == MatchStatus::Matched && scored.size() > 1 && r.candidates.size() < 3)
        for (size_t i = 1; i < scored.size() && r.candidates.size() < 3; ++i) {
            const auto& e = m_entries[m_byKey.at(m_keys[scored[i].second]).front()];
            r.candidates.push_back({e.name, e.locality, scored[i].first, e.x, e.y});
        }
    return r;
}

}  // namespace hotspot
