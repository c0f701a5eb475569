#pragma once
// Internals of build_model(), shared by grammar/model_*.cpp. Not a public header.
//
// The builder walks the syntax tree the way the Jenkins plugin's ModelParser walks Groovy's AST:
// a section is a method call statement, recognised by its name; a block is a trailing closure;
// every mismatch is reported with the plugin's own wording and the walk goes on, so one run
// reports every structural error of a file.

#include "grammar/diagnostic.hpp"
#include "grammar/model.hpp"
#include "grammar/source.hpp"
#include "grammar/syntax.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::grammar::model::detail {

/// The E02xx codes (documented in grammar/codes.def).
namespace code {
inline constexpr std::string_view no_pipeline = "E0200";
inline constexpr std::string_view pipeline_not_top_level = "E0201";
inline constexpr std::string_view pipeline_without_block = "E0202";
inline constexpr std::string_view invalid_section = "E0203";
inline constexpr std::string_view duplicate_section = "E0204";
inline constexpr std::string_view undefined_section = "E0205";
inline constexpr std::string_view removed_section = "E0206";
inline constexpr std::string_view expected_block = "E0207";
inline constexpr std::string_view expected_stage = "E0208";
inline constexpr std::string_view expected_string_literal = "E0209";
inline constexpr std::string_view stage_without_block = "E0210";
inline constexpr std::string_view unknown_stage_section = "E0211";
inline constexpr std::string_view invalid_stage_section = "E0212";
inline constexpr std::string_view expected_boolean = "E0213";
inline constexpr std::string_view expected_step = "E0214";
inline constexpr std::string_view object_method_call = "E0215";
inline constexpr std::string_view expected_symbol = "E0216";
inline constexpr std::string_view closure_argument = "E0217";
inline constexpr std::string_view code_block_without_block = "E0218";
inline constexpr std::string_view parallel_expected_closure = "E0219";
inline constexpr std::string_view duplicate_parallel_branch = "E0220";
inline constexpr std::string_view invalid_bare_agent = "E0221";
inline constexpr std::string_view no_agent_argument = "E0222";
inline constexpr std::string_view expected_agent = "E0223";
inline constexpr std::string_view one_agent_type = "E0224";
inline constexpr std::string_view expected_agent_option = "E0225";
inline constexpr std::string_view agent_option_arity = "E0226";
inline constexpr std::string_view env_invalid_statement = "E0227";
inline constexpr std::string_view env_invalid_value = "E0228";
inline constexpr std::string_view env_invalid_operator = "E0229";
inline constexpr std::string_view env_concat_not_quoted = "E0230";
inline constexpr std::string_view env_duplicate = "E0231";
inline constexpr std::string_view env_credentials_argument = "E0232";
inline constexpr std::string_view env_expected_pairs = "E0233";
inline constexpr std::string_view definition_with_block = "E0234";
inline constexpr std::string_view definition_as_map = "E0235";
inline constexpr std::string_view expected_definition = "E0236";
inline constexpr std::string_view expected_tool = "E0237";
inline constexpr std::string_view tool_arity = "E0238";
inline constexpr std::string_view expected_library = "E0239";
inline constexpr std::string_view expected_when_condition = "E0240";
inline constexpr std::string_view invalid_input_field = "E0241";
inline constexpr std::string_view field_arity = "E0242";
inline constexpr std::string_view invalid_post_content = "E0243";
inline constexpr std::string_view bare_dollar_curly = "E0244";
inline constexpr std::string_view big_integer = "E0245";
inline constexpr std::string_view exclude_values_and_not_values = "E0246";
inline constexpr std::string_view axis_value_not_literal = "E0247";
inline constexpr std::string_view expected_axis = "E0248";
inline constexpr std::string_view pipeline_in_groovy = "E0249";
} // namespace code

/// One argument as Groovy counts them: all named arguments together are one map, written
/// first; a closure (trailing or in the parentheses) counts too.
struct GroovyArg {
    enum class Kind { named, value, closure };
    Kind kind = Kind::value;
    const syntax::Expr* expr = nullptr;   ///< value: the expression (never null for value)
    const syntax::Block* block = nullptr; ///< closure: its body
    Span span;
};

/// The statements of a block, without empty ones (a lone `;`).
[[nodiscard]] std::vector<const syntax::Stmt*> statements(const syntax::Block& block);
/// `( e )` → `e`, as Groovy's AST has no parentheses.
[[nodiscard]] const syntax::Expr* unparen(const syntax::Expr* expr);
/// The call of an expression statement, or null (ModelParser's matchMethodCall).
[[nodiscard]] const syntax::Expr* call_of(const syntax::Stmt& stmt);
/// The method name of a call on the implicit script object, or nothing for `obj.method()`.
[[nodiscard]] std::optional<std::string_view> plain_name(const syntax::Expr& call);
/// The closure a call ends with (trailing, or the last argument inside the parentheses).
[[nodiscard]] const syntax::Block* closure_of(const syntax::Expr& call);
/// A call named `name` on the script object that ends with a closure (matchBlockStatement).
[[nodiscard]] const syntax::Block* block_call(const syntax::Expr& call);
[[nodiscard]] std::vector<GroovyArg> groovy_args(const syntax::Expr& call);
/// A string constant or a bare identifier's name (ModelParser's matchStringLiteral).
[[nodiscard]] std::optional<std::string> string_literal(const syntax::Expr& expr);
/// True for a constant: a string without interpolation, a number, a boolean or null.
[[nodiscard]] bool is_constant(const syntax::Expr& expr);
/// True for a Groovy integer literal that needs a BigInteger outside the range of a long.
[[nodiscard]] bool is_big_integer(std::string_view literal);

/// The section names seen in one block, to report repeated ones.
class SectionsSeen {
public:
    /// False when `name` was seen before.
    bool add(std::string_view name) { return names_.emplace(name).second; }
    [[nodiscard]] bool contains(std::string_view name) const {
        return names_.count(std::string(name)) > 0;
    }

private:
    std::set<std::string> names_;
};

/// Which of options / parameters / triggers a list of invocations is.
enum class DefinitionKind { options, parameters, triggers };

class Builder {
public:
    Builder(const SourceFile& source, Diagnostics& out) : source_(source), out_(out) {}

    Diagnostic& error(std::string_view code, Span span, std::string message);
    Diagnostic& warning(std::string_view code, Span span, std::string message);
    [[nodiscard]] std::string_view text(Span span) const;
    /// The source of a statement without a trailing `;`.
    [[nodiscard]] std::string statement_text(const syntax::Stmt& stmt) const;

    // model_builder.cpp: the file, the pipeline, stages.
    void build(const syntax::Tree& tree, Document& document);
    [[nodiscard]] Pipeline pipeline(const syntax::Stmt& stmt, const syntax::Block& body);
    void top_level_section(Pipeline& p, const syntax::Stmt& stmt, const syntax::Expr& call,
                           const std::string& name);
    void report_missing_pipeline(const syntax::Tree& tree);
    /// Warns about `def call() { if (...) { pipeline {...} } }`; true when it did.
    bool report_hidden_library_pipeline(const syntax::Tree& tree);
    /// Reports `pipeline {}` nested in another block; true when one was found.
    bool report_nested_pipelines(const syntax::Stmt& stmt);
    [[nodiscard]] std::unique_ptr<Stages> stages(const syntax::Stmt& stmt, const syntax::Expr& call,
                                                 std::string_view section);
    [[nodiscard]] std::optional<Stage> stage(const syntax::Stmt& stmt);
    void stage_section(Stage& stage, SectionsSeen& seen, const syntax::Stmt& stmt);

    // model_values.cpp: arguments and values.
    /// The method name, or nothing after reporting `obj.method()` (ModelParser's parseMethodName).
    [[nodiscard]] std::optional<std::string> method_name(const syntax::Expr& call);
    /// Reports what ModelParser's parseArgument rejects: bare `${...}` and huge integers.
    void check_value(const syntax::Expr& expr);
    /// A call's arguments as a model invocation (the trailing closure excluded); `strict` applies
    /// ModelParser's parseMethodCall rules (options, triggers, parameters, libraries).
    [[nodiscard]] Invocation invocation(const syntax::Expr& call, bool strict);
    [[nodiscard]] std::optional<bool> boolean_argument(const syntax::Expr& call,
                                                       std::string_view name);
    /// A string literal, or "Expected string literal" at the expression.
    [[nodiscard]] std::optional<std::string> expect_string_literal(const syntax::Expr& expr);

    // model_steps.cpp: steps, script blocks, legacy parallel, post.
    [[nodiscard]] Steps steps(const syntax::Block& block);
    [[nodiscard]] std::optional<Step> step(const syntax::Stmt& stmt);
    [[nodiscard]] Steps stage_steps(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] Post post(const syntax::Stmt& stmt, const syntax::Expr& call);

    // model_sections.cpp: agent, environment, options, parameters, triggers, tools, libraries.
    [[nodiscard]] Agent agent(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] Environment environment(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] InvocationList definitions(const syntax::Stmt& stmt, const syntax::Expr& call,
                                             DefinitionKind kind);
    [[nodiscard]] Tools tools(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] Libraries libraries(const syntax::Stmt& stmt, const syntax::Expr& call);

    // model_stage_parts.cpp: when, input, matrix.
    [[nodiscard]] When when(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] Input input(const syntax::Stmt& stmt, const syntax::Expr& call);
    [[nodiscard]] std::unique_ptr<Matrix> matrix(const syntax::Stmt& stmt,
                                                 const syntax::Expr& call);

    std::vector<GroovyIsland> islands;

private:
    // model_values.cpp
    void check_strict_arguments(const syntax::Expr& call);
    void check_strict_value(const syntax::Expr& value, Span report_at);
    // model_sections.cpp
    [[nodiscard]] std::vector<AgentOption> agent_options(const syntax::Block& block);
    void environment_entry(Environment& env, const syntax::Stmt& stmt, bool& malformed);
    [[nodiscard]] std::optional<std::string> environment_value(const syntax::Expr& value);
    bool concat_value(const syntax::Expr& expr);
    // model_stage_parts.cpp
    [[nodiscard]] std::optional<WhenCondition> when_condition(const syntax::Stmt& stmt);
    void matrix_section(Matrix& m, const syntax::Stmt& stmt, const syntax::Expr& call,
                        const std::string& name);
    [[nodiscard]] std::vector<Axis> axes(const syntax::Expr& call, bool in_exclude);
    [[nodiscard]] Axis axis(const syntax::Stmt& stmt, bool in_exclude);
    void axis_name(Axis& axis, const syntax::Expr& call);
    void axis_values(Axis& axis, const syntax::Expr& call);
    // model_steps.cpp
    void legacy_parallel(Step& step, const syntax::Expr& call);
    void code_block(Step& step, const syntax::Expr& call, std::string_view pronoun,
                    GroovyIsland::Kind kind);

    const SourceFile& source_;
    Diagnostics& out_;
};

} // namespace ferry::grammar::model::detail
