// The builder's frames and leaves: where matched text becomes tokens, literals and comments.
// Folding a finished frame into a node is in parser_nodes.cpp.
#include "grammar/parser_build.hpp"

#include "grammar/parser_tree.hpp"
#include "grammar/peg_scan.hpp"

#include <algorithm>

namespace ferry::grammar::detail {

using namespace syntax;

void Frame::clear(std::uint32_t at) {
    begin = at;
    exprs.clear();
    tokens.clear();
    args.clear();
    stmts.clear();
    parts.clear();
    params.clear();
    block.reset();
    has_arrow = false;
    text.clear();
    text_begin = UINT32_MAX;
    text_end = 0;
}

Builder::Builder(std::string_view source, std::uint32_t base) : source_(source), base_(base) {
    frames_.resize(64);
    openers_.reserve(2 * 256 + 16);
    frames_[0].clear(0);
    frame_count_ = 1;
}

Builder::~Builder() {
    // A failed parse can leave deep partial trees in the frames: take them apart without recursion.
    for (auto& frame : frames_) {
        for (auto& e : frame.exprs) {
            dismantle(std::move(e));
        }
        for (auto& s : frame.stmts) {
            dismantle(std::move(s));
        }
        for (auto& a : frame.args) {
            dismantle(std::move(a.value));
        }
        for (auto& p : frame.parts) {
            dismantle(std::move(p.expr));
        }
        dismantle(std::move(frame.block));
    }
}

void Builder::open(std::uint32_t begin) {
    if (frame_count_ == frames_.size()) {
        frames_.resize(frames_.size() * 2);
    }
    frames_[frame_count_].clear(begin);
    ++frame_count_;
}

void Builder::abandon() {
    Frame& f = top();
    for (auto& e : f.exprs) {
        dismantle(std::move(e));
    }
    for (auto& s : f.stmts) {
        dismantle(std::move(s));
    }
    --frame_count_;
}

Opener Builder::innermost_opener() const {
    return openers_.empty() ? Opener::none : openers_.back().kind;
}

std::uint32_t Builder::innermost_opener_offset() const {
    return openers_.empty() ? 0 : openers_.back().offset;
}

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Decodes one Groovy escape sequence (the text starts at its backslash).
void decode_escape(std::string& out, std::string_view esc) {
    const char c = esc.size() > 1 ? esc[1] : '\\';
    switch (c) {
    case 'b':
        out += '\b';
        return;
    case 't':
        out += '\t';
        return;
    case 'n':
        out += '\n';
        return;
    case 'f':
        out += '\f';
        return;
    case 'r':
        out += '\r';
        return;
    case 's':
        out += ' ';
        return;
    case '\n':
    case '\r':
        return; // a line continuation: nothing
    case 'u': {
        std::uint32_t cp = 0;
        for (const char h : esc.substr(2, 4)) {
            const auto d = static_cast<std::uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            cp = cp * 16 + d;
        }
        append_utf8(out, cp);
        return;
    }
    default:
        if (c >= '0' && c <= '7') {
            std::uint32_t value = 0;
            for (const char o : esc.substr(1)) {
                value = value * 8 + static_cast<std::uint32_t>(o - '0');
            }
            append_utf8(out, value);
            return;
        }
        out += c; // \\ \' \" \$ \/
    }
}

ExprPtr literal(ExprKind kind, Span span, std::string_view value) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = span;
    e->value = std::string(value);
    return e;
}

} // namespace

void Builder::leaf(Leaf kind, std::uint32_t begin, std::uint32_t end) {
    Frame& f = top();
    const Span s = span(begin, end);
    const std::string_view text = slice(begin, end);
    auto note_text = [&f](std::uint32_t b, std::uint32_t e) {
        if (f.text_begin == UINT32_MAX) {
            f.text_begin = b;
        }
        f.text_end = e;
    };
    switch (kind) {
    case Leaf::none:
        return;
    case Leaf::line_comment:
        comments_.push_back(Comment{s, false});
        return;
    case Leaf::block_comment:
        comments_.push_back(Comment{s, true});
        return;
    case Leaf::shebang:
        shebang_ = s;
        return;
    case Leaf::text:
    case Leaf::lone_dollar:
        f.text += text;
        note_text(s.begin, s.end);
        return;
    case Leaf::escape:
        decode_escape(f.text, text);
        note_text(s.begin, s.end);
        return;
    case Leaf::slashy_escape:
        f.text += '/';
        note_text(s.begin, s.end);
        return;
    case Leaf::dollar_escape:
        f.text += text[1];
        note_text(s.begin, s.end);
        return;
    case Leaf::number:
        f.exprs.push_back(literal(ExprKind::number, s, text));
        return;
    case Leaf::digit_name:
        f.exprs.push_back(literal(ExprKind::ident, s, text));
        return;
    case Leaf::literal_true:
    case Leaf::literal_false:
        f.exprs.push_back(literal(ExprKind::boolean, s, text));
        return;
    case Leaf::literal_null:
        f.exprs.push_back(literal(ExprKind::null, s, ""));
        return;
    case Leaf::postfix_op: {
        if (f.exprs.empty()) {
            return;
        }
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::unary;
        e->op = std::string(text);
        e->postfix = true;
        e->target = std::move(f.exprs.back());
        e->span = Span{e->target->span.begin, s.end};
        f.exprs.back() = std::move(e);
        return;
    }
    case Leaf::empty_stmt: {
        auto st = std::make_unique<Stmt>();
        st->kind = StmtKind::empty;
        st->span = s;
        st->semicolon = true;
        f.stmts.push_back(std::move(st));
        return;
    }
    case Leaf::semicolon:
        if (!f.stmts.empty()) {
            f.stmts.back()->semicolon = true;
        }
        return;
    default:
        f.tokens.push_back(Token{kind, s});
        return;
    }
}

Tree Builder::take_tree() {
    Tree tree;
    tree.shebang = shebang_;
    tree.stmts = std::move(frames_[0].stmts);
    // Backtracking can match a comment twice, and comments inside text kept verbatim belong to
    // that text: keep each comment once, and only outside opaque text.
    std::sort(comments_.begin(), comments_.end(),
              [](const Comment& a, const Comment& b) { return a.span.begin < b.span.begin; });
    comments_.erase(std::unique(comments_.begin(), comments_.end(),
                                [](const Comment& a, const Comment& b) {
                                    return a.span.begin == b.span.begin;
                                }),
                    comments_.end());
    std::sort(opaque_spans_.begin(), opaque_spans_.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    std::vector<Comment> kept;
    kept.reserve(comments_.size());
    std::size_t next = 0;
    std::uint32_t covered_to = 0;
    for (const auto& c : comments_) {
        while (next < opaque_spans_.size() && opaque_spans_[next].begin <= c.span.begin) {
            covered_to = std::max(covered_to, opaque_spans_[next].end);
            ++next;
        }
        if (c.span.end > covered_to) {
            kept.push_back(c);
        }
    }
    tree.comments = std::move(kept);
    return tree;
}

ExprPtr Builder::take_expression() {
    auto& exprs = frames_[0].exprs;
    if (exprs.empty()) {
        return nullptr;
    }
    return std::move(exprs.front());
}

} // namespace ferry::grammar::detail
