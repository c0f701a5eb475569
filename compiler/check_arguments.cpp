// Calls against their catalogue signatures, the way the Jenkins plugin checks them:
// steps and `when` conditions as describables (validateDescribable), options, triggers,
// parameters and the calls nested in their arguments as method calls (validateElement of a
// ModelASTMethodCall). Only literals are type-checked; any other expression passes, as in Jenkins.

#include "compiler/check_context.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace ferry::compiler::detail {

namespace {

using grammar::syntax::Expr;
using grammar::syntax::ExprKind;
using stdlib::Param;
using stdlib::Signature;
using stdlib::Type;

/// Names Declarative forbids as a call nested in another call's arguments, and why.
std::optional<std::string_view> blocked_in_method_call(std::string_view name) {
    if (name == "node") {
        return "The node step cannot be called as an argument to a method in Declarative "
               "Pipelines";
    }
    if (name == "stage") {
        return "The stage step cannot be used in Declarative Pipelines";
    }
    if (name == "properties") {
        return "The properties step cannot be used in Declarative Pipelines";
    }
    if (name == "parallel") {
        return "The parallel step can only be used as the only top-level step in a stages step "
               "block";
    }
    return std::nullopt;
}

bool is_plain_call(const Expr& expr) {
    return expr.kind == ExprKind::call && !expr.target;
}

void note_meta_class(CallView& view, const std::optional<std::string>& name, const Expr* value) {
    if (name == "$class") {
        view.meta_step = true;
        if (value && value->kind == ExprKind::string) {
            view.meta_class = value->value;
        }
    }
}

void add_map_entries(CallView& view, const Expr& map) {
    for (const auto& entry : map.args) {
        note_meta_class(view, entry.name, entry.value.get());
        view.args.push_back({entry.name, entry.name_span, entry.value.get()});
    }
}

/// A literal that cannot become the parameter's type. Mirrors validateParameterType: Groovy's
/// cast would accept int/boolean for a String and a String for an int, but the step would
/// fail at run time, so the plugin rejects those explicitly.
bool type_mismatch(const Literal& literal, Type type) {
    using K = Literal::Kind;
    switch (type) {
    case Type::string:
        return literal.kind == K::integer || literal.kind == K::boolean;
    case Type::integer:
    case Type::number:
        return literal.kind == K::string || literal.kind == K::boolean;
    default:
        return false;
    }
}

/// Jenkins upper-cases enum-like values (`comparator: 'regexp'`), so choices ignore case.
bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string range_message(const Param& param) {
    if (!param.range_message.empty()) {
        return std::string(param.range_message);
    }
    if (param.min && param.max) {
        return fmt::format(R"(The value of "{}" must be between {} and {}.)", param.name,
                           *param.min, *param.max);
    }
    if (param.min) {
        return fmt::format(R"(The value of "{}" must be at least {}.)", param.name, *param.min);
    }
    return fmt::format(R"(The value of "{}" must be at most {}.)", param.name, *param.max);
}

/// Checks one literal value against its parameter. `key` is empty for an unnamed value, which
/// Jenkins reports without the parameter's name.
bool check_value(Checker& checker, const Expr& value, const Param& param, std::string_view key) {
    const auto literal = literal_of(value);
    if (!literal || literal->kind == Literal::Kind::null) {
        return true;
    }
    if (type_mismatch(*literal, param.type)) {
        const auto expected = stdlib::jenkins_type_name(param.type);
        const auto actual = java_class(literal->kind);
        checker.error(
            Code::E0409, value.span,
            key.empty()
                ? fmt::format(R"(Expecting "{}" but got "{}" of type {} instead)", expected,
                              literal->text, actual)
                : fmt::format(
                      R"(Expecting "{}" for parameter "{}" but got "{}" of type {} instead)",
                      expected, key, literal->text, actual));
        return false;
    }
    if (literal->kind == Literal::Kind::string && !param.choices.empty() &&
        std::none_of(param.choices.begin(), param.choices.end(), [&](std::string_view choice) {
            return same_ignoring_case(choice, literal->text);
        })) {
        auto& diagnostic =
            checker.error(Code::E0415, value.span,
                          fmt::format(R"(Invalid value "{}" for parameter "{}". Valid values: {})",
                                      literal->text, param.name, java_list(param.choices)));
        checker.suggest(diagnostic, literal->text, param.choices);
        return false;
    }
    if (literal->as_integer && ((param.min && *literal->as_integer < *param.min) ||
                                (param.max && *literal->as_integer > *param.max))) {
        checker.error(Code::E0412, value.span, range_message(param));
        return false;
    }
    return true;
}

/// Jenkins' "Invalid parameter" names the nearest parameter whenever there is one.
void report_unknown_argument(Checker& checker, const ArgView& arg, const Signature& signature) {
    const auto names = signature.param_names();
    const auto near = nearest(*arg.name, names);
    auto& diagnostic = checker.error(
        Code::E0407, arg.name_span,
        near ? fmt::format(R"(Invalid parameter "{}", did you mean "{}"?)", *arg.name, *near)
             : fmt::format(R"(Invalid parameter "{}")", *arg.name));
    if (near) {
        diagnostic.fix = std::string(*near);
    }
}

/// The parameter a lone unnamed value binds to: the catalogue's choice, else the only
/// required parameter.
const Param* sole_parameter(const Signature& signature) {
    if (!signature.single_param.empty()) {
        return signature.param(signature.single_param);
    }
    const Param* sole = nullptr;
    for (const auto& param : signature.params) {
        if (param.required) {
            if (sole) {
                return nullptr;
            }
            sole = &param;
        }
    }
    return sole;
}

bool all_named(const CallView& call) {
    return std::all_of(call.args.begin(), call.args.end(),
                       [](const ArgView& arg) { return arg.name.has_value(); });
}

/// Several unnamed values: accepted only where the catalogue lists them as positional.
void check_positional(Checker& checker, const CallView& call, const Signature& signature) {
    if (signature.positional.size() != call.args.size()) {
        checker.error(Code::E0328, call.name_span,
                      fmt::format(R"(Arguments to "{}" must be explicitly named.)", call.name));
        return;
    }
    for (std::size_t i = 0; i < call.args.size(); ++i) {
        if (const Param* param = signature.param(signature.positional[i])) {
            check_value(checker, *call.args[i].value, *param, {});
        }
    }
}

void check_named(Checker& checker, const CallView& call, const Signature& signature,
                 bool takes_closure) {
    const Param* sole = sole_parameter(signature);
    const bool sole_describable = sole && sole->type == Type::describable;
    bool valid = true;
    for (const auto& arg : call.args) {
        const Param* param = signature.param(*arg.name);
        if (!param) {
            if (sole_describable) {
                // The arguments belong to the nested describable, whose fields ferry
                // does not know: nothing more to check here.
                return;
            }
            report_unknown_argument(checker, arg, signature);
            valid = false;
            continue;
        }
        const bool unnamed_form = call.args.size() == 1 && sole == param && !takes_closure;
        valid = check_value(checker, *arg.value, *param, unnamed_form ? "" : *arg.name) && valid;
    }
    if (!valid) {
        return;
    }
    for (const auto& param : signature.params) {
        const bool given = std::any_of(call.args.begin(), call.args.end(),
                                       [&](const ArgView& arg) { return arg.name == param.name; });
        if (param.required && !given) {
            checker.error(Code::E0408, call.name_span,
                          fmt::format(R"(Missing required parameter: "{}")", param.name));
        }
    }
}

/// The unnamed values a method call may take, in order, and how many of them it needs.
struct Positional {
    std::vector<const Param*> params;
    std::size_t minimum = 0;
};

Positional positional_of(const Signature& signature) {
    Positional out;
    if (!signature.positional.empty()) {
        for (const auto name : signature.positional) {
            if (const Param* param = signature.param(name)) {
                out.params.push_back(param);
            }
        }
    } else {
        for (const auto& param : signature.params) {
            if (param.required) {
                out.params.push_back(&param);
            }
        }
        if (out.params.empty() && !signature.single_param.empty()) {
            if (const Param* param = signature.param(signature.single_param)) {
                out.params.push_back(param);
            }
        }
    }
    out.minimum = static_cast<std::size_t>(std::count_if(
        out.params.begin(), out.params.end(), [](const Param* param) { return param->required; }));
    // Jenkins lets `foo()` stand for `foo(null)` when the one required value is a boolean.
    if (out.params.size() == 1 && out.params.front()->type == Type::boolean) {
        out.minimum = 0;
    }
    return out;
}

void check_unnamed_method_args(Checker& checker, const CallView& call, const Signature& signature) {
    const Positional positional = positional_of(signature);
    const std::size_t given = call.args.size();
    if (given >= 2 && given > positional.params.size()) {
        checker.error(Code::E0328, call.name_span,
                      fmt::format(R"(Arguments to "{}" must be explicitly named.)", call.name));
        return;
    }
    if (given < positional.minimum || given > positional.params.size()) {
        const std::size_t expected =
            given < positional.minimum ? positional.minimum : positional.params.size();
        checker.error(Code::E0411, call.span,
                      fmt::format(R"("{}" should have {} arguments but has {} arguments instead.)",
                                  call.name, expected, given));
        return;
    }
    for (std::size_t i = 0; i < given; ++i) {
        if (!is_plain_call(*call.args[i].value)) {
            check_value(checker, *call.args[i].value, *positional.params[i], {});
        }
    }
}

void check_named_method_args(Checker& checker, const CallView& call, const Signature& signature) {
    for (const auto& arg : call.args) {
        if (!arg.name || *arg.name == "$class") {
            continue;
        }
        const Param* param = signature.param(*arg.name);
        if (!param) {
            report_unknown_argument(checker, arg, signature);
        } else if (!is_plain_call(*arg.value)) {
            check_value(checker, *arg.value, *param, *arg.name);
        }
    }
}

/// A call nested in an argument: a describable of the parameter's group when it names one,
/// else, as Jenkins looks it up, a describable function first, then a step.
const Signature* nested_signature(std::string_view name, const Param* parent) {
    if (parent && !parent->of.empty()) {
        for (const auto* candidate : stdlib::describables(parent->of)) {
            if (candidate->name == name) {
                return candidate;
            }
        }
    }
    if (const auto* describable = stdlib::find(stdlib::Kind::describable, name)) {
        return describable;
    }
    return stdlib::find(stdlib::Kind::step, name);
}

/// The parameter the `index`-th argument of a call binds to, when the signature says.
const Param* parameter_of(const CallView& call, std::size_t index, const Signature* signature) {
    if (!signature) {
        return nullptr;
    }
    const auto& arg = call.args[index];
    if (arg.name) {
        return signature->param(*arg.name);
    }
    const auto positional = positional_of(*signature);
    return index < positional.params.size() ? positional.params[index] : nullptr;
}

/// `[$class: 'Name', k: v]`: the fields of the named class, when the catalogue knows it.
void check_meta_step(Checker& checker, const CallView& call) {
    if (call.meta_class.empty()) {
        return;
    }
    if (const auto* signature = stdlib::find_class(call.meta_class)) {
        check_named_method_args(checker, call, *signature);
    }
}

} // namespace

CallView view_of(const grammar::model::Invocation& call) {
    CallView view{call.name, call.span, call.name_span, {}, call.has_block, false, {}};
    if (call.args.size() == 1 && !call.args.front().name &&
        call.args.front().value->kind == ExprKind::map) {
        add_map_entries(view, *call.args.front().value);
        return view;
    }
    for (const auto& arg : call.args) {
        note_meta_class(view, arg.name, arg.value);
        view.args.push_back({arg.name, arg.name_span, arg.value});
    }
    return view;
}

CallView view_of(const Expr& call) {
    CallView view{call.name, call.span, call.name_span, {}, call.has_block, false, {}};
    if (call.args.size() == 1 && !call.args.front().name &&
        call.args.front().value->kind == ExprKind::map) {
        add_map_entries(view, *call.args.front().value);
        return view;
    }
    for (const auto& arg : call.args) {
        note_meta_class(view, arg.name, arg.value.get());
        view.args.push_back({arg.name, arg.name_span, arg.value.get()});
    }
    return view;
}

bool check_mixed_arguments(Checker& checker, const CallView& call) {
    const bool any_named = std::any_of(call.args.begin(), call.args.end(),
                                       [](const ArgView& arg) { return arg.name.has_value(); });
    if (!any_named || all_named(call)) {
        return false;
    }
    checker.error(Code::E0327, call.span, "Cannot mix named and unnamed arguments");
    return true;
}

void check_describable(Checker& checker, const CallView& call, const Signature& signature,
                       bool takes_closure) {
    if (call.meta_step) {
        check_meta_step(checker, call);
        return;
    }
    if (check_mixed_arguments(checker, call)) {
        return;
    }
    if (call.args.empty() || all_named(call)) {
        check_named(checker, call, signature, takes_closure);
        return;
    }
    if (call.args.size() > 1) {
        check_positional(checker, call, signature);
        return;
    }
    const Param* sole = sole_parameter(signature);
    if (!sole) {
        if (!takes_closure) {
            checker.error(Code::E0410, call.span,
                          "Step does not take a single required parameter - use named "
                          "parameters instead");
        }
        return;
    }
    check_value(checker, *call.args.front().value, *sole, {});
}

void check_method_call(Checker& checker, const CallView& call, const Signature* signature) {
    if (const auto why = blocked_in_method_call(call.name)) {
        checker.error(Code::E0319, call.name_span,
                      fmt::format(R"(Invalid step "{}" used - not allowed in this context - {})",
                                  call.name, *why));
    }
    if (call.meta_step) {
        check_meta_step(checker, call);
    } else if (signature && !check_mixed_arguments(checker, call)) {
        if (!call.args.empty() && all_named(call)) {
            check_named_method_args(checker, call, *signature);
        } else {
            check_unnamed_method_args(checker, call, *signature);
        }
    }
    for (std::size_t i = 0; i < call.args.size(); ++i) {
        const Expr& value = *call.args[i].value;
        if (is_plain_call(value)) {
            check_method_call(checker, view_of(value),
                              nested_signature(value.name, parameter_of(call, i, signature)));
        }
    }
}

} // namespace ferry::compiler::detail
