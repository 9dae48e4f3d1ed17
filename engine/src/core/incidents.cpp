#include "hotspot/incidents.hpp"

#include <fmt/format.h>

#include "core/prefault.hpp"

namespace hotspot {

const char* toString(LocationSource source) {
    switch (source) {
        case LocationSource::Coordinates: return "coordinates";
        case LocationSource::GazetteerExact: return "gazetteer_exact";
        case LocationSource::GazetteerFuzzy: return "gazetteer_fuzzy";
        case LocationSource::Postcode: return "postcode";
        case LocationSource::Pending: return "pending";
    }
    return "unknown";
}

std::string formatMonth(int32_t m) {
    if (m == kNoMonth) return {};
    return fmt::format("{:04d}-{:02d}", monthYear(m), monthOfYear(m));
}

size_t IncidentTable::attributeIndex(const std::string& name) {
    for (size_t i = 0; i < attributes.size(); ++i)
        if (attributes[i].name == name) return i;
    attributes.push_back(AttributeColumn{name, {}});
    attributes.back().values.codes.reserve(x.capacity());  // as many rows as the table has room for
    attributes.back().values.codes.assign(size(), 0);
    return attributes.size() - 1;
}

void IncidentTable::reserve(size_t rows, size_t idChars) {
    sourceId.reserve(rows, idChars ? idChars : rows * 40);
    x.reserve(rows);
    y.reserve(rows);
    srcX.reserve(rows);
    srcY.reserve(rows);
    month.reserve(rows);
    day.reserve(rows);
    weight.reserve(rows);
    category.codes.reserve(rows);
    group.reserve(rows);
    location.codes.reserve(rows);
    locality.codes.reserve(rows);
    fileIndex.reserve(rows);
    line.reserve(rows);
    locationSource.reserve(rows);
    matchScore.reserve(rows);
}

void IncidentTable::prefaultReserved() {
    sourceId.prefaultOffsets();
    for (auto* column : {&x, &y, &srcX, &srcY}) prefaultCapacity(*column);
    prefaultCapacity(month);
    prefaultCapacity(day);
    prefaultCapacity(weight);
    for (auto* column : {&category, &location, &locality}) prefaultCapacity(column->codes);
    prefaultCapacity(group);
    prefaultCapacity(fileIndex);
    prefaultCapacity(line);
    prefaultCapacity(locationSource);
    prefaultCapacity(matchScore);
}

void IncidentTable::clearKeepingMemory() {
    files.clear();
    sourceId.clear();
    for (auto* column : {&x, &y, &srcX, &srcY}) column->clear();
    month.clear();
    day.clear();
    weight.clear();
    group.clear();
    for (auto* column : {&category, &location, &locality}) {
        column->codes.clear();
        column->pool = InternedStrings();
    }
    fileIndex.clear();
    line.clear();
    locationSource.clear();
    matchScore.clear();
    attributes.clear();  // the next file may have other columns
}

namespace {

void appendInterned(InternedColumn& dst, const InternedColumn& src) {
    std::vector<uint32_t> remap(src.pool.size());
    for (uint32_t c = 0; c < src.pool.size(); ++c) remap[c] = dst.pool.intern(src.pool.at(c));
    // No reserve here: an exact reserve on every append would defeat the vector's geometric growth.
    for (uint32_t c : src.codes) dst.codes.push_back(remap[c]);
}

template <typename T>
void appendVector(std::vector<T>& dst, const std::vector<T>& src) {
    dst.insert(dst.end(), src.begin(), src.end());
}

template <typename T>
void compactVector(std::vector<T>& v, const std::vector<uint8_t>& keep) {
    size_t i = 0;
    while (i < v.size() && keep[i]) ++i;  // nothing moves before the first removed row
    size_t out = i;
    for (; i < v.size(); ++i)
        if (keep[i]) v[out++] = v[i];
    v.resize(out);
}

}  // namespace

void IncidentTable::append(const IncidentTable& other) {
    const size_t before = size();
    // Rows of a table without its own file list refer to this table's files.
    const auto fileOffset = other.files.empty() ? 0u : static_cast<uint32_t>(files.size());
    appendVector(files, other.files);
    sourceId.append(other.sourceId);
    appendVector(x, other.x);
    appendVector(y, other.y);
    appendVector(srcX, other.srcX);
    appendVector(srcY, other.srcY);
    appendVector(month, other.month);
    appendVector(day, other.day);
    appendVector(weight, other.weight);
    appendInterned(category, other.category);
    appendVector(group, other.group);
    appendInterned(location, other.location);
    appendInterned(locality, other.locality);
    for (uint32_t f : other.fileIndex) fileIndex.push_back(f + fileOffset);
    appendVector(line, other.line);
    appendVector(locationSource, other.locationSource);
    appendVector(matchScore, other.matchScore);
    for (const auto& column : other.attributes) {
        auto& dst = attributes[attributeIndex(column.name)].values;
        dst.codes.resize(before);  // columns created just now are already this long
        appendInterned(dst, column.values);
    }
    for (auto& column : attributes) column.values.codes.resize(size(), 0);
}

void IncidentTable::compact(const std::vector<uint8_t>& keep) {
    sourceId.compact(keep);
    compactVector(x, keep);
    compactVector(y, keep);
    compactVector(srcX, keep);
    compactVector(srcY, keep);
    compactVector(month, keep);
    compactVector(day, keep);
    compactVector(weight, keep);
    compactVector(category.codes, keep);
    compactVector(group, keep);
    compactVector(location.codes, keep);
    compactVector(locality.codes, keep);
    compactVector(fileIndex, keep);
    compactVector(line, keep);
    compactVector(locationSource, keep);
    compactVector(matchScore, keep);
    for (auto& column : attributes) compactVector(column.values.codes, keep);
}

}  // namespace hotspot
