// Steps, `script {}` blocks, the legacy `parallel(...)` step and `post {}`.

#include "grammar/model_builder.hpp"

#include <set>

namespace ferry::grammar::model::detail {

using syntax::Block;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Stmt;

namespace {

/// The post conditions in the plugin's evaluation order, as its message lists them.
constexpr std::string_view post_conditions =
    "[always, changed, fixed, regression, aborted, success, unsuccessful, unstable, failure, "
    "notBuilt, cleanup]";

} // namespace

Steps Builder::steps(const Block& block) {
    Steps out;
    out.span = block.span;
    for (const auto& stmt : block.stmts) {
        if (stmt->kind == syntax::StmtKind::empty) {
            continue;
        }
        if (auto s = step(*stmt)) {
            out.steps.push_back(std::move(*s));
        }
    }
    return out;
}

std::optional<Step> Builder::step(const Stmt& stmt) {
    const Expr* call = call_of(stmt);
    if (call == nullptr) {
        error(code::expected_step, stmt.span, "Expected a step");
        return std::nullopt;
    }
    const auto name = method_name(*call);
    if (!name) {
        return std::nullopt;
    }
    Step st;
    st.call = invocation(*call, false);
    if (*name == "script") {
        code_block(st, *call, "Script", GroovyIsland::Kind::script);
        return st;
    }
    if (*name == "expression") {
        code_block(st, *call, "When", GroovyIsland::Kind::expression);
        return st;
    }
    if (const Block* body = closure_of(*call)) {
        st.body = std::make_unique<Steps>(steps(*body));
    }
    return st;
}

void Builder::code_block(Step& st, const Expr& call, std::string_view pronoun,
                         GroovyIsland::Kind kind) {
    const Block* body = closure_of(call);
    if (body == nullptr) {
        error(code::code_block_without_block, call.name_span,
              std::string(pronoun) + " step without a block");
        return;
    }
    st.is_script = kind == GroovyIsland::Kind::script;
    st.script_text = body->opaque ? body->text : std::string(text(body->body_span));
    st.script_span = body->body_span;
    islands.push_back({kind, body->body_span});
}

Steps Builder::stage_steps(const Stmt& stmt, const Expr& call) {
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for steps");
        Steps empty;
        empty.span = stmt.span;
        return empty;
    }
    Steps out = steps(*body);
    // `steps { parallel(a: {...}, b: {...}) }`: the plugin reads a lone parallel step as branches.
    if (out.steps.size() == 1 && out.steps.front().call.name == "parallel" &&
        !out.steps.front().body) {
        legacy_parallel(out.steps.front(), *out.steps.front().call.call);
    }
    return out;
}

void Builder::legacy_parallel(Step& st, const Expr& call) {
    if (!plain_name(call) || closure_of(call) != nullptr) {
        return;
    }
    std::vector<const syntax::Arg*> entries;
    for (const auto& arg : call.args) {
        if (arg.name && arg.value) {
            entries.push_back(&arg);
        } else if (arg.value && unparen(arg.value.get())->kind == ExprKind::map &&
                   call.args.size() == 1) {
            for (const auto& entry : unparen(arg.value.get())->args) {
                if (entry.name && entry.value) {
                    entries.push_back(&entry);
                }
            }
        }
    }
    std::set<std::string> names;
    for (const auto* entry : entries) {
        const Expr* value = unparen(entry->value.get());
        if (*entry->name == "failFast") {
            if (value->kind == ExprKind::boolean) {
                st.branches_fail_fast = value->value == "true";
            } else {
                error(code::expected_boolean, entry->name_span, "Expected a boolean with failFast");
            }
            continue;
        }
        if (value->kind != ExprKind::closure || !value->block) {
            error(code::parallel_expected_closure, entry->name_span,
                  "Expected closure or failFast");
            continue;
        }
        if (!names.insert(*entry->name).second) {
            error(code::duplicate_parallel_branch, entry->name_span,
                  "Duplicate parallel branch name: \"" + *entry->name + "\"");
            continue;
        }
        Step::Branch branch;
        branch.name = *entry->name;
        branch.name_span = entry->name_span;
        branch.steps = std::make_unique<Steps>(steps(*value->block));
        st.branches.push_back(std::move(branch));
    }
}

Post Builder::post(const Stmt& stmt, const Expr& call) {
    Post out;
    out.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block");
        return out;
    }
    for (const auto& inner : body->stmts) {
        if (inner->kind == syntax::StmtKind::empty) {
            continue;
        }
        const Expr* condition = call_of(*inner);
        const Block* steps_block = condition != nullptr ? block_call(*condition) : nullptr;
        if (steps_block == nullptr) {
            error(code::invalid_post_content, inner->span,
                  "The \u2018post\u2019 section can only contain build condition names with code "
                  "blocks. Valid condition names are " +
                      std::string(post_conditions));
            continue;
        }
        PostCondition pc;
        pc.name = condition->name;
        pc.span = inner->span;
        pc.name_span = condition->name_span;
        pc.steps = steps(*steps_block);
        out.conditions.push_back(std::move(pc));
    }
    return out;
}

} // namespace ferry::grammar::model::detail
