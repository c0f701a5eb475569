#include "grammar/frontend.hpp"

#include "grammar/parser.hpp"

namespace ferry::grammar {

Frontend load(std::shared_ptr<const SourceFile> source) {
    Frontend result;
    ParseResult parsed = parse(*source);
    result.diagnostics.append(parsed.diagnostics);
    result.document.source = source;
    if (!parsed.tree) {
        return result;
    }
    result.parsed = true;
    auto tree = std::make_shared<const syntax::Tree>(std::move(*parsed.tree));
    result.document = model::build_model(std::move(source), std::move(tree), result.diagnostics);
    return result;
}

} // namespace ferry::grammar
