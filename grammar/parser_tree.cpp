// Iterative teardown and depth measurement of syntax trees, and the storage their nodes use.
#include "grammar/parser_tree.hpp"

#include <array>
#include <mutex>
#include <new>
#include <vector>

// Under AddressSanitizer nodes come from the general heap, so that it sees every misuse.
#if defined(__SANITIZE_ADDRESS__)
#define FERRY_NODE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FERRY_NODE_POOL 0
#endif
#endif
#ifndef FERRY_NODE_POOL
#define FERRY_NODE_POOL 1
#endif

namespace ferry::grammar::syntax::detail {

#if FERRY_NODE_POOL
namespace {

constexpr std::size_t grain = 16;    ///< node sizes are rounded up to this
constexpr std::size_t largest = 512; ///< larger requests go to the general heap
constexpr std::size_t chunk_bytes = std::size_t{256} * 1024;

struct FreeNode {
    FreeNode* next;
};

/// Every chunk ever made. Chunks are never given back: a node may outlive the thread that made
/// it, and a process that parsed one large file is likely to parse another.
struct Chunks {
    std::mutex lock;
    std::vector<std::unique_ptr<std::byte[]>> all;

    std::byte* make() {
        const std::lock_guard<std::mutex> hold(lock);
        all.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk_bytes));
        return all.back().get();
    }
};

Chunks& chunks() {
    static auto* const all = new Chunks; // never destroyed: nodes may be freed during exit
    return *all;
}

/// One thread's free lists (one per size class) and the unused end of its current chunk.
struct Pool {
    std::array<FreeNode*, largest / grain + 1> free{};
    std::byte* cursor = nullptr;
    std::byte* limit = nullptr;
};

thread_local Pool pool;

} // namespace

void* allocate_node(std::size_t size) {
    if (size > largest) {
        return ::operator new(size);
    }
    const std::size_t cls = (size + grain - 1) / grain;
    if (FreeNode* node = pool.free[cls]) {
        pool.free[cls] = node->next;
        return node;
    }
    const std::size_t bytes = cls * grain;
    if (static_cast<std::size_t>(pool.limit - pool.cursor) < bytes) {
        pool.cursor = chunks().make();
        pool.limit = pool.cursor + chunk_bytes;
    }
    void* node = pool.cursor;
    pool.cursor += bytes;
    return node;
}

void free_node(void* node, std::size_t size) noexcept {
    if (node == nullptr) {
        return;
    }
    if (size > largest) {
        ::operator delete(node);
        return;
    }
    const std::size_t cls = (size + grain - 1) / grain;
    auto* free = ::new (node) FreeNode{pool.free[cls]};
    pool.free[cls] = free;
}
#else
void* allocate_node(std::size_t size) {
    return ::operator new(size);
}

void free_node(void* node, std::size_t /*size*/) noexcept {
    ::operator delete(node);
}
#endif

} // namespace ferry::grammar::syntax::detail

namespace ferry::grammar::detail {

using namespace syntax;

namespace {

/// A work list of nodes whose children are moved out before the node itself is destroyed.
struct Teardown {
    std::vector<ExprPtr> exprs;
    std::vector<StmtPtr> stmts;
    std::vector<BlockPtr> blocks;

    void take(Expr& e) {
        auto push = [&](ExprPtr& p) {
            if (p) {
                exprs.push_back(std::move(p));
            }
        };
        push(e.target);
        push(e.lhs);
        push(e.rhs);
        for (auto& a : e.args) {
            push(a.value);
        }
        for (auto& part : e.parts) {
            push(part.expr);
        }
        if (e.block) {
            blocks.push_back(std::move(e.block));
        }
    }

    void take(Stmt& s) {
        if (s.expr) {
            exprs.push_back(std::move(s.expr));
        }
        if (s.value) {
            exprs.push_back(std::move(s.value));
        }
        if (s.block) {
            blocks.push_back(std::move(s.block));
        }
    }

    void take(Block& b) {
        for (auto& s : b.stmts) {
            if (s) {
                stmts.push_back(std::move(s));
            }
        }
    }

    void run() {
        while (!exprs.empty() || !stmts.empty() || !blocks.empty()) {
            if (!exprs.empty()) {
                ExprPtr e = std::move(exprs.back());
                exprs.pop_back();
                take(*e);
            } else if (!stmts.empty()) {
                StmtPtr s = std::move(stmts.back());
                stmts.pop_back();
                take(*s);
            } else {
                BlockPtr b = std::move(blocks.back());
                blocks.pop_back();
                take(*b);
            }
        }
    }
};

/// One node on the depth walk's stack.
struct Visit {
    const Expr* expr = nullptr;
    const Stmt* stmt = nullptr;
    const Block* block = nullptr;
    std::size_t depth = 0;
};

DepthReport walk(std::vector<Visit> stack) {
    DepthReport report;
    auto note = [&](std::size_t depth, Span where) {
        if (depth > report.depth) {
            report.depth = depth;
            report.where = where;
        }
    };
    while (!stack.empty()) {
        const Visit v = stack.back();
        stack.pop_back();
        const std::size_t d = v.depth + 1;
        if (v.expr != nullptr) {
            const Expr& e = *v.expr;
            note(d, e.span);
            for (const Expr* child : {e.target.get(), e.lhs.get(), e.rhs.get()}) {
                if (child != nullptr) {
                    stack.push_back(Visit{child, nullptr, nullptr, d});
                }
            }
            for (const auto& a : e.args) {
                if (a.value) {
                    stack.push_back(Visit{a.value.get(), nullptr, nullptr, d});
                }
            }
            for (const auto& p : e.parts) {
                if (p.expr) {
                    stack.push_back(Visit{p.expr.get(), nullptr, nullptr, d});
                }
            }
            if (e.block) {
                stack.push_back(Visit{nullptr, nullptr, e.block.get(), d});
            }
        } else if (v.stmt != nullptr) {
            const Stmt& s = *v.stmt;
            note(d, s.span);
            for (const Expr* child : {s.expr.get(), s.value.get()}) {
                if (child != nullptr) {
                    stack.push_back(Visit{child, nullptr, nullptr, d});
                }
            }
            if (s.block) {
                stack.push_back(Visit{nullptr, nullptr, s.block.get(), d});
            }
        } else if (v.block != nullptr) {
            note(d, v.block->span);
            for (const auto& s : v.block->stmts) {
                if (s) {
                    stack.push_back(Visit{nullptr, s.get(), nullptr, d});
                }
            }
        }
    }
    return report;
}

} // namespace

void dismantle(ExprPtr&& expr) {
    if (!expr) {
        return;
    }
    Teardown t;
    t.exprs.push_back(std::move(expr));
    t.run();
}

void dismantle(StmtPtr&& stmt) {
    if (!stmt) {
        return;
    }
    Teardown t;
    t.stmts.push_back(std::move(stmt));
    t.run();
}

void dismantle(BlockPtr&& block) {
    if (!block) {
        return;
    }
    Teardown t;
    t.blocks.push_back(std::move(block));
    t.run();
}

void dismantle(Tree& tree) {
    Teardown t;
    for (auto& s : tree.stmts) {
        if (s) {
            t.stmts.push_back(std::move(s));
        }
    }
    tree.stmts.clear();
    t.run();
}

DepthReport measure_depth(const Tree& tree) {
    std::vector<Visit> stack;
    for (const auto& s : tree.stmts) {
        if (s) {
            stack.push_back(Visit{nullptr, s.get(), nullptr, 0});
        }
    }
    return walk(std::move(stack));
}

DepthReport measure_depth(const Expr& expr) {
    return walk({Visit{&expr, nullptr, nullptr, 0}});
}

} // namespace ferry::grammar::detail
