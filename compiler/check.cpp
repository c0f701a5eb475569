// The entry point of the checks: the shared Checker state, the walk over the pipeline's
// top-level sections, and the warnings about Groovy that ferry keeps as text.

#include "compiler/check.hpp"

#include "compiler/check_context.hpp"

#include <array>
#include <fmt/format.h>

namespace ferry::compiler {

namespace detail {

namespace {

using grammar::Span;
namespace model = grammar::model;
namespace syntax = grammar::syntax;

constexpr std::array code_names = {
#define FERRY_CODE(code, severity, name, summary) std::string_view{#code},
#include "compiler/codes.def"
#undef FERRY_CODE
};

/// `def name(...)` / `name = { ... }` at the top of the file: callable from steps like a step.
void collect_file_methods(const syntax::Tree& tree, std::set<std::string, std::less<>>& names) {
    for (const auto& stmt : tree.stmts) {
        if (stmt->kind == syntax::StmtKind::method && !stmt->name.empty()) {
            names.insert(stmt->name);
        } else if (stmt->kind == syntax::StmtKind::assign && stmt->expr &&
                   stmt->expr->kind == syntax::ExprKind::ident) {
            names.insert(stmt->expr->value);
        }
    }
}

void check_pipeline(Checker& checker, const model::Pipeline& pipeline) {
    if (pipeline.stages) {
        check_stages(checker, *pipeline.stages, false);
    } else {
        checker.error(Code::E0301, head(pipeline.span, 8), R"(Missing required section "stages")");
    }
    if (pipeline.agent) {
        check_agent(checker, *pipeline.agent);
    } else {
        checker.error(Code::E0301, head(pipeline.span, 8), R"(Missing required section "agent")");
    }
    if (pipeline.environment) {
        check_environment(checker, *pipeline.environment);
    }
    if (pipeline.options) {
        check_options(checker, *pipeline.options, false);
    }
    if (pipeline.parameters) {
        check_parameters(checker, *pipeline.parameters);
    }
    if (pipeline.triggers) {
        check_triggers(checker, *pipeline.triggers);
    }
    if (pipeline.tools) {
        check_tools(checker, *pipeline.tools);
    }
    if (pipeline.libraries) {
        check_libraries(checker, *pipeline.libraries);
    }
    if (pipeline.post) {
        check_post(checker, *pipeline.post);
    }
}

/// The first line of an island's text, shortened, so a warning can name the island.
std::string island_excerpt(const model::Document& document, Span span) {
    if (!document.source) {
        return {};
    }
    std::string_view text = document.source->slice(span);
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    text.remove_prefix(first);
    text = text.substr(0, text.find_first_of("\r\n"));
    constexpr std::size_t limit = 40;
    return text.size() > limit ? std::string(text.substr(0, limit)) + "..." : std::string(text);
}

void warn_islands(Checker& checker, const model::Document& document) {
    for (const auto& island : document.islands) {
        const auto excerpt = island_excerpt(document, island.span);
        switch (island.kind) {
        case model::GroovyIsland::Kind::script:
            checker.warning(Code::W0503, island.span,
                            fmt::format("script block `{}`: ferry does not execute Groovy, so a "
                                        "plan that runs this stage fails here",
                                        excerpt));
            break;
        case model::GroovyIsland::Kind::expression:
            checker.warning(Code::W0505, island.span,
                            fmt::format("when expression `{}`: ferry does not evaluate Groovy, so "
                                        "a plan that reaches this condition fails here",
                                        excerpt));
            break;
        case model::GroovyIsland::Kind::outside:
            checker.warning(Code::W0504, island.span,
                            fmt::format("Groovy outside pipeline {{}} `{}`: ferry keeps it as text "
                                        "and does not execute it",
                                        excerpt));
            break;
        }
    }
}

} // namespace

std::string_view code_text(Code code) {
    return code_names.at(static_cast<std::size_t>(code));
}

Checker::Checker(const model::Document& document, grammar::Diagnostics& out,
                 const CheckOptions& options)
    : document_(document), out_(out), options_(options) {
    if (document.tree) {
        collect_file_methods(*document.tree, file_methods_);
    }
    const bool library_directive = document.pipeline && document.pipeline->libraries;
    const bool library_annotation =
        document.source && document.source->text().find("@Library") != std::string::npos;
    uses_library_ = library_directive || library_annotation;
}

grammar::Diagnostic& Checker::error(Code code, Span span, std::string message) {
    return out_.error(std::string(code_text(code)), span, std::move(message));
}

grammar::Diagnostic& Checker::warning(Code code, Span span, std::string message) {
    return out_.warning(std::string(code_text(code)), span, std::move(message));
}

void Checker::suggest(grammar::Diagnostic& diagnostic, std::string_view name,
                      const std::vector<std::string_view>& candidates) {
    const auto match = grammar::closest_match(name, candidates);
    if (!match) {
        return;
    }
    diagnostic.notes.push_back({fmt::format(R"(did you mean "{}"?)", *match), std::nullopt});
    diagnostic.fix = std::string(*match);
}

void Checker::warn_support(const stdlib::Signature& signature, Span span) {
    if (!options_.warn_unsupported) {
        return;
    }
    const auto kind = stdlib::to_string(signature.kind);
    if (signature.support == stdlib::Support::unsupported) {
        warning(Code::W0501, span,
                fmt::format(R"(ferry cannot run the {} "{}" (valid in Jenkins); a plan that )"
                            "reaches it fails here",
                            kind, signature.name));
    } else if (signature.support == stdlib::Support::ignored) {
        warning(Code::W0502, span,
                fmt::format(R"(ferry ignores the {} "{}": it has no effect under ferry)", kind,
                            signature.name));
    }
}

bool Checker::defined_in_file(std::string_view name) const {
    return file_methods_.find(name) != file_methods_.end();
}

} // namespace detail

void check(const grammar::model::Document& document, grammar::Diagnostics& out,
           const CheckOptions& options) {
    detail::Checker checker(document, out, options);
    if (document.pipeline) {
        detail::check_pipeline(checker, *document.pipeline);
    }
    if (options.warn_unsupported) {
        detail::warn_islands(checker, document);
    }
}

const std::vector<grammar::CodeInfo>& check_codes() {
    static const std::vector<grammar::CodeInfo> codes = {
#define FERRY_CODE(code, severity, name, summary)                                                  \
    {#code, grammar::Severity::severity, name, summary},
#include "compiler/codes.def"
#undef FERRY_CODE
    };
    return codes;
}

} // namespace ferry::compiler
