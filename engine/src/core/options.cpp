#include "hotspot/options.hpp"

#include <cmath>

#include <fmt/format.h>

#include "hotspot/error.hpp"

namespace hotspot {

OptionNaming OptionNaming::cli() {
    return {[](std::string_view key) {
        std::string flag = "--";
        for (char c : key) flag += c == '_' ? '-' : c;
        return flag;
    }};
}

OptionNaming OptionNaming::keys() {
    return {[](std::string_view key) { return std::string(key); }};
}

OptionNaming OptionNaming::prefixed(std::string prefix) {
    return {[prefix = std::move(prefix)](std::string_view key) { return prefix + std::string(key); }};
}

namespace {

std::string unitWords(std::string_view unit) {
    if (unit == "m") return "metres";
    return std::string(unit);
}

}  // namespace

std::string NumberOption::rangeText() const {
    std::string kind = integer ? "a whole number" : "a number";
    if (!unit.empty()) kind += " of " + unitWords(unit);
    if (minIncluded && maxIncluded) return fmt::format("{} from {} to {}", kind, min, max);
    return fmt::format("{} {} {} and {} {}", kind, minIncluded ? ">=" : ">", min, maxIncluded ? "<=" : "<", max);
}

std::string NumberOption::problem(double value) const {
    if (unset && value == *unset) return {};
    const bool tooLow = minIncluded ? !(value >= min) : !(value > min);
    const bool tooHigh = maxIncluded ? !(value <= max) : !(value < max);
    const bool fraction = integer && std::isfinite(value) && value != std::floor(value);
    if (!std::isfinite(value) || tooLow || tooHigh || fraction) return fmt::format("must be {}, not {}", rangeText(), value);
    return {};
}

void NumberOption::check(double value, const OptionNaming& naming) const {
    const std::string why = problem(value);
    if (!why.empty()) throwUsage(why, {"", 0, naming(key)});
}

std::string NumberOption::problemGiven(double value) const {
    NumberOption given = *this;
    given.unset.reset();
    return given.problem(value);
}

void NumberOption::checkGiven(double value, const OptionNaming& naming) const {
    const std::string why = problemGiven(value);
    if (!why.empty()) throwUsage(why, {"", 0, naming(key)});
}

std::vector<std::string> ChoiceOption::values() const {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= choices.size()) {
        const size_t bar = choices.find('|', start);
        out.emplace_back(choices.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
        if (bar == std::string_view::npos) break;
        start = bar + 1;
    }
    return out;
}

bool ChoiceOption::allows(std::string_view value) const {
    for (const auto& v : values())
        if (v == value) return true;
    return false;
}

void ChoiceOption::check(std::string_view value, const OptionNaming& naming) const {
    if (allows(value)) return;
    std::string list;
    for (const auto& v : values()) list += (list.empty() ? "" : ", ") + v;
    throwUsage(fmt::format("'{}' is not one of {}", value, list), {"", 0, naming(key)});
}

std::string nameOptions(std::string_view message, const OptionNaming& naming) {
    std::string out;
    out.reserve(message.size());
    size_t at = 0;
    while (at < message.size()) {
        const size_t open = message.find('`', at);
        const size_t close = open == std::string_view::npos ? open : message.find('`', open + 1);
        if (close == std::string_view::npos) break;
        const std::string_view inside = message.substr(open + 1, close - open - 1);
        const bool key = !inside.empty() && inside[0] >= 'a' && inside[0] <= 'z' && inside.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
        out.append(message.substr(at, open - at));
        if (key) {
            out += naming(inside);
            at = close + 1;
        } else {
            out += '`';  // not a key: keep it, and look for a reference from the next backquote on
            at = open + 1;
        }
    }
    out.append(message.substr(at));
    return out;
}

}  // namespace hotspot
