#pragma once
// A typed choice and its spellings (the CLI's and the project files' text), one table read both
// ways. Each module defines its parseX()/toString(X) with these, beside the job that uses them.

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "hotspot/error.hpp"
#include "hotspot/options.hpp"

namespace hotspot {

template <typename Enum, size_t N>
using ChoiceTable = std::array<std::pair<Enum, const char*>, N>;

// The value spelled `text`, or Error(Usage) naming the option `key` and listing the spellings.
template <typename Enum, size_t N>
Enum choiceFromText(const ChoiceTable<Enum, N>& table, std::string_view text, std::string_view key, const OptionNaming& naming) {
    for (const auto& [value, name] : table)
        if (text == name) return value;
    std::string list;
    for (const auto& entry : table) list += (list.empty() ? "" : ", ") + std::string(entry.second);
    throwUsage(fmt::format("'{}' is not one of {}", text, list), {"", 0, naming(key)});
}

template <typename Enum, size_t N>
const char* choiceText(const ChoiceTable<Enum, N>& table, Enum value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

}  // namespace hotspot
