// The plan as JSON and back, and the observations' canonical form and fingerprint.
#include "compiler/plan.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <openssl/evp.h>
#include <string_view>

namespace ferry::compiler {
namespace {

using Json = nlohmann::ordered_json;

const char* known_text(Known k) {
    return k == Known::yes ? "yes" : "unknown";
}

Json target_json(const PlanTarget& t) {
    return {{"context", t.context},
            {"server", t.server},
            {"namespace", t.namespace_},
            {"registry", t.registry}};
}

PlanTarget target_from(const nlohmann::json& j) {
    PlanTarget t;
    t.context = j.value("context", "");
    t.server = j.value("server", "");
    t.namespace_ = j.value("namespace", "");
    t.registry = j.value("registry", "");
    return t;
}

Json step_json(const PlanStep& s) {
    Json effects = Json::array();
    for (const auto& e : s.effects) {
        effects.push_back(
            {{"kind", e.kind}, {"target", e.target}, {"before", e.before}, {"after", e.after}});
    }
    Json out = {{"id", s.id},
                {"stage", s.stage},
                {"stage_name", s.stage_name},
                {"kind", s.kind},
                {"action", std::string(to_string(s.action))},
                {"file", s.file},
                {"line", s.line},
                {"column", s.column}};
    if (!s.parent.empty()) {
        out["parent"] = s.parent;
    }
    if (!s.branch.empty()) {
        out["branch"] = s.branch;
    }
    if (!s.post.empty()) {
        out["post"] = s.post;
    }
    out["params"] = s.params;
    out["defaults"] = s.defaults;
    out["when"] = {{"result", s.when.result}, {"reason", s.when.reason}};
    out["target"] = target_json(s.target);
    out["image"] = s.image ? Json(*s.image) : Json(nullptr);
    out["cache"] = {{"status", s.cache.status}, {"key", s.cache.key}, {"reason", s.cache.reason}};
    if (!s.cache.base.empty()) {
        out["cache"]["base"] = s.cache.base;
    }
    out["effects"] = std::move(effects);
    out["may_affect"] = s.may_affect;
    out["summary"] = s.summary;
    return out;
}

PlanStep step_from(const nlohmann::json& j) {
    PlanStep s;
    s.id = j.at("id").get<std::string>();
    s.stage = j.value("stage", "");
    s.stage_name = j.value("stage_name", "");
    s.kind = j.at("kind").get<std::string>();
    s.action = action_from_string(j.value("action", "no-op")).value_or(Action::noop);
    s.file = j.value("file", "");
    s.line = j.value("line", 0u);
    s.column = j.value("column", 0u);
    s.parent = j.value("parent", "");
    s.branch = j.value("branch", "");
    s.post = j.value("post", "");
    s.params = j.value("params", nlohmann::json::object());
    s.defaults = j.value("defaults", nlohmann::json::object());
    if (j.contains("when")) {
        s.when = {j["when"].value("result", "true"), j["when"].value("reason", "")};
    }
    if (j.contains("target")) {
        s.target = target_from(j["target"]);
    }
    if (j.contains("image") && j["image"].is_string()) {
        s.image = j["image"].get<std::string>();
    }
    if (j.contains("cache")) {
        s.cache = {j["cache"].value("status", ""), j["cache"].value("key", ""),
                   j["cache"].value("reason", ""), j["cache"].value("base", "")};
    }
    for (const auto& e : j.value("effects", nlohmann::json::array())) {
        s.effects.push_back({e.value("kind", ""), e.value("target", ""), e.value("before", ""),
                             e.value("after", "")});
    }
    s.may_affect = j.value("may_affect", std::vector<std::string>{});
    s.summary = j.value("summary", "");
    return s;
}

template <class T>
nlohmann::json optional_json(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// ---------------------------------------------------------------------------------------------
// The plan as JSON text, written straight from the Plan: the same bytes as
// to_json(plan).dump(indent) without building the document first (a 1,000-stage plan is ~7,000
// steps, and building then dumping an ordered_json of them costs more than the whole plan).
// Every field step_json() and to_json() write must be written here too, in the same order;
// tests/unit/compiler/plan_json_writer.cpp compares the two.

/// Bytes written as they are inside a JSON string: printable ASCII but `"` and `\`.
constexpr std::array<bool, 256> plain_bytes = [] {
    std::array<bool, 256> plain{};
    for (std::size_t b = 0x20; b < 0x80; ++b) {
        plain[b] = b != '"' && b != '\\';
    }
    return plain;
}();

/// The length of the well-formed UTF-8 sequence at `s[i]` (lead byte >= 0x80), or, negated,
/// the length of its longest ill-formed prefix (at least 1): the bytes one U+FFFD replaces.
int utf8_sequence(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    int length = 0;
    unsigned char low = 0x80; // the second byte's range; later bytes are always 80..BF
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // no overlong forms
        high = lead == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        const std::size_t at = i + static_cast<std::size_t>(k);
        if (at >= s.size()) {
            return -k;
        }
        const unsigned char b = byte(at);
        if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) {
            return -k;
        }
    }
    return length;
}

/// Writes through a cursor into a buffer that is either the whole text (a string grown by
/// doubling ahead of the writes and cut to what was written at the end) or a fixed window handed
/// to a callback whenever it fills (streaming: the text is never held whole). Each write is a
/// bounds check and a memcpy rather than a std::string::append (a 1,000-stage plan is ~2 million
/// small writes).
class TextSink {
public:
    explicit TextSink(std::string& text) : text_(text) {
        const std::size_t used = text_.size();
        text_.resize(std::max(text_.capacity(), used + 4096));
        at_ = text_.data() + used;
        end_ = text_.data() + text_.size();
    }
    TextSink(std::string& window, const std::function<void(std::string_view)>& flush)
        : text_(window), flush_(&flush) {
        text_.resize(std::max<std::size_t>(text_.capacity(), 64 * 1024));
        at_ = text_.data();
        end_ = text_.data() + text_.size();
    }
    TextSink(const TextSink&) = delete;
    TextSink& operator=(const TextSink&) = delete;
    ~TextSink() {
        if (flush_ != nullptr) {
            (*flush_)(written());
            text_.clear();
        } else {
            text_.resize(written().size());
        }
    }

    /// `n` bytes to write into, now.
    char* room(std::size_t n) {
        if (static_cast<std::size_t>(end_ - at_) < n) [[unlikely]] {
            grow(n);
        }
        char* at = at_;
        at_ += n;
        return at;
    }
    void put(char c) { *room(1) = c; }
    void put(std::string_view s) { std::memcpy(room(s.size()), s.data(), s.size()); }

private:
    std::string_view written() const {
        return {text_.data(), static_cast<std::size_t>(at_ - text_.data())};
    }
    /// Out of line: the writes above stay small enough to be inlined where they are used.
    [[gnu::noinline]] void grow(std::size_t n) {
        if (flush_ != nullptr) {
            (*flush_)(written());
            at_ = text_.data();
            if (text_.size() >= n) {
                return;
            }
        }
        const auto used = static_cast<std::size_t>(at_ - text_.data());
        text_.resize(std::max(text_.size() * 2, used + n));
        at_ = text_.data() + used;
        end_ = text_.data() + text_.size();
    }

    std::string& text_;
    const std::function<void(std::string_view)>* flush_ = nullptr; ///< streaming: the consumer
    char* at_ = nullptr;                                           ///< the next byte to write
    char* end_ = nullptr; ///< the end of the room grown so far
};

/// How many bytes `s` starts with that a JSON string holds as they are (see plain_bytes): eight
/// at a time while none of them is a control character, `"`, `\` or past ASCII.
std::size_t plain_prefix(std::string_view s) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero_byte = [](std::uint64_t w) { return ((w - ones) & ~w & highs) != 0; };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, 8);
        const bool special = (w & highs) != 0 || ((w - 0x20 * ones) & ~w & highs) != 0 ||
                             has_zero_byte(w ^ (ones * '"')) || has_zero_byte(w ^ (ones * '\\'));
        if (special) {
            break;
        }
    }
    while (i < s.size() && plain_bytes[static_cast<unsigned char>(s[i])]) {
        ++i;
    }
    return i;
}

/// `s` as a JSON string. Like nlohmann's serializer (ensure_ascii off), control characters are
/// escaped and UTF-8 is copied; ill-formed UTF-8, which nlohmann would throw on, is replaced by
/// U+FFFD per maximal ill-formed subsequence, as its error_handler_t::replace does.
void write_string(TextSink& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = plain_prefix(s);
    if (i == s.size()) { // the common case: nothing to escape
        char* at = out.room(s.size() + 2);
        at[0] = '"';
        std::memcpy(at + 1, s.data(), s.size());
        at[s.size() + 1] = '"';
        return;
    }
    out.put('"');
    out.put(s.substr(0, i));
    while (i < s.size()) {
        std::size_t run = i;
        while (run < s.size() && plain_bytes[static_cast<unsigned char>(s[run])]) {
            ++run;
        }
        out.put(s.substr(i, run - i));
        i = run;
        if (i == s.size()) {
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const int length = utf8_sequence(s, i);
            if (length > 0) {
                out.put(s.substr(i, static_cast<std::size_t>(length)));
            } else {
                out.put("\xEF\xBF\xBD");
            }
            i += static_cast<std::size_t>(length > 0 ? length : -length);
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out.put("\\\"");
            break;
        case '\\':
            out.put("\\\\");
            break;
        case '\b':
            out.put("\\b");
            break;
        case '\t':
            out.put("\\t");
            break;
        case '\n':
            out.put("\\n");
            break;
        case '\f':
            out.put("\\f");
            break;
        case '\r':
            out.put("\\r");
            break;
        default: {
            char* at = out.room(6);
            std::memcpy(at, "\\u00", 4);
            at[4] = hex[c >> 4];
            at[5] = hex[c & 0xF];
        }
        }
    }
    out.put('"');
}

/// JSON text laid out as nlohmann's dump(indent) lays it out: `indent` < 0 is compact;
/// otherwise one member per line, `"key": value`, and `{}` / `[]` for empty containers.
class JsonWriter {
public:
    JsonWriter(std::string& out, int indent) : out_(out), indent_(indent) {}
    JsonWriter(std::string& window, const std::function<void(std::string_view)>& flush, int indent)
        : out_(window, flush), indent_(indent) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    /// The next member's key; its value follows.
    void key(std::string_view name) { write_key(name, plain_prefix(name) == name.size()); }
    /// A key written in this file: one of the plan's own field names, which need no escaping.
    template <std::size_t N>
    void key(const char (&name)[N]) {
        write_key(std::string_view(name, N - 1), true);
    }

private:
    void write_key(std::string_view name, bool plain) {
        if (depth_ == 0 || keyed_ || !plain) {
            next();
            write_string(out_, name);
            out_.put(indent_ < 0 ? std::string_view(":") : std::string_view(": "));
            keyed_ = true;
            return;
        }
        // The common case in one write: `,` `\n` indentation `"name": `.
        const bool comma = !first_;
        const bool pretty = indent_ >= 0;
        const std::size_t width = pretty ? depth_ * static_cast<std::size_t>(indent_) : 0;
        const std::size_t size =
            (comma ? 1 : 0) + (pretty ? 1 + width : 0) + name.size() + (pretty ? 4 : 3);
        char* at = out_.room(size);
        if (comma) {
            *at++ = ',';
        }
        if (pretty) {
            *at++ = '\n';
            std::memset(at, ' ', width);
            at += width;
        }
        *at++ = '"';
        std::memcpy(at, name.data(), name.size());
        at += name.size();
        *at++ = '"';
        *at++ = ':';
        if (pretty) {
            *at = ' ';
        }
        first_ = false;
        keyed_ = true;
    }

public:
    void string(std::string_view s) {
        next();
        write_string(out_, s);
    }
    void boolean(bool b) {
        next();
        out_.put(b ? std::string_view("true") : std::string_view("false"));
    }
    void null() {
        next();
        out_.put("null");
    }
    template <class Integer>
    void integer(Integer n) {
        next();
        char buffer[24];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
        out_.put(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
    }

    /// A value that is already a document (parameters, the stage tree): walked, not dumped.
    void json(const Json& j) {
        switch (j.type()) {
        case Json::value_t::object:
            begin_object();
            for (const auto& [name, member] : j.get_ref<const Json::object_t&>()) {
                key(name);
                json(member);
            }
            end_object();
            return;
        case Json::value_t::array:
            begin_array();
            for (const auto& item : j) {
                json(item);
            }
            end_array();
            return;
        case Json::value_t::string:
            string(j.get_ref<const std::string&>());
            return;
        case Json::value_t::boolean:
            boolean(j.get<bool>());
            return;
        case Json::value_t::number_integer:
            integer(j.get<std::int64_t>());
            return;
        case Json::value_t::number_unsigned:
            integer(j.get<std::uint64_t>());
            return;
        case Json::value_t::null:
            null();
            return;
        default: // floats (nlohmann's shortest round-trip form), binary, discarded
            next();
            out_.put(j.dump(indent_));
        }
    }

private:
    /// Before a value: the separator and, when pretty, the line break and indentation.
    void next() {
        if (keyed_) {
            keyed_ = false;
            return;
        }
        if (depth_ == 0) {
            return;
        }
        if (!first_) {
            out_.put(',');
        }
        first_ = false;
        newline(depth_);
    }
    void open(char bracket) {
        next();
        out_.put(bracket);
        ++depth_;
        first_ = true;
    }
    void close(char bracket) {
        --depth_;
        if (!first_) {
            newline(depth_);
        }
        out_.put(bracket);
        first_ = false; // the enclosing container now holds this one
    }
    void newline(std::size_t depth) {
        if (indent_ < 0) {
            return;
        }
        const std::size_t width = depth * static_cast<std::size_t>(indent_);
        char* at = out_.room(width + 1);
        at[0] = '\n';
        std::memset(at + 1, ' ', width);
    }

    TextSink out_;
    int indent_;
    std::size_t depth_ = 0; ///< containers open
    bool first_ = false;    ///< the innermost open container has no member yet
    bool keyed_ = false;    ///< a key was written; its value needs no separator
};

void write_target(JsonWriter& w, const PlanTarget& t) {
    w.begin_object();
    w.key("context");
    w.string(t.context);
    w.key("server");
    w.string(t.server);
    w.key("namespace");
    w.string(t.namespace_);
    w.key("registry");
    w.string(t.registry);
    w.end_object();
}

void write_step(JsonWriter& w, const PlanStep& s) {
    const auto member = [&](const auto& name, std::string_view value) {
        w.key(name);
        w.string(value);
    };
    w.begin_object();
    member("id", s.id);
    member("stage", s.stage);
    member("stage_name", s.stage_name);
    member("kind", s.kind);
    member("action", to_string(s.action));
    member("file", s.file);
    w.key("line");
    w.integer(s.line);
    w.key("column");
    w.integer(s.column);
    if (!s.parent.empty()) {
        member("parent", s.parent);
    }
    if (!s.branch.empty()) {
        member("branch", s.branch);
    }
    if (!s.post.empty()) {
        member("post", s.post);
    }
    w.key("params");
    w.json(s.params);
    w.key("defaults");
    w.json(s.defaults);
    w.key("when");
    w.begin_object();
    member("result", s.when.result);
    member("reason", s.when.reason);
    w.end_object();
    w.key("target");
    write_target(w, s.target);
    w.key("image");
    if (s.image) {
        w.string(*s.image);
    } else {
        w.null();
    }
    w.key("cache");
    w.begin_object();
    member("status", s.cache.status);
    member("key", s.cache.key);
    member("reason", s.cache.reason);
    if (!s.cache.base.empty()) {
        member("base", s.cache.base);
    }
    w.end_object();
    w.key("effects");
    w.begin_array();
    for (const auto& e : s.effects) {
        w.begin_object();
        member("kind", e.kind);
        member("target", e.target);
        member("before", e.before);
        member("after", e.after);
        w.end_object();
    }
    w.end_array();
    w.key("may_affect");
    w.begin_array();
    for (const auto& kind : s.may_affect) {
        w.string(kind);
    }
    w.end_array();
    member("summary", s.summary);
    w.end_object();
}

} // namespace

nlohmann::json observations_json(const Observations& o) {
    nlohmann::json j;
    j["format_version"] = o.format_version;
    j["offline"] = o.offline;
    const auto& g = o.git;
    j["git"] = {{"known", known_text(g.known)},
                {"reason", g.reason},
                {"commit", g.commit},
                {"branch", g.branch},
                {"tags", g.tags},
                {"remote_url", g.remote_url},
                {"author_name", g.author_name},
                {"author_email", g.author_email},
                {"committer_name", g.committer_name},
                {"committer_email", g.committer_email},
                {"dirty", g.dirty},
                {"previous_successful_commit", optional_json(g.previous_successful_commit)},
                {"changed_files", optional_json(g.changed_files)},
                {"changelog", g.changelog}};
    j["tags"] = nlohmann::json::array();
    for (const auto& t : o.tags) {
        j["tags"].push_back({{"reference", t.reference},
                             {"known", known_text(t.known)},
                             {"reason", t.reason},
                             {"digest", optional_json(t.digest)}});
    }
    j["namespaces"] = nlohmann::json::array();
    for (const auto& n : o.namespaces) {
        j["namespaces"].push_back({{"context", n.context},
                                   {"name", n.name},
                                   {"known", known_text(n.known)},
                                   {"reason", n.reason},
                                   {"exists", n.exists}});
    }
    j["releases"] = nlohmann::json::array();
    for (const auto& r : o.releases) {
        j["releases"].push_back({{"context", r.context},
                                 {"namespace", r.namespace_},
                                 {"name", r.name},
                                 {"known", known_text(r.known)},
                                 {"reason", r.reason},
                                 {"revision", optional_json(r.revision)},
                                 {"status", r.status},
                                 {"chart", r.chart},
                                 {"deploy_key", optional_json(r.deploy_key)}});
    }
    j["clusters"] = nlohmann::json::array();
    for (const auto& c : o.clusters) {
        j["clusters"].push_back({{"context", c.context},
                                 {"known", known_text(c.known)},
                                 {"reason", c.reason},
                                 {"server", c.server}});
    }
    if (!o.builds.empty()) { // buildImage keys (issue 6): a changed context makes a plan stale
        j["builds"] = nlohmann::json::array();
        for (const auto& b : o.builds) {
            nlohmann::json build = {{"step", b.step},
                                    {"reference", b.reference},
                                    {"known", known_text(b.known)},
                                    {"reason", b.reason},
                                    {"key", b.key},
                                    {"hit", b.hit},
                                    {"explanation", b.explanation},
                                    {"digest", optional_json(b.digest)}};
            if (!b.evidence.empty()) { // a push that writes the build's evidence: a stale plan
                build["evidence"] = b.evidence;
            }
            j["builds"].push_back(std::move(build));
        }
    }
    if (!o.deploys.empty()) { // helmUpgrade keys and object diffs (issue 7)
        j["deploys"] = nlohmann::json::array();
        for (const auto& d : o.deploys) {
            nlohmann::json objects = nlohmann::json::array();
            for (const auto& c : d.objects) {
                objects.push_back({{"api_version", c.api_version},
                                   {"kind", c.kind},
                                   {"namespace", c.namespace_},
                                   {"name", c.name},
                                   {"change", c.change},
                                   {"fields", c.fields},
                                   {"more_fields", c.more_fields}});
            }
            j["deploys"].push_back({{"step", d.step},
                                    {"known", known_text(d.known)},
                                    {"reason", d.reason},
                                    {"key", d.key},
                                    {"diff_known", known_text(d.diff_known)},
                                    {"diff_reason", d.diff_reason},
                                    {"objects", std::move(objects)},
                                    {"unchanged_objects", d.unchanged_objects},
                                    {"pending_images", d.pending_images}});
        }
    }
    j["build_number"] = optional_json(o.build_number);
    j["process_env"] = o.process_env;
    return j;
}

std::string observations_fingerprint(const Observations& observations) {
    // nlohmann::json keeps object keys sorted, so dump() is canonical.
    const std::string text = observations_json(observations).dump();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex = "sha256:";
    for (unsigned int i = 0; i < length; ++i) {
        hex += fmt::format("{:02x}", digest[i]);
    }
    return hex;
}

nlohmann::ordered_json to_json(const Plan& p) {
    Json steps = Json::array();
    for (const auto& s : p.steps) {
        steps.push_back(step_json(s));
    }
    Json out = {{"format_version", p.format_version},
                {"pipeline", p.pipeline},
                {"job", p.job},
                {"environment", p.environment},
                {"description", p.description},
                {"target", target_json(p.target)},
                {"build_number", p.build_number ? Json(*p.build_number) : Json(nullptr)},
                {"git",
                 {{"known", p.git.known},
                  {"reason", p.git.reason},
                  {"commit", p.git.commit},
                  {"branch", p.git.branch}}},
                {"parameters", p.parameters},
                {"variables", p.variables},
                {"has_changes", p.has_changes()},
                {"steps", std::move(steps)},
                {"stages", p.stages},
                {"observations", p.observations},
                {"observations_fingerprint", p.observations_fingerprint}};
    return out;
}

namespace {

void write_plan(JsonWriter& w, const Plan& p) {
    const auto member = [&](const auto& name, std::string_view value) {
        w.key(name);
        w.string(value);
    };
    w.begin_object();
    w.key("format_version");
    w.integer(p.format_version);
    member("pipeline", p.pipeline);
    member("job", p.job);
    member("environment", p.environment);
    member("description", p.description);
    w.key("target");
    write_target(w, p.target);
    w.key("build_number");
    if (p.build_number) {
        w.integer(*p.build_number);
    } else {
        w.null();
    }
    w.key("git");
    w.begin_object();
    w.key("known");
    w.boolean(p.git.known);
    member("reason", p.git.reason);
    member("commit", p.git.commit);
    member("branch", p.git.branch);
    w.end_object();
    w.key("parameters");
    w.json(p.parameters);
    w.key("variables");
    w.json(p.variables);
    w.key("has_changes");
    w.boolean(p.has_changes());
    w.key("steps");
    w.begin_array();
    for (const auto& s : p.steps) {
        write_step(w, s);
    }
    w.end_array();
    w.key("stages");
    w.json(p.stages);
    w.key("observations");
    w.json(p.observations);
    member("observations_fingerprint", p.observations_fingerprint);
    w.end_object();
}

} // namespace

std::string to_json_text(const Plan& p, int indent) {
    std::string out;
    // About 1 KiB per step when indented: one allocation instead of twenty doublings.
    out.reserve(4096 + p.steps.size() * (indent < 0 ? 640 : 1152));
    {
        JsonWriter w(out, indent); // cuts `out` to what was written when it goes
        write_plan(w, p);
    }
    return out;
}

void write_json_text(const Plan& p, const std::function<void(std::string_view)>& write,
                     int indent) {
    std::string window;
    JsonWriter w(window, write, indent); // hands over the rest when it goes
    write_plan(w, p);
}

std::optional<Plan> plan_from_json(const nlohmann::json& j, std::string& error) {
    try {
        Plan p;
        p.format_version = j.at("format_version").get<int>();
        if (p.format_version != plan_format_version) {
            error = fmt::format("plan format_version {} is not {}, the one this ferry reads",
                                p.format_version, plan_format_version);
            return std::nullopt;
        }
        p.pipeline = j.value("pipeline", "");
        p.job = j.value("job", "");
        p.environment = j.at("environment").get<std::string>();
        p.description = j.value("description", "");
        if (j.contains("target")) {
            p.target = target_from(j["target"]);
        }
        if (j.contains("build_number") && j["build_number"].is_number_integer()) {
            p.build_number = j["build_number"].get<long long>();
        }
        if (const auto& g = j.value("git", nlohmann::json::object()); g.is_object()) {
            p.git.known = g.value("known", false);
            p.git.reason = g.value("reason", "");
            p.git.commit = g.value("commit", "");
            p.git.branch = g.value("branch", "");
        }
        p.parameters = j.value("parameters", nlohmann::json::object());
        p.variables = j.value("variables", nlohmann::json::array());
        for (const auto& s : j.at("steps")) {
            p.steps.push_back(step_from(s));
        }
        p.stages = j.value("stages", nlohmann::json::object());
        p.observations = j.value("observations", nlohmann::json::object());
        p.observations_fingerprint = j.at("observations_fingerprint").get<std::string>();
        return p;
    } catch (const nlohmann::json::exception& e) {
        error = fmt::format("not a ferry plan: {}", e.what());
        return std::nullopt;
    }
}

} // namespace ferry::compiler
