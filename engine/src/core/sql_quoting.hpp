#pragma once
// SQL quoting shared by the exporters (OGR SQL projections, PostGIS statements) and the
// GeoPackage R-tree builder.

#include <string>

namespace hotspot {

// "name" with embedded double quotes doubled: a safe SQL identifier.
inline std::string sqlIdentifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// 'value' with embedded single quotes doubled: a safe SQL string literal.
inline std::string sqlLiteral(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

}  // namespace hotspot
