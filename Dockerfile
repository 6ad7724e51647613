# syntax=docker/dockerfile:1
# Nightshift container image: build the fat jar with the Maven wrapper on a JDK, run it on a JRE.
#   docker build -t registry.example.com/nightshift:0.1.0 .
# The final image holds a JRE 17, the fat jar and nothing else: no JDK, no Maven, no sources.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /build
# The wrapper and the POM first; Maven and the dependencies stay in a BuildKit cache between builds.
COPY mvnw pom.xml ./
COPY .mvn .mvn
# Best effort: a plugin resolved only at package time is fetched then.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline -Dspotless.skip=true || true
# Besides the sources, the build reads openapi.properties (the OpenAPI document and the Swagger UI
# page are generated as the controllers compile) and schemas/ (the workflow JSON Schema, served).
COPY openapi.properties ./
COPY schemas schemas
COPY src src
# Tests run in CI (./mvnw -B verify); the image build only packages. Spotless would rewrite
# sources inside the build container, so it is skipped here.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests -Dspotless.skip=true package \
 && cp target/nightshift-*.jar /build/nightshift.jar

FROM eclipse-temurin:17-jre
# The same fixed UID/GID as the Helm chart's securityContext (runAsUser/runAsGroup 10001).
ARG UID=10001
ARG GID=10001
RUN groupadd --system --gid "${GID}" nightshift \
 && useradd --system --uid "${UID}" --gid "${GID}" --home-dir /var/lib/nightshift \
      --no-create-home --shell /usr/sbin/nologin nightshift \
 && mkdir -p /var/lib/nightshift /app \
 && chown "${UID}:${GID}" /var/lib/nightshift
COPY --from=build --chown=root:root --chmod=0444 /build/nightshift.jar /app/nightshift.jar
# The command-line client, `kubectl exec deploy/nightshift -- nightshift get runs …`: the launcher
# of the repository, on the image's jar.
COPY --chown=root:root --chmod=0555 bin/nightshift /usr/local/bin/nightshift
ENV NIGHTSHIFT_JAR=/app/nightshift.jar

LABEL org.opencontainers.image.title="Nightshift" \
      org.opencontainers.image.description="A central scheduler for Kubernetes batch work." \
      org.opencontainers.image.source="https://github.com/your-org/nightshift"

# Where Nightshift writes, with /tmp: the chart keeps the root filesystem read-only and mounts an
# emptyDir on /tmp and here (with the embedded PostgreSQL, its PersistentVolumeClaim here). The
# embedded PostgreSQL keeps its data in ./postgres and unpacks its binaries into
# ${java.io.tmpdir}/embedded-pg, so java.io.tmpdir stays /tmp (ENTRYPOINT); initdb needs the UID
# to be in /etc/passwd, as the user above is. The Kubernetes executor is pinned by the chart.
ENV NIGHTSHIFT_DATA_DIR=/var/lib/nightshift
WORKDIR /var/lib/nightshift
USER ${UID}:${GID}
EXPOSE 8080

# Container-aware JVM: the heap follows the memory limit, an OutOfMemoryError ends the process
# (Kubernetes restarts it) instead of leaving a half-working leader. Add flags with
# JAVA_TOOL_OPTIONS, which the JVM reads itself.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:InitialRAMPercentage=25", \
            "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", \
            "-jar", "/app/nightshift.jar"]
