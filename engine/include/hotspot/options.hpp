#pragma once
// Every numeric and enumerated analysis option is declared once, beside the field it sets in the
// job's options struct (e.g. GridChoice::kCell): its key, unit, range and allowed values. The CLI
// builds its flags, help text and CLI11 validators from these declarations; each options struct's
// validate() checks the same declarations again, so library callers and the viewer get the same
// rules. Messages name the option as the caller knows it: OptionNaming turns the key "max_cells"
// into "--max-cells" on the command line or "analysis.max_cells" in a viewer project.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

struct OptionNaming {
    std::function<std::string(std::string_view key)> name;

    static OptionNaming cli();                         // "max_cells" -> "--max-cells"
    static OptionNaming keys();                        // "max_cells" (library callers)
    static OptionNaming prefixed(std::string prefix);  // "max_cells" -> "analysis.max_cells"
    std::string operator()(std::string_view key) const { return name(key); }
};

// Engine messages (errors, summaries, notes) name an option by its key in backquotes, "`max_cells`",
// never by a CLI flag. This rewrites each such reference as the caller knows it: the CLI gets
// "--max-cells", the viewer its project key. Backquoted text that is not a key is left alone.
std::string nameOptions(std::string_view message, const OptionNaming& naming);

// A number option. Values are checked as doubles: NaN and infinities are never in range, and an
// integer option refuses fractions and values beyond its range before any conversion can wrap.
struct NumberOption {
    std::string_view key;   // snake_case project key; the CLI flag is --key with '-' for '_'
    std::string_view unit;  // "m", "months", "" for counts and ratios
    double min = 0, max = 0;
    bool minIncluded = true, maxIncluded = true;
    bool integer = false;
    // The value an options struct holds when the caller gave none (e.g. cell 0 = "the ArcGIS
    // rule"); it is accepted by validate() but never as a value given on the command line.
    std::optional<double> unset = std::nullopt;

    std::string rangeText() const;  // "a number of metres > 0 and <= 100000"
    // Empty when the value is acceptable, else why not ("must be ... , not -5").
    std::string problem(double value) const;
    // Throws Error(Usage) naming the option when the value is neither `unset` nor in range.
    void check(double value, const OptionNaming& naming) const;
    // For a value the user wrote (a flag, a project key): the "not given" marker is refused too.
    std::string problemGiven(double value) const;
    void checkGiven(double value, const OptionNaming& naming) const;
};

// An option with a fixed set of values, "square|hexagon" (the first is the default).
struct ChoiceOption {
    std::string_view key;
    std::string_view choices;  // '|'-separated

    std::vector<std::string> values() const;
    bool allows(std::string_view value) const;
    // Throws Error(Usage) naming the option and listing the allowed values.
    void check(std::string_view value, const OptionNaming& naming) const;
};

}  // namespace hotspot
