// Address normalisation, parsing, postcodes and similarity on arbitrary text.
#include <cstdint>
#include <string>

#include "hotspot/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const size_t half = text.size() / 2;
    const std::string a = text.substr(0, half), b = text.substr(half);
    (void)hotspot::normalizeStreet(text);
    (void)hotspot::normalizeLocality(text);
    (void)hotspot::normalizePostcode(text);
    hotspot::ParsedAddress p = hotspot::parseAddress(text);
    if (!p.postcode.empty() && hotspot::normalizePostcode(p.postcode) != p.postcode) __builtin_trap();  // idempotent
    const double s = hotspot::nameSimilarity(hotspot::normalizeStreet(a), hotspot::normalizeStreet(b));
    if (!(s >= 0.0 && s <= 1.0)) __builtin_trap();
    return 0;
}
