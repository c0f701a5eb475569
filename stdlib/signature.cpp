// The catalogue's lookups. The tables themselves live in the catalogue_*.cpp files.

#include "stdlib/signature.hpp"

#include "stdlib/catalogue_builder.hpp"

#include <algorithm>
#include <atomic>
#include <tuple>
#include <unordered_map>

namespace ferry::stdlib {

std::string_view jenkins_type_name(Type type) {
    switch (type) {
    case Type::string:
        return "class java.lang.String";
    case Type::boolean:
        return "boolean";
    case Type::integer:
        return "int";
    case Type::number:
        return "double";
    case Type::list:
        return "java.util.List";
    case Type::map:
        return "java.util.Map";
    case Type::closure:
        return "groovy.lang.Closure";
    case Type::describable:
    case Type::any:
        return "class java.lang.Object";
    }
    return "class java.lang.Object";
}

std::string_view to_string(Type type) {
    switch (type) {
    case Type::string:
        return "string";
    case Type::boolean:
        return "boolean";
    case Type::integer:
        return "int";
    case Type::number:
        return "number";
    case Type::list:
        return "list";
    case Type::map:
        return "map";
    case Type::closure:
        return "closure";
    case Type::describable:
        return "describable";
    case Type::any:
        return "any";
    }
    return "any";
}

std::string_view to_string(Kind kind) {
    switch (kind) {
    case Kind::step:
        return "step";
    case Kind::option:
        return "option";
    case Kind::trigger:
        return "trigger";
    case Kind::parameter:
        return "parameter";
    case Kind::tool:
        return "tool";
    case Kind::agent:
        return "agent";
    case Kind::condition:
        return "condition";
    case Kind::describable:
        return "describable";
    }
    return "step";
}

std::string_view to_string(Support support) {
    switch (support) {
    case Support::runs:
        return "runs";
    case Support::ignored:
        return "ignored";
    case Support::unsupported:
        return "unsupported";
    }
    return "unsupported";
}

std::string_view to_string(OptionScope scope) {
    switch (scope) {
    case OptionScope::none:
        return "none";
    case OptionScope::pipeline:
        return "pipeline";
    case OptionScope::pipeline_stage:
        return "pipeline and stage";
    case OptionScope::wrapper:
        return "wrapper";
    }
    return "none";
}

std::string_view to_string(Effect effect) {
    switch (effect) {
    case Effect::none:
        return "none";
    case Effect::process:
        return "process";
    case Effect::filesystem:
        return "filesystem";
    case Effect::network:
        return "network";
    case Effect::registry:
        return "registry";
    case Effect::cluster:
        return "cluster";
    case Effect::git:
        return "git";
    }
    return "none";
}

const Param* Signature::param(std::string_view param_name) const {
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const Param& p) { return p.name == param_name; });
    return it == params.end() ? nullptr : &*it;
}

std::vector<std::string_view> Signature::param_names() const {
    std::vector<std::string_view> out;
    out.reserve(params.size());
    for (const Param& p : params) {
        out.push_back(p.name);
    }
    return out;
}

namespace {

bool by_kind_and_name(const Signature& a, const Signature& b) {
    // Describables of different groups may share a name (`string` binds a credential in
    // `withCredentials` and passes a parameter value in `build`), hence the group last.
    return std::tie(a.kind, a.name, a.group) < std::tie(b.kind, b.name, b.group);
}

std::vector<Signature> build_catalogue(bool with_test_harness) {
    detail::Table table;
    detail::add_core_steps(table);
    detail::add_plugin_steps(table);
    detail::add_utility_steps(table);
    detail::add_ferry_steps(table);
    detail::add_options(table);
    detail::add_wrapper_options(table, table);
    detail::add_triggers(table);
    detail::add_parameters(table);
    detail::add_tools(table);
    detail::add_agents(table);
    detail::add_conditions(table);
    detail::add_describables(table);
    if (with_test_harness) {
        detail::add_test_harness(table);
    }
    // Sorted once so that names() comes out in order (and find() keeps the first of equals).
    std::stable_sort(table.begin(), table.end(), by_kind_and_name);
    return table;
}

std::string_view last_segment(std::string_view qualified) {
    auto dot = qualified.rfind('.');
    return dot == std::string_view::npos ? qualified : qualified.substr(dot + 1);
}

} // namespace

namespace {
std::atomic<bool> test_harness_symbols{false};
} // namespace

const std::vector<Signature>& catalogue() {
    if (test_harness_symbols.load(std::memory_order_relaxed)) {
        static const std::vector<Signature> with_harness = build_catalogue(true);
        return with_harness;
    }
    static const std::vector<Signature> table = build_catalogue(false);
    return table;
}

void use_test_harness_symbols(bool on) {
    test_harness_symbols.store(on);
}

namespace {

/// find()'s index of one catalogue: a hash lookup instead of a binary search of string compares
/// (find() runs for every step, option, condition and nested call of every file checked).
class Index {
public:
    explicit Index(const std::vector<Signature>& table) {
        by_name_.reserve(table.size());
        for (const Signature& s : table) {
            by_name_.emplace(Key{s.kind, s.name}, &s); // the first of equal names wins, as before
        }
    }

    [[nodiscard]] const Signature* find(Kind kind, std::string_view name) const {
        const auto it = by_name_.find(Key{kind, name});
        return it == by_name_.end() ? nullptr : it->second;
    }

private:
    struct Key {
        Kind kind;
        std::string_view name;
        bool operator==(const Key&) const = default;
    };
    struct Hash {
        std::size_t operator()(const Key& k) const noexcept {
            return std::hash<std::string_view>{}(k.name) * 31 + static_cast<std::size_t>(k.kind);
        }
    };
    std::unordered_map<Key, const Signature*, Hash> by_name_;
};

} // namespace

const Signature* find(Kind kind, std::string_view name) {
    if (test_harness_symbols.load(std::memory_order_relaxed)) {
        static const Index with_harness(catalogue());
        return with_harness.find(kind, name);
    }
    static const Index plain(catalogue());
    return plain.find(kind, name);
}

std::vector<std::string_view> names(Kind kind) {
    std::vector<std::string_view> out;
    for (const Signature& s : catalogue()) {
        if (s.kind == kind && s.rejected.empty() && (out.empty() || out.back() != s.name)) {
            out.push_back(s.name);
        }
    }
    return out; // the catalogue is sorted by kind, then name
}

const Signature* find_describable(std::string_view group, std::string_view name) {
    for (const Signature& s : catalogue()) {
        if (s.kind == Kind::describable && s.group == group && s.name == name) {
            return &s;
        }
    }
    return nullptr;
}
std::vector<std::string_view> option_names(bool stage_level) {
    std::vector<std::string_view> out;
    for (const Signature& s : catalogue()) {
        if (s.kind != Kind::option || !s.rejected.empty()) {
            continue;
        }
        if (!stage_level || s.option_scope == OptionScope::pipeline_stage ||
            s.option_scope == OptionScope::wrapper) {
            out.push_back(s.name);
        }
    }
    return out;
}

std::vector<const Signature*> describables(std::string_view group) {
    std::vector<const Signature*> out;
    for (const Signature& s : catalogue()) {
        if (s.kind == Kind::describable && s.group == group) {
            out.push_back(&s);
        }
    }
    return out;
}

const Signature* find_class(std::string_view java_class) {
    std::string_view simple = last_segment(java_class);
    if (simple.empty()) {
        return nullptr;
    }
    for (const Signature& s : catalogue()) {
        if ((s.kind == Kind::step || s.kind == Kind::describable) && s.java_class == simple) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace ferry::stdlib
