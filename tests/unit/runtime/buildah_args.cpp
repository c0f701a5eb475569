#include "runtime/buildah.hpp"
#include "runtime/docker_config.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace rt = ferry::runtime;

TEST_CASE("buildah: bud arguments and the auth file", "[buildah]") {
    rt::BuildahBuild build;
    build.context = "/ws/src";
    build.dockerfile = "/ws/src/Dockerfile";
    build.reference = "reg:5000/team/api:latest";
    build.storage = "/cache/buildah/abc";
    build.build_args = {{"VERSION", "1.2"}};
    build.target = "runtime";
    const auto args = rt::buildah_bud_args(build, std::filesystem::path("/tmp/auth.json"),
                                           std::filesystem::path("/tmp/certs"));
    const std::vector<std::string> expected = {"--root",
                                               "/cache/buildah/abc/root",
                                               "--runroot",
                                               "/cache/buildah/abc/runroot",
                                               "--storage-driver",
                                               "vfs",
                                               "bud",
                                               "--isolation",
                                               "chroot",
                                               "--layers=false",
                                               "--pull=always",
                                               "--file",
                                               "/ws/src/Dockerfile",
                                               "--tag",
                                               "reg:5000/team/api:latest",
                                               "--build-arg",
                                               "VERSION=1.2",
                                               "--target",
                                               "runtime",
                                               "--authfile",
                                               "/tmp/auth.json",
                                               "--cert-dir",
                                               "/tmp/certs",
                                               "/ws/src"};
    CHECK(args == expected);
    rt::RegistryAuth auth;
    auth.username = rt::Secret("ferry");
    auth.password = rt::Secret("pw");
    const auto json = nlohmann::json::parse(rt::dockerconfigjson("reg:5000", auth).reveal());
    CHECK(json["auths"]["reg:5000"]["auth"] == "ZmVycnk6cHc=");
}
