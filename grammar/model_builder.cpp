// build_model(): finds `pipeline {}` and reads its sections, stages and stage sections.

#include "grammar/model_builder.hpp"

#include <cctype>

namespace ferry::grammar::model {

namespace detail {

namespace {

using syntax::Block;
using syntax::Expr;
using syntax::Stmt;

constexpr std::string_view pipeline_step = "pipeline";

const std::vector<std::string_view> top_level_sections = {
    "agent", "environment", "options", "parameters", "triggers",
    "tools", "libraries",   "stages",  "post",
};

const std::vector<std::string_view> stage_sections = {
    "agent", "when",        "steps",    "post",   "options",  "input",
    "tools", "environment", "parallel", "matrix", "failFast", "stages",
};

bool has_section(const Block& body, std::string_view name) {
    for (const auto& stmt : body.stmts) {
        const Expr* call = call_of(*stmt);
        if (call != nullptr && plain_name(*call) == name) {
            return true;
        }
    }
    return false;
}

/// `pipeline { ... }` with the closure as its only argument. In a shared-library `call()` the
/// plugin also wants `agent` and `stages` in it, to tell it from a scripted helper.
const Block* pipeline_body(const Stmt& stmt, bool top_level) {
    const Expr* call = call_of(stmt);
    if (call == nullptr || plain_name(*call) != pipeline_step) {
        return nullptr;
    }
    const Block* body = block_call(*call);
    if (body == nullptr || groovy_args(*call).size() != 1) {
        return nullptr;
    }
    if (!top_level && !(has_section(*body, "agent") && has_section(*body, "stages"))) {
        return nullptr;
    }
    return body;
}

/// Every statement reachable through closures (the plugin's PipelineStepFinder).
const Stmt* find_library_pipeline(const Block& block) {
    for (const auto& stmt : block.stmts) {
        if (pipeline_body(*stmt, false) != nullptr) {
            return stmt.get();
        }
        const Expr* call = call_of(*stmt);
        if (call == nullptr) {
            continue;
        }
        if (const Block* inner = closure_of(*call)) {
            if (const Stmt* found = find_library_pipeline(*inner)) {
                return found;
            }
        }
    }
    return nullptr;
}

/// A `pipeline {` in Groovy the parser kept as text (`if (x) { pipeline { ... } }`).
bool mentions_pipeline_block(std::string_view text) {
    for (auto at = text.find(pipeline_step); at != std::string_view::npos;
         at = text.find(pipeline_step, at + 1)) {
        const auto is_name = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.';
        };
        if (at > 0 && is_name(text[at - 1])) {
            continue;
        }
        auto next = at + pipeline_step.size();
        while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) {
            ++next;
        }
        if (next < text.size() && text[next] == '{') {
            return true;
        }
    }
    return false;
}

bool contains(Span outer, Span inner) {
    return outer.begin <= inner.begin && inner.end <= outer.end;
}

void add_suggestion(Diagnostic& diagnostic, std::string_view name,
                    const std::vector<std::string_view>& candidates) {
    if (const auto near = closest_match(name, candidates)) {
        diagnostic.notes.push_back({"did you mean \"" + std::string(*near) + "\"?", std::nullopt});
    }
}

} // namespace

void Builder::build(const syntax::Tree& tree, Document& document) {
    const Stmt* found = nullptr;
    const Block* body = nullptr;
    for (const auto& stmt : tree.stmts) {
        if ((body = pipeline_body(*stmt, true)) != nullptr) {
            found = stmt.get();
            break;
        }
    }
    const Stmt* container = found;
    if (found == nullptr) {
        // The shared-library form: `def call() { pipeline { ... } }`.
        for (const auto& stmt : tree.stmts) {
            if (stmt->kind == syntax::StmtKind::method && stmt->name == "call" && stmt->block) {
                if ((found = find_library_pipeline(*stmt->block)) != nullptr) {
                    body = pipeline_body(*found, false);
                    container = stmt.get();
                    break;
                }
            }
        }
    }

    if (found != nullptr) {
        document.pipeline = pipeline(*found, *body);
    } else if (!report_hidden_library_pipeline(tree)) {
        report_missing_pipeline(tree);
    }

    // Everything around the pipeline is Groovy that ferry keeps as text.
    for (const auto& stmt : tree.stmts) {
        if (stmt->kind == syntax::StmtKind::empty) {
            continue;
        }
        if (stmt.get() != container) {
            islands.push_back({GroovyIsland::Kind::outside, stmt->span});
        } else if (container != found && stmt->block) {
            for (const auto& inner : stmt->block->stmts) {
                if (inner->kind != syntax::StmtKind::empty && !contains(inner->span, found->span)) {
                    islands.push_back({GroovyIsland::Kind::outside, inner->span});
                }
            }
        }
    }
}

bool Builder::report_hidden_library_pipeline(const syntax::Tree& tree) {
    for (const auto& stmt : tree.stmts) {
        if (stmt->kind != syntax::StmtKind::method || stmt->name != "call" || !stmt->block) {
            continue;
        }
        for (const auto& inner : stmt->block->stmts) {
            if (inner->kind == syntax::StmtKind::opaque && mentions_pipeline_block(inner->text)) {
                warning(code::pipeline_in_groovy, inner->span,
                        "the 'pipeline' step of this shared-library step is inside Groovy "
                        "control flow: ferry keeps it as text and does not check it");
                return true;
            }
        }
    }
    return false;
}

bool Builder::report_nested_pipelines(const Stmt& stmt) {
    const Expr* call = call_of(stmt);
    const Block* body = call != nullptr ? block_call(*call) : nullptr;
    if (body == nullptr) {
        return false;
    }
    bool reported = false;
    if (plain_name(*call) == pipeline_step) {
        error(code::pipeline_not_top_level, call->name_span,
              "pipeline block must be at the top-level, not within another block.");
        reported = true;
    }
    for (const auto& inner : body->stmts) {
        reported = report_nested_pipelines(*inner) || reported;
    }
    return reported;
}

void Builder::report_missing_pipeline(const syntax::Tree& tree) {
    bool reported = false;
    for (const auto& stmt : tree.stmts) {
        reported = report_nested_pipelines(*stmt) || reported;
        const Expr* call = call_of(*stmt);
        if (call != nullptr && plain_name(*call) == pipeline_step && closure_of(*call) == nullptr) {
            error(code::pipeline_without_block, call->name_span,
                  "Expected a block with the \"pipeline\" step");
            reported = true;
        }
    }
    if (reported) {
        return;
    }
    const std::string name = source_.path().empty() ? "the file" : source_.path();
    auto& d = error(code::no_pipeline, Span{0, 0},
                    name + " did not contain the 'pipeline' step: ferry runs declarative "
                           "pipelines only");
    d.notes.push_back({"a Jenkinsfile that does not contain the 'pipeline' step is a scripted "
                       "Pipeline; write `pipeline { agent ...; stages { ... } }`",
                       std::nullopt});
}

Pipeline Builder::pipeline(const Stmt& stmt, const Block& body) {
    Pipeline p;
    p.span = stmt.span;
    SectionsSeen seen;
    for (const auto& section : body.stmts) {
        if (section->kind == syntax::StmtKind::empty) {
            continue;
        }
        const Expr* call = call_of(*section);
        if (call == nullptr) {
            error(code::invalid_section, section->span,
                  "Not a valid section definition: \"" + statement_text(*section) +
                      "\". Some extra configuration is required.");
            continue;
        }
        const auto name = method_name(*call);
        if (!name) {
            continue;
        }
        if (!seen.add(*name)) {
            error(code::duplicate_section, call->name_span,
                  "Multiple occurrences of the " + *name + " section");
        }
        top_level_section(p, *section, *call, *name);
    }
    return p;
}

void Builder::top_level_section(Pipeline& p, const Stmt& stmt, const Expr& call,
                                const std::string& name) {
    if (name == "stages") {
        p.stages = stages(stmt, call, "stages");
    } else if (name == "environment") {
        p.environment = environment(stmt, call);
    } else if (name == "post") {
        p.post = post(stmt, call);
    } else if (name == "agent") {
        p.agent = agent(stmt, call);
    } else if (name == "tools") {
        p.tools = tools(stmt, call);
    } else if (name == "options") {
        p.options = definitions(stmt, call, DefinitionKind::options);
    } else if (name == "parameters") {
        p.parameters = definitions(stmt, call, DefinitionKind::parameters);
    } else if (name == "triggers") {
        p.triggers = definitions(stmt, call, DefinitionKind::triggers);
    } else if (name == "libraries") {
        p.libraries = libraries(stmt, call);
    } else if (name == "properties") {
        error(code::removed_section, call.name_span,
              "The \u2018properties\u2019 section has been renamed as of version 0.8. Use "
              "\u2018options\u2019 instead.");
    } else if (name == "wrappers") {
        error(code::removed_section, call.name_span,
              "The 'wrappers' section has been removed as of version 0.8. Use 'options' instead.");
    } else if (name == "jobProperties") {
        error(code::removed_section, call.name_span,
              "The \u2018jobProperties\u2019 section has been renamed as of version 0.7. Use "
              "\u2018properties\u2019 instead.");
    } else if (name == "notifications") {
        error(code::removed_section, call.name_span,
              "The \u2018notifications\u2019 section has been removed as of version 0.6. Use "
              "\u2018post\u2019 for all post-build actions.");
    } else if (name == "postBuild") {
        error(code::removed_section, call.name_span,
              "The \u2018postBuild\u2019 section has been renamed as of version 0.6. Use "
              "\u2018post\u2019 for all post-build actions.");
    } else {
        auto& d =
            error(code::undefined_section, call.name_span, "Undefined section \"" + name + "\"");
        add_suggestion(d, name, top_level_sections);
    }
}

std::unique_ptr<Stages> Builder::stages(const Stmt& stmt, const Expr& call,
                                        std::string_view section) {
    auto out = std::make_unique<Stages>();
    out->span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for " + std::string(section));
        return out;
    }
    for (const auto& inner : body->stmts) {
        if (inner->kind == syntax::StmtKind::empty) {
            continue;
        }
        if (auto s = stage(*inner)) {
            out->stages.push_back(std::move(*s));
        }
    }
    return out;
}

std::optional<Stage> Builder::stage(const Stmt& stmt) {
    const Expr* call = call_of(stmt);
    if (call == nullptr || block_call(*call) == nullptr || plain_name(*call) != "stage") {
        error(code::expected_stage, stmt.span, "Expected a stage");
        return std::nullopt;
    }
    const auto args = groovy_args(*call);
    Stage st;
    st.span = stmt.span;
    st.name_span = call->name_span;
    const GroovyArg& name_arg = args.front();
    if (name_arg.kind == GroovyArg::Kind::value) {
        st.name_span = name_arg.expr->span;
        const auto name = expect_string_literal(*name_arg.expr);
        st.name = name ? *name : std::string(text(name_arg.expr->span));
    } else {
        auto& d = error(code::expected_string_literal,
                        name_arg.kind == GroovyArg::Kind::closure ? call->name_span : name_arg.span,
                        "Expected string literal");
        d.notes.push_back({"a stage is written `stage('name') { ... }`", std::nullopt});
    }
    if (args.size() < 2 || args[1].kind != GroovyArg::Kind::closure) {
        error(code::stage_without_block, call->name_span, "Stage does not have a block");
        return st;
    }
    SectionsSeen seen;
    for (const auto& inner : args[1].block->stmts) {
        if (inner->kind != syntax::StmtKind::empty) {
            stage_section(st, seen, *inner);
        }
    }
    return st;
}

void Builder::stage_section(Stage& st, SectionsSeen& seen, const Stmt& stmt) {
    const Expr* call = call_of(stmt);
    if (call == nullptr) {
        error(code::invalid_stage_section, stmt.span,
              "Not a valid stage section definition: \"" + statement_text(stmt) +
                  "\". Some extra configuration is required.");
        return;
    }
    const auto name = method_name(*call);
    if (!name) {
        return;
    }
    if (!seen.add(*name)) {
        error(code::duplicate_section, call->name_span,
              "Multiple occurrences of the " + *name + " section");
    }
    if (*name == "agent") {
        st.agent = agent(stmt, *call);
    } else if (*name == "when") {
        st.when = when(stmt, *call);
    } else if (*name == "steps") {
        if (!st.steps) {
            st.steps = stage_steps(stmt, *call);
        }
    } else if (*name == "post") {
        st.post = post(stmt, *call);
    } else if (*name == "options") {
        st.options = definitions(stmt, *call, DefinitionKind::options);
    } else if (*name == "input") {
        st.input = input(stmt, *call);
    } else if (*name == "tools") {
        st.tools = tools(stmt, *call);
    } else if (*name == "environment") {
        st.environment = environment(stmt, *call);
    } else if (*name == "parallel") {
        st.parallel = stages(stmt, *call, "parallel");
    } else if (*name == "matrix") {
        st.matrix = matrix(stmt, *call);
    } else if (*name == "failFast") {
        st.fail_fast = boolean_argument(*call, "failFast");
    } else if (*name == "stages") {
        st.stages = stages(stmt, *call, "stages");
    } else {
        auto& d = error(code::unknown_stage_section, call->name_span,
                        "Unknown stage section \"" + *name +
                            "\". Starting with version 0.5, steps in a stage must be in a "
                            "\u2018steps\u2019 block.");
        add_suggestion(d, *name, stage_sections);
    }
}

} // namespace detail

Document build_model(std::shared_ptr<const SourceFile> source,
                     std::shared_ptr<const syntax::Tree> tree, Diagnostics& out) {
    Document document;
    document.source = source;
    document.tree = tree;
    if (!source || !tree) {
        return document;
    }
    detail::Builder builder(*source, out);
    builder.build(*tree, document);
    document.islands = std::move(builder.islands);
    return document;
}

} // namespace ferry::grammar::model
