// The canonical S-expression dump. It prints what the program means and how its literals are
// written (string style, decoded values, numbers as written), and leaves out what is layout:
// spans, comments, `;`, empty statements, whether a call used parentheses, how a map key was
// quoted.
#include "grammar/syntax_dump.hpp"

#include <cstdio>
#include <string_view>

namespace ferry::grammar::syntax {
namespace {

std::string_view style_name(StringStyle style) {
    switch (style) {
    case StringStyle::single:
        return "single";
    case StringStyle::double_:
        return "double";
    case StringStyle::triple_single:
        return "triple-single";
    case StringStyle::triple_double:
        return "triple-double";
    case StringStyle::slashy:
        return "slashy";
    case StringStyle::dollar_slashy:
        return "dollar-slashy";
    }
    return "single";
}

std::string_view kind_name(ExprKind kind) {
    switch (kind) {
    case ExprKind::string:
        return "string";
    case ExprKind::gstring:
        return "gstring";
    case ExprKind::number:
        return "number";
    case ExprKind::boolean:
        return "boolean";
    case ExprKind::null:
        return "null";
    case ExprKind::ident:
        return "ident";
    case ExprKind::property:
        return "property";
    case ExprKind::call:
        return "call";
    case ExprKind::index:
        return "index";
    case ExprKind::unary:
        return "unary";
    case ExprKind::binary:
        return "binary";
    case ExprKind::ternary:
        return "ternary";
    case ExprKind::list:
        return "list";
    case ExprKind::map:
        return "map";
    case ExprKind::closure:
        return "closure";
    case ExprKind::paren:
        return "paren";
    case ExprKind::cast:
        return "cast";
    case ExprKind::new_:
        return "new";
    case ExprKind::opaque:
        return "opaque";
    }
    return "opaque";
}

/// Writes the dump into one string; each top-level statement of a file gets its own line.
class Dumper {
public:
    std::string out;

    void quoted(std::string_view text) {
        out += '"';
        for (const char c : text) {
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(c));
                    out += buffer;
                } else {
                    out += c;
                }
            }
        }
        out += '"';
    }

    void expr(const Expr* e) {
        if (e == nullptr) {
            out += "()";
            return;
        }
        out += '(';
        out += kind_name(e->kind);
        switch (e->kind) {
        case ExprKind::string:
            word(style_name(e->style));
            out += ' ';
            quoted(e->value);
            break;
        case ExprKind::gstring:
            word(style_name(e->style));
            for (const auto& part : e->parts) {
                out += ' ';
                string_part(part);
            }
            break;
        case ExprKind::number:
        case ExprKind::boolean:
        case ExprKind::ident:
            word(e->value);
            break;
        case ExprKind::null:
            break;
        case ExprKind::property:
            word(e->op);
            child(e->target.get());
            word(e->value);
            break;
        case ExprKind::call:
            call(*e);
            break;
        case ExprKind::index:
            child(e->target.get());
            child(e->lhs.get());
            break;
        case ExprKind::unary:
            word(e->postfix ? "post" : "pre");
            word(e->op);
            child(e->target.get());
            break;
        case ExprKind::binary:
            word(e->op);
            child(e->target.get());
            child(e->rhs.get());
            break;
        case ExprKind::ternary:
            child(e->target.get());
            child(e->lhs.get());
            child(e->rhs.get());
            break;
        case ExprKind::list:
        case ExprKind::map:
            args(e->args);
            break;
        case ExprKind::closure:
            out += ' ';
            block(e->block.get());
            break;
        case ExprKind::paren:
            child(e->target.get());
            break;
        case ExprKind::cast:
            word(e->value);
            child(e->target.get());
            break;
        case ExprKind::new_:
            word(e->value);
            args(e->args);
            if (e->block) {
                out += ' ';
                block(e->block.get());
            }
            break;
        case ExprKind::opaque:
            out += ' ';
            quoted(e->value);
            break;
        }
        out += ')';
    }

    void stmt(const Stmt& s) {
        switch (s.kind) {
        case StmtKind::expr:
            out += "(expr ";
            expr(s.expr.get());
            break;
        case StmtKind::assign:
            out += "(assign ";
            out += s.op;
            child(s.expr.get());
            child(s.value.get());
            break;
        case StmtKind::opaque:
            out += "(opaque ";
            quoted(s.text);
            break;
        case StmtKind::method:
            out += "(method ";
            out += s.name;
            out += ' ';
            quoted(s.text);
            out += ' ';
            block(s.block.get());
            break;
        case StmtKind::empty:
            return;
        }
        out += ')';
    }

    void block(const Block* b) {
        if (b == nullptr) {
            out += "()";
            return;
        }
        if (b->opaque) {
            out += "(block-opaque ";
            quoted(b->text);
            out += ')';
            return;
        }
        out += "(block";
        if (b->has_arrow || !b->params.empty()) {
            out += " (params";
            for (const auto& p : b->params) {
                word(p);
            }
            out += ')';
        }
        for (const auto& s : b->stmts) {
            if (s && s->kind != StmtKind::empty) {
                out += ' ';
                stmt(*s);
            }
        }
        out += ')';
    }

private:
    void word(std::string_view w) {
        out += ' ';
        out += w;
    }

    void child(const Expr* e) {
        out += ' ';
        expr(e);
    }

    void string_part(const StringPart& part) {
        if (!part.is_expr) {
            quoted(part.text);
            return;
        }
        out += part.braced ? "(${} " : "($ ";
        expr(part.expr.get());
        out += ')';
    }

    void args(const std::vector<Arg>& list) {
        for (const auto& a : list) {
            if (a.name) {
                out += " (named ";
                quoted(*a.name);
                out += ' ';
            } else {
                out += " (arg ";
            }
            expr(a.value.get());
            out += ')';
        }
    }

    void call(const Expr& e) {
        word(e.name);
        if (e.target) {
            out += " (on";
            word(e.op.empty() ? "." : e.op);
            child(e.target.get());
            out += ')';
        }
        out += " (args";
        args(e.args);
        out += ')';
        if (e.block) {
            out += ' ';
            block(e.block.get());
        }
    }
};

} // namespace

std::string dump(const Tree& tree) {
    Dumper d;
    d.out += "(file";
    if (tree.shebang) {
        d.out += " (shebang)";
    }
    for (const auto& s : tree.stmts) {
        if (s && s->kind != StmtKind::empty) {
            d.out += "\n  ";
            d.stmt(*s);
        }
    }
    d.out += ")\n";
    return d.out;
}

std::string dump(const Expr& expr) {
    Dumper d;
    d.expr(&expr);
    return d.out;
}

} // namespace ferry::grammar::syntax
