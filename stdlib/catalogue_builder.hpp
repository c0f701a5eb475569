#pragma once
// Internal: a small fluent builder that keeps the catalogue tables readable, one signature per
// few lines. Only the catalogue_*.cpp files include it.

#include "stdlib/signature.hpp"

#include <initializer_list>
#include <utility>

namespace ferry::stdlib::detail {

/// A parameter under construction: `P("time", Type::integer).required().doc("...")`.
class P {
public:
    P(std::string_view name, Type type) {
        param_.name = name;
        param_.type = type;
    }

    P&& required() && {
        param_.required = true;
        return std::move(*this);
    }
    P&& def(std::string_view groovy) && {
        param_.default_value = groovy;
        return std::move(*this);
    }
    P&& doc(std::string_view text) && {
        param_.doc = text;
        return std::move(*this);
    }
    P&& of(std::string_view group) && {
        param_.of = group;
        return std::move(*this);
    }
    P&& choices(std::initializer_list<std::string_view> values) && {
        param_.choices = values;
        return std::move(*this);
    }
    P&& ignore_case() && {
        param_.choices_ignore_case = true;
        return std::move(*this);
    }
    P&& range(long long min, long long max, std::string_view message = {}) && {
        param_.min = min;
        param_.max = max;
        param_.range_message = message;
        return std::move(*this);
    }

    operator Param() && { return std::move(param_); } // NOLINT: implicit by design

private:
    Param param_;
};

/// A signature under construction; converts to Signature when pushed into a table.
class Def {
public:
    Def(Kind kind, std::string_view name, std::string_view plugin, std::string_view doc) {
        sig_.kind = kind;
        sig_.name = name;
        sig_.plugin = plugin;
        sig_.doc = doc;
    }

    Def&& params(std::initializer_list<P> list) && {
        for (const P& p : list) {
            sig_.params.push_back(P(p)); // copies out of the initializer_list
        }
        return std::move(*this);
    }
    /// Appends parameters shared by several signatures (see param_list()).
    Def&& append(const std::vector<Param>& shared) && {
        sig_.params.insert(sig_.params.end(), shared.begin(), shared.end());
        return std::move(*this);
    }
    Def&& block() && {
        sig_.takes_block = true;
        sig_.requires_block = true;
        return std::move(*this);
    }
    Def&& optional_block() && {
        sig_.takes_block = true;
        return std::move(*this);
    }
    Def&& scope(OptionScope s) && {
        sig_.option_scope = s;
        return std::move(*this);
    }
    Def&& support(Support s) && {
        sig_.support = s;
        return std::move(*this);
    }
    Def&& effects(std::initializer_list<Effect> list) && {
        sig_.effects = list;
        return std::move(*this);
    }
    Def&& cacheable() && {
        sig_.cacheable = true;
        return std::move(*this);
    }
    Def&& single(std::string_view param) && {
        sig_.single_param = param;
        return std::move(*this);
    }
    Def&& positional(std::initializer_list<std::string_view> list) && {
        sig_.positional = list;
        return std::move(*this);
    }
    Def&& group(std::string_view g) && {
        sig_.group = g;
        return std::move(*this);
    }
    Def&& java_class(std::string_view c) && {
        sig_.java_class = c;
        return std::move(*this);
    }
    Def&& rejected(std::string_view message) && {
        sig_.rejected = message;
        return std::move(*this);
    }
    Def&& accepts_true() && {
        sig_.accepts_true = true;
        return std::move(*this);
    }

    operator Signature() && { return std::move(sig_); } // NOLINT: implicit by design

private:
    Signature sig_;
};

inline Def step(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::step, name, plugin, doc};
}
inline Def option(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::option, name, plugin, doc};
}
inline Def trigger(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::trigger, name, plugin, doc};
}
inline Def parameter(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::parameter, name, plugin, doc};
}
inline Def tool(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::tool, name, plugin, doc};
}
inline Def agent(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::agent, name, plugin, doc};
}
inline Def condition(std::string_view name, std::string_view plugin, std::string_view doc) {
    return {Kind::condition, name, plugin, doc};
}
inline Def describable(std::string_view name, std::string_view group, std::string_view plugin,
                       std::string_view doc) {
    return std::move(Def{Kind::describable, name, plugin, doc}).group(group);
}

/// Parameters shared by several signatures, built once and appended with Def::append().
inline std::vector<Param> param_list(std::initializer_list<P> list) {
    std::vector<Param> out;
    for (const P& p : list) {
        out.push_back(P(p));
    }
    return out;
}

using Table = std::vector<Signature>;

// One function per table file; signature.cpp concatenates them.
void add_core_steps(Table& out);
void add_plugin_steps(Table& out);
void add_utility_steps(Table& out);
void add_ferry_steps(Table& out);
void add_options(Table& out);
void add_triggers(Table& out);
void add_parameters(Table& out);
void add_tools(Table& out);
void add_agents(Table& out);
void add_conditions(Table& out);
void add_describables(Table& out);
void add_test_harness(Table& out);

/// Wrapper options derived from block steps that Jenkins accepts inside `options {}`.
void add_wrapper_options(Table& out, const Table& steps);

} // namespace ferry::stdlib::detail
