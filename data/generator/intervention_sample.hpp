#pragma once
// The intervention sample (see intervention_sample.cpp): data/interventions/*.

#include <filesystem>
#include <string>
#include <vector>

namespace sample {

struct StreetPoint {
    std::string street, locality;
    double x, y;
};

void writeInterventionSample(const std::filesystem::path& root, const std::vector<StreetPoint>& streets);

}  // namespace sample
