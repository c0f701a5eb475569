// ferry's own steps: image builds and pushes (issue 6), deploys with helm and kubectl (issue 7).
// They are ordinary step calls, so a Ferryfile stays valid Jenkins syntax. `support` is what
// ferry does with them; `implemented` turns true as each driver lands.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {

namespace {
constexpr std::string_view ferry = "ferry";
} // namespace

void add_ferry_steps(Table& out) {
    out.push_back(
        step("buildImage", ferry,
             "Builds an OCI image without a Docker daemon: natively from a context on a base "
             "image, or from a Dockerfile through buildah.")
            .params({
                P("name", Type::string)
                    .required()
                    .doc("A repository name, resolved in the environment's registry, or a full "
                         "reference."),
                P("context", Type::string).def("'.'").doc("The build context directory."),
                P("base", Type::string).doc("The base image (native build); `scratch` for none."),
                P("dockerfile", Type::string).doc("Build this Dockerfile with buildah instead."),
                P("workdir", Type::string),
                P("entrypoint", Type::list),
                P("cmd", Type::list),
                P("env", Type::map),
                P("labels", Type::map),
                P("user", Type::string),
                P("ports", Type::list),
                P("buildArgs", Type::map).doc("Dockerfile builds only."),
                P("target", Type::string).doc("The Dockerfile stage to build."),
            })
            .single("name")
            .effects({Effect::filesystem, Effect::process})
            .cacheable());
    out.push_back(step("pushImage", ferry,
                       "Pushes a built image to the registry over the OCI distribution API.")
                      .params({
                          P("name", Type::string).required(),
                          P("tags", Type::list).doc("Tags to point at the image's digest."),
                          P("maxSize", Type::string)
                              .doc("Fail when the image is larger, e.g. "
                                   "`200MB`."),
                          P("overwrite", Type::boolean)
                              .def("false")
                              .doc("Move a tag that already names other content (refused "
                                   "otherwise, before anything is sent)."),
                      })
                      .single("name")
                      .effects({Effect::registry, Effect::network})
                      .cacheable());
    out.push_back(
        step("helmUpgrade", ferry,
             "Installs or upgrades a helm release, images pinned by digest; skipped when "
             "nothing changed; rolled back with the run.")
            .params({
                P("release", Type::string).required(),
                P("chart", Type::string)
                    .required()
                    .doc("A directory, a `.tgz` or an `oci://` "
                         "reference."),
                P("namespace", Type::string).doc("Defaults to the environment's namespace."),
                P("cluster", Type::string)
                    .doc("A cluster of ferry.yaml to deploy to instead of the environment's."),
                P("values", Type::list).doc("Values files."),
                P("set", Type::map),
                P("setString", Type::map),
                P("images", Type::map)
                    .doc("Values keys mapped to images built earlier; filled "
                         "in as repository, tag and digest."),
                P("atomic", Type::boolean).def("true"),
                P("wait", Type::boolean),
                P("timeout", Type::string).doc("A helm duration such as `5m`."),
            })
            .effects({Effect::cluster, Effect::network})
            .cacheable());
    out.push_back(
        step("kubectlApply", ferry,
             "Applies manifests with server-side apply, image references rewritten to digests.")
            .params({
                P("files", Type::list).required().doc("Files or directories."),
                P("namespace", Type::string).doc("Defaults to the environment's namespace."),
                P("cluster", Type::string)
                    .doc("A cluster of ferry.yaml to deploy to instead of the environment's."),
                P("fieldManager", Type::string).def("'ferry'"),
                P("serverSide", Type::boolean).def("true"),
            })
            .single("files")
            .effects({Effect::cluster, Effect::network}));
}

} // namespace ferry::stdlib::detail
