#pragma once
// Address normalisation for gazetteer matching: case, punctuation, abbreviations
// (Rd -> ROAD, St -> STREET at the end, SAINT at the start), the police.uk "On or near" prefix.

#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

// Normalises a street or place name to its match key, e.g. "On or near St. James's Rd" -> "SAINT JAMESS ROAD".
std::string normalizeStreet(std::string_view text);
// Upper-case, punctuation-free form of a locality ("Kingsthorpe", "NORTHAMPTON").
std::string normalizeLocality(std::string_view text);

struct ParsedAddress {
    std::string street;                   // normalised street key ("" if none)
    std::vector<std::string> localities;  // normalised localities from the other comma parts
    std::string postcode;                 // "NN1 5AB" (normalised), "" if none
    std::string district;                 // postcode outward code / district, e.g. "NN1"
};

// Splits "12 Abington St, Northampton, NN1 2AB" into street, localities and postcode.
ParsedAddress parseAddress(std::string_view text);
// Normalises a postcode ("nn15ab" -> "NN1 5AB"); "" if it is not a UK postcode.
std::string normalizePostcode(std::string_view text);

// Similarity in [0, 1]: 1 - Levenshtein distance / longer length, also trying token order.
double nameSimilarity(std::string_view a, std::string_view b);

}  // namespace hotspot
