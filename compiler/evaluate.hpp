#pragma once
// The safe evaluator: the small expression language of `when { expression {} }`, environment
// values and `"${…}"` interpolation. Literals, `env.X`, `params.X`, bare names, `+ - * / %`,
// comparisons, `&& || !`, `=~ ==~`, `?:` and the ternary, `in`, indexing, and a short list of
// String methods. Anything else is an error at its span: ferry never executes Groovy.
//
// A name whose value is only known at run time (a secret, a withCredentials variable, the
// workspace path) makes the result *deferred*: no value, and the names it waits for.

#include "compiler/ir.hpp"
#include "grammar/source.hpp"
#include "grammar/syntax.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler {

/// A value of the safe subset (Groovy's String, Boolean, Integer/Long, BigDecimal, List, null).
struct EvalValue {
    enum class Kind { null, string, boolean, integer, number, list };
    Kind kind = Kind::null;
    std::string text;
    bool boolean = false;
    long long integer = 0;
    double number = 0;
    std::vector<EvalValue> items;

    [[nodiscard]] static EvalValue of(std::string s);
    [[nodiscard]] static EvalValue of(bool b);
    [[nodiscard]] static EvalValue of(long long i);
    [[nodiscard]] static EvalValue of_number(double d);
    friend bool operator==(const EvalValue&, const EvalValue&) = default;
};

/// The value as JSON (a list as an array): `Json` is nlohmann::json or nlohmann::ordered_json.
template <typename Json>
[[nodiscard]] Json to_json_value(const EvalValue& value) {
    switch (value.kind) {
    case EvalValue::Kind::null:
        return nullptr;
    case EvalValue::Kind::string:
        return value.text;
    case EvalValue::Kind::boolean:
        return value.boolean;
    case EvalValue::Kind::integer:
        return value.integer;
    case EvalValue::Kind::number:
        return value.number;
    case EvalValue::Kind::list: {
        Json out = Json::array();
        for (const auto& item : value.items) {
            out.push_back(to_json_value<Json>(item));
        }
        return out;
    }
    }
    return nullptr;
}

/// Groovy's toString(): what interpolation inserts (`null` for null).
[[nodiscard]] std::string to_text(const EvalValue& value);
/// Groovy truth: null, false, 0, "" and [] are false.
[[nodiscard]] bool truthy(const EvalValue& value);
/// Groovy `==`: numbers compare by value, everything else by kind and content.
[[nodiscard]] bool groovy_equals(const EvalValue& a, const EvalValue& b);

/// What a name stands for while evaluating.
struct Binding {
    enum class Kind {
        value,   ///< known at plan time
        secret,  ///< a credential: known only at run time, never shown
        runtime, ///< known only at run time (withEnv, the workspace path, unknown git facts)
    };
    Kind kind = Kind::value;
    EvalValue value;
};

/// Variables visible at one point of the pipeline, layered: a stage's scope sits on its
/// parent's, and a withEnv body on its stage's.
struct Scope {
    const Scope* parent = nullptr;
    std::map<std::string, Binding, std::less<>> env;
    const std::map<std::string, Binding, std::less<>>* params = nullptr; ///< from the root

    [[nodiscard]] const Binding* variable(std::string_view name) const;
    [[nodiscard]] const Binding* parameter(std::string_view name) const;
};

struct EvalError {
    std::string code; ///< E0706 unsafe expression, E0708 undefined variable, E0709 parameter
    grammar::Span span;
    std::string message;
};

/// The result: a value, or deferred to run time (the names it waits for), or an error.
struct Evaluated {
    std::optional<EvalValue> value;
    std::vector<std::string> deferred; ///< variables only known at run time
    bool secret = false;               ///< depends on a secret: never show the value
    std::optional<EvalError> error;

    [[nodiscard]] bool known() const { return value.has_value() && !error; }
};

/// Evaluates one expression of the syntax tree.
[[nodiscard]] Evaluated evaluate(const grammar::syntax::Expr& expr, const Scope& scope);

/// Evaluates an IR value: literals as they are, expressions through evaluate(). Maps and
/// describable calls are not values of the safe subset (E0706).
[[nodiscard]] Evaluated evaluate(const ir::Value& value, const Scope& scope);

/// The variable names an expression refers to (bare names, `env.X`, `params.X` as `params.X`).
[[nodiscard]] std::vector<std::string> referenced_names(const grammar::syntax::Expr& expr);

/// A GString as Groovy source text without quotes (`image-${TAG}`, a literal `$` as `\$`), for
/// the runtime to interpolate when its variables are only known then.
[[nodiscard]] std::string template_text(const grammar::syntax::Expr& gstring);

/// An `expression {}` body: one expression, or `return` and one expression. Anything else is
/// an error (E0707). `base` is the body's offset in its file.
struct ParsedBody {
    std::optional<grammar::syntax::ExprPtr> expr;
    std::string error;
};
[[nodiscard]] ParsedBody parse_expression_body(std::string_view text, std::uint32_t base);

} // namespace ferry::compiler
