// The images a Dockerfile builds FROM, for the build key.
#include "runtime/dockerfile_bases.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace ferry::runtime;

TEST_CASE("FROM images: stages, scratch, platform flags, continuations, comments",
          "[image][dockerfile]") {
    const auto bases =
        dockerfile_bases("# syntax=docker/dockerfile:1\n"
                         "FROM --platform=linux/amd64 reg.local:5000/node:20 AS build\n"
                         "RUN make \\\n  FROM not-an-image\n"
                         "from build as test\n"
                         "FROM scratch\n"
                         "FROM reg.local:5000/node:20\n"
                         "COPY --from=build /out /\n",
                         {});
    REQUIRE(bases.error.empty());
    CHECK(bases.images == std::vector<std::string>{"reg.local:5000/node:20"});
}

TEST_CASE("FROM images: ARGs before the first FROM, overridden by buildArgs",
          "[image][dockerfile]") {
    const std::string text = "ARG REGISTRY=reg.local:5000\nARG TAG=\"20\"\n"
                             "FROM ${REGISTRY}/node:$TAG\nARG LATER=x\nFROM busybox:${V:-1.36}\n";
    const auto defaults = dockerfile_bases(text, {});
    REQUIRE(defaults.error.empty());
    CHECK(defaults.images == std::vector<std::string>{"reg.local:5000/node:20", "busybox:1.36"});
    const auto given = dockerfile_bases(text, {{"TAG", "22"}});
    CHECK(given.images.front() == "reg.local:5000/node:22");
    const auto missing = dockerfile_bases("FROM node:$VERSION\n", {});
    CHECK(missing.error.find("ARG VERSION has no value") != std::string::npos);
    const auto chained =
        dockerfile_bases("ARG REG=reg.local:5000\nARG BASE=$REG/app:1\nARG EMPTY\n"
                         "FROM ${BASE}${EMPTY}\nFROM base-${TARGETARCH} AS Build\nFROM build\n",
                         {{"EMPTY", ""}});
    REQUIRE(chained.error.empty());
    CHECK(chained.images.at(0) == "reg.local:5000/app:1");
    CHECK(chained.images.size() == 2); // `FROM build` is the stage named `Build`
    CHECK(chained.images.at(1).starts_with("base-"));
}

TEST_CASE("only images that name their registry are resolved for the key", "[image][dockerfile]") {
    CHECK(names_its_registry("reg.local:5000/node:20"));
    CHECK_FALSE(names_its_registry("localhost/app")); // buildah's local storage
    CHECK(names_its_registry("localhost:5000/app"));
    CHECK(names_its_registry("ghcr.io/org/app:1"));
    CHECK_FALSE(names_its_registry("node:20"));
    CHECK_FALSE(names_its_registry("library/node"));
    const auto dir = std::filesystem::temp_directory_path() / "ferry-dockerfile-bases-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "Dockerfile") << "FROM reg.local:5000/a:1\nFROM node:20\n"
                                         "FROM reg.local:5000/b@sha256:abc\n";
    std::vector<std::string> asked;
    std::string error;
    const auto key = dockerfile_base_digests(
        (dir / "Dockerfile").string(), {},
        [&](const std::string& image, std::string&) -> std::optional<std::string> {
            asked.push_back(image);
            return "sha256:111";
        },
        error);
    REQUIRE(key);
    CHECK(*key == "reg.local:5000/a:1@sha256:111\nnode:20\nreg.local:5000/b@sha256:abc\n");
    CHECK(asked == std::vector<std::string>{"reg.local:5000/a:1"});
    const auto refused = dockerfile_base_digests(
        (dir / "Dockerfile").string(), {},
        [](const std::string& image, std::string& why) -> std::optional<std::string> {
            why = "manifest unknown: " + image;
            return std::nullopt;
        },
        error);
    CHECK_FALSE(refused);
    CHECK(error == "manifest unknown: reg.local:5000/a:1");
    std::filesystem::remove_all(dir);
}

TEST_CASE("FROM images: heredoc bodies are scripts, ${NAME:+word}", "[image][dockerfile]") {
    const auto bases = dockerfile_bases("FROM reg.local:5000/node:20\n"
                                        "RUN <<EOF\nFROM not-an-image\necho hi\nEOF\n"
                                        "COPY <<-\"A\" /a <<'B' /b\n\tFROM nor-this\n\tA\n"
                                        "FROM nor-that\nB\n"
                                        "FROM busybox:1.36\n",
                                        {});
    REQUIRE(bases.error.empty());
    CHECK(bases.images == std::vector<std::string>{"reg.local:5000/node:20", "busybox:1.36"});
    const std::string text = "ARG SUFFIX\nFROM node:20${SUFFIX:+-$SUFFIX}\n";
    CHECK(dockerfile_bases(text, {}).images.front() == "node:20");
    CHECK(dockerfile_bases(text, {{"SUFFIX", "alpine"}}).images.front() == "node:20-alpine");
}
