#include "hotspot/address.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "hotspot/strings.hpp"

namespace hotspot {
namespace {

std::vector<std::string> tokens(std::string_view text) {
    // Apostrophes vanish ("Crispin's" -> CRISPINS); other punctuation separates words.
    std::vector<std::string> out;
    std::string current;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '\'' || c == '`') continue;
        if (std::isalnum(c) || c >= 0x80) {
            current.push_back(static_cast<char>(std::toupper(c)));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

const std::unordered_map<std::string, std::string>& abbreviations() {
    static const std::unordered_map<std::string, std::string> map = {
        {"RD", "ROAD"}, {"AVE", "AVENUE"}, {"AV", "AVENUE"}, {"LN", "LANE"}, {"CL", "CLOSE"}, {"CRES", "CRESCENT"}, {"CRESC", "CRESCENT"}, {"DR", "DRIVE"}, {"PL", "PLACE"}, {"SQ", "SQUARE"}, {"TER", "TERRACE"}, {"TERR", "TERRACE"}, {"GDNS", "GARDENS"}, {"GRN", "GREEN"}, {"GRO", "GROVE"}, {"GR", "GROVE"}, {"CT", "COURT"}, {"PK", "PARK"}, {"HWY", "HIGHWAY"}, {"MT", "MOUNT"}, {"UPR", "UPPER"}, {"LWR", "LOWER"}, {"WK", "WALK"}, {"BLVD", "BOULEVARD"}, {"PDE", "PARADE"}, {"STS", "STREETS"}, {"CIR", "CIRCLE"}, {"EST", "ESTATE"}, {"RDBT", "ROUNDABOUT"}};
    return map;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out.push_back(' ');
        out += p;
    }
    return out;
}

bool isHouseNumber(const std::string& token) {
    // "12", "12A", "3B"
    return !token.empty() && std::isdigit(static_cast<unsigned char>(token[0])) && token.size() <= 5;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("Grvoe" -> "Grove"
// costs 1, not 2), the commonest typing slip in hand-entered addresses.
size_t editDistance(std::string_view a, std::string_view b) {
    const size_t n = a.size(), m = b.size();
    std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (size_t j = 0; j <= m; ++j) prev[j] = j;
    for (size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= m; ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[m];
}

double ratio(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty()) return 0.0;
    return 1.0 - static_cast<double>(editDistance(a, b)) / static_cast<double>(std::max(a.size(), b.size()));
}

std::string withoutSpaces(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ') out.push_back(c);
    return out;
}

}  // namespace

std::string normalizeStreet(std::string_view text) {
    std::vector<std::string> t = tokens(text);
    // police.uk anonymised locations: "On or near <street or place>"
    if (t.size() >= 3 && t[0] == "ON" && t[1] == "OR" && t[2] == "NEAR") t.erase(t.begin(), t.begin() + 3);
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == "ST") {
            // "St" ends a street name ("Abington St") but starts a saint's name ("St James Road").
            t[i] = (i + 1 == t.size() && i > 0) ? "STREET" : "SAINT";
        } else if (auto it = abbreviations().find(t[i]); it != abbreviations().end()) {
            // Abbreviations are expanded only where a street type can stand: not as the first word.
            if (i > 0 || t.size() == 1) t[i] = it->second;
        }
    }
    return join(t);
}

std::string normalizeLocality(std::string_view text) {
    std::vector<std::string> t = tokens(text);
    for (auto& token : t)
        if (token == "ST") token = "SAINT";
    return join(t);
}

std::string normalizePostcode(std::string_view text) {
    std::string compact;
    for (char ch : text)
        if (!std::isspace(static_cast<unsigned char>(ch))) compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    // Outward code 2-4 chars, inward code digit + 2 letters.
    if (compact.size() < 5 || compact.size() > 7) return {};
    std::string inward = compact.substr(compact.size() - 3);
    std::string outward = compact.substr(0, compact.size() - 3);
    if (!std::isdigit(static_cast<unsigned char>(inward[0])) || !std::isalpha(static_cast<unsigned char>(inward[1])) ||
        !std::isalpha(static_cast<unsigned char>(inward[2])))
        return {};
    if (!std::isalpha(static_cast<unsigned char>(outward[0]))) return {};
    bool hasDigit = false;
    for (char c : outward) {
        if (!std::isalnum(static_cast<unsigned char>(c))) return {};
        hasDigit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
    }
    if (!hasDigit) return {};
    return outward + " " + inward;
}

ParsedAddress parseAddress(std::string_view text) {
    ParsedAddress out;
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string_view part = trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!part.empty()) parts.push_back(part);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    bool streetFound = false;
    for (std::string_view part : parts) {
        // A postcode may be a part of its own or the tail of a part ("Northampton NN1 2AB").
        std::vector<std::string> t = tokens(part);
        if (out.postcode.empty() && t.size() >= 2) {
            std::string candidate = normalizePostcode(t[t.size() - 2] + t.back());
            if (!candidate.empty()) {
                out.postcode = candidate;
                out.district = candidate.substr(0, candidate.find(' '));
                t.resize(t.size() - 2);
            }
        }
        if (out.postcode.empty() && !t.empty()) {  // "NN12ED" written without its space
            std::string candidate = normalizePostcode(t.back());
            if (!candidate.empty()) {
                out.postcode = candidate;
                out.district = candidate.substr(0, candidate.find(' '));
                t.pop_back();
            }
        }
        if (t.empty()) continue;
        if (!streetFound) {
            // Leading house numbers and flat prefixes are not part of the street.
            size_t skip = 0;
            while (skip < t.size() && (isHouseNumber(t[skip]) || t[skip] == "FLAT" || t[skip] == "UNIT")) ++skip;
            if (skip == t.size()) continue;  // "12," alone: a number part
            std::vector<std::string> rest(t.begin() + static_cast<long>(skip), t.end());
            out.street = normalizeStreet(join(rest));
            streetFound = !out.street.empty();
        } else {
            out.localities.push_back(normalizeLocality(join(t)));
        }
    }
    return out;
}

double nameSimilarity(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty()) return 0.0;
    if (a == b) return 1.0;
    double direct = ratio(a, b);
    // A misplaced space ("Curle wLane") should cost like one slip, not two words wrong.
    double joined = ratio(withoutSpaces(a), withoutSpaces(b)) * 0.99;
    // Word order differences ("ROAD WELLINGBOROUGH") should not cost much.
    auto sorted = [](std::string_view s) {
        std::vector<std::string> t = tokens(s);
        std::sort(t.begin(), t.end());
        return join(t);
    };
    double reordered = ratio(sorted(a), sorted(b)) * 0.98;
    return std::max({direct, joined, reordered});
}

}  // namespace hotspot
