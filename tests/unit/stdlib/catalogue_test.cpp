// The catalogue's invariants: every table is well formed, whatever is added to it later.

#include "stdlib/signature.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <tuple>

using namespace ferry::stdlib;

namespace {

constexpr Kind all_kinds[] = {Kind::step, Kind::option, Kind::trigger,   Kind::parameter,
                              Kind::tool, Kind::agent,  Kind::condition, Kind::describable};

std::string where(const Signature& s) {
    return std::string(to_string(s.kind)) + " " + std::string(s.name);
}

} // namespace

TEST_CASE("no (kind, name) appears twice and the catalogue is sorted", "[stdlib]") {
    // Describables are unique per group: the group is empty for every other kind.
    std::set<std::tuple<Kind, std::string_view, std::string_view>> seen;
    for (const Signature& s : catalogue()) {
        INFO(where(s));
        CHECK(seen.emplace(s.kind, s.name, s.group).second);
    }
    CHECK(std::is_sorted(catalogue().begin(), catalogue().end(),
                         [](const Signature& a, const Signature& b) {
                             return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
                         }));
    CHECK(find_describable("binding", "string")->param("variable") != nullptr);
    CHECK(find_describable("buildParameterValue", "string")->param("value") != nullptr);
    CHECK(find_describable("binding", "logRotator") == nullptr);
}

TEST_CASE("names() is sorted, unique and findable for every kind", "[stdlib]") {
    for (Kind kind : all_kinds) {
        auto list = names(kind);
        INFO(to_string(kind));
        CHECK_FALSE(list.empty());
        CHECK(std::is_sorted(list.begin(), list.end()));
        CHECK(std::adjacent_find(list.begin(), list.end()) == list.end());
        for (std::string_view name : list) {
            const Signature* s = find(kind, name);
            REQUIRE(s != nullptr);
            CHECK(s->rejected.empty());
        }
    }
}

TEST_CASE("every signature is well formed", "[stdlib]") {
    for (const Signature& s : catalogue()) {
        INFO(where(s));
        CHECK_FALSE(s.name.empty());
        CHECK_FALSE(s.plugin.empty());
        CHECK_FALSE(s.doc.empty());
        CHECK(s.doc.find('\n') == std::string_view::npos);
        CHECK((s.kind == Kind::option) == (s.option_scope != OptionScope::none));
        CHECK((s.kind == Kind::describable) == !s.group.empty());
        if (s.requires_block) {
            CHECK(s.takes_block);
        }
        if (!s.single_param.empty()) {
            CHECK(s.param(s.single_param) != nullptr);
        }
        for (std::string_view positional : s.positional) {
            CHECK(s.param(positional) != nullptr);
        }
        std::set<std::string_view> param_names;
        for (const Param& p : s.params) {
            INFO("parameter " << p.name);
            CHECK(param_names.insert(p.name).second);
            if (p.required) {
                CHECK(p.default_value.empty());
            }
            if (p.min || p.max) {
                REQUIRE(p.min);
                REQUIRE(p.max);
                CHECK(*p.min <= *p.max);
                CHECK(p.type == Type::integer);
            }
            if (!p.choices.empty() && !p.default_value.empty()) {
                std::string_view unquoted = p.default_value;
                unquoted.remove_prefix(1);
                unquoted.remove_suffix(1);
                CHECK(std::find(p.choices.begin(), p.choices.end(), unquoted) != p.choices.end());
            }
            if (!p.of.empty()) {
                CHECK((p.type == Type::describable || p.type == Type::list));
                bool known = p.of == "parameter" || !describables(p.of).empty();
                CHECK(known);
            }
        }
    }
}

TEST_CASE("the legacy $class names lead to one signature each", "[stdlib]") {
    std::set<std::string_view> classes;
    for (const Signature& s : catalogue()) {
        if (!s.java_class.empty() && (s.kind == Kind::step || s.kind == Kind::describable)) {
            INFO(where(s));
            CHECK(classes.insert(s.java_class).second);
            CHECK(find_class(s.java_class) == &s);
        }
    }
    REQUIRE(find_class("hudson.plugins.git.GitSCM") != nullptr);
    CHECK(find_class("hudson.plugins.git.GitSCM")->name == "scmGit");
    CHECK(find_class("ArtifactArchiver")->name == "archiveArtifacts");
    CHECK(find_class("UsernamePasswordMultiBinding")->name == "usernamePassword");
    CHECK(find_class("NoSuchClass") == nullptr);
    CHECK(find_class("") == nullptr);
}

TEST_CASE("ferry's own steps are declared but not yet implemented", "[stdlib]") {
    for (std::string_view name : {"buildImage", "pushImage", "helmUpgrade", "kubectlApply"}) {
        const Signature* s = find(Kind::step, name);
        REQUIRE(s != nullptr);
        CHECK(s->plugin == "ferry");
        CHECK(s->support == Support::runs);
        CHECK_FALSE(s->implemented);
        CHECK_FALSE(s->effects.empty());
    }
    CHECK(find(Kind::step, "buildImage")->cacheable);
    CHECK(find(Kind::step, "pushImage")->cacheable);
    CHECK(find(Kind::step, "helmUpgrade")->param("atomic")->default_value == "true");
    CHECK(find(Kind::step, "helmUpgrade")->param("release")->required);
    CHECK(find(Kind::step, "kubectlApply")->param("serverSide") != nullptr);
}
