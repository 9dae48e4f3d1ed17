#pragma once
// The road sample (see road_sample.cpp): shapes/roads.geojson and data/roads/*.csv.

#include <filesystem>

namespace sample {

void writeRoadSample(const std::filesystem::path& root);

}  // namespace sample
