# One image for every role; the first argument picks it (deploy/docker/softq-entrypoint.sh). Every role is a member
# of one Akka.NET cluster, found through the seeds (the replay shards' stable names), not through URL lists:
#   docker run softq replay --data-dir /data --seeds replay-0:4053,... --public-host replay-0 ...
#   docker run softq learner serve --env multigoal --out /data/learner --seeds replay-0:4053,...
#   docker run softq actor --env multigoal --envs 16 --seeds replay-0:4053,...
# Every role listens on 0.0.0.0 (SOFTQ_HOST): cluster remoting on 4053 (SOFTQ_CLUSTER_PORT), HTTP (/healthz,
# /readyz, /metrics) on 8080; the shards also serve the gRPC edge (replay.proto) on 50051. docs/operations.md.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first (cached while only sources change).
COPY Directory.Build.props Directory.Packages.props ./
COPY Shared/Shared.csproj Shared/
COPY Learner/Learner.csproj Learner/
COPY ReplayService/ReplayService.csproj ReplayService/
COPY Actors/Actors.csproj Actors/
# The Learner's publish holds all three programs (it references the other two, as launch needs), compiled ahead of
# time (ReadyToRun): six roles starting at once on two cores took ~1 s of CPU each instead of ~2.5 s (docs/benchmarks.md).
RUN dotnet restore Learner/Learner.csproj -r linux-x64 -p:PublishReadyToRun=true
COPY Shared/ Shared/
COPY Learner/ Learner/
COPY ReplayService/ ReplayService/
COPY Actors/ Actors/
RUN dotnet publish Learner/Learner.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    --no-restore -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# OpenBLAS for the learner's and actors' matrix products (the managed GEMM is used without it); MuJoCo for the
# locomotion tasks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread libmujoco2.2.2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 softq \
 && useradd --system --uid 10001 --gid softq --home-dir /data --shell /usr/sbin/nologin softq \
 && mkdir -p /data \
 && chown softq:softq /data
COPY --from=build /out/ /app/
COPY deploy/docker/softq-entrypoint.sh /usr/local/bin/softq
RUN chmod 0755 /usr/local/bin/softq
ENV DOTNET_gcServer=0 \
    SOFTQ_HOST=0.0.0.0 \
    SOFTQ_GRPC_PORT=50051 \
    SOFTQ_HTTP_PORT=8080 \
    SOFTQ_CLUSTER_PORT=4053
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 4053 50051 8080
ENTRYPOINT ["/usr/local/bin/softq"]
CMD ["help"]
