#include "grammar/model.hpp"

#include <algorithm>

namespace ferry::grammar::model {

bool Invocation::all_named() const {
    return !args.empty() && std::all_of(args.begin(), args.end(),
                                        [](const Argument& arg) { return arg.name.has_value(); });
}

bool Invocation::any_named() const {
    return std::any_of(args.begin(), args.end(),
                       [](const Argument& arg) { return arg.name.has_value(); });
}

const Argument* Invocation::named(std::string_view key) const {
    const auto found = std::find_if(args.begin(), args.end(),
                                    [key](const Argument& arg) { return arg.name == key; });
    return found == args.end() ? nullptr : &*found;
}

const InputField* Input::field(std::string_view name) const {
    const auto found = std::find_if(fields.begin(), fields.end(),
                                    [name](const InputField& f) { return f.name == name; });
    return found == fields.end() ? nullptr : &*found;
}

} // namespace ferry::grammar::model
