// Renders the catalogue as the Markdown of docs/steps.md.

#include "stdlib/reference.hpp"

#include "stdlib/signature.hpp"

#include <string_view>

namespace ferry::stdlib {
namespace {

struct Section {
    Kind kind;
    std::string_view title;
    std::string_view intro;
};

constexpr Section sections[] = {
    {Kind::step, "Steps", "Statements of `steps {}`, `post {}` conditions and block steps."},
    {Kind::option, "Options",
     "Entries of `options {}`. *Scope* says where they may stand: `pipeline` only, `pipeline and "
     "stage`, or `wrapper` (a block step wrapping the whole pipeline or one stage)."},
    {Kind::trigger, "Triggers", "Entries of `triggers {}`."},
    {Kind::parameter, "Parameter types",
     "Entries of `parameters {}` and of `input { parameters "
     "{} }`."},
    {Kind::tool, "Tool types", "Entries of `tools {}`: `maven 'M3'`."},
    {Kind::agent, "Agent types", "`agent any`, `agent none`, `agent { type ... }`."},
    {Kind::condition, "When conditions", "Entries of a stage's `when {}`."},
    {Kind::describable, "Nested values",
     "Calls and maps used as parameter values; *group* is what a parameter's `of` names."},
};

std::string escape_cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else {
            out += c;
        }
    }
    return out;
}

std::string describe_param(const Param& p) {
    std::string out = "`" + std::string(p.name) + "` " + std::string(to_string(p.type));
    if (!p.of.empty()) {
        out += " of " + std::string(p.of);
    }
    if (p.required) {
        out += ", **required**";
    }
    if (!p.default_value.empty()) {
        out += ", default `" + std::string(p.default_value) + "`";
    }
    if (!p.choices.empty()) {
        out += ", one of";
        for (std::string_view c : p.choices) {
            out += " `" + std::string(c) + "`";
        }
    }
    if (p.min && p.max) {
        out += ", " + std::to_string(*p.min) + ".." + std::to_string(*p.max);
    }
    if (!p.doc.empty()) {
        out += ": " + std::string(p.doc);
    }
    return out;
}

std::string describe_support(const Signature& s) {
    if (!s.rejected.empty()) {
        return "rejected";
    }
    std::string out(to_string(s.support));
    if (!s.implemented && s.support == Support::runs) {
        out += " (planned)";
    }
    return out;
}

void render_signature(std::string& out, const Signature& s) {
    out += "### `" + std::string(s.name) + "`";
    if (!s.group.empty()) {
        out += " (" + std::string(s.group) + ")";
    }
    out += "\n\n" + std::string(s.doc) + "\n\n";
    out += "- ferry: **" + describe_support(s) + "**; plugin `" + std::string(s.plugin) + "`";
    if (s.option_scope != OptionScope::none) {
        out += "; scope: " + std::string(to_string(s.option_scope));
    }
    if (s.requires_block) {
        out += "; takes a block";
    }
    if (!s.single_param.empty()) {
        out += "; a lone value is `" + std::string(s.single_param) + "`";
    }
    if (s.cacheable) {
        out += "; cacheable";
    }
    if (!s.effects.empty()) {
        out += "; effects:";
        for (Effect e : s.effects) {
            out += " " + std::string(to_string(e));
        }
    }
    out += "\n";
    if (!s.rejected.empty()) {
        out += "- Jenkins: " + escape_cell(s.rejected) + "\n";
    }
    for (const Param& p : s.params) {
        out += "- " + escape_cell(describe_param(p)) + "\n";
    }
    out += "\n";
}

void render_summary(std::string& out, Kind kind) {
    out += "| name | ferry |\n| --- | --- |\n";
    for (const Signature& s : catalogue()) {
        if (s.kind == kind) {
            out += "| `" + std::string(s.name) + "`";
            if (!s.group.empty()) {
                out += " (" + std::string(s.group) + ")";
            }
            out += " | " + describe_support(s) + " |\n";
        }
    }
    out += "\n";
}

} // namespace

std::string markdown_reference() {
    std::string out =
        "# Steps and other names ferry knows\n\n"
        "Generated from the catalogue in `stdlib/` (`FERRY_UPDATE_DOCS=1 ferry_unit_stdlib` "
        "rewrites it); do not edit by hand.\n\n"
        "Every name has the parameters of its Jenkins plugin. What ferry does with it:\n\n"
        "- **runs**: ferry executes it; *planned* while its runtime driver is not written yet "
        "(`ferry check` treats planned and implemented alike);\n"
        "- **ignored**: accepted; it has no effect under ferry, and `ferry check` warns;\n"
        "- **unsupported**: valid Jenkins that ferry cannot run; `ferry check` warns and "
        "`ferry plan` fails at its span;\n"
        "- **rejected**: Jenkins itself refuses the name there, with the message shown.\n\n"
        "Parameter types are ferry's: `string`, `int`, `boolean`, `number`, `list`, `map`, "
        "`closure`, `describable` (a nested call or a map), `any`. How `ferry check` reports "
        "unknown names and wrong parameters is in `docs/diagnostics.md`.\n\n";
    for (const Section& section : sections) {
        out += "## " + std::string(section.title) + "\n\n" + std::string(section.intro) + "\n\n";
        render_summary(out, section.kind);
        for (const Signature& s : catalogue()) {
            if (s.kind == section.kind) {
                render_signature(out, s);
            }
        }
    }
    return out;
}

} // namespace ferry::stdlib
