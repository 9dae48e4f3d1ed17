#include "hotspot/ingest.hpp"

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"

namespace hotspot {

ColumnMapping ColumnMapping::policeUk() {
    ColumnMapping m;
    m.id = "Crime ID";
    m.month = "Month";
    m.lon = "Longitude";
    m.lat = "Latitude";
    m.address = "Location";
    m.category = "Crime type";
    return m;
}

ColumnMapping ColumnMapping::policeUkStopAndSearch() {
    ColumnMapping m;
    m.date = "Date";
    m.lon = "Longitude";
    m.lat = "Latitude";
    m.category = "Type";
    return m;
}

ColumnMapping ColumnMapping::parse(const std::string& spec) {
    ColumnMapping m;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        std::string_view item = trim(std::string_view(spec).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
        if (item.empty()) continue;
        size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            throwUsage("column mapping item '" + std::string(item) + "' is not role=column", {"", 0, "columns"});
        std::string role = toLowerAscii(trim(item.substr(0, eq)));
        std::string column(trim(item.substr(eq + 1)));
        std::string* target = nullptr;
        if (role == "id") target = &m.id;
        else if (role == "x") target = &m.x;
        else if (role == "y") target = &m.y;
        else if (role == "lon" || role == "longitude") target = &m.lon;
        else if (role == "lat" || role == "latitude") target = &m.lat;
        else if (role == "address") target = &m.address;
        else if (role == "locality") target = &m.locality;
        else if (role == "date") target = &m.date;
        else if (role == "month") target = &m.month;
        else if (role == "category") target = &m.category;
        else if (role == "weight") target = &m.weight;
        else
            throwUsage("unknown column role '" + role +
                           "' (expected id, x, y, lon, lat, address, locality, date, month, category, weight)",
                       {"", 0, "columns"});
        *target = column;
    }
    if (m.x.empty() != m.y.empty()) throwUsage("map both x and y, or neither", {"", 0, "columns"});
    if (m.lon.empty() != m.lat.empty()) throwUsage("map both lon and lat, or neither", {"", 0, "columns"});
    // Whether a point or an address is needed depends on the input: CSVs need one, layers have geometry.
    return m;
}

}  // namespace hotspot
