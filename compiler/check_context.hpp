#pragma once
// Internal to the checks: the state one check() run shares, and the passes it is made of.
//
// check.cpp walks the pipeline; check_stages.cpp holds the rules for stages, steps, when, post and
// matrix; check_sections.cpp the rules for the other sections (agent, environment, options, ...);
// check_arguments.cpp matches calls against the stdlib catalogue; check_values.cpp knows how
// Jenkins sees a literal (its Java class and its text).

#include "compiler/check.hpp"
#include "grammar/model.hpp"
#include "stdlib/signature.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler::detail {

/// Every code of compiler/codes.def, so a misspelt code does not compile.
enum class Code : std::uint16_t {
#define FERRY_CODE(code, severity, name, summary) code,
#include "compiler/codes.def"
#undef FERRY_CODE
};

/// The first `length` bytes of a span: where a caret for a whole block should point.
[[nodiscard]] inline grammar::Span head(grammar::Span span, std::uint32_t length) {
    return grammar::Span{span.begin,
                         span.end < span.begin + length ? span.end : span.begin + length};
}

/// The code's text ("E0301").
[[nodiscard]] std::string_view code_text(Code code);

/// The state of one check() run.
class Checker {
public:
    Checker(const grammar::model::Document& document, grammar::Diagnostics& out,
            const CheckOptions& options);

    grammar::Diagnostic& error(Code code, grammar::Span span, std::string message);
    grammar::Diagnostic& warning(Code code, grammar::Span span, std::string message);
    /// Adds "did you mean" as a note and a fix, when a candidate is close enough.
    void suggest(grammar::Diagnostic& diagnostic, std::string_view name,
                 const std::vector<std::string_view>& candidates);

    /// Warns when ferry will not run (or ignores) a name it knows.
    void warn_support(const stdlib::Signature& signature, grammar::Span span);

    /// A name the file itself defines as a method (`def deploy() {...}` outside the pipeline).
    [[nodiscard]] bool defined_in_file(std::string_view name) const;
    /// The file loads a shared library (`@Library`, `library`, `libraries {}`).
    [[nodiscard]] bool uses_library() const { return uses_library_; }

    [[nodiscard]] const grammar::model::Document& document() const { return document_; }
    [[nodiscard]] const CheckOptions& options() const { return options_; }

private:
    const grammar::model::Document& document_;
    grammar::Diagnostics& out_;
    CheckOptions options_;
    std::set<std::string, std::less<>> file_methods_;
    bool uses_library_ = false;
};

// ---- values (check_values.cpp) ----

/// How Jenkins sees a literal argument: its Java class and its `toString()`.
struct Literal {
    enum class Kind { string, integer, long_, big_integer, decimal, boolean, null } kind;
    std::string text;                    ///< the value as Java prints it
    std::optional<long long> as_integer; ///< integer, long_
};

/// The literal an expression denotes (`'x'`, `42`, `-1`, `true`, `null`), or none.
[[nodiscard]] std::optional<Literal> literal_of(const grammar::syntax::Expr& expr);
/// "class java.lang.Integer" and so on.
[[nodiscard]] std::string_view java_class(Literal::Kind kind);
/// The plain text of a string literal (not a GString), or none.
[[nodiscard]] std::optional<std::string> string_literal(const grammar::syntax::Expr& expr);
/// `[a, b, c]` as Java prints a list.
[[nodiscard]] std::string java_list(const std::vector<std::string_view>& items);
/// `[a-zA-Z_][a-zA-Z0-9_]*`, what Jenkins accepts as an environment variable name.
[[nodiscard]] bool valid_env_identifier(std::string_view name);
/// The candidate nearest to `name` by edit distance, ties to the first (Jenkins' findNearest).
[[nodiscard]] std::optional<std::string_view>
nearest(std::string_view name, const std::vector<std::string_view>& candidates);

/// Why java.util.regex.Pattern would reject `pattern` ("Illegal repetition near index 0"), or
/// none. Constructs it does not understand pass (check_regex.cpp).
[[nodiscard]] std::optional<std::string> java_regex_problem(std::string_view pattern);

// ---- arguments against signatures (check_arguments.cpp) ----

/// One argument of a call, from the model or from a nested call in the syntax tree.
struct ArgView {
    std::optional<std::string> name;
    grammar::Span name_span;
    const grammar::syntax::Expr* value = nullptr;
};

/// A call seen uniformly, whether it is a model Invocation or a nested syntax call.
struct CallView {
    std::string_view name;
    grammar::Span span;
    grammar::Span name_span;
    std::vector<ArgView> args;
    bool has_block = false;
    bool meta_step = false;      ///< a legacy `[$class: 'Name', ...]` map argument
    std::string_view meta_class; ///< its class name, when a string literal
};

[[nodiscard]] CallView view_of(const grammar::model::Invocation& call);
[[nodiscard]] CallView view_of(const grammar::syntax::Expr& call);

/// Reports mixed named and unnamed arguments; true when the call mixes them.
bool check_mixed_arguments(Checker& checker, const CallView& call);
/// Steps and `when` conditions: the plugin's validateDescribable.
void check_describable(Checker& checker, const CallView& call, const stdlib::Signature& signature,
                       bool takes_closure);
/// Options, triggers, parameters and calls nested in their arguments: the plugin's
/// validateElement(ModelASTMethodCall), which also looks into nested calls.
void check_method_call(Checker& checker, const CallView& call, const stdlib::Signature* signature);

// ---- sections (check_sections.cpp) ----

void check_agent(Checker& checker, const grammar::model::Agent& agent);
void check_environment(Checker& checker, const grammar::model::Environment& environment);
/// `in_stage` selects the stage-level option set.
void check_options(Checker& checker, const grammar::model::InvocationList& options, bool in_stage);
void check_parameters(Checker& checker, const grammar::model::InvocationList& parameters);
void check_triggers(Checker& checker, const grammar::model::InvocationList& triggers);
void check_tools(Checker& checker, const grammar::model::Tools& tools);
void check_libraries(Checker& checker, const grammar::model::Libraries& libraries);
void check_input(Checker& checker, const grammar::model::Input& input);

// ---- stages, steps, when, post, matrix (check_stages.cpp, check_steps.cpp) ----

/// `nested`: inside a parallel or matrix, where another parallel or matrix may not stand.
void check_stages(Checker& checker, const grammar::model::Stages& stages, bool nested);
void check_post(Checker& checker, const grammar::model::Post& post);
void check_when(Checker& checker, const grammar::model::When& when);
void check_matrix(Checker& checker, const grammar::model::Matrix& matrix);

/// Where a steps block stands, which decides whether a legacy `parallel(...)` may stand in it.
enum class StepsPlace { stage, post, branch, block };
void check_steps(Checker& checker, const grammar::model::Steps& steps, StepsPlace place);

} // namespace ferry::compiler::detail
